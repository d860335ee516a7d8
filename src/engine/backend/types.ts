/**
 * The kernel interface every compute backend implements (native addon, WebAssembly, plain TypeScript).
 *
 * Why this shape: the autograd layer (src/engine/*.ts) owns shapes, broadcasting and the tape; a backend only runs the
 * few kernels where the time goes (GEMM, convolution, fused activations, recurrent cells, optimiser updates, reductions).
 * Everything is row-major Float32Array, contiguous, with sizes passed explicitly, so the same C source serves the native
 * and the WebAssembly build and the TypeScript reference can be read next to it.
 *
 * Memory: `alloc` returns a zero-filled Float32Array that the backend can use without copying. On WebAssembly it is a
 * view into the module's (shared) linear memory, so it stays valid when that memory grows. Kernels also accept arrays
 * that did not come from `alloc` (the WebAssembly backend then copies through a scratch area: correct, only slower).
 * Output arrays never alias inputs unless a kernel says so.
 */
export type BackendName = 'native' | 'wasm' | 'js';

/** Activations with fused kernels. Their codes are shared with the C source (kernels/dad_kernels.h). */
export const ACTIVATIONS = ['identity', 'relu', 'leaky_relu', 'elu', 'gelu', 'tanh', 'sigmoid', 'softplus'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export interface Conv2dGeometry {
  /** input channels, height, width */
  channels: number;
  height: number;
  width: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  /** output height and width: floor((height + 2*padH - kernelH) / strideH) + 1, likewise for width */
  outH: number;
  outW: number;
}

export interface Backend {
  readonly name: BackendName;
  /** threads the backend's kernels use (1 for js and wasm) */
  readonly threads: number;

  alloc(length: number): Float32Array;
  release(buffer: Float32Array): void;

  /** C[m×n] = alpha · op(A) · op(B) + beta · C, with op(A) m×k and op(B) k×n; A is stored m×k (k×m when transA), B k×n (n×k when transB). */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: Float32Array, b: Float32Array, beta: number, c: Float32Array): void;

  /** Batched GEMM over `batch` equally sized, contiguous matrices (strides m·k, k·n, m·n). */
  gemmBatched(batch: number, transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: Float32Array, b: Float32Array, beta: number, c: Float32Array): void;

  /** out[i, j] = act(x[i, j] + bias[j]) for a rows×cols matrix; bias may be null; out may be x (in place). `alpha` is the slope of leaky_relu / elu. */
  biasActivation(x: Float32Array, bias: Float32Array | null, rows: number, cols: number, act: Activation, alpha: number, out: Float32Array): void;

  /**
   * gradIn[i] = gradOut[i] · act'(·) for n elements. `y` is the activation's output (all activations here can be
   * differentiated from their output except gelu and softplus, which use the pre-activation `x`; pass both).
   * gradIn may be gradOut (in place).
   */
  activationBackward(act: Activation, alpha: number, x: Float32Array, y: Float32Array, gradOut: Float32Array, gradIn: Float32Array, n: number): void;

  /** out[j] (+)= Σ_i x[i, j] over a rows×cols matrix (the bias gradient); accumulate adds to out instead of overwriting. */
  sumRows(x: Float32Array, rows: number, cols: number, out: Float32Array, accumulate: boolean): void;

  /** Row-wise softmax (log=false) or log-softmax (log=true) of a rows×cols matrix, numerically stable; out may be x (in place). */
  softmaxRows(x: Float32Array, rows: number, cols: number, log: boolean, out: Float32Array): void;

  /** im2col for one image (channels×height×width) into a (channels·kernelH·kernelW) × (outH·outW) matrix. */
  im2col(image: Float32Array, g: Conv2dGeometry, columns: Float32Array): void;
  /** The adjoint of im2col: accumulates columns back into an image buffer (which the caller zeroes when needed). */
  col2im(columns: Float32Array, g: Conv2dGeometry, image: Float32Array): void;

  /**
   * One LSTM step for a batch, gate order i, f, g, o (PyTorch's). gates: batch×4h pre-activations (x·Wih + h·Whh + b),
   * overwritten with the activated gates (kept for backward); cPrev, cNext, hNext: batch×h.
   */
  lstmCellForward(gates: Float32Array, cPrev: Float32Array, batch: number, hidden: number, cNext: Float32Array, hNext: Float32Array): void;
  /**
   * Backward of lstmCellForward given the activated gates, cPrev and cNext: from dH (batch×h, gradient w.r.t. hNext) and dC
   * (batch×h, gradient w.r.t. cNext arriving from the next step; updated in place to the gradient w.r.t. cPrev) it writes
   * dGates (batch×4h, gradient w.r.t. the pre-activations).
   */
  lstmCellBackward(gates: Float32Array, cPrev: Float32Array, cNext: Float32Array, dH: Float32Array, dC: Float32Array,
    batch: number, hidden: number, dGates: Float32Array): void;

  /**
   * One GRU step, gate order r, z, n (PyTorch's): gx = x·Wih + bih (batch×3h), gh = h·Whh + bhh (batch×3h).
   * r = σ(gx_r + gh_r), z = σ(gx_z + gh_z), n = tanh(gx_n + r ⊙ gh_n), hNext = (1 − z) ⊙ n + z ⊙ hPrev.
   * Saves r, z, n into `saved` (batch×3h) for backward.
   */
  gruCellForward(gx: Float32Array, gh: Float32Array, hPrev: Float32Array, batch: number, hidden: number, hNext: Float32Array, saved: Float32Array): void;
  /** Backward of gruCellForward: from dH (w.r.t. hNext) writes dGx, dGh (batch×3h) and dHPrev (batch×h, the direct path only). */
  gruCellBackward(saved: Float32Array, gh: Float32Array, hPrev: Float32Array, dH: Float32Array, batch: number, hidden: number,
    dGx: Float32Array, dGh: Float32Array, dHPrev: Float32Array): void;

  /**
   * Fused Adam / AdamW update over n parameters. step is 1-based (bias correction). decoupled=true gives AdamW
   * (param -= lr·weightDecay·param); false adds weightDecay·param to the gradient (Adam's L2).
   */
  adamUpdate(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, n: number, lr: number,
    beta1: number, beta2: number, eps: number, weightDecay: number, step: number, decoupled: boolean): void;
  /** SGD with momentum (PyTorch's convention: v = μ·v + g; p -= lr·v; nesterov uses g + μ·v). */
  sgdUpdate(param: Float32Array, grad: Float32Array, velocity: Float32Array, n: number, lr: number, momentum: number,
    weightDecay: number, nesterov: boolean): void;
}
