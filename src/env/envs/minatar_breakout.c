// minatar_breakout.c: MinAtar's Breakout (minatar/environments/breakout.py,
// MinAtar 1.0.15): a paddle on the bottom row, a ball moving on diagonals and
// three rows of bricks, refilled when the ball reaches the bottom row with
// none left. +1 per brick; the episode ends when the ball passes the paddle.
// No difficulty ramp; reset draws randint(2) for the ball's start side, act
// draws nothing.
// Depends on: minatar.h (rlcMinAtarGame), rlc/core.h (rlcMt19937).
#include <string.h>

#include "minatar.h"

#define N RLC_MINATAR_SIZE

enum { CH_PADDLE, CH_BALL, CH_TRAIL, CH_BRICK, N_CH };

typedef struct {
  int ball_x, ball_y, ball_dir;  // dir: 0 up-left, 1 up-right, 2 down-right, 3 down-left
  int pos;                       // the paddle's column (row 9)
  bool strike;                   // the ball hit a brick on the previous step
  int last_x, last_y;            // the ball's previous cell, drawn as the trail
  bool terminal;
  uint8_t brick[N * N];          // y * 10 + x
} Breakout;

// Direction after bouncing off a wall (x flips), the ceiling, a brick or the
// paddle's near side (y flips), and the paddle's far corner (both flip).
static const int FLIP_X[4] = {1, 0, 3, 2};
static const int FLIP_Y[4] = {3, 2, 1, 0};
static const int FLIP_XY[4] = {2, 3, 0, 1};
static const int DX[4] = {-1, 1, 1, -1};
static const int DY[4] = {-1, -1, 1, 1};

static void fill_bricks(Breakout *g) {
  for (int y = 1; y <= 3; y++)
    for (int x = 0; x < N; x++) g->brick[y * N + x] = 1;
}

static bool no_bricks(const Breakout *g) {
  for (int i = 0; i < N * N; i++)
    if (g->brick[i]) return false;
  return true;
}

static void breakout_reset(void *game, rlcMt19937 *mt, bool ramping) {
  Breakout *g = game;
  memset(g, 0, sizeof *g);
  g->ball_y = 3;
  // random.choice(2) is one randint(0, 2) draw: left wall heading down-right,
  // or right wall heading down-left.
  if (rlc_mt_randint(mt, 0, 2) == 0) {
    g->ball_x = 0;
    g->ball_dir = 2;
  } else {
    g->ball_x = 9;
    g->ball_dir = 3;
  }
  g->pos = 4;
  fill_bricks(g);
  g->strike = false;
  g->last_x = g->ball_x;
  g->last_y = g->ball_y;
  g->terminal = false;
}

static int breakout_act(void *game, rlcMt19937 *mt, int a, bool ramping, bool *terminal) {
  Breakout *g = game;
  int r = 0;
  if (g->terminal) {
    *terminal = true;
    return 0;
  }
  if (a == RLC_MINATAR_LEFT) g->pos = g->pos > 0 ? g->pos - 1 : 0;
  else if (a == RLC_MINATAR_RIGHT) g->pos = g->pos < 9 ? g->pos + 1 : 9;

  g->last_x = g->ball_x;
  g->last_y = g->ball_y;
  int nx = g->ball_x + DX[g->ball_dir], ny = g->ball_y + DY[g->ball_dir];

  bool strike_toggle = false;
  if (nx < 0 || nx > 9) {
    nx = nx < 0 ? 0 : 9;
    g->ball_dir = FLIP_X[g->ball_dir];
  }
  if (ny < 0) {
    ny = 0;
    g->ball_dir = FLIP_Y[g->ball_dir];
  } else if (g->brick[ny * N + nx]) {
    // A brick hit right after another one is not broken: the ball enters its
    // cell (strike stays set), as MinAtar does.
    strike_toggle = true;
    if (!g->strike) {
      r += 1;
      g->strike = true;
      g->brick[ny * N + nx] = 0;
      ny = g->last_y;
      g->ball_dir = FLIP_Y[g->ball_dir];
    }
  } else if (ny == 9) {
    if (no_bricks(g)) fill_bricks(g);
    // The paddle test uses the ball's old column first, then the new one.
    if (g->ball_x == g->pos) {
      g->ball_dir = FLIP_Y[g->ball_dir];
      ny = g->last_y;
    } else if (nx == g->pos) {
      g->ball_dir = FLIP_XY[g->ball_dir];
      ny = g->last_y;
    } else {
      g->terminal = true;
    }
  }
  if (!strike_toggle) g->strike = false;

  g->ball_x = nx;
  g->ball_y = ny;
  *terminal = g->terminal;
  return r;
}

static void breakout_observe(const void *game, uint8_t *obs) {
  const Breakout *g = game;
  memset(obs, 0, N * N * N_CH);
  obs[(g->ball_y * N + g->ball_x) * N_CH + CH_BALL] = 1;
  obs[(9 * N + g->pos) * N_CH + CH_PADDLE] = 1;
  obs[(g->last_y * N + g->last_x) * N_CH + CH_TRAIL] = 1;
  for (int i = 0; i < N * N; i++) obs[i * N_CH + CH_BRICK] = g->brick[i];
}

// ball_x ball_y ball_dir pos strike last_x last_y terminal brick_map[100]
static int breakout_internal(const void *game, int32_t *out, int max) {
  const Breakout *g = game;
  int32_t v[8 + N * N] = {g->ball_x, g->ball_y, g->ball_dir, g->pos, g->strike, g->last_x, g->last_y, g->terminal};
  for (int i = 0; i < N * N; i++) v[8 + i] = g->brick[i];
  int n = 8 + N * N;
  if (n > max) n = max;
  memcpy(out, v, (size_t)n * sizeof *out);
  return n;
}

// Keep the paddle under the ball's column.
static int breakout_heuristic(const uint8_t *obs) {
  int ball = -1, paddle = -1;
  for (int i = 0; i < N * N; i++) {
    if (obs[i * N_CH + CH_BALL]) ball = i % N;
    if (obs[i * N_CH + CH_PADDLE]) paddle = i % N;
  }
  if (ball < 0 || paddle < 0 || ball == paddle) return RLC_MINATAR_NOOP;
  return ball < paddle ? RLC_MINATAR_LEFT : RLC_MINATAR_RIGHT;
}

static bool breakout_valid(const void *game) {
  const Breakout *g = game;
  if (!minatar_in_grid(g->ball_x, g->ball_y) || !minatar_in_grid(g->last_x, g->last_y) || !minatar_in_grid(g->pos, 9) ||
      g->ball_dir < 0 || g->ball_dir > 3 || !rlc_byte_is_bool(&g->strike) || !rlc_byte_is_bool(&g->terminal))
    return false;
  for (int i = 0; i < N * N; i++)
    if (g->brick[i] > 1) return false;
  return true;
}

const rlcMinAtarGame minatar_breakout = {
    .valid = breakout_valid,
    .name = "breakout",
    .title = "Breakout",
    .channels = N_CH,
    .channel_names = {"paddle", "ball", "trail", "brick"},
    .n_minimal = 3,
    .minimal = {RLC_MINATAR_NOOP, RLC_MINATAR_LEFT, RLC_MINATAR_RIGHT},
    .state_size = sizeof(Breakout),
    .reset = breakout_reset,
    .act = breakout_act,
    .observe = breakout_observe,
    .internal = breakout_internal,
    .heuristic = breakout_heuristic,
};
