// rlc/envs.h: layer 1. The built-in environments' public state structs (what
// Gymnasium calls env.unwrapped.state), for tests, tools and state injection
// through rlc_env_unwrapped_state(). Each env's options are listed here too.
// Depends on: rlc/env.h.
#ifndef RLC_ENVS_H
#define RLC_ENVS_H

#include "rlc/env.h"

#ifdef __cplusplus
extern "C" {
#endif

// CartPole-v0 / CartPole-v1. No options. Observation (x, x_dot, theta,
// theta_dot) as float32; actions 0 push left, 1 push right.
typedef struct rlcCartPoleState {
  double x, x_dot, theta, theta_dot;  // float64, as Gymnasium keeps it
  int steps_beyond_terminated;        // -1 while the episode runs
} rlcCartPoleState;

// MountainCar-v0 and MountainCarContinuous-v0. Observation (position,
// velocity) as float32 in [-1.2, 0.6] x [-0.07, 0.07]. MountainCar-v0: actions
// 0 push left, 1 none, 2 push right; reward -1 each step; terminates at
// position >= 0.5. MountainCarContinuous-v0: a float32 force in [-1, 1] (values
// outside are clipped for the physics, but the cost -0.1 a^2 uses the action as
// given); terminates at position >= 0.45 with reward +100 on that step.
// Option (both): goal_velocity (default 0), the velocity needed at the goal.
// Render 600x400 at 30 fps; heuristic: push in the direction of motion.
typedef struct rlcMountainCarState {
  double position, velocity;  // float64 after reset; the continuous version rounds
                              // both to float32 after every step, as Gymnasium stores them
} rlcMountainCarState;

// Acrobot-v1: two links hanging from a pivot, the elbow actuated. Observation
// (cos t1, sin t1, cos t2, sin t2, dt1, dt2) as float32; actions 0, 1, 2 apply
// torque -1, 0, +1; reward -1 per step, 0 on the step the tip rises above the
// target line (-cos t1 - cos(t1 + t2) > 1), which terminates.
// Options: book_or_nips (book: default, the book's dynamics; nips: the paper's)
// and torque_noise_max (default 0; uniform noise added to the torque).
// Render 500x500 at 15 fps; heuristic: torque along the elbow's motion
// (energy pumping).
typedef struct rlcAcrobotState {
  double theta1, theta2;    // wrapped into [-pi, pi]; theta2 relative to link 1
  double dtheta1, dtheta2;  // bounded to +-4pi, +-9pi
  // Gymnasium keeps float32 values after reset and float64 after a step; the
  // float32 values are exact in these doubles.
  // A cache step() keeps for the next step: cos and sin of theta2 (the
  // observation computes them). Used only while has_trig is set and theta2
  // has exactly the bits of trig_theta2, so states written field by field
  // (injected, zeroed) need not touch it.
  double trig_theta2, cos_theta2, sin_theta2;
  bool has_trig;
} rlcAcrobotState;

// Pendulum-v1: swing up and balance. Observation (cos th, sin th, thdot) as
// float32, th = 0 upright; action a float32 torque in [-2, 2] (values outside
// are clipped); reward -(th^2 + 0.1 thdot^2 + 0.001 u^2) with th normalized to
// [-pi, pi), from the state before the step. Never terminates (200-step limit).
// Option: g (default 10.0, finite, >= 0). Render 500x500 at 30 fps, with an
// arrow for the last torque; heuristic: energy pumping, then a PD law on top.
typedef struct rlcPendulumState {
  double theta, theta_dot;  // float64; theta is not wrapped
  float last_u;             // the last clipped torque (for the render)
  bool has_last_u;          // false until the first step (Gymnasium's last_u = None)
} rlcPendulumState;

// GridWorld-v0 (the eligibility-traces exercise): walk from the top-left cell
// (0,0) to the green goal around two red cells. Cells are (x, y), x the column,
// y the row (down); observation Discrete(size*size) = y*size + x; actions 0
// right, 1 down, 2 left, 3 up, clipped at the border. The reward is paid on
// entering a cell: goal_reward on the goal, red_reward on a red cell (both end
// the episode, terminated), step_reward anywhere else, including bumping into
// the border. Registered with a 100-step time limit.
// Options: size (default 5, 2..1000), goal_reward (100), red_reward (-100),
// step_reward (-1).
// Layout at any size, rounding halves up: goal at
// (round(3*(size-1)/4), round((size-1)/2)), reds at (goal_x, goal_y-1) and
// (goal_x-1, goal_y). Size 5 gives the exercise's goal (3,2), reds (3,1) and
// (2,2); size 10 gives goal (7,5); size 100 goal (74,50). No special cell is
// ever the start; at size 2 the reds cut the goal off from the start.
// Model (rlc_spec_mdp): one entry (1.0, next, reward, terminated) per (s, a);
// the terminal cells loop on themselves with reward 0 (Gymnasium's FrozenLake
// convention). It takes about 40 bytes per (s, a): 160 MB at size 1000.
// Render: 512x512 at 4 fps; given rlcRenderArgs.q (size*size, 4), each cell's
// Q-values are written ("%+.2f") near the edge each action moves toward, when
// cells are at least 60 px (size <= 8). Heuristic: a shortest path to the
// goal that avoids the red cells (7 moves from the start at size 5).
typedef struct rlcGridWorldState {
  int x, y;
} rlcGridWorldState;

// The two processes of Hands-On ML ch. 18; no options. Both start in s0 and
// render as a state diagram (480x320, 2 fps).
// ThreeStateMDP-v0: the Q-value iteration MDP. Observation Discrete(3) (the
// state), actions Discrete(3); possible actions are [0,1,2] in s0, [0,2] in s1,
// [1] in s2: the others have no model entries (valid[s*3+a] = false) and
// rlc_env_step rejects them with RLC_ERR_ARG (rlc_env_action_mask lists the
// possible ones). A continuing task that never terminates; registered with a
// 1000-step time limit so `rlc play` ends. The book's 10,000-step Q-learning
// run passes max_episode_steps=0. Heuristic: the optimal policy at gamma 0.90,
// [0, 0, 1].
// MarkovChain-v0: P = [[0.7,0.2,0,0.1], [0,0,0.9,0.1], [0,1,0,0], [0,0,0,1]].
// Observation Discrete(4), one action (Discrete(1)), reward 0; entering s3
// terminates. The 49-step limit shows at most 50 states an episode, as the
// book's print_sequence does.
typedef struct rlcTabularState {
  int s;
} rlcTabularState;

//------------------------------------------------------------------------------
// Toy text (Gymnasium 1.4's toy_text package)
//------------------------------------------------------------------------------
// FrozenLake, CliffWalking and Taxi are Gymnasium's DiscreteEnv pattern: the
// env's model (rlc_spec_mdp) is Gymnasium's P[s][a] entry for entry (same
// order, duplicates not merged, the same probability doubles), step() draws
// categorical_sample over P[s][a] from np_random (one random() per step, even
// when P[s][a] has a single entry), and reset() draws categorical_sample over
// the initial-state distribution, so a seeded run matches Gymnasium's step for
// step, including reset() without a seed later in the stream. Injecting `s`
// through rlc_env_unwrapped_state() is Gymnasium's `env.unwrapped.s = s`.

// The state of FrozenLake, CliffWalking and Taxi.
typedef struct rlcToyTextState {
  int s;             // the observation (Gymnasium's env.unwrapped.s)
  int last_action;   // -1 after reset (Gymnasium's lastaction None); render only
  int orientation;   // Taxi: the direction (0..3) the cab faces, 0 after reset; render only
} rlcToyTextState;

// FrozenLake-v1 (4x4, TimeLimit 100, threshold 0.70) and FrozenLake8x8-v1
// (map_name=8x8, TimeLimit 200, threshold 0.85): walk from S to G over frozen
// tiles F without falling into a hole H. Observation Discrete(nrow*ncol) =
// row*ncol + col; actions 0 left, 1 down, 2 right, 3 up (clipped at the
// border). Entering G or H terminates; G and H rows of P are a single
// (1.0, s, 0, terminated) self-loop.
// Options:
//   is_slippery (true): move as intended with success_rate, else to either
//     side ((a-1)%4 and (a+1)%4) with (1-success_rate)/2 each; P lists the
//     three entries in the order (a-1)%4, a, (a+1)%4.
//   success_rate (1/3): in [0, 1]; 1/3 gives Gymnasium's 0.3333333333333333
//     and (1-1/3)/2 = 0.33333333333333337.
//   reward_schedule ([1;0;0]): the rewards for entering G, H, F (S counts as
//     F), three numbers separated by ';', '/' or ',' inside [].
//   map_name (4x4): 4x4 | 8x8 | random (Gymnasium's map_name=None: a random
//     8x8 map with p 0.8).
//   desc: a custom map, rows of S/F/H/G separated by ';', '/' or ',' inside
//     brackets: desc=[SFFF;FHFH;FFFH;HFFG] (rows may be quoted). Rows must be
//     equally long, with at least one S (the start is uniform over the S
//     tiles, as Gymnasium's initial_state_distrib) and one G; anything else
//     is RLC_ERR_ARG. desc wins over map_name.
//   size (none): a random size x size map (2..512), made by Gymnasium's
//     generate_random_map(size, p, seed=map_seed) draw for draw: a
//     Generator(PCG64(SeedSequence(map_seed))) draws np.random.choice(["F",
//     "H"], (size, size), p=[p, 1-p]) until S (top left) reaches G (bottom
//     right). p (0.8, in (0, 1]) is the chance of frozen ice. map_seed
//     (default 0) seeds the map, not the episodes: the map belongs to the spec
//     (shared by every copy of a vector env and fixed across resets), so it
//     cannot come from reset()'s np_random. Gymnasium's seed=None (a new map
//     from OS entropy) has no equivalent: pass a different map_seed instead.
//     Fails with RLC_ERR_ARG after 2^27 tiles drawn without a path (tiny p).
// Render: Gymnasium's window, min(64*ncol, 512) x min(64*nrow, 512) (4x4:
// 256x256, 8x8: 512x512) at 4 fps: light-blue ice, dark holes, a green gift
// on G, a stool on S, the elf facing its last move (in a hole: the cracked
// hole with its hat); maps over 64 tiles a side get plain coloured tiles (the
// elf red). Heuristic: a shortest path to G around the holes (BFS),
// ignoring slipperiness (it always reaches G when is_slippery=false).

// CliffWalking-v1: 4x12 grid, start 36 (row 3, col 0), goal 47 (row 3, col
// 11), the cliff is row 3, cols 1..10. Observation Discrete(48) = row*12 +
// col; actions 0 up, 1 right, 2 down, 3 left (clipped). Every step pays -1.0;
// stepping into the cliff pays -100.0 and puts the agent back on 36 (not
// terminated); entering 47 terminates. Gymnasium registers no TimeLimit and
// neither does rlc (max_episode_steps 0): a random walk ends at the goal
// eventually, and max_episode_steps=N adds one. The goal and cliff states
// have ordinary P rows (Gymnasium's).
// Options: is_slippery (false): each move is one of (a-1)%4, a, (a+1)%4 with
// probability 1/3 each (0.3333333333333333), in that order in P.
// Render: 720x240 (60 px cells), 4 fps: a checkered meadow, the cliff, the
// stool on the start, a cookie on the goal, the elf. Heuristic: the optimal
// path, up, right along row 2 above the cliff edge, down onto the goal (13
// steps, return -13).

// Taxi-v3 and Taxi-v4 (the same dry dynamics; TimeLimit 200, threshold 8):
// the 5x5 map with walls
//   +---------+
//   |R: | : :G|
//   | : | : : |
//   | : : : : |
//   | | : | : |
//   |Y| : |B: |
//   +---------+
// locations 0 R(0,0), 1 G(0,4), 2 Y(4,0), 3 B(4,3); passenger index 4 = in
// the taxi. Observation Discrete(500), rlc_taxi_encode(); actions 0 south,
// 1 north, 2 east, 3 west, 4 pickup, 5 dropoff. -1 per step, +20 and
// terminated for a dropoff at the destination with the passenger aboard, -10
// for an illegal pickup or dropoff; a dropoff at another location in locs
// leaves the passenger there (-1). reset() draws categorical_sample over the
// 300 states with pass_idx < 4 and pass_idx != dest_idx (1/300 each).
// Options: is_rainy (false): a move that is not blocked (by a wall or the
// border) goes as intended with 0.8, else to the driver's left or right of it
// with (1-0.8)/2 = 0.09999999999999998 each (in that order in P), the slips
// stopped by walls and borders as dry moves are; a blocked move lists three
// entries that all stay. fickle_passenger is not implemented (true is RLC_ERR_UNSUPPORTED):
// it changes the destination inside step() with np_random, outside P.
// Gymnasium's info["action_mask"] is rlc_taxi_action_mask() (informational:
// every action stays legal, as in Gymnasium).
// Render: Gymnasium's 550x350 board (50 px per map character) at 4 fps:
// walls, the four coloured locations, the passenger, the destination hotel
// and the cab facing its last move. Heuristic: drive the shortest way (BFS
// around the walls) to the passenger, pick up, drive to the destination,
// drop off (at most 8 + 1 + 8 + 1 steps; always delivers when dry).
RLC_API int rlc_taxi_encode(int taxi_row, int taxi_col, int pass_idx, int dest_idx);
RLC_API void rlc_taxi_decode(int s, int *taxi_row, int *taxi_col, int *pass_idx, int *dest_idx);
// Gymnasium's TaxiEnv.action_mask(s): mask[a] = 1 where action a changes the
// state (moves not into a border or wall; pickup at the passenger; dropoff
// with the passenger aboard at one of the four locations).
RLC_API void rlc_taxi_action_mask(int s, int8_t mask[6]);

// Blackjack-v1: Sutton & Barto's blackjack against a dealer, with an infinite
// deck ([1..9, 10, 10, 10, 10], ace = 1). Observation MultiDiscrete([32, 11,
// 2]) as int32: (player sum, dealer's showing card 1..10, usable ace);
// actions 0 stick, 1 hit. A hit that busts ends it with -1.0; a stick ends it,
// the dealer drawing while below 17 (soft 17 stands); reward +1 / 0 / -1.
// Every card is deck[integers(0, 13)] from np_random; reset draws the
// dealer's two cards, then the player's two, then a suit for the dealer's
// showing card and, when it is a 10, a face (J/Q/K): the render's, drawn as
// Gymnasium draws them so the stream stays in step. No TimeLimit.
// Options: sab (registered default true, as Gymnasium 1.4 registers
// Blackjack-v1 with sab=True): a natural (ace + ten) wins +1 unless the
// dealer also has one, and natural is ignored; natural (false, only without
// sab): a winning natural pays +1.5.
// Render: 600x500 green table at 4 fps: the dealer's cards (the showing card
// with its suit and the hole card face down while the hand is played, all of
// them once it ended), the player's cards, both sums and "usable ace".
// Heuristic: Sutton & Barto's example policy, stick on 20 or 21, else hit.
#define RLC_BLACKJACK_MAX_CARDS 24  // more than any legal hand holds (22 aces bust)
typedef struct rlcBlackjackState {
  int8_t player[RLC_BLACKJACK_MAX_CARDS];  // card values in draw order
  int8_t dealer[RLC_BLACKJACK_MAX_CARDS];
  int n_player, n_dealer;
  int dealer_suit;   // 0..3: C, D, H, S (render only)
  int dealer_face;   // 0..2: J, Q, K when dealer[0] == 10, else -1 (render only)
  bool done;         // the hand ended (render shows the dealer's cards)
} rlcBlackjackState;

// MinAtar (Young & Tian 2019; MinAtar 1.0.15): Asterix, Breakout, Freeway,
// Seaquest and SpaceInvaders on a 10x10 grid. Ids MinAtar/<Game>-v1 (MinAtar's
// minimal action set) and MinAtar/<Game>-v0 (all six actions: noop, left, up,
// right, down, fire). Observation Box(0, 1, (10, 10, C), uint8), channel-last
// as MinAtar's state(); integer rewards; no time limit (Freeway ends itself
// after 2500 steps). Dynamics are MinAtar's exactly: one numpy RandomState
// (MT19937), seeded by reset(seed) as env.seed(seed) seeds it, feeds the
// sticky-action draw (made on every step) and the game's own draws.
// Options: sticky_action_prob (default 0.1, MinAtar's: with this probability
// the previous action repeats), difficulty_ramping (default true),
// minimal_action_set (default true for -v1, false for -v0). Render: the grid
// in MinAtar's cubehelix colors, 32 px per cell. Heuristics: Breakout follows
// the ball, Freeway presses up, SpaceInvaders aims, fires and dodges.
typedef struct rlcMinAtarState {
  rlcMt19937 mt;        // the RandomState shared by the wrapper and the game
  int32_t last_action;  // Environment.last_action (full set; kept across resets)
  int32_t pad;
  // The game's own state follows (internal; see src/env/envs/minatar.h).
} rlcMinAtarState;

//------------------------------------------------------------------------------
// Box2D
//------------------------------------------------------------------------------

// LunarLander-v3 and LunarLanderContinuous-v3 (continuous=true): Gymnasium
// 1.4's lunar_lander.py on Box2D 2.4 (Debian's libbox2d): land between the
// flags at (8, 12) on a random moon. Observation (x, y, vx, vy, angle,
// angular velocity, leg 0 contact, leg 1 contact) as float32, scaled as
// Gymnasium does; actions 0 nothing, 1 left engine, 2 main engine, 3 right
// engine, or (continuous) float32 (main, lateral) in [-1, 1]: main > 0
// throttles from 50% to 100%, |lateral| > 0.5 fires a side engine. Reward:
// the change of the shaping (-100 distance, -100 speed, -100 |angle|, +10 a
// leg on the ground), -0.3 per main-engine frame (times its power), -0.03
// per side-engine frame; crashing the body or leaving |x| >= 1 ends it with
// -100, coming to rest (Box2D puts the lander to sleep) with +100. TimeLimit
// 1000, threshold 200. reset(seed) draws what Gymnasium draws, in its order,
// from numpy's PCG64 (terrain, initial push, wind indices) and is one
// step(0); every step draws the engines' two dispersion numbers. Box2D 2.4
// differs from Gymnasium's 2.3 after the legs reach their joint limits and
// at contacts, so trajectories agree closely until the first leg contact and
// statistically afterwards (tests/reference_lunarlander.c).
// Options: continuous (false), gravity (-10, in (-12, 0)), enable_wind
// (false), wind_power (15, in [0, 20]), turbulence_power (1.5, in [0, 2]).
// Render 600x400 at 50 fps: Gymnasium's moon, flags, lander, legs and the
// engines' flame particles. Heuristic: Gymnasium's heuristic(), discrete and
// continuous. The Box2D world is not plain data: copies and checkpoints
// replay the episode (its reset's generator and the actions since) into a
// fresh world, which Box2D's determinism makes exact; resets allocate a world,
// as Gymnasium's do.
typedef struct rlcLunarLanderState {
  void *world;                // the Box2D world (owned; NULL before the first reset)
  double height[12];          // the reset's raw heights (before the pad is flattened)
  double smooth_y[11];        // the terrain's edge heights
  double force[2];            // the reset's initial push
  int64_t wind_idx, torque_idx;  // the next wind and turbulence indices
  double dispersion[2];       // the last step's two uniform(-1, 1) draws
  double prev_shaping;
  float lander[6];            // the lander body after the last step: x y angle vx vy omega
  double m_power, s_power;    // the last step's engine powers (0: off)
  bool game_over, awake;
  bool leg_contact[2];
  // Internal: the episode's log (copies and checkpoints replay it) and the
  // flame particles the render draws.
  rlcRng rng0;                // np_random as the episode's reset found it
  int32_t n_log, cap_log;     // logged steps; capacity of `log`
  float *log;                 // (cap_log, 2) actions since the reset (owned)
  bool log_lost;              // the log could not grow: no copies or checkpoints
  int32_t t, n_particles;     // steps since the reset; particles in the ring
  struct rlcLunarLanderParticle {
    float x, y, vx, vy, ttl;
    int32_t t;                // the step that fired it
  } particles[16];
} rlcLunarLanderState;

#ifdef __cplusplus
}
#endif
#endif
