// rlc/draw.h: layer 1. Drawing env frames into caller-owned RGB buffers
// (antialiased shapes and text, backed by Cairo). Envs use it in render();
// plots use it too.
// Depends on: rlc/core.h.
#ifndef RLC_DRAW_H
#define RLC_DRAW_H

#include "rlc/core.h"

#ifdef __cplusplus
extern "C" {
#endif

// Colors are 0xRRGGBB.
typedef uint32_t rlcColor;

typedef enum rlcAlign { RLC_ALIGN_LEFT, RLC_ALIGN_CENTER, RLC_ALIGN_RIGHT } rlcAlign;

// A drawing session over rgb (h, w, 3). Coordinates are pixels, origin top left,
// y down. rlc_canvas_end copies the picture into rgb and frees the canvas.
typedef struct rlcCanvas rlcCanvas;

RLC_API rlcStatus rlc_canvas_begin(uint8_t *rgb, int w, int h, rlcCanvas **out);
RLC_API void rlc_canvas_end(rlcCanvas *c);

RLC_API void rlc_canvas_clear(rlcCanvas *c, rlcColor color);
RLC_API void rlc_canvas_fill_rect(rlcCanvas *c, double x, double y, double w, double h, rlcColor color);
RLC_API void rlc_canvas_stroke_rect(rlcCanvas *c, double x, double y, double w, double h, double width,
                            rlcColor color);
RLC_API void rlc_canvas_fill_polygon(rlcCanvas *c, const double *xy, int n, rlcColor color);  // xy: (n, 2)
RLC_API void rlc_canvas_fill_circle(rlcCanvas *c, double x, double y, double r, rlcColor color);
RLC_API void rlc_canvas_stroke_circle(rlcCanvas *c, double x, double y, double r, double width,
                              rlcColor color);
RLC_API void rlc_canvas_line(rlcCanvas *c, double x0, double y0, double x1, double y1, double width,
                     rlcColor color);
RLC_API void rlc_canvas_polyline(rlcCanvas *c, const double *xy, int n, double width, rlcColor color);
// Text with its baseline-independent vertical center at y (sans-serif, px size).
RLC_API void rlc_canvas_text(rlcCanvas *c, double x, double y, double size, rlcAlign align,
                     rlcColor color, const char *text);
// Clips all drawing to a rectangle until reset (w <= 0 resets).
RLC_API void rlc_canvas_clip(rlcCanvas *c, double x, double y, double w, double h);

#ifdef __cplusplus
}
#endif
#endif
