// tests/reference_lunarlander.c: LunarLander-v3 and LunarLanderContinuous-v3
// against Gymnasium 1.4 (Box2D 2.3), with the checks and tolerances the
// reference README gives a port on Box2D 2.4.1: the reset draws exactly and
// reset observations closely (R, W); rollouts replayed from their seeds with
// the recorded actions, every random draw exact, observations and rewards
// within the step's tolerance and flags exact up to the first leg contact (B,
// S, C); and the statistics of random and heuristic play over 500 seeds (E).
// Depends on: the public rlc API (rlcLunarLanderState for the draws).
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"
#include "rlc/envs.h"

#define WIND_OPTS "enable_wind=true,wind_power=15.0,turbulence_power=1.5"

static rlcEnv *make_env(bool cont, bool wind) {
  char opts[128];
  snprintf(opts, sizeof opts, "continuous=%s%s", cont ? "true" : "false", wind ? "," WIND_OPTS : "");
  rlcEnv *env = NULL;
  if (rlc_env_create("LunarLander-v3", opts, &env)) fail(NULL, "create LunarLander-v3 %s: %s", opts, rlc_last_error());
  return env;
}

static const rlcLunarLanderState *lander_state(rlcEnv *env) { return rlc_env_unwrapped_state(env); }

// The README's reset tolerances: x, y 1e-5; vx, vy, angle 1e-4; angular
// velocity 1e-3; leg flags exact.
static int check_reset_obs(const Reader *r, const float *obs, int first, const char *what) {
  static const double tol[8] = {1e-5, 1e-5, 1e-4, 1e-4, 1e-4, 1e-3, 0, 0};
  for (int i = 0; i < 8; i++) {
    double want = (float)num(r, first + i);
    if (fabs(obs[i] - want) > tol[i])
      return fail(r, "%s obs[%d] = %.9g, want %.9g (tolerance %g)", what, i, obs[i], want, tol[i]);
  }
  return 0;
}

static int check_exact(const Reader *r, const double *got, int first, int n, const char *what) {
  for (int i = 0; i < n; i++)
    if (got[i] != num(r, first + i)) return fail(r, "%s[%d] = %.17g, want %s", what, i, got[i], r->tok[first + i]);
  return 0;
}

//------------------------------------------------------------------------------
// Resets: R seed obs[8] h[12] smooth_y[11] fx fy ...; W seed wind_idx torque_idx obs[8] ...
//------------------------------------------------------------------------------

int replay_lunarlander_resets(const char *path, const char *env_id, Counts *c) {
  Reader r;
  if (!reader_open(&r, path)) return fail(NULL, "cannot open %s", path);
  rlcEnv *disc = make_env(false, false), *cont = make_env(true, false), *wind = make_env(false, true);
  int n_r = 0, n_w = 0;
  while (!why[0] && disc && cont && wind && reader_next(&r)) {
    int64_t seed = (int64_t)num(&r, 1);
    float obs[8], obs_c[8];
    if (!strcmp(r.tok[0], "R") && r.ntok == 2 + 8 + 12 + 11 + 2 + 18) {
      rlc_env_reset(disc, seed, obs);
      rlc_env_reset(cont, seed, obs_c);
      const rlcLunarLanderState *s = lander_state(disc);
      if (check_exact(&r, s->height, 10, 12, "height") || check_exact(&r, s->smooth_y, 22, 11, "smooth_y") ||
          check_exact(&r, s->force, 33, 2, "initial force") || check_reset_obs(&r, obs, 2, "reset"))
        break;
      if (memcmp(obs, obs_c, sizeof obs)) fail(&r, "LunarLanderContinuous-v3 resets differently from LunarLander-v3");
      n_r++;
    } else if (!strcmp(r.tok[0], "W") && r.ntok == 4 + 8 + 6) {
      rlc_env_reset(wind, seed, obs);
      const rlcLunarLanderState *s = lander_state(wind);
      // The reset step blows once (no leg touches yet): the indices moved on by 1.
      double idx[2] = {(double)(s->wind_idx - 1), (double)(s->torque_idx - 1)};
      if (check_exact(&r, idx, 2, 2, "wind_idx, torque_idx") || check_reset_obs(&r, obs, 4, "wind reset")) break;
      n_w++;
    } else {
      fail(&r, "unexpected record '%s' with %d fields", r.tok[0], r.ntok);
    }
  }
  fclose(r.f);
  rlc_env_destroy(disc), rlc_env_destroy(cont), rlc_env_destroy(wind);
  if (!why[0] && (n_r == 0 || n_w == 0)) fail(NULL, "no R or W records");
  c->steps += n_r + n_w;
  return why[0] != 0;
}

//------------------------------------------------------------------------------
// Rollouts: B ep cont wind policy seed nsteps wind_idx torque_idx fx fy h[12] r0 r1 obs0[8],
// then S (discrete) or C (continuous) records: ... reward terminated truncated u0 u1 obs[8] lander[6]
//------------------------------------------------------------------------------

typedef struct {
  rlcEnv *env;
  bool cont, contact;  // contact: a leg touched, in the port or the reference
  int nsteps, t;
  long compared;
} Rollout;

static int begin_rollout(Reader *r, Rollout *ro) {
  rlc_env_destroy(ro->env);
  memset(ro, 0, sizeof *ro);
  ro->cont = num(r, 2) != 0;
  ro->nsteps = (int)num(r, 6);
  ro->env = make_env(ro->cont, num(r, 3) != 0);
  if (!ro->env) return 1;
  float obs[8];
  rlc_env_reset(ro->env, (int64_t)num(r, 5), obs);
  const rlcLunarLanderState *s = lander_state(ro->env);
  double idx[2] = {0, 0};
  if (num(r, 3) != 0) idx[0] = (double)(s->wind_idx - 1), idx[1] = (double)(s->torque_idx - 1);
  if (check_exact(r, idx, 7, 2, "wind_idx, torque_idx") || check_exact(r, s->force, 9, 2, "initial force") ||
      check_exact(r, s->height, 11, 12, "height") || check_exact(r, s->dispersion, 23, 2, "reset step draws"))
    return 1;
  return check_reset_obs(r, obs, 25, "reset");
}

// Before the first leg contact: steps 1-23 within 2e-4 (obs) and 0.02
// (reward), later steps within 0.1 and 1.0 (the joints reach their limits at
// step 24-25), flags exact. From the contact on, trajectories separate.
static int rollout_step(Reader *r, Rollout *ro) {
  int t = (int)num(r, 2), k = ro->cont ? 5 : 4;  // k: the reward's field
  if (!ro->env || t != ro->t + 1) return fail(r, "step %d out of order", t);
  ro->t = t;
  if (ro->contact) return 0;
  union {
    int32_t d;
    float c[2];
  } act;
  if (ro->cont) act.c[0] = (float)num(r, 3), act.c[1] = (float)num(r, 4);
  else act.d = (int32_t)num(r, 3);
  float obs[8];
  double reward;
  bool term, trunc;
  if (rlc_env_step(ro->env, &act, obs, &reward, &term, &trunc)) return fail(r, "step: %s", rlc_last_error());
  const rlcLunarLanderState *s = lander_state(ro->env);
  if (check_exact(r, s->dispersion, k + 3, 2, "step draws")) return 1;
  bool ref_contact = num(r, k + 5 + 6) != 0 || num(r, k + 5 + 7) != 0;
  if (ref_contact || obs[6] != 0 || obs[7] != 0) {
    ro->contact = true;
    return 0;
  }
  double tol_obs = t <= 23 ? 2e-4 : 0.1, tol_reward = t <= 23 ? 0.02 : 1.0;
  for (int i = 0; i < 6; i++)
    if (fabs(obs[i] - (float)num(r, k + 5 + i)) > tol_obs)
      return fail(r, "step %d obs[%d] = %.9g, want %s (tolerance %g)", t, i, obs[i], r->tok[k + 5 + i], tol_obs);
  if (fabs(reward - num(r, k)) > tol_reward)
    return fail(r, "step %d reward %.9g, want %s (tolerance %g)", t, reward, r->tok[k], tol_reward);
  if (term != (num(r, k + 1) != 0) || trunc != (num(r, k + 2) != 0))
    return fail(r, "step %d terminated/truncated %d/%d, want %s/%s", t, term, trunc, r->tok[k + 1], r->tok[k + 2]);
  ro->compared++;
  return 0;
}

int replay_lunarlander_rollouts(const char *path, const char *env_id, Counts *c) {
  Reader r;
  if (!reader_open(&r, path)) return fail(NULL, "cannot open %s", path);
  Rollout ro = {0};
  int episodes = 0;
  while (!why[0] && reader_next(&r)) {
    if (!strcmp(r.tok[0], "B") && r.ntok == 25 + 8) {
      if (ro.env && ro.t != ro.nsteps) fail(&r, "previous episode has %d of %d steps", ro.t, ro.nsteps);
      c->steps += ro.compared;
      if (!why[0]) begin_rollout(&r, &ro);
      episodes++;
    } else if ((!strcmp(r.tok[0], "S") && r.ntok == 23) || (!strcmp(r.tok[0], "C") && r.ntok == 24)) {
      if (ro.cont != (r.tok[0][0] == 'C')) fail(&r, "record type does not match the episode's env");
      else rollout_step(&r, &ro);
    } else {
      fail(&r, "unexpected record '%s' with %d fields", r.tok[0], r.ntok);
    }
  }
  c->steps += ro.compared;
  rlc_env_destroy(ro.env);
  fclose(r.f);
  if (!why[0] && episodes == 0) fail(NULL, "no episodes");
  return why[0] != 0;
}

//------------------------------------------------------------------------------
// Statistics: four configurations over 500 seeds against the E records
//------------------------------------------------------------------------------

enum { OUT_TRUNC, OUT_REST, OUT_CRASH, OUT_OUT };
#define N_SEEDS 500

typedef struct {
  double ret[N_SEEDS], len[N_SEEDS];
  int outcome[N_SEEDS], n;
} Sample;

static const char *configs[4] = {"discrete_random", "discrete_heuristic", "continuous_random", "continuous_heuristic"};

// One episode of config k on seed; random actions from default_rng(seed + 1000000) as the reference's.
static void play(rlcEnv *env, int k, int64_t seed, double *ret, int *len, int *outcome) {
  bool random = k == 0 || k == 2, cont = k >= 2;
  rlcRng arng;
  rlc_rng_seed(&arng, (uint64_t)seed + 1000000);
  float obs[8];
  rlc_env_reset(env, seed, obs);
  double total = 0;
  int n = 0;
  bool term = false, trunc = false;
  while (!term && !trunc) {
    union {
      int32_t d;
      float c[2];
    } a;
    if (!random) rlc_env_heuristic(env, obs, &a);
    else if (cont) a.c[0] = (float)rlc_rng_uniform(&arng, -1, 1), a.c[1] = (float)rlc_rng_uniform(&arng, -1, 1);
    else a.d = (int32_t)rlc_rng_integers(&arng, 0, 4);
    double r;
    rlc_env_step(env, &a, obs, &r, &term, &trunc);
    total += r, n++;
  }
  const rlcLunarLanderState *s = lander_state(env);
  *ret = total, *len = n;
  *outcome = !term ? OUT_TRUNC : !s->awake ? OUT_REST : s->game_over ? OUT_CRASH : OUT_OUT;
}

static double mean_of(const double *x, int n) {
  double m = 0;
  for (int i = 0; i < n; i++) m += x[i];
  return m / n;
}

static double var_of(const double *x, int n) {
  double m = mean_of(x, n), v = 0;
  for (int i = 0; i < n; i++) v += (x[i] - m) * (x[i] - m);
  return v / (n - 1);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

// Two-sample Kolmogorov-Smirnov D = max |F_a - F_b|.
static double ks_d(const double *a, int na, const double *b, int nb) {
  double *x = malloc(sizeof *x * na), *y = malloc(sizeof *y * nb), d = 0;
  memcpy(x, a, sizeof *x * na), memcpy(y, b, sizeof *y * nb);
  qsort(x, na, sizeof *x, cmp_double), qsort(y, nb, sizeof *y, cmp_double);
  for (int i = 0, j = 0; i < na || j < nb;) {
    double v = i < na && (j >= nb || x[i] <= y[j]) ? x[i] : y[j];
    while (i < na && x[i] <= v) i++;
    while (j < nb && y[j] <= v) j++;
    d = fmax(d, fabs((double)i / na - (double)j / nb));
  }
  free(x), free(y);
  return d;
}

static double frac(const Sample *s, int outcome) {
  int n = 0;
  for (int i = 0; i < s->n; i++) n += s->outcome[i] == outcome;
  return (double)n / s->n;
}

// The README's checks for config k, port p against reference q.
static int compare(int k, const Sample *p, const Sample *q, char *line, size_t cap) {
  double mp = mean_of(p->ret, p->n), mq = mean_of(q->ret, q->n);
  double se = sqrt(var_of(p->ret, p->n) / p->n + var_of(q->ret, q->n) / q->n);
  double z = (mp - mq) / se, d = ks_d(p->ret, p->n, q->ret, q->n);
  double lp = mean_of(p->len, p->n), lq = mean_of(q->len, q->n);
  snprintf(line, cap, "%s: mean return %.1f vs %.1f (z %.2f), KS D %.3f, length %.1f vs %.1f", configs[k], mp, mq, z,
           d, lp, lq);
  if (k == 1 || k == 3) {
    double drest = frac(p, OUT_REST) - frac(q, OUT_REST);
    if (fabs(z) > 3) return fail(NULL, "%s: |z| > 3", line);
    if (d > 0.103) return fail(NULL, "%s: KS D > 0.103", line);
    if (fabs(drest) > 0.05) return fail(NULL, "%s: rest fraction off by %.3f (> 0.05)", line, drest);
    if (lp / lq < 0.85 || lp / lq > 1.30) return fail(NULL, "%s: length ratio %.3f outside [0.85, 1.30]", line, lp / lq);
    return 0;
  }
  if (fabs(mp - mq) > 3 * se + 20) return fail(NULL, "%s: |mean difference| > 3 SE + 20 = %.1f", line, 3 * se + 20);
  if (d > 0.123) return fail(NULL, "%s: KS D > 0.123", line);
  for (int o = OUT_CRASH; o <= OUT_OUT; o++) {
    double fp = frac(p, o), fq = frac(q, o), pm = (fp + fq) / 2;
    if (fabs(fp - fq) > 3 * sqrt(2 * pm * (1 - pm) / N_SEEDS))
      return fail(NULL, "%s: %s fraction %.3f vs %.3f", line, o == OUT_CRASH ? "crash" : "out", fp, fq);
  }
  double zl = (lp - lq) / sqrt(var_of(p->len, p->n) / p->n + var_of(q->len, q->n) / q->n);
  if (fabs(zl) > 3) return fail(NULL, "%s: length |z| %.2f > 3", line, zl);
  return 0;
}

int replay_lunarlander_stats(const char *path, const char *env_id, Counts *c) {
  Reader r;
  if (!reader_open(&r, path)) return fail(NULL, "cannot open %s", path);
  static Sample ref[4], port[4];
  memset(ref, 0, sizeof ref);
  while (!why[0] && reader_next(&r)) {
    if (strcmp(r.tok[0], "E")) continue;  // Q and F summarize the E records
    int k = 0;
    while (k < 4 && strcmp(r.tok[1], configs[k])) k++;
    if (k == 4 || r.ntok != 7 || ref[k].n == N_SEEDS) {
      fail(&r, "unexpected E record");
      break;
    }
    Sample *s = &ref[k];
    s->ret[s->n] = num(&r, 3), s->len[s->n] = num(&r, 4);
    int o = (int)num(&r, 5);
    s->outcome[s->n++] = o == 1 ? OUT_REST : o == 2 ? OUT_CRASH : o == 3 ? OUT_OUT : OUT_TRUNC;
  }
  fclose(r.f);
  for (int k = 0; k < 4 && !why[0]; k++) {
    if (ref[k].n != N_SEEDS) {
      fail(NULL, "%s: %d E records, want %d", configs[k], ref[k].n, N_SEEDS);
      break;
    }
    rlcEnv *env = make_env(k >= 2, false);
    if (!env) break;
    port[k].n = N_SEEDS;
    for (int i = 0; i < N_SEEDS; i++) {
      int len;
      play(env, k, i, &port[k].ret[i], &len, &port[k].outcome[i]);
      port[k].len[i] = len;
      c->steps += len;
    }
    rlc_env_destroy(env);
    char line[256];
    if (!compare(k, &port[k], &ref[k], line, sizeof line) && getenv("RLC_REFERENCE_VERBOSE")) printf("  %s\n", line);
  }
  return why[0] != 0;
}
