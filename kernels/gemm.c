/*
 * Single-precision GEMM in the Goto/BLIS layout: op(B) is packed in KC×NC blocks of NR-wide panels, op(A) in MC×KC
 * blocks of MR-tall panels, and a register-blocked MR×NR micro-kernel streams both panels. Packing is what makes the
 * transposes free (they only change how the packers read) and what keeps the micro-kernel's loads sequential and aligned.
 *
 * Threads (native OpenMP build only): B is packed once per block by the team, then the rows of C are split between
 * threads, each packing its own part of A. Small products stay on one thread; waking a second costs more than it saves.
 */
#include "dad_kernels.h"
#include "simd.h"

/* Register tile: MR rows × NV vectors. Chosen per target so the accumulators fill the register file without spilling. */
#if DAD_VLEN == 16
#define MR 12
#define NV 2
#elif DAD_VLEN == 8
#define MR 6
#define NV 2
#else
#define MR 4
#define NV 2
#endif
#define NR (NV * DAD_VLEN)

/* Cache blocking: a KC×NR panel of B stays in L1 (or L2), an MC×KC block of A in L2, the KC×NC block of B in L2/L3.
 * A longer KC halves the loads and stores of C per FLOP; with AVX-512 (Zen 4, Ice Lake and later: 1–2 MiB L2) 512
 * measured ~5% faster than 256 at 1024³, elsewhere 256 is the classic safe choice. */
#ifndef KC
#if DAD_VLEN == 16
#define KC 512
#else
#define KC 256
#endif
#endif
#ifndef MC
#define MC (MR * 16)
#endif
#ifndef NC
#define NC 2048
#endif

#ifdef _OPENMP
#include <omp.h>
#include <stdlib.h>
/* The most threads dad_set_gemm_threads accepts; the default is two (or one on a single-core machine). */
#define MAX_THREADS 8
/* ~8 MFLOP (~80 µs on one core): below this, waking the sleeping second thread and its cold caches cost more than
 * they save. */
#define PARALLEL_MIN_FLOPS (1 << 23)
static int gemm_threads = -1;

int dad_gemm_max_threads(void) {
  if (gemm_threads < 0) gemm_threads = omp_get_num_procs() >= 2 ? 2 : 1;
  return gemm_threads;
}

int dad_set_gemm_threads(int threads) {
  gemm_threads = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
  return gemm_threads;
}
#else
int dad_gemm_max_threads(void) { return 1; }
int dad_set_gemm_threads(int threads) { return 1; }
#endif

/* Packing buffers. WebAssembly: one thread, static arrays. Native: per OS thread (Node worker threads may call the addon
 * concurrently), allocated on first use and kept. */
#ifdef _OPENMP
static _Thread_local float *pack_a_buffer;
static _Thread_local float *pack_b_buffer;
static float *pack_a(void) {
  if (!pack_a_buffer) pack_a_buffer = aligned_alloc(64, sizeof(float) * (MC + MR) * KC);
  return pack_a_buffer;
}
static float *pack_b(void) {
  if (!pack_b_buffer) pack_b_buffer = aligned_alloc(64, sizeof(float) * KC * (NC + NR));
  return pack_b_buffer;
}
#else
static float pack_a_storage[(MC + MR) * KC] __attribute__((aligned(64)));
static float pack_b_storage[KC * (NC + NR)] __attribute__((aligned(64)));
static float *pack_a(void) { return pack_a_storage; }
static float *pack_b(void) { return pack_b_storage; }
#endif

/* op(A)[row0 .. row0+mc) × [col0 .. col0+kc) into MR-row panels: for each p, MR consecutive values; rows past mc are 0. */
static void pack_a_block(int trans_a, const float *a, int m, int k, int row0, int mc, int col0, int kc, float *dst) {
  for (int ir = 0; ir < mc; ir += MR) {
    int rows = mc - ir < MR ? mc - ir : MR;
    if (rows == MR) {
      /* full panel: no bounds test per value (this loop was a third of the time of the products W1 and W2 make) */
      if (trans_a) {
        const float *src = a + (long)col0 * m + row0 + ir;
        for (int p = 0; p < kc; p++, src += m, dst += MR)
          for (int i = 0; i < MR; i++) dst[i] = src[i];
      } else {
        const float *src = a + (long)(row0 + ir) * k + col0;
        for (int p = 0; p < kc; p++, dst += MR)
          for (int i = 0; i < MR; i++) dst[i] = src[(long)i * k + p];
      }
      continue;
    }
    for (int p = 0; p < kc; p++) {
      for (int i = 0; i < MR; i++) {
        float v = 0.0f;
        if (i < rows) {
          int r = row0 + ir + i, q = col0 + p;
          v = trans_a ? a[(long)q * m + r] : a[(long)r * k + q];
        }
        dst[i] = v;
      }
      dst += MR;
    }
  }
}

/* op(B)[row0 .. row0+kc) × [col0 .. col0+nc) into NR-column panels: for each p, NR consecutive values; padding is 0. */
static void pack_b_panel(int trans_b, const float *b, int n, int k, int row0, int kc, int col0, int cols, float *dst) {
  if (!trans_b && cols == NR) {
    for (int p = 0; p < kc; p++) {
      const float *src = b + (long)(row0 + p) * n + col0;
      for (int j = 0; j < NR; j++) dst[j] = src[j];
      dst += NR;
    }
    return;
  }
  if (trans_b && cols == NR) {
    /* full panel of Bᵀ: read each row of B sequentially, scatter it down a column of the panel (no bounds tests) */
    for (int j = 0; j < NR; j++) {
      const float *src = b + (long)(col0 + j) * k + row0;
      for (int p = 0; p < kc; p++) dst[(long)p * NR + j] = src[p];
    }
    return;
  }
  for (int p = 0; p < kc; p++) {
    for (int j = 0; j < NR; j++) {
      float v = 0.0f;
      if (j < cols) v = trans_b ? b[(long)(col0 + j) * k + row0 + p] : b[(long)(row0 + p) * n + col0 + j];
      dst[j] = v;
    }
    dst += NR;
  }
}

/*
 * The MR×NR tile: acc = Σ_p A[:, p] ⊗ B[p, :] over packed panels, then C = alpha·acc + beta·C (beta = 0 never reads C).
 * Partial tiles at the edges go through a stack buffer so the loop above always runs the full, unrolled shape.
 */
static inline void micro_kernel(int kc, const float *restrict a, const float *restrict b, float *restrict c, int ldc,
                                int rows, int cols, float alpha, float beta) {
  dad_vec acc[MR][NV];
  for (int i = 0; i < MR; i++)
    for (int v = 0; v < NV; v++) acc[i][v] = (dad_vec){0};

  for (int p = 0; p < kc; p++) {
    dad_vec bv[NV];
    for (int v = 0; v < NV; v++) bv[v] = *(const dad_vec *)(b + v * DAD_VLEN);
    for (int i = 0; i < MR; i++) {
      float ai = a[i];
      for (int v = 0; v < NV; v++) acc[i][v] += ai * bv[v];
    }
    a += MR;
    b += NR;
  }

  if (rows == MR && cols == NR) {
    for (int i = 0; i < MR; i++) {
      for (int v = 0; v < NV; v++) {
        dad_vec_unaligned *cp = (dad_vec_unaligned *)(c + (long)i * ldc + v * DAD_VLEN);
        if (beta == 0.0f) *cp = alpha * acc[i][v];
        else *cp = alpha * acc[i][v] + beta * *cp;
      }
    }
    return;
  }
  float tile[MR * NR] __attribute__((aligned(64)));
  for (int i = 0; i < MR; i++)
    for (int v = 0; v < NV; v++) *(dad_vec *)(tile + i * NR + v * DAD_VLEN) = acc[i][v];
  for (int i = 0; i < rows; i++) {
    float *crow = c + (long)i * ldc;
    for (int j = 0; j < cols; j++) {
      float t = alpha * tile[i * NR + j];
      crow[j] = beta == 0.0f ? t : t + beta * crow[j];
    }
  }
}

/* C[row0 .. row0+mc) × [col0 .. col0+nc) from a packed A block and the packed B block. */
static void macro_kernel(int mc, int nc, int kc, const float *pa, const float *pb, float *c, int ldc, float alpha,
                         float beta) {
  for (int jr = 0; jr < nc; jr += NR) {
    int cols = nc - jr < NR ? nc - jr : NR;
    const float *b_panel = pb + (long)jr * kc;
    for (int ir = 0; ir < mc; ir += MR) {
      int rows = mc - ir < MR ? mc - ir : MR;
      micro_kernel(kc, pa + (long)ir * kc, b_panel, c + (long)ir * ldc + jr, ldc, rows, cols, alpha, beta);
    }
  }
}

/* beta·C alone, for k = 0 or alpha = 0 (BLAS semantics: beta = 0 clears C even if it held NaN). */
static void scale_c(int m, int n, float beta, float *c) {
  long total = (long)m * n;
  if (beta == 0.0f) for (long i = 0; i < total; i++) c[i] = 0.0f;
  else if (beta != 1.0f) for (long i = 0; i < total; i++) c[i] *= beta;
}

static void gemm_blocked(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, const float *b,
                         float beta, float *c, int threads) {
  float *pb = pack_b();
  /* Rows of C per thread block: MC at most, but split evenly so two threads get equal work on small m. */
  int blocks = (m + MC - 1) / MC;
  if (blocks % threads) blocks += threads - blocks % threads;
  int mc_step = (m + blocks - 1) / blocks;
  mc_step = (mc_step + MR - 1) / MR * MR;

  for (int jc = 0; jc < n; jc += NC) {
    int nc = n - jc < NC ? n - jc : NC;
    for (int pc = 0; pc < k; pc += KC) {
      int kc = k - pc < KC ? k - pc : KC;
      /* Only the first k-block applies beta; the later ones accumulate onto what it wrote. */
      float block_beta = pc == 0 ? beta : 1.0f;
      int panels = (nc + NR - 1) / NR;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads) if (threads > 1)
#endif
      {
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
        for (int jp = 0; jp < panels; jp++) {
          int cols = nc - jp * NR < NR ? nc - jp * NR : NR;
          pack_b_panel(trans_b, b, n, k, pc, kc, jc + jp * NR, cols, pb + (long)jp * NR * kc);
        }
        /* the implicit barrier above: all of B is packed before any thread reads it */
        float *pa = pack_a();
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
        for (int ic = 0; ic < m; ic += mc_step) {
          int mc = m - ic < mc_step ? m - ic : mc_step;
          pack_a_block(trans_a, a, m, k, ic, mc, pc, kc, pa);
          macro_kernel(mc, nc, kc, pa, pb, c + (long)ic * n + jc, n, alpha, block_beta);
        }
      }
    }
  }
}

/*
 * Direct paths for the skinny products that convolutions and recurrent layers make (a handful of output channels, or
 * a short reduction): packing pads op(A) to MR rows and copies both operands, which for m = 1 wastes 11/12 of the
 * micro-kernel and costs more than the product itself. These read the operands in place instead.
 */

/* Rows a tile of the direct kernels holds, and its width in vectors. */
#define DR 4
#if DAD_VLEN == 16
#define DNV 4
#else
#define DNV 2
#endif

/* C[i0 .. i0+rows) × [j .. j+nv·VLEN) with op(B) untransposed (B row-major k×n, read in place). */
static inline __attribute__((always_inline)) void direct_nn_tile(int trans_a, int m, int n, int k, float alpha,
                                                                 const float *restrict a, const float *restrict b,
                                                                 float beta, float *restrict c, int i0, int rows,
                                                                 int j, int nv) {
  dad_vec acc[DR][DNV];
  for (int i = 0; i < DR; i++)
    for (int v = 0; v < DNV; v++) acc[i][v] = (dad_vec){0};
  const long as = trans_a ? 1 : k, ap = trans_a ? m : 1; /* op(A)[i][p] = a[i·as + p·ap] */
  const float *arow = a + (long)i0 * as;
  for (int p = 0; p < k; p++) {
    dad_vec bv[DNV];
    const float *brow = b + (long)p * n + j;
    for (int v = 0; v < nv; v++) bv[v] = *(const dad_vec_unaligned *)(brow + v * DAD_VLEN);
    for (int i = 0; i < DR; i++) {
      if (i >= rows) break;
      float ai = arow[i * as + (long)p * ap];
      for (int v = 0; v < nv; v++) acc[i][v] += ai * bv[v];
    }
  }
  for (int i = 0; i < rows; i++) {
    for (int v = 0; v < nv; v++) {
      dad_vec_unaligned *cp = (dad_vec_unaligned *)(c + (long)(i0 + i) * n + j + v * DAD_VLEN);
      if (beta == 0.0f) *cp = alpha * acc[i][v];
      else *cp = alpha * acc[i][v] + beta * *cp;
    }
  }
}

static void gemm_direct_nn(int trans_a, int m, int n, int k, float alpha, const float *a, const float *b, float beta,
                           float *c) {
  const long as = trans_a ? 1 : k, ap = trans_a ? m : 1;
  const int wide = DNV * DAD_VLEN;
  for (int i0 = 0; i0 < m; i0 += DR) {
    int rows = m - i0 < DR ? m - i0 : DR;
    int j = 0;
    if (rows == DR) {
      for (; j + wide <= n; j += wide) direct_nn_tile(trans_a, m, n, k, alpha, a, b, beta, c, i0, DR, j, DNV);
      for (; j + DAD_VLEN <= n; j += DAD_VLEN) direct_nn_tile(trans_a, m, n, k, alpha, a, b, beta, c, i0, DR, j, 1);
    } else {
      for (; j + wide <= n; j += wide) direct_nn_tile(trans_a, m, n, k, alpha, a, b, beta, c, i0, rows, j, DNV);
      for (; j + DAD_VLEN <= n; j += DAD_VLEN) direct_nn_tile(trans_a, m, n, k, alpha, a, b, beta, c, i0, rows, j, 1);
    }
    for (; j < n; j++) {
      for (int i = 0; i < rows; i++) {
        const float *arow = a + (long)(i0 + i) * as;
        float s = 0.0f;
        for (int p = 0; p < k; p++) s += arow[(long)p * ap] * b[(long)p * n + j];
        float *cp = c + (long)(i0 + i) * n + j;
        *cp = beta == 0.0f ? alpha * s : alpha * s + beta * *cp;
      }
    }
  }
}

static inline float hsum(dad_vec v) {
  float s = 0.0f;
  for (int l = 0; l < DAD_VLEN; l++) s += v[l];
  return s;
}

/* C = alpha·A·Bᵀ + beta·C with A row-major m×k and B row-major n×k: dot products of rows, both read in place.
 * A tile is ni (1 or 2) rows of A × NT_J rows of B; ni is a constant in each inlined copy. */
#define NT_J 4
static inline __attribute__((always_inline)) void direct_nt_rows(int ni, int n, int k, float alpha, const float *a,
                                                                 const float *b, float beta, float *c) {
  const int kv = k / DAD_VLEN * DAD_VLEN;
  for (int j0 = 0; j0 < n; j0 += NT_J) {
    int cols = n - j0 < NT_J ? n - j0 : NT_J;
    const float *br[NT_J];
    for (int t = 0; t < NT_J; t++) br[t] = b + (long)(j0 + (t < cols ? t : 0)) * k;
    dad_vec s[2][NT_J];
    for (int i = 0; i < 2; i++)
      for (int t = 0; t < NT_J; t++) s[i][t] = (dad_vec){0};
    for (int p = 0; p < kv; p += DAD_VLEN) {
      dad_vec x[2];
      for (int i = 0; i < ni; i++) x[i] = *(const dad_vec_unaligned *)(a + (long)i * k + p);
      for (int t = 0; t < NT_J; t++) {
        dad_vec y = *(const dad_vec_unaligned *)(br[t] + p);
        for (int i = 0; i < ni; i++) s[i][t] += x[i] * y;
      }
    }
    for (int i = 0; i < ni; i++) {
      const float *ai = a + (long)i * k;
      for (int t = 0; t < cols; t++) {
        float r = hsum(s[i][t]);
        for (int p = kv; p < k; p++) r += ai[p] * br[t][p];
        float *cp = c + (long)i * n + j0 + t;
        *cp = beta == 0.0f ? alpha * r : alpha * r + beta * *cp;
      }
    }
  }
}

static void gemm_direct_nt(int m, int n, int k, float alpha, const float *a, const float *b, float beta, float *c) {
  int i0 = 0;
  for (; i0 + 2 <= m; i0 += 2) direct_nt_rows(2, n, k, alpha, a + (long)i0 * k, b, beta, c + (long)i0 * n);
  if (i0 < m) direct_nt_rows(1, n, k, alpha, a + (long)i0 * k, b, beta, c + (long)i0 * n);
}

void dad_gemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, const float *b, float beta,
              float *c) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0.0f) { scale_c(m, n, beta, c); return; }
  /* skinny products (see the direct paths above); the large ones stay on the packed, threaded path */
  if (!trans_b && (m <= 8 || k <= 16)) { gemm_direct_nn(trans_a, m, n, k, alpha, a, b, beta, c); return; }
  if (trans_b && !trans_a && m <= 16 && k >= DAD_VLEN) { gemm_direct_nt(m, n, k, alpha, a, b, beta, c); return; }
  int threads = 1;
#ifdef _OPENMP
  if (2.0 * m * n * k >= PARALLEL_MIN_FLOPS && m >= 2 * MR && !omp_in_parallel()) threads = dad_gemm_max_threads();
#endif
  gemm_blocked(trans_a, trans_b, m, n, k, alpha, a, b, beta, c, threads);
}

void dad_gemm_batched(int batch, int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a,
                      const float *b, float beta, float *c) {
  for (int s = 0; s < batch; s++)
    dad_gemm(trans_a, trans_b, m, n, k, alpha, a + (long)s * m * k, b + (long)s * k * n, beta, c + (long)s * m * n);
}
