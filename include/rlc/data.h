// rlc/data.h: layer 2. What the replay memories and the rollout buffer share:
// the layouts they store observations and actions in, and the one function
// that turns stored observations into network input.
//
// Layouts. Observations are stored as the env gives them, element type and
// all: float32 (vectors) at 4 bytes an element, uint8 (MinAtar's boolean
// planes, pixels) at 1 byte, so a 10x10x4 MinAtar frame costs 400 bytes, not
// 1600. They become floats only when a batch goes into a network
// (rlc_obs_input). Actions are either one discrete action, int32 (the index
// 0..n-1, without Discrete's start), or a float32 vector of action_dim values.
// Depends on: rlc/core.h.
#ifndef RLC_DATA_H
#define RLC_DATA_H

#include "rlc/core.h"

#ifdef __cplusplus
extern "C" {
#endif

// RLC_ERR_ARG unless obs_dtype is RLC_F32 or RLC_U8, obs_size >= 1 and
// action_dim >= 0 (0: discrete int32 actions; D >= 1: float32 vectors of D).
// `who` starts the message ("replay", "rollout").
rlcStatus rlc_data_check_layout(const char *who, rlcDType obs_dtype, int obs_size, int action_dim);

// The layout of an env's spaces: a float32 or uint8 Box of observations;
// Discrete actions (action_dim 0) or a float32 Box of them (its size).
// RLC_ERR_UNSUPPORTED for other spaces, naming them.
rlcStatus rlc_data_layout_of(const rlcSpace *obs, const rlcSpace *act, rlcDType *obs_dtype,
                             int *obs_size, int *action_dim);

// Network input from n stored observations of `space` (a Box), row-major
// (n, space->size). float32: copied as they are. uint8: each element times
// 1 / high (the space's upper bound for that element), so MinAtar's 0/1
// planes (high 1) stay 0/1 and pixels (high 255) land in [0, 1]; a bound
// that is not positive and finite scales by 1. out must not overlap obs.
void rlc_obs_to_input(float *out, const void *obs, const rlcSpace *space, int n);
// The same without a copy where none is needed: float32 observations are
// returned as they are (obs itself); uint8 ones are converted into scratch
// (n * space->size floats), which is returned. Float agents pay nothing.
const float *rlc_obs_input(float *scratch, const void *obs, const rlcSpace *space, int n);

#ifdef __cplusplus
}
#endif
#endif
