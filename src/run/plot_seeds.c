// plot_seeds.c: learning curves across seeds (`rlc plot DIR` of a directory
// `rlc train --seeds` wrote: DIR/seed-S/...). Each configuration becomes one
// mean curve with a band of ± one standard deviation across its seeds, for
// the training return's running average and for the greedy evaluations, as
// rl-zoo's plotting scripts and papers draw them.
// Depends on: rlc/run.h, rlc/out.h, run_internal.h.
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run/run_internal.h"

#define MAX_GROUPS 10
#define MAX_MEMBERS RUN_MAX_SEEDS
#define GRID 200

typedef struct {
  int n;                               // seeds
  char label[200];
  double gx[GRID], gmean[GRID], glo[GRID], ghi[GRID];    // running average of training returns
  int ne;                              // evaluation points (the first seed's steps)
  double *ex, *emean, *elo, *ehi;
} Group;

static bool has_file(const char *dir, const char *name) {
  char p[4400];
  struct stat st;
  snprintf(p, sizeof p, "%s/%s", dir, name);
  return stat(p, &st) == 0;
}

// Seed subdirectories (seed-N holding metrics.csv), sorted by N.
int run_seed_dirs(const char *dir, int *seeds) {
  DIR *d = opendir(dir);
  int n = 0;
  char p[2200];
  for (struct dirent *e; d && (e = readdir(d)) && n < MAX_MEMBERS;) {
    int s;
    char tail;
    if (sscanf(e->d_name, "seed-%d%c", &s, &tail) != 1 || s < 0) continue;
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    if (has_file(p, "metrics.csv")) seeds[n++] = s;
  }
  if (d) closedir(d);
  for (int i = 1; i < n; i++)
    for (int k = i; k > 0 && seeds[k - 1] > seeds[k]; k--) {
      int t = seeds[k];
      seeds[k] = seeds[k - 1], seeds[k - 1] = t;
    }
  return n;
}

bool run_is_seeds_dir(const char *dir) {
  int seeds[MAX_MEMBERS];
  return !has_file(dir, "metrics.csv") && run_seed_dirs(dir, seeds) > 0;
}

// The running average (last 10% of episodes, at most 100) at each grid step:
// the value after the last episode that ended at or before it.
static void running_average_on_grid(const RunTable *ep, const double *gx, double *out) {
  const double *x = run_table_col(ep, "step"), *y = run_table_col(ep, "return");
  int n = ep->nrows, w = n / 10 < 1 ? 1 : n / 10 > 100 ? 100 : n / 10, k = 0;
  double sum = 0, avg = NAN;
  for (int g = 0; g < GRID; g++) {
    while (x && y && k < n && x[k] <= gx[g]) {
      sum += y[k] - (k >= w ? y[k - w] : 0);
      avg = sum / (k + 1 < w ? k + 1 : w);
      k++;
    }
    out[g] = avg;
  }
}

static void mean_std(const double *v, int n, double *mean, double *lo, double *hi) {
  double s = 0, s2 = 0;
  int k = 0;
  for (int i = 0; i < n; i++)
    if (isfinite(v[i])) s += v[i], s2 += v[i] * v[i], k++;
  double m = k ? s / k : NAN, sd = k ? sqrt(fmax(0, s2 / k - m * m)) : NAN;
  *mean = m, *lo = m - sd, *hi = m + sd;
}

static rlcStatus group_read(Group *g, const char *dir) {
  int seeds[MAX_MEMBERS];
  int n = run_seed_dirs(dir, seeds);
  RunTable *ep = rlc_calloc((size_t)n, sizeof *ep), *m = rlc_calloc((size_t)n, sizeof *m);
  double *vals = rlc_malloc(sizeof(double) * (size_t)n * GRID);
  rlcStatus s = ep && m && vals ? RLC_OK : RLC_ERR_NOMEM;
  char p[2300];
  double xmax = INFINITY;
  for (int i = 0; i < n && !s; i++) {
    snprintf(p, sizeof p, "%s/seed-%d/episodes.csv", dir, seeds[i]);
    s = run_table_read(&ep[i], p);
    snprintf(p, sizeof p, "%s/seed-%d/metrics.csv", dir, seeds[i]);
    if (!s) s = run_table_read(&m[i], p);
    const double *ms = run_table_col(&m[i], "step");
    if (!s && ms && m[i].nrows) xmax = fmin(xmax, ms[m[i].nrows - 1]);
  }
  g->n = n;
  if (!s) {
    rlcOpts cfg;
    snprintf(p, sizeof p, "%s/seed-%d/config.txt", dir, seeds[0]);
    const char *base = strrchr(dir, '/');
    base = base && base[1] ? base + 1 : dir;
    bool have = run_config_read(&cfg, p) == RLC_OK;
    snprintf(g->label, sizeof g->label, "%.80s (%s): mean of %d seeds, band ±1 std", base,
             have ? rlc_opts_str(&cfg, "algo", "?") : "?", n);
    if (!isfinite(xmax) || xmax <= 0) xmax = 1;
    for (int k = 0; k < GRID; k++) g->gx[k] = xmax * (k + 1) / GRID;
    for (int i = 0; i < n; i++) running_average_on_grid(&ep[i], g->gx, vals + (size_t)i * GRID);
    double col[MAX_MEMBERS];
    for (int k = 0; k < GRID; k++) {
      for (int i = 0; i < n; i++) col[i] = vals[(size_t)i * GRID + k];
      mean_std(col, n, &g->gmean[k], &g->glo[k], &g->ghi[k]);
    }
    // Evaluations at the first seed's evaluation steps (every seed of a
    // configuration evaluates at the same steps).
    const double *x0 = run_table_col(&m[0], "step"), *e0 = run_table_col(&m[0], "eval_return");
    int ne = 0;
    for (int r = 0; x0 && e0 && r < m[0].nrows; r++) ne += isfinite(e0[r]);
    g->ex = rlc_malloc(sizeof(double) * (size_t)(ne + 1) * 4);
    if (!g->ex) s = RLC_ERR_NOMEM;
    for (int r = 0, k = 0; !s && r < m[0].nrows && x0 && e0; r++) {
      if (!isfinite(e0[r])) continue;
      g->emean = g->ex + ne, g->elo = g->ex + 2 * ne, g->ehi = g->ex + 3 * ne;
      for (int i = 0; i < n; i++) {
        const double *xi = run_table_col(&m[i], "step"), *ei = run_table_col(&m[i], "eval_return");
        col[i] = NAN;
        for (int q = 0; xi && ei && q < m[i].nrows; q++)
          if (xi[q] == x0[r] && isfinite(ei[q])) col[i] = ei[q];
      }
      g->ex[k] = x0[r];
      mean_std(col, n, &g->emean[k], &g->elo[k], &g->ehi[k]);
      k++;
    }
    g->ne = ne;
  }
  for (int i = 0; i < n; i++) run_table_free(&ep[i]), run_table_free(&m[i]);
  rlc_free(ep);
  rlc_free(m);
  rlc_free(vals);
  if (s) return rlc_error(s, "plot: '%s': %s", dir, rlc_last_error());
  return RLC_OK;
}

rlcStatus run_plot_seeds(const char *const *dirs, int n_dirs, const char *png_path) {
  if (n_dirs < 1 || n_dirs > MAX_GROUPS) return rlc_error(RLC_ERR_ARG, "plot: give 1 to %d seed directories", MAX_GROUPS);
  Group *g = rlc_calloc((size_t)n_dirs, sizeof *g);
  if (!g) return RLC_ERR_NOMEM;
  rlcStatus s = RLC_OK;
  for (int i = 0; i < n_dirs && !s; i++) {
    if (!run_is_seeds_dir(dirs[i]))
      s = rlc_error(RLC_ERR_ARG, "plot: '%s' holds no seed-S runs (plot seed directories of rlc train --seeds together)", dirs[i]);
    else s = group_read(&g[i], dirs[i]);
  }
  if (!s) {
    rlcPlotSeries ret[MAX_GROUPS], ev[MAX_GROUPS];
    int ne = 0;
    for (int i = 0; i < n_dirs; i++) {
      ret[i] = (rlcPlotSeries){g[i].label, g[i].gx, g[i].gmean, GRID, i, 2, 1, false, g[i].glo, g[i].ghi};
      if (g[i].ne)
        ev[ne++] = (rlcPlotSeries){g[i].label, g[i].ex, g[i].emean, g[i].ne, i, 1.5, 1, true, g[i].elo, g[i].ehi};
    }
    rlcPlotPanel pan[2] = {
        {"Training return (running average) across seeds", "environment steps", "episode return", ret, n_dirs, NAN, NULL},
        {"Greedy evaluation across seeds", "environment steps", "mean evaluation return", ev, ne, NAN, NULL}};
    s = rlc_plot_png(png_path, pan, ne ? 2 : 1, 900, 320);
  }
  for (int i = 0; i < n_dirs; i++) rlc_free(g[i].ex);
  rlc_free(g);
  return s;
}
