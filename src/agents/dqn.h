// dqn.h: private parts of the DQN family (src/agents/dqn.c) that tests reach
// directly. Not installed; library users go through rlc/agent.h.
// Depends on: rlc/core.h.
#ifndef RLC_AGENTS_DQN_H
#define RLC_AGENTS_DQN_H

#include "rlc/core.h"

// C51's projection of the distribution p (Z atoms on the support
// v_min + j (v_max - v_min) / (Z - 1)) through r + discount * z onto the same
// support, into m (Z). exact = false reproduces the rainbow notebook, which
// loses the mass of an atom that lands exactly on a support point (floor and
// ceil are equal there, and both of its shares are 0); exact = true gives it
// to that point.
void dqn_c51_project(float *m, const float *p, int Z, double v_min, double v_max,
                         double reward, double discount, bool exact);

#endif
