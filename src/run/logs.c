// logs.c: what a run writes while it trains: metrics.csv and episodes.csv
// (plain CSV, appended and flushed row by row), and a TensorBoard events file
// (TFRecord framing of Event protocol buffers, encoded by hand: a scalar
// summary is a few bytes, not worth a protobuf library). Also reads the CSV
// files back for plots.
// Depends on: rlc/core.h, stdio.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "run/run_internal.h"

//------------------------------------------------------------------------------
// TensorBoard events
//------------------------------------------------------------------------------

// CRC-32C (Castagnoli), as TFRecord frames use, and its mask.
static uint32_t crc32c(const uint8_t *p, size_t n) {
  static uint32_t t[256];
  static int ready;
  if (!ready) {
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
      t[i] = c;
    }
    ready = 1;
  }
  uint32_t c = ~0u;
  for (size_t i = 0; i < n; i++) c = t[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return ~c;
}

uint32_t run_tb_masked_crc(const uint8_t *p, size_t n) {
  uint32_t c = crc32c(p, n);
  return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

static size_t put_varint(uint8_t *p, uint64_t v) {
  size_t n = 0;
  do {
    p[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
    v >>= 7;
  } while (v);
  return n;
}

static rlcStatus tb_record(FILE *fp, const uint8_t *data, size_t n) {
  uint8_t head[12];
  uint64_t len = n;
  memcpy(head, &len, 8);
  uint32_t c = run_tb_masked_crc(head, 8);
  memcpy(head + 8, &c, 4);
  uint32_t dc = run_tb_masked_crc(data, n);
  if (fwrite(head, 1, 12, fp) != 12 || fwrite(data, 1, n, fp) != n || fwrite(&dc, 1, 4, fp) != 4)
    return rlc_error(RLC_ERR_IO, "cannot write the TensorBoard events file");
  return RLC_OK;
}

// Event{wall_time=1, step=2, file_version=3 | summary=5{value=1{tag=1, simple_value=2}}}
static size_t tb_event_head(uint8_t *p, double wall, int64_t step) {
  size_t n = 0;
  p[n++] = 0x09;
  memcpy(p + n, &wall, 8);
  n += 8;
  p[n++] = 0x10;
  n += put_varint(p + n, (uint64_t)step);
  return n;
}

rlcStatus run_tb_open(FILE *fp) {
  uint8_t ev[64];
  size_t n = tb_event_head(ev, (double)time(NULL), 0);
  const char *ver = "brain.Event:2";
  ev[n++] = 0x1a;
  ev[n++] = (uint8_t)strlen(ver);
  memcpy(ev + n, ver, strlen(ver));
  n += strlen(ver);
  return tb_record(fp, ev, n);
}

rlcStatus run_tb_scalar(FILE *fp, const char *tag, int64_t step, double value) {
  uint8_t ev[256], val[160];
  size_t tl = strlen(tag);
  if (tl > 120) tl = 120;
  size_t vn = 0;
  val[vn++] = 0x0a;
  val[vn++] = (uint8_t)tl;
  memcpy(val + vn, tag, tl);
  vn += tl;
  float f = (float)value;
  val[vn++] = 0x15;
  memcpy(val + vn, &f, 4);
  vn += 4;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  size_t n = tb_event_head(ev, (double)ts.tv_sec + ts.tv_nsec * 1e-9, step);
  ev[n++] = 0x2a;                      // summary
  n += put_varint(ev + n, vn + 2);
  ev[n++] = 0x0a;                      // summary.value
  n += put_varint(ev + n, vn);
  memcpy(ev + n, val, vn);
  n += vn;
  return tb_record(fp, ev, n);
}

//------------------------------------------------------------------------------
// CSV back in (plots)
//------------------------------------------------------------------------------

void run_table_free(RunTable *t) {
  for (int c = 0; c < t->ncols; c++) {
    rlc_free(t->name[c]);
    rlc_free(t->col[c]);
  }
  memset(t, 0, sizeof *t);
}

const double *run_table_col(const RunTable *t, const char *name) {
  for (int c = 0; c < t->ncols; c++)
    if (!strcmp(t->name[c], name)) return t->col[c];
  return NULL;
}

// Empty cells read as NAN (evaluation columns are empty between evaluations).
rlcStatus run_table_read(RunTable *t, const char *path) {
  memset(t, 0, sizeof *t);
  uint8_t *data;
  size_t size;
  rlcStatus s = rlc_file_read(path, &data, &size);
  if (s) return s;
  char *text = rlc_malloc(size + 1);
  if (!text) {
    rlc_free(data);
    return RLC_ERR_NOMEM;
  }
  memcpy(text, data, size);
  text[size] = 0;
  rlc_free(data);
  int cap = 0;
  char *save = NULL;
  char *line = strtok_r(text, "\n", &save);
  if (!line) {
    rlc_free(text);
    return rlc_error(RLC_ERR_FORMAT, "'%s' is empty", path);
  }
  for (char *p = line; *p && t->ncols < RUN_TABLE_MAX_COLS;) {
    char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    t->name[t->ncols] = rlc_malloc(len + 1);
    if (!t->name[t->ncols]) {
      s = RLC_ERR_NOMEM;
      break;
    }
    memcpy(t->name[t->ncols], p, len);
    t->name[t->ncols++][len] = 0;
    if (!comma) break;
    p = comma + 1;
  }
  while (!s && (line = strtok_r(NULL, "\n", &save))) {
    if (t->nrows == cap) {
      cap = cap ? cap * 2 : 256;
      for (int c = 0; c < t->ncols && !s; c++) {
        double *d = rlc_realloc(t->col[c], (size_t)cap * sizeof(double));
        if (!d) s = RLC_ERR_NOMEM;
        else t->col[c] = d;
      }
      if (s) break;
    }
    char *p = line;
    for (int c = 0; c < t->ncols; c++) {
      char *end;
      double v = strtod(p, &end);
      t->col[c][t->nrows] = end == p ? NAN : v;
      char *comma = strchr(p, ',');
      if (!comma) {
        for (int k = c + 1; k < t->ncols; k++) t->col[k][t->nrows] = NAN;
        break;
      }
      p = comma + 1;
    }
    t->nrows++;
  }
  rlc_free(text);
  if (s) run_table_free(t);
  return s;
}
