// bench/bench_offpolicy.c: where an off-policy run's time goes. Trains ALGO
// on ENV with the driver's configuration (the algorithm's defaults, its
// preset for the env, a named preset, then "k=v,..." settings) through the
// same act / step / observe / update cycle as rlc_run_step, timing each
// phase in the thread's CPU time (time-slicing on a shared machine does not
// count) and in wall time, then evaluates the greedy policy. It also prints
// the update's model FLOPs (2 per multiply-add: forward 1x, full backward 2x,
// a critic's input-only backward 1x, per network pass of the update) so a
// script can compare them with the core's peak.
// Run: make build/bench/bench_offpolicy &&
//      build/bench/bench_offpolicy ALGO ENV PRESET|- SETTINGS|- SEED [EVAL_EPISODES]
// Prints one line of key=value pairs.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rlc/agent.h"
#include "rlc/env.h"
#include "rlc/run.h"

static double cpu_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static double wall_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

// Multiply-adds of one sample through an MLP "in-h1-h2-...-out".
static double mlp_macs(int in, const char *hidden, int out) {
  double macs = 0;
  int prev = in;
  const char *p = hidden;
  while (*p && strcmp(p, "none")) {
    int h = atoi(p);
    macs += (double)prev * h;
    prev = h;
    p = strchr(p, '-');
    if (!p) break;
    p++;
  }
  return macs + (double)prev * out;
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: %s ALGO ENV PRESET|- SETTINGS|- SEED [EVAL_EPISODES]\n", argv[0]);
    return 2;
  }
  const char *algo = argv[1], *env = argv[2], *preset = strcmp(argv[3], "-") ? argv[3] : NULL;
  const char *set = strcmp(argv[4], "-") ? argv[4] : NULL;
  long long seed = atoll(argv[5]);
  int eval_episodes = argc > 6 ? atoi(argv[6]) : 10;
  rlcOpts cfg;
  char seedset[64];
  snprintf(seedset, sizeof seedset, "seed=%lld", seed);
  const char *sets[2] = {seedset, set};
  if (rlc_run_config(&cfg, algo, env, preset, sets, set ? 2 : 1)) {
    fprintf(stderr, "%s\n", rlc_last_error());
    return 1;
  }
  algo = rlc_opts_str(&cfg, "algo", algo);
  const rlcAgentClass *cls = rlc_agent_find(algo);
  long long steps = atoll(rlc_opts_str(&cfg, "steps", "0"));
  int num_envs = atoi(rlc_opts_str(&cfg, "num_envs", "1"));
  rlcVecEnvDef vd = rlc_vec_env_default_def();
  vd.num_envs = num_envs;
  rlcVecEnv *v;
  rlcAgent *ag;
  if (rlc_vec_env_create(env, "", &vd, &v) || rlc_vec_env_reset(v, seed) ||
      rlc_agent_create_from_config(cls, v->spec, &cfg, (uint64_t)seed, num_envs, steps, &ag)) {
    fprintf(stderr, "%s\n", rlc_last_error());
    return 1;
  }
  size_t ob = v->obs_bytes;
  void *obs = malloc(ob * num_envs), *next = malloc(ob * num_envs), *act = malloc(v->act_bytes * num_envs);
  double t_act = 0, t_env = 0, t_upd = 0, w0 = wall_now(), c0 = cpu_now();
  for (long long s = 0; s < steps; s += num_envs) {
    double t = cpu_now();
    ag->cls->act(ag, v->obs, num_envs, true, act);
    double t1 = cpu_now();
    memcpy(obs, v->obs, ob * num_envs);
    if (rlc_vec_env_step(v, act)) return 1;
    memcpy(next, v->obs, ob * num_envs);
    for (int i = 0; i < num_envs; i++)
      if (v->terminated[i] || v->truncated[i]) memcpy((char *)next + i * ob, (char *)v->final_obs + i * ob, ob);
    double t2 = cpu_now();
    rlcStepBatch b = {num_envs, obs, act, v->reward, v->terminated, v->truncated, next, v->final_return,
                      v->final_length};
    if (ag->cls->observe(ag, &b) || ag->cls->update(ag)) {
      fprintf(stderr, "%s\n", rlc_last_error());
      return 1;
    }
    double t3 = cpu_now();
    t_act += t1 - t, t_env += t2 - t1, t_upd += t3 - t2;
  }
  double wall = wall_now() - w0, cpu = cpu_now() - c0;
  rlcAgentInfo info;
  ag->cls->info(ag, &info);
  double mean = 0, sd = 0, len = 0;
  if (rlc_evaluate(ag, env, "", eval_episodes, 1000000 + seed, &mean, &sd, &len, NULL, 0)) {
    fprintf(stderr, "%s\n", rlc_last_error());
    return 1;
  }
  // Model FLOPs of one update of the off-policy family (per sample x batch).
  double flops = 0;
  if (!strcmp(algo, "ddpg") || !strcmp(algo, "td3") || !strcmp(algo, "sac")) {
    int D = v->spec->observation_space.size, A = v->spec->action_space.size;
    const char *hid = rlc_opts_str(&cfg, "hidden", "64-64"), *ch = rlc_opts_str(&cfg, "critic_hidden", "");
    bool sac = !strcmp(algo, "sac");
    double mq = mlp_macs(D + A, *ch ? ch : hid, 1), mp = mlp_macs(D, hid, sac ? 2 * A : A);
    int nc = atoi(rlc_opts_str(&cfg, "n_critics", "2")), delay = atoi(rlc_opts_str(&cfg, "policy_delay", "1"));
    int B = atoi(rlc_opts_str(&cfg, "batch_size", "256"));
    // targets: actor (target) forward + nc target critics; critics: forward +
    // backward; actor (1 / delay): forward + backward, critics forward +
    // input backward (one for TD3/DDPG, nc for SAC).
    double per = mp + nc * mq + nc * 3 * mq + (3 * mp + (sac ? nc : 1) * 2 * mq) / delay;
    flops = 2 * per * B;
  }
  printf("algo=%s env=%s seed=%lld steps=%lld updates=%lld wall_s=%.3f cpu_s=%.3f act_s=%.3f env_s=%.3f "
         "update_s=%.3f us_per_update=%.2f update_gflops=%.2f return=%.2f\n",
         algo, env, seed, steps, (long long)info.updates, wall, cpu, t_act, t_env, t_upd,
         info.updates ? 1e6 * t_upd / info.updates : 0.0,
         info.updates && t_upd > 0 ? flops * info.updates / t_upd / 1e9 : 0.0, mean);
  rlc_agent_destroy(ag);
  rlc_vec_env_destroy(v);
  free(obs), free(next), free(act);
  return 0;
}
