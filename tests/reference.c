// tests/reference.c: replays the trajectories recorded from Gymnasium and
// MinAtar (../shared/reference, or $RLC_REFERENCE_DIR) against rlc's envs.
// One line per file: "PASS name (N steps)", "FAIL name: why" or
// "SKIP name (env not implemented yet)"; the last line is the total. A file
// whose env is registered never skips.
// Depends on: the public rlc API only.
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"

//------------------------------------------------------------------------------
// Reading record files
//------------------------------------------------------------------------------

bool reader_open(Reader *r, const char *path) {
  memset(r, 0, sizeof *r);
  r->f = fopen(path, "r");
  return r->f != NULL;
}

// Next data record (comments skipped), split into tokens; false at the end.
bool reader_next(Reader *r) {
  while (fgets(r->line, sizeof r->line, r->f)) {
    r->lineno++;
    if (r->line[0] == '#' || r->line[0] == '\n') continue;
    r->ntok = 0;
    for (char *t = strtok(r->line, " \t\r\n"); t && r->ntok < MAX_TOK; t = strtok(NULL, " \t\r\n"))
      r->tok[r->ntok++] = t;
    if (r->ntok) return true;
  }
  return false;
}

double num(const Reader *r, int i) { return i < r->ntok ? strtod(r->tok[i], NULL) : NAN; }

// The failure of the file being checked (first one wins).
char why[512];
int fail(const Reader *r, const char *fmt, ...) {
  if (why[0]) return 1;
  va_list ap;
  va_start(ap, fmt);
  int n = r ? snprintf(why, sizeof why, "line %d: ", r->lineno) : 0;
  vsnprintf(why + n, sizeof why - n, fmt, ap);
  va_end(ap);
  return 1;
}

bool close_rel(double a, double b, double rel, double abs_floor) {
  return fabs(a - b) <= fmax(rel * fmax(fabs(a), fabs(b)), abs_floor);
}

//------------------------------------------------------------------------------
// The files
//------------------------------------------------------------------------------

typedef struct {
  const char *file;
  const char *env_id;  // the env that must exist for the file to be checked
  ReplayFn replay;     // NULL: not written yet (a failure once the env exists)
} RefFile;

static const RefFile files[] = {
    {"cartpole_v1.txt", "CartPole-v1", replay_classic},
    {"cartpole_v0.txt", "CartPole-v0", replay_classic},
    {"mountaincar_v0.txt", "MountainCar-v0", replay_classic},
    {"mountaincarcontinuous_v0.txt", "MountainCarContinuous-v0", replay_classic},
    {"acrobot_v1.txt", "Acrobot-v1", replay_classic},
    {"pendulum_v1.txt", "Pendulum-v1", replay_classic},
    {"frozenlake_v1.txt", "FrozenLake-v1", replay_toytext},
    {"frozenlake8x8_v1.txt", "FrozenLake8x8-v1", replay_toytext},
    {"frozenlake_v1_P.txt", "FrozenLake-v1", replay_mdp},
    {"frozenlake_v1_slippery_P.txt", "FrozenLake-v1", replay_mdp},
    {"frozenlake8x8_v1_P.txt", "FrozenLake8x8-v1", replay_mdp},
    {"frozenlake8x8_v1_slippery_P.txt", "FrozenLake8x8-v1", replay_mdp},
    {"cliffwalking_v1.txt", "CliffWalking-v1", replay_toytext},
    {"cliffwalking_v1_P.txt", "CliffWalking-v1", replay_mdp},
    {"cliffwalking_v1_slippery_P.txt", "CliffWalking-v1", replay_mdp},
    {"taxi_v4.txt", "Taxi-v4", replay_toytext},
    {"taxi_v4_P.txt", "Taxi-v4", replay_mdp},
    {"taxi_v4_rainy_P.txt", "Taxi-v4", replay_mdp},
    {"blackjack_v1.txt", "Blackjack-v1", replay_blackjack},
    {"minatar_breakout.txt", "MinAtar/Breakout-v1", replay_minatar},
    {"minatar_space_invaders.txt", "MinAtar/SpaceInvaders-v1", replay_minatar},
    {"minatar_freeway.txt", "MinAtar/Freeway-v1", replay_minatar},
    {"minatar_asterix.txt", "MinAtar/Asterix-v1", replay_minatar},
    {"minatar_seaquest.txt", "MinAtar/Seaquest-v1", replay_minatar},
    {"lunarlander_v3_resets.txt", "LunarLander-v3", replay_lunarlander_resets},
    {"lunarlander_v3_rollouts.txt", "LunarLander-v3", replay_lunarlander_rollouts},
    {"lunarlander_v3_stats.txt", "LunarLander-v3", replay_lunarlander_stats},
};

int main(int argc, char **argv) {
  const char *dir = getenv("RLC_REFERENCE_DIR");
  if (!dir || !*dir) dir = "../shared/reference";
  int passed = 0, failed = 0, skipped = 0;
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    const RefFile *f = &files[i];
    if (argc > 1 && !strstr(f->file, argv[1])) continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, f->file);
    bool implemented = rlc_env_registry_find(f->env_id) != NULL;
    if (!implemented) {
      printf("SKIP %s (env not implemented yet)\n", f->file);
      skipped++;
      continue;
    }
    why[0] = 0;
    Counts c = {0};
    if (!f->replay) fail(NULL, "no replay written for this file although %s exists", f->env_id);
    else f->replay(path, f->env_id, &c);
    if (!why[0] && c.steps == 0) fail(NULL, "no steps in the file");
    if (why[0]) {
      printf("FAIL %s: %s\n", f->file, why);
      failed++;
    } else {
      printf("PASS %s (%ld steps; open loop bit-exact for %ld)\n", f->file, c.steps, c.open_loop_exact_steps);
      passed++;
    }
    fflush(stdout);
  }
  printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  return failed ? 1 : 0;
}
