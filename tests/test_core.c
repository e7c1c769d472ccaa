// tests/test_core.c: layer 0 — spaces, option strings, status and error text,
// logging, allocator hooks — and the transition-model (rlcMdp) API.
// Depends on: tests/test.h, pthreads (thread-local error text), CartPole-v1
// (the allocator checks and CartPole's observation-space string).
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "test.h"

//------------------------------------------------------------------------------
// Spaces
//------------------------------------------------------------------------------

TEST(space_discrete_constructors) {
  rlcSpace d = rlc_space_discrete(2);
  CHECK_EQ_INT(d.type, RLC_SPACE_DISCRETE);
  CHECK_EQ_INT(d.dtype, RLC_I32);
  CHECK_EQ_INT(d.n, 2);
  CHECK_EQ_INT(d.start, 0);
  CHECK_EQ_INT(d.size, 1);
  CHECK_EQ_INT(d.ndim, 0);
  CHECK_EQ_INT(rlc_space_bytes(&d), 4);
  CHECK_EQ_INT(rlc_space_count(&d), 2);

  rlcSpace s = rlc_space_discrete_start(3, -1);
  CHECK_EQ_INT(s.n, 3);
  CHECK_EQ_INT(s.start, -1);
  CHECK_EQ_INT(rlc_space_count(&s), 3);
  int32_t v;
  v = -1; CHECK_EQ_INT(rlc_space_index(&s, &v), 0);
  v = 1;  CHECK_EQ_INT(rlc_space_index(&s, &v), 2);

  CHECK_EQ_INT(rlc_dtype_size(RLC_U8), 1);
  CHECK_EQ_INT(rlc_dtype_size(RLC_F32), 4);
  CHECK_EQ_INT(rlc_dtype_size(RLC_I32), 4);
}

TEST(space_discrete_contains_and_check_action) {
  rlcSpace d = rlc_space_discrete(2);
  int32_t a;
  a = 0;  CHECK(rlc_space_contains(&d, &a));  CHECK_OK(rlc_space_check_action(&d, &a));
  a = 1;  CHECK(rlc_space_contains(&d, &a));  CHECK_OK(rlc_space_check_action(&d, &a));
  a = 2;  CHECK(!rlc_space_contains(&d, &a));
  rlc_clear_error();
  CHECK_ERR(rlc_space_check_action(&d, &a), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "2") != NULL);
  CHECK(strstr(rlc_last_error(), "Discrete(2)") != NULL);
  a = -1; CHECK(!rlc_space_contains(&d, &a));
  CHECK_ERR(rlc_space_check_action(&d, &a), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "-1") != NULL);
  CHECK_ERR(rlc_space_check_action(&d, NULL), RLC_ERR_ARG);

  rlcSpace s = rlc_space_discrete_start(3, -1);
  a = -2; CHECK(!rlc_space_contains(&s, &a)); CHECK_ERR(rlc_space_check_action(&s, &a), RLC_ERR_ARG);
  a = -1; CHECK(rlc_space_contains(&s, &a));  CHECK_OK(rlc_space_check_action(&s, &a));
  a = 1;  CHECK(rlc_space_contains(&s, &a));  CHECK_OK(rlc_space_check_action(&s, &a));
  a = 2;  CHECK(!rlc_space_contains(&s, &a)); CHECK_ERR(rlc_space_check_action(&s, &a), RLC_ERR_ARG);
}

TEST(space_discrete_sample_with_start) {
  rlcSpace s = rlc_space_discrete_start(3, 5);
  rlcRng rng, ref;
  rlc_rng_seed(&rng, 11);
  rlc_rng_seed(&ref, 11);
  int hits[3] = {0};
  for (int i = 0; i < 3000; i++) {
    int32_t v = -100;
    rlc_space_sample(&s, &rng, &v);
    CHECK_MSG(v >= 5 && v <= 7, "sample %d outside Discrete(3, start=5)", v);
    // Gymnasium: start + np_random.integers(n), draw for draw.
    int64_t want = 5 + rlc_rng_integers(&ref, 0, 3);
    if (v != want && i < 5) CHECK_EQ_INT(v, want);
    if (v >= 5 && v <= 7) hits[v - 5]++;
  }
  for (int k = 0; k < 3; k++) CHECK_MSG(hits[k] > 800, "value %d drawn %d times of 3000", 5 + k, hits[k]);
}

TEST(space_box_constructor_and_bounds) {
  const float lo[3] = {-1.0f, 0.0f, -INFINITY}, hi[3] = {1.0f, 0.0f, INFINITY};
  rlcSpace b = rlc_space_box(3, lo, hi);
  CHECK_EQ_INT(b.type, RLC_SPACE_BOX);
  CHECK_EQ_INT(b.dtype, RLC_F32);
  CHECK_EQ_INT(b.ndim, 1);
  CHECK_EQ_INT(b.shape[0], 3);
  CHECK_EQ_INT(b.size, 3);
  CHECK_EQ_INT(b.nbounds, 3);
  CHECK_EQ_INT(rlc_space_bytes(&b), 12);
  CHECK(rlc_space_low(&b, 0) == -1.0f && rlc_space_high(&b, 0) == 1.0f);
  CHECK(rlc_space_low(&b, 1) == 0.0f && rlc_space_high(&b, 1) == 0.0f);
  CHECK(isinf(rlc_space_low(&b, 2)) && rlc_space_low(&b, 2) < 0);
  CHECK(isinf(rlc_space_high(&b, 2)) && rlc_space_high(&b, 2) > 0);
  CHECK_EQ_INT(rlc_space_count(&b), 0);
  float x[3] = {0, 0, 0};
  CHECK_EQ_INT(rlc_space_index(&b, x), -1);

  // Uniform boxes keep one bound for every element, whatever the size.
  const int shape[3] = {84, 84, 3};
  rlcSpace img = rlc_space_box_uniform(RLC_U8, 3, shape, 0, 255);
  CHECK_EQ_INT(img.ndim, 3);
  CHECK_EQ_INT(img.size, 84 * 84 * 3);
  CHECK_EQ_INT(img.nbounds, 1);
  CHECK_EQ_INT(rlc_space_bytes(&img), 84 * 84 * 3);
  CHECK(rlc_space_low(&img, 0) == 0.0f && rlc_space_high(&img, 0) == 255.0f);
  CHECK(rlc_space_low(&img, 84 * 84 * 3 - 1) == 0.0f);
  CHECK(rlc_space_high(&img, 12345) == 255.0f);
  const int fshape[1] = {5};
  rlcSpace fu = rlc_space_box_uniform(RLC_F32, 1, fshape, -2.0f, 3.0f);
  CHECK_EQ_INT(fu.nbounds, 1);
  CHECK_EQ_INT(rlc_space_bytes(&fu), 20);
  CHECK(rlc_space_low(&fu, 4) == -2.0f && rlc_space_high(&fu, 4) == 3.0f);
}

TEST(space_box_contains_edges) {
  const float lo[3] = {-1.0f, 0.0f, -INFINITY}, hi[3] = {1.0f, 0.0f, INFINITY};
  rlcSpace b = rlc_space_box(3, lo, hi);
  float x[3];
  // Bounds are inclusive.
  x[0] = -1.0f, x[1] = 0.0f, x[2] = 0.0f;  CHECK(rlc_space_contains(&b, x));
  x[0] = 1.0f;                            CHECK(rlc_space_contains(&b, x));
  x[0] = nextafterf(1.0f, 2.0f);          CHECK(!rlc_space_contains(&b, x));
  x[0] = nextafterf(-1.0f, -2.0f);        CHECK(!rlc_space_contains(&b, x));
  x[0] = 0.5f, x[1] = 1e-30f;             CHECK(!rlc_space_contains(&b, x));
  x[1] = -0.0f;                           CHECK(rlc_space_contains(&b, x));
  x[2] = 1e38f;                           CHECK(rlc_space_contains(&b, x));
  x[2] = INFINITY;                        CHECK(rlc_space_contains(&b, x));
  x[2] = -INFINITY;                       CHECK(rlc_space_contains(&b, x));
  // NaN is never contained, even in an unbounded dimension.
  x[2] = NAN;                             CHECK(!rlc_space_contains(&b, x));
  x[2] = 0, x[0] = NAN;                   CHECK(!rlc_space_contains(&b, x));

  const int shape[2] = {2, 2};
  rlcSpace img = rlc_space_box_uniform(RLC_U8, 2, shape, 10, 20);
  uint8_t p[4] = {10, 20, 15, 10};
  CHECK(rlc_space_contains(&img, p));
  p[3] = 21; CHECK(!rlc_space_contains(&img, p));
  p[3] = 9;  CHECK(!rlc_space_contains(&img, p));
}

TEST(space_box_check_action) {
  const float lo[2] = {-2.0f, -2.0f}, hi[2] = {2.0f, 2.0f};
  rlcSpace b = rlc_space_box(2, lo, hi);
  float a[2] = {0.5f, -2.0f};
  CHECK_OK(rlc_space_check_action(&b, a));
  // Out-of-bounds finite actions are the env's to clip (Gymnasium's envs clip).
  a[0] = 100.0f;
  CHECK_OK(rlc_space_check_action(&b, a));
  a[1] = NAN;
  rlc_clear_error();
  CHECK_ERR(rlc_space_check_action(&b, a), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "action[1]") != NULL);
  CHECK(strstr(rlc_last_error(), "finite") != NULL);
  a[1] = 0.0f, a[0] = INFINITY;
  rlc_clear_error();
  CHECK_ERR(rlc_space_check_action(&b, a), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "action[0]") != NULL);
  a[0] = -INFINITY;
  CHECK_ERR(rlc_space_check_action(&b, a), RLC_ERR_ARG);
}

TEST(space_box_sample_in_bounds) {
  // Bounded (uniform), bounded below (exponential), bounded above, unbounded (normal),
  // and a degenerate [3, 3].
  const float lo[5] = {-2.0f, 1.0f, -INFINITY, -INFINITY, 3.0f};
  const float hi[5] = {3.0f, INFINITY, -1.0f, INFINITY, 3.0f};
  rlcSpace b = rlc_space_box(5, lo, hi);
  rlcRng rng;
  rlc_rng_seed(&rng, 2024);
  double sum0 = 0, min0 = 1e9, max0 = -1e9;
  int pos3 = 0, neg3 = 0;
  const int n = 4000;
  for (int i = 0; i < n; i++) {
    float x[5];
    rlc_space_sample(&b, &rng, x);
    if (!rlc_space_contains(&b, x)) {
      CHECK_MSG(false, "sample %d (%g %g %g %g %g) is outside the box", i, x[0], x[1], x[2], x[3], x[4]);
      break;
    }
    CHECK(isfinite(x[1]) && isfinite(x[2]) && isfinite(x[3]));
    CHECK(x[4] == 3.0f);
    sum0 += x[0];
    if (x[0] < min0) min0 = x[0];
    if (x[0] > max0) max0 = x[0];
    pos3 += x[3] > 0, neg3 += x[3] < 0;
  }
  CHECK_NEAR(sum0 / n, 0.5, 0.1);   // uniform on [-2, 3]
  CHECK(min0 < -1.9 && max0 > 2.9);  // spans the interval
  CHECK(pos3 > n / 3 && neg3 > n / 3);

  // Same seed, same samples.
  rlcRng r1, r2;
  rlc_rng_seed(&r1, 5);
  rlc_rng_seed(&r2, 5);
  float a[5], c[5];
  rlc_space_sample(&b, &r1, a);
  rlc_space_sample(&b, &r2, c);
  CHECK(memcmp(a, c, sizeof a) == 0);

  // uint8 images: integers in [low, high], both ends reachable.
  const int shape[1] = {64};
  rlcSpace img = rlc_space_box_uniform(RLC_U8, 1, shape, 10, 20);
  bool seen_lo = false, seen_hi = false;
  for (int k = 0; k < 20; k++) {
    uint8_t p[64];
    rlc_space_sample(&img, &rng, p);
    for (int i = 0; i < 64; i++) {
      CHECK_MSG(p[i] >= 10 && p[i] <= 20, "uint8 sample %d outside [10, 20]", p[i]);
      seen_lo |= p[i] == 10, seen_hi |= p[i] == 20;
    }
  }
  CHECK(seen_lo && seen_hi);
}

TEST(space_multi_discrete_count_index) {
  const int nvec[3] = {2, 3, 4};
  rlcSpace m = rlc_space_multi_discrete(3, nvec);
  CHECK_EQ_INT(m.type, RLC_SPACE_MULTI_DISCRETE);
  CHECK_EQ_INT(m.dtype, RLC_I32);
  CHECK_EQ_INT(m.size, 3);
  CHECK_EQ_INT(m.ndim, 1);
  CHECK_EQ_INT(m.shape[0], 3);
  CHECK_EQ_INT(rlc_space_bytes(&m), 12);
  CHECK_EQ_INT(rlc_space_count(&m), 24);
  int32_t x[3] = {0, 0, 0};
  CHECK_EQ_INT(rlc_space_index(&m, x), 0);
  x[0] = 1; CHECK_EQ_INT(rlc_space_index(&m, x), 12);
  x[1] = 2, x[2] = 3; CHECK_EQ_INT(rlc_space_index(&m, x), 23);
  x[0] = 0, x[1] = 1, x[2] = 2; CHECK_EQ_INT(rlc_space_index(&m, x), 6);
  // Row-major over nvec: every element has a distinct index in [0, 24).
  bool seen[24] = {false};
  for (int a = 0; a < 2; a++)
    for (int b = 0; b < 3; b++)
      for (int c = 0; c < 4; c++) {
        int32_t y[3] = {a, b, c};
        int64_t idx = rlc_space_index(&m, y);
        CHECK(idx >= 0 && idx < 24);
        if (idx >= 0 && idx < 24) {
          CHECK(!seen[idx]);
          seen[idx] = true;
        }
        CHECK(rlc_space_contains(&m, y));
      }
  int32_t bad[3] = {2, 0, 0};
  CHECK(!rlc_space_contains(&m, bad));
  bad[0] = 0, bad[1] = -1;
  CHECK(!rlc_space_contains(&m, bad));
  int32_t act[3] = {1, 3, 0};
  rlc_clear_error();
  CHECK_ERR(rlc_space_check_action(&m, act), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "action[1] = 3") != NULL);
  act[1] = 2;
  CHECK_OK(rlc_space_check_action(&m, act));

  rlcRng rng;
  rlc_rng_seed(&rng, 3);
  int hit_last = 0;
  for (int i = 0; i < 500; i++) {
    int32_t s[3];
    rlc_space_sample(&m, &rng, s);
    CHECK(rlc_space_contains(&m, s));
    hit_last += s[2] == 3;
  }
  CHECK(hit_last > 50);
}

TEST(space_str_formats) {
  char buf[256];
  rlcSpace d = rlc_space_discrete(2);
  CHECK(strcmp(rlc_space_str(&d, buf, sizeof buf), "Discrete(2)") == 0);
  rlcSpace ds = rlc_space_discrete_start(3, -1);
  CHECK(strcmp(rlc_space_str(&ds, buf, sizeof buf), "Discrete(3, start=-1)") == 0);
  const int nvec[3] = {2, 3, 4};
  rlcSpace m = rlc_space_multi_discrete(3, nvec);
  CHECK(strcmp(rlc_space_str(&m, buf, sizeof buf), "MultiDiscrete([2 3 4])") == 0);
  const int shape[3] = {84, 84, 3};
  rlcSpace img = rlc_space_box_uniform(RLC_U8, 3, shape, 0, 255);
  rlc_space_str(&img, buf, sizeof buf);
  CHECK_MSG(strcmp(buf, "Box(0, 255, (84, 84, 3), uint8)") == 0, "got '%s'", buf);
  const float lo[4] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY};
  const float hi[4] = {INFINITY, INFINITY, INFINITY, INFINITY};
  rlcSpace inf = rlc_space_box(4, lo, hi);
  rlc_space_str(&inf, buf, sizeof buf);
  CHECK_MSG(strcmp(buf, "Box(-inf, inf, (4,), float32)") == 0, "got '%s'", buf);

  rlcEnv *env = NULL;
  CHECK_OK(rlc_env_create("CartPole-v1", NULL, &env));
  if (env) {
    rlc_space_str(&env->spec->observation_space, buf, sizeof buf);
    CHECK_MSG(strcmp(buf, "Box([-4.8 -inf -0.418879 -inf], [4.8 inf 0.418879 inf], (4,), float32)") == 0,
              "got '%s'", buf);
    rlc_space_str(&env->spec->action_space, buf, sizeof buf);
    CHECK(strcmp(buf, "Discrete(2)") == 0);
    // A short buffer truncates without writing past its end.
    char small[16];
    memset(small, 'Z', sizeof small);
    rlc_space_str(&env->spec->observation_space, small, 10);
    CHECK_EQ_INT(strlen(small), 9);
    CHECK(strncmp(small, "Box([-4.8", 9) == 0);
    for (int i = 10; i < 16; i++) CHECK(small[i] == 'Z');
    rlc_env_destroy(env);
  }
}

//------------------------------------------------------------------------------
// Options
//------------------------------------------------------------------------------

TEST(opts_parse_spaces_brackets_quotes) {
  rlcOpts o;
  CHECK_OK(rlc_opts_parse(&o, " a = 1 , map=[SF, FH] ,name=\"p,q\", d = \"  x  \" ,e=x=y,"
                              "nest=[[1,2],[3,4]],s=\"[\",t=2"));
  CHECK_EQ_INT(o.n, 8);
  CHECK(strcmp(rlc_opts_str(&o, "a", "?"), "1") == 0);
  CHECK(strcmp(rlc_opts_str(&o, "map", "?"), "[SF, FH]") == 0);
  CHECK(strcmp(rlc_opts_str(&o, "name", "?"), "p,q") == 0);
  CHECK(strcmp(rlc_opts_str(&o, "d", "?"), "  x  ") == 0);
  CHECK(strcmp(rlc_opts_str(&o, "e", "?"), "x=y") == 0);
  CHECK(strcmp(rlc_opts_str(&o, "nest", "?"), "[[1,2],[3,4]]") == 0);
  CHECK(strcmp(rlc_opts_str(&o, "s", "?"), "[") == 0);
  int t = 0;
  CHECK_OK(rlc_opts_int(&o, "t", 0, &t));
  CHECK_EQ_INT(t, 2);
  CHECK_OK(rlc_opts_check_unused(&o, "test"));

  CHECK_OK(rlc_opts_parse(&o, NULL));
  CHECK_EQ_INT(o.n, 0);
  CHECK_OK(rlc_opts_parse(&o, ""));
  CHECK_EQ_INT(o.n, 0);
  CHECK_OK(rlc_opts_parse(&o, " , ,, "));
  CHECK_EQ_INT(o.n, 0);
  // Parsing starts from scratch.
  CHECK_OK(rlc_opts_parse(&o, "x=1"));
  CHECK_OK(rlc_opts_parse(&o, "y=2"));
  CHECK_EQ_INT(o.n, 1);
  CHECK(rlc_opts_str(&o, "x", NULL) == NULL);
}

TEST(opts_duplicates_replace) {
  rlcOpts o;
  CHECK_OK(rlc_opts_parse(&o, "a=1,b=2,a=3"));
  CHECK_EQ_INT(o.n, 2);
  int a = 0;
  CHECK_OK(rlc_opts_int(&o, "a", 0, &a));
  CHECK_EQ_INT(a, 3);
  CHECK_OK(rlc_opts_set(&o, "b", "7"));
  CHECK_OK(rlc_opts_set(&o, "c", "8"));
  CHECK_EQ_INT(o.n, 3);
  int b = 0, c = 0;
  CHECK_OK(rlc_opts_int(&o, "b", 0, &b));
  CHECK_OK(rlc_opts_int(&o, "c", 0, &c));
  CHECK_EQ_INT(b, 7);
  CHECK_EQ_INT(c, 8);
  CHECK_ERR(rlc_opts_set(&o, "", "1"), RLC_ERR_FORMAT);
}

TEST(opts_getters_defaults_and_values) {
  rlcOpts o;
  CHECK_OK(rlc_opts_parse(&o, "i=-42,p=+7,d=1e-3,t=TRUE,f=Off,y=yes,z=0,big=2147483647,min=-2147483648"));
  int i = 0;
  double d = 0;
  bool bo = false;
  CHECK_OK(rlc_opts_int(&o, "i", 5, &i));      CHECK_EQ_INT(i, -42);
  CHECK_OK(rlc_opts_int(&o, "p", 5, &i));      CHECK_EQ_INT(i, 7);
  CHECK_OK(rlc_opts_int(&o, "big", 5, &i));    CHECK_EQ_INT(i, INT_MAX);
  // INT_MIN is an int too.
  i = 0;
  CHECK_OK(rlc_opts_int(&o, "min", 5, &i));    CHECK_EQ_INT(i, INT_MIN);
  CHECK_OK(rlc_opts_int(&o, "absent", 5, &i)); CHECK_EQ_INT(i, 5);
  CHECK_OK(rlc_opts_double(&o, "d", 2.0, &d)); CHECK(d == 1e-3);
  CHECK_OK(rlc_opts_double(&o, "i", 2.0, &d)); CHECK(d == -42.0);
  CHECK_OK(rlc_opts_double(&o, "nope", 2.5, &d)); CHECK(d == 2.5);
  CHECK_OK(rlc_opts_bool(&o, "t", false, &bo)); CHECK(bo);
  CHECK_OK(rlc_opts_bool(&o, "f", true, &bo));  CHECK(!bo);
  CHECK_OK(rlc_opts_bool(&o, "y", false, &bo)); CHECK(bo);
  CHECK_OK(rlc_opts_bool(&o, "z", true, &bo));  CHECK(!bo);
  CHECK_OK(rlc_opts_bool(&o, "none", true, &bo)); CHECK(bo);
  CHECK(strcmp(rlc_opts_str(&o, "none", "dflt"), "dflt") == 0);
  CHECK_OK(rlc_opts_check_unused(&o, "test"));
}

// Every malformed value is RLC_ERR_ARG with a message naming the key.
static void expect_bad(const char *text, const char *key, char kind) {
  rlcOpts o;
  CHECK_OK(rlc_opts_parse(&o, text));
  rlc_clear_error();
  rlcStatus s;
  if (kind == 'i') {
    int v = 0;
    s = rlc_opts_int(&o, key, 0, &v);
  } else if (kind == 'd') {
    double v = 0;
    s = rlc_opts_double(&o, key, 0, &v);
  } else {
    bool v = false;
    s = rlc_opts_bool(&o, key, false, &v);
  }
  CHECK_MSG(s == RLC_ERR_ARG, "'%s' (%c) -> %s, expected invalid argument", text, kind, rlc_status_name(s));
  CHECK_MSG(strstr(rlc_last_error(), key) != NULL, "'%s': message '%s' does not name '%s'", text,
            rlc_last_error(), key);
}

TEST(opts_malformed_values) {
  expect_bad("seed=abc", "seed", 'i');
  expect_bad("seed=12abc", "seed", 'i');
  expect_bad("seed=3.0", "seed", 'i');
  expect_bad("seed=0x10", "seed", 'i');
  expect_bad("seed=", "seed", 'i');
  expect_bad("seed=2147483648", "seed", 'i');
  expect_bad("seed=-99999999999", "seed", 'i');
  expect_bad("lr=fast", "lr", 'd');
  expect_bad("lr=1.5x", "lr", 'd');
  expect_bad("lr=nan", "lr", 'd');
  expect_bad("lr=1e999", "lr", 'd');
  expect_bad("lr=", "lr", 'd');
  expect_bad("slippery=maybe", "slippery", 'b');
  expect_bad("slippery=2", "slippery", 'b');
  expect_bad("slippery=", "slippery", 'b');
}

TEST(opts_format_errors) {
  rlcOpts o;
  rlc_clear_error();
  CHECK_ERR(rlc_opts_parse(&o, "a=1,verbose,b=2"), RLC_ERR_FORMAT);
  CHECK(strstr(rlc_last_error(), "verbose") != NULL);
  CHECK_ERR(rlc_opts_parse(&o, "=5"), RLC_ERR_FORMAT);
  char key[80], text[400];
  memset(key, 'k', 60);
  key[60] = 0;
  snprintf(text, sizeof text, "%s=1", key);
  CHECK_ERR(rlc_opts_parse(&o, text), RLC_ERR_FORMAT);  // key too long
  char val[260];
  memset(val, 'v', 250);
  val[250] = 0;
  snprintf(text, sizeof text, "a=%s", val);
  CHECK_ERR(rlc_opts_parse(&o, text), RLC_ERR_FORMAT);  // value too long
  CHECK_ERR(rlc_opts_set(&o, "a", val), RLC_ERR_FORMAT);
}

TEST(opts_too_many) {
  char text[1024];
  int n = 0;
  for (int i = 0; i < RLC_OPTS_MAX; i++) n += snprintf(text + n, sizeof text - n, "%sk%d=%d", i ? "," : "", i, i);
  rlcOpts o;
  CHECK_OK(rlc_opts_parse(&o, text));
  CHECK_EQ_INT(o.n, RLC_OPTS_MAX);
  // Replacing an existing key still works when full.
  CHECK_OK(rlc_opts_set(&o, "k3", "33"));
  CHECK_EQ_INT(o.n, RLC_OPTS_MAX);
  rlc_clear_error();
  CHECK_ERR(rlc_opts_set(&o, "one_more", "1"), RLC_ERR_FORMAT);
  CHECK(strstr(rlc_last_error(), "too many") != NULL);
  snprintf(text + n, sizeof text - n, ",extra=1");
  CHECK_ERR(rlc_opts_parse(&o, text), RLC_ERR_FORMAT);
}

TEST(opts_check_unused) {
  rlcOpts o;
  CHECK_OK(rlc_opts_parse(&o, "gamma=0.9,colour=red,size=3"));
  double g;
  int size;
  CHECK_OK(rlc_opts_double(&o, "gamma", 0, &g));
  CHECK_OK(rlc_opts_int(&o, "size", 0, &size));
  rlc_clear_error();
  CHECK_ERR(rlc_opts_check_unused(&o, "MyEnv-v0"), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "'colour'") != NULL);
  CHECK(strstr(rlc_last_error(), "MyEnv-v0") != NULL);
  rlc_opts_str(&o, "colour", NULL);
  CHECK_OK(rlc_opts_check_unused(&o, "MyEnv-v0"));
  // A malformed value still counts as asked for (the getter reported it).
  CHECK_OK(rlc_opts_parse(&o, "n=x"));
  int nn;
  CHECK_ERR(rlc_opts_int(&o, "n", 0, &nn), RLC_ERR_ARG);
  CHECK_OK(rlc_opts_check_unused(&o, "x"));
}

//------------------------------------------------------------------------------
// Status and error text, logging
//------------------------------------------------------------------------------

TEST(error_status_names) {
  CHECK(strcmp(rlc_status_name(RLC_OK), "ok") == 0);
  CHECK(strcmp(rlc_status_name(RLC_ERR_ARG), "invalid argument") == 0);
  CHECK(strcmp(rlc_status_name(RLC_ERR_NOT_FOUND), "not found") == 0);
  CHECK(strcmp(rlc_status_name(RLC_ERR_NOMEM), "out of memory") == 0);
  CHECK(strcmp(rlc_status_name(RLC_ERR_IO), "i/o error") == 0);
  CHECK(strcmp(rlc_status_name(RLC_ERR_FORMAT), "malformed input") == 0);
  CHECK(strcmp(rlc_status_name(RLC_ERR_STATE), "invalid state") == 0);
  CHECK(strcmp(rlc_status_name(RLC_ERR_UNSUPPORTED), "unsupported") == 0);
  CHECK(strcmp(rlc_status_name((rlcStatus)99), "unknown status") == 0);
}

TEST(error_text_one_line) {
  CHECK_EQ_INT(rlc_error(RLC_ERR_IO, "cannot open %s (%d)", "x.bin", 42), RLC_ERR_IO);
  CHECK(strcmp(rlc_last_error(), "cannot open x.bin (42)") == 0);
  rlc_error(RLC_ERR_ARG, "first\nsecond\n%s", "third\n");
  CHECK(strcmp(rlc_last_error(), "first second third ") == 0);
  CHECK(strchr(rlc_last_error(), '\n') == NULL);
  rlc_clear_error();
  CHECK(strcmp(rlc_last_error(), "") == 0);
  // A very long message is cut, still one terminated line.
  char big[2000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  rlc_error(RLC_ERR_ARG, "%s\n%s", big, big);
  size_t n = strlen(rlc_last_error());
  CHECK(n > 400 && n < 2000);
  CHECK(strchr(rlc_last_error(), '\n') == NULL);
}

typedef struct { char before[64], after[64]; } ThreadErr;

static void *error_thread(void *p) {
  ThreadErr *t = p;
  snprintf(t->before, sizeof t->before, "%s", rlc_last_error());
  rlc_error(RLC_ERR_IO, "thread error");
  snprintf(t->after, sizeof t->after, "%s", rlc_last_error());
  return NULL;
}

TEST(error_thread_local) {
  rlc_error(RLC_ERR_ARG, "main error");
  ThreadErr t;
  memset(&t, 0, sizeof t);
  pthread_t th;
  CHECK(pthread_create(&th, NULL, error_thread, &t) == 0);
  pthread_join(th, NULL);
  CHECK(strcmp(t.before, "") == 0);
  CHECK(strcmp(t.after, "thread error") == 0);
  CHECK(strcmp(rlc_last_error(), "main error") == 0);
}

typedef struct { int count; rlcLogLevel level; char msg[128]; } LogCapture;

static void capture_log(rlcLogLevel level, const char *msg, void *user) {
  LogCapture *c = user;
  c->count++;
  c->level = level;
  snprintf(c->msg, sizeof c->msg, "%s", msg);
}

static void stderr_log(rlcLogLevel level, const char *msg, void *user) {
  (void)user;
  static const char *names[] = {"debug", "info", "warning", "error"};
  fprintf(stderr, "rlc: %s: %s\n", names[level], msg);
}

TEST(error_log_levels_and_callback) {
  LogCapture c = {0};
  rlc_set_log_callback(capture_log, &c);
  rlc_set_log_level(RLC_LOG_WARN);
  rlc_log(RLC_LOG_INFO, "hidden %d", 1);
  CHECK_EQ_INT(c.count, 0);
  rlc_log(RLC_LOG_WARN, "shown %d", 2);
  CHECK_EQ_INT(c.count, 1);
  CHECK_EQ_INT(c.level, RLC_LOG_WARN);
  CHECK(strcmp(c.msg, "shown 2") == 0);
  rlc_set_log_level(RLC_LOG_DEBUG);
  rlc_log(RLC_LOG_DEBUG, "debug");
  CHECK_EQ_INT(c.count, 2);
  rlc_set_log_callback(NULL, NULL);  // silenced
  rlc_log(RLC_LOG_ERROR, "nobody hears this");
  CHECK_EQ_INT(c.count, 2);
  // Back to what tests/main.c set up (errors, on stderr).
  rlc_set_log_callback(stderr_log, NULL);
  rlc_set_log_level(RLC_LOG_ERROR);
}

//------------------------------------------------------------------------------
// Allocator hooks
//------------------------------------------------------------------------------

// A counting allocator with a size header; can fail after a budget of allocations.
static long long alloc_live, alloc_total, alloc_budget = -1;

static void *count_malloc(size_t n, void *u) {
  (void)u;
  if (__atomic_load_n(&alloc_budget, __ATOMIC_SEQ_CST) >= 0 &&
      __atomic_fetch_sub(&alloc_budget, 1, __ATOMIC_SEQ_CST) <= 0)
    return NULL;
  size_t *p = malloc(n + 16);
  if (!p) return NULL;
  p[0] = n;
  __atomic_fetch_add(&alloc_live, 1, __ATOMIC_SEQ_CST);
  __atomic_fetch_add(&alloc_total, 1, __ATOMIC_SEQ_CST);
  return (char *)p + 16;
}

static void count_free(void *ptr, void *u) {
  (void)u;
  if (!ptr) return;
  __atomic_fetch_sub(&alloc_live, 1, __ATOMIC_SEQ_CST);
  free((char *)ptr - 16);
}

static void *count_realloc(void *ptr, size_t n, void *u) {
  if (!ptr) return count_malloc(n, u);
  if (__atomic_load_n(&alloc_budget, __ATOMIC_SEQ_CST) >= 0 &&
      __atomic_fetch_sub(&alloc_budget, 1, __ATOMIC_SEQ_CST) <= 0)
    return NULL;
  size_t *p = realloc((char *)ptr - 16, n + 16);
  if (!p) return NULL;
  p[0] = n;
  return (char *)p + 16;
}

static int user_tag;

static void use_counting_allocator(long long budget) {
  alloc_live = alloc_total = 0;
  alloc_budget = budget;
  rlcAllocator a = {count_malloc, count_realloc, count_free, &user_tag};
  rlc_set_allocator(&a);
}

TEST(alloc_hooks_basic) {
  use_counting_allocator(-1);
  char *p = rlc_malloc(10);
  CHECK(p != NULL);
  CHECK_EQ_INT(alloc_live, 1);
  CHECK_EQ_INT(((size_t *)(p - 16))[0], 10);  // went through our hook
  p = rlc_realloc(p, 100);
  CHECK(p != NULL);
  CHECK_EQ_INT(alloc_live, 1);
  int *z = rlc_calloc(8, sizeof *z);
  CHECK(z != NULL);
  bool zero = true;
  for (int i = 0; i < 8; i++) zero &= z[i] == 0;
  CHECK(zero);
  char *s = rlc_strdup("hello");
  CHECK(s && strcmp(s, "hello") == 0);
  CHECK_EQ_INT(alloc_live, 3);
  rlc_free(p);
  rlc_free(z);
  rlc_free(s);
  rlc_free(NULL);
  CHECK_EQ_INT(alloc_live, 0);
  // Overflowing calloc fails without calling the allocator.
  long long before = alloc_total;
  rlc_clear_error();
  CHECK(rlc_calloc(SIZE_MAX / 2, 4) == NULL);
  CHECK_EQ_INT(alloc_total, before);
  CHECK(strstr(rlc_last_error(), "too large") != NULL);
  // A failing allocator sets the out-of-memory text.
  alloc_budget = 0;
  rlc_clear_error();
  CHECK(rlc_malloc(32) == NULL);
  CHECK(strstr(rlc_last_error(), "out of memory") != NULL);
  rlc_set_allocator(NULL);
  // The default allocator is back: this block is not counted.
  before = alloc_total;
  void *q = rlc_malloc(16);
  CHECK(q != NULL);
  CHECK_EQ_INT(alloc_total, before);
  rlc_free(q);
}

TEST(alloc_env_and_vec_env_free_everything) {
  use_counting_allocator(-1);
  rlcEnv *env = NULL;
  CHECK_OK(rlc_env_create("CartPole-v1", "frame_stack=3,action_repeat=2", &env));
  CHECK(alloc_live > 0);
  if (env) {
    float obs[12];
    CHECK_OK(rlc_env_reset(env, 1, obs));
    int32_t a = 1;
    CHECK_OK(rlc_env_step(env, &a, obs, NULL, NULL, NULL));
    rlc_env_destroy(env);
  }
  CHECK_EQ_INT(alloc_live, 0);
  long long env_allocs = alloc_total;
  CHECK(env_allocs >= 7);  // base spec + 3 wrappers + env + state + obs

  alloc_total = 0;
  rlcVecEnvDef def = rlc_vec_env_default_def();
  def.num_envs = 8;
  def.num_threads = 2;
  rlcVecEnv *v = NULL;
  CHECK_OK(rlc_vec_env_create("CartPole-v1", NULL, &def, &v));
  if (v) {
    CHECK_OK(rlc_vec_env_reset(v, 0));
    int32_t acts[8] = {0, 1, 0, 1, 0, 1, 0, 1};
    for (int t = 0; t < 50; t++) CHECK_OK(rlc_vec_env_step(v, acts));
    rlc_vec_env_destroy(v);
  }
  CHECK_EQ_INT(alloc_live, 0);
  CHECK(alloc_total >= 12);
  rlc_set_allocator(NULL);
}

TEST(alloc_failures_leak_nothing) {
  // Fail the k-th allocation for every k until creation succeeds: every failure
  // is RLC_ERR_NOMEM and leaves nothing allocated.
  int failures = 0;
  bool succeeded = false;
  for (int k = 0; k < 200 && !succeeded; k++) {
    use_counting_allocator(k);
    rlcEnv *env = (rlcEnv *)&user_tag;
    rlcStatus s = rlc_env_create("CartPole-v1", "frame_stack=2,action_repeat=2", &env);
    if (s == RLC_OK) {
      succeeded = true;
      rlc_env_destroy(env);
    } else {
      failures++;
      CHECK_MSG(s == RLC_ERR_NOMEM, "budget %d: %s", k, rlc_status_name(s));
      CHECK(env == NULL);
      CHECK(strstr(rlc_last_error(), "out of memory") != NULL);
    }
    CHECK_MSG(alloc_live == 0, "budget %d: %lld blocks leaked", k, alloc_live);
  }
  CHECK(succeeded);
  CHECK(failures >= 4);

  failures = 0;
  succeeded = false;
  for (int k = 0; k < 200 && !succeeded; k++) {
    use_counting_allocator(k);
    rlcVecEnvDef def = {.num_envs = 4, .num_threads = 2};
    rlcVecEnv *v = NULL;
    rlcStatus s = rlc_vec_env_create("CartPole-v1", "frame_stack=2", &def, &v);
    if (s == RLC_OK) {
      succeeded = true;
      rlc_vec_env_destroy(v);
    } else {
      failures++;
      CHECK_MSG(s == RLC_ERR_NOMEM, "budget %d: %s", k, rlc_status_name(s));
      CHECK(v == NULL);
    }
    CHECK_MSG(alloc_live == 0, "vec budget %d: %lld blocks leaked", k, alloc_live);
  }
  CHECK(succeeded);
  CHECK(failures >= 10);
  rlc_set_allocator(NULL);
}

//------------------------------------------------------------------------------
// Transition models
//------------------------------------------------------------------------------

TEST(mdp_api_create_add_finish) {
  rlcMdp *m = (rlcMdp *)&user_tag;
  CHECK_ERR(rlc_mdp_create(0, 2, &m), RLC_ERR_ARG);
  CHECK(m == NULL);
  CHECK_ERR(rlc_mdp_create(2, 0, &m), RLC_ERR_ARG);
  CHECK_OK(rlc_mdp_create(3, 2, &m));
  if (!m) return;
  CHECK_EQ_INT(m->n_states, 3);
  CHECK_EQ_INT(m->n_actions, 2);
  CHECK(m->initial[0] == 1.0 && m->initial[1] == 0.0 && m->initial[2] == 0.0);
  // Cells (0,0) and (0,1) are skipped; (1,0) gets two entries in listed order.
  CHECK_OK(rlc_mdp_add(m, 1, 0, 0.25, 2, 1.5, false));
  CHECK_OK(rlc_mdp_add(m, 1, 0, 0.75, 0, -1.0, true));
  CHECK_OK(rlc_mdp_add(m, 2, 0, 1.0, 2, 0.0, true));
  // Going back is an error and changes nothing.
  rlc_clear_error();
  CHECK_ERR(rlc_mdp_add(m, 1, 1, 1.0, 0, 0.0, false), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "order") != NULL);
  CHECK_ERR(rlc_mdp_add(m, 0, 0, 1.0, 0, 0.0, false), RLC_ERR_ARG);
  // Out of range states, actions and next states.
  CHECK_ERR(rlc_mdp_add(m, 3, 0, 1.0, 0, 0.0, false), RLC_ERR_ARG);
  CHECK_ERR(rlc_mdp_add(m, 2, 2, 1.0, 0, 0.0, false), RLC_ERR_ARG);
  CHECK_ERR(rlc_mdp_add(m, 2, 1, 1.0, 3, 0.0, false), RLC_ERR_ARG);
  CHECK_ERR(rlc_mdp_add(m, 2, -1, 1.0, 0, 0.0, false), RLC_ERR_ARG);
  rlc_mdp_finish(m);
  CHECK(m->all_valid);
  CHECK_EQ_INT(rlc_mdp_count(m, 0, 0), 0);
  CHECK_EQ_INT(rlc_mdp_count(m, 0, 1), 0);
  CHECK_EQ_INT(rlc_mdp_count(m, 1, 0), 2);
  CHECK_EQ_INT(rlc_mdp_count(m, 1, 1), 0);
  CHECK_EQ_INT(rlc_mdp_count(m, 2, 0), 1);
  CHECK_EQ_INT(rlc_mdp_count(m, 2, 1), 0);  // after the last add: filled by finish
  CHECK_EQ_INT(m->first[6], 3);
  const rlcTransition *e = rlc_mdp_entries(m, 1, 0);
  CHECK(e[0].prob == 0.25 && e[0].next_state == 2 && e[0].reward == 1.5 && !e[0].terminated);
  CHECK(e[1].prob == 0.75 && e[1].next_state == 0 && e[1].reward == -1.0 && e[1].terminated);
  e = rlc_mdp_entries(m, 2, 0);
  CHECK(e[0].next_state == 2 && e[0].terminated);
  // No adds after finish.
  CHECK_ERR(rlc_mdp_add(m, 2, 1, 1.0, 0, 0.0, false), RLC_ERR_ARG);
  rlc_mdp_destroy(m);
  rlc_mdp_destroy(NULL);
}

TEST(mdp_api_grows_and_empty_table) {
  rlcMdp *m = NULL;
  CHECK_OK(rlc_mdp_create(1, 1, &m));
  if (!m) return;
  // More entries than cells: the table grows.
  for (int i = 0; i < 10; i++) CHECK_OK(rlc_mdp_add(m, 0, 0, 0.1, 0, (double)i, false));
  rlc_mdp_finish(m);
  CHECK_EQ_INT(rlc_mdp_count(m, 0, 0), 10);
  const rlcTransition *e = rlc_mdp_entries(m, 0, 0);
  bool ok = true;
  for (int i = 0; i < 10; i++) ok &= e[i].reward == (double)i;
  CHECK(ok);
  rlc_mdp_destroy(m);

  CHECK_OK(rlc_mdp_create(2, 3, &m));
  if (!m) return;
  rlc_mdp_finish(m);  // no entries at all
  for (int s = 0; s < 2; s++)
    for (int a = 0; a < 3; a++) CHECK_EQ_INT(rlc_mdp_count(m, s, a), 0);
  CHECK(m->all_valid);
  rlc_mdp_destroy(m);
}

TEST(mdp_api_valid_and_check_action) {
  rlcMdp *m = NULL;
  CHECK_OK(rlc_mdp_create(3, 3, &m));
  if (!m) return;
  m->valid[1 * 3 + 1] = false;  // state 1: action 1 impossible
  m->valid[2 * 3 + 0] = false;  // state 2: actions 0 and 2 impossible
  m->valid[2 * 3 + 2] = false;
  for (int s = 0; s < 3; s++)
    for (int a = 0; a < 3; a++) CHECK_OK(rlc_mdp_add(m, s, a, 1.0, s, 0.0, false));
  rlc_mdp_finish(m);
  CHECK(!m->all_valid);
  int32_t s = 0;
  for (int a = 0; a < 3; a++) CHECK_OK(rlc_mdp_check_action(m, &s, a));
  s = 1;
  CHECK_OK(rlc_mdp_check_action(m, &s, 0));
  CHECK_OK(rlc_mdp_check_action(m, &s, 2));
  rlc_clear_error();
  CHECK_ERR(rlc_mdp_check_action(m, &s, 1), RLC_ERR_ARG);
  CHECK_MSG(strcmp(rlc_last_error(), "action 1 is not possible in state 1 (possible: 0, 2)") == 0,
            "got '%s'", rlc_last_error());
  s = 2;
  CHECK_ERR(rlc_mdp_check_action(m, &s, 0), RLC_ERR_ARG);
  CHECK_MSG(strcmp(rlc_last_error(), "action 0 is not possible in state 2 (possible: 1)") == 0,
            "got '%s'", rlc_last_error());
  CHECK_OK(rlc_mdp_check_action(m, &s, 1));
  rlc_mdp_destroy(m);
}

TEST(mdp_api_check_action_out_of_range) {
  // An action outside [0, n_actions) is impossible in every state; it must be
  // rejected, not looked up in a neighbouring state's row. (The cases are
  // chosen so that the wrong lookups stay inside the table.)
  rlcMdp *m = NULL;
  CHECK_OK(rlc_mdp_create(3, 2, &m));
  if (!m) return;
  m->valid[2 * 2 + 1] = false;  // state 2, action 1
  rlc_mdp_finish(m);
  CHECK(!m->all_valid);
  int32_t s = 0;
  CHECK_ERR(rlc_mdp_check_action(m, &s, 2), RLC_ERR_ARG);   // would read (1, 0)
  s = 1;
  CHECK_ERR(rlc_mdp_check_action(m, &s, -1), RLC_ERR_ARG);  // would read (0, 1)
  CHECK_ERR(rlc_mdp_check_action(m, &s, 2), RLC_ERR_ARG);   // would read (2, 0)
  CHECK_OK(rlc_mdp_check_action(m, &s, 1));
  rlc_mdp_destroy(m);
}

// A tiny env driven by an rlcMdp (first entry of P[s][a]), to check that
// impossible actions are rejected by step() and reported by the action mask.
static void mdp_env_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  *(int32_t *)state = 0;
  *(int32_t *)obs = 0;
}

static void mdp_env_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action,
                         void *obs, double *reward, bool *terminated, bool *truncated) {
  int s = *(int32_t *)state, a = *(const int32_t *)action;
  const rlcTransition *t = rlc_mdp_entries(spec->mdp, s, a);
  *(int32_t *)state = t->next_state;
  *(int32_t *)obs = t->next_state;
  *reward = t->reward;
  *terminated = t->terminated;
}

static const rlcEnvClass mdp_env_class = {
    .name = "TestMdp", .state_size = sizeof(int32_t), .reset = mdp_env_reset, .step = mdp_env_step};

// States 0 -a0-> 1 -a0-> 2 (terminal); action 1 loops, except in state 1 where it is impossible.
static rlcEnvSpec *make_mdp_spec(void) {
  rlcEnvSpec *spec = rlc_calloc(1, sizeof *spec);
  if (!spec) return NULL;
  snprintf(spec->id, sizeof spec->id, "TestMdp-v0");
  spec->observation_space = rlc_space_discrete(3);
  spec->action_space = rlc_space_discrete(2);
  spec->reward_threshold = NAN;
  spec->cls = &mdp_env_class;
  spec->state_size = sizeof(int32_t);
  if (rlc_mdp_create(3, 2, &spec->mdp)) {
    rlc_free(spec);
    return NULL;
  }
  rlcMdp *m = spec->mdp;
  m->valid[1 * 2 + 1] = false;
  rlc_mdp_add(m, 0, 0, 1.0, 1, 1.0, false);
  rlc_mdp_add(m, 0, 1, 1.0, 0, 0.0, false);
  rlc_mdp_add(m, 1, 0, 1.0, 2, 10.0, true);
  rlc_mdp_add(m, 1, 1, 1.0, 1, 0.0, false);
  rlc_mdp_add(m, 2, 0, 1.0, 2, 0.0, true);
  rlc_mdp_add(m, 2, 1, 1.0, 2, 0.0, true);
  rlc_mdp_finish(m);
  return spec;
}

TEST(mdp_api_env_rejects_impossible_actions) {
  rlcEnv *env = NULL;
  CHECK_ERR(rlc_env_create_from_spec(NULL, &env), RLC_ERR_ARG);
  rlcEnvSpec *spec = make_mdp_spec();
  CHECK(spec != NULL);
  if (!spec) return;
  CHECK(!spec->mdp->all_valid);
  CHECK_OK(rlc_env_create_from_spec(spec, &env));
  if (!env) return;
  int32_t obs = -1, a;
  double r;
  bool term, trunc;
  CHECK_OK(rlc_env_reset(env, 0, &obs));
  CHECK_EQ_INT(obs, 0);
  bool mask[2] = {false, false};
  CHECK_OK(rlc_env_action_mask(env, mask));
  CHECK(mask[0] && mask[1]);
  a = 0;
  CHECK_OK(rlc_env_step(env, &a, &obs, &r, &term, &trunc));
  CHECK_EQ_INT(obs, 1);
  CHECK_OK(rlc_env_action_mask(env, mask));
  CHECK(mask[0] && !mask[1]);
  a = 1;
  rlc_clear_error();
  CHECK_ERR(rlc_env_step(env, &a, &obs, &r, &term, &trunc), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "not possible in state 1") != NULL);
  CHECK_EQ_INT(*(int32_t *)env->state, 1);  // nothing moved
  CHECK_EQ_INT(env->episode_length, 1);
  a = 0;
  CHECK_OK(rlc_env_step(env, &a, &obs, &r, &term, &trunc));
  CHECK_EQ_INT(obs, 2);
  CHECK(r == 10.0 && term && !trunc);
  CHECK(env->episode_return == 11.0);
  rlc_env_destroy(env);

  // The vector env checks every copy before moving any.
  rlcVecEnvDef def = {.num_envs = 2, .num_threads = 1};
  rlcVecEnv *v = NULL;
  spec = make_mdp_spec();
  CHECK_OK(rlc_vec_env_create_from_spec(spec, &def, &v));
  if (!v) return;
  CHECK_OK(rlc_vec_env_reset(v, 0));
  int32_t acts[2] = {0, 1};
  CHECK_OK(rlc_vec_env_step(v, acts));  // copy 0 -> state 1, copy 1 stays in 0
  CHECK_EQ_INT(((int32_t *)v->obs)[0], 1);
  CHECK_EQ_INT(((int32_t *)v->obs)[1], 0);
  acts[0] = 1, acts[1] = 0;  // copy 0 may not take action 1 in state 1
  CHECK_ERR(rlc_vec_env_step(v, acts), RLC_ERR_ARG);
  CHECK_EQ_INT(((int32_t *)v->obs)[0], 1);
  CHECK_EQ_INT(((int32_t *)v->obs)[1], 0);
  CHECK_EQ_INT(v->total_steps, 2);
  rlc_vec_env_destroy(v);
}
