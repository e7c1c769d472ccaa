// registry.c: envs by Gymnasium id, and building a spec from an id and its
// options (the env's own, then the wrapper options every env accepts).
// Depends on: rlc/env.h, rlc/envs.h (the built-in list), wrappers.c.
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "envs/make.h"
#include "rlc/envs.h"

#define MAX_ENVS 256

static rlcEnvRegistration registry[MAX_ENVS];
static int n_registered;
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static int find(const char *id) {
  for (int i = 0; i < n_registered; i++)
    if (strcmp(registry[i].id, id) == 0) return i;
  return -1;
}

// The built-ins go in before anything else, so no user env can take their ids.
static void insert_builtin(void) {
  int n;
  const rlcEnvRegistration *b = envs_builtin(&n);
  for (int i = 0; i < n && n_registered < MAX_ENVS; i++) registry[n_registered++] = b[i];
}

static void ensure_builtin(void) { pthread_once(&builtin_once, insert_builtin); }

rlcStatus rlc_env_register(const rlcEnvRegistration *r) {
  if (!r || !r->id || !*r->id || !r->make) return rlc_error(RLC_ERR_ARG, "an env registration needs an id and a make function");
  if (strlen(r->id) >= sizeof(((rlcEnvSpec *)0)->id)) return rlc_error(RLC_ERR_ARG, "env id '%s' is too long", r->id);
  ensure_builtin();
  pthread_mutex_lock(&registry_lock);
  rlcStatus s = RLC_OK;
  if (find(r->id) >= 0) s = rlc_error(RLC_ERR_ARG, "env id '%s' is already registered", r->id);
  else if (n_registered == MAX_ENVS) s = rlc_error(RLC_ERR_NOMEM, "the env registry is full (%d envs)", MAX_ENVS);
  else registry[n_registered++] = *r;
  pthread_mutex_unlock(&registry_lock);
  return s;
}

int rlc_env_registry_count(void) {
  ensure_builtin();
  return n_registered;
}

const rlcEnvRegistration *rlc_env_registry_get(int i) {
  ensure_builtin();
  return i >= 0 && i < n_registered ? &registry[i] : NULL;
}

const rlcEnvRegistration *rlc_env_registry_find(const char *id) {
  ensure_builtin();
  int i = find(id);
  return i >= 0 ? &registry[i] : NULL;
}

static rlcStatus unknown_id(const char *id) {
  int best = -1, best_d = 1 << 30;
  for (int i = 0; i < n_registered; i++) {
    int dd = rlc_edit_distance(id, registry[i].id);
    if (dd < best_d) best_d = dd, best = i;
  }
  if (best >= 0 && best_d <= 3)
    return rlc_error(RLC_ERR_NOT_FOUND, "unknown env id '%s' (did you mean '%s'? `rlc list` shows all)", id, registry[best].id);
  return rlc_error(RLC_ERR_NOT_FOUND, "unknown env id '%s' (`rlc list` shows all)", id);
}

// The image options (rlc/env.h lists them).
typedef struct ImageOpts {
  bool pixels, atari, fire_reset, autofire, stack_last;
  int skip_start;
  double clip;
  rlcAtariDef ad;
} ImageOpts;

static rlcStatus image_opts(rlcOpts *o, ImageOpts *m) {
  memset(m, 0, sizeof *m);
  m->ad = rlc_atari_default_def();
  rlcStatus s = rlc_opts_bool(o, "pixels", false, &m->pixels);
  if (!s) s = rlc_opts_bool(o, "atari_preprocessing", false, &m->atari);
  if (!s && m->atari) {
    rlcAtariDef *a = &m->ad;
    s = rlc_opts_int(o, "noop_max", a->noop_max, &a->noop_max);
    if (!s) s = rlc_opts_int(o, "frame_skip", a->frame_skip, &a->frame_skip);
    if (!s) s = rlc_opts_int(o, "screen_size", a->screen_size, &a->screen_size);
    if (!s) s = rlc_opts_bool(o, "grayscale_obs", a->grayscale_obs, &a->grayscale_obs);
    if (!s) s = rlc_opts_bool(o, "grayscale_newaxis", a->grayscale_newaxis, &a->grayscale_newaxis);
    if (!s) s = rlc_opts_bool(o, "scale_obs", a->scale_obs, &a->scale_obs);
    if (!s) s = rlc_opts_bool(o, "terminal_on_life_loss", a->terminal_on_life_loss, &a->terminal_on_life_loss);
  }
  if (!s) s = rlc_opts_bool(o, "fire_reset", false, &m->fire_reset);
  if (!s) s = rlc_opts_bool(o, "autofire", false, &m->autofire);
  if (!s) s = rlc_opts_int(o, "skip_start", 0, &m->skip_start);
  if (!s) s = rlc_opts_double(o, "clip_reward", 0, &m->clip);
  const char *axis = s ? "first" : rlc_opts_str(o, "frame_stack_axis", "first");
  m->stack_last = !strcmp(axis, "last");
  if (!s && !m->stack_last && strcmp(axis, "first"))
    s = rlc_error(RLC_ERR_ARG, "frame_stack_axis=%s: first or last", axis);
  if (!s && (m->skip_start < 0 || m->skip_start > 100000))
    s = rlc_error(RLC_ERR_ARG, "skip_start=%d: must be in [0, 100000]", m->skip_start);
  if (!s && !(m->clip >= 0)) s = rlc_error(RLC_ERR_ARG, "clip_reward=%g: must be > 0 (0: off)", m->clip);
  return s;
}

static rlcStatus wrap_images_inner(rlcEnvSpec **spec, const ImageOpts *m) {
  rlcStatus s = RLC_OK;
  if (m->pixels && (s = rlc_wrap_pixels(*spec, spec))) return s;
  if (m->atari && (s = rlc_wrap_atari_preprocessing(*spec, &m->ad, spec))) return s;
  if ((m->fire_reset || m->autofire) && (s = rlc_wrap_start_actions(*spec, 1, 1, m->autofire, spec))) return s;
  if (m->skip_start > 0 && (s = rlc_wrap_start_actions(*spec, 0, m->skip_start, true, spec))) return s;
  return s;
}

rlcStatus rlc_env_spec_create(const char *id, const char *options, rlcEnvSpec **out) {
  *out = NULL;
  if (!id) return rlc_error(RLC_ERR_ARG, "env id is NULL");
  const rlcEnvRegistration *reg = rlc_env_registry_find(id);
  if (!reg) return unknown_id(id);

  // Registered defaults first, then the user's options replace them.
  rlcOpts opts, user;
  rlcStatus s = rlc_opts_parse(&opts, reg->default_options);
  if (!s) s = rlc_opts_parse(&user, options);
  for (int i = 0; !s && i < user.n; i++) s = rlc_opts_set(&opts, user.key[i], user.val[i]);
  int max_steps = 0, repeat = 1, stack = 1;
  if (!s) s = rlc_opts_int(&opts, "max_episode_steps", reg->max_episode_steps, &max_steps);
  if (!s) s = rlc_opts_int(&opts, "action_repeat", 1, &repeat);
  if (!s) s = rlc_opts_int(&opts, "frame_stack", 1, &stack);
  if (!s && max_steps < 0) s = rlc_error(RLC_ERR_ARG, "max_episode_steps=%d: must be >= 0 (0: no limit)", max_steps);
  if (!s && repeat < 1) s = rlc_error(RLC_ERR_ARG, "action_repeat=%d: must be >= 1", repeat);
  if (!s && (stack < 1 || stack > 64)) s = rlc_error(RLC_ERR_ARG, "frame_stack=%d: must be in [1, 64]", stack);
  ImageOpts img;
  if (!s) s = image_opts(&opts, &img);
  if (s) return s;

  rlcEnvSpec *spec = rlc_calloc(1, sizeof *spec);
  if (!spec) return RLC_ERR_NOMEM;
  snprintf(spec->id, sizeof spec->id, "%s", reg->id);
  spec->reward_threshold = reg->reward_threshold;
  s = reg->make(spec, &opts);
  if (!s) s = rlc_opts_check_unused(&opts, reg->id);
  if (!s && !spec->cls) s = rlc_error(RLC_ERR_ARG, "env '%s': make() set no class", id);
  if (s) {
    rlc_env_spec_destroy(spec);
    return s;
  }
  if (!spec->state_size) spec->state_size = spec->cls->state_size;
  const rlcEnvClass *c = spec->cls;
  int hooks = !!c->state_init + !!c->state_free + !!c->state_copy + !!c->state_put + !!c->state_get;
  if (hooks % 5) {
    rlc_env_spec_destroy(spec);
    return rlc_error(RLC_ERR_ARG, "env '%s': class %s sets %d of the 5 state hooks (init, free, copy, save, load): all or none",
                     id, c->name, hooks);
  }

  // Wrapper order: the image wrappers and repeat act on base steps, the time
  // limit counts the agent's steps, and the stack sees what the agent sees.
  if ((s = wrap_images_inner(&spec, &img))) return s;
  if (repeat > 1 && (s = rlc_wrap_action_repeat(spec, repeat, &spec))) return s;
  if (max_steps > 0 && (s = rlc_wrap_time_limit(spec, max_steps, &spec))) return s;
  if (img.clip > 0 && (s = rlc_wrap_clip_reward(spec, -img.clip, img.clip, &spec))) return s;
  if (stack > 1 && (s = (img.stack_last ? rlc_wrap_frame_stack_last : rlc_wrap_frame_stack)(spec, stack, &spec)))
    return s;
  *out = spec;
  return RLC_OK;
}

void rlc_env_spec_destroy(rlcEnvSpec *spec) {
  while (spec) {
    rlcEnvSpec *inner = spec->inner;
    if (spec->cls && spec->cls->free_cfg && spec->cfg) spec->cls->free_cfg(spec->cfg);
    if (!inner) rlc_mdp_destroy(spec->mdp);  // the innermost spec owns the model
    rlc_free(spec);
    spec = inner;
  }
}

const rlcEnvSpec *rlc_spec_unwrapped(const rlcEnvSpec *spec) {
  while (spec->inner) spec = spec->inner;
  return spec;
}
