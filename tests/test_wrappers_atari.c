// tests/test_wrappers_atari.c: the image wrappers against hand-made frames
// of a small env of our own (Blink-v0: an 8x8 RGB picture that changes with
// every step, 3 lives lost at steps 50 and 60, the end at step 100; reward 1
// + action): pixels is the render; AtariPreprocessing's max over the last two
// frames, its area resize and grayscale, its no-op count (the np_random draw
// after the reset), a life loss as the end; autofire and skip-start after the
// reset and a lost life; ClipReward; the last-axis frame stack; bad options.
// Depends on: tests/test.h, rlc/env.h (src/env/wrappers_atari.c, wrappers.c).
#include <math.h>
#include <stdlib.h>

#include "test.h"

enum { BH = 8, BW = 8 };

typedef struct BlinkState {
  int t, lives, last_action;
} BlinkState;

// Channel ch of pixel (y, x) after t steps; the blue channel of pixel
// (0, 0) tells the last action and the lives.
static uint8_t blink_px(const BlinkState *s, int y, int x, int ch) {
  if (y == 0 && x == 0 && ch == 2) return (uint8_t)(s->last_action * 16 + s->lives);
  unsigned v = (unsigned)(s->t * (37 + 11 * ch) + y * 29 + x * 13 + ch * 101);
  return (uint8_t)((v * 2654435761u) >> 24);
}

static void blink_draw(const BlinkState *s, uint8_t *rgb) {
  for (int y = 0; y < BH; y++)
    for (int x = 0; x < BW; x++)
      for (int ch = 0; ch < 3; ch++) rgb[(y * BW + x) * 3 + ch] = blink_px(s, y, x, ch);
}

static void blink_reset(const rlcEnvSpec *spec, void *state, rlcRng *rng, void *obs) {
  BlinkState *s = state;
  *s = (BlinkState){0, 3, 0};
  blink_draw(s, obs);
}

static void blink_step(const rlcEnvSpec *spec, void *state, rlcRng *rng, const void *action, void *obs,
                       double *reward, bool *terminated, bool *truncated) {
  BlinkState *s = state;
  s->t++;
  s->last_action = *(const int32_t *)action;
  if (s->t == 50 || s->t == 60) s->lives--;
  *reward = 1 + s->last_action;
  *terminated = s->t >= 100;
  *truncated = false;
  blink_draw(s, obs);
}

static void blink_render(const rlcEnvSpec *spec, const void *state, const rlcRenderArgs *args, uint8_t *rgb) {
  blink_draw(state, rgb);
}

static int blink_lives(const rlcEnvSpec *spec, const void *state) { return ((const BlinkState *)state)->lives; }

static const rlcEnvClass blink_class = {.name = "Blink", .state_size = sizeof(BlinkState), .reset = blink_reset,
                                        .step = blink_step, .render = blink_render, .lives = blink_lives};

static rlcStatus blink_make(rlcEnvSpec *spec, rlcOpts *opts) {
  int shape[3] = {BH, BW, 3};
  spec->observation_space = rlc_space_box_uniform(RLC_U8, 3, shape, 0, 255);
  spec->action_space = rlc_space_discrete(3);
  spec->render_width = BW, spec->render_height = BH, spec->render_fps = 10;
  spec->cls = &blink_class;
  return RLC_OK;
}

static void register_blink(void) {
  static bool done;
  if (done) return;
  rlcEnvRegistration reg = {"Blink-v0", blink_make, 0, NAN, NULL, "test env for the image wrappers", NULL};
  CHECK_OK(rlc_env_register(&reg));
  done = true;
}

static rlcEnv *make(const char *options) {
  register_blink();
  rlcEnv *e = NULL;
  CHECK_MSG(rlc_env_create("Blink-v0", options, &e) == RLC_OK, "%s: %s", options, rlc_last_error());
  return e;
}

static const BlinkState *base(rlcEnv *e) { return rlc_env_unwrapped_state(e); }

static uint8_t gray(const uint8_t *p) { return (uint8_t)((p[0] * 4899 + p[1] * 9617 + p[2] * 1868 + 8192) >> 14); }

TEST(wrap_pixels_is_the_render) {
  rlcEnv *e = make("pixels=true");
  if (!e) return;
  uint8_t obs[BH * BW * 3], want[BH * BW * 3];
  CHECK_OK(rlc_env_reset(e, 1, obs));
  int32_t a = 2;
  double r;
  bool te, tr;
  CHECK_OK(rlc_env_step(e, &a, obs, &r, &te, &tr));
  blink_draw(base(e), want);
  CHECK(!memcmp(obs, want, sizeof obs));
  CHECK(r == 3);
  rlc_env_destroy(e);
}

TEST(wrap_atari_max_of_the_last_two_frames) {
  rlcEnv *e = make("pixels=true,atari_preprocessing=true,noop_max=0,screen_size=8,grayscale_obs=false");
  if (!e) return;
  uint8_t obs[BH * BW * 3];
  CHECK_OK(rlc_env_reset(e, 1, obs));
  CHECK_EQ_INT(base(e)->t, 0);
  int32_t a = 1;
  double r;
  bool te, tr;
  CHECK_OK(rlc_env_step(e, &a, obs, &r, &te, &tr));
  CHECK_EQ_INT(base(e)->t, 4);
  CHECK(r == 8);  // four frames of 1 + 1
  BlinkState s3 = *base(e), s4 = *base(e);
  s3.t = 3;
  int differ3 = 0, differ4 = 0;
  for (int y = 0; y < BH; y++)
    for (int x = 0; x < BW; x++)
      for (int ch = 0; ch < 3; ch++) {
        uint8_t p3 = blink_px(&s3, y, x, ch), p4 = blink_px(&s4, y, x, ch), m = p3 > p4 ? p3 : p4;
        CHECK(obs[(y * BW + x) * 3 + ch] == m);
        differ3 += m != p3, differ4 += m != p4;
      }
  CHECK(differ3 > 10 && differ4 > 10);  // the max is neither frame
  rlc_env_destroy(e);
}

TEST(wrap_atari_grayscale_area_resize) {
  rlcEnv *e = make("pixels=true,atari_preprocessing=true,noop_max=0,screen_size=4,frame_skip=1");
  if (!e) return;
  CHECK_EQ_INT(e->spec->observation_space.ndim, 2);
  uint8_t obs[16], frame[BH * BW * 3];
  CHECK_OK(rlc_env_reset(e, 1, obs));
  int32_t a = 0;
  double r;
  bool te, tr;
  CHECK_OK(rlc_env_step(e, &a, obs, &r, &te, &tr));
  blink_draw(base(e), frame);
  for (int y = 0; y < 4; y++)
    for (int x = 0; x < 4; x++) {
      int sum = 0;
      for (int u = 0; u < 2; u++)
        for (int v = 0; v < 2; v++) sum += gray(frame + ((2 * y + u) * BW + 2 * x + v) * 3);
      CHECK_MSG(obs[y * 4 + x] == (uint8_t)lrint(sum / 4.0), "(%d, %d): %d, want %d", y, x, obs[y * 4 + x],
                (int)lrint(sum / 4.0));
    }
  // scale_obs: float32 in [0, 1]; grayscale_newaxis: (S, S, 1)
  rlc_env_destroy(e);
  e = make("pixels=true,atari_preprocessing=true,noop_max=0,screen_size=4,frame_skip=1,scale_obs=true,"
           "grayscale_newaxis=true");
  if (!e) return;
  CHECK(e->spec->observation_space.dtype == RLC_F32 && e->spec->observation_space.ndim == 3);
  float fo[16];
  CHECK_OK(rlc_env_reset(e, 1, fo));
  CHECK_OK(rlc_env_step(e, &a, fo, &r, &te, &tr));
  CHECK_NEAR(fo[5], obs[5] / 255.0, 1e-7);
  rlc_env_destroy(e);
}

TEST(wrap_atari_noop_count) {
  rlcEnv *e = make("pixels=true,atari_preprocessing=true,noop_max=30,screen_size=8");
  rlcEnv *plain = make("");
  if (!e || !plain) return;
  uint8_t obs[64], po[BH * BW * 3];
  int lo = 99, hi = 0;
  for (int seed = 0; seed < 100; seed++) {
    CHECK_OK(rlc_env_reset(e, seed, obs));
    CHECK_OK(rlc_env_reset(plain, seed, po));  // np_random as it is after the inner reset
    int want = (int)rlc_rng_integers(&plain->rng, 1, 31);
    CHECK_EQ_INT(base(e)->t, want);
    lo = want < lo ? want : lo, hi = want > hi ? want : hi;
  }
  CHECK(lo == 1 && hi == 30);
  rlc_env_destroy(e);
  rlc_env_destroy(plain);
}

// Steps with action 0 until the base env reaches step t; the last step's flags.
static void run_to(rlcEnv *e, int t, double *reward, bool *te) {
  uint8_t obs[BH * BW * 3 * 4];
  int32_t a = 0;
  bool tr;
  *te = false;
  while (base(e)->t < t && !*te) CHECK_OK(rlc_env_step(e, &a, obs, reward, te, &tr));
}

TEST(wrap_atari_life_loss_ends_the_episode) {
  rlcEnv *e = make("pixels=true,atari_preprocessing=true,noop_max=0,screen_size=8,frame_skip=1,terminal_on_life_loss=true");
  rlcEnv *f = make("pixels=true,atari_preprocessing=true,noop_max=0,screen_size=8,frame_skip=1");
  if (!e || !f) return;
  uint8_t obs[64];
  double r;
  bool te;
  CHECK_OK(rlc_env_reset(e, 0, obs));
  run_to(e, 49, &r, &te);
  CHECK(!te);
  run_to(e, 50, &r, &te);
  CHECK(te && base(e)->lives == 2);
  CHECK_OK(rlc_env_reset(f, 0, obs));
  run_to(f, 50, &r, &te);
  CHECK(!te);
  rlc_env_destroy(e);
  rlc_env_destroy(f);
}

TEST(wrap_autofire_and_skip_start) {
  rlcEnv *e = make("autofire=true");
  if (!e) return;
  uint8_t obs[BH * BW * 3];
  double r;
  bool te;
  CHECK_OK(rlc_env_reset(e, 0, obs));
  CHECK(base(e)->t == 1 && base(e)->last_action == 1);  // FIRE after the reset
  CHECK_EQ_INT(obs[2], 1 * 16 + 3);                     // its observation
  run_to(e, 49, &r, &te);
  CHECK(r == 1);
  run_to(e, 50, &r, &te);  // the life lost at 50: FIRE at 51, its reward added
  CHECK(base(e)->t == 51 && base(e)->last_action == 1 && r == 1 + 2);
  rlc_env_destroy(e);
  e = make("skip_start=40");
  if (!e) return;
  CHECK_OK(rlc_env_reset(e, 0, obs));
  CHECK(base(e)->t == 40 && base(e)->last_action == 0);
  run_to(e, 50, &r, &te);  // 40 no-ops after the lost life
  CHECK_EQ_INT(base(e)->t, 90);
  CHECK(r == 41 && !te);
  run_to(e, 100, &r, &te);
  CHECK(te);
  rlc_env_destroy(e);
  // fire_reset: only after the reset
  e = make("fire_reset=true");
  if (!e) return;
  CHECK_OK(rlc_env_reset(e, 0, obs));
  CHECK_EQ_INT(base(e)->t, 1);
  run_to(e, 50, &r, &te);
  CHECK_EQ_INT(base(e)->t, 50);
  rlc_env_destroy(e);
}

TEST(wrap_clip_reward_and_last_axis_stack) {
  rlcEnv *e = make("clip_reward=1.5");
  if (!e) return;
  uint8_t obs[BH * BW * 3];
  int32_t a = 2;
  double r;
  bool te, tr;
  CHECK_OK(rlc_env_reset(e, 0, obs));
  CHECK_OK(rlc_env_step(e, &a, obs, &r, &te, &tr));
  CHECK(r == 1.5);
  rlc_env_destroy(e);
  // (8, 8) gray frames stacked along the last axis: (8, 8, 4), oldest first.
  e = make("pixels=true,atari_preprocessing=true,noop_max=0,screen_size=8,frame_skip=1,frame_stack=4,"
           "frame_stack_axis=last");
  if (!e) return;
  const rlcSpace *o = &e->spec->observation_space;
  CHECK(o->ndim == 3 && o->shape[0] == 8 && o->shape[2] == 4);
  int fr, ch;
  rlc_spec_frame_layout(e->spec, &fr, &ch);
  CHECK(fr == 4 && ch == 1);
  uint8_t st[64 * 4], frame[BH * BW * 3];
  CHECK_OK(rlc_env_reset(e, 0, st));
  a = 0;
  for (int i = 0; i < 6; i++) CHECK_OK(rlc_env_step(e, &a, st, &r, &te, &tr));
  for (int f = 0; f < 4; f++) {
    BlinkState s = *base(e);
    s.t = 6 - 3 + f;
    blink_draw(&s, frame);
    int bad = 0;
    for (int p = 1; p < 64; p++) bad += st[p * 4 + f] != gray(frame + p * 3);
    CHECK_MSG(bad == 0, "frame %d: %d pixels differ", f, bad);
  }
  rlc_env_destroy(e);
}

TEST(wrap_images_bad_options) {
  register_blink();
  static const struct { const char *id, *options; rlcStatus code; } bad[] = {
      {"CartPole-v1", "atari_preprocessing=true", RLC_ERR_UNSUPPORTED},
      {"Blink-v0", "atari_preprocessing=true,screen_size=84", RLC_ERR_ARG},
      {"Blink-v0", "pixels=true,atari_preprocessing=true,frame_skip=0", RLC_ERR_ARG},
      {"Blink-v0", "noop_max=5", RLC_ERR_ARG},
      {"Blink-v0", "frame_stack=2,frame_stack_axis=middle", RLC_ERR_ARG},
      {"Blink-v0", "skip_start=-1", RLC_ERR_ARG},
      {"Blink-v0", "clip_reward=-1", RLC_ERR_ARG},
      {"CartPole-v1", "frame_stack=2,frame_stack_axis=last", RLC_ERR_UNSUPPORTED},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rlcEnvSpec *spec = NULL;
    rlcStatus s = rlc_env_spec_create(bad[i].id, bad[i].options, &spec);
    CHECK_MSG(s != RLC_OK && spec == NULL, "%s %s: accepted", bad[i].id, bad[i].options);
    CHECK_MSG(s == bad[i].code || bad[i].code == RLC_ERR_ARG, "%s %s: %s", bad[i].id, bad[i].options, rlc_status_name(s));
    CHECK(!strchr(rlc_last_error(), '\n'));
  }
}
