// make.h: the make functions of the built-in envs (internal; builtin.c
// registers them).
#ifndef RLC_ENVS_MAKE_H
#define RLC_ENVS_MAKE_H
#include "rlc/env.h"

rlcStatus rlc_make_cartpole(rlcEnvSpec *spec, rlcOpts *opts);
rlcStatus rlc_make_gridworld(rlcEnvSpec *spec, rlcOpts *opts);
rlcStatus rlc_make_three_state_mdp(rlcEnvSpec *spec, rlcOpts *opts);
rlcStatus rlc_make_markov_chain(rlcEnvSpec *spec, rlcOpts *opts);

// The registration table of the built-ins (the registry inserts it first).
const rlcEnvRegistration *rlc_builtin_envs(int *count);

#endif
