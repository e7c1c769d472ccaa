// draw_internal.h: what draw.c shares with its tests (not public).
#ifndef RLC_DRAW_INTERNAL_H
#define RLC_DRAW_INTERNAL_H

#include <stdbool.h>

// On: every canvas paints and converts its whole frame on a new surface, as
// before canvases kept their surface (the reference the tests compare with).
void draw_set_whole_frames(bool on);

#endif
