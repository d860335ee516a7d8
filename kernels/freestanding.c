/*
 * The WebAssembly build links no C library, but compilers turn copy and fill loops into memcpy/memset calls, so the
 * module defines them. Compiled with -mbulk-memory they lower to the memory.copy / memory.fill instructions.
 */
#ifdef __wasm__
#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
  __builtin_memcpy(dst, src, n);
  return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
  __builtin_memmove(dst, src, n);
  return dst;
}

void *memset(void *dst, int value, size_t n) {
  __builtin_memset(dst, value, n);
  return dst;
}
#endif
