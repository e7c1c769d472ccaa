// test_run.c: the training driver and the run directory: configuration
// resolution and its errors, the files a run writes (CSV, TensorBoard framing,
// config, plot), checkpoints (exact resume for every registered algorithm,
// corrupt files refused), and refusing to overwrite another run.
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/run_internal.h"
#include "test.h"

static rlcStatus config(rlcOpts *cfg, const char *algo, const char *env, const char *preset, const char *set) {
  const char *sets[1] = {set};
  return rlc_run_config(cfg, algo, env, preset, sets, set ? 1 : 0);
}

TEST(run_config_resolution) {
  rlcOpts cfg;
  CHECK_OK(config(&cfg, "random", "CartPole-v1", NULL, "steps=100,eval_episodes=3"));
  CHECK(!strcmp(rlc_opts_str(&cfg, "algo", ""), "random"));
  CHECK(!strcmp(rlc_opts_str(&cfg, "steps", ""), "100"));
  CHECK(!strcmp(rlc_opts_str(&cfg, "eval_episodes", ""), "3"));
  // Every driver setting is present (config.txt lists them all).
  int n;
  const rlcSetting *p = rlc_run_settings(&n);
  for (int i = 0; i < n; i++) CHECK_MSG(rlc_opts_str(&cfg, p[i].name, NULL), "missing %s", p[i].name);

  CHECK_ERR(config(&cfg, "no-such-algo", NULL, NULL, NULL), RLC_ERR_NOT_FOUND);
  CHECK(strstr(rlc_last_error(), "unknown algorithm 'no-such-algo'"));
  CHECK_ERR(config(&cfg, NULL, NULL, "no-such-preset", NULL), RLC_ERR_NOT_FOUND);
  CHECK_ERR(config(&cfg, "random", "CartPole-v9", NULL, NULL), RLC_ERR_NOT_FOUND);
  CHECK_ERR(config(&cfg, "random", NULL, NULL, "eval_episode=3"), RLC_ERR_ARG);
  CHECK_MSG(strstr(rlc_last_error(), "did you mean 'eval_episodes'"), "%s", rlc_last_error());
  CHECK_ERR(config(&cfg, "random", NULL, NULL, "steps=abc"), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "steps=abc: expected an integer"));
  CHECK_ERR(config(&cfg, "random", NULL, NULL, "stop_at_threshold=maybe"), RLC_ERR_ARG);
  CHECK_ERR(config(&cfg, "random", NULL, NULL, "algo=heuristic"), RLC_ERR_ARG);

  // Impossible values are refused when the run is built, before any file.
  rlcRun *run;
  char dir[512];
  snprintf(dir, sizeof dir, "%s/bad", test_tmpdir());
  CHECK_OK(config(&cfg, "random", NULL, NULL, "steps=0,episodes=0"));
  CHECK_ERR(rlc_run_create(&cfg, dir, false, &run), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "no training budget"));
  CHECK_OK(config(&cfg, "random", NULL, NULL, "steps=10,num_envs=0"));
  CHECK_ERR(rlc_run_create(&cfg, dir, false, &run), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "num_envs=0"));
  struct stat st;
  CHECK(stat(dir, &st) != 0);
  CHECK_OK(config(&cfg, "heuristic", "CartPole-v1", NULL, "steps=10,eval_episodes=0"));
  CHECK_ERR(rlc_run_create(&cfg, NULL, false, &run), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "eval_episodes=0: must be in [1, 100000]"));
}

// The TFRecord framing TensorBoard reads: length, masked CRC-32C of the
// length, data, masked CRC-32C of the data. Returns the records, or -1.
static int tb_records(const char *path, bool *has_version, bool *has_tag, const char *tag) {
  uint8_t *d;
  size_t n, at = 0;
  if (rlc_file_read(path, &d, &n)) return -1;
  int count = 0;
  while (at + 12 <= n) {
    uint64_t len;
    uint32_t c1, c2;
    memcpy(&len, d + at, 8);
    memcpy(&c1, d + at + 8, 4);
    if (c1 != run_tb_masked_crc(d + at, 8) || at + 12 + len + 4 > n) break;
    memcpy(&c2, d + at + 12 + len, 4);
    if (c2 != run_tb_masked_crc(d + at + 12, len)) break;
    const uint8_t *ev = d + at + 12;
    if (memmem(ev, len, "brain.Event:2", 13)) *has_version = true;
    if (memmem(ev, len, tag, strlen(tag))) *has_tag = true;
    at += 12 + len + 4;
    count++;
  }
  rlc_free(d);
  return at == n ? count : -1;
}

static int count_lines(const char *path) {
  FILE *f = fopen(path, "r");
  int n = 0, c;
  if (!f) return -1;
  while ((c = fgetc(f)) != EOF) n += c == '\n';
  fclose(f);
  return n;
}

TEST(run_directory_files) {
  rlcOpts cfg;
  char dir[512], p[700];
  snprintf(dir, sizeof dir, "%s/run", test_tmpdir());
  CHECK_OK(config(&cfg, "heuristic", "CartPole-v1", NULL, "steps=3000,eval_interval=1000,eval_episodes=4,log_interval=500,gif=true"));
  rlcRun *run;
  CHECK_OK(rlc_run_create(&cfg, dir, false, &run));
  CHECK_OK(rlc_run_train(run, 0, 0, NULL, NULL));
  rlcRunStatus st;
  rlc_run_status(run, &st);
  CHECK_EQ_INT(st.steps, 3000);
  CHECK_EQ_INT(st.eval_count, 3);
  CHECK(st.eval_mean > 25 && st.eval_mean < 70);  // the book's basic policy: ~42
  rlc_run_destroy(run);

  // metrics.csv: header + one row per log interval (evaluations at 1000,
  // 2000, 3000 replace the log rows there).
  snprintf(p, sizeof p, "%s/metrics.csv", dir);
  RunTable t;
  CHECK_OK(run_table_read(&t, p));
  CHECK_EQ_INT(t.nrows, 6);
  const double *step = run_table_col(&t, "step"), *ev = run_table_col(&t, "eval_return");
  CHECK(step && ev);
  if (step && ev && t.nrows == 6) {
    CHECK_EQ_INT(step[0], 500);
    CHECK_EQ_INT(step[5], 3000);
    CHECK(isnan(ev[0]) && !isnan(ev[1]) && !isnan(ev[5]));
    CHECK_NEAR(ev[5], st.eval_mean, 1e-4 * fabs(st.eval_mean));
  }
  run_table_free(&t);
  // episodes.csv: one row per finished episode.
  snprintf(p, sizeof p, "%s/episodes.csv", dir);
  CHECK_EQ_INT(count_lines(p), st.episodes + 1);
  // config.txt reads back to the configuration.
  snprintf(p, sizeof p, "%s/config.txt", dir);
  rlcOpts back;
  CHECK_OK(run_config_read(&back, p));
  CHECK(!strcmp(rlc_opts_str(&back, "eval_interval", ""), "1000"));
  CHECK(!strcmp(rlc_opts_str(&back, "rlc_version", ""), RLC_VERSION));
  // TensorBoard: well-framed records, the version event, the eval scalars.
  snprintf(p, sizeof p, "%s/%s", dir, rlc_opts_str(&back, "tensorboard_file", ""));
  bool ver = false, tag = false;
  int recs = tb_records(p, &ver, &tag, "eval/average_return");
  CHECK_MSG(recs > 10, "%d TFRecords", recs);
  CHECK(ver && tag);
  // The plot and the GIF.
  uint8_t *rgb;
  int w, h, frames;
  snprintf(p, sizeof p, "%s/curve.png", dir);
  CHECK_OK(rlc_png_read(p, &rgb, &w, &h));
  CHECK_EQ_INT(w, 900);
  rlc_free(rgb);
  snprintf(p, sizeof p, "%s/agent.gif", dir);
  CHECK_OK(rlc_gif_read_info(p, &frames, &w, &h));
  CHECK(frames > 20);

  // Another run is not written over this one without force.
  CHECK_ERR(rlc_run_create(&cfg, dir, false, &run), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "holds another run"));
  CHECK_OK(rlc_run_create(&cfg, dir, true, &run));
  rlc_run_destroy(run);
}

// eval_screen: a periodic evaluation below the threshold is its first
// eval_screen episodes; one that passes, and the run's last, play all.
TEST(run_eval_screen) {
  rlcOpts cfg;
  char dir[512], p[700];
  snprintf(dir, sizeof dir, "%s/screen", test_tmpdir());
  // CartPole's basic policy (~42) never reaches 475: screens at 1000 and 2000, all 6 at 3000.
  CHECK_OK(config(&cfg, "heuristic", "CartPole-v1", NULL,
                  "steps=3000,eval_interval=1000,eval_episodes=6,eval_screen=2,gif=false,seed=5"));
  rlcRun *run;
  CHECK_OK(rlc_run_create(&cfg, dir, true, &run));
  CHECK_OK(rlc_run_train(run, 0, 0, NULL, NULL));
  double m2, m6, sd;
  CHECK_OK(rlc_evaluate(rlc_run_agent(run), "CartPole-v1", "", 2, 5 + 1000003, &m2, &sd, NULL, NULL, 0));
  CHECK_OK(rlc_evaluate(rlc_run_agent(run), "CartPole-v1", "", 6, 5 + 1000003, &m6, &sd, NULL, NULL, 0));
  CHECK(m2 != m6);
  rlc_run_destroy(run);
  snprintf(p, sizeof p, "%s/metrics.csv", dir);
  RunTable t;
  CHECK_OK(run_table_read(&t, p));
  const double *step = run_table_col(&t, "step"), *ev = run_table_col(&t, "eval_return");
  int seen = 0;
  for (int i = 0; step && ev && i < t.nrows; i++) {
    if (isnan(ev[i])) continue;
    CHECK_NEAR(ev[i], step[i] < 3000 ? m2 : m6, 1e-4 * fabs(m6));
    seen++;
  }
  CHECK_EQ_INT(seen, 3);
  run_table_free(&t);
  // The lander's heuristic (~270) passes the screen: the evaluation that stops the run plays all 5.
  CHECK_OK(config(&cfg, "heuristic", "LunarLander-v3", NULL,
                  "steps=5000,eval_interval=1000,eval_episodes=5,eval_screen=2,stop_at_threshold=true,gif=false"));
  CHECK_OK(rlc_run_create(&cfg, NULL, false, &run));
  CHECK_OK(rlc_run_train(run, 0, 0, NULL, NULL));
  rlcRunStatus st;
  rlc_run_status(run, &st);
  CHECK_EQ_INT(st.solved_at_steps, 1000);
  CHECK_EQ_INT(st.eval_count, 1);  // no second evaluation at the end
  CHECK_OK(rlc_evaluate(rlc_run_agent(run), "LunarLander-v3", "", 5, 1000003, &m6, &sd, NULL, NULL, 0));
  CHECK_NEAR(st.eval_mean, m6, 1e-9 * fabs(m6));
  rlc_run_destroy(run);
}

static rlcStatus save_agent(rlcRun *r, rlcBuf *b) {
  rlcAgent *a = rlc_run_agent(r);
  memset(b, 0, sizeof *b);
  a->cls->save(a, b);
  return b->err;
}

// Metrics without the wall-clock columns.
static char *csv_without_time(const char *path) {
  uint8_t *d;
  size_t n;
  if (rlc_file_read(path, &d, &n)) return NULL;
  char *out = rlc_malloc(n + 1);
  size_t k = 0;
  int col = 0;
  for (size_t i = 0; i < n; i++) {
    if (d[i] == '\n') col = 0;
    else if (d[i] == ',') col++;
    if (col == 2 || col == 3) continue;  // wall_s, steps_per_s
    out[k++] = (char)d[i];
  }
  out[k] = 0;
  rlc_free(d);
  return out;
}

// N steps, resume to 2N, equals 2N in one go (episodes, metrics, and the
// agent's whole saved state), as a user does it: `--steps N --set horizon=2N`,
// then `--resume --steps 2N`, against `--steps 2N`. false when the algorithm
// does not take the env.
static bool resume_equals_uninterrupted(const rlcAgentClass *cls, const char *env, const char *set) {
  rlcOpts cfg, cfg2;
  char seta[512], setb[512];
  snprintf(seta, sizeof seta, "%s,steps=1500,episodes=0,horizon=3000", set);
  snprintf(setb, sizeof setb, "%s,steps=3000,episodes=0", set);
  CHECK_OK(config(&cfg, cls->name, env, NULL, seta));
  CHECK_OK(config(&cfg2, cls->name, env, NULL, setb));
  char a[600], b[600], pa[700], pb[700];
  snprintf(a, sizeof a, "%s/%s-%s-a", test_tmpdir(), cls->name, env);
  snprintf(b, sizeof b, "%s/%s-%s-b", test_tmpdir(), cls->name, env);
  rlcRun *ra, *rb;
  rlcStatus s = rlc_run_create(&cfg, a, false, &ra);
  if (s == RLC_ERR_UNSUPPORTED) return false;  // e.g. tabular on CartPole
  CHECK_MSG(s == RLC_OK, "%s on %s: %s", cls->name, env, rlc_last_error());
  if (s) return false;
  CHECK_OK(rlc_run_train(ra, 0, 0, NULL, NULL));
  rlc_run_destroy(ra);
  CHECK_OK(rlc_run_resume(a, &ra));
  CHECK_OK(rlc_run_train(ra, 3000, 0, NULL, NULL));
  CHECK_OK(rlc_run_create(&cfg2, b, false, &rb));
  CHECK_OK(rlc_run_train(rb, 0, 0, NULL, NULL));
  rlcRunStatus sa, sb;
  rlc_run_status(ra, &sa);
  rlc_run_status(rb, &sb);
  CHECK_EQ_INT(sa.steps, sb.steps);
  CHECK_MSG(sa.episodes == sb.episodes, "%s: %lld vs %lld episodes", cls->name, (long long)sa.episodes,
            (long long)sb.episodes);
  rlcBuf ba, bb;
  CHECK_OK(save_agent(ra, &ba));
  CHECK_OK(save_agent(rb, &bb));
  CHECK_MSG(ba.len == bb.len && !memcmp(ba.data, bb.data, ba.len), "%s on %s: agent state differs after resume",
            cls->name, env);
  rlc_buf_free(&ba);
  rlc_buf_free(&bb);
  snprintf(pa, sizeof pa, "%s/episodes.csv", a);
  snprintf(pb, sizeof pb, "%s/episodes.csv", b);
  char *ea = csv_without_time(pa), *eb = csv_without_time(pb);
  CHECK_MSG(ea && eb && !strcmp(ea, eb), "%s: episodes.csv differs", cls->name);
  rlc_free(ea);
  rlc_free(eb);
  snprintf(pa, sizeof pa, "%s/metrics.csv", a);
  snprintf(pb, sizeof pb, "%s/metrics.csv", b);
  ea = csv_without_time(pa), eb = csv_without_time(pb);
  CHECK_MSG(ea && eb && !strcmp(ea, eb), "%s: metrics.csv differs", cls->name);
  rlc_free(ea);
  rlc_free(eb);
  rlc_run_destroy(ra);
  rlc_run_destroy(rb);
  return true;
}

// For every registered algorithm, on the first of two envs it takes.
TEST(run_resume_equals_uninterrupted_every_algo) {
  const char *set = "eval_interval=1000,eval_episodes=2,log_interval=250,gif=false,seed=3";
  for (int i = 0; i < rlc_agent_count(); i++)
    if (!resume_equals_uninterrupted(rlc_agent_get(i), "CartPole-v1", set))
      resume_equals_uninterrupted(rlc_agent_get(i), "FrozenLake-v1", set);
}

// An env whose state owns heap memory (tests/test_env_hooks.c): the driver
// checkpoints and restores every copy through the state hooks.
TEST(run_resume_heap_state_env) {
  test_register_heap_walk();
  const char *set = "eval_interval=1000,eval_episodes=2,log_interval=250,gif=false,seed=3,num_envs=3";
  CHECK(resume_equals_uninterrupted(rlc_agent_find("random"), "HeapWalk-v0", set));
  CHECK(resume_equals_uninterrupted(rlc_agent_find("dqn"), "HeapWalk-v0", set));
}

// Image observations: the frame-mode replay (wrapped past its capacity,
// with n-step and PER in Rainbow) is checkpointed and resumed exactly.
TEST(run_resume_image_replay) {
  const char *set = "eval_interval=1000,eval_episodes=2,log_interval=250,gif=false,seed=3,num_envs=2,"
                    "hidden=c4k3-16,batch_size=8,learning_starts=200,buffer_size=400,target_update=50";
  CHECK(resume_equals_uninterrupted(rlc_agent_find("dqn"), "MinAtar/Breakout-v1", set));
  CHECK(resume_equals_uninterrupted(rlc_agent_find("rainbow"), "MinAtar/Breakout-v1", set));
}

// LunarLander's Box2D world: checkpoints replay each copy's episode into a
// fresh world (the runs stop mid-episode), so resuming to 2N equals 2N.
TEST(run_resume_lunarlander) {
  const char *set = "steps=1500,eval_interval=1000,eval_episodes=2,log_interval=250,gif=false,seed=3,num_envs=2";
  CHECK(resume_equals_uninterrupted(rlc_agent_find("dqn"), "LunarLander-v3", set));
  CHECK(resume_equals_uninterrupted(rlc_agent_find("ppo"), "LunarLanderContinuous-v3", set));
}

TEST(run_corrupt_checkpoint_refused) {
  rlcOpts cfg;
  char dir[512], p[700];
  snprintf(dir, sizeof dir, "%s/c", test_tmpdir());
  CHECK_OK(config(&cfg, "random", "CartPole-v1", NULL, "steps=500,gif=false"));
  rlcRun *run;
  CHECK_OK(rlc_run_create(&cfg, dir, false, &run));
  CHECK_OK(rlc_run_train(run, 0, 0, NULL, NULL));
  rlc_run_destroy(run);
  snprintf(p, sizeof p, "%s/checkpoint.rlc", dir);
  uint8_t *d;
  size_t n;
  CHECK_OK(rlc_file_read(p, &d, &n));
  // A flipped byte, a truncated file, a missing file, not a checkpoint.
  d[n / 2] ^= 0x40;
  CHECK_OK(rlc_file_write_atomic(p, d, n, "test"));
  CHECK_ERR(rlc_run_resume(dir, &run), RLC_ERR_FORMAT);
  CHECK(strstr(rlc_last_error(), "corrupted"));
  d[n / 2] ^= 0x40;
  CHECK_OK(rlc_file_write_atomic(p, d, n / 3, "test"));
  CHECK_ERR(rlc_run_load(dir, &run), RLC_ERR_FORMAT);
  CHECK_OK(rlc_file_write_atomic(p, "hello", 5, "test"));
  CHECK_ERR(rlc_run_load(dir, &run), RLC_ERR_FORMAT);
  CHECK(strstr(rlc_last_error(), "not an rlc checkpoint"));
  remove(p);
  CHECK_ERR(rlc_run_load(dir, &run), RLC_ERR_NOT_FOUND);
  CHECK(strstr(rlc_last_error(), "no checkpoint"));
  // Intact again: loads.
  CHECK_OK(rlc_file_write_atomic(p, d, n, "test"));
  CHECK_OK(rlc_run_load(dir, &run));
  rlc_run_destroy(run);
  rlc_free(d);
}

TEST(run_plot_compares_runs) {
  char a[600], b[600], out[700];
  const char *dirs[2] = {a, b};
  for (int i = 0; i < 2; i++) {
    rlcOpts cfg;
    snprintf(i ? b : a, 600, "%s/p%d", test_tmpdir(), i);
    CHECK_OK(config(&cfg, i ? "heuristic" : "random", "CartPole-v1", NULL, "steps=2000,gif=false,eval_interval=500"));
    rlcRun *run;
    CHECK_OK(rlc_run_create(&cfg, i ? b : a, false, &run));
    CHECK_OK(rlc_run_train(run, 0, 0, NULL, NULL));
    rlc_run_destroy(run);
  }
  snprintf(out, sizeof out, "%s/both.png", test_tmpdir());
  CHECK_OK(rlc_run_plot(dirs, 2, out));
  uint8_t *rgb;
  int w, h;
  CHECK_OK(rlc_png_read(out, &rgb, &w, &h));
  // Two colors of two runs appear (palette 0 blue and 1 orange).
  int blue = 0, orange = 0;
  for (int i = 0; i < w * h; i++) {
    uint8_t *px = rgb + 3 * i;
    blue += px[0] < 60 && px[1] > 100 && px[1] < 140 && px[2] > 160;
    orange += px[0] > 240 && px[1] > 110 && px[1] < 140 && px[2] < 40;
  }
  CHECK_MSG(blue > 100 && orange > 100, "blue %d, orange %d pixels", blue, orange);
  rlc_free(rgb);
  const char *bad[1] = {"/nonexistent/run"};
  CHECK_ERR(rlc_run_plot(bad, 1, out), RLC_ERR_NOT_FOUND);
}

// Users add algorithms at run time; the built-ins come from the library's
// table (no weak symbols: a plain static link has them all).
TEST(agent_registry_builtin_and_user) {
  CHECK(rlc_agent_find("ppo") && rlc_agent_find("rainbow") && rlc_agent_find("q-learning"));
  int n0 = rlc_agent_count();
  CHECK(n0 >= 19);
  static rlcAgentClass mine;
  mine = *rlc_agent_find("random");
  mine.name = "test-random-copy";
  CHECK_OK(rlc_agent_register(&mine));
  CHECK(rlc_agent_count() == n0 + 1);
  CHECK(rlc_agent_find("test-random-copy") == &mine);
  CHECK(rlc_agent_get(n0) == &mine);
  CHECK_ERR(rlc_agent_register(&mine), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "already registered"));
  static rlcAgentClass broken;
  broken = mine;
  broken.name = "test-broken";
  broken.act = NULL;
  CHECK_ERR(rlc_agent_register(&broken), RLC_ERR_ARG);
  CHECK(!rlc_agent_find("test-broken"));
}

// A checkpoint with a valid CRC can still be crafted (a CRC is no signature):
// a stored TensorBoard name leaving the run directory, counters out of range,
// logs shorter than the checkpoint's sizes, and checkpoint paths that are not
// regular files (a FIFO would block, /dev/zero never ends) are all refused,
// and nothing outside the run is touched.
static void rewrite_with_crc(const char *p, uint8_t *d, size_t n) {
  uint32_t crc = rlc_crc32(0, d, n - 4);
  memcpy(d + n - 4, &crc, 4);
  CHECK_OK(rlc_file_write_atomic(p, d, n, "test"));
}

TEST(run_crafted_checkpoint_refused) {
  rlcOpts cfg;
  char dir[512], p[700], victim[700];
  snprintf(dir, sizeof dir, "%s/crafted", test_tmpdir());
  CHECK_OK(config(&cfg, "random", "CartPole-v1", NULL, "steps=500,gif=false"));
  rlcRun *run;
  CHECK_OK(rlc_run_create(&cfg, dir, false, &run));
  if (!run) return;
  CHECK_OK(rlc_run_train(run, 0, 0, NULL, NULL));
  rlc_run_destroy(run);
  snprintf(p, sizeof p, "%s/checkpoint.rlc", dir);
  snprintf(victim, sizeof victim, "%s/victim.txt", test_tmpdir());
  FILE *f = fopen(victim, "w");
  if (f) fputs("precious\n", f), fclose(f);
  uint8_t *d, *orig;
  size_t n;
  CHECK_OK(rlc_file_read(p, &orig, &n));
  if (!orig) return;
  d = malloc(n);
  // The events file name, pointed outside the run directory.
  memcpy(d, orig, n);
  uint8_t *name = memmem(d, n, "events.out.tfevents.", 20);
  CHECK(name != NULL);
  if (name) {
    memset(name, 0, 40);
    memcpy(name, "../victim.txt", 13);
    rewrite_with_crc(p, d, n);
    CHECK_ERR(rlc_run_resume(dir, &run), RLC_ERR_FORMAT);
    CHECK_MSG(strstr(rlc_last_error(), "tensorboard_file"), "%s", rlc_last_error());
    uint8_t *v;
    size_t vn;
    CHECK_OK(rlc_file_read(victim, &v, &vn));
    CHECK(vn == 9);
    rlc_free(v);
  }
  // Negative step counter.
  memcpy(d, orig, n);
  uint8_t *drv = memmem(d, n, "driver\0\0\0\0\0\0\0\0\0\0", 16);
  CHECK(drv != NULL);
  if (drv) {
    int64_t bad = -5;
    memcpy(drv + 16, &bad, 8);
    rewrite_with_crc(p, d, n);
    CHECK_ERR(rlc_run_load(dir, &run), RLC_ERR_FORMAT);
    CHECK_MSG(strstr(rlc_last_error(), "counters"), "%s", rlc_last_error());
  }
  // Logs shorter than the checkpoint says: refused, not grown back.
  memcpy(d, orig, n);
  rewrite_with_crc(p, d, n);
  char m[700];
  snprintf(m, sizeof m, "%s/metrics.csv", dir);
  CHECK(truncate(m, 10) == 0);
  CHECK_ERR(rlc_run_resume(dir, &run), RLC_ERR_FORMAT);
  CHECK_MSG(strstr(rlc_last_error(), "shorter than the checkpoint"), "%s", rlc_last_error());
  struct stat st;
  CHECK(stat(m, &st) == 0 && st.st_size == 10);
  // Not regular files.
  remove(p);
  CHECK(mkfifo(p, 0600) == 0);
  CHECK_ERR(rlc_run_load(dir, &run), RLC_ERR_IO);
  CHECK_MSG(strstr(rlc_last_error(), "not a regular file"), "%s", rlc_last_error());
  remove(p);
  CHECK(symlink("/dev/zero", p) == 0);
  CHECK_ERR(rlc_run_load(dir, &run), RLC_ERR_IO);
  remove(p);
  free(d);
  rlc_free(orig);
}

// One process per run directory: while a run is open, another create
// (even --force) or resume of its directory is refused; the lock goes with
// the run, and temp files a killed writer left behind are removed.
TEST(run_directory_lock) {
  rlcOpts cfg;
  char dir[512], tmp[700];
  snprintf(dir, sizeof dir, "%s/locked", test_tmpdir());
  CHECK_OK(config(&cfg, "random", "CartPole-v1", NULL, "steps=300,gif=false"));
  rlcRun *a = NULL, *b = NULL;
  CHECK_OK(rlc_run_create(&cfg, dir, false, &a));
  if (!a) return;
  CHECK_OK(rlc_run_train(a, 0, 0, NULL, NULL));
  CHECK_ERR(rlc_run_create(&cfg, dir, true, &b), RLC_ERR_STATE);
  CHECK_MSG(strstr(rlc_last_error(), "in use by another rlc"), "%s", rlc_last_error());
  CHECK_ERR(rlc_run_resume(dir, &b), RLC_ERR_STATE);
  CHECK_OK(rlc_run_load(dir, &b));  // reading (rlc eval) needs no lock
  rlc_run_destroy(b);
  rlc_run_destroy(a);
  snprintf(tmp, sizeof tmp, "%s/checkpoint.rlc.tmp.99999", dir);
  FILE *f = fopen(tmp, "w");
  if (f) fputs("half a checkpoint", f), fclose(f);
  CHECK_OK(rlc_run_resume(dir, &b));
  struct stat st;
  CHECK_MSG(stat(tmp, &st) != 0, "stale temp file left");
  rlc_run_destroy(b);
}
