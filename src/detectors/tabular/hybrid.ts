/**
 * Hybrid — a deep encoder feeding a classic detector. Erfani et al., "High-dimensional and large-scale anomaly
 * detection using a linear one-class SVM with deep learning", Pattern Recognition 2016; the survey's "deep hybrid
 * models" (Chalapathy & Chawla 2019, §5.3).
 * Idea: a deep network learns features of the training rows (an autoencoder's bottleneck, a VAE's latent mean, Deep
 * SVDD's output space); a classic detector (OC-SVM, Isolation Forest, kNN, …) is fitted on those features and scores
 * new rows by their features. Score: the classic detector's score of the encoded row.
 *
 * Both parts are registered detectors, named by the options with options of their own; the encoder is trained with
 * its defaults unless told otherwise. Saved as one model: each part's snapshot, its arrays prefixed `encoder.` and
 * `detector.`.
 */
import { z } from 'zod';
import { OptionError } from '../../core/errors.ts';
import type { Matrix } from '../../core/matrix.ts';
import type { Linear, Module, Sequential, Tensor } from '../../engine/index.ts';
import { packPart, unpackPart } from '../components/part-snapshots.ts';
import { baseOptionsSchema, Detector, type DetectorInfo, type DetectorState } from '../detector.ts';
import { DeepDetector, type DeepOptions } from '../deep/deep-detector.ts';
import { createDetector, getDetectorClass } from '../registry.ts';

/** The latent representation of each encoder this hybrid knows, given its fitted network. */
const ENCODERS: Record<string, (network: Module, batch: Tensor) => Tensor> = {
  autoencoder: (n, x) => (n as unknown as { encoder: Sequential }).encoder.forward(x),
  dae: (n, x) => (n as unknown as { encoder: Sequential }).encoder.forward(x),
  vae: (n, x) => { const v = n as unknown as { encoder: Sequential; mean: Linear }; return v.mean.forward(v.encoder.forward(x)); },
  'beta-vae': (n, x) => { const v = n as unknown as { encoder: Sequential; mean: Linear }; return v.mean.forward(v.encoder.forward(x)); },
  deepsvdd: (n, x) => (n as Sequential).forward(x),
  deepsad: (n, x) => (n as unknown as { encoder: Sequential }).encoder.forward(x),
};

const schema = baseOptionsSchema.extend({
  encoder: z.enum(Object.keys(ENCODERS) as [string, ...string[]]).default('autoencoder')
    .describe("The deep detector whose features are used: 'autoencoder' / 'dae' (bottleneck), 'vae' / 'beta-vae' (latent mean), 'deepsvdd' / 'deepsad' (output space)."),
  encoderOptions: z.record(z.string(), z.unknown()).default({}).describe("The encoder's options (its defaults otherwise; seed defaults to this detector's)."),
  detector: z.string().default('iforest').describe("The registered tabular detector fitted on the features, e.g. 'iforest', 'ocsvm', 'knn', 'lof'."),
  detectorOptions: z.record(z.string(), z.unknown()).default({}).describe("The classic detector's options (its defaults otherwise; seed defaults to this detector's)."),
}).strict();
type Options = z.output<typeof schema>;

export class Hybrid extends Detector<Options> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'hybrid',
    title: 'Deep hybrid (deep encoder + classic detector)',
    modality: 'tabular',
    family: 'hybrid',
    supervision: ['unsupervised'],
    paper: 'Erfani et al., Pattern Recognition 2016; Chalapathy & Chawla, arXiv 2019 (§5.3)',
    summary: 'A deep encoder learns features of the rows; a classic detector fitted on those features gives the score.',
  };

  private encoderPart: DeepDetector<DeepOptions> | undefined;
  private detectorPart: Detector | undefined;

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
    // Build both parts once now, so that a wrong name or option is an error at construction, naming the part.
    this.makeEncoder();
    this.makeDetector();
  }

  protected fitModel(X: Matrix): Float64Array {
    const encoder = this.makeEncoder();
    encoder.fit(X);
    const detector = this.makeDetector();
    detector.fit(this.encode(encoder, X));
    this.encoderPart = encoder;
    this.detectorPart = detector;
    return detector.trainingScores.slice();
  }

  protected scoreModel(X: Matrix): Float64Array {
    return this.detectorPart!.score(this.encode(this.encoderPart!, X));
  }

  protected saveModel(): DetectorState {
    const state: DetectorState = { params: {}, arrays: {} };
    packPart(state, 'encoder', this.encoderPart!);
    packPart(state, 'detector', this.detectorPart!);
    return state;
  }

  protected loadModel(state: DetectorState): void {
    this.encoderPart = unpackPart(state, 'encoder', 'hybrid') as DeepDetector<DeepOptions>;
    this.detectorPart = unpackPart(state, 'detector', 'hybrid');
  }

  private encode(encoder: DeepDetector<DeepOptions>, X: Matrix): Matrix {
    return encoder.transformRows(X, ENCODERS[this.options.encoder]!);
  }

  private makeEncoder(): DeepDetector<DeepOptions> {
    const encoder = createDetector(this.options.encoder, { seed: this.options.seed, ...this.options.encoderOptions });
    if (!(encoder instanceof DeepDetector)) throw new OptionError(`The hybrid's encoder '${this.options.encoder}' is not a deep detector.`);
    return encoder as DeepDetector<DeepOptions>;
  }

  private makeDetector(): Detector {
    const name = this.options.detector;
    const info = getDetectorClass(name).info;
    if (info.modality !== 'tabular' || info.supervision[0] !== 'unsupervised' || name === 'hybrid') {
      throw new OptionError(`The hybrid's detector must be an unsupervised tabular detector; '${name}' is ${info.supervision[0]} (${info.modality}).`);
    }
    return createDetector(name, { seed: this.options.seed, ...this.options.detectorOptions });
  }
}
