// rollout.c: the on-policy data layer: GAE(lambda) with truncation handled
// apart from termination, REINFORCE's discounted and normalized returns, the
// running mean/std of Gymnasium and the reward normalizer built on it, and
// the rollout buffer (allocated once, saved whole in checkpoints).
// Depends on: rlc/rollout.h, rlc/data.h, rlc/core.h (allocator, errors, byte buffers).
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rlc/rollout.h"

//------------------------------------------------------------------------------
// Returns and advantages
//------------------------------------------------------------------------------

void rlc_gae(float *adv, float *ret, const float *rewards, const float *values,
             const float *final_values, const float *last_values, const bool *terminated,
             const bool *truncated, int T, int N, double gamma, double lambda) {
  // Backwards in time, every env at once; a[i] carries adv_{t+1} of env i.
  for (int i = 0; i < N; i++) {
    double a = 0.0;
    for (int t = T - 1; t >= 0; t--) {
      size_t k = (size_t)t * N + i;
      double next_v;
      bool ended = terminated[k] || truncated[k];
      if (terminated[k]) next_v = 0.0;
      else if (truncated[k]) next_v = final_values[k];
      else next_v = t + 1 < T ? values[k + N] : last_values[i];
      // The next step belongs to another episode where this one ended: no
      // advantage flows back across the boundary.
      if (ended) a = 0.0;
      double delta = rewards[k] + gamma * next_v - values[k];
      a = delta + gamma * lambda * a;
      adv[k] = (float)a;
      if (ret) ret[k] = (float)(a + values[k]);
    }
  }
}

void rlc_discount_rewards(double *out, const double *rewards, int n, double gamma) {
  double g = 0.0;
  for (int t = n - 1; t >= 0; t--) {
    g = rewards[t] + gamma * g;
    out[t] = g;
  }
}

void rlc_discount_normalize(double *out, const double *rewards, const int *lengths, int n_episodes,
                            double gamma) {
  size_t total = 0;
  for (int e = 0; e < n_episodes; e++) {
    rlc_discount_rewards(out + total, rewards + total, lengths[e], gamma);
    total += (size_t)lengths[e];
  }
  if (total == 0) return;
  // np.mean and np.std over the concatenation (two passes, population std).
  double mean = 0.0, var = 0.0;
  for (size_t k = 0; k < total; k++) mean += out[k];
  mean /= (double)total;
  for (size_t k = 0; k < total; k++) var += (out[k] - mean) * (out[k] - mean);
  double std = sqrt(var / (double)total);
  // Equal returns everywhere carry no signal; the book would divide by 0.
  for (size_t k = 0; k < total; k++) out[k] = std > 0 ? (out[k] - mean) / std : out[k] - mean;
}

//------------------------------------------------------------------------------
// Running mean and variance
//------------------------------------------------------------------------------

#define RMS_COUNT0 1e-4  // Gymnasium's RunningMeanStd(epsilon=1e-4)
#define RMS_EPS 1e-8     // NormalizeObservation / NormalizeReward epsilon

rlcStatus rlc_rms_init(rlcRunningMeanStd *r, int size) {
  memset(r, 0, sizeof *r);
  if (size < 1) return rlc_error(RLC_ERR_ARG, "running mean/std: size must be >= 1 (got %d)", size);
  r->mean = rlc_calloc(2 * (size_t)size, sizeof(double));
  if (!r->mean) return RLC_ERR_NOMEM;
  r->var = r->mean + size;
  r->size = size;
  rlc_rms_reset(r);
  return RLC_OK;
}

void rlc_rms_free(rlcRunningMeanStd *r) {
  if (!r) return;
  rlc_free(r->mean);
  memset(r, 0, sizeof *r);
}

void rlc_rms_reset(rlcRunningMeanStd *r) {
  r->count = RMS_COUNT0;
  for (int j = 0; j < r->size; j++) r->mean[j] = 0.0, r->var[j] = 1.0;
}

// Chan et al.: merge (mean, var, count) with a batch's (bm, bv, n).
static void rms_merge(rlcRunningMeanStd *r, int j, double bm, double bv, double n) {
  double delta = bm - r->mean[j], tot = r->count + n;
  double m2 = r->var[j] * r->count + bv * n + delta * delta * r->count * n / tot;
  r->mean[j] += delta * n / tot;
  r->var[j] = m2 / tot;
}

// One batch of n samples (float32 observations or float64 returns): the
// batch's mean and variance merged into the running ones.
static void rms_update(rlcRunningMeanStd *r, const float *xf, const double *xd, int n) {
  if (n < 1) return;
  for (int j = 0; j < r->size; j++) {
    double m = 0.0, v = 0.0;
    for (int b = 0; b < n; b++) m += xf ? xf[(size_t)b * r->size + j] : xd[(size_t)b * r->size + j];
    m /= n;
    for (int b = 0; b < n; b++) {
      double d = (xf ? xf[(size_t)b * r->size + j] : xd[(size_t)b * r->size + j]) - m;
      v += d * d;
    }
    rms_merge(r, j, m, v / n, n);
  }
  r->count += n;
}

void rlc_rms_update(rlcRunningMeanStd *r, const float *x, int n) { rms_update(r, x, NULL, n); }
void rlc_rms_update_f64(rlcRunningMeanStd *r, const double *x, int n) { rms_update(r, NULL, x, n); }

void rlc_rms_normalize(const rlcRunningMeanStd *r, float *out, const float *x, int n, double clip) {
  for (int j = 0; j < r->size; j++) {
    double m = r->mean[j], inv = 1.0 / sqrt(r->var[j] + RMS_EPS);
    for (int b = 0; b < n; b++) {
      size_t k = (size_t)b * r->size + j;
      double y = (x[k] - m) * inv;
      if (clip > 0) y = y < -clip ? -clip : y > clip ? clip : y;
      out[k] = (float)y;
    }
  }
}

void rlc_rms_state_put(const rlcRunningMeanStd *r, rlcBuf *b) {
  rlc_buf_put_tag(b, "rms");
  int32_t size = r->size;
  rlc_buf_put(b, &size, sizeof size);
  rlc_buf_put(b, &r->count, sizeof r->count);
  rlc_buf_put(b, r->mean, sizeof(double) * 2 * (size_t)r->size);
}

rlcStatus rlc_rms_state_get(rlcRunningMeanStd *r, rlcBuf *b) {
  int32_t size;
  rlcStatus s = rlc_buf_get_tag(b, "rms");
  if (!s) s = rlc_buf_get(b, &size, sizeof size);
  if (s) return s;
  if (size != r->size)
    return rlc_error(RLC_ERR_FORMAT, "running mean/std of %d values for %d", (int)size, r->size);
  s = rlc_buf_get(b, &r->count, sizeof r->count);
  if (!s) s = rlc_buf_get(b, r->mean, sizeof(double) * 2 * (size_t)r->size);
  if (!s && !(r->count > 0 && r->count < INFINITY)) s = rlc_error(RLC_ERR_FORMAT, "running mean/std: count %g", r->count);
  return s;
}

//------------------------------------------------------------------------------
// Reward normalization
//------------------------------------------------------------------------------

rlcStatus rlc_reward_norm_init(rlcRewardNorm *r, int num_envs, double gamma, double clip) {
  memset(r, 0, sizeof *r);
  if (num_envs < 1) return rlc_error(RLC_ERR_ARG, "reward normalization: num_envs must be >= 1");
  rlcStatus s = rlc_rms_init(&r->rms, 1);
  if (s) return s;
  r->ret = rlc_calloc((size_t)num_envs, sizeof(double));
  if (!r->ret) {
    rlc_rms_free(&r->rms);
    return RLC_ERR_NOMEM;
  }
  r->num_envs = num_envs;
  r->gamma = gamma;
  r->clip = clip;
  return RLC_OK;
}

void rlc_reward_norm_free(rlcRewardNorm *r) {
  if (!r) return;
  rlc_free(r->ret);
  rlc_rms_free(&r->rms);
  memset(r, 0, sizeof *r);
}

void rlc_reward_norm_step(rlcRewardNorm *r, float *out, const double *rewards,
                          const bool *terminated, const bool *truncated) {
  int N = r->num_envs;
  for (int i = 0; i < N; i++) r->ret[i] = r->ret[i] * r->gamma + rewards[i];
  rlc_rms_update_f64(&r->rms, r->ret, N);
  double inv = 1.0 / sqrt(r->rms.var[0] + RMS_EPS);
  for (int i = 0; i < N; i++) {
    double y = rewards[i] * inv;
    if (r->clip > 0) y = y < -r->clip ? -r->clip : y > r->clip ? r->clip : y;
    out[i] = (float)y;
    if (terminated[i] || truncated[i]) r->ret[i] = 0.0;
  }
}

void rlc_reward_norm_state_put(const rlcRewardNorm *r, rlcBuf *b) {
  rlc_buf_put_tag(b, "reward_norm");
  int32_t n = r->num_envs;
  rlc_buf_put(b, &n, sizeof n);
  rlc_buf_put(b, r->ret, sizeof(double) * (size_t)r->num_envs);
  rlc_rms_state_put(&r->rms, b);
}

rlcStatus rlc_reward_norm_state_get(rlcRewardNorm *r, rlcBuf *b) {
  int32_t n;
  rlcStatus s = rlc_buf_get_tag(b, "reward_norm");
  if (!s) s = rlc_buf_get(b, &n, sizeof n);
  if (s) return s;
  if (n != r->num_envs)
    return rlc_error(RLC_ERR_FORMAT, "reward normalizer of %d envs for %d", (int)n, r->num_envs);
  s = rlc_buf_get(b, r->ret, sizeof(double) * (size_t)r->num_envs);
  if (!s) s = rlc_rms_state_get(&r->rms, b);
  return s;
}

//------------------------------------------------------------------------------
// Rollout buffer
//------------------------------------------------------------------------------

// Observations in their own block (their dtype); one float block holds every
// float array. The layout follows from the sizes alone, so a checkpoint is
// the fill level plus the blocks.

static size_t tn(const rlcRollout *r) { return (size_t)r->num_steps * r->num_envs; }

rlcStatus rlc_rollout_create(int num_steps, int num_envs, rlcDType obs_dtype, int obs_size,
                             int action_dim, rlcRollout **out) {
  *out = NULL;
  rlcStatus s = rlc_data_check_layout("rollout", obs_dtype, obs_size, action_dim);
  if (s) return s;
  if (num_steps < 1 || num_envs < 1)
    return rlc_error(RLC_ERR_ARG, "rollout: num_steps and num_envs must be >= 1");
  bool discrete = action_dim == 0;
  int act_size = discrete ? 1 : action_dim;
  double cells = (double)num_steps * num_envs;
  if (cells * (obs_size + act_size + 8) > 1e12)
    return rlc_error(RLC_ERR_ARG, "rollout: %d steps x %d envs is too large", num_steps, num_envs);
  char what[80];
  snprintf(what, sizeof what, "a rollout of %d steps x %d envs", num_steps, num_envs);
  double bytes = cells * ((double)obs_size * rlc_dtype_size(obs_dtype) + 4.0 * (discrete ? 0 : act_size) + 24 + 4 + 2) +
                 4.0 * num_envs;
  s = rlc_memory_check(bytes, what);
  if (s) return s;
  rlcRollout *r = rlc_calloc(1, sizeof *r);
  if (!r) return RLC_ERR_NOMEM;
  r->num_steps = num_steps;
  r->num_envs = num_envs;
  r->obs_dtype = obs_dtype;
  r->obs_size = obs_size;
  r->obs_bytes = (size_t)obs_size * rlc_dtype_size(obs_dtype);
  r->act_size = act_size;
  r->discrete = discrete;
  size_t n = tn(r);
  // act_f, logp, values, rewards, final_values, adv, ret, last_values
  size_t nf = (discrete ? 0 : n * act_size) + 6 * n + (size_t)num_envs;
  r->obs = rlc_calloc(n, r->obs_bytes);
  r->logp = rlc_calloc(nf, sizeof(float));
  r->act_i = discrete ? rlc_calloc(n, sizeof(int32_t)) : NULL;
  r->terminated = rlc_calloc(2 * n, sizeof(bool));
  if (!r->obs || !r->logp || (discrete && !r->act_i) || !r->terminated) {
    rlc_rollout_destroy(r);
    return RLC_ERR_NOMEM;
  }
  float *p = r->logp;
  if (!discrete) r->act_f = p, p += n * act_size;
  r->logp = p, p += n;
  r->values = p, p += n;
  r->rewards = p, p += n;
  r->final_values = p, p += n;
  r->adv = p, p += n;
  r->ret = p, p += n;
  r->last_values = p;
  r->truncated = r->terminated + n;
  *out = r;
  return RLC_OK;
}

void rlc_rollout_destroy(rlcRollout *r) {
  if (!r) return;
  rlc_free(r->obs);
  rlc_free(r->act_f ? (void *)r->act_f : (void *)r->logp);  // the float block's start
  rlc_free(r->act_i);
  rlc_free(r->terminated);
  rlc_free(r);
}

void rlc_rollout_compute(rlcRollout *r, double gamma, double lambda) {
  rlc_gae(r->adv, r->ret, r->rewards, r->values, r->final_values, r->last_values, r->terminated,
          r->truncated, r->num_steps, r->num_envs, gamma, lambda);
}

void rlc_normalize_advantages(float *adv, int n) {
  if (n < 1) return;
  double m = 0.0, v = 0.0;
  for (int k = 0; k < n; k++) m += adv[k];
  m /= n;
  for (int k = 0; k < n; k++) v += (adv[k] - m) * (adv[k] - m);
  // torch.std is unbiased; one sample has no spread (torch gives NaN): centre only.
  double sd = n > 1 ? sqrt(v / (n - 1)) : 0.0;
  double inv = 1.0 / (sd + 1e-8);
  for (int k = 0; k < n; k++) adv[k] = (float)((adv[k] - m) * inv);
}

static size_t rollout_floats(const rlcRollout *r) {
  size_t n = tn(r);
  return (r->discrete ? 0 : n * r->act_size) + 6 * n + (size_t)r->num_envs;
}

static float *float_block(const rlcRollout *r) { return r->act_f ? r->act_f : r->logp; }

void rlc_rollout_state_put(const rlcRollout *r, rlcBuf *b) {
  rlc_buf_put_tag(b, "rollout");
  int32_t hdr[7] = {r->num_steps, r->num_envs, r->obs_size, r->act_size, r->discrete, r->t, r->obs_dtype};
  rlc_buf_put(b, hdr, sizeof hdr);
  rlc_buf_put(b, r->obs, r->obs_bytes * tn(r));
  rlc_buf_put(b, float_block(r), sizeof(float) * rollout_floats(r));
  if (r->act_i) rlc_buf_put(b, r->act_i, sizeof(int32_t) * tn(r));
  rlc_buf_put(b, r->terminated, sizeof(bool) * 2 * tn(r));
}

static const char *dtype_name(int32_t t) { return t == RLC_F32 ? "float32" : t == RLC_U8 ? "uint8" : "?"; }

rlcStatus rlc_rollout_state_get(rlcRollout *r, rlcBuf *b) {
  int32_t hdr[7];
  rlcStatus s = rlc_buf_get_tag(b, "rollout");
  if (!s) s = rlc_buf_get(b, hdr, sizeof hdr);
  if (s) return s;
  if (hdr[0] != r->num_steps || hdr[1] != r->num_envs || hdr[2] != r->obs_size ||
      hdr[3] != r->act_size || hdr[4] != (int32_t)r->discrete || hdr[6] != (int32_t)r->obs_dtype)
    return rlc_error(RLC_ERR_FORMAT,
                     "rollout of %d steps x %d envs (obs %d %s, act %d %s) for %d x %d (obs %d %s, act %d %s)",
                     (int)hdr[0], (int)hdr[1], (int)hdr[2], dtype_name(hdr[6]), (int)hdr[3],
                     hdr[4] ? "discrete" : "float32", r->num_steps, r->num_envs, r->obs_size,
                     dtype_name(r->obs_dtype), r->act_size, r->discrete ? "discrete" : "float32");
  if (hdr[5] < 0 || hdr[5] > r->num_steps)
    return rlc_error(RLC_ERR_FORMAT, "rollout: fill level %d outside [0, %d]", (int)hdr[5], r->num_steps);
  s = rlc_buf_get(b, r->obs, r->obs_bytes * tn(r));
  if (!s) s = rlc_buf_get(b, float_block(r), sizeof(float) * rollout_floats(r));
  if (!s && r->act_i) s = rlc_buf_get(b, r->act_i, sizeof(int32_t) * tn(r));
  if (!s) s = rlc_buf_get(b, r->terminated, sizeof(bool) * 2 * tn(r));
  for (size_t i = 0; !s && i < 2 * tn(r); i++)
    if (!rlc_byte_is_bool(&r->terminated[i])) s = rlc_error(RLC_ERR_FORMAT, "rollout: corrupted end flags");
  if (!s) r->t = hdr[5];
  return s;
}
