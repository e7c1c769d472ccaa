// minatar.h: the five MinAtar games (Young & Tian 2019, MinAtar 1.0.15) behind
// one env class (minatar.c). A game is plain data plus four functions; the
// class adds what MinAtar's Environment wrapper does (the sticky-action draw
// on every act, last_action), the action sets, options, observation and
// drawing. Randomness is numpy's legacy RandomState (rlcMt19937), shared by
// the wrapper and the game in MinAtar's order, so a seeded episode replays
// MinAtar's draw for draw.
#ifndef RLC_ENVS_MINATAR_H
#define RLC_ENVS_MINATAR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rlc/env.h"

// MinAtar's full action set: indices into it are the games' actions.
enum { RLC_MINATAR_NOOP, RLC_MINATAR_LEFT, RLC_MINATAR_UP, RLC_MINATAR_RIGHT, RLC_MINATAR_DOWN, RLC_MINATAR_FIRE };

#define RLC_MINATAR_SIZE 10  // the grid is 10 x 10
#define RLC_MINATAR_MAX_CHANNELS 10
#define RLC_MINATAR_MAX_INTERNAL 2048  // ints in a game's flattened internal state

typedef struct rlcMinAtarGame {
  const char *name;   // MinAtar's module name: "breakout"
  const char *title;  // the env id's name: "Breakout" (MinAtar/Breakout-v1)
  int channels;
  const char *channel_names[RLC_MINATAR_MAX_CHANNELS];
  int n_minimal;      // MinAtar's minimal_action_set(), as full-set indices
  int minimal[6];
  size_t state_size;  // bytes of the game's state struct (plain data, no pointers)
  // Env.reset(): the game's start state, drawing what MinAtar's reset draws.
  void (*reset)(void *game, rlcMt19937 *mt, bool ramping);
  // Env.act(a) for a full-set action a in 0..5 (after the sticky-action draw):
  // returns the reward and sets *terminal.
  int (*act)(void *game, rlcMt19937 *mt, int a, bool ramping, bool *terminal);
  // Env.state(): obs[(y * 10 + x) * channels + c] = 0 or 1 (channel-last).
  void (*observe)(const void *game, uint8_t *obs);
  // The reference files' "internal columns", flattened to ints in their order
  // (a 100-char 0/1 map is 100 ints, a list is its count then its entries);
  // returns how many were written (at most max). Used by tests.
  int (*internal)(const void *game, int32_t *out, int max);
  // Optional: a simple hand-written policy for `rlc play --policy heuristic`,
  // from the observation to a full-set action (in the minimal set).
  int (*heuristic)(const uint8_t *obs);
  // Whether a game state read from a checkpoint is one act and observe can
  // take: everything drawn on the grid, counts within their arrays, bools 0/1.
  bool (*valid)(const void *game);
} rlcMinAtarGame;

static inline bool minatar_in_grid(int x, int y) {
  return x >= 0 && x < RLC_MINATAR_SIZE && y >= 0 && y < RLC_MINATAR_SIZE;
}

// The game behind an env spec (through any wrappers); NULL when it is not MinAtar.
const rlcMinAtarGame *minatar_game_of(const rlcEnvSpec *spec);
// The game's part of an instance state of that spec.
void *minatar_game_state(const rlcEnvSpec *spec, void *state);

extern const rlcMinAtarGame minatar_breakout, minatar_space_invaders, minatar_freeway,
    minatar_asterix, minatar_seaquest;

#endif
