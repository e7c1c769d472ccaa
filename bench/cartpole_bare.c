// cartpole_bare.c: the machine's limit for CartPole-v1, as a bare C loop of
// the same exact dynamics as src/env/envs/cartpole.c (float64 state, libm
// sin/cos, compiled without FMA contraction like the envs: see the Makefile),
// with the 500-step time limit and autoreset, and the float32 observation
// written every step. Actions come from a pre-drawn ring, as in
// `rlc bench-env`. Before timing, it steps rlc's vector env on the same
// actions and seed and checks that every observation, reward and flag is
// identical, so both measure the same work.
// Usage: cartpole_bare [STEPS] [SEED]   (prints steps/s; last line JSON)
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rlc/rlc.h"

#define GRAVITY 9.8
#define MASSCART 1.0
#define MASSPOLE 0.1
#define TOTAL_MASS (MASSPOLE + MASSCART)
#define LENGTH 0.5
#define POLEMASS_LENGTH (MASSPOLE * LENGTH)
#define FORCE_MAG 10.0
#define TAU 0.02
#define X_THRESHOLD 2.4
#define THETA_THRESHOLD (12 * 2 * M_PI / 360)
#define LIMIT 500

typedef struct {
  double x, x_dot, theta, theta_dot;
  int elapsed;
} Bare;

float g_obs[4];  // global so the stores stay in the loop

static void bare_reset(Bare *s, rlcRng *rng) {
  s->x = rlc_rng_uniform(rng, -0.05, 0.05);
  s->x_dot = rlc_rng_uniform(rng, -0.05, 0.05);
  s->theta = rlc_rng_uniform(rng, -0.05, 0.05);
  s->theta_dot = rlc_rng_uniform(rng, -0.05, 0.05);
  s->elapsed = 0;
  g_obs[0] = (float)s->x, g_obs[1] = (float)s->x_dot, g_obs[2] = (float)s->theta, g_obs[3] = (float)s->theta_dot;
}

// One step; returns 1 terminated, 2 truncated, 0 neither (no autoreset here).
static inline int bare_step(Bare *s, int action) {
  double force = action == 1 ? FORCE_MAG : -FORCE_MAG;
  double costheta = cos(s->theta), sintheta = sin(s->theta);
  double temp = (force + POLEMASS_LENGTH * (s->theta_dot * s->theta_dot) * sintheta) / TOTAL_MASS;
  double thetaacc = (GRAVITY * sintheta - costheta * temp) /
                    (LENGTH * (4.0 / 3.0 - MASSPOLE * (costheta * costheta) / TOTAL_MASS));
  double xacc = temp - POLEMASS_LENGTH * thetaacc * costheta / TOTAL_MASS;
  double x = s->x, x_dot = s->x_dot, theta = s->theta, theta_dot = s->theta_dot;
  s->x = x + TAU * x_dot;
  s->x_dot = x_dot + TAU * xacc;
  s->theta = theta + TAU * theta_dot;
  s->theta_dot = theta_dot + TAU * thetaacc;
  g_obs[0] = (float)s->x, g_obs[1] = (float)s->x_dot, g_obs[2] = (float)s->theta, g_obs[3] = (float)s->theta_dot;
  bool done = s->x < -X_THRESHOLD || s->x > X_THRESHOLD || s->theta < -THETA_THRESHOLD || s->theta > THETA_THRESHOLD;
  // Autoreset means no step ever runs past termination: the reward is always 1.
  return done ? 1 : ++s->elapsed >= LIMIT ? 2 : 0;
}

static double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  long long steps = argc > 1 ? atoll(argv[1]) : 20000000;
  long long seed = argc > 2 ? atoll(argv[2]) : 0;
  if (steps < 1 || seed < 0) {
    fprintf(stderr, "usage: cartpole_bare [STEPS] [SEED]\n");
    return 2;
  }
  // The ring of actions `rlc bench-env` draws (same stream, same size).
  enum { RING = 65537 };
  int32_t *ring = malloc(RING * sizeof *ring);
  if (!ring) return 1;
  rlcRng arng, rng;
  rlc_rng_seed_child(&arng, (uint64_t)seed, 2);
  rlcSpace as = rlc_space_discrete(2);
  for (int i = 0; i < RING; i++) rlc_space_sample(&as, &arng, &ring[i]);

  // Same work as rlc: compare with its vector env on 200000 steps.
  rlcVecEnv *v;
  if (rlc_vec_env_create("CartPole-v1", NULL, NULL, &v) || rlc_vec_env_reset(v, seed)) {
    fprintf(stderr, "cartpole_bare: %s\n", rlc_last_error());
    return 1;
  }
  Bare s;
  rlc_rng_seed(&rng, (uint64_t)seed);
  bare_reset(&s, &rng);
  int mismatch = memcmp(g_obs, v->obs, sizeof g_obs) != 0;
  for (int t = 0, k = 0; t < 200000 && !mismatch; t++, k = k + 1 == RING ? 0 : k + 1) {
    rlc_vec_env_step(v, &ring[k]);
    int end = bare_step(&s, ring[k]);
    mismatch = memcmp(g_obs, end ? v->final_obs : v->obs, sizeof g_obs) != 0;
    mismatch |= v->reward[0] != 1.0 || v->terminated[0] != (end == 1) || v->truncated[0] != (end == 2);
    if (end) {
      bare_reset(&s, &rng);
      mismatch |= memcmp(g_obs, v->obs, sizeof g_obs) != 0;
    }
    if (mismatch) fprintf(stderr, "cartpole_bare: differs from rlc's CartPole-v1 at step %d\n", t);
  }
  rlc_vec_env_destroy(v);
  if (mismatch) return 1;

  rlc_rng_seed(&rng, (uint64_t)seed);
  bare_reset(&s, &rng);
  long long episodes = 0;
  double t0 = rlc_time_s(), c0 = cpu_s();
  for (long long t = 0, k = 0; t < steps; t++, k = k + 1 == RING ? 0 : k + 1) {
    if (bare_step(&s, ring[k])) {
      episodes++;
      bare_reset(&s, &rng);
    }
  }
  double secs = rlc_time_s() - t0, cpu = cpu_s() - c0, sps = (double)steps / secs;
  printf("bare loop CartPole-v1: %lld steps (%lld episodes) in %.3f s: %.2fM steps/s\n", steps, episodes, secs,
         sps / 1e6);
  printf("{\"steps\": %lld, \"seconds\": %.6f, \"steps_per_s\": %.1f, \"cpu_seconds\": %.6f}\n", steps, secs, sps,
         cpu);
  free(ring);
  return 0;
}
