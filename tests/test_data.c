// tests/test_data.c: what the data layer's buffers share (rlc/data.h): layouts
// from spaces and their checks, and stored observations to network input
// (float32 passed through without a copy; uint8 scaled by 1 / high: MinAtar's
// 0/1 planes, pixels, per-element bounds, degenerate bounds).
// Depends on: tests/test.h, rlc/data.h (src/data/obs.c).
#include "test.h"

TEST(data_obs_to_input_float_passes_through) {
  float x[6] = {1.5f, -2, 0, 3e9f, -0.0f, 7};
  float low[3] = {-1, -1, -1}, high[3] = {1, 1, 1};
  rlcSpace s = rlc_space_box(3, low, high);
  float out[6] = {0}, scratch[6] = {0};
  // No copy for float agents: the stored rows are the input.
  CHECK(rlc_obs_input(scratch, x, &s, 2) == x);
  CHECK(scratch[0] == 0);
  // The copying form copies them unscaled, bit for bit (bounds do not apply).
  rlc_obs_to_input(out, x, &s, 2);
  CHECK(!memcmp(out, x, sizeof x));
}

TEST(data_obs_to_input_uint8_scales_by_high) {
  // MinAtar: (10, 10, 4) planes of 0/1, high 1: the same 0/1 floats.
  int shape[3] = {10, 10, 4};
  rlcSpace m = rlc_space_box_uniform(RLC_U8, 3, shape, 0, 1);
  enum { B = 3, P = 400 };
  uint8_t o[B * P];
  float out[B * P], scratch[B * P];
  for (int i = 0; i < B * P; i++) o[i] = (uint8_t)((i * 7 + i / 13) % 3 == 0);
  const float *in = rlc_obs_input(scratch, o, &m, B);
  CHECK(in == scratch);
  bool ok = true;
  for (int i = 0; i < B * P; i++) ok &= in[i] == (float)o[i];
  CHECK(ok);
  // Pixels, high 255: x * (1 / 255), every byte value, exactly that float.
  rlcSpace px = rlc_space_box_uniform(RLC_U8, 3, (int[]){4, 4, 16}, 0, 255);
  uint8_t all[256];
  for (int i = 0; i < 256; i++) all[i] = (uint8_t)i;
  rlc_obs_to_input(out, all, &px, 1);
  ok = out[0] == 0.0f && out[255] <= 1.0f && fabsf(out[255] - 1.0f) < 1e-6f;
  for (int i = 0; i < 256; i++) ok &= out[i] == (float)i * (1.0f / 255.0f);
  for (int i = 1; i < 256; i++) ok &= out[i] > out[i - 1];
  CHECK(ok);
  // Per-element bounds repeat every nbounds elements, row after row; a bound
  // that is not positive and finite leaves values unscaled.
  rlcSpace pe = rlc_space_box_uniform(RLC_U8, 1, (int[]){6}, 0, 1);
  pe.nbounds = 3;
  pe.high[0] = 2, pe.high[1] = 0, pe.high[2] = INFINITY;
  uint8_t v[12] = {4, 5, 6, 8, 9, 10, 2, 3, 4, 6, 7, 8};
  float want[12] = {2, 5, 6, 4, 9, 10, 1, 3, 4, 3, 7, 8};
  rlc_obs_to_input(out, v, &pe, 2);
  CHECK(!memcmp(out, want, sizeof want));
  // Nothing to do for no rows.
  out[0] = -1;
  rlc_obs_to_input(out, v, &pe, 0);
  CHECK(out[0] == -1);
}

TEST(data_layouts_from_spaces) {
  rlcDType dt;
  int size, adim;
  int shape[3] = {10, 10, 4};
  rlcSpace img = rlc_space_box_uniform(RLC_U8, 3, shape, 0, 1), disc = rlc_space_discrete_start(5, 1);
  float lo[3] = {-1, -1, -1}, hi[3] = {1, 1, 1};
  rlcSpace box = rlc_space_box(3, lo, hi);
  CHECK_OK(rlc_data_layout_of(&img, &disc, &dt, &size, &adim));
  CHECK(dt == RLC_U8 && size == 400 && adim == 0);
  CHECK_OK(rlc_data_layout_of(&box, &box, &dt, &size, &adim));
  CHECK(dt == RLC_F32 && size == 3 && adim == 3);
  rlcSpace md = rlc_space_multi_discrete(2, (int[]){2, 3});
  CHECK_ERR(rlc_data_layout_of(&box, &md, &dt, &size, &adim), RLC_ERR_UNSUPPORTED);
  CHECK(strstr(rlc_last_error(), "MultiDiscrete") != NULL);
  CHECK_ERR(rlc_data_layout_of(&disc, &disc, &dt, &size, &adim), RLC_ERR_UNSUPPORTED);
  CHECK_OK(rlc_data_check_layout("x", RLC_U8, 1, 0));
  CHECK_ERR(rlc_data_check_layout("x", RLC_I32, 1, 0), RLC_ERR_ARG);
  CHECK_ERR(rlc_data_check_layout("x", RLC_F32, 0, 0), RLC_ERR_ARG);
  CHECK_ERR(rlc_data_check_layout("x", RLC_F32, 1, -1), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "x: action_dim") != NULL);
}
