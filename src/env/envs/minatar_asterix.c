// minatar_asterix.c: MinAtar's Asterix (minatar/environments/asterix.py,
// MinAtar 1.0.15). The player walks the rows 1..8; every spawn_speed steps an
// enemy or a piece of gold enters one free row from a side and walks across,
// one column every move_speed steps. Gold is +1, an enemy ends the episode;
// with ramping both speeds rise every ramp_interval steps. The draws (side,
// gold, row) are RandomState's, in MinAtar's order, so seeded episodes replay
// the Python exactly.
// Depends on: env/envs/minatar.h (rlcMt19937 from rlc/core.h).
#include <string.h>

#include "env/envs/minatar.h"

#define RAMP_INTERVAL 100
#define INIT_SPAWN_SPEED 10
#define INIT_MOVE_INTERVAL 5
#define N_SLOTS 8  // slot i is row i + 1

enum { CH_PLAYER, CH_ENEMY, CH_TRAIL, CH_GOLD, N_CHANNELS };

// One row's occupant: MinAtar's [x, y, lr, is_gold] list, or None when absent.
typedef struct {
  int present;
  int x, y;
  int lr;  // 1: walks right (entered at x = 0), 0: walks left (from x = 9)
  int gold;
} Entity;

typedef struct {
  int player_x, player_y;
  int spawn_speed, spawn_timer;
  int move_speed, move_timer;
  int ramp_timer, ramp_index;
  int shot_timer;  // kept at 0, as in MinAtar: it is part of the recorded state
  bool terminal;
  Entity slots[N_SLOTS];
} Asterix;

static void asterix_reset(void *game, rlcMt19937 *mt, bool ramping) {
  (void)mt;
  (void)ramping;
  Asterix *g = game;
  memset(g, 0, sizeof *g);
  g->player_x = 5;
  g->player_y = 5;
  g->spawn_speed = INIT_SPAWN_SPEED;
  g->spawn_timer = g->spawn_speed;
  g->move_speed = INIT_MOVE_INTERVAL;
  g->move_timer = g->move_speed;
  g->ramp_timer = RAMP_INTERVAL;
  g->ramp_index = 0;
  g->terminal = false;
}

// Side and kind are drawn before the free rows are looked at, so a full board
// still uses two doubles; with one free row the randint draws nothing.
static void spawn_entity(Asterix *g, rlcMt19937 *mt) {
  int lr = rlc_mt_rand(mt) < 1.0 / 2;
  int gold = rlc_mt_rand(mt) < 1.0 / 3;
  int free_slots[N_SLOTS], n = 0;
  for (int i = 0; i < N_SLOTS; i++)
    if (!g->slots[i].present) free_slots[n++] = i;
  if (n == 0) return;
  int s = free_slots[rlc_mt_randint(mt, 0, n)];
  g->slots[s] = (Entity){.present = 1, .x = lr ? 0 : 9, .y = s + 1, .lr = lr, .gold = gold};
}

// Touching gold takes it (+1); touching an enemy ends the episode but leaves
// the enemy where it is, and the step goes on.
static void touch(Asterix *g, Entity *e, int *r) {
  if (e->x != g->player_x || e->y != g->player_y) return;
  if (e->gold) {
    e->present = 0;
    (*r)++;
  } else {
    g->terminal = true;
  }
}

static int asterix_act(void *game, rlcMt19937 *mt, int a, bool ramping, bool *terminal) {
  Asterix *g = game;
  int r = 0;
  if (g->terminal) {
    *terminal = true;
    return 0;
  }
  if (g->spawn_timer == 0) {
    spawn_entity(g, mt);
    g->spawn_timer = g->spawn_speed;
  }
  switch (a) {
  case RLC_MINATAR_LEFT: g->player_x = g->player_x > 0 ? g->player_x - 1 : 0; break;
  case RLC_MINATAR_RIGHT: g->player_x = g->player_x < 9 ? g->player_x + 1 : 9; break;
  case RLC_MINATAR_UP: g->player_y = g->player_y > 1 ? g->player_y - 1 : 1; break;
  case RLC_MINATAR_DOWN: g->player_y = g->player_y < 8 ? g->player_y + 1 : 8; break;
  default: break;  // noop and fire
  }
  // The player may have walked into an entity; then entities move and may
  // walk into the player.
  for (int i = 0; i < N_SLOTS; i++)
    if (g->slots[i].present) touch(g, &g->slots[i], &r);
  if (g->move_timer == 0) {
    g->move_timer = g->move_speed;
    for (int i = 0; i < N_SLOTS; i++) {
      Entity *e = &g->slots[i];
      if (!e->present) continue;
      e->x += e->lr ? 1 : -1;
      if (e->x < 0 || e->x > 9) e->present = 0;  // walked off the board
      else touch(g, e, &r);
    }
  }
  g->spawn_timer--;
  g->move_timer--;
  // ramp_timer runs 100 .. -1: the ramp happens on the step after it reaches -1.
  if (ramping && (g->spawn_speed > 1 || g->move_speed > 1)) {
    if (g->ramp_timer >= 0) {
      g->ramp_timer--;
    } else {
      if (g->move_speed > 1 && g->ramp_index % 2) g->move_speed--;
      if (g->spawn_speed > 1) g->spawn_speed--;
      g->ramp_index++;
      g->ramp_timer = RAMP_INTERVAL;
    }
  }
  *terminal = g->terminal;
  return r;
}

static void asterix_observe(const void *game, uint8_t *obs) {
  const Asterix *g = game;
  memset(obs, 0, RLC_MINATAR_SIZE * RLC_MINATAR_SIZE * N_CHANNELS);
#define CELL(y, x, c) obs[((y) * RLC_MINATAR_SIZE + (x)) * N_CHANNELS + (c)]
  CELL(g->player_y, g->player_x, CH_PLAYER) = 1;
  for (int i = 0; i < N_SLOTS; i++) {
    const Entity *e = &g->slots[i];
    if (!e->present) continue;
    CELL(e->y, e->x, e->gold ? CH_GOLD : CH_ENEMY) = 1;
    int back_x = e->lr ? e->x - 1 : e->x + 1;  // the trail marks where it came from
    if (back_x >= 0 && back_x <= 9) CELL(e->y, back_x, CH_TRAIL) = 1;
  }
#undef CELL
}

static int asterix_internal(const void *game, int32_t *out, int max) {
  const Asterix *g = game;
  int32_t v[10 + 5 * N_SLOTS];
  int n = 0;
  v[n++] = g->player_x;
  v[n++] = g->player_y;
  v[n++] = g->spawn_speed;
  v[n++] = g->spawn_timer;
  v[n++] = g->move_speed;
  v[n++] = g->move_timer;
  v[n++] = g->ramp_timer;
  v[n++] = g->ramp_index;
  v[n++] = g->shot_timer;
  v[n++] = g->terminal;
  for (int i = 0; i < N_SLOTS; i++) {
    const Entity *e = &g->slots[i];
    v[n++] = e->present;
    v[n++] = e->present ? e->x : -1;  // an empty slot reads 0 -1 -1 0 0
    v[n++] = e->present ? e->y : -1;
    v[n++] = e->present ? e->lr : 0;
    v[n++] = e->present ? e->gold : 0;
  }
  if (n > max) n = max;
  memcpy(out, v, (size_t)n * sizeof *out);
  return n;
}

static bool asterix_valid(const void *game) {
  const Asterix *g = game;
  if (!minatar_in_grid(g->player_x, g->player_y) || !rlc_byte_is_bool(&g->terminal)) return false;
  for (int i = 0; i < N_SLOTS; i++) {
    const Entity *e = &g->slots[i];
    if ((e->present != 0 && e->present != 1) || (e->present && (!minatar_in_grid(e->x, e->y) || (e->lr != 0 && e->lr != 1) ||
                                                                 (e->gold != 0 && e->gold != 1))))
      return false;
  }
  return true;
}

const rlcMinAtarGame minatar_asterix = {
    .valid = asterix_valid,
    .name = "asterix",
    .title = "Asterix",
    .channels = N_CHANNELS,
    .channel_names = {"player", "enemy", "trail", "gold"},
    .n_minimal = 5,
    .minimal = {RLC_MINATAR_NOOP, RLC_MINATAR_LEFT, RLC_MINATAR_UP, RLC_MINATAR_RIGHT, RLC_MINATAR_DOWN},
    .state_size = sizeof(Asterix),
    .reset = asterix_reset,
    .act = asterix_act,
    .observe = asterix_observe,
    .internal = asterix_internal,
};
