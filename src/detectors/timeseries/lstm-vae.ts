/**
 * LSTM-VAE — Park, Hoshi & Kemp, "A Multimodal Anomaly Detector for Robot-Assisted Feeding Using an LSTM-based
 * Variational Autoencoder", IEEE Robotics and Automation Letters 3(3), 2018 (arXiv:1711.00614).
 * Idea: a variational autoencoder whose encoder and decoder are LSTMs reads a window of the (normal) series and, at
 * every timestamp, infers a latent code z_t ~ N(μ_z, σ_z) and from it a Gaussian over the value, N(μ_x, σ_x); trained
 * on normal windows (reconstruction log-likelihood minus the KL divergence to the prior), it learns how likely normal
 * values are given their context, and the anomaly score is the negative log-likelihood of the observed value,
 * −log p(x_t; μ_x,t, Σ_x,t) — a value is abnormal when the model finds it improbable, and the learned variance lets
 * noisy stretches be noisy without raising the score.
 *
 * Scores: windows of `window` values, `scoreStride` apart (and one ending at the last value), are passed through the
 * network with z at its mean (deterministic); a value's channel score is its Gaussian negative log-likelihood
 * ½(log 2πσ² + (x − μ)²/σ²) (in standardised units) averaged over the windows that contain it; its timestamp score is
 * the sum over channels, the paper's score with a diagonal Σ_x (the joint negative log-likelihood of the timestamp).
 *
 * As the paper: σ through a softplus, the reparameterisation trick, Gaussian noise added to the inputs in training
 * (denoising, `inputNoise`). Divergences: the prior is N(0, I) (the paper's progress-based prior needs a task
 * progress that a general series lacks); the paper's state-based threshold (a support vector regressor from z to the
 * expected score) is left to the thresholds of src/thresholds and src/timeseries/thresholds; sizes follow the
 * LSTM autoencoder here (the paper's were set for its 17 feeding signals). Training: Adam, a validation share of the
 * windows choosing the epoch.
 */
import { z } from 'zod';
import type { Matrix } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';
import {
  add, div, gaussianKL, Linear, log, LSTM, mean, Module, mul, noGrad, randn, reshape, slice, softplus, square, sub, tensor, type Tensor,
} from '../../engine/index.ts';
import type { LoopResult } from '../deep/training.ts';
import { baseOptionsSchema, type DetectorInfo, type DetectorState } from '../detector.ts';
import {
  type ChannelScaling, fitChannelScaling, loadDeepSeries, saveDeepSeries, splitWindows, stackWindows, standardised, trainWindowNetwork,
  WindowErrorAverage, windowStarts,
} from './deep-series.ts';
import { SeriesDetector, type SeriesScores } from './series-detector.ts';

const schema = baseOptionsSchema.extend({
  hidden: z.number().int().min(1).default(32).describe('Units of the encoder and decoder LSTMs.'),
  latent: z.number().int().min(1).default(8).describe('Size of the latent code z at each timestamp.'),
  window: z.number().int().min(2).default(50).describe('Values per window.'),
  trainStride: z.number().int().min(1).default(5).describe('Values between the starts of consecutive training windows.'),
  scoreStride: z.number().int().min(1).default(5).describe('Values between the starts of consecutive scored windows.'),
  inputNoise: z.number().min(0).default(0.1).describe('Standard deviation of the Gaussian noise added to the (standardised) inputs in training (denoising, as the paper); 0: none.'),
  epochs: z.number().int().min(1).default(30).describe('Passes over the training windows.'),
  batchSize: z.number().int().min(1).default(64).describe('Windows per optimisation step.'),
  learningRate: z.number().gt(0).default(1e-3).describe('Adam step size.'),
  validationSize: z.number().min(0).lt(1).default(0.2).describe('Share of the training windows held out to choose the epoch; 0: none.'),
  patience: z.number().int().min(1).default(5).describe('Epochs without a lower validation loss before stopping.'),
}).strict();

export type LstmVaeOptions = z.input<typeof schema>;
type Options = z.output<typeof schema>;

/** Keeps σ away from 0, where the log-likelihood would be unbounded. */
const MIN_SIGMA = 1e-3;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

interface VaeOutput {
  muX: Tensor;
  sigmaX: Tensor;
  muZ: Tensor;
  logVarZ: Tensor;
}

class LstmVaeNetwork extends Module {
  readonly encoder: LSTM;
  readonly toLatent: Linear;
  readonly decoder: LSTM;
  readonly toValue: Linear;
  constructor(readonly channels: number, readonly hidden: number, readonly latent: number, rng: Rng) {
    super();
    this.encoder = this.registerModule('encoder', new LSTM(channels, hidden, { rng }));
    this.toLatent = this.registerModule('toLatent', new Linear(hidden, 2 * latent, { rng }));
    this.decoder = this.registerModule('decoder', new LSTM(latent, hidden, { rng }));
    this.toValue = this.registerModule('toValue', new Linear(hidden, 2 * channels, { rng }));
  }

  /** x [batch, time, channels]; `noise` draws z (training) or, when undefined, z = μ_z. Outputs are [batch·time, ·]. */
  forward(x: Tensor, noise: Rng | undefined): VaeOutput {
    const [b, t] = x.shape as [number, number, number];
    const h = reshape(this.encoder.forward(x).output!, [b * t, this.hidden]);
    const zParams = this.toLatent.forward(h);
    const muZ = slice(zParams, 1, 0, this.latent);
    const sigmaZ = add(softplus(slice(zParams, 1, this.latent)), MIN_SIGMA);
    const logVarZ = mul(log(sigmaZ), 2);
    const code = noise === undefined ? muZ : add(muZ, mul(sigmaZ, randn(muZ.shape, noise)));
    const d = reshape(this.decoder.forward(reshape(code, [b, t, this.latent])).output!, [b * t, this.hidden]);
    const xParams = this.toValue.forward(d);
    const muX = slice(xParams, 1, 0, this.channels);
    const sigmaX = add(softplus(slice(xParams, 1, this.channels)), MIN_SIGMA);
    return { muX, sigmaX, muZ, logVarZ };
  }
}

/** Elementwise Gaussian negative log-likelihood ½ log 2π + log σ + ½((x − μ)/σ)². */
function gaussianNll(x: Tensor, mu: Tensor, sigma: Tensor): Tensor {
  return add(add(log(sigma), mul(square(div(sub(x, mu), sigma)), 0.5)), HALF_LOG_2PI);
}

export class LstmVae extends SeriesDetector<Options> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'lstm-vae',
    title: 'LSTM-VAE',
    modality: 'timeseries',
    family: 'deep',
    supervision: ['unsupervised'],
    paper: 'Park, Hoshi & Kemp, IEEE RA-L 2018',
    summary: 'Negative log-likelihood of each value under the Gaussian an LSTM variational autoencoder reconstructs from its window.',
  };

  history: LoopResult[] = [];
  private network: LstmVaeNetwork | undefined;
  private scaling: ChannelScaling = { shift: new Float64Array(0), scale: new Float64Array(0) };

  constructor(options: LstmVaeOptions = {}) {
    super(schema, options);
  }

  protected override minTrainingRows(): number {
    return 2;
  }

  protected fitSeries(X: Matrix): SeriesScores {
    const o = this.options;
    const rng = this.rng();
    this.history = [];
    this.scaling = fitChannelScaling(X);
    const zs = standardised(X, this.scaling);
    const cols = X.cols;
    const length = Math.min(o.window, X.rows);
    const { training, validation } = splitWindows(windowStarts(X.rows, length, o.trainStride), o.validationSize, rng);
    const network = new LstmVaeNetwork(cols, o.hidden, o.latent, rng.fork());
    this.network = network;
    const noise = rng.fork();
    // the negative ELBO per timestamp: the channels' negative log-likelihoods summed, plus the KL term
    const loss = (input: Tensor, target: Tensor): Tensor => {
      const noisy = network.training && o.inputNoise > 0 ? add(input, randn(input.shape, noise, o.inputNoise)) : input;
      const out = network.forward(noisy, network.training ? noise : undefined);
      const nll = mul(mean(gaussianNll(reshape(target, out.muX.shape), out.muX, out.sigmaX)), cols);
      return add(nll, gaussianKL(out.muZ, out.logVarZ));
    };
    this.history.push(trainWindowNetwork({
      detector: this.name, network, loss, training, validation, options: o, rng,
      batch: (starts) => {
        const t = tensor(stackWindows(zs, cols, starts, length), [starts.length, length, cols]);
        return { input: t, target: t };
      },
    }));
    return this.scoreSeries(X);
  }

  protected scoreSeries(X: Matrix): SeriesScores {
    const network = this.network!;
    network.eval();
    const cols = X.cols;
    const zs = standardised(X, this.scaling);
    const length = Math.min(this.options.window, X.rows);
    const starts = windowStarts(X.rows, length, this.options.scoreStride);
    const average = new WindowErrorAverage(X.rows, cols);
    for (let g = 0; g < starts.length; g += 64) {
      const part = starts.slice(g, g + 64);
      const input = tensor(stackWindows(zs, cols, part, length), [part.length, length, cols]);
      const nll = noGrad(() => {
        const out = network.forward(input, undefined);
        return gaussianNll(reshape(input, out.muX.shape), out.muX, out.sigmaX).toArray();
      });
      part.forEach((s, k) => average.add(s, length, nll, k * length * cols));
    }
    return average.result('sum');
  }

  protected saveModel(): DetectorState {
    return saveDeepSeries(this.network!, this.scaling);
  }

  protected loadModel(state: DetectorState): void {
    const o = this.options;
    const { network, scaling } = loadDeepSeries(state, this.name, (channels) => new LstmVaeNetwork(channels, o.hidden, o.latent, new Rng(0)));
    this.network = network;
    this.scaling = scaling;
  }
}
