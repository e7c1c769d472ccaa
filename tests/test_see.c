// test_see.c: what lets people see a run: the best model (best.rlc), kept
// whenever an evaluation beats every earlier one, across a resume too.
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/run_internal.h"
#include "test.h"

// The highest eval_return of a run's metrics.csv and its step (the first one).
static double best_in_metrics(const char *dir, int64_t *step) {
  char p[700];
  snprintf(p, sizeof p, "%s/metrics.csv", dir);
  RunTable t;
  double best = NAN;
  *step = -1;
  if (run_table_read(&t, p)) return NAN;
  const double *x = run_table_col(&t, "step"), *ev = run_table_col(&t, "eval_return");
  for (int i = 0; x && ev && i < t.nrows; i++)
    if (!isnan(ev[i]) && (isnan(best) || ev[i] > best)) best = ev[i], *step = (int64_t)x[i];
  run_table_free(&t);
  return best;
}

static void train_random(const char *dir, int64_t steps, bool resume) {
  rlcRun *run = NULL;
  if (resume) CHECK_OK(rlc_run_resume(dir, &run));
  else {
    rlcOpts cfg;
    const char *sets[1] = {"steps=12000,episodes=0,eval_interval=1000,eval_episodes=5,gif=false"};
    CHECK_OK(rlc_run_config(&cfg, "random", "CartPole-v1", NULL, sets, 1));
    CHECK_OK(rlc_run_create(&cfg, dir, true, &run));
  }
  if (run) CHECK_OK(rlc_run_train(run, steps, 0, NULL, NULL));
  rlc_run_destroy(run);
}

TEST(run_keeps_best_model) {
  char a[512], b[512];
  snprintf(a, sizeof a, "%s/whole", test_tmpdir());
  snprintf(b, sizeof b, "%s/split", test_tmpdir());
  train_random(a, 0, false);
  int64_t step;
  double best = best_in_metrics(a, &step);
  CHECK_MSG(step > 1000, "the random agent's best evaluation came first (%g at %lld): a weak test", best, (long long)step);
  rlcRun *run = NULL;
  CHECK_OK(rlc_run_load_best(a, &run));
  if (run) {
    rlcRunStatus st;
    rlc_run_status(run, &st);
    CHECK_EQ_INT(st.steps, step);
    CHECK_NEAR(st.eval_mean, best, 1e-4 * fabs(best));
    rlc_run_destroy(run);
  }
  CHECK_OK(rlc_run_load(a, &run));
  if (run) {
    rlcRunStatus st;
    rlc_run_status(run, &st);
    CHECK_EQ_INT(st.steps, 12000);
    rlc_run_destroy(run);
  }
  // A resumed run replaces best.rlc only with a better evaluation: the same
  // best as the unbroken run's.
  train_random(b, step + 500, false);
  train_random(b, 12000, true);
  CHECK_OK(rlc_run_load_best(b, &run));
  if (run) {
    rlcRunStatus st;
    rlc_run_status(run, &st);
    CHECK_EQ_INT(st.steps, step);
    rlc_run_destroy(run);
  }
  // A run without evaluations has no best model yet: a clear error.
  char c[512];
  snprintf(c, sizeof c, "%s/none", test_tmpdir());
  rlcOpts cfg;
  const char *sets[1] = {"steps=100,eval_interval=0,gif=false"};
  CHECK_OK(rlc_run_config(&cfg, "random", "CartPole-v1", NULL, sets, 1));
  CHECK_OK(rlc_run_create(&cfg, c, false, &run));
  rlc_run_destroy(run);
  CHECK_ERR(rlc_run_load_best(c, &run), RLC_ERR_NOT_FOUND);
  CHECK(strstr(rlc_last_error(), "no best model") != NULL);
}

// rlc train --seeds writes DIR/seed-S; plotting DIR draws each configuration's
// mean with a ±1 std band: the band's tint is there, between the seeds' spread.
TEST(run_plot_seeds_band) {
  char dir[512], p[700];
  snprintf(dir, sizeof dir, "%s/seeds", test_tmpdir());
  for (int seed = 0; seed < 3; seed++) {
    char sets[200];
    snprintf(sets, sizeof sets, "steps=4000,episodes=0,eval_interval=1000,eval_episodes=5,gif=false,seed=%d", seed);
    const char *s1[1] = {sets};
    rlcOpts cfg;
    rlcRun *run = NULL;
    snprintf(p, sizeof p, "%s/seed-%d", dir, seed);
    CHECK_OK(rlc_run_config(&cfg, "random", "CartPole-v1", NULL, s1, 1));
    CHECK_OK(rlc_run_create(&cfg, p, false, &run));
    if (run) CHECK_OK(rlc_run_train(run, 0, 0, NULL, NULL));
    rlc_run_destroy(run);
  }
  CHECK(run_is_seeds_dir(dir));
  snprintf(p, sizeof p, "%s/seed-0", dir);
  CHECK(!run_is_seeds_dir(p));
  char png[700];
  snprintf(png, sizeof png, "%s/plot.png", test_tmpdir());
  const char *dirs[1] = {dir};
  CHECK_OK(rlc_run_plot(dirs, 1, png));
  uint8_t *rgb = NULL;
  int w = 0, h = 0;
  CHECK_OK(rlc_png_read(png, &rgb, &w, &h));
  if (!rgb) return;
  CHECK_EQ_INT(h, 640);  // two panels: training and evaluation
  // The band: palette 0 (31,119,180) at 0.2 over white is about (210,228,240).
  int band = 0;
  for (int i = 0; i < w * h; i++) {
    const uint8_t *q = rgb + 3 * (size_t)i;
    band += abs(q[0] - 210) < 12 && abs(q[1] - 228) < 12 && abs(q[2] - 240) < 12;
  }
  CHECK_MSG(band > 500, "only %d band pixels", band);
  rlc_free(rgb);
  // A seeds directory cannot be mixed with a plain run.
  const char *mixed[2] = {dir, p};
  CHECK_ERR(rlc_run_plot(mixed, 2, png), RLC_ERR_ARG);
}
