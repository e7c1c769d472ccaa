// box2d_shim.cpp: the only C++ in rlc, a thin layer over Debian's Box2D 2.4
// (box2d_shim.h says what it offers). Built without exceptions and RTTI; the
// world lives in malloc'ed memory (placement new) and the listener has its
// own no-op operator delete, so nothing here needs libstdc++.
#include <new>
#include <stdlib.h>

#include <box2d/box2d.h>

#include "box2d_shim.h"

namespace {

uint32_t contact_bits(b2Contact *c) {
  return (uint32_t)c->GetFixtureA()->GetBody()->GetUserData().pointer |
         (uint32_t)c->GetFixtureB()->GetBody()->GetUserData().pointer;
}

struct Listener : b2ContactListener {
  uint32_t touching = 0, touched = 0;
  void BeginContact(b2Contact *c) override {
    uint32_t m = contact_bits(c);
    touching |= m;
    touched |= m;
  }
  void EndContact(b2Contact *c) override { touching &= ~contact_bits(c); }
  // Never deleted through a pointer: keeps ::operator delete (libstdc++) out.
  static void operator delete(void *) {}
};

}  // namespace

struct B2World {
  b2World world;
  Listener listener;
  b2Body *bodies[ENVS_B2_MAX_BODIES];
  int n;
  explicit B2World(const b2Vec2 &g) : world(g), bodies(), n(0) { world.SetContactListener(&listener); }
};

extern "C" {

B2World *envs_b2_world_create(float gx, float gy) {
  void *mem = malloc(sizeof(B2World));
  if (!mem) return nullptr;
  return new (mem) B2World(b2Vec2(gx, gy));
}

void envs_b2_world_destroy(B2World *w) {
  if (!w) return;
  w->~B2World();
  free(w);
}

int envs_b2_body_create(B2World *w, bool dynamic, float x, float y, float angle) {
  if (w->n >= ENVS_B2_MAX_BODIES) return -1;
  b2BodyDef def;
  def.type = dynamic ? b2_dynamicBody : b2_staticBody;
  def.position.Set(x, y);
  def.angle = angle;
  def.userData.pointer = (uintptr_t)1u << w->n;
  w->bodies[w->n] = w->world.CreateBody(&def);
  return w->n++;
}

static void add_fixture(B2World *w, int body, const b2Shape *shape, const B2Fixture *f) {
  b2FixtureDef def;
  def.shape = shape;
  def.density = f->density;
  def.friction = f->friction;
  def.restitution = f->restitution;
  def.filter.categoryBits = f->category;
  def.filter.maskBits = f->mask;
  w->bodies[body]->CreateFixture(&def);
}

void envs_b2_add_polygon(B2World *w, int body, const float *xy, int n, const B2Fixture *f) {
  b2Vec2 v[b2_maxPolygonVertices];
  if (n > b2_maxPolygonVertices) n = b2_maxPolygonVertices;
  for (int i = 0; i < n; i++) v[i].Set(xy[2 * i], xy[2 * i + 1]);
  b2PolygonShape shape;
  shape.Set(v, n);
  add_fixture(w, body, &shape, f);
}

void envs_b2_add_box(B2World *w, int body, float hx, float hy, const B2Fixture *f) {
  b2PolygonShape shape;
  shape.SetAsBox(hx, hy);
  add_fixture(w, body, &shape, f);
}

void envs_b2_add_edge(B2World *w, int body, float x1, float y1, float x2, float y2, const B2Fixture *f) {
  b2EdgeShape shape;
  shape.SetTwoSided(b2Vec2(x1, y1), b2Vec2(x2, y2));
  add_fixture(w, body, &shape, f);
}

void envs_b2_add_revolute(B2World *w, const B2Revolute *d) {
  b2RevoluteJointDef def;
  def.bodyA = w->bodies[d->body_a];
  def.bodyB = w->bodies[d->body_b];
  def.localAnchorA.Set(d->anchor_a[0], d->anchor_a[1]);
  def.localAnchorB.Set(d->anchor_b[0], d->anchor_b[1]);
  def.referenceAngle = d->reference_angle;
  def.enableLimit = d->enable_limit;
  def.lowerAngle = d->lower;
  def.upperAngle = d->upper;
  def.enableMotor = d->enable_motor;
  def.motorSpeed = d->motor_speed;
  def.maxMotorTorque = d->max_motor_torque;
  w->world.CreateJoint(&def);
}

void envs_b2_apply_force_center(B2World *w, int body, float fx, float fy) {
  w->bodies[body]->ApplyForceToCenter(b2Vec2(fx, fy), true);
}

void envs_b2_apply_impulse(B2World *w, int body, float ix, float iy, float px, float py) {
  w->bodies[body]->ApplyLinearImpulse(b2Vec2(ix, iy), b2Vec2(px, py), true);
}

void envs_b2_apply_torque(B2World *w, int body, float torque) { w->bodies[body]->ApplyTorque(torque, true); }

void envs_b2_world_step(B2World *w, float dt, int velocity_iterations, int position_iterations) {
  w->world.Step(dt, velocity_iterations, position_iterations);
}

void envs_b2_body_state(const B2World *w, int body, float out[6]) {
  const b2Body *b = w->bodies[body];
  const b2Vec2 &p = b->GetPosition(), &v = b->GetLinearVelocity();
  out[0] = p.x, out[1] = p.y, out[2] = b->GetAngle();
  out[3] = v.x, out[4] = v.y, out[5] = b->GetAngularVelocity();
}

float envs_b2_body_angle(const B2World *w, int body) { return w->bodies[body]->GetAngle(); }

void envs_b2_body_position(const B2World *w, int body, float out[2]) {
  const b2Vec2 &p = w->bodies[body]->GetPosition();
  out[0] = p.x, out[1] = p.y;
}

bool envs_b2_body_awake(const B2World *w, int body) { return w->bodies[body]->IsAwake(); }

uint32_t envs_b2_touching(const B2World *w) { return w->listener.touching; }
uint32_t envs_b2_touched(const B2World *w) { return w->listener.touched; }

}  // extern "C"
