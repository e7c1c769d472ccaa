// out_internal.h: what the out layer's files share with its tests (not public).
#ifndef RLC_OUT_INTERNAL_H
#define RLC_OUT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

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

// Two rows of RGB (b: a again at an odd height's end) into two rows of Y and
// one each of U and V (BT.601 limited range; an odd width repeats its last
// pixel; scratch: VIDEO_SCRATCH(w) bytes, 2-byte aligned). plain: the
// reference loops only; otherwise vector code, with the same bytes.
#define VIDEO_SCRATCH(w) (9 * ((size_t)(w) + 16))
void video_rows_to_yuv(const uint8_t *a, const uint8_t *b, int w, uint8_t *ya, uint8_t *yb, uint8_t *u, uint8_t *v,
                       uint8_t *scratch, bool plain);

// A frame's conversion apart from its encoding, so that another thread can
// convert while the encoder's thread encodes: video_frame_to_yuv (reads only
// the video's size) fills yuv (video_yuv_bytes: Y, then U, then V, unpadded)
// as rlc_video_add_frame would; video_add_yuv encodes it. The same file.
#include <stddef.h>
size_t video_yuv_bytes(const rlcVideo *v);
void video_frame_to_yuv(const rlcVideo *v, const uint8_t *rgb, uint8_t *yuv, uint8_t *scratch);
rlcStatus video_add_yuv(rlcVideo *v, const uint8_t *yuv);

#endif
