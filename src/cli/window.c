// window.c: the live window of `rlc play --render human`, `rlc eval --watch`
// and `rlc train --watch` (SDL2): the env's frame as it rendered it, a status
// bar below with the episode's return and step, paced at the env's render fps.
// Escape, q or closing the window ends the watching.
#include <SDL2/SDL.h>
#include <stdlib.h>
#include <string.h>

#include "window.h"

#define BAR 28  // px: the status bar under the frame

struct CliWindow {
  SDL_Window *win;
  SDL_Renderer *ren;
  SDL_Texture *tex;
  int w, h;
  double period, next;  // seconds per frame; when the next may show
  uint8_t *bar;         // the status bar's pixels (w, BAR, 3)
  bool closed;
};

CliWindow *cli_window_open(const char *title, int w, int h, int fps) {
  // Without a display SDL would fall back to a console driver (KMSDRM) or
  // fail obscurely: say what is missing instead.
  if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY") && !getenv("SDL_VIDEODRIVER")) {
    cli_error("a window needs a display, and there is none (no DISPLAY or WAYLAND_DISPLAY; "
              "record with --video FILE.mp4 or --gif FILE.gif instead)");
    return NULL;
  }
  if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
    cli_error("cannot open a window: %s", SDL_GetError());
    return NULL;
  }
  CliWindow *cw = calloc(1, sizeof *cw);
  if (!cw) return NULL;
  cw->w = w, cw->h = h;
  cw->period = fps > 0 ? 1.0 / fps : 0;  // 0: no pacing
  cw->bar = calloc((size_t)w * BAR * 3, 1);
  cw->win = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h + BAR, 0);
  if (cw->win) cw->ren = SDL_CreateRenderer(cw->win, -1, SDL_RENDERER_SOFTWARE);
  if (cw->ren) cw->tex = SDL_CreateTexture(cw->ren, SDL_PIXELFORMAT_RGB24, SDL_TEXTUREACCESS_STREAMING, w, h + BAR);
  if (!cw->bar || !cw->tex) {
    cli_error("cannot open a window: %s", SDL_GetError());
    cli_window_close(cw);
    return NULL;
  }
  return cw;
}

void cli_window_close(CliWindow *cw) {
  if (!cw) return;
  if (cw->tex) SDL_DestroyTexture(cw->tex);
  if (cw->ren) SDL_DestroyRenderer(cw->ren);
  if (cw->win) SDL_DestroyWindow(cw->win);
  free(cw->bar);
  free(cw);
  SDL_Quit();  // SDL serves this window only: release all of it (its D-Bus connection too)
}

static void poll(CliWindow *cw) {
  SDL_Event e;
  while (SDL_PollEvent(&e)) {
    if (e.type == SDL_QUIT) cw->closed = true;
    else if (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_CLOSE) cw->closed = true;
    else if (e.type == SDL_KEYDOWN && (e.key.keysym.sym == SDLK_ESCAPE || e.key.keysym.sym == SDLK_q)) cw->closed = true;
  }
}

bool cli_window_show(CliWindow *cw, const uint8_t *rgb, const char *status) {
  poll(cw);
  if (cw->closed) return false;
  // Pace at the env's fps, still answering the window while waiting.
  for (double t = rlc_time_s(); t < cw->next && !cw->closed; t = rlc_time_s()) {
    double wait = cw->next - t;
    SDL_Delay((Uint32)(wait > 0.01 ? 10 : wait * 1000 + 1));
    poll(cw);
  }
  if (cw->closed) return false;
  double now = rlc_time_s();
  cw->next = (cw->next > 0 && now - cw->next < cw->period ? cw->next : now) + cw->period;
  rlcCanvas *c;
  if (rlc_canvas_begin(cw->bar, cw->w, BAR, &c) == RLC_OK) {
    rlc_canvas_clear(c, 0xF2F2F2);
    rlc_canvas_line(c, 0, 0.5, cw->w, 0.5, 1, 0x999999);
    rlc_canvas_text(c, 8, BAR / 2.0, 13, RLC_ALIGN_LEFT, 0x111111, status ? status : "");
    rlc_canvas_end(c);
  }
  void *px;
  int pitch;
  if (SDL_LockTexture(cw->tex, NULL, &px, &pitch) == 0) {
    for (int y = 0; y < cw->h + BAR; y++) {
      const uint8_t *src = y < cw->h ? rgb + (size_t)y * cw->w * 3 : cw->bar + (size_t)(y - cw->h) * cw->w * 3;
      memcpy((uint8_t *)px + (size_t)y * pitch, src, (size_t)cw->w * 3);
    }
    SDL_UnlockTexture(cw->tex);
  }
  SDL_RenderClear(cw->ren);
  SDL_RenderCopy(cw->ren, cw->tex, NULL, NULL);
  SDL_RenderPresent(cw->ren);
  return true;
}

bool cli_window_closed(CliWindow *cw) {
  poll(cw);
  return cw->closed;
}
