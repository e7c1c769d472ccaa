// config.c: the driver's settings and the resolution of a run's configuration
// (defaults, the algorithm's default presets, a named preset, overrides), and
// config.txt, the resolved configuration on disk.
// Depends on: rlc/run.h, rlc/agent.h.
#include <stdio.h>
#include <string.h>

#include "run/run_internal.h"

static const rlcParam driver_params[] = {
    {"algo", RLC_PARAM_STR, "dqn", "the algorithm (rlc list shows them)"},
    {"env", RLC_PARAM_STR, "CartPole-v1", "the environment id"},
    {"env_options", RLC_PARAM_STR, "", "env options \"k=v,...\" (e.g. map_name=8x8)"},
    {"seed", RLC_PARAM_INT, "0", "root seed: env copy i resets with seed+i, the agent's streams derive from it"},
    {"steps", RLC_PARAM_INT, "0", "stop after this many env steps (0: no step budget)"},
    {"episodes", RLC_PARAM_INT, "0", "stop after this many training episodes (0: no episode budget)"},
    {"reset_seed", RLC_PARAM_INT, "-1", "reseed copy i with reset_seed+i at every reset, so episodes start alike (-1: no)"},
    {"num_envs", RLC_PARAM_INT, "1", "env copies stepped together"},
    {"num_threads", RLC_PARAM_INT, "1", "threads stepping the env copies (results do not depend on it)"},
    {"max_episode_steps", RLC_PARAM_INT, "-1", "time limit (-1: the env's registered one, 0: none)"},
    {"eval_interval", RLC_PARAM_INT, "10000", "evaluate the greedy policy every N env steps (0: only at the end)"},
    {"eval_episodes", RLC_PARAM_INT, "10", "episodes per evaluation"},
    {"log_interval", RLC_PARAM_INT, "1000", "a metrics row every N env steps"},
    {"checkpoint_interval", RLC_PARAM_INT, "0", "also checkpoint every N env steps (0: only at the end of training)"},
    {"stop_at_threshold", RLC_PARAM_BOOL, "false", "stop when an evaluation reaches the env's reward threshold"},
    {"gif", RLC_PARAM_BOOL, "true", "write agent.gif of the trained greedy agent"},
    {"gif_episodes", RLC_PARAM_INT, "1", "episodes in agent.gif"},
};

const rlcParam *rlc_run_params(int *n) {
  *n = (int)(sizeof driver_params / sizeof driver_params[0]);
  return driver_params;
}

static rlcStatus apply(rlcOpts *cfg, const rlcAgentClass *cls, const char *settings, const char *what) {
  int nd;
  const rlcParam *d = rlc_run_params(&nd);
  return rlc_params_apply(cfg, settings, cls->params, cls->n_params, d, nd, what);
}

rlcStatus rlc_run_config(rlcOpts *cfg, const char *algo, const char *env, const char *preset,
                         const char *const *sets, int n_sets) {
  memset(cfg, 0, sizeof *cfg);
  const rlcAgentClass *cls = NULL;
  const rlcPreset *p = NULL;
  if (preset) {
    p = rlc_preset_find(preset, &cls);
    if (!p) return rlc_error(RLC_ERR_NOT_FOUND, "unknown preset '%s' (rlc list shows them)", preset);
    if (algo && strcmp(algo, cls->name))
      return rlc_error(RLC_ERR_ARG, "preset '%s' is for --algo %s, not %s", preset, cls->name, algo);
  } else {
    if (!algo) algo = "dqn";
    cls = rlc_agent_find(algo);
    if (!cls) return rlc_error(RLC_ERR_NOT_FOUND, "unknown algorithm '%s' (rlc list shows them)", algo);
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
  const rlcParam *d = rlc_run_params(&nd);
  rlcStatus s = rlc_params_defaults(cfg, d, nd);
  if (!s) s = rlc_params_defaults(cfg, cls->params, cls->n_params);
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
