// agent.c: the registry of algorithms, presets, and the typed configuration
// (hyperparameters by name, defaults, overrides, range-checked reads).
// Depends on: rlc/agent.h.
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "rlc/agent.h"

// The built-in algorithms, in the order `rlc list` shows them: one line per
// class (each defined in its family's file). Referencing every class here is
// also what pulls each family's object file out of a static librlc.a: no
// whole-archive linking, no weak symbols.
#define BUILTIN_AGENTS(X)                                                                         \
  X(agents_random)                                                                             \
  X(agents_heuristic)                                                                          \
  X(agents_q_learning)                                                                         \
  X(agents_sarsa)                                                                              \
  X(agents_expected_sarsa)                                                                     \
  X(agents_q_lambda)                                                                           \
  X(agents_sarsa_lambda)                                                                       \
  X(agents_dqn)                                                                                \
  X(agents_double_dqn)                                                                         \
  X(agents_dueling_dqn)                                                                        \
  X(agents_n_step_dqn)                                                                         \
  X(agents_per_dqn)                                                                            \
  X(agents_noisy_dqn)                                                                          \
  X(agents_c51)                                                                                \
  X(agents_rainbow)                                                                            \
  X(agents_imitation)                                                                          \
  X(agents_reinforce)                                                                          \
  X(agents_a2c)                                                                                \
  X(agents_ppo)                                                                                 \
  X(agents_ddpg)                                                                               \
  X(agents_td3)                                                                                \
  X(agents_sac)

#define DECLARE(sym) extern const rlcAgentClass sym;
#define ENTRY(sym) &sym,
BUILTIN_AGENTS(DECLARE)
static const rlcAgentClass *const builtin[] = {BUILTIN_AGENTS(ENTRY)};
#undef DECLARE
#undef ENTRY
#define N_BUILTIN ((int)(sizeof builtin / sizeof builtin[0]))

// Classes users add with rlc_agent_register, after the built-ins.
#define MAX_USER_AGENTS 64
static const rlcAgentClass *user[MAX_USER_AGENTS];
static int n_user;
static pthread_mutex_t user_lock = PTHREAD_MUTEX_INITIALIZER;

int rlc_agent_count(void) {
  pthread_mutex_lock(&user_lock);
  int n = N_BUILTIN + n_user;
  pthread_mutex_unlock(&user_lock);
  return n;
}

const rlcAgentClass *rlc_agent_get(int i) {
  if (i >= 0 && i < N_BUILTIN) return builtin[i];
  pthread_mutex_lock(&user_lock);
  const rlcAgentClass *c = i >= N_BUILTIN && i < N_BUILTIN + n_user ? user[i - N_BUILTIN] : NULL;
  pthread_mutex_unlock(&user_lock);
  return c;
}

const rlcAgentClass *rlc_agent_find(const char *name) {
  for (int i = 0, n = rlc_agent_count(); name && i < n; i++) {
    const rlcAgentClass *c = rlc_agent_get(i);
    if (c && !strcmp(c->name, name)) return c;
  }
  return NULL;
}

rlcStatus rlc_agent_register(const rlcAgentClass *cls) {
  if (!cls || !cls->name || !*cls->name || !cls->create || !cls->destroy || !cls->act ||
      !cls->observe || !cls->update || !cls->save || !cls->load)
    return rlc_error(RLC_ERR_ARG, "an agent class needs a name and create, destroy, act, observe, "
                                  "update, save and load");
  if (rlc_agent_find(cls->name))
    return rlc_error(RLC_ERR_ARG, "algorithm '%s' is already registered", cls->name);
  pthread_mutex_lock(&user_lock);
  rlcStatus s = RLC_OK;
  if (n_user == MAX_USER_AGENTS) s = rlc_error(RLC_ERR_NOMEM, "the algorithm registry is full (%d user classes)", MAX_USER_AGENTS);
  else user[n_user++] = cls;
  pthread_mutex_unlock(&user_lock);
  return s;
}

const rlcPreset *rlc_preset_find(const char *name, const rlcAgentClass **cls) {
  for (int k = 0, n = rlc_agent_count(); name && k < n; k++) {
    const rlcAgentClass *c = rlc_agent_get(k);
    for (int i = 0; c && i < c->n_presets; i++)
      if (c->presets[i].name && !strcmp(c->presets[i].name, name)) {
        if (cls) *cls = c;
        return &c->presets[i];
      }
  }
  return NULL;
}

//------------------------------------------------------------------------------
// Configuration
//------------------------------------------------------------------------------

rlcStatus rlc_agent_settings_resolve(const rlcAgentClass *cls, const char *settings, rlcOpts *cfg) {
  rlcStatus s = RLC_OK;
  if (cls->defaults) {
    char what[96];
    snprintf(what, sizeof what, "%s's defaults", cls->name);
    s = rlc_settings_apply(cfg, cls->defaults, cls->settings, cls->n_settings, NULL, 0, what);
  }
  if (!s && settings) s = rlc_settings_apply(cfg, settings, cls->settings, cls->n_settings, NULL, 0, cls->name);
  if (!s) s = rlc_settings_defaults(cfg, cls->settings, cls->n_settings);
  return s;
}

rlcStatus rlc_agent_create_from_config(const rlcAgentClass *cls, const rlcEnvSpec *spec, rlcOpts *cfg,
                                       uint64_t seed, int num_envs, int64_t steps, rlcAgent **out) {
  *out = NULL;
  void *set = rlc_calloc(1, cls->settings_size ? cls->settings_size : 1);
  if (!set) return RLC_ERR_NOMEM;
  rlcStatus s = rlc_settings_fill(set, cls->settings, cls->n_settings, cfg);
  if (!s) {
    rlcAgentDef def = {spec, num_envs > 0 ? num_envs : 1, seed, steps, set};
    s = cls->create(&def, out);
  }
  rlc_free(set);
  return s;
}

rlcStatus rlc_agent_create(const char *algo, const rlcEnvSpec *spec, const char *settings,
                           uint64_t seed, int num_envs, rlcAgent **out) {
  *out = NULL;
  const rlcAgentClass *cls = rlc_agent_find(algo);
  if (!cls) return rlc_error(RLC_ERR_NOT_FOUND, "unknown algorithm '%s' (rlc list shows them)", algo);
  rlcOpts *cfg = rlc_calloc(1, sizeof *cfg);
  if (!cfg) return RLC_ERR_NOMEM;
  rlcStatus s = rlc_agent_settings_resolve(cls, settings, cfg);
  if (!s) s = rlc_agent_create_from_config(cls, spec, cfg, seed, num_envs, 0, out);
  rlc_free(cfg);
  return s;
}

void rlc_agent_destroy(rlcAgent *a) {
  if (a) a->cls->destroy(a);
}

int rlc_argmax_f32(const float *q, int n, const bool *mask) {
  int best = -1;
  for (int i = 0; i < n; i++)
    if ((!mask || mask[i]) && (best < 0 || q[i] > q[best])) best = i;
  return best < 0 ? 0 : best;
}

int rlc_argmax_f64(const double *q, int n, const bool *mask) {
  int best = -1;
  for (int i = 0; i < n; i++)
    if ((!mask || mask[i]) && (best < 0 || q[i] > q[best])) best = i;
  return best < 0 ? 0 : best;
}
