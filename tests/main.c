// tests/main.c: runs the registered unit tests; exit status is the verdict and
// the last line is "N passed, N failed".
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

#define MAX_TESTS 1024

typedef struct { const char *name; test_fn fn; } TestCase;
static TestCase tests[MAX_TESTS];
static int n_tests;
int test_failed_checks;
static char tmpdir[256];

void test_register(const char *name, test_fn fn) {
  if (n_tests < MAX_TESTS) tests[n_tests++] = (TestCase){name, fn};
}

void test_fail(const char *file, int line, const char *fmt, ...) {
  if (test_failed_checks++ >= 20) return;  // one broken loop must not flood the log
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "    %s:%d: ", file, line);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

const char *test_reference_dir(void) {
  const char *d = getenv("RLC_REFERENCE_DIR");
  return d && *d ? d : "../shared/reference";
}

int test_under_valgrind(void) {
  const char *p = getenv("LD_PRELOAD");
  return p && strstr(p, "vgpreload") != NULL;
}

const char *test_tmpdir(void) {
  if (!tmpdir[0]) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/rlc-test-XXXXXX");
    if (!mkdtemp(tmpdir)) return "/tmp";
  }
  return tmpdir;
}

static void cleanup(void) {
  if (tmpdir[0]) {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
  }
}

static int by_name(const void *a, const void *b) {
  return strcmp(((const TestCase *)a)->name, ((const TestCase *)b)->name);
}

int main(int argc, char **argv) {
  atexit(cleanup);
  rlc_set_log_level(RLC_LOG_ERROR);
  qsort(tests, n_tests, sizeof tests[0], by_name);
  int passed = 0, failed = 0;
  for (int i = 0; i < n_tests; i++) {
    bool selected = argc < 2;
    for (int a = 1; a < argc; a++) selected |= strstr(tests[i].name, argv[a]) != NULL;
    if (!selected) continue;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    test_failed_checks = 0;
    tests[i].fn();
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    if (test_failed_checks) {
      printf("FAIL %s (%d failed checks)\n", tests[i].name, test_failed_checks);
      failed++;
    } else {
      printf("ok   %s (%.0f ms)\n", tests[i].name, ms);
      passed++;
    }
    fflush(stdout);
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
