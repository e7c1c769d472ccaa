// wrappers.c: Gymnasium's TimeLimit, action repeat and FrameStackObservation as
// env classes. A wrapper's state holds its own fields, then the inner state at
// spec->inner_offset, so a wrapped env is still one flat block (of plain data
// unless the base env has lifecycle hooks, which the functions here walk to).
// Depends on: rlc/env.h.
#include <string.h>

#include "env/wrappers.h"
#include "rlc/env.h"

void rlc_spec_init_wrapper(rlcEnvSpec *outer, rlcEnvSpec *inner, const rlcEnvClass *cls,
                           size_t own_state_size) {
  *outer = *inner;  // id, spaces, limits, render size and the model pointer carry over
  outer->cls = cls;
  outer->cfg = NULL;
  outer->inner = inner;
  outer->inner_offset = (own_state_size + 15) & ~(size_t)15;
  outer->state_size = outer->inner_offset + inner->state_size;
}

void rlc_env_seed_state(const rlcEnvSpec *spec, void *state, uint64_t seed) {
  for (; spec; state = rlc_inner_state(spec, state), spec = spec->inner)
    if (spec->cls->seed) spec->cls->seed(spec, state, seed);
}

//------------------------------------------------------------------------------
// A state's lifecycle through the layers: each layer's hooks, or a memset or
// memcpy of its own bytes (a wrapper's fields before inner_offset, the whole
// rest for the base env)
//------------------------------------------------------------------------------

static size_t own_bytes(const rlcEnvSpec *spec) { return spec->inner ? spec->inner_offset : spec->state_size; }

bool rlc_env_state_is_plain(const rlcEnvSpec *spec) {
  for (; spec; spec = spec->inner)
    if (spec->cls->state_init) return false;
  return true;
}

void rlc_env_state_free(const rlcEnvSpec *spec, void *state) {
  for (; spec; state = rlc_inner_state(spec, state), spec = spec->inner)
    if (spec->cls->state_free) spec->cls->state_free(spec, state);
}

// Base env first, so a wrapper's init could look at an initialized inner state.
static rlcStatus init_layers(const rlcEnvSpec *spec, void *state) {
  if (!spec) return RLC_OK;
  rlcStatus s = init_layers(spec->inner, spec->inner ? rlc_inner_state(spec, state) : NULL);
  if (s || !spec->cls->state_init) return s;
  s = spec->cls->state_init(spec, state);
  if (s && spec->inner) rlc_env_state_free(spec->inner, rlc_inner_state(spec, state));  // unwind
  return s;
}

rlcStatus rlc_env_state_init(const rlcEnvSpec *spec, void *state) {
  memset(state, 0, spec->state_size);
  return init_layers(spec, state);
}

rlcStatus rlc_env_state_copy(const rlcEnvSpec *spec, void *dst, const void *src) {
  if (rlc_env_state_is_plain(spec)) {
    memcpy(dst, src, spec->state_size);
    return RLC_OK;
  }
  for (; spec; dst = rlc_inner_state(spec, dst), src = (const char *)src + spec->inner_offset, spec = spec->inner) {
    if (!spec->cls->state_copy) memcpy(dst, src, own_bytes(spec));
    else {
      rlcStatus s = spec->cls->state_copy(spec, dst, src);
      if (s) return s;
    }
  }
  return RLC_OK;
}

// A section tag and the state's size first, so a checkpoint of another env
// (or of another wrapper stack) fails with a name rather than a misread.
void rlc_env_state_put(const rlcEnvSpec *spec, const void *state, rlcBuf *b) {
  uint64_t size = spec->state_size;
  rlc_buf_put_tag(b, "env state");
  rlc_buf_put(b, &size, sizeof size);
  for (; spec; state = (const char *)state + spec->inner_offset, spec = spec->inner) {
    if (spec->cls->state_put) spec->cls->state_put(spec, state, b);
    else rlc_buf_put(b, state, own_bytes(spec));
  }
}

rlcStatus rlc_env_state_get(const rlcEnvSpec *spec, void *state, rlcBuf *b) {
  uint64_t size;
  rlcStatus s = rlc_buf_get_tag(b, "env state");
  if (!s) s = rlc_buf_get(b, &size, sizeof size);
  if (s) return s;
  if (size != spec->state_size)
    return rlc_error(RLC_ERR_FORMAT, "saved env state has %llu bytes; '%s' has %zu", (unsigned long long)size,
                     spec->id, spec->state_size);
  for (; spec; state = rlc_inner_state(spec, state), spec = spec->inner) {
    s = spec->cls->state_get ? spec->cls->state_get(spec, state, b) : rlc_buf_get(b, state, own_bytes(spec));
    if (!s && spec->cls->state_valid && !spec->cls->state_valid(spec, state))
      s = rlc_error(RLC_ERR_FORMAT, "saved env state of '%s' is out of range", spec->id);
    if (s) return s;
  }
  return RLC_OK;
}

// Wrappers that keep the observation forward render and the heuristic as is.
static void forward_render(const rlcEnvSpec *spec, const void *state, const rlcRenderArgs *args,
                           uint8_t *rgb) {
  const rlcEnvSpec *in = spec->inner;
  if (in->cls->render) in->cls->render(in, (const char *)state + spec->inner_offset, args, rgb);
}

static void forward_heuristic(const rlcEnvSpec *spec, const void *obs, void *action) {
  const rlcEnvSpec *in = spec->inner;
  if (in->cls->heuristic) in->cls->heuristic(in, obs, action);
}

static rlcStatus new_wrapper(rlcEnvSpec *inner, const rlcEnvClass *cls, size_t own, rlcEnvSpec **out) {
  *out = NULL;
  rlcEnvSpec *w = rlc_calloc(1, sizeof *w);
  if (!w) {
    rlc_env_spec_destroy(inner);
    return RLC_ERR_NOMEM;
  }
  rlc_spec_init_wrapper(w, inner, cls, own);
  *out = w;
  return RLC_OK;
}

//------------------------------------------------------------------------------
// TimeLimit: truncated once max_episode_steps steps have been taken
//------------------------------------------------------------------------------


static void tl_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  ((WrapTimeLimitState *)state)->elapsed = 0;
  spec->inner->cls->reset(spec->inner, rlc_inner_state(spec, state), rng, obs);
}

static void tl_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action,
                    void *obs, double *reward, bool *terminated, bool *truncated) {
  spec->inner->cls->step(spec->inner, rlc_inner_state(spec, state), rng, action, obs, reward,
                         terminated, truncated);
  if (wrap_time_limit_tick(spec, state)) *truncated = true;
}

static bool tl_state_valid(const rlcEnvSpec *spec, const void *state) {
  return ((const WrapTimeLimitState *)state)->elapsed >= 0;
}

const rlcEnvClass wrap_time_limit_class = {
    .state_valid = tl_state_valid,
    .name = "TimeLimit", .state_size = sizeof(WrapTimeLimitState), .reset = tl_reset,
    .step = tl_step, .render = forward_render, .heuristic = forward_heuristic};

rlcStatus rlc_wrap_time_limit(rlcEnvSpec *inner, int max_episode_steps, rlcEnvSpec **out) {
  if (max_episode_steps <= 0) {
    rlc_env_spec_destroy(inner);
    *out = NULL;
    return rlc_error(RLC_ERR_ARG, "max_episode_steps must be positive, got %d", max_episode_steps);
  }
  rlcStatus s = new_wrapper(inner, &wrap_time_limit_class, sizeof(WrapTimeLimitState), out);
  if (!s) (*out)->max_episode_steps = max_episode_steps;
  return s;
}

//------------------------------------------------------------------------------
// Action repeat: the same action `repeat` times, rewards summed, stopping early
// at an episode end
//------------------------------------------------------------------------------

static void ar_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  spec->inner->cls->reset(spec->inner, rlc_inner_state(spec, state), rng, obs);
}

static void ar_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action,
                    void *obs, double *reward, bool *terminated, bool *truncated) {
  int repeat = (int)(intptr_t)spec->cfg;
  double total = 0;
  for (int i = 0; i < repeat; i++) {
    double r = 0;
    *terminated = *truncated = false;
    spec->inner->cls->step(spec->inner, rlc_inner_state(spec, state), rng, action, obs, &r,
                           terminated, truncated);
    total += r;
    if (*terminated || *truncated) break;
  }
  *reward = total;
}

static const rlcEnvClass action_repeat_class = {
    .name = "ActionRepeat", .state_size = 0, .reset = ar_reset, .step = ar_step,
    .render = forward_render, .heuristic = forward_heuristic};

rlcStatus rlc_wrap_action_repeat(rlcEnvSpec *inner, int repeat, rlcEnvSpec **out) {
  if (repeat < 1) {
    rlc_env_spec_destroy(inner);
    *out = NULL;
    return rlc_error(RLC_ERR_ARG, "action_repeat must be >= 1, got %d", repeat);
  }
  rlcStatus s = new_wrapper(inner, &action_repeat_class, 0, out);
  if (!s) (*out)->cfg = (void *)(intptr_t)repeat;
  return s;
}

//------------------------------------------------------------------------------
// Frame stack: the last k observations along a new first axis; the first
// observation of an episode fills every slot (Gymnasium's padding "reset")
//------------------------------------------------------------------------------

// State: k frames, oldest first, then the inner state.
static size_t fs_frame_bytes(const rlcEnvSpec *spec) { return rlc_space_bytes(&spec->inner->observation_space); }

// cfg: k, negative for a stack along the last axis.
static int fs_k(const rlcEnvSpec *spec) {
  int k = (int)(intptr_t)spec->cfg;
  return k < 0 ? -k : k;
}

// The frames (oldest first) as the observation: back to back, or
// interleaved along the last axis (position p of frame f at (p k + f) c).
static void fs_emit(const rlcEnvSpec *spec, const char *frames, void *obs) {
  size_t fb = fs_frame_bytes(spec);
  int k = fs_k(spec);
  if ((intptr_t)spec->cfg > 0) {
    memcpy(obs, frames, fb * k);
    return;
  }
  const rlcSpace *in = &spec->inner->observation_space;
  size_t run = (in->ndim == 3 ? (size_t)in->shape[2] : 1) * (fb / (size_t)in->size), P = fb / run;
  char *o = obs;
  for (size_t p = 0; p < P; p++)
    for (int f = 0; f < k; f++, o += run) memcpy(o, frames + f * fb + p * run, run);
}

static void fs_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  size_t fb = fs_frame_bytes(spec);
  int k = fs_k(spec);
  char *frames = state;
  spec->inner->cls->reset(spec->inner, rlc_inner_state(spec, state), rng, frames);
  for (int i = 1; i < k; i++) memcpy(frames + i * fb, frames, fb);
  fs_emit(spec, frames, obs);
}

static void fs_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action,
                    void *obs, double *reward, bool *terminated, bool *truncated) {
  size_t fb = fs_frame_bytes(spec);
  int k = fs_k(spec);
  char *frames = state;
  memmove(frames, frames + fb, fb * (k - 1));
  spec->inner->cls->step(spec->inner, rlc_inner_state(spec, state), rng, action,
                         frames + fb * (k - 1), reward, terminated, truncated);
  fs_emit(spec, frames, obs);
}

static void fs_heuristic(const rlcEnvSpec *spec, const void *obs, void *action) {
  const rlcEnvSpec *in = spec->inner;
  int k = fs_k(spec);
  if (in->cls->heuristic && (intptr_t)spec->cfg > 0)
    in->cls->heuristic(in, (const char *)obs + fs_frame_bytes(spec) * (k - 1), action);
}

static const rlcEnvClass frame_stack_class = {
    .name = "FrameStack", .state_size = 0, .reset = fs_reset, .step = fs_step,
    .render = forward_render, .heuristic = fs_heuristic};

rlcStatus rlc_wrap_frame_stack(rlcEnvSpec *inner, int k, rlcEnvSpec **out) {
  *out = NULL;
  const rlcSpace *in = &inner->observation_space;
  rlcStatus s = RLC_OK;
  if (k < 1) s = rlc_error(RLC_ERR_ARG, "frame_stack must be >= 1, got %d", k);
  else if (in->type != RLC_SPACE_BOX) s = rlc_error(RLC_ERR_UNSUPPORTED, "frame_stack needs a Box observation space");
  else if (in->ndim >= RLC_MAX_DIMS) s = rlc_error(RLC_ERR_UNSUPPORTED, "frame_stack: observations have too many dimensions");
  if (s) {
    rlc_env_spec_destroy(inner);
    return s;
  }
  rlcSpace st = *in;  // shape (k, ...inner shape), bounds repeated
  st.ndim = in->ndim + 1;
  st.shape[0] = k;
  for (int i = 0; i < in->ndim; i++) st.shape[i + 1] = in->shape[i];
  st.size = in->size * k;  // bounds repeat with the frame: nbounds stays
  s = new_wrapper(inner, &frame_stack_class, rlc_space_bytes(in) * k, out);
  if (!s) (*out)->observation_space = st, (*out)->cfg = (void *)(intptr_t)k;
  return s;
}

rlcStatus rlc_wrap_frame_stack_last(rlcEnvSpec *inner, int k, rlcEnvSpec **out) {
  *out = NULL;
  const rlcSpace *in = &inner->observation_space;
  rlcStatus s = RLC_OK;
  if (k < 1) s = rlc_error(RLC_ERR_ARG, "frame_stack must be >= 1, got %d", k);
  else if (in->type != RLC_SPACE_BOX || (in->ndim != 2 && in->ndim != 3) || in->nbounds != 1)
    s = rlc_error(RLC_ERR_UNSUPPORTED, "frame_stack_axis=last needs (H, W) or (H, W, C) images");
  if (s) {
    rlc_env_spec_destroy(inner);
    return s;
  }
  rlcSpace st = *in;  // (H, W, k C)
  st.ndim = 3;
  st.shape[2] = (in->ndim == 3 ? in->shape[2] : 1) * k;
  st.size = in->size * k;
  s = new_wrapper(inner, &frame_stack_class, rlc_space_bytes(in) * k, out);
  if (!s) (*out)->observation_space = st, (*out)->cfg = (void *)(intptr_t)-k;
  return s;
}

// What a replay needs to store observations frame by frame: the outermost
// layer that makes observations, looked through the wrappers that pass them
// on unchanged (time limit, action repeat).
void rlc_spec_frame_layout(const rlcEnvSpec *spec, int *frames, int *channels) {
  while (spec->inner && (spec->cls == &wrap_time_limit_class || spec->cls == &action_repeat_class))
    spec = spec->inner;
  *frames = 1, *channels = 0;
  if (spec->cls != &frame_stack_class) return;
  *frames = fs_k(spec);
  const rlcSpace *in = &spec->inner->observation_space;
  if ((intptr_t)spec->cfg < 0) *channels = in->ndim == 3 ? in->shape[2] : 1;
}
