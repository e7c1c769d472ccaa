// obs.c: the data layer's layouts (checks, from spaces) and stored
// observations to network input.
// Depends on: rlc/data.h, rlc/core.h.
#include <math.h>
#include <string.h>

#include "rlc/data.h"

rlcStatus rlc_data_check_layout(const char *who, rlcDType obs_dtype, int obs_size, int action_dim) {
  if (obs_dtype != RLC_F32 && obs_dtype != RLC_U8)
    return rlc_error(RLC_ERR_ARG, "%s: observations must be float32 or uint8 (dtype %d)", who, (int)obs_dtype);
  if (obs_size < 1) return rlc_error(RLC_ERR_ARG, "%s: obs_size must be >= 1 (got %d)", who, obs_size);
  if (action_dim < 0 || action_dim > 4096)
    return rlc_error(RLC_ERR_ARG, "%s: action_dim %d outside [0 (discrete), 4096]", who, action_dim);
  return RLC_OK;
}

rlcStatus rlc_data_layout_of(const rlcSpace *obs, const rlcSpace *act, rlcDType *obs_dtype,
                             int *obs_size, int *action_dim) {
  char buf[96];
  if (obs->type != RLC_SPACE_BOX || (obs->dtype != RLC_F32 && obs->dtype != RLC_U8))
    return rlc_error(RLC_ERR_UNSUPPORTED, "observations must be a float32 or uint8 Box (got %s)",
                     rlc_space_str(obs, buf, sizeof buf));
  if (act->type != RLC_SPACE_DISCRETE && !(act->type == RLC_SPACE_BOX && act->dtype == RLC_F32))
    return rlc_error(RLC_ERR_UNSUPPORTED, "actions must be Discrete or a float32 Box (got %s)",
                     rlc_space_str(act, buf, sizeof buf));
  *obs_dtype = obs->dtype;
  *obs_size = obs->size;
  *action_dim = act->type == RLC_SPACE_DISCRETE ? 0 : act->size;
  return RLC_OK;
}

static float scale_of(float high) { return high > 0 && isfinite(high) ? 1.0f / high : 1.0f; }

void rlc_obs_to_input(float *restrict out, const void *obs, const rlcSpace *space, int n) {
  if (n < 1) return;
  size_t D = (size_t)space->size, total = (size_t)n * D;
  if (space->dtype != RLC_U8) {
    memcpy(out, obs, total * sizeof(float));
    return;
  }
  const uint8_t *restrict x = obs;
  if (space->nbounds <= 1) {
    // One bound for every element (images): a flat loop the compiler vectorizes.
    float k = scale_of(space->high[0]);
    for (size_t i = 0; i < total; i++) out[i] = (float)x[i] * k;
    return;
  }
  // Per-element bounds: element j of a sample has bound j % nbounds (stacked frames).
  int nb = space->nbounds;
  float k[RLC_SPACE_MAX_BOUNDS];
  for (int j = 0; j < nb; j++) k[j] = scale_of(space->high[j]);
  for (size_t r = 0; r < (size_t)n; r++)
    for (size_t j = 0; j < D; j++) out[r * D + j] = (float)x[r * D + j] * k[j % (size_t)nb];
}

const float *rlc_obs_input(float *scratch, const void *obs, const rlcSpace *space, int n) {
  if (space->dtype != RLC_U8) return obs;
  rlc_obs_to_input(scratch, obs, space, n);
  return scratch;
}
