// builtin.c: the table of built-in envs, with Gymnasium's registered limits
// and thresholds.
// Depends on: rlc/env.h, the envs in this folder.
#include <math.h>

#include "make.h"
#include "rlc/envs.h"

static const rlcEnvRegistration builtin[] = {
    {"CartPole-v1", rlc_make_cartpole, 500, 475.0, NULL, "balance a pole on a cart (Gymnasium)"},
    {"CartPole-v0", rlc_make_cartpole, 200, 195.0, NULL, "CartPole with the 200-step limit (Gymnasium)"},
    {"GridWorld-v0", rlc_make_gridworld, 100, NAN, NULL, "walk to the green cell around the red ones (eligibility-traces exercise)"},
    {"ThreeStateMDP-v0", rlc_make_three_state_mdp, 1000, NAN, NULL, "the 3-state MDP of Hands-On ML ch. 18 (Q-value iteration)"},
    {"MarkovChain-v0", rlc_make_markov_chain, 49, NAN, NULL, "the 4-state Markov chain of Hands-On ML ch. 18"},
};

const rlcEnvRegistration *rlc_builtin_envs(int *count) {
  *count = (int)(sizeof builtin / sizeof builtin[0]);
  return builtin;
}
