import { InputError } from '../../core/errors.ts';
import { fromCounts, type ClassificationScores } from '../../metrics/classification.ts';
import { checkSameLength, labelRanges } from './ranges.ts';

/**
 * Point adjustment and PA%K (Kim, Choi, Choi, Lee & Yoon, "Towards a Rigorous Evaluation of Time-Series Anomaly
 * Detection", AAAI 2022). Point adjustment (Xu et al., WWW 2018) marks a whole labelled segment detected as soon as
 * one of its points is flagged, which lets a random score look excellent; PA%K only adjusts a segment when more than
 * K % of its points are flagged. K = 0 is the classic point adjustment, K = 100 plain point-wise scoring.
 */
export function pointAdjust(labels: ArrayLike<number>, predictions: ArrayLike<number>, k = 0): Uint8Array {
  checkSameLength(labels, predictions, 'pointAdjust');
  if (!(k >= 0 && k <= 100)) throw new InputError(`pointAdjust: K must be a percentage in [0, 100]. Got ${k} instead.`);
  const out = Uint8Array.from(predictions as ArrayLike<number>);
  for (const [s, e] of labelRanges(labels)) {
    let hit = 0;
    for (let i = s; i <= e; i++) hit += predictions[i] === 1 ? 1 : 0;
    // strictly more than K %: with K = 0 one hit adjusts, with K = 100 nothing is ever adjusted
    if (hit > 0 && (hit / (e - s + 1)) * 100 > k) for (let i = s; i <= e; i++) out[i] = 1;
  }
  return out;
}

/** Precision / recall / F1 after PA%K adjustment. */
export function paKScores(labels: ArrayLike<number>, predictions: ArrayLike<number>, k = 0): ClassificationScores {
  const adjusted = pointAdjust(labels, predictions, k);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < adjusted.length; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new InputError(`paKScores: label ${i} is ${String(y)}; labels must be 0 or 1.`);
    if (adjusted[i] === 1) {
      if (y === 1) tp++;
      else fp++;
    } else if (y === 1) fn++;
    else tn++;
  }
  return fromCounts(tp, fp, fn, tn);
}

export interface PaKCurve {
  /** K values, 0..100 */
  k: number[];
  f1: number[];
  /** area under F1(K) over K in [0, 1] (trapezoids): Kim et al.'s summary, between point-adjusted and point-wise F1 */
  auc: number;
}

/** F1 under PA%K for K = 0, step, …, 100, and its area. */
export function paKCurve(labels: ArrayLike<number>, predictions: ArrayLike<number>, step = 10): PaKCurve {
  const ks: number[] = [];
  for (let k = 0; k <= 100 + 1e-9; k += step) ks.push(Math.min(100, k));
  if (ks[ks.length - 1] !== 100) ks.push(100);
  const f1 = ks.map((k) => paKScores(labels, predictions, k).f1);
  let auc = 0;
  for (let i = 1; i < ks.length; i++) auc += ((ks[i]! - ks[i - 1]!) / 100) * (f1[i]! + f1[i - 1]!) / 2;
  return { k: ks, f1, auc };
}
