// conv.c: 2-D convolution over channel-last images (NHWC), weight (OC, KH, KW, C),
// zero padding and stride; forward and backward (backward accumulates, +=).
// Two paths: im2col (caller scratch `col`) turns a chunk of images into one
// (rows, K) patch matrix, so each pass is one large product through the packed
// micro-kernel the dense layers use (gemm.h); the direct path (col == NULL)
// walks the kernel window in place.
// Depends on: rlc/nn.h (rlcConvShape), rlc/core.h (rlc_error), gemm.h, string.h.
#include <string.h>

#include "rlc/nn.h"
#include "gemm.h"

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

// The im2col path works on chunks of whole images whose patch matrices fit in
// COL_FLOATS (at least one image per chunk): at MinAtar's size (P * K = 2304)
// a chunk holds 28 images, so a batch of 32 is two products of 1792 and 256
// rows. Bounding the chunk keeps the scratch small for big images and large
// batches (an Atari layer at batch 256 would need 105 MB for the whole batch)
// at no cost in speed: with 8 to 64 MinAtar images per chunk the forward took
// the same time within 2% (2 images: 6% longer, 1 image: 14%), and the
// weight gradient did with any chunk.
#define COL_FLOATS (64 * 1024)

static int chunk_images(const Dims *d) {
  size_t per = (size_t)d->P * d->K, n = COL_FLOATS / per;
  return n < 1 ? 1 : (int)n;
}

// Images the scratch holds: a chunk, and at least two, so that two threads
// (rlcPool) can each have an image's patch matrix of their own.
static int col_images(const Dims *d) {
  int n = chunk_images(d);
  return n < 2 ? 2 : n;
}

// Patch matrices for col_images images, then dweight^T (K, OC), which the
// weight gradient accumulates over the chunks before it is added to dweight.
// The same scratch serves any batch (nn.h).
size_t rlc_conv_col_size(const rlcConvShape *s) {
  Dims d = dims_of(s);
  return (size_t)col_images(&d) * d.P * d.K + (size_t)d.K * d.OC;
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
// im2col / col2im over a chunk of images
//------------------------------------------------------------------------------

// dst[0, n) += src[0, n)
static inline void addf(float *restrict dst, const float *restrict src, int n) {
  int i = 0;
  for (; i + 8 <= n; i += 8) *(v8fu *)(dst + i) += *(const v8fu *)(src + i);
  if (i + 4 <= n) *(v4fu *)(dst + i) += *(const v4fu *)(src + i), i += 4;
  for (; i < n; i++) dst[i] += src[i];
}

// `count` runs of n floats, src and dst advancing by ss and ds: the branch on
// n is taken once, so each width gets a tight loop of its own (with the
// branches inside the loop it ran at half the speed).
static inline void copy_runs(float *restrict dst, size_t ds, const float *restrict src, size_t ss,
                             int n, int count) {
  if (n > 32)
    for (int i = 0; i < count; i++, src += ss, dst += ds) copyf(dst, src, n);
  else if (n > 16)
    for (int i = 0; i < count; i++, src += ss, dst += ds) copyf(dst, src, n);
  else if (n >= 8)
    for (int i = 0; i < count; i++, src += ss, dst += ds) copyf(dst, src, n);
  else
    for (int i = 0; i < count; i++, src += ss, dst += ds) copyf(dst, src, n);
}

// Output columns [*lo, *hi) whose kernel column kw lands inside the image
// (0 <= ow * S - pad + kw < W).
static void ow_range(const Dims *d, int kw, int *lo, int *hi) {
  int a = d->pad - kw, b = d->W - 1 + d->pad - kw;
  *lo = a <= 0 ? 0 : (a + d->S - 1) / d->S;
  *hi = b < 0 ? 0 : b / d->S + 1;
  if (*hi > d->OW) *hi = d->OW;
  if (*lo > *hi) *lo = *hi;
}

// One patch row's kernel row kh at output column ow (zero-padded at the
// image's left and right edges) from image row `src`.
static inline void patch_run(float *restrict dst, const float *restrict src, const Dims *d,
                             int ow) {
  int iw0 = ow * d->S - d->pad, lo, hi;
  kw_range(d, iw0, &lo, &hi);
  if (lo >= hi) {
    zerof(dst, d->KWC);
    return;
  }
  zerof(dst, lo * d->C);
  copyf(dst + lo * d->C, src + (iw0 + lo) * d->C, (hi - lo) * d->C);
  zerof(dst + hi * d->C, (d->KW - hi) * d->C);
}

// col (nb * P, K) for nb images: row p of an image holds the zero-padded
// patch under output pixel p. For a fixed kernel row the patch is one
// contiguous run of the image row; the columns whose window lies inside the
// image (all of them without padding) copy it whole. (Sizes are copied into
// locals: copyf may call memcpy, after which gcc would reload them from *d,
// and the loop ran at half speed.)
static void im2col(float *restrict col, const float *restrict img, int nb, const Dims *d) {
  const int OH = d->OH, OW = d->OW, KH = d->KH, H = d->H, S = d->S, pad = d->pad;
  const int KWC = d->KWC;
  const size_t K = (size_t)d->K, WC = (size_t)d->W * d->C, SC = (size_t)S * d->C;
  const size_t PK = (size_t)d->P * K, HWC = (size_t)H * WC;
  int in_lo, in_hi, r_lo, r_hi;  // inner columns: both edge kernel columns inside
  ow_range(d, 0, &in_lo, &r_hi);
  ow_range(d, d->KW - 1, &r_lo, &in_hi);
  if (in_lo < r_lo) in_lo = r_lo;
  if (in_hi > r_hi) in_hi = r_hi;
  if (in_hi < in_lo) in_hi = in_lo;
  const ptrdiff_t in_off = (ptrdiff_t)(in_lo * S - pad) * d->C;
  for (int b = 0; b < nb; b++, col += PK, img += HWC) {
    for (int oh = 0; oh < OH; oh++) {
      float *rows = col + (size_t)oh * OW * K;
      for (int kh = 0; kh < KH; kh++) {
        float *dst = rows + kh * KWC;
        int ih = oh * S - pad + kh;
        if (ih < 0 || ih >= H) {
          for (int ow = 0; ow < OW; ow++) zerof(dst + ow * K, KWC);
          continue;
        }
        const float *src = img + (size_t)ih * WC;
        for (int ow = 0; ow < in_lo; ow++) patch_run(dst + ow * K, src, d, ow);
        copy_runs(dst + in_lo * K, K, src + in_off, SC, KWC, in_hi - in_lo);
        for (int ow = in_hi; ow < OW; ow++) patch_run(dst + ow * K, src, d, ow);
      }
    }
  }
}

// `count` additions dst[0, n) += src[0, n), dst and src advancing by ds and
// ss, with the branch on n taken once (as copy_runs).
static inline void add_runs(float *restrict dst, size_t ds, const float *restrict src, size_t ss,
                            int n, int count) {
  if (n == 4)
    for (int i = 0; i < count; i++, src += ss, dst += ds) *(v4fu *)dst += *(const v4fu *)src;
  else if (n == 8)
    for (int i = 0; i < count; i++, src += ss, dst += ds) *(v8fu *)dst += *(const v8fu *)src;
  else
    for (int i = 0; i < count; i++, src += ss, dst += ds) addf(dst, src, n);
}

// dimg += col2im(dcol) for nb images: each patch value goes back to the pixel
// it came from (padding positions are dropped). One kernel position (kh, kw)
// at a time, so a sweep over the output columns adds into distinct pixels
// (with stride 1 neighbouring windows overlap, and adding whole kernel rows
// would read back the vector just stored, through a failed store forward).
static void col2im_add(float *restrict dimg, const float *restrict dcol, int nb, const Dims *d) {
  const int OH = d->OH, OW = d->OW, KH = d->KH, KW = d->KW, H = d->H, S = d->S, pad = d->pad;
  const int C = d->C, KWC = d->KWC;
  const size_t K = (size_t)d->K, WC = (size_t)d->W * C, SC = (size_t)S * C;
  const size_t PK = (size_t)d->P * K, HWC = (size_t)H * WC;
  for (int b = 0; b < nb; b++, dcol += PK, dimg += HWC) {
    for (int kw = 0; kw < KW; kw++) {
      int lo, hi;
      ow_range(d, kw, &lo, &hi);
      if (lo >= hi) continue;
      const float *src = dcol + lo * K + kw * C;
      float *dst = dimg + (ptrdiff_t)(lo * S - pad + kw) * C;
      for (int oh = 0; oh < OH; oh++) {
        for (int kh = 0; kh < KH; kh++) {
          int ih = oh * S - pad + kh;
          if (ih < 0 || ih >= H) continue;
          add_runs(dst + (size_t)ih * WC, SC, src + (size_t)oh * OW * K + kh * KWC, K, C, hi - lo);
        }
      }
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

// The im2col path cut into parts by whole images (rlcPool): part k of
// `parts` takes images [B k / parts, B (k + 1) / parts) and its own share of
// the scratch, `per` images, and goes through them in chunks of at most
// `per`. A row of a product comes out the same whichever chunk or part it is
// in (its K products in order, kernels.c), so the cut changes no bit.
typedef struct ConvJob {
  float *out, *dinp, *col;
  const float *inp, *weight, *bias, *dout;
  int B, per;
  const Dims *d;
} ConvJob;

static void part_images(const ConvJob *j, int k, int parts, int *b0, int *b1, float **col) {
  *b0 = (int)((int64_t)j->B * k / parts);
  *b1 = (int)((int64_t)j->B * (k + 1) / parts);
  *col = j->col + (size_t)k * j->per * j->d->P * j->d->K;
}

// Parts for a pass over B images of (rows x K x N) products: the pool's
// threads, at most one per image and per image of scratch; the part's
// scratch in images through *per (the chunk when on one thread).
static int image_parts(const Dims *d, int B, int N, int *per) {
  int parts = nn_parts((double)B * d->P * d->K * N);
  if (parts > B) parts = B;
  if (parts > col_images(d)) parts = col_images(d);
  *per = parts > 1 ? col_images(d) / parts : chunk_images(d);
  return parts;
}

// Per chunk of nb images: out rows start at the bias, then
// out (nb * P, OC) += col (nb * P, K) @ weight^T (K, OC).
static void forward_part(void *arg, int k, int parts) {
  const ConvJob *j = arg;
  const Dims *d = j->d;
  const size_t in_img = (size_t)d->H * d->W * d->C, out_img = (size_t)d->P * d->OC;
  int lo, hi;
  float *col;
  part_images(j, k, parts, &lo, &hi, &col);
  for (int b0 = lo; b0 < hi; b0 += j->per) {
    int nb = hi - b0 < j->per ? hi - b0 : j->per, rows = nb * d->P;
    im2col(col, j->inp + (size_t)b0 * in_img, nb, d);
    float *o = j->out + (size_t)b0 * out_img;
    for (int r = 0; r < rows; r++) {
      if (j->bias)
        copyf(o + (size_t)r * d->OC, j->bias, d->OC);
      else
        zerof(o + (size_t)r * d->OC, d->OC);
    }
    nn_gemm_acc_serial(o, (size_t)d->OC, col, (size_t)d->K, 1, j->weight, 1, (size_t)d->K, rows, d->K, d->OC);
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
  ConvJob j = {out, NULL, col, inp, weight, bias, NULL, B, 0, &d};
  int parts = image_parts(&d, B, d.OC, &j.per);
  nn_run(forward_part, &j, parts);
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

// im2col of the chunk's images, cut by images.
static void im2col_part(void *arg, int k, int parts) {
  const ConvJob *j = arg;
  const Dims *d = j->d;
  int lo = (int)((int64_t)j->B * k / parts), hi = (int)((int64_t)j->B * (k + 1) / parts);
  im2col(j->col + (size_t)lo * d->P * d->K, j->inp + (size_t)lo * d->H * d->W * d->C, hi - lo, d);
}

// dcol (rows, K) = dout (rows, OC) @ weight (OC, K) for a chunk of images,
// folded back into dinp by col2im (the patch scratch holds dcol).
static void dinp_part(void *arg, int k, int parts) {
  const ConvJob *j = arg;
  const Dims *d = j->d;
  const size_t in_img = (size_t)d->H * d->W * d->C, out_img = (size_t)d->P * d->OC;
  int lo, hi;
  float *col;
  part_images(j, k, parts, &lo, &hi, &col);
  for (int b0 = lo; b0 < hi; b0 += j->per) {
    int nb = hi - b0 < j->per ? hi - b0 : j->per, rows = nb * d->P;
    memset(col, 0, sizeof(float) * (size_t)rows * d->K);
    nn_gemm_acc_serial(col, (size_t)d->K, j->dout + (size_t)b0 * out_img, (size_t)d->OC, 1, j->weight,
                       (size_t)d->K, 1, rows, d->OC, d->K);
    col2im_add(j->dinp + (size_t)b0 * in_img, col, nb, d);
  }
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
  // dweight^T (K, OC) += col^T (K, rows) @ dout (rows, OC) per chunk of
  // images, summed over the chunks in scratch and added to dweight at the end
  // (in this orientation the long axis, rows, is the reduction and the dout
  // strip is read in place). Threads split the im2col by images and the
  // product by rows of dweight^T (nn_gemm_acc), never the sum over rows.
  // With threads the chunks fill the whole scratch (two images where a
  // chunk is one), so that the im2col has an image for each: the sum over
  // rows is the same sequence of FMAs whatever the chunk boundaries.
  const size_t in_img = (size_t)d.H * d.W * d.C, out_img = (size_t)d.P * d.OC;
  const int nbmax = nn_parts((double)B * d.P * d.K * d.OC) > 1 ? col_images(&d) : chunk_images(&d);
  float *dwt = col + (size_t)col_images(&d) * d.P * d.K;
  if (dweight) {
    memset(dwt, 0, sizeof(float) * (size_t)d.K * d.OC);
    for (int b0 = 0; b0 < B; b0 += nbmax) {
      int nb = B - b0 < nbmax ? B - b0 : nbmax, rows = nb * d.P, per;
      ConvJob j = {NULL, NULL, col, inp + (size_t)b0 * in_img, NULL, NULL, NULL, nb, 0, &d};
      nn_run(im2col_part, &j, image_parts(&d, nb, d.OC, &per));
      nn_gemm_acc(dwt, (size_t)d.OC, col, 1, (size_t)d.K, dout + (size_t)b0 * out_img, (size_t)d.OC, 1, d.K,
                  rows, d.OC);
    }
  }
  if (dinp) {
    ConvJob j = {NULL, dinp, col, NULL, weight, NULL, dout, B, 0, &d};
    int parts = image_parts(&d, B, d.OC, &j.per);
    nn_run(dinp_part, &j, parts);
  }
  if (dweight)
    for (int oc = 0; oc < d.OC; oc++)
      for (int k = 0; k < d.K; k++) dweight[(size_t)oc * d.K + k] += dwt[(size_t)k * d.OC + oc];
}
