// tests/test_arena.c: rlcArena (src/core/arena.c): one allocation carved into
// 64-byte aligned, zeroed buffers of any element type, one free; sizes that
// overflow are errors, not wrapped.
// Depends on: tests/test.h.
#include <stdint.h>
#include <stdlib.h>

#include "test.h"

static long arena_allocs;
static void *arena_malloc(size_t n, void *u) { (void)u; arena_allocs++; return malloc(n); }
static void *arena_realloc(void *p, size_t n, void *u) { (void)u; arena_allocs++; return realloc(p, n); }
static void arena_free_fn(void *p, void *u) { (void)u; free(p); }

TEST(arena_carves_aligned_zeroed_buffers) {
  float *q = NULL, *empty = (float *)(uintptr_t)0x40;
  int32_t *idx = NULL;
  bool *mask = NULL;
  double *d = NULL;
  rlcArenaItem items[] = {RLC_ARENA_ITEM(q, 37), RLC_ARENA_ITEM(idx, 5), RLC_ARENA_ITEM(empty, 0),
                          RLC_ARENA_ITEM(mask, 3), RLC_ARENA_ITEM(d, 17)};
  rlcAllocator al = {arena_malloc, arena_realloc, arena_free_fn, NULL};
  arena_allocs = 0;
  rlc_set_allocator(&al);
  rlcArena a;
  rlcStatus s = rlc_arena_init(&a, items, 5);
  rlc_set_allocator(NULL);
  CHECK_OK(s);
  if (s) return;
  CHECK_EQ_INT(arena_allocs, 1);
  CHECK_EQ_INT(items[0].size, sizeof(float));
  CHECK_EQ_INT(items[4].size, sizeof(double));
  CHECK(empty == NULL);  // an optional buffer left out
  void *ptrs[] = {q, idx, mask, d};
  for (int i = 0; i < 4; i++) {
    CHECK_MSG(ptrs[i] != NULL, "item %d has no buffer", i);
    CHECK_MSG((uintptr_t)ptrs[i] % 64 == 0, "item %d at %p is not 64-byte aligned", i, ptrs[i]);
  }
  // In table order, each on its own lines: 37 floats take 3 lines.
  CHECK((char *)idx - (char *)q == 192);
  CHECK((char *)mask - (char *)idx == 64);
  CHECK((char *)d - (char *)mask == 64);
  CHECK_EQ_INT(a.size, 192 + 64 + 64 + 192);
  for (int i = 0; i < 37; i++) CHECK(q[i] == 0.0f);
  for (int i = 0; i < 17; i++) CHECK(d[i] == 0.0);
  CHECK(!mask[0] && !mask[2] && idx[4] == 0);
  // Every byte is usable (ASan checks the ends).
  for (int i = 0; i < 37; i++) q[i] = (float)i;
  for (int i = 0; i < 17; i++) d[i] = i;
  CHECK(q[36] == 36.0f && idx[0] == 0);
  rlc_arena_free(&a);
  CHECK(a.raw == NULL);
  rlc_arena_free(&a);  // twice is fine
  rlc_arena_free(NULL);
  // No items: still one valid allocation.
  CHECK_OK(rlc_arena_init(&a, NULL, 0));
  rlc_arena_free(&a);
}

TEST(arena_rejects_overflow_and_bad_tables) {
  float *p = NULL, *r = NULL;
  float *const sentinel = (float *)(uintptr_t)0x40;
  rlcArena a = {0};
  // count * size overflows size_t: an error naming the item, not a wrapped size.
  rlcArenaItem wrap[] = {RLC_ARENA_ITEM(r, 4), {&p, SIZE_MAX / 2 + 2, 2}};
  p = r = sentinel;
  rlc_clear_error();
  CHECK_ERR(rlc_arena_init(&a, wrap, 2), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "item 1") != NULL);
  CHECK(strstr(rlc_last_error(), "overflows") != NULL);
  CHECK(p == sentinel && r == sentinel && a.raw == NULL);  // nothing set
  // Each item fits, the total does not.
  rlcArenaItem sum[] = {{&p, SIZE_MAX / 8, 4}, {&r, SIZE_MAX / 8, 4}, {&r, 64, 1}};
  rlc_clear_error();
  CHECK_ERR(rlc_arena_init(&a, sum, 3), RLC_ERR_ARG);
  CHECK(strstr(rlc_last_error(), "overflow") != NULL);
  CHECK(p == sentinel && r == sentinel);
  // Tables without a pointer to set, negative counts, NULL tables.
  rlcArenaItem noptr[] = {{NULL, 4, 4}};
  CHECK_ERR(rlc_arena_init(&a, noptr, 1), RLC_ERR_ARG);
  CHECK_ERR(rlc_arena_init(&a, wrap, -1), RLC_ERR_ARG);
  CHECK_ERR(rlc_arena_init(&a, NULL, 2), RLC_ERR_ARG);
  CHECK_ERR(rlc_arena_init(NULL, wrap, 1), RLC_ERR_ARG);
}
