// gridworld.c: GridWorld-v0, the grid of the eligibility-traces exercise: walk
// from the top-left corner to a green goal cell (+100) past two red cells
// (-100), paying -1 per step; all three special cells end the episode. The
// transition model is exposed for planning, and render() can write an agent's
// Q-values into the cells, as the exercise's display does.
// Depends on: rlc/envs.h, rlc/draw.h.
#include <math.h>
#include <stdio.h>

#include "rlc/draw.h"
#include "rlc/envs.h"
#include "make.h"

// Actions 0 right, 1 down, 2 left, 3 up (y grows downward).
static const int DX[4] = {1, 0, -1, 0};
static const int DY[4] = {0, 1, 0, -1};

typedef struct GridCfg {
  int size;
  int goal, red[2];                 // state indices y*size + x
  double goal_reward, red_reward, step_reward;
  uint8_t *policy;                  // (size*size) heuristic action per state
} GridCfg;

static bool is_terminal(const GridCfg *g, int s) { return s == g->goal || s == g->red[0] || s == g->red[1]; }

// The one definition of a move, shared by step() and the transition model so
// the two cannot drift apart. The reward is paid for the cell entered.
static void grid_move(const GridCfg *g, int x, int y, int a, int *next, double *reward, bool *terminated) {
  int n = g->size;
  if (is_terminal(g, y * n + x)) {  // absorbing (only reachable by injecting a state)
    *next = y * n + x, *reward = 0.0, *terminated = true;
    return;
  }
  int nx = x + DX[a], ny = y + DY[a];
  if (nx < 0) nx = 0;
  if (nx >= n) nx = n - 1;
  if (ny < 0) ny = 0;
  if (ny >= n) ny = n - 1;
  int s = ny * n + nx;
  *next = s;
  *terminated = is_terminal(g, s);
  *reward = s == g->goal ? g->goal_reward : (s == g->red[0] || s == g->red[1]) ? g->red_reward : g->step_reward;
}

static void gridworld_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  rlcGridWorldState *st = state;
  st->x = st->y = 0;  // a fixed start: no draw from rng
  *(int32_t *)obs = 0;
}

static void gridworld_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action,
                           void *obs, double *reward, bool *terminated, bool *truncated) {
  const GridCfg *g = spec->cfg;
  rlcGridWorldState *st = state;
  int next;
  grid_move(g, st->x, st->y, *(const int32_t *)action, &next, reward, terminated);
  st->x = next % g->size;
  st->y = next / g->size;
  *(int32_t *)obs = next;
}

//------------------------------------------------------------------------------
// Render: the exercise's 512x512 display
//------------------------------------------------------------------------------

#define COLOR_GOAL 0x32C832u
#define COLOR_RED 0xE03232u
#define COLOR_AGENT 0x1E50E6u
#define COLOR_TEXT 0x000000u
#define COLOR_AGENT_CELL 0xC8D8FFu
#define MIN_TEXT_CELL 60.0  // px: below this the Q-values are too small to read
#define TEXT_CELL 80        // px per cell the frame grows to (up to MAX_RENDER) so Q-values stay readable
#define MAX_RENDER 1024

static void gridworld_render(const rlcEnvSpec *spec, const void *state, const rlcRenderArgs *args,
                             uint8_t *rgb) {
  const GridCfg *g = spec->cfg;
  const rlcGridWorldState *st = state;
  const int W = spec->render_width, H = spec->render_height, n = g->size;
  rlcCanvas *c;
  if (rlc_canvas_begin(rgb, W, H, &c)) return;
  double cw = (double)W / n, ch = (double)H / n;
  // 3 px lines as the exercise draws them, thinner on fine grids so the cells stay visible.
  double lw = fmin(3.0, fmin(cw, ch) / 8);
  rlc_canvas_clear(c, 0xFFFFFF);
  rlc_canvas_fill_rect(c, (g->goal % n) * cw, (g->goal / n) * ch, cw, ch, COLOR_GOAL);
  for (int i = 0; i < 2; i++) rlc_canvas_fill_rect(c, (g->red[i] % n) * cw, (g->red[i] / n) * ch, cw, ch, COLOR_RED);
  const double *q = args ? args->q : NULL;
  bool show_q = q && args->q_states == n * n && args->q_actions == 4 && fmin(cw, ch) >= MIN_TEXT_CELL;
  // With Q-values the agent is its cell tinted and a small disc in the middle,
  // which the four values around it leave free.
  double r = fmax(fmin(cw, ch) / 3, 1.5);
  if (show_q) {
    r = fmin(cw, ch) * 0.08;
    int s = st->y * n + st->x;
    if (s != g->goal && s != g->red[0] && s != g->red[1])
      rlc_canvas_fill_rect(c, st->x * cw, st->y * ch, cw, ch, COLOR_AGENT_CELL);
  }
  rlc_canvas_fill_circle(c, (st->x + 0.5) * cw, (st->y + 0.5) * ch, r, COLOR_AGENT);

  // Q-values: each action's value near the edge it moves toward.
  if (show_q) {
    // "+100.00" left and right must fit side by side in one cell.
    double fs = fmax(fmin(cw, ch) * 0.09, 7.5), pad = lw / 2 + fmin(cw, ch) * 0.04;
    char text[32];
    for (int s = 0; s < n * n; s++) {
      double x0 = (s % n) * cw, y0 = (s / n) * ch, cx = x0 + cw / 2, cy = y0 + ch / 2;
      const double *qs = q + (size_t)s * 4;
      snprintf(text, sizeof text, "%+.2f", qs[0]);
      rlc_canvas_text(c, x0 + cw - pad, cy, fs, RLC_ALIGN_RIGHT, COLOR_TEXT, text);
      snprintf(text, sizeof text, "%+.2f", qs[1]);
      rlc_canvas_text(c, cx, y0 + ch - pad - fs / 2, fs, RLC_ALIGN_CENTER, COLOR_TEXT, text);
      snprintf(text, sizeof text, "%+.2f", qs[2]);
      rlc_canvas_text(c, x0 + pad, cy, fs, RLC_ALIGN_LEFT, COLOR_TEXT, text);
      snprintf(text, sizeof text, "%+.2f", qs[3]);
      rlc_canvas_text(c, cx, y0 + pad + fs / 2, fs, RLC_ALIGN_CENTER, COLOR_TEXT, text);
    }
  }

  // Grid lines last, kept fully inside the frame at the borders.
  if (fmin(cw, ch) >= 4) {
    for (int i = 0; i <= n; i++) {
      double x = fmin(fmax(i * cw, lw / 2), W - lw / 2), y = fmin(fmax(i * ch, lw / 2), H - lw / 2);
      rlc_canvas_line(c, x, 0, x, H, lw, 0x000000);
      rlc_canvas_line(c, 0, y, W, y, lw, 0x000000);
    }
  }
  rlc_canvas_end(c);
}

//------------------------------------------------------------------------------
// Heuristic: a shortest path to the goal around the red cells
//------------------------------------------------------------------------------

static void gridworld_heuristic(const rlcEnvSpec *spec, const void *obs, void *action) {
  const GridCfg *g = spec->cfg;
  int s = *(const int32_t *)obs;
  *(int32_t *)action = s >= 0 && s < g->size * g->size ? g->policy[s] : 0;
}

// BFS from the goal over the non-red cells (moves are reversible, so distances
// to the goal equal distances from it); each cell then steps to a neighbour one
// closer, preferring right, down, left, up. Cells the reds cut off (only at
// size 2) head straight for the goal.
static rlcStatus build_policy(GridCfg *g) {
  int n = g->size, S = n * n;
  int *dist = rlc_malloc((size_t)S * sizeof *dist), *queue = rlc_malloc((size_t)S * sizeof *queue);
  g->policy = rlc_malloc((size_t)S);
  if (!dist || !queue || !g->policy) {
    rlc_free(dist);
    rlc_free(queue);
    return RLC_ERR_NOMEM;
  }
  for (int s = 0; s < S; s++) dist[s] = -1;
  int head = 0, tail = 0;
  dist[g->goal] = 0;
  queue[tail++] = g->goal;
  while (head < tail) {
    int s = queue[head++], x = s % n, y = s / n;
    for (int a = 0; a < 4; a++) {
      int nx = x + DX[a], ny = y + DY[a], t = ny * n + nx;
      if (nx < 0 || ny < 0 || nx >= n || ny >= n || dist[t] >= 0 || t == g->red[0] || t == g->red[1]) continue;
      dist[t] = dist[s] + 1;
      queue[tail++] = t;
    }
  }
  int gx = g->goal % n, gy = g->goal / n;
  for (int s = 0; s < S; s++) {
    int x = s % n, y = s / n, best = x < gx ? 0 : y < gy ? 1 : x > gx ? 2 : 3;
    if (dist[s] > 0) {
      for (int a = 0; a < 4; a++) {
        int nx = x + DX[a], ny = y + DY[a];
        if (nx >= 0 && ny >= 0 && nx < n && ny < n && dist[ny * n + nx] == dist[s] - 1) {
          best = a;
          break;
        }
      }
    }
    g->policy[s] = (uint8_t)best;
  }
  rlc_free(dist);
  rlc_free(queue);
  return RLC_OK;
}

//------------------------------------------------------------------------------
// Make: options, layout, transition model
//------------------------------------------------------------------------------

static void gridworld_free_cfg(void *cfg) {
  GridCfg *g = cfg;
  rlc_free(g->policy);
  rlc_free(g);
}

static bool gridworld_state_valid(const rlcEnvSpec *spec, const void *state) {
  const GridCfg *g = spec->cfg;
  const rlcGridWorldState *st = state;
  return st->x >= 0 && st->x < g->size && st->y >= 0 && st->y < g->size;
}

static const rlcEnvClass gridworld_class = {
    .state_valid = gridworld_state_valid,
    .name = "GridWorld",
    .state_size = sizeof(rlcGridWorldState),
    .reset = gridworld_reset,
    .step = gridworld_step,
    .render = gridworld_render,
    .heuristic = gridworld_heuristic,
    .free_cfg = gridworld_free_cfg,
};

static rlcStatus check_finite(const char *key, double v) {
  return isfinite(v) ? RLC_OK : rlc_error(RLC_ERR_ARG, "option %s=%g: must be a finite number", key, v);
}

rlcStatus envs_make_gridworld(rlcEnvSpec *spec, rlcOpts *opts) {
  int n;
  double goal_r, red_r, step_r;
  rlcStatus s = rlc_opts_int(opts, "size", 5, &n);
  if (!s) s = rlc_opts_double(opts, "goal_reward", 100.0, &goal_r);
  if (!s) s = rlc_opts_double(opts, "red_reward", -100.0, &red_r);
  if (!s) s = rlc_opts_double(opts, "step_reward", -1.0, &step_r);
  if (!s && (n < 2 || n > 1000)) s = rlc_error(RLC_ERR_ARG, "option size=%d: must be in [2, 1000]", n);
  if (!s) s = check_finite("goal_reward", goal_r);
  if (!s) s = check_finite("red_reward", red_r);
  if (!s) s = check_finite("step_reward", step_r);
  if (s) return s;

  GridCfg *g = rlc_calloc(1, sizeof *g);
  if (!g) return RLC_ERR_NOMEM;
  // The spec owns cfg from here: the registry frees it on any failure below.
  spec->cls = &gridworld_class;
  spec->cfg = g;
  // Layout (envs.h): the goal three quarters across and half way down, rounded
  // half up, so size 5 gives the exercise's (3,2); reds above and left of it.
  int gx = (3 * (n - 1) + 2) / 4, gy = n / 2;
  g->size = n;
  g->goal = gy * n + gx;
  g->red[0] = (gy - 1) * n + gx;
  g->red[1] = gy * n + gx - 1;
  g->goal_reward = goal_r;
  g->red_reward = red_r;
  g->step_reward = step_r;
  if ((s = build_policy(g))) return s;

  int S = n * n;
  spec->observation_space = rlc_space_discrete(S);
  spec->action_space = rlc_space_discrete(4);
  // 512 px as the exercise's window; larger grids get larger frames (even
  // sizes, as video needs) so each cell still has room for its Q-values.
  int px = n * TEXT_CELL > MAX_RENDER ? MAX_RENDER : n * TEXT_CELL < 512 ? 512 : n * TEXT_CELL;
  spec->render_width = spec->render_height = px & ~1;
  spec->render_fps = 4;

  // The model lists each (s, a)'s single outcome; terminal cells loop on
  // themselves with reward 0, as Gymnasium's FrozenLake writes them.
  if ((s = rlc_mdp_create(S, 4, &spec->mdp))) return s;
  for (int st = 0; st < S && !s; st++)
    for (int a = 0; a < 4 && !s; a++) {
      int next;
      double r;
      bool term;
      grid_move(g, st % n, st / n, a, &next, &r, &term);
      s = rlc_mdp_add(spec->mdp, st, a, 1.0, next, r, term);
    }
  if (s) return s;
  rlc_mdp_finish(spec->mdp);  // rlc_mdp_create put the whole initial distribution on state 0
  return RLC_OK;
}
