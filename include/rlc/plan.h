// rlc/plan.h: (being written)
#ifndef RLC_PLAN_H
#define RLC_PLAN_H
#include "rlc/core.h"
#endif
