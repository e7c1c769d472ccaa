// cartpole.c: CartPole-v0/v1, Gymnasium's classic_control/cartpole.py exactly:
// float64 state, explicit Euler, the same operation order (compiled without FP
// contraction, see the Makefile), and its 600x400 drawing.
// Depends on: rlc/envs.h, rlc/draw.h.
#include <math.h>

#include "rlc/draw.h"
#include "rlc/envs.h"
#include "make.h"

#define GRAVITY 9.8
#define MASSCART 1.0
#define MASSPOLE 0.1
#define TOTAL_MASS (MASSPOLE + MASSCART)
#define LENGTH 0.5  // half the pole's length
#define POLEMASS_LENGTH (MASSPOLE * LENGTH)
#define FORCE_MAG 10.0
#define TAU 0.02
#define X_THRESHOLD 2.4
#define THETA_THRESHOLD (12 * 2 * M_PI / 360)

static void write_obs(const rlcCartPoleState *s, float *obs) {
  obs[0] = (float)s->x;
  obs[1] = (float)s->x_dot;
  obs[2] = (float)s->theta;
  obs[3] = (float)s->theta_dot;
}

static void cartpole_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  rlcCartPoleState *s = state;
  s->x = rlc_rng_uniform(rng, -0.05, 0.05);
  s->x_dot = rlc_rng_uniform(rng, -0.05, 0.05);
  s->theta = rlc_rng_uniform(rng, -0.05, 0.05);
  s->theta_dot = rlc_rng_uniform(rng, -0.05, 0.05);
  s->steps_beyond_terminated = -1;
  write_obs(s, obs);
}

static void cartpole_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action,
                          void *obs, double *reward, bool *terminated, bool *truncated) {
  rlcCartPoleState *s = state;
  // The step path is kept short (see src/env/vector.c): the rest of the state
  // is read after sin/cos, so nothing is spilled around the call.
  const double theta = s->theta;
  double costheta = cos(theta), sintheta = sin(theta);
  const double x = s->x, x_dot = s->x_dot, theta_dot = s->theta_dot;
  double force = *(const int32_t *)action == 1 ? FORCE_MAG : -FORCE_MAG;
  double temp = (force + POLEMASS_LENGTH * (theta_dot * theta_dot) * sintheta) / TOTAL_MASS;
  double thetaacc = (GRAVITY * sintheta - costheta * temp) /
                    (LENGTH * (4.0 / 3.0 - MASSPOLE * (costheta * costheta) / TOTAL_MASS));
  double xacc = temp - POLEMASS_LENGTH * thetaacc * costheta / TOTAL_MASS;
  // Every update reads the old values (explicit Euler).
  s->x = x + TAU * x_dot;
  s->x_dot = x_dot + TAU * xacc;
  s->theta = theta + TAU * theta_dot;
  s->theta_dot = theta_dot + TAU * thetaacc;
  bool done = s->x < -X_THRESHOLD || s->x > X_THRESHOLD || s->theta < -THETA_THRESHOLD || s->theta > THETA_THRESHOLD;
  write_obs(s, obs);
  *terminated = done;
  // Reward 1 on every step including the terminating one; 0 for steps past it.
  if (!done) *reward = 1.0;
  else if (s->steps_beyond_terminated < 0) s->steps_beyond_terminated = 0, *reward = 1.0;
  else s->steps_beyond_terminated++, *reward = 0.0;
}

static void cartpole_render(const rlcEnvSpec *spec, const void *state, const rlcRenderArgs *args,
                            uint8_t *rgb) {
  const rlcCartPoleState *s = state;
  const int W = spec->render_width, H = spec->render_height;
  rlcCanvas *c;
  if (rlc_canvas_begin(rgb, W, H, &c)) return;
  // Gymnasium draws with y up and flips the surface: screen y = H - y.
  double scale = W / (X_THRESHOLD * 2), polewidth = 10.0, polelen = scale * (2 * LENGTH);
  double cartwidth = 50.0, cartheight = 30.0, axleoffset = cartheight / 4.0;
  double cartx = s->x * scale + W / 2.0, carty = 100;
  rlc_canvas_clear(c, 0xFFFFFF);
  double l = -cartwidth / 2, r = cartwidth / 2, t = cartheight / 2, b = -cartheight / 2;
  double cart[8] = {l, b, l, t, r, t, r, b};
  for (int i = 0; i < 4; i++) cart[2 * i] += cartx, cart[2 * i + 1] = H - (cart[2 * i + 1] + carty);
  rlc_canvas_fill_polygon(c, cart, 4, 0x000000);
  l = -polewidth / 2, r = polewidth / 2, t = polelen - polewidth / 2, b = -polewidth / 2;
  double pole[8] = {l, b, l, t, r, t, r, b};
  double a = -s->theta, ca = cos(a), sa = sin(a);
  for (int i = 0; i < 4; i++) {
    double px = pole[2 * i], py = pole[2 * i + 1];
    pole[2 * i] = px * ca - py * sa + cartx;
    pole[2 * i + 1] = H - (px * sa + py * ca + carty + axleoffset);
  }
  rlc_canvas_fill_polygon(c, pole, 4, 0xCA9865);
  rlc_canvas_fill_circle(c, cartx, H - (carty + axleoffset), polewidth / 2, 0x8184CB);
  rlc_canvas_line(c, 0, H - carty, W, H - carty, 1, 0x000000);
  rlc_canvas_end(c);
}

// Hands-On ML's basic policy: push toward the side the pole leans to.
static void cartpole_heuristic(const rlcEnvSpec *spec, const void *obs, void *action) {
  *(int32_t *)action = ((const float *)obs)[2] < 0 ? 0 : 1;
}

static bool cartpole_state_valid(const rlcEnvSpec *spec, const void *state) {
  const rlcCartPoleState *s = state;
  return isfinite(s->x) && isfinite(s->x_dot) && isfinite(s->theta) && isfinite(s->theta_dot) &&
         s->steps_beyond_terminated >= -1;
}

static const rlcEnvClass cartpole_class = {
    .state_valid = cartpole_state_valid,
    .name = "CartPole",
    .state_size = sizeof(rlcCartPoleState),
    .reset = cartpole_reset,
    .step = cartpole_step,
    .render = cartpole_render,
    .heuristic = cartpole_heuristic,
};

rlcStatus envs_make_cartpole(rlcEnvSpec *spec, rlcOpts *opts) {
  const float high[4] = {(float)(X_THRESHOLD * 2), INFINITY, (float)(THETA_THRESHOLD * 2), INFINITY};
  const float low[4] = {-high[0], -high[1], -high[2], -high[3]};
  spec->observation_space = rlc_space_box(4, low, high);
  spec->action_space = rlc_space_discrete(2);
  spec->render_width = 600;
  spec->render_height = 400;
  spec->render_fps = 50;
  spec->cls = &cartpole_class;
  return RLC_OK;
}
