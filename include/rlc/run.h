// rlc/run.h: layer 4. The training driver and the run directory.
//
// One driver trains any agent: collect with the vector env, observe, update
// when due, evaluate the greedy policy every `eval_interval` steps on separate
// eval envs, record metrics, log (metrics.csv, episodes.csv, TensorBoard
// events), checkpoint atomically, report progress. A run directory holds:
//
//   config.txt        the resolved configuration: every hyperparameter, seed, version
//   metrics.csv       one row per log interval and per evaluation
//   episodes.csv      one row per finished training episode
//   events.out.tfevents.*   the same scalars for TensorBoard
//   checkpoint.rlc    everything needed to resume exactly
//   best.rlc          the same at the best evaluation so far (the best model)
//   curve.png         returns with running average, loss, exploration rate
//   agent.gif         the trained greedy agent
//
// Depends on: rlc/core.h, rlc/env.h, rlc/agent.h, rlc/out.h.
#ifndef RLC_RUN_H
#define RLC_RUN_H

#include "rlc/agent.h"
#include "rlc/core.h"
#include "rlc/env.h"

#ifdef __cplusplus
extern "C" {
#endif

// The driver's own settings (names usable in presets and --set), filled
// from the table rlc_run_settings returns.
typedef struct rlcRunSettings {
  char algo[RLC_SETTING_STR_MAX], env[RLC_SETTING_STR_MAX], env_options[RLC_SETTING_STR_MAX];
  int64_t seed, reset_seed, steps, episodes, horizon;
  double checkpoint_seconds;
  int num_envs, num_threads, max_episode_steps;
  int eval_interval, eval_episodes, log_interval, checkpoint_interval, gif_episodes;
  bool stop_at_threshold, gif;
  bool video;                   // MP4 of evaluations (every video_interval-th) and agent.mp4
  int video_interval;
  int eval_screen;              // episodes of a screening evaluation before a full one (0: none)
  int nn_threads;               // threads splitting the networks' work (rlcPool); results do not depend on it
} rlcRunSettings;

RLC_API const rlcSetting *rlc_run_settings(int *n);

// Resolves a configuration: the driver's defaults, the algorithm's defaults,
// its default preset for the env (env NULL: the preset's or CartPole-v1), the
// named preset (NULL: none), then `sets` ("k=v,..." each, in order). Unknown
// names and malformed values are RLC_ERR_ARG with a one-line message.
RLC_API rlcStatus rlc_run_config(rlcOpts *cfg, const char *algo, const char *env, const char *preset,
                         const char *const *sets, int n_sets);

// One step of training, the driver's: the agent acts on venv->obs (explore:
// its exploring policy, else the greedy one), the vector env steps, the agent
// observes the transitions (a finished episode's next observation is its
// final one, so targets can bootstrap through a time limit) and updates if
// due. The caller owns the step's arrays, which then hold its transitions:
// obs (N, obs) the observations acted in, actions (N, act), next_obs (N, obs);
// the rest is in venv (reward, terminated, truncated, final_return, ...).
// The agent must have been made for venv's N copies. Allocates nothing.
RLC_API rlcStatus rlc_run_step(rlcAgent *agent, rlcVecEnv *venv, bool explore, void *obs,
                               void *actions, void *next_obs);

typedef struct rlcRun rlcRun;

// What the progress callback sees (also the --json summary).
typedef struct rlcRunStatus {
  int64_t steps, episodes, target_steps, target_episodes;
  double wall_s, steps_per_s;
  double recent_return;         // mean of the last 100 training episodes (NAN: none yet)
  double eval_mean, eval_std;   // last evaluation (NAN: none yet)
  int eval_count;               // evaluations so far
  double solved_at_s;           // wall seconds when eval first reached the threshold (NAN: never)
  int64_t solved_at_steps;
  bool solved;                  // last eval mean >= the env's reward threshold
  rlcAgentInfo info;            // the agent's last reported values
  double best_eval_mean;        // best evaluation so far, the one best.rlc holds (NAN: none)
  int64_t best_eval_steps;      // steps at it (-1: none)
  double checkpoint_s;          // seconds this session spent writing checkpoints
} rlcRunStatus;

typedef void (*rlcRunProgressFn)(const rlcRunStatus *st, void *user);

// Creates a run from a resolved configuration. dir NULL: no files at all
// (tests, library use). A dir that holds another run is refused unless force.
RLC_API rlcStatus rlc_run_create(rlcOpts *cfg, const char *dir, bool force, rlcRun **out);
// Reopens the run in dir at its checkpoint; training continues exactly.
RLC_API rlcStatus rlc_run_resume(const char *dir, rlcRun **out);
// Opens the run in dir read-only, with the trained policy (rlc eval).
RLC_API rlcStatus rlc_run_load(const char *dir, rlcRun **out);
// The same with the best model: best.rlc, written whenever an evaluation beat
// every earlier one (its status has that evaluation and step).
RLC_API rlcStatus rlc_run_load_best(const char *dir, rlcRun **out);
RLC_API void rlc_run_destroy(rlcRun *r);
// Ends rlc_run_train at the next step, with a checkpoint (safe to call from a
// signal handler: Ctrl-C in the CLI).
RLC_API void rlc_run_request_stop(rlcRun *r);
RLC_API int rlc_run_eval_episodes(const rlcRun *r);

// Trains until `steps` total env steps or `episodes` total episodes (0: the
// configuration's), writing the run directory. progress may be NULL.
RLC_API rlcStatus rlc_run_train(rlcRun *r, int64_t steps, int64_t episodes, rlcRunProgressFn progress,
                        void *user);
// Sets the budget rlc_run_train then uses (0, 0: keep it), in config.txt too.
// A budget below what the run has done is RLC_ERR_ARG, and changes nothing.
// Schedules keep the run's horizon, fixed when it was created.
RLC_API rlcStatus rlc_run_set_budget(rlcRun *r, int64_t steps, int64_t episodes);
// Sets nn_threads (its setting's range), in config.txt too: a resumed run may use another
// machine's cores, since results do not depend on it. The checkpoints record
// it from the next one on (a resume of an earlier one keeps the old value).
RLC_API rlcStatus rlc_run_set_nn_threads(rlcRun *r, int threads);
RLC_API void rlc_run_status(const rlcRun *r, rlcRunStatus *st);
RLC_API rlcAgent *rlc_run_agent(rlcRun *r);
RLC_API rlcVecEnv *rlc_run_vec_env(rlcRun *r);  // the training copies (read them between steps: progress)
RLC_API const rlcEnvSpec *rlc_run_spec(const rlcRun *r);
RLC_API rlcOpts *rlc_run_cfg(rlcRun *r);                        // the resolved configuration (text)
RLC_API const rlcRunSettings *rlc_run_settings_of(const rlcRun *r);  // the driver's settings, typed
// The env options the run's envs were made with: env_options plus the time limit.
RLC_API const char *rlc_run_env_options(const rlcRun *r);

// Greedy evaluation on a fresh env (id, options) seeded seed, seed+1, ...: mean
// and std of returns over `episodes`, and optionally a recording of the first
// `record_episodes`: an H.264 MP4 when record_path ends in .mp4, else a GIF
// (GridWorld draws the agent's Q-values).
RLC_API rlcStatus rlc_evaluate(rlcAgent *agent, const char *env_id, const char *env_options, int episodes,
                       int64_t seed,
                       double *mean, double *std, double *mean_length, const char *record_path,
                       int record_episodes);

// Learning curves of one or more run directories in one PNG: training
// returns with their running average and evaluations, loss, exploration rate,
// and the agent's extra scalars (with their reference lines).
RLC_API rlcStatus rlc_run_plot(const char *const *dirs, int n_dirs, const char *png_path);

// One self-contained HTML page about runs (or `--seeds` directories):
// configuration, curves, evaluations, timings, the agent's video or GIF, all
// inlined (data: URIs; no network, no script).
RLC_API rlcStatus rlc_run_report(const char *const *dirs, int n_dirs, const char *html_path);

#ifdef __cplusplus
}
#endif
#endif
