/*
 * Fused bias + activation and the activation backward. Fusing saves a full pass over the layer output in each direction,
 * which for the small dense layers of the autoencoders costs about as much as the GEMM itself. The switch sits outside
 * the loops so each loop body is straight-line code the compiler can vectorise.
 */
#include "dad_kernels.h"
#include "dad_math.h"

#define INV_SQRT2 0.70710678118654752f
#define INV_SQRT_2PI 0.39894228040143268f

static inline float softplus(float x) {
  return dad_maxf(x, 0.0f) + dad_log1pf(dad_expf(-__builtin_fabsf(x)));
}

/* Element i of the output depends only on element i of the inputs, so a loop over them may run in place (out == x,
 * grad_in == grad_out — the engine's usual call) and still be vectorised. Without this the compilers guard the vector
 * loop with a run-time overlap test that fails for in-place calls, which then ran scalar (~4× slower in WebAssembly). */
#if defined(__clang__)
#define ELEMENTWISE _Pragma("clang loop vectorize(assume_safety)")
#else
#define ELEMENTWISE _Pragma("GCC ivdep")
#endif

/* Applies `act` (an expression in v) to x + bias row by row; `out` may equal `x`. The bias test sits outside the loops:
 * a conditional load inside would keep clang from vectorising for WebAssembly. */
#define ROW_LOOP(expr)                                                   \
  for (int i = 0; i < rows; i++) {                                       \
    const float *xr = x + (long)i * cols;                                \
    float *orow = out + (long)i * cols;                                  \
    if (bias) {                                                          \
      ELEMENTWISE                                                        \
      for (int j = 0; j < cols; j++) { float v = xr[j] + bias[j]; orow[j] = (expr); } \
    } else {                                                             \
      ELEMENTWISE                                                        \
      for (int j = 0; j < cols; j++) { float v = xr[j]; orow[j] = (expr); } \
    }                                                                    \
  }

void dad_bias_activation(const float *x, const float *bias, int rows, int cols, int act, float alpha, float *out) {
  switch (act) {
    case DAD_IDENTITY: ROW_LOOP(v); break;
    case DAD_RELU: ROW_LOOP(v > 0.0f ? v : 0.0f); break;
    case DAD_LEAKY_RELU: ROW_LOOP(v > 0.0f ? v : alpha * v); break;
    case DAD_ELU: ROW_LOOP(v > 0.0f ? v : alpha * (dad_expf(v) - 1.0f)); break;
    case DAD_GELU: ROW_LOOP(0.5f * v * (1.0f + dad_erff(v * INV_SQRT2))); break;
    case DAD_TANH: ROW_LOOP(dad_tanhf(v)); break;
    case DAD_SIGMOID: ROW_LOOP(dad_sigmoidf(v)); break;
    case DAD_SOFTPLUS: ROW_LOOP(softplus(v)); break;
    default: break;
  }
}

#define ELEMENT_LOOP(expr) ELEMENTWISE for (int i = 0; i < n; i++) { float g = grad_out[i]; grad_in[i] = g * (expr); }

void dad_activation_backward(int act, float alpha, const float *x, const float *y, const float *grad_out,
                             float *grad_in, int n) {
  switch (act) {
    case DAD_IDENTITY: ELEMENT_LOOP(1.0f); break;
    case DAD_RELU: ELEMENT_LOOP(y[i] > 0.0f ? 1.0f : 0.0f); break;
    case DAD_LEAKY_RELU: ELEMENT_LOOP(y[i] > 0.0f ? 1.0f : alpha); break;
    case DAD_ELU: ELEMENT_LOOP(y[i] > 0.0f ? 1.0f : y[i] + alpha); break;
    case DAD_GELU:
      ELEMENT_LOOP(0.5f * (1.0f + dad_erff(x[i] * INV_SQRT2)) + x[i] * INV_SQRT_2PI * dad_expf(-0.5f * x[i] * x[i]));
      break;
    case DAD_TANH: ELEMENT_LOOP(1.0f - y[i] * y[i]); break;
    case DAD_SIGMOID: ELEMENT_LOOP(y[i] * (1.0f - y[i])); break;
    case DAD_SOFTPLUS: ELEMENT_LOOP(dad_sigmoidf(x[i])); break;
    default: break;
  }
}
