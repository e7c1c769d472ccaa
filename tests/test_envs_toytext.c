// test_envs_toytext.c: the toy-text built-ins. FrozenLake (maps, custom desc
// and its errors, generate_random_map against numpy's maps, slippery
// statistics, options, resets drawn like Gymnasium, heuristic, render),
// CliffWalking (model, heuristic, slippery, no time limit, render), Taxi
// (encoding, reset distribution, action mask, rainy model, heuristic, render)
// and Blackjack (reset draws, natural/sab rules, dealer, heuristic, render).
// The step-for-step comparison with Gymnasium is tests/reference_toytext.c.
#include <stdlib.h>

#include "test.h"

//------------------------------------------------------------------------------
// Helpers
//------------------------------------------------------------------------------

static const rlcMdp *model(const rlcEnv *env) { return rlc_spec_mdp(rlc_spec_unwrapped(env->spec)); }

static rlcToyTextState *toy(rlcEnv *env) { return rlc_env_unwrapped_state(env); }

static const uint8_t *px(const uint8_t *rgb, int w, int x, int y) { return rgb + ((size_t)y * w + x) * 3; }

// Renders the env's current state into a fresh buffer (caller frees).
static uint8_t *render(rlcEnv *env) {
  size_t n = (size_t)env->spec->render_width * env->spec->render_height * 3;
  uint8_t *rgb = malloc(n);
  CHECK_OK(rlc_env_render(env, NULL, rgb));
  return rgb;
}

// The map a FrozenLake model encodes: S where the start distribution is, H/G
// for absorbing tiles (G when some move into it pays 1), F elsewhere.
static void lake_letters(const rlcMdp *m, char *out) {
  for (int s = 0; s < m->n_states; s++) {
    const rlcTransition *e = rlc_mdp_entries(m, s, 0);
    bool absorbing = rlc_mdp_count(m, s, 0) == 1 && e->next_state == s && e->terminated;
    bool paid = false;
    for (int i = 0; i < m->first[m->n_states * m->n_actions]; i++) paid |= m->tr[i].next_state == s && m->tr[i].reward == 1.0;
    out[s] = m->initial[s] > 0 ? 'S' : absorbing ? (paid ? 'G' : 'H') : 'F';
  }
  out[m->n_states] = 0;
}

// Plays the heuristic from reset(seed) until the episode ends; returns the return.
static double play_heuristic(rlcEnv *env, int64_t seed, int *steps, bool *terminated) {
  int32_t obs[4], action[4];
  double reward, ret = 0;
  bool term = false, trunc = false;
  CHECK_OK(rlc_env_reset(env, seed, obs));
  *steps = 0;
  while (!term && !trunc && *steps < 100000) {
    CHECK_OK(rlc_env_heuristic(env, obs, action));
    CHECK_OK(rlc_env_step(env, action, obs, &reward, &term, &trunc));
    ret += reward;
    ++*steps;
  }
  *terminated = term;
  return ret;
}

//------------------------------------------------------------------------------
// FrozenLake
//------------------------------------------------------------------------------

TEST(frozenlake_registered_maps) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("FrozenLake-v1", NULL, &env));
  if (!env) return;
  char map[1024];
  lake_letters(model(env), map);
  CHECK(!strcmp(map, "SFFFFHFHFFFHHFFG"));
  CHECK_EQ_INT(env->spec->max_episode_steps, 100);
  CHECK_NEAR(env->spec->reward_threshold, 0.70, 0);
  CHECK_EQ_INT(env->spec->render_width, 256);
  CHECK_EQ_INT(env->spec->render_height, 256);
  CHECK_EQ_INT(env->spec->render_fps, 4);
  // Slippery by default: three entries, Gymnasium's doubles.
  const rlcTransition *e = rlc_mdp_entries(model(env), 0, 1);
  CHECK_EQ_INT(rlc_mdp_count(model(env), 0, 1), 3);
  CHECK(e[0].prob == (1.0 - 1.0 / 3.0) / 2.0 && e[1].prob == 1.0 / 3.0 && e[2].prob == e[0].prob);
  rlc_env_destroy(env);

  CHECK_OK(rlc_env_create("FrozenLake8x8-v1", "is_slippery=false", &env));
  if (!env) return;
  lake_letters(model(env), map);
  CHECK(!strcmp(map, "SFFFFFFFFFFFFFFFFFFHFFFFFFFFFHFFFFFHFFFFFHHFFFHFFHFFHFHFFFFHFFFG"));
  CHECK_EQ_INT(env->spec->max_episode_steps, 200);
  CHECK_EQ_INT(env->spec->render_width, 512);
  CHECK_EQ_INT(rlc_mdp_count(model(env), 0, 1), 1);
  rlc_env_destroy(env);
}

TEST(frozenlake_custom_desc) {
  // Row separators ';', '/', ',' and quoted rows all give the same map.
  const char *opts[] = {"desc=[SFH;FFH;HFG]", "desc=[SFH/FFH/HFG]", "desc=[SFH,FFH,HFG]", "desc=['SFH', 'FFH', 'HFG']"};
  for (int i = 0; i < 4; i++) {
    char o[128];
    snprintf(o, sizeof o, "%s,is_slippery=false", opts[i]);
    rlcEnv *env;
    CHECK_OK(rlc_env_create("FrozenLake-v1", o, &env));
    if (!env) continue;
    char map[64];
    lake_letters(model(env), map);
    CHECK_MSG(!strcmp(map, "SFHFFHHFG"), "%s -> %s", o, map);
    CHECK_EQ_INT(env->spec->render_width, 192);
    // RIGHT from 1 falls into the hole at 2: terminated, reward 0.
    const rlcTransition *e = rlc_mdp_entries(model(env), 1, 2);
    CHECK(e->next_state == 2 && e->terminated && e->reward == 0.0);
    rlc_env_destroy(env);
  }
  // Rectangular maps are fine: 2 rows of 4.
  rlcEnv *env;
  CHECK_OK(rlc_env_create("FrozenLake-v1", "desc=[SFFH;FFFG]", &env));
  if (env) {
    CHECK_EQ_INT(env->spec->observation_space.n, 8);
    CHECK_EQ_INT(env->spec->render_width, 256);
    CHECK_EQ_INT(env->spec->render_height, 128);
    rlc_env_destroy(env);
  }
}

TEST(frozenlake_bad_options) {
  const char *bad[] = {
      "desc=[FFF;FHF;FFG]",       // no start
      "desc=[SFF;FHF;FFF]",       // no goal
      "desc=[SFF;FH;FFG]",        // ragged
      "desc=[SFF;FXF;FFG]",       // unknown tile
      "desc=[]",                  // empty
      "desc=[SFF;FFG",            // unclosed bracket
      "desc=[SF;FG],size=4",      // two maps
      "map_name=5x5",
      "success_rate=1.5",
      "size=1",
      "size=8,p=0",
      "reward_schedule=[1;0]",
      "reward_schedule=[1;0;x]",
      "is_slippery=maybe",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rlcEnv *env = NULL;
    rlcStatus s = rlc_env_create("FrozenLake-v1", bad[i], &env);
    CHECK_MSG(s == RLC_ERR_ARG, "%s -> %s", bad[i], rlc_status_name(s));
    CHECK(strlen(rlc_last_error()) > 0);
    rlc_env_destroy(env);
  }
}

TEST(frozenlake_random_maps) {
  // The same maps as Gymnasium's generate_random_map(size, p, seed) (made with
  // numpy 1.24's Generator).
  struct {
    const char *opts, *map;
  } known[] = {
      {"size=4,p=0.5,map_seed=1", "SFFHHHFFHFHFHHHG"},
      {"size=8,p=0.8,map_seed=0", "SFFFHHFFFHHFHFFFHFFFFFFFFFHHFFFFFFFFFHHFFFFFFHFFFHFFHFFFFFFFFFFG"},
      {"size=12,p=0.5,map_seed=7",
       "SHFHHFFFFFFFFFFHFHHHFHHHHFFFFFFFHFHFHFFHHHHFFFFFHFFHHHHFHFFFFFHHHFFFHFFH"
       "FFHHFHHFHFHHFHFHFFFFHHFHFFFFFFHHHHHFFHFFFFFFFFHHFFHHHFHHFFFFFHFHFFFFFHHG"},
  };
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
    rlcEnv *env;
    CHECK_OK(rlc_env_create("FrozenLake-v1", known[i].opts, &env));
    if (!env) continue;
    char map[1024];
    lake_letters(model(env), map);
    CHECK_MSG(!strcmp(map, known[i].map), "%s: %s", known[i].opts, map);
    rlc_env_destroy(env);
  }
  // Any seed: a path from S to G exists (the heuristic walks it without
  // slipping), and the same seed gives the same map.
  for (int seed = 0; seed < 10; seed++) {
    char o[96], a[512], b[512];
    snprintf(o, sizeof o, "size=15,p=0.7,map_seed=%d,is_slippery=false,max_episode_steps=0", seed);
    rlcEnv *e1, *e2;
    CHECK_OK(rlc_env_create("FrozenLake-v1", o, &e1));
    CHECK_OK(rlc_env_create("FrozenLake-v1", o, &e2));
    if (!e1 || !e2) return;
    lake_letters(model(e1), a);
    lake_letters(model(e2), b);
    CHECK(!strcmp(a, b) && a[0] == 'S' && a[15 * 15 - 1] == 'G');
    int steps;
    bool term;
    double ret = play_heuristic(e1, 0, &steps, &term);
    CHECK_MSG(term && ret == 1.0, "seed %d: return %g after %d steps", seed, ret, steps);
    rlc_env_destroy(e1);
    rlc_env_destroy(e2);
  }
  rlcEnv *e1, *e2;
  CHECK_OK(rlc_env_create("FrozenLake-v1", "size=10,map_seed=1", &e1));
  CHECK_OK(rlc_env_create("FrozenLake-v1", "size=10,map_seed=2", &e2));
  if (e1 && e2) {
    char a[128], b[128];
    lake_letters(model(e1), a);
    lake_letters(model(e2), b);
    CHECK(strcmp(a, b) != 0);
    CHECK_EQ_INT(e1->spec->render_width, 512);  // min(64 * 10, 512)
  }
  rlc_env_destroy(e1);
  rlc_env_destroy(e2);
  // map_name=random is Gymnasium's map_name=None: a random 8x8 map.
  CHECK_OK(rlc_env_create("FrozenLake-v1", "map_name=random", &e1));
  if (e1) CHECK_EQ_INT(e1->spec->observation_space.n, 64);
  rlc_env_destroy(e1);
}

// From state 6 (row 1, col 2) DOWN slips LEFT into the hole 5, goes DOWN to
// 10, or slips RIGHT into the hole 7.
static void slip_counts(const char *opts, int n, int counts[16]) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("FrozenLake-v1", opts, &env));
  if (!env) return;
  memset(counts, 0, sizeof(int) * 16);
  CHECK_OK(rlc_env_reset(env, 42, NULL));
  for (int i = 0; i < n; i++) {
    CHECK_OK(rlc_env_reset(env, RLC_NO_SEED, NULL));
    toy(env)->s = 6;
    int32_t a = 1, obs;
    CHECK_OK(rlc_env_step(env, &a, &obs, NULL, NULL, NULL));
    if (obs >= 0 && obs < 16) counts[obs]++;
  }
  rlc_env_destroy(env);
}

TEST(frozenlake_slippery_statistics) {
  int counts[16], n = 30000;
  slip_counts(NULL, n, counts);
  CHECK_EQ_INT(counts[5] + counts[10] + counts[7], n);
  CHECK_NEAR(counts[5] / (double)n, 1 / 3.0, 0.015);
  CHECK_NEAR(counts[10] / (double)n, 1 / 3.0, 0.015);
  CHECK_NEAR(counts[7] / (double)n, 1 / 3.0, 0.015);
  slip_counts("success_rate=0.8", n, counts);
  CHECK_NEAR(counts[10] / (double)n, 0.8, 0.015);
  CHECK_NEAR(counts[5] / (double)n, 0.1, 0.01);
  slip_counts("is_slippery=false", 1000, counts);
  CHECK_EQ_INT(counts[10], 1000);
}

// Gymnasium's step, written out: i = np.argmax(np.cumsum(probs) > random())
// over P[s][a], from a copy of the env's np_random.
static int gymnasium_next(const rlcMdp *m, int s, int a, rlcRng rng) {
  const rlcTransition *e = rlc_mdp_entries(m, s, a);
  double u = rlc_rng_random(&rng), c = 0;
  for (int i = 0; i < rlc_mdp_count(m, s, a); i++)
    if ((c += e[i].prob) > u) return e[i].next_state;
  return e[0].next_state;  // argmax of all False
}

TEST(frozenlake_step_is_categorical_sample) {
  const char *ids[] = {"FrozenLake-v1", "FrozenLake8x8-v1", "Taxi-v4", "CliffWalking-v1"};
  const char *opts[] = {"success_rate=0.7", NULL, "is_rainy=true", "is_slippery=true"};
  for (int k = 0; k < 4; k++) {
    rlcEnv *env;
    char o[128];
    snprintf(o, sizeof o, "%s%smax_episode_steps=0", opts[k] ? opts[k] : "", opts[k] ? "," : "");
    CHECK_OK(rlc_env_create(ids[k], o, &env));
    if (!env) continue;
    const rlcMdp *m = model(env);
    rlcRng pick;
    rlc_rng_seed(&pick, 5);
    CHECK_OK(rlc_env_reset(env, 11, NULL));
    int mismatches = 0;
    for (int t = 0; t < 5000; t++) {
      int s = (int)rlc_rng_integers(&pick, 0, m->n_states);
      int32_t a = (int32_t)rlc_rng_integers(&pick, 0, m->n_actions), obs;
      bool term = false;
      toy(env)->s = s;
      int want = gymnasium_next(m, s, a, env->rng);
      CHECK_OK(rlc_env_step(env, &a, &obs, NULL, &term, NULL));
      mismatches += obs != want;
      if (term) CHECK_OK(rlc_env_reset(env, RLC_NO_SEED, NULL));
    }
    CHECK_MSG(mismatches == 0, "%s: %d steps differ from categorical_sample", ids[k], mismatches);
    rlc_env_destroy(env);
  }
}

TEST(frozenlake_reward_schedule) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("FrozenLake-v1", "is_slippery=false,reward_schedule=[10;-1;-0.25]", &env));
  if (!env) return;
  int32_t obs, right = 2, down = 1;
  double r;
  bool term, trunc;
  CHECK_OK(rlc_env_reset(env, 0, &obs));
  CHECK_OK(rlc_env_step(env, &right, &obs, &r, &term, &trunc));  // 0 -> 1 (F)
  CHECK(obs == 1 && r == -0.25 && !term);
  CHECK_OK(rlc_env_step(env, &down, &obs, &r, &term, &trunc));  // 1 -> 5 (H)
  CHECK(obs == 5 && r == -1.0 && term);
  CHECK_OK(rlc_env_reset(env, 0, &obs));
  toy(env)->s = 14;
  CHECK_OK(rlc_env_step(env, &right, &obs, &r, &term, &trunc));  // 14 -> 15 (G)
  CHECK(obs == 15 && r == 10.0 && term);
  // G and H rows stay Gymnasium's (1.0, s, 0, True) whatever the schedule.
  const rlcTransition *e = rlc_mdp_entries(model(env), 5, 0);
  CHECK(e->next_state == 5 && e->reward == 0.0 && e->terminated);
  rlc_env_destroy(env);
}

// reset() is categorical_sample over the start tiles and every step draws
// once: with two S tiles, the start after k steps follows the (k+2)-th draw.
TEST(frozenlake_draws_like_gymnasium) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("FrozenLake-v1", "desc=[SFFS;FFFF;FFFG],is_slippery=false", &env));
  if (!env) return;
  for (int64_t seed = 0; seed < 20; seed++) {
    rlcRng rng;
    rlc_rng_seed(&rng, (uint64_t)seed);
    int32_t obs, left = 0;
    CHECK_OK(rlc_env_reset(env, seed, &obs));
    CHECK_EQ_INT(obs, rlc_rng_random(&rng) < 0.5 ? 0 : 3);
    for (int k = 0; k < (int)seed % 4; k++) {
      CHECK_OK(rlc_env_step(env, &left, NULL, NULL, NULL, NULL));
      rlc_rng_random(&rng);
    }
    CHECK_OK(rlc_env_reset(env, RLC_NO_SEED, &obs));
    CHECK_EQ_INT(obs, rlc_rng_random(&rng) < 0.5 ? 0 : 3);
  }
  rlc_env_destroy(env);
}

TEST(frozenlake_heuristic_reaches_goal) {
  const char *ids[] = {"FrozenLake-v1", "FrozenLake8x8-v1"};
  for (int i = 0; i < 2; i++) {
    rlcEnv *env;
    CHECK_OK(rlc_env_create(ids[i], "is_slippery=false", &env));
    if (!env) continue;
    int steps;
    bool term;
    double ret = play_heuristic(env, 0, &steps, &term);
    CHECK_MSG(term && ret == 1.0 && steps == (i ? 14 : 6), "%s: return %g in %d steps", ids[i], ret, steps);
    rlc_env_destroy(env);
  }
}

TEST(frozenlake_render) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("FrozenLake-v1", "is_slippery=false", &env));
  if (!env) return;
  CHECK_OK(rlc_env_reset(env, 0, NULL));
  uint8_t *rgb = render(env);
  const int W = 256;
  const uint8_t *hole = px(rgb, W, 64 + 32, 64 + 32), *ice = px(rgb, W, 128 + 6, 6), *gift = px(rgb, W, 192 + 20, 192 + 45);
  CHECK_MSG(hole[0] < 60 && hole[1] < 80 && hole[2] < 110, "hole %d %d %d", hole[0], hole[1], hole[2]);
  CHECK_MSG(ice[2] > 200 && ice[0] > 150 && ice[2] >= ice[0], "ice %d %d %d", ice[0], ice[1], ice[2]);
  CHECK_MSG(gift[1] > gift[0] + 50 && gift[1] > gift[2] + 50, "gift %d %d %d", gift[0], gift[1], gift[2]);
  const uint8_t *hat = px(rgb, W, 32, 16);  // the elf stands on the start
  CHECK_MSG(hat[0] > 180 && hat[1] < 80, "hat %d %d %d", hat[0], hat[1], hat[2]);
  free(rgb);
  // In a hole: the cracked hole (with the hat afloat), not the elf.
  toy(env)->s = 5;
  rgb = render(env);
  hat = px(rgb, W, 64 + 32, 64 + 32);
  CHECK_MSG(hat[0] > 180 && hat[1] < 80, "hat in hole %d %d %d", hat[0], hat[1], hat[2]);
  free(rgb);
  rlc_env_destroy(env);
}

//------------------------------------------------------------------------------
// CliffWalking
//------------------------------------------------------------------------------

TEST(cliff_model_and_steps) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("CliffWalking-v1", NULL, &env));
  if (!env) return;
  CHECK_EQ_INT(env->spec->max_episode_steps, 0);  // Gymnasium registers no TimeLimit
  CHECK_EQ_INT(env->spec->render_width, 720);
  CHECK_EQ_INT(env->spec->render_height, 240);
  int32_t obs, up = 0, right = 1, down = 2;
  double r;
  bool term, trunc;
  CHECK_OK(rlc_env_reset(env, 0, &obs));
  CHECK_EQ_INT(obs, 36);
  CHECK_OK(rlc_env_step(env, &right, &obs, &r, &term, &trunc));  // into the cliff
  CHECK(obs == 36 && r == -100.0 && !term && !trunc);
  CHECK_OK(rlc_env_step(env, &up, &obs, &r, &term, &trunc));
  CHECK(obs == 24 && r == -1.0 && !term);
  toy(env)->s = 35;
  CHECK_OK(rlc_env_step(env, &down, &obs, &r, &term, &trunc));
  CHECK(obs == 47 && r == -1.0 && term);
  // A long walk never truncates: no time limit.
  CHECK_OK(rlc_env_reset(env, 0, &obs));
  for (int t = 0; t < 1000; t++) {
    int32_t a = t % 2 ? 0 : 2;  // up and down at the start
    CHECK_OK(rlc_env_step(env, &a, &obs, &r, &term, &trunc));
    if (term || trunc) break;
  }
  CHECK(!term && !trunc);
  rlc_env_destroy(env);
  // max_episode_steps adds a limit on request.
  CHECK_OK(rlc_env_create("CliffWalking-v1", "max_episode_steps=50", &env));
  if (env) CHECK_EQ_INT(env->spec->max_episode_steps, 50);
  rlc_env_destroy(env);
}

TEST(cliff_heuristic_optimal) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("CliffWalking-v1", NULL, &env));
  if (!env) return;
  int steps;
  bool term;
  double ret = play_heuristic(env, 3, &steps, &term);
  CHECK_MSG(term && steps == 13 && ret == -13.0, "return %g in %d steps", ret, steps);
  rlc_env_destroy(env);
}

TEST(cliff_slippery) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("CliffWalking-v1", "is_slippery=true", &env));
  if (!env) return;
  const rlcMdp *m = model(env);
  // From 25 (row 2, col 1) DOWN: RIGHT to 26, DOWN into the cliff, LEFT to 24.
  CHECK_EQ_INT(rlc_mdp_count(m, 25, 2), 3);
  const rlcTransition *e = rlc_mdp_entries(m, 25, 2);
  CHECK(e[0].next_state == 26 && e[1].next_state == 36 && e[1].reward == -100.0 && e[2].next_state == 24);
  CHECK(e[0].prob == 1.0 / 3.0 && e[1].prob == 1.0 / 3.0 && e[2].prob == 1.0 / 3.0);
  int counts[48] = {0}, n = 30000;
  CHECK_OK(rlc_env_reset(env, 7, NULL));
  for (int i = 0; i < n; i++) {
    toy(env)->s = 25;
    int32_t a = 2, obs;
    bool term;
    CHECK_OK(rlc_env_step(env, &a, &obs, NULL, &term, NULL));
    if (obs >= 0 && obs < 48) counts[obs]++;
  }
  CHECK_NEAR(counts[26] / (double)n, 1 / 3.0, 0.015);
  CHECK_NEAR(counts[36] / (double)n, 1 / 3.0, 0.015);
  CHECK_NEAR(counts[24] / (double)n, 1 / 3.0, 0.015);
  rlc_env_destroy(env);
}

TEST(cliff_render) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("CliffWalking-v1", NULL, &env));
  if (!env) return;
  CHECK_OK(rlc_env_reset(env, 0, NULL));
  uint8_t *rgb = render(env);
  const uint8_t *cliff = px(rgb, 720, 5 * 60 + 30, 3 * 60 + 50), *meadow = px(rgb, 720, 6 * 60 + 5, 5);
  const uint8_t *cookie = px(rgb, 720, 11 * 60 + 45, 3 * 60 + 20);
  CHECK_MSG(cliff[0] < 100 && cliff[1] < 100, "cliff %d %d %d", cliff[0], cliff[1], cliff[2]);
  CHECK_MSG(meadow[1] > 150 && meadow[1] > meadow[2] + 50, "meadow %d %d %d", meadow[0], meadow[1], meadow[2]);
  CHECK_MSG(cookie[0] > 150 && cookie[0] > cookie[2] + 60, "cookie %d %d %d", cookie[0], cookie[1], cookie[2]);
  free(rgb);
  rlc_env_destroy(env);
}

//------------------------------------------------------------------------------
// Taxi
//------------------------------------------------------------------------------

TEST(taxi_encode_decode) {
  CHECK_EQ_INT(rlc_taxi_encode(3, 1, 2, 0), 328);  // Gymnasium's docstring example
  for (int s = 0; s < 500; s++) {
    int r, c, p, d;
    rlc_taxi_decode(s, &r, &c, &p, &d);
    CHECK(r >= 0 && r < 5 && c >= 0 && c < 5 && p >= 0 && p < 5 && d >= 0 && d < 4);
    CHECK_EQ_INT(rlc_taxi_encode(r, c, p, d), s);
  }
}

TEST(taxi_reset_distribution) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("Taxi-v3", NULL, &env));
  if (!env) return;
  int32_t obs;
  CHECK_OK(rlc_env_reset(env, 0, &obs));
  CHECK_EQ_INT(obs, 314);  // Gymnasium's reset(seed=0)
  static int seen[500];
  memset(seen, 0, sizeof seen);
  for (int i = 0; i < 6000; i++) {
    CHECK_OK(rlc_env_reset(env, RLC_NO_SEED, &obs));
    if (obs >= 0 && obs < 500) seen[obs]++;
  }
  int valid = 0, invalid_hits = 0;
  for (int s = 0; s < 500; s++) {
    int r, c, p, d;
    rlc_taxi_decode(s, &r, &c, &p, &d);
    bool ok = p < 4 && p != d;
    valid += ok && seen[s] > 0;
    invalid_hits += !ok && seen[s] > 0;
    CHECK_NEAR(model(env)->initial[s], ok ? 1.0 / 300 : 0.0, 0);
  }
  CHECK_EQ_INT(valid, 300);
  CHECK_EQ_INT(invalid_hits, 0);
  rlc_env_destroy(env);
}

TEST(taxi_action_mask) {
  int8_t m[6];
  rlc_taxi_action_mask(rlc_taxi_encode(0, 0, 0, 1), m);  // at R with the passenger there
  int8_t want1[6] = {1, 0, 1, 0, 1, 0};
  CHECK(!memcmp(m, want1, 6));
  rlc_taxi_action_mask(rlc_taxi_encode(4, 3, 4, 0), m);  // at B carrying the passenger (dest R)
  int8_t want2[6] = {0, 1, 1, 0, 0, 1};                  // west of B is a wall
  CHECK(!memcmp(m, want2, 6));
  rlc_taxi_action_mask(rlc_taxi_encode(2, 2, 1, 3), m);  // open road
  int8_t want3[6] = {1, 1, 1, 1, 0, 0};
  CHECK(!memcmp(m, want3, 6));
}

TEST(taxi_dynamics_and_options) {
  rlcEnv *v3, *v4, *rainy;
  CHECK_OK(rlc_env_create("Taxi-v3", NULL, &v3));
  CHECK_OK(rlc_env_create("Taxi-v4", NULL, &v4));
  CHECK_OK(rlc_env_create("Taxi-v4", "is_rainy=true,max_episode_steps=0", &rainy));
  if (!v3 || !v4 || !rainy) return;
  const rlcMdp *a = model(v3), *b = model(v4), *m = model(rainy);
  CHECK_EQ_INT(a->first[3000], 3000);
  CHECK(!memcmp(a->first, b->first, sizeof(int) * 3001));
  for (int i = 0; i < 3000; i++) {
    CHECK(a->tr[i].next_state == b->tr[i].next_state && a->tr[i].reward == b->tr[i].reward);
    if (a->tr[i].next_state != b->tr[i].next_state) break;
  }
  CHECK_EQ_INT(v3->spec->max_episode_steps, 200);
  CHECK_NEAR(v3->spec->reward_threshold, 8.0, 0);
  // Dry: pickup at the passenger, illegal dropoff, delivery.
  int s = rlc_taxi_encode(0, 0, 0, 1);
  const rlcTransition *e = rlc_mdp_entries(a, s, 4);
  CHECK(e->next_state == rlc_taxi_encode(0, 0, 4, 1) && e->reward == -1.0 && !e->terminated);
  e = rlc_mdp_entries(a, s, 5);
  CHECK(e->next_state == s && e->reward == -10.0);
  e = rlc_mdp_entries(a, rlc_taxi_encode(0, 4, 4, 1), 5);
  CHECK(e->next_state == rlc_taxi_encode(0, 4, 1, 1) && e->reward == 20.0 && e->terminated);
  // Rainy: moves slip to either side; (1 - 0.8) / 2 is Gymnasium's double.
  s = rlc_taxi_encode(2, 2, 0, 1);
  CHECK_EQ_INT(rlc_mdp_count(m, s, 0), 3);
  e = rlc_mdp_entries(m, s, 0);  // south: intended (3,2), east (2,3), west (2,1)
  CHECK(e[0].prob == 0.8 && e[1].prob == 0.09999999999999998 && e[2].prob == e[1].prob);
  CHECK(e[0].next_state == rlc_taxi_encode(3, 2, 0, 1) && e[1].next_state == rlc_taxi_encode(2, 3, 0, 1) &&
        e[2].next_state == rlc_taxi_encode(2, 1, 0, 1));
  CHECK_EQ_INT(rlc_mdp_count(m, s, 4), 1);
  int counts[500] = {0}, n = 20000;
  CHECK_OK(rlc_env_reset(rainy, 1, NULL));
  for (int i = 0; i < n; i++) {
    toy(rainy)->s = s;
    int32_t south = 0, obs;
    CHECK_OK(rlc_env_step(rainy, &south, &obs, NULL, NULL, NULL));
    if (obs >= 0 && obs < 500) counts[obs]++;
  }
  CHECK_NEAR(counts[rlc_taxi_encode(3, 2, 0, 1)] / (double)n, 0.8, 0.015);
  CHECK_NEAR(counts[rlc_taxi_encode(2, 3, 0, 1)] / (double)n, 0.1, 0.01);
  rlc_env_destroy(v3);
  rlc_env_destroy(v4);
  rlc_env_destroy(rainy);
  rlcEnv *env = NULL;
  CHECK_ERR(rlc_env_create("Taxi-v4", "fickle_passenger=true", &env), RLC_ERR_UNSUPPORTED);
  CHECK_OK(rlc_env_create("Taxi-v4", "fickle_passenger=false", &env));
  rlc_env_destroy(env);
}

TEST(taxi_heuristic_delivers) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("Taxi-v3", NULL, &env));
  if (!env) return;
  double total = 0;
  for (int seed = 0; seed < 100; seed++) {
    int steps;
    bool term;
    double ret = play_heuristic(env, seed, &steps, &term);
    CHECK_MSG(term && steps <= 18 && ret == 20.0 - (steps - 1), "seed %d: return %g in %d steps", seed, ret, steps);
    total += ret;
  }
  CHECK_MSG(total / 100 > 7.0, "mean return %g", total / 100);  // about Gymnasium's threshold, 8
  rlc_env_destroy(env);
  // Rainy: it still delivers, more slowly.
  CHECK_OK(rlc_env_create("Taxi-v4", "is_rainy=true", &env));
  if (!env) return;
  for (int seed = 0; seed < 20; seed++) {
    int steps;
    bool term;
    play_heuristic(env, seed, &steps, &term);
    CHECK_MSG(term, "rainy seed %d: no delivery in %d steps", seed, steps);
  }
  rlc_env_destroy(env);
}

TEST(taxi_render) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("Taxi-v3", NULL, &env));
  if (!env) return;
  CHECK_OK(rlc_env_reset(env, 0, NULL));
  CHECK_EQ_INT(env->spec->render_width, 550);
  CHECK_EQ_INT(env->spec->render_height, 350);
  toy(env)->s = rlc_taxi_encode(2, 2, 2, 1);  // taxi mid-board, passenger at Y, going to G
  uint8_t *rgb = render(env);
  const uint8_t *r = px(rgb, 550, 50 + 45, 50 + 45), *b = px(rgb, 550, 350 + 45, 250 + 45);
  const uint8_t *cab = px(rgb, 550, 250 + 25, 150 + 30), *wall = px(rgb, 550, 25, 150);
  CHECK_MSG(r[0] > 200 && r[1] < 160, "R %d %d %d", r[0], r[1], r[2]);
  CHECK_MSG(b[2] > 200 && b[0] < 160, "B %d %d %d", b[0], b[1], b[2]);
  CHECK_MSG(cab[0] > 200 && cab[1] > 150 && cab[2] < 80, "cab %d %d %d", cab[0], cab[1], cab[2]);
  CHECK_MSG(wall[0] < 120 && wall[1] < 120, "wall %d %d %d", wall[0], wall[1], wall[2]);
  free(rgb);
  rlc_env_destroy(env);
}

//------------------------------------------------------------------------------
// Blackjack
//------------------------------------------------------------------------------

static rlcBlackjackState *hands(rlcEnv *env) { return rlc_env_unwrapped_state(env); }

static void set_hands(rlcEnv *env, const int8_t *player, int np, const int8_t *dealer, int nd) {
  rlcBlackjackState *st = hands(env);
  memcpy(st->player, player, (size_t)np);
  memcpy(st->dealer, dealer, (size_t)nd);
  st->n_player = np;
  st->n_dealer = nd;
}

static double stick(rlcEnv *env, const int8_t *player, const int8_t *dealer) {
  int32_t obs[3], a = 0;
  double r = NAN;
  bool term = false;
  CHECK_OK(rlc_env_reset(env, 0, obs));
  set_hands(env, player, 2, dealer, 2);
  CHECK_OK(rlc_env_step(env, &a, obs, &r, &term, NULL));
  CHECK(term);
  return r;
}

TEST(blackjack_reset_draws) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("Blackjack-v1", NULL, &env));
  if (!env) return;
  CHECK_EQ_INT(env->spec->max_episode_steps, 0);
  CHECK_EQ_INT(env->spec->observation_space.type, RLC_SPACE_MULTI_DISCRETE);
  static const int8_t deck[13] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 10};
  for (int64_t seed = 0; seed < 50; seed++) {
    rlcRng rng;
    rlc_rng_seed(&rng, (uint64_t)seed);
    int8_t cards[4];
    for (int i = 0; i < 4; i++) cards[i] = deck[rlc_rng_integers(&rng, 0, 13)];
    int32_t obs[3];
    CHECK_OK(rlc_env_reset(env, seed, obs));
    const rlcBlackjackState *st = hands(env);
    CHECK(st->n_dealer == 2 && st->dealer[0] == cards[0] && st->dealer[1] == cards[1]);
    CHECK(st->n_player == 2 && st->player[0] == cards[2] && st->player[1] == cards[3]);
    bool ace = cards[2] == 1 || cards[3] == 1;
    CHECK_EQ_INT(obs[0], cards[2] + cards[3] + (ace ? 10 : 0));
    CHECK_EQ_INT(obs[1], cards[0]);
    CHECK_EQ_INT(obs[2], ace);
    CHECK(st->dealer_suit >= 0 && st->dealer_suit < 4 && (st->dealer_face >= 0) == (cards[0] == 10));
  }
  // Gymnasium's R record for seed 0: dealer [10, 9], player [7, 4].
  int32_t obs[3];
  CHECK_OK(rlc_env_reset(env, 0, obs));
  CHECK(obs[0] == 11 && obs[1] == 10 && obs[2] == 0 && hands(env)->player[0] == 7 && hands(env)->dealer[1] == 9);
  rlc_env_destroy(env);
}

TEST(blackjack_rules) {
  static const int8_t natural[2] = {1, 10}, twenty[2] = {10, 10}, seventeen[2] = {10, 7}, soft17[2] = {1, 6};
  rlcEnv *sab, *plain, *nat;
  CHECK_OK(rlc_env_create("Blackjack-v1", NULL, &sab));  // registered default: sab=True
  CHECK_OK(rlc_env_create("Blackjack-v1", "sab=false", &plain));
  CHECK_OK(rlc_env_create("Blackjack-v1", "sab=false,natural=true", &nat));
  if (!sab || !plain || !nat) return;
  CHECK(stick(plain, twenty, seventeen) == 1.0);
  CHECK(stick(plain, seventeen, twenty) == -1.0);
  CHECK(stick(plain, seventeen, seventeen) == 0.0);
  CHECK(stick(plain, natural, seventeen) == 1.0);
  CHECK(stick(nat, natural, seventeen) == 1.5);    // a winning natural pays 3:2
  CHECK(stick(nat, twenty, seventeen) == 1.0);     // only naturals
  CHECK(stick(nat, natural, natural) == 0.0);      // a draw stays a draw
  CHECK(stick(sab, natural, seventeen) == 1.0);
  CHECK(stick(sab, natural, natural) == 0.0);
  // The dealer stands on soft 17: no card drawn.
  stick(plain, twenty, soft17);
  CHECK_EQ_INT(hands(plain)->n_dealer, 2);
  // A hit: bust ends the hand with -1, else 0 and the hand goes on.
  for (int64_t seed = 0; seed < 30; seed++) {
    int32_t obs[3], hit = 1;
    double r;
    bool term;
    CHECK_OK(rlc_env_reset(plain, seed, obs));
    static const int8_t nineteen[2] = {10, 9};
    set_hands(plain, nineteen, 2, seventeen, 2);
    CHECK_OK(rlc_env_step(plain, &hit, obs, &r, &term, NULL));
    int card = hands(plain)->player[2];
    CHECK_EQ_INT(hands(plain)->n_player, 3);
    CHECK(term == (19 + card > 21) && r == (term ? -1.0 : 0.0) && obs[0] == 19 + card);
  }
  // A usable ace counts 11 until it would bust.
  int32_t obs[3], hit = 1;
  CHECK_OK(rlc_env_reset(plain, 0, obs));
  set_hands(plain, soft17, 2, seventeen, 2);
  hands(plain)->player[2] = 10, hands(plain)->n_player = 3;  // A, 6, 10 = hard 17
  CHECK_OK(rlc_env_step(plain, &hit, obs, NULL, NULL, NULL));
  CHECK_EQ_INT(obs[2], 0);
  rlc_env_destroy(sab);
  rlc_env_destroy(plain);
  rlc_env_destroy(nat);
}

TEST(blackjack_heuristic) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("Blackjack-v1", NULL, &env));
  if (!env) return;
  int32_t obs[3] = {20, 5, 0}, a;
  CHECK_OK(rlc_env_heuristic(env, obs, &a));
  CHECK_EQ_INT(a, 0);
  obs[0] = 19;
  CHECK_OK(rlc_env_heuristic(env, obs, &a));
  CHECK_EQ_INT(a, 1);
  double total = 0;
  for (int seed = 0; seed < 2000; seed++) {
    int steps;
    bool term;
    total += play_heuristic(env, seed, &steps, &term);
    CHECK(term && steps <= 12);
  }
  // The example policy loses: about -0.35 a hand (200000 hands with rlc play).
  CHECK_MSG(total / 2000 < 0.0 && total / 2000 > -0.5, "mean return %g", total / 2000);
  rlc_env_destroy(env);
}

TEST(blackjack_render) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("Blackjack-v1", NULL, &env));
  if (!env) return;
  CHECK_OK(rlc_env_reset(env, 0, NULL));
  CHECK_EQ_INT(env->spec->render_width, 600);
  CHECK_EQ_INT(env->spec->render_height, 500);
  uint8_t *rgb = render(env);
  const uint8_t *table = px(rgb, 600, 5, 495), *card = px(rgb, 600, 230, 130), *back = px(rgb, 600, 345, 80);
  CHECK_MSG(table[0] == 7 && table[1] == 99 && table[2] == 36, "table %d %d %d", table[0], table[1], table[2]);
  CHECK_MSG(card[0] > 240 && card[1] > 240 && card[2] > 240, "card %d %d %d", card[0], card[1], card[2]);
  CHECK_MSG(back[2] > 130 && back[0] < 80, "hole card %d %d %d", back[0], back[1], back[2]);
  free(rgb);
  rlc_env_destroy(env);
}
