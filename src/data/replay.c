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

static void tree_set_leaf(rlcSumTree *t, int i, double sum, double min) {
  int node = t->capacity + i;
  t->sum[node] = sum;
  t->min[node] = min;
  // Parents from their children, never by adding a difference: rounding
  // cannot drift, and the tree is a function of its leaves (checkpoints
  // store only the leaves).
  for (node /= 2; node >= 1; node /= 2) {
    double *s = t->sum, *m = t->min;
    s[node] = s[2 * node] + s[2 * node + 1];
    m[node] = m[2 * node] < m[2 * node + 1] ? m[2 * node] : m[2 * node + 1];
  }
}

void rlc_sum_tree_set(rlcSumTree *t, int i, double p) { tree_set_leaf(t, i, p, p); }

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
  d.frame_slack = 1.0 / 32;
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
                  r->batch.n_discount, r->batch.weight, r->frames, r->fref, r->o_ref, r->x_ref,
                  r->n_ref, r->w_oref, r->w_xref, r->s_last};
  for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) rlc_free(bufs[i]);
  rlc_sum_tree_free(&r->tree);
  rlc_free(r);
}

// One buffer of n x size zeroed bytes, counted in r->bytes; a dry run
// (rlc_replay_bytes) only counts.
static void *zalloc(rlcReplay *r, bool dry, size_t n, size_t size, bool *ok) {
  r->bytes += n * size;
  if (dry) return NULL;
  void *p = rlc_calloc(n ? n : 1, size);
  if (!p) *ok = false;
  return p;
}

static rlcStatus check_def(const rlcReplayDef *d) {
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
  size_t OB = (size_t)d->obs_size * rlc_dtype_size(d->obs_dtype);
  if ((size_t)d->capacity * OB > ((size_t)1 << 36) || (size_t)d->num_streams * d->n_step * OB > ((size_t)1 << 32))
    return rlc_error(RLC_ERR_ARG, "replay: %d x %d observations is too large", d->capacity, d->obs_size);
  if (d->frame_stack < 0 || d->frame_stack > 64)
    return rlc_error(RLC_ERR_ARG, "replay: frame_stack %d outside [0, 64]", d->frame_stack);
  if (d->frame_stack > 0) {
    int k = d->frame_stack, c = d->frame_channels ? d->frame_channels : d->obs_size / k;
    if (c < 1 || d->obs_size % ((int64_t)k * c))
      return rlc_error(RLC_ERR_ARG, "replay: observations of %d elements are not %d frames of %d channels",
                       d->obs_size, k, d->frame_channels);
    if (!(d->frame_slack >= 0 && d->frame_slack <= 16))
      return rlc_error(RLC_ERR_ARG, "replay: frame_slack %g outside [0, 16]", d->frame_slack);
  }
  return RLC_OK;
}

// Frame mode's ring: a frame per slot plus the slack, plus what the n-step
// windows and the streams' last observations can hold on to.
static int frame_capacity(const rlcReplayDef *d) {
  double f = d->capacity * (1.0 + d->frame_slack) + 2.0 * d->frame_stack * d->num_streams * (d->n_step + 2) + 16;
  return f > (double)(1 << 30) ? (1 << 30) : (int)f;
}

// Every buffer (dry: only their sizes, into r->bytes).
static bool alloc_all(rlcReplay *r, bool dry) {
  const rlcReplayDef *d = &r->def;
  size_t cap = (size_t)d->capacity, mb = (size_t)d->max_batch;
  size_t S = (size_t)d->num_streams, N = (size_t)d->n_step, OB = r->obs_bytes, AB = r->act_bytes;
  bool ok = true, nstep = d->n_step > 1, fm = d->frame_stack > 0;
  size_t K = (size_t)r->fk, SOB = fm ? 0 : OB;  // frame mode keeps no rows in slots or windows
  r->obs = zalloc(r, dry, cap, SOB, &ok);
  r->next_obs = zalloc(r, dry, cap, SOB, &ok);
  r->reward = zalloc(r, dry, cap, sizeof(float), &ok);
  r->discount = zalloc(r, dry, cap, sizeof(float), &ok);
  r->action = zalloc(r, dry, cap, AB, &ok);
  r->next_id = zalloc(r, dry, cap, sizeof(int64_t), &ok);
  if (nstep) {
    r->n_next_id = zalloc(r, dry, cap, sizeof(int64_t), &ok);
    r->w_serial = zalloc(r, dry, S * N, sizeof(int64_t), &ok);
    r->n_next_obs = zalloc(r, dry, cap, SOB, &ok);
    r->n_reward = zalloc(r, dry, cap, sizeof(float), &ok);
    r->n_discount = zalloc(r, dry, cap, sizeof(float), &ok);
    r->w_obs = zalloc(r, dry, S * N, SOB, &ok);
    r->w_next = zalloc(r, dry, S * N, SOB, &ok);
    r->w_reward = zalloc(r, dry, S * N, sizeof(double), &ok);
    r->w_action = zalloc(r, dry, S * N, AB, &ok);
    r->w_term = zalloc(r, dry, S * N, 1, &ok);
    r->w_done = zalloc(r, dry, S * N, 1, &ok);
    r->w_head = zalloc(r, dry, S, sizeof(int), &ok);
    r->w_count = zalloc(r, dry, S, sizeof(int), &ok);
  }
  if (fm) {
    r->frames = zalloc(r, dry, (size_t)r->fcap, r->frame_bytes, &ok);
    r->fref = zalloc(r, dry, (size_t)r->fcap, sizeof(int32_t), &ok);
    r->o_ref = zalloc(r, dry, cap * K, sizeof(int32_t), &ok);
    r->x_ref = zalloc(r, dry, cap * K, sizeof(int32_t), &ok);
    if (nstep) r->n_ref = zalloc(r, dry, cap * K, sizeof(int32_t), &ok);
    r->w_oref = zalloc(r, dry, S * N * K, sizeof(int32_t), &ok);
    r->w_xref = zalloc(r, dry, S * N * K, sizeof(int32_t), &ok);
    r->s_last = zalloc(r, dry, S * K, sizeof(int32_t), &ok);
  }
  r->pick = zalloc(r, dry, mb, sizeof(int), &ok);
  rlcReplayBatch *b = &r->batch;
  b->index = zalloc(r, dry, mb, sizeof(int32_t), &ok);
  b->obs = zalloc(r, dry, mb, OB, &ok);
  r->batch_action = zalloc(r, dry, mb, AB, &ok);
  if (d->action_dim > 0) b->action_f = r->batch_action;
  else b->action = r->batch_action;
  b->reward = zalloc(r, dry, mb, sizeof(float), &ok);
  b->discount = zalloc(r, dry, mb, sizeof(float), &ok);
  b->next_obs = zalloc(r, dry, (nstep ? 2 : 1) * mb, OB, &ok);
  b->next_id = zalloc(r, dry, (nstep ? 2 : 1) * mb, sizeof(int64_t), &ok);
  b->weight = zalloc(r, dry, mb, sizeof(float), &ok);
  if (nstep) {
    b->n_reward = zalloc(r, dry, mb, sizeof(float), &ok);
    b->n_discount = zalloc(r, dry, mb, sizeof(float), &ok);
  }
  if (d->prioritized) {
    size_t leaves = 1;
    while (leaves < cap) leaves *= 2;
    if (dry) r->bytes += 4 * leaves * sizeof(double);
    else if (ok && rlc_sum_tree_init(&r->tree, d->capacity) != RLC_OK) ok = false;
    else r->bytes += 4 * leaves * sizeof(double);
  }
  return ok;
}

// The sizes every path uses, from a checked def.
static void init_shape(rlcReplay *r, const rlcReplayDef *d) {
  r->def = *d;
  r->obs_bytes = (size_t)d->obs_size * rlc_dtype_size(d->obs_dtype);
  r->act_bytes = d->action_dim > 0 ? (size_t)d->action_dim * sizeof(float) : sizeof(int32_t);
  if (d->frame_stack > 0) {
    r->fk = d->frame_stack;
    r->fc = d->frame_channels ? d->frame_channels : d->obs_size / r->fk;
    r->def.frame_channels = r->fc;
    r->fpos = d->obs_size / (r->fk * r->fc);
    r->frame_bytes = (size_t)r->fpos * r->fc * rlc_dtype_size(d->obs_dtype);
    r->fcap = frame_capacity(d);
  }
}

size_t rlc_replay_bytes(const rlcReplayDef *def) {
  if (!def || check_def(def)) return 0;
  rlcReplay r;
  memset(&r, 0, sizeof r);
  init_shape(&r, def);
  alloc_all(&r, true);
  return r.bytes + sizeof r;
}

rlcStatus rlc_replay_create(const rlcReplayDef *def, rlcReplay **out) {
  if (!out) return rlc_error(RLC_ERR_ARG, "replay: NULL output pointer");
  *out = NULL;
  if (!def) return rlc_error(RLC_ERR_ARG, "replay: NULL definition");
  rlcStatus s = check_def(def);
  if (s) return s;
  // Every buffer, summed before any is allocated.
  char what[64];
  snprintf(what, sizeof what, "a replay of %d transitions", def->capacity);
  s = rlc_memory_check((double)rlc_replay_bytes(def), what);
  if (s) return s;
  rlcReplay *r = rlc_calloc(1, sizeof *r);
  if (!r) return RLC_ERR_NOMEM;
  init_shape(r, def);
  if (!alloc_all(r, false)) {
    rlc_replay_destroy(r);
    return rlc_error(RLC_ERR_NOMEM, "replay: out of memory for %d transitions", def->capacity);
  }
  r->bytes += sizeof *r;
  if (r->s_last)
    for (size_t i = 0; i < (size_t)def->num_streams * r->fk; i++) r->s_last[i] = -1;
  r->max_priority = 1.0;
  rlc_rng_seed(&r->rng, def->seed);
  *out = r;
  return RLC_OK;
}

//------------------------------------------------------------------------------
// Frames (frame_stack >= 1)
//------------------------------------------------------------------------------

// Frame f of an observation is P runs of c elements, run p at (p k + f) c;
// a stored frame is the P runs back to back.
static size_t run_bytes(const rlcReplay *r) { return r->frame_bytes / (size_t)r->fpos; }

static bool runs_equal(const uint8_t *a, size_t astep, const uint8_t *b, size_t bstep, size_t run, int P) {
  if (run == 1) {  // one uint8 channel: byte by byte, no call per byte
    for (int p = 0; p < P; p++)
      if (a[p * astep] != b[p * bstep]) return false;
    return true;
  }
  for (int p = 0; p < P; p++, a += astep, b += bstep)
    if (memcmp(a, b, run)) return false;
  return true;
}

static void runs_copy(uint8_t *dst, size_t dstep, const uint8_t *src, size_t sstep, size_t run, int P) {
  if (P == 1) {
    memcpy(dst, src, run);
    return;
  }
  for (int p = 0; p < P; p++, dst += dstep, src += sstep) memcpy(dst, src, run);
}

// Frame fa of observation a equals frame fb of observation b.
static bool obs_frames_equal(const rlcReplay *r, const uint8_t *a, int fa, const uint8_t *b, int fb) {
  size_t run = run_bytes(r), step = run * (size_t)r->fk;
  return runs_equal(a + fa * run, step, b + fb * run, step, run, r->fpos);
}

// Frame f of observation a equals the stored frame `slot`.
static bool frame_equals_stored(const rlcReplay *r, const uint8_t *a, int f, int32_t slot) {
  size_t run = run_bytes(r);
  return runs_equal(a + f * run, run * (size_t)r->fk, r->frames + (size_t)slot * r->frame_bytes, run, run, r->fpos);
}

// Writes the k frames of `ref` into the observation row dst.
static void frames_read(const rlcReplay *r, uint8_t *dst, const int32_t *ref) {
  size_t run = run_bytes(r), step = run * (size_t)r->fk;
  for (int f = 0; f < r->fk; f++)
    runs_copy(dst + f * run, step, r->frames + (size_t)ref[f] * r->frame_bytes, run, run, r->fpos);
}

static void refs_drop(rlcReplay *r, const int32_t *ref) {
  for (int f = 0; f < r->fk; f++) r->fref[ref[f]]--;
}

static void refs_hold(rlcReplay *r, const int32_t *ref) {
  for (int f = 0; f < r->fk; f++) r->fref[ref[f]]++;
}

// The first live slot: slots [base, base + size) modulo capacity hold
// transitions (base 0 until the ring is full, unless frames evicted some).
static int live_base(const rlcReplay *r) {
  int cap = r->def.capacity;
  return r->size == cap ? 0 : ((r->pos - r->size) % cap + cap) % cap;
}

static bool is_live(const rlcReplay *r, int i) {
  int cap = r->def.capacity;
  return i >= 0 && i < cap && ((i - live_base(r)) % cap + cap) % cap < r->size;
}

// Frees the oldest transition's frames (frame mode). When the ring is full
// the oldest is at pos (live_base's 0 there only numbers the draws).
static void evict_oldest(rlcReplay *r) {
  int cap = r->def.capacity;
  size_t i = (size_t)(((r->pos - r->size) % cap + cap) % cap), K = (size_t)r->fk;
  refs_drop(r, r->o_ref + i * K);
  refs_drop(r, r->x_ref + i * K);
  if (r->n_ref) refs_drop(r, r->n_ref + i * K);
  if (r->def.prioritized) tree_set_leaf(&r->tree, (int)i, 0.0, INFINITY);
  r->size--;
}

// A free frame holding frame f of obs, with one reference; the oldest
// transitions leave when the ring near the write position is still in use.
// -1 when nothing can be freed (the windows hold every frame: cannot happen
// with the capacity frame_capacity gives).
static int32_t frame_new(rlcReplay *r, const uint8_t *obs, int f) {
  for (int probes = 0; probes <= r->fcap + 16; probes++) {
    int32_t slot = r->fnext;
    r->fnext = (r->fnext + 1) % r->fcap;
    if (r->fref[slot] == 0) {
      size_t run = run_bytes(r);
      runs_copy(r->frames + (size_t)slot * r->frame_bytes, run, obs + f * run, run * (size_t)r->fk, run, r->fpos);
      r->fref[slot] = 1;
      r->frames_stored++;
      return slot;
    }
    if (probes >= 16 && r->size > 0) evict_oldest(r), probes = 0;
  }
  return -1;
}

// The frames of a transition's obs and next_obs (one reference each,
// reused where equal bytes are already stored), and the stream's last
// next_obs updated. RLC_ERR_STATE when no frame can be had.
static rlcStatus frames_add(rlcReplay *r, int stream, const uint8_t *obs, const uint8_t *next, int32_t *oref,
                            int32_t *xref) {
  int K = r->fk;
  int32_t *last = r->s_last + (size_t)stream * K;
  bool same = last[0] >= 0;
  for (int f = 0; f < K && same; f++) same = frame_equals_stored(r, obs, f, last[f]);
  for (int f = 0; f < K; f++) {
    if (same) oref[f] = last[f], r->fref[oref[f]]++;
    else if (f > 0 && obs_frames_equal(r, obs, f, obs, f - 1)) oref[f] = oref[f - 1], r->fref[oref[f]]++;
    else if ((oref[f] = frame_new(r, obs, f)) < 0) return rlc_error(RLC_ERR_STATE, "replay: no free frame");
  }
  for (int f = 0; f < K; f++) {
    if (f + 1 < K && obs_frames_equal(r, next, f, obs, f + 1)) xref[f] = oref[f + 1];  // shifted stack
    else if (obs_frames_equal(r, next, f, obs, f)) xref[f] = oref[f];                 // unchanged
    else if (f > 0 && obs_frames_equal(r, next, f, next, f - 1)) xref[f] = xref[f - 1];
    else {
      if ((xref[f] = frame_new(r, next, f)) < 0) return rlc_error(RLC_ERR_STATE, "replay: no free frame");
      continue;
    }
    r->fref[xref[f]]++;
  }
  if (last[0] >= 0) refs_drop(r, last);
  memcpy(last, xref, (size_t)K * sizeof *last);
  refs_hold(r, last);
  return RLC_OK;
}

//------------------------------------------------------------------------------
// Adding transitions
//------------------------------------------------------------------------------

// Writes one slot: the 1-step transition and, with n-step, its n-step form
// (reward sum R, k steps, next observation and end flag after them).
// In frame mode obs, next_obs and n_next are k frame indices each, whose
// references pass to the slot.
static void store(rlcReplay *r, const void *obs, const void *action, double reward,
                  const void *next_obs, bool term, int64_t id, double n_reward,
                  const void *n_next, bool n_term, int k, int64_t n_id) {
  size_t OB = r->obs_bytes, i = (size_t)r->pos, K = (size_t)r->fk;
  bool fm = r->fk > 0;
  if (fm && r->size == r->def.capacity) evict_oldest(r);  // the slot's old frames
  r->next_id[i] = id;
  if (fm) {
    memcpy(r->o_ref + i * K, obs, K * sizeof(int32_t));
    memcpy(r->x_ref + i * K, next_obs, K * sizeof(int32_t));
    if (r->n_ref) memcpy(r->n_ref + i * K, n_next, K * sizeof(int32_t));
  } else {
    memcpy(r->obs + i * OB, obs, OB);
    memcpy(r->next_obs + i * OB, next_obs, OB);
  }
  memcpy(r->action + i * r->act_bytes, action, r->act_bytes);
  r->reward[i] = (float)reward;
  r->discount[i] = term ? 0.0f : (float)r->def.gamma;
  if (r->def.n_step > 1) {
    if (!fm) memcpy(r->n_next_obs + i * OB, n_next, OB);
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
  int32_t oref[64], xref[64];
  if (r->fk > 0) {
    rlcStatus s = frames_add(r, stream, obs, next_obs, oref, xref);
    if (s) return s;
    obs = oref, next_obs = xref;  // from here on, frame mode moves indices
  }
  int64_t id = r->serial++;
  if (N == 1) {
    store(r, obs, action, reward, next_obs, terminated, id, 0, NULL, false, 1, id);
    return RLC_OK;
  }
  size_t OB = r->obs_bytes, AB = r->act_bytes, base = (size_t)stream * N, K = (size_t)r->fk;
  int *head = &r->w_head[stream], *count = &r->w_count[stream];
  size_t j = base + (size_t)((*head + *count) % N);
  if (r->fk > 0) {
    memcpy(r->w_oref + j * K, oref, K * sizeof(int32_t));
    memcpy(r->w_xref + j * K, xref, K * sizeof(int32_t));
  } else {
    memcpy(r->w_obs + j * OB, obs, OB);
    memcpy(r->w_next + j * OB, next_obs, OB);
  }
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
  if (r->fk > 0) {
    refs_hold(r, r->w_xref + last * K);  // the n-step next observation's own references
    store(r, r->w_oref + first * K, r->w_action + first * AB, r->w_reward[first], r->w_xref + first * K,
          r->w_term[first], r->w_serial[first], R, r->w_xref + last * K, r->w_term[last], k, r->w_serial[last]);
  } else {
    store(r, r->w_obs + first * OB, r->w_action + first * AB, r->w_reward[first], r->w_next + first * OB,
          r->w_term[first], r->w_serial[first], R, r->w_next + last * OB, r->w_term[last], k,
          r->w_serial[last]);
  }
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
  size_t K = (size_t)r->fk;
  for (int k = 0; k < n; k++) {
    size_t i = (size_t)index[k];
    if (K) {
      frames_read(r, bo + k * OB, r->o_ref + i * K);
      frames_read(r, bn + k * OB, r->x_ref + i * K);
      if (nstep) frames_read(r, bnn + k * OB, r->n_ref + i * K);
    } else {
      memcpy(bo + k * OB, r->obs + i * OB, OB);
      memcpy(bn + k * OB, r->next_obs + i * OB, OB);
      if (nstep) memcpy(bnn + k * OB, r->n_next_obs + i * OB, OB);
    }
    memcpy(ba + k * AB, r->action + i * AB, AB);
    b->reward[k] = r->reward[i];
    b->discount[k] = r->discount[i];
    b->next_id[k] = r->next_id[i];
    if (nstep) {
      b->next_id[n + k] = r->n_next_id[i];
      b->n_reward[k] = r->n_reward[i];
      b->n_discount[k] = r->n_discount[i];
    }
  }
}

rlcStatus rlc_replay_gather(rlcReplay *r, const int32_t *index, int n, const rlcReplayBatch **out) {
  if (n < 1 || n > r->def.max_batch)
    return rlc_error(RLC_ERR_ARG, "replay: batch of %d outside [1, max_batch = %d]", n, r->def.max_batch);
  for (int k = 0; k < n; k++)
    if (!is_live(r, index[k]))
      return rlc_error(RLC_ERR_ARG, "replay: slot %d outside the %d stored", (int)index[k], r->size);
  fill(r, index, n);
  for (int k = 0; k < n; k++) r->batch.weight[k] = 1.0f;
  *out = &r->batch;
  return RLC_OK;
}

// Draws in [0, size) to live slots (the identity unless frames evicted some).
static void to_slots(const rlcReplay *r, int32_t *idx, int n) {
  int base = live_base(r), cap = r->def.capacity;
  if (base)
    for (int k = 0; k < n; k++) idx[k] = (idx[k] + base) % cap;
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
    to_slots(r, idx, n);
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
    to_slots(r, idx, n);
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
    if (!is_live(r, index[k])) continue;
    rlc_sum_tree_set(&r->tree, index[k], pow(p, r->def.alpha));
    if (p > r->max_priority) r->max_priority = p;
  }
}

//------------------------------------------------------------------------------
// Checkpoints
//------------------------------------------------------------------------------

// Slots ever written: the live ones, and in frame mode any evicted among them.
static size_t used_slots(const rlcReplay *r) {
  return r->added < r->def.capacity ? (size_t)r->added : (size_t)r->def.capacity;
}

// Frames ever written: until the ring first wraps, frame_new takes the
// slots in order (nothing ahead of fnext is referenced yet), so the first
// frames_stored; then all.
static size_t frames_written(const rlcReplay *r) {
  return r->frames_stored < r->fcap ? (size_t)r->frames_stored : (size_t)r->fcap;
}

// Frame mode's own state: its shape, the frames written and every index.
static void frames_put(const rlcReplay *r, rlcBuf *b, size_t n) {
  const rlcReplayDef *d = &r->def;
  size_t K = (size_t)r->fk, W = (size_t)d->num_streams * d->n_step;
  int32_t shape[3] = {r->fk, r->fc, r->fcap};
  rlc_buf_put_tag(b, "replay frames");
  rlc_buf_put(b, shape, sizeof shape);
  rlc_buf_put(b, &r->fnext, sizeof r->fnext);
  rlc_buf_put(b, &r->frames_stored, sizeof r->frames_stored);
  rlc_buf_put(b, r->frames, frames_written(r) * r->frame_bytes);
  rlc_buf_put(b, r->o_ref, n * K * sizeof(int32_t));
  rlc_buf_put(b, r->x_ref, n * K * sizeof(int32_t));
  if (r->n_ref) rlc_buf_put(b, r->n_ref, n * K * sizeof(int32_t));
  if (d->n_step > 1) {
    rlc_buf_put(b, r->w_oref, W * K * sizeof(int32_t));
    rlc_buf_put(b, r->w_xref, W * K * sizeof(int32_t));
  }
  rlc_buf_put(b, r->s_last, (size_t)d->num_streams * K * sizeof(int32_t));
}

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
  size_t n = used_slots(r), AB = r->act_bytes, OB = r->fk ? 0 : r->obs_bytes;  // rows: none in frame mode
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
  if (r->fk) frames_put(r, b, n);
}

// Reads frame mode's state and checks every index, then recounts the
// references from the indices (a crafted file cannot unbalance them).
static rlcStatus frames_get(rlcReplay *r, rlcBuf *b, size_t n) {
  const rlcReplayDef *d = &r->def;
  size_t K = (size_t)r->fk, W = (size_t)d->num_streams * d->n_step, S = (size_t)d->num_streams;
  int32_t shape[3], want[3] = {r->fk, r->fc, r->fcap};
  rlcStatus s = rlc_buf_get_tag(b, "replay frames");
  if (!s) s = rlc_buf_get(b, shape, sizeof shape);
  if (s) return s;
  if (memcmp(shape, want, sizeof shape))
    return rlc_error(RLC_ERR_FORMAT, "replay: checkpoint holds %d frames of %d channels in %d; the configuration gives %d, %d, %d",
                     shape[0], shape[1], shape[2], want[0], want[1], want[2]);
  s = rlc_buf_get(b, &r->fnext, sizeof r->fnext);
  if (!s) s = rlc_buf_get(b, &r->frames_stored, sizeof r->frames_stored);
  if (!s && r->frames_stored < 0) s = rlc_error(RLC_ERR_FORMAT, "replay: corrupted checkpoint (frame count)");
  if (!s) s = rlc_buf_get(b, r->frames, frames_written(r) * r->frame_bytes);
  if (!s) s = rlc_buf_get(b, r->o_ref, n * K * sizeof(int32_t));
  if (!s) s = rlc_buf_get(b, r->x_ref, n * K * sizeof(int32_t));
  if (!s && r->n_ref) s = rlc_buf_get(b, r->n_ref, n * K * sizeof(int32_t));
  if (!s && d->n_step > 1) {
    s = rlc_buf_get(b, r->w_oref, W * K * sizeof(int32_t));
    if (!s) s = rlc_buf_get(b, r->w_xref, W * K * sizeof(int32_t));
  }
  if (!s) s = rlc_buf_get(b, r->s_last, S * K * sizeof(int32_t));
  if (s) return s;
  if (r->fnext < 0 || r->fnext >= r->fcap) return rlc_error(RLC_ERR_FORMAT, "replay: corrupted checkpoint (frame position)");
  memset(r->fref, 0, (size_t)r->fcap * sizeof(int32_t));
  // Live slots, the pending window entries, the streams' last observations.
  int base = live_base(r), cap = d->capacity;
  const int32_t *lists[3] = {r->o_ref, r->x_ref, r->n_ref};
  for (int q = 0; q < r->size; q++) {
    size_t i = (size_t)((base + q) % cap);
    for (int l = 0; l < 3; l++)
      for (size_t f = 0; lists[l] && f < K; f++) {
        int32_t x = lists[l][i * K + f];
        if (x < 0 || x >= r->fcap) return rlc_error(RLC_ERR_FORMAT, "replay: corrupted checkpoint (frame index)");
        r->fref[x]++;
      }
  }
  for (size_t st = 0; d->n_step > 1 && st < S; st++)
    for (int q = 0; q < r->w_count[st]; q++) {
      size_t j = st * d->n_step + (size_t)((r->w_head[st] + q) % d->n_step);
      for (size_t f = 0; f < K; f++) {
        int32_t xo = r->w_oref[j * K + f], xx = r->w_xref[j * K + f];
        if (xo < 0 || xo >= r->fcap || xx < 0 || xx >= r->fcap)
          return rlc_error(RLC_ERR_FORMAT, "replay: corrupted checkpoint (frame index)");
        r->fref[xo]++, r->fref[xx]++;
      }
    }
  for (size_t st = 0; st < S; st++) {
    int32_t *last = r->s_last + st * K;
    if (last[0] < 0) {
      for (size_t f = 0; f < K; f++) last[f] = -1;
      continue;
    }
    for (size_t f = 0; f < K; f++) {
      if (last[f] >= r->fcap || last[f] < 0) return rlc_error(RLC_ERR_FORMAT, "replay: corrupted checkpoint (frame index)");
      r->fref[last[f]]++;
    }
  }
  return RLC_OK;
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
  for (int i = 0; i < (int)used_slots(r); i++)
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
    size_t n = pass ? W : used_slots(r);
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
  if (!s && (r->added < 0 || (size_t)size > used_slots(r) || (r->added < d->capacity && pos != r->added)))
    s = rlc_error(RLC_ERR_FORMAT, "replay: corrupted checkpoint (%d stored of %lld added)", size, (long long)r->added);
  if (!s && !r->fk && size != (int)used_slots(r))
    s = rlc_error(RLC_ERR_FORMAT, "replay: corrupted checkpoint (%d stored of %lld added)", size, (long long)r->added);
  size_t n = s ? 0 : used_slots(r), AB = r->act_bytes, OB = r->fk ? 0 : r->obs_bytes;
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
      // A zero leaf is a slot frames evicted: out of the minimum, as never set.
      for (size_t i = 0; i < n; i++) t->min[t->capacity + i] = t->sum[t->capacity + i] > 0 ? t->sum[t->capacity + i] : INFINITY;
      for (int node = t->capacity - 1; node >= 1; node--) {
        t->sum[node] = t->sum[2 * node] + t->sum[2 * node + 1];
        t->min[node] = t->min[2 * node] < t->min[2 * node + 1] ? t->min[2 * node] : t->min[2 * node + 1];
      }
    }
  }
  if (!s && r->fk) s = frames_get(r, b, n);
  return s;
}
