// core.c: status text, the thread's last error, logging and allocator hooks.
// Depends on: rlc/core.h.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "rlc/core.h"

//------------------------------------------------------------------------------
// Status and errors
//------------------------------------------------------------------------------

static _Thread_local char last_error[512];

const char *rlc_status_name(rlcStatus s) {
  switch (s) {
    case RLC_OK: return "ok";
    case RLC_ERR_ARG: return "invalid argument";
    case RLC_ERR_NOT_FOUND: return "not found";
    case RLC_ERR_NOMEM: return "out of memory";
    case RLC_ERR_IO: return "i/o error";
    case RLC_ERR_FORMAT: return "malformed input";
    case RLC_ERR_STATE: return "invalid state";
    case RLC_ERR_UNSUPPORTED: return "unsupported";
  }
  return "unknown status";
}

const char *rlc_last_error(void) { return last_error; }

rlcStatus rlc_error(rlcStatus s, const char *fmt, ...) {
  // Format aside first: callers may wrap the previous message
  // (rlc_error(s, "loading x: %s", rlc_last_error())).
  char msg[sizeof last_error];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  memcpy(last_error, msg, sizeof msg);
  // One line, always: messages end up on a terminal after "rlc: error: ".
  for (char *p = last_error; *p; p++)
    if (*p == '\n') *p = ' ';
  return s;
}

void rlc_clear_error(void) { last_error[0] = 0; }

//------------------------------------------------------------------------------
// Logging
//------------------------------------------------------------------------------

static void log_stderr(rlcLogLevel level, const char *msg, void *user) {
  (void)user;
  static const char *names[] = {"debug", "info", "warning", "error"};
  fprintf(stderr, "rlc: %s: %s\n", names[level], msg);
}

static rlcLogFn log_fn = log_stderr;
static void *log_user;
static rlcLogLevel log_min = RLC_LOG_WARN;

void rlc_set_log_callback(rlcLogFn fn, void *user) {
  log_fn = fn;
  log_user = user;
}

void rlc_set_log_level(rlcLogLevel min_level) { log_min = min_level; }

void rlc_log(rlcLogLevel level, const char *fmt, ...) {
  if (!log_fn || level < log_min) return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  log_fn(level, msg, log_user);
}

//------------------------------------------------------------------------------
// Allocator hooks
//------------------------------------------------------------------------------

static void *std_malloc(size_t n, void *u) { (void)u; return malloc(n); }
static void *std_realloc(void *p, size_t n, void *u) { (void)u; return realloc(p, n); }
static void std_free(void *p, void *u) { (void)u; free(p); }

static rlcAllocator alloc = {std_malloc, std_realloc, std_free, NULL};

void rlc_set_allocator(const rlcAllocator *a) {
  alloc = a ? *a : (rlcAllocator){std_malloc, std_realloc, std_free, NULL};
}

//------------------------------------------------------------------------------
// Memory limit
//------------------------------------------------------------------------------

static size_t user_limit;  // 0: none set through rlc_set_memory_limit
static bool user_limit_set;

void rlc_set_memory_limit(size_t bytes) {
  user_limit = bytes;
  user_limit_set = true;
}

// "4G", "512M", "1e9": the environment's limit in bytes (0: none or malformed).
static size_t env_limit(void) {
  const char *t = getenv("RLC_MEMORY_LIMIT");
  if (!t || !*t) return 0;
  char *end;
  double v = strtod(t, &end);
  static const char units[] = "KMGT";
  const char *u = *end ? strchr(units, *end & ~0x20) : NULL;
  if (u && *end) {
    for (int i = 0; i <= u - units; i++) v *= 1024;
    end++;
  }
  if (*end || !(v >= 1) || v >= 0x1p63) return 0;
  return (size_t)v;
}

size_t rlc_memory_limit(void) {
  static size_t phys;
  if (!phys) {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    phys = pages > 0 && page > 0 ? (size_t)pages * (size_t)page : SIZE_MAX;
  }
  static size_t env = SIZE_MAX;  // read once
  if (env == SIZE_MAX) env = env_limit();
  size_t lim = user_limit_set ? user_limit : env;
  return lim && lim < phys ? lim : lim ? phys : phys / 2;
}

static void format_bytes(char *buf, size_t n, double b) {
  if (b >= 0x1p30) snprintf(buf, n, "%.1f GiB", b / 0x1p30);
  else if (b >= 0x1p20) snprintf(buf, n, "%.1f MiB", b / 0x1p20);
  else snprintf(buf, n, "%.0f bytes", b);
}

rlcStatus rlc_memory_check(double bytes, const char *what) {
  size_t lim = rlc_memory_limit();
  if (bytes <= (double)lim) return RLC_OK;
  char need[32], have[32];
  format_bytes(need, sizeof need, bytes);
  format_bytes(have, sizeof have, (double)lim);
  return rlc_error(RLC_ERR_NOMEM, "%s would need %s; the memory limit is %s (RLC_MEMORY_LIMIT, physical memory)",
                   what, need, have);
}

void *rlc_malloc(size_t size) {
  if (size > rlc_memory_limit()) {
    rlc_memory_check((double)size, "an allocation");
    return NULL;
  }
  void *p = alloc.malloc(size ? size : 1, alloc.user);
  if (!p) rlc_error(RLC_ERR_NOMEM, "out of memory (%zu bytes)", size);
  return p;
}

void *rlc_calloc(size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) {
    rlc_error(RLC_ERR_NOMEM, "allocation too large (%zu x %zu bytes)", n, size);
    return NULL;
  }
  void *p = rlc_malloc(n * size);
  if (p) memset(p, 0, n * size);
  return p;
}

void *rlc_realloc(void *ptr, size_t size) {
  if (size > rlc_memory_limit()) {
    rlc_memory_check((double)size, "an allocation");
    return NULL;
  }
  void *p = alloc.realloc(ptr, size ? size : 1, alloc.user);
  if (!p) rlc_error(RLC_ERR_NOMEM, "out of memory (%zu bytes)", size);
  return p;
}

void rlc_free(void *ptr) {
  if (ptr) alloc.free(ptr, alloc.user);
}

char *rlc_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = rlc_malloc(n);
  if (p) memcpy(p, s, n);
  return p;
}

uint64_t rlc_entropy_seed(void) {
  uint64_t s;
  if (getrandom(&s, sizeof s, 0) == (ssize_t)sizeof s) return s;
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (uint64_t)t.tv_sec * 1000000007u ^ (uint64_t)t.tv_nsec;
}

double rlc_time_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + t.tv_nsec * 1e-9;
}
