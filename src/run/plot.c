// plot.c: learning curves of run directories (curve.png, `rlc plot`): read
// back each run's episodes.csv and metrics.csv and draw the rainbow
// notebook's panels (returns with a running average, loss, exploration rate)
// plus one panel per agent-specific scalar.
// Depends on: rlc/run.h, rlc/out.h, run_internal.h.
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "run/run_internal.h"

#define MAX_RUNS 10
#define MAX_EXTRA 4

typedef struct {
  RunTable ep, m;
  double *avg;           // running average of returns
  char label[160];
} RunData;

// The first column after "updates" that is not a reference column, and so on.
static int extra_cols(const RunTable *t, int *cols) {
  int n = 0, start = -1;
  for (int c = 0; c < t->ncols; c++)
    if (!strcmp(t->name[c], "updates")) start = c + 1;
  for (int c = start; start >= 0 && c < t->ncols && n < MAX_EXTRA; c++) {
    size_t len = strlen(t->name[c]);
    if (len > 4 && !strcmp(t->name[c] + len - 4, "_ref")) continue;
    cols[n++] = c;
  }
  return n;
}

static bool any_finite(const double *v, int n) {
  for (int i = 0; v && i < n; i++)
    if (isfinite(v[i])) return true;
  return false;
}

rlcStatus rlc_run_plot(const char *const *dirs, int n_dirs, const char *png_path) {
  if (n_dirs < 1 || n_dirs > MAX_RUNS) return rlc_error(RLC_ERR_ARG, "plot: give 1 to %d run directories", MAX_RUNS);
  for (int i = 0; i < n_dirs; i++)
    if (run_is_seeds_dir(dirs[i])) return run_plot_seeds(dirs, n_dirs, png_path);
  RunData runs[MAX_RUNS];
  memset(runs, 0, sizeof runs);
  rlcStatus s = RLC_OK;
  for (int i = 0; i < n_dirs && !s; i++) {
    char p[2100];
    snprintf(p, sizeof p, "%s/episodes.csv", dirs[i]);
    s = run_table_read(&runs[i].ep, p);
    snprintf(p, sizeof p, "%s/metrics.csv", dirs[i]);
    if (!s) s = run_table_read(&runs[i].m, p);
    if (s) {
      s = rlc_error(s, "plot: '%s' is not a run directory (%s)", dirs[i], rlc_last_error());
      break;
    }
    rlcOpts cfg;
    snprintf(p, sizeof p, "%s/config.txt", dirs[i]);
    if (n_dirs > 1 && run_config_read(&cfg, p) == RLC_OK) {
      const char *base = strrchr(dirs[i], '/');
      base = base && base[1] ? base + 1 : dirs[i];
      snprintf(runs[i].label, sizeof runs[i].label, "%s (%s, seed %s)", base, rlc_opts_str(&cfg, "algo", "?"),
               rlc_opts_str(&cfg, "seed", "?"));
    } else if (n_dirs > 1) snprintf(runs[i].label, sizeof runs[i].label, "%s", dirs[i]);
    // Running average over the last `w` episodes.
    int n = runs[i].ep.nrows;
    const double *ret = run_table_col(&runs[i].ep, "return");
    runs[i].avg = rlc_malloc((size_t)(n ? n : 1) * sizeof(double));
    if (!runs[i].avg) s = RLC_ERR_NOMEM;
    int w = n / 10 < 1 ? 1 : n / 10 > 100 ? 100 : n / 10;
    double sum = 0;
    for (int k = 0; !s && ret && k < n; k++) {
      sum += ret[k] - (k >= w ? ret[k - w] : 0);
      runs[i].avg[k] = sum / (k + 1 < w ? k + 1 : w);
    }
  }

  rlcPlotSeries ser[4 + MAX_EXTRA][3 * MAX_RUNS];
  rlcPlotPanel pan[4 + MAX_EXTRA];
  int np = 0;
  if (!s) {
    // Returns.
    rlcPlotPanel *p = &pan[np++];
    memset(p, 0, sizeof *p);
    *p = (rlcPlotPanel){"Return", "environment steps", "episode return", ser[0], 0, NAN, NULL};
    for (int i = 0; i < n_dirs; i++) {
      const double *x = run_table_col(&runs[i].ep, "step"), *y = run_table_col(&runs[i].ep, "return");
      int n = runs[i].ep.nrows;
      if (n_dirs == 1 && x && y) {
        ser[0][p->n_series++] = (rlcPlotSeries){"episode", x, y, n, 0, 1, 0.3, false, NULL, NULL};
        ser[0][p->n_series++] = (rlcPlotSeries){"running average", x, runs[i].avg, n, 0, 2.2, 1, false, NULL, NULL};
      } else if (x && y)
        ser[0][p->n_series++] = (rlcPlotSeries){runs[i].label, x, runs[i].avg, n, i, 2, 1, false, NULL, NULL};
      const double *mx = run_table_col(&runs[i].m, "step"), *ev = run_table_col(&runs[i].m, "eval_return");
      if (mx && any_finite(ev, runs[i].m.nrows)) {
        // Evaluations are the rows that have them; plot them as points joined.
        ser[0][p->n_series++] = (rlcPlotSeries){n_dirs == 1 ? "greedy evaluation" : NULL, mx, ev, runs[i].m.nrows,
                                                n_dirs == 1 ? 1 : i, 1, 0.8, true, NULL, NULL};
      }
    }
    // Loss, exploration, extras: one series per run where there is data.
    const char *cols[] = {"loss", "epsilon", "temperature"};
    const char *titles[] = {"Loss", "Exploration (epsilon)", "Exploration (temperature)"};
    for (int k = 0; k < 3; k++) {
      int n_ser = 0;
      for (int i = 0; i < n_dirs; i++) {
        const double *x = run_table_col(&runs[i].m, "step"), *y = run_table_col(&runs[i].m, cols[k]);
        if (!x || !any_finite(y, runs[i].m.nrows)) continue;
        ser[np][n_ser++] = (rlcPlotSeries){n_dirs > 1 ? runs[i].label : NULL, x, y, runs[i].m.nrows, i, 1.5, 1, false, NULL, NULL};
      }
      if (n_ser) pan[np] = (rlcPlotPanel){titles[k], "environment steps", cols[k], ser[np], n_ser, NAN, NULL}, np++;
    }
    int ec[MAX_EXTRA], ne = extra_cols(&runs[0].m, ec);
    for (int e = 0; e < ne; e++) {
      const char *name = runs[0].m.name[ec[e]];
      char refname[64];
      snprintf(refname, sizeof refname, "%s_ref", name);
      int n_ser = 0;
      double ref = NAN;
      for (int i = 0; i < n_dirs; i++) {
        const double *x = run_table_col(&runs[i].m, "step"), *y = run_table_col(&runs[i].m, name);
        const double *r = run_table_col(&runs[i].m, refname);
        if (r && runs[i].m.nrows && isnan(ref)) ref = r[runs[i].m.nrows - 1];
        if (!x || !any_finite(y, runs[i].m.nrows)) continue;
        ser[np][n_ser++] = (rlcPlotSeries){n_dirs > 1 ? runs[i].label : name, x, y, runs[i].m.nrows, i, 1.5, 1, false, NULL, NULL};
      }
      if (n_ser) pan[np] = (rlcPlotPanel){name, "environment steps", name, ser[np], n_ser, ref, "reference"}, np++;
    }
    s = rlc_plot_png(png_path, pan, np, 900, 300);
  }
  for (int i = 0; i < n_dirs; i++) {
    run_table_free(&runs[i].ep);
    run_table_free(&runs[i].m);
    rlc_free(runs[i].avg);
  }
  return s;
}
