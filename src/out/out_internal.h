// out_internal.h: what the out layer's files share with its tests (not public).
#ifndef RLC_OUT_INTERNAL_H
#define RLC_OUT_INTERNAL_H

#include <stdbool.h>

#include "rlc/out.h"

// The y axis of a plot panel over data in [lo, hi]: outer ticks and step.
void plot_axis(double lo, double hi, double *tmin, double *tmax, double *step);

// rlc_gif_add_frame for a frame that differs from the last one only inside
// the boxes (x0, y0, x1, y1 each): only they are compared (the renderer knows
// where it drew). Boxes that miss a change make a wrong file.
rlcStatus gif_add_frame_in(rlcGif *g, const uint8_t *rgb, const int (*boxes)[4], int nboxes);

// On: GIF frames are compressed by giflib's EGifPutLine, as before rlc had
// its own LZW (the reference its tests compare files with).
void gif_set_giflib_lzw(bool on);

#endif
