/*
 * LSTM and GRU cell steps (PyTorch's gate orders). The GEMMs that produce the gate pre-activations run outside; these
 * fuse everything element-wise in a step so a sequence of T steps makes T passes over batch×hidden, not one per op.
 */
#include "dad_kernels.h"
#include "dad_math.h"

void dad_lstm_cell_forward(float *gates, const float *c_prev, int batch, int hidden, float *c_next, float *h_next) {
  for (int b = 0; b < batch; b++) {
    float *g = gates + (long)b * 4 * hidden;
    const float *cp = c_prev + (long)b * hidden;
    float *cn = c_next + (long)b * hidden, *hn = h_next + (long)b * hidden;
    for (int j = 0; j < hidden; j++) {
      float i = dad_sigmoidf(g[j]);
      float f = dad_sigmoidf(g[hidden + j]);
      float gg = dad_tanhf(g[2 * hidden + j]);
      float o = dad_sigmoidf(g[3 * hidden + j]);
      g[j] = i; g[hidden + j] = f; g[2 * hidden + j] = gg; g[3 * hidden + j] = o;
      float c = f * cp[j] + i * gg;
      cn[j] = c;
      hn[j] = o * dad_tanhf(c);
    }
  }
}

void dad_lstm_cell_backward(const float *gates, const float *c_prev, const float *c_next, const float *d_h, float *d_c,
                            int batch, int hidden, float *d_gates) {
  for (int b = 0; b < batch; b++) {
    const float *g = gates + (long)b * 4 * hidden;
    float *dg = d_gates + (long)b * 4 * hidden;
    long row = (long)b * hidden;
    for (int j = 0; j < hidden; j++) {
      float i = g[j], f = g[hidden + j], gg = g[2 * hidden + j], o = g[3 * hidden + j];
      float tc = dad_tanhf(c_next[row + j]);
      float dh = d_h[row + j];
      /* gradient w.r.t. c_next: what arrives from step t+1 plus the path through h = o·tanh(c) */
      float dc = d_c[row + j] + dh * o * (1.0f - tc * tc);
      dg[j] = dc * gg * i * (1.0f - i);
      dg[hidden + j] = dc * c_prev[row + j] * f * (1.0f - f);
      dg[2 * hidden + j] = dc * i * (1.0f - gg * gg);
      dg[3 * hidden + j] = dh * tc * o * (1.0f - o);
      d_c[row + j] = dc * f;
    }
  }
}

void dad_gru_cell_forward(const float *gx, const float *gh, const float *h_prev, int batch, int hidden, float *h_next,
                          float *saved) {
  for (int b = 0; b < batch; b++) {
    long g3 = (long)b * 3 * hidden, row = (long)b * hidden;
    for (int j = 0; j < hidden; j++) {
      float r = dad_sigmoidf(gx[g3 + j] + gh[g3 + j]);
      float z = dad_sigmoidf(gx[g3 + hidden + j] + gh[g3 + hidden + j]);
      float n = dad_tanhf(gx[g3 + 2 * hidden + j] + r * gh[g3 + 2 * hidden + j]);
      saved[g3 + j] = r; saved[g3 + hidden + j] = z; saved[g3 + 2 * hidden + j] = n;
      h_next[row + j] = (1.0f - z) * n + z * h_prev[row + j];
    }
  }
}

void dad_gru_cell_backward(const float *saved, const float *gh, const float *h_prev, const float *d_h, int batch,
                           int hidden, float *d_gx, float *d_gh, float *d_h_prev) {
  for (int b = 0; b < batch; b++) {
    long g3 = (long)b * 3 * hidden, row = (long)b * hidden;
    for (int j = 0; j < hidden; j++) {
      float r = saved[g3 + j], z = saved[g3 + hidden + j], n = saved[g3 + 2 * hidden + j];
      float d = d_h[row + j];
      float dn_pre = d * (1.0f - z) * (1.0f - n * n);
      float dz_pre = d * (h_prev[row + j] - n) * z * (1.0f - z);
      float dr_pre = dn_pre * gh[g3 + 2 * hidden + j] * r * (1.0f - r);
      d_gx[g3 + j] = dr_pre; d_gh[g3 + j] = dr_pre;
      d_gx[g3 + hidden + j] = dz_pre; d_gh[g3 + hidden + j] = dz_pre;
      d_gx[g3 + 2 * hidden + j] = dn_pre; d_gh[g3 + 2 * hidden + j] = dn_pre * r;
      d_h_prev[row + j] = d * z;
    }
  }
}
