// test_env_hooks.c: env state lifecycle hooks (rlcEnvClass state_init/free/
// copy/put/get) on HeapWalk-v0, an env whose state owns heap memory:
// create and destroy through rlcEnv and rlcVecEnv (no leaks: a live count here,
// ASan under SANITIZE=1), copies independent of their source, save/load
// round trips that continue identically, garbage refused, the env checker,
// init failures unwound, half-set hooks refused. tests/test_run.c trains and
// resumes on it through the driver.
#include <stdatomic.h>
#include <stdlib.h>

#include "test.h"

//------------------------------------------------------------------------------
// HeapWalk-v0: a corridor of `cells` cells (start near the middle; an action
// slips to the other side with probability 0.2; the right end pays 1, either
// end terminates). The state owns a heap ring of its last `memory` positions
// and counts its own steps; both feed the observation, so a
// shallow copy or a lost field shows in the trajectory.
//------------------------------------------------------------------------------

typedef struct HeapCfg {
  int cells, memory;
  bool fail_init;  // option fail_init=true: state_init fails (tests the unwinding)
} HeapCfg;

typedef struct HeapState {
  int32_t pos, head, count;  // ring: the last `count` positions, the newest at head - 1
  int64_t steps;             // steps in this episode
  int32_t *ring;             // (memory), owned
} HeapState;

static atomic_int heap_live;  // rings allocated and not yet freed

static void heap_push(const HeapCfg *c, HeapState *s) {
  s->ring[s->head] = s->pos;
  s->head = (s->head + 1) % c->memory;
  if (s->count < c->memory) s->count++;
}

static void heap_obs(const HeapCfg *c, const HeapState *s, float *obs) {
  int visits = 0;
  for (int i = 0; i < s->count; i++) visits += s->ring[i] == s->pos;
  int32_t prev = s->count > 1 ? s->ring[(s->head + c->memory - 2) % c->memory] : s->pos;
  obs[0] = (float)s->pos / (float)(c->cells - 1);
  obs[1] = (float)visits / (float)c->memory;
  obs[2] = (float)(s->steps % 97) / 97.0f;
  obs[3] = (float)(prev == s->pos + 1);
}

static void heap_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  const HeapCfg *c = spec->cfg;
  HeapState *s = state;
  s->pos = c->cells / 2 + (int32_t)rlc_rng_integers(rng, -1, 2);
  s->head = s->count = 0;
  s->steps = 0;
  heap_push(c, s);
  heap_obs(c, s, obs);
}

static void heap_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action, void *obs,
                      double *reward, bool *terminated, bool *truncated) {
  const HeapCfg *c = spec->cfg;
  HeapState *s = state;
  int dir = *(const int32_t *)action ? 1 : -1;
  // Revisiting a cell often makes slipping likelier: the ring matters.
  int visits = 0;
  for (int i = 0; i < s->count; i++) visits += s->ring[i] == s->pos;
  if (rlc_rng_random(rng) < 0.1 + 0.05 * (visits > 2)) dir = -dir;
  s->pos += dir;
  s->steps++;
  heap_push(c, s);
  *terminated = s->pos == 0 || s->pos == c->cells - 1;
  *reward = s->pos == c->cells - 1 ? 1.0 : 0.0;
  heap_obs(c, s, obs);
}

static void heap_render(const rlcEnvSpec *spec, const void *state, const rlcRenderArgs *args, uint8_t *rgb) {
  const HeapCfg *c = spec->cfg;
  const HeapState *s = state;
  rlcCanvas *cv;
  if (rlc_canvas_begin(rgb, spec->render_width, spec->render_height, &cv)) return;
  double w = (double)spec->render_width / c->cells;
  rlc_canvas_clear(cv, 0xFFFFFF);
  rlc_canvas_fill_rect(cv, s->pos * w, 0, w, spec->render_height, 0x1E50E6);
  rlc_canvas_end(cv);
}

static rlcStatus heap_init(const rlcEnvSpec *spec, void *state) {
  const HeapCfg *c = spec->cfg;
  if (c->fail_init && atomic_load(&heap_live) >= 1) return rlc_error(RLC_ERR_NOMEM, "HeapWalk: init failed on purpose");
  HeapState *s = state;
  s->ring = rlc_calloc((size_t)c->memory, sizeof *s->ring);
  if (!s->ring) return RLC_ERR_NOMEM;
  atomic_fetch_add(&heap_live, 1);
  return RLC_OK;
}

static void heap_free(const rlcEnvSpec *spec, void *state) {
  HeapState *s = state;
  if (!s->ring) return;
  rlc_free(s->ring);
  s->ring = NULL;
  atomic_fetch_sub(&heap_live, 1);
}

static rlcStatus heap_copy(const rlcEnvSpec *spec, void *dst, const void *src) {
  const HeapCfg *c = spec->cfg;
  HeapState *d = dst;
  const HeapState *s = src;
  int32_t *ring = d->ring;  // keep dst's own buffer
  *d = *s;
  d->ring = ring;
  memcpy(d->ring, s->ring, (size_t)c->memory * sizeof *s->ring);
  return RLC_OK;
}

static void heap_put(const rlcEnvSpec *spec, const void *state, rlcBuf *b) {
  const HeapCfg *c = spec->cfg;
  const HeapState *s = state;
  int32_t head[4] = {c->memory, s->pos, s->head, s->count};
  rlc_buf_put(b, head, sizeof head);
  rlc_buf_put(b, &s->steps, sizeof s->steps);
  rlc_buf_put(b, s->ring, (size_t)c->memory * sizeof *s->ring);
}

// Reads into temporaries and checks every field before touching the state.
static rlcStatus heap_get(const rlcEnvSpec *spec, void *state, rlcBuf *b) {
  const HeapCfg *c = spec->cfg;
  HeapState *s = state;
  int32_t head[4];
  int64_t steps;
  rlcStatus st = rlc_buf_get(b, head, sizeof head);
  if (!st) st = rlc_buf_get(b, &steps, sizeof steps);
  if (st) return st;
  if (head[0] != c->memory || head[1] < 0 || head[1] >= c->cells || head[2] < 0 || head[2] >= c->memory ||
      head[3] < 0 || head[3] > c->memory || steps < 0)
    return rlc_error(RLC_ERR_FORMAT, "HeapWalk: saved state out of range");
  int32_t *ring = rlc_malloc((size_t)c->memory * sizeof *ring);
  if (!ring) return RLC_ERR_NOMEM;
  st = rlc_buf_get(b, ring, (size_t)c->memory * sizeof *ring);
  for (int i = 0; !st && i < c->memory; i++)
    if (ring[i] < 0 || ring[i] >= c->cells) st = rlc_error(RLC_ERR_FORMAT, "HeapWalk: saved position out of range");
  if (!st) {
    memcpy(s->ring, ring, (size_t)c->memory * sizeof *ring);
    s->pos = head[1], s->head = head[2], s->count = head[3], s->steps = steps;
  }
  rlc_free(ring);
  return st;
}

static const rlcEnvClass heap_class = {
    .name = "HeapWalk", .state_size = sizeof(HeapState), .reset = heap_reset, .step = heap_step,
    .render = heap_render, .free_cfg = free, .state_init = heap_init, .state_free = heap_free,
    .state_copy = heap_copy, .state_put = heap_put, .state_get = heap_get};

static rlcStatus heap_make(rlcEnvSpec *spec, rlcOpts *opts) {
  HeapCfg c;
  rlcStatus s = rlc_opts_int(opts, "cells", 9, &c.cells);
  if (!s) s = rlc_opts_int(opts, "memory", 16, &c.memory);
  if (!s) s = rlc_opts_bool(opts, "fail_init", false, &c.fail_init);
  if (s) return s;
  if (c.cells < 3 || c.memory < 1) return rlc_error(RLC_ERR_ARG, "HeapWalk: cells >= 3 and memory >= 1");
  HeapCfg *cfg = malloc(sizeof *cfg);
  if (!cfg) return RLC_ERR_NOMEM;
  *cfg = c;
  const float lo[4] = {0, 0, 0, 0}, hi[4] = {1, 1, 1, 1};
  spec->observation_space = rlc_space_box(4, lo, hi);
  spec->action_space = rlc_space_discrete(2);
  spec->render_width = 90;
  spec->render_height = 10;
  spec->render_fps = 10;
  spec->cls = &heap_class;
  spec->cfg = cfg;
  return RLC_OK;
}

void test_register_heap_walk(void) {
  static bool done;
  if (done) return;
  rlcEnvRegistration reg = {"HeapWalk-v0", heap_make, 50, 0.9, NULL, "test env whose state owns heap memory", NULL};
  CHECK_OK(rlc_env_register(&reg));
  done = true;
}

//------------------------------------------------------------------------------
// Tests
//------------------------------------------------------------------------------

// Hashes `steps` steps of a vector env of n copies on `threads` threads.
static uint64_t vec_run(int n, int threads, int steps) {
  rlcVecEnvDef d = rlc_vec_env_default_def();
  d.num_envs = n;
  d.num_threads = threads;
  rlcVecEnv *v;
  CHECK_OK(rlc_vec_env_create("HeapWalk-v0", NULL, &d, &v));
  if (!v) return 0;
  CHECK_EQ_INT(atomic_load(&heap_live), n);
  CHECK_OK(rlc_vec_env_reset(v, 5));
  rlcRng rng;
  rlc_rng_seed(&rng, 9);
  int32_t acts[8];
  uint64_t h = 1469598103934665603ull;
  for (int t = 0; t < steps; t++) {
    for (int i = 0; i < n; i++) acts[i] = (int32_t)rlc_rng_integers(&rng, 0, 2);
    CHECK_OK(rlc_vec_env_step(v, acts));
    const uint8_t *o = v->obs;
    for (size_t k = 0; k < n * v->obs_bytes; k++) h = (h ^ o[k]) * 1099511628211ull;
    for (int i = 0; i < n; i++) h = (h ^ (uint64_t)(v->terminated[i] * 2 + v->truncated[i])) * 1099511628211ull;
  }
  rlc_vec_env_destroy(v);
  return h;
}

TEST(env_hooks_create_destroy_env_and_vector) {
  test_register_heap_walk();
  rlcEnv *env;
  CHECK_OK(rlc_env_create("HeapWalk-v0", NULL, &env));
  CHECK_EQ_INT(atomic_load(&heap_live), 1);
  CHECK_OK(rlc_env_reset(env, 1, NULL));
  int32_t a = 1;
  for (int t = 0; t < 200; t++) {
    bool term, trunc;
    CHECK_OK(rlc_env_step(env, &a, NULL, NULL, &term, &trunc));
    if (term || trunc) CHECK_OK(rlc_env_reset(env, RLC_NO_SEED, NULL));
    a ^= t & 1;
  }
  rlc_env_destroy(env);
  CHECK_EQ_INT(atomic_load(&heap_live), 0);
  uint64_t h1 = vec_run(1, 1, 300);
  CHECK_EQ_INT(atomic_load(&heap_live), 0);
  uint64_t h5 = vec_run(5, 1, 300), h5t = vec_run(5, 2, 300);
  CHECK_EQ_INT(atomic_load(&heap_live), 0);
  CHECK(h1 && h5 && h5 == h5t);
}

static void save(rlcEnv *env, rlcBuf *b) {
  memset(b, 0, sizeof *b);
  rlc_env_state_put(env->spec, env->state, b);
  CHECK_OK(b->err);
}

// Steps env `steps` times with actions from an rng seeded `seed`; hashes the observations.
static uint64_t play(rlcEnv *env, uint64_t seed, int steps) {
  rlcRng rng;
  rlc_rng_seed(&rng, seed);
  uint64_t h = 1469598103934665603ull;
  for (int t = 0; t < steps; t++) {
    int32_t a = (int32_t)rlc_rng_integers(&rng, 0, 2);
    bool term = false, trunc = false;
    CHECK_OK(rlc_env_step(env, &a, NULL, NULL, &term, &trunc));
    for (int k = 0; k < 4; k++) h = (h ^ (uint64_t)(((float *)env->obs)[k] * 1e6f)) * 1099511628211ull;
    if (term || trunc) CHECK_OK(rlc_env_reset(env, RLC_NO_SEED, NULL));
  }
  return h;
}

TEST(env_hooks_copy_is_independent) {
  test_register_heap_walk();
  rlcEnv *a, *b, *c;
  CHECK_OK(rlc_env_create("HeapWalk-v0", NULL, &a));
  CHECK_OK(rlc_env_create("HeapWalk-v0", NULL, &b));
  CHECK_OK(rlc_env_create("HeapWalk-v0", NULL, &c));
  CHECK_OK(rlc_env_reset(a, 3, NULL));
  play(a, 1, 30);
  CHECK_OK(rlc_env_reset(b, 4, NULL));
  CHECK_OK(rlc_env_copy(b, a));
  CHECK(((HeapState *)rlc_env_unwrapped_state(b))->ring != ((HeapState *)rlc_env_unwrapped_state(a))->ring);
  // Stepping the copy leaves the source unchanged, and the other way round.
  rlcBuf before, after;
  save(a, &before);
  play(b, 2, 40);
  save(a, &after);
  CHECK(before.len == after.len && !memcmp(before.data, after.data, before.len));
  rlc_buf_free(&after);
  CHECK_OK(rlc_env_copy(c, a));
  play(a, 2, 40);
  save(c, &after);
  CHECK(before.len == after.len && !memcmp(before.data, after.data, before.len));
  // Both continue alike from equal states.
  CHECK_OK(rlc_env_copy(c, a));
  CHECK(play(a, 8, 300) == play(c, 8, 300));
  // Different envs are refused.
  rlcEnv *cp;
  CHECK_OK(rlc_env_create("CartPole-v1", NULL, &cp));
  CHECK_ERR(rlc_env_copy(cp, a), RLC_ERR_ARG);
  rlc_env_destroy(cp);
  rlc_buf_free(&before);
  rlc_buf_free(&after);
  rlc_env_destroy(a);
  rlc_env_destroy(b);
  rlc_env_destroy(c);
  CHECK_EQ_INT(atomic_load(&heap_live), 0);
}

TEST(env_hooks_save_load_round_trip_and_garbage) {
  test_register_heap_walk();
  rlcEnv *a, *b;
  CHECK_OK(rlc_env_create("HeapWalk-v0", "max_episode_steps=30", &a));
  CHECK_OK(rlc_env_create("HeapWalk-v0", "max_episode_steps=30", &b));
  CHECK_OK(rlc_env_reset(a, 11, NULL));
  play(a, 3, 45);
  rlcBuf buf;
  save(a, &buf);
  CHECK(buf.len == 24 + 16 + 16 + 8 + 16 * 4);  // tag and size, the time limit's block, the hook's bytes
  rlcRng rng = a->rng;
  float obs[4];
  memcpy(obs, a->obs, sizeof obs);
  uint64_t ha = play(a, 4, 300);
  CHECK_OK(rlc_env_reset(b, 99, NULL));
  play(b, 5, 17);
  CHECK_OK(rlc_env_state_get(b->spec, b->state, &buf));
  CHECK_EQ_INT(buf.pos, buf.len);
  b->rng = rng;
  memcpy(b->obs, obs, sizeof obs);
  CHECK(play(b, 4, 300) == ha);

  // Garbage: another tag, another state size, a wrong memory size,
  // out-of-range fields, truncation. Each is refused and leaves b usable.
  enum { H = 24 + 16 };  // the hook's bytes start here
  struct { size_t at; int32_t val; } bad[] = {{0, 0x41}, {16, 99}, {H, 7}, {H + 4, -1}, {H + 4, 9}, {H + 8, 16},
                                              {H + 12, 17}, {H + 24 + 4 * 3, 123}};
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    rlcBuf g = {.data = rlc_malloc(buf.len), .len = buf.len};
    memcpy(g.data, buf.data, buf.len);
    memcpy(g.data + bad[k].at, &bad[k].val, 4);
    CHECK_MSG(rlc_env_state_get(b->spec, b->state, &g) == RLC_ERR_FORMAT, "garbage %zu accepted", k);
    rlc_free(g.data);
  }
  for (size_t n = 0; n < buf.len; n += 7) {
    rlcBuf g = {.data = buf.data, .len = n};
    CHECK_ERR(rlc_env_state_get(b->spec, b->state, &g), RLC_ERR_FORMAT);
  }
  play(b, 6, 100);
  rlc_buf_free(&buf);
  rlc_env_destroy(a);
  rlc_env_destroy(b);
  CHECK_EQ_INT(atomic_load(&heap_live), 0);
}

static void count_fail(bool ok, const char *what, void *user) {
  if (!ok) {
    ++*(int *)user;
    printf("  check failed: %s\n", what);
  }
}

TEST(env_hooks_env_checker_passes) {
  test_register_heap_walk();
  int failed = -1, reported = 0;
  CHECK_OK(rlc_env_check("HeapWalk-v0", NULL, 0, count_fail, &reported, &failed));
  CHECK_EQ_INT(failed, 0);
  CHECK_OK(rlc_env_check("HeapWalk-v0", "frame_stack=3,action_repeat=2", 4, count_fail, &reported, &failed));
  CHECK_EQ_INT(failed, 0);
  CHECK_EQ_INT(atomic_load(&heap_live), 0);
}

TEST(env_hooks_init_failure_unwinds) {
  test_register_heap_walk();
  // fail_init fails every init after the first live ring: the second env, or
  // the second copy of a vector env (the first must be freed).
  rlcEnv *a, *b = NULL;
  CHECK_OK(rlc_env_create("HeapWalk-v0", "fail_init=true", &a));
  CHECK_ERR(rlc_env_create("HeapWalk-v0", "fail_init=true", &b), RLC_ERR_NOMEM);
  CHECK(b == NULL);
  rlc_env_destroy(a);
  rlcVecEnvDef d = rlc_vec_env_default_def();
  d.num_envs = 3;
  rlcVecEnv *v = NULL;
  CHECK_ERR(rlc_vec_env_create("HeapWalk-v0", "fail_init=true", &d, &v), RLC_ERR_NOMEM);
  CHECK(v == NULL);
  CHECK_EQ_INT(atomic_load(&heap_live), 0);
}

static void half_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) { *(int32_t *)obs = 0; }
static void half_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action, void *obs,
                      double *reward, bool *terminated, bool *truncated) {
  *(int32_t *)obs = 0;
  *reward = 0;
  *terminated = true;
}
static const rlcEnvClass half_class = {.name = "HalfHooks", .state_size = sizeof(HeapState), .reset = half_reset,
                                       .step = half_step, .state_init = heap_init, .state_free = heap_free};
static rlcStatus half_make(rlcEnvSpec *spec, rlcOpts *opts) {
  spec->observation_space = rlc_space_discrete(1);
  spec->action_space = rlc_space_discrete(1);
  spec->cls = &half_class;
  return RLC_OK;
}

TEST(env_hooks_half_set_refused) {
  static bool done;
  if (!done) {
    rlcEnvRegistration reg = {"HalfHooks-v0", half_make, 0, NAN, NULL, "test: two of five hooks", NULL};
    CHECK_OK(rlc_env_register(&reg));
    done = true;
  }
  rlcEnv *env = NULL;
  CHECK_ERR(rlc_env_create("HalfHooks-v0", NULL, &env), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "all or none"));
}

TEST(env_hooks_plain_state_functions) {
  // Plain data: the state functions are memset/memcpy/bytes, through wrappers.
  rlcEnv *a, *b;
  CHECK_OK(rlc_env_create("CartPole-v1", "frame_stack=2", &a));
  CHECK_OK(rlc_env_create("CartPole-v1", "frame_stack=2", &b));
  CHECK(rlc_env_state_is_plain(a->spec));
  CHECK_OK(rlc_env_reset(a, 1, NULL));
  CHECK_OK(rlc_env_state_copy(b->spec, b->state, a->state));
  CHECK(!memcmp(a->state, b->state, a->spec->state_size));
  rlcBuf buf = {0};
  rlc_env_state_put(a->spec, a->state, &buf);
  CHECK_EQ_INT(buf.len, 24 + a->spec->state_size);
  CHECK_OK(rlc_env_state_init(b->spec, b->state));
  CHECK_OK(rlc_env_state_get(b->spec, b->state, &buf));
  CHECK(!memcmp(a->state, b->state, a->spec->state_size));
  rlc_buf_free(&buf);
  rlc_env_destroy(a);
  rlc_env_destroy(b);
  test_register_heap_walk();
  rlcEnvSpec *spec;
  CHECK_OK(rlc_env_spec_create("HeapWalk-v0", NULL, &spec));
  CHECK(!rlc_env_state_is_plain(spec));
  rlc_env_spec_destroy(spec);
}
