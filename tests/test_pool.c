// test_pool.c: rlcPool, the threads an update's kernels split their work
// over. The split is by whole outputs, so a network trained with a pool of
// 2 or 3 threads must hold exactly the bits of one trained on one thread:
// outputs, gradients, input gradients and parameters after optimizer steps,
// for the conv and dense layers in every orientation the kernels cut (rows,
// columns, images, one-image scratch), and for whole DQN and PPO runs.
#include <stdlib.h>

#include "test.h"

typedef struct NetCase {
  const char *name;
  int H, W, C;          // input (H = 0: a vector of C)
  const char *torso;
  int out, batch;
  rlcOptimType opt;
} NetCase;

static bool same(const float *a, const float *b, size_t n) { return !memcmp(a, b, sizeof(float) * n); }

// Three updates (forward, backward with the input gradient, optimizer step)
// of a net on one thread and of the same net with `threads`, compared after
// each.
static void check_case(const NetCase *c, int threads) {
  rlcNet *net[2] = {NULL, NULL};
  rlcOptim *opt[2] = {NULL, NULL};
  rlcPool *pool = NULL;
  CHECK_OK(rlc_pool_create(threads, &pool));
  for (int k = 0; k < 2; k++) {
    rlcNetDef def = rlc_net_default_def();
    def.max_batch = c->batch;
    def.seed = 7;
    if (c->H) {
      def.input_ndim = 3;
      def.input_shape[0] = c->H, def.input_shape[1] = c->W, def.input_shape[2] = c->C;
    } else {
      def.input_ndim = 1;
      def.input_shape[0] = c->C;
    }
    CHECK_OK(rlc_net_def_torso(&def, c->torso, RLC_LAYER_RELU));
    rlc_net_def_add(&def, RLC_LAYER_DENSE, c->out);
    CHECK_OK(rlc_net_create(&def, &net[k]));
    rlcOptimDef od = rlc_optim_default_def(c->opt);
    od.lr = 1e-2;
    if (c->opt == RLC_OPTIM_RMSPROP) od.centered = true, od.eps_outside = true, od.eps = 0.01, od.rho = 0.95;
    if (net[k]) CHECK_OK(rlc_optim_create(&od, net[k]->n_params, &opt[k]));
  }
  if (!net[0] || !net[1] || !opt[0] || !opt[1] || !pool) goto out;
  int B = c->batch, D = net[0]->in_size, O = net[0]->out_size;
  float *x = malloc(sizeof(float) * B * D), *dy = malloc(sizeof(float) * B * O);
  float *dx[2] = {malloc(sizeof(float) * B * D), malloc(sizeof(float) * B * D)};
  rlcRng rng;
  rlc_rng_seed(&rng, 3);
  for (int i = 0; i < B * D; i++) x[i] = (float)rlc_rng_uniform(&rng, -1, 1);
  for (int it = 0; it < 3; it++) {
    const float *y[2];
    for (int k = 0; k < 2; k++) {
      rlcPool *prev = rlc_pool_use(k ? pool : NULL);
      rlcFpMode fp = rlc_fp_fast_begin();
      rlc_net_zero_grad(net[k]);
      y[k] = rlc_net_forward(net[k], x, B);
      for (int i = 0; i < B * O; i++) dy[i] = y[k][i] - (float)(i % 3);
      rlc_net_backward(net[k], dy, dx[k]);
      rlc_optim_step(opt[k], net[k]->params, net[k]->grads, 1e-2);
      rlc_fp_fast_end(fp);
      rlc_pool_use(prev);
    }
    CHECK_MSG(same(y[0], y[1], (size_t)B * O), "%s, %d threads, update %d: outputs differ", c->name, threads, it);
    CHECK_MSG(same(net[0]->grads, net[1]->grads, net[0]->n_params), "%s, %d threads, update %d: gradients differ",
              c->name, threads, it);
    CHECK_MSG(same(dx[0], dx[1], (size_t)B * D), "%s, %d threads, update %d: input gradients differ", c->name,
              threads, it);
    CHECK_MSG(same(net[0]->params, net[1]->params, net[0]->n_params), "%s, %d threads, update %d: parameters differ",
              c->name, threads, it);
  }
  free(x), free(dy), free(dx[0]), free(dx[1]);
out:
  for (int k = 0; k < 2; k++) rlc_optim_destroy(opt[k]), rlc_net_destroy(net[k]);
  rlc_pool_destroy(pool);
}

TEST(pool_net_bitwise) {
  static const NetCase cases[] = {
      // MinAtar's net at the paper's batch: conv rows by images, the 1024 ->
      // 128 layer by rows (forward, dweight) and columns (dinp).
      {"minatar", 10, 10, 4, "c16k3-128", 6, 32, RLC_OPTIM_RMSPROP},
      // An odd batch: uneven image parts, and the dense forward's last rows
      // by dot products.
      {"minatar-b13", 10, 10, 4, "c16k3-128", 3, 13, RLC_OPTIM_ADAM},
      // A first conv whose patch matrix fills the scratch with one image
      // (68x68x4, 8x8 stride 4: 256 x 256 floats), strides, padding and
      // conv input gradients.
      {"atari-like", 68, 68, 4, "c8k8s4-c8k4s2p1-c16k3-32", 4, 9, RLC_OPTIM_ADAM},
      {"mlp", 0, 0, 8, "256-256", 2, 64, RLC_OPTIM_NADAM},
      {"mlp-narrow", 0, 0, 4, "512-64", 3, 40, RLC_OPTIM_SGD},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    for (int t = 2; t <= 3; t++) check_case(&cases[i], t);
}

static void count_part(void *arg, int k, int parts) {
  int *hits = arg;
  __atomic_fetch_add(&hits[k], 1, __ATOMIC_SEQ_CST);
  (void)parts;
}

typedef struct NestedJob {
  rlcPool *pool;
  int *hits;  // 4 x 5
} NestedJob;

static void nested_part(void *arg, int k, int parts) {
  const NestedJob *j = arg;
  rlc_pool_run(j->pool, count_part, j->hits + 5 * k, 5);
  (void)parts;
}

TEST(pool_run_parts) {
  rlcPool *p = NULL;
  CHECK_ERR(rlc_pool_create(0, &p), RLC_ERR_ARG);
  CHECK_ERR(rlc_pool_create(65, &p), RLC_ERR_ARG);
  CHECK_OK(rlc_pool_create(3, &p));
  CHECK_EQ_INT(rlc_pool_threads(p), 3);
  CHECK_EQ_INT(rlc_pool_threads(NULL), 1);
  // Every part runs once per job, whichever thread takes it.
  int hits[7];
  for (int job = 0; job < 200; job++) {
    memset(hits, 0, sizeof hits);
    int parts = 1 + job % 7;
    rlc_pool_run(p, count_part, hits, parts);
    for (int k = 0; k < 7; k++) CHECK_EQ_INT(hits[k], k < parts ? 1 : 0);
    if (test_failed_checks) break;
  }
  // A part that starts a job on the same pool runs it alone.
  int nested[4 * 5] = {0};
  NestedJob nj = {p, nested};
  rlc_pool_run(p, nested_part, &nj, 4);
  for (int k = 0; k < 20; k++) CHECK_EQ_INT(nested[k], 1);
  rlc_pool_destroy(p);
  rlc_pool_destroy(NULL);
}

// A driver run without files: the agent's saved state (parameters, moments,
// replay or rollout, RNGs, counters).
static rlcBuf run_state(const char *algo, const char *env, const char *set) {
  rlcOpts cfg;
  const char *sets[1] = {set};
  rlcBuf b = {0};
  CHECK_OK(rlc_run_config(&cfg, algo, env, NULL, sets, 1));
  rlcRun *r = NULL;
  CHECK_OK(rlc_run_create(&cfg, NULL, false, &r));
  if (!r) return b;
  CHECK_OK(rlc_run_train(r, 0, 0, NULL, NULL));
  rlcAgent *ag = rlc_run_agent(r);
  ag->cls->save(ag, &b);
  CHECK_OK(b.err);
  rlc_run_destroy(r);
  return b;
}

static void check_runs(const char *algo, const char *env, const char *set) {
  char s1[512], s2[512];
  snprintf(s1, sizeof s1, "%s,nn_threads=1", set);
  snprintf(s2, sizeof s2, "%s,nn_threads=2", set);
  rlcBuf a = run_state(algo, env, s1), b = run_state(algo, env, s2);
  CHECK_MSG(a.len > 0 && a.len == b.len && !memcmp(a.data, b.data, a.len), "%s on %s: 2 threads differ from 1", algo,
            env);
  rlc_buf_free(&a);
  rlc_buf_free(&b);
}

TEST(pool_runs_bitwise) {
  // The MinAtar paper's DQN, 100 updates (a target sync among them).
  check_runs("dqn", "MinAtar/Breakout-v1",
             "hidden=c16k3-128,optimizer=rmsprop_torch,centered=true,lr=2.5e-4,rmsprop_rho=0.95,optim_eps=0.01,"
             "batch_size=32,learning_starts=200,target_update=50,steps=300,eval_interval=0,eval_episodes=1,gif=false");
  // C51 with a target network (its forward beside the online one's on the pool).
  check_runs("dqn", "CartPole-v1",
             "hidden=256-256,c51=true,batch_size=64,learning_starts=200,target_update=50,steps=300,eval_interval=0,"
             "eval_episodes=1,gif=false");
  // PPO with a conv torso: a rollout of 8 x 32 through minibatches of 64.
  check_runs("ppo", "MinAtar/Breakout-v1",
             "hidden=c16k3-64,num_envs=8,num_steps=32,num_minibatches=4,update_epochs=2,steps=256,eval_interval=0,"
             "eval_episodes=1,gif=false");
}
