// test_minatar_asterix.c: MinAtar Asterix's own rules through
// minatar_asterix directly: the start state, two golden episodes copied
// from the reference file (walking into gold, walking into an enemy), the
// terminal state being absorbing, the difficulty ramp's timing (and none
// without ramping), and the spawn draws on a nearly full and a full board,
// reached by a lookahead player. The whole file is replayed by
// build/test_reference.
#include <stddef.h>
#include <string.h>

#include "env/envs/minatar.h"
#include "test.h"

static const rlcMinAtarGame *const GAME = &minatar_asterix;

// Indices into the internal columns.
enum { I_PX, I_PY, I_SPAWN_SPEED, I_SPAWN_TIMER, I_MOVE_SPEED, I_MOVE_TIMER, I_RAMP_TIMER, I_RAMP_INDEX,
       I_SHOT_TIMER, I_TERMINAL, I_SLOTS, N_INTERNAL = I_SLOTS + 5 * 8 };

typedef struct {
  _Alignas(max_align_t) unsigned char s[512];
} State;

static int internal(const State *g, int32_t *v) { return GAME->internal(g->s, v, RLC_MINATAR_MAX_INTERNAL); }

static void start(State *g, rlcMt19937 *mt, uint32_t seed, bool ramping) {
  CHECK(GAME->state_size <= sizeof g->s);
  rlc_mt_seed(mt, seed);
  GAME->reset(g->s, mt, ramping);
}

// One Environment.act with sticky probability 0: the wrapper's rand() comes
// first, then the game's step.
static int wrapped_act(State *g, rlcMt19937 *mt, int a, bool *terminal) {
  (void)rlc_mt_rand(mt);
  return GAME->act(g->s, mt, a, true, terminal);
}

static int cell(const uint8_t *obs, int y, int x, int c) { return obs[(y * 10 + x) * 4 + c]; }

TEST(minatar_asterix_interface) {
  CHECK(strcmp(GAME->name, "asterix") == 0);
  CHECK(strcmp(GAME->title, "Asterix") == 0);
  CHECK_EQ_INT(GAME->channels, 4);
  const char *names[4] = {"player", "enemy", "trail", "gold"};
  for (int c = 0; c < 4; c++) CHECK(strcmp(GAME->channel_names[c], names[c]) == 0);
  CHECK_EQ_INT(GAME->n_minimal, 5);
  for (int i = 0; i < 5; i++) CHECK_EQ_INT(GAME->minimal[i], i);  // n l u r d: no fire
}

TEST(minatar_asterix_start_state) {
  State g;
  rlcMt19937 mt, seeded;
  start(&g, &mt, 1000, true);
  rlc_mt_seed(&seeded, 1000);
  CHECK(memcmp(&mt, &seeded, sizeof mt) == 0);  // reset draws nothing
  int32_t v[RLC_MINATAR_MAX_INTERNAL];
  CHECK_EQ_INT(internal(&g, v), N_INTERNAL);
  const int32_t head[I_SLOTS] = {5, 5, 10, 10, 5, 5, 100, 0, 0, 0};
  for (int i = 0; i < I_SLOTS; i++) CHECK_EQ_INT(v[i], head[i]);
  for (int s = 0; s < 8; s++) {  // empty slots read 0 -1 -1 0 0
    const int32_t *e = v + I_SLOTS + 5 * s;
    CHECK(e[0] == 0 && e[1] == -1 && e[2] == -1 && e[3] == 0 && e[4] == 0);
  }
  uint8_t obs[400];
  GAME->observe(g.s, obs);
  int ones = 0;
  for (int i = 0; i < 400; i++) ones += obs[i];
  CHECK_EQ_INT(ones, 1);
  CHECK_EQ_INT(cell(obs, 5, 5, 0), 1);
}

// Reference episode 7 (seed 1007): the first spawn comes on step 11, gold in
// row 5 walking right, and on step 17 the player walks left into it: +1.
TEST(minatar_asterix_walk_into_gold) {
  static const int actions[17] = {3, 1, 1, 4, 5, 1, 1, 0, 5, 0, 3, 2, 0, 0, 3, 1, 1};
  State g;
  rlcMt19937 mt;
  start(&g, &mt, 1007, true);
  int32_t v[RLC_MINATAR_MAX_INTERNAL];
  uint8_t obs[400];
  int total = 0;
  for (int t = 1; t <= 17; t++) {
    bool terminal = true;
    int r = wrapped_act(&g, &mt, actions[t - 1], &terminal);
    CHECK(!terminal);
    CHECK_EQ_INT(r, t == 17 ? 1 : 0);
    total += r;
    internal(&g, v);
    if (t == 16) {  // player (3,5), gold at (2,5) walking right, its trail at (1,5)
      CHECK(v[I_PX] == 3 && v[I_PY] == 5);
      const int32_t *e = v + I_SLOTS + 5 * 4;
      CHECK(e[0] == 1 && e[1] == 2 && e[2] == 5 && e[3] == 1 && e[4] == 1);
      GAME->observe(g.s, obs);
      CHECK(cell(obs, 5, 2, 3) && cell(obs, 5, 1, 2) && cell(obs, 5, 3, 0) && !cell(obs, 5, 2, 1));
    }
  }
  CHECK_EQ_INT(total, 1);
  CHECK(v[I_PX] == 2 && v[I_PY] == 5);
  for (int s = 0; s < 8; s++) CHECK_EQ_INT(v[I_SLOTS + 5 * s], 0);  // the gold is gone
  GAME->observe(g.s, obs);
  CHECK(cell(obs, 5, 2, 0) && !cell(obs, 5, 2, 3));
}

// Reference episode 0 (seed 1000): on step 44 the player at (8,1) steps down
// onto the enemy at (8,2). The episode ends and the enemy stays.
TEST(minatar_asterix_walk_into_enemy) {
  static const int actions[44] = {4, 1, 2, 4, 5, 2, 1, 3, 0, 4, 5, 0, 5, 2, 0, 2, 5, 1, 2, 3, 2, 3,
                                  5, 1, 2, 2, 2, 5, 0, 3, 2, 0, 3, 1, 3, 2, 2, 2, 0, 3, 5, 3, 2, 4};
  static const int32_t final[N_INTERNAL] = {8, 2,  10, 6, 5, 1, 56, 0,  0, 1,  0,  -1, -1, 0,
                                            0, 1,  8,  2, 0, 0, 0,  -1, -1, 0, 0,  0,  -1, -1,
                                            0, 0,  0,  -1, -1, 0, 0, 1,  4,  6, 0,  0,  1,  2,
                                            7, 0,  0,  1,  6, 8, 0,  0};
  State g;
  rlcMt19937 mt;
  start(&g, &mt, 1000, true);
  for (int t = 1; t <= 44; t++) {
    bool terminal = false;
    int r = wrapped_act(&g, &mt, actions[t - 1], &terminal);
    CHECK_EQ_INT(r, 0);
    CHECK_EQ_INT(terminal, t == 44);
  }
  int32_t v[RLC_MINATAR_MAX_INTERNAL];
  CHECK_EQ_INT(internal(&g, v), N_INTERNAL);
  for (int i = 0; i < N_INTERNAL; i++) CHECK_MSG(v[i] == final[i], "internal[%d] = %d, want %d", i, v[i], final[i]);
  uint8_t obs[400];
  GAME->observe(g.s, obs);
  CHECK(cell(obs, 2, 8, 0) && cell(obs, 2, 8, 1) && cell(obs, 2, 9, 2));
}

// Once terminal, act changes nothing and the game draws nothing.
TEST(minatar_asterix_terminal_is_absorbing) {
  static const int actions[44] = {4, 1, 2, 4, 5, 2, 1, 3, 0, 4, 5, 0, 5, 2, 0, 2, 5, 1, 2, 3, 2, 3,
                                  5, 1, 2, 2, 2, 5, 0, 3, 2, 0, 3, 1, 3, 2, 2, 2, 0, 3, 5, 3, 2, 4};
  State g, copy;
  rlcMt19937 mt, mt_copy;
  start(&g, &mt, 1000, true);
  bool terminal = false;
  for (int t = 0; t < 44; t++) wrapped_act(&g, &mt, actions[t], &terminal);
  CHECK(terminal);
  memcpy(&copy, &g, sizeof g);
  mt_copy = mt;
  for (int a = 0; a < 6; a++) {
    terminal = false;
    CHECK_EQ_INT(GAME->act(g.s, &mt, a, true, &terminal), 0);
    CHECK(terminal);
  }
  CHECK(memcmp(copy.s, g.s, GAME->state_size) == 0);
  CHECK(memcmp(&mt, &mt_copy, sizeof mt) == 0);
}

// True when some sequence of `depth` minimal actions avoids every enemy; the
// first action of one such sequence goes to *first. The generator is copied
// with the state, so the look-ahead sees the very spawns that will come.
static bool survives(const State *g, const rlcMt19937 *mt, int depth, bool ramping, int *first) {
  if (depth == 0) return true;
  for (int k = 0; k < 5; k++) {
    int a = (k + 2) % 5;  // try up, right, down, noop, left
    State next;
    rlcMt19937 mt_next = *mt;
    memcpy(&next, g, sizeof next);
    bool terminal = false;
    GAME->act(next.s, &mt_next, a, ramping, &terminal);
    if (!terminal && survives(&next, &mt_next, depth - 1, ramping, NULL)) {
      if (first) *first = a;
      return true;
    }
  }
  return false;
}

// With ramping, ramp_timer counts 100 down to -1, and the step after it
// reaches -1 speeds things up: spawns every step sooner each time, moves one
// step sooner every second time (when ramp_index was odd). Without ramping
// nothing changes.
TEST(minatar_asterix_ramping) {
  for (int ramping = 0; ramping <= 1; ramping++) {
    State g;
    rlcMt19937 mt;
    start(&g, &mt, 7, ramping);
    int32_t v[RLC_MINATAR_MAX_INTERNAL];
    for (int t = 1; t <= 420; t++) {
      int a = RLC_MINATAR_NOOP;
      bool ok = survives(&g, &mt, 4, ramping, &a);
      CHECK_MSG(ok, "no way out at step %d (ramping %d)", t, ramping);
      if (!ok) return;
      bool terminal = false;
      GAME->act(g.s, &mt, a, ramping, &terminal);
      CHECK(!terminal);
      internal(&g, v);
      if (!ramping) {
        CHECK(v[I_SPAWN_SPEED] == 10 && v[I_MOVE_SPEED] == 5 && v[I_RAMP_TIMER] == 100 && v[I_RAMP_INDEX] == 0);
        continue;
      }
      int ramps = t / 102;  // one ramp every 102 steps
      CHECK_EQ_INT(v[I_RAMP_INDEX], ramps);
      CHECK_EQ_INT(v[I_RAMP_TIMER], t % 102 == 0 ? 100 : 100 - t % 102);
      CHECK_EQ_INT(v[I_SPAWN_SPEED], 10 - ramps);
      CHECK_EQ_INT(v[I_MOVE_SPEED], 5 - ramps / 2);
    }
  }
}

// Side and kind are two rand() draws even when every row is taken (then
// nothing spawns); with one free row the randint(1) draws nothing.
TEST(minatar_asterix_spawn_on_a_crowded_board) {
  State g;
  rlcMt19937 mt;
  start(&g, &mt, 7, true);
  int32_t v[RLC_MINATAR_MAX_INTERNAL], w[RLC_MINATAR_MAX_INTERNAL];
  int seen_full = 0, seen_one_free = 0;
  for (int t = 1; t <= 1500 && !(seen_full && seen_one_free); t++) {
    int a = RLC_MINATAR_NOOP;
    if (!survives(&g, &mt, 4, true, &a)) break;
    internal(&g, v);
    int free_slot = -1, n_free = 0;
    for (int s = 0; s < 8; s++)
      if (!v[I_SLOTS + 5 * s]) {
        free_slot = s;
        n_free++;
      }
    rlcMt19937 expect = mt;
    bool terminal = false;
    GAME->act(g.s, &mt, a, true, &terminal);
    if (v[I_SPAWN_TIMER] != 0 || n_free > 1) continue;
    double lr = rlc_mt_rand(&expect), gold = rlc_mt_rand(&expect);
    CHECK(memcmp(&mt, &expect, sizeof mt) == 0);
    internal(&g, w);
    if (n_free == 0) {
      seen_full++;
    } else {
      const int32_t *e = w + I_SLOTS + 5 * free_slot;
      if (!e[0]) continue;  // gold the player took at once
      seen_one_free++;
      // It spawned at its side and may already have taken its first step.
      CHECK(e[0] == 1 && e[2] == free_slot + 1 && e[3] == (lr < 0.5) && e[4] == (gold < 1.0 / 3));
      CHECK(e[3] ? e[1] <= 1 : e[1] >= 8);
    }
  }
  CHECK_MSG(seen_full > 0, "the look-ahead player never saw a full board");
  CHECK_MSG(seen_one_free > 0, "the look-ahead player never saw a single free row");
}
