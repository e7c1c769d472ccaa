// agent.c: the registry of algorithms, presets, and the typed configuration
// (hyperparameters by name, defaults, overrides, range-checked reads).
// Depends on: rlc/agent.h.
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rlc/agent.h"

// The built-in algorithms, in the order `rlc list` shows them. Referencing
// every class here is also what pulls each family's object file out of a
// static librlc.a: no whole-archive linking, no weak symbols.
extern const rlcAgentClass rlc_agent_random, rlc_agent_heuristic, rlc_agent_q_learning,
    rlc_agent_sarsa, rlc_agent_expected_sarsa, rlc_agent_q_lambda, rlc_agent_sarsa_lambda,
    rlc_agent_dqn, rlc_agent_double_dqn, rlc_agent_dueling_dqn, rlc_agent_n_step_dqn,
    rlc_agent_per_dqn, rlc_agent_noisy_dqn, rlc_agent_c51, rlc_agent_rainbow, rlc_agent_imitation,
    rlc_agent_reinforce, rlc_agent_a2c, rlc_agent_ppo;

static const rlcAgentClass *const builtin[] = {
    &rlc_agent_random,       &rlc_agent_heuristic,   &rlc_agent_q_learning,  &rlc_agent_sarsa,
    &rlc_agent_expected_sarsa, &rlc_agent_q_lambda,  &rlc_agent_sarsa_lambda, &rlc_agent_dqn,
    &rlc_agent_double_dqn,   &rlc_agent_dueling_dqn, &rlc_agent_n_step_dqn,  &rlc_agent_per_dqn,
    &rlc_agent_noisy_dqn,    &rlc_agent_c51,         &rlc_agent_rainbow,     &rlc_agent_imitation,
    &rlc_agent_reinforce,    &rlc_agent_a2c,         &rlc_agent_ppo,
};
#define N_BUILTIN ((int)(sizeof builtin / sizeof builtin[0]))

// Classes users add with rlc_agent_register, after the built-ins.
#define MAX_USER_AGENTS 64
static const rlcAgentClass *user[MAX_USER_AGENTS];
static int n_user;
static pthread_mutex_t user_lock = PTHREAD_MUTEX_INITIALIZER;

int rlc_agent_count(void) {
  pthread_mutex_lock(&user_lock);
  int n = N_BUILTIN + n_user;
  pthread_mutex_unlock(&user_lock);
  return n;
}

const rlcAgentClass *rlc_agent_get(int i) {
  if (i >= 0 && i < N_BUILTIN) return builtin[i];
  pthread_mutex_lock(&user_lock);
  const rlcAgentClass *c = i >= N_BUILTIN && i < N_BUILTIN + n_user ? user[i - N_BUILTIN] : NULL;
  pthread_mutex_unlock(&user_lock);
  return c;
}

const rlcAgentClass *rlc_agent_find(const char *name) {
  for (int i = 0, n = rlc_agent_count(); name && i < n; i++) {
    const rlcAgentClass *c = rlc_agent_get(i);
    if (c && !strcmp(c->name, name)) return c;
  }
  return NULL;
}

rlcStatus rlc_agent_register(const rlcAgentClass *cls) {
  if (!cls || !cls->name || !*cls->name || !cls->create || !cls->destroy || !cls->act ||
      !cls->observe || !cls->update || !cls->save || !cls->load)
    return rlc_error(RLC_ERR_ARG, "an agent class needs a name and create, destroy, act, observe, "
                                  "update, save and load");
  if (rlc_agent_find(cls->name))
    return rlc_error(RLC_ERR_ARG, "algorithm '%s' is already registered", cls->name);
  pthread_mutex_lock(&user_lock);
  rlcStatus s = RLC_OK;
  if (n_user == MAX_USER_AGENTS) s = rlc_error(RLC_ERR_NOMEM, "the algorithm registry is full (%d user classes)", MAX_USER_AGENTS);
  else user[n_user++] = cls;
  pthread_mutex_unlock(&user_lock);
  return s;
}

const rlcPreset *rlc_preset_find(const char *name, const rlcAgentClass **cls) {
  for (int k = 0, n = rlc_agent_count(); name && k < n; k++) {
    const rlcAgentClass *c = rlc_agent_get(k);
    for (int i = 0; c && i < c->n_presets; i++)
      if (c->presets[i].name && !strcmp(c->presets[i].name, name)) {
        if (cls) *cls = c;
        return &c->presets[i];
      }
  }
  return NULL;
}

//------------------------------------------------------------------------------
// Configuration
//------------------------------------------------------------------------------

static const rlcParam *param_find(const rlcParam *p, int n, const char *name) {
  for (int i = 0; p && i < n; i++)
    if (!strcmp(p[i].name, name)) return &p[i];
  return NULL;
}

static bool parse_ll(const char *v, long long *out) {
  char *end;
  errno = 0;
  double d;
  long long x = strtoll(v, &end, 10);
  if (*v && !*end && !errno) {
    *out = x;
    return true;
  }
  // 1e5 and 100000.0 are integers too.
  d = strtod(v, &end);
  if (!*v || *end || !isfinite(d) || d != floor(d) || fabs(d) > 9e18) return false;
  *out = (long long)d;
  return true;
}

static bool parse_d(const char *v, double *out) {
  char *end;
  *out = strtod(v, &end);
  return *v && !*end && !isnan(*out);
}

static bool parse_b(const char *v, bool *out) {
  if (!strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "yes") || !strcasecmp(v, "on")) *out = true;
  else if (!strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "no") || !strcasecmp(v, "off")) *out = false;
  else return false;
  return true;
}

static rlcStatus check_type(const rlcParam *p, const char *v, const char *what) {
  long long i;
  double d;
  bool b;
  switch (p->type) {
  case RLC_PARAM_INT:
    if (!parse_ll(v, &i)) return rlc_error(RLC_ERR_ARG, "%s: %s=%s: expected an integer", what, p->name, v);
    break;
  case RLC_PARAM_DOUBLE:
    if (!parse_d(v, &d)) return rlc_error(RLC_ERR_ARG, "%s: %s=%s: expected a number", what, p->name, v);
    break;
  case RLC_PARAM_BOOL:
    if (!parse_b(v, &b)) return rlc_error(RLC_ERR_ARG, "%s: %s=%s: expected true or false", what, p->name, v);
    break;
  case RLC_PARAM_STR:
    break;
  }
  return RLC_OK;
}

rlcStatus rlc_params_defaults(rlcOpts *cfg, const rlcParam *params, int n) {
  for (int i = 0; i < n; i++) {
    bool have = false;
    for (int k = 0; k < cfg->n && !have; k++) have = !strcmp(cfg->key[k], params[i].name);
    if (have) continue;
    rlcStatus s = rlc_opts_set(cfg, params[i].name, params[i].def);
    if (s) return s;
  }
  return RLC_OK;
}

// Closest known name, for "did you mean" hints.
static const char *closest(const char *name, const rlcParam *a, int na, const rlcParam *b, int nb) {
  const char *best = NULL;
  int best_d = 4;
  for (int pass = 0; pass < 2; pass++) {
    const rlcParam *p = pass ? b : a;
    int n = pass ? nb : na;
    for (int i = 0; p && i < n; i++) {
      // Levenshtein distance over short names.
      const char *x = name, *y = p[i].name;
      int lx = (int)strlen(x), ly = (int)strlen(y);
      if (lx > 47 || ly > 47) continue;
      int d[48][48];
      for (int r = 0; r <= lx; r++) d[r][0] = r;
      for (int c = 0; c <= ly; c++) d[0][c] = c;
      for (int r = 1; r <= lx; r++)
        for (int c = 1; c <= ly; c++) {
          int v = d[r - 1][c - 1] + (x[r - 1] != y[c - 1]);
          if (d[r - 1][c] + 1 < v) v = d[r - 1][c] + 1;
          if (d[r][c - 1] + 1 < v) v = d[r][c - 1] + 1;
          d[r][c] = v;
        }
      if (d[lx][ly] < best_d) best_d = d[lx][ly], best = y;
    }
  }
  return best;
}

rlcStatus rlc_params_apply(rlcOpts *cfg, const char *settings, const rlcParam *params, int n,
                           const rlcParam *extra, int n_extra, const char *what) {
  rlcOpts o;
  rlcStatus s = rlc_opts_parse(&o, settings);
  if (s) return rlc_error(s, "%s: %s", what, rlc_last_error());
  for (int i = 0; i < o.n; i++) {
    const rlcParam *p = param_find(params, n, o.key[i]);
    if (!p) p = param_find(extra, n_extra, o.key[i]);
    if (!p) {
      const char *near = closest(o.key[i], params, n, extra, n_extra);
      if (near) return rlc_error(RLC_ERR_ARG, "%s: unknown hyperparameter '%s' (did you mean '%s'?)", what, o.key[i], near);
      return rlc_error(RLC_ERR_ARG, "%s: unknown hyperparameter '%s' (rlc list --algo NAME shows them)", what, o.key[i]);
    }
    s = check_type(p, o.val[i], what);
    if (!s) s = rlc_opts_set(cfg, o.key[i], o.val[i]);
    if (s) return s;
  }
  return RLC_OK;
}

static const char *cfg_val(rlcOpts *cfg, const char *name) {
  for (int i = 0; i < cfg->n; i++)
    if (!strcmp(cfg->key[i], name)) {
      cfg->used[i] = true;
      return cfg->val[i];
    }
  return NULL;
}

static rlcStatus missing(const char *name) {
  return rlc_error(RLC_ERR_ARG, "configuration has no '%s'", name);
}

rlcStatus rlc_cfg_int64(rlcOpts *cfg, const char *name, long long lo, long long hi, int64_t *out) {
  const char *v = cfg_val(cfg, name);
  long long x;
  if (!v) return missing(name);
  if (!parse_ll(v, &x)) return rlc_error(RLC_ERR_ARG, "%s=%s: expected an integer", name, v);
  if (x < lo || x > hi) {
    if (hi == 0x7fffffffffffffffLL || hi == 0x7fffffffLL)
      return rlc_error(RLC_ERR_ARG, "%s=%s: must be >= %lld", name, v, lo);
    return rlc_error(RLC_ERR_ARG, "%s=%s: must be in [%lld, %lld]", name, v, lo, hi);
  }
  *out = x;
  return RLC_OK;
}

rlcStatus rlc_cfg_int(rlcOpts *cfg, const char *name, long long lo, long long hi, int *out) {
  int64_t x;
  if (hi > 0x7fffffffLL) hi = 0x7fffffffLL;
  rlcStatus s = rlc_cfg_int64(cfg, name, lo, hi, &x);
  if (!s) *out = (int)x;
  return s;
}

rlcStatus rlc_cfg_double(rlcOpts *cfg, const char *name, double lo, double hi, double *out) {
  const char *v = cfg_val(cfg, name);
  double x;
  if (!v) return missing(name);
  if (!parse_d(v, &x)) return rlc_error(RLC_ERR_ARG, "%s=%s: expected a number", name, v);
  if (!(x >= lo && x <= hi)) {
    if (isinf(hi)) return rlc_error(RLC_ERR_ARG, "%s=%s: must be >= %g", name, v, lo);
    if (isinf(lo)) return rlc_error(RLC_ERR_ARG, "%s=%s: must be <= %g", name, v, hi);
    return rlc_error(RLC_ERR_ARG, "%s=%s: must be in [%g, %g]", name, v, lo, hi);
  }
  *out = x;
  return RLC_OK;
}

rlcStatus rlc_cfg_bool(rlcOpts *cfg, const char *name, bool *out) {
  const char *v = cfg_val(cfg, name);
  if (!v) return missing(name);
  if (!parse_b(v, out)) return rlc_error(RLC_ERR_ARG, "%s=%s: expected true or false", name, v);
  return RLC_OK;
}

rlcStatus rlc_cfg_choice(rlcOpts *cfg, const char *name, const char *choices, int *out) {
  const char *v = cfg_val(cfg, name);
  if (!v) return missing(name);
  const char *p = choices;
  for (int i = 0;; i++) {
    const char *bar = strchr(p, '|');
    size_t len = bar ? (size_t)(bar - p) : strlen(p);
    if (strlen(v) == len && !strncmp(v, p, len)) {
      *out = i;
      return RLC_OK;
    }
    if (!bar) break;
    p = bar + 1;
  }
  return rlc_error(RLC_ERR_ARG, "%s=%s: expected one of %s", name, v, choices);
}

const char *rlc_cfg_str(rlcOpts *cfg, const char *name) {
  const char *v = cfg_val(cfg, name);
  return v ? v : "";
}

rlcStatus rlc_agent_create(const char *algo, const rlcEnvSpec *spec, const char *settings,
                           uint64_t seed, int num_envs, rlcAgent **out) {
  *out = NULL;
  const rlcAgentClass *cls = rlc_agent_find(algo);
  if (!cls) return rlc_error(RLC_ERR_NOT_FOUND, "unknown algorithm '%s' (rlc list shows them)", algo);
  rlcOpts *cfg = rlc_calloc(1, sizeof *cfg);
  if (!cfg) return RLC_ERR_NOMEM;
  rlcStatus s = rlc_params_apply(cfg, settings, cls->params, cls->n_params, NULL, 0, algo);
  if (!s) s = rlc_params_defaults(cfg, cls->params, cls->n_params);
  if (!s) {
    rlcAgentDef def = {spec, num_envs > 0 ? num_envs : 1, seed, cfg};
    s = cls->create(&def, out);
  }
  rlc_free(cfg);
  return s;
}

void rlc_agent_destroy(rlcAgent *a) {
  if (a) a->cls->destroy(a);
}

int rlc_argmax_f32(const float *q, int n, const bool *mask) {
  int best = -1;
  for (int i = 0; i < n; i++)
    if ((!mask || mask[i]) && (best < 0 || q[i] > q[best])) best = i;
  return best < 0 ? 0 : best;
}

int rlc_argmax_f64(const double *q, int n, const bool *mask) {
  int best = -1;
  for (int i = 0; i < n; i++)
    if ((!mask || mask[i]) && (best < 0 || q[i] > q[best])) best = i;
  return best < 0 ? 0 : best;
}
