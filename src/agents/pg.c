// pg.c: the first policy networks of Hands-On ML ch. 18. "imitation" trains
// the book's 4-5-1 network to copy the env's hand-written policy (binary
// cross-entropy on every env's observation, one RMSprop step per vector
// step); "reinforce" is the book's REINFORCE: N whole episodes per update
// with a stochastic policy, returns discounted per episode and normalized
// over all of them, each step's gradient weighted by its normalized return,
// averaged over all steps, applied once. Two actions use a sigmoid unit for
// P(first action) (the book), more use a softmax.
// Depends on: rlc/agent.h, rlc/nn.h, rlc/rollout.h (discounted returns),
// rlc/env.h (the teacher: the unwrapped env's heuristic).
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rlc/agent.h"
#include "rlc/data.h"
#include "rlc/nn.h"
#include "rlc/rollout.h"

extern const rlcAgentClass agents_imitation, agents_reinforce;

//------------------------------------------------------------------------------
// Shared by both agents: the policy network and its action choice
//------------------------------------------------------------------------------

// The policy: obs -> hidden layers -> 1 sigmoid unit (two actions, the book's
// P(left)) or A logits (softmax policy).
typedef struct Policy {
  int obs_size, n_actions, act_start;
  bool sigmoid;
  rlcNet *net;
  rlcOptim *opt;
  double lr;
  const rlcSpace *space;  // observations as the env gives them
  size_t obs_bytes;
  float *xin;        // (max_batch, obs) uint8 observations as floats (NULL: float32)
} Policy;

// uint8: image-like observations are fine for the policy, not for a teacher
// that reads the env's own floats.
static rlcStatus check_spaces(const rlcEnvSpec *spec, const char *algo, bool uint8_ok) {
  const rlcSpace *os = &spec->observation_space, *as = &spec->action_space;
  char buf[96];
  if (os->type != RLC_SPACE_BOX || (os->dtype != RLC_F32 && !uint8_ok))
    return rlc_error(RLC_ERR_UNSUPPORTED, "%s needs %s Box observations (%s has %s)", algo,
                     uint8_ok ? "float32 or uint8" : "float32", spec->id, rlc_space_str(os, buf, sizeof buf));
  if (as->type != RLC_SPACE_DISCRETE || as->n < 2)
    return rlc_error(RLC_ERR_UNSUPPORTED, "%s needs Discrete actions (%s has %s)", algo, spec->id,
                     rlc_space_str(as, buf, sizeof buf));
  return RLC_OK;
}

// The settings of both agents (imitation takes the table up to the optimizer).
typedef struct PgSettings {
  char hidden[RLC_SETTING_STR_MAX];
  int activation, head, init, optimizer;
  double lr, rmsprop_rho, optim_eps, gamma;
  int episodes_per_update, max_steps_per_episode;
  bool normalize_returns, baseline;
} PgSettings;

#define S PgSettings
static const rlcSetting settings[] = {
    RLC_SET_ALIAS("eps", "optim_eps"),
    RLC_SET_ALIAS("rho", "rmsprop_rho"),
    RLC_SET_STR(S, hidden, "hidden", "5", "hidden layer sizes (\"32-32\"; \"none\": linear)"),
    RLC_SET_CHOICE(S, activation, "activation", "elu", "relu|elu|tanh|sigmoid", "hidden activation"),
    RLC_SET_CHOICE(S, head, "head", "auto", "auto|sigmoid|softmax", "sigmoid P(first action) for 2 actions (the book), else softmax"),
    RLC_SET_CHOICE(S, init, "init", "keras", "keras|torch", "keras (Glorot-uniform weights, zero biases) or torch (PyTorch's default)"),
    RLC_SET_CHOICE(S, optimizer, "optimizer", "adam", "adam|nadam|rmsprop|sgd", "optimizer"),
    RLC_SET_DOUBLE(S, lr, "lr", "0.01", 1e-12, 10, "learning rate"),
    RLC_SET_DOUBLE(S, rmsprop_rho, "rmsprop_rho", "0.9", 0, 0.999999, "RMSprop decay"),
    RLC_SET_DOUBLE(S, optim_eps, "optim_eps", "1e-7", 1e-30, 1, "optimizer epsilon (Keras)"),
    RLC_SET_DOUBLE(S, gamma, "gamma", "0.95", 0, 1, "discount factor"),
    RLC_SET_INT(S, episodes_per_update, "episodes_per_update", "10", 1, 1 << 20, "whole episodes per gradient step"),
    RLC_SET_BOOL(S, normalize_returns, "normalize_returns", "true", "normalize the discounted returns over the update's episodes (the book)"),
    RLC_SET_BOOL(S, baseline, "baseline", "false", "subtract a learned V(s) (a critic of the same shape fit to the same returns)"),
    RLC_SET_INT(S, max_steps_per_episode, "max_steps_per_episode", "10000", 1, 1 << 24, "episode storage when the env has no time limit"),
};
#undef S
#define N_IMITATION 10  // the aliases, the network and the optimizer

// hidden: "5", "32-32" or "" (none); the head comes from the action count.
static rlcStatus policy_create(Policy *p, const rlcAgentDef *def, int max_batch, uint64_t net_seed) {
  const PgSettings *set = def->settings;
  const rlcEnvSpec *spec = def->spec;
  static const rlcOptimType types[] = {RLC_OPTIM_ADAM, RLC_OPTIM_NADAM, RLC_OPTIM_RMSPROP, RLC_OPTIM_SGD};
  rlcOptimDef od = rlc_optim_default_def(types[set->optimizer]);
  od.lr = set->lr, od.eps = set->optim_eps, od.rho = set->rmsprop_rho;
  int act = set->activation, head = set->head, init = set->init;
  rlcStatus s;
  p->obs_size = spec->observation_space.size;
  p->n_actions = spec->action_space.n;
  p->act_start = spec->action_space.start;
  p->sigmoid = head == 1 || (head == 0 && p->n_actions == 2);
  if (p->sigmoid && p->n_actions != 2)
    return rlc_error(RLC_ERR_ARG, "head=sigmoid needs exactly 2 actions (%s has %d)", spec->id,
                     p->n_actions);
  int outs = p->sigmoid ? 1 : p->n_actions;
  static const rlcLayerType acts[] = {RLC_LAYER_RELU, RLC_LAYER_ELU, RLC_LAYER_TANH, RLC_LAYER_SIGMOID};
  rlcNetDef nd = rlc_net_default_def();
  s = rlc_net_def_input(&nd, &spec->observation_space);
  if (!s) s = rlc_net_def_torso(&nd, set->hidden, acts[act]);
  if (s) return rlc_error(s, "hidden=%s: %s", set->hidden, rlc_last_error());
  if (!rlc_net_def_policy_head(&nd, outs, false, 0)) return RLC_ERR_ARG;
  if (init == 0)  // Keras Dense: Glorot-uniform kernels, zero biases
    for (int i = 0; i < nd.n_layers; i++) {
      nd.layers[i].has_init = true;
      nd.layers[i].weight_init = (rlcInit){.type = RLC_INIT_GLOROT_UNIFORM};
      nd.layers[i].bias_init = (rlcInit){.type = RLC_INIT_ZEROS};
    }
  if (p->sigmoid) rlc_net_def_add(&nd, RLC_LAYER_SIGMOID, 0);
  nd.max_batch = max_batch;
  nd.seed = net_seed;
  s = rlc_net_create(&nd, &p->net);
  if (!s) s = rlc_optim_create(&od, p->net->n_params, &p->opt);
  if (s) return s;
  p->lr = od.lr;
  p->space = &spec->observation_space;
  p->obs_bytes = rlc_space_bytes(p->space);
  if (p->space->dtype == RLC_F32) return RLC_OK;
  p->xin = rlc_calloc((size_t)max_batch * p->obs_size, sizeof(float));
  return p->xin ? RLC_OK : RLC_ERR_NOMEM;
}

static void policy_free(Policy *p) {
  rlc_net_destroy(p->net);
  rlc_optim_destroy(p->opt);
  rlc_free(p->xin);
}

// Actions for n observations, in chunks of the net's batch. Sampling follows
// the book: right (1) when a uniform draw exceeds P(left); softmax policies
// draw from their probabilities. Greedy: the most probable action.
static void policy_act(Policy *p, rlcRng *rng, const void *obs, int n, bool explore, void *actions) {
  int32_t *out = actions;
  int A = p->n_actions, mb = p->net->max_batch;
  for (int b0 = 0; b0 < n; b0 += mb) {
    int B = n - b0 < mb ? n - b0 : mb;
    const float *x = rlc_obs_input(p->xin, (const char *)obs + (size_t)b0 * p->obs_bytes, p->space, B);
    const float *y = rlc_net_forward(p->net, x, B);
    for (int b = 0; b < B; b++) {
      int a;
      if (p->sigmoid) {
        double left = y[b];
        a = explore ? rlc_rng_random(rng) > left : !(left > 0.5);
      } else if (!explore) {
        a = rlc_argmax_f32(y + (size_t)b * A, A, NULL);
      } else {
        a = rlc_rng_softmax(rng, y + (size_t)b * A, A);
      }
      out[b0 + b] = a + p->act_start;
    }
  }
}

// Gradient of sum_b w_b * CE_b / scale for the chunk the net just saw: CE is
// the book's binary cross-entropy of P(left) against the target (sigmoid) or
// the categorical cross-entropy of the action (softmax). Accumulates into the
// net's grads; returns sum_b w_b * CE_b. dout is (B, outs) scratch.
static double policy_weighted_ce(Policy *p, float *dout, const float *y, const int32_t *idx,
                                 const float *w, int B, double scale) {
  double loss;
  float wb[256], tgt[256];
  for (int b = 0; b < B; b++) wb[b] = (float)(w[b] * B / scale);
  if (p->sigmoid) {
    // target for P(left) is 1 when the action was left (index 0)
    for (int b = 0; b < B; b++) tgt[b] = idx[b] == 0 ? 1.0f : 0.0f;
    loss = rlc_loss_bce(dout, NULL, y, tgt, wb, B, 1);
  } else {
    loss = rlc_loss_sparse_ce_logits(dout, NULL, y, idx, wb, B, p->n_actions);
  }
  rlc_net_backward(p->net, dout, NULL);
  return loss * scale;
}

// What both agents start with: the policy and its sampling stream.
typedef struct PgAgent {
  rlcAgent base;
  Policy pol;
  rlcRng rng;
} PgAgent;

static void pg_act(rlcAgent *a, const void *obs, int n, bool explore, void *actions) {
  PgAgent *p = (PgAgent *)a;
  policy_act(&p->pol, &p->rng, obs, n, explore, actions);
}

static void put_rng(rlcBuf *b, const rlcRng *r) { rlc_buf_put(b, r, sizeof *r); }
static rlcStatus get_rng(rlcBuf *b, rlcRng *r) { return rlc_rng_state_get(r, b); }

// The chunk size of batched passes: weights and targets live on the stack.
#define CHUNK 256

//------------------------------------------------------------------------------
// imitation
//------------------------------------------------------------------------------

typedef struct Imitation {
  PgAgent pg;
  void (*teacher)(const rlcEnvSpec *, const void *, void *);
  const rlcEnvSpec *teacher_spec;
  float *obs;          // (N, obs): the last observed batch
  int32_t *labels;     // (N): the teacher's actions (indices)
  float *dout;         // (N, outs)
  rlcArena mem;        // obs, labels, dout
  int n;               // observations waiting for an update
  int64_t updates;
  double loss_sum;
  int64_t loss_n;
} Imitation;


static const rlcPreset imitation_presets[] = {
    {"homl-imitation", "CartPole-v1", "env=CartPole-v1,num_envs=50,steps=250000",
     "Hands-On ML ch. 18: the 4-5-1 network copies the basic policy on 50 envs, 5000 iterations"},
};

static void imitation_destroy(rlcAgent *a) {
  Imitation *m = (Imitation *)a;
  if (!m) return;
  policy_free(&m->pg.pol);
  rlc_arena_free(&m->mem);
  rlc_free(m);
}

static rlcStatus imitation_create(const rlcAgentDef *def, rlcAgent **out) {
  *out = NULL;
  rlcStatus s = check_spaces(def->spec, "imitation", false);
  if (s) return s;
  const rlcEnvSpec *u = rlc_spec_unwrapped(def->spec);
  if (!u->cls || !u->cls->heuristic)
    return rlc_error(RLC_ERR_UNSUPPORTED, "imitation needs a teacher: %s has no heuristic policy",
                     def->spec->id);
  if (u->observation_space.size != def->spec->observation_space.size)
    return rlc_error(RLC_ERR_UNSUPPORTED,
                     "imitation: the teacher reads %s's own observations (no frame stacking)",
                     def->spec->id);
  Imitation *m = rlc_calloc(1, sizeof *m);
  if (!m) return RLC_ERR_NOMEM;
  m->pg.base.cls = &agents_imitation;
  m->pg.base.spec = def->spec;
  m->pg.base.num_envs = def->num_envs;
  int N = def->num_envs, mb = N < CHUNK ? N : CHUNK;
  rlcRng seeds;
  rlc_rng_seed_child(&seeds, def->seed, 0);
  rlc_rng_seed_child(&m->pg.rng, def->seed, 1);
  s = policy_create(&m->pg.pol, def, mb, rlc_rng_next64(&seeds));
  if (!s) {
    int outs = m->pg.pol.sigmoid ? 1 : m->pg.pol.n_actions;
    rlcArenaItem items[] = {RLC_ARENA_ITEM(m->obs, (size_t)N * m->pg.pol.obs_size), RLC_ARENA_ITEM(m->labels, N),
                            RLC_ARENA_ITEM(m->dout, (size_t)mb * outs)};
    s = rlc_arena_init(&m->mem, items, 3);
  }
  if (s) {
    imitation_destroy(&m->pg.base);
    return s;
  }
  m->teacher = u->cls->heuristic;
  m->teacher_spec = u;
  *out = &m->pg.base;
  return RLC_OK;
}

static rlcStatus imitation_observe(rlcAgent *a, const rlcStepBatch *b) {
  Imitation *m = (Imitation *)a;
  if (b->n < 1 || b->n > a->num_envs)
    return rlc_error(RLC_ERR_ARG, "imitation: observe got %d transitions (num_envs %d)", b->n,
                     a->num_envs);
  // The book's targets come from the observations the actions were taken in.
  memcpy(m->obs, b->obs, sizeof(float) * (size_t)b->n * m->pg.pol.obs_size);
  for (int i = 0; i < b->n; i++) {
    int32_t act = 0;
    m->teacher(m->teacher_spec, m->obs + (size_t)i * m->pg.pol.obs_size, &act);
    m->labels[i] = act - m->pg.pol.act_start;
  }
  m->n = b->n;
  return RLC_OK;
}

// One optimizer step on the cross-entropy averaged over the batch (Keras'
// reduce_mean of binary_crossentropy).
static rlcStatus imitation_update(rlcAgent *a) {
  Imitation *m = (Imitation *)a;
  if (m->n == 0) return RLC_OK;
  Policy *p = &m->pg.pol;
  float ones[CHUNK];
  for (int b = 0; b < CHUNK; b++) ones[b] = 1.0f;
  rlc_net_zero_grad(p->net);
  double loss = 0.0;
  for (int b0 = 0; b0 < m->n; b0 += p->net->max_batch) {
    int B = m->n - b0 < p->net->max_batch ? m->n - b0 : p->net->max_batch;
    const float *y = rlc_net_forward(p->net, m->obs + (size_t)b0 * p->obs_size, B);
    loss += policy_weighted_ce(p, m->dout, y, m->labels + b0, ones, B, m->n);
  }
  rlc_optim_step(p->opt, p->net->params, p->net->grads, p->lr);
  m->updates++;
  m->loss_sum += loss / m->n;
  m->loss_n++;
  m->n = 0;
  return RLC_OK;
}

static void imitation_info(const rlcAgent *a, rlcAgentInfo *out) {
  const Imitation *m = (const Imitation *)a;
  memset(out, 0, sizeof *out);
  out->loss_sum = m->loss_sum;
  out->loss_count = m->loss_n;
  out->epsilon = out->temperature = NAN;
  out->lr = m->pg.pol.lr;
  out->updates = m->updates;
}

static void imitation_save(const rlcAgent *a, rlcBuf *b) {
  const Imitation *m = (const Imitation *)a;
  rlc_buf_put_tag(b, "imitation");
  put_rng(b, &m->pg.rng);
  rlc_buf_put(b, &m->updates, sizeof m->updates);
  rlc_buf_put(b, &m->loss_sum, sizeof m->loss_sum);
  rlc_buf_put(b, &m->loss_n, sizeof m->loss_n);
  rlc_net_state_put(m->pg.pol.net, b);
  rlc_optim_state_put(m->pg.pol.opt, b);
}

// Counters read back: room to count on without overflow.
static rlcStatus check_counts(int64_t updates, int64_t loss_n) {
  const int64_t lim = (int64_t)1 << 62;
  if (updates < 0 || updates > lim || loss_n < 0 || loss_n > lim)
    return rlc_error(RLC_ERR_FORMAT, "checkpoint: counters out of range");
  return RLC_OK;
}

static rlcStatus imitation_load(rlcAgent *a, rlcBuf *b) {
  Imitation *m = (Imitation *)a;
  rlcStatus s = rlc_buf_get_tag(b, "imitation");
  if (!s) s = get_rng(b, &m->pg.rng);
  if (!s) s = rlc_buf_get(b, &m->updates, sizeof m->updates);
  if (!s) s = rlc_buf_get(b, &m->loss_sum, sizeof m->loss_sum);
  if (!s) s = rlc_buf_get(b, &m->loss_n, sizeof m->loss_n);
  if (!s) s = rlc_net_state_get(m->pg.pol.net, b);
  if (!s) s = rlc_optim_state_get(m->pg.pol.opt, b);
  if (!s) s = check_counts(m->updates, m->loss_n);
  m->n = 0;
  return s;
}

//------------------------------------------------------------------------------
// reinforce
//------------------------------------------------------------------------------

// Episodes run in every env copy at once; each copy's current episode grows
// in its own slot, and a finished episode moves to the update pool. An update
// takes every episode finished since the last one, once there are at least
// `episodes_per_update` (with one env: exactly that many, as the book).
// Episodes still running keep their steps across the update.
typedef struct Reinforce {
  PgAgent pg;
  rlcNet *critic;           // baseline=true: V(s) of the same shape
  rlcOptim *critic_opt;
  double gamma;
  int per_update;           // episodes per update
  bool normalize, baseline;
  int cap;                  // steps one episode may have
  // Running episodes, per copy: (N, cap, ...)
  float *run_obs;
  int32_t *run_act;
  double *run_rew;
  int *run_len;
  // The pool of finished episodes: (pool_cap, ...) laid end to end
  int pool_cap, pool_steps, pool_eps, pool_eps_cap;
  float *pool_obs;
  int32_t *pool_act;
  double *pool_rew, *pool_ret;
  int *pool_len;
  float *weights;           // (pool_cap): normalized returns (minus baseline)
  float *dout;              // (CHUNK, max(outs, 1))
  rlcArena mem;             // the buffers above, in one allocation
  int64_t updates;
  double loss_sum, last_return;
  int64_t loss_n;
} Reinforce;


static const rlcPreset reinforce_presets[] = {
    {"homl-reinforce", "CartPole-v1",
     "env=CartPole-v1,max_episode_steps=200,num_envs=1,episodes=1500,hidden=5,activation=elu,"
     "head=sigmoid,init=keras,optimizer=adam,lr=0.01,gamma=0.95,episodes_per_update=10",
     "Hands-On ML ch. 18: REINFORCE, 150 iterations of 10 episodes of at most 200 steps"},
    {"homl-lander-reinforce", "LunarLander-v3",
     "env=LunarLander-v3,max_episode_steps=1000,num_envs=1,episodes=3200,hidden=32-32,"
     "activation=relu,head=softmax,init=keras,optimizer=nadam,lr=0.005,gamma=0.99,"
     "episodes_per_update=16",
     "Hands-On ML ch. 18 exercise: REINFORCE on LunarLander, 200 iterations of 16 episodes"},
};

static void reinforce_destroy(rlcAgent *a) {
  Reinforce *r = (Reinforce *)a;
  if (!r) return;
  policy_free(&r->pg.pol);
  rlc_net_destroy(r->critic);
  rlc_optim_destroy(r->critic_opt);
  rlc_arena_free(&r->mem);
  rlc_free(r);
}

static rlcStatus reinforce_create(const rlcAgentDef *def, rlcAgent **out) {
  *out = NULL;
  rlcStatus s = check_spaces(def->spec, "reinforce", true);
  if (s) return s;
  Reinforce *r = rlc_calloc(1, sizeof *r);
  if (!r) return RLC_ERR_NOMEM;
  r->pg.base.cls = &agents_reinforce;
  r->pg.base.spec = def->spec;
  r->pg.base.num_envs = def->num_envs;
  const PgSettings *set = def->settings;
  int N = def->num_envs, max_steps = set->max_steps_per_episode;
  r->gamma = set->gamma;
  r->per_update = set->episodes_per_update;
  r->normalize = set->normalize_returns;
  r->baseline = set->baseline;
  rlcRng seeds;
  rlc_rng_seed_child(&seeds, def->seed, 0);
  rlc_rng_seed_child(&r->pg.rng, def->seed, 1);
  if (!s) s = policy_create(&r->pg.pol, def, CHUNK, rlc_rng_next64(&seeds));
  if (!s && r->baseline) {
    // The critic: the policy's hidden layers and one linear output.
    rlcNetDef nd = r->pg.pol.net->def;
    nd.n_layers -= r->pg.pol.sigmoid ? 2 : 1;
    rlcLayerDef *o = rlc_net_def_add(&nd, RLC_LAYER_DENSE, 1);
    o->has_init = nd.layers[0].has_init;
    o->weight_init = nd.layers[0].weight_init;
    o->bias_init = nd.layers[0].bias_init;
    nd.seed = rlc_rng_next64(&seeds);
    s = rlc_net_create(&nd, &r->critic);
    if (!s) s = rlc_optim_create(&r->pg.pol.opt->def, r->critic->n_params, &r->critic_opt);
  }
  if (s) {
    reinforce_destroy(&r->pg.base);
    return s;
  }
  r->cap = def->spec->max_episode_steps > 0 ? def->spec->max_episode_steps : max_steps;
  // At most num_envs episodes finish in one step, so the pool holds at most
  // per_update - 1 + N episodes when an update becomes due.
  int pool_eps = r->per_update - 1 + N;
  double pool_steps = (double)pool_eps * r->cap;
  // Floats of observations, an int action and two doubles per stored step.
  double step_bytes = 4.0 * r->pg.pol.obs_size + 4 + 16;
  char what[96];
  snprintf(what, sizeof what, "reinforce's %d episodes of up to %d steps", pool_eps, r->cap);
  s = pool_steps > INT32_MAX ? rlc_error(RLC_ERR_ARG, "%s are too many steps", what)
                             : rlc_memory_check((pool_steps + (double)N * r->cap) * step_bytes, what);
  if (s) {
    reinforce_destroy(&r->pg.base);
    return s;
  }
  int O = r->pg.pol.obs_size, outs = r->pg.pol.sigmoid ? 1 : r->pg.pol.n_actions;
  r->pool_cap = (int)pool_steps;
  r->pool_eps_cap = pool_eps;
  size_t run = (size_t)N * r->cap, pool = (size_t)r->pool_cap;
  rlcArenaItem items[] = {
      RLC_ARENA_ITEM(r->run_obs, run * O),  RLC_ARENA_ITEM(r->run_act, run),      RLC_ARENA_ITEM(r->run_rew, run),
      RLC_ARENA_ITEM(r->run_len, N),        RLC_ARENA_ITEM(r->pool_obs, pool * O), RLC_ARENA_ITEM(r->pool_act, pool),
      RLC_ARENA_ITEM(r->pool_rew, 2 * pool), RLC_ARENA_ITEM(r->pool_len, pool_eps), RLC_ARENA_ITEM(r->weights, pool),
      RLC_ARENA_ITEM(r->dout, (size_t)CHUNK * outs),
  };
  s = rlc_arena_init(&r->mem, items, (int)(sizeof items / sizeof items[0]));
  if (s) {
    reinforce_destroy(&r->pg.base);
    return s;
  }
  r->pool_ret = r->pool_rew + r->pool_cap;
  r->last_return = NAN;
  *out = &r->pg.base;
  return RLC_OK;
}

static rlcStatus reinforce_observe(rlcAgent *a, const rlcStepBatch *b) {
  Reinforce *r = (Reinforce *)a;
  if (b->n != a->num_envs)
    return rlc_error(RLC_ERR_ARG, "reinforce: observe got %d transitions for %d envs", b->n,
                     a->num_envs);
  int O = r->pg.pol.obs_size;
  for (int i = 0; i < b->n; i++) {
    int len = r->run_len[i];
    if (len >= r->cap)
      return rlc_error(RLC_ERR_STATE,
                       "reinforce: an episode passed %d steps; set max_episode_steps or "
                       "max_steps_per_episode",
                       r->cap);
    size_t k = (size_t)i * r->cap + len;
    rlc_obs_to_input(r->run_obs + k * O, (const char *)b->obs + i * r->pg.pol.obs_bytes, r->pg.pol.space, 1);
    r->run_act[k] = ((const int32_t *)b->actions)[i] - r->pg.pol.act_start;
    r->run_rew[k] = b->reward[i];
    r->run_len[i] = ++len;
    // Truncated episodes end here too: the book's returns do not bootstrap.
    if (!b->terminated[i] && !b->truncated[i]) continue;
    if (r->pool_eps == r->pool_eps_cap)
      return rlc_error(RLC_ERR_STATE, "reinforce: %d episodes waiting; call update after each observe",
                       r->pool_eps);
    size_t src = (size_t)i * r->cap, dst = (size_t)r->pool_steps;
    memcpy(r->pool_obs + dst * O, r->run_obs + src * O, sizeof(float) * O * len);
    memcpy(r->pool_act + dst, r->run_act + src, sizeof(int32_t) * len);
    memcpy(r->pool_rew + dst, r->run_rew + src, sizeof(double) * len);
    r->pool_len[r->pool_eps++] = len;
    r->pool_steps += len;
    r->run_len[i] = 0;
  }
  return RLC_OK;
}

static rlcStatus reinforce_update(rlcAgent *a) {
  Reinforce *r = (Reinforce *)a;
  if (r->pool_eps < r->per_update) return RLC_OK;
  Policy *p = &r->pg.pol;
  int S = r->pool_steps, O = p->obs_size;
  // Each episode's undiscounted return, for the info line.
  double sum_ret = 0.0;
  for (int k = 0; k < S; k++) sum_ret += r->pool_rew[k];
  r->last_return = sum_ret / r->pool_eps;
  if (r->normalize) rlc_discount_normalize(r->pool_ret, r->pool_rew, r->pool_len, r->pool_eps, r->gamma);
  else
    for (int e = 0, off = 0; e < r->pool_eps; off += r->pool_len[e++])
      rlc_discount_rewards(r->pool_ret + off, r->pool_rew + off, r->pool_len[e], r->gamma);
  for (int k = 0; k < S; k++) r->weights[k] = (float)r->pool_ret[k];
  if (r->baseline) {
    // Weights = returns - V(s), then one step of the critic towards the returns.
    float tgt[CHUNK], dv[CHUNK];
    rlc_net_zero_grad(r->critic);
    for (int b0 = 0; b0 < S; b0 += CHUNK) {
      int B = S - b0 < CHUNK ? S - b0 : CHUNK;
      const float *v = rlc_net_forward(r->critic, r->pool_obs + (size_t)b0 * O, B);
      for (int b = 0; b < B; b++) {
        tgt[b] = r->weights[b0 + b];
        r->weights[b0 + b] -= v[b];
      }
      rlc_loss_mse(dv, NULL, v, tgt, NULL, B, 1);
      for (int b = 0; b < B; b++) dv[b] *= (float)B / S;
      rlc_net_backward(r->critic, dv, NULL);
    }
    rlc_optim_step(r->critic_opt, r->critic->params, r->critic->grads, p->lr);
  }
  // The mean over all steps of (weight x that step's gradient).
  rlc_net_zero_grad(p->net);
  double loss = 0.0;
  for (int b0 = 0; b0 < S; b0 += CHUNK) {
    int B = S - b0 < CHUNK ? S - b0 : CHUNK;
    const float *y = rlc_net_forward(p->net, r->pool_obs + (size_t)b0 * O, B);
    loss += policy_weighted_ce(p, r->dout, y, r->pool_act + b0, r->weights + b0, B, S);
  }
  rlc_optim_step(p->opt, p->net->params, p->net->grads, p->lr);
  r->updates++;
  r->loss_sum += loss / S;
  r->loss_n++;
  r->pool_eps = r->pool_steps = 0;
  return RLC_OK;
}

static void reinforce_info(const rlcAgent *a, rlcAgentInfo *out) {
  const Reinforce *r = (const Reinforce *)a;
  memset(out, 0, sizeof *out);
  out->loss_sum = r->loss_sum;
  out->loss_count = r->loss_n;
  out->epsilon = out->temperature = NAN;
  out->lr = r->pg.pol.lr;
  out->updates = r->updates;
  out->n_extra = 1;
  out->extra_name[0] = "iteration_return";  // mean return of the last update's episodes
  out->extra[0] = r->last_return;
  out->extra_ref[0] = NAN;
}

static void reinforce_save(const rlcAgent *a, rlcBuf *b) {
  const Reinforce *r = (const Reinforce *)a;
  int N = a->num_envs, O = r->pg.pol.obs_size;
  rlc_buf_put_tag(b, "reinforce");
  put_rng(b, &r->pg.rng);
  int32_t hdr[4] = {N, r->cap, r->pool_steps, r->pool_eps};
  rlc_buf_put(b, hdr, sizeof hdr);
  rlc_buf_put(b, &r->updates, sizeof r->updates);
  rlc_buf_put(b, &r->last_return, sizeof r->last_return);
  rlc_buf_put(b, &r->loss_sum, sizeof r->loss_sum);
  rlc_buf_put(b, &r->loss_n, sizeof r->loss_n);
  rlc_net_state_put(r->pg.pol.net, b);
  rlc_optim_state_put(r->pg.pol.opt, b);
  if (r->critic) {
    rlc_net_state_put(r->critic, b);
    rlc_optim_state_put(r->critic_opt, b);
  }
  // Running episodes (only their filled part) and the pool.
  rlc_buf_put(b, r->run_len, sizeof(int) * N);
  for (int i = 0; i < N; i++) {
    size_t k = (size_t)i * r->cap;
    rlc_buf_put(b, r->run_obs + k * O, sizeof(float) * O * r->run_len[i]);
    rlc_buf_put(b, r->run_act + k, sizeof(int32_t) * r->run_len[i]);
    rlc_buf_put(b, r->run_rew + k, sizeof(double) * r->run_len[i]);
  }
  rlc_buf_put(b, r->pool_len, sizeof(int) * r->pool_eps);
  rlc_buf_put(b, r->pool_obs, sizeof(float) * O * r->pool_steps);
  rlc_buf_put(b, r->pool_act, sizeof(int32_t) * r->pool_steps);
  rlc_buf_put(b, r->pool_rew, sizeof(double) * r->pool_steps);
}

static rlcStatus reinforce_load(rlcAgent *a, rlcBuf *b) {
  Reinforce *r = (Reinforce *)a;
  int N = a->num_envs, O = r->pg.pol.obs_size;
  int32_t hdr[4];
  rlcStatus s = rlc_buf_get_tag(b, "reinforce");
  if (!s) s = get_rng(b, &r->pg.rng);
  if (!s) s = rlc_buf_get(b, hdr, sizeof hdr);
  if (s) return s;
  if (hdr[0] != N || hdr[1] != r->cap || hdr[2] < 0 || hdr[2] > r->pool_cap || hdr[3] < 0 ||
      hdr[3] > r->pool_eps_cap)
    return rlc_error(RLC_ERR_FORMAT, "reinforce checkpoint: %d envs, episodes of %d steps (this run: %d, %d)",
                     (int)hdr[0], (int)hdr[1], N, r->cap);
  r->pool_steps = hdr[2];
  r->pool_eps = hdr[3];
  s = rlc_buf_get(b, &r->updates, sizeof r->updates);
  if (!s) s = rlc_buf_get(b, &r->last_return, sizeof r->last_return);
  if (!s) s = rlc_buf_get(b, &r->loss_sum, sizeof r->loss_sum);
  if (!s) s = rlc_buf_get(b, &r->loss_n, sizeof r->loss_n);
  if (!s) s = check_counts(r->updates, r->loss_n);
  if (!s) s = rlc_net_state_get(r->pg.pol.net, b);
  if (!s) s = rlc_optim_state_get(r->pg.pol.opt, b);
  if (!s && r->critic) s = rlc_net_state_get(r->critic, b);
  if (!s && r->critic) s = rlc_optim_state_get(r->critic_opt, b);
  if (!s) s = rlc_buf_get(b, r->run_len, sizeof(int) * N);
  for (int i = 0; i < N && !s; i++) {
    if (r->run_len[i] < 0 || r->run_len[i] > r->cap)
      return rlc_error(RLC_ERR_FORMAT, "reinforce checkpoint: episode length %d", r->run_len[i]);
    size_t k = (size_t)i * r->cap;
    s = rlc_buf_get(b, r->run_obs + k * O, sizeof(float) * O * r->run_len[i]);
    if (!s) s = rlc_buf_get(b, r->run_act + k, sizeof(int32_t) * r->run_len[i]);
    if (!s) s = rlc_buf_get(b, r->run_rew + k, sizeof(double) * r->run_len[i]);
  }
  if (!s) s = rlc_buf_get(b, r->pool_len, sizeof(int) * r->pool_eps);
  if (!s) s = rlc_buf_get(b, r->pool_obs, sizeof(float) * O * r->pool_steps);
  if (!s) s = rlc_buf_get(b, r->pool_act, sizeof(int32_t) * r->pool_steps);
  if (!s) s = rlc_buf_get(b, r->pool_rew, sizeof(double) * r->pool_steps);
  if (s) return s;
  // The pool's episodes tile its steps; actions index the policy's outputs.
  int64_t total = 0;
  for (int e = 0; e < r->pool_eps; e++) total += r->pool_len[e] < 0 ? INT32_MIN : r->pool_len[e];
  bool ok = total == r->pool_steps;
  for (int i = 0; i < r->pool_steps && ok; i++) ok = r->pool_act[i] >= 0 && r->pool_act[i] < r->pg.pol.n_actions;
  for (int i = 0; i < N && ok; i++)
    for (int k = 0; k < r->run_len[i] && ok; k++) {
      int32_t act = r->run_act[(size_t)i * r->cap + k];
      ok = act >= 0 && act < r->pg.pol.n_actions;
    }
  return ok ? RLC_OK : rlc_error(RLC_ERR_FORMAT, "reinforce checkpoint: corrupted episode pool");
}

//------------------------------------------------------------------------------
// Classes
//------------------------------------------------------------------------------

const rlcAgentClass agents_imitation = {
    .name = "imitation",
    .doc = "a policy network copying the env's hand-written policy (Hands-On ML ch. 18)",
    .settings = settings,
    .n_settings = N_IMITATION,
    .settings_size = sizeof(PgSettings),
    .defaults = "optimizer=rmsprop,lr=0.001",
    .presets = imitation_presets,
    .n_presets = (int)(sizeof imitation_presets / sizeof imitation_presets[0]),
    .create = imitation_create,
    .destroy = imitation_destroy,
    .act = pg_act,
    .observe = imitation_observe,
    .update = imitation_update,
    .info = imitation_info,
    .save = imitation_save,
    .load = imitation_load,
};

const rlcAgentClass agents_reinforce = {
    .name = "reinforce",
    .doc = "REINFORCE over whole episodes with normalized returns (Hands-On ML ch. 18)",
    .settings = settings,
    .n_settings = (int)(sizeof settings / sizeof settings[0]),
    .settings_size = sizeof(PgSettings),
    .presets = reinforce_presets,
    .n_presets = (int)(sizeof reinforce_presets / sizeof reinforce_presets[0]),
    .create = reinforce_create,
    .destroy = reinforce_destroy,
    .act = pg_act,
    .observe = reinforce_observe,
    .update = reinforce_update,
    .info = reinforce_info,
    .save = reinforce_save,
    .load = reinforce_load,
};
