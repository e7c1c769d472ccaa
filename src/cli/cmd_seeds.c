// cmd_seeds.c: `rlc train --seeds A-B`: the same configuration trained once
// per seed into DIR/seed-S, one after another or --jobs at once (child
// processes, one core each), then the evaluations across seeds.
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

#define MAX_SEEDS 100

// "0-4", "3", "0,2,5" (and mixes: "0-2,7").
static int parse_seeds(const char *text, long long *seeds) {
  int n = 0;
  char buf[256];
  snprintf(buf, sizeof buf, "%s", text);
  for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    char *dash = strchr(tok + 1, '-');
    if (dash) *dash = 0;
    int64_t lo, hi;
    if (!rlc_parse_int64(tok, &lo) || (dash && !rlc_parse_int64(dash + 1, &hi)) || lo < 0)
      return -cli_error("--seeds %s: expected seeds like 0-4 or 0,1,2", text);
    if (!dash) hi = lo;
    if (hi < lo || hi - lo >= MAX_SEEDS || n + (hi - lo + 1) > MAX_SEEDS)
      return -cli_error("--seeds %s: 1 to %d seeds in increasing ranges", text, MAX_SEEDS);
    for (int64_t s = lo; s <= hi; s++) seeds[n++] = s;
  }
  if (n == 0) return -cli_error("--seeds %s: expected seeds like 0-4 or 0,1,2", text);
  return n;
}

// The argv of one seed's `rlc train`: the user's options without --seeds,
// --jobs, --out, --json, --progress, then --seed S --out DIR/seed-S --quiet.
static char **seed_argv(int argc, char **argv, long long seed, const char *dir, int *out_argc) {
  char **v = calloc((size_t)argc + 8, sizeof *v);
  static char seedbuf[32], outbuf[2048];
  if (!v) return NULL;
  int n = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--seeds") || !strcmp(a, "--jobs") || !strcmp(a, "--out") || !strcmp(a, "--progress")) {
      i++;
      continue;
    }
    if (!strcmp(a, "--json") || !strcmp(a, "--quiet")) continue;
    v[n++] = argv[i];
  }
  snprintf(seedbuf, sizeof seedbuf, "%lld", seed);
  snprintf(outbuf, sizeof outbuf, "%s/seed-%lld", dir, seed);
  v[n++] = "--seed";
  v[n++] = seedbuf;
  v[n++] = "--out";
  v[n++] = outbuf;
  v[n++] = "--quiet";
  *out_argc = n;
  return v;
}

static int run_seed(int argc, char **argv, long long seed, const char *dir) {
  int n;
  char **v = seed_argv(argc, argv, seed, dir, &n);
  if (!v) return cli_error("out of memory");
  int rc = cmd_train(n, v);
  free(v);
  return rc;
}

// One line per seed from its run directory; sums for the mean across seeds.
static bool report_seed(const char *dir, long long seed, double *sum, double *sum2, int *n, CliJson *j) {
  char p[2100];
  snprintf(p, sizeof p, "%s/seed-%lld", dir, seed);
  rlcRun *run;
  if (rlc_run_load(p, &run)) {
    fprintf(stderr, "rlc: seed %lld: %s\n", seed, rlc_last_error());
    return false;
  }
  rlcRunStatus st;
  rlc_run_status(run, &st);
  if (!j) printf("seed %lld: greedy evaluation %.2f ± %.2f after %lld steps%s\n", seed, st.eval_mean, st.eval_std,
                 (long long)st.steps, st.solved ? " (solved)" : "");
  *sum += st.eval_mean, *sum2 += st.eval_mean * st.eval_mean, (*n)++;
  rlc_run_destroy(run);
  return true;
}

int cmd_train_seeds(int argc, char **argv, const char *seeds_text, int jobs, const char *dir, bool json) {
  long long seeds[MAX_SEEDS];
  int n = parse_seeds(seeds_text, seeds);
  if (n < 0) return 2;
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "--seed") || !strcmp(argv[i], "--resume"))
      return cli_error("--seeds trains several runs: %s does not go with it", argv[i]);
  if (!json) fprintf(stderr, "rlc: training %d seeds into %s/seed-S (%d at a time)\n", n, dir, jobs);
  double t0 = rlc_time_s();
  int failed = 0;
  if (jobs <= 1) {
    for (int i = 0; i < n; i++) {
      int rc = run_seed(argc, argv, seeds[i], dir);
      if (rc == 130) return 130;  // Ctrl-C: this seed saved its checkpoint; stop there
      failed += rc != 0;
    }
  } else {
    // Children train, the parent keeps `jobs` of them running.
    fflush(stdout), fflush(stderr);
    int next = 0, running = 0;
    while (next < n || running > 0) {
      if (next < n && running < jobs) {
        pid_t pid = fork();
        if (pid < 0) return cli_error("cannot start a process for seed %lld", seeds[next]);
        if (pid == 0) _exit(run_seed(argc, argv, seeds[next], dir));
        next++, running++;
        continue;
      }
      int status;
      if (wait(&status) < 0) break;
      running--;
      failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
  }
  double wall = rlc_time_s() - t0, sum = 0, sum2 = 0;
  int ok = 0;
  CliJson j;
  if (json) json_begin(&j);
  for (int i = 0; i < n; i++) report_seed(dir, seeds[i], &sum, &sum2, &ok, json ? &j : NULL);
  double mean = ok ? sum / ok : NAN, sd = ok ? sqrt(fmax(0, sum2 / ok - mean * mean)) : NAN;
  if (json) {
    json_str(&j, "dir", dir);
    json_int(&j, "seeds", n);
    json_int(&j, "failed", failed);
    json_num(&j, "wall_s", wall);
    json_num(&j, "eval_mean_return", mean);
    json_num(&j, "eval_std_across_seeds", sd);
    json_end_print(&j);
  } else
    printf("%d seeds in %.1f s: final greedy evaluation %.2f ± %.2f (mean ± std across seeds)%s\n"
           "plot them with: rlc plot %s\n",
           ok, wall, mean, sd, failed ? " (some seeds failed)" : "", dir);
  return failed ? 1 : 0;
}
