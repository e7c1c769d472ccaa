// io.c: byte buffers for serializing state (checkpoints), CRC-32, atomic file
// writes and whole-file reads.
// Depends on: rlc/core.h, POSIX (fsync, rename, getpid).
#include <errno.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rlc/core.h"

void rlc_buf_free(rlcBuf *b) {
  rlc_free(b->data);
  memset(b, 0, sizeof *b);
}

void rlc_buf_put(rlcBuf *b, const void *p, size_t n) {
  if (b->err || n == 0) return;
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n) cap *= 2;
    uint8_t *d = rlc_realloc(b->data, cap);
    if (!d) {
      b->err = RLC_ERR_NOMEM;
      return;
    }
    b->data = d;
    b->cap = cap;
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
}

rlcStatus rlc_buf_get(rlcBuf *b, void *p, size_t n) {
  if (b->err) return b->err;
  if (n > b->len - b->pos) {
    b->err = RLC_ERR_FORMAT;
    return rlc_error(RLC_ERR_FORMAT, "truncated data (wanted %zu bytes, %zu left)", n, b->len - b->pos);
  }
  memcpy(p, b->data + b->pos, n);
  b->pos += n;
  return RLC_OK;
}

void rlc_buf_put_tag(rlcBuf *b, const char *tag) {
  char t[16] = {0};
  strncpy(t, tag, sizeof t - 1);
  rlc_buf_put(b, t, sizeof t);
}

rlcStatus rlc_buf_get_tag(rlcBuf *b, const char *tag) {
  char t[16] = {0}, want[16] = {0};
  strncpy(want, tag, sizeof want - 1);
  rlcStatus s = rlc_buf_get(b, t, sizeof t);
  if (s) return s;
  if (memcmp(t, want, sizeof t) != 0) {
    b->err = RLC_ERR_FORMAT;
    return rlc_error(RLC_ERR_FORMAT, "corrupted data (expected section '%s')", want);
  }
  return RLC_OK;
}

// CRC-32 (IEEE 802.3, zlib's crc32), four bits at a time.
uint32_t rlc_crc32(uint32_t crc, const void *data, size_t n) {
  static const uint32_t t[16] = {0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
                                 0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
                                 0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c};
  const unsigned char *p = data;
  crc = ~crc;
  for (size_t i = 0; i < n; i++) {
    crc ^= p[i];
    crc = (crc >> 4) ^ t[crc & 15];
    crc = (crc >> 4) ^ t[crc & 15];
  }
  return ~crc;
}

// The rename itself reaches the disk with the directory's entry: after a
// power loss the file is the old one or the new one, never missing.
static void sync_parent_dir(const char *path) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash == dir) slash[1] = 0;
  else if (slash) *slash = 0;
  else snprintf(dir, sizeof dir, ".");
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
}

rlcStatus rlc_file_write_atomic(const char *path, const void *data, size_t n, const char *what) {
  char tmp[4096];
  if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
    return rlc_error(RLC_ERR_ARG, "%s: path too long", what);
  FILE *fp = fopen(tmp, "wb");
  if (!fp) return rlc_error(RLC_ERR_IO, "%s: cannot create '%s': %s", what, tmp, strerror(errno));
  bool ok = fwrite(data, 1, n, fp) == n && fflush(fp) == 0 && fsync(fileno(fp)) == 0;
  int err = errno;
  if (fclose(fp) != 0 && ok) {
    ok = false;
    err = errno;
  }
  rlcStatus st = RLC_OK;
  if (!ok) st = rlc_error(RLC_ERR_IO, "%s: cannot write '%s': %s", what, tmp, strerror(err));
  else if (rename(tmp, path) != 0)
    st = rlc_error(RLC_ERR_IO, "%s: cannot rename '%s' to '%s': %s", what, tmp, path, strerror(errno));
  if (st) remove(tmp);
  else sync_parent_dir(path);
  return st;
}

rlcStatus rlc_file_read(const char *path, uint8_t **data, size_t *n) {
  *data = NULL;
  *n = 0;
  // Regular files only: a FIFO would block the open, /dev/zero never ends.
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return rlc_error(errno == ENOENT ? RLC_ERR_NOT_FOUND : RLC_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
    close(fd);
    return rlc_error(RLC_ERR_IO, "'%s' is not a regular file", path);
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  FILE *fp = fdopen(fd, "rb");
  if (!fp) {
    close(fd);
    return rlc_error(RLC_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
  }
  rlcBuf b = {0};
  char chunk[65536];
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0) rlc_buf_put(&b, chunk, got);
  bool bad = ferror(fp);
  fclose(fp);
  if (bad || b.err) {
    rlc_buf_free(&b);
    return bad ? rlc_error(RLC_ERR_IO, "cannot read '%s'", path) : RLC_ERR_NOMEM;
  }
  // An empty file is an empty buffer, not NULL: callers copy from it.
  if (!b.data && !(b.data = rlc_malloc(1))) return RLC_ERR_NOMEM;
  *data = b.data;
  *n = b.len;
  return RLC_OK;
}
