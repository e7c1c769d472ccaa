// frozenlake.c: FrozenLake-v1 and FrozenLake8x8-v1, Gymnasium 1.4's
// toy_text/frozen_lake.py: the transition table P built in Gymnasium's order
// with its probability doubles, steps and resets drawn with categorical_sample
// from np_random, custom maps (desc) and generate_random_map, and a drawing of
// its window (ice, holes, gift, stool, elf) with simple shapes.
// Depends on: rlc/envs.h, rlc/draw.h, make.h (categorical_sample).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rlc/draw.h"
#include "rlc/envs.h"
#include "make.h"

enum { LEFT, DOWN, RIGHT, UP };

#define MAX_SIDE 512          // rows or columns; the render needs >= 1 px per cell
#define MAX_MAP_TILES (1 << 27)  // generate_random_map gives up after drawing this many tiles (~1 s)

typedef struct LakeCfg {
  int nrow, ncol;
  char *desc;         // (nrow * ncol) letters S F H G, row-major
  double *init_cum;   // np.cumsum(initial_state_distrib), for reset
  uint8_t *policy;    // (nrow * ncol) heuristic action per state
  int cell_w, cell_h; // render: Gymnasium's window_size // (ncol, nrow)
} LakeCfg;

static void lake_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  const LakeCfg *g = spec->cfg;
  rlcToyTextState *st = state;
  st->s = rlc_categorical_sample_cum(rng, g->init_cum, g->nrow * g->ncol);
  st->last_action = -1;
  st->orientation = 0;
  *(int32_t *)obs = st->s;
}

static void lake_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action, void *obs,
                      double *reward, bool *terminated, bool *truncated) {
  rlcToyTextState *st = state;
  const rlcMdp *m = spec->mdp;
  int a = *(const int32_t *)action;
  // An injected state outside the map would index past P: treat it as the start row 0.
  int s = (unsigned)st->s < (unsigned)m->n_states ? st->s : 0;
  const rlcTransition *e = rlc_mdp_sample(m, s, a, rng);
  st->s = e->next_state;
  st->last_action = a;
  *(int32_t *)obs = e->next_state;
  *reward = e->reward;
  *terminated = e->terminated;
  *truncated = false;
}

//------------------------------------------------------------------------------
// Render: Gymnasium's tiles, drawn with shapes
//------------------------------------------------------------------------------

#define COLOR_ICE 0xCFEAF6u
#define COLOR_ICE_SHINE 0xF2FAFEu
#define COLOR_GRID 0xB4C8E6u  // Gymnasium's (180, 200, 230) cell outline
#define COLOR_HOLE 0x17324Du
#define COLOR_HOLE_RIM 0x6F95B5u
#define COLOR_GIFT 0x2FA84Fu
#define COLOR_GIFT_DARK 0x1F7A37u
#define COLOR_RIBBON 0xE8C21Bu
#define COLOR_STOOL 0x8B5A2Bu
#define COLOR_STOOL_TOP 0xB97A3Du
#define COLOR_SKIN 0xF2C9A0u
#define COLOR_TUNIC 0x2E8B3Eu
#define COLOR_HAT 0xD62F2Fu
#define COLOR_INK 0x1A1A1Au

static void fill_ellipse(rlcCanvas *c, double cx, double cy, double rx, double ry, rlcColor color) {
  double xy[64];
  for (int i = 0; i < 32; i++) {
    double t = 2 * M_PI * i / 32;
    xy[2 * i] = cx + rx * cos(t);
    xy[2 * i + 1] = cy + ry * sin(t);
  }
  rlc_canvas_fill_polygon(c, xy, 32, color);
}

static void draw_ice(rlcCanvas *c, double x, double y, double w, double h) {
  rlc_canvas_fill_rect(c, x, y, w, h, COLOR_ICE);
  // Two pale streaks so the tile reads as ice, not as an empty cell.
  double lw = fmax(1.0, w / 24);
  rlc_canvas_line(c, x + w * 0.15, y + h * 0.45, x + w * 0.45, y + h * 0.15, lw, COLOR_ICE_SHINE);
  rlc_canvas_line(c, x + w * 0.55, y + h * 0.85, x + w * 0.85, y + h * 0.55, lw, COLOR_ICE_SHINE);
}

static void draw_hole(rlcCanvas *c, double x, double y, double w, double h, bool cracked) {
  fill_ellipse(c, x + w / 2, y + h / 2, w * 0.42, h * 0.36, COLOR_HOLE_RIM);
  fill_ellipse(c, x + w / 2, y + h / 2 + h * 0.02, w * 0.36, h * 0.30, COLOR_HOLE);
  if (cracked) {  // the elf fell in: cracks around the hole and its hat afloat
    double lw = fmax(1.0, w / 32);
    rlc_canvas_line(c, x + w * 0.08, y + h * 0.2, x + w * 0.2, y + h * 0.3, lw, COLOR_HOLE);
    rlc_canvas_line(c, x + w * 0.92, y + h * 0.15, x + w * 0.8, y + h * 0.3, lw, COLOR_HOLE);
    rlc_canvas_line(c, x + w * 0.9, y + h * 0.9, x + w * 0.78, y + h * 0.74, lw, COLOR_HOLE);
    double hat[6] = {x + w * 0.38, y + h * 0.6, x + w * 0.62, y + h * 0.6, x + w * 0.5, y + h * 0.38};
    rlc_canvas_fill_polygon(c, hat, 3, COLOR_HAT);
  }
}

static void draw_gift(rlcCanvas *c, double x, double y, double w, double h) {
  double bx = x + w * 0.22, by = y + h * 0.36, bw = w * 0.56, bh = h * 0.46;
  rlc_canvas_fill_rect(c, bx, by, bw, bh, COLOR_GIFT);
  rlc_canvas_fill_rect(c, bx - w * 0.04, by - h * 0.1, bw + w * 0.08, h * 0.12, COLOR_GIFT_DARK);  // lid
  rlc_canvas_fill_rect(c, x + w * 0.46, by - h * 0.1, w * 0.08, bh + h * 0.1, COLOR_RIBBON);
  fill_ellipse(c, x + w * 0.4, by - h * 0.15, w * 0.09, h * 0.06, COLOR_RIBBON);  // bow
  fill_ellipse(c, x + w * 0.6, by - h * 0.15, w * 0.09, h * 0.06, COLOR_RIBBON);
}

static void draw_stool(rlcCanvas *c, double x, double y, double w, double h) {
  double lw = fmax(1.0, w / 16);
  rlc_canvas_line(c, x + w * 0.32, y + h * 0.5, x + w * 0.26, y + h * 0.82, lw, COLOR_STOOL);
  rlc_canvas_line(c, x + w * 0.68, y + h * 0.5, x + w * 0.74, y + h * 0.82, lw, COLOR_STOOL);
  rlc_canvas_line(c, x + w * 0.5, y + h * 0.52, x + w * 0.5, y + h * 0.86, lw, COLOR_STOOL);
  fill_ellipse(c, x + w / 2, y + h * 0.48, w * 0.26, h * 0.09, COLOR_STOOL_TOP);
}

// The elf: hat, head, tunic; the eyes look the way it last moved (down when
// it has not moved, as Gymnasium's default elf_down).
static void draw_elf(rlcCanvas *c, double x, double y, double w, double h, int facing) {
  double cx = x + w / 2;
  double body[8] = {cx - w * 0.2, y + h * 0.88, cx + w * 0.2, y + h * 0.88, cx + w * 0.12, y + h * 0.5,
                    cx - w * 0.12, y + h * 0.5};
  rlc_canvas_fill_polygon(c, body, 4, COLOR_TUNIC);
  rlc_canvas_fill_circle(c, cx, y + h * 0.4, w * 0.15, COLOR_SKIN);
  double hat[6] = {cx - w * 0.17, y + h * 0.33, cx + w * 0.17, y + h * 0.33, cx + w * 0.08, y + h * 0.08};
  rlc_canvas_fill_polygon(c, hat, 3, COLOR_HAT);
  double ex = facing == LEFT ? -0.06 : facing == RIGHT ? 0.06 : 0.0, r = fmax(0.8, w * 0.025);
  if (facing != UP) {  // from behind no eyes show
    rlc_canvas_fill_circle(c, cx + w * (ex - 0.055), y + h * 0.42, r, COLOR_INK);
    rlc_canvas_fill_circle(c, cx + w * (ex + 0.055), y + h * 0.42, r, COLOR_INK);
  }
}

static void lake_render(const rlcEnvSpec *spec, const void *state, const rlcRenderArgs *args, uint8_t *rgb) {
  const LakeCfg *g = spec->cfg;
  const rlcToyTextState *st = state;
  rlcCanvas *c;
  if (rlc_canvas_begin(rgb, spec->render_width, spec->render_height, &c)) return;
  rlc_canvas_clear(c, 0x000000);  // pygame's surface starts black; cells may not fill it
  double w = g->cell_w, h = g->cell_h;
  if (w < 8 || h < 8) {  // large random maps: tiles too small for drawings, plain colours
    for (int i = 0; i < g->nrow * g->ncol; i++) {
      char t = g->desc[i];
      rlcColor color = t == 'H' ? COLOR_HOLE : t == 'G' ? COLOR_GIFT : t == 'S' ? COLOR_STOOL : COLOR_ICE;
      rlc_canvas_fill_rect(c, (i % g->ncol) * w, (i / g->ncol) * h, w, h, color);
    }
    if (st->s >= 0 && st->s < g->nrow * g->ncol)
      rlc_canvas_fill_rect(c, (st->s % g->ncol) * w, (st->s / g->ncol) * h, w, h, COLOR_HAT);
    rlc_canvas_end(c);
    return;
  }
  for (int r = 0; r < g->nrow; r++)
    for (int col = 0; col < g->ncol; col++) {
      double x = col * w, y = r * h;
      char t = g->desc[r * g->ncol + col];
      draw_ice(c, x, y, w, h);
      if (t == 'H') draw_hole(c, x, y, w, h, false);
      else if (t == 'G') draw_gift(c, x, y, w, h);
      else if (t == 'S') draw_stool(c, x, y, w, h);
      if (w >= 4) rlc_canvas_stroke_rect(c, x + 0.5, y + 0.5, w - 1, h - 1, 1, COLOR_GRID);
    }
  int s = st->s;
  if (s >= 0 && s < g->nrow * g->ncol) {
    double x = (s % g->ncol) * w, y = (s / g->ncol) * h;
    if (g->desc[s] == 'H') draw_hole(c, x, y, w, h, true);
    else draw_elf(c, x, y, w, h, st->last_action >= 0 ? st->last_action : DOWN);
  }
  rlc_canvas_end(c);
}

//------------------------------------------------------------------------------
// Heuristic: a shortest path to a goal around the holes
//------------------------------------------------------------------------------

static void lake_heuristic(const rlcEnvSpec *spec, const void *obs, void *action) {
  const LakeCfg *g = spec->cfg;
  int s = *(const int32_t *)obs;
  *(int32_t *)action = s >= 0 && s < g->nrow * g->ncol ? g->policy[s] : DOWN;
}

static const int DR[4] = {0, 1, 0, -1};  // LEFT DOWN RIGHT UP
static const int DC[4] = {-1, 0, 1, 0};

// Multi-source BFS from every G over non-hole tiles (moves are reversible,
// so distance from G is distance to G); each tile then steps to a neighbour
// one closer, preferring right, down, left, up. Cut-off tiles step anywhere
// that is not a hole.
static rlcStatus build_policy(LakeCfg *g) {
  int nr = g->nrow, nc = g->ncol, S = nr * nc;
  int *dist = rlc_malloc((size_t)S * sizeof *dist), *queue = rlc_malloc((size_t)S * sizeof *queue);
  g->policy = rlc_malloc((size_t)S);
  if (!dist || !queue || !g->policy) {
    rlc_free(dist);
    rlc_free(queue);
    return RLC_ERR_NOMEM;
  }
  int head = 0, tail = 0;
  for (int s = 0; s < S; s++) {
    dist[s] = g->desc[s] == 'G' ? 0 : -1;
    if (!dist[s]) queue[tail++] = s;
  }
  while (head < tail) {
    int s = queue[head++], r = s / nc, col = s % nc;
    for (int a = 0; a < 4; a++) {
      int r2 = r + DR[a], c2 = col + DC[a], t = r2 * nc + c2;
      if (r2 < 0 || c2 < 0 || r2 >= nr || c2 >= nc || dist[t] >= 0 || g->desc[t] == 'H') continue;
      dist[t] = dist[s] + 1;
      queue[tail++] = t;
    }
  }
  static const int PREFER[4] = {RIGHT, DOWN, LEFT, UP};
  for (int s = 0; s < S; s++) {
    int r = s / nc, col = s % nc, best = -1, fallback = DOWN;
    for (int k = 0; k < 4 && best < 0; k++) {
      int a = PREFER[k], r2 = r + DR[a], c2 = col + DC[a];
      if (r2 < 0 || c2 < 0 || r2 >= nr || c2 >= nc) continue;
      int t = r2 * nc + c2;
      if (dist[s] > 0 && dist[t] == dist[s] - 1) best = a;
      if (g->desc[t] != 'H' && fallback == DOWN && a != DOWN) fallback = a;
    }
    g->policy[s] = (uint8_t)(best >= 0 ? best : fallback);
  }
  rlc_free(dist);
  rlc_free(queue);
  return RLC_OK;
}

//------------------------------------------------------------------------------
// Maps: the registered ones, desc=[...] and generate_random_map
//------------------------------------------------------------------------------

static const char *MAP_4X4[] = {"SFFF", "FHFH", "FFFH", "HFFG"};
static const char *MAP_8X8[] = {"SFFFFFFF", "FFFFFFFF", "FFFHFFFF", "FFFFFHFF",
                                "FFFHFFFF", "FHHFFFHF", "FHFFHFHF", "FFFHFFFG"};

static rlcStatus set_map(LakeCfg *g, const char *const *rows, int n) {
  g->nrow = n;
  g->ncol = (int)strlen(rows[0]);
  g->desc = rlc_malloc((size_t)g->nrow * g->ncol);
  if (!g->desc) return RLC_ERR_NOMEM;
  for (int r = 0; r < n; r++) memcpy(g->desc + (size_t)r * g->ncol, rows[r], (size_t)g->ncol);
  return RLC_OK;
}

static bool is_row_sep(char ch) { return ch == ';' || ch == '/' || ch == ',' || ch == ' ' || ch == '\t'; }

// desc=[SFFF;FHFH;FFFH;HFFG]: rows separated by ';', '/', ',' or spaces, the
// brackets and quotes around rows optional.
static rlcStatus parse_desc(LakeCfg *g, const char *text) {
  char buf[256];
  size_t n = strlen(text);
  if (n >= sizeof buf) return rlc_error(RLC_ERR_ARG, "option desc: map too long");
  memcpy(buf, text, n + 1);
  char *p = buf;
  if (*p == '[') {
    p++;
    if (n < 2 || buf[n - 1] != ']') return rlc_error(RLC_ERR_ARG, "option desc=%s: missing ']'", text);
    buf[n - 1] = 0;
  }
  // First pass: the shape, and the letters checked.
  int nrow = 0, ncol = -1, starts = 0, goals = 0;
  char letters[256];
  int nl = 0;
  while (*p) {
    while (*p && is_row_sep(*p)) p++;
    if (!*p) break;
    char quote = (*p == '\'' || *p == '"') ? *p++ : 0;
    int len = 0;
    for (; *p && !is_row_sep(*p) && *p != quote; p++, len++) {
      char ch = *p;
      if (ch != 'S' && ch != 'F' && ch != 'H' && ch != 'G')
        return rlc_error(RLC_ERR_ARG, "option desc=%s: unknown tile '%c' (use S, F, H, G)", text, ch);
      starts += ch == 'S';
      goals += ch == 'G';
      letters[nl++] = ch;
    }
    if (quote) {
      if (*p != quote) return rlc_error(RLC_ERR_ARG, "option desc=%s: unclosed quote", text);
      p++;
    }
    if (len == 0) continue;
    if (ncol >= 0 && len != ncol)
      return rlc_error(RLC_ERR_ARG, "option desc=%s: row %d has %d tiles, row 1 has %d (rows must be equally long)",
                       text, nrow + 1, len, ncol);
    ncol = len;
    nrow++;
  }
  if (nrow == 0) return rlc_error(RLC_ERR_ARG, "option desc=%s: empty map", text);
  if (!starts) return rlc_error(RLC_ERR_ARG, "option desc=%s: no start tile S", text);
  if (!goals) return rlc_error(RLC_ERR_ARG, "option desc=%s: no goal tile G", text);
  g->nrow = nrow;
  g->ncol = ncol;
  g->desc = rlc_malloc((size_t)nl);
  if (!g->desc) return RLC_ERR_NOMEM;
  memcpy(g->desc, letters, (size_t)nl);
  return RLC_OK;
}

// Gymnasium's is_valid: can S (0, 0) reach G walking around holes?
static bool path_exists(const char *board, int size, int *queue, uint8_t *seen) {
  int S = size * size, head = 0, tail = 0;
  memset(seen, 0, (size_t)S);
  queue[tail++] = 0;
  seen[0] = 1;
  while (head < tail) {
    int s = queue[head++], r = s / size, col = s % size;
    for (int a = 0; a < 4; a++) {
      int r2 = r + DR[a], c2 = col + DC[a], t = r2 * size + c2;
      if (r2 < 0 || c2 < 0 || r2 >= size || c2 >= size || seen[t] || board[t] == 'H') continue;
      if (board[t] == 'G') return true;
      seen[t] = 1;
      queue[tail++] = t;
    }
  }
  return false;
}

// generate_random_map(size, p, seed): np_random.choice(["F", "H"], (size,
// size), p=[p, 1-p]) is cdf = cumsum([p, 1-p]) / its last value, then
// searchsorted(cdf, random(), 'right') per tile in row-major order: 'F' when
// the draw is below cdf[0].
static rlcStatus generate_random_map(LakeCfg *g, int size, double p, uint64_t seed) {
  int S = size * size;
  g->nrow = g->ncol = size;
  g->desc = rlc_malloc((size_t)S);
  int *queue = rlc_malloc((size_t)S * sizeof *queue);
  uint8_t *seen = rlc_malloc((size_t)S);
  if (!g->desc || !queue || !seen) {
    rlc_free(queue);
    rlc_free(seen);
    return RLC_ERR_NOMEM;
  }
  rlcRng rng;
  rlc_rng_seed(&rng, seed);
  p = fmin(1.0, p);
  double c0 = p, c1 = p + (1.0 - p);
  c0 /= c1;
  bool valid = false;
  int tries = MAX_MAP_TILES / S;
  for (int attempt = 0; attempt < tries && !valid; attempt++) {
    for (int i = 0; i < S; i++) g->desc[i] = rlc_rng_random(&rng) < c0 ? 'F' : 'H';
    g->desc[0] = 'S';
    g->desc[S - 1] = 'G';
    valid = path_exists(g->desc, size, queue, seen);
  }
  rlc_free(queue);
  rlc_free(seen);
  if (!valid)
    return rlc_error(RLC_ERR_ARG, "options size=%d, p=%g: no map with a path from S to G in %d tries (raise p)", size,
                     p, tries);
  return RLC_OK;
}

// reward_schedule=[G;H;F]: three numbers.
static rlcStatus parse_schedule(const char *text, double out[3]) {
  char buf[208];
  snprintf(buf, sizeof buf, "%s", text);
  char *p = buf;
  size_t n = strlen(buf);
  if (*p == '[' || *p == '(') {
    if (n < 2 || (buf[n - 1] != ']' && buf[n - 1] != ')'))
      return rlc_error(RLC_ERR_ARG, "option reward_schedule=%s: missing closing bracket", text);
    buf[n - 1] = 0;
    p++;
  }
  int k = 0;
  while (*p) {
    while (*p && is_row_sep(*p)) p++;
    if (!*p) break;
    char num[64];
    size_t len = 0;
    while (p[len] && !is_row_sep(p[len])) len++;
    double v;
    bool ok = len < sizeof num && k < 3;
    if (ok) memcpy(num, p, len), num[len] = 0;
    if (!ok || !rlc_parse_double(num, &v) || !isfinite(v))
      return rlc_error(RLC_ERR_ARG, "option reward_schedule=%s: expected three numbers [G;H;F]", text);
    out[k++] = v;
    p += len;
  }
  if (k != 3) return rlc_error(RLC_ERR_ARG, "option reward_schedule=%s: expected three numbers [G;H;F]", text);
  return RLC_OK;
}

//------------------------------------------------------------------------------
// Make: options, map, P (Gymnasium's order), initial distribution
//------------------------------------------------------------------------------

static void lake_free_cfg(void *cfg) {
  LakeCfg *g = cfg;
  rlc_free(g->desc);
  rlc_free(g->init_cum);
  rlc_free(g->policy);
  rlc_free(g);
}

static const rlcEnvClass lake_class = {
    .state_valid = envs_toy_text_valid,
    .name = "FrozenLake",
    .state_size = sizeof(rlcToyTextState),
    .reset = lake_reset,
    .step = lake_step,
    .render = lake_render,
    .heuristic = lake_heuristic,
    .free_cfg = lake_free_cfg,
};

// inc(row, col, a): the move, clipped at the border.
static int lake_move(const LakeCfg *g, int r, int col, int a) {
  if (a == LEFT) col = col > 0 ? col - 1 : 0;
  else if (a == DOWN) r = r + 1 < g->nrow ? r + 1 : g->nrow - 1;
  else if (a == RIGHT) col = col + 1 < g->ncol ? col + 1 : g->ncol - 1;
  else r = r > 0 ? r - 1 : 0;
  return r * g->ncol + col;
}

rlcStatus envs_make_frozenlake(rlcEnvSpec *spec, rlcOpts *opts) {
  bool slippery;
  double success, p, schedule[3] = {1.0, 0.0, 0.0};
  int size, map_seed;
  rlcStatus s = rlc_opts_bool(opts, "is_slippery", true, &slippery);
  if (!s) s = rlc_opts_double(opts, "success_rate", 1.0 / 3.0, &success);
  if (!s) s = rlc_opts_int(opts, "size", 0, &size);
  if (!s) s = rlc_opts_double(opts, "p", 0.8, &p);
  if (!s) s = rlc_opts_int(opts, "map_seed", 0, &map_seed);
  const char *map_name = rlc_opts_str(opts, "map_name", "4x4");
  const char *desc = rlc_opts_str(opts, "desc", NULL);
  const char *sched = rlc_opts_str(opts, "reward_schedule", NULL);
  if (!s && sched) s = parse_schedule(sched, schedule);
  if (!s && !(success >= 0 && success <= 1)) s = rlc_error(RLC_ERR_ARG, "option success_rate=%g: must be in [0, 1]", success);
  if (!s && !(p > 0)) s = rlc_error(RLC_ERR_ARG, "option p=%g: must be > 0 (the chance of a frozen tile)", p);
  if (!s && map_seed < 0) s = rlc_error(RLC_ERR_ARG, "option map_seed=%d: must be >= 0", map_seed);
  if (!s && desc && size) s = rlc_error(RLC_ERR_ARG, "options desc and size: give one map, not both");
  if (!s && size && (size < 2 || size > MAX_SIDE)) s = rlc_error(RLC_ERR_ARG, "option size=%d: must be in [2, %d]", size, MAX_SIDE);
  if (!s && !desc && !size && strcmp(map_name, "4x4") && strcmp(map_name, "8x8") && strcmp(map_name, "random"))
    s = rlc_error(RLC_ERR_ARG, "option map_name=%s: expected 4x4, 8x8 or random", map_name);
  if (s) return s;

  LakeCfg *g = rlc_calloc(1, sizeof *g);
  if (!g) return RLC_ERR_NOMEM;
  spec->cls = &lake_class;  // the spec owns cfg from here, also on failure
  spec->cfg = g;
  if (desc) s = parse_desc(g, desc);
  else if (size) s = generate_random_map(g, size, p, (uint64_t)map_seed);
  else if (!strcmp(map_name, "random")) s = generate_random_map(g, 8, p, (uint64_t)map_seed);
  else if (!strcmp(map_name, "8x8")) s = set_map(g, MAP_8X8, 8);
  else s = set_map(g, MAP_4X4, 4);
  if (s) return s;
  if (g->nrow > MAX_SIDE || g->ncol > MAX_SIDE)
    return rlc_error(RLC_ERR_ARG, "FrozenLake map %dx%d: at most %d tiles a side", g->nrow, g->ncol, MAX_SIDE);
  if ((s = build_policy(g))) return s;

  int nr = g->nrow, nc = g->ncol, S = nr * nc;
  spec->observation_space = rlc_space_discrete(S);
  spec->action_space = rlc_space_discrete(4);
  // Gymnasium's window: min(64 * n, 512) px, cells window // n.
  spec->render_width = nc * 64 < 512 ? nc * 64 : 512;
  spec->render_height = nr * 64 < 512 ? nr * 64 : 512;
  spec->render_fps = 4;
  g->cell_w = spec->render_width / nc;
  g->cell_h = spec->render_height / nr;

  // P exactly as Gymnasium lists it.
  double fail = (1.0 - success) / 2.0;
  if ((s = rlc_mdp_create(S, 4, &spec->mdp))) return s;
  rlcMdp *m = spec->mdp;
  for (int r = 0; r < nr && !s; r++)
    for (int col = 0; col < nc && !s; col++) {
      int st = r * nc + col;
      for (int a = 0; a < 4 && !s; a++) {
        char t = g->desc[st];
        if (t == 'G' || t == 'H') {
          s = rlc_mdp_add(m, st, a, 1.0, st, 0.0, true);
          continue;
        }
        int bs[3] = {(a + 3) % 4, a, (a + 1) % 4}, n = slippery ? 3 : 1;
        for (int k = 0; k < n && !s; k++) {
          int b = slippery ? bs[k] : a, next = lake_move(g, r, col, b);
          char nt = g->desc[next];
          double reward = nt == 'G' ? schedule[0] : nt == 'H' ? schedule[1] : schedule[2];
          double prob = !slippery ? 1.0 : b == a ? success : fail;
          s = rlc_mdp_add(m, st, a, prob, next, reward, nt == 'G' || nt == 'H');
        }
      }
    }
  if (s) return s;
  rlc_mdp_finish(m);

  // initial_state_distrib = (desc == "S") / count, and its running sums for reset.
  g->init_cum = rlc_malloc((size_t)S * sizeof *g->init_cum);
  if (!g->init_cum) return RLC_ERR_NOMEM;
  int starts = 0;
  for (int i = 0; i < S; i++) starts += g->desc[i] == 'S';
  double cum = 0.0;
  for (int i = 0; i < S; i++) {
    m->initial[i] = g->desc[i] == 'S' ? 1.0 / starts : 0.0;
    cum += m->initial[i];
    g->init_cum[i] = cum;
  }
  return RLC_OK;
}
