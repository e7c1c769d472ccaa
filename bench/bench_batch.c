// bench/bench_batch.c: forward and forward+backward time of one net at every
// batch size from 1 to 33 (default the rainbow notebook's 4-128-128-2 ReLU
// MLP), to show how the kernels handle batches that are not multiples of
// their 8-row vectors and 32-row panels. Each size is timed in the thread's
// CPU time (time-slicing on a shared machine does not count) as the best of
// 9 runs of at least 10 ms.
// With --hash it prints instead, per batch size B, a CRC-32 of the B output
// rows of forward(x, B) and of the first B rows of forward(x, P) for the
// batch P that dqn.c's old fast_batch() padded B to: the two columns are
// equal when the net computes the same bits as the padded call.
// Run: make build/bench/bench_batch && build/bench/bench_batch [arch] [--hash]
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rlc/nn.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

// dqn.c's padding rule (before padding moved into the kernels).
static int old_fast_batch(int n, int max_batch) {
  int b = n <= 12 ? n : n <= 24 ? 24 : (n + 7) / 8 * 8;
  return b < max_batch ? b : max_batch;
}

int main(int argc, char **argv) {
  const char *arch = "4-128-128-2";
  int hash = 0, max_b = 33;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--hash")) hash = 1, max_b = 100;
    else arch = argv[i];
  }
  rlcNetDef def = rlc_net_default_def();
  def.max_batch = 128;
  def.seed = 1;
  rlcNet *net = NULL;
  if (rlc_net_def_mlp(&def, arch, RLC_LAYER_RELU) || rlc_net_create(&def, &net)) {
    fprintf(stderr, "bench_batch: %s\n", rlc_last_error());
    return 1;
  }
  rlcRng rng;
  rlc_rng_seed(&rng, 7);
  size_t nx = (size_t)def.max_batch * net->in_size, ny = (size_t)def.max_batch * net->out_size;
  float *x = malloc(sizeof(float) * nx), *g = malloc(sizeof(float) * ny);
  float *y = malloc(sizeof(float) * ny);
  for (size_t i = 0; i < nx; i++) x[i] = (float)rlc_rng_uniform(&rng, -1, 1);
  for (size_t i = 0; i < ny; i++) g[i] = (float)rlc_rng_uniform(&rng, -1, 1);

  if (hash) {
    printf("# B  crc(forward(B))  crc(forward(padded B)[:B])  padded\n");
    for (int B = 1; B <= max_b; B++) {
      size_t n = (size_t)B * net->out_size * sizeof(float);
      uint32_t a = rlc_crc32(0, rlc_net_forward(net, x, B), n);
      int P = old_fast_batch(B, def.max_batch);
      uint32_t b = rlc_crc32(0, rlc_net_forward(net, x, P), n);
      printf("%3d  %08x  %08x  %3d%s\n", B, a, b, P, a == b ? "" : "  differ");
    }
    return 0;
  }

  rlcFpMode fp = rlc_fp_fast_begin();
  printf("# %s ReLU: microseconds per call, thread CPU time, best of 9 runs of >= 10 ms\n", arch);
  printf("#  B  forward  fwd+bwd  fwd+bwd/row\n");
  for (int B = 1; B <= max_b; B++) {
    double best_f = 1e9, best_fb = 1e9;
    for (int run = 0; run < 9; run++) {
      for (int mode = 0; mode < 2; mode++) {
        long n = 0;
        double t0 = now(), t;
        do {
          for (int k = 0; k < 50; k++) {
            const float *o = rlc_net_forward(net, x, B);
            if (mode) rlc_net_backward(net, g, NULL);
            y[0] += o[0];
          }
          n += 50;
          t = now() - t0;
        } while (t < 0.01);
        double us = t / n * 1e6;
        if (mode == 0 && us < best_f) best_f = us;
        if (mode == 1 && us < best_fb) best_fb = us;
      }
    }
    printf("%4d  %7.2f  %7.2f  %7.3f\n", B, best_f, best_fb, best_fb / B);
    fflush(stdout);
  }
  rlc_fp_fast_end(fp);
  free(x), free(g), free(y);
  rlc_net_destroy(net);
  return 0;
}
