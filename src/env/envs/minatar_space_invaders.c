// minatar_space_invaders.c: MinAtar's SpaceInvaders (1.0.15,
// minatar/environments/space_invaders.py). A cannon on the bottom row shoots
// up at a 4x6 block of aliens that sweeps sideways, steps down and reverses at
// an edge, and drops bullets from the alien nearest the cannon; +1 per alien
// hit, terminal when an alien or an alien bullet reaches the cannon. A cleared
// wave is refilled, one tick faster with difficulty ramping. The game draws no
// random numbers (only the wrapper's sticky-action draw), so it is
// deterministic given the actions.
// Depends on: minatar.h (the shared MinAtar class calls it).
#include <stdlib.h>
#include <string.h>

#include "minatar.h"

#define N RLC_MINATAR_SIZE
#define SHOT_COOL_DOWN 5
#define ENEMY_MOVE_INTERVAL 12  // initial; ramping lowers it down to 6
#define ENEMY_SHOT_INTERVAL 10

typedef struct {
  int pos;        // cannon column, on row 9
  int alien_dir;  // -1 left, +1 right
  int enemy_move_interval, alien_move_timer, alien_shot_timer, ramp_index, shot_timer;
  bool terminal;
  uint8_t alien[N][N], f_bullet[N][N], e_bullet[N][N];  // [y][x], 0/1
} SpaceInvaders;

static void fill_wave(SpaceInvaders *g) {
  for (int y = 0; y < 4; y++)
    for (int x = 2; x < 8; x++) g->alien[y][x] = 1;
}

static int count_aliens(const SpaceInvaders *g) {
  int n = 0;
  for (int y = 0; y < N; y++)
    for (int x = 0; x < N; x++) n += g->alien[y][x];
  return n;
}

static bool column_has_alien(const SpaceInvaders *g, int x) {
  for (int y = 0; y < N; y++)
    if (g->alien[y][x]) return true;
  return false;
}

// np.roll of a map by one row: down (+1) or up (-1), wrapping around.
static void roll_rows(uint8_t m[N][N], int shift) {
  uint8_t tmp[N][N];
  for (int y = 0; y < N; y++) memcpy(tmp[(y + shift + N) % N], m[y], N);
  memcpy(m, tmp, sizeof tmp);
}

// np.roll of a map by one column, wrapping around.
static void roll_cols(uint8_t m[N][N], int shift) {
  uint8_t tmp[N][N];
  for (int y = 0; y < N; y++)
    for (int x = 0; x < N; x++) tmp[y][(x + shift + N) % N] = m[y][x];
  memcpy(m, tmp, sizeof tmp);
}

// The lowest alien of the occupied column nearest the cannon fires; on a
// distance tie the left column wins (Python's stable sort of columns 0..9).
static void alien_fires(SpaceInvaders *g) {
  for (int d = 0; d < N; d++)
    for (int side = -1; side <= 1; side += 2) {
      int x = g->pos + side * d;
      if (x < 0 || x >= N || !column_has_alien(g, x)) continue;
      int y = N - 1;
      while (!g->alien[y][x]) y--;
      g->e_bullet[y][x] = 1;
      return;
    }
}

static void space_invaders_reset(void *game, rlcMt19937 *mt, bool ramping) {
  SpaceInvaders *g = game;
  memset(g, 0, sizeof *g);
  g->pos = 5;
  fill_wave(g);
  g->alien_dir = -1;
  g->enemy_move_interval = ENEMY_MOVE_INTERVAL;
  g->alien_move_timer = ENEMY_MOVE_INTERVAL;
  g->alien_shot_timer = ENEMY_SHOT_INTERVAL;
}

static int space_invaders_act(void *game, rlcMt19937 *mt, int a, bool ramping, bool *terminal) {
  SpaceInvaders *g = game;
  if (g->terminal) {
    *terminal = true;
    return 0;
  }

  if (a == RLC_MINATAR_FIRE && g->shot_timer == 0) {
    g->f_bullet[9][g->pos] = 1;
    g->shot_timer = SHOT_COOL_DOWN;
  } else if (a == RLC_MINATAR_LEFT) {
    if (g->pos > 0) g->pos--;
  } else if (a == RLC_MINATAR_RIGHT) {
    if (g->pos < N - 1) g->pos++;
  }

  // Friendly bullets rise, enemy bullets fall; what wraps around is cleared.
  roll_rows(g->f_bullet, -1);
  memset(g->f_bullet[N - 1], 0, N);
  roll_rows(g->e_bullet, 1);
  memset(g->e_bullet[0], 0, N);
  if (g->e_bullet[9][g->pos]) g->terminal = true;

  if (g->alien[9][g->pos]) g->terminal = true;
  if (g->alien_move_timer == 0) {
    // Fewer aliens move faster: the next move comes after min(count, interval).
    int n = count_aliens(g);
    g->alien_move_timer = n < g->enemy_move_interval ? n : g->enemy_move_interval;
    if ((g->alien_dir < 0 && column_has_alien(g, 0)) || (g->alien_dir > 0 && column_has_alien(g, N - 1))) {
      g->alien_dir = -g->alien_dir;
      for (int x = 0; x < N; x++)
        if (g->alien[9][x]) g->terminal = true;
      roll_rows(g->alien, 1);  // wraps row 9 to row 0, as np.roll does
    } else {
      roll_cols(g->alien, g->alien_dir);
    }
    if (g->alien[9][g->pos]) g->terminal = true;
  }
  if (g->alien_shot_timer == 0) {
    g->alien_shot_timer = ENEMY_SHOT_INTERVAL;
    alien_fires(g);
  }

  // Hits are only where an alien and a friendly bullet share a cell after
  // all moves: a bullet and an alien that swap cells in one act both survive.
  // A terminal act still plays out to the end, as MinAtar's does.
  int r = 0;
  for (int y = 0; y < N; y++)
    for (int x = 0; x < N; x++)
      if (g->alien[y][x] && g->f_bullet[y][x]) {
        g->alien[y][x] = g->f_bullet[y][x] = 0;
        r++;
      }

  if (g->shot_timer > 0) g->shot_timer--;
  g->alien_move_timer--;
  g->alien_shot_timer--;
  if (count_aliens(g) == 0) {
    if (g->enemy_move_interval > 6 && ramping) {
      g->enemy_move_interval--;
      g->ramp_index++;
    }
    fill_wave(g);
  }
  *terminal = g->terminal;
  return r;
}

static void space_invaders_observe(const void *game, uint8_t *obs) {
  const SpaceInvaders *g = game;
  memset(obs, 0, N * N * 6);
  obs[(9 * N + g->pos) * 6 + 0] = 1;
  for (int y = 0; y < N; y++)
    for (int x = 0; x < N; x++) {
      uint8_t *o = obs + (y * N + x) * 6;
      o[1] = g->alien[y][x];
      o[g->alien_dir < 0 ? 2 : 3] = g->alien[y][x];
      o[4] = g->f_bullet[y][x];
      o[5] = g->e_bullet[y][x];
    }
}

static int put_map(int32_t *out, int n, int max, const uint8_t m[N][N]) {
  for (int i = 0; i < N * N; i++, n++)
    if (n < max) out[n] = m[i / N][i % N];
  return n;
}

static int space_invaders_internal(const void *game, int32_t *out, int max) {
  const SpaceInvaders *g = game;
  const int32_t head[] = {
      g->pos,        g->alien_dir, g->enemy_move_interval, g->alien_move_timer, g->alien_shot_timer, g->ramp_index,
      g->shot_timer, g->terminal};
  int n = 0;
  for (int i = 0; i < (int)(sizeof head / sizeof *head); i++, n++)
    if (n < max) out[n] = head[i];
  n = put_map(out, n, max, g->alien);
  n = put_map(out, n, max, g->f_bullet);
  n = put_map(out, n, max, g->e_bullet);
  return n < max ? n : max;
}

// Step aside from a bullet about to land; else fire when an alien is above
// the cannon, or move to the nearest column that has one.
static int space_invaders_heuristic(const uint8_t *obs) {
  int pos = 0, best = -1;
  for (int x = 0; x < N; x++)
    if (obs[(9 * N + x) * 6 + 0]) pos = x;
  for (int x = 0; x < N; x++)
    for (int y = 0; y < N; y++)
      if (obs[(y * N + x) * 6 + 1] && (best < 0 || abs(x - pos) < abs(best - pos))) best = x;
  // A bullet about to land on the cannon: step aside, toward the target.
  bool danger = false;
  for (int y = 6; y < 9; y++) danger |= obs[(y * N + pos) * 6 + 5] != 0;
  if (danger) return (best >= 0 ? best < pos : pos == N - 1) && pos > 0 ? RLC_MINATAR_LEFT : RLC_MINATAR_RIGHT;
  if (best < 0 || best == pos) return RLC_MINATAR_FIRE;
  return best < pos ? RLC_MINATAR_LEFT : RLC_MINATAR_RIGHT;
}

static bool space_invaders_valid(const void *game) {
  const SpaceInvaders *g = game;
  if (!minatar_in_grid(g->pos, 9) || (g->alien_dir != -1 && g->alien_dir != 1) || !rlc_byte_is_bool(&g->terminal))
    return false;
  for (int y = 0; y < N; y++)
    for (int x = 0; x < N; x++)
      if (g->alien[y][x] > 1 || g->f_bullet[y][x] > 1 || g->e_bullet[y][x] > 1) return false;
  return true;
}

const rlcMinAtarGame minatar_space_invaders = {
    .valid = space_invaders_valid,
    .name = "space_invaders",
    .title = "SpaceInvaders",
    .channels = 6,
    .channel_names = {"cannon", "alien", "alien_left", "alien_right", "friendly_bullet", "enemy_bullet"},
    .n_minimal = 4,
    .minimal = {RLC_MINATAR_NOOP, RLC_MINATAR_LEFT, RLC_MINATAR_RIGHT, RLC_MINATAR_FIRE},
    .state_size = sizeof(SpaceInvaders),
    .reset = space_invaders_reset,
    .act = space_invaders_act,
    .observe = space_invaders_observe,
    .internal = space_invaders_internal,
    .heuristic = space_invaders_heuristic,
};
