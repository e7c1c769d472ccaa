// video.c: H.264 MP4 files through FFmpeg's libraries (libavcodec's libx264
// encoder, libavformat's mp4 muxer; RGB -> YUV 4:2:0 here, libswscale for
// reading back), written to a temp file and renamed on close, as every rlc
// output. The moov atom goes first (faststart) so browsers play the file while
// it loads. Reading back (frame count, size, frames) serves tests and tools.
// Depends on: rlc/out.h, libavcodec, libavformat, libswscale.
#include <errno.h>
#include <fcntl.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "out/out_internal.h"

struct rlcVideo {
  char path[2048], tmp[2100];
  int w, h, ew, eh;          // frame size, encoded size (even: 4:2:0 halves it)
  AVFormatContext *oc;
  AVCodecContext *enc;
  AVStream *st;
  AVFrame *frame;
  AVPacket *pkt;
  uint8_t *scratch;          // VIDEO_SCRATCH(w) bytes for video_rows_to_yuv
  int64_t frames;
  rlcStatus status;          // the first error; later calls return it
};

static rlcStatus av_fail(const char *what, int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(err, buf, sizeof buf);
  return rlc_error(RLC_ERR_IO, "video: %s: %s", what, buf);
}

static void video_free(rlcVideo *v) {
  if (v->enc) avcodec_free_context(&v->enc);
  if (v->oc) {
    if (v->oc->pb) avio_closep(&v->oc->pb);
    avformat_free_context(v->oc);
  }
  av_frame_free(&v->frame);
  av_packet_free(&v->pkt);
  rlc_free(v->scratch);
  rlc_free(v);
}

static const AVCodec *h264_encoder(void) {
  const AVCodec *c = avcodec_find_encoder_by_name("libx264");
  return c ? c : avcodec_find_encoder(AV_CODEC_ID_H264);
}

static rlcStatus open_encoder(rlcVideo *v, int fps) {
  const AVCodec *codec = h264_encoder();
  if (!codec) return rlc_error(RLC_ERR_UNSUPPORTED, "video: this FFmpeg has no H.264 encoder (Debian's libavcodec has libx264)");
  v->enc = avcodec_alloc_context3(codec);
  if (!v->enc) return RLC_ERR_NOMEM;
  v->enc->width = v->ew;
  v->enc->height = v->eh;
  v->enc->time_base = (AVRational){1, fps};
  v->enc->framerate = (AVRational){fps, 1};
  v->enc->pix_fmt = AV_PIX_FMT_YUV420P;
  v->enc->gop_size = fps * 2;
  // One thread: training runs beside it, and frames come one at a time (two
  // slice threads took a CartPole run with video=true from 0.99 to 0.97 s
  // wall for 6% more CPU).
  v->enc->thread_count = 1;
  if (v->oc->oformat->flags & AVFMT_GLOBALHEADER) v->enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  // veryfast keeps recording cheap next to training; crf 23 is x264's default quality.
  av_opt_set(v->enc->priv_data, "preset", "ultrafast", 0);
  av_opt_set(v->enc->priv_data, "crf", "23", 0);
  int err = avcodec_open2(v->enc, codec, NULL);
  if (err < 0) return av_fail("cannot open the H.264 encoder", err);
  v->st = avformat_new_stream(v->oc, NULL);
  if (!v->st) return RLC_ERR_NOMEM;
  v->st->time_base = v->enc->time_base;
  v->st->avg_frame_rate = v->enc->framerate;
  err = avcodec_parameters_from_context(v->st->codecpar, v->enc);
  if (err < 0) return av_fail("stream parameters", err);
  return RLC_OK;
}

rlcStatus rlc_video_create(const char *path, int w, int h, int fps, rlcVideo **out) {
  *out = NULL;
  if (w < 2 || h < 2 || w > 8192 || h > 8192 || fps < 1 || fps > 1000)
    return rlc_error(RLC_ERR_ARG, "video: size %d x %d at %d fps is out of range", w, h, fps);
  av_log_set_level(AV_LOG_QUIET);  // errors come back as statuses; x264 would print its settings
  rlcVideo *v = rlc_calloc(1, sizeof *v);
  if (!v) return RLC_ERR_NOMEM;
  if (snprintf(v->path, sizeof v->path, "%s", path) >= (int)sizeof v->path) {
    rlc_free(v);
    return rlc_error(RLC_ERR_ARG, "video: path is too long");
  }
  snprintf(v->tmp, sizeof v->tmp, "%s.tmp.%ld", path, (long)getpid());
  v->w = w, v->h = h, v->ew = (w + 1) & ~1, v->eh = (h + 1) & ~1;
  rlcStatus s = RLC_OK;
  int err = avformat_alloc_output_context2(&v->oc, NULL, "mp4", v->tmp);
  if (err < 0 || !v->oc) s = av_fail("no mp4 muxer", err);
  if (!s) s = open_encoder(v, fps);
  if (!s && (err = avio_open(&v->oc->pb, v->tmp, AVIO_FLAG_WRITE)) < 0) s = av_fail(path, err);
  AVDictionary *mo = NULL;
  av_dict_set(&mo, "movflags", "+faststart", 0);
  if (!s && (err = avformat_write_header(v->oc, &mo)) < 0) s = av_fail("cannot write the header", err);
  av_dict_free(&mo);
  if (!s) {
    v->frame = av_frame_alloc();
    v->pkt = av_packet_alloc();
    v->scratch = rlc_malloc(VIDEO_SCRATCH(v->w));
    if (!v->frame || !v->pkt || !v->scratch) s = RLC_ERR_NOMEM;
  }
  if (!s) {
    v->frame->format = AV_PIX_FMT_YUV420P;
    v->frame->width = v->ew;
    v->frame->height = v->eh;
    if ((err = av_frame_get_buffer(v->frame, 0)) < 0) s = av_fail("frame buffer", err);
  }
  if (s) {
    bool opened = v->oc && v->oc->pb;
    char tmp[sizeof v->tmp];
    memcpy(tmp, v->tmp, sizeof tmp);
    video_free(v);
    if (opened) remove(tmp);
    return s;
  }
  *out = v;
  return RLC_OK;
}

// Sends one frame (NULL: flush) and writes the packets that come out.
static rlcStatus encode(rlcVideo *v, AVFrame *frame) {
  int err = avcodec_send_frame(v->enc, frame);
  if (err < 0) return av_fail("encoding", err);
  for (;;) {
    err = avcodec_receive_packet(v->enc, v->pkt);
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return RLC_OK;
    if (err < 0) return av_fail("encoding", err);
    av_packet_rescale_ts(v->pkt, v->enc->time_base, v->st->time_base);
    v->pkt->stream_index = v->st->index;
    err = av_interleaved_write_frame(v->oc, v->pkt);
    if (err < 0) return av_fail(v->path, err);
  }
}

// BT.601 limited range (what swscale makes of RGB for H.264 by default), in
// 14-bit fixed point; chroma from each 2x2 block's mean. Here rather than
// through swscale, whose RGB24 input path took half of a frame's encoding.
static inline uint8_t luma3(int r, int g, int b) {
  return (uint8_t)((4207 * r + 8260 * g + 1604 * b + (16 << 14) + (1 << 13)) >> 14);
}

static inline uint8_t luma(const uint8_t *p) { return luma3(p[0], p[1], p[2]); }

// R, G, B: sums over 2x2 pixels.
static inline uint8_t chroma_u(int R, int G, int B) {
  return (uint8_t)((-2428 * R - 4768 * G + 7196 * B + (128 << 16) + (1 << 15)) >> 16);
}

static inline uint8_t chroma_v(int R, int G, int B) {
  return (uint8_t)((7196 * R - 6026 * G - 1170 * B + (128 << 16) + (1 << 15)) >> 16);
}

// Two rows of RGB (a, b: the same row at an odd height's end) into two rows
// of Y and one of U and V; an odd width repeats its last pixel.
// sum: scratch for 3 (w + 1) column sums. The reference: plain loops.
static void rows_to_yuv_plain(const uint8_t *restrict a, const uint8_t *restrict b, int w, uint8_t *restrict ya,
                              uint8_t *restrict yb, uint8_t *restrict u, uint8_t *restrict v,
                              uint16_t *restrict sum) {
  if (w <= 0) return;
  for (int x = 0; x < w; x++) {
    ya[x] = luma(a + 3 * x);
    yb[x] = luma(b + 3 * x);
  }
  for (int i = 0; i < 3 * w; i++) sum[i] = (uint16_t)(a[i] + b[i]);
  if (w & 1) {  // the last column again
    memcpy(sum + 3 * w, sum + 3 * (w - 1), 3 * sizeof *sum);
    ya[w] = ya[w - 1], yb[w] = yb[w - 1];
  }
  for (int x = 0; x < (w + 1) / 2; x++) {
    const uint16_t *p = sum + 6 * x;
    int R = p[0] + p[3], G = p[1] + p[4], B = p[2] + p[5];
    u[x] = chroma_u(R, G, B);
    v[x] = chroma_v(R, G, B);
  }
}

// The same arithmetic over planes: the RGB triples are split into R, G and B
// rows 16 pixels at a time by explicit byte shuffles (a loop with stride-3
// loads compiles to slow gathers of bytes), then plain loops over the planes,
// which the compiler vectorizes.
typedef uint8_t u8x16 __attribute__((vector_size(16)));
typedef uint16_t u16x8 __attribute__((vector_size(16)));

#define TAKE11 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
#define TAKE10 0, 1, 2, 3, 4, 5, 6, 7, 8, 9
// 48 bytes of RGB into 16 each of R, G and B: each plane gathered from the
// first two 16-byte blocks, then completed from the third.
static inline void planes16(const uint8_t *p, u8x16 *r, u8x16 *g, u8x16 *b) {
  u8x16 c0, c1, c2;
  memcpy(&c0, p, 16), memcpy(&c1, p + 16, 16), memcpy(&c2, p + 32, 16);
  u8x16 r01 = __builtin_shufflevector(c0, c1, 0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 0, 0, 0, 0, 0);
  u8x16 g01 = __builtin_shufflevector(c0, c1, 1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 0, 0, 0, 0, 0);
  u8x16 b01 = __builtin_shufflevector(c0, c1, 2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 0, 0, 0, 0, 0, 0);
  *r = __builtin_shufflevector(r01, c2, TAKE11, 17, 20, 23, 26, 29);
  *g = __builtin_shufflevector(g01, c2, TAKE11, 18, 21, 24, 27, 30);
  *b = __builtin_shufflevector(b01, c2, TAKE10, 16, 19, 22, 25, 28, 31);
}

// The sums over the 2x2 blocks of 16 columns of two rows.
static inline void sums8(const u8x16 *a, const u8x16 *b, uint16_t *out) {
  u16x8 s = __builtin_convertvector(__builtin_shufflevector(*a, *a, 0, 2, 4, 6, 8, 10, 12, 14), u16x8) +
            __builtin_convertvector(__builtin_shufflevector(*a, *a, 1, 3, 5, 7, 9, 11, 13, 15), u16x8) +
            __builtin_convertvector(__builtin_shufflevector(*b, *b, 0, 2, 4, 6, 8, 10, 12, 14), u16x8) +
            __builtin_convertvector(__builtin_shufflevector(*b, *b, 1, 3, 5, 7, 9, 11, 13, 15), u16x8);
  memcpy(out, &s, 16);
}

// n: a multiple of 16; pl: scratch for 9 n bytes.
static void rows_to_yuv_planes(const uint8_t *restrict a, const uint8_t *restrict b, int n, uint8_t *restrict ya,
                               uint8_t *restrict yb, uint8_t *restrict u, uint8_t *restrict v, uint8_t *restrict pl) {
  uint8_t *ra = pl, *ga = pl + n, *ba = pl + 2 * n, *rb = pl + 3 * n, *gb = pl + 4 * n, *bb = pl + 5 * n;
  uint16_t *sr = (uint16_t *)(void *)(pl + 6 * n), *sg = sr + n / 2, *sb = sg + n / 2;
  for (int x = 0; x < n; x += 16) {
    u8x16 Ra, Ga, Ba, Rb, Gb, Bb;
    planes16(a + 3 * x, &Ra, &Ga, &Ba);
    planes16(b + 3 * x, &Rb, &Gb, &Bb);
    memcpy(ra + x, &Ra, 16), memcpy(ga + x, &Ga, 16), memcpy(ba + x, &Ba, 16);
    memcpy(rb + x, &Rb, 16), memcpy(gb + x, &Gb, 16), memcpy(bb + x, &Bb, 16);
    sums8(&Ra, &Rb, sr + x / 2), sums8(&Ga, &Gb, sg + x / 2), sums8(&Ba, &Bb, sb + x / 2);
  }
  for (int x = 0; x < n; x++) {
    ya[x] = luma3(ra[x], ga[x], ba[x]);
    yb[x] = luma3(rb[x], gb[x], bb[x]);
  }
  for (int x = 0; x < n / 2; x++) {
    u[x] = chroma_u(sr[x], sg[x], sb[x]);
    v[x] = chroma_v(sr[x], sg[x], sb[x]);
  }
}

void video_rows_to_yuv(const uint8_t *a, const uint8_t *b, int w, uint8_t *ya, uint8_t *yb, uint8_t *u, uint8_t *v,
                       uint8_t *scratch, bool plain) {
  uint16_t *sum = (uint16_t *)(void *)scratch;
  int x = plain ? 0 : w / 16 * 16;
  if (x) rows_to_yuv_planes(a, b, x, ya, yb, u, v, scratch);
  rows_to_yuv_plain(a + 3 * x, b + 3 * x, w - x, ya + x, yb + x, u + x / 2, v + x / 2, sum);
}

// A frame into Y, U and V planes (rows ls[i] bytes apart).
static void frame_to_yuv(const rlcVideo *v, const uint8_t *rgb, uint8_t *const d[3], const int ls[3],
                         uint8_t *scratch) {
  size_t row = (size_t)v->w * 3;
  for (int y = 0; y < v->eh; y += 2) {
    const uint8_t *a = rgb + (size_t)y * row, *b = y + 1 < v->h ? a + row : a;
    video_rows_to_yuv(a, b, v->w, d[0] + (size_t)y * ls[0], d[0] + (size_t)(y + 1) * ls[0],
                      d[1] + (size_t)(y / 2) * ls[1], d[2] + (size_t)(y / 2) * ls[2], scratch, false);
  }
}

rlcStatus rlc_video_add_frame(rlcVideo *v, const uint8_t *rgb) {
  if (v->status) return v->status;
  int err = av_frame_make_writable(v->frame);
  if (err < 0) return v->status = av_fail("frame buffer", err);
  frame_to_yuv(v, rgb, v->frame->data, v->frame->linesize, v->scratch);
  v->frame->pts = v->frames++;
  return v->status = encode(v, v->frame);
}

size_t video_yuv_bytes(const rlcVideo *v) { return (size_t)v->ew * v->eh * 3 / 2; }

void video_frame_to_yuv(const rlcVideo *v, const uint8_t *rgb, uint8_t *yuv, uint8_t *scratch) {
  size_t ny = (size_t)v->ew * v->eh;
  uint8_t *const d[3] = {yuv, yuv + ny, yuv + ny + ny / 4};
  const int ls[3] = {v->ew, v->ew / 2, v->ew / 2};
  frame_to_yuv(v, rgb, d, ls, scratch);
}

rlcStatus video_add_yuv(rlcVideo *v, const uint8_t *yuv) {
  if (v->status) return v->status;
  int err = av_frame_make_writable(v->frame);
  if (err < 0) return v->status = av_fail("frame buffer", err);
  const uint8_t *src = yuv;
  for (int i = 0; i < 3; i++) {
    int w = i ? v->ew / 2 : v->ew, h = i ? v->eh / 2 : v->eh;
    for (int y = 0; y < h; y++, src += w) memcpy(v->frame->data[i] + (size_t)y * v->frame->linesize[i], src, (size_t)w);
  }
  v->frame->pts = v->frames++;
  return v->status = encode(v, v->frame);
}

int rlc_video_frame_count(const rlcVideo *v) { return (int)v->frames; }

rlcStatus rlc_video_close(rlcVideo *v) {
  if (!v) return RLC_OK;
  rlcStatus s = v->status;
  if (!s && v->frames == 0) s = rlc_error(RLC_ERR_STATE, "video: '%s' has no frames", v->path);
  if (!s) s = encode(v, NULL);
  int err;
  if (!s && (err = av_write_trailer(v->oc)) < 0) s = av_fail(v->path, err);
  if (v->oc->pb) avio_closep(&v->oc->pb);
  if (!s) {
    // fsync before the rename, as the other writers do.
    int fd = open(v->tmp, O_RDONLY);
    if (fd >= 0) fsync(fd), close(fd);
    if (rename(v->tmp, v->path) != 0)
      s = rlc_error(RLC_ERR_IO, "video: cannot rename '%s' to '%s': %s", v->tmp, v->path, strerror(errno));
  }
  if (s) remove(v->tmp);
  video_free(v);
  return s;
}

//------------------------------------------------------------------------------
// Reading back
//------------------------------------------------------------------------------

typedef struct {
  AVFormatContext *ic;
  AVCodecContext *dec;
  int stream;
} Reader;

static void reader_close(Reader *r) {
  avcodec_free_context(&r->dec);
  avformat_close_input(&r->ic);
}

static rlcStatus reader_open(Reader *r, const char *path) {
  memset(r, 0, sizeof *r);
  av_log_set_level(AV_LOG_QUIET);
  int err = avformat_open_input(&r->ic, path, NULL, NULL);
  if (err < 0) return err == AVERROR(ENOENT) ? rlc_error(RLC_ERR_NOT_FOUND, "video: '%s' does not exist", path)
                                             : av_fail(path, err);
  if ((err = avformat_find_stream_info(r->ic, NULL)) < 0) return av_fail(path, err);
  const AVCodec *codec = NULL;
  r->stream = av_find_best_stream(r->ic, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (r->stream < 0 || !codec) return rlc_error(RLC_ERR_FORMAT, "video: '%s' has no video stream", path);
  r->dec = avcodec_alloc_context3(codec);
  if (!r->dec) return RLC_ERR_NOMEM;
  avcodec_parameters_to_context(r->dec, r->ic->streams[r->stream]->codecpar);
  if ((err = avcodec_open2(r->dec, codec, NULL)) < 0) return av_fail(path, err);
  return RLC_OK;
}

// Decodes frames in order; calls fn on each until it returns false.
static rlcStatus reader_each(Reader *r, bool (*fn)(AVFrame *, void *), void *user) {
  AVPacket *pkt = av_packet_alloc();
  AVFrame *fr = av_frame_alloc();
  rlcStatus s = pkt && fr ? RLC_OK : RLC_ERR_NOMEM;
  bool go = true, flushing = false;
  while (!s && go) {
    int err = 0;
    if (!flushing) {
      err = av_read_frame(r->ic, pkt);
      if (err == AVERROR_EOF) flushing = true, err = avcodec_send_packet(r->dec, NULL);
      else if (err < 0) s = av_fail("reading", err);
      else {
        if (pkt->stream_index == r->stream) err = avcodec_send_packet(r->dec, pkt);
        av_packet_unref(pkt);
      }
      if (!s && err < 0 && err != AVERROR_EOF) s = av_fail("decoding", err);
    }
    while (!s && go) {
      err = avcodec_receive_frame(r->dec, fr);
      if (err == AVERROR(EAGAIN)) break;
      if (err == AVERROR_EOF) {
        go = false;
        break;
      }
      if (err < 0) s = av_fail("decoding", err);
      else go = fn(fr, user);
    }
  }
  av_packet_free(&pkt);
  av_frame_free(&fr);
  return s;
}

static bool count_frame(AVFrame *f, void *user) {
  (void)f;
  ++*(int *)user;
  return true;
}

rlcStatus rlc_video_read_info(const char *path, int *frames, int *w, int *h, double *fps) {
  Reader r;
  rlcStatus s = reader_open(&r, path);
  int n = 0;
  if (!s) s = reader_each(&r, count_frame, &n);
  if (!s) {
    if (frames) *frames = n;
    if (w) *w = r.dec->width;
    if (h) *h = r.dec->height;
    AVRational fr = r.ic->streams[r.stream]->avg_frame_rate;
    if (fps) *fps = fr.den ? av_q2d(fr) : 0;
  }
  reader_close(&r);
  return s;
}

typedef struct {
  int want, seen;
  uint8_t *rgb;
  rlcStatus s;
} FrameGrab;

static bool grab_frame(AVFrame *f, void *user) {
  FrameGrab *g = user;
  if (g->seen++ < g->want) return true;
  g->rgb = rlc_malloc((size_t)f->width * f->height * 3);
  struct SwsContext *sws = sws_getContext(f->width, f->height, f->format, f->width, f->height, AV_PIX_FMT_RGB24,
                                          SWS_BILINEAR, NULL, NULL, NULL);
  if (!g->rgb || !sws) g->s = RLC_ERR_NOMEM;
  else {
    uint8_t *planes[1] = {g->rgb};
    int strides[1] = {f->width * 3};
    sws_scale(sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, planes, strides);
  }
  sws_freeContext(sws);
  return false;
}

rlcStatus rlc_video_read_frame(const char *path, int index, uint8_t **rgb) {
  *rgb = NULL;
  Reader r;
  FrameGrab g = {index, 0, NULL, RLC_OK};
  rlcStatus s = reader_open(&r, path);
  if (!s) s = reader_each(&r, grab_frame, &g);
  reader_close(&r);
  if (!s) s = g.s;
  if (!s && !g.rgb) s = rlc_error(RLC_ERR_ARG, "video: '%s' has no frame %d", path, index);
  if (s) rlc_free(g.rgb);
  else *rgb = g.rgb;
  return s;
}
