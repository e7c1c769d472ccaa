// record.c: evaluation episodes into a GIF or an MP4 file. Frames render into
// the recording's own buffers and are encoded on a second thread while the
// next ones render and the agent acts: the file is the same, byte for byte,
// as one encoded frame by frame, and a recorded evaluation takes about as
// long as its slower half rather than the sum of both.
// Depends on: rlc/out.h, rlc/env.h, run_internal.h, pthreads.
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "run/run_internal.h"

// Frames in flight: enough that neither side waits on the other's jitter.
#define RING 4

struct RunRecording {
  rlcGif *gif;
  rlcVideo *video;
  uint8_t *buf[RING];
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

static atomic_bool no_threads;

void run_record_set_threads(bool on) { atomic_store(&no_threads, !on); }

static rlcStatus encode(RunRecording *r, const uint8_t *rgb) {
  rlcStatus s = r->gif ? rlc_gif_add_frame(r->gif, rgb) : RLC_OK;
  if (!s && r->video) s = rlc_video_add_frame(r->video, rgb);
  return s;
}

static void *encoder(void *arg) {
  RunRecording *r = arg;
  pthread_mutex_lock(&r->mu);
  for (;;) {
    while (r->tail == r->head && !r->closing) pthread_cond_wait(&r->cv, &r->mu);
    if (r->tail == r->head) break;  // closing, and every frame is done
    const uint8_t *rgb = r->buf[r->tail % RING];
    bool failed = r->status != RLC_OK;  // after an error, frames are only drained
    pthread_mutex_unlock(&r->mu);
    rlcStatus s = failed ? RLC_OK : encode(r, rgb);
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
  for (int i = 0; i < RING; i++) rlc_free(r->buf[i]);
}

rlcStatus run_record_open(const char *path, const rlcEnvSpec *es, RunRecording **out) {
  *out = NULL;
  if (!es->render_width || !es->cls->render) return rlc_error(RLC_ERR_UNSUPPORTED, "env '%s' cannot render", es->id);
  RunRecording *r = rlc_calloc(1, sizeof *r);
  if (!r) return RLC_ERR_NOMEM;
  size_t n = strlen(path), bytes = (size_t)es->render_width * es->render_height * 3;
  int fps = es->render_fps > 0 ? es->render_fps : 30;
  // One core: a second thread would only take turns with this one.
  r->threaded = !atomic_load(&no_threads) && sysconf(_SC_NPROCESSORS_ONLN) > 1;
  for (int i = 0; i < (r->threaded ? RING : 1); i++)
    if (!(r->buf[i] = rlc_malloc(bytes))) {
      free_buffers(r);
      rlc_free(r);
      return RLC_ERR_NOMEM;
    }
  rlcStatus s = n > 4 && !strcasecmp(path + n - 4, ".mp4")
                    ? rlc_video_create(path, es->render_width, es->render_height, fps, &r->video)
                    : rlc_gif_create(path, es->render_width, es->render_height, fps, &r->gif);
  if (s) {
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
  if (!r->threaded) return r->buf[0];
  pthread_mutex_lock(&r->mu);
  while (r->head - r->tail >= RING) pthread_cond_wait(&r->cv, &r->mu);
  pthread_mutex_unlock(&r->mu);
  return r->buf[r->head % RING];
}

rlcStatus run_record_submit(RunRecording *r) {
  r->frames++;
  if (!r->threaded) return encode(r, r->buf[0]);
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
