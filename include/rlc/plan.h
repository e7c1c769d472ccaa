// rlc/plan.h: layer 3. Dynamic programming on a known transition model
// (rlcMdp): value iteration, policy iteration and the book's Q-value
// iteration, for any env that has a model (ThreeStateMDP-v0, GridWorld-v0,
// FrozenLake, CliffWalking, Taxi).
//
// Conventions shared by the three methods:
//   Q(s,a) = sum over P[s][a] of prob * (reward + (terminated ? 0 : gamma V(s')))
//   V(s)   = max over the possible actions of Q(s,a)
// Impossible actions (mdp->valid false, the book's MDP) are left out of every
// max and have Q = -inf, as the book prints them. A state with no possible
// action has V = 0. The greedy policy takes the lowest action index among
// values equal within 1e-9 (relative), so ties that are exact in theory do not
// depend on rounding (reference/gridworld5x5_qstar.txt's PI).
// Depends on: rlc/core.h, rlc/env.h.
#ifndef RLC_PLAN_H
#define RLC_PLAN_H

#include "rlc/core.h"
#include "rlc/env.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rlcPlanMethod {
  // In-place (Gauss-Seidel) sweeps over V until they stop changing (tol);
  // Q is then one backup of the final V.
  RLC_PLAN_VALUE_ITERATION,
  // Start from the first possible action in each state; evaluate the policy
  // in place until it stops changing (tol), improve greedily (an action
  // changes only when another is better by more than the tie margin), until
  // the policy is stable. Needs gamma < 1.
  RLC_PLAN_POLICY_ITERATION,
  // The book's Q-value iteration: synchronous sweeps over Q (every Q(s,a)
  // from the previous sweep's Q), from Q = q_init for possible actions and
  // -inf for impossible ones, until they stop changing (tol).
  RLC_PLAN_Q_ITERATION,
} rlcPlanMethod;

typedef struct rlcPlanDef {
  rlcPlanMethod method;  // default value iteration
  double gamma;          // discount in [0, 1] (default 0.9)
  double tol;            // accuracy of the values: stop when a sweep changes
                         // nothing by more than tol (1-gamma)/gamma, which
                         // bounds the distance to the fixed point by tol
                         // (gamma 1: by more than tol). Default 1e-10;
                         // 0: until a sweep changes nothing at all.
  int max_sweeps;        // give up after this many sweeps (default 100000);
                         // policy iteration: evaluation sweeps in all
  bool fixed_sweeps;     // run exactly max_sweeps sweeps, ignoring tol (the
                         // book's 50 sweeps of Q-value iteration)
  double q_init;         // Q-value iteration's start for possible actions (0)
} rlcPlanDef;

RLC_API rlcPlanDef rlc_plan_default_def(void);

typedef struct rlcPlanResult {
  int n_states, n_actions;
  double *q;        // (S, A); -inf for impossible actions
  double *v;        // (S)
  int *policy;      // (S): the greedy action
  int sweeps;       // sweeps over the states (policy iteration: evaluation sweeps)
  int iterations;   // policy iteration: improvement steps; the others: sweeps
  bool converged;   // the last sweep met the tolerance (policy iteration: and the policy is stable)
  double delta;     // the largest change of the last sweep
} rlcPlanResult;

// Solves `m`. The result's arrays are allocated here: rlc_plan_result_free
// them. Not converging within max_sweeps is not an error (converged = false),
// except that the result is then only as good as the last sweep.
RLC_API rlcStatus rlc_plan_solve(const rlcMdp *m, const rlcPlanDef *def, rlcPlanResult *out);
// Same on an env spec: RLC_ERR_UNSUPPORTED with a one-line message when the
// env has no transition model ("CartPole-v1 has no transition model ...") or
// when action_repeat/frame_stack wrap it (the model is one step of the bare env).
RLC_API rlcStatus rlc_plan_solve_spec(const rlcEnvSpec *spec, const rlcPlanDef *def, rlcPlanResult *out);
RLC_API void rlc_plan_result_free(rlcPlanResult *r);  // zeroes it; a zeroed result is fine

// "value-iteration", "policy-iteration", "q-value-iteration" (also "vi", "pi", "qvi").
RLC_API rlcStatus rlc_plan_method_parse(const char *name, rlcPlanMethod *out);
RLC_API const char *rlc_plan_method_name(rlcPlanMethod m);

// The greedy action of one state's row of Q (n_actions values) over the possible
// actions (valid may be NULL: all possible), lowest index among near-ties.
RLC_API int rlc_plan_greedy(const double *q, const bool *valid, int n_actions);

#ifdef __cplusplus
}
#endif
#endif
