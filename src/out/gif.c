// gif.c: animated GIF files (rlc/out.h): a looping writer that palettizes each
// frame (exact up to 256 colours, median cut beyond), and a reader for tests.
// Depends on: rlc/out.h, rlc/core.h, giflib 5.
#include <errno.h>
#include <stdatomic.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gif_lib.h>

#include "out_internal.h"

#define HASH_BITS 10  // 1024 slots for at most 256 colours: short probe chains
#define HASH_SIZE (1 << HASH_BITS)
#define HASH_EMPTY 0xffffffffu

// Reading composes frames on an RGB screen; a corrupt header must not be able
// to make that screen gigabytes big.
#define GIF_MAX_PIXELS (1u << 26)

//------------------------------------------------------------------------------
// Quantization for frames with more than 256 colours
//------------------------------------------------------------------------------

// Greedy variance-based median cut on a 6-6-6 bit histogram: the box with the
// largest squared error is split along its widest axis where the split lowers
// the error most. Palette entries are the true mean colours of their boxes,
// and every pixel then gets its nearest palette entry, so large flat areas
// (backgrounds) come out exact or nearly so. (giflib's GifQuantizeBuffer was
// tried first: it works on 5-bit cells and gives each pixel its box average,
// which left backgrounds off-white and a mean error near 8 on colour ramps.)

#define QBITS 6
#define QSIDE (1 << QBITS)
#define QCELLS (1 << (3 * QBITS))
#define QCACHE_BITS 14

typedef struct QCell {
  uint32_t n;
  double s[3];  // channel sums; exact in a double for any GIF-sized frame
} QCell;

typedef struct QBox {
  int lo, hi;  // items[lo, hi)
  double n, s[3], err;
} QBox;

typedef struct Quant {
  QCell *cells;          // QCELLS, all zero between frames
  uint32_t *items, *tmp; // ids of the non-empty cells, grouped by box
  uint32_t cache_key[1 << QCACHE_BITS];
  uint8_t cache_idx[1 << QCACHE_BITS];
} Quant;

static void quant_free(Quant *q) {
  if (!q) return;
  rlc_free(q->cells);
  rlc_free(q->items);
  rlc_free(q->tmp);
  rlc_free(q);
}

static Quant *quant_new(void) {
  Quant *q = rlc_calloc(1, sizeof *q);
  if (!q) return NULL;
  q->cells = rlc_calloc(QCELLS, sizeof *q->cells);
  q->items = rlc_malloc(QCELLS * sizeof *q->items);
  q->tmp = rlc_malloc(QCELLS * sizeof *q->tmp);
  if (!q->cells || !q->items || !q->tmp) {
    quant_free(q);
    return NULL;
  }
  return q;
}

static int cell_coord(uint32_t cell, int axis) {
  return (int)(cell >> (QBITS * (2 - axis))) & (QSIDE - 1);
}

// |S|^2 / n: the part of a group's squared error that depends on its grouping.
static double sq_over_n(const double s[3], double n) {
  return n > 0 ? (s[0] * s[0] + s[1] * s[1] + s[2] * s[2]) / n : 0;
}

// Count, sums and squared error (cells taken as points at their means).
static void box_stats(const Quant *q, QBox *b) {
  b->n = b->s[0] = b->s[1] = b->s[2] = 0;
  double within = 0;
  for (int i = b->lo; i < b->hi; i++) {
    const QCell *c = &q->cells[q->items[i]];
    b->n += c->n;
    for (int ch = 0; ch < 3; ch++) b->s[ch] += c->s[ch];
    within += sq_over_n(c->s, c->n);
  }
  b->err = b->hi - b->lo < 2 ? 0 : within - sq_over_n(b->s, b->n);
}

// Splits box b in two (the new half goes to *right); false if it cannot be split.
static bool split_box(Quant *q, QBox *b, QBox *right) {
  double var[3] = {0, 0, 0};
  for (int i = b->lo; i < b->hi; i++) {
    const QCell *c = &q->cells[q->items[i]];
    for (int ch = 0; ch < 3; ch++) {
      double d = c->s[ch] / c->n - b->s[ch] / b->n;
      var[ch] += c->n * d * d;
    }
  }
  int axis = var[1] > var[0] ? 1 : 0;
  if (var[2] > var[axis]) axis = 2;
  // Counting sort of the box's cells by their coordinate on that axis.
  int start[QSIDE + 1] = {0};
  for (int i = b->lo; i < b->hi; i++) start[cell_coord(q->items[i], axis) + 1]++;
  for (int v = 0; v < QSIDE; v++) start[v + 1] += start[v];
  for (int i = b->lo; i < b->hi; i++)
    q->tmp[start[cell_coord(q->items[i], axis)]++] = q->items[i];
  memcpy(q->items + b->lo, q->tmp, (size_t)(b->hi - b->lo) * sizeof *q->items);
  // Of the cuts between coordinates, the one that removes the most error
  // maximises |S_L|^2/n_L + |S_R|^2/n_R.
  double ln = 0, ls[3] = {0, 0, 0}, best_gain = -1;
  int split = -1;
  for (int i = b->lo; i < b->hi - 1; i++) {
    const QCell *c = &q->cells[q->items[i]];
    ln += c->n;
    for (int ch = 0; ch < 3; ch++) ls[ch] += c->s[ch];
    if (cell_coord(q->items[i], axis) == cell_coord(q->items[i + 1], axis)) continue;
    double rs[3] = {b->s[0] - ls[0], b->s[1] - ls[1], b->s[2] - ls[2]};
    double gain = sq_over_n(ls, ln) + sq_over_n(rs, b->n - ln);
    if (gain > best_gain) {
      best_gain = gain;
      split = i + 1;
    }
  }
  if (split < 0) return false;
  *right = (QBox){.lo = split, .hi = b->hi};
  b->hi = split;
  box_stats(q, b);
  box_stats(q, right);
  return true;
}

// Nearest palette entry; the palette is sorted by green (order, green) so the
// search can stop once the green distance alone exceeds the best match.
static int nearest(const GifColorType *colors, const uint8_t *order, const int *green, int n,
                   const uint8_t *p) {
  int lo = 0, hi = n;  // first entry with green >= p[1]
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (green[mid] < p[1]) lo = mid + 1;
    else hi = mid;
  }
  int best = order[lo < n ? lo : n - 1], bd = 1 << 30;
  for (int up = lo, down = lo - 1; up < n || down >= 0;) {
    int i;
    if (up < n && (down < 0 || green[up] - p[1] <= p[1] - green[down])) i = up++;
    else i = down--;
    int dg = green[i] - p[1];
    if (dg * dg >= bd) break;  // every remaining entry is at least this far
    const GifColorType *c = &colors[order[i]];
    int dr = p[0] - c->Red, db = p[2] - c->Blue;
    int d = dr * dr + dg * dg + db * db;
    if (d < bd) {
      bd = d;
      best = order[i];
    }
  }
  return best;
}

// Builds a palette of at most 256 colours for npix pixels and maps them into
// index. Returns the palette size.
static int quantize(Quant *q, const uint8_t *rgb, size_t npix, uint8_t *index,
                    GifColorType *colors) {
  const int shift = 8 - QBITS;
  int k = 0;
  for (size_t i = 0; i < npix; i++) {
    const uint8_t *p = rgb + 3 * i;
    uint32_t cell = (uint32_t)(p[0] >> shift) << (2 * QBITS) |
                    (uint32_t)(p[1] >> shift) << QBITS | (uint32_t)(p[2] >> shift);
    QCell *c = &q->cells[cell];
    if (c->n++ == 0) q->items[k++] = cell;
    c->s[0] += p[0];
    c->s[1] += p[1];
    c->s[2] += p[2];
  }

  QBox boxes[256];
  int nb = 1;
  boxes[0] = (QBox){.lo = 0, .hi = k};
  box_stats(q, &boxes[0]);
  while (nb < 256) {
    int best = -1;
    for (int b = 0; b < nb; b++)
      if (boxes[b].err > 0 && (best < 0 || boxes[b].err > boxes[best].err)) best = b;
    if (best < 0) break;
    if (split_box(q, &boxes[best], &boxes[nb])) nb++;
    else boxes[best].err = 0;
  }
  for (int b = 0; b < nb; b++) {
    uint8_t u[3];
    for (int ch = 0; ch < 3; ch++) {
      double v = boxes[b].n > 0 ? boxes[b].s[ch] / boxes[b].n : 0;
      u[ch] = (uint8_t)(v <= 0 ? 0 : v >= 255 ? 255 : lround(v));
    }
    colors[b] = (GifColorType){u[0], u[1], u[2]};
  }
  for (int i = 0; i < k; i++) q->cells[q->items[i]] = (QCell){0};  // clean for the next frame

  // Palette order by green for the nearest-colour search (insertion sort: 256).
  uint8_t order[256];
  int green[256];
  for (int i = 0; i < nb; i++) {
    int j = i;
    while (j > 0 && green[j - 1] > colors[i].Green) {
      green[j] = green[j - 1];
      order[j] = order[j - 1];
      j--;
    }
    green[j] = colors[i].Green;
    order[j] = (uint8_t)i;
  }
  // A direct-mapped cache keyed by colour makes repeated colours cheap.
  memset(q->cache_key, 0xff, sizeof q->cache_key);
  for (size_t i = 0; i < npix; i++) {
    const uint8_t *p = rgb + 3 * i;
    uint32_t key = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
    uint32_t slot = (key * 2654435761u) >> (32 - QCACHE_BITS);
    if (q->cache_key[slot] != key) {
      q->cache_key[slot] = key;
      q->cache_idx[slot] = (uint8_t)nearest(colors, order, green, nb, p);
    }
    index[i] = q->cache_idx[slot];
  }
  return nb;
}

//------------------------------------------------------------------------------
// LZW
//------------------------------------------------------------------------------

// The image data as giflib's EGifPutLine makes it (the same codes at the same
// widths, clears at the same points, the same 255-byte sub-blocks), so files
// are byte for byte what it wrote; the dictionary lookup is inline here, where
// giflib's costs a call per pixel and was a third of a CartPole frame's time.
#define LZW_MAX_CODE 4095
#define LZW_SLOTS (1 << 13)  // at most 4096 entries: the table stays half empty

typedef struct Lzw {
  // (prefix << 8 | pixel) << 12 | code: one load a probe. Codes are above
  // 5, so 0 marks an empty slot.
  uint32_t slot[LZW_SLOTS];
  // A code's first extension, (pixel + 1) << 12 | code, outside the hash:
  // most strings in rendered frames have one (runs), and none means no other.
  uint32_t first[LZW_MAX_CODE + 1];
  uint8_t *out;             // sub-blocks: a length byte, then up to 255 bytes
  size_t len, block;        // bytes in out; where the open sub-block starts
  uint64_t bits;
  int nbits, width, max1, running, clear, eof;
} Lzw;

static atomic_bool giflib_lzw;

void gif_set_giflib_lzw(bool on) { atomic_store(&giflib_lzw, on); }

static inline void lzw_byte(Lzw *z, uint8_t b) {
  if (z->out[z->block] == 255) {  // the open sub-block is full: start the next
    z->block = z->len++;
    z->out[z->block] = 0;
  }
  z->out[z->len++] = b;
  z->out[z->block]++;
}

static inline void lzw_code(Lzw *z, int code) {
  z->bits |= (uint64_t)code << z->nbits;
  z->nbits += z->width;
  while (z->nbits >= 8) {
    lzw_byte(z, (uint8_t)z->bits);
    z->bits >>= 8;
    z->nbits -= 8;
  }
  // The width grows after the code that reaches the next power of two is
  // written (giflib's order, which decoders expect).
  if (z->running >= z->max1 && code <= LZW_MAX_CODE) z->max1 = 1 << ++z->width;
}

static void lzw_reset(Lzw *z, int min_bits) {
  z->running = z->eof + 1;
  z->width = min_bits + 1;
  z->max1 = 1 << z->width;
  memset(z->slot, 0, sizeof z->slot);
  memset(z->first, 0, sizeof z->first);
}

// Compresses n >= 1 palette indices below 2^bits into z->out (min code size
// byte excluded, the terminating empty sub-block included).
static void lzw_encode(Lzw *z, const uint8_t *idx, size_t n, int bits) {
  int min_bits = bits < 2 ? 2 : bits;
  z->clear = 1 << min_bits;
  z->eof = z->clear + 1;
  z->len = 1, z->block = 0, z->out[0] = 0;
  z->bits = 0, z->nbits = 0;
  lzw_reset(z, min_bits);
  lzw_code(z, z->clear);
  uint32_t cur = idx[0];
  for (size_t i = 1; i < n; i++) {
    uint32_t p = idx[i], f = z->first[cur], key = cur << 8 | p, slot = 0, e = 0;
    if (f >> 12 == p + 1) {
      cur = f & LZW_MAX_CODE;
      continue;
    }
    if (f) {
      slot = (key * 2654435761u) >> (32 - 13);
      while ((e = z->slot[slot]) && e >> 12 != key) slot = (slot + 1) & (LZW_SLOTS - 1);
      if (e) {
        cur = e & LZW_MAX_CODE;
        continue;
      }
    }
    lzw_code(z, (int)cur);
    if (z->running >= LZW_MAX_CODE) {
      lzw_code(z, z->clear);
      lzw_reset(z, min_bits);
    } else if (!f) {
      z->first[cur] = (p + 1) << 12 | (uint32_t)z->running++;
    } else {
      z->slot[slot] = key << 12 | (uint32_t)z->running++;
    }
    cur = p;
  }
  lzw_code(z, (int)cur);
  lzw_code(z, z->eof);
  while (z->nbits > 0) {
    lzw_byte(z, (uint8_t)z->bits);
    z->bits >>= 8;
    z->nbits -= 8;
  }
  z->out[z->len++] = 0;
}

// Writes the compressed image through giflib, sub-block by sub-block.
static bool put_lzw(GifFileType *gif, const Lzw *z) {
  for (size_t at = 0; z->out[at]; at += (size_t)z->out[at] + 1)
    if (EGifPutCodeNext(gif, z->out + at) == GIF_ERROR) return false;
  return EGifPutCodeNext(gif, NULL) != GIF_ERROR;
}

struct rlcGif {
  char *path, *tmp;
  FILE *fp;             // the temp file; we own it so we can fsync before rename
  GifFileType *gif;
  int w, h, delay;      // delay in centiseconds
  int frames;           // frames written successfully
  bool write_failed;    // set by the output callback
  int write_errno;
  rlcStatus err;        // first error of the recording
  char err_msg[512];
  uint8_t *index;       // palette indices of the current frame's changed rectangle
  uint8_t *prev, *rect; // the previous frame (h, w, 3); the changed rectangle, packed
  bool have_prev;
  struct Quant *quant;  // median-cut scratch, made on the first frame that needs it
  Lzw *lzw;
  uint32_t keys[HASH_SIZE];
  uint8_t slot_index[HASH_SIZE];
};

// Remembers the first error (and its text) so close can report it again.
static rlcStatus gif_fail(rlcGif *g, rlcStatus s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static rlcStatus gif_fail(rlcGif *g, rlcStatus s, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (g->err == RLC_OK) {
    g->err = s;
    snprintf(g->err_msg, sizeof g->err_msg, "%s", msg);
  }
  return rlc_error(s, "%s", msg);
}

// giflib's error text, plus the system's when the failure was a write.
static rlcStatus gif_lib_fail(rlcGif *g, const char *what) {
  int code = g->gif ? g->gif->Error : E_GIF_ERR_WRITE_FAILED;
  const char *txt = GifErrorString(code);
  if (g->write_failed)
    return gif_fail(g, RLC_ERR_IO, "%s: %s: %s (%s)", g->path, what, txt ? txt : "giflib error",
                    strerror(g->write_errno));
  return gif_fail(g, RLC_ERR_IO, "%s: %s: %s", g->path, what, txt ? txt : "giflib error");
}

static int gif_output(GifFileType *gif, const GifByteType *data, int len) {
  rlcGif *g = gif->UserData;
  if (len <= 0) return 0;
  size_t n = fwrite(data, 1, (size_t)len, g->fp);
  if (n != (size_t)len && !g->write_failed) {
    g->write_failed = true;
    g->write_errno = errno;
  }
  return (int)n;
}

static void gif_free(rlcGif *g) {
  rlc_free(g->path);
  rlc_free(g->tmp);
  rlc_free(g->index);
  rlc_free(g->prev);
  rlc_free(g->rect);
  if (g->lzw) rlc_free(g->lzw->out);
  rlc_free(g->lzw);
  quant_free(g->quant);
  rlc_free(g);
}

rlcStatus rlc_gif_create(const char *path, int w, int h, int fps, rlcGif **out) {
  if (!out) return rlc_error(RLC_ERR_ARG, "rlc_gif_create: out is NULL");
  *out = NULL;
  if (!path || !*path) return rlc_error(RLC_ERR_ARG, "rlc_gif_create: empty path");
  if (w <= 0 || h <= 0 || w > 65535 || h > 65535)
    return rlc_error(RLC_ERR_ARG, "%s: bad GIF size %dx%d (1..65535)", path, w, h);
  if (fps <= 0) return rlc_error(RLC_ERR_ARG, "%s: fps must be positive, got %d", path, fps);

  rlcGif *g = rlc_calloc(1, sizeof *g);
  if (!g) return RLC_ERR_NOMEM;
  g->w = w;
  g->h = h;
  // Centiseconds; browsers treat delays below 2 as "slow", so 2 is the floor.
  g->delay = (int)lround(100.0 / fps);
  if (g->delay < 2) g->delay = 2;
  size_t n = strlen(path) + 32;
  g->path = rlc_strdup(path);
  g->tmp = rlc_malloc(n);
  g->index = rlc_malloc((size_t)w * h);
  g->prev = rlc_malloc((size_t)w * h * 3);
  g->rect = rlc_malloc((size_t)w * h * 3);
  // LZW codes are at most 12 bits a pixel, plus sub-block lengths.
  g->lzw = rlc_calloc(1, sizeof *g->lzw);
  if (g->lzw) g->lzw->out = rlc_malloc((size_t)w * h * 2 + 1024);
  if (!g->path || !g->tmp || !g->index || !g->prev || !g->rect || !g->lzw || !g->lzw->out) {
    gif_free(g);
    return rlc_error(RLC_ERR_NOMEM, "%s: out of memory for a %dx%d GIF", path, w, h);
  }
  snprintf(g->tmp, n, "%s.tmp.%ld", path, (long)getpid());

  g->fp = fopen(g->tmp, "wb");
  if (!g->fp) {
    int e = errno;
    gif_free(g);
    return rlc_error(RLC_ERR_IO, "%s: cannot create file: %s", path, strerror(e));
  }
  int gerr = 0;
  g->gif = EGifOpen(g, gif_output, &gerr);
  if (!g->gif) {
    fclose(g->fp);
    remove(g->tmp);
    rlcStatus s = rlc_error(RLC_ERR_IO, "%s: cannot start GIF: %s", path, GifErrorString(gerr));
    gif_free(g);
    return s;
  }
  g->gif->UserData = g;  // EGifOpen stored it already; set again to be explicit
  // The sequential writer picks GIF87a unless told: extensions need GIF89a.
  EGifSetGifVersion(g->gif, true);
  // No global colour map: every frame carries its own.
  static const unsigned char loop[3] = {1, 0, 0};  // sub-block 1: loop count 0 = forever
  if (EGifPutScreenDesc(g->gif, w, h, 8, 0, NULL) == GIF_ERROR ||
      EGifPutExtensionLeader(g->gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
      EGifPutExtensionBlock(g->gif, 11, "NETSCAPE2.0") == GIF_ERROR ||
      EGifPutExtensionBlock(g->gif, 3, loop) == GIF_ERROR ||
      EGifPutExtensionTrailer(g->gif) == GIF_ERROR) {
    rlcStatus s = gif_lib_fail(g, "cannot write GIF header");
    char msg[512];
    snprintf(msg, sizeof msg, "%s", rlc_last_error());
    EGifCloseFile(g->gif, NULL);
    fclose(g->fp);
    remove(g->tmp);
    gif_free(g);
    return rlc_error(s, "%s", msg);
  }
  *out = g;
  return RLC_OK;
}

int rlc_gif_frame_count(const rlcGif *g) { return g ? g->frames : 0; }

// Exact palette: returns the number of distinct colours and fills g->index and
// colors, or -1 as soon as a 257th colour shows up.
static int exact_palette(rlcGif *g, const uint8_t *rgb, size_t npix, GifColorType *colors) {
  memset(g->keys, 0xff, sizeof g->keys);
  int count = 0;
  uint32_t last_key = HASH_EMPTY;
  uint8_t last_idx = 0;
  for (size_t i = 0; i < npix; i++, rgb += 3) {
    uint32_t key = (uint32_t)rgb[0] << 16 | (uint32_t)rgb[1] << 8 | rgb[2];
    if (key != last_key) {  // runs of one colour are the common case
      uint32_t slot = (key * 2654435761u) >> (32 - HASH_BITS);
      while (g->keys[slot] != HASH_EMPTY && g->keys[slot] != key)
        slot = (slot + 1) & (HASH_SIZE - 1);
      if (g->keys[slot] == HASH_EMPTY) {
        if (count == 256) return -1;
        g->keys[slot] = key;
        g->slot_index[slot] = (uint8_t)count;
        colors[count] = (GifColorType){rgb[0], rgb[1], rgb[2]};
        count++;
      }
      last_key = key;
      last_idx = g->slot_index[slot];
    }
    g->index[i] = last_idx;
  }
  return count;
}

// The rectangle of pixels that differ from the previous frame (the whole
// frame for the first): only it is encoded, over the previous frame, which
// stays (most env frames change in a small part: a cart and its pole).
// An unchanged frame still takes its 1x1 image, so it keeps its time.
typedef struct {
  int x, y, w, h;
} Rect;

// The first and the last byte where a and b differ in [0, n) (-1: none).
static int first_diff(const uint8_t *a, const uint8_t *b, int n) {
  if (n <= 0 || !memcmp(a, b, (size_t)n)) return -1;
  int i = 0;
  while (a[i] == b[i]) i++;
  return i;
}

static int last_diff(const uint8_t *a, const uint8_t *b, int n) {
  if (n <= 0 || !memcmp(a, b, (size_t)n)) return -1;
  int i = n - 1;
  while (a[i] == b[i]) i--;
  return i;
}

// The bounding box of the pixels that differ inside the box [x0, x1) x [y0, y1).
static Rect changed_in(const rlcGif *g, const uint8_t *rgb, int bx0, int by0, int bx1, int by1) {
  size_t row = (size_t)g->w * 3, span = (size_t)(bx1 - bx0) * 3;
  const uint8_t *a0 = rgb + (size_t)bx0 * 3, *b0 = g->prev + (size_t)bx0 * 3;
  int y0 = by0, y1 = by1;
  while (y0 < by1 && !memcmp(a0 + y0 * row, b0 + y0 * row, span)) y0++;
  if (y0 == by1) return (Rect){0, 0, 0, 0};
  while (y1 > y0 && !memcmp(a0 + (y1 - 1) * row, b0 + (y1 - 1) * row, span)) y1--;
  // Columns: each row only needs a look outside the columns found so far.
  int x0 = bx1 - bx0, x1 = 0, n = (int)span;
  for (int y = y0; y < y1; y++) {
    const uint8_t *a = a0 + y * row, *b = b0 + y * row;
    int l = first_diff(a, b, 3 * x0);
    if (l >= 0) x0 = l / 3;
    int r = last_diff(a + 3 * x1, b + 3 * x1, n - 3 * x1);
    if (r >= 0) x1 += r / 3 + 1;
  }
  return (Rect){bx0 + x0, y0, x1 - x0, y1 - y0};
}

static Rect rect_union(Rect a, Rect b) {
  if (a.w <= 0) return b;
  if (b.w <= 0) return a;
  int x0 = a.x < b.x ? a.x : b.x, y0 = a.y < b.y ? a.y : b.y;
  int x1 = a.x + a.w > b.x + b.w ? a.x + a.w : b.x + b.w, y1 = a.y + a.h > b.y + b.h ? a.y + a.h : b.y + b.h;
  return (Rect){x0, y0, x1 - x0, y1 - y0};
}

// With boxes (x0, y0, x1, y1 each, clipped here), only they are searched:
// the caller knows nothing outside them changed.
static Rect changed_rect(const rlcGif *g, const uint8_t *rgb, const int (*boxes)[4], int nboxes) {
  int W = g->w, H = g->h;
  if (!g->have_prev) return (Rect){0, 0, W, H};
  Rect rc = {0, 0, 0, 0};
  if (!boxes) rc = changed_in(g, rgb, 0, 0, W, H);
  for (int i = 0; boxes && i < nboxes; i++) {
    int x0 = boxes[i][0] < 0 ? 0 : boxes[i][0], y0 = boxes[i][1] < 0 ? 0 : boxes[i][1];
    int x1 = boxes[i][2] > W ? W : boxes[i][2], y1 = boxes[i][3] > H ? H : boxes[i][3];
    if (x0 < x1 && y0 < y1) rc = rect_union(rc, changed_in(g, rgb, x0, y0, x1, y1));
  }
  if (rc.w <= 0) return (Rect){0, 0, 1, 1};
  return rc;
}

rlcStatus rlc_gif_add_frame(rlcGif *g, const uint8_t *rgb) { return gif_add_frame_in(g, rgb, NULL, 0); }

rlcStatus gif_add_frame_in(rlcGif *g, const uint8_t *rgb, const int (*boxes)[4], int nboxes) {
  if (!g) return rlc_error(RLC_ERR_ARG, "rlc_gif_add_frame: NULL gif");
  if (g->err != RLC_OK) return rlc_error(g->err, "%s", g->err_msg);
  if (!rgb) return gif_fail(g, RLC_ERR_ARG, "%s: frame %d is NULL", g->path, g->frames);

  Rect rc = changed_rect(g, rgb, boxes, nboxes);
  // Outside the rectangle the previous frame equals this one already.
  for (int y = 0; y < rc.h; y++) {
    size_t at = ((size_t)(rc.y + y) * g->w + rc.x) * 3, n = (size_t)rc.w * 3;
    memcpy(g->rect + (size_t)y * n, rgb + at, n);
    memcpy(g->prev + at, rgb + at, n);
  }
  g->have_prev = true;
  size_t npix = (size_t)rc.w * rc.h;
  GifColorType colors[256];
  memset(colors, 0, sizeof colors);  // unused entries of a padded map are black
  int ncolors = exact_palette(g, g->rect, npix, colors);
  if (ncolors < 0) {
    if (!g->quant && !(g->quant = quant_new()))
      return gif_fail(g, RLC_ERR_NOMEM, "%s: out of memory", g->path);
    ncolors = quantize(g->quant, g->rect, npix, g->index, colors);
  }
  // Map sizes must be powers of two (at least 2).
  int bits = 1;
  while ((1 << bits) < ncolors) bits++;
  ColorMapObject map = {.ColorCount = 1 << bits, .BitsPerPixel = bits, .SortFlag = false,
                        .Colors = colors};

  GraphicsControlBlock gcb = {.DisposalMode = DISPOSE_DO_NOT, .UserInputFlag = false,
                              .DelayTime = g->delay, .TransparentColor = NO_TRANSPARENT_COLOR};
  GifByteType ext[4];
  size_t ext_len = EGifGCBToExtension(&gcb, ext);
  bool ok = EGifPutExtension(g->gif, GRAPHICS_EXT_FUNC_CODE, (int)ext_len, ext) != GIF_ERROR &&
            EGifPutImageDesc(g->gif, rc.x, rc.y, rc.w, rc.h, false, &map) != GIF_ERROR;
  if (ok && atomic_load(&giflib_lzw)) {
    // Row by row: w * h can exceed the int that EGifPutLine takes.
    for (int y = 0; ok && y < rc.h; y++)
      ok = EGifPutLine(g->gif, g->index + (size_t)y * rc.w, rc.w) != GIF_ERROR;
  } else if (ok) {
    lzw_encode(g->lzw, g->index, npix, bits);
    ok = put_lzw(g->gif, g->lzw);
  }
  if (!ok) {
    char what[64];
    snprintf(what, sizeof what, "cannot write frame %d", g->frames);
    return gif_lib_fail(g, what);
  }
  if (g->write_failed)
    return gif_fail(g, RLC_ERR_IO, "%s: cannot write frame %d: %s", g->path, g->frames,
                    strerror(g->write_errno));
  g->frames++;
  return RLC_OK;
}

rlcStatus rlc_gif_close(rlcGif *g) {
  if (!g) return RLC_OK;  // like free(NULL); keeps an earlier error text intact
  if (g->err == RLC_OK && g->frames == 0)
    gif_fail(g, RLC_ERR_STATE, "%s: GIF has no frames", g->path);
  int gerr = 0;
  // EGifCloseFile frees g->gif even when it fails.
  if (EGifCloseFile(g->gif, &gerr) == GIF_ERROR && g->err == RLC_OK) {
    const char *txt = GifErrorString(gerr);
    gif_fail(g, RLC_ERR_IO, "%s: cannot finish GIF: %s", g->path, txt ? txt : "giflib error");
  }
  g->gif = NULL;
  if (g->err == RLC_OK && g->write_failed)
    gif_fail(g, RLC_ERR_IO, "%s: cannot write: %s", g->path, strerror(g->write_errno));
  if (g->err == RLC_OK && (fflush(g->fp) != 0 || fsync(fileno(g->fp)) != 0))
    gif_fail(g, RLC_ERR_IO, "%s: cannot write: %s", g->path, strerror(errno));
  if (fclose(g->fp) != 0 && g->err == RLC_OK)
    gif_fail(g, RLC_ERR_IO, "%s: cannot write: %s", g->path, strerror(errno));
  if (g->err == RLC_OK && rename(g->tmp, g->path) != 0)
    gif_fail(g, RLC_ERR_IO, "%s: cannot rename temp file into place: %s", g->path,
             strerror(errno));
  if (g->err != RLC_OK) remove(g->tmp);
  rlcStatus s = g->err;
  if (s != RLC_OK) rlc_error(s, "%s", g->err_msg);
  gif_free(g);
  return s;
}

//------------------------------------------------------------------------------
// Reading
//------------------------------------------------------------------------------

static rlcStatus gif_open(const char *path, GifFileType **out) {
  *out = NULL;
  int gerr = 0;
  errno = 0;
  GifFileType *gif = DGifOpenFileName(path, &gerr);
  if (!gif) {
    int e = errno;
    if (gerr == D_GIF_ERR_OPEN_FAILED)
      return rlc_error(e == ENOENT ? RLC_ERR_NOT_FOUND : RLC_ERR_IO, "%s: cannot open: %s", path,
                       strerror(e));
    const char *txt = GifErrorString(gerr);
    return rlc_error(RLC_ERR_FORMAT, "%s: bad GIF: %s", path, txt ? txt : "unknown error");
  }
  if (DGifSlurp(gif) == GIF_ERROR) {
    const char *txt = GifErrorString(gif->Error);
    rlcStatus s = rlc_error(RLC_ERR_FORMAT, "%s: bad GIF: %s", path, txt ? txt : "unknown error");
    DGifCloseFile(gif, NULL);
    return s;
  }
  if (gif->SWidth <= 0 || gif->SHeight <= 0 ||
      (uint64_t)gif->SWidth * (uint64_t)gif->SHeight > GIF_MAX_PIXELS) {
    rlcStatus s = rlc_error(RLC_ERR_FORMAT, "%s: bad GIF screen size %dx%d", path, gif->SWidth,
                            gif->SHeight);
    DGifCloseFile(gif, NULL);
    return s;
  }
  *out = gif;
  return RLC_OK;
}

rlcStatus rlc_gif_read_info(const char *path, int *frames, int *w, int *h) {
  if (!path || !frames || !w || !h) return rlc_error(RLC_ERR_ARG, "rlc_gif_read_info: NULL argument");
  GifFileType *gif;
  rlcStatus s = gif_open(path, &gif);
  if (s != RLC_OK) return s;
  *frames = gif->ImageCount;
  *w = gif->SWidth;
  *h = gif->SHeight;
  DGifCloseFile(gif, NULL);
  return RLC_OK;
}

static void fill_rect(uint8_t *screen, int sw, int x0, int y0, int x1, int y1,
                      const uint8_t bg[3]) {
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++) memcpy(screen + ((size_t)y * sw + x) * 3, bg, 3);
}

// Draws image i onto the screen (clipped to it). Transparent pixels keep what
// is underneath.
static rlcStatus draw_image(GifFileType *gif, int i, uint8_t *screen, const char *path) {
  SavedImage *im = &gif->SavedImages[i];
  const GifImageDesc *d = &im->ImageDesc;
  const ColorMapObject *map = d->ColorMap ? d->ColorMap : gif->SColorMap;
  if (!map || !map->Colors || map->ColorCount <= 0)
    return rlc_error(RLC_ERR_FORMAT, "%s: frame %d has no colour map", path, i);
  if (!im->RasterBits || d->Width <= 0 || d->Height <= 0)
    return rlc_error(RLC_ERR_FORMAT, "%s: frame %d has no pixels", path, i);
  GraphicsControlBlock gcb = {.TransparentColor = NO_TRANSPARENT_COLOR};
  DGifSavedExtensionToGCB(gif, i, &gcb);
  int sw = gif->SWidth, sh = gif->SHeight;
  for (int y = 0; y < d->Height; y++) {
    int sy = d->Top + y;
    if (sy < 0 || sy >= sh) continue;
    const GifByteType *src = im->RasterBits + (size_t)y * d->Width;
    for (int x = 0; x < d->Width; x++) {
      int sx = d->Left + x;
      if (sx < 0 || sx >= sw) continue;
      int k = src[x];
      if (k == gcb.TransparentColor) continue;
      if (k >= map->ColorCount)
        return rlc_error(RLC_ERR_FORMAT, "%s: frame %d uses colour %d of a %d-colour map", path,
                         i, k, map->ColorCount);
      uint8_t *p = screen + ((size_t)sy * sw + sx) * 3;
      p[0] = map->Colors[k].Red;
      p[1] = map->Colors[k].Green;
      p[2] = map->Colors[k].Blue;
    }
  }
  return RLC_OK;
}

rlcStatus rlc_gif_read_frame(const char *path, int index, uint8_t **rgb) {
  if (!path || !rgb) return rlc_error(RLC_ERR_ARG, "rlc_gif_read_frame: NULL argument");
  *rgb = NULL;
  GifFileType *gif;
  rlcStatus s = gif_open(path, &gif);
  if (s != RLC_OK) return s;
  if (index < 0 || index >= gif->ImageCount) {
    s = rlc_error(RLC_ERR_ARG, "%s: frame %d out of range (%d frames)", path, index,
                  gif->ImageCount);
    DGifCloseFile(gif, NULL);
    return s;
  }
  int sw = gif->SWidth, sh = gif->SHeight;
  size_t bytes = (size_t)sw * sh * 3;
  uint8_t *screen = rlc_malloc(bytes), *saved = NULL;
  if (!screen) {
    DGifCloseFile(gif, NULL);
    return RLC_ERR_NOMEM;
  }
  // The background is the global map's background entry, black without one.
  uint8_t bg[3] = {0, 0, 0};
  const ColorMapObject *gm = gif->SColorMap;
  if (gm && gm->Colors && gif->SBackGroundColor >= 0 && gif->SBackGroundColor < gm->ColorCount) {
    bg[0] = gm->Colors[gif->SBackGroundColor].Red;
    bg[1] = gm->Colors[gif->SBackGroundColor].Green;
    bg[2] = gm->Colors[gif->SBackGroundColor].Blue;
  }
  fill_rect(screen, sw, 0, 0, sw, sh, bg);

  // Frame i is what the screen shows after drawing frames 0..i, each earlier
  // one followed by its disposal.
  for (int i = 0; i <= index && s == RLC_OK; i++) {
    GraphicsControlBlock gcb = {.DisposalMode = DISPOSAL_UNSPECIFIED};
    DGifSavedExtensionToGCB(gif, i, &gcb);
    bool restore = i < index && gcb.DisposalMode == DISPOSE_PREVIOUS;
    if (restore) {
      if (!saved && !(saved = rlc_malloc(bytes))) {
        s = RLC_ERR_NOMEM;
        break;
      }
      memcpy(saved, screen, bytes);
    }
    s = draw_image(gif, i, screen, path);
    if (s != RLC_OK || i == index) break;
    if (restore) {
      memcpy(screen, saved, bytes);
    } else if (gcb.DisposalMode == DISPOSE_BACKGROUND) {
      const GifImageDesc *d = &gif->SavedImages[i].ImageDesc;
      int x0 = d->Left < 0 ? 0 : d->Left, y0 = d->Top < 0 ? 0 : d->Top;
      int x1 = d->Left + d->Width > sw ? sw : d->Left + d->Width;
      int y1 = d->Top + d->Height > sh ? sh : d->Top + d->Height;
      fill_rect(screen, sw, x0, y0, x1, y1, bg);
    }
  }
  rlc_free(saved);
  DGifCloseFile(gif, NULL);
  if (s != RLC_OK) {
    rlc_free(screen);
    return s;
  }
  *rgb = screen;
  return RLC_OK;
}
