// wrappers.h: what the vector env needs to know of the time limit wrapper to
// step through it without a call (src/env/ only).
// Depends on: rlc/env.h.
#ifndef RLC_ENV_WRAPPERS_H
#define RLC_ENV_WRAPPERS_H

#include "rlc/env.h"

typedef struct rlcTimeLimitState {
  int elapsed;
} rlcTimeLimitState;

extern const rlcEnvClass wrap_time_limit_class;

#endif
