// record.c: evaluation episodes into a GIF, an MP4 file or both. Frames render into
// the recording's own buffers and are encoded on a second thread while the
// next ones render and the agent acts, and the GIF encoder compares a frame
// with the last one only where the canvas drew in either: the file is the
// same, byte for byte, as one encoded frame by frame with whole frames
// compared, and a recorded evaluation takes about as long as its slower half
// rather than the sum of both.
// Depends on: rlc/out.h, rlc/env.h, run_internal.h, env/draw_internal.h,
// out/out_internal.h, pthreads.
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "env/draw_internal.h"
#include "out/out_internal.h"
#include "run/run_internal.h"

// Frames in flight: enough that neither side waits on the other's jitter.
#define RING 4

struct RunRecording {
  rlcGif *gif;
  rlcVideo *video;
  int w, h;
  bool simple;          // frame by frame on the caller's thread, whole frames compared
  uint8_t *buf[RING];
  uint8_t *yuv[RING];   // threaded MP4: each frame as YUV, converted on the submitting thread
  uint8_t *scratch;     // (video_rows_to_yuv's, for that thread)
  DrawFrame ink[RING];  // where each buffer's frame differs from its background
  DrawFrame last;       // the encoder's last frame's
  uint64_t drawn;       // canvases this thread had ended when the frame's buffer was handed out
  int frames;           // submitted
  bool threaded;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int64_t head, tail;   // frames submitted, frames the encoder is done with (under mu)
  bool closing;
  rlcStatus status;     // the encoder's first error and its text (under mu)
  char msg[512];
};

static atomic_bool simple;

void run_record_set_simple(bool on) { atomic_store(&simple, on); }

// (yuv: the frame already converted for the MP4, or NULL.)
static rlcStatus encode(RunRecording *r, const uint8_t *rgb, const uint8_t *yuv, const DrawFrame *ink) {
  rlcStatus s = RLC_OK;
  if (r->gif && ink->known && r->last.known && ink->bg == r->last.bg) {
    int boxes[2 * DRAW_MAX_BOXES][4];
    memcpy(boxes, r->last.box, (size_t)r->last.n * sizeof boxes[0]);
    memcpy(boxes + r->last.n, ink->box, (size_t)ink->n * sizeof boxes[0]);
    s = gif_add_frame_in(r->gif, rgb, boxes, r->last.n + ink->n);
  } else if (r->gif) {
    s = rlc_gif_add_frame(r->gif, rgb);
  }
  r->last = *ink;
  if (!s && r->video) s = yuv ? video_add_yuv(r->video, yuv) : rlc_video_add_frame(r->video, rgb);
  return s;
}

static void *encoder(void *arg) {
  RunRecording *r = arg;
  pthread_mutex_lock(&r->mu);
  for (;;) {
    while (r->tail == r->head && !r->closing) pthread_cond_wait(&r->cv, &r->mu);
    if (r->tail == r->head) break;  // closing, and every frame is done
    int k = (int)(r->tail % RING);
    bool failed = r->status != RLC_OK;  // after an error, frames are only drained
    pthread_mutex_unlock(&r->mu);
    rlcStatus s = failed ? RLC_OK : encode(r, r->buf[k], r->yuv[k], &r->ink[k]);
    pthread_mutex_lock(&r->mu);
    if (s && !r->status) {
      r->status = s;
      snprintf(r->msg, sizeof r->msg, "%s", rlc_last_error());  // the error text is per thread
    }
    r->tail++;
    pthread_cond_broadcast(&r->cv);
  }
  pthread_mutex_unlock(&r->mu);
  return NULL;
}

static void free_buffers(RunRecording *r) {
  for (int i = 0; i < RING; i++) rlc_free(r->buf[i]), rlc_free(r->yuv[i]);
  rlc_free(r->scratch);
}

rlcStatus run_record_open(const char *gif, const char *mp4, const rlcEnvSpec *es, RunRecording **out) {
  *out = NULL;
  if (!es->render_width || !es->cls->render) return rlc_error(RLC_ERR_UNSUPPORTED, "env '%s' cannot render", es->id);
  if (!gif && !mp4) return rlc_error(RLC_ERR_ARG, "a recording needs a GIF or an MP4 path");
  RunRecording *r = rlc_calloc(1, sizeof *r);
  if (!r) return RLC_ERR_NOMEM;
  size_t bytes = (size_t)es->render_width * es->render_height * 3;
  int fps = es->render_fps > 0 ? es->render_fps : 30;
  r->w = es->render_width, r->h = es->render_height;
  r->simple = atomic_load(&simple);
  // One core: a second thread would only take turns with this one.
  r->threaded = !r->simple && sysconf(_SC_NPROCESSORS_ONLN) > 1;
  rlcStatus s = RLC_OK;
  for (int i = 0; i < (r->threaded ? RING : 1) && !s; i++)
    if (!(r->buf[i] = rlc_malloc(bytes))) s = RLC_ERR_NOMEM;
  if (!s && gif) s = rlc_gif_create(gif, es->render_width, es->render_height, fps, &r->gif);
  if (!s && mp4) s = rlc_video_create(mp4, es->render_width, es->render_height, fps, &r->video);
  // Threaded, the submitting thread converts each frame to YUV (a third of
  // an MP4 frame's cost) while the encoder's thread encodes the one before.
  if (!s && r->video && r->threaded) {
    for (int i = 0; i < RING && !s; i++)
      if (!(r->yuv[i] = rlc_malloc(video_yuv_bytes(r->video)))) s = RLC_ERR_NOMEM;
    if (!s && !(r->scratch = rlc_malloc(VIDEO_SCRATCH(r->w)))) s = RLC_ERR_NOMEM;
  }
  if (s) {
    if (r->gif || r->video) {  // no frames: closing removes the temp files (and sets errors of its own)
      char msg[512];
      snprintf(msg, sizeof msg, "%s", rlc_last_error());  // (rlc_malloc sets one too)
      rlc_gif_close(r->gif);
      rlc_video_close(r->video);
      rlc_error(s, "%s", msg);
    }
    free_buffers(r);
    rlc_free(r);
    return s;
  }
  if (r->threaded) {
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
    if (pthread_create(&r->thread, NULL, encoder, r)) {  // then frame by frame here
      pthread_mutex_destroy(&r->mu);
      pthread_cond_destroy(&r->cv);
      r->threaded = false;
    }
  }
  *out = r;
  return RLC_OK;
}

uint8_t *run_record_buffer(RunRecording *r) {
  int k = 0;
  if (r->threaded) {
    pthread_mutex_lock(&r->mu);
    while (r->head - r->tail >= RING) pthread_cond_wait(&r->cv, &r->mu);
    pthread_mutex_unlock(&r->mu);
    k = (int)(r->head % RING);
  }
  // The buffer holds its last frame still (encoders only read): the canvas
  // need not write the background again where that frame did not draw.
  draw_expect(r->ink[k].known ? &r->ink[k] : NULL);
  r->drawn = draw_frames_ended();
  return r->buf[k];
}

// The frame's ink, when one canvas drew the whole frame into its buffer.
static void frame_ink(const RunRecording *r, const uint8_t *buf, DrawFrame *ink) {
  const DrawFrame *f = draw_last_frame();
  bool known = !r->simple && draw_frames_ended() == r->drawn + 1 && f->rgb == buf && f->known && f->w == r->w &&
               f->h == r->h;
  if (known) *ink = *f;
  else ink->known = false;
}

rlcStatus run_record_submit(RunRecording *r) {
  r->frames++;
  int k = r->threaded ? (int)(r->head % RING) : 0;
  draw_expect(NULL);  // (when no canvas drew)
  frame_ink(r, r->buf[k], &r->ink[k]);
  if (!r->threaded) return encode(r, r->buf[0], NULL, &r->ink[0]);
  if (r->yuv[k]) video_frame_to_yuv(r->video, r->buf[k], r->yuv[k], r->scratch);
  char msg[512];
  pthread_mutex_lock(&r->mu);
  r->head++;
  rlcStatus s = r->status;
  if (s) memcpy(msg, r->msg, sizeof msg);
  pthread_cond_broadcast(&r->cv);
  pthread_mutex_unlock(&r->mu);
  return s ? rlc_error(s, "%s", msg) : RLC_OK;
}

int run_record_frames(const RunRecording *r) { return r ? r->frames : 0; }

rlcStatus run_record_close(RunRecording *r, rlcStatus s) {
  if (!r) return s;
  draw_expect(NULL);  // (a render that failed before its canvas left it set)
  rlcStatus es = RLC_OK;
  if (r->threaded) {
    pthread_mutex_lock(&r->mu);
    r->closing = true;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->thread, NULL);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->cv);
    es = r->status;
  }
  rlcStatus gs = r->gif ? rlc_gif_close(r->gif) : RLC_OK;
  rlcStatus vs = r->video ? rlc_video_close(r->video) : RLC_OK;
  if (!s && es) rlc_error(es, "%s", r->msg);
  free_buffers(r);
  rlc_free(r);
  return s ? s : es ? es : gs ? gs : vs;
}
