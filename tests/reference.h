// tests/reference.h: shared pieces of the reference replay (tests/reference*.c):
// a record reader, the failure message, tolerances, and the replay functions.
#ifndef RLC_TEST_REFERENCE_H
#define RLC_TEST_REFERENCE_H

#include <stdbool.h>
#include <stdio.h>

#include "rlc/rlc.h"

#define MAX_TOK 2048

typedef struct {
  FILE *f;
  char line[16384];
  char *tok[MAX_TOK];
  int ntok, lineno;
} Reader;

bool reader_open(Reader *r, const char *path);
bool reader_next(Reader *r);  // next data record, split into tokens; false at the end
double num(const Reader *r, int i);

// The first failure of the file being checked ("" while none).
extern char why[512];
int fail(const Reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool close_rel(double a, double b, double rel, double abs_floor);

typedef struct {
  long steps, open_loop_exact_steps;
} Counts;

// A replay checks one file against env `env_id`; it returns nonzero after fail().
typedef int (*ReplayFn)(const char *path, const char *env_id, Counts *c);

int replay_classic(const char *path, const char *env_id, Counts *c);
// tests/reference_toytext.c: FrozenLake/CliffWalking/Taxi trajectories, P tables, Blackjack.
int replay_toytext(const char *path, const char *env_id, Counts *c);
int replay_mdp(const char *path, const char *env_id, Counts *c);
int replay_blackjack(const char *path, const char *env_id, Counts *c);
// tests/reference_minatar.c: the five MinAtar games, replayed from the seeds.
int replay_minatar(const char *path, const char *env_id, Counts *c);

// tests/reference_lunarlander.c: LunarLander resets, rollouts and statistics (README tolerances).
int replay_lunarlander_resets(const char *path, const char *env_id, Counts *c);
int replay_lunarlander_rollouts(const char *path, const char *env_id, Counts *c);
int replay_lunarlander_stats(const char *path, const char *env_id, Counts *c);

#endif
