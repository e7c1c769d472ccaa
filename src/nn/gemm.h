// gemm.h: internals shared by the dense and conv2d kernels (src/nn only): the
// packed matrix product (defined in kernels.c, which describes the design) and
// short inline copies.
// Depends on: rlc/nn.h (rlcPool), stddef.h, string.h.
#ifndef RLC_NN_GEMM_H
#define RLC_NN_GEMM_H

#include <stddef.h>
#include <string.h>

#include "rlc/nn.h"

// dst (M, N) += coef (M, K) @ src (K, N), accumulating into dst (row stride
// ldd), with coef(m, k) = coef[m * cm + k * ck] and src(k, n) = src[k * sk +
// n * sn]: either operand may be read transposed. No allocation (the packed
// panels live on the stack, 32 KiB).
// Split over the current pool (rlcPool) when large enough; the same bits either way.
void nn_gemm_acc(float *dst, size_t ldd, const float *coef, size_t cm, size_t ck,
                  const float *src, size_t sk, size_t sn, int M, int K, int N);
// On the calling thread alone (inside a part of a split job).
void nn_gemm_acc_serial(float *dst, size_t ldd, const float *coef, size_t cm, size_t ck,
                        const float *src, size_t sk, size_t sn, int M, int K, int N);

// The calling thread's pool (rlc_pool_use), and the floating-point control
// word its workers take on (pool.c, fp.c).
rlcPool *nn_pool_current(void);
uint64_t nn_fp_mode_get(void);
void nn_fp_mode_set(uint64_t mode);

// Parts to cut a job of `work` multiply-adds (or element updates) into: the
// current pool's threads, or 1 without a pool or below NN_PAR_MIN, where a
// hand-over (about a microsecond) would cost more than it saves.
#define NN_PAR_MIN 65536.0
static inline int nn_parts(double work) {
  rlcPool *p = nn_pool_current();
  return p && work >= NN_PAR_MIN ? rlc_pool_threads(p) : 1;
}

// Runs fn over `parts` parts on the current pool (1 part: on the caller).
static inline void nn_run(void (*fn)(void *arg, int part, int parts), void *arg, int parts) {
  if (parts < 2) fn(arg, 0, 1);
  else rlc_pool_run(nn_pool_current(), fn, arg, parts);
}

// The boundary of part k of n items cut into `parts` runs whose lengths are
// multiples of `unit` (the last takes the rest).
static inline int nn_split(int n, int unit, int k, int parts) {
  if (k >= parts) return n;
  int b = (int)(((int64_t)n * k / parts + unit / 2) / unit * unit);
  return b < n ? b : n;
}

// 8 and 4 floats as GCC vectors, at any float alignment.
typedef float v8fu __attribute__((vector_size(32), aligned(4)));
typedef float v4fu __attribute__((vector_size(16), aligned(4)));

// dst[0, n) = src[0, n) for short runs (a conv's patch rows, KW * C = 12
// floats in MinAtar; the ragged last columns of a product): a memcpy call per
// run cost as much as the whole product, so runs of up to 32 floats are moved
// by up to four 8-float (or two 4-float) moves, the last ones overlapping the
// first. (No loops: gcc would turn a copy loop back into a memcpy call.)
static inline void copyf(float *restrict dst, const float *restrict src, int n) {
  if (n > 32) {
    memcpy(dst, src, sizeof(float) * n);
  } else if (n > 16) {
    v8fu a = *(const v8fu *)src, b = *(const v8fu *)(src + 8);
    v8fu c = *(const v8fu *)(src + n - 16), e = *(const v8fu *)(src + n - 8);
    *(v8fu *)dst = a, *(v8fu *)(dst + 8) = b;
    *(v8fu *)(dst + n - 16) = c, *(v8fu *)(dst + n - 8) = e;
  } else if (n >= 8) {
    v8fu a = *(const v8fu *)src, b = *(const v8fu *)(src + n - 8);
    *(v8fu *)dst = a, *(v8fu *)(dst + n - 8) = b;
  } else if (n >= 4) {
    v4fu a = *(const v4fu *)src, b = *(const v4fu *)(src + n - 4);
    *(v4fu *)dst = a, *(v4fu *)(dst + n - 4) = b;
  } else {
    if (n > 0) dst[0] = src[0];
    if (n > 1) dst[1] = src[1];
    if (n > 2) dst[2] = src[2];
  }
}

// dst[0, n) = 0, the same way.
static inline void zerof(float *dst, int n) {
  const v8fu z8 = {0};
  const v4fu z4 = {0};
  if (n > 32) {
    memset(dst, 0, sizeof(float) * n);
  } else if (n > 16) {
    *(v8fu *)dst = z8, *(v8fu *)(dst + 8) = z8;
    *(v8fu *)(dst + n - 16) = z8, *(v8fu *)(dst + n - 8) = z8;
  } else if (n >= 8) {
    *(v8fu *)dst = z8, *(v8fu *)(dst + n - 8) = z8;
  } else if (n >= 4) {
    *(v4fu *)dst = z4, *(v4fu *)(dst + n - 4) = z4;
  } else {
    if (n > 0) dst[0] = 0.0f;
    if (n > 1) dst[1] = 0.0f;
    if (n > 2) dst[2] = 0.0f;
  }
}

#endif
