// png.c: PNG files (rlc/out.h): atomic 8-bit RGB writes and reads of any
// common PNG converted to RGB8.
// Depends on: rlc/out.h, rlc/core.h, libpng 1.6.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <png.h>

#include "rlc/out.h"

// Bigger images are refused before allocating: a corrupt header must not be
// able to ask for gigabytes.
#define PNG_MAX_PIXELS (1u << 28)

// libpng reports errors through a callback that must not return; it keeps the
// message here and jumps back to the setjmp in the caller.
typedef struct PngErr {
  char msg[200];
} PngErr;

static void on_png_error(png_structp png, png_const_charp msg) {
  PngErr *e = png_get_error_ptr(png);
  if (e) snprintf(e->msg, sizeof e->msg, "%s", msg ? msg : "unknown libpng error");
  png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp msg) {
  rlc_log(RLC_LOG_DEBUG, "libpng: %s", msg ? msg : "");
}

//------------------------------------------------------------------------------
// Writing
//------------------------------------------------------------------------------

// Encodes into an open file; returns false with e->msg set on failure. Kept
// separate so that nothing modified after setjmp is needed after longjmp.
static bool png_encode(FILE *fp, const uint8_t *rgb, int w, int h, PngErr *e) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, e, on_png_error,
                                            on_png_warning);
  if (!png) {
    snprintf(e->msg, sizeof e->msg, "cannot create libpng writer");
    return false;
  }
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_write_struct(&png, NULL);
    snprintf(e->msg, sizeof e->msg, "cannot create libpng info");
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_init_io(png, fp);
  png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < h; y++) png_write_row(png, rgb + (size_t)y * w * 3);
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return true;
}

rlcStatus rlc_png_write(const char *path, const uint8_t *rgb, int w, int h) {
  if (!path || !*path || !rgb) return rlc_error(RLC_ERR_ARG, "rlc_png_write: NULL path or image");
  if (w <= 0 || h <= 0 || (uint64_t)w * (uint64_t)h > PNG_MAX_PIXELS)
    return rlc_error(RLC_ERR_ARG, "%s: bad PNG size %dx%d", path, w, h);

  size_t n = strlen(path) + 32;
  char *tmp = rlc_malloc(n);
  if (!tmp) return RLC_ERR_NOMEM;
  snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());

  FILE *fp = fopen(tmp, "wb");
  if (!fp) {
    int err = errno;
    rlc_free(tmp);
    return rlc_error(RLC_ERR_IO, "%s: cannot create file: %s", path, strerror(err));
  }
  PngErr e = {{0}};
  bool ok = png_encode(fp, rgb, w, h, &e);
  int err = 0;
  if (ok && (fflush(fp) != 0 || fsync(fileno(fp)) != 0)) {
    err = errno;
    ok = false;
  }
  if (fclose(fp) != 0 && ok) {
    err = errno;
    ok = false;
  }
  if (ok && rename(tmp, path) != 0) {
    err = errno;
    ok = false;
  }
  if (!ok) {
    // libpng's own write errors ("Write Error") leave errno from fwrite.
    if (!err) err = errno;
    remove(tmp);
    rlc_free(tmp);
    if (e.msg[0])
      return rlc_error(RLC_ERR_IO, "%s: cannot write PNG: %s (%s)", path, e.msg,
                       err ? strerror(err) : "no system error");
    return rlc_error(RLC_ERR_IO, "%s: cannot write PNG: %s", path, strerror(err));
  }
  rlc_free(tmp);
  return RLC_OK;
}

//------------------------------------------------------------------------------
// Reading
//------------------------------------------------------------------------------

// Decodes from an open file positioned after the 8 signature bytes. On success
// *out is a new rlc_malloc'ed RGB8 buffer. Returns RLC_OK, or an error status
// with e->msg set.
static rlcStatus png_decode(FILE *fp, uint8_t **out, int *ow, int *oh, PngErr *e) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, e, on_png_error,
                                           on_png_warning);
  if (!png) {
    snprintf(e->msg, sizeof e->msg, "cannot create libpng reader");
    return RLC_ERR_NOMEM;
  }
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_read_struct(&png, NULL, NULL);
    snprintf(e->msg, sizeof e->msg, "cannot create libpng info");
    return RLC_ERR_NOMEM;
  }
  // Assigned after setjmp and needed after longjmp, hence volatile.
  uint8_t *volatile buf = NULL;
  png_bytep *volatile rows = NULL;
  volatile rlcStatus status = RLC_ERR_FORMAT;
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, NULL);
    rlc_free(rows);
    rlc_free(buf);
    return status;
  }
  png_init_io(png, fp);
  png_set_sig_bytes(png, 8);
  png_read_info(png, info);

  png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
  int color = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
  if (w == 0 || h == 0 || (uint64_t)w * h > PNG_MAX_PIXELS) {
    status = RLC_ERR_UNSUPPORTED;
    png_error(png, "image too large");
  }
  // Whatever the format, end with 8-bit RGB: palette and low-bit gray are
  // expanded, 16-bit is scaled down, gray is copied into three channels and
  // alpha (including tRNS) is dropped.
  png_set_expand(png);
  if (depth == 16) png_set_scale_16(png);
  if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
  png_set_strip_alpha(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  if (png_get_channels(png, info) != 3 || png_get_bit_depth(png, info) != 8 ||
      png_get_rowbytes(png, info) != (size_t)w * 3)
    png_error(png, "unexpected pixel layout after conversion");

  status = RLC_ERR_NOMEM;
  buf = rlc_malloc((size_t)w * h * 3);
  rows = buf ? rlc_malloc(h * sizeof(png_bytep)) : NULL;
  if (!rows) png_error(png, "out of memory");
  status = RLC_ERR_FORMAT;
  for (png_uint_32 y = 0; y < h; y++) rows[y] = buf + (size_t)y * w * 3;
  png_read_image(png, rows);
  png_read_end(png, NULL);  // catches files cut off after the image data

  png_destroy_read_struct(&png, &info, NULL);
  rlc_free(rows);
  *out = buf;
  *ow = (int)w;
  *oh = (int)h;
  return RLC_OK;
}

rlcStatus rlc_png_read(const char *path, uint8_t **rgb, int *w, int *h) {
  if (!path || !rgb || !w || !h) return rlc_error(RLC_ERR_ARG, "rlc_png_read: NULL argument");
  *rgb = NULL;
  *w = *h = 0;
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    int err = errno;
    return rlc_error(err == ENOENT ? RLC_ERR_NOT_FOUND : RLC_ERR_IO, "%s: cannot open: %s", path,
                     strerror(err));
  }
  unsigned char sig[8];
  size_t got = fread(sig, 1, sizeof sig, fp);
  if (got != sizeof sig || png_sig_cmp(sig, 0, sizeof sig) != 0) {
    bool io = ferror(fp);
    int err = errno;
    fclose(fp);
    if (io) return rlc_error(RLC_ERR_IO, "%s: cannot read: %s", path, strerror(err));
    return rlc_error(RLC_ERR_FORMAT, "%s: not a PNG file", path);
  }
  PngErr e = {{0}};
  uint8_t *buf = NULL;
  int iw = 0, ih = 0;
  rlcStatus s = png_decode(fp, &buf, &iw, &ih, &e);
  bool short_file = feof(fp);
  fclose(fp);
  if (s != RLC_OK)
    return rlc_error(s, "%s: bad PNG: %s%s", path, e.msg, short_file ? " (file ends early)" : "");
  *rgb = buf;
  *w = iw;
  *h = ih;
  return RLC_OK;
}
