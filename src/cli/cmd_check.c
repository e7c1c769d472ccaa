// cmd_check.c: `rlc check-env ID|--all`: the env checker, one line per check.
#include "cli.h"

static const CliOpt opts[] = {
    {"--all", NULL, "check every registered env"},
    {"--options", "K=V,...", "env options"},
    {"--seed", "S", "seed for resets and actions (default 0)"},
    {"--quiet", NULL, "print failures and the summary only"},
    {"--json", NULL, "last line: a JSON object with the results"},
};
static const CliCmd cmd = {"check-env", "ID [--options K=V,...] [--seed S] | --all [--json]",
                           "Check that an environment follows Gymnasium's rules (the checks of gymnasium's check_env and more).",
                           opts, 5, cmd_check_env};

static bool quiet;
static void report(bool ok, const char *what, void *user) {
  const char *id = user;
  if (!ok || !quiet) printf("%s %s: %s\n", ok ? "ok  " : "FAIL", id, what);
}

int cmd_check_env(int argc, char **argv) {
  CliArgs a;
  bool done;
  int rc = cli_parse(&cmd, argc, argv, 1, &a, &done);
  if (done) return rc;
  long long seed;
  if (!cli_int(&a, "--seed", 0, 0, (1LL << 62), &seed)) return 2;
  quiet = cli_has(&a, "--quiet");
  bool all = cli_has(&a, "--all");
  if (!all && a.n_positional != 1) return cli_error("check-env needs an env id or --all (see rlc check-env --help)");
  int n = all ? rlc_env_registry_count() : 1, total_failed = 0, envs_failed = 0;
  for (int i = 0; i < n; i++) {
    const char *id = all ? rlc_env_registry_get(i)->id : a.positional[0];
    int failed = 0;
    rlcStatus s = rlc_env_check(id, cli_str(&a, "--options", NULL), seed, report, (void *)id, &failed);
    if (s) return cli_fail(s);
    total_failed += failed;
    envs_failed += failed > 0;
    printf("%s: %s\n", id, failed ? "FAILED" : "all checks passed");
  }
  if (cli_has(&a, "--json")) {
    CliJson j;
    json_begin(&j);
    json_int(&j, "envs", n);
    json_int(&j, "envs_failed", envs_failed);
    json_int(&j, "checks_failed", total_failed);
    json_bool(&j, "ok", total_failed == 0);
    json_end_print(&j);
  }
  return total_failed ? 1 : 0;
}
