// tests/reference_classic.c: classic-control replays (R / B / S records with
// injected float64 states), one adapter per env.
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"

//------------------------------------------------------------------------------
// Classic control: R / B / S records with injected float64 states
//------------------------------------------------------------------------------

// How to read and write a classic-control env's state as the file's columns.
typedef struct {
  const char *id;
  int ns, no;           // state and observation columns
  bool continuous;      // float32 action
  void (*set)(void *state, const double *v);
  void (*get)(const void *state, double *v);
} ClassicAdapter;

static void cartpole_set(void *state, const double *v) {
  rlcCartPoleState *s = state;
  s->x = v[0], s->x_dot = v[1], s->theta = v[2], s->theta_dot = v[3];
  s->steps_beyond_terminated = -1;
}
static void cartpole_get(const void *state, double *v) {
  const rlcCartPoleState *s = state;
  v[0] = s->x, v[1] = s->x_dot, v[2] = s->theta, v[3] = s->theta_dot;
}

// MountainCar / MountainCarContinuous: position velocity.
static void mountaincar_set(void *state, const double *v) {
  rlcMountainCarState *s = state;
  s->position = v[0], s->velocity = v[1];
}
static void mountaincar_get(const void *state, double *v) {
  const rlcMountainCarState *s = state;
  v[0] = s->position, v[1] = s->velocity;
}

// Acrobot: theta1 theta2 dtheta1 dtheta2.
static void acrobot_set(void *state, const double *v) {
  rlcAcrobotState *s = state;
  s->theta1 = v[0], s->theta2 = v[1], s->dtheta1 = v[2], s->dtheta2 = v[3];
}
static void acrobot_get(const void *state, double *v) {
  const rlcAcrobotState *s = state;
  v[0] = s->theta1, v[1] = s->theta2, v[2] = s->dtheta1, v[3] = s->dtheta2;
}

// Pendulum: theta theta_dot (last_u only draws the arrow).
static void pendulum_set(void *state, const double *v) {
  rlcPendulumState *s = state;
  s->theta = v[0], s->theta_dot = v[1];
}
static void pendulum_get(const void *state, double *v) {
  const rlcPendulumState *s = state;
  v[0] = s->theta, v[1] = s->theta_dot;
}

static const ClassicAdapter adapters[] = {
    {"CartPole-v1", 4, 4, false, cartpole_set, cartpole_get},
    {"CartPole-v0", 4, 4, false, cartpole_set, cartpole_get},
    {"MountainCar-v0", 2, 2, false, mountaincar_set, mountaincar_get},
    {"MountainCarContinuous-v0", 2, 2, true, mountaincar_set, mountaincar_get},
    {"Acrobot-v1", 4, 6, false, acrobot_set, acrobot_get},
    {"Pendulum-v1", 2, 3, true, pendulum_set, pendulum_get},
};

static int check_obs(const Reader *r, const float *obs, int first, int no, const char *what) {
  for (int i = 0; i < no; i++) {
    double want = num(r, first + i);
    if (!close_rel(obs[i], want, 1e-6, 1e-8))
      return fail(r, "%s obs[%d] = %.9g, Gymnasium %.9g", what, i, obs[i], want);
  }
  return 0;
}

static int check_state(const Reader *r, const double *st, int first, int ns, const char *what) {
  for (int i = 0; i < ns; i++) {
    double want = num(r, first + i);
    if (!close_rel(st[i], want, 1e-9, 1e-12))
      return fail(r, "%s state[%d] = %.17g, Gymnasium %.17g", what, i, st[i], want);
  }
  return 0;
}

// Two envs walk each trajectory: `one` gets the recorded previous state
// injected before every step (the README's one-step mode, which decides
// pass/fail); `open` runs open loop from state0 (reported: bit-exact or not).
int replay_classic(const char *path, const char *env_id, Counts *c) {
  const ClassicAdapter *ad = NULL;
  for (size_t i = 0; i < sizeof adapters / sizeof adapters[0]; i++)
    if (!strcmp(adapters[i].id, env_id)) ad = &adapters[i];
  if (!ad) return fail(NULL, "no classic-control adapter for %s", env_id);
  Reader r;
  if (!reader_open(&r, path)) return fail(NULL, "cannot open: %s", strerror(errno));
  rlcEnv *one = NULL, *open = NULL;
  if (rlc_env_create(ad->id, NULL, &one) || rlc_env_create(ad->id, NULL, &open)) {
    fail(NULL, "%s", rlc_last_error());
    goto done;
  }
  const int ns = ad->ns, no = ad->no;
  float obs[64];
  double st[64], prev[64], ost[64];
  bool open_exact = false;
  int traj = -1, left = 0;
  while (!why[0] && reader_next(&r)) {
    const char *t = r.tok[0];
    if (!strcmp(t, "R")) {  // reset(seed): observation and state
      if (r.ntok != 2 + no + ns) return fail(&r, "R record has %d fields", r.ntok);
      rlc_env_reset(one, (int64_t)num(&r, 1), obs);
      ad->get(rlc_env_unwrapped_state(one), st);
      for (int i = 0; i < no; i++)
        if (obs[i] != (float)num(&r, 2 + i)) fail(&r, "reset(seed=%s) obs[%d] = %.9g, Gymnasium %.9g", r.tok[1], i, obs[i], num(&r, 2 + i));
      for (int i = 0; i < ns; i++)
        if (st[i] != num(&r, 2 + no + i)) fail(&r, "reset(seed=%s) state[%d] = %.17g, Gymnasium %.17g", r.tok[1], i, st[i], num(&r, 2 + no + i));
    } else if (!strcmp(t, "B")) {  // B traj seed kind nsteps state0 obs0
      if (r.ntok != 5 + ns + no) return fail(&r, "B record has %d fields", r.ntok);
      if (left) return fail(&r, "trajectory %d ended after too few S records", traj);
      traj = atoi(r.tok[1]);
      left = atoi(r.tok[4]);
      int64_t seed = (int64_t)num(&r, 2);
      for (int i = 0; i < ns; i++) prev[i] = num(&r, 5 + i);
      rlc_env_reset(one, seed, NULL);
      rlc_env_reset(open, seed, NULL);
      ad->set(rlc_env_unwrapped_state(one), prev);
      ad->set(rlc_env_unwrapped_state(open), prev);
      open_exact = true;
    } else if (!strcmp(t, "S")) {  // S traj t action reward term trunc obs state
      if (r.ntok != 7 + no + ns) return fail(&r, "S record has %d fields", r.ntok);
      if (atoi(r.tok[1]) != traj || left <= 0) return fail(&r, "S record outside its trajectory");
      left--;
      int32_t ai = atoi(r.tok[3]);
      float af = (float)num(&r, 3);
      const void *action = ad->continuous ? (const void *)&af : (const void *)&ai;
      double reward, oreward;
      bool term, trunc, oterm, otrunc;
      ad->set(rlc_env_unwrapped_state(one), prev);
      if (rlc_env_step(one, action, obs, &reward, &term, &trunc)) return fail(&r, "step: %s", rlc_last_error());
      ad->get(rlc_env_unwrapped_state(one), st);
      if (term != (bool)atoi(r.tok[5]) || trunc != (bool)atoi(r.tok[6]))
        return fail(&r, "traj %d step %s: terminated/truncated = %d/%d, Gymnasium %s/%s", traj, r.tok[2], term, trunc, r.tok[5], r.tok[6]);
      if (!close_rel(reward, num(&r, 4), 1e-9, 1e-12)) return fail(&r, "reward %.17g, Gymnasium %s", reward, r.tok[4]);
      if (check_obs(&r, obs, 7, no, "one-step") || check_state(&r, st, 7 + no, ns, "one-step")) return 1;
      for (int i = 0; i < ns; i++) prev[i] = num(&r, 7 + no + i);
      c->steps++;
      if (open_exact) {
        rlc_env_step(open, action, NULL, &oreward, &oterm, &otrunc);
        ad->get(rlc_env_unwrapped_state(open), ost);
        for (int i = 0; i < ns; i++) open_exact &= ost[i] == prev[i];
        open_exact &= oreward == num(&r, 4) && oterm == term && otrunc == trunc;
        c->open_loop_exact_steps += open_exact;
      }
    }
  }
  if (!why[0] && left) fail(&r, "file ends inside trajectory %d", traj);
done:
  rlc_env_destroy(one);
  rlc_env_destroy(open);
  fclose(r.f);
  return why[0] != 0;
}

