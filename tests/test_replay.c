// tests/test_replay.c: replay memories — sum-tree invariants and prefix search,
// proportional sampling frequencies, importance weights and new transitions at
// the maximum priority, n-step returns against hand-computed episodes (an end
// inside the window; termination against truncation; the notebook's quirk),
// ring wrap-around, sampling without replacement, checkpoints, bad settings;
// the layouts: uint8 MinAtar-shaped observations and float action vectors
// with n-step and PER (exact rows, no allocation after creation, the same
// draws as a float twin), their checkpoints and layout mismatches.
// Depends on: tests/test.h, rlc/replay.h (src/data/replay.c).
#include <stdlib.h>

#include "test.h"

static rlcReplayDef small_def(int capacity, int n_step, double gamma) {
  rlcReplayDef d = rlc_replay_default_def();
  d.capacity = capacity;
  d.obs_size = 1;
  d.n_step = n_step;
  d.gamma = gamma;
  d.max_batch = 64;
  d.seed = 3;
  return d;
}

static void add1(rlcReplay *r, float obs, int a, double rew, float next, bool term, bool trunc) {
  int32_t a32 = a;
  CHECK_OK(rlc_replay_add(r, 0, &obs, &a32, rew, &next, term, trunc));
}

// Element k of a batch's float32 observation rows.
static float F(const void *obs, int k) { return ((const float *)obs)[k]; }

//------------------------------------------------------------------------------
// Sum tree
//------------------------------------------------------------------------------

TEST(replay_sum_tree_invariants_and_search) {
  rlcSumTree t;
  CHECK_OK(rlc_sum_tree_init(&t, 13));
  CHECK_EQ_INT(t.capacity, 16);
  rlcRng rng;
  rlc_rng_seed(&rng, 11);
  // Integers keep every sum exact, so the prefix boundaries can be probed
  // exactly; some leaves are zero and must never be found.
  double p[13];
  for (int round = 0; round < 50; round++) {
    for (int i = 0; i < 13; i++) {
      p[i] = (double)rlc_rng_integers(&rng, 0, 6);
      if (i == 12) p[i] = 0;
      rlc_sum_tree_set(&t, i, p[i]);
    }
    double total = 0, mn = INFINITY;
    for (int i = 0; i < 13; i++) total += p[i], mn = p[i] < mn ? p[i] : mn;
    for (int node = 1; node < t.capacity; node++) {
      CHECK(t.sum[node] == t.sum[2 * node] + t.sum[2 * node + 1]);
      CHECK(t.min[node] == fmin(t.min[2 * node], t.min[2 * node + 1]));
    }
    CHECK(rlc_sum_tree_total(&t) == total);
    CHECK(rlc_sum_tree_min(&t) == mn);
    if (total == 0) continue;
    double prefix = 0;
    int last = -1;
    for (int i = 0; i < 13; i++) {
      if (p[i] > 0) {
        CHECK_EQ_INT(rlc_sum_tree_find(&t, prefix), i);
        CHECK_EQ_INT(rlc_sum_tree_find(&t, prefix + p[i] / 2), i);
        CHECK_EQ_INT(rlc_sum_tree_find(&t, prefix + p[i] - 0.25), i);
        last = i;
      }
      prefix += p[i];
    }
    // Rounding past the total still lands on a stored leaf.
    CHECK_EQ_INT(rlc_sum_tree_find(&t, total), last);
    CHECK_EQ_INT(rlc_sum_tree_find(&t, 2 * total + 1), last);
    CHECK_EQ_INT(rlc_sum_tree_find(&t, -1), rlc_sum_tree_find(&t, 0));
  }
  rlc_sum_tree_free(&t);
  CHECK_ERR(rlc_sum_tree_init(&t, 0), RLC_ERR_ARG);
}

//------------------------------------------------------------------------------
// Prioritized replay
//------------------------------------------------------------------------------

static rlcReplay *per_replay(double alpha) {
  rlcReplayDef d = small_def(8, 1, 0.9);
  d.prioritized = true;
  d.alpha = alpha;
  rlcReplay *r = NULL;
  CHECK_OK(rlc_replay_create(&d, &r));
  return r;
}

TEST(replay_per_proportional_sampling) {
  for (int pass = 0; pass < 2; pass++) {
    double alpha = pass ? 0.5 : 1.0;
    rlcReplay *r = per_replay(alpha);
    if (!r) return;
    for (int i = 0; i < 4; i++) add1(r, (float)i, 0, 0, 0, false, false);
    int32_t idx[4] = {0, 1, 2, 3};
    float err[4] = {1, -2, 3, 4};  // |TD| is the priority
    rlc_replay_update_priorities(r, idx, err, 4);
    double want[4], total = 0;
    for (int i = 0; i < 4; i++) total += want[i] = pow(fabs(err[i]) + 1e-6, alpha);
    long count[4] = {0};
    const int calls = 20000;
    for (int c = 0; c < calls; c++) {
      const rlcReplayBatch *b;
      CHECK_OK(rlc_replay_sample(r, 4, 0.4, &b));
      for (int k = 0; k < 4; k++) {
        CHECK(b->index[k] >= 0 && b->index[k] < 4);
        CHECK(F(b->obs, k) == (float)b->index[k]);
        count[b->index[k]]++;
      }
    }
    for (int i = 0; i < 4; i++)
      CHECK_NEAR((double)count[i] / (4.0 * calls), want[i] / total, 0.005);
    rlc_replay_destroy(r);
  }
}

TEST(replay_per_weights_and_max_priority) {
  rlcReplay *r = per_replay(1.0);
  if (!r) return;
  for (int i = 0; i < 4; i++) add1(r, (float)i, 0, 0, 0, false, false);
  // New transitions enter at the maximum priority so far (1 at the start).
  for (int i = 0; i < 4; i++) CHECK(rlc_sum_tree_get(&r->tree, i) == 1.0);
  int32_t idx[4] = {0, 1, 2, 3};
  float err[4] = {1, 2, 3, 4};
  rlc_replay_update_priorities(r, idx, err, 4);
  // w_i = (N P(i))^-beta / max_j (N P(j))^-beta = (p_i / p_min)^-beta.
  for (int c = 0; c < 50; c++) {
    const rlcReplayBatch *b;
    CHECK_OK(rlc_replay_sample(r, 4, 0.5, &b));
    for (int k = 0; k < 4; k++) {
      double p = err[b->index[k]] + 1e-6, pmin = 1 + 1e-6;
      CHECK_NEAR(b->weight[k], pow(p / pmin, -0.5), 1e-6);
    }
  }
  const rlcReplayBatch *b;
  CHECK_OK(rlc_replay_sample(r, 4, 1.0, &b));
  for (int k = 0; k < 4; k++) CHECK_NEAR(b->weight[k], (1 + 1e-6) / (err[b->index[k]] + 1e-6), 1e-6);
  add1(r, 4, 0, 0, 0, false, false);
  CHECK_NEAR(rlc_sum_tree_get(&r->tree, 4), 4 + 1e-6, 1e-12);
  // Non-finite errors do not poison the tree.
  float bad[1] = {NAN};
  rlc_replay_update_priorities(r, idx, bad, 1);
  CHECK(isfinite(rlc_sum_tree_total(&r->tree)));
  rlc_replay_destroy(r);
}

//------------------------------------------------------------------------------
// n-step transitions
//------------------------------------------------------------------------------

// One stream: episode A terminates at its 4th step (final obs 100), episode B
// is truncated at its 3rd (final obs 200), episode C goes on. Observations are
// numbered so that every field of the stored transitions can be checked.
static void play_episodes(rlcReplay *r) {
  add1(r, 0, 0, 1, 1, false, false);
  add1(r, 1, 1, 2, 2, false, false);
  add1(r, 2, 0, 3, 3, false, false);
  add1(r, 3, 1, 4, 100, true, false);
  add1(r, 10, 0, 10, 11, false, false);
  add1(r, 11, 1, 20, 12, false, false);
  add1(r, 12, 0, 30, 200, false, true);
  add1(r, 50, 1, 5, 51, false, false);
  add1(r, 51, 0, 6, 52, false, false);
  add1(r, 52, 1, 7, 53, false, false);
}

TEST(replay_n_step_returns_hand_computed) {
  for (int quirk = 0; quirk < 2; quirk++) {
    rlcReplayDef d = small_def(16, 3, 0.5);
    d.truncation_terminal = quirk;
    rlcReplay *r;
    CHECK_OK(rlc_replay_create(&d, &r));
    if (!r) return;
    play_episodes(r);
    // A window of 3 stores a transition two steps after it happened.
    CHECK_EQ_INT(r->size, 8);
    // slot: obs, action, 1-step (reward, discount, next), n-step (R, discount, next)
    // R accumulates backwards from the first end inside the window;
    // truncation bootstraps with gamma^k, termination does not.
    double tq = quirk ? 0 : 1;  // the notebook stores truncation as terminal
    struct { float obs; int a; float r, disc, next, R, ndisc, nnext; } want[8] = {
        {0, 0, 1, 0.5f, 1, 2.75f, 0.125f, 3},            // 1 + .5*2 + .25*3
        {1, 1, 2, 0.5f, 2, 4.5f, 0, 100},                 // 2 + .5*3 + .25*4, terminated
        {2, 0, 3, 0.5f, 3, 5, 0, 100},                    // cut at the end: 3 + .5*4
        {3, 1, 4, 0, 100, 4, 0, 100},                     // the terminal step itself
        {10, 0, 10, 0.5f, 11, 27.5f, (float)(0.125 * tq), 200},  // 10 + .5*20 + .25*30, truncated
        {11, 1, 20, 0.5f, 12, 35, (float)(0.25 * tq), 200},      // k = 2
        {12, 0, 30, (float)(0.5 * tq), 200, 30, (float)(0.5 * tq), 200},  // k = 1
        {50, 1, 5, 0.5f, 51, 9.75f, 0.125f, 53},
    };
    int32_t idx[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    const rlcReplayBatch *b;
    CHECK_OK(rlc_replay_gather(r, idx, 8, &b));
    for (int k = 0; b && k < 8; k++) {
      CHECK_MSG(F(b->obs, k) == want[k].obs, "slot %d obs %g", k, F(b->obs, k));
      CHECK_EQ_INT(b->action[k], want[k].a);
      CHECK_MSG(b->reward[k] == want[k].r && b->discount[k] == want[k].disc && F(b->next_obs, k) == want[k].next,
                "slot %d (quirk %d): 1-step %g %g %g", k, quirk, b->reward[k], b->discount[k], F(b->next_obs, k));
      CHECK_MSG(b->n_reward[k] == want[k].R && b->n_discount[k] == want[k].ndisc &&
                    F(b->n_next_obs, k) == want[k].nnext,
                "slot %d (quirk %d): n-step %g %g %g", k, quirk, b->n_reward[k], b->n_discount[k],
                F(b->n_next_obs, k));
      CHECK(b->weight[k] == 1.0f);
    }
    // The n-step rows follow the 1-step rows (one forward pass for both),
    // and each next observation is named by the transition it follows.
    CHECK((float *)b->n_next_obs == (float *)b->next_obs + 8);
    static const int64_t ids[16] = {0, 1, 2, 3, 4, 5, 6, 7, 2, 3, 3, 3, 6, 6, 6, 9};
    for (int k = 0; b && k < 16; k++) CHECK_EQ_INT(b->next_id[k], ids[k]);
    rlc_replay_destroy(r);
  }
}

TEST(replay_n_step_streams_are_separate) {
  rlcReplayDef d = small_def(16, 2, 0.5);
  d.num_streams = 2;
  rlcReplay *r;
  CHECK_OK(rlc_replay_create(&d, &r));
  if (!r) return;
  // Interleaved streams: each window only sees its own stream.
  for (int t = 0; t < 3; t++)
    for (int s = 0; s < 2; s++) {
      float o = (float)(100 * s + t), n = o + 1;
      int32_t a = s;
      CHECK_OK(rlc_replay_add(r, s, &o, &a, 100 * s + t, &n, false, false));
    }
  CHECK_EQ_INT(r->size, 4);
  int32_t idx[4] = {0, 1, 2, 3};
  const rlcReplayBatch *b;
  CHECK_OK(rlc_replay_gather(r, idx, 4, &b));
  float obs[4] = {0, 100, 1, 101}, R[4] = {0 + 0.5f * 1, 100 + 0.5f * 101, 1 + 0.5f * 2, 101 + 0.5f * 102};
  for (int k = 0; b && k < 4; k++) {
    CHECK(F(b->obs, k) == obs[k]);
    CHECK(b->n_reward[k] == R[k]);
    CHECK(F(b->n_next_obs, k) == obs[k] + 2);
    CHECK(b->n_discount[k] == 0.25f);
  }
  rlc_replay_destroy(r);
}

//------------------------------------------------------------------------------
// Ring, sampling, checkpoints, errors
//------------------------------------------------------------------------------

TEST(replay_ring_wraps_around) {
  rlcReplayDef d = small_def(5, 1, 0.9);
  rlcReplay *r;
  CHECK_OK(rlc_replay_create(&d, &r));
  if (!r) return;
  for (int t = 0; t < 8; t++) add1(r, (float)t, t % 2, t, (float)t + 1, t == 6, false);
  CHECK_EQ_INT(r->size, 5);
  CHECK_EQ_INT(r->pos, 3);
  CHECK_EQ_INT(r->added, 8);
  // Slot k holds the newest transition written there: 5, 6, 7, 3, 4.
  int32_t idx[5] = {0, 1, 2, 3, 4};
  float obs[5] = {5, 6, 7, 3, 4};
  const rlcReplayBatch *b;
  CHECK_OK(rlc_replay_gather(r, idx, 5, &b));
  for (int k = 0; b && k < 5; k++) {
    CHECK(F(b->obs, k) == obs[k]);
    CHECK(F(b->next_obs, k) == obs[k] + 1);
    CHECK(b->reward[k] == obs[k]);
    CHECK_EQ_INT(b->action[k], (int)obs[k] % 2);
    CHECK(b->discount[k] == (obs[k] == 6 ? 0.0f : 0.9f));
    CHECK_EQ_INT(b->next_id[k], (int)obs[k]);
    CHECK(b->n_reward == NULL);
  }
  int32_t bad = 5;
  CHECK_ERR(rlc_replay_gather(r, &bad, 1, &b), RLC_ERR_ARG);
  rlc_replay_destroy(r);
}

TEST(replay_sampling_with_and_without_replacement) {
  rlcReplayDef d = small_def(100, 1, 0.9);
  d.replacement = false;
  rlcReplay *r;
  CHECK_OK(rlc_replay_create(&d, &r));
  if (!r) return;
  const rlcReplayBatch *b;
  CHECK_ERR(rlc_replay_sample(r, 1, 0, &b), RLC_ERR_STATE);
  for (int t = 0; t < 40; t++) add1(r, (float)t, 0, 0, 0, false, false);
  for (int c = 0; c < 20; c++) {
    CHECK_OK(rlc_replay_sample(r, 40, 0, &b));  // all 40, each once
    bool seen[40] = {false};
    for (int k = 0; k < 40; k++) {
      CHECK(b->index[k] >= 0 && b->index[k] < 40 && !seen[b->index[k]]);
      if (b->index[k] >= 0 && b->index[k] < 40) seen[b->index[k]] = true;
    }
  }
  CHECK_ERR(rlc_replay_sample(r, 41, 0, &b), RLC_ERR_STATE);
  CHECK_ERR(rlc_replay_sample(r, 65, 0, &b), RLC_ERR_ARG);  // above max_batch
  // Every slot is drawn about equally often.
  long count[40] = {0};
  for (int c = 0; c < 4000; c++) {
    CHECK_OK(rlc_replay_sample(r, 10, 0, &b));
    for (int k = 0; k < 10; k++) count[b->index[k]]++;
  }
  for (int i = 0; i < 40; i++) CHECK_NEAR(count[i] / 40000.0, 1 / 40.0, 0.006);
  rlc_replay_destroy(r);

  d.replacement = true;
  CHECK_OK(rlc_replay_create(&d, &r));
  if (!r) return;
  add1(r, 7, 0, 0, 0, false, false);
  CHECK_OK(rlc_replay_sample(r, 8, 0, &b));  // with replacement: one transition, eight draws
  for (int k = 0; k < 8; k++) CHECK(b->index[k] == 0 && F(b->obs, k) == 7);
  rlc_replay_destroy(r);
}

TEST(replay_checkpoint_continues_exactly) {
  rlcReplayDef d = small_def(50, 3, 0.9);
  d.prioritized = true;
  d.num_streams = 2;
  rlcReplay *r1, *r2;
  CHECK_OK(rlc_replay_create(&d, &r1));
  d.seed = 99;  // the checkpoint brings its own stream
  CHECK_OK(rlc_replay_create(&d, &r2));
  if (!r1 || !r2) return;
  rlcRng rng;
  rlc_rng_seed(&rng, 5);
  float o[1], n[1], err[16];
  for (int t = 0; t < 70; t++) {
    o[0] = (float)t, n[0] = (float)t + 0.5f;
    int32_t a = t % 3;
    CHECK_OK(rlc_replay_add(r1, t % 2, o, &a, t, n, t % 17 == 0, t % 23 == 0));
  }
  const rlcReplayBatch *b;
  CHECK_OK(rlc_replay_sample(r1, 16, 0.4, &b));
  for (int k = 0; k < 16; k++) err[k] = (float)rlc_rng_uniform(&rng, -3, 3);
  rlc_replay_update_priorities(r1, b->index, err, 16);
  rlcBuf buf = {0};
  rlc_replay_state_put(r1, &buf);
  CHECK_OK(rlc_replay_state_get(r2, &buf));
  CHECK_EQ_INT(buf.pos, buf.len);
  for (int t = 70; t < 80; t++) {
    o[0] = (float)t, n[0] = (float)t + 0.5f;
    int32_t a = 1;
    CHECK_OK(rlc_replay_add(r1, t % 2, o, &a, t, n, false, t == 75));
    CHECK_OK(rlc_replay_add(r2, t % 2, o, &a, t, n, false, t == 75));
  }
  for (int c = 0; c < 5; c++) {
    const rlcReplayBatch *b1, *b2;
    CHECK_OK(rlc_replay_sample(r1, 16, 0.7, &b1));
    CHECK_OK(rlc_replay_sample(r2, 16, 0.7, &b2));
    CHECK(!memcmp(b1->index, b2->index, 16 * sizeof(int32_t)));
    CHECK(!memcmp(b1->weight, b2->weight, 16 * sizeof(float)));
    CHECK(!memcmp(b1->n_reward, b2->n_reward, 16 * sizeof(float)));
    CHECK(!memcmp(b1->next_obs, b2->next_obs, 32 * sizeof(float)));
  }
  // A checkpoint of another shape is refused with a message.
  rlcReplayDef other = d;
  other.capacity = 40;
  rlcReplay *r3;
  CHECK_OK(rlc_replay_create(&other, &r3));
  buf.pos = 0;
  buf.err = RLC_OK;
  CHECK_ERR(rlc_replay_state_get(r3, &buf), RLC_ERR_FORMAT);
  CHECK(strstr(rlc_last_error(), "capacity") != NULL);
  // A truncated one too.
  rlcBuf cut = {buf.data, buf.len / 2, buf.len / 2, 0, RLC_OK};
  CHECK(rlc_replay_state_get(r2, &cut) != RLC_OK);
  rlc_buf_free(&buf);
  rlc_replay_destroy(r1);
  rlc_replay_destroy(r2);
  rlc_replay_destroy(r3);
}

TEST(replay_rejects_bad_settings) {
  rlcReplay *r = (rlcReplay *)1;
  rlcReplayDef d = small_def(10, 1, 0.9);
  d.capacity = 0;
  CHECK_ERR(rlc_replay_create(&d, &r), RLC_ERR_ARG);
  CHECK(r == NULL);
  d = small_def(10, 0, 0.9);
  CHECK_ERR(rlc_replay_create(&d, &r), RLC_ERR_ARG);
  d = small_def(10, 1, 1.5);
  CHECK_ERR(rlc_replay_create(&d, &r), RLC_ERR_ARG);
  d = small_def(10, 1, 0.9);
  d.obs_size = 0;
  CHECK_ERR(rlc_replay_create(&d, &r), RLC_ERR_ARG);
  d = small_def(10, 1, 0.9);
  d.prioritized = true;
  d.alpha = -1;
  CHECK_ERR(rlc_replay_create(&d, &r), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "alpha") != NULL);
  // Transitions from a stream that does not exist, or negative actions.
  d = small_def(10, 2, 0.9);
  CHECK_OK(rlc_replay_create(&d, &r));
  float o = 0;
  int32_t a0 = 0, neg = -1;
  CHECK_ERR(rlc_replay_add(r, 1, &o, &a0, 0, &o, false, false), RLC_ERR_ARG);
  CHECK_ERR(rlc_replay_add(r, -1, &o, &a0, 0, &o, false, false), RLC_ERR_ARG);
  CHECK_ERR(rlc_replay_add(r, 0, &o, &neg, 0, &o, false, false), RLC_ERR_ARG);
  CHECK_EQ_INT(r->serial, 0);
  rlc_replay_destroy(r);
  rlc_replay_destroy(NULL);
}

//------------------------------------------------------------------------------
// Layouts: uint8 observations, float action vectors
//------------------------------------------------------------------------------

// MinAtar-shaped frames: (10, 10, 4) uint8, 400 bytes each.
enum { PIX = 400, ADIM = 3, STEPS = 90 };

// Transition t of the test stream: every byte and action element depends on
// t (and next_obs differs from the next transition's obs), so a row written
// to or read from the wrong place, or one truncated, shows.
static void pixel_obs(uint8_t *o, int t, int which) {
  for (int j = 0; j < PIX; j++) o[j] = (uint8_t)(t * 31 + j * 7 + which * 101 + (j >> 5));
}

static void act_vec(float *a, int t) {
  for (int j = 0; j < ADIM; j++) a[j] = (float)t * 0.25f - (float)j * 1.5f + 0.125f;
}

static rlcReplayDef pixel_def(void) {
  rlcReplayDef d = small_def(64, 3, 0.9);
  d.obs_dtype = RLC_U8;
  d.obs_size = PIX;
  d.action_dim = ADIM;
  d.num_streams = 2;
  d.prioritized = true;
  d.max_batch = 64;
  return d;
}

static bool done_at(int t) { return t % 11 == 5; }
static bool trunc_at(int t) { return t % 13 == 7; }

static void add_pixels(rlcReplay *r, int t) {
  uint8_t o[PIX], n[PIX];
  float a[ADIM];
  pixel_obs(o, t, 0);
  pixel_obs(n, t, 1);
  act_vec(a, t);
  CHECK_OK(rlc_replay_add(r, t % 2, o, a, t, n, done_at(t), trunc_at(t)));
}

// A float32 twin of the same transitions (one value per observation: t), to
// compare everything that does not depend on the layout.
static void add_twin(rlcReplay *r, int t) {
  float o = (float)t, n = (float)t + 0.5f;
  int32_t a = t % 4;
  CHECK_OK(rlc_replay_add(r, t % 2, &o, &a, t, &n, done_at(t), trunc_at(t)));
}

// Rows of a batch against what was added: slot k holds transition next_id[k];
// its n-step next observation is that of transition next_id[n + k].
static void check_pixel_rows(const rlcReplayBatch *b) {
  uint8_t o[PIX], n[PIX];
  float a[ADIM];
  const uint8_t *bo = b->obs, *bn = b->next_obs, *bnn = b->n_next_obs;
  CHECK(bnn == bn + (size_t)b->n * PIX);
  CHECK(b->action == NULL && b->action_f != NULL);
  for (int k = 0; k < b->n; k++) {
    int t = (int)b->next_id[k], tn = (int)b->next_id[b->n + k];
    pixel_obs(o, t, 0);
    pixel_obs(n, t, 1);
    act_vec(a, t);
    CHECK_MSG(!memcmp(bo + (size_t)k * PIX, o, PIX), "row %d (transition %d): obs", k, t);
    CHECK_MSG(!memcmp(bn + (size_t)k * PIX, n, PIX), "row %d (transition %d): next_obs", k, t);
    CHECK_MSG(!memcmp(b->action_f + (size_t)k * ADIM, a, sizeof a), "row %d (transition %d): action", k, t);
    pixel_obs(n, tn, 1);
    CHECK_MSG(tn >= t && tn <= t + 4 && (tn - t) % 2 == 0 && !memcmp(bnn + (size_t)k * PIX, n, PIX),
              "row %d (transition %d): n-step next_obs of %d", k, t, tn);
  }
}

static long long alloc_calls;
static void *counting_malloc(size_t n, void *u) { (void)u; alloc_calls++; return malloc(n); }
static void *counting_realloc(void *p, size_t n, void *u) { (void)u; alloc_calls++; return realloc(p, n); }
static void plain_free(void *p, void *u) { (void)u; free(p); }

TEST(replay_uint8_obs_float_actions_n_step_per) {
  rlcReplayDef d = pixel_def(), dt = pixel_def();
  dt.obs_dtype = RLC_F32;
  dt.obs_size = 1;
  dt.action_dim = 0;
  rlcReplay *r, *twin;
  CHECK_OK(rlc_replay_create(&d, &r));
  CHECK_OK(rlc_replay_create(&dt, &twin));
  if (!r || !twin) return;
  // Stored as they come: one byte an element, three floats an action.
  CHECK_EQ_INT(r->obs_bytes, PIX);
  CHECK_EQ_INT(r->act_bytes, ADIM * sizeof(float));
  // Adding and sampling allocate nothing.
  alloc_calls = 0;
  rlcAllocator counting = {counting_malloc, counting_realloc, plain_free, NULL};
  rlc_set_allocator(&counting);
  for (int t = 0; t < STEPS; t++) add_pixels(r, t), add_twin(twin, t);
  const rlcReplayBatch *b, *bt;
  rlcStatus s1 = rlc_replay_sample(r, 32, 0.4, &b), s2 = rlc_replay_sample(twin, 32, 0.4, &bt);
  rlc_set_allocator(NULL);
  CHECK_OK(s1);
  CHECK_OK(s2);
  CHECK_EQ_INT(alloc_calls, 0);
  CHECK_EQ_INT(r->size, 64);  // the ring wrapped: 90 - 2 x 2 pending
  // Every slot, by gather: exact rows, and the twin's scalars.
  int32_t idx[64];
  for (int k = 0; k < 64; k++) idx[k] = k;
  CHECK_OK(rlc_replay_gather(r, idx, 64, &b));
  check_pixel_rows(b);
  CHECK_OK(rlc_replay_gather(twin, idx, 64, &bt));
  CHECK(!memcmp(b->next_id, bt->next_id, 128 * sizeof(int64_t)));
  CHECK(!memcmp(b->reward, bt->reward, 64 * sizeof(float)));
  CHECK(!memcmp(b->discount, bt->discount, 64 * sizeof(float)));
  CHECK(!memcmp(b->n_reward, bt->n_reward, 64 * sizeof(float)));
  CHECK(!memcmp(b->n_discount, bt->n_discount, 64 * sizeof(float)));
  // Prioritized sampling: the same draws and weights as the twin (the
  // layout changes no random stream), rows still exact.
  float err[32];
  for (int c = 0; c < 4; c++) {
    CHECK_OK(rlc_replay_sample(r, 32, 0.5, &b));
    CHECK_OK(rlc_replay_sample(twin, 32, 0.5, &bt));
    CHECK(!memcmp(b->index, bt->index, 32 * sizeof(int32_t)));
    CHECK(!memcmp(b->weight, bt->weight, 32 * sizeof(float)));
    check_pixel_rows(b);
    for (int k = 0; k < 32; k++) err[k] = (float)((b->index[k] * 7 + c) % 5) + 0.5f;
    rlc_replay_update_priorities(r, b->index, err, 32);
    rlc_replay_update_priorities(twin, bt->index, err, 32);
  }
  rlc_replay_destroy(r);
  rlc_replay_destroy(twin);
}

TEST(replay_uint8_float_actions_checkpoint_and_layout_mismatch) {
  rlcReplayDef d = pixel_def();
  rlcReplay *r1, *r2;
  CHECK_OK(rlc_replay_create(&d, &r1));
  d.seed = 77;
  CHECK_OK(rlc_replay_create(&d, &r2));
  if (!r1 || !r2) return;
  for (int t = 0; t < 50; t++) add_pixels(r1, t);  // windows part full
  rlcBuf buf = {0};
  rlc_replay_state_put(r1, &buf);
  CHECK_OK(rlc_replay_state_get(r2, &buf));
  CHECK_EQ_INT(buf.pos, buf.len);
  for (int t = 50; t < 80; t++) add_pixels(r1, t), add_pixels(r2, t);
  for (int c = 0; c < 3; c++) {
    const rlcReplayBatch *b1, *b2;
    CHECK_OK(rlc_replay_sample(r1, 16, 0.6, &b1));
    CHECK_OK(rlc_replay_sample(r2, 16, 0.6, &b2));
    CHECK(!memcmp(b1->index, b2->index, 16 * sizeof(int32_t)));
    CHECK(!memcmp(b1->obs, b2->obs, 16 * PIX));
    CHECK(!memcmp(b1->next_obs, b2->next_obs, 32 * PIX));
    CHECK(!memcmp(b1->action_f, b2->action_f, 16 * ADIM * sizeof(float)));
    check_pixel_rows(b2);
  }
  // Same shape, another layout: refused, naming both.
  struct { rlcDType dtype; int adim; const char *word; } other[3] = {
      {RLC_F32, ADIM, "float32 observations"}, {RLC_U8, 2, "actions of 2"}, {RLC_U8, 0, "discrete"}};
  for (int i = 0; i < 3; i++) {
    rlcReplayDef od = pixel_def();
    od.obs_dtype = other[i].dtype;
    od.action_dim = other[i].adim;
    rlcReplay *r3;
    CHECK_OK(rlc_replay_create(&od, &r3));
    if (!r3) continue;
    buf.pos = 0;
    buf.err = RLC_OK;
    CHECK_ERR(rlc_replay_state_get(r3, &buf), RLC_ERR_FORMAT);
    CHECK_MSG(strstr(rlc_last_error(), other[i].word) && strstr(rlc_last_error(), "uint8 observations, float32 actions of 3"),
              "%s", rlc_last_error());
    rlc_replay_destroy(r3);
  }
  rlc_buf_free(&buf);
  rlc_replay_destroy(r1);
  rlc_replay_destroy(r2);
}

TEST(replay_rejects_bad_layouts) {
  rlcReplay *r = NULL;
  rlcReplayDef d = pixel_def();
  d.obs_dtype = RLC_I32;
  CHECK_ERR(rlc_replay_create(&d, &r), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "float32 or uint8") != NULL);
  d = pixel_def();
  d.action_dim = -1;
  CHECK_ERR(rlc_replay_create(&d, &r), RLC_ERR_ARG);
  CHECK(r == NULL);
  // Non-finite action elements are refused before they reach a learner.
  d = pixel_def();
  CHECK_OK(rlc_replay_create(&d, &r));
  if (!r) return;
  uint8_t o[PIX] = {0};
  float a[ADIM] = {0, NAN, 0};
  CHECK_ERR(rlc_replay_add(r, 0, o, a, 0, o, false, false), RLC_ERR_ARG);
  a[1] = INFINITY;
  CHECK_ERR(rlc_replay_add(r, 0, o, a, 0, o, false, false), RLC_ERR_ARG);
  CHECK_ERR(rlc_replay_add(r, 0, o, NULL, 0, o, false, false), RLC_ERR_ARG);
  CHECK_EQ_INT(r->serial, 0);
  rlc_replay_destroy(r);
}
