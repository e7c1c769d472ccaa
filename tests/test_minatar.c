// test_minatar.c: the MinAtar env class around the five games: ids, spaces
// and action sets, seeding (reset(seed) is MinAtar's env.seed(seed)), the
// sticky action, options and their errors, plain-data states, the render.
// The games' own rules are in tests/test_minatar_<game>.c; the recordings are
// replayed by build/test_reference.
#include <stdlib.h>

#include "env/envs/minatar.h"
#include "test.h"

static const struct {
  const char *id;
  int channels, n_minimal;
} games[] = {
    {"MinAtar/Asterix-v1", 4, 5},  {"MinAtar/Breakout-v1", 4, 3},      {"MinAtar/Freeway-v1", 7, 3},
    {"MinAtar/Seaquest-v1", 10, 6}, {"MinAtar/SpaceInvaders-v1", 6, 4},
};
#define N_GAMES (int)(sizeof games / sizeof games[0])

TEST(minatar_ids_spaces_and_action_sets) {
  for (int i = 0; i < N_GAMES; i++) {
    for (int full = 0; full < 2; full++) {
      char id[64];
      snprintf(id, sizeof id, "%s", games[i].id);
      if (full) id[strlen(id) - 1] = '0';  // -v0: all six actions
      rlcEnv *env = NULL;
      CHECK_OK(rlc_env_create(id, NULL, &env));
      if (!env) continue;
      const rlcSpace *os = &env->spec->observation_space, *as = &env->spec->action_space;
      CHECK_MSG(os->type == RLC_SPACE_BOX && os->dtype == RLC_U8 && os->ndim == 3 && os->shape[0] == 10 &&
                    os->shape[1] == 10 && os->shape[2] == games[i].channels,
                "%s: observation space", id);
      CHECK_MSG(as->type == RLC_SPACE_DISCRETE && as->n == (full ? 6 : games[i].n_minimal), "%s: %d actions", id,
                as->n);
      CHECK_EQ_INT(env->spec->max_episode_steps, 0);
      const rlcMinAtarGame *g = minatar_game_of(env->spec);
      CHECK(g && g->channels == games[i].channels);
      rlc_env_destroy(env);
    }
  }
}

// Steps env with a fixed action sequence; returns a checksum of everything seen.
static uint64_t run_actions(rlcEnv *env, int64_t seed, int steps) {
  uint8_t obs[1000];
  uint64_t h = 1469598103934665603ull;
  CHECK_OK(rlc_env_reset(env, seed, obs));
  int n = env->spec->action_space.n;
  for (int t = 0; t < steps; t++) {
    int32_t a = (int32_t)((t * 7 + t / 3) % n);
    double r;
    bool term, trunc;
    if (rlc_env_step(env, &a, obs, &r, &term, &trunc)) break;
    for (size_t k = 0; k < rlc_space_bytes(&env->spec->observation_space); k++) h = (h ^ obs[k]) * 1099511628211ull;
    h = (h ^ (uint64_t)(int64_t)r) * 1099511628211ull;
    if (term || trunc) CHECK_OK(rlc_env_reset(env, RLC_NO_SEED, obs));
  }
  return h;
}

TEST(minatar_seeding_is_reproducible) {
  for (int i = 0; i < N_GAMES; i++) {
    rlcEnv *a = NULL, *b = NULL;
    CHECK_OK(rlc_env_create(games[i].id, NULL, &a));
    CHECK_OK(rlc_env_create(games[i].id, NULL, &b));
    if (!a || !b) continue;
    uint64_t h1 = run_actions(a, 5, 300), h2 = run_actions(b, 5, 300);
    CHECK_MSG(h1 == h2, "%s: the same seed gave two runs", games[i].id);
    // reset(seed) starts over like a fresh env (last_action back to 0).
    CHECK_MSG(run_actions(a, 5, 300) == h1, "%s: reseeding did not start over", games[i].id);
    rlc_env_destroy(a);
    rlc_env_destroy(b);
  }
}

// The state is plain data: a copy continues exactly like the original.
TEST(minatar_state_copies_continue_alike) {
  for (int i = 0; i < N_GAMES; i++) {
    rlcEnv *a = NULL, *b = NULL;
    CHECK_OK(rlc_env_create(games[i].id, NULL, &a));
    CHECK_OK(rlc_env_create(games[i].id, NULL, &b));
    if (!a || !b) continue;
    run_actions(a, 11, 57);
    CHECK_OK(rlc_env_reset(b, 0, NULL));
    memcpy(b->state, a->state, a->spec->state_size);
    b->in_episode = a->in_episode;
    uint8_t oa[1000], ob[1000];
    for (int t = 0; t < 200 && a->in_episode; t++) {
      int32_t act = t % a->spec->action_space.n;
      double ra, rb;
      bool ta, tb, ua, ub;
      CHECK_OK(rlc_env_step(a, &act, oa, &ra, &ta, &ua));
      CHECK_OK(rlc_env_step(b, &act, ob, &rb, &tb, &ub));
      CHECK_MSG(ra == rb && ta == tb && !memcmp(oa, ob, rlc_space_bytes(&a->spec->observation_space)),
                "%s: the copy diverged at step %d", games[i].id, t);
      if (ta) break;
    }
    rlc_env_destroy(a);
    rlc_env_destroy(b);
  }
}

// With probability 1 every step repeats the previous action, which starts as
// noop: Breakout's paddle (channel 0, row 9) never leaves its start column.
TEST(minatar_sticky_action) {
  rlcEnv *env = NULL;
  CHECK_OK(rlc_env_create("MinAtar/Breakout-v1", "sticky_action_prob=1", &env));
  if (!env) return;
  uint8_t obs[400];
  CHECK_OK(rlc_env_reset(env, 3, obs));
  int start = -1;
  for (int x = 0; x < 10; x++)
    if (obs[(9 * 10 + x) * 4 + 0]) start = x;
  rlcMinAtarState *s = rlc_env_unwrapped_state(env);
  for (int t = 0; t < 20; t++) {
    int32_t right = 2;
    double r;
    bool term, trunc;
    CHECK_OK(rlc_env_step(env, &right, obs, &r, &term, &trunc));
    CHECK_EQ_INT(s->last_action, 0);
    CHECK_MSG(obs[(9 * 10 + start) * 4 + 0], "step %d: the paddle moved", t);
    if (term) break;
  }
  rlc_env_destroy(env);
}

TEST(minatar_bad_options) {
  const char *bad[] = {"sticky_action_prob=1.5", "sticky_action_prob=-0.1", "sticky_action_prob=nan",
                       "difficulty_ramping=maybe", "lives=3"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rlcEnv *env = NULL;
    CHECK_MSG(rlc_env_create("MinAtar/Asterix-v1", bad[i], &env) != RLC_OK, "%s was accepted", bad[i]);
    rlc_env_destroy(env);
  }
  rlcEnv *env = NULL;
  int32_t a = 5;  // -v1 Breakout has 3 actions
  CHECK_OK(rlc_env_create("MinAtar/Breakout-v1", NULL, &env));
  if (!env) return;
  CHECK_OK(rlc_env_reset(env, 0, NULL));
  double r;
  bool term, trunc;
  CHECK_ERR(rlc_env_step(env, &a, NULL, &r, &term, &trunc), RLC_ERR_ARG);
  rlc_env_destroy(env);
}

// The grid in MinAtar's colors: black where nothing is, each channel's
// palette color where it is the top channel.
TEST(minatar_render) {
  rlcEnv *env = NULL;
  CHECK_OK(rlc_env_create("MinAtar/Breakout-v1", NULL, &env));
  if (!env) return;
  uint8_t obs[400];
  CHECK_OK(rlc_env_reset(env, 0, obs));
  int w = env->spec->render_width, h = env->spec->render_height;
  CHECK(w == 320 && h == 320);
  uint8_t *rgb = malloc((size_t)w * h * 3);
  CHECK_OK(rlc_env_render(env, NULL, rgb));
  // Cell (y, x) is drawn at the center of its 32x32 square.
  for (int y = 0; y < 10; y++)
    for (int x = 0; x < 10; x++) {
      const uint8_t *p = rgb + ((size_t)(y * 32 + 16) * w + x * 32 + 16) * 3;
      bool any = false;
      for (int c = 0; c < 4; c++) any |= obs[(y * 10 + x) * 4 + c] != 0;
      CHECK_MSG(any == (p[0] || p[1] || p[2]), "cell (%d, %d): drawn %d, occupied %d", y, x, p[0] || p[1] || p[2],
                any);
    }
  free(rgb);
  rlc_env_destroy(env);
}

// A vector env seeds each copy's RandomState as reset(seed + i) would.
TEST(minatar_vector_env_seeds_each_copy) {
  rlcVecEnvDef def = rlc_vec_env_default_def();
  def.num_envs = 3;
  rlcVecEnv *v = NULL;
  CHECK_OK(rlc_vec_env_create("MinAtar/Freeway-v1", NULL, &def, &v));
  if (!v) return;
  CHECK_OK(rlc_vec_env_reset(v, 40));
  for (int i = 0; i < 3; i++) {
    rlcEnv *env = NULL;
    CHECK_OK(rlc_env_create("MinAtar/Freeway-v1", NULL, &env));
    if (!env) continue;
    uint8_t obs[700];
    CHECK_OK(rlc_env_reset(env, 40 + i, obs));
    CHECK_MSG(!memcmp(obs, (uint8_t *)v->obs + (size_t)i * 700, 700), "copy %d starts elsewhere", i);
    rlc_env_destroy(env);
  }
  rlc_vec_env_destroy(v);
}

// `rlc play --policy heuristic`: Breakout follows the ball, Freeway presses
// up, SpaceInvaders aims, fires and dodges; each scores well above random
// play over the same seeds (Asterix and Seaquest have none: noop).
static double mean_return(const char *id, bool heuristic) {
  rlcEnv *env = NULL;
  CHECK_OK(rlc_env_create(id, NULL, &env));
  if (!env) return 0;
  rlcRng rng;
  rlc_rng_seed(&rng, 9);
  uint8_t obs[1000];
  double total = 0;
  for (int ep = 0; ep < 10; ep++) {
    bool term = false, trunc = false;
    CHECK_OK(rlc_env_reset(env, ep, obs));
    for (int t = 0; t < 5000 && !term && !trunc; t++) {
      int32_t a;
      if (heuristic) CHECK_OK(rlc_env_heuristic(env, obs, &a));
      else a = (int32_t)rlc_rng_integers(&rng, 0, env->spec->action_space.n);
      double r;
      CHECK_OK(rlc_env_step(env, &a, obs, &r, &term, &trunc));
      total += r;
    }
  }
  rlc_env_destroy(env);
  return total / 10;
}

TEST(minatar_heuristics_beat_random_play) {
  const char *ids[] = {"MinAtar/Breakout-v1", "MinAtar/Freeway-v1", "MinAtar/SpaceInvaders-v1", "MinAtar/Freeway-v0"};
  for (int i = 0; i < 4; i++) {
    double h = mean_return(ids[i], true), r = mean_return(ids[i], false);
    CHECK_MSG(h > 2 * r + 2, "%s: heuristic %.2f, random %.2f", ids[i], h, r);
  }
}
