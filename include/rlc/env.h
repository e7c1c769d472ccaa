// rlc/env.h: layer 1. Environments with Gymnasium's semantics: a constant spec
// shared by any number of mutable states (MuJoCo's mjModel/mjData split), a
// registry by Gymnasium id, wrappers, the vector env, and known transition
// models for planning.
// Depends on: rlc/core.h.
#ifndef RLC_ENV_H
#define RLC_ENV_H

#include "rlc/core.h"

#ifdef __cplusplus
extern "C" {
#endif

//------------------------------------------------------------------------------
// Transition models: P[s][a] = list of (prob, next_state, reward, terminated)
//------------------------------------------------------------------------------

typedef struct rlcTransition {
  double prob;
  int next_state;
  double reward;
  bool terminated;
} rlcTransition;

// Entries of P[s][a] are tr[first[s*A + a] .. first[s*A + a + 1]), in the
// order Gymnasium lists them (duplicates are not merged).
typedef struct rlcMdp {
  int n_states, n_actions;
  int *first;          // (S*A + 1)
  rlcTransition *tr;   // (first[S*A])
  bool *valid;         // (S*A): false for impossible actions (the book's MDP)
  bool all_valid;      // set by rlc_mdp_finish
  double *initial;     // (S): initial-state distribution
  int n_tr, cap_tr, cur_cell;  // building state
} rlcMdp;

RLC_API rlcStatus rlc_mdp_create(int n_states, int n_actions, rlcMdp **out);
// Appends one entry to P[s][a]. Calls must come in (s, a) order.
RLC_API rlcStatus rlc_mdp_add(rlcMdp *m, int s, int a, double prob, int next_state, double reward,
                      bool terminated);
// Closes the table after the last rlc_mdp_add (fills empty (s, a) ranges).
// Envs whose model marks impossible actions (valid[s*A+a] = false) get those
// actions rejected by step() with an error; their observation is the state.
RLC_API void rlc_mdp_finish(rlcMdp *m);
RLC_API void rlc_mdp_destroy(rlcMdp *m);
// RLC_ERR_ARG when `action` is impossible in the state that obs (a state
// index) names.
RLC_API rlcStatus rlc_mdp_check_action(const rlcMdp *m, const void *obs, int action);
// `action` when it is possible in state s, else the first possible action (for
// drivers that pre-draw actions, such as benchmarks and the checker).
static inline int rlc_mdp_possible_action(const rlcMdp *m, int s, int action) {
  const bool *valid = m->valid + s * m->n_actions;
  for (int b = 0; !valid[action] && b < m->n_actions; b++)
    if (valid[b]) action = b;
  return action;
}
static inline int rlc_mdp_count(const rlcMdp *m, int s, int a) {
  return m->first[s * m->n_actions + a + 1] - m->first[s * m->n_actions + a];
}
static inline const rlcTransition *rlc_mdp_entries(const rlcMdp *m, int s, int a) {
  return m->tr + m->first[s * m->n_actions + a];
}

//------------------------------------------------------------------------------
// Writing an environment: a state struct and four functions
//------------------------------------------------------------------------------

typedef struct rlcEnvSpec rlcEnvSpec;

// What an env may draw besides itself (GridWorld writes Q-values in its cells).
typedef struct rlcRenderArgs {
  const double *q;     // (n_states, n_actions) or NULL
  int q_states, q_actions;
} rlcRenderArgs;

// The behaviour of one kind of env. The state is a block of state_size bytes
// that the library owns and lays side by side (vector env). Most states are
// plain data: the library zeroes, copies and checkpoints their bytes. A state
// that owns heap memory or library objects (a physics world) keeps pointers to
// them in that block and sets the lifecycle hooks below; the library then
// calls them wherever it creates, frees, copies, saves or loads a state, and
// steps never go through them. Constants (maps, physics parameters) live in
// spec->cfg.
typedef struct rlcEnvClass {
  const char *name;
  size_t state_size;         // sizeof the state struct
  // Starts an episode: write the first observation. rng is the instance's
  // np_random (already reseeded when the user passed a seed).
  void (*reset)(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs);
  // One step with an action already checked against the action space.
  void (*step)(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action, void *obs,
               double *reward, bool *terminated, bool *truncated);
  // Optional: draw into rgb (render_height, render_width, 3).
  void (*render)(const rlcEnvSpec *spec, const void *state, const rlcRenderArgs *args,
                 uint8_t *rgb);
  // Optional: the classic hand-written policy for this env (rlc play --policy heuristic).
  void (*heuristic)(const rlcEnvSpec *spec, const void *obs, void *action);
  // Optional: frees spec->cfg.
  void (*free_cfg)(void *cfg);
  // Optional: for envs with a generator of their own in the state (MinAtar's
  // RandomState): reseed it. Called with the seed whenever np_random is
  // seeded (reset(seed), the first unseeded reset, vector autoreset seeds).
  void (*seed)(const rlcEnvSpec *spec, void *state, uint64_t seed);

  // Optional lifecycle hooks, all or none (NULL: plain data, handled with
  // memset/memcpy). A wrapper's hooks see only its own fields; the library
  // walks the layers (rlc_env_state_init and friends below).
  // state_init: acquire what the state owns; the bytes are zeroed before. On
  // an error it leaves nothing to free.
  rlcStatus (*state_init)(const rlcEnvSpec *spec, void *state);
  // state_free: release it (the block itself belongs to the library).
  void (*state_free)(const rlcEnvSpec *spec, void *state);
  // state_copy: deep copy into an initialized dst: afterwards the two evolve
  // independently. On an error dst stays valid (freeable).
  rlcStatus (*state_copy)(const rlcEnvSpec *spec, void *dst, const void *src);
  // state_put/state_get: checkpoint bytes (rlc_buf_put / rlc_buf_get) of
  // what is needed to continue exactly. state_get restores into an
  // initialized state and must validate what it reads: RLC_ERR_FORMAT on
  // garbage, never a crash; on an error the state stays valid (freeable).
  void (*state_put)(const rlcEnvSpec *spec, const void *state, rlcBuf *b);
  rlcStatus (*state_get)(const rlcEnvSpec *spec, void *state, rlcBuf *b);
  // Optional: lives left (ALE's lives()), for wrappers that act on a lost
  // life. NULL: the env has no lives (rlc_env_lives gives 0).
  int (*lives)(const rlcEnvSpec *spec, const void *state);
  // Optional, for plain-data states: whether bytes read from a checkpoint are
  // a state this env can step and draw (indices in range, numbers finite,
  // bools 0 or 1: rlc_byte_is_bool); rlc_env_state_get refuses others with
  // RLC_ERR_FORMAT. A state the env's own steps reach must pass.
  bool (*state_valid)(const rlcEnvSpec *spec, const void *state);
} rlcEnvClass;

// The constant part of an env, shared by all of its instances.
struct rlcEnvSpec {
  char id[64];
  rlcSpace observation_space;
  rlcSpace action_space;
  int max_episode_steps;     // the time limit applied by the registry (0: none)
  double reward_threshold;   // NAN when the env defines none
  int render_width, render_height, render_fps;  // 0 x 0: no render
  rlcMdp *mdp;               // known dynamics, or NULL (owned by the innermost spec)
  const rlcEnvClass *cls;
  size_t state_size;         // bytes of one instance's state (0: cls->state_size)
  void *cfg;                 // class constants, freed by cls->free_cfg
  rlcEnvSpec *inner;         // wrappers: the wrapped spec (owned)
  size_t inner_offset;       // wrappers: where the inner state sits in this state
};

// Builds the base spec of a registered env from its options. Fills spaces, cls,
// cfg and anything else it knows; the registry applies the time limit.
typedef rlcStatus (*rlcEnvMakeFn)(rlcEnvSpec *spec, rlcOpts *opts);

typedef struct rlcEnvRegistration {
  const char *id;                 // "CartPole-v1"
  rlcEnvMakeFn make;
  int max_episode_steps;          // Gymnasium's registered TimeLimit (0: none)
  double reward_threshold;        // NAN: none
  const char *default_options;    // applied before the user's ("map_name=8x8")
  const char *doc;                // one line for `rlc list`
  const char *default_algo;       // what `rlc train --env ID` trains (NULL: "dqn")
} rlcEnvRegistration;

// Registers an env (the built-ins are registered on first use). Copies `r`;
// the strings must outlive the registry. Re-registering an id is an error.
RLC_API rlcStatus rlc_env_register(const rlcEnvRegistration *r);
RLC_API int rlc_env_registry_count(void);
RLC_API const rlcEnvRegistration *rlc_env_registry_get(int i);
RLC_API const rlcEnvRegistration *rlc_env_registry_find(const char *id);

// Creates the spec for `id` with options "k=v,...". Beside the env's own options
// every env accepts the wrapper options, applied in this order:
//   action_repeat=K      repeat each action K times, summing rewards
//   max_episode_steps=N  time limit (default: the registered one; 0 removes it)
//   frame_stack=K        stack the last K observations (along a new first axis)
// and, for learning from images (in this order, innermost first, before the
// three above; src/env/wrappers_atari.c):
//   pixels=true          the rendered RGB frame is the observation (AddRenderObservation)
//   atari_preprocessing=true  Gymnasium's AtariPreprocessing, with noop_max=30,
//                        frame_skip=4, screen_size=84, grayscale_obs=true,
//                        grayscale_newaxis=false, scale_obs=false,
//                        terminal_on_life_loss=false
//   fire_reset=true      FIRE (action 1) after each reset
//   autofire=true        FIRE after each reset and each lost life (Hands-On ML)
//   skip_start=N         N no-ops after each reset and each lost life (Hands-On ML)
//   clip_reward=M        rewards clipped to [-M, M] (ClipReward)
//   frame_stack_axis=last  stack along the last axis instead: (H, W, K C), as
//                        TF-Agents' FrameStack4 and the conv nets read images
RLC_API rlcStatus rlc_env_spec_create(const char *id, const char *options, rlcEnvSpec **out);
RLC_API void rlc_env_spec_destroy(rlcEnvSpec *spec);

// Wrappers: each takes ownership of `inner` (also on failure) and returns the new spec.
RLC_API rlcStatus rlc_wrap_time_limit(rlcEnvSpec *inner, int max_episode_steps, rlcEnvSpec **out);
RLC_API rlcStatus rlc_wrap_action_repeat(rlcEnvSpec *inner, int repeat, rlcEnvSpec **out);
RLC_API rlcStatus rlc_wrap_frame_stack(rlcEnvSpec *inner, int k, rlcEnvSpec **out);
// The same along the last axis of an (H, W) or (H, W, C) observation: (H, W, k C).
RLC_API rlcStatus rlc_wrap_frame_stack_last(rlcEnvSpec *inner, int k, rlcEnvSpec **out);

typedef struct rlcAtariDef {
  int noop_max;               // 30: up to this many no-ops after a reset (0: none)
  int frame_skip;             // 4: steps per action; the observation is the max of the last two
  int screen_size;            // 84: square output, area resampling
  bool grayscale_obs;         // true
  bool grayscale_newaxis;     // false: (S, S); true: (S, S, 1)
  bool scale_obs;             // false: uint8; true: float32 in [0, 1]
  bool terminal_on_life_loss; // false
} rlcAtariDef;
RLC_API rlcAtariDef rlc_atari_default_def(void);
RLC_API rlcStatus rlc_wrap_atari_preprocessing(rlcEnvSpec *inner, const rlcAtariDef *def, rlcEnvSpec **out);
RLC_API rlcStatus rlc_wrap_pixels(rlcEnvSpec *inner, rlcEnvSpec **out);
// `count` presses of `action` after each reset and, if on_life_loss, after
// each lost life that did not end the episode (their rewards are added).
RLC_API rlcStatus rlc_wrap_start_actions(rlcEnvSpec *inner, int action, int count, bool on_life_loss,
                                         rlcEnvSpec **out);
RLC_API rlcStatus rlc_wrap_clip_reward(rlcEnvSpec *inner, double lo, double hi, rlcEnvSpec **out);
// Lives left: the first layer with a lives hook, else 0.
RLC_API int rlc_env_lives(const rlcEnvSpec *spec, const void *state);

// How observations split into frames, for replays that store each frame once:
// `frames` stacked frames (1: none) of `channels` elements at each position
// (0: the stack is along the first axis, a frame is obs_size / frames
// contiguous elements).
RLC_API void rlc_spec_frame_layout(const rlcEnvSpec *spec, int *frames, int *channels);

// The innermost spec (Gymnasium's env.unwrapped), and the transition model if any.
RLC_API const rlcEnvSpec *rlc_spec_unwrapped(const rlcEnvSpec *spec);
static inline const rlcMdp *rlc_spec_mdp(const rlcEnvSpec *spec) { return spec->mdp; }

// Helpers for wrapper classes (and envs that nest envs).
RLC_API void rlc_spec_init_wrapper(rlcEnvSpec *outer, rlcEnvSpec *inner, const rlcEnvClass *cls,
                           size_t own_state_size);
static inline void *rlc_inner_state(const rlcEnvSpec *spec, void *state) {
  return (char *)state + spec->inner_offset;
}
// Calls the seed hook of every layer that has one, wrappers and base env.
RLC_API void rlc_env_seed_state(const rlcEnvSpec *spec, void *state, uint64_t seed);

// A state's lifecycle through every layer (each layer's hooks, or its bytes
// for plain data). Whoever holds states outside rlcEnv and rlcVecEnv uses
// these instead of memset/memcpy.
// true when no layer has hooks: the state is its spec->state_size bytes.
RLC_API bool rlc_env_state_is_plain(const rlcEnvSpec *spec);
// Zeroes spec->state_size bytes, then runs the init hooks (base env first).
RLC_API rlcStatus rlc_env_state_init(const rlcEnvSpec *spec, void *state);
RLC_API void rlc_env_state_free(const rlcEnvSpec *spec, void *state);
// dst and src are initialized states of the same spec.
RLC_API rlcStatus rlc_env_state_copy(const rlcEnvSpec *spec, void *dst, const void *src);
// Checkpoint state: a section tag and the state's size, then each layer.
RLC_API void rlc_env_state_put(const rlcEnvSpec *spec, const void *state, rlcBuf *b);
// RLC_ERR_FORMAT when the tag or size differ, the bytes are truncated or a
// hook refuses them.
RLC_API rlcStatus rlc_env_state_get(const rlcEnvSpec *spec, void *state, rlcBuf *b);

//------------------------------------------------------------------------------
// One environment
//------------------------------------------------------------------------------

#define RLC_NO_SEED (-1)

typedef struct rlcEnv {
  rlcEnvSpec *spec;          // owned
  void *state;               // spec->state_size bytes
  rlcRng rng;                // Gymnasium's np_random
  void *obs;                 // the last observation (reset/step may be passed NULL)
  bool seeded, in_episode, closed;
  // Episode statistics (Gymnasium's RecordEpisodeStatistics, built in): the
  // running return and length of the current episode.
  double episode_return;
  int episode_length;
} rlcEnv;

RLC_API rlcStatus rlc_env_create(const char *id, const char *options, rlcEnv **out);
RLC_API rlcStatus rlc_env_create_from_spec(rlcEnvSpec *spec, rlcEnv **out);  // takes ownership
RLC_API void rlc_env_destroy(rlcEnv *env);                                    // NULL is fine
// seed >= 0 reseeds np_random as reset(seed=...) does; RLC_NO_SEED continues
// the stream (the first reset ever without a seed draws one from the OS).
RLC_API rlcStatus rlc_env_reset(rlcEnv *env, int64_t seed, void *obs);
// An invalid action, a step before reset or after the episode ended is an error.
RLC_API rlcStatus rlc_env_step(rlcEnv *env, const void *action, void *obs, double *reward,
                       bool *terminated, bool *truncated);
RLC_API rlcStatus rlc_env_render(rlcEnv *env, const rlcRenderArgs *args, uint8_t *rgb);
// Gymnasium's close(): further calls are errors; closing twice is safe.
RLC_API void rlc_env_close(rlcEnv *env);
// mask[a] = whether action a is possible now (all true unless the env's model
// forbids some, like the book's MDP). Discrete action spaces only.
RLC_API rlcStatus rlc_env_action_mask(const rlcEnv *env, bool *mask);
// A uniformly random action among the possible ones (Gymnasium's
// action_space.sample(), respecting action masks).
RLC_API void rlc_env_sample_action(const rlcEnv *env, rlcRng *rng, void *action);
// RLC_ERR_UNSUPPORTED when the env has no heuristic.
RLC_API rlcStatus rlc_env_heuristic(const rlcEnv *env, const void *obs, void *action);
// Gymnasium's env.unwrapped.state: the base env's state inside the wrappers.
RLC_API void *rlc_env_unwrapped_state(rlcEnv *env);
// Makes dst continue exactly as src would (Python's copy.deepcopy(env)):
// state, np_random, last observation, order flags, episode statistics. Both
// must be built from equal specs (same id and options).
RLC_API rlcStatus rlc_env_copy(rlcEnv *dst, const rlcEnv *src);

//------------------------------------------------------------------------------
// The env checker (Gymnasium's check_env, and more)
//------------------------------------------------------------------------------

// Called once per check with its verdict and a one-line description.
typedef void (*rlcCheckFn)(bool ok, const char *what, void *user);

// Checks the env `id` with `options`: valid spaces; reset observations inside
// the observation space; same seed, same reset and same steps; finite rewards;
// terminated vs truncated (the time limit truncates exactly at its step);
// invalid actions rejected; render; the transition model's probabilities;
// close twice. *failed counts failed checks. Returns an error only when the
// env cannot be created at all.
RLC_API rlcStatus rlc_env_check(const char *id, const char *options, int64_t seed, rlcCheckFn report,
                        void *user, int *failed);

//------------------------------------------------------------------------------
// Vector env: N copies stepped together into contiguous arrays
//------------------------------------------------------------------------------

typedef struct rlcVecEnvDef {
  int num_envs;       // default 1
  int num_threads;    // worker threads including the caller (default 1)
} rlcVecEnvDef;

RLC_API rlcVecEnvDef rlc_vec_env_default_def(void);

typedef struct rlcVecWorkers rlcVecWorkers;

typedef struct rlcVecEnv {
  rlcEnvSpec *spec;            // owned, shared by every copy
  int num_envs;
  size_t obs_bytes, act_bytes, state_bytes;
  // Results of the last reset or step (structure of arrays).
  void *obs;                   // (N, obs): first obs of the next episode where done
  double *reward;              // (N)
  bool *terminated, *truncated;// (N)
  void *final_obs;             // (N, obs): the last obs of an episode, where done
  double *final_return;        // (N): return of the episode that ended, where done
  int *final_length;           // (N)
  // Per copy.
  char *states;                // (N, state_bytes)
  rlcRng *rngs;                // (N)
  double *episode_return;      // (N): running
  int *episode_length;         // (N)
  int64_t total_steps;         // env steps taken over all copies
  bool seeded;
  // >= 0: every autoreset of copy i reseeds it with autoreset_seed + i, so all
  // its episodes start alike (the rainbow notebook's reset(seed=777) per
  // episode). RLC_NO_SEED (the default): streams continue.
  int64_t autoreset_seed;
  rlcVecWorkers *workers;      // NULL when single-threaded
} rlcVecEnv;

RLC_API rlcStatus rlc_vec_env_create(const char *id, const char *options, const rlcVecEnvDef *def,
                             rlcVecEnv **out);
RLC_API rlcStatus rlc_vec_env_create_from_spec(rlcEnvSpec *spec, const rlcVecEnvDef *def,
                                       rlcVecEnv **out);  // takes ownership
RLC_API void rlc_vec_env_destroy(rlcVecEnv *v);
// Copy i is seeded with seed + i (Gymnasium's vector convention); RLC_NO_SEED
// continues each stream.
RLC_API rlcStatus rlc_vec_env_reset(rlcVecEnv *v, int64_t seed);
// actions: (N, act). Finished copies reset within the same step: obs then holds
// the new episode's first observation and final_obs the finished one's last.
RLC_API rlcStatus rlc_vec_env_step(rlcVecEnv *v, const void *actions);

#ifdef __cplusplus
}
#endif
#endif
