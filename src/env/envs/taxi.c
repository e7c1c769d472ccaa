// taxi.c: Taxi-v3 / Taxi-v4, Gymnasium 1.4's toy_text/taxi.py (Dietterich's
// taxi): P built in Gymnasium's order for the dry and the rainy (is_rainy)
// dynamics, steps and resets drawn with categorical_sample from np_random,
// the action mask of info["action_mask"], a BFS planner as the heuristic, and
// its 550x350 window drawn with simple shapes.
// Depends on: rlc/envs.h, rlc/draw.h, make.h (categorical_sample).
#include <math.h>
#include <string.h>

#include "rlc/draw.h"
#include "rlc/envs.h"
#include "make.h"

#define NS 500
#define NA 6
#define MAX_ROW 4
#define MAX_COL 4

// The map as Gymnasium writes it; desc[1 + row][2 * col + 2] is the wall
// (or ':' gap) east of cell (row, col), desc[1 + row][2 * col] the one west.
static const char MAP[7][12] = {
    "+---------+", "|R: | : :G|", "| : | : : |", "| : : : : |", "| | : | : |", "|Y| : |B: |", "+---------+",
};
static const int LOCS[4][2] = {{0, 0}, {0, 4}, {4, 0}, {4, 3}};  // R G Y B

int rlc_taxi_encode(int taxi_row, int taxi_col, int pass_idx, int dest_idx) {
  return ((taxi_row * 5 + taxi_col) * 5 + pass_idx) * 4 + dest_idx;
}

void rlc_taxi_decode(int s, int *taxi_row, int *taxi_col, int *pass_idx, int *dest_idx) {
  *dest_idx = s % 4;
  s /= 4;
  *pass_idx = s % 5;
  s /= 5;
  *taxi_col = s % 5;
  *taxi_row = s / 5;
}

static bool gap_east(int r, int c) { return MAP[1 + r][2 * c + 2] == ':'; }
static bool gap_west(int r, int c) { return MAP[1 + r][2 * c] == ':'; }

static int loc_index(int r, int c) {
  for (int i = 0; i < 4; i++)
    if (LOCS[i][0] == r && LOCS[i][1] == c) return i;
  return -1;
}

void rlc_taxi_action_mask(int s, int8_t mask[6]) {
  int r, c, p, d;
  rlc_taxi_decode(s, &r, &c, &p, &d);
  mask[0] = r < MAX_ROW;
  mask[1] = r > 0;
  mask[2] = c < MAX_COL && gap_east(r, c);
  mask[3] = c > 0 && gap_west(r, c);
  mask[4] = p < 4 && r == LOCS[p][0] && c == LOCS[p][1];
  mask[5] = p == 4 && loc_index(r, c) >= 0;  // (at the destination) or (at any location)
}

//------------------------------------------------------------------------------
// Reset and step: categorical_sample over the initial distribution and P[s][a]
//------------------------------------------------------------------------------

typedef struct TaxiCfg {
  double init_cum[NS];         // np.cumsum(initial_state_distrib)
  uint8_t move_to[25][4];      // heuristic: the move from cell r*5+c toward location i (255: there)
} TaxiCfg;

static void taxi_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  const TaxiCfg *g = spec->cfg;
  rlcToyTextState *st = state;
  // fickle_passenger=False draws nothing more (Gymnasium's `and` short-circuits).
  st->s = rlc_categorical_sample_cum(rng, g->init_cum, NS);
  st->last_action = -1;
  st->orientation = 0;
  *(int32_t *)obs = st->s;
}

static void taxi_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action, void *obs,
                      double *reward, bool *terminated, bool *truncated) {
  rlcToyTextState *st = state;
  int a = *(const int32_t *)action;
  int s = (unsigned)st->s < NS ? st->s : 0;  // an injected state out of range: state 0
  const rlcTransition *e = rlc_mdp_sample(spec->mdp, s, a, rng);
  st->s = e->next_state;
  st->last_action = a;
  if (a < 4) st->orientation = a;  // the render's taxi_orientation
  *(int32_t *)obs = e->next_state;
  *reward = e->reward;
  *terminated = e->terminated;
  *truncated = false;
}

//------------------------------------------------------------------------------
// Render: Gymnasium's board, 50 px per map character
//------------------------------------------------------------------------------

#define CW 50.0
#define CH 50.0
#define COLOR_ROAD 0xE6E1D3u
#define COLOR_WALL 0x5B5B5Bu
#define COLOR_WALL_LINE 0xF2C230u
#define COLOR_CAB 0xF5C518u
#define COLOR_CAB_DARK 0xC99A0Au
#define COLOR_GLASS 0x9FD3F0u
#define COLOR_TYRE 0x222222u
#define COLOR_SKIN 0xF2C9A0u
#define COLOR_COAT 0x7A3FA0u
#define COLOR_HOTEL 0xB04A3Cu
#define COLOR_WINDOW 0xFFE89Au
#define COLOR_INK 0x1A1A1Au
static const rlcColor LOC_COLORS[4] = {0xFF0000u, 0x00FF00u, 0xFFFF00u, 0x0000FFu};

// Gymnasium's colour cells are blitted at alpha 128 over the road.
static rlcColor half_over_road(rlcColor c) {
  uint32_t r = (((c >> 16) & 255) * 128 + ((COLOR_ROAD >> 16) & 255) * 127) / 255;
  uint32_t g = (((c >> 8) & 255) * 128 + ((COLOR_ROAD >> 8) & 255) * 127) / 255;
  uint32_t b = ((c & 255) * 128 + (COLOR_ROAD & 255) * 127) / 255;
  return r << 16 | g << 8 | b;
}

// get_surf_loc: the top-left pixel of a taxi cell.
static double surf_x(int col) { return (col * 2 + 1) * CW; }
static double surf_y(int row) { return (row + 1) * CH; }

static void draw_passenger(rlcCanvas *c, double x, double y) {
  double cx = x + CW / 2;
  double coat[8] = {cx - 10, y + 44, cx + 10, y + 44, cx + 7, y + 22, cx - 7, y + 22};
  rlc_canvas_fill_polygon(c, coat, 4, COLOR_COAT);
  rlc_canvas_fill_circle(c, cx, y + 15, 7, COLOR_SKIN);
  rlc_canvas_line(c, cx + 8, y + 26, cx + 14, y + 14, 3, COLOR_SKIN);  // hailing the cab
}

static void draw_hotel(rlcCanvas *c, double x, double y) {
  rlc_canvas_fill_rect(c, x + 12, y + 10, 26, 34, COLOR_HOTEL);
  rlc_canvas_fill_rect(c, x + 9, y + 6, 32, 5, COLOR_INK);
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 3; j++) rlc_canvas_fill_rect(c, x + 16 + i * 11, y + 15 + j * 8, 6, 5, COLOR_WINDOW);
  rlc_canvas_fill_rect(c, x + 21, y + 37, 8, 7, COLOR_INK);
}

// The cab seen from the front (0 south), the back (1 north), the right (2
// east) or the left (3 west), as Gymnasium's four cab images.
static void draw_cab(rlcCanvas *c, double x, double y, int orientation) {
  if (orientation >= 2) {
    bool east = orientation == 2;
    double nose = east ? 1 : -1, cx = x + CW / 2;
    rlc_canvas_fill_rect(c, x + 5, y + 22, 40, 14, COLOR_CAB);
    double cabin[8] = {cx - 12 * nose, y + 22, cx + 8 * nose, y + 22, cx + 4 * nose, y + 12, cx - 10 * nose, y + 12};
    rlc_canvas_fill_polygon(c, cabin, 4, COLOR_CAB);
    double glass[8] = {cx - 9 * nose, y + 21, cx + 6 * nose, y + 21, cx + 3 * nose, y + 14, cx - 8 * nose, y + 14};
    rlc_canvas_fill_polygon(c, glass, 4, COLOR_GLASS);
    rlc_canvas_fill_rect(c, cx - 5, y + 9, 8, 4, COLOR_INK);  // the taxi sign
    rlc_canvas_fill_circle(c, x + 14, y + 37, 5, COLOR_TYRE);
    rlc_canvas_fill_circle(c, x + 36, y + 37, 5, COLOR_TYRE);
    rlc_canvas_fill_circle(c, east ? x + 44 : x + 6, y + 27, 2.5, 0xFFFFFFu);  // headlight
  } else {
    rlc_canvas_fill_rect(c, x + 8, y + 24, 34, 14, COLOR_CAB);
    rlc_canvas_fill_rect(c, x + 13, y + 12, 24, 12, COLOR_CAB);
    rlc_canvas_fill_rect(c, x + 15, y + 14, 20, 8, orientation == 0 ? COLOR_GLASS : COLOR_CAB_DARK);
    rlc_canvas_fill_rect(c, x + 21, y + 8, 8, 4, COLOR_INK);
    rlc_canvas_fill_rect(c, x + 9, y + 38, 7, 5, COLOR_TYRE);
    rlc_canvas_fill_rect(c, x + 34, y + 38, 7, 5, COLOR_TYRE);
    rlcColor light = orientation == 0 ? 0xFFFFFFu : 0xE03030u;  // headlights / tail lights
    rlc_canvas_fill_circle(c, x + 13, y + 30, 2.5, light);
    rlc_canvas_fill_circle(c, x + 37, y + 30, 2.5, light);
  }
}

static void taxi_render(const rlcEnvSpec *spec, const void *state, const rlcRenderArgs *args, uint8_t *rgb) {
  const rlcToyTextState *st = state;
  rlcCanvas *c;
  if (rlc_canvas_begin(rgb, spec->render_width, spec->render_height, &c)) return;
  rlc_canvas_clear(c, COLOR_ROAD);
  // Walls: '|' as vertical medians, the '-' border as horizontal ones.
  for (int y = 0; y < 7; y++)
    for (int x = 0; x < 11; x++) {
      char ch = MAP[y][x];
      double px = x * CW, py = y * CH;
      if (ch == '|') {
        bool top = y == 0 || MAP[y - 1][x] != '|', bottom = y == 6 || MAP[y + 1][x] != '|';
        double y0 = py + (top ? 6 : 0), y1 = py + CH - (bottom ? 6 : 0);
        rlc_canvas_fill_rect(c, px + 15, y0, 20, y1 - y0, COLOR_WALL);
        rlc_canvas_line(c, px + 25, y0 + 4, px + 25, y1 - 4, 2, COLOR_WALL_LINE);
      } else if (ch == '-' || ch == '+') {
        rlc_canvas_fill_rect(c, px, py + 15, CW, 20, COLOR_WALL);
        rlc_canvas_line(c, px, py + 25, px + CW, py + 25, 2, COLOR_WALL_LINE);
      }
    }
  // The locations' colour cells (Gymnasium blits them 10 px lower; here they
  // sit on their cells) with their letters.
  static const char *LETTERS[4] = {"R", "G", "Y", "B"};
  for (int i = 0; i < 4; i++) {
    rlc_canvas_fill_rect(c, surf_x(LOCS[i][1]), surf_y(LOCS[i][0]), CW, CH, half_over_road(LOC_COLORS[i]));
    rlc_canvas_text(c, surf_x(LOCS[i][1]) + 4, surf_y(LOCS[i][0]) + 8, 11, RLC_ALIGN_LEFT, COLOR_INK, LETTERS[i]);
  }

  int r, col, p, d;
  rlc_taxi_decode((unsigned)st->s < NS ? st->s : 0, &r, &col, &p, &d);
  if (p < 4) draw_passenger(c, surf_x(LOCS[p][1]), surf_y(LOCS[p][0]));
  double dx = surf_x(LOCS[d][1]), dy = surf_y(LOCS[d][0]) - CH / 2, tx = surf_x(col), ty = surf_y(r);
  int orient = st->orientation >= 0 && st->orientation < 4 ? st->orientation : 0;
  // Gymnasium swaps the order so whichever is lower on the board is on top.
  if (surf_y(LOCS[d][0]) <= ty) {
    draw_hotel(c, dx, dy);
    draw_cab(c, tx, ty, orient);
  } else {
    draw_cab(c, tx, ty, orient);
    draw_hotel(c, dx, dy);
  }
  if (p == 4) rlc_canvas_fill_circle(c, tx + CW / 2, ty + 18, 4, COLOR_COAT);  // the passenger aboard
  rlc_canvas_end(c);
}

//------------------------------------------------------------------------------
// Heuristic: drive to the passenger, pick up, drive to the destination, drop off
//------------------------------------------------------------------------------

static void taxi_heuristic(const rlcEnvSpec *spec, const void *obs, void *action) {
  const TaxiCfg *g = spec->cfg;
  int s = *(const int32_t *)obs, r, c, p, d;
  rlc_taxi_decode((unsigned)s < NS ? s : 0, &r, &c, &p, &d);
  int target = p < 4 ? p : d;
  int move = g->move_to[r * 5 + c][target];
  *(int32_t *)action = move != 255 ? move : p < 4 ? 4 : 5;
}

// The dry moves between cells (south, north, east, west), used by the BFS.
static int dry_move(int r, int c, int a) {
  if (a == 0) r = r < MAX_ROW ? r + 1 : r;
  else if (a == 1) r = r > 0 ? r - 1 : r;
  else if (a == 2 && gap_east(r, c)) c = c < MAX_COL ? c + 1 : c;
  else if (a == 3 && gap_west(r, c)) c = c > 0 ? c - 1 : c;
  return r * 5 + c;
}

// BFS from each location over the 25 cells (moves are symmetric: a gap is a
// gap both ways), then each cell moves to a neighbour one step closer.
static void build_planner(TaxiCfg *g) {
  for (int i = 0; i < 4; i++) {
    int dist[25], queue[25], head = 0, tail = 0, goal = LOCS[i][0] * 5 + LOCS[i][1];
    for (int k = 0; k < 25; k++) dist[k] = -1;
    dist[goal] = 0;
    queue[tail++] = goal;
    while (head < tail) {
      int cell = queue[head++];
      for (int a = 0; a < 4; a++) {
        int next = dry_move(cell / 5, cell % 5, a);
        if (dist[next] < 0) dist[next] = dist[cell] + 1, queue[tail++] = next;
      }
    }
    for (int cell = 0; cell < 25; cell++) {
      g->move_to[cell][i] = 255;
      for (int a = 0; a < 4 && cell != goal; a++)
        if (dist[dry_move(cell / 5, cell % 5, a)] == dist[cell] - 1) {
          g->move_to[cell][i] = (uint8_t)a;
          break;
        }
    }
  }
}

//------------------------------------------------------------------------------
// Make: P in Gymnasium's order (dry or rainy), the initial distribution
//------------------------------------------------------------------------------

static void taxi_free_cfg(void *cfg) { rlc_free(cfg); }

static const rlcEnvClass taxi_class = {
    .state_valid = envs_toy_text_valid,
    .name = "Taxi",
    .state_size = sizeof(rlcToyTextState),
    .reset = taxi_reset,
    .step = taxi_step,
    .render = taxi_render,
    .heuristic = taxi_heuristic,
    .free_cfg = taxi_free_cfg,
};

// _pickup / _dropoff: the passenger index, reward and termination after
// action 4 or 5 at (r, c).
static void pick_or_drop(int r, int c, int p, int d, int a, int *np, double *reward, bool *term) {
  *np = p, *reward = -1.0, *term = false;
  if (a == 4) {
    if (p < 4 && r == LOCS[p][0] && c == LOCS[p][1]) *np = 4;
    else *reward = -10.0;
  } else if (p == 4 && r == LOCS[d][0] && c == LOCS[d][1]) {
    *np = d, *reward = 20.0, *term = true;
  } else if (p == 4 && loc_index(r, c) >= 0) {
    *np = loc_index(r, c);
  } else {
    *reward = -10.0;
  }
}

static rlcStatus add_transitions(rlcMdp *m, bool rainy, int r, int c, int p, int d, int a) {
  int s = rlc_taxi_encode(r, c, p, d);
  if (a >= 4) {
    int np;
    double reward;
    bool term;
    pick_or_drop(r, c, p, d, a, &np, &reward, &term);
    return rlc_mdp_add(m, s, a, 1.0, rlc_taxi_encode(r, c, np, d), reward, term);
  }
  if (!rainy) {
    int cell = dry_move(r, c, a);
    return rlc_mdp_add(m, s, a, 1.0, rlc_taxi_encode(cell / 5, cell % 5, p, d), -1.0, false);
  }
  // Rainy: the intended move, then a slip to the driver's left, then to the
  // right, each moving as a dry move would (walls and borders stop it); a
  // move that is itself stopped lists three entries that all stay.
  static const int LEFT_OF[4] = {2, 3, 1, 0}, RIGHT_OF[4] = {3, 2, 0, 1};  // south's left is east
  int here = r * 5 + c, intended = dry_move(r, c, a), left = here, right = here;
  if (intended != here) {
    left = dry_move(r, c, LEFT_OF[a]);
    right = dry_move(r, c, RIGHT_OF[a]);
  }
  const double side = (1.0 - 0.8) / 2.0;  // 0.09999999999999998, as Gymnasium's table
  rlcStatus st = rlc_mdp_add(m, s, a, 0.8, rlc_taxi_encode(intended / 5, intended % 5, p, d), -1.0, false);
  if (!st) st = rlc_mdp_add(m, s, a, side, rlc_taxi_encode(left / 5, left % 5, p, d), -1.0, false);
  if (!st) st = rlc_mdp_add(m, s, a, side, rlc_taxi_encode(right / 5, right % 5, p, d), -1.0, false);
  return st;
}

rlcStatus envs_make_taxi(rlcEnvSpec *spec, rlcOpts *opts) {
  bool rainy, fickle;
  rlcStatus s = rlc_opts_bool(opts, "is_rainy", false, &rainy);
  if (!s) s = rlc_opts_bool(opts, "fickle_passenger", false, &fickle);
  if (!s && fickle)
    s = rlc_error(RLC_ERR_UNSUPPORTED, "option fickle_passenger=true: not implemented (it changes the destination outside P)");
  if (s) return s;
  TaxiCfg *g = rlc_calloc(1, sizeof *g);
  if (!g) return RLC_ERR_NOMEM;
  spec->cls = &taxi_class;
  spec->cfg = g;
  build_planner(g);
  spec->observation_space = rlc_space_discrete(NS);
  spec->action_space = rlc_space_discrete(NA);
  spec->render_width = 550;
  spec->render_height = 350;
  spec->render_fps = 4;

  if ((s = rlc_mdp_create(NS, NA, &spec->mdp))) return s;
  rlcMdp *m = spec->mdp;
  // Gymnasium's loops run row, col, pass_idx, dest_idx: state order.
  for (int r = 0; r < 5 && !s; r++)
    for (int c = 0; c < 5 && !s; c++)
      for (int p = 0; p < 5 && !s; p++)
        for (int d = 0; d < 4 && !s; d++)
          for (int a = 0; a < NA && !s; a++) s = add_transitions(m, rainy, r, c, p, d, a);
  if (s) return s;
  rlc_mdp_finish(m);

  // initial_state_distrib: 1 on the 300 states with the passenger waiting
  // elsewhere than the destination, divided by their sum.
  int count = 0;
  for (int st = 0; st < NS; st++) {
    int r, c, p, d;
    rlc_taxi_decode(st, &r, &c, &p, &d);
    count += p < 4 && p != d;
  }
  double cum = 0.0;
  for (int st = 0; st < NS; st++) {
    int r, c, p, d;
    rlc_taxi_decode(st, &r, &c, &p, &d);
    m->initial[st] = p < 4 && p != d ? 1.0 / count : 0.0;
    cum += m->initial[st];
    g->init_cum[st] = cum;
  }
  return RLC_OK;
}
