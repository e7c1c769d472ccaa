// plot.c: line plots into a PNG (learning curves): stacked panels sharing a
// width, each with axes, "nice" ticks, a grid, series (gaps at NAN), an
// optional reference line and a legend. Drawn with Cairo, written by the PNG
// writer (atomically).
// Depends on: rlc/out.h, Cairo.
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "out/out_internal.h"

// Tableau-like palette, readable on white.
static const double palette[10][3] = {
    {0.12, 0.47, 0.71}, {1.00, 0.50, 0.05}, {0.17, 0.63, 0.17}, {0.84, 0.15, 0.16}, {0.58, 0.40, 0.74},
    {0.55, 0.34, 0.29}, {0.89, 0.47, 0.76}, {0.50, 0.50, 0.50}, {0.74, 0.74, 0.13}, {0.09, 0.75, 0.81},
};

static double nice_step(double range, int target) {
  double raw = range / target, mag = pow(10, floor(log10(raw))), f = raw / mag;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

// The y axis's outer ticks and tick step for data in [lo, hi]. A constant
// series (epsilon held at 0.1) gets an axis from 0 through it, not one
// centred on it that runs into negative values it never takes.
void plot_axis(double lo, double hi, double *tmin, double *tmax, double *step) {
  if (hi - lo < 1e-12 * fmax(1, fabs(hi))) {
    if (lo > 0) lo = 0, hi *= 1.25;
    else if (hi < 0) hi = 0, lo *= 1.25;
    else lo = 0, hi = 1;
  }
  *step = nice_step(hi - lo, 5);
  *tmin = floor(lo / *step) * *step, *tmax = ceil(hi / *step) * *step;
}

static void fmt_tick(char *buf, size_t n, double v, double step) {
  double a = fabs(v);
  if (a == 0) snprintf(buf, n, "0");
  else if (a < 1e-3 || a >= 1e12) snprintf(buf, n, "%.3g", v);
  else if (step >= 1e5 && a >= 1e6) snprintf(buf, n, "%gM", round(v / step) * step / 1e6);
  else if (step >= 100 && a >= 1000) snprintf(buf, n, "%gk", round(v / step) * step / 1000);
  else snprintf(buf, n, "%g", round(v / step) * step);
}

static void text(cairo_t *cr, double x, double y, const char *s, double ax, double ay) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, s, &e);
  cairo_move_to(cr, x - ax * e.width - e.x_bearing, y - ay * e.height - e.y_bearing);
  cairo_show_text(cr, s);
}

static void draw_panel(cairo_t *cr, const rlcPlotPanel *p, double X, double Y, double W, double H) {
  const double L = 70, R = 20, T = 30, B = 40;
  double x0 = X + L, x1 = X + W - R, y0 = Y + T, y1 = Y + H - B;
  // Data ranges.
  double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
  for (int s = 0; s < p->n_series; s++)
    for (int i = 0; i < p->series[s].n; i++) {
      double x = p->series[s].x[i], y = p->series[s].y[i];
      if (!isfinite(x) || !isfinite(y)) continue;
      xmin = fmin(xmin, x), xmax = fmax(xmax, x), ymin = fmin(ymin, y), ymax = fmax(ymax, y);
      if (p->series[s].lo && isfinite(p->series[s].lo[i])) ymin = fmin(ymin, p->series[s].lo[i]);
      if (p->series[s].hi && isfinite(p->series[s].hi[i])) ymax = fmax(ymax, p->series[s].hi[i]);
    }
  if (isfinite(p->hline)) ymin = fmin(ymin, p->hline), ymax = fmax(ymax, p->hline);
  bool empty = !(xmin <= xmax);
  if (empty) xmin = 0, xmax = 1, ymin = 0, ymax = 1;
  if (xmax - xmin < 1e-12) xmax = xmin + 1;
  double ys, xs = nice_step(xmax - xmin, 6), tmin, tmax;
  plot_axis(ymin, ymax, &tmin, &tmax, &ys);
  // The frame reaches a little past the outer ticks, so points on them (a
  // maximal return) keep their whole marker.
  double ypad = (tmax - tmin) * 0.04;
  ymin = tmin - ypad, ymax = tmax + ypad;
#define PX(x) (x0 + ((x) - xmin) / (xmax - xmin) * (x1 - x0))
#define PY(y) (y1 - ((y) - ymin) / (ymax - ymin) * (y1 - y0))
  // Grid and ticks.
  char buf[32];
  cairo_set_font_size(cr, 11);
  cairo_set_line_width(cr, 1);
  for (double t = tmin; t <= tmax + ys * 0.5; t += ys) {
    cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
    cairo_move_to(cr, x0, round(PY(t)) + 0.5);
    cairo_line_to(cr, x1, round(PY(t)) + 0.5);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    fmt_tick(buf, sizeof buf, t, ys);
    text(cr, x0 - 6, PY(t), buf, 1, 0.5);
  }
  for (double t = ceil(xmin / xs) * xs; t <= xmax + xs * 1e-9; t += xs) {
    cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
    cairo_move_to(cr, round(PX(t)) + 0.5, y0);
    cairo_line_to(cr, round(PX(t)) + 0.5, y1);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    fmt_tick(buf, sizeof buf, t, xs);
    text(cr, PX(t), y1 + 6, buf, 0.5, 0);
  }
  cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
  cairo_rectangle(cr, x0 + 0.5, y0 + 0.5, x1 - x0, y1 - y0);
  cairo_stroke(cr);
  cairo_set_font_size(cr, 13);
  if (p->title) text(cr, (x0 + x1) / 2, Y + 8, p->title, 0.5, 0);
  cairo_set_font_size(cr, 11);
  if (p->xlabel) text(cr, (x0 + x1) / 2, Y + H - 14, p->xlabel, 0.5, 0);
  if (p->ylabel) {
    cairo_save(cr);
    cairo_translate(cr, X + 14, (y0 + y1) / 2);
    cairo_rotate(cr, -M_PI / 2);
    text(cr, 0, 0, p->ylabel, 0.5, 0.5);
    cairo_restore(cr);
  }
  if (empty) {
    text(cr, (x0 + x1) / 2, (y0 + y1) / 2, "no data", 0.5, 0.5);
    return;
  }
  // Series, clipped to the frame.
  cairo_save(cr);
  cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
  cairo_clip(cr);
  if (isfinite(p->hline)) {
    double dash[] = {6, 4};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 1.2);
    cairo_move_to(cr, x0, PY(p->hline));
    cairo_line_to(cr, x1, PY(p->hline));
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
  }
  for (int s = 0; s < p->n_series; s++) {
    const rlcPlotSeries *se = &p->series[s];
    const double *c = palette[((se->color % 10) + 10) % 10];
    if (se->lo && se->hi) {
      // The band: along hi, back along lo (points where all three are finite).
      bool first = true;
      for (int i = 0; i < se->n; i++)
        if (isfinite(se->x[i]) && isfinite(se->lo[i]) && isfinite(se->hi[i])) {
          if (first) cairo_move_to(cr, PX(se->x[i]), PY(se->hi[i]));
          else cairo_line_to(cr, PX(se->x[i]), PY(se->hi[i]));
          first = false;
        }
      for (int i = se->n - 1; i >= 0; i--)
        if (isfinite(se->x[i]) && isfinite(se->lo[i]) && isfinite(se->hi[i])) cairo_line_to(cr, PX(se->x[i]), PY(se->lo[i]));
      cairo_close_path(cr);
      cairo_set_source_rgba(cr, c[0], c[1], c[2], 0.2);
      cairo_fill(cr);
    }
    cairo_set_source_rgba(cr, c[0], c[1], c[2], se->alpha > 0 ? se->alpha : 1);
    cairo_set_line_width(cr, se->width > 0 ? se->width : 1.5);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    // Long series (every episode of a long run) are drawn as each pixel
    // column's min-max span: the same picture, and Cairo does not stroke
    // hundreds of thousands of segments.
    bool pen = false, decimate = se->n > 4 * (int)(x1 - x0);
    int col = INT32_MIN;
    double lo = 0, hi = 0;
    for (int i = 0; i <= se->n; i++) {
      bool last = i == se->n;
      double x = last ? NAN : se->x[i], y = last ? NAN : se->y[i];
      bool ok = isfinite(x) && isfinite(y);
      if (decimate) {
        int px = ok ? (int)floor(PX(x)) : INT32_MIN;
        if (px != col || !ok) {
          if (col != INT32_MIN) {
            if (pen) cairo_line_to(cr, col + 0.5, PY(lo));
            else cairo_move_to(cr, col + 0.5, PY(lo));
            cairo_line_to(cr, col + 0.5, PY(hi));
            pen = true;
          }
          col = px;
          lo = hi = y;
        } else lo = fmin(lo, y), hi = fmax(hi, y);
        if (!ok) pen = false;
        continue;
      }
      if (!ok) {
        pen = false;
        continue;
      }
      if (pen) cairo_line_to(cr, PX(x), PY(y));
      else cairo_move_to(cr, PX(x), PY(y));
      pen = true;
    }
    cairo_stroke(cr);
    if (se->markers)
      for (int i = 0; i < se->n; i++)
        if (isfinite(se->x[i]) && isfinite(se->y[i])) {
          cairo_arc(cr, PX(se->x[i]), PY(se->y[i]), 2.5, 0, 2 * M_PI);
          cairo_fill(cr);
        }
  }
  cairo_restore(cr);
  // Legend, top left inside the frame.
  double ly = y0 + 8;
  for (int s = 0; s <= p->n_series; s++) {
    const char *label = s < p->n_series ? p->series[s].label : p->hline_label;
    if (!label || (s == p->n_series && !isfinite(p->hline))) continue;
    // The swatch has its series' opacity: a faint line (every episode) and
    // the solid running average of the same hue read as two entries.
    if (s < p->n_series) {
      const rlcPlotSeries *se = &p->series[s];
      const double *c = palette[((se->color % 10) + 10) % 10];
      cairo_set_source_rgba(cr, c[0], c[1], c[2], se->alpha > 0 ? se->alpha : 1);
    } else cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_rectangle(cr, x0 + 8, ly, 14, 3);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    text(cr, x0 + 28, ly + 1.5, label, 0, 0.5);
    ly += 15;
  }
#undef PX
#undef PY
}

rlcStatus rlc_plot_png(const char *path, const rlcPlotPanel *panels, int n_panels, int width, int panel_height) {
  if (n_panels < 1 || width < 200 || panel_height < 120)
    return rlc_error(RLC_ERR_ARG, "plot: need at least one panel of at least 200 x 120 pixels");
  int h = n_panels * panel_height;
  cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, h);
  if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surf);
    return rlc_error(RLC_ERR_NOMEM, "plot: cannot create a %d x %d image", width, h);
  }
  cairo_t *cr = cairo_create(surf);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  for (int i = 0; i < n_panels; i++) draw_panel(cr, &panels[i], 0, i * panel_height, width, panel_height);
  cairo_destroy(cr);
  cairo_surface_flush(surf);
  const unsigned char *px = cairo_image_surface_get_data(surf);
  int stride = cairo_image_surface_get_stride(surf);
  uint8_t *rgb = rlc_malloc((size_t)width * h * 3);
  rlcStatus s = RLC_ERR_NOMEM;
  if (rgb) {
    for (int y = 0; y < h; y++)
      for (int x = 0; x < width; x++) {
        uint32_t v;
        memcpy(&v, px + (size_t)y * stride + 4 * x, 4);
        uint8_t *o = rgb + ((size_t)y * width + x) * 3;
        o[0] = (uint8_t)(v >> 16), o[1] = (uint8_t)(v >> 8), o[2] = (uint8_t)v;
      }
    s = rlc_png_write(path, rgb, width, h);
    rlc_free(rgb);
  }
  cairo_surface_destroy(surf);
  return s;
}
