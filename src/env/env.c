// env.c: one environment instance: reset/step with Gymnasium's seeding and
// order rules, built-in episode statistics, render, close.
// Depends on: rlc/env.h.
#include <string.h>

#include "rlc/env.h"

rlcStatus rlc_env_create_from_spec(rlcEnvSpec *spec, rlcEnv **out) {
  *out = NULL;
  if (!spec) return rlc_error(RLC_ERR_ARG, "spec is NULL");
  rlcEnv *env = rlc_calloc(1, sizeof *env);
  void *state = rlc_malloc(spec->state_size ? spec->state_size : 1);
  rlcStatus s = env && state ? rlc_env_state_init(spec, state) : RLC_ERR_NOMEM;
  if (!s) {
    env->spec = spec;
    env->state = state;  // initialized: from here on destroy frees it
    env->obs = rlc_calloc(1, rlc_space_bytes(&spec->observation_space));
    if (!env->obs) s = RLC_ERR_NOMEM;
  } else {
    rlc_free(state);
  }
  if (s) {
    if (env) env->spec = NULL;
    rlc_env_destroy(env);
    rlc_env_spec_destroy(spec);
    return s;
  }
  *out = env;
  return RLC_OK;
}

rlcStatus rlc_env_create(const char *id, const char *options, rlcEnv **out) {
  rlcEnvSpec *spec;
  *out = NULL;
  rlcStatus s = rlc_env_spec_create(id, options, &spec);
  return s ? s : rlc_env_create_from_spec(spec, out);
}

void rlc_env_destroy(rlcEnv *env) {
  if (!env) return;
  if (env->state) rlc_env_state_free(env->spec, env->state);
  rlc_env_spec_destroy(env->spec);
  rlc_free(env->state);
  rlc_free(env->obs);
  rlc_free(env);
}

void rlc_env_close(rlcEnv *env) {
  if (env) env->closed = true;
}

rlcStatus rlc_env_reset(rlcEnv *env, int64_t seed, void *obs) {
  if (!env) return rlc_error(RLC_ERR_ARG, "env is NULL");
  if (env->closed) return rlc_error(RLC_ERR_STATE, "reset() on a closed env");
  if (seed < RLC_NO_SEED) return rlc_error(RLC_ERR_ARG, "seed must be >= 0, got %lld", (long long)seed);
  const rlcEnvSpec *spec = env->spec;
  if (seed >= 0 || !env->seeded) {
    uint64_t s = seed >= 0 ? (uint64_t)seed : rlc_entropy_seed();
    rlc_rng_seed(&env->rng, s);
    rlc_env_seed_state(spec, env->state, s);
    env->seeded = true;
  }
  spec->cls->reset(spec, env->state, &env->rng, env->obs);
  if (obs) memcpy(obs, env->obs, rlc_space_bytes(&spec->observation_space));
  env->in_episode = true;
  env->episode_return = 0;
  env->episode_length = 0;
  return RLC_OK;
}

rlcStatus rlc_env_step(rlcEnv *env, const void *action, void *obs, double *reward,
                       bool *terminated, bool *truncated) {
  if (!env) return rlc_error(RLC_ERR_ARG, "env is NULL");
  if (env->closed) return rlc_error(RLC_ERR_STATE, "step() on a closed env");
  if (!env->in_episode)
    return rlc_error(RLC_ERR_STATE, "step() %s: call reset() first",
                     env->seeded ? "after the episode ended" : "before reset()");
  const rlcEnvSpec *spec = env->spec;
  rlcStatus s = rlc_space_check_action(&spec->action_space, action);
  if (!s && spec->mdp && !spec->mdp->all_valid)
    s = rlc_mdp_check_action(spec->mdp, env->obs, *(const int32_t *)action);
  if (s) return s;
  double r = 0;
  bool term = false, trunc = false;
  spec->cls->step(spec, env->state, &env->rng, action, env->obs, &r, &term, &trunc);
  env->episode_return += r;
  env->episode_length++;
  env->in_episode = !(term || trunc);
  if (obs) memcpy(obs, env->obs, rlc_space_bytes(&spec->observation_space));
  if (reward) *reward = r;
  if (terminated) *terminated = term;
  if (truncated) *truncated = trunc;
  return RLC_OK;
}

rlcStatus rlc_env_render(rlcEnv *env, const rlcRenderArgs *args, uint8_t *rgb) {
  if (!env || !rgb) return rlc_error(RLC_ERR_ARG, "render() needs an env and a buffer");
  if (env->closed) return rlc_error(RLC_ERR_STATE, "render() on a closed env");
  const rlcEnvSpec *spec = env->spec;
  if (!spec->cls->render || spec->render_width <= 0 || spec->render_height <= 0)
    return rlc_error(RLC_ERR_UNSUPPORTED, "env '%s' does not render", spec->id);
  if (!env->seeded) return rlc_error(RLC_ERR_STATE, "render() before reset()");
  static const rlcRenderArgs none = {0};
  spec->cls->render(spec, env->state, args ? args : &none, rgb);
  return RLC_OK;
}

rlcStatus rlc_env_heuristic(const rlcEnv *env, const void *obs, void *action) {
  if (!rlc_spec_unwrapped(env->spec)->cls->heuristic)
    return rlc_error(RLC_ERR_UNSUPPORTED, "env '%s' has no heuristic policy (try --policy random)", env->spec->id);
  env->spec->cls->heuristic(env->spec, obs, action);
  return RLC_OK;
}

void *rlc_env_unwrapped_state(rlcEnv *env) {
  char *state = env->state;
  for (const rlcEnvSpec *s = env->spec; s->inner; s = s->inner) state += s->inner_offset;
  return state;
}

rlcStatus rlc_env_copy(rlcEnv *dst, const rlcEnv *src) {
  if (!dst || !src) return rlc_error(RLC_ERR_ARG, "env is NULL");
  if (dst == src) return RLC_OK;
  const rlcEnvSpec *a = dst->spec, *b = src->spec;
  for (; a && b; a = a->inner, b = b->inner)
    if (a->cls != b->cls || a->state_size != b->state_size) break;
  if (a || b || strcmp(dst->spec->id, src->spec->id))
    return rlc_error(RLC_ERR_ARG, "env copy: '%s' and '%s' are not built alike", src->spec->id, dst->spec->id);
  rlcStatus s = rlc_env_state_copy(dst->spec, dst->state, src->state);
  if (s) return s;
  memcpy(dst->obs, src->obs, rlc_space_bytes(&src->spec->observation_space));
  dst->rng = src->rng;
  dst->seeded = src->seeded;
  dst->in_episode = src->in_episode;
  dst->closed = src->closed;
  dst->episode_return = src->episode_return;
  dst->episode_length = src->episode_length;
  return RLC_OK;
}

rlcStatus rlc_env_action_mask(const rlcEnv *env, bool *mask) {
  const rlcSpace *as = &env->spec->action_space;
  if (as->type != RLC_SPACE_DISCRETE) return rlc_error(RLC_ERR_UNSUPPORTED, "action masks need a Discrete action space");
  const rlcMdp *m = env->spec->mdp;
  for (int a = 0; a < as->n; a++) {
    int s = *(const int32_t *)env->obs;
    mask[a] = !m || m->all_valid || m->valid[s * m->n_actions + a];
  }
  return RLC_OK;
}

void rlc_env_sample_action(const rlcEnv *env, rlcRng *rng, void *action) {
  const rlcSpace *as = &env->spec->action_space;
  const rlcMdp *m = env->spec->mdp;
  if (as->type != RLC_SPACE_DISCRETE || !m || m->all_valid) {
    rlc_space_sample(as, rng, action);
    return;
  }
  const bool *valid = m->valid + *(const int32_t *)env->obs * m->n_actions;
  int n = 0;
  for (int a = 0; a < as->n; a++) n += valid[a];
  int k = (int)rlc_rng_integers(rng, 0, n);
  for (int a = 0; a < as->n; a++)
    if (valid[a] && k-- == 0) *(int32_t *)action = a + as->start;
}
