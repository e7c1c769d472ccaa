// cli.h: what the rlc subcommands share: option parsing with --help, one-line
// errors, JSON output. The CLI uses only rlc's public headers.
#ifndef RLC_CLI_H
#define RLC_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "rlc/rlc.h"

#define CLI_MAX_OPTS 32

typedef struct CliOpt {
  const char *name;  // "--episodes"; "-o|--output" also takes the short form
  const char *arg;   // "N" (NULL for a flag)
  const char *help;
} CliOpt;

typedef struct CliCmd {
  const char *name;     // "play"
  const char *usage;    // "--env ID [--policy random|heuristic] ..."
  const char *summary;  // one line
  const CliOpt *opts;
  int n_opts;
  int (*run)(int argc, char **argv);
} CliCmd;

typedef struct CliArgs {
  const CliCmd *cmd;
  const char *val[CLI_MAX_OPTS];
  bool set[CLI_MAX_OPTS];
  const char *positional[16];
  int n_positional;
} CliArgs;

// Parses argv (argv[0] is the command name). Returns 0 to go on, or an exit
// status to return at once (0 after --help, 2 after an error it printed).
int cli_parse(const CliCmd *cmd, int argc, char **argv, int max_positional, CliArgs *a, bool *done);
bool cli_has(const CliArgs *a, const char *name);
const char *cli_str(const CliArgs *a, const char *name, const char *def);
// Integer / number options with a range; print the error and return false.
bool cli_int(const CliArgs *a, const char *name, long long def, long long lo, long long hi, long long *out);
bool cli_double(const CliArgs *a, const char *name, double def, double lo, double hi, double *out);

// An output file option must end in ext (".gif", ".mp4"), or the error is
// printed and false returned. Absent options pass.
bool cli_out_ext(const CliArgs *a, const char *opt, const char *ext);

// "rlc: error: <msg>" on stderr; returns the exit status 2 (usage) or 1.
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_fail(rlcStatus s);  // the library's last error, exit status 1

// Minimal JSON object writer for --json output lines. The text grows as
// needed (rlc solve writes Q tables of any size); json_end_print frees it.
typedef struct CliJson {
  char *buf;   // the object so far, NUL-terminated
  int n, cap;
  bool oom;    // an allocation failed: the line is cut short
} CliJson;
void json_begin(CliJson *j);
void json_str(CliJson *j, const char *key, const char *v);
void json_num(CliJson *j, const char *key, double v);
void json_int(CliJson *j, const char *key, long long v);
void json_bool(CliJson *j, const char *key, bool v);
void json_raw(CliJson *j, const char *key, const char *raw);
void json_end_print(CliJson *j);  // prints the object as one line and frees it

int cmd_list(int argc, char **argv);
int cmd_play(int argc, char **argv);
int cmd_check_env(int argc, char **argv);
int cmd_bench_env(int argc, char **argv);
int cmd_bench_nn(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
// rlc train --seeds: argv as cmd_train got it.
int cmd_train_seeds(int argc, char **argv, const char *seeds, int jobs, const char *dir, bool json);
int cmd_plot(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_solve(int argc, char **argv);

#endif
