// rlc/envs.h: layer 1. The built-in environments' public state structs (what
// Gymnasium calls env.unwrapped.state), for tests, tools and state injection
// through rlc_env_unwrapped_state(). Each env's options are listed here too.
// Depends on: rlc/env.h.
#ifndef RLC_ENVS_H
#define RLC_ENVS_H

#include "rlc/env.h"

#ifdef __cplusplus
extern "C" {
#endif

// CartPole-v0 / CartPole-v1. No options. Observation (x, x_dot, theta,
// theta_dot) as float32; actions 0 push left, 1 push right.
typedef struct rlcCartPoleState {
  double x, x_dot, theta, theta_dot;  // float64, as Gymnasium keeps it
  int steps_beyond_terminated;        // -1 while the episode runs
} rlcCartPoleState;

// GridWorld-v0 (the eligibility-traces exercise). Options: size (default 5),
// goal_reward (100), red_reward (-100), step_reward (-1). State index y*size+x.
// Actions 0 right, 1 down, 2 left, 3 up.
typedef struct rlcGridWorldState {
  int x, y;
} rlcGridWorldState;

// ThreeStateMDP-v0 (Hands-On ML ch. 18) and MarkovChain-v0: a state index.
typedef struct rlcTabularState {
  int s;
} rlcTabularState;

// Registers every built-in env (idempotent; the registry calls it on first use).
void rlc_envs_register_builtin(void);

#ifdef __cplusplus
}
#endif
#endif
