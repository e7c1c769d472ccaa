// test_minatar_breakout.c: MinAtar Breakout's own rules through
// minatar_breakout directly (no env class): the interface, the start
// states and their single randint(2) draw, paddle, wall and ceiling bounces,
// breaking a brick, the strike rule (a brick hit right after another one is
// entered, not broken), the terminal miss, the brick refill, and that ramping
// and the actions u/d/f change nothing. The recorded episodes are replayed by
// build/test_reference.
#include "env/envs/minatar.h"
#include "test.h"

//------------------------------------------------------------------------------
// Helpers
//------------------------------------------------------------------------------

static const rlcMinAtarGame *const G = &minatar_breakout;

// Internal columns: ball_x ball_y ball_dir pos strike last_x last_y terminal brick_map[100].
enum { I_BX, I_BY, I_DIR, I_POS, I_STRIKE, I_LX, I_LY, I_TERM, I_BRICK, N_INTERNAL = I_BRICK + 100 };

typedef struct {
  _Alignas(max_align_t) unsigned char state[1024];
  rlcMt19937 mt;
  int32_t v[RLC_MINATAR_MAX_INTERNAL];
} Game;

static void start(Game *g, uint32_t seed, bool ramping) {
  CHECK(G->state_size <= sizeof g->state);
  rlc_mt_seed(&g->mt, seed);
  G->reset(g->state, &g->mt, ramping);
  CHECK_EQ_INT(G->internal(g->state, g->v, RLC_MINATAR_MAX_INTERNAL), N_INTERNAL);
}

static int step(Game *g, int a, bool *terminal) {
  int r = G->act(g->state, &g->mt, a, true, terminal);
  G->internal(g->state, g->v, RLC_MINATAR_MAX_INTERNAL);
  return r;
}

static int action_of(char c) { return c == 'l' ? RLC_MINATAR_LEFT : c == 'r' ? RLC_MINATAR_RIGHT : RLC_MINATAR_NOOP; }

static int bricks(const Game *g) {
  int n = 0;
  for (int i = 0; i < 100; i++) n += g->v[I_BRICK + i];
  return n;
}

#define CHECK_BALL(g, x, y, dir)          \
  do {                                    \
    CHECK_EQ_INT((g)->v[I_BX], x);        \
    CHECK_EQ_INT((g)->v[I_BY], y);        \
    CHECK_EQ_INT((g)->v[I_DIR], dir);     \
  } while (0)

// Moves the paddle under the column where a falling ball will be on row 8
// (walls mirror it about 9.5 and -0.5: the ball spends two steps on a wall column).
static int tracker(const Game *g) {
  int bx = g->v[I_BX], by = g->v[I_BY], dir = g->v[I_DIR], pos = g->v[I_POS], target = bx;
  if (dir >= 2) {
    target = bx + (dir == 2 ? 1 : -1) * (8 - by);
    if (target < 0) target = -1 - target;
    if (target > 9) target = 19 - target;
  }
  return target < pos ? RLC_MINATAR_LEFT : target > pos ? RLC_MINATAR_RIGHT : RLC_MINATAR_NOOP;
}

//------------------------------------------------------------------------------
// Tests
//------------------------------------------------------------------------------

TEST(minatar_breakout_interface) {
  CHECK(strcmp(G->name, "breakout") == 0);
  CHECK(strcmp(G->title, "Breakout") == 0);
  CHECK_EQ_INT(G->channels, 4);
  const char *names[4] = {"paddle", "ball", "trail", "brick"};
  for (int c = 0; c < 4; c++) CHECK(G->channel_names[c] && strcmp(G->channel_names[c], names[c]) == 0);
  CHECK_EQ_INT(G->n_minimal, 3);
  CHECK_EQ_INT(G->minimal[0], RLC_MINATAR_NOOP);
  CHECK_EQ_INT(G->minimal[1], RLC_MINATAR_LEFT);
  CHECK_EQ_INT(G->minimal[2], RLC_MINATAR_RIGHT);
  CHECK(G->state_size > 0 && G->state_size <= 1024);
  int32_t small[4];
  Game g;
  start(&g, 0, true);
  CHECK_EQ_INT(G->internal(g.state, small, 4), 4);  // truncated to max
}

// Seeds 1000 and 1004 of the reference file: randint(2) gives 1 and 0.
TEST(minatar_breakout_start_states) {
  Game g;
  rlcMt19937 one;
  rlc_mt_seed(&one, 1000);
  rlc_mt_next32(&one);
  start(&g, 1000, true);
  CHECK(memcmp(&g.mt, &one, sizeof one) == 0);  // exactly one raw draw
  CHECK_BALL(&g, 9, 3, 3);
  CHECK_EQ_INT(g.v[I_POS], 4);
  CHECK_EQ_INT(g.v[I_STRIKE], 0);
  CHECK_EQ_INT(g.v[I_LX], 9);
  CHECK_EQ_INT(g.v[I_LY], 3);
  CHECK_EQ_INT(g.v[I_TERM], 0);
  for (int i = 0; i < 100; i++) CHECK_EQ_INT(g.v[I_BRICK + i], i >= 10 && i < 40);

  uint8_t obs[400];
  G->observe(g.state, obs);
  for (int y = 0; y < 10; y++)
    for (int x = 0; x < 10; x++) {
      const uint8_t *o = obs + (y * 10 + x) * 4;
      CHECK_EQ_INT(o[0], y == 9 && x == 4);
      CHECK_EQ_INT(o[1], y == 3 && x == 9);
      CHECK_EQ_INT(o[2], y == 3 && x == 9);  // the trail starts under the ball
      CHECK_EQ_INT(o[3], y >= 1 && y <= 3);
    }

  start(&g, 1004, true);
  CHECK_BALL(&g, 0, 3, 2);
  CHECK_EQ_INT(g.v[I_LX], 0);
}

// Seed 1000, noops: the ball falls onto the paddle's column (reflected up),
// climbs to the left wall (reflected right), and breaks (1, 3) from below.
TEST(minatar_breakout_bounces_and_a_brick) {
  Game g;
  start(&g, 1000, true);
  bool term = false;
  for (int t = 1; t <= 5; t++) CHECK_EQ_INT(step(&g, RLC_MINATAR_NOOP, &term), 0);
  CHECK_BALL(&g, 4, 8, 3);
  step(&g, RLC_MINATAR_NOOP, &term);  // old column == paddle: y flips, stays on row 8
  CHECK_BALL(&g, 3, 8, 0);
  CHECK_EQ_INT(g.v[I_LX], 4);
  CHECK_EQ_INT(g.v[I_LY], 8);
  CHECK(!term);
  for (int t = 7; t <= 9; t++) step(&g, RLC_MINATAR_NOOP, &term);
  CHECK_BALL(&g, 0, 5, 0);
  step(&g, RLC_MINATAR_NOOP, &term);  // wall: x clamps to 0, x flips
  CHECK_BALL(&g, 0, 4, 1);
  CHECK_EQ_INT(step(&g, RLC_MINATAR_NOOP, &term), 1);  // brick (1, 3): gone, ball back on row 4
  CHECK_BALL(&g, 1, 4, 2);
  CHECK_EQ_INT(g.v[I_STRIKE], 1);
  CHECK_EQ_INT(g.v[I_BRICK + 31], 0);
  CHECK_EQ_INT(bricks(&g), 29);
  CHECK_EQ_INT(step(&g, RLC_MINATAR_NOOP, &term), 0);
  CHECK_BALL(&g, 2, 5, 2);
  CHECK_EQ_INT(g.v[I_STRIKE], 0);

  // The paddle's far corner: the ball's new column is the paddle's, so both
  // directions flip (down-left to up-right).
  start(&g, 1000, true);
  step(&g, RLC_MINATAR_LEFT, &term);
  for (int t = 2; t <= 6; t++) step(&g, RLC_MINATAR_NOOP, &term);
  CHECK_EQ_INT(g.v[I_POS], 3);
  CHECK_BALL(&g, 3, 8, 1);
  CHECK(!term);
}

// Seed 1000, the paddle runs right: the ball lands on row 9 beside it.
TEST(minatar_breakout_miss_is_terminal) {
  Game g;
  start(&g, 1000, true);
  bool term = false;
  for (int t = 1; t <= 5; t++) {
    CHECK_EQ_INT(step(&g, RLC_MINATAR_RIGHT, &term), 0);
    CHECK(!term);
  }
  CHECK_EQ_INT(g.v[I_POS], 9);
  CHECK_EQ_INT(step(&g, RLC_MINATAR_RIGHT, &term), 0);  // pos stays at 9
  CHECK(term);
  CHECK_EQ_INT(g.v[I_TERM], 1);
  CHECK_BALL(&g, 3, 9, 3);  // the ball goes on to row 9
  uint8_t obs[400];
  G->observe(g.state, obs);
  CHECK_EQ_INT(obs[(9 * 10 + 3) * 4 + 1], 1);

  // Acting after the end changes nothing and draws nothing.
  int32_t before[N_INTERNAL];
  memcpy(before, g.v, sizeof before);
  rlcMt19937 mt = g.mt;
  term = false;
  CHECK_EQ_INT(step(&g, RLC_MINATAR_LEFT, &term), 0);
  CHECK(term);
  CHECK(memcmp(before, g.v, sizeof before) == 0);
  CHECK(memcmp(&mt, &g.mt, sizeof mt) == 0);
}

// Seed 1, these actions: step 55 breaks (1, 1) from (0, 2) and lands on the
// brick at (1, 2); step 56 moves into the brick at (2, 3) while strike is
// still set, so it is entered, not broken, and gives nothing.
TEST(minatar_breakout_strike_rule) {
  const char *acts = "nnnnnnllrllrrrrrnllllrrnnnnrnlllnlrrnnrlrrrnnnnnllllllnr";
  Game g;
  start(&g, 1, true);
  bool term = false;
  int total = 0, t = 0;
  for (; t < 54; t++) total += step(&g, action_of(acts[t]), &term);
  CHECK(!term);
  CHECK_EQ_INT(total, 4);
  CHECK_BALL(&g, 0, 2, 1);
  CHECK_EQ_INT(step(&g, action_of(acts[t++]), &term), 1);
  CHECK_BALL(&g, 1, 2, 2);
  CHECK_EQ_INT(g.v[I_STRIKE], 1);
  CHECK_EQ_INT(g.v[I_BRICK + 11], 0);
  CHECK_EQ_INT(g.v[I_BRICK + 21], 1);  // the ball sits on a brick
  CHECK_EQ_INT(step(&g, action_of(acts[t++]), &term), 0);
  CHECK_BALL(&g, 2, 3, 2);  // no reflection either
  CHECK_EQ_INT(g.v[I_STRIKE], 1);
  CHECK_EQ_INT(g.v[I_BRICK + 32], 1);
  CHECK_EQ_INT(bricks(&g), 25);
  CHECK_EQ_INT(step(&g, RLC_MINATAR_NOOP, &term), 0);
  CHECK_BALL(&g, 3, 4, 2);
  CHECK_EQ_INT(g.v[I_STRIKE], 0);
  CHECK(!term);
}

// The reference file's episode 20 (seed 1020, no sticky actions), its first
// 180 actions: the ball has climbed through a hole to row 0 moving up-right.
// The ceiling clamps it to row 0 and flips it down; then a brick below on row
// 1 is broken from above, which sends it back up into the ceiling.
TEST(minatar_breakout_ceiling) {
  const char *acts =
      "nlnrlnrrrrlnnnnnlllllurllrnnrrrrrrnrrnullllllllnrfrrrurrrrnnlllllllllnrrrrrrrrrnulllllllnnnnrrrrrnlrnnll"
      "lnlrlrnlrnnrnlrnnlrndrnlrnlrnlrnllllnnrnlrrrrrrlnrnlrnllllrnlrllrrlrrnldrlnn";
  const char *names = "nlurdf";
  Game g;
  start(&g, 1020, true);
  bool term = false;
  int total = 0;
  for (int t = 0; t < 180; t++) total += step(&g, (int)(strchr(names, acts[t]) - names), &term);
  CHECK(!term);
  CHECK_EQ_INT(total, 15);
  CHECK_BALL(&g, 2, 0, 1);
  CHECK_EQ_INT(step(&g, RLC_MINATAR_FIRE, &term), 0);
  CHECK_BALL(&g, 3, 0, 2);
  CHECK_EQ_INT(g.v[I_LY], 0);
  CHECK_EQ_INT(g.v[I_BRICK + 14], 1);
  CHECK_EQ_INT(step(&g, RLC_MINATAR_NOOP, &term), 1);
  CHECK_BALL(&g, 4, 0, 1);
  CHECK_EQ_INT(g.v[I_BRICK + 14], 0);
  CHECK_EQ_INT(g.v[I_STRIKE], 1);
  CHECK_EQ_INT(step(&g, RLC_MINATAR_NOOP, &term), 0);
  CHECK_BALL(&g, 5, 0, 2);
  CHECK_EQ_INT(g.v[I_STRIKE], 0);
  CHECK(!term);
}

// A tracking paddle on seed 1000 clears all 30 bricks; rows 1..3 come back
// only when the ball next reaches row 9. Ramping (off here) changes nothing,
// and u/d/f act as noop.
TEST(minatar_breakout_refill_and_no_ramp) {
  Game g, h, k;
  start(&g, 1000, true);
  start(&h, 1000, false);
  bool term = false, th = false, tk = false;
  int total = 0, refills = 0, prev = 30;
  for (int t = 1; t <= 400 && !term; t++) {
    int a = tracker(&g);
    k = g;
    int r = step(&g, a, &term);
    CHECK_EQ_INT(G->act(h.state, &h.mt, a, false, &th), r);
    G->internal(h.state, h.v, RLC_MINATAR_MAX_INTERNAL);
    CHECK(th == term);
    CHECK(memcmp(g.v, h.v, sizeof(int32_t) * N_INTERNAL) == 0);
    if (a == RLC_MINATAR_NOOP) {
      int other = (int[]){RLC_MINATAR_UP, RLC_MINATAR_DOWN, RLC_MINATAR_FIRE}[t % 3];
      CHECK_EQ_INT(step(&k, other, &tk), r);
      CHECK(memcmp(g.v, k.v, sizeof(int32_t) * N_INTERNAL) == 0);
    }
    total += r;
    int n = bricks(&g);
    if (n == 30 && prev == 0) {
      refills++;
      CHECK_EQ_INT(g.v[I_BY], 8);  // bounced off the paddle on this step
      for (int i = 0; i < 100; i++) CHECK_EQ_INT(g.v[I_BRICK + i], i >= 10 && i < 40);
    }
    prev = n;
  }
  CHECK(!term);
  CHECK(total >= 30);
  CHECK_EQ_INT(refills, 1);
}
