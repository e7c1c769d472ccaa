// fuzz_rundir.c: the text files of a run directory, as `rlc train --resume`
// and `rlc plot` read them. The input is config.txt, metrics.csv and
// episodes.csv separated by NUL bytes; the directory's checkpoint and events
// file are those of a real short run. Each input: the config is read and
// compared, the tables parsed, the run resumed (log sizes checked against
// the checkpoint's) and, when the config text starts with "#P", plotted.
#include "fuzz.h"
#include "run/run_internal.h"

static uint8_t *ckpt, *events;
static size_t ckpt_n, events_n;
static char events_name[256], run_dir[512];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  fuzz_setup("rundir");
  char p[800];
  fuzz_path(run_dir, sizeof run_dir, "template");
  fuzz_make_run(run_dir);
  snprintf(p, sizeof p, "%s/checkpoint.rlc", run_dir);
  ckpt = fuzz_read(p, &ckpt_n);
  snprintf(p, sizeof p, "%s/config.txt", run_dir);
  rlcOpts *cfg = malloc(sizeof *cfg);
  if (run_config_read(cfg, p)) abort();
  snprintf(events_name, sizeof events_name, "%s", rlc_opts_str(cfg, "tensorboard_file", ""));
  free(cfg);
  snprintf(p, sizeof p, "%s/%s", run_dir, events_name);
  events = fuzz_read(p, &events_n);
  fuzz_path(run_dir, sizeof run_dir, "run");
  mkdir(run_dir, 0700);
  return 0;
}

static void put(const char *name, const void *data, size_t n) {
  char p[800];
  snprintf(p, sizeof p, "run/%s", name);
  fuzz_write(p, data, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *config = fuzz_take(&data, &size, 0), *metrics = fuzz_take(&data, &size, 0);
  char *episodes = fuzz_take(&data, &size, 0);
  put("config.txt", config, strlen(config));
  put("metrics.csv", metrics, strlen(metrics));
  put("episodes.csv", episodes, strlen(episodes));
  put("checkpoint.rlc", ckpt, ckpt_n);
  put(events_name, events, events_n);
  char p[800];
  rlcOpts *cfg = malloc(sizeof *cfg), *ck = malloc(sizeof *ck);
  snprintf(p, sizeof p, "%s/config.txt", run_dir);
  if (!run_config_read(cfg, p)) {
    memcpy(ck, cfg, sizeof *ck);
    run_config_compare(cfg, ck, "a", "b");
  }
  RunTable t;
  snprintf(p, sizeof p, "%s/metrics.csv", run_dir);
  if (!run_table_read(&t, p)) run_table_free(&t);
  snprintf(p, sizeof p, "%s/episodes.csv", run_dir);
  if (!run_table_read(&t, p)) run_table_free(&t);
  rlcRun *r;
  if (!rlc_run_resume(run_dir, &r)) rlc_run_destroy(r);
  if (!strncmp(config, "#P", 2)) {
    const char *dirs[1] = {run_dir};
    snprintf(p, sizeof p, "%s/curve.png", run_dir);
    rlc_run_plot(dirs, 1, p);
  }
  free(cfg);
  free(ck);
  free(config);
  free(metrics);
  free(episodes);
  return 0;
}
