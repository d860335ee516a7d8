/*
 * Single-precision exp, log, tanh, erf for the kernels. The WebAssembly build is freestanding (no libm), and using the
 * same formulas natively keeps the two builds numerically alike. Cephes' polynomials (Moshier), branch-free where the
 * hot loops need it so compilers can vectorise them; accurate to a few float32 ulps over the ranges the kernels use.
 */
#ifndef DAD_MATH_H
#define DAD_MATH_H

/* Plain comparisons, not fminf/fmaxf: WebAssembly's f32.min/max propagate NaN differently from C's, so clang would
 * call a libm we do not have. */
static inline float dad_minf(float a, float b) { return a < b ? a : b; }
static inline float dad_maxf(float a, float b) { return a > b ? a : b; }

/* memcpy, not a union: compilers see a plain bit cast and keep vectorising the loops these are inlined into. */
static inline float dad_bits_to_float(unsigned int u) { float f; __builtin_memcpy(&f, &u, 4); return f; }
static inline unsigned int dad_float_to_bits(float f) { unsigned int u; __builtin_memcpy(&u, &f, 4); return u; }

static inline float dad_expf(float x) {
  /* Clamp so the exponent arithmetic stays in range; e^-104 is 0 in float32 and e^88.8 overflows to inf anyway. */
  x = dad_minf(dad_maxf(x, -104.0f), 88.8f);
  /* n = round(x / ln 2) by adding and subtracting 1.5·2^23 (the float's last place is then 1): unlike floorf, plain
   * arithmetic that every compiler vectorises. */
  float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float y = (((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r + 4.1665795894e-2f) * r
              + 1.6666665459e-1f) * r + 5.0000001201e-1f) * (r * r) + r + 1.0f;
  /* 2^n as two factors, each a normal float for n in [-150, 128], so underflow and overflow round correctly. */
  int ni = (int)n;
  int half = ni >> 1;
  y *= dad_bits_to_float((unsigned int)(half + 127) << 23);
  return y * dad_bits_to_float((unsigned int)(ni - half + 127) << 23);
}

/* Natural log for positive normal x (the kernels only take logs of sums ≥ 1 and of 1 + u, u > 0). */
static inline float dad_logf(float x) {
  unsigned int bits = dad_float_to_bits(x);
  float e = (float)((int)((bits >> 23) & 0xff) - 126);
  float m = dad_bits_to_float((bits & 0x807fffffu) | 0x3f000000u); /* x = m · 2^e, m in [0.5, 1) */
  if (m < 0.707106781186547524f) { e -= 1.0f; m = m + m - 1.0f; } else { m = m - 1.0f; }
  float z = m * m;
  float y = ((((((((7.0376836292e-2f * m - 1.1514610310e-1f) * m + 1.1676998740e-1f) * m - 1.2420140846e-1f) * m
                + 1.4249322787e-1f) * m - 1.6668057665e-1f) * m + 2.0000714765e-1f) * m - 2.4999993993e-1f) * m
            + 3.3333331174e-1f) * m * z;
  y += -2.12194440e-4f * e;
  y += -0.5f * z;
  return m + y + 0.693359375f * e;
}

/* log(1 + u) for u ≥ 0 without losing u when it is tiny (Goldberg's trick: the rounding of 1 + u cancels). */
static inline float dad_log1pf(float u) {
  float w = 1.0f + u;
  return w == 1.0f ? u : dad_logf(w) * u / (w - 1.0f);
}

/* Both branches are computed and one selected: no branch in the loop body, so it vectorises. */
static inline float dad_tanhf(float x) {
  float ax = __builtin_fabsf(x);
  float z = x * x;
  float small = ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z + 1.33314422036e-1f) * z
                 - 3.33332819422e-1f) * z * x + x;
  float large = 1.0f - 2.0f / (dad_expf(2.0f * ax) + 1.0f);
  large = x < 0 ? -large : large;
  return ax < 0.625f ? small : large;
}

static inline float dad_sigmoidf(float x) { return 1.0f / (1.0f + dad_expf(-x)); }

/* Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7); the TypeScript reference uses the same formula. */
static inline float dad_erff(float x) {
  float ax = __builtin_fabsf(x);
  float t = 1.0f / (1.0f + 0.3275911f * ax);
  float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
  float y = 1.0f - poly * dad_expf(-ax * ax);
  return x < 0 ? -y : y;
}

#endif
