/**
 * Hybrid — a deep encoder feeding a classic detector. Erfani et al., "High-dimensional and large-scale anomaly
 * detection using a linear one-class SVM with deep learning", Pattern Recognition 2016; the survey's "deep hybrid
 * models" (Chalapathy & Chawla 2019, §5.3).
 * Idea: a deep network learns features of the training rows (an autoencoder's bottleneck, a VAE's latent mean, Deep
 * SVDD's output space); a classic detector (OC-SVM, Isolation Forest, kNN, …) is fitted on those features and scores
 * new rows by their features. Score: the classic detector's score of the encoded row.
 *
 * By default the encoder's own anomaly score (an autoencoder's reconstruction error, Deep SVDD's distance to its
 * centre) is appended to the features, standardised by its training mean and deviation — as DAGMM (Zong et al., ICLR
 * 2018) appends reconstruction-error features to the latent code: the latent code alone drops what the encoder could
 * not represent, which is where many anomalies show, so the classic detector sees both (`encoderScore: false`: the
 * latent code only).
 *
 * Both parts are registered detectors, named by the options with options of their own; the encoder is trained with
 * its defaults unless told otherwise. Saved as one model: each part's snapshot, its arrays prefixed `encoder.` and
 * `detector.`.
 */
import { z } from 'zod';
import { OptionError } from '../../core/errors.ts';
import { createMatrix, type Matrix } from '../../core/matrix.ts';
import type { Linear, Module, Sequential, Tensor } from '../../engine/index.ts';
import { packPart, unpackPart } from '../components/part-snapshots.ts';
import { scoreMoments, type ScoreMoments } from '../components/score-moments.ts';
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
  encoderScore: z.boolean().default(true)
    .describe("Append the encoder's own anomaly score (standardised on the training rows) to the features, as DAGMM appends reconstruction errors (false: the latent code only)."),
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
  /** mean and standard deviation of the encoder's training scores, when its score is a feature (undefined: it is not) */
  private scoreMoments: ScoreMoments | undefined;

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
    // Build both parts once now, so that a wrong name or option is an error at construction, naming the part.
    this.makeEncoder();
    this.makeDetector();
  }

  protected fitModel(X: Matrix): Float64Array {
    const encoder = this.makeEncoder();
    encoder.fit(X);
    this.scoreMoments = this.options.encoderScore ? scoreMoments(encoder.trainingScores) : undefined;
    const detector = this.makeDetector();
    detector.fit(this.encode(encoder, X, encoder.trainingScores));
    this.encoderPart = encoder;
    this.detectorPart = detector;
    return detector.trainingScores.slice();
  }

  protected scoreModel(X: Matrix): Float64Array {
    const encoder = this.encoderPart!;
    return this.detectorPart!.score(this.encode(encoder, X, this.scoreMoments === undefined ? undefined : encoder.score(X)));
  }

  protected saveModel(): DetectorState {
    const state: DetectorState = { params: {}, arrays: {} };
    packPart(state, 'encoder', this.encoderPart!);
    packPart(state, 'detector', this.detectorPart!);
    if (this.scoreMoments !== undefined) state.params.encoderScoreMoments = [this.scoreMoments.mean, this.scoreMoments.std];
    return state;
  }

  protected loadModel(state: DetectorState): void {
    this.encoderPart = unpackPart(state, 'encoder', 'hybrid') as DeepDetector<DeepOptions>;
    this.detectorPart = unpackPart(state, 'detector', 'hybrid');
    // What the detector part was fitted on decides, not the option: models saved before the option existed lack it.
    const saved = state.params.encoderScoreMoments;
    if (saved === undefined) this.scoreMoments = undefined;
    else if (Array.isArray(saved) && saved.length === 2 && saved.every((v) => typeof v === 'number' && Number.isFinite(v)) && (saved[1] as number) > 0) {
      this.scoreMoments = { mean: saved[0] as number, std: saved[1] as number };
    } else throw new Error(`encoderScoreMoments ${JSON.stringify(saved)} is not [mean, positive deviation]`);
  }

  /** The latent code of each row, followed (when the encoder's score is a feature) by that score, standardised. */
  private encode(encoder: DeepDetector<DeepOptions>, X: Matrix, encoderScores: Float64Array | undefined): Matrix {
    const latent = encoder.transformRows(X, ENCODERS[this.options.encoder]!);
    const m = this.scoreMoments;
    if (m === undefined || encoderScores === undefined) return latent;
    const w = latent.cols;
    const out = new Float64Array(X.rows * (w + 1));
    for (let i = 0; i < X.rows; i++) {
      out.set(latent.data.subarray(i * w, (i + 1) * w), i * (w + 1));
      out[i * (w + 1) + w] = (encoderScores[i]! - m.mean) / m.std;
    }
    return createMatrix(X.rows, w + 1, out);
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
