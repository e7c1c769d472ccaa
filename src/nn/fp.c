// fp.c: the floating-point mode training kernels run in (denormals flushed
// to zero; rlc_fp_fast_begin/end, nn.h says why).
// Depends on: rlc/nn.h, the x86 SSE intrinsics header on x86.
#include "rlc/nn.h"
#include "gemm.h"

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

rlcFpMode rlc_fp_fast_begin(void) {
  rlcFpMode m = {0};
#if defined(__SSE2__)
  unsigned csr = _mm_getcsr();
  _mm_setcsr(csr | 0x8040);  // FTZ (bit 15) | DAZ (bit 6)
  m.saved = csr;
#elif defined(__aarch64__)
  uint64_t fpcr;
  __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
  __asm__ volatile("msr fpcr, %0" : : "r"(fpcr | (1ull << 24)));  // FZ: inputs and results
  m.saved = fpcr;
#endif
  return m;
}

void rlc_fp_fast_end(rlcFpMode mode) {
#if defined(__SSE2__)
  _mm_setcsr((unsigned)mode.saved);
#elif defined(__aarch64__)
  __asm__ volatile("msr fpcr, %0" : : "r"(mode.saved));
#else
  (void)mode;
#endif
}

// The calling thread's control word, for pool workers to take on (pool.c).
uint64_t nn_fp_mode_get(void) {
#if defined(__SSE2__)
  return _mm_getcsr();
#elif defined(__aarch64__)
  uint64_t fpcr;
  __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
  return fpcr;
#else
  return 0;
#endif
}

void nn_fp_mode_set(uint64_t mode) {
#if defined(__SSE2__)
  _mm_setcsr((unsigned)mode);
#elif defined(__aarch64__)
  __asm__ volatile("msr fpcr, %0" : : "r"(mode));
#else
  (void)mode;
#endif
}
