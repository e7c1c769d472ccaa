// custom_env.c: writing your own environment, with the TF-Agents example of
// Hands-On ML ch. 18: an agent on a 4x4 grid must reach the bottom-right cell.
// An env is a state struct plus four functions (reset, step, render and an
// optional heuristic), gathered in an rlcEnvClass and registered under an id.
// Usage: custom_env [frame.png]   (optionally saves a rendered frame)
// Depends on: the public rlc API only.
#include <math.h>
#include <stdio.h>

#include "rlc/rlc.h"

// The state is plain data (no pointers): rlc copies it, checkpoints it and
// lays many side by side in a vector env. (A state that owns memory sets the
// class's lifecycle hooks, state_init ... state_get: see rlc/env.h.)
typedef struct MyGridState {
  int row, col;  // may leave the grid by one cell, which ends the episode
} MyGridState;

// The observation is a 4x4 float image with a 1 at the agent's cell.
static void write_obs(const MyGridState *s, float *obs) {
  for (int i = 0; i < 16; i++) obs[i] = 0.0f;
  if (s->row >= 0 && s->row < 4 && s->col >= 0 && s->col < 4) obs[s->row * 4 + s->col] = 1.0f;
}

static void my_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  MyGridState *s = state;
  s->row = s->col = 0;  // a fixed start; a random one would draw from rng
  write_obs(s, obs);
}

// The action was already checked against the action space (0..3).
static void my_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action, void *obs,
                    double *reward, bool *terminated, bool *truncated) {
  static const int DROW[4] = {-1, +1, 0, 0}, DCOL[4] = {0, 0, -1, +1};  // up, down, left, right
  MyGridState *s = state;
  int a = *(const int32_t *)action;  // discrete actions are int32
  s->row += DROW[a];
  s->col += DCOL[a];
  bool off_grid = s->row < 0 || s->row > 3 || s->col < 0 || s->col > 3;
  bool at_goal = s->row == 3 && s->col == 3;
  *reward = off_grid ? -1.0 : at_goal ? 10.0 : 0.0;
  *terminated = off_grid || at_goal;  // a real end of the task; the time limit truncates
  write_obs(s, obs);
}

// Drawing goes through a canvas over the caller's RGB buffer (rlc/draw.h).
static void my_render(const rlcEnvSpec *spec, const void *state, const rlcRenderArgs *args, uint8_t *rgb) {
  const MyGridState *s = state;
  double cell = spec->render_width / 4.0;
  rlcCanvas *c;
  if (rlc_canvas_begin(rgb, spec->render_width, spec->render_height, &c)) return;
  rlc_canvas_clear(c, 0xFFFFFF);
  rlc_canvas_fill_rect(c, 3 * cell, 3 * cell, cell, cell, 0x32C832);  // the goal
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) rlc_canvas_stroke_rect(c, j * cell, i * cell, cell, cell, 2, 0x000000);
  rlc_canvas_fill_circle(c, (s->col + 0.5) * cell, (s->row + 0.5) * cell, cell / 3, 0x1E50E6);
  rlc_canvas_end(c);
}

static const rlcEnvClass my_grid_class = {
    .name = "MyGrid",
    .state_size = sizeof(MyGridState),
    .reset = my_reset,
    .step = my_step,
    .render = my_render,
};

// make() fills the constant spec: spaces, render size and the class.
static rlcStatus my_make(rlcEnvSpec *spec, rlcOpts *opts) {
  spec->observation_space = rlc_space_box_uniform(RLC_F32, 2, (const int[]){4, 4}, 0.0f, 1.0f);
  spec->action_space = rlc_space_discrete(4);
  spec->render_width = spec->render_height = 256;
  spec->render_fps = 4;
  spec->cls = &my_grid_class;
  return RLC_OK;
}

static void report(bool ok, const char *what, void *user) {
  if (!ok) printf("  check failed: %s\n", what);
}

int main(int argc, char **argv) {
  // Registered like the built-ins: id, make, time limit, reward threshold.
  rlcEnvRegistration reg = {.id = "MyGrid-v0", .make = my_make, .max_episode_steps = 100,
                            .reward_threshold = NAN, .doc = "the Hands-On ML TF-Agents grid"};
  rlcEnv *env;
  int failed = 0;
  if (rlc_env_register(&reg) || rlc_env_create("MyGrid-v0", NULL, &env) ||
      rlc_env_check("MyGrid-v0", NULL, 42, report, NULL, &failed)) {
    fprintf(stderr, "custom_env: %s\n", rlc_last_error());
    return 1;
  }
  printf("env checker: %s\n", failed ? "FAILED" : "all checks passed");

  // A few episodes of a random policy: reset(seed), then step until the end.
  rlcRng rng;
  rlc_rng_seed(&rng, 0);
  for (int episode = 0; episode < 5; episode++) {
    float obs[16];
    bool terminated = false, truncated = false;
    rlc_env_reset(env, episode, obs);
    while (!terminated && !truncated) {
      int32_t action;
      double reward;
      rlc_space_sample(&env->spec->action_space, &rng, &action);
      rlc_env_step(env, &action, obs, &reward, &terminated, &truncated);
    }
    printf("episode %d: return %+.0f in %d steps\n", episode, env->episode_return, env->episode_length);
  }

  if (argc > 1) {  // render the start position into a PNG
    uint8_t rgb[256 * 256 * 3];
    rlc_env_reset(env, 0, NULL);
    if (rlc_env_render(env, NULL, rgb) || rlc_png_write(argv[1], rgb, 256, 256))
      fprintf(stderr, "custom_env: %s\n", rlc_last_error()), failed++;
  }
  rlc_env_destroy(env);
  return failed ? 1 : 0;
}
