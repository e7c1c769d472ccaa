// cmd_bench_nn.c: `rlc bench-nn`: microseconds per training update (forward,
// MSE backward, Adam step) of a network, and the FLOP/s it reaches.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const CliOpt opts[] = {
    {"--arch", "A", "4-128-128-2 (an MLP) or minatar (conv 16 3x3 on 10x10x4, dense 128, 6 outputs); default 4-128-128-2"},
    {"--act", "NAME", "hidden activation of an MLP: relu, elu, tanh, sigmoid (default relu)"},
    {"--batch", "B", "batch size (default 32)"},
    {"--iters", "N", "timed updates (default: about one second's worth)"},
    {"--seed", "S", "seed (default 0)"},
    {"--threads", "T", "threads splitting the update's products, the caller included (default 1; the same result)"},
    {"--json", NULL, "last line: a JSON object with us_per_update"},
};
static const CliCmd cmd = {"bench-nn", "[--arch 4-128-128-2|minatar] [--act relu] [--batch 32] [--threads T] [--json]",
                           "Measure a network's training update: forward, backward and an Adam step.", opts,
                           sizeof opts / sizeof opts[0], cmd_bench_nn};

// Multiply-adds of one forward pass per sample (x2 = FLOPs); backward costs
// about twice the forward (input and weight gradients).
static double forward_macs(const rlcNet *net) {
  double macs = 0;
  for (int i = 0; i < net->n_layers; i++) {
    const rlcLayer *l = &net->layers[i];
    if (l->def.type == RLC_LAYER_DENSE) macs += (double)l->in_size * l->out_size;
    else if (l->def.type == RLC_LAYER_CONV2D)
      macs += (double)l->conv.OH * l->conv.OW * l->conv.OC * l->conv.KH * l->conv.KW * l->conv.C;
  }
  return macs;
}

// The core's peak single-precision FLOP/s: two 256-bit FMA pipes (AVX2 and
// Zen 4's AVX-512 alike) = 32 FLOPs per cycle at the nominal clock.
static double peak_flops(void) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  double mhz = 0;
  char line[512];
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "cpu MHz", 7) && mhz == 0) mhz = atof(strchr(line, ':') + 1);
  if (f) fclose(f);
  return mhz * 1e6 * 32;
}

int cmd_bench_nn(int argc, char **argv) {
  CliArgs a;
  bool done;
  int rc = cli_parse(&cmd, argc, argv, 0, &a, &done);
  if (done) return rc;
  long long batch, iters, seed, threads;
  if (!cli_int(&a, "--batch", 32, 1, 4096, &batch) || !cli_int(&a, "--iters", 0, 0, 100000000, &iters) ||
      !cli_int(&a, "--seed", 0, 0, 1LL << 62, &seed) || !cli_int(&a, "--threads", 1, 1, 64, &threads))
    return 2;
  const char *arch = cli_str(&a, "--arch", "4-128-128-2"), *act_name = cli_str(&a, "--act", "relu");
  static const struct { const char *name; rlcLayerType type; } acts[] = {
      {"relu", RLC_LAYER_RELU}, {"elu", RLC_LAYER_ELU}, {"tanh", RLC_LAYER_TANH}, {"sigmoid", RLC_LAYER_SIGMOID}};
  int act = -1;
  for (int i = 0; i < 4; i++)
    if (!strcmp(act_name, acts[i].name)) act = i;
  if (act < 0) return cli_error("unknown activation '%s' (relu, elu, tanh, sigmoid)", act_name);

  rlcNetDef def = rlc_net_default_def();
  def.max_batch = (int)batch;
  def.seed = (uint64_t)seed;
  rlcStatus s = RLC_OK;
  if (!strcmp(arch, "minatar")) {
    def.input_ndim = 3;
    def.input_shape[0] = 10, def.input_shape[1] = 10, def.input_shape[2] = 4;
    rlcLayerDef *conv = rlc_net_def_add(&def, RLC_LAYER_CONV2D, 0);
    conv->filters = 16, conv->kernel = 3, conv->stride = 1, conv->pad = 0;
    rlc_net_def_add(&def, acts[act].type, 0);
    rlc_net_def_add(&def, RLC_LAYER_FLATTEN, 0);
    rlc_net_def_add(&def, RLC_LAYER_DENSE, 128);
    rlc_net_def_add(&def, acts[act].type, 0);
    rlc_net_def_add(&def, RLC_LAYER_DENSE, 6);
  } else {
    s = rlc_net_def_mlp(&def, arch, acts[act].type);
  }
  rlcNet *net = NULL;
  if (!s) s = rlc_net_create(&def, &net);
  if (s) return cli_fail(s);
  rlcOptimDef od = rlc_optim_default_def(RLC_OPTIM_ADAM);
  rlcOptim *opt = NULL;
  rlcPool *pool = NULL;
  if ((s = rlc_optim_create(&od, net->n_params, &opt)) || (threads > 1 && (s = rlc_pool_create((int)threads, &pool)))) {
    rlc_optim_destroy(opt);
    rlc_net_destroy(net);
    return cli_fail(s);
  }
  rlc_pool_use(pool);
  // Random inputs and targets, drawn once.
  rlcRng rng;
  rlc_rng_seed(&rng, (uint64_t)seed);
  float *x = malloc(sizeof(float) * batch * net->in_size), *y = malloc(sizeof(float) * batch * net->out_size),
        *dy = malloc(sizeof(float) * batch * net->out_size);
  for (long long i = 0; i < batch * net->in_size; i++) x[i] = (float)rlc_rng_uniform(&rng, -1, 1);
  for (long long i = 0; i < batch * net->out_size; i++) y[i] = (float)rlc_rng_uniform(&rng, -1, 1);

  // Warm up, then time whole updates.
  double loss = 0;
  long long n = iters ? iters : 200;
  double t0 = 0, secs = 0;
  for (int round = 0; round < 2; round++) {
    t0 = rlc_time_s();
    for (long long it = 0; it < n; it++) {
      rlc_net_zero_grad(net);
      const float *q = rlc_net_forward(net, x, (int)batch);
      loss = rlc_loss_mse(dy, NULL, q, y, NULL, (int)batch, net->out_size);
      rlc_net_backward(net, dy, NULL);
      rlc_optim_step(opt, net->params, net->grads, od.lr);
    }
    secs = rlc_time_s() - t0;
    if (round == 0 && !iters) n = (long long)fmax(100, n * (1.0 / fmax(secs, 1e-6)));  // ~1 s
  }
  double us = secs / n * 1e6, flops = 3 * 2 * forward_macs(net) * batch / (secs / n), peak = peak_flops();
  printf("%s (%s), batch %lld, %zu parameters, %lld thread%s: %.2f us per update (%lld updates), %.2f GFLOP/s", arch,
         act_name, batch, net->n_params, threads, threads > 1 ? "s" : "", us, n, flops / 1e9);
  if (peak > 0) printf(" = %.1f%% of the core's peak (%.0f GFLOP/s)", 100 * flops / peak, peak / 1e9);
  printf(", final loss %.4g\n", loss);
  if (cli_has(&a, "--json")) {
    CliJson j;
    json_begin(&j);
    json_str(&j, "arch", arch);
    json_str(&j, "activation", act_name);
    json_int(&j, "batch", batch);
    json_int(&j, "params", (long long)net->n_params);
    json_int(&j, "threads", threads);
    json_num(&j, "us_per_update", us);
    json_num(&j, "gflops", flops / 1e9);
    json_num(&j, "peak_fraction", peak > 0 ? flops / peak : NAN);
    json_end_print(&j);
  }
  free(x), free(y), free(dy);
  rlc_pool_use(NULL);
  rlc_pool_destroy(pool);
  rlc_optim_destroy(opt);
  rlc_net_destroy(net);
  return 0;
}
