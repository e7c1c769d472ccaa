// textbook.c: the two small processes of Hands-On ML ch. 18: the 3-state MDP
// of its Q-value iteration section (ThreeStateMDP-v0, with impossible actions)
// and its 4-state Markov chain (MarkovChain-v0). Both expose their transition
// tables as the env's model and render as a state diagram drawn from it.
// Depends on: rlc/envs.h, rlc/draw.h.
#include <math.h>
#include <stdio.h>

#include "rlc/draw.h"
#include "rlc/envs.h"
#include "make.h"

//------------------------------------------------------------------------------
// The book's tables
//------------------------------------------------------------------------------

// transition_probabilities[s][a][s'] and rewards[s][a][s']; the book's None
// rows (impossible actions) are all zero here and marked in MDP_POSSIBLE.
static const double MDP_T[3][3][3] = {
    {{0.7, 0.3, 0.0}, {1.0, 0.0, 0.0}, {0.8, 0.2, 0.0}},
    {{0.0, 1.0, 0.0}, {0.0, 0.0, 0.0}, {0.0, 0.0, 1.0}},
    {{0.0, 0.0, 0.0}, {0.8, 0.1, 0.1}, {0.0, 0.0, 0.0}},
};
static const double MDP_R[3][3][3] = {
    {{+10, 0, 0}, {0, 0, 0}, {0, 0, 0}},
    {{0, 0, 0}, {0, 0, 0}, {0, 0, -50}},
    {{0, 0, 0}, {+40, 0, 0}, {0, 0, 0}},
};
// possible_actions = [[0, 1, 2], [0, 2], [1]]
static const bool MDP_POSSIBLE[3][3] = {{true, true, true}, {true, false, true}, {false, true, false}};
// The optimal policy at gamma 0.90 (reference/homl_mdp_qvalues.txt, PI).
static const int MDP_OPTIMAL[3] = {0, 0, 1};

#define CHAIN_TERMINAL 3
static const double CHAIN_P[4][4] = {
    {0.7, 0.2, 0.0, 0.1},
    {0.0, 0.0, 0.9, 0.1},
    {0.0, 1.0, 0.0, 0.0},
    {0.0, 0.0, 0.0, 1.0},
};

//------------------------------------------------------------------------------
// Shared: reset, and the diagram renderer
//------------------------------------------------------------------------------

static void tabular_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  ((rlcTabularState *)state)->s = 0;  // both start in s0: no draw from rng
  *(int32_t *)obs = 0;
}

typedef struct Layout {
  double x[4], y[4];  // node centres, px
} Layout;

#define NODE_R 32.0
#define COLOR_CURRENT 0xFFC040u
#define COLOR_INK 0x000000u
#define COLOR_LABEL 0x404040u

// "a0 0.3, a2 0.2 (+10)": the actions leading from s to t with their
// probabilities, and rewards where nonzero (the action is left out when there
// is only one). Returns false when no action leads there.
static bool edge_label(const rlcMdp *m, int s, int t, char *buf, size_t len) {
  size_t n = 0;
  buf[0] = 0;
  for (int a = 0; a < m->n_actions; a++) {
    const rlcTransition *e = rlc_mdp_entries(m, s, a);
    for (int i = 0; i < rlc_mdp_count(m, s, a); i++) {
      if (e[i].next_state != t || e[i].prob <= 0 || n >= len) continue;
      if (s == t && e[i].terminated) continue;  // an absorbing state's loop is not drawn
      int k = m->n_actions > 1 ? snprintf(buf + n, len - n, "%sa%d %g", n ? ", " : "", a, e[i].prob)
                               : snprintf(buf + n, len - n, "%s%g", n ? ", " : "", e[i].prob);
      n += k > 0 ? (size_t)k : 0;
      if (e[i].reward != 0 && n < len) {
        k = snprintf(buf + n, len - n, " (%+g)", e[i].reward);
        n += k > 0 ? (size_t)k : 0;
      }
    }
  }
  return n > 0;
}

static void draw_arrow(rlcCanvas *c, double x0, double y0, double x1, double y1, const char *label) {
  double dx = x1 - x0, dy = y1 - y0, len = hypot(dx, dy);
  dx /= len, dy /= len;
  double nx = -dy, ny = dx, off = 6;  // the reverse arrow gets the other side
  double ax = x0 + dx * NODE_R + nx * off, ay = y0 + dy * NODE_R + ny * off;
  double bx = x1 - dx * (NODE_R + 2) + nx * off, by = y1 - dy * (NODE_R + 2) + ny * off;
  rlc_canvas_line(c, ax, ay, bx - dx * 8, by - dy * 8, 2, COLOR_INK);
  double head[6] = {bx, by, bx - dx * 12 + nx * 5, by - dy * 12 + ny * 5, bx - dx * 12 - nx * 5, by - dy * 12 - ny * 5};
  rlc_canvas_fill_polygon(c, head, 3, COLOR_INK);
  // The label sits beside the arrow's middle, on the arrow's own side.
  rlcAlign align = nx > 0.3 ? RLC_ALIGN_LEFT : nx < -0.3 ? RLC_ALIGN_RIGHT : RLC_ALIGN_CENTER;
  rlc_canvas_text(c, (ax + bx) / 2 + nx * 10, (ay + by) / 2 + ny * 12, 12, align, COLOR_LABEL, label);
}

// The states as circles (the current one filled), every move of the model as
// an arrow labelled with its probabilities, absorbing states as double circles.
static void draw_diagram(const rlcEnvSpec *spec, const Layout *L, int current, uint8_t *rgb) {
  const rlcMdp *m = spec->mdp;
  rlcCanvas *c;
  if (!m || rlc_canvas_begin(rgb, spec->render_width, spec->render_height, &c)) return;
  rlc_canvas_clear(c, 0xFFFFFF);
  char label[128];
  for (int s = 0; s < m->n_states; s++)
    for (int t = 0; t < m->n_states; t++) {
      if (!edge_label(m, s, t, label, sizeof label)) continue;
      if (s != t) {
        draw_arrow(c, L->x[s], L->y[s], L->x[t], L->y[t], label);
      } else {  // a loop above the node
        double r = 12, cy = L->y[s] - NODE_R - r + 4;
        rlc_canvas_stroke_circle(c, L->x[s], cy, r, 2, COLOR_INK);
        rlc_canvas_text(c, L->x[s], cy - r - 9, 12, RLC_ALIGN_CENTER, COLOR_LABEL, label);
      }
    }
  for (int s = 0; s < m->n_states; s++) {
    const rlcTransition *e = rlc_mdp_entries(m, s, 0);
    bool absorbing = rlc_mdp_count(m, s, 0) == 1 && e->next_state == s && e->terminated;
    rlc_canvas_fill_circle(c, L->x[s], L->y[s], NODE_R, s == current ? COLOR_CURRENT : 0xFFFFFF);
    rlc_canvas_stroke_circle(c, L->x[s], L->y[s], NODE_R, 2.5, COLOR_INK);
    if (absorbing) rlc_canvas_stroke_circle(c, L->x[s], L->y[s], NODE_R - 5, 1.5, COLOR_INK);
    snprintf(label, sizeof label, "s%d", s);
    rlc_canvas_text(c, L->x[s], L->y[s], 18, RLC_ALIGN_CENTER, COLOR_INK, label);
  }
  rlc_canvas_end(c);
}

//------------------------------------------------------------------------------
// ThreeStateMDP-v0
//------------------------------------------------------------------------------

static void mdp_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action, void *obs,
                     double *reward, bool *terminated, bool *truncated) {
  rlcTabularState *st = state;
  int s = st->s, a = *(const int32_t *)action;
  // rlc_env_step rejects impossible actions through the model; a caller that
  // bypasses it gets a no-op rather than an undefined move.
  if (MDP_POSSIBLE[s][a]) {
    int next = rlc_rng_categorical(rng, MDP_T[s][a], 3);
    *reward = MDP_R[s][a][next];
    st->s = next;
  } else {
    *reward = 0.0;
  }
  *terminated = false;  // a continuing task: only the time limit ends it
  *(int32_t *)obs = st->s;
}

static void mdp_render(const rlcEnvSpec *spec, const void *state, const rlcRenderArgs *args, uint8_t *rgb) {
  static const Layout layout = {{100, 380, 240}, {230, 230, 90}};
  draw_diagram(spec, &layout, ((const rlcTabularState *)state)->s, rgb);
}

static void mdp_heuristic(const rlcEnvSpec *spec, const void *obs, void *action) {
  int s = *(const int32_t *)obs;
  *(int32_t *)action = s >= 0 && s < 3 ? MDP_OPTIMAL[s] : 0;
}

static bool tabular_state_valid(const rlcEnvSpec *spec, const void *state) {
  int s = ((const rlcTabularState *)state)->s;
  return s >= 0 && s < spec->observation_space.n;
}

static const rlcEnvClass mdp_class = {
    .state_valid = tabular_state_valid,
    .name = "ThreeStateMDP",
    .state_size = sizeof(rlcTabularState),
    .reset = tabular_reset,
    .step = mdp_step,
    .render = mdp_render,
    .heuristic = mdp_heuristic,
};

rlcStatus envs_make_three_state_mdp(rlcEnvSpec *spec, rlcOpts *opts) {
  spec->observation_space = rlc_space_discrete(3);
  spec->action_space = rlc_space_discrete(3);
  spec->render_width = 480;
  spec->render_height = 320;
  spec->render_fps = 2;
  spec->cls = &mdp_class;
  // P[s][a]: the nonzero next states in s' order; impossible actions have no
  // entries and are marked invalid, so rlc_env_step rejects them.
  rlcStatus s = rlc_mdp_create(3, 3, &spec->mdp);
  for (int st = 0; st < 3 && !s; st++)
    for (int a = 0; a < 3 && !s; a++) {
      spec->mdp->valid[st * 3 + a] = MDP_POSSIBLE[st][a];
      for (int t = 0; t < 3 && !s; t++)
        if (MDP_T[st][a][t] > 0) s = rlc_mdp_add(spec->mdp, st, a, MDP_T[st][a][t], t, MDP_R[st][a][t], false);
    }
  if (s) return s;
  rlc_mdp_finish(spec->mdp);
  return RLC_OK;
}

//------------------------------------------------------------------------------
// MarkovChain-v0
//------------------------------------------------------------------------------

static void chain_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action, void *obs,
                       double *reward, bool *terminated, bool *truncated) {
  rlcTabularState *st = state;
  // s3 absorbs without a draw (reachable only by injecting the state).
  if (st->s != CHAIN_TERMINAL) st->s = rlc_rng_categorical(rng, CHAIN_P[st->s], 4);
  *reward = 0.0;
  *terminated = st->s == CHAIN_TERMINAL;
  *(int32_t *)obs = st->s;
}

static void chain_render(const rlcEnvSpec *spec, const void *state, const rlcRenderArgs *args, uint8_t *rgb) {
  static const Layout layout = {{80, 240, 400, 240}, {120, 120, 120, 250}};
  draw_diagram(spec, &layout, ((const rlcTabularState *)state)->s, rgb);
}

static void chain_heuristic(const rlcEnvSpec *spec, const void *obs, void *action) {
  *(int32_t *)action = 0;  // there is no choice to make
}

static const rlcEnvClass chain_class = {
    .state_valid = tabular_state_valid,
    .name = "MarkovChain",
    .state_size = sizeof(rlcTabularState),
    .reset = tabular_reset,
    .step = chain_step,
    .render = chain_render,
    .heuristic = chain_heuristic,
};

rlcStatus envs_make_markov_chain(rlcEnvSpec *spec, rlcOpts *opts) {
  spec->observation_space = rlc_space_discrete(4);
  spec->action_space = rlc_space_discrete(1);
  spec->render_width = 480;
  spec->render_height = 320;
  spec->render_fps = 2;
  spec->cls = &chain_class;
  rlcStatus s = rlc_mdp_create(4, 1, &spec->mdp);
  for (int st = 0; st < 4 && !s; st++) {
    if (st == CHAIN_TERMINAL) {
      s = rlc_mdp_add(spec->mdp, st, 0, 1.0, st, 0.0, true);  // absorbing
      continue;
    }
    for (int t = 0; t < 4 && !s; t++)
      if (CHAIN_P[st][t] > 0) s = rlc_mdp_add(spec->mdp, st, 0, CHAIN_P[st][t], t, 0.0, t == CHAIN_TERMINAL);
  }
  if (s) return s;
  rlc_mdp_finish(spec->mdp);
  return RLC_OK;
}
