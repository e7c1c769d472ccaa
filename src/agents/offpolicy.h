// agents/offpolicy.h: internals of DDPG/TD3/SAC that tests check by hand.
#ifndef RLC_AGENTS_OFFPOLICY_H
#define RLC_AGENTS_OFFPOLICY_H

#include "rlc/agent.h"
#include "rlc/nn.h"
#include "rlc/replay.h"

// One gradient step on a given batch (batch_size rows, float32 observations,
// scaled actions) with given standard normals (batch_size x A each): eps_next
// for the next actions (SAC's samples, TD3's smoothing before its scale and
// clip), eps for SAC's policy actions.
void offpolicy_learn_on(rlcAgent *a, const rlcReplayBatch *bt, const float *eps_next, const float *eps);
// The agent's networks (actor_target NULL for SAC; q[1], q_target[1] NULL
// with one critic) and SAC's log alpha.
void offpolicy_parts(rlcAgent *a, rlcNet **actor, rlcNet **actor_target, rlcNet *q[2], rlcNet *q_target[2],
                     float **log_alpha);

#endif
