// cmd_report.c: `rlc report DIR... -o report.html`: one self-contained HTML
// page about runs (rlc_run_report).
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const CliOpt report_opts[] = {
    {"-o", "FILE", "output HTML file (default report.html)"},
    {"--output", "FILE", "same as -o"},
};
static const CliCmd report_cmd = {"report", "DIR... [-o FILE.html]",
                                  "One self-contained HTML page about runs: configuration, curves (seeds with bands),\n"
                                  "evaluations, timings and the trained agent's video or GIF, inlined (no network).",
                                  report_opts, 2, cmd_report};

int cmd_report(int argc, char **argv) {
  char **args = calloc((size_t)argc + 1, sizeof *args);
  if (!args) return cli_error("out of memory");
  for (int i = 0; i < argc; i++) args[i] = !strcmp(argv[i], "-o") ? (char *)"--output" : argv[i];
  CliArgs a;
  bool done;
  int rc = cli_parse(&report_cmd, argc, args, 10, &a, &done);
  if (done) {
    free(args);
    return rc;
  }
  const char *dirs[10];
  int n = a.n_positional;
  for (int i = 0; i < n; i++) dirs[i] = a.positional[i];
  free(args);
  if (n == 0) return cli_error("report needs at least one run directory (rlc report DIR... -o FILE.html)");
  if (!cli_out_ext(&a, "--output", ".html")) return 2;
  const char *out = cli_str(&a, "--output", "report.html");
  rlcStatus s = rlc_run_report(dirs, n, out);
  if (s) return cli_fail(s);
  printf("wrote %s\n", out);
  return 0;
}
