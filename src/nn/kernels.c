// kernels.c: dense (fully connected) forward/backward, elementwise activations
// and row-wise softmax / log-softmax over flat float buffers (llm.c style:
// outputs first, shape comments, backward accumulates into its outputs), and
// the packed matrix product that conv.c shares (gemm.h).
// Depends on: rlc/nn.h, gemm.h, libm.
//
// Speed: RL trains tiny nets millions of times. Without -ffast-math gcc will
// not reorder a float sum, so it never vectorizes a dot product, and it does
// not keep small accumulator arrays in registers; the dense kernels' inner
// tiles are therefore written with gcc/clang vector extensions (8-lane float
// vectors, FMAs from -ffp-contract=fast), and everything else is plain C whose
// inner loops are contiguous, which the vectorizer handles. (Measured on the
// dev machine, an AMD EPYC Zen 4: the 128 x 128 and 1024 x 128 products at
// batch 32 run at 90-110 GFLOP/s in all three directions, 80-95% of the
// core's FMA peak at its ~3.6 GHz boost clock; docs/PERFORMANCE.md has the
// numbers and the comparison with OpenBLAS.)
#include <math.h>
#include <string.h>

#include "rlc/nn.h"
#include "gemm.h"

//------------------------------------------------------------------------------
// Dense
//------------------------------------------------------------------------------

// All three products have the form dst (M, N) += coef (M, K) @ src (K, N),
// with coef(m, k) = coef[m * cm + k * ck] and src(k, n) = src[k * sk + n * sn]:
//   forward  out^T (OC, B) += weight (OC, C)  @ inp^T (C, B)
//   dinp     dinp (B, C)   += dout (B, OC)    @ weight (OC, C)
//   dweight  dweight (OC, C) += dout^T (OC, B) @ inp (B, C)
// (conv.c's three products over a chunk's patch matrix take the same form,
// through nn_gemm_acc.) Each K slice (KC) of a strip of NR = 32 columns of
// src is packed into a contiguous panel on the stack (up to two full-depth
// panels at a time, 32 KiB), then a micro-kernel keeps an MR x 32 block of
// dst in 4 * MR vector registers (MR = 6: 24 of AVX-512's 32 registers) and
// per k does 4 panel loads, MR broadcasts of coef and 4 * MR FMAs. Packing
// matters: rows of src a power of two apart (C = 1024: 4 KiB) all fall into
// one L1 set, and sweeping the strip in place thrashed it (the 1024 -> 128
// layer's backward ran at 40% of its forward's speed). The tiles are GCC
// vector extensions (8-lane float vectors, FMAs from -ffp-contract=fast):
// without -ffast-math gcc would neither reorder the sums nor keep the tile in
// registers; without AVX it splits each operation into SSE halves, so the
// portable build works too.
typedef float v8f __attribute__((vector_size(32)));

// acc + c * s as one fused multiply-add where the ISA has one. Written out:
// left to -ffp-contract, gcc 12 fused some tile shapes and not others (a
// 1 x 8 tile, and the narrow forward below after it vectorized the products
// across k), so a row's bits depended on the tile shape that computed it.
// Macros, not functions: a function returning a 32-byte vector changes the
// ABI without AVX, which gcc warns about (-Wpsabi) in the portable build.
#define bcast8(c) ((v8f){(c), (c), (c), (c), (c), (c), (c), (c)})
#ifdef __FMA__
#define fma8(c, s, acc) __builtin_ia32_vfmaddps256((c), (s), (acc))
#else
#define fma8(c, s, acc) ((acc) + (c) * (s))
#endif

#ifdef __AVX512F__
#define NR 32    // columns per panel (4 vectors)
#else
#define NR 16    // AVX2: 6 x 2 sums, 2 panel vectors and a broadcast in 16 registers
#endif
#define MR 6     // dst rows per micro-tile
#define KC 128   // K per panel (16 KiB)

// In-place 8 x 8 transpose (unpack, shuffle, swap halves: 24 shuffles).
// __builtin_shufflevector: gcc (12 on) and clang both have it.
#define LO 0, 8, 1, 9, 4, 12, 5, 13
#define HI 2, 10, 3, 11, 6, 14, 7, 15
#define L2 0, 1, 8, 9, 4, 5, 12, 13
#define H2 2, 3, 10, 11, 6, 7, 14, 15
#define L4 0, 1, 2, 3, 8, 9, 10, 11
#define H4 4, 5, 6, 7, 12, 13, 14, 15
static inline void transpose8(v8f r[8]) {
  v8f t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = __builtin_shufflevector(r[i], r[i + 1], LO);
    t[i + 1] = __builtin_shufflevector(r[i], r[i + 1], HI);
  }
  for (int i = 0; i < 8; i += 4) {
    u[i] = __builtin_shufflevector(t[i], t[i + 2], L2);
    u[i + 1] = __builtin_shufflevector(t[i], t[i + 2], H2);
    u[i + 2] = __builtin_shufflevector(t[i + 1], t[i + 3], L2);
    u[i + 3] = __builtin_shufflevector(t[i + 1], t[i + 3], H2);
  }
  for (int i = 0; i < 4; i++) {
    r[i] = __builtin_shufflevector(u[i], u[i + 4], L4);
    r[i + 4] = __builtin_shufflevector(u[i], u[i + 4], H4);
  }
}
#undef LO
#undef HI
#undef L2
#undef H2
#undef L4
#undef H4

// dst (n, m) = src (m, n) for m < M, n < N (row strides ldd, lds).
static void transpose_copy(float *restrict dst, size_t ldd, const float *restrict src, size_t lds,
                           int M, int N) {
  int m = 0;
  for (; m + 8 <= M; m += 8) {
    int n = 0;
    for (; n + 8 <= N; n += 8) {
      v8f r[8];
      for (int i = 0; i < 8; i++) r[i] = *(const v8fu *)(src + (size_t)(m + i) * lds + n);
      transpose8(r);
      for (int i = 0; i < 8; i++) *(v8fu *)(dst + (size_t)(n + i) * ldd + m) = r[i];
    }
    for (; n < N; n++)
      for (int i = 0; i < 8; i++) dst[(size_t)n * ldd + m + i] = src[(size_t)(m + i) * lds + n];
  }
  for (; m < M; m++)
    for (int n = 0; n < N; n++) dst[(size_t)n * ldd + m] = src[(size_t)m * lds + n];
}

// Panel (kn, NR): p[k][j] = src(k, j) for j < nn, 0 from nn to the end of
// its 8-column vector (the micro-kernels read whole vectors, never past
// them: zeroing all 32 columns took a batch of 13 twice as long through the
// 128 -> 2 output layer as a batch of 32). Inlined into
// each caller, so that it is specialized for their strides (as a function
// of its own it made the small forwards 10% slower).
static inline __attribute__((always_inline)) void pack_panel(float *restrict p,
                                                             const float *restrict src, size_t sk,
                                                             size_t sn, int kn, int nn) {
  const int nz = (nn + 7) & ~7;
  if (sn == 1) {
    for (int k = 0; k < kn; k++) {
      const float *restrict s = src + (size_t)k * sk;
      float *restrict d = p + (size_t)k * NR;
      if (nn == NR) {
        for (int v = 0; v < NR / 8; v++) *(v8f *)(d + 8 * v) = *(const v8fu *)(s + 8 * v);
      } else {
        for (int j = 0; j < nn; j++) d[j] = s[j];
        for (int j = nn; j < nz; j++) d[j] = 0.0f;
      }
    }
    return;
  }
  if (sk == 1) {
    // The last nn % 8 columns go as one 8 x 8 block per 8 values of k with
    // zero rows below them (their transposes land in the padding columns):
    // transpose_copy's scalar leftover loop made a batch of 17 cost as much
    // to pack as one of 32.
    const int n8 = nn & ~7, k8 = nn > n8 ? kn & ~7 : 0;
    transpose_copy(p, NR, src, sn, n8, kn);
    for (int k = 0; k < k8; k += 8) {
      v8f r[8];
      for (int i = 0; i < 8; i++)
        r[i] = n8 + i < nn ? *(const v8fu *)(src + (size_t)(n8 + i) * sn + k) : (v8f){0};
      transpose8(r);
      for (int i = 0; i < 8; i++) *(v8fu *)(p + (size_t)(k + i) * NR + n8) = r[i];
    }
    for (int k = k8; k < kn; k++)
      for (int j = n8; j < nn; j++) p[(size_t)k * NR + j] = src[(size_t)j * sn + k];
    for (int k = k8; k < kn && nn < nz; k++)
      for (int j = nn; j < nz; j++) p[(size_t)k * NR + j] = 0.0f;
    return;
  } else {
    for (int k = 0; k < kn; k++)
      for (int j = 0; j < nn; j++) p[(size_t)k * NR + j] = src[(size_t)k * sk + (size_t)j * sn];
  }
  if (nn < nz)
    for (int k = 0; k < kn; k++)
      for (int j = nn; j < nz; j++) p[(size_t)k * NR + j] = 0.0f;
}

// np full panels side by side from a row-major src (sn = 1): panel q gets
// columns [q * NR, (q + 1) * NR). Each row of src is visited once for all np
// panels. (Packing the panels one after another visited every row np times,
// each visit a different 4 KiB page when C = 1024: the 1024 -> 128 layer's
// dinp spent a fifth of its time packing; two panels per visit took 12% off
// that product.)
static void pack_panels_rows(float *restrict p, const float *restrict src, size_t sk, int kn,
                             int np) {
  for (int k = 0; k < kn; k++) {
    const float *restrict s = src + (size_t)k * sk;
    for (int q = 0; q < np; q++) {
      float *restrict d = p + ((size_t)q * kn + k) * NR;
      for (int v = 0; v < NR / 8; v++) *(v8f *)(d + 8 * v) = *(const v8fu *)(s + q * NR + 8 * v);
    }
  }
}

// dst rows [0, mr) x columns [0, 8 * nv) += coef @ panel (row stride lp), all
// sums in registers.
static inline __attribute__((always_inline)) void
micro(float *restrict d, size_t ldd, const float *restrict a, size_t cm, size_t ck,
      const float *restrict p, size_t lp, int K, const int mr, const int nv) {
  v8f acc[MR][NR / 8];
  for (int i = 0; i < mr; i++)
    for (int v = 0; v < nv; v++) acc[i][v] = *(const v8fu *)(d + (size_t)i * ldd + 8 * v);
  for (int k = 0; k < K; k++) {
    v8f s[NR / 8];
    for (int v = 0; v < nv; v++) s[v] = *(const v8fu *)(p + (size_t)k * lp + 8 * v);
    for (int i = 0; i < mr; i++) {
      v8f c = bcast8(a[i * cm + (size_t)k * ck]);
      for (int v = 0; v < nv; v++) acc[i][v] = fma8(c, s[v], acc[i][v]);
    }
  }
  for (int i = 0; i < mr; i++)
    for (int v = 0; v < nv; v++) *(v8fu *)(d + (size_t)i * ldd + 8 * v) = acc[i][v];
}

// A tile of any mr <= MR rows and nv <= 4 vectors. Not inlined: inlined into
// the external nn_gemm_acc, its tiles compiled worse and the conv products
// took 15% longer.
static __attribute__((noinline)) void micro_any(float *restrict d, size_t ldd,
                                                const float *restrict a, size_t cm, size_t ck,
                                                const float *restrict p, size_t lp, int K, int mr,
                                                int nv) {
#if NR == 32
#define ME(R)                                                 \
  switch (nv) {                                               \
  case 1: micro(d, ldd, a, cm, ck, p, lp, K, R, 1); break;    \
  case 2: micro(d, ldd, a, cm, ck, p, lp, K, R, 2); break;    \
  case 3: micro(d, ldd, a, cm, ck, p, lp, K, R, 3); break;    \
  default: micro(d, ldd, a, cm, ck, p, lp, K, R, 4); break;   \
  }
#else
#define ME(R)                                                 \
  switch (nv) {                                               \
  case 1: micro(d, ldd, a, cm, ck, p, lp, K, R, 1); break;    \
  default: micro(d, ldd, a, cm, ck, p, lp, K, R, 2); break;   \
  }
#endif
  switch (mr) {
  case 1: ME(1); break;
  case 2: ME(2); break;
  case 3: ME(3); break;
  case 4: ME(4); break;
  case 5: ME(5); break;
  default: ME(6); break;
  }
#undef ME
}

// One dst row at a time with src read in place (sn = 1): for M <= 2 (a batch
// of one), where packing would cost as much as the product, and K <= 2, where
// a tile would load and store its sums for a couple of FMAs each.
static void gemm_acc_rows(float *restrict dst, size_t ldd, const float *restrict coef, size_t cm,
                          size_t ck, const float *restrict src, size_t sk, int M, int K, int N) {
  for (int m = 0; m < M; m++) {
    float *restrict d = dst + (size_t)m * ldd;
    const float *restrict a = coef + (size_t)m * cm;
    int n = 0;
    for (; n + 64 <= N; n += 64) {
      v8f acc[8];
      for (int v = 0; v < 8; v++) acc[v] = *(const v8fu *)(d + n + 8 * v);
      for (int k = 0; k < K; k++) {
        float c = a[(size_t)k * ck];
        const float *s = src + (size_t)k * sk + n;
        for (int v = 0; v < 8; v++) acc[v] += c * *(const v8fu *)(s + 8 * v);
      }
      for (int v = 0; v < 8; v++) *(v8fu *)(d + n + 8 * v) = acc[v];
    }
    for (; n + 8 <= N; n += 8) {
      v8f acc = *(const v8fu *)(d + n);
      for (int k = 0; k < K; k++)
        acc += a[(size_t)k * ck] * *(const v8fu *)(src + (size_t)k * sk + n);
      *(v8fu *)(d + n) = acc;
    }
    for (; n < N; n++) {
      float acc = d[n];
      for (int k = 0; k < K; k++) acc += a[(size_t)k * ck] * src[(size_t)k * sk + n];
      d[n] = acc;
    }
  }
}

// A run of full-width tiles over rows [0, M) and columns [0, NR * np) of dst,
// panels np apart (pstride floats): tiles walk along a row block across all
// panels, so dst is swept row block by row block (no jumps of MR rows that
// land on the same 4 KiB page offset as the stores just made).
static void gemm_tiles(float *restrict d, size_t ldd, const float *restrict a, size_t cm, size_t ck,
                       const float *restrict p, size_t lp, size_t pstride, int np, int M, int kn) {
  int m = 0;
  for (; m + MR <= M; m += MR)
    for (int q = 0; q < np; q++)
      micro(d + (size_t)m * ldd + q * NR, ldd, a + (size_t)m * cm, cm, ck, p + q * pstride, lp, kn,
            MR, NR / 8);
  if (m < M)
    for (int q = 0; q < np; q++)
      micro_any(d + (size_t)m * ldd + q * NR, ldd, a + (size_t)m * cm, cm, ck, p + q * pstride, lp,
                kn, M - m, NR / 8);
}

#define PANELS (2 * KC * NR)  // stack for packed panels (32 KiB: two of full depth)
#define PANEL_MAX 4           // panels per block

// ncap >= N: columns of dst that may be written. Past N they are the
// caller's scratch (the dense forward's stack tile is 32 wide whatever the
// batch), so a ragged last strip is computed in place over zero-padded panel
// columns instead of through a copy of dst.
static void gemm_acc(float *restrict dst, size_t ldd, const float *restrict coef, size_t cm,
                     size_t ck, const float *restrict src, size_t sk, size_t sn, int M, int K,
                     int N, int ncap) {
  if (sn == 1 && (M <= 2 || K <= 2)) {
    gemm_acc_rows(dst, ldd, coef, cm, ck, src, sk, M, K, N);
    return;
  }
  float panel[PANELS] __attribute__((aligned(64)));
  for (int k0 = 0; k0 < K; k0 += KC) {
    int kn = K - k0 < KC ? K - k0 : KC;
    const float *a = coef + (size_t)k0 * ck, *s = src + (size_t)k0 * sk;
    int full = N / NR, per = PANELS / (kn * NR);  // full panels, and how many fit
    if (per > PANEL_MAX) per = PANEL_MAX;
    for (int q0 = 0; q0 < full; q0 += per) {
      int np = full - q0 < per ? full - q0 : per;
      if (sn == 1 && M <= MR) {  // one tile row uses each strip: read it in place
        gemm_tiles(dst + q0 * NR, ldd, a, cm, ck, s + q0 * NR, sk, NR, np, M, kn);
        continue;
      }
      if (sn == 1)
        pack_panels_rows(panel, s + (size_t)q0 * NR, sk, kn, np);
      else
        for (int q = 0; q < np; q++)
          pack_panel(panel + (size_t)q * kn * NR, s + (size_t)(q0 + q) * NR * sn, sk, sn, kn, NR);
      gemm_tiles(dst + q0 * NR, ldd, a, cm, ck, panel, NR, (size_t)kn * NR, np, M, kn);
    }
    int n0 = full * NR, nn = N - n0, nv = (nn + 7) / 8;
    if (nn == 0) continue;
    float *d = dst + n0;
    if (nn % 8 == 0) {  // columns that fill whole vectors go straight to dst
      // A strip of rows that all lie within one panel's span of memory (a
      // conv's dout, 16 wide) is read in place: no set conflicts to avoid.
      const float *p = panel;
      size_t lp = NR;
      if (sn == 1 && (size_t)kn * sk <= KC * NR)
        p = s + n0, lp = sk;
      else
        pack_panel(panel, s + (size_t)n0 * sn, sk, sn, kn, nn);
      for (int m = 0; m < M; m += MR)
        micro_any(d + (size_t)m * ldd, ldd, a + (size_t)m * cm, cm, ck, p, lp, kn,
                  M - m < MR ? M - m : MR, nv);
    } else if (n0 + 8 * nv <= ncap) {  // ragged, with room for whole vectors
      pack_panel(panel, s + (size_t)n0 * sn, sk, sn, kn, nn);
      for (int m = 0; m < M; m += MR)
        micro_any(d + (size_t)m * ldd, ldd, a + (size_t)m * cm, cm, ck, panel, NR, kn,
                  M - m < MR ? M - m : MR, nv);
    } else {  // a ragged last strip goes through a zero-padded copy
      pack_panel(panel, s + (size_t)n0 * sn, sk, sn, kn, nn);
      // (Its padding columns stay zero: the panel is zero there.)
      float t[MR * NR] __attribute__((aligned(64))) = {0};
      for (int m = 0; m < M; m += MR) {
        int mr = M - m < MR ? M - m : MR;
        for (int i = 0; i < mr; i++) copyf(t + i * NR, d + (size_t)(m + i) * ldd, nn);
        micro_any(t, NR, a + (size_t)m * cm, cm, ck, panel, NR, kn, mr, nv);
        for (int i = 0; i < mr; i++) copyf(d + (size_t)(m + i) * ldd, t + i * NR, nn);
      }
    }
  }
}

// A product split over the current pool (gemm.h's nn_parts): each part
// computes whole elements of dst, rows [m0, m1) or columns [n0, n1), with
// exactly the single-threaded arithmetic (every element is its initial value
// plus its K products in order, whichever tile or path computes it), so the
// result has the same bits. The longer side is cut, rows at multiples of MR
// and columns at multiples of NR, so each part keeps whole tiles; a part that
// cuts columns packs only its own panels.
typedef struct GemmJob {
  float *dst;
  const float *coef, *src;
  size_t ldd, cm, ck, sk, sn;
  int M, K, N, ncap;
  bool by_cols;
} GemmJob;

static void gemm_part(void *arg, int k, int parts) {
  const GemmJob *j = arg;
  if (j->by_cols) {
    int n0 = nn_split(j->N, NR, k, parts), n1 = nn_split(j->N, NR, k + 1, parts);
    if (n1 > n0)
      gemm_acc(j->dst + n0, j->ldd, j->coef, j->cm, j->ck, j->src + (size_t)n0 * j->sn, j->sk, j->sn, j->M,
               j->K, n1 - n0, k == parts - 1 ? j->ncap - n0 : n1 - n0);
  } else {
    int m0 = nn_split(j->M, MR, k, parts), m1 = nn_split(j->M, MR, k + 1, parts);
    if (m1 > m0)
      gemm_acc(j->dst + (size_t)m0 * j->ldd, j->ldd, j->coef + (size_t)m0 * j->cm, j->cm, j->ck, j->src, j->sk,
               j->sn, m1 - m0, j->K, j->N, j->ncap);
  }
}

static inline __attribute__((always_inline)) void
gemm_acc_par(float *restrict dst, size_t ldd, const float *restrict coef, size_t cm, size_t ck,
             const float *restrict src, size_t sk, size_t sn, int M, int K, int N, int ncap) {
  int parts = nn_parts((double)M * K * N);
  bool by_cols = N >= M ? N >= NR * parts : M < MR * parts;
  if (parts > 1 && (by_cols ? N >= NR * parts : M >= MR * parts)) {
    GemmJob j = {dst, coef, src, ldd, cm, ck, sk, sn, M, K, N, ncap, by_cols};
    nn_run(gemm_part, &j, parts);
    return;
  }
  gemm_acc(dst, ldd, coef, cm, ck, src, sk, sn, M, K, N, ncap);
}

// The entry for conv.c (gemm.h). The dense kernels call gemm_acc directly:
// with all its callers in this file, gcc specializes it for their constant
// strides (an external function alone cost the small layers 10-50%).
void nn_gemm_acc(float *dst, size_t ldd, const float *coef, size_t cm, size_t ck,
                  const float *src, size_t sk, size_t sn, int M, int K, int N) {
  gemm_acc_par(dst, ldd, coef, cm, ck, src, sk, sn, M, K, N, N);
}

void nn_gemm_acc_serial(float *dst, size_t ldd, const float *coef, size_t cm, size_t ck,
                        const float *src, size_t sk, size_t sn, int M, int K, int N) {
  gemm_acc(dst, ldd, coef, cm, ck, src, sk, sn, M, K, N, N);
}

// Forward for batches of fewer than 16 rows (B = 1 when acting): dot
// products with 8-lane partial sums, eight outputs at a time (eight FMA
// chains share each load of x), their sums reduced together by one 8 x 8
// transpose; then four, then one at a time.
static inline float hsum8(const v8f *s) {
  v8f v = *s;
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

static void dense_forward_rows(float *restrict out, const float *restrict inp,
                               const float *restrict weight, const float *restrict bias, int B,
                               int C, int OC) {
  // out is (B, OC), inp is (B, C)
  const int C8 = C & ~7;
  for (int b = 0; b < B; b++) {
    const float *restrict x = inp + (size_t)b * C;
    float *restrict y = out + (size_t)b * OC;
    int o = 0;
    for (; o + 8 <= OC; o += 8) {
      const float *w = weight + (size_t)o * C;
      v8f s[8];
      for (int j = 0; j < 8; j++) s[j] = (v8f){0};
      for (int c = 0; c < C8; c += 8) {
        v8f xv = *(const v8fu *)(x + c);
        for (int j = 0; j < 8; j++) s[j] += xv * *(const v8fu *)(w + (size_t)j * C + c);
      }
      transpose8(s);
      v8f r = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
      for (int c = C8; c < C; c++)
        for (int j = 0; j < 8; j++) r[j] += x[c] * w[(size_t)j * C + c];
      for (int j = 0; j < 8; j++) y[o + j] = (bias ? bias[o + j] : 0.0f) + r[j];
    }
    for (; o + 4 <= OC; o += 4) {
      const float *w = weight + (size_t)o * C;
      v8f s[4] = {{0}, {0}, {0}, {0}};
      for (int c = 0; c < C8; c += 8) {
        v8f xv = *(const v8fu *)(x + c);
        for (int j = 0; j < 4; j++) s[j] += xv * *(const v8fu *)(w + (size_t)j * C + c);
      }
      for (int j = 0; j < 4; j++) {
        float r = hsum8(&s[j]);
        for (int c = C8; c < C; c++) r += x[c] * w[(size_t)j * C + c];
        y[o + j] = (bias ? bias[o + j] : 0.0f) + r;
      }
    }
    for (; o < OC; o++) {  // four partial-sum vectors: a chain of C / 32 FMAs
      const float *w = weight + (size_t)o * C;
      v8f s[4] = {{0}, {0}, {0}, {0}};
      int c = 0;
      for (; c + 32 <= C; c += 32)
        for (int j = 0; j < 4; j++) s[j] += *(const v8fu *)(x + c + 8 * j) * *(const v8fu *)(w + c + 8 * j);
      for (; c + 8 <= C; c += 8) s[0] += *(const v8fu *)(x + c) * *(const v8fu *)(w + c);
      v8f t = (s[0] + s[1]) + (s[2] + s[3]);
      float r = hsum8(&t);
      for (; c < C; c++) r += x[c] * w[c];
      y[o] = (bias ? bias[o] : 0.0f) + r;
    }
  }
}

// out = inp @ weight^T + bias with weight (OC, C). In blocks of up to NR = 32
// batch rows and OCB outputs, the product runs transposed, out^T = weight @
// inp^T, into a stack tile t (OCB, 32) that starts at the bias: weight is then
// the coef side (its rows are contiguous over C, broadcasts need nothing
// else) and only inp (packed as inp^T panels) and the tile are transposed,
// B * (C + OC) values against the OC * C of transposing weight.
//
// Batches of any size run at full speed, so callers never pad: a block costs
// the same for any row count within one 8-row vector (the packed panel's
// missing columns are zeros and the tile has room for them), and a batch's
// last partial block goes to dot products below 13 rows (in a batch under 32)
// or below 9 rows (after full blocks). Those limits are where the paths
// switched for callers that padded their own batches (up to 12 rows as they
// were, 13 to 24 to 24, then to multiples of 8: dqn.c did), so a row's value,
// which depends only on the path that computes it, is the same bits as in
// such a padded call. (They are not the fastest limits for every shape: on an
// AVX2 machine 16 rows through 128 x 128 took 6.3 us as a block, 12 rows 8.1
// us by dot products, while a 2-wide output layer is cheaper by dot products
// at any batch size; limits by shape would change results at those sizes.)
#define OCB 128
#define TB 32  // batch rows per block (not NR: a row's path, hence its bits, stays the same on every ISA)
static int tile_rows(int left, int done) {
  if (left >= TB) return TB;
  return left >= (done ? 9 : 13) ? left : 0;  // 0: the rest by dot products
}

// Layers of at least 16 outputs run the tile rows batch-major instead, out
// (rows, OC) = bias + inp @ weight^T with weight^T packed once for all rows:
// the same sums in the same order (each output a chain of FMAs over k from
// its bias), hence the same bits, without transposing inp and out per block
// (a 64 x 64 layer at batch 100: 10.5 us -> 8 us).
#define ROWS_MIN_OC 16
static void dense_forward_batch_major(float *out, const float *inp, const float *weight,
                                      const float *bias, int B, int C, int OC) {
  for (int b = 0; b < B; b++) {
    float *restrict o = out + (size_t)b * OC;
    for (int j = 0; j < OC; j++) o[j] = bias ? bias[j] : 0.0f;
  }
  gemm_acc_par(out, (size_t)OC, inp, (size_t)C, 1, weight, 1, (size_t)C, B, C, OC, OC);
}

// Output layers of at most 4 units (a critic's value, an actor's action):
// the block path swept a tile with one useful row per unit. Here 8 rows at a
// time, their inputs transposed in registers 8 x 8, each output again a
// chain of FMAs over k from its bias: the same bits, 3-4x faster.
#define NARROW_OC 4
static inline __attribute__((always_inline)) void
dense_forward_narrow_oc(float *restrict out, const float *restrict inp, const float *restrict weight,
                        const float *restrict bias, int B, int C, const int OC) {
  for (int b0 = 0; b0 < B; b0 += 8) {
    const int nr = B - b0 < 8 ? B - b0 : 8;
    const float *x = inp + (size_t)b0 * C;
    v8f acc[NARROW_OC];
    for (int o = 0; o < OC; o++) acc[o] = (v8f){0} + (bias ? bias[o] : 0.0f);
    int k = 0;
    for (; k + 8 <= C; k += 8) {
      v8f r[8];
      for (int i = 0; i < 8; i++) r[i] = i < nr ? *(const v8fu *)(x + (size_t)i * C + k) : (v8f){0};
      transpose8(r);  // r[j][i] = x(i, k + j)
      for (int j = 0; j < 8; j++)
        for (int o = 0; o < OC; o++) acc[o] = fma8(bcast8(weight[(size_t)o * C + k + j]), r[j], acc[o]);
    }
    for (; k < C; k++) {
      v8f r = {0};
      for (int i = 0; i < nr; i++) r[i] = x[(size_t)i * C + k];
      for (int o = 0; o < OC; o++) acc[o] = fma8(bcast8(weight[(size_t)o * C + k]), r, acc[o]);
    }
    for (int i = 0; i < nr; i++)
      for (int o = 0; o < OC; o++) out[(size_t)(b0 + i) * OC + o] = acc[o][i];
  }
}

static void dense_forward_narrow(float *out, const float *inp, const float *weight, const float *bias,
                                 int B, int C, int OC) {
  switch (OC) {
  case 1: dense_forward_narrow_oc(out, inp, weight, bias, B, C, 1); break;
  case 2: dense_forward_narrow_oc(out, inp, weight, bias, B, C, 2); break;
  case 3: dense_forward_narrow_oc(out, inp, weight, bias, B, C, 3); break;
  default: dense_forward_narrow_oc(out, inp, weight, bias, B, C, 4); break;
  }
}

void rlc_dense_forward(float *out, const float *inp, const float *weight, const float *bias,
                       int B, int C, int OC) {
  // out is (B, OC), inp is (B, C), weight is (OC, C), bias is (OC) or NULL
  int b = 0;
  if (OC >= ROWS_MIN_OC || OC <= NARROW_OC) {
    for (int nb; (nb = tile_rows(B - b, b)) > 0; b += nb) {}
    if (b && OC <= NARROW_OC) dense_forward_narrow(out, inp, weight, bias, b, C, OC);
    else if (b) dense_forward_batch_major(out, inp, weight, bias, b, C, OC);
  }
  for (int nb; (nb = tile_rows(B - b, b)) > 0; b += nb) {
    for (int o0 = 0; o0 < OC; o0 += OCB) {
      int ob = OC - o0 < OCB ? OC - o0 : OCB;
      float t[OCB * TB] __attribute__((aligned(64)));
      for (int o = 0; o < ob; o++) {
        v8f bv = (v8f){0} + (bias ? bias[o0 + o] : 0.0f);
        for (int v = 0; v < TB / 8; v++) *(v8f *)(t + o * TB + 8 * v) = bv;
      }
      gemm_acc_par(t, TB, weight + (size_t)o0 * C, (size_t)C, 1, inp + (size_t)b * C, 1, (size_t)C,
                   ob, C, nb, TB);
      transpose_copy(out + (size_t)b * OC + o0, (size_t)OC, t, TB, ob, nb);
    }
  }
  if (b < B) dense_forward_rows(out + (size_t)b * OC, inp + (size_t)b * C, weight, bias, B - b, C, OC);
}

// dweight for narrow inputs (C < 32, e.g. a 4-value observation): rows of
// dweight are too short for the micro-kernel, so compute dweight^T (C, OC) =
// inp^T @ dout, whose rows run over OC, into a stack tile and add it back
// transposed.
#define NARROW_C 32
#define NARROW_O 128
static void dense_dweight_narrow(float *dweight, const float *dout, const float *inp, int B,
                                 int C, int OC) {
  float t[NARROW_C * NARROW_O];
  for (int o0 = 0; o0 < OC; o0 += NARROW_O) {
    int on = OC - o0 < NARROW_O ? OC - o0 : NARROW_O;
    memset(t, 0, sizeof(float) * (size_t)C * NARROW_O);
    gemm_acc(t, NARROW_O, inp, 1, (size_t)C, dout + o0, (size_t)OC, 1, C, B, on, NARROW_O);
    for (int o = 0; o < on; o++)
      for (int c = 0; c < C; c++) dweight[(size_t)(o0 + o) * C + c] += t[c * NARROW_O + o];
  }
}

void rlc_dense_backward(float *dinp, float *dweight, float *dbias, const float *dout,
                        const float *inp, const float *weight, int B, int C, int OC) {
  // dinp is (B, C), dweight is (OC, C), dbias is (OC), dout is (B, OC)
  if (dinp) gemm_acc_par(dinp, (size_t)C, dout, (size_t)OC, 1, weight, (size_t)C, 1, B, OC, C, C);
  if (dweight) {
    if (C < NARROW_C && OC >= NARROW_C)
      dense_dweight_narrow(dweight, dout, inp, B, C, OC);
    else
      gemm_acc_par(dweight, (size_t)C, dout, 1, (size_t)OC, inp, (size_t)C, 1, OC, B, C, C);
  }
  if (dbias)
    for (int b = 0; b < B; b++) {
      const float *restrict d = dout + (size_t)b * OC;
      float *restrict db = dbias;
      for (int o = 0; o < OC; o++) db[o] += d[o];
    }
}

//------------------------------------------------------------------------------
// Activations (backward takes the forward output, which is all each needs)
//------------------------------------------------------------------------------

void rlc_relu_forward(float *out, const float *inp, int n) {
  for (int i = 0; i < n; i++) out[i] = inp[i] > 0.0f ? inp[i] : 0.0f;
}

void rlc_relu_backward(float *dinp, const float *dout, const float *out, int n) {
  for (int i = 0; i < n; i++) dinp[i] += out[i] > 0.0f ? dout[i] : 0.0f;
}

// Vectorizable exponentials for the activations. glibc's expm1f, tanhf and
// expf are scalar calls (expm1f was 57% of the 4-32-32-2 ELU net's update);
// these are branch-free and call nothing, so gcc vectorizes the loops that
// use them. Accuracy against the exact values (tests/test_nn_parts.c sweeps
// dense grids; every float in range was checked during development): ELU
// within 1.1 ulp, tanh 1.7, sigmoid 2.0, with or without FMA contraction.
//   x = j ln2 + f, |f| <= ln2 / 2: j from the round-to-integer shifter trick,
//     f exact (ln2 in two parts; j * LN2_HI is exact for |j| < 256 and the
//     subtraction is exact by Sterbenz's lemma);
//   expm1(f) = f + f^2 P(f), P of degree 4 fitted to (expm1(f) - f) / f^2
//     (relative error 0.3 ulp).
// Returns expm1(f); *jb gets the shifter's bits, whose low bits hold j:
// j = *jb - 0x4B400000 (mod 2^32).
static inline float expm1_reduced(float x, uint32_t *jb) {
  const float shift = 0x1.8p23f;  // adding it rounds to an integer, held in the low bits
  float jf = x * 0x1.715476p+0f + shift;  // x / ln2 + shift
  memcpy(jb, &jf, sizeof *jb);
  jf -= shift;
  float f = x - jf * 0x1.62e4p-1f;  // LN2_HI: 15 significant bits
  f = f - jf * 0x1.7f7d1cp-20f;     // LN2_LO
  float P = 0x1.6bec04p-10f;
  P = P * f + 0x1.122768p-7f;
  P = P * f + 0x1.555674p-5f;
  P = P * f + 0x1.5554b0p-3f;
  P = P * f + 0x1.fffffep-2f;
  return f * f * P + f;
}

// The float 2^(jb - 0x4B400000 + e) for a shifter's bits jb.
static inline float pow2_bits(uint32_t jb, uint32_t e) {
  uint32_t b = (jb - 0x4B400000u + e + 127u) << 23;
  float t;
  memcpy(&t, &b, sizeof t);
  return t;
}

// expm1(x) for x <= 0 (NaN stays NaN): 2^j (1 + p) - 1 = 2 (p t + (t - 1/2))
// with t = 2^(j - 1), where t - 1/2 is exact for j >= -24 and j = 0 gives p
// itself. Below -17.5 expm1 rounds to -1, so x is clamped there.
static inline float expm1_neg(float x) {
  uint32_t jb;
  float p = expm1_reduced(x < -17.5f ? -17.5f : x, &jb);
  float t = pow2_bits(jb, (uint32_t)-1);
  return 2.0f * (p * t + (t - 0.5f));
}

// exp(x) for x <= 0 (NaN stays NaN): 2^j (1 + p), built as 2^(j + 64) and
// scaled by 2^-64 so that results below 2^-126 round to the right subnormal.
// Below -104 exp rounds to 0.
static inline float exp_neg(float x) {
  uint32_t jb;
  float p = expm1_reduced(x < -104.0f ? -104.0f : x, &jb);
  float t = pow2_bits(jb, 64);
  return (p * t + t) * 0x1p-64f;
}

// Inputs above -2^-25 (and -0) are their own expm1 in float.
void rlc_elu_forward(float *out, const float *inp, int n) {
  for (int i = 0; i < n; i++) {
    float x = inp[i];
    out[i] = x > -0x1p-25f ? x : expm1_neg(x);
  }
}

// d/dx (exp(x) - 1) = exp(x) = out + 1 on the negative side.
void rlc_elu_backward(float *dinp, const float *dout, const float *out, int n) {
  for (int i = 0; i < n; i++) dinp[i] += dout[i] * (out[i] > 0.0f ? 1.0f : out[i] + 1.0f);
}

// tanh(|x|), the sign put back:
//   |x| < 0.625: |x| + |x|^3 R(x^2), R of degree 5 fitted to (tanh(a)/a - 1)/a^2
//     (relative error 0.05 ulp);
//   above: -u / (u + 2) with u = expm1(-2 |x|). The rounding error of v = u + 2
//     (exact: e = u - (v - 2), as |u| <= 2) is divided out too; without it the
//     result was off by up to 2.5 ulp near |x| = 4.5.
void rlc_tanh_forward(float *out, const float *inp, int n) {
  for (int i = 0; i < n; i++) {
    float x = inp[i], a = fabsf(x), s = a * a;
    float R = 0x1.18e1e6p-9f;
    R = R * s - 0x1.0bf500p-7f;
    R = R * s + 0x1.638b5ap-6f;
    R = R * s - 0x1.b9ee90p-5f;
    R = R * s + 0x1.111066p-3f;
    R = R * s - 0x1.555554p-2f;
    float small = a * s * R + a;
    float u = expm1_neg(-2.0f * a);
    float v = u + 2.0f, e = u - (v - 2.0f);
    float q = -u / v;
    q -= q * e / v;
    out[i] = copysignf(a < 0.625f ? small : q, x);
  }
}

void rlc_tanh_backward(float *dinp, const float *dout, const float *out, int n) {
  for (int i = 0; i < n; i++) dinp[i] += dout[i] * (1.0f - out[i] * out[i]);
}

// 1 / (1 + e) for x >= 0 and e / (1 + e) below, with e = exp(-|x|) <= 1 (no
// overflow). The rounding error of v = 1 + e (exact: e - (v - 1)) is divided
// out as in tanh.
void rlc_sigmoid_forward(float *out, const float *inp, int n) {
  for (int i = 0; i < n; i++) {
    float x = inp[i];
    float e = exp_neg(-fabsf(x));
    float v = 1.0f + e, err = e - (v - 1.0f);
    float q = (x >= 0.0f ? 1.0f : e) / v;
    out[i] = q - q * err / v;
  }
}

void rlc_sigmoid_backward(float *dinp, const float *dout, const float *out, int n) {
  for (int i = 0; i < n; i++) dinp[i] += dout[i] * out[i] * (1.0f - out[i]);
}

//------------------------------------------------------------------------------
// Softmax and log-softmax over rows of N (max subtracted for stability)
//------------------------------------------------------------------------------

void rlc_softmax_forward(float *out, const float *inp, int R, int N) {
  // out, inp are (R, N)
  for (int r = 0; r < R; r++) {
    const float *x = inp + (size_t)r * N;
    float *y = out + (size_t)r * N;
    float mx = x[0];
    for (int j = 1; j < N; j++) mx = x[j] > mx ? x[j] : mx;
    double sum = 0.0;
    for (int j = 0; j < N; j++) {
      y[j] = expf(x[j] - mx);
      sum += y[j];
    }
    float inv = (float)(1.0 / sum);
    for (int j = 0; j < N; j++) y[j] *= inv;
  }
}

// dinp_j += y_j * (dout_j - sum_k dout_k y_k)
void rlc_softmax_backward(float *dinp, const float *dout, const float *out, int R, int N) {
  for (int r = 0; r < R; r++) {
    const float *y = out + (size_t)r * N, *dy = dout + (size_t)r * N;
    float *dx = dinp + (size_t)r * N;
    double dot = 0.0;
    for (int j = 0; j < N; j++) dot += (double)dy[j] * y[j];
    float d = (float)dot;
    for (int j = 0; j < N; j++) dx[j] += y[j] * (dy[j] - d);
  }
}

void rlc_log_softmax_forward(float *out, const float *inp, int R, int N) {
  // out, inp are (R, N)
  for (int r = 0; r < R; r++) {
    const float *x = inp + (size_t)r * N;
    float *y = out + (size_t)r * N;
    float mx = x[0];
    for (int j = 1; j < N; j++) mx = x[j] > mx ? x[j] : mx;
    double sum = 0.0;
    for (int j = 0; j < N; j++) sum += expf(x[j] - mx);
    float lse = mx + (float)log(sum);
    for (int j = 0; j < N; j++) y[j] = x[j] - lse;
  }
}

// dinp_j += dout_j - exp(y_j) * sum_k dout_k
void rlc_log_softmax_backward(float *dinp, const float *dout, const float *out, int R, int N) {
  for (int r = 0; r < R; r++) {
    const float *y = out + (size_t)r * N, *dy = dout + (size_t)r * N;
    float *dx = dinp + (size_t)r * N;
    double s = 0.0;
    for (int j = 0; j < N; j++) s += dy[j];
    float sf = (float)s;
    for (int j = 0; j < N; j++) dx[j] += dy[j] - expf(y[j]) * sf;
  }
}
