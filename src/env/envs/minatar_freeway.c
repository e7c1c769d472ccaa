// minatar_freeway.c: MinAtar's Freeway (minatar/environments/freeway.py,
// MinAtar 1.0.15): a chicken crosses eight lanes of wrapping cars, moving at
// most once every 3 frames; reaching the top scores +1, sends it back to the
// bottom and re-draws the car speeds; a car hit sends it back too. The
// episode ends on the 2501st act. Freeway has no difficulty ramp.
// Depends on: minatar.h (rlcMt19937 from rlc/core.h).
#include "minatar.h"

#define PLAYER_SPEED 3
#define TIME_LIMIT 2500
#define N_CARS 8
#define CHICKEN_X 4  // the chicken's column never changes

enum { CH_CHICKEN, CH_CAR, CH_SPEED1 };  // speed k's trail is channel CH_SPEED1 + k - 1

typedef struct {
  int x, y;   // column, lane row (car i drives in row i + 1)
  int timer;  // frames until the next one-column move
  int speed;  // +-1..5: sign is the direction, |speed| the frames per move
} Car;

typedef struct {
  int pos;  // the chicken's row; 9 is the bottom, reaching 0 scores
  int move_timer;
  int terminate_timer;
  bool terminal;
  Car cars[N_CARS];
} Freeway;

// Eight speeds randint(1, 6), then eight directions sign(u - 0.5) from uniform
// draws u: all eight speeds are drawn before any direction. At reset the cars
// also go back to column 0; later only their timers and speeds change.
static void randomize_cars(Freeway *g, rlcMt19937 *mt, bool initialize) {
  int speed[N_CARS];
  for (int i = 0; i < N_CARS; i++) speed[i] = (int)rlc_mt_randint(mt, 1, 6);
  for (int i = 0; i < N_CARS; i++) {
    double d = rlc_mt_rand(mt) - 0.5;
    speed[i] *= (d > 0) - (d < 0);  // np.sign: exactly 0.5 would give speed 0
  }
  for (int i = 0; i < N_CARS; i++) {
    Car *c = &g->cars[i];
    if (initialize) c->x = 0, c->y = i + 1;
    c->timer = speed[i] < 0 ? -speed[i] : speed[i];
    c->speed = speed[i];
  }
}

static void freeway_reset(void *game, rlcMt19937 *mt, bool ramping) {
  Freeway *g = game;
  randomize_cars(g, mt, true);
  g->pos = 9;
  g->move_timer = PLAYER_SPEED;
  g->terminate_timer = TIME_LIMIT;
  g->terminal = false;
}

static bool hits(const Car *c, int pos) { return c->x == CHICKEN_X && c->y == pos; }

static int freeway_act(void *game, rlcMt19937 *mt, int a, bool ramping, bool *terminal) {
  Freeway *g = game;
  int r = 0;
  if (g->terminal) {
    *terminal = true;
    return 0;
  }
  if (a == RLC_MINATAR_UP && g->move_timer == 0) {
    g->move_timer = PLAYER_SPEED;
    if (g->pos > 0) g->pos--;
  } else if (a == RLC_MINATAR_DOWN && g->move_timer == 0) {
    g->move_timer = PLAYER_SPEED;
    if (g->pos < 9) g->pos++;
  }
  if (g->pos == 0) {
    r += 1;
    randomize_cars(g, mt, false);
    g->pos = 9;
  }
  // Cars in list order; a hit moves the chicken at once, so later cars test
  // against its new row. A car is tested before and after its move.
  for (int i = 0; i < N_CARS; i++) {
    Car *c = &g->cars[i];
    if (hits(c, g->pos)) g->pos = 9;
    if (c->timer == 0) {
      c->timer = c->speed < 0 ? -c->speed : c->speed;
      c->x += c->speed > 0 ? 1 : -1;
      if (c->x < 0) c->x = 9;
      else if (c->x > 9) c->x = 0;
      if (hits(c, g->pos)) g->pos = 9;
    } else {
      c->timer--;
    }
  }
  if (g->move_timer > 0) g->move_timer--;
  g->terminate_timer--;
  if (g->terminate_timer < 0) g->terminal = true;
  *terminal = g->terminal;
  return r;
}

static void freeway_observe(const void *game, uint8_t *obs) {
  const Freeway *g = game;
  enum { C = 7 };
  for (int i = 0; i < RLC_MINATAR_SIZE * RLC_MINATAR_SIZE * C; i++) obs[i] = 0;
  obs[(g->pos * 10 + CHICKEN_X) * C + CH_CHICKEN] = 1;
  for (int i = 0; i < N_CARS; i++) {
    const Car *c = &g->cars[i];
    obs[(c->y * 10 + c->x) * C + CH_CAR] = 1;
    // The trail sits one column behind the car, wrapping, in its speed's channel.
    int back = c->speed > 0 ? c->x - 1 : c->x + 1;
    if (back < 0) back = 9;
    else if (back > 9) back = 0;
    int s = c->speed < 0 ? -c->speed : c->speed;
    if (s >= 1 && s <= 5) obs[(c->y * 10 + back) * C + CH_SPEED1 + s - 1] = 1;
  }
}

// pos move_timer terminate_timer terminal cars[8][x y timer speed]
static int freeway_internal(const void *game, int32_t *out, int max) {
  const Freeway *g = game;
  int32_t v[4 + 4 * N_CARS];
  int n = 0;
  v[n++] = g->pos;
  v[n++] = g->move_timer;
  v[n++] = g->terminate_timer;
  v[n++] = g->terminal;
  for (int i = 0; i < N_CARS; i++) {
    v[n++] = g->cars[i].x;
    v[n++] = g->cars[i].y;
    v[n++] = g->cars[i].timer;
    v[n++] = g->cars[i].speed;
  }
  if (n > max) n = max;
  for (int i = 0; i < n; i++) out[i] = v[i];
  return n;
}

// Always up: cars only push the chicken back, so pressing on scores.
static int freeway_heuristic(const uint8_t *obs) { return RLC_MINATAR_UP; }

static bool freeway_valid(const void *game) {
  const Freeway *g = game;
  if (!minatar_in_grid(CHICKEN_X, g->pos) || !rlc_byte_is_bool(&g->terminal)) return false;
  for (int i = 0; i < N_CARS; i++)
    if (!minatar_in_grid(g->cars[i].x, g->cars[i].y)) return false;
  return true;
}

const rlcMinAtarGame minatar_freeway = {
    .valid = freeway_valid,
    .name = "freeway",
    .title = "Freeway",
    .channels = 7,
    .channel_names = {"chicken", "car", "speed1", "speed2", "speed3", "speed4", "speed5"},
    .n_minimal = 3,
    .minimal = {RLC_MINATAR_NOOP, RLC_MINATAR_UP, RLC_MINATAR_DOWN},
    .state_size = sizeof(Freeway),
    .reset = freeway_reset,
    .act = freeway_act,
    .observe = freeway_observe,
    .internal = freeway_internal,
    .heuristic = freeway_heuristic,
};
