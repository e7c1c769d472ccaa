// vector.c: N copies of one env stepped together into contiguous arrays, with
// same-step autoreset that keeps each finished episode's last observation.
// Optional worker threads split the copies into fixed contiguous slices, and
// each copy has its own RNG, so results never depend on the thread count.
// Depends on: rlc/env.h, pthreads.
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "env/wrappers.h"
#include "rlc/env.h"

rlcVecEnvDef rlc_vec_env_default_def(void) { return (rlcVecEnvDef){.num_envs = 1, .num_threads = 1}; }

//------------------------------------------------------------------------------
// Stepping a slice of copies
//------------------------------------------------------------------------------

static void reset_slice(rlcVecEnv *v, int lo, int hi) {
  const rlcEnvSpec *spec = v->spec;
  for (int i = lo; i < hi; i++) {
    spec->cls->reset(spec, v->states + (size_t)i * v->state_bytes, &v->rngs[i],
                     (char *)v->obs + (size_t)i * v->obs_bytes);
    v->episode_return[i] = 0;
    v->episode_length[i] = 0;
    v->reward[i] = 0;
    v->terminated[i] = v->truncated[i] = false;
  }
}

// A finished copy starts its next episode (out of the hot path below).
static __attribute__((noinline)) void autoreset(rlcVecEnv *v, int i) {
  const rlcEnvSpec *spec = v->spec;
  char *state = v->states + (size_t)i * v->state_bytes;
  void *obs = (char *)v->obs + (size_t)i * v->obs_bytes;
  memcpy((char *)v->final_obs + (size_t)i * v->obs_bytes, obs, v->obs_bytes);
  v->final_return[i] = v->episode_return[i];
  v->final_length[i] = v->episode_length[i];
  v->episode_return[i] = 0;
  v->episode_length[i] = 0;
  if (v->autoreset_seed >= 0) {
    rlc_rng_seed(&v->rngs[i], (uint64_t)v->autoreset_seed + (uint64_t)i);
    rlc_env_seed_state(spec, state, (uint64_t)v->autoreset_seed + (uint64_t)i);
  }
  spec->cls->reset(spec, state, &v->rngs[i], obs);
}

// The hot path. Every instruction counts here: a CartPole step is a chain of
// dependent float operations, and the CPU overlaps consecutive steps only when
// the instructions of two steps fit in its reorder window. So the time limit
// (the outermost wrapper of almost every env) is applied inline, exactly as
// its class does, instead of through one more call.
static inline __attribute__((always_inline)) void step_copy(rlcVecEnv *v, const void *actions, int i) {
  // Few values live across the env's call: the rest is reloaded after it.
  const rlcEnvSpec *spec = v->spec;
  char *state = v->states + (size_t)i * v->state_bytes;
  void *obs = (char *)v->obs + (size_t)i * v->obs_bytes;
  const void *act = (const char *)actions + (size_t)i * v->act_bytes;
  bool term = false, trunc = false;
  double r = 0;
  if (spec->cls == &wrap_time_limit_class) {
    const rlcEnvSpec *in = spec->inner;
    in->cls->step(in, state + spec->inner_offset, &v->rngs[i], act, obs, &r, &term, &trunc);
    if (wrap_time_limit_tick(v->spec, v->states + (size_t)i * v->state_bytes)) trunc = true;
  } else {
    spec->cls->step(spec, state, &v->rngs[i], act, obs, &r, &term, &trunc);
  }
  v->reward[i] = r;
  v->terminated[i] = term;
  v->truncated[i] = trunc;
  v->episode_return[i] += r;
  v->episode_length[i]++;
  if (term || trunc) autoreset(v, i);
}

static void step_slice(rlcVecEnv *v, const void *actions, int lo, int hi) {
  for (int i = lo; i < hi; i++) step_copy(v, actions, i);
}

//------------------------------------------------------------------------------
// Worker pool. A job is cut into slices that anyone takes from a shared
// ticket (the caller included), so a worker that is descheduled or asleep
// delays nothing: the caller steps the slices nobody took. Each copy has its
// own state and RNG, so who steps a slice never changes a result. Workers
// spin briefly on the job's generation, then sleep on a condition variable.
// Batches too small to pay for a hand-over are not split at all.
//------------------------------------------------------------------------------

enum { JOB_STEP, JOB_RESET, JOB_QUIT };
#define SPIN_LIMIT 256     // ~ten microseconds of pause, then sleep (workers) or yield (caller)
#define MIN_SLICE 32       // copies per slice: fewer are stepped by the caller alone

struct rlcVecWorkers {
  int n;                          // worker threads (num_threads - 1)
  int parts;                      // slices per job: min(num_threads, num_envs / MIN_SLICE)
  pthread_t *threads;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  _Atomic uint64_t generation;    // bumped for every job
  _Atomic uint64_t ticket;        // generation << 16 | next slice to take
  _Atomic int done;               // slices finished in this job
  _Atomic int sleepers;           // workers blocked on `wake`
  int job;
  const void *actions;
  rlcVecEnv *v;
};

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

static void slice_bounds(int num_envs, int parts, int k, int *lo, int *hi) {
  *lo = (int)((int64_t)num_envs * k / parts);
  *hi = (int)((int64_t)num_envs * (k + 1) / parts);
}

// Takes and runs slices of job `gen` until none is left; the job's fields
// are read after a slice is taken, so they belong to that job.
static void take_slices(rlcVecWorkers *w, uint64_t gen) {
  uint64_t t = atomic_load(&w->ticket);
  while (t >> 16 == (gen & 0xffffffffffffULL) && (int)(t & 0xffff) < w->parts) {
    if (!atomic_compare_exchange_weak(&w->ticket, &t, t + 1)) continue;
    int lo, hi, k = (int)(t & 0xffff);
    slice_bounds(w->v->num_envs, w->parts, k, &lo, &hi);
    if (w->job == JOB_STEP) step_slice(w->v, w->actions, lo, hi);
    else reset_slice(w->v, lo, hi);
    atomic_fetch_add(&w->done, 1);
    t = atomic_load(&w->ticket);
  }
}

static void *worker_main(void *p) {
  rlcVecWorkers *w = p;
  uint64_t seen = 0;
  for (;;) {
    int spins = 0;
    while (atomic_load(&w->generation) == seen && ++spins < SPIN_LIMIT) cpu_relax();
    if (atomic_load(&w->generation) == seen) {
      // Sleep. The dispatcher bumps the generation before it reads `sleepers`,
      // and we count ourselves before we read the generation, so no wake is lost.
      pthread_mutex_lock(&w->lock);
      atomic_fetch_add(&w->sleepers, 1);
      while (atomic_load(&w->generation) == seen) pthread_cond_wait(&w->wake, &w->lock);
      atomic_fetch_sub(&w->sleepers, 1);
      pthread_mutex_unlock(&w->lock);
    }
    seen = atomic_load(&w->generation);
    if (w->job == JOB_QUIT) return NULL;
    take_slices(w, seen);
  }
}

static void post(rlcVecWorkers *w, int job, const void *actions) {
  w->job = job;
  w->actions = actions;
  atomic_store(&w->done, 0);
  uint64_t gen = atomic_load(&w->generation) + 1;
  atomic_store(&w->ticket, (gen & 0xffffffffffffULL) << 16);
  atomic_store(&w->generation, gen);  // publishes job, actions and the ticket
  if (atomic_load(&w->sleepers) > 0) {
    pthread_mutex_lock(&w->lock);
    pthread_cond_broadcast(&w->wake);
    pthread_mutex_unlock(&w->lock);
  }
}

static void dispatch(rlcVecEnv *v, int job, const void *actions) {
  rlcVecWorkers *w = v->workers;
  if (!w || w->parts < 2) {
    if (job == JOB_STEP) step_slice(v, actions, 0, v->num_envs);
    else reset_slice(v, 0, v->num_envs);
    return;
  }
  post(w, job, actions);
  take_slices(w, atomic_load(&w->generation));
  // Only slices a worker is running remain; one preempted mid-slice gets the core back.
  for (int spins = 0; atomic_load(&w->done) < w->parts; spins++) {
    if (spins < SPIN_LIMIT) cpu_relax();
    else sched_yield();
  }
}

static void workers_stop(rlcVecWorkers *w, int started) {
  post(w, JOB_QUIT, NULL);
  for (int i = 0; i < started; i++) pthread_join(w->threads[i], NULL);
  pthread_mutex_destroy(&w->lock);
  pthread_cond_destroy(&w->wake);
  rlc_free(w->threads);
  rlc_free(w);
}

static rlcStatus workers_start(rlcVecEnv *v, int n) {
  rlcVecWorkers *w = rlc_calloc(1, sizeof *w);
  if (!w) return RLC_ERR_NOMEM;
  w->threads = rlc_calloc(n, sizeof *w->threads);
  if (!w->threads) {
    rlc_free(w);
    return RLC_ERR_NOMEM;
  }
  w->n = n;
  w->v = v;
  int parts = v->num_envs / MIN_SLICE;
  w->parts = parts < 1 ? 1 : parts > n + 1 ? n + 1 : parts;
  pthread_mutex_init(&w->lock, NULL);
  pthread_cond_init(&w->wake, NULL);
  for (int i = 0; i < n; i++)
    if (pthread_create(&w->threads[i], NULL, worker_main, w)) {
      workers_stop(w, i);
      return rlc_error(RLC_ERR_NOMEM, "could not start worker thread %d", i + 1);
    }
  v->workers = w;
  return RLC_OK;
}

//------------------------------------------------------------------------------
// Public API
//------------------------------------------------------------------------------

rlcStatus rlc_vec_env_create_from_spec(rlcEnvSpec *spec, const rlcVecEnvDef *def,
                                       rlcVecEnv **out) {
  *out = NULL;
  rlcVecEnvDef d = def ? *def : rlc_vec_env_default_def();
  if (!spec) return rlc_error(RLC_ERR_ARG, "spec is NULL");
  if (d.num_envs < 1 || d.num_envs > (1 << 24) || d.num_threads < 1 || d.num_threads > 256) {
    rlc_env_spec_destroy(spec);
    return rlc_error(RLC_ERR_ARG, "num_envs must be in [1, 2^24] and num_threads in [1, 256], got %d and %d",
                     d.num_envs, d.num_threads);
  }
  if (d.num_threads > d.num_envs) d.num_threads = d.num_envs;
  char what[96];
  snprintf(what, sizeof what, "%d copies of %.63s", d.num_envs, spec->id);
  size_t ob = rlc_space_bytes(&spec->observation_space), sb = (spec->state_size + 15) & ~(size_t)15;
  rlcStatus ms = rlc_memory_check((double)d.num_envs * (2.0 * ob + sb + sizeof(rlcRng) + 40), what);
  if (ms) {
    rlc_env_spec_destroy(spec);
    return ms;
  }
  rlcVecEnv *v = rlc_calloc(1, sizeof *v);
  if (!v) {
    rlc_env_spec_destroy(spec);
    return RLC_ERR_NOMEM;
  }
  int n = d.num_envs;
  v->spec = spec;
  v->num_envs = n;
  v->autoreset_seed = RLC_NO_SEED;
  v->obs_bytes = rlc_space_bytes(&spec->observation_space);
  v->act_bytes = rlc_space_bytes(&spec->action_space);
  v->state_bytes = (spec->state_size + 15) & ~(size_t)15;  // each copy 16-byte aligned
  v->obs = rlc_calloc(n, v->obs_bytes);
  v->final_obs = rlc_calloc(n, v->obs_bytes);
  v->reward = rlc_calloc(n, sizeof *v->reward);
  v->terminated = rlc_calloc(n, sizeof *v->terminated);
  v->truncated = rlc_calloc(n, sizeof *v->truncated);
  v->final_return = rlc_calloc(n, sizeof *v->final_return);
  v->final_length = rlc_calloc(n, sizeof *v->final_length);
  v->states = rlc_calloc(n, v->state_bytes ? v->state_bytes : 16);  // padding zeroed too
  v->rngs = rlc_calloc(n, sizeof *v->rngs);
  v->episode_return = rlc_calloc(n, sizeof *v->episode_return);
  v->episode_length = rlc_calloc(n, sizeof *v->episode_length);
  if (!v->obs || !v->final_obs || !v->reward || !v->terminated || !v->truncated ||
      !v->final_return || !v->final_length || !v->states || !v->rngs || !v->episode_return ||
      !v->episode_length) {
    v->num_envs = 0;  // no state initialized yet
    rlc_vec_env_destroy(v);
    return RLC_ERR_NOMEM;
  }
  for (int i = 0; i < n; i++) {
    rlcStatus s = rlc_env_state_init(spec, v->states + (size_t)i * v->state_bytes);
    if (s) {
      v->num_envs = i;  // destroy frees the copies made so far
      rlc_vec_env_destroy(v);
      return s;
    }
  }
  if (d.num_threads > 1) {
    rlcStatus s = workers_start(v, d.num_threads - 1);
    if (s) {
      rlc_vec_env_destroy(v);
      return s;
    }
  }
  *out = v;
  return RLC_OK;
}

rlcStatus rlc_vec_env_create(const char *id, const char *options, const rlcVecEnvDef *def,
                             rlcVecEnv **out) {
  rlcEnvSpec *spec;
  *out = NULL;
  rlcStatus s = rlc_env_spec_create(id, options, &spec);
  return s ? s : rlc_vec_env_create_from_spec(spec, def, out);
}

void rlc_vec_env_destroy(rlcVecEnv *v) {
  if (!v) return;
  if (v->workers) workers_stop(v->workers, v->workers->n);
  if (v->states)
    for (int i = 0; i < v->num_envs; i++) rlc_env_state_free(v->spec, v->states + (size_t)i * v->state_bytes);
  rlc_env_spec_destroy(v->spec);
  rlc_free(v->obs);
  rlc_free(v->final_obs);
  rlc_free(v->reward);
  rlc_free(v->terminated);
  rlc_free(v->truncated);
  rlc_free(v->final_return);
  rlc_free(v->final_length);
  rlc_free(v->states);
  rlc_free(v->rngs);
  rlc_free(v->episode_return);
  rlc_free(v->episode_length);
  rlc_free(v);
}

rlcStatus rlc_vec_env_reset(rlcVecEnv *v, int64_t seed) {
  if (!v) return rlc_error(RLC_ERR_ARG, "vector env is NULL");
  if (seed < RLC_NO_SEED) return rlc_error(RLC_ERR_ARG, "seed must be >= 0, got %lld", (long long)seed);
  if (seed >= 0 || !v->seeded) {
    uint64_t base = seed >= 0 ? (uint64_t)seed : rlc_entropy_seed();
    for (int i = 0; i < v->num_envs; i++) {
      rlc_rng_seed(&v->rngs[i], base + (uint64_t)i);
      rlc_env_seed_state(v->spec, v->states + (size_t)i * v->state_bytes, base + (uint64_t)i);
    }
    v->seeded = true;
  }
  dispatch(v, JOB_RESET, NULL);
  return RLC_OK;
}

// The error paths of a step, out of the way of the hot path.
static __attribute__((noinline, cold)) rlcStatus step_error(rlcVecEnv *v, const void *actions) {
  if (!v || !actions) return rlc_error(RLC_ERR_ARG, "step() needs a vector env and actions");
  if (!v->seeded) return rlc_error(RLC_ERR_STATE, "step() before reset(): call rlc_vec_env_reset first");
  const rlcSpace *as = &v->spec->action_space;
  for (int i = 0; i < v->num_envs; i++) {
    rlcStatus s = rlc_space_check_action(as, (const char *)actions + (size_t)i * v->act_bytes);
    if (s && as->type == RLC_SPACE_DISCRETE) {
      int32_t a = ((const int32_t *)actions)[i];
      return rlc_error(RLC_ERR_ARG, "action %d of env %d is out of range: the action space is Discrete(%d)", a, i,
                       as->n);
    }
    if (s) {
      char why[256];
      snprintf(why, sizeof why, "%s", rlc_last_error());
      return rlc_error(s, "env %d: %s", i, why);
    }
  }
  return rlc_error(RLC_ERR_ARG, "step(): invalid actions");
}

// Checks actions beyond their range (masks, boxes): a loop of calls, kept
// out of the hot path.
static __attribute__((noinline)) rlcStatus check_actions_slow(rlcVecEnv *v, const void *actions) {
  const rlcSpace *as = &v->spec->action_space;
  const rlcMdp *m = v->spec->mdp;
  for (int i = 0; i < v->num_envs; i++) {
    if (as->type != RLC_SPACE_DISCRETE) {
      if (rlc_space_check_action(as, (const char *)actions + (size_t)i * v->act_bytes)) return step_error(v, actions);
    } else {
      const int32_t a = ((const int32_t *)actions)[i];
      rlcStatus s = rlc_mdp_check_action(m, (const char *)v->obs + (size_t)i * v->obs_bytes, a);
      if (s) return s;
    }
  }
  return RLC_OK;
}

rlcStatus rlc_vec_env_step(rlcVecEnv *v, const void *actions) {
  if (!v || !actions || !v->seeded) return step_error(v, actions);
  // Check every action before any copy moves, so an error leaves all unchanged.
  // Discrete range checks are one unsigned compare each: a - start wraps
  // around for actions below start.
  const rlcEnvSpec *spec = v->spec;
  const rlcSpace *as = &spec->action_space;
  const int n = v->num_envs;
  const bool discrete = as->type == RLC_SPACE_DISCRETE;
  if (discrete) {
    const uint32_t *a = actions, lo = (uint32_t)as->start, k = (uint32_t)as->n;
    if (n == 1) {
      if (*a - lo >= k) return step_error(v, actions);
    } else {
      bool bad = false;
      for (int i = 0; i < n; i++) bad |= a[i] - lo >= k;
      if (bad) return step_error(v, actions);
    }
  }
  if (!discrete || (spec->mdp && !spec->mdp->all_valid)) {
    rlcStatus s = check_actions_slow(v, actions);
    if (s) return s;
  }
  if (v->workers) dispatch(v, JOB_STEP, actions);
  else if (n == 1) step_copy(v, actions, 0);  // inlined for the common single copy
  else step_slice(v, actions, 0, n);
  v->total_steps += n;
  return RLC_OK;
}
