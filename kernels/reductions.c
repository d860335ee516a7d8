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

void dad_softmax_rows(const float *x, int rows, int cols, int log, float *out) {
  for (int i = 0; i < rows; i++) {
    const float *xr = x + (long)i * cols;
    float *orow = out + (long)i * cols;
    float max = -__builtin_inff();
    for (int j = 0; j < cols; j++) max = dad_maxf(max, xr[j]);
    float sum = 0.0f;
    if (log) {
      for (int j = 0; j < cols; j++) sum += dad_expf(xr[j] - max);
      /* (x − max) − log(sum), not x − (max + log(sum)): x − max is exact, the other order loses bits when |x| is large */
      float log_sum = dad_logf(sum);
      for (int j = 0; j < cols; j++) orow[j] = (xr[j] - max) - log_sum;
    } else {
      for (int j = 0; j < cols; j++) { float e = dad_expf(xr[j] - max); orow[j] = e; sum += e; }
      float inv = 1.0f / sum;
      for (int j = 0; j < cols; j++) orow[j] *= inv;
    }
  }
}
