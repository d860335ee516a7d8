/* Fused optimiser updates: one pass over parameters, gradient and state instead of one per arithmetic op. */
#include "dad_kernels.h"

void dad_adam_update(float *param, const float *grad, float *m, float *v, int n, float lr, float beta1, float beta2,
                     float eps, float weight_decay, float bias1, float bias2, int decoupled) {
  /* PyTorch's form: p −= (lr / bias1) · m / (sqrt(v) / sqrt(bias2) + eps) */
  float step_size = lr / bias1;
  float inv_sqrt_bias2 = 1.0f / __builtin_sqrtf(bias2);
  float decay = decoupled ? 1.0f - lr * weight_decay : 1.0f;
  float l2 = decoupled ? 0.0f : weight_decay;
  for (int i = 0; i < n; i++) {
    float p = param[i];
    float g = grad[i] + l2 * p;
    float mi = beta1 * m[i] + (1.0f - beta1) * g;
    float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] = p * decay - step_size * mi / (__builtin_sqrtf(vi) * inv_sqrt_bias2 + eps);
  }
}

void dad_sgd_update(float *param, const float *grad, float *velocity, int n, float lr, float momentum,
                    float weight_decay, int nesterov) {
  if (momentum == 0.0f) {
    for (int i = 0; i < n; i++) param[i] -= lr * (grad[i] + weight_decay * param[i]);
    return;
  }
  for (int i = 0; i < n; i++) {
    float g = grad[i] + weight_decay * param[i];
    float vi = momentum * velocity[i] + g;
    velocity[i] = vi;
    param[i] -= lr * (nesterov ? g + momentum * vi : vi);
  }
}
