// kernels.c: dense (fully connected) forward/backward, elementwise activations
// and row-wise softmax / log-softmax over flat float buffers (llm.c style:
// outputs first, shape comments, backward accumulates into its outputs).
// Depends on: rlc/nn.h, libm.
//
// Speed: RL trains tiny nets millions of times. Without -ffast-math gcc will
// not reorder a float sum, so it never vectorizes a dot product, and it does
// not keep small accumulator arrays in registers; the dense kernels' inner
// tiles are therefore written with gcc/clang vector extensions (8-lane float
// vectors, FMAs from -ffp-contract=fast), and everything else is plain C whose
// inner loops are contiguous, which the vectorizer handles. (Measured on the
// dev machine, an AMD EPYC: forward + backward of a 4-128-128-2 MLP at batch
// 32, 1.6 M multiply-adds, takes about 45 us through rlcNet.)
#include <math.h>
#include <string.h>

#include "rlc/nn.h"

//------------------------------------------------------------------------------
// Dense
//------------------------------------------------------------------------------

// The forward pass is out = inp @ weight^T with weight (OC, C): a dot product
// per output (without AVX gcc splits each 8-lane operation below into two SSE
// ones, so the portable build works too). A tile of DT = 8 batch rows and up to
// CT input columns is transposed into xt (CT vectors of 8 lanes, one lane per
// batch row); then each output is an axpy over lanes,
// acc += weight[o, c] * xt[c], with no reduction at all. OB outputs share each
// xt load and give OB independent accumulators to hide the FMA latency.
typedef float v8f __attribute__((vector_size(32)));
typedef float v8fu __attribute__((vector_size(32), aligned(4)));  // unaligned loads

#define DT 8     // batch rows per tile (lanes of v8f)
#define OB 8     // outputs computed together
#define CT 256   // input columns per transposed chunk (8 KiB of stack)

// Rows that do not fill a tile (B = 1 when acting): a dot product with 8
// partial sums per output, four outputs at a time.
static void dense_forward_rows(float *restrict out, const float *restrict inp,
                               const float *restrict weight, const float *restrict bias, int B,
                               int C, int OC) {
  // out is (B, OC), inp is (B, C)
  for (int b = 0; b < B; b++) {
    const float *restrict x = inp + (size_t)b * C;
    float *restrict y = out + (size_t)b * OC;
    int o = 0;
    for (; o + 4 <= OC; o += 4) {
      const float *w0 = weight + (size_t)o * C, *w1 = w0 + C, *w2 = w1 + C, *w3 = w2 + C;
      v8f s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
      int c = 0;
      for (; c + 8 <= C; c += 8) {
        v8f xv = *(const v8fu *)(x + c);
        s0 += xv * *(const v8fu *)(w0 + c);
        s1 += xv * *(const v8fu *)(w1 + c);
        s2 += xv * *(const v8fu *)(w2 + c);
        s3 += xv * *(const v8fu *)(w3 + c);
      }
      float r[4];
      const v8f *s[4] = {&s0, &s1, &s2, &s3};
      for (int j = 0; j < 4; j++) {
        v8f v = *s[j];
        r[j] = ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
      }
      for (; c < C; c++) {
        r[0] += x[c] * w0[c];
        r[1] += x[c] * w1[c];
        r[2] += x[c] * w2[c];
        r[3] += x[c] * w3[c];
      }
      for (int j = 0; j < 4; j++) y[o + j] = (bias ? bias[o + j] : 0.0f) + r[j];
    }
    for (; o < OC; o++) {
      const float *w = weight + (size_t)o * C;
      float sum = bias ? bias[o] : 0.0f;
      for (int c = 0; c < C; c++) sum += x[c] * w[c];
      y[o] = sum;
    }
  }
}

void rlc_dense_forward(float *out, const float *inp, const float *weight, const float *bias,
                       int B, int C, int OC) {
  // out is (B, OC), inp is (B, C), weight is (OC, C), bias is (OC) or NULL
  int b = 0;
  for (; b + DT <= B; b += DT) {
    float *restrict ot = out + (size_t)b * OC;  // (DT, OC)
    const float *restrict xb = inp + (size_t)b * C;
    for (int k = 0; k < DT; k++)
      for (int o = 0; o < OC; o++) ot[(size_t)k * OC + o] = bias ? bias[o] : 0.0f;
    for (int c0 = 0; c0 < C; c0 += CT) {
      int cn = C - c0 < CT ? C - c0 : CT;
      v8f xt[CT];
      for (int c = 0; c < cn; c++)
        for (int k = 0; k < DT; k++) xt[c][k] = xb[(size_t)k * C + c0 + c];
      int o = 0;
      for (; o + OB <= OC; o += OB) {
        const float *restrict w = weight + (size_t)o * C + c0;
        v8f acc[OB];
        for (int j = 0; j < OB; j++) acc[j] = (v8f){0};
        for (int c = 0; c < cn; c++) {
          v8f xv = xt[c];
          for (int j = 0; j < OB; j++) acc[j] += w[(size_t)j * C + c] * xv;
        }
        for (int k = 0; k < DT; k++)
          for (int j = 0; j < OB; j++) ot[(size_t)k * OC + o + j] += acc[j][k];
      }
      for (; o < OC; o++) {
        const float *restrict w = weight + (size_t)o * C + c0;
        v8f acc = {0};
        for (int c = 0; c < cn; c++) acc += w[c] * xt[c];
        for (int k = 0; k < DT; k++) ot[(size_t)k * OC + o] += acc[k];
      }
    }
  }
  if (b < B) dense_forward_rows(out + (size_t)b * OC, inp + (size_t)b * C, weight, bias, B - b, C, OC);
}

// Both backward products have the form dst (M, N) += coef (M, K) @ src (K, N)
// with src and dst rows contiguous:
//   dinp (B, C)     += dout (B, OC)    @ weight (OC, C)
//   dweight (OC, C) += dout^T (OC, B)  @ inp (B, C)
// The micro-kernel keeps a 2 x 32 block of dst in eight vector registers
// while it runs over K (broadcast a coefficient, multiply-add a row of src),
// so each FMA costs 0.75 loads instead of the 2 loads + 1 store of a plain
// row axpy. coef(m, k) = coef[m * cm + k * ck].
static void gemm_acc_block(float *restrict dst, size_t dst_stride, const float *restrict coef,
                           size_t cm, size_t ck, const float *restrict src, size_t src_stride, int M,
                           int K, int N) {
  int n0 = 0;
  for (; n0 + 32 <= N; n0 += 32) {
    int m = 0;
    for (; m + 2 <= M; m += 2) {
      float *d0 = dst + (size_t)m * dst_stride + n0, *d1 = d0 + dst_stride;
      v8f a00 = *(v8fu *)d0, a01 = *(v8fu *)(d0 + 8), a02 = *(v8fu *)(d0 + 16),
          a03 = *(v8fu *)(d0 + 24);
      v8f a10 = *(v8fu *)d1, a11 = *(v8fu *)(d1 + 8), a12 = *(v8fu *)(d1 + 16),
          a13 = *(v8fu *)(d1 + 24);
      const float *c0p = coef + (size_t)m * cm, *c1p = c0p + cm;
      for (int k = 0; k < K; k++) {
        const float *s = src + (size_t)k * src_stride + n0;
        v8f s0 = *(const v8fu *)s, s1 = *(const v8fu *)(s + 8), s2 = *(const v8fu *)(s + 16),
            s3 = *(const v8fu *)(s + 24);
        float c0 = c0p[(size_t)k * ck], c1 = c1p[(size_t)k * ck];
        a00 += c0 * s0; a01 += c0 * s1; a02 += c0 * s2; a03 += c0 * s3;
        a10 += c1 * s0; a11 += c1 * s1; a12 += c1 * s2; a13 += c1 * s3;
      }
      *(v8fu *)d0 = a00; *(v8fu *)(d0 + 8) = a01; *(v8fu *)(d0 + 16) = a02; *(v8fu *)(d0 + 24) = a03;
      *(v8fu *)d1 = a10; *(v8fu *)(d1 + 8) = a11; *(v8fu *)(d1 + 16) = a12; *(v8fu *)(d1 + 24) = a13;
    }
    for (; m < M; m++) {
      float *d0 = dst + (size_t)m * dst_stride + n0;
      v8f a0 = *(v8fu *)d0, a1 = *(v8fu *)(d0 + 8), a2 = *(v8fu *)(d0 + 16), a3 = *(v8fu *)(d0 + 24);
      const float *cp = coef + (size_t)m * cm;
      for (int k = 0; k < K; k++) {
        const float *s = src + (size_t)k * src_stride + n0;
        float c = cp[(size_t)k * ck];
        a0 += c * *(const v8fu *)s; a1 += c * *(const v8fu *)(s + 8);
        a2 += c * *(const v8fu *)(s + 16); a3 += c * *(const v8fu *)(s + 24);
      }
      *(v8fu *)d0 = a0; *(v8fu *)(d0 + 8) = a1; *(v8fu *)(d0 + 16) = a2; *(v8fu *)(d0 + 24) = a3;
    }
  }
  // Leftover columns (and small layers such as a 4-input first layer): a
  // plain row axpy over what is left, which gcc vectorizes as it can.
  if (n0 < N) {
    int n = N - n0;
    for (int m = 0; m < M; m++) {
      float *restrict d = dst + (size_t)m * dst_stride + n0;
      const float *cp = coef + (size_t)m * cm;
      for (int k = 0; k < K; k++) {
        const float *restrict s = src + (size_t)k * src_stride + n0;
        float c = cp[(size_t)k * ck];
        for (int j = 0; j < n; j++) d[j] += c * s[j];
      }
    }
  }
}

// K is cut into slices of KC so the strip of src that the micro-kernel
// sweeps for every pair of dst rows (KC x 32 floats) stays in L1.
#define KC 64
static void gemm_acc(float *restrict dst, size_t dst_stride, const float *restrict coef, size_t cm,
                     size_t ck, const float *restrict src, size_t src_stride, int M, int K, int N) {
  for (int k0 = 0; k0 < K; k0 += KC)
    gemm_acc_block(dst, dst_stride, coef + (size_t)k0 * ck, cm, ck, src + (size_t)k0 * src_stride,
                   src_stride, M, K - k0 < KC ? K - k0 : KC, N);
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
    gemm_acc(t, NARROW_O, inp, 1, (size_t)C, dout + o0, (size_t)OC, C, B, on);
    for (int o = 0; o < on; o++)
      for (int c = 0; c < C; c++) dweight[(size_t)(o0 + o) * C + c] += t[c * NARROW_O + o];
  }
}

void rlc_dense_backward(float *dinp, float *dweight, float *dbias, const float *dout,
                        const float *inp, const float *weight, int B, int C, int OC) {
  // dinp is (B, C), dweight is (OC, C), dbias is (OC), dout is (B, OC)
  if (dinp) gemm_acc(dinp, (size_t)C, dout, (size_t)OC, 1, weight, (size_t)C, B, OC, C);
  if (dweight) {
    if (C < NARROW_C && OC >= NARROW_C)
      dense_dweight_narrow(dweight, dout, inp, B, C, OC);
    else
      gemm_acc(dweight, (size_t)C, dout, 1, (size_t)OC, inp, (size_t)C, OC, B, C);
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

void rlc_elu_forward(float *out, const float *inp, int n) {
  for (int i = 0; i < n; i++) out[i] = inp[i] > 0.0f ? inp[i] : expm1f(inp[i]);
}

// d/dx (exp(x) - 1) = exp(x) = out + 1 on the negative side.
void rlc_elu_backward(float *dinp, const float *dout, const float *out, int n) {
  for (int i = 0; i < n; i++) dinp[i] += dout[i] * (out[i] > 0.0f ? 1.0f : out[i] + 1.0f);
}

void rlc_tanh_forward(float *out, const float *inp, int n) {
  for (int i = 0; i < n; i++) out[i] = tanhf(inp[i]);
}

void rlc_tanh_backward(float *dinp, const float *dout, const float *out, int n) {
  for (int i = 0; i < n; i++) dinp[i] += dout[i] * (1.0f - out[i] * out[i]);
}

// Branches keep exp() from overflowing for large |x|.
void rlc_sigmoid_forward(float *out, const float *inp, int n) {
  for (int i = 0; i < n; i++) {
    float x = inp[i];
    if (x >= 0.0f) {
      out[i] = 1.0f / (1.0f + expf(-x));
    } else {
      float e = expf(x);
      out[i] = e / (1.0f + e);
    }
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
