/**
 * Matrix profile discords — Yeh, Zhu, Ulanova, Begum, Ding, Dau, Silva, Mueen & Keogh, "Matrix Profile I", ICDM 2016;
 * computed as STOMP (Zhu et al., "Matrix Profile II", ICDM 2016): along each diagonal of the distance matrix the dot
 * product of two subsequences is updated in O(1) from the previous one.
 * Idea: a subsequence whose nearest neighbour is far away (a discord) is anomalous; its score is that distance.
 *
 * Per channel. Fitting on a series computes its self-join (neighbours at least `windowSize`/4 away, the usual
 * exclusion zone): those are the training scores, and the series is kept. Scoring a series is an AB-join: each of
 * its subsequences against its nearest training subsequence, so a pattern seen in training scores low even when it
 * repeats in the scored series. A timestamp's score pools the subsequences that cover it (`reduce`, default max).
 * Distances are between z-normalised subsequences (shape only; two flat subsequences are at distance 0, a flat one
 * and a varying one at √m), or plain Euclidean with `normalize: false` (level shifts count too).
 */
import { z } from 'zod';
import { InputError } from '../../core/errors.ts';
import { windowScoresToPoints, windowStarts } from '../../timeseries/windows.ts';
import { baseOptionsSchema, type DetectorInfo, stateArray } from '../detector.ts';
import { ChannelwiseDetector, type ChannelModel } from './series-detector.ts';

const schema = baseOptionsSchema.extend({
  windowSize: z.number().int().min(3).default(64).describe('Subsequence length m, in samples (about one pattern).'),
  normalize: z.boolean().default(true).describe('Compare z-normalised subsequences (shape only); false: plain Euclidean distance.'),
  reduce: z.enum(['max', 'mean', 'last']).default('max').describe('How the scores of the subsequences covering a timestamp become its score.'),
}).strict();

export type MatrixProfileOptions = z.input<typeof schema>;
type Options = z.output<typeof schema>;

export class MatrixProfile extends ChannelwiseDetector<Options> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'matrix-profile',
    title: 'Matrix profile discords (STOMP)',
    modality: 'timeseries',
    family: 'proximity',
    supervision: ['unsupervised', 'semi-supervised'],
    paper: 'Yeh et al., Matrix Profile I, ICDM 2016; Zhu et al., Matrix Profile II (STOMP), ICDM 2016',
    summary: 'A subsequence far from its nearest neighbour (in the training series, or elsewhere in the series at fit) is a discord.',
  };

  constructor(options: MatrixProfileOptions = {}) {
    super(schema, options);
  }

  protected createChannelModel(): ChannelModel {
    const o = this.options;
    let train: Float64Array = new Float64Array(0);
    const toPoints = (profile: Float64Array, n: number): Float64Array =>
      windowScoresToPoints(profile, windowStarts(n, { size: o.windowSize }), n, o.windowSize, o.reduce);
    return {
      fit(v) {
        if (v.length < 2 * o.windowSize) {
          throw new InputError(`matrix-profile.fit: the training series has ${v.length} values; it needs at least 2 × windowSize = ${2 * o.windowSize}.`);
        }
        train = Float64Array.from(v);
        return toPoints(matrixProfile(v, undefined, o.windowSize, o.normalize), v.length);
      },
      score(v) {
        if (v.length < o.windowSize) return new Float64Array(v.length);
        return toPoints(matrixProfile(v, train, o.windowSize, o.normalize), v.length);
      },
      save: () => ({ params: {}, arrays: { train } }),
      load(state) {
        train = stateArray(state, 'train', 'f64');
      },
    };
  }

  protected override minTrainingRows(): number {
    return 6;
  }
}

/**
 * The matrix profile of `a`: for each subsequence of length m, the distance to its nearest neighbour among the
 * subsequences of `b` (AB-join), or of `a` itself outside the exclusion zone when `b` is undefined (self-join).
 */
export function matrixProfile(a: Float64Array, b: Float64Array | undefined, m: number, normalize: boolean): Float64Array {
  const self = b === undefined;
  const ref = b ?? a;
  // shifting both series by one constant changes no distance and keeps the running dot products small
  const shift = ref.reduce((s, x) => s + x, 0) / ref.length;
  const x = Float64Array.from(a, (v) => v - shift);
  const y = self ? x : Float64Array.from(ref, (v) => v - shift);
  const na = x.length - m + 1;
  const nb = y.length - m + 1;
  const sa = stats(x, m);
  const sb = self ? sa : stats(y, m);
  const profile = new Float64Array(na).fill(Infinity);
  const exclusion = self ? Math.ceil(m / 4) : -1;
  const flat = 1e-8 * Math.max(1e-300, globalStd(y));
  const distance = (i: number, j: number, qt: number): number => {
    if (!normalize) return Math.sqrt(Math.max(0, sa.sumSq[i]! + sb.sumSq[j]! - 2 * qt));
    const fa = sa.std[i]! <= flat;
    const fb = sb.std[j]! <= flat;
    if (fa && fb) return 0;
    if (fa || fb) return Math.sqrt(m);
    const corr = (qt - m * sa.mean[i]! * sb.mean[j]!) / (m * sa.std[i]! * sb.std[j]!);
    return Math.sqrt(Math.max(0, 2 * m * (1 - corr)));
  };
  // diagonal k: pairs (i, i + k)
  const first = self ? exclusion + 1 : -(na - 1);
  for (let k = first; k < nb; k++) {
    let i = Math.max(0, -k);
    let j = i + k;
    if (i >= na || j >= nb) continue;
    let qt = 0;
    for (let t = 0; t < m; t++) qt += x[i + t]! * y[j + t]!;
    for (;;) {
      const d = distance(i, j, qt);
      if (d < profile[i]!) profile[i] = d;
      if (self && d < profile[j]!) profile[j] = d;
      i++;
      j++;
      if (i >= na || j >= nb) break;
      qt += x[i + m - 1]! * y[j + m - 1]! - x[i - 1]! * y[j - 1]!;
    }
  }
  // a subsequence with no neighbour at all (a self-join of a very short series) scores as the farthest
  let max = 0;
  for (const d of profile) if (Number.isFinite(d)) max = Math.max(max, d);
  for (let i = 0; i < na; i++) if (!Number.isFinite(profile[i]!)) profile[i] = max;
  return profile;
}

function stats(v: Float64Array, m: number): { mean: Float64Array; std: Float64Array; sumSq: Float64Array } {
  const n = v.length - m + 1;
  const mean = new Float64Array(n);
  const std = new Float64Array(n);
  const sumSq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // direct sums: exact, and O(n·m) is below the join's own cost
    let s = 0;
    let q = 0;
    for (let t = 0; t < m; t++) {
      s += v[i + t]!;
      q += v[i + t]! ** 2;
    }
    mean[i] = s / m;
    sumSq[i] = q;
    let d = 0;
    for (let t = 0; t < m; t++) d += (v[i + t]! - mean[i]!) ** 2;
    std[i] = Math.sqrt(d / m);
  }
  return { mean, std, sumSq };
}

function globalStd(v: Float64Array): number {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
}
