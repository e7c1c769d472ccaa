// bench/tabular_exercise.c: the eligibility-traces exercise's experiments on
// GridWorld-v0 and the book's Q-learning on the 3-state MDP, measured with
// rlc's tabular agents (docs/TABULAR.md records the answers).
//   1. Q-learning vs Q(lambda) on the 5x5 world, 100 episodes, 20 seeds: the
//      episode after which the greedy path first reaches the goal, first is
//      the optimal 7-move path, and the greedy path after episode 100.
//   2. The effect of lambda (0, 0.3, 0.5, 0.7, 0.9) on the exercise's Q(lambda).
//   3. Softmax vs epsilon-greedy exploration for Q-learning.
//   4. Size 100 with and without traces: episodes, steps and seconds until the
//      greedy path is a shortest path.
//   5. The book's Q-learning (10,000 random steps) against Q-value iteration.
// Each run drives an rlcVecEnv of one copy and the agent's act/observe/update,
// seeds 0..19 (the env's resets and the agent's streams). A greedy path
// follows the agent's greedy actions through the env's model from the start.
// Run: make bench && build/bench/tabular_exercise   (about 15 s)
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rlc/rlc.h"

#define SEEDS 20
#define BIG_EPISODES 20000

static void die(rlcStatus s) {
  fprintf(stderr, "tabular_exercise: %s\n", rlc_last_error());
  exit(s ? 1 : 0);
}

// Moves of the greedy path from state 0 to the goal through the model (one
// entry per (s, a) in GridWorld), or -1 when it does not get there in `cap`.
static int greedy_path(rlcAgent *ag, const rlcMdp *m, int cap) {
  int32_t s = 0, a;
  for (int moves = 1; moves <= cap; moves++) {
    ag->cls->act(ag, &s, 1, false, &a);
    const rlcTransition *e = rlc_mdp_entries(m, s, a);
    if (e->terminated) return e->reward > 0 ? moves : -1;
    s = e->next_state;
  }
  return -1;
}

// The shortest path from state 0 to the goal (BFS over the model).
static int shortest_path(const rlcMdp *m) {
  int S = m->n_states, *dist = malloc(sizeof(int) * S), *queue = malloc(sizeof(int) * S), head = 0, tail = 0, best = -1;
  for (int s = 0; s < S; s++) dist[s] = -1;
  dist[0] = 0;
  queue[tail++] = 0;
  while (head < tail && best < 0) {
    int s = queue[head++];
    for (int a = 0; a < m->n_actions && best < 0; a++) {
      const rlcTransition *e = rlc_mdp_entries(m, s, a);
      if (e->terminated) {
        if (e->reward > 0) best = dist[s] + 1;
      } else if (dist[e->next_state] < 0) {
        dist[e->next_state] = dist[s] + 1;
        queue[tail++] = e->next_state;
      }
    }
  }
  free(dist), free(queue);
  return best;
}

typedef struct {
  int first_goal;   // first episode after which the greedy path reaches the goal (0: never)
  int first_opt;    // ... is a shortest path (0: never)
  int final_len;    // greedy path after the last episode (-1: does not reach the goal)
  int episodes;     // episodes run
  int64_t steps;
  double secs;
  double opt_secs;  // seconds until first_opt
  int diverged;     // the episode in which Q diverged (0: it did not)
} Result;

// Trains `algo` with `settings` on GridWorld-v0 (`env_opts`) for `episodes`
// episodes (stop_at_opt: until the greedy path is a shortest one).
static Result run(const char *algo, const char *env_opts, const char *settings, int seed, int episodes,
                  bool stop_at_opt) {
  rlcVecEnv *v;
  rlcVecEnvDef vd = rlc_vec_env_default_def();
  rlcStatus s = rlc_vec_env_create("GridWorld-v0", env_opts, &vd, &v);
  if (s) die(s);
  rlcAgent *ag;
  s = rlc_agent_create(algo, v->spec, settings, (uint64_t)seed, 1, &ag);
  if (s) die(s);
  const rlcMdp *m = v->spec->mdp;
  int opt = shortest_path(m), cap = 4 * opt + 10;
  Result r = {0};
  r.final_len = -1;
  int32_t obs, act, next;
  double t0 = rlc_time_s();
  rlc_vec_env_reset(v, seed);
  while (r.episodes < episodes) {
    obs = *(int32_t *)v->obs;
    ag->cls->act(ag, &obs, 1, true, &act);
    if ((s = rlc_vec_env_step(v, &act))) die(s);
    bool done = v->terminated[0] || v->truncated[0];
    next = *(int32_t *)(done ? v->final_obs : v->obs);
    rlcStepBatch b = {1, &obs, &act, v->reward, v->terminated, v->truncated, &next, v->final_return, v->final_length};
    if ((s = ag->cls->observe(ag, &b)) || (s = ag->cls->update(ag))) {
      if (s != RLC_ERR_STATE) die(s);
      r.diverged = r.episodes + 1;  // "Q diverged": the exercise's uncut accumulating traces can
      r.final_len = -1;
      break;
    }
    r.steps++;
    if (!done) continue;
    r.episodes++;
    int len = greedy_path(ag, m, cap);
    if (len > 0 && !r.first_goal) r.first_goal = r.episodes;
    if (len == opt && !r.first_opt) r.first_opt = r.episodes, r.opt_secs = rlc_time_s() - t0;
    r.final_len = len;
    if (stop_at_opt && len == opt) break;
  }
  r.secs = rlc_time_s() - t0;
  rlc_agent_destroy(ag);
  rlc_vec_env_destroy(v);
  return r;
}

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

// Median of episode numbers where 0 (never) counts as after the last episode.
static double median_ep(int *x, int n, int never) {
  for (int i = 0; i < n; i++)
    if (!x[i]) x[i] = never;
  qsort(x, n, sizeof *x, cmp_int);
  return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

// One row over 20 seeds of the 5x5 world, 100 episodes.
static void row(const char *label, const char *algo, const char *settings) {
  int goal[SEEDS], opt[SEEDS], n_opt = 0, n_goal = 0, lens[16] = {0};
  double secs = 0;
  for (int seed = 0; seed < SEEDS; seed++) {
    Result r = run(algo, NULL, settings, seed, 100, false);
    goal[seed] = r.first_goal, opt[seed] = r.first_opt;
    n_opt += r.final_len == 7;
    n_goal += r.final_len > 0;
    if (r.final_len > 0 && r.final_len < 16) lens[r.final_len]++;
    secs += r.secs;
  }
  int never_opt = 0;
  for (int i = 0; i < SEEDS; i++) never_opt += !opt[i];
  double mg = median_ep(goal, SEEDS, 101), mo = median_ep(opt, SEEDS, 101);
  char dist[128] = "", *p = dist;
  for (int l = 7; l < 16; l++)
    if (lens[l]) p += sprintf(p, " %dx%d", lens[l], l);
  if (n_goal < SEEDS) p += sprintf(p, " %dxnone", SEEDS - n_goal);
  printf("  %-34s %6.1f %6s%-5.1f %4d/%d   %-22s %5.0f ms\n", label, mg, mo > 100 ? ">" : "", mo > 100 ? 100.0 : mo,
         n_opt, SEEDS, dist, secs * 1000);
  (void)never_opt;
}

static void header(void) {
  printf("  %-34s %6s %11s %7s   %-22s %8s\n", "method (20 seeds, 100 episodes)", "goal", "optimal", "end opt",
         "greedy path at the end", "time");
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  double t_all = rlc_time_s();
  const char *base = "gamma=0.9,alpha=0.1,epsilon=0.1";
  char set[512];
  printf("Eligibility-traces exercise, GridWorld-v0 5x5 (alpha 0.1, gamma 0.9, epsilon 0.1).\n"
         "goal / optimal: median episode after which the greedy path first reaches the goal / is the\n"
         "7-move path; end opt: seeds whose greedy path after episode 100 is the 7-move one.\n\n");
  printf("1. Q-learning vs Q(lambda)\n");
  header();
  row("q-learning", "q-learning", base);
  snprintf(set, sizeof set, "%s,lambda=0.7,cut_traces=false", base);
  row("q-lambda 0.7, exercise (no cut)", "q-lambda", set);
  snprintf(set, sizeof set, "%s,lambda=0.7,cut_traces=true", base);
  row("q-lambda 0.7, Watkins (cut)", "q-lambda", set);
  snprintf(set, sizeof set, "%s,lambda=0.7,trace=replacing,cut_traces=false", base);
  row("q-lambda 0.7, replacing, no cut", "q-lambda", set);
  row("sarsa", "sarsa", base);
  row("expected-sarsa", "expected-sarsa", base);
  snprintf(set, sizeof set, "%s,lambda=0.7", base);
  row("sarsa-lambda 0.7", "sarsa-lambda", set);
  printf("  optimistic start, q_init=100 (Q* is 40..89 here):\n");
  snprintf(set, sizeof set, "%s,q_init=100", base);
  row("q-learning", "q-learning", set);
  snprintf(set, sizeof set, "%s,lambda=0.7,cut_traces=false,q_init=100", base);
  row("q-lambda 0.7, exercise (no cut)", "q-lambda", set);
  snprintf(set, sizeof set, "%s,lambda=0.7,cut_traces=true,q_init=100", base);
  row("q-lambda 0.7, Watkins (cut)", "q-lambda", set);
  snprintf(set, sizeof set, "%s,lambda=0.7,q_init=100", base);
  row("sarsa-lambda 0.7", "sarsa-lambda", set);

  printf("\n2. The effect of lambda (the exercise's Q(lambda), no cut; Watkins's)\n");
  header();
  const double lambdas[5] = {0, 0.3, 0.5, 0.7, 0.9};
  for (int cut = 0; cut < 2; cut++)
    for (int i = 0; i < 5; i++) {
      char label[64];
      snprintf(label, sizeof label, "q-lambda %.1f, %s", lambdas[i], cut ? "Watkins" : "exercise");
      snprintf(set, sizeof set, "%s,lambda=%g,cut_traces=%s", base, lambdas[i], cut ? "true" : "false");
      row(label, "q-lambda", set);
    }

  printf("\n3. Softmax vs epsilon-greedy (Q-learning)\n");
  header();
  row("epsilon-greedy 0.1", "q-learning", base);
  row("softmax tau 1.0", "q-learning", "gamma=0.9,alpha=0.1,explore=softmax,tau=1.0");
  row("softmax tau 1.0 x0.95/episode", "q-learning",
      "gamma=0.9,alpha=0.1,explore=softmax,tau=1.0,tau_schedule=exponential,tau_decay=0.95,tau_end=0.01,decay_per=episode");
  row("softmax tau 10 x0.95/episode", "q-learning",
      "gamma=0.9,alpha=0.1,explore=softmax,tau=10,tau_schedule=exponential,tau_decay=0.95,tau_end=0.01,decay_per=episode");
  row("softmax, q-lambda 0.7 no cut", "q-lambda",
      "gamma=0.9,alpha=0.1,explore=softmax,tau=1.0,tau_schedule=exponential,tau_decay=0.95,tau_end=0.01,decay_per=episode,"
      "lambda=0.7,cut_traces=false");

  printf("\n4. Size 100 (10,000 cells, shortest path 126 moves; gamma 0.99, alpha 0.1, epsilon 0.1,\n"
         "   no time limit), 3 seeds, at most %d episodes: median episode after which the greedy path\n"
         "   first reaches the goal / is a shortest path, mean seconds until then, the last greedy path\n", BIG_EPISODES);
  printf("  %-34s %8s %9s %9s %9s   %s\n", "method", "goal", "optimal", "seconds", "steps", "greedy path at the end");
  static const struct { const char *label, *algo, *settings; } big[] = {
      {"q-learning", "q-learning", "gamma=0.99,alpha=0.1,epsilon=0.1"},
      {"q-lambda 0.9, Watkins", "q-lambda", "gamma=0.99,alpha=0.1,epsilon=0.1,lambda=0.9,cut_traces=true"},
      {"q-lambda 0.9, replacing, no cut", "q-lambda",
       "gamma=0.99,alpha=0.1,epsilon=0.1,lambda=0.9,trace=replacing,cut_traces=false"},
      {"q-lambda 0.9, exercise (no cut)", "q-lambda", "gamma=0.99,alpha=0.1,epsilon=0.1,lambda=0.9,cut_traces=false"},
      {"sarsa-lambda 0.9", "sarsa-lambda", "gamma=0.99,alpha=0.1,epsilon=0.1,lambda=0.9"},
  };
  for (size_t k = 0; k < sizeof big / sizeof big[0]; k++) {
    int goal[3], opt[3], n_opt = 0;
    double secs = 0, steps = 0;
    char ends[96] = "", *p = ends;
    for (int seed = 0; seed < 3; seed++) {
      Result r = run(big[k].algo, "size=100,max_episode_steps=0", big[k].settings, seed, BIG_EPISODES, true);
      goal[seed] = r.first_goal, opt[seed] = r.first_opt;
      n_opt += r.first_opt > 0;
      secs += (r.first_opt ? r.opt_secs : r.secs) / 3, steps += (double)r.steps / 3;
      if (r.diverged) p += sprintf(p, " diverged@%d", r.diverged);
      else p += sprintf(p, " %d", r.final_len);
    }
    double mg = median_ep(goal, 3, BIG_EPISODES + 1), mo = median_ep(opt, 3, BIG_EPISODES + 1);
    char gs[16], os[16];
    snprintf(gs, sizeof gs, mg > BIG_EPISODES ? "never" : "%.0f", mg);
    snprintf(os, sizeof os, mo > BIG_EPISODES ? "never" : "%.0f", mo);
    printf("  %-34s %8s %9s %9.2f %9.2g  %s (%d/3 optimal)\n", big[k].label, gs, os, secs, steps, ends, n_opt);
  }

  printf("\n5. The book's Q-learning on ThreeStateMDP-v0 (10,000 steps from s0, random exploration,\n"
         "   alpha 0.05/(1+0.005t), gamma 0.90) against Q-value iteration\n");
  {
    rlcEnvSpec *spec;
    rlcStatus s = rlc_env_spec_create("ThreeStateMDP-v0", NULL, &spec);
    if (s) die(s);
    rlcPlanDef pd = rlc_plan_default_def();
    pd.method = RLC_PLAN_Q_ITERATION;
    rlcPlanResult star;
    if ((s = rlc_plan_solve_spec(spec, &pd, &star))) die(s);
    rlc_env_spec_destroy(spec);
    double err[SEEDS], q0[9], qmean[9] = {0};
    for (int seed = 0; seed < SEEDS; seed++) {
      rlcVecEnv *v;
      rlcVecEnvDef vd = rlc_vec_env_default_def();
      if ((s = rlc_vec_env_create("ThreeStateMDP-v0", "max_episode_steps=0", &vd, &v))) die(s);
      rlcAgent *ag;
      if ((s = rlc_agent_create("q-learning", v->spec, "explore=random,alpha=0.05,alpha_decay=0.005,gamma=0.90",
                                (uint64_t)seed, 1, &ag)))
        die(s);
      rlc_vec_env_reset(v, seed);
      for (int t = 0; t < 10000; t++) {
        int32_t obs = *(int32_t *)v->obs, act;
        ag->cls->act(ag, &obs, 1, true, &act);
        if ((s = rlc_vec_env_step(v, &act))) die(s);
        rlcStepBatch b = {1, &obs, &act, v->reward, v->terminated, v->truncated, v->obs, v->final_return,
                          v->final_length};
        if ((s = ag->cls->observe(ag, &b))) die(s);
      }
      int S, A;
      const double *q = ag->cls->q_table(ag, &S, &A);
      err[seed] = 0;
      for (int i = 0; i < 9; i++)
        if (isfinite(star.q[i])) err[seed] = fmax(err[seed], fabs(q[i] - star.q[i]));
      if (seed == 0) memcpy(q0, q, sizeof q0);
      for (int i = 0; i < 9; i++) qmean[i] += q[i] / SEEDS;
      rlc_agent_destroy(ag);
      rlc_vec_env_destroy(v);
    }
    printf("  %-4s %30s %30s %30s\n", "", "Q-learning, seed 0", "mean of 20 seeds", "Q-value iteration");
    const double *tables[3] = {q0, qmean, star.q};
    for (int st = 0; st < 3; st++) {
      printf("  s%d  ", st);
      for (int k = 0; k < 3; k++) {
        printf("   ");
        for (int a = 0; a < 3; a++) {
          double x = tables[k][st * 3 + a];
          isfinite(x) ? printf(" %8.3f", x) : printf(" %8s", "-inf");
        }
      }
      printf("\n");
    }
    double mean = 0, worst = 0;
    for (int i = 0; i < SEEDS; i++) mean += err[i] / SEEDS, worst = fmax(worst, err[i]);
    printf("  largest |Q - Q*| over the possible actions: mean %.3f, worst %.3f over %d seeds\n", mean, worst, SEEDS);
    rlc_plan_result_free(&star);
  }
  printf("\ntotal %.1f s\n", rlc_time_s() - t_all);
  return 0;
}
