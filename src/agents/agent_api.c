// agent_api.c: the agent interface's calls as functions (rlc_agent_act,
// rlc_agent_observe, rlc_agent_update), with the argument checks the
// classes leave to their callers.
// Depends on: rlc/agent.h.
#include "rlc/agent.h"

rlcStatus rlc_agent_act(rlcAgent *a, const void *obs, int n, bool explore, void *actions) {
  if (!a || !obs || !actions)
    return rlc_error(RLC_ERR_ARG, "rlc_agent_act: NULL agent, observations or actions");
  if (n < 1) return rlc_error(RLC_ERR_ARG, "rlc_agent_act: n=%d observations (must be >= 1)", n);
  a->cls->act(a, obs, n, explore, actions);
  return RLC_OK;
}

rlcStatus rlc_agent_observe(rlcAgent *a, const rlcStepBatch *b) {
  if (!a || !b) return rlc_error(RLC_ERR_ARG, "rlc_agent_observe: NULL agent or batch");
  return a->cls->observe(a, b);
}

rlcStatus rlc_agent_update(rlcAgent *a) {
  if (!a) return rlc_error(RLC_ERR_ARG, "rlc_agent_update: NULL agent");
  return a->cls->update(a);
}
