// minatar_seaquest.c: MinAtar's Seaquest (minatar/environments/seaquest.py,
// MinAtar 1.0.15): a two-cell submarine shoots fish and enemy subs (+1 each),
// picks up divers (at most 6) and must surface with at least one before its
// oxygen runs out; surfacing with 6 pays the oxygen bar and, with ramping,
// every surfacing speeds up spawning and enemy movement. Contact with a fish,
// a sub or an enemy bullet, running out of oxygen or surfacing with no diver
// ends the episode. act draws rand, rand, randint(1, 9) when an enemy spawns
// and rand, randint(1, 9) when a diver spawns; reset draws nothing.
// The Python keeps its objects in lists that it walks in reverse while
// removing from them with list.remove (first element of equal value, which
// is not always the one being walked); the lists here are arrays in the same
// order and the walks reproduce that, so replays match draw for draw.
// Depends on: minatar.h (rlcMinAtarGame), rlc/core.h (rlcMt19937).
#include <string.h>

#include "minatar.h"

#define N RLC_MINATAR_SIZE
#define MAX_OXYGEN 200
#define INIT_SPAWN_SPEED 20
#define DIVER_SPAWN_SPEED 30
#define INIT_MOVE_INTERVAL 5
#define SHOT_COOL_DOWN 5
#define ENEMY_SHOT_INTERVAL 10
#define DIVER_MOVE_INTERVAL 5
#define MAX_DIVERS 6
// At most one enemy spawns per act and it leaves within about 10 moves, so
// even at full ramp (spawn every act, a move every 3) about 33 are alive.
#define CAP 64

enum {
  CH_SUB_FRONT, CH_SUB_BACK, CH_FRIENDLY_BULLET, CH_TRAIL, CH_ENEMY_BULLET,
  CH_ENEMY_FISH, CH_ENEMY_SUB, CH_OXYGEN, CH_DIVER_GAUGE, CH_DIVER, N_CH
};

// One entry of a Python list: bullets use x y dir, fish and divers add move
// (the move timer), subs add shot (the shot timer). Unused fields stay 0 so
// that value equality over the whole struct is the Python list equality.
typedef struct {
  int8_t x, y, dir, move, shot;  // dir 1: moving right
} Obj;

typedef struct {
  int n;
  Obj a[CAP];
} List;

typedef struct {
  int oxygen, diver_count;  // diver_count goes negative: surfacing with 6 leaves -1
  int sub_x, sub_y;
  bool sub_or;              // facing right
  int e_spawn_speed, e_spawn_timer, d_spawn_timer, move_speed, ramp_index, shot_timer;
  bool surface, terminal;
  List f_bullets, e_bullets, e_fish, e_subs, divers;
} Seaquest;

static void push(List *l, Obj o) {
  if (l->n < CAP) l->a[l->n++] = o;
}

static bool same(const Obj *p, const Obj *q) {
  return p->x == q->x && p->y == q->y && p->dir == q->dir && p->move == q->move && p->shot == q->shot;
}

// list.remove(value): drops the first entry equal to value; returns its index.
static int remove_value(List *l, Obj value) {
  for (int j = 0; j < l->n; j++)
    if (same(&l->a[j], &value)) {
      memmove(&l->a[j], &l->a[j + 1], (size_t)(l->n - j - 1) * sizeof(Obj));
      l->n--;
      return j;
    }
  return -1;
}

// Removes the value of the entry walked at index i, which Python keeps
// updating afterwards: returns where that object now lives, tmp once it left
// the list, or index i - 1 when an equal entry before it went instead (the
// reverse walk then visits it a second time, as Python's does; for enemies
// the bullet rule makes that case unreachable, but it costs nothing).
static Obj *remove_walked(List *l, int i, Obj *tmp) {
  *tmp = l->a[i];
  int j = remove_value(l, *tmp);
  return j == i ? tmp : &l->a[i - 1];
}

static bool at_sub(const Seaquest *g, const Obj *o) { return o->x == g->sub_x && o->y == g->sub_y; }

static bool off_grid(const Obj *o) { return o->x < 0 || o->x > N - 1; }

static void step_x(Obj *o) { o->x += o->dir ? 1 : -1; }

// The first entry of l at o's cell, or -1.
static int find_at(const List *l, const Obj *o) {
  for (int k = 0; k < l->n; k++)
    if (l->a[k].x == o->x && l->a[k].y == o->y) return k;
  return -1;
}

static void seaquest_reset(void *game, rlcMt19937 *mt, bool ramping) {
  (void)mt;
  (void)ramping;
  Seaquest *g = game;
  memset(g, 0, sizeof *g);
  g->oxygen = MAX_OXYGEN;
  g->sub_x = 5;
  g->sub_y = 0;
  g->sub_or = false;
  g->e_spawn_speed = INIT_SPAWN_SPEED;
  g->e_spawn_timer = INIT_SPAWN_SPEED;
  g->d_spawn_timer = DIVER_SPAWN_SPEED;
  g->move_speed = INIT_MOVE_INTERVAL;
  g->surface = true;
}

// All three values are drawn before the row check, which may drop the enemy.
static void spawn_enemy(Seaquest *g, rlcMt19937 *mt) {
  bool lr = rlc_mt_rand(mt) < 1.0 / 2;
  bool is_sub = rlc_mt_rand(mt) < 1.0 / 3;
  int y = (int)rlc_mt_randint(mt, 1, 9);
  const List *both[2] = {&g->e_subs, &g->e_fish};
  for (int l = 0; l < 2; l++)
    for (int k = 0; k < both[l]->n; k++)
      if (both[l]->a[k].y == y && both[l]->a[k].dir != lr) return;
  Obj o = {.x = lr ? 0 : N - 1, .y = (int8_t)y, .dir = lr, .move = (int8_t)g->move_speed};
  if (is_sub) {
    o.shot = ENEMY_SHOT_INTERVAL;
    push(&g->e_subs, o);
  } else {
    push(&g->e_fish, o);
  }
}

static void spawn_diver(Seaquest *g, rlcMt19937 *mt) {
  bool lr = rlc_mt_rand(mt) < 1.0 / 2;
  int y = (int)rlc_mt_randint(mt, 1, 9);
  push(&g->divers, (Obj){.x = lr ? 0 : N - 1, .y = (int8_t)y, .dir = lr, .move = DIVER_MOVE_INTERVAL});
}

static int surface(Seaquest *g, bool ramping) {
  int r = 0;
  g->surface = true;
  if (g->diver_count == MAX_DIVERS) {
    g->diver_count = 0;
    // Python's floor division; oxygen is only negative in states that a
    // terminal step made and act never resumes.
    int o = g->oxygen * 10;
    r = o / MAX_OXYGEN - (o % MAX_OXYGEN < 0);
  }
  g->oxygen = MAX_OXYGEN;
  g->diver_count -= 1;
  if (ramping && (g->e_spawn_speed > 1 || g->move_speed > 2)) {
    if (g->move_speed > 2 && g->ramp_index % 2) g->move_speed--;
    if (g->e_spawn_speed > 1) g->e_spawn_speed--;
    g->ramp_index++;
  }
  return r;
}

// Friendly bullets move, then hit the first fish, else the first sub, at
// their new cell.
static int update_friendly_bullets(Seaquest *g) {
  int r = 0;
  List *fb = &g->f_bullets;
  for (int i = fb->n - 1; i >= 0; i--) {
    Obj *b = &fb->a[i];
    step_x(b);
    if (off_grid(b)) {
      remove_value(fb, *b);
      continue;
    }
    List *targets[2] = {&g->e_fish, &g->e_subs};
    for (int l = 0; l < 2; l++) {
      int k = find_at(targets[l], b);
      if (k < 0) continue;
      remove_value(targets[l], targets[l]->a[k]);
      remove_value(fb, *b);
      r++;
      break;
    }
  }
  return r;
}

static void update_divers(Seaquest *g) {
  List *dv = &g->divers;
  for (int i = dv->n - 1; i >= 0; i--) {
    Obj *d = &dv->a[i];
    if (at_sub(g, d) && g->diver_count < MAX_DIVERS) {
      remove_value(dv, *d);
      g->diver_count++;
    } else if (d->move == 0) {
      d->move = DIVER_MOVE_INTERVAL;
      step_x(d);
      if (off_grid(d)) {
        remove_value(dv, *d);
      } else if (at_sub(g, d) && g->diver_count < MAX_DIVERS) {
        remove_value(dv, *d);
        g->diver_count++;
      }
    } else {
      d->move--;
    }
  }
}

// Moves one fish or sub (walked at index i of l) when its move timer is
// due; a friendly bullet at its new cell destroys both. Returns the object's
// location afterwards (see remove_walked) and adds to *r.
static Obj *move_enemy(Seaquest *g, List *l, int i, Obj *tmp, int *r) {
  Obj *e = &l->a[i];
  if (at_sub(g, e)) g->terminal = true;
  if (e->move != 0) {
    e->move--;
    return e;
  }
  e->move = (int8_t)g->move_speed;
  step_x(e);
  if (off_grid(e)) return remove_walked(l, i, tmp);
  if (at_sub(g, e)) {
    g->terminal = true;
    return e;
  }
  int k = find_at(&g->f_bullets, e);
  if (k < 0) return e;
  e = remove_walked(l, i, tmp);
  remove_value(&g->f_bullets, g->f_bullets.a[k]);
  (*r)++;
  return e;
}

// Subs move, then shoot from their cell (even one just removed: Python keeps
// using the object, and that bullet leaves the grid on its first move).
static int update_subs(Seaquest *g) {
  int r = 0;
  for (int i = g->e_subs.n - 1; i >= 0; i--) {
    Obj tmp;
    Obj *s = move_enemy(g, &g->e_subs, i, &tmp, &r);
    if (s->shot == 0) {
      s->shot = ENEMY_SHOT_INTERVAL;
      push(&g->e_bullets, (Obj){.x = s->x, .y = s->y, .dir = s->dir});
    } else {
      s->shot--;
    }
  }
  return r;
}

static void update_enemy_bullets(Seaquest *g) {
  List *eb = &g->e_bullets;
  for (int i = eb->n - 1; i >= 0; i--) {
    Obj *b = &eb->a[i];
    if (at_sub(g, b)) g->terminal = true;
    step_x(b);
    if (off_grid(b)) remove_value(eb, *b);
    else if (at_sub(g, b)) g->terminal = true;
  }
}

static int update_fish(Seaquest *g) {
  int r = 0;
  for (int i = g->e_fish.n - 1; i >= 0; i--) {
    Obj tmp;
    move_enemy(g, &g->e_fish, i, &tmp, &r);
  }
  return r;
}

static int seaquest_act(void *game, rlcMt19937 *mt, int a, bool ramping, bool *terminal) {
  Seaquest *g = game;
  int r = 0;
  if (g->terminal) {
    *terminal = true;
    return 0;
  }
  if (g->e_spawn_timer == 0) {
    spawn_enemy(g, mt);
    g->e_spawn_timer = g->e_spawn_speed;
  }
  if (g->d_spawn_timer == 0) {
    spawn_diver(g, mt);
    g->d_spawn_timer = DIVER_SPAWN_SPEED;
  }

  if (a == RLC_MINATAR_FIRE) {
    if (g->shot_timer == 0) {
      push(&g->f_bullets, (Obj){.x = (int8_t)g->sub_x, .y = (int8_t)g->sub_y, .dir = g->sub_or});
      g->shot_timer = SHOT_COOL_DOWN;
    }
  } else if (a == RLC_MINATAR_LEFT) {
    if (g->sub_x > 0) g->sub_x--;
    g->sub_or = false;
  } else if (a == RLC_MINATAR_RIGHT) {
    if (g->sub_x < N - 1) g->sub_x++;
    g->sub_or = true;
  } else if (a == RLC_MINATAR_UP) {
    if (g->sub_y > 0) g->sub_y--;
  } else if (a == RLC_MINATAR_DOWN) {
    if (g->sub_y < N - 2) g->sub_y++;
  }

  r += update_friendly_bullets(g);
  update_divers(g);
  r += update_subs(g);
  update_enemy_bullets(g);
  r += update_fish(g);

  if (g->e_spawn_timer > 0) g->e_spawn_timer--;
  if (g->d_spawn_timer > 0) g->d_spawn_timer--;
  if (g->shot_timer > 0) g->shot_timer--;
  if (g->oxygen <= 0) g->terminal = true;
  if (g->sub_y > 0) {
    g->oxygen--;
    g->surface = false;
  } else if (!g->surface) {
    if (g->diver_count == 0) g->terminal = true;
    else r += surface(g, ramping);
  }
  *terminal = g->terminal;
  return r;
}

// Marks an object's cell in channel c and, when on the grid, the cell behind
// it (where it came from) in the trail channel.
static void draw_obj(uint8_t *obs, const Obj *o, int c, bool trail) {
  obs[(o->y * N + o->x) * N_CH + c] = 1;
  int back = o->dir ? o->x - 1 : o->x + 1;
  if (trail && back >= 0 && back < N) obs[(o->y * N + back) * N_CH + CH_TRAIL] = 1;
}

static void seaquest_observe(const void *game, uint8_t *obs) {
  const Seaquest *g = game;
  memset(obs, 0, N * N * N_CH);
  obs[(g->sub_y * N + g->sub_x) * N_CH + CH_SUB_FRONT] = 1;
  int back = g->sub_or ? g->sub_x - 1 : g->sub_x + 1;  // always on the grid
  obs[(g->sub_y * N + back) * N_CH + CH_SUB_BACK] = 1;
  int bar = (g->oxygen > 0 ? g->oxygen : 0) * 10 / MAX_OXYGEN;
  for (int x = 0; x < bar; x++) obs[((N - 1) * N + x) * N_CH + CH_OXYGEN] = 1;
  // Columns 9 - diver_count .. 8: none once diver_count is negative.
  for (int x = N - 1 - g->diver_count; x < N - 1; x++)
    if (x >= 0) obs[((N - 1) * N + x) * N_CH + CH_DIVER_GAUGE] = 1;
  for (int i = 0; i < g->f_bullets.n; i++) draw_obj(obs, &g->f_bullets.a[i], CH_FRIENDLY_BULLET, false);
  for (int i = 0; i < g->e_bullets.n; i++) draw_obj(obs, &g->e_bullets.a[i], CH_ENEMY_BULLET, false);
  for (int i = 0; i < g->e_fish.n; i++) draw_obj(obs, &g->e_fish.a[i], CH_ENEMY_FISH, true);
  for (int i = 0; i < g->e_subs.n; i++) draw_obj(obs, &g->e_subs.a[i], CH_ENEMY_SUB, true);
  for (int i = 0; i < g->divers.n; i++) draw_obj(obs, &g->divers.a[i], CH_DIVER, true);
}

// Writes a list as its count, then nf fields per entry (x y dir move shot).
static int put_list(const List *l, int nf, int32_t *out, int k, int max) {
  if (k < max) out[k] = l->n;
  k++;
  for (int i = 0; i < l->n; i++) {
    const int8_t f[5] = {l->a[i].x, l->a[i].y, l->a[i].dir, l->a[i].move, l->a[i].shot};
    for (int j = 0; j < nf; j++, k++)
      if (k < max) out[k] = f[j];
  }
  return k;
}

static int seaquest_internal(const void *game, int32_t *out, int max) {
  const Seaquest *g = game;
  const int32_t head[] = {g->oxygen,     g->diver_count,   g->sub_x,         g->sub_y,
                          g->sub_or,     g->e_spawn_speed, g->e_spawn_timer, g->d_spawn_timer,
                          g->move_speed, g->ramp_index,    g->shot_timer,    g->surface,
                          g->terminal};
  int k = 0;
  for (size_t i = 0; i < sizeof head / sizeof *head; i++, k++)
    if (k < max) out[k] = head[i];
  k = put_list(&g->f_bullets, 3, out, k, max);
  k = put_list(&g->e_bullets, 3, out, k, max);
  k = put_list(&g->e_fish, 4, out, k, max);
  k = put_list(&g->e_subs, 5, out, k, max);
  k = put_list(&g->divers, 4, out, k, max);
  return k < max ? k : max;
}

static bool list_valid(const List *l) {
  if (l->n < 0 || l->n > CAP) return false;
  for (int i = 0; i < l->n; i++)
    if (!minatar_in_grid(l->a[i].x, l->a[i].y)) return false;
  return true;
}

static bool seaquest_valid(const void *game) {
  const Seaquest *g = game;
  if (!rlc_byte_is_bool(&g->sub_or) || !rlc_byte_is_bool(&g->surface) || !rlc_byte_is_bool(&g->terminal)) return false;
  int back = g->sub_or ? g->sub_x - 1 : g->sub_x + 1;
  return minatar_in_grid(g->sub_x, g->sub_y) && minatar_in_grid(back, g->sub_y) && g->oxygen <= MAX_OXYGEN &&
         g->diver_count <= MAX_DIVERS && list_valid(&g->f_bullets) && list_valid(&g->e_bullets) &&
         list_valid(&g->e_fish) && list_valid(&g->e_subs) && list_valid(&g->divers);
}

const rlcMinAtarGame minatar_seaquest = {
    .valid = seaquest_valid,
    .name = "seaquest",
    .title = "Seaquest",
    .channels = N_CH,
    .channel_names = {"sub_front", "sub_back", "friendly_bullet", "trail", "enemy_bullet", "enemy_fish",
                      "enemy_sub", "oxygen_guage", "diver_guage", "diver"},
    .n_minimal = 6,
    .minimal = {RLC_MINATAR_NOOP, RLC_MINATAR_LEFT, RLC_MINATAR_UP, RLC_MINATAR_RIGHT, RLC_MINATAR_DOWN,
                RLC_MINATAR_FIRE},
    .state_size = sizeof(Seaquest),
    .reset = seaquest_reset,
    .act = seaquest_act,
    .observe = seaquest_observe,
    .internal = seaquest_internal,
};
