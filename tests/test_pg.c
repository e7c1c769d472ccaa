// tests/test_pg.c: the policy-gradient agents (imitation, reinforce, a2c,
// ppo) driven by a plain loop over a vector env, as the training driver
// does: a short learning run per agent, the same seed giving the same
// numbers, save -> load -> continue equal to an uninterrupted run, info
// fields, and unsupported spaces and bad hyperparameters refused with
// one-line errors.
// Depends on: tests/test.h, rlc/agent.h, rlc/env.h (src/agents/pg.c, ppo.c,
// src/data/rollout.c).
#include <stdlib.h>

#include "test.h"

//------------------------------------------------------------------------------
// A tiny training loop (the driver's collect -> observe -> update)
//------------------------------------------------------------------------------

typedef struct Loop {
  rlcVecEnv *v;
  rlcAgent *ag;
  int N;
  char *prev, *next, *acts;
} Loop;

static bool loop_init(Loop *l, const char *algo, const char *env, const char *env_opts,
                      const char *settings, uint64_t seed, int N) {
  memset(l, 0, sizeof *l);
  rlcEnvSpec *spec;
  rlcVecEnvDef vd = rlc_vec_env_default_def();
  vd.num_envs = N;
  CHECK_OK(rlc_env_spec_create(env, env_opts, &spec));
  CHECK_OK(rlc_vec_env_create_from_spec(spec, &vd, &l->v));
  if (!l->v) return false;
  CHECK_OK(rlc_agent_create(algo, l->v->spec, settings, seed, N, &l->ag));
  if (!l->ag) return false;
  CHECK_OK(rlc_vec_env_reset(l->v, (int64_t)seed));
  l->N = N;
  l->prev = malloc(l->v->obs_bytes * N);
  l->next = malloc(l->v->obs_bytes * N);
  l->acts = malloc(l->v->act_bytes * N);
  return true;
}

static void loop_free(Loop *l) {
  rlc_agent_destroy(l->ag);
  rlc_vec_env_destroy(l->v);
  free(l->prev), free(l->next), free(l->acts);
}

// Runs `steps` vector steps; returns the mean return of the episodes that
// ended in the last quarter of them (NAN: none).
static double loop_run(Loop *l, int steps) {
  rlcVecEnv *v = l->v;
  double sum = 0;
  int n = 0;
  for (int s = 0; s < steps; s++) {
    rlcStatus st = rlc_run_step(l->ag, v, true, l->prev, l->acts, l->next);
    if (st) {
      CHECK_OK(st);
      return NAN;
    }
    for (int i = 0; i < l->N; i++)
      if ((v->terminated[i] || v->truncated[i]) && s >= steps - steps / 4) sum += v->final_return[i], n++;
  }
  return n ? sum / n : NAN;
}

// Mean greedy return over `episodes` fresh episodes seeded seed, seed + 1, ...
static double greedy_return(rlcAgent *ag, const char *env, const char *opts, int episodes,
                            int64_t seed) {
  rlcEnv *e;
  CHECK_OK(rlc_env_create(env, opts, &e));
  if (!e) return NAN;
  char obs[256], act[64];
  double total = 0;
  for (int k = 0; k < episodes; k++) {
    bool term = false, trunc = false;
    double r;
    CHECK_OK(rlc_env_reset(e, seed + k, obs));
    while (!term && !trunc) {
      ag->cls->act(ag, obs, 1, false, act);
      CHECK_OK(rlc_env_step(e, act, obs, &r, &term, &trunc));
      total += r;
    }
  }
  rlc_env_destroy(e);
  return total / episodes;
}

static void snapshot(const rlcAgent *ag, rlcBuf *b) {
  memset(b, 0, sizeof *b);
  ag->cls->save(ag, b);
  CHECK_OK(b->err);
}

static bool same_bytes(const rlcBuf *a, const rlcBuf *b) {
  return a->len == b->len && !memcmp(a->data, b->data, a->len);
}

//------------------------------------------------------------------------------
// Learning
//------------------------------------------------------------------------------

// The book's imitation: the network ends up acting like the teacher (the
// basic policy: left when the pole leans left).
TEST(pg_imitation_copies_the_teacher) {
  Loop l;
  if (!loop_init(&l, "imitation", "CartPole-v1", NULL, "", 0, 50)) return;
  loop_run(&l, 5000);
  rlcAgentInfo info;
  l.ag->cls->info(l.ag, &info);
  CHECK_EQ_INT(info.updates, 5000);
  double loss = info.loss_sum / (double)info.loss_count;  // over all 5000 updates
  CHECK(loss > 0 && loss < 0.4);
  CHECK_NEAR(info.lr, 0.001, 1e-15);
  // Agreement with the teacher on states the teacher visits.
  rlcEnv *e;
  CHECK_OK(rlc_env_create("CartPole-v1", NULL, &e));
  float obs[4];
  int32_t a, t;
  int agree = 0, n = 0;
  CHECK_OK(rlc_env_reset(e, 5, obs));
  for (int s = 0; s < 2000; s++) {
    l.ag->cls->act(l.ag, obs, 1, false, &a);
    CHECK_OK(rlc_env_heuristic(e, obs, &t));
    agree += a == t, n++;
    bool term, trunc;
    double r;
    CHECK_OK(rlc_env_step(e, &t, obs, &r, &term, &trunc));
    if (term || trunc) CHECK_OK(rlc_env_reset(e, RLC_NO_SEED, obs));
  }
  rlc_env_destroy(e);
  CHECK_MSG(agree >= 0.9 * n, "agrees with the teacher on %d of %d states", agree, n);
  double g = greedy_return(l.ag, "CartPole-v1", NULL, 20, 100);
  CHECK_MSG(g > 30 && g < 70, "greedy return %.1f (the teacher's is about 42)", g);
  loop_free(&l);
}

// The homl-reinforce settings for 60 iterations (the preset runs 150).
TEST(pg_reinforce_learns_cartpole) {
  Loop l;
  if (!loop_init(&l, "reinforce", "CartPole-v1", "max_episode_steps=200", "", 3, 1)) return;
  rlcAgentInfo info;
  double before = greedy_return(l.ag, "CartPole-v1", "max_episode_steps=200", 5, 100);
  for (int it = 0; it < 1000000; it++) {
    loop_run(&l, 1);
    l.ag->cls->info(l.ag, &info);
    if (info.updates >= 60) break;
  }
  CHECK_EQ_INT(info.updates, 60);
  CHECK(info.n_extra == 1 && !strcmp(info.extra_name[0], "iteration_return"));
  double after = greedy_return(l.ag, "CartPole-v1", "max_episode_steps=200", 10, 100);
  CHECK_MSG(after > 120 && after > before + 50, "greedy return %.1f -> %.1f", before, after);
  loop_free(&l);
}

TEST(pg_reinforce_softmax_and_baseline) {
  // Softmax head over 2 actions with a learned baseline, 4 envs at once.
  Loop l;
  if (!loop_init(&l, "reinforce", "CartPole-v1", "max_episode_steps=200",
                 "head=softmax,hidden=16,activation=relu,baseline=true,lr=0.01", 1, 4))
    return;
  loop_run(&l, 15000);
  rlcAgentInfo info;
  l.ag->cls->info(l.ag, &info);
  CHECK(info.updates > 20);
  double g = greedy_return(l.ag, "CartPole-v1", "max_episode_steps=200", 10, 100);
  CHECK_MSG(g > 100, "greedy return %.1f", g);
  loop_free(&l);
}

// The default (rl-zoo) PPO settings for CartPole, 24k steps.
TEST(pg_ppo_learns_cartpole) {
  Loop l;
  if (!loop_init(&l, "ppo", "CartPole-v1", NULL,
                 "num_steps=32,lr=1e-3,anneal_steps=100000,gamma=0.98,gae_lambda=0.8,"
                 "num_minibatches=1,update_epochs=20,ent_coef=0",
                 1, 8))
    return;
  loop_run(&l, 3000);
  rlcAgentInfo info;
  l.ag->cls->info(l.ag, &info);
  CHECK_EQ_INT(info.updates, 3000 / 32 * 20);
  CHECK_NEAR(info.lr, 1e-3 * (1 - (3000 / 32 - 1) / (double)(100000 / 256)), 1e-12);
  CHECK(info.n_extra == 4 && !strcmp(info.extra_name[0], "entropy") && info.extra[0] > 0);
  double g = greedy_return(l.ag, "CartPole-v1", NULL, 5, 100);
  CHECK_MSG(g > 200, "greedy return %.1f", g);
  loop_free(&l);
}

TEST(pg_a2c_learns_cartpole) {
  Loop l;
  if (!loop_init(&l, "a2c", "CartPole-v1", NULL, "", 3, 8)) return;
  loop_run(&l, 12500);  // 100k env steps
  rlcAgentInfo info;
  l.ag->cls->info(l.ag, &info);
  CHECK_EQ_INT(info.updates, 12500 / 5);
  CHECK(info.n_extra == 3 && !strcmp(info.extra_name[2], "policy_loss"));
  double g = greedy_return(l.ag, "CartPole-v1", NULL, 5, 100);
  CHECK_MSG(g > 100, "greedy return %.1f", g);
  loop_free(&l);
}

// Gaussian policy with observation and reward normalization: 41k steps of
// Pendulum take the greedy return well above a random policy's ~-1200.
TEST(pg_ppo_gaussian_learns_pendulum) {
  Loop l;
  if (!loop_init(&l, "ppo", "Pendulum-v1", NULL,
                 "num_steps=256,lr=1e-3,anneal_lr=false,gamma=0.9,num_minibatches=16,"
                 "update_epochs=10,ent_coef=0,norm_obs=true,norm_reward=true",
                 1, 4))
    return;
  double before = greedy_return(l.ag, "Pendulum-v1", NULL, 5, 100);
  loop_run(&l, 10240);
  double after = greedy_return(l.ag, "Pendulum-v1", NULL, 5, 100);
  CHECK_MSG(after > -700 && after > before + 300, "greedy return %.1f -> %.1f", before, after);
  loop_free(&l);
}

//------------------------------------------------------------------------------
// Same seed, same numbers; save -> load -> continue
//------------------------------------------------------------------------------

typedef struct Case {
  const char *algo, *env, *env_opts, *settings;
  int N, steps1, steps2;
} Case;

static const Case cases[] = {
    {"imitation", "CartPole-v1", NULL, "", 5, 37, 40},
    {"reinforce", "CartPole-v1", "max_episode_steps=50", "episodes_per_update=3", 2, 101, 150},
    {"reinforce", "Acrobot-v1", "max_episode_steps=30", "baseline=true,optimizer=nadam,episodes_per_update=4", 3, 47, 60},
    {"a2c", "CartPole-v1", NULL, "", 4, 23, 30},
    {"ppo", "CartPole-v1", NULL, "num_steps=16,num_minibatches=4,update_epochs=2,norm_obs=true,norm_reward=true,anneal_steps=10000", 3, 41, 40},
    {"ppo", "Pendulum-v1", NULL, "num_steps=16,num_minibatches=2,update_epochs=2,norm_obs=true,norm_reward=true,target_kl=0.01", 2, 41, 40},
    {"a2c", "MountainCarContinuous-v0", "max_episode_steps=20", "num_steps=4", 2, 23, 30},
};
#define N_CASES (int)(sizeof cases / sizeof cases[0])

TEST(pg_same_seed_same_numbers) {
  for (int c = 0; c < N_CASES; c++) {
    const Case *k = &cases[c];
    Loop a, b, d;
    if (!loop_init(&a, k->algo, k->env, k->env_opts, k->settings, 11, k->N)) return;
    if (!loop_init(&b, k->algo, k->env, k->env_opts, k->settings, 11, k->N)) return;
    if (!loop_init(&d, k->algo, k->env, k->env_opts, k->settings, 12, k->N)) return;
    loop_run(&a, k->steps1 + k->steps2);
    loop_run(&b, k->steps1 + k->steps2);
    loop_run(&d, k->steps1 + k->steps2);
    rlcBuf sa, sb, sd;
    snapshot(a.ag, &sa);
    snapshot(b.ag, &sb);
    snapshot(d.ag, &sd);
    CHECK_MSG(same_bytes(&sa, &sb), "%s on %s: same seed, different state", k->algo, k->env);
    CHECK_MSG(!same_bytes(&sa, &sd), "%s on %s: another seed, same state", k->algo, k->env);
    rlcAgentInfo ia, ib;
    a.ag->cls->info(a.ag, &ia);
    b.ag->cls->info(b.ag, &ib);
    CHECK_MSG(ia.updates > 0 && ia.updates == ib.updates, "%s on %s: %lld and %lld updates", k->algo, k->env, (long long)ia.updates, (long long)ib.updates);
    CHECK(ia.loss_count == ib.loss_count && memcmp(&ia.loss_sum, &ib.loss_sum, sizeof ia.loss_sum) == 0);
    rlc_buf_free(&sa), rlc_buf_free(&sb), rlc_buf_free(&sd);
    loop_free(&a), loop_free(&b), loop_free(&d);
  }
}

TEST(pg_save_load_continue_equals_uninterrupted) {
  for (int c = 0; c < N_CASES; c++) {
    const Case *k = &cases[c];
    Loop a, b;
    if (!loop_init(&a, k->algo, k->env, k->env_opts, k->settings, 5, k->N)) return;
    if (!loop_init(&b, k->algo, k->env, k->env_opts, k->settings, 5, k->N)) return;
    loop_run(&a, k->steps1 + k->steps2);
    // b stops mid-rollout / mid-episode, is saved, replaced by a fresh agent
    // that loads the checkpoint, and goes on with the same envs.
    loop_run(&b, k->steps1);
    rlcBuf ck;
    snapshot(b.ag, &ck);
    rlc_agent_destroy(b.ag);
    b.ag = NULL;
    CHECK_OK(rlc_agent_create(k->algo, b.v->spec, k->settings, 999, k->N, &b.ag));
    if (!b.ag) return;
    CHECK_OK(b.ag->cls->load(b.ag, &ck));
    CHECK_EQ_INT(ck.pos, ck.len);
    loop_run(&b, k->steps2);
    rlcBuf sa, sb;
    snapshot(a.ag, &sa);
    snapshot(b.ag, &sb);
    CHECK_MSG(same_bytes(&sa, &sb), "%s on %s: resumed run differs", k->algo, k->env);
    // A truncated checkpoint is an error, not a crash.
    rlcBuf cut = {ck.data, ck.len / 2, ck.cap, 0, RLC_OK};
    CHECK(b.ag->cls->load(b.ag, &cut) != RLC_OK);
    rlc_buf_free(&ck), rlc_buf_free(&sa), rlc_buf_free(&sb);
    loop_free(&a), loop_free(&b);
  }
}

//------------------------------------------------------------------------------
// Refusals
//------------------------------------------------------------------------------

// An env without a hand-written policy (nothing for imitation to copy).
static void nt_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  memset(obs, 0, 2 * sizeof(float));
}
static void nt_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action,
                    void *obs, double *reward, bool *terminated, bool *truncated) {
  memset(obs, 0, 2 * sizeof(float));
  *reward = 1;
  *terminated = *truncated = false;
}
static const rlcEnvClass nt_class = {.name = "NoTeacher", .state_size = 1, .reset = nt_reset, .step = nt_step};
static rlcStatus nt_make(rlcEnvSpec *spec, rlcOpts *opts) {
  const float lo[2] = {-1, -1}, hi[2] = {1, 1};
  spec->observation_space = rlc_space_box(2, lo, hi);
  spec->action_space = rlc_space_discrete(2);
  spec->cls = &nt_class;
  return RLC_OK;
}

static rlcStatus make_agent(const char *algo, const char *env, const char *settings) {
  rlcEnvSpec *spec;
  rlcStatus s = rlc_env_spec_create(env, NULL, &spec);
  if (s) return s;
  rlcAgent *ag = NULL;
  s = rlc_agent_create(algo, spec, settings, 0, 2, &ag);
  if (s) {
    const char *msg = rlc_last_error();
    CHECK_MSG(msg[0] && !strchr(msg, '\n'), "%s: error text '%s'", algo, msg);
  }
  rlc_agent_destroy(ag);
  rlc_env_spec_destroy(spec);
  return s;
}

TEST(pg_refuses_unsupported_spaces) {
  static const char *algos[] = {"imitation", "reinforce", "a2c", "ppo"};
  for (int i = 0; i < 4; i++) {
    CHECK_ERR(make_agent(algos[i], "FrozenLake-v1", ""), RLC_ERR_UNSUPPORTED);  // Discrete observations
    CHECK_OK(make_agent(algos[i], "Acrobot-v1", ""));                           // 3 actions: softmax
  }
  CHECK_ERR(make_agent("imitation", "Pendulum-v1", ""), RLC_ERR_UNSUPPORTED);  // Box actions
  CHECK_ERR(make_agent("reinforce", "Pendulum-v1", ""), RLC_ERR_UNSUPPORTED);
  CHECK_OK(make_agent("ppo", "Pendulum-v1", ""));
  CHECK_OK(make_agent("a2c", "MountainCarContinuous-v0", ""));
  static const rlcEnvRegistration reg = {"PgNoTeacher-v0", nt_make, 10, NAN, NULL, "test env without a heuristic", NULL};
  if (!rlc_env_registry_find(reg.id)) CHECK_OK(rlc_env_register(&reg));
  CHECK_ERR(make_agent("imitation", "PgNoTeacher-v0", ""), RLC_ERR_UNSUPPORTED);
  CHECK(strstr(rlc_last_error(), "heuristic") != NULL);
  CHECK_OK(make_agent("reinforce", "PgNoTeacher-v0", ""));
}

TEST(pg_refuses_bad_hyperparameters) {
  static const char *bad_ppo[] = {
      "lr=-1", "lr=0", "gamma=1.5", "gae_lambda=-0.1", "num_steps=0", "num_minibatches=0",
      "num_steps=4,num_minibatches=9", "update_epochs=0", "clip_coef=0", "ent_coef=-1",
      "max_grad_norm=-1", "hidden=abc", "hidden=64-0", "activation=softplus", "optimizer=lbfgs",
      "eps=0", "rho=1", "norm_obs=maybe", "clip_obs=-1", "lr=abc", "no_such_option=1",
  };
  for (size_t i = 0; i < sizeof bad_ppo / sizeof bad_ppo[0]; i++)
    CHECK_MSG(make_agent("ppo", "CartPole-v1", bad_ppo[i]) == RLC_ERR_ARG, "ppo accepted %s", bad_ppo[i]);
  CHECK_ERR(make_agent("a2c", "CartPole-v1", "clip_coef=0.2"), RLC_ERR_ARG);  // not an A2C option
  static const char *bad_pg[] = {
      "episodes_per_update=0", "gamma=-0.5", "head=tanh", "init=he", "lr=-0.01", "hidden=5-",
      "max_steps_per_episode=0",
  };
  for (size_t i = 0; i < sizeof bad_pg / sizeof bad_pg[0]; i++)
    CHECK_MSG(make_agent("reinforce", "CartPole-v1", bad_pg[i]) == RLC_ERR_ARG, "reinforce accepted %s",
              bad_pg[i]);
  CHECK_ERR(make_agent("reinforce", "Acrobot-v1", "head=sigmoid"), RLC_ERR_ARG);  // 3 actions
  CHECK_ERR(make_agent("imitation", "CartPole-v1", "optimizer=lbfgs"), RLC_ERR_ARG);
  CHECK_ERR(make_agent("imitation", "CartPole-v1", "rho=2"), RLC_ERR_ARG);
}

TEST(pg_presets_resolve) {
  // Every preset's algorithm settings are known parameters of its algorithm
  // (driver names aside) and create an agent where its env exists.
  int nd;
  const rlcSetting *driver = rlc_run_settings(&nd);
  static const char *algos[] = {"imitation", "reinforce", "a2c", "ppo"};
  const rlcAgentClass *cls;
  CHECK(rlc_preset_find("homl-imitation", &cls) && !strcmp(cls->name, "imitation"));
  CHECK(rlc_preset_find("homl-reinforce", &cls) && !strcmp(cls->name, "reinforce"));
  CHECK(rlc_preset_find("homl-lander-reinforce", &cls) && !strcmp(cls->name, "reinforce"));
  CHECK(rlc_preset_find("cleanrl-ppo", &cls) && !strcmp(cls->name, "ppo"));
  for (int a = 0; a < 4; a++) {
    cls = rlc_agent_find(algos[a]);
    CHECK(cls != NULL);
    if (!cls) continue;
    for (int p = 0; p < cls->n_presets; p++) {
      const rlcPreset *pr = &cls->presets[p];
      rlcOpts cfg = {0};
      CHECK_OK(rlc_agent_settings_resolve(cls, NULL, &cfg));
      CHECK_OK(rlc_settings_apply(&cfg, pr->settings, cls->settings, cls->n_settings, driver, nd, "preset"));
      rlcEnvSpec *spec;
      if (rlc_env_spec_create(pr->env, NULL, &spec) != RLC_OK) continue;  // LunarLander: not yet
      int N = 1;
      rlc_opts_int(&cfg, "num_envs", 1, &N);
      rlcAgent *ag = NULL;
      CHECK_OK(rlc_agent_create_from_config(cls, spec, &cfg, 1, N, 0, &ag));
      rlc_agent_destroy(ag);
      rlc_env_spec_destroy(spec);
    }
  }
}
