// lunarlander.c: LunarLander-v3 and LunarLanderContinuous-v3, Gymnasium 1.4's
// box2d/lunar_lander.py on Box2D 2.4 through box2d_shim.h: its constants,
// draw order and formulas in evaluation order (double arithmetic, every value
// rounded to float where it enters Box2D, read back as float), its heuristic
// and its drawing. Copies and checkpoints replay the episode (rlc/envs.h).
// Depends on: rlc/envs.h, rlc/draw.h, box2d_shim.h.
#include <math.h>
#include <string.h>

#include "box2d_shim.h"
#include "make.h"
#include "rlc/draw.h"
#include "rlc/envs.h"

#define FPS 50
#define SCALE 30.0
#define MAIN_ENGINE_POWER 13.0
#define SIDE_ENGINE_POWER 0.6
#define INITIAL_RANDOM 1000.0
#define LEG_AWAY 20
#define LEG_DOWN 18
#define LEG_W 2
#define LEG_H 8
#define LEG_SPRING_TORQUE 40
#define SIDE_ENGINE_HEIGHT 14
#define SIDE_ENGINE_AWAY 12
#define MAIN_ENGINE_Y_LOCATION 4
#define VIEWPORT_W 600
#define VIEWPORT_H 400
#define CHUNKS 11
#define W_WORLD (VIEWPORT_W / SCALE)
#define H_WORLD (VIEWPORT_H / SCALE)
#define HELIPAD_Y (H_WORLD / 4)

// Body indices in the world, in creation order.
enum { MOON, LANDER, LEG0, LEG1 };
#define LEG_BITS ((1u << LEG0) | (1u << LEG1))

// The particle masses: density times the area of a 2-pixel circle.
#define PARTICLE_RADIUS (2 / SCALE)

static const double lander_poly[6][2] = {{-14, 17}, {-17, 0}, {-17, -10}, {17, -10}, {17, 0}, {14, 17}};

typedef struct {
  bool continuous, enable_wind;
  double gravity, wind_power, turbulence_power;
} LanderCfg;

#define LOG_CAP0 1024

//------------------------------------------------------------------------------
// Building the world (reset)
//------------------------------------------------------------------------------

static void build_terrain(rlcLunarLanderState *s, rlcRng *rng) {
  for (int i = 0; i < CHUNKS + 1; i++) s->height[i] = rlc_rng_uniform(rng, 0, H_WORLD / 2);
  double h[CHUNKS + 1];
  memcpy(h, s->height, sizeof h);
  for (int i = CHUNKS / 2 - 2; i <= CHUNKS / 2 + 2; i++) h[i] = HELIPAD_Y;
  for (int i = 0; i < CHUNKS; i++) s->smooth_y[i] = 0.33 * ((h[i == 0 ? CHUNKS : i - 1] + h[i]) + h[i + 1]);
}

static double chunk_x(int i) { return W_WORLD / (CHUNKS - 1) * i; }

static void add_moon(B2World *w, const rlcLunarLanderState *s) {
  envs_b2_body_create(w, false, 0, 0, 0);
  // pybox2d's shapes= fixture keeps b2FixtureDef's defaults (friction 0.2).
  const B2Fixture base = {0, 0.2f, 0, 0x0001, 0xFFFF}, edge = {0, 0.1f, 0, 0x0001, 0xFFFF};
  envs_b2_add_edge(w, MOON, 0, 0, (float)W_WORLD, 0, &base);
  for (int i = 0; i < CHUNKS - 1; i++)
    envs_b2_add_edge(w, MOON, (float)chunk_x(i), (float)s->smooth_y[i], (float)chunk_x(i + 1),
                     (float)s->smooth_y[i + 1], &edge);
}

static void add_lander(B2World *w) {
  envs_b2_body_create(w, true, (float)(VIEWPORT_W / SCALE / 2), (float)(VIEWPORT_H / SCALE), 0);
  float xy[12];
  for (int i = 0; i < 6; i++) xy[2 * i] = (float)(lander_poly[i][0] / SCALE), xy[2 * i + 1] = (float)(lander_poly[i][1] / SCALE);
  const B2Fixture f = {5.0f, 0.1f, 0, 0x0010, 0x001};
  envs_b2_add_polygon(w, LANDER, xy, 6, &f);
}

// The joint's reference angle is the leg's angle minus the lander's, as
// pybox2d's revoluteJointDef(bodyA, bodyB) sets it: the joint angle starts at
// 0, outside both limit ranges, and the reset step swings the legs out.
static void add_leg(B2World *w, int i) {
  float angle = (float)(i * 0.05);
  int leg = envs_b2_body_create(w, true, (float)(VIEWPORT_W / SCALE / 2 - i * LEG_AWAY / SCALE),
                                (float)(VIEWPORT_H / SCALE), angle);
  const B2Fixture f = {1.0f, 0.2f, 0, 0x0020, 0x001};
  envs_b2_add_box(w, leg, (float)(LEG_W / SCALE), (float)(LEG_H / SCALE), &f);
  B2Revolute j = {.body_a = LANDER, .body_b = leg, .anchor_b = {(float)(i * LEG_AWAY / SCALE), (float)(LEG_DOWN / SCALE)},
                  .reference_angle = angle - 0.0f, .enable_limit = true, .enable_motor = true,
                  .max_motor_torque = (float)LEG_SPRING_TORQUE, .motor_speed = (float)(0.3 * i)};
  j.lower = (float)(i == -1 ? +0.9 - 0.5 : -0.9);
  j.upper = (float)(i == -1 ? +0.9 : -0.9 + 0.5);
  envs_b2_add_revolute(w, &j);
}

//------------------------------------------------------------------------------
// Step
//------------------------------------------------------------------------------

static double wind_curve(int64_t idx) { return tanh(sin(0.02 * idx) + sin(M_PI * 0.01 * idx)); }

static void apply_wind(const LanderCfg *cfg, rlcLunarLanderState *s, B2World *w) {
  double wind_mag = wind_curve(s->wind_idx) * cfg->wind_power;
  s->wind_idx++;
  envs_b2_apply_force_center(w, LANDER, (float)wind_mag, 0.0f);
  double torque_mag = wind_curve(s->torque_idx) * cfg->turbulence_power;
  s->torque_idx++;
  envs_b2_apply_torque(w, LANDER, (float)torque_mag);
}

// A flame particle for the render: where the impulse acts, moving with the
// impulse the particle body would receive (Gymnasium's _create_particle).
static void add_particle(rlcLunarLanderState *s, double x, double y, double ix, double iy, double density,
                         double ttl) {
  double mass = density * M_PI * PARTICLE_RADIUS * PARTICLE_RADIUS;
  struct rlcLunarLanderParticle *p = &s->particles[s->n_particles++ & 15];
  *p = (struct rlcLunarLanderParticle){(float)x, (float)y, (float)(ix / mass), (float)(iy / mass), (float)ttl, s->t};
}

// The engines' impulses on the lander (and the particles they throw). a0, a1:
// the discrete action in a0, or the clipped continuous one.
static void fire_engines(const LanderCfg *cfg, rlcLunarLanderState *s, B2World *w, rlcRng *rng, int a, double a0,
                         double a1) {
  double angle = envs_b2_body_angle(w, LANDER);
  double tip[2] = {sin(angle), cos(angle)};
  double side[2] = {-tip[1], tip[0]};
  double u0 = rlc_rng_uniform(rng, -1.0, 1.0), u1 = rlc_rng_uniform(rng, -1.0, 1.0);
  s->dispersion[0] = u0, s->dispersion[1] = u1;
  double d0 = u0 / SCALE, d1 = u1 / SCALE;
  float pos[2];
  envs_b2_body_position(w, LANDER, pos);
  double m_power = 0.0, s_power = 0.0;
  if (cfg->continuous ? a0 > 0.0 : a == 2) {
    m_power = cfg->continuous ? ((a0 < 0.0 ? 0.0 : a0 > 1.0 ? 1.0 : a0) + 1.0) * 0.5 : 1.0;
    double ox = tip[0] * (MAIN_ENGINE_Y_LOCATION / SCALE + 2 * d0) + side[0] * d1;
    double oy = -tip[1] * (MAIN_ENGINE_Y_LOCATION / SCALE + 2 * d0) - side[1] * d1;
    double px = pos[0] + ox, py = pos[1] + oy;
    add_particle(s, px, py, ox * MAIN_ENGINE_POWER * m_power, oy * MAIN_ENGINE_POWER * m_power, 3.5, m_power);
    envs_b2_apply_impulse(w, LANDER, (float)(-ox * MAIN_ENGINE_POWER * m_power),
                          (float)(-oy * MAIN_ENGINE_POWER * m_power), (float)px, (float)py);
  }
  if (cfg->continuous ? fabs(a1) > 0.5 : (a == 1 || a == 3)) {
    double direction = cfg->continuous ? (a1 > 0) - (a1 < 0) : a - 2;
    s_power = cfg->continuous ? (fabs(a1) < 0.5 ? 0.5 : fabs(a1) > 1.0 ? 1.0 : fabs(a1)) : 1.0;
    double lever = 3 * d1 + direction * SIDE_ENGINE_AWAY / SCALE;
    double ox = tip[0] * d0 + side[0] * lever;
    double oy = -tip[1] * d0 - side[1] * lever;
    double px = pos[0] + ox - tip[0] * 17 / SCALE, py = pos[1] + oy + tip[1] * SIDE_ENGINE_HEIGHT / SCALE;
    add_particle(s, px, py, ox * SIDE_ENGINE_POWER * s_power, oy * SIDE_ENGINE_POWER * s_power, 0.7, s_power);
    envs_b2_apply_impulse(w, LANDER, (float)(-ox * SIDE_ENGINE_POWER * s_power),
                          (float)(-oy * SIDE_ENGINE_POWER * s_power), (float)px, (float)py);
  }
  s->m_power = m_power, s->s_power = s_power;
}

// After world.Step: the observation, and the reward and termination from the
// double state (not the float32 observation). first: the reset's step, whose
// reward Gymnasium drops.
static void observe(rlcLunarLanderState *s, B2World *w, bool first, float *obs, double *reward, bool *terminated) {
  envs_b2_body_state(w, LANDER, s->lander);
  uint32_t touching = envs_b2_touching(w);
  s->leg_contact[0] = touching >> LEG0 & 1, s->leg_contact[1] = touching >> LEG1 & 1;
  s->game_over = envs_b2_touched(w) >> LANDER & 1;
  s->awake = envs_b2_body_awake(w, LANDER);
  const float *b = s->lander;
  double st[8] = {
      (b[0] - VIEWPORT_W / SCALE / 2) / (VIEWPORT_W / SCALE / 2),
      (b[1] - (HELIPAD_Y + LEG_DOWN / SCALE)) / (VIEWPORT_H / SCALE / 2),
      b[3] * (VIEWPORT_W / SCALE / 2) / FPS,
      b[4] * (VIEWPORT_H / SCALE / 2) / FPS,
      b[2],
      20.0 * b[5] / FPS,
      s->leg_contact[0] ? 1.0 : 0.0,
      s->leg_contact[1] ? 1.0 : 0.0,
  };
  for (int i = 0; i < 8; i++) obs[i] = (float)st[i];
  double shaping = -100 * sqrt(st[0] * st[0] + st[1] * st[1]) - 100 * sqrt(st[2] * st[2] + st[3] * st[3]) -
                   100 * fabs(st[4]) + 10 * st[6] + 10 * st[7];
  double r = first ? 0.0 : shaping - s->prev_shaping;
  s->prev_shaping = shaping;
  r -= s->m_power * 0.30;
  r -= s->s_power * 0.03;
  *terminated = false;
  if (s->game_over || fabs(st[0]) >= 1.0) *terminated = true, r = -100;
  if (!s->awake) *terminated = true, r = +100;
  *reward = r;
}

// One step of the physics for a checked action (a: discrete; act: continuous).
static void physics_step(const LanderCfg *cfg, rlcLunarLanderState *s, rlcRng *rng, int a, const float *act,
                         bool first, float *obs, double *reward, bool *terminated) {
  B2World *w = s->world;
  if (cfg->enable_wind && !(envs_b2_touching(w) & LEG_BITS)) apply_wind(cfg, s, w);
  double a0 = 0, a1 = 0;
  if (cfg->continuous) {  // np.clip(action, -1, 1).astype(float32), then used as double
    a0 = act[0] < -1.0f ? -1.0f : act[0] > 1.0f ? 1.0f : act[0];
    a1 = act[1] < -1.0f ? -1.0f : act[1] > 1.0f ? 1.0f : act[1];
  }
  fire_engines(cfg, s, w, rng, a, a0, a1);
  envs_b2_world_step(w, (float)(1.0 / FPS), 6 * 30, 2 * 30);
  s->t++;
  observe(s, w, first, obs, reward, terminated);
}

//------------------------------------------------------------------------------
// The env class
//------------------------------------------------------------------------------

static void lander_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  const LanderCfg *cfg = spec->cfg;
  rlcLunarLanderState *s = state;
  s->rng0 = *rng;
  s->n_log = 0;
  s->t = 0, s->n_particles = 0;
  envs_b2_world_destroy(s->world);
  s->world = envs_b2_world_create(0.0f, (float)cfg->gravity);
  memset(obs, 0, 8 * sizeof(float));
  if (!s->world) return;  // out of memory: the next step ends the episode
  B2World *w = s->world;
  build_terrain(s, rng);
  add_moon(w, s);
  add_lander(w);
  s->force[0] = rlc_rng_uniform(rng, -INITIAL_RANDOM, INITIAL_RANDOM);
  s->force[1] = rlc_rng_uniform(rng, -INITIAL_RANDOM, INITIAL_RANDOM);
  envs_b2_apply_force_center(w, LANDER, (float)s->force[0], (float)s->force[1]);
  s->wind_idx = s->torque_idx = 0;
  if (cfg->enable_wind) {
    s->wind_idx = rlc_rng_integers(rng, -9999, 9999);
    s->torque_idx = rlc_rng_integers(rng, -9999, 9999);
  }
  add_leg(w, -1);
  add_leg(w, +1);
  // Gymnasium's reset returns step(0): one step with its draws, reward dropped.
  const float zero[2] = {0, 0};
  double reward;
  bool terminated;
  physics_step(cfg, s, rng, 0, zero, true, obs, &reward, &terminated);
}

// Keeps the action for copies and checkpoints; the log grows only past
// LOG_CAP0 steps (episodes without a time limit).
static void log_action(rlcLunarLanderState *s, float a0, float a1) {
  if (s->log_lost) return;
  if (s->n_log == s->cap_log) {
    int32_t cap = s->cap_log * 2;
    float *log = cap > 0 ? rlc_realloc(s->log, (size_t)cap * 2 * sizeof *log) : NULL;
    if (!log) {
      s->log_lost = true;
      return;
    }
    s->log = log, s->cap_log = cap;
  }
  s->log[2 * s->n_log] = a0, s->log[2 * s->n_log + 1] = a1;
  s->n_log++;
}

static void lander_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action, void *obs,
                        double *reward, bool *terminated, bool *truncated) {
  const LanderCfg *cfg = spec->cfg;
  rlcLunarLanderState *s = state;
  *truncated = false;
  if (!s->world) {  // the reset ran out of memory
    memset(obs, 0, 8 * sizeof(float));
    *reward = 0, *terminated = true;
    return;
  }
  const float *act = cfg->continuous ? action : NULL;
  int a = cfg->continuous ? 0 : *(const int32_t *)action;
  log_action(s, act ? act[0] : (float)a, act ? act[1] : 0.0f);
  physics_step(cfg, s, rng, a, act, false, obs, reward, terminated);
}

//------------------------------------------------------------------------------
// Lifecycle: the world is rebuilt by replaying the episode
//------------------------------------------------------------------------------

static rlcStatus lander_init(const rlcEnvSpec *spec, void *state) {
  rlcLunarLanderState *s = state;
  s->log = rlc_malloc(LOG_CAP0 * 2 * sizeof *s->log);
  if (!s->log) return RLC_ERR_NOMEM;
  s->cap_log = LOG_CAP0;
  return RLC_OK;
}

static void lander_free(const rlcEnvSpec *spec, void *state) {
  rlcLunarLanderState *s = state;
  envs_b2_world_destroy(s->world);
  rlc_free(s->log);
  s->world = NULL, s->log = NULL;
}

// Re-creates the episode of rng0 and log[0 .. n) in s (its log and world are
// its own): Box2D run through the same calls in a fresh world is
// deterministic, so the result is the original's exactly.
static rlcStatus replay(const rlcEnvSpec *spec, rlcLunarLanderState *s, rlcRng rng0, const float *log, int32_t n) {
  const LanderCfg *cfg = spec->cfg;
  if (n > s->cap_log) {
    float *grown = rlc_realloc(s->log, (size_t)n * 2 * sizeof *grown);
    if (!grown) return RLC_ERR_NOMEM;
    s->log = grown, s->cap_log = n;
  }
  float obs[8];
  double reward;
  bool terminated, truncated;
  rlcRng rng = rng0;
  lander_reset(spec, s, &rng, obs);
  if (!s->world) return RLC_ERR_NOMEM;
  for (int32_t i = 0; i < n; i++) {
    int32_t a = (int32_t)log[2 * i];
    lander_step(spec, s, &rng, cfg->continuous ? (const void *)(log + 2 * i) : (const void *)&a, obs, &reward,
                &terminated, &truncated);
  }
  return s->log_lost ? RLC_ERR_NOMEM : RLC_OK;
}

static rlcStatus lander_copy(const rlcEnvSpec *spec, void *dst, const void *src) {
  rlcLunarLanderState *d = dst;
  const rlcLunarLanderState *s = src;
  if (s->log_lost) return rlc_error(RLC_ERR_NOMEM, "LunarLander: this episode's log ran out of memory; it cannot be copied");
  if (!s->world) {  // never reset: nothing to replay
    envs_b2_world_destroy(d->world);
    d->world = NULL;
    return RLC_OK;
  }
  return replay(spec, d, s->rng0, s->log, s->n_log);
}

#define PUT_VERSION 1

// Version, whether there is an episode, its generator and actions, and the
// lander's state to check the replay against.
static void lander_put(const rlcEnvSpec *spec, const void *state, rlcBuf *b) {
  const rlcLunarLanderState *s = state;
  int32_t head[3] = {PUT_VERSION, s->world != NULL, s->log_lost ? -1 : s->n_log};
  rlc_buf_put(b, head, sizeof head);
  if (!head[1] || head[2] < 0) return;
  rlc_buf_put(b, &s->rng0, sizeof s->rng0);
  rlc_buf_put(b, s->log, (size_t)s->n_log * 2 * sizeof *s->log);
  rlc_buf_put(b, s->lander, sizeof s->lander);
  rlc_buf_put(b, &s->prev_shaping, sizeof s->prev_shaping);
}

static rlcStatus check_log(const LanderCfg *cfg, const float *log, int32_t n) {
  for (int32_t i = 0; i < n; i++) {
    float a0 = log[2 * i], a1 = log[2 * i + 1];
    bool ok = cfg->continuous ? isfinite(a0) && isfinite(a1) : (a0 == 0 || a0 == 1 || a0 == 2 || a0 == 3) && a1 == 0;
    if (!ok) return rlc_error(RLC_ERR_FORMAT, "LunarLander: saved action %d is not a valid action", (int)i);
  }
  return RLC_OK;
}

static rlcStatus lander_get(const rlcEnvSpec *spec, void *state, rlcBuf *b) {
  const LanderCfg *cfg = spec->cfg;
  rlcLunarLanderState *s = state;
  int32_t head[3];
  rlcStatus st = rlc_buf_get(b, head, sizeof head);
  if (st) return st;
  if (head[0] != PUT_VERSION || (head[1] != 0 && head[1] != 1) || head[2] < -1 || head[2] > (1 << 26))
    return rlc_error(RLC_ERR_FORMAT, "LunarLander: saved state has an unknown layout");
  if (head[1] && head[2] < 0)
    return rlc_error(RLC_ERR_FORMAT, "LunarLander: the saved episode was not logged (out of memory when saved)");
  if (!head[1]) {
    envs_b2_world_destroy(s->world);
    s->world = NULL;
    return RLC_OK;
  }
  rlcRng rng0;
  float lander[6];
  double prev_shaping;
  float *log = rlc_malloc((size_t)(head[2] ? head[2] : 1) * 2 * sizeof *log);
  if (!log) return RLC_ERR_NOMEM;
  st = rlc_buf_get(b, &rng0, sizeof rng0);
  if (!st) st = rlc_buf_get(b, log, (size_t)head[2] * 2 * sizeof *log);
  if (!st) st = rlc_buf_get(b, lander, sizeof lander);
  if (!st) st = rlc_buf_get(b, &prev_shaping, sizeof prev_shaping);
  if (!st) st = check_log(cfg, log, head[2]);
  if (!st) st = replay(spec, s, rng0, log, head[2]);
  rlc_free(log);
  if (!st && (memcmp(lander, s->lander, sizeof lander) || memcmp(&prev_shaping, &s->prev_shaping, sizeof prev_shaping)))
    st = rlc_error(RLC_ERR_FORMAT, "LunarLander: the saved episode replays to another state (a different Box2D build?)");
  return st;
}

//------------------------------------------------------------------------------
// Render: Gymnasium's 600x400 frame (y up, flipped)
//------------------------------------------------------------------------------

static void to_screen(double x, double y, double *out) { out[0] = x * SCALE, out[1] = VIEWPORT_H - y * SCALE; }

static void draw_body(rlcCanvas *c, const float *b, const double (*v)[2], int n) {
  double xy[16], ca = cos(b[2]), sa = sin(b[2]);
  for (int i = 0; i < n; i++)
    to_screen(b[0] + ca * v[i][0] - sa * v[i][1], b[1] + sa * v[i][0] + ca * v[i][1], xy + 2 * i);
  rlc_canvas_fill_polygon(c, xy, n, 0x8066E6);
  double loop[18];
  memcpy(loop, xy, (size_t)n * 2 * sizeof *xy);
  loop[2 * n] = xy[0], loop[2 * n + 1] = xy[1];
  rlc_canvas_polyline(c, loop, n + 1, 1.0, 0x4D4D80);
}

// A particle's path: Box2D's integration under gravity from where it was
// thrown, bouncing off the terrain with the particle's restitution 0.3.
static void particle_at(const LanderCfg *cfg, const rlcLunarLanderState *s, const struct rlcLunarLanderParticle *p,
                        int steps, double *x, double *y) {
  double px = p->x, py = p->y, vx = p->vx, vy = p->vy, dt = 1.0 / FPS;
  for (int k = 0; k < steps; k++) {
    vy += cfg->gravity * dt;
    px += vx * dt, py += vy * dt;
    int i = (int)(px / chunk_x(1));
    double ground = 0;
    if (i >= 0 && i < CHUNKS - 1) {
      double f = (px - chunk_x(i)) / chunk_x(1);
      ground = s->smooth_y[i] + f * (s->smooth_y[i + 1] - s->smooth_y[i]);
    }
    if (py - PARTICLE_RADIUS < ground) py = ground + PARTICLE_RADIUS, vy = -0.3 * vy;
  }
  *x = px, *y = py;
}

static int channel(double v) { return (int)(fmax(0.2, v) * 255); }

static void draw_particles(rlcCanvas *c, const LanderCfg *cfg, const rlcLunarLanderState *s) {
  int n = s->n_particles < 16 ? s->n_particles : 16;
  for (int k = n; k > 0; k--) {
    const struct rlcLunarLanderParticle *p = &s->particles[(s->n_particles - k) & 15];
    // Gymnasium takes 0.15 off a particle's ttl at each frame, from the frame
    // of the step that fired it, and drops it below 0.
    int age = s->t - p->t;
    double ttl = p->ttl - 0.15 * (age + 1);
    if (age < 0 || ttl < 0) continue;
    double x, y, xy[2];
    particle_at(cfg, s, p, age + 1, &x, &y);
    to_screen(x, y, xy);
    rlcColor col = (rlcColor)(channel(0.15 + ttl) << 16 | channel(0.5 * ttl) << 8 | channel(0.5 * ttl));
    rlc_canvas_fill_circle(c, xy[0], xy[1], PARTICLE_RADIUS * SCALE, col);
  }
}

static void draw_flags(rlcCanvas *c) {
  for (int k = 0; k < 2; k++) {
    double x = chunk_x(CHUNKS / 2 + (k ? 1 : -1)) * SCALE;
    double y1 = VIEWPORT_H - HELIPAD_Y * SCALE, y2 = y1 - 50;
    rlc_canvas_line(c, x, y1, x, y2, 1.0, 0xFFFFFF);
    double tri[6] = {x, y2, x, y2 + 10, x + 25, y2 + 5};
    rlc_canvas_fill_polygon(c, tri, 3, 0xCCCC00);
  }
}

static void lander_render(const rlcEnvSpec *spec, const void *state, const rlcRenderArgs *args, uint8_t *rgb) {
  const LanderCfg *cfg = spec->cfg;
  const rlcLunarLanderState *s = state;
  rlcCanvas *c;
  if (rlc_canvas_begin(rgb, spec->render_width, spec->render_height, &c)) return;
  rlc_canvas_clear(c, 0xFFFFFF);
  if (s->world) {
    for (int i = 0; i < CHUNKS - 1; i++) {  // the sky above each terrain chunk
      double sky[8];
      to_screen(chunk_x(i), s->smooth_y[i], sky);
      to_screen(chunk_x(i + 1), s->smooth_y[i + 1], sky + 2);
      to_screen(chunk_x(i + 1), H_WORLD, sky + 4);
      to_screen(chunk_x(i), H_WORLD, sky + 6);
      rlc_canvas_fill_polygon(c, sky, 4, 0x000000);
    }
    draw_particles(c, cfg, s);
    double body[6][2], leg[4][2] = {{-LEG_W, -LEG_H}, {LEG_W, -LEG_H}, {LEG_W, LEG_H}, {-LEG_W, LEG_H}};
    for (int i = 0; i < 6; i++) body[i][0] = lander_poly[i][0] / SCALE, body[i][1] = lander_poly[i][1] / SCALE;
    for (int i = 0; i < 4; i++) leg[i][0] /= SCALE, leg[i][1] /= SCALE;
    draw_body(c, s->lander, (const double(*)[2])body, 6);
    for (int k = LEG0; k <= LEG1; k++) {
      float b[6];
      envs_b2_body_state(s->world, k, b);
      draw_body(c, b, (const double(*)[2])leg, 4);
    }
    draw_flags(c);
  }
  rlc_canvas_end(c);
}

//------------------------------------------------------------------------------
// Gymnasium's heuristic(): fly towards the pad, slow down, and after a leg
// touches only brake the fall. obs components are promoted to double.
//------------------------------------------------------------------------------

static void lander_heuristic(const rlcEnvSpec *spec, const void *obs, void *action) {
  const LanderCfg *cfg = spec->cfg;
  const float *s = obs;
  double angle_targ = s[0] * 0.5 + s[2] * 1.0;
  if (angle_targ > 0.4) angle_targ = 0.4;
  if (angle_targ < -0.4) angle_targ = -0.4;
  double hover_targ = 0.55 * fabs((double)s[0]);
  double angle_todo = (angle_targ - s[4]) * 0.5 - s[5] * 1.0;
  double hover_todo = (hover_targ - s[1]) * 0.5 - s[3] * 0.5;
  if (s[6] != 0 || s[7] != 0) {
    angle_todo = 0;
    hover_todo = -(double)s[3] * 0.5;
  }
  if (cfg->continuous) {
    double a0 = hover_todo * 20 - 1, a1 = -angle_todo * 20;
    float *a = action;
    a[0] = (float)(a0 < -1 ? -1 : a0 > 1 ? 1 : a0);
    a[1] = (float)(a1 < -1 ? -1 : a1 > 1 ? 1 : a1);
    return;
  }
  int32_t a = 0;
  if (hover_todo > fabs(angle_todo) && hover_todo > 0.05) a = 2;
  else if (angle_todo < -0.05) a = 3;
  else if (angle_todo > +0.05) a = 1;
  *(int32_t *)action = a;
}

static void lander_free_cfg(void *cfg) { rlc_free(cfg); }

static const rlcEnvClass lander_class = {
    .name = "LunarLander",
    .state_size = sizeof(rlcLunarLanderState),
    .reset = lander_reset,
    .step = lander_step,
    .render = lander_render,
    .heuristic = lander_heuristic,
    .free_cfg = lander_free_cfg,
    .state_init = lander_init,
    .state_free = lander_free,
    .state_copy = lander_copy,
    .state_put = lander_put,
    .state_get = lander_get,
};

static rlcStatus read_options(rlcOpts *opts, LanderCfg *c) {
  rlcStatus s = rlc_opts_bool(opts, "continuous", false, &c->continuous);
  if (!s) s = rlc_opts_double(opts, "gravity", -10.0, &c->gravity);
  if (!s) s = rlc_opts_bool(opts, "enable_wind", false, &c->enable_wind);
  if (!s) s = rlc_opts_double(opts, "wind_power", 15.0, &c->wind_power);
  if (!s) s = rlc_opts_double(opts, "turbulence_power", 1.5, &c->turbulence_power);
  if (s) return s;
  if (!(-12.0 < c->gravity && c->gravity < 0.0))
    return rlc_error(RLC_ERR_ARG, "option gravity=%g: must be between -12 and 0 (exclusive)", c->gravity);
  if (!(0.0 <= c->wind_power && c->wind_power <= 20.0))
    return rlc_error(RLC_ERR_ARG, "option wind_power=%g: must be between 0 and 20", c->wind_power);
  if (!(0.0 <= c->turbulence_power && c->turbulence_power <= 2.0))
    return rlc_error(RLC_ERR_ARG, "option turbulence_power=%g: must be between 0 and 2", c->turbulence_power);
  return RLC_OK;
}

rlcStatus envs_make_lunarlander(rlcEnvSpec *spec, rlcOpts *opts) {
  LanderCfg c;
  rlcStatus s = read_options(opts, &c);
  if (s) return s;
  LanderCfg *cfg = rlc_calloc(1, sizeof *cfg);
  if (!cfg) return RLC_ERR_NOMEM;
  *cfg = c;
  spec->cls = &lander_class;
  spec->cfg = cfg;
  // v3's bounds (v2 had 1.5, 5 and pi, which observations leave).
  const float high[8] = {2.5f, 2.5f, 10.0f, 10.0f, (float)(2 * M_PI), 10.0f, 1.0f, 1.0f};
  const float low[8] = {-2.5f, -2.5f, -10.0f, -10.0f, -(float)(2 * M_PI), -10.0f, -0.0f, -0.0f};
  spec->observation_space = rlc_space_box(8, low, high);
  if (c.continuous) {
    const float alow[2] = {-1, -1}, ahigh[2] = {1, 1};
    spec->action_space = rlc_space_box(2, alow, ahigh);
  } else {
    spec->action_space = rlc_space_discrete(4);
  }
  spec->render_width = VIEWPORT_W;
  spec->render_height = VIEWPORT_H;
  spec->render_fps = FPS;
  return RLC_OK;
}
