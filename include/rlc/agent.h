// rlc/agent.h: layer 3. The one interface every agent offers (tabular, DQN
// family, policy gradients), their hyperparameters and presets, and the
// registry of algorithms. The training driver (rlc/run.h) serves any agent
// through these few calls:
//
//   act      actions for a batch of observations, exploring or greedy
//   observe  the transitions of the vector env's last step
//   update   whatever learning is due now (every k steps, after an episode,
//            when a rollout is full: the agent decides)
//   save/load  everything needed to resume exactly, into a byte buffer
//
// Hyperparameters are declared once, in a table of rlcSetting (rlc/core.h)
// that fills the class's settings struct: the agent gets that struct, typed
// and range-checked, resolved from the table's defaults, the class's own
// defaults, the algorithm's default preset for the env, a named preset, then
// the user's overrides.
// Depends on: rlc/core.h, rlc/env.h.
#ifndef RLC_AGENT_H
#define RLC_AGENT_H

#include "rlc/core.h"
#include "rlc/env.h"

#ifdef __cplusplus
extern "C" {
#endif

//------------------------------------------------------------------------------
// Hyperparameters and presets
//------------------------------------------------------------------------------

// Settings known to work for an algorithm. `settings` is "k=v,..." over the
// algorithm's and the driver's parameter names (it may also set `env`).
typedef struct rlcPreset {
  const char *name;     // "homl-dqn"; NULL: the algorithm's default for `env`
  const char *env;      // the env it is for ("CartPole-v1"); NULL: any env
  const char *settings;
  const char *doc;
} rlcPreset;

//------------------------------------------------------------------------------
// Agents
//------------------------------------------------------------------------------

typedef struct rlcAgent rlcAgent;

// The transitions of one vector-env step, for n copies.
typedef struct rlcStepBatch {
  int n;
  const void *obs;        // (n, obs): the observations the actions were taken in
  const void *actions;    // (n, act)
  const double *reward;   // (n)
  const bool *terminated, *truncated;  // (n)
  const void *next_obs;   // (n, obs): the next observation; where an episode
                          // ended, its final observation (bootstrap from it
                          // on truncation)
  const double *episode_return;  // (n): where done, the finished episode's return
  const int *episode_length;     // (n)
} rlcStepBatch;

// What an agent reports for logs; NAN where it does not apply.
typedef struct rlcAgentInfo {
  double loss_sum;        // training loss summed over every update so far
  int64_t loss_count;     // losses in that sum (the driver logs the mean of
                          // each interval from the difference of two reads)
  double epsilon;         // ε of ε-greedy exploration
  double temperature;     // τ of softmax exploration
  double lr;              // the current learning rate
  int64_t updates;        // gradient steps / table sweeps so far
  int n_extra;            // agent-specific scalars (e.g. "q_s0_a0"), up to 4:
  const char *extra_name[4];  // metrics.csv columns and plot panels
  double extra[4];
  double extra_ref[4];    // a reference line for the plot (e.g. Q-value iteration's value); NAN: none
} rlcAgentInfo;

// What the driver gives an agent at creation.
typedef struct rlcAgentDef {
  const rlcEnvSpec *spec; // the (wrapped) env spec; outlives the agent
  int num_envs;           // batch size of act/observe during training
  uint64_t seed;          // the agent's own streams derive from it
  int64_t steps;          // the horizon of schedules that span the run, in env
                          // steps (0: not known): the run's `horizon`, fixed
                          // when it was created, so a resume with a larger
                          // budget trains on exactly as one longer run would
  const void *settings;   // the class's settings struct, filled from its table
                          // (valid during create only: copy what you keep)
} rlcAgentDef;

typedef struct rlcAgentClass {
  const char *name;       // "q-learning", "dqn", "ppo", ...
  const char *doc;        // one line for `rlc list`
  const rlcSetting *settings;  // its hyperparameters: the table that fills
  int n_settings;              // a struct of settings_size bytes
  size_t settings_size;
  const char *defaults;   // "k=v,..." over the table's defaults (classes that
                          // share a table: double-dqn is dqn with double=true); NULL: none
  const rlcPreset *presets;
  int n_presets;
  // Reads the configuration, checks it (impossible values and unsuited spaces
  // are RLC_ERR_ARG / RLC_ERR_UNSUPPORTED with a one-line message) and
  // allocates everything the agent will need.
  rlcStatus (*create)(const rlcAgentDef *def, rlcAgent **out);
  void (*destroy)(rlcAgent *a);
  // actions (n, act) for observations (n, obs). explore = false: the greedy
  // (deterministic) policy used for evaluation.
  void (*act)(rlcAgent *a, const void *obs, int n, bool explore, void *actions);
  rlcStatus (*observe)(rlcAgent *a, const rlcStepBatch *b);
  rlcStatus (*update)(rlcAgent *a);
  void (*info)(const rlcAgent *a, rlcAgentInfo *out);  // reads only: changes nothing
  // Everything that changes during training (parameters, optimizer moments,
  // replay, RNGs, counters, schedules), so training resumes exactly.
  void (*save)(const rlcAgent *a, rlcBuf *b);
  rlcStatus (*load)(rlcAgent *a, rlcBuf *b);
  // Optional: called once when training ends (the book's DQN restores the
  // weights of its longest episode).
  void (*finish)(rlcAgent *a);
  // Optional: the agent's Q-table (n_states, n_actions) for drawing (GridWorld).
  const double *(*q_table)(const rlcAgent *a, int *n_states, int *n_actions);
} rlcAgentClass;

// The common head of every agent struct (agents embed it first).
struct rlcAgent {
  const rlcAgentClass *cls;
  const rlcEnvSpec *spec;
  int num_envs;
};

//------------------------------------------------------------------------------
// Registry and configuration
//------------------------------------------------------------------------------

// The built-in algorithms first, then those added with rlc_agent_register.
RLC_API int rlc_agent_count(void);
RLC_API const rlcAgentClass *rlc_agent_get(int i);
RLC_API const rlcAgentClass *rlc_agent_find(const char *name);  // NULL if unknown
// Adds a user's algorithm (the class must outlive the process's use of it).
// A name already taken, or a class missing a required call, is RLC_ERR_ARG.
RLC_API rlcStatus rlc_agent_register(const rlcAgentClass *cls);
// The named preset of any algorithm ("homl-dqn"), and its algorithm.
RLC_API const rlcPreset *rlc_preset_find(const char *name, const rlcAgentClass **cls);

// Creates an agent of `algo` for `spec` from "k=v,..." settings over the
// algorithm's defaults (library use without the driver).
RLC_API rlcStatus rlc_agent_create(const char *algo, const rlcEnvSpec *spec, const char *settings,
                           uint64_t seed, int num_envs, rlcAgent **out);
RLC_API void rlc_agent_destroy(rlcAgent *a);  // NULL is fine

// The class's calls, for code that holds an agent (rlc_run_step makes the
// driver's whole act, step, observe, update cycle one call). act returns
// RLC_ERR_ARG for a NULL agent or array or n < 1, where the class would crash.
RLC_API rlcStatus rlc_agent_act(rlcAgent *a, const void *obs, int n, bool explore, void *actions);
RLC_API rlcStatus rlc_agent_observe(rlcAgent *a, const rlcStepBatch *b);
RLC_API rlcStatus rlc_agent_update(rlcAgent *a);

// Creates an agent of cls from a resolved configuration (every setting of
// the class present, as rlc_agent_settings_resolve or the driver leaves it):
// fills the class's settings struct through its table, then creates. steps:
// the run's length (0: not known). Range errors come from here.
RLC_API rlcStatus rlc_agent_create_from_config(const rlcAgentClass *cls, const rlcEnvSpec *spec, rlcOpts *cfg,
                                               uint64_t seed, int num_envs, int64_t steps, rlcAgent **out);
// The configuration text of a class's settings: the table's defaults, then
// the class's own, then `settings` ("k=v,..."), into cfg.
RLC_API rlcStatus rlc_agent_settings_resolve(const rlcAgentClass *cls, const char *settings, rlcOpts *cfg);

// Shared by agents: the first index of the maximum (numpy's argmax), over
// the entries allowed by `mask` when it is not NULL.
RLC_API int rlc_argmax_f32(const float *q, int n, const bool *mask);
RLC_API int rlc_argmax_f64(const double *q, int n, const bool *mask);

#ifdef __cplusplus
}
#endif
#endif
