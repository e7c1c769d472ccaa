// test_see.c: what lets people see a run: the best model (best.rlc), kept
// whenever an evaluation beats every earlier one, across a resume too.
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "out/out_internal.h"
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

//------------------------------------------------------------------------------
// MP4 video
//------------------------------------------------------------------------------

// Frames of an odd size come back decoded: count, padded even size, rate, and
// colours within H.264's loss.
TEST(video_roundtrip) {
  char path[600];
  snprintf(path, sizeof path, "%s/v.mp4", test_tmpdir());
  const int W = 101, H = 61, N = 30;
  uint8_t *rgb = malloc((size_t)W * H * 3);
  rlcVideo *v = NULL;
  CHECK_OK(rlc_video_create(path, W, H, 10, &v));
  if (!v) return;
  for (int f = 0; f < N; f++) {
    for (int i = 0; i < W * H; i++) {
      int x = i % W;
      rgb[3 * i] = (uint8_t)(f * 8), rgb[3 * i + 1] = x < W / 2 ? 200 : 40, rgb[3 * i + 2] = 100;
    }
    CHECK_OK(rlc_video_add_frame(v, rgb));
  }
  CHECK_EQ_INT(rlc_video_frame_count(v), N);
  CHECK(access(path, F_OK) != 0);  // nothing at the path before close
  CHECK_OK(rlc_video_close(v));
  int frames = 0, w = 0, h = 0;
  double fps = 0;
  CHECK_OK(rlc_video_read_info(path, &frames, &w, &h, &fps));
  CHECK_EQ_INT(frames, N);
  CHECK_EQ_INT(w, 102);
  CHECK_EQ_INT(h, 62);
  CHECK_NEAR(fps, 10, 1e-9);
  uint8_t *back = NULL;
  CHECK_OK(rlc_video_read_frame(path, 20, &back));
  if (back) {
    const uint8_t *l = back + ((size_t)30 * w + 10) * 3, *r = back + ((size_t)30 * w + 90) * 3;
    CHECK_MSG(abs(l[0] - 160) < 12 && abs(l[1] - 200) < 12 && abs(l[2] - 100) < 12, "left (%d,%d,%d)", l[0], l[1], l[2]);
    CHECK_MSG(abs(r[1] - 40) < 12, "right green %d", r[1]);
    rlc_free(back);
  }
  free(rgb);
  // Errors: sizes, an empty video (no file left), missing files.
  CHECK_ERR(rlc_video_create(path, 1, 10, 10, &v), RLC_ERR_ARG);
  CHECK_ERR(rlc_video_create(path, 10, 10, 0, &v), RLC_ERR_ARG);
  char empty[700];
  snprintf(empty, sizeof empty, "%s/empty.mp4", test_tmpdir());
  CHECK_OK(rlc_video_create(empty, 10, 10, 5, &v));
  CHECK_ERR(rlc_video_close(v), RLC_ERR_STATE);
  CHECK(access(empty, F_OK) != 0);
  CHECK_ERR(rlc_video_read_info(empty, &frames, &w, &h, &fps), RLC_ERR_NOT_FOUND);
  snprintf(empty, sizeof empty, "%s/no/dir/x.mp4", test_tmpdir());
  CHECK(rlc_video_create(empty, 10, 10, 5, &v) != RLC_OK);
  // A file that is not a video.
  snprintf(empty, sizeof empty, "%s/bad.mp4", test_tmpdir());
  FILE *f = fopen(empty, "w");
  fputs("not a video", f);
  fclose(f);
  CHECK(rlc_video_read_info(empty, &frames, &w, &h, &fps) != RLC_OK);
}

// RGB -> YUV 4:2:0: the vector code gives the reference loops' bytes at every
// width (whole blocks of 16, the rest, odd widths) and on the same row twice
// (an odd height's last row); known colours land on BT.601's values.
TEST(video_yuv_vector_equals_plain) {
  enum { MAXW = 83 };
  uint8_t a[3 * MAXW], b[3 * MAXW], y[2][2][MAXW + 1], u[2][MAXW], v[2][MAXW];
  uint8_t sum[VIDEO_SCRATCH(MAXW)] __attribute__((aligned(16)));
  uint64_t st = 12345;
  for (int w = 1; w <= MAXW; w++)
    for (int same = 0; same < 2; same++) {
      for (int i = 0; i < 3 * w; i++) {
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        a[i] = (uint8_t)(st >> 56), b[i] = (uint8_t)(st >> 48);
        if (i % 7 == 0) a[i] = 255, b[i] = 0;  // extremes too
      }
      const uint8_t *rb = same ? a : b;
      memset(y, 0, sizeof y), memset(u, 0, sizeof u), memset(v, 0, sizeof v);
      for (int k = 0; k < 2; k++) video_rows_to_yuv(a, rb, w, y[k][0], y[k][1], u[k], v[k], sum, k == 0);
      CHECK_MSG(!memcmp(y[0], y[1], sizeof y[0]) && !memcmp(u[0], u[1], sizeof u[0]) && !memcmp(v[0], v[1], sizeof v[0]),
                "width %d, same row %d: vector and plain differ", w, same);
    }
  // Red, white and black, 32 pixels (two vector blocks).
  const uint8_t colour[3][3] = {{255, 0, 0}, {255, 255, 255}, {0, 0, 0}}, want[3][3] = {{81, 90, 240}, {235, 128, 128}, {16, 128, 128}};
  for (int c = 0; c < 3; c++) {
    for (int i = 0; i < 32; i++) memcpy(a + 3 * i, colour[c], 3);
    video_rows_to_yuv(a, a, 32, y[0][0], y[0][1], u[0], v[0], sum, false);
    CHECK_MSG(y[0][0][31] == want[c][0] && u[0][15] == want[c][1] && v[0][15] == want[c][2], "colour %d: %d %d %d", c,
              y[0][0][31], u[0][15], v[0][15]);
  }
}

static bool same_file(const char *a, const char *b, long *na, long *nb) {
  FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
  bool same = fa && fb;
  *na = *nb = 0;
  for (int ca = 0, cb = 0; same && ca != EOF; (*na)++, (*nb)++) {
    ca = fgetc(fa), cb = fgetc(fb);
    same = ca == cb;
  }
  if (fa) fclose(fa);
  if (fb) fclose(fb);
  return same;
}

// Recordings encoded on a second thread while the next frames render, each
// frame compared with the last only where the canvas drew, are the files
// encoded frame by frame with whole frames compared, byte for byte, for every
// env that renders.
TEST(recording_thread_same_files) {
  int envs = 0;
  char seen[64][64];
  for (int i = 0; i < rlc_env_registry_count(); i++) {
    const rlcEnvRegistration *reg = rlc_env_registry_get(i);
    // One version of each env (they render alike), short episodes.
    char base[64];
    snprintf(base, sizeof base, "%s", reg->id);
    if (strstr(base, "-v")) *strstr(base, "-v") = 0;
    bool dup = false;
    for (int j = 0; j < envs && !dup; j++) dup = !strcmp(seen[j], base);
    rlcEnv *env;
    if (dup || envs == 64 || rlc_env_create(reg->id, NULL, &env)) continue;
    bool renders = env->spec->render_width > 0 && env->spec->cls->render;
    const char *ext = !strcmp(reg->id, "CartPole-v1") ? "mp4" : "gif";
    char path[2][600];
    for (int pass = 0; renders && pass < 2; pass++) {
      rlcAgent *agent = NULL;
      CHECK_OK(rlc_agent_create("random", env->spec, "", 3, 1, &agent));
      if (!agent) break;
      snprintf(path[pass], sizeof path[pass], "%s/thread-%d.%s", test_tmpdir(), pass, ext);
      run_record_set_simple(pass == 1);
      double mean, std, len;
      CHECK_OK(rlc_evaluate(agent, reg->id, "max_episode_steps=40", 2, 5, &mean, &std, &len, path[pass], 2));
      rlc_agent_destroy(agent);
    }
    run_record_set_simple(false);
    rlc_env_destroy(env);
    if (!renders) continue;
    snprintf(seen[envs++], sizeof seen[0], "%s", base);
    long na, nb;
    CHECK_MSG(same_file(path[0], path[1], &na, &nb), "%s: the fast recording differs at byte %ld", reg->id, na);
  }
  CHECK(envs >= 8);
}

// rlc_evaluate records an .mp4 name as video: one frame per step plus the
// first, at the env's render fps.
TEST(evaluate_records_video) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create("CartPole-v1", NULL, &env));
  rlcAgent *agent = NULL;
  CHECK_OK(rlc_agent_create("heuristic", env->spec, "", 0, 1, &agent));
  if (!agent) return;
  char path[600];
  snprintf(path, sizeof path, "%s/e.mp4", test_tmpdir());
  double mean, std, len;
  CHECK_OK(rlc_evaluate(agent, "CartPole-v1", NULL, 2, 0, &mean, &std, &len, path, 1));
  int frames = 0, w = 0, h = 0;
  double fps = 0;
  CHECK_OK(rlc_video_read_info(path, &frames, &w, &h, &fps));
  // The first episode only: its length + 1 frames (seed 0).
  double m1, s1, l1;
  CHECK_OK(rlc_evaluate(agent, "CartPole-v1", NULL, 1, 0, &m1, &s1, &l1, NULL, 0));
  CHECK_EQ_INT(frames, (int)l1 + 1);
  CHECK_EQ_INT(w, 600);
  CHECK_EQ_INT(h, 400);
  CHECK_NEAR(fps, env->spec->render_fps, 1e-9);
  rlc_agent_destroy(agent);
  rlc_env_destroy(env);
}
