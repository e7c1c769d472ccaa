// minatar.c: the MinAtar env class. One class serves the five games of
// minatar.h: it does what MinAtar's Environment wrapper does around a game
// (a uniform draw on every act, the sticky action, last_action kept across
// resets), maps the env's actions to the full set (minimal_action_set), seeds
// the RandomState from reset(seed), writes the uint8 observation and draws
// the grid in MinAtar's colors.
// Depends on: rlc/envs.h, minatar.h, the five games' files.
#include <math.h>
#include <string.h>

#include "make.h"
#include "minatar.h"
#include "rlc/draw.h"
#include "rlc/envs.h"

typedef struct {
  const rlcMinAtarGame *game;
  double sticky;      // sticky_action_prob
  bool ramping;       // difficulty_ramping
  int n_actions;
  int32_t actions[6];  // env action -> full-set action
} MinAtarCfg;

// The game's state sits after the common part, 16-byte aligned.
#define GAME_OFFSET ((sizeof(rlcMinAtarState) + 15) & ~(size_t)15)

static void *game_state(void *state) { return (char *)state + GAME_OFFSET; }

static void minatar_seed(const rlcEnvSpec *spec, void *state, uint64_t seed) {
  rlcMinAtarState *s = state;
  // RandomState(seed) takes seeds below 2^32; larger ones (entropy) are folded.
  rlc_mt_seed(&s->mt, seed >> 32 ? (uint32_t)(seed ^ seed >> 32) : (uint32_t)seed);
  s->last_action = 0;  // MinAtar's gym wrapper seeds a fresh Environment
}

static void minatar_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  const MinAtarCfg *cfg = spec->cfg;
  rlcMinAtarState *s = state;
  cfg->game->reset(game_state(state), &s->mt, cfg->ramping);
  cfg->game->observe(game_state(state), obs);
}

static void minatar_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action, void *obs,
                         double *reward, bool *terminated, bool *truncated) {
  const MinAtarCfg *cfg = spec->cfg;
  rlcMinAtarState *s = state;
  int a = cfg->actions[*(const int32_t *)action];
  // Environment.act: the draw happens on every step, even with probability 0.
  if (rlc_mt_rand(&s->mt) < cfg->sticky) a = s->last_action;
  s->last_action = a;
  bool terminal = false;
  *reward = cfg->game->act(game_state(state), &s->mt, a, cfg->ramping, &terminal);
  *terminated = terminal;
  *truncated = false;
  cfg->game->observe(game_state(state), obs);
}

// matplotlib's "cubehelix" map (gamma 1, s 0.5, r -1.5, h 1) as a 256-entry
// table, sampled as seaborn's color_palette("cubehelix", C) samples it: at
// linspace(0, 1, C + 2)[1:-1]. MinAtar draws channel c in color c + 1 of a
// palette whose color 0 is black, and a cell in its highest set channel.
static rlcColor cubehelix(double x) {
  int i = (int)(x * 256);
  i = i < 0 ? 0 : i > 255 ? 255 : i;
  double t = i / 255.0, amp = t * (1 - t) / 2, phi = 2 * M_PI * (0.5 / 3 - 1.5 * t);
  const double p[3][2] = {{-0.14861, 1.78277}, {-0.29227, -0.90649}, {1.97294, 0.0}};
  rlcColor rgb = 0;
  for (int k = 0; k < 3; k++) {
    double v = t + amp * (p[k][0] * cos(phi) + p[k][1] * sin(phi));
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    rgb = rgb << 8 | (rlcColor)lround(v * 255);
  }
  return rgb;
}

static void minatar_render(const rlcEnvSpec *spec, const void *state, const rlcRenderArgs *args, uint8_t *rgb) {
  const MinAtarCfg *cfg = spec->cfg;
  const int C = cfg->game->channels, W = spec->render_width, cell = W / RLC_MINATAR_SIZE;
  uint8_t obs[RLC_MINATAR_SIZE * RLC_MINATAR_SIZE * RLC_MINATAR_MAX_CHANNELS];
  cfg->game->observe((const char *)state + GAME_OFFSET, obs);
  rlcColor palette[RLC_MINATAR_MAX_CHANNELS + 1] = {0x000000};
  for (int c = 0; c < C; c++) palette[c + 1] = cubehelix((c + 1.0) / (C + 1));
  for (int y = 0; y < RLC_MINATAR_SIZE; y++)
    for (int x = 0; x < RLC_MINATAR_SIZE; x++) {
      int top = 0;
      for (int c = 0; c < C; c++)
        if (obs[(y * RLC_MINATAR_SIZE + x) * C + c]) top = c + 1;
      rlcColor col = palette[top];
      for (int py = y * cell; py < (y + 1) * cell; py++)
        for (int px = x * cell; px < (x + 1) * cell; px++) {
          uint8_t *p = rgb + ((size_t)py * W + px) * 3;
          p[0] = col >> 16 & 255, p[1] = col >> 8 & 255, p[2] = col & 255;
        }
    }
}

static void minatar_heuristic(const rlcEnvSpec *spec, const void *obs, void *action) {
  const MinAtarCfg *cfg = spec->cfg;
  int a = cfg->game->heuristic ? cfg->game->heuristic(obs) : RLC_MINATAR_NOOP, pick = 0;
  for (int i = 0; i < cfg->n_actions; i++)
    if (cfg->actions[i] == a) pick = i;
  *(int32_t *)action = pick;
}

static void minatar_free_cfg(void *cfg) { rlc_free(cfg); }

static bool minatar_state_valid(const rlcEnvSpec *spec, const void *state) {
  const MinAtarCfg *cfg = spec->cfg;
  const rlcMinAtarState *s = state;
  return s->last_action >= 0 && s->last_action < 6 && cfg->game->valid((const char *)state + GAME_OFFSET);
}

static const rlcEnvClass minatar_class = {
    .state_valid = minatar_state_valid,
    .name = "MinAtar",
    .reset = minatar_reset,
    .step = minatar_step,
    .render = minatar_render,
    .heuristic = minatar_heuristic,
    .free_cfg = minatar_free_cfg,
    .seed = minatar_seed,
};

static rlcStatus make_game(rlcEnvSpec *spec, rlcOpts *opts, const rlcMinAtarGame *game) {
  double sticky;
  bool ramping, minimal;
  rlcStatus st;
  if ((st = rlc_opts_double(opts, "sticky_action_prob", 0.1, &sticky)) ||
      (st = rlc_opts_bool(opts, "difficulty_ramping", true, &ramping)) ||
      (st = rlc_opts_bool(opts, "minimal_action_set", true, &minimal)))
    return st;
  if (!(sticky >= 0 && sticky <= 1))
    return rlc_error(RLC_ERR_ARG, "option sticky_action_prob=%g: must be a probability in [0, 1]", sticky);
  MinAtarCfg *cfg = rlc_calloc(1, sizeof *cfg);
  if (!cfg) return RLC_ERR_NOMEM;
  cfg->game = game;
  cfg->sticky = sticky;
  cfg->ramping = ramping;
  cfg->n_actions = minimal ? game->n_minimal : 6;
  for (int i = 0; i < cfg->n_actions; i++) cfg->actions[i] = minimal ? game->minimal[i] : i;
  spec->cls = &minatar_class;
  spec->cfg = cfg;
  spec->state_size = GAME_OFFSET + game->state_size;
  const int shape[3] = {RLC_MINATAR_SIZE, RLC_MINATAR_SIZE, game->channels};
  spec->observation_space = rlc_space_box_uniform(RLC_U8, 3, shape, 0, 1);
  spec->action_space = rlc_space_discrete(cfg->n_actions);
  spec->render_width = spec->render_height = 32 * RLC_MINATAR_SIZE;
  spec->render_fps = 20;
  return RLC_OK;
}

const rlcMinAtarGame *minatar_game_of(const rlcEnvSpec *spec) {
  while (spec && spec->inner) spec = spec->inner;
  return spec && spec->cls == &minatar_class ? ((const MinAtarCfg *)spec->cfg)->game : NULL;
}

void *minatar_game_state(const rlcEnvSpec *spec, void *state) {
  while (spec->inner) state = rlc_inner_state(spec, state), spec = spec->inner;
  return game_state(state);
}

rlcStatus envs_make_minatar_asterix(rlcEnvSpec *spec, rlcOpts *opts) { return make_game(spec, opts, &minatar_asterix); }
rlcStatus envs_make_minatar_breakout(rlcEnvSpec *spec, rlcOpts *opts) { return make_game(spec, opts, &minatar_breakout); }
rlcStatus envs_make_minatar_freeway(rlcEnvSpec *spec, rlcOpts *opts) { return make_game(spec, opts, &minatar_freeway); }
rlcStatus envs_make_minatar_seaquest(rlcEnvSpec *spec, rlcOpts *opts) { return make_game(spec, opts, &minatar_seaquest); }
rlcStatus envs_make_minatar_space_invaders(rlcEnvSpec *spec, rlcOpts *opts) {
  return make_game(spec, opts, &minatar_space_invaders);
}
