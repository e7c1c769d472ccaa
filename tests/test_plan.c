// test_plan.c: planning on transition models (rlc/plan.h). Value, policy and
// Q-value iteration against reference/homl_mdp_qvalues.txt (converged Q, V,
// policy, sweeps to a fixed point, the book's 50 sweeps) and
// reference/gridworld5x5_qstar.txt (Q*, V*, greedy and all optimal actions);
// the three methods agree on FrozenLake, CliffWalking and Taxi; bad input.
#include <stdlib.h>

#include "test.h"

static FILE *open_reference(const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", test_reference_dir(), name);
  FILE *f = fopen(path, "r");
  CHECK_MSG(f != NULL, "cannot open reference file %s (set RLC_REFERENCE_DIR)", path);
  return f;
}

static const rlcPlanMethod METHODS[3] = {RLC_PLAN_VALUE_ITERATION, RLC_PLAN_POLICY_ITERATION, RLC_PLAN_Q_ITERATION};

static rlcStatus solve(const rlcEnvSpec *spec, rlcPlanMethod method, double gamma, double tol, rlcPlanResult *r) {
  rlcPlanDef d = rlc_plan_default_def();
  d.method = method;
  d.gamma = gamma;
  d.tol = tol;
  return rlc_plan_solve_spec(spec, &d, r);
}

// |a - b| within a relative 1e-9, or both the same infinity.
static bool close_rel(double a, double b) {
  if (isinf(a) || isinf(b)) return a == b;
  return fabs(a - b) <= 1e-9 * fmax(1.0, fabs(b));
}

//------------------------------------------------------------------------------
// The book's MDP
//------------------------------------------------------------------------------

TEST(plan_homl_mdp_reference) {
  rlcEnvSpec *spec;
  CHECK_OK(rlc_env_spec_create("ThreeStateMDP-v0", NULL, &spec));
  FILE *f = open_reference("homl_mdp_qvalues.txt");
  if (!f || !spec) {
    if (f) fclose(f);
    rlc_env_spec_destroy(spec);
    return;
  }
  double gammas[2] = {0.90, 0.95};
  rlcPlanResult res[2][3], exact[2], book[2];
  for (int g = 0; g < 2; g++) {
    for (int m = 0; m < 3; m++) CHECK_OK(solve(spec, METHODS[m], gammas[g], 1e-13, &res[g][m]));
    // Until a sweep changes nothing (the reference's F records).
    CHECK_OK(solve(spec, RLC_PLAN_Q_ITERATION, gammas[g], 0.0, &exact[g]));
    rlcPlanDef d = rlc_plan_default_def();
    d.method = RLC_PLAN_Q_ITERATION, d.gamma = gammas[g], d.max_sweeps = 50, d.fixed_sweeps = true;
    CHECK_OK(rlc_plan_solve_spec(spec, &d, &book[g]));
    CHECK_EQ_INT(book[g].sweeps, 50);
  }
  char line[4096];
  int nq = 0, nv = 0, npi = 0, nf = 0, nq50 = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#') continue;
    char type[8];
    double gamma;
    if (sscanf(line, "%7s %lf", type, &gamma) != 2) continue;
    int g = fabs(gamma - 0.95) < 1e-9;
    int s, a, valid, n;
    double value;
    if (!strcmp(type, "Q") && sscanf(line, "%*s %*s %d %d %d %lf", &s, &a, &valid, &value) == 4) {
      for (int m = 0; m < 3; m++) {
        double got = res[g][m].q[s * 3 + a];
        CHECK_MSG(close_rel(got, value), "%s gamma %.2f Q(%d,%d) = %.17g, reference %.17g",
                  rlc_plan_method_name(METHODS[m]), gamma, s, a, got, value);
      }
      CHECK_MSG(close_rel(exact[g].q[s * 3 + a], value), "fixed point Q(%d,%d)", s, a);
      CHECK_EQ_INT(valid, !isinf(value));
      nq++;
    } else if (!strcmp(type, "V") && sscanf(line, "%*s %*s %d %lf", &s, &value) == 2) {
      for (int m = 0; m < 3; m++) CHECK_MSG(close_rel(res[g][m].v[s], value), "V(%d)", s);
      nv++;
    } else if (!strcmp(type, "PI") && sscanf(line, "%*s %*s %d %d", &s, &a) == 2) {
      for (int m = 0; m < 3; m++)
        CHECK_MSG(res[g][m].policy[s] == a, "%s gamma %.2f policy(%d) = %d, reference %d",
                  rlc_plan_method_name(METHODS[m]), gamma, s, res[g][m].policy[s], a);
      npi++;
    } else if (!strcmp(type, "F") && sscanf(line, "%*s %*s %d", &n) == 1) {
      CHECK_MSG(exact[g].sweeps == n, "gamma %.2f: %d sweeps to a fixed point, reference %d", gamma, exact[g].sweeps, n);
      CHECK(exact[g].converged);
      nf++;
    } else if (!strcmp(type, "Q50") && sscanf(line, "%*s %*s %d %d %d %lf", &s, &a, &valid, &value) == 4) {
      // The book's 50 sweeps, bit for bit.
      CHECK_MSG(book[g].q[s * 3 + a] == value, "gamma %.2f Q50(%d,%d) = %.17g, reference %.17g", gamma, s, a,
                book[g].q[s * 3 + a], value);
      nq50++;
    }
  }
  fclose(f);
  CHECK_EQ_INT(nq, 18);
  CHECK_EQ_INT(nv, 6);
  CHECK_EQ_INT(npi, 6);
  CHECK_EQ_INT(nf, 2);
  CHECK_EQ_INT(nq50, 18);
  for (int g = 0; g < 2; g++) {
    for (int m = 0; m < 3; m++) rlc_plan_result_free(&res[g][m]);
    rlc_plan_result_free(&exact[g]);
    rlc_plan_result_free(&book[g]);
  }
  rlc_env_spec_destroy(spec);
}

//------------------------------------------------------------------------------
// GridWorld 5x5
//------------------------------------------------------------------------------

TEST(plan_gridworld_qstar_reference) {
  // The reference's world is GridWorld-v0's defaults: size 5, goal +100, red
  // cells -100, every other move -1 (its header).
  rlcEnvSpec *spec;
  CHECK_OK(rlc_env_spec_create("GridWorld-v0", "size=5,goal_reward=100,red_reward=-100,step_reward=-1", &spec));
  FILE *f = open_reference("gridworld5x5_qstar.txt");
  if (!f || !spec) {
    if (f) fclose(f);
    rlc_env_spec_destroy(spec);
    return;
  }
  rlcPlanResult res[3];
  for (int m = 0; m < 3; m++) CHECK_OK(solve(spec, METHODS[m], 0.9, 1e-12, &res[m]));
  char line[4096];
  int nq = 0, nv = 0, npi = 0, nnt = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#') continue;
    char type[8];
    int s, a, term, n, acts[4];
    double value;
    if (sscanf(line, "%7s", type) != 1) continue;
    if (!strcmp(type, "Q") && sscanf(line, "%*s %*s %d %d %d %lf", &s, &a, &term, &value) == 4) {
      for (int m = 0; m < 3; m++)
        CHECK_MSG(close_rel(res[m].q[s * 4 + a], value), "%s Q(%d,%d) = %.17g, reference %.17g",
                  rlc_plan_method_name(METHODS[m]), s, a, res[m].q[s * 4 + a], value);
      nq++;
    } else if (!strcmp(type, "V") && sscanf(line, "%*s %*s %d %lf", &s, &value) == 2) {
      for (int m = 0; m < 3; m++) CHECK_MSG(close_rel(res[m].v[s], value), "V(%d)", s);
      nv++;
    } else if (!strcmp(type, "PI") && sscanf(line, "%*s %*s %d %d", &s, &a) == 2) {
      if (a >= 0)
        for (int m = 0; m < 3; m++)
          CHECK_MSG(res[m].policy[s] == a, "%s policy(%d) = %d, reference %d", rlc_plan_method_name(METHODS[m]), s,
                    res[m].policy[s], a);
      npi++;
    } else if (!strcmp(type, "NT") &&
               sscanf(line, "%*s %*s %d %d %d %d %d %d", &s, &n, &acts[0], &acts[1], &acts[2], &acts[3]) >= 3) {
      // Every optimal action, and only those, is within the tie margin of V.
      bool opt[4] = {false};
      for (int i = 0; i < n && i < 4; i++) opt[acts[i]] = true;
      for (int m = 0; m < 3; m++)
        for (int b = 0; b < 4; b++) {
          double q = res[m].q[s * 4 + b], v = res[m].v[s];
          CHECK_MSG((fabs(q - v) <= 1e-9 * fmax(1, fabs(v))) == opt[b], "state %d action %d optimal?", s, b);
        }
      nnt++;
    }
  }
  fclose(f);
  CHECK_EQ_INT(nq, 100);
  CHECK_EQ_INT(nv, 25);
  CHECK_EQ_INT(npi, 25);
  CHECK_EQ_INT(nnt, 22);
  // The greedy path from the start is the 7-move optimal one.
  int s = 0, moves = 0;
  while (s != 13 && moves < 20) {
    int a = res[0].policy[s], x = s % 5, y = s / 5;
    x += a == 0 ? 1 : a == 2 ? -1 : 0;
    y += a == 1 ? 1 : a == 3 ? -1 : 0;
    s = y * 5 + x;
    moves++;
  }
  CHECK_EQ_INT(moves, 7);
  for (int m = 0; m < 3; m++) rlc_plan_result_free(&res[m]);
  rlc_env_spec_destroy(spec);
}

//------------------------------------------------------------------------------
// The methods agree on the toy-text envs
//------------------------------------------------------------------------------

TEST(plan_methods_agree_toy_text) {
  static const struct { const char *id, *opts; double gamma; } cases[] = {
      {"FrozenLake-v1", NULL, 0.99},
      {"FrozenLake-v1", "is_slippery=false", 0.9},
      {"FrozenLake8x8-v1", NULL, 0.99},
      {"CliffWalking-v1", NULL, 0.99},
      {"CliffWalking-v1", "is_slippery=true", 0.95},
      {"Taxi-v3", NULL, 0.99},
      {"Taxi-v3", "is_rainy=true", 0.9},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    rlcEnvSpec *spec;
    CHECK_OK(rlc_env_spec_create(cases[c].id, cases[c].opts, &spec));
    if (!spec) continue;
    rlcPlanResult r[3];
    for (int m = 0; m < 3; m++) {
      CHECK_OK(solve(spec, METHODS[m], cases[c].gamma, 1e-12, &r[m]));
      CHECK_MSG(r[m].converged, "%s %s did not converge", cases[c].id, rlc_plan_method_name(METHODS[m]));
    }
    int S = r[0].n_states;
    double worst = 0;
    for (int m = 1; m < 3; m++)
      for (int s = 0; s < S; s++) worst = fmax(worst, fabs(r[m].v[s] - r[0].v[s]));
    CHECK_MSG(worst < 1e-8, "%s %s: methods differ by %g in V", cases[c].id, cases[c].opts ? cases[c].opts : "", worst);
    // Each method's policy is greedy for the others' values too.
    for (int m = 1; m < 3; m++)
      for (int s = 0; s < S; s++) {
        double qa = r[0].q[s * r[0].n_actions + r[m].policy[s]];
        CHECK_MSG(fabs(qa - r[0].v[s]) < 1e-7, "%s: %s's action in state %d is not optimal", cases[c].id,
                  rlc_plan_method_name(METHODS[m]), s);
      }
    for (int m = 0; m < 3; m++) rlc_plan_result_free(&r[m]);
    rlc_env_spec_destroy(spec);
  }
}

TEST(plan_known_values) {
  // CliffWalking at gamma 1: the 13-step path along the cliff, -13.
  rlcEnvSpec *spec;
  CHECK_OK(rlc_env_spec_create("CliffWalking-v1", NULL, &spec));
  rlcPlanResult r;
  CHECK_OK(solve(spec, RLC_PLAN_VALUE_ITERATION, 1.0, 0.0, &r));
  CHECK_NEAR(r.v[36], -13.0, 0);
  CHECK_EQ_INT(r.policy[36], 0);  // up
  CHECK(r.converged);
  rlc_plan_result_free(&r);
  rlc_env_spec_destroy(spec);
  // FrozenLake 4x4 dry at gamma 1: every state that can reach G has V = 1.
  CHECK_OK(rlc_env_spec_create("FrozenLake-v1", "is_slippery=false", &spec));
  CHECK_OK(solve(spec, RLC_PLAN_Q_ITERATION, 1.0, 0.0, &r));
  CHECK_NEAR(r.v[0], 1.0, 0);
  CHECK_NEAR(r.v[5], 0.0, 0);  // a hole
  rlc_plan_result_free(&r);
  // Gamma 0: Q is the expected immediate reward.
  CHECK_OK(solve(spec, RLC_PLAN_POLICY_ITERATION, 0.0, 1e-12, &r));
  CHECK_NEAR(r.q[14 * 4 + 2], 1.0, 0);
  CHECK_NEAR(r.q[0], 0.0, 0);
  rlc_plan_result_free(&r);
  rlc_env_spec_destroy(spec);
}

TEST(plan_errors) {
  rlcEnvSpec *spec;
  rlcPlanResult r;
  CHECK_OK(rlc_env_spec_create("CartPole-v1", NULL, &spec));
  CHECK_ERR(solve(spec, RLC_PLAN_VALUE_ITERATION, 0.9, 1e-10, &r), RLC_ERR_UNSUPPORTED);
  CHECK(strstr(rlc_last_error(), "CartPole-v1 has no transition model") != NULL);
  CHECK(r.q == NULL);
  rlc_plan_result_free(&r);
  rlc_env_spec_destroy(spec);
  CHECK_OK(rlc_env_spec_create("FrozenLake-v1", "action_repeat=2", &spec));
  CHECK_ERR(solve(spec, RLC_PLAN_VALUE_ITERATION, 0.9, 1e-10, &r), RLC_ERR_UNSUPPORTED);
  rlc_env_spec_destroy(spec);
  CHECK_OK(rlc_env_spec_create("FrozenLake-v1", NULL, &spec));
  CHECK_ERR(solve(spec, RLC_PLAN_VALUE_ITERATION, 1.5, 1e-10, &r), RLC_ERR_ARG);
  CHECK_ERR(solve(spec, RLC_PLAN_VALUE_ITERATION, NAN, 1e-10, &r), RLC_ERR_ARG);
  CHECK_ERR(solve(spec, RLC_PLAN_VALUE_ITERATION, 0.9, -1, &r), RLC_ERR_ARG);
  CHECK_ERR(solve(spec, RLC_PLAN_POLICY_ITERATION, 1.0, 1e-10, &r), RLC_ERR_ARG);
  rlc_env_spec_destroy(spec);
  rlcPlanMethod m;
  CHECK_OK(rlc_plan_method_parse("policy-iteration", &m));
  CHECK_EQ_INT(m, RLC_PLAN_POLICY_ITERATION);
  CHECK_OK(rlc_plan_method_parse("qvi", &m));
  CHECK_EQ_INT(m, RLC_PLAN_Q_ITERATION);
  CHECK_ERR(rlc_plan_method_parse("monte-carlo", &m), RLC_ERR_ARG);
  rlc_plan_result_free(NULL);
  // Gamma 1 on a task that never ends does not converge, and says so.
  CHECK_OK(rlc_env_spec_create("ThreeStateMDP-v0", NULL, &spec));
  rlcPlanDef d = rlc_plan_default_def();
  d.gamma = 1.0, d.max_sweeps = 200;
  CHECK_OK(rlc_plan_solve_spec(spec, &d, &r));
  CHECK(!r.converged);
  CHECK_EQ_INT(r.sweeps, 200);
  rlc_plan_result_free(&r);
  rlc_env_spec_destroy(spec);
}
