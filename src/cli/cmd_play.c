// cmd_play.c: `rlc play`: episodes with a random or hand-written policy,
// returns per episode and a summary; --gif records the first episode.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "window.h"

static const CliOpt opts[] = {
    {"--env", "ID", "environment id (default CartPole-v1)"},
    {"--policy", "NAME", "random or heuristic (default random)"},
    {"--episodes", "N", "episodes to play (default 10)"},
    {"--seed", "S", "seed of the first reset and of the policy (default 0)"},
    {"--max-steps", "N", "time limit per episode (default: the env's)"},
    {"--options", "K=V,...", "env options, e.g. size=10 for GridWorld-v0"},
    {"--gif", "FILE", "record the first episode as an animated GIF"},
    {"--video", "FILE", "record the first episode as an H.264 MP4 video"},
    {"--render", "MODE", "human: show the episodes in a window at the env's fps (Escape or closing it ends)"},
    {"--quiet", NULL, "print the summary only"},
    {"--json", NULL, "last line: a JSON object with the results"},
};
static const CliCmd cmd = {"play", "[--env ID] [--policy random|heuristic] [--episodes N] [--seed S] [--gif FILE] [--video FILE.mp4] [--json]",
                           "Play episodes with a random or a hand-written (heuristic) policy.", opts,
                           sizeof opts / sizeof opts[0], cmd_play};

typedef struct {
  rlcGif *gif;
  rlcVideo *video;
  uint8_t *rgb;
  rlcStatus status;
} Recorder;

static void record(Recorder *r, rlcEnv *env) {
  if ((!r->gif && !r->video) || r->status) return;
  r->status = rlc_env_render(env, NULL, r->rgb);
  if (!r->status && r->gif) r->status = rlc_gif_add_frame(r->gif, r->rgb);
  if (!r->status && r->video) r->status = rlc_video_add_frame(r->video, r->rgb);
}

// --gif and --video: the recorder of the first episode.
static rlcStatus recorder_open(Recorder *rec, const rlcEnvSpec *spec, const char *gif, const char *video) {
  if (!gif && !video) return RLC_OK;
  if (spec->render_width <= 0 || !spec->cls->render)
    return rlc_error(RLC_ERR_UNSUPPORTED, "env '%s' does not render, so --%s cannot record it", spec->id, gif ? "gif" : "video");
  int fps = spec->render_fps > 0 ? spec->render_fps : 30;
  rec->rgb = malloc((size_t)spec->render_width * spec->render_height * 3);
  if (!rec->rgb) return RLC_ERR_NOMEM;
  rlcStatus s = gif ? rlc_gif_create(gif, spec->render_width, spec->render_height, fps, &rec->gif) : RLC_OK;
  if (!s && video) s = rlc_video_create(video, spec->render_width, spec->render_height, fps, &rec->video);
  return s;
}

static rlcStatus recorder_close(Recorder *rec, rlcStatus s) {
  if (!s && rec->status) s = rec->status;
  rlcStatus gs = rec->gif ? rlc_gif_close(rec->gif) : RLC_OK;
  rlcStatus vs = rec->video ? rlc_video_close(rec->video) : RLC_OK;
  free(rec->rgb);
  return s ? s : gs ? gs : vs;
}

// The env's frame in the window, with the episode's step and return.
static bool show(CliWindow *win, rlcEnv *env, uint8_t *frame, long long ep, long long episodes) {
  char status[160];
  if (rlc_env_render(env, NULL, frame)) return false;
  snprintf(status, sizeof status, "episode %lld/%lld   step %d   return %g   (Esc quits)", ep + 1, episodes,
           env->episode_length, env->episode_return);
  return cli_window_show(win, frame, status);
}

#define PLAY_CAP 10000  // steps per episode where the env has no time limit (as evaluations)

int cmd_play(int argc, char **argv) {
  CliArgs a;
  bool done;
  int rc = cli_parse(&cmd, argc, argv, 0, &a, &done);
  if (done) return rc;
  long long episodes, seed, max_steps;
  if (!cli_int(&a, "--episodes", 10, 1, 100000000, &episodes) || !cli_int(&a, "--seed", 0, 0, (1LL << 62), &seed) ||
      !cli_int(&a, "--max-steps", -1, 0, 1000000000, &max_steps))
    return 2;
  if (!cli_out_ext(&a, "--gif", ".gif") || !cli_out_ext(&a, "--video", ".mp4")) return 2;
  const char *id = cli_str(&a, "--env", "CartPole-v1");
  const char *policy = cli_str(&a, "--policy", "random");
  bool heuristic = !strcmp(policy, "heuristic");
  if (!heuristic && strcmp(policy, "random"))
    return cli_error("unknown policy '%s' (expected random or heuristic)", policy);

  // --max-steps is the max_episode_steps option, after the user's options.
  // An env without a time limit (MinAtar, CliffWalking) gets the cap
  // evaluations use, so a policy that never ends its episode still returns.
  char options[1024];
  const char *user_opts = cli_str(&a, "--options", "");
  const rlcEnvRegistration *reg = rlc_env_registry_find(id);
  if (max_steps < 0 && reg && reg->max_episode_steps == 0 && !strstr(user_opts, "max_episode_steps")) {
    max_steps = PLAY_CAP;
    if (!cli_has(&a, "--quiet"))
      fprintf(stderr, "rlc: %s has no time limit: episodes end after %d steps (--max-steps N to change)\n", id, PLAY_CAP);
  }
  if (max_steps >= 0) snprintf(options, sizeof options, "%s%smax_episode_steps=%lld", user_opts, *user_opts ? "," : "", max_steps);
  else snprintf(options, sizeof options, "%s", user_opts);

  rlcEnv *env;
  rlcStatus s = rlc_env_create(id, options, &env);
  if (s) return cli_fail(s);
  const rlcEnvSpec *spec = env->spec;
  if (heuristic && !rlc_spec_unwrapped(spec)->cls->heuristic) {
    rlc_env_destroy(env);
    return cli_error("env '%s' has no heuristic policy (try --policy random)", id);
  }
  Recorder rec = {0};
  const char *gif_path = cli_str(&a, "--gif", NULL), *video_path = cli_str(&a, "--video", NULL);
  if ((s = recorder_open(&rec, spec, gif_path, video_path))) {
    recorder_close(&rec, s);
    rlc_env_destroy(env);
    return cli_fail(s);
  }

  // The policy's own stream, independent of the env's.
  CliWindow *win = NULL;
  uint8_t *frame = NULL;
  const char *render = cli_str(&a, "--render", NULL);
  if (render) {
    rc = 0;
    if (strcmp(render, "human")) rc = cli_error("--render %s: the mode is human (a window)", render);
    else if (spec->render_width <= 0 || !spec->cls->render) rc = cli_error("env '%s' does not render", id);
    else if (!(frame = malloc((size_t)spec->render_width * spec->render_height * 3))) rc = cli_error("out of memory");
    else {
      char title[300];
      snprintf(title, sizeof title, "rlc: %s", id);
      if (!(win = cli_window_open(title, spec->render_width, spec->render_height, spec->render_fps))) rc = 2;
    }
    if (rc) {
      free(frame);
      recorder_close(&rec, RLC_OK);
      rlc_env_destroy(env);
      return rc;
    }
  }
  rlcRng policy_rng;
  rlc_rng_seed_child(&policy_rng, (uint64_t)seed, 1);
  bool quiet = cli_has(&a, "--quiet"), json = cli_has(&a, "--json");
  double *returns = malloc(sizeof(double) * episodes);
  long long total_steps = 0;
  uint8_t action[256];
  for (long long ep = 0; ep < episodes && !s; ep++) {
    // Gymnasium's convention: seed the first reset only; later resets continue.
    s = rlc_env_reset(env, ep == 0 ? (int64_t)seed : RLC_NO_SEED, NULL);
    if (ep == 0) record(&rec, env);
    bool term = false, trunc = false;
    if (win && !show(win, env, frame, ep, episodes)) break;
    while (!s && !term && !trunc) {
      if (heuristic) {
        s = rlc_env_heuristic(env, env->obs, action);
      } else {
        rlc_env_sample_action(env, &policy_rng, action);
      }
      if (!s) s = rlc_env_step(env, action, NULL, NULL, &term, &trunc);
      if (ep == 0) record(&rec, env);
      if (win && !s && !show(win, env, frame, ep, episodes)) break;
    }
    if (s || (win && cli_window_closed(win) && !term && !trunc)) {
      if (!s) episodes = ep;  // the window closed: the episodes played whole
      break;
    }
    returns[ep] = env->episode_return;
    total_steps += env->episode_length;
    if (!quiet) printf("episode %lld: return %g, length %d%s\n", ep + 1, env->episode_return, env->episode_length,
                       trunc && !term ? " (truncated)" : "");
  }
  s = recorder_close(&rec, s);
  cli_window_close(win);
  free(frame);
  if (!s && episodes == 0) {
    free(returns);
    rlc_env_destroy(env);
    printf("%s: the window was closed before an episode ended\n", id);
    return 0;
  }
  if (s) {
    free(returns);
    rlc_env_destroy(env);
    return cli_fail(s);
  }
  double mean = 0, var = 0, lo = INFINITY, hi = -INFINITY;
  for (long long i = 0; i < episodes; i++) mean += returns[i], lo = fmin(lo, returns[i]), hi = fmax(hi, returns[i]);
  mean /= episodes;
  for (long long i = 0; i < episodes; i++) var += (returns[i] - mean) * (returns[i] - mean);
  double std = sqrt(var / episodes);
  printf("%s, %s policy, %lld episodes: mean return %.2f (std %.2f, min %g, max %g), mean length %.1f\n", id, policy,
         episodes, mean, std, lo, hi, (double)total_steps / episodes);
  if (gif_path) printf("wrote %s\n", gif_path);
  if (video_path) printf("wrote %s\n", video_path);
  if (json) {
    CliJson j;
    json_begin(&j);
    json_str(&j, "env", id);
    json_str(&j, "policy", policy);
    json_int(&j, "episodes", episodes);
    json_int(&j, "seed", seed);
    json_num(&j, "mean_return", mean);
    json_num(&j, "std_return", std);
    json_num(&j, "min_return", lo);
    json_num(&j, "max_return", hi);
    json_num(&j, "mean_length", (double)total_steps / episodes);
    json_int(&j, "steps", total_steps);
    if (gif_path) json_str(&j, "gif", gif_path);
    if (video_path) json_str(&j, "video", video_path);
    json_end_print(&j);
  }
  free(returns);
  rlc_env_destroy(env);
  return 0;
}
