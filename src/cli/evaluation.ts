/**
 * With --label, the quality of the scores against the labels, on stderr (stdout carries results only): ROC-AUC and
 * PR-AUC (average precision) of the scores, and precision / recall / F1 of the 0/1 labels at the threshold.
 */
import { averagePrecision, precisionRecallF1, rocAuc } from '../metrics/index.ts';

export interface Evaluation {
  rows: number;
  anomalies: number;
  flagged: number;
  rocAuc: number;
  prAuc: number;
  precision: number;
  recall: number;
  f1: number;
}

export function evaluate(labels: ArrayLike<number>, scores: ArrayLike<number>, predictions: ArrayLike<number>): Evaluation {
  let anomalies = 0;
  let flagged = 0;
  for (let i = 0; i < labels.length; i++) {
    anomalies += labels[i]!;
    flagged += predictions[i]!;
  }
  const at = precisionRecallF1(labels, predictions);
  return {
    rows: labels.length,
    anomalies,
    flagged,
    rocAuc: rocAuc(labels, scores),
    prAuc: averagePrecision(labels, scores),
    precision: at.precision,
    recall: at.recall,
    f1: at.f1,
  };
}

export function formatEvaluation(e: Evaluation): string {
  const f = (x: number): string => x.toFixed(4);
  return `ROC-AUC ${f(e.rocAuc)}  PR-AUC ${f(e.prAuc)}  (${e.rows} rows, ${e.anomalies} labelled anomalies)\n` +
    `at the threshold: ${e.flagged} flagged, precision ${f(e.precision)}, recall ${f(e.recall)}, F1 ${f(e.f1)}\n`;
}

/** The text for stderr; labels of one class only get a note instead of undefined AUCs. */
export function evaluationReport(labels: ArrayLike<number>, scores: ArrayLike<number>, predictions: ArrayLike<number>): string {
  let anomalies = 0;
  for (let i = 0; i < labels.length; i++) anomalies += labels[i]!;
  if (anomalies === 0 || anomalies === labels.length) {
    return `ROC-AUC and PR-AUC need both classes in the label column; it has ${anomalies === 0 ? 'no anomalies' : 'only anomalies'} (${labels.length} rows).\n`;
  }
  return formatEvaluation(evaluate(labels, scores, predictions));
}
