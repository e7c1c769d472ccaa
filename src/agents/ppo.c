// ppo.c: actor-critic policy gradients over vectorized rollouts, "a2c" and
// "ppo" (CleanRL's ppo.py and ppo_continuous_action.py, with SB3's A2C as
// the one-epoch, unclipped case). Each update: a rollout of num_steps x
// num_envs, GAE(lambda) that bootstraps through time limits and not through
// terminations, then epochs of shuffled minibatches: policy loss (clipped
// surrogate for PPO, plain -logp * adv for A2C), value loss (optionally
// clipped), entropy bonus, one global gradient-norm clip over actor and
// critic, one optimizer step. Separate actor and critic networks with
// CleanRL's orthogonal init; a categorical policy for discrete actions, a
// Gaussian with a learned state-independent log-std for boxes (raw samples go
// to the env, which clips as Gymnasium's do). Optional observation and
// reward normalization (running mean/std), saved in checkpoints.
// Depends on: rlc/agent.h, rlc/nn.h, rlc/rollout.h.
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rlc/agent.h"
#include "rlc/nn.h"
#include "rlc/rollout.h"

extern const rlcAgentClass agents_a2c, agents_ppo;

#define MAX_DIMS 64  // continuous action dimensions (log-std gradients on the stack)

typedef struct AcSettings {
  int num_steps, num_minibatches, update_epochs, optimizer, activation;
  double gamma, gae_lambda, lr, optim_eps, rmsprop_rho, ent_coef, vf_coef, max_grad_norm;
  double log_std_init, clip_obs, clip_reward, clip_coef, target_kl;
  int64_t anneal_steps;
  bool anneal_lr, norm_adv, ortho_init, norm_obs, norm_reward, clip_vloss;
  char hidden[RLC_SETTING_STR_MAX];
} AcSettings;

typedef struct AC {
  rlcAgent base;
  bool ppo;
  // Spaces
  int O;                    // observation floats
  bool discrete;
  int A;                    // discrete: actions; box: dimensions
  int act_start;            // discrete: first action value
  int outs;                 // actor outputs per sample: A logits or 2D (mean | log_std)
  size_t act_bytes;
  AcSettings set;
  rlcSchedule lr_sched;     // over iterations: linear to 0 (anneal_lr), or constant
  // Learners
  rlcNet *actor, *critic;
  rlcOptim *actor_opt, *critic_opt;
  rlcRng rng;
  rlcRunningMeanStd obs_rms;
  rlcRewardNorm rew_norm;
  rlcRollout *ro;
  // Collection state: act(explore) fills slot ro->t and keeps the actions it
  // returned, so observe can tell that the batch is the one it acted on.
  bool pending;
  uint8_t *pending_act;     // (N, act) bytes
  // Scratch (allocated at creation; sized for max(N, minibatch) samples)
  int mbmax;
  float *x;                 // (mbmax, O) normalized observations
  float *xin;               // (mbmax, O) uint8 observations as floats (NULL: float32 ones)
  size_t obs_bytes;         // one observation as the env gives it
  float *mb_obs, *mb_act_f, *mb_logp, *mb_adv, *mb_ret, *mb_val, *ratio;  // minibatch
  int32_t *mb_act_i;
  float *dout, *mean, *dmean, *dent, *dv, *zeros;  // gradients and compact Gaussian means
  int *perm;                // (T * N)
  int *idx;                 // (N) truncated envs of a step
  rlcArena mem;             // the scratch above, in one allocation
  // Counters and statistics
  int64_t iterations, updates;
  double lr;
  double loss_sum;          // over all updates
  int64_t loss_n;
  // The last iteration's sums (and their count) for info.
  double pg_sum, v_sum, ent_sum, kl_sum, clipfrac_sum;
  int64_t stat_n;
} AC;

//------------------------------------------------------------------------------
// Hyperparameters and presets
//------------------------------------------------------------------------------

#define S AcSettings
static const rlcSetting settings[] = {
    RLC_SET_ALIAS("eps", "optim_eps"),
    RLC_SET_ALIAS("rho", "rmsprop_rho"),
    RLC_SET_INT(S, num_steps, "num_steps", "128", 1, 1 << 20, "steps per env in one rollout"),
    RLC_SET_DOUBLE(S, gamma, "gamma", "0.99", 0, 1, "discount factor"),
    RLC_SET_DOUBLE(S, gae_lambda, "gae_lambda", "0.95", 0, 1, "GAE lambda (1: Monte Carlo returns to the rollout end)"),
    RLC_SET_DOUBLE(S, lr, "lr", "2.5e-4", 1e-12, 10, "learning rate"),
    RLC_SET_BOOL(S, anneal_lr, "anneal_lr", "true", "lr falls linearly to 0 over anneal_steps"),
    RLC_SET_INT64(S, anneal_steps, "anneal_steps", "0", 0, INFINITY, "env steps of the annealing (0: the run's `steps`)"),
    RLC_SET_CHOICE(S, optimizer, "optimizer", "adam", "adam|rmsprop", "optimizer"),
    RLC_SET_DOUBLE(S, optim_eps, "optim_eps", "1e-5", 1e-30, 1, "optimizer epsilon (rmsprop: inside the sqrt, Keras)"),
    RLC_SET_DOUBLE(S, rmsprop_rho, "rmsprop_rho", "0.99", 0, 0.999999, "RMSprop decay"),
    RLC_SET_INT(S, num_minibatches, "num_minibatches", "4", 1, 1 << 20, "minibatches per epoch"),
    RLC_SET_INT(S, update_epochs, "update_epochs", "4", 1, 100000, "passes over each rollout"),
    RLC_SET_BOOL(S, norm_adv, "norm_adv", "true", "normalize advantages per minibatch"),
    RLC_SET_DOUBLE(S, ent_coef, "ent_coef", "0.01", 0, 1e6, "entropy bonus coefficient"),
    RLC_SET_DOUBLE(S, vf_coef, "vf_coef", "0.5", 0, 1e6, "value loss coefficient (the loss is 0.5 * mean squared error)"),
    RLC_SET_DOUBLE(S, max_grad_norm, "max_grad_norm", "0.5", 0, INFINITY, "global gradient-norm clip over both nets (0: none)"),
    RLC_SET_STR(S, hidden, "hidden", "64-64", "hidden layer sizes of actor and critic"),
    RLC_SET_CHOICE(S, activation, "activation", "tanh", "relu|elu|tanh", "hidden activation"),
    RLC_SET_BOOL(S, ortho_init, "ortho_init", "true", "orthogonal init (gain sqrt 2; actor out 0.01, critic out 1; zero biases)"),
    RLC_SET_DOUBLE(S, log_std_init, "log_std_init", "0", -20, 20, "Gaussian policies: initial log-std"),
    RLC_SET_BOOL(S, norm_obs, "norm_obs", "false", "normalize observations by running mean/std"),
    RLC_SET_DOUBLE(S, clip_obs, "clip_obs", "10", 0, INFINITY, "normalized observations clipped to +-clip_obs"),
    RLC_SET_BOOL(S, norm_reward, "norm_reward", "false", "scale rewards by the std of the discounted return"),
    RLC_SET_DOUBLE(S, clip_reward, "clip_reward", "10", 0, INFINITY, "normalized rewards clipped to +-clip_reward"),
    // PPO only (A2C's table ends before them).
    RLC_SET_DOUBLE(S, clip_coef, "clip_coef", "0.2", 1e-9, 1e6, "surrogate clipping epsilon"),
    RLC_SET_BOOL(S, clip_vloss, "clip_vloss", "true", "clip the value change to +-clip_coef as well"),
    RLC_SET_DOUBLE(S, target_kl, "target_kl", "0", 0, INFINITY, "stop the epochs once the approximate KL exceeds it (0: never)"),
};
#undef S
#define N_SETTINGS ((int)(sizeof settings / sizeof settings[0]))

// SB3's A2C: 5 steps, lambda 1, RMSprop 7e-4 (alpha 0.99, eps 1e-5 outside
// the sqrt; rlc's RMSprop puts eps inside, where 1e-10 gives the same floor),
// no advantage normalization, no entropy bonus, vf_coef 0.5 on an un-halved
// MSE (= 1.0 here).
#define A2C_DEFAULTS                                                                              \
  "num_steps=5,gae_lambda=1.0,lr=7e-4,anneal_lr=false,optimizer=rmsprop,optim_eps=1e-10,"        \
  "num_minibatches=1,update_epochs=1,norm_adv=false,ent_coef=0.0,vf_coef=1.0"

#define LANDER_PPO_RLZOO                                                                          \
  "num_envs=16,steps=1000000,num_steps=1024,lr=3e-4,anneal_lr=false,gamma=0.999,gae_lambda=0.98,"   \
  "num_minibatches=256,update_epochs=4,clip_coef=0.2,clip_vloss=false,ent_coef=0.01,"

// rlc's LunarLander-v3 default, tuned for the time to a 100-episode greedy mean
// of 200 (bench/bench_lander.sh, seeds 0-4): rl-zoo's settings with half the
// rollout (16 x 512: an update every 8k steps, minibatches still 64) and
// observation normalization took the median from 700k steps to 350k; a
// 10-episode screen every 50k steps keeps the 100-episode evaluations (as many
// env steps as 50k of training while the lander hovers) for policies that may pass.
#define LANDER_PPO_DEFAULT                                                                        \
  "num_envs=16,steps=1000000,num_steps=512,lr=3e-4,anneal_lr=false,gamma=0.999,gae_lambda=0.98,"    \
  "num_minibatches=128,update_epochs=4,clip_coef=0.2,clip_vloss=false,ent_coef=0.01,norm_obs=true," \
  "eval_interval=50000,eval_episodes=100,eval_screen=10,stop_at_threshold=true"

static const rlcPreset ppo_presets[] = {
    {"cleanrl-ppo", "CartPole-v1",
     "env=CartPole-v1,num_envs=4,steps=500000,num_steps=128,lr=2.5e-4,anneal_lr=true,gamma=0.99,"
     "gae_lambda=0.95,num_minibatches=4,update_epochs=4,norm_adv=true,clip_coef=0.2,"
     "clip_vloss=true,ent_coef=0.01,vf_coef=0.5,max_grad_norm=0.5,hidden=64-64,activation=tanh",
     "CleanRL ppo.py defaults on CartPole-v1 (4 envs x 128 steps, 500k steps)"},
    {NULL, "CartPole-v1",
     "num_envs=8,steps=100000,num_steps=32,lr=1e-3,anneal_lr=true,gamma=0.98,gae_lambda=0.8,"
     "num_minibatches=1,update_epochs=20,clip_coef=0.2,ent_coef=0.0",
     "rl-zoo's tuned PPO for CartPole-v1"},
    {NULL, "Pendulum-v1",
     "num_envs=4,steps=300000,num_steps=256,lr=5e-4,anneal_lr=true,gamma=0.9,gae_lambda=0.95,"
     "num_minibatches=16,update_epochs=10,clip_coef=0.2,ent_coef=0.0,norm_obs=true,"
     "norm_reward=true,activation=relu",
     "PPO for Pendulum-v1 after rl-zoo's settings (no gSDE)"},
    // RLtools' PPO Pendulum example (its loop/core parameters): 4 envs x 1024
    // steps x 75 iterations, batch 256 (16 minibatches), 2 epochs, gamma 0.9,
    // no entropy bonus, initial action std 2, Adam 1e-3, 64-64, observation
    // normalization; rlc adds reward scaling (norm_reward), which took the
    // median greedy return of 5 seeds from about -200 to -171.
    {"rltools-ppo", "Pendulum-v1",
     "env=Pendulum-v1,num_envs=4,num_steps=1024,steps=307200,lr=1e-3,anneal_lr=false,gamma=0.9,gae_lambda=0.95,"
     "num_minibatches=16,update_epochs=2,clip_coef=0.2,ent_coef=0.0,norm_obs=true,norm_reward=true,hidden=64-64,"
     "activation=relu,log_std_init=0.693",
     "RLtools' PPO Pendulum benchmark (307,200 steps, batch 256, 2 epochs, gamma 0.9) with reward scaling"},
    // rl-zoo's PPO for LunarLander (SB3 defaults beside: lr 3e-4 constant, clip
    // 0.2, no value clipping, 64-64 tanh); batch 64 of 16 x 1024 = 256 minibatches.
    {"rlzoo-ppo-lander", "LunarLander-v3",
     "env=LunarLander-v3,num_envs=16,steps=1000000,num_steps=1024,lr=3e-4,anneal_lr=false,gamma=0.999,"
     "gae_lambda=0.98,num_minibatches=256,update_epochs=4,clip_coef=0.2,clip_vloss=false,ent_coef=0.01,"
     "vf_coef=0.5,max_grad_norm=0.5,hidden=64-64,activation=tanh,norm_obs=false",
     "rl-zoo's tuned PPO for LunarLander (16 envs x 1024 steps, batch 64, 4 epochs, 1M steps)"},
    {NULL, "LunarLander-v3", LANDER_PPO_DEFAULT,
     "rlc's LunarLander-v3 default: rl-zoo's PPO with 512-step rollouts and observation normalization; "
     "a 10-episode screen every 50k steps, 100 greedy episodes when it reaches 200; stops at 200"},
    {NULL, "LunarLanderContinuous-v3", LANDER_PPO_RLZOO "eval_interval=100000,eval_episodes=100,stop_at_threshold=true",
     "rl-zoo's PPO for LunarLanderContinuous (its settings are the discrete ones), stops at 200"},
};

#define LANDER_A2C "num_envs=8,steps=200000,num_steps=5,gamma=0.995,lr=8.3e-4,anneal_lr=true,ent_coef=1e-5"

static const rlcPreset a2c_presets[] = {
    {NULL, "CartPole-v1", "num_envs=8,steps=500000,ent_coef=0.0",
     "rl-zoo's A2C for CartPole-v1 (8 envs x 5 steps)"},
    {"rlzoo-a2c-lander", "LunarLander-v3", "env=LunarLander-v3," LANDER_A2C,
     "rl-zoo's A2C for LunarLander (8 envs x 5 steps, linear lr 8.3e-4, 200k steps)"},
    {NULL, "LunarLander-v3", LANDER_A2C, "rl-zoo's A2C for LunarLander"},
};

//------------------------------------------------------------------------------
// Creation
//------------------------------------------------------------------------------

static void ac_destroy(rlcAgent *a) {
  AC *c = (AC *)a;
  if (!c) return;
  rlc_net_destroy(c->actor);
  rlc_net_destroy(c->critic);
  rlc_optim_destroy(c->actor_opt);
  rlc_optim_destroy(c->critic_opt);
  rlc_rms_free(&c->obs_rms);
  rlc_reward_norm_free(&c->rew_norm);
  rlc_rollout_destroy(c->ro);
  rlc_arena_free(&c->mem);
  rlc_free(c);
}

// The torso of `hidden` over the observations, then a head of `out` outputs
// (Gaussian: means and a log-std); CleanRL's layer_init when ortho: orthogonal
// weights (gain sqrt(2) inside, out_gain at the head) and zero biases.
static rlcStatus make_net(rlcNetDef *nd, const rlcSpace *obs, const char *hidden, rlcLayerType act, int out,
                          bool gaussian, double log_std_init, bool ortho, double out_gain) {
  rlcStatus s = rlc_net_def_input(nd, obs);
  if (!s) s = rlc_net_def_torso(nd, hidden, act);
  if (s) return rlc_error(s, "hidden=%s: %s", hidden, rlc_last_error());
  rlcLayerDef *head = rlc_net_def_policy_head(nd, out, gaussian, log_std_init);
  if (!head) return RLC_ERR_ARG;
  for (int i = 0; ortho && i < nd->n_layers; i++) {
    rlcLayerDef *l = &nd->layers[i];
    if (l->type != RLC_LAYER_DENSE && l->type != RLC_LAYER_CONV2D) continue;
    l->has_init = true;
    l->weight_init = (rlcInit){.type = RLC_INIT_ORTHOGONAL, .a = l == head ? out_gain : sqrt(2.0)};
    l->bias_init = (rlcInit){.type = RLC_INIT_ZEROS};
  }
  return RLC_OK;
}

static rlcStatus ac_read(AC *c, const rlcAgentDef *def) {
  c->set = *(const AcSettings *)def->settings;
  if (!c->ppo) c->set.clip_coef = 0, c->set.clip_vloss = false, c->set.target_kl = 0;
  // The learning rate falls to 0 over the run (anneal_steps 0: the run's length).
  int64_t batch = (int64_t)c->set.num_steps * def->num_envs;
  int64_t anneal_steps = c->set.anneal_steps ? c->set.anneal_steps : def->steps;
  int64_t iters = anneal_steps / batch > 0 ? anneal_steps / batch : 1;
  bool anneal = c->set.anneal_lr && anneal_steps > 0;
  c->lr_sched = rlc_schedule(anneal ? RLC_SCHED_LINEAR : RLC_SCHED_CONSTANT, c->set.lr, 0.0, (double)iters);
  if (c->set.num_minibatches > batch)
    return rlc_error(RLC_ERR_ARG, "num_minibatches=%d: more than the %lld samples of a rollout",
                     c->set.num_minibatches, (long long)batch);
  return RLC_OK;
}

static rlcStatus ac_create(const rlcAgentDef *def, rlcAgent **out, bool ppo) {
  *out = NULL;
  const char *algo = ppo ? "ppo" : "a2c";
  const rlcEnvSpec *spec = def->spec;
  const rlcSpace *os = &spec->observation_space, *as = &spec->action_space;
  char buf[96];
  if (os->type != RLC_SPACE_BOX)
    return rlc_error(RLC_ERR_UNSUPPORTED, "%s needs Box observations, float32 or uint8 (%s has %s)", algo,
                     spec->id, rlc_space_str(os, buf, sizeof buf));
  if (!(as->type == RLC_SPACE_DISCRETE || (as->type == RLC_SPACE_BOX && as->dtype == RLC_F32)))
    return rlc_error(RLC_ERR_UNSUPPORTED, "%s needs Discrete or float32 Box actions (%s has %s)",
                     algo, spec->id, rlc_space_str(as, buf, sizeof buf));
  if (as->type == RLC_SPACE_BOX && as->size > MAX_DIMS)
    return rlc_error(RLC_ERR_UNSUPPORTED, "%s: at most %d action dimensions (%s has %d)", algo,
                     MAX_DIMS, spec->id, as->size);
  AC *c = rlc_calloc(1, sizeof *c);
  if (!c) return RLC_ERR_NOMEM;
  c->base.cls = ppo ? &agents_ppo : &agents_a2c;
  c->base.spec = spec;
  c->base.num_envs = def->num_envs;
  c->ppo = ppo;
  c->O = os->size;
  c->discrete = as->type == RLC_SPACE_DISCRETE;
  c->A = c->discrete ? as->n : as->size;
  c->act_start = c->discrete ? as->start : 0;
  c->outs = c->discrete ? c->A : 2 * c->A;
  c->act_bytes = rlc_space_bytes(as);
  int N = def->num_envs;
  rlcStatus s = ac_read(c, def);
  const AcSettings *set = &c->set;
  if (s) {
    ac_destroy(&c->base);
    return s;
  }
  int batch = c->set.num_steps * N;
  int mb = (batch + c->set.num_minibatches - 1) / c->set.num_minibatches;
  c->mbmax = mb > N ? mb : N;
  // Nets: CleanRL's Agent, actor and critic apart.
  static const rlcLayerType acts[] = {RLC_LAYER_RELU, RLC_LAYER_ELU, RLC_LAYER_TANH};
  const char *hidden = set->hidden;
  rlcRng seeds;
  rlc_rng_seed_child(&seeds, def->seed, 0);
  rlc_rng_seed_child(&c->rng, def->seed, 1);
  rlcNetDef ad = rlc_net_default_def(), cd = rlc_net_default_def();
  s = make_net(&ad, os, hidden, acts[set->activation], c->A, !c->discrete, set->log_std_init, set->ortho_init, 0.01);
  if (!s) s = make_net(&cd, os, hidden, acts[set->activation], 1, false, 0, set->ortho_init, 1.0);
  if (!s) {
    ad.max_batch = cd.max_batch = c->mbmax;
    ad.seed = rlc_rng_next64(&seeds);
    cd.seed = rlc_rng_next64(&seeds);
    s = rlc_net_create(&ad, &c->actor);
  }
  if (!s) s = rlc_net_create(&cd, &c->critic);
  if (!s) {
    rlcOptimDef od = rlc_optim_default_def(set->optimizer == 0 ? RLC_OPTIM_ADAM : RLC_OPTIM_RMSPROP);
    od.lr = set->lr;
    od.eps = set->optim_eps;
    od.rho = set->rmsprop_rho;
    s = rlc_optim_create(&od, c->actor->n_params, &c->actor_opt);
    if (!s) s = rlc_optim_create(&od, c->critic->n_params, &c->critic_opt);
  }
  if (!s) s = rlc_rms_init(&c->obs_rms, c->O);
  if (!s) s = rlc_reward_norm_init(&c->rew_norm, N, c->set.gamma, set->clip_reward);
  if (!s) s = rlc_rollout_create(c->set.num_steps, N, RLC_F32, c->O, c->discrete ? 0 : c->A, &c->ro);
  if (s) {
    ac_destroy(&c->base);
    return s;
  }
  // Scratch, carved once.
  size_t M = (size_t)c->mbmax, O = (size_t)c->O, A = (size_t)c->A;
  c->obs_bytes = rlc_space_bytes(os);
  rlcArenaItem items[] = {
      RLC_ARENA_ITEM(c->pending_act, (size_t)N * c->act_bytes), RLC_ARENA_ITEM(c->x, M * O),
      RLC_ARENA_ITEM(c->xin, os->dtype != RLC_F32 ? M * O : 0), RLC_ARENA_ITEM(c->mb_obs, M * O),
      RLC_ARENA_ITEM(c->mb_act_f, M * A), RLC_ARENA_ITEM(c->mb_logp, M), RLC_ARENA_ITEM(c->mb_adv, M),
      RLC_ARENA_ITEM(c->mb_ret, M),       RLC_ARENA_ITEM(c->mb_val, M),  RLC_ARENA_ITEM(c->ratio, M),
      RLC_ARENA_ITEM(c->zeros, M),        RLC_ARENA_ITEM(c->mb_act_i, M), RLC_ARENA_ITEM(c->dout, M * c->outs),
      RLC_ARENA_ITEM(c->mean, M * A),     RLC_ARENA_ITEM(c->dmean, M * A), RLC_ARENA_ITEM(c->dent, M * A),
      RLC_ARENA_ITEM(c->dv, M),           RLC_ARENA_ITEM(c->perm, batch), RLC_ARENA_ITEM(c->idx, N),
  };
  s = rlc_arena_init(&c->mem, items, (int)(sizeof items / sizeof items[0]));
  if (s) {
    ac_destroy(&c->base);
    return s;
  }
  c->lr = c->set.lr;
  *out = &c->base;
  return RLC_OK;
}

static rlcStatus ppo_create(const rlcAgentDef *def, rlcAgent **out) { return ac_create(def, out, true); }
static rlcStatus a2c_create(const rlcAgentDef *def, rlcAgent **out) { return ac_create(def, out, false); }

//------------------------------------------------------------------------------
// Acting
//------------------------------------------------------------------------------

// The Gaussian head's log-std parameters (D) inside the actor.
static const float *log_std_of(const AC *c) {
  const rlcLayer *L = &c->actor->layers[c->actor->n_layers - 1];
  return c->actor->params + L->param_offset;
}

// Compact means (B, D) out of the head's [mean | log_std] rows.
static void split_mean(const AC *c, float *mean, const float *y, int B) {
  for (int b = 0; b < B; b++)
    memcpy(mean + (size_t)b * c->A, y + (size_t)b * c->outs, sizeof(float) * c->A);
}


// B observations as the env gives them (float32 or uint8) as floats.
static const float *input_of(AC *c, const void *obs, int B) {
  return rlc_obs_input(c->xin, obs, &c->base.spec->observation_space, B);
}

// Observations as the nets see them: normalized with the current statistics
// (no update), or as they are.
static const float *prep_obs(AC *c, float *dst, const float *obs, int B) {
  if (!c->set.norm_obs) return obs;
  rlc_rms_normalize(&c->obs_rms, dst, obs, B, c->set.clip_obs);
  return dst;
}

// Policy forward on B prepared observations x: actions (as indices for
// discrete) into act_i / act_f, their log-probabilities into logp when not NULL.
static void policy_sample(AC *c, const float *x, int B, bool explore, int32_t *act_i, float *act_f,
                          float *logp) {
  const float *y = rlc_net_forward(c->actor, x, B);
  if (c->discrete) {
    for (int b = 0; b < B; b++) {
      const float *z = y + (size_t)b * c->A;
      act_i[b] = explore ? rlc_rng_softmax(&c->rng, z, c->A) : rlc_argmax_f32(z, c->A, NULL);
    }
    if (logp) rlc_pg_categorical(NULL, logp, y, act_i, c->zeros, B, c->A);
    return;
  }
  const float *ls = log_std_of(c);
  for (int b = 0; b < B; b++)
    for (int d = 0; d < c->A; d++) {
      double m = y[(size_t)b * c->outs + d];
      act_f[(size_t)b * c->A + d] = (float)(explore ? m + exp((double)ls[d]) * rlc_rng_normal(&c->rng) : m);
    }
  if (logp) {
    split_mean(c, c->mean, y, B);
    rlc_pg_gaussian(NULL, NULL, logp, c->mean, ls, act_f, c->zeros, B, c->A);
  }
}

static void values_of(AC *c, float *v, const float *x, int B) {
  const float *y = rlc_net_forward(c->critic, x, B);
  memcpy(v, y, sizeof(float) * B);
}

// Fills rollout slot t from the observations and (when given) actions of a
// training step; samples the actions when acts is NULL.
static void fill_slot(AC *c, const void *raw, const void *acts) {
  rlcRollout *ro = c->ro;
  int N = c->base.num_envs;
  const float *obs = input_of(c, raw, N);
  size_t k = rlc_rollout_at(ro, ro->t, 0);
  float *x = rlc_rollout_obs(ro, k);  // float32: what the policy saw
  // Statistics see each observation once, when it is acted on (Gymnasium's
  // NormalizeObservation updates as observations arrive).
  if (c->set.norm_obs) {
    rlc_rms_update(&c->obs_rms, obs, N);
    rlc_rms_normalize(&c->obs_rms, x, obs, N, c->set.clip_obs);
  } else {
    memcpy(x, obs, sizeof(float) * (size_t)N * c->O);
  }
  int32_t *ai = c->discrete ? ro->act_i + k : NULL;
  float *af = c->discrete ? NULL : ro->act_f + k * c->A;
  if (!acts) {
    policy_sample(c, x, N, true, ai, af, ro->logp + k);
  } else {
    if (c->discrete)
      for (int i = 0; i < N; i++) ai[i] = ((const int32_t *)acts)[i] - c->act_start;
    else
      memcpy(af, acts, sizeof(float) * (size_t)N * c->A);
    const float *y = rlc_net_forward(c->actor, x, N);
    if (c->discrete) {
      rlc_pg_categorical(NULL, ro->logp + k, y, ai, c->zeros, N, c->A);
    } else {
      split_mean(c, c->mean, y, N);
      rlc_pg_gaussian(NULL, NULL, ro->logp + k, c->mean, log_std_of(c), af, c->zeros, N, c->A);
    }
  }
  values_of(c, ro->values + k, x, N);
}

static void ac_act(rlcAgent *a, const void *obs, int n, bool explore, void *actions) {
  AC *c = (AC *)a;
  int N = a->num_envs;
  rlcRollout *ro = c->ro;
  if (explore && n == N && ro->t < ro->num_steps) {
    // A training step: the rollout keeps what the update will need.
    fill_slot(c, obs, NULL);
    size_t k = rlc_rollout_at(ro, ro->t, 0);
    if (c->discrete)
      for (int i = 0; i < N; i++) ((int32_t *)actions)[i] = ro->act_i[k + i] + c->act_start;
    else
      memcpy(actions, ro->act_f + k * c->A, sizeof(float) * (size_t)N * c->A);
    memcpy(c->pending_act, actions, c->act_bytes * N);
    c->pending = true;
    return;
  }
  for (int b0 = 0; b0 < n; b0 += c->mbmax) {
    int B = n - b0 < c->mbmax ? n - b0 : c->mbmax;
    const float *x = prep_obs(c, c->x, input_of(c, (const char *)obs + (size_t)b0 * c->obs_bytes, B), B);
    if (c->discrete) {
      int32_t *ai = (int32_t *)actions + b0;
      policy_sample(c, x, B, explore, ai, NULL, NULL);
      for (int b = 0; b < B; b++) ai[b] += c->act_start;
    } else {
      policy_sample(c, x, B, explore, NULL, (float *)actions + (size_t)b0 * c->A, NULL);
    }
  }
}

//------------------------------------------------------------------------------
// Observing
//------------------------------------------------------------------------------

static rlcStatus ac_observe(rlcAgent *a, const rlcStepBatch *b) {
  AC *c = (AC *)a;
  rlcRollout *ro = c->ro;
  int N = a->num_envs;
  if (b->n != N)
    return rlc_error(RLC_ERR_ARG, "%s: observe got %d transitions for %d envs", a->cls->name, b->n, N);
  if (ro->t >= ro->num_steps)
    return rlc_error(RLC_ERR_STATE, "%s: the rollout is full; call update after each observe", a->cls->name);
  // Actions chosen elsewhere (or not the ones act returned): re-derive the slot.
  if (!c->pending || memcmp(c->pending_act, b->actions, c->act_bytes * N)) {
    if (c->discrete)
      for (int i = 0; i < N; i++) {
        int32_t ai = ((const int32_t *)b->actions)[i] - c->act_start;
        if (ai < 0 || ai >= c->A)
          return rlc_error(RLC_ERR_ARG, "%s: action %d of env %d outside the action space",
                           a->cls->name, (int)ai + c->act_start, i);
      }
    fill_slot(c, b->obs, b->actions);
  }
  c->pending = false;
  size_t k = rlc_rollout_at(ro, ro->t, 0);
  if (c->set.norm_reward) {
    rlc_reward_norm_step(&c->rew_norm, ro->rewards + k, b->reward, b->terminated, b->truncated);
  } else {
    for (int i = 0; i < N; i++) ro->rewards[k + i] = (float)b->reward[i];
  }
  memcpy(ro->terminated + k, b->terminated, sizeof(bool) * N);
  memcpy(ro->truncated + k, b->truncated, sizeof(bool) * N);
  // A time limit cut the episode: its last step bootstraps from V(final obs).
  int nt = 0;
  for (int i = 0; i < N; i++)
    if (b->truncated[i] && !b->terminated[i]) c->idx[nt++] = i;
  if (nt) {
    const float *next = input_of(c, b->next_obs, N);
    for (int j = 0; j < nt; j++)
      memcpy(c->mb_obs + (size_t)j * c->O, next + (size_t)c->idx[j] * c->O, sizeof(float) * c->O);
    const float *x = prep_obs(c, c->x, c->mb_obs, nt);
    values_of(c, c->mb_val, x, nt);
    for (int j = 0; j < nt; j++) ro->final_values[k + c->idx[j]] = c->mb_val[j];
  }
  ro->t++;
  if (ro->t == ro->num_steps) {
    const float *x = prep_obs(c, c->x, input_of(c, b->next_obs, N), N);
    values_of(c, ro->last_values, x, N);
  }
  return RLC_OK;
}

//------------------------------------------------------------------------------
// Updating
//------------------------------------------------------------------------------

// One gradient step on minibatch indices idx (M): returns the total loss.
static double minibatch_step(AC *c, const int *idx, int M) {
  rlcRollout *ro = c->ro;
  int O = c->O, A = c->A;
  for (int j = 0; j < M; j++) {
    int k = idx[j];
    memcpy(c->mb_obs + (size_t)j * O, rlc_rollout_obs(ro, k), sizeof(float) * O);  // as the policy saw it
    if (c->discrete) c->mb_act_i[j] = ro->act_i[k];
    else memcpy(c->mb_act_f + (size_t)j * A, ro->act_f + (size_t)k * A, sizeof(float) * A);
    c->mb_logp[j] = ro->logp[k];
    c->mb_adv[j] = ro->adv[k];
    c->mb_ret[j] = ro->ret[k];
    c->mb_val[j] = ro->values[k];
  }
  if (c->set.norm_adv) rlc_normalize_advantages(c->mb_adv, M);
  rlc_net_zero_grad(c->actor);
  rlc_net_zero_grad(c->critic);
  // Actor: policy term and entropy bonus, loss = pg - ent_coef * H.
  const float *y = rlc_net_forward(c->actor, c->mb_obs, M);
  double pg, ent;
  if (c->discrete) {
    if (c->ppo)
      pg = rlc_ppo_clip_categorical(c->dout, c->ratio, y, c->mb_act_i, c->mb_logp, c->mb_adv, c->set.clip_coef, M, A);
    else
      pg = rlc_pg_categorical(c->dout, NULL, y, c->mb_act_i, c->mb_adv, M, A);
    ent = rlc_entropy_categorical(c->dent, y, M, A);
    size_t n = (size_t)M * A;
    for (size_t i = 0; i < n; i++) c->dout[i] -= (float)(c->set.ent_coef * c->dent[i]);
  } else {
    const float *ls = log_std_of(c);
    float dl[MAX_DIMS], dle[MAX_DIMS];
    split_mean(c, c->mean, y, M);
    if (c->ppo)
      pg = rlc_ppo_clip_gaussian(c->dmean, dl, c->ratio, c->mean, ls, c->mb_act_f, c->mb_logp,
                                 c->mb_adv, c->set.clip_coef, M, A);
    else
      pg = rlc_pg_gaussian(c->dmean, dl, NULL, c->mean, ls, c->mb_act_f, c->mb_adv, M, A);
    ent = rlc_entropy_gaussian(dle, ls, A);
    // dout rows are [dmean | dlog_std]; the head sums log_std rows over the
    // batch, so the whole log_std gradient goes in the first row.
    memset(c->dout, 0, sizeof(float) * (size_t)M * c->outs);
    for (int b = 0; b < M; b++)
      memcpy(c->dout + (size_t)b * c->outs, c->dmean + (size_t)b * A, sizeof(float) * A);
    for (int d = 0; d < A; d++) c->dout[A + d] = (float)(dl[d] - c->set.ent_coef * dle[d]);
  }
  rlc_net_backward(c->actor, c->dout, NULL);
  // Critic: vf_coef * 0.5 * mean(max((v - R)^2, (v_clipped - R)^2)).
  const float *v = rlc_net_forward(c->critic, c->mb_obs, M);
  double vl = 0.0, g = c->set.vf_coef / M;
  for (int j = 0; j < M; j++) {
    double d1 = (double)v[j] - c->mb_ret[j], l1 = d1 * d1;
    if (c->ppo && c->set.clip_vloss) {
      double dv = (double)v[j] - c->mb_val[j];
      bool inside = dv > -c->set.clip_coef && dv < c->set.clip_coef;
      double vc = c->mb_val[j] + (dv < -c->set.clip_coef ? -c->set.clip_coef : dv > c->set.clip_coef ? c->set.clip_coef : dv);
      double d2 = vc - c->mb_ret[j], l2 = d2 * d2;
      if (l1 >= l2) {
        vl += l1;
        c->dv[j] = (float)(g * d1);
      } else {
        vl += l2;
        c->dv[j] = inside ? (float)(g * d2) : 0.0f;
      }
    } else {
      vl += l1;
      c->dv[j] = (float)(g * d1);
    }
  }
  vl = 0.5 * vl / M;
  rlc_net_backward(c->critic, c->dv, NULL);
  // One global norm over both nets, as clip_grad_norm_(agent.parameters()).
  if (c->set.max_grad_norm > 0) {
    double na = rlc_clip_grad_norm(c->actor->grads, c->actor->n_params, 0);
    double nc = rlc_clip_grad_norm(c->critic->grads, c->critic->n_params, 0);
    double norm = sqrt(na * na + nc * nc);
    if (isfinite(norm) && norm > c->set.max_grad_norm) {
      float scale = (float)(c->set.max_grad_norm / (norm + 1e-6));
      for (size_t i = 0; i < c->actor->n_params; i++) c->actor->grads[i] *= scale;
      for (size_t i = 0; i < c->critic->n_params; i++) c->critic->grads[i] *= scale;
    }
  }
  rlc_optim_step(c->actor_opt, c->actor->params, c->actor->grads, c->lr);
  rlc_optim_step(c->critic_opt, c->critic->params, c->critic->grads, c->lr);
  c->updates++;
  double loss = pg - c->set.ent_coef * ent + c->set.vf_coef * vl;
  c->loss_sum += loss;
  c->loss_n++;
  c->pg_sum += pg;
  c->v_sum += vl;
  c->ent_sum += ent;
  c->stat_n++;
  return loss;
}

// Approximate KL (CleanRL's (r - 1) - log r) and the clipped fraction of the
// last minibatch's ratios.
static void ratio_stats(const AC *c, int M, double *kl, double *clipfrac) {
  double s = 0.0, f = 0.0;
  for (int j = 0; j < M; j++) {
    double r = c->ratio[j];
    s += (r - 1.0) - log(r);
    f += fabs(r - 1.0) > c->set.clip_coef;
  }
  *kl = s / M;
  *clipfrac = f / M;
}

static rlcStatus ac_update(rlcAgent *a) {
  AC *c = (AC *)a;
  rlcRollout *ro = c->ro;
  if (ro->t < ro->num_steps) return RLC_OK;
  c->lr = rlc_schedule_value(&c->lr_sched, (double)c->iterations);
  c->pg_sum = c->v_sum = c->ent_sum = c->kl_sum = c->clipfrac_sum = 0.0;  // this iteration's statistics
  c->stat_n = 0;
  rlc_rollout_compute(ro, c->set.gamma, c->set.gae_lambda);
  int batch = ro->num_steps * ro->num_envs;
  int mb = (batch + c->set.num_minibatches - 1) / c->set.num_minibatches;
  for (int i = 0; i < batch; i++) c->perm[i] = i;
  for (int e = 0; e < c->set.update_epochs; e++) {
    // Shuffle (numpy's permutation order is not reproduced; only the idea).
    if (c->set.num_minibatches > 1)
      for (int i = batch - 1; i > 0; i--) {
        int j = (int)rlc_rng_integers(&c->rng, 0, i + 1), t = c->perm[i];
        c->perm[i] = c->perm[j];
        c->perm[j] = t;
      }
    double kl = 0.0;
    for (int s0 = 0; s0 < batch; s0 += mb) {
      int M = batch - s0 < mb ? batch - s0 : mb;
      minibatch_step(c, c->perm + s0, M);
      if (c->ppo) {
        double cf;
        ratio_stats(c, M, &kl, &cf);
        c->kl_sum += kl;
        c->clipfrac_sum += cf;
      }
    }
    // CleanRL stops the epochs when the last minibatch's KL passes the target.
    if (c->ppo && c->set.target_kl > 0 && kl > c->set.target_kl) break;
  }
  c->iterations++;
  ro->t = 0;
  return RLC_OK;
}

//------------------------------------------------------------------------------
// Info, checkpoints
//------------------------------------------------------------------------------

// The loss over all updates; the other scalars are the last iteration's means.
static void ac_info(const rlcAgent *a, rlcAgentInfo *out) {
  const AC *c = (const AC *)a;
  memset(out, 0, sizeof *out);
  double n = c->stat_n;
  out->loss_sum = c->loss_sum;
  out->loss_count = c->loss_n;
  out->epsilon = out->temperature = NAN;
  out->lr = c->lr;
  out->updates = c->updates;
  out->n_extra = c->ppo ? 4 : 3;
  out->extra_name[0] = "entropy";
  out->extra[0] = n ? c->ent_sum / n : NAN;
  out->extra_name[1] = "value_loss";
  out->extra[1] = n ? c->v_sum / n : NAN;
  if (c->ppo) {
    out->extra_name[2] = "approx_kl";
    out->extra[2] = n ? c->kl_sum / n : NAN;
    out->extra_name[3] = "clipfrac";
    out->extra[3] = n ? c->clipfrac_sum / n : NAN;
  } else {
    out->extra_name[2] = "policy_loss";
    out->extra[2] = n ? c->pg_sum / n : NAN;
  }
  for (int k = 0; k < 4; k++) out->extra_ref[k] = NAN;
}

static void ac_save(const rlcAgent *a, rlcBuf *b) {
  const AC *c = (const AC *)a;
  rlc_buf_put_tag(b, a->cls->name);
  rlc_buf_put(b, &c->rng, sizeof c->rng);
  rlc_buf_put(b, &c->iterations, sizeof c->iterations);
  rlc_buf_put(b, &c->updates, sizeof c->updates);
  rlc_buf_put(b, &c->lr, sizeof c->lr);
  // The schedule's horizon as the run began (a resumed run may be given more steps).
  rlc_buf_put(b, &c->lr_sched.steps, sizeof c->lr_sched.steps);
  rlc_buf_put(b, &c->loss_sum, sizeof c->loss_sum);
  rlc_buf_put(b, &c->loss_n, sizeof c->loss_n);
  double st[5] = {c->pg_sum, c->v_sum, c->ent_sum, c->kl_sum, c->clipfrac_sum};
  rlc_buf_put(b, st, sizeof st);
  rlc_buf_put(b, &c->stat_n, sizeof c->stat_n);
  uint8_t pending = c->pending;
  rlc_buf_put(b, &pending, 1);
  rlc_buf_put(b, c->pending_act, c->act_bytes * a->num_envs);
  rlc_net_state_put(c->actor, b);
  rlc_net_state_put(c->critic, b);
  rlc_optim_state_put(c->actor_opt, b);
  rlc_optim_state_put(c->critic_opt, b);
  rlc_rms_state_put(&c->obs_rms, b);
  rlc_reward_norm_state_put(&c->rew_norm, b);
  rlc_rollout_state_put(c->ro, b);
}

static rlcStatus ac_load(rlcAgent *a, rlcBuf *b) {
  AC *c = (AC *)a;
  uint8_t pending = 0;
  rlcStatus s = rlc_buf_get_tag(b, a->cls->name);
  if (!s) s = rlc_rng_state_get(&c->rng, b);
  if (!s) s = rlc_buf_get(b, &c->iterations, sizeof c->iterations);
  if (!s) s = rlc_buf_get(b, &c->updates, sizeof c->updates);
  if (!s) s = rlc_buf_get(b, &c->lr, sizeof c->lr);
  if (!s) s = rlc_buf_get(b, &c->lr_sched.steps, sizeof c->lr_sched.steps);
  if (!s) s = rlc_buf_get(b, &c->loss_sum, sizeof c->loss_sum);
  if (!s) s = rlc_buf_get(b, &c->loss_n, sizeof c->loss_n);
  double st[5];
  if (!s) s = rlc_buf_get(b, st, sizeof st);
  if (!s) s = rlc_buf_get(b, &c->stat_n, sizeof c->stat_n);
  if (!s) c->pg_sum = st[0], c->v_sum = st[1], c->ent_sum = st[2], c->kl_sum = st[3], c->clipfrac_sum = st[4];
  if (!s) s = rlc_buf_get(b, &pending, 1);
  if (!s) s = rlc_buf_get(b, c->pending_act, c->act_bytes * a->num_envs);
  if (!s) s = rlc_net_state_get(c->actor, b);
  if (!s) s = rlc_net_state_get(c->critic, b);
  if (!s) s = rlc_optim_state_get(c->actor_opt, b);
  if (!s) s = rlc_optim_state_get(c->critic_opt, b);
  if (!s) s = rlc_rms_state_get(&c->obs_rms, b);
  if (!s) s = rlc_reward_norm_state_get(&c->rew_norm, b);
  if (!s) s = rlc_rollout_state_get(c->ro, b);
  // Stored actions index the policy's logits in the update.
  for (size_t i = 0; !s && c->discrete && i < (size_t)c->set.num_steps * a->num_envs; i++)
    if (c->ro->act_i[i] < 0 || c->ro->act_i[i] >= c->A)
      s = rlc_error(RLC_ERR_FORMAT, "%s: corrupted checkpoint (action %d)", a->cls->name, (int)c->ro->act_i[i]);
  const int64_t lim = (int64_t)1 << 62;
  if (!s && (pending > 1 || c->iterations < 0 || c->iterations > lim || c->updates < 0 || c->updates > lim ||
             c->loss_n < 0 || c->loss_n > lim || c->stat_n < 0 || c->stat_n > lim))
    s = rlc_error(RLC_ERR_FORMAT, "%s: corrupted checkpoint (counters out of range)", a->cls->name);
  c->pending = !s && pending;
  return s;
}

//------------------------------------------------------------------------------
// Classes
//------------------------------------------------------------------------------

#define AC_CLASS(sym, nm, doc_, n_set, defaults_, presets_, create_fn)                            \
  const rlcAgentClass sym = {.name = nm, .doc = doc_, .settings = settings, .n_settings = n_set,    \
                             .settings_size = sizeof(AcSettings), .defaults = defaults_,           \
                             .presets = presets_, .n_presets = (int)(sizeof presets_ / sizeof presets_[0]), \
                             .create = create_fn, .destroy = ac_destroy, .act = ac_act,            \
                             .observe = ac_observe, .update = ac_update, .info = ac_info,          \
                             .save = ac_save, .load = ac_load};

AC_CLASS(agents_ppo, "ppo", "PPO with clipped surrogate, GAE, minibatch epochs (CleanRL), discrete or Gaussian",
         N_SETTINGS, NULL, ppo_presets, ppo_create)
AC_CLASS(agents_a2c, "a2c", "advantage actor-critic, synchronous (SB3's A2C), discrete or Gaussian",
         N_SETTINGS - 3, A2C_DEFAULTS, a2c_presets, a2c_create)
