// cli.c: option parsing, errors and JSON output shared by the subcommands.
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int cli_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("rlc: error: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return 2;
}

int cli_fail(rlcStatus s) {
  fprintf(stderr, "rlc: error: %s\n", rlc_last_error()[0] ? rlc_last_error() : rlc_status_name(s));
  return 1;
}

bool cli_out_ext(const CliArgs *a, const char *opt, const char *ext) {
  const char *path = cli_str(a, opt, NULL);
  if (!path) return true;
  size_t n = strlen(path), k = strlen(ext);
  if (n > k && !strcasecmp(path + n - k, ext)) return true;
  cli_error("%s %s: the file name must end in %s (it writes that format)", opt, path, ext);
  return false;
}

// Whether an option is called name: its name, or one of its '|'-separated
// forms ("-o|--output").
static bool opt_is(const CliOpt *o, const char *name) {
  size_t n = strlen(name);
  for (const char *p = o->name; p;) {
    const char *bar = strchr(p, '|');
    size_t len = bar ? (size_t)(bar - p) : strlen(p);
    if (len == n && !strncmp(p, name, n)) return true;
    p = bar ? bar + 1 : NULL;
  }
  return false;
}

static void print_help(const CliCmd *cmd) {
  printf("usage: rlc %s %s\n\n%s\n\noptions:\n", cmd->name, cmd->usage, cmd->summary);
  for (int i = 0; i < cmd->n_opts; i++) {
    char left[64];
    const char *name = cmd->opts[i].name, *bar = strchr(name, '|');
    snprintf(left, sizeof left, "%.*s%s%s%s%s", bar ? (int)(bar - name) : 0, name, bar ? ", " : "",
             bar ? bar + 1 : name, cmd->opts[i].arg ? " " : "", cmd->opts[i].arg ? cmd->opts[i].arg : "");
    printf("  %-24s %s\n", left, cmd->opts[i].help);
  }
  printf("  %-24s %s\n", "--help", "show this help");
}

int cli_parse(const CliCmd *cmd, int argc, char **argv, int max_positional, CliArgs *a, bool *done) {
  memset(a, 0, sizeof *a);
  a->cmd = cmd;
  *done = false;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
      print_help(cmd);
      *done = true;
      return 0;
    }
    int k = -1;
    for (int j = 0; j < cmd->n_opts; j++)
      if (arg[0] == '-' && arg[1] != '-' && opt_is(&cmd->opts[j], arg)) k = j;  // -o value
    if (k >= 0 || (arg[0] == '-' && arg[1] == '-')) {
      // --name=value, --name value or -o value
      char name[64];
      const char *eq = k >= 0 ? NULL : strchr(arg, '=');
      size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
      snprintf(name, sizeof name, "%.*s", (int)len, arg);
      for (int j = 0; k < 0 && j < cmd->n_opts; j++)
        if (opt_is(&cmd->opts[j], name)) k = j;
      if (k < 0) {
        *done = true;
        return cli_error("unknown option '%s' for 'rlc %s' (see rlc %s --help)", name, cmd->name, cmd->name);
      }
      if (cmd->opts[k].arg) {
        if (eq) a->val[k] = eq + 1;
        else if (i + 1 < argc) a->val[k] = argv[++i];
        else {
          *done = true;
          return cli_error("option %s needs a value (%s)", name, cmd->opts[k].arg);
        }
      } else if (eq) {
        *done = true;
        return cli_error("option %s takes no value", name);
      }
      a->set[k] = true;
    } else if (a->n_positional < max_positional) {
      a->positional[a->n_positional++] = arg;
    } else {
      *done = true;
      return cli_error("unexpected argument '%s' for 'rlc %s' (see rlc %s --help)", arg, cmd->name, cmd->name);
    }
  }
  return 0;
}

static int find(const CliArgs *a, const char *name) {
  for (int j = 0; j < a->cmd->n_opts; j++)
    if (opt_is(&a->cmd->opts[j], name)) return j;
  return -1;
}

bool cli_has(const CliArgs *a, const char *name) {
  int k = find(a, name);
  return k >= 0 && a->set[k];
}

const char *cli_str(const CliArgs *a, const char *name, const char *def) {
  int k = find(a, name);
  return k >= 0 && a->set[k] && a->val[k] ? a->val[k] : def;
}

// Numbers follow the library's one parser (rlc_parse_int64 / rlc_parse_double).
bool cli_int(const CliArgs *a, const char *name, long long def, long long lo, long long hi, long long *out) {
  const char *v = cli_str(a, name, NULL);
  *out = def;
  if (!v) return true;
  int64_t x;
  if (!rlc_parse_int64(v, &x)) {
    cli_error("%s %s: expected an integer", name, v);
    return false;
  }
  if (x < lo || x > hi) {
    cli_error("%s %s: must be in [%lld, %lld]", name, v, lo, hi);
    return false;
  }
  *out = x;
  return true;
}

bool cli_double(const CliArgs *a, const char *name, double def, double lo, double hi, double *out) {
  const char *v = cli_str(a, name, NULL);
  *out = def;
  if (!v) return true;
  double x;
  if (!rlc_parse_double(v, &x) || !isfinite(x)) {
    cli_error("%s %s: expected a number", name, v);
    return false;
  }
  if (x < lo || x > hi) {
    cli_error("%s %s: must be in [%g, %g]", name, v, lo, hi);
    return false;
  }
  *out = x;
  return true;
}

//------------------------------------------------------------------------------
// JSON
//------------------------------------------------------------------------------

// Appends printf-style text, growing the buffer.
static void emit(CliJson *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(CliJson *j, const char *fmt, ...) {
  if (j->oom) return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int len = j->buf ? vsnprintf(j->buf + j->n, (size_t)(j->cap - j->n), fmt, ap) : -1;
    va_end(ap);
    if (len >= 0 && j->n + len < j->cap) {
      j->n += len;
      return;
    }
    int need = len < 0 ? 256 : j->n + len + 1;
    int cap = j->cap ? j->cap : 8192;
    while (cap < need) cap *= 2;
    char *b = realloc(j->buf, (size_t)cap);
    if (!b) {
      j->oom = true;
      return;
    }
    j->buf = b;
    j->cap = cap;
  }
}

void json_begin(CliJson *j) {
  memset(j, 0, sizeof *j);
  emit(j, "{");
}

static void key(CliJson *j, const char *k) { emit(j, "%s\"%s\": ", j->n > 1 ? ", " : "", k); }

void json_str(CliJson *j, const char *k, const char *v) {
  key(j, k);
  emit(j, "\"");
  for (; *v; v++) {
    if (*v == '"' || *v == '\\') emit(j, "\\%c", *v);
    else if ((unsigned char)*v < 0x20) emit(j, "\\u%04x", *v);
    else emit(j, "%c", *v);
  }
  emit(j, "\"");
}

void json_num(CliJson *j, const char *k, double v) {
  key(j, k);
  if (isfinite(v)) emit(j, "%.12g", v);
  else emit(j, "null");
}

void json_int(CliJson *j, const char *k, long long v) {
  key(j, k);
  emit(j, "%lld", v);
}

void json_bool(CliJson *j, const char *k, bool v) { json_raw(j, k, v ? "true" : "false"); }

void json_raw(CliJson *j, const char *k, const char *raw) {
  key(j, k);
  emit(j, "%s", raw);
}

void json_end_print(CliJson *j) {
  printf("%s}\n", j->buf ? j->buf : "{");
  fflush(stdout);
  free(j->buf);
  memset(j, 0, sizeof *j);
}
