// test_offpolicy.c: DDPG, TD3 and SAC. The squashed Gaussian and the
// critic's input gradient against finite differences; one TD3 and one SAC
// update number for number against a hand computation (linear nets, SGD,
// fixed batch and noise); learning a tiny continuous task; exact resume;
// bad settings.
#include <stdlib.h>

#include "agents/offpolicy.h"
#include "rlc/run.h"
#include "test.h"

//------------------------------------------------------------------------------
// Kernels against finite differences
//------------------------------------------------------------------------------

// L = sum c . act + sum v . logp, in double from the kernel's float outputs.
static double squash_loss(const float *mean, const float *lstd, const float *eps, const float *c, const float *v,
                          int B, int D) {
  float act[16], logp[8];
  rlc_tanh_gaussian_forward(act, logp, mean, lstd, eps, B, D);
  double L = 0;
  for (int i = 0; i < B * D; i++) L += (double)c[i] * act[i];
  for (int b = 0; b < B; b++) L += (double)v[b] * logp[b];
  return L;
}

TEST(offpolicy_tanh_gaussian_matches_finite_differences) {
  enum { B = 3, D = 2 };
  float mean[B * D] = {0.3f, -1.2f, 0.05f, 0.8f, -0.4f, 1.5f};
  float lstd[B * D] = {-0.5f, 0.2f, -1.0f, 0.4f, 0.0f, -0.3f};
  float eps[B * D] = {0.7f, -1.1f, 0.2f, 1.6f, -0.3f, 0.9f};
  float c[B * D] = {0.5f, -1.0f, 2.0f, 0.3f, -0.7f, 1.1f}, v[B] = {0.9f, -0.4f, 1.3f};
  // The log-density from its definition: N(u; mean, std) minus the tanh
  // change of variables.
  float act[B * D], logp[B];
  rlc_tanh_gaussian_forward(act, logp, mean, lstd, eps, B, D);
  for (int b = 0; b < B; b++) {
    double lp = 0;
    for (int d = 0; d < D; d++) {
      int i = b * D + d;
      double sd = exp(lstd[i]), u = mean[i] + sd * eps[i];
      CHECK_NEAR(act[i], tanh(u), 1e-6);
      lp += -0.5 * pow((u - mean[i]) / sd, 2) - log(sd * sqrt(2 * M_PI)) - log(1 - tanh(u) * tanh(u) + 1e-6);
    }
    CHECK_NEAR(logp[b], lp, 1e-5);
  }
  float dm[B * D] = {0}, dl[B * D] = {0};
  rlc_tanh_gaussian_backward(dm, dl, c, v, act, lstd, eps, B, D);
  const float h = 1e-3f;
  for (int i = 0; i < B * D; i++) {
    float keep = mean[i];
    mean[i] = keep + h;
    double lp = squash_loss(mean, lstd, eps, c, v, B, D);
    mean[i] = keep - h;
    double lm = squash_loss(mean, lstd, eps, c, v, B, D);
    mean[i] = keep;
    CHECK_MSG(fabs(dm[i] - (lp - lm) / (2 * h)) < 2e-3, "dmean[%d] %g vs %g", i, dm[i], (lp - lm) / (2 * h));
    keep = lstd[i];
    lstd[i] = keep + h;
    lp = squash_loss(mean, lstd, eps, c, v, B, D);
    lstd[i] = keep - h;
    lm = squash_loss(mean, lstd, eps, c, v, B, D);
    lstd[i] = keep;
    CHECK_MSG(fabs(dl[i] - (lp - lm) / (2 * h)) < 2e-3, "dlog_std[%d] %g vs %g", i, dl[i], (lp - lm) / (2 * h));
  }
  // Backward accumulates.
  float dm2[B * D], dl2[B * D];
  for (int i = 0; i < B * D; i++) dm2[i] = 1.0f, dl2[i] = -1.0f;
  rlc_tanh_gaussian_backward(dm2, dl2, c, v, act, lstd, eps, B, D);
  for (int i = 0; i < B * D; i++) {
    CHECK_NEAR(dm2[i] - 1.0f, dm[i], 1e-6);
    CHECK_NEAR(dl2[i] + 1.0f, dl[i], 1e-6);
  }
}

// The critic's action gradient: the input gradient of a full backward, with
// the parameters' gradients left alone; and against finite differences.
TEST(offpolicy_net_backward_input) {
  rlcNetDef nd = rlc_net_default_def();
  CHECK_OK(rlc_net_def_mlp(&nd, "4-8-8-1", RLC_LAYER_RELU));
  nd.seed = 5;
  nd.max_batch = 8;
  rlcNet *net;
  CHECK_OK(rlc_net_create(&nd, &net));
  float x[3 * 4] = {0.1f, -0.5f, 0.9f, 0.3f, -1.0f, 0.2f, 0.4f, -0.7f, 0.6f, 0.6f, -0.2f, 0.1f};
  float w[3] = {1.0f, -2.0f, 0.5f}, dx[12], dx2[12];
  rlc_net_zero_grad(net);
  rlc_net_forward(net, x, 3);
  rlc_net_backward_input(net, w, dx);
  for (size_t i = 0; i < net->n_params; i++) CHECK_MSG(net->grads[i] == 0.0f, "grad %zu touched", i);
  rlc_net_backward(net, w, dx2);
  for (int i = 0; i < 12; i++) CHECK_NEAR(dx[i], dx2[i], 1e-7);
  const float h = 1e-3f;
  for (int i = 0; i < 12; i++) {
    float keep = x[i];
    double l[2];
    for (int k = 0; k < 2; k++) {
      x[i] = keep + (k ? -h : h);
      const float *q = rlc_net_forward(net, x, 3);
      l[k] = w[0] * q[0] + w[1] * q[1] + w[2] * q[2];
    }
    x[i] = keep;
    CHECK_MSG(fabs(dx[i] - (l[0] - l[1]) / (2 * h)) < 1e-3, "dx[%d] %g vs %g", i, dx[i], (l[0] - l[1]) / (2 * h));
  }
  rlc_net_destroy(net);
}

//------------------------------------------------------------------------------
// One update by hand: linear nets (hidden=none), SGD, a fixed batch of 4
// Pendulum transitions (obs 3, action 1) and fixed noise
//------------------------------------------------------------------------------

enum { HB = 4, HD = 3, HX = 4 };
static const float h_obs[HB * HD] = {0.9f, 0.4f, -1.5f, -0.2f, 0.98f, 3.0f, 0.5f, -0.86f, 0.7f, -1.0f, 0.0f, -4.2f};
static const float h_next[HB * HD] = {0.8f, 0.6f, -1.1f, -0.1f, 0.99f, 2.4f, 0.55f, -0.83f, 1.2f, -0.99f, 0.1f, -3.9f};
static const float h_act[HB] = {0.5f, -0.9f, 0.1f, 1.0f};
static const float h_rew[HB] = {-1.2f, -6.5f, -2.0f, -9.1f};
static const float h_disc[HB] = {0.99f, 0.99f, 0.0f, 0.99f};
static const float h_eps_next[HB] = {1.9f, -0.2f, -2.5f, 0.6f};
static const float h_eps[HB] = {-0.8f, 0.4f, 1.9f, -1.4f};

static rlcReplayBatch hand_batch(void) {
  rlcReplayBatch bt = {0};
  bt.n = HB;
  bt.obs = (void *)h_obs;
  bt.next_obs = (void *)h_next;
  bt.action_f = (float *)h_act;
  bt.reward = (float *)h_rew;
  bt.discount = (float *)h_disc;
  return bt;
}

static double dot_x(const double *w, const float *s, double a) {  // w (HX): obs then action
  double q = w[HX];
  for (int d = 0; d < HD; d++) q += w[d] * s[d];
  return q + w[HD] * a;
}

// A linear critic's (w, b) in double, and the net's params from them.
static void get_params(const rlcNet *n, double *p) {
  for (size_t i = 0; i < n->n_params; i++) p[i] = n->params[i];
}

static void set_random(rlcNet *n, rlcRng *r, double scale) {
  for (size_t i = 0; i < n->n_params; i++) n->params[i] = (float)rlc_rng_uniform(r, -scale, scale);
}

static void check_params(const rlcNet *n, const double *want, const char *what) {
  for (size_t i = 0; i < n->n_params; i++)
    CHECK_MSG(fabs(n->params[i] - want[i]) < 2e-5, "%s[%zu]: %.7f, by hand %.7f", what, i, n->params[i], want[i]);
}

static rlcEnvSpec *pendulum(void) {
  rlcEnvSpec *spec = NULL;
  CHECK_OK(rlc_env_spec_create("Pendulum-v1", "", &spec));
  return spec;
}

static double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

// Critic i toward y by SGD on scale x MSE; returns nothing, updates w.
static void critic_sgd(double *w, const double *y, double scale, double lr) {
  double g[HX + 1] = {0};
  for (int b = 0; b < HB; b++) {
    double e = 2.0 * scale * (dot_x(w, h_obs + b * HD, h_act[b]) - y[b]) / HB;
    for (int d = 0; d < HD; d++) g[d] += e * h_obs[b * HD + d];
    g[HD] += e * h_act[b];
    g[HX] += e;
  }
  for (int k = 0; k <= HX; k++) w[k] -= lr * g[k];
}

static void polyak(double *t, const double *o, int n, double tau) {
  for (int i = 0; i < n; i++) t[i] = tau * o[i] + (1 - tau) * t[i];
}

TEST(offpolicy_td3_update_by_hand) {
  rlcEnvSpec *spec = pendulum();
  rlcAgent *ag;
  CHECK_OK(rlc_agent_create("td3", spec,
                            "hidden=none,optimizer=sgd,lr=0.1,critic_lr=0.05,policy_delay=1,target_noise=0.3,"
                            "target_noise_clip=0.4,tau=0.1,batch_size=4,buffer_size=4",
                            1, 1, &ag));
  rlcNet *actor, *actor_t, *q[2], *qt[2];
  float *la;
  offpolicy_parts(ag, &actor, &actor_t, q, qt, &la);
  // Targets unlike the online nets, so each part of the rule shows.
  rlcRng r;
  rlc_rng_seed(&r, 7);
  set_random(actor_t, &r, 0.6);
  set_random(qt[0], &r, 1.0);
  set_random(qt[1], &r, 1.0);
  double W[HX], Wt[HX], w[2][HX + 1], wt[2][HX + 1];  // actor: (1, 3) weight then bias
  get_params(actor, W), get_params(actor_t, Wt);
  for (int c = 0; c < 2; c++) get_params(q[c], w[c]), get_params(qt[c], wt[c]);
  // Targets: smoothed target actions, the smaller target critic.
  double y[HB];
  int picked[2] = {0, 0};
  for (int b = 0; b < HB; b++) {
    const float *s = h_next + b * HD;
    double a = tanh(Wt[0] * s[0] + Wt[1] * s[1] + Wt[2] * s[2] + Wt[3]);
    a = clampd(a + clampd(0.3 * h_eps_next[b], -0.4, 0.4), -1, 1);
    double q0 = dot_x(wt[0], s, a), q1 = dot_x(wt[1], s, a);
    picked[q1 < q0]++;
    y[b] = h_rew[b] + (double)h_disc[b] * (q0 < q1 ? q0 : q1);
  }
  CHECK_MSG(picked[0] && picked[1], "the batch should use both target critics (%d, %d)", picked[0], picked[1]);
  critic_sgd(w[0], y, 1.0, 0.05);
  critic_sgd(w[1], y, 1.0, 0.05);
  // Actor: -mean Q_1(s, tanh(W s + b)) through the updated critic 1.
  double g[HX] = {0};
  for (int b = 0; b < HB; b++) {
    const float *s = h_obs + b * HD;
    double a = tanh(W[0] * s[0] + W[1] * s[1] + W[2] * s[2] + W[3]);
    double dpre = -w[0][HD] * (1 - a * a) / HB;
    for (int d = 0; d < HD; d++) g[d] += dpre * s[d];
    g[HD] += dpre;
  }
  for (int k = 0; k < HX; k++) W[k] -= 0.1 * g[k];
  polyak(wt[0], w[0], HX + 1, 0.1), polyak(wt[1], w[1], HX + 1, 0.1), polyak(Wt, W, HX, 0.1);

  rlcReplayBatch bt = hand_batch();
  offpolicy_learn_on(ag, &bt, h_eps_next, h_eps);
  check_params(q[0], w[0], "critic 1");
  check_params(q[1], w[1], "critic 2");
  check_params(actor, W, "actor");
  check_params(qt[0], wt[0], "target critic 1");
  check_params(qt[1], wt[1], "target critic 2");
  check_params(actor_t, Wt, "target actor");
  rlc_agent_destroy(ag);
  rlc_env_spec_destroy(spec);
}

// SAC's squashed sample and log-prob for one row: actor params P (2, 3) then
// bias (2); log-std clamped to [lo, hi].
typedef struct Sample { double m, ls, a, logp; bool inside; } Sample;
static Sample sac_sample(const double *P, const float *s, double e, double lo, double hi) {
  Sample o;
  o.m = P[0] * s[0] + P[1] * s[1] + P[2] * s[2] + P[6];
  double raw = P[3] * s[0] + P[4] * s[1] + P[5] * s[2] + P[7];
  o.inside = raw >= lo && raw <= hi;
  o.ls = clampd(raw, lo, hi);
  double u = o.m + exp(o.ls) * e;
  o.a = tanh(u);
  o.logp = -0.5 * e * e - o.ls - 0.5 * log(2 * M_PI) - log(1 - o.a * o.a + 1e-6);
  return o;
}

TEST(offpolicy_sac_update_by_hand) {
  rlcEnvSpec *spec = pendulum();
  rlcAgent *ag;
  const double lo = -0.4, hi = 0.3;
  CHECK_OK(rlc_agent_create("sac", spec,
                            "hidden=none,optimizer=sgd,lr=0.1,critic_lr=0.05,alpha_lr=0.2,ent_coef=auto_0.5,tau=0.1,"
                            "batch_size=4,buffer_size=4,log_std_min=-0.4,log_std_max=0.3",
                            1, 1, &ag));
  rlcNet *actor, *actor_t, *q[2], *qt[2];
  float *la;
  offpolicy_parts(ag, &actor, &actor_t, q, qt, &la);
  CHECK(actor_t == NULL);
  rlcRng r;
  rlc_rng_seed(&r, 11);
  set_random(actor, &r, 0.5);
  set_random(qt[0], &r, 1.0);
  set_random(qt[1], &r, 1.0);
  double P[8], w[2][HX + 1], wt[2][HX + 1], lalpha = *la;
  get_params(actor, P);
  for (int c = 0; c < 2; c++) get_params(q[c], w[c]), get_params(qt[c], wt[c]);
  CHECK_NEAR(exp(lalpha), 0.5, 1e-6);
  double alpha = exp(lalpha);
  // Targets: sampled next actions, the smaller target critic minus alpha log pi.
  double y[HB];
  for (int b = 0; b < HB; b++) {
    const float *s = h_next + b * HD;
    Sample n = sac_sample(P, s, h_eps_next[b], lo, hi);
    double q0 = dot_x(wt[0], s, n.a), q1 = dot_x(wt[1], s, n.a);
    y[b] = h_rew[b] + (double)h_disc[b] * ((q0 < q1 ? q0 : q1) - alpha * n.logp);
  }
  critic_sgd(w[0], y, 0.5, 0.05);
  critic_sgd(w[1], y, 0.5, 0.05);
  // Alpha: a step on -mean(log alpha (log pi + target)), target -|A| = -1.
  Sample sm[HB];
  double ga = 0;
  int clamped = 0;
  for (int b = 0; b < HB; b++) {
    sm[b] = sac_sample(P, h_obs + b * HD, h_eps[b], lo, hi);
    ga += -(sm[b].logp - 1.0) / HB;
    clamped += !sm[b].inside;
  }
  CHECK_MSG(clamped > 0 && clamped < HB, "the batch should clamp some log-stds (%d)", clamped);
  double lalpha_new = lalpha - 0.2 * ga;
  // Actor: mean(alpha log pi - min_i Q_i(s, a)) with the updated critics.
  double g[8] = {0};
  for (int b = 0; b < HB; b++) {
    const float *s = h_obs + b * HD;
    Sample o = sm[b];
    double q0 = dot_x(w[0], s, o.a), q1 = dot_x(w[1], s, o.a);
    double da = -(q0 <= q1 ? w[0][HD] : w[1][HD]) / HB, dlogp = alpha / HB;
    double k = 1 - o.a * o.a;
    double du = da * k + dlogp * 2 * o.a * k / (k + 1e-6);
    double dm = du, dls = o.inside ? du * exp(o.ls) * h_eps[b] - dlogp : 0.0;
    for (int d = 0; d < HD; d++) g[d] += dm * s[d], g[3 + d] += dls * s[d];
    g[6] += dm, g[7] += dls;
  }
  for (int k = 0; k < 8; k++) P[k] -= 0.1 * g[k];
  polyak(wt[0], w[0], HX + 1, 0.1), polyak(wt[1], w[1], HX + 1, 0.1);

  rlcReplayBatch bt = hand_batch();
  offpolicy_learn_on(ag, &bt, h_eps_next, h_eps);
  check_params(q[0], w[0], "critic 1");
  check_params(q[1], w[1], "critic 2");
  check_params(actor, P, "actor");
  check_params(qt[0], wt[0], "target critic 1");
  check_params(qt[1], wt[1], "target critic 2");
  CHECK_MSG(fabs(*la - lalpha_new) < 2e-6, "log alpha %.7f, by hand %.7f", *la, lalpha_new);
  rlc_agent_destroy(ag);
  rlc_env_spec_destroy(spec);
}

//------------------------------------------------------------------------------
// A tiny continuous task: steer a point to 0
//------------------------------------------------------------------------------

// x in [-1, 1], action in [-2, 2] (the agent's scaling is part of the test),
// x' = clip(x + a / 8), reward -|x'|, 10 steps. Random actions score about
// -5; going straight to 0 about -0.7.
typedef struct PointState { float x; } PointState;

static void point_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  PointState *s = state;
  s->x = (float)rlc_rng_uniform(rng, -1, 1);
  *(float *)obs = s->x;
}

static void point_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action, void *obs,
                       double *reward, bool *terminated, bool *truncated) {
  PointState *s = state;
  float a = *(const float *)action;
  a = a < -2 ? -2 : a > 2 ? 2 : a;
  s->x += a / 8;
  s->x = s->x < -1 ? -1 : s->x > 1 ? 1 : s->x;
  *reward = -fabsf(s->x);
  *(float *)obs = s->x;
}

static const rlcEnvClass point_class = {.name = "OffPoint", .state_size = sizeof(PointState),
                                        .reset = point_reset, .step = point_step};

static rlcStatus point_make(rlcEnvSpec *spec, rlcOpts *opts) {
  float lo = -1, hi = 1, alo = -2, ahi = 2;
  spec->observation_space = rlc_space_box(1, &lo, &hi);
  spec->action_space = rlc_space_box(1, &alo, &ahi);
  spec->cls = &point_class;
  return RLC_OK;
}

static void register_point(void) {
  static bool done;
  if (done) return;
  rlcEnvRegistration reg = {"OffPoint-v0", point_make, 10, NAN, NULL, "test: steer a point to 0", "td3"};
  CHECK_OK(rlc_env_register(&reg));
  done = true;
}

#define POINT_SET "hidden=32-32,batch_size=64,buffer_size=5000,learning_starts=200,gamma=0.9,tau=0.02,eval_interval=0,eval_episodes=20,gif=false"

static rlcStatus point_config(rlcOpts *cfg, const char *algo, const char *extra, uint64_t seed, int64_t steps) {
  char set[512];
  snprintf(set, sizeof set, POINT_SET ",seed=%llu,steps=%lld%s%s", (unsigned long long)seed, (long long)steps,
           extra ? "," : "", extra ? extra : "");
  const char *sets[1] = {set};
  return rlc_run_config(cfg, algo, "OffPoint-v0", NULL, sets, 1);
}

static double point_learn(const char *algo, const char *extra, uint64_t seed, int64_t steps) {
  rlcOpts cfg;
  rlcRun *run;
  CHECK_OK(point_config(&cfg, algo, extra, seed, steps));
  CHECK_OK(rlc_run_create(&cfg, NULL, false, &run));
  CHECK_OK(rlc_run_train(run, steps, 0, NULL, NULL));
  rlcRunStatus st;
  rlc_run_status(run, &st);
  rlc_run_destroy(run);
  return st.eval_mean;
}

TEST(offpolicy_each_algorithm_learns_a_tiny_task) {
  register_point();
  const char *algos[3] = {"ddpg", "td3", "sac"}, *extra[3] = {NULL, NULL, "ent_coef=auto_0.1"};
  for (int k = 0; k < 3; k++) {
    int ok = 0;
    double ret[3];
    for (uint64_t seed = 0; seed < 3; seed++) {
      ret[seed] = point_learn(algos[k], extra[k], seed, 1500);
      ok += ret[seed] > -1.5;
    }
    CHECK_MSG(ok >= 2, "%s: greedy returns %.2f %.2f %.2f (random about -5, best about -0.7)", algos[k], ret[0], ret[1],
              ret[2]);
  }
  // Deterministic: the same seed, the same result.
  CHECK(point_learn("sac", NULL, 1, 400) == point_learn("sac", NULL, 1, 400));
}

// lr_schedule=linear: every learning rate falls linearly to 0 over the run's
// steps (rl-zoo's lin_X); halfway it is half.
TEST(offpolicy_linear_lr_schedule) {
  register_point();
  rlcOpts cfg;
  rlcRun *run;
  CHECK_OK(point_config(&cfg, "sac", "lr_schedule=linear,lr=1e-3", 0, 800));
  CHECK_OK(rlc_run_create(&cfg, NULL, false, &run));
  CHECK_OK(rlc_run_train(run, 400, 0, NULL, NULL));
  rlcRunStatus st;
  rlc_run_status(run, &st);
  CHECK_NEAR(st.info.lr, 0.5e-3, 1e-9);
  CHECK_OK(rlc_run_train(run, 800, 0, NULL, NULL));
  rlc_run_status(run, &st);
  CHECK_NEAR(st.info.lr, 0.0, 1e-12);
  rlc_run_destroy(run);
}

//------------------------------------------------------------------------------
// Exact resume, bad settings
//------------------------------------------------------------------------------

static void save_state(rlcRun *r, rlcBuf *b) {
  rlcAgent *a = rlc_run_agent(r);
  memset(b, 0, sizeof *b);
  a->cls->save(a, b);
}

TEST(offpolicy_resume_equals_uninterrupted) {
  register_point();
  struct { const char *algo, *set; } cases[] = {
      {"ddpg", "noise=ou,noise_std=0.3,num_envs=2"}, {"td3", "train_unit=episode,gradient_steps=-1"}, {"sac", NULL}};
  for (int k = 0; k < 3; k++) {
    char da[700], db[700];
    snprintf(da, sizeof da, "%s/%s-a", test_tmpdir(), cases[k].algo);
    snprintf(db, sizeof db, "%s/%s-b", test_tmpdir(), cases[k].algo);
    rlcOpts cfg;
    rlcRun *ra, *rb;
    CHECK_OK(point_config(&cfg, cases[k].algo, cases[k].set, 4, 450));
    CHECK_OK(rlc_run_create(&cfg, da, false, &ra));
    CHECK_OK(rlc_run_train(ra, 0, 0, NULL, NULL));
    rlc_run_destroy(ra);
    CHECK_OK(rlc_run_resume(da, &ra));
    CHECK_OK(rlc_run_train(ra, 900, 0, NULL, NULL));
    CHECK_OK(rlc_run_create(&cfg, db, false, &rb));
    CHECK_OK(rlc_run_train(rb, 900, 0, NULL, NULL));
    rlcBuf ba, bb;
    save_state(ra, &ba);
    save_state(rb, &bb);
    CHECK_MSG(ba.len == bb.len && !memcmp(ba.data, bb.data, ba.len), "%s: agent state differs after resume",
              cases[k].algo);
    rlcRunStatus sa, sb;
    rlc_run_status(ra, &sa);
    rlc_run_status(rb, &sb);
    CHECK_EQ_INT(sa.info.updates, sb.info.updates);
    CHECK(sa.info.updates > 0);
    rlc_buf_free(&ba);
    rlc_buf_free(&bb);
    rlc_run_destroy(ra);
    rlc_run_destroy(rb);
  }
}

TEST(offpolicy_bad_settings_are_one_line_errors) {
  rlcEnvSpec *spec = pendulum();
  struct { const char *algo, *set, *msg; } bad[] = {
      {"sac", "ent_coef=abc", "ent_coef=abc"},
      {"sac", "ent_coef=auto_x", "ent_coef=auto_x"},
      {"sac", "ent_coef=-1", "ent_coef=-1"},
      {"sac", "target_entropy=low", "target_entropy=low"},
      {"sac", "noise=normal", "noise"},
      {"sac", "log_std_min=2,log_std_max=-2", "log_std_min"},
      {"td3", "batch_size=512,buffer_size=100", "batch_size=512"},
      {"td3", "noise_std=0", "noise_std=0"},
      {"td3", "ent_coef=x", "ent_coef=x"},
      {"ddpg", "hidden=64-x", "hidden=64-x"},
      {"ddpg", "hidden=c16k3", "hidden=c16k3"},
      {"sac", "lr_schedule=sideways", "lr_schedule"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rlcAgent *ag = NULL;
    rlcStatus s = rlc_agent_create(bad[i].algo, spec, bad[i].set, 0, 1, &ag);
    CHECK_MSG(s == RLC_ERR_ARG && !ag, "%s %s: %s", bad[i].algo, bad[i].set, rlc_status_name(s));
    CHECK_MSG(strstr(rlc_last_error(), bad[i].msg) && !strchr(rlc_last_error(), '\n'), "%s %s: '%s'", bad[i].algo,
              bad[i].set, rlc_last_error());
  }
  // Values out of the table's range.
  rlcAgent *ag = NULL;
  CHECK_ERR(rlc_agent_create("td3", spec, "n_critics=3", 0, 1, &ag), RLC_ERR_ARG);
  CHECK_ERR(rlc_agent_create("td3", spec, "tau=0", 0, 1, &ag), RLC_ERR_ARG);
  CHECK_ERR(rlc_agent_create("td3", spec, "gradient_steps=-2", 0, 1, &ag), RLC_ERR_ARG);
  rlc_env_spec_destroy(spec);
  // Discrete actions are refused with the env named.
  rlcEnvSpec *cp;
  CHECK_OK(rlc_env_spec_create("CartPole-v1", "", &cp));
  CHECK_ERR(rlc_agent_create("sac", cp, NULL, 0, 1, &ag), RLC_ERR_UNSUPPORTED);
  CHECK_MSG(strstr(rlc_last_error(), "CartPole-v1") && strstr(rlc_last_error(), "Box action"), "%s", rlc_last_error());
  rlc_env_spec_destroy(cp);
}
