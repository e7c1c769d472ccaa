// rlc/replay.h: layer 2. Replay memories for off-policy agents (the DQN
// family and, with float action vectors, DDPG/TD3/SAC): a FIFO ring of
// transitions in any layout of rlc/data.h (float32 or uint8 observations,
// stored as they are; discrete int32 or float32 vector actions); n-step
// transitions kept at the same index as the 1-step ones (the
// rainbow-is-all-you-need notebook's two index-aligned buffers, in one);
// proportional prioritized replay over a sum tree; uniform sampling with or
// without replacement.
//
// Ends of episodes. A transition stores whether its episode *terminated*
// (discount 0: nothing follows) or was *truncated* by a time limit (the
// value of the final observation is still bootstrapped), unless the def asks
// for the rainbow notebook's quirk of storing any end as terminal.
//
// n-step windows. Each stream (vector-env copy) has a window of the last n
// transitions. When it is full, its oldest transition is stored together with
// its n-step form, accumulated backwards as the notebook does and cut at the
// first end of episode inside the window (next observation and end flag from
// that transition). Windows are not flushed at episode ends (the notebook's
// deque is not either): a transition is stored n - 1 steps after it happened.
//
// Memory. A slot holds its own rows of obs, next_obs and (n-step) the n-step
// next observation in the stored dtype, 2 or 3 x obs_size x (4 or 1) bytes,
// plus the action (4 or 4 x action_dim) and 16 (32 with n-step; 32 to 64 more with
// PER) for the rest. next_id names the next observations (equal ids, equal
// rows) so learners can cache by id; the rows themselves are not shared.
//
// Frames (frame_stack >= 1): observations are stored frame by frame in a
// ring of frames shared by all slots, each frame once. An observation is
// viewed as (P, k, c): k frames of c elements at each of P positions (a stack
// along the first axis is P = 1; along the last axis of an H x W x kc image,
// P = H W). A slot keeps k frame indices per observation (4 bytes each).
// Equal frames are found by comparing bytes, never assumed: an obs equal to
// its stream's previous next_obs reuses its frames, a next_obs frame equal to
// the obs frame after it (the stack shifted by one) or to the frame before it
// (the reset's repeated frame) reuses that one, so a stacked stream stores
// about one frame per transition plus one per episode; whatever the env does,
// the memory gives back exactly the bytes it was given. Frames are
// reference-counted; the frame ring holds capacity x (1 + frame_slack) frames
// and, should it fill (many very short episodes), the oldest transitions
// leave early: size stays below capacity until frames are free again.
// Depends on: rlc/core.h, rlc/data.h.
#ifndef RLC_REPLAY_H
#define RLC_REPLAY_H

#include "rlc/core.h"
#include "rlc/data.h"

#ifdef __cplusplus
extern "C" {
#endif

//------------------------------------------------------------------------------
// Sum tree: priorities with prefix-sum search and a running minimum
//------------------------------------------------------------------------------

// A complete binary tree over `capacity` leaves (a power of two): node 1 is
// the root, leaf i is node capacity + i. sum[node] is the sum of its leaves,
// min[node] their minimum (+inf for leaves never set). Internal nodes are
// recomputed from their children on every set, so they are a function of the
// leaves alone.
typedef struct rlcSumTree {
  int n;            // leaves in use (as requested)
  int capacity;     // leaves allocated: the next power of two >= n
  double *sum, *min;// (2 * capacity) each
} rlcSumTree;

RLC_API rlcStatus rlc_sum_tree_init(rlcSumTree *t, int n);
RLC_API void rlc_sum_tree_free(rlcSumTree *t);
// Sets leaf i (0 <= i < n) to p >= 0.
RLC_API void rlc_sum_tree_set(rlcSumTree *t, int i, double p);
static inline double rlc_sum_tree_get(const rlcSumTree *t, int i) { return t->sum[t->capacity + i]; }
static inline double rlc_sum_tree_total(const rlcSumTree *t) { return t->sum[1]; }
static inline double rlc_sum_tree_min(const rlcSumTree *t) { return t->min[1]; }
// The leaf i whose prefix range [sum of leaves < i, that + leaf i) holds
// `mass` (0 <= mass < total); never a zero leaf while the total is positive,
// even when rounding puts `mass` at or past the total.
RLC_API int rlc_sum_tree_find(const rlcSumTree *t, double mass);

//------------------------------------------------------------------------------
// Replay memory
//------------------------------------------------------------------------------

typedef struct rlcReplayDef {
  int capacity;            // transitions kept; the oldest is overwritten (100000)
  rlcDType obs_dtype;      // RLC_F32 or RLC_U8: observations are stored in it (RLC_F32)
  int obs_size;            // elements per observation (required)
  int action_dim;          // 0: discrete actions, int32 (0); D >= 1: float32 vectors of D
  int num_streams;         // envs observed side by side, one n-step window each (1)
  int n_step;              // 1; n > 1 also keeps every transition's n-step form
  double gamma;            // discount of the stored discounts and n-step sums (0.99)
  bool truncation_terminal;// store truncations as terminations (the rainbow
                           // notebook's done = terminated or truncated); false
  bool replacement;        // uniform sampling with replacement (true) or without
  bool prioritized;        // proportional prioritized replay (Schaul et al.)
  double alpha;            // priority exponent (0.6)
  double priority_eps;     // added to |TD error| (1e-6)
  int max_batch;           // largest sample (256)
  uint64_t seed;           // the memory's own sampling stream
  int frame_stack;         // 0: whole rows (default); k >= 1: frame by frame, k frames an observation
  int frame_channels;      // frame mode: c, elements of a frame at one position (obs_size / k: a
                           // stack along the first axis; 0 means that)
  double frame_slack;      // frame mode: frames kept beyond one per slot, as a fraction (1/32)
} rlcReplayDef;

RLC_API rlcReplayDef rlc_replay_default_def(void);

// A sampled batch: views into the memory's scratch, valid until the next
// sample or gather. Observations are the stored ones, typed by obs_dtype
// (float or uint8_t rows of obs_size; rlc_obs_input makes network input of
// them). When n_step > 1, next_obs holds 2n rows: the 1-step next
// observations, then the n-step ones (n_next_obs points at the second half),
// so one forward pass covers both.
typedef struct rlcReplayBatch {
  int n;
  int32_t *index;          // (n) slots, for rlc_replay_update_priorities
  void *obs;               // (n, obs_size) of obs_dtype
  int32_t *action;         // (n) discrete actions; NULL when action_dim > 0
  float *action_f;         // (n, action_dim) action vectors; NULL when discrete
  float *reward;           // (n) 1-step reward
  float *discount;         // (n) gamma, or 0 where the episode terminated
  void *next_obs;          // (n, obs_size), or (2n, obs_size) with n-step, of obs_dtype
  float *n_reward;         // (n) sum of up to n discounted rewards (NULL if n_step == 1)
  float *n_discount;       // (n) gamma^k after k accumulated steps, 0 where terminated
  void *n_next_obs;        // (n, obs_size) the observation k steps later
  float *weight;           // (n) importance weights (1 unless prioritized)
  // Which observation each next_obs row is: the serial number (rlc_replay_add
  // calls counted from 0) of the transition it is the next observation of.
  // Equal ids are equal observations, so a learner can cache values by id.
  int64_t *next_id;        // (n), or (2n) with n-step, row for row with next_obs
} rlcReplayBatch;

typedef struct rlcReplay {
  rlcReplayDef def;
  int size;                // transitions stored
  int pos;                 // next slot to write
  int64_t added;           // transitions stored in all
  int64_t serial;          // rlc_replay_add calls so far
  size_t obs_bytes;        // bytes of one stored observation (obs_size x 4 or x 1)
  size_t act_bytes;        // bytes of one stored action (4, or 4 x action_dim)
  // Storage (capacity rows each, observations and actions as raw rows of
  // obs_bytes / act_bytes); the n-step arrays only when n_step > 1.
  uint8_t *obs, *next_obs, *n_next_obs, *action;
  float *reward, *discount;
  int64_t *next_id, *n_next_id;  // see rlcReplayBatch.next_id
  float *n_reward, *n_discount;
  // n-step windows: per stream, a ring of n pending transitions.
  uint8_t *w_obs, *w_next; // (streams, n, obs_bytes)
  double *w_reward;        // (streams, n)
  uint8_t *w_action;       // (streams, n, act_bytes)
  uint8_t *w_term, *w_done;// terminated; terminated or truncated
  int64_t *w_serial;
  int *w_head, *w_count;   // (streams)
  // Prioritized replay.
  rlcSumTree tree;         // priority^alpha per slot
  double max_priority;     // new transitions enter with max_priority^alpha
  rlcRng rng;
  rlcReplayBatch batch;    // scratch for samples
  int *pick;               // (max_batch) without-replacement draws
  void *batch_action;      // (max_batch, act_bytes): batch.action or batch.action_f
  size_t bytes;            // memory allocated for this replay, in all
  // Frame mode (frame_stack >= 1): frames and reference counts, and k frame
  // indices per observation: slots (obs, next, n-step next), windows, and
  // each stream's last next_obs (-1: none).
  int fk, fc, fpos;        // k, c, positions P
  size_t frame_bytes;      // P x c x element size
  int fcap, fnext;         // frames allocated, next to try
  uint8_t *frames;         // (fcap, frame_bytes)
  int32_t *fref;           // (fcap) references held
  int32_t *o_ref, *x_ref, *n_ref;  // (capacity, k) each (n_ref: n-step only)
  int32_t *w_oref, *w_xref;        // (streams, n, k)
  int32_t *s_last;                 // (streams, k)
  int64_t frames_stored;           // frames written so far
} rlcReplay;

// RLC_ERR_ARG for impossible settings (capacity < 1, n_step < 1, gamma
// outside [0, 1], alpha < 0, a layout rlc_data_check_layout refuses, ...),
// with a one-line message. Everything is allocated here: adding and sampling
// allocate nothing.
RLC_API rlcStatus rlc_replay_create(const rlcReplayDef *def, rlcReplay **out);
// The bytes rlc_replay_create would allocate for def (0 when def is invalid),
// without allocating; bytes / capacity is the cost of a transition.
RLC_API size_t rlc_replay_bytes(const rlcReplayDef *def);
RLC_API void rlc_replay_destroy(rlcReplay *r);  // NULL is fine

// One transition of stream `stream` (0 <= stream < num_streams). obs and
// next_obs: obs_size elements of obs_dtype; action: one int32 >= 0
// (discrete) or action_dim finite floats, else RLC_ERR_ARG. Goes through the
// stream's n-step window when n_step > 1 (stored once the window is full).
RLC_API rlcStatus rlc_replay_add(rlcReplay *r, int stream, const void *obs, const void *action, double reward,
                         const void *next_obs, bool terminated, bool truncated);

// n transitions drawn at random: uniformly (with or without replacement as
// the def says) or, when prioritized, proportionally to priority^alpha with
// one draw per equal segment of the total (the notebook's stratified
// scheme), importance weights (N P(i))^-beta divided by their largest
// possible value (that of the smallest priority in the memory).
// RLC_ERR_STATE when fewer than n transitions are stored (without
// replacement) or none; RLC_ERR_ARG when n > max_batch.
RLC_API rlcStatus rlc_replay_sample(rlcReplay *r, int n, double beta, const rlcReplayBatch **out);
// The transitions at the given slots (weights 1): the notebook's
// sample_batch_from_idxs, and tests.
RLC_API rlcStatus rlc_replay_gather(rlcReplay *r, const int32_t *index, int n, const rlcReplayBatch **out);
// New priorities |err| + priority_eps for the given slots (err: TD errors,
// or per-sample losses for distributional agents).
RLC_API void rlc_replay_update_priorities(rlcReplay *r, const int32_t *index, const float *err, int n);

// Checkpoints: contents, windows, priorities, RNG and counters, so sampling
// continues exactly. get checks that the shapes and the layout (obs_dtype,
// action_dim) match the def: RLC_ERR_FORMAT naming both otherwise.
RLC_API void rlc_replay_state_put(const rlcReplay *r, rlcBuf *b);
RLC_API rlcStatus rlc_replay_state_get(rlcReplay *r, rlcBuf *b);
// After a load: every stored discrete action in [0, n_actions) (the replay
// does not know the action count; a crafted checkpoint could hold any).
RLC_API rlcStatus rlc_replay_check_actions(const rlcReplay *r, int n_actions);

#ifdef __cplusplus
}
#endif
#endif
