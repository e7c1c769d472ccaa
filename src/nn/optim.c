// optim.c: optimizers over one flat parameter buffer (SGD, Adam, RMSprop,
// Nadam), global-norm gradient clipping, target-network copy/Polyak updates
// and learning-rate / exploration schedules.
//
// Semantics, per optimizer (g = grad + weight_decay * param: L2 on the
// gradient, as PyTorch's weight_decay and Keras' kernel L2 regularizer):
//   SGD (PyTorch torch.optim.SGD, no dampening):
//     momentum 0:  p -= lr * g
//     else:        b = momentum * b + g;  p -= lr * (nesterov ? g + momentum * b : b)
//     (Keras folds lr into the velocity: v = momentum * v - lr * g. The two
//     agree while lr is constant.)
//   Adam (PyTorch torch.optim.Adam, not Keras):
//     m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2
//     p -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)
//     Keras adds eps to sqrt(v) before the bias correction ("epsilon hat",
//     default 1e-7); the default here is PyTorch's eps = 1e-8.
//   RMSprop (Keras >= 2.11 / Keras 3, keras.optimizers.RMSprop, as the
//   Hands-On ML DQN uses it):
//     ms = rho ms + (1-rho) g^2;  centered: mg = rho mg + (1-rho) g
//     inc = lr * g / sqrt(ms - mg^2 + eps)      (mg = 0 when not centered)
//     momentum 0: p -= inc;  else: mom = momentum * mom + inc;  p -= mom
//     eps goes INSIDE the square root. Differences elsewhere: PyTorch adds eps
//     outside (g / (sqrt(ms - mg^2) + eps)) and keeps lr out of its momentum
//     buffer (def.eps_outside selects PyTorch's placement, as the MinAtar
//     paper's centered RMSprop with eps = 0.01 needs: inside, that eps would
//     dwarf every ms; the momentum buffers agree while lr is constant);
//     TF 2.x's optimizer_v2 RMSprop (Keras <= 2.10) put eps outside without
//     momentum and inside with momentum (the raw ApplyRMSProp ops).
//     The placements differ by about eps / (2 ms) relative: 5e-4 for
//     gradients near 1e-2, several percent near 1e-3 (eps = 1e-7).
//     ms - mg^2 is clamped at 0 before eps is added (Keras does not clamp):
//     float rounding can make it slightly negative.
//   Nadam (TF 2.x Keras optimizer_v2 Nadam, Dozat 2016; PyTorch NAdam with
//   momentum_decay = 0.004 computes the same):
//     mu_t = b1 (1 - 0.5 * 0.96^(0.004 t));  prod_t = mu_1 ... mu_t
//     m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2
//     m_bar = (1-mu_t) g / (1-prod_t) + mu_{t+1} m / (1-prod_t mu_{t+1})
//     p -= lr * m_bar / (sqrt(v / (1-b2^t)) + eps),  eps default 1e-7 (Keras)
//     Keras >= 2.11 / Keras 3 Nadam drops the 0.004 (mu_t = b1 (1 - 0.5 *
//     0.96^t)), so its momentum schedule reaches b1 within ~100 steps.
//
// Each step is one pass over the buffer with the per-step scalars (bias
// corrections, schedules) computed once in double; no allocation.
// Depends on: rlc/nn.h, rlc/core.h (rlc_calloc, rlc_error), libm, string.h.
#include <math.h>
#include <string.h>

#include "rlc/nn.h"
#include "gemm.h"

rlcOptimDef rlc_optim_default_def(rlcOptimType type) {
  rlcOptimDef d;
  memset(&d, 0, sizeof d);
  d.type = type;
  d.lr = 1e-3;
  d.beta1 = 0.9;
  d.beta2 = 0.999;
  d.rho = 0.9;
  d.momentum = 0.0;
  d.centered = false;
  d.nesterov = false;
  d.weight_decay = 0.0;
  switch (type) {
  case RLC_OPTIM_ADAM: d.eps = 1e-8; break;     // PyTorch (Keras: 1e-7)
  case RLC_OPTIM_RMSPROP: d.eps = 1e-7; break;  // Keras (PyTorch: 1e-8, outside the sqrt)
  case RLC_OPTIM_NADAM: d.eps = 1e-7; break;    // Keras (PyTorch: 1e-8)
  default: d.eps = 0.0; break;                  // SGD: unused
  }
  return d;
}

// The public struct followed by state that is not part of the contract:
// Nadam's running product of momentum-schedule values. It is recomputed from
// t when t was changed from outside (a restored checkpoint), so m, v, g and t
// remain the whole state a caller has to save.
typedef struct OptimImpl {
  rlcOptim pub;
  double mu_product;
  int64_t mu_t;  // the step mu_product belongs to
} OptimImpl;

static double nadam_mu(double beta1, int64_t t) {
  return beta1 * (1.0 - 0.5 * pow(0.96, 0.004 * (double)t));
}

static bool in_unit(double x) { return x >= 0.0 && x < 1.0; }  // [0, 1)

rlcStatus rlc_optim_create(const rlcOptimDef *def, size_t n, rlcOptim **out) {
  if (!out) return rlc_error(RLC_ERR_ARG, "optim: out is NULL");
  *out = NULL;
  if (!def) return rlc_error(RLC_ERR_ARG, "optim: def is NULL");
  if (n == 0) return rlc_error(RLC_ERR_ARG, "optim: no parameters");
  if (!(def->weight_decay >= 0) || !isfinite(def->weight_decay))
    return rlc_error(RLC_ERR_ARG, "optim: weight_decay must be >= 0 (got %g)", def->weight_decay);
  if (!(def->lr >= 0) || !isfinite(def->lr))
    return rlc_error(RLC_ERR_ARG, "optim: lr must be >= 0 (got %g)", def->lr);
  bool need_m = false, need_v = false, need_g = false;
  switch (def->type) {
  case RLC_OPTIM_SGD:
    if (!(def->momentum >= 0) || !isfinite(def->momentum))
      return rlc_error(RLC_ERR_ARG, "optim: SGD momentum must be >= 0 (got %g)", def->momentum);
    if (def->nesterov && def->momentum <= 0)
      return rlc_error(RLC_ERR_ARG, "optim: Nesterov momentum needs momentum > 0");
    need_m = def->momentum > 0;
    break;
  case RLC_OPTIM_ADAM:
  case RLC_OPTIM_NADAM:
    if (!in_unit(def->beta1) || !in_unit(def->beta2))
      return rlc_error(RLC_ERR_ARG, "optim: beta1 and beta2 must be in [0, 1) (got %g, %g)",
                       def->beta1, def->beta2);
    // eps = 0 turns a parameter whose gradient is always 0 into 0/0 = NaN.
    if (!(def->eps > 0) || !isfinite(def->eps))
      return rlc_error(RLC_ERR_ARG, "optim: eps must be > 0 (got %g)", def->eps);
    need_m = need_v = true;
    break;
  case RLC_OPTIM_RMSPROP:
    if (!in_unit(def->rho))
      return rlc_error(RLC_ERR_ARG, "optim: RMSprop rho must be in [0, 1) (got %g)", def->rho);
    if (!(def->eps > 0) || !isfinite(def->eps))
      return rlc_error(RLC_ERR_ARG, "optim: eps must be > 0 (got %g)", def->eps);
    if (!(def->momentum >= 0) || !isfinite(def->momentum))
      return rlc_error(RLC_ERR_ARG, "optim: RMSprop momentum must be >= 0 (got %g)",
                       def->momentum);
    need_v = true;
    need_m = def->momentum > 0;
    need_g = def->centered;
    break;
  default: return rlc_error(RLC_ERR_ARG, "optim: unknown type %d", (int)def->type);
  }
  OptimImpl *o = rlc_calloc(1, sizeof *o);
  if (!o) return RLC_ERR_NOMEM;
  o->pub.def = *def;
  o->pub.n = n;
  if ((need_m && !(o->pub.m = rlc_calloc(n, sizeof(float)))) ||
      (need_v && !(o->pub.v = rlc_calloc(n, sizeof(float)))) ||
      (need_g && !(o->pub.g = rlc_calloc(n, sizeof(float))))) {
    rlc_optim_destroy(&o->pub);
    return RLC_ERR_NOMEM;
  }
  o->mu_product = 1.0;
  o->mu_t = 0;
  *out = &o->pub;
  return RLC_OK;
}

void rlc_optim_destroy(rlcOptim *o) {
  if (!o) return;
  rlc_free(o->m);
  rlc_free(o->v);
  rlc_free(o->g);
  rlc_free((OptimImpl *)o);
}

void rlc_optim_reset(rlcOptim *o) {
  if (!o) return;
  if (o->m) memset(o->m, 0, o->n * sizeof(float));
  if (o->v) memset(o->v, 0, o->n * sizeof(float));
  if (o->g) memset(o->g, 0, o->n * sizeof(float));
  o->t = 0;
  OptimImpl *impl = (OptimImpl *)o;
  impl->mu_product = 1.0;
  impl->mu_t = 0;
}

//------------------------------------------------------------------------------
// Step kernels: one loop each, branch-free inside, restrict so they vectorize
//------------------------------------------------------------------------------

static void sgd_plain(float *restrict p, const float *restrict grad, size_t n, float lr, float wd) {
  for (size_t i = 0; i < n; i++) p[i] -= lr * (grad[i] + wd * p[i]);
}

static void sgd_momentum(float *restrict p, float *restrict buf, const float *restrict grad,
                         size_t n, float lr, float wd, float mom, bool nesterov) {
  if (nesterov) {
    for (size_t i = 0; i < n; i++) {
      float g = grad[i] + wd * p[i];
      float b = mom * buf[i] + g;
      buf[i] = b;
      p[i] -= lr * (g + mom * b);
    }
  } else {
    for (size_t i = 0; i < n; i++) {
      float b = mom * buf[i] + (grad[i] + wd * p[i]);
      buf[i] = b;
      p[i] -= lr * b;
    }
  }
}

// Adam: step = lr / (1-b1^t), vscale = 1 / sqrt(1-b2^t).
static void adam(float *restrict p, float *restrict m, float *restrict v,
                 const float *restrict grad, size_t n, float step, float vscale, float b1,
                 float b2, float eps, float wd) {
  const float c1 = 1.0f - b1, c2 = 1.0f - b2;
  for (size_t i = 0; i < n; i++) {
    float g = grad[i] + wd * p[i];
    float mi = b1 * m[i] + c1 * g;
    float vi = b2 * v[i] + c2 * g * g;
    m[i] = mi, v[i] = vi;
    p[i] -= step * mi / (sqrtf(vi) * vscale + eps);
  }
}

// Nadam: kg = lr (1-mu_t) / (1-prod_t), km = lr mu_{t+1} / (1-prod_t mu_{t+1}).
static void nadam(float *restrict p, float *restrict m, float *restrict v,
                  const float *restrict grad, size_t n, float kg, float km, float vscale, float b1,
                  float b2, float eps, float wd) {
  const float c1 = 1.0f - b1, c2 = 1.0f - b2;
  for (size_t i = 0; i < n; i++) {
    float g = grad[i] + wd * p[i];
    float mi = b1 * m[i] + c1 * g;
    float vi = b2 * v[i] + c2 * g * g;
    m[i] = mi, v[i] = vi;
    p[i] -= (kg * g + km * mi) / (sqrtf(vi) * vscale + eps);
  }
}

// RMSprop (Keras). One body, specialized by constant flags at the four call
// sites below, so each variant is a branch-free loop (a per-element test of
// `mom` kept gcc from vectorizing).
static inline __attribute__((always_inline)) void
rmsprop_body(float *restrict p, float *restrict ms, float *restrict mg, float *restrict mom,
             const float *restrict grad, size_t n, float lr, float rho, float eps_in,
             float eps_out, float momentum, float wd, const bool centered, const bool use_mom) {
  const float c = 1.0f - rho;
  for (size_t i = 0; i < n; i++) {
    float g = grad[i] + wd * p[i];
    float s = rho * ms[i] + c * g * g;
    ms[i] = s;
    float den = s;
    if (centered) {
      float a = rho * mg[i] + c * g;
      mg[i] = a;
      float var = s - a * a;
      den = var > 0.0f ? var : 0.0f;  // (not fmaxf: its NaN rule blocks vectorizing)
    }
    float inc = lr * g / (sqrtf(den + eps_in) + eps_out);  // one of the two is 0
    if (use_mom) {
      inc = momentum * mom[i] + inc;
      mom[i] = inc;
    }
    p[i] -= inc;
  }
}

// mg and mom may be NULL (not centered / no momentum). Exactly one of eps_in
// (Keras) and eps_out (PyTorch) is nonzero; adding +0 changes no value.
static void rmsprop(float *p, float *ms, float *mg, float *mom, const float *grad, size_t n,
                    float lr, float rho, float eps_in, float eps_out, float momentum, float wd) {
  if (mg && mom)
    rmsprop_body(p, ms, mg, mom, grad, n, lr, rho, eps_in, eps_out, momentum, wd, true, true);
  else if (mg)
    rmsprop_body(p, ms, mg, NULL, grad, n, lr, rho, eps_in, eps_out, momentum, wd, true, false);
  else if (mom)
    rmsprop_body(p, ms, NULL, mom, grad, n, lr, rho, eps_in, eps_out, momentum, wd, false, true);
  else
    rmsprop_body(p, ms, NULL, NULL, grad, n, lr, rho, eps_in, eps_out, momentum, wd, false, false);
}

// One step's scalars, computed once in double, and a part of the buffer to
// apply them to (the pool cuts the buffer into ranges: each element's update
// is independent of the others, so the cut changes no bit).
typedef struct StepJob {
  rlcOptim *o;
  float *params;
  const float *grads;
  float lr, wd, a, b, c;  // per type: Adam (step, vscale), Nadam (kg, km, vscale)
} StepJob;

static void step_part(void *arg, int k, int parts) {
  const StepJob *j = arg;
  const rlcOptim *o = j->o;
  const rlcOptimDef *d = &o->def;
  size_t n = o->n, i0 = 0, i1 = n;
  if (parts > 1) {  // 64-element boundaries: no vector loop is cut mid-vector
    i0 = (size_t)nn_split((int)(n / 64), 1, k, parts) * 64;
    i1 = k == parts - 1 ? n : (size_t)nn_split((int)(n / 64), 1, k + 1, parts) * 64;
  }
  size_t m = i1 - i0;
  float *p = j->params + i0;
  const float *g = j->grads + i0;
  float *om = o->m ? o->m + i0 : NULL, *ov = o->v ? o->v + i0 : NULL, *og = o->g ? o->g + i0 : NULL;
  switch (d->type) {
  case RLC_OPTIM_SGD:
    if (om) sgd_momentum(p, om, g, m, j->lr, j->wd, (float)d->momentum, d->nesterov);
    else sgd_plain(p, g, m, j->lr, j->wd);
    break;
  case RLC_OPTIM_ADAM:
    adam(p, om, ov, g, m, j->a, j->b, (float)d->beta1, (float)d->beta2, (float)d->eps, j->wd);
    break;
  case RLC_OPTIM_NADAM:
    nadam(p, om, ov, g, m, j->a, j->b, j->c, (float)d->beta1, (float)d->beta2, (float)d->eps, j->wd);
    break;
  case RLC_OPTIM_RMSPROP: {
    float eps = (float)d->eps;
    rmsprop(p, ov, og, om, g, m, j->lr, (float)d->rho, d->eps_outside ? 0.0f : eps, d->eps_outside ? eps : 0.0f,
            (float)d->momentum, j->wd);
    break;
  }
  }
}

void rlc_optim_step(rlcOptim *o, float *params, const float *grads, double lr) {
  if (!o || !params || !grads) return;
  const rlcOptimDef *d = &o->def;
  StepJob j = {o, params, grads, (float)lr, (float)d->weight_decay, 0, 0, 0};
  o->t++;
  const double t = (double)o->t;
  if (d->type == RLC_OPTIM_ADAM) {
    double bc1 = 1.0 - pow(d->beta1, t), bc2 = 1.0 - pow(d->beta2, t);
    j.a = (float)(lr / bc1), j.b = (float)(1.0 / sqrt(bc2));
  } else if (d->type == RLC_OPTIM_NADAM) {
    OptimImpl *impl = (OptimImpl *)o;
    if (impl->mu_t != o->t - 1) {  // t was set from outside: rebuild the product
      impl->mu_product = 1.0;
      // Once the product is 0 or the factors are 1 it no longer changes: a
      // step count read from a checkpoint costs thousands of factors, not t.
      for (int64_t s = 1; s < o->t && impl->mu_product != 0; s++) {
        double m = nadam_mu(d->beta1, s);
        if (m == 1.0) break;
        impl->mu_product *= m;
      }
    }
    double mu = nadam_mu(d->beta1, o->t), mu_next = nadam_mu(d->beta1, o->t + 1);
    impl->mu_product *= mu;
    impl->mu_t = o->t;
    double prod = impl->mu_product, bc2 = 1.0 - pow(d->beta2, t);
    j.a = (float)(lr * (1.0 - mu) / (1.0 - prod));
    j.b = (float)(lr * mu_next / (1.0 - prod * mu_next));
    j.c = (float)(1.0 / sqrt(bc2));
  }
  int parts = o->n >= 128 ? nn_parts(8.0 * (double)o->n) : 1;  // ~8 operations per element
  nn_run(step_part, &j, parts);
}

//------------------------------------------------------------------------------
// Clipping and target networks
//------------------------------------------------------------------------------

// torch.nn.utils.clip_grad_norm_: scale by max_norm / (norm + 1e-6) when the
// norm exceeds max_norm (the 1e-6 keeps the result at or just under
// max_norm). The sum of squares is accumulated in double over 8 lanes so it
// vectorizes. max_norm <= 0 means no clipping (the norm is still returned);
// a non-finite norm leaves grads untouched and is returned for the caller
// to act on (torch would scale everything to NaN).
double rlc_clip_grad_norm(float *grads, size_t n, double max_norm) {
  if (!grads || n == 0) return 0.0;
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) acc[j] += (double)grads[i + j] * grads[i + j];
  double sum = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
  for (; i < n; i++) sum += (double)grads[i] * grads[i];
  double norm = sqrt(sum);
  if (max_norm > 0 && isfinite(norm) && norm > max_norm) {
    float scale = (float)(max_norm / (norm + 1e-6));
    for (size_t k = 0; k < n; k++) grads[k] *= scale;
  }
  return norm;
}

void rlc_params_copy(float *dst, const float *src, size_t n) {
  if (dst && src && dst != src && n) memmove(dst, src, n * sizeof(float));
}

// dst = tau * src + (1 - tau) * dst. tau = 1 is an exact copy and tau = 0
// leaves dst alone (no 0 * inf = NaN from a diverged target).
void rlc_params_polyak(float *dst, const float *src, size_t n, double tau) {
  if (!dst || !src || n == 0) return;
  if (tau == 1.0) {
    rlc_params_copy(dst, src, n);
    return;
  }
  if (tau == 0.0) return;
  const float a = (float)tau, b = (float)(1.0 - tau);
  for (size_t i = 0; i < n; i++) dst[i] = a * src[i] + b * dst[i];
}

//------------------------------------------------------------------------------
// Schedules
//------------------------------------------------------------------------------

// Value at step t (t < 0 counts as 0):
//   CONSTANT      v0.
//   LINEAR        v0 + (v1 - v0) * t / steps until t = steps, then v1;
//                 steps <= 0 gives v1 from t = 0 on.
//   POLYNOMIAL    TF PolynomialDecay (cycle = false):
//                 (v0 - v1) * (1 - min(t, steps) / steps)^power + v1; v1 from
//                 t = steps on, and from t = 0 on when steps <= 0. power = 1 is
//                 LINEAR; power <= 0 is taken as given (pow), so keep it > 0.
//   EXPONENTIAL   TF ExponentialDecay: v0 * rate^(t / steps), floor(t / steps)
//                 with staircase; steps <= 0 counts as 1 (rate per step).
//                 No floor at v1 (TF has none); clamp in the caller.
//   INVERSE_TIME  v0 / (1 + rate * t), Keras' legacy `decay` and the book's
//                 alpha0 / (1 + t * decay); steps and staircase are not used.
double rlc_schedule_value(const rlcSchedule *s, double t) {
  if (!s) return 0.0;
  if (!(t > 0)) t = 0;  // also maps NaN to 0
  switch (s->type) {
  case RLC_SCHED_CONSTANT: return s->v0;
  case RLC_SCHED_LINEAR:
    if (s->steps <= 0 || t >= s->steps) return s->v1;
    return s->v0 + (s->v1 - s->v0) * (t / s->steps);
  case RLC_SCHED_POLYNOMIAL:
    if (s->steps <= 0 || t >= s->steps) return s->v1;
    return (s->v0 - s->v1) * pow(1.0 - t / s->steps, s->power) + s->v1;
  case RLC_SCHED_EXPONENTIAL: {
    double p = t / (s->steps > 0 ? s->steps : 1.0);
    if (s->staircase) p = floor(p);
    double v = s->v0 * pow(s->rate, p);
    return s->rate < 1.0 && v < s->v1 ? s->v1 : v;
  }
  case RLC_SCHED_INVERSE_TIME: return s->v0 / (1.0 + s->rate * t);
  case RLC_SCHED_APPROACH: return s->v1 + (s->v0 - s->v1) * exp(-t / (s->steps > 0 ? s->steps : 1.0));
  case RLC_SCHED_DECREMENT: return s->value;
  }
  return s->v0;
}

void rlc_schedule_advance(rlcSchedule *s) {
  if (s->type != RLC_SCHED_DECREMENT) return;
  double v = s->value - (s->v0 - s->v1) * (1.0 / s->steps);
  s->value = v > s->v1 ? v : s->v1;
}

void rlc_optim_state_put(const rlcOptim *o, rlcBuf *b) {
  rlc_buf_put_tag(b, "optim");
  uint64_t n = o->n;
  rlc_buf_put(b, &n, sizeof n);
  rlc_buf_put(b, &o->t, sizeof o->t);
  if (o->m) rlc_buf_put(b, o->m, o->n * sizeof(float));
  if (o->v) rlc_buf_put(b, o->v, o->n * sizeof(float));
  if (o->g) rlc_buf_put(b, o->g, o->n * sizeof(float));
}

rlcStatus rlc_optim_state_get(rlcOptim *o, rlcBuf *b) {
  uint64_t n;
  rlcStatus s = rlc_buf_get_tag(b, "optim");
  if (!s) s = rlc_buf_get(b, &n, sizeof n);
  if (s) return s;
  if (n != o->n) return rlc_error(RLC_ERR_FORMAT, "optimizer state of %llu values for %zu parameters", (unsigned long long)n, o->n);
  s = rlc_buf_get(b, &o->t, sizeof o->t);
  if (!s && (o->t < 0 || o->t > ((int64_t)1 << 53)))
    s = rlc_error(RLC_ERR_FORMAT, "optimizer state: %lld steps", (long long)o->t);
  if (!s && o->m) s = rlc_buf_get(b, o->m, o->n * sizeof(float));
  if (!s && o->v) s = rlc_buf_get(b, o->v, o->n * sizeof(float));
  if (!s && o->g) s = rlc_buf_get(b, o->g, o->n * sizeof(float));
  return s;
}
