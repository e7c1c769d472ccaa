// cmd_bench.c: `rlc bench-env`: environment steps per second through the
// vector env (autoreset included), with actions drawn before timing starts.
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static const CliOpt opts[] = {
    {"--steps", "N", "total env steps over all copies (default 20000000)"},
    {"--num-envs", "K", "copies stepped together (default 1)"},
    {"--threads", "T", "threads, the caller included (default 1)"},
    {"--options", "K=V,...", "env options"},
    {"--seed", "S", "seed (default 0)"},
    {"--json", NULL, "last line: a JSON object with steps_per_s"},
};
// CPU seconds of the whole process: on a shared machine, time the scheduler
// gives to others is not the env's (the JSON line reports both).
static double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static const CliCmd cmd = {"bench-env", "ID [--steps N] [--num-envs K] [--threads T] [--json]",
                           "Measure how many environment steps per second rlc runs.", opts,
                           sizeof opts / sizeof opts[0], cmd_bench_env};

int cmd_bench_env(int argc, char **argv) {
  CliArgs a;
  bool done;
  int rc = cli_parse(&cmd, argc, argv, 1, &a, &done);
  if (done) return rc;
  if (a.n_positional != 1) return cli_error("bench-env needs an env id (see rlc bench-env --help)");
  long long steps, num_envs, threads, seed;
  if (!cli_int(&a, "--steps", 20000000, 1, 1LL << 40, &steps) || !cli_int(&a, "--num-envs", 1, 1, 1 << 20, &num_envs) ||
      !cli_int(&a, "--threads", 1, 1, 256, &threads) || !cli_int(&a, "--seed", 0, 0, 1LL << 62, &seed))
    return 2;
  const char *id = a.positional[0];
  rlcVecEnvDef def = rlc_vec_env_default_def();
  def.num_envs = (int)num_envs;
  def.num_threads = (int)threads;
  rlcVecEnv *v;
  rlcStatus s = rlc_vec_env_create(id, cli_str(&a, "--options", NULL), &def, &v);
  if (s) return cli_fail(s);

  // A ring of pre-drawn actions (possible ones only), so the timing is the env's.
  const rlcSpace *as = &v->spec->action_space;
  int rounds = (int)(65536 / num_envs) + 1;
  size_t ring_bytes = (size_t)rounds * num_envs * v->act_bytes;
  char *ring = malloc(ring_bytes);
  if (!ring) {
    rlc_vec_env_destroy(v);
    return cli_error("out of memory for %zu bytes of actions", ring_bytes);
  }
  rlcRng rng;
  rlc_rng_seed_child(&rng, (uint64_t)seed, 2);
  for (long long i = 0; i < (long long)rounds * num_envs; i++) rlc_space_sample(as, &rng, ring + i * v->act_bytes);
  const rlcMdp *m = v->spec->mdp;
  bool masked = m && !m->all_valid;

  rlc_vec_env_reset(v, seed);
  long long iters = (steps + num_envs - 1) / num_envs;
  double t0 = rlc_time_s(), c0 = cpu_s();
  // The ring index wraps by a compare: a division per step would cost more than some env steps.
  for (long long it = 0, k = 0; it < iters && !s; it++, k = k + 1 == rounds ? 0 : k + 1) {
    char *acts = ring + (size_t)k * num_envs * v->act_bytes;
    if (masked)
      for (int i = 0; i < v->num_envs; i++)
        ((int32_t *)acts)[i] = rlc_mdp_possible_action(m, ((int32_t *)v->obs)[i], ((int32_t *)acts)[i]);
    s = rlc_vec_env_step(v, acts);
  }
  double secs = rlc_time_s() - t0, cpu = cpu_s() - c0;
  free(ring);
  if (s) {
    rlc_vec_env_destroy(v);
    return cli_fail(s);
  }
  double total = (double)iters * num_envs, sps = total / secs;
  printf("%s: %.0f steps in %.3f s with %lld env%s on %lld thread%s: %.2fM steps/s\n", id, total, secs, num_envs,
         num_envs > 1 ? "s" : "", threads, threads > 1 ? "s" : "", sps / 1e6);
  if (cli_has(&a, "--json")) {
    CliJson j;
    json_begin(&j);
    json_str(&j, "env", id);
    json_num(&j, "steps", total);
    json_int(&j, "num_envs", num_envs);
    json_int(&j, "threads", threads);
    json_num(&j, "seconds", secs);
    json_num(&j, "steps_per_s", sps);
    json_num(&j, "cpu_seconds", cpu);
    json_end_print(&j);
  }
  rlc_vec_env_destroy(v);
  return 0;
}
