// tests/test_rollout.c: the on-policy data layer — GAE(lambda) against a
// rollout computed by hand with a truncation and a termination inside it,
// REINFORCE's discounted and normalized returns against the book's worked
// example, the running mean/std against its closed form (and batch = one by
// one), reward normalization by hand, advantage normalization, and the
// rollout buffer's checkpoint round trip (float32 and discrete; uint8
// observations and float action vectors).
// Depends on: tests/test.h, rlc/rollout.h (src/data/rollout.c).
#include "test.h"

// Two envs, four steps, gamma 0.9, lambda 0.8. Env 0 is truncated at step 1
// (V(final obs) = 10); env 1 terminates at step 2. By hand (gl = 0.72):
//   env 0: t3 d = 4 + .9*3 - 2 = 4.7                      adv 4.7
//          t2 d = 3 + .9*2 - 1.5 = 3.3                    adv 3.3 + .72*4.7 = 6.684
//          t1 truncated: d = 2 + .9*10 - 1 = 10            adv 10 (nothing from t2)
//          t0 d = 1 + .9*1 - .5 = 1.4                     adv 1.4 + .72*10 = 8.6
//   env 1: t3 d = 1 + .9*5 - 4 = 1.5                      adv 1.5
//          t2 terminated: d = 1 + 0 - 3 = -2               adv -2
//          t1 d = 1 + .9*3 - 2 = 1.7                      adv 1.7 + .72*-2 = 0.26
//          t0 d = 1 + .9*2 - 1 = 1.8                      adv 1.8 + .72*.26 = 1.9872
TEST(rollout_gae_truncation_and_termination) {
  const int T = 4, N = 2;
  const float rewards[] = {1, 1, 2, 1, 3, 1, 4, 1};
  const float values[] = {0.5f, 1, 1, 2, 1.5f, 3, 2, 4};
  const float final_values[] = {0, 0, 10, 0, 0, 0, 0, 0};
  const float last_values[] = {3, 5};
  const bool terminated[] = {0, 0, 0, 0, 0, 1, 0, 0};
  const bool truncated[] = {0, 0, 1, 0, 0, 0, 0, 0};
  const double want_adv[] = {8.6, 1.9872, 10, 0.26, 6.684, -2, 4.7, 1.5};
  float adv[8], ret[8];
  rlc_gae(adv, ret, rewards, values, final_values, last_values, terminated, truncated, T, N, 0.9, 0.8);
  for (int k = 0; k < T * N; k++) {
    CHECK_NEAR(adv[k], want_adv[k], 1e-5);
    CHECK_NEAR(ret[k], want_adv[k] + values[k], 1e-5);
  }
  // lambda = 0 is one-step TD; lambda = 1, gamma = 1 sums the rewards to the end.
  rlc_gae(adv, NULL, rewards, values, final_values, last_values, terminated, truncated, T, N, 0.9, 0.0);
  CHECK_NEAR(adv[0], 1.4, 1e-6);
  CHECK_NEAR(adv[2], 10, 1e-6);
  rlc_gae(adv, ret, rewards, values, final_values, last_values, terminated, truncated, T, N, 1.0, 1.0);
  CHECK_NEAR(ret[1], 1 + 1 + 1, 1e-6);          // env 1 from t0: three rewards, then termination
  CHECK_NEAR(ret[4], 3 + 4 + 3, 1e-6);          // env 0 from t2: rewards then V(last) = 3
  CHECK_NEAR(ret[0], 1 + 2 + 10, 1e-6);         // env 0 from t0: bootstraps at the truncation
}

TEST(rollout_buffer_compute_and_checkpoint) {
  rlcRollout *r, *r2;
  CHECK_ERR(rlc_rollout_create(0, 2, RLC_F32, 3, 0, &r), RLC_ERR_ARG);
  CHECK_ERR(rlc_rollout_create(4, 2, RLC_F32, 3, -1, &r), RLC_ERR_ARG);
  CHECK_ERR(rlc_rollout_create(4, 2, RLC_I32, 3, 0, &r), RLC_ERR_ARG);
  CHECK_ERR(rlc_rollout_create(4, 2, RLC_F32, 0, 0, &r), RLC_ERR_ARG);
  CHECK_OK(rlc_rollout_create(4, 2, RLC_F32, 3, 0, &r));
  CHECK_OK(rlc_rollout_create(4, 2, RLC_F32, 3, 0, &r2));
  const float rewards[] = {1, 1, 2, 1, 3, 1, 4, 1};
  const float values[] = {0.5f, 1, 1, 2, 1.5f, 3, 2, 4};
  memcpy(r->rewards, rewards, sizeof rewards);
  memcpy(r->values, values, sizeof values);
  r->truncated[rlc_rollout_at(r, 1, 0)] = true;
  r->final_values[rlc_rollout_at(r, 1, 0)] = 10;
  r->terminated[rlc_rollout_at(r, 2, 1)] = true;
  r->last_values[0] = 3, r->last_values[1] = 5;
  for (int k = 0; k < 8 * 3; k++) ((float *)r->obs)[k] = (float)k;
  for (int k = 0; k < 8; k++) r->act_i[k] = k % 2;
  r->t = 4;
  rlc_rollout_compute(r, 0.9, 0.8);
  CHECK_NEAR(r->adv[0], 8.6, 1e-5);
  CHECK_NEAR(r->ret[5], 1, 1e-5);
  rlcBuf b = {0};
  rlc_rollout_state_put(r, &b);
  CHECK_OK(rlc_rollout_state_get(r2, &b));
  CHECK_EQ_INT(r2->t, 4);
  CHECK(!memcmp(r2->obs, r->obs, sizeof(float) * 24));
  CHECK(!memcmp(r2->adv, r->adv, sizeof(float) * 8));
  CHECK(!memcmp(r2->act_i, r->act_i, sizeof(int32_t) * 8));
  CHECK(r2->truncated[2] && r2->terminated[5] && !r2->terminated[2]);
  // Another shape is refused; a cut buffer is refused.
  rlcRollout *r3;
  CHECK_OK(rlc_rollout_create(4, 3, RLC_F32, 3, 0, &r3));
  b.pos = 0;
  CHECK_ERR(rlc_rollout_state_get(r3, &b), RLC_ERR_FORMAT);
  rlcBuf cut = {b.data, b.len - 5, b.cap, 0, RLC_OK};
  CHECK_ERR(rlc_rollout_state_get(r2, &cut), RLC_ERR_FORMAT);
  rlc_buf_free(&b);
  rlc_rollout_destroy(r);
  rlc_rollout_destroy(r2);
  rlc_rollout_destroy(r3);
  // Box actions get a float array.
  CHECK_OK(rlc_rollout_create(2, 2, RLC_F32, 3, 2, &r));
  CHECK(r->act_f && !r->act_i && r->act_size == 2 && !r->discrete);
  rlc_rollout_destroy(r);
}

// MinAtar-shaped uint8 observations (10, 10, 4) and 3-d float actions: rows
// stored at one byte an element, exact through a checkpoint; a rollout of
// another layout refuses the checkpoint.
TEST(rollout_uint8_obs_float_actions_round_trip) {
  enum { T = 5, N = 3, PIX = 400, AD = 3 };
  rlcRollout *r, *r2, *r3;
  CHECK_OK(rlc_rollout_create(T, N, RLC_U8, PIX, AD, &r));
  CHECK_OK(rlc_rollout_create(T, N, RLC_U8, PIX, AD, &r2));
  if (!r || !r2) return;
  CHECK_EQ_INT(r->obs_bytes, PIX);
  CHECK(r->act_f && !r->act_i && r->act_size == AD);
  for (int t = 0; t < T; t++)
    for (int i = 0; i < N; i++) {
      size_t k = rlc_rollout_at(r, t, i);
      uint8_t *o = rlc_rollout_obs(r, k);
      for (int j = 0; j < PIX; j++) o[j] = (uint8_t)(k * 37 + j * 3 + (j >> 6));
      for (int j = 0; j < AD; j++) r->act_f[k * AD + j] = (float)k - 0.5f * (float)j;
      r->values[k] = (float)k;
    }
  r->t = T;
  rlcBuf b = {0};
  rlc_rollout_state_put(r, &b);
  CHECK_OK(rlc_rollout_state_get(r2, &b));
  CHECK_EQ_INT(b.pos, b.len);
  CHECK_EQ_INT(r2->t, T);
  CHECK(!memcmp(r2->obs, r->obs, (size_t)T * N * PIX));
  CHECK(!memcmp(r2->act_f, r->act_f, sizeof(float) * T * N * AD));
  CHECK(!memcmp(r2->values, r->values, sizeof(float) * T * N));
  // Row k is where it was written, whole.
  for (int k = 0; k < T * N; k++) {
    const uint8_t *o = rlc_rollout_obs(r2, (size_t)k);
    bool same = true;
    for (int j = 0; j < PIX; j++) same &= o[j] == (uint8_t)(k * 37 + j * 3 + (j >> 6));
    CHECK_MSG(same, "row %d", k);
  }
  // Same sizes, float32 observations, or discrete actions: refused.
  CHECK_OK(rlc_rollout_create(T, N, RLC_F32, PIX, AD, &r3));
  b.pos = 0;
  CHECK_ERR(rlc_rollout_state_get(r3, &b), RLC_ERR_FORMAT);
  CHECK(strstr(rlc_last_error(), "uint8") != NULL);
  rlc_rollout_destroy(r3);
  CHECK_OK(rlc_rollout_create(T, N, RLC_U8, PIX, 0, &r3));
  b.pos = 0;
  CHECK_ERR(rlc_rollout_state_get(r3, &b), RLC_ERR_FORMAT);
  rlc_rollout_destroy(r3);
  rlc_buf_free(&b);
  rlc_rollout_destroy(r);
  rlc_rollout_destroy(r2);
}

// Hands-On ML ch. 18's worked example.
TEST(rollout_reinforce_returns_match_the_book) {
  const double r1[] = {10, 0, -50};
  double out[5];
  rlc_discount_rewards(out, r1, 3, 0.8);
  CHECK_NEAR(out[0], -22, 1e-12);
  CHECK_NEAR(out[1], -40, 1e-12);
  CHECK_NEAR(out[2], -50, 1e-12);
  const double all[] = {10, 0, -50, 10, 20};
  const int lengths[] = {3, 2};
  const double want[] = {-0.28435071, -0.86597718, -1.18910299, 1.26665318, 1.0727777};
  rlc_discount_normalize(out, all, lengths, 2, 0.8);
  for (int k = 0; k < 5; k++) CHECK_NEAR(out[k], want[k], 1e-8);
  // In place, and equal returns give zeros rather than 0/0.
  double same[] = {1, 1};
  const int one[] = {1, 1};
  rlc_discount_normalize(same, same, one, 2, 0.9);
  CHECK(same[0] == 0 && same[1] == 0);
}

TEST(rollout_running_mean_std) {
  rlcRunningMeanStd r, r1;
  CHECK_ERR(rlc_rms_init(&r, 0), RLC_ERR_ARG);
  CHECK_OK(rlc_rms_init(&r, 2));
  CHECK_OK(rlc_rms_init(&r1, 2));
  float x[10] = {1, -2, 3, 0, 5, 2, 7, 4, 9, 6};  // 5 samples of 2
  rlc_rms_update(&r, x, 5);
  for (int b = 0; b < 5; b++) rlc_rms_update(&r1, x + 2 * b, 1);
  // Closed form with Gymnasium's prior (mean 0, var 1, count 1e-4).
  for (int j = 0; j < 2; j++) {
    double m = 0, v = 0, c0 = 1e-4, n = 5;
    for (int b = 0; b < 5; b++) m += x[2 * b + j];
    m /= n;
    for (int b = 0; b < 5; b++) v += (x[2 * b + j] - m) * (x[2 * b + j] - m);
    v /= n;
    double tot = c0 + n, mean = m * n / tot, var = (c0 + v * n + m * m * c0 * n / tot) / tot;
    CHECK_NEAR(r.mean[j], mean, 1e-12);
    CHECK_NEAR(r.var[j], var, 1e-12);
    CHECK_NEAR(r1.mean[j], mean, 1e-12);
    CHECK_NEAR(r1.var[j], var, 1e-12);
  }
  CHECK_NEAR(r.count, 5.0001, 1e-12);
  float y[10];
  rlc_rms_normalize(&r, y, x, 5, 0);
  CHECK_NEAR(y[0], (1 - r.mean[0]) / sqrt(r.var[0] + 1e-8), 1e-6);
  float far[2] = {1000, -1000};
  rlc_rms_normalize(&r, far, far, 1, 5);
  CHECK(far[0] == 5 && far[1] == -5);
  rlcBuf b = {0};
  rlc_rms_state_put(&r, &b);
  rlc_rms_reset(&r1);
  CHECK_OK(rlc_rms_state_get(&r1, &b));
  CHECK(r1.count == r.count && r1.mean[1] == r.mean[1] && r1.var[0] == r.var[0]);
  rlcRunningMeanStd r3;
  CHECK_OK(rlc_rms_init(&r3, 3));
  b.pos = 0;
  CHECK_ERR(rlc_rms_state_get(&r3, &b), RLC_ERR_FORMAT);
  rlc_buf_free(&b);
  rlc_rms_free(&r);
  rlc_rms_free(&r1);
  rlc_rms_free(&r3);
}

TEST(rollout_reward_normalization) {
  rlcRewardNorm n;
  CHECK_OK(rlc_reward_norm_init(&n, 2, 0.5, 0));
  const double r1[] = {2, -1}, r2[] = {4, 3};
  const bool no[] = {0, 0}, end0[] = {1, 0};
  float out[2];
  rlc_reward_norm_step(&n, out, r1, end0, no);
  // Returns after step 1: (2, -1); env 0's episode ended, so it restarts.
  double m = 0.5, v = 2.25, c0 = 1e-4, tot = c0 + 2;
  double mean = m * 2 / tot, var = (c0 + v * 2 + m * m * c0 * 2 / tot) / tot;
  CHECK_NEAR(n.rms.mean[0], mean, 1e-12);
  CHECK_NEAR(n.rms.var[0], var, 1e-12);
  CHECK_NEAR(out[0], 2 / sqrt(var + 1e-8), 1e-5);
  CHECK_NEAR(out[1], -1 / sqrt(var + 1e-8), 1e-5);
  CHECK(n.ret[0] == 0 && n.ret[1] == -1);
  rlc_reward_norm_step(&n, out, r2, no, no);
  CHECK(n.ret[0] == 4 && n.ret[1] == 2.5);  // 0.5 * -1 + 3
  CHECK_NEAR(out[0], 4 / sqrt(n.rms.var[0] + 1e-8), 1e-5);
  rlcRewardNorm n2;
  CHECK_OK(rlc_reward_norm_init(&n2, 2, 0.5, 0));
  rlcBuf b = {0};
  rlc_reward_norm_state_put(&n, &b);
  CHECK_OK(rlc_reward_norm_state_get(&n2, &b));
  CHECK(n2.ret[1] == 2.5 && n2.rms.var[0] == n.rms.var[0] && n2.rms.count == n.rms.count);
  rlc_buf_free(&b);
  // Clipping.
  rlcRewardNorm n3;
  CHECK_OK(rlc_reward_norm_init(&n3, 1, 0.99, 1.5));
  const double big[] = {1e6};
  rlc_reward_norm_step(&n3, out, big, no, no);
  CHECK(out[0] == 1.5f);
  rlc_reward_norm_free(&n);
  rlc_reward_norm_free(&n2);
  rlc_reward_norm_free(&n3);
}

TEST(rollout_advantage_normalization) {
  float a[4] = {1, 2, 3, 4};
  rlc_normalize_advantages(a, 4);
  double sd = sqrt(5.0 / 3.0);  // torch's unbiased std of 1..4
  CHECK_NEAR(a[0], -1.5 / (sd + 1e-8), 1e-6);
  CHECK_NEAR(a[3], 1.5 / (sd + 1e-8), 1e-6);
  float one[1] = {7};
  rlc_normalize_advantages(one, 1);
  CHECK(one[0] == 0);
}
