// x11_shot.c: a test tool. Finds the X window titled "rlc: ENV" on $DISPLAY,
// reads its pixels back from the X server (a screenshot, not rlc's own
// buffer) and compares the frame part with the env's own renders of a
// heuristic episode from SEED: exit 0 when one matches, and the screenshot
// goes to OUT.png. Built by tests/cli_see.sh against librlc.a and Xlib.
// With a fourth argument, then ends the watching as a person would: "close"
// (the window manager's close request) or "escape" (the Escape key).
// "training" instead looks at `rlc train --watch`'s window "rlc: ENV
// (training)" and passes when GridWorld's empty cell (1, 1) holds text (its
// Q-values).
// Usage: x11_shot ENV SEED OUT.png [close|escape|training]
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rlc/rlc.h"

// Windows come and go while the tree is walked: errors about them are ignored.
static int ignore_errors(Display *d, XErrorEvent *e) {
  (void)d, (void)e;
  return 0;
}

static Window find(Display *d, Window w, const char *title) {
  char *name = NULL;
  if (XFetchName(d, w, &name) && name) {
    bool hit = !strcmp(name, title);
    XFree(name);
    if (hit) return w;
  }
  Window root, parent, *kids = NULL;
  unsigned n = 0;
  Window found = 0;
  if (XQueryTree(d, w, &root, &parent, &kids, &n))
    for (unsigned i = 0; i < n && !found; i++) found = find(d, kids[i], title);
  if (kids) XFree(kids);
  return found;
}

static void end_watching(Display *d, Window w, const char *how) {
  XEvent ev;
  memset(&ev, 0, sizeof ev);
  if (!strcmp(how, "close")) {
    ev.xclient.type = ClientMessage;
    ev.xclient.window = w;
    ev.xclient.message_type = XInternAtom(d, "WM_PROTOCOLS", False);
    ev.xclient.format = 32;
    ev.xclient.data.l[0] = (long)XInternAtom(d, "WM_DELETE_WINDOW", False);
    ev.xclient.data.l[1] = CurrentTime;
    XSendEvent(d, w, False, NoEventMask, &ev);
  } else {
    XSetInputFocus(d, w, RevertToParent, CurrentTime);
    ev.xkey.type = KeyPress;
    ev.xkey.window = w;
    ev.xkey.root = DefaultRootWindow(d);
    ev.xkey.keycode = XKeysymToKeycode(d, XStringToKeysym("Escape"));
    ev.xkey.same_screen = True;
    XSendEvent(d, w, True, KeyPressMask, &ev);
  }
  XFlush(d);
}

int main(int argc, char **argv) {
  if (argc != 4 && argc != 5) return fprintf(stderr, "usage: x11_shot ENV SEED OUT.png [close|escape]\n"), 2;
  Display *d = XOpenDisplay(NULL);
  if (!d) return fprintf(stderr, "x11_shot: no display\n"), 2;
  XSetErrorHandler(ignore_errors);
  rlcEnv *env;
  if (rlc_env_create(argv[1], NULL, &env)) return fprintf(stderr, "x11_shot: %s\n", rlc_last_error()), 2;
  const int W = env->spec->render_width, H = env->spec->render_height;
  // The heuristic episode's frames, as the env renders them.
  int nf = 0;
  uint8_t *frames = malloc((size_t)W * H * 3 * 1001);
  uint8_t act[64];
  bool term = false, trunc = false;
  rlc_env_reset(env, atoll(argv[2]), NULL);
  rlc_env_render(env, NULL, frames);
  nf = 1;
  while (!term && !trunc && nf < 1001) {
    rlc_env_heuristic(env, env->obs, act);
    rlc_env_step(env, act, NULL, NULL, &term, &trunc);
    rlc_env_render(env, NULL, frames + (size_t)nf++ * W * H * 3);
  }
  char title[300];
  bool training = argc == 5 && !strcmp(argv[4], "training");
  snprintf(title, sizeof title, "rlc: %s%s", argv[1], training ? " (training)" : "");
  uint8_t *shot = malloc((size_t)W * (H + 28) * 3);
  for (int tries = 0; tries < 200; tries++, usleep(50000)) {
    Window w = find(d, DefaultRootWindow(d), title);
    XWindowAttributes at;
    if (!w || !XGetWindowAttributes(d, w, &at) || at.map_state != IsViewable || at.width != W || at.height < H) continue;
    XImage *img = XGetImage(d, w, 0, 0, W, at.height, AllPlanes, ZPixmap);
    if (!img) continue;
    int h2 = at.height < H + 28 ? at.height : H + 28;
    for (int y = 0; y < h2; y++)
      for (int x = 0; x < W; x++) {
        unsigned long p = XGetPixel(img, x, y);
        uint8_t *o = shot + ((size_t)y * W + x) * 3;
        o[0] = (uint8_t)(p >> 16), o[1] = (uint8_t)(p >> 8), o[2] = (uint8_t)p;
      }
    XDestroyImage(img);
    if (training) {
      int ink = 0, white = 0, cell = W / 5;
      for (int y = cell + 4; y < 2 * cell - 4; y++)
        for (int x = cell + 4; x < 2 * cell - 4; x++) {
          const uint8_t *q = shot + ((size_t)y * W + x) * 3;
          ink += q[0] < 128, white += q[0] > 240 && q[1] > 240 && q[2] > 240;
        }
      if (ink < 50 || white < (cell - 8) * (cell - 8) / 2) continue;
      rlc_png_write(argv[3], shot, W, h2);
      printf("the training window shows Q-values (%d text pixels in cell (1,1))\n", ink);
      return 0;
    }
    for (int f = 0; f < nf; f++) {
      const uint8_t *fr = frames + (size_t)f * W * H * 3;
      int maxd = 0;
      for (size_t i = 0; i < (size_t)W * H * 3 && maxd <= 2; i++) {
        int dd = abs(shot[i] - fr[i]);
        if (dd > maxd) maxd = dd;
      }
      if (maxd <= 2) {
        // The status bar below the frame holds text (dark pixels).
        int dark = 0;
        for (int y = H; y < h2; y++)
          for (int x = 0; x < W; x++) dark += shot[((size_t)y * W + x) * 3] < 100;
        rlc_png_write(argv[3], shot, W, h2);
        printf("window matches frame %d of %d (max difference %d), status bar %d dark pixels\n", f, nf, maxd, dark);
        // A key sent before the window has the focus can be dropped: repeat
        // until the window is gone (10 s at most).
        if (argc == 5)
          for (int k = 0; k < 50 && find(d, DefaultRootWindow(d), title); k++, usleep(200000)) end_watching(d, w, argv[4]);
        return dark > 30 ? 0 : 1;
      }
    }
  }
  rlc_png_write(argv[3], shot, W, H + 28);  // the last look, to see why
  fprintf(stderr, "x11_shot: no window '%s' showing %s\n", title, training ? "Q-values" : "one of the episode's frames");
  return 1;
}
