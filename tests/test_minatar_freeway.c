// test_minatar_freeway.c: MinAtar Freeway's own rules through
// minatar_freeway directly: the description, the start state of a seed
// (copied from minatar_freeway.txt), the move timer, the car motion and
// trails, a car hit from the reference episode, scoring and its re-draw of
// the speeds, and the 2501-act time limit. The whole recording is replayed by
// build/test_reference minatar_freeway.
#include "env/envs/minatar.h"
#include "test.h"

#define C 7
#define OBS(o, y, x, c) (o)[((y) * 10 + (x)) * C + (c)]

static const rlcMinAtarGame *G = &minatar_freeway;

// internal(): pos move_timer terminate_timer terminal cars[8][x y timer speed]
enum { I_POS, I_MOVE, I_TERM_TIMER, I_TERMINAL, I_CARS, N_INTERNAL = I_CARS + 32 };

typedef struct {
  _Alignas(16) unsigned char game[1024];
  rlcMt19937 mt;
  int32_t in[RLC_MINATAR_MAX_INTERNAL];
} Run;

static void start(Run *r, uint32_t seed) {
  CHECK(G->state_size <= sizeof r->game);
  rlc_mt_seed(&r->mt, seed);
  G->reset(r->game, &r->mt, true);
  CHECK_EQ_INT(G->internal(r->game, r->in, RLC_MINATAR_MAX_INTERNAL), N_INTERNAL);
}

// One Environment.act with sticky_action_prob 0: the wrapper's rand(), then the game.
static int step(Run *r, int a, bool *terminal) {
  (void)rlc_mt_rand(&r->mt);
  int rew = G->act(r->game, &r->mt, a, true, terminal);
  G->internal(r->game, r->in, RLC_MINATAR_MAX_INTERNAL);
  return rew;
}

static int car(const Run *r, int i, int field) { return r->in[I_CARS + 4 * i + field]; }

TEST(minatar_freeway_description) {
  CHECK(strcmp(G->name, "freeway") == 0);
  CHECK(strcmp(G->title, "Freeway") == 0);
  CHECK_EQ_INT(G->channels, C);
  CHECK(strcmp(G->channel_names[0], "chicken") == 0);
  CHECK(strcmp(G->channel_names[6], "speed5") == 0);
  CHECK_EQ_INT(G->n_minimal, 3);
  CHECK_EQ_INT(G->minimal[0], RLC_MINATAR_NOOP);
  CHECK_EQ_INT(G->minimal[1], RLC_MINATAR_UP);
  CHECK_EQ_INT(G->minimal[2], RLC_MINATAR_DOWN);
}

// minatar_freeway.txt, B 0 (seed 1000): 29 raw outputs for 8 randint + 8 rand.
TEST(minatar_freeway_start_state) {
  static const int want[N_INTERNAL] = {9, 3, 2500, 0, 0, 1, 4, -4, 0, 2, 1, -1, 0, 3, 4, 4, 0, 4, 5, 5,
                                       0, 5, 2, 2, 0, 6, 1, 1, 0, 7, 2, -2, 0, 8, 1, -1};
  Run r;
  start(&r, 1000);
  for (int i = 0; i < N_INTERNAL; i++) CHECK_MSG(r.in[i] == want[i], "internal[%d] %d, want %d", i, r.in[i], want[i]);
  rlcMt19937 m;
  rlc_mt_seed(&m, 1000);
  for (int i = 0; i < 29; i++) rlc_mt_next32(&m);
  CHECK(memcmp(&m, &r.mt, sizeof m) == 0);

  uint8_t o[100 * C];
  G->observe(r.game, o);
  int ones = 0;
  for (int i = 0; i < 100 * C; i++) ones += o[i];
  CHECK_EQ_INT(ones, 17);  // chicken, 8 cars, 8 trails
  CHECK(OBS(o, 9, 4, 0));
  for (int y = 1; y <= 8; y++) CHECK(OBS(o, y, 0, 1));
  CHECK(OBS(o, 1, 1, 5));  // speed -4 drives left: trail to the right, channel speed4
  CHECK(OBS(o, 3, 9, 5));  // speed +4 at x=0: its trail wraps to x=9
  CHECK(OBS(o, 4, 9, 6));  // speed 5
  CHECK(OBS(o, 2, 1, 2));  // speed -1
}

// The chicken moves at most once every 3 frames: the timer starts at 3 and
// a move sets it back to 3 before the end-of-act decrement.
TEST(minatar_freeway_move_timer) {
  Run r;
  start(&r, 1000);
  bool t;
  for (int k = 0; k < 3; k++) {
    step(&r, RLC_MINATAR_UP, &t);
    CHECK_EQ_INT(r.in[I_POS], 9);
    CHECK_EQ_INT(r.in[I_MOVE], 2 - k);
  }
  step(&r, RLC_MINATAR_DOWN, &t);  // already at the bottom: the timer still restarts
  CHECK_EQ_INT(r.in[I_POS], 9);
  CHECK_EQ_INT(r.in[I_MOVE], 2);
  step(&r, RLC_MINATAR_LEFT, &t);  // left, right and fire are no-ops
  step(&r, RLC_MINATAR_FIRE, &t);
  CHECK_EQ_INT(r.in[I_MOVE], 0);
  CHECK_EQ_INT(r.in[I_POS], 9);
}

// With no-ops nothing is drawn; a car of speed v moves one column every
// |v| + 1 frames in the direction of v, wrapping at the edges.
TEST(minatar_freeway_cars_move) {
  Run r;
  start(&r, 1000);
  int speed[8];
  for (int i = 0; i < 8; i++) speed[i] = car(&r, i, 3);
  rlcMt19937 m = r.mt;
  bool t;
  for (int n = 1; n <= 60; n++) {
    step(&r, RLC_MINATAR_NOOP, &t);
    rlc_mt_rand(&m);
    for (int i = 0; i < 8; i++) {
      int v = speed[i], a = v < 0 ? -v : v, moves = n / (a + 1);
      int x = ((v > 0 ? moves : -moves) % 10 + 10) % 10;
      CHECK_MSG(car(&r, i, 0) == x && car(&r, i, 1) == i + 1 && car(&r, i, 3) == v, "frame %d car %d x %d, want %d", n,
                i, car(&r, i, 0), x);
    }
  }
  CHECK(memcmp(&m, &r.mt, sizeof m) == 0);
}

// minatar_freeway.txt episode 0, step 42: the chicken steps up from row 6 to
// 5 and car 4 (speed 2, timer 0) moves from x=3 onto it at x=4: back to row 9.
TEST(minatar_freeway_hit) {
  static const char actions[] = "224222422224221422222220222444152224322222";
  Run r;
  start(&r, 1000);
  bool t = false;
  for (int k = 0; k < 41; k++) CHECK_EQ_INT(step(&r, actions[k] - '0', &t), 0);
  CHECK_EQ_INT(r.in[I_POS], 6);
  CHECK_EQ_INT(r.in[I_MOVE], 0);
  CHECK(car(&r, 4, 0) == 3 && car(&r, 4, 1) == 5 && car(&r, 4, 2) == 0 && car(&r, 4, 3) == 2);
  CHECK_EQ_INT(step(&r, actions[41] - '0', &t), 0);
  CHECK_EQ_INT(r.in[I_POS], 9);
  CHECK_EQ_INT(r.in[I_MOVE], 2);
  CHECK_EQ_INT(r.in[I_TERM_TIMER], 2458);
  CHECK(car(&r, 4, 0) == 4 && car(&r, 4, 2) == 2);
  CHECK(!t);
}

// Always up: each crossing gives +1, puts the chicken back at row 9 and
// re-draws every car's speed and timer (randint(1, 6) x 8, then rand() x 8
// for the signs) before the cars step, keeping their columns.
TEST(minatar_freeway_score_redraws_speeds) {
  Run r;
  start(&r, 7);
  bool t = false;
  int scored = 0;
  for (int n = 0; n < 2500 && scored < 3; n++) {
    int32_t before[N_INTERNAL];
    memcpy(before, r.in, sizeof before);
    rlcMt19937 m = r.mt;
    int rew = step(&r, RLC_MINATAR_UP, &t);
    rlc_mt_rand(&m);
    if (!rew) {
      CHECK(memcmp(&m, &r.mt, sizeof m) == 0);
      continue;
    }
    CHECK_EQ_INT(rew, 1);
    CHECK_EQ_INT(before[I_POS], 1);
    CHECK_EQ_INT(r.in[I_POS], 9);
    int speed[8];
    for (int i = 0; i < 8; i++) speed[i] = (int)rlc_mt_randint(&m, 1, 6);
    for (int i = 0; i < 8; i++) speed[i] *= rlc_mt_rand(&m) < 0.5 ? -1 : 1;
    CHECK(memcmp(&m, &r.mt, sizeof m) == 0);
    for (int i = 0; i < 8; i++) {  // fresh timers are >= 1: no car moves this frame
      int v = speed[i];
      CHECK_EQ_INT(car(&r, i, 3), v);
      CHECK_EQ_INT(car(&r, i, 2), (v < 0 ? -v : v) - 1);
      CHECK_EQ_INT(car(&r, i, 0), before[I_CARS + 4 * i]);
    }
    scored++;
  }
  CHECK_EQ_INT(scored, 3);
}

// The game ends on the 2501st act; after that acts change nothing and draw nothing.
TEST(minatar_freeway_time_limit) {
  Run r;
  start(&r, 3);
  bool t = false;
  for (int n = 1; n <= 2500; n++) {
    step(&r, RLC_MINATAR_NOOP, &t);
    CHECK_MSG(!t, "terminal after %d acts", n);
    if (t) return;
  }
  CHECK_EQ_INT(r.in[I_TERM_TIMER], 0);
  CHECK_EQ_INT(step(&r, RLC_MINATAR_NOOP, &t), 0);
  CHECK(t);
  CHECK_EQ_INT(r.in[I_TERM_TIMER], -1);
  CHECK_EQ_INT(r.in[I_TERMINAL], 1);
  int32_t before[N_INTERNAL];
  memcpy(before, r.in, sizeof before);
  rlcMt19937 m = r.mt;
  t = false;
  CHECK_EQ_INT(G->act(r.game, &r.mt, RLC_MINATAR_UP, true, &t), 0);
  CHECK(t);
  CHECK(memcmp(&m, &r.mt, sizeof m) == 0);
  G->internal(r.game, r.in, RLC_MINATAR_MAX_INTERNAL);
  CHECK(memcmp(before, r.in, sizeof before) == 0);
}
