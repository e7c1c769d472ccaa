// cmd_train.c: `rlc train` (a run directory from a preset and overrides, or a
// resumed one), `rlc eval` (the saved greedy policy) and `rlc plot` (learning
// curves of runs in one figure).
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "watch.h"

//------------------------------------------------------------------------------
// rlc train
//------------------------------------------------------------------------------

static const CliOpt train_opts[] = {
    {"--env", "ID", "environment (default: the preset's, else CartPole-v1)"},
    {"--algo", "NAME", "algorithm (default dqn; rlc list --algos shows them)"},
    {"--preset", "NAME", "named settings from a classic experiment (rlc list --algos)"},
    {"--steps", "N", "train for N env steps in total"},
    {"--episodes", "N", "train for N episodes in total"},
    {"--seed", "S", "root seed (default 0)"},
    {"--seeds", "A-B", "train once per seed (0-4, 0,2,5) into DIR/seed-S; rlc plot DIR draws mean and spread"},
    {"--jobs", "N", "with --seeds: seeds trained at once, one process each (default 1)"},
    {"--out", "DIR", "run directory (default runs/ALGO-ENV-seedS)"},
    {"--set", "K=V,...", "override hyperparameters by name (repeatable)"},
    {"--env-options", "K=V,...", "env options (e.g. map_name=8x8,is_slippery=false)"},
    {"--resume", "DIR", "continue the run in DIR from its checkpoint (with --steps/--episodes: the new total; --set nn_threads=N: another thread count)"},
    {"--force", NULL, "overwrite the run in --out if there is one"},
    {"--quiet", NULL, "no progress line and no summary"},
    {"--watch", NULL, "show the first env copy in a window while training (GridWorld: with the Q-values)"},
    {"--progress", "SECONDS", "seconds between progress lines when stderr is not a terminal (default 5; 0: none)"},
    {"--json", NULL, "last line: a JSON object with the results"},
};
static const CliCmd train_cmd = {
    "train", "[--env ID] [--algo NAME | --preset NAME] [--steps N | --episodes N] [--seed S] [--out DIR] [--set K=V ...] [--resume DIR] [--json]",
    "Train an agent; writes config.txt, metrics.csv, episodes.csv, TensorBoard events, checkpoint.rlc,\n"
    "curve.png and agent.gif into the run directory. With no arguments: DQN on CartPole-v1.",
    train_opts, sizeof train_opts / sizeof train_opts[0], cmd_train};

static rlcRun *active_run;
static volatile sig_atomic_t interrupted;
// The first Ctrl-C stops at the next step with a checkpoint; a second one
// (the default action again) ends the process at once.
static void on_sigint(int sig) {
  interrupted = 1;
  if (active_run) rlc_run_request_stop(active_run);
  signal(sig, SIG_DFL);
}

// Where progress goes: one line rewritten in place on a terminal, else a
// full line every `every` seconds (a log file or a pipe gets no \r soup).
typedef struct Progress {
  bool tty, lines;      // lines: progress lines at all
  double every, next;
  CliTrainWatch *watch; // --watch: the window
  rlcRun *run;
} Progress;

static void fmt_time(char *buf, size_t n, double s) {
  if (!isfinite(s) || s < 0) snprintf(buf, n, "--:--");
  else if (s < 3600) snprintf(buf, n, "%d:%02d", (int)s / 60, (int)s % 60);
  else snprintf(buf, n, "%d:%02d:%02d", (int)s / 3600, (int)s / 60 % 60, (int)s % 60);
}

static void progress_line(const rlcRunStatus *st, void *user) {
  Progress *pr = user;
  if (pr->watch) cli_train_watch_update(pr->watch, pr->run, st);
  if (!pr->lines) return;
  if (!pr->tty) {
    double t = rlc_time_s();
    if (t < pr->next) return;
    pr->next = t + pr->every;
  }
  double frac = st->target_steps ? (double)st->steps / st->target_steps
                                 : st->target_episodes ? (double)st->episodes / st->target_episodes : 0;
  if (frac > 1) frac = 1;
  char eta[16], rate[32], ret[32] = "-", ev[48] = "-", ex[32] = "";
  fmt_time(eta, sizeof eta, frac > 0 ? st->wall_s * (1 - frac) / frac : NAN);
  if (st->steps_per_s >= 1e6) snprintf(rate, sizeof rate, "%.1fM", st->steps_per_s / 1e6);
  else if (st->steps_per_s >= 1e3) snprintf(rate, sizeof rate, "%.1fk", st->steps_per_s / 1e3);
  else snprintf(rate, sizeof rate, "%.0f", st->steps_per_s);
  if (!isnan(st->recent_return)) snprintf(ret, sizeof ret, "%.1f", st->recent_return);
  if (!isnan(st->eval_mean)) snprintf(ev, sizeof ev, "%.1f ± %.1f", st->eval_mean, st->eval_std);
  if (!isnan(st->info.epsilon)) snprintf(ex, sizeof ex, " | ε %.3f", st->info.epsilon);
  else if (!isnan(st->info.temperature)) snprintf(ex, sizeof ex, " | τ %.3f", st->info.temperature);
  fprintf(stderr, "%s%3.0f%% | %lld steps | %lld episodes | %s steps/s | ETA %s | return %s | eval %s%s",
          pr->tty ? "\r\033[K" : "", frac * 100, (long long)st->steps, (long long)st->episodes, rate, eta, ret, ev, ex);
  if (!pr->tty) fputc('\n', stderr);
  fflush(stderr);
}

static void summary_json(rlcRun *run, const char *dir, const rlcRunStatus *st, double wall) {
  const rlcEnvSpec *spec = rlc_run_spec(run);
  CliJson j;
  json_begin(&j);
  const rlcRunSettings *set = rlc_run_settings_of(run);
  json_str(&j, "env", set->env);
  json_str(&j, "algo", set->algo);
  json_int(&j, "seed", set->seed);
  json_int(&j, "steps", st->steps);
  json_int(&j, "episodes", st->episodes);
  json_num(&j, "wall_s", wall);
  json_num(&j, "steps_per_s", wall > 0 ? st->steps / wall : 0);
  json_num(&j, "eval_mean_return", st->eval_mean);
  json_num(&j, "eval_std_return", st->eval_std);
  json_int(&j, "eval_episodes", rlc_run_eval_episodes(run));
  json_num(&j, "reward_threshold", spec->reward_threshold);
  json_bool(&j, "solved", st->solved);
  json_num(&j, "solved_at_s", st->solved_at_s);
  json_int(&j, "solved_at_steps", st->solved_at_steps);
  json_num(&j, "recent_return", st->recent_return);
  json_num(&j, "checkpoint_s", st->checkpoint_s);
  json_int(&j, "updates", st->info.updates);
  json_num(&j, "best_eval_mean_return", st->best_eval_mean);
  json_int(&j, "best_eval_steps", st->best_eval_steps);
  if (dir) json_str(&j, "dir", dir);
  json_end_print(&j);
}

int cmd_train(int argc, char **argv) {
  CliArgs a;
  bool done;
  int rc = cli_parse(&train_cmd, argc, argv, 0, &a, &done);
  if (done) return rc;
  long long steps, episodes, seed;
  if (!cli_int(&a, "--steps", 0, 1, 1LL << 50, &steps) || !cli_int(&a, "--episodes", 0, 1, 1LL << 50, &episodes) ||
      !cli_int(&a, "--seed", 0, 0, 1LL << 50, &seed))
    return 2;
  double every;
  if (!cli_double(&a, "--progress", 5, 0, 1e6, &every)) return 2;
  bool json = cli_has(&a, "--json"), quiet = cli_has(&a, "--quiet");
  if (cli_has(&a, "--seeds")) {
    long long jobs;
    if (!cli_int(&a, "--jobs", 1, 1, 64, &jobs)) return 2;
    static char sdir[600];
    snprintf(sdir, sizeof sdir, "runs/%s-%s-seeds", cli_str(&a, "--algo", cli_has(&a, "--preset") ? cli_str(&a, "--preset", "") : "dqn"),
             cli_str(&a, "--env", "CartPole-v1"));
    return cmd_train_seeds(argc, argv, cli_str(&a, "--seeds", ""), (int)jobs, cli_str(&a, "--out", sdir), json);
  }
  Progress pr = {isatty(2), false, every, 0, NULL, NULL};
  pr.lines = !quiet && (pr.tty || every > 0);
  bool tty = pr.tty && !quiet;
  rlcRun *run = NULL;
  rlcStatus s;
  const char *dir;
  if (cli_has(&a, "--resume")) {
    const char *conflicting[] = {"--env", "--algo", "--preset", "--seed", "--env-options", "--out", "--force"};
    for (size_t i = 0; i < sizeof conflicting / sizeof conflicting[0]; i++)
      if (cli_has(&a, conflicting[i]))
        return cli_error("--resume continues a run with its own configuration; %s cannot change it", conflicting[i]);
    // --set nn_threads=N alone (results do not depend on it), parsed and
    // checked as every setting is, before any file changes.
    int nn_threads = 0;
    s = RLC_OK;
    rlcOpts *sets = calloc(1, sizeof *sets);
    if (!sets) return cli_error("out of memory");
    int nst;
    const rlcSetting *table = rlc_run_settings(&nst), *st = rlc_setting_find(table, nst, "nn_threads");
    for (int i = 1; i < argc && !s; i++) {
      const char *v = !strcmp(argv[i], "--set") && i + 1 < argc ? argv[++i] : !strncmp(argv[i], "--set=", 6) ? argv[i] + 6 : NULL;
      if (v) s = rlc_opts_parse(sets, v);
    }
    for (int i = 0; i < sets->n && !s; i++) {
      if (strcmp(sets->key[i], "nn_threads")) {
        int e = cli_error("--resume continues a run with its own configuration; --set can change only nn_threads "
                           "there (results do not depend on it), not %s", sets->key[i]);
        free(sets);
        return e;
      }
      rlcRunSettings rs;
      if (!(s = rlc_setting_store(st, sets->val[i], &rs))) nn_threads = rs.nn_threads;
    }
    free(sets);
    if (s) return cli_fail(s);
    dir = cli_str(&a, "--resume", "");
    if ((s = rlc_run_resume(dir, &run)) || (s = rlc_run_set_budget(run, steps, episodes)) ||
        (nn_threads && (s = rlc_run_set_nn_threads(run, nn_threads)))) {
      rlc_run_destroy(run);
      return cli_fail(s);
    }
    const rlcRunSettings *rs = rlc_run_settings_of(run);
    if (steps > rs->horizon && rs->horizon > 0 && !quiet && !json)
      fprintf(stderr, "rlc: note: schedules that span the run keep its horizon of %lld steps (fixed at creation: "
              "create with --set horizon=N to plan for N)\n", (long long)rs->horizon);
  } else {
    // Every --set, in order (the parser keeps only the last).
    const char *sets[64];
    int n_sets = 0;
    char seedset[64], envset[1100];
    for (int i = 1; i < argc; i++) {
      bool set = !strcmp(argv[i], "--set") && i + 1 < argc, eq = !strncmp(argv[i], "--set=", 6);
      if ((set || eq) && n_sets == 60) return cli_error("more than 60 --set options (join them: --set a=1,b=2)");
      if (set) sets[n_sets++] = argv[++i];
      else if (eq) sets[n_sets++] = argv[i] + 6;
    }
    // --steps / --episodes replace the preset's budget (schedules that anneal
    // over the run read it from the configuration).
    char budget[96];
    if (cli_has(&a, "--steps") || cli_has(&a, "--episodes")) {
      snprintf(budget, sizeof budget, "steps=%lld,episodes=%lld", steps, episodes);
      sets[n_sets++] = budget;
    }
    if (cli_has(&a, "--seed")) {
      snprintf(seedset, sizeof seedset, "seed=%lld", seed);
      sets[n_sets++] = seedset;
    }
    if (cli_has(&a, "--env-options")) {
      // Quotes keep the env's own commas inside one value (and are removed
      // with the value parsed); a quote inside cannot be kept that way.
      const char *eo = cli_str(&a, "--env-options", "");
      if (strchr(eo, '"')) return cli_error("--env-options %s: quotes are not allowed", eo);
      snprintf(envset, sizeof envset, "env_options=\"%s\"", eo);
      sets[n_sets++] = envset;
    }
    rlcOpts *cfg = calloc(1, sizeof *cfg);
    if (!cfg) return cli_error("out of memory");
    s = rlc_run_config(cfg, cli_str(&a, "--algo", NULL), cli_str(&a, "--env", NULL), cli_str(&a, "--preset", NULL), sets,
                       n_sets);
    if (s) {
      free(cfg);
      return cli_fail(s);
    }
    static char defdir[600];
    snprintf(defdir, sizeof defdir, "runs/%s-%s-seed%s", rlc_opts_str(cfg, "algo", ""), rlc_opts_str(cfg, "env", ""),
             rlc_opts_str(cfg, "seed", "0"));
    dir = cli_str(&a, "--out", defdir);
    s = rlc_run_create(cfg, dir, cli_has(&a, "--force"), &run);
    free(cfg);
    if (s) return cli_fail(s);
  }
  if (!quiet && !json) {
    rlcOpts *cfg = rlc_run_cfg(run);
    fprintf(stderr, "rlc: training %s on %s (seed %s) into %s\n", rlc_opts_str(cfg, "algo", ""),
            rlc_opts_str(cfg, "env", ""), rlc_opts_str(cfg, "seed", ""), dir);
  }
  if (cli_has(&a, "--watch")) {
    pr.run = run;
    if (!(pr.watch = cli_train_watch_open(run))) {
      rlc_run_destroy(run);
      return 2;
    }
  }
  bool show = pr.lines || pr.watch;
  active_run = run;
  interrupted = 0;
  signal(SIGINT, on_sigint);
  double t0 = rlc_time_s();
  // A resumed run takes the new total; a new one has it in its configuration.
  bool resume = cli_has(&a, "--resume");
  pr.next = t0 + every;
  s = rlc_run_train(run, resume ? steps : 0, resume ? episodes : 0, show ? progress_line : NULL, &pr);
  double wall = rlc_time_s() - t0;
  signal(SIGINT, SIG_DFL);
  active_run = NULL;
  cli_train_watch_close(pr.watch);
  if (tty) fputc('\n', stderr);
  if (s) {
    rlc_run_destroy(run);
    return cli_fail(s);
  }
  if (interrupted) {
    // 128 + SIGINT, as a shell reports a process Ctrl-C ended.
    fprintf(stderr, "rlc: interrupted, checkpoint saved (continue with rlc train --resume %s --steps N)\n", dir);
    rlc_run_destroy(run);
    return 130;
  }
  rlcRunStatus st;
  rlc_run_status(run, &st);
  if (json) summary_json(run, dir, &st, wall);
  else if (!quiet) {
    printf("steps %lld, episodes %lld, %.1f s (%.0f steps/s)\n", (long long)st.steps, (long long)st.episodes, wall,
           wall > 0 ? st.steps / wall : 0);
    printf("greedy evaluation: %.2f ± %.2f over %d episodes%s\n", st.eval_mean, st.eval_std,
           rlc_run_eval_episodes(run), st.solved ? " (solved)" : "");
    if (!isnan(st.solved_at_s))
      printf("reached the reward threshold after %lld steps, %.2f s\n", (long long)st.solved_at_steps, st.solved_at_s);
    if (!isnan(st.best_eval_mean))
      printf("best evaluation: %.2f at step %lld, kept in best.rlc (rlc eval %s --best)\n", st.best_eval_mean,
             (long long)st.best_eval_steps, dir);
    printf("run directory: %s (curve.png, agent.gif, metrics.csv; resume with rlc train --resume %s --steps N)\n",
           dir, dir);
  }
  rlc_run_destroy(run);
  return 0;
}

//------------------------------------------------------------------------------
// rlc eval
//------------------------------------------------------------------------------

static const CliOpt eval_opts[] = {
    {"--episodes", "N", "greedy episodes (default 100)"},
    {"--seed", "S", "seed of the first episode (default 0; episode i uses S+i)"},
    {"--gif", "FILE", "record the first episode as a GIF"},
    {"--video", "FILE", "record the first episode as an H.264 MP4 video"},
    {"--watch", NULL, "show the greedy episodes in a window at the env's fps (Escape or closing it ends)"},
    {"--best", NULL, "evaluate the best model (best.rlc: the best evaluation during training), not the final one"},
    {"--json", NULL, "last line: a JSON object with the results"},
};
static const CliCmd eval_cmd = {"eval", "DIR [--best] [--episodes N] [--seed S] [--gif FILE | --video FILE.mp4] [--json]",
                                "Evaluate the greedy policy saved in a run directory.", eval_opts,
                                sizeof eval_opts / sizeof eval_opts[0], cmd_eval};

int cmd_eval(int argc, char **argv) {
  CliArgs a;
  bool done;
  int rc = cli_parse(&eval_cmd, argc, argv, 1, &a, &done);
  if (done) return rc;
  if (a.n_positional != 1) return cli_error("eval needs a run directory (rlc eval DIR)");
  long long episodes, seed;
  if (!cli_int(&a, "--episodes", 100, 1, 100000000, &episodes) || !cli_int(&a, "--seed", 0, 0, 1LL << 50, &seed))
    return 2;
  if (!cli_out_ext(&a, "--gif", ".gif") || !cli_out_ext(&a, "--video", ".mp4")) return 2;
  if (cli_has(&a, "--gif") && cli_has(&a, "--video")) return cli_error("give --gif or --video, not both");
  const char *dir = a.positional[0];
  rlcRun *run;
  bool best = cli_has(&a, "--best");
  rlcStatus s = best ? rlc_run_load_best(dir, &run) : rlc_run_load(dir, &run);
  if (s) return cli_fail(s);
  const rlcRunSettings *set = rlc_run_settings_of(run);
  double mean, std, len, t0 = rlc_time_s();
  if (cli_has(&a, "--watch")) {
    if (cli_has(&a, "--gif") || cli_has(&a, "--video")) {
      rlc_run_destroy(run);
      return cli_error("--watch shows the episodes; record them without it (--gif or --video)");
    }
    long long watched = 0;
    rc = cli_watch_eval(rlc_run_agent(run), set->env, rlc_run_env_options(run), episodes, seed, &mean, &std, &len,
                        &watched);
    if (!rc && watched < episodes) {
      printf("the window was closed after %lld whole episodes\n", watched);
      episodes = watched;
    }
    if (rc || watched == 0) {
      rlc_run_destroy(run);
      return rc;
    }
  } else
    s = rlc_evaluate(rlc_run_agent(run), set->env, rlc_run_env_options(run), (int)episodes, seed, &mean, &std, &len,
                     cli_str(&a, "--gif", cli_str(&a, "--video", NULL)), 1);
  double wall = rlc_time_s() - t0;
  if (s) {
    rlc_run_destroy(run);
    return cli_fail(s);
  }
  double thr = rlc_run_spec(run)->reward_threshold;
  bool solved = !isnan(thr) && mean >= thr;
  rlcRunStatus st;
  rlc_run_status(run, &st);
  if (cli_has(&a, "--json")) {
    CliJson j;
    json_begin(&j);
    json_str(&j, "env", set->env);
    json_str(&j, "algo", set->algo);
    json_int(&j, "seed", seed);
    json_int(&j, "steps", st.steps);
    json_int(&j, "episodes", st.episodes);
    json_num(&j, "wall_s", wall);
    json_num(&j, "steps_per_s", wall > 0 ? len * episodes / wall : 0);
    json_num(&j, "eval_mean_return", mean);
    json_num(&j, "eval_std_return", std);
    json_int(&j, "eval_episodes", episodes);
    json_num(&j, "eval_mean_length", len);
    json_bool(&j, "solved", solved);
    json_str(&j, "model", best ? "best" : "final");
    json_end_print(&j);
  } else {
    if (best)
      printf("model: best.rlc, the best evaluation during training (%.2f at step %lld)\n", st.eval_mean,
             (long long)st.steps);
    else printf("model: checkpoint.rlc, the final one (--best for the best evaluation's)\n");
    printf("%s on %s (trained %lld steps): %.2f ± %.2f over %lld greedy episodes (mean length %.1f)%s\n",
           set->algo, set->env, (long long)st.steps, mean, std, episodes, len,
           solved ? ", solved" : "");
  }
  rlc_run_destroy(run);
  return 0;
}

//------------------------------------------------------------------------------
// rlc plot
//------------------------------------------------------------------------------

static const CliOpt plot_opts[] = {
    {"-o|--output", "FILE", "output PNG (default curves.png)"},
};
static const CliCmd plot_cmd = {"plot", "DIR... [-o FILE]",
                                "Learning curves of one or more runs in one figure (compare seeds or algorithms).",
                                plot_opts, 1, cmd_plot};

int cmd_plot(int argc, char **argv) {
  CliArgs a;
  bool done;
  int rc = cli_parse(&plot_cmd, argc, argv, 10, &a, &done);
  if (done) return rc;
  int n = a.n_positional;
  if (n == 0) return cli_error("plot needs at least one run directory (rlc plot DIR... -o FILE)");
  const char *out = cli_str(&a, "--output", "curves.png");
  rlcStatus s = rlc_run_plot(a.positional, n, out);
  if (s) return cli_fail(s);
  printf("wrote %s\n", out);
  return 0;
}
