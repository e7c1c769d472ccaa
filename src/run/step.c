// step.c: one training step (rlc_run_step), the cycle the driver repeats and
// library users and tests call directly.
// Depends on: rlc/run.h.
#include <string.h>

#include "rlc/run.h"

rlcStatus rlc_run_step(rlcAgent *agent, rlcVecEnv *venv, bool explore, void *obs, void *actions,
                       void *next_obs) {
  if (!agent || !venv || !obs || !actions || !next_obs)
    return rlc_error(RLC_ERR_ARG, "rlc_run_step: NULL agent, vector env or array");
  const int n = venv->num_envs;
  if (agent->num_envs != n)
    return rlc_error(RLC_ERR_ARG, "rlc_run_step: the agent was made for %d envs, the vector env has %d",
                     agent->num_envs, n);
  const size_t ob = venv->obs_bytes;
  agent->cls->act(agent, venv->obs, n, explore, actions);
  memcpy(obs, venv->obs, (size_t)n * ob);
  rlcStatus s = rlc_vec_env_step(venv, actions);
  if (s) return s;
  memcpy(next_obs, venv->obs, (size_t)n * ob);
  for (int i = 0; i < n; i++)
    if (venv->terminated[i] || venv->truncated[i])
      memcpy((uint8_t *)next_obs + i * ob, (const uint8_t *)venv->final_obs + i * ob, ob);
  rlcStepBatch b = {n, obs, actions, venv->reward, venv->terminated, venv->truncated, next_obs,
                    venv->final_return, venv->final_length};
  if ((s = agent->cls->observe(agent, &b))) return s;
  return agent->cls->update(agent);
}
