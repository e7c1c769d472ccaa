// tests/test_hostile.c: crafted input (checkpoint sections with a valid CRC,
// generator states, env states, settings that would take absurd memory) is
// a one-line error, never a crash, a hang or a huge allocation. Several cases
// are inputs the fuzzers (fuzz/) found.
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

// Every state an env reaches by play goes through its checkpoint and back
// (the validators must not refuse a real state).
TEST(hostile_env_states_from_play_load) {
  for (int k = 0, n = rlc_env_registry_count(); k < n; k++) {
    const char *id = rlc_env_registry_get(k)->id;
    rlcEnv *env;
    if (rlc_env_create(id, NULL, &env)) continue;  // other tests register broken envs on purpose
    const rlcEnvSpec *spec = env->spec;
    size_t ob = rlc_space_bytes(&spec->observation_space), ab = rlc_space_bytes(&spec->action_space);
    uint8_t *obs = malloc(ob), *act = malloc(ab), *copy = calloc(1, spec->state_size);
    CHECK_OK(rlc_env_state_init(spec, copy));
    rlcRng rng;
    rlc_rng_seed(&rng, 7);
    CHECK_OK(rlc_env_reset(env, 1, obs));
    int bad = 0;
    for (int t = 0; t < 3000 && !bad; t++) {
      bool term = false, trunc = false;
      double r;
      rlc_space_sample(&spec->action_space, &rng, act);
      if (rlc_env_step(env, act, obs, &r, &term, &trunc)) rlc_clear_error();  // masked actions
      rlcBuf b = {0};
      rlc_env_state_put(spec, env->state, &b);
      b.pos = 0;
      if (rlc_env_state_get(spec, copy, &b)) bad = t + 1;
      rlc_buf_free(&b);
      if (term || trunc) CHECK_OK(rlc_env_reset(env, t, obs));
    }
    CHECK_MSG(!bad, "%s: the state after step %d does not load: %s", id, bad - 1, rlc_last_error());
    rlc_env_state_free(spec, copy);
    free(copy);
    free(obs);
    free(act);
    rlc_env_destroy(env);
  }
}

// The env's own state bytes (inside its wrappers) overwritten with `fill`
// from `offset` on: refused.
static void expect_state_refused(const char *id, size_t offset, uint8_t fill) {
  rlcEnv *env;
  CHECK_OK(rlc_env_create(id, NULL, &env));
  if (!env) return;
  const rlcEnvSpec *spec = env->spec;
  uint8_t *obs = malloc(rlc_space_bytes(&spec->observation_space));
  CHECK_OK(rlc_env_reset(env, 3, obs));
  rlcBuf b = {0};
  rlc_env_state_put(spec, env->state, &b);
  // The state's bytes follow the section tag and its 8-byte size; the
  // innermost env's come last.
  const rlcEnvSpec *in = spec;
  while (in->inner) in = in->inner;
  size_t at = b.len - in->state_size + offset;
  memset(b.data + at, fill, b.len - at);
  b.pos = 0;
  CHECK_ERR(rlc_env_state_get(spec, env->state, &b), RLC_ERR_FORMAT);
  CHECK_MSG(strstr(rlc_last_error(), "out of range"), "%s: %s", id, rlc_last_error());
  rlc_buf_free(&b);
  free(obs);
  rlc_env_destroy(env);
}

TEST(hostile_env_state_out_of_range_refused) {
  // Positions (cells, grid coordinates, MinAtar objects), NaN dynamics, and
  // MinAtar's game bytes all 0x7f (every position far off the grid).
  const char *ids[] = {"FrozenLake-v1", "CliffWalking-v1", "Taxi-v3", "GridWorld-v0", "ThreeStateMDP-v0",
                       "Blackjack-v1", "CartPole-v1", "Acrobot-v1", "MountainCar-v0", "Pendulum-v1"};
  for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) expect_state_refused(ids[i], 0, 0xff);
  const char *minatar[] = {"MinAtar/Asterix-v1", "MinAtar/Breakout-v1", "MinAtar/Freeway-v1", "MinAtar/Seaquest-v1",
                           "MinAtar/SpaceInvaders-v1"};
  // Past the wrapper's generator (624 words, pos, last action, pad).
  size_t game = (sizeof(rlcMinAtarState) + 15) & ~(size_t)15;
  for (size_t i = 0; i < sizeof minatar / sizeof *minatar; i++) expect_state_refused(minatar[i], game, 0x7f);
}

TEST(hostile_rng_state_refused) {
  rlcRng r, back;
  rlc_rng_seed(&r, 5);
  CHECK(rlc_rng_valid(&r));
  rlcBuf b = {0};
  rlc_buf_put(&b, &r, sizeof r);
  CHECK_OK(rlc_rng_state_get(&back, &b));
  CHECK(!memcmp(&r, &back, sizeof r));
  // An even increment (all zeros: every draw 0, and rejection samplers spin).
  rlcRng zero = {0};
  b.len = b.pos = 0;
  rlc_buf_put(&b, &zero, sizeof zero);
  CHECK_ERR(rlc_rng_state_get(&back, &b), RLC_ERR_FORMAT);
  r.has_uint32 = 7;
  b.len = b.pos = 0;
  rlc_buf_put(&b, &r, sizeof r);
  CHECK_ERR(rlc_rng_state_get(&back, &b), RLC_ERR_FORMAT);
  rlc_buf_free(&b);
}

// A replay of 10 discrete transitions, one field changed by `mutate` before
// it is saved; loading it into a fresh replay gives `want`.
static void replay_roundtrip(void (*mutate)(rlcReplay *), int n_step, rlcStatus want) {
  rlcReplayDef d = rlc_replay_default_def();
  d.capacity = 16;
  d.obs_size = 2;
  d.n_step = n_step;
  d.prioritized = true;
  rlcReplay *a, *b;
  CHECK_OK(rlc_replay_create(&d, &a));
  CHECK_OK(rlc_replay_create(&d, &b));
  if (!a || !b) return;
  float o[2] = {1, 2};
  for (int i = 0; i < 10; i++) {
    int32_t act = i % 2;
    CHECK_OK(rlc_replay_add(a, 0, o, &act, 1.0, o, i == 9, false));
  }
  mutate(a);
  rlcBuf buf = {0};
  rlc_replay_state_put(a, &buf);
  buf.pos = 0;
  CHECK_ERR(rlc_replay_state_get(b, &buf), want);
  rlc_buf_free(&buf);
  rlc_replay_destroy(a);
  rlc_replay_destroy(b);
}

static void keep(rlcReplay *r) { (void)r; }
static void negative_id(rlcReplay *r) { r->next_id[3] = -5; }
static void future_id(rlcReplay *r) { r->next_id[0] = r->serial + 100; }
static void negative_action(rlcReplay *r) { ((int32_t *)r->action)[2] = -3; }
static void nan_priority(rlcReplay *r) { rlc_sum_tree_set(&r->tree, 1, NAN); }
static void zero_max_priority(rlcReplay *r) { r->max_priority = 0; }
static void even_rng(rlcReplay *r) { r->rng.inc_lo &= ~(uint64_t)1; }
static void window_id(rlcReplay *r) { r->w_serial[1] = -1; }

TEST(hostile_replay_state_refused) {
  replay_roundtrip(keep, 1, RLC_OK);
  replay_roundtrip(keep, 3, RLC_OK);
  // The DQN hashes next ids into its target cache: a negative one indexed
  // before the table.
  replay_roundtrip(negative_id, 1, RLC_ERR_FORMAT);
  replay_roundtrip(future_id, 1, RLC_ERR_FORMAT);
  replay_roundtrip(negative_action, 1, RLC_ERR_FORMAT);
  replay_roundtrip(nan_priority, 1, RLC_ERR_FORMAT);
  replay_roundtrip(zero_max_priority, 1, RLC_ERR_FORMAT);
  replay_roundtrip(even_rng, 1, RLC_ERR_FORMAT);
  replay_roundtrip(window_id, 3, RLC_ERR_FORMAT);
  // Actions beyond the agent's count: the agent's check after the load.
  rlcReplayDef d = rlc_replay_default_def();
  d.capacity = 4;
  d.obs_size = 1;
  rlcReplay *r;
  CHECK_OK(rlc_replay_create(&d, &r));
  float o = 0;
  int32_t act = 5;
  CHECK_OK(rlc_replay_add(r, 0, &o, &act, 0, &o, false, false));
  CHECK_OK(rlc_replay_check_actions(r, 6));
  CHECK_ERR(rlc_replay_check_actions(r, 5), RLC_ERR_FORMAT);
  rlc_replay_destroy(r);
}

// rlc_run_config + rlc_run_create without a directory, under a memory limit.
static rlcStatus make_run(const char *algo, const char *env, const char *sets, size_t limit) {
  rlcOpts *cfg = malloc(sizeof *cfg);
  const char *s[1] = {sets};
  rlc_set_memory_limit(limit);
  rlcStatus st = rlc_run_config(cfg, algo, env, NULL, s, 1);
  rlcRun *r = NULL;
  if (!st) st = rlc_run_create(cfg, NULL, false, &r);
  rlc_run_destroy(r);
  rlc_set_memory_limit(0);
  free(cfg);
  return st;
}

static void expect_too_big(const char *algo, const char *env, const char *sets, const char *want) {
  rlcStatus s = make_run(algo, env, sets, (size_t)(strstr(sets, "num_envs=65536") ? 1 << 28 : 1 << 30));
  CHECK_MSG(s == RLC_ERR_NOMEM && strstr(rlc_last_error(), want) && strstr(rlc_last_error(), "; the memory limit is "),
            "%s %s %s: %s (%s)", algo, env, sets, rlc_status_name(s), rlc_last_error());
}

TEST(hostile_settings_over_memory_limit_refused) {
  // Refused before allocating, with what they would need.
  expect_too_big("dqn", "CartPole-v1", "steps=300,buffer_size=134217728",
                 "a replay of 134217728 transitions would need 6.5 GiB");
  expect_too_big("dqn", "CartPole-v1", "steps=300,hidden=20000-20000", "a network of 4e+08 parameters");
  expect_too_big("q-lambda", "GridWorld-v0", "steps=300,num_envs=4096,env_options=size=100",
                 "q-lambda's table of 10000 states x 4 actions with traces for each env copy would need 2.4 GiB");
  expect_too_big("ppo", "CartPole-v1", "steps=300,num_steps=1048576,num_envs=256,hidden=4", "would need 20.0 GiB");
  // Found by fuzz_settings: the refusal used the agent after freeing it.
  expect_too_big("reinforce", "CartPole-v1", "steps=300,episodes_per_update=1048576",
                 "reinforce's 1048576 episodes of up to 500 steps would need 17.6 GiB");
  expect_too_big("dqn", "MinAtar/Seaquest-v1", "steps=300,num_envs=65536,buffer_size=64,batch_size=8,hidden=4",
                 "65536 copies of MinAtar/Seaquest-v1 would need");
  // The same settings fit a larger limit; small runs fit the default.
  CHECK_OK(make_run("q-lambda", "GridWorld-v0", "steps=300,num_envs=16,env_options=size=100", 0));
  CHECK_OK(make_run("dqn", "CartPole-v1", "steps=300", 0));
  CHECK(rlc_memory_limit() > ((size_t)1 << 28));
}

TEST(hostile_memory_check_message) {
  rlc_set_memory_limit((size_t)3 << 30);
  CHECK_EQ_INT(rlc_memory_limit(), (size_t)3 << 30);
  CHECK_OK(rlc_memory_check(1e9, "x"));
  CHECK_ERR(rlc_memory_check(9.4 * 0x1p30, "a replay"), RLC_ERR_NOMEM);
  CHECK(!strcmp(rlc_last_error(), "a replay would need 9.4 GiB; the memory limit is 3.0 GiB (RLC_MEMORY_LIMIT, physical memory)"));
  // Single allocations over the limit fail too, with the same message.
  CHECK(rlc_malloc((size_t)4 << 30) == NULL);
  CHECK(strstr(rlc_last_error(), "an allocation would need 4.0 GiB"));
  rlc_set_memory_limit(0);
}

// Found by fuzz_rundir: an empty config.txt was copied from a NULL buffer.
TEST(hostile_empty_file_reads_as_empty_buffer) {
  char p[512];
  snprintf(p, sizeof p, "%s/hostile-empty", test_tmpdir());
  FILE *f = fopen(p, "wb");
  CHECK(f != NULL);
  if (f) fclose(f);
  uint8_t *data = NULL;
  size_t n = 1;
  CHECK_OK(rlc_file_read(p, &data, &n));
  CHECK(data != NULL);
  CHECK_EQ_INT(n, 0);
  rlc_free(data);
}

// A resumed run's logs are truncated to the checkpoint's sizes: a link planted
// in place of one must be refused, not followed to the file it names.
TEST(hostile_log_link_not_followed) {
  char dir[512], victim[600], link[600];
  snprintf(dir, sizeof dir, "%s/hostile-link-run", test_tmpdir());
  snprintf(victim, sizeof victim, "%s/hostile-victim.txt", test_tmpdir());
  snprintf(link, sizeof link, "%s/metrics.csv", dir);
  rlcOpts *cfg = malloc(sizeof *cfg);
  const char *sets[1] = {"steps=64,eval_interval=0,eval_episodes=1,gif=false,learning_starts=16,buffer_size=64"};
  rlcRun *r = NULL;
  CHECK_OK(rlc_run_config(cfg, "dqn", "CartPole-v1", NULL, sets, 1));
  CHECK_OK(rlc_run_create(cfg, dir, true, &r));
  if (r) CHECK_OK(rlc_run_train(r, 0, 0, NULL, NULL));
  rlc_run_destroy(r);
  free(cfg);
  FILE *f = fopen(victim, "w");
  if (!f) return;
  for (int i = 0; i < 1000; i++) fputs("precious line\n", f);
  fclose(f);
  CHECK(remove(link) == 0 && symlink(victim, link) == 0);
  r = NULL;
  CHECK_ERR(rlc_run_resume(dir, &r), RLC_ERR_IO);
  CHECK(strstr(rlc_last_error(), "one is a link or not a regular file"));
  rlc_run_destroy(r);
  struct stat st;
  CHECK(stat(victim, &st) == 0 && st.st_size == 14000);
}

// Inputs the fuzzers found (tests/data/fuzz/NAME/: the fuzz_NAME harness's
// input format), replayed as the harness does. A checkpoint payload is framed
// with the version of this build's checkpoints; it must load or fail with a
// one-line error (the sanitizer build turns a regression into a crash).
static void data_dir(char *out, size_t n, const char *sub) {
  const char *slash = strrchr(__FILE__, '/');
  snprintf(out, n, "%.*s/data/fuzz/%s", slash ? (int)(slash - __FILE__) : 1, slash ? __FILE__ : ".", sub);
}

static uint8_t *read_all(const char *p, size_t *n) {
  uint8_t *d = NULL;
  if (rlc_file_read(p, &d, n)) return NULL;
  return d;
}

TEST(hostile_fuzz_checkpoint_finds) {
  char dir[512], run[600], ck[700], src[1024];
  data_dir(dir, sizeof dir, "checkpoint");
  snprintf(run, sizeof run, "%s/hostile-fuzz-run", test_tmpdir());
  // This build's checkpoint version, from a real run's file.
  rlcOpts *cfg = malloc(sizeof *cfg);
  const char *sets[1] = {"steps=16,eval_interval=0,eval_episodes=1,gif=false,learning_starts=8,buffer_size=16,batch_size=8"};
  rlcRun *r = NULL;
  CHECK_OK(rlc_run_config(cfg, "dqn", "CartPole-v1", NULL, sets, 1));
  CHECK_OK(rlc_run_create(cfg, run, true, &r));
  if (r) CHECK_OK(rlc_run_train(r, 0, 0, NULL, NULL));
  rlc_run_destroy(r);
  free(cfg);
  snprintf(ck, sizeof ck, "%s/checkpoint.rlc", run);
  size_t n;
  uint8_t *real = read_all(ck, &n);
  CHECK(real && n > 16);
  if (!real) return;
  uint32_t version;
  memcpy(&version, real + 8, 4);
  rlc_free(real);
  DIR *d = opendir(dir);
  CHECK_MSG(d != NULL, "no %s", dir);
  int count = 0;
  for (struct dirent *e; d && (e = readdir(d));) {
    if (e->d_name[0] == '.') continue;
    snprintf(src, sizeof src, "%s/%s", dir, e->d_name);
    uint8_t *payload = read_all(src, &n);
    CHECK(payload != NULL);
    if (!payload) continue;
    rlcBuf b = {0};
    rlc_buf_put(&b, "RLCCKPT\n", 8);
    rlc_buf_put(&b, &version, 4);
    rlc_buf_put(&b, payload, n);
    uint32_t crc = rlc_crc32(0, b.data, b.len);
    rlc_buf_put(&b, &crc, 4);
    CHECK_OK(rlc_file_write_atomic(ck, b.data, b.len, "checkpoint"));
    rlc_buf_free(&b);
    rlc_free(payload);
    r = NULL;
    rlcStatus s = rlc_run_load(run, &r);
    CHECK_MSG(s == RLC_ERR_FORMAT, "%s: %s (%s)", e->d_name, rlc_status_name(s), rlc_last_error());
    rlc_run_destroy(r);
    count++;
  }
  if (d) closedir(d);
  CHECK(count >= 1);
}
