// bench_record_frames.c: where a recorded evaluation's time goes (issue 17's
// recording target): CartPole-v1's heuristic policy, 10 episodes, every frame
// to a GIF, three ways in one run: no recording, the plain frame-by-frame
// path (whole frames compared, one thread) and the recorder (encoder thread,
// comparisons inside the canvas's boxes). Prints wall and CPU time, the CPU
// split between the caller's thread and the encoder (the larger of the two is
// what a recording adds to wall time on an idle machine), medians of 5.
// Build: make bench; run: build/bench/bench_record_frames
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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
  const char *names[3] = {"no recording", "gif, frame by frame", "gif, recorder"};
  double t[3][3][REPS], frames = 0;  // [mode][wall, cpu, caller's thread][rep]
  char path[] = "/tmp/rlc-bench-record-XXXXXX.gif";
  int fd = mkstemps(path, 4);
  if (fd < 0) return 1;
  for (int rep = 0; rep < REPS; rep++)
    for (int mode = 0; mode < 3; mode++) {
      run_record_set_simple(mode == 1);
      double w0 = clock_s(CLOCK_MONOTONIC), p0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
      double mean, std, len;
      if (rlc_evaluate(agent, "CartPole-v1", NULL, EPISODES, 7, &mean, &std, &len, mode ? path : NULL, EPISODES)) {
        fprintf(stderr, "bench_record_frames: %s\n", rlc_last_error());
        return 1;
      }
      t[mode][0][rep] = clock_s(CLOCK_MONOTONIC) - w0;
      t[mode][1][rep] = clock_s(CLOCK_PROCESS_CPUTIME_ID) - p0;
      t[mode][2][rep] = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
      frames = (len + 1) * EPISODES;
    }
  remove(path);
  printf("%.0f frames (600x400), medians of %d\n%-22s %9s %9s %14s %9s %14s\n", frames, REPS, "", "wall ms",
         "cpu ms", "caller's ms", "encoder", "longer us/frame");
  for (int mode = 0; mode < 3; mode++) {
    double m[3];
    for (int k = 0; k < 3; k++) {
      qsort(t[mode][k], REPS, sizeof(double), cmp_double);
      m[k] = t[mode][k][REPS / 2] * 1e3;
    }
    double enc = m[1] - m[2] > 0 ? m[1] - m[2] : 0, longer = m[2] > enc ? m[2] : enc;
    printf("%-22s %9.1f %9.1f %14.1f %9.1f %14.1f\n", names[mode], m[0], m[1], m[2], enc, longer * 1e3 / frames);
  }
  rlc_agent_destroy(agent);
  rlc_env_destroy(env);
  return 0;
}
