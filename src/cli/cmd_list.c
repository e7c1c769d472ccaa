// cmd_list.c: `rlc list`: every registered env with its spaces and limits.
#include <math.h>

#include "cli.h"

static const CliOpt opts[] = {
    {"--json", NULL, "print one JSON object per env, then a summary object"},
};
static const CliCmd cmd = {"list", "[--json]", "List the environments rlc knows.", opts, 1, cmd_list};

int cmd_list(int argc, char **argv) {
  CliArgs a;
  bool done;
  int rc = cli_parse(&cmd, argc, argv, 0, &a, &done);
  if (done) return rc;
  bool json = cli_has(&a, "--json");
  int n = rlc_env_registry_count();
  if (!json) printf("%-20s %9s %9s  %-14s %s\n", "id", "max steps", "threshold", "actions", "observations");
  for (int i = 0; i < n; i++) {
    const rlcEnvRegistration *r = rlc_env_registry_get(i);
    rlcEnvSpec *spec;
    if (rlc_env_spec_create(r->id, NULL, &spec)) return cli_fail(RLC_ERR_ARG);
    char os[256], as[256], thr[32] = "-";
    rlc_space_str(&spec->observation_space, os, sizeof os);
    rlc_space_str(&spec->action_space, as, sizeof as);
    if (!isnan(r->reward_threshold)) snprintf(thr, sizeof thr, "%g", r->reward_threshold);
    if (json) {
      CliJson j;
      json_begin(&j);
      json_str(&j, "id", r->id);
      json_str(&j, "action_space", as);
      json_str(&j, "observation_space", os);
      json_int(&j, "max_episode_steps", spec->max_episode_steps);
      json_num(&j, "reward_threshold", r->reward_threshold);
      json_bool(&j, "has_model", spec->mdp != NULL);
      json_str(&j, "doc", r->doc ? r->doc : "");
      json_end_print(&j);
    } else {
      char steps[16] = "-";
      if (spec->max_episode_steps) snprintf(steps, sizeof steps, "%d", spec->max_episode_steps);
      printf("%-20s %9s %9s  %-14s %s\n", r->id, steps, thr, as, os);
    }
    rlc_env_spec_destroy(spec);
  }
  if (json) {
    CliJson j;
    json_begin(&j);
    json_int(&j, "envs", n);
    json_end_print(&j);
  } else {
    printf("\n%d environments. Options: --options \"k=v,...\" on play/check-env/bench-env "
           "(every env takes max_episode_steps, action_repeat, frame_stack).\n", n);
  }
  return 0;
}
