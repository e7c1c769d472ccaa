// bench_record_frames.c: where a recorded evaluation's time goes (issue 17's
// recording target): CartPole-v1's heuristic policy, 10 episodes, every frame
// to a GIF or an MP4, five ways in one run: no recording; for each format the
// plain frame-by-frame path (one thread; GIF frames compared whole) and the
// recorder (encoder thread; GIF comparisons inside the canvas's boxes, the
// MP4's RGB -> YUV on the caller's thread). Prints wall and CPU time, the CPU
// split between the caller's thread and the encoder (the larger of the two is
// what a recording adds to wall time on an idle machine), medians of 5. Then
// the RGB -> YUV conversion of one rendered frame, the plain loops against
// the vector code (the same bytes).
// Build: make bench; run: build/bench/bench_record_frames
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "out/out_internal.h"
#include "rlc/rlc.h"
#include "run/run_internal.h"

static double clock_s(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(void) {
  enum { REPS = 5, EPISODES = 10 };
  rlcEnv *env;
  rlcAgent *agent;
  if (rlc_env_create("CartPole-v1", NULL, &env) || rlc_agent_create("heuristic", env->spec, "", 0, 1, &agent)) {
    fprintf(stderr, "bench_record_frames: %s\n", rlc_last_error());
    return 1;
  }
  enum { MODES = 5 };
  const char *names[MODES] = {"no recording", "gif, frame by frame", "gif, recorder", "mp4, frame by frame",
                              "mp4, recorder"};
  double t[MODES][3][REPS], frames = 0;  // [mode][wall, cpu, caller's thread][rep]
  char path[2][40] = {"/tmp/rlc-bench-record-XXXXXX.gif", "/tmp/rlc-bench-record-XXXXXX.mp4"};
  for (int i = 0; i < 2; i++) {
    int fd = mkstemps(path[i], 4);
    if (fd < 0) return 1;
    close(fd);
  }
  for (int rep = 0; rep < REPS; rep++)
    for (int mode = 0; mode < MODES; mode++) {
      run_record_set_simple(mode == 1 || mode == 3);
      double w0 = clock_s(CLOCK_MONOTONIC), p0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
      double mean, std, len;
      if (rlc_evaluate(agent, "CartPole-v1", NULL, EPISODES, 7, &mean, &std, &len, mode ? path[mode > 2] : NULL,
                       EPISODES)) {
        fprintf(stderr, "bench_record_frames: %s\n", rlc_last_error());
        return 1;
      }
      t[mode][0][rep] = clock_s(CLOCK_MONOTONIC) - w0;
      t[mode][1][rep] = clock_s(CLOCK_PROCESS_CPUTIME_ID) - p0;
      t[mode][2][rep] = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
      frames = (len + 1) * EPISODES;
    }
  run_record_set_simple(false);
  remove(path[0]), remove(path[1]);
  printf("%.0f frames (600x400), medians of %d\n%-22s %9s %9s %14s %9s %14s\n", frames, REPS, "", "wall ms",
         "cpu ms", "caller's ms", "encoder", "longer us/frame");
  for (int mode = 0; mode < MODES; mode++) {
    double m[3];
    for (int k = 0; k < 3; k++) {
      qsort(t[mode][k], REPS, sizeof(double), cmp_double);
      m[k] = t[mode][k][REPS / 2] * 1e3;
    }
    double enc = m[1] - m[2] > 0 ? m[1] - m[2] : 0, longer = m[2] > enc ? m[2] : enc;
    printf("%-22s %9.1f %9.1f %14.1f %9.1f %14.1f\n", names[mode], m[0], m[1], m[2], enc, longer * 1e3 / frames);
  }
  // RGB -> YUV of one rendered frame, best of 200 each way.
  const rlcEnvSpec *es = env->spec;
  int W = es->render_width, H = es->render_height;
  uint8_t *rgb = malloc((size_t)W * H * 3), *yuv = malloc((size_t)(W + 1) * (H + 1) * 2),
          *scratch = malloc(VIDEO_SCRATCH(W));
  rlcRenderArgs ra = {0};
  uint8_t obs[64];
  if (!rgb || !yuv || !scratch || rlc_env_reset(env, 7, obs) || rlc_env_render(env, &ra, rgb)) return 1;
  for (int plain = 1; plain >= 0; plain--) {
    double best = 1e9;
    for (int rep = 0; rep < 200; rep++) {
      double c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
      for (int y = 0; y < H; y += 2) {
        const uint8_t *a = rgb + (size_t)y * W * 3, *b = y + 1 < H ? a + (size_t)W * 3 : a;
        uint8_t *yy = yuv + (size_t)y * (W + 1), *u = yuv + (size_t)(W + 1) * (H + 1) + (size_t)y / 2 * (W + 1);
        video_rows_to_yuv(a, b, W, yy, yy + W + 1, u, u + (W + 1) / 2, scratch, plain);
      }
      double dt = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
      if (dt < best) best = dt;
    }
    printf("RGB -> YUV of a %dx%d frame, %-14s %7.1f us\n", W, H, plain ? "plain loops:" : "vector code:", best * 1e6);
  }
  free(rgb), free(yuv), free(scratch);
  rlc_agent_destroy(agent);
  rlc_env_destroy(env);
  return 0;
}
