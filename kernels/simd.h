/*
 * One vector type for every target through the GCC/Clang vector extension, so the GEMM micro-kernel is written once:
 * 128-bit lanes for WebAssembly SIMD (and plain SSE/NEON), 256 for AVX2, 512 for AVX-512. The compilers lower
 * `vector * scalar` to a broadcast and, natively with -march=native, `acc += a * b` to a fused multiply-add.
 */
#ifndef DAD_SIMD_H
#define DAD_SIMD_H

#if defined(__AVX512F__)
#define DAD_VLEN 16
#elif defined(__AVX__)
#define DAD_VLEN 8
#else
#define DAD_VLEN 4
#endif

typedef float dad_vec __attribute__((vector_size(DAD_VLEN * 4)));
/* The same vector with 4-byte alignment: loads and stores into C, which has no alignment guarantee. */
typedef float dad_vec_unaligned __attribute__((vector_size(DAD_VLEN * 4), aligned(4)));

#endif
