// pendulum.c: Pendulum-v1, Gymnasium's classic_control/pendulum.py exactly:
// float64 state, the float32 action clipped to [-2, 2] and promoted, the cost
// from the state before the update with libm's pow(x, 2) where the Python
// writes x**2 (envs_pow2_libm; compiled without FP contraction, see the
// Makefile), numpy's floored modulo in angle_normalize, and its 500x500
// drawing (rod, pivot, and the torque arrow).
// Depends on: rlc/envs.h, rlc/draw.h.
#include <math.h>

#include "rlc/draw.h"
#include "rlc/envs.h"
#include "make.h"

#define MAX_SPEED 8
#define MAX_TORQUE 2.0
#define DT 0.05
#define MASS 1.0
#define LENGTH 1.0

typedef struct {
  double g;     // option g (default 10.0)
  double gcoef; // 3 * g / (2 * l), as the Python groups it
} PendulumCfg;

static void write_obs(const rlcPendulumState *s, float *obs) {
  obs[0] = (float)cos(s->theta);
  obs[1] = (float)sin(s->theta);
  obs[2] = (float)s->theta_dot;
}

static void pendulum_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  rlcPendulumState *s = state;
  // uniform(low=[-pi, -1], high=[pi, 1]): one draw per element, in order.
  s->theta = rlc_rng_uniform(rng, -M_PI, M_PI);
  s->theta_dot = rlc_rng_uniform(rng, -1.0, 1.0);
  s->last_u = 0.0f;
  s->has_last_u = false;
  write_obs(s, obs);
}

// ((x + pi) % (2 pi)) - pi with numpy's floored float64 remainder (npy_divmod):
// fmod, moved into [0, 2pi) when it has the other sign, and +0.0 for 0.
static inline double angle_normalize(double x) {
  double r = fmod(x + M_PI, 2 * M_PI);
  if (r != 0) {
    if (r < 0) r += 2 * M_PI;
  } else {
    r = 0.0;
  }
  return r - M_PI;
}

static void pendulum_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action,
                          void *obs, double *reward, bool *terminated, bool *truncated) {
  const PendulumCfg *cfg = spec->cfg;
  rlcPendulumState *s = state;
  float uf = *(const float *)action;
  uf = uf < (float)-MAX_TORQUE ? (float)-MAX_TORQUE : uf > (float)MAX_TORQUE ? (float)MAX_TORQUE : uf;
  s->last_u = uf;
  s->has_last_u = true;
  double u = uf;  // float32 promoted to float64 (numpy 1.x) in 3.0*u and u**2
  double th = s->theta, thdot = s->theta_dot;
  // u**2 of a float32 value is exact in double, so pow(u, 2) == u * u.
  double costs = envs_pow2_libm(angle_normalize(th)) + 0.1 * envs_pow2_libm(thdot) + 0.001 * (u * u);
  double newthdot = thdot + (cfg->gcoef * sin(th) + 3.0 / (MASS * (LENGTH * LENGTH)) * u) * DT;
  newthdot = newthdot < -MAX_SPEED ? -MAX_SPEED : newthdot > MAX_SPEED ? MAX_SPEED : newthdot;
  double newth = th + newthdot * DT;  // not wrapped
  s->theta = newth;
  s->theta_dot = newthdot;
  *reward = -costs;
  *terminated = false;
  write_obs(s, obs);
}

//------------------------------------------------------------------------------
// Render: the rod from the pivot, and a curved arrow sized by the last torque
//------------------------------------------------------------------------------

// Gymnasium blits assets/clockwise.png (a black three-quarter circle arrow),
// scaled to size x size and mirrored for positive (counterclockwise) torque.
static void draw_torque_arrow(rlcCanvas *c, double cx, double cy, double size, bool ccw) {
  double r = 0.38 * size, width = 0.1 * size;
  double pts[2 * 41];
  double a0 = -0.75 * M_PI, a1 = a0 + 1.45 * M_PI;  // screen angles, increasing = clockwise
  for (int i = 0; i <= 40; i++) {
    double a = a0 + (a1 - a0) * i / 40.0;
    pts[2 * i] = r * cos(a), pts[2 * i + 1] = r * sin(a);
  }
  // The head at the arc's end, pointing along the motion.
  double tx = -sin(a1), ty = cos(a1), nx = cos(a1), ny = sin(a1);
  double ex = r * cos(a1), ey = r * sin(a1), h = 0.28 * size, w = 0.17 * size;
  double head[6] = {ex + tx * h, ey + ty * h, ex + nx * w, ey + ny * w, ex - nx * w, ey - ny * w};
  for (int i = 0; i < 41; i++) pts[2 * i] = cx + (ccw ? -pts[2 * i] : pts[2 * i]), pts[2 * i + 1] += cy;
  for (int i = 0; i < 3; i++) head[2 * i] = cx + (ccw ? -head[2 * i] : head[2 * i]), head[2 * i + 1] += cy;
  rlc_canvas_polyline(c, pts, 41, width, 0x000000);
  rlc_canvas_fill_polygon(c, head, 3, 0x000000);
}

static void pendulum_render(const rlcEnvSpec *spec, const void *state, const rlcRenderArgs *args,
                            uint8_t *rgb) {
  const rlcPendulumState *s = state;
  const int W = spec->render_width, H = spec->render_height;
  rlcCanvas *c;
  if (rlc_canvas_begin(rgb, W, H, &c)) return;
  // Gymnasium draws with y up and flips the surface: screen y = H - y. Its
  // integer pixel positions (circles) become pixel centers (+0.5).
  const rlcColor rod_color = 0xCC4D4D;
  double bound = 2.2, scale = W / (bound * 2);
  int offset = W / 2;
  double rod_length = 1 * scale, rod_width = 0.2 * scale;
  rlc_canvas_clear(c, 0xFFFFFF);
  double l = 0, r = rod_length, t = rod_width / 2, b = -rod_width / 2;
  double rod[8] = {l, b, l, t, r, t, r, b};
  double a = s->theta + M_PI / 2, ca = cos(a), sa = sin(a);  // theta = 0 points up
  for (int i = 0; i < 4; i++) {
    double px = rod[2 * i], py = rod[2 * i + 1];
    rod[2 * i] = px * ca - py * sa + offset;
    rod[2 * i + 1] = H - (px * sa + py * ca + offset);
  }
  rlc_canvas_fill_polygon(c, rod, 4, rod_color);
  rlc_canvas_fill_circle(c, offset + 0.5, H - offset - 0.5, (int)(rod_width / 2), rod_color);
  int ex = (int)(rod_length * ca + offset), ey = (int)(rod_length * sa + offset);
  rlc_canvas_fill_circle(c, ex + 0.5, H - ey - 0.5, (int)(rod_width / 2), rod_color);
  if (s->has_last_u) {
    double size = scale * fabs((double)s->last_u) / 2;
    if (size >= 1) draw_torque_arrow(c, offset + 0.5, H - offset - 0.5, size, s->last_u > 0);
  }
  rlc_canvas_fill_circle(c, offset + 0.5, H - offset - 0.5, (int)(0.05 * scale), 0x000000);  // axle
  rlc_canvas_end(c);
}

// Swing up by pumping energy, then balance with a PD law. With I = m l^2 / 3
// the energy E = I thdot^2 / 2 + m g l / 2 (cos th - 1) is 0 upright at rest
// and dE/dt = thdot * u, so torque along thdot raises E. obs is (cos, sin, thdot).
static void pendulum_heuristic(const rlcEnvSpec *spec, const void *obs, void *action) {
  const PendulumCfg *cfg = spec->cfg;
  const float *o = obs;
  double th = atan2(o[1], o[0]), thdot = o[2];
  double u;
  if (o[0] > 0.85) {
    u = -10.0 * th - 2.0 * thdot;  // near the top: PD balance
  } else {
    double e = MASS * LENGTH * LENGTH / 3 * thdot * thdot / 2 + MASS * cfg->g * LENGTH / 2 * (o[0] - 1);
    u = -4.0 * e * (thdot >= 0 ? 1 : -1);  // E < 0: push along thdot; E > 0: brake
  }
  *(float *)action = (float)(u < -MAX_TORQUE ? -MAX_TORQUE : u > MAX_TORQUE ? MAX_TORQUE : u);
}

static void pendulum_free_cfg(void *cfg) { rlc_free(cfg); }

static bool pendulum_state_valid(const rlcEnvSpec *spec, const void *state) {
  const rlcPendulumState *s = state;
  return isfinite(s->theta) && isfinite(s->theta_dot) && isfinite(s->last_u) && rlc_byte_is_bool(&s->has_last_u);
}

static const rlcEnvClass pendulum_class = {
    .state_valid = pendulum_state_valid,
    .name = "Pendulum",
    .state_size = sizeof(rlcPendulumState),
    .reset = pendulum_reset,
    .step = pendulum_step,
    .render = pendulum_render,
    .heuristic = pendulum_heuristic,
    .free_cfg = pendulum_free_cfg,
};

rlcStatus envs_make_pendulum(rlcEnvSpec *spec, rlcOpts *opts) {
  double g;
  rlcStatus s = rlc_opts_double(opts, "g", 10.0, &g);
  if (s) return s;
  if (!(isfinite(g) && g >= 0))
    return rlc_error(RLC_ERR_ARG, "option g=%g: must be a finite number >= 0", g);
  PendulumCfg *cfg = rlc_calloc(1, sizeof *cfg);
  if (!cfg) return RLC_ERR_NOMEM;
  cfg->g = g;
  cfg->gcoef = 3 * g / (2 * LENGTH);
  spec->cls = &pendulum_class;
  spec->cfg = cfg;
  const float high[3] = {1.0f, 1.0f, (float)MAX_SPEED};
  const float low[3] = {-high[0], -high[1], -high[2]};
  spec->observation_space = rlc_space_box(3, low, high);
  const float alow[1] = {(float)-MAX_TORQUE}, ahigh[1] = {(float)MAX_TORQUE};
  spec->action_space = rlc_space_box(1, alow, ahigh);
  spec->render_width = 500;
  spec->render_height = 500;
  spec->render_fps = 30;
  return RLC_OK;
}
