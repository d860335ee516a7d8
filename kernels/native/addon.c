/*
 * Node-API glue for the native build: each export unpacks its JavaScript arguments and calls the C kernel of the same
 * name. Sizes and lengths are validated in src/engine/backend/native.ts before the call (one place, shared with the
 * WebAssembly backend); this file only guards against wrong argument types, which would otherwise crash the process.
 * Plain Node-API C headers, no npm dependency: the addon builds offline against the headers Node ships.
 */
#include <math.h>
#include <node_api.h>
#include "../dad_kernels.h"

#define MAX_ARGS 16

typedef struct {
  napi_env env;
  napi_value argv[MAX_ARGS];
  size_t argc;
  int failed;
} call_args;

static int read_args(napi_env env, napi_callback_info info, call_args *args, size_t expected) {
  args->env = env;
  args->argc = MAX_ARGS;
  args->failed = 0;
  if (napi_get_cb_info(env, info, &args->argc, args->argv, NULL, NULL) != napi_ok || args->argc < expected) {
    napi_throw_type_error(env, NULL, "dad_kernels: too few arguments");
    return 0;
  }
  return 1;
}

/* A Float32Array argument, or NULL for null/undefined when `optional`. Sets `failed` and throws otherwise. */
static float *array_arg(call_args *args, size_t index, int optional) {
  if (args->failed) return NULL;
  napi_value value = args->argv[index];
  napi_valuetype kind;
  napi_typeof(args->env, value, &kind);
  if (optional && (kind == napi_null || kind == napi_undefined)) return NULL;
  bool is_typed;
  napi_is_typedarray(args->env, value, &is_typed);
  if (is_typed) {
    napi_typedarray_type type;
    size_t length, offset;
    void *data;
    napi_value buffer;
    napi_get_typedarray_info(args->env, value, &type, &length, &data, &buffer, &offset);
    if (type == napi_float32_array) return (float *)data; /* already advanced by the view's byte offset */
  }
  args->failed = 1;
  napi_throw_type_error(args->env, NULL, "dad_kernels: expected a Float32Array");
  return NULL;
}

static double number_arg(call_args *args, size_t index) {
  double value = 0;
  if (args->failed) return 0;
  if (napi_get_value_double(args->env, args->argv[index], &value) != napi_ok) {
    args->failed = 1;
    napi_throw_type_error(args->env, NULL, "dad_kernels: expected a number");
  }
  return value;
}

#define A(i) array_arg(&args, i, 0)
#define OPT(i) array_arg(&args, i, 1)
#define I(i) ((int)number_arg(&args, i))
#define F(i) ((float)number_arg(&args, i))
#define D(i) number_arg(&args, i)

/* Defines a binding `name` taking `count` JavaScript arguments; `body` reads them (all reads happen before the call
 * because C evaluates the arguments first) and runs only if none failed. */
#define BINDING(name, count, ...)                                         \
  static napi_value bind_##name(napi_env env, napi_callback_info info) {  \
    call_args args;                                                       \
    if (!read_args(env, info, &args, count)) return NULL;                 \
    __VA_ARGS__;                                                          \
    return NULL;                                                          \
  }

/* Read every argument into locals first, then call: a failed read has already thrown, so the kernel must not run. */
BINDING(gemm, 10, {
  int ta = I(0), tb = I(1), m = I(2), n = I(3), k = I(4); float alpha = F(5);
  const float *a = A(6), *b = A(7); float beta = F(8); float *c = A(9);
  if (!args.failed) dad_gemm(ta, tb, m, n, k, alpha, a, b, beta, c);
})
BINDING(gemm_batched, 11, {
  int batch = I(0), ta = I(1), tb = I(2), m = I(3), n = I(4), k = I(5); float alpha = F(6);
  const float *a = A(7), *b = A(8); float beta = F(9); float *c = A(10);
  if (!args.failed) dad_gemm_batched(batch, ta, tb, m, n, k, alpha, a, b, beta, c);
})
BINDING(bias_activation, 7, {
  const float *x = A(0), *bias = OPT(1); int rows = I(2), cols = I(3), act = I(4); float alpha = F(5); float *out = A(6);
  if (!args.failed) dad_bias_activation(x, bias, rows, cols, act, alpha, out);
})
BINDING(activation_backward, 7, {
  int act = I(0); float alpha = F(1); const float *x = A(2), *y = A(3), *go = A(4); float *gi = A(5); int n = I(6);
  if (!args.failed) dad_activation_backward(act, alpha, x, y, go, gi, n);
})
BINDING(sum_rows, 5, {
  const float *x = A(0); int rows = I(1), cols = I(2); float *out = A(3); int acc = I(4);
  if (!args.failed) dad_sum_rows(x, rows, cols, out, acc);
})
BINDING(softmax_rows, 5, {
  const float *x = A(0); int rows = I(1), cols = I(2), log = I(3); float *out = A(4);
  if (!args.failed) dad_softmax_rows(x, rows, cols, log, out);
})
BINDING(im2col, 13, {
  const float *image = A(0); int g[11]; for (int i = 0; i < 11; i++) g[i] = I(1 + i); float *columns = A(12);
  if (!args.failed) dad_im2col(image, g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], columns);
})
BINDING(col2im, 13, {
  const float *columns = A(0); int g[11]; for (int i = 0; i < 11; i++) g[i] = I(1 + i); float *image = A(12);
  if (!args.failed) dad_col2im(columns, g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], image);
})
BINDING(lstm_cell_forward, 6, {
  float *gates = A(0); const float *c_prev = A(1); int batch = I(2), hidden = I(3); float *c_next = A(4), *h_next = A(5);
  if (!args.failed) dad_lstm_cell_forward(gates, c_prev, batch, hidden, c_next, h_next);
})
BINDING(lstm_cell_backward, 8, {
  const float *gates = A(0), *c_prev = A(1), *c_next = A(2), *d_h = A(3); float *d_c = A(4);
  int batch = I(5), hidden = I(6); float *d_gates = A(7);
  if (!args.failed) dad_lstm_cell_backward(gates, c_prev, c_next, d_h, d_c, batch, hidden, d_gates);
})
BINDING(gru_cell_forward, 7, {
  const float *gx = A(0), *gh = A(1), *h_prev = A(2); int batch = I(3), hidden = I(4); float *h_next = A(5), *saved = A(6);
  if (!args.failed) dad_gru_cell_forward(gx, gh, h_prev, batch, hidden, h_next, saved);
})
BINDING(gru_cell_backward, 9, {
  const float *saved = A(0), *gh = A(1), *h_prev = A(2), *d_h = A(3); int batch = I(4), hidden = I(5);
  float *d_gx = A(6), *d_gh = A(7), *d_h_prev = A(8);
  if (!args.failed) dad_gru_cell_backward(saved, gh, h_prev, d_h, batch, hidden, d_gx, d_gh, d_h_prev);
})
/* step → bias corrections here, in double precision, as the TypeScript reference does */
BINDING(adam_update, 12, {
  float *p = A(0); const float *g = A(1); float *m = A(2), *v = A(3); int n = I(4); float lr = F(5);
  double beta1 = D(6), beta2 = D(7); float eps = F(8), wd = F(9); double step = D(10); int decoupled = I(11);
  if (!args.failed)
    dad_adam_update(p, g, m, v, n, lr, (float)beta1, (float)beta2, eps, wd, (float)(1 - pow(beta1, step)),
                    (float)(1 - pow(beta2, step)), decoupled);
})
BINDING(sgd_update, 8, {
  float *p = A(0); const float *g = A(1); float *velocity = OPT(2); int n = I(3); float lr = F(4), momentum = F(5), wd = F(6);
  int nesterov = I(7);
  if (!args.failed) dad_sgd_update(p, g, velocity, n, lr, momentum, wd, nesterov);
})

/* set_gemm_threads(n) → the count kept (clamped to 1..8) */
static napi_value bind_set_gemm_threads(napi_env env, napi_callback_info info) {
  call_args args;
  if (!read_args(env, info, &args, 1)) return NULL;
  int threads = I(0);
  if (args.failed) return NULL;
  napi_value result;
  napi_create_int32(env, dad_set_gemm_threads(threads), &result);
  return result;
}

static napi_value bind_gemm_threads(napi_env env, napi_callback_info info) {
  napi_value result;
  napi_create_int32(env, dad_gemm_max_threads(), &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
#define EXPORT(name) { #name, NULL, bind_##name, NULL, NULL, NULL, napi_enumerable, NULL }
    EXPORT(gemm), EXPORT(gemm_batched), EXPORT(bias_activation), EXPORT(activation_backward), EXPORT(sum_rows),
    EXPORT(softmax_rows), EXPORT(im2col), EXPORT(col2im), EXPORT(lstm_cell_forward), EXPORT(lstm_cell_backward),
    EXPORT(gru_cell_forward), EXPORT(gru_cell_backward), EXPORT(adam_update), EXPORT(sgd_update),
    EXPORT(gemm_threads), EXPORT(set_gemm_threads),
#undef EXPORT
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
