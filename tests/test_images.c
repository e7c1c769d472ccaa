// tests/test_images.c: conv agents learn from uint8 images: Spot-v0, a 6x6x1
// picture with one lit 2x2 blob, is a 4-step contextual bandit (reward 1 for
// naming the half the blob is in); a conv DQN (with frame-mode replay) and a
// conv PPO learn it from three seeds each, two of three reaching 90% of the
// best return, in a few thousand steps.
// Depends on: tests/test.h, rlc/agent.h, rlc/run.h.
#include <math.h>
#include <stdlib.h>

#include "test.h"

enum { SP = 6 };

typedef struct SpotState {
  int t, side;
} SpotState;

static void spot_draw(SpotState *s, rlcRng *rng, uint8_t *obs) {
  memset(obs, 0, SP * SP);
  s->side = (int)rlc_rng_integers(rng, 0, 2);
  int x = s->side * 3 + (int)rlc_rng_integers(rng, 0, 2), y = (int)rlc_rng_integers(rng, 0, SP - 1);
  for (int u = 0; u < 2; u++)
    for (int v = 0; v < 2; v++) obs[(y + u) * SP + x + v] = 1;
}

static void spot_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  SpotState *s = state;
  s->t = 0;
  spot_draw(s, rng, obs);
}

static void spot_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action, void *obs,
                      double *reward, bool *terminated, bool *truncated) {
  SpotState *s = state;
  *reward = *(const int32_t *)action == s->side;
  *terminated = ++s->t >= 4;
  *truncated = false;
  spot_draw(s, rng, obs);
}

static const rlcEnvClass spot_class = {.name = "Spot", .state_size = sizeof(SpotState), .reset = spot_reset,
                                       .step = spot_step};

static rlcStatus spot_make(rlcEnvSpec *spec, rlcOpts *opts) {
  int shape[3] = {SP, SP, 1};
  spec->observation_space = rlc_space_box_uniform(RLC_U8, 3, shape, 0, 1);
  spec->action_space = rlc_space_discrete(2);
  spec->cls = &spot_class;
  return RLC_OK;
}

static void register_spot(void) {
  static bool done;
  if (done) return;
  rlcEnvRegistration reg = {"Spot-v0", spot_make, 0, NAN, NULL, "test image bandit", NULL};
  CHECK_OK(rlc_env_register(&reg));
  done = true;
}

// Trains `algo` for `steps` and returns the greedy return over 50 episodes
// (the best is 4).
static double train_spot(const char *algo, const char *settings, uint64_t seed, int steps, int envs) {
  register_spot();
  rlcVecEnvDef vd = rlc_vec_env_default_def();
  vd.num_envs = envs;
  rlcVecEnv *v = NULL;
  rlcAgent *ag = NULL;
  CHECK_OK(rlc_vec_env_create("Spot-v0", NULL, &vd, &v));
  if (!v) return NAN;
  CHECK_OK(rlc_vec_env_reset(v, (int64_t)seed));
  CHECK_MSG(rlc_agent_create(algo, v->spec, settings, seed, envs, &ag) == RLC_OK, "%s: %s", algo, rlc_last_error());
  double ret = NAN;
  if (ag) {
    uint8_t obs[8 * SP * SP], next[8 * SP * SP];
    int32_t act[8];
    for (int s = 0; s < steps / envs; s++) CHECK_OK(rlc_run_step(ag, v, true, obs, act, next));
    rlcEnv *e;
    CHECK_OK(rlc_env_create("Spot-v0", NULL, &e));
    double total = 0;
    for (int ep = 0; e && ep < 50; ep++) {
      uint8_t o[SP * SP];
      bool te = false, tr = false;
      rlc_env_reset(e, 1000 + ep, o);
      while (!te && !tr) {
        int32_t a;
        double r;
        CHECK_OK(rlc_agent_act(ag, o, 1, false, &a));
        rlc_env_step(e, &a, o, &r, &te, &tr);
        total += r;
      }
    }
    rlc_env_destroy(e);
    ret = total / 50;
  }
  rlc_agent_destroy(ag);
  rlc_vec_env_destroy(v);
  return ret;
}

static void majority_learns(const char *algo, const char *settings, int steps, int envs) {
  int good = 0;
  double got[3];
  for (int seed = 0; seed < 3; seed++) {
    got[seed] = train_spot(algo, settings, (uint64_t)seed + 1, steps, envs);
    good += got[seed] >= 3.6;
  }
  CHECK_MSG(good >= 2, "%s %s: greedy returns %.2f %.2f %.2f (random play: 2)", algo, settings, got[0], got[1], got[2]);
}

TEST(conv_dqn_learns_an_image_task) {
  majority_learns("dqn",
                  "hidden=c8k3-32,lr=1e-3,batch_size=32,buffer_size=2000,learning_starts=200,gamma=0.5,"
                  "target_update=100,eps_start=1,eps_end=0.05,eps_decay=1000",
                  2500, 1);
}

TEST(conv_ppo_learns_an_image_task) {
  majority_learns("ppo", "hidden=c8k3-32,activation=relu,num_steps=32,lr=2.5e-3,anneal_lr=false,gamma=0.5", 6000, 4);
}
