// cmd_solve.c: `rlc solve`: value iteration, policy iteration or the book's
// Q-value iteration on an env's transition model; prints Q, V and the greedy
// policy (impossible actions as '-'), and with --json one object with all of
// them (null for impossible actions).
// Depends on: cli.h (rlc/plan.h).
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const CliOpt opts[] = {
    {"--env", "ID", "an env with a transition model (GridWorld-v0, FrozenLake-v1, Taxi-v3, ...)"},
    {"--options", "K=V,...", "env options, e.g. size=10 for GridWorld-v0"},
    {"--method", "NAME", "value-iteration, policy-iteration or q-value-iteration (default value-iteration)"},
    {"--gamma", "G", "discount in [0, 1] (default 0.9)"},
    {"--tol", "T", "accuracy of the values (default 1e-10; 0: iterate to the exact fixed point)"},
    {"--max-sweeps", "N", "give up after N sweeps (default 100000)"},
    {"--sweeps", "N", "run exactly N sweeps (the book: --method q-value-iteration --sweeps 50)"},
    {"--quiet", NULL, "print the summary line only"},
    {"--json", NULL, "last line: a JSON object with Q, V and the policy"},
};
static const CliCmd cmd = {
    "solve", "--env ID [--options K=V,...] [--method value-iteration|policy-iteration|q-value-iteration] [--gamma G] [--tol T] [--json]",
    "Solve an env's transition model by dynamic programming: optimal Q, V and greedy policy.", opts,
    sizeof opts / sizeof opts[0], cmd_solve};

// The registered envs that have a model, for the error's hint.
static void model_envs(char *out, size_t len) {
  size_t n = 0;
  out[0] = 0;
  for (int i = 0; i < rlc_env_registry_count() && n + 40 < len; i++) {
    const rlcEnvRegistration *r = rlc_env_registry_get(i);
    rlcEnvSpec *spec;
    if (rlc_env_spec_create(r->id, NULL, &spec)) continue;
    if (spec->mdp) n += snprintf(out + n, len - n, "%s%s", n ? ", " : "", r->id);
    rlc_env_spec_destroy(spec);
  }
  rlc_clear_error();
}

// Arrows for the grid envs whose action meanings rlc knows; NULL otherwise.
static const char *const *arrows_for(const char *id, int S, int *rows, int *cols) {
  static const char *const grid[4] = {">", "v", "<", "^"};   // GridWorld: right, down, left, up
  static const char *const lake[4] = {"<", "v", ">", "^"};   // FrozenLake: left, down, right, up
  static const char *const cliff[4] = {"^", ">", "v", "<"};  // CliffWalking: up, right, down, left
  int side = (int)lround(sqrt((double)S));
  if (!strncmp(id, "GridWorld", 9) && side * side == S) return *rows = *cols = side, grid;
  if (!strncmp(id, "FrozenLake", 10) && side * side == S) return *rows = *cols = side, lake;
  if (!strncmp(id, "CliffWalking", 12) && S == 48) return *rows = 4, *cols = 12, cliff;
  return NULL;
}

// A state every action of which loops on itself and terminates (a goal or a hole).
static bool absorbing(const rlcMdp *m, int s) {
  for (int a = 0; a < m->n_actions; a++) {
    const rlcTransition *e = rlc_mdp_entries(m, s, a);
    for (int i = 0; i < rlc_mdp_count(m, s, a); i++)
      if (!e[i].terminated || e[i].next_state != s) return false;
  }
  return true;
}

static void print_table(const rlcPlanResult *r, const rlcMdp *m) {
  int A = r->n_actions;
  printf("%6s", "state");
  for (int a = 0; a < A; a++) printf(" %11s%d", "Q a", a);
  printf(" %12s %6s\n", "V", "policy");
  for (int s = 0; s < r->n_states; s++) {
    printf("%6d", s);
    for (int a = 0; a < A; a++) {
      if (m->valid[(size_t)s * A + a]) printf(" %12.4f", r->q[(size_t)s * A + a]);
      else printf(" %12s", "-");
    }
    printf(" %12.4f %6d\n", r->v[s], r->policy[s]);
  }
}

static void print_grid(const rlcPlanResult *r, const rlcMdp *m, const char *const *arrow, int rows, int cols) {
  printf("greedy policy:\n");
  for (int y = 0; y < rows; y++) {
    printf("  ");
    for (int x = 0; x < cols; x++) {
      int s = y * cols + x;
      printf("%s%s", x ? " " : "", absorbing(m, s) ? "." : arrow[r->policy[s]]);
    }
    printf("\n");
  }
}

// A JSON number that reads back as the same double; null for impossible actions.
static void put_num(char **p, double v) { *p += isfinite(v) ? sprintf(*p, "%.17g", v) : sprintf(*p, "null"); }

static void print_json(const char *id, const char *method, double gamma, double tol, const rlcPlanResult *r) {
  int S = r->n_states, A = r->n_actions;
  // 26 bytes hold any %.17g double and its separator.
  char *q = malloc((size_t)S * A * 26 + (size_t)S * 4 + 8), *v = malloc((size_t)S * 26 + 8),
       *pi = malloc((size_t)S * 12 + 8);
  if (!q || !v || !pi) {
    free(q), free(v), free(pi);
    cli_error("out of memory writing the JSON line");
    return;
  }
  char *pq = q, *pv = v, *pp = pi;
  *pq++ = '[', *pv++ = '[', *pp++ = '[';
  for (int s = 0; s < S; s++) {
    if (s) *pq++ = ',', *pv++ = ',', *pp++ = ',';
    *pq++ = '[';
    for (int a = 0; a < A; a++) {
      if (a) *pq++ = ',';
      put_num(&pq, r->q[(size_t)s * A + a]);
    }
    *pq++ = ']';
    put_num(&pv, r->v[s]);
    pp += sprintf(pp, "%d", r->policy[s]);
  }
  strcpy(pq, "]"), strcpy(pv, "]"), strcpy(pp, "]");
  CliJson j;
  json_begin(&j);
  json_str(&j, "env", id);
  json_str(&j, "method", method);
  json_num(&j, "gamma", gamma);
  json_num(&j, "tol", tol);
  json_int(&j, "states", S);
  json_int(&j, "actions", A);
  json_int(&j, "sweeps", r->sweeps);
  json_int(&j, "iterations", r->iterations);
  json_bool(&j, "converged", r->converged);
  json_num(&j, "delta", r->delta);
  json_raw(&j, "Q", q);
  json_raw(&j, "V", v);
  json_raw(&j, "policy", pi);
  json_end_print(&j);
  free(q), free(v), free(pi);
}

int cmd_solve(int argc, char **argv) {
  CliArgs a;
  bool done;
  int rc = cli_parse(&cmd, argc, argv, 0, &a, &done);
  if (done) return rc;
  const char *id = cli_str(&a, "--env", NULL);
  if (!id) {
    char envs[1024];
    model_envs(envs, sizeof envs);
    return cli_error("solve needs --env ID, an env with a transition model (%s)", envs);
  }
  rlcPlanDef def = rlc_plan_default_def();
  const char *method = cli_str(&a, "--method", "value-iteration");
  rlcStatus s = rlc_plan_method_parse(method, &def.method);
  if (s) {
    cli_fail(s);
    return 2;  // a usage error
  }
  long long max_sweeps, sweeps;
  if (!cli_double(&a, "--gamma", 0.9, 0, 1, &def.gamma) || !cli_double(&a, "--tol", 1e-10, 0, INFINITY, &def.tol) ||
      !cli_int(&a, "--max-sweeps", 100000, 1, 1000000000, &max_sweeps) ||
      !cli_int(&a, "--sweeps", 0, 1, 1000000000, &sweeps))
    return 2;
  def.max_sweeps = (int)max_sweeps;
  if (sweeps > 0) def.max_sweeps = (int)sweeps, def.fixed_sweeps = true;

  rlcEnvSpec *spec;
  s = rlc_env_spec_create(id, cli_str(&a, "--options", ""), &spec);
  if (s) return cli_fail(s);
  if (!spec->mdp) {
    char envs[1024];
    model_envs(envs, sizeof envs);
    rlc_env_spec_destroy(spec);
    cli_error("%s has no transition model, so it cannot be solved (envs with one: %s)", id, envs);
    return 1;
  }
  rlcPlanResult r;
  double t0 = rlc_time_s();
  s = rlc_plan_solve_spec(spec, &def, &r);
  double secs = rlc_time_s() - t0;
  if (s) {
    rlc_env_spec_destroy(spec);
    return cli_fail(s);
  }
  const rlcMdp *m = spec->mdp;
  printf("%s (%d states, %d actions): %s, gamma %g: %d sweeps%s%s, last change %.3g, %.3f s\n", id, r.n_states,
         r.n_actions, rlc_plan_method_name(def.method), def.gamma, r.sweeps,
         def.method == RLC_PLAN_POLICY_ITERATION ? " of evaluation" : "",
         def.fixed_sweeps ? " (fixed)" : r.converged ? ", converged" : ", NOT converged (raise --max-sweeps or --tol)",
         r.delta, secs);
  if (def.method == RLC_PLAN_POLICY_ITERATION) printf("policy improvements: %d\n", r.iterations);
  if (!cli_has(&a, "--quiet")) {
    print_table(&r, m);
    int rows, cols;
    const char *const *arrow = m->n_actions == 4 ? arrows_for(id, r.n_states, &rows, &cols) : NULL;
    if (arrow) print_grid(&r, m, arrow, rows, cols);
  }
  if (cli_has(&a, "--json")) print_json(id, rlc_plan_method_name(def.method), def.gamma, def.tol, &r);
  rlc_plan_result_free(&r);
  rlc_env_spec_destroy(spec);
  return 0;
}
