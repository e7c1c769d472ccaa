// tests/test_out.c: the canvas (rlc/draw.h), PNG and GIF files (rlc/out.h).
// Depends on: tests/test.h; libpng and giflib directly, to make odd input files
// and to inspect what the writers produced.
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gif_lib.h>
#include <png.h>

#include "test.h"
#include "env/draw_internal.h"

//------------------------------------------------------------------------------
// Helpers
//------------------------------------------------------------------------------

static rlcColor px(const uint8_t *rgb, int w, int x, int y) {
  const uint8_t *p = rgb + ((size_t)y * w + x) * 3;
  return (rlcColor)p[0] << 16 | (rlcColor)p[1] << 8 | p[2];
}

#define CHECK_PX(rgb, w, x, y, want)                                                    \
  do {                                                                                  \
    rlcColor got_ = px(rgb, w, x, y), want_ = (want);                                   \
    CHECK_MSG(got_ == want_, "pixel (%d, %d): %06x, expected %06x", (int)(x), (int)(y), \
              (unsigned)got_, (unsigned)want_);                                         \
  } while (0)

static const char *tmp_path(char *buf, size_t n, const char *name) {
  snprintf(buf, n, "%s/%s", test_tmpdir(), name);
  return buf;
}

static bool file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

// Files in the temp dir whose name contains ".tmp." (leftover atomic writes).
static int temp_leftovers(void) {
  DIR *d = opendir(test_tmpdir());
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strstr(e->d_name, ".tmp.")) n++;
  closedir(d);
  return n;
}

static long file_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

// Keeps the first `len` bytes of a file.
static bool truncate_file(const char *path, long len) { return truncate(path, len) == 0; }

static bool write_bytes(const char *path, const void *data, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f) return false;
  bool ok = fwrite(data, 1, n, f) == n;
  return fclose(f) == 0 && ok;
}

// A local splitmix64 stream, so these tests need nothing beyond out/draw.
static void fill_random(uint8_t *buf, size_t n, uint64_t seed) {
  uint64_t x = seed;
  for (size_t i = 0; i < n; i++) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    buf[i] = (uint8_t)((z ^ (z >> 31)) >> 56);
  }
}

//------------------------------------------------------------------------------
// Canvas
//------------------------------------------------------------------------------

TEST(draw_shapes) {
  enum { W = 160, H = 100 };
  static uint8_t rgb[W * H * 3];
  memset(rgb, 0, sizeof rgb);
  rlcCanvas *c = NULL;
  CHECK_OK(rlc_canvas_begin(rgb, W, H, &c));
  if (!c) return;
  rlc_canvas_clear(c, 0xffffff);
  rlc_canvas_fill_rect(c, 10, 10, 30, 20, 0xff0000);
  rlc_canvas_fill_circle(c, 80, 30, 12, 0x0000ff);
  double tri[] = {10, 50, 50, 50, 30, 95};
  rlc_canvas_fill_polygon(c, tri, 3, 0x00ff00);
  rlc_canvas_line(c, 60, 60, 110, 60, 6, 0x123456);
  rlc_canvas_stroke_rect(c, 60, 75, 40, 20, 4, 0xff00ff);
  rlc_canvas_stroke_circle(c, 135, 30, 15, 4, 0x00ffff);
  double pl[] = {120, 60, 150, 60, 150, 90};
  rlc_canvas_polyline(c, pl, 3, 4, 0x808000);
  rlc_canvas_end(c);

  CHECK_PX(rgb, W, 25, 20, 0xff0000);  // rect interior
  CHECK_PX(rgb, W, 11, 11, 0xff0000);
  CHECK_PX(rgb, W, 5, 5, 0xffffff);
  CHECK_PX(rgb, W, 45, 20, 0xffffff);
  CHECK_PX(rgb, W, 80, 30, 0x0000ff);  // circle centre and interior
  CHECK_PX(rgb, W, 88, 30, 0x0000ff);
  CHECK_PX(rgb, W, 80, 21, 0x0000ff);
  CHECK_PX(rgb, W, 95, 30, 0xffffff);
  CHECK_PX(rgb, W, 80, 45, 0xffffff);
  CHECK_PX(rgb, W, 30, 60, 0x00ff00);  // triangle interior
  CHECK_PX(rgb, W, 12, 85, 0xffffff);  // beside it
  CHECK_PX(rgb, W, 85, 59, 0x123456);  // line covers y 57..63
  CHECK_PX(rgb, W, 85, 60, 0x123456);
  CHECK_PX(rgb, W, 85, 66, 0xffffff);
  CHECK_PX(rgb, W, 60, 85, 0xff00ff);  // stroke covers x 58..62 on the left edge
  CHECK_PX(rgb, W, 80, 75, 0xff00ff);
  CHECK_PX(rgb, W, 80, 85, 0xffffff);  // hollow
  CHECK_PX(rgb, W, 135, 15, 0x00ffff); // ring at radius 15 +- 2
  CHECK_PX(rgb, W, 150, 30, 0x00ffff);
  CHECK_PX(rgb, W, 135, 30, 0xffffff);
  CHECK_PX(rgb, W, 135, 60, 0x808000); // polyline segments
  CHECK_PX(rgb, W, 150, 75, 0x808000);
  CHECK_PX(rgb, W, 135, 75, 0xffffff);
}

TEST(draw_antialiased_edges) {
  // A circle edge has pixels between the two colours.
  enum { W = 40, H = 40 };
  uint8_t rgb[W * H * 3];
  rlcCanvas *c;
  CHECK_OK(rlc_canvas_begin(rgb, W, H, &c));
  rlc_canvas_clear(c, 0x000000);
  rlc_canvas_fill_circle(c, 20, 20, 13.3, 0xffffff);
  rlc_canvas_end(c);
  int mid = 0;
  for (int i = 0; i < W * H; i++) mid += rgb[3 * i] > 0 && rgb[3 * i] < 255;
  CHECK(mid > 10);
}

TEST(draw_keeps_existing_pixels) {
  enum { W = 30, H = 20 };
  uint8_t rgb[W * H * 3], before[W * H * 3];
  fill_random(rgb, sizeof rgb, 7);
  memcpy(before, rgb, sizeof rgb);
  rlcCanvas *c;
  CHECK_OK(rlc_canvas_begin(rgb, W, H, &c));
  rlc_canvas_fill_rect(c, 10, 5, 5, 5, 0x010203);
  rlc_canvas_end(c);
  int changed_outside = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      bool inside = x >= 10 && x < 15 && y >= 5 && y < 10;
      if (inside)
        CHECK_PX(rgb, W, x, y, 0x010203);
      else
        changed_outside += memcmp(rgb + (y * W + x) * 3, before + (y * W + x) * 3, 3) != 0;
    }
  CHECK_EQ_INT(changed_outside, 0);
}

TEST(draw_clip) {
  enum { W = 50, H = 40 };
  uint8_t rgb[W * H * 3];
  rlcCanvas *c;
  CHECK_OK(rlc_canvas_begin(rgb, W, H, &c));
  rlc_canvas_clear(c, 0xffffff);
  rlc_canvas_clip(c, 10, 10, 20, 10);
  rlc_canvas_fill_rect(c, 0, 0, W, H, 0xff0000);
  rlc_canvas_clip(c, 0, 0, 0, 0);  // reset
  rlc_canvas_fill_rect(c, 40, 30, 10, 10, 0x00ff00);
  rlc_canvas_end(c);
  CHECK_PX(rgb, W, 15, 15, 0xff0000);
  CHECK_PX(rgb, W, 29, 19, 0xff0000);
  CHECK_PX(rgb, W, 5, 5, 0xffffff);
  CHECK_PX(rgb, W, 35, 15, 0xffffff);
  CHECK_PX(rgb, W, 15, 25, 0xffffff);
  CHECK_PX(rgb, W, 45, 35, 0x00ff00);
}

// Bounding box of pixels darker than mid-grey on a white canvas; returns count.
static int ink_box(const uint8_t *rgb, int w, int h, int *x0, int *y0, int *x1, int *y1) {
  int n = 0;
  *x0 = *y0 = 1 << 30;
  *x1 = *y1 = -1;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (rgb[((size_t)y * w + x) * 3] < 128) {
        n++;
        if (x < *x0) *x0 = x;
        if (x > *x1) *x1 = x;
        if (y < *y0) *y0 = y;
        if (y > *y1) *y1 = y;
      }
  return n;
}

static int draw_text_box(rlcAlign align, double x, int *x0, int *y0, int *x1, int *y1) {
  enum { W = 200, H = 60 };
  static uint8_t rgb[W * H * 3];
  rlcCanvas *c;
  if (rlc_canvas_begin(rgb, W, H, &c) != RLC_OK) return -1;
  rlc_canvas_clear(c, 0xffffff);
  rlc_canvas_text(c, x, 30, 20, align, 0x000000, "+0.00");
  rlc_canvas_end(c);
  return ink_box(rgb, W, H, x0, y0, x1, y1);
}

TEST(draw_text) {
  int x0, y0, x1, y1;
  int n = draw_text_box(RLC_ALIGN_CENTER, 100, &x0, &y0, &x1, &y1);
  CHECK_MSG(n > 30, "only %d text pixels", n);
  // 20 px DejaVu "+0.00": about 55 px wide, digits about 15 px tall.
  CHECK_MSG(x0 >= 60 && x1 <= 140 && y0 >= 15 && y1 <= 45, "text box %d,%d..%d,%d", x0, y0, x1,
            y1);
  CHECK_MSG(x1 - x0 >= 30 && y1 - y0 >= 8, "text box %d,%d..%d,%d too small", x0, y0, x1, y1);
  CHECK_NEAR((x0 + x1) / 2.0, 100, 4);  // centred on x
  CHECK_NEAR((y0 + y1) / 2.0, 30, 1.5); // and vertically on y

  n = draw_text_box(RLC_ALIGN_LEFT, 10, &x0, &y0, &x1, &y1);
  CHECK(n > 30);
  CHECK_MSG(x0 >= 10 && x0 <= 15, "left-aligned text starts at %d", x0);
  n = draw_text_box(RLC_ALIGN_RIGHT, 190, &x0, &y0, &x1, &y1);
  CHECK(n > 30);
  CHECK_MSG(x1 <= 190 && x1 >= 184, "right-aligned text ends at %d", x1);
}

TEST(draw_degenerate_input) {
  enum { W = 20, H = 20 };
  uint8_t rgb[W * H * 3];
  rlcCanvas *c;
  CHECK_OK(rlc_canvas_begin(rgb, W, H, &c));
  rlc_canvas_clear(c, 0xffffff);
  double xy[] = {1, 1, 5, 5, NAN, 3};
  rlc_canvas_fill_polygon(c, xy, 0, 0);
  rlc_canvas_fill_polygon(c, xy, -3, 0);
  rlc_canvas_fill_polygon(c, xy, 2, 0);
  rlc_canvas_fill_polygon(c, NULL, 5, 0);
  rlc_canvas_fill_polygon(c, xy, 3, 0);  // NaN vertex
  rlc_canvas_polyline(c, xy, 1, 2, 0);
  rlc_canvas_polyline(c, xy, -1, 2, 0);
  rlc_canvas_polyline(c, NULL, 4, 2, 0);
  rlc_canvas_fill_circle(c, 10, 10, 0, 0);
  rlc_canvas_fill_circle(c, 10, 10, -4, 0);
  rlc_canvas_fill_circle(c, NAN, 10, 4, 0);
  rlc_canvas_stroke_circle(c, 10, 10, 4, 0, 0);
  rlc_canvas_stroke_rect(c, 2, 2, 10, 10, -1, 0);
  rlc_canvas_fill_rect(c, 2, 2, INFINITY, 3, 0);
  rlc_canvas_fill_rect(c, 2, 2, -5, 3, 0);
  rlc_canvas_line(c, 0, 0, 10, 10, 0, 0);
  rlc_canvas_text(c, 10, 10, 12, RLC_ALIGN_LEFT, 0, NULL);
  rlc_canvas_text(c, 10, 10, 12, RLC_ALIGN_LEFT, 0, "");
  rlc_canvas_text(c, 10, 10, 0, RLC_ALIGN_LEFT, 0, "x");
  rlc_canvas_text(c, 10, 10, 12, RLC_ALIGN_LEFT, 0, "\xff\xfe bad utf-8");
  rlc_canvas_text(c, 10, 10, 12, RLC_ALIGN_LEFT, 0, "\xe2\x82");  // cut-off sequence
  rlc_canvas_clip(c, NAN, 0, 5, 5);
  // Nothing above drew, and the canvas still works.
  rlc_canvas_fill_rect(c, 5, 5, 10, 10, 0x336699);
  rlc_canvas_end(c);
  CHECK_PX(rgb, W, 2, 2, 0xffffff);
  CHECK_PX(rgb, W, 18, 18, 0xffffff);
  CHECK_PX(rgb, W, 10, 10, 0x336699);
  // UTF-8 text that is valid draws.
  CHECK_OK(rlc_canvas_begin(rgb, W, H, &c));
  rlc_canvas_clear(c, 0xffffff);
  rlc_canvas_text(c, 10, 10, 14, RLC_ALIGN_CENTER, 0, "\xc3\xa9");  // é
  rlc_canvas_end(c);
  int x0, y0, x1, y1;
  CHECK(ink_box(rgb, W, H, &x0, &y0, &x1, &y1) > 3);
}

// Frame f of a random sequence: mostly a clear and a few shapes, as env
// frames are; some frames draw over the old pixels, clip or write text.
static uint64_t mix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static double uni(uint64_t *x, double lo, double hi) { return lo + (hi - lo) * (mix64(x) >> 11) * 0x1p-53; }

static void draw_random_frame(uint8_t *rgb, int W, int H, int f) {
  uint64_t x = 1000 + (uint64_t)f;
  rlcCanvas *c;
  if (rlc_canvas_begin(rgb, W, H, &c)) return;
  static const rlcColor bgs[] = {0xffffff, 0xffffff, 0xffffff, 0x000000, 0x204080};
  int kind = (int)(mix64(&x) % 16);
  if (kind != 0) rlc_canvas_clear(c, bgs[mix64(&x) % 5]);
  if (kind <= 2) rlc_canvas_clip(c, uni(&x, 0, W), uni(&x, 0, H), uni(&x, 5, W), uni(&x, 5, H));
  if (kind == 2) rlc_canvas_clear(c, 0x00ff00);  // under that clip
  int n = 1 + (int)(mix64(&x) % 4);
  for (int i = 0; i < n; i++) {
    double ax = uni(&x, -20, W + 20), ay = uni(&x, -20, H + 20), s = uni(&x, 0.5, 25), w = uni(&x, 0.3, 6);
    rlcColor col = (rlcColor)(mix64(&x) & 0xffffff);
    double xy[8] = {ax, ay, ax + uni(&x, -s, s), ay + uni(&x, -s, s), ax + uni(&x, -s, s), ay + uni(&x, -s, s),
                    ax + uni(&x, -s, s), ay + uni(&x, -s, s)};
    switch (mix64(&x) % 8) {
      case 0: rlc_canvas_fill_rect(c, ax, ay, s, s / 2, col); break;
      case 1: rlc_canvas_stroke_rect(c, ax, ay, s, s / 3, w, col); break;
      case 2: rlc_canvas_fill_polygon(c, xy, 3 + (int)(mix64(&x) % 2), col); break;
      case 3: rlc_canvas_fill_circle(c, ax, ay, s, col); break;
      case 4: rlc_canvas_stroke_circle(c, ax, ay, s, w, col); break;
      case 5: rlc_canvas_line(c, xy[0], xy[1], xy[2], xy[3], w, col); break;
      case 6: rlc_canvas_polyline(c, xy, 4, w, col); break;
      default:
        if (mix64(&x) % 3 == 0) rlc_canvas_text(c, ax, ay, s, RLC_ALIGN_CENTER, col, "Wy9");
        else rlc_canvas_fill_circle(c, ax, ay, 0.4, col);
    }
  }
  rlc_canvas_end(c);
}

// The surface kept between canvases repaints and converts only what frames
// drew: a frame drawn after another must come out as the whole frame drawn on
// a new surface does.
TEST(draw_kept_surface_same_pixels) {
  enum { W = 97, H = 61, N = 300 };
  uint8_t start[W * H * 3], warm[W * H * 3], fresh[W * H * 3];
  int mismatches = 0, first = -1;
  for (int f = 1; f < N; f++) {
    fill_random(start, sizeof start, (uint64_t)f);
    memcpy(warm, start, sizeof warm);
    draw_random_frame(warm, W, H, f - 1);
    memcpy(warm, start, sizeof warm);
    draw_random_frame(warm, W, H, f);
    draw_set_whole_frames(true);
    memcpy(fresh, start, sizeof fresh);
    draw_random_frame(fresh, W, H, f);
    draw_set_whole_frames(false);
    if (memcmp(warm, fresh, sizeof warm)) {
      if (first < 0) first = f;
      mismatches++;
    }
  }
  CHECK_MSG(mismatches == 0, "%d of %d frames differ from a new surface's (first: frame %d)", mismatches, N - 1, first);
  // A frame drawn over the last one keeps its pixels.
  memcpy(fresh, warm, sizeof fresh);
  rlcCanvas *c;
  CHECK_OK(rlc_canvas_begin(warm, W, H, &c));
  rlc_canvas_fill_rect(c, 0, 0, 1, 1, 0x010203);
  rlc_canvas_end(c);
  CHECK_PX(warm, W, 0, 0, 0x010203);
  CHECK(!memcmp(warm + 3 * W, fresh + 3 * W, sizeof warm - 3 * W));
}

TEST(draw_begin_errors) {
  uint8_t rgb[12];
  rlcCanvas *c = (rlcCanvas *)1;
  CHECK_ERR(rlc_canvas_begin(NULL, 2, 2, &c), RLC_ERR_ARG);
  CHECK(c == NULL);
  CHECK(strlen(rlc_last_error()) > 0);
  CHECK_ERR(rlc_canvas_begin(rgb, 0, 2, &c), RLC_ERR_ARG);
  CHECK_ERR(rlc_canvas_begin(rgb, 2, -1, &c), RLC_ERR_ARG);
  CHECK_ERR(rlc_canvas_begin(rgb, 2, 2, NULL), RLC_ERR_ARG);
  // Beyond cairo's 32767 limit: cairo's error, reported, and no canvas.
  rlc_clear_error();
  c = (rlcCanvas *)1;
  CHECK(rlc_canvas_begin(rgb, 40000, 1, &c) != RLC_OK);
  CHECK(c == NULL);
  CHECK_MSG(strstr(rlc_last_error(), "cairo") != NULL, "message: %s", rlc_last_error());
  rlc_canvas_end(NULL);  // harmless
}

//------------------------------------------------------------------------------
// PNG
//------------------------------------------------------------------------------

TEST(png_roundtrip) {
  enum { W = 37, H = 23 };
  uint8_t img[W * H * 3];
  fill_random(img, sizeof img, 1);
  char path[512];
  tmp_path(path, sizeof path, "round.png");
  CHECK_OK(rlc_png_write(path, img, W, H));
  uint8_t *back = NULL;
  int w = 0, h = 0;
  CHECK_OK(rlc_png_read(path, &back, &w, &h));
  CHECK_EQ_INT(w, W);
  CHECK_EQ_INT(h, H);
  CHECK(back && memcmp(back, img, sizeof img) == 0);
  rlc_free(back);
  // Overwriting replaces the file.
  img[0] ^= 0xff;
  CHECK_OK(rlc_png_write(path, img, W, H));
  CHECK_OK(rlc_png_read(path, &back, &w, &h));
  CHECK(back && back[0] == img[0]);
  rlc_free(back);
  // A 1x1 image too.
  uint8_t one[3] = {1, 2, 3};
  tmp_path(path, sizeof path, "one.png");
  CHECK_OK(rlc_png_write(path, one, 1, 1));
  CHECK_OK(rlc_png_read(path, &back, &w, &h));
  CHECK(w == 1 && h == 1 && back && memcmp(back, one, 3) == 0);
  rlc_free(back);
  CHECK_EQ_INT(temp_leftovers(), 0);
}

TEST(png_write_errors) {
  uint8_t img[4 * 4 * 3] = {0};
  char path[512];
  tmp_path(path, sizeof path, "missing-dir/x.png");
  CHECK_ERR(rlc_png_write(path, img, 4, 4), RLC_ERR_IO);
  CHECK_MSG(strstr(rlc_last_error(), path) != NULL, "message: %s", rlc_last_error());
  CHECK_MSG(strstr(rlc_last_error(), "No such file") != NULL, "message: %s", rlc_last_error());
  CHECK(!file_exists(path));
  tmp_path(path, sizeof path, "bad.png");
  CHECK_ERR(rlc_png_write(path, img, 0, 4), RLC_ERR_ARG);
  CHECK_ERR(rlc_png_write(path, NULL, 4, 4), RLC_ERR_ARG);
  CHECK(!file_exists(path));
  // The target is a directory: rename fails, the temp file goes away.
  tmp_path(path, sizeof path, "adir");
  CHECK(mkdir(path, 0700) == 0);
  CHECK_ERR(rlc_png_write(path, img, 4, 4), RLC_ERR_IO);
  CHECK_EQ_INT(temp_leftovers(), 0);
}

TEST(png_read_errors) {
  char path[512];
  uint8_t *rgb = (uint8_t *)1;
  int w, h;
  tmp_path(path, sizeof path, "nothing-here.png");
  CHECK_ERR(rlc_png_read(path, &rgb, &w, &h), RLC_ERR_NOT_FOUND);
  CHECK(rgb == NULL);

  enum { W = 64, H = 64 };
  static uint8_t img[W * H * 3];
  fill_random(img, sizeof img, 2);  // incompressible, so the IDAT is large
  tmp_path(path, sizeof path, "trunc.png");
  CHECK_OK(rlc_png_write(path, img, W, H));
  long size = file_size(path);
  CHECK(truncate_file(path, size / 2));
  rgb = (uint8_t *)1;
  CHECK_ERR(rlc_png_read(path, &rgb, &w, &h), RLC_ERR_FORMAT);
  CHECK(rgb == NULL);
  CHECK_MSG(strstr(rlc_last_error(), path) != NULL, "message: %s", rlc_last_error());
  // Cut inside the header chunks, and right after the signature.
  CHECK_OK(rlc_png_write(path, img, W, H));
  CHECK(truncate_file(path, 20));
  CHECK_ERR(rlc_png_read(path, &rgb, &w, &h), RLC_ERR_FORMAT);
  CHECK(truncate_file(path, 8));
  CHECK_ERR(rlc_png_read(path, &rgb, &w, &h), RLC_ERR_FORMAT);
  CHECK(truncate_file(path, 3));
  CHECK_ERR(rlc_png_read(path, &rgb, &w, &h), RLC_ERR_FORMAT);
  CHECK(truncate_file(path, 0));
  CHECK_ERR(rlc_png_read(path, &rgb, &w, &h), RLC_ERR_FORMAT);
  // Missing IEND.
  CHECK_OK(rlc_png_write(path, img, W, H));
  CHECK(truncate_file(path, file_size(path) - 12));
  CHECK_ERR(rlc_png_read(path, &rgb, &w, &h), RLC_ERR_FORMAT);
  // A flipped byte in the middle of the image data (bad CRC).
  CHECK_OK(rlc_png_write(path, img, W, H));
  FILE *f = fopen(path, "r+b");
  CHECK(f != NULL);
  if (f) {
    fseek(f, file_size(path) / 2, SEEK_SET);
    int ch = fgetc(f);
    fseek(f, file_size(path) / 2, SEEK_SET);
    fputc(ch ^ 0x5a, f);
    fclose(f);
  }
  CHECK_ERR(rlc_png_read(path, &rgb, &w, &h), RLC_ERR_FORMAT);
  // Not a PNG at all.
  CHECK(write_bytes(path, "hello, world, this is text", 26));
  CHECK_ERR(rlc_png_read(path, &rgb, &w, &h), RLC_ERR_FORMAT);
  CHECK(rgb == NULL);
  // A directory.
  CHECK(rlc_png_read(test_tmpdir(), &rgb, &w, &h) != RLC_OK);
}

// Writes a PNG of any type with libpng; rows are packed, rowbytes apart.
static bool write_png_raw(const char *path, int w, int h, int color_type, int depth,
                          int interlace, const uint8_t *data, size_t rowbytes,
                          const png_color *pal, int npal) {
  FILE *f = fopen(path, "wb");
  if (!f) return false;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  png_bytep *rows = malloc(h * sizeof *rows);
  if (!info || !rows || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, info ? &info : NULL);
    free(rows);
    fclose(f);
    return false;
  }
  png_init_io(png, f);
  png_set_IHDR(png, info, w, h, depth, color_type, interlace, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  if (pal) png_set_PLTE(png, info, pal, npal);
  for (int y = 0; y < h; y++) rows[y] = (png_bytep)data + y * rowbytes;
  png_write_info(png, info);
  png_write_image(png, rows);
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  free(rows);
  return fclose(f) == 0;
}

TEST(png_read_other_formats) {
  enum { W = 9, H = 7 };
  char path[512];
  tmp_path(path, sizeof path, "fmt.png");
  uint8_t src[W * H * 8], want[W * H * 3];
  uint8_t *got = NULL;
  int w, h;
  fill_random(src, sizeof src, 3);

#define READ_AND_COMPARE(what)                                                 \
  do {                                                                         \
    got = NULL;                                                                \
    CHECK_OK(rlc_png_read(path, &got, &w, &h));                                \
    CHECK_MSG(got && w == W && h == H && memcmp(got, want, sizeof want) == 0,  \
              "%s does not read back as expected", what);                      \
    rlc_free(got);                                                             \
  } while (0)

  // 8-bit gray.
  for (int i = 0; i < W * H; i++) want[3 * i] = want[3 * i + 1] = want[3 * i + 2] = src[i];
  CHECK(write_png_raw(path, W, H, PNG_COLOR_TYPE_GRAY, 8, PNG_INTERLACE_NONE, src, W, NULL, 0));
  READ_AND_COMPARE("gray8");
  // Gray + alpha (alpha dropped).
  uint8_t ga[W * H * 2];
  for (int i = 0; i < W * H; i++) ga[2 * i] = src[i], ga[2 * i + 1] = (uint8_t)i;
  CHECK(write_png_raw(path, W, H, PNG_COLOR_TYPE_GRAY_ALPHA, 8, PNG_INTERLACE_NONE, ga, 2 * W,
                      NULL, 0));
  READ_AND_COMPARE("gray+alpha");
  // 1-bit gray: 0 and 255.
  uint8_t bits[H * 2];
  for (int y = 0; y < H; y++) {
    bits[2 * y] = (uint8_t)(0xa5 ^ y);
    bits[2 * y + 1] = 0x80;  // x = 8 set, rest padding
    for (int x = 0; x < W; x++) {
      int on = (bits[2 * y + x / 8] >> (7 - x % 8)) & 1;
      memset(want + (y * W + x) * 3, on ? 255 : 0, 3);
    }
  }
  CHECK(write_png_raw(path, W, H, PNG_COLOR_TYPE_GRAY, 1, PNG_INTERLACE_NONE, bits, 2, NULL, 0));
  READ_AND_COMPARE("gray1");
  // 4-bit palette.
  png_color pal[16];
  for (int i = 0; i < 16; i++) pal[i] = (png_color){(uint8_t)(i * 16), (uint8_t)(255 - i), 77};
  uint8_t nib[H * 5];
  for (int y = 0; y < H; y++)
    for (int x = 0; x < 10; x++) {
      int k = (x * 3 + y) & 15;
      if (x % 2 == 0) nib[y * 5 + x / 2] = (uint8_t)(k << 4);
      else nib[y * 5 + x / 2] |= (uint8_t)k;
      if (x < W) {
        uint8_t *p = want + (y * W + x) * 3;
        p[0] = pal[k].red, p[1] = pal[k].green, p[2] = pal[k].blue;
      }
    }
  CHECK(write_png_raw(path, W, H, PNG_COLOR_TYPE_PALETTE, 4, PNG_INTERLACE_NONE, nib, 5, pal, 16));
  READ_AND_COMPARE("palette4");
  // RGBA (alpha dropped, not composited).
  for (int i = 0; i < W * H; i++) memcpy(want + 3 * i, src + 4 * i, 3);
  CHECK(write_png_raw(path, W, H, PNG_COLOR_TYPE_RGBA, 8, PNG_INTERLACE_NONE, src, 4 * W, NULL,
                      0));
  READ_AND_COMPARE("rgba8");
  // 16-bit RGB with values c * 257 reads back as c.
  uint8_t rgb16[W * H * 6];
  for (int i = 0; i < W * H * 3; i++) {
    want[i] = src[i];
    rgb16[2 * i] = rgb16[2 * i + 1] = src[i];  // big-endian c*257 = (c, c)
  }
  CHECK(write_png_raw(path, W, H, PNG_COLOR_TYPE_RGB, 16, PNG_INTERLACE_NONE, rgb16, 6 * W, NULL,
                      0));
  READ_AND_COMPARE("rgb16");
  // Interlaced RGB.
  CHECK(write_png_raw(path, W, H, PNG_COLOR_TYPE_RGB, 8, PNG_INTERLACE_ADAM7, src, 3 * W, NULL,
                      0));
  READ_AND_COMPARE("rgb8 interlaced");
#undef READ_AND_COMPARE
}

//------------------------------------------------------------------------------
// GIF
//------------------------------------------------------------------------------

// Frame k of the exact test: 200 colours, exactly 256 colours, one colour.
static void exact_frame(uint8_t *rgb, int w, int h, int k) {
  static uint8_t pal[200 * 3];
  fill_random(pal, sizeof pal, 11);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      uint8_t *p = rgb + ((size_t)y * w + x) * 3;
      if (k == 0) {
        memcpy(p, pal + 3 * ((x / 3 + (y / 2) * 7) % 200), 3);
      } else if (k == 1) {
        int i = (x + y * w) % 256;
        p[0] = (uint8_t)i, p[1] = (uint8_t)(255 - i), p[2] = (uint8_t)(i * 7);
      } else {
        p[0] = 12, p[1] = 200, p[2] = 99;
      }
    }
}

TEST(gif_roundtrip_exact) {
  enum { W = 64, H = 48 };
  static uint8_t frame[3][W * H * 3];
  char path[512];
  tmp_path(path, sizeof path, "exact.gif");
  rlcGif *g = NULL;
  CHECK_OK(rlc_gif_create(path, W, H, 30, &g));
  if (!g) return;
  CHECK(!file_exists(path));  // appears only on close
  for (int k = 0; k < 3; k++) {
    exact_frame(frame[k], W, H, k);
    CHECK_OK(rlc_gif_add_frame(g, frame[k]));
  }
  CHECK_EQ_INT(rlc_gif_frame_count(g), 3);
  CHECK_OK(rlc_gif_close(g));
  CHECK(file_exists(path));
  CHECK_EQ_INT(temp_leftovers(), 0);

  int n = 0, w = 0, h = 0;
  CHECK_OK(rlc_gif_read_info(path, &n, &w, &h));
  CHECK_EQ_INT(n, 3);
  CHECK_EQ_INT(w, W);
  CHECK_EQ_INT(h, H);
  for (int k = 0; k < 3; k++) {
    uint8_t *back = NULL;
    CHECK_OK(rlc_gif_read_frame(path, k, &back));
    int bad = 0;
    for (int i = 0; back && i < W * H * 3; i++) bad += back[i] != frame[k][i];
    CHECK_MSG(back && bad == 0, "frame %d: %d bytes differ", k, bad);
    rlc_free(back);
  }
  uint8_t *back = (uint8_t *)1;
  CHECK_ERR(rlc_gif_read_frame(path, 3, &back), RLC_ERR_ARG);
  CHECK(back == NULL);
  CHECK_ERR(rlc_gif_read_frame(path, -1, &back), RLC_ERR_ARG);
}

static void gradient(uint8_t *rgb, int w, int h) {
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      uint8_t *p = rgb + ((size_t)y * w + x) * 3;
      p[0] = (uint8_t)(x * 255 / (w - 1));
      p[1] = (uint8_t)(y * 255 / (h - 1));
      p[2] = (uint8_t)((x * 255 / (w - 1) + 255 - y * 255 / (h - 1)) / 2);
    }
}

TEST(gif_quantized_frame) {
  enum { W = 256, H = 160 };
  static uint8_t grad[W * H * 3], small[W * H * 3];
  gradient(grad, W, H);
  exact_frame(small, W, H, 0);
  char path[512];
  tmp_path(path, sizeof path, "grad.gif");
  rlcGif *g;
  CHECK_OK(rlc_gif_create(path, W, H, 10, &g));
  CHECK_OK(rlc_gif_add_frame(g, grad));
  CHECK_OK(rlc_gif_add_frame(g, small));  // exact again after a quantized frame
  CHECK_OK(rlc_gif_close(g));
  uint8_t *back = NULL;
  CHECK_OK(rlc_gif_read_frame(path, 0, &back));
  if (back) {
    double err[3] = {0, 0, 0};
    int worst = 0;
    for (int i = 0; i < W * H * 3; i++) {
      int d = abs(back[i] - grad[i]);
      err[i % 3] += d;
      if (d > worst) worst = d;
    }
    for (int ch = 0; ch < 3; ch++) {
      err[ch] /= W * H;
      CHECK_MSG(err[ch] < 6, "channel %d: mean abs error %.2f", ch, err[ch]);
    }
    CHECK_MSG(worst < 24, "worst error %d", worst);
  }
  rlc_free(back);
  CHECK_OK(rlc_gif_read_frame(path, 1, &back));
  CHECK(back && memcmp(back, small, sizeof small) == 0);
  rlc_free(back);
}

TEST(gif_large_frames) {
  // 600x400 frames, as envs render them: the exact path must be fast.
  enum { W = 600, H = 400, N = 20 };
  static uint8_t rgb[W * H * 3];
  char path[512];
  tmp_path(path, sizeof path, "large.gif");
  rlcGif *g;
  CHECK_OK(rlc_gif_create(path, W, H, 50, &g));
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int k = 0; k < N; k++) {
    rlcCanvas *c;
    CHECK_OK(rlc_canvas_begin(rgb, W, H, &c));
    rlc_canvas_clear(c, 0xffffff);
    rlc_canvas_line(c, 0, 300, W, 300, 1, 0x000000);
    rlc_canvas_fill_rect(c, 250 + k * 5, 280, 50, 30, 0x000000);
    rlc_canvas_line(c, 275 + k * 5, 280, 275 + k * 8, 180, 10, 0xca9865);
    rlc_canvas_fill_circle(c, 275 + k * 5, 280, 5, 0x8184cb);
    rlc_canvas_text(c, 10, 20, 16, RLC_ALIGN_LEFT, 0x000000, "step");
    rlc_canvas_end(c);
    CHECK_OK(rlc_gif_add_frame(g, rgb));
  }
  CHECK_OK(rlc_gif_close(g));
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ms = ((t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6) / N;
  CHECK_MSG(ms < 100, "%.1f ms per 600x400 frame", ms);
  uint8_t *back = NULL;
  CHECK_OK(rlc_gif_read_frame(path, N - 1, &back));
  // Antialiasing gives this frame a few hundred colours: nearly exact, and the
  // flat background exactly so.
  if (back) {
    double diff = 0;
    for (size_t i = 0; i < sizeof rgb; i++) diff += abs(back[i] - rgb[i]);
    CHECK_MSG(diff / sizeof rgb < 0.1, "mean abs error %.3f", diff / sizeof rgb);
    CHECK_PX(back, W, 500, 100, 0xffffff);
    CHECK_PX(back, W, 5, 390, 0xffffff);
  }
  rlc_free(back);
}

TEST(gif_timing_and_loop) {
  int fps[] = {30, 60, 4, 1000, 1};
  int want[] = {3, 2, 25, 2, 100};
  uint8_t rgb[4 * 3 * 3] = {0};
  char path[512];
  tmp_path(path, sizeof path, "timing.gif");
  for (int t = 0; t < 5; t++) {
    rlcGif *g;
    CHECK_OK(rlc_gif_create(path, 4, 3, fps[t], &g));
    CHECK_OK(rlc_gif_add_frame(g, rgb));
    CHECK_OK(rlc_gif_add_frame(g, rgb));
    CHECK_OK(rlc_gif_close(g));
    FILE *f = fopen(path, "rb");
    char magic[7] = {0};
    CHECK(f && fread(magic, 1, 6, f) == 6);
    if (f) fclose(f);
    CHECK(strcmp(magic, "GIF89a") == 0);
    int err;
    GifFileType *gif = DGifOpenFileName(path, &err);
    CHECK(gif != NULL);
    if (!gif) continue;
    CHECK(DGifSlurp(gif) == GIF_OK);
    CHECK_EQ_INT(gif->ImageCount, 2);
    for (int i = 0; i < gif->ImageCount; i++) {
      GraphicsControlBlock gcb;
      CHECK(DGifSavedExtensionToGCB(gif, i, &gcb) == GIF_OK);
      CHECK_EQ_INT(gcb.DelayTime, want[t]);
      CHECK_EQ_INT(gcb.TransparentColor, NO_TRANSPARENT_COLOR);
      CHECK(gif->SavedImages[i].ImageDesc.ColorMap != NULL);
      // The first frame whole, an unchanged one as a 1x1 image over it.
      CHECK_EQ_INT(gif->SavedImages[i].ImageDesc.Width, i == 0 ? 4 : 1);
    }
    // NETSCAPE2.0 application block with loop count 0 before the first frame.
    bool looped = false;
    const SavedImage *s0 = &gif->SavedImages[0];
    for (int b = 0; b + 1 < s0->ExtensionBlockCount; b++) {
      const ExtensionBlock *e = &s0->ExtensionBlocks[b], *next = e + 1;
      if (e->Function == APPLICATION_EXT_FUNC_CODE && e->ByteCount == 11 &&
          memcmp(e->Bytes, "NETSCAPE2.0", 11) == 0 && next->ByteCount == 3 &&
          next->Bytes[0] == 1 && next->Bytes[1] == 0 && next->Bytes[2] == 0)
        looped = true;
    }
    CHECK(looped);
    DGifCloseFile(gif, &err);
  }
}

TEST(gif_failed_frame_leaves_nothing) {
  uint8_t rgb[8 * 8 * 3] = {0};
  char path[512];
  tmp_path(path, sizeof path, "failed.gif");
  rlcGif *g;
  CHECK_OK(rlc_gif_create(path, 8, 8, 10, &g));
  CHECK_OK(rlc_gif_add_frame(g, rgb));
  CHECK_ERR(rlc_gif_add_frame(g, NULL), RLC_ERR_ARG);
  CHECK(rlc_gif_add_frame(g, rgb) != RLC_OK);  // the recording stays failed
  rlc_clear_error();
  CHECK_ERR(rlc_gif_close(g), RLC_ERR_ARG);
  CHECK_MSG(strstr(rlc_last_error(), "frame 1") != NULL, "message: %s", rlc_last_error());
  CHECK(!file_exists(path));
  CHECK_EQ_INT(temp_leftovers(), 0);
  // No frames at all is an error too, and leaves nothing.
  CHECK_OK(rlc_gif_create(path, 8, 8, 10, &g));
  CHECK_ERR(rlc_gif_close(g), RLC_ERR_STATE);
  CHECK(!file_exists(path));
  CHECK_EQ_INT(temp_leftovers(), 0);
  CHECK_OK(rlc_gif_close(NULL));
}

TEST(gif_create_errors) {
  char path[512];
  rlcGif *g = (rlcGif *)1;
  tmp_path(path, sizeof path, "no-such-dir/a.gif");
  CHECK_ERR(rlc_gif_create(path, 8, 8, 10, &g), RLC_ERR_IO);
  CHECK(g == NULL);
  CHECK_MSG(strstr(rlc_last_error(), path) != NULL, "message: %s", rlc_last_error());
  tmp_path(path, sizeof path, "a.gif");
  CHECK_ERR(rlc_gif_create(path, 0, 8, 10, &g), RLC_ERR_ARG);
  CHECK_ERR(rlc_gif_create(path, 8, 70000, 10, &g), RLC_ERR_ARG);
  CHECK_ERR(rlc_gif_create(path, 8, 8, 0, &g), RLC_ERR_ARG);
  CHECK_ERR(rlc_gif_create(NULL, 8, 8, 10, &g), RLC_ERR_ARG);
  CHECK(!file_exists(path));
  CHECK_EQ_INT(temp_leftovers(), 0);
}

TEST(gif_read_errors) {
  enum { W = 40, H = 30 };
  static uint8_t rgb[W * H * 3];
  char path[512];
  tmp_path(path, sizeof path, "trunc.gif");
  int n, w, h;
  uint8_t *back = (uint8_t *)1;
  CHECK_ERR(rlc_gif_read_info(path, &n, &w, &h), RLC_ERR_NOT_FOUND);
  CHECK_ERR(rlc_gif_read_frame(path, 0, &back), RLC_ERR_NOT_FOUND);
  CHECK(back == NULL);

  rlcGif *g;
  CHECK_OK(rlc_gif_create(path, W, H, 10, &g));
  for (int k = 0; k < 3; k++) {
    fill_random(rgb, sizeof rgb, 20 + k);  // noise: >256 colours, large frames
    CHECK_OK(rlc_gif_add_frame(g, rgb));
  }
  CHECK_OK(rlc_gif_close(g));
  long size = file_size(path);
  CHECK(size > 1000);
  // Cut at many places, from inside the header to just before the trailer.
  long cuts[] = {0, 3, 6, 10, 13, 40, size / 3, size / 2, size - 2};
  for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
    CHECK_OK(rlc_gif_create(path, W, H, 10, &g));
    for (int k = 0; k < 3; k++) {
      fill_random(rgb, sizeof rgb, 20 + k);
      CHECK_OK(rlc_gif_add_frame(g, rgb));
    }
    CHECK_OK(rlc_gif_close(g));
    CHECK(truncate_file(path, cuts[i]));
    rlcStatus s = rlc_gif_read_info(path, &n, &w, &h);
    CHECK_MSG(s == RLC_ERR_FORMAT, "cut at %ld of %ld: %s (%s)", cuts[i], size,
              rlc_status_name(s), rlc_last_error());
    back = (uint8_t *)1;
    CHECK_ERR(rlc_gif_read_frame(path, 0, &back), RLC_ERR_FORMAT);
    CHECK(back == NULL);
  }
  // A PNG is not a GIF.
  CHECK_OK(rlc_png_write(path, rgb, 2, 2));
  CHECK_ERR(rlc_gif_read_info(path, &n, &w, &h), RLC_ERR_FORMAT);
  // Random bytes after a valid signature.
  uint8_t junk[300];
  fill_random(junk, sizeof junk, 99);
  memcpy(junk, "GIF89a", 6);
  for (int seed = 0; seed < 50; seed++) {
    fill_random(junk + 6, sizeof junk - 6, 100 + seed);
    CHECK(write_bytes(path, junk, sizeof junk));
    back = NULL;
    if (rlc_gif_read_frame(path, 0, &back) == RLC_OK) rlc_free(back);  // must only not crash
  }
}

// A hand-made GIF with a global map, a sub-rectangle frame with a local map,
// disposal to background and a transparent pixel: the reader composites.
TEST(gif_read_composites_subframes) {
  char path[512];
  tmp_path(path, sizeof path, "sub.gif");
  int err;
  GifFileType *gif = EGifOpenFileName(path, false, &err);
  CHECK(gif != NULL);
  if (!gif) return;
  EGifSetGifVersion(gif, true);
  GifColorType gcols[4] = {{0, 0, 0}, {255, 0, 0}, {0, 0, 255}, {10, 20, 30}};
  ColorMapObject gmap = {4, 2, false, gcols};
  GifColorType lcols[2] = {{0, 255, 0}, {1, 1, 1}};
  ColorMapObject lmap = {2, 1, false, lcols};
  CHECK(EGifPutScreenDesc(gif, 8, 6, 8, 3, &gmap) == GIF_OK);
  GifByteType ext[4];
  GraphicsControlBlock gcb = {DISPOSE_DO_NOT, false, 10, NO_TRANSPARENT_COLOR};
  // Frame 0: all red.
  EGifGCBToExtension(&gcb, ext);
  CHECK(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, 4, ext) == GIF_OK);
  CHECK(EGifPutImageDesc(gif, 0, 0, 8, 6, false, NULL) == GIF_OK);
  GifPixelType line[48];
  memset(line, 1, sizeof line);
  CHECK(EGifPutLine(gif, line, 48) == GIF_OK);
  // Frame 1: green 3x2 at (2, 1), then disposed to background.
  gcb.DisposalMode = DISPOSE_BACKGROUND;
  EGifGCBToExtension(&gcb, ext);
  CHECK(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, 4, ext) == GIF_OK);
  CHECK(EGifPutImageDesc(gif, 2, 1, 3, 2, false, &lmap) == GIF_OK);
  memset(line, 0, sizeof line);
  CHECK(EGifPutLine(gif, line, 6) == GIF_OK);
  // Frame 2: blue 2x2 at (0, 0) with a transparent top-left pixel.
  gcb.DisposalMode = DISPOSE_DO_NOT;
  gcb.TransparentColor = 0;
  EGifGCBToExtension(&gcb, ext);
  CHECK(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, 4, ext) == GIF_OK);
  // (An explicit map: giflib 5.2.1 leaks the previous local map when a frame
  // after one has none.)
  CHECK(EGifPutImageDesc(gif, 0, 0, 2, 2, false, &gmap) == GIF_OK);
  GifPixelType f2[4] = {0, 2, 2, 2};
  CHECK(EGifPutLine(gif, f2, 4) == GIF_OK);
  CHECK(EGifCloseFile(gif, &err) == GIF_OK);

  int n, w, h;
  CHECK_OK(rlc_gif_read_info(path, &n, &w, &h));
  CHECK(n == 3 && w == 8 && h == 6);
  uint8_t *f = NULL;
  CHECK_OK(rlc_gif_read_frame(path, 1, &f));
  if (f) {
    for (int y = 0; y < 6; y++)
      for (int x = 0; x < 8; x++) {
        bool in = x >= 2 && x < 5 && y >= 1 && y < 3;
        CHECK_PX(f, 8, x, y, in ? 0x00ff00 : 0xff0000);
      }
  }
  rlc_free(f);
  f = NULL;
  CHECK_OK(rlc_gif_read_frame(path, 2, &f));
  if (f) {
    CHECK_PX(f, 8, 0, 0, 0xff0000);  // transparent: frame 0 shows through
    CHECK_PX(f, 8, 1, 0, 0x0000ff);
    CHECK_PX(f, 8, 0, 1, 0x0000ff);
    CHECK_PX(f, 8, 1, 1, 0x0000ff);
    CHECK_PX(f, 8, 2, 1, 0x0a141e);  // frame 1's area went back to background
    CHECK_PX(f, 8, 4, 2, 0x0a141e);
    CHECK_PX(f, 8, 5, 2, 0xff0000);
    CHECK_PX(f, 8, 7, 5, 0xff0000);
  }
  rlc_free(f);
}

// Writes that fail part-way (here: a file size limit, standing in for a full
// disk) are I/O errors, and no partial file is left.
TEST(gif_png_write_failure) {
  enum { W = 200, H = 150 };
  static uint8_t rgb[W * H * 3];
  fill_random(rgb, sizeof rgb, 5);
  struct rlimit old;
  if (getrlimit(RLIMIT_FSIZE, &old) != 0) return;
  void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
  struct rlimit lim = old;
  lim.rlim_cur = 4096;
  CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);

  char path[512];
  tmp_path(path, sizeof path, "full.png");
  CHECK_ERR(rlc_png_write(path, rgb, W, H), RLC_ERR_IO);
  CHECK_MSG(strstr(rlc_last_error(), path) != NULL, "message: %s", rlc_last_error());
  CHECK(!file_exists(path));

  tmp_path(path, sizeof path, "full.gif");
  rlcGif *g;
  CHECK_OK(rlc_gif_create(path, W, H, 10, &g));
  rlcStatus first = RLC_OK;
  for (int k = 0; k < 4 && first == RLC_OK; k++) first = rlc_gif_add_frame(g, rgb);
  rlcStatus s = rlc_gif_close(g);
  CHECK_EQ_INT(s, RLC_ERR_IO);
  if (first != RLC_OK) CHECK_EQ_INT(first, RLC_ERR_IO);
  CHECK_MSG(strstr(rlc_last_error(), path) != NULL, "message: %s", rlc_last_error());
  CHECK(!file_exists(path));

  CHECK(setrlimit(RLIMIT_FSIZE, &old) == 0);
  signal(SIGXFSZ, old_handler);
  CHECK_EQ_INT(temp_leftovers(), 0);
}

//------------------------------------------------------------------------------
// Plots
//------------------------------------------------------------------------------

#include "out/out_internal.h"

// A constant series sits on an axis from 0 through it; data ranges keep nice ticks.
TEST(plot_axis_ranges) {
  double lo, hi, step;
  plot_axis(0.1, 0.1, &lo, &hi, &step);
  CHECK_MSG(lo == 0 && hi >= 0.1 && hi <= 0.2, "constant 0.1: axis %g..%g", lo, hi);
  plot_axis(-3, -3, &lo, &hi, &step);
  CHECK_MSG(hi == 0 && lo <= -3 && lo >= -6, "constant -3: axis %g..%g", lo, hi);
  plot_axis(0, 0, &lo, &hi, &step);
  CHECK_MSG(lo == 0 && hi == 1, "constant 0: axis %g..%g", lo, hi);
  plot_axis(9, 500, &lo, &hi, &step);
  CHECK_MSG(lo == 0 && hi == 500 && step == 100, "9..500: axis %g..%g step %g", lo, hi, step);
}

static int count_color(const uint8_t *rgb, int w, int x0, int y0, int x1, int y1, int r, int g, int b) {
  int n = 0;
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++) {
      const uint8_t *p = rgb + ((size_t)y * w + x) * 3;
      n += abs(p[0] - r) < 40 && abs(p[1] - g) < 40 && abs(p[2] - b) < 40;
    }
  return n;
}

// The legend tells a faint series from a solid one of the same hue, and a
// marker on the top tick is drawn whole inside the frame.
TEST(plot_legend_and_top_markers) {
  double x[3] = {0, 1, 2}, y[3] = {100, 300, 500}, ym[3] = {500, 500, 500};
  rlcPlotSeries se[3] = {
      {"faint", x, y, 3, 0, 1, 0.3, false, NULL, NULL},
      {"solid", x, y, 3, 0, 2, 1, false, NULL, NULL},
      {NULL, x, ym, 3, 3, 1, 1, true, NULL, NULL}};
  rlcPlotPanel p = {"t", "x", "y", se, 3, NAN, NULL};
  char path[512];
  snprintf(path, sizeof path, "%s/plot.png", test_tmpdir());
  CHECK_OK(rlc_plot_png(path, &p, 1, 400, 300));
  uint8_t *rgb = NULL;
  int w, h;
  CHECK_OK(rlc_png_read(path, &rgb, &w, &h));
  if (!rgb) return;
  // Swatches: x 78..92, rows 38..41 and 53..56 (frame at 70, 30).
  const uint8_t *a = rgb + ((size_t)39 * w + 85) * 3, *b = rgb + ((size_t)54 * w + 85) * 3;
  int diff = abs(a[0] - b[0]) + abs(a[1] - b[1]) + abs(a[2] - b[2]);
  CHECK_MSG(diff > 100, "legend swatches (%d,%d,%d) and (%d,%d,%d) look alike", a[0], a[1], a[2], b[0], b[1], b[2]);
  // Red markers (palette 3: 214,39,40) at y = 500: whole discs below the frame's top (y 30).
  int above = count_color(rgb, w, 70, 0, 400, 31, 214, 39, 40);
  int marker = count_color(rgb, w, 300, 31, 400, 60, 214, 39, 40);
  CHECK_EQ_INT(above, 0);
  CHECK_MSG(marker >= 18, "the top-right marker has %d pixels", marker);
  rlc_free(rgb);
}

// Only the rectangle that changed is encoded, and reading composes the frames
// back exactly.
TEST(gif_encodes_changed_rectangles) {
  enum { W = 40, H = 30 };
  static uint8_t a[W * H * 3], b[W * H * 3];
  for (int i = 0; i < W * H; i++) a[3 * i] = (uint8_t)(i % 7 * 30), a[3 * i + 1] = 200, a[3 * i + 2] = (uint8_t)(i % 3);
  memcpy(b, a, sizeof a);
  for (int y = 10; y < 14; y++)
    for (int x = 5; x < 25; x++) b[(y * W + x) * 3 + 1] = 17;
  char path[512];
  tmp_path(path, sizeof path, "delta.gif");
  rlcGif *g;
  CHECK_OK(rlc_gif_create(path, W, H, 30, &g));
  CHECK_OK(rlc_gif_add_frame(g, a));
  CHECK_OK(rlc_gif_add_frame(g, b));
  CHECK_OK(rlc_gif_add_frame(g, a));
  CHECK_OK(rlc_gif_close(g));
  int err;
  GifFileType *gif = DGifOpenFileName(path, &err);
  CHECK(gif && DGifSlurp(gif) == GIF_OK);
  if (!gif) return;
  const GifImageDesc *d = &gif->SavedImages[1].ImageDesc;
  CHECK(d->Left == 5 && d->Top == 10 && d->Width == 20 && d->Height == 4);
  DGifCloseFile(gif, &err);
  const uint8_t *want[3] = {a, b, a};
  for (int i = 0; i < 3; i++) {
    uint8_t *rgb;
    CHECK_OK(rlc_gif_read_frame(path, i, &rgb));
    CHECK_MSG(rgb && !memcmp(rgb, want[i], sizeof a), "frame %d differs after reading back", i);
    rlc_free(rgb);
  }
}

// Every width takes the row conversion's vector body and its tail: a cleared
// canvas with one pixel set per row comes back exactly, at widths 1..40.
TEST(draw_rows_convert_at_every_width) {
  for (int w = 1; w <= 40; w++) {
    int h = 3;
    uint8_t rgb[40 * 3 * 3 + 16];
    memset(rgb, 0xab, sizeof rgb);
    rlcCanvas *c;
    CHECK_OK(rlc_canvas_begin(rgb, w, h, &c));
    rlc_canvas_clear(c, 0x123456);
    for (int y = 0; y < h; y++) rlc_canvas_fill_rect(c, (y * 7) % w, y, 1, 1, 0xfedcba);
    rlc_canvas_end(c);
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) {
        const uint8_t *p = rgb + (y * w + x) * 3;
        bool mark = x == (y * 7) % w;
        uint8_t want[3] = {mark ? 0xfe : 0x12, mark ? 0xdc : 0x34, mark ? 0xba : 0x56};
        CHECK_MSG(!memcmp(p, want, 3), "width %d: pixel (%d, %d) is %02x%02x%02x", w, x, y, p[0], p[1], p[2]);
      }
    CHECK_MSG(rgb[w * h * 3] == 0xab, "width %d: written past the frame", w);
  }
}

// rlc's LZW writes the image data giflib's EGifPutLine wrote, byte for byte:
// palettes of 2 to 256 colours (code sizes 2 to 8), quantized frames, frames
// long enough to fill the code table many times, flat runs, 1x1 frames.
static bool read_file(const char *path, uint8_t **data, long *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return false;
  fseek(f, 0, SEEK_END);
  *n = ftell(f);
  rewind(f);
  *data = malloc((size_t)*n + 1);
  bool ok = *data && fread(*data, 1, (size_t)*n, f) == (size_t)*n;
  fclose(f);
  return ok;
}

static void lzw_test_frame(uint8_t *rgb, int w, int h, int f) {
  // f % 8: colours per frame 2, 3, 5, 17, 200, 256, many (quantized), flat
  static const int ncol[8] = {2, 3, 5, 17, 200, 256, 100000, 1};
  int k = ncol[f % 8];
  uint64_t x = 77 + (uint64_t)f;
  for (int i = 0; i < w * h; i++) {
    // Runs of random length, as rendered frames have, and noise.
    uint32_t c = (uint32_t)(mix64(&x) % (uint64_t)k);
    int run = (int)(mix64(&x) % 40);
    for (int j = 0; j <= run && i < w * h; j++, i++) {
      uint32_t v = k > 256 ? (uint32_t)mix64(&x) : c * 2654435761u;
      rgb[3 * i] = (uint8_t)(v >> 8), rgb[3 * i + 1] = (uint8_t)(v >> 16), rgb[3 * i + 2] = (uint8_t)(v >> 24);
    }
    i--;
  }
}

TEST(gif_lzw_same_bytes_as_giflib) {
  static const int sizes[][2] = {{1, 1}, {3, 2}, {61, 47}, {320, 200}};
  for (int si = 0; si < 4; si++) {
    int w = sizes[si][0], h = sizes[si][1];
    uint8_t *rgb = malloc((size_t)w * h * 3);
    char pa[512], pb[512];
    tmp_path(pa, sizeof pa, "lzw-giflib.gif");
    tmp_path(pb, sizeof pb, "lzw-rlc.gif");
    for (int pass = 0; pass < 2; pass++) {
      gif_set_giflib_lzw(pass == 0);
      rlcGif *g;
      CHECK_OK(rlc_gif_create(pass == 0 ? pa : pb, w, h, 30, &g));
      for (int f = 0; f < 16; f++) {
        lzw_test_frame(rgb, w, h, f);
        CHECK_OK(rlc_gif_add_frame(g, rgb));
      }
      CHECK_OK(rlc_gif_close(g));
    }
    gif_set_giflib_lzw(false);
    uint8_t *a = NULL, *b = NULL;
    long na = 0, nb = 0;
    CHECK(read_file(pa, &a, &na) && read_file(pb, &b, &nb));
    long at = 0;
    while (at < na && at < nb && a[at] == b[at]) at++;
    CHECK_MSG(na == nb && at == na, "%dx%d: %ld and %ld bytes, first difference at byte %ld", w, h, na, nb, at);
    free(a);
    free(b);
    free(rgb);
  }
}
