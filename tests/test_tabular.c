// test_tabular.c: the tabular agents (q-learning, sarsa, expected-sarsa,
// q-lambda, sarsa-lambda). Their updates against a plain dense transcription
// of each rule replayed over the same transitions; learning on GridWorld 5x5,
// CliffWalking and the book's MDP with fixed seeds; save -> load -> continue
// equals an uninterrupted run; action masks; several env copies; unsupported
// spaces and bad hyperparameters rejected; presets resolve.
// Episodes are driven by a small loop over rlcVecEnv and the agent's calls.
#include <stdlib.h>

#include "test.h"

static const char *const ALGOS[5] = {"q-learning", "sarsa", "expected-sarsa", "q-lambda", "sarsa-lambda"};

//------------------------------------------------------------------------------
// A training loop, and what it saw
//------------------------------------------------------------------------------

typedef struct {
  int s, a, s2;
  double r;
  bool term, trunc;
} Tr;

typedef struct {
  rlcVecEnv *v;
  rlcAgent *ag;
  uint8_t *prev, *next;
  int32_t *act;
  int64_t steps, episodes;
  Tr *log;  // env copy 0's transitions when not NULL
  int n_log, cap_log;
} Loop;

static bool loop_open(Loop *L, const char *env, const char *opts, int n, const char *algo, const char *settings,
                      uint64_t seed) {
  memset(L, 0, sizeof *L);
  rlcVecEnvDef d = rlc_vec_env_default_def();
  d.num_envs = n;
  CHECK_OK(rlc_vec_env_create(env, opts, &d, &L->v));
  if (!L->v) return false;
  CHECK_OK(rlc_agent_create(algo, L->v->spec, settings, seed, n, &L->ag));
  if (!L->ag) return false;
  L->prev = malloc(L->v->obs_bytes * n);
  L->next = malloc(L->v->obs_bytes * n);
  L->act = malloc(sizeof(int32_t) * n);
  CHECK_OK(rlc_vec_env_reset(L->v, (int64_t)seed));
  return true;
}

static void loop_close(Loop *L) {
  rlc_agent_destroy(L->ag);
  rlc_vec_env_destroy(L->v);
  free(L->prev), free(L->next), free(L->act), free(L->log);
  memset(L, 0, sizeof *L);
}

// Steps until `steps` env steps (all copies) or `episodes` episodes, whichever
// is given (0: no limit of that kind).
static rlcStatus loop_run(Loop *L, int64_t steps, int64_t episodes) {
  rlcVecEnv *v = L->v;
  int n = v->num_envs;
  size_t ob = v->obs_bytes;
  while ((!steps || L->steps < steps) && (!episodes || L->episodes < episodes)) {
    L->ag->cls->act(L->ag, v->obs, n, true, L->act);
    memcpy(L->prev, v->obs, ob * n);
    rlcStatus s = rlc_vec_env_step(v, L->act);
    if (s) return s;
    memcpy(L->next, v->obs, ob * n);
    for (int i = 0; i < n; i++)
      if (v->terminated[i] || v->truncated[i]) {
        memcpy(L->next + i * ob, (uint8_t *)v->final_obs + i * ob, ob);
        L->episodes++;
      }
    rlcStepBatch b = {n, L->prev, L->act, v->reward, v->terminated, v->truncated, L->next, v->final_return,
                      v->final_length};
    if ((s = L->ag->cls->observe(L->ag, &b)) || (s = L->ag->cls->update(L->ag))) return s;
    if (L->log) {
      if (L->n_log == L->cap_log) return rlc_error(RLC_ERR_STATE, "test log full");
      L->log[L->n_log++] = (Tr){((int32_t *)L->prev)[0], L->act[0], ((int32_t *)L->next)[0], v->reward[0],
                                v->terminated[0], v->truncated[0]};
    }
    L->steps += n;
  }
  return RLC_OK;
}

static const double *qtab(rlcAgent *ag, int *S, int *A) { return ag->cls->q_table(ag, S, A); }

// One greedy episode on a fresh env: its return and length.
static void greedy_episode(rlcAgent *ag, const char *env, const char *opts, double *ret, int *len) {
  rlcEnv *e;
  *ret = NAN, *len = -1;
  CHECK_OK(rlc_env_create(env, opts, &e));
  if (!e) return;
  CHECK_OK(rlc_env_reset(e, 0, NULL));
  bool term = false, trunc = false;
  while (!term && !trunc) {
    int32_t a;
    ag->cls->act(ag, e->obs, 1, false, &a);
    if (rlc_env_step(e, &a, NULL, NULL, &term, &trunc)) break;
  }
  *ret = e->episode_return, *len = term ? e->episode_length : -1;
  rlc_env_destroy(e);
}

//------------------------------------------------------------------------------
// The update rules, transcribed densely and replayed
//------------------------------------------------------------------------------

static double rowmax(const double *q, int A) {
  double m = q[0];
  for (int a = 1; a < A; a++) m = fmax(m, q[a]);
  return m;
}

// Replays the logged transitions of copy 0 through each rule as textbooks
// write it (dense traces, every pair updated every step) and compares the
// tables. a' is the next logged action of the same episode.
static void replay_check(const char *algo, const char *settings, double gamma, double alpha, double lambda,
                         double eps, bool cut, bool replacing) {
  Loop L;
  // No time limit: SARSA's a' on a truncated step is never played, so the
  // log could not say it.
  if (!loop_open(&L, "GridWorld-v0", "max_episode_steps=0", 1, algo, settings, 3)) {
    loop_close(&L);
    return;
  }
  L.cap_log = 4000;
  L.log = malloc(sizeof(Tr) * L.cap_log);
  CHECK_OK(loop_run(&L, 0, 30));
  int S = 25, A = 4, n = L.n_log;
  double *q = calloc(S * A, sizeof(double)), *e = calloc(S * A, sizeof(double));
  for (int k = 0; k < n; k++) {
    Tr t = L.log[k];
    double *row2 = q + t.s2 * A, target = t.r;
    int a2 = !t.term && k + 1 < n ? L.log[k + 1].a : -1;
    bool exploratory = false;
    if (!strcmp(algo, "q-learning") || !strcmp(algo, "q-lambda")) {
      if (!t.term) target += gamma * rowmax(row2, A);
      exploratory = a2 >= 0 && row2[a2] < rowmax(row2, A);
    } else if (!strcmp(algo, "expected-sarsa")) {
      double mean = 0;
      int g = 0;
      for (int b = 0; b < A; b++) mean += row2[b] / A, g = row2[b] > row2[g] ? b : g;
      if (!t.term) target += gamma * ((1 - eps) * row2[g] + eps * mean);
    } else {
      if (!t.term) target += gamma * row2[a2];
    }
    double delta = target - q[t.s * A + t.a];
    if (strstr(algo, "lambda")) {
      e[t.s * A + t.a] = replacing ? 1.0 : e[t.s * A + t.a] + 1.0;
      for (int i = 0; i < S * A; i++) q[i] += alpha * delta * e[i];
      for (int i = 0; i < S * A; i++) e[i] = t.term || (cut && exploratory) ? 0.0 : e[i] * gamma * lambda;
    } else {
      q[t.s * A + t.a] += alpha * delta;
    }
  }
  int S2, A2;
  const double *got = qtab(L.ag, &S2, &A2);
  double worst = 0;
  for (int i = 0; i < S * A; i++) worst = fmax(worst, fabs(got[i] - q[i]));
  CHECK_MSG(worst < 1e-9, "%s (%s): the table differs from the dense rule by %g after %d steps", algo, settings, worst, n);
  CHECK(n > 100);
  free(q), free(e);
  loop_close(&L);
}

TEST(tabular_updates_match_the_rules) {
  replay_check("q-learning", "gamma=0.9,alpha=0.1,epsilon=0.1", 0.9, 0.1, 0, 0.1, false, false);
  replay_check("sarsa", "gamma=0.9,alpha=0.1,epsilon=0.1", 0.9, 0.1, 0, 0.1, false, false);
  replay_check("expected-sarsa", "gamma=0.9,alpha=0.1,epsilon=0.2", 0.9, 0.1, 0, 0.2, false, false);
  // The exercise's Q(lambda): e += 1, Q += alpha delta e, e *= lambda gamma, never cut.
  replay_check("q-lambda", "gamma=0.9,alpha=0.1,epsilon=0.1,lambda=0.7,cut_traces=false", 0.9, 0.1, 0.7, 0.1, false, false);
  replay_check("q-lambda", "gamma=0.9,alpha=0.1,epsilon=0.2,lambda=0.7,cut_traces=true", 0.9, 0.1, 0.7, 0.2, true, false);
  replay_check("q-lambda", "gamma=0.95,alpha=0.2,epsilon=0.2,lambda=0.9,trace=replacing", 0.95, 0.2, 0.9, 0.2, true, true);
  replay_check("sarsa-lambda", "gamma=0.9,alpha=0.1,epsilon=0.1,lambda=0.8", 0.9, 0.1, 0.8, 0.1, false, false);
  replay_check("sarsa-lambda", "gamma=0.9,alpha=0.1,epsilon=0.1,lambda=0.8,trace=replacing", 0.9, 0.1, 0.8, 0.1, false, true);
}

//------------------------------------------------------------------------------
// Learning
//------------------------------------------------------------------------------

TEST(tabular_gridworld_learns) {
  // The exercise's settings: the one-step methods find the 7-move path
  // (return 100 - 6) within 100 episodes. The lambda methods commit to the
  // first path their traces pay for when Q starts at 0, below Q* (40..89
  // here); started optimistic (q_init=100) they explore it out and find the
  // 7-move path too (docs/TABULAR.md).
  for (int k = 0; k < 5; k++) {
    bool lambda = k >= 3;
    const char *settings = lambda ? "gamma=0.9,alpha=0.1,epsilon=0.1,lambda=0.7,q_init=100" : "gamma=0.9,alpha=0.1,epsilon=0.1";
    Loop L;
    if (loop_open(&L, "GridWorld-v0", NULL, 1, ALGOS[k], settings, 0)) {
      CHECK_OK(loop_run(&L, 0, 100));
      double ret;
      int len;
      greedy_episode(L.ag, "GridWorld-v0", NULL, &ret, &len);
      CHECK_MSG(len == 7 && ret == 94, "%s: greedy episode of %d moves, return %g", ALGOS[k], len, ret);
    }
    loop_close(&L);
  }
}

TEST(tabular_cliffwalking_q_learning_vs_sarsa) {
  // Sutton & Barto's example 6.6: with epsilon 0.1, Q-learning's greedy path
  // runs along the cliff (-13); SARSA's keeps away from it (safer, longer).
  double ret[5];
  int len[5];
  for (int k = 0; k < 5; k++) {
    Loop L;
    const char *settings = k >= 3 ? "gamma=1,alpha=0.5,epsilon=0.1,lambda=0.5" : "gamma=1,alpha=0.5,epsilon=0.1";
    if (loop_open(&L, "CliffWalking-v1", NULL, 1, ALGOS[k], settings, 1)) {
      CHECK_OK(loop_run(&L, 0, 500));
      greedy_episode(L.ag, "CliffWalking-v1", "max_episode_steps=200", &ret[k], &len[k]);
    }
    loop_close(&L);
  }
  CHECK_MSG(ret[0] == -13, "q-learning greedy return %g", ret[0]);
  CHECK_MSG(ret[1] < -13 && ret[1] >= -17, "sarsa greedy return %g (the safe path)", ret[1]);
  for (int k = 2; k < 5; k++) CHECK_MSG(ret[k] >= -17 && len[k] > 0, "%s greedy return %g", ALGOS[k], ret[k]);
}

TEST(tabular_homl_mdp_q_learning) {
  // The book's run: 10,000 steps from s0, random possible actions, alpha
  // 0.05/(1+0.005t), gamma 0.90. The table ends near Q* (the book's own run
  // printed [[18.78, 17.22, 13.75], [0, -inf, -8.00], [-inf, 49.40, -inf]]).
  Loop L;
  if (loop_open(&L, "ThreeStateMDP-v0", "max_episode_steps=0", 1, "q-learning",
                "explore=random,alpha=0.05,alpha_decay=0.005,gamma=0.90", 42)) {
    CHECK_OK(loop_run(&L, 10000, 0));
    const double star[9] = {18.91891891891892, 17.027027027027028, 13.621621621621621, 0.0, -INFINITY,
                            -4.8797148797148795, -INFINITY, 50.133650133650136, -INFINITY};
    int S, A;
    const double *q = qtab(L.ag, &S, &A);
    CHECK_EQ_INT(S, 3);
    CHECK_EQ_INT(A, 3);
    for (int i = 0; i < 9; i++) {
      if (isinf(star[i])) CHECK_MSG(q[i] == -INFINITY, "impossible Q[%d] = %g", i, q[i]);
      else CHECK_MSG(fabs(q[i] - star[i]) < 7, "Q[%d] = %g, Q* %g", i, q[i], star[i]);
    }
    int32_t s, a;
    const int best[3] = {0, 0, 1};
    for (s = 0; s < 3; s++) {
      L.ag->cls->act(L.ag, &s, 1, false, &a);
      CHECK_EQ_INT(a, best[s]);
    }
    rlcAgentInfo info;
    L.ag->cls->info(L.ag, &info);
    CHECK_EQ_INT(info.updates, 10000);
    CHECK_NEAR(info.lr, 0.05 / (1 + 0.005 * 10000), 1e-15);
    CHECK(isnan(info.epsilon) && isnan(info.temperature));
    CHECK(info.loss_sum > 0 && info.loss_count == 10000);
    CHECK_EQ_INT(info.n_extra, 1);
    CHECK(!strcmp(info.extra_name[0], "q_s0_a0"));
    CHECK_NEAR(info.extra[0], q[0], 0);
    CHECK_NEAR(info.extra_ref[0], star[0], 1e-8);
    rlcAgentInfo again;
    L.ag->cls->info(L.ag, &again);
    CHECK(memcmp(&info, &again, sizeof info) == 0);  // reading changes nothing
  }
  loop_close(&L);
}

//------------------------------------------------------------------------------
// Checkpoints
//------------------------------------------------------------------------------

TEST(tabular_save_load_continue_is_exact) {
  // Interrupt mid-episode (traces and a chosen a' pending), restore into a
  // new agent made with another seed, continue: the same table and the same
  // saved state as a run never interrupted. Two env copies, so each keeps its
  // own traces.
  for (int k = 0; k < 5; k++) {
    const char *settings = "gamma=0.9,alpha=0.1,epsilon=0.2,lambda=0.8,explore=softmax,tau=2,tau_schedule=linear,"
                           "tau_decay=0.001,tau_end=0.1";
    char set[512];
    snprintf(set, sizeof set, "%s", k >= 3 ? settings : "gamma=0.9,alpha=0.1,epsilon=0.3,epsilon_schedule=exponential,epsilon_decay=0.999");
    Loop A, B;
    if (!loop_open(&A, "GridWorld-v0", NULL, 2, ALGOS[k], set, 5) || !loop_open(&B, "GridWorld-v0", NULL, 2, ALGOS[k], set, 5)) {
      loop_close(&A), loop_close(&B);
      continue;
    }
    CHECK_OK(loop_run(&A, 3000, 0));
    CHECK_OK(loop_run(&B, 1234, 0));
    rlcBuf buf = {0};
    B.ag->cls->save(B.ag, &buf);
    CHECK_OK(buf.err);
    rlc_agent_destroy(B.ag);
    B.ag = NULL;
    CHECK_OK(rlc_agent_create(ALGOS[k], B.v->spec, set, 999, 2, &B.ag));
    if (B.ag) {
      buf.pos = 0;
      CHECK_OK(B.ag->cls->load(B.ag, &buf));
      CHECK_OK(loop_run(&B, 3000, 0));
      rlcBuf a = {0}, b = {0};
      A.ag->cls->save(A.ag, &a);
      B.ag->cls->save(B.ag, &b);
      CHECK_MSG(a.len == b.len && !memcmp(a.data, b.data, a.len), "%s: resumed state differs", ALGOS[k]);
      int S, NA;
      const double *qa = qtab(A.ag, &S, &NA), *qb = qtab(B.ag, &S, &NA);
      CHECK(!memcmp(qa, qb, sizeof(double) * S * NA));
      rlc_buf_free(&a), rlc_buf_free(&b);
      // Truncated and mismatched checkpoints are refused.
      rlcAgent *other;
      CHECK_OK(rlc_agent_create(ALGOS[k], B.v->spec, set, 1, 3, &other));
      buf.pos = 0;
      if (other) CHECK_ERR(other->cls->load(other, &buf), RLC_ERR_FORMAT);
      rlc_agent_destroy(other);
      rlcBuf cut = {buf.data, buf.len / 2, buf.len / 2, 0, RLC_OK};
      CHECK(B.ag->cls->load(B.ag, &cut) != RLC_OK);
    }
    rlc_buf_free(&buf);
    loop_close(&A), loop_close(&B);
  }
}

//------------------------------------------------------------------------------
// Spaces, masks, copies, configuration
//------------------------------------------------------------------------------

TEST(tabular_action_masks) {
  rlcEnvSpec *spec;
  CHECK_OK(rlc_env_spec_create("ThreeStateMDP-v0", NULL, &spec));
  const char *explores[4] = {"explore=random", "explore=epsilon-greedy,epsilon=1", "explore=softmax,tau=100",
                             "explore=epsilon-greedy,epsilon=0,q_init=5"};
  const bool possible[3][3] = {{1, 1, 1}, {1, 0, 1}, {0, 1, 0}};
  for (int x = 0; x < 4 && spec; x++)
    for (int k = 0; k < 5; k++) {
      rlcAgent *ag;
      CHECK_OK(rlc_agent_create(ALGOS[k], spec, explores[x], 7, 1, &ag));
      if (!ag) continue;
      int count[3][3] = {{0}};
      for (int32_t s = 0; s < 3; s++)
        for (int i = 0; i < 300; i++) {
          int32_t a;
          ag->cls->act(ag, &s, 1, i % 2, &a);
          CHECK_MSG(a >= 0 && a < 3 && possible[s][a], "%s %s: impossible action %d in state %d", ALGOS[k], explores[x], a, s);
          if (a >= 0 && a < 3) count[s][a]++;
        }
      if (x == 0) CHECK(count[1][0] > 30 && count[1][2] > 30 && count[0][1] > 20);
      int S, A;
      const double *q = qtab(ag, &S, &A);
      CHECK(q[4] == -INFINITY && q[6] == -INFINITY && q[8] == -INFINITY);
      CHECK(q[0] == (x == 3 ? 5.0 : 0.0));
      // An impossible action in a batch is refused, not learned.
      int32_t s = 2, a = 0, s2 = 0;
      double r = 0;
      bool f = false;
      rlcStepBatch b = {1, &s, &a, &r, &f, &f, &s2, &r, &a};
      CHECK_ERR(ag->cls->observe(ag, &b), RLC_ERR_ARG);
      rlc_agent_destroy(ag);
    }
  rlc_env_spec_destroy(spec);
}

TEST(tabular_several_env_copies) {
  // Four copies, one set of traces each: the same seed gives the same table,
  // and the greedy policy reaches the goal.
  double *first = NULL;
  for (int run = 0; run < 2; run++) {
    Loop L;
    if (loop_open(&L, "GridWorld-v0", NULL, 4, "q-lambda", "gamma=0.9,alpha=0.1,epsilon=0.1,lambda=0.7", 11)) {
      CHECK_OK(loop_run(&L, 0, 200));
      int S, A;
      const double *q = qtab(L.ag, &S, &A);
      if (!run) {
        first = malloc(sizeof(double) * S * A);
        memcpy(first, q, sizeof(double) * S * A);
      } else {
        CHECK(!memcmp(first, q, sizeof(double) * S * A));
      }
      double ret;
      int len;
      greedy_episode(L.ag, "GridWorld-v0", NULL, &ret, &len);
      CHECK_MSG(len > 0 && ret > 0, "greedy episode: %d moves, return %g", len, ret);
      // A batch larger than the copies it was made for is refused.
      rlcStepBatch b = {5, L.prev, L.act, L.v->reward, L.v->terminated, L.v->truncated, L.next, NULL, NULL};
      CHECK_ERR(L.ag->cls->observe(L.ag, &b), RLC_ERR_ARG);
    }
    loop_close(&L);
  }
  free(first);
}

TEST(tabular_spaces) {
  rlcAgent *ag = NULL;
  rlcEnvSpec *spec;
  CHECK_OK(rlc_env_spec_create("CartPole-v1", NULL, &spec));
  for (int k = 0; k < 5; k++) {
    CHECK_ERR(rlc_agent_create(ALGOS[k], spec, NULL, 0, 1, &ag), RLC_ERR_UNSUPPORTED);
    CHECK(ag == NULL);
    char want[96];
    snprintf(want, sizeof want, "%s needs discrete observations; CartPole-v1 has Box(", ALGOS[k]);
    CHECK_MSG(strstr(rlc_last_error(), want) != NULL, "message: %s", rlc_last_error());
  }
  rlc_env_spec_destroy(spec);
  // Discrete observations with a continuous action space.
  CHECK_OK(rlc_env_spec_create("GridWorld-v0", NULL, &spec));
  if (spec) {
    float lo = -1, hi = 1;
    rlcSpace saved = spec->action_space;
    spec->action_space = rlc_space_box(1, &lo, &hi);
    CHECK_ERR(rlc_agent_create("sarsa", spec, NULL, 0, 1, &ag), RLC_ERR_UNSUPPORTED);
    CHECK(strstr(rlc_last_error(), "sarsa needs a discrete action space") != NULL);
    spec->action_space = saved;
    rlc_env_spec_destroy(spec);
  }
  // Multi-discrete observations (Blackjack) index the table; no model, no reference.
  Loop L;
  if (loop_open(&L, "Blackjack-v1", NULL, 2, "expected-sarsa", "gamma=1,alpha=0.05", 2)) {
    CHECK_OK(loop_run(&L, 5000, 0));
    int S, A;
    qtab(L.ag, &S, &A);
    CHECK_EQ_INT(S, 32 * 11 * 2);
    CHECK_EQ_INT(A, 2);
    rlcAgentInfo info;
    L.ag->cls->info(L.ag, &info);
    CHECK(isnan(info.extra_ref[0]));
    CHECK_EQ_INT(info.updates, 5000);
  }
  loop_close(&L);
}

TEST(tabular_bad_hyperparameters) {
  rlcEnvSpec *spec;
  CHECK_OK(rlc_env_spec_create("GridWorld-v0", NULL, &spec));
  static const struct { const char *algo, *settings, *msg; } bad[] = {
      {"q-learning", "alpha=0", "alpha=0: must be > 0"},
      {"q-learning", "alpha=1.5", "alpha=1.5: must be in [0, 1]"},
      {"sarsa", "gamma=1.5", "gamma=1.5"},
      {"sarsa", "gamma=abc", "expected a number"},
      {"q-learning", "explore=greedy", "explore=greedy: expected one of epsilon-greedy|softmax|random"},
      {"q-learning", "epsilon=2", "epsilon=2"},
      {"q-learning", "epsilon_schedule=exponential", "epsilon_decay=0: the exponential schedule needs a factor in (0, 1]"},
      {"q-learning", "epsilon_schedule=cosine", "epsilon_schedule=cosine"},
      {"q-learning", "epsilon_decay=-1", "epsilon_decay=-1"},
      {"expected-sarsa", "tau=0", "tau=0: must be > 0"},
      {"q-learning", "decay_per=year", "decay_per=year"},
      {"q-lambda", "lambda=1.5", "lambda=1.5"},
      {"sarsa-lambda", "trace=dutch", "trace=dutch"},
      {"q-lambda", "cut_traces=maybe", "expected true or false"},
      {"q-learning", "alhpa=0.1", "did you mean 'alpha'"},
      {"q-learning", "lambda=0.5", "unknown hyperparameter 'lambda'"},
      {"sarsa-lambda", "cut_traces=true", "unknown hyperparameter 'cut_traces'"},
      {"q-learning", "q_init=inf", "q_init=inf"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rlcAgent *ag = NULL;
    rlcStatus s = rlc_agent_create(bad[i].algo, spec, bad[i].settings, 0, 1, &ag);
    CHECK_MSG(s == RLC_ERR_ARG && ag == NULL, "%s %s: %s", bad[i].algo, bad[i].settings, rlc_status_name(s));
    CHECK_MSG(strstr(rlc_last_error(), bad[i].msg) != NULL, "%s %s: message '%s'", bad[i].algo, bad[i].settings,
              rlc_last_error());
    rlc_agent_destroy(ag);
  }
  rlc_env_spec_destroy(spec);
}

TEST(tabular_schedules_in_info) {
  rlcEnvSpec *spec;
  CHECK_OK(rlc_env_spec_create("GridWorld-v0", NULL, &spec));
  rlcAgent *ag;
  // Linear epsilon per step: 1 - 0.01 t, floored at 0.1.
  CHECK_OK(rlc_agent_create("q-learning", spec, "epsilon=1,epsilon_end=0.1,epsilon_schedule=linear,epsilon_decay=0.01,alpha=0.5,alpha_decay=0.1",
                            0, 1, &ag));
  if (ag) {
    int32_t s = 0, a = 0, s2 = 1;
    double r = -1;
    bool f = false, t = true;
    rlcStepBatch b = {1, &s, &a, &r, &f, &f, &s2, &r, &a};
    for (int i = 0; i < 50; i++) CHECK_OK(ag->cls->observe(ag, &b));
    rlcAgentInfo info;
    ag->cls->info(ag, &info);
    CHECK_NEAR(info.epsilon, 0.5, 1e-12);
    CHECK_NEAR(info.lr, 0.5 / (1 + 0.1 * 50), 1e-15);
    CHECK(isnan(info.temperature));
    for (int i = 0; i < 100; i++) CHECK_OK(ag->cls->observe(ag, &b));
    ag->cls->info(ag, &info);
    CHECK_NEAR(info.epsilon, 0.1, 1e-12);
    // A terminating step does not bootstrap: Q(0,0) moves toward r alone.
    rlc_agent_destroy(ag);
    CHECK_OK(rlc_agent_create("q-learning", spec, "alpha=1,q_init=3", 0, 1, &ag));
    rlcStepBatch bt = {1, &s, &a, &r, &t, &f, &s2, &r, &a};
    CHECK_OK(ag->cls->observe(ag, &bt));
    int S, A;
    CHECK_NEAR(qtab(ag, &S, &A)[0], -1.0, 0);
    // A truncated one does: r + gamma max Q(s2) = -1 + 0.99 * 3.
    rlcStepBatch bu = {1, &s, &a, &r, &f, &t, &s2, &r, &a};
    CHECK_OK(ag->cls->observe(ag, &bu));
    CHECK_NEAR(qtab(ag, &S, &A)[0], -1.0 + 0.99 * 3, 1e-12);
    rlc_agent_destroy(ag);
  }
  // Softmax temperature, exponential per episode: tau 2 * 0.5^episodes.
  CHECK_OK(rlc_agent_create("sarsa", spec, "explore=softmax,tau=2,tau_schedule=exponential,tau_decay=0.5,decay_per=episode",
                            0, 1, &ag));
  if (ag) {
    int32_t s = 0, a = 0, s2 = 1;
    double r = -1;
    bool f = false, t = true;
    rlcStepBatch b = {1, &s, &a, &r, &t, &f, &s2, &r, &a};
    for (int i = 0; i < 3; i++) CHECK_OK(ag->cls->observe(ag, &b));
    rlcAgentInfo info;
    ag->cls->info(ag, &info);
    CHECK_NEAR(info.temperature, 0.25, 1e-12);
    CHECK(isnan(info.epsilon));
    rlc_agent_destroy(ag);
  }
  rlc_env_spec_destroy(spec);
}

TEST(tabular_presets_resolve) {
  // Every preset of the five classes resolves through the driver's
  // configuration (known names, well-formed values), and the named ones are
  // found by name.
  const char *named[5] = {"homl-qlearning", "exercise-qlearning", "exercise-softmax", "exercise-qlambda",
                          "exercise-qlambda-100"};
  for (int i = 0; i < 5; i++) {
    const rlcAgentClass *cls = NULL;
    const rlcPreset *p = rlc_preset_find(named[i], &cls);
    CHECK_MSG(p != NULL, "preset %s", named[i]);
    if (p) CHECK(!strcmp(cls->name, i == 3 || i == 4 ? "q-lambda" : "q-learning"));
  }
  rlcOpts *cfg = malloc(sizeof *cfg);
  for (int k = 0; k < 5; k++) {
    const rlcAgentClass *cls = rlc_agent_find(ALGOS[k]);
    CHECK(cls != NULL);
    if (!cls) continue;
    bool envs[4] = {false};
    const char *ids[4] = {"GridWorld-v0", "FrozenLake-v1", "CliffWalking-v1", "Taxi-v3"};
    for (int i = 0; i < cls->n_presets; i++) {
      const rlcPreset *p = &cls->presets[i];
      for (int e = 0; e < 4; e++) envs[e] |= !p->name && p->env && !strcmp(p->env, ids[e]);
      rlcStatus s = rlc_run_config(cfg, ALGOS[k], p->env, p->name, NULL, 0);
      CHECK_MSG(s == RLC_OK, "%s preset %s for %s: %s", ALGOS[k], p->name ? p->name : "(default)", p->env,
                rlc_last_error());
    }
    for (int e = 0; e < 4; e++) CHECK_MSG(envs[e], "%s has no default preset for %s", ALGOS[k], ids[e]);
  }
  free(cfg);
}
