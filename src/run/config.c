// config.c: the driver's settings and the resolution of a run's configuration
// (defaults, the algorithm's default presets, a named preset, overrides), and
// config.txt, the resolved configuration on disk.
// Depends on: rlc/run.h, rlc/agent.h.
#include <stdio.h>
#include <string.h>

#include "run/run_internal.h"

#define S rlcRunSettings
static const rlcSetting run_settings[] = {
    RLC_SET_STR(S, algo, "algo", "dqn", "the algorithm (rlc list shows them)"),
    RLC_SET_STR(S, env, "env", "CartPole-v1", "the environment id"),
    RLC_SET_STR(S, env_options, "env_options", "", "env options \"k=v,...\" (e.g. map_name=8x8)"),
    RLC_SET_INT64(S, seed, "seed", "0", 0, 0x1p62, "root seed: env copy i resets with seed+i, the agent's streams derive from it"),
    RLC_SET_INT64(S, steps, "steps", "0", 0, 0x1p62, "stop after this many env steps (0: no step budget)"),
    RLC_SET_INT64(S, episodes, "episodes", "0", 0, 0x1p62, "stop after this many training episodes (0: no episode budget)"),
    RLC_SET_INT64(S, horizon, "horizon", "0", 0, 0x1p62,
                  "env steps over which schedules that span the run go (PPO's lr annealing, PER's beta); fixed when "
                  "the run is created (0: its steps); --resume --steps changes the budget, not this"),
    RLC_SET_INT64(S, reset_seed, "reset_seed", "-1", -1, 0x1p62, "reseed copy i with reset_seed+i at every reset, so episodes start alike (-1: no)"),
    RLC_SET_INT(S, num_envs, "num_envs", "1", 1, 65536, "env copies stepped together"),
    RLC_SET_INT(S, num_threads, "num_threads", "1", 1, 256, "threads stepping the env copies (results do not depend on it)"),
    RLC_SET_INT(S, nn_threads, "nn_threads", "1", 1, 64,
                "threads splitting the networks' products and optimizer steps, the caller included (results do not depend on it)"),
    RLC_SET_INT(S, max_episode_steps, "max_episode_steps", "-1", -1, 1 << 30, "time limit (-1: the env's registered one, 0: none)"),
    RLC_SET_INT(S, eval_interval, "eval_interval", "10000", 0, 1 << 30, "evaluate the greedy policy every N env steps (0: only at the end)"),
    RLC_SET_INT(S, eval_episodes, "eval_episodes", "10", 1, 100000, "episodes per evaluation"),
    RLC_SET_INT(S, eval_screen, "eval_screen", "0", 0, 100000,
                "periodic evaluations first play this many episodes and go on to eval_episodes only when their "
                "mean reaches the env's reward threshold (0: always eval_episodes)"),
    RLC_SET_INT(S, log_interval, "log_interval", "1000", 1, 1 << 30, "a metrics row every N env steps"),
    RLC_SET_INT(S, checkpoint_interval, "checkpoint_interval", "0", 0, 1 << 30, "also checkpoint every N env steps (0: no step-based checkpoints)"),
    RLC_SET_DOUBLE(S, checkpoint_seconds, "checkpoint_seconds", "120", 0, 1e9, "also checkpoint every this many seconds of training (0: no timed checkpoints)"),
    RLC_SET_BOOL(S, stop_at_threshold, "stop_at_threshold", "false", "stop when an evaluation reaches the env's reward threshold"),
    RLC_SET_BOOL(S, gif, "gif", "true", "write agent.gif of the trained greedy agent"),
    RLC_SET_INT(S, gif_episodes, "gif_episodes", "1", 1, 1000, "episodes in agent.gif"),
    RLC_SET_BOOL(S, video, "video", "false", "record MP4 videos: videos/eval-STEPS.mp4 of evaluations and agent.mp4 at the end"),
    RLC_SET_INT(S, video_interval, "video_interval", "0", 0, 1 << 30, "with video: record every Nth evaluation's first episode (0: evaluations 0, 1, 8, 27, ... 1000, then every 1000th, as RecordVideo)"),
};
#undef S

const rlcSetting *rlc_run_settings(int *n) {
  *n = (int)(sizeof run_settings / sizeof run_settings[0]);
  return run_settings;
}

static rlcStatus apply(rlcOpts *cfg, const rlcAgentClass *cls, const char *settings, const char *what) {
  int nd;
  const rlcSetting *d = rlc_run_settings(&nd);
  return rlc_settings_apply(cfg, settings, cls->settings, cls->n_settings, d, nd, what);
}

// "unknown algorithm 'x'" or "unknown preset 'x'", with the nearest known
// name (underscores for dashes count as one edit each).
static rlcStatus unknown_name(const char *what, const char *name) {
  const char *best = NULL;
  int best_d = 4;
  for (int k = 0, n = rlc_agent_count(); k < n; k++) {
    const rlcAgentClass *c = rlc_agent_get(k);
    if (!strcmp(what, "algorithm")) {
      int d = rlc_edit_distance(name, c->name);
      if (d < best_d) best_d = d, best = c->name;
      continue;
    }
    for (int i = 0; i < c->n_presets; i++) {
      if (!c->presets[i].name) continue;
      int d = rlc_edit_distance(name, c->presets[i].name);
      if (d < best_d) best_d = d, best = c->presets[i].name;
    }
  }
  if (best) return rlc_error(RLC_ERR_NOT_FOUND, "unknown %s '%s' (did you mean '%s'?)", what, name, best);
  return rlc_error(RLC_ERR_NOT_FOUND, "unknown %s '%s' (rlc list --algos shows them)", what, name);
}

rlcStatus rlc_run_config(rlcOpts *cfg, const char *algo, const char *env, const char *preset,
                         const char *const *sets, int n_sets) {
  memset(cfg, 0, sizeof *cfg);
  const rlcAgentClass *cls = NULL;
  const rlcPreset *p = NULL;
  if (preset) {
    p = rlc_preset_find(preset, &cls);
    if (!p) return unknown_name("preset", preset);
    if (algo && strcmp(algo, cls->name))
      return rlc_error(RLC_ERR_ARG, "preset '%s' is for --algo %s, not %s", preset, cls->name, algo);
  } else {
    if (!algo) {
      const rlcEnvRegistration *r = rlc_env_registry_find(env ? env : "CartPole-v1");
      algo = r && r->default_algo ? r->default_algo : "dqn";
    }
    cls = rlc_agent_find(algo);
    if (!cls) return unknown_name("algorithm", algo);
  }
  if (!env) env = p && p->env ? p->env : "CartPole-v1";
  if (!rlc_env_registry_find(env)) {
    // Let the registry phrase the error (with its "did you mean").
    rlcEnvSpec *spec;
    rlcStatus s = rlc_env_spec_create(env, NULL, &spec);
    if (!s) rlc_env_spec_destroy(spec);
    else return s;
  }

  int nd;
  const rlcSetting *d = rlc_run_settings(&nd);
  rlcStatus s = rlc_settings_defaults(cfg, d, nd);
  if (!s) s = rlc_agent_settings_resolve(cls, NULL, cfg);
  // The algorithm's defaults for any env, then for this env.
  for (int pass = 0; pass < 2 && !s; pass++)
    for (int i = 0; i < cls->n_presets && !s; i++) {
      const rlcPreset *q = &cls->presets[i];
      if (q->name || (pass == 0) != (q->env == NULL)) continue;
      if (q->env && strcmp(q->env, env)) continue;
      char what[96];
      snprintf(what, sizeof what, "%s's default preset", cls->name);
      s = apply(cfg, cls, q->settings, what);
    }
  if (!s && p) {
    char what[96];
    snprintf(what, sizeof what, "preset %s", p->name);
    s = apply(cfg, cls, p->settings, what);
  }
  if (!s) s = rlc_opts_set(cfg, "algo", cls->name);
  if (!s) s = rlc_opts_set(cfg, "env", env);
  for (int i = 0; i < n_sets && !s; i++) s = apply(cfg, cls, sets[i], "--set");
  if (!s && strcmp(rlc_opts_str(cfg, "algo", ""), cls->name))
    s = rlc_error(RLC_ERR_ARG, "--set: use --algo to choose the algorithm");
  return s;
}

rlcStatus run_config_write(const rlcOpts *cfg, const char *path) {
  rlcBuf b = {0};
  char line[512];
  int n = snprintf(line, sizeof line, "# rlc %s run configuration: every setting of this run.\n", RLC_VERSION);
  rlc_buf_put(&b, line, (size_t)n);
  for (int i = 0; i < cfg->n; i++) {
    n = snprintf(line, sizeof line, "%s=%s\n", cfg->key[i], cfg->val[i]);
    rlc_buf_put(&b, line, (size_t)n);
  }
  rlcStatus s = b.err ? b.err : rlc_file_write_atomic(path, b.data, b.len, "config");
  rlc_buf_free(&b);
  return s;
}

rlcStatus run_config_read(rlcOpts *cfg, const char *path) {
  uint8_t *data;
  size_t n;
  memset(cfg, 0, sizeof *cfg);
  rlcStatus s = rlc_file_read(path, &data, &n);
  if (s) return s;
  char *text = rlc_malloc(n + 1);
  if (!text) {
    rlc_free(data);
    return RLC_ERR_NOMEM;
  }
  memcpy(text, data, n);
  text[n] = 0;
  rlc_free(data);
  int lineno = 0;
  for (char *line = strtok(text, "\n"); line && !s; line = strtok(NULL, "\n")) {
    lineno++;
    if (line[0] == '#' || !line[0]) continue;
    char *eq = strchr(line, '=');
    if (!eq) {
      s = rlc_error(RLC_ERR_FORMAT, "%s:%d: expected key=value", path, lineno);
      break;
    }
    *eq = 0;
    s = rlc_opts_set(cfg, line, eq + 1);
  }
  rlc_free(text);
  return s;
}

// Compares two configurations setting by setting through the tables (so
// "1e-3" equals "0.001"), skipping the training budget and nn_threads, which a
// resume may change. RLC_OK when they agree; otherwise RLC_ERR_ARG naming the first
// setting that differs and both values.
static rlcStatus compare_table(const rlcSetting *t, int n, size_t size, rlcOpts *a, rlcOpts *b,
                               const char *a_name, const char *b_name) {
  void *sa = rlc_calloc(1, size ? size : 1), *sb = rlc_calloc(1, size ? size : 1);
  rlcStatus s = sa && sb ? RLC_OK : RLC_ERR_NOMEM;
  if (!s) s = rlc_settings_fill(sa, t, n, a);
  if (!s) s = rlc_settings_fill(sb, t, n, b);
  for (int i = 0; i < n && !s; i++) {
    if (t[i].type == RLC_SETTING_ALIAS || !strcmp(t[i].name, "steps") || !strcmp(t[i].name, "episodes") ||
        !strcmp(t[i].name, "nn_threads"))
      continue;
    char va[RLC_SETTING_STR_MAX + 32], vb[RLC_SETTING_STR_MAX + 32];
    rlc_setting_format(&t[i], sa, va, sizeof va);
    rlc_setting_format(&t[i], sb, vb, sizeof vb);
    if (strcmp(va, vb))
      s = rlc_error(RLC_ERR_ARG, "%s has %s=%s but %s has %s=%s", a_name, t[i].name, va, b_name, t[i].name, vb);
  }
  rlc_free(sa);
  rlc_free(sb);
  return s;
}

rlcStatus run_config_compare(rlcOpts *a, rlcOpts *b, const char *a_name, const char *b_name) {
  int n;
  const rlcSetting *d = rlc_run_settings(&n);
  rlcStatus s = compare_table(d, n, sizeof(rlcRunSettings), a, b, a_name, b_name);
  const rlcAgentClass *cls = rlc_agent_find(rlc_opts_str(a, "algo", ""));
  if (!s && cls) s = compare_table(cls->settings, cls->n_settings, cls->settings_size, a, b, a_name, b_name);
  return s;
}
