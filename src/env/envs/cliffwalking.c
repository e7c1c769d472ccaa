// cliffwalking.c: CliffWalking-v1, Gymnasium 1.4's toy_text/cliffwalking.py
// (Sutton & Barto's example 6.6): the 4x12 grid whose bottom row is a cliff
// between start and goal. P is built in Gymnasium's order (with v1's slippery
// option), steps and resets draw categorical_sample from np_random, and the
// render draws its window with simple shapes.
// Depends on: rlc/envs.h, rlc/draw.h, make.h (categorical_sample).
#include <math.h>

#include "rlc/draw.h"
#include "rlc/envs.h"
#include "make.h"

enum { UP, RIGHT, DOWN, LEFT };

#define NROW 4
#define NCOL 12
#define NS (NROW * NCOL)
#define START 36  // (3, 0)
#define GOAL 47   // (3, 11)
#define CELL 60   // Gymnasium's cell_size

static const int DR[4] = {-1, 0, 1, 0};  // UP RIGHT DOWN LEFT
static const int DC[4] = {0, 1, 0, -1};

static bool is_cliff(int r, int c) { return r == NROW - 1 && c >= 1 && c <= NCOL - 2; }

static void cliff_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  rlcToyTextState *st = state;
  // initial_state_distrib is one-hot on the start, but Gymnasium still draws.
  st->s = rlc_rng_categorical(rng, spec->mdp->initial, NS);
  st->last_action = -1;
  st->orientation = 0;
  *(int32_t *)obs = st->s;
}

static void cliff_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action, void *obs,
                       double *reward, bool *terminated, bool *truncated) {
  rlcToyTextState *st = state;
  int a = *(const int32_t *)action;
  int s = (unsigned)st->s < NS ? st->s : START;  // an injected state off the grid restarts
  const rlcTransition *e = rlc_mdp_sample(spec->mdp, s, a, rng);
  st->s = e->next_state;
  st->last_action = a;
  *(int32_t *)obs = e->next_state;
  *reward = e->reward;
  *terminated = e->terminated;
  *truncated = false;
}

//------------------------------------------------------------------------------
// Render: Gymnasium's 720x240 window, drawn with shapes
//------------------------------------------------------------------------------

#define COLOR_MEADOW_A 0x9CCB6Bu
#define COLOR_MEADOW_B 0x8DBE5Eu
#define COLOR_CLIFF 0x4A3B32u
#define COLOR_CLIFF_EDGE 0x7A6352u
#define COLOR_ROCK 0x2C221Cu
#define COLOR_STOOL 0x8B5A2Bu
#define COLOR_STOOL_TOP 0xB97A3Du
#define COLOR_COOKIE 0xC98B4Au
#define COLOR_CHIP 0x4B2A14u
#define COLOR_SKIN 0xF2C9A0u
#define COLOR_TUNIC 0x2A5DB0u
#define COLOR_HAT 0xD62F2Fu
#define COLOR_INK 0x1A1A1Au
#define COLOR_GRID 0x6E8F4Bu

static void draw_elf(rlcCanvas *c, double x, double y, int facing) {
  double w = CELL, h = CELL, cx = x + w / 2;
  double body[8] = {cx - 12, y + h * 0.88, cx + 12, y + h * 0.88, cx + 7, y + h * 0.5, cx - 7, y + h * 0.5};
  rlc_canvas_fill_polygon(c, body, 4, COLOR_TUNIC);
  rlc_canvas_fill_circle(c, cx, y + h * 0.4, 9, COLOR_SKIN);
  double hat[6] = {cx - 10, y + h * 0.33, cx + 10, y + h * 0.33, cx + 5, y + h * 0.08};
  rlc_canvas_fill_polygon(c, hat, 3, COLOR_HAT);
  double ex = facing == LEFT ? -3.5 : facing == RIGHT ? 3.5 : 0.0;
  if (facing != UP) {
    rlc_canvas_fill_circle(c, cx + ex - 3.3, y + h * 0.42, 1.5, COLOR_INK);
    rlc_canvas_fill_circle(c, cx + ex + 3.3, y + h * 0.42, 1.5, COLOR_INK);
  }
}

static void cliff_render(const rlcEnvSpec *spec, const void *state, const rlcRenderArgs *args, uint8_t *rgb) {
  const rlcToyTextState *st = state;
  rlcCanvas *c;
  if (rlc_canvas_begin(rgb, spec->render_width, spec->render_height, &c)) return;
  for (int s = 0; s < NS; s++) {
    int r = s / NCOL, col = s % NCOL;
    double x = col * CELL, y = r * CELL;
    if (is_cliff(r, col)) {  // a drop: dark rock with a lighter edge and cracks
      rlc_canvas_fill_rect(c, x, y, CELL, CELL, COLOR_CLIFF);
      rlc_canvas_fill_rect(c, x, y, CELL, 7, COLOR_CLIFF_EDGE);
      rlc_canvas_line(c, x + 12, y + 7, x + 20, y + 40, 2, COLOR_ROCK);
      rlc_canvas_line(c, x + 42, y + 7, x + 36, y + 52, 2, COLOR_ROCK);
      continue;
    }
    rlc_canvas_fill_rect(c, x, y, CELL, CELL, (r + col) % 2 ? COLOR_MEADOW_B : COLOR_MEADOW_A);
    rlc_canvas_stroke_rect(c, x + 0.5, y + 0.5, CELL - 1, CELL - 1, 1, COLOR_GRID);
    if (s == START) {  // the stool
      rlc_canvas_line(c, x + 20, y + 30, x + 16, y + 50, 3, COLOR_STOOL);
      rlc_canvas_line(c, x + 40, y + 30, x + 44, y + 50, 3, COLOR_STOOL);
      rlc_canvas_fill_rect(c, x + 13, y + 26, 34, 7, COLOR_STOOL_TOP);
    } else if (s == GOAL) {  // the cookie
      rlc_canvas_fill_circle(c, x + 30, y + 30, 20, COLOR_COOKIE);
      static const double CHIPS[5][2] = {{-8, -7}, {7, -9}, {0, 2}, {-9, 9}, {9, 8}};
      for (int k = 0; k < 5; k++) rlc_canvas_fill_circle(c, x + 30 + CHIPS[k][0], y + 30 + CHIPS[k][1], 3, COLOR_CHIP);
    }
  }
  if (st->s >= 0 && st->s < NS)
    draw_elf(c, (st->s % NCOL) * CELL, (st->s / NCOL) * CELL, st->last_action >= 0 ? st->last_action : DOWN);
  rlc_canvas_end(c);
}

//------------------------------------------------------------------------------
// Heuristic: the optimal path along the cliff edge
//------------------------------------------------------------------------------

// Up from the start, right along row 2, down onto the goal; anywhere else,
// head for row 2 first (up from the bottom row, down from rows 0 and 1).
static void cliff_heuristic(const rlcEnvSpec *spec, const void *obs, void *action) {
  int s = *(const int32_t *)obs, r = s / NCOL, col = s % NCOL, a;
  if (s < 0 || s >= NS) a = UP;
  else if (r == NROW - 1) a = col == NCOL - 1 ? RIGHT : UP;  // the goal row: up (goal itself: anything)
  else if (r < NROW - 2) a = DOWN;
  else a = col == NCOL - 1 ? DOWN : RIGHT;
  *(int32_t *)action = a;
}

//------------------------------------------------------------------------------
// Make: P in Gymnasium's order
//------------------------------------------------------------------------------

static const rlcEnvClass cliff_class = {
    .state_valid = envs_toy_text_valid,
    .name = "CliffWalking",
    .state_size = sizeof(rlcToyTextState),
    .reset = cliff_reset,
    .step = cliff_step,
    .render = cliff_render,
    .heuristic = cliff_heuristic,
};

rlcStatus envs_make_cliffwalking(rlcEnvSpec *spec, rlcOpts *opts) {
  bool slippery;
  rlcStatus s = rlc_opts_bool(opts, "is_slippery", false, &slippery);
  if (s) return s;
  spec->cls = &cliff_class;
  spec->observation_space = rlc_space_discrete(NS);
  spec->action_space = rlc_space_discrete(4);
  spec->render_width = NCOL * CELL;
  spec->render_height = NROW * CELL;
  spec->render_fps = 4;

  // _calculate_transition_prob: for each of the moves (a-1)%4, a, (a+1)%4
  // (slippery) or a, prob 1/len(moves); the cliff sends back to the start.
  if ((s = rlc_mdp_create(NS, 4, &spec->mdp))) return s;
  rlcMdp *m = spec->mdp;
  int n = slippery ? 3 : 1;
  double prob = 1.0 / n;
  for (int st = 0; st < NS && !s; st++)
    for (int a = 0; a < 4 && !s; a++) {
      int moves[3] = {(a + 3) % 4, a, (a + 1) % 4};
      for (int k = 0; k < n && !s; k++) {
        int b = slippery ? moves[k] : a;
        int r = st / NCOL + DR[b], col = st % NCOL + DC[b];
        r = r < 0 ? 0 : r >= NROW ? NROW - 1 : r;
        col = col < 0 ? 0 : col >= NCOL ? NCOL - 1 : col;
        int next = r * NCOL + col;
        if (is_cliff(r, col)) s = rlc_mdp_add(m, st, a, prob, START, -100.0, false);
        else s = rlc_mdp_add(m, st, a, prob, next, -1.0, next == GOAL);
      }
    }
  if (s) return s;
  rlc_mdp_finish(m);
  m->initial[0] = 0.0;
  m->initial[START] = 1.0;
  return RLC_OK;
}
