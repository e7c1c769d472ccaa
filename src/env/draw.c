// draw.c: the rlcCanvas API (rlc/draw.h) over a Cairo ARGB32 image surface:
// antialiased shapes and "DejaVu Sans" toy-API text into packed RGB buffers.
// Depends on: rlc/draw.h, rlc/core.h, cairo.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#ifdef __SSSE3__
#include <tmmintrin.h>
#endif

#include "rlc/draw.h"

struct rlcCanvas {
  uint8_t *rgb;  // caller's buffer (h, w, 3), written back by rlc_canvas_end
  int w, h;
  cairo_surface_t *surface;
  cairo_t *cr;
  bool loaded;   // the surface holds the caller's pixels (or a clear replaced them)
};

static rlcStatus cairo_failure(cairo_status_t st, int w, int h) {
  rlcStatus s = st == CAIRO_STATUS_NO_MEMORY ? RLC_ERR_NOMEM
              : st == CAIRO_STATUS_INVALID_SIZE ? RLC_ERR_ARG
                                                : RLC_ERR_STATE;
  return rlc_error(s, "canvas %dx%d: cairo: %s", w, h, cairo_status_to_string(st));
}

rlcStatus rlc_canvas_begin(uint8_t *rgb, int w, int h, rlcCanvas **out) {
  if (!out) return rlc_error(RLC_ERR_ARG, "rlc_canvas_begin: out is NULL");
  *out = NULL;
  if (!rgb) return rlc_error(RLC_ERR_ARG, "rlc_canvas_begin: rgb buffer is NULL");
  if (w <= 0 || h <= 0) return rlc_error(RLC_ERR_ARG, "rlc_canvas_begin: bad size %dx%d", w, h);

  cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
  cairo_status_t st = cairo_surface_status(surface);
  if (st != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface);  // safe on cairo's error surfaces
    return cairo_failure(st, w, h);
  }
  cairo_t *cr = cairo_create(surface);
  st = cairo_status(cr);
  if (st != CAIRO_STATUS_SUCCESS) {
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    return cairo_failure(st, w, h);
  }
  rlcCanvas *c = rlc_malloc(sizeof *c);
  if (!c) {
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    return RLC_ERR_NOMEM;
  }
  *c = (rlcCanvas){rgb, w, h, surface, cr, false};
  cairo_set_antialias(cr, CAIRO_ANTIALIAS_GOOD);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  *out = c;
  return RLC_OK;
}

// Drawing starts from the caller's pixels (opaque), so drawing over an
// existing frame keeps what is not painted over. They are copied in on the
// first drawing call: a frame that starts with a clear (most env frames)
// skips the copy.
static void load(rlcCanvas *c) {
  if (c->loaded) return;
  c->loaded = true;
  cairo_surface_flush(c->surface);
  unsigned char *data = cairo_image_surface_get_data(c->surface);
  int stride = cairo_image_surface_get_stride(c->surface);
  for (int y = 0; y < c->h; y++) {
    uint32_t *row = (uint32_t *)(data + (size_t)y * stride);
    const uint8_t *src = c->rgb + (size_t)y * c->w * 3;
    for (int x = 0; x < c->w; x++, src += 3)
      row[x] = 0xff000000u | (uint32_t)src[0] << 16 | (uint32_t)src[1] << 8 | src[2];
  }
  cairo_surface_mark_dirty(c->surface);
}

// One row of ARGB32 to RGB; false when a pixel is not opaque (the row must
// then be un-premultiplied). Each pixel is stored as 4 bytes whose fourth the
// next pixel overwrites: no byte-by-byte stores in the common case.
static bool row_to_rgb_opaque(const uint32_t *row, uint8_t *dst, int w) {
  uint32_t all = 0xffffffffu;
  int x = 0;
#ifdef __SSSE3__
  // Four pixels a shuffle: B G R A x4 -> R G B x4 in 12 of the 16 bytes
  // stored (the next store overwrites the other 4; the loop stops while a
  // whole store still fits in the row).
  const __m128i order = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
  __m128i acc = _mm_set1_epi32(-1);
  for (; x + 6 <= w; x += 4) {
    __m128i p = _mm_loadu_si128((const __m128i *)(row + x));
    acc = _mm_and_si128(acc, p);
    _mm_storeu_si128((__m128i *)(dst + 3 * x), _mm_shuffle_epi8(p, order));
  }
  uint32_t lanes[4];
  _mm_storeu_si128((__m128i *)lanes, acc);
  all = lanes[0] & lanes[1] & lanes[2] & lanes[3];
#endif
  for (; x + 1 < w; x++) {
    uint32_t p = row[x];
    all &= p;
    uint32_t v = (p >> 16 & 255) | (p & 0xff00) | (p & 255) << 16;  // bytes R, G, B, 0
    memcpy(dst + 3 * x, &v, 4);
  }
  uint32_t p = row[w - 1];
  all &= p;
  uint8_t *d = dst + 3 * (w - 1);
  d[0] = (uint8_t)(p >> 16), d[1] = (uint8_t)(p >> 8), d[2] = (uint8_t)p;
  return all >> 24 == 255;
}

void rlc_canvas_end(rlcCanvas *c) {
  if (!c) return;
  if (!c->loaded) {  // nothing was drawn: the caller's pixels stay
    cairo_destroy(c->cr);
    cairo_surface_destroy(c->surface);
    rlc_free(c);
    return;
  }
  cairo_surface_flush(c->surface);
  const unsigned char *data = cairo_image_surface_get_data(c->surface);
  int stride = cairo_image_surface_get_stride(c->surface);
  // ARGB32 is a native-endian uint32 with premultiplied colour. Everything we
  // draw is opaque over an opaque start, so alpha is 255 in practice; other
  // alphas are un-premultiplied rather than trusted.
  for (int y = 0; y < c->h; y++) {
    const uint32_t *row = (const uint32_t *)(data + (size_t)y * stride);
    uint8_t *dst = c->rgb + (size_t)y * c->w * 3;
    if (row_to_rgb_opaque(row, dst, c->w)) continue;
    for (int x = 0; x < c->w; x++, dst += 3) {
      uint32_t p = row[x], a = p >> 24;
      uint32_t r = (p >> 16) & 255, g = (p >> 8) & 255, b = p & 255;
      if (a != 255) {
        if (a == 0) {
          r = g = b = 0;
        } else {
          r = (r * 255 + a / 2) / a;
          g = (g * 255 + a / 2) / a;
          b = (b * 255 + a / 2) / a;
          if (r > 255) r = 255;
          if (g > 255) g = 255;
          if (b > 255) b = 255;
        }
      }
      dst[0] = (uint8_t)r;
      dst[1] = (uint8_t)g;
      dst[2] = (uint8_t)b;
    }
  }
  cairo_destroy(c->cr);
  cairo_surface_destroy(c->surface);
  rlc_free(c);
}

//------------------------------------------------------------------------------
// Shapes
//------------------------------------------------------------------------------

static void set_color(cairo_t *cr, rlcColor color) {
  cairo_set_source_rgb(cr, ((color >> 16) & 255) / 255.0, ((color >> 8) & 255) / 255.0,
                       (color & 255) / 255.0);
}

// Non-finite coordinates would leave garbage paths (or an error state that
// silently disables all later drawing), so such shapes are skipped.
static bool finite4(double a, double b, double c, double d) {
  return isfinite(a) && isfinite(b) && isfinite(c) && isfinite(d);
}

static bool finite_points(const double *xy, int n) {
  for (int i = 0; i < 2 * n; i++)
    if (!isfinite(xy[i])) return false;
  return true;
}

void rlc_canvas_clear(rlcCanvas *c, rlcColor color) {
  // Every pixel is replaced (a clip would have loaded them already).
  if (!c->loaded) {
    c->loaded = true;
    cairo_surface_mark_dirty(c->surface);
  }
  cairo_save(c->cr);
  cairo_set_operator(c->cr, CAIRO_OPERATOR_SOURCE);
  set_color(c->cr, color);
  cairo_paint(c->cr);
  cairo_restore(c->cr);
}

void rlc_canvas_fill_rect(rlcCanvas *c, double x, double y, double w, double h, rlcColor color) {
  load(c);
  if (!finite4(x, y, w, h) || w <= 0 || h <= 0) return;
  cairo_new_path(c->cr);
  cairo_rectangle(c->cr, x, y, w, h);
  set_color(c->cr, color);
  cairo_fill(c->cr);
}

void rlc_canvas_stroke_rect(rlcCanvas *c, double x, double y, double w, double h, double width,
                            rlcColor color) {
  load(c);
  if (!finite4(x, y, w, h) || !isfinite(width) || width <= 0 || w < 0 || h < 0) return;
  cairo_new_path(c->cr);
  cairo_rectangle(c->cr, x, y, w, h);
  cairo_set_line_width(c->cr, width);
  set_color(c->cr, color);
  cairo_stroke(c->cr);
}

void rlc_canvas_fill_polygon(rlcCanvas *c, const double *xy, int n, rlcColor color) {
  load(c);
  if (!xy || n < 3 || !finite_points(xy, n)) return;
  cairo_new_path(c->cr);
  cairo_move_to(c->cr, xy[0], xy[1]);
  for (int i = 1; i < n; i++) cairo_line_to(c->cr, xy[2 * i], xy[2 * i + 1]);
  cairo_close_path(c->cr);
  set_color(c->cr, color);
  cairo_fill(c->cr);
}

void rlc_canvas_fill_circle(rlcCanvas *c, double x, double y, double r, rlcColor color) {
  load(c);
  if (!finite4(x, y, r, 0) || r <= 0) return;
  cairo_new_path(c->cr);
  cairo_arc(c->cr, x, y, r, 0, 2 * M_PI);
  set_color(c->cr, color);
  cairo_fill(c->cr);
}

void rlc_canvas_stroke_circle(rlcCanvas *c, double x, double y, double r, double width,
                              rlcColor color) {
  load(c);
  if (!finite4(x, y, r, width) || r <= 0 || width <= 0) return;
  cairo_new_path(c->cr);
  cairo_arc(c->cr, x, y, r, 0, 2 * M_PI);
  cairo_close_path(c->cr);  // no cap notch where the arc starts
  cairo_set_line_width(c->cr, width);
  set_color(c->cr, color);
  cairo_stroke(c->cr);
}

void rlc_canvas_line(rlcCanvas *c, double x0, double y0, double x1, double y1, double width,
                     rlcColor color) {
  load(c);
  if (!finite4(x0, y0, x1, y1) || !isfinite(width) || width <= 0) return;
  cairo_new_path(c->cr);
  cairo_move_to(c->cr, x0, y0);
  cairo_line_to(c->cr, x1, y1);
  cairo_set_line_width(c->cr, width);
  set_color(c->cr, color);
  cairo_stroke(c->cr);
}

void rlc_canvas_polyline(rlcCanvas *c, const double *xy, int n, double width, rlcColor color) {
  load(c);
  if (!xy || n < 2 || !isfinite(width) || width <= 0 || !finite_points(xy, n)) return;
  cairo_new_path(c->cr);
  cairo_move_to(c->cr, xy[0], xy[1]);
  for (int i = 1; i < n; i++) cairo_line_to(c->cr, xy[2 * i], xy[2 * i + 1]);
  cairo_set_line_width(c->cr, width);
  set_color(c->cr, color);
  cairo_stroke(c->cr);
}

//------------------------------------------------------------------------------
// Text
//------------------------------------------------------------------------------

// Cairo puts the whole context into a permanent error state on invalid UTF-8,
// which would silently blank every later shape, so text is checked first.
static bool valid_utf8(const unsigned char *s) {
  while (*s) {
    unsigned char b = *s;
    int n;
    uint32_t cp;
    if (b < 0x80) { s++; continue; }
    if (b >= 0xc2 && b <= 0xdf) { n = 1; cp = b & 0x1f; }
    else if (b >= 0xe0 && b <= 0xef) { n = 2; cp = b & 0x0f; }
    else if (b >= 0xf0 && b <= 0xf4) { n = 3; cp = b & 0x07; }
    else return false;
    for (int i = 1; i <= n; i++) {
      if ((s[i] & 0xc0) != 0x80) return false;
      cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    s += n + 1;
  }
  return true;
}

void rlc_canvas_text(rlcCanvas *c, double x, double y, double size, rlcAlign align,
                     rlcColor color, const char *text) {
  load(c);
  if (!text || !*text || !finite4(x, y, size, 0) || size <= 0 ||
      !valid_utf8((const unsigned char *)text))
    return;
  cairo_set_font_size(c->cr, size);
  cairo_text_extents_t e;
  cairo_text_extents(c->cr, text, &e);
  // Horizontal placement by advance (so columns of numbers line up); vertical
  // by the ink box, so the visible text is centred on y whatever the baseline.
  double ox = align == RLC_ALIGN_CENTER ? x - e.x_advance / 2
            : align == RLC_ALIGN_RIGHT  ? x - e.x_advance
                                        : x;
  double oy = y - (e.y_bearing + e.height / 2);
  cairo_new_path(c->cr);
  cairo_move_to(c->cr, ox, oy);
  set_color(c->cr, color);
  cairo_show_text(c->cr, text);
  cairo_new_path(c->cr);  // show_text leaves the current point after the text
}

void rlc_canvas_clip(rlcCanvas *c, double x, double y, double w, double h) {
  load(c);
  cairo_reset_clip(c->cr);
  if (!(w > 0)) return;
  if (!finite4(x, y, w, h)) return;
  cairo_new_path(c->cr);
  cairo_rectangle(c->cr, x, y, w, h > 0 ? h : 0);  // h <= 0: nothing is drawn
  cairo_clip(c->cr);
}
