// driver.c: the training driver. One loop serves every agent: act on the
// vector env's observations, step, hand the transitions to the agent, let it
// update, count episodes, evaluate the greedy policy on a separate env, log,
// checkpoint. A checkpoint holds the configuration, the driver's counters,
// every env copy's state and RNG, and the agent's own state, so a resumed run
// continues exactly where an uninterrupted one would be.
// Depends on: rlc/run.h, rlc/agent.h, rlc/env.h, rlc/out.h, run_internal.h.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rlc/nn.h"
#include "run/run_internal.h"

#define RECENT 100
#define EVAL_CAP 10000
#define GIF_CAP 1000
#define CKPT_MAGIC "RLCCKPT\n"
// 2: loss totals in the counters; replay and rollout layouts. 3: env states
// through rlc_env_state_put.
#define CKPT_VERSION 3u

// Everything the loop counts; checkpointed as one block.
typedef struct RunCounters {
  int64_t steps, episodes;
  int64_t next_log, next_eval, next_ckpt;
  int64_t eval_steps;                 // steps at the last evaluation (-1: none)
  int eval_count;
  double wall_s;                      // wall time of earlier sessions
  double recent[RECENT];              // returns of the last episodes (ring)
  int n_recent, recent_pos;
  double int_ret, int_len;            // sums since the last metrics row
  int64_t int_count;
  double eval_mean, eval_std, eval_len;
  double solved_at_s;
  int64_t solved_at_steps;
  bool stopped;                       // reached the threshold with stop_at_threshold
  int64_t metrics_bytes, episodes_bytes, tb_bytes;  // file sizes at the checkpoint
  double loss_sum;                    // the agent's loss totals at the last metrics row
  int64_t loss_count;
} RunCounters;

struct rlcRun {
  rlcOpts cfg;
  rlcRunSettings set;                 // the driver's settings, filled from cfg
  char dir[2048];
  bool has_dir;
  const rlcAgentClass *cls;
  char env_id[RLC_SETTING_STR_MAX], env_opts[512];
  rlcVecEnv *venv;
  rlcEnv *eval_env;
  rlcAgent *agent;
  rlcPool *pool;                      // nn_threads > 1: the threads training splits the networks' work over
  uint8_t *obs_prev, *actions, *next_obs;
  RunCounters c;
  FILE *metrics, *episodes, *tb;
  char tb_name[128];
  int lock_fd;                        // the run directory's lock (-1: none)
  rlcAgentInfo info;                  // last values read from the agent
  int n_extra;
  char extra_name[4][32];
  double t0;                          // this session's start
  double best_mean;                   // best evaluation so far, kept in best.rlc (NAN: none)
  int64_t best_steps;
  double next_ckpt_time;              // rlc_time_s() of the next timed checkpoint
  double checkpoint_s;                // seconds spent writing checkpoints this session
  bool rewind_logs;                   // resumed: truncate the logs to the checkpoint before writing
  bool eval_full;                     // the last evaluation played all eval_episodes (eval_screen)
  volatile sig_atomic_t stop_requested;
};

static void path_in(const rlcRun *r, const char *name, char *out, size_t n) {
  snprintf(out, n, "%.1900s/%.255s", r->dir, name);
}

//------------------------------------------------------------------------------
// Setting up
//------------------------------------------------------------------------------

// The env options string of a configuration: env_options plus the time limit.
static rlcStatus env_options(const rlcRunSettings *rs, char *out, size_t n) {
  const char *user = rs->env_options;
  int k = rs->max_episode_steps >= 0
              ? snprintf(out, n, "%s%smax_episode_steps=%d", user, *user ? "," : "", rs->max_episode_steps)
              : snprintf(out, n, "%s", user);
  if (k >= (int)n) return rlc_error(RLC_ERR_ARG, "env_options is too long");
  return RLC_OK;
}

// The driver's and the agent's settings from the configuration, through their tables.
static rlcStatus read_settings(rlcRun *r) {
  rlcOpts *cfg = &r->cfg;
  rlcRunSettings rs;
  int nt;
  const rlcSetting *table = rlc_run_settings(&nt);
  rlcStatus s = rlc_settings_fill(&rs, table, nt, cfg);
  if (s) return s;
  // The horizon is fixed when the run is created and kept in its
  // configuration: a resume with another budget leaves the schedules alone.
  if (rs.horizon == 0 && rs.steps > 0) {
    rs.horizon = rs.steps;
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)rs.horizon);
    if ((s = rlc_opts_set(cfg, "horizon", v))) return s;
    rlc_opts_str(cfg, "horizon", NULL);  // read: not an unknown option
  }
  r->set = rs;
  r->cls = rlc_agent_find(rs.algo);
  if (!r->cls) return rlc_error(RLC_ERR_NOT_FOUND, "unknown algorithm '%s' (rlc list shows them)", rs.algo);
  snprintf(r->env_id, sizeof r->env_id, "%s", rs.env);
  if ((s = env_options(&rs, r->env_opts, sizeof r->env_opts))) return s;
  int threads = rs.num_threads;

  rlcVecEnvDef vd = rlc_vec_env_default_def();
  vd.num_envs = r->set.num_envs;
  vd.num_threads = threads < r->set.num_envs ? threads : r->set.num_envs;
  if ((s = rlc_vec_env_create(r->env_id, r->env_opts, &vd, &r->venv))) return s;
  r->venv->autoreset_seed = r->set.reset_seed;
  if ((s = rlc_env_create(r->env_id, r->env_opts, &r->eval_env))) return s;
  if ((s = rlc_agent_create_from_config(r->cls, r->venv->spec, cfg, (uint64_t)r->set.seed, r->set.num_envs,
                                        r->set.horizon, &r->agent)))
    return s;
  rlc_opts_str(cfg, "rlc_version", NULL);  // bookkeeping, not settings
  rlc_opts_str(cfg, "tensorboard_file", NULL);
  if ((s = rlc_opts_check_unused(cfg, "this run"))) return s;
  // After the agent: "this algorithm cannot work with this env" says more.
  if (r->set.steps == 0 && r->set.episodes == 0)
    return rlc_error(RLC_ERR_ARG, "no training budget: give --steps N or --episodes N (or steps=/episodes= in a preset)");

  if (r->set.nn_threads > 1 && (s = rlc_pool_create(r->set.nn_threads, &r->pool))) return s;

  r->obs_prev = rlc_malloc((size_t)r->set.num_envs * r->venv->obs_bytes);
  r->next_obs = rlc_malloc((size_t)r->set.num_envs * r->venv->obs_bytes);
  r->actions = rlc_malloc((size_t)r->set.num_envs * r->venv->act_bytes);
  if (!r->obs_prev || !r->next_obs || !r->actions) return RLC_ERR_NOMEM;

  // The agent's extra scalars become columns.
  r->cls->info(r->agent, &r->info);
  r->n_extra = r->info.n_extra < 4 ? r->info.n_extra : 4;
  for (int i = 0; i < r->n_extra; i++) snprintf(r->extra_name[i], sizeof r->extra_name[i], "%s", r->info.extra_name[i]);
  return RLC_OK;
}

// Drops what was logged after the checkpoint: the resumed run writes it again.
static rlcStatus logs_rewind(rlcRun *r) {
  r->rewind_logs = false;
  if (ftruncate(fileno(r->metrics), r->c.metrics_bytes) || ftruncate(fileno(r->episodes), r->c.episodes_bytes) ||
      ftruncate(fileno(r->tb), r->c.tb_bytes))
    return rlc_error(RLC_ERR_IO, "cannot rewind the logs in '%s': %s", r->dir, strerror(errno));
  fseek(r->metrics, 0, SEEK_END);
  fseek(r->episodes, 0, SEEK_END);
  fseek(r->tb, 0, SEEK_END);
  return RLC_OK;
}

static void counters_init(RunCounters *c, const rlcRun *r) {
  memset(c, 0, sizeof *c);
  c->next_log = r->set.log_interval;
  c->next_eval = r->set.eval_interval ? r->set.eval_interval : INT64_MAX;
  c->next_ckpt = r->set.checkpoint_interval ? r->set.checkpoint_interval : INT64_MAX;
  c->eval_steps = -1;
  c->eval_mean = c->eval_std = c->eval_len = NAN;
  c->solved_at_s = NAN;
  c->solved_at_steps = -1;
}

// A log of the run's own: a link planted in its place (to a file a resume
// would truncate) or a FIFO is refused, not followed.
static FILE *open_log(const char *p, bool fresh) {
  int fd = open(p, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | (fresh ? O_CREAT | O_TRUNC : 0), 0644);
  struct stat st;
  if (fd >= 0 && (fstat(fd, &st) || !S_ISREG(st.st_mode) || fcntl(fd, F_SETFL, 0))) {
    close(fd);
    errno = ELOOP;
    return NULL;
  }
  FILE *f = fd >= 0 ? fdopen(fd, fresh ? "w" : "r+") : NULL;
  if (fd >= 0 && !f) close(fd);
  return f;
}

static rlcStatus open_logs(rlcRun *r, bool fresh) {
  char p[2200];
  path_in(r, "metrics.csv", p, sizeof p);
  r->metrics = open_log(p, fresh);
  path_in(r, "episodes.csv", p, sizeof p);
  r->episodes = r->metrics ? open_log(p, fresh) : NULL;
  path_in(r, r->tb_name, p, sizeof p);
  r->tb = r->episodes ? open_log(p, fresh) : NULL;
  if (!r->tb)
    return rlc_error(RLC_ERR_IO, "cannot open the logs in '%s': %s", r->dir,
                     errno == ELOOP ? "one is a link or not a regular file" : strerror(errno));
  if (fresh) {
    fprintf(r->metrics, "step,episodes,wall_s,steps_per_s,train_return,train_length,eval_return,eval_std,"
                        "eval_length,loss,epsilon,temperature,lr,updates");
    for (int i = 0; i < r->n_extra; i++) fprintf(r->metrics, ",%s,%s_ref", r->extra_name[i], r->extra_name[i]);
    fprintf(r->metrics, "\n");
    fprintf(r->episodes, "episode,step,return,length\n");
    rlcStatus s = run_tb_open(r->tb);
    if (s) return s;
  } else {
    // Drop what was logged after the checkpoint: the resumed run writes it
    // again. Logs only shrink back: sizes beyond the files are refused.
    struct stat sm, se, st;
    if (fstat(fileno(r->metrics), &sm) || fstat(fileno(r->episodes), &se) || fstat(fileno(r->tb), &st))
      return rlc_error(RLC_ERR_IO, "cannot read the logs in '%s': %s", r->dir, strerror(errno));
    if (r->c.metrics_bytes > sm.st_size || r->c.episodes_bytes > se.st_size || r->c.tb_bytes > st.st_size)
      return rlc_error(RLC_ERR_FORMAT, "the logs in '%s' are shorter than the checkpoint says (were they edited?)", r->dir);
    // Rewound when training starts (logs_rewind): a resume that fails before
    // that leaves every file as it was.
    r->rewind_logs = true;
  }
  fflush(r->metrics);
  fflush(r->episodes);
  fflush(r->tb);
  return RLC_OK;
}

static rlcRun *run_alloc(void) {
  rlcRun *r = rlc_calloc(1, sizeof *r);
  if (r) r->lock_fd = -1, r->best_mean = NAN, r->best_steps = -1;
  return r;
}

// One process per run directory: an exclusive lock on DIR/.lock for the
// run's lifetime (released by the kernel if the process dies). Holding it,
// temp files that a killed writer left (name.tmp.PID) can go.
static rlcStatus lock_dir(rlcRun *r, const char *dir) {
  char p[2100];
  snprintf(p, sizeof p, "%s/.lock", dir);
  int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return rlc_error(RLC_ERR_IO, "cannot lock '%s': %s", dir, strerror(errno));
  if (flock(fd, LOCK_EX | LOCK_NB)) {
    close(fd);
    return rlc_error(RLC_ERR_STATE, "'%s' is in use by another rlc (a run is training or resuming there)", dir);
  }
  r->lock_fd = fd;
  DIR *d = opendir(dir);
  for (struct dirent *e; d && (e = readdir(d));)
    if (strstr(e->d_name, ".tmp.")) {
      snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
      remove(p);
    }
  if (d) closedir(d);
  return RLC_OK;
}

void rlc_run_destroy(rlcRun *r) {
  if (!r) return;
  if (r->metrics) fclose(r->metrics);
  if (r->episodes) fclose(r->episodes);
  if (r->tb) fclose(r->tb);
  rlc_agent_destroy(r->agent);
  rlc_pool_destroy(r->pool);
  rlc_vec_env_destroy(r->venv);
  rlc_env_destroy(r->eval_env);
  rlc_free(r->obs_prev);
  rlc_free(r->next_obs);
  rlc_free(r->actions);
  if (r->lock_fd >= 0) close(r->lock_fd);
  rlc_free(r);
}

static bool is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool exists(const char *p) {
  struct stat st;
  return stat(p, &st) == 0;
}

static rlcStatus make_dirs(const char *dir) {
  char p[2048];
  snprintf(p, sizeof p, "%s", dir);
  for (char *q = p + 1; *q; q++)
    if (*q == '/') {
      *q = 0;
      if (mkdir(p, 0777) && errno != EEXIST) return rlc_error(RLC_ERR_IO, "cannot create '%s': %s", p, strerror(errno));
      *q = '/';
    }
  if (mkdir(p, 0777) && errno != EEXIST) return rlc_error(RLC_ERR_IO, "cannot create '%s': %s", p, strerror(errno));
  if (!is_dir(p)) return rlc_error(RLC_ERR_IO, "'%s' exists and is not a directory", p);
  return RLC_OK;
}

static rlcStatus checkpoint(rlcRun *r);

rlcStatus rlc_run_create(rlcOpts *cfg, const char *dir, bool force, rlcRun **out) {
  *out = NULL;
  if (dir && strlen(dir) >= 1900) return rlc_error(RLC_ERR_ARG, "run directory path is too long");
  if (dir && !force) {
    // Refuse to mix two runs in one directory (nothing is written then).
    char p[2048];
    snprintf(p, sizeof p, "%s/config.txt", dir);
    if (exists(p))
      return rlc_error(RLC_ERR_ARG, "'%s' holds another run (use --resume %s to continue it, --force to overwrite it, or --out DIR)", dir, dir);
  }
  rlcRun *r = run_alloc();
  if (!r) return RLC_ERR_NOMEM;
  r->cfg = *cfg;
  rlcStatus s = read_settings(r);
  if (s) {
    rlc_run_destroy(r);
    return s;
  }
  counters_init(&r->c, r);
  if ((s = rlc_vec_env_reset(r->venv, r->set.reset_seed >= 0 ? r->set.reset_seed : r->set.seed))) {
    rlc_run_destroy(r);
    return s;
  }
  if (dir) {
    snprintf(r->dir, sizeof r->dir, "%s", dir);
    r->has_dir = true;
    snprintf(r->tb_name, sizeof r->tb_name, "events.out.tfevents.%lld.rlc", (long long)time(NULL));
    char p[2200];
    if (!(s = make_dirs(dir)) && !(s = lock_dir(r, dir))) {
      // A forced overwrite starts clean: old checkpoints and events go.
      const char *old[] = {"checkpoint.rlc", "curve.png", "agent.gif", "best.rlc", "agent.mp4"};
      for (int i = 0; i < 5; i++) {
        path_in(r, old[i], p, sizeof p);
        remove(p);
      }
      DIR *d = opendir(dir);
      for (struct dirent *e; d && (e = readdir(d));)
        if (!strncmp(e->d_name, "events.out.tfevents.", 20)) {
          path_in(r, e->d_name, p, sizeof p);
          remove(p);
        }
      if (d) closedir(d);
      path_in(r, "config.txt", p, sizeof p);
      s = rlc_opts_set(&r->cfg, "rlc_version", RLC_VERSION);
      if (!s) s = rlc_opts_set(&r->cfg, "tensorboard_file", r->tb_name);
      if (!s) s = run_config_write(&r->cfg, p);
    }
    if (!s) s = open_logs(r, true);
    // A run directory can be resumed from its first moment: a run killed
    // before its first periodic checkpoint starts again with --resume.
    r->t0 = rlc_time_s();
    if (!s) s = checkpoint(r);
  }
  if (s) {
    rlc_run_destroy(r);
    return s;
  }
  r->t0 = rlc_time_s();
  *out = r;
  return RLC_OK;
}

//------------------------------------------------------------------------------
// Checkpoints
//------------------------------------------------------------------------------

static void put_config(rlcBuf *b, const rlcOpts *cfg) {
  rlc_buf_put_tag(b, "config");
  int32_t n = cfg->n;
  rlc_buf_put(b, &n, 4);
  for (int i = 0; i < cfg->n; i++) {
    rlc_buf_put(b, cfg->key[i], sizeof cfg->key[i]);
    rlc_buf_put(b, cfg->val[i], sizeof cfg->val[i]);
  }
}

static rlcStatus get_config(rlcBuf *b, rlcOpts *cfg) {
  int32_t n;
  memset(cfg, 0, sizeof *cfg);
  rlcStatus s = rlc_buf_get_tag(b, "config");
  if (!s) s = rlc_buf_get(b, &n, 4);
  if (s) return s;
  if (n < 0 || n > RLC_OPTS_MAX) return rlc_error(RLC_ERR_FORMAT, "corrupted configuration (%d settings)", n);
  cfg->n = n;
  for (int i = 0; i < n && !s; i++) {
    s = rlc_buf_get(b, cfg->key[i], sizeof cfg->key[i]);
    if (!s) s = rlc_buf_get(b, cfg->val[i], sizeof cfg->val[i]);
    cfg->key[i][sizeof cfg->key[i] - 1] = cfg->val[i][sizeof cfg->val[i] - 1] = 0;
  }
  return s;
}

static void put_venv(rlcBuf *b, const rlcVecEnv *v) {
  rlc_buf_put_tag(b, "venv");
  int32_t n = v->num_envs;
  uint64_t sb = v->state_bytes, ob = v->obs_bytes;
  rlc_buf_put(b, &n, 4);
  rlc_buf_put(b, &sb, 8);
  rlc_buf_put(b, &ob, 8);
  for (int i = 0; i < n; i++) rlc_env_state_put(v->spec, v->states + (size_t)i * v->state_bytes, b);
  rlc_buf_put(b, v->rngs, (size_t)n * sizeof *v->rngs);
  rlc_buf_put(b, v->obs, (size_t)n * v->obs_bytes);
  rlc_buf_put(b, v->episode_return, (size_t)n * sizeof *v->episode_return);
  rlc_buf_put(b, v->episode_length, (size_t)n * sizeof *v->episode_length);
  rlc_buf_put(b, &v->total_steps, sizeof v->total_steps);
}

static rlcStatus get_venv(rlcBuf *b, rlcVecEnv *v) {
  int32_t n;
  uint64_t sb, ob;
  rlcStatus s = rlc_buf_get_tag(b, "venv");
  if (!s) s = rlc_buf_get(b, &n, 4);
  if (!s) s = rlc_buf_get(b, &sb, 8);
  if (!s) s = rlc_buf_get(b, &ob, 8);
  if (s) return s;
  if (n != v->num_envs || sb != v->state_bytes || ob != v->obs_bytes)
    return rlc_error(RLC_ERR_FORMAT, "env state does not match the configuration");
  for (int i = 0; i < n && !s; i++) s = rlc_env_state_get(v->spec, v->states + (size_t)i * v->state_bytes, b);
  for (int i = 0; i < n && !s; i++) s = rlc_rng_state_get(&v->rngs[i], b);
  if (!s) s = rlc_buf_get(b, v->obs, (size_t)n * v->obs_bytes);
  if (!s) s = rlc_buf_get(b, v->episode_return, (size_t)n * sizeof *v->episode_return);
  if (!s) s = rlc_buf_get(b, v->episode_length, (size_t)n * sizeof *v->episode_length);
  if (!s) s = rlc_buf_get(b, &v->total_steps, sizeof v->total_steps);
  v->seeded = true;
  return s;
}

static rlcStatus checkpoint_write(rlcRun *r, const char *name);

// Checkpoints, timed: the time they take is reported (rlcRunStatus.checkpoint_s).
static rlcStatus checkpoint(rlcRun *r) {
  double t = rlc_time_s();
  rlcStatus s = checkpoint_write(r, "checkpoint.rlc");
  r->checkpoint_s += rlc_time_s() - t;
  return s;
}

static rlcStatus checkpoint_write(rlcRun *r, const char *name) {
  if (!r->has_dir) return RLC_OK;
  // Logs that could not be written (a full disk) would not match what the
  // checkpoint says of them: no checkpoint then, the previous one stays.
  int bad = fflush(r->metrics) | fflush(r->episodes) | fflush(r->tb);
  if (bad || ferror(r->metrics) || ferror(r->episodes) || ferror(r->tb))
    return rlc_error(RLC_ERR_IO, "cannot write the logs in '%s': %s", r->dir, strerror(errno ? errno : EIO));
  r->c.metrics_bytes = ftell(r->metrics);
  r->c.episodes_bytes = ftell(r->episodes);
  r->c.tb_bytes = ftell(r->tb);
  RunCounters saved = r->c;
  saved.wall_s += rlc_time_s() - r->t0;
  rlcBuf b = {0};
  uint32_t ver = CKPT_VERSION;
  rlc_buf_put(&b, CKPT_MAGIC, 8);
  rlc_buf_put(&b, &ver, 4);
  put_config(&b, &r->cfg);
  rlc_buf_put_tag(&b, "driver");
  rlc_buf_put(&b, &saved, sizeof saved);
  put_venv(&b, r->venv);
  rlc_buf_put_tag(&b, "agent");
  r->cls->save(r->agent, &b);
  rlc_buf_put_tag(&b, "end");
  uint32_t crc = rlc_crc32(0, b.data, b.len);
  rlc_buf_put(&b, &crc, 4);
  rlcStatus s = b.err;
  if (!s) {
    char p[2200];
    path_in(r, name, p, sizeof p);
    s = rlc_file_write_atomic(p, b.data, b.len, "checkpoint");
  }
  rlc_buf_free(&b);
  return s;
}


// Opens dir's checkpoint: checks magic, version and CRC, and reads the
// configuration; b is left at the driver section.
static rlcStatus ckpt_open(const char *dir, const char *name, rlcBuf *b, rlcOpts *cfg) {
  char p[2100];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  memset(b, 0, sizeof *b);
  if (!is_dir(dir)) return rlc_error(RLC_ERR_NOT_FOUND, "'%s' is not a run directory", dir);
  rlcStatus s = rlc_file_read(p, &b->data, &b->len);
  if (s == RLC_ERR_NOT_FOUND && !strcmp(name, "best.rlc"))
    return rlc_error(s, "'%s' has no best model (best.rlc): no evaluation has been made yet", dir);
  if (s == RLC_ERR_NOT_FOUND) return rlc_error(s, "'%s' has no checkpoint (checkpoint.rlc); is it a run directory?", dir);
  if (s) return s;
  uint32_t ver, crc;
  if (b->len < 16 || memcmp(b->data, CKPT_MAGIC, 8))
    return rlc_error(RLC_ERR_FORMAT, "'%s' is not an rlc checkpoint (bad magic)", p);
  memcpy(&ver, b->data + 8, 4);
  if (ver != CKPT_VERSION)
    return rlc_error(RLC_ERR_FORMAT, "'%s' has checkpoint version %u; this build reads %u", p, ver, CKPT_VERSION);
  memcpy(&crc, b->data + b->len - 4, 4);
  if (rlc_crc32(0, b->data, b->len - 4) != crc)
    return rlc_error(RLC_ERR_FORMAT, "'%s' is corrupted (CRC-32 mismatch)", p);
  b->len -= 4;
  b->pos = 12;
  s = get_config(b, cfg);
  if (s) return rlc_error(s, "'%s': %s", p, rlc_last_error());
  return RLC_OK;
}

// Restores the driver, env and agent sections into a run built from the same
// configuration.
// The driver's counters as read: a checkpoint with a valid CRC can still be
// crafted, so every count is checked before anything indexes or sizes by it.
static rlcStatus check_counters(const RunCounters *c) {
  bool ok = c->steps >= 0 && c->episodes >= 0 && c->next_log >= 0 && c->next_eval >= 0 && c->next_ckpt >= 0 &&
            c->eval_steps >= -1 && c->eval_count >= 0 && c->n_recent >= 0 && c->n_recent <= RECENT &&
            c->recent_pos >= 0 && c->recent_pos < RECENT && c->int_count >= 0 && c->metrics_bytes >= 0 &&
            c->episodes_bytes >= 0 && c->tb_bytes >= 0 && c->loss_count >= 0 && c->solved_at_steps >= -1 &&
            rlc_byte_is_bool(&c->stopped) && c->steps < ((int64_t)1 << 62) && c->episodes < ((int64_t)1 << 62) &&
            c->eval_count < (1 << 30) && c->int_count < ((int64_t)1 << 62);
  return ok ? RLC_OK : rlc_error(RLC_ERR_FORMAT, "the driver's counters are out of range");
}

static rlcStatus ckpt_restore(rlcRun *r, rlcBuf *b, const char *dir) {
  rlcStatus s = rlc_buf_get_tag(b, "driver");
  if (!s) s = rlc_buf_get(b, &r->c, sizeof r->c);
  if (!s) s = check_counters(&r->c);
  if (!s) s = get_venv(b, r->venv);
  if (!s) s = rlc_buf_get_tag(b, "agent");
  if (!s) s = r->cls->load(r->agent, b);
  if (!s) s = rlc_buf_get_tag(b, "end");
  if (!s && b->pos != b->len) s = rlc_error(RLC_ERR_FORMAT, "trailing data");
  if (s) return rlc_error(s, "checkpoint in '%s': %s", dir, rlc_last_error());
  return RLC_OK;
}

// A resume trains with the checkpoint's settings: a config.txt edited since
// is refused rather than silently ignored.
static rlcStatus check_config_file(const char *dir, rlcOpts *ckpt_cfg) {
  char p[2100];
  snprintf(p, sizeof p, "%s/config.txt", dir);
  rlcOpts *file = rlc_malloc(sizeof *file);
  if (!file) return RLC_ERR_NOMEM;
  rlcStatus s = run_config_read(file, p);
  if (s == RLC_ERR_NOT_FOUND) s = RLC_OK;  // the checkpoint alone is enough
  else if (!s) {
    s = run_config_compare(file, ckpt_cfg, "config.txt", "the checkpoint");
    if (s) s = rlc_error(s, "'%s': %s (a resume continues with the checkpoint's settings; "
                            "restore config.txt or start a new run)", dir, rlc_last_error());
  }
  rlc_free(file);
  return s;
}

static rlcStatus run_from_checkpoint(const char *dir, const char *name, bool with_logs, rlcRun **out) {
  *out = NULL;
  rlcBuf b = {0};
  rlcRun *r = run_alloc();
  if (!r) return RLC_ERR_NOMEM;
  char ck[2100];
  snprintf(ck, sizeof ck, "%s/checkpoint.rlc", dir);
  rlcStatus s = with_logs && exists(ck) ? lock_dir(r, dir) : RLC_OK;  // a run directory: no other writer
  if (!s) s = ckpt_open(dir, name, &b, &r->cfg);
  if (!s && with_logs) s = check_config_file(dir, &r->cfg);
  if (!s) s = read_settings(r);
  if (!s) s = ckpt_restore(r, &b, dir);
  rlc_buf_free(&b);
  if (!s && with_logs) {
    snprintf(r->dir, sizeof r->dir, "%s", dir);
    r->has_dir = true;
    // The events file is one of this directory's own: a stored name that
    // leaves it (../x, /etc/x) would have the resume truncate someone else's file.
    const char *tb = rlc_opts_str(&r->cfg, "tensorboard_file", "events.out.tfevents.rlc");
    if (strncmp(tb, "events.out.tfevents.", 20) || strchr(tb, '/') || strstr(tb, "..") || strlen(tb) >= sizeof r->tb_name)
      s = rlc_error(RLC_ERR_FORMAT, "checkpoint in '%s': tensorboard_file '%.60s' is not an events file of the run", dir, tb);
    else {
      snprintf(r->tb_name, sizeof r->tb_name, "%s", tb);
      s = open_logs(r, false);
    }
  }
  if (s) {
    rlc_run_destroy(r);
    return s;
  }
  r->t0 = rlc_time_s();
  *out = r;
  return RLC_OK;
}

// The best evaluation a run directory's best.rlc holds (NAN, -1: none), so a
// resumed run replaces it only with a better one.
static rlcStatus best_read(rlcRun *r, const char *dir) {
  char p[2100];
  snprintf(p, sizeof p, "%s/best.rlc", dir);
  if (!exists(p)) return RLC_OK;
  rlcBuf b = {0};
  rlcOpts *cfg = rlc_malloc(sizeof *cfg);
  RunCounters *c = rlc_malloc(sizeof *c);
  rlcStatus s = cfg && c ? ckpt_open(dir, "best.rlc", &b, cfg) : RLC_ERR_NOMEM;
  if (!s) s = rlc_buf_get_tag(&b, "driver");
  if (!s) s = rlc_buf_get(&b, c, sizeof *c);
  if (!s) r->best_mean = c->eval_mean, r->best_steps = c->eval_steps;
  rlc_buf_free(&b);
  rlc_free(cfg);
  rlc_free(c);
  return s;
}

rlcStatus rlc_run_resume(const char *dir, rlcRun **out) {
  rlcStatus s = run_from_checkpoint(dir, "checkpoint.rlc", true, out);
  if (!s && (s = best_read(*out, dir))) {
    rlc_run_destroy(*out);
    *out = NULL;
  }
  return s;
}

static rlcStatus load_named(const char *dir, const char *name, rlcRun **out) {
  rlcStatus s = run_from_checkpoint(dir, name, false, out);
  if (!s && (*out)->cls->finish) (*out)->cls->finish((*out)->agent);
  return s;
}

rlcStatus rlc_run_load(const char *dir, rlcRun **out) { return load_named(dir, "checkpoint.rlc", out); }
rlcStatus rlc_run_load_best(const char *dir, rlcRun **out) { return load_named(dir, "best.rlc", out); }

//------------------------------------------------------------------------------
// Evaluation
//------------------------------------------------------------------------------

// Greedy episodes on env seeded seed, seed+1, ...; records the first
// rec_episodes of them when rec is not NULL.
static rlcStatus evaluate(rlcAgent *agent, rlcEnv *env, int episodes, int64_t seed, double *mean,
                          double *std, double *mean_len, RunRecording *rec, int rec_episodes) {
  const rlcEnvSpec *spec = env->spec;
  size_t ob = rlc_space_bytes(&spec->observation_space), ab = rlc_space_bytes(&spec->action_space);
  uint8_t *obs = rlc_malloc(ob), *act = rlc_malloc(ab);
  rlcStatus s = (!obs || !act) ? RLC_ERR_NOMEM : RLC_OK;
  double sum = 0, sum2 = 0, lsum = 0;
  rlcRenderArgs ra = {0};
  for (int e = 0; e < episodes && !s; e++) {
    bool record = rec && e < rec_episodes;
    s = rlc_env_reset(env, seed + e, obs);
    double ret = 0;
    int len = 0;
    bool term = false, trunc = false;
    // A greedy policy can loop forever where the env has no time limit
    // (CliffWalking): such evaluations end after EVAL_CAP steps.
    int cap = spec->max_episode_steps > 0 ? INT32_MAX : EVAL_CAP;
    while (!s) {
      if (record) {
        if (agent->cls->q_table) ra.q = agent->cls->q_table(agent, &ra.q_states, &ra.q_actions);
        s = rlc_env_render(env, &ra, run_record_buffer(rec));
        if (!s) s = run_record_submit(rec);
        // Recordings stay small: a recorded episode stops after GIF_CAP frames.
        if (s || term || trunc || run_record_frames(rec) >= GIF_CAP * (e + 1)) break;
      } else if (term || trunc) break;
      agent->cls->act(agent, obs, 1, false, act);
      double rew;
      s = rlc_env_step(env, act, obs, &rew, &term, &trunc);
      ret += rew;
      trunc |= ++len >= cap;
    }
    sum += ret;
    sum2 += ret * ret;
    lsum += len;
  }
  rlc_free(obs);
  rlc_free(act);
  if (s) return s;
  *mean = sum / episodes;
  double var = sum2 / episodes - *mean * *mean;
  *std = var > 0 ? sqrt(var) : 0;
  if (mean_len) *mean_len = lsum / episodes;
  return RLC_OK;
}

rlcStatus rlc_evaluate(rlcAgent *agent, const char *env_id, const char *env_options, int episodes,
                       int64_t seed, double *mean, double *std, double *mean_length, const char *record_path,
                       int record_episodes) {
  if (episodes < 1) return rlc_error(RLC_ERR_ARG, "evaluation needs at least one episode");
  rlcEnv *env;
  rlcStatus s = rlc_env_create(env_id, env_options, &env);
  if (s) return s;
  RunRecording *rec = NULL;
  if (record_path) {
    size_t n = strlen(record_path);
    bool mp4 = n > 4 && !strcasecmp(record_path + n - 4, ".mp4");
    s = run_record_open(mp4 ? NULL : record_path, mp4 ? record_path : NULL, env->spec, &rec);
  }
  if (!s) s = evaluate(agent, env, episodes, seed, mean, std, mean_length, rec, record_episodes);
  s = run_record_close(rec, s);
  rlc_env_destroy(env);
  return s;
}

// Evaluation seeds are fixed per run, away from the training copies' seeds,
// so every evaluation of a run sees the same starts.
static int64_t eval_seed(const rlcRun *r) { return r->set.seed + 1000003; }

//------------------------------------------------------------------------------
// Logging
//------------------------------------------------------------------------------

static double wall(const rlcRun *r) { return r->c.wall_s + rlc_time_s() - r->t0; }

static void csv_num(FILE *f, double v) {
  if (isnan(v)) fputs(",", f);
  else fprintf(f, ",%.6g", v);
}

static void tb(rlcRun *r, const char *tag, double v) {
  if (r->has_dir && !isnan(v)) run_tb_scalar(r->tb, tag, r->c.steps, v);
}

// A loss that is no longer finite stops the run before the next log row or
// checkpoint, so no file holds the diverged weights and the exit says why.
static rlcStatus check_diverged(rlcRun *r) {
  rlcAgentInfo info;
  r->cls->info(r->agent, &info);
  if (info.loss_count > 0 && !isfinite(info.loss_sum))
    return rlc_error(RLC_ERR_STATE,
                     "training diverged by step %lld: the loss is %g (try a smaller lr or max_grad_norm); "
                     "nothing from it was written",
                     (long long)r->c.steps, info.loss_sum);
  return RLC_OK;
}

static void log_row(rlcRun *r, bool with_eval) {
  r->cls->info(r->agent, &r->info);
  // The mean loss of the updates since the last row.
  int64_t dn = r->info.loss_count - r->c.loss_count;
  double loss = dn > 0 ? (r->info.loss_sum - r->c.loss_sum) / (double)dn : NAN;
  r->c.loss_sum = r->info.loss_sum, r->c.loss_count = r->info.loss_count;
  if (!r->has_dir) return;
  double w = wall(r);
  double tr = r->c.int_count ? r->c.int_ret / r->c.int_count : NAN;
  double tl = r->c.int_count ? r->c.int_len / r->c.int_count : NAN;
  fprintf(r->metrics, "%lld,%lld", (long long)r->c.steps, (long long)r->c.episodes);
  csv_num(r->metrics, w);
  csv_num(r->metrics, w > 0 ? r->c.steps / w : NAN);
  csv_num(r->metrics, tr);
  csv_num(r->metrics, tl);
  csv_num(r->metrics, with_eval ? r->c.eval_mean : NAN);
  csv_num(r->metrics, with_eval ? r->c.eval_std : NAN);
  csv_num(r->metrics, with_eval ? r->c.eval_len : NAN);
  csv_num(r->metrics, loss);
  csv_num(r->metrics, r->info.epsilon);
  csv_num(r->metrics, r->info.temperature);
  csv_num(r->metrics, r->info.lr);
  fprintf(r->metrics, ",%lld", (long long)r->info.updates);
  for (int i = 0; i < r->n_extra; i++) {
    csv_num(r->metrics, i < r->info.n_extra ? r->info.extra[i] : NAN);
    csv_num(r->metrics, i < r->info.n_extra ? r->info.extra_ref[i] : NAN);
  }
  fputc('\n', r->metrics);
  fflush(r->metrics);
  tb(r, "train/average_return", tr);
  tb(r, "train/average_episode_length", tl);
  tb(r, "train/loss", loss);
  tb(r, "train/epsilon", r->info.epsilon);
  tb(r, "train/temperature", r->info.temperature);
  tb(r, "train/learning_rate", r->info.lr);
  tb(r, "train/steps_per_second", w > 0 ? r->c.steps / w : NAN);
  for (int i = 0; i < r->n_extra && i < r->info.n_extra; i++) {
    char tag[64];
    snprintf(tag, sizeof tag, "train/%s", r->extra_name[i]);
    tb(r, tag, r->info.extra[i]);
  }
  if (with_eval) {
    tb(r, "eval/average_return", r->c.eval_mean);
    tb(r, "eval/std_return", r->c.eval_std);
    tb(r, "eval/average_episode_length", r->c.eval_len);
  }
  fflush(r->tb);
  r->c.int_ret = r->c.int_len = 0;
  r->c.int_count = 0;
}

// EvalCallback's best model: an evaluation better than every earlier one is
// written to best.rlc (atomically, as checkpoint.rlc; rlc eval DIR --best).
static rlcStatus keep_best(rlcRun *r) {
  if (!isnan(r->best_mean) && !(r->c.eval_mean > r->best_mean)) return RLC_OK;
  r->best_mean = r->c.eval_mean;
  r->best_steps = r->c.steps;
  return checkpoint_write(r, "best.rlc");
}

// RecordVideo's triggers: every video_interval-th evaluation, or (0) its
// capped cubic schedule: evaluations 0, 1, 8, 27, ..., 1000, then every 1000th.
static bool video_due(int k, int interval) {
  if (interval > 0) return k % interval == 0;
  if (k >= 1000) return k % 1000 == 0;
  int c = (int)lround(cbrt((double)k));
  return c * c * c == k;
}

// With video=true, the first episode of a due evaluation goes to DIR/videos/eval-STEPS.mp4.
static rlcStatus eval_video_open(rlcRun *r, RunRecording **rec) {
  *rec = NULL;
  if (!(r->has_dir && r->set.video && r->eval_env->spec->render_width && video_due(r->c.eval_count, r->set.video_interval)))
    return RLC_OK;
  char p[2200], name[64];
  path_in(r, "videos", p, sizeof p);
  if (mkdir(p, 0777) && errno != EEXIST) return rlc_error(RLC_ERR_IO, "cannot create '%s': %s", p, strerror(errno));
  snprintf(name, sizeof name, "videos/eval-%09lld.mp4", (long long)r->c.steps);
  path_in(r, name, p, sizeof p);
  return run_record_open(NULL, p, r->eval_env->spec, rec);
}

// An evaluation: eval_episodes greedy episodes; with eval_screen and a
// periodic one (not full), the first eval_screen of them decide whether the
// rest are worth playing: below the threshold, the screen's statistics stand
// for the evaluation (a 100-episode evaluation of a hovering lander costs as
// many env steps as 100k of training).
static rlcStatus run_eval(rlcRun *r, bool full) {
  RunRecording *rec;
  double thr = r->venv->spec->reward_threshold;
  int screen = r->set.eval_screen;
  if (full || isnan(thr) || screen >= r->set.eval_episodes) screen = 0;
  rlcStatus s = eval_video_open(r, &rec);
  if (!s && screen)
    s = evaluate(r->agent, r->eval_env, screen, eval_seed(r), &r->c.eval_mean, &r->c.eval_std, &r->c.eval_len, rec, 1);
  bool all = !screen || (!s && r->c.eval_mean >= thr);
  if (!s && all)
    s = evaluate(r->agent, r->eval_env, r->set.eval_episodes, eval_seed(r), &r->c.eval_mean, &r->c.eval_std,
                 &r->c.eval_len, screen ? NULL : rec, 1);
  s = run_record_close(rec, s);
  if (s) return s;
  r->eval_full = all;
  r->c.eval_count++;
  r->c.eval_steps = r->c.steps;
  if (!isnan(thr) && r->c.eval_mean >= thr) {
    if (isnan(r->c.solved_at_s)) {
      r->c.solved_at_s = wall(r);
      r->c.solved_at_steps = r->c.steps;
    }
    if (r->set.stop_at_threshold) r->c.stopped = true;
  }
  log_row(r, true);
  return keep_best(r);
}

void rlc_run_status(const rlcRun *r, rlcRunStatus *st) {
  memset(st, 0, sizeof *st);
  st->steps = r->c.steps;
  st->episodes = r->c.episodes;
  st->target_steps = r->set.steps;
  st->target_episodes = r->set.episodes;
  st->wall_s = wall(r);
  st->steps_per_s = st->wall_s > 0 ? r->c.steps / st->wall_s : 0;
  double sum = 0;
  for (int i = 0; i < r->c.n_recent; i++) sum += r->c.recent[i];
  st->recent_return = r->c.n_recent ? sum / r->c.n_recent : NAN;
  st->eval_mean = r->c.eval_mean;
  st->eval_std = r->c.eval_std;
  st->eval_count = r->c.eval_count;
  st->solved_at_s = r->c.solved_at_s;
  st->solved_at_steps = r->c.solved_at_steps;
  double thr = r->venv->spec->reward_threshold;
  st->solved = !isnan(thr) && !isnan(r->c.eval_mean) && r->c.eval_mean >= thr;
  st->info = r->info;
  st->best_eval_mean = r->best_mean;
  st->best_eval_steps = r->best_steps;
  st->checkpoint_s = r->checkpoint_s;
}

rlcAgent *rlc_run_agent(rlcRun *r) { return r->agent; }
rlcVecEnv *rlc_run_vec_env(rlcRun *r) { return r->venv; }
const rlcEnvSpec *rlc_run_spec(const rlcRun *r) { return r->venv->spec; }
rlcOpts *rlc_run_cfg(rlcRun *r) { return &r->cfg; }
const rlcRunSettings *rlc_run_settings_of(const rlcRun *r) { return &r->set; }
const char *rlc_run_env_options(const rlcRun *r) { return r->env_opts; }
int rlc_run_eval_episodes(const rlcRun *r) { return r->set.eval_episodes; }
void rlc_run_request_stop(rlcRun *r) { r->stop_requested = 1; }

//------------------------------------------------------------------------------
// The loop
//------------------------------------------------------------------------------

static rlcStatus finish_files(rlcRun *r) {
  char p[2200];
  rlcStatus s = RLC_OK;
  path_in(r, "curve.png", p, sizeof p);
  const char *dirs[1] = {r->dir};
  s = rlc_run_plot(dirs, 1, p);
  if (s) rlc_log(RLC_LOG_WARN, "curve.png not written: %s", rlc_last_error());
  // The trained agent as agent.gif and, with video=true, agent.mp4: the same
  // episodes, played once.
  if (!(r->set.gif || r->set.video) || !r->eval_env->spec->render_width) return RLC_OK;
  char gif[2200], mp4[2200];
  path_in(r, "agent.gif", gif, sizeof gif);
  path_in(r, "agent.mp4", mp4, sizeof mp4);
  double m, sd, len;
  RunRecording *rec;
  s = run_record_open(r->set.gif ? gif : NULL, r->set.video ? mp4 : NULL, r->eval_env->spec, &rec);
  if (!s) s = evaluate(r->agent, r->eval_env, r->set.gif_episodes, eval_seed(r), &m, &sd, &len, rec, r->set.gif_episodes);
  return run_record_close(rec, s);
}

rlcStatus rlc_run_set_budget(rlcRun *r, int64_t steps, int64_t episodes) {
  if (steps > 0 && steps < r->c.steps)
    return rlc_error(RLC_ERR_ARG, "--steps %lld: the run has done %lld steps already (a budget only grows)",
                     (long long)steps, (long long)r->c.steps);
  if (episodes > 0 && episodes < r->c.episodes)
    return rlc_error(RLC_ERR_ARG, "--episodes %lld: the run has done %lld episodes already (a budget only grows)",
                     (long long)episodes, (long long)r->c.episodes);
  if (steps > 0 || episodes > 0) {
    r->set.steps = steps > 0 ? steps : 0;
    r->set.episodes = episodes > 0 ? episodes : 0;
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)r->set.steps);
    rlc_opts_set(&r->cfg, "steps", v);
    snprintf(v, sizeof v, "%lld", (long long)r->set.episodes);
    rlc_opts_set(&r->cfg, "episodes", v);
    if (r->has_dir) {
      char p[2200];
      path_in(r, "config.txt", p, sizeof p);
      rlcStatus s = run_config_write(&r->cfg, p);
      if (s) return s;
    }
  }
  return RLC_OK;
}

rlcStatus rlc_run_set_nn_threads(rlcRun *r, int threads) {
  int n;
  char v[16];
  snprintf(v, sizeof v, "%d", threads);
  const rlcSetting *t = rlc_run_settings(&n);
  rlcStatus s = rlc_setting_check(rlc_setting_find(t, n, "nn_threads"), v);
  if (s || threads == r->set.nn_threads) return s;
  rlcPool *pool = NULL;
  if (threads > 1 && (s = rlc_pool_create(threads, &pool))) return s;
  if ((s = rlc_opts_set(&r->cfg, "nn_threads", v))) {
    rlc_pool_destroy(pool);
    return s;
  }
  rlc_pool_destroy(r->pool);
  r->pool = pool;
  r->set.nn_threads = threads;
  if (!r->has_dir) return RLC_OK;
  char p[2200];
  path_in(r, "config.txt", p, sizeof p);
  return run_config_write(&r->cfg, p);
}

// Checkpoints due by wall time (checkpoint_seconds): a killed run loses at
// most that much. A checkpoint changes nothing the run computes.
static rlcStatus timed_checkpoint(rlcRun *r, double now) {
  if (r->set.checkpoint_seconds <= 0 || now < r->next_ckpt_time) return RLC_OK;
  r->next_ckpt_time = now + r->set.checkpoint_seconds;
  rlcStatus s = check_diverged(r);
  return s ? s : checkpoint(r);
}

static rlcStatus train(rlcRun *r, int64_t steps, int64_t episodes, rlcRunProgressFn progress, void *user);

// Training (acting, updates, evaluations) runs with the run's pool current.
rlcStatus rlc_run_train(rlcRun *r, int64_t steps, int64_t episodes, rlcRunProgressFn progress, void *user) {
  rlcPool *prev = rlc_pool_use(r ? r->pool : NULL);
  rlcStatus s = train(r, steps, episodes, progress, user);
  rlc_pool_use(prev);
  return s;
}

static rlcStatus train(rlcRun *r, int64_t steps, int64_t episodes, rlcRunProgressFn progress, void *user) {
  rlcStatus s = rlc_run_set_budget(r, steps, episodes);
  if (!s && r->rewind_logs) s = logs_rewind(r);
  if (s) return s;
  rlcVecEnv *v = r->venv;
  rlcAgent *a = r->agent;
  const rlcAgentClass *cls = r->cls;
  const int n = r->set.num_envs;
  double next_progress = 0;
  int64_t iter = 0;
  r->next_ckpt_time = rlc_time_s() + r->set.checkpoint_seconds;
  r->stop_requested = 0;
  while (!s && !r->c.stopped && !r->stop_requested &&
         (r->set.steps == 0 || r->c.steps < r->set.steps) &&
         (r->set.episodes == 0 || r->c.episodes < r->set.episodes)) {
    if ((s = rlc_run_step(a, v, true, r->obs_prev, r->actions, r->next_obs))) break;
    for (int i = 0; i < n; i++)
      if (v->terminated[i] || v->truncated[i]) {
        RunCounters *c = &r->c;
        c->episodes++;
        c->recent[c->recent_pos] = v->final_return[i];
        c->recent_pos = (c->recent_pos + 1) % RECENT;
        if (c->n_recent < RECENT) c->n_recent++;
        c->int_ret += v->final_return[i];
        c->int_len += v->final_length[i];
        c->int_count++;
        if (r->has_dir) {
          fprintf(r->episodes, "%lld,%lld,%.10g,%d\n", (long long)c->episodes, (long long)(c->steps + n),
                  v->final_return[i], v->final_length[i]);
          run_tb_scalar(r->tb, "train/episode_return", c->steps + n, v->final_return[i]);
        }
      }
    r->c.steps += n;
    if ((r->c.steps >= r->c.next_log || r->c.steps >= r->c.next_ckpt) && (s = check_diverged(r))) break;
    if (r->c.steps >= r->c.next_log) {
      while (r->c.next_log <= r->c.steps) r->c.next_log += r->set.log_interval;
      if (r->c.steps < r->c.next_eval) log_row(r, false);
    }
    if (r->c.steps >= r->c.next_eval) {
      while (r->c.next_eval <= r->c.steps) r->c.next_eval += r->set.eval_interval;
      // One due at the end of the budget is the run's last: all episodes.
      bool last = (r->set.steps && r->c.steps >= r->set.steps) || (r->set.episodes && r->c.episodes >= r->set.episodes);
      if ((s = run_eval(r, last))) break;
    }
    if (r->c.steps >= r->c.next_ckpt) {
      while (r->c.next_ckpt <= r->c.steps) r->c.next_ckpt += r->set.checkpoint_interval;
      if ((s = checkpoint(r))) break;
    }
    if ((++iter & 63) == 0) {
      double t = rlc_time_s();
      if ((s = timed_checkpoint(r, t))) break;
      if (progress && t >= next_progress) {
        next_progress = t + 0.2;
        rlcRunStatus st;
        rlc_run_status(r, &st);
        progress(&st, user);
      }
    }
  }
  if (!s) s = check_diverged(r);
  if (s) return s;
  // The end of this session: the checkpoint first (an evaluation may draw
  // from the agent's streams: a resumed run must not see that), then an
  // evaluation at the final step unless one was just made, the plot, the GIF.
  if ((s = checkpoint(r))) return s;
  bool evaluated = r->c.eval_steps == r->c.steps && (r->eval_full || !r->set.eval_screen);
  if (!evaluated && (s = run_eval(r, true))) return s;
  bool done = r->c.stopped || (r->set.steps && r->c.steps >= r->set.steps) ||
              (r->set.episodes && r->c.episodes >= r->set.episodes);
  if (done && cls->finish) {
    // The book's DQN restores its best weights here; the checkpoint keeps the
    // state before, so a resumed run trains on exactly as an unbroken one.
    cls->finish(a);
    if ((s = run_eval(r, true))) return s;
  }
  if (progress) {
    rlcRunStatus st;
    rlc_run_status(r, &st);
    progress(&st, user);
  }
  if (r->has_dir) s = finish_files(r);
  return s;
}
