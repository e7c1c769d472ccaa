// report.c: `rlc report DIR... -o report.html`: one self-contained HTML page
// about one or more runs (or `--seeds` directories): configuration, learning
// curves (seed bands), the evaluations, the trained agent's video or GIF and
// the timings. Images and video are inlined as data: URIs; the page loads
// nothing and runs no script, so it opens anywhere, offline, as one file.
// Depends on: rlc/run.h, rlc/out.h, run_internal.h.
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "run/run_internal.h"

#define REPORT_MAX 10

static void put(rlcBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(rlcBuf *b, const char *fmt, ...) {
  char tmp[4096];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n > 0) rlc_buf_put(b, tmp, (size_t)(n < (int)sizeof tmp ? n : (int)sizeof tmp - 1));
}

// Text as HTML (what a config value or a path may hold).
static void put_text(rlcBuf *b, const char *s) {
  for (; *s; s++) {
    const char *e = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" : *s == '"' ? "&quot;" : NULL;
    if (e) rlc_buf_put(b, e, strlen(e));
    else rlc_buf_put(b, s, 1);
  }
}

static void put_base64(rlcBuf *b, const uint8_t *p, size_t n) {
  static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char q[4];
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
    q[0] = A[v >> 18 & 63], q[1] = A[v >> 12 & 63];
    q[2] = i + 1 < n ? A[v >> 6 & 63] : '=', q[3] = i + 2 < n ? A[v & 63] : '=';
    rlc_buf_put(b, q, 4);
  }
}

// A file inlined as a data: URI inside an element; false when it is absent.
static bool put_file(rlcBuf *b, const char *path, const char *before, const char *mime, const char *after) {
  uint8_t *data;
  size_t n;
  if (rlc_file_read(path, &data, &n)) return false;
  put(b, "%sdata:%s;base64,", before, mime);
  put_base64(b, data, n);
  put(b, "%s", after);
  rlc_free(data);
  return true;
}

static const char *base_name(const char *dir) {
  size_t n = strlen(dir);
  while (n > 1 && dir[n - 1] == '/') n--;
  const char *s = dir + n;
  while (s > dir && s[-1] != '/') s--;
  return s;
}

// The learning curves of dirs drawn to a temp PNG and inlined.
static rlcStatus put_curves(rlcBuf *b, const char *const *dirs, int n, const char *tmp_png, const char *alt) {
  rlcStatus s = rlc_run_plot(dirs, n, tmp_png);
  if (s) return s;
  char before[200];
  snprintf(before, sizeof before, "<img alt=\"%s\" src=\"", alt);
  bool ok = put_file(b, tmp_png, before, "image/png", "\">");
  remove(tmp_png);
  return ok ? RLC_OK : rlc_error(RLC_ERR_IO, "report: cannot read back the curves");
}

static void put_config(rlcBuf *b, const rlcOpts *cfg) {
  put(b, "<h3>Configuration (%d settings, config.txt)</h3><div class=\"cfg\">", cfg->n);
  for (int i = 0; i < cfg->n; i++) {
    put(b, "<div><span class=\"k\">");
    put_text(b, cfg->key[i]);
    put(b, "</span> ");
    put_text(b, cfg->val[i][0] ? cfg->val[i] : "\"\"");
    put(b, "</div>");
  }
  put(b, "</div>");
}

// Evaluations of one run: step, wall time, mean ± std, length; and timings.
static rlcStatus put_run_tables(rlcBuf *b, const char *dir) {
  char p[2300];
  snprintf(p, sizeof p, "%.2200s/metrics.csv", dir);
  RunTable t;
  rlcStatus s = run_table_read(&t, p);
  if (s) return rlc_error(s, "report: '%s' is not a run directory (%s)", dir, rlc_last_error());
  const double *x = run_table_col(&t, "step"), *w = run_table_col(&t, "wall_s"), *ev = run_table_col(&t, "eval_return");
  const double *sd = run_table_col(&t, "eval_std"), *len = run_table_col(&t, "eval_length");
  const double *sps = run_table_col(&t, "steps_per_s"), *up = run_table_col(&t, "updates");
  const double *eps = run_table_col(&t, "episodes");
  int last = t.nrows - 1;
  double best = NAN, best_step = NAN;
  put(b, "<h3>Evaluations (greedy policy)</h3><table class=\"num\"><tr><th>step</th><th>wall s</th>"
         "<th>mean return</th><th>std</th><th>mean length</th></tr>");
  for (int r = 0; x && ev && r < t.nrows; r++) {
    if (isnan(ev[r])) continue;
    if (isnan(best) || ev[r] > best) best = ev[r], best_step = x[r];
    put(b, "<tr><td>%.0f</td><td>%.1f</td><td>%.2f</td><td>%.2f</td><td>%.1f</td></tr>", x[r], w ? w[r] : NAN, ev[r],
        sd ? sd[r] : NAN, len ? len[r] : NAN);
  }
  put(b, "</table>");
  if (!isnan(best)) put(b, "<p>Best evaluation: <b>%.2f</b> at step %.0f (kept in best.rlc).</p>", best, best_step);
  if (last >= 0) {
    double wall = w ? w[last] : NAN, steps = x ? x[last] : NAN, updates = up ? up[last] : NAN;
    // Wall time per update is an upper bound: it includes stepping the envs.
    char per[64] = "-";
    if (updates > 0 && wall > 0) snprintf(per, sizeof per, "&le; %.1f &micro;s", wall / updates * 1e6);
    put(b, "<h3>Timings</h3><table class=\"num\"><tr><th>env steps</th><th>episodes</th><th>wall time</th>"
           "<th>steps/s</th><th>updates</th><th>wall time per update</th></tr>"
           "<tr><td>%.0f</td><td>%.0f</td><td>%.1f s</td><td>%.0f</td><td>%.0f</td><td>%s</td></tr></table>",
        steps, eps ? eps[last] : NAN, wall, sps ? sps[last] : NAN, updates, per);
  }
  run_table_free(&t);
  return RLC_OK;
}

// The trained agent: agent.mp4 (a playing video), else agent.gif.
static void put_agent(rlcBuf *b, const char *dir) {
  char p[2300];
  snprintf(p, sizeof p, "%.2200s/agent.mp4", dir);
  put(b, "<h3>The trained agent</h3>");
  if (put_file(b, p, "<video controls autoplay muted loop playsinline src=\"", "video/mp4", "\"></video>")) return;
  snprintf(p, sizeof p, "%.2200s/agent.gif", dir);
  if (put_file(b, p, "<img class=\"agent\" alt=\"the trained agent\" src=\"", "image/gif", "\">")) return;
  put(b, "<p>(no agent.mp4 or agent.gif in this run)</p>");
}

static rlcStatus put_run(rlcBuf *b, const char *dir, const char *tmp_png) {
  char p[2400];
  rlcOpts *cfg = rlc_malloc(sizeof *cfg);
  if (!cfg) return RLC_ERR_NOMEM;
  bool seeds = run_is_seeds_dir(dir);
  char first[2300];
  snprintf(first, sizeof first, "%s", dir);
  int seed_list[RUN_MAX_SEEDS], n_seeds = seeds ? run_seed_dirs(dir, seed_list) : 0;
  // The first seed's run stands for the configuration; every seed gets a row.
  if (n_seeds) snprintf(first, sizeof first, "%s/seed-%d", dir, seed_list[0]);
  snprintf(p, sizeof p, "%s/config.txt", first);
  rlcStatus s = run_config_read(cfg, p);
  if (s) {
    rlc_free(cfg);
    return rlc_error(s, "report: '%s' is not a run directory (%s)", dir, rlc_last_error());
  }
  put(b, "<section><h2>");
  put_text(b, base_name(dir));
  put(b, ": %s on %s", rlc_opts_str(cfg, "algo", "?"), rlc_opts_str(cfg, "env", "?"));
  if (seeds) put(b, ", %d seeds", n_seeds);
  else put(b, ", seed %s", rlc_opts_str(cfg, "seed", "?"));
  put(b, "</h2><p class=\"path\">");
  put_text(b, dir);
  put(b, "</p>");
  put(b, "<h3>Learning curves%s</h3>", seeds ? " (mean and ±1 std band across seeds)" : "");
  const char *one[1] = {dir};
  s = put_curves(b, one, 1, tmp_png, "learning curves");
  if (!s && seeds) {
    put(b, "<h3>Seeds</h3><table class=\"num\"><tr><th>seed</th><th>steps</th><th>final evaluation</th>"
           "<th>best evaluation</th><th>wall s</th></tr>");
    for (int k = 0; k < n_seeds; k++) {
      int sd = seed_list[k];
      snprintf(p, sizeof p, "%s/seed-%d/metrics.csv", dir, sd);
      RunTable t;
      if (run_table_read(&t, p)) continue;
      const double *x = run_table_col(&t, "step"), *ev = run_table_col(&t, "eval_return"), *w = run_table_col(&t, "wall_s");
      double fin = NAN, best = NAN;
      for (int r = 0; ev && r < t.nrows; r++)
        if (!isnan(ev[r])) fin = ev[r], best = isnan(best) || ev[r] > best ? ev[r] : best;
      int l = t.nrows - 1;
      put(b, "<tr><td>%d</td><td>%.0f</td><td>%.2f</td><td>%.2f</td><td>%.1f</td></tr>", sd, l >= 0 && x ? x[l] : NAN,
          fin, best, l >= 0 && w ? w[l] : NAN);
      run_table_free(&t);
    }
    put(b, "</table><p>Evaluations and timings below are the first seed's (");
    put_text(b, base_name(first));
    put(b, ").</p>");
  }
  if (!s) put_agent(b, first);
  if (!s) s = put_run_tables(b, first);
  if (!s) put_config(b, cfg);
  rlc_free(cfg);
  put(b, "</section>");
  return s;
}

static const char *STYLE =
    "body{font-family:'DejaVu Sans',sans-serif;max-width:960px;margin:24px auto;padding:0 16px;color:#222}"
    "h1{font-size:26px;margin-bottom:4px}h2{font-size:20px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:36px}"
    "h3{font-size:16px;margin:20px 0 8px}.path,.meta{color:#666;font-size:13px}"
    "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px}"
    "th{background:#f3f3f3}table.num td{text-align:right}table.cfg td:first-child{font-family:monospace}"
    "img,video{max-width:100%;border:1px solid #ddd}.cfg{columns:3;font-size:12px;font-family:monospace}"
    ".cfg .k{color:#555}";

rlcStatus rlc_run_report(const char *const *dirs, int n_dirs, const char *html_path) {
  if (n_dirs < 1 || n_dirs > REPORT_MAX) return rlc_error(RLC_ERR_ARG, "report: give 1 to %d run directories", REPORT_MAX);
  char tmp_png[2300];
  snprintf(tmp_png, sizeof tmp_png, "%s.curves.%ld.png", html_path, (long)getpid());
  rlcBuf b = {0};
  time_t now = time(NULL);
  char when[64];
  strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", gmtime(&now));
  put(&b, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>rlc report</title><style>%s</style>"
          "</head><body><h1>rlc run report</h1><p class=\"meta\">%d run%s, written %s by rlc %s.</p>",
      STYLE, n_dirs, n_dirs > 1 ? "s" : "", when, RLC_VERSION);
  rlcStatus s = RLC_OK;
  if (n_dirs > 1) {
    // All runs in one figure first (plain runs together, or seed directories together).
    bool all_seeds = true, no_seeds = true;
    for (int i = 0; i < n_dirs; i++) {
      bool sd = run_is_seeds_dir(dirs[i]);
      all_seeds &= sd, no_seeds &= !sd;
    }
    if (all_seeds || no_seeds) {
      put(&b, "<h2>All runs</h2>");
      s = put_curves(&b, dirs, n_dirs, tmp_png, "all runs");
    }
  }
  for (int i = 0; i < n_dirs && !s; i++) s = put_run(&b, dirs[i], tmp_png);
  put(&b, "</body></html>\n");
  if (!s) s = b.err;
  if (!s) s = rlc_file_write_atomic(html_path, b.data, b.len, "report");
  rlc_buf_free(&b);
  remove(tmp_png);
  return s;
}
