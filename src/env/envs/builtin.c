// builtin.c: the table of built-in envs, with Gymnasium's registered limits
// and thresholds.
// Depends on: rlc/env.h, the envs in this folder.
#include <math.h>

#include "make.h"
#include "rlc/envs.h"

static const rlcEnvRegistration builtin[] = {
    {"CartPole-v1", envs_make_cartpole, 500, 475.0, NULL, "balance a pole on a cart (Gymnasium)", NULL},
    {"CartPole-v0", envs_make_cartpole, 200, 195.0, NULL, "CartPole with the 200-step limit (Gymnasium)", NULL},
    {"GridWorld-v0", envs_make_gridworld, 100, NAN, NULL, "walk to the green cell around the red ones (eligibility-traces exercise)", NULL},
    {"ThreeStateMDP-v0", envs_make_three_state_mdp, 1000, NAN, NULL, "the 3-state MDP of Hands-On ML ch. 18 (Q-value iteration)", NULL},
    {"MarkovChain-v0", envs_make_markov_chain, 49, NAN, NULL, "the 4-state Markov chain of Hands-On ML ch. 18", NULL},
    {"MountainCar-v0", envs_make_mountaincar, 200, -110.0, NULL, "drive an underpowered car up the right hill (Gymnasium)", NULL},
    {"MountainCarContinuous-v0", envs_make_mountaincar_continuous, 999, 90.0, NULL, "MountainCar with a continuous force (Gymnasium)", "td3"},
    {"Acrobot-v1", envs_make_acrobot, 500, -100.0, NULL, "swing a two-link arm's tip above the line (Gymnasium)", NULL},
    {"Pendulum-v1", envs_make_pendulum, 200, NAN, NULL, "swing a pendulum up and hold it upright (Gymnasium)", "sac"},
    {"FrozenLake-v1", envs_make_frozenlake, 100, 0.70, NULL, "cross a frozen lake to the gift without falling in a hole (Gymnasium)", NULL},
    {"FrozenLake8x8-v1", envs_make_frozenlake, 200, 0.85, "map_name=8x8", "FrozenLake on the 8x8 map (Gymnasium)", NULL},
    {"CliffWalking-v1", envs_make_cliffwalking, 0, NAN, NULL, "walk along a cliff edge to the goal (Gymnasium, Sutton & Barto 6.6)", NULL},
    {"Taxi-v3", envs_make_taxi, 200, 8.0, NULL, "pick up a passenger and drop them at the destination (Gymnasium)", NULL},
    {"Taxi-v4", envs_make_taxi, 200, 8.0, NULL, "Taxi with the is_rainy option (Gymnasium; same dry dynamics as v3)", NULL},
    {"Blackjack-v1", envs_make_blackjack, 0, NAN, "sab=true", "beat the dealer at blackjack (Gymnasium, Sutton & Barto 5.1)", NULL},
    {"LunarLander-v3", envs_make_lunarlander, 1000, 200.0, NULL, "land on the pad between the flags (Gymnasium, Box2D)", "ppo"},
    {"LunarLanderContinuous-v3", envs_make_lunarlander, 1000, 200.0, "continuous=true", "LunarLander with continuous throttles (Gymnasium, Box2D)", "ppo"},
    {"MinAtar/Asterix-v1", envs_make_minatar_asterix, 0, NAN, NULL, "collect gold, dodge enemies (MinAtar, minimal actions)", NULL},
    {"MinAtar/Asterix-v0", envs_make_minatar_asterix, 0, NAN, "minimal_action_set=false", "MinAtar Asterix with all 6 actions", NULL},
    {"MinAtar/Breakout-v1", envs_make_minatar_breakout, 0, NAN, NULL, "bounce the ball into the bricks (MinAtar, minimal actions)", NULL},
    {"MinAtar/Breakout-v0", envs_make_minatar_breakout, 0, NAN, "minimal_action_set=false", "MinAtar Breakout with all 6 actions", NULL},
    {"MinAtar/Freeway-v1", envs_make_minatar_freeway, 0, NAN, NULL, "get the chicken across the road (MinAtar, minimal actions)", NULL},
    {"MinAtar/Freeway-v0", envs_make_minatar_freeway, 0, NAN, "minimal_action_set=false", "MinAtar Freeway with all 6 actions", NULL},
    {"MinAtar/Seaquest-v1", envs_make_minatar_seaquest, 0, NAN, NULL, "shoot, rescue divers, surface for oxygen (MinAtar)", NULL},
    {"MinAtar/Seaquest-v0", envs_make_minatar_seaquest, 0, NAN, "minimal_action_set=false", "MinAtar Seaquest with all 6 actions", NULL},
    {"MinAtar/SpaceInvaders-v1", envs_make_minatar_space_invaders, 0, NAN, NULL, "shoot the advancing aliens (MinAtar, minimal actions)", NULL},
    {"MinAtar/SpaceInvaders-v0", envs_make_minatar_space_invaders, 0, NAN, "minimal_action_set=false", "MinAtar SpaceInvaders with all 6 actions", NULL},
};

const rlcEnvRegistration *envs_builtin(int *count) {
  *count = (int)(sizeof builtin / sizeof builtin[0]);
  return builtin;
}
