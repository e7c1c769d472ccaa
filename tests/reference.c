// tests/reference.c: replays the trajectories recorded from Gymnasium and
// MinAtar (../shared/reference, or $RLC_REFERENCE_DIR) against rlc's envs.
// One line per file: "PASS name (N steps)", "FAIL name: why" or
// "SKIP name (env not implemented yet)"; the last line is the total. A file
// whose env is registered never skips.
// Depends on: the public rlc API only.
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rlc/rlc.h"

//------------------------------------------------------------------------------
// Reading record files
//------------------------------------------------------------------------------

#define MAX_TOK 2048

typedef struct {
  FILE *f;
  char line[16384];
  char *tok[MAX_TOK];
  int ntok, lineno;
} Reader;

static bool reader_open(Reader *r, const char *path) {
  memset(r, 0, sizeof *r);
  r->f = fopen(path, "r");
  return r->f != NULL;
}

// Next data record (comments skipped), split into tokens; false at the end.
static bool reader_next(Reader *r) {
  while (fgets(r->line, sizeof r->line, r->f)) {
    r->lineno++;
    if (r->line[0] == '#' || r->line[0] == '\n') continue;
    r->ntok = 0;
    for (char *t = strtok(r->line, " \t\r\n"); t && r->ntok < MAX_TOK; t = strtok(NULL, " \t\r\n"))
      r->tok[r->ntok++] = t;
    if (r->ntok) return true;
  }
  return false;
}

static double num(const Reader *r, int i) { return i < r->ntok ? strtod(r->tok[i], NULL) : NAN; }

// The failure of the file being checked (first one wins).
static char why[512];
static int fail(const Reader *r, const char *fmt, ...) {
  if (why[0]) return 1;
  va_list ap;
  va_start(ap, fmt);
  int n = r ? snprintf(why, sizeof why, "line %d: ", r->lineno) : 0;
  vsnprintf(why + n, sizeof why - n, fmt, ap);
  va_end(ap);
  return 1;
}

static bool close_rel(double a, double b, double rel, double abs_floor) {
  return fabs(a - b) <= fmax(rel * fmax(fabs(a), fabs(b)), abs_floor);
}

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

static const ClassicAdapter cartpole_v1 = {"CartPole-v1", 4, 4, false, cartpole_set, cartpole_get};
static const ClassicAdapter cartpole_v0 = {"CartPole-v0", 4, 4, false, cartpole_set, cartpole_get};

typedef struct {
  long steps, open_loop_exact_steps;
} Counts;

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
static int replay_classic(const char *path, const ClassicAdapter *ad, Counts *c) {
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

//------------------------------------------------------------------------------
// The files
//------------------------------------------------------------------------------

typedef struct {
  const char *file;
  const char *env_id;  // the env that must exist for the file to be checked
  const ClassicAdapter *classic;
} RefFile;

static const RefFile files[] = {
    {"cartpole_v1.txt", "CartPole-v1", &cartpole_v1},
    {"cartpole_v0.txt", "CartPole-v0", &cartpole_v0},
    {"mountaincar_v0.txt", "MountainCar-v0", NULL},
    {"mountaincarcontinuous_v0.txt", "MountainCarContinuous-v0", NULL},
    {"acrobot_v1.txt", "Acrobot-v1", NULL},
    {"pendulum_v1.txt", "Pendulum-v1", NULL},
    {"frozenlake_v1.txt", "FrozenLake-v1", NULL},
    {"frozenlake8x8_v1.txt", "FrozenLake8x8-v1", NULL},
    {"frozenlake_v1_P.txt", "FrozenLake-v1", NULL},
    {"frozenlake_v1_slippery_P.txt", "FrozenLake-v1", NULL},
    {"frozenlake8x8_v1_P.txt", "FrozenLake8x8-v1", NULL},
    {"frozenlake8x8_v1_slippery_P.txt", "FrozenLake8x8-v1", NULL},
    {"cliffwalking_v1.txt", "CliffWalking-v1", NULL},
    {"cliffwalking_v1_P.txt", "CliffWalking-v1", NULL},
    {"cliffwalking_v1_slippery_P.txt", "CliffWalking-v1", NULL},
    {"taxi_v4.txt", "Taxi-v4", NULL},
    {"taxi_v4_P.txt", "Taxi-v4", NULL},
    {"taxi_v4_rainy_P.txt", "Taxi-v4", NULL},
    {"blackjack_v1.txt", "Blackjack-v1", NULL},
    {"minatar_breakout.txt", "MinAtar/Breakout-v1", NULL},
    {"minatar_space_invaders.txt", "MinAtar/SpaceInvaders-v1", NULL},
    {"minatar_freeway.txt", "MinAtar/Freeway-v1", NULL},
    {"minatar_asterix.txt", "MinAtar/Asterix-v1", NULL},
    {"minatar_seaquest.txt", "MinAtar/Seaquest-v1", NULL},
};

int main(int argc, char **argv) {
  const char *dir = getenv("RLC_REFERENCE_DIR");
  if (!dir || !*dir) dir = "../shared/reference";
  int passed = 0, failed = 0, skipped = 0;
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    const RefFile *f = &files[i];
    if (argc > 1 && !strstr(f->file, argv[1])) continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, f->file);
    bool implemented = rlc_env_registry_find(f->env_id) != NULL;
    if (!implemented) {
      printf("SKIP %s (env not implemented yet)\n", f->file);
      skipped++;
      continue;
    }
    why[0] = 0;
    Counts c = {0};
    if (!f->classic) fail(NULL, "no replay written for this file although %s exists", f->env_id);
    else replay_classic(path, f->classic, &c);
    if (!why[0] && c.steps == 0) fail(NULL, "no steps in the file");
    if (why[0]) {
      printf("FAIL %s: %s\n", f->file, why);
      failed++;
    } else {
      printf("PASS %s (%ld steps; open loop bit-exact for %ld)\n", f->file, c.steps, c.open_loop_exact_steps);
      passed++;
    }
    fflush(stdout);
  }
  printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  return failed ? 1 : 0;
}
