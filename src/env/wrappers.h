// wrappers.h: what the vector env needs to know of the time limit wrapper to
// step through it without a call (src/env/ only).
// Depends on: rlc/env.h.
#ifndef RLC_ENV_WRAPPERS_H
#define RLC_ENV_WRAPPERS_H

#include "rlc/env.h"

typedef struct WrapTimeLimitState {
  int elapsed;
} WrapTimeLimitState;

extern const rlcEnvClass wrap_time_limit_class;

// The time limit's rule, after the inner step: one more step taken, and
// whether that reaches the limit (the episode is truncated). The wrapper's
// step and the vector env's inlined one both use it.
static inline bool wrap_time_limit_tick(const rlcEnvSpec *spec, void *state) {
  return ++((WrapTimeLimitState *)state)->elapsed >= spec->max_episode_steps;
}

#endif
