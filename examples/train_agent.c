// examples/train_agent.c: training from C. The driver does what `rlc train`
// does (run directory, logs, checkpoint, plot); then the trained agent acts
// on an env of our own, without the driver.
#include <stdio.h>

#include "rlc/rlc.h"

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "runs/example-ppo";
  rlcOpts cfg;  // the resolved configuration: defaults, presets, overrides
  const char *sets[] = {"steps=30000,eval_interval=10000,gif=false"};
  rlcRun *run;
  if (rlc_run_config(&cfg, "ppo", "CartPole-v1", NULL, sets, 1) || rlc_run_create(&cfg, dir, true, &run)) {
    fprintf(stderr, "%s\n", rlc_last_error());
    return 1;
  }
  if (rlc_run_train(run, 0, 0, NULL, NULL)) {
    fprintf(stderr, "%s\n", rlc_last_error());
    rlc_run_destroy(run);
    return 1;
  }
  rlcRunStatus st;
  rlc_run_status(run, &st);
  printf("%lld steps, greedy evaluation %.1f +- %.1f\n", (long long)st.steps, st.eval_mean, st.eval_std);

  // The agent is an object of its own: act greedily on a fresh env.
  rlcAgent *agent = rlc_run_agent(run);
  rlcEnv *env;
  if (rlc_env_create("CartPole-v1", NULL, &env)) return 1;
  float obs[4];
  int32_t action;
  bool term = false, trunc = false;
  double reward;
  rlc_env_reset(env, 123, obs);
  while (!term && !trunc) {
    rlc_agent_act(agent, obs, 1, false, &action);
    rlc_env_step(env, &action, obs, &reward, &term, &trunc);
  }
  printf("one greedy episode: return %g\n", env->episode_return);
  rlc_env_destroy(env);
  rlc_run_destroy(run);
  return 0;
}
