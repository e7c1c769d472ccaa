// plan.c: dynamic programming on a transition model: value iteration, policy
// iteration and the book's Q-value iteration (rlc/plan.h).
// Depends on: rlc/plan.h (rlc/env.h for the model).
#include <math.h>
#include <string.h>

#include "rlc/plan.h"

rlcPlanDef rlc_plan_default_def(void) {
  return (rlcPlanDef){.method = RLC_PLAN_VALUE_ITERATION, .gamma = 0.9, .tol = 1e-10, .max_sweeps = 100000,
                      .fixed_sweeps = false, .q_init = 0.0};
}

static const char *const method_names[] = {"value-iteration", "policy-iteration", "q-value-iteration"};
static const char *const method_short[] = {"vi", "pi", "qvi"};

const char *rlc_plan_method_name(rlcPlanMethod m) {
  return (unsigned)m < 3 ? method_names[m] : "unknown";
}

rlcStatus rlc_plan_method_parse(const char *name, rlcPlanMethod *out) {
  for (int i = 0; i < 3; i++)
    if (!strcmp(name, method_names[i]) || !strcmp(name, method_short[i])) {
      *out = (rlcPlanMethod)i;
      return RLC_OK;
    }
  return rlc_error(RLC_ERR_ARG, "unknown planning method '%s' (expected value-iteration, policy-iteration or q-value-iteration)", name);
}

// Values this close count as equal when choosing the greedy action.
static double tie_margin(double x) { return 1e-9 * fmax(1.0, fabs(x)); }

int rlc_plan_greedy(const double *q, const bool *valid, int n_actions) {
  int best = -1;
  for (int a = 0; a < n_actions; a++)
    if ((!valid || valid[a]) && (best < 0 || q[a] > q[best])) best = a;
  if (best < 0) return 0;
  for (int a = 0; a < best; a++)
    if ((!valid || valid[a]) && q[a] >= q[best] - tie_margin(q[best])) return a;
  return best;
}

void rlc_plan_result_free(rlcPlanResult *r) {
  if (!r) return;
  rlc_free(r->q);
  rlc_free(r->v);
  rlc_free(r->policy);
  memset(r, 0, sizeof *r);
}

// One backup: sum over P[s][a] of p (r + gamma V(s')), no bootstrap after a
// terminating entry. Entries are summed in the model's order from 0, as the
// book's np.sum over s' does (zero-probability terms add exact zeros there).
static double backup(const rlcMdp *m, const double *v, double gamma, int s, int a) {
  const rlcTransition *e = rlc_mdp_entries(m, s, a);
  int n = rlc_mdp_count(m, s, a);
  double total = 0.0;
  for (int i = 0; i < n; i++)
    total += e[i].prob * (e[i].reward + (e[i].terminated ? 0.0 : gamma * v[e[i].next_state]));
  return total;
}

// V(s) = max over possible actions of a row of Q (0 when none is possible).
static double row_max(const double *q, const bool *valid, int A) {
  double best = -INFINITY;
  for (int a = 0; a < A; a++)
    if (valid[a] && q[a] > best) best = q[a];
  return best == -INFINITY ? 0.0 : best;
}

// The largest change a sweep may make and still stop. A sweep that changes
// nothing by more than delta leaves every value within gamma/(1-gamma) delta
// of the fixed point (a contraction's bound), so stopping at tol (1-gamma)/gamma
// makes tol the accuracy of the values themselves; at gamma 1 there is no
// such bound and tol is the change itself.
static double threshold(const rlcPlanDef *d) {
  if (d->gamma <= 0) return INFINITY;  // one sweep is exact
  return d->gamma < 1 ? d->tol * (1 - d->gamma) / d->gamma : d->tol;
}

static bool done(const rlcPlanDef *d, double delta) { return !d->fixed_sweeps && delta <= threshold(d); }

static void q_iteration(const rlcMdp *m, const rlcPlanDef *d, rlcPlanResult *r) {
  int S = m->n_states, A = m->n_actions;
  double *q = r->q, *v = r->v;
  for (int i = 0; i < S * A; i++) q[i] = m->valid[i] ? d->q_init : -INFINITY;
  while (r->sweeps < d->max_sweeps) {
    // Synchronous: every Q(s,a) of this sweep uses the previous sweep's V.
    for (int s = 0; s < S; s++) v[s] = row_max(q + (size_t)s * A, m->valid + (size_t)s * A, A);
    double delta = 0;
    for (int s = 0; s < S; s++)
      for (int a = 0; a < A; a++) {
        size_t i = (size_t)s * A + a;
        if (!m->valid[i]) continue;
        double x = backup(m, v, d->gamma, s, a);
        delta = fmax(delta, fabs(x - q[i]));
        q[i] = x;
      }
    r->sweeps++;
    r->delta = delta;
    if (done(d, delta)) break;
  }
  r->converged = r->delta <= threshold(d);
  r->iterations = r->sweeps;
}

static void value_iteration(const rlcMdp *m, const rlcPlanDef *d, rlcPlanResult *r) {
  int S = m->n_states, A = m->n_actions;
  double *v = r->v;
  for (int s = 0; s < S; s++) v[s] = 0.0;
  while (r->sweeps < d->max_sweeps) {
    double delta = 0;
    for (int s = 0; s < S; s++) {
      double best = -INFINITY;
      for (int a = 0; a < A; a++)
        if (m->valid[(size_t)s * A + a]) best = fmax(best, backup(m, v, d->gamma, s, a));
      if (best == -INFINITY) best = 0.0;
      delta = fmax(delta, fabs(best - v[s]));
      v[s] = best;  // in place: later states of this sweep see it already
    }
    r->sweeps++;
    r->delta = delta;
    if (done(d, delta)) break;
  }
  r->converged = r->delta <= threshold(d);
  r->iterations = r->sweeps;
}

static void policy_iteration(const rlcMdp *m, const rlcPlanDef *d, rlcPlanResult *r) {
  int S = m->n_states, A = m->n_actions;
  double *v = r->v, *q = r->q;
  int *pi = r->policy;
  for (int s = 0; s < S; s++) {
    v[s] = 0.0;
    pi[s] = 0;  // the first possible action
    for (int a = A - 1; a >= 0; a--)
      if (m->valid[(size_t)s * A + a]) pi[s] = a;
  }
  bool stable = false;
  while (!stable && r->sweeps < d->max_sweeps) {
    // Evaluation, in place, warm-started from the previous policy's values.
    do {
      double delta = 0;
      for (int s = 0; s < S; s++) {
        double x = m->valid[(size_t)s * A + pi[s]] ? backup(m, v, d->gamma, s, pi[s]) : 0.0;
        delta = fmax(delta, fabs(x - v[s]));
        v[s] = x;
      }
      r->sweeps++;
      r->delta = delta;
    } while (!done(d, r->delta) && r->sweeps < d->max_sweeps);
    // Improvement: switch only to a clearly better action, so evaluation
    // noise cannot make two equal actions alternate forever.
    stable = true;
    for (int s = 0; s < S; s++) {
      double *row = q + (size_t)s * A;
      const bool *valid = m->valid + (size_t)s * A;
      for (int a = 0; a < A; a++) row[a] = valid[a] ? backup(m, v, d->gamma, s, a) : -INFINITY;
      int best = rlc_plan_greedy(row, valid, A);
      if (valid[pi[s]] && row[best] > row[pi[s]] + tie_margin(row[pi[s]])) {
        pi[s] = best;
        stable = false;
      }
    }
    r->iterations++;
  }
  r->converged = stable && r->delta <= threshold(d);
}

rlcStatus rlc_plan_solve(const rlcMdp *m, const rlcPlanDef *def, rlcPlanResult *out) {
  memset(out, 0, sizeof *out);
  rlcPlanDef d = def ? *def : rlc_plan_default_def();
  if (!m) return rlc_error(RLC_ERR_ARG, "planning needs a transition model");
  if (!(d.gamma >= 0 && d.gamma <= 1)) return rlc_error(RLC_ERR_ARG, "gamma=%g: must be in [0, 1]", d.gamma);
  if (!(d.tol >= 0)) return rlc_error(RLC_ERR_ARG, "tol=%g: must be >= 0", d.tol);
  if (d.max_sweeps < 1) return rlc_error(RLC_ERR_ARG, "max_sweeps=%d: must be >= 1", d.max_sweeps);
  if ((unsigned)d.method > RLC_PLAN_Q_ITERATION) return rlc_error(RLC_ERR_ARG, "unknown planning method %d", (int)d.method);
  if (d.method == RLC_PLAN_POLICY_ITERATION && !(d.gamma < 1))
    return rlc_error(RLC_ERR_ARG, "policy-iteration needs gamma < 1 (a policy that never ends has no finite value at gamma 1)");
  if (!isfinite(d.q_init)) return rlc_error(RLC_ERR_ARG, "q_init=%g: must be finite", d.q_init);
  int S = m->n_states, A = m->n_actions;
  out->n_states = S;
  out->n_actions = A;
  out->q = rlc_malloc(sizeof(double) * (size_t)S * A);
  out->v = rlc_malloc(sizeof(double) * (size_t)S);
  out->policy = rlc_malloc(sizeof(int) * (size_t)S);
  if (!out->q || !out->v || !out->policy) {
    rlc_plan_result_free(out);
    return RLC_ERR_NOMEM;
  }
  switch (d.method) {
  case RLC_PLAN_VALUE_ITERATION: value_iteration(m, &d, out); break;
  case RLC_PLAN_POLICY_ITERATION: policy_iteration(m, &d, out); break;
  case RLC_PLAN_Q_ITERATION: q_iteration(m, &d, out); break;
  }
  // Q from the final V for the V-based methods (Q-value iteration keeps its
  // own Q: the book prints that table); then V and the policy from Q.
  if (d.method != RLC_PLAN_Q_ITERATION)
    for (int s = 0; s < S; s++)
      for (int a = 0; a < A; a++) {
        size_t i = (size_t)s * A + a;
        out->q[i] = m->valid[i] ? backup(m, out->v, d.gamma, s, a) : -INFINITY;
      }
  for (int s = 0; s < S; s++) {
    const double *row = out->q + (size_t)s * A;
    const bool *valid = m->valid + (size_t)s * A;
    out->v[s] = row_max(row, valid, A);
    // Every method reports the greedy policy of its Q, so they agree on ties
    // (policy iteration may have stopped on another optimal action).
    out->policy[s] = rlc_plan_greedy(row, valid, A);
  }
  return RLC_OK;
}

rlcStatus rlc_plan_solve_spec(const rlcEnvSpec *spec, const rlcPlanDef *def, rlcPlanResult *out) {
  memset(out, 0, sizeof *out);
  for (const rlcEnvSpec *w = spec; w && w->inner; w = w->inner)
    if (w->cls && w->cls->name && (!strcmp(w->cls->name, "ActionRepeat") || !strcmp(w->cls->name, "FrameStack")))
      return rlc_error(RLC_ERR_UNSUPPORTED, "%s: planning uses the bare env's one-step model, which %s changes", spec->id,
                       strcmp(w->cls->name, "ActionRepeat") ? "frame_stack" : "action_repeat");
  if (!spec->mdp)
    return rlc_error(RLC_ERR_UNSUPPORTED, "%s has no transition model, so it cannot be planned on", spec->id);
  return rlc_plan_solve(spec->mdp, def, out);
}
