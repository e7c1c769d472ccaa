// tests/test_vec.c: the vector env's worker pool: slices taken by whoever is
// free (workers or the caller) give the same results as one thread, batches
// below two slices stay on the caller.
#include <stdlib.h>

#include "test.h"

// FNV-1a over every observation, reward and end flag of `steps` steps.
static uint64_t vec_hash(const char *id, int n, int threads, int steps) {
  rlcVecEnvDef d = rlc_vec_env_default_def();
  d.num_envs = n;
  d.num_threads = threads;
  rlcVecEnv *v;
  CHECK_OK(rlc_vec_env_create(id, NULL, &d, &v));
  if (!v) return 0;
  CHECK_OK(rlc_vec_env_reset(v, 11));
  int32_t *acts = malloc(sizeof *acts * n);
  rlcRng rng;
  rlc_rng_seed(&rng, 3);
  uint64_t h = 1469598103934665603ULL;
  for (int t = 0; t < steps; t++) {
    for (int i = 0; i < n; i++) rlc_space_sample(&v->spec->action_space, &rng, &acts[i]);
    CHECK_OK(rlc_vec_env_step(v, acts));
    const uint8_t *parts[3] = {v->obs, (const uint8_t *)v->reward, (const uint8_t *)v->terminated};
    size_t sizes[3] = {(size_t)n * v->obs_bytes, sizeof *v->reward * n, sizeof *v->terminated * n};
    for (int k = 0; k < 3; k++)
      for (size_t b = 0; b < sizes[k]; b++) h = (h ^ parts[k][b]) * 1099511628211ULL;
  }
  free(acts);
  rlc_vec_env_destroy(v);
  return h;
}

TEST(vec_worker_slices_match_one_thread) {
  // 200 copies on 3 threads: three slices of 66-67; 40 copies: one slice.
  uint64_t one = vec_hash("CartPole-v1", 200, 1, 300), three = vec_hash("CartPole-v1", 200, 3, 300);
  CHECK(one && one == three);
  CHECK_EQ_INT(vec_hash("CartPole-v1", 40, 4, 100), vec_hash("CartPole-v1", 40, 1, 100));
  CHECK_EQ_INT(vec_hash("MinAtar/Breakout-v1", 96, 2, 100), vec_hash("MinAtar/Breakout-v1", 96, 1, 100));
}
