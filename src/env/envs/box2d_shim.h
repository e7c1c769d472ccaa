// box2d_shim.h: the C face of the Box2D 2.4 worlds the Box2D envs run on
// (box2d_shim.cpp; internal). Bodies are small indices into the world, and a
// contact listener keeps one bit per body: `touching` is set by a contact's
// begin and cleared by its end (Gymnasium's ground_contact flags), `touched`
// is set by any begin and never cleared (game_over). Every value crosses as
// float: Box2D's own precision, so callers round their doubles at the call as
// pybox2d does.
// Depends on: nothing (Box2D behind it).
#ifndef RLC_ENVS_BOX2D_SHIM_H
#define RLC_ENVS_BOX2D_SHIM_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ENVS_B2_MAX_BODIES 32

typedef struct B2World B2World;

typedef struct B2Fixture {
  float density, friction, restitution;
  uint16_t category, mask;  // b2Filter's categoryBits / maskBits
} B2Fixture;

typedef struct B2Revolute {
  int body_a, body_b;
  float anchor_a[2], anchor_b[2];  // local anchors
  float reference_angle, lower, upper, motor_speed, max_motor_torque;
  bool enable_limit, enable_motor;
} B2Revolute;

// NULL when out of memory.
B2World *envs_b2_world_create(float gx, float gy);
void envs_b2_world_destroy(B2World *w);  // NULL is fine
// A body at (x, y, angle): its index, or -1 when the world is full.
int envs_b2_body_create(B2World *w, bool dynamic, float x, float y, float angle);
// Fixtures: a convex polygon (n <= 8 vertices, xy interleaved), a box of half
// extents (hx, hy) around the body's origin, a two-sided edge.
void envs_b2_add_polygon(B2World *w, int body, const float *xy, int n, const B2Fixture *f);
void envs_b2_add_box(B2World *w, int body, float hx, float hy, const B2Fixture *f);
void envs_b2_add_edge(B2World *w, int body, float x1, float y1, float x2, float y2, const B2Fixture *f);
void envs_b2_add_revolute(B2World *w, const B2Revolute *def);
// Forces wake the body (pybox2d's wake=True).
void envs_b2_apply_force_center(B2World *w, int body, float fx, float fy);
void envs_b2_apply_impulse(B2World *w, int body, float ix, float iy, float px, float py);
void envs_b2_apply_torque(B2World *w, int body, float torque);
void envs_b2_world_step(B2World *w, float dt, int velocity_iterations, int position_iterations);
// x y angle vx vy omega.
void envs_b2_body_state(const B2World *w, int body, float out[6]);
float envs_b2_body_angle(const B2World *w, int body);
void envs_b2_body_position(const B2World *w, int body, float out[2]);
bool envs_b2_body_awake(const B2World *w, int body);
uint32_t envs_b2_touching(const B2World *w);
uint32_t envs_b2_touched(const B2World *w);

#ifdef __cplusplus
}
#endif
#endif
