// rlc/rlc.h: everything public in rlc, one include.
#ifndef RLC_H
#define RLC_H
#include "rlc/core.h"
#include "rlc/env.h"
#include "rlc/envs.h"
#include "rlc/nn.h"
#include "rlc/draw.h"
#include "rlc/out.h"
#include "rlc/agent.h"
#include "rlc/plan.h"
#include "rlc/data.h"
#include "rlc/replay.h"
#include "rlc/rollout.h"
#include "rlc/run.h"
#endif
