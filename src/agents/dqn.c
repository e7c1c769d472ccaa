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


#include "agents/dqn.h"
#include "rlc/agent.h"
#include "rlc/data.h"
#include "rlc/nn.h"
#include "rlc/replay.h"

enum { LOSS_MSE, LOSS_HUBER };
enum { EPS_CONSTANT, EPS_LINEAR, EPS_POLYNOMIAL, EPS_EXPONENTIAL, EPS_DECREMENT };  // epsilon_schedule
enum { UNIT_STEP, UNIT_EPISODE, UNIT_UPDATE };                                    // schedule_unit
enum { TRAIN_STEP, TRAIN_EPISODE };                                               // train_mode
enum { PROJ_EXACT, PROJ_NOTEBOOK };                                               // c51_projection

// Every setting of the family (one table below fills it; the eight classes
// differ only in their defaults).
typedef struct DqnSettings {
  char hidden[RLC_SETTING_STR_MAX];
  int activation, init, out_init, optimizer, loss, train_mode, dueling_type, c51_projection;
  int epsilon_schedule, schedule_unit;
  int batch_size, buffer_size, train_freq, gradient_steps, train_start_episode, target_update, n_step, atoms;
  int64_t lr_decay_steps, learning_starts, random_steps, per_beta_steps, epsilon_delay;
  double out_init_range, out_bias_init, lr, lr_end, optim_eps, rmsprop_rho, momentum, huber_delta;
  double gamma, tau, per_alpha, per_beta0, per_eps, sigma0, v_min, v_max;
  double epsilon, epsilon_end, epsilon_steps, epsilon_power, max_grad_norm;
  bool centered, double_q, dueling, n_step_combined, per, noisy, c51, replacement, truncation_terminal, keep_best;
} DqnSettings;

typedef struct Dqn {
  rlcAgent base;
  DqnSettings set;
  // Shape.
  int D, A, Z, out_size, action_start;
  // Schedules: exploration (in schedule_unit), learning rate (in updates),
  // PER's beta (in env steps).
  rlcSchedule eps, lr, beta;
  // Parts.
  rlcNet *net, *target;        // target NULL: targets come from the online net
  rlcRng net_pre, target_pre;  // noise streams before the last resample (checkpoints)
  rlcOptim *opt;
  rlcReplay *replay;
  rlcRng rng;                  // exploration
  float *best;                 // keep_best: the longest episode's parameters
  // Counters and state.
  int64_t steps, episodes, updates, next_train, next_episode;
  int best_len;
  bool have_best;
  double loss_sum;             // over all updates
  int64_t loss_n;
  // Scratch, sized at creation.
  float *support;              // (Z)
  float *rew, *disc, *y;       // (2B) per next-observation row
  int32_t *arg;                // (2B)
  float *pn;                   // (2B, A, Z) next-state distributions
  float *m;                    // (2B, Z) projected targets
  float *dq, *d1, *qsa, *td;   // (B): dL/dQ(s,a), one part's share, Q(s,a), priority errors
  float *dout;                 // (B, out_size)
  float *zc, *logpc, *dlogp, *dpart, *dzc;  // (B, Z) C51: the taken action's logits, log-probs, gradients
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
  float *tq, *xrows;           // (2B, A) target Q rows, (2B, D) compacted inputs
  int32_t *rows;               // (2B)
  // uint8 observations as network input (NULL for float32 ones, which the
  // nets read in place).
  float *xin, *xobs, *xnext;   // (max_batch, D), (B, D), (2B, D)
  rlcArena mem;                // every scratch buffer above, in one allocation
} Dqn;

//------------------------------------------------------------------------------
// C51
//------------------------------------------------------------------------------

void dqn_c51_project(float *m, const float *p, int Z, double v_min, double v_max,
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
  int u = a->set.schedule_unit;
  double t = u == UNIT_STEP ? (double)a->steps : u == UNIT_EPISODE ? (double)a->episodes : (double)a->updates;
  t -= (double)a->set.epsilon_delay;
  if (t < 0) t = 0;
  return rlc_schedule_value(&a->eps, t);
}

static double lr_now(const Dqn *a) { return rlc_schedule_value(&a->lr, (double)a->updates); }
static double beta_now(const Dqn *a) { return rlc_schedule_value(&a->beta, (double)a->steps); }

//------------------------------------------------------------------------------
// Acting
//------------------------------------------------------------------------------

static int greedy_row(const Dqn *a, const float *out, float *qbuf) {
  if (!a->set.c51) return rlc_argmax_f32(out, a->A, NULL);
  c51_q(a, out, qbuf);
  return rlc_argmax_f32(qbuf, a->A, NULL);
}

static void dqn_act(rlcAgent *ag, const void *obs, int n, bool explore, void *actions) {
  Dqn *a = (Dqn *)ag;
  const char *x = obs;
  size_t ob = rlc_space_bytes(&a->base.spec->observation_space);
  int32_t *act = actions;
  int mb = a->net->max_batch;
  bool all_random = explore && a->steps < a->set.random_steps;
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
    const float *in = rlc_obs_input(a->xin, x + (size_t)lo * ob, &a->base.spec->observation_space, cn);
    const float *out = rlc_net_forward(a->net, in, cn);
    for (int i = 0; i < cn; i++)
      if (!a->explore_mask[i])
        act[lo + i] = greedy_row(a, out + (size_t)i * a->out_size, q) + a->action_start;
  }
}

//------------------------------------------------------------------------------
// Learning
//------------------------------------------------------------------------------

static void resample_noise(Dqn *a) {
  if (!a->set.noisy) return;
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
  if (a->set.tau >= 1.0) rlc_params_copy(a->target->params, a->net->params, a->net->n_params);
  else rlc_params_polyak(a->target->params, a->net->params, a->net->n_params, a->set.tau);
}

static double point_loss(const Dqn *a, float *d, float *per, const float *pred, const float *y,
                         const float *w, int B) {
  if (a->set.loss == LOSS_MSE) return rlc_loss_mse(d, per, pred, y, w, B, 1);
  return rlc_loss_huber(d, per, pred, y, w, B, 1, a->set.huber_delta);
}

static rlcStatus learn(Dqn *a, const rlcReplayBatch *bt, int M);
static rlcStatus train_cached(Dqn *a, const rlcReplayBatch *bt, const float *nx, int M, bool use1,
                              bool dbl);

// One gradient step on one sampled batch.
static rlcStatus train_step(Dqn *a) {
  const rlcReplayBatch *bt;
  rlcStatus s = rlc_replay_sample(a->replay, a->set.batch_size, a->set.per ? beta_now(a) : 0.0, &bt);
  if (s) return s;
  const int B = a->set.batch_size, A = a->A, Z = a->Z;
  // Rows of next observations to value: the 1-step rows, the n-step rows, or
  // both (adjacent in the batch, so one forward pass each).
  bool use1 = a->set.n_step == 1 || a->set.n_step_combined, usen = a->set.n_step > 1;
  int M = use1 && usen ? 2 * B : B;
  const float *nx = rlc_obs_input(a->xnext, use1 ? bt->next_obs : bt->n_next_obs, &a->base.spec->observation_space, M);
  for (int b = 0; b < B; b++) {
    int r = 0;
    if (use1) a->rew[r * B + b] = bt->reward[b], a->disc[r * B + b] = bt->discount[b], r++;
    if (usen) a->rew[r * B + b] = bt->n_reward[b], a->disc[r * B + b] = bt->n_discount[b];
  }
  rlcNet *tn = a->target ? a->target : a->net;
  bool dbl = a->set.double_q && a->target;
  if (a->ckey) return train_cached(a, bt, nx, M, use1, dbl);
  const float *tout = rlc_net_forward(tn, nx, M);
  if (!tout) return RLC_ERR_ARG;
  if (!a->set.c51) {
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
      dqn_c51_project(a->m + (size_t)r * Z, a->pn + ((size_t)r * A + a->arg[r]) * Z, Z,
                          a->set.v_min, a->set.v_max, a->rew[r], a->disc[r], a->set.c51_projection == PROJ_EXACT);
  }

  return learn(a, bt, M);
}

// Targets from the cache: only rows whose observation has no value from the
// current target network (and that bootstrap at all) go through it,
// compacted into one pass.
static rlcStatus train_cached(Dqn *a, const rlcReplayBatch *bt, const float *nx, int M, bool use1,
                              bool dbl) {
  const int B = a->set.batch_size, A = a->A, D = a->D;
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
    const float *out = rlc_net_forward(a->target, a->xrows, cnt);
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
    const float *oq = cnt ? rlc_net_forward(a->net, a->xrows, cnt) : NULL;
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
  const int B = a->set.batch_size, A = a->A, Z = a->Z;
  rlc_net_zero_grad(a->net);
  const float *out = rlc_net_forward(a->net, rlc_obs_input(a->xobs, bt->obs, &a->base.spec->observation_space, B), B);
  const float *w = a->set.per ? bt->weight : NULL;
  memset(a->dout, 0, sizeof(float) * (size_t)B * a->out_size);
  double loss = 0;
  if (!a->set.c51) {
    // The TD loss at Q(s, a), summed over the parts (1-step, n-step).
    rlc_gather_forward(a->qsa, out, bt->action, B, A);
    for (int b = 0; b < B; b++) a->dq[b] = 0, a->td[b] = 0;
    for (int r0 = 0; r0 < M; r0 += B) {
      loss += point_loss(a, a->d1, NULL, a->qsa, a->y + r0, w, B);
      for (int b = 0; b < B; b++) {
        a->dq[b] += a->d1[b];
        a->td[b] += fabsf(a->y[r0 + b] - a->qsa[b]);
      }
    }
    rlc_gather_backward(a->dout, a->dq, bt->action, B, A);
  } else {
    // Cross-entropy of the taken action's distribution against each part's
    // projected targets, through its log-softmax.
    size_t BZ = (size_t)B * Z;
    for (int b = 0; b < B; b++)
      memcpy(a->zc + (size_t)b * Z, out + ((size_t)b * A + bt->action[b]) * Z, sizeof(float) * Z);
    rlc_log_softmax_forward(a->logpc, a->zc, B, Z);
    memset(a->dlogp, 0, sizeof(float) * BZ);
    for (int b = 0; b < B; b++) a->td[b] = 0;
    for (int r0 = 0; r0 < M; r0 += B) {
      loss += rlc_loss_cross_entropy(a->dpart, a->d1, a->logpc, a->m + (size_t)r0 * Z, w, B, Z);
      for (size_t i = 0; i < BZ; i++) a->dlogp[i] += a->dpart[i];
      for (int b = 0; b < B; b++) a->td[b] += a->d1[b];
    }
    memset(a->dzc, 0, sizeof(float) * BZ);
    rlc_log_softmax_backward(a->dzc, a->dlogp, a->logpc, B, Z);
    for (int b = 0; b < B; b++)
      memcpy(a->dout + ((size_t)b * A + bt->action[b]) * Z, a->dzc + (size_t)b * Z, sizeof(float) * Z);
  }
  rlc_net_backward(a->net, a->dout, NULL);
  if (a->set.max_grad_norm > 0) rlc_clip_grad_norm(a->net->grads, a->net->n_params, a->set.max_grad_norm);
  rlc_optim_step(a->opt, a->net->params, a->net->grads, lr_now(a));
  if (a->set.per) rlc_replay_update_priorities(a->replay, bt->index, a->td, B);

  a->updates++;
  if (isfinite(loss)) a->loss_sum += loss, a->loss_n++;
  else a->loss_sum = NAN, a->loss_n++;  // a diverged run shows NAN rather than hiding it
  if (a->set.train_mode == TRAIN_STEP && a->target && a->updates % a->set.target_update == 0) sync_target(a);
  resample_noise(a);
  rlc_schedule_advance(&a->eps);  // the notebook's max(min_eps, eps - (max_eps - min_eps) / decay)
  return RLC_OK;
}

static bool can_train(const Dqn *a) {
  return a->replay->size >= a->set.batch_size && a->replay->size >= 1;
}

static rlcStatus dqn_update(rlcAgent *ag) {
  Dqn *a = (Dqn *)ag;
  rlcStatus s = RLC_OK;
  // Dead ReLU units get exactly zero gradients, and Adam's moments of their
  // weights decay into the subnormals, where every operation takes a
  // microcode assist: training runs with them flushed (deterministic either way).
  rlcFpMode fp = rlc_fp_fast_begin();
  if (a->set.train_mode == TRAIN_EPISODE) {
    // The book: after each episode from train_start_episode on, then the
    // target sync when the episode's index is a multiple of target_update.
    while (a->next_episode < a->episodes && !s) {
      int64_t e = a->next_episode++;
      if (e < a->set.train_start_episode || !can_train(a)) continue;
      for (int g = 0; g < a->set.gradient_steps && !s; g++) s = train_step(a);
      if (a->target && e % a->set.target_update == 0) sync_target(a);
    }
  } else {
    while (a->steps >= a->next_train && !s) {
      a->next_train += a->set.train_freq;
      if (a->steps <= a->set.learning_starts || !can_train(a)) continue;
      for (int g = 0; g < a->set.gradient_steps && !s; g++) s = train_step(a);
    }
  }
  rlc_fp_fast_end(fp);
  return s;
}

static rlcStatus dqn_observe(rlcAgent *ag, const rlcStepBatch *b) {
  Dqn *a = (Dqn *)ag;
  if (b->n < 1 || b->n > a->base.num_envs)
    return rlc_error(RLC_ERR_ARG, "dqn: observe got %d transitions for %d envs", b->n, a->base.num_envs);
  const char *obs = b->obs, *next = b->next_obs;
  size_t ob = rlc_space_bytes(&a->base.spec->observation_space);
  const int32_t *act = b->actions;
  for (int i = 0; i < b->n; i++) {
    int32_t ai = act[i] - a->action_start;
    if (ai < 0 || ai >= a->A)
      return rlc_error(RLC_ERR_ARG, "dqn: action %d outside the action space", (int)act[i]);
    rlcStatus s = rlc_replay_add(a->replay, i, obs + i * ob, &ai, b->reward[i], next + i * ob, b->terminated[i],
                                 b->truncated[i]);
    if (s) return s;
    if (b->terminated[i] || b->truncated[i]) {
      // The book keeps the weights of the longest episode (ties: the later).
      if (a->set.keep_best && b->episode_length && b->episode_length[i] >= a->best_len) {
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

static void dqn_info(const rlcAgent *ag, rlcAgentInfo *out) {
  const Dqn *a = (const Dqn *)ag;
  memset(out, 0, sizeof *out);
  out->loss_sum = a->loss_sum;
  out->loss_count = a->loss_n;
  bool no_eps = a->set.noisy && a->eps.type == RLC_SCHED_CONSTANT && a->eps.v0 == 0;
  out->epsilon = no_eps ? NAN : eps_now(a);
  out->temperature = NAN;
  out->lr = lr_now(a);
  out->updates = a->updates;
  if (a->set.per) {
    out->n_extra = 1;
    out->extra_name[0] = "per_beta";
    out->extra[0] = beta_now(a);
    out->extra_ref[0] = NAN;
  }
}

static void dqn_finish(rlcAgent *ag) {
  Dqn *a = (Dqn *)ag;
  if (a->set.keep_best && a->have_best) memcpy(a->net->params, a->best, sizeof(float) * a->net->n_params);
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
  double d[2] = {a->eps.value, a->loss_sum};
  rlc_buf_put(b, d, sizeof d);
  int32_t best[2] = {a->best_len, a->have_best};
  rlc_buf_put(b, best, sizeof best);
  if (a->set.keep_best) rlc_buf_put(b, a->best, sizeof(float) * a->net->n_params);
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
  if (!s) s = rlc_rng_state_get(pre, b);
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
  s = get_net(a->net, &a->net_pre, a->set.noisy, b);
  if (!s && a->target) s = get_net(a->target, &a->target_pre, a->set.noisy, b);
  if (!s) s = rlc_optim_state_get(a->opt, b);
  if (!s) s = rlc_replay_state_get(a->replay, b);
  if (!s) s = rlc_rng_state_get(&a->rng, b);
  int64_t c[6];
  double d[2];
  int32_t best[2];
  if (!s) s = rlc_buf_get(b, c, sizeof c);
  if (!s) s = rlc_buf_get(b, d, sizeof d);
  if (!s) s = rlc_buf_get(b, best, sizeof best);
  if (!s && a->set.keep_best) s = rlc_buf_get(b, a->best, sizeof(float) * a->net->n_params);
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
  if (!s) s = rlc_replay_check_actions(a->replay, a->A);
  if (s) return s;
  // The loops in observe run from these counters up to steps and episodes:
  // out of their range they would spin for ages.
  const int64_t lim = (int64_t)1 << 62;  // room to count on without overflow
  if (c[0] < 0 || c[0] > lim || c[1] < 0 || c[1] > lim || c[2] < 0 || c[2] > lim || c[3] < 0 ||
      c[3] > c[0] + a->set.train_freq || c[4] < 0 || c[4] > c[1] || c[5] < 0 || c[5] > lim || !isfinite(d[0]) ||
      best[0] < 0)
    return rlc_error(RLC_ERR_FORMAT, "dqn: corrupted checkpoint (counters out of range)");
  a->steps = c[0], a->episodes = c[1], a->updates = c[2], a->next_train = c[3];
  a->next_episode = c[4], a->loss_n = c[5];
  a->eps.value = d[0], a->loss_sum = d[1];
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
  rlc_arena_free(&a->mem);
  rlc_free(a);
}

// Checks across settings, and the schedules they make.
static rlcStatus read_settings(Dqn *a, const DqnSettings *set, int64_t run_steps) {
  a->set = *set;
  if (!set->c51) a->set.atoms = 1;
  a->Z = a->set.atoms;
  a->out_size = a->A * a->Z;
  if (set->c51 && !(set->v_min < set->v_max))
    return rlc_error(RLC_ERR_ARG, "v_min=%g, v_max=%g: v_min must be below v_max", set->v_min, set->v_max);
  if (set->batch_size > set->buffer_size)
    return rlc_error(RLC_ERR_ARG, "batch_size=%d is larger than buffer_size=%d", set->batch_size, set->buffer_size);
  if (set->epsilon_schedule == EPS_DECREMENT && !(set->epsilon_steps > 0))
    return rlc_error(RLC_ERR_ARG, "epsilon_steps (eps_decay)=%g: the decrement schedule needs it > 0", set->epsilon_steps);
  if (set->lr_decay_steps > 0 && !(set->lr_end > 0))
    return rlc_error(RLC_ERR_ARG, "lr_end=%g: a decaying learning rate needs lr_end > 0", set->lr_end);
  if ((size_t)a->A * a->Z > (1u << 20)) return rlc_error(RLC_ERR_ARG, "atoms=%d: too many outputs", a->Z);
  static const rlcScheduleType eps_types[] = {RLC_SCHED_CONSTANT, RLC_SCHED_LINEAR, RLC_SCHED_POLYNOMIAL,
                                              RLC_SCHED_APPROACH, RLC_SCHED_DECREMENT};
  a->eps = rlc_schedule(eps_types[set->epsilon_schedule], set->epsilon, set->epsilon_end, set->epsilon_steps);
  a->eps.power = set->epsilon_power;
  a->lr = rlc_schedule(set->lr_decay_steps > 0 ? RLC_SCHED_LINEAR : RLC_SCHED_CONSTANT, set->lr, set->lr_end,
                       (double)set->lr_decay_steps);
  // β reaches 1 at the end of the run when its length is known.
  int64_t beta_steps = set->per_beta_steps ? set->per_beta_steps : run_steps > 0 ? run_steps : 100000;
  a->beta = rlc_schedule(RLC_SCHED_LINEAR, set->per_beta0, 1.0, (double)beta_steps);
  return RLC_OK;
}

// The Q-network: the torso of `hidden` (a spec: "64-64", "c16k3-128"; dense
// layers noisy after the first when noisy, as the notebook's NoisyNet), then
// the head (dense, noisy or dueling; atoms per action for C51).
static rlcStatus build_net(Dqn *a, uint64_t seed) {
  const DqnSettings *set = &a->set;
  static const rlcLayerType acts[] = {RLC_LAYER_RELU, RLC_LAYER_ELU, RLC_LAYER_TANH, RLC_LAYER_SIGMOID};
  rlcNetDef nd = rlc_net_default_def();
  rlcStatus s = rlc_net_def_input(&nd, &a->base.spec->observation_space);
  if (!s) s = rlc_net_def_torso(&nd, set->hidden, acts[set->activation]);
  if (s) return rlc_error(s, "hidden=%s: %s", set->hidden, rlc_last_error());
  rlcInit wi = {0}, bi = {.type = RLC_INIT_ZEROS};
  if (set->init == 1) wi.type = RLC_INIT_GLOROT_UNIFORM;  // Keras
  if (set->init == 2)  // TF-Agents
    wi = (rlcInit){.type = RLC_INIT_VARIANCE_SCALING, .scale = 2.0, .mode = RLC_FAN_IN, .dist = RLC_DIST_TRUNCATED_NORMAL};
  int mb = 2 * set->batch_size;
  if (mb < 64) mb = 64;
  if (a->base.num_envs > mb && a->base.num_envs <= 1024) mb = a->base.num_envs;
  nd.max_batch = mb;
  nd.seed = seed;
  for (int i = 0, k = 0; i < nd.n_layers; i++) {
    rlcLayerDef *l = &nd.layers[i];
    if (l->type != RLC_LAYER_DENSE) continue;
    if (set->noisy && k++ > 0) l->type = RLC_LAYER_NOISY_DENSE;  // all but the first
    l->sigma0 = set->sigma0;
    l->has_init = set->init != 0, l->weight_init = wi, l->bias_init = bi;
  }
  rlcQHeadDef hd = {a->A, a->Z, set->dueling, set->dueling_type == 1, set->noisy, set->sigma0};
  rlcLayerDef *h = rlc_net_def_q_head(&nd, &hd);
  if (!h) return rlc_error(RLC_ERR_ARG, "hidden=%s: too many layers for the head", set->hidden);
  h->has_init = set->init != 0, h->weight_init = wi, h->bias_init = bi;
  if (set->out_init == 1) {
    h->has_init = true;
    h->weight_init = (rlcInit){.type = RLC_INIT_UNIFORM, .a = -set->out_init_range, .b = set->out_init_range};
    h->bias_init = (rlcInit){.type = RLC_INIT_CONSTANT, .a = set->out_bias_init};
  }
  s = rlc_net_create(&nd, &a->net);
  if (s) return s;
  rlc_rng_seed_child(&a->net_pre, seed, 1);  // the stream of the creation-time noise
  if (set->target_update > 0) {
    nd.seed = seed + 1;  // its own noise; the parameters are copied
    s = rlc_net_create(&nd, &a->target);
    if (s) return s;
    rlc_rng_seed_child(&a->target_pre, nd.seed, 1);
    rlc_params_copy(a->target->params, a->net->params, a->net->n_params);
  }
  rlcOptimType ot[] = {RLC_OPTIM_ADAM, RLC_OPTIM_SGD, RLC_OPTIM_RMSPROP, RLC_OPTIM_NADAM, RLC_OPTIM_RMSPROP};
  rlcOptimDef od = rlc_optim_default_def(ot[set->optimizer]);
  od.lr = set->lr;
  if (set->optim_eps > 0) od.eps = set->optim_eps;
  od.rho = set->rmsprop_rho;
  od.momentum = set->momentum;
  od.centered = set->centered;
  od.eps_outside = set->optimizer == 4;  // rmsprop_torch
  return rlc_optim_create(&od, a->net->n_params, &a->opt);
}

static rlcStatus build_replay(Dqn *a, uint64_t seed) {
  const DqnSettings *set = &a->set;
  rlcReplayDef rd = rlc_replay_default_def();
  rd.capacity = set->buffer_size;
  rd.obs_size = a->D;
  rd.obs_dtype = a->base.spec->observation_space.dtype;
  rd.num_streams = a->base.num_envs;
  rd.n_step = set->n_step;
  rd.gamma = set->gamma;
  rd.truncation_terminal = set->truncation_terminal;
  rd.replacement = set->replacement;
  rd.prioritized = set->per;
  rd.alpha = set->per_alpha;
  rd.priority_eps = set->per_eps;
  rd.max_batch = set->batch_size;
  rd.seed = seed;
  // Images: each frame stored once (a stacked stream costs about one frame
  // a transition instead of two stacks).
  if (rd.obs_dtype == RLC_U8) rlc_spec_frame_layout(a->base.spec, &rd.frame_stack, &rd.frame_channels);
  return rlc_replay_create(&rd, &a->replay);
}

// Scratch for a training step, carved once from one arena (a count of 0
// leaves a buffer NULL).
static rlcStatus alloc_scratch(Dqn *a) {
  size_t B = (size_t)a->set.batch_size, M = 2 * B, Z = (size_t)a->Z, AZ = (size_t)a->out_size, D = (size_t)a->D;
  if (a->A > 64 && M < (size_t)a->A) M = (size_t)a->A;  // y doubles as Q scratch for wide actions
  bool c51 = a->set.c51, u8 = a->base.spec->observation_space.dtype != RLC_F32;
  // Live ids span about the capacity plus the n-step windows: with this many
  // entries they never share one (and if they did, an entry is only used for
  // its own id). Scalar, non-noisy agents with a target network only.
  a->ctab = !c51 && !a->set.noisy && a->target
                ? (int64_t)a->set.buffer_size + (int64_t)(a->set.n_step + 1) * a->base.num_envs + 1
                : 0;
  size_t C = (size_t)a->ctab, XB = (size_t)a->net->max_batch;
  rlcArenaItem items[] = {
      RLC_ARENA_ITEM(a->support, Z),          RLC_ARENA_ITEM(a->rew, M),
      RLC_ARENA_ITEM(a->disc, M),             RLC_ARENA_ITEM(a->y, M),
      RLC_ARENA_ITEM(a->arg, M),              RLC_ARENA_ITEM(a->dq, B),
      RLC_ARENA_ITEM(a->d1, B),               RLC_ARENA_ITEM(a->qsa, B),
      RLC_ARENA_ITEM(a->td, B),               RLC_ARENA_ITEM(a->dout, B * AZ),
      RLC_ARENA_ITEM(a->explore_mask, XB),    RLC_ARENA_ITEM(a->pn, c51 ? M * AZ : 0),
      RLC_ARENA_ITEM(a->m, c51 ? M * Z : 0),  RLC_ARENA_ITEM(a->zc, c51 ? B * Z : 0),
      RLC_ARENA_ITEM(a->logpc, c51 ? B * Z : 0), RLC_ARENA_ITEM(a->dlogp, c51 ? B * Z : 0),
      RLC_ARENA_ITEM(a->dpart, c51 ? B * Z : 0), RLC_ARENA_ITEM(a->dzc, c51 ? B * Z : 0),
      RLC_ARENA_ITEM(a->best, a->set.keep_best ? a->net->n_params : 0),
      RLC_ARENA_ITEM(a->ckey, C),             RLC_ARENA_ITEM(a->cgen, C),
      RLC_ARENA_ITEM(a->cq, C * a->A),        RLC_ARENA_ITEM(a->tq, C ? M * a->A : 0),
      RLC_ARENA_ITEM(a->xrows, C ? M * D : 0), RLC_ARENA_ITEM(a->rows, C ? M : 0),
      RLC_ARENA_ITEM(a->xin, u8 ? XB * D : 0), RLC_ARENA_ITEM(a->xobs, u8 ? B * D : 0),
      RLC_ARENA_ITEM(a->xnext, u8 ? M * D : 0),
  };
  rlcStatus s = rlc_arena_init(&a->mem, items, (int)(sizeof items / sizeof items[0]));
  if (s) return s;
  for (size_t e = 0; e < C; e++) a->ckey[e] = -1;
  for (int j = 0; j < a->Z; j++)
    a->support[j] = a->Z > 1 ? (float)(a->set.v_min + j * (a->set.v_max - a->set.v_min) / (a->Z - 1)) : 0.0f;
  return RLC_OK;
}

static rlcStatus dqn_create(const rlcAgentDef *def, rlcAgent **out) {
  *out = NULL;
  const rlcEnvSpec *spec = def->spec;
  const char *algo = "the DQN family";
  char sbuf[96];
  if (spec->observation_space.type != RLC_SPACE_BOX)
    return rlc_error(RLC_ERR_UNSUPPORTED, "%s needs Box observations (float32 or uint8); %s has %s", algo,
                     spec->id, rlc_space_str(&spec->observation_space, sbuf, sizeof sbuf));
  if (spec->action_space.type != RLC_SPACE_DISCRETE)
    return rlc_error(RLC_ERR_UNSUPPORTED, "%s needs a Discrete action space; %s has %s", algo,
                     spec->id, rlc_space_str(&spec->action_space, sbuf, sizeof sbuf));
  Dqn *a = rlc_calloc(1, sizeof *a);
  if (!a) return RLC_ERR_NOMEM;
  a->base.spec = spec;
  a->base.num_envs = def->num_envs > 0 ? def->num_envs : 1;
  a->D = spec->observation_space.size;
  a->A = spec->action_space.n;
  a->action_start = spec->action_space.start;
  // Streams: the agent's seed splits into the network, exploration and
  // replay streams.
  rlcRng root, rs;
  rlc_rng_seed_child(&root, def->seed, 0);
  rlc_rng_seed_child(&a->rng, def->seed, 1);
  rlc_rng_seed_child(&rs, def->seed, 2);
  rlcStatus s = read_settings(a, def->settings, def->steps);
  if (!s) s = build_net(a, rlc_rng_next64(&root));
  if (!s) s = build_replay(a, rlc_rng_next64(&rs));
  if (!s) s = alloc_scratch(a);
  if (s) {
    dqn_destroy(&a->base);
    return s;
  }
  a->next_train = a->set.train_freq;
  *out = &a->base;
  return RLC_OK;
}

//------------------------------------------------------------------------------
// Classes: one settings table, each class's defaults, presets
//------------------------------------------------------------------------------

#define S DqnSettings
static const rlcSetting settings[] = {
    RLC_SET_ALIAS("eps_start", "epsilon"),
    RLC_SET_ALIAS("eps_end", "epsilon_end"),
    RLC_SET_ALIAS("eps_schedule", "epsilon_schedule"),
    RLC_SET_ALIAS("eps_decay", "epsilon_steps"),
    RLC_SET_ALIAS("eps_power", "epsilon_power"),
    RLC_SET_ALIAS("eps_unit", "schedule_unit"),
    RLC_SET_STR(S, hidden, "hidden", "64-64", "hidden layer sizes, like 64-64 ('none': linear)"),
    RLC_SET_CHOICE(S, activation, "activation", "relu", "relu|elu|tanh|sigmoid", "hidden activation"),
    RLC_SET_CHOICE(S, init, "init", "torch", "torch|glorot|he_trunc",
                   "PyTorch's default, Keras' Glorot uniform with zero bias, or TF-Agents' variance scaling 2.0 "
                   "(fan_in, truncated normal)"),
    RLC_SET_CHOICE(S, out_init, "out_init", "default", "default|uniform",
                   "uniform: output weights U(+-out_init_range), bias out_bias_init"),
    RLC_SET_DOUBLE(S, out_init_range, "out_init_range", "0.03", 0, 1e3, "range of out_init=uniform"),
    RLC_SET_DOUBLE(S, out_bias_init, "out_bias_init", "0", -1e6, 1e6, "output bias of out_init=uniform"),
    RLC_SET_CHOICE(S, optimizer, "optimizer", "adam", "adam|sgd|rmsprop|nadam|rmsprop_torch",
                   "optimizer (rmsprop: Keras, eps inside the sqrt; rmsprop_torch: PyTorch, eps outside)"),
    RLC_SET_DOUBLE(S, lr, "lr", "1e-3", 1e-12, 10, "learning rate"),
    RLC_SET_DOUBLE(S, lr_end, "lr_end", "0", 0, 10, "final learning rate of a linear decay"),
    RLC_SET_INT64(S, lr_decay_steps, "lr_decay_steps", "0", 0, INFINITY, "updates of the linear lr decay (0: constant lr)"),
    RLC_SET_DOUBLE(S, optim_eps, "optim_eps", "0", 0, 1, "optimizer epsilon (0: its default; Adam 1e-8, Keras 1e-7)"),
    RLC_SET_DOUBLE(S, rmsprop_rho, "rmsprop_rho", "0.9", 0, 1, "RMSprop decay"),
    RLC_SET_DOUBLE(S, momentum, "momentum", "0", 0, 1, "SGD / RMSprop momentum"),
    RLC_SET_BOOL(S, centered, "centered", "false", "centered RMSprop"),
    RLC_SET_CHOICE(S, loss, "loss", "huber", "mse|huber", "TD loss"),
    RLC_SET_DOUBLE(S, huber_delta, "huber_delta", "1", 1e-9, 1e9, "Huber threshold (1: smooth L1)"),
    RLC_SET_DOUBLE(S, gamma, "gamma", "0.99", 0, 1, "discount"),
    RLC_SET_INT(S, batch_size, "batch_size", "64", 1, 4096, "transitions per gradient step"),
    RLC_SET_INT(S, buffer_size, "buffer_size", "100000", 1, 1 << 27, "replay capacity (FIFO)"),
    RLC_SET_INT64(S, learning_starts, "learning_starts", "1000", 0, INFINITY, "env steps before the first update"),
    RLC_SET_INT64(S, random_steps, "random_steps", "0", 0, INFINITY, "env steps with uniformly random actions first"),
    RLC_SET_INT(S, train_freq, "train_freq", "1", 1, 1 << 30, "env steps (all envs together) between training rounds"),
    RLC_SET_INT(S, gradient_steps, "gradient_steps", "1", 1, 1 << 20, "gradient steps per training round"),
    RLC_SET_CHOICE(S, train_mode, "train_mode", "step", "step|episode",
                   "every train_freq env steps, or after each episode (the book)"),
    RLC_SET_INT(S, train_start_episode, "train_start_episode", "0", 0, 1 << 30,
                "train_mode=episode: first episode (0-based) trained after"),
    RLC_SET_INT(S, target_update, "target_update", "500", 0, 1 << 30,
                "target sync every K updates (train_mode=episode: when episode % K == 0); 0: no target network"),
    RLC_SET_DOUBLE(S, tau, "tau", "1", 1e-9, 1, "target sync: target = tau online + (1 - tau) target (1: copy)"),
    RLC_SET_BOOL(S, double_q, "double", "false", "Double DQN: the online net picks the next action"),
    RLC_SET_BOOL(S, dueling, "dueling", "false", "dueling head: Q = V + A - mean A (or max A)"),
    RLC_SET_CHOICE(S, dueling_type, "dueling_type", "mean", "mean|max", "max: Hands-On ML"),
    RLC_SET_INT(S, n_step, "n_step", "1", 1, 1000, "n-step returns (1: off)"),
    RLC_SET_BOOL(S, n_step_combined, "n_step_combined", "true",
                 "n_step > 1: add the 1-step loss at the same indices (the notebook)"),
    RLC_SET_BOOL(S, per, "per", "false", "proportional prioritized replay"),
    RLC_SET_DOUBLE(S, per_alpha, "per_alpha", "0.6", 0, 10, "priority exponent"),
    RLC_SET_DOUBLE(S, per_beta0, "per_beta0", "0.4", 0, 1, "importance-weight exponent at the start, annealed to 1"),
    RLC_SET_INT64(S, per_beta_steps, "per_beta_steps", "0", 0, INFINITY, "env steps for beta to reach 1 (0: the run's steps)"),
    RLC_SET_DOUBLE(S, per_eps, "per_eps", "1e-6", 1e-12, 1e3, "added to |TD| for priorities"),
    RLC_SET_BOOL(S, noisy, "noisy", "false", "noisy layers (all but the first) instead of epsilon"),
    RLC_SET_DOUBLE(S, sigma0, "sigma0", "0.5", 0, 100, "noisy layers' initial sigma scale"),
    RLC_SET_BOOL(S, c51, "c51", "false", "distributional (C51) values"),
    RLC_SET_INT(S, atoms, "atoms", "51", 2, 1001, "C51 atoms"),
    RLC_SET_DOUBLE(S, v_min, "v_min", "-10", -1e9, 1e9, "C51 support low"),
    RLC_SET_DOUBLE(S, v_max, "v_max", "10", -1e9, 1e9, "C51 support high"),
    RLC_SET_CHOICE(S, c51_projection, "c51_projection", "exact", "exact|notebook",
                   "notebook: loses an atom's mass when it lands on a support point"),
    RLC_SET_CHOICE(S, epsilon_schedule, "epsilon_schedule", "linear", "constant|linear|polynomial|exponential|decrement",
                   "exponential: end + (start - end) e^(-t / epsilon_steps); decrement: -(start - end) / epsilon_steps per update"),
    RLC_SET_CHOICE(S, schedule_unit, "schedule_unit", "step", "step|episode|update", "what the epsilon schedule counts"),
    RLC_SET_DOUBLE(S, epsilon, "epsilon", "1", 0, 1, "initial epsilon"),
    RLC_SET_DOUBLE(S, epsilon_end, "epsilon_end", "0.05", 0, 1, "final epsilon"),
    RLC_SET_DOUBLE(S, epsilon_steps, "epsilon_steps", "10000", 0, 1e15,
                   "schedule length (linear, polynomial, decrement) or time constant (exponential)"),
    RLC_SET_INT64(S, epsilon_delay, "epsilon_delay", "0", 0, INFINITY,
                  "schedule units before the epsilon schedule starts (the MinAtar DQN: its replay start)"),
    RLC_SET_DOUBLE(S, epsilon_power, "epsilon_power", "1", 1e-6, 1e3, "polynomial schedule power"),
    RLC_SET_BOOL(S, replacement, "replacement", "true", "uniform sampling with replacement"),
    RLC_SET_BOOL(S, truncation_terminal, "truncation_terminal", "false",
                 "store time-limit ends as terminal (the rainbow notebook's quirk)"),
    RLC_SET_DOUBLE(S, max_grad_norm, "max_grad_norm", "0", 0, 1e9, "clip the gradient's global norm (0: off)"),
    RLC_SET_BOOL(S, keep_best, "keep_best", "false", "restore the weights of the longest episode at the end (the book)"),
};
#undef S
#define NP(p) ((int)(sizeof p / sizeof p[0]))

// The book's three CartPole DQNs: one update per episode after it ends, no
// target network / a target synced every 50 episodes, the best episode's
// weights restored at the end. Keras defaults: Glorot init, Adam eps 1e-7.
#define HOML_BASE                                                                                 \
  "env=CartPole-v1,max_episode_steps=200,episodes=600,steps=120000,hidden=32-32,activation=elu,"  \
  "init=glorot,optimizer=adam,optim_eps=1e-7,gamma=0.95,batch_size=32,buffer_size=2000,"          \
  "learning_starts=0,train_mode=episode,gradient_steps=1,replacement=true,keep_best=true,"        \
  "epsilon_schedule=linear,schedule_unit=episode,epsilon=1,epsilon_end=0.01,epsilon_steps=495"

// rlc's own CartPole-v1 defaults: a small net, Adam 2e-3, batch 32, one
// update per step, target copied every 200 updates, epsilon down to 0.02 in
// 5,000 steps, an evaluation every 1,000 steps, and the run stops at the
// first one that reaches the threshold (DQN on CartPole often degrades after
// solving it). docs/DQN.md has the measurements.
#define CP_BASE                                                                                   \
  "hidden=64-64,lr=2e-3,batch_size=32,buffer_size=50000,learning_starts=1000,train_freq=1,"      \
  "target_update=200,steps=100000,eval_interval=1000,eval_episodes=10,stop_at_threshold=true"
#define CP_EPS ",epsilon_end=0.02,epsilon_steps=5000"

// The MinAtar paper's DQN (Young & Tian 2019, its examples/dqn.py): conv 16
// 3x3 -> dense 128, PyTorch's centered RMSprop (eps 0.01 outside the sqrt),
// random actions for the 5,000-frame replay start, then epsilon 1 -> 0.1 over
// 100k frames, one update of 32 per frame, target copied every 1000.
#define MINATAR_DQN                                                                               \
  "hidden=c16k3-128,activation=relu,init=torch,optimizer=rmsprop_torch,lr=2.5e-4,"                \
  "rmsprop_rho=0.95,optim_eps=0.01,centered=true,momentum=0,loss=huber,huber_delta=1,gamma=0.99," \
  "batch_size=32,buffer_size=100000,learning_starts=5000,random_steps=5000,train_freq=1,"         \
  "gradient_steps=1,target_update=1000,tau=1,double=false,epsilon_schedule=linear,epsilon=1,"     \
  "epsilon_end=0.1,epsilon_steps=100000,epsilon_delay=5000,steps=5000000,eval_interval=250000,"   \
  "eval_episodes=10,log_interval=10000"
// Hands-On ML ch. 18's TF-Agents DQN for Atari (../shared/SEEDS.md): the
// Nature CNN over 4 stacked 84x84 frames (inputs / 255, TF-Agents' init),
// centered RMSprop (TF 2's, eps outside the sqrt), epsilon 1 -> 0.01 over
// 62,500 training steps, 4 collect steps per training step of 64, target
// every 2000 training steps, 20,000 random steps first. The budget is
// rlc's: 1M env steps. (epsilon_delay=0: ε falls from the first training
// step, as TF-Agents' schedule of train_step; without it MinAtar's default
// preset, applied first, would hold ε at 1 for 5,000 more updates.)
#define HOML_ATARI                                                                                \
  "hidden=c32k8s4-c64k4s2-c64k3-512,activation=relu,init=he_trunc,out_init=uniform,"              \
  "out_init_range=0.03,out_bias_init=-0.2,optimizer=rmsprop_torch,lr=2.5e-4,rmsprop_rho=0.95,"     \
  "momentum=0,optim_eps=1e-5,centered=true,loss=huber,gamma=0.99,batch_size=64,buffer_size=100000," \
  "random_steps=20000,learning_starts=20000,train_freq=4,gradient_steps=1,target_update=2000,"     \
  "epsilon_schedule=linear,schedule_unit=update,epsilon=1,epsilon_end=0.01,epsilon_steps=62500,"   \
  "epsilon_delay=0,steps=1000000,eval_interval=50000,eval_episodes=5,log_interval=5000"

#define MINATAR_DEFAULT(id) {NULL, id, MINATAR_DQN, "the MinAtar paper's DQN (minatar-dqn)"}

#define LANDER_DQN                                                                                  \
  "steps=100000,hidden=256-256,activation=relu,lr=6.3e-4,batch_size=128,buffer_size=50000,"          \
  "learning_starts=0,gamma=0.99,target_update=250,train_freq=4,gradient_steps=4,"                    \
  "epsilon_schedule=linear,epsilon=1,epsilon_end=0.1,epsilon_steps=12000,loss=huber,max_grad_norm=10," \
  "double=false"

static const rlcPreset pr_dqn[] = {
    {NULL, "CartPole-v1", CP_BASE CP_EPS ",double=true",
     "rlc's CartPole-v1 default for DQN: 64-64, Adam 2e-3, Double, Huber, stops at 475"},
    MINATAR_DEFAULT("MinAtar/Asterix-v1"), MINATAR_DEFAULT("MinAtar/Asterix-v0"),
    MINATAR_DEFAULT("MinAtar/Breakout-v1"), MINATAR_DEFAULT("MinAtar/Breakout-v0"),
    MINATAR_DEFAULT("MinAtar/Freeway-v1"), MINATAR_DEFAULT("MinAtar/Freeway-v0"),
    MINATAR_DEFAULT("MinAtar/Seaquest-v1"), MINATAR_DEFAULT("MinAtar/Seaquest-v0"),
    MINATAR_DEFAULT("MinAtar/SpaceInvaders-v1"), MINATAR_DEFAULT("MinAtar/SpaceInvaders-v0"),
    {"minatar-dqn", "MinAtar/Breakout-v0", "env=MinAtar/Breakout-v0," MINATAR_DQN,
     "the MinAtar paper's DQN (Young & Tian 2019): conv 16 3x3 -> 128, centered RMSprop, 5M frames "
     "(any MinAtar game: --env; v0 = all six actions, as the paper)"},
    {"homl-breakout", "MinAtar/Breakout-v1", "env=MinAtar/Breakout-v1," HOML_ATARI ",max_episode_steps=27000,"
     "env_options=\"pixels=true,atari_preprocessing=true,noop_max=0,frame_skip=4,screen_size=84,"
     "frame_stack=4,frame_stack_axis=last\"",
     "Hands-On ML ch. 18's TF-Agents Breakout pipeline on rendered MinAtar frames: pixels -> "
     "AtariPreprocessing (84x84 gray, skip 4) -> FrameStack 4, Nature CNN, RMSprop 2.5e-4 "
     "(MinAtar's Breakout launches the ball itself and has no lives: no autofire)"},
    {"homl-spaceinvaders", "MinAtar/SpaceInvaders-v1", "env=MinAtar/SpaceInvaders-v1," HOML_ATARI ","
     "max_episode_steps=27000,env_options=\"pixels=true,atari_preprocessing=true,noop_max=0,frame_skip=4,"
     "screen_size=84,skip_start=40,frame_stack=4,frame_stack_axis=last\"",
     "Hands-On ML ch. 18 exercise 9: the Breakout pipeline on Space Invaders with 40 skipped "
     "no-op steps after the reset (and each lost life) instead of autofire"},
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
     "target_update=1,tau=1,double=false,epsilon_schedule=constant,epsilon=0.1,replacement=true",
     "TF-Agents DQN tutorial: 100 random steps, then 1 collect step + 1 batch of 64 per iteration, "
     "gamma 1"},
    // SB3's DQN: Huber, gradient norm 10, no Double; gradient_steps -1 is 4
    // here (one env), so the target syncs every 250 updates = 250 steps.
    {"rlzoo-dqn-lander", "LunarLander-v3", "env=LunarLander-v3," LANDER_DQN,
     "rl-zoo's tuned DQN for LunarLander (100k steps, 256-256, target every 250 steps, train every 4)"},
    {NULL, "LunarLander-v3", LANDER_DQN, "rl-zoo's tuned DQN for LunarLander"},
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
     "double=false,dueling=false,per=false,noisy=false,c51=false,epsilon_schedule=decrement,"
     "epsilon=1,epsilon_end=0.1,epsilon_steps=2000",
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
    // Revisiting Rainbow (Obando-Ceron & Castro 2021), its MinAtar
    // configuration; the torso and one update a frame as minatar-dqn.
    {"minatar-rainbow", "MinAtar/Breakout-v0",
     "env=MinAtar/Breakout-v0,hidden=c16k3-128,activation=relu,init=torch,optimizer=adam,lr=1e-4,"
     "optim_eps=3.125e-4,n_step=3,n_step_combined=false,atoms=51,v_min=-100,v_max=100,noisy=true,"
     "dueling=true,double=true,per=true,c51=true,buffer_size=100000,batch_size=32,learning_starts=1000,"
     "train_freq=1,target_update=1000,gamma=0.99,loss=huber,steps=10000000,eval_interval=250000,"
     "eval_episodes=10,log_interval=10000",
     "Revisiting Rainbow's MinAtar Rainbow: Adam 1e-4 (eps 3.125e-4), 3-step, 51 atoms up to 100, "
     "noisy, dueling, double, prioritized; 10M frames"},
};

// Each class's create names the class in the agent's head.
#define DQN_CLASS(sym, nm, doc_, defaults_, presets_)                                             \
  const rlcAgentClass sym;                                                                        \
  static rlcStatus create_##sym(const rlcAgentDef *def, rlcAgent **out) {                         \
    rlcStatus s = dqn_create(def, out);                                                           \
    if (!s) (*out)->cls = &sym;                                                                   \
    return s;                                                                                     \
  }                                                                                               \
  const rlcAgentClass sym = {.name = nm, .doc = doc_, .settings = settings,                       \
                             .n_settings = NP(settings), .settings_size = sizeof(DqnSettings),   \
                             .defaults = defaults_, .presets = presets_, .n_presets = NP(presets_), \
                             .create = create_##sym, .destroy = dqn_destroy, .act = dqn_act,      \
                             .observe = dqn_observe, .update = dqn_update, .info = dqn_info,      \
                             .save = dqn_save, .load = dqn_load, .finish = dqn_finish};

DQN_CLASS(agents_dqn, "dqn", "Deep Q-Network (replay, target network, epsilon-greedy)", NULL, pr_dqn)
DQN_CLASS(agents_double_dqn, "double-dqn", "Double DQN (the online net picks, the target values)", "double=true",
          pr_double)
DQN_CLASS(agents_dueling_dqn, "dueling-dqn", "Dueling DQN (value and advantage streams)", "dueling=true", pr_dueling)
DQN_CLASS(agents_n_step_dqn, "n-step-dqn", "n-step DQN (1-step + n-step loss, the rainbow notebook)", "n_step=3",
          pr_nstep)
DQN_CLASS(agents_per_dqn, "per-dqn", "DQN with proportional prioritized replay", "per=true", pr_per)
DQN_CLASS(agents_noisy_dqn, "noisy-dqn", "NoisyNet DQN (learned exploration noise, no epsilon)",
          "noisy=true,epsilon_schedule=constant,epsilon=0", pr_noisy)
DQN_CLASS(agents_c51, "c51", "C51 distributional DQN", "c51=true", pr_c51)
DQN_CLASS(agents_rainbow, "rainbow", "Rainbow: double, dueling, n-step, PER, noisy, C51",
          "double=true,dueling=true,n_step=3,per=true,noisy=true,c51=true,epsilon_schedule=constant,epsilon=0",
          pr_rainbow)
