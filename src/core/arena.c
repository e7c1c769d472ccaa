// arena.c: rlcArena, an object's scratch buffers carved from one allocation
// by a size table (llm.c's layout of activations), 64-byte aligned and zeroed.
// Depends on: rlc/core.h (rlc_calloc, rlc_error), string.h.
#include <stdint.h>
#include <string.h>

#include "rlc/core.h"

#define ARENA_ALIGN 64

rlcStatus rlc_arena_init(rlcArena *a, const rlcArenaItem *items, int n) {
  if (!a) return rlc_error(RLC_ERR_ARG, "arena: NULL arena");
  a->raw = NULL;
  a->size = 0;
  if (n < 0 || (n > 0 && !items))
    return rlc_error(RLC_ERR_ARG, "arena: %d items in a %s table", n, items ? "given" : "NULL");
  // Offsets first, every check before anything is allocated or written.
  size_t total = 0;
  for (int i = 0; i < n; i++) {
    const rlcArenaItem *it = &items[i];
    if (!it->ptr) return rlc_error(RLC_ERR_ARG, "arena: item %d has no pointer to set", i);
    if (it->size && it->count > SIZE_MAX / it->size)
      return rlc_error(RLC_ERR_ARG, "arena: item %d: %zu x %zu bytes overflows", i, it->count, it->size);
    size_t bytes = it->count * it->size;
    if (total > SIZE_MAX - 2 * ARENA_ALIGN || bytes > SIZE_MAX - 2 * ARENA_ALIGN - total)
      return rlc_error(RLC_ERR_ARG, "arena: item %d: %zu bytes after %zu overflow the arena", i, bytes, total);
    total += (bytes + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
  }
  // One spare line for aligning the start (malloc guarantees 16 bytes).
  char *raw = rlc_calloc(1, total + ARENA_ALIGN);
  if (!raw) return RLC_ERR_NOMEM;
  char *at = (char *)(((uintptr_t)raw + ARENA_ALIGN - 1) & ~(uintptr_t)(ARENA_ALIGN - 1));
  for (int i = 0; i < n; i++) {
    // memcpy, not a store through void **: the variable may be any T *.
    size_t bytes = items[i].count * items[i].size;
    void *p = bytes ? at : NULL;
    memcpy(items[i].ptr, &p, sizeof p);
    at += (bytes + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
  }
  a->raw = raw;
  a->size = total;
  return RLC_OK;
}

void rlc_arena_free(rlcArena *a) {
  if (!a) return;
  rlc_free(a->raw);
  a->raw = NULL;
  a->size = 0;
}
