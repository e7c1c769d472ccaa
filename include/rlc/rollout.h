// rlc/rollout.h: layer 2. What on-policy methods keep between updates: the
// rollout buffer of a vectorized collection (num_steps x num_envs), GAE(lambda)
// with correct truncation handling, the discounted and normalized episode
// returns of REINFORCE (Hands-On ML's discount_and_normalize_rewards), and a
// running mean/std (Gymnasium's RunningMeanStd) for observation and reward
// normalization.
//
// Truncation: an episode cut by a time limit did not end in the task, so its
// last step bootstraps from V(final observation); a termination bootstraps
// from nothing. In both cases nothing flows from the next episode back into
// this one. (Treating truncation as termination, as many implementations do,
// teaches the critic that the time limit is a cliff.)
//
// The rollout buffer stores the layouts of rlc/data.h: float32 or uint8
// observations (kept as they are; rlc_obs_input makes network input of them),
// discrete int32 or float32 vector actions.
// Depends on: rlc/core.h, rlc/data.h.
#ifndef RLC_ROLLOUT_H
#define RLC_ROLLOUT_H

#include "rlc/core.h"
#include "rlc/data.h"

#ifdef __cplusplus
extern "C" {
#endif

//------------------------------------------------------------------------------
// Returns and advantages (kernels over flat arrays)
//------------------------------------------------------------------------------

// GAE(lambda) over a rollout of T steps of N envs, step-major (index t * N + i).
//   next value of step t = 0                    where terminated[t]
//                        = final_values[t]      where truncated[t] (V of the final obs)
//                        = values[t + 1]        otherwise, or last_values at t = T - 1
//   delta_t = rewards_t + gamma * next_value_t - values_t
//   adv_t   = delta_t + gamma * lambda * adv_{t+1}, the sum cut where step t ended an episode
//   ret_t   = adv_t + values_t                  (the critic's target)
// adv, ret, rewards, values, final_values, terminated, truncated are (T, N);
// last_values (N) are V of the observations after the last step. final_values
// is read only where truncated (it may be NULL when nothing is truncated). ret
// may be NULL. Accumulates in double.
RLC_API void rlc_gae(float *adv, float *ret, const float *rewards, const float *values,
             const float *final_values, const float *last_values, const bool *terminated,
             const bool *truncated, int T, int N, double gamma, double lambda);

// The book's discount_rewards: out[t] = rewards[t] + gamma * out[t + 1] over
// one episode of n steps (out may alias rewards).
RLC_API void rlc_discount_rewards(double *out, const double *rewards, int n, double gamma);
// The book's discount_and_normalize_rewards: each episode (lengths[e] steps,
// laid end to end in rewards) discounted on its own, then all the discounted
// returns together shifted by their mean and divided by their (population)
// standard deviation. When that deviation is 0 the returns are only centred.
// out may alias rewards.
RLC_API void rlc_discount_normalize(double *out, const double *rewards, const int *lengths, int n_episodes,
                            double gamma);

//------------------------------------------------------------------------------
// Running mean and variance (Gymnasium's RunningMeanStd)
//------------------------------------------------------------------------------

// Starts at mean 0, var 1, count 1e-4 (Gymnasium's epsilon), and merges each
// batch with Chan et al.'s parallel formula, so a batch of n values updates
// exactly as n single updates would (in exact arithmetic).
typedef struct rlcRunningMeanStd {
  int size;        // values per sample
  double count;
  double *mean;    // (size)
  double *var;     // (size): population variance
} rlcRunningMeanStd;

RLC_API rlcStatus rlc_rms_init(rlcRunningMeanStd *r, int size);
RLC_API void rlc_rms_free(rlcRunningMeanStd *r);
RLC_API void rlc_rms_reset(rlcRunningMeanStd *r);
// Adds a batch x (n, size) of float or double samples.
RLC_API void rlc_rms_update(rlcRunningMeanStd *r, const float *x, int n);
RLC_API void rlc_rms_update_f64(rlcRunningMeanStd *r, const double *x, int n);
// out (n, size) = clip((x - mean) / sqrt(var + 1e-8), -clip, clip); clip <= 0:
// no clipping. out may alias x.
RLC_API void rlc_rms_normalize(const rlcRunningMeanStd *r, float *out, const float *x, int n, double clip);
// Checkpoints (a size mismatch on get is RLC_ERR_FORMAT).
RLC_API void rlc_rms_state_put(const rlcRunningMeanStd *r, rlcBuf *b);
RLC_API rlcStatus rlc_rms_state_get(rlcRunningMeanStd *r, rlcBuf *b);

// Gym's NormalizeReward for N envs, as CleanRL used it (gym 0.21-0.25): each
// env keeps a discounted return G = gamma * G + r; G's running variance
// scales the reward, r / sqrt(var(G) + 1e-8), then clipped to [-clip, clip]
// (clip <= 0: none); G restarts at 0 after any episode end. (Gymnasium 1.x
// zeroes G before adding a terminal step's reward, and not on truncation.)
typedef struct rlcRewardNorm {
  int num_envs;
  double gamma, clip;
  double *ret;             // (N): the running discounted returns
  rlcRunningMeanStd rms;   // of the returns
} rlcRewardNorm;

RLC_API rlcStatus rlc_reward_norm_init(rlcRewardNorm *r, int num_envs, double gamma, double clip);
RLC_API void rlc_reward_norm_free(rlcRewardNorm *r);
// out (N) from rewards (N) and the episode ends of this step; updates the
// statistics with this step's returns first, as Gymnasium does.
RLC_API void rlc_reward_norm_step(rlcRewardNorm *r, float *out, const double *rewards,
                          const bool *terminated, const bool *truncated);
RLC_API void rlc_reward_norm_state_put(const rlcRewardNorm *r, rlcBuf *b);
RLC_API rlcStatus rlc_reward_norm_state_get(rlcRewardNorm *r, rlcBuf *b);

//------------------------------------------------------------------------------
// Rollout buffer: num_steps x num_envs transitions, step-major
//------------------------------------------------------------------------------

typedef struct rlcRollout {
  int num_steps, num_envs;   // T, N
  rlcDType obs_dtype;        // RLC_F32 or RLC_U8
  int obs_size;              // elements per observation
  size_t obs_bytes;          // bytes per observation (obs_size x 4 or x 1)
  int act_size;              // values per action: 1 for discrete (int32), D for boxes (float)
  bool discrete;             // action_dim == 0 at creation
  int t;                     // steps stored so far (full at num_steps)
  // (T, N, ...) arrays, index (t * N + i).
  void *obs;                 // (T, N, obs_size) of obs_dtype: as the policy saw them
                             // (normalized if so); row k at rlc_rollout_obs(r, k)
  int32_t *act_i;            // (T, N): discrete actions, else NULL
  float *act_f;              // (T, N, act_size): box actions, else NULL
  float *logp;               // log-probability of the action when taken
  float *values;             // V(obs) when taken
  float *rewards;            // as learned from (normalized if so)
  bool *terminated, *truncated;
  float *final_values;       // V(final obs) where truncated
  float *last_values;        // (N): V of the observation after the last step
  float *adv, *ret;          // filled by rlc_rollout_compute
} rlcRollout;

// obs_dtype RLC_F32 or RLC_U8, obs_size elements; action_dim 0: discrete
// (int32, act_i), D >= 1: float32 vectors of D (act_f). RLC_ERR_ARG for other
// layouts or sizes.
RLC_API rlcStatus rlc_rollout_create(int num_steps, int num_envs, rlcDType obs_dtype, int obs_size,
                             int action_dim, rlcRollout **out);
RLC_API void rlc_rollout_destroy(rlcRollout *r);
// Index of (step t, env i) in the (T, N) arrays.
static inline size_t rlc_rollout_at(const rlcRollout *r, int t, int i) {
  return (size_t)t * r->num_envs + i;
}
// Observation row k (an index from rlc_rollout_at), whatever its dtype.
static inline void *rlc_rollout_obs(const rlcRollout *r, size_t k) {
  return (uint8_t *)r->obs + k * r->obs_bytes;
}
// GAE over the whole buffer (once t == num_steps and last_values are set).
RLC_API void rlc_rollout_compute(rlcRollout *r, double gamma, double lambda);
// Normalizes an advantage array (n) to mean 0, std 1 (torch's unbiased std,
// + 1e-8, as CleanRL).
RLC_API void rlc_normalize_advantages(float *adv, int n);
// Checkpoints: every array and the fill level; get refuses (RLC_ERR_FORMAT)
// a rollout of another shape or layout.
RLC_API void rlc_rollout_state_put(const rlcRollout *r, rlcBuf *b);
RLC_API rlcStatus rlc_rollout_state_get(rlcRollout *r, rlcBuf *b);

#ifdef __cplusplus
}
#endif
#endif
