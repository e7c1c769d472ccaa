// test_rng.c: rlcRng (SeedSequence/PCG64/Generator) and rlcMt19937 (legacy
// RandomState) against numpy's vectors in reference/gymnasium_seeding.txt and
// reference/numpy_randomstate_mt19937.txt, plus properties of the extra draws.
#include <inttypes.h>
#include <stdlib.h>

#include "test.h"

//------------------------------------------------------------------------------
// Reference file reading
//------------------------------------------------------------------------------

#define MAX_TOK 512

typedef struct RefFile {
  FILE *f;
  char line[4096];
  char *tok[MAX_TOK];
  int ntok;
} RefFile;

// Opens a reference file; a missing file is a failed check, never a silent pass.
static bool ref_open(RefFile *r, const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", test_reference_dir(), name);
  r->f = fopen(path, "r");
  CHECK_MSG(r->f != NULL, "cannot open reference file %s (set RLC_REFERENCE_DIR)", path);
  return r->f != NULL;
}

// Next data record (comments skipped), split on spaces; false at end of file.
static bool ref_next(RefFile *r) {
  while (fgets(r->line, sizeof r->line, r->f)) {
    if (r->line[0] == '#' || r->line[0] == '\n') continue;
    r->ntok = 0;
    for (char *save = NULL, *t = strtok_r(r->line, " \n", &save); t && r->ntok < MAX_TOK;
         t = strtok_r(NULL, " \n", &save))
      r->tok[r->ntok++] = t;
    if (r->ntok > 0) return true;
  }
  fclose(r->f);
  r->f = NULL;
  return false;
}

static uint64_t tok_u64(const char *s) { return strtoull(s, NULL, 10); }
static int64_t tok_i64(const char *s) { return strtoll(s, NULL, 10); }

// "0x..." of up to 32 hex digits (Python's hex(), leading zeros dropped).
static void tok_hex128(const char *s, uint64_t *hi, uint64_t *lo) {
  *hi = *lo = 0;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
  for (; *s; s++) {
    int d = *s >= '0' && *s <= '9' ? *s - '0' : (*s | 32) - 'a' + 10;
    *hi = (*hi << 4) | (*lo >> 60);
    *lo = (*lo << 4) | (uint64_t)d;
  }
}

// Record counts per type, so an empty or truncated file cannot pass.
static int type_index(const char *types, const char *t) {
  const char *p = t[0] && t[1] == '\0' ? strchr(types, t[0]) : NULL;
  return p ? (int)(p - types) : -1;
}

//------------------------------------------------------------------------------
// gymnasium_seeding.txt: W, P, X, U, C for 22 seeds
//------------------------------------------------------------------------------

TEST(rng_gymnasium_seeding_reference) {
  RefFile r;
  if (!ref_open(&r, "gymnasium_seeding.txt")) return;
  static const int deck[13] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 10};
  const char *types = "WPXUC";
  int counts[5] = {0};
  while (ref_next(&r)) {
    int k = type_index(types, r.tok[0]);
    CHECK_MSG(k >= 0, "unknown record type '%s'", r.tok[0]);
    if (k < 0) continue;
    counts[k]++;
    uint64_t seed = tok_u64(r.tok[1]);
    rlcRng rng;
    rlc_rng_seed(&rng, seed);
    switch (r.tok[0][0]) {
      case 'W': {
        CHECK_EQ_INT(r.ntok, 6);
        uint64_t w[4];
        rlc_seed_sequence(w, 4, seed);
        for (int i = 0; i < 4 && i + 2 < r.ntok; i++)
          CHECK_MSG(w[i] == tok_u64(r.tok[2 + i]), "W seed %" PRIu64 " word %d: %" PRIu64 " != %s",
                    seed, i, w[i], r.tok[2 + i]);
        break;
      }
      case 'P': {
        CHECK_EQ_INT(r.ntok, 4);
        uint64_t shi, slo, ihi, ilo;
        tok_hex128(r.tok[2], &shi, &slo);
        tok_hex128(r.tok[3], &ihi, &ilo);
        CHECK_MSG(rng.state_hi == shi && rng.state_lo == slo, "P seed %" PRIu64 ": state %016" PRIx64
                  "%016" PRIx64 " != %s", seed, rng.state_hi, rng.state_lo, r.tok[2]);
        CHECK_MSG(rng.inc_hi == ihi && rng.inc_lo == ilo, "P seed %" PRIu64 ": inc %016" PRIx64
                  "%016" PRIx64 " != %s", seed, rng.inc_hi, rng.inc_lo, r.tok[3]);
        CHECK_EQ_INT(rng.has_uint32, 0);
        break;
      }
      case 'X': {
        int n = atoi(r.tok[2]);
        CHECK_EQ_INT(r.ntok, 3 + n);
        for (int i = 0; i < n && 3 + i < r.ntok; i++) {
          uint64_t v = rlc_rng_next64(&rng);
          CHECK_MSG(v == tok_u64(r.tok[3 + i]), "X seed %" PRIu64 " draw %d: %" PRIu64 " != %s",
                    seed, i, v, r.tok[3 + i]);
        }
        break;
      }
      case 'U': {
        int n = atoi(r.tok[2]);
        CHECK_EQ_INT(r.ntok, 3 + n);
        for (int i = 0; i < n && 3 + i < r.ntok; i++) {
          double v = rlc_rng_random(&rng), want = strtod(r.tok[3 + i], NULL);
          CHECK_MSG(v == want, "U seed %" PRIu64 " draw %d: %.17g != %s", seed, i, v, r.tok[3 + i]);
        }
        break;
      }
      case 'C': {
        int n = atoi(r.tok[2]);
        CHECK_EQ_INT(r.ntok, 3 + n);
        for (int i = 0; i < n && 3 + i < r.ntok; i++) {
          int64_t j = rlc_rng_integers(&rng, 0, 13);
          CHECK_MSG(j >= 0 && j < 13, "integers(0,13) = %" PRId64, j);
          if (j < 0 || j >= 13) break;
          CHECK_MSG(deck[j] == atoi(r.tok[3 + i]), "C seed %" PRIu64 " card %d: %d != %s", seed, i,
                    deck[j], r.tok[3 + i]);
        }
        break;
      }
    }
  }
  for (int k = 0; k < 5; k++)
    CHECK_MSG(counts[k] == 22, "%c records: %d, expected 22", types[k], counts[k]);
}

// generate_state(n) cycles the same pool with one running hash constant, so a
// longer request extends a shorter one.
TEST(rng_seed_sequence_prefix) {
  uint64_t a[4], b[9];
  uint64_t seeds[] = {0, 1, 4294967296ull, UINT64_MAX};
  for (int s = 0; s < 4; s++) {
    rlc_seed_sequence(a, 4, seeds[s]);
    rlc_seed_sequence(b, 9, seeds[s]);
    for (int i = 0; i < 4; i++) CHECK(a[i] == b[i]);
  }
  // A 2-word seed (numpy 1.24.2: SeedSequence(2**32).generate_state(1, uint64)).
  uint64_t w[1];
  rlc_seed_sequence(w, 1, 4294967296ull);
  CHECK(w[0] == 5836529245451711556ull);
}

//------------------------------------------------------------------------------
// PCG64 Generator draws
//------------------------------------------------------------------------------

TEST(rng_next32_buffered_halves) {
  rlcRng a, b;
  rlc_rng_seed(&a, 5);
  b = a;
  uint64_t v = rlc_rng_next64(&b);
  CHECK(rlc_rng_next32(&a) == (uint32_t)v);         // low half first
  CHECK_EQ_INT(a.has_uint32, 1);
  CHECK(rlc_rng_next32(&a) == (uint32_t)(v >> 32));  // then the cached high half
  CHECK_EQ_INT(a.has_uint32, 0);
  CHECK(a.state_lo == b.state_lo && a.state_hi == b.state_hi);
  // Reseeding drops a pending half.
  rlc_rng_next32(&a);
  rlc_rng_seed(&a, 5);
  rlc_rng_seed(&b, 5);
  CHECK_EQ_INT(a.has_uint32, 0);
  CHECK(rlc_rng_next32(&a) == rlc_rng_next32(&b));
}

TEST(rng_uniform_formula) {
  rlcRng a, b;
  rlc_rng_seed(&a, 11);
  b = a;
  for (int i = 0; i < 100; i++) {
    double u = rlc_rng_uniform(&a, -0.05, 0.05);
    double r = rlc_rng_random(&b);
    CHECK(u == -0.05 + (0.05 - -0.05) * r);
    CHECK(r >= 0.0 && r < 1.0);
  }
}

TEST(rng_integers_no_draw) {
  rlcRng a, b;
  rlc_rng_seed(&a, 3);
  b = a;
  CHECK_EQ_INT(rlc_rng_integers(&a, 7, 8), 7);
  CHECK_EQ_INT(rlc_rng_integers(&a, -4, -3), -4);
  CHECK_EQ_INT(rlc_rng_integers(&a, 5, 5), 5);  // empty range: lo, no draw
  CHECK(memcmp(&a, &b, sizeof a) == 0);
  // A pending cached half is untouched too.
  rlc_rng_next32(&a);
  b = a;
  CHECK_EQ_INT(rlc_rng_integers(&a, 0, 1), 0);
  CHECK(memcmp(&a, &b, sizeof a) == 0);
}

// Values from numpy 1.24.2: Generator(PCG64(SeedSequence(3))).integers(lo, hi),
// fresh generator per range. Covers the Lemire 32-bit path with a negative
// offset, hi-lo > 2^32 (64-bit Lemire, no cache) and a small range.
TEST(rng_integers_numpy_values) {
  struct { int64_t lo, hi, v[3]; } cases[] = {
      {0, 13, {10, 1, 2}},
      {-5, 5, {3, -5, -4}},
      {0, 4294967296ll, {3485385464ll, 367860371ll, 770692085ll}},  // full 32-bit range
      {-3, 4294967300ll, {367860369ll, 1017093379ll, 3441447625ll}},
      {0, 1000000000000ll, {85649167143ll, 236810506596ll, 801274465206ll}},
      {0, INT64_MAX, {789974133212406139ll, 2184191404571879930ll, 7390452496230446618ll}},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    rlcRng rng;
    rlc_rng_seed(&rng, 3);
    for (int i = 0; i < 3; i++) {
      int64_t v = rlc_rng_integers(&rng, cases[c].lo, cases[c].hi);
      CHECK_MSG(v == cases[c].v[i], "integers(%" PRId64 ", %" PRId64 ") draw %d: %" PRId64
                " != %" PRId64, cases[c].lo, cases[c].hi, i, v, cases[c].v[i]);
    }
  }
  // Mixed random()/integers() keep numpy's cache interplay (numpy 1.24.2, seed 9).
  rlcRng rng;
  rlc_rng_seed(&rng, 9);
  CHECK(rlc_rng_random(&rng) == 0.8702492039700847);
  CHECK_EQ_INT(rlc_rng_integers(&rng, 0, 3), 2);
  CHECK_EQ_INT(rlc_rng_integers(&rng, 0, 4), 1);
  CHECK(rlc_rng_random(&rng) == 0.6031481500515619);
  CHECK_EQ_INT(rlc_rng_integers(&rng, 0, 6), 4);
  CHECK_EQ_INT(rlc_rng_integers(&rng, 0, 7), 5);
  CHECK(rlc_rng_random(&rng) == 0.7160746296035653);
}

TEST(rng_integers_range) {
  rlcRng rng;
  rlc_rng_seed(&rng, 1);
  int hist[7] = {0};
  for (int i = 0; i < 70000; i++) {
    int64_t v = rlc_rng_integers(&rng, -3, 4);
    CHECK(v >= -3 && v < 4);
    if (v >= -3 && v < 4) hist[v + 3]++;
  }
  for (int k = 0; k < 7; k++) CHECK_NEAR(hist[k], 10000, 500);
}

TEST(rng_categorical_basic) {
  rlcRng rng;
  rlc_rng_seed(&rng, 2);
  const double one[3] = {0.0, 1.0, 0.0};
  for (int i = 0; i < 50; i++) CHECK_EQ_INT(rlc_rng_categorical(&rng, one, 3), 1);
  const double zero[2] = {0.0, 0.0};
  CHECK_EQ_INT(rlc_rng_categorical(&rng, zero, 2), 1);  // no cumsum exceeds u: n-1
  // Same u as random() on a copy: first i with cumsum > u.
  const double p[4] = {0.1, 0.2, 0.3, 0.4};
  int hist[4] = {0};
  for (int i = 0; i < 40000; i++) {
    rlcRng c = rng;
    double u = rlc_rng_random(&c);
    int want = u < 0.1 ? 0 : u < 0.1 + 0.2 ? 1 : u < 0.1 + 0.2 + 0.3 ? 2 : 3;
    int k = rlc_rng_categorical(&rng, p, 4);
    CHECK_EQ_INT(k, want);
    if (k >= 0 && k < 4) hist[k]++;
  }
  for (int k = 0; k < 4; k++) CHECK_NEAR(hist[k] / 40000.0, p[k], 0.01);
}

TEST(rng_normal_moments) {
  rlcRng rng, again;
  rlc_rng_seed(&rng, 123);
  rlc_rng_seed(&again, 123);
  double sum = 0, sq = 0;
  const int n = 100000;
  for (int i = 0; i < n; i++) {
    double z = rlc_rng_normal(&rng);
    CHECK(isfinite(z));
    sum += z;
    sq += z * z;
  }
  double mean = sum / n, var = sq / n - mean * mean;
  CHECK_NEAR(mean, 0.0, 0.02);
  CHECK_NEAR(var, 1.0, 0.03);
  double z1 = rlc_rng_normal(&again), z2 = rlc_rng_normal(&again);
  CHECK(z1 != z2);  // successive draws differ
  rlcRng x, y;
  rlc_rng_seed(&x, 77);
  rlc_rng_seed(&y, 77);
  for (int i = 0; i < 10; i++) CHECK(rlc_rng_normal(&x) == rlc_rng_normal(&y));
}

TEST(rng_seed_child_streams) {
  // numpy 1.24.2: PCG64(SeedSequence(7, spawn_key=(1,))).random_raw(3), i.e.
  // the child is SeedSequence(7).spawn(2)[1].
  rlcRng c;
  rlc_rng_seed_child(&c, 7, 1);
  CHECK(rlc_rng_next64(&c) == 8865173266238536338ull);
  CHECK(rlc_rng_next64(&c) == 1098352469356231332ull);
  CHECK(rlc_rng_next64(&c) == 4107885884059011584ull);
  CHECK_EQ_INT(c.has_uint32, 0);

  // Children differ from each other and from the root stream; deterministic.
  enum { NC = 6 };
  uint64_t first[NC + 1][4];
  rlcRng root;
  rlc_rng_seed(&root, 42);
  for (int j = 0; j < 4; j++) first[NC][j] = rlc_rng_next64(&root);
  for (int k = 0; k < NC; k++) {
    rlcRng a, b;
    rlc_rng_seed_child(&a, 42, (uint64_t)k);
    rlc_rng_seed_child(&b, 42, (uint64_t)k);
    CHECK(memcmp(&a, &b, sizeof a) == 0);
    for (int j = 0; j < 4; j++) first[k][j] = rlc_rng_next64(&a);
  }
  for (int k = 0; k <= NC; k++)
    for (int l = k + 1; l <= NC; l++)
      CHECK_MSG(memcmp(first[k], first[l], sizeof first[k]) != 0, "streams %d and %d coincide", k, l);
  // Neither root nor child is confused with the other's role.
  rlcRng a, b;
  rlc_rng_seed_child(&a, 1, 2);
  rlc_rng_seed_child(&b, 2, 1);
  CHECK(rlc_rng_next64(&a) != rlc_rng_next64(&b));
  rlc_rng_seed_child(&a, 0, 0);
  rlc_rng_seed(&b, 0);
  CHECK(rlc_rng_next64(&a) != rlc_rng_next64(&b));
}

//------------------------------------------------------------------------------
// numpy_randomstate_mt19937.txt: K, W, F, I, M for 7 seeds
//------------------------------------------------------------------------------

TEST(rng_mt19937_reference) {
  RefFile r;
  if (!ref_open(&r, "numpy_randomstate_mt19937.txt")) return;
  const char *types = "KWFIM";
  const int expect[5] = {7, 255, 7, 42, 66};
  int counts[5] = {0};
  // W and M records continue one generator over several lines.
  rlcMt19937 wgen, mgen;
  long wseed = -1, mseed = -1;
  int64_t wpos = 0, mpos = 0;
  while (ref_next(&r)) {
    int k = type_index(types, r.tok[0]);
    CHECK_MSG(k >= 0, "unknown record type '%s'", r.tok[0]);
    if (k < 0) continue;
    counts[k]++;
    uint32_t seed = (uint32_t)tok_u64(r.tok[1]);
    rlcMt19937 mt;
    rlc_mt_seed(&mt, seed);
    switch (r.tok[0][0]) {
      case 'K': {
        CHECK_EQ_INT(r.ntok, 6);
        CHECK_EQ_INT(mt.pos, 624);
        CHECK_EQ_INT(mt.key[0], tok_u64(r.tok[2]));
        CHECK_EQ_INT(mt.key[1], tok_u64(r.tok[3]));
        CHECK_EQ_INT(mt.key[2], tok_u64(r.tok[4]));
        CHECK_EQ_INT(mt.key[623], tok_u64(r.tok[5]));
        break;
      }
      case 'W': {
        int64_t i0 = tok_i64(r.tok[2]);
        int n = atoi(r.tok[3]);
        CHECK_EQ_INT(r.ntok, 4 + n);
        if (i0 == 0 || (long)seed != wseed) {
          CHECK_EQ_INT(i0, 0);
          rlc_mt_seed(&wgen, seed);
          wseed = (long)seed;
          wpos = 0;
        }
        CHECK_EQ_INT(i0, wpos);
        for (int i = 0; i < n && 4 + i < r.ntok; i++, wpos++) {
          uint32_t v = rlc_mt_next32(&wgen);
          CHECK_MSG(v == (uint32_t)tok_u64(r.tok[4 + i]), "W seed %u output %" PRId64 ": %u != %s",
                    seed, wpos, v, r.tok[4 + i]);
        }
        break;
      }
      case 'F': {
        int n = atoi(r.tok[2]);
        CHECK_EQ_INT(r.ntok, 3 + n);
        for (int i = 0; i < n && 3 + i < r.ntok; i++) {
          double v = rlc_mt_rand(&mt);
          CHECK_MSG(v == strtod(r.tok[3 + i], NULL), "F seed %u draw %d: %.17g != %s", seed, i, v,
                    r.tok[3 + i]);
        }
        break;
      }
      case 'I': {
        int64_t lo = tok_i64(r.tok[2]), hi = tok_i64(r.tok[3]);
        int n = atoi(r.tok[4]);
        CHECK_EQ_INT(r.ntok, 5 + n);
        for (int i = 0; i < n && 5 + i < r.ntok; i++) {
          int64_t v = rlc_mt_randint(&mt, lo, hi);
          CHECK_MSG(v == tok_i64(r.tok[5 + i]), "I seed %u randint(%" PRId64 ", %" PRId64
                    ") draw %d: %" PRId64 " != %s", seed, lo, hi, i, v, r.tok[5 + i]);
        }
        break;
      }
      case 'M': {
        int64_t i0 = tok_i64(r.tok[2]);
        int n = atoi(r.tok[3]);
        CHECK_EQ_INT(r.ntok, 4 + 4 * n);
        if (i0 == 0 || (long)seed != mseed) {
          CHECK_EQ_INT(i0, 0);
          rlc_mt_seed(&mgen, seed);
          mseed = (long)seed;
          mpos = 0;
        }
        CHECK_EQ_INT(i0, mpos);
        for (int i = 0; i < n && 7 + 4 * i < r.ntok; i++, mpos++) {
          char **e = &r.tok[4 + 4 * i];
          int64_t lo = tok_i64(e[1]), hi = tok_i64(e[2]);
          if (strcmp(e[0], "U") == 0) {
            CHECK_MSG(lo == 0 && hi == 1, "M seed %u: U with bounds %s %s", seed, e[1], e[2]);
            double v = rlc_mt_rand(&mgen);
            CHECK_MSG(v == strtod(e[3], NULL), "M seed %u draw %" PRId64 ": rand() %.17g != %s",
                      seed, mpos, v, e[3]);
          } else if (strcmp(e[0], "I") == 0) {
            int64_t v = rlc_mt_randint(&mgen, lo, hi);
            CHECK_MSG(v == tok_i64(e[3]), "M seed %u draw %" PRId64 ": randint(%" PRId64 ", %" PRId64
                      ") %" PRId64 " != %s", seed, mpos, lo, hi, v, e[3]);
          } else {
            CHECK_MSG(0, "M seed %u: unknown code '%s'", seed, e[0]);
          }
        }
        break;
      }
    }
  }
  for (int k = 0; k < 5; k++)
    CHECK_MSG(counts[k] == expect[k], "%c records: %d, expected %d", types[k], counts[k], expect[k]);
}

TEST(rng_mt19937_randint_edges) {
  rlcMt19937 a, b;
  rlc_mt_seed(&a, 0);
  b = a;
  CHECK_EQ_INT(rlc_mt_randint(&a, 0, 1), 0);  // randint(1): no draw
  CHECK_EQ_INT(rlc_mt_randint(&a, 9, 10), 9);
  CHECK(memcmp(&a, &b, sizeof a) == 0);
  // randint(2) is next32() & 1.
  uint32_t raw = rlc_mt_next32(&b);
  CHECK_EQ_INT(rlc_mt_randint(&a, 0, 2), raw & 1u);
  // Wide range (numpy 1.24.2: RandomState(5).randint(-3, 2**40), masked 64-bit path).
  rlcMt19937 m;
  rlc_mt_seed(&m, 5);
  CHECK_EQ_INT(rlc_mt_randint(&m, -3, (int64_t)1 << 40), 34745516769ll);
  CHECK_EQ_INT(rlc_mt_randint(&m, -3, (int64_t)1 << 40), 993841416123ll);
  CHECK_EQ_INT(rlc_mt_randint(&m, -3, (int64_t)1 << 40), 680694927053ll);
}
