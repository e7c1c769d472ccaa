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

// GridWorld-v0 (the eligibility-traces exercise): walk from the top-left cell
// (0,0) to the green goal around two red cells. Cells are (x, y), x the column,
// y the row (down); observation Discrete(size*size) = y*size + x; actions 0
// right, 1 down, 2 left, 3 up, clipped at the border. The reward is paid on
// entering a cell: goal_reward on the goal, red_reward on a red cell (both end
// the episode, terminated), step_reward anywhere else, including bumping into
// the border. Registered with a 100-step time limit.
// Options: size (default 5, 2..1000), goal_reward (100), red_reward (-100),
// step_reward (-1).
// Layout at any size, rounding halves up: goal at
// (round(3*(size-1)/4), round((size-1)/2)), reds at (goal_x, goal_y-1) and
// (goal_x-1, goal_y). Size 5 gives the exercise's goal (3,2), reds (3,1) and
// (2,2); size 10 gives goal (7,5); size 100 goal (74,50). No special cell is
// ever the start; at size 2 the reds cut the goal off from the start.
// Model (rlc_spec_mdp): one entry (1.0, next, reward, terminated) per (s, a);
// the terminal cells loop on themselves with reward 0 (Gymnasium's FrozenLake
// convention). It takes about 40 bytes per (s, a): 160 MB at size 1000.
// Render: 512x512 at 4 fps; given rlcRenderArgs.q (size*size, 4), each cell's
// Q-values are written ("%+.2f") near the edge each action moves toward, when
// cells are at least 60 px (size <= 8). Heuristic: a shortest path to the
// goal that avoids the red cells (7 moves from the start at size 5).
typedef struct rlcGridWorldState {
  int x, y;
} rlcGridWorldState;

// The two processes of Hands-On ML ch. 18; no options. Both start in s0 and
// render as a state diagram (480x320, 2 fps).
// ThreeStateMDP-v0: the Q-value iteration MDP. Observation Discrete(3) (the
// state), actions Discrete(3); possible actions are [0,1,2] in s0, [0,2] in s1,
// [1] in s2: the others have no model entries (valid[s*3+a] = false) and
// rlc_env_step rejects them with RLC_ERR_ARG (rlc_env_action_mask lists the
// possible ones). A continuing task that never terminates; registered with a
// 1000-step time limit so `rlc play` ends. The book's 10,000-step Q-learning
// run passes max_episode_steps=0. Heuristic: the optimal policy at gamma 0.90,
// [0, 0, 1].
// MarkovChain-v0: P = [[0.7,0.2,0,0.1], [0,0,0.9,0.1], [0,1,0,0], [0,0,0,1]].
// Observation Discrete(4), one action (Discrete(1)), reward 0; entering s3
// terminates. The 49-step limit shows at most 50 states an episode, as the
// book's print_sequence does.
typedef struct rlcTabularState {
  int s;
} rlcTabularState;

#ifdef __cplusplus
}
#endif
#endif
