// tabular.c: tabular agents over (multi-)discrete observations and discrete
// actions: Q-learning, SARSA, expected SARSA, Q(lambda) (Watkins's, or the
// eligibility-traces exercise's version that never cuts traces) and
// SARSA(lambda). One Q table (S, A) of doubles; impossible actions of the
// env's model (the book's MDP) hold -inf, as the book's table does, and are
// never chosen, explored or maximized over.
//
// Learning happens in observe(), one transition at a time in env order:
// tabular updates are cheap and each must see the previous one. update() has
// nothing left to do. On-policy methods (SARSA, SARSA(lambda), Watkins's
// Q(lambda)) choose the next action a' when they learn from a transition, and
// act() then plays that a' in the same env copy, so the action learned from
// is the action taken.
//
// Eligibility traces are sparse: each env copy keeps the list of (s, a) with a
// trace, and a trace that decays below 1e-12 leaves it (its contribution,
// alpha delta e, would be below any double's resolution of Q), so a step costs
// the number of recent pairs, not S x A.
// Depends on: rlc/agent.h, rlc/plan.h (Q* for the reference line).
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rlc/agent.h"
#include "rlc/nn.h"
#include "rlc/plan.h"

#define TRACE_CUTOFF 1e-12

typedef enum { M_Q_LEARNING, M_SARSA, M_EXPECTED_SARSA, M_Q_LAMBDA, M_SARSA_LAMBDA } Method;
typedef enum { X_EPSILON_GREEDY, X_SOFTMAX, X_RANDOM } Explore;

// The settings (one table below fills them).
typedef struct TabularSettings {
  double gamma, alpha, alpha_decay, q_init;
  int explore;                 // Explore
  double epsilon, epsilon_end, epsilon_decay;
  double tau, tau_end, tau_decay;    // the softmax temperature
  int epsilon_schedule, tau_schedule;  // constant | linear | exponential
  int schedule_unit;           // step | episode
  double lambda;
  int trace;                   // accumulating | replacing
  bool cut_traces;
} TabularSettings;

// The traces of one env copy: e over the whole table, and the list of the
// pairs whose trace is nonzero (pos[i]: where pair i sits in it, or -1).
typedef struct {
  double *e;
  int32_t *list, *pos;
  int n;
} Traces;

typedef struct Tabular {
  rlcAgent base;
  Method method;
  int S, A, act_start;
  rlcSpace obs_space;
  size_t obs_bytes;
  const bool *valid;  // (S, A) from the env's model, or NULL: all possible
  TabularSettings set;
  rlcSchedule eps, tau, alpha;  // exploration rate, temperature, step size
  bool on_policy;
  // What changes during training (all of it saved).
  double *q;                // (S, A)
  Traces *tr;               // (num_envs) for the lambda methods, else NULL
  int32_t *next_action;     // (num_envs): a' chosen while learning, -1: none
  int32_t *next_state;      // (num_envs): the state a' was chosen in
  rlcRng rng;
  int64_t steps, episodes, updates;
  double loss_sum;          // squared TD errors, over all updates
  int64_t loss_n;
  // Scratch and constants.
  double *probs;            // (A)
  rlcArena mem;             // q, next_action, next_state, probs, traces
  double q_ref;             // Q*(0,0) at gamma from the model, NAN without one
} Tabular;

//------------------------------------------------------------------------------
// Hyperparameters
//------------------------------------------------------------------------------

#define S TabularSettings
#define SCHEDULES "constant|linear|exponential"
static const rlcSetting settings[] = {
    RLC_SET_ALIAS("decay_per", "schedule_unit"),  // the older spelling
    RLC_SET_DOUBLE(S, gamma, "gamma", "0.99", 0, 1, "discount factor"),
    RLC_SET_DOUBLE(S, alpha, "alpha", "0.1", 0, 1, "learning rate (step size) in (0, 1]"),
    RLC_SET_DOUBLE(S, alpha_decay, "alpha_decay", "0", 0, INFINITY,
                   "inverse-time decay: alpha_t = alpha / (1 + alpha_decay t), t = updates so far (the book's)"),
    RLC_SET_CHOICE(S, explore, "explore", "epsilon-greedy", "epsilon-greedy|softmax|random",
                   "exploration (random: uniform over the state's possible actions)"),
    RLC_SET_DOUBLE(S, epsilon, "epsilon", "0.1", 0, 1, "epsilon-greedy: epsilon at the start"),
    RLC_SET_DOUBLE(S, epsilon_end, "epsilon_end", "0.01", 0, 1, "epsilon-greedy: the floor of the decaying schedules"),
    RLC_SET_CHOICE(S, epsilon_schedule, "epsilon_schedule", "constant", SCHEDULES,
                   "linear (epsilon - epsilon_decay t) | exponential (epsilon epsilon_decay^t), floored at epsilon_end"),
    RLC_SET_DOUBLE(S, epsilon_decay, "epsilon_decay", "0", 0, INFINITY,
                   "per t (schedule_unit): the decrement (linear) or the factor in (0, 1] (exponential)"),
    RLC_SET_DOUBLE(S, tau, "tau", "1.0", 0, INFINITY, "softmax: temperature at the start (> 0)"),
    RLC_SET_DOUBLE(S, tau_end, "tau_end", "0.01", 0, INFINITY, "softmax: the floor of the decaying schedules (> 0)"),
    RLC_SET_CHOICE(S, tau_schedule, "tau_schedule", "constant", SCHEDULES, "as epsilon_schedule"),
    RLC_SET_DOUBLE(S, tau_decay, "tau_decay", "0", 0, INFINITY,
                   "softmax: the decrement (linear) or the factor (exponential) per t"),
    RLC_SET_CHOICE(S, schedule_unit, "schedule_unit", "step", "step|episode", "the unit t of the epsilon and tau schedules"),
    RLC_SET_DOUBLE(S, q_init, "q_init", "0", -1e300, 1e300, "initial Q of every possible action (impossible ones are -inf)"),
    // The lambda methods only (create refuses them elsewhere).
    RLC_SET_DOUBLE(S, lambda, "lambda", "0.9", 0, 1, "trace decay (0: one-step)"),
    RLC_SET_CHOICE(S, trace, "trace", "accumulating", "accumulating|replacing", "accumulating (e += 1) or replacing (e = 1)"),
    RLC_SET_BOOL(S, cut_traces, "cut_traces", "true",
                 "q-lambda: zero the traces after an exploratory action (Watkins); false: never (the exercise's version)"),
};
#undef S
#define NSET(t) ((int)(sizeof t / sizeof t[0]))
// The one-step methods' table stops before the lambda settings; q-lambda's
// is the whole table; sarsa-lambda's lacks cut_traces.
#define N_ONE_STEP 15
#define NPARAMS(p) ((int)(sizeof p / sizeof p[0]))

//------------------------------------------------------------------------------
// Presets
//------------------------------------------------------------------------------

// Defaults per env that learn well (rlc train --algo NAME --env ID), shared
// by the five methods; `extra` adds the lambda methods' settings, `grid` their
// GridWorld ones (docs/TABULAR.md: traces commit to the first path they pay
// for unless Q starts optimistic). CliffWalking has no time limit of its own:
// one keeps a greedy policy that walks into a wall from evaluating forever.
#define ENV_DEFAULTS(extra, grid)                                                                                  \
  {NULL, "GridWorld-v0", "episodes=300,gamma=0.9,alpha=0.1,epsilon=0.1" extra grid, "the exercise's 5x5 world"},    \
  {NULL, "FrozenLake-v1",                                                                                          \
   "steps=1000000,gamma=0.99,alpha=0.05,epsilon=1.0,epsilon_end=0.01,epsilon_schedule=linear,"                     \
   "epsilon_decay=0.000002,eval_interval=50000,eval_episodes=200" extra,                                          \
   "slippery 4x4 lake: epsilon 1 -> 0.01 over 495k steps, small steps"},                                          \
  {NULL, "CliffWalking-v1", "episodes=500,max_episode_steps=200,gamma=0.99,alpha=0.5,epsilon=0.1" extra,           \
   "Sutton & Barto's example 6.6 (Q-learning walks the edge, SARSA the safe path)"},                               \
  {NULL, "Taxi-v3",                                                                                                \
   "steps=300000,gamma=0.99,alpha=0.1,epsilon=1.0,epsilon_end=0.01,epsilon_schedule=linear,epsilon_decay=0.00001," \
   "eval_interval=20000,eval_episodes=100" extra,                                                                 \
   "dry Taxi: epsilon 1 -> 0.01 over 99k steps"}

static const rlcPreset q_learning_presets[] = {
    {"homl-qlearning", "ThreeStateMDP-v0",
     "env=ThreeStateMDP-v0,max_episode_steps=10000,steps=10000,explore=random,alpha=0.05,alpha_decay=0.005,"
     "gamma=0.90,q_init=0,seed=42,log_interval=100,eval_episodes=1,gif=false",
     "Hands-On ML ch. 18: Q-learning on the 3-state MDP, 10,000 random steps, alpha 0.05/(1+0.005t), gamma 0.90"},
    {"exercise-qlearning", "GridWorld-v0", "env=GridWorld-v0,episodes=100,alpha=0.1,gamma=0.9,epsilon=0.1,q_init=0",
     "eligibility-traces exercise: Q-learning on the 5x5 GridWorld for 100 episodes"},
    {"exercise-softmax", "GridWorld-v0",
     "env=GridWorld-v0,episodes=100,alpha=0.1,gamma=0.9,explore=softmax,tau=1.0,tau_schedule=exponential,"
     "tau_decay=0.95,tau_end=0.01,schedule_unit=episode,q_init=0",
     "eligibility-traces exercise: Q-learning with softmax exploration, tau 1.0 decaying 0.95 per episode"},
    ENV_DEFAULTS("", ""),
};
static const rlcPreset sarsa_presets[] = {ENV_DEFAULTS("", "")};
static const rlcPreset expected_sarsa_presets[] = {ENV_DEFAULTS("", "")};
static const rlcPreset q_lambda_presets[] = {
    {"exercise-qlambda", "GridWorld-v0",
     "env=GridWorld-v0,episodes=100,alpha=0.1,gamma=0.9,epsilon=0.1,lambda=0.7,trace=accumulating,cut_traces=false,"
     "q_init=0",
     "eligibility-traces exercise: its Q(lambda) (traces never cut), lambda 0.7, 100 episodes"},
    {"exercise-qlambda-100", "GridWorld-v0",
     "env=GridWorld-v0,env_options=size=100,max_episode_steps=100000,episodes=1000,alpha=0.1,gamma=0.99,epsilon=0.1,"
     "lambda=0.9,trace=accumulating,cut_traces=true,q_init=0,gif=false",
     "eligibility-traces exercise at size 100 (10,000 cells) with Watkins's Q(lambda): the exercise's uncut "
     "traces diverge there (docs/TABULAR.md)"},
    ENV_DEFAULTS(",lambda=0.7", ",q_init=100"),
};
static const rlcPreset sarsa_lambda_presets[] = {ENV_DEFAULTS(",lambda=0.7", ",q_init=100")};

//------------------------------------------------------------------------------
// Policy
//------------------------------------------------------------------------------

static inline double *qrow(Tabular *t, int s) { return t->q + (size_t)s * t->A; }
static inline const bool *vrow(const Tabular *t, int s) { return t->valid ? t->valid + (size_t)s * t->A : NULL; }
static inline bool possible(const Tabular *t, int s, int a) { return !t->valid || t->valid[(size_t)s * t->A + a]; }

static int greedy(Tabular *t, int s) { return rlc_argmax_f64(qrow(t, s), t->A, vrow(t, s)); }

static double max_q(Tabular *t, int s) {
  const double *q = qrow(t, s);
  double best = -INFINITY;
  for (int a = 0; a < t->A; a++)
    if (possible(t, s, a) && q[a] > best) best = q[a];
  return best == -INFINITY ? 0.0 : best;
}

static double sched_t(const Tabular *t) { return (double)(t->set.schedule_unit == 1 ? t->episodes : t->steps); }
static double epsilon_now(const Tabular *t) { return rlc_schedule_value(&t->eps, sched_t(t)); }
static double tau_now(const Tabular *t) { return rlc_schedule_value(&t->tau, sched_t(t)); }
static double alpha_now(const Tabular *t) { return rlc_schedule_value(&t->alpha, (double)t->updates); }

// Uniform over the possible actions of s.
static int random_action(Tabular *t, int s) {
  int nv = 0;
  for (int a = 0; a < t->A; a++) nv += possible(t, s, a);
  int k = (int)rlc_rng_integers(&t->rng, 0, nv > 0 ? nv : 1);
  for (int a = 0; a < t->A; a++)
    if (possible(t, s, a) && k-- == 0) return a;
  return 0;
}

// Softmax probabilities over the possible actions into t->probs.
static void softmax_probs(Tabular *t, int s, double tau) {
  const double *q = qrow(t, s);
  double m = max_q(t, s), sum = 0;
  for (int a = 0; a < t->A; a++) {
    t->probs[a] = possible(t, s, a) ? exp((q[a] - m) / tau) : 0.0;
    sum += t->probs[a];
  }
  for (int a = 0; a < t->A; a++) t->probs[a] /= sum;
}

// The exploring policy's action in state s.
static int explore_action(Tabular *t, int s) {
  switch (t->set.explore) {
  case X_RANDOM: return random_action(t, s);
  case X_SOFTMAX: {
    softmax_probs(t, s, tau_now(t));
    double u = rlc_rng_random(&t->rng), c = 0;
    int last = 0;
    for (int a = 0; a < t->A; a++) {
      if (t->probs[a] <= 0) continue;
      c += t->probs[a];
      last = a;
      if (c > u) return a;
    }
    return last;  // rounding left u above the total
  }
  default:
    if (rlc_rng_random(&t->rng) < epsilon_now(t)) return random_action(t, s);
    return greedy(t, s);
  }
}

// E[Q(s, a')] under the exploring policy (expected SARSA's target).
static double expected_q(Tabular *t, int s) {
  const double *q = qrow(t, s);
  int nv = 0;
  double mean = 0;
  for (int a = 0; a < t->A; a++)
    if (possible(t, s, a)) mean += q[a], nv++;
  mean = nv ? mean / nv : 0.0;
  switch (t->set.explore) {
  case X_RANDOM: return mean;
  case X_SOFTMAX: {
    softmax_probs(t, s, tau_now(t));
    double e = 0;
    for (int a = 0; a < t->A; a++)
      if (t->probs[a] > 0) e += t->probs[a] * q[a];
    return e;
  }
  default: {
    double eps = epsilon_now(t);
    return (1 - eps) * q[greedy(t, s)] + eps * mean;
  }
  }
}

//------------------------------------------------------------------------------
// Traces
//------------------------------------------------------------------------------

static void traces_clear(Tabular *t, Traces *tr) {
  for (int k = 0; k < tr->n; k++) {
    tr->e[tr->list[k]] = 0.0;
    tr->pos[tr->list[k]] = -1;
  }
  tr->n = 0;
}

static void traces_mark(Tabular *t, Traces *tr, int32_t i) {
  if (tr->pos[i] < 0) {
    tr->pos[i] = tr->n;
    tr->list[tr->n++] = i;
    tr->e[i] = 0.0;
  }
  tr->e[i] = t->set.trace == 1 ? 1.0 : tr->e[i] + 1.0;
}

// Q += alpha delta e over the traced pairs.
static void traces_apply(Tabular *t, Traces *tr, double alpha_delta) {
  for (int k = 0; k < tr->n; k++) t->q[tr->list[k]] += alpha_delta * tr->e[tr->list[k]];
}

// e *= factor; pairs whose trace fell below the cutoff leave the list.
static void traces_decay(Traces *tr, double factor) {
  for (int k = 0; k < tr->n;) {
    int32_t i = tr->list[k];
    tr->e[i] *= factor;
    if (fabs(tr->e[i]) < TRACE_CUTOFF) {
      tr->e[i] = 0.0;
      tr->pos[i] = -1;
      int32_t last = tr->list[--tr->n];
      if (k < tr->n) {
        tr->list[k] = last;
        tr->pos[last] = k;
      }
    } else {
      k++;
    }
  }
}

//------------------------------------------------------------------------------
// The agent calls
//------------------------------------------------------------------------------

static int state_of(const Tabular *t, const void *obs) {
  int64_t s = rlc_space_index(&t->obs_space, obs);
  return s >= 0 && s < t->S ? (int)s : -1;
}

static void tab_act(rlcAgent *ag, const void *obs, int n, bool explore, void *actions) {
  Tabular *t = (Tabular *)ag;
  int32_t *out = actions;
  for (int i = 0; i < n; i++) {
    int s = state_of(t, (const char *)obs + (size_t)i * t->obs_bytes), a;
    if (s < 0) a = 0;
    else if (!explore) a = greedy(t, s);
    else if (t->on_policy && n == t->base.num_envs && t->next_action[i] >= 0 && t->next_state[i] == s) {
      a = t->next_action[i];  // the a' already learned from
      t->next_action[i] = -1;
    } else {
      a = explore_action(t, s);
    }
    out[i] = t->act_start + a;
  }
}

// One transition of env copy i. A non-finite TD error means the table has
// diverged (accumulating traces that are never cut can, off-policy): an
// error then, rather than a silent table of NaNs.
static rlcStatus learn(Tabular *t, int i, int s, int a, double r, bool term, bool trunc, int s2) {
  double *q = qrow(t, s);
  bool done = term || trunc;
  double alpha = alpha_now(t), target = r, delta;
  // The next action, for the methods that learn about the action they take.
  int a2 = -1;
  if (t->on_policy && !term) a2 = explore_action(t, s2);
  switch (t->method) {
  case M_Q_LEARNING:
    if (!term) target += t->set.gamma * max_q(t, s2);
    delta = target - q[a];
    q[a] += alpha * delta;
    break;
  case M_SARSA:
    if (!term) target += t->set.gamma * qrow(t, s2)[a2];
    delta = target - q[a];
    q[a] += alpha * delta;
    break;
  case M_EXPECTED_SARSA:
    if (!term) target += t->set.gamma * expected_q(t, s2);
    delta = target - q[a];
    q[a] += alpha * delta;
    break;
  default: {  // the lambda methods
    Traces *tr = &t->tr[i];
    double next = 0;
    bool exploratory = false;
    if (!term) {
      if (t->method == M_SARSA_LAMBDA) {
        next = qrow(t, s2)[a2];
      } else {
        next = max_q(t, s2);
        exploratory = a2 >= 0 && qrow(t, s2)[a2] < next;  // a' does not tie for the max
      }
      target += t->set.gamma * next;
    }
    delta = target - q[a];
    traces_mark(t, tr, (int32_t)((size_t)s * t->A + a));
    traces_apply(t, tr, alpha * delta);
    if (done || (t->set.cut_traces && exploratory)) traces_clear(t, tr);
    else traces_decay(tr, t->set.gamma * t->set.lambda);
    break;
  }
  }
  if (!isfinite(delta))
    return rlc_error(RLC_ERR_STATE, "%s: Q diverged after %lld updates (TD error %g); lower alpha or lambda, or use trace=replacing%s",
                     t->base.cls->name, (long long)t->updates, delta, t->method == M_Q_LAMBDA && !t->set.cut_traces ? " or cut_traces=true" : "");
  t->loss_sum += delta * delta;
  t->loss_n++;
  t->updates++;
  t->steps++;
  if (done) t->episodes++;
  // a' is played next only when the episode goes on (a new one starts
  // elsewhere; on truncation a' only valued the final state).
  t->next_action[i] = done ? -1 : a2;
  t->next_state[i] = s2;
  return RLC_OK;
}

static rlcStatus tab_observe(rlcAgent *ag, const rlcStepBatch *b) {
  Tabular *t = (Tabular *)ag;
  if (b->n > t->base.num_envs)
    return rlc_error(RLC_ERR_ARG, "%s: a batch of %d transitions for %d env copies", t->base.cls->name, b->n, t->base.num_envs);
  const int32_t *acts = b->actions;
  for (int i = 0; i < b->n; i++) {
    int s = state_of(t, (const char *)b->obs + (size_t)i * t->obs_bytes);
    int s2 = state_of(t, (const char *)b->next_obs + (size_t)i * t->obs_bytes);
    int a = acts[i] - t->act_start;
    if (s < 0 || s2 < 0) return rlc_error(RLC_ERR_ARG, "%s: an observation outside the observation space", t->base.cls->name);
    if (a < 0 || a >= t->A || !possible(t, s, a))
      return rlc_error(RLC_ERR_ARG, "%s: action %d is impossible in state %d", t->base.cls->name, acts[i], s);
    rlcStatus st = learn(t, i, s, a, b->reward[i], b->terminated[i], b->truncated[i], s2);
    if (st) return st;
  }
  return RLC_OK;
}

static rlcStatus tab_update(rlcAgent *ag) { return RLC_OK; }  // learned in observe

static void tab_info(const rlcAgent *ag, rlcAgentInfo *out) {
  const Tabular *t = (const Tabular *)ag;
  memset(out, 0, sizeof *out);
  out->loss_sum = t->loss_sum;
  out->loss_count = t->loss_n;
  out->epsilon = t->set.explore == X_EPSILON_GREEDY ? epsilon_now(t) : NAN;
  out->temperature = t->set.explore == X_SOFTMAX ? tau_now(t) : NAN;
  out->lr = alpha_now(t);
  out->updates = t->updates;
  out->n_extra = 1;
  out->extra_name[0] = "q_s0_a0";
  out->extra[0] = t->q[0];
  out->extra_ref[0] = t->q_ref;
}

static const double *tab_q_table(const rlcAgent *ag, int *n_states, int *n_actions) {
  const Tabular *t = (const Tabular *)ag;
  *n_states = t->S;
  *n_actions = t->A;
  return t->q;
}

//------------------------------------------------------------------------------
// Save / load
//------------------------------------------------------------------------------

static void tab_save(const rlcAgent *ag, rlcBuf *b) {
  const Tabular *t = (const Tabular *)ag;
  int32_t head[4] = {(int32_t)t->method, t->S, t->A, t->base.num_envs};
  rlc_buf_put_tag(b, "tabular");
  rlc_buf_put(b, head, sizeof head);
  rlc_buf_put(b, t->q, sizeof(double) * (size_t)t->S * t->A);
  rlc_buf_put(b, &t->rng, sizeof t->rng);
  int64_t counters[4] = {t->steps, t->episodes, t->updates, t->loss_n};
  rlc_buf_put(b, counters, sizeof counters);
  rlc_buf_put(b, &t->loss_sum, sizeof t->loss_sum);
  rlc_buf_put(b, t->next_action, sizeof(int32_t) * t->base.num_envs);
  rlc_buf_put(b, t->next_state, sizeof(int32_t) * t->base.num_envs);
  for (int i = 0; t->tr && i < t->base.num_envs; i++) {
    const Traces *tr = &t->tr[i];
    rlc_buf_put(b, &tr->n, sizeof tr->n);
    // The list in its order (it decides the order of later updates), then
    // the traces.
    rlc_buf_put(b, tr->list, sizeof(int32_t) * tr->n);
    for (int k = 0; k < tr->n; k++) rlc_buf_put(b, &tr->e[tr->list[k]], sizeof(double));
  }
}

static rlcStatus tab_load(rlcAgent *ag, rlcBuf *b) {
  Tabular *t = (Tabular *)ag;
  int32_t head[4];
  rlcStatus s = rlc_buf_get_tag(b, "tabular");
  if (!s) s = rlc_buf_get(b, head, sizeof head);
  if (s) return s;
  if (head[0] != (int32_t)t->method || head[1] != t->S || head[2] != t->A || head[3] != t->base.num_envs)
    return rlc_error(RLC_ERR_FORMAT, "%s: the checkpoint holds a %d x %d table for %d env copies (method %d), not %d x %d for %d",
                     t->base.cls->name, head[1], head[2], head[3], head[0], t->S, t->A, t->base.num_envs);
  int64_t counters[4];
  s = rlc_buf_get(b, t->q, sizeof(double) * (size_t)t->S * t->A);
  if (!s) s = rlc_rng_state_get(&t->rng, b);
  if (!s) s = rlc_buf_get(b, counters, sizeof counters);
  if (!s) s = rlc_buf_get(b, &t->loss_sum, sizeof t->loss_sum);
  if (!s) s = rlc_buf_get(b, t->next_action, sizeof(int32_t) * t->base.num_envs);
  if (!s) s = rlc_buf_get(b, t->next_state, sizeof(int32_t) * t->base.num_envs);
  if (s) return s;
  // The pending a' and its state index the table.
  for (int i = 0; i < t->base.num_envs; i++)
    if (t->next_action[i] < -1 || t->next_action[i] >= t->A || t->next_state[i] < -1 || t->next_state[i] >= t->S)
      return rlc_error(RLC_ERR_FORMAT, "%s: corrupted checkpoint (pending action %d in state %d)", t->base.cls->name,
                       (int)t->next_action[i], (int)t->next_state[i]);
  const int64_t lim = (int64_t)1 << 62;
  if (counters[0] < 0 || counters[1] < 0 || counters[2] < 0 || counters[3] < 0 || counters[0] > lim ||
      counters[1] > lim || counters[2] > lim || counters[3] > lim)
    return rlc_error(RLC_ERR_FORMAT, "%s: corrupted checkpoint (negative counters)", t->base.cls->name);
  t->steps = counters[0], t->episodes = counters[1], t->updates = counters[2], t->loss_n = counters[3];
  size_t cells = (size_t)t->S * t->A;
  for (int i = 0; t->tr && i < t->base.num_envs; i++) {
    Traces *tr = &t->tr[i];
    traces_clear(t, tr);
    int n;
    s = rlc_buf_get(b, &n, sizeof n);
    if (!s && (n < 0 || (size_t)n > cells)) s = rlc_error(RLC_ERR_FORMAT, "%s: corrupt traces in the checkpoint", t->base.cls->name);
    if (!s) s = rlc_buf_get(b, tr->list, sizeof(int32_t) * n);
    for (int k = 0; !s && k < n; k++) {
      int32_t c = tr->list[k];
      if (c < 0 || (size_t)c >= cells || tr->pos[c] >= 0) {
        s = rlc_error(RLC_ERR_FORMAT, "%s: corrupt traces in the checkpoint", t->base.cls->name);
        break;
      }
      tr->pos[c] = k;
      tr->n = k + 1;
      s = rlc_buf_get(b, &tr->e[c], sizeof(double));
    }
    if (s) {
      traces_clear(t, tr);
      return s;
    }
  }
  return RLC_OK;
}

//------------------------------------------------------------------------------
// Create / destroy
//------------------------------------------------------------------------------

static void tab_destroy(rlcAgent *ag) {
  Tabular *t = (Tabular *)ag;
  if (!t) return;
  rlc_arena_free(&t->mem);
  rlc_free(t);
}

// A schedule from its start, floor, kind (constant | linear | exponential)
// and decay: linear falls by `decay` per t, exponential multiplies by it.
static rlcStatus make_sched(rlcSchedule *out, const char *name, double start, double end, int kind, double decay) {
  *out = rlc_schedule(RLC_SCHED_CONSTANT, start, end, 0);
  out->rate = decay;
  if (kind == 1) {
    out->type = RLC_SCHED_LINEAR;
    out->steps = decay > 0 ? (start - end) / decay : INFINITY;
  } else if (kind == 2) {
    if (!(decay > 0 && decay <= 1))
      return rlc_error(RLC_ERR_ARG, "%s_decay=%g: the exponential schedule needs a factor in (0, 1]", name, decay);
    out->type = RLC_SCHED_EXPONENTIAL;
    out->steps = 1;
  }
  return RLC_OK;
}

static rlcStatus read_settings(Tabular *t, const TabularSettings *set) {
  t->set = *set;
  if (set->alpha <= 0) return rlc_error(RLC_ERR_ARG, "alpha=0: must be > 0");
  if (!(set->tau > 0 && set->tau_end > 0))
    return set->tau > 0 ? rlc_error(RLC_ERR_ARG, "tau_end=%g: must be > 0", set->tau_end)
                        : rlc_error(RLC_ERR_ARG, "tau=%g: must be > 0", set->tau);
  t->alpha = rlc_schedule(RLC_SCHED_INVERSE_TIME, set->alpha, 0, 0);
  t->alpha.rate = set->alpha_decay;
  rlcStatus s = make_sched(&t->eps, "epsilon", set->epsilon, set->epsilon_end, set->epsilon_schedule, set->epsilon_decay);
  if (!s)
    s = make_sched(&t->tau, "tau", set->tau, set->tau_end, set->tau_schedule, set->tau_decay);
  if (t->method != M_Q_LAMBDA) t->set.cut_traces = false;
  t->on_policy = t->method == M_SARSA || t->method == M_SARSA_LAMBDA || (t->method == M_Q_LAMBDA && t->set.cut_traces);
  return s;
}

static rlcStatus tab_create(const rlcAgentDef *def, rlcAgent **out, const rlcAgentClass *cls, Method method) {
  *out = NULL;
  const rlcEnvSpec *spec = def->spec;
  const char *name = cls->name;
  char buf[128];
  const rlcSpace *os = &spec->observation_space, *as = &spec->action_space;
  if (os->type != RLC_SPACE_DISCRETE && os->type != RLC_SPACE_MULTI_DISCRETE)
    return rlc_error(RLC_ERR_UNSUPPORTED, "%s needs discrete observations; %s has %s", name, spec->id,
                     rlc_space_str(os, buf, sizeof buf));
  if (as->type != RLC_SPACE_DISCRETE)
    return rlc_error(RLC_ERR_UNSUPPORTED, "%s needs a discrete action space; %s has %s", name, spec->id,
                     rlc_space_str(as, buf, sizeof buf));
  int64_t S = rlc_space_count(os), A = as->n;
  if (S <= 0 || A <= 0 || S * A > (1LL << 28))
    return rlc_error(RLC_ERR_UNSUPPORTED, "%s: %s has %lld states x %lld actions, too many for a table", name, spec->id,
                     (long long)S, (long long)A);

  Tabular *t = rlc_calloc(1, sizeof *t);
  if (!t) return RLC_ERR_NOMEM;
  t->base.cls = cls;
  t->base.spec = spec;
  t->base.num_envs = def->num_envs > 0 ? def->num_envs : 1;
  t->method = method;
  t->S = (int)S, t->A = (int)A, t->act_start = as->start;
  t->obs_space = *os;
  t->obs_bytes = rlc_space_bytes(os);
  const rlcMdp *m = spec->mdp;
  if (m && !m->all_valid && m->n_states == t->S && m->n_actions == t->A) t->valid = m->valid;

  rlcStatus s = read_settings(t, def->settings);
  if (s) {
    tab_destroy(&t->base);
    return s;
  }
  bool lambda_method = method == M_Q_LAMBDA || method == M_SARSA_LAMBDA;

  size_t cells = (size_t)t->S * t->A;
  int n = t->base.num_envs;
  // The table, the pending a', and each env copy's traces, in one arena.
  size_t tc = lambda_method ? (size_t)n * cells : 0;
  double *e_all;
  int32_t *list_all, *pos_all;
  char what[112];
  snprintf(what, sizeof what, "%s's table of %d states x %d actions%s", name, t->S, t->A,
           tc ? " with traces for each env copy" : "");
  if ((s = rlc_memory_check(8.0 * cells + 16.0 * tc + 16.0 * n, what))) {
    tab_destroy(&t->base);
    return s;
  }
  rlcArenaItem items[] = {
      RLC_ARENA_ITEM(t->q, cells),      RLC_ARENA_ITEM(t->next_action, n), RLC_ARENA_ITEM(t->next_state, n),
      RLC_ARENA_ITEM(t->probs, t->A),   RLC_ARENA_ITEM(t->tr, lambda_method ? n : 0), RLC_ARENA_ITEM(e_all, tc),
      RLC_ARENA_ITEM(list_all, tc),     RLC_ARENA_ITEM(pos_all, tc),
  };
  s = rlc_arena_init(&t->mem, items, (int)(sizeof items / sizeof items[0]));
  if (s) {
    tab_destroy(&t->base);
    return s;
  }
  for (int i = 0; i < n && lambda_method; i++) {
    Traces *tr = &t->tr[i];
    tr->e = e_all + (size_t)i * cells, tr->list = list_all + (size_t)i * cells, tr->pos = pos_all + (size_t)i * cells;
    for (size_t c = 0; c < cells; c++) tr->pos[c] = -1;
  }
  for (size_t c = 0; c < cells; c++) t->q[c] = !t->valid || t->valid[c] ? t->set.q_init : -INFINITY;
  for (int i = 0; i < n; i++) t->next_action[i] = -1, t->next_state[i] = -1;
  rlc_rng_seed_child(&t->rng, def->seed, 0x7ab);

  // Q*(0,0) for the plot's reference line, when the model is small enough to
  // solve in a moment (at most 2e7 cell updates: a fraction of a second,
  // which keeps creation quick for huge grids) and has a fixed point at this gamma.
  t->q_ref = NAN;
  if (m && m->n_states == t->S && m->n_actions == t->A && cells <= 1000000 &&
      os->type == RLC_SPACE_DISCRETE && os->start == 0) {
    rlcPlanDef pd = rlc_plan_default_def();
    pd.method = RLC_PLAN_Q_ITERATION;
    pd.gamma = t->set.gamma;
    pd.max_sweeps = (int)fmin(100000.0, 2e7 / (double)cells);
    rlcPlanResult r;
    if (!rlc_plan_solve(m, &pd, &r) && r.converged) t->q_ref = r.q[0];
    rlc_plan_result_free(&r);
    rlc_clear_error();
  }
  *out = &t->base;
  return RLC_OK;
}

#define CREATE(fn, cls, method) \
  static rlcStatus fn(const rlcAgentDef *def, rlcAgent **out) { return tab_create(def, out, &cls, method); }

extern const rlcAgentClass agents_q_learning, agents_sarsa, agents_expected_sarsa, agents_q_lambda,
    agents_sarsa_lambda;
CREATE(create_q_learning, agents_q_learning, M_Q_LEARNING)
CREATE(create_sarsa, agents_sarsa, M_SARSA)
CREATE(create_expected_sarsa, agents_expected_sarsa, M_EXPECTED_SARSA)
CREATE(create_q_lambda, agents_q_lambda, M_Q_LAMBDA)
CREATE(create_sarsa_lambda, agents_sarsa_lambda, M_SARSA_LAMBDA)

#define CLASS(sym, nm, doc_, n_set, presets_, create_fn)                                                         \
  const rlcAgentClass sym = {                                                                                    \
      .name = nm, .doc = doc_, .settings = settings, .n_settings = n_set,                                       \
      .settings_size = sizeof(TabularSettings), .presets = presets_, .n_presets = NPARAMS(presets_),            \
      .create = create_fn, .destroy = tab_destroy, .act = tab_act, .observe = tab_observe,                     \
      .update = tab_update, .info = tab_info, .save = tab_save, .load = tab_load, .q_table = tab_q_table};

CLASS(agents_q_learning, "q-learning", "tabular Q-learning (off-policy TD control)", N_ONE_STEP,
      q_learning_presets, create_q_learning)
CLASS(agents_sarsa, "sarsa", "tabular SARSA (on-policy TD control)", N_ONE_STEP, sarsa_presets, create_sarsa)
CLASS(agents_expected_sarsa, "expected-sarsa", "tabular expected SARSA (the target averages over the exploring policy)",
      N_ONE_STEP, expected_sarsa_presets, create_expected_sarsa)
CLASS(agents_q_lambda, "q-lambda", "tabular Q(lambda) with eligibility traces (Watkins's, or uncut)",
      NSET(settings), q_lambda_presets, create_q_lambda)
CLASS(agents_sarsa_lambda, "sarsa-lambda", "tabular SARSA(lambda) with eligibility traces", NSET(settings) - 1,
      sarsa_lambda_presets, create_sarsa_lambda)
