// tests/test.h: the unit-test harness. Each tests/test_*.c file defines cases with
// TEST(name); they register themselves and tests/main.c runs them (optionally a
// subset: `build/test_rlc cartpole` runs cases whose name contains "cartpole").
#ifndef RLC_TEST_H
#define RLC_TEST_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rlc/rlc.h"

typedef void (*test_fn)(void);
void test_register(const char *name, test_fn fn);
void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
extern int test_failed_checks;
// The reference folder: $RLC_REFERENCE_DIR or ../shared/reference.
const char *test_reference_dir(void);
// A fresh temp directory for this test case (removed at exit).
const char *test_tmpdir(void);
// True when the suite runs under valgrind (its preload library is in
// LD_PRELOAD). Valgrind does not emulate the SSE flush-to-zero and
// denormals-are-zero modes, so checks of their effect are skipped there.
int test_under_valgrind(void);
// Registers HeapWalk-v0, an env whose state owns heap memory (test_env_hooks.c).
void test_register_heap_walk(void);

#define TEST(name)                                                           \
  static void name(void);                                                    \
  __attribute__((constructor)) static void test_reg_##name(void) {           \
    test_register(#name, name);                                              \
  }                                                                          \
  static void name(void)

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);          \
  } while (0)
#define CHECK_MSG(cond, ...)                                                 \
  do {                                                                       \
    if (!(cond)) test_fail(__FILE__, __LINE__, __VA_ARGS__);                 \
  } while (0)
#define CHECK_OK(expr)                                                       \
  do {                                                                       \
    rlcStatus s_ = (expr);                                                   \
    if (s_ != RLC_OK)                                                        \
      test_fail(__FILE__, __LINE__, "%s -> %s: %s", #expr, rlc_status_name(s_), \
                rlc_last_error());                                           \
  } while (0)
#define CHECK_ERR(expr, code)                                                \
  do {                                                                       \
    rlcStatus s_ = (expr);                                                   \
    if (s_ != (code))                                                        \
      test_fail(__FILE__, __LINE__, "%s -> %s, expected %s", #expr,          \
                rlc_status_name(s_), rlc_status_name(code));                 \
  } while (0)
#define CHECK_EQ_INT(a, b)                                                   \
  do {                                                                       \
    long long a_ = (long long)(a), b_ = (long long)(b);                      \
    if (a_ != b_) test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, a_, b_); \
  } while (0)
#define CHECK_NEAR(a, b, tol)                                                \
  do {                                                                       \
    double a_ = (double)(a), b_ = (double)(b);                               \
    if (!(fabs(a_ - b_) <= (tol)))                                           \
      test_fail(__FILE__, __LINE__, "%s ~ %s: %.17g vs %.17g (tol %g)", #a, #b, a_, b_, (double)(tol)); \
  } while (0)

#endif
