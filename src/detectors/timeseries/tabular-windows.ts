/**
 * A bridge that runs any tabular detector on sliding windows — the standard reduction of sequence anomaly detection to
 * point anomaly detection (Chalapathy & Chawla, "Deep Learning for Anomaly Detection: A Survey", 2019, §
 * sequential data; as TSB-UAD's windowed IForest / LOF baselines, Paparrizos et al., PVLDB 2022).
 * Idea: each window of `windowSize` consecutive timestamps becomes one row; the tabular detector scores rows, and a
 * timestamp's score pools the windows that cover it.
 *
 * `channels: 'separate'` (default) fits one tabular detector per channel, so each channel has its own scores;
 * 'joint' fits one detector on windows of all channels together (dependencies between channels count), and the
 * channel scores are then that joint score, repeated: no attribution to a channel.
 */
import { z } from 'zod';
import { InputError, ModelFileError } from '../../core/errors.ts';
import { createMatrix, type Matrix } from '../../core/matrix.ts';
import { slidingWindows, windowScoresToPoints } from '../../timeseries/windows.ts';
import { baseOptionsSchema, type Detector, type DetectorInfo, type DetectorSnapshot, type DetectorState } from '../detector.ts';
import { createDetector } from '../registry.ts';
import { type ChannelModel, ChannelwiseDetector, type SeriesScores } from './series-detector.ts';

const schema = baseOptionsSchema.extend({
  detector: z.string().min(1).default('iforest').describe('Registry name of the tabular detector run on the windows.'),
  detectorOptions: z.record(z.string(), z.unknown()).default({}).describe('Options of that detector.'),
  windowSize: z.number().int().min(1).default(32).describe('Timestamps per window.'),
  stride: z.number().int().min(1).default(1).describe('Timestamps between window starts (larger: faster, coarser).'),
  reduce: z.enum(['max', 'mean', 'last']).default('mean').describe('How the scores of the windows covering a timestamp become its score.'),
  channels: z.enum(['separate', 'joint']).default('separate').describe("'separate': one detector per channel; 'joint': one on all channels' windows."),
}).strict();

export type TabularWindowsOptions = z.input<typeof schema>;
type Options = z.output<typeof schema>;

export class TabularWindows extends ChannelwiseDetector<Options> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'tabular-windows',
    title: 'Tabular detector on sliding windows',
    modality: 'timeseries',
    family: 'hybrid',
    supervision: ['unsupervised'],
    paper: 'Chalapathy & Chawla, Deep Learning for Anomaly Detection: A Survey, 2019 (sliding-window reduction); Paparrizos et al., TSB-UAD, PVLDB 2022',
    summary: 'Each window of consecutive timestamps is a row for any tabular detector; a timestamp pools its windows\' scores.',
  };

  private joint: WindowModel | undefined;

  constructor(options: TabularWindowsOptions = {}) {
    super(schema, options);
  }

  protected createChannelModel(): ChannelModel {
    const model = new WindowModel(this.options);
    return {
      fit: (v) => model.fit(createMatrix(v.length, 1, v)),
      score: (v) => model.score(createMatrix(v.length, 1, v)),
      save: () => model.save(),
      load: (s) => model.load(s),
    };
  }

  protected override fitSeries(X: Matrix): SeriesScores {
    if (this.options.channels === 'separate') {
      this.joint = undefined;
      return super.fitSeries(X);
    }
    this.joint = new WindowModel(this.options);
    return repeated(this.joint.fit(X), X.cols);
  }

  protected override scoreSeries(X: Matrix): SeriesScores {
    return this.joint === undefined ? super.scoreSeries(X) : repeated(this.joint.score(X), X.cols);
  }

  protected override saveModel(): DetectorState {
    if (this.joint === undefined) return super.saveModel();
    const s = this.joint.save();
    return { params: { joint: s.params }, arrays: s.arrays };
  }

  protected override loadModel(state: DetectorState): void {
    if (state.params.joint === undefined) {
      this.joint = undefined;
      super.loadModel(state);
      return;
    }
    this.joint = new WindowModel(this.options);
    this.joint.load({ params: state.params.joint as Record<string, unknown>, arrays: state.arrays });
  }

  protected override minTrainingRows(): number {
    return this.options.windowSize + 1;
  }
}

function repeated(scores: Float64Array, cols: number): SeriesScores {
  const channels = createMatrix(scores.length, cols);
  for (let i = 0; i < scores.length; i++) channels.data.fill(scores[i]!, i * cols, (i + 1) * cols);
  return { scores, channels };
}

class WindowModel {
  private detector: Detector | undefined;
  constructor(private readonly o: Options) {}

  fit(X: Matrix): Float64Array {
    const { windows, starts } = slidingWindows(X, { size: this.o.windowSize, stride: this.o.stride });
    if (windows.rows < 2) throw new InputError(`tabular-windows.fit: the training series (${X.rows} rows) gives ${windows.rows} window(s) of ${this.o.windowSize}; it needs at least 2.`);
    this.detector = createDetector(this.o.detector, { seed: this.o.seed, ...this.o.detectorOptions });
    this.detector.fit(windows);
    return windowScoresToPoints(this.detector.trainingScores, starts, X.rows, this.o.windowSize, this.o.reduce);
  }

  score(X: Matrix): Float64Array {
    if (X.rows < this.o.windowSize) return new Float64Array(X.rows);
    const { windows, starts } = slidingWindows(X, { size: this.o.windowSize, stride: this.o.stride });
    return windowScoresToPoints(this.detector!.score(windows), starts, X.rows, this.o.windowSize, this.o.reduce);
  }

  save(): DetectorState {
    const snap = this.detector!.snapshot();
    const { arrays, ...rest } = snap;
    return { params: { snapshot: rest }, arrays };
  }

  load(state: DetectorState): void {
    const rest = state.params.snapshot as Omit<DetectorSnapshot, 'arrays'> | undefined;
    if (rest === undefined || typeof rest.detector !== 'string') throw new ModelFileError('tabular-windows: the saved state lacks the inner detector.');
    this.detector = createDetector(rest.detector, rest.options).restore({ ...rest, arrays: state.arrays });
  }
}
