// conv.c: 2-D convolution over channel-last images (NHWC), weight (OC, KH, KW, C),
// zero padding and stride; forward and backward (backward accumulates, +=).
// Two paths: im2col (caller scratch `col`) turns each image into a (P, K) patch
// matrix so the work is matrix products with contiguous, vectorizable inner
// loops; the direct path (col == NULL) walks the kernel window in place.
// Depends on: rlc/nn.h (rlcConvShape), rlc/core.h (rlc_error), string.h.
#include <string.h>

#include "rlc/nn.h"

// Sizes used everywhere below. K is one patch: the weight's inner (KH, KW, C)
// layout, which is also the order of an im2col row, so a weight row and a patch
// row line up element for element.
typedef struct Dims {
  int H, W, C, OC, KH, KW, S, pad, OH, OW;
  int P;   // OH * OW output pixels per image
  int K;   // KH * KW * C values per patch
  int KWC; // KW * C: one kernel row, contiguous in both the image and the weight
} Dims;

static Dims dims_of(const rlcConvShape *s) {
  Dims d = {s->H, s->W, s->C, s->OC, s->KH, s->KW, s->stride, s->pad, s->OH, s->OW, 0, 0, 0};
  d.P = d.OH * d.OW;
  d.K = d.KH * d.KW * d.C;
  d.KWC = d.KW * d.C;
  return d;
}

#define CONV_LIM (1LL << 30)

// a*b*c*d > CONV_LIM, for positive factors, without overflowing.
static bool prod_big(long long a, long long b, long long c, long long d) {
  long long f[4] = {a, b, c, d}, p = 1;
  for (int i = 0; i < 4; i++) {
    if (f[i] > CONV_LIM) return true;
    p *= f[i];
    if (p > CONV_LIM) return true;
  }
  return false;
}

rlcStatus rlc_conv_shape(rlcConvShape *s) {
  if (!s) return rlc_error(RLC_ERR_ARG, "conv2d: shape is NULL");
  if (s->H < 1 || s->W < 1 || s->C < 1 || s->OC < 1 || s->KH < 1 || s->KW < 1)
    return rlc_error(RLC_ERR_ARG, "conv2d: sizes must be >= 1 (input %dx%dx%d, %d filters %dx%d)",
                     s->H, s->W, s->C, s->OC, s->KH, s->KW);
  if (s->stride < 1 || s->pad < 0)
    return rlc_error(RLC_ERR_ARG, "conv2d: stride must be >= 1 and pad >= 0 (stride %d, pad %d)",
                     s->stride, s->pad);
  // Bound every product the kernels form in int (H*W*C, K*OC, P*K, P*OC).
  if (s->H + 2LL * s->pad > CONV_LIM || s->W + 2LL * s->pad > CONV_LIM ||
      prod_big(s->H, s->W, s->C, 1) || prod_big(s->KH, s->KW, s->C, s->OC))
    return rlc_error(RLC_ERR_ARG, "conv2d: shape too large");
  if (s->H + 2 * s->pad < s->KH || s->W + 2 * s->pad < s->KW)
    return rlc_error(RLC_ERR_ARG, "conv2d: kernel %dx%d larger than padded input %dx%d", s->KH,
                     s->KW, s->H + 2 * s->pad, s->W + 2 * s->pad);
  s->OH = (s->H + 2 * s->pad - s->KH) / s->stride + 1;
  s->OW = (s->W + 2 * s->pad - s->KW) / s->stride + 1;
  if (prod_big(s->OH, s->OW, s->KH, s->KW * s->C) || prod_big(s->OH, s->OW, s->OC, 1))
    return rlc_error(RLC_ERR_ARG, "conv2d: shape too large");
  return RLC_OK;
}

// One image's patch matrix (P, K), then the transposed weight (K, OC) that the
// forward product reads row by row. The kernels work one image at a time, so
// this is all the scratch a call needs, whatever the batch.
size_t rlc_conv_col_size(const rlcConvShape *s) {
  size_t K = (size_t)s->KH * s->KW * s->C;
  return (size_t)s->OH * s->OW * K + K * (size_t)s->OC;
}

// Valid kernel columns for an output column: kw in [lo, hi) keeps
// iw = iw0 + kw inside [0, W).
static inline void kw_range(const Dims *d, int iw0, int *lo, int *hi) {
  *lo = iw0 < 0 ? -iw0 : 0;
  *hi = d->W - iw0 < d->KW ? d->W - iw0 : d->KW;
}

//------------------------------------------------------------------------------
// Small vector helpers (written so gcc vectorizes them without -ffast-math)
//------------------------------------------------------------------------------

// Dot product with 8 independent partial sums: a plain `s += a[i]*b[i]` is a
// serial chain the compiler may not reorder; eight lanes map onto one vector FMA.
static inline float dotf(const float *restrict a, const float *restrict b, int n) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) acc[j] += a[i + j] * b[i + j];
  float s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
  for (; i < n; i++) s += a[i] * b[i];
  return s;
}

// y += a * x
static inline void axpyf(float *restrict y, float a, const float *restrict x, int n) {
  for (int i = 0; i < n; i++) y[i] += a * x[i];
}

//------------------------------------------------------------------------------
// im2col / col2im for one image
//------------------------------------------------------------------------------

// col (P, K): row p holds the zero-padded patch under output pixel p. For a
// fixed kernel row the patch is one contiguous run of the image row.
static void im2col(float *restrict col, const float *restrict img, const Dims *d) {
  for (int oh = 0; oh < d->OH; oh++) {
    for (int ow = 0; ow < d->OW; ow++) {
      float *row = col + ((size_t)oh * d->OW + ow) * d->K;
      int iw0 = ow * d->S - d->pad, lo, hi;
      kw_range(d, iw0, &lo, &hi);
      for (int kh = 0; kh < d->KH; kh++) {
        float *dst = row + kh * d->KWC;
        int ih = oh * d->S - d->pad + kh;
        if (ih < 0 || ih >= d->H || lo >= hi) {
          memset(dst, 0, sizeof(float) * d->KWC);
          continue;
        }
        if (lo > 0) memset(dst, 0, sizeof(float) * lo * d->C);
        memcpy(dst + lo * d->C, img + ((size_t)ih * d->W + iw0 + lo) * d->C,
               sizeof(float) * (hi - lo) * d->C);
        if (hi < d->KW) memset(dst + hi * d->C, 0, sizeof(float) * (d->KW - hi) * d->C);
      }
    }
  }
}

// dimg += col2im(dcol): each patch value goes back to the pixel it came from
// (padding positions are dropped).
static void col2im_add(float *restrict dimg, const float *restrict dcol, const Dims *d) {
  for (int oh = 0; oh < d->OH; oh++) {
    for (int ow = 0; ow < d->OW; ow++) {
      const float *row = dcol + ((size_t)oh * d->OW + ow) * d->K;
      int iw0 = ow * d->S - d->pad, lo, hi;
      kw_range(d, iw0, &lo, &hi);
      if (lo >= hi) continue;
      for (int kh = 0; kh < d->KH; kh++) {
        int ih = oh * d->S - d->pad + kh;
        if (ih < 0 || ih >= d->H) continue;
        float *dst = dimg + ((size_t)ih * d->W + iw0 + lo) * d->C;
        const float *src = row + kh * d->KWC + lo * d->C;
        int n = (hi - lo) * d->C;
        for (int i = 0; i < n; i++) dst[i] += src[i];
      }
    }
  }
}

//------------------------------------------------------------------------------
// The matrix product behind all three im2col products
//------------------------------------------------------------------------------

// GCC's generic vectors (not intrinsics: they compile for any target). Plain
// loops here get vectorized over the wrong axis and spill the register tile,
// at a quarter of the speed.
typedef float v8f __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));

// One tile of C: rows m..m+3, columns n0..n0+NV*L-1 (NV vectors of type VT
// with L lanes), all sums in registers for the whole R loop: per r, NV loads
// of B, 4 broadcasts of A, 4*NV FMAs, no stores. A(m, r) is a[m*am + r*ar].
#define GEMM_TILE(NAME, VT, NV)                                                     \
  static inline void NAME(float *restrict c, const float *restrict a,              \
                          const float *restrict b, const float *restrict bias,     \
                          int N, int R, size_t am, size_t ar, bool accumulate) {    \
    enum { L = sizeof(VT) / sizeof(float) };                                        \
    VT acc[4][NV];                                                                  \
    for (int i = 0; i < 4; i++)                                                     \
      for (int v = 0; v < NV; v++) {                                                \
        if (accumulate)                                                             \
          memcpy(&acc[i][v], c + (size_t)i * N + v * L, sizeof(VT));                \
        else if (bias)                                                              \
          memcpy(&acc[i][v], bias + v * L, sizeof(VT));                             \
        else                                                                        \
          acc[i][v] = (VT){0};                                                      \
      }                                                                             \
    for (int r = 0; r < R; r++, b += N, a += ar) {                                  \
      VT bv[NV];                                                                    \
      for (int v = 0; v < NV; v++) memcpy(&bv[v], b + v * L, sizeof(VT));          \
      for (int i = 0; i < 4; i++) {                                                 \
        float ai = a[i * am];                                                       \
        for (int v = 0; v < NV; v++) acc[i][v] += ai * bv[v];                       \
      }                                                                             \
    }                                                                               \
    for (int i = 0; i < 4; i++)                                                     \
      for (int v = 0; v < NV; v++) memcpy(c + (size_t)i * N + v * L, &acc[i][v], sizeof(VT)); \
  }
GEMM_TILE(tile16, v8f, 2)
GEMM_TILE(tile8, v8f, 1)
GEMM_TILE(tile4, v4f, 1)
GEMM_TILE(tile1, float, 1)  // last columns: still 4 rows of sums in registers

// C (M, N) = C or bias (accumulate or not) + A (M, R) @ B (R, N), with A
// stored as (M, R), or as (R, M) when a_trans. B and C are row-major.
//   forward:  out  (P, OC) = bias + col (P, K) @ wt (K, OC)
//   dinp:     dcol (P, K)  = dout (P, OC) @ weight (OC, K)
//   dweight:  dw   (OC, K) += dout^T (OC, P) @ col (P, K)
// Blocks of 4 rows go through tiles 16, 8, 4 and 1 columns wide (K is 36 =
// 32 + 4 or 90 = 80 + 8 + 2 in MinAtar); rows past the last full block take a
// plain axpy loop.
static void gemm(float *restrict C, const float *restrict A, const float *restrict B,
                 const float *restrict bias, int M, int N, int R, bool a_trans, bool accumulate) {
  const size_t am = a_trans ? 1 : (size_t)R, ar = a_trans ? (size_t)M : 1;
  int m = 0;
  for (; m + 4 <= M; m += 4) {
    const float *a = A + m * am;
    float *c = C + (size_t)m * N;
    int n = 0;
#define TILE(fn) fn(c + n, a, B + n, bias ? bias + n : NULL, N, R, am, ar, accumulate)
    for (; n + 16 <= N; n += 16) TILE(tile16);
    if (n + 8 <= N) TILE(tile8), n += 8;
    if (n + 4 <= N) TILE(tile4), n += 4;
    for (; n < N; n++) TILE(tile1);
#undef TILE
  }
  for (int i = m; i < M; i++) {
    float *restrict c = C + (size_t)i * N;
    if (!accumulate)
      for (int j = 0; j < N; j++) c[j] = bias ? bias[j] : 0.0f;
    for (int r = 0; r < R; r++) {
      float a = A[i * am + r * ar];
      const float *b = B + (size_t)r * N;
      for (int j = 0; j < N; j++) c[j] += a * b[j];
    }
  }
}

//------------------------------------------------------------------------------
// Forward
//------------------------------------------------------------------------------

// Direct path: for each output pixel and each kernel row, one dot product per
// filter over the contiguous run of KW*C values (clipped at the borders).
static void conv_forward_direct(float *restrict out, const float *restrict inp,
                                const float *restrict weight, const float *restrict bias,
                                int B, const Dims *d) {
  for (int b = 0; b < B; b++) {
    const float *img = inp + (size_t)b * d->H * d->W * d->C;
    for (int oh = 0; oh < d->OH; oh++) {
      for (int ow = 0; ow < d->OW; ow++) {
        float *o = out + (((size_t)b * d->OH + oh) * d->OW + ow) * d->OC;
        for (int oc = 0; oc < d->OC; oc++) o[oc] = bias ? bias[oc] : 0.0f;
        int iw0 = ow * d->S - d->pad, lo, hi;
        kw_range(d, iw0, &lo, &hi);
        if (lo >= hi) continue;
        int n = (hi - lo) * d->C;
        for (int kh = 0; kh < d->KH; kh++) {
          int ih = oh * d->S - d->pad + kh;
          if (ih < 0 || ih >= d->H) continue;
          const float *x = img + ((size_t)ih * d->W + iw0 + lo) * d->C;
          const float *w = weight + (size_t)kh * d->KWC + lo * d->C;
          for (int oc = 0; oc < d->OC; oc++) o[oc] += dotf(w + (size_t)oc * d->K, x, n);
        }
      }
    }
  }
}

// out (B, OH, OW, OC) = conv(inp (B, H, W, C), weight (OC, KH, KW, C)) + bias
void rlc_conv2d_forward(float *out, const float *inp, const float *weight, const float *bias,
                        int B, const rlcConvShape *s, float *col) {
  Dims d = dims_of(s);
  if (B <= 0) return;
  if (!col) {
    conv_forward_direct(out, inp, weight, bias, B, &d);
    return;
  }
  // The transposed weight sits after one image's patch matrix; transposing
  // once per call costs K*OC, against P*K*OC per image for the product.
  float *cols = col, *wt = col + (size_t)d.P * d.K;
  for (int oc = 0; oc < d.OC; oc++)
    for (int k = 0; k < d.K; k++) wt[(size_t)k * d.OC + oc] = weight[(size_t)oc * d.K + k];
  for (int b = 0; b < B; b++) {
    im2col(cols, inp + (size_t)b * d.H * d.W * d.C, &d);
    gemm(out + (size_t)b * d.P * d.OC, cols, wt, bias, d.P, d.OC, d.K, false, false);
  }
}

//------------------------------------------------------------------------------
// Backward: dinp (B, H, W, C) += ..., dweight (OC, KH, KW, C) += ...,
// dbias (OC) += sum of dout over batch and pixels. Any may be NULL.
//------------------------------------------------------------------------------

static void conv_backward_direct(float *restrict dinp, float *restrict dweight,
                                 const float *restrict dout, const float *restrict inp,
                                 const float *restrict weight, int B, const Dims *d) {
  for (int b = 0; b < B; b++) {
    const float *img = inp + (size_t)b * d->H * d->W * d->C;
    float *dimg = dinp ? dinp + (size_t)b * d->H * d->W * d->C : NULL;
    for (int oh = 0; oh < d->OH; oh++) {
      for (int ow = 0; ow < d->OW; ow++) {
        const float *g = dout + (((size_t)b * d->OH + oh) * d->OW + ow) * d->OC;
        int iw0 = ow * d->S - d->pad, lo, hi;
        kw_range(d, iw0, &lo, &hi);
        if (lo >= hi) continue;
        int n = (hi - lo) * d->C;
        for (int kh = 0; kh < d->KH; kh++) {
          int ih = oh * d->S - d->pad + kh;
          if (ih < 0 || ih >= d->H) continue;
          size_t xoff = ((size_t)ih * d->W + iw0 + lo) * d->C;
          size_t woff = (size_t)kh * d->KWC + lo * d->C;
          for (int oc = 0; oc < d->OC; oc++) {
            if (dweight) axpyf(dweight + (size_t)oc * d->K + woff, g[oc], img + xoff, n);
            if (dimg) axpyf(dimg + xoff, g[oc], weight + (size_t)oc * d->K + woff, n);
          }
        }
      }
    }
  }
}

// dbias (OC) += column sums of dout (rows, OC), four rows per pass so the
// read-modify-write of dbias is not the chain that sets the pace.
static void bias_grad(float *restrict dbias, const float *restrict dout, size_t rows, int OC) {
  size_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const float *g = dout + r * OC;
    for (int oc = 0; oc < OC; oc++)
      dbias[oc] += (g[oc] + g[OC + oc]) + (g[2 * OC + oc] + g[3 * OC + oc]);
  }
  for (; r < rows; r++)
    for (int oc = 0; oc < OC; oc++) dbias[oc] += dout[r * OC + oc];
}

void rlc_conv2d_backward(float *dinp, float *dweight, float *dbias, const float *dout,
                         const float *inp, const float *weight, int B, const rlcConvShape *s,
                         float *col) {
  Dims d = dims_of(s);
  if (B <= 0) return;
  if (dbias) bias_grad(dbias, dout, (size_t)B * d.P, d.OC);
  if (!dinp && !dweight) return;
  if (!col) {
    conv_backward_direct(dinp, dweight, dout, inp, weight, B, &d);
    return;
  }
  // Per image: the patch matrix feeds dweight, then the same scratch is
  // reused for the patch gradients that col2im folds back into dinp.
  for (int b = 0; b < B; b++) {
    const float *g = dout + (size_t)b * d.P * d.OC;
    if (dweight) {
      im2col(col, inp + (size_t)b * d.H * d.W * d.C, &d);
      gemm(dweight, g, col, NULL, d.OC, d.K, d.P, true, true);
    }
    if (dinp) {
      gemm(col, g, weight, NULL, d.P, d.K, d.OC, false, false);
      col2im_add(dinp + (size_t)b * d.H * d.W * d.C, col, &d);
    }
  }
}
