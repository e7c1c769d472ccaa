// window.h: the CLI's live window (SDL2). Not part of the library.
#ifndef RLC_CLI_WINDOW_H
#define RLC_CLI_WINDOW_H

#include "cli.h"

typedef struct CliWindow CliWindow;

// A window for frames of w x h at fps (a status bar below them). NULL after
// printing a one-line error (no display, SDL failed).
CliWindow *cli_window_open(const char *title, int w, int h, int fps);
// Shows a frame and a status line, no sooner than 1/fps after the last one.
// false once the window was closed (Escape, q, the close button).
bool cli_window_show(CliWindow *w, const uint8_t *rgb, const char *status);
bool cli_window_closed(CliWindow *w);
void cli_window_close(CliWindow *w);

#endif
