// tests/test_api.c: the agent calls as functions (rlc_agent_act, _observe,
// _update) and one training step (rlc_run_step): bad arguments are one-line
// errors, and a step is exactly the class calls the driver used to make.
// Depends on: tests/test.h, rlc/agent.h, rlc/run.h.
#include <stdlib.h>
#include <string.h>

#include "test.h"

TEST(api_agent_calls_refuse_bad_arguments) {
  rlcEnvSpec *spec;
  CHECK_OK(rlc_env_spec_create("CartPole-v1", NULL, &spec));
  if (!spec) return;
  rlcAgent *ag;
  CHECK_OK(rlc_agent_create("ppo", spec, "num_steps=8", 0, 1, &ag));
  if (ag) {
    float obs[4] = {0};
    int32_t a = -1;
    CHECK_ERR(rlc_agent_act(NULL, obs, 1, false, &a), RLC_ERR_ARG);
    CHECK_ERR(rlc_agent_act(ag, NULL, 1, false, &a), RLC_ERR_ARG);
    CHECK_ERR(rlc_agent_act(ag, obs, 0, false, &a), RLC_ERR_ARG);
    CHECK_ERR(rlc_agent_act(ag, obs, 1, false, NULL), RLC_ERR_ARG);
    CHECK_OK(rlc_agent_act(ag, obs, 1, false, &a));
    CHECK(a == 0 || a == 1);
    CHECK_ERR(rlc_agent_observe(NULL, NULL), RLC_ERR_ARG);
    CHECK_ERR(rlc_agent_observe(ag, NULL), RLC_ERR_ARG);
    CHECK_ERR(rlc_agent_update(NULL), RLC_ERR_ARG);
    CHECK_OK(rlc_agent_update(ag));
  }
  rlc_agent_destroy(ag);
  rlc_env_spec_destroy(spec);
}

typedef struct Pair {
  rlcVecEnv *v;
  rlcAgent *ag;
} Pair;

static bool pair_open(Pair *p, int num_envs, int agent_envs) {
  rlcVecEnvDef vd = rlc_vec_env_default_def();
  vd.num_envs = num_envs;
  p->ag = NULL;
  CHECK_OK(rlc_vec_env_create("CartPole-v1", NULL, &vd, &p->v));
  if (!p->v) return false;
  CHECK_OK(rlc_vec_env_reset(p->v, 3));
  CHECK_OK(rlc_agent_create("ppo", p->v->spec, "num_steps=16", 5, agent_envs, &p->ag));
  return p->ag != NULL;
}

static void pair_close(Pair *p) {
  rlc_agent_destroy(p->ag);
  rlc_vec_env_destroy(p->v);
}

static void agent_bytes(const rlcAgent *ag, rlcBuf *b) {
  memset(b, 0, sizeof *b);
  ag->cls->save(ag, b);
  CHECK_OK(b->err);
}

// Two identical agents and envs, one trained by rlc_run_step, the other by
// the class calls written out: the same actions, transitions and agent bytes;
// where an episode ended, the step's next observation is its final one.
TEST(api_run_step_is_the_driver_loop) {
  enum { N = 3, D = 4, STEPS = 200 };
  Pair a, b;
  bool ok = pair_open(&a, N, N);
  ok = pair_open(&b, N, N) && ok;
  float obs[N * D], next[N * D], obs_b[N * D], next_b[N * D];
  int32_t act[N], act_b[N];
  int ended = 0;
  for (int t = 0; ok && t < STEPS; t++) {
    CHECK_OK(rlc_run_step(a.ag, a.v, true, obs, act, next));
    b.ag->cls->act(b.ag, b.v->obs, N, true, act_b);
    memcpy(obs_b, b.v->obs, sizeof obs_b);
    CHECK_OK(rlc_vec_env_step(b.v, act_b));
    memcpy(next_b, b.v->obs, sizeof next_b);
    for (int i = 0; i < N; i++)
      if (b.v->terminated[i] || b.v->truncated[i])
        memcpy(next_b + i * D, (float *)b.v->final_obs + i * D, sizeof(float) * D);
    rlcStepBatch sb = {N, obs_b, act_b, b.v->reward, b.v->terminated, b.v->truncated, next_b,
                       b.v->final_return, b.v->final_length};
    CHECK_OK(b.ag->cls->observe(b.ag, &sb));
    CHECK_OK(b.ag->cls->update(b.ag));
    CHECK(!memcmp(act, act_b, sizeof act) && !memcmp(obs, obs_b, sizeof obs) &&
          !memcmp(next, next_b, sizeof next));
    for (int i = 0; i < N; i++)
      if (a.v->terminated[i] || a.v->truncated[i]) {
        ended++;
        CHECK(!memcmp(next + i * D, (float *)a.v->final_obs + i * D, sizeof(float) * D));
        CHECK(memcmp(next + i * D, (float *)a.v->obs + i * D, sizeof(float) * D));
      }
  }
  CHECK(ended > 0);  // the final-observation rule was exercised
  if (ok) {
    rlcBuf ba, bb;
    agent_bytes(a.ag, &ba);
    agent_bytes(b.ag, &bb);
    CHECK(ba.len > 0 && ba.len == bb.len && !memcmp(ba.data, bb.data, ba.len));
    rlc_buf_free(&ba);
    rlc_buf_free(&bb);
  }
  pair_close(&a);
  pair_close(&b);
}

TEST(api_run_step_refuses_bad_arguments) {
  Pair p;
  if (pair_open(&p, 2, 1)) {
    float obs[8], next[8];
    int32_t act[2];
    CHECK_ERR(rlc_run_step(p.ag, p.v, true, obs, act, next), RLC_ERR_ARG);  // 1 env vs 2
    CHECK(strstr(rlc_last_error(), "made for 1 envs") != NULL);
    CHECK_ERR(rlc_run_step(NULL, p.v, true, obs, act, next), RLC_ERR_ARG);
    CHECK_ERR(rlc_run_step(p.ag, NULL, true, obs, act, next), RLC_ERR_ARG);
    CHECK_ERR(rlc_run_step(p.ag, p.v, true, obs, act, NULL), RLC_ERR_ARG);
    CHECK(p.v->total_steps == 0);  // nothing was stepped
  }
  pair_close(&p);
}
