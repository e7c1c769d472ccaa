// init.c: weight initializers with TF/Keras and PyTorch semantics: zeros,
// constant, uniform, variance scaling (truncated / untruncated normal,
// uniform), Glorot uniform, PyTorch's Linear/Conv default, orthogonal.
// Deterministic given the rng: the same rng state fills the same values.
// Depends on: rlc/nn.h, rlc/core.h (rlcRng draws, rlc_error, rlc_malloc), libm.
#include <math.h>

#include "rlc/nn.h"

// TF's truncated normal keeps draws within 2 stddev; this is the stddev of a
// unit normal truncated to [-2, 2], so dividing by it restores the variance
// that variance scaling asks for (keras VarianceScaling).
#define TRUNC_STD 0.87962566103423978

static void fill_uniform(float *w, int n, double lo, double hi, rlcRng *rng) {
  for (int i = 0; i < n; i++) w[i] = (float)rlc_rng_uniform(rng, lo, hi);
}

// Householder QR of the Gaussian matrix A (m, k), m >= k, row-major, in
// place; returns the thin Q (m, k) with columns flipped so that R's diagonal
// is positive (torch.nn.init.orthogonal_'s `q *= sign(diag(r))`), which makes
// Q the unique QR factor whatever the algorithm. Updates walk rows (through
// the k-long scratch t) so large weights stay cache-friendly.
// Scratch: q (m*k), v (m), t (k), diag (k).
static void qr_q(double *a, double *q, double *v, double *t, double *diag, int m, int k) {
  for (int j = 0; j < k; j++) {
    double norm = 0;
    for (int i = j; i < m; i++) norm += a[(size_t)i * k + j] * a[(size_t)i * k + j];
    norm = sqrt(norm);
    double x0 = a[(size_t)j * k + j];
    double alpha = x0 >= 0 ? -norm : norm;  // opposite sign to x0: no cancellation
    diag[j] = alpha;
    // v = x - alpha e1, normalized; H = I - 2 v v^T maps x to alpha e1.
    double vnorm2 = 0;
    for (int i = j; i < m; i++) {
      v[i] = a[(size_t)i * k + j] - (i == j ? alpha : 0.0);
      vnorm2 += v[i] * v[i];
    }
    if (vnorm2 > 0) {  // zero only for an all-zero column (H = I)
      double inv = 1.0 / sqrt(vnorm2);
      for (int i = j; i < m; i++) v[i] *= inv;
      // A[j:, j+1:] -= 2 v (v^T A[j:, j+1:])
      for (int c = j + 1; c < k; c++) t[c] = 0;
      for (int i = j; i < m; i++) {
        const double *row = a + (size_t)i * k;
        for (int c = j + 1; c < k; c++) t[c] += v[i] * row[c];
      }
      for (int i = j; i < m; i++) {
        double *row = a + (size_t)i * k, f = 2 * v[i];
        for (int c = j + 1; c < k; c++) row[c] -= f * t[c];
      }
    } else {
      for (int i = j; i < m; i++) v[i] = 0;
    }
    for (int i = j; i < m; i++) a[(size_t)i * k + j] = v[i];  // keep the reflector
  }
  // Q = H_0 ... H_{k-1} applied to the first k columns of the identity,
  // innermost reflector first.
  for (size_t i = 0; i < (size_t)m * k; i++) q[i] = 0;
  for (int i = 0; i < k; i++) q[(size_t)i * k + i] = 1;
  for (int j = k - 1; j >= 0; j--) {
    for (int c = 0; c < k; c++) t[c] = 0;
    for (int i = j; i < m; i++) {
      const double *row = q + (size_t)i * k;
      double vi = a[(size_t)i * k + j];
      for (int c = 0; c < k; c++) t[c] += vi * row[c];
    }
    for (int i = j; i < m; i++) {
      double *row = q + (size_t)i * k, f = 2 * a[(size_t)i * k + j];
      for (int c = 0; c < k; c++) row[c] -= f * t[c];
    }
  }
  for (int c = 0; c < k; c++)
    if (diag[c] < 0)
      for (int i = 0; i < m; i++) q[(size_t)i * k + c] = -q[(size_t)i * k + c];
}

// torch.nn.init.orthogonal_: w viewed as (rows, cols = n / rows), filled
// from a (rows, cols) standard normal matrix (drawn row by row), transposed
// first when rows < cols so QR sees a tall matrix; w = gain * Q (or Q^T).
static rlcStatus fill_orthogonal(float *w, int n, int rows, double gain, rlcRng *rng) {
  if (rows <= 0 || n % rows != 0)
    return rlc_error(RLC_ERR_ARG, "init: orthogonal needs rows (%d) dividing n (%d)", rows, n);
  int cols = n / rows;
  bool flip = rows < cols;
  int m = flip ? cols : rows, k = flip ? rows : cols;
  size_t mk = (size_t)m * k;
  double *buf = rlc_malloc(sizeof(double) * (2 * mk + (size_t)m + 2 * (size_t)k));
  if (!buf) return RLC_ERR_NOMEM;
  double *a = buf, *q = a + mk, *v = q + mk, *t = v + m, *diag = t + k;
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++) {
      double z = rlc_rng_normal(rng);
      if (flip)
        a[(size_t)j * k + i] = z;
      else
        a[(size_t)i * k + j] = z;
    }
  qr_q(a, q, v, t, diag, m, k);
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++) {
      double qij = flip ? q[(size_t)j * k + i] : q[(size_t)i * k + j];
      w[(size_t)i * cols + j] = (float)(gain * qij);
    }
  rlc_free(buf);
  return RLC_OK;
}

rlcStatus rlc_init_fill(float *w, int n, int rows, int fan_in, int fan_out, const rlcInit *init,
                        rlcRng *rng) {
  if (!w || !init) return rlc_error(RLC_ERR_ARG, "init: NULL weight or settings");
  if (n <= 0) return rlc_error(RLC_ERR_ARG, "init: n must be > 0 (got %d)", n);
  if (init->type != RLC_INIT_ZEROS && init->type != RLC_INIT_CONSTANT && !rng)
    return rlc_error(RLC_ERR_ARG, "init: random initializer needs an rng");
  switch (init->type) {
  case RLC_INIT_ZEROS:
    for (int i = 0; i < n; i++) w[i] = 0.0f;
    return RLC_OK;
  case RLC_INIT_CONSTANT:
    if (!isfinite(init->a)) return rlc_error(RLC_ERR_ARG, "init: constant must be finite");
    for (int i = 0; i < n; i++) w[i] = (float)init->a;
    return RLC_OK;
  case RLC_INIT_UNIFORM:
    if (!isfinite(init->a) || !isfinite(init->b) || init->a > init->b)
      return rlc_error(RLC_ERR_ARG, "init: uniform needs finite a <= b (got %g, %g)", init->a,
                       init->b);
    fill_uniform(w, n, init->a, init->b, rng);
    return RLC_OK;
  case RLC_INIT_VARIANCE_SCALING: {
    if (!(init->scale > 0) || !isfinite(init->scale))
      return rlc_error(RLC_ERR_ARG, "init: variance scaling needs scale > 0 (got %g)", init->scale);
    double fan;
    switch (init->mode) {
    case RLC_FAN_IN: fan = fan_in; break;
    case RLC_FAN_OUT: fan = fan_out; break;
    case RLC_FAN_AVG: fan = (fan_in + (double)fan_out) / 2; break;
    default: return rlc_error(RLC_ERR_ARG, "init: unknown fan mode %d", (int)init->mode);
    }
    if (fan_in < 0 || fan_out < 0 || !(fan > 0))
      return rlc_error(RLC_ERR_ARG, "init: variance scaling needs a positive fan (in %d, out %d)",
                       fan_in, fan_out);
    double var = init->scale / fmax(1.0, fan);  // Keras: scale / max(1, fan)
    switch (init->dist) {
    case RLC_DIST_TRUNCATED_NORMAL: {
      double sd = sqrt(var) / TRUNC_STD;
      for (int i = 0; i < n; i++) {
        double z;
        do z = rlc_rng_normal(rng);
        while (fabs(z) > 2.0);  // TF resamples outside 2 stddev
        w[i] = (float)(sd * z);
      }
      return RLC_OK;
    }
    case RLC_DIST_UNTRUNCATED_NORMAL: {
      double sd = sqrt(var);
      for (int i = 0; i < n; i++) w[i] = (float)(sd * rlc_rng_normal(rng));
      return RLC_OK;
    }
    case RLC_DIST_UNIFORM: {
      double lim = sqrt(3.0 * var);
      fill_uniform(w, n, -lim, lim, rng);
      return RLC_OK;
    }
    }
    return rlc_error(RLC_ERR_ARG, "init: unknown distribution %d", (int)init->dist);
  }
  case RLC_INIT_GLOROT_UNIFORM: {
    if (fan_in < 0 || fan_out < 0 || fan_in + fan_out <= 0)
      return rlc_error(RLC_ERR_ARG, "init: Glorot needs positive fans (in %d, out %d)", fan_in,
                       fan_out);
    // = variance scaling(1, fan_avg, uniform): sqrt(3 / avg) = sqrt(6 / (in + out))
    double lim = sqrt(3.0 / fmax(1.0, (fan_in + (double)fan_out) / 2));
    fill_uniform(w, n, -lim, lim, rng);
    return RLC_OK;
  }
  case RLC_INIT_TORCH_LINEAR: {
    if (fan_in <= 0)
      return rlc_error(RLC_ERR_ARG, "init: PyTorch default needs fan_in > 0 (got %d)", fan_in);
    // kaiming_uniform_(a = sqrt(5)): gain sqrt(2 / 6), bound gain * sqrt(3 / fan_in)
    // = 1 / sqrt(fan_in); the bias uses the same bound.
    double lim = 1.0 / sqrt((double)fan_in);
    fill_uniform(w, n, -lim, lim, rng);
    return RLC_OK;
  }
  case RLC_INIT_ORTHOGONAL:
    if (!isfinite(init->a)) return rlc_error(RLC_ERR_ARG, "init: orthogonal gain must be finite");
    return fill_orthogonal(w, n, rows, init->a, rng);
  }
  return rlc_error(RLC_ERR_ARG, "init: unknown initializer type %d", (int)init->type);
}
