// bench/fma_peak.c: this core's measured single-precision FMA peak: 12
// independent chains of 8-wide fused multiply-adds (AVX2 + FMA; enough
// chains to cover two pipes of 4-cycle latency), timed over about a second
// of CPU time. Prints GFLOP/s (an FMA is 2 FLOPs). bench/bench_minatar_speed.sh
// divides rlc's update FLOP/s by it.
// Build: cc -O2 -o fma_peak bench/fma_peak.c
#include <stdio.h>
#include <time.h>

typedef float v8 __attribute__((vector_size(32)));

__attribute__((target("avx2,fma"), noinline)) static float run(long iters, float m, float a) {
  v8 acc[12], vm = {m, m, m, m, m, m, m, m}, va = {a, a, a, a, a, a, a, a};
  for (int j = 0; j < 12; j++) acc[j] = va * (float)(j + 1);
  for (long i = 0; i < iters; i++) {
#pragma GCC unroll 12
    for (int j = 0; j < 12; j++) acc[j] = __builtin_ia32_vfmaddps256(acc[j], vm, va);
  }
  float s = 0;
  for (int j = 0; j < 12; j++)
    for (int k = 0; k < 8; k++) s += acc[j][k];
  return s;
}

static double cpu_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(void) {
  long iters = 1 << 20;
  double best = 0;
  for (int rep = 0; rep < 40; rep++) {
    double t0 = cpu_seconds();
    volatile float sink = run(iters, 0.999999f, 1e-7f);
    (void)sink;
    double dt = cpu_seconds() - t0, gf = 12.0 * 8 * 2 * iters / dt / 1e9;
    if (gf > best) best = gf;
    if (dt < 0.02) iters *= 2;
  }
  printf("%.1f\n", best);
  return 0;
}
