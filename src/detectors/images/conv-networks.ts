/**
 * The convolutional networks of the image detectors: the LeNet-type encoder of Deep SVDD (Ruff et al., ICML 2018,
 * sec. 4.1: two 5 × 5 convolution modules, each convolution → batch norm without affine parameters → leaky ReLU →
 * 2 × 2 max pooling, then a dense layer to the representation; bias-free throughout, so that the trivial constant map
 * is ruled out) and its mirror decoder (dense → upsampling and 5 × 5 transposed convolutions → sigmoid), which the
 * papers' DCAE and the Deep SVDD pretraining use.
 *
 * For 28 × 28 × 1 the defaults give the paper's MNIST network (8 and 4 channels, 4 · 7 · 7 → 32). The decoder starts
 * with a dense layer to 4 · 7 · 7 rather than the authors' reshape of the 32 values to 2 · 4 · 4 followed by a
 * 14 → 28 crop-by-padding; that lets the same code serve any size divisible by 4 (the pretrained decoder is
 * discarded by Deep SVDD anyway).
 */
import { z } from 'zod';
import type { Rng } from '../../core/rng.ts';
import { OptionError } from '../../core/errors.ts';
import {
  ActivationLayer, BatchNorm2d, Conv2d, ConvTranspose2d, Flatten, Linear, MaxPool2d, Module, Sequential, Unflatten, Upsample,
  type Layer, type Tensor,
} from '../../engine/index.ts';
import type { ImageShape } from '../../images/image-set.ts';

export const convOptionShape = {
  convChannels: z.array(z.number().int().min(1).max(1024)).min(1).max(4).default([8, 4])
    .describe('Channels of the encoder convolution modules (each halves the height and width); the decoder mirrors them.'),
  latentDim: z.number().int().min(1).max(65536).default(32).describe('Dimension of the representation (the encoder output).'),
};

export interface ConvNetOptions {
  convChannels: readonly number[];
  latentDim: number;
  /** learn additive biases (Deep SVDD's network has none) */
  bias: boolean;
  rng: Rng;
}

/** Height and width after the encoder's poolings; an error when the size does not halve cleanly. */
export function encodedSize(shape: ImageShape, modules: number): [number, number] {
  const f = 2 ** modules;
  if (shape.height % f !== 0 || shape.width % f !== 0) {
    throw new OptionError(
      `The convolutional networks halve the image size ${modules} times, so height and width must be multiples of ${f}; ` +
      `the images are ${shape.width}×${shape.height}. Resize them (e.g. --size ${Math.max(f, Math.round(shape.height / f) * f)}).`,
    );
  }
  return [shape.height / f, shape.width / f];
}

/** Input rows (flattened C·H·W) → representation [n, latentDim]. */
export function convEncoder(shape: ImageShape, o: ConvNetOptions): Sequential {
  const [h, w] = encodedSize(shape, o.convChannels.length);
  const layers: Layer[] = [new Unflatten([shape.channels, shape.height, shape.width])];
  let inCh = shape.channels;
  for (const ch of o.convChannels) {
    layers.push(new Conv2d(inCh, ch, 5, { rng: o.rng, padding: 2, bias: o.bias }));
    // eps 1e-4 and no affine parameters, as the authors' code (an affine shift would be a bias)
    layers.push(new BatchNorm2d(ch, { eps: 1e-4, affine: false }));
    layers.push(new ActivationLayer('leaky_relu'));
    layers.push(new MaxPool2d(2));
    inCh = ch;
  }
  layers.push(new Flatten());
  layers.push(new Linear(inCh * h * w, o.latentDim, { rng: o.rng, bias: o.bias }));
  return new Sequential(layers);
}

/** Representation [n, latentDim] → reconstruction rows [n, C·H·W] in (0, 1). */
export function convDecoder(shape: ImageShape, o: ConvNetOptions): Sequential {
  const [h, w] = encodedSize(shape, o.convChannels.length);
  const channels = [...o.convChannels].reverse();
  const first = channels[0]!;
  const layers: Layer[] = [
    new Linear(o.latentDim, first * h * w, { rng: o.rng, bias: o.bias }),
    new Unflatten([first, h, w]),
    new ActivationLayer('leaky_relu'),
  ];
  for (let k = 0; k < channels.length; k++) {
    const inCh = channels[k]!;
    const last = k === channels.length - 1;
    layers.push(new Upsample(2));
    if (last) {
      layers.push(new ConvTranspose2d(inCh, shape.channels, 5, { rng: o.rng, padding: 2, bias: o.bias, activation: 'sigmoid' }));
    } else {
      const outCh = channels[k + 1]!;
      layers.push(new ConvTranspose2d(inCh, outCh, 5, { rng: o.rng, padding: 2, bias: o.bias }));
      layers.push(new BatchNorm2d(outCh, { eps: 1e-4, affine: false }));
      layers.push(new ActivationLayer('leaky_relu'));
    }
  }
  layers.push(new Flatten());
  return new Sequential(layers);
}

/** Encoder and decoder, so state-dict names read 'encoder.1.weight', 'decoder.0.weight'. */
export class ConvAutoencoder extends Module {
  readonly encoder: Sequential;
  readonly decoder: Sequential;

  constructor(shape: ImageShape, o: ConvNetOptions) {
    super();
    this.encoder = this.registerModule('encoder', convEncoder(shape, o));
    this.decoder = this.registerModule('decoder', convDecoder(shape, o));
  }

  forward(x: Tensor): Tensor {
    return this.decoder.forward(this.encoder.forward(x));
  }
}
