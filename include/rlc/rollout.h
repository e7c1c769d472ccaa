// rlc/rollout.h: (being written)
#ifndef RLC_ROLLOUT_H
#define RLC_ROLLOUT_H
#include "rlc/core.h"
#endif
