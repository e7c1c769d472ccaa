// tests/test_env.c: the env API (reset/step rules, seeding, close, render,
// episode statistics, state injection), the registry, the wrappers and the
// vector env, on CartPole-v0/v1 and a small counter env registered here.
// Depends on: tests/test.h, POSIX fork/exec (one registry check needs a fresh
// process).
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

//------------------------------------------------------------------------------
// Helpers
//------------------------------------------------------------------------------

static rlcEnv *make_env(const char *id, const char *options) {
  rlcEnv *env = NULL;
  CHECK_OK(rlc_env_create(id, options, &env));
  return env;
}

static rlcCartPoleState *cp_state(rlcEnv *env) { return rlc_env_unwrapped_state(env); }

static void set_cp(rlcCartPoleState *s, double x, double x_dot, double theta, double theta_dot) {
  s->x = x, s->x_dot = x_dot, s->theta = theta, s->theta_dot = theta_dot;
  s->steps_beyond_terminated = -1;
}

// Bytes from a (possibly wrapped) state to the base env's state inside it.
static size_t unwrapped_offset(const rlcEnvSpec *spec) {
  size_t off = 0;
  for (; spec->inner; spec = spec->inner) off += spec->inner_offset;
  return off;
}

static bool obs_eq(const float *a, const float *b, int n) { return memcmp(a, b, sizeof(float) * n) == 0; }

// Gymnasium's CartPole step, written out independently of cartpole.c.
static void euler_step(rlcCartPoleState *s, int action) {
  const double g = 9.8, mc = 1.0, mp = 0.1, total = mp + mc, len = 0.5, pml = mp * len;
  const double force = action == 1 ? 10.0 : -10.0, tau = 0.02;
  double c = cos(s->theta), sn = sin(s->theta);
  double temp = (force + pml * s->theta_dot * s->theta_dot * sn) / total;
  double thetaacc = (g * sn - c * temp) / (len * (4.0 / 3.0 - mp * c * c / total));
  double xacc = temp - pml * thetaacc * c / total;
  double x = s->x, xd = s->x_dot, th = s->theta, thd = s->theta_dot;
  s->x = x + tau * xd;
  s->x_dot = xd + tau * xacc;
  s->theta = th + tau * thd;
  s->theta_dot = thd + tau * thetaacc;
}

//------------------------------------------------------------------------------
// A counter env registered by the tests: action a in {1, 2} adds a to a count;
// the episode terminates when the count reaches `limit` (option, default from
// the registration's default_options). Its cfg is heap-allocated, to check
// that specs free it.
//------------------------------------------------------------------------------

typedef struct { int32_t count; } CounterState;
typedef struct { int limit; } CounterCfg;

static int counter_cfg_allocs, counter_cfg_frees;

static void counter_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  ((CounterState *)state)->count = 0;
  *(int32_t *)obs = 0;
}

static void counter_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action,
                         void *obs, double *reward, bool *terminated, bool *truncated) {
  const CounterCfg *cfg = spec->cfg;
  CounterState *s = state;
  int a = *(const int32_t *)action;
  s->count += a;
  *reward = a;
  *terminated = s->count >= cfg->limit;
  *(int32_t *)obs = s->count < cfg->limit ? s->count : cfg->limit;
}

static void counter_free_cfg(void *cfg) {
  counter_cfg_frees++;
  rlc_free(cfg);
}

static const rlcEnvClass counter_class = {
    .name = "TestCounter", .state_size = sizeof(CounterState), .reset = counter_reset,
    .step = counter_step, .free_cfg = counter_free_cfg};

static rlcStatus counter_make(rlcEnvSpec *spec, rlcOpts *opts) {
  int limit;
  rlcStatus s = rlc_opts_int(opts, "limit", 3, &limit);
  if (s) return s;
  if (limit < 1) return rlc_error(RLC_ERR_ARG, "limit=%d: must be >= 1", limit);
  CounterCfg *cfg = rlc_malloc(sizeof *cfg);
  if (!cfg) return RLC_ERR_NOMEM;
  counter_cfg_allocs++;
  cfg->limit = limit;
  spec->cfg = cfg;
  spec->cls = &counter_class;
  spec->observation_space = rlc_space_discrete(limit + 1);
  spec->action_space = rlc_space_discrete_start(2, 1);
  return RLC_OK;
}

static const rlcEnvRegistration counter_reg = {
    "TestCounter-v0", counter_make, 4, 3.0, "limit=6", "a counter for the unit tests", NULL};

static void ensure_counter(void) {
  static bool done;
  if (done) return;
  done = true;
  CHECK_OK(rlc_env_register(&counter_reg));
}

//------------------------------------------------------------------------------
// Env: spec, seeding, reset
//------------------------------------------------------------------------------

TEST(env_spec_fields_cartpole) {
  rlcEnv *env = make_env("CartPole-v1", NULL);
  if (env) {
    const rlcEnvSpec *s = env->spec;
    CHECK(strcmp(s->id, "CartPole-v1") == 0);
    CHECK_EQ_INT(s->max_episode_steps, 500);
    CHECK(s->reward_threshold == 475.0);
    CHECK_EQ_INT(s->render_width, 600);
    CHECK_EQ_INT(s->render_height, 400);
    CHECK_EQ_INT(s->render_fps, 50);
    CHECK(s->mdp == NULL);
    CHECK_EQ_INT(s->observation_space.type, RLC_SPACE_BOX);
    CHECK_EQ_INT(s->observation_space.size, 4);
    CHECK_EQ_INT(rlc_space_bytes(&s->observation_space), 16);
    CHECK(rlc_space_high(&s->observation_space, 0) == (float)4.8);
    CHECK(rlc_space_high(&s->observation_space, 2) == (float)(12 * 2 * M_PI / 360 * 2));
    CHECK(isinf(rlc_space_high(&s->observation_space, 1)));
    CHECK(rlc_space_low(&s->observation_space, 0) == -(float)4.8);
    CHECK_EQ_INT(s->action_space.type, RLC_SPACE_DISCRETE);
    CHECK_EQ_INT(s->action_space.n, 2);
    CHECK(strcmp(s->cls->name, "TimeLimit") == 0);
    CHECK(strcmp(rlc_spec_unwrapped(s)->cls->name, "CartPole") == 0);
    CHECK_EQ_INT(rlc_spec_unwrapped(s)->state_size, sizeof(rlcCartPoleState));
    rlc_env_destroy(env);
  }
  env = make_env("CartPole-v0", NULL);
  if (env) {
    CHECK(strcmp(env->spec->id, "CartPole-v0") == 0);
    CHECK_EQ_INT(env->spec->max_episode_steps, 200);
    CHECK(env->spec->reward_threshold == 195.0);
    rlc_env_destroy(env);
  }
  rlc_env_destroy(NULL);
}

TEST(env_reset_matches_gymnasium_seed0) {
  // reference/cartpole_v1.txt, record "R 0": gym.make("CartPole-v1").reset(seed=0).
  rlcEnv *env = make_env("CartPole-v1", NULL);
  if (!env) return;
  float obs[4];
  CHECK_OK(rlc_env_reset(env, 0, obs));
  const double want_state[4] = {0.013696168732145436, -0.02302132862361297, -0.045902647606380534,
                                -0.04834723644714709};
  const double want_obs[4] = {0.013696168549358845, -0.023021329194307327, -0.04590264707803726,
                              -0.04834723472595215};
  rlcCartPoleState *s = cp_state(env);
  CHECK(s->x == want_state[0] && s->x_dot == want_state[1]);
  CHECK(s->theta == want_state[2] && s->theta_dot == want_state[3]);
  CHECK_EQ_INT(s->steps_beyond_terminated, -1);
  for (int i = 0; i < 4; i++) CHECK_MSG(obs[i] == (float)want_obs[i], "obs[%d] = %.9g", i, obs[i]);
  CHECK(obs_eq(obs, env->obs, 4));
  CHECK(rlc_space_contains(&env->spec->observation_space, obs));
  rlc_env_destroy(env);
}

// Runs `steps` steps of a fixed action sequence, resetting with RLC_NO_SEED at
// episode ends; records everything into out (obs, reward, flags per step).
typedef struct { float obs[4]; double reward; bool term, trunc; } StepRec;

static void run_fixed(rlcEnv *env, int64_t seed, int steps, StepRec *out, float *first) {
  rlcRng actions;
  rlc_rng_seed(&actions, 99);
  CHECK_OK(rlc_env_reset(env, seed, first));
  for (int t = 0; t < steps; t++) {
    int32_t a = (int32_t)rlc_rng_integers(&actions, 0, 2);
    StepRec *r = &out[t];
    CHECK_OK(rlc_env_step(env, &a, r->obs, &r->reward, &r->term, &r->trunc));
    if (r->term || r->trunc) CHECK_OK(rlc_env_reset(env, RLC_NO_SEED, NULL));
  }
}

TEST(env_reset_deterministic) {
  rlcEnv *a = make_env("CartPole-v1", NULL), *b = make_env("CartPole-v1", NULL);
  if (!a || !b) return;
  enum { N = 300 };
  static StepRec ra[N], rb[N], rc[N];
  float fa[4], fb[4], fc[4];
  run_fixed(a, 123, N, ra, fa);
  run_fixed(b, 123, N, rb, fb);
  CHECK(obs_eq(fa, fb, 4));
  int ends = 0;
  bool same = true;
  for (int t = 0; t < N; t++) {
    same &= obs_eq(ra[t].obs, rb[t].obs, 4) && ra[t].reward == rb[t].reward &&
            ra[t].term == rb[t].term && ra[t].trunc == rb[t].trunc;
    ends += ra[t].term;
  }
  CHECK(same);
  CHECK(ends >= 3);  // the sequence crossed several episode boundaries
  // The same env reseeded replays it again.
  run_fixed(a, 123, N, rc, fc);
  CHECK(obs_eq(fa, fc, 4));
  CHECK(memcmp(ra, rc, sizeof ra) == 0);
  // Another seed gives another start.
  float o1[4], o2[4];
  CHECK_OK(rlc_env_reset(a, 1, o1));
  CHECK_OK(rlc_env_reset(b, 2, o2));
  CHECK(!obs_eq(o1, o2, 4));
  CHECK_OK(rlc_env_reset(b, 1, o2));
  CHECK(obs_eq(o1, o2, 4));
  rlc_env_destroy(a);
  rlc_env_destroy(b);
}

TEST(env_reset_no_seed_continues_stream) {
  rlcEnv *env = make_env("CartPole-v1", NULL);
  if (!env) return;
  float first[4], second[4], again[4];
  CHECK_OK(rlc_env_reset(env, 5, first));
  int32_t a = 1;
  CHECK_OK(rlc_env_step(env, &a, NULL, NULL, NULL, NULL));
  CHECK_OK(rlc_env_reset(env, RLC_NO_SEED, second));
  CHECK(!obs_eq(first, second, 4));
  // Reference: np_random seeded with 5; the first reset drew four uniforms.
  rlcRng r;
  rlc_rng_seed(&r, 5);
  for (int i = 0; i < 4; i++) rlc_rng_uniform(&r, -0.05, 0.05);
  double want[4];
  for (int i = 0; i < 4; i++) want[i] = rlc_rng_uniform(&r, -0.05, 0.05);
  rlcCartPoleState *s = cp_state(env);
  CHECK(s->x == want[0] && s->x_dot == want[1] && s->theta == want[2] && s->theta_dot == want[3]);
  for (int i = 0; i < 4; i++) CHECK(second[i] == (float)want[i]);
  // Reseeding with 5 starts over.
  CHECK_OK(rlc_env_reset(env, 5, again));
  CHECK(obs_eq(first, again, 4));
  rlc_env_destroy(env);

  // The first reset ever without a seed draws one from the OS.
  rlcEnv *e1 = make_env("CartPole-v1", NULL), *e2 = make_env("CartPole-v1", NULL);
  if (e1 && e2) {
    CHECK(!e1->seeded);
    CHECK_OK(rlc_env_reset(e1, RLC_NO_SEED, first));
    CHECK_OK(rlc_env_reset(e2, RLC_NO_SEED, second));
    CHECK(e1->seeded && e2->seeded);
    CHECK(!obs_eq(first, second, 4));
    CHECK(rlc_space_contains(&e1->spec->observation_space, first));
  }
  rlc_env_destroy(e1);
  rlc_env_destroy(e2);
}

TEST(env_reset_errors) {
  rlcEnv *env = make_env("CartPole-v1", NULL);
  if (!env) return;
  CHECK_ERR(rlc_env_reset(env, -2, NULL), RLC_ERR_ARG);
  CHECK_ERR(rlc_env_reset(NULL, 0, NULL), RLC_ERR_ARG);
  CHECK(!env->in_episode);
  CHECK_OK(rlc_env_reset(env, 0, NULL));  // obs may be NULL
  CHECK(env->in_episode);
  rlc_env_destroy(env);
}

//------------------------------------------------------------------------------
// Env: step rules
//------------------------------------------------------------------------------

TEST(env_step_before_reset) {
  rlcEnv *env = make_env("CartPole-v1", NULL);
  if (!env) return;
  int32_t a = 0;
  rlc_clear_error();
  CHECK_ERR(rlc_env_step(env, &a, NULL, NULL, NULL, NULL), RLC_ERR_STATE);
  CHECK(strstr(rlc_last_error(), "reset") != NULL);
  CHECK_ERR(rlc_env_step(NULL, &a, NULL, NULL, NULL, NULL), RLC_ERR_ARG);
  CHECK_EQ_INT(env->episode_length, 0);
  rlc_env_destroy(env);
}

TEST(env_step_after_termination) {
  rlcEnv *env = make_env("CartPole-v1", NULL);
  if (!env) return;
  CHECK_OK(rlc_env_reset(env, 0, NULL));
  // reference/cartpole_v1.txt trajectory 48: state (0, 0, 0.2, 0.5), action 1.
  set_cp(cp_state(env), 0.0, 0.0, 0.2, 0.5);
  int32_t a = 1;
  float obs[4];
  double r = -1;
  bool term = false, trunc = true;
  CHECK_OK(rlc_env_step(env, &a, obs, &r, &term, &trunc));
  CHECK(term && !trunc);
  CHECK(r == 1.0);  // the terminating step still pays 1
  rlcCartPoleState *s = cp_state(env);
  CHECK(s->x == 0.0 && s->x_dot == 0.1918240025983404);
  CHECK(s->theta == 0.21000000000000002 && s->theta_dot == 0.2764083425922006);
  CHECK(obs[1] == (float)0.19182400405406952 && obs[2] == (float)0.20999999344348907);
  CHECK(!env->in_episode);
  rlc_clear_error();
  CHECK_ERR(rlc_env_step(env, &a, obs, &r, &term, &trunc), RLC_ERR_STATE);
  CHECK(strstr(rlc_last_error(), "ended") != NULL);
  CHECK_ERR(rlc_env_step(env, &a, obs, &r, &term, &trunc), RLC_ERR_STATE);
  CHECK_EQ_INT(env->episode_length, 1);
  CHECK_OK(rlc_env_reset(env, RLC_NO_SEED, obs));
  CHECK_OK(rlc_env_step(env, &a, obs, &r, &term, &trunc));
  CHECK(!term && r == 1.0);
  rlc_env_destroy(env);
}

TEST(env_step_matches_euler_reference) {
  rlcEnv *env = make_env("CartPole-v1", NULL);
  if (!env) return;
  CHECK_OK(rlc_env_reset(env, 0, NULL));
  // reference/cartpole_v1.txt trajectory 50, first step: exact.
  set_cp(cp_state(env), 1.0, -1.0, 0.1, -1.0);
  int32_t a = 1;
  float obs[4];
  double r;
  bool term, trunc;
  CHECK_OK(rlc_env_step(env, &a, obs, &r, &term, &trunc));
  rlcCartPoleState *s = cp_state(env);
  CHECK(s->x == 0.98 && s->x_dot == -0.8063464807954666);
  CHECK(s->theta == 0.08 && s->theta_dot == -1.259678062849721);
  CHECK(!term && !trunc && r == 1.0);
  CHECK(obs[0] == (float)0.98 && obs[3] == (float)-1.259678062849721);
  // A hand-written Euler step from other states, both actions.
  const double starts[3][4] = {{0.3, -0.2, -0.05, 0.7}, {-1.5, 1.1, 0.15, -0.3}, {0, 0, 0, 0}};
  for (int k = 0; k < 3; k++)
    for (a = 0; a < 2; a++) {
      CHECK_OK(rlc_env_reset(env, 0, NULL));
      rlcCartPoleState want;
      set_cp(&want, starts[k][0], starts[k][1], starts[k][2], starts[k][3]);
      *cp_state(env) = want;
      euler_step(&want, a);
      CHECK_OK(rlc_env_step(env, &a, obs, &r, &term, &trunc));
      s = cp_state(env);
      CHECK_NEAR(s->x, want.x, 1e-12);
      CHECK_NEAR(s->x_dot, want.x_dot, 1e-12);
      CHECK_NEAR(s->theta, want.theta, 1e-12);
      CHECK_NEAR(s->theta_dot, want.theta_dot, 1e-12);
      CHECK(!term);
      CHECK(obs[2] == (float)s->theta);
    }
  // Leaving the track terminates too: x just past 2.4 after the step.
  CHECK_OK(rlc_env_reset(env, 0, NULL));
  set_cp(cp_state(env), 2.399, 0.1, 0.0, 0.0);
  a = 1;
  CHECK_OK(rlc_env_step(env, &a, obs, &r, &term, &trunc));
  CHECK(term && r == 1.0);
  rlc_env_destroy(env);
}

TEST(env_invalid_action_leaves_env_unchanged) {
  rlcEnv *env = make_env("CartPole-v1", NULL), *twin = make_env("CartPole-v1", NULL);
  if (!env || !twin) return;
  float obs[4], tobs[4];
  CHECK_OK(rlc_env_reset(env, 3, obs));
  CHECK_OK(rlc_env_reset(twin, 3, tobs));
  int32_t a = 1;
  CHECK_OK(rlc_env_step(env, &a, obs, NULL, NULL, NULL));
  CHECK_OK(rlc_env_step(twin, &a, tobs, NULL, NULL, NULL));
  size_t sb = env->spec->state_size;
  char before[256];
  CHECK(sb <= sizeof before);
  memcpy(before, env->state, sb);
  rlcRng rng_before = env->rng;
  float obs_before[4];
  memcpy(obs_before, env->obs, sizeof obs_before);
  const int32_t bad[3] = {2, -1, 1000};
  for (int i = 0; i < 3; i++) {
    float out[4] = {7, 7, 7, 7};
    double r = -5;
    bool term = true, trunc = true;
    rlc_clear_error();
    CHECK_ERR(rlc_env_step(env, &bad[i], out, &r, &term, &trunc), RLC_ERR_ARG);
    CHECK(strstr(rlc_last_error(), "out of range") != NULL);
    CHECK(out[0] == 7 && r == -5 && term && trunc);  // outputs untouched
  }
  CHECK_ERR(rlc_env_step(env, NULL, obs, NULL, NULL, NULL), RLC_ERR_ARG);
  CHECK(memcmp(before, env->state, sb) == 0);
  CHECK(memcmp(&rng_before, &env->rng, sizeof rng_before) == 0);
  CHECK(obs_eq(obs_before, env->obs, 4));
  CHECK_EQ_INT(env->episode_length, 1);
  CHECK(env->episode_return == 1.0);
  CHECK(env->in_episode);
  // Stepping on gives exactly what an env that never saw the bad actions gives.
  a = 0;
  CHECK_OK(rlc_env_step(env, &a, obs, NULL, NULL, NULL));
  CHECK_OK(rlc_env_step(twin, &a, tobs, NULL, NULL, NULL));
  CHECK(obs_eq(obs, tobs, 4));
  rlc_env_destroy(env);
  rlc_env_destroy(twin);
}

TEST(env_close) {
  rlcEnv *env = make_env("CartPole-v1", NULL);
  if (!env) return;
  CHECK_OK(rlc_env_reset(env, 0, NULL));
  rlc_env_close(env);
  CHECK(env->closed);
  int32_t a = 0;
  CHECK_ERR(rlc_env_step(env, &a, NULL, NULL, NULL, NULL), RLC_ERR_STATE);
  CHECK_ERR(rlc_env_reset(env, 0, NULL), RLC_ERR_STATE);
  static uint8_t rgb[400 * 600 * 3];
  CHECK_ERR(rlc_env_render(env, NULL, rgb), RLC_ERR_STATE);
  rlc_env_close(env);  // twice is fine
  rlc_env_close(NULL);
  CHECK(env->closed);
  CHECK_ERR(rlc_env_step(env, &a, NULL, NULL, NULL, NULL), RLC_ERR_STATE);
  rlc_env_destroy(env);
}

TEST(env_episode_statistics) {
  rlcEnv *env = make_env("CartPole-v1", NULL);
  if (!env) return;
  CHECK_OK(rlc_env_reset(env, 8, NULL));
  CHECK_EQ_INT(env->episode_length, 0);
  CHECK(env->episode_return == 0.0);
  int steps = 0;
  bool term = false, trunc = false;
  while (!term && !trunc && steps < 1000) {
    int32_t a = 1;  // always right: falls within a few dozen steps
    CHECK_OK(rlc_env_step(env, &a, NULL, NULL, &term, &trunc));
    steps++;
    CHECK_EQ_INT(env->episode_length, steps);
  }
  CHECK(term && !trunc);
  CHECK(steps > 5 && steps < 100);
  CHECK(env->episode_return == (double)steps);  // 1 per step, including the last
  CHECK_OK(rlc_env_reset(env, RLC_NO_SEED, NULL));
  CHECK_EQ_INT(env->episode_length, 0);
  CHECK(env->episode_return == 0.0);
  rlc_env_destroy(env);
}

TEST(env_unwrapped_state_through_wrappers) {
  rlcEnv *plain = make_env("CartPole-v1", "max_episode_steps=0");
  rlcEnv *env = make_env("CartPole-v1", "frame_stack=2,action_repeat=2");
  if (!plain || !env) return;
  // No wrappers: the state itself.
  CHECK(plain->spec->inner == NULL);
  CHECK(rlc_env_unwrapped_state(plain) == plain->state);
  CHECK(rlc_env_unwrapped_state(env) != env->state);
  CHECK(rlc_env_unwrapped_state(env) == (char *)env->state + unwrapped_offset(env->spec));
  float obs[8], pobs[4];
  CHECK_OK(rlc_env_reset(env, 4, obs));
  CHECK_OK(rlc_env_reset(plain, 4, pobs));
  rlcCartPoleState *s = cp_state(env);
  CHECK(obs[4] == (float)s->x && obs[6] == (float)s->theta);
  CHECK(obs_eq(obs + 4, pobs, 4));
  // Inject a state into both; one wrapped step (two base steps) matches two plain steps.
  set_cp(s, 1.0, -1.0, 0.1, -1.0);
  set_cp(cp_state(plain), 1.0, -1.0, 0.1, -1.0);
  int32_t a = 1;
  double r;
  CHECK_OK(rlc_env_step(env, &a, obs, &r, NULL, NULL));
  CHECK(r == 2.0);
  CHECK_OK(rlc_env_step(plain, &a, pobs, NULL, NULL, NULL));
  CHECK(pobs[0] == (float)0.98);  // reference trajectory 50, step 1
  CHECK_OK(rlc_env_step(plain, &a, pobs, NULL, NULL, NULL));
  CHECK(obs_eq(obs + 4, pobs, 4));
  CHECK(memcmp(cp_state(env), cp_state(plain), sizeof(rlcCartPoleState)) == 0);
  rlc_env_destroy(env);
  rlc_env_destroy(plain);
}

TEST(env_render) {
  rlcEnv *env = make_env("CartPole-v1", NULL);
  if (!env) return;
  static uint8_t rgb[400 * 600 * 3];
  rlc_clear_error();
  CHECK_ERR(rlc_env_render(env, NULL, rgb), RLC_ERR_STATE);
  CHECK(strstr(rlc_last_error(), "reset") != NULL);
  CHECK_ERR(rlc_env_render(env, NULL, NULL), RLC_ERR_ARG);
  CHECK_OK(rlc_env_reset(env, 0, NULL));
  set_cp(cp_state(env), 0.0, 0.0, 0.0, 0.0);
  memset(rgb, 0x55, sizeof rgb);
  CHECK_OK(rlc_env_render(env, NULL, rgb));
  const uint8_t *corner = rgb, *cart = rgb + (310 * 600 + 280) * 3, *pole = rgb + (250 * 600 + 300) * 3;
  CHECK(corner[0] == 255 && corner[1] == 255 && corner[2] == 255);  // white background
  CHECK(cart[0] == 0 && cart[1] == 0 && cart[2] == 0);              // black cart under the axle
  CHECK(pole[0] == 0xCA && pole[1] == 0x98 && pole[2] == 0x65);     // upright pole above it
  // Move the cart right: the old cart pixel turns white.
  cp_state(env)->x = 1.0;
  CHECK_OK(rlc_env_render(env, NULL, rgb));
  CHECK(cart[0] == 255 && cart[1] == 255 && cart[2] == 255);
  rlc_env_destroy(env);
}

TEST(env_heuristic_follows_angle) {
  rlcEnv *env = make_env("CartPole-v1", NULL);
  if (!env) return;
  float obs[4] = {0, 0, -0.01f, 0};
  int32_t a = -7;
  CHECK_OK(rlc_env_heuristic(env, obs, &a));
  CHECK_EQ_INT(a, 0);
  obs[2] = 0.01f;
  CHECK_OK(rlc_env_heuristic(env, obs, &a));
  CHECK_EQ_INT(a, 1);
  obs[2] = 0.0f;
  obs[3] = -5.0f;  // only the angle matters
  CHECK_OK(rlc_env_heuristic(env, obs, &a));
  CHECK_EQ_INT(a, 1);
  // It balances longer than always pushing one way.
  float o[4];
  CHECK_OK(rlc_env_reset(env, 0, o));
  int steps = 0;
  bool term = false, trunc = false;
  while (!term && !trunc) {
    CHECK_OK(rlc_env_heuristic(env, o, &a));
    CHECK_OK(rlc_env_step(env, &a, o, NULL, &term, &trunc));
    steps++;
  }
  CHECK_MSG(steps >= 24, "heuristic episode lasted %d steps", steps);
  bool mask[2] = {false, false};
  CHECK_OK(rlc_env_action_mask(env, mask));
  CHECK(mask[0] && mask[1]);
  rlc_env_destroy(env);
}

TEST(env_time_limit_v0_truncates_at_200) {
  rlcEnv *env = make_env("CartPole-v0", NULL);
  if (!env) return;
  CHECK_OK(rlc_env_reset(env, 0, NULL));
  int trunc_at = -1, term_count = 0;
  for (int t = 1; t <= 200; t++) {
    set_cp(cp_state(env), 0, 0, 0, 0);  // keep the pole upright
    int32_t a = t & 1;
    bool term, trunc;
    CHECK_OK(rlc_env_step(env, &a, NULL, NULL, &term, &trunc));
    term_count += term;
    if (trunc && trunc_at < 0) trunc_at = t;
  }
  CHECK_EQ_INT(trunc_at, 200);
  CHECK_EQ_INT(term_count, 0);
  CHECK_EQ_INT(env->episode_length, 200);
  CHECK(env->episode_return == 200.0);
  int32_t a = 0;
  CHECK_ERR(rlc_env_step(env, &a, NULL, NULL, NULL, NULL), RLC_ERR_STATE);
  rlc_env_destroy(env);
}

//------------------------------------------------------------------------------
// Registry
//------------------------------------------------------------------------------

TEST(registry_builtin_entries) {
  int n = rlc_env_registry_count();
  CHECK(n >= 2);
  CHECK(rlc_env_registry_get(-1) == NULL);
  CHECK(rlc_env_registry_get(n) == NULL);
  int v1 = 0, v0 = 0;
  for (int i = 0; i < n; i++) {
    const rlcEnvRegistration *r = rlc_env_registry_get(i);
    CHECK(r && r->id && r->make);
    if (r && !strcmp(r->id, "CartPole-v1")) v1++;
    if (r && !strcmp(r->id, "CartPole-v0")) v0++;
  }
  CHECK_EQ_INT(v1, 1);
  CHECK_EQ_INT(v0, 1);
  const rlcEnvRegistration *r = rlc_env_registry_find("CartPole-v1");
  CHECK(r != NULL);
  if (r) {
    CHECK_EQ_INT(r->max_episode_steps, 500);
    CHECK(r->reward_threshold == 475.0);
    CHECK(r->doc && *r->doc);
  }
  r = rlc_env_registry_find("CartPole-v0");
  CHECK(r && r->max_episode_steps == 200 && r->reward_threshold == 195.0);
  CHECK(rlc_env_registry_find("cartpole-v1") == NULL);  // ids are exact
}

TEST(registry_unknown_id_hint) {
  rlcEnv *env = (rlcEnv *)&env;
  rlc_clear_error();
  CHECK_ERR(rlc_env_create("cartpole-v1", NULL, &env), RLC_ERR_NOT_FOUND);
  CHECK(env == NULL);
  CHECK_MSG(strstr(rlc_last_error(), "did you mean 'CartPole-v1'") != NULL, "got '%s'", rlc_last_error());
  CHECK(strstr(rlc_last_error(), "'cartpole-v1'") != NULL);
  rlc_clear_error();
  CHECK_ERR(rlc_env_create("CartPole-v2", NULL, &env), RLC_ERR_NOT_FOUND);
  CHECK_MSG(strstr(rlc_last_error(), "did you mean 'CartPole-v1'") != NULL ||
                strstr(rlc_last_error(), "did you mean 'CartPole-v0'") != NULL,
            "got '%s'", rlc_last_error());
  rlc_clear_error();
  CHECK_ERR(rlc_env_create("NoSuchEnvironmentAtAll-v9", NULL, &env), RLC_ERR_NOT_FOUND);
  CHECK(strstr(rlc_last_error(), "NoSuchEnvironmentAtAll-v9") != NULL);
  CHECK(strstr(rlc_last_error(), "did you mean") == NULL);
  CHECK_ERR(rlc_env_create(NULL, NULL, &env), RLC_ERR_ARG);
  rlcVecEnv *v = (rlcVecEnv *)&v;
  CHECK_ERR(rlc_vec_env_create("CartPole-v9", NULL, NULL, &v), RLC_ERR_NOT_FOUND);
  CHECK(v == NULL);
}

TEST(registry_custom_env) {
  int before = rlc_env_registry_count();
  bool fresh = rlc_env_registry_find("TestCounter-v0") == NULL;
  ensure_counter();
  if (fresh) CHECK_EQ_INT(rlc_env_registry_count(), before + 1);
  const rlcEnvRegistration *r = rlc_env_registry_find("TestCounter-v0");
  CHECK(r != NULL);
  if (!r) return;
  CHECK(r->make == counter_make);
  CHECK(strcmp(r->doc, "a counter for the unit tests") == 0);
  int allocs0 = counter_cfg_allocs, frees0 = counter_cfg_frees;

  // Default options from the registration (limit=6), its time limit (4).
  rlcEnv *env = make_env("TestCounter-v0", NULL);
  if (env) {
    CHECK(strcmp(env->spec->id, "TestCounter-v0") == 0);
    CHECK_EQ_INT(env->spec->observation_space.n, 7);
    CHECK_EQ_INT(env->spec->action_space.n, 2);
    CHECK_EQ_INT(env->spec->action_space.start, 1);
    CHECK_EQ_INT(env->spec->max_episode_steps, 4);
    CHECK(env->spec->reward_threshold == 3.0);
    CHECK_EQ_INT(((const CounterCfg *)rlc_spec_unwrapped(env->spec)->cfg)->limit, 6);
    int32_t obs = -1, a = 1;
    double rew;
    bool term, trunc;
    CHECK_OK(rlc_env_reset(env, 0, &obs));
    CHECK_EQ_INT(obs, 0);
    for (int t = 1; t <= 4; t++) {
      CHECK_OK(rlc_env_step(env, &a, &obs, &rew, &term, &trunc));
      CHECK_EQ_INT(obs, t);
      CHECK(rew == 1.0 && !term);
      CHECK_EQ_INT(trunc, t == 4);
    }
    // Actions are checked against Discrete(2, start=1).
    CHECK_OK(rlc_env_reset(env, RLC_NO_SEED, &obs));
    a = 0;
    CHECK_ERR(rlc_env_step(env, &a, &obs, NULL, NULL, NULL), RLC_ERR_ARG);
    a = 3;
    CHECK_ERR(rlc_env_step(env, &a, &obs, NULL, NULL, NULL), RLC_ERR_ARG);
    a = 2;
    for (int t = 1; t <= 3; t++) {
      CHECK_OK(rlc_env_step(env, &a, &obs, &rew, &term, &trunc));
      CHECK_EQ_INT(term, t == 3);
    }
    CHECK_EQ_INT(obs, 6);
    CHECK(env->episode_return == 6.0);
    // No render, no heuristic.
    static uint8_t rgb[16];
    CHECK_ERR(rlc_env_render(env, NULL, rgb), RLC_ERR_UNSUPPORTED);
    CHECK_ERR(rlc_env_heuristic(env, &obs, &a), RLC_ERR_UNSUPPORTED);
    rlc_env_destroy(env);
  }
  // The user's options replace the defaults.
  env = make_env("TestCounter-v0", "limit=2,max_episode_steps=0");
  if (env) {
    CHECK_EQ_INT(env->spec->observation_space.n, 3);
    CHECK(env->spec->inner == NULL);
    int32_t obs, a = 2;
    bool term;
    CHECK_OK(rlc_env_reset(env, 1, &obs));
    CHECK_OK(rlc_env_step(env, &a, &obs, NULL, &term, NULL));
    CHECK(term && obs == 2);
    rlc_env_destroy(env);
  }
  // Errors from the env's own options, and unknown options.
  rlc_clear_error();
  CHECK_ERR(rlc_env_create("TestCounter-v0", "limit=0", &env), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "limit") != NULL);
  CHECK_ERR(rlc_env_create("TestCounter-v0", "limit=many", &env), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "limit") != NULL);
  rlc_clear_error();
  CHECK_ERR(rlc_env_create("TestCounter-v0", "colour=red", &env), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "'colour'") != NULL);
  CHECK(strstr(rlc_last_error(), "TestCounter-v0") != NULL);
  // Every cfg the make function allocated was freed, failures included.
  CHECK(counter_cfg_allocs - allocs0 >= 3);
  CHECK_EQ_INT(counter_cfg_allocs - allocs0, counter_cfg_frees - frees0);
}

TEST(registry_duplicate_and_invalid_registration) {
  ensure_counter();
  int n = rlc_env_registry_count();
  rlc_clear_error();
  CHECK_ERR(rlc_env_register(&counter_reg), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "already registered") != NULL);
  rlcEnvRegistration r = counter_reg;
  r.id = "CartPole-v1";
  CHECK_ERR(rlc_env_register(&r), RLC_ERR_ARG);
  CHECK(rlc_env_registry_find("CartPole-v1")->make != counter_make);
  CHECK_ERR(rlc_env_register(NULL), RLC_ERR_ARG);
  r.id = "";
  CHECK_ERR(rlc_env_register(&r), RLC_ERR_ARG);
  r.id = "TestNoMake-v0";
  r.make = NULL;
  CHECK_ERR(rlc_env_register(&r), RLC_ERR_ARG);
  r.id = "TestWithAVeryLongIdThatDoesNotFitInTheSpecIdFieldOfSixtyFourBytes-v0";
  r.make = counter_make;
  CHECK_ERR(rlc_env_register(&r), RLC_ERR_ARG);
  CHECK_EQ_INT(rlc_env_registry_count(), n);
  CHECK(rlc_env_registry_find("TestNoMake-v0") == NULL);
}

// Registering a built-in id before anything else touched the registry must be
// refused too (else it silently shadows the built-in). Needs a fresh process:
// the test re-runs this binary on itself with an environment variable set.
TEST(registry_builtin_ids_reserved_in_fresh_process) {
  if (getenv("RLC_TEST_FRESH_REGISTRY")) {
    rlcEnvRegistration r = counter_reg;
    r.id = "CartPole-v1";
    CHECK_ERR(rlc_env_register(&r), RLC_ERR_ARG);
    rlcEnv *env = NULL;
    CHECK_OK(rlc_env_create("CartPole-v1", NULL, &env));
    if (env) {
      CHECK(strcmp(rlc_spec_unwrapped(env->spec)->cls->name, "CartPole") == 0);
      rlc_env_destroy(env);
    }
    return;
  }
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    setenv("RLC_TEST_FRESH_REGISTRY", "1", 1);
    int fd = open("/dev/null", O_WRONLY);
    if (fd >= 0) dup2(fd, 1);
    // The binary's own path, not /proc/self/exe itself: under valgrind
    // that link is valgrind's tool, and readlink gives the client.
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) _exit(126);
    self[n] = '\0';
    execl(self, "test_rlc", "registry_builtin_ids_reserved_in_fresh_process", (char *)NULL);
    _exit(127);
  }
  CHECK(pid > 0);
  if (pid <= 0) return;
  int st = 0;
  CHECK(waitpid(pid, &st, 0) == pid);
  CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0,
            "in a fresh process, registering 'CartPole-v1' before first use succeeded or the child "
            "failed (exit status %d)", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

TEST(registry_unknown_option) {
  rlcEnv *env = (rlcEnv *)&env;
  rlc_clear_error();
  CHECK_ERR(rlc_env_create("CartPole-v1", "gravity=3", &env), RLC_ERR_ARG);
  CHECK(env == NULL);
  CHECK_MSG(strstr(rlc_last_error(), "unknown option 'gravity' for CartPole-v1") != NULL, "got '%s'",
            rlc_last_error());
  rlcVecEnv *v = NULL;
  CHECK_ERR(rlc_vec_env_create("CartPole-v1", "frame_stack=2,bogus=1", NULL, &v), RLC_ERR_ARG);
  CHECK(v == NULL);
  CHECK_ERR(rlc_env_create("CartPole-v1", "max_episode_steps", &env), RLC_ERR_FORMAT);
}

TEST(registry_max_episode_steps_override) {
  // 10: truncated exactly at step 10, never terminated (the pole is kept upright).
  rlcEnv *env = make_env("CartPole-v1", "max_episode_steps=10");
  if (env) {
    CHECK_EQ_INT(env->spec->max_episode_steps, 10);
    CHECK_OK(rlc_env_reset(env, 0, NULL));
    for (int t = 1; t <= 10; t++) {
      set_cp(cp_state(env), 0, 0, 0, 0);
      int32_t a = t & 1;
      bool term = true, trunc = true;
      CHECK_OK(rlc_env_step(env, &a, NULL, NULL, &term, &trunc));
      CHECK(!term);
      CHECK_EQ_INT(trunc, t == 10);
    }
    int32_t a = 0;
    CHECK_ERR(rlc_env_step(env, &a, NULL, NULL, NULL, NULL), RLC_ERR_STATE);
    rlc_env_destroy(env);
  }
  // Without a state injection, too (the seed-0 heuristic episode is longer than 10).
  env = make_env("CartPole-v1", "max_episode_steps=10");
  if (env) {
    float o[4];
    CHECK_OK(rlc_env_reset(env, 0, o));
    int t = 0;
    bool term = false, trunc = false;
    while (!term && !trunc && t < 20) {
      int32_t a;
      CHECK_OK(rlc_env_heuristic(env, o, &a));
      CHECK_OK(rlc_env_step(env, &a, o, NULL, &term, &trunc));
      t++;
    }
    CHECK_EQ_INT(t, 10);
    CHECK(trunc && !term);
    rlc_env_destroy(env);
  }
  // 0: no limit at all (CartPole-v1 would otherwise truncate at 500).
  env = make_env("CartPole-v1", "max_episode_steps=0");
  if (env) {
    CHECK_EQ_INT(env->spec->max_episode_steps, 0);
    CHECK(env->spec->inner == NULL);
    CHECK_OK(rlc_env_reset(env, 0, NULL));
    int truncs = 0;
    for (int t = 1; t <= 600; t++) {
      set_cp(cp_state(env), 0, 0, 0, 0);
      int32_t a = t & 1;
      bool term, trunc;
      CHECK_OK(rlc_env_step(env, &a, NULL, NULL, &term, &trunc));
      truncs += trunc || term;
    }
    CHECK_EQ_INT(truncs, 0);
    CHECK_EQ_INT(env->episode_length, 600);
    rlc_env_destroy(env);
  }
  // The default limit of CartPole-v1 is 500.
  env = make_env("CartPole-v1", NULL);
  if (env) {
    CHECK_OK(rlc_env_reset(env, 0, NULL));
    int trunc_at = -1;
    for (int t = 1; t <= 500; t++) {
      set_cp(cp_state(env), 0, 0, 0, 0);
      int32_t a = t & 1;
      bool term, trunc;
      CHECK_OK(rlc_env_step(env, &a, NULL, NULL, &term, &trunc));
      if (trunc && trunc_at < 0) trunc_at = t;
      CHECK(!term);
    }
    CHECK_EQ_INT(trunc_at, 500);
    rlc_env_destroy(env);
  }
  // Negative and malformed values are errors naming the option.
  rlc_clear_error();
  CHECK_ERR(rlc_env_create("CartPole-v1", "max_episode_steps=-1", &env), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "max_episode_steps") != NULL);
  rlc_clear_error();
  CHECK_ERR(rlc_env_create("CartPole-v1", "max_episode_steps=ten", &env), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "max_episode_steps") != NULL);
}

TEST(registry_wrapper_option_errors) {
  rlcEnv *env = NULL;
  rlc_clear_error();
  CHECK_ERR(rlc_env_create("CartPole-v1", "action_repeat=0", &env), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "action_repeat") != NULL);
  CHECK_ERR(rlc_env_create("CartPole-v1", "action_repeat=-3", &env), RLC_ERR_ARG);
  rlc_clear_error();
  CHECK_ERR(rlc_env_create("CartPole-v1", "frame_stack=0", &env), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "frame_stack") != NULL);
  CHECK_ERR(rlc_env_create("CartPole-v1", "frame_stack=65", &env), RLC_ERR_ARG);
  CHECK_ERR(rlc_env_create("CartPole-v1", "frame_stack=abc", &env), RLC_ERR_ARG);
  // frame_stack=1 and action_repeat=1 add no wrapper.
  env = make_env("CartPole-v1", "frame_stack=1,action_repeat=1,max_episode_steps=0");
  if (env) {
    CHECK(env->spec->inner == NULL);
    rlc_env_destroy(env);
  }
}

//------------------------------------------------------------------------------
// Wrappers
//------------------------------------------------------------------------------

TEST(wrap_action_repeat_sums_rewards) {
  rlcEnv *rep = make_env("CartPole-v1", "action_repeat=3,max_episode_steps=0");
  rlcEnv *base = make_env("CartPole-v1", "max_episode_steps=0");
  if (!rep || !base) return;
  CHECK(strcmp(rep->spec->cls->name, "ActionRepeat") == 0);
  rlcRng actions;
  rlc_rng_seed(&actions, 17);
  int episodes = 0, early_stops = 0;
  for (int ep = 0; ep < 10; ep++) {
    float o[4], bo[4];
    CHECK_OK(rlc_env_reset(rep, 100 + ep, o));
    CHECK_OK(rlc_env_reset(base, 100 + ep, bo));
    CHECK(obs_eq(o, bo, 4));
    bool term = false, trunc = false;
    int agent_steps = 0;
    while (!term && !trunc && agent_steps < 1000) {
      int32_t a = (int32_t)rlc_rng_integers(&actions, 0, 2);
      double r, sum = 0;
      CHECK_OK(rlc_env_step(rep, &a, o, &r, &term, &trunc));
      agent_steps++;
      bool bterm = false, btrunc = false;
      int k = 0;
      while (k < 3 && !bterm && !btrunc) {
        double br;
        CHECK_OK(rlc_env_step(base, &a, bo, &br, &bterm, &btrunc));
        sum += br;
        k++;
      }
      early_stops += bterm && k < 3;
      CHECK(obs_eq(o, bo, 4));
      CHECK(r == sum);
      CHECK_EQ_INT(term, bterm);
      CHECK(!trunc);
      CHECK_EQ_INT(rep->episode_length, agent_steps);  // agent steps, not base steps
    }
    CHECK(term);
    CHECK(rep->episode_return == base->episode_return);
    CHECK(base->episode_length > rep->episode_length);
    episodes++;
  }
  CHECK_EQ_INT(episodes, 10);
  CHECK(early_stops >= 3);  // most episodes end inside a repeat
  // Terminating on the first of the three base steps: reward 1, obs of that step.
  CHECK_OK(rlc_env_reset(rep, 0, NULL));
  set_cp(cp_state(rep), 0.0, 0.0, 0.2, 0.5);
  int32_t a = 1;
  float o[4];
  double r;
  bool term, trunc;
  CHECK_OK(rlc_env_step(rep, &a, o, &r, &term, &trunc));
  CHECK(term && !trunc && r == 1.0);
  CHECK(cp_state(rep)->theta == 0.21000000000000002);  // one base step only
  CHECK(cp_state(rep)->steps_beyond_terminated == 0);
  rlc_env_destroy(rep);
  rlc_env_destroy(base);
}

TEST(wrap_frame_stack_obs) {
  rlcEnv *fs = make_env("CartPole-v1", "frame_stack=4");
  rlcEnv *base = make_env("CartPole-v1", NULL);
  if (!fs || !base) return;
  const rlcSpace *os = &fs->spec->observation_space;
  CHECK_EQ_INT(os->ndim, 2);
  CHECK_EQ_INT(os->shape[0], 4);
  CHECK_EQ_INT(os->shape[1], 4);
  CHECK_EQ_INT(os->size, 16);
  CHECK_EQ_INT(rlc_space_bytes(os), 64);
  CHECK(strcmp(fs->spec->cls->name, "FrameStack") == 0);
  CHECK_EQ_INT(fs->spec->max_episode_steps, 500);
  float hist[64][4];
  float o[16];
  CHECK_OK(rlc_env_reset(fs, 21, o));
  CHECK_OK(rlc_env_reset(base, 21, hist[0]));
  for (int f = 0; f < 4; f++) CHECK_MSG(obs_eq(o + 4 * f, hist[0], 4), "frame %d after reset", f);
  CHECK(obs_eq(o, fs->obs, 16));
  int t = 0;
  bool term = false;
  while (!term && t < 60) {
    int32_t a = (t / 2) & 1;
    float prev[16];
    memcpy(prev, o, sizeof prev);
    CHECK_OK(rlc_env_step(fs, &a, o, NULL, &term, NULL));
    t++;
    bool bterm;
    CHECK_OK(rlc_env_step(base, &a, hist[t], NULL, &bterm, NULL));
    CHECK_EQ_INT(term, bterm);
    CHECK(obs_eq(o + 12, hist[t], 4));                // newest last
    CHECK(obs_eq(o, prev + 4, 12));                   // the others shift by one frame
    for (int f = 0; f < 4; f++) {
      int src = t - 3 + f;
      CHECK(obs_eq(o + 4 * f, hist[src < 0 ? 0 : src], 4));
    }
    CHECK(rlc_space_contains(os, o) || term);
  }
  CHECK(t >= 4);
  // A new episode fills every slot with its first observation again.
  CHECK_OK(rlc_env_reset(fs, RLC_NO_SEED, o));
  for (int f = 1; f < 4; f++) CHECK(obs_eq(o + 4 * f, o, 4));
  rlc_env_destroy(fs);
  rlc_env_destroy(base);
}

TEST(wrap_frame_stack_space_bounds) {
  rlcEnv *fs = make_env("CartPole-v1", "frame_stack=4");
  if (!fs) return;
  const rlcSpace *os = &fs->spec->observation_space;
  const rlcSpace *in = &rlc_spec_unwrapped(fs->spec)->observation_space;
  for (int i = 0; i < 16; i++) {
    CHECK(rlc_space_low(os, i) == rlc_space_low(in, i % 4));
    CHECK(rlc_space_high(os, i) == rlc_space_high(in, i % 4));
  }
  CHECK(rlc_space_low(os, 4) == rlc_space_low(os, 0));
  CHECK(rlc_space_low(os, 4) == -(float)4.8);
  CHECK(rlc_space_high(os, 14) == rlc_space_high(in, 2));
  CHECK(isinf(rlc_space_high(os, 13)));
  float x[16] = {0};
  CHECK(rlc_space_contains(os, x));
  x[12] = 4.9f;  // cart position of the newest frame out of bounds
  CHECK(!rlc_space_contains(os, x));
  char buf[512];
  rlc_space_str(os, buf, sizeof buf);
  size_t n = strlen(buf);
  const char *tail = "(4, 4), float32)";
  CHECK_MSG(n > strlen(tail) && strcmp(buf + n - strlen(tail), tail) == 0, "got '%s'", buf);
  rlc_env_destroy(fs);
}

TEST(wrap_heuristic_through_frame_stack) {
  rlcEnv *fs = make_env("CartPole-v1", "frame_stack=3");
  if (!fs) return;
  float o[12] = {0};
  o[2] = -0.1f, o[6] = -0.1f, o[10] = 0.1f;  // only the newest frame leans right
  int32_t a = -1;
  CHECK_OK(rlc_env_heuristic(fs, o, &a));
  CHECK_EQ_INT(a, 1);
  o[2] = 0.1f, o[6] = 0.1f, o[10] = -0.1f;
  CHECK_OK(rlc_env_heuristic(fs, o, &a));
  CHECK_EQ_INT(a, 0);
  rlc_env_destroy(fs);
}

// The time limit counts the agent's steps: with action_repeat=3 and
// max_episode_steps=5 the episode is truncated after 5 agent steps (15 base
// steps), whatever order the options are written in.
TEST(wrap_time_limit_with_action_repeat) {
  const char *orders[2] = {"action_repeat=3,max_episode_steps=5", "max_episode_steps=5,action_repeat=3"};
  for (int k = 0; k < 2; k++) {
    rlcEnv *env = make_env("CartPole-v1", orders[k]);
    if (!env) continue;
    CHECK(strcmp(env->spec->cls->name, "TimeLimit") == 0);
    CHECK(strcmp(env->spec->inner->cls->name, "ActionRepeat") == 0);
    CHECK_EQ_INT(env->spec->max_episode_steps, 5);
    CHECK_OK(rlc_env_reset(env, 0, NULL));
    int trunc_at = -1;
    for (int t = 1; t <= 5; t++) {
      set_cp(cp_state(env), 0, 0, 0, 0);
      int32_t a = t & 1;
      bool term, trunc;
      double r;
      CHECK_OK(rlc_env_step(env, &a, NULL, &r, &term, &trunc));
      CHECK(!term && r == 3.0);
      if (trunc && trunc_at < 0) trunc_at = t;
    }
    CHECK_EQ_INT(trunc_at, 5);
    CHECK(env->episode_return == 15.0);
    rlc_env_destroy(env);
  }
  // Without injection: the same 15 base steps as a plain env (seed 0's heuristic-free
  // alternating policy lasts longer than 15 base steps).
  rlcEnv *env = make_env("CartPole-v1", "action_repeat=3,max_episode_steps=5");
  rlcEnv *base = make_env("CartPole-v1", "max_episode_steps=0");
  if (!env || !base) return;
  float o[4], bo[4];
  CHECK_OK(rlc_env_reset(env, 0, o));
  CHECK_OK(rlc_env_reset(base, 0, bo));
  bool term = false, trunc = false, bterm = false;
  int t = 0;
  while (!term && !trunc) {
    int32_t a = t & 1;
    CHECK_OK(rlc_env_step(env, &a, o, NULL, &term, &trunc));
    for (int k = 0; k < 3; k++) CHECK_OK(rlc_env_step(base, &a, bo, NULL, &bterm, NULL));
    t++;
    CHECK(obs_eq(o, bo, 4));
  }
  CHECK_EQ_INT(t, 5);
  CHECK(trunc && !term && !bterm);
  CHECK_EQ_INT(base->episode_length, 15);
  rlc_env_destroy(env);
  rlc_env_destroy(base);
}

TEST(wrap_direct_api) {
  rlcEnvSpec *spec = NULL, *out = (rlcEnvSpec *)&spec;
  // Invalid arguments fail and consume the inner spec (LeakSanitizer checks that).
  CHECK_OK(rlc_env_spec_create("CartPole-v1", "max_episode_steps=0", &spec));
  CHECK_ERR(rlc_wrap_time_limit(spec, 0, &out), RLC_ERR_ARG);
  CHECK(out == NULL);
  CHECK_OK(rlc_env_spec_create("CartPole-v1", "max_episode_steps=0", &spec));
  CHECK_ERR(rlc_wrap_action_repeat(spec, 0, &out), RLC_ERR_ARG);
  CHECK_OK(rlc_env_spec_create("CartPole-v1", "max_episode_steps=0", &spec));
  CHECK_ERR(rlc_wrap_frame_stack(spec, 0, &out), RLC_ERR_ARG);
  ensure_counter();
  CHECK_OK(rlc_env_spec_create("TestCounter-v0", NULL, &spec));
  CHECK_ERR(rlc_wrap_frame_stack(spec, 2, &out), RLC_ERR_UNSUPPORTED);  // Discrete observations
  CHECK_ERR(rlc_env_spec_create("TestCounter-v0", "frame_stack=2", &spec), RLC_ERR_UNSUPPORTED);

  // Built by hand: repeat 2 inside a limit of 3, stacked by 2.
  CHECK_OK(rlc_env_spec_create("CartPole-v1", "max_episode_steps=0", &spec));
  CHECK_OK(rlc_wrap_action_repeat(spec, 2, &spec));
  CHECK_OK(rlc_wrap_time_limit(spec, 3, &spec));
  CHECK_OK(rlc_wrap_frame_stack(spec, 2, &spec));
  if (!spec) return;
  CHECK_EQ_INT(spec->observation_space.size, 8);
  CHECK_EQ_INT(spec->max_episode_steps, 3);
  CHECK(strcmp(rlc_spec_unwrapped(spec)->cls->name, "CartPole") == 0);
  CHECK(strcmp(spec->id, "CartPole-v1") == 0);
  CHECK(spec->state_size >= 2 * 16 + sizeof(int) + sizeof(rlcCartPoleState));  // frames, counter, base
  rlcEnv *env = NULL;
  CHECK_OK(rlc_env_create_from_spec(spec, &env));
  if (!env) return;
  CHECK_OK(rlc_env_reset(env, 0, NULL));
  int trunc_at = -1;
  for (int t = 1; t <= 3; t++) {
    set_cp(cp_state(env), 0, 0, 0, 0);
    int32_t a = 0;
    bool term, trunc;
    double r;
    CHECK_OK(rlc_env_step(env, &a, NULL, &r, &term, &trunc));
    CHECK(r == 2.0 && !term);
    if (trunc && trunc_at < 0) trunc_at = t;
  }
  CHECK_EQ_INT(trunc_at, 3);
  rlc_env_destroy(env);
}

//------------------------------------------------------------------------------
// Vector env
//------------------------------------------------------------------------------

static rlcVecEnv *make_vec(const char *id, const char *options, int n, int threads) {
  rlcVecEnvDef def = rlc_vec_env_default_def();
  def.num_envs = n;
  def.num_threads = threads;
  rlcVecEnv *v = NULL;
  CHECK_OK(rlc_vec_env_create(id, options, &def, &v));
  return v;
}

TEST(vec_default_def_and_errors) {
  rlcVecEnvDef d = rlc_vec_env_default_def();
  CHECK_EQ_INT(d.num_envs, 1);
  CHECK_EQ_INT(d.num_threads, 1);
  rlcVecEnv *v = (rlcVecEnv *)&v;
  const int bad[4][2] = {{0, 1}, {-3, 1}, {4, 0}, {4, 257}};
  for (int i = 0; i < 4; i++) {
    rlcVecEnvDef def = {.num_envs = bad[i][0], .num_threads = bad[i][1]};
    rlc_clear_error();
    CHECK_ERR(rlc_vec_env_create("CartPole-v1", NULL, &def, &v), RLC_ERR_ARG);
    CHECK(v == NULL);
    CHECK(strstr(rlc_last_error(), "num_envs") != NULL);
  }
  CHECK_ERR(rlc_vec_env_create_from_spec(NULL, NULL, &v), RLC_ERR_ARG);
  // NULL def: one env, one thread.
  CHECK_OK(rlc_vec_env_create("CartPole-v1", NULL, NULL, &v));
  if (v) {
    CHECK_EQ_INT(v->num_envs, 1);
    CHECK(v->workers == NULL);
    CHECK_EQ_INT(v->obs_bytes, 16);
    CHECK_EQ_INT(v->act_bytes, 4);
    int32_t a = 0;
    rlc_clear_error();
    CHECK_ERR(rlc_vec_env_step(v, &a), RLC_ERR_STATE);  // before reset
    CHECK(strstr(rlc_last_error(), "reset") != NULL);
    CHECK_ERR(rlc_vec_env_reset(v, -2), RLC_ERR_ARG);
    CHECK_OK(rlc_vec_env_reset(v, 0));
    CHECK_ERR(rlc_vec_env_step(v, NULL), RLC_ERR_ARG);
    CHECK_ERR(rlc_vec_env_step(NULL, &a), RLC_ERR_ARG);
    CHECK_ERR(rlc_vec_env_reset(NULL, 0), RLC_ERR_ARG);
    CHECK_OK(rlc_vec_env_step(v, &a));
    CHECK_EQ_INT(v->total_steps, 1);
    rlc_vec_env_destroy(v);
  }
  rlc_vec_env_destroy(NULL);
  // More threads than envs is fine (clamped).
  v = make_vec("CartPole-v1", NULL, 2, 8);
  if (v) {
    CHECK_OK(rlc_vec_env_reset(v, 0));
    int32_t acts[2] = {0, 1};
    CHECK_OK(rlc_vec_env_step(v, acts));
    rlc_vec_env_destroy(v);
  }
}

TEST(vec_thread_count_invariance) {
  enum { N = 8, T = 2000, K = 3 };
  const int threads[K] = {1, 2, 3};
  rlcVecEnv *v[K];
  for (int k = 0; k < K; k++) {
    v[k] = make_vec("CartPole-v1", NULL, N, threads[k]);
    if (!v[k]) return;
  }
  CHECK(v[0]->workers == NULL && v[1]->workers != NULL);
  for (int k = 0; k < K; k++) CHECK_OK(rlc_vec_env_reset(v[k], 42));
  rlcRng rng;
  rlc_rng_seed(&rng, 7);
  int ends = 0, mismatches = 0;
  for (int t = 0; t < T; t++) {
    int32_t acts[N];
    for (int i = 0; i < N; i++) acts[i] = (int32_t)rlc_rng_integers(&rng, 0, 2);
    for (int k = 0; k < K; k++) CHECK_OK(rlc_vec_env_step(v[k], acts));
    for (int i = 0; i < N; i++) ends += v[0]->terminated[i] || v[0]->truncated[i];
    for (int k = 1; k < K; k++) {
      bool same = memcmp(v[0]->obs, v[k]->obs, N * v[0]->obs_bytes) == 0 &&
                  memcmp(v[0]->reward, v[k]->reward, N * sizeof(double)) == 0 &&
                  memcmp(v[0]->terminated, v[k]->terminated, N * sizeof(bool)) == 0 &&
                  memcmp(v[0]->truncated, v[k]->truncated, N * sizeof(bool)) == 0 &&
                  memcmp(v[0]->final_obs, v[k]->final_obs, N * v[0]->obs_bytes) == 0 &&
                  memcmp(v[0]->final_return, v[k]->final_return, N * sizeof(double)) == 0 &&
                  memcmp(v[0]->final_length, v[k]->final_length, N * sizeof(int)) == 0 &&
                  memcmp(v[0]->states, v[k]->states, N * v[0]->state_bytes) == 0;
      if (!same && mismatches++ < 3) CHECK_MSG(same, "step %d: %d threads differ from 1", t, threads[k]);
    }
  }
  CHECK_EQ_INT(mismatches, 0);
  CHECK(ends > 300);  // plenty of autoresets under random actions
  for (int k = 0; k < K; k++) {
    CHECK_EQ_INT(v[k]->total_steps, (int64_t)N * T);
    rlc_vec_env_destroy(v[k]);
  }
}

// Copy i of a vector env seeded s behaves exactly like a single env reset with
// seed s + i, across autoresets (the single env resets with RLC_NO_SEED).
static void check_vec_matches_single(const char *options, int n, int threads, int64_t seed, int steps,
                                     int min_ends, int min_truncs) {
  const char *label = options ? options : "(no options)";
  rlcVecEnv *v = make_vec("CartPole-v1", options, n, threads);
  rlcEnv *single[8] = {NULL};
  if (!v || n > 8) return;
  for (int i = 0; i < n; i++) {
    single[i] = make_env("CartPole-v1", options);
    if (!single[i]) goto done;
  }
  CHECK_OK(rlc_vec_env_reset(v, seed));
  const size_t ob = v->obs_bytes;
  CHECK_EQ_INT(ob, rlc_space_bytes(&single[0]->spec->observation_space));
  char obs[256];
  for (int i = 0; i < n; i++) {
    CHECK_OK(rlc_env_reset(single[i], seed + i, obs));
    CHECK_MSG(memcmp(obs, (char *)v->obs + i * ob, ob) == 0, "%s: copy %d after reset(%lld)", label, i,
              (long long)seed);
  }
  rlcRng rng;
  rlc_rng_seed(&rng, 1234);
  int ends = 0, truncs = 0, bad = 0;
  for (int t = 0; t < steps && bad < 3; t++) {
    int32_t acts[8];
    for (int i = 0; i < n; i++) acts[i] = (int32_t)rlc_rng_integers(&rng, 0, 2);
    CHECK_OK(rlc_vec_env_step(v, acts));
    for (int i = 0; i < n; i++) {
      double r;
      bool term, trunc;
      CHECK_OK(rlc_env_step(single[i], &acts[i], obs, &r, &term, &trunc));
      bool ok = r == v->reward[i] && term == v->terminated[i] && trunc == v->truncated[i];
      if (term || trunc) {
        ends++;
        truncs += trunc;
        ok &= memcmp(obs, (char *)v->final_obs + i * ob, ob) == 0;
        ok &= single[i]->episode_return == v->final_return[i];
        ok &= single[i]->episode_length == v->final_length[i];
        ok &= v->episode_length[i] == 0 && v->episode_return[i] == 0;
        CHECK_OK(rlc_env_reset(single[i], RLC_NO_SEED, obs));
      }
      ok &= memcmp(obs, (char *)v->obs + i * ob, ob) == 0;
      ok &= single[i]->episode_length == v->episode_length[i];
      if (!ok) {
        bad++;
        CHECK_MSG(ok, "%s: copy %d differs from a single env at step %d", label, i, t);
      }
    }
  }
  CHECK_MSG(ends >= min_ends, "%s: %d episode ends", label, ends);
  CHECK_MSG(truncs >= min_truncs, "%s: %d truncations", label, truncs);
  CHECK_EQ_INT(v->total_steps, (int64_t)n * steps);
done:
  for (int i = 0; i < n; i++) rlc_env_destroy(single[i]);
  rlc_vec_env_destroy(v);
}

TEST(vec_matches_single_envs) {
  check_vec_matches_single(NULL, 5, 1, 10, 600, 50, 0);
  check_vec_matches_single(NULL, 6, 2, 0, 300, 30, 0);
  check_vec_matches_single("max_episode_steps=12", 4, 1, 77, 400, 60, 20);
  check_vec_matches_single("frame_stack=3,action_repeat=2,max_episode_steps=6", 4, 2, 5, 300, 40, 10);
}

TEST(vec_reset_no_seed_continues_streams) {
  rlcVecEnv *v = make_vec("CartPole-v1", NULL, 3, 1);
  rlcEnv *e = make_env("CartPole-v1", NULL);
  if (!v || !e) goto done;
  CHECK_OK(rlc_vec_env_reset(v, 3));
  float first[12];
  memcpy(first, v->obs, sizeof first);
  CHECK_OK(rlc_vec_env_reset(v, RLC_NO_SEED));
  for (int i = 0; i < 3; i++) {
    float o[4];
    CHECK_OK(rlc_env_reset(e, 3 + i, o));
    CHECK(obs_eq(o, first + 4 * i, 4));
    CHECK_OK(rlc_env_reset(e, RLC_NO_SEED, o));
    CHECK(obs_eq(o, (float *)v->obs + 4 * i, 4));
  }
  CHECK(!obs_eq(first, v->obs, 12));
  CHECK_OK(rlc_vec_env_reset(v, 3));
  CHECK(obs_eq(first, v->obs, 12));
  for (int i = 0; i < 3; i++) CHECK(!v->terminated[i] && !v->truncated[i] && v->reward[i] == 0);
done:
  rlc_vec_env_destroy(v);
  rlc_env_destroy(e);
}

TEST(vec_invalid_action_moves_nothing) {
  enum { N = 6 };
  rlcVecEnv *v = make_vec("CartPole-v1", NULL, N, 2);
  if (!v) return;
  CHECK_OK(rlc_vec_env_reset(v, 1));
  int32_t acts[N] = {0, 1, 0, 1, 0, 1};
  for (int t = 0; t < 3; t++) CHECK_OK(rlc_vec_env_step(v, acts));
  size_t sbytes = N * v->state_bytes;
  char *states = malloc(sbytes);
  if (!states) return;
  memcpy(states, v->states, sbytes);
  float obs[N * 4];
  memcpy(obs, v->obs, sizeof obs);
  int lens[N];
  memcpy(lens, v->episode_length, sizeof lens);
  rlcRng rngs[N];
  memcpy(rngs, v->rngs, sizeof rngs);
  int64_t total = v->total_steps;
  const int32_t bad_vals[3] = {2, -1, 99};
  for (int b = 0; b < 3; b++)
    for (int at = 0; at < N; at += N - 1) {  // first and last copy
      int32_t bad[N] = {0, 1, 0, 1, 0, 1};
      bad[at] = bad_vals[b];
      rlc_clear_error();
      CHECK_ERR(rlc_vec_env_step(v, bad), RLC_ERR_ARG);
      char want[32];
      snprintf(want, sizeof want, "env %d", at);
      CHECK_MSG(strstr(rlc_last_error(), want) != NULL, "got '%s'", rlc_last_error());
    }
  CHECK(memcmp(states, v->states, sbytes) == 0);
  CHECK(memcmp(obs, v->obs, sizeof obs) == 0);
  CHECK(memcmp(lens, v->episode_length, sizeof lens) == 0);
  CHECK(memcmp(rngs, v->rngs, sizeof rngs) == 0);
  CHECK_EQ_INT(v->total_steps, total);
  CHECK_OK(rlc_vec_env_step(v, acts));
  CHECK_EQ_INT(v->total_steps, total + N);
  free(states);
  rlc_vec_env_destroy(v);
}

// The single copy has its own range check (one unsigned compare): every
// value outside [0, n) is refused, and nothing moves.
TEST(vec_single_copy_rejects_out_of_range_actions) {
  rlcVecEnv *v = make_vec("CartPole-v1", NULL, 1, 1);
  if (!v) return;
  CHECK_OK(rlc_vec_env_reset(v, 2));
  const int32_t bad[] = {2, 3, -1, INT32_MIN, INT32_MAX};
  for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
    CHECK_ERR(rlc_vec_env_step(v, &bad[b]), RLC_ERR_ARG);
    CHECK(strstr(rlc_last_error(), "out of range") != NULL);
  }
  CHECK_EQ_INT(v->total_steps, 0);
  CHECK_EQ_INT(v->episode_length[0], 0);
  for (int32_t a = 0; a < 2; a++) CHECK_OK(rlc_vec_env_step(v, &a));
  CHECK_EQ_INT(v->total_steps, 2);
  rlc_vec_env_destroy(v);
}

// CartPole-v1 truncates at 500 in the vector env too: the pole is kept upright
// by writing the base state of every copy before each step.
TEST(vec_truncation_at_500) {
  enum { N = 4 };
  rlcVecEnv *v = make_vec("CartPole-v1", NULL, N, 2);
  rlcEnv *e = make_env("CartPole-v1", NULL);
  if (!v || !e) goto done;
  CHECK_OK(rlc_vec_env_reset(v, 20));
  size_t off = unwrapped_offset(v->spec);
  int trunc_at[N], term_count = 0;
  for (int i = 0; i < N; i++) trunc_at[i] = -1;
  for (int t = 1; t <= 500; t++) {
    for (int i = 0; i < N; i++)
      set_cp((rlcCartPoleState *)(v->states + i * v->state_bytes + off), 0, 0, 0, 0);
    int32_t acts[N];
    for (int i = 0; i < N; i++) acts[i] = (t + i) & 1;
    CHECK_OK(rlc_vec_env_step(v, acts));
    for (int i = 0; i < N; i++) {
      term_count += v->terminated[i];
      if (v->truncated[i] && trunc_at[i] < 0) trunc_at[i] = t;
    }
  }
  CHECK_EQ_INT(term_count, 0);
  for (int i = 0; i < N; i++) {
    CHECK_EQ_INT(trunc_at[i], 500);
    CHECK_EQ_INT(v->final_length[i], 500);
    CHECK(v->final_return[i] == 500.0);
    CHECK_EQ_INT(v->episode_length[i], 0);
    const float *fo = (const float *)v->final_obs + 4 * i;
    CHECK(fo[0] == 0.0f && fo[2] == 0.0f && fo[1] != 0.0f);  // one step from the upright state
    // obs is the next episode's first observation: the stream after reset(20 + i).
    float o[4];
    CHECK_OK(rlc_env_reset(e, 20 + i, NULL));
    CHECK_OK(rlc_env_reset(e, RLC_NO_SEED, o));
    CHECK(obs_eq(o, (const float *)v->obs + 4 * i, 4));
  }
  // And with a 20-step limit from the options.
  rlc_vec_env_destroy(v);
  v = make_vec("CartPole-v1", "max_episode_steps=20", N, 1);
  if (!v) goto done;
  CHECK_OK(rlc_vec_env_reset(v, 0));
  off = unwrapped_offset(v->spec);
  for (int t = 1; t <= 40; t++) {
    for (int i = 0; i < N; i++)
      set_cp((rlcCartPoleState *)(v->states + i * v->state_bytes + off), 0, 0, 0, 0);
    int32_t acts[N] = {0, 1, 0, 1};
    CHECK_OK(rlc_vec_env_step(v, acts));
    for (int i = 0; i < N; i++) {
      CHECK_EQ_INT(v->truncated[i], t % 20 == 0);
      CHECK(!v->terminated[i]);
      if (t % 20 == 0) CHECK_EQ_INT(v->final_length[i], 20);
    }
  }
done:
  rlc_vec_env_destroy(v);
  rlc_env_destroy(e);
}

// More worker threads than CPU cores (a shared CI machine, a laptop) must not
// turn a microsecond step into milliseconds: workers that spin while the
// thread they wait for is descheduled burn its time slice.
TEST(vec_threads_beyond_cores_stay_fast) {
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  if (ncpu < 1) ncpu = 1;
  int threads = (int)(2 * ncpu < 256 ? 2 * ncpu : 256);
  int n = threads < 8 ? 8 : threads;
  rlcVecEnv *v = make_vec("CartPole-v1", NULL, n, threads);
  int32_t *acts = calloc((size_t)n, sizeof *acts);
  if (!v || !acts) goto done;
  CHECK_OK(rlc_vec_env_reset(v, 0));
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  const int steps = 60;
  double ms = 0;
  int done_steps = 0;
  for (; done_steps < steps && ms < 1000; done_steps++) {
    for (int i = 0; i < n; i++) acts[i] = (done_steps + i) & 1;
    CHECK_OK(rlc_vec_env_step(v, acts));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
  }
  // A step of n CartPoles is microseconds of work; allow 2.5 ms a step for
  // thread hand-offs on a busy machine.
  CHECK_MSG(ms <= 2.5 * steps && done_steps == steps,
            "%d threads on %ld cores: %d steps took %.0f ms (%.2f ms a step)", threads, ncpu, done_steps,
            ms, ms / done_steps);
done:
  free(acts);
  rlc_vec_env_destroy(v);
}
