// rlc/nn.h: layer 1. Neural networks as flat float buffers (llm.c style):
// kernels are plain functions over flat arrays, outputs first, then inputs and
// weights, then sizes; backward kernels mirror forward names and ACCUMULATE
// into their gradient outputs (+=), so a network's gradients can be zeroed
// once per update. Parameters, gradients and optimizer moments share one
// layout, so an optimizer step, clipping, zeroing and target-network updates
// are single loops over one buffer.
// Depends on: rlc/core.h.
#ifndef RLC_NN_H
#define RLC_NN_H

#include "rlc/core.h"

#ifdef __cplusplus
extern "C" {
#endif

//------------------------------------------------------------------------------
// Kernels: dense, conv2d, activations (B = batch)
//------------------------------------------------------------------------------

// out (B, OC) = inp (B, C) @ weight^T + bias; weight is (OC, C) row-major
// (PyTorch's Linear layout), bias (OC) or NULL. Any B runs at full speed,
// so callers never pad batches (a caller's padding rows would cost time and
// change nothing: the real rows get the same bits; see kernels.c).
RLC_API void rlc_dense_forward(float *out, const float *inp, const float *weight, const float *bias,
                       int B, int C, int OC);
// dinp (B, C) += dout @ weight; dweight (OC, C) += dout^T @ inp; dbias (OC) +=
// sum over B of dout. Any of dinp, dweight, dbias may be NULL (not needed).
RLC_API void rlc_dense_backward(float *dinp, float *dweight, float *dbias, const float *dout,
                        const float *inp, const float *weight, int B, int C, int OC);

// Conv2d over channel-last images (NHWC): inp (B, H, W, C), weight
// (OC, KH, KW, C), bias (OC) or NULL, out (B, OH, OW, OC) with
// OH = (H + 2*pad - KH) / stride + 1 (same for W). Zero padding.
typedef struct rlcConvShape {
  int H, W, C;       // input
  int OC, KH, KW;    // filters
  int stride, pad;
  int OH, OW;        // output (filled by rlc_conv_shape)
} rlcConvShape;
// Fills OH/OW; RLC_ERR_ARG if the shape is impossible.
RLC_API rlcStatus rlc_conv_shape(rlcConvShape *s);
// `col` is scratch of rlc_conv_col_size(s) floats, whatever the batch: the
// kernels go through the batch in chunks of whole images, im2col'ing each
// chunk (as many images as fit in 64 Ki floats, at least one) so that each
// pass is one matrix product. Pass NULL to use a direct loop instead.
RLC_API size_t rlc_conv_col_size(const rlcConvShape *s);
RLC_API void rlc_conv2d_forward(float *out, const float *inp, const float *weight, const float *bias,
                        int B, const rlcConvShape *s, float *col);
RLC_API void rlc_conv2d_backward(float *dinp, float *dweight, float *dbias, const float *dout,
                         const float *inp, const float *weight, int B, const rlcConvShape *s,
                         float *col);

// Elementwise activations over n values; backward takes the forward output
// (and input where it needs it) and accumulates into dinp.
RLC_API void rlc_relu_forward(float *out, const float *inp, int n);
RLC_API void rlc_relu_backward(float *dinp, const float *dout, const float *out, int n);
RLC_API void rlc_elu_forward(float *out, const float *inp, int n);  // alpha = 1 (Keras/PyTorch default)
RLC_API void rlc_elu_backward(float *dinp, const float *dout, const float *out, int n);
RLC_API void rlc_tanh_forward(float *out, const float *inp, int n);
RLC_API void rlc_tanh_backward(float *dinp, const float *dout, const float *out, int n);
RLC_API void rlc_sigmoid_forward(float *out, const float *inp, int n);
RLC_API void rlc_sigmoid_backward(float *dinp, const float *dout, const float *out, int n);
// Row-wise over (R, N): softmax and log-softmax (numerically stable).
RLC_API void rlc_softmax_forward(float *out, const float *inp, int R, int N);
RLC_API void rlc_softmax_backward(float *dinp, const float *dout, const float *out, int R, int N);
RLC_API void rlc_log_softmax_forward(float *out, const float *inp, int R, int N);
RLC_API void rlc_log_softmax_backward(float *dinp, const float *dout, const float *out, int R, int N);

// Training kernels run with denormals flushed: between begin and end the
// calling thread's floating-point unit flushes subnormal results to zero and
// reads subnormal inputs as zero (x86 SSE MXCSR FTZ|DAZ, aarch64 FPCR.FZ; a
// no-op elsewhere), and end restores the caller's mode. Why: dead ReLU units
// get exactly zero gradients, Adam's moments of their weights decay into the
// subnormal range, and every operation on a subnormal takes a microcode
// assist (the optimizer step ran at half speed). Deterministic either way
// (the same inputs give the same bits); where subnormals occur the bits
// differ from a run without it, so an agent uses it around every update.
typedef struct rlcFpMode { uint64_t saved; } rlcFpMode;
RLC_API rlcFpMode rlc_fp_fast_begin(void);
RLC_API void rlc_fp_fast_end(rlcFpMode mode);

// Threads for an update: a pool of `threads` (the caller and threads - 1
// workers, started once) over which the dense and conv2d kernels and the
// optimizer step split their work while the calling thread has made the
// pool current (rlc_pool_use). Work is split by whole outputs (rows or
// columns of a product, whole images, ranges of parameters), never inside a
// sum, and workers take on the caller's floating-point mode, so results are
// the same bits as on one thread. Work too small to pay for a hand-over runs
// on the caller alone (acting on one observation never splits). Workers spin
// briefly for the next job, then sleep; a slice no worker has taken is run
// by the caller. No allocation after create.
typedef struct rlcPool rlcPool;
RLC_API rlcStatus rlc_pool_create(int threads, rlcPool **out);  // 1 <= threads <= 64
RLC_API void rlc_pool_destroy(rlcPool *pool);                    // NULL is fine
RLC_API int rlc_pool_threads(const rlcPool *pool);               // 1 for NULL
// Makes `pool` (or NULL: none) the calling thread's pool; returns the previous one.
RLC_API rlcPool *rlc_pool_use(rlcPool *pool);
// fn(arg, k, parts) for k = 0 .. parts - 1, on the pool's threads and the
// caller; returns when all are done. NULL pool: all on the caller; so is a
// job that a part of another job starts. One thread at a time uses a pool.
RLC_API void rlc_pool_run(rlcPool *pool, void (*fn)(void *arg, int part, int parts), void *arg, int parts);

//------------------------------------------------------------------------------
// Initializers (TF / Keras / PyTorch semantics), over a weight of `n` values
// with the given fans
//------------------------------------------------------------------------------

typedef enum rlcInitType {
  RLC_INIT_ZEROS,
  RLC_INIT_CONSTANT,         // value = a
  RLC_INIT_UNIFORM,          // U(a, b)
  RLC_INIT_VARIANCE_SCALING, // TF VarianceScaling(scale, mode, distribution)
  RLC_INIT_GLOROT_UNIFORM,   // = variance scaling 1.0, fan_avg, uniform
  RLC_INIT_TORCH_LINEAR,     // PyTorch Linear/Conv default: kaiming_uniform(a=sqrt(5)) -> U(+-1/sqrt(fan_in)); bias the same bound
  RLC_INIT_ORTHOGONAL,       // orthogonal with gain a (weight viewed as (rows, n/rows))
} rlcInitType;

typedef enum rlcFanMode { RLC_FAN_IN, RLC_FAN_OUT, RLC_FAN_AVG } rlcFanMode;
typedef enum rlcInitDist { RLC_DIST_TRUNCATED_NORMAL, RLC_DIST_UNTRUNCATED_NORMAL, RLC_DIST_UNIFORM } rlcInitDist;

typedef struct rlcInit {
  rlcInitType type;
  double a, b;               // constant value / uniform range / orthogonal gain
  double scale;              // variance scaling
  rlcFanMode mode;
  rlcInitDist dist;
} rlcInit;

// Fills w (n values, viewed as (rows, n / rows) for orthogonal). fan_in and
// fan_out as Keras computes them (dense: C and OC; conv: KH*KW*C and KH*KW*OC).
// Truncated normal: stddev = sqrt(scale / fan) / 0.87962566103423978, cut at
// 2 stddev (TF). RLC_ERR_ARG on impossible settings (negative scale, n <= 0).
RLC_API rlcStatus rlc_init_fill(float *w, int n, int rows, int fan_in, int fan_out, const rlcInit *init,
                        rlcRng *rng);

//------------------------------------------------------------------------------
// Optimizers over flat buffers
//------------------------------------------------------------------------------

typedef enum rlcOptimType { RLC_OPTIM_SGD, RLC_OPTIM_ADAM, RLC_OPTIM_RMSPROP, RLC_OPTIM_NADAM } rlcOptimType;

typedef struct rlcOptimDef {
  rlcOptimType type;
  double lr;           // default 1e-3
  double beta1, beta2; // Adam/Nadam: 0.9, 0.999
  double eps;          // Adam 1e-8 (PyTorch) / 1e-7 (Keras); RMSprop 1e-7
  double rho;          // RMSprop decay: 0.9
  double momentum;     // SGD and RMSprop: 0
  bool centered;       // RMSprop, Keras semantics (eps inside the sqrt; see optim.c)
  bool nesterov;       // SGD
  double weight_decay; // L2 added to the gradient (0)
  bool eps_outside;    // RMSprop, PyTorch semantics: g / (sqrt(ms - mg^2) + eps) (false: Keras)
} rlcOptimDef;

RLC_API rlcOptimDef rlc_optim_default_def(rlcOptimType type);

typedef struct rlcOptim {
  rlcOptimDef def;
  size_t n;            // parameters
  float *m, *v, *g;    // moments (n each; allocated only when the type needs them)
  int64_t t;           // steps taken
} rlcOptim;

RLC_API rlcStatus rlc_optim_create(const rlcOptimDef *def, size_t n, rlcOptim **out);
RLC_API void rlc_optim_destroy(rlcOptim *o);
// One update of params from grads with learning rate lr (the schedule's value).
RLC_API void rlc_optim_step(rlcOptim *o, float *params, const float *grads, double lr);
RLC_API void rlc_optim_reset(rlcOptim *o);
// Checkpoints: the step count and moments (exact resume).
RLC_API void rlc_optim_state_put(const rlcOptim *o, rlcBuf *b);
RLC_API rlcStatus rlc_optim_state_get(rlcOptim *o, rlcBuf *b);

// Global-norm clipping (TF clip_by_global_norm / torch clip_grad_norm_):
// scales grads so their L2 norm is at most max_norm; returns the norm before.
RLC_API double rlc_clip_grad_norm(float *grads, size_t n, double max_norm);
// Target networks: hard copy, and Polyak dst = tau * src + (1 - tau) * dst.
RLC_API void rlc_params_copy(float *dst, const float *src, size_t n);
RLC_API void rlc_params_polyak(float *dst, const float *src, size_t n, double tau);

// Schedules of learning rates, exploration rates and temperatures as a
// function of t (steps, episodes or updates: the caller's unit). Every agent
// uses this one type.
typedef enum rlcScheduleType {
  RLC_SCHED_CONSTANT,     // v0
  RLC_SCHED_LINEAR,       // v0 -> v1 over `steps`, then v1 (steps <= 0: v1)
  RLC_SCHED_POLYNOMIAL,   // TF polynomial_decay: (v0 - v1) * (1 - min(t, steps)/steps)^power + v1
  RLC_SCHED_EXPONENTIAL,  // v0 * rate^(t / steps) (TF exponential_decay, staircase optional);
                          // with rate < 1 never below v1 (v1 = 0: TF's, unbounded)
  RLC_SCHED_INVERSE_TIME, // v0 / (1 + rate * t)  (the book's alpha0 / (1 + t * decay))
  RLC_SCHED_APPROACH,     // v1 + (v0 - v1) * exp(-t / steps): v0 approaches v1 with time constant `steps`
  RLC_SCHED_DECREMENT,    // `value`, which each rlc_schedule_advance lowers by (v0 - v1) / steps,
                          // never below v1 (the rainbow notebook's epsilon, subtraction by subtraction)
} rlcScheduleType;

typedef struct rlcSchedule {
  rlcScheduleType type;
  double v0, v1, steps, power, rate;
  bool staircase;
  double value;           // DECREMENT: the current value (state: checkpoint it)
} rlcSchedule;

// A schedule from v0 to v1 (value starts at v0).
static inline rlcSchedule rlc_schedule(rlcScheduleType type, double v0, double v1, double steps) {
  rlcSchedule s = {type, v0, v1, steps, 1.0, 0.0, false, v0};
  return s;
}
// DECREMENT: one step down; other types: nothing (their value is a function of t).
RLC_API void rlc_schedule_advance(rlcSchedule *s);

RLC_API double rlc_schedule_value(const rlcSchedule *s, double t);

//------------------------------------------------------------------------------
// Losses: each returns the batch loss, writes the gradient of that loss with
// respect to its input into d* (overwriting, not accumulating), and the
// per-sample losses into `per` (B) when non-NULL (prioritized replay needs
// them). Per-sample loss = mean over the N values of a sample; the batch loss
// = sum_i w_i * per_i / B, with w = NULL meaning all ones (Keras semantics
// with sample weights = importance weights).
//------------------------------------------------------------------------------

RLC_API double rlc_loss_mse(float *dpred, float *per, const float *pred, const float *target,
                    const float *w, int B, int N);
RLC_API double rlc_loss_huber(float *dpred, float *per, const float *pred, const float *target,
                      const float *w, int B, int N, double delta);  // smooth L1 when delta = 1
// Binary cross-entropy from probabilities (clipped to [eps, 1-eps] as Keras,
// eps = 1e-7) and from logits (stable form).
RLC_API double rlc_loss_bce(float *dprob, float *per, const float *prob, const float *target,
                    const float *w, int B, int N);
RLC_API double rlc_loss_bce_logits(float *dlogits, float *per, const float *logits, const float *target,
                           const float *w, int B, int N);
// Sparse categorical cross-entropy from logits (B, N) and labels (B).
RLC_API double rlc_loss_sparse_ce_logits(float *dlogits, float *per, const float *logits,
                                 const int32_t *labels, const float *w, int B, int N);
// Cross-entropy between target distributions (B, N) and predicted log-probs (B, N)
// (C51): per_i = -sum_j target_ij * logp_ij; gradient w.r.t. logp.
RLC_API double rlc_loss_cross_entropy(float *dlogp, float *per, const float *logp, const float *target,
                              const float *w, int B, int N);

// out (B) = q[b, actions[b]] for q (B, A); backward scatters dout into dq (+=).
RLC_API void rlc_gather_forward(float *out, const float *q, const int32_t *actions, int B, int A);
RLC_API void rlc_gather_backward(float *dq, const float *dout, const int32_t *actions, int B, int A);

// Policy-gradient terms over categorical logits (B, A) or Gaussian (mean,
// log_std) outputs. Each returns the mean over the batch and writes gradients
// of that mean (overwriting).
//   pg:       -mean(logp(a) * adv)
//   ppo clip: -mean(min(r * adv, clip(r, 1-eps, 1+eps) * adv)), r = exp(logp - old_logp)
//   entropy:  mean(H(pi)) (the caller subtracts coef * entropy)
RLC_API double rlc_pg_categorical(float *dlogits, float *logp_out, const float *logits,
                          const int32_t *actions, const float *adv, int B, int A);
RLC_API double rlc_ppo_clip_categorical(float *dlogits, float *ratio_out, const float *logits,
                                const int32_t *actions, const float *old_logp, const float *adv,
                                double clip_eps, int B, int A);
RLC_API double rlc_entropy_categorical(float *dlogits, const float *logits, int B, int A);
// Gaussian: mean (B, D), log_std (D) shared by the batch (state-independent).
RLC_API double rlc_pg_gaussian(float *dmean, float *dlog_std, float *logp_out, const float *mean,
                       const float *log_std, const float *actions, const float *adv, int B, int D);
RLC_API double rlc_ppo_clip_gaussian(float *dmean, float *dlog_std, float *ratio_out, const float *mean,
                             const float *log_std, const float *actions, const float *old_logp,
                             const float *adv, double clip_eps, int B, int D);
RLC_API double rlc_entropy_gaussian(float *dlog_std, const float *log_std, int D);
// SAC's tanh-squashed Gaussian with a state-dependent log-std, by
// reparameterization: act (B, D) = tanh(mean + exp(log_std) * eps) and logp
// (B) its log-density (Gaussian log-prob minus sum log(1 - act^2 + 1e-6));
// mean, log_std and eps are (B, D). logp may be NULL. Backward accumulates
// into dmean and dlog_std (B, D) the gradient of a loss with dL/dact (B, D)
// and dL/dlogp (B) (either may be NULL), eps held fixed.
RLC_API void rlc_tanh_gaussian_forward(float *act, float *logp, const float *mean, const float *log_std,
                                       const float *eps, int B, int D);
RLC_API void rlc_tanh_gaussian_backward(float *dmean, float *dlog_std, const float *dact, const float *dlogp,
                                        const float *act, const float *log_std, const float *eps, int B, int D);

//------------------------------------------------------------------------------
// Networks: a sequence of layers over one parameter buffer
//------------------------------------------------------------------------------

typedef enum rlcLayerType {
  RLC_LAYER_DENSE,
  RLC_LAYER_CONV2D,      // NHWC, see rlcConvShape
  RLC_LAYER_FLATTEN,     // shape change only (data is already flat)
  RLC_LAYER_RELU,
  RLC_LAYER_ELU,
  RLC_LAYER_TANH,
  RLC_LAYER_SIGMOID,
  RLC_LAYER_SOFTMAX,
  RLC_LAYER_LOG_SOFTMAX,
  RLC_LAYER_NOISY_DENSE, // factorized Gaussian NoisyNet linear (Fortunato et al.)
  RLC_LAYER_DUELING,     // head: value (atoms) and advantage (units x atoms) branches;
                         // Q = V + A - mean_a A (or - max_a A, the book's variant)
  RLC_LAYER_CATEGORICAL, // softmax over atoms within each of `units` groups (C51)
  RLC_LAYER_GAUSSIAN,    // continuous policy head: output (mean, log_std), log_std a
                         // state-independent parameter vector (units)
} rlcLayerType;

typedef struct rlcLayerDef {
  rlcLayerType type;
  int units;                       // dense, noisy, dueling (actions), categorical (groups), gaussian (dims)
  int filters, kernel, stride, pad;// conv2d (square kernels)
  int atoms;                       // dueling / categorical: values per action (1: plain Q)
  bool dueling_max;                // V + A - max A (Hands-On ML) instead of the mean
  bool noisy;                      // dueling branches made of noisy layers
  double sigma0;                   // noisy layers: sigma_w = sigma0 / sqrt(fan_in), sigma_b =
                                   // sigma0 / sqrt(fan_out) (0.5; the rainbow notebook)
  double log_std_init;             // gaussian (0)
  rlcInit weight_init, bias_init;  // type RLC_INIT_TORCH_LINEAR unless set
  bool has_init;                   // false: PyTorch's default init
} rlcLayerDef;

#define RLC_NET_MAX_LAYERS 32

typedef struct rlcNetDef {
  int input_ndim;                  // 1: (C), 3: (H, W, C)
  int input_shape[3];
  int n_layers;
  rlcLayerDef layers[RLC_NET_MAX_LAYERS];
  int max_batch;                   // largest batch forward/backward will see (default 256)
  uint64_t seed;                   // initialization and noise
} rlcNetDef;

RLC_API rlcNetDef rlc_net_default_def(void);
// Appends a layer; returns it so fields can be adjusted. NULL (and an error)
// when the net is full.
RLC_API rlcLayerDef *rlc_net_def_add(rlcNetDef *def, rlcLayerType type, int units);
// The input from an observation space: a Box of rank 1 (C) is a vector, rank
// 3 (H, W, C) an image (channel-last), rank 2 (frames stacked on a vector) a
// vector of all its values. Any dtype (the agent converts samples to float).
// RLC_ERR_ARG for discrete spaces and other ranks.
RLC_API rlcStatus rlc_net_def_input(rlcNetDef *def, const rlcSpace *obs);
// Appends a torso (the layers between the input and a head) from a spec,
// each layer followed by `activation` (relu, elu, tanh or sigmoid). Grammar:
//   spec  := "" | "none" | layer ("-" layer)*
//   layer := N                  dense, N units
//          | "c" F "k" K ["s" S] ["p" P]
//                               conv2d, F filters of K x K, stride S (1),
//                               zero padding P (0), over an image
// A flatten goes in before the first dense layer that follows an image, and
// a torso that ends on an image (convs only, or "none" on an image input)
// ends with a flatten, so a head (dense, noisy, dueling) can follow at once.
// Examples: "64-64"; "256-256"; MinAtar's net (conv 16 3x3 stride 1, dense
// 128) "c16k3-128"; the Nature DQN on (84, 84, 4) "c32k8s4-c64k4s2-c64k3-512".
// Layers are checked against the shapes as they go: a conv on a vector, a
// kernel larger than its (padded) image, malformed text or more layers than
// RLC_NET_MAX_LAYERS are RLC_ERR_ARG with a one-line message naming the spec,
// and leave def unchanged. Set the input (rlc_net_def_input) first.
RLC_API rlcStatus rlc_net_def_torso(rlcNetDef *def, const char *spec, rlcLayerType activation);
// Heads, after a torso (each returns its last layer, to adjust initializers;
// NULL and an error when the net is full).
typedef struct rlcQHeadDef {
  int actions;                     // Q-values per sample: actions x atoms
  int atoms;                       // 1: plain Q-values; > 1: logits of distributions (C51)
  bool dueling;                    // value and advantage streams (mean, or max with dueling_max)
  bool dueling_max;
  bool noisy;                      // factorized-Gaussian noisy layers (the dueling branches too)
  double sigma0;
} rlcQHeadDef;
RLC_API rlcLayerDef *rlc_net_def_q_head(rlcNetDef *def, const rlcQHeadDef *head);
// A policy: n logits (categorical), or a Gaussian over n dimensions whose
// output is (mean, log_std) with a state-independent log-std starting at
// log_std_init.
RLC_API rlcLayerDef *rlc_net_def_policy_head(rlcNetDef *def, int n, bool gaussian, double log_std_init);

// "4-128-128-2": a vector input of 4, the torso "128-128" and a linear output
// of 2 (the torso's grammar, so "4-2" has no hidden layer). Replaces the
// definition's input and layers; keeps max_batch and seed.
RLC_API rlcStatus rlc_net_def_mlp(rlcNetDef *def, const char *arch, rlcLayerType activation);

typedef struct rlcLayer {
  rlcLayerDef def;
  int in_size, out_size;           // per sample
  int in_shape[3], out_shape[3], in_ndim, out_ndim;
  rlcConvShape conv;
  size_t param_offset, n_params;   // into net->params / net->grads
  size_t out_offset;               // this layer's output in net->acts (max_batch * out_size)
  size_t aux_offset, n_aux;        // per-layer workspace in net->aux (noise, im2col, head internals)
} rlcLayer;

typedef struct rlcNet {
  rlcNetDef def;
  int n_layers;
  rlcLayer layers[RLC_NET_MAX_LAYERS];
  int in_size, out_size, max_batch;
  size_t n_params;
  float *params, *grads;           // (n_params) each: one buffer for the whole net
  float *acts, *dacts;             // every layer's output and its gradient, at max_batch
  float *aux;                      // workspace, allocated at creation
  rlcArena mem;                    // the one allocation behind the five buffers
  const float *input;              // the last forward's input (kept by pointer)
  int batch;                       // the last forward's batch
  rlcRng rng;                      // noise
} rlcNet;

RLC_API rlcStatus rlc_net_create(const rlcNetDef *def, rlcNet **out);
RLC_API void rlc_net_destroy(rlcNet *net);
// Forward over B <= max_batch samples x (B, in_size); returns (B, out_size),
// valid until the next forward. Keeps what backward needs; x must stay alive
// until backward. No allocation.
RLC_API const float *rlc_net_forward(rlcNet *net, const float *x, int B);
// Backward of the last forward: dout (B, out_size); accumulates into grads and,
// when dx is not NULL, writes the input gradient (B, in_size).
RLC_API void rlc_net_backward(rlcNet *net, const float *dout, float *dx);
// The input gradient dx (B, in_size) of the last forward alone: parameters'
// gradients are left as they are (the actor's gradient through a critic).
// Dense and parameter-free layers skip their weight gradients; other layers
// still accumulate theirs. dx NULL stops at the first layer's output: its
// gradient is left in net->dacts at layers[0].out_offset (for callers that
// need only some input columns, like an action beside an observation).
RLC_API void rlc_net_backward_input(rlcNet *net, const float *dout, float *dx);
RLC_API void rlc_net_zero_grad(rlcNet *net);
RLC_API void rlc_net_resample_noise(rlcNet *net);  // noisy layers draw new epsilons
// Re-initializes all parameters from def.seed (as at creation).
RLC_API void rlc_net_init_params(rlcNet *net);
// A versioned binary file: magic, version, the layer table, the parameters and
// a CRC-32. Written atomically. Load checks that the file's layer table equals
// the net's; a truncated, corrupted or mismatched file is a clear error.
RLC_API rlcStatus rlc_net_save(const rlcNet *net, const char *path);
RLC_API rlcStatus rlc_net_load(rlcNet *net, const char *path);
// Checkpoints: parameters and the noise RNG into / out of a buffer (the
// architecture comes from the run's configuration; a size mismatch is an error).
RLC_API void rlc_net_state_put(const rlcNet *net, rlcBuf *b);
RLC_API rlcStatus rlc_net_state_get(rlcNet *net, rlcBuf *b);

#ifdef __cplusplus
}
#endif
#endif
