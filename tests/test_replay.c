// tests/test_replay.c: replay memories — sum-tree invariants and prefix search,
// proportional sampling frequencies, importance weights and new transitions at
// the maximum priority, n-step returns against hand-computed episodes (an end
// inside the window; termination against truncation; the notebook's quirk),
// ring wrap-around, sampling without replacement, checkpoints, bad settings.
// Depends on: tests/test.h, rlc/replay.h (src/data/replay.c).
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
  CHECK_OK(rlc_replay_add(r, 0, &obs, a, rew, &next, term, trunc));
}

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
        CHECK(b->obs[k] == (float)b->index[k]);
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
      CHECK_MSG(b->obs[k] == want[k].obs, "slot %d obs %g", k, b->obs[k]);
      CHECK_EQ_INT(b->action[k], want[k].a);
      CHECK_MSG(b->reward[k] == want[k].r && b->discount[k] == want[k].disc && b->next_obs[k] == want[k].next,
                "slot %d (quirk %d): 1-step %g %g %g", k, quirk, b->reward[k], b->discount[k], b->next_obs[k]);
      CHECK_MSG(b->n_reward[k] == want[k].R && b->n_discount[k] == want[k].ndisc &&
                    b->n_next_obs[k] == want[k].nnext,
                "slot %d (quirk %d): n-step %g %g %g", k, quirk, b->n_reward[k], b->n_discount[k],
                b->n_next_obs[k]);
      CHECK(b->weight[k] == 1.0f);
    }
    // The n-step rows follow the 1-step rows (one forward pass for both),
    // and each next observation is named by the transition it follows.
    CHECK(b->n_next_obs == b->next_obs + 8);
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
      CHECK_OK(rlc_replay_add(r, s, &o, s, 100 * s + t, &n, false, false));
    }
  CHECK_EQ_INT(r->size, 4);
  int32_t idx[4] = {0, 1, 2, 3};
  const rlcReplayBatch *b;
  CHECK_OK(rlc_replay_gather(r, idx, 4, &b));
  float obs[4] = {0, 100, 1, 101}, R[4] = {0 + 0.5f * 1, 100 + 0.5f * 101, 1 + 0.5f * 2, 101 + 0.5f * 102};
  for (int k = 0; b && k < 4; k++) {
    CHECK(b->obs[k] == obs[k]);
    CHECK(b->n_reward[k] == R[k]);
    CHECK(b->n_next_obs[k] == obs[k] + 2);
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
    CHECK(b->obs[k] == obs[k]);
    CHECK(b->next_obs[k] == obs[k] + 1);
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
  for (int k = 0; k < 8; k++) CHECK(b->index[k] == 0 && b->obs[k] == 7);
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
    CHECK_OK(rlc_replay_add(r1, t % 2, o, t % 3, t, n, t % 17 == 0, t % 23 == 0));
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
    CHECK_OK(rlc_replay_add(r1, t % 2, o, 1, t, n, false, t == 75));
    CHECK_OK(rlc_replay_add(r2, t % 2, o, 1, t, n, false, t == 75));
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
  CHECK_ERR(rlc_replay_add(r, 1, &o, 0, 0, &o, false, false), RLC_ERR_ARG);
  CHECK_ERR(rlc_replay_add(r, -1, &o, 0, 0, &o, false, false), RLC_ERR_ARG);
  CHECK_ERR(rlc_replay_add(r, 0, &o, -1, 0, &o, false, false), RLC_ERR_ARG);
  CHECK_EQ_INT(r->serial, 0);
  rlc_replay_destroy(r);
  rlc_replay_destroy(NULL);
}
