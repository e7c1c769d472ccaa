// test_envs_classic.c: Gymnasium's classic-control envs beyond CartPole:
// MountainCar-v0, MountainCarContinuous-v0, Acrobot-v1, Pendulum-v1. Spaces and
// registered limits, golden resets and first steps copied from the reference
// files (bit for bit), physics edge cases (walls, goal, clipping, bounds),
// action clipping and non-finite actions, options and their errors, Acrobot's
// trig cache under state injection, the heuristics reaching their goals, and
// the renders. The full trajectories are replayed by build/test_reference.
#include <stdlib.h>

#include "env/envs/make.h"
#include "test.h"

//------------------------------------------------------------------------------
// Helpers
//------------------------------------------------------------------------------

static rlcEnv *make_env(const char *id, const char *options) {
  rlcEnv *env = NULL;
  CHECK_OK(rlc_env_create(id, options, &env));
  return env;
}

// The registered limits, and the spec's spaces against Gymnasium's float32 arrays.
static void check_box(const rlcSpace *s, int n, const float *low, const float *high, const char *what) {
  CHECK_MSG(s->type == RLC_SPACE_BOX && s->dtype == RLC_F32 && s->size == n, "%s: not a float32 Box(%d)", what, n);
  for (int i = 0; i < n && s->size == n; i++)
    CHECK_MSG(rlc_space_low(s, i) == low[i] && rlc_space_high(s, i) == high[i],
              "%s bound %d: [%.9g, %.9g], Gymnasium [%.9g, %.9g]", what, i, rlc_space_low(s, i),
              rlc_space_high(s, i), low[i], high[i]);
}

static void check_registration(const char *id, int steps, double threshold, int w, int h, int fps) {
  const rlcEnvRegistration *r = rlc_env_registry_find(id);
  CHECK_MSG(r != NULL, "%s is not registered", id);
  if (!r) return;
  CHECK_EQ_INT(r->max_episode_steps, steps);
  if (isnan(threshold)) CHECK_MSG(isnan(r->reward_threshold), "%s has a reward threshold", id);
  else CHECK_MSG(r->reward_threshold == threshold, "%s threshold %g", id, r->reward_threshold);
  rlcEnvSpec *spec = NULL;
  CHECK_OK(rlc_env_spec_create(id, NULL, &spec));
  if (!spec) return;
  CHECK_EQ_INT(spec->max_episode_steps, steps);
  CHECK_EQ_INT(spec->render_width, w);
  CHECK_EQ_INT(spec->render_height, h);
  CHECK_EQ_INT(spec->render_fps, fps);
  rlc_env_spec_destroy(spec);
}

// Runs the heuristic from reset(seed) to the end of the episode.
static double run_heuristic(rlcEnv *env, int64_t seed, bool *terminated, int *length) {
  float obs[8];
  char action[16];
  double reward, ret = 0;
  bool term = false, trunc = false;
  int n = 0;
  CHECK_OK(rlc_env_reset(env, seed, obs));
  while (!term && !trunc) {
    CHECK_OK(rlc_env_heuristic(env, obs, action));
    rlcStatus s = rlc_env_step(env, action, obs, &reward, &term, &trunc);
    CHECK_OK(s);
    if (s) break;
    ret += reward, n++;
  }
  *terminated = term;
  *length = n;
  return ret;
}

static void check_bad_option(const char *id, const char *options, const char *key) {
  rlcEnv *env = NULL;
  CHECK_ERR(rlc_env_create(id, options, &env), RLC_ERR_ARG);
  CHECK_MSG(strstr(rlc_last_error(), key) != NULL, "%s %s: the error does not name '%s': %s", id, options, key,
            rlc_last_error());
  rlc_env_destroy(env);
}

static bool has_color(const uint8_t *rgb, int w, int h, uint32_t color) {
  for (int i = 0; i < w * h; i++)
    if (rgb[3 * i] == (color >> 16 & 255) && rgb[3 * i + 1] == (color >> 8 & 255) && rgb[3 * i + 2] == (color & 255))
      return true;
  return false;
}

// Renders env, checks a white background and some drawn pixels of each color.
static void check_render(rlcEnv *env, const uint32_t *colors, int ncolors) {
  int w = env->spec->render_width, h = env->spec->render_height;
  uint8_t *rgb = malloc((size_t)w * h * 3);
  memset(rgb, 0x55, (size_t)w * h * 3);
  CHECK_OK(rlc_env_render(env, NULL, rgb));
  const int corners[4][2] = {{0, 0}, {w - 1, 0}, {0, h - 1}, {w - 1, h - 1}};
  for (int k = 0; k < 4; k++) {
    const uint8_t *p = rgb + ((size_t)corners[k][1] * w + corners[k][0]) * 3;
    CHECK_MSG(p[0] == 255 && p[1] == 255 && p[2] == 255, "%s: corner %d is not white", env->spec->id, k);
  }
  long drawn = 0;
  for (int i = 0; i < w * h; i++) drawn += rgb[3 * i] != 255 || rgb[3 * i + 1] != 255 || rgb[3 * i + 2] != 255;
  CHECK_MSG(drawn > 500 && drawn < (long)w * h / 4, "%s: %ld drawn pixels", env->spec->id, drawn);
  for (int i = 0; i < ncolors; i++)
    CHECK_MSG(has_color(rgb, w, h, colors[i]), "%s: no pixel of color %06x", env->spec->id, colors[i]);
  free(rgb);
}

//------------------------------------------------------------------------------
// MountainCar-v0
//------------------------------------------------------------------------------

TEST(mountaincar_spaces_and_limits) {
  const float low[2] = {-1.2f, -0.07f}, high[2] = {0.6f, 0.07f};
  rlcEnv *env = make_env("MountainCar-v0", NULL);
  if (!env) return;
  check_box(&env->spec->observation_space, 2, low, high, "MountainCar-v0 observation");
  CHECK(env->spec->action_space.type == RLC_SPACE_DISCRETE && env->spec->action_space.n == 3);
  check_registration("MountainCar-v0", 200, -110.0, 600, 400, 30);
  rlc_env_destroy(env);
  env = make_env("MountainCarContinuous-v0", NULL);
  if (!env) return;
  check_box(&env->spec->observation_space, 2, low, high, "MountainCarContinuous-v0 observation");
  const float alow[1] = {-1.0f}, ahigh[1] = {1.0f};
  check_box(&env->spec->action_space, 1, alow, ahigh, "MountainCarContinuous-v0 action");
  check_registration("MountainCarContinuous-v0", 999, 90.0, 600, 400, 30);
  rlc_env_destroy(env);
}

// reset(seed=0) and trajectory 0 (seed 10000) of reference/mountaincar_v0.txt.
TEST(mountaincar_golden_reset_and_steps) {
  rlcEnv *env = make_env("MountainCar-v0", NULL);
  if (!env) return;
  float obs[2];
  CHECK_OK(rlc_env_reset(env, 0, obs));
  rlcMountainCarState *s = rlc_env_unwrapped_state(env);
  CHECK(s->position == -0.4726076625357092 && s->velocity == 0.0);
  CHECK(obs[0] == (float)-0.47260767221450806 && obs[1] == 0.0f);
  CHECK_OK(rlc_env_reset(env, 10000, obs));
  CHECK(s->position == -0.4966619195339075);
  const int32_t actions[2] = {2, 1};
  const double want[2][2] = {{-0.4958637261423723, 0.0007981933915351982},
                             {-0.4952733056892882, 0.0005904204530841234}};
  for (int t = 0; t < 2; t++) {
    double r;
    bool term, trunc;
    CHECK_OK(rlc_env_step(env, &actions[t], obs, &r, &term, &trunc));
    CHECK_MSG(s->position == want[t][0] && s->velocity == want[t][1], "step %d: %.17g %.17g", t + 1,
              s->position, s->velocity);
    CHECK(obs[0] == (float)want[t][0] && obs[1] == (float)want[t][1]);
    CHECK(r == -1.0 && !term && !trunc);
  }
  rlc_env_destroy(env);
}

TEST(mountaincar_walls_goal_and_time_limit) {
  rlcEnv *env = make_env("MountainCar-v0", NULL);
  if (!env) return;
  float obs[2];
  double r;
  bool term, trunc;
  CHECK_OK(rlc_env_reset(env, 1, obs));
  rlcMountainCarState *s = rlc_env_unwrapped_state(env);
  // The left wall is inelastic: position clipped to -1.2, velocity zeroed.
  s->position = -1.19, s->velocity = -0.07;
  int32_t left = 0, none = 1, right = 2;
  CHECK_OK(rlc_env_step(env, &left, obs, &r, &term, &trunc));
  CHECK(s->position == -1.2 && s->velocity == 0.0 && !term);
  // The speed is clipped to 0.07.
  s->position = -0.5, s->velocity = 0.0699;
  CHECK_OK(rlc_env_step(env, &right, obs, &r, &term, &trunc));
  CHECK(s->velocity == 0.07);
  // The goal: position >= 0.5 with velocity >= 0 terminates (reward still -1).
  s->position = 0.49, s->velocity = 0.02;
  CHECK_OK(rlc_env_step(env, &right, obs, &r, &term, &trunc));
  CHECK(term && !trunc && r == -1.0 && s->position >= 0.5);
  // Never reaching the goal: truncated at exactly 200 steps.
  CHECK_OK(rlc_env_reset(env, 3, obs));
  int n = 0;
  term = trunc = false;
  while (!term && !trunc) {
    CHECK_OK(rlc_env_step(env, &none, obs, &r, &term, &trunc));
    n++;
  }
  CHECK(!term && trunc);
  CHECK_EQ_INT(n, 200);
  rlc_env_destroy(env);
}

TEST(mountaincar_goal_velocity_option) {
  rlcEnv *env = make_env("MountainCar-v0", "goal_velocity=0.05");
  if (!env) return;
  float obs[2];
  double r;
  bool term, trunc;
  int32_t right = 2;
  CHECK_OK(rlc_env_reset(env, 0, obs));
  rlcMountainCarState *s = rlc_env_unwrapped_state(env);
  s->position = 0.49, s->velocity = 0.02;  // reaches 0.5 at about 0.02: too slow now
  CHECK_OK(rlc_env_step(env, &right, obs, &r, &term, &trunc));
  CHECK(s->position >= 0.5 && !term);
  s->position = 0.45, s->velocity = 0.06;
  CHECK_OK(rlc_env_step(env, &right, obs, &r, &term, &trunc));
  CHECK(term);
  rlc_env_destroy(env);
  check_bad_option("MountainCar-v0", "goal_velocity=fast", "goal_velocity");
  check_bad_option("MountainCar-v0", "goal_velocity=nan", "goal_velocity");
  check_bad_option("MountainCarContinuous-v0", "goal_velocity=inf", "goal_velocity");
  check_bad_option("MountainCar-v0", "gravity=1", "gravity");
}

TEST(mountaincar_heuristic_reaches_the_flag) {
  const char *ids[2] = {"MountainCar-v0", "MountainCarContinuous-v0"};
  for (int k = 0; k < 2; k++) {
    rlcEnv *env = make_env(ids[k], NULL);
    if (!env) return;
    for (int seed = 0; seed < 5; seed++) {
      bool term;
      int n;
      double ret = run_heuristic(env, seed, &term, &n);
      CHECK_MSG(term, "%s seed %d: the heuristic did not reach the flag in %d steps", ids[k], seed, n);
      if (k == 0) CHECK_MSG(ret > -200, "%s seed %d: return %g", ids[k], seed, ret);
      else CHECK_MSG(ret > 80, "%s seed %d: return %g", ids[k], seed, ret);
    }
    rlc_env_destroy(env);
  }
}

TEST(mountaincar_render) {
  rlcEnv *env = make_env("MountainCar-v0", NULL);
  if (!env) return;
  CHECK_OK(rlc_env_reset(env, 0, NULL));
  const uint32_t colors[3] = {0x000000, 0x808080, 0xCCCC00};  // car, wheels, flag
  check_render(env, colors, 3);
  rlc_env_destroy(env);
  env = make_env("MountainCarContinuous-v0", NULL);
  if (!env) return;
  CHECK_OK(rlc_env_reset(env, 0, NULL));
  check_render(env, colors, 3);
  rlc_env_destroy(env);
}

//------------------------------------------------------------------------------
// MountainCarContinuous-v0
//------------------------------------------------------------------------------

// Trajectory 0 (seed 10000) of reference/mountaincarcontinuous_v0.txt: the
// float64 reset state, then float32 states.
TEST(mountaincar_continuous_golden_steps) {
  rlcEnv *env = make_env("MountainCarContinuous-v0", NULL);
  if (!env) return;
  float obs[2];
  CHECK_OK(rlc_env_reset(env, 10000, obs));
  rlcMountainCarState *s = rlc_env_unwrapped_state(env);
  CHECK(s->position == -0.4966619195339075);
  const float actions[2] = {-1.0f, (float)-0.7267794013023376};
  const double want[2][3] = {{-0.1, -0.498363733291626, -0.0017018065555021167},
                             {-0.052820829815738435, -0.5013447999954224, -0.002981057856231928}};
  for (int t = 0; t < 2; t++) {
    double r;
    bool term, trunc;
    CHECK_OK(rlc_env_step(env, &actions[t], obs, &r, &term, &trunc));
    CHECK_MSG(r == want[t][0] && s->position == want[t][1] && s->velocity == want[t][2],
              "step %d: %.17g %.17g %.17g", t + 1, r, s->position, s->velocity);
    CHECK(obs[0] == (float)want[t][1] && obs[1] == (float)want[t][2]);
  }
  rlc_env_destroy(env);
}

// The force is clipped to [-1, 1]; the cost uses the action as given.
TEST(mountaincar_continuous_action_clipping) {
  rlcEnv *a = make_env("MountainCarContinuous-v0", NULL), *b = make_env("MountainCarContinuous-v0", NULL);
  if (!a || !b) return;
  const float pairs[2][2] = {{5.0f, 1.0f}, {-3.5f, -1.0f}};
  for (int k = 0; k < 2; k++) {
    float oa[2], ob[2];
    double ra, rb;
    bool ta, tb, ua, ub;
    CHECK_OK(rlc_env_reset(a, 7, oa));
    CHECK_OK(rlc_env_reset(b, 7, ob));
    CHECK_OK(rlc_env_step(a, &pairs[k][0], oa, &ra, &ta, &ua));
    CHECK_OK(rlc_env_step(b, &pairs[k][1], ob, &rb, &tb, &ub));
    rlcMountainCarState *sa = rlc_env_unwrapped_state(a), *sb = rlc_env_unwrapped_state(b);
    CHECK_MSG(sa->position == sb->position && sa->velocity == sb->velocity, "action %g moved unlike %g",
              pairs[k][0], pairs[k][1]);
    double big = pairs[k][0], unit = pairs[k][1];
    CHECK_NEAR(ra, 0.0 - big * big * 0.1, 1e-15);
    CHECK_NEAR(rb, 0.0 - unit * unit * 0.1, 1e-15);
    // The state is stored in float32, as Gymnasium keeps it.
    CHECK(sa->position == (float)sa->position && sa->velocity == (float)sa->velocity);
  }
  // Reaching the flag pays 100 minus the cost.
  float o[2];
  double r;
  bool term, trunc;
  rlcMountainCarState *s = rlc_env_unwrapped_state(a);
  s->position = 0.44, s->velocity = 0.05;
  const float half = 0.5f;
  CHECK_OK(rlc_env_step(a, &half, o, &r, &term, &trunc));
  CHECK(term);
  CHECK_NEAR(r, 100.0 - 0.25 * 0.1, 1e-12);
  // Non-finite actions are errors, and the episode goes on.
  CHECK_OK(rlc_env_reset(a, 7, o));
  const float bad[3] = {NAN, INFINITY, -INFINITY};
  for (int i = 0; i < 3; i++) CHECK_ERR(rlc_env_step(a, &bad[i], o, &r, &term, &trunc), RLC_ERR_ARG);
  CHECK_OK(rlc_env_step(a, &half, o, &r, &term, &trunc));
  rlc_env_destroy(a);
  rlc_env_destroy(b);
}

//------------------------------------------------------------------------------
// Acrobot-v1
//------------------------------------------------------------------------------

TEST(acrobot_spaces_and_limits) {
  rlcEnv *env = make_env("Acrobot-v1", NULL);
  if (!env) return;
  const float high[6] = {1, 1, 1, 1, (float)(4 * M_PI), (float)(9 * M_PI)};
  const float low[6] = {-1, -1, -1, -1, -(float)(4 * M_PI), -(float)(9 * M_PI)};
  check_box(&env->spec->observation_space, 6, low, high, "Acrobot-v1 observation");
  CHECK(env->spec->action_space.type == RLC_SPACE_DISCRETE && env->spec->action_space.n == 3);
  check_registration("Acrobot-v1", 500, -100.0, 500, 500, 15);
  rlc_env_destroy(env);
}

// reset(seed=0) and trajectory 0 (seed 10000) of reference/acrobot_v1.txt: the
// float32 reset state, then two RK4 steps bit for bit.
TEST(acrobot_golden_reset_and_steps) {
  rlcEnv *env = make_env("Acrobot-v1", NULL);
  if (!env) return;
  float obs[6];
  CHECK_OK(rlc_env_reset(env, 0, obs));
  rlcAcrobotState *s = rlc_env_unwrapped_state(env);
  const double st0[4] = {0.02739233709871769, -0.046042658388614655, -0.09180529415607452, -0.0966944694519043};
  const double ob0[6] = {0.9996248483657837, 0.027388911694288254, 0.9989402294158936, -0.04602639377117157,
                         -0.09180529415607452, -0.0966944694519043};
  CHECK(s->theta1 == st0[0] && s->theta2 == st0[1] && s->dtheta1 == st0[2] && s->dtheta2 == st0[3]);
  for (int i = 0; i < 6; i++) CHECK_MSG(obs[i] == (float)ob0[i], "reset obs[%d] = %.9g", i, obs[i]);
  CHECK_OK(rlc_env_reset(env, 10000, obs));
  CHECK(s->theta1 == 0.0033380803652107716 && s->dtheta2 == -0.056815728545188904);
  const int32_t actions[2] = {2, 1};
  const double want[2][4] = {
      {-0.007835515350918927, 0.010036341968972812, -0.12332534021540925, 0.30328204872166237},
      {-0.029951806407787954, 0.06601739024756563, -0.09166872211581861, 0.2435707144850896}};
  const double want_obs[2][6] = {
      {0.9999693036079407, -0.00783543474972248, 0.9999496340751648, 0.010036173276603222, -0.12332534044981003,
       0.3032820522785187},
      {0.9995514750480652, -0.029947327449917793, 0.9978216290473938, 0.06596944481134415, -0.09166872501373291,
       0.2435707151889801}};
  for (int t = 0; t < 2; t++) {
    double r;
    bool term, trunc;
    CHECK_OK(rlc_env_step(env, &actions[t], obs, &r, &term, &trunc));
    CHECK_MSG(s->theta1 == want[t][0] && s->theta2 == want[t][1] && s->dtheta1 == want[t][2] &&
                  s->dtheta2 == want[t][3],
              "step %d: %.17g %.17g %.17g %.17g", t + 1, s->theta1, s->theta2, s->dtheta1, s->dtheta2);
    CHECK(r == -1.0 && !term && !trunc);
    for (int i = 0; i < 6; i++) CHECK_MSG(obs[i] == (float)want_obs[t][i], "step %d obs[%d] = %.9g", t + 1, i, obs[i]);
  }
  rlc_env_destroy(env);
}

// step() keeps cos/sin of theta2 for the next step; a state written field by
// field (injected, or zeroed) must step exactly like a fresh env.
TEST(acrobot_state_injection_and_cache) {
  rlcEnv *a = make_env("Acrobot-v1", NULL), *b = make_env("Acrobot-v1", NULL);
  if (!a || !b) return;
  float oa[6], ob[6];
  double ra, rb;
  bool ta, tb, ua, ub;
  int32_t act = 0;
  CHECK_OK(rlc_env_reset(a, 1, oa));
  CHECK_OK(rlc_env_step(a, &act, oa, &ra, &ta, &ua));  // a's cache now holds its theta2
  CHECK_OK(rlc_env_reset(b, 2, ob));
  rlcAcrobotState *sa = rlc_env_unwrapped_state(a), *sb = rlc_env_unwrapped_state(b);
  const double inject[3][4] = {{1.0, -2.0, 0.5, -1.5}, {0.5, 0.0, -3.0, 4.0}, {-3.0, -0.0, 0.0, 0.0}};
  for (int k = 0; k < 3; k++) {
    sa->theta1 = sb->theta1 = inject[k][0];
    sa->theta2 = sb->theta2 = inject[k][1];
    sa->dtheta1 = sb->dtheta1 = inject[k][2];
    sa->dtheta2 = sb->dtheta2 = inject[k][3];
    if (k == 2) memset(sb, 0, sizeof *sb), sb->theta1 = -3.0, sb->theta2 = -0.0;  // a zeroed, then written state
    CHECK_OK(rlc_env_step(a, &act, oa, &ra, &ta, &ua));
    CHECK_OK(rlc_env_step(b, &act, ob, &rb, &tb, &ub));
    CHECK_MSG(sa->theta1 == sb->theta1 && sa->theta2 == sb->theta2 && sa->dtheta1 == sb->dtheta1 &&
                  sa->dtheta2 == sb->dtheta2 && ra == rb && ta == tb,
              "injection %d: the two envs differ", k);
    CHECK(!memcmp(oa, ob, sizeof oa));
  }
  rlc_env_destroy(a);
  rlc_env_destroy(b);
}

TEST(acrobot_wrap_bounds_and_goal) {
  rlcEnv *env = make_env("Acrobot-v1", NULL);
  if (!env) return;
  float obs[6];
  double r;
  bool term, trunc;
  int32_t act = 1;
  CHECK_OK(rlc_env_reset(env, 0, obs));
  rlcAcrobotState *s = rlc_env_unwrapped_state(env);
  // Velocities are bounded to 4 pi and 9 pi, angles wrapped into [-pi, pi].
  s->theta1 = 3.1, s->theta2 = -3.1, s->dtheta1 = 40.0, s->dtheta2 = -90.0;
  CHECK_OK(rlc_env_step(env, &act, obs, &r, &term, &trunc));
  CHECK(fabs(s->dtheta1) <= 4 * M_PI && fabs(s->dtheta2) <= 9 * M_PI);
  CHECK(s->theta1 >= -M_PI && s->theta1 <= M_PI && s->theta2 >= -M_PI && s->theta2 <= M_PI);
  CHECK(obs[4] >= -(float)(4 * M_PI) && obs[4] <= (float)(4 * M_PI));
  // Both links up, at rest: the tip is far above the line, reward 0, terminated.
  s->theta1 = M_PI, s->theta2 = 0.0, s->dtheta1 = 0.0, s->dtheta2 = 0.0;
  CHECK_OK(rlc_env_step(env, &act, obs, &r, &term, &trunc));
  CHECK(term && r == 0.0);
  rlc_env_destroy(env);
}

// envs_pow2_libm (Acrobot's and Pendulum's x**2) against libm's pow(x, 2),
// called through a volatile exponent that GCC cannot fold into x * x: 2M
// random doubles with squares from 2^-30 to 2^24, inside and outside the fast
// path's range. About 0.09% of them are squares where pow and x * x differ
// (|lo| within 0.009 ulp of half an ulp); the test requires meeting those.
TEST(exact_pow2_matches_libm) {
  volatile double two = 2.0;
  rlcRng rng;
  rlc_rng_seed(&rng, 2026);
  long differ = 0, wrong = 0;
  for (int i = 0; i < 2000000; i++) {
    double x = ldexp(1.0 + rlc_rng_random(&rng), (int)rlc_rng_integers(&rng, -15, 12));
    if (i & 1) x = -x;
    double want = pow(x, two);
    differ += want != x * x;
    if (envs_pow2_libm(x) != want && wrong++ < 5) CHECK_MSG(false, "x = %a: %a, pow %a", x, envs_pow2_libm(x), want);
  }
  CHECK_MSG(differ > 1000, "only %ld squares where pow differs from x * x", differ);
  CHECK_EQ_INT(wrong, 0);
}

// The tip is above the line when -cos(theta1) - cos(theta2 + theta1) > 1.0;
// step() decides it from the observation's cos and sin and calls cos only
// near the line. Bisecting the starting angle puts the stepped tip within
// 1e-15 of the line (the libm branch), and random states cover the rest: the
// decision always equals the formula on the new state.
static bool acrobot_tip_formula(const rlcAcrobotState *s) { return -cos(s->theta1) - cos(s->theta2 + s->theta1) > 1.0; }

static bool acrobot_step_from(rlcEnv *env, const double st[4], double *tip) {
  rlcAcrobotState *s = rlc_env_unwrapped_state(env);
  float obs[6];
  double r;
  bool term, trunc;
  int32_t act = 2;
  CHECK_OK(rlc_env_reset(env, 0, obs));
  s->theta1 = st[0], s->theta2 = st[1], s->dtheta1 = st[2], s->dtheta2 = st[3];
  CHECK_OK(rlc_env_step(env, &act, obs, &r, &term, &trunc));
  CHECK_MSG(term == acrobot_tip_formula(s) && r == (term ? 0.0 : -1.0),
            "from (%.17g, %.17g, %.17g, %.17g): terminated %d, the formula says %d", st[0], st[1], st[2], st[3], term,
            acrobot_tip_formula(s));
  *tip = -cos(s->theta1) - cos(s->theta2 + s->theta1);
  return term;
}

TEST(acrobot_termination_near_the_line) {
  rlcEnv *env = make_env("Acrobot-v1", NULL);
  if (!env) return;
  double tip;
  rlcRng rng;
  rlc_rng_seed(&rng, 7);
  for (int i = 0; i < 20000; i++) {
    double st[4] = {rlc_rng_uniform(&rng, -M_PI, M_PI), rlc_rng_uniform(&rng, -M_PI, M_PI),
                    rlc_rng_uniform(&rng, -4 * M_PI, 4 * M_PI), rlc_rng_uniform(&rng, -9 * M_PI, 9 * M_PI)};
    acrobot_step_from(env, st, &tip);
  }
  // Bisect theta1 in [1.5, pi - 0.01] (below the line after the step, and
  // above) down to neighboring doubles, from 200 random theta2 and small
  // velocities: the new tips straddle the line within an ulp or two, where
  // the angle-sum formula alone would decide some of them wrong.
  int bisected = 0;
  for (int k = 0; k < 200; k++) {
    double st[4] = {0, rlc_rng_uniform(&rng, -0.3, 0.3), rlc_rng_uniform(&rng, -0.05, 0.05),
                    rlc_rng_uniform(&rng, -0.05, 0.05)};
    double lo = 1.5, hi = M_PI - 0.01;
    st[0] = lo;
    bool below = !acrobot_step_from(env, st, &tip);
    st[0] = hi;
    if (!below || !acrobot_step_from(env, st, &tip)) continue;
    while (nextafter(lo, hi) < hi) {
      double mid = lo + (hi - lo) / 2;
      if (mid <= lo || mid >= hi) mid = nextafter(lo, hi);
      st[0] = mid;
      if (acrobot_step_from(env, st, &tip)) hi = mid;
      else lo = mid;
    }
    st[0] = hi;
    acrobot_step_from(env, st, &tip);
    CHECK_MSG(fabs(tip - 1.0) < 1e-14, "the bisection ended %.3g from the line", tip - 1.0);
    bisected++;
  }
  CHECK_MSG(bisected >= 150, "only %d of 200 brackets held", bisected);
  rlc_env_destroy(env);
}

TEST(acrobot_options) {
  // book_or_nips=nips drops a term of ddtheta2: the same step differs.
  rlcEnv *book = make_env("Acrobot-v1", NULL), *nips = make_env("Acrobot-v1", "book_or_nips=nips");
  if (!book || !nips) return;
  float o[6];
  double r;
  bool term, trunc;
  int32_t act = 2;
  CHECK_OK(rlc_env_reset(book, 5, o));
  CHECK_OK(rlc_env_reset(nips, 5, o));
  rlcAcrobotState *sb = rlc_env_unwrapped_state(book), *sn = rlc_env_unwrapped_state(nips);
  sb->dtheta1 = sn->dtheta1 = 2.0;
  CHECK_OK(rlc_env_step(book, &act, o, &r, &term, &trunc));
  CHECK_OK(rlc_env_step(nips, &act, o, &r, &term, &trunc));
  CHECK(sb->dtheta2 != sn->dtheta2);
  rlc_env_destroy(book);
  rlc_env_destroy(nips);
  // torque_noise_max draws from np_random: reproducible per seed, unlike no noise.
  rlcEnv *n1 = make_env("Acrobot-v1", "torque_noise_max=0.5"), *n2 = make_env("Acrobot-v1", "torque_noise_max=0.5");
  rlcEnv *quiet = make_env("Acrobot-v1", NULL);
  if (!n1 || !n2 || !quiet) return;
  CHECK_OK(rlc_env_reset(n1, 9, o));
  CHECK_OK(rlc_env_reset(n2, 9, o));
  CHECK_OK(rlc_env_reset(quiet, 9, o));
  for (int t = 0; t < 20; t++) {
    CHECK_OK(rlc_env_step(n1, &act, o, &r, &term, &trunc));
    CHECK_OK(rlc_env_step(n2, &act, o, &r, &term, &trunc));
    CHECK_OK(rlc_env_step(quiet, &act, o, &r, &term, &trunc));
  }
  rlcAcrobotState *s1 = rlc_env_unwrapped_state(n1), *s2 = rlc_env_unwrapped_state(n2);
  rlcAcrobotState *sq = rlc_env_unwrapped_state(quiet);
  CHECK(s1->theta1 == s2->theta1 && s1->dtheta2 == s2->dtheta2);
  CHECK(s1->theta1 != sq->theta1);
  rlc_env_destroy(n1);
  rlc_env_destroy(n2);
  rlc_env_destroy(quiet);
  check_bad_option("Acrobot-v1", "book_or_nips=paper", "book_or_nips");
  check_bad_option("Acrobot-v1", "torque_noise_max=-0.1", "torque_noise_max");
  check_bad_option("Acrobot-v1", "torque_noise_max=inf", "torque_noise_max");
}

TEST(acrobot_heuristic_reaches_the_line) {
  rlcEnv *env = make_env("Acrobot-v1", NULL);
  if (!env) return;
  double total = 0;
  for (int seed = 0; seed < 5; seed++) {
    bool term;
    int n;
    total += run_heuristic(env, seed, &term, &n);
    CHECK_MSG(term && n < 500, "seed %d: the tip did not reach the line (%d steps)", seed, n);
  }
  CHECK_MSG(total / 5 > -200, "mean return %g", total / 5);
  rlc_env_destroy(env);
}

TEST(acrobot_render) {
  rlcEnv *env = make_env("Acrobot-v1", NULL);
  if (!env) return;
  CHECK_OK(rlc_env_reset(env, 0, NULL));
  const uint32_t colors[3] = {0x00CCCC, 0xCCCC00, 0x000000};  // links, joints, target line
  check_render(env, colors, 3);
  rlc_env_destroy(env);
}

//------------------------------------------------------------------------------
// Pendulum-v1
//------------------------------------------------------------------------------

TEST(pendulum_spaces_and_limits) {
  rlcEnv *env = make_env("Pendulum-v1", NULL);
  if (!env) return;
  const float high[3] = {1, 1, 8}, low[3] = {-1, -1, -8}, ahigh[1] = {2}, alow[1] = {-2};
  check_box(&env->spec->observation_space, 3, low, high, "Pendulum-v1 observation");
  check_box(&env->spec->action_space, 1, alow, ahigh, "Pendulum-v1 action");
  check_registration("Pendulum-v1", 200, NAN, 500, 500, 30);
  rlc_env_destroy(env);
}

// reset(seed=0) and trajectory 0 (seed 10000) of reference/pendulum_v1.txt.
TEST(pendulum_golden_reset_and_steps) {
  rlcEnv *env = make_env("Pendulum-v1", NULL);
  if (!env) return;
  float obs[3];
  CHECK_OK(rlc_env_reset(env, 0, obs));
  rlcPendulumState *s = rlc_env_unwrapped_state(env);
  CHECK(s->theta == 0.8605556614246863 && s->theta_dot == -0.4604265724722594);
  CHECK(obs[0] == (float)0.652016282081604 && obs[1] == (float)0.758204996585846);
  CHECK_OK(rlc_env_reset(env, 10000, obs));
  CHECK(s->theta == 0.10486889069367766);
  const float actions[2] = {-2.0f, (float)-1.4535588026046753};
  const double want[2][3] = {{-0.017326211966006873, 0.08616418522151119, -0.37409410944332944},
                             {-0.02353174027953619, 0.059784948997643944, -0.5275847244773448}};
  for (int t = 0; t < 2; t++) {
    double r;
    bool term, trunc;
    CHECK_OK(rlc_env_step(env, &actions[t], obs, &r, &term, &trunc));
    CHECK_MSG(r == want[t][0] && s->theta == want[t][1] && s->theta_dot == want[t][2],
              "step %d: %.17g %.17g %.17g", t + 1, r, s->theta, s->theta_dot);
    CHECK(!term && !trunc);
  }
  rlc_env_destroy(env);
}

// u = clip(action, -2, 2) drives the physics and the cost alike.
TEST(pendulum_action_clipping) {
  rlcEnv *a = make_env("Pendulum-v1", NULL), *b = make_env("Pendulum-v1", NULL);
  if (!a || !b) return;
  const float pairs[2][2] = {{-3.0f, -2.0f}, {50.0f, 2.0f}};
  for (int k = 0; k < 2; k++) {
    float oa[3], ob[3];
    double ra, rb;
    bool ta, tb, ua, ub;
    CHECK_OK(rlc_env_reset(a, 11, oa));
    CHECK_OK(rlc_env_reset(b, 11, ob));
    CHECK_OK(rlc_env_step(a, &pairs[k][0], oa, &ra, &ta, &ua));
    CHECK_OK(rlc_env_step(b, &pairs[k][1], ob, &rb, &tb, &ub));
    rlcPendulumState *sa = rlc_env_unwrapped_state(a), *sb = rlc_env_unwrapped_state(b);
    CHECK_MSG(sa->theta == sb->theta && sa->theta_dot == sb->theta_dot && ra == rb,
              "action %g differs from %g", pairs[k][0], pairs[k][1]);
    CHECK(sa->last_u == pairs[k][1] && sa->has_last_u);
  }
  // The cost is computed from the state before the step; theta is not wrapped.
  float o[3];
  double r;
  bool term, trunc;
  rlcPendulumState *s = rlc_env_unwrapped_state(a);
  s->theta = 1.0 + 4 * M_PI, s->theta_dot = 0.5;
  const float one = 1.0f;
  CHECK_OK(rlc_env_step(a, &one, o, &r, &term, &trunc));
  double th = fmod(1.0 + 4 * M_PI + M_PI, 2 * M_PI) - M_PI;
  CHECK_NEAR(r, -(th * th + 0.1 * 0.25 + 0.001 * 1.0), 1e-12);
  CHECK(s->theta > 4 * M_PI);
  const float bad[2] = {NAN, INFINITY};
  for (int i = 0; i < 2; i++) CHECK_ERR(rlc_env_step(a, &bad[i], o, &r, &term, &trunc), RLC_ERR_ARG);
  rlc_env_destroy(a);
  rlc_env_destroy(b);
}

TEST(pendulum_gravity_option) {
  rlcEnv *g10 = make_env("Pendulum-v1", NULL), *g981 = make_env("Pendulum-v1", "g=9.81");
  if (!g10 || !g981) return;
  float o[3];
  double r;
  bool term, trunc;
  const float zero = 0.0f;
  CHECK_OK(rlc_env_reset(g10, 0, o));
  CHECK_OK(rlc_env_reset(g981, 0, o));
  rlcPendulumState *a = rlc_env_unwrapped_state(g10), *b = rlc_env_unwrapped_state(g981);
  a->theta = b->theta = 0.3, a->theta_dot = b->theta_dot = 0.0;
  CHECK_OK(rlc_env_step(g10, &zero, o, &r, &term, &trunc));
  CHECK_OK(rlc_env_step(g981, &zero, o, &r, &term, &trunc));
  CHECK_NEAR(a->theta_dot, 3 * 10.0 / 2 * sin(0.3) * 0.05, 1e-15);
  CHECK_NEAR(b->theta_dot, 3 * 9.81 / 2 * sin(0.3) * 0.05, 1e-15);
  CHECK(a->theta_dot != b->theta_dot);
  rlc_env_destroy(g10);
  rlc_env_destroy(g981);
  // Without gravity, no torque: the pendulum keeps its speed.
  rlcEnv *g0 = make_env("Pendulum-v1", "g=0");
  if (!g0) return;
  CHECK_OK(rlc_env_reset(g0, 0, o));
  rlcPendulumState *s = rlc_env_unwrapped_state(g0);
  double v = s->theta_dot;
  CHECK_OK(rlc_env_step(g0, &zero, o, &r, &term, &trunc));
  CHECK(s->theta_dot == v);
  rlc_env_destroy(g0);
  check_bad_option("Pendulum-v1", "g=-9.81", "g=");
  check_bad_option("Pendulum-v1", "g=nan", "g=");
  check_bad_option("Pendulum-v1", "g=heavy", "g=");
}

TEST(pendulum_time_limit_and_heuristic) {
  rlcEnv *env = make_env("Pendulum-v1", NULL);
  if (!env) return;
  double total = 0;
  for (int seed = 0; seed < 5; seed++) {
    bool term;
    int n;
    total += run_heuristic(env, seed, &term, &n);
    CHECK(!term);
    CHECK_EQ_INT(n, 200);
  }
  CHECK_MSG(total / 5 > -400, "mean return of the swing-up heuristic: %g", total / 5);
  rlc_env_destroy(env);
}

TEST(pendulum_render) {
  rlcEnv *env = make_env("Pendulum-v1", NULL);
  if (!env) return;
  float o[3];
  double r;
  bool term, trunc;
  CHECK_OK(rlc_env_reset(env, 0, o));
  const uint32_t colors[2] = {0xCC4D4D, 0x000000};  // rod, axle
  check_render(env, colors, 2);
  // After a strong torque the arrow adds black pixels away from the axle.
  const float u = 2.0f;
  CHECK_OK(rlc_env_step(env, &u, o, &r, &term, &trunc));
  int w = env->spec->render_width, h = env->spec->render_height;
  uint8_t *rgb = malloc((size_t)w * h * 3);
  CHECK_OK(rlc_env_render(env, NULL, rgb));
  long far_black = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      const uint8_t *p = rgb + ((size_t)y * w + x) * 3;
      if (!p[0] && !p[1] && !p[2] && hypot(x - w / 2.0, y - h / 2.0) > 20) far_black++;
    }
  CHECK_MSG(far_black > 100, "no torque arrow (%ld black pixels)", far_black);
  free(rgb);
  rlc_env_destroy(env);
}
