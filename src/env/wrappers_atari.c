// wrappers_atari.c: learning from pixels with Gymnasium's semantics:
// AddRenderObservation (render only: the rendered RGB frame is the
// observation), AtariPreprocessing (no-op starts, frame skip with a max over
// the last two frames, area resize, grayscale, scaling, a life loss as the
// end), ClipReward, and start actions pressed after the reset and after each
// lost life (fire-on-reset, Hands-On ML's autofire and skip-start).
// Lives come from the base env's `lives` hook (rlc_env_lives); an env
// without one has none to lose.
// Depends on: rlc/env.h, libm.
#include <math.h>
#include <string.h>

#include "rlc/env.h"

int rlc_env_lives(const rlcEnvSpec *spec, const void *state) {
  for (; spec; state = (const char *)state + spec->inner_offset, spec = spec->inner)
    if (spec->cls->lives) return spec->cls->lives(spec, state);
  return 0;
}

static rlcStatus fail(rlcEnvSpec *inner, rlcStatus s) {
  rlc_env_spec_destroy(inner);
  return s;
}

static void forward_render(const rlcEnvSpec *spec, const void *state, const rlcRenderArgs *args, uint8_t *rgb) {
  const rlcEnvSpec *in = spec->inner;
  if (in->cls->render) in->cls->render(in, (const char *)state + spec->inner_offset, args, rgb);
}

static void inner_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  spec->inner->cls->reset(spec->inner, rlc_inner_state(spec, state), rng, obs);
}

static void inner_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action, void *obs,
                       double *reward, bool *terminated, bool *truncated) {
  *reward = 0, *terminated = *truncated = false;
  spec->inner->cls->step(spec->inner, rlc_inner_state(spec, state), rng, action, obs, reward, terminated,
                         truncated);
}

static int inner_lives(const rlcEnvSpec *spec, void *state) {
  return rlc_env_lives(spec->inner, rlc_inner_state(spec, state));
}

static rlcStatus wrap(rlcEnvSpec *inner, const rlcEnvClass *cls, size_t own, void *cfg, rlcEnvSpec **out) {
  rlcEnvSpec *w = rlc_calloc(1, sizeof *w);
  if (!w) {
    rlc_free(cfg);
    return fail(inner, RLC_ERR_NOMEM);
  }
  rlc_spec_init_wrapper(w, inner, cls, own);
  w->cfg = cfg;
  *out = w;
  return RLC_OK;
}

//------------------------------------------------------------------------------
// Pixels (AddRenderObservation, render_only=True)
//------------------------------------------------------------------------------

// State: the inner observation (discarded), then the inner state.
static void px_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  inner_reset(spec, state, rng, state);
  forward_render(spec, state, &(rlcRenderArgs){0}, obs);
}

static void px_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action, void *obs,
                    double *reward, bool *terminated, bool *truncated) {
  inner_step(spec, state, rng, action, state, reward, terminated, truncated);
  forward_render(spec, state, &(rlcRenderArgs){0}, obs);
}

static const rlcEnvClass pixels_class = {.name = "AddRenderObservation", .reset = px_reset, .step = px_step,
                                         .render = forward_render};

rlcStatus rlc_wrap_pixels(rlcEnvSpec *inner, rlcEnvSpec **out) {
  *out = NULL;
  if (!inner->cls->render && !rlc_spec_unwrapped(inner)->cls->render)
    return fail(inner, rlc_error(RLC_ERR_UNSUPPORTED, "pixels: %s does not render", inner->id));
  if (inner->render_width < 1 || inner->render_height < 1)
    return fail(inner, rlc_error(RLC_ERR_UNSUPPORTED, "pixels: %s has no render size", inner->id));
  rlcStatus s = wrap(inner, &pixels_class, rlc_space_bytes(&inner->observation_space), NULL, out);
  if (s) return s;
  int shape[3] = {inner->render_height, inner->render_width, 3};
  (*out)->observation_space = rlc_space_box_uniform(RLC_U8, 3, shape, 0, 255);
  return RLC_OK;
}

//------------------------------------------------------------------------------
// AtariPreprocessing
//------------------------------------------------------------------------------

// Area resampling (cv2.INTER_AREA when shrinking): output pixel i covers
// [i s, (i + 1) s) of the input (s = in / out), each input pixel weighted by
// the length it shares with that span.
enum { AREA_TAPS = 64 };
typedef struct AreaAxis {
  int first[256], n[256];
  float w[256][AREA_TAPS];
} AreaAxis;

typedef struct AtariCfg {
  rlcAtariDef def;
  int H, W, C;        // the inner screen: C = 3 (RGB) or 1 (gray)
  int SC;             // channels kept: 1 (grayscale) or 3
  size_t screen;      // H W SC bytes
  size_t inner_bytes; // the inner observation
  AreaAxis ax, ay;
} AtariCfg;

typedef struct AtariState {
  int lives;
  int pad_;
} AtariState;  // then two screens, then the inner observation (aligned)

static uint8_t *at_buf(const AtariCfg *c, void *state, int i) {
  return (uint8_t *)state + sizeof(AtariState) + (size_t)i * c->screen;
}

static void *at_inner_obs(const AtariCfg *c, void *state) { return at_buf(c, state, 2); }

static void area_axis(AreaAxis *a, int in, int out) {
  double s = (double)in / out;
  for (int i = 0; i < out; i++) {
    double lo = i * s, hi = (i + 1) * s;
    int j0 = (int)floor(lo);
    a->first[i] = j0, a->n[i] = 0;
    for (int j = j0; j < in && j < hi && a->n[i] < AREA_TAPS; j++) {
      double ov = fmin(hi, j + 1.0) - fmax(lo, (double)j);
      a->w[i][a->n[i]++] = (float)(ov / s);
    }
  }
}

// The inner screen into `dst`: grayscale by ITU-R 601 luma in OpenCV's fixed
// point (cv2.COLOR_RGB2GRAY) when the inner observation is RGB.
static void at_grab(const AtariCfg *c, uint8_t *dst, const uint8_t *src) {
  size_t P = (size_t)c->H * c->W;
  if (c->SC == 1 && c->C == 3) {
    for (size_t p = 0; p < P; p++) {
      const uint8_t *q = src + 3 * p;
      dst[p] = (uint8_t)((q[0] * 4899 + q[1] * 9617 + q[2] * 1868 + 8192) >> 14);
    }
  } else {
    memcpy(dst, src, P * c->SC);
  }
}

// _get_obs: the max of the two screens (into the first, as Gymnasium's
// np.maximum(..., out=obs_buffer[0])), resized, as uint8 or scaled float.
static void at_obs(const AtariCfg *c, void *state, void *obs) {
  uint8_t *b0 = at_buf(c, state, 0), *b1 = at_buf(c, state, 1);
  if (c->def.frame_skip > 1)
    for (size_t i = 0; i < c->screen; i++) b0[i] = b0[i] > b1[i] ? b0[i] : b1[i];
  int S = c->def.screen_size, K = c->SC;
  for (int y = 0; y < S; y++)
    for (int x = 0; x < S; x++)
      for (int k = 0; k < K; k++) {
        float acc = 0;
        for (int u = 0; u < c->ay.n[y]; u++) {
          const uint8_t *row = b0 + ((size_t)(c->ay.first[y] + u) * c->W) * K + k;
          float r = 0;
          for (int v = 0; v < c->ax.n[x]; v++) r += c->ax.w[x][v] * row[(size_t)(c->ax.first[x] + v) * K];
          acc += c->ay.w[y][u] * r;
        }
        size_t o = ((size_t)y * S + x) * K + k;
        long q = lrintf(acc);
        uint8_t px = (uint8_t)(q < 0 ? 0 : q > 255 ? 255 : q);
        if (c->def.scale_obs) ((float *)obs)[o] = px / 255.0f;
        else ((uint8_t *)obs)[o] = px;
      }
}

static void at_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  const AtariCfg *c = spec->cfg;
  void *io = at_inner_obs(c, state);
  inner_reset(spec, state, rng, io);
  int noops = c->def.noop_max > 0 ? (int)rlc_rng_integers(rng, 1, (int64_t)c->def.noop_max + 1) : 0;
  int32_t noop = spec->action_space.start;  // action 0: NOOP
  for (int i = 0; i < noops; i++) {
    double r;
    bool te, tr;
    inner_step(spec, state, rng, &noop, io, &r, &te, &tr);
    if (te || tr) inner_reset(spec, state, rng, io);
  }
  ((AtariState *)state)->lives = inner_lives(spec, state);
  at_grab(c, at_buf(c, state, 0), io);
  memset(at_buf(c, state, 1), 0, c->screen);
  at_obs(c, state, obs);
}

static void at_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action, void *obs,
                    double *reward, bool *terminated, bool *truncated) {
  const AtariCfg *c = spec->cfg;
  AtariState *st = state;
  void *io = at_inner_obs(c, state);
  double total = 0;
  bool te = false, tr = false;
  int skip = c->def.frame_skip;
  for (int t = 0; t < skip; t++) {
    double r;
    inner_step(spec, state, rng, action, io, &r, &te, &tr);
    total += r;
    if (c->def.terminal_on_life_loss) {
      int lives = inner_lives(spec, state);
      te = te || lives < st->lives;
      st->lives = lives;
    }
    if (te || tr) break;
    if (t == skip - 2) at_grab(c, at_buf(c, state, 1), io);
    else if (t == skip - 1) at_grab(c, at_buf(c, state, 0), io);
  }
  *reward = total, *terminated = te, *truncated = tr;
  at_obs(c, state, obs);
}

static const rlcEnvClass atari_class = {.name = "AtariPreprocessing", .reset = at_reset, .step = at_step,
                                        .render = forward_render, .free_cfg = rlc_free};

rlcAtariDef rlc_atari_default_def(void) {
  return (rlcAtariDef){.noop_max = 30, .frame_skip = 4, .screen_size = 84, .grayscale_obs = true};
}

rlcStatus rlc_wrap_atari_preprocessing(rlcEnvSpec *inner, const rlcAtariDef *def, rlcEnvSpec **out) {
  *out = NULL;
  const rlcSpace *o = &inner->observation_space;
  bool rgb = o->ndim == 3 && o->shape[2] == 3, gray = o->ndim == 2 || (o->ndim == 3 && o->shape[2] == 1);
  if (o->type != RLC_SPACE_BOX || o->dtype != RLC_U8 || !(rgb || gray))
    return fail(inner, rlc_error(RLC_ERR_UNSUPPORTED,
                                 "atari_preprocessing: needs uint8 screens (H, W, 3) or (H, W) (pixels=true makes them)"));
  if (def->frame_skip < 1 || def->noop_max < 0 || def->screen_size < 1 || def->screen_size > 256)
    return fail(inner, rlc_error(RLC_ERR_ARG, "atari_preprocessing: frame_skip >= 1, noop_max >= 0, "
                                              "screen_size in [1, 256] (got %d, %d, %d)",
                                 def->frame_skip, def->noop_max, def->screen_size));
  if (gray && !def->grayscale_obs)
    return fail(inner, rlc_error(RLC_ERR_ARG, "atari_preprocessing: grayscale_obs=false needs RGB screens"));
  if (inner->action_space.type != RLC_SPACE_DISCRETE)
    return fail(inner, rlc_error(RLC_ERR_UNSUPPORTED, "atari_preprocessing: needs Discrete actions (0: NOOP)"));
  int H = o->shape[0], W = o->shape[1], S = def->screen_size;
  if (S > H || S > W || (H + S - 1) / S + 1 > AREA_TAPS || (W + S - 1) / S + 1 > AREA_TAPS)
    return fail(inner, rlc_error(RLC_ERR_ARG, "atari_preprocessing: screen_size %d: must shrink %dx%d by at most %dx",
                                 S, H, W, AREA_TAPS - 2));
  AtariCfg *c = rlc_calloc(1, sizeof *c);
  if (!c) return fail(inner, RLC_ERR_NOMEM);
  c->def = *def, c->H = H, c->W = W, c->C = rgb ? 3 : 1, c->SC = def->grayscale_obs ? 1 : 3;
  c->screen = (size_t)H * W * c->SC;
  c->inner_bytes = rlc_space_bytes(o);
  area_axis(&c->ax, W, S);
  area_axis(&c->ay, H, S);
  size_t own = sizeof(AtariState) + 2 * c->screen + c->inner_bytes;
  rlcStatus s = wrap(inner, &atari_class, own, c, out);
  if (s) return s;
  int shape[3] = {S, S, c->SC}, nd = c->SC == 3 || def->grayscale_newaxis ? 3 : 2;
  (*out)->observation_space = def->scale_obs ? rlc_space_box_uniform(RLC_F32, nd, shape, 0, 1)
                                             : rlc_space_box_uniform(RLC_U8, nd, shape, 0, 255);
  return RLC_OK;
}

//------------------------------------------------------------------------------
// Start actions: `count` presses of `action` after the reset and (optionally)
// after each lost life
//------------------------------------------------------------------------------

typedef struct StartCfg {
  int32_t action;
  int count;
  bool on_life_loss;
} StartCfg;

typedef struct StartState {
  int lives;
} StartState;

// The presses; false when one of them ended the episode.
static bool sa_press(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs, double *reward, bool *te,
                     bool *tr) {
  const StartCfg *c = spec->cfg;
  for (int i = 0; i < c->count; i++) {
    double r;
    inner_step(spec, state, rng, &c->action, obs, &r, te, tr);
    *reward += r;
    if (*te || *tr) return false;
  }
  return true;
}

static void sa_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  double r = 0;
  bool te, tr;
  inner_reset(spec, state, rng, obs);
  if (!sa_press(spec, state, rng, obs, &r, &te, &tr)) inner_reset(spec, state, rng, obs);
  ((StartState *)state)->lives = inner_lives(spec, state);
}

static void sa_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action, void *obs,
                    double *reward, bool *terminated, bool *truncated) {
  const StartCfg *c = spec->cfg;
  StartState *st = state;
  inner_step(spec, state, rng, action, obs, reward, terminated, truncated);
  int lives = inner_lives(spec, state);
  if (c->on_life_loss && lives < st->lives && !*terminated && !*truncated) {
    sa_press(spec, state, rng, obs, reward, terminated, truncated);
    lives = inner_lives(spec, state);
  }
  st->lives = lives;
}

static const rlcEnvClass start_class = {.name = "StartActions", .state_size = sizeof(StartState),
                                        .reset = sa_reset, .step = sa_step, .render = forward_render,
                                        .free_cfg = rlc_free};

rlcStatus rlc_wrap_start_actions(rlcEnvSpec *inner, int action, int count, bool on_life_loss, rlcEnvSpec **out) {
  *out = NULL;
  const rlcSpace *a = &inner->action_space;
  if (a->type != RLC_SPACE_DISCRETE || action < a->start || action >= a->start + a->n)
    return fail(inner, rlc_error(RLC_ERR_ARG, "start actions: action %d is not in %s's Discrete(%d) actions", action,
                                 inner->id, a->n));
  if (count < 0 || count > 100000) return fail(inner, rlc_error(RLC_ERR_ARG, "start actions: count %d outside [0, 100000]", count));
  StartCfg *c = rlc_calloc(1, sizeof *c);
  if (!c) return fail(inner, RLC_ERR_NOMEM);
  *c = (StartCfg){action, count, on_life_loss};
  return wrap(inner, &start_class, sizeof(StartState), c, out);
}

//------------------------------------------------------------------------------
// ClipReward
//------------------------------------------------------------------------------

typedef struct ClipCfg {
  double lo, hi;
} ClipCfg;

static void cr_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  inner_reset(spec, state, rng, obs);
}

static void cr_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action, void *obs,
                    double *reward, bool *terminated, bool *truncated) {
  const ClipCfg *c = spec->cfg;
  inner_step(spec, state, rng, action, obs, reward, terminated, truncated);
  *reward = *reward < c->lo ? c->lo : *reward > c->hi ? c->hi : *reward;
}

static void cr_heuristic(const rlcEnvSpec *spec, const void *obs, void *action) {
  if (spec->inner->cls->heuristic) spec->inner->cls->heuristic(spec->inner, obs, action);
}

static const rlcEnvClass clip_class = {.name = "ClipReward", .reset = cr_reset, .step = cr_step,
                                       .render = forward_render, .heuristic = cr_heuristic, .free_cfg = rlc_free};

rlcStatus rlc_wrap_clip_reward(rlcEnvSpec *inner, double lo, double hi, rlcEnvSpec **out) {
  *out = NULL;
  if (!(lo <= hi)) return fail(inner, rlc_error(RLC_ERR_ARG, "clip_reward: min %g above max %g", lo, hi));
  ClipCfg *c = rlc_calloc(1, sizeof *c);
  if (!c) return fail(inner, RLC_ERR_NOMEM);
  c->lo = lo, c->hi = hi;
  return wrap(inner, &clip_class, 0, c, out);
}
