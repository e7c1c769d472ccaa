// loss.c: losses (MSE, Huber, binary and categorical cross-entropies), the
// Q-value gather, and the policy-gradient terms (REINFORCE/A2C, PPO clip,
// entropy) for categorical and diagonal-Gaussian policies.
// Depends on: rlc/nn.h, libm.
//
// Conventions (nn.h): a loss returns the batch loss sum_i w_i * per_i / B and
// OVERWRITES its input gradient with d(batch loss)/d(input); per-sample
// losses go to `per` when asked (prioritized replay). Sums run in double:
// these are cheap next to the network and the loss value is reported.
#include <math.h>

#include "rlc/nn.h"

#define LOG_2PI 1.8378770664093454836

static inline double weight_of(const float *w, int b) { return w ? (double)w[b] : 1.0; }

//------------------------------------------------------------------------------
// Elementwise regression / binary losses: per_i = mean over the N values
//------------------------------------------------------------------------------

double rlc_loss_mse(float *dpred, float *per, const float *pred, const float *target,
                    const float *w, int B, int N) {
  // dpred, pred, target are (B, N); per, w are (B)
  double total = 0.0;
  for (int b = 0; b < B; b++) {
    double wb = weight_of(w, b), s = 0.0, g = 2.0 * wb / ((double)N * B);
    for (int j = 0; j < N; j++) {
      size_t i = (size_t)b * N + j;
      double d = (double)pred[i] - target[i];
      s += d * d;
      if (dpred) dpred[i] = (float)(g * d);
    }
    s /= N;
    if (per) per[b] = (float)s;
    total += wb * s;
  }
  return total / B;
}

// 0.5 x^2 inside [-delta, delta], delta (|x| - delta/2) outside: quadratic
// near the target, linear (bounded gradient) far from it.
double rlc_loss_huber(float *dpred, float *per, const float *pred, const float *target,
                      const float *w, int B, int N, double delta) {
  double total = 0.0;
  for (int b = 0; b < B; b++) {
    double wb = weight_of(w, b), s = 0.0, g = wb / ((double)N * B);
    for (int j = 0; j < N; j++) {
      size_t i = (size_t)b * N + j;
      double d = (double)pred[i] - target[i], ad = fabs(d);
      if (ad <= delta) {
        s += 0.5 * d * d;
        if (dpred) dpred[i] = (float)(g * d);
      } else {
        s += delta * (ad - 0.5 * delta);
        if (dpred) dpred[i] = (float)(g * (d > 0 ? delta : -delta));
      }
    }
    s /= N;
    if (per) per[b] = (float)s;
    total += wb * s;
  }
  return total / B;
}

// Keras 3's binary_crossentropy(from_logits=False): clip p to [eps, 1 - eps],
// then -(t log p + (1 - t) log(1 - p)). Like the clip's gradient, the
// gradient is 0 where p was clipped.
#define BCE_EPS 1e-7
double rlc_loss_bce(float *dprob, float *per, const float *prob, const float *target,
                    const float *w, int B, int N) {
  double total = 0.0;
  for (int b = 0; b < B; b++) {
    double wb = weight_of(w, b), s = 0.0, g = wb / ((double)N * B);
    for (int j = 0; j < N; j++) {
      size_t i = (size_t)b * N + j;
      double p = prob[i], t = target[i];
      bool clipped = !(p >= BCE_EPS && p <= 1.0 - BCE_EPS);
      if (p < BCE_EPS || p != p) p = BCE_EPS;
      if (p > 1.0 - BCE_EPS) p = 1.0 - BCE_EPS;
      s -= t * log(p) + (1.0 - t) * log(1.0 - p);
      if (dprob) dprob[i] = clipped ? 0.0f : (float)(g * ((1.0 - t) / (1.0 - p) - t / p));
    }
    s /= N;
    if (per) per[b] = (float)s;
    total += wb * s;
  }
  return total / B;
}

// Stable form max(z, 0) - z t + log(1 + exp(-|z|)); gradient sigmoid(z) - t.
double rlc_loss_bce_logits(float *dlogits, float *per, const float *logits, const float *target,
                           const float *w, int B, int N) {
  double total = 0.0;
  for (int b = 0; b < B; b++) {
    double wb = weight_of(w, b), s = 0.0, g = wb / ((double)N * B);
    for (int j = 0; j < N; j++) {
      size_t i = (size_t)b * N + j;
      double z = logits[i], t = target[i];
      s += (z > 0 ? z : 0.0) - z * t + log1p(exp(-fabs(z)));
      if (dlogits) {
        double sig = z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
        dlogits[i] = (float)(g * (sig - t));
      }
    }
    s /= N;
    if (per) per[b] = (float)s;
    total += wb * s;
  }
  return total / B;
}

//------------------------------------------------------------------------------
// Categorical cross-entropies: per_i is the cross-entropy of sample i (a sum
// over the N classes, not a mean)
//------------------------------------------------------------------------------

// Row max and log-sum-exp of z (N), in double.
static double logsumexp(const float *z, int N) {
  double mx = z[0];
  for (int j = 1; j < N; j++) mx = z[j] > mx ? z[j] : mx;
  double s = 0.0;
  for (int j = 0; j < N; j++) s += exp(z[j] - mx);
  return mx + log(s);
}

// An invalid label or action cannot be reported through a double return, so
// it sets the error text and yields NaN (and a zero gradient row).
static bool label_ok(int32_t a, int N, const char *what) {
  if (a >= 0 && a < N) return true;
  rlc_error(RLC_ERR_ARG, "%s %d out of range [0, %d)", what, (int)a, N);
  return false;
}

double rlc_loss_sparse_ce_logits(float *dlogits, float *per, const float *logits,
                                 const int32_t *labels, const float *w, int B, int N) {
  // dlogits, logits are (B, N); labels, per, w are (B)
  double total = 0.0;
  for (int b = 0; b < B; b++) {
    const float *z = logits + (size_t)b * N;
    float *dz = dlogits ? dlogits + (size_t)b * N : NULL;
    if (!label_ok(labels[b], N, "label")) {
      if (dz)
        for (int j = 0; j < N; j++) dz[j] = 0.0f;
      if (per) per[b] = NAN;
      total = NAN;
      continue;
    }
    double wb = weight_of(w, b), lse = logsumexp(z, N), l = lse - z[labels[b]];
    if (dz) {
      double g = wb / B;
      for (int j = 0; j < N; j++) dz[j] = (float)(g * (exp(z[j] - lse) - (j == labels[b])));
    }
    if (per) per[b] = (float)l;
    total += wb * l;
  }
  return total / B;
}

double rlc_loss_cross_entropy(float *dlogp, float *per, const float *logp, const float *target,
                              const float *w, int B, int N) {
  // dlogp, logp, target are (B, N)
  double total = 0.0;
  for (int b = 0; b < B; b++) {
    double wb = weight_of(w, b), s = 0.0, g = wb / B;
    for (int j = 0; j < N; j++) {
      size_t i = (size_t)b * N + j;
      s -= (double)target[i] * logp[i];
      if (dlogp) dlogp[i] = (float)(-g * target[i]);
    }
    if (per) per[b] = (float)s;
    total += wb * s;
  }
  return total / B;
}

//------------------------------------------------------------------------------
// Gather: Q(s, a) out of Q(s, .)
//------------------------------------------------------------------------------

void rlc_gather_forward(float *out, const float *q, const int32_t *actions, int B, int A) {
  // out is (B), q is (B, A)
  for (int b = 0; b < B; b++)
    out[b] = label_ok(actions[b], A, "action") ? q[(size_t)b * A + actions[b]] : NAN;
}

void rlc_gather_backward(float *dq, const float *dout, const int32_t *actions, int B, int A) {
  for (int b = 0; b < B; b++)
    if (actions[b] >= 0 && actions[b] < A) dq[(size_t)b * A + actions[b]] += dout[b];
}

//------------------------------------------------------------------------------
// Policy gradients, categorical. With p = softmax(z), d log p[a] / dz_j =
// [j == a] - p_j, so every term below is a per-sample coefficient on that.
//------------------------------------------------------------------------------

// dz (A) = coef * (onehot(a) - softmax(z)); z's log-sum-exp is lse.
static void dlogp_categorical(float *dz, const float *z, double lse, int a, double coef, int A) {
  for (int j = 0; j < A; j++) dz[j] = (float)(coef * ((j == a) - exp(z[j] - lse)));
}

// -mean(logp(a) * adv)
double rlc_pg_categorical(float *dlogits, float *logp_out, const float *logits,
                          const int32_t *actions, const float *adv, int B, int A) {
  // dlogits, logits are (B, A); logp_out, actions, adv are (B)
  double total = 0.0;
  for (int b = 0; b < B; b++) {
    const float *z = logits + (size_t)b * A;
    if (!label_ok(actions[b], A, "action")) {
      if (dlogits)
        for (int j = 0; j < A; j++) dlogits[(size_t)b * A + j] = 0.0f;
      if (logp_out) logp_out[b] = NAN;
      total = NAN;
      continue;
    }
    double lse = logsumexp(z, A), logp = z[actions[b]] - lse;
    if (logp_out) logp_out[b] = (float)logp;
    total -= logp * adv[b];
    if (dlogits) dlogp_categorical(dlogits + (size_t)b * A, z, lse, actions[b], -(double)adv[b] / B, A);
  }
  return total / B;
}

// PPO's clipped surrogate. torch.min splits a tie's gradient between its
// arguments and clamp passes gradient on [lo, hi], which together give
// d/dr = adv where r * adv <= clip(r) * adv, else 0 (the clipped side).
static double ppo_coef(double r, double adv, double eps, double *obj) {
  double rc = r < 1.0 - eps ? 1.0 - eps : r > 1.0 + eps ? 1.0 + eps : r;
  double s1 = r * adv, s2 = rc * adv;
  *obj = s1 < s2 ? s1 : s2;
  return s1 <= s2 ? adv : 0.0;
}

double rlc_ppo_clip_categorical(float *dlogits, float *ratio_out, const float *logits,
                                const int32_t *actions, const float *old_logp, const float *adv,
                                double clip_eps, int B, int A) {
  double total = 0.0;
  for (int b = 0; b < B; b++) {
    const float *z = logits + (size_t)b * A;
    if (!label_ok(actions[b], A, "action")) {
      if (dlogits)
        for (int j = 0; j < A; j++) dlogits[(size_t)b * A + j] = 0.0f;
      if (ratio_out) ratio_out[b] = NAN;
      total = NAN;
      continue;
    }
    double lse = logsumexp(z, A), logp = z[actions[b]] - lse;
    double r = exp(logp - old_logp[b]), obj;
    double dr = ppo_coef(r, adv[b], clip_eps, &obj);
    if (ratio_out) ratio_out[b] = (float)r;
    total -= obj;
    // d r / d logp = r
    if (dlogits) dlogp_categorical(dlogits + (size_t)b * A, z, lse, actions[b], -dr * r / B, A);
  }
  return total / B;
}

// H = -sum p log p; dH/dz_j = -p_j (log p_j + H).
double rlc_entropy_categorical(float *dlogits, const float *logits, int B, int A) {
  double total = 0.0;
  for (int b = 0; b < B; b++) {
    const float *z = logits + (size_t)b * A;
    double lse = logsumexp(z, A), h = 0.0;
    for (int j = 0; j < A; j++) {
      double lp = z[j] - lse;
      h -= exp(lp) * lp;
    }
    total += h;
    if (dlogits)
      for (int j = 0; j < A; j++) {
        double lp = z[j] - lse;
        dlogits[(size_t)b * A + j] = (float)(-exp(lp) * (lp + h) / B);
      }
  }
  return total / B;
}

//------------------------------------------------------------------------------
// Policy gradients, diagonal Gaussian with a state-independent log_std (D):
// logp = sum_d -0.5 ((a - mu) / std)^2 - log std - 0.5 log(2 pi)
//   d logp / d mu_d      = (a - mu) / std^2
//   d logp / d log_std_d = ((a - mu) / std)^2 - 1
//------------------------------------------------------------------------------

static double gaussian_logp(const float *mean, const float *log_std, const float *a, int D) {
  double lp = 0.0;
  for (int d = 0; d < D; d++) {
    double z = ((double)a[d] - mean[d]) * exp(-(double)log_std[d]);
    lp += -0.5 * z * z - log_std[d] - 0.5 * LOG_2PI;
  }
  return lp;
}

// Gradient for a per-sample coefficient c = d(loss)/d(logp_b): writes dmean's
// row and adds to the log_std sums, which run in double (dls) when D fits the
// stack buffer, else straight in the float output.
#define GAUSS_MAX_D 64
static void dlogp_gaussian(float *dmean_row, double *dls, float *dlog_std, const float *mean_row,
                           const float *log_std, const float *a, double c, int D) {
  for (int d = 0; d < D; d++) {
    double is = exp(-(double)log_std[d]), z = ((double)a[d] - mean_row[d]) * is;
    if (dmean_row) dmean_row[d] = (float)(c * z * is);
    double g = c * (z * z - 1.0);
    if (dls) dls[d] += g;
    else if (dlog_std) dlog_std[d] += (float)g;
  }
}

// The two Gaussian terms differ only in the per-sample coefficient.
typedef struct { const float *old_logp; double eps; float *ratio_out; bool ppo; } GaussTerm;

static double gaussian_term(float *dmean, float *dlog_std, float *logp_out, const float *mean,
                            const float *log_std, const float *actions, const float *adv, int B,
                            int D, const GaussTerm *t) {
  // dmean, mean, actions are (B, D); dlog_std, log_std are (D); adv is (B)
  double dls_buf[GAUSS_MAX_D] = {0};
  double *dls = D <= GAUSS_MAX_D ? dls_buf : NULL;
  if (!dls && dlog_std)
    for (int d = 0; d < D; d++) dlog_std[d] = 0.0f;
  double total = 0.0;
  for (int b = 0; b < B; b++) {
    size_t o = (size_t)b * D;
    double lp = gaussian_logp(mean + o, log_std, actions + o, D), c;
    if (t->ppo) {
      double r = exp(lp - t->old_logp[b]), obj;
      double dr = ppo_coef(r, adv[b], t->eps, &obj);
      if (t->ratio_out) t->ratio_out[b] = (float)r;
      total -= obj;
      c = -dr * r / B;  // d r / d logp = r
    } else {
      if (logp_out) logp_out[b] = (float)lp;
      total -= lp * adv[b];
      c = -(double)adv[b] / B;
    }
    dlogp_gaussian(dmean ? dmean + o : NULL, dls, dlog_std, mean + o, log_std, actions + o, c, D);
  }
  if (dls && dlog_std)
    for (int d = 0; d < D; d++) dlog_std[d] = (float)dls[d];
  return total / B;
}

double rlc_pg_gaussian(float *dmean, float *dlog_std, float *logp_out, const float *mean,
                       const float *log_std, const float *actions, const float *adv, int B, int D) {
  GaussTerm t = {NULL, 0.0, NULL, false};
  return gaussian_term(dmean, dlog_std, logp_out, mean, log_std, actions, adv, B, D, &t);
}

double rlc_ppo_clip_gaussian(float *dmean, float *dlog_std, float *ratio_out, const float *mean,
                             const float *log_std, const float *actions, const float *old_logp,
                             const float *adv, double clip_eps, int B, int D) {
  GaussTerm t = {old_logp, clip_eps, ratio_out, true};
  return gaussian_term(dmean, dlog_std, NULL, mean, log_std, actions, adv, B, D, &t);
}

// H = sum_d 0.5 + 0.5 log(2 pi) + log_std_d (the same for every state).
double rlc_entropy_gaussian(float *dlog_std, const float *log_std, int D) {
  double h = 0.0;
  for (int d = 0; d < D; d++) {
    h += 0.5 + 0.5 * LOG_2PI + log_std[d];
    if (dlog_std) dlog_std[d] = 1.0f;
  }
  return h;
}

// Tanh-squashed Gaussian, reparameterized (SAC): u = mean + exp(log_std) eps,
// a = tanh(u), log pi(a) = sum_d N(u; mean, std) - log(1 - a^2 + 1e-6) (the
// epsilon SB3 and CleanRL use; it keeps the correction finite where tanh
// saturates in float). With eps fixed, (u - mean) / std = eps, so the
// Gaussian part's gradient is 0 for the mean and -1 for each log-std.
#define SQUASH_EPS 1e-6

void rlc_tanh_gaussian_forward(float *act, float *logp, const float *mean, const float *log_std,
                               const float *eps, int B, int D) {
  for (int b = 0; b < B; b++) {
    double lp = 0.0;
    for (int d = 0; d < D; d++) {
      size_t i = (size_t)b * D + d;
      double u = (double)mean[i] + exp((double)log_std[i]) * eps[i], t = tanh(u);
      act[i] = (float)t;
      lp += -0.5 * (double)eps[i] * eps[i] - log_std[i] - 0.5 * LOG_2PI - log(1.0 - t * t + SQUASH_EPS);
    }
    if (logp) logp[b] = (float)lp;
  }
}

void rlc_tanh_gaussian_backward(float *dmean, float *dlog_std, const float *dact, const float *dlogp,
                                const float *act, const float *log_std, const float *eps, int B, int D) {
  for (int b = 0; b < B; b++) {
    double gl = dlogp ? dlogp[b] : 0.0;
    for (int d = 0; d < D; d++) {
      size_t i = (size_t)b * D + d;
      double t = act[i], s = 1.0 - t * t;
      // dL/du: through the action and through the correction's -log(s + 1e-6).
      double du = (dact ? dact[i] * s : 0.0) + gl * 2.0 * t * s / (s + SQUASH_EPS);
      dmean[i] += (float)du;
      dlog_std[i] += (float)(du * exp((double)log_std[i]) * eps[i] - gl);
    }
  }
}
