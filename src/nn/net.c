// net.c: rlcNet, a sequence of layers over one flat parameter buffer: the
// definition helpers, creation (shape checks, buffer layout), forward and
// backward over the layer table, the heads (noisy dense, dueling, categorical,
// Gaussian), parameter initialization, noise, and save/load.
// Depends on: rlc/nn.h (dense/conv kernels, activations, rlc_init_fill),
// rlc/core.h (errors, allocator, rlcRng), POSIX (fsync, rename, fstat).
//
// Layouts (per layer, in order):
//   params  dense, conv2d: weight (OC, C) / (OC, KH, KW, C), then bias (OC)
//           noisy dense:   mu_w (OC, C), sigma_w (OC, C), mu_b (OC), sigma_b (OC)
//           dueling:       the value branch (in -> atoms), then the advantage
//                          branch (in -> units * atoms), each dense or noisy
//           gaussian:      log_std (units)
//   aux     noisy dense:   f(eps_in) (C), f(eps_out) (OC), the effective
//                          weight (OC, C) and bias (OC), their batch gradients
//           dueling:       value-branch noise, advantage-branch noise (as
//                          above, when noisy), V (B, atoms), A (B, units*atoms),
//                          dV, dA, the max variant's argmax (B, atoms)
//           conv2d:        im2col scratch, one region shared by all conv layers
//   outputs dueling (B, units, atoms); categorical the same, softmax over
//           atoms; gaussian (B, 2 * units) = [mean | log_std]
// Every buffer (params, grads, acts, dacts, aux) starts on a 64-byte line
// (one rlcArena holds them all).
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rlc/nn.h"
#include "gemm.h"

//------------------------------------------------------------------------------
// Definitions
//------------------------------------------------------------------------------

#define SIZE_LIMIT ((size_t)INT_MAX)  // sizes stay ints

rlcNetDef rlc_net_default_def(void) {
  rlcNetDef d;
  memset(&d, 0, sizeof d);
  d.input_ndim = 1;
  d.max_batch = 256;
  return d;
}

rlcLayerDef *rlc_net_def_add(rlcNetDef *def, rlcLayerType type, int units) {
  if (!def) {
    rlc_error(RLC_ERR_ARG, "net def: NULL definition");
    return NULL;
  }
  if (def->n_layers < 0 || def->n_layers >= RLC_NET_MAX_LAYERS) {
    rlc_error(RLC_ERR_ARG, "net def: at most %d layers", RLC_NET_MAX_LAYERS);
    return NULL;
  }
  rlcLayerDef *l = &def->layers[def->n_layers++];
  memset(l, 0, sizeof *l);
  l->type = type;
  l->units = units;
  l->filters = type == RLC_LAYER_CONV2D ? units : 0;
  l->stride = 1;
  l->atoms = 1;
  l->sigma0 = 0.5;  // Fortunato et al.'s factorized sigma_0
  l->weight_init.type = RLC_INIT_TORCH_LINEAR;
  l->bias_init.type = RLC_INIT_TORCH_LINEAR;
  return l;
}

// Torso specs. The text is parsed whole before anything is appended, then
// the layers are checked against the shapes they meet, on a copy of the
// definition, so a bad spec leaves def as it was.

static rlcStatus plan_layer(rlcLayer *L, int i, int max_batch, size_t *n_aux, size_t *col);

typedef struct SpecLayer {
  bool conv;
  int units, kernel, stride, pad;  // units: dense units or conv filters
} SpecLayer;

// Digits at *p into *v (1 <= v <= max); advances *p. False when there are none
// or the value is out of range.
static bool spec_int(const char **p, long max, int *v) {
  const char *q = *p;
  long x = 0;
  if (*q < '0' || *q > '9') return false;
  while (*q >= '0' && *q <= '9') {
    x = x * 10 + (*q++ - '0');
    if (x > max) return false;
  }
  *p = q;
  *v = (int)x;
  return x >= 1;
}

// One layer token at *p, up to '-' or the end.
static bool spec_layer(const char **p, SpecLayer *l) {
  memset(l, 0, sizeof *l);
  l->stride = 1;
  if (**p != 'c') return spec_int(p, 1 << 24, &l->units);
  (*p)++;
  l->conv = true;
  if (!spec_int(p, 1 << 16, &l->units) || *(*p)++ != 'k' || !spec_int(p, 1 << 12, &l->kernel))
    return false;
  if (**p == 's') {
    (*p)++;
    if (!spec_int(p, 1 << 12, &l->stride)) return false;
  }
  if (**p == 'p') {
    (*p)++;
    if (**p == '0') (*p)++;  // p0: padding 0 written out
    else if (!spec_int(p, 1 << 12, &l->pad)) return false;
  }
  return true;
}

static bool hidden_activation(rlcLayerType t) {
  return t == RLC_LAYER_RELU || t == RLC_LAYER_ELU || t == RLC_LAYER_TANH || t == RLC_LAYER_SIGMOID;
}

// The shape after def's layers so far.
static rlcStatus def_out_shape(const rlcNetDef *def, int *ndim, int shape[3]) {
  if (def->input_ndim != 1 && def->input_ndim != 3)
    return rlc_error(RLC_ERR_ARG, "net: input must be a vector (ndim 1) or an image (ndim 3), got ndim %d",
                     def->input_ndim);
  *ndim = def->input_ndim;
  size_t size = 1;
  for (int k = 0; k < 3; k++) {
    shape[k] = k < *ndim ? def->input_shape[k] : 0;
    if (k < *ndim && shape[k] < 1)
      return rlc_error(RLC_ERR_ARG, "net: input size must be >= 1 (input_shape[%d] = %d)", k, shape[k]);
    if (k < *ndim) size *= (size_t)shape[k];
  }
  if (size > SIZE_LIMIT) return rlc_error(RLC_ERR_ARG, "net: input too large");
  for (int i = 0; i < def->n_layers; i++) {
    rlcLayer L;
    memset(&L, 0, sizeof L);
    L.def = def->layers[i];
    L.in_ndim = *ndim;
    memcpy(L.in_shape, shape, sizeof L.in_shape);
    L.in_size = (int)size;
    size_t la, lc;
    rlcStatus s = plan_layer(&L, i, 1, &la, &lc);
    if (s) return s;
    *ndim = L.out_ndim;
    memcpy(shape, L.out_shape, sizeof L.out_shape);
    size = (size_t)L.out_size;
  }
  return RLC_OK;
}

// The torso grammar for both entries: `what` and `text` name it in errors
// (the mlp's whole architecture), `linear_last` leaves the last layer without
// an activation (the mlp's output) and `end_flat` flattens a trailing image.
static rlcStatus def_layers(rlcNetDef *def, const char *spec, const char *what, const char *text,
                            rlcLayerType act, bool linear_last, bool end_flat) {
  if (!hidden_activation(act))
    return rlc_error(RLC_ERR_ARG, "%s '%s': activation must be relu, elu, tanh or sigmoid", what, text);
  SpecLayer ls[RLC_NET_MAX_LAYERS + 1];
  int n = 0;
  if (*spec && strcmp(spec, "none") != 0)
    for (const char *p = spec;;) {
      if (n > RLC_NET_MAX_LAYERS)
        return rlc_error(RLC_ERR_ARG, "%s '%s': more layers than a net holds (%d)", what, text,
                         RLC_NET_MAX_LAYERS);
      if (!spec_layer(&p, &ls[n++]) || (*p && *p != '-'))
        return rlc_error(RLC_ERR_ARG,
                         "%s '%s': malformed layer %d (expected N for dense, cFkK[sS][pP] for conv, "
                         "'-' between: 64-64, c16k3-128)",
                         what, text, n);
      if (!*p++) break;
    }
  rlcNetDef d = *def;
  int ndim = 1, shape[3] = {0, 0, 0};
  rlcStatus s = def_out_shape(&d, &ndim, shape);
  if (s) return s;
  for (int i = 0; i < n; i++) {
    const SpecLayer *l = &ls[i];
    bool flatten = !l->conv && ndim == 3, activate = i + 1 < n || !linear_last;
    if (d.n_layers + 1 + flatten + activate > RLC_NET_MAX_LAYERS)
      return rlc_error(RLC_ERR_ARG, "%s '%s': more layers than a net holds (%d)", what, text,
                       RLC_NET_MAX_LAYERS);
    if (l->conv) {
      if (ndim != 3)
        return rlc_error(RLC_ERR_ARG, "%s '%s': layer %d (conv c%dk%d) needs an image input; it gets a vector of %d",
                         what, text, i + 1, l->units, l->kernel, shape[0]);
      rlcConvShape cs = {shape[0], shape[1], shape[2], l->units, l->kernel, l->kernel, l->stride, l->pad, 0, 0};
      if (cs.H + 2 * cs.pad < cs.KH || cs.W + 2 * cs.pad < cs.KW)
        return rlc_error(RLC_ERR_ARG, "%s '%s': layer %d (conv c%dk%d) does not fit its %dx%dx%d input%s", what,
                         text, i + 1, l->units, l->kernel, shape[0], shape[1], shape[2],
                         cs.pad ? " (padded)" : "");
      if (rlc_conv_shape(&cs) != RLC_OK)
        return rlc_error(RLC_ERR_ARG, "%s '%s': layer %d: %s", what, text, i + 1, rlc_last_error());
      rlcLayerDef *c = rlc_net_def_add(&d, RLC_LAYER_CONV2D, l->units);
      c->kernel = l->kernel, c->stride = l->stride, c->pad = l->pad;
      shape[0] = cs.OH, shape[1] = cs.OW, shape[2] = cs.OC;
    } else {
      if (flatten) {
        rlc_net_def_add(&d, RLC_LAYER_FLATTEN, 0);
        shape[0] *= shape[1] * shape[2];
        ndim = 1;
      }
      rlc_net_def_add(&d, RLC_LAYER_DENSE, l->units);
      shape[0] = l->units;
    }
    if (activate) rlc_net_def_add(&d, act, 0);
  }
  if (end_flat && ndim == 3) {
    if (d.n_layers >= RLC_NET_MAX_LAYERS)
      return rlc_error(RLC_ERR_ARG, "%s '%s': more layers than a net holds (%d)", what, text,
                       RLC_NET_MAX_LAYERS);
    rlc_net_def_add(&d, RLC_LAYER_FLATTEN, 0);
  }
  *def = d;
  return RLC_OK;
}

rlcLayerDef *rlc_net_def_q_head(rlcNetDef *def, const rlcQHeadDef *head) {
  int atoms = head->atoms > 1 ? head->atoms : 1;
  rlcLayerDef *h;
  if (head->dueling) {
    h = rlc_net_def_add(def, RLC_LAYER_DUELING, head->actions);
    if (h) h->atoms = atoms, h->dueling_max = head->dueling_max, h->noisy = head->noisy;
  } else {
    h = rlc_net_def_add(def, head->noisy ? RLC_LAYER_NOISY_DENSE : RLC_LAYER_DENSE, head->actions * atoms);
  }
  if (h) h->sigma0 = head->sigma0;
  return h;
}

rlcLayerDef *rlc_net_def_policy_head(rlcNetDef *def, int n, bool gaussian, double log_std_init) {
  rlcLayerDef *out = rlc_net_def_add(def, RLC_LAYER_DENSE, n);
  if (out && gaussian) {
    rlcLayerDef *g = rlc_net_def_add(def, RLC_LAYER_GAUSSIAN, n);
    if (!g) return NULL;
    g->log_std_init = log_std_init;
    out = &def->layers[def->n_layers - 2];  // initializers belong to the dense layer
  }
  return out;
}

rlcStatus rlc_net_def_torso(rlcNetDef *def, const char *spec, rlcLayerType activation) {
  if (!def || !spec) return rlc_error(RLC_ERR_ARG, "torso: NULL definition or spec");
  return def_layers(def, spec, "torso", spec, activation, false, true);
}

rlcStatus rlc_net_def_mlp(rlcNetDef *def, const char *arch, rlcLayerType activation) {
  if (!def || !arch) return rlc_error(RLC_ERR_ARG, "mlp: NULL definition or architecture");
  const char *p = arch;
  int in;
  if (!spec_int(&p, 1 << 24, &in) || *p != '-' || !p[1] || !strcmp(p + 1, "none"))
    return rlc_error(RLC_ERR_ARG, "mlp '%s': expected an input size and layer sizes like 4-128-128-2", arch);
  rlcNetDef d = *def;
  d.input_ndim = 1;
  d.input_shape[0] = in;
  d.input_shape[1] = d.input_shape[2] = 0;
  d.n_layers = 0;
  rlcStatus s = def_layers(&d, p + 1, "mlp", arch, activation, true, false);
  if (s) return s;
  *def = d;
  return RLC_OK;
}

rlcStatus rlc_net_def_input(rlcNetDef *def, const rlcSpace *obs) {
  if (!def || !obs) return rlc_error(RLC_ERR_ARG, "net input: NULL definition or space");
  char buf[96];
  if (obs->type != RLC_SPACE_BOX || obs->ndim < 1 || obs->ndim > 3)
    return rlc_error(RLC_ERR_ARG, "net input: needs a Box of rank 1, 2 or 3 (a vector or an H x W x C image); got %s",
                     rlc_space_str(obs, buf, sizeof buf));
  def->input_ndim = obs->ndim == 3 ? 3 : 1;
  def->input_shape[0] = obs->ndim == 3 ? obs->shape[0] : obs->size;
  def->input_shape[1] = obs->ndim == 3 ? obs->shape[1] : 0;
  def->input_shape[2] = obs->ndim == 3 ? obs->shape[2] : 0;
  return RLC_OK;
}

static const char *layer_name(rlcLayerType t) {
  switch (t) {
  case RLC_LAYER_DENSE: return "dense";
  case RLC_LAYER_CONV2D: return "conv2d";
  case RLC_LAYER_FLATTEN: return "flatten";
  case RLC_LAYER_RELU: return "relu";
  case RLC_LAYER_ELU: return "elu";
  case RLC_LAYER_TANH: return "tanh";
  case RLC_LAYER_SIGMOID: return "sigmoid";
  case RLC_LAYER_SOFTMAX: return "softmax";
  case RLC_LAYER_LOG_SOFTMAX: return "log_softmax";
  case RLC_LAYER_NOISY_DENSE: return "noisy_dense";
  case RLC_LAYER_DUELING: return "dueling";
  case RLC_LAYER_CATEGORICAL: return "categorical";
  case RLC_LAYER_GAUSSIAN: return "gaussian";
  }
  return "unknown";
}

//------------------------------------------------------------------------------
// Linear maps: dense and noisy dense, used alone and as dueling branches
//------------------------------------------------------------------------------

typedef struct Lin {
  int C, OC;
  bool noisy;
  size_t p;  // parameter offset
  size_t a;  // aux offset (noisy only)
} Lin;

static size_t lin_n_params(int C, int OC, bool noisy) {
  size_t n = (size_t)OC * C + (size_t)OC;
  return noisy ? 2 * n : n;
}

static size_t lin_n_aux(int C, int OC, bool noisy) {
  return noisy ? (size_t)C + OC + 2 * ((size_t)OC * C + OC) : 0;
}

// The linear maps of a layer: one for dense/noisy, two (value, advantage) for
// dueling.
static int layer_lins(const rlcLayer *L, Lin lin[2]) {
  int C = L->in_size;
  switch (L->def.type) {
  case RLC_LAYER_DENSE:
  case RLC_LAYER_NOISY_DENSE:
    lin[0] = (Lin){C, L->def.units, L->def.type == RLC_LAYER_NOISY_DENSE, L->param_offset,
                   L->aux_offset};
    return 1;
  case RLC_LAYER_DUELING: {
    bool nz = L->def.noisy;
    int Z = L->def.atoms, AZ = L->def.units * Z;
    lin[0] = (Lin){C, Z, nz, L->param_offset, L->aux_offset};
    lin[1] = (Lin){C, AZ, nz, L->param_offset + lin_n_params(C, Z, nz),
                   L->aux_offset + lin_n_aux(C, Z, nz)};
    return 2;
  }
  default: return 0;
  }
}

// Factorized Gaussian noise: eps_w = f(eps_out) f(eps_in)^T, eps_b =
// f(eps_out), f(x) = sign(x) sqrt(|x|); only the two vectors are stored.
static float noise_f(double x) { return (float)(x < 0 ? -sqrt(-x) : sqrt(x)); }

static void lin_resample(rlcNet *net, const Lin *l) {
  if (!l->noisy) return;
  float *ei = net->aux + l->a, *eo = ei + l->C;
  for (int c = 0; c < l->C; c++) ei[c] = noise_f(rlc_rng_normal(&net->rng));
  for (int o = 0; o < l->OC; o++) eo[o] = noise_f(rlc_rng_normal(&net->rng));
}

static void lin_forward(rlcNet *net, const Lin *l, float *out, const float *inp, int B) {
  // out is (B, OC), inp is (B, C)
  const float *w = net->params + l->p;
  size_t nw = (size_t)l->OC * l->C;
  if (!l->noisy) {
    rlc_dense_forward(out, inp, w, w + nw, B, l->C, l->OC);
    return;
  }
  // The effective weights change with every optimizer step, so they are
  // rebuilt per forward: W = mu_w + sigma_w * eps_out eps_in^T.
  const float *mu_w = w, *sg_w = w + nw, *mu_b = w + 2 * nw, *sg_b = mu_b + l->OC;
  const float *ei = net->aux + l->a, *eo = ei + l->C;
  float *we = net->aux + l->a + l->C + l->OC, *be = we + nw;
  for (int o = 0; o < l->OC; o++) {
    float *restrict wr = we + (size_t)o * l->C;
    const float *restrict mr = mu_w + (size_t)o * l->C, *restrict sr = sg_w + (size_t)o * l->C;
    float e = eo[o];
    for (int c = 0; c < l->C; c++) wr[c] = mr[c] + sr[c] * (e * ei[c]);
    be[o] = mu_b[o] + sg_b[o] * e;
  }
  rlc_dense_forward(out, inp, we, be, B, l->C, l->OC);
}

static void lin_backward(rlcNet *net, const Lin *l, float *dinp, const float *dout,
                         const float *inp, int B) {
  size_t nw = (size_t)l->OC * l->C;
  float *g = net->grads + l->p;
  if (!l->noisy) {
    rlc_dense_backward(dinp, g, g + nw, dout, inp, net->params + l->p, B, l->C, l->OC);
    return;
  }
  // d mu = dW_eff, d sigma = dW_eff * eps: the batch's dW_eff is needed on
  // its own, so it goes to scratch first.
  const float *ei = net->aux + l->a, *eo = ei + l->C;
  const float *we = net->aux + l->a + l->C + l->OC;
  float *dwe = net->aux + l->a + l->C + l->OC + nw + l->OC, *dbe = dwe + nw;
  memset(dwe, 0, sizeof(float) * (nw + l->OC));
  rlc_dense_backward(dinp, dwe, dbe, dout, inp, we, B, l->C, l->OC);
  float *g_mu_w = g, *g_sg_w = g + nw, *g_mu_b = g + 2 * nw, *g_sg_b = g_mu_b + l->OC;
  for (int o = 0; o < l->OC; o++) {
    float *restrict gm = g_mu_w + (size_t)o * l->C, *restrict gs = g_sg_w + (size_t)o * l->C;
    const float *restrict d = dwe + (size_t)o * l->C;
    float e = eo[o];
    for (int c = 0; c < l->C; c++) {
      gm[c] += d[c];
      gs[c] += d[c] * (e * ei[c]);
    }
    g_mu_b[o] += dbe[o];
    g_sg_b[o] += dbe[o] * e;
  }
}

// Initialization. Plain dense and conv layers follow PyTorch (U(+-1/sqrt(fan_in))
// for weight and bias) unless the definition sets has_init. Noisy layers follow
// the rainbow-is-all-you-need notebook: mu ~ U(+-1/sqrt(fan_in)), sigma_w =
// sigma0 / sqrt(fan_in) and sigma_b = sigma0 / sqrt(fan_out) (Fortunato et al.
// write sigma0 / sqrt(fan_in) for both; the notebook's choice is kept so
// results compare with it).
static rlcStatus init_weights(float *w, float *b, int rows, int cols, int fan_in, int fan_out,
                              const rlcLayerDef *d, rlcRng *rng) {
  rlcInit wi = {.type = RLC_INIT_TORCH_LINEAR}, bi = wi;
  if (d->has_init) {
    wi = d->weight_init;
    bi = d->bias_init;
  }
  rlcStatus s = rlc_init_fill(w, rows * cols, rows, fan_in, fan_out, &wi, rng);
  if (s == RLC_OK) s = rlc_init_fill(b, rows, 1, fan_in, fan_out, &bi, rng);
  return s;
}

static rlcStatus lin_init(rlcNet *net, const Lin *l, const rlcLayerDef *d, rlcRng *rng) {
  float *w = net->params + l->p;
  size_t nw = (size_t)l->OC * l->C;
  if (!l->noisy) return init_weights(w, w + nw, l->OC, l->C, l->C, l->OC, d, rng);
  float *mu_w = w, *sg_w = w + nw, *mu_b = w + 2 * nw, *sg_b = mu_b + l->OC;
  rlcStatus s = init_weights(mu_w, mu_b, l->OC, l->C, l->C, l->OC, d, rng);
  float sw = (float)(d->sigma0 / sqrt((double)l->C)), sb = (float)(d->sigma0 / sqrt((double)l->OC));
  for (size_t i = 0; i < nw; i++) sg_w[i] = sw;
  for (int o = 0; o < l->OC; o++) sg_b[o] = sb;
  return s;
}

//------------------------------------------------------------------------------
// Creation: shapes, checks, buffer layout
//------------------------------------------------------------------------------

// Shape and sizes of layer i given its input; sets an RLC_ERR_ARG naming the
// layer when the definition is impossible. *n_aux gets the layer's own aux,
// *col the conv scratch it needs (shared).
static rlcStatus plan_layer(rlcLayer *L, int i, int max_batch, size_t *n_aux, size_t *col) {
  const rlcLayerDef *d = &L->def;
  const char *nm = layer_name(d->type);
  size_t in = (size_t)L->in_size;
  L->out_ndim = L->in_ndim;
  memcpy(L->out_shape, L->in_shape, sizeof L->out_shape);
  L->n_params = 0;
  *n_aux = 0;
  *col = 0;
  switch (d->type) {
  case RLC_LAYER_DENSE:
  case RLC_LAYER_NOISY_DENSE:
  case RLC_LAYER_DUELING: {
    if (L->in_ndim != 1)
      return rlc_error(RLC_ERR_ARG, "net: layer %d (%s) needs a flat input; add a flatten layer",
                       i, nm);
    if (d->units < 1)
      return rlc_error(RLC_ERR_ARG, "net: layer %d (%s): units must be >= 1 (got %d)", i, nm,
                       d->units);
    int Z = 1;
    if (d->type == RLC_LAYER_DUELING) {
      if (d->atoms < 1)
        return rlc_error(RLC_ERR_ARG, "net: layer %d (dueling): atoms must be >= 1 (got %d)", i,
                         d->atoms);
      Z = d->atoms;
    }
    size_t out = (size_t)d->units * Z;
    if (out > SIZE_LIMIT / 4 || (out + Z) * (in + 1) > SIZE_LIMIT / 4)
      return rlc_error(RLC_ERR_ARG, "net: layer %d (%s) is too large", i, nm);
    L->out_shape[0] = (int)out;
    if (d->type == RLC_LAYER_DENSE) {
      L->n_params = lin_n_params((int)in, (int)out, false);
    } else if (d->type == RLC_LAYER_NOISY_DENSE) {
      L->n_params = lin_n_params((int)in, (int)out, true);
      *n_aux = lin_n_aux((int)in, (int)out, true);
    } else {
      L->n_params = lin_n_params((int)in, Z, d->noisy) + lin_n_params((int)in, (int)out, d->noisy);
      *n_aux = lin_n_aux((int)in, Z, d->noisy) + lin_n_aux((int)in, (int)out, d->noisy) +
               (size_t)max_batch * (2 * (size_t)Z + 2 * out + Z);
    }
    break;
  }
  case RLC_LAYER_CONV2D: {
    if (L->in_ndim != 3)
      return rlc_error(RLC_ERR_ARG, "net: layer %d (conv2d) needs an (H, W, C) input", i);
    int filters = d->filters > 0 ? d->filters : d->units;
    if (filters < 1 || d->kernel < 1 || d->stride < 1 || d->pad < 0)
      return rlc_error(RLC_ERR_ARG,
                       "net: layer %d (conv2d): needs filters >= 1, kernel >= 1, stride >= 1 and "
                       "pad >= 0 (got %d, %d, %d, %d)",
                       i, filters, d->kernel, d->stride, d->pad);
    rlcConvShape s = {L->in_shape[0], L->in_shape[1], L->in_shape[2], filters, d->kernel,
                      d->kernel, d->stride, d->pad, 0, 0};
    if (rlc_conv_shape(&s) != RLC_OK) {
      char msg[256];
      const char *m = rlc_last_error();
      snprintf(msg, sizeof msg, "%s", strncmp(m, "conv2d: ", 8) == 0 ? m + 8 : m);
      return rlc_error(RLC_ERR_ARG, "net: layer %d (conv2d): %s", i, msg);
    }
    L->conv = s;
    L->out_shape[0] = s.OH;
    L->out_shape[1] = s.OW;
    L->out_shape[2] = s.OC;
    L->n_params = (size_t)s.OC * s.KH * s.KW * s.C + (size_t)s.OC;
    *col = rlc_conv_col_size(&s);
    break;
  }
  case RLC_LAYER_FLATTEN:
    L->out_ndim = 1;
    L->out_shape[0] = (int)in;
    L->out_shape[1] = L->out_shape[2] = 0;
    break;
  case RLC_LAYER_RELU:
  case RLC_LAYER_ELU:
  case RLC_LAYER_TANH:
  case RLC_LAYER_SIGMOID:
  case RLC_LAYER_SOFTMAX:
  case RLC_LAYER_LOG_SOFTMAX:
    break;
  case RLC_LAYER_CATEGORICAL:
    if (d->units < 1 || d->atoms < 1 || (size_t)d->units * d->atoms != in)
      return rlc_error(RLC_ERR_ARG,
                       "net: layer %d (categorical): units x atoms (%d x %d) must equal its input "
                       "size %zu",
                       i, d->units, d->atoms, in);
    break;
  case RLC_LAYER_GAUSSIAN:
    if (L->in_ndim != 1 || d->units < 1 || (size_t)d->units != in)
      return rlc_error(RLC_ERR_ARG,
                       "net: layer %d (gaussian): units (%d) must equal its flat input size %zu", i,
                       d->units, in);
    L->out_shape[0] = 2 * d->units;
    L->n_params = (size_t)d->units;
    break;
  default:
    return rlc_error(RLC_ERR_ARG, "net: layer %d has an unknown type %d", i, (int)d->type);
  }
  size_t out = 1;
  for (int k = 0; k < L->out_ndim; k++) out *= (size_t)L->out_shape[k];
  if (out > SIZE_LIMIT / (size_t)max_batch)
    return rlc_error(RLC_ERR_ARG, "net: layer %d (%s): output too large for max_batch %d", i, nm,
                     max_batch);
  L->out_size = (int)out;
  return RLC_OK;
}

// Layer regions of acts/dacts start on cache lines, as the buffers do.
static size_t pad_region(size_t n) { return (n + 15) / 16 * 16; }

static rlcStatus init_params(rlcNet *net);
static void resample_all(rlcNet *net);

rlcStatus rlc_net_create(const rlcNetDef *def, rlcNet **out) {
  if (!out) return rlc_error(RLC_ERR_ARG, "net: NULL output pointer");
  *out = NULL;
  if (!def) return rlc_error(RLC_ERR_ARG, "net: NULL definition");
  if (def->n_layers < 1 || def->n_layers > RLC_NET_MAX_LAYERS)
    return rlc_error(RLC_ERR_ARG, "net: needs 1 to %d layers (got %d)", RLC_NET_MAX_LAYERS,
                     def->n_layers);
  if (def->max_batch < 1)
    return rlc_error(RLC_ERR_ARG, "net: max_batch must be >= 1 (got %d)", def->max_batch);
  if (def->input_ndim != 1 && def->input_ndim != 3)
    return rlc_error(RLC_ERR_ARG, "net: input must be a vector (ndim 1) or an image (ndim 3), got ndim %d",
                     def->input_ndim);
  size_t in_size = 1;
  for (int k = 0; k < def->input_ndim; k++) {
    if (def->input_shape[k] < 1)
      return rlc_error(RLC_ERR_ARG, "net: input size must be >= 1 (input_shape[%d] = %d)", k,
                       def->input_shape[k]);
    in_size *= (size_t)def->input_shape[k];
    if (in_size > SIZE_LIMIT / (size_t)def->max_batch)
      return rlc_error(RLC_ERR_ARG, "net: input too large");
  }

  rlcNet *net = rlc_calloc(1, sizeof *net);
  if (!net) return RLC_ERR_NOMEM;
  net->def = *def;
  net->n_layers = def->n_layers;
  net->max_batch = def->max_batch;
  net->in_size = (int)in_size;

  // Walk the shapes; place every layer's parameters, output and aux.
  int shape[3] = {def->input_shape[0], def->input_ndim == 3 ? def->input_shape[1] : 0,
                  def->input_ndim == 3 ? def->input_shape[2] : 0};
  int ndim = def->input_ndim, size = (int)in_size;
  size_t n_params = 0, n_acts = 0, n_aux = 0, n_col = 0;
  for (int i = 0; i < net->n_layers; i++) {
    rlcLayer *L = &net->layers[i];
    L->def = def->layers[i];
    L->in_ndim = ndim;
    memcpy(L->in_shape, shape, sizeof shape);
    L->in_size = size;
    size_t la, lc;
    rlcStatus s = plan_layer(L, i, net->max_batch, &la, &lc);
    if (s != RLC_OK) {
      rlc_free(net);
      return s;
    }
    L->param_offset = n_params;
    n_params += L->n_params;
    L->out_offset = n_acts;
    n_acts += pad_region((size_t)net->max_batch * L->out_size);
    L->aux_offset = n_aux;
    L->n_aux = la;
    n_aux += la;
    if (lc > n_col) n_col = lc;
    ndim = L->out_ndim;
    memcpy(shape, L->out_shape, sizeof shape);
    size = L->out_size;
  }
  // Conv layers share one im2col scratch at the end of aux.
  for (int i = 0; i < net->n_layers; i++)
    if (net->layers[i].def.type == RLC_LAYER_CONV2D) {
      net->layers[i].aux_offset = n_aux;
      net->layers[i].n_aux = n_col;
    }
  n_aux += n_col;
  net->out_size = size;
  net->n_params = n_params;

  // One arena, every buffer on its own 64-byte lines: with malloc's 16, half
  // of the kernels' 32-byte loads straddled two lines, which measured 40%
  // slower on the dense backward. At least one float each, so that none is
  // NULL (layers take offsets into them even in a net without parameters).
  // Before the arena: the bytes it would take, against the memory limit
  // (an optimizer adds up to two more copies of the parameters).
  char what[96];
  snprintf(what, sizeof what, "a network of %.3g parameters and %.3g activations", (double)n_params,
           (double)n_acts);
  rlcStatus ms = rlc_memory_check(4.0 * (2.0 * n_params + 2.0 * n_acts + n_aux), what);
  if (ms) {
    rlc_free(net);
    return ms;
  }
  rlcArenaItem items[] = {RLC_ARENA_ITEM(net->params, n_params + 1), RLC_ARENA_ITEM(net->grads, n_params + 1),
                          RLC_ARENA_ITEM(net->acts, n_acts + 1), RLC_ARENA_ITEM(net->dacts, n_acts + 1),
                          RLC_ARENA_ITEM(net->aux, n_aux + 1)};
  rlcStatus s = rlc_arena_init(&net->mem, items, (int)(sizeof items / sizeof items[0]));
  if (s == RLC_OK) s = init_params(net);
  if (s != RLC_OK) {
    rlc_net_destroy(net);
    return s;
  }
  *out = net;
  return RLC_OK;
}

void rlc_net_destroy(rlcNet *net) {
  if (!net) return;
  rlc_arena_free(&net->mem);
  rlc_free(net);
}

//------------------------------------------------------------------------------
// Parameters and noise
//------------------------------------------------------------------------------

// Initialization and noise draw from two child streams of def.seed, so
// re-initializing gives the creation-time values whatever noise was drawn.
static rlcStatus init_params(rlcNet *net) {
  rlcRng rng;
  rlc_rng_seed_child(&rng, net->def.seed, 0);
  for (int i = 0; i < net->n_layers; i++) {
    rlcLayer *L = &net->layers[i];
    const rlcLayerDef *d = &L->def;
    rlcStatus s = RLC_OK;
    Lin lin[2];
    int nl = layer_lins(L, lin);
    for (int k = 0; k < nl && s == RLC_OK; k++) s = lin_init(net, &lin[k], d, &rng);
    if (d->type == RLC_LAYER_CONV2D) {
      const rlcConvShape *c = &L->conv;
      int fan = c->KH * c->KW * c->C;
      float *w = net->params + L->param_offset;
      s = init_weights(w, w + (size_t)c->OC * fan, c->OC, fan, fan, c->KH * c->KW * c->OC, d, &rng);
    } else if (d->type == RLC_LAYER_GAUSSIAN) {
      if (!isfinite(d->log_std_init))
        s = rlc_error(RLC_ERR_ARG, "log_std_init must be finite");
      for (int k = 0; k < d->units; k++)
        net->params[L->param_offset + k] = (float)d->log_std_init;
    }
    if (s != RLC_OK) {
      char msg[256];
      snprintf(msg, sizeof msg, "%s", rlc_last_error());
      return rlc_error(s, "net: layer %d (%s): %s", i, layer_name(d->type), msg);
    }
  }
  memset(net->grads, 0, sizeof(float) * (net->n_params ? net->n_params : 1));
  rlc_rng_seed_child(&net->rng, net->def.seed, 1);
  resample_all(net);
  return RLC_OK;
}

void rlc_net_init_params(rlcNet *net) {
  if (net) (void)init_params(net);  // validated at creation
}

static void resample_all(rlcNet *net) {
  for (int i = 0; i < net->n_layers; i++) {
    Lin lin[2];
    int nl = layer_lins(&net->layers[i], lin);
    for (int k = 0; k < nl; k++) lin_resample(net, &lin[k]);
  }
}

void rlc_net_resample_noise(rlcNet *net) {
  if (net) resample_all(net);
}

// Zeroing a part of the gradients (the pool cuts them at 64-float boundaries).
static void zero_part(void *arg, int k, int parts) {
  const rlcNet *net = arg;
  size_t n = net->n_params, i0 = (size_t)nn_split((int)(n / 64), 1, k, parts) * 64;
  size_t i1 = k == parts - 1 ? n : (size_t)nn_split((int)(n / 64), 1, k + 1, parts) * 64;
  memset(net->grads + i0, 0, sizeof(float) * (i1 - i0));
}

void rlc_net_zero_grad(rlcNet *net) {
  if (net && net->n_params) nn_run(zero_part, net, net->n_params >= 128 ? nn_parts((double)net->n_params) : 1);
}

//------------------------------------------------------------------------------
// Heads
//------------------------------------------------------------------------------

// Dueling scratch in aux after the branches' noise: V (B, Z), A (B, AZ), dV,
// dA, argmax (B, Z), each sized for max_batch.
typedef struct Duel {
  int A, Z;
  float *v, *a, *dv, *da, *arg;
} Duel;

static Duel duel_of(rlcNet *net, const rlcLayer *L) {
  Duel d;
  d.A = L->def.units;
  d.Z = L->def.atoms;
  size_t mb = (size_t)net->max_batch, AZ = (size_t)d.A * d.Z, C = (size_t)L->in_size;
  float *p = net->aux + L->aux_offset + lin_n_aux((int)C, d.Z, L->def.noisy) +
             lin_n_aux((int)C, (int)AZ, L->def.noisy);
  d.v = p;
  d.a = d.v + mb * d.Z;
  d.dv = d.a + mb * AZ;
  d.da = d.dv + mb * d.Z;
  d.arg = d.da + mb * AZ;
  return d;
}

// Q[a, z] = V[z] + A[a, z] - mean_a A[a, z]  (or max_a, remembering which a).
static void dueling_forward(rlcNet *net, const rlcLayer *L, float *out, const float *inp, int B) {
  // out is (B, A, Z), inp is (B, C)
  Lin lin[2];
  layer_lins(L, lin);
  Duel d = duel_of(net, L);
  lin_forward(net, &lin[0], d.v, inp, B);
  lin_forward(net, &lin[1], d.a, inp, B);
  bool use_max = L->def.dueling_max;
  for (int b = 0; b < B; b++) {
    const float *v = d.v + (size_t)b * d.Z, *a = d.a + (size_t)b * d.A * d.Z;
    float *q = out + (size_t)b * d.A * d.Z, *arg = d.arg + (size_t)b * d.Z;
    for (int z = 0; z < d.Z; z++) {
      float base;
      if (use_max) {
        int best = 0;
        for (int k = 1; k < d.A; k++)
          if (a[(size_t)k * d.Z + z] > a[(size_t)best * d.Z + z]) best = k;
        arg[z] = (float)best;
        base = a[(size_t)best * d.Z + z];
      } else {
        double s = 0.0;
        for (int k = 0; k < d.A; k++) s += a[(size_t)k * d.Z + z];
        base = (float)(s / d.A);
      }
      for (int k = 0; k < d.A; k++) q[(size_t)k * d.Z + z] = v[z] + (a[(size_t)k * d.Z + z] - base);
    }
  }
}

// dV[z] = sum_a dQ[a, z]; dA[a, z] = dQ[a, z] - (1/A) sum_a' dQ[a', z], or
// with max the whole sum leaves the argmax entry.
static void dueling_backward(rlcNet *net, const rlcLayer *L, float *dinp, const float *dout,
                             const float *inp, int B) {
  Lin lin[2];
  layer_lins(L, lin);
  Duel d = duel_of(net, L);
  bool use_max = L->def.dueling_max;
  for (int b = 0; b < B; b++) {
    const float *dq = dout + (size_t)b * d.A * d.Z, *arg = d.arg + (size_t)b * d.Z;
    float *dv = d.dv + (size_t)b * d.Z, *da = d.da + (size_t)b * d.A * d.Z;
    for (int z = 0; z < d.Z; z++) {
      double s = 0.0;
      for (int k = 0; k < d.A; k++) s += dq[(size_t)k * d.Z + z];
      dv[z] = (float)s;
      if (use_max) {
        for (int k = 0; k < d.A; k++) da[(size_t)k * d.Z + z] = dq[(size_t)k * d.Z + z];
        da[(size_t)arg[z] * d.Z + z] -= (float)s;
      } else {
        float m = (float)(s / d.A);
        for (int k = 0; k < d.A; k++) da[(size_t)k * d.Z + z] = dq[(size_t)k * d.Z + z] - m;
      }
    }
  }
  lin_backward(net, &lin[0], dinp, d.dv, inp, B);
  lin_backward(net, &lin[1], dinp, d.da, inp, B);
}

//------------------------------------------------------------------------------
// Forward and backward over the layer table
//------------------------------------------------------------------------------

// Softmax layers act on the last axis (Keras' default): rows of the last
// dimension (C for images, the whole vector otherwise).
static int last_dim(const rlcLayer *L) { return L->in_shape[L->in_ndim - 1]; }

static void layer_forward(rlcNet *net, const rlcLayer *L, float *out, const float *inp, int B) {
  int n = B * L->in_size;
  const float *p = net->params + L->param_offset;
  switch (L->def.type) {
  case RLC_LAYER_DENSE:
  case RLC_LAYER_NOISY_DENSE: {
    Lin lin[2];
    layer_lins(L, lin);
    lin_forward(net, &lin[0], out, inp, B);
    break;
  }
  case RLC_LAYER_CONV2D: {
    const rlcConvShape *c = &L->conv;
    rlc_conv2d_forward(out, inp, p, p + (size_t)c->OC * c->KH * c->KW * c->C, B, c,
                       net->aux + L->aux_offset);
    break;
  }
  case RLC_LAYER_FLATTEN: memcpy(out, inp, sizeof(float) * n); break;
  case RLC_LAYER_RELU: rlc_relu_forward(out, inp, n); break;
  case RLC_LAYER_ELU: rlc_elu_forward(out, inp, n); break;
  case RLC_LAYER_TANH: rlc_tanh_forward(out, inp, n); break;
  case RLC_LAYER_SIGMOID: rlc_sigmoid_forward(out, inp, n); break;
  case RLC_LAYER_SOFTMAX: rlc_softmax_forward(out, inp, n / last_dim(L), last_dim(L)); break;
  case RLC_LAYER_LOG_SOFTMAX:
    rlc_log_softmax_forward(out, inp, n / last_dim(L), last_dim(L));
    break;
  case RLC_LAYER_DUELING: dueling_forward(net, L, out, inp, B); break;
  case RLC_LAYER_CATEGORICAL:
    rlc_softmax_forward(out, inp, B * L->def.units, L->def.atoms);
    break;
  case RLC_LAYER_GAUSSIAN: {
    int D = L->def.units;
    for (int b = 0; b < B; b++) {
      memcpy(out + (size_t)b * 2 * D, inp + (size_t)b * D, sizeof(float) * D);
      memcpy(out + (size_t)b * 2 * D + D, p, sizeof(float) * D);
    }
    break;
  }
  }
}

// dinp (zeroed by the caller, or NULL when not needed) and the parameter
// gradients accumulate.
static void layer_backward(rlcNet *net, const rlcLayer *L, float *dinp, const float *dout,
                           const float *inp, const float *out, int B) {
  int n = B * L->in_size;
  const float *p = net->params + L->param_offset;
  float *g = net->grads + L->param_offset;
  switch (L->def.type) {
  case RLC_LAYER_DENSE:
  case RLC_LAYER_NOISY_DENSE: {
    Lin lin[2];
    layer_lins(L, lin);
    lin_backward(net, &lin[0], dinp, dout, inp, B);
    return;
  }
  case RLC_LAYER_CONV2D: {
    const rlcConvShape *c = &L->conv;
    size_t nw = (size_t)c->OC * c->KH * c->KW * c->C;
    rlc_conv2d_backward(dinp, g, g + nw, dout, inp, p, B, c, net->aux + L->aux_offset);
    return;
  }
  case RLC_LAYER_DUELING: dueling_backward(net, L, dinp, dout, inp, B); return;
  case RLC_LAYER_GAUSSIAN: {
    int D = L->def.units;
    for (int b = 0; b < B; b++) {
      const float *d = dout + (size_t)b * 2 * D;
      if (dinp)
        for (int k = 0; k < D; k++) dinp[(size_t)b * D + k] += d[k];
      for (int k = 0; k < D; k++) g[k] += d[D + k];
    }
    return;
  }
  default: break;
  }
  if (!dinp) return;  // parameter-free layers only pass gradients down
  switch (L->def.type) {
  case RLC_LAYER_FLATTEN:
    for (int i = 0; i < n; i++) dinp[i] += dout[i];
    break;
  case RLC_LAYER_RELU: rlc_relu_backward(dinp, dout, out, n); break;
  case RLC_LAYER_ELU: rlc_elu_backward(dinp, dout, out, n); break;
  case RLC_LAYER_TANH: rlc_tanh_backward(dinp, dout, out, n); break;
  case RLC_LAYER_SIGMOID: rlc_sigmoid_backward(dinp, dout, out, n); break;
  case RLC_LAYER_SOFTMAX:
    rlc_softmax_backward(dinp, dout, out, n / last_dim(L), last_dim(L));
    break;
  case RLC_LAYER_LOG_SOFTMAX:
    rlc_log_softmax_backward(dinp, dout, out, n / last_dim(L), last_dim(L));
    break;
  case RLC_LAYER_CATEGORICAL:
    rlc_softmax_backward(dinp, dout, out, B * L->def.units, L->def.atoms);
    break;
  default: break;
  }
}

const float *rlc_net_forward(rlcNet *net, const float *x, int B) {
  if (!net || !x) {
    rlc_error(RLC_ERR_ARG, "net forward: NULL net or input");
    return NULL;
  }
  if (B < 1 || B > net->max_batch) {
    rlc_error(RLC_ERR_ARG, "net forward: batch %d outside [1, max_batch = %d]", B, net->max_batch);
    return NULL;
  }
  const float *in = x;
  for (int i = 0; i < net->n_layers; i++) {
    const rlcLayer *L = &net->layers[i];
    float *out = net->acts + L->out_offset;
    layer_forward(net, L, out, in, B);
    in = out;
  }
  net->input = x;
  net->batch = B;
  return in;
}

static void backward(rlcNet *net, const float *dout, float *dx, bool params);

void rlc_net_backward(rlcNet *net, const float *dout, float *dx) { backward(net, dout, dx, true); }

void rlc_net_backward_input(rlcNet *net, const float *dout, float *dx) { backward(net, dout, dx, false); }

static void backward(rlcNet *net, const float *dout, float *dx, bool params) {
  if (!net || !dout) {
    rlc_error(RLC_ERR_ARG, "net backward: NULL net or gradient");
    return;
  }
  if (net->batch < 1 || !net->input) {
    rlc_error(RLC_ERR_STATE, "net backward: no forward to go back through");
    return;
  }
  int B = net->batch;
  // Below the first layer with parameters only dx needs gradients.
  int first = 0;
  while (!dx && first < net->n_layers - 1 && net->layers[first].n_params == 0) first++;
  const float *d = dout;
  for (int i = net->n_layers - 1; i >= first; i--) {
    const rlcLayer *L = &net->layers[i];
    const float *in = i ? net->acts + net->layers[i - 1].out_offset : net->input;
    float *din = i > first ? net->dacts + net->layers[i - 1].out_offset : dx;
    if (din && L->def.type == RLC_LAYER_RELU) {
      // Written, not zeroed then accumulated: one pass instead of two, the
      // same values (0 + g = g + 0, which also turns -0 into +0).
      const float *o = net->acts + L->out_offset;
      for (size_t k = 0; k < (size_t)B * L->in_size; k++) din[k] = o[k] > 0.0f ? d[k] + 0.0f : 0.0f;
      d = din;
      continue;
    }
    if (din) memset(din, 0, sizeof(float) * (size_t)B * L->in_size);
    if (!params && L->def.type == RLC_LAYER_DENSE)
      rlc_dense_backward(din, NULL, NULL, d, in, net->params + L->param_offset, B, L->in_size, L->def.units);
    else
      layer_backward(net, L, din, d, in, net->acts + L->out_offset, B);
    d = din;
  }
}

//------------------------------------------------------------------------------
// Save / load: a little-endian file
//   "RLCNET\r\n" | u32 version | i32 input_ndim, input_shape[3], n_layers |
//   n_layers x (i32 type, units, filters, kernel, stride, pad, atoms, flags,
//               in_size, out_size | u64 n_params) |
//   u64 n_params | f32 params[n_params] | u32 CRC-32 of everything before
// ("\r\n" in the magic catches text-mode mangling, as PNG's does.)
//------------------------------------------------------------------------------

#define NET_MAGIC "RLCNET\r\n"
#define NET_VERSION 1u
#define HEAD_SIZE (8 + 4 + 5 * 4)
#define LAYER_REC (10 * 4 + 8)

static void put32(unsigned char *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}
static void put64(unsigned char *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}
static uint32_t get32(const unsigned char *p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v |= (uint32_t)p[i] << (8 * i);
  return v;
}
static uint64_t get64(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}

// The fields that define a layer's structure (zero where the type ignores
// them), so two nets match exactly when their records do.
typedef struct LayerRec {
  int32_t type, units, filters, kernel, stride, pad, atoms, flags, in_size, out_size;
  uint64_t n_params;
} LayerRec;

static LayerRec layer_rec(const rlcLayer *L) {
  const rlcLayerDef *d = &L->def;
  LayerRec r;
  memset(&r, 0, sizeof r);
  r.type = (int32_t)d->type;
  switch (d->type) {
  case RLC_LAYER_DENSE:
  case RLC_LAYER_NOISY_DENSE:
  case RLC_LAYER_GAUSSIAN: r.units = d->units; break;
  case RLC_LAYER_CONV2D:
    r.filters = L->conv.OC;
    r.kernel = d->kernel;
    r.stride = d->stride;
    r.pad = d->pad;
    break;
  case RLC_LAYER_DUELING:
    r.units = d->units;
    r.atoms = d->atoms;
    r.flags = (d->dueling_max ? 1 : 0) | (d->noisy ? 2 : 0);
    break;
  case RLC_LAYER_CATEGORICAL:
    r.units = d->units;
    r.atoms = d->atoms;
    break;
  default: break;
  }
  r.in_size = L->in_size;
  r.out_size = L->out_size;
  r.n_params = L->n_params;
  return r;
}

static void put_rec(unsigned char *p, const LayerRec *r) {
  int32_t f[10] = {r->type, r->units, r->filters, r->kernel, r->stride,
                   r->pad,  r->atoms, r->flags,   r->in_size, r->out_size};
  for (int k = 0; k < 10; k++) put32(p + 4 * k, (uint32_t)f[k]);
  put64(p + 40, r->n_params);
}

static LayerRec get_rec(const unsigned char *p) {
  LayerRec r;
  int32_t *f[10] = {&r.type, &r.units, &r.filters, &r.kernel, &r.stride,
                    &r.pad,  &r.atoms, &r.flags,   &r.in_size, &r.out_size};
  for (int k = 0; k < 10; k++) *f[k] = (int32_t)get32(p + 4 * k);
  r.n_params = get64(p + 40);
  return r;
}

static void describe_rec(char *buf, size_t n, const LayerRec *r) {
  const char *nm = layer_name((rlcLayerType)r->type);
  switch ((rlcLayerType)r->type) {
  case RLC_LAYER_CONV2D:
    snprintf(buf, n, "conv2d(%d filters %dx%d stride %d pad %d, input %d)", r->filters, r->kernel,
             r->kernel, r->stride, r->pad, r->in_size);
    break;
  case RLC_LAYER_DUELING:
    snprintf(buf, n, "dueling(%d actions x %d atoms%s%s, input %d)", r->units, r->atoms,
             r->flags & 1 ? ", max" : "", r->flags & 2 ? ", noisy" : "", r->in_size);
    break;
  case RLC_LAYER_CATEGORICAL:
    snprintf(buf, n, "categorical(%d x %d atoms)", r->units, r->atoms);
    break;
  default:
    if (r->units)
      snprintf(buf, n, "%s(%d, input %d)", nm, r->units, r->in_size);
    else
      snprintf(buf, n, "%s(size %d)", nm, r->in_size);
  }
}

static size_t file_size_for(int n_layers, uint64_t n_params) {
  return HEAD_SIZE + (size_t)n_layers * LAYER_REC + 8 + 4 * (size_t)n_params + 4;
}

rlcStatus rlc_net_save(const rlcNet *net, const char *path) {
  if (!net || !path) return rlc_error(RLC_ERR_ARG, "net save: NULL net or path");
  size_t size = file_size_for(net->n_layers, net->n_params);
  unsigned char *buf = rlc_malloc(size);
  if (!buf) return RLC_ERR_NOMEM;
  unsigned char *p = buf;
  memcpy(p, NET_MAGIC, 8);
  put32(p + 8, NET_VERSION);
  put32(p + 12, (uint32_t)net->def.input_ndim);
  for (int k = 0; k < 3; k++)
    put32(p + 16 + 4 * k, (uint32_t)(k < net->def.input_ndim ? net->def.input_shape[k] : 0));
  put32(p + 28, (uint32_t)net->n_layers);
  p += HEAD_SIZE;
  for (int i = 0; i < net->n_layers; i++, p += LAYER_REC) {
    LayerRec r = layer_rec(&net->layers[i]);
    put_rec(p, &r);
  }
  put64(p, net->n_params);
  p += 8;
  for (size_t i = 0; i < net->n_params; i++, p += 4) {
    uint32_t u;
    memcpy(&u, &net->params[i], 4);
    put32(p, u);
  }
  put32(p, rlc_crc32(0, buf, size - 4));

  rlcStatus st = rlc_file_write_atomic(path, buf, size, "net save");
  rlc_free(buf);
  return st;
}

// Checks a file image against the net; on success the parameters start at
// *params_at.
static rlcStatus check_file(const rlcNet *net, const char *path, const unsigned char *buf,
                            size_t size, size_t *params_at) {
  if (size < 8 || memcmp(buf, NET_MAGIC, 8) != 0)
    return rlc_error(RLC_ERR_FORMAT, "net load: '%s' is not an rlc network file (bad magic)", path);
  if (size < HEAD_SIZE)
    return rlc_error(RLC_ERR_FORMAT, "net load: '%s' is truncated (%zu bytes)", path, size);
  uint32_t version = get32(buf + 8);
  if (version != NET_VERSION)
    return rlc_error(RLC_ERR_FORMAT, "net load: '%s' has format version %u; this build reads %u",
                     path, version, NET_VERSION);
  uint32_t nl = get32(buf + 28);
  if (nl < 1 || nl > RLC_NET_MAX_LAYERS)
    return rlc_error(RLC_ERR_FORMAT, "net load: '%s' is corrupted (%u layers)", path, nl);
  size_t head = HEAD_SIZE + (size_t)nl * LAYER_REC;
  if (size < head + 8)
    return rlc_error(RLC_ERR_FORMAT, "net load: '%s' is truncated (%zu bytes)", path, size);
  uint64_t np = get64(buf + head);
  if (np > size / 4)
    return rlc_error(RLC_ERR_FORMAT,
                     "net load: '%s' is truncated or corrupted (%zu bytes cannot hold %llu "
                     "parameters)",
                     path, size, (unsigned long long)np);
  size_t want = file_size_for((int)nl, np);
  if (size != want)
    return rlc_error(RLC_ERR_FORMAT, "net load: '%s' is %s (%zu bytes, the header implies %zu)",
                     path, size < want ? "truncated" : "corrupted (trailing bytes)", size, want);
  uint32_t crc = rlc_crc32(0, buf, size - 4);
  if (crc != get32(buf + size - 4))
    return rlc_error(RLC_ERR_FORMAT, "net load: '%s' is corrupted (CRC-32 mismatch)", path);

  // Same architecture? Input first, then layer by layer.
  int ndim = (int)get32(buf + 12), shape[3];
  for (int k = 0; k < 3; k++) shape[k] = (int)get32(buf + 16 + 4 * k);
  bool same_in = ndim == net->def.input_ndim;
  for (int k = 0; k < ndim && k < 3 && same_in; k++) same_in = shape[k] == net->def.input_shape[k];
  if (!same_in)
    return rlc_error(RLC_ERR_FORMAT,
                     "net load: '%s' is for another architecture (input %dx%dx%d, ndim %d; this "
                     "net has %d inputs)",
                     path, shape[0], shape[1], shape[2], ndim, net->in_size);
  if ((int)nl != net->n_layers)
    return rlc_error(RLC_ERR_FORMAT,
                     "net load: '%s' is for another architecture (%u layers; this net has %d)",
                     path, nl, net->n_layers);
  for (int i = 0; i < net->n_layers; i++) {
    LayerRec f = get_rec(buf + HEAD_SIZE + (size_t)i * LAYER_REC), m = layer_rec(&net->layers[i]);
    if (memcmp(&f, &m, sizeof f) != 0) {
      char a[128], b[128];
      describe_rec(a, sizeof a, &f);
      describe_rec(b, sizeof b, &m);
      return rlc_error(RLC_ERR_FORMAT,
                       "net load: '%s' is for another architecture: layer %d is %s in the file, %s "
                       "in this net",
                       path, i, a, b);
    }
  }
  if (np != net->n_params)
    return rlc_error(RLC_ERR_FORMAT, "net load: '%s' has %llu parameters; this net has %zu", path,
                     (unsigned long long)np, net->n_params);
  *params_at = head + 8;
  return RLC_OK;
}

rlcStatus rlc_net_load(rlcNet *net, const char *path) {
  if (!net || !path) return rlc_error(RLC_ERR_ARG, "net load: NULL net or path");
  unsigned char *buf;
  size_t size;
  rlcStatus rs = rlc_file_read(path, &buf, &size);
  if (rs) return rlc_error(rs, "net load: %s", rlc_last_error());
  size_t at = 0;
  rlcStatus s = check_file(net, path, buf, size, &at);
  if (s == RLC_OK)
    for (size_t i = 0; i < net->n_params; i++) {
      uint32_t u = get32(buf + at + 4 * i);
      memcpy(&net->params[i], &u, 4);
    }
  rlc_free(buf);
  return s;
}

// Checkpoints: the parameters and the noise stream, no architecture (the
// checkpoint's configuration rebuilds that).
void rlc_net_state_put(const rlcNet *net, rlcBuf *b) {
  rlc_buf_put_tag(b, "net");
  uint64_t n = net->n_params;
  rlc_buf_put(b, &n, sizeof n);
  rlc_buf_put(b, net->params, net->n_params * sizeof(float));
  rlc_buf_put(b, &net->rng, sizeof net->rng);
}

rlcStatus rlc_net_state_get(rlcNet *net, rlcBuf *b) {
  uint64_t n;
  rlcStatus s = rlc_buf_get_tag(b, "net");
  if (!s) s = rlc_buf_get(b, &n, sizeof n);
  if (s) return s;
  if (n != net->n_params)
    return rlc_error(RLC_ERR_FORMAT, "network has %llu parameters in the checkpoint, %zu in the configuration",
                     (unsigned long long)n, net->n_params);
  s = rlc_buf_get(b, net->params, net->n_params * sizeof(float));
  if (!s) s = rlc_rng_state_get(&net->rng, b);
  return s;
}
