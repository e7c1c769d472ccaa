// acrobot.c: Acrobot-v1, Gymnasium's classic_control/acrobot.py exactly: the
// book's dynamics (or the NIPS paper's, option book_or_nips), one RK4 step of
// dt = 0.2 in float64 with numpy's elementwise operation order, libm sin/cos
// and libm's pow(x, 2) where the Python writes x**2 (envs_pow2_libm; compiled
// without FP contraction, see the Makefile), and its 500x500 drawing.
// Depends on: rlc/envs.h, rlc/draw.h.
#include <math.h>
#include <string.h>

#include "rlc/draw.h"
#include "rlc/envs.h"
#include "make.h"

// Gymnasium's class constants. The Python evaluates products of these
// constants in double left to right; the folded values below are written as
// those same products so the compiler rounds them identically.
#define DT 0.2
#define LINK_LENGTH_1 1.0
#define LINK_LENGTH_2 1.0
#define LINK_MASS_1 1.0
#define LINK_MASS_2 1.0
#define LINK_COM_POS_1 0.5
#define LINK_COM_POS_2 0.5
#define LINK_MOI 1.0
#define G 9.8
#define MAX_VEL_1 (4 * M_PI)
#define MAX_VEL_2 (9 * M_PI)

typedef struct {
  double torque_noise_max;  // option torque_noise_max (default 0: none)
  bool nips;                // option book_or_nips=nips
} AcrobotCfg;

// The observation of a state, given cos and sin of theta1 (sincos() returns
// exactly what cos() and sin() do; GCC makes that call from the pair anyway).
// Keeps cos and sin of theta2 for the next step's first stage.
static void write_obs(rlcAcrobotState *s, double cos1, double sin1, float *obs) {
  double cos2, sin2;
  sincos(s->theta2, &sin2, &cos2);
  s->trig_theta2 = s->theta2, s->cos_theta2 = cos2, s->sin_theta2 = sin2, s->has_trig = true;
  obs[0] = (float)cos1;
  obs[1] = (float)sin1;
  obs[2] = (float)cos2;
  obs[3] = (float)sin2;
  obs[4] = (float)s->dtheta1;
  obs[5] = (float)s->dtheta2;
}

static void acrobot_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  rlcAcrobotState *s = state;
  // uniform(-0.1, 0.1, size=(4,)).astype(np.float32): four draws, in order.
  s->theta1 = (float)rlc_rng_uniform(rng, -0.1, 0.1);
  s->theta2 = (float)rlc_rng_uniform(rng, -0.1, 0.1);
  s->dtheta1 = (float)rlc_rng_uniform(rng, -0.1, 0.1);
  s->dtheta2 = (float)rlc_rng_uniform(rng, -0.1, 0.1);
  // numpy applies float32 cos/sin to the float32 angles here; the correctly
  // rounded value below is what it returns on every recorded reset (it is not
  // guaranteed to within the last float32 bit in general).
  write_obs(s, cos(s->theta1), sin(s->theta1), obs);
}

// The trigonometry _dsdt needs at one point (theta1, theta2).
typedef struct {
  double c2, s2;  // cos, sin of theta2 (the Python calls them 2 and 3 times)
  double cphi2;   // cos(theta1 + theta2 - pi / 2.0)
  double cphi1;   // cos(theta1 - pi / 2)
} Trig;

static inline void trig_at(double theta1, double theta2, Trig *t) {
  t->c2 = cos(theta2);
  t->s2 = sin(theta2);
  t->cphi2 = cos(theta1 + theta2 - M_PI / 2.0);
  t->cphi1 = cos(theta1 - M_PI / 2);
}

// trig_at of the state itself, reusing cos and sin of theta2 from the last
// observation when theta2 is bitwise the same (comparing bits keeps -0.0 and
// +0.0 apart, whose sines differ).
static inline void trig_at_state(const rlcAcrobotState *s, Trig *t) {
  if (s->has_trig && !memcmp(&s->trig_theta2, &s->theta2, sizeof(double))) {
    t->c2 = s->cos_theta2;
    t->s2 = s->sin_theta2;
  } else {
    t->c2 = cos(s->theta2);
    t->s2 = sin(s->theta2);
  }
  t->cphi2 = cos(s->theta1 + s->theta2 - M_PI / 2.0);
  t->cphi1 = cos(s->theta1 - M_PI / 2);
}

// _dsdt given its trigonometry: the accelerations (ddtheta1, ddtheta2) under
// torque a, in the Python's operation order. (The other derivatives are the
// velocities themselves, and 0 for the torque.)
static inline void accel(const Trig *t, double dtheta1, double dtheta2, double a, bool nips,
                         double *dd1, double *dd2) {
  double c2 = t->c2, s2 = t->s2;
  double d1 = LINK_MASS_1 * (LINK_COM_POS_1 * LINK_COM_POS_1) +
              LINK_MASS_2 * (LINK_LENGTH_1 * LINK_LENGTH_1 + LINK_COM_POS_2 * LINK_COM_POS_2 +
                             2 * LINK_LENGTH_1 * LINK_COM_POS_2 * c2) +
              LINK_MOI + LINK_MOI;
  double d2 = LINK_MASS_2 * (LINK_COM_POS_2 * LINK_COM_POS_2 + LINK_LENGTH_1 * LINK_COM_POS_2 * c2) +
              LINK_MOI;
  double phi2 = LINK_MASS_2 * LINK_COM_POS_2 * G * t->cphi2;
  double phi1 = -LINK_MASS_2 * LINK_LENGTH_1 * LINK_COM_POS_2 * envs_pow2_libm(dtheta2) * s2 -
                2 * LINK_MASS_2 * LINK_LENGTH_1 * LINK_COM_POS_2 * dtheta2 * dtheta1 * s2 +
                (LINK_MASS_1 * LINK_COM_POS_1 + LINK_MASS_2 * LINK_LENGTH_1) * G * t->cphi1 + phi2;
  double den = LINK_MASS_2 * (LINK_COM_POS_2 * LINK_COM_POS_2) + LINK_MOI - envs_pow2_libm(d2) / d1;
  double ddtheta2;
  if (nips)
    ddtheta2 = (a + d2 / d1 * phi1 - phi2) / den;
  else
    ddtheta2 = (a + d2 / d1 * phi1 -
                LINK_MASS_2 * LINK_LENGTH_1 * LINK_COM_POS_2 * envs_pow2_libm(dtheta1) * s2 - phi2) /
               den;
  *dd1 = -(d2 * ddtheta2 + phi1) / d1;
  *dd2 = ddtheta2;
}

static void acrobot_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action,
                         void *obs, double *reward, bool *terminated, bool *truncated) {
  const AcrobotCfg *cfg = spec->cfg;
  const bool nips = cfg->nips;
  rlcAcrobotState *s = state;
  static const double avail_torque[3] = {-1.0, 0.0, +1.0};
  double a = avail_torque[*(const int32_t *)action];
  if (cfg->torque_noise_max > 0) a += rlc_rng_uniform(rng, -cfg->torque_noise_max, cfg->torque_noise_max);

  // rk4(_dsdt, [s, torque], [0, dt]), one step:
  //   k1 = f(y0), k2 = f(y0 + dt/2 k1), k3 = f(y0 + dt/2 k2), k4 = f(y0 + dt k3),
  //   y = y0 + dt/6 (((k1 + 2 k2) + 2 k3) + k4), elementwise in float64.
  // The torque component has derivative 0, so it stays a at every stage. The
  // sum is accumulated as the k's come, in numpy's order, so fewer values live
  // across the libm calls. Each k's first two components are the stage's
  // velocities, so a stage's angles are known one stage before its
  // accelerations: the trigonometry of the next stage is issued before this
  // stage's arithmetic, for the CPU to overlap them.
  const double dt = DT - 0, dt2 = dt / 2.0;
  const double y0[4] = {s->theta1, s->theta2, s->dtheta1, s->dtheta2};
  double sum[4], v1, v2, dd1, dd2;  // sum of the k's so far; a stage's velocities and accelerations
  Trig tr, tn;                      // this stage's and the next stage's trigonometry
  // k1 = f(y0)
  trig_at_state(s, &tr);
  v1 = y0[2], v2 = y0[3];
  accel(&tr, v1, v2, a, nips, &dd1, &dd2);
  sum[0] = v1, sum[1] = v2, sum[2] = dd1, sum[3] = dd2;
  // k2 = f(y0 + dt/2 k1)
  trig_at(y0[0] + dt2 * v1, y0[1] + dt2 * v2, &tr);
  v1 = y0[2] + dt2 * dd1, v2 = y0[3] + dt2 * dd2;
  trig_at(y0[0] + dt2 * v1, y0[1] + dt2 * v2, &tn);  // k3's angles: y0 + dt/2 k2
  accel(&tr, v1, v2, a, nips, &dd1, &dd2);
  sum[0] = sum[0] + 2 * v1, sum[1] = sum[1] + 2 * v2, sum[2] = sum[2] + 2 * dd1, sum[3] = sum[3] + 2 * dd2;
  // k3 = f(y0 + dt/2 k2)
  v1 = y0[2] + dt2 * dd1, v2 = y0[3] + dt2 * dd2;
  trig_at(y0[0] + dt * v1, y0[1] + dt * v2, &tr);  // k4's angles: y0 + dt k3
  accel(&tn, v1, v2, a, nips, &dd1, &dd2);
  sum[0] = sum[0] + 2 * v1, sum[1] = sum[1] + 2 * v2, sum[2] = sum[2] + 2 * dd1, sum[3] = sum[3] + 2 * dd2;
  // k4 = f(y0 + dt k3)
  v1 = y0[2] + dt * dd1, v2 = y0[3] + dt * dd2;
  accel(&tr, v1, v2, a, nips, &dd1, &dd2);
  sum[0] = sum[0] + v1, sum[1] = sum[1] + v2, sum[2] = sum[2] + dd1, sum[3] = sum[3] + dd2;
  double ns[4];
  for (int i = 0; i < 4; i++) ns[i] = y0[i] + dt / 6.0 * sum[i];

  // wrap() the angles into [-pi, pi], bound() the velocities.
  const double diff = M_PI - -M_PI;
  for (int i = 0; i < 2; i++) {
    while (ns[i] > M_PI) ns[i] = ns[i] - diff;
    while (ns[i] < -M_PI) ns[i] = ns[i] + diff;
  }
  ns[2] = ns[2] < -MAX_VEL_1 ? -MAX_VEL_1 : ns[2] > MAX_VEL_1 ? MAX_VEL_1 : ns[2];
  ns[3] = ns[3] < -MAX_VEL_2 ? -MAX_VEL_2 : ns[3] > MAX_VEL_2 ? MAX_VEL_2 : ns[3];
  s->theta1 = ns[0], s->theta2 = ns[1], s->dtheta1 = ns[2], s->dtheta2 = ns[3];

  // The tip is above the target line one link length over the pivot:
  // -cos(theta1) - cos(theta2 + theta1) > 1.0. cos(theta2 + theta1) only
  // decides a comparison, so it comes from the observation's cos and sin by
  // the angle-sum formula, within 3e-15 of libm's cos of the rounded sum (each
  // libm value within 0.55 ulp <= 1.3e-16, the products and the difference
  // rounded, the sum theta2 + theta1 within 4.5e-16 of exact); libm is called
  // only when that leaves the comparison in doubt.
  double cos1, sin1;
  sincos(s->theta1, &sin1, &cos1);
  write_obs(s, cos1, sin1, obs);
  double tip = -cos1 - (cos1 * s->cos_theta2 - sin1 * s->sin_theta2);
  bool done = tip > 1.0;
  if (__builtin_expect(fabs(tip - 1.0) < 1e-12, 0)) done = -cos1 - cos(s->theta2 + s->theta1) > 1.0;
  *terminated = done;
  *reward = done ? 0.0 : -1.0;
}

//------------------------------------------------------------------------------
// Render: the two links hanging from the pivot, the joints, the target line
//------------------------------------------------------------------------------

static void acrobot_render(const rlcEnvSpec *spec, const void *state, const rlcRenderArgs *args,
                           uint8_t *rgb) {
  const rlcAcrobotState *s = state;
  const int W = spec->render_width, H = spec->render_height;
  rlcCanvas *c;
  if (rlc_canvas_begin(rgb, W, H, &c)) return;
  // Gymnasium draws with y up and flips the surface: screen y = H - y.
  double bound = LINK_LENGTH_1 + LINK_LENGTH_2 + 0.2, scale = W / (bound * 2), offset = W / 2.0;
  rlc_canvas_clear(c, 0xFFFFFF);
  // The target: a horizontal line one link length above the pivot (pygame
  // draws it on pixel row int(y), a pixel center here).
  double line_y = H - 1 - (int)(1 * scale + offset) + 0.5;
  rlc_canvas_line(c, -2.2 * scale + offset, line_y, 2.2 * scale + offset, line_y, 1.0, 0x000000);
  // Joint positions (x right, y up); theta1 = 0 hangs straight down.
  double p1x = LINK_LENGTH_1 * sin(s->theta1) * scale, p1y = -LINK_LENGTH_1 * cos(s->theta1) * scale;
  double xs[2] = {0, p1x}, ys[2] = {0, p1y};
  double thetas[2] = {s->theta1 - M_PI / 2, s->theta1 + s->theta2 - M_PI / 2};
  double lens[2] = {LINK_LENGTH_1 * scale, LINK_LENGTH_2 * scale};
  for (int k = 0; k < 2; k++) {
    double x = xs[k] + offset, y = ys[k] + offset;
    double l = 0, r = lens[k], t = 0.1 * scale, b = -0.1 * scale;
    double link[8] = {l, b, l, t, r, t, r, b};
    double ct = cos(thetas[k]), st = sin(thetas[k]);
    for (int i = 0; i < 4; i++) {
      double px = link[2 * i], py = link[2 * i + 1];
      link[2 * i] = px * ct - py * st + x;
      link[2 * i + 1] = H - (px * st + py * ct + y);
    }
    rlc_canvas_fill_polygon(c, link, 4, 0x00CCCC);
    // A joint at the link's start (the free end has none, as in Gymnasium).
    rlc_canvas_fill_circle(c, (int)x + 0.5, H - (int)y - 0.5, (int)(0.1 * scale), 0xCCCC00);
  }
  rlc_canvas_end(c);
}

// Energy pumping: the motor's power is torque * dtheta2, so torque along the
// elbow's motion always adds energy until the tip swings over the line (about
// 90 steps from rest). obs[5] is dtheta2.
static void acrobot_heuristic(const rlcEnvSpec *spec, const void *obs, void *action) {
  *(int32_t *)action = ((const float *)obs)[5] > 0 ? 2 : 0;
}

static void acrobot_free_cfg(void *cfg) { rlc_free(cfg); }

static bool acrobot_state_valid(const rlcEnvSpec *spec, const void *state) {
  const rlcAcrobotState *s = state;
  return isfinite(s->theta1) && isfinite(s->theta2) && isfinite(s->dtheta1) && isfinite(s->dtheta2) &&
         rlc_byte_is_bool(&s->has_trig);
}

static const rlcEnvClass acrobot_class = {
    .state_valid = acrobot_state_valid,
    .name = "Acrobot",
    .state_size = sizeof(rlcAcrobotState),
    .reset = acrobot_reset,
    .step = acrobot_step,
    .render = acrobot_render,
    .heuristic = acrobot_heuristic,
    .free_cfg = acrobot_free_cfg,
};

rlcStatus envs_make_acrobot(rlcEnvSpec *spec, rlcOpts *opts) {
  double noise;
  rlcStatus s = rlc_opts_double(opts, "torque_noise_max", 0.0, &noise);
  if (s) return s;
  const char *dyn = rlc_opts_str(opts, "book_or_nips", "book");
  if (!(noise >= 0 && isfinite(noise)))
    return rlc_error(RLC_ERR_ARG, "option torque_noise_max=%g: must be a finite number >= 0", noise);
  if (strcmp(dyn, "book") && strcmp(dyn, "nips"))
    return rlc_error(RLC_ERR_ARG, "option book_or_nips=%s: must be book or nips", dyn);
  AcrobotCfg *cfg = rlc_calloc(1, sizeof *cfg);
  if (!cfg) return RLC_ERR_NOMEM;
  cfg->torque_noise_max = noise;
  cfg->nips = !strcmp(dyn, "nips");
  spec->cls = &acrobot_class;
  spec->cfg = cfg;
  const float high[6] = {1.0f, 1.0f, 1.0f, 1.0f, (float)MAX_VEL_1, (float)MAX_VEL_2};
  const float low[6] = {-high[0], -high[1], -high[2], -high[3], -high[4], -high[5]};
  spec->observation_space = rlc_space_box(6, low, high);
  spec->action_space = rlc_space_discrete(3);
  spec->render_width = 500;
  spec->render_height = 500;
  spec->render_fps = 15;
  return RLC_OK;
}
