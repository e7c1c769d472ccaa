// dqn.c: the DQN family as one agent whose options compose: target network
// (hard every K updates or soft), Double DQN, dueling head (mean or the
// book's max), n-step returns (alone or added to the 1-step loss at the same
// indices, as the rainbow notebook), prioritized replay, noisy layers, C51
// distributions; Rainbow is all of them. Eight classes (dqn, double-dqn, ...,
// rainbow) are this implementation with different defaults, and the presets
// that reproduce Hands-On ML, the TF-Agents tutorial and the rainbow notebook.
// Depends on: rlc/agent.h, rlc/nn.h, rlc/replay.h, agents/dqn.h.
//
// A training step allocates nothing: every buffer is sized at creation. The
// next observations of a batch (1-step and n-step rows together) go through
// each network in one forward pass.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include "agents/dqn.h"
#include "rlc/agent.h"
#include "rlc/nn.h"
#include "rlc/replay.h"

enum { LOSS_MSE, LOSS_HUBER };
enum { EPS_CONSTANT, EPS_LINEAR, EPS_POLYNOMIAL, EPS_EXPONENTIAL, EPS_DECREMENT };
enum { UNIT_STEP, UNIT_EPISODE, UNIT_UPDATE };

typedef struct Dqn {
  rlcAgent base;
  // Shape.
  int D, A, Z, out_size, action_start;
  // Settings.
  int batch, train_freq, grad_steps, target_update, train_start_episode, n_step, loss;
  int64_t learning_starts, random_steps, lr_decay_steps, beta_steps;
  double gamma, tau, huber_delta, max_grad_norm, lr, lr_end, v_min, v_max;
  double beta0, eps_start, eps_end, eps_decay, eps_power;
  int eps_sched, eps_unit;
  bool double_q, c51, noisy, per, keep_best, episode_mode, combined, exact_projection;
  // Parts.
  rlcNet *net, *target;        // target NULL: targets come from the online net
  rlcRng net_pre, target_pre;  // noise streams before the last resample (checkpoints)
  rlcOptim *opt;
  rlcReplay *replay;
  rlcRng rng;                  // exploration
  float *best;                 // keep_best: the longest episode's parameters
  // Counters and state.
  int64_t steps, episodes, updates, next_train, next_episode;
  double eps;                  // the decrement schedule's current value
  int best_len;
  bool have_best;
  double loss_sum;
  int64_t loss_n;
  // Scratch, sized at creation.
  float *support;              // (Z)
  float *rew, *disc, *y;       // (2B) per next-observation row
  int32_t *arg;                // (2B)
  float *pn;                   // (2B, A, Z) next-state distributions
  float *m;                    // (2B, Z) projected targets
  float *dq, *d1, *qsa, *td;   // (B): dL/dQ(s,a), one part's share, Q(s,a), priority errors
  float *dout;                 // (B, out_size)
  float *logp, *prob;          // (Z)
  bool *explore_mask;          // (max_batch)
  // Target Q-values by observation. The target network changes only at a
  // sync, so the value of a next observation is computed once per sync
  // period (the rainbow-nstep preset draws 6400 next observations of about
  // 2000 distinct ones in each; an n-step row is often another slot's
  // 1-step row). A direct-mapped table over the replay's observation ids,
  // each entry checked by its id and generation. Scalar, non-noisy agents
  // with a target network only.
  int64_t ctab;                // entries
  int64_t *ckey;               // (ctab) the id held, -1: none
  int32_t *cgen;               // (ctab) the target generation it was computed in
  float *cq;                   // (ctab, A)
  int32_t tgen;                // target generation (bumped at every sync)
  float *tq, *xrows;           // (2B, A) target Q rows, (max_batch, D) compacted inputs
  int32_t *rows;               // (2B)
} Dqn;

//------------------------------------------------------------------------------
// C51
//------------------------------------------------------------------------------

void rlc_dqn_c51_project(float *m, const float *p, int Z, double v_min, double v_max,
                         double reward, double discount, bool exact) {
  double dz = (v_max - v_min) / (Z - 1);
  for (int j = 0; j < Z; j++) m[j] = 0.0f;
  for (int j = 0; j < Z; j++) {
    double tz = reward + discount * (v_min + j * dz);
    tz = tz < v_min ? v_min : tz > v_max ? v_max : tz;
    double b = (tz - v_min) / dz;
    int l = (int)floor(b), u = (int)ceil(b);
    if (l < 0) l = 0;
    if (u > Z - 1) u = Z - 1;
    if (l > u) l = u;
    if (l == u) {
      if (exact) m[l] += p[j];
      continue;  // the notebook's floor == ceil case: (u - b) + (b - l) = 0
    }
    m[l] += (float)(p[j] * (u - b));
    m[u] += (float)(p[j] * (b - l));
  }
}

// Expected values of the A distributions in logits z (A, Z).
static void c51_q(const Dqn *a, const float *z, float *q) {
  for (int k = 0; k < a->A; k++) {
    const float *x = z + (size_t)k * a->Z;
    float mx = x[0];
    for (int j = 1; j < a->Z; j++) mx = x[j] > mx ? x[j] : mx;
    double s = 0, e = 0;
    for (int j = 0; j < a->Z; j++) {
      double w = expf(x[j] - mx);  // float exp: C51 calls it A x Z times per row
      s += w;
      e += w * a->support[j];
    }
    q[k] = (float)(e / s);
  }
}

//------------------------------------------------------------------------------
// Schedules
//------------------------------------------------------------------------------

static double eps_now(const Dqn *a) {
  double t = a->eps_unit == UNIT_STEP ? (double)a->steps
             : a->eps_unit == UNIT_EPISODE ? (double)a->episodes : (double)a->updates;
  switch (a->eps_sched) {
  case EPS_CONSTANT: return a->eps_start;
  case EPS_LINEAR:
    if (a->eps_decay <= 0 || t >= a->eps_decay) return a->eps_end;
    return a->eps_start + (a->eps_end - a->eps_start) * (t / a->eps_decay);
  case EPS_POLYNOMIAL: {
    rlcSchedule s = {RLC_SCHED_POLYNOMIAL, a->eps_start, a->eps_end, a->eps_decay, a->eps_power, 0, false};
    return rlc_schedule_value(&s, t);
  }
  case EPS_EXPONENTIAL:
    return a->eps_end + (a->eps_start - a->eps_end) * exp(-t / (a->eps_decay > 0 ? a->eps_decay : 1));
  case EPS_DECREMENT: return a->eps;
  }
  return a->eps_start;
}

static double lr_now(const Dqn *a) {
  if (a->lr_decay_steps <= 0) return a->lr;
  double f = (double)a->updates / (double)a->lr_decay_steps;
  return f >= 1 ? a->lr_end : a->lr + (a->lr_end - a->lr) * f;
}

static double beta_now(const Dqn *a) {
  double f = a->beta_steps > 0 ? (double)a->steps / (double)a->beta_steps : 1.0;
  return f >= 1 ? 1.0 : a->beta0 + (1.0 - a->beta0) * f;
}

//------------------------------------------------------------------------------
// Acting
//------------------------------------------------------------------------------

static int greedy_row(const Dqn *a, const float *out, float *qbuf) {
  if (!a->c51) return rlc_argmax_f32(out, a->A, NULL);
  c51_q(a, out, qbuf);
  return rlc_argmax_f32(qbuf, a->A, NULL);
}

static void dqn_act(rlcAgent *ag, const void *obs, int n, bool explore, void *actions) {
  Dqn *a = (Dqn *)ag;
  const float *x = obs;
  int32_t *act = actions;
  int mb = a->net->max_batch;
  bool all_random = explore && a->steps < a->random_steps;
  double eps = explore ? (all_random ? 1.0 : eps_now(a)) : 0.0;
  float qbuf[64];
  float *q = a->A <= 64 ? qbuf : a->y;  // y has 2B >= A floats when A > 64 (checked at creation)
  // Chunks of at most max_batch rows: the random draws of a chunk come
  // first, then one forward pass for the rows that act greedily.
  for (int lo = 0; lo < n; lo += mb) {
    int cn = n - lo < mb ? n - lo : mb;
    bool any_greedy = false;
    for (int i = 0; i < cn; i++) {
      bool rnd = all_random || (eps > 0 && rlc_rng_random(&a->rng) < eps);
      a->explore_mask[i] = rnd;
      if (rnd) act[lo + i] = (int32_t)rlc_rng_integers(&a->rng, 0, a->A) + a->action_start;
      else any_greedy = true;
    }
    if (!any_greedy) continue;
    const float *out = rlc_net_forward(a->net, x + (size_t)lo * a->D, cn);
    for (int i = 0; i < cn; i++)
      if (!a->explore_mask[i])
        act[lo + i] = greedy_row(a, out + (size_t)i * a->out_size, q) + a->action_start;
  }
}

//------------------------------------------------------------------------------
// Learning
//------------------------------------------------------------------------------

static void resample_noise(Dqn *a) {
  if (!a->noisy) return;
  a->net_pre = a->net->rng;
  rlc_net_resample_noise(a->net);
  if (a->target) {
    a->target_pre = a->target->rng;
    rlc_net_resample_noise(a->target);
  }
}

static void sync_target(Dqn *a) {
  if (!a->target) return;
  a->tgen++;
  if (a->tau >= 1.0) rlc_params_copy(a->target->params, a->net->params, a->net->n_params);
  else rlc_params_polyak(a->target->params, a->net->params, a->net->n_params, a->tau);
}

static double point_loss(const Dqn *a, float *d, float *per, const float *pred, const float *y,
                         const float *w, int B) {
  if (a->loss == LOSS_MSE) return rlc_loss_mse(d, per, pred, y, w, B, 1);
  return rlc_loss_huber(d, per, pred, y, w, B, 1, a->huber_delta);
}

static rlcStatus learn(Dqn *a, const rlcReplayBatch *bt, int M);
static rlcStatus train_cached(Dqn *a, const rlcReplayBatch *bt, const float *nx, int M, bool use1,
                              bool dbl);

// One gradient step on one sampled batch.
static rlcStatus train_step(Dqn *a) {
  const rlcReplayBatch *bt;
  rlcStatus s = rlc_replay_sample(a->replay, a->batch, a->per ? beta_now(a) : 0.0, &bt);
  if (s) return s;
  const int B = a->batch, A = a->A, Z = a->Z;
  // Rows of next observations to value: the 1-step rows, the n-step rows, or
  // both (adjacent in the batch, so one forward pass each).
  bool use1 = a->n_step == 1 || a->combined, usen = a->n_step > 1;
  int M = use1 && usen ? 2 * B : B;
  const float *nx = use1 ? bt->next_obs : bt->n_next_obs;
  for (int b = 0; b < B; b++) {
    int r = 0;
    if (use1) a->rew[r * B + b] = bt->reward[b], a->disc[r * B + b] = bt->discount[b], r++;
    if (usen) a->rew[r * B + b] = bt->n_reward[b], a->disc[r * B + b] = bt->n_discount[b];
  }
  rlcNet *tn = a->target ? a->target : a->net;
  bool dbl = a->double_q && a->target;
  if (a->ckey) return train_cached(a, bt, nx, M, use1, dbl);
  const float *tout = rlc_net_forward(tn, nx, M);
  if (!tout) return RLC_ERR_ARG;
  if (!a->c51) {
    if (dbl) {
      const float *oq = rlc_net_forward(a->net, nx, M);
      for (int r = 0; r < M; r++) a->arg[r] = rlc_argmax_f32(oq + (size_t)r * A, A, NULL);
    } else {
      for (int r = 0; r < M; r++) a->arg[r] = rlc_argmax_f32(tout + (size_t)r * A, A, NULL);
    }
    for (int r = 0; r < M; r++)
      a->y[r] = (float)(a->rew[r] + (double)a->disc[r] * tout[(size_t)r * A + a->arg[r]]);
  } else {
    rlc_softmax_forward(a->pn, tout, M * A, Z);
    float q[64];
    float *qq = A <= 64 ? q : a->y;
    if (dbl) {
      const float *ol = rlc_net_forward(a->net, nx, M);
      for (int r = 0; r < M; r++) a->arg[r] = greedy_row(a, ol + (size_t)r * A * Z, qq);
    } else {
      for (int r = 0; r < M; r++) {
        const float *p = a->pn + (size_t)r * A * Z;
        for (int k = 0; k < A; k++) {
          double e = 0;
          for (int j = 0; j < Z; j++) e += (double)p[(size_t)k * Z + j] * a->support[j];
          qq[k] = (float)e;
        }
        a->arg[r] = rlc_argmax_f32(qq, A, NULL);
      }
    }
    for (int r = 0; r < M; r++)
      rlc_dqn_c51_project(a->m + (size_t)r * Z, a->pn + ((size_t)r * A + a->arg[r]) * Z, Z,
                          a->v_min, a->v_max, a->rew[r], a->disc[r], a->exact_projection);
  }

  return learn(a, bt, M);
}

// A batch size at least n that the dense kernels run fast: they work in
// 32-row panels with 8-row vectors and send fewer than 16 leftover rows
// through a per-row path at about twice the cost per row (measured on
// 128 x 128: 13 to 20 rows took as long as or longer than 24). Padding rows
// are computed and ignored.
static int fast_batch(int n, int max_batch) {
  int b = n <= 12 ? n : n <= 24 ? 24 : (n + 7) / 8 * 8;
  return b < max_batch ? b : max_batch;
}

// Compacted rows [cnt, padded) repeat row 0 (their results are ignored).
static int pad_rows(float *x, int cnt, int D, int max_batch) {
  int padded = fast_batch(cnt, max_batch);
  for (int k = cnt; k < padded; k++) memcpy(x + (size_t)k * D, x, sizeof(float) * D);
  return padded;
}

// Targets from the cache: only rows whose observation has no value from the
// current target network (and that bootstrap at all) go through it,
// compacted into one pass.
static rlcStatus train_cached(Dqn *a, const rlcReplayBatch *bt, const float *nx, int M, bool use1,
                              bool dbl) {
  const int B = a->batch, A = a->A, D = a->D;
  const int64_t *ids = use1 ? bt->next_id : bt->next_id + B;
  int cnt = 0;
  for (int r = 0; r < M; r++) {
    if (a->disc[r] == 0.0f) continue;  // nothing to bootstrap
    int64_t h = ids[r] % a->ctab;
    if (a->ckey[h] == ids[r] && a->cgen[h] == a->tgen) {
      memcpy(a->tq + (size_t)r * A, a->cq + (size_t)h * A, sizeof(float) * A);
      continue;
    }
    memcpy(a->xrows + (size_t)cnt * D, nx + (size_t)r * D, sizeof(float) * D);
    a->rows[cnt++] = r;
  }
  if (cnt) {
    const float *out = rlc_net_forward(a->target, a->xrows, pad_rows(a->xrows, cnt, D, a->target->max_batch));
    if (!out) return RLC_ERR_ARG;
    for (int k = 0; k < cnt; k++) {
      int r = a->rows[k];
      int64_t h = ids[r] % a->ctab;
      memcpy(a->tq + (size_t)r * A, out + (size_t)k * A, sizeof(float) * A);
      memcpy(a->cq + (size_t)h * A, out + (size_t)k * A, sizeof(float) * A);
      a->ckey[h] = ids[r];
      a->cgen[h] = a->tgen;
    }
  }
  if (dbl) {
    // The online network changes every update: all bootstrapped rows.
    cnt = 0;
    for (int r = 0; r < M; r++)
      if (a->disc[r] != 0.0f) {
        memcpy(a->xrows + (size_t)cnt * D, nx + (size_t)r * D, sizeof(float) * D);
        a->rows[cnt++] = r;
      }
    const float *oq = cnt ? rlc_net_forward(a->net, a->xrows, pad_rows(a->xrows, cnt, D, a->net->max_batch)) : NULL;
    for (int k = 0; k < cnt; k++) a->arg[a->rows[k]] = rlc_argmax_f32(oq + (size_t)k * A, A, NULL);
  }
  for (int r = 0; r < M; r++) {
    float v = 0.0f;
    if (a->disc[r] != 0.0f) {
      const float *q = a->tq + (size_t)r * A;
      v = q[dbl ? a->arg[r] : rlc_argmax_f32(q, A, NULL)];
    }
    a->y[r] = (float)(a->rew[r] + (double)a->disc[r] * v);
  }
  return learn(a, bt, M);
}

// The online network on the observations; its gradient is the sum of the
// parts' gradients at Q(s, a). Then the optimizer, priorities, target,
// noise and schedules.
static rlcStatus learn(Dqn *a, const rlcReplayBatch *bt, int M) {
  const int B = a->batch, A = a->A, Z = a->Z;
  rlc_net_zero_grad(a->net);
  const float *out = rlc_net_forward(a->net, bt->obs, B);
  const float *w = a->per ? bt->weight : NULL;
  memset(a->dout, 0, sizeof(float) * (size_t)B * a->out_size);
  double loss = 0;
  if (!a->c51) {
    for (int b = 0; b < B; b++) a->qsa[b] = out[(size_t)b * A + bt->action[b]];  // Q(s, a)
    for (int b = 0; b < B; b++) a->dq[b] = 0, a->td[b] = 0;
    for (int r0 = 0; r0 < M; r0 += B) {
      loss += point_loss(a, a->d1, NULL, a->qsa, a->y + r0, w, B);
      for (int b = 0; b < B; b++) {
        a->dq[b] += a->d1[b];
        a->td[b] += fabsf(a->y[r0 + b] - a->qsa[b]);
      }
    }
    for (int b = 0; b < B; b++) a->dout[(size_t)b * A + bt->action[b]] = a->dq[b];
  } else {
    // Cross-entropy -sum_j m_j log p_j against the projected targets; its
    // gradient in the logits is p_k sum_j m_j - m_k (exact, no clamping).
    for (int b = 0; b < B; b++) {
      const float *z = out + ((size_t)b * A + bt->action[b]) * Z;
      float *dz = a->dout + ((size_t)b * A + bt->action[b]) * Z;
      float mx = z[0];
      for (int j = 1; j < Z; j++) mx = z[j] > mx ? z[j] : mx;
      double se = 0;
      for (int j = 0; j < Z; j++) se += expf(z[j] - mx);
      double lse = mx + log(se), wb = w ? w[b] : 1.0, per = 0;
      for (int j = 0; j < Z; j++) a->logp[j] = (float)(z[j] - lse), a->prob[j] = expf(a->logp[j]);
      for (int r0 = 0; r0 < M; r0 += B) {
        const float *mm = a->m + (size_t)(r0 + b) * Z;
        double msum = 0;
        for (int j = 0; j < Z; j++) per -= (double)mm[j] * a->logp[j], msum += mm[j];
        for (int j = 0; j < Z; j++)
          dz[j] += (float)(wb / B * (a->prob[j] * msum - mm[j]));
      }
      a->td[b] = (float)per;
      loss += wb * per / B;
    }
  }
  rlc_net_backward(a->net, a->dout, NULL);
  if (a->max_grad_norm > 0) rlc_clip_grad_norm(a->net->grads, a->net->n_params, a->max_grad_norm);
  rlc_optim_step(a->opt, a->net->params, a->net->grads, lr_now(a));
  if (a->per) rlc_replay_update_priorities(a->replay, bt->index, a->td, B);

  a->updates++;
  if (isfinite(loss)) a->loss_sum += loss, a->loss_n++;
  else a->loss_sum = NAN, a->loss_n++;  // a diverged run shows NAN rather than hiding it
  if (!a->episode_mode && a->target && a->updates % a->target_update == 0) sync_target(a);
  resample_noise(a);
  if (a->eps_sched == EPS_DECREMENT) {
    // The notebook's max(min_eps, eps - (max_eps - min_eps) * (1 / decay)).
    double e = a->eps - (a->eps_start - a->eps_end) * (1.0 / a->eps_decay);
    a->eps = e > a->eps_end ? e : a->eps_end;
  }
  return RLC_OK;
}

// Subnormal floats. Dead ReLU units get exactly zero gradients, and Adam's
// first moment of their weights then decays (x 0.9 per update) into the
// subnormal range within about 800 updates, where every operation on it
// takes a microcode assist: the optimizer step ran at half speed (10 of the
// 60 us of an update in rainbow-nstep). Training runs with flush-to-zero and
// denormals-are-zero, and the caller's mode is restored after it
// (PyTorch's set_flush_denormal). Deterministic either way.
typedef uint64_t FpMode;
static FpMode flush_denormals_begin(void) {
#if defined(__SSE2__)
  unsigned m = _mm_getcsr();
  _mm_setcsr(m | 0x8040);  // FTZ | DAZ
  return m;
#elif defined(__aarch64__)
  uint64_t m;
  __asm__ volatile("mrs %0, fpcr" : "=r"(m));
  __asm__ volatile("msr fpcr, %0" : : "r"(m | (1ull << 24)));  // FZ
  return m;
#else
  return 0;
#endif
}

static void flush_denormals_end(FpMode m) {
#if defined(__SSE2__)
  _mm_setcsr((unsigned)m);
#elif defined(__aarch64__)
  __asm__ volatile("msr fpcr, %0" : : "r"(m));
#else
  (void)m;
#endif
}

static bool can_train(const Dqn *a) {
  return a->replay->size >= a->batch && a->replay->size >= 1;
}

static rlcStatus dqn_update(rlcAgent *ag) {
  Dqn *a = (Dqn *)ag;
  rlcStatus s = RLC_OK;
  FpMode fp = flush_denormals_begin();
  if (a->episode_mode) {
    // The book: after each episode from train_start_episode on, then the
    // target sync when the episode's index is a multiple of target_update.
    while (a->next_episode < a->episodes && !s) {
      int64_t e = a->next_episode++;
      if (e < a->train_start_episode || !can_train(a)) continue;
      for (int g = 0; g < a->grad_steps && !s; g++) s = train_step(a);
      if (a->target && e % a->target_update == 0) sync_target(a);
    }
  } else {
    while (a->steps >= a->next_train && !s) {
      a->next_train += a->train_freq;
      if (a->steps <= a->learning_starts || !can_train(a)) continue;
      for (int g = 0; g < a->grad_steps && !s; g++) s = train_step(a);
    }
  }
  flush_denormals_end(fp);
  return s;
}

static rlcStatus dqn_observe(rlcAgent *ag, const rlcStepBatch *b) {
  Dqn *a = (Dqn *)ag;
  if (b->n < 1 || b->n > a->base.num_envs)
    return rlc_error(RLC_ERR_ARG, "dqn: observe got %d transitions for %d envs", b->n, a->base.num_envs);
  const float *obs = b->obs, *next = b->next_obs;
  const int32_t *act = b->actions;
  for (int i = 0; i < b->n; i++) {
    int32_t ai = act[i] - a->action_start;
    if (ai < 0 || ai >= a->A)
      return rlc_error(RLC_ERR_ARG, "dqn: action %d outside the action space", (int)act[i]);
    rlcStatus s = rlc_replay_add(a->replay, i, obs + (size_t)i * a->D, &ai, b->reward[i],
                                 next + (size_t)i * a->D, b->terminated[i], b->truncated[i]);
    if (s) return s;
    if (b->terminated[i] || b->truncated[i]) {
      // The book keeps the weights of the longest episode (ties: the later).
      if (a->keep_best && b->episode_length && b->episode_length[i] >= a->best_len) {
        a->best_len = b->episode_length[i];
        a->have_best = true;
        memcpy(a->best, a->net->params, sizeof(float) * a->net->n_params);
      }
      a->episodes++;
    }
  }
  a->steps += b->n;
  return RLC_OK;
}

static void dqn_info(rlcAgent *ag, rlcAgentInfo *out) {
  Dqn *a = (Dqn *)ag;
  memset(out, 0, sizeof *out);
  out->loss = a->loss_n ? a->loss_sum / (double)a->loss_n : NAN;
  a->loss_sum = 0;
  a->loss_n = 0;
  out->epsilon = a->noisy && a->eps_sched == EPS_CONSTANT && a->eps_start == 0 ? NAN : eps_now(a);
  out->temperature = NAN;
  out->lr = lr_now(a);
  out->updates = a->updates;
  if (a->per) {
    out->n_extra = 1;
    out->extra_name[0] = "per_beta";
    out->extra[0] = beta_now(a);
    out->extra_ref[0] = NAN;
  }
}

static void dqn_finish(rlcAgent *ag) {
  Dqn *a = (Dqn *)ag;
  if (a->keep_best && a->have_best) memcpy(a->net->params, a->best, sizeof(float) * a->net->n_params);
}

//------------------------------------------------------------------------------
// Checkpoints
//------------------------------------------------------------------------------

#define DQN_STATE_VERSION 1

static void dqn_save(const rlcAgent *ag, rlcBuf *b) {
  const Dqn *a = (const Dqn *)ag;
  rlc_buf_put_tag(b, "dqn");
  int32_t head[5] = {DQN_STATE_VERSION, a->D, a->A, a->Z, a->target != NULL};
  rlc_buf_put(b, head, sizeof head);
  rlc_net_state_put(a->net, b);
  rlc_buf_put(b, &a->net_pre, sizeof a->net_pre);
  if (a->target) {
    rlc_net_state_put(a->target, b);
    rlc_buf_put(b, &a->target_pre, sizeof a->target_pre);
  }
  rlc_optim_state_put(a->opt, b);
  rlc_replay_state_put(a->replay, b);
  rlc_buf_put(b, &a->rng, sizeof a->rng);
  int64_t c[6] = {a->steps, a->episodes, a->updates, a->next_train, a->next_episode, a->loss_n};
  rlc_buf_put(b, c, sizeof c);
  double d[2] = {a->eps, a->loss_sum};
  rlc_buf_put(b, d, sizeof d);
  int32_t best[2] = {a->best_len, a->have_best};
  rlc_buf_put(b, best, sizeof best);
  if (a->keep_best) rlc_buf_put(b, a->best, sizeof(float) * a->net->n_params);
  if (a->ckey) {
    // Cached targets are state too (recomputed in other batches they could
    // round differently): the entries of the current generation, the only
    // ones that can be used again.
    rlc_buf_put(b, &a->tgen, sizeof a->tgen);
    int64_t n = 0;
    for (int64_t h = 0; h < a->ctab; h++) n += a->ckey[h] >= 0 && a->cgen[h] == a->tgen;
    rlc_buf_put(b, &n, sizeof n);
    for (int64_t h = 0; h < a->ctab; h++)
      if (a->ckey[h] >= 0 && a->cgen[h] == a->tgen) {
        rlc_buf_put(b, &a->ckey[h], sizeof a->ckey[h]);
        rlc_buf_put(b, a->cq + (size_t)h * a->A, sizeof(float) * a->A);
      }
  }
}

// Parameters from the checkpoint; the noise those nets were using is drawn
// again from the stream as it was before the last resample.
static rlcStatus get_net(rlcNet *net, rlcRng *pre, bool noisy, rlcBuf *b) {
  rlcStatus s = rlc_net_state_get(net, b);
  if (!s) s = rlc_buf_get(b, pre, sizeof *pre);
  if (!s && noisy) {
    net->rng = *pre;
    rlc_net_resample_noise(net);
  }
  return s;
}

static rlcStatus dqn_load(rlcAgent *ag, rlcBuf *b) {
  Dqn *a = (Dqn *)ag;
  int32_t head[5], want[5] = {DQN_STATE_VERSION, a->D, a->A, a->Z, a->target != NULL};
  rlcStatus s = rlc_buf_get_tag(b, "dqn");
  if (!s) s = rlc_buf_get(b, head, sizeof head);
  if (s) return s;
  if (memcmp(head, want, sizeof head) != 0)
    return rlc_error(RLC_ERR_FORMAT,
                     "dqn: checkpoint (version %d, obs %d, actions %d, atoms %d, target %d) does not "
                     "match the configuration (%d, %d, %d, %d, %d)",
                     head[0], head[1], head[2], head[3], head[4], want[0], want[1], want[2], want[3],
                     want[4]);
  s = get_net(a->net, &a->net_pre, a->noisy, b);
  if (!s && a->target) s = get_net(a->target, &a->target_pre, a->noisy, b);
  if (!s) s = rlc_optim_state_get(a->opt, b);
  if (!s) s = rlc_replay_state_get(a->replay, b);
  if (!s) s = rlc_buf_get(b, &a->rng, sizeof a->rng);
  int64_t c[6];
  double d[2];
  int32_t best[2];
  if (!s) s = rlc_buf_get(b, c, sizeof c);
  if (!s) s = rlc_buf_get(b, d, sizeof d);
  if (!s) s = rlc_buf_get(b, best, sizeof best);
  if (!s && a->keep_best) s = rlc_buf_get(b, a->best, sizeof(float) * a->net->n_params);
  if (!s && a->ckey) {
    int64_t n = 0;
    s = rlc_buf_get(b, &a->tgen, sizeof a->tgen);
    if (!s) s = rlc_buf_get(b, &n, sizeof n);
    if (!s && (n < 0 || n > a->ctab)) s = rlc_error(RLC_ERR_FORMAT, "dqn: corrupted checkpoint (%lld cached targets)", (long long)n);
    for (int64_t h = 0; h < a->ctab; h++) a->ckey[h] = -1;
    for (int64_t i = 0; i < n && !s; i++) {
      int64_t key;
      s = rlc_buf_get(b, &key, sizeof key);
      if (!s && key < 0) s = rlc_error(RLC_ERR_FORMAT, "dqn: corrupted checkpoint (cached target id %lld)", (long long)key);
      if (s) break;
      int64_t h = key % a->ctab;
      a->ckey[h] = key;
      a->cgen[h] = a->tgen;
      s = rlc_buf_get(b, a->cq + (size_t)h * a->A, sizeof(float) * a->A);
    }
  }
  if (s) return s;
  a->steps = c[0], a->episodes = c[1], a->updates = c[2], a->next_train = c[3];
  a->next_episode = c[4], a->loss_n = c[5];
  a->eps = d[0], a->loss_sum = d[1];
  a->best_len = best[0], a->have_best = best[1] != 0;
  return RLC_OK;
}

//------------------------------------------------------------------------------
// Creation
//------------------------------------------------------------------------------

static void dqn_destroy(rlcAgent *ag) {
  Dqn *a = (Dqn *)ag;
  if (!a) return;
  rlc_net_destroy(a->net);
  rlc_net_destroy(a->target);
  rlc_optim_destroy(a->opt);
  rlc_replay_destroy(a->replay);
  void *bufs[] = {a->best, a->support, a->rew, a->disc, a->y, a->arg, a->pn, a->m,
                  a->dq,   a->d1,      a->qsa,  a->td,   a->dout, a->logp, a->prob, a->explore_mask,
                  a->ckey, a->cgen, a->cq, a->tq, a->xrows, a->rows};
  for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) rlc_free(bufs[i]);
  rlc_free(a);
}

// Hidden sizes "64-64" (or "" / "none" for none) into sizes[].
static rlcStatus parse_hidden(const char *v, int *sizes, int *n) {
  *n = 0;
  if (!*v || !strcmp(v, "none")) return RLC_OK;
  const char *p = v;
  for (;;) {
    if (*p < '0' || *p > '9') break;
    long x = 0;
    while (*p >= '0' && *p <= '9' && x <= 1 << 20) x = x * 10 + (*p++ - '0');
    if (x < 1 || x > 1 << 20 || *n >= 12) break;
    sizes[(*n)++] = (int)x;
    if (!*p) return RLC_OK;
    if (*p++ != '-') break;
  }
  return rlc_error(RLC_ERR_ARG, "hidden=%s: expected layer sizes like 64-64 (at most 12 layers)", v);
}

#define TRY(x)                                                                                    \
  do {                                                                                            \
    s = (x);                                                                                      \
    if (s) goto fail;                                                                             \
  } while (0)

static rlcStatus dqn_create(const rlcAgentDef *def, rlcAgent **out) {
  *out = NULL;
  const rlcEnvSpec *spec = def->spec;
  rlcOpts *cfg = def->cfg;
  const char *algo = "the DQN family";
  char sbuf[96];
  if (spec->observation_space.type != RLC_SPACE_BOX || spec->observation_space.dtype != RLC_F32)
    return rlc_error(RLC_ERR_UNSUPPORTED, "%s needs float32 Box observations; %s has %s", algo,
                     spec->id, rlc_space_str(&spec->observation_space, sbuf, sizeof sbuf));
  if (spec->action_space.type != RLC_SPACE_DISCRETE)
    return rlc_error(RLC_ERR_UNSUPPORTED, "%s needs a Discrete action space; %s has %s", algo,
                     spec->id, rlc_space_str(&spec->action_space, sbuf, sizeof sbuf));
  Dqn *a = rlc_calloc(1, sizeof *a);
  if (!a) return RLC_ERR_NOMEM;
  rlcStatus s = RLC_OK;
  a->base.spec = spec;
  a->base.num_envs = def->num_envs > 0 ? def->num_envs : 1;
  a->D = spec->observation_space.size;
  a->A = spec->action_space.n;
  a->action_start = spec->action_space.start;

  // Settings.
  int act_type, init, out_init, optim, train_mode, dueling_type, proj, buffer;
  bool dueling;
  double out_range, out_bias, optim_eps, rho, momentum, sigma0, per_alpha, per_eps;
  bool centered, replacement, trunc_terminal;
  TRY(rlc_cfg_choice(cfg, "activation", "relu|elu|tanh|sigmoid", &act_type));
  TRY(rlc_cfg_choice(cfg, "init", "torch|glorot|he_trunc", &init));
  TRY(rlc_cfg_choice(cfg, "out_init", "default|uniform", &out_init));
  TRY(rlc_cfg_double(cfg, "out_init_range", 0, 1e3, &out_range));
  TRY(rlc_cfg_double(cfg, "out_bias_init", -1e6, 1e6, &out_bias));
  TRY(rlc_cfg_choice(cfg, "optimizer", "adam|sgd|rmsprop|nadam", &optim));
  TRY(rlc_cfg_double(cfg, "lr", 1e-12, 10, &a->lr));
  TRY(rlc_cfg_double(cfg, "lr_end", 0, 10, &a->lr_end));
  TRY(rlc_cfg_int64(cfg, "lr_decay_steps", 0, INT64_MAX, &a->lr_decay_steps));
  TRY(rlc_cfg_double(cfg, "optim_eps", 0, 1, &optim_eps));
  TRY(rlc_cfg_double(cfg, "rmsprop_rho", 0, 1, &rho));
  TRY(rlc_cfg_double(cfg, "momentum", 0, 1, &momentum));
  TRY(rlc_cfg_bool(cfg, "centered", &centered));
  TRY(rlc_cfg_choice(cfg, "loss", "mse|huber", &a->loss));
  TRY(rlc_cfg_double(cfg, "huber_delta", 1e-9, 1e9, &a->huber_delta));
  TRY(rlc_cfg_double(cfg, "gamma", 0, 1, &a->gamma));
  TRY(rlc_cfg_int(cfg, "batch_size", 1, 4096, &a->batch));
  TRY(rlc_cfg_int(cfg, "buffer_size", 1, 1 << 27, &buffer));
  TRY(rlc_cfg_int64(cfg, "learning_starts", 0, INT64_MAX, &a->learning_starts));
  TRY(rlc_cfg_int64(cfg, "random_steps", 0, INT64_MAX, &a->random_steps));
  TRY(rlc_cfg_int(cfg, "train_freq", 1, 1 << 30, &a->train_freq));
  TRY(rlc_cfg_int(cfg, "gradient_steps", 1, 1 << 20, &a->grad_steps));
  TRY(rlc_cfg_choice(cfg, "train_mode", "step|episode", &train_mode));
  TRY(rlc_cfg_int(cfg, "train_start_episode", 0, 1 << 30, &a->train_start_episode));
  TRY(rlc_cfg_int(cfg, "target_update", 0, 1 << 30, &a->target_update));
  TRY(rlc_cfg_double(cfg, "tau", 1e-9, 1, &a->tau));
  TRY(rlc_cfg_bool(cfg, "double", &a->double_q));
  TRY(rlc_cfg_bool(cfg, "dueling", &dueling));
  TRY(rlc_cfg_choice(cfg, "dueling_type", "mean|max", &dueling_type));
  TRY(rlc_cfg_int(cfg, "n_step", 1, 1000, &a->n_step));
  TRY(rlc_cfg_bool(cfg, "n_step_combined", &a->combined));
  TRY(rlc_cfg_bool(cfg, "per", &a->per));
  TRY(rlc_cfg_double(cfg, "per_alpha", 0, 10, &per_alpha));
  TRY(rlc_cfg_double(cfg, "per_beta0", 0, 1, &a->beta0));
  TRY(rlc_cfg_int64(cfg, "per_beta_steps", 0, INT64_MAX, &a->beta_steps));
  TRY(rlc_cfg_double(cfg, "per_eps", 1e-12, 1e3, &per_eps));
  TRY(rlc_cfg_bool(cfg, "noisy", &a->noisy));
  TRY(rlc_cfg_double(cfg, "sigma0", 0, 100, &sigma0));
  TRY(rlc_cfg_bool(cfg, "c51", &a->c51));
  TRY(rlc_cfg_int(cfg, "atoms", 2, 1001, &a->Z));
  TRY(rlc_cfg_double(cfg, "v_min", -1e9, 1e9, &a->v_min));
  TRY(rlc_cfg_double(cfg, "v_max", -1e9, 1e9, &a->v_max));
  TRY(rlc_cfg_choice(cfg, "c51_projection", "exact|notebook", &proj));
  TRY(rlc_cfg_choice(cfg, "eps_schedule", "constant|linear|polynomial|exponential|decrement", &a->eps_sched));
  TRY(rlc_cfg_choice(cfg, "eps_unit", "step|episode|update", &a->eps_unit));
  TRY(rlc_cfg_double(cfg, "eps_start", 0, 1, &a->eps_start));
  TRY(rlc_cfg_double(cfg, "eps_end", 0, 1, &a->eps_end));
  TRY(rlc_cfg_double(cfg, "eps_decay", 0, 1e15, &a->eps_decay));
  TRY(rlc_cfg_double(cfg, "eps_power", 1e-6, 1e3, &a->eps_power));
  TRY(rlc_cfg_bool(cfg, "replacement", &replacement));
  TRY(rlc_cfg_bool(cfg, "truncation_terminal", &trunc_terminal));
  TRY(rlc_cfg_double(cfg, "max_grad_norm", 0, 1e9, &a->max_grad_norm));
  TRY(rlc_cfg_bool(cfg, "keep_best", &a->keep_best));
  int hidden[12], n_hidden;
  TRY(parse_hidden(rlc_cfg_str(cfg, "hidden"), hidden, &n_hidden));
  a->episode_mode = train_mode == 1;
  a->exact_projection = proj == 0;
  if (!a->c51) a->Z = 1;
  if (a->c51 && !(a->v_min < a->v_max))
    TRY(rlc_error(RLC_ERR_ARG, "v_min=%g, v_max=%g: v_min must be below v_max", a->v_min, a->v_max));
  if (a->batch > buffer)
    TRY(rlc_error(RLC_ERR_ARG, "batch_size=%d is larger than buffer_size=%d", a->batch, buffer));
  if (a->eps_sched == EPS_DECREMENT && !(a->eps_decay > 0))
    TRY(rlc_error(RLC_ERR_ARG, "eps_decay=%g: the decrement schedule needs eps_decay > 0", a->eps_decay));
  if (a->lr_decay_steps > 0 && !(a->lr_end > 0))
    TRY(rlc_error(RLC_ERR_ARG, "lr_end=%g: a decaying learning rate needs lr_end > 0", a->lr_end));
  if (a->per && a->beta_steps == 0) {
    // β reaches 1 at the end of the run when the driver says how long it is.
    a->beta_steps = 100000;
    for (int i = 0; i < cfg->n; i++)
      if (!strcmp(cfg->key[i], "steps")) {
        long long v = atoll(cfg->val[i]);
        if (v > 0) a->beta_steps = v;
      }
  }
  a->eps = a->eps_start;
  a->out_size = a->A * a->Z;
  if ((size_t)a->A * a->Z > (1u << 20)) TRY(rlc_error(RLC_ERR_ARG, "atoms=%d: too many outputs", a->Z));

  // Streams: the agent's seed splits into the network, exploration and
  // replay streams.
  rlcRng root;
  rlc_rng_seed_child(&root, def->seed, 0);
  uint64_t net_seed = rlc_rng_next64(&root);
  rlc_rng_seed_child(&a->rng, def->seed, 1);

  // Network: hidden layers (noisy after the first when noisy, as the
  // notebook's NoisyNet), then the head.
  rlcNetDef nd = rlc_net_default_def();
  static const rlcLayerType acts[] = {RLC_LAYER_RELU, RLC_LAYER_ELU, RLC_LAYER_TANH, RLC_LAYER_SIGMOID};
  rlcInit wi = {0}, bi = {0};
  bool has_init = init != 0;
  if (init == 1) wi.type = RLC_INIT_GLOROT_UNIFORM, bi.type = RLC_INIT_ZEROS;
  if (init == 2)
    wi = (rlcInit){.type = RLC_INIT_VARIANCE_SCALING, .scale = 2.0, .mode = RLC_FAN_IN,
                   .dist = RLC_DIST_TRUNCATED_NORMAL},
    bi.type = RLC_INIT_ZEROS;
  nd.input_ndim = 1;
  nd.input_shape[0] = a->D;
  int mb = 2 * a->batch;
  if (mb < 64) mb = 64;
  if (a->base.num_envs > mb && a->base.num_envs <= 1024) mb = a->base.num_envs;
  nd.max_batch = mb;
  nd.seed = net_seed;
  for (int i = 0; i < n_hidden; i++) {
    rlcLayerDef *l = rlc_net_def_add(&nd, a->noisy && i > 0 ? RLC_LAYER_NOISY_DENSE : RLC_LAYER_DENSE, hidden[i]);
    l->sigma0 = sigma0;
    l->has_init = has_init, l->weight_init = wi, l->bias_init = bi;
    rlc_net_def_add(&nd, acts[act_type], 0);
  }
  rlcLayerDef *h;
  if (dueling) {
    h = rlc_net_def_add(&nd, RLC_LAYER_DUELING, a->A);
    h->atoms = a->Z;
    h->dueling_max = dueling_type == 1;
    h->noisy = a->noisy;
  } else {
    h = rlc_net_def_add(&nd, a->noisy ? RLC_LAYER_NOISY_DENSE : RLC_LAYER_DENSE, a->out_size);
  }
  h->sigma0 = sigma0;
  h->has_init = has_init, h->weight_init = wi, h->bias_init = bi;
  if (out_init == 1) {
    h->has_init = true;
    h->weight_init = (rlcInit){.type = RLC_INIT_UNIFORM, .a = -out_range, .b = out_range};
    h->bias_init = (rlcInit){.type = RLC_INIT_CONSTANT, .a = out_bias};
  }
  TRY(rlc_net_create(&nd, &a->net));
  rlc_rng_seed_child(&a->net_pre, net_seed, 1);  // the stream of the creation-time noise
  if (a->target_update > 0) {
    nd.seed = net_seed + 1;  // its own noise; the parameters are copied
    TRY(rlc_net_create(&nd, &a->target));
    rlc_rng_seed_child(&a->target_pre, nd.seed, 1);
    rlc_params_copy(a->target->params, a->net->params, a->net->n_params);
  }

  rlcOptimType ot[] = {RLC_OPTIM_ADAM, RLC_OPTIM_SGD, RLC_OPTIM_RMSPROP, RLC_OPTIM_NADAM};
  rlcOptimDef od = rlc_optim_default_def(ot[optim]);
  od.lr = a->lr;
  if (optim_eps > 0) od.eps = optim_eps;
  od.rho = rho;
  od.momentum = momentum;
  od.centered = centered;
  TRY(rlc_optim_create(&od, a->net->n_params, &a->opt));

  rlcReplayDef rd = rlc_replay_default_def();
  rd.capacity = buffer;
  rd.obs_size = a->D;
  rd.num_streams = a->base.num_envs;
  rd.n_step = a->n_step;
  rd.gamma = a->gamma;
  rd.truncation_terminal = trunc_terminal;
  rd.replacement = replacement;
  rd.prioritized = a->per;
  rd.alpha = per_alpha;
  rd.priority_eps = per_eps;
  rd.max_batch = a->batch;
  rlcRng rs;
  rlc_rng_seed_child(&rs, def->seed, 2);
  rd.seed = rlc_rng_next64(&rs);
  TRY(rlc_replay_create(&rd, &a->replay));

  size_t B = (size_t)a->batch, M = 2 * B, Z = (size_t)a->Z, AZ = (size_t)a->out_size;
  bool ok = true;
#define ALLOC(p, n)                                                                               \
  do {                                                                                            \
    size_t n_ = (n);                                                                              \
    (p) = rlc_calloc(n_ ? n_ : 1, sizeof *(p));                                                 \
    ok = ok && (p);                                                                               \
  } while (0)
  if (a->A > 64 && M < (size_t)a->A) M = (size_t)a->A;  // y doubles as Q scratch for wide actions
  ALLOC(a->support, Z);
  ALLOC(a->rew, M);
  ALLOC(a->disc, M);
  ALLOC(a->y, M);
  ALLOC(a->arg, M);
  ALLOC(a->dq, B);
  ALLOC(a->d1, B);
  ALLOC(a->qsa, B);
  ALLOC(a->td, B);
  ALLOC(a->dout, B * AZ);
  ALLOC(a->logp, Z);
  ALLOC(a->prob, Z);
  ALLOC(a->explore_mask, (size_t)mb);
  if (a->c51) {
    ALLOC(a->pn, M * AZ);
    ALLOC(a->m, M * Z);
  }
  if (a->keep_best) ALLOC(a->best, a->net->n_params);
  if (!a->c51 && !a->noisy && a->target) {
    // Live ids span about the capacity plus the n-step windows: with this
    // many entries they never share one (and if they did, an entry is only
    // used for its own id).
    a->ctab = (int64_t)buffer + (int64_t)(a->n_step + 1) * a->base.num_envs + 1;
    ALLOC(a->ckey, (size_t)a->ctab);
    ALLOC(a->cgen, (size_t)a->ctab);
    ALLOC(a->cq, (size_t)a->ctab * a->A);
    for (int64_t e = 0; a->ckey && e < a->ctab; e++) a->ckey[e] = -1;
    ALLOC(a->tq, M * a->A);
    ALLOC(a->xrows, (size_t)mb * a->D);  // padded up to max_batch rows
    ALLOC(a->rows, M);
  }
#undef ALLOC
  if (!ok) TRY(RLC_ERR_NOMEM);
  for (int j = 0; j < a->Z; j++)
    a->support[j] = a->Z > 1 ? (float)(a->v_min + j * (a->v_max - a->v_min) / (a->Z - 1)) : 0.0f;
  a->next_train = a->train_freq;
  *out = &a->base;
  return RLC_OK;
fail:
  dqn_destroy(&a->base);
  return s;
}
#undef TRY

//------------------------------------------------------------------------------
// Classes: one parameter table per class (only the defaults that make the
// class differ), presets
//------------------------------------------------------------------------------

#define DQN_PARAMS(DOUBLE, DUELING, NSTEP, PER, NOISY, C51, EPS_SCHED, EPS_START)                 \
  {                                                                                               \
    {"hidden", RLC_PARAM_STR, "64-64", "hidden layer sizes, like 64-64 ('none': linear)"},         \
    {"activation", RLC_PARAM_STR, "relu", "relu|elu|tanh|sigmoid"},                               \
    {"init", RLC_PARAM_STR, "torch",                                                              \
     "torch (PyTorch's default) | glorot (Keras: Glorot uniform, zero bias) | he_trunc "          \
     "(TF-Agents: variance scaling 2.0, fan_in, truncated normal)"},                              \
    {"out_init", RLC_PARAM_STR, "default", "default|uniform: output weights U(+-out_init_range), bias out_bias_init"}, \
    {"out_init_range", RLC_PARAM_DOUBLE, "0.03", "range of out_init=uniform"},                     \
    {"out_bias_init", RLC_PARAM_DOUBLE, "0", "output bias of out_init=uniform"},                   \
    {"optimizer", RLC_PARAM_STR, "adam", "adam|sgd|rmsprop|nadam"},                               \
    {"lr", RLC_PARAM_DOUBLE, "1e-3", "learning rate"},                                            \
    {"lr_end", RLC_PARAM_DOUBLE, "0", "final learning rate of a linear decay"},                   \
    {"lr_decay_steps", RLC_PARAM_INT, "0", "updates of the linear lr decay (0: constant lr)"},     \
    {"optim_eps", RLC_PARAM_DOUBLE, "0", "optimizer epsilon (0: its default; Adam 1e-8, Keras 1e-7)"}, \
    {"rmsprop_rho", RLC_PARAM_DOUBLE, "0.9", "RMSprop decay"},                                     \
    {"momentum", RLC_PARAM_DOUBLE, "0", "SGD / RMSprop momentum"},                                \
    {"centered", RLC_PARAM_BOOL, "false", "centered RMSprop"},                                    \
    {"loss", RLC_PARAM_STR, "huber", "mse|huber"},                                                \
    {"huber_delta", RLC_PARAM_DOUBLE, "1", "Huber threshold (1: smooth L1)"},                     \
    {"gamma", RLC_PARAM_DOUBLE, "0.99", "discount"},                                              \
    {"batch_size", RLC_PARAM_INT, "64", "transitions per gradient step"},                          \
    {"buffer_size", RLC_PARAM_INT, "100000", "replay capacity (FIFO)"},                           \
    {"learning_starts", RLC_PARAM_INT, "1000", "env steps before the first update"},              \
    {"random_steps", RLC_PARAM_INT, "0", "env steps with uniformly random actions first"},       \
    {"train_freq", RLC_PARAM_INT, "1", "env steps (all envs together) between training rounds"}, \
    {"gradient_steps", RLC_PARAM_INT, "1", "gradient steps per training round"},                 \
    {"train_mode", RLC_PARAM_STR, "step",                                                         \
     "step (every train_freq env steps) | episode (after each episode, the book)"},              \
    {"train_start_episode", RLC_PARAM_INT, "0", "train_mode=episode: first episode (0-based) trained after"}, \
    {"target_update", RLC_PARAM_INT, "500",                                                       \
     "target sync every K updates (train_mode=episode: when episode % K == 0); 0: no target network"}, \
    {"tau", RLC_PARAM_DOUBLE, "1", "target sync: target = tau online + (1 - tau) target (1: copy)"}, \
    {"double", RLC_PARAM_BOOL, DOUBLE, "Double DQN: the online net picks the next action"},      \
    {"dueling", RLC_PARAM_BOOL, DUELING, "dueling head: Q = V + A - mean A (or max A)"},          \
    {"dueling_type", RLC_PARAM_STR, "mean", "mean|max (max: Hands-On ML)"},                       \
    {"n_step", RLC_PARAM_INT, NSTEP, "n-step returns (1: off)"},                                  \
    {"n_step_combined", RLC_PARAM_BOOL, "true", "n_step > 1: add the 1-step loss at the same indices (the notebook)"}, \
    {"per", RLC_PARAM_BOOL, PER, "proportional prioritized replay"},                              \
    {"per_alpha", RLC_PARAM_DOUBLE, "0.6", "priority exponent"},                                  \
    {"per_beta0", RLC_PARAM_DOUBLE, "0.4", "importance-weight exponent at the start, annealed to 1"}, \
    {"per_beta_steps", RLC_PARAM_INT, "0", "env steps for beta to reach 1 (0: the run's steps)"}, \
    {"per_eps", RLC_PARAM_DOUBLE, "1e-6", "added to |TD| for priorities"},                        \
    {"noisy", RLC_PARAM_BOOL, NOISY, "noisy layers (all but the first) instead of epsilon"},     \
    {"sigma0", RLC_PARAM_DOUBLE, "0.5", "noisy layers' initial sigma scale"},                     \
    {"c51", RLC_PARAM_BOOL, C51, "distributional (C51) values"},                                  \
    {"atoms", RLC_PARAM_INT, "51", "C51 atoms"},                                                  \
    {"v_min", RLC_PARAM_DOUBLE, "-10", "C51 support low"},                                        \
    {"v_max", RLC_PARAM_DOUBLE, "10", "C51 support high"},                                        \
    {"c51_projection", RLC_PARAM_STR, "exact",                                                    \
     "exact | notebook (loses an atom's mass when it lands on a support point)"},                  \
    {"eps_schedule", RLC_PARAM_STR, EPS_SCHED,                                                    \
     "constant|linear|polynomial|exponential|decrement (eps -= (start - end) / decay per update)"}, \
    {"eps_unit", RLC_PARAM_STR, "step", "step|episode|update: what the schedule counts"},         \
    {"eps_start", RLC_PARAM_DOUBLE, EPS_START, "initial epsilon"},                                \
    {"eps_end", RLC_PARAM_DOUBLE, "0.05", "final epsilon"},                                       \
    {"eps_decay", RLC_PARAM_DOUBLE, "10000",                                                      \
     "schedule length (linear, polynomial), time constant (exponential), steps (decrement)"},     \
    {"eps_power", RLC_PARAM_DOUBLE, "1", "polynomial schedule power"},                            \
    {"replacement", RLC_PARAM_BOOL, "true", "uniform sampling with replacement"},                 \
    {"truncation_terminal", RLC_PARAM_BOOL, "false",                                              \
     "store time-limit ends as terminal (the rainbow notebook's quirk)"},                         \
    {"max_grad_norm", RLC_PARAM_DOUBLE, "0", "clip the gradient's global norm (0: off)"},         \
    {"keep_best", RLC_PARAM_BOOL, "false", "restore the weights of the longest episode at the end (the book)"}, \
  }

static const rlcParam p_dqn[] = DQN_PARAMS("false", "false", "1", "false", "false", "false", "linear", "1");
static const rlcParam p_double[] = DQN_PARAMS("true", "false", "1", "false", "false", "false", "linear", "1");
static const rlcParam p_dueling[] = DQN_PARAMS("false", "true", "1", "false", "false", "false", "linear", "1");
static const rlcParam p_nstep[] = DQN_PARAMS("false", "false", "3", "false", "false", "false", "linear", "1");
static const rlcParam p_per[] = DQN_PARAMS("false", "false", "1", "true", "false", "false", "linear", "1");
static const rlcParam p_noisy[] = DQN_PARAMS("false", "false", "1", "false", "true", "false", "constant", "0");
static const rlcParam p_c51[] = DQN_PARAMS("false", "false", "1", "false", "false", "true", "linear", "1");
static const rlcParam p_rainbow[] = DQN_PARAMS("true", "true", "3", "true", "true", "true", "constant", "0");
#define NP(p) ((int)(sizeof p / sizeof p[0]))

// The book's three CartPole DQNs: one update per episode after it ends, no
// target network / a target synced every 50 episodes, the best episode's
// weights restored at the end. Keras defaults: Glorot init, Adam eps 1e-7.
#define HOML_BASE                                                                                 \
  "env=CartPole-v1,max_episode_steps=200,episodes=600,steps=120000,hidden=32-32,activation=elu,"  \
  "init=glorot,optimizer=adam,optim_eps=1e-7,gamma=0.95,batch_size=32,buffer_size=2000,"          \
  "learning_starts=0,train_mode=episode,gradient_steps=1,replacement=true,keep_best=true,"        \
  "eps_schedule=linear,eps_unit=episode,eps_start=1,eps_end=0.01,eps_decay=495"

// rlc's own CartPole-v1 defaults: a small net, Adam 2e-3, batch 32, one
// update per step, target copied every 200 updates, epsilon down to 0.02 in
// 5,000 steps, an evaluation every 1,000 steps, and the run stops at the
// first one that reaches the threshold (DQN on CartPole often degrades after
// solving it). docs/DQN.md has the measurements.
#define CP_BASE                                                                                   \
  "hidden=64-64,lr=2e-3,batch_size=32,buffer_size=50000,learning_starts=1000,train_freq=1,"      \
  "target_update=200,steps=100000,eval_interval=1000,eval_episodes=10,stop_at_threshold=true"
#define CP_EPS ",eps_end=0.02,eps_decay=5000"

static const rlcPreset pr_dqn[] = {
    {NULL, "CartPole-v1", CP_BASE CP_EPS ",double=true",
     "rlc's CartPole-v1 default for DQN: 64-64, Adam 2e-3, Double, Huber, stops at 475"},
    {"homl-dqn", "CartPole-v1",
     HOML_BASE ",train_start_episode=51,target_update=0,loss=mse,lr=1e-2",
     "Hands-On ML ch. 18 DQN: 600 episodes of <= 200 steps, one update per episode from episode 51"},
    {"homl-double-dqn", "CartPole-v1",
     HOML_BASE ",train_start_episode=50,target_update=50,double=true,loss=huber,lr=6e-3",
     "Hands-On ML ch. 18 Double DQN: target synced every 50 episodes, Huber, Adam 6e-3"},
    {"homl-dueling-dqn", "CartPole-v1",
     HOML_BASE ",train_start_episode=50,target_update=50,double=true,dueling=true,dueling_type=max,"
     "loss=huber,lr=7.5e-3",
     "Hands-On ML ch. 18 Dueling Double DQN: Q = V + A - max A, Adam 7.5e-3"},
    {"tfagents-dqn", "CartPole-v0",
     "env=CartPole-v0,steps=20100,eval_interval=1000,eval_episodes=10,log_interval=200,"
     "hidden=100-50,activation=relu,init=he_trunc,out_init=uniform,out_init_range=0.03,"
     "out_bias_init=-0.2,optimizer=adam,lr=1e-3,optim_eps=1e-7,loss=mse,gamma=1,batch_size=64,"
     "buffer_size=100000,random_steps=100,learning_starts=100,train_freq=1,gradient_steps=1,"
     "target_update=1,tau=1,double=false,eps_schedule=constant,eps_start=0.1,replacement=true",
     "TF-Agents DQN tutorial: 100 random steps, then 1 collect step + 1 batch of 64 per iteration, "
     "gamma 1"},
};

static const rlcPreset pr_double[] = {
    {NULL, "CartPole-v1", CP_BASE CP_EPS, "rlc's CartPole-v1 default for Double DQN"},
};

static const rlcPreset pr_dueling[] = {
    {NULL, "CartPole-v1", CP_BASE CP_EPS ",double=true", "rlc's CartPole-v1 default for dueling DQN"},
};

static const rlcPreset pr_nstep[] = {
    {NULL, "CartPole-v1", CP_BASE CP_EPS, "rlc's CartPole-v1 default for n-step DQN"},
    {"rainbow-nstep", "CartPole-v1",
     "env=CartPole-v1,max_episode_steps=200,reset_seed=777,steps=10000,hidden=128-128,activation=relu,init=torch,"
     "optimizer=adam,lr=1e-3,optim_eps=1e-8,loss=huber,huber_delta=1,gamma=0.99,batch_size=32,"
     "buffer_size=2000,n_step=3,n_step_combined=true,replacement=false,truncation_terminal=true,"
     "learning_starts=0,random_steps=0,train_freq=1,gradient_steps=1,target_update=100,tau=1,"
     "double=false,dueling=false,per=false,noisy=false,c51=false,eps_schedule=decrement,"
     "eps_start=1,eps_end=0.1,eps_decay=2000",
     "rainbow-is-all-you-need 07: 1-step + 3-step loss, 10,000 frames, eps -0.00045 per update, every episode reset with seed 777"},
};

static const rlcPreset pr_per[] = {
    {NULL, "CartPole-v1", CP_BASE CP_EPS, "rlc's CartPole-v1 default for prioritized-replay DQN"},
};

static const rlcPreset pr_noisy[] = {
    {NULL, "CartPole-v1", CP_BASE, "rlc's CartPole-v1 default for NoisyNet DQN"},
};

static const rlcPreset pr_c51[] = {
    {NULL, "CartPole-v1", CP_BASE CP_EPS ",v_min=0,v_max=100", "rlc's CartPole-v1 default for C51"},
};

static const rlcPreset pr_rainbow[] = {
    {NULL, "CartPole-v1", CP_BASE ",v_min=0,v_max=100", "rlc's CartPole-v1 default for Rainbow"},
};

// Each class's create names the class in the agent's head.
#define DQN_CLASS(sym, nm, doc_, params, presets)                                                 \
  const rlcAgentClass sym;                                                                        \
  static rlcStatus create_##sym(const rlcAgentDef *def, rlcAgent **out) {                         \
    rlcStatus s = dqn_create(def, out);                                                           \
    if (!s) (*out)->cls = &sym;                                                                   \
    return s;                                                                                     \
  }                                                                                               \
  const rlcAgentClass sym = {nm,          doc_,           params,      NP(params),  presets,      \
                             NP(presets), create_##sym,   dqn_destroy, dqn_act,     dqn_observe,  \
                             dqn_update,  dqn_info,       dqn_save,    dqn_load,    dqn_finish,   \
                             NULL};

DQN_CLASS(rlc_agent_dqn, "dqn", "Deep Q-Network (replay, target network, epsilon-greedy)", p_dqn, pr_dqn)
DQN_CLASS(rlc_agent_double_dqn, "double-dqn", "Double DQN (the online net picks, the target values)", p_double, pr_double)
DQN_CLASS(rlc_agent_dueling_dqn, "dueling-dqn", "Dueling DQN (value and advantage streams)", p_dueling, pr_dueling)
DQN_CLASS(rlc_agent_n_step_dqn, "n-step-dqn", "n-step DQN (1-step + n-step loss, the rainbow notebook)", p_nstep, pr_nstep)
DQN_CLASS(rlc_agent_per_dqn, "per-dqn", "DQN with proportional prioritized replay", p_per, pr_per)
DQN_CLASS(rlc_agent_noisy_dqn, "noisy-dqn", "NoisyNet DQN (learned exploration noise, no epsilon)", p_noisy, pr_noisy)
DQN_CLASS(rlc_agent_c51, "c51", "C51 distributional DQN", p_c51, pr_c51)
DQN_CLASS(rlc_agent_rainbow, "rainbow", "Rainbow: double, dueling, n-step, PER, noisy, C51", p_rainbow, pr_rainbow)
