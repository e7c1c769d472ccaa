// draw_internal.h: what draw.c shares with its tests (not public).
#ifndef RLC_DRAW_INTERNAL_H
#define RLC_DRAW_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

// What the last rlc_canvas_end on this thread wrote (recorders use it to
// compare only where frames can differ). With known, the frame is bg outside
// the boxes (x0, y0, x1, y1 each): it began with a clear and drew no text.
#define DRAW_MAX_BOXES 8
typedef struct DrawFrame {
  const uint8_t *rgb;
  int w, h;
  bool known;
  uint32_t bg;
  int n, box[DRAW_MAX_BOXES][4];
} DrawFrame;
uint64_t draw_frames_ended(void);  // canvases ended on this thread so far
const DrawFrame *draw_last_frame(void);
// Declares that held->rgb holds the frame held describes, unchanged since it
// was drawn: the next canvas into that buffer on this thread (one only) then
// writes the background only where that frame drew. NULL forgets it.
void draw_expect(const DrawFrame *held);

// On: every canvas paints and converts its whole frame on a new surface, as
// before canvases kept their surface (the reference the tests compare with).
void draw_set_whole_frames(bool on);

#endif
