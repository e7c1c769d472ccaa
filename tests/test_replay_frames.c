// tests/test_replay_frames.c: the replay's frame mode (frame_stack >= 1)
// against a stream of hand-made stacked frames (two streams, episodes of
// random length ending in terminations and truncations, reset padding,
// frames that repeat): every sampled observation, next observation and
// n-step next observation is exactly the one added (by its id), a frame-mode
// memory draws the same batches as a row memory, with n-step and PER, also
// after frames evicted transitions; checkpoints continue exactly; the bytes
// per transition of the two budgets.
// Depends on: tests/test.h, rlc/replay.h (src/data/replay.c).
#include <stdlib.h>

#include "test.h"

enum { P = 6, K = 4, OBS = P * K, MAXT = 4000 };

// A stacked stream: frames of P bytes stacked along the last axis (channel
// last: element p * K + f), the reset frame repeated K times. Every
// transition's obs and next_obs are kept by id.
typedef struct Stream {
  uint8_t frames[K][P];
  int left;  // steps to the end of the episode
  bool trunc;
} Stream;

typedef struct Gen {
  rlcRng rng;
  Stream st[2];
  uint8_t obs[MAXT][OBS], next[MAXT][OBS];
  int n;
} Gen;

static void stack_of(const Stream *s, uint8_t *obs) {
  for (int p = 0; p < P; p++)
    for (int f = 0; f < K; f++) obs[p * K + f] = s->frames[f][p];
}

static void new_frame(Gen *g, uint8_t *fr) {
  // One frame in eight repeats the previous one (a still screen).
  if (rlc_rng_integers(&g->rng, 0, 8) == 0) return;
  for (int p = 0; p < P; p++) fr[p] = (uint8_t)rlc_rng_integers(&g->rng, 0, 256);
}

static void reset(Gen *g, Stream *s, int min_len, int max_len) {
  new_frame(g, s->frames[K - 1]);
  for (int f = 0; f < K - 1; f++) memcpy(s->frames[f], s->frames[K - 1], P);
  s->left = (int)rlc_rng_integers(&g->rng, min_len, max_len + 1);
  s->trunc = rlc_rng_integers(&g->rng, 0, 2) == 0;
}

// Adds `steps` transitions, alternating the streams, to every replay given.
static void run(Gen *g, rlcReplay **r, int nr, int steps, int min_len, int max_len) {
  for (int t = 0; t < steps && g->n < MAXT; t++) {
    int si = g->n % 2;
    Stream *s = &g->st[si];
    if (s->left <= 0) reset(g, s, min_len, max_len);
    uint8_t *o = g->obs[g->n], *x = g->next[g->n];
    stack_of(s, o);
    memmove(s->frames[0], s->frames[1], (K - 1) * P);
    uint8_t keep[P];
    memcpy(keep, s->frames[K - 2], P);
    memcpy(s->frames[K - 1], keep, P);
    new_frame(g, s->frames[K - 1]);
    stack_of(s, x);
    bool end = --s->left <= 0;
    int32_t a = g->n % 5;
    for (int i = 0; i < nr; i++)
      CHECK_OK(rlc_replay_add(r[i], si, o, &a, g->n * 0.5, x, end && !s->trunc, end && s->trunc));
    g->n++;
  }
}

static rlcReplayDef frame_def(int capacity, int n_step, bool per, int frames) {
  rlcReplayDef d = rlc_replay_default_def();
  d.capacity = capacity;
  d.obs_size = OBS;
  d.obs_dtype = RLC_U8;
  d.num_streams = 2;
  d.n_step = n_step;
  d.prioritized = per;
  d.max_batch = 32;
  d.seed = 11;
  d.frame_stack = frames;
  d.frame_channels = frames ? 1 : 0;
  return d;
}

// Every row of the batch is the observation added under its id.
static void check_batch(const Gen *g, const rlcReplayBatch *b, int n_step) {
  const uint8_t *o = b->obs, *x = b->next_obs, *nx = b->n_next_obs;
  for (int k = 0; k < b->n; k++) {
    int64_t id = b->next_id[k];
    CHECK(id >= 0 && id < g->n);
    if (id < 0 || id >= g->n) return;
    CHECK_MSG(!memcmp(o + k * OBS, g->obs[id], OBS), "obs of transition %lld", (long long)id);
    CHECK_MSG(!memcmp(x + k * OBS, g->next[id], OBS), "next_obs of transition %lld", (long long)id);
    if (n_step > 1) {
      int64_t nid = b->next_id[b->n + k];
      CHECK(nid >= id && nid < id + 2 * n_step);  // two streams take turns
      CHECK_MSG(!memcmp(nx + k * OBS, g->next[nid], OBS), "n-step next_obs of transition %lld", (long long)id);
    }
  }
}

static void sample_and_check(Gen *g, rlcReplay *f, rlcReplay *rows, int n_step, bool per) {
  rlcRng e;
  rlc_rng_seed(&e, 4);
  for (int c = 0; c < 20; c++) {
    const rlcReplayBatch *bf, *br;
    CHECK_OK(rlc_replay_sample(f, 32, 0.5, &bf));
    check_batch(g, bf, n_step);
    if (rows) {
      CHECK_OK(rlc_replay_sample(rows, 32, 0.5, &br));
      CHECK(!memcmp(bf->index, br->index, 32 * sizeof(int32_t)));
      CHECK(!memcmp(bf->obs, br->obs, 32 * OBS));
      CHECK(!memcmp(bf->next_obs, br->next_obs, (n_step > 1 ? 64 : 32) * OBS));
      CHECK(!memcmp(bf->weight, br->weight, 32 * sizeof(float)));
    }
    if (per) {
      float err[32];
      for (int k = 0; k < 32; k++) err[k] = (float)rlc_rng_uniform(&e, 0, 2);
      rlc_replay_update_priorities(f, bf->index, err, 32);
      if (rows) rlc_replay_update_priorities(rows, bf->index, err, 32);
    }
  }
}

TEST(replay_frames_give_back_what_was_added) {
  static const struct { int n_step; bool per; } cases[] = {{1, false}, {3, false}, {1, true}, {3, true}};
  for (int c = 0; c < 4; c++) {
    Gen *g = calloc(1, sizeof *g);
    rlc_rng_seed(&g->rng, 7 + c);
    rlcReplayDef df = frame_def(300, cases[c].n_step, cases[c].per, K), dr = frame_def(300, cases[c].n_step, cases[c].per, 0);
    df.frame_slack = 0.5;  // room enough: no eviction, so the row memory is a twin
    rlcReplay *r[2];
    CHECK_OK(rlc_replay_create(&df, &r[0]));
    CHECK_OK(rlc_replay_create(&dr, &r[1]));
    if (!r[0] || !r[1]) return;
    run(g, r, 2, 200, 1, 12);  // short episodes: many ends inside the n-step windows
    sample_and_check(g, r[0], r[1], cases[c].n_step, cases[c].per);
    run(g, r, 2, 700, 1, 12);  // past the capacity: the ring wraps
    CHECK_EQ_INT(r[0]->size, 300);
    sample_and_check(g, r[0], r[1], cases[c].n_step, cases[c].per);
    rlc_replay_destroy(r[0]), rlc_replay_destroy(r[1]);
    free(g);
  }
}

TEST(replay_frames_one_frame_per_transition) {
  // Episodes of 200 steps: a stacked stream stores one frame per step and
  // one per episode (the repeated reset frame is stored once).
  Gen *g = calloc(1, sizeof *g);
  rlc_rng_seed(&g->rng, 1);
  rlcReplayDef d = frame_def(1000, 3, true, K);
  rlcReplay *r;
  CHECK_OK(rlc_replay_create(&d, &r));
  if (!r) return;
  run(g, &r, 1, 3000, 200, 200);
  double per_t = (double)r->frames_stored / (double)g->n;
  CHECK_MSG(per_t <= 1.0 + 2.0 / 200 + 1e-9, "%.4f frames per transition", per_t);
  CHECK_EQ_INT(r->size, 1000);
  sample_and_check(g, r, NULL, 3, true);
  rlc_replay_destroy(r);
  free(g);
}

TEST(replay_frames_evict_when_the_ring_fills) {
  // Episodes of one or two steps need more than one frame a transition: with
  // no slack the oldest transitions leave early; what is sampled stays exact.
  Gen *g = calloc(1, sizeof *g);
  rlc_rng_seed(&g->rng, 2);
  for (int per = 0; per < 2; per++) {
    rlcReplayDef d = frame_def(200, 3, per, K);
    d.frame_slack = 0;
    rlcReplay *r;
    CHECK_OK(rlc_replay_create(&d, &r));
    if (!r) return;
    g->n = 0;
    run(g, &r, 1, 1500, 1, 2);
    CHECK(r->size < 200 && r->size > 50);
    sample_and_check(g, r, NULL, 3, per);
    // gather refuses a slot no longer live
    int32_t dead = (int32_t)((r->pos - r->size - 1 + 200) % 200);
    const rlcReplayBatch *b;
    CHECK_ERR(rlc_replay_gather(r, &dead, 1, &b), RLC_ERR_ARG);
    // every frame reference is accounted for: no frame is lost or leaked
    int64_t refs = 0;
    int negative = 0;
    for (int i = 0; i < r->fcap; i++) refs += r->fref[i], negative += r->fref[i] < 0;
    CHECK_EQ_INT(negative, 0);
    int64_t want = (int64_t)r->size * K * 3 + 2 * K;  // slots (obs, next, n-step next), streams' last
    for (int s = 0; s < 2; s++) want += (int64_t)r->w_count[s] * 2 * K;
    CHECK_EQ_INT(refs, want);
    rlc_replay_destroy(r);
  }
  free(g);
}

TEST(replay_frames_checkpoint_continues_exactly) {
  Gen *g = calloc(1, sizeof *g);
  rlc_rng_seed(&g->rng, 3);
  rlcReplayDef d = frame_def(150, 3, true, K);
  d.frame_slack = 0;  // with evictions in the saved state
  rlcReplay *r[2];
  CHECK_OK(rlc_replay_create(&d, &r[0]));
  d.seed = 5;
  CHECK_OK(rlc_replay_create(&d, &r[1]));
  if (!r[0] || !r[1]) return;
  run(g, r, 1, 400, 1, 6);
  const rlcReplayBatch *b;
  CHECK_OK(rlc_replay_sample(r[0], 32, 0.5, &b));
  float err[32];
  for (int k = 0; k < 32; k++) err[k] = 0.1f * k;
  rlc_replay_update_priorities(r[0], b->index, err, 32);
  rlcBuf buf = {0};
  rlc_replay_state_put(r[0], &buf);
  CHECK_OK(rlc_replay_state_get(r[1], &buf));
  CHECK_EQ_INT(buf.pos, buf.len);
  CHECK(!memcmp(r[0]->fref, r[1]->fref, (size_t)r[0]->fcap * sizeof(int32_t)));
  run(g, r, 2, 300, 1, 6);
  for (int c = 0; c < 5; c++) {
    const rlcReplayBatch *b0, *b1;
    CHECK_OK(rlc_replay_sample(r[0], 32, 0.7, &b0));
    CHECK_OK(rlc_replay_sample(r[1], 32, 0.7, &b1));
    check_batch(g, b1, 3);
    CHECK(!memcmp(b0->index, b1->index, 32 * sizeof(int32_t)));
    CHECK(!memcmp(b0->obs, b1->obs, 32 * OBS));
    CHECK(!memcmp(b0->next_obs, b1->next_obs, 64 * OBS));
  }
  // A frame index out of range is refused, not followed.
  size_t at = buf.len - (size_t)2 * K * sizeof(int32_t);  // inside the streams' last indices
  int32_t bad = 1 << 30;
  memcpy(buf.data + at, &bad, sizeof bad);
  buf.pos = 0, buf.err = RLC_OK;
  CHECK_ERR(rlc_replay_state_get(r[1], &buf), RLC_ERR_FORMAT);
  rlc_buf_free(&buf);
  rlc_replay_destroy(r[0]), rlc_replay_destroy(r[1]);
  free(g);
}

TEST(replay_frames_bytes_per_transition) {
  // 1M transitions of 84x84x4 uint8 (a 4-stack of 84x84 frames, the Atari
  // pipeline): at most 7.5 GB, plain and with n-step + PER.
  rlcReplayDef d = rlc_replay_default_def();
  d.capacity = 1000000, d.obs_size = 84 * 84 * 4, d.obs_dtype = RLC_U8, d.max_batch = 32;
  d.frame_stack = 4, d.frame_channels = 1;
  size_t plain = rlc_replay_bytes(&d);
  d.n_step = 3, d.prioritized = true;
  size_t rainbow = rlc_replay_bytes(&d);
  CHECK_MSG(plain <= 7500000000u && rainbow <= 7500000000u, "%zu and %zu bytes", plain, rainbow);
  // Without frames it would be about 56 GB.
  d.frame_stack = 0, d.n_step = 1, d.prioritized = false;
  CHECK(rlc_replay_bytes(&d) > 50000000000u);
  // 100k MinAtar transitions (10x10x4, one frame an observation): <= 50 MB.
  rlcReplayDef m = rlc_replay_default_def();
  m.capacity = 100000, m.obs_size = 400, m.obs_dtype = RLC_U8, m.max_batch = 32, m.frame_stack = 1;
  CHECK_MSG(rlc_replay_bytes(&m) <= 50000000u, "%zu bytes", rlc_replay_bytes(&m));
  rlcReplay *r;
  CHECK_OK(rlc_replay_create(&m, &r));
  if (r) CHECK_EQ_INT((long long)r->bytes, (long long)rlc_replay_bytes(&m));
  rlc_replay_destroy(r);
  // Bad frame layouts are refused.
  m.frame_stack = 3;
  CHECK(rlc_replay_bytes(&m) == 0);
  CHECK_ERR(rlc_replay_create(&m, &r), RLC_ERR_ARG);
}

TEST(replay_frames_checkpoint_before_the_ring_wraps) {
  // Only the frames written so far are saved; the memory continues alike.
  Gen *g = calloc(1, sizeof *g);
  rlc_rng_seed(&g->rng, 6);
  rlcReplayDef d = frame_def(500, 3, false, K);
  rlcReplay *r[2];
  CHECK_OK(rlc_replay_create(&d, &r[0]));
  CHECK_OK(rlc_replay_create(&d, &r[1]));
  if (!r[0] || !r[1]) return;
  run(g, r, 1, 60, 3, 9);
  CHECK(r[0]->frames_stored < r[0]->fcap);
  rlcBuf buf = {0};
  rlc_replay_state_put(r[0], &buf);
  CHECK_OK(rlc_replay_state_get(r[1], &buf));
  run(g, r, 2, 100, 3, 9);
  const rlcReplayBatch *b0, *b1;
  CHECK_OK(rlc_replay_sample(r[0], 32, 0.5, &b0));
  CHECK_OK(rlc_replay_sample(r[1], 32, 0.5, &b1));
  check_batch(g, b1, 3);
  CHECK(!memcmp(b0->obs, b1->obs, 32 * OBS) && !memcmp(b0->next_obs, b1->next_obs, 64 * OBS));
  rlc_buf_free(&buf);
  rlc_replay_destroy(r[0]), rlc_replay_destroy(r[1]);
  free(g);
}
