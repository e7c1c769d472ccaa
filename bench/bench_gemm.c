// bench/bench_gemm.c: rlc's dense and conv kernels against OpenBLAS's
// cblas_sgemm on one thread, for the shapes rlc's benchmark nets use (batch 32
// and batch 1). Each row times the same product both ways on the same data
// (best of 5 runs of at least 50 ms) and prints microseconds, GFLOP/s and
// BLAS time / rlc time (> 1: rlc is faster).
//   dense forward  out (B, OC) = inp (B, C) @ W^T + bias   sgemm(N, T) after copying bias rows
//   dense dinp     dinp (B, C) += dout (B, OC) @ W          sgemm(N, N), beta 1
//   dense dweight  dW (OC, C) += dout^T (OC, B) @ inp       sgemm(T, N), beta 1
//   conv forward   MinAtar's 16 3x3 filters over 32 10x10x4 images: rlc_conv2d_forward
//                  (im2col in chunks of whole images + product) against the same im2col for the whole
//                  batch + one sgemm (2048, 16, 36), bias rows copied first
//   conv dweight   dW (16, 36) += dout^T (16, 2048) @ col (2048, 36): rlc_conv2d_backward
//                  (dinp NULL, as for a first layer) against im2col + sgemm(T, N)
// Built by `make bench` when libopenblas-dev is installed (pkg-config openblas);
// without it the program says so and exits 0. Run: build/bench/bench_gemm.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rlc/nn.h"

#ifdef HAVE_OPENBLAS
#include <cblas.h>

static float *mk(size_t n, rlcRng *rng) {
  float *p = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
  for (size_t i = 0; i < n; i++) p[i] = (float)rlc_rng_uniform(rng, -1, 1);
  return p;
}

// Seconds per call: best of 5 runs of at least 50 ms each.
#define TIME(expr)                                               \
  ({                                                             \
    double best_ = 1e9;                                          \
    for (int r_ = 0; r_ < 5; r_++) {                             \
      long it_ = 0;                                              \
      double t0_ = rlc_time_s(), t_;                                    \
      do {                                                       \
        for (int q_ = 0; q_ < 10; q_++) { expr; }                \
        it_ += 10;                                               \
        t_ = rlc_time_s() - t0_;                                        \
      } while (t_ < 0.05);                                       \
      if (t_ / it_ < best_) best_ = t_ / it_;                    \
    }                                                            \
    best_;                                                       \
  })

static void row(const char *shape, const char *op, double flops, double t_rlc, double t_blas) {
  printf("| %-18s | %-8s | %9.2f | %9.2f | %7.1f | %7.1f | %6.2fx |\n", shape, op, t_rlc * 1e6,
         t_blas * 1e6, flops / t_rlc / 1e9, flops / t_blas / 1e9, t_blas / t_rlc);
}

static void bias_rows(float *out, const float *bias, int rows, int n) {
  for (int r = 0; r < rows; r++) memcpy(out + (size_t)r * n, bias, sizeof(float) * n);
}

static void dense(int B, int C, int OC, rlcRng *rng) {
  float *x = mk((size_t)B * C, rng), *w = mk((size_t)OC * C, rng), *b = mk(OC, rng);
  float *y = mk((size_t)B * OC, rng), *dy = mk((size_t)B * OC, rng), *dx = mk((size_t)B * C, rng);
  float *dw = mk((size_t)OC * C, rng);
  char shape[64];
  snprintf(shape, sizeof shape, "B=%d %dx%d", B, C, OC);
  double f = 2.0 * B * C * OC;
  double tr = TIME(rlc_dense_forward(y, x, w, b, B, C, OC));
  double tb = TIME(bias_rows(y, b, B, OC);
                   cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, OC, C, 1.0f, x, C, w, C,
                               1.0f, y, OC));
  row(shape, "forward", f, tr, tb);
  tr = TIME(rlc_dense_backward(dx, NULL, NULL, dy, x, w, B, C, OC));
  tb = TIME(cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, C, OC, 1.0f, dy, OC, w, C,
                        1.0f, dx, C));
  row(shape, "dinp", f, tr, tb);
  tr = TIME(rlc_dense_backward(NULL, dw, NULL, dy, x, w, B, C, OC));
  tb = TIME(cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, OC, C, B, 1.0f, dy, OC, x, C,
                        1.0f, dw, C));
  row(shape, "dweight", f, tr, tb);
  free(x), free(w), free(b), free(y), free(dy), free(dx), free(dw);
}

// im2col of a batch for a stride-1, unpadded conv: col (B * OH * OW, KH * KW * C).
static void im2col_batch(float *col, const float *inp, int B, const rlcConvShape *s) {
  int K = s->KH * s->KW * s->C;
  for (int b = 0; b < B; b++)
    for (int oh = 0; oh < s->OH; oh++)
      for (int ow = 0; ow < s->OW; ow++) {
        float *r = col + (((size_t)b * s->OH + oh) * s->OW + ow) * K;
        for (int kh = 0; kh < s->KH; kh++)
          memcpy(r + kh * s->KW * s->C,
                 inp + (((size_t)b * s->H + oh + kh) * s->W + ow) * s->C,
                 sizeof(float) * s->KW * s->C);
      }
}

static void conv(int B, rlcRng *rng) {
  rlcConvShape s = {10, 10, 4, 16, 3, 3, 1, 0, 0, 0};
  rlc_conv_shape(&s);
  int K = s.KH * s.KW * s.C, P = s.OH * s.OW, M = B * P;
  float *x = mk((size_t)B * s.H * s.W * s.C, rng), *w = mk((size_t)s.OC * K, rng);
  float *b = mk(s.OC, rng), *y = mk((size_t)M * s.OC, rng), *dy = mk((size_t)M * s.OC, rng);
  float *dw = mk((size_t)s.OC * K, rng), *scratch = mk(rlc_conv_col_size(&s), rng);
  float *col = mk((size_t)M * K, rng);
  char shape[64];
  snprintf(shape, sizeof shape, "conv B=%d", B);
  double f = 2.0 * M * K * s.OC;
  double tr = TIME(rlc_conv2d_forward(y, x, w, b, B, &s, scratch));
  double tb = TIME(im2col_batch(col, x, B, &s); bias_rows(y, b, M, s.OC);
                   cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, s.OC, K, 1.0f, col, K,
                               w, K, 1.0f, y, s.OC));
  row(shape, "forward", f, tr, tb);
  tr = TIME(rlc_conv2d_backward(NULL, dw, NULL, dy, x, w, B, &s, scratch));
  tb = TIME(im2col_batch(col, x, B, &s);
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, s.OC, K, M, 1.0f, dy, s.OC, col,
                        K, 1.0f, dw, K));
  row(shape, "dweight", f, tr, tb);
  // The product alone (no im2col), for reference.
  double tp = TIME(cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, s.OC, K, 1.0f, col, K,
                               w, K, 1.0f, y, s.OC));
  printf("  (conv B=%d: OpenBLAS's forward product alone, without im2col: %.2f us)\n", B, tp * 1e6);
  free(x), free(w), free(b), free(y), free(dy), free(dw), free(scratch), free(col);
}

int main(void) {
  openblas_set_num_threads(1);
  printf("OpenBLAS %s (core %s), 1 thread\n\n", openblas_get_config(), openblas_get_corename());
  printf("| shape (B, C x OC)  | product  |    rlc us |   BLAS us | rlc GF/s | BLAS GF/s | BLAS/rlc |\n");
  printf("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
  rlcRng rng;
  rlc_rng_seed(&rng, 1);
  static const int shapes[][2] = {{4, 128}, {128, 128}, {128, 2}, {1024, 128}, {32, 32}, {128, 6}};
  for (int B = 32; B >= 1; B -= 31)
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
      dense(B, shapes[i][0], shapes[i][1], &rng);
  conv(32, &rng);
  return 0;
}

#else
int main(void) {
  printf("bench_gemm: built without OpenBLAS (apt-get install libopenblas-dev, then make bench)\n");
  return 0;
}
#endif
