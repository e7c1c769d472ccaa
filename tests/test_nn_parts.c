// tests/test_nn_parts.c: unit tests of the conv2d kernels, the accuracy of the
// vectorized activations, the initializers, the optimizers, gradient clipping,
// target-network updates and schedules (src/nn/conv.c, kernels.c, init.c,
// optim.c).
// Depends on: tests/test.h, rlc/nn.h.
#include <stdlib.h>

#include "test.h"

// Uniform floats in [-1, 1) from a fixed seed.
static void fill_uniform(float *x, size_t n, rlcRng *rng) {
  for (size_t i = 0; i < n; i++) x[i] = (float)rlc_rng_uniform(rng, -1.0, 1.0);
}

//------------------------------------------------------------------------------
// conv2d
//------------------------------------------------------------------------------

typedef struct ConvCase {
  int B, H, W, C, OC, KH, KW, stride, pad;
} ConvCase;

// Strides 1/2/3/4, pads 0/1, C 1..4, OC 1..3, batch 1..3, square and
// rectangular kernels and inputs, strides that leave input columns unused.
static const ConvCase conv_cases[] = {
    {1, 5, 5, 1, 1, 3, 3, 1, 0},  {2, 6, 7, 2, 3, 3, 3, 2, 1},  {3, 9, 9, 3, 2, 4, 4, 4, 0},
    {2, 10, 10, 4, 3, 3, 3, 1, 1}, {1, 8, 6, 4, 2, 2, 2, 2, 1}, {3, 7, 5, 3, 1, 5, 5, 1, 1},
    {2, 6, 8, 2, 2, 2, 3, 1, 0},  {1, 11, 9, 1, 3, 4, 2, 3, 1}, {2, 4, 4, 4, 2, 4, 4, 1, 1},
    {1, 3, 3, 2, 3, 3, 3, 1, 1},  {2, 10, 10, 4, 1, 3, 3, 1, 0},
};

static rlcConvShape conv_shape_of(const ConvCase *c) {
  rlcConvShape s = {c->H, c->W, c->C, c->OC, c->KH, c->KW, c->stride, c->pad, 0, 0};
  CHECK_OK(rlc_conv_shape(&s));
  return s;
}

// The definition, in double: out[b,oh,ow,oc] = bias[oc] + sum over the window.
static void conv_ref(double *out, const float *inp, const float *w, const float *bias, int B,
                     const rlcConvShape *s) {
  for (int b = 0; b < B; b++)
    for (int oh = 0; oh < s->OH; oh++)
      for (int ow = 0; ow < s->OW; ow++)
        for (int oc = 0; oc < s->OC; oc++) {
          double acc = bias ? bias[oc] : 0.0;
          for (int kh = 0; kh < s->KH; kh++)
            for (int kw = 0; kw < s->KW; kw++) {
              int ih = oh * s->stride - s->pad + kh, iw = ow * s->stride - s->pad + kw;
              if (ih < 0 || ih >= s->H || iw < 0 || iw >= s->W) continue;
              for (int c = 0; c < s->C; c++)
                acc += (double)w[((oc * s->KH + kh) * s->KW + kw) * s->C + c] *
                       inp[((b * s->H + ih) * s->W + iw) * s->C + c];
            }
          out[((b * s->OH + oh) * s->OW + ow) * s->OC + oc] = acc;
        }
}

typedef struct ConvBufs {
  size_t n_in, n_w, n_out, n_col;
  float *inp, *w, *bias, *out, *col, *dout, *dinp, *dw, *db;
} ConvBufs;

static ConvBufs conv_bufs(const rlcConvShape *s, int B, uint64_t seed) {
  ConvBufs k;
  k.n_in = (size_t)B * s->H * s->W * s->C;
  k.n_w = (size_t)s->OC * s->KH * s->KW * s->C;
  k.n_out = (size_t)B * s->OH * s->OW * s->OC;
  k.n_col = rlc_conv_col_size(s);
  k.inp = malloc(sizeof(float) * k.n_in);
  k.w = malloc(sizeof(float) * k.n_w);
  k.bias = malloc(sizeof(float) * s->OC);
  k.out = malloc(sizeof(float) * k.n_out);
  k.col = malloc(sizeof(float) * k.n_col);  // exactly the advertised size (ASan checks)
  k.dout = malloc(sizeof(float) * k.n_out);
  k.dinp = calloc(k.n_in, sizeof(float));
  k.dw = calloc(k.n_w, sizeof(float));
  k.db = calloc(s->OC, sizeof(float));
  rlcRng rng;
  rlc_rng_seed(&rng, seed);
  fill_uniform(k.inp, k.n_in, &rng);
  fill_uniform(k.w, k.n_w, &rng);
  fill_uniform(k.bias, s->OC, &rng);
  fill_uniform(k.dout, k.n_out, &rng);
  return k;
}

static void conv_bufs_free(ConvBufs *k) {
  free(k->inp), free(k->w), free(k->bias), free(k->out), free(k->col);
  free(k->dout), free(k->dinp), free(k->dw), free(k->db);
}

TEST(conv_shape_checks) {
  rlcConvShape a = {84, 84, 4, 32, 8, 8, 4, 0, 0, 0};  // Atari DQN (Mnih et al. 2015)
  CHECK_OK(rlc_conv_shape(&a));
  CHECK_EQ_INT(a.OH, 20); CHECK_EQ_INT(a.OW, 20);
  rlcConvShape b = {20, 20, 32, 64, 4, 4, 2, 0, 0, 0};
  CHECK_OK(rlc_conv_shape(&b));
  CHECK_EQ_INT(b.OH, 9); CHECK_EQ_INT(b.OW, 9);
  rlcConvShape c = {9, 9, 64, 64, 3, 3, 1, 0, 0, 0};
  CHECK_OK(rlc_conv_shape(&c));
  CHECK_EQ_INT(c.OH, 7); CHECK_EQ_INT(c.OW, 7);
  rlcConvShape m0 = {10, 10, 4, 16, 3, 3, 1, 0, 0, 0}, m1 = {10, 10, 7, 16, 3, 3, 1, 1, 0, 0};
  CHECK_OK(rlc_conv_shape(&m0));
  CHECK_OK(rlc_conv_shape(&m1));
  CHECK_EQ_INT(m0.OH, 8); CHECK_EQ_INT(m1.OW, 10);
  // Scratch for a chunk of whole images (those whose patch matrices fit in
  // 64 Ki floats: 28 of 64 x 36), then dweight^T (36 x 16); any batch.
  CHECK_EQ_INT(rlc_conv_col_size(&m0), 28 * 64 * 36 + 36 * 16);
  // One image per chunk, room for two (one per thread of a pool).
  CHECK_EQ_INT(rlc_conv_col_size(&a), 2 * 400 * 256 + 256 * 32);

  rlcConvShape bad[] = {
      {0, 5, 1, 1, 3, 3, 1, 0, 0, 0},  {5, 5, 0, 1, 3, 3, 1, 0, 0, 0},
      {5, 5, 1, 0, 3, 3, 1, 0, 0, 0},  {5, 5, 1, 1, 3, 3, 0, 0, 0, 0},
      {5, 5, 1, 1, 3, 3, 1, -1, 0, 0}, {2, 5, 1, 1, 3, 3, 1, 0, 0, 0},
      {5, 5, 1, 1, 0, 3, 1, 0, 0, 0},  {1 << 20, 1 << 20, 4, 1, 3, 3, 1, 0, 0, 0},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    CHECK_ERR(rlc_conv_shape(&bad[i]), RLC_ERR_ARG);
  CHECK_ERR(rlc_conv_shape(NULL), RLC_ERR_ARG);
  rlcConvShape pad_ok = {2, 2, 1, 1, 3, 3, 1, 1, 0, 0};  // padding makes room for the kernel
  CHECK_OK(rlc_conv_shape(&pad_ok));
  CHECK_EQ_INT(pad_ok.OH, 2);
}

TEST(conv_forward_matches_reference) {
  for (size_t ci = 0; ci < sizeof conv_cases / sizeof conv_cases[0]; ci++) {
    const ConvCase *cc = &conv_cases[ci];
    rlcConvShape s = conv_shape_of(cc);
    ConvBufs k = conv_bufs(&s, cc->B, 100 + ci);
    double *ref = malloc(sizeof(double) * k.n_out);
    for (int with_bias = 0; with_bias < 2; with_bias++) {
      const float *bias = with_bias ? k.bias : NULL;
      conv_ref(ref, k.inp, k.w, bias, cc->B, &s);
      for (int path = 0; path < 2; path++) {
        rlc_conv2d_forward(k.out, k.inp, k.w, bias, cc->B, &s, path ? k.col : NULL);
        double maxerr = 0;
        for (size_t i = 0; i < k.n_out; i++) maxerr = fmax(maxerr, fabs(k.out[i] - ref[i]));
        CHECK_MSG(maxerr < 1e-5, "case %zu path %d bias %d: max error %g", ci, path, with_bias,
                  maxerr);
      }
    }
    free(ref);
    conv_bufs_free(&k);
  }
}

// Loss L = sum(out * dout) makes dout the output gradient; the reference
// gradient of each input, weight and bias value is a central difference of
// the double-precision definition (exact up to rounding: L is linear in each).
static double conv_loss(const ConvBufs *k, const rlcConvShape *s, int B, double *buf) {
  conv_ref(buf, k->inp, k->w, k->bias, B, s);
  double L = 0;
  for (size_t i = 0; i < k->n_out; i++) L += buf[i] * k->dout[i];
  return L;
}

static double central_diff(float *x, ConvBufs *k, const rlcConvShape *s, int B, double *buf) {
  const float h = 0.0625f;  // exact in float, so x +- h is exact for |x| < 1
  float x0 = *x;
  *x = x0 + h;
  double lp = conv_loss(k, s, B, buf);
  *x = x0 - h;
  double lm = conv_loss(k, s, B, buf);
  *x = x0;
  return (lp - lm) / (2.0 * h);
}

TEST(conv_backward_finite_differences) {
  for (size_t ci = 0; ci < sizeof conv_cases / sizeof conv_cases[0]; ci++) {
    const ConvCase *cc = &conv_cases[ci];
    rlcConvShape s = conv_shape_of(cc);
    ConvBufs k = conv_bufs(&s, cc->B, 200 + ci);
    double *buf = malloc(sizeof(double) * k.n_out);
    for (int path = 0; path < 2; path++) {
      // Start from nonzero gradients: backward must add to them.
      for (size_t i = 0; i < k.n_in; i++) k.dinp[i] = 0.5f;
      for (size_t i = 0; i < k.n_w; i++) k.dw[i] = -0.25f;
      for (int i = 0; i < s.OC; i++) k.db[i] = 1.0f;
      rlc_conv2d_backward(k.dinp, k.dw, k.db, k.dout, k.inp, k.w, cc->B, &s,
                          path ? k.col : NULL);
      double e_in = 0, e_w = 0, e_b = 0;
      for (size_t i = 0; i < k.n_in; i++)
        e_in = fmax(e_in, fabs(k.dinp[i] - 0.5 - central_diff(&k.inp[i], &k, &s, cc->B, buf)));
      for (size_t i = 0; i < k.n_w; i++)
        e_w = fmax(e_w, fabs(k.dw[i] + 0.25 - central_diff(&k.w[i], &k, &s, cc->B, buf)));
      for (int i = 0; i < s.OC; i++)
        e_b = fmax(e_b, fabs(k.db[i] - 1.0 - central_diff(&k.bias[i], &k, &s, cc->B, buf)));
      CHECK_MSG(e_in < 1e-4 && e_w < 1e-4 && e_b < 1e-4,
                "case %zu path %d: max error dinp %g dweight %g dbias %g", ci, path, e_in, e_w,
                e_b);
    }
    free(buf);
    conv_bufs_free(&k);
  }
}

// Each gradient may be requested alone (NULL for the others).
TEST(conv_backward_null_outputs) {
  const ConvCase cc = {2, 7, 6, 3, 2, 3, 3, 2, 1};
  rlcConvShape s = conv_shape_of(&cc);
  ConvBufs k = conv_bufs(&s, cc.B, 7);
  float *full_in = calloc(k.n_in, sizeof(float)), *full_w = calloc(k.n_w, sizeof(float));
  float full_b[2] = {0, 0};
  rlc_conv2d_backward(full_in, full_w, full_b, k.dout, k.inp, k.w, cc.B, &s, k.col);
  for (int path = 0; path < 2; path++) {
    float *col = path ? k.col : NULL;
    memset(k.dinp, 0, sizeof(float) * k.n_in);
    memset(k.dw, 0, sizeof(float) * k.n_w);
    memset(k.db, 0, sizeof(float) * s.OC);
    rlc_conv2d_backward(k.dinp, NULL, NULL, k.dout, k.inp, k.w, cc.B, &s, col);
    rlc_conv2d_backward(NULL, k.dw, NULL, k.dout, k.inp, k.w, cc.B, &s, col);
    rlc_conv2d_backward(NULL, NULL, k.db, k.dout, k.inp, k.w, cc.B, &s, col);
    rlc_conv2d_backward(NULL, NULL, NULL, k.dout, k.inp, k.w, cc.B, &s, col);
    for (size_t i = 0; i < k.n_in; i++) CHECK_NEAR(k.dinp[i], full_in[i], 1e-5);
    for (size_t i = 0; i < k.n_w; i++) CHECK_NEAR(k.dw[i], full_w[i], 1e-5);
    for (int i = 0; i < s.OC; i++) CHECK_NEAR(k.db[i], full_b[i], 1e-5);
  }
  free(full_in), free(full_w);
  conv_bufs_free(&k);
}

// The im2col path equals the direct path on the Atari and MinAtar layers.
TEST(conv_im2col_equals_direct) {
  // The im2col path works in chunks of whole images: one image per chunk
  // (Atari), 28 + 2 (MinAtar at batch 30) and 10 + 10 + 3 (C = 7, pad 1).
  const ConvCase cases[] = {
      {2, 84, 84, 4, 32, 8, 8, 4, 0},  {2, 20, 20, 32, 64, 4, 4, 2, 0},
      {2, 9, 9, 64, 64, 3, 3, 1, 0},   {3, 10, 10, 4, 16, 3, 3, 1, 0},
      {30, 10, 10, 4, 16, 3, 3, 1, 0}, {23, 10, 10, 7, 16, 3, 3, 1, 1},
      {2, 10, 10, 10, 16, 3, 3, 1, 1},
  };
  for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
    const ConvCase *cc = &cases[ci];
    rlcConvShape s = conv_shape_of(cc);
    ConvBufs k = conv_bufs(&s, cc->B, 300 + ci);
    float *out2 = malloc(sizeof(float) * k.n_out);
    float *dinp2 = calloc(k.n_in, sizeof(float)), *dw2 = calloc(k.n_w, sizeof(float));
    float *db2 = calloc(s.OC, sizeof(float));
    rlc_conv2d_forward(k.out, k.inp, k.w, k.bias, cc->B, &s, NULL);
    rlc_conv2d_forward(out2, k.inp, k.w, k.bias, cc->B, &s, k.col);
    rlc_conv2d_backward(k.dinp, k.dw, k.db, k.dout, k.inp, k.w, cc->B, &s, NULL);
    rlc_conv2d_backward(dinp2, dw2, db2, k.dout, k.inp, k.w, cc->B, &s, k.col);
    // Float sums of up to K = 576 (or B*P = 2300) products round differently
    // in the two paths: compare relative to the largest magnitude.
    double e_out = 0, e_in = 0, e_w = 0, e_b = 0, m_out = 0, m_in = 0, m_w = 0, m_b = 0;
    for (size_t i = 0; i < k.n_out; i++)
      e_out = fmax(e_out, fabs(k.out[i] - out2[i])), m_out = fmax(m_out, fabs(out2[i]));
    for (size_t i = 0; i < k.n_in; i++)
      e_in = fmax(e_in, fabs(k.dinp[i] - dinp2[i])), m_in = fmax(m_in, fabs(dinp2[i]));
    for (size_t i = 0; i < k.n_w; i++)
      e_w = fmax(e_w, fabs(k.dw[i] - dw2[i])), m_w = fmax(m_w, fabs(dw2[i]));
    for (int i = 0; i < s.OC; i++)
      e_b = fmax(e_b, fabs(k.db[i] - db2[i])), m_b = fmax(m_b, fabs(db2[i]));
    CHECK_MSG(e_out <= 1e-5 * m_out && e_in <= 1e-5 * m_in && e_w <= 1e-5 * m_w &&
                  e_b <= 1e-5 * m_b,
              "case %zu: relative out %g dinp %g dweight %g dbias %g", ci, e_out / m_out,
              e_in / m_in, e_w / m_w, e_b / m_b);
    free(out2), free(dinp2), free(dw2), free(db2);
    conv_bufs_free(&k);
  }
}

//------------------------------------------------------------------------------
// Activations: the vectorized exponentials (kernels.c) against libm in double
//------------------------------------------------------------------------------

typedef void (*ActFn)(float *out, const float *inp, int n);

// |got - want| in units of the last place of floats in want's binade.
static double ulp_error(float got, double want) {
  int e;
  frexp(want, &e);
  return fabs(got - want) / ldexp(1.0, e - 24 < -149 ? -149 : e - 24);
}

// The largest error of f against ref over floats from lo to hi (same sign,
// |lo| <= |hi|), every `stride`-th bit pattern: all binades alike, about
// 2^23 / stride values in each.
static double act_max_ulp(ActFn f, double (*ref)(double), float lo, float hi, uint32_t stride,
                          float *worst) {
  enum { N = 4096 };
  static float x[N], y[N];
  uint32_t b0, b1;
  memcpy(&b0, &lo, 4);
  memcpy(&b1, &hi, 4);
  double maxu = 0;
  for (uint64_t b = b0; b <= b1;) {
    int n = 0;
    for (; n < N && b <= b1; n++, b += stride) {
      uint32_t u = (uint32_t)b;
      memcpy(&x[n], &u, 4);
    }
    f(y, x, n);
    for (int i = 0; i < n; i++) {
      double u = ulp_error(y[i], ref(x[i]));
      if (!(u <= maxu)) maxu = u, *worst = x[i];  // a NaN result counts as the worst
    }
  }
  return maxu;
}

static double elu_ref(double x) { return x > 0 ? x : expm1(x); }
static double sigmoid_ref(double x) { return 1.0 / (1.0 + exp(-x)); }

// Special values: signed zeros, infinities and NaN.
static void act_specials(ActFn f, float pinf, float minf, bool odd) {
  float x[5] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN}, y[5];
  f(y, x, 5);
  if (odd) {
    CHECK(y[0] == 0.0f && !signbit(y[0]) && y[1] == 0.0f && signbit(y[1]));
  }
  CHECK(y[2] == pinf);
  CHECK(y[3] == minf);
  CHECK(isnan(y[4]));
}

TEST(nn_elu_expm1_accuracy) {
  float worst = 0;
  double u = act_max_ulp(rlc_elu_forward, elu_ref, -0.0f, -20.0f, 251, &worst);
  CHECK_MSG(u <= 1.5, "elu: %.3f ulp at %a", u, worst);
  u = act_max_ulp(rlc_elu_forward, elu_ref, -20.0f, -1000.0f, 4099, &worst);  // -1
  CHECK_MSG(u <= 0.5, "elu below -20: %.3f ulp at %a", u, worst);
  u = act_max_ulp(rlc_elu_forward, elu_ref, 0.0f, 100.0f, 4099, &worst);  // identity
  CHECK_MSG(u == 0, "elu above 0: %.3f ulp at %a", u, worst);
  act_specials(rlc_elu_forward, INFINITY, -1.0f, true);
}

TEST(nn_tanh_accuracy) {
  float worst = 0;
  for (int sign = 0; sign < 2; sign++) {
    float s = sign ? -1.0f : 1.0f;
    double u = act_max_ulp(rlc_tanh_forward, tanh, 0.0f * s, 20.0f * s, 251, &worst);
    CHECK_MSG(u <= 2.0, "tanh: %.3f ulp at %a", u, worst);
  }
  act_specials(rlc_tanh_forward, 1.0f, -1.0f, true);
}

TEST(nn_sigmoid_accuracy) {
  float worst = 0;
  // Down to -110: the results there are subnormal, and 0 below -104.
  double u = act_max_ulp(rlc_sigmoid_forward, sigmoid_ref, -0.0f, -110.0f, 251, &worst);
  CHECK_MSG(u <= 2.0, "sigmoid: %.3f ulp at %a", u, worst);
  u = act_max_ulp(rlc_sigmoid_forward, sigmoid_ref, 0.0f, 30.0f, 251, &worst);
  CHECK_MSG(u <= 2.0, "sigmoid: %.3f ulp at %a", u, worst);
  act_specials(rlc_sigmoid_forward, 1.0f, 0.0f, false);
}

//------------------------------------------------------------------------------
// Initializers
//------------------------------------------------------------------------------

static void moments(const float *w, int n, double *mean, double *sd, double *maxabs) {
  double s = 0, s2 = 0, m = 0;
  for (int i = 0; i < n; i++) s += w[i];
  *mean = s / n;
  for (int i = 0; i < n; i++) {
    s2 += (w[i] - *mean) * (w[i] - *mean);
    m = fmax(m, fabs(w[i]));
  }
  *sd = sqrt(s2 / n);
  *maxabs = m;
}

#define INIT_N 200000

TEST(init_constant_zeros_uniform) {
  static float w[INIT_N];
  rlcRng rng;
  rlc_rng_seed(&rng, 1);
  rlcInit in = {.type = RLC_INIT_CONSTANT, .a = 0.25};
  CHECK_OK(rlc_init_fill(w, 10, 1, 1, 1, &in, NULL));  // no rng needed
  for (int i = 0; i < 10; i++) CHECK(w[i] == 0.25f);
  in.type = RLC_INIT_ZEROS;
  CHECK_OK(rlc_init_fill(w, 10, 1, 1, 1, &in, NULL));
  for (int i = 0; i < 10; i++) CHECK(w[i] == 0.0f);

  in = (rlcInit){.type = RLC_INIT_UNIFORM, .a = -0.5, .b = 1.5};
  CHECK_OK(rlc_init_fill(w, INIT_N, 1, 1, 1, &in, &rng));
  double mean, sd, mx, lo = 1e9, hi = -1e9;
  moments(w, INIT_N, &mean, &sd, &mx);
  for (int i = 0; i < INIT_N; i++) lo = fmin(lo, w[i]), hi = fmax(hi, w[i]);
  CHECK(lo >= -0.5 && hi <= 1.5 && lo < -0.499 && hi > 1.499);
  CHECK_NEAR(mean, 0.5, 5 * (2 / sqrt(12.0)) / sqrt(INIT_N));
  CHECK_NEAR(sd, 2 / sqrt(12.0), 0.01 * 2 / sqrt(12.0));
}

TEST(init_variance_scaling) {
  static float w[INIT_N];
  rlcRng rng;
  rlc_rng_seed(&rng, 2);
  const int fan_in = 50, fan_out = 150;
  const rlcFanMode modes[] = {RLC_FAN_IN, RLC_FAN_OUT, RLC_FAN_AVG};
  const double fans[] = {50, 150, 100};
  const rlcInitDist dists[] = {RLC_DIST_TRUNCATED_NORMAL, RLC_DIST_UNTRUNCATED_NORMAL,
                               RLC_DIST_UNIFORM};
  for (int mi = 0; mi < 3; mi++)
    for (int di = 0; di < 3; di++) {
      rlcInit in = {.type = RLC_INIT_VARIANCE_SCALING, .scale = 2.0, .mode = modes[mi],
                    .dist = dists[di]};
      CHECK_OK(rlc_init_fill(w, INIT_N, 1, fan_in, fan_out, &in, &rng));
      double mean, sd, mx, want = sqrt(2.0 / fans[mi]);
      moments(w, INIT_N, &mean, &sd, &mx);
      CHECK_MSG(fabs(mean) < 5 * want / sqrt(INIT_N), "mode %d dist %d: mean %g", mi, di, mean);
      CHECK_MSG(fabs(sd / want - 1) < 0.01, "mode %d dist %d: sd %g want %g", mi, di, sd, want);
      if (dists[di] == RLC_DIST_TRUNCATED_NORMAL) {
        // Cut at 2 stddev of the underlying normal (sd / 0.8796...).
        double cut = 2 * want / 0.87962566103423978;
        CHECK_MSG(mx <= cut * (1 + 1e-6) && mx > 0.99 * cut, "truncation: max %g cut %g", mx, cut);
      } else if (dists[di] == RLC_DIST_UNIFORM) {
        double lim = sqrt(3.0) * want;
        CHECK_MSG(mx <= lim * (1 + 1e-6) && mx > 0.999 * lim, "uniform: max %g lim %g", mx, lim);
      } else {
        CHECK(mx > 4 * want);  // untruncated: tails beyond 2 stddev are kept
      }
    }
}

TEST(init_glorot_torch_limits) {
  static float w[INIT_N];
  rlcRng rng;
  rlc_rng_seed(&rng, 3);
  double mean, sd, mx;
  rlcInit g = {.type = RLC_INIT_GLOROT_UNIFORM};
  CHECK_OK(rlc_init_fill(w, INIT_N, 1, 120, 80, &g, &rng));
  double lim = sqrt(6.0 / 200);
  moments(w, INIT_N, &mean, &sd, &mx);
  CHECK(mx <= lim * (1 + 1e-6) && mx > 0.999 * lim);
  CHECK_NEAR(sd, lim / sqrt(3.0), 0.01 * lim / sqrt(3.0));
  rlcInit t = {.type = RLC_INIT_TORCH_LINEAR};
  CHECK_OK(rlc_init_fill(w, INIT_N, 1, 64, 7, &t, &rng));
  moments(w, INIT_N, &mean, &sd, &mx);
  CHECK(mx <= 0.125 * (1 + 1e-6) && mx > 0.999 * 0.125);  // 1 / sqrt(64)
  CHECK_NEAR(mean, 0, 5 * 0.125 / sqrt(3.0 * INIT_N));
  CHECK_NEAR(sd, 0.125 / sqrt(3.0), 0.01 * 0.125 / sqrt(3.0));
}

// W (rows, cols): W W^T = gain^2 I when rows <= cols, W^T W = gain^2 I
// otherwise; and (W / gain) is exactly torch's QR factor of the Gaussian
// draws G (rows, cols): Q^T A upper triangular with a positive diagonal,
// where A = G (tall) or G^T (wide) and Q = W / gain or W^T / gain.
static void check_orthogonal(int rows, int cols, double gain, uint64_t seed) {
  int n = rows * cols;
  float *w = malloc(sizeof(float) * n);
  double *g = malloc(sizeof(double) * n);
  rlcRng rng, rng2;
  rlc_rng_seed(&rng, seed);
  rng2 = rng;
  rlcInit in = {.type = RLC_INIT_ORTHOGONAL, .a = gain};
  CHECK_OK(rlc_init_fill(w, n, rows, 0, 0, &in, &rng));
  for (int i = 0; i < n; i++) g[i] = rlc_rng_normal(&rng2);
  bool wide = rows < cols;
  int m = wide ? cols : rows, k = wide ? rows : cols;
  // q(i, j) for the tall (m, k) view.
#define QV(i, j) (wide ? w[(size_t)(j) * cols + (i)] : w[(size_t)(i) * cols + (j)])
#define AV(i, j) (wide ? g[(size_t)(j) * cols + (i)] : g[(size_t)(i) * cols + (j)])
  double e_orth = 0, e_tri = 0, min_diag = 1e9;
  for (int a = 0; a < k; a++)
    for (int b = 0; b < k; b++) {
      double qq = 0, qa = 0;
      for (int i = 0; i < m; i++) {
        qq += (double)QV(i, a) * QV(i, b);
        qa += (double)QV(i, a) / gain * AV(i, b);
      }
      e_orth = fmax(e_orth, fabs(qq - (a == b ? gain * gain : 0.0)));
      if (a > b) e_tri = fmax(e_tri, fabs(qa));
      if (a == b) min_diag = fmin(min_diag, qa);
    }
#undef QV
#undef AV
  CHECK_MSG(e_orth < 1e-4 * gain * gain, "%dx%d gain %g: orthogonality error %g", rows, cols,
            gain, e_orth);
  CHECK_MSG(e_tri < 1e-4 && min_diag > 0, "%dx%d: Q^T A below-diagonal %g, min diagonal %g", rows,
            cols, e_tri, min_diag);
  free(w), free(g);
}

TEST(init_orthogonal) {
  check_orthogonal(4, 4, 1.0, 11);
  check_orthogonal(16, 64, sqrt(2.0), 12);   // wide: rows orthonormal
  check_orthogonal(100, 30, 1.0, 13);        // tall: columns orthonormal
  check_orthogonal(32, 256, sqrt(2.0), 14);  // a conv weight (32, 8*8*4)
  check_orthogonal(1, 5, 0.01, 15);          // a single row: unit vector * gain
  check_orthogonal(7, 1, 1.0, 16);
}

TEST(init_deterministic_and_errors) {
  float a[64], b[64];
  rlcRng r1, r2;
  const rlcInit inits[] = {
      {.type = RLC_INIT_UNIFORM, .a = -1, .b = 1},
      {.type = RLC_INIT_VARIANCE_SCALING, .scale = 1, .mode = RLC_FAN_AVG},
      {.type = RLC_INIT_GLOROT_UNIFORM},
      {.type = RLC_INIT_TORCH_LINEAR},
      {.type = RLC_INIT_ORTHOGONAL, .a = 1},
  };
  for (size_t i = 0; i < sizeof inits / sizeof inits[0]; i++) {
    rlc_rng_seed(&r1, 99), rlc_rng_seed(&r2, 99);
    CHECK_OK(rlc_init_fill(a, 64, 8, 8, 8, &inits[i], &r1));
    CHECK_OK(rlc_init_fill(b, 64, 8, 8, 8, &inits[i], &r2));
    CHECK(memcmp(a, b, sizeof a) == 0);
    CHECK(memcmp(&r1, &r2, sizeof r1) == 0);
    rlc_rng_seed(&r2, 100);
    CHECK_OK(rlc_init_fill(b, 64, 8, 8, 8, &inits[i], &r2));
    CHECK(memcmp(a, b, sizeof a) != 0);
  }
  rlc_rng_seed(&r1, 1);
  rlcInit in = {.type = RLC_INIT_UNIFORM, .a = 1, .b = 0};
  CHECK_ERR(rlc_init_fill(a, 4, 1, 1, 1, &in, &r1), RLC_ERR_ARG);
  in = (rlcInit){.type = RLC_INIT_ZEROS};
  CHECK_ERR(rlc_init_fill(a, 0, 1, 1, 1, &in, &r1), RLC_ERR_ARG);
  CHECK_ERR(rlc_init_fill(NULL, 4, 1, 1, 1, &in, &r1), RLC_ERR_ARG);
  CHECK_ERR(rlc_init_fill(a, 4, 1, 1, 1, NULL, &r1), RLC_ERR_ARG);
  in = (rlcInit){.type = RLC_INIT_VARIANCE_SCALING, .scale = 0};
  CHECK_ERR(rlc_init_fill(a, 4, 1, 1, 1, &in, &r1), RLC_ERR_ARG);
  in.scale = -1;
  CHECK_ERR(rlc_init_fill(a, 4, 1, 1, 1, &in, &r1), RLC_ERR_ARG);
  in.scale = 1, in.mode = RLC_FAN_OUT;
  CHECK_ERR(rlc_init_fill(a, 4, 1, 4, 0, &in, &r1), RLC_ERR_ARG);
  in = (rlcInit){.type = RLC_INIT_TORCH_LINEAR};
  CHECK_ERR(rlc_init_fill(a, 4, 1, 0, 4, &in, &r1), RLC_ERR_ARG);
  CHECK_ERR(rlc_init_fill(a, 4, 1, 4, 4, &in, NULL), RLC_ERR_ARG);
  in = (rlcInit){.type = RLC_INIT_ORTHOGONAL, .a = 1};
  CHECK_ERR(rlc_init_fill(a, 10, 3, 1, 1, &in, &r1), RLC_ERR_ARG);
  CHECK_ERR(rlc_init_fill(a, 10, 0, 1, 1, &in, &r1), RLC_ERR_ARG);
  in = (rlcInit){.type = (rlcInitType)99};
  CHECK_ERR(rlc_init_fill(a, 4, 1, 1, 1, &in, &r1), RLC_ERR_ARG);
}

//------------------------------------------------------------------------------
// Optimizers
//------------------------------------------------------------------------------

// The hand-made problem: 7 parameters, 3 gradient vectors (a zero gradient,
// a tiny one, large ones of both signs).
static const float OPT_P0[7] = {0.5f, -1.2f, 2.0f, 0.0f, -0.3f, 1e-3f, 3.0f};
static const float OPT_G[3][7] = {
    {0.1f, -0.4f, 2.5f, 0.0f, -1e-3f, 0.7f, -3.0f},
    {0.2f, 0.3f, -1.5f, 0.0f, 2e-3f, 0.6f, -2.0f},
    {-0.05f, 0.9f, 0.5f, 0.0f, -4e-3f, -0.8f, 1.0f},
};

// Parameters after steps 1, 2, 3, from /tmp/ref/optim_ref.py (float64):
//   SGD, Adam: torch 1.13.1 (Debian python3-torch) torch.optim.SGD / Adam.
//   Nadam: torch.optim.NAdam(eps=1e-7, momentum_decay=0.004, foreach=True),
//     equal (to 2e-16) to a numpy hand-coding of TF 2.x optimizer_v2 Nadam.
//     (torch 1.13's default single-tensor NAdam multiplies mu_t into the next
//     product twice, a bug fixed later; it differs by 1.3e-4 here.)
//   RMSprop: numpy hand-coding of keras/src/optimizers/rmsprop.py (Keras 3,
//     same as Keras 2.11+): eps inside the sqrt, lr inside the momentum.
//     torch.optim.RMSprop differs from these by up to 9e-3 on this problem.
static const double REF_SGD_MOMENTUM[3][7] = {  // lr 0.1, momentum 0.9
    {0.48999999999999999, -1.1599999999999999, 1.75, 0, -0.2999, -0.069000000000000006, 3.2999999999999998},
    {0.46099999999999997, -1.1539999999999999, 1.675, 0, -0.30001, -0.192, 3.77},
    {0.43989999999999996, -1.2385999999999999, 1.5575000000000001, 0, -0.299709, -0.22270000000000001, 4.093},
};
static const double REF_SGD_NESTEROV_WD[3][7] = {  // lr 0.1, momentum 0.9, nesterov, wd 0.01
    {0.48004999999999998, -1.1217200000000001, 1.5211999999999999, 0, -0.29924000000000001, -0.13200189999999998, 3.5643000000000002},
    {0.43263290499999996, -1.143216732, 1.5991897199999998, 0, -0.29872744400000001, -0.30245190638999997, 4.1780978300000005},
    {0.41706756198049993, -1.3054012270091999, 1.4377110875319998, 0, -0.29702787745640002, -0.24940105522885894, 4.3557853611230009},
};
static const double REF_ADAM[3][7] = {  // lr 0.01, betas (0.9, 0.999), eps 1e-8
    {0.49000000099999991, -1.19000000025, 1.99000000004, 0, -0.29000009999900001, -0.0089999998571428583, 3.0099999999666665},
    {0.48034818135212531, -1.1891067502012136, 1.988085019697017, 0, -0.29366111211855883, -0.018930557876487376, 3.0197035212095655},
    {0.4744621144698114, -1.1943569466093877, 1.9855453678049733, 0, -0.2894645717903675, -0.020537923557120846, 3.0252224401514383},
};
static const double REF_ADAM_WD[3][7] = {  // the same with weight_decay 0.1
    {0.4900000006666666, -1.1900000001923077, 1.990000000037037, 0, -0.29000000322580538, -0.0089999998571632621, 3.0099999999629627},
    {0.48016870171550835, -1.1861194635919492, 1.9871957161090599, 0, -0.28005957365384615, -0.018929509386551309, 3.0196350042547966},
    {0.47261286359388727, -1.1896163111187921, 1.9836330733849055, 0, -0.27007199486133304, -0.020522027658610671, 3.0241141884312341},
};
static const double REF_RMSPROP[3][7] = {  // lr 0.01, rho 0.9, eps 1e-7
    {0.46837880441857077, -1.1683773222190299, 1.968377225928138, 0, -0.2776393202250021, -0.030622744333593799, 3.031622774844863},
    {0.43980766738786936, -1.1879888938278256, 1.9852803099494967, 0, -0.30367710242116686, -0.051822688700301683, 3.0498045922753665},
    {0.44713207299161112, -1.2161606885171947, 1.9794432262930759, 0, -0.27634005175556137, -0.030136825171366337, 3.0406337535871533},
};
static const double REF_RMSPROP_MOMENTUM[3][7] = {  // the same with momentum 0.5
    {0.46837880441857077, -1.1683773222190299, 1.968377225928138, 0, -0.2776393202250021, -0.030622744333593799, 3.031622774844863},
    {0.42399706959715472, -1.1721775549373405, 1.9694689229135658, 0, -0.29249676253366791, -0.067634060867098583, 3.0656159796977978},
    {0.40913060779018845, -1.2022494659858651, 1.9641776877498589, 0, -0.27258843302239533, -0.064453855604915622, 3.0734417434360521},
};
static const double REF_RMSPROP_CENTERED[3][7] = {  // centered, momentum 0
    {0.4666685183642118, -1.1666667824068044, 1.9666666696296293, 0, -0.27705842661294383, -0.032333295540502668, 3.0333333312757205},
    {0.43527679776475159, -1.1862934572043631, 1.983630447138415, 0, -0.3033673846610449, -0.05587246527737838, 3.053443229506037},
    {0.44297832546654187, -1.2155082409634292, 1.9777376608463038, 0, -0.27543289120114028, -0.034111116878779837, 3.0438414668723541},
};
static const double REF_RMSPROP_CENTERED_MOMENTUM[3][7] = {  // centered, momentum 0.5
    {0.4666685183642118, -1.1666667824068044, 1.9666666696296293, 0, -0.27705842661294383, -0.032333295540502668, 3.0333333312757205},
    {0.41861105694685752, -1.1696268484077654, 1.9669637819532295, 0, -0.29189659796751682, -0.072539113047629722, 3.0701098951438972},
    {0.40228385393997068, -1.2003216651673121, 1.9612195518229183, 0, -0.2713811901848987, -0.070880673402594713, 3.0788964144443027},
};
// torch.optim.RMSprop(lr=0.01, alpha=0.95, eps=0.01, centered=True[, momentum=0.5]),
// hand-coded in float64 from its documented update (eps outside the sqrt, lr
// outside the momentum buffer): the MinAtar paper's optimizer.
static const double REF_RMSPROP_TORCH_CENTERED[3][7] = {
    {0.468548013938718, -1.1588384588894987, 1.9549437816576039, 0.0, -0.29902134150172627, -0.042060635987973334, 3.0451919636077047},
    {0.43377296395197346, -1.183853625048568, 1.9780802662363048, 0.0, -0.3009270625554323, -0.07160769691911334, 3.0713659362249177},
    {0.44233286315628595, -1.2222706427889216, 1.9702684993642916, 0.0, -0.2972927716494316, -0.042632398330400854, 3.0587606786732158},
};
static const double REF_RMSPROP_TORCH_CENTERED_MOMENTUM[3][7] = {
    {0.468548013938718, -1.1588384588894987, 1.9549437816576039, 0.0, -0.29902134150172627, -0.04206063598797333, 3.0451919636077047},
    {0.4180469709213325, -1.1632728306514595, 1.9555521570651069, 0.0, -0.30043772734583096, -0.09313801493684871, 3.09396191802877},
    {0.4013563486169522, -1.2039070342727933, 1.9480445778968452, 0.0, -0.29751162936188263, -0.08970140582257392, 3.1057416376876006},
};
static const double REF_NADAM[3][7] = {  // lr 0.01, betas (0.9, 0.999), eps 1e-7
    {0.48943549278095333, -1.1894354848575748, 1.9894354826390268, 0, -0.28943653856258983, -0.0095645162743372703, 3.0105645174314035},
    {0.47980602536740435, -1.1952028961008154, 1.9942730823786556, 0, -0.29850154025436337, -0.016845888283593933, 3.016887735172713},
    {0.48134368419881057, -1.2050278244876547, 1.9921781440676036, 0, -0.28882498800998335, -0.010183504970782315, 3.0147888287802767},
};

static void check_optim(const rlcOptimDef *def, double lr, const double ref[3][7], const char *what) {
  rlcOptim *o = NULL;
  CHECK_OK(rlc_optim_create(def, 7, &o));
  if (!o) return;
  for (int pass = 0; pass < 2; pass++) {  // the second pass checks reset
    float p[7];
    memcpy(p, OPT_P0, sizeof p);
    for (int s = 0; s < 3; s++) {
      rlc_optim_step(o, p, OPT_G[s], lr);
      double err = 0;
      for (int i = 0; i < 7; i++) err = fmax(err, fabs(p[i] - ref[s][i]));
      // float32 state against float64 references
      CHECK_MSG(err < 2e-6, "%s pass %d step %d: max error %g", what, pass, s + 1, err);
    }
    CHECK_EQ_INT(o->t, 3);
    rlc_optim_reset(o);
    CHECK_EQ_INT(o->t, 0);
  }
  rlc_optim_destroy(o);
}

TEST(optim_sgd_matches_torch) {
  rlcOptimDef d = rlc_optim_default_def(RLC_OPTIM_SGD);
  d.momentum = 0.9;
  check_optim(&d, 0.1, REF_SGD_MOMENTUM, "sgd momentum");
  d.nesterov = true, d.weight_decay = 0.01;
  check_optim(&d, 0.1, REF_SGD_NESTEROV_WD, "sgd nesterov wd");
  // Plain SGD: p - lr * (g + wd * p), by hand.
  d = rlc_optim_default_def(RLC_OPTIM_SGD);
  d.weight_decay = 0.5;
  rlcOptim *o = NULL;
  CHECK_OK(rlc_optim_create(&d, 7, &o));
  CHECK(o && o->m == NULL && o->v == NULL && o->g == NULL);  // no state needed
  float p[7];
  memcpy(p, OPT_P0, sizeof p);
  rlc_optim_step(o, p, OPT_G[0], 0.1);
  for (int i = 0; i < 7; i++) CHECK_NEAR(p[i], OPT_P0[i] - 0.1 * (OPT_G[0][i] + 0.5 * OPT_P0[i]), 1e-6);
  rlc_optim_destroy(o);
}

TEST(optim_adam_matches_torch) {
  rlcOptimDef d = rlc_optim_default_def(RLC_OPTIM_ADAM);
  check_optim(&d, 0.01, REF_ADAM, "adam");
  d.weight_decay = 0.1;
  check_optim(&d, 0.01, REF_ADAM_WD, "adam wd");
}

TEST(optim_rmsprop_matches_keras) {
  rlcOptimDef d = rlc_optim_default_def(RLC_OPTIM_RMSPROP);
  check_optim(&d, 0.01, REF_RMSPROP, "rmsprop");
  d.momentum = 0.5;
  check_optim(&d, 0.01, REF_RMSPROP_MOMENTUM, "rmsprop momentum");
  d.momentum = 0, d.centered = true;
  check_optim(&d, 0.01, REF_RMSPROP_CENTERED, "rmsprop centered");
  d.momentum = 0.5;
  check_optim(&d, 0.01, REF_RMSPROP_CENTERED_MOMENTUM, "rmsprop centered momentum");
}

TEST(optim_rmsprop_eps_outside_matches_torch) {
  rlcOptimDef d = rlc_optim_default_def(RLC_OPTIM_RMSPROP);
  d.centered = true, d.eps_outside = true, d.rho = 0.95, d.eps = 0.01;
  check_optim(&d, 0.01, REF_RMSPROP_TORCH_CENTERED, "torch rmsprop centered");
  d.momentum = 0.5;
  check_optim(&d, 0.01, REF_RMSPROP_TORCH_CENTERED_MOMENTUM, "torch rmsprop centered momentum");
}

TEST(optim_nadam_matches_keras) {
  rlcOptimDef d = rlc_optim_default_def(RLC_OPTIM_NADAM);
  check_optim(&d, 0.01, REF_NADAM, "nadam");
  // State restored from outside (m, v, t copied into a fresh optimizer)
  // continues exactly: the momentum-schedule product is rebuilt from t.
  rlcOptim *a = NULL, *b = NULL;
  CHECK_OK(rlc_optim_create(&d, 7, &a));
  CHECK_OK(rlc_optim_create(&d, 7, &b));
  if (!a || !b) return;
  float pa[7], pb[7];
  memcpy(pa, OPT_P0, sizeof pa);
  for (int s = 0; s < 2; s++) rlc_optim_step(a, pa, OPT_G[s], 0.01);
  memcpy(pb, pa, sizeof pb);
  memcpy(b->m, a->m, sizeof(float) * 7), memcpy(b->v, a->v, sizeof(float) * 7);
  b->t = a->t;
  rlc_optim_step(a, pa, OPT_G[2], 0.01);
  rlc_optim_step(b, pb, OPT_G[2], 0.01);
  for (int i = 0; i < 7; i++) CHECK_NEAR(pb[i], REF_NADAM[2][i], 2e-6);
  CHECK(memcmp(pa, pb, sizeof pa) == 0);
  rlc_optim_destroy(a), rlc_optim_destroy(b);
}

TEST(optim_defaults_and_errors) {
  rlcOptimDef d = rlc_optim_default_def(RLC_OPTIM_ADAM);
  CHECK(d.lr == 1e-3 && d.beta1 == 0.9 && d.beta2 == 0.999 && d.eps == 1e-8);
  CHECK(d.momentum == 0 && !d.nesterov && !d.centered && d.weight_decay == 0);
  d = rlc_optim_default_def(RLC_OPTIM_RMSPROP);
  CHECK(d.rho == 0.9 && d.eps == 1e-7 && d.momentum == 0 && !d.centered);
  d = rlc_optim_default_def(RLC_OPTIM_NADAM);
  CHECK(d.eps == 1e-7 && d.beta1 == 0.9 && d.beta2 == 0.999);

  rlcOptim *o = (rlcOptim *)1;
  d = rlc_optim_default_def(RLC_OPTIM_ADAM);
  CHECK_ERR(rlc_optim_create(&d, 0, &o), RLC_ERR_ARG);
  CHECK(o == NULL);
  CHECK_ERR(rlc_optim_create(NULL, 4, &o), RLC_ERR_ARG);
  CHECK_ERR(rlc_optim_create(&d, 4, NULL), RLC_ERR_ARG);
  d.beta1 = 1.0;
  CHECK_ERR(rlc_optim_create(&d, 4, &o), RLC_ERR_ARG);
  d = rlc_optim_default_def(RLC_OPTIM_ADAM), d.eps = 0;
  CHECK_ERR(rlc_optim_create(&d, 4, &o), RLC_ERR_ARG);
  d = rlc_optim_default_def(RLC_OPTIM_ADAM), d.weight_decay = -1;
  CHECK_ERR(rlc_optim_create(&d, 4, &o), RLC_ERR_ARG);
  d = rlc_optim_default_def(RLC_OPTIM_SGD), d.nesterov = true;
  CHECK_ERR(rlc_optim_create(&d, 4, &o), RLC_ERR_ARG);
  d.momentum = -0.5;
  CHECK_ERR(rlc_optim_create(&d, 4, &o), RLC_ERR_ARG);
  d = rlc_optim_default_def(RLC_OPTIM_RMSPROP), d.rho = 1.5;
  CHECK_ERR(rlc_optim_create(&d, 4, &o), RLC_ERR_ARG);
  d = rlc_optim_default_def((rlcOptimType)42);
  CHECK_ERR(rlc_optim_create(&d, 4, &o), RLC_ERR_ARG);
  rlc_optim_destroy(NULL);
  rlc_optim_reset(NULL);
  rlc_optim_step(NULL, NULL, NULL, 0.1);
}

//------------------------------------------------------------------------------
// Clipping, target networks
//------------------------------------------------------------------------------

TEST(clip_grad_norm_cases) {
  float g[2] = {3, 4};
  CHECK_NEAR(rlc_clip_grad_norm(g, 2, 10), 5, 1e-12);  // below: unchanged
  CHECK(g[0] == 3 && g[1] == 4);
  CHECK_NEAR(rlc_clip_grad_norm(g, 2, 5), 5, 1e-12);  // equal: unchanged
  CHECK(g[0] == 3 && g[1] == 4);
  CHECK_NEAR(rlc_clip_grad_norm(g, 2, 0), 5, 1e-12);  // 0: no clipping
  CHECK_NEAR(rlc_clip_grad_norm(g, 2, -1), 5, 1e-12);
  CHECK(g[0] == 3 && g[1] == 4);
  CHECK_NEAR(rlc_clip_grad_norm(g, 2, 1), 5, 1e-12);
  CHECK_NEAR(g[0], 0.6, 1e-6);
  CHECK_NEAR(g[1], 0.8, 1e-6);
  CHECK(hypot(g[0], g[1]) <= 1.0);
  CHECK_NEAR(rlc_clip_grad_norm(g, 0, 1), 0, 0);

  // A long buffer (vector body and remainder): norm of 1..1003 is
  // sqrt(n (n+1) (2n+1) / 6).
  enum { N = 1003 };
  static float big[N];
  for (int i = 0; i < N; i++) big[i] = (float)((i % 2 ? -1 : 1) * (i + 1));
  double want = sqrt((double)N * (N + 1) * (2.0 * N + 1) / 6);
  CHECK_NEAR(rlc_clip_grad_norm(big, N, 10.0), want, 1e-9 * want);
  double after = 0;
  for (int i = 0; i < N; i++) after += (double)big[i] * big[i];
  CHECK_NEAR(sqrt(after), 10.0, 1e-5);
  CHECK_NEAR(big[N - 1], 10.0 * N / want, 1e-6);

  float bad[3] = {1, INFINITY, 2};  // non-finite: returned, grads untouched
  CHECK(isinf(rlc_clip_grad_norm(bad, 3, 1.0)));
  CHECK(bad[0] == 1 && bad[2] == 2);
}

TEST(clip_polyak_and_copy) {
  float src[9], dst[9], cp[9];
  for (int i = 0; i < 9; i++) src[i] = 0.1f * i - 0.3f, dst[i] = 1.0f + 0.37f * i;
  memcpy(cp, dst, sizeof cp);
  rlc_params_polyak(cp, src, 9, 1.0);  // tau 1 == copy, bit for bit
  CHECK(memcmp(cp, src, sizeof cp) == 0);
  memcpy(cp, dst, sizeof cp);
  rlc_params_polyak(cp, src, 9, 0.0);  // tau 0 leaves dst
  CHECK(memcmp(cp, dst, sizeof cp) == 0);
  memcpy(cp, dst, sizeof cp);
  rlc_params_polyak(cp, src, 9, 0.005);
  for (int i = 0; i < 9; i++) CHECK_NEAR(cp[i], 0.005 * src[i] + 0.995 * dst[i], 1e-6);
  rlc_params_copy(cp, src, 9);
  CHECK(memcmp(cp, src, sizeof cp) == 0);
}

//------------------------------------------------------------------------------
// Schedules
//------------------------------------------------------------------------------

TEST(sched_values) {
  rlcSchedule c = {.type = RLC_SCHED_CONSTANT, .v0 = 0.3};
  CHECK(rlc_schedule_value(&c, 0) == 0.3 && rlc_schedule_value(&c, 1e9) == 0.3);

  rlcSchedule lin = {.type = RLC_SCHED_LINEAR, .v0 = 1.0, .v1 = 0.1, .steps = 100};
  CHECK_NEAR(rlc_schedule_value(&lin, 0), 1.0, 1e-15);
  CHECK_NEAR(rlc_schedule_value(&lin, -5), 1.0, 1e-15);
  CHECK_NEAR(rlc_schedule_value(&lin, 50), 0.55, 1e-15);
  CHECK_NEAR(rlc_schedule_value(&lin, 100), 0.1, 1e-15);
  CHECK_NEAR(rlc_schedule_value(&lin, 1e6), 0.1, 1e-15);
  lin.steps = 0;  // no decay period: v1 at once
  CHECK_NEAR(rlc_schedule_value(&lin, 0), 0.1, 1e-15);

  rlcSchedule poly = {.type = RLC_SCHED_POLYNOMIAL, .v0 = 1.0, .v1 = 0.1, .steps = 100, .power = 1};
  for (double t = 0; t <= 150; t += 25)
    CHECK_NEAR(rlc_schedule_value(&poly, t), rlc_schedule_value(&(rlcSchedule){.type = RLC_SCHED_LINEAR, .v0 = 1.0, .v1 = 0.1, .steps = 100}, t), 1e-15);
  poly = (rlcSchedule){.type = RLC_SCHED_POLYNOMIAL, .v0 = 1.0, .v1 = 0.0, .steps = 10, .power = 2};
  CHECK_NEAR(rlc_schedule_value(&poly, 5), 0.25, 1e-15);
  CHECK_NEAR(rlc_schedule_value(&poly, 10), 0.0, 1e-15);
  CHECK_NEAR(rlc_schedule_value(&poly, 20), 0.0, 1e-15);
  // TF's PolynomialDecay docstring example: 0.1 -> 0.01 over 10000, power 0.5.
  poly = (rlcSchedule){.type = RLC_SCHED_POLYNOMIAL, .v0 = 0.1, .v1 = 0.01, .steps = 10000, .power = 0.5};
  CHECK_NEAR(rlc_schedule_value(&poly, 2500), 0.09 * sqrt(0.75) + 0.01, 1e-15);

  rlcSchedule ex = {.type = RLC_SCHED_EXPONENTIAL, .v0 = 0.1, .rate = 0.96, .steps = 1000};
  CHECK_NEAR(rlc_schedule_value(&ex, 0), 0.1, 1e-15);
  CHECK_NEAR(rlc_schedule_value(&ex, 500), 0.1 * sqrt(0.96), 1e-15);
  CHECK_NEAR(rlc_schedule_value(&ex, 2000), 0.1 * 0.96 * 0.96, 1e-15);
  ex.staircase = true;
  CHECK_NEAR(rlc_schedule_value(&ex, 500), 0.1, 1e-15);
  CHECK_NEAR(rlc_schedule_value(&ex, 1500), 0.096, 1e-15);
  CHECK_NEAR(rlc_schedule_value(&ex, 2999), 0.1 * 0.96 * 0.96, 1e-15);
  ex = (rlcSchedule){.type = RLC_SCHED_EXPONENTIAL, .v0 = 1.0, .rate = 0.5, .steps = 0};
  CHECK_NEAR(rlc_schedule_value(&ex, 3), 0.125, 1e-15);  // steps <= 0: rate per step

  // The book's alpha0 / (1 + t * decay).
  rlcSchedule inv = {.type = RLC_SCHED_INVERSE_TIME, .v0 = 0.01, .rate = 1e-4};
  CHECK_NEAR(rlc_schedule_value(&inv, 0), 0.01, 1e-15);
  CHECK_NEAR(rlc_schedule_value(&inv, 10000), 0.005, 1e-15);
  CHECK_NEAR(rlc_schedule_value(&inv, 30000), 0.0025, 1e-15);
  CHECK(rlc_schedule_value(NULL, 1) == 0);
}
