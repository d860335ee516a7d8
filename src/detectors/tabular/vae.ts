/**
 * VAE — variational autoencoder. Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014; as an anomaly
 * detector, An & Cho, "Variational Autoencoder based Anomaly Detection using Reconstruction Probability", SNU 2015.
 * β-VAE: Higgins et al., "β-VAE: Learning Basic Visual Concepts with a Constrained Variational Framework", ICLR 2017,
 * with the capacity C of Burgess et al., "Understanding disentangling in β-VAE", 2018.
 * Idea: the encoder maps a row to a Gaussian over a small latent space, the decoder rebuilds the row from a sample of
 * it; training maximises the evidence lower bound, loss = ‖x − x̂‖² + β·|KL(q(z|x) ‖ N(0, I)) − C|. Rows the model
 * rebuilds badly are anomalous. Score = ‖x − decoder(μ(x))‖: the decoder at the posterior mean, so that scores are
 * deterministic and a row's score does not depend on a random draw (PyOD samples z at scoring time).
 *
 * Defaults are PyOD 2's VAE: encoder [128, 64, 32], latent 2, decoder [32, 64, 128], ReLU, dropout 0.2, no batch norm,
 * a sigmoid output layer, 30 epochs, batch 32, Adam at 1e-3 with weight decay 1e-5, standardised input, β = 1, C = 0.
 * (The sigmoid output cannot reach standardised values outside (0, 1), so the score also grows with a row's distance
 * from that box; that is PyOD's default and the one its benchmark numbers come from. `outputActivation: 'identity'`
 * gives the textbook Gaussian decoder.) The registered variant `beta-vae` differs only by β = 4.
 */
import { z } from 'zod';
import type { Rng } from '../../core/rng.ts';
import { add, exp, gaussianKL, Linear, mseLoss, Module, mul, randn, abs, type Sequential, type Tensor } from '../../engine/index.ts';
import { baseOptionsSchema, type DetectorInfo } from '../detector.ts';
import { DeepDetector } from '../deep/deep-detector.ts';
import { activationOption, denseStack, layerSizesOption } from '../deep/networks.ts';
import { trainingOptionShape } from '../deep/training.ts';
import { rowDistance } from './autoencoder.ts';

const vaeShape = (beta: number) => ({
  ...trainingOptionShape({ epochs: 30, batchSize: 32, learningRate: 1e-3, weightDecay: 1e-5 }),
  encoderSizes: layerSizesOption([128, 64, 32], 'Units of the encoder layers, before the latent Gaussian.'),
  decoderSizes: layerSizesOption([32, 64, 128], 'Units of the decoder layers, after the latent sample.'),
  latentDim: z.number().int().min(1).max(4096).default(2).describe('Dimensions of the latent space.'),
  activation: activationOption('relu'),
  outputActivation: z.enum(['sigmoid', 'identity']).default('sigmoid').describe("Activation of the reconstruction layer (PyOD's default: sigmoid)."),
  dropout: z.number().gte(0).lt(1).default(0.2).describe('Drop probability after each hidden layer, in training.'),
  batchNorm: z.boolean().default(false).describe('Batch normalisation after each hidden linear layer.'),
  beta: z.number().gte(0).max(1e6).default(beta).describe('Weight β of the KL term (1: the VAE; > 1: the β-VAE).'),
  capacity: z.number().gte(0).default(0).describe('Capacity C: the KL term is |KL − C| (Burgess et al.); 0 is the plain ELBO.'),
});

const schema = baseOptionsSchema.extend(vaeShape(1)).strict();
const betaSchema = baseOptionsSchema.extend(vaeShape(4)).strict();
type Options = z.output<typeof schema>;

class VaeNetwork extends Module {
  readonly encoder: Sequential;
  readonly mean: Linear;
  readonly logVar: Linear;
  readonly decoder: Sequential;

  constructor(features: number, o: Options, rng: Rng) {
    super();
    const block = { rng, activation: o.activation, dropout: o.dropout, batchNorm: o.batchNorm };
    this.encoder = this.registerModule('encoder', denseStack([features, ...o.encoderSizes], block));
    const last = o.encoderSizes[o.encoderSizes.length - 1]!;
    this.mean = this.registerModule('mean', new Linear(last, o.latentDim, { rng }));
    this.logVar = this.registerModule('logVar', new Linear(last, o.latentDim, { rng }));
    this.decoder = this.registerModule('decoder', denseStack([o.latentDim, ...o.decoderSizes, features], block, o.outputActivation));
  }
}

export class VAE extends DeepDetector<Options, VaeNetwork> {
  static readonly schema: z.ZodObject = schema;
  static readonly info: DetectorInfo = {
    name: 'vae',
    title: 'Variational AutoEncoder',
    modality: 'tabular',
    family: 'autoencoder',
    supervision: ['unsupervised'],
    paper: 'Kingma & Welling, ICLR 2014; An & Cho, SNU 2015',
    summary: 'A variational autoencoder with a Gaussian latent space; the reconstruction error at the posterior mean is the score.',
  };

  constructor(options: z.input<typeof schema> = {}) {
    super((new.target as unknown as { schema: z.ZodObject }).schema, options);
  }

  protected buildNetwork(features: number, rng: Rng): VaeNetwork {
    return new VaeNetwork(features, this.options, rng);
  }

  protected trainingLoss(network: VaeNetwork, batch: Tensor, rng: Rng): Tensor {
    const { beta, capacity } = this.options;
    const h = network.encoder.forward(batch);
    const mu = network.mean.forward(h);
    const logVar = network.logVar.forward(h);
    // reparameterisation: z = μ + σ·ε, so the gradient flows through μ and σ
    const z = add(mu, mul(exp(mul(logVar, 0.5)), randn(mu.shape, rng)));
    const reconstruction = network.decoder.forward(z);
    // per row: squared error summed over features, KL summed over latent dimensions; both averaged over the batch
    const features = batch.shape[1]!;
    const error = mul(mseLoss(reconstruction, batch), features);
    const kl = gaussianKL(mu, logVar);
    const klTerm = capacity > 0 ? abs(add(kl, -capacity)) : kl;
    return beta === 0 ? error : add(error, mul(klTerm, beta));
  }

  protected scoreBatch(network: VaeNetwork, batch: Tensor): Tensor {
    const mu = network.mean.forward(network.encoder.forward(batch));
    return rowDistance(batch, network.decoder.forward(mu));
  }
}

/** β-VAE: the VAE with β = 4 by default, which trades reconstruction for a more regular latent space. */
export class BetaVAE extends VAE {
  static override readonly schema: z.ZodObject = betaSchema;
  static override readonly info: DetectorInfo = {
    name: 'beta-vae',
    title: 'β-VAE',
    modality: 'tabular',
    family: 'autoencoder',
    supervision: ['unsupervised'],
    paper: 'Higgins et al., ICLR 2017; Burgess et al., 2018 (capacity)',
    summary: 'A VAE whose KL term weighs β > 1; the reconstruction error at the posterior mean is the score.',
  };
}
