// draw.c: the rlcCanvas API (rlc/draw.h) over a Cairo ARGB32 image surface:
// antialiased shapes and "DejaVu Sans" toy-API text into packed RGB buffers.
// Depends on: rlc/draw.h, rlc/core.h, cairo.
#include <math.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>

#include <cairo.h>
#ifdef __SSSE3__
#include <tmmintrin.h>
#endif

#include "rlc/draw.h"
#include "draw_internal.h"

// Frames of one size reuse one surface (kept between canvases in a one-slot
// cache): a fresh 600x400 surface is a megabyte to zero and paint per frame.
// The surface remembers which background it holds and the boxes ("ink") that
// the last frame drew into, so a frame that starts with a clear in that colour
// repaints only the old ink, and the end converts only the new ink (the rest
// of the picture is background, written as such). Env frames draw a few small
// shapes over a background: most of a frame is never touched.
typedef struct Box {
  int x0, y0, x1, y1;  // [x0, x1) x [y0, y1); never empty in an Ink
} Box;

// A few boxes rather than one: CartPole's ground line spans the frame, its
// cart and pole do not.
#define INK_BOXES DRAW_MAX_BOXES

typedef struct Ink {
  Box box[INK_BOXES];
  int n;
} Ink;

typedef struct Backing {
  cairo_surface_t *surface;
  int w, h;
  bool known;    // every pixel outside ink is opaque bg
  rlcColor bg;
  Ink ink;
  uint8_t *bg_row;  // one row of bg in RGB, made when bg changes
  rlcColor bg_row_color;
  bool bg_row_valid;
} Backing;

// Surfaces up to this many pixels are kept for the next canvas.
#define CACHE_MAX_PIXELS (1 << 22)

static _Atomic(Backing *) cached;

struct rlcCanvas {
  uint8_t *rgb;  // caller's buffer (h, w, 3), written back by rlc_canvas_end
  int w, h;
  Backing *b;
  cairo_surface_t *surface;
  cairo_t *cr;
  bool loaded;   // the surface holds the caller's pixels (or a clear replaced them)
  bool known;    // this frame started with a clear: pixels outside ink are bg
  bool clipped;
  rlcColor bg;
  Ink ink;
};

static void backing_free(Backing *b) {
  if (!b) return;
  cairo_surface_destroy(b->surface);
  rlc_free(b->bg_row);
  rlc_free(b);
}

static atomic_bool whole_frames;
static _Thread_local uint64_t frames_ended;
static _Thread_local DrawFrame last_frame;

static _Thread_local DrawFrame expected;  // what a buffer holds (draw_expect)

uint64_t draw_frames_ended(void) { return frames_ended; }

void draw_expect(const DrawFrame *held) {
  if (held) expected = *held;
  else expected.rgb = NULL;
}
const DrawFrame *draw_last_frame(void) { return &last_frame; }

void draw_set_whole_frames(bool on) {
  atomic_store(&whole_frames, on);
  backing_free(atomic_exchange(&cached, NULL));
}

static rlcStatus cairo_failure(cairo_status_t st, int w, int h) {
  rlcStatus s = st == CAIRO_STATUS_NO_MEMORY ? RLC_ERR_NOMEM
              : st == CAIRO_STATUS_INVALID_SIZE ? RLC_ERR_ARG
                                                : RLC_ERR_STATE;
  return rlc_error(s, "canvas %dx%d: cairo: %s", w, h, cairo_status_to_string(st));
}

// The cached surface when it has this size, else a new one (contents unknown).
static rlcStatus backing_get(int w, int h, Backing **out) {
  Backing *b = atomic_load(&whole_frames) ? NULL : atomic_exchange(&cached, NULL);
  if (b && b->w == w && b->h == h) {
    *out = b;
    return RLC_OK;
  }
  backing_free(b);
  b = rlc_calloc(1, sizeof *b);
  uint8_t *row = rlc_malloc((size_t)w * 3 + 1);  // +1: rows are written 4 bytes a pixel
  if (!b || !row) {
    rlc_free(b);
    rlc_free(row);
    return RLC_ERR_NOMEM;
  }
  cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
  cairo_status_t st = cairo_surface_status(surface);
  if (st != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface);  // safe on cairo's error surfaces
    rlc_free(b);
    rlc_free(row);
    return cairo_failure(st, w, h);
  }
  *b = (Backing){.surface = surface, .w = w, .h = h, .bg_row = row};
  *out = b;
  return RLC_OK;
}

static void backing_put(Backing *b) {
  if ((size_t)b->w * b->h > CACHE_MAX_PIXELS || atomic_load(&whole_frames)) {
    backing_free(b);
    return;
  }
  backing_free(atomic_exchange(&cached, b));
}

rlcStatus rlc_canvas_begin(uint8_t *rgb, int w, int h, rlcCanvas **out) {
  if (!out) return rlc_error(RLC_ERR_ARG, "rlc_canvas_begin: out is NULL");
  *out = NULL;
  if (!rgb) return rlc_error(RLC_ERR_ARG, "rlc_canvas_begin: rgb buffer is NULL");
  if (w <= 0 || h <= 0) return rlc_error(RLC_ERR_ARG, "rlc_canvas_begin: bad size %dx%d", w, h);

  Backing *b = NULL;
  rlcStatus s = backing_get(w, h, &b);
  if (s) return s;
  cairo_t *cr = cairo_create(b->surface);
  cairo_status_t st = cairo_status(cr);
  if (st != CAIRO_STATUS_SUCCESS) {
    cairo_destroy(cr);
    backing_free(b);
    return cairo_failure(st, w, h);
  }
  rlcCanvas *c = rlc_malloc(sizeof *c);
  if (!c) {
    cairo_destroy(cr);
    backing_put(b);
    return RLC_ERR_NOMEM;
  }
  *c = (rlcCanvas){.rgb = rgb, .w = w, .h = h, .b = b, .surface = b->surface, .cr = cr};
  cairo_set_antialias(cr, CAIRO_ANTIALIAS_GOOD);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  *out = c;
  return RLC_OK;
}

static void ink_all(rlcCanvas *c) { c->ink = (Ink){.box[0] = {0, 0, c->w, c->h}, .n = 1}; }

static Box box_union(Box a, Box b) {
  return (Box){a.x0 < b.x0 ? a.x0 : b.x0, a.y0 < b.y0 ? a.y0 : b.y0, a.x1 > b.x1 ? a.x1 : b.x1,
               a.y1 > b.y1 ? a.y1 : b.y1};
}

static long box_area(Box a) { return (long)(a.x1 - a.x0) * (a.y1 - a.y0); }

// Adds the box [x0, x1] x [y0, y1], grown by pad and a pixel for
// antialiasing, to the frame's ink.
static void ink_add(rlcCanvas *c, double x0, double y0, double x1, double y1, double pad) {
  double fx0 = floor(x0 - pad) - 1, fy0 = floor(y0 - pad) - 1;
  double fx1 = ceil(x1 + pad) + 2, fy1 = ceil(y1 + pad) + 2;
  Box k = {fx0 < 0 ? 0 : fx0 > c->w ? c->w : (int)fx0, fy0 < 0 ? 0 : fy0 > c->h ? c->h : (int)fy0,
           fx1 < 0 ? 0 : fx1 > c->w ? c->w : (int)fx1, fy1 < 0 ? 0 : fy1 > c->h ? c->h : (int)fy1};
  if (k.x0 >= k.x1 || k.y0 >= k.y1) return;
  Ink *ink = &c->ink;
  if (ink->n < INK_BOXES) {
    ink->box[ink->n++] = k;
    return;
  }
  // Full: k joins the box that grows least.
  int best = 0;
  long best_growth = 0;
  for (int i = 0; i < ink->n; i++) {
    long growth = box_area(box_union(ink->box[i], k)) - box_area(ink->box[i]);
    if (i == 0 || growth < best_growth) best = i, best_growth = growth;
  }
  ink->box[best] = box_union(ink->box[best], k);
}

static void ink_points(rlcCanvas *c, const double *xy, int n, double pad) {
  double x0 = xy[0], x1 = xy[0], y0 = xy[1], y1 = xy[1];
  for (int i = 1; i < n; i++) {
    x0 = fmin(x0, xy[2 * i]), x1 = fmax(x1, xy[2 * i]);
    y0 = fmin(y0, xy[2 * i + 1]), y1 = fmax(y1, xy[2 * i + 1]);
  }
  ink_add(c, x0, y0, x1, y1, pad);
}

// Drawing starts from the caller's pixels (opaque), so drawing over an
// existing frame keeps what is not painted over. They are copied in on the
// first drawing call: a frame that starts with a clear (most env frames)
// skips the copy.
static void load(rlcCanvas *c) {
  if (c->loaded) return;
  c->loaded = true;
  c->known = false;
  ink_all(c);
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

// n pixels of ARGB32 to RGB; false when a pixel is not opaque (the span must
// then be un-premultiplied). Each pixel is stored as 4 bytes whose fourth the
// next pixel overwrites: no byte-by-byte stores in the common case, and no
// byte written past the span.
static bool span_to_rgb_opaque(const uint32_t *row, uint8_t *dst, int w) {
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

// ARGB32 is a native-endian uint32 with premultiplied colour. Everything we
// draw is opaque over an opaque start, so alpha is 255 in practice; other
// alphas are un-premultiplied rather than trusted.
static void span_to_rgb(const uint32_t *row, uint8_t *dst, int n) {
  if (span_to_rgb_opaque(row, dst, n)) return;
  for (int x = 0; x < n; x++, dst += 3) {
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

static const uint8_t *bg_row(Backing *b, rlcColor bg) {
  if (!b->bg_row_valid || b->bg_row_color != bg) {
    for (int x = 0; x < b->w; x++) {
      uint8_t *d = b->bg_row + 3 * x;
      d[0] = (uint8_t)(bg >> 16), d[1] = (uint8_t)(bg >> 8), d[2] = (uint8_t)bg;
    }
    b->bg_row_color = bg;
    b->bg_row_valid = true;
  }
  return b->bg_row;
}

void rlc_canvas_end(rlcCanvas *c) {
  if (!c) return;
  Backing *b = c->b;
  cairo_destroy(c->cr);
  if (c->loaded) {  // else nothing was drawn: the caller's pixels stay
    cairo_surface_flush(c->surface);
    const unsigned char *data = cairo_image_surface_get_data(c->surface);
    int stride = cairo_image_surface_get_stride(c->surface);
    if (!c->known || atomic_load(&whole_frames)) ink_all(c);
    const Ink *ink = &c->ink;
    size_t row_bytes = (size_t)c->w * 3;
    // Background first, then the boxes. The background goes where the buffer
    // does not hold it already: everywhere (but rows a box spans), or where
    // the frame the buffer holds drew (draw_expect).
    const uint8_t *bgr = c->known ? bg_row(b, c->bg) : NULL;
    const DrawFrame *h = &expected;
    if (c->known && h->rgb == c->rgb && h->w == c->w && h->h == c->h && h->known && h->bg == c->bg) {
      for (int i = 0; i < h->n; i++)
        for (int y = h->box[i][1]; y < h->box[i][3]; y++)
          memcpy(c->rgb + (size_t)y * row_bytes + (size_t)h->box[i][0] * 3, bgr + (size_t)h->box[i][0] * 3,
                 (size_t)(h->box[i][2] - h->box[i][0]) * 3);
    } else {
      for (int y = 0; y < c->h; y++) {
        bool spanned = false;
        for (int i = 0; i < ink->n && !spanned; i++) {
          const Box *k = &ink->box[i];
          spanned = k->x0 == 0 && k->x1 == c->w && y >= k->y0 && y < k->y1;
        }
        if (!spanned) memcpy(c->rgb + (size_t)y * row_bytes, bgr, row_bytes);
      }
    }
    for (int i = 0; i < ink->n; i++) {
      const Box *k = &ink->box[i];
      for (int y = k->y0; y < k->y1; y++)
        span_to_rgb((const uint32_t *)(data + (size_t)y * stride) + k->x0,
                    c->rgb + (size_t)y * row_bytes + (size_t)k->x0 * 3, k->x1 - k->x0);
    }
    b->known = c->known;
    b->bg = c->bg;
    b->ink = c->ink;
  }
  last_frame = (DrawFrame){.rgb = c->rgb, .w = c->w, .h = c->h, .known = c->loaded && c->known, .bg = c->bg,
                           .n = c->ink.n};
  for (int i = 0; i < c->ink.n; i++) {
    const Box *k = &c->ink.box[i];
    memcpy(last_frame.box[i], (int[4]){k->x0, k->y0, k->x1, k->y1}, sizeof last_frame.box[i]);
  }
  frames_ended++;
  expected.rgb = NULL;
  backing_put(b);
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
  Backing *b = c->b;
  cairo_save(c->cr);
  cairo_set_operator(c->cr, CAIRO_OPERATOR_SOURCE);
  set_color(c->cr, color);
  if (!c->loaded && b->known && b->bg == color) {
    // The surface is this colour already but for the last frame's ink.
    for (int i = 0; i < b->ink.n; i++) {
      const Box *k = &b->ink.box[i];
      cairo_rectangle(c->cr, k->x0, k->y0, k->x1 - k->x0, k->y1 - k->y0);
    }
    if (b->ink.n) cairo_fill(c->cr);
  } else {
    cairo_paint(c->cr);
  }
  cairo_restore(c->cr);
  if (c->loaded && c->clipped) {  // only the clip was painted
    ink_all(c);
    return;
  }
  // Every pixel is replaced (a clip would have loaded them already).
  if (!c->loaded) cairo_surface_mark_dirty(c->surface);
  c->loaded = true;
  c->known = true;
  c->bg = color;
  c->ink.n = 0;
}

void rlc_canvas_fill_rect(rlcCanvas *c, double x, double y, double w, double h, rlcColor color) {
  load(c);
  if (!finite4(x, y, w, h) || w <= 0 || h <= 0) return;
  ink_add(c, x, y, x + w, y + h, 0);
  cairo_new_path(c->cr);
  cairo_rectangle(c->cr, x, y, w, h);
  set_color(c->cr, color);
  cairo_fill(c->cr);
}

void rlc_canvas_stroke_rect(rlcCanvas *c, double x, double y, double w, double h, double width,
                            rlcColor color) {
  load(c);
  if (!finite4(x, y, w, h) || !isfinite(width) || width <= 0 || w < 0 || h < 0) return;
  ink_add(c, x, y, x + w, y + h, width);
  cairo_new_path(c->cr);
  cairo_rectangle(c->cr, x, y, w, h);
  cairo_set_line_width(c->cr, width);
  set_color(c->cr, color);
  cairo_stroke(c->cr);
}

void rlc_canvas_fill_polygon(rlcCanvas *c, const double *xy, int n, rlcColor color) {
  load(c);
  if (!xy || n < 3 || !finite_points(xy, n)) return;
  ink_points(c, xy, n, 0);
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
  // Cairo's arc is a spline that strays from the circle by a tiny fraction of r.
  ink_add(c, x - r, y - r, x + r, y + r, 1 + r * 0.01);
  cairo_new_path(c->cr);
  cairo_arc(c->cr, x, y, r, 0, 2 * M_PI);
  set_color(c->cr, color);
  cairo_fill(c->cr);
}

void rlc_canvas_stroke_circle(rlcCanvas *c, double x, double y, double r, double width,
                              rlcColor color) {
  load(c);
  if (!finite4(x, y, r, width) || r <= 0 || width <= 0) return;
  ink_add(c, x - r, y - r, x + r, y + r, width + 1 + r * 0.01);
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
  ink_add(c, fmin(x0, x1), fmin(y0, y1), fmax(x0, x1), fmax(y0, y1), width);
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
  ink_points(c, xy, n, width);
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
  ink_all(c);  // (text is rare in frames: no box worked out for it)
  cairo_new_path(c->cr);
  cairo_move_to(c->cr, ox, oy);
  set_color(c->cr, color);
  cairo_show_text(c->cr, text);
  cairo_new_path(c->cr);  // show_text leaves the current point after the text
}

void rlc_canvas_clip(rlcCanvas *c, double x, double y, double w, double h) {
  load(c);
  cairo_reset_clip(c->cr);
  c->clipped = false;
  if (!(w > 0)) return;
  if (!finite4(x, y, w, h)) return;
  c->clipped = true;
  cairo_new_path(c->cr);
  cairo_rectangle(c->cr, x, y, w, h > 0 ? h : 0);  // h <= 0: nothing is drawn
  cairo_clip(c->cr);
}
