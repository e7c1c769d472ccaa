// test_envs_tabular.c: the tabular built-ins. GridWorld-v0 (its model against
// a direct computation, Q* against reference/gridworld5x5_qstar.txt, steps,
// time limit, options, render), ThreeStateMDP-v0 (the book's tables, impossible
// actions, Q-value iteration against reference/homl_mdp_qvalues.txt, sampled
// frequencies) and MarkovChain-v0 (termination, time limit, frequencies).
// The custom-env example is a program (examples/custom_env.c): tests/run_all.sh
// runs it.
#include <stdlib.h>

#include "test.h"

//------------------------------------------------------------------------------
// Helpers
//------------------------------------------------------------------------------

// Opens a reference file; a missing file is a failed check, never a silent pass.
static FILE *open_reference(const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", test_reference_dir(), name);
  FILE *f = fopen(path, "r");
  CHECK_MSG(f != NULL, "cannot open reference file %s (set RLC_REFERENCE_DIR)", path);
  return f;
}

// Synchronous Q-value iteration on a model: Q(s,a) = sum p (r + gamma max Q(s')),
// with max over possible actions and no bootstrap after a terminating entry.
// Impossible actions keep -inf. Runs `sweeps` sweeps (stopping early once
// nothing changes). q is (S, A).
static void q_iteration(const rlcMdp *m, double gamma, int sweeps, double *q) {
  int S = m->n_states, A = m->n_actions;
  double *v = malloc(sizeof(double) * S);
  for (int i = 0; i < S * A; i++) q[i] = m->valid[i] ? 0.0 : -INFINITY;
  for (int it = 0; it < sweeps; it++) {
    for (int s = 0; s < S; s++) {
      v[s] = -INFINITY;
      for (int a = 0; a < A; a++) v[s] = fmax(v[s], q[s * A + a]);
    }
    bool changed = false;
    for (int s = 0; s < S; s++)
      for (int a = 0; a < A; a++) {
        if (!m->valid[s * A + a]) continue;
        double total = 0;
        const rlcTransition *e = rlc_mdp_entries(m, s, a);
        for (int i = 0; i < rlc_mdp_count(m, s, a); i++)
          total += e[i].prob * (e[i].reward + (e[i].terminated ? 0.0 : gamma * v[e[i].next_state]));
        changed |= total != q[s * A + a];
        q[s * A + a] = total;
      }
    if (!changed) break;
  }
  free(v);
}

static uint8_t *pixel(uint8_t *rgb, int w, int x, int y) { return rgb + ((size_t)y * w + x) * 3; }

//------------------------------------------------------------------------------
// GridWorld-v0
//------------------------------------------------------------------------------

// The exercise's 5x5 world, written out independently of the env's code.
static void grid_expected(int s, int a, int *next, double *reward, bool *term) {
  const int dx[4] = {1, 0, -1, 0}, dy[4] = {0, 1, 0, -1};
  int x = s % 5, y = s / 5;
  bool terminal = s == 13 || s == 8 || s == 12;
  if (terminal) {
    *next = s, *reward = 0, *term = true;
    return;
  }
  int nx = x + dx[a], ny = y + dy[a];
  nx = nx < 0 ? 0 : nx > 4 ? 4 : nx;
  ny = ny < 0 ? 0 : ny > 4 ? 4 : ny;
  *next = ny * 5 + nx;
  *term = *next == 13 || *next == 8 || *next == 12;
  *reward = *next == 13 ? 100.0 : *term ? -100.0 : -1.0;
}

TEST(gridworld_spec_and_model) {
  rlcEnvSpec *spec;
  CHECK_OK(rlc_env_spec_create("GridWorld-v0", NULL, &spec));
  if (!spec) return;
  CHECK_EQ_INT(spec->observation_space.type, RLC_SPACE_DISCRETE);
  CHECK_EQ_INT(spec->observation_space.n, 25);
  CHECK_EQ_INT(spec->action_space.n, 4);
  CHECK_EQ_INT(spec->max_episode_steps, 100);
  CHECK(isnan(spec->reward_threshold));
  CHECK_EQ_INT(spec->render_width, 512);
  CHECK_EQ_INT(spec->render_height, 512);
  CHECK_EQ_INT(spec->render_fps, 4);
  const rlcMdp *m = rlc_spec_mdp(spec);
  CHECK(m != NULL);
  if (!m) return rlc_env_spec_destroy(spec);
  CHECK_EQ_INT(m->n_states, 25);
  CHECK_EQ_INT(m->n_actions, 4);
  CHECK(m->all_valid);
  for (int s = 0; s < 25; s++) {
    CHECK_NEAR(m->initial[s], s == 0 ? 1.0 : 0.0, 0);
    for (int a = 0; a < 4; a++) {
      int next;
      double r;
      bool term;
      grid_expected(s, a, &next, &r, &term);
      CHECK_EQ_INT(rlc_mdp_count(m, s, a), 1);
      const rlcTransition *e = rlc_mdp_entries(m, s, a);
      CHECK_MSG(e->prob == 1.0 && e->next_state == next && e->reward == r && e->terminated == term,
                "P[%d][%d] = (%g, %d, %g, %d), expected (1, %d, %g, %d)", s, a, e->prob,
                e->next_state, e->reward, e->terminated, next, r, term);
    }
  }
  rlc_env_spec_destroy(spec);
}

// Q* at gamma 0.9 from the reference file (terminal rows 0), into q (25, 4).
static bool read_gridworld_qstar(double *q) {
  FILE *f = open_reference("gridworld5x5_qstar.txt");
  if (!f) return false;
  char line[256];
  int count = 0;
  while (fgets(line, sizeof line, f)) {
    double gamma, value;
    int s, a, terminal;
    if (line[0] != 'Q' || sscanf(line, "Q %lf %d %d %d %lf", &gamma, &s, &a, &terminal, &value) != 5) continue;
    if (gamma == 0.9 && s >= 0 && s < 25 && a >= 0 && a < 4) q[s * 4 + a] = value, count++;
  }
  fclose(f);
  CHECK_MSG(count == 100, "gridworld5x5_qstar.txt: %d Q records for gamma 0.9, expected 100", count);
  return count == 100;
}

TEST(gridworld_value_iteration_matches_reference) {
  double ref[100], q[100];
  if (!read_gridworld_qstar(ref)) return;
  rlcEnvSpec *spec;
  CHECK_OK(rlc_env_spec_create("GridWorld-v0", NULL, &spec));
  if (!spec) return;
  q_iteration(rlc_spec_mdp(spec), 0.9, 1000, q);
  for (int i = 0; i < 100; i++)
    CHECK_MSG(fabs(q[i] - ref[i]) <= 1e-9, "Q*(%d, %d) = %.12g, reference %.12g", i / 4, i % 4, q[i], ref[i]);
  rlc_env_spec_destroy(spec);
}

TEST(gridworld_steps_follow_model) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("GridWorld-v0", NULL, &env));
  if (!env) return;
  const rlcMdp *m = rlc_spec_mdp(env->spec);
  rlcRng rng;
  rlc_rng_seed(&rng, 123);
  int32_t obs, prev;
  CHECK_OK(rlc_env_reset(env, 7, &obs));
  CHECK_EQ_INT(obs, 0);
  int episodes = 0, goals = 0;
  for (int t = 0; t < 20000; t++) {
    prev = obs;
    int32_t a = (int32_t)rlc_rng_integers(&rng, 0, 4);
    double r;
    bool term, trunc;
    CHECK_OK(rlc_env_step(env, &a, &obs, &r, &term, &trunc));
    const rlcTransition *e = rlc_mdp_entries(m, prev, a);
    CHECK_MSG(obs == e->next_state && r == e->reward && term == e->terminated,
              "step from %d with %d gave (%d, %g, %d), model says (%d, %g, %d)", prev, a, obs, r,
              term, e->next_state, e->reward, e->terminated);
    const rlcGridWorldState *st = rlc_env_unwrapped_state(env);
    CHECK_EQ_INT(st->y * 5 + st->x, obs);
    if (term || trunc) {
      episodes++;
      goals += obs == 13;
      CHECK_OK(rlc_env_reset(env, RLC_NO_SEED, &obs));
    }
  }
  CHECK(episodes > 100);
  CHECK(goals > 0);
  rlc_env_destroy(env);
}

TEST(gridworld_truncates_at_100_steps) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("GridWorld-v0", NULL, &env));
  if (!env) return;
  int32_t obs, left = 2;  // left from (0,0) bumps the wall forever
  CHECK_OK(rlc_env_reset(env, 0, &obs));
  for (int t = 1; t <= 100; t++) {
    double r;
    bool term, trunc;
    CHECK_OK(rlc_env_step(env, &left, &obs, &r, &term, &trunc));
    CHECK_EQ_INT(obs, 0);
    CHECK_NEAR(r, -1.0, 0);
    CHECK(!term);
    CHECK_EQ_INT(trunc, t == 100);
  }
  CHECK_NEAR(env->episode_return, -100.0, 0);
  CHECK_ERR(rlc_env_step(env, &left, &obs, NULL, NULL, NULL), RLC_ERR_STATE);
  rlc_env_destroy(env);
}

// Follows the heuristic from the start; returns the steps taken to terminate
// (-1 if it did not) and the final observation.
static int play_heuristic(rlcEnv *env, int32_t *last_obs, double *ret) {
  int32_t obs, a;
  CHECK_OK(rlc_env_reset(env, 0, &obs));
  for (int t = 1; t <= 10000; t++) {
    double r;
    bool term, trunc;
    CHECK_OK(rlc_env_heuristic(env, &obs, &a));
    if (rlc_env_step(env, &a, &obs, &r, &term, &trunc)) return -1;
    if (term || trunc) {
      *last_obs = obs;
      *ret = env->episode_return;
      return term ? t : -1;
    }
  }
  return -1;
}

TEST(gridworld_heuristic_reaches_goal) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("GridWorld-v0", NULL, &env));
  if (!env) return;
  int32_t last;
  double ret;
  CHECK_EQ_INT(play_heuristic(env, &last, &ret), 7);  // the 7-move optimal path
  CHECK_EQ_INT(last, 13);
  CHECK_NEAR(ret, 94.0, 0);
  rlc_env_destroy(env);
  // Larger grids: the shortest path around the reds (needs a longer limit at 100).
  CHECK_OK(rlc_env_create("GridWorld-v0", "size=100,max_episode_steps=1000", &env));
  if (!env) return;
  int steps = play_heuristic(env, &last, &ret);
  CHECK_EQ_INT(last, 50 * 100 + 74);
  CHECK_EQ_INT(steps, 74 + 50 + 2);  // the Manhattan distance, plus a detour round a red
  rlc_env_destroy(env);
}

TEST(gridworld_options) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("GridWorld-v0", "size=10,goal_reward=5,red_reward=-7,step_reward=-0.5", &env));
  if (env) {
    CHECK_EQ_INT(env->spec->observation_space.n, 100);
    const rlcMdp *m = rlc_spec_mdp(env->spec);
    // Goal (7,5) = 57, reds (7,4) = 47 and (6,5) = 56.
    const rlcTransition *e = rlc_mdp_entries(m, 58, 2);  // (8,5) left onto the goal
    CHECK(e->next_state == 57 && e->reward == 5.0 && e->terminated);
    e = rlc_mdp_entries(m, 37, 1);  // (7,3) down onto a red
    CHECK(e->next_state == 47 && e->reward == -7.0 && e->terminated);
    e = rlc_mdp_entries(m, 55, 0);  // (5,5) right onto the other red
    CHECK(e->next_state == 56 && e->reward == -7.0 && e->terminated);
    e = rlc_mdp_entries(m, 0, 0);
    CHECK(e->next_state == 1 && e->reward == -0.5 && !e->terminated);
    int terminals = 0;
    for (int s = 0; s < 100; s++) terminals += rlc_mdp_entries(m, s, 0)->next_state == s && rlc_mdp_entries(m, s, 0)->terminated;
    CHECK_EQ_INT(terminals, 3);
    int32_t last;
    double ret;
    CHECK_EQ_INT(play_heuristic(env, &last, &ret), 7 + 5 + 2);
    CHECK_EQ_INT(last, 57);
    rlc_env_destroy(env);
  }
  CHECK_OK(rlc_env_create("GridWorld-v0", "size=2", &env));
  rlc_env_destroy(env);
  const char *bad[] = {"size=1", "size=abc", "size=1001", "size=", "goal_reward=x", "step_reward=inf", "colour=blue"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rlcStatus s = rlc_env_create("GridWorld-v0", bad[i], &env);
    CHECK_MSG(s == RLC_ERR_ARG && env == NULL, "options '%s' gave %s", bad[i], rlc_status_name(s));
    const char *key = bad[i];
    char name[32];
    snprintf(name, sizeof name, "%.*s", (int)(strchr(key, '=') - key), key);
    CHECK_MSG(strstr(rlc_last_error(), name) != NULL, "error for '%s' does not name the option: %s", bad[i], rlc_last_error());
  }
}

static bool is_white(const uint8_t *p) { return p[0] == 255 && p[1] == 255 && p[2] == 255; }

TEST(gridworld_render) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("GridWorld-v0", NULL, &env));
  if (!env) return;
  const int W = 512, H = 512;
  uint8_t *plain = malloc((size_t)W * H * 3), *withq = malloc((size_t)W * H * 3);
  CHECK_OK(rlc_env_reset(env, 0, NULL));
  CHECK_OK(rlc_env_render(env, NULL, plain));
  double cell = W / 5.0;
  // Goal (3,2) green, red (3,1) red, agent (0,0) blue at its centre, an empty cell white.
  uint8_t *p = pixel(plain, W, (int)(3.5 * cell), (int)(2.5 * cell));
  CHECK_MSG(p[1] > 150 && p[0] < 100 && p[2] < 100, "goal centre is (%d,%d,%d)", p[0], p[1], p[2]);
  p = pixel(plain, W, (int)(3.5 * cell), (int)(1.5 * cell));
  CHECK_MSG(p[0] > 150 && p[1] < 100 && p[2] < 100, "red centre is (%d,%d,%d)", p[0], p[1], p[2]);
  p = pixel(plain, W, (int)(2.5 * cell), (int)(2.5 * cell));
  CHECK_MSG(p[0] > 150 && p[1] < 100 && p[2] < 100, "red centre is (%d,%d,%d)", p[0], p[1], p[2]);
  p = pixel(plain, W, (int)(0.5 * cell), (int)(0.5 * cell));
  CHECK_MSG(p[2] > 150 && p[0] < 100 && p[1] < 150, "agent centre is (%d,%d,%d)", p[0], p[1], p[2]);
  p = pixel(plain, W, (int)(1.5 * cell), (int)(1.5 * cell));
  CHECK(is_white(p));
  // Grid lines: black on a boundary, 3 px wide.
  p = pixel(plain, W, (int)cell, (int)(1.5 * cell));
  CHECK_MSG(p[0] < 60 && p[1] < 60 && p[2] < 60, "grid line is (%d,%d,%d)", p[0], p[1], p[2]);

  // With Q-values: text appears inside an otherwise empty cell (1,1).
  double q[100];
  q_iteration(rlc_spec_mdp(env->spec), 0.9, 1000, q);
  rlcRenderArgs args = {q, 25, 4};
  CHECK_OK(rlc_env_render(env, &args, withq));
  int inked_plain = 0, inked_q = 0;
  for (int y = (int)(cell + 4); y < (int)(2 * cell - 4); y++)
    for (int x = (int)(cell + 4); x < (int)(2 * cell - 4); x++) {
      inked_plain += !is_white(pixel(plain, W, x, y));
      inked_q += pixel(withq, W, x, y)[0] < 128;
    }
  CHECK_EQ_INT(inked_plain, 0);
  CHECK_MSG(inked_q > 50, "only %d text pixels in cell (1,1)", inked_q);
  // The goal's colour survives around its text.
  p = pixel(withq, W, (int)(3.5 * cell), (int)(2.5 * cell));
  CHECK(p[1] > 150 && p[0] < 100);

  // Q of the wrong shape is ignored: the frame equals the plain one.
  rlcRenderArgs wrong = {q, 24, 4};
  CHECK_OK(rlc_env_render(env, &wrong, withq));
  CHECK(memcmp(plain, withq, (size_t)W * H * 3) == 0);

  // The agent moves: after one step right it is at (1,0).
  int32_t right = 0;
  CHECK_OK(rlc_env_step(env, &right, NULL, NULL, NULL, NULL));
  CHECK_OK(rlc_env_render(env, NULL, plain));
  p = pixel(plain, W, (int)(1.5 * cell), (int)(0.5 * cell));
  CHECK(p[2] > 150 && p[0] < 100);
  CHECK(is_white(pixel(plain, W, (int)(0.5 * cell), (int)(0.5 * cell))));
  rlc_env_destroy(env);

  // Size 100: a 1024 px frame, cells of 10 px, no text, still renders.
  CHECK_OK(rlc_env_create("GridWorld-v0", "size=100", &env));
  if (env) {
    CHECK_EQ_INT(env->spec->render_width, 1024);
    double *q100 = calloc(10000 * 4, sizeof *q100);
    uint8_t *big = malloc(1024 * 1024 * 3);
    rlcRenderArgs a100 = {q100, 10000, 4};
    CHECK_OK(rlc_env_reset(env, 0, NULL));
    CHECK_OK(rlc_env_render(env, &a100, big));
    // Goal (74,50): cell of 10.24 px.
    p = pixel(big, 1024, (int)(74.5 * 10.24), (int)(50.5 * 10.24));
    CHECK_MSG(p[1] > 150 && p[0] < 100, "size 100 goal centre is (%d,%d,%d)", p[0], p[1], p[2]);
    free(big);
    free(q100);
    rlc_env_destroy(env);
  }
  free(plain);
  free(withq);
}

// Pixels of the agent's colour in a box of the frame.
static int agent_pixels(uint8_t *rgb, int w, double x0, double y0, double x1, double y1) {
  int n = 0;
  for (int y = (int)y0; y < (int)y1; y++)
    for (int x = (int)x0; x < (int)x1; x++) {
      uint8_t *p = pixel(rgb, w, x, y);
      n += p[2] > 150 && p[0] < 100 && p[1] < 150;
    }
  return n;
}

// Q-values at size 10 (a larger frame keeps them readable), and at size 5 the
// agent's disc leaves its own cell's four values uncovered.
TEST(gridworld_render_q_sizes) {
  for (int size = 5; size <= 10; size += 5) {
    char opt[32];
    snprintf(opt, sizeof opt, "size=%d", size);
    rlcEnv *env;
    CHECK_OK(rlc_env_create("GridWorld-v0", opt, &env));
    if (!env) return;
    const int W = env->spec->render_width, S = size * size;
    CHECK_MSG(W / size >= 80, "size %d: cells of %d px", size, W / size);
    uint8_t *rgb = malloc((size_t)W * W * 3);
    double *q = calloc((size_t)S * 4, sizeof *q);
    for (int i = 0; i < S * 4; i++) q[i] = -0.99;
    rlcRenderArgs args = {q, S, 4};
    CHECK_OK(rlc_env_reset(env, 0, NULL));  // the agent at (0, 0)
    CHECK_OK(rlc_env_render(env, &args, rgb));
    double cell = (double)W / size;
    // Text in the empty cell (1, 1).
    int ink = 0;
    for (int y = (int)(cell + 4); y < (int)(2 * cell - 4); y++)
      for (int x = (int)(cell + 4); x < (int)(2 * cell - 4); x++) ink += pixel(rgb, W, x, y)[0] < 128;
    CHECK_MSG(ink > 50, "size %d: only %d text pixels in cell (1,1)", size, ink);
    // The agent's cell: its disc stays clear of the left/right values' bands
    // and of the top/bottom ones, and is still there.
    double mid = cell / 2, band = cell * 0.1;
    CHECK_EQ_INT(agent_pixels(rgb, W, 2, mid - band, cell * 0.38, mid + band), 0);
    CHECK_EQ_INT(agent_pixels(rgb, W, cell * 0.62, mid - band, cell - 2, mid + band), 0);
    CHECK_EQ_INT(agent_pixels(rgb, W, mid - band * 2, 2, mid + band * 2, cell * 0.2), 0);
    CHECK_EQ_INT(agent_pixels(rgb, W, mid - band * 2, cell * 0.8, mid + band * 2, cell - 2), 0);
    CHECK(agent_pixels(rgb, W, mid - 3, mid - 3, mid + 3, mid + 3) > 20);
    free(q);
    free(rgb);
    rlc_env_destroy(env);
  }
}

//------------------------------------------------------------------------------
// ThreeStateMDP-v0
//------------------------------------------------------------------------------

static const double BOOK_T[3][3][3] = {
    {{0.7, 0.3, 0.0}, {1.0, 0.0, 0.0}, {0.8, 0.2, 0.0}},
    {{0.0, 1.0, 0.0}, {0.0, 0.0, 0.0}, {0.0, 0.0, 1.0}},
    {{0.0, 0.0, 0.0}, {0.8, 0.1, 0.1}, {0.0, 0.0, 0.0}},
};
static const double BOOK_R[3][3][3] = {
    {{+10, 0, 0}, {0, 0, 0}, {0, 0, 0}},
    {{0, 0, 0}, {0, 0, 0}, {0, 0, -50}},
    {{0, 0, 0}, {+40, 0, 0}, {0, 0, 0}},
};
static const bool BOOK_POSSIBLE[3][3] = {{1, 1, 1}, {1, 0, 1}, {0, 1, 0}};

TEST(mdp_model_is_the_books) {
  rlcEnvSpec *spec;
  CHECK_OK(rlc_env_spec_create("ThreeStateMDP-v0", NULL, &spec));
  if (!spec) return;
  CHECK_EQ_INT(spec->observation_space.n, 3);
  CHECK_EQ_INT(spec->action_space.n, 3);
  CHECK_EQ_INT(spec->max_episode_steps, 1000);
  const rlcMdp *m = rlc_spec_mdp(spec);
  CHECK(!m->all_valid);
  CHECK_NEAR(m->initial[0], 1.0, 0);
  for (int s = 0; s < 3; s++)
    for (int a = 0; a < 3; a++) {
      CHECK_EQ_INT(m->valid[s * 3 + a], BOOK_POSSIBLE[s][a]);
      int k = 0;
      const rlcTransition *e = rlc_mdp_entries(m, s, a);
      for (int t = 0; t < 3; t++) {
        if (BOOK_T[s][a][t] == 0) continue;
        CHECK_MSG(k < rlc_mdp_count(m, s, a), "P[%d][%d] is missing s'=%d", s, a, t);
        if (k >= rlc_mdp_count(m, s, a)) break;
        CHECK_MSG(e[k].next_state == t && e[k].prob == BOOK_T[s][a][t] && e[k].reward == BOOK_R[s][a][t] &&
                      !e[k].terminated,
                  "P[%d][%d][%d] = (%g, %d, %g, %d)", s, a, k, e[k].prob, e[k].next_state, e[k].reward,
                  e[k].terminated);
        k++;
      }
      CHECK_EQ_INT(rlc_mdp_count(m, s, a), k);
    }
  rlc_env_spec_destroy(spec);
}

TEST(mdp_impossible_actions_are_errors) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("ThreeStateMDP-v0", NULL, &env));
  if (!env) return;
  int32_t obs, a0 = 0, a1 = 1, a2 = 2;
  bool mask[3];
  CHECK_OK(rlc_env_reset(env, 3, &obs));
  CHECK_OK(rlc_env_action_mask(env, mask));
  CHECK(mask[0] && mask[1] && mask[2]);
  // s0 --a0--> s1 with probability 0.3: step until there.
  for (int t = 0; t < 200 && obs != 1; t++) CHECK_OK(rlc_env_step(env, &a0, &obs, NULL, NULL, NULL));
  CHECK_EQ_INT(obs, 1);
  CHECK_OK(rlc_env_action_mask(env, mask));
  CHECK(mask[0] && !mask[1] && mask[2]);
  CHECK_ERR(rlc_env_step(env, &a1, &obs, NULL, NULL, NULL), RLC_ERR_ARG);
  CHECK_MSG(strstr(rlc_last_error(), "not possible") != NULL, "error text: %s", rlc_last_error());
  int len = env->episode_length;  // the rejected step counted nothing
  CHECK_EQ_INT(((rlcTabularState *)rlc_env_unwrapped_state(env))->s, 1);
  // Still usable: s1 --a2--> s2 for sure, reward -50.
  double r;
  bool term, trunc;
  CHECK_OK(rlc_env_step(env, &a2, &obs, &r, &term, &trunc));
  CHECK_EQ_INT(env->episode_length, len + 1);
  CHECK_EQ_INT(obs, 2);
  CHECK_NEAR(r, -50.0, 0);
  CHECK(!term && !trunc);
  CHECK_OK(rlc_env_action_mask(env, mask));
  CHECK(!mask[0] && mask[1] && !mask[2]);
  CHECK_ERR(rlc_env_step(env, &a0, &obs, NULL, NULL, NULL), RLC_ERR_ARG);
  CHECK_ERR(rlc_env_step(env, &a2, &obs, NULL, NULL, NULL), RLC_ERR_ARG);
  CHECK_OK(rlc_env_step(env, &a1, &obs, NULL, NULL, NULL));
  // The heuristic is the optimal policy at gamma 0.90.
  int32_t s, a;
  for (s = 0; s < 3; s++) {
    CHECK_OK(rlc_env_heuristic(env, &s, &a));
    CHECK_EQ_INT(a, s == 2 ? 1 : 0);
  }
  rlc_env_destroy(env);
}

TEST(mdp_q_iteration_matches_reference) {
  rlcEnvSpec *spec;
  CHECK_OK(rlc_env_spec_create("ThreeStateMDP-v0", NULL, &spec));
  if (!spec) return;
  const double gammas[2] = {0.90, 0.95};
  double q[2][9], ref[2][9];
  bool ref_valid[2][9];
  int count[2] = {0, 0};
  for (int g = 0; g < 2; g++) q_iteration(rlc_spec_mdp(spec), gammas[g], 1000, q[g]);
  FILE *f = open_reference("homl_mdp_qvalues.txt");
  if (!f) return rlc_env_spec_destroy(spec);
  char line[256], value[64];
  while (fgets(line, sizeof line, f)) {
    double gamma;
    int s, a, valid;
    // "Q gamma s a valid value" (not Q50, which is the unconverged 50-sweep value).
    if (strncmp(line, "Q ", 2) || sscanf(line, "Q %lf %d %d %d %63s", &gamma, &s, &a, &valid, value) != 5) continue;
    int g = gamma == 0.90 ? 0 : gamma == 0.95 ? 1 : -1;
    if (g < 0 || s < 0 || s > 2 || a < 0 || a > 2) continue;
    ref[g][s * 3 + a] = strtod(value, NULL);  // "-inf" for impossible actions
    ref_valid[g][s * 3 + a] = valid;
    count[g]++;
  }
  fclose(f);
  CHECK_MSG(count[0] == 9 && count[1] == 9, "homl_mdp_qvalues.txt: %d and %d Q records, expected 9 and 9", count[0], count[1]);
  for (int g = 0; g < 2 && count[g] == 9; g++)
    for (int i = 0; i < 9; i++) {
      CHECK_EQ_INT(ref_valid[g][i], rlc_spec_mdp(spec)->valid[i]);
      if (isinf(ref[g][i])) CHECK_MSG(isinf(q[g][i]) && q[g][i] < 0, "Q(%d,%d) at %.2f should be -inf", i / 3, i % 3, gammas[g]);
      else CHECK_MSG(fabs(q[g][i] - ref[g][i]) <= 1e-9, "Q(%d,%d) at %.2f = %.15g, reference %.15g", i / 3, i % 3, gammas[g], q[g][i], ref[g][i]);
    }
  rlc_env_spec_destroy(spec);
}

// Counts (s, a, s') over a long seeded walk with uniformly random possible
// actions and compares the frequencies with the model: within 5 standard
// errors plus a little (the seed is fixed, so this is deterministic).
TEST(mdp_sampled_frequencies) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("ThreeStateMDP-v0", "max_episode_steps=0", &env));
  if (!env) return;
  CHECK_EQ_INT(env->spec->max_episode_steps, 0);
  static int count[3][3][3];
  memset(count, 0, sizeof count);
  rlcRng rng;
  rlc_rng_seed(&rng, 5);
  int32_t obs;
  CHECK_OK(rlc_env_reset(env, 11, &obs));
  for (int t = 0; t < 300000; t++) {
    static const int possible[3][3] = {{0, 1, 2}, {0, 2}, {1}}, n_possible[3] = {3, 2, 1};
    int s = obs;
    int32_t a = possible[s][rlc_rng_integers(&rng, 0, n_possible[s])];
    double r;
    bool term, trunc;
    CHECK_OK(rlc_env_step(env, &a, &obs, &r, &term, &trunc));
    CHECK(!term && !trunc);
    CHECK_NEAR(r, BOOK_R[s][a][obs], 0);
    count[s][a][obs]++;
  }
  for (int s = 0; s < 3; s++)
    for (int a = 0; a < 3; a++) {
      int n = count[s][a][0] + count[s][a][1] + count[s][a][2];
      if (!BOOK_POSSIBLE[s][a]) {
        CHECK_EQ_INT(n, 0);
        continue;
      }
      CHECK_MSG(n > 5000, "only %d samples of (%d, %d)", n, s, a);
      for (int t = 0; t < 3; t++) {
        double p = BOOK_T[s][a][t], freq = (double)count[s][a][t] / n;
        CHECK_MSG(fabs(freq - p) <= 5 * sqrt(p * (1 - p) / n) + 1e-12, "T(%d,%d,%d): %.4f vs %.2f (n %d)", s, a, t, freq, p, n);
      }
    }
  rlc_env_destroy(env);
}

TEST(mdp_render) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("ThreeStateMDP-v0", NULL, &env));
  if (!env) return;
  CHECK_EQ_INT(env->spec->render_width, 480);
  CHECK_EQ_INT(env->spec->render_height, 320);
  CHECK_EQ_INT(env->spec->render_fps, 2);
  size_t bytes = 480 * 320 * 3;
  uint8_t *a = malloc(bytes), *b = malloc(bytes);
  int32_t obs, a2 = 0;
  CHECK_OK(rlc_env_reset(env, 3, &obs));
  CHECK_OK(rlc_env_render(env, NULL, a));
  int dark = 0;
  for (size_t i = 0; i < bytes; i += 3) dark += a[i] < 100 && a[i + 1] < 100 && a[i + 2] < 100;
  CHECK_MSG(dark > 500, "only %d dark pixels in the diagram", dark);
  // A new state highlights another node.
  for (int t = 0; t < 200 && obs == 0; t++) CHECK_OK(rlc_env_step(env, &a2, &obs, NULL, NULL, NULL));
  CHECK_OK(rlc_env_render(env, NULL, b));
  CHECK(memcmp(a, b, bytes) != 0);
  free(a);
  free(b);
  rlc_env_destroy(env);
}

//------------------------------------------------------------------------------
// MarkovChain-v0
//------------------------------------------------------------------------------

static const double CHAIN[4][4] = {{0.7, 0.2, 0, 0.1}, {0, 0, 0.9, 0.1}, {0, 1, 0, 0}, {0, 0, 0, 1}};

TEST(chain_model) {
  rlcEnvSpec *spec;
  CHECK_OK(rlc_env_spec_create("MarkovChain-v0", NULL, &spec));
  if (!spec) return;
  CHECK_EQ_INT(spec->observation_space.n, 4);
  CHECK_EQ_INT(spec->action_space.n, 1);
  CHECK_EQ_INT(spec->max_episode_steps, 49);
  const rlcMdp *m = rlc_spec_mdp(spec);
  CHECK(m->all_valid);
  for (int s = 0; s < 4; s++) {
    const rlcTransition *e = rlc_mdp_entries(m, s, 0);
    int k = 0;
    for (int t = 0; t < 4; t++) {
      if (CHAIN[s][t] == 0) continue;
      if (k >= rlc_mdp_count(m, s, 0)) break;
      CHECK(e[k].next_state == t && e[k].prob == CHAIN[s][t] && e[k].reward == 0 && e[k].terminated == (t == 3));
      k++;
    }
    CHECK_EQ_INT(rlc_mdp_count(m, s, 0), k);
  }
  rlc_env_spec_destroy(spec);
}

// Episodes end by entering s3 (terminated) or after 49 steps (truncated, 50
// states shown); transition frequencies match P.
TEST(chain_episodes_and_frequencies) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("MarkovChain-v0", NULL, &env));
  if (!env) return;
  static int count[4][4];
  memset(count, 0, sizeof count);
  int terminated_eps = 0, truncated_eps = 0;
  int32_t obs, a = 0, h;
  CHECK_OK(rlc_env_heuristic(env, &a, &h));
  CHECK_EQ_INT(h, 0);
  for (int ep = 0; ep < 20000; ep++) {
    CHECK_OK(rlc_env_reset(env, ep == 0 ? 1 : RLC_NO_SEED, &obs));
    CHECK_EQ_INT(obs, 0);
    for (int t = 1;; t++) {
      int s = obs;
      double r;
      bool term, trunc;
      if (rlc_env_step(env, &a, &obs, &r, &term, &trunc)) {
        CHECK_MSG(false, "step failed: %s", rlc_last_error());
        break;
      }
      count[s][obs]++;
      CHECK_NEAR(r, 0.0, 0);
      CHECK_EQ_INT(term, obs == 3);
      CHECK_EQ_INT(trunc, t == 49);  // the time limit, exactly at step 49
      if (term || trunc) {
        terminated_eps += term;
        truncated_eps += trunc && !term;
        break;
      }
      if (t > 49) {
        CHECK_MSG(false, "episode ran past 49 steps");
        break;
      }
    }
  }
  CHECK(terminated_eps > 0 && truncated_eps > 0);
  for (int s = 0; s < 3; s++) {
    int n = count[s][0] + count[s][1] + count[s][2] + count[s][3];
    CHECK_MSG(n > 10000, "only %d samples from s%d", n, s);
    for (int t = 0; t < 4; t++) {
      double p = CHAIN[s][t], freq = (double)count[s][t] / n;
      CHECK_MSG(fabs(freq - p) <= 5 * sqrt(p * (1 - p) / n) + 1e-12, "P(%d,%d): %.4f vs %.2f (n %d)", s, t, freq, p, n);
    }
  }
  rlc_env_destroy(env);
}

TEST(chain_render) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("MarkovChain-v0", NULL, &env));
  if (!env) return;
  CHECK_EQ_INT(env->spec->render_width, 480);
  CHECK_EQ_INT(env->spec->render_height, 320);
  uint8_t *rgb = malloc(480 * 320 * 3);
  CHECK_OK(rlc_env_reset(env, 0, NULL));
  CHECK_OK(rlc_env_render(env, NULL, rgb));
  int dark = 0;
  for (size_t i = 0; i < 480 * 320 * 3; i += 3) dark += rgb[i] < 100 && rgb[i + 1] < 100 && rgb[i + 2] < 100;
  CHECK_MSG(dark > 500, "only %d dark pixels in the diagram", dark);
  free(rgb);
  rlc_env_destroy(env);
}
