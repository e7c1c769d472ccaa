// test_lunarlander.c: LunarLander-v3 beyond the reference replay
// (tests/reference_lunarlander.c): option errors, the heuristic landing, copies
// and saved states that continue exactly (the world is rebuilt by replaying
// the episode), crafted saved states refused, many episodes through the
// vector env (ASan under SANITIZE=1). tests/test_run.c resumes runs on it.
#include <string.h>

#include "rlc/envs.h"
#include "test.h"

TEST(lunarlander_options_refused) {
  static const char *bad[] = {"gravity=0", "gravity=-12", "gravity=-12.5", "wind_power=20.5", "wind_power=-1",
                              "turbulence_power=2.5", "turbulence_power=-0.1", "continuous=maybe", "gravity=nan"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rlcEnv *env = NULL;
    rlcStatus s = rlc_env_create("LunarLander-v3", bad[i], &env);
    CHECK_MSG(s == RLC_ERR_ARG && !strchr(rlc_last_error(), '\n'), "%s: status %d (%s)", bad[i], s, rlc_last_error());
    rlc_env_destroy(env);
  }
  rlcEnv *env = NULL;
  CHECK_OK(rlc_env_create("LunarLander-v3", "gravity=-11.99,enable_wind=true,wind_power=20,turbulence_power=0", &env));
  rlc_env_destroy(env);
}

// Gymnasium's heuristic lands: over 20 seeds, most episodes come to rest with
// a return above 200 (the reference's rate is 92%).
TEST(lunarlander_heuristic_lands) {
  for (int cont = 0; cont < 2; cont++) {
    rlcEnv *env;
    CHECK_OK(rlc_env_create(cont ? "LunarLanderContinuous-v3" : "LunarLander-v3", NULL, &env));
    int landed = 0;
    for (int seed = 0; seed < 20; seed++) {
      float obs[8];
      double ret = 0, r = 0;
      bool term = false, trunc = false;
      rlc_env_reset(env, seed, obs);
      while (!term && !trunc) {
        union {
          int32_t d;
          float c[2];
        } a;
        CHECK_OK(rlc_env_heuristic(env, obs, &a));
        CHECK_OK(rlc_env_step(env, &a, obs, &r, &term, &trunc));
        ret += r;
      }
      landed += term && r == 100 && ret > 200;
    }
    CHECK_MSG(landed >= 16, "continuous=%d: %d of 20 landed", cont, landed);
    rlc_env_destroy(env);
  }
}

// Runs `steps` random steps and returns a hash of the observations and rewards.
static uint64_t run_hash(rlcEnv *env, rlcRng *arng, int steps) {
  uint64_t h = 1469598103934665603ull;
  for (int t = 0; t < steps; t++) {
    union {
      int32_t d;
      float c[2];
    } a;
    rlc_env_sample_action(env, arng, &a);
    float obs[8];
    double r;
    bool term, trunc;
    rlc_env_step(env, &a, obs, &r, &term, &trunc);
    for (size_t i = 0; i < sizeof obs; i++) h = (h ^ ((uint8_t *)obs)[i]) * 1099511628211ull;
    for (size_t i = 0; i < sizeof r; i++) h = (h ^ ((uint8_t *)&r)[i]) * 1099511628211ull;
    if (term || trunc) rlc_env_reset(env, RLC_NO_SEED, NULL);
  }
  return h;
}

// A saved state, loaded into a fresh env, continues like the original; a
// crafted action or generator in it is refused and leaves the env usable.
TEST(lunarlander_saved_state_continues_and_crafted_refused) {
  for (int cont = 0; cont < 2; cont++) {
    const char *id = cont ? "LunarLanderContinuous-v3" : "LunarLander-v3";
    rlcEnv *a, *b;
    CHECK_OK(rlc_env_create(id, "enable_wind=true", &a));
    CHECK_OK(rlc_env_create(id, "enable_wind=true", &b));
    rlcRng ra, rb;
    rlc_rng_seed(&ra, 5);
    rlc_rng_seed(&rb, 6);
    rlc_env_reset(a, 11, NULL);
    run_hash(a, &ra, 40);  // mid-episode
    rlcBuf buf = {0};
    rlc_env_state_put(a->spec, a->state, &buf);
    CHECK(!buf.err);
    int32_t n_log = ((const rlcLunarLanderState *)rlc_env_unwrapped_state(a))->n_log;
    rlc_env_reset(b, 3, NULL);
    run_hash(b, &rb, 7);
    rlcBuf in = {.data = buf.data, .len = buf.len};
    CHECK_OK(rlc_env_state_get(b->spec, b->state, &in));
    b->rng = a->rng, b->in_episode = a->in_episode;
    rb = ra;
    CHECK(run_hash(a, &ra, 300) == run_hash(b, &rb, 300));
    // The saved bytes end with the actions since the reset, the lander's
    // state and the shaping (lander_put); the layout word sits before the
    // generator. Each corrupted one is refused.
    CHECK(n_log > 0);
    size_t end = buf.len - 8 - 24, actions = end - (size_t)n_log * 8, head = actions - sizeof(rlcRng) - 12;
    const size_t offs[] = {head, head + 4, head + 8, actions - sizeof(rlcRng), actions, end - 8, end, end + 4, end + 24};
    uint8_t *copy = rlc_malloc(buf.len);
    for (size_t k = 0; k < sizeof offs / sizeof offs[0]; k++) {
      memcpy(copy, buf.data, buf.len);
      float garbage = cont && offs[k] >= actions && offs[k] < end ? NAN : 7.0f;
      memcpy(copy + offs[k], &garbage, 4);
      rlcBuf bad = {.data = copy, .len = buf.len};
      rlcStatus s = rlc_env_state_get(b->spec, b->state, &bad);
      CHECK_MSG(s == RLC_ERR_FORMAT, "%s: garbage at byte %zu of %zu accepted (%d)", id, offs[k], buf.len, s);
    }
    rlcBuf cut = {.data = buf.data, .len = buf.len - 3};
    CHECK_ERR(rlc_env_state_get(b->spec, b->state, &cut), RLC_ERR_FORMAT);
    rlc_free(copy);
    CHECK(run_hash(b, &rb, 50) != 0);  // still usable
    rlc_buf_free(&buf);
    rlc_env_destroy(a);
    rlc_env_destroy(b);
  }
}

// Many episodes through the vector env on 2 threads: no leaks or overflows
// (ASan), every episode ends, returns stay in Gymnasium's range.
TEST(lunarlander_vector_many_episodes) {
  rlcVecEnvDef def = rlc_vec_env_default_def();
  def.num_envs = 4, def.num_threads = 2;
  rlcVecEnv *v;
  CHECK_OK(rlc_vec_env_create("LunarLander-v3", NULL, &def, &v));
  CHECK_OK(rlc_vec_env_reset(v, 1));
  rlcRng rng;
  rlc_rng_seed(&rng, 2);
  int32_t act[4];
  int episodes = 0, bad = 0;
  while (episodes < 300) {
    for (int i = 0; i < 4; i++) act[i] = (int32_t)rlc_rng_integers(&rng, 0, 4);
    CHECK_OK(rlc_vec_env_step(v, act));
    for (int i = 0; i < 4; i++)
      if (v->terminated[i] || v->truncated[i]) episodes++, bad += !(v->final_return[i] > -2000 && v->final_return[i] < 400);
  }
  CHECK_EQ_INT(bad, 0);
  rlc_vec_env_destroy(v);
}
