/*
 * im2col / col2im for convolution as GEMM. Row (c, kh, kw) of the column matrix holds, for every output position, the
 * input pixel that kernel tap sees (0 in the padding). The valid output columns of a tap are computed once per row so the
 * inner loop has no bounds tests; for stride 1 it is a plain copy.
 */
#include "dad_kernels.h"

/* Output positions o in [lo, hi) with 0 ≤ o·stride − pad + tap < size. */
static void valid_range(int out, int stride, int pad, int tap, int size, int *lo, int *hi) {
  int first = pad - tap; /* need o·stride ≥ first */
  int l = first <= 0 ? 0 : (first + stride - 1) / stride;
  int last = size - 1 + pad - tap; /* need o·stride ≤ last */
  int h = last < 0 ? 0 : last / stride + 1;
  if (h > out) h = out;
  if (l > h) l = h;
  *lo = l;
  *hi = h;
}

void dad_im2col(const float *image, int channels, int height, int width, int kernel_h, int kernel_w, int stride_h,
                int stride_w, int pad_h, int pad_w, int out_h, int out_w, float *columns) {
  long out_size = (long)out_h * out_w;
  for (int c = 0; c < channels; c++) {
    for (int kh = 0; kh < kernel_h; kh++) {
      int oh_lo, oh_hi;
      valid_range(out_h, stride_h, pad_h, kh, height, &oh_lo, &oh_hi);
      for (int kw = 0; kw < kernel_w; kw++) {
        int ow_lo, ow_hi;
        valid_range(out_w, stride_w, pad_w, kw, width, &ow_lo, &ow_hi);
        float *dst = columns + (((long)c * kernel_h + kh) * kernel_w + kw) * out_size;
        for (int oh = 0; oh < out_h; oh++) {
          float *d = dst + (long)oh * out_w;
          if (oh < oh_lo || oh >= oh_hi) { for (int ow = 0; ow < out_w; ow++) d[ow] = 0.0f; continue; }
          const float *src = image + ((long)c * height + (oh * stride_h - pad_h + kh)) * width - pad_w + kw;
          for (int ow = 0; ow < ow_lo; ow++) d[ow] = 0.0f;
          if (stride_w == 1) for (int ow = ow_lo; ow < ow_hi; ow++) d[ow] = src[ow];
          else for (int ow = ow_lo; ow < ow_hi; ow++) d[ow] = src[(long)ow * stride_w];
          for (int ow = ow_hi; ow < out_w; ow++) d[ow] = 0.0f;
        }
      }
    }
  }
}

void dad_col2im(const float *columns, int channels, int height, int width, int kernel_h, int kernel_w, int stride_h,
                int stride_w, int pad_h, int pad_w, int out_h, int out_w, float *image) {
  long out_size = (long)out_h * out_w;
  for (int c = 0; c < channels; c++) {
    for (int kh = 0; kh < kernel_h; kh++) {
      int oh_lo, oh_hi;
      valid_range(out_h, stride_h, pad_h, kh, height, &oh_lo, &oh_hi);
      for (int kw = 0; kw < kernel_w; kw++) {
        int ow_lo, ow_hi;
        valid_range(out_w, stride_w, pad_w, kw, width, &ow_lo, &ow_hi);
        const float *src = columns + (((long)c * kernel_h + kh) * kernel_w + kw) * out_size;
        for (int oh = oh_lo; oh < oh_hi; oh++) {
          const float *s = src + (long)oh * out_w;
          float *dst = image + ((long)c * height + (oh * stride_h - pad_h + kh)) * width - pad_w + kw;
          if (stride_w == 1) for (int ow = ow_lo; ow < ow_hi; ow++) dst[ow] += s[ow];
          else for (int ow = ow_lo; ow < ow_hi; ow++) dst[(long)ow * stride_w] += s[ow];
        }
      }
    }
  }
}
