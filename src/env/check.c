// check.c: the env checker. Runs Gymnasium's check_env checks (and a few more
// that matter to rlc: the time limit, invalid actions, the transition model)
// on fresh instances created by id.
// Depends on: rlc/env.h.
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rlc/env.h"

typedef struct {
  rlcCheckFn report;
  void *user;
  int failed;
} Checker;

static bool check(Checker *c, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool check(Checker *c, bool ok, const char *fmt, ...) {
  char what[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  if (!ok) c->failed++;
  if (c->report) c->report(ok, what, c->user);
  return ok;
}

// FNV-1a over the bytes of everything an env returns, to compare runs.
#define MIX(ptr, len)                                                                   \
  for (size_t k_ = 0; k_ < (len); k_++) h = (h ^ ((const uint8_t *)(ptr))[k_]) * 1099511628211ull

static bool space_valid(const rlcSpace *s, char *why, size_t n) {
  switch (s->type) {
    case RLC_SPACE_DISCRETE:
      if (s->n < 1) return snprintf(why, n, "Discrete(n) needs n >= 1"), false;
      return s->size == 1 && s->dtype == RLC_I32;
    case RLC_SPACE_MULTI_DISCRETE:
      for (int i = 0; i < s->size; i++)
        if (s->nvec[i] < 1) return snprintf(why, n, "nvec[%d] < 1", i), false;
      return s->size >= 1;
    case RLC_SPACE_BOX: {
      int size = 1;
      if (s->ndim < 1 || s->ndim > RLC_MAX_DIMS) return snprintf(why, n, "rank %d", s->ndim), false;
      for (int i = 0; i < s->ndim; i++) {
        if (s->shape[i] < 1) return snprintf(why, n, "shape[%d] = %d", i, s->shape[i]), false;
        size *= s->shape[i];
      }
      if (size != s->size) return snprintf(why, n, "size %d != product of shape %d", s->size, size), false;
      if (s->nbounds < 1 || s->nbounds > RLC_SPACE_MAX_BOUNDS || s->size % s->nbounds)
        return snprintf(why, n, "nbounds %d does not divide size %d", s->nbounds, s->size), false;
      for (int i = 0; i < s->nbounds; i++)
        if (!(s->low[i] <= s->high[i]) || isnan(s->low[i]))
          return snprintf(why, n, "low[%d] > high[%d]", i, i), false;
      return s->dtype == RLC_F32 || s->dtype == RLC_U8;
    }
  }
  return false;
}

static bool obs_finite(const rlcSpace *s, const void *obs) {
  if (s->dtype != RLC_F32) return true;
  for (int i = 0; i < s->size; i++)
    if (isnan(((const float *)obs)[i])) return false;
  return true;
}

// Plays `steps` steps from where the env is with actions from an rng seeded
// `act_seed`, resetting at episode ends, and hashes everything it returned.
static uint64_t continue_hash(rlcEnv *env, uint64_t act_seed, int steps, uint64_t h) {
  rlcRng act_rng;
  rlc_rng_seed(&act_rng, act_seed);
  size_t ob = rlc_space_bytes(&env->spec->observation_space);
  int32_t action[RLC_SPACE_MAX_BOUNDS * 4];
  for (int t = 0; t < steps; t++) {
    rlc_env_sample_action(env, &act_rng, action);
    double r;
    bool term, trunc;
    if (rlc_env_step(env, action, NULL, &r, &term, &trunc)) return 0;
    MIX(env->obs, ob);
    MIX(&r, sizeof r);
    h ^= (uint64_t)term * 3 + trunc;
    if (term || trunc) rlc_env_reset(env, RLC_NO_SEED, NULL);
  }
  return h;
}

// The same from a reset with `seed`.
static uint64_t trajectory_hash(rlcEnv *env, int64_t seed, int steps) {
  uint64_t h = 1469598103934665603ull;
  rlc_env_reset(env, seed, NULL);
  MIX(env->obs, rlc_space_bytes(&env->spec->observation_space));
  return continue_hash(env, (uint64_t)seed + 1, steps, h);
}

// A copy (rlc_env_copy) and a saved and loaded state (rlc_env_state_put /
// get, as checkpoints do) continue exactly like the original, and a
// truncated save is refused. `b` has stepped elsewhere first, so a copy that
// kept anything of the destination's own state shows.
static void check_copies(Checker *c, rlcEnv *a, rlcEnv *b, int64_t seed) {
  const uint64_t h0 = 1469598103934665603ull;
  trajectory_hash(b, seed + 11, 123);
  rlc_env_reset(a, seed, NULL);
  continue_hash(a, (uint64_t)seed + 5, 37, h0);
  bool ok = rlc_env_copy(b, a) == RLC_OK;
  uint64_t hb = ok ? continue_hash(b, (uint64_t)seed + 9, 300, h0) : 0;
  rlcBuf buf = {0};
  rlc_env_state_put(a->spec, a->state, &buf);
  rlcRng rng = a->rng;
  size_t ob = rlc_space_bytes(&a->spec->observation_space);
  uint8_t *obs = rlc_malloc(ob);
  if (obs) memcpy(obs, a->obs, ob);
  uint64_t ha = continue_hash(a, (uint64_t)seed + 9, 300, h0);
  check(c, ok && ha == hb, "a copy of the env (rlc_env_copy) continues exactly like the original");

  // Load the saved state into b: the state and np_random are what a
  // checkpoint restores (the last observation too, outside the state).
  trajectory_hash(b, seed + 13, 77);
  ok = !buf.err && rlc_env_state_get(b->spec, b->state, &buf) == RLC_OK && buf.pos == buf.len;
  ok = ok && obs;
  if (obs) memcpy(b->obs, obs, ob);
  rlc_free(obs);
  b->rng = rng;
  b->in_episode = true;
  rlc_env_reset(a, seed, NULL);
  continue_hash(a, (uint64_t)seed + 5, 37, h0);  // a is back where it was saved
  ha = continue_hash(a, (uint64_t)seed + 9, 300, h0);
  hb = ok ? continue_hash(b, (uint64_t)seed + 9, 300, h0) : 0;
  check(c, ok && ha == hb, "a saved and loaded state (%zu bytes) continues exactly like the original", buf.len);
  rlcBuf cut = {.data = buf.data, .len = buf.len ? buf.len - 1 : 0};
  check(c, rlc_env_state_get(b->spec, b->state, &cut) == RLC_ERR_FORMAT,
        "loading a truncated saved state is refused");
  rlc_buf_free(&buf);
}

// Steps a vector env of `n` copies on `threads` threads with actions from an rng
// seeded `seed` (possible ones only) and hashes every output array.
static uint64_t vector_hash(const char *id, const char *options, int64_t seed, int n, int threads, int steps) {
  rlcVecEnvDef def = rlc_vec_env_default_def();
  def.num_envs = n;
  def.num_threads = threads;
  rlcVecEnv *v;
  if (rlc_vec_env_create(id, options, &def, &v)) return 0;
  rlcRng rng;
  rlc_rng_seed(&rng, (uint64_t)seed + 3);
  const rlcSpace *as = &v->spec->action_space;
  const rlcMdp *m = v->spec->mdp;
  char *acts = rlc_calloc(n, v->act_bytes);
  uint64_t h = 1469598103934665603ull;
  bool ok = acts && rlc_vec_env_reset(v, seed) == RLC_OK;
  for (int t = 0; ok && t < steps; t++) {
    for (int i = 0; i < n; i++) {
      int32_t *a = (int32_t *)(acts + (size_t)i * v->act_bytes);
      rlc_space_sample(as, &rng, a);
      if (m && !m->all_valid) *a = rlc_mdp_possible_action(m, ((const int32_t *)v->obs)[i], *a);
    }
    ok = rlc_vec_env_step(v, acts) == RLC_OK;
    MIX(v->obs, v->obs_bytes * (size_t)n);
    MIX(v->reward, sizeof(double) * (size_t)n);
    MIX(v->terminated, (size_t)n);
    MIX(v->truncated, (size_t)n);
    for (int i = 0; i < n; i++)
      if (v->terminated[i] || v->truncated[i]) MIX((char *)v->final_obs + i * v->obs_bytes, v->obs_bytes);
  }
  rlc_free(acts);
  rlc_vec_env_destroy(v);
  return ok ? h : 0;
}

rlcStatus rlc_env_check(const char *id, const char *options, int64_t seed, rlcCheckFn report,
                        void *user, int *failed) {
  Checker c = {report, user, 0};
  *failed = 0;
  rlcEnv *env = NULL, *env2 = NULL;
  rlcStatus s = rlc_env_create(id, options, &env);
  if (!s) s = rlc_env_create(id, options, &env2);
  if (s) {
    rlc_env_destroy(env);
    return s;
  }
  const rlcEnvSpec *spec = env->spec;
  const rlcSpace *os = &spec->observation_space, *as = &spec->action_space;
  char why[128] = "", buf[256];
  size_t ob = rlc_space_bytes(os);

  check(&c, space_valid(os, why, sizeof why), "observation space %s is valid %s", rlc_space_str(os, buf, sizeof buf), why);
  why[0] = 0;
  bool act_ok = space_valid(as, why, sizeof why) && (as->type != RLC_SPACE_BOX || as->dtype == RLC_F32);
  check(&c, act_ok, "action space %s is valid %s", rlc_space_str(as, buf, sizeof buf), why);

  // Reset: in the space, deterministic per seed, different across seeds (for envs with a random start).
  uint8_t obs_a[65536], obs_b[65536];
  if (ob > sizeof obs_a) {
    check(&c, true, "observation too large for the reset comparisons (%zu bytes); skipped", ob);
  } else {
    rlc_env_reset(env, seed, obs_a);
    check(&c, rlc_space_contains(os, obs_a) && obs_finite(os, obs_a), "reset(seed=%lld) observation is inside the observation space", (long long)seed);
    rlc_env_reset(env2, seed, obs_b);
    check(&c, memcmp(obs_a, obs_b, ob) == 0, "two envs reset with the same seed give the same observation");
    rlc_env_reset(env, RLC_NO_SEED, obs_b);
    check(&c, rlc_space_contains(os, obs_b), "reset() without a seed gives an observation inside the space");
  }

  // Steps: in the space, finite rewards, same seed and actions -> same steps.
  int steps = 2000, episodes = 0, over_limit = 0, bad_obs = 0, bad_reward = 0, trunc_wrong = 0;
  rlcRng act_rng;
  rlc_rng_seed(&act_rng, (uint64_t)seed + 7);
  rlc_env_reset(env, seed, NULL);
  int32_t action[RLC_SPACE_MAX_BOUNDS * 4];
  int steps_done = 0;
  for (int t = 0; t < steps; t++, steps_done++) {
    rlc_env_sample_action(env, &act_rng, action);
    double r;
    bool term, trunc;
    if (rlc_env_step(env, action, NULL, &r, &term, &trunc)) {
      char err[256];
      snprintf(err, sizeof err, "%s", rlc_last_error());
      check(&c, false, "step %d with a valid action failed: %s", t, err);
      break;
    }
    bad_obs += !rlc_space_contains(os, env->obs) || !obs_finite(os, env->obs);
    bad_reward += !isfinite(r);
    if (spec->max_episode_steps > 0) {
      over_limit += env->episode_length > spec->max_episode_steps;
      // Truncation comes exactly at the limit and only there.
      trunc_wrong += trunc != (env->episode_length == spec->max_episode_steps);
    }
    if (term || trunc) {
      episodes++;
      rlc_env_reset(env, RLC_NO_SEED, NULL);
    }
  }
  check(&c, bad_obs == 0 && steps_done == steps, "observations after %d random steps stay inside the space (%d outside)", steps, bad_obs);
  check(&c, bad_reward == 0, "rewards are finite (%d not)", bad_reward);
  if (spec->max_episode_steps > 0) {
    check(&c, over_limit == 0 && trunc_wrong == 0, "the time limit (%d steps) truncates exactly at its step (%d episodes)",
          spec->max_episode_steps, episodes);
  }
  // Truncation on demand: a 3-step limit must truncate at step 3 unless the
  // episode terminated first.
  char opt3[512];
  snprintf(opt3, sizeof opt3, "%s%smax_episode_steps=3", options ? options : "", options && *options ? "," : "");
  rlcEnv *env3 = NULL;
  if (rlc_env_create(id, opt3, &env3) == RLC_OK) {
    bool ok = rlc_env_reset(env3, seed, NULL) == RLC_OK, term = false, trunc = false;
    int t = 0;
    while (ok && !term && !trunc && t < 10) {
      rlc_env_sample_action(env3, &act_rng, action);
      ok = rlc_env_step(env3, action, NULL, NULL, &term, &trunc) == RLC_OK;
      t++;
    }
    check(&c, ok && (term ? t <= 3 : trunc && t == 3), "max_episode_steps=3 truncates at step 3 (terminated %d, truncated %d at step %d)", term, trunc, t);
    rlc_env_destroy(env3);
  }
  check(&c, trajectory_hash(env, seed, 500) == trajectory_hash(env2, seed, 500) &&
                trajectory_hash(env, seed, 500) != 0,
        "the same seed and actions give the same steps");

  check_copies(&c, env, env2, seed);

  // The vector env: the same numbers on any number of threads.
  uint64_t v1 = vector_hash(id, options, seed, 5, 1, 300), v2 = vector_hash(id, options, seed, 5, 2, 300);
  check(&c, v1 && v1 == v2, "the vector env (5 copies, 300 steps) gives identical results on 1 and 2 threads");

  // Order rules and bad actions.
  rlcEnv *fresh = NULL;
  if (rlc_env_create(id, options, &fresh) == RLC_OK) {
    check(&c, rlc_env_step(fresh, action, NULL, NULL, NULL, NULL) == RLC_ERR_STATE, "step() before reset() is an error");
    rlc_env_destroy(fresh);
  }
  rlc_env_reset(env, seed, NULL);
  if (as->type == RLC_SPACE_DISCRETE) {
    int32_t bad = as->start + as->n;
    check(&c, rlc_env_step(env, &bad, NULL, NULL, NULL, NULL) == RLC_ERR_ARG, "out-of-range action %d is rejected", bad);
    bad = as->start - 1;
    check(&c, rlc_env_step(env, &bad, NULL, NULL, NULL, NULL) == RLC_ERR_ARG, "out-of-range action %d is rejected", bad);
  } else if (as->type == RLC_SPACE_BOX && as->dtype == RLC_F32) {
    float nan_action[RLC_SPACE_MAX_BOUNDS * 4] = {0};
    nan_action[0] = NAN;
    check(&c, rlc_env_step(env, nan_action, NULL, NULL, NULL, NULL) == RLC_ERR_ARG, "a NaN action is rejected");
  }

  // Render.
  if (spec->render_width > 0 && spec->render_height > 0 && spec->cls->render) {
    size_t n = (size_t)spec->render_width * spec->render_height * 3;
    uint8_t *rgb = rlc_malloc(n);
    if (rgb) {
      memset(rgb, 0x5A, n);
      bool ok = rlc_env_render(env, NULL, rgb) == RLC_OK;
      bool varied = false;
      for (size_t i = 3; ok && i < n && !varied; i += 3) varied = memcmp(rgb, rgb + i, 3) != 0;
      check(&c, ok && varied, "render() draws a %dx%d frame", spec->render_width, spec->render_height);
      rlc_free(rgb);
    }
  } else {
    check(&c, false, "the env renders (every rlc env must)");
  }

  // Transition model: a distribution for every possible action.
  const rlcMdp *m = spec->mdp;
  if (m) {
    bool shape = os->type == RLC_SPACE_DISCRETE && os->n == m->n_states && as->type == RLC_SPACE_DISCRETE &&
                 as->n == m->n_actions;
    check(&c, shape, "the transition model has %d states x %d actions, like the spaces", m->n_states, m->n_actions);
    int bad_sum = 0, bad_next = 0;
    for (int st = 0; st < m->n_states; st++)
      for (int a = 0; a < m->n_actions; a++) {
        if (!m->valid[st * m->n_actions + a]) continue;
        double sum = 0;
        const rlcTransition *tr = rlc_mdp_entries(m, st, a);
        for (int k = 0; k < rlc_mdp_count(m, st, a); k++) {
          sum += tr[k].prob;
          bad_next += tr[k].next_state < 0 || tr[k].next_state >= m->n_states || !(tr[k].prob >= 0) || !isfinite(tr[k].reward);
        }
        bad_sum += fabs(sum - 1) > 1e-9;
      }
    check(&c, bad_sum == 0 && bad_next == 0, "P[s][a] is a probability distribution for every possible action (%d bad sums, %d bad entries)", bad_sum, bad_next);
  }

  // Close.
  rlc_env_close(env);
  rlc_env_close(env);
  check(&c, rlc_env_step(env, action, NULL, NULL, NULL, NULL) == RLC_ERR_STATE, "close() twice is safe and the env refuses steps after it");
  rlc_env_destroy(env);
  rlc_env_destroy(env2);
  *failed = c.failed;
  return RLC_OK;
}
