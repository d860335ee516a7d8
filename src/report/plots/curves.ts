/**
 * ROC and precision–recall curves from the labels, each with the operating point the threshold gives. The curves come
 * from src/metrics (one point per distinct score) thinned to at most 1,000 points; the areas in the titles are
 * computed on all of them, from the curves themselves (trapezoids for ROC, steps for average precision, which equal
 * rocAuc and averagePrecision), so a million rows are sorted twice rather than four times.
 */
import type { TopLevelSpec } from 'vega-lite';
import { prCurve, rocCurve, type PrPoint, type RocPoint } from '../../metrics/index.ts';
import { thinPoints } from '../downsample.ts';
import { base, COLORS, type PlotSpec } from './style.ts';

export const MAX_CURVE_POINTS = 1000;

export interface CurveInput {
  truth: ArrayLike<number>;
  scores: ArrayLike<number>;
  flagged: ArrayLike<number>;
}

export interface OperatingPoint {
  fpr: number;
  tpr: number;
  precision: number;
  recall: number;
}

export interface Curves {
  roc: RocPoint[];
  pr: PrPoint[];
  rocAuc: number;
  /** average precision */
  prAuc: number;
  /** where the threshold puts the flags */
  at: OperatingPoint;
  /** share of anomalies in the labels */
  rate: number;
}

/** Both curves and their areas; the labels must hold both classes. */
export function labelCurves(input: CurveInput): Curves {
  const roc = rocCurve(input.truth, input.scores);
  const pr = prCurve(input.truth, input.scores);
  let rocAuc = 0;
  for (let k = 1; k < roc.length; k++) rocAuc += ((roc[k]!.fpr - roc[k - 1]!.fpr) * (roc[k]!.tpr + roc[k - 1]!.tpr)) / 2;
  let prAuc = 0;
  for (let k = 1; k < pr.length; k++) prAuc += (pr[k]!.recall - pr[k - 1]!.recall) * pr[k]!.precision;
  let positives = 0;
  for (let i = 0; i < input.truth.length; i++) positives += input.truth[i] === 1 ? 1 : 0;
  return { roc, pr, rocAuc, prAuc, at: operatingPoint(input), rate: positives / input.truth.length };
}

/** True / false positive counts of the 0/1 flags against the labels. */
function operatingPoint(input: CurveInput): OperatingPoint {
  let tp = 0;
  let fp = 0;
  let positives = 0;
  for (let i = 0; i < input.truth.length; i++) {
    const t = input.truth[i] === 1;
    positives += t ? 1 : 0;
    if (input.flagged[i] === 1) {
      if (t) tp++;
      else fp++;
    }
  }
  const negatives = input.truth.length - positives;
  return { fpr: negatives === 0 ? 0 : fp / negatives, tpr: positives === 0 ? 0 : tp / positives, precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: positives === 0 ? 0 : tp / positives };
}

function thinned(count: number): string {
  return count > MAX_CURVE_POINTS ? ` The curve has ${count} points; ${MAX_CURVE_POINTS} evenly spaced ones are drawn.` : '';
}

export function rocPlot(curves: Curves): PlotSpec {
  const { roc: curve, rocAuc: auc, at } = curves;
  const title = `ROC curve (ROC-AUC ${auc.toFixed(4)})`;
  const points = thinPoints(curve, MAX_CURVE_POINTS).map((p) => ({ fpr: p.fpr, tpr: p.tpr }));
  const spec = {
    ...base(title),
    width: 300,
    height: 300,
    layer: [
      {
        data: { values: [{ fpr: 0, tpr: 0 }, { fpr: 1, tpr: 1 }] },
        mark: { type: 'line', color: '#bbb', strokeDash: [4, 4] },
        encoding: { x: { field: 'fpr', type: 'quantitative' }, y: { field: 'tpr', type: 'quantitative' } },
      },
      {
        data: { values: points },
        mark: { type: 'line', color: COLORS.line, strokeWidth: 2 },
        encoding: {
          x: { field: 'fpr', type: 'quantitative', title: 'false positive rate', scale: { domain: [0, 1] } },
          y: { field: 'tpr', type: 'quantitative', title: 'true positive rate (recall)', scale: { domain: [0, 1] } },
          order: { value: null },
        },
      },
      operatingLayer([{ fpr: at.fpr, tpr: at.tpr }], 'fpr', 'tpr'),
    ],
  } as unknown as TopLevelSpec;
  return {
    id: 'roc-curve',
    title,
    caption: `True against false positive rate as the threshold falls; the diagonal is chance. The red point is the report's threshold (FPR ${at.fpr.toFixed(3)}, TPR ${at.tpr.toFixed(3)}).${thinned(curve.length)}`,
    spec,
  };
}

export function prPlot(curves: Curves): PlotSpec {
  const { pr: curve, prAuc: ap, at, rate } = curves;
  const title = `Precision–recall curve (PR-AUC ${ap.toFixed(4)})`;
  const points = thinPoints(curve, MAX_CURVE_POINTS).map((p) => ({ recall: p.recall, precision: p.precision }));
  const spec = {
    ...base(title),
    width: 300,
    height: 300,
    layer: [
      {
        data: { values: [{ recall: 0, precision: rate }, { recall: 1, precision: rate }] },
        mark: { type: 'line', color: '#bbb', strokeDash: [4, 4] },
        encoding: { x: { field: 'recall', type: 'quantitative' }, y: { field: 'precision', type: 'quantitative' } },
      },
      {
        data: { values: points },
        // precision p_k holds over recall (r_k-1, r_k]: the step average precision sums
        mark: { type: 'line', color: COLORS.line, strokeWidth: 2, interpolate: 'step-before' },
        encoding: {
          x: { field: 'recall', type: 'quantitative', title: 'recall', scale: { domain: [0, 1] } },
          y: { field: 'precision', type: 'quantitative', title: 'precision', scale: { domain: [0, 1] } },
          order: { value: null },
        },
      },
      operatingLayer([{ recall: at.recall, precision: at.precision }], 'recall', 'precision'),
    ],
  } as unknown as TopLevelSpec;
  return {
    id: 'pr-curve',
    title,
    caption: `Precision against recall as the threshold falls; the dashed line is the share of anomalies (${(rate * 100).toFixed(2)} %), what random scores get. The red point is the report's threshold (precision ${at.precision.toFixed(3)}, recall ${at.recall.toFixed(3)}).${thinned(curve.length)}`,
    spec,
  };
}

function operatingLayer(values: Record<string, number>[], x: string, y: string): Record<string, unknown> {
  return {
    data: { values },
    mark: { type: 'point', filled: true, size: 70, color: COLORS.flagged },
    encoding: { x: { field: x, type: 'quantitative' }, y: { field: y, type: 'quantitative' } },
  };
}
