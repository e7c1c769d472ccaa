// cmd_report.c: `rlc report DIR... -o report.html`: one self-contained HTML
// page about runs (rlc_run_report).
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const CliOpt report_opts[] = {
    {"-o|--output", "FILE", "output HTML file (default report.html)"},
};
static const CliCmd report_cmd = {"report", "DIR... [-o FILE.html]",
                                  "One self-contained HTML page about runs: configuration, curves (seeds with bands),\n"
                                  "evaluations, timings and the trained agent's video or GIF, inlined (no network).",
                                  report_opts, 1, cmd_report};

int cmd_report(int argc, char **argv) {
  CliArgs a;
  bool done;
  int rc = cli_parse(&report_cmd, argc, argv, 10, &a, &done);
  if (done) return rc;
  int n = a.n_positional;
  if (n == 0) return cli_error("report needs at least one run directory (rlc report DIR... -o FILE.html)");
  if (!cli_out_ext(&a, "--output", ".html")) return 2;
  const char *out = cli_str(&a, "--output", "report.html");
  rlcStatus s = rlc_run_report(a.positional, n, out);
  if (s) return cli_fail(s);
  printf("wrote %s\n", out);
  return 0;
}
