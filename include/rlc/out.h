// rlc/out.h: layer 4. Images and animations on disk: PNG (libpng), animated
// GIF (giflib) and MP4 video (FFmpeg's libraries). Files are written
// atomically: a temp file, fsync, rename.
// Depends on: rlc/core.h.
#ifndef RLC_OUT_H
#define RLC_OUT_H

#include "rlc/core.h"

#ifdef __cplusplus
extern "C" {
#endif

// rgb is (h, w, 3).
RLC_API rlcStatus rlc_png_write(const char *path, const uint8_t *rgb, int w, int h);
// Reads an 8-bit RGB or RGBA PNG (alpha dropped) into a new buffer (rlc_free it).
RLC_API rlcStatus rlc_png_read(const char *path, uint8_t **rgb, int *w, int *h);

// An animated GIF being written. Frames are palettized one by one (exact when a
// frame has at most 256 colors); the file appears at `path` on close.
typedef struct rlcGif rlcGif;

RLC_API rlcStatus rlc_gif_create(const char *path, int w, int h, int fps, rlcGif **out);
RLC_API rlcStatus rlc_gif_add_frame(rlcGif *g, const uint8_t *rgb);
// Finishes the file; returns the first error of the whole recording. Frees g.
RLC_API rlcStatus rlc_gif_close(rlcGif *g);
RLC_API int rlc_gif_frame_count(const rlcGif *g);

// Reads a GIF back (tests, tools): frame count and size, and frame i as RGB
// into a new buffer (rlc_free it).
RLC_API rlcStatus rlc_gif_read_info(const char *path, int *frames, int *w, int *h);
RLC_API rlcStatus rlc_gif_read_frame(const char *path, int index, uint8_t **rgb);

// An H.264 MP4 video being written (FFmpeg's libx264 through libavcodec, at
// fps frames a second; an odd width or height is padded by one edge pixel).
// The file appears at `path` on close, which fails for a video without frames.
typedef struct rlcVideo rlcVideo;

RLC_API rlcStatus rlc_video_create(const char *path, int w, int h, int fps, rlcVideo **out);
RLC_API rlcStatus rlc_video_add_frame(rlcVideo *v, const uint8_t *rgb);
RLC_API rlcStatus rlc_video_close(rlcVideo *v);  // returns the first error of the recording; frees v
RLC_API int rlc_video_frame_count(const rlcVideo *v);
// Decodes a video back (tests, tools): frames, size, frame rate; frame i as
// RGB into a new buffer (rlc_free it).
RLC_API rlcStatus rlc_video_read_info(const char *path, int *frames, int *w, int *h, double *fps);
RLC_API rlcStatus rlc_video_read_frame(const char *path, int index, uint8_t **rgb);

// Line plots (learning curves): stacked panels of series; NAN values leave gaps.
typedef struct rlcPlotSeries {
  const char *label;        // legend entry (NULL: none)
  const double *x, *y;
  int n;
  int color;                // palette index
  double width;             // line width in pixels (0: 1.5)
  double alpha;             // opacity (0: opaque)
  bool markers;             // a dot at every point
  const double *lo, *hi;    // a band filled between lo and hi at x, in the colour at opacity 0.2 (NULL: none)
} rlcPlotSeries;

typedef struct rlcPlotPanel {
  const char *title, *xlabel, *ylabel;
  const rlcPlotSeries *series;
  int n_series;
  double hline;             // a dashed reference line (NAN: none)
  const char *hline_label;
} rlcPlotPanel;

RLC_API rlcStatus rlc_plot_png(const char *path, const rlcPlotPanel *panels, int n_panels, int width,
                       int panel_height);

#ifdef __cplusplus
}
#endif
#endif
