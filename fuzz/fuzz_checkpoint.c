// fuzz_checkpoint.c: a checkpoint's payload (everything between the version
// and the CRC: configuration, driver counters, env states, the agent) framed
// with a valid header and CRC, loaded as `rlc eval` loads it, then stepped a
// few times as `rlc train --resume` would, so the restored state is used
// (not the driver's evaluations: a long episode of a slow env is no bug).
#include "fuzz.h"

static uint32_t version;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  fuzz_setup("checkpoint");
  char dir[512], p[600];
  fuzz_path(dir, sizeof dir, "template");
  fuzz_make_run(dir);
  snprintf(p, sizeof p, "%s/checkpoint.rlc", dir);
  size_t n;
  uint8_t *ck = fuzz_read(p, &n);
  memcpy(&version, ck + 8, 4);
  free(ck);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_write_framed("checkpoint.rlc", "RLCCKPT\n", version, data, size);
  rlcRun *r;
  if (rlc_run_load(fuzz_dir, &r)) return 0;
  // The restored envs and agent at work: steps as the driver makes them
  // (act, step, observe, update), exploring and greedy.
  rlcVecEnv *v = rlc_run_vec_env(r);
  size_t n = (size_t)v->num_envs;
  uint8_t *obs = malloc(n * v->obs_bytes + 1), *next = malloc(n * v->obs_bytes + 1), *act = malloc(n * v->act_bytes + 1);
  for (int t = 0; t < 8; t++)
    if (rlc_run_step(rlc_run_agent(r), v, t < 6, obs, act, next)) break;
  free(obs);
  free(next);
  free(act);
  rlc_run_destroy(r);
  return 0;
}
