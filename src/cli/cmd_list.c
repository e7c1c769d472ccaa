// cmd_list.c: `rlc list`: every registered env with its spaces and limits.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const CliOpt opts[] = {
    {"--json", NULL, "print one JSON object per env, then a summary object"},
    {"--algos", NULL, "list the algorithms and their presets instead"},
    {"--algo", "NAME", "an algorithm's hyperparameters (with defaults) and presets"},
};
static const CliCmd cmd = {"list", "[--json] [--algos | --algo NAME]", "List the environments, algorithms and presets rlc knows.",
                           opts, 3, cmd_list};

static void print_presets(const rlcAgentClass *c) {
  for (int k = 0; k < c->n_presets; k++) {
    const rlcPreset *p = &c->presets[k];
    printf("    %-22s %-16s %s\n", p->name ? p->name : "(default)", p->env ? p->env : "any env", p->doc ? p->doc : "");
  }
}

// One line per setting: name, type with its range or choices, the default
// (from cfg when given: a class's own defaults), the doc. Aliases last.
static void print_settings(const rlcSetting *t, int n, rlcOpts *cfg) {
  static const char *const types[] = {"int", "int", "number", "bool", "choice", "text"};
  if (!n) printf("  (none)\n");
  for (int i = 0; i < n; i++) {
    if (t[i].type == RLC_SETTING_ALIAS) continue;
    char kind[96];
    if (t[i].type == RLC_SETTING_CHOICE) snprintf(kind, sizeof kind, "%s", t[i].choices);
    else if (t[i].type <= RLC_SETTING_DOUBLE) {
      bool open = t[i].hi >= 0x1p62;  // no bound worth printing
      const char *f = t[i].type == RLC_SETTING_DOUBLE ? (open ? "%s >= %g" : "%s [%g, %g]")
                                                      : (open ? "%s >= %.0f" : "%s [%.0f, %.0f]");
      snprintf(kind, sizeof kind, f, types[t[i].type], t[i].lo, t[i].hi);
    } else snprintf(kind, sizeof kind, "%s", types[t[i].type]);
    const char *def = cfg ? rlc_opts_str(cfg, t[i].name, t[i].def) : t[i].def;
    printf("  %-22s %-12s %-28s %s\n", t[i].name, *def ? def : "\"\"", kind, t[i].doc);
  }
  for (int i = 0; i < n; i++)
    if (t[i].type == RLC_SETTING_ALIAS) printf("  %-22s also accepted for %s\n", t[i].name, t[i].def);
}

// --algos --json: one object per algorithm (its presets by name), then a summary.
static int list_algos_json(void) {
  int n = rlc_agent_count();
  for (int i = 0; i < n; i++) {
    const rlcAgentClass *c = rlc_agent_get(i);
    char presets[1024] = "";
    size_t len = 0;
    for (int k = 0; k < c->n_presets && len < sizeof presets; k++)
      if (c->presets[k].name)
        len += (size_t)snprintf(presets + len, sizeof presets - len, "%s%s", len ? "," : "", c->presets[k].name);
    CliJson j;
    json_begin(&j);
    json_str(&j, "algo", c->name);
    json_str(&j, "doc", c->doc);
    json_str(&j, "presets", presets);
    json_int(&j, "settings", c->n_settings);
    json_end_print(&j);
  }
  CliJson j;
  json_begin(&j);
  json_int(&j, "algorithms", n);
  json_end_print(&j);
  return 0;
}

static int list_algos(const char *one) {
  if (one) {
    const rlcAgentClass *c = rlc_agent_find(one);
    if (!c) return cli_error("unknown algorithm '%s' (rlc list --algos shows them)", one);
    printf("%s: %s\n\nhyperparameters (--set NAME=VALUE): name, default, type, doc\n", c->name, c->doc);
    rlcOpts *cfg = calloc(1, sizeof *cfg);
    if (!cfg || rlc_agent_settings_resolve(c, NULL, cfg)) {
      free(cfg);
      return cli_fail(RLC_ERR_NOMEM);
    }
    print_settings(c->settings, c->n_settings, cfg);
    free(cfg);
    int n;
    const rlcSetting *d = rlc_run_settings(&n);
    printf("\ndriver settings (--set NAME=VALUE):\n");
    print_settings(d, n, NULL);
    printf("\npresets (--preset NAME; the defaults apply without one):\n");
    print_presets(c);
    return 0;
  }
  printf("%-16s %s\n", "algorithm", "description");
  for (int i = 0; i < rlc_agent_count(); i++) {
    const rlcAgentClass *c = rlc_agent_get(i);
    printf("%-16s %s\n", c->name, c->doc);
    print_presets(c);
  }
  printf("\n%d algorithms. rlc list --algo NAME shows one's hyperparameters.\n", rlc_agent_count());
  return 0;
}

int cmd_list(int argc, char **argv) {
  CliArgs a;
  bool done;
  int rc = cli_parse(&cmd, argc, argv, 0, &a, &done);
  if (done) return rc;
  bool json = cli_has(&a, "--json");
  if (cli_has(&a, "--algos") && json && !cli_has(&a, "--algo")) return list_algos_json();
  if (cli_has(&a, "--algos") || cli_has(&a, "--algo")) return list_algos(cli_str(&a, "--algo", NULL));
  int n = rlc_env_registry_count(), w = 2;
  for (int i = 0; i < n; i++) {
    int l = (int)strlen(rlc_env_registry_get(i)->id);
    w = l > w ? l : w;
  }
  if (!json) printf("%-*s %9s %9s  %-14s %s\n", w, "id", "max steps", "threshold", "actions", "observations");
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
      printf("%-*s %9s %9s  %-14s %s\n", w, r->id, steps, thr, as, os);
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
