// pool.c: the threads a training update's kernels split their work over
// (rlcPool, nn.h). Workers are started once; a job is cut into `parts`
// slices that anyone takes from a shared ticket, the caller included, so a
// worker that is descheduled or asleep delays nothing: the caller runs the
// slices nobody took. Workers run each slice in the caller's floating-point
// mode (denormals flushed or not), so who runs a slice never changes a bit.
// Between jobs a worker spins (yielding now and then, so that a core it
// shares is not held) for SPIN_NS, then sleeps on a condition variable: an
// update's jobs come microseconds apart, and an env step between two updates
// takes less than the spin.
// Depends on: rlc/nn.h, gemm.h (the fp-mode helpers), pthreads.
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

#include "rlc/nn.h"
#include "gemm.h"

#define POOL_MAX 64
#define SPIN_NS 300000     // a worker spins this long for the next job, then sleeps
#define YIELD_EVERY 512    // pauses between sched_yield calls while spinning
#define CALLER_SPINS 4096  // pauses the caller spins for the last slice, then it yields

struct rlcPool {
  int threads;                    // the caller and threads - 1 workers
  int started;                    // workers running
  pthread_t tid[POOL_MAX];
  pthread_mutex_t lock;
  pthread_cond_t wake;
  _Atomic uint64_t generation;    // bumped for every job
  // gen (32 bits) << 32 | parts << 16 | next slice: the job's slices are
  // taken by compare-and-swap on the whole word, so a thread still holding
  // an old job's ticket can take nothing from the next.
  _Atomic uint64_t ticket;
  _Atomic int done;               // slices finished in this job
  _Atomic int sleepers;           // workers blocked on `wake`
  _Atomic bool quit;
  bool busy;                      // a job is running (a part that runs another job runs it alone)
  void (*fn)(void *arg, int part, int parts);
  void *arg;
  uint64_t fp_mode;               // the caller's floating-point control word
};

static _Thread_local rlcPool *current;

rlcPool *rlc_pool_use(rlcPool *pool) {
  rlcPool *old = current;
  current = pool;
  return old;
}

rlcPool *nn_pool_current(void) { return current; }

int rlc_pool_threads(const rlcPool *pool) { return pool ? pool->threads : 1; }

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ volatile("yield");
#endif
}

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

// Takes and runs slices of job `gen` until none is left. The job's fields
// are read after a slice is taken: they belong to that job, which cannot end
// (nor the next be posted) before this slice is counted done.
static void take_slices(rlcPool *p, uint64_t gen, uint64_t *mode) {
  uint64_t t = atomic_load(&p->ticket);
  while ((t >> 32) == (gen & 0xffffffffu) && (int)(t & 0xffff) < (int)((t >> 16) & 0xffff)) {
    if (!atomic_compare_exchange_weak(&p->ticket, &t, t + 1)) continue;
    if (p->fp_mode != *mode) nn_fp_mode_set(*mode = p->fp_mode);
    p->fn(p->arg, (int)(t & 0xffff), (int)((t >> 16) & 0xffff));
    atomic_fetch_add(&p->done, 1);
    t = atomic_load(&p->ticket);
  }
}

static void wait_job(rlcPool *p, uint64_t seen) {
  int64_t t0 = now_ns();
  for (int spins = 1; atomic_load(&p->generation) == seen; spins++) {
    cpu_relax();
    if (spins % YIELD_EVERY) continue;
    if (now_ns() - t0 > SPIN_NS) break;
    sched_yield();
  }
  if (atomic_load(&p->generation) != seen) return;
  // Sleep. The caller bumps the generation before it reads `sleepers`, and
  // we count ourselves before we read the generation, so no wake is lost.
  pthread_mutex_lock(&p->lock);
  atomic_fetch_add(&p->sleepers, 1);
  while (atomic_load(&p->generation) == seen) pthread_cond_wait(&p->wake, &p->lock);
  atomic_fetch_sub(&p->sleepers, 1);
  pthread_mutex_unlock(&p->lock);
}

static void *worker_main(void *arg) {
  rlcPool *p = arg;
  uint64_t seen = 0, mode = nn_fp_mode_get();
  for (;;) {
    wait_job(p, seen);
    seen = atomic_load(&p->generation);
    if (atomic_load(&p->quit)) return NULL;
    take_slices(p, seen, &mode);
  }
}

static void post(rlcPool *p, uint64_t ticket_bits) {
  atomic_store(&p->done, 0);
  uint64_t gen = atomic_load(&p->generation) + 1;
  atomic_store(&p->ticket, (gen & 0xffffffffu) << 32 | ticket_bits);
  atomic_store(&p->generation, gen);  // publishes fn, arg, fp_mode and the ticket
  if (atomic_load(&p->sleepers) > 0) {
    pthread_mutex_lock(&p->lock);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
  }
}

void rlc_pool_run(rlcPool *pool, void (*fn)(void *arg, int part, int parts), void *arg, int parts) {
  if (parts < 1) return;
  if (!pool || pool->started == 0 || parts < 2 || parts > 0xffff || pool->busy) {
    for (int k = 0; k < parts; k++) fn(arg, k, parts);
    return;
  }
  pool->busy = true;
  pool->fn = fn;
  pool->arg = arg;
  uint64_t mode = nn_fp_mode_get();
  pool->fp_mode = mode;
  post(pool, (uint64_t)parts << 16);
  take_slices(pool, atomic_load(&pool->generation), &mode);
  // Only slices a worker is running remain; one preempted mid-slice gets the core back.
  for (int spins = 0; atomic_load(&pool->done) < parts; spins++) {
    if (spins < CALLER_SPINS) cpu_relax();
    else sched_yield();
  }
  pool->busy = false;
}

void rlc_pool_destroy(rlcPool *pool) {
  if (!pool) return;
  if (current == pool) current = NULL;
  atomic_store(&pool->quit, true);
  post(pool, 0);
  for (int i = 0; i < pool->started; i++) pthread_join(pool->tid[i], NULL);
  pthread_mutex_destroy(&pool->lock);
  pthread_cond_destroy(&pool->wake);
  rlc_free(pool);
}

rlcStatus rlc_pool_create(int threads, rlcPool **out) {
  if (!out) return rlc_error(RLC_ERR_ARG, "pool: out is NULL");
  *out = NULL;
  if (threads < 1 || threads > POOL_MAX)
    return rlc_error(RLC_ERR_ARG, "pool: threads=%d outside [1, %d]", threads, POOL_MAX);
  rlcPool *p = rlc_calloc(1, sizeof *p);
  if (!p) return RLC_ERR_NOMEM;
  p->threads = threads;
  pthread_mutex_init(&p->lock, NULL);
  pthread_cond_init(&p->wake, NULL);
  for (int i = 0; i < threads - 1; i++) {
    if (pthread_create(&p->tid[i], NULL, worker_main, p)) {
      rlc_pool_destroy(p);
      return rlc_error(RLC_ERR_NOMEM, "pool: could not start worker thread %d", i + 1);
    }
    p->started++;
  }
  *out = p;
  return RLC_OK;
}
