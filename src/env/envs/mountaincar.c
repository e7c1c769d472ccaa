// mountaincar.c: MountainCar-v0 and MountainCarContinuous-v0, Gymnasium's
// classic_control/mountain_car.py and continuous_mountain_car.py exactly:
// float64 state (the continuous one rounded to float32 after every step, as
// Gymnasium stores it), the same operation order (compiled without FP
// contraction, see the Makefile), libm cos (Python's math.cos), and their
// 600x400 drawing.
// Depends on: rlc/envs.h, rlc/draw.h.
#include <math.h>

#include "rlc/draw.h"
#include "rlc/envs.h"
#include "make.h"

#define MIN_POSITION (-1.2)
#define MAX_POSITION 0.6
#define MAX_SPEED 0.07
#define FORCE 0.001               // discrete: (action - 1) * FORCE
#define GRAVITY 0.0025
#define POWER 0.0015              // continuous: clip(action, -1, 1) * POWER
#define GOAL_POSITION 0.5         // discrete
#define GOAL_POSITION_CONT 0.45   // continuous ("0.45 in Arnaud de Broissia's version")

typedef struct {
  double goal_position;  // where the flag stands (also drawn)
  double goal_velocity;  // option goal_velocity (default 0)
} MountainCarCfg;

static void write_obs(const rlcMountainCarState *s, float *obs) {
  obs[0] = (float)s->position;
  obs[1] = (float)s->velocity;
}

// Both versions: np.array([uniform(-0.6, -0.4), 0]) in float64.
static void mountaincar_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  rlcMountainCarState *s = state;
  s->position = rlc_rng_uniform(rng, -0.6, -0.4);
  s->velocity = 0.0;
  write_obs(s, obs);
}

static void mountaincar_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action,
                             void *obs, double *reward, bool *terminated, bool *truncated) {
  const MountainCarCfg *cfg = spec->cfg;
  rlcMountainCarState *s = state;
  int a = *(const int32_t *)action;
  double position = s->position, velocity = s->velocity;
  // Python's `velocity += a + b` adds the right side's sum: velocity + (a + b).
  velocity = velocity + ((a - 1) * FORCE + cos(3 * position) * (-GRAVITY));
  velocity = velocity < -MAX_SPEED ? -MAX_SPEED : velocity > MAX_SPEED ? MAX_SPEED : velocity;
  position = position + velocity;
  position = position < MIN_POSITION ? MIN_POSITION : position > MAX_POSITION ? MAX_POSITION : position;
  if (position == MIN_POSITION && velocity < 0) velocity = 0.0;  // inelastic wall
  *terminated = position >= cfg->goal_position && velocity >= cfg->goal_velocity;
  *reward = -1.0;
  s->position = position;
  s->velocity = velocity;
  write_obs(s, obs);
}

static void mountaincar_continuous_step(const rlcEnvSpec *spec, void *state, rlcRng *rng,
                                        const void *action, void *obs, double *reward,
                                        bool *terminated, bool *truncated) {
  const MountainCarCfg *cfg = spec->cfg;
  rlcMountainCarState *s = state;
  // The float32 action and state are promoted to float64 (numpy 1.x), the
  // force is clipped to [-1, 1]; the reward's cost uses the unclipped action.
  double a = *(const float *)action;
  double force = a < -1.0 ? -1.0 : a > 1.0 ? 1.0 : a;
  double position = s->position, velocity = s->velocity;
  velocity = velocity + (force * POWER - 0.0025 * cos(3 * position));
  if (velocity > MAX_SPEED) velocity = MAX_SPEED;
  if (velocity < -MAX_SPEED) velocity = -MAX_SPEED;
  position = position + velocity;
  if (position > MAX_POSITION) position = MAX_POSITION;
  if (position < MIN_POSITION) position = MIN_POSITION;
  if (position == MIN_POSITION && velocity < 0) velocity = 0.0;
  // Tested on the unrounded float64 values, before the state is stored.
  bool done = position >= cfg->goal_position && velocity >= cfg->goal_velocity;
  *terminated = done;
  // math.pow(action, 2) of a float32 value is exact in double: pow(a, 2) == a * a.
  *reward = (done ? 100.0 : 0.0) - (a * a) * 0.1;
  // Gymnasium stores np.array([position, velocity], dtype=np.float32).
  s->position = (float)position;
  s->velocity = (float)velocity;
  write_obs(s, obs);
}

//------------------------------------------------------------------------------
// Render (both versions): the hill, the car on it with two wheels, the flag
//------------------------------------------------------------------------------

static double hill_height(double x) { return sin(3 * x) * 0.45 + 0.55; }

static void mountaincar_render(const rlcEnvSpec *spec, const void *state, const rlcRenderArgs *args,
                               uint8_t *rgb) {
  const rlcMountainCarState *s = state;
  const int W = spec->render_width, H = spec->render_height;
  rlcCanvas *c;
  if (rlc_canvas_begin(rgb, W, H, &c)) return;
  // Gymnasium draws with y up and flips the surface: screen y = H - y. Its
  // integer pixel positions (wheels, flag) become pixel centers (+0.5).
  double scale = W / (MAX_POSITION - MIN_POSITION);
  double carwidth = 40, carheight = 20, clearance = 10;
  double goal = ((const MountainCarCfg *)spec->cfg)->goal_position;
  rlc_canvas_clear(c, 0xFFFFFF);

  double hill[200];
  for (int i = 0; i < 100; i++) {
    double x = MIN_POSITION + (MAX_POSITION - MIN_POSITION) * i / 99.0;
    hill[2 * i] = (x - MIN_POSITION) * scale;
    hill[2 * i + 1] = H - hill_height(x) * scale;
  }
  rlc_canvas_polyline(c, hill, 100, 1.0, 0x000000);

  // The car: a 40x20 box standing on the hill, tilted by cos(3 pos) radians
  // (the slope's direction, as Gymnasium draws it).
  double pos = s->position, rot = cos(3 * pos), cr = cos(rot), sr = sin(rot);
  double basex = (pos - MIN_POSITION) * scale, basey = clearance + hill_height(pos) * scale;
  double l = -carwidth / 2, r = carwidth / 2, t = carheight, b = 0;
  double car[8] = {l, b, l, t, r, t, r, b};
  for (int i = 0; i < 4; i++) {
    double px = car[2 * i], py = car[2 * i + 1];
    car[2 * i] = px * cr - py * sr + basex;
    car[2 * i + 1] = H - (px * sr + py * cr + basey);
  }
  rlc_canvas_fill_polygon(c, car, 4, 0x000000);
  for (int k = 0; k < 2; k++) {
    double px = k == 0 ? carwidth / 4 : -carwidth / 4;
    int wx = (int)(px * cr + basex), wy = (int)(px * sr + basey);
    rlc_canvas_fill_circle(c, wx + 0.5, H - wy - 0.5, (int)(carheight / 2.5), 0x808080);
  }

  int flagx = (int)((goal - MIN_POSITION) * scale);
  int flagy1 = (int)(hill_height(goal) * scale), flagy2 = flagy1 + 50;
  rlc_canvas_line(c, flagx + 0.5, H - flagy1, flagx + 0.5, H - flagy2 - 1, 1.0, 0x000000);
  double flag[6] = {flagx + 0.5, H - flagy2 - 0.5, flagx + 0.5, H - (flagy2 - 10) - 0.5,
                    flagx + 25.5, H - (flagy2 - 5) - 0.5};
  rlc_canvas_fill_polygon(c, flag, 3, 0xCCCC00);
  rlc_canvas_end(c);
}

// Energy pumping: accelerate in the direction of motion (right when at rest).
// obs is (position, velocity).
static void mountaincar_heuristic(const rlcEnvSpec *spec, const void *obs, void *action) {
  *(int32_t *)action = ((const float *)obs)[1] >= 0 ? 2 : 0;
}

static void mountaincar_continuous_heuristic(const rlcEnvSpec *spec, const void *obs, void *action) {
  *(float *)action = ((const float *)obs)[1] >= 0 ? 1.0f : -1.0f;
}

static void mountaincar_free_cfg(void *cfg) { rlc_free(cfg); }

static bool mountaincar_state_valid(const rlcEnvSpec *spec, const void *state) {
  const rlcMountainCarState *s = state;
  return isfinite(s->position) && isfinite(s->velocity);
}

static const rlcEnvClass mountaincar_class = {
    .state_valid = mountaincar_state_valid,
    .name = "MountainCar",
    .state_size = sizeof(rlcMountainCarState),
    .reset = mountaincar_reset,
    .step = mountaincar_step,
    .render = mountaincar_render,
    .heuristic = mountaincar_heuristic,
    .free_cfg = mountaincar_free_cfg,
};

static const rlcEnvClass mountaincar_continuous_class = {
    .state_valid = mountaincar_state_valid,
    .name = "MountainCarContinuous",
    .state_size = sizeof(rlcMountainCarState),
    .reset = mountaincar_reset,
    .step = mountaincar_continuous_step,
    .render = mountaincar_render,
    .heuristic = mountaincar_continuous_heuristic,
    .free_cfg = mountaincar_free_cfg,
};

static rlcStatus make_common(rlcEnvSpec *spec, rlcOpts *opts, const rlcEnvClass *cls,
                             double goal_position) {
  double goal_velocity;
  rlcStatus s = rlc_opts_double(opts, "goal_velocity", 0.0, &goal_velocity);
  if (s) return s;
  if (!isfinite(goal_velocity))
    return rlc_error(RLC_ERR_ARG, "option goal_velocity=%g: must be a finite number", goal_velocity);
  MountainCarCfg *cfg = rlc_calloc(1, sizeof *cfg);
  if (!cfg) return RLC_ERR_NOMEM;
  cfg->goal_position = goal_position;
  cfg->goal_velocity = goal_velocity;
  spec->cls = cls;
  spec->cfg = cfg;
  // Gymnasium's float32 arrays [min_position, -max_speed], [max_position, max_speed].
  const float low[2] = {(float)MIN_POSITION, (float)-MAX_SPEED};
  const float high[2] = {(float)MAX_POSITION, (float)MAX_SPEED};
  spec->observation_space = rlc_space_box(2, low, high);
  spec->render_width = 600;
  spec->render_height = 400;
  spec->render_fps = 30;
  return RLC_OK;
}

rlcStatus envs_make_mountaincar(rlcEnvSpec *spec, rlcOpts *opts) {
  rlcStatus s = make_common(spec, opts, &mountaincar_class, GOAL_POSITION);
  if (s) return s;
  spec->action_space = rlc_space_discrete(3);
  return RLC_OK;
}

rlcStatus envs_make_mountaincar_continuous(rlcEnvSpec *spec, rlcOpts *opts) {
  rlcStatus s = make_common(spec, opts, &mountaincar_continuous_class, GOAL_POSITION_CONT);
  if (s) return s;
  const float low[1] = {-1.0f}, high[1] = {1.0f};
  spec->action_space = rlc_space_box(1, low, high);
  return RLC_OK;
}
