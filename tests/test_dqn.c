// tests/test_dqn.c: the DQN family — C51's projection against hand-computed
// cases, a short learning test per option on a 7-cell corridor, same seed
// same numbers, save -> load -> continue equal to an uninterrupted run, no
// allocation in training, epsilon schedules (the book's, the notebook's
// decrement), info, presets, and the errors for unsupported spaces and bad
// hyperparameters.
// Depends on: tests/test.h, rlc/agent.h, rlc/env.h (src/agents/dqn.c,
// src/data/replay.c), agents/dqn.h for the projection.
#include <stdlib.h>

#include "agents/dqn.h"
#include "test.h"

//------------------------------------------------------------------------------
// C51 projection
//------------------------------------------------------------------------------

TEST(dqn_c51_projection_hand_computed) {
  // Support 0, 1, 2, 3, 4 (dz = 1).
  const float p[5] = {0.1f, 0.2f, 0.3f, 0.4f, 0.0f};
  float m[5];
  // r = 0.5, gamma = 1: every atom lands halfway between two support points,
  // the last one (4.5) is clipped to 4.
  dqn_c51_project(m, p, 5, 0, 4, 0.5, 1.0, true);
  const float w1[5] = {0.05f, 0.15f, 0.25f, 0.35f, 0.2f};
  for (int j = 0; j < 5; j++) CHECK_NEAR(m[j], w1[j], 1e-7);
  // r = 1: atoms land exactly on support points (floor == ceil). The exact
  // projection moves each mass one point up (4 + 1 clips to 4); the
  // notebook's loses all of it.
  dqn_c51_project(m, p, 5, 0, 4, 1.0, 1.0, true);
  const float w2[5] = {0, 0.1f, 0.2f, 0.3f, 0.4f};
  for (int j = 0; j < 5; j++) CHECK_NEAR(m[j], w2[j], 1e-7);
  dqn_c51_project(m, p, 5, 0, 4, 1.0, 1.0, false);
  for (int j = 0; j < 5; j++) CHECK(m[j] == 0.0f);
  // Terminal (discount 0): everything goes to r = 2.25, split 0.75 / 0.25.
  dqn_c51_project(m, p, 5, 0, 4, 2.25, 0.0, true);
  const float w3[5] = {0, 0, 0.75f, 0.25f, 0};
  for (int j = 0; j < 5; j++) CHECK_NEAR(m[j], w3[j], 1e-7);
  // gamma = 0.5 on support [-2, 2]: z -> 0.5 + 0.5 z = -0.5, 0, 0.5, 1, 1.5.
  dqn_c51_project(m, p, 5, -2, 2, 0.5, 0.5, true);
  // atoms -0.5 (0.1) split between -1 and 0; 0 (0.2) exact; 0.5 (0.3)
  // split between 0 and 1; 1 (0.4) exact.
  const float w5[5] = {0, 0.05f, 0.05f + 0.2f + 0.15f, 0.15f + 0.4f, 0};
  for (int j = 0; j < 5; j++) CHECK_NEAR(m[j], w5[j], 1e-7);
  float s = 0;
  for (int j = 0; j < 5; j++) s += m[j];
  CHECK_NEAR(s, 1.0, 1e-6);
}

//------------------------------------------------------------------------------
// A small problem: a corridor of 7 cells, start in the middle. The right end
// pays 1, the left end 0.1; both end the episode; 20 steps at most.
//------------------------------------------------------------------------------

typedef struct CorridorState {
  int pos;
} CorridorState;

static void corridor_obs(const CorridorState *s, float *obs) {
  for (int i = 0; i < 7; i++) obs[i] = i == s->pos ? 1.0f : 0.0f;
}

static void corridor_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  CorridorState *s = state;
  s->pos = 3;
  corridor_obs(s, obs);
}

static void corridor_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action,
                          void *obs, double *reward, bool *terminated, bool *truncated) {
  CorridorState *s = state;
  s->pos += *(const int32_t *)action ? 1 : -1;
  *reward = s->pos == 6 ? 1.0 : s->pos == 0 ? 0.1 : 0.0;
  *terminated = s->pos == 0 || s->pos == 6;
  corridor_obs(s, obs);
}

static const rlcEnvClass corridor_class = {
    .name = "DqnCorridor", .state_size = sizeof(CorridorState), .reset = corridor_reset,
    .step = corridor_step};

static rlcStatus corridor_make(rlcEnvSpec *spec, rlcOpts *opts) {
  float lo[7] = {0}, hi[7] = {1, 1, 1, 1, 1, 1, 1};
  spec->observation_space = rlc_space_box(7, lo, hi);
  spec->action_space = rlc_space_discrete(2);
  spec->cls = &corridor_class;
  return RLC_OK;
}

// The same corridor with uint8 observations (0/1 planes, as MinAtar's).
static void corridor_u8_obs(const CorridorState *s, void *obs) {
  uint8_t *o = obs;
  for (int i = 0; i < 7; i++) o[i] = i == s->pos;
}
static void corridor_u8_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  float f[7];
  corridor_reset(spec, state, rng, f);
  corridor_u8_obs(state, obs);
}
static void corridor_u8_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action,
                             void *obs, double *reward, bool *terminated, bool *truncated) {
  float f[7];
  corridor_step(spec, state, rng, action, f, reward, terminated, truncated);
  corridor_u8_obs(state, obs);
}
static const rlcEnvClass corridor_u8_class = {
    .name = "DqnCorridorU8", .state_size = sizeof(CorridorState), .reset = corridor_u8_reset,
    .step = corridor_u8_step};
static rlcStatus corridor_u8_make(rlcEnvSpec *spec, rlcOpts *opts) {
  int shape[1] = {7};
  spec->observation_space = rlc_space_box_uniform(RLC_U8, 1, shape, 0, 1);
  spec->action_space = rlc_space_discrete(2);
  spec->cls = &corridor_u8_class;
  return RLC_OK;
}

static void register_corridor(void) {
  static bool done;
  if (done) return;
  rlcEnvRegistration reg = {"DqnCorridor-v0", corridor_make, 20, 1.0, NULL, "test corridor", NULL};
  CHECK_OK(rlc_env_register(&reg));
  rlcEnvRegistration u8 = {"DqnCorridorU8-v0", corridor_u8_make, 20, 1.0, NULL, "test corridor, uint8", NULL};
  CHECK_OK(rlc_env_register(&u8));
  done = true;
}

#define BASE                                                                                       \
  "hidden=32,lr=5e-3,batch_size=32,buffer_size=2000,learning_starts=100,gamma=0.9,"                \
  "target_update=50,eps_start=1,eps_end=0.05,eps_decay=800,v_min=0,v_max=1"

typedef struct Trainer {
  rlcVecEnv *v;
  rlcAgent *ag;
} Trainer;

static bool trainer_init(Trainer *t, const char *algo, const char *settings, uint64_t seed,
                         int num_envs) {
  register_corridor();
  t->v = NULL, t->ag = NULL;
  rlcVecEnvDef vd = rlc_vec_env_default_def();
  vd.num_envs = num_envs;
  CHECK_OK(rlc_vec_env_create("DqnCorridor-v0", NULL, &vd, &t->v));
  if (!t->v) return false;
  CHECK_OK(rlc_vec_env_reset(t->v, (int64_t)seed));
  CHECK_OK(rlc_agent_create(algo, t->v->spec, settings, seed, num_envs, &t->ag));
  return t->ag != NULL;
}

static void trainer_free(Trainer *t) {
  rlc_agent_destroy(t->ag);
  rlc_vec_env_destroy(t->v);
}

// The driver's loop (up to 4 copies of the 7-float corridor).
static void trainer_run(Trainer *t, int steps) {
  float obs[4 * 7], next[4 * 7];
  int32_t act[4];
  CHECK(t->v->num_envs <= 4);
  if (t->v->num_envs > 4) return;
  for (int s = 0; s < steps; s++) CHECK_OK(rlc_run_step(t->ag, t->v, true, obs, act, next));
}

// The greedy policy's return from the start (1.0 when it walks right).
static double greedy_return(rlcAgent *ag, int *length) {
  rlcEnv *e;
  CHECK_OK(rlc_env_create("DqnCorridor-v0", NULL, &e));
  if (!e) return NAN;
  float obs[7];
  bool term = false, trunc = false;
  rlc_env_reset(e, 0, obs);
  while (!term && !trunc) {
    int32_t a;
    double r;
    ag->cls->act(ag, obs, 1, false, &a);
    rlc_env_step(e, &a, obs, &r, &term, &trunc);
  }
  double ret = e->episode_return;
  *length = e->episode_length;
  rlc_env_destroy(e);
  return ret;
}

static void agent_bytes(const rlcAgent *ag, rlcBuf *b) {
  memset(b, 0, sizeof *b);
  ag->cls->save(ag, b);
  CHECK_OK(b->err);
}

//------------------------------------------------------------------------------
// Learning, one option at a time
//------------------------------------------------------------------------------

TEST(dqn_learns_the_corridor_with_every_option) {
  static const struct { const char *algo, *settings; int steps, envs; } cases[] = {
      {"dqn", BASE, 1500, 1},
      {"dqn", BASE ",target_update=0", 1500, 1},                   // targets from the online net
      {"dqn", BASE ",target_update=1,tau=0.05", 1500, 1},          // soft updates
      {"dqn", BASE ",loss=mse,optimizer=rmsprop,lr=2e-3", 1500, 1},
      {"dqn", BASE ",optimizer=sgd,lr=0.05,momentum=0.9", 1500, 1},
      {"dqn", BASE ",optimizer=nadam", 1500, 1},
      {"dqn", BASE ",train_freq=4,gradient_steps=2,max_grad_norm=1", 1500, 1},
      {"dqn", BASE ",eps_schedule=polynomial,eps_power=2", 1500, 1},
      {"dqn", BASE ",eps_schedule=exponential,eps_decay=300", 1500, 1},
      {"dqn", BASE ",eps_schedule=decrement,eps_decay=1000", 1500, 1},
      {"dqn", BASE ",lr_decay_steps=1000,lr_end=1e-3,random_steps=200", 1500, 1},
      {"dqn", BASE ",init=glorot,activation=elu,hidden=16-16", 1500, 1},
      {"dqn", BASE ",init=he_trunc,out_init=uniform,out_bias_init=-0.2", 1500, 1},
      {"dqn", BASE ",replacement=false", 1500, 1},
      {"dqn", BASE, 800, 2},                                          // two envs side by side
      {"dqn",
       BASE ",train_mode=episode,train_start_episode=5,gradient_steps=8,target_update=10,"
            "eps_unit=episode,eps_decay=150",
       2500, 1},                                                       // the book's mode
      {"double-dqn", BASE, 1500, 1},
      {"dueling-dqn", BASE, 1500, 1},
      {"dueling-dqn", BASE ",dueling_type=max", 1500, 1},
      {"n-step-dqn", BASE, 1500, 1},
      {"n-step-dqn", BASE ",n_step_combined=false,n_step=2", 1500, 1},
      {"n-step-dqn", BASE ",truncation_terminal=true,replacement=false", 1500, 2},
      {"per-dqn", BASE, 1500, 1},
      {"noisy-dqn", BASE, 2000, 1},
      {"c51", BASE ",atoms=11", 1500, 1},
      // The notebook's projection loses the mass of targets that land on a
      // support point (here every terminal reward on 0..1), so the support
      // is shifted.
      {"c51", BASE ",atoms=11,c51_projection=notebook,v_min=-0.15,v_max=1.15", 1500, 1},
      {"rainbow", BASE ",atoms=11", 2000, 1},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    Trainer t;
    if (!trainer_init(&t, cases[c].algo, cases[c].settings, 1, cases[c].envs)) {
      CHECK_MSG(0, "%s %s: %s", cases[c].algo, cases[c].settings, rlc_last_error());
      trainer_free(&t);
      continue;
    }
    trainer_run(&t, cases[c].steps);
    if (t.ag->cls->finish) t.ag->cls->finish(t.ag);
    int len = 0;
    double ret = greedy_return(t.ag, &len);
    CHECK_MSG(ret == 1.0 && len == 3, "%s %s: greedy return %g in %d steps", cases[c].algo,
              cases[c].settings + sizeof BASE - 1, ret, len);
    rlcAgentInfo info;
    t.ag->cls->info(t.ag, &info);
    CHECK_MSG(info.updates > 0 && isfinite(info.lr), "%s: %lld updates", cases[c].algo,
              (long long)info.updates);
    trainer_free(&t);
  }
}

//------------------------------------------------------------------------------
// Determinism and checkpoints
//------------------------------------------------------------------------------

static const char *const exact_cases[][2] = {
    {"dqn", BASE},  // cached targets
    {"rainbow", BASE ",atoms=11"},  // noisy, PER, n-step, C51, dueling, double
    {"n-step-dqn", BASE ",replacement=false,eps_schedule=decrement"},
    {"dqn", BASE ",train_mode=episode,keep_best=true,eps_unit=episode,target_update=3"},
};

TEST(dqn_same_seed_same_numbers) {
  for (size_t c = 0; c < sizeof exact_cases / sizeof exact_cases[0]; c++) {
    rlcBuf b[3];
    for (int k = 0; k < 3; k++) {
      Trainer t;
      if (!trainer_init(&t, exact_cases[c][0], exact_cases[c][1], k == 2 ? 8 : 7, 2)) {
        trainer_free(&t);
        return;
      }
      trainer_run(&t, 400);
      agent_bytes(t.ag, &b[k]);
      trainer_free(&t);
    }
    CHECK_MSG(b[0].len == b[1].len && !memcmp(b[0].data, b[1].data, b[0].len), "%s: runs differ",
              exact_cases[c][0]);
    CHECK_MSG(b[0].len != b[2].len || memcmp(b[0].data, b[2].data, b[0].len),
              "%s: another seed gave the same run", exact_cases[c][0]);
    for (int k = 0; k < 3; k++) rlc_buf_free(&b[k]);
  }
}

// Copies the vector env's state (what the driver's checkpoint holds for it).
static void vec_copy(rlcVecEnv *dst, const rlcVecEnv *src) {
  int N = src->num_envs;
  memcpy(dst->states, src->states, src->state_bytes * N);
  memcpy(dst->rngs, src->rngs, sizeof(rlcRng) * N);
  memcpy(dst->obs, src->obs, src->obs_bytes * N);
  memcpy(dst->episode_return, src->episode_return, sizeof(double) * N);
  memcpy(dst->episode_length, src->episode_length, sizeof(int) * N);
  dst->total_steps = src->total_steps;
}

TEST(dqn_save_load_continue_equals_uninterrupted) {
  for (size_t c = 0; c < sizeof exact_cases / sizeof exact_cases[0]; c++) {
    Trainer a, b;
    bool ok = trainer_init(&a, exact_cases[c][0], exact_cases[c][1], 5, 2);
    // Another seed: everything that matters must come from the checkpoint.
    ok = trainer_init(&b, exact_cases[c][0], exact_cases[c][1], 6, 2) && ok;
    if (!ok) {
      trainer_free(&a), trainer_free(&b);
      return;
    }
    trainer_run(&a, 300);
    rlcBuf mid;
    agent_bytes(a.ag, &mid);
    CHECK_OK(b.ag->cls->load(b.ag, &mid));
    CHECK_EQ_INT(mid.pos, mid.len);
    vec_copy(b.v, a.v);
    rlcAgentInfo ia, ib;
    a.ag->cls->info(a.ag, &ia);
    b.ag->cls->info(b.ag, &ib);
    CHECK(ia.updates == ib.updates && ia.loss_count == ib.loss_count &&
          memcmp(&ia.loss_sum, &ib.loss_sum, sizeof ia.loss_sum) == 0);
    CHECK(ia.epsilon == ib.epsilon || (isnan(ia.epsilon) && isnan(ib.epsilon)));
    trainer_run(&a, 300);
    trainer_run(&b, 300);
    rlcBuf ba, bb;
    agent_bytes(a.ag, &ba);
    agent_bytes(b.ag, &bb);
    CHECK_MSG(ba.len == bb.len && !memcmp(ba.data, bb.data, ba.len), "%s %s: resumed run differs",
              exact_cases[c][0], exact_cases[c][1] + sizeof BASE - 1);
    // Greedy actions agree too (the noise of noisy nets is restored).
    float obs[7] = {0, 0, 1, 0, 0, 0, 0};
    int32_t x, y;
    a.ag->cls->act(a.ag, obs, 1, false, &x);
    b.ag->cls->act(b.ag, obs, 1, false, &y);
    CHECK(x == y);
    // A truncated checkpoint is an error, not a crash.
    rlcBuf cut = {mid.data, mid.len - 9, mid.len - 9, 0, RLC_OK};
    CHECK(b.ag->cls->load(b.ag, &cut) != RLC_OK);
    rlc_buf_free(&mid), rlc_buf_free(&ba), rlc_buf_free(&bb);
    trainer_free(&a), trainer_free(&b);
  }
  // A checkpoint of another configuration is refused with a message.
  Trainer a, b;
  bool ok = trainer_init(&a, "dqn", BASE, 1, 1);
  ok = trainer_init(&b, "c51", BASE ",atoms=11", 1, 1) && ok;
  if (ok) {
    rlcBuf buf;
    agent_bytes(a.ag, &buf);
    CHECK_ERR(b.ag->cls->load(b.ag, &buf), RLC_ERR_FORMAT);
    CHECK(strstr(rlc_last_error(), "atoms") != NULL);
    rlc_buf_free(&buf);
  }
  trainer_free(&a), trainer_free(&b);
}

//------------------------------------------------------------------------------
// No allocation in training
//------------------------------------------------------------------------------

static long dqn_allocs;
static void *dqn_count_malloc(size_t n, void *u) { dqn_allocs++; return malloc(n); }
static void *dqn_count_realloc(void *p, size_t n, void *u) { dqn_allocs++; return realloc(p, n); }
static void dqn_count_free(void *p, void *u) { free(p); }

TEST(dqn_training_does_not_allocate) {
  static const char *const algos[][2] = {{"dqn", BASE},
                                         {"rainbow", BASE ",atoms=11"},
                                         {"dqn", BASE ",train_mode=episode,keep_best=true"}};
  for (int c = 0; c < 3; c++) {
    Trainer t;
    if (!trainer_init(&t, algos[c][0], algos[c][1], 3, 2)) {
      trainer_free(&t);
      return;
    }
    trainer_run(&t, 150);  // past learning_starts
    rlcAllocator al = {dqn_count_malloc, dqn_count_realloc, dqn_count_free, NULL};
    dqn_allocs = 0;
    rlc_set_allocator(&al);
    trainer_run(&t, 100);
    rlcAgentInfo info;
    t.ag->cls->info(t.ag, &info);
    rlc_set_allocator(NULL);
    CHECK_MSG(dqn_allocs == 0, "%s: %ld allocations", algos[c][0], dqn_allocs);
    trainer_free(&t);
  }
}

//------------------------------------------------------------------------------
// Schedules and info
//------------------------------------------------------------------------------

// Feeds n transitions from env 0; `end` marks the last as the end of an episode.
static void feed(rlcAgent *ag, int n, bool end) {
  float obs[7] = {0, 0, 0, 1, 0, 0, 0};
  int32_t a = 1;
  double r = 0;
  for (int i = 0; i < n; i++) {
    bool term = end && i == n - 1, trunc = false;
    int len = 10;
    double ret = 1;
    rlcStepBatch b = {1, obs, &a, &r, &term, &trunc, obs, &ret, &len};
    CHECK_OK(ag->cls->observe(ag, &b));
    CHECK_OK(ag->cls->update(ag));
  }
}

TEST(dqn_epsilon_schedules_and_info) {
  register_corridor();
  rlcEnvSpec *spec;
  CHECK_OK(rlc_env_spec_create("DqnCorridor-v0", NULL, &spec));
  if (!spec) return;
  rlcAgent *ag;
  rlcAgentInfo info;
  // The book: max(1 - episode / 500, 0.01), one update per episode from 51.
  CHECK_OK(rlc_agent_create("dqn", spec,
                            "eps_schedule=linear,eps_unit=episode,eps_start=1,eps_end=0.01,"
                            "eps_decay=495,train_mode=episode,train_start_episode=51,batch_size=4,"
                            "target_update=0",
                            1, 1, &ag));
  for (int e = 0; ag && e < 520; e++) {
    ag->cls->info(ag, &info);
    CHECK_NEAR(info.epsilon, fmax(1 - e / 500.0, 0.01), 1e-12);
    CHECK_EQ_INT(info.updates, e > 51 ? e - 51 : 0);
    feed(ag, 2, true);
  }
  rlc_agent_destroy(ag);
  // The rainbow notebook: after every update eps = max(0.1, eps - 0.9 / 2000).
  CHECK_OK(rlc_agent_create("n-step-dqn", spec,
                            "eps_schedule=decrement,eps_start=1,eps_end=0.1,eps_decay=2000,"
                            "batch_size=4,learning_starts=0",
                            1, 1, &ag));
  double eps = 1.0;
  int64_t updates = 0;
  for (int s = 0; ag && s < 2200; s++) {
    feed(ag, 1, s % 50 == 49);
    ag->cls->info(ag, &info);
    CHECK(info.updates == updates || info.updates == updates + 1);
    if (info.updates > updates) eps = fmax(0.1, eps - (1.0 - 0.1) * (1.0 / 2000));
    updates = info.updates;
    CHECK_MSG(info.epsilon == eps, "step %d: %.17g vs %.17g", s, info.epsilon, eps);
  }
  // Training starts once a batch of 3-step transitions is stored (step 6).
  CHECK_EQ_INT(updates, 2200 - 5);
  CHECK(eps == 0.1);
  // Loss: totals over every update; reading info changes nothing.
  ag->cls->info(ag, &info);
  rlcAgentInfo again;
  ag->cls->info(ag, &again);
  CHECK(memcmp(&info, &again, sizeof info) == 0);
  CHECK(info.loss_count == info.updates && isfinite(info.loss_sum) && info.loss_sum >= 0);
  feed(ag, 1, false);
  ag->cls->info(ag, &again);
  CHECK(again.loss_count == info.loss_count + 1 && again.loss_sum >= info.loss_sum);
  CHECK_NEAR(info.lr, 1e-3, 1e-15);
  CHECK(isnan(info.temperature));
  rlc_agent_destroy(ag);
  // TF-Agents: polynomial from 1 to 0.01 over 100 steps; exponential.
  CHECK_OK(rlc_agent_create("dqn", spec, "eps_schedule=polynomial,eps_end=0.01,eps_decay=100,eps_power=1", 1, 1, &ag));
  feed(ag, 25, false);
  ag->cls->info(ag, &info);
  CHECK_NEAR(info.epsilon, 1 - 0.99 * 0.25, 1e-12);
  rlc_agent_destroy(ag);
  CHECK_OK(rlc_agent_create("dqn", spec, "eps_schedule=exponential,eps_end=0.1,eps_decay=50", 1, 1, &ag));
  feed(ag, 50, false);
  ag->cls->info(ag, &info);
  CHECK_NEAR(info.epsilon, 0.1 + 0.9 * exp(-1.0), 1e-12);
  rlc_agent_destroy(ag);
  // Noisy agents report no epsilon; PER reports beta.
  CHECK_OK(rlc_agent_create("rainbow", spec, "per_beta_steps=100,per_beta0=0.4", 1, 1, &ag));
  feed(ag, 50, false);
  ag->cls->info(ag, &info);
  CHECK(isnan(info.epsilon));
  CHECK(info.n_extra == 1 && !strcmp(info.extra_name[0], "per_beta"));
  CHECK_NEAR(info.extra[0], 0.4 + 0.6 * 0.5, 1e-12);
  rlc_agent_destroy(ag);
  rlc_env_spec_destroy(spec);
}

// The network parameters inside a saved agent (tag, header, the net's tag
// and count, then the parameters).
static const float *saved_params(const rlcBuf *b, size_t *n) {
  uint64_t count;
  memcpy(&count, b->data + 16 + 20 + 16, sizeof count);
  *n = (size_t)count;
  return (const float *)(b->data + 16 + 20 + 16 + 8);
}

TEST(dqn_keep_best_restores_the_longest_episode) {
  register_corridor();
  rlcEnvSpec *spec;
  CHECK_OK(rlc_env_spec_create("DqnCorridor-v0", NULL, &spec));
  if (!spec) return;
  for (int keep = 0; keep < 2; keep++) {
    rlcAgent *ag;
    CHECK_OK(rlc_agent_create("dqn", spec,
                              keep ? "train_mode=episode,batch_size=4,keep_best=true,lr=0.01"
                                   : "train_mode=episode,batch_size=4,lr=0.01",
                              1, 1, &ag));
    if (!ag) break;
    // Episodes of 5, 12 (the longest), 12 again (ties go to the later one)
    // and 7 steps, each followed by one update.
    static const int lens[] = {5, 12, 12, 7};
    float obs[7] = {0, 0, 0, 1, 0, 0, 0};
    int32_t a = 1;
    double r = 0, ret = 0;
    rlcBuf best = {0};
    for (int e = 0; e < 4; e++)
      for (int t = 0; t < lens[e]; t++) {
        bool term = t == lens[e] - 1, trunc = false;
        int len = t + 1;
        rlcStepBatch b = {1, obs, &a, &r, &term, &trunc, obs, &ret, &len};
        CHECK_OK(ag->cls->observe(ag, &b));
        if (term && e == 2) {
          rlc_buf_free(&best);
          agent_bytes(ag, &best);
        }
        CHECK_OK(ag->cls->update(ag));
      }
    rlcBuf before, after;
    agent_bytes(ag, &before);
    ag->cls->finish(ag);
    agent_bytes(ag, &after);
    size_t n0, n1, n2;
    const float *p_best = saved_params(&best, &n0), *p_before = saved_params(&before, &n1),
                *p_after = saved_params(&after, &n2);
    CHECK(n0 == n1 && n1 == n2 && n0 > 0);
    CHECK(memcmp(p_best, p_before, n0 * sizeof(float)) != 0);  // it did train after that
    if (keep) CHECK(!memcmp(p_after, p_best, n0 * sizeof(float)));
    else CHECK(!memcmp(p_after, p_before, n0 * sizeof(float)));
    rlc_buf_free(&best), rlc_buf_free(&before), rlc_buf_free(&after);
    rlc_agent_destroy(ag);
  }
  rlc_env_spec_destroy(spec);
}

//------------------------------------------------------------------------------
// Classes, presets, errors
//------------------------------------------------------------------------------


TEST(dqn_classes_and_presets) {
  static const char *const names[] = {"dqn", "double-dqn", "dueling-dqn", "n-step-dqn",
                                      "per-dqn", "noisy-dqn", "c51", "rainbow"};
  for (int i = 0; i < 8; i++) {
    const rlcAgentClass *cls = rlc_agent_find(names[i]);
    CHECK_MSG(cls != NULL, "%s is not registered", names[i]);
    if (!cls) continue;
    bool has_default = false;
    for (int p = 0; p < cls->n_presets; p++) {
      const rlcPreset *pr = &cls->presets[p];
      has_default |= pr->name == NULL && pr->env && !strcmp(pr->env, "CartPole-v1");
      // Every preset parses (driver names included) and builds an agent for its env.
      rlcOpts *cfg = calloc(1, sizeof *cfg);
      int nd;
      const rlcSetting *driver = rlc_run_settings(&nd);
      CHECK_OK(rlc_agent_settings_resolve(cls, NULL, cfg));
      CHECK_OK(rlc_settings_apply(cfg, pr->settings, cls->settings, cls->n_settings, driver, nd, "preset"));
      const char *env = pr->env ? pr->env : "CartPole-v1";
      char opts[512] = "";
      for (int k = 0; k < cfg->n; k++) {
        size_t used = strlen(opts);
        if (!strcmp(cfg->key[k], "max_episode_steps"))
          snprintf(opts + used, sizeof opts - used, "%smax_episode_steps=%s", used ? "," : "", cfg->val[k]);
        else if (!strcmp(cfg->key[k], "env_options") && cfg->val[k][0])
          snprintf(opts + used, sizeof opts - used, "%s%s", used ? "," : "", cfg->val[k]);
      }
      rlcEnvSpec *spec;
      CHECK_OK(rlc_env_spec_create(env, opts, &spec));
      rlcAgent *ag = NULL;
      CHECK_MSG(rlc_agent_create_from_config(cls, spec, cfg, 0, 1, 0, &ag) == RLC_OK, "%s preset %s: %s", names[i],
                pr->name ? pr->name : "(default)", rlc_last_error());
      CHECK(!ag || ag->cls == cls);
      rlc_agent_destroy(ag);
      rlc_env_spec_destroy(spec);
      free(cfg);
    }
    CHECK_MSG(has_default, "%s has no CartPole-v1 default preset", names[i]);
  }
  static const char *const presets[] = {"homl-dqn", "homl-double-dqn", "homl-dueling-dqn",
                                        "tfagents-dqn", "rainbow-nstep", "minatar-dqn",
                                        "minatar-rainbow", "homl-breakout", "homl-spaceinvaders"};
  for (int i = 0; i < 9; i++) CHECK_MSG(rlc_preset_find(presets[i], NULL), "no preset %s", presets[i]);
}

// `rlc train --env MinAtar/X` trains the paper's DQN on every game.
TEST(dqn_minatar_games_default_to_the_paper) {
  static const char *const games[] = {"Asterix", "Breakout", "Freeway", "Seaquest", "SpaceInvaders"};
  for (int g = 0; g < 5; g++)
    for (int v = 0; v < 2; v++) {
      char id[64];
      snprintf(id, sizeof id, "MinAtar/%s-v%d", games[g], v);
      rlcOpts *cfg = calloc(1, sizeof *cfg);
      CHECK_MSG(rlc_run_config(cfg, NULL, id, NULL, NULL, 0) == RLC_OK, "%s: %s", id, rlc_last_error());
      CHECK_MSG(!strcmp(rlc_opts_str(cfg, "algo", ""), "dqn") &&
                    !strcmp(rlc_opts_str(cfg, "hidden", ""), "c16k3-128") &&
                    !strcmp(rlc_opts_str(cfg, "optimizer", ""), "rmsprop_torch") &&
                    !strcmp(rlc_opts_str(cfg, "steps", ""), "5000000"),
                "%s: %s %s %s", id, rlc_opts_str(cfg, "algo", ""), rlc_opts_str(cfg, "hidden", ""),
                rlc_opts_str(cfg, "optimizer", ""));
      free(cfg);
    }
}

TEST(dqn_rejects_unsupported_spaces_and_bad_settings) {
  register_corridor();
  rlcEnvSpec *spec;
  rlcAgent *ag = NULL;
  // Discrete observations, continuous actions.
  CHECK_OK(rlc_env_spec_create("FrozenLake-v1", NULL, &spec));
  CHECK_ERR(rlc_agent_create("dqn", spec, "", 0, 1, &ag), RLC_ERR_UNSUPPORTED);
  CHECK(strstr(rlc_last_error(), "Box") != NULL && !strchr(rlc_last_error(), '\n'));
  rlc_env_spec_destroy(spec);
  CHECK_OK(rlc_env_spec_create("Pendulum-v1", NULL, &spec));
  CHECK_ERR(rlc_agent_create("rainbow", spec, "", 0, 1, &ag), RLC_ERR_UNSUPPORTED);
  CHECK(strstr(rlc_last_error(), "Discrete") != NULL);
  rlc_env_spec_destroy(spec);
  CHECK(ag == NULL);
  CHECK_OK(rlc_env_spec_create("DqnCorridor-v0", NULL, &spec));
  static const struct { const char *settings, *word; } bad[] = {
      {"lr=-1", "lr"},
      {"gamma=1.5", "gamma"},
      {"batch_size=500,buffer_size=100", "batch_size"},
      {"c51=true,v_min=1,v_max=1", "v_min"},
      {"hidden=4x4", "hidden"},
      {"eps_schedule=bogus", "eps_schedule"},
      {"eps_schedule=decrement,eps_decay=0", "eps_decay"},
      {"n_step=0", "n_step"},
      {"atoms=1,c51=true", "atoms"},
      {"loss=l1", "loss"},
      {"tau=0", "tau"},
      {"learnig_rate=1", "learnig_rate"},
      {"per_alpha=-1", "per_alpha"},
      {"lr_decay_steps=10", "lr_end"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rlcStatus s = rlc_agent_create("dqn", spec, bad[i].settings, 0, 1, &ag);
    CHECK_MSG(s == RLC_ERR_ARG, "%s: %s", bad[i].settings, rlc_status_name(s));
    CHECK_MSG(strstr(rlc_last_error(), bad[i].word) != NULL && !strchr(rlc_last_error(), '\n'),
              "%s: '%s'", bad[i].settings, rlc_last_error());
    CHECK(ag == NULL);
    rlc_agent_destroy(ag);
  }
  rlc_env_spec_destroy(spec);
}

// uint8 observations are stored as uint8 and become network input through
// rlc_obs_input: with 0/1 planes the run is the float run, number for number
// (n-step and prioritized replay included; PPO and REINFORCE too).
TEST(deep_agents_uint8_observations_train_like_float) {
  register_corridor();
  const char *algos[] = {"dqn", "rainbow", "ppo", "reinforce"};
  for (int k = 0; k < 4; k++) {
    rlcBuf saved[2];
    for (int u = 0; u < 2; u++) {
      const char *sets[1] = {k < 2    ? BASE ",steps=1500,eval_interval=0,eval_episodes=1,gif=false,num_envs=2"
                             : k == 2 ? "steps=1536,num_steps=64,eval_interval=0,eval_episodes=1,gif=false,num_envs=2"
                                      : "steps=1500,episodes_per_update=4,eval_interval=0,eval_episodes=1,gif=false"};
      rlcOpts cfg;
      CHECK_OK(rlc_run_config(&cfg, algos[k], u ? "DqnCorridorU8-v0" : "DqnCorridor-v0", NULL, sets, 1));
      rlcRun *r = NULL;
      CHECK_OK(rlc_run_create(&cfg, NULL, false, &r));
      memset(&saved[u], 0, sizeof saved[u]);
      if (!r) continue;
      CHECK_OK(rlc_run_train(r, 0, 0, NULL, NULL));
      agent_bytes(rlc_run_agent(r), &saved[u]);
      rlc_run_destroy(r);
    }
    size_t n0 = 0, n1 = 0;
    if (k >= 2) {  // PPO's rollout and REINFORCE's episodes hold what the nets saw: the whole state is the same
      CHECK_MSG(saved[0].len == saved[1].len && saved[0].len && !memcmp(saved[0].data, saved[1].data, saved[0].len),
                "%s: uint8 run differs", algos[k]);
    } else if (saved[0].len && saved[1].len) {
      const float *p0 = saved_params(&saved[0], &n0), *p1 = saved_params(&saved[1], &n1);
      CHECK_MSG(n0 == n1 && n0 > 0 && memcmp(p0, p1, n0 * sizeof(float)) == 0, "%s: uint8 run differs", algos[k]);
      // The stored observations take a quarter of the bytes.
      CHECK_MSG(saved[1].len < saved[0].len, "%s: %zu vs %zu bytes", algos[k], saved[1].len, saved[0].len);
    }
    rlc_buf_free(&saved[0]);
    rlc_buf_free(&saved[1]);
  }
}
