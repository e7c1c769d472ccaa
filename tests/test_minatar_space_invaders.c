// test_minatar_space_invaders.c: MinAtar SpaceInvaders' own rules, through
// minatar_space_invaders directly (no env class): the game's metadata,
// the start state (no draws), a shot killing an alien and the fire cool-down,
// the alien block's sweep, edge flip and descent, an alien bullet ending the
// episode (and acts after the end changing nothing), and the difficulty ramp
// over many cleared waves with a small lookahead player. The recorded episodes
// are replayed by build/test_reference.
#include <stdlib.h>

#include "env/envs/minatar.h"
#include "test.h"

static const rlcMinAtarGame *const SI = &minatar_space_invaders;

// The internal columns: 8 scalars, then the alien, friendly and enemy bullet maps.
enum { I_POS, I_DIR, I_MOVE_INTERVAL, I_MOVE_TIMER, I_SHOT_TIMER_ALIEN, I_RAMP, I_SHOT_TIMER, I_TERMINAL };
#define I_ALIEN 8
#define I_FBULLET 108
#define I_EBULLET 208
#define N_INTERNAL 308

typedef struct {
  _Alignas(16) unsigned char bytes[1024];  // the game's plain-data state
} Game;

typedef struct {
  Game g;
  rlcMt19937 mt;
  int32_t in[N_INTERNAL];  // internal() after the last reset/act
} Run;

static void run_reset(Run *r, uint32_t seed, bool ramping) {
  CHECK(SI->state_size <= sizeof r->g.bytes);
  rlc_mt_seed(&r->mt, seed);
  SI->reset(r->g.bytes, &r->mt, ramping);
  CHECK_EQ_INT(SI->internal(r->g.bytes, r->in, N_INTERNAL), N_INTERNAL);
}

static int run_act(Run *r, int a, bool ramping, bool *terminal) {
  int rew = SI->act(r->g.bytes, &r->mt, a, ramping, terminal);
  SI->internal(r->g.bytes, r->in, N_INTERNAL);
  return rew;
}

static int count(const int32_t *map) {
  int n = 0;
  for (int i = 0; i < 100; i++) n += map[i];
  return n;
}

// The alien map holds exactly rows y0..y0+3 x columns x0..x0+5.
static bool block_at(const int32_t *in, int y0, int x0) {
  for (int y = 0; y < 10; y++)
    for (int x = 0; x < 10; x++)
      if (in[I_ALIEN + y * 10 + x] != (y >= y0 && y < y0 + 4 && x >= x0 && x < x0 + 6)) return false;
  return true;
}

TEST(minatar_space_invaders_metadata) {
  CHECK(strcmp(SI->name, "space_invaders") == 0);
  CHECK(strcmp(SI->title, "SpaceInvaders") == 0);
  CHECK_EQ_INT(SI->channels, 6);
  const char *names[6] = {"cannon", "alien", "alien_left", "alien_right", "friendly_bullet", "enemy_bullet"};
  for (int c = 0; c < 6; c++) CHECK(SI->channel_names[c] && strcmp(SI->channel_names[c], names[c]) == 0);
  CHECK_EQ_INT(SI->n_minimal, 4);
  const int minimal[4] = {RLC_MINATAR_NOOP, RLC_MINATAR_LEFT, RLC_MINATAR_RIGHT, RLC_MINATAR_FIRE};
  for (int i = 0; i < 4; i++) CHECK_EQ_INT(SI->minimal[i], minimal[i]);
}

TEST(minatar_space_invaders_start_state_draws_nothing) {
  Run r;
  run_reset(&r, 1000, true);
  rlcMt19937 fresh;
  rlc_mt_seed(&fresh, 1000);
  CHECK(memcmp(&fresh, &r.mt, sizeof fresh) == 0);  // reset and act draw nothing
  const int32_t head[8] = {5, -1, 12, 12, 10, 0, 0, 0};
  for (int i = 0; i < 8; i++) CHECK_EQ_INT(r.in[i], head[i]);
  CHECK(block_at(r.in, 0, 2));
  CHECK_EQ_INT(count(r.in + I_FBULLET) + count(r.in + I_EBULLET), 0);

  uint8_t obs[600];
  SI->observe(r.g.bytes, obs);
  for (int y = 0; y < 10; y++)
    for (int x = 0; x < 10; x++) {
      const uint8_t *o = obs + (y * 10 + x) * 6;
      int alien = y < 4 && x >= 2 && x < 8;
      CHECK_EQ_INT(o[0], y == 9 && x == 5);
      CHECK_EQ_INT(o[1], alien);
      CHECK_EQ_INT(o[2], alien);  // the block starts moving left
      CHECK_EQ_INT(o[3] + o[4] + o[5], 0);
    }

  // The first recorded step (episode 0: 'd'): only the timers change.
  bool term = true;
  CHECK_EQ_INT(run_act(&r, RLC_MINATAR_DOWN, true, &term), 0);
  CHECK(!term);
  CHECK(memcmp(&fresh, &r.mt, sizeof fresh) == 0);
  CHECK_EQ_INT(r.in[I_POS], 5);
  CHECK_EQ_INT(r.in[I_MOVE_TIMER], 11);
  CHECK_EQ_INT(r.in[I_SHOT_TIMER_ALIEN], 9);
}

// A bullet fired from column 5 rises a row per act and hits the block's bottom
// row on the 6th act; 'f' during the cool-down does nothing (not even a move).
TEST(minatar_space_invaders_shot_kills_alien) {
  Run r;
  bool term = false;
  run_reset(&r, 0, true);
  CHECK_EQ_INT(run_act(&r, RLC_MINATAR_FIRE, true, &term), 0);
  CHECK_EQ_INT(r.in[I_SHOT_TIMER], 4);
  CHECK_EQ_INT(count(r.in + I_FBULLET), 1);
  CHECK_EQ_INT(r.in[I_FBULLET + 8 * 10 + 5], 1);
  for (int t = 2; t <= 5; t++) {
    CHECK_EQ_INT(run_act(&r, RLC_MINATAR_FIRE, true, &term), 0);
    CHECK_EQ_INT(r.in[I_SHOT_TIMER], 5 - t);
    CHECK_EQ_INT(count(r.in + I_FBULLET), 1);
    CHECK_EQ_INT(r.in[I_FBULLET + (9 - t) * 10 + 5], 1);
    CHECK_EQ_INT(r.in[I_POS], 5);
  }
  CHECK_EQ_INT(run_act(&r, RLC_MINATAR_NOOP, true, &term), 1);
  CHECK(!term);
  CHECK_EQ_INT(count(r.in + I_FBULLET), 0);
  CHECK_EQ_INT(count(r.in + I_ALIEN), 23);
  CHECK_EQ_INT(r.in[I_ALIEN + 3 * 10 + 5], 0);
  // Ready again: the next shot leaves from the cannon's new column.
  CHECK_EQ_INT(run_act(&r, RLC_MINATAR_LEFT, true, &term), 0);
  CHECK_EQ_INT(run_act(&r, RLC_MINATAR_FIRE, true, &term), 0);
  CHECK_EQ_INT(r.in[I_FBULLET + 8 * 10 + 4], 1);
  CHECK_EQ_INT(r.in[I_SHOT_TIMER], 4);
}

// With the cannon parked in column 9, out of the aliens' line of fire: the
// block steps left every 12 acts (at acts 13 and 25), and at act 37, touching
// column 0, it steps down a row instead and turns right.
TEST(minatar_space_invaders_block_sweeps_and_descends) {
  Run r;
  bool term = false;
  run_reset(&r, 0, true);
  for (int t = 1; t <= 84; t++) {
    CHECK_EQ_INT(run_act(&r, t <= 4 ? RLC_MINATAR_RIGHT : RLC_MINATAR_NOOP, true, &term), 0);
    CHECK(!term);
    int x0 = t < 13 ? 2 : t < 25 ? 1 : t < 49 ? 0 : 1 + (t - 49) / 12;
    CHECK_MSG(block_at(r.in, t < 37 ? 0 : 1, x0), "act %d: the block is not at x0 = %d", t, x0);
    CHECK_EQ_INT(r.in[I_DIR], t < 37 ? -1 : 1);
    CHECK_EQ_INT(r.in[I_MOVE_TIMER], 11 - (t - 1) % 12);
  }
  uint8_t obs[600];
  SI->observe(r.g.bytes, obs);
  CHECK_EQ_INT(obs[(1 * 10 + 4) * 6 + 3], 1);  // moving right now: alien_right
  CHECK_EQ_INT(obs[(1 * 10 + 4) * 6 + 2], 0);
  CHECK_EQ_INT(obs[(9 * 10 + 9) * 6 + 0], 1);
}

// The alien nearest the cannon (column 5, lowest in row 3) shoots
// (its timer starts at 10 and is tested before the decrement) at act 11;
// the bullet falls a row per act and reaches the cannon's row at act 17.
TEST(minatar_space_invaders_enemy_bullet_ends_episode) {
  Run r;
  bool term = false;
  run_reset(&r, 0, true);
  for (int t = 1; t <= 16; t++) {
    CHECK_EQ_INT(run_act(&r, RLC_MINATAR_NOOP, true, &term), 0);
    CHECK(!term);
    if (t >= 11) {
      CHECK_EQ_INT(count(r.in + I_EBULLET), 1);
      CHECK_EQ_INT(r.in[I_EBULLET + (t - 8) * 10 + 5], 1);
    }
  }
  CHECK_EQ_INT(r.in[I_SHOT_TIMER_ALIEN], 4);
  Run dodge = r;
  CHECK_EQ_INT(run_act(&dodge, RLC_MINATAR_RIGHT, true, &term), 0);
  CHECK(!term);

  CHECK_EQ_INT(run_act(&r, RLC_MINATAR_NOOP, true, &term), 0);
  CHECK(term);
  CHECK_EQ_INT(r.in[I_TERMINAL], 1);
  int32_t before[N_INTERNAL];
  memcpy(before, r.in, sizeof before);
  for (int a = 0; a < 6; a++) {
    term = false;
    CHECK_EQ_INT(run_act(&r, a, true, &term), 0);
    CHECK(term);
    CHECK(memcmp(before, r.in, sizeof before) == 0);
  }
}

// A small lookahead player: for each target column, simulate walking there,
// firing once and waiting; take the first step of the plan that kills soonest
// without dying. It copies the game's plain-data state to simulate.
static int plan_score(const Game *g0, int col, bool ramping) {
  Run s = {.g = *g0};
  rlc_mt_seed(&s.mt, 0);
  SI->internal(s.g.bytes, s.in, N_INTERNAL);
  bool term = false, fired = false;
  for (int k = 0; k < 20; k++) {
    int pos = s.in[I_POS];
    int a = col < pos                           ? RLC_MINATAR_LEFT
            : col > pos                         ? RLC_MINATAR_RIGHT
            : !fired && s.in[I_SHOT_TIMER] == 0 ? RLC_MINATAR_FIRE
                                                : RLC_MINATAR_NOOP;
    fired |= a == RLC_MINATAR_FIRE;
    int rew = run_act(&s, a, ramping, &term);
    if (term) return -1000 + k;
    if (rew) return 100 - k;
  }
  return 0;
}

static int planner(const Run *r, bool ramping) {
  int best = -100000, col = r->in[I_POS];
  for (int c = 0; c < 10; c++) {
    int v = plan_score(&r->g, c, ramping);
    if (v > best) best = v, col = c;
  }
  int pos = r->in[I_POS];
  return col < pos                  ? RLC_MINATAR_LEFT
         : col > pos                ? RLC_MINATAR_RIGHT
         : r->in[I_SHOT_TIMER] == 0 ? RLC_MINATAR_FIRE
                                    : RLC_MINATAR_NOOP;
}

// Each cleared wave of 24 refills the block in the same act; with ramping the
// move interval drops by one per wave down to 6 (ramp_index 6), without it
// stays 12.
static void check_waves(bool ramping) {
  Run r;
  bool term = false;
  int total = 0;
  run_reset(&r, 0, ramping);
  for (int t = 1; t <= 3000 && total < 8 * 24 && !term; t++) {
    int before = count(r.in + I_ALIEN);
    int rew = run_act(&r, planner(&r, ramping), ramping, &term);
    total += rew;
    int waves = total / 24;
    int ramp = ramping ? (waves < 6 ? waves : 6) : 0;
    CHECK_EQ_INT(r.in[I_RAMP], ramp);
    CHECK_EQ_INT(r.in[I_MOVE_INTERVAL], 12 - ramp);
    if (rew && total % 24 == 0) {
      CHECK_EQ_INT(before, rew);    // the last aliens fell this act...
      CHECK(block_at(r.in, 0, 2));  // ...and a fresh block is in place
    } else {
      CHECK_EQ_INT(count(r.in + I_ALIEN), before - rew);
    }
  }
  CHECK_MSG(!term && total >= 8 * 24, "the planner cleared %d aliens (ramping %d)", total, ramping);
}

TEST(minatar_space_invaders_ramping) { check_waves(true); }
TEST(minatar_space_invaders_no_ramping) { check_waves(false); }
