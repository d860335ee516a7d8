/*
 * dadkit compute kernels: the one C source behind the WebAssembly build and the native Node addon.
 *
 * Conventions (same as src/engine/backend/types.ts, which documents each kernel): row-major float32, contiguous,
 * sizes as int, booleans as int. Pointers never alias unless a kernel says so.
 */
#ifndef DAD_KERNELS_H
#define DAD_KERNELS_H

#ifdef __wasm__
/* Exported from the module under the same name; everything else stays internal. */
#define DAD_EXPORT __attribute__((visibility("default"), used))
#else
#define DAD_EXPORT
#endif

/* Must follow ACTIVATIONS in src/engine/backend/types.ts. */
enum dad_activation {
  DAD_IDENTITY = 0,
  DAD_RELU = 1,
  DAD_LEAKY_RELU = 2,
  DAD_ELU = 3,
  DAD_GELU = 4,
  DAD_TANH = 5,
  DAD_SIGMOID = 6,
  DAD_SOFTPLUS = 7,
};

/* How many threads dad_gemm may use (1 unless built with OpenMP); the setter clamps and returns the value it kept. */
DAD_EXPORT int dad_gemm_max_threads(void);
int dad_set_gemm_threads(int threads);

DAD_EXPORT void dad_gemm(int trans_a, int trans_b, int m, int n, int k, float alpha,
                         const float *a, const float *b, float beta, float *c);
DAD_EXPORT void dad_gemm_batched(int batch, int trans_a, int trans_b, int m, int n, int k, float alpha,
                                 const float *a, const float *b, float beta, float *c);

DAD_EXPORT void dad_bias_activation(const float *x, const float *bias, int rows, int cols, int act, float alpha, float *out);
DAD_EXPORT void dad_activation_backward(int act, float alpha, const float *x, const float *y,
                                        const float *grad_out, float *grad_in, int n);

DAD_EXPORT void dad_sum_rows(const float *x, int rows, int cols, float *out, int accumulate);
DAD_EXPORT void dad_softmax_rows(const float *x, int rows, int cols, int log, float *out);

DAD_EXPORT void dad_im2col(const float *image, int channels, int height, int width, int kernel_h, int kernel_w,
                           int stride_h, int stride_w, int pad_h, int pad_w, int out_h, int out_w, float *columns);
DAD_EXPORT void dad_col2im(const float *columns, int channels, int height, int width, int kernel_h, int kernel_w,
                           int stride_h, int stride_w, int pad_h, int pad_w, int out_h, int out_w, float *image);

DAD_EXPORT void dad_lstm_cell_forward(float *gates, const float *c_prev, int batch, int hidden, float *c_next, float *h_next);
DAD_EXPORT void dad_lstm_cell_backward(const float *gates, const float *c_prev, const float *c_next, const float *d_h,
                                       float *d_c, int batch, int hidden, float *d_gates);
DAD_EXPORT void dad_gru_cell_forward(const float *gx, const float *gh, const float *h_prev, int batch, int hidden,
                                     float *h_next, float *saved);
DAD_EXPORT void dad_gru_cell_backward(const float *saved, const float *gh, const float *h_prev, const float *d_h,
                                      int batch, int hidden, float *d_gx, float *d_gh, float *d_h_prev);

/* bias1 = 1 − beta1^step and bias2 = 1 − beta2^step come from the caller (it has pow in double precision). */
DAD_EXPORT void dad_adam_update(float *param, const float *grad, float *m, float *v, int n, float lr, float beta1,
                                float beta2, float eps, float weight_decay, float bias1, float bias2, int decoupled);
DAD_EXPORT void dad_sgd_update(float *param, const float *grad, float *velocity, int n, float lr, float momentum,
                               float weight_decay, int nesterov);

#endif
