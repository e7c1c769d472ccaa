// fuzz.h: what the libFuzzer harnesses share: a scratch directory of their
// own, a small memory limit (so an input that asks for a huge buffer is
// refused by the library, as it must be, instead of tripping libFuzzer's
// malloc limit), and the checkpoint/network framing (magic, version, CRC)
// around a mutated payload so the fuzzer gets past the CRC.
#ifndef RLC_FUZZ_H
#define RLC_FUZZ_H

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rlc/rlc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[256];

static int fuzz_remove(const char *p, const struct stat *st, int flag, struct FTW *f) {
  (void)st, (void)flag, (void)f;
  return remove(p);
}

// The scratch directory goes when the fuzzer exits (not after a crash: the
// files may help).
static void fuzz_cleanup(void) { nftw(fuzz_dir, fuzz_remove, 16, FTW_DEPTH | FTW_PHYS); }

static inline void fuzz_setup(const char *name) {
  rlc_set_log_callback(NULL, NULL);
  rlc_set_memory_limit((size_t)256 << 20);
  const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  snprintf(fuzz_dir, sizeof fuzz_dir, "%s/rlc-fuzz-%s.%d", base, name, (int)getpid());
  mkdir(fuzz_dir, 0700);
  atexit(fuzz_cleanup);
}

static inline void fuzz_path(char *out, size_t n, const char *name) { snprintf(out, n, "%s/%s", fuzz_dir, name); }

static inline void fuzz_write(const char *name, const void *data, size_t size) {
  char p[512];
  fuzz_path(p, sizeof p, name);
  FILE *f = fopen(p, "wb");
  if (!f) abort();
  if (size && fwrite(data, 1, size, f) != size) abort();
  fclose(f);
}

// magic | u32 version | payload | u32 CRC-32 of everything before.
static inline void fuzz_write_framed(const char *name, const char *magic, uint32_t version, const uint8_t *payload,
                              size_t size) {
  size_t n = 8 + 4 + size + 4;
  uint8_t *buf = malloc(n);
  memcpy(buf, magic, 8);
  memcpy(buf + 8, &version, 4);
  if (size) memcpy(buf + 12, payload, size);
  uint32_t crc = rlc_crc32(0, buf, n - 4);
  memcpy(buf + n - 4, &crc, 4);
  fuzz_write(name, buf, n);
  free(buf);
}

// Splits data at the first occurrence of sep: returns a malloc'd NUL-ended
// copy of the part before it and advances *data/*size past it (the whole
// rest when sep is absent).
static inline char *fuzz_take(const uint8_t **data, size_t *size, char sep) {
  const uint8_t *p = *data;
  size_t n = *size, k = 0;
  while (k < n && p[k] != (uint8_t)sep) k++;
  char *s = malloc(k + 1);
  memcpy(s, p, k);
  s[k] = 0;
  *data = p + (k < n ? k + 1 : k);
  *size = n - (k < n ? k + 1 : k);
  return s;
}

// A short real run in dir (CartPole DQN, a few hundred steps), so harnesses
// can take its checkpoint's version and files.
static inline void fuzz_make_run(const char *dir) {
  rlcOpts *cfg = malloc(sizeof *cfg);
  const char *sets[] = {"steps=300,eval_interval=0,eval_episodes=1,gif=false,learning_starts=50,buffer_size=500"};
  rlcRun *r;
  if (rlc_run_config(cfg, "dqn", "CartPole-v1", NULL, sets, 1) || rlc_run_create(cfg, dir, true, &r)) {
    fprintf(stderr, "fuzz: cannot make a run: %s\n", rlc_last_error());
    abort();
  }
  if (rlc_run_train(r, 0, 0, NULL, NULL)) {
    fprintf(stderr, "fuzz: cannot train: %s\n", rlc_last_error());
    abort();
  }
  rlc_run_destroy(r);
  free(cfg);
}

static inline uint8_t *fuzz_read(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) abort();
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *buf = malloc(len ? (size_t)len : 1);
  if (fread(buf, 1, (size_t)len, f) != (size_t)len) abort();
  fclose(f);
  *n = (size_t)len;
  return buf;
}

#endif
