// watch.c: watching agents in the live window: `rlc eval DIR --watch` (greedy
// episodes at the env's fps) and `rlc train --watch` (the first training
// copy as it learns, with the agent's Q-values where the env draws them:
// GridWorld, as the eligibility-traces notebook shows it).
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "watch.h"

static CliWindow *open_for(const rlcEnvSpec *spec, const char *what, int fps, uint8_t **frame) {
  if (spec->render_width <= 0 || !spec->cls->render) {
    cli_error("env '%s' does not render, so it cannot be watched", spec->id);
    return NULL;
  }
  *frame = malloc((size_t)spec->render_width * spec->render_height * 3);
  if (!*frame) {
    cli_error("out of memory");
    return NULL;
  }
  char title[300];
  snprintf(title, sizeof title, "rlc: %s%s", spec->id, what);
  CliWindow *w = cli_window_open(title, spec->render_width, spec->render_height, fps);
  if (!w) free(*frame), *frame = NULL;
  return w;
}

static void render_q(rlcEnv *env, rlcAgent *agent, uint8_t *frame) {
  rlcRenderArgs ra = {0};
  if (agent->cls->q_table) ra.q = agent->cls->q_table(agent, &ra.q_states, &ra.q_actions);
  rlc_env_render(env, &ra, frame);
}

int cli_watch_eval(rlcAgent *agent, const char *env_id, const char *env_options, long long episodes, int64_t seed,
                   double *mean, double *std, double *mean_len, long long *watched) {
  rlcEnv *env;
  rlcStatus s = rlc_env_create(env_id, env_options, &env);
  if (s) return cli_fail(s);
  uint8_t *frame = NULL;
  CliWindow *win = open_for(env->spec, "", env->spec->render_fps, &frame);
  if (!win) {
    rlc_env_destroy(env);
    return 2;
  }
  uint8_t act[1024];
  double sum = 0, sum2 = 0, lsum = 0;
  long long done = 0;
  char status[200];
  for (long long e = 0; e < episodes && !s; e++) {
    bool term = false, trunc = false, open = true;
    s = rlc_env_reset(env, seed + e, NULL);
    while (!s && open) {
      render_q(env, agent, frame);
      snprintf(status, sizeof status, "episode %lld/%lld   step %d   return %g   (Esc quits)", e + 1, episodes,
               env->episode_length, env->episode_return);
      open = cli_window_show(win, frame, status);
      if (term || trunc || !open) break;
      s = rlc_agent_act(agent, env->obs, 1, false, act);
      // Episodes without a time limit end at the evaluations' cap.
      if (!s) s = rlc_env_step(env, act, NULL, NULL, &term, &trunc);
      trunc |= env->episode_length >= 10000;
    }
    if (!open) break;
    sum += env->episode_return, sum2 += env->episode_return * env->episode_return, lsum += env->episode_length;
    done++;
  }
  cli_window_close(win);
  free(frame);
  rlc_env_destroy(env);
  if (s) return cli_fail(s);
  *watched = done;
  *mean = done ? sum / done : NAN;
  *std = done ? sqrt(fmax(0, sum2 / done - *mean * *mean)) : NAN;
  *mean_len = done ? lsum / done : NAN;
  return 0;
}

struct CliTrainWatch {
  CliWindow *win;
  rlcEnv *env;     // shows the first training copy's state
  uint8_t *frame;
};

CliTrainWatch *cli_train_watch_open(rlcRun *run) {
  CliTrainWatch *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  const rlcRunSettings *set = rlc_run_settings_of(run);
  // Reset once so it renders; its state is then the training copy's.
  if (rlc_env_create(set->env, rlc_run_env_options(run), &w->env) || rlc_env_reset(w->env, 0, NULL)) {
    cli_fail(RLC_ERR_ARG);
    free(w);
    return NULL;
  }
  // No pacing: training runs at full speed, the window shows it when it can.
  w->win = open_for(w->env->spec, " (training)", 0, &w->frame);
  if (!w->win) {
    cli_train_watch_close(w);
    return NULL;
  }
  return w;
}

void cli_train_watch_update(CliTrainWatch *w, rlcRun *run, const rlcRunStatus *st) {
  if (!w || !w->win || cli_window_closed(w->win)) return;
  rlcVecEnv *v = rlc_run_vec_env(run);
  if (rlc_env_state_copy(w->env->spec, w->env->state, v->states)) return;
  render_q(w->env, rlc_run_agent(run), w->frame);
  char status[200];
  snprintf(status, sizeof status, "step %lld   episodes %lld   return %.1f   return (last 100) %.1f", (long long)st->steps,
           (long long)st->episodes, v->episode_return[0], st->recent_return);
  cli_window_show(w->win, w->frame, status);
}

void cli_train_watch_close(CliTrainWatch *w) {
  if (!w) return;
  cli_window_close(w->win);
  rlc_env_destroy(w->env);
  free(w->frame);
  free(w);
}
