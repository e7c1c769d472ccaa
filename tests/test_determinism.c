// test_determinism.c: golden hashes of short seeded runs (Box2D's
// determinism test is the model). A silent change to what rlc computes, in
// code or in a build variant, changes a hash.
//   - Exact paths (env dynamics, RNG, tabular learning) are meant to be bit
//     for bit the same in every build and on every x86-64 CPU: one golden
//     hash each, checked everywhere.
//   - Deep agents run float kernels compiled for the machine: with FMA
//     (-march=native on any CPU since 2013, clang's builds) the rounding
//     depends on the compiler and the instruction set, so their golden
//     hashes hold in gcc builds without FMA (PORTABLE=1 and the sanitized
//     build, the SSE2 baseline every x86-64 has); elsewhere the test checks
//     that two runs agree and prints the hashes.
// A deliberate change that moves a number updates the constants here, with
// the reason in the commit.
#include <stdlib.h>

#include "test.h"

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const uint8_t *b = p;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ULL;
  return h;
}
#define FNV0 0xcbf29ce484222325ULL

// An env stepped with actions drawn from rlc's generator: observations,
// rewards and flags of every step.
static uint64_t env_hash(const char *id, int steps) {
  rlcEnv *e;
  CHECK_OK(rlc_env_create(id, NULL, &e));
  if (!e) return 0;
  const rlcEnvSpec *sp = e->spec;
  size_t ob = rlc_space_bytes(&sp->observation_space), ab = rlc_space_bytes(&sp->action_space);
  uint8_t *obs = calloc(1, ob), *act = calloc(1, ab > 8 ? ab : 8);
  rlcRng rng;
  rlc_rng_seed(&rng, 11);
  uint64_t h = FNV0;
  int64_t seed = 5;
  CHECK_OK(rlc_env_reset(e, seed, obs));
  for (int t = 0; t < steps; t++) {
    if (sp->action_space.type == RLC_SPACE_DISCRETE) {
      int32_t a = (int32_t)rlc_rng_integers(&rng, sp->action_space.start, sp->action_space.start + sp->action_space.n);
      memcpy(act, &a, sizeof a);
    } else {
      float *f = (float *)act;
      for (int i = 0; i < sp->action_space.size; i++) f[i] = (float)rlc_rng_uniform(&rng, -2, 2);
    }
    double r;
    bool term, trunc;
    CHECK_OK(rlc_env_step(e, act, obs, &r, &term, &trunc));
    h = fnv(h, obs, ob);
    h = fnv(h, &r, sizeof r);
    uint8_t f = (uint8_t)(term | trunc << 1);
    h = fnv(h, &f, 1);
    if (term || trunc) CHECK_OK(rlc_env_reset(e, ++seed, obs));
  }
  free(obs), free(act);
  rlc_env_destroy(e);
  return h;
}

// A driver run without files: the agent's whole saved state and the run's
// counters after `set`.
static uint64_t run_hash(const char *algo, const char *env, const char *set) {
  rlcOpts cfg;
  const char *sets[1] = {set};
  CHECK_OK(rlc_run_config(&cfg, algo, env, NULL, sets, 1));
  rlcRun *r;
  CHECK_OK(rlc_run_create(&cfg, NULL, false, &r));
  if (!r) return 0;
  CHECK_OK(rlc_run_train(r, 0, 0, NULL, NULL));
  rlcBuf b = {0};
  rlcAgent *ag = rlc_run_agent(r);
  ag->cls->save(ag, &b);
  CHECK_OK(b.err);
  rlcRunStatus st;
  rlc_run_status(r, &st);
  uint64_t h = fnv(FNV0, b.data, b.len);
  h = fnv(h, &st.steps, sizeof st.steps);
  h = fnv(h, &st.episodes, sizeof st.episodes);
  h = fnv(h, &st.eval_mean, sizeof st.eval_mean);
  rlc_buf_free(&b);
  rlc_run_destroy(r);
  return h;
}

#define RUN_SET "eval_interval=0,eval_episodes=3,gif=false,seed=3,"

TEST(determinism_exact_paths_golden) {
  static const struct { const char *id; int steps; uint64_t golden; } envs[] = {
      {"CartPole-v1", 3000, 0x20a7aff1e3521aefULL},
      {"Acrobot-v1", 2000, 0x551c65e312b2a222ULL},
      {"Pendulum-v1", 2000, 0xb41dd6749a277b7eULL},
      {"MountainCarContinuous-v0", 2000, 0x5989dc7379cc06baULL},
      {"Taxi-v3", 3000, 0x3b30affdd7576bb1ULL},
      {"FrozenLake-v1", 3000, 0xa1e878ce588ef093ULL},
      {"Blackjack-v1", 3000, 0x2c4c9aa8be7b99d6ULL},
      {"MinAtar/Breakout-v1", 3000, 0x71b954d946a5ca1fULL},
      {"MinAtar/Seaquest-v1", 3000, 0xc6ac4675e331bdf0ULL},
  };
  for (size_t i = 0; i < sizeof envs / sizeof envs[0]; i++) {
    uint64_t h = env_hash(envs[i].id, envs[i].steps);
    CHECK_MSG(h == envs[i].golden, "%s: hash 0x%016llx, golden 0x%016llx", envs[i].id, (unsigned long long)h,
              (unsigned long long)envs[i].golden);
  }
  static const struct { const char *algo, *env, *set; uint64_t golden; } runs[] = {
      {"q-learning", "FrozenLake-v1", RUN_SET "steps=20000", 0x5dc78396122ea1f8ULL},
      {"sarsa-lambda", "Taxi-v3", RUN_SET "steps=20000", 0x96a4ba1fde48e213ULL},
      {"expected-sarsa", "CliffWalking-v1", RUN_SET "steps=5000", 0xdac3aa55e555796dULL},
  };
  for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
    uint64_t h = run_hash(runs[i].algo, runs[i].env, runs[i].set);
    CHECK_MSG(h == runs[i].golden, "%s on %s: hash 0x%016llx, golden 0x%016llx", runs[i].algo, runs[i].env,
              (unsigned long long)h, (unsigned long long)runs[i].golden);
  }
}

TEST(determinism_deep_agents) {
  static const struct { const char *algo, *env, *set; uint64_t golden; } runs[] = {
      {"dqn", "CartPole-v1", RUN_SET "steps=1000,learning_starts=300", 0xf4651e83c53a9e45ULL},
      {"rainbow", "CartPole-v1", RUN_SET "steps=800,learning_starts=300", 0x2a0a6865d227a0a6ULL},
      {"ppo", "CartPole-v1", RUN_SET "steps=2048,num_envs=4", 0x05d633d7bfa4e4d0ULL},
      {"ppo", "Pendulum-v1", RUN_SET "steps=2048", 0x1d8bb401cb80e662ULL},
      {"reinforce", "CartPole-v1", RUN_SET "steps=2000", 0x7822a7a94d1ce7c4ULL},
      {"td3", "Pendulum-v1", RUN_SET "steps=600,hidden=32-32,batch_size=32,learning_starts=200", 0x3c357b1e22d54745ULL},
      {"sac", "Pendulum-v1", RUN_SET "steps=600,hidden=32-32,batch_size=32,learning_starts=200", 0xb45b88de0844f330ULL},
  };
#if !defined(__FMA__) && !defined(__clang__)
  // The training kernels flush denormals to zero, which valgrind does not
  // emulate: under it the runs are checked for agreement only.
  const bool golden = !test_under_valgrind();
#else
  const bool golden = false;
#endif
  for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
    uint64_t h = run_hash(runs[i].algo, runs[i].env, runs[i].set);
    if (golden)
      CHECK_MSG(h == runs[i].golden, "%s on %s: hash 0x%016llx, golden 0x%016llx", runs[i].algo, runs[i].env,
                (unsigned long long)h, (unsigned long long)runs[i].golden);
    else {
      uint64_t again = run_hash(runs[i].algo, runs[i].env, runs[i].set);
      CHECK_MSG(h == again, "%s on %s: two runs differ (0x%016llx, 0x%016llx)", runs[i].algo, runs[i].env,
                (unsigned long long)h, (unsigned long long)again);
      printf("    %s on %s: 0x%016llx (this build's rounding; golden only without FMA)\n", runs[i].algo,
             runs[i].env, (unsigned long long)h);
    }
  }
}
