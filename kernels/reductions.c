/* Row reductions: the bias gradient (column sums) and the numerically stable row softmax / log-softmax. */
#include "dad_kernels.h"
#include "dad_math.h"

void dad_sum_rows(const float *x, int rows, int cols, float *out, int accumulate) {
  /* Row by row so the inner loop is a contiguous, vectorisable axpy over out. */
  if (!accumulate) for (int j = 0; j < cols; j++) out[j] = 0.0f;
  for (int i = 0; i < rows; i++) {
    const float *xr = x + (long)i * cols;
    for (int j = 0; j < cols; j++) out[j] += xr[j];
  }
}

/* In place (out == x) is safe: every pass reads an element before writing the same element. */
void dad_softmax_rows(const float *x, int rows, int cols, int log, float *out) {
  for (int i = 0; i < rows; i++) {
    const float *xr = x + (long)i * cols;
    float *orow = out + (long)i * cols;
    float max = -__builtin_inff();
    for (int j = 0; j < cols; j++) max = dad_maxf(max, xr[j]);
    if (log) {
      /* (x − max) − log(sum), not x − (max + log(sum)): x − max is exact, the other order loses bits when |x| is large */
      for (int j = 0; j < cols; j++) orow[j] = xr[j] - max;
      /* the exponentials only feed the sum: computed a chunk at a time into a stack buffer, in a loop of their own
       * that vectorises (a running sum in it would not: float addition is not associative, so compilers keep order) */
      float chunk[256], sum = 0.0f;
      for (int j0 = 0; j0 < cols; j0 += 256) {
        int len = cols - j0 < 256 ? cols - j0 : 256;
        for (int t = 0; t < len; t++) chunk[t] = dad_expf(orow[j0 + t]);
        for (int t = 0; t < len; t++) sum += chunk[t];
      }
      float log_sum = dad_logf(sum);
      for (int j = 0; j < cols; j++) orow[j] -= log_sum;
    } else {
      for (int j = 0; j < cols; j++) orow[j] = dad_expf(xr[j] - max);
      float sum = 0.0f;
      for (int j = 0; j < cols; j++) sum += orow[j];
      float inv = 1.0f / sum;
      for (int j = 0; j < cols; j++) orow[j] *= inv;
    }
  }
}
