// test_minatar_seaquest.c: MinAtar Seaquest's own rules through
// minatar_seaquest directly (no env class): the interface, the start
// state (reset draws nothing), the first enemy and diver spawns and their
// draws, moving and its bounds, firing and its cool-down, surfacing with no
// diver (terminal, and nothing happens after), a rescue that surfaces with
// and without the difficulty ramp, surfacing with 6 divers (the oxygen
// reward, and diver_count left at -1 as in MinAtar), and running out of
// oxygen. Scripted players read internal() and look ahead on copies of the
// plain-data state. The recorded episodes are replayed by build/test_reference.
#include "env/envs/minatar.h"
#include "test.h"

//------------------------------------------------------------------------------
// Helpers
//------------------------------------------------------------------------------

static const rlcMinAtarGame *const G = &minatar_seaquest;

// Internal columns: 13 scalars, then the lists f_bullets (x y dir), e_bullets
// (x y dir), fish (x y lr move), subs (x y lr move shot), divers (x y lr move).
enum {
  I_OXYGEN, I_DIVERS, I_X, I_Y, I_OR, I_SPAWN_SPEED, I_SPAWN_TIMER, I_DIVER_TIMER, I_MOVE_SPEED, I_RAMP,
  I_SHOT_TIMER, I_SURFACE, I_TERMINAL, I_LISTS
};
enum { L_FB, L_EB, L_FISH, L_SUBS, L_DIVERS };
static const int FIELDS[5] = {3, 3, 4, 5, 4};

enum { STATE_MAX = 4096 };

typedef struct {
  _Alignas(max_align_t) unsigned char state[STATE_MAX];
  rlcMt19937 mt;
  int32_t v[RLC_MINATAR_MAX_INTERNAL];
  int n;  // ints in v
} Game;

static void refresh(Game *g) { g->n = G->internal(g->state, g->v, RLC_MINATAR_MAX_INTERNAL); }

static void start(Game *g, uint32_t seed, bool ramping) {
  CHECK(G->state_size <= STATE_MAX);
  rlc_mt_seed(&g->mt, seed);
  G->reset(g->state, &g->mt, ramping);
  refresh(g);
}

static int step_r(Game *g, int a, bool ramping, bool *terminal) {
  int r = G->act(g->state, &g->mt, a, ramping, terminal);
  refresh(g);
  return r;
}

static int step(Game *g, int a, bool *terminal) { return step_r(g, a, true, terminal); }

// Offset of list l's count in v.
static int list_at(const Game *g, int l) {
  int k = I_LISTS;
  for (int i = 0; i < l; i++) k += 1 + g->v[k] * FIELDS[i];
  return k;
}

static int count(const Game *g, int l) { return g->v[list_at(g, l)]; }

// Field f of entry i of list l.
static int field(const Game *g, int l, int i, int f) { return g->v[list_at(g, l) + 1 + i * FIELDS[l] + f]; }

static int obs_at(const Game *g, int y, int x, int c) {
  uint8_t obs[1000];
  G->observe(g->state, obs);
  return obs[(y * 10 + x) * G->channels + c];
}

// Whether some sequence of depth non-firing actions avoids a terminal act.
static bool survives(const Game *g, int depth) {
  if (depth == 0) return true;
  for (int a = 0; a < 5; a++) {
    Game c = *g;
    bool t;
    step(&c, a, &t);
    if (!t && survives(&c, depth - 1)) return true;
  }
  return false;
}

// want if it survives two more acts, else the first action that does.
static int safe_action(const Game *g, int want) {
  const int order[6] = {want, RLC_MINATAR_NOOP, RLC_MINATAR_LEFT, RLC_MINATAR_UP, RLC_MINATAR_RIGHT, RLC_MINATAR_DOWN};
  for (int k = 0; k < 6; k++) {
    Game c = *g;
    bool t;
    step(&c, order[k], &t);
    if (!t && survives(&c, 2)) return order[k];
  }
  return want;
}

// Heads for the oldest diver; with cargo (up to `cargo` divers, or any when
// oxygen runs low) heads up.
static int rescuer(const Game *g, int cargo) {
  int n = g->v[I_DIVERS];
  if (n >= cargo || (n > 0 && g->v[I_OXYGEN] < 40)) return RLC_MINATAR_UP;
  if (count(g, L_DIVERS) == 0) return RLC_MINATAR_NOOP;
  int dx = field(g, L_DIVERS, 0, 0), dy = field(g, L_DIVERS, 0, 1), x = g->v[I_X], y = g->v[I_Y];
  if (y != dy) return y < dy ? RLC_MINATAR_DOWN : RLC_MINATAR_UP;
  return dx < x ? RLC_MINATAR_LEFT : dx > x ? RLC_MINATAR_RIGHT : RLC_MINATAR_NOOP;
}

//------------------------------------------------------------------------------
// Tests
//------------------------------------------------------------------------------

TEST(minatar_seaquest_interface) {
  CHECK(strcmp(G->name, "seaquest") == 0);
  CHECK(strcmp(G->title, "Seaquest") == 0);
  CHECK_EQ_INT(G->channels, 10);
  const char *names[10] = {"sub_front",  "sub_back",  "friendly_bullet", "trail",        "enemy_bullet",
                           "enemy_fish", "enemy_sub", "oxygen_guage",    "diver_guage", "diver"};
  for (int c = 0; c < 10; c++) CHECK(G->channel_names[c] && strcmp(G->channel_names[c], names[c]) == 0);
  CHECK_EQ_INT(G->n_minimal, 6);
  for (int a = 0; a < 6; a++) CHECK_EQ_INT(G->minimal[a], a);
  CHECK(G->state_size > 0 && G->state_size <= STATE_MAX);
}

TEST(minatar_seaquest_start_state) {
  Game g;
  start(&g, 1000, true);
  rlcMt19937 fresh;
  rlc_mt_seed(&fresh, 1000);
  CHECK(memcmp(&fresh, &g.mt, sizeof fresh) == 0);  // reset draws nothing
  const int32_t want[18] = {200, 0, 5, 0, 0, 20, 20, 30, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  CHECK_EQ_INT(g.n, 18);
  for (int i = 0; i < 18; i++) CHECK_EQ_INT(g.v[i], want[i]);
  // The sub faces left at (5, 0), its back at (6, 0); a full oxygen bar, no divers.
  uint8_t obs[1000];
  G->observe(g.state, obs);
  int on = 0;
  for (int i = 0; i < 1000; i++) on += obs[i];
  CHECK_EQ_INT(on, 12);
  CHECK_EQ_INT(obs_at(&g, 0, 5, 0), 1);
  CHECK_EQ_INT(obs_at(&g, 0, 6, 1), 1);
  for (int x = 0; x < 10; x++) CHECK_EQ_INT(obs_at(&g, 9, x, 7), 1);
}

// Waiting at the surface is safe: enemies and divers use rows 1..8.
TEST(minatar_seaquest_spawns) {
  Game g;
  start(&g, 7, true);
  bool t;
  for (int i = 1; i <= 20; i++) {
    rlcMt19937 before = g.mt;
    CHECK_EQ_INT(step(&g, RLC_MINATAR_NOOP, &t), 0);
    CHECK(memcmp(&before, &g.mt, sizeof before) == 0);
  }
  CHECK_EQ_INT(g.v[I_SPAWN_TIMER], 0);
  // Act 21 spawns an enemy: rand() < 1/2 (moving right), rand() < 1/3 (a sub), row randint(1, 9).
  rlcMt19937 m = g.mt;
  bool lr = rlc_mt_rand(&m) < 0.5, is_sub = rlc_mt_rand(&m) < 1.0 / 3;
  int y = (int)rlc_mt_randint(&m, 1, 9);
  step(&g, RLC_MINATAR_NOOP, &t);
  CHECK(memcmp(&m, &g.mt, sizeof m) == 0);
  CHECK_EQ_INT(g.mt.pos, 5);  // two doubles of two outputs, one masked output
  int l = is_sub ? L_SUBS : L_FISH;
  CHECK_EQ_INT(count(&g, l), 1);
  CHECK_EQ_INT(count(&g, is_sub ? L_FISH : L_SUBS), 0);
  CHECK_EQ_INT(field(&g, l, 0, 0), lr ? 0 : 9);
  CHECK_EQ_INT(field(&g, l, 0, 1), y);
  CHECK_EQ_INT(field(&g, l, 0, 2), lr);
  CHECK_EQ_INT(field(&g, l, 0, 3), 4);  // the move timer starts at 5 and counts down this act
  if (is_sub) CHECK_EQ_INT(field(&g, l, 0, 4), 9);
  CHECK_EQ_INT(g.v[I_SPAWN_TIMER], 19);
  CHECK_EQ_INT(obs_at(&g, y, lr ? 0 : 9, is_sub ? 6 : 5), 1);
  // Act 31 spawns a diver: rand() < 1/2, then its row.
  for (int i = 22; i <= 30; i++) step(&g, RLC_MINATAR_NOOP, &t);
  CHECK_EQ_INT(g.v[I_DIVER_TIMER], 0);
  m = g.mt;
  lr = rlc_mt_rand(&m) < 0.5;
  y = (int)rlc_mt_randint(&m, 1, 9);
  step(&g, RLC_MINATAR_NOOP, &t);
  CHECK(memcmp(&m, &g.mt, sizeof m) == 0);
  CHECK_EQ_INT(count(&g, L_DIVERS), 1);
  CHECK_EQ_INT(field(&g, L_DIVERS, 0, 0), lr ? 0 : 9);
  CHECK_EQ_INT(field(&g, L_DIVERS, 0, 1), y);
  CHECK_EQ_INT(field(&g, L_DIVERS, 0, 3), 4);
  CHECK_EQ_INT(g.v[I_DIVER_TIMER], 29);
  CHECK_EQ_INT(obs_at(&g, y, lr ? 0 : 9, 9), 1);
  CHECK_EQ_INT(obs_at(&g, y, lr ? 1 : 8, 3), 0);  // the trail is behind it: off the grid
  CHECK(!t);
  CHECK_EQ_INT(g.v[I_OXYGEN], 200);  // no oxygen is used at the surface
}

TEST(minatar_seaquest_moves) {
  Game g;
  start(&g, 1, true);
  bool t;
  step(&g, RLC_MINATAR_RIGHT, &t);
  CHECK_EQ_INT(g.v[I_X], 6);
  CHECK_EQ_INT(g.v[I_OR], 1);
  CHECK_EQ_INT(obs_at(&g, 0, 5, 1), 1);  // facing right: the back is on the left
  for (int i = 0; i < 5; i++) step(&g, RLC_MINATAR_RIGHT, &t);
  CHECK_EQ_INT(g.v[I_X], 9);
  for (int i = 0; i < 12; i++) step(&g, RLC_MINATAR_LEFT, &t);
  CHECK_EQ_INT(g.v[I_X], 0);
  CHECK_EQ_INT(g.v[I_OR], 0);
  CHECK_EQ_INT(obs_at(&g, 0, 1, 1), 1);
  step(&g, RLC_MINATAR_UP, &t);  // already at the top, and still "surfaced": nothing happens
  CHECK(!t);
  CHECK_EQ_INT(g.v[I_Y], 0);
  for (int i = 0; i < 9 && !t; i++) step(&g, RLC_MINATAR_DOWN, &t);
  CHECK(!t);
  CHECK_EQ_INT(g.v[I_Y], 8);  // row 9 holds the gauges
  CHECK_EQ_INT(g.v[I_OXYGEN], 191);  // 9 acts below the surface
  CHECK_EQ_INT(g.v[I_SURFACE], 0);
  for (int x = 0; x < 10; x++) CHECK_EQ_INT(obs_at(&g, 9, x, 7), x < 9);  // 191 * 10 / 200 = 9 cells
}

TEST(minatar_seaquest_fire_cool_down) {
  Game g;
  start(&g, 2, true);
  bool t;
  step(&g, RLC_MINATAR_FIRE, &t);  // fired from the sub's cell, moved once the same act
  CHECK_EQ_INT(count(&g, L_FB), 1);
  CHECK_EQ_INT(field(&g, L_FB, 0, 0), 4);
  CHECK_EQ_INT(field(&g, L_FB, 0, 1), 0);
  CHECK_EQ_INT(field(&g, L_FB, 0, 2), 0);
  CHECK_EQ_INT(g.v[I_SHOT_TIMER], 4);
  CHECK_EQ_INT(obs_at(&g, 0, 4, 2), 1);
  for (int i = 0; i < 4; i++) step(&g, RLC_MINATAR_FIRE, &t);  // cooling down: no new bullet
  CHECK_EQ_INT(count(&g, L_FB), 1);
  CHECK_EQ_INT(field(&g, L_FB, 0, 0), 0);
  CHECK_EQ_INT(g.v[I_SHOT_TIMER], 0);
  step(&g, RLC_MINATAR_FIRE, &t);  // the old bullet leaves the grid, a new one starts
  CHECK_EQ_INT(count(&g, L_FB), 1);
  CHECK_EQ_INT(field(&g, L_FB, 0, 0), 4);
  step(&g, RLC_MINATAR_RIGHT, &t);
  step(&g, RLC_MINATAR_FIRE, &t);  // still cooling down
  CHECK_EQ_INT(count(&g, L_FB), 1);
}

TEST(minatar_seaquest_surface_without_divers) {
  Game g;
  start(&g, 3, true);
  bool t;
  CHECK_EQ_INT(step(&g, RLC_MINATAR_DOWN, &t), 0);
  CHECK(!t);
  CHECK_EQ_INT(g.v[I_OXYGEN], 199);
  CHECK_EQ_INT(step(&g, RLC_MINATAR_UP, &t), 0);
  CHECK(t);
  CHECK_EQ_INT(g.v[I_TERMINAL], 1);
  CHECK_EQ_INT(g.v[I_OXYGEN], 199);
  // After the end, act draws nothing and changes nothing.
  Game before = g;
  for (int i = 0; i < 40; i++) {
    t = false;
    CHECK_EQ_INT(step(&g, RLC_MINATAR_FIRE, &t), 0);
    CHECK(t);
  }
  CHECK(memcmp(&before.mt, &g.mt, sizeof g.mt) == 0);
  CHECK_EQ_INT(g.n, before.n);
  CHECK(memcmp(before.v, g.v, sizeof(int32_t) * (size_t)g.n) == 0);
}

// The same rescue with and without the ramp: identical up to the surfacing,
// which only the ramp makes harder.
TEST(minatar_seaquest_rescue_ramps) {
  for (int ramping = 1; ramping >= 0; ramping--) {
    Game g;
    start(&g, 0, ramping);
    bool t = false;
    int r = 0, acts = 0, gauge = 0, aboard = 0;
    // Picking a diver up adds one; surfacing takes one away.
    while (!t && acts < 400 && !(aboard > 0 && g.v[I_DIVERS] == aboard - 1)) {
      aboard = g.v[I_DIVERS];
      gauge = obs_at(&g, 9, 8, 8);
      r = step_r(&g, rescuer(&g, 1), ramping, &t);
      acts++;
    }
    CHECK(!t);
    CHECK_EQ_INT(acts, 50);
    CHECK_EQ_INT(r, 0);
    CHECK_EQ_INT(gauge, 1);  // one diver aboard just before
    CHECK_EQ_INT(obs_at(&g, 9, 8, 8), 0);
    CHECK_EQ_INT(g.v[I_DIVERS], 0);
    CHECK_EQ_INT(g.v[I_OXYGEN], 200);
    CHECK_EQ_INT(g.v[I_SURFACE], 1);
    CHECK_EQ_INT(g.v[I_RAMP], ramping ? 1 : 0);
    CHECK_EQ_INT(g.v[I_SPAWN_SPEED], ramping ? 19 : 20);
    CHECK_EQ_INT(g.v[I_MOVE_SPEED], 5);  // the move interval drops on odd ramp indices only
  }
}

// Surfacing with 6 divers pays oxygen * 10 / 200 and, as in MinAtar, leaves
// diver_count at -1 (it is zeroed, then one diver leaves as on every
// surfacing); -1 is not 0, so surfacing again is not terminal.
TEST(minatar_seaquest_six_divers) {
  Game g;
  start(&g, 0, true);
  bool t = false;
  int r = 0, oxygen = 0, acts = 0;
  while (!t && g.v[I_DIVERS] >= 0 && acts < 2000) {
    oxygen = g.v[I_OXYGEN];
    r = step(&g, safe_action(&g, rescuer(&g, 6)), &t);
    acts++;
  }
  CHECK(!t);
  CHECK_EQ_INT(g.v[I_DIVERS], -1);
  CHECK_EQ_INT(r, oxygen * 10 / 200);
  CHECK(r > 0);
  CHECK_EQ_INT(g.v[I_OXYGEN], 200);
  for (int x = 0; x < 10; x++) CHECK_EQ_INT(obs_at(&g, 9, x, 8), 0);
  int ramp = g.v[I_RAMP];
  step(&g, safe_action(&g, RLC_MINATAR_DOWN), &t);
  CHECK(!t && g.v[I_Y] == 1);
  r = step(&g, RLC_MINATAR_UP, &t);
  CHECK(!t);
  CHECK_EQ_INT(r, 0);
  CHECK_EQ_INT(g.v[I_DIVERS], -2);
  CHECK_EQ_INT(g.v[I_RAMP], ramp + 1);
}

// Oxygen falls by one per act below the surface; the act after it reaches 0
// is terminal (and takes it to -1, drawn as an empty bar).
TEST(minatar_seaquest_oxygen_runs_out) {
  Game g;
  start(&g, 0, true);
  bool t = false;
  step(&g, RLC_MINATAR_DOWN, &t);
  for (int i = 2; i <= 200; i++) {
    step(&g, safe_action(&g, RLC_MINATAR_NOOP), &t);
    CHECK(!t);
    CHECK(g.v[I_Y] > 0);
  }
  CHECK_EQ_INT(g.v[I_OXYGEN], 0);
  CHECK_EQ_INT(g.v[I_DIVERS], 0);
  for (int x = 0; x < 10; x++) CHECK_EQ_INT(obs_at(&g, 9, x, 7), 0);
  CHECK_EQ_INT(step(&g, RLC_MINATAR_NOOP, &t), 0);
  CHECK(t);
  CHECK_EQ_INT(g.v[I_OXYGEN], -1);
  for (int x = 0; x < 10; x++) CHECK_EQ_INT(obs_at(&g, 9, x, 7), 0);
}
