/**
 * The engine's public API: tensors, autograd, ops, layers, losses, optimisers. See ARCHITECTURE.md ("The compute
 * engine") for why it exists and backend/ for the kernels underneath.
 *
 * An MLP autoencoder, trained and used for anomaly scores (api.test.ts runs this):
 *
 *   const rng = new Rng(seed);
 *   const X = tensor(data, [rows, 64]);                                  // a row-major Float32Array, not copied
 *   const model = mlp([64, 128, 64, 16, 64, 128, 64], { rng, activation: 'relu' });
 *   const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
 *   for (let epoch = 0; epoch < epochs; epoch++) {
 *     const order = rng.permutation(rows);
 *     for (let start = 0; start < rows; start += 256) {
 *       const batchRows = order.subarray(start, start + 256);
 *       trainStep(optimizer, () => {                                      // a scope: buffers reused across batches
 *         const batch = gather(X, batchRows);
 *         return mseLoss(model.forward(batch), batch);
 *       });
 *     }
 *   }
 *   model.eval();
 *   const scores = noGrad(() => mean(mseLoss(model.forward(X), X, 'none'), 1)).data; // error per row
 *   const saved = model.stateDict();                                     // named Float32Arrays + shapes
 *
 * Conventions: row-major float32; NCHW images; batch-first sequences; Linear weights stored [in, out]; every random
 * draw from the Rng passed in; shape errors are ShapeErrors naming both shapes.
 */
export { Tensor, Parameter, tensor, empty, zeros, ones, full, scalar, randn, rand, detach } from './tensor.ts';
export { scope, noGrad } from './scope.ts';
export { backward, isGradEnabled, type BackwardOptions } from './tape.ts';
export { backend, useBackend, arena, releasePooledMemory } from './context.ts';
export { sizeOf, formatShape, broadcastShapes, type Shape } from './shape.ts';
export type { StateDict, JsonValue } from './state.ts';

export { add, sub, mul, div, neg } from './ops/elementwise.ts';
export { activation, relu, leakyRelu, elu, gelu, tanh, sigmoid, softplus, exp, log, sqrt, abs, square, pow, clamp } from './ops/unary.ts';
export { matmul, linear, type MatmulOptions } from './ops/matmul.ts';
export { sum, mean, max, min } from './ops/reduce.ts';
export { softmax, logSoftmax } from './ops/softmax.ts';
export { reshape, flatten, permute, transpose, concat, slice, broadcastTo } from './ops/shape.ts';
export { gather } from './ops/gather.ts';
export { conv1d, conv2d, convTranspose2d, type Conv2dOptions, type ConvTranspose2dOptions, type Conv1dOptions } from './ops/conv.ts';
export { maxPool2d, avgPool2d, upsample2d, maxPool1d, avgPool1d, upsample1d, type Pool2dOptions } from './ops/pooling.ts';
export { batchNorm, layerNorm, type BatchNormOptions } from './ops/norm.ts';
export { dropout } from './ops/dropout.ts';
export { lstm, gru, type RecurrentResult, type RecurrentOptions } from './ops/recurrent.ts';
export { cholesky, logDet, solve } from './linalg.ts';
export { gradcheck, type GradcheckOptions, type GradcheckFailure } from './gradcheck.ts';

export { mseLoss, bceWithLogitsLoss, crossEntropyLoss, gaussianKL, hingeLoss, type Reduction } from './losses.ts';
export { initialize, type Initializer } from './init.ts';

export { Module } from './layers/module.ts';
export { Linear, type LinearOptions } from './layers/linear.ts';
export { Sequential, type Layer } from './layers/sequential.ts';
export { ActivationLayer, ReLU, LeakyReLU, ELU, GELU, Tanh, Sigmoid, Softplus } from './layers/activation.ts';
export { mlp, type MlpOptions } from './layers/mlp.ts';
export { Conv1d, Conv2d, ConvTranspose2d, type ConvOptions, type ConvTransposeOptions } from './layers/conv.ts';
export { MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, Upsample, Flatten, Unflatten } from './layers/pooling.ts';
export { BatchNorm1d, BatchNorm2d, LayerNorm, Dropout } from './layers/norm.ts';
export { LSTM, GRU, type RecurrentLayerOptions, type RecurrentState, type RecurrentForwardOptions, type RecurrentOutput } from './layers/recurrent.ts';
export { Embedding } from './layers/embedding.ts';
export { MultiHeadAttention, type MultiHeadAttentionOptions, type AttentionCallOptions } from './layers/attention.ts';

export { Optimizer } from './optim/optimizer.ts';
export { Adam, AdamW, type AdamOptions } from './optim/adam.ts';
export { SGD, type SgdOptions } from './optim/sgd.ts';
export { RMSprop, type RmsPropOptions } from './optim/rmsprop.ts';
export { clipGradNorm } from './optim/clip.ts';
export { trainStep, type TrainStepOptions } from './optim/train-step.ts';
export { LrSchedule, StepLR, ExponentialLR, CosineAnnealingLR } from './optim/schedule.ts';

export type { Activation, Backend, BackendName } from './backend/types.ts';
