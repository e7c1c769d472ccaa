// make.h: the make functions of the built-in envs (internal; builtin.c
// registers them).
#ifndef RLC_ENVS_MAKE_H
#define RLC_ENVS_MAKE_H
#include <math.h>
#include <stdbool.h>

#include "rlc/env.h"
#include "rlc/envs.h"

rlcStatus envs_make_cartpole(rlcEnvSpec *spec, rlcOpts *opts);
rlcStatus envs_make_gridworld(rlcEnvSpec *spec, rlcOpts *opts);
rlcStatus envs_make_three_state_mdp(rlcEnvSpec *spec, rlcOpts *opts);
rlcStatus envs_make_markov_chain(rlcEnvSpec *spec, rlcOpts *opts);
rlcStatus envs_make_mountaincar(rlcEnvSpec *spec, rlcOpts *opts);
rlcStatus envs_make_mountaincar_continuous(rlcEnvSpec *spec, rlcOpts *opts);
rlcStatus envs_make_acrobot(rlcEnvSpec *spec, rlcOpts *opts);
rlcStatus envs_make_pendulum(rlcEnvSpec *spec, rlcOpts *opts);

// MinAtar (minatar.c).
rlcStatus envs_make_minatar_asterix(rlcEnvSpec *spec, rlcOpts *opts);
rlcStatus envs_make_minatar_breakout(rlcEnvSpec *spec, rlcOpts *opts);
rlcStatus envs_make_minatar_freeway(rlcEnvSpec *spec, rlcOpts *opts);
rlcStatus envs_make_minatar_seaquest(rlcEnvSpec *spec, rlcOpts *opts);
rlcStatus envs_make_minatar_space_invaders(rlcEnvSpec *spec, rlcOpts *opts);

// Box2D (lunarlander.c).
rlcStatus envs_make_lunarlander(rlcEnvSpec *spec, rlcOpts *opts);

// The registration table of the built-ins (the registry inserts it first).
const rlcEnvRegistration *envs_builtin(int *count);

// A toy-text state read from a checkpoint: the cell within the observation
// space, the last action -1 or an action, an orientation 0..3.
static inline bool envs_toy_text_valid(const rlcEnvSpec *spec, const void *state) {
  const rlcToyTextState *st = state;
  return st->s >= 0 && st->s < spec->observation_space.n && st->last_action >= -1 &&
         st->last_action < spec->action_space.n && st->orientation >= 0 && st->orientation < 4;
}

// Toy text (frozenlake.c, cliffwalking.c, taxi.c, blackjack.c).
rlcStatus envs_make_frozenlake(rlcEnvSpec *spec, rlcOpts *opts);
rlcStatus envs_make_cliffwalking(rlcEnvSpec *spec, rlcOpts *opts);
rlcStatus envs_make_taxi(rlcEnvSpec *spec, rlcOpts *opts);
rlcStatus envs_make_blackjack(rlcEnvSpec *spec, rlcOpts *opts);

// pow(x, 2.0) exactly as libm computes it (numpy's x**2 of a float64), mostly
// without the call: the calls took a third of Acrobot's step time. hi = x*x is
// the correctly rounded square and lo = fma(x, x, -hi) its exact error.
// glibc's pow (e_pow.c, from Arm's optimized-routines) is within 0.509 ulp of
// the exact result from its exp (0.511 in the variant without FMA), plus
// |y log x| * 1.3 * 2^-68 * 2^53 ulp from its log (1.5 * 2^-68 without FMA),
// so within 0.5117 ulp when x*x lies in [2^-20, 2^20] (|y log x| <= 13.9).
// There, when |lo| <= 0.5 / C = 0.4854 ulp with C = 1.03, every double but hi
// is at least 0.5146 ulp from the exact square and pow returns hi. The test is
// that hi + C*lo rounds back to hi, which also measures lo in the smaller ulp
// below hi when hi is a power of two. About 97% of inputs pass; the rest (|lo|
// near half an ulp, where pow and x*x may differ, and squares outside the
// range) call pow, from exact.c, compiled without the pow builtin (GCC would
// turn pow(x, 2) into x * x).
double envs_pow2_call(double x) __attribute__((cold));

static inline double envs_pow2_libm(double x) {
  double hi = x * x;
  bool sure = (hi >= 0x1p-20) & (hi < 0x1p20) & (fma(fma(x, x, -hi), 1.03, hi) == hi);
  return __builtin_expect(sure, 1) ? hi : envs_pow2_call(x);
}

// rlc_rng_categorical when the running sums are precomputed (cum =
// np.cumsum(p), non-decreasing): the same index, found by bisection, for
// resets over many states (Taxi's 500, large random lakes).
static inline int rlc_categorical_sample_cum(rlcRng *rng, const double *cum, int n) {
  double u = rlc_rng_random(rng);
  if (!(cum[n - 1] > 0)) return n - 1;
  double bound = cum[n - 1] > u ? u : cum[n - 1];  // none above u: the last that adds mass
  bool strict = cum[n - 1] > u;
  int lo = 0, hi = n - 1;  // the answer lies in [lo, hi]
  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    if (strict ? cum[mid] > bound : cum[mid] >= bound) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

// The toy-text step: rlc_rng_categorical over the probabilities of P[s][a]
// (the env's model), returning the chosen entry.
// The running sums never decrease (probabilities are >= 0), so the entries
// whose sum is <= u form a prefix and their count is the first index past
// u: counted without branching on the random draw, which mispredicts.
static inline const rlcTransition *rlc_mdp_sample(const rlcMdp *m, int s, int a, rlcRng *rng) {
  const rlcTransition *e = rlc_mdp_entries(m, s, a);
  int n = rlc_mdp_count(m, s, a), k = 0;
  double u = rlc_rng_random(rng), c = 0.0;
  for (int i = 0; i < n; i++) {
    c += e[i].prob;
    k += c <= u;
  }
  if (k < n) return e + k;
  while (n > 1 && !(e[n - 1].prob > 0)) n--;  // rounding: as rlc_rng_categorical
  return e + n - 1;
}

#endif
