// replay.c: replay memories for the DQN family: the sum tree, the FIFO ring of
// 1-step transitions with their n-step forms at the same index, per-stream
// n-step windows, uniform and proportional prioritized sampling, checkpoints.
// Observations and actions are raw rows of obs_bytes / act_bytes, whatever
// their layout: only add (action checks) and the batch's typed views know it.
// Depends on: rlc/replay.h, rlc/data.h, rlc/core.h (allocator, rlcRng, rlcBuf), libm.
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rlc/replay.h"

//------------------------------------------------------------------------------
// Sum tree
//------------------------------------------------------------------------------

rlcStatus rlc_sum_tree_init(rlcSumTree *t, int n) {
  memset(t, 0, sizeof *t);
  if (n < 1 || n > (1 << 29)) return rlc_error(RLC_ERR_ARG, "sum tree: size %d outside [1, 2^29]", n);
  int cap = 1;
  while (cap < n) cap *= 2;
  t->sum = rlc_calloc(2 * (size_t)cap, sizeof(double));
  t->min = rlc_malloc(2 * (size_t)cap * sizeof(double));
  if (!t->sum || !t->min) {
    rlc_sum_tree_free(t);
    return RLC_ERR_NOMEM;
  }
  for (int i = 0; i < 2 * cap; i++) t->min[i] = INFINITY;
  t->n = n;
  t->capacity = cap;
  return RLC_OK;
}

void rlc_sum_tree_free(rlcSumTree *t) {
  rlc_free(t->sum);
  rlc_free(t->min);
  memset(t, 0, sizeof *t);
}

void rlc_sum_tree_set(rlcSumTree *t, int i, double p) {
  int node = t->capacity + i;
  t->sum[node] = p;
  t->min[node] = p;
  // Parents from their children, never by adding a difference: rounding
  // cannot drift, and the tree is a function of its leaves (checkpoints
  // store only the leaves).
  for (node /= 2; node >= 1; node /= 2) {
    double *s = t->sum, *m = t->min;
    s[node] = s[2 * node] + s[2 * node + 1];
    m[node] = m[2 * node] < m[2 * node + 1] ? m[2 * node] : m[2 * node + 1];
  }
}

int rlc_sum_tree_find(const rlcSumTree *t, double mass) {
  if (!(mass > 0)) mass = 0;
  int node = 1;
  while (node < t->capacity) {
    int left = 2 * node;
    // An empty right subtree is never entered, so rounding that puts `mass`
    // at the total still lands on a stored (nonzero) leaf.
    if (mass < t->sum[left] || !(t->sum[left + 1] > 0)) {
      node = left;
    } else {
      mass -= t->sum[left];
      node = left + 1;
    }
  }
  return node - t->capacity;
}

//------------------------------------------------------------------------------
// Creation
//------------------------------------------------------------------------------

rlcReplayDef rlc_replay_default_def(void) {
  rlcReplayDef d;
  memset(&d, 0, sizeof d);
  d.capacity = 100000;
  d.obs_dtype = RLC_F32;
  d.num_streams = 1;
  d.n_step = 1;
  d.gamma = 0.99;
  d.replacement = true;
  d.alpha = 0.6;
  d.priority_eps = 1e-6;
  d.max_batch = 256;
  return d;
}

void rlc_replay_destroy(rlcReplay *r) {
  if (!r) return;
  void *bufs[] = {r->next_id,  r->n_next_id, r->w_serial,       r->batch.next_id,
                  r->obs,      r->next_obs, r->reward,          r->discount,         r->action,
                  r->n_next_obs, r->n_reward, r->n_discount,    r->w_obs,            r->w_next,
                  r->w_reward, r->w_action, r->w_term,          r->w_done,           r->w_head,
                  r->w_count,  r->pick,     r->batch.index,     r->batch.obs,        r->batch_action,
                  r->batch.reward, r->batch.discount, r->batch.next_obs, r->batch.n_reward,
                  r->batch.n_discount, r->batch.weight};
  for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) rlc_free(bufs[i]);
  rlc_sum_tree_free(&r->tree);
  rlc_free(r);
}

static void *zalloc(size_t n, size_t size, bool *ok) {
  void *p = rlc_calloc(n ? n : 1, size);
  if (!p) *ok = false;
  return p;
}

rlcStatus rlc_replay_create(const rlcReplayDef *def, rlcReplay **out) {
  if (!out) return rlc_error(RLC_ERR_ARG, "replay: NULL output pointer");
  *out = NULL;
  if (!def) return rlc_error(RLC_ERR_ARG, "replay: NULL definition");
  const rlcReplayDef *d = def;
  if (d->capacity < 1 || d->capacity > (1 << 28))
    return rlc_error(RLC_ERR_ARG, "replay: capacity %d outside [1, 2^28]", d->capacity);
  rlcStatus s = rlc_data_check_layout("replay", d->obs_dtype, d->obs_size, d->action_dim);
  if (s) return s;
  if (d->num_streams < 1) return rlc_error(RLC_ERR_ARG, "replay: num_streams must be >= 1 (got %d)", d->num_streams);
  if (d->n_step < 1 || d->n_step > 1000) return rlc_error(RLC_ERR_ARG, "replay: n_step %d outside [1, 1000]", d->n_step);
  if (!(d->gamma >= 0 && d->gamma <= 1)) return rlc_error(RLC_ERR_ARG, "replay: gamma %g outside [0, 1]", d->gamma);
  if (d->max_batch < 1) return rlc_error(RLC_ERR_ARG, "replay: max_batch must be >= 1 (got %d)", d->max_batch);
  if (d->prioritized && !(d->alpha >= 0 && isfinite(d->alpha)))
    return rlc_error(RLC_ERR_ARG, "replay: alpha %g must be >= 0", d->alpha);
  if (d->prioritized && !(d->priority_eps > 0 && isfinite(d->priority_eps)))
    return rlc_error(RLC_ERR_ARG, "replay: priority_eps %g must be > 0", d->priority_eps);
  size_t cap = (size_t)d->capacity, mb = (size_t)d->max_batch;
  size_t S = (size_t)d->num_streams, N = (size_t)d->n_step;
  size_t OB = (size_t)d->obs_size * rlc_dtype_size(d->obs_dtype);
  size_t AB = d->action_dim > 0 ? (size_t)d->action_dim * sizeof(float) : sizeof(int32_t);
  if (cap * OB > ((size_t)1 << 36) || S * N * OB > ((size_t)1 << 32))
    return rlc_error(RLC_ERR_ARG, "replay: %d x %d observations is too large", d->capacity, d->obs_size);

  // Every buffer below, summed before any is allocated.
  double per = 2.0 * OB + AB + 16 + (d->n_step > 1 ? OB + 16.0 : 0) + (d->prioritized ? 64 : 0);
  double window = d->n_step > 1 ? (double)S * N * (2.0 * OB + AB + 18) : 0;
  char what[64];
  snprintf(what, sizeof what, "a replay of %d transitions", d->capacity);
  s = rlc_memory_check((double)cap * per + window + (double)mb * (3.0 * OB + AB + 40), what);
  if (s) return s;
  rlcReplay *r = rlc_calloc(1, sizeof *r);
  if (!r) return RLC_ERR_NOMEM;
  r->def = *d;
  r->obs_bytes = OB;
  r->act_bytes = AB;
  bool ok = true, nstep = d->n_step > 1;
  r->obs = zalloc(cap, OB, &ok);
  r->next_obs = zalloc(cap, OB, &ok);
  r->reward = zalloc(cap, sizeof(float), &ok);
  r->discount = zalloc(cap, sizeof(float), &ok);
  r->action = zalloc(cap, AB, &ok);
  r->next_id = zalloc(cap, sizeof(int64_t), &ok);
  if (nstep) {
    r->n_next_id = zalloc(cap, sizeof(int64_t), &ok);
    r->w_serial = zalloc(S * N, sizeof(int64_t), &ok);
    r->n_next_obs = zalloc(cap, OB, &ok);
    r->n_reward = zalloc(cap, sizeof(float), &ok);
    r->n_discount = zalloc(cap, sizeof(float), &ok);
    r->w_obs = zalloc(S * N, OB, &ok);
    r->w_next = zalloc(S * N, OB, &ok);
    r->w_reward = zalloc(S * N, sizeof(double), &ok);
    r->w_action = zalloc(S * N, AB, &ok);
    r->w_term = zalloc(S * N, 1, &ok);
    r->w_done = zalloc(S * N, 1, &ok);
    r->w_head = zalloc(S, sizeof(int), &ok);
    r->w_count = zalloc(S, sizeof(int), &ok);
  }
  r->pick = zalloc(mb, sizeof(int), &ok);
  rlcReplayBatch *b = &r->batch;
  b->index = zalloc(mb, sizeof(int32_t), &ok);
  b->obs = zalloc(mb, OB, &ok);
  r->batch_action = zalloc(mb, AB, &ok);
  if (d->action_dim > 0) b->action_f = r->batch_action;
  else b->action = r->batch_action;
  b->reward = zalloc(mb, sizeof(float), &ok);
  b->discount = zalloc(mb, sizeof(float), &ok);
  b->next_obs = zalloc((nstep ? 2 : 1) * mb, OB, &ok);
  b->next_id = zalloc((nstep ? 2 : 1) * mb, sizeof(int64_t), &ok);
  b->weight = zalloc(mb, sizeof(float), &ok);
  if (nstep) {
    b->n_reward = zalloc(mb, sizeof(float), &ok);
    b->n_discount = zalloc(mb, sizeof(float), &ok);
  }
  if (ok && d->prioritized && rlc_sum_tree_init(&r->tree, d->capacity) != RLC_OK) ok = false;
  if (!ok) {
    rlc_replay_destroy(r);
    return rlc_error(RLC_ERR_NOMEM, "replay: out of memory for %d transitions", d->capacity);
  }
  r->max_priority = 1.0;
  rlc_rng_seed(&r->rng, d->seed);
  *out = r;
  return RLC_OK;
}

//------------------------------------------------------------------------------
// Adding transitions
//------------------------------------------------------------------------------

// Writes one slot: the 1-step transition and, with n-step, its n-step form
// (reward sum R, k steps, next observation and end flag after them).
static void store(rlcReplay *r, const void *obs, const void *action, double reward,
                  const void *next_obs, bool term, int64_t id, double n_reward,
                  const void *n_next, bool n_term, int k, int64_t n_id) {
  size_t OB = r->obs_bytes, i = (size_t)r->pos;
  r->next_id[i] = id;
  memcpy(r->obs + i * OB, obs, OB);
  memcpy(r->next_obs + i * OB, next_obs, OB);
  memcpy(r->action + i * r->act_bytes, action, r->act_bytes);
  r->reward[i] = (float)reward;
  r->discount[i] = term ? 0.0f : (float)r->def.gamma;
  if (r->def.n_step > 1) {
    memcpy(r->n_next_obs + i * OB, n_next, OB);
    r->n_reward[i] = (float)n_reward;
    r->n_discount[i] = n_term ? 0.0f : (float)pow(r->def.gamma, k);
    r->n_next_id[i] = n_id;
  }
  if (r->def.prioritized) rlc_sum_tree_set(&r->tree, (int)i, pow(r->max_priority, r->def.alpha));
  r->pos = (r->pos + 1) % r->def.capacity;
  if (r->size < r->def.capacity) r->size++;
  r->added++;
}

rlcStatus rlc_replay_add(rlcReplay *r, int stream, const void *obs, const void *action, double reward,
                         const void *next_obs, bool terminated, bool truncated) {
  if (stream < 0 || stream >= r->def.num_streams)
    return rlc_error(RLC_ERR_ARG, "replay: stream %d outside [0, %d)", stream, r->def.num_streams);
  if (!obs || !action || !next_obs) return rlc_error(RLC_ERR_ARG, "replay: NULL observation or action");
  if (r->def.action_dim == 0) {
    int32_t a;
    memcpy(&a, action, sizeof a);
    if (a < 0) return rlc_error(RLC_ERR_ARG, "replay: action %d is negative", (int)a);
  } else {
    for (int j = 0; j < r->def.action_dim; j++) {
      float v;
      memcpy(&v, (const uint8_t *)action + j * sizeof(float), sizeof v);
      if (!isfinite(v)) return rlc_error(RLC_ERR_ARG, "replay: action element %d is %g", j, (double)v);
    }
  }
  if (r->def.truncation_terminal) terminated = terminated || truncated;
  bool done = terminated || truncated;
  int N = r->def.n_step;
  int64_t id = r->serial++;
  if (N == 1) {
    store(r, obs, action, reward, next_obs, terminated, id, 0, NULL, false, 1, id);
    return RLC_OK;
  }
  size_t OB = r->obs_bytes, AB = r->act_bytes, base = (size_t)stream * N;
  int *head = &r->w_head[stream], *count = &r->w_count[stream];
  size_t j = base + (size_t)((*head + *count) % N);
  memcpy(r->w_obs + j * OB, obs, OB);
  memcpy(r->w_next + j * OB, next_obs, OB);
  r->w_reward[j] = reward;
  memcpy(r->w_action + j * AB, action, AB);
  r->w_term[j] = terminated;
  r->w_done[j] = done;
  r->w_serial[j] = id;
  if (++*count < N) return RLC_OK;
  // The window is full: its oldest transition leaves with its n-step form.
  // The sum is cut at the first end of episode (k steps), and accumulated
  // backwards from there, in double, as the notebook's _get_n_step_info.
  int k = N;
  for (int t = 0; t < N; t++)
    if (r->w_done[base + (size_t)((*head + t) % N)]) {
      k = t + 1;
      break;
    }
  size_t last = base + (size_t)((*head + k - 1) % N), first = base + (size_t)*head;
  double R = r->w_reward[last];
  for (int t = k - 2; t >= 0; t--) R = r->w_reward[base + (size_t)((*head + t) % N)] + r->def.gamma * R;
  store(r, r->w_obs + first * OB, r->w_action + first * AB, r->w_reward[first], r->w_next + first * OB,
        r->w_term[first], r->w_serial[first], R, r->w_next + last * OB, r->w_term[last], k,
        r->w_serial[last]);
  *head = (*head + 1) % N;
  --*count;
  return RLC_OK;
}

//------------------------------------------------------------------------------
// Sampling
//------------------------------------------------------------------------------

// Copies slots index[0..n) into the batch scratch.
static void fill(rlcReplay *r, const int32_t *index, int n) {
  rlcReplayBatch *b = &r->batch;
  size_t OB = r->obs_bytes, AB = r->act_bytes;
  bool nstep = r->def.n_step > 1;
  uint8_t *bo = b->obs, *bn = b->next_obs, *bnn = nstep ? bn + (size_t)n * OB : NULL, *ba = r->batch_action;
  b->n = n;
  b->n_next_obs = bnn;
  if (b->index != index) memcpy(b->index, index, (size_t)n * sizeof(int32_t));
  for (int k = 0; k < n; k++) {
    size_t i = (size_t)index[k];
    memcpy(bo + k * OB, r->obs + i * OB, OB);
    memcpy(bn + k * OB, r->next_obs + i * OB, OB);
    memcpy(ba + k * AB, r->action + i * AB, AB);
    b->reward[k] = r->reward[i];
    b->discount[k] = r->discount[i];
    b->next_id[k] = r->next_id[i];
    if (nstep) {
      b->next_id[n + k] = r->n_next_id[i];
      memcpy(bnn + k * OB, r->n_next_obs + i * OB, OB);
      b->n_reward[k] = r->n_reward[i];
      b->n_discount[k] = r->n_discount[i];
    }
  }
}

rlcStatus rlc_replay_gather(rlcReplay *r, const int32_t *index, int n, const rlcReplayBatch **out) {
  if (n < 1 || n > r->def.max_batch)
    return rlc_error(RLC_ERR_ARG, "replay: batch of %d outside [1, max_batch = %d]", n, r->def.max_batch);
  for (int k = 0; k < n; k++)
    if (index[k] < 0 || index[k] >= r->size)
      return rlc_error(RLC_ERR_ARG, "replay: slot %d outside the %d stored", (int)index[k], r->size);
  fill(r, index, n);
  for (int k = 0; k < n; k++) r->batch.weight[k] = 1.0f;
  *out = &r->batch;
  return RLC_OK;
}

rlcStatus rlc_replay_sample(rlcReplay *r, int n, double beta, const rlcReplayBatch **out) {
  if (n < 1 || n > r->def.max_batch)
    return rlc_error(RLC_ERR_ARG, "replay: batch of %d outside [1, max_batch = %d]", n, r->def.max_batch);
  if (r->size < 1) return rlc_error(RLC_ERR_STATE, "replay: nothing stored yet");
  int32_t *idx = r->batch.index;
  float *w = r->batch.weight;
  if (r->def.prioritized) {
    // One draw in each of n equal segments of the total priority.
    const rlcSumTree *t = &r->tree;
    double total = rlc_sum_tree_total(t), seg = total / n;
    for (int k = 0; k < n; k++) {
      double u = rlc_rng_uniform(&r->rng, seg * k, seg * (k + 1));
      idx[k] = rlc_sum_tree_find(t, u);
    }
    // Weights relative to the largest one possible, the smallest priority's.
    double N = r->size, p_min = rlc_sum_tree_min(t) / total, max_w = pow(p_min * N, -beta);
    for (int k = 0; k < n; k++) {
      double p = rlc_sum_tree_get(t, idx[k]) / total;
      w[k] = (float)(pow(p * N, -beta) / max_w);
    }
  } else if (r->def.replacement) {
    for (int k = 0; k < n; k++) idx[k] = (int32_t)rlc_rng_integers(&r->rng, 0, r->size);
    for (int k = 0; k < n; k++) w[k] = 1.0f;
  } else {
    if (n > r->size)
      return rlc_error(RLC_ERR_STATE, "replay: %d distinct samples asked, %d stored", n, r->size);
    // Floyd's algorithm: n distinct slots with n draws.
    int m = 0;
    for (int j = r->size - n; j < r->size; j++) {
      int t = (int)rlc_rng_integers(&r->rng, 0, (int64_t)j + 1);
      bool seen = false;
      for (int q = 0; q < m && !seen; q++) seen = r->pick[q] == t;
      r->pick[m++] = seen ? j : t;
    }
    for (int k = 0; k < n; k++) idx[k] = r->pick[k], w[k] = 1.0f;
  }
  fill(r, idx, n);
  *out = &r->batch;
  return RLC_OK;
}

void rlc_replay_update_priorities(rlcReplay *r, const int32_t *index, const float *err, int n) {
  if (!r->def.prioritized) return;
  for (int k = 0; k < n; k++) {
    double p = fabs((double)err[k]) + r->def.priority_eps;
    if (!isfinite(p)) p = r->max_priority;  // a diverged loss must not poison the tree
    if (index[k] < 0 || index[k] >= r->size) continue;
    rlc_sum_tree_set(&r->tree, index[k], pow(p, r->def.alpha));
    if (p > r->max_priority) r->max_priority = p;
  }
}

//------------------------------------------------------------------------------
// Checkpoints
//------------------------------------------------------------------------------

void rlc_replay_state_put(const rlcReplay *r, rlcBuf *b) {
  const rlcReplayDef *d = &r->def;
  rlc_buf_put_tag(b, "replay");
  int32_t shape[7] = {d->capacity,    d->obs_size,    d->num_streams, d->n_step,
                      d->prioritized, d->obs_dtype, d->action_dim};
  rlc_buf_put(b, shape, sizeof shape);
  rlc_buf_put(b, &r->size, sizeof r->size);
  rlc_buf_put(b, &r->pos, sizeof r->pos);
  rlc_buf_put(b, &r->added, sizeof r->added);
  rlc_buf_put(b, &r->serial, sizeof r->serial);
  rlc_buf_put(b, &r->max_priority, sizeof r->max_priority);
  rlc_buf_put(b, &r->rng, sizeof r->rng);
  size_t n = (size_t)r->size, OB = r->obs_bytes, AB = r->act_bytes;
  rlc_buf_put(b, r->obs, n * OB);
  rlc_buf_put(b, r->next_obs, n * OB);
  rlc_buf_put(b, r->reward, n * sizeof(float));
  rlc_buf_put(b, r->discount, n * sizeof(float));
  rlc_buf_put(b, r->action, n * AB);
  rlc_buf_put(b, r->next_id, n * sizeof(int64_t));
  if (d->n_step > 1) {
    size_t W = (size_t)d->num_streams * d->n_step;
    rlc_buf_put(b, r->n_next_id, n * sizeof(int64_t));
    rlc_buf_put(b, r->w_serial, W * sizeof(int64_t));
    rlc_buf_put(b, r->n_next_obs, n * OB);
    rlc_buf_put(b, r->n_reward, n * sizeof(float));
    rlc_buf_put(b, r->n_discount, n * sizeof(float));
    rlc_buf_put(b, r->w_obs, W * OB);
    rlc_buf_put(b, r->w_next, W * OB);
    rlc_buf_put(b, r->w_reward, W * sizeof(double));
    rlc_buf_put(b, r->w_action, W * AB);
    rlc_buf_put(b, r->w_term, W);
    rlc_buf_put(b, r->w_done, W);
    rlc_buf_put(b, r->w_head, (size_t)d->num_streams * sizeof(int));
    rlc_buf_put(b, r->w_count, (size_t)d->num_streams * sizeof(int));
  }
  if (d->prioritized) rlc_buf_put(b, r->tree.sum + r->tree.capacity, n * sizeof(double));
}

// "uint8 observations, discrete actions", for a checkpoint's mismatch message.
static const char *layout_str(char *buf, size_t len, int32_t dtype, int32_t action_dim) {
  const char *o = dtype == RLC_F32 ? "float32" : dtype == RLC_U8 ? "uint8" : "unknown";
  if (action_dim == 0) snprintf(buf, len, "%s observations, discrete actions", o);
  else snprintf(buf, len, "%s observations, float32 actions of %d", o, (int)action_dim);
  return buf;
}

// What a checkpoint holds besides the arrays' sizes, checked before anything
// indexes by it: the ids name earlier adds (an agent hashes them), counts
// are non-negative, the largest priority is a positive number, actions are
// non-negative and finite as rlc_replay_add requires (their upper bound is
// the agent's: rlc_replay_check_actions).
static rlcStatus check_loaded(const rlcReplay *r) {
  const rlcReplayDef *d = &r->def;
  if (r->added < r->size || r->serial < r->added || (d->n_step == 1 && r->serial != r->added) ||
      !(r->max_priority > 0 && r->max_priority < INFINITY))
    return rlc_error(RLC_ERR_FORMAT, "replay: corrupted checkpoint (%lld added, %lld serial, max priority %g)",
                     (long long)r->added, (long long)r->serial, r->max_priority);
  for (int i = 0; i < r->size; i++)
    if (r->next_id[i] < 0 || r->next_id[i] >= r->serial ||
        (d->n_step > 1 && (r->n_next_id[i] < 0 || r->n_next_id[i] >= r->serial)))
      return rlc_error(RLC_ERR_FORMAT, "replay: corrupted checkpoint (next observation id of slot %d)", i);
  size_t W = d->n_step > 1 ? (size_t)d->num_streams * d->n_step : 0;
  for (size_t j = 0; j < W; j++)
    if (r->w_serial[j] < 0 || r->w_serial[j] >= (r->serial ? r->serial : 1))
      return rlc_error(RLC_ERR_FORMAT, "replay: corrupted checkpoint (n-step window id %zu)", j);
  return rlc_replay_check_actions(r, INT32_MAX);
}

rlcStatus rlc_replay_check_actions(const rlcReplay *r, int n_actions) {
  const rlcReplayDef *d = &r->def;
  size_t W = d->n_step > 1 ? (size_t)d->num_streams * d->n_step : 0;
  for (int pass = 0; pass < 2; pass++) {
    const uint8_t *a = pass ? r->w_action : r->action;
    size_t n = pass ? W : (size_t)r->size;
    for (size_t i = 0; i < n; i++) {
      if (d->action_dim == 0) {
        int32_t v;
        memcpy(&v, a + i * sizeof v, sizeof v);
        if (v < 0 || v >= n_actions)
          return rlc_error(RLC_ERR_FORMAT, "replay: corrupted checkpoint (action %d, %d actions)", (int)v, n_actions);
      } else
        for (int k = 0; k < d->action_dim; k++) {
          float v;
          memcpy(&v, a + (i * d->action_dim + k) * sizeof v, sizeof v);
          if (!isfinite(v)) return rlc_error(RLC_ERR_FORMAT, "replay: corrupted checkpoint (action %g)", (double)v);
        }
    }
  }
  return RLC_OK;
}

rlcStatus rlc_replay_state_get(rlcReplay *r, rlcBuf *b) {
  const rlcReplayDef *d = &r->def;
  int32_t shape[7], want[7] = {d->capacity,    d->obs_size,    d->num_streams, d->n_step,
                               d->prioritized, d->obs_dtype, d->action_dim};
  rlcStatus s = rlc_buf_get_tag(b, "replay");
  if (!s) s = rlc_buf_get(b, shape, sizeof shape);
  if (s) return s;
  if (memcmp(shape, want, 5 * sizeof *shape) != 0)
    return rlc_error(RLC_ERR_FORMAT,
                     "replay: checkpoint holds capacity %d, obs %d, %d streams, n_step %d, "
                     "prioritized %d; the configuration gives %d, %d, %d, %d, %d",
                     shape[0], shape[1], shape[2], shape[3], shape[4], want[0], want[1], want[2],
                     want[3], want[4]);
  if (shape[5] != want[5] || shape[6] != want[6]) {
    char have_s[64], want_s[64];
    return rlc_error(RLC_ERR_FORMAT, "replay: checkpoint holds %s; the configuration gives %s",
                     layout_str(have_s, sizeof have_s, shape[5], shape[6]),
                     layout_str(want_s, sizeof want_s, want[5], want[6]));
  }
  int size, pos;
  s = rlc_buf_get(b, &size, sizeof size);
  if (!s) s = rlc_buf_get(b, &pos, sizeof pos);
  if (s) return s;
  if (size < 0 || size > d->capacity || pos < 0 || pos >= d->capacity)
    return rlc_error(RLC_ERR_FORMAT, "replay: corrupted checkpoint (size %d, position %d)", size, pos);
  r->size = size;
  r->pos = pos;
  s = rlc_buf_get(b, &r->added, sizeof r->added);
  if (!s) s = rlc_buf_get(b, &r->serial, sizeof r->serial);
  if (!s) s = rlc_buf_get(b, &r->max_priority, sizeof r->max_priority);
  if (!s) s = rlc_rng_state_get(&r->rng, b);
  size_t n = (size_t)size, OB = r->obs_bytes, AB = r->act_bytes;
  if (!s) s = rlc_buf_get(b, r->obs, n * OB);
  if (!s) s = rlc_buf_get(b, r->next_obs, n * OB);
  if (!s) s = rlc_buf_get(b, r->reward, n * sizeof(float));
  if (!s) s = rlc_buf_get(b, r->discount, n * sizeof(float));
  if (!s) s = rlc_buf_get(b, r->action, n * AB);
  if (!s) s = rlc_buf_get(b, r->next_id, n * sizeof(int64_t));
  if (!s && d->n_step > 1) {
    size_t W = (size_t)d->num_streams * d->n_step;
    s = rlc_buf_get(b, r->n_next_id, n * sizeof(int64_t));
    if (!s) s = rlc_buf_get(b, r->w_serial, W * sizeof(int64_t));
    if (!s) s = rlc_buf_get(b, r->n_next_obs, n * OB);
    if (!s) s = rlc_buf_get(b, r->n_reward, n * sizeof(float));
    if (!s) s = rlc_buf_get(b, r->n_discount, n * sizeof(float));
    if (!s) s = rlc_buf_get(b, r->w_obs, W * OB);
    if (!s) s = rlc_buf_get(b, r->w_next, W * OB);
    if (!s) s = rlc_buf_get(b, r->w_reward, W * sizeof(double));
    if (!s) s = rlc_buf_get(b, r->w_action, W * AB);
    if (!s) s = rlc_buf_get(b, r->w_term, W);
    if (!s) s = rlc_buf_get(b, r->w_done, W);
    if (!s) s = rlc_buf_get(b, r->w_head, (size_t)d->num_streams * sizeof(int));
    if (!s) s = rlc_buf_get(b, r->w_count, (size_t)d->num_streams * sizeof(int));
    for (int i = 0; !s && i < d->num_streams; i++)
      if (r->w_head[i] < 0 || r->w_head[i] >= d->n_step || r->w_count[i] < 0 || r->w_count[i] >= d->n_step)
        s = rlc_error(RLC_ERR_FORMAT, "replay: corrupted checkpoint (n-step window %d)", i);
  }
  if (!s) s = check_loaded(r);
  if (!s && d->prioritized) {
    // Rebuild the tree from its leaves: the same values as before (sums are
    // recomputed from children in the same order).
    rlcSumTree *t = &r->tree;
    for (int i = 0; i < 2 * t->capacity; i++) t->sum[i] = 0, t->min[i] = INFINITY;
    s = rlc_buf_get(b, t->sum + t->capacity, n * sizeof(double));
    for (size_t i = 0; !s && i < n; i++)
      if (!(t->sum[t->capacity + i] >= 0 && t->sum[t->capacity + i] < INFINITY))
        s = rlc_error(RLC_ERR_FORMAT, "replay: corrupted checkpoint (priority %g)", t->sum[t->capacity + i]);
    if (!s) {
      for (size_t i = 0; i < n; i++) t->min[t->capacity + i] = t->sum[t->capacity + i];
      for (int node = t->capacity - 1; node >= 1; node--) {
        t->sum[node] = t->sum[2 * node] + t->sum[2 * node + 1];
        t->min[node] = t->min[2 * node] < t->min[2 * node + 1] ? t->min[2 * node] : t->min[2 * node + 1];
      }
    }
  }
  return s;
}
