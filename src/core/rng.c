// rng.c: numpy-exact random numbers: SeedSequence -> PCG64 -> Generator draws
// (as Gymnasium's reset(seed)), and the legacy MT19937 RandomState (as MinAtar).
// Depends on: rlc/core.h, libm (sqrt, log), gcc's unsigned __int128.
#include <math.h>

#include "rlc/core.h"

typedef unsigned __int128 u128;

//------------------------------------------------------------------------------
// SeedSequence (numpy/random/bit_generator.pyx, pool_size 4)
//------------------------------------------------------------------------------

#define SS_POOL 4
#define SS_INIT_A 0x43b0d7e5u
#define SS_MULT_A 0x931e8875u
#define SS_INIT_B 0x8b51f9ddu
#define SS_MULT_B 0x58f38dedu
#define SS_MIX_MULT_L 0xca01f9ddu
#define SS_MIX_MULT_R 0x4973f715u
#define SS_XSHIFT 16

static uint32_t ss_hashmix(uint32_t value, uint32_t *hash_const) {
  value ^= *hash_const;
  *hash_const *= SS_MULT_A;
  value *= *hash_const;
  value ^= value >> SS_XSHIFT;
  return value;
}

static uint32_t ss_mix(uint32_t x, uint32_t y) {
  uint32_t r = SS_MIX_MULT_L * x - SS_MIX_MULT_R * y;
  return r ^ (r >> SS_XSHIFT);
}

// numpy's _int_to_uint32_array: little-endian 32-bit words; 0 is one word [0].
static int int_to_words(uint64_t v, uint32_t *w) {
  if (v >> 32) {
    w[0] = (uint32_t)v;
    w[1] = (uint32_t)(v >> 32);
    return 2;
  }
  w[0] = (uint32_t)v;
  return 1;
}

// SeedSequence(entropy words).generate_state(n, uint64): mix_entropy into the
// pool, then hash the pool cyclically into 2n 32-bit words (low word first).
static void ss_generate(const uint32_t *ent, int n_ent, uint64_t *out, int n) {
  uint32_t pool[SS_POOL];
  uint32_t hc = SS_INIT_A;
  for (int i = 0; i < SS_POOL; i++) pool[i] = ss_hashmix(i < n_ent ? ent[i] : 0, &hc);
  for (int src = 0; src < SS_POOL; src++)
    for (int dst = 0; dst < SS_POOL; dst++)
      if (src != dst) pool[dst] = ss_mix(pool[dst], ss_hashmix(pool[src], &hc));
  for (int src = SS_POOL; src < n_ent; src++)
    for (int dst = 0; dst < SS_POOL; dst++)
      pool[dst] = ss_mix(pool[dst], ss_hashmix(ent[src], &hc));

  uint32_t hb = SS_INIT_B;
  for (int i = 0; i < 2 * n; i++) {
    uint32_t v = pool[i % SS_POOL];
    v ^= hb;
    hb *= SS_MULT_B;
    v *= hb;
    v ^= v >> SS_XSHIFT;
    // .view(uint64) on little-endian: even word is the low half.
    if (i % 2 == 0)
      out[i / 2] = v;
    else
      out[i / 2] |= (uint64_t)v << 32;
  }
}

void rlc_seed_sequence(uint64_t *out, int n, uint64_t seed) {
  if (!out || n <= 0) return;
  uint32_t w[2];
  ss_generate(w, int_to_words(seed, w), out, n);
}

//------------------------------------------------------------------------------
// PCG64 (pcg_setseq_128, XSL-RR 128/64), as numpy's PCG64
//------------------------------------------------------------------------------

#define PCG_MULT (((u128)0x2360ed051fc65da4ULL << 64) | 0x4385df649fccf645ULL)

static u128 rng_state(const rlcRng *r) { return ((u128)r->state_hi << 64) | r->state_lo; }
static u128 rng_inc(const rlcRng *r) { return ((u128)r->inc_hi << 64) | r->inc_lo; }
static void rng_set_state(rlcRng *r, u128 s) {
  r->state_hi = (uint64_t)(s >> 64);
  r->state_lo = (uint64_t)s;
}

// numpy's pcg64_set_seed from generate_state(4, uint64): s0,s1 = initstate
// (high, low), s2,s3 = initseq; then pcg_setseq_128_srandom_r.
static void rng_seed_words(rlcRng *rng, const uint64_t s[4]) {
  u128 initstate = ((u128)s[0] << 64) | s[1];
  u128 initseq = ((u128)s[2] << 64) | s[3];
  u128 inc = (initseq << 1) | 1u;
  u128 st = 0;
  st = st * PCG_MULT + inc;
  st += initstate;
  st = st * PCG_MULT + inc;
  rng_set_state(rng, st);
  rng->inc_hi = (uint64_t)(inc >> 64);
  rng->inc_lo = (uint64_t)inc;
  rng->uinteger = 0;
  rng->has_uint32 = 0;
}

void rlc_rng_seed(rlcRng *rng, uint64_t seed) {
  uint64_t s[4];
  rlc_seed_sequence(s, 4, seed);
  rng_seed_words(rng, s);
}

// Child streams are numpy's spawned children: SeedSequence(root,
// spawn_key=(child,)), i.e. SeedSequence(root).spawn(child + 1)[child]. Its
// entropy is root's words zero-padded to the pool size, then child's words, so
// it always has >= 5 words and never coincides with SeedSequence(root).
void rlc_rng_seed_child(rlcRng *rng, uint64_t root_seed, uint64_t child) {
  uint32_t ent[SS_POOL + 2] = {0};
  int_to_words(root_seed, ent);  // 1 or 2 words; the rest of the pool stays 0
  int nc = int_to_words(child, ent + SS_POOL);
  uint64_t s[4];
  ss_generate(ent, SS_POOL + nc, s, 4);
  rng_seed_words(rng, s);
}

// Advance first, then output from the new state (pcg_setseq_128_xsl_rr_64_random_r).
uint64_t rlc_rng_next64(rlcRng *rng) {
  u128 st = rng_state(rng) * PCG_MULT + rng_inc(rng);
  rng_set_state(rng, st);
  uint64_t hi = (uint64_t)(st >> 64), lo = (uint64_t)st;
  uint64_t x = hi ^ lo;
  unsigned rot = (unsigned)(hi >> 58);
  return (x >> rot) | (x << ((64u - rot) & 63u));
}

// numpy's pcg64_next32: the low half now, the high half on the next call.
uint32_t rlc_rng_next32(rlcRng *rng) {
  if (rng->has_uint32) {
    rng->has_uint32 = 0;
    return rng->uinteger;
  }
  uint64_t v = rlc_rng_next64(rng);
  rng->has_uint32 = 1;
  rng->uinteger = (uint32_t)(v >> 32);
  return (uint32_t)v;
}

double rlc_rng_random(rlcRng *rng) {
  return (double)(rlc_rng_next64(rng) >> 11) * (1.0 / 9007199254740992.0);
}

double rlc_rng_uniform(rlcRng *rng, double lo, double hi) {
  return lo + (hi - lo) * rlc_rng_random(rng);
}

// numpy's buffered_bounded_lemire_uint32: value in [0, rng], rng < 2^32-1.
static uint32_t lemire32(rlcRng *r, uint32_t rng) {
  const uint32_t excl = rng + 1;
  uint64_t m = (uint64_t)rlc_rng_next32(r) * excl;
  uint32_t leftover = (uint32_t)m;
  if (leftover < excl) {
    const uint32_t threshold = (uint32_t)(UINT32_MAX - rng) % excl;
    while (leftover < threshold) {
      m = (uint64_t)rlc_rng_next32(r) * excl;
      leftover = (uint32_t)m;
    }
  }
  return (uint32_t)(m >> 32);
}

// numpy's bounded_lemire_uint64: value in [0, rng], rng < 2^64-1 (no caching).
static uint64_t lemire64(rlcRng *r, uint64_t rng) {
  const uint64_t excl = rng + 1;
  u128 m = (u128)rlc_rng_next64(r) * excl;
  uint64_t leftover = (uint64_t)m;
  if (leftover < excl) {
    const uint64_t threshold = (UINT64_MAX - rng) % excl;
    while (leftover < threshold) {
      m = (u128)rlc_rng_next64(r) * excl;
      leftover = (uint64_t)m;
    }
  }
  return (uint64_t)(m >> 64);
}

// Generator.integers(lo, hi) with int64 dtype: random_bounded_uint64_fill with
// off = lo, rng = hi - 1 - lo (unsigned, so any int64 pair works).
int64_t rlc_rng_integers(rlcRng *rng, int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;  // numpy raises; the header promises lo without drawing
  uint64_t range = (uint64_t)hi - (uint64_t)lo - 1u;
  uint64_t v;
  if (range == 0)
    return lo;
  else if (range < 0xFFFFFFFFull)
    v = lemire32(rng, (uint32_t)range);
  else if (range == 0xFFFFFFFFull)
    v = rlc_rng_next32(rng);  // the full 32-bit range: a raw cached half
  else if (range == UINT64_MAX)
    v = rlc_rng_next64(rng);
  else
    v = lemire64(rng, range);
  return (int64_t)((uint64_t)lo + v);
}

// Marsaglia polar method; the second variate is dropped because rlcRng has no
// slot to cache it (keeps the struct plain and the draw count simple).
double rlc_rng_normal(rlcRng *rng) {
  for (;;) {
    double u = 2.0 * rlc_rng_random(rng) - 1.0;
    double v = 2.0 * rlc_rng_random(rng) - 1.0;
    double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * sqrt(-2.0 * log(s) / s);
  }
}

// Gymnasium's categorical_sample: np.cumsum is a sequential double sum, so the
// running sum here rounds exactly as numpy's does.
int rlc_rng_categorical(rlcRng *rng, const double *p, int n) {
  double u = rlc_rng_random(rng);
  double c = 0.0;
  int last = n - 1;
  for (int i = 0; i < n; i++) {
    if (!(p[i] > 0)) continue;  // adds nothing: cannot be the first sum above u
    c += p[i];
    last = i;
    if (c > u) return i;
  }
  return last;
}

int rlc_rng_softmax(rlcRng *rng, const float *logits, int n) {
  double mx = logits[0], sum = 0.0, pr[64];
  for (int j = 1; j < n; j++) mx = logits[j] > mx ? logits[j] : mx;
  if (n <= 64) {
    for (int j = 0; j < n; j++) sum += pr[j] = exp(logits[j] - mx);
    for (int j = 0; j < n; j++) pr[j] /= sum;
    return rlc_rng_categorical(rng, pr, n);
  }
  // Inverse CDF over the unnormalized weights, without a buffer.
  for (int j = 0; j < n; j++) sum += exp(logits[j] - mx);
  double u = rlc_rng_random(rng) * sum, c = 0.0;
  for (int j = 0; j < n; j++)
    if ((c += exp(logits[j] - mx)) > u) return j;
  return n - 1;
}

//------------------------------------------------------------------------------
// MT19937: numpy's legacy RandomState
//------------------------------------------------------------------------------

#define MT_N 624
#define MT_M 397
#define MT_MATRIX_A 0x9908b0dfu
#define MT_UPPER 0x80000000u
#define MT_LOWER 0x7fffffffu

// init_genrand(seed): RandomState(seed) for 0 <= seed < 2^32 (not SeedSequence).
void rlc_mt_seed(rlcMt19937 *mt, uint32_t seed) {
  mt->key[0] = seed;
  for (int i = 1; i < MT_N; i++)
    mt->key[i] = 1812433253u * (mt->key[i - 1] ^ (mt->key[i - 1] >> 30)) + (uint32_t)i;
  mt->pos = MT_N;
}

static void mt_twist(rlcMt19937 *mt) {
  uint32_t *k = mt->key;
  int i;
  for (i = 0; i < MT_N - MT_M; i++) {
    uint32_t y = (k[i] & MT_UPPER) | (k[i + 1] & MT_LOWER);
    k[i] = k[i + MT_M] ^ (y >> 1) ^ (-(y & 1u) & MT_MATRIX_A);
  }
  for (; i < MT_N - 1; i++) {
    uint32_t y = (k[i] & MT_UPPER) | (k[i + 1] & MT_LOWER);
    k[i] = k[i + (MT_M - MT_N)] ^ (y >> 1) ^ (-(y & 1u) & MT_MATRIX_A);
  }
  uint32_t y = (k[MT_N - 1] & MT_UPPER) | (k[0] & MT_LOWER);
  k[MT_N - 1] = k[MT_M - 1] ^ (y >> 1) ^ (-(y & 1u) & MT_MATRIX_A);
  mt->pos = 0;
}

uint32_t rlc_mt_next32(rlcMt19937 *mt) {
  // Unsigned compare also catches a corrupt negative pos: twist and start over.
  if ((unsigned)mt->pos >= MT_N) mt_twist(mt);
  uint32_t y = mt->key[mt->pos++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}

double rlc_mt_rand(rlcMt19937 *mt) {
  uint32_t a = rlc_mt_next32(mt) >> 5;  // drawn in this order: a first, then b
  uint32_t b = rlc_mt_next32(mt) >> 6;
  return (a * 67108864.0 + b) / 9007199254740992.0;
}

// RandomState.randint(lo, hi): random_bounded_uint64_fill with use_masked.
// Ranges within 32 bits draw raw 32-bit outputs; wider ones draw 64-bit values
// built as numpy's mt19937_next64 does (first output is the high half).
int64_t rlc_mt_randint(rlcMt19937 *mt, int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;  // numpy raises; never draw on an empty range
  uint64_t range = (uint64_t)hi - (uint64_t)lo - 1u;
  if (range == 0) return lo;
  uint64_t mask = range;
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  mask |= mask >> 32;
  uint64_t v;
  if (range <= 0xFFFFFFFFull) {
    do v = rlc_mt_next32(mt) & mask; while (v > range);
  } else {
    do {
      uint64_t h = rlc_mt_next32(mt);
      v = ((h << 32) | rlc_mt_next32(mt)) & mask;
    } while (v > range);
  }
  return (int64_t)((uint64_t)lo + v);
}

// A generator read from a file: PCG64's increment is odd by construction
// (an even one can give a stream stuck on one value, and samplers that
// reject draws would wait forever).
rlcStatus rlc_rng_state_get(rlcRng *rng, rlcBuf *b) {
  rlcRng r;
  rlcStatus s = rlc_buf_get(b, &r, sizeof r);
  if (s) return s;
  if (!(r.inc_lo & 1) || (r.has_uint32 != 0 && r.has_uint32 != 1))
    return rlc_error(RLC_ERR_FORMAT, "corrupted random generator state");
  *rng = r;
  return RLC_OK;
}

bool rlc_rng_valid(const rlcRng *r) { return (r->inc_lo & 1) && (r->has_uint32 == 0 || r->has_uint32 == 1); }
