/**
 * ROC-AUC, PR-AUC (average precision) and precision / recall / F1 at the threshold, computed by DuckDB over the
 * results table, so that a 10-million-row evaluation needs no score array in JavaScript. The formulas are those of
 * src/metrics (ties grouped by distinct score, walked from the highest score down): ROC-AUC as the Mann–Whitney U
 * with ties counted half, AP as Σ (recall step) × precision per tie group; ratios from the counts through the same
 * `fromCounts`, so both paths report the same numbers.
 */
import type { Evaluation } from '../cli/evaluation.ts';
import { fromCounts } from '../metrics/classification.ts';
import type { DuckSession } from './duckdb.ts';
import { ResultsTable } from './output.ts';

/** The in-memory `dad detect` evaluation's fields (src/cli/evaluation.ts), so one formatter prints both. */
export type LargeEvaluation = Evaluation;

export async function evaluateResults(session: DuckSession): Promise<LargeEvaluation> {
  const t = ResultsTable.NAME;
  const what = 'DuckDB: cannot evaluate the scores against the label column';
  const [counts] = await session.rows(
    `SELECT count(*)::DOUBLE AS rows, sum(truth)::DOUBLE AS anomalies, sum(label)::DOUBLE AS flagged, sum(label * truth)::DOUBLE AS hits FROM ${t}`,
    what,
  );
  const rows = Number(counts?.['rows']);
  const anomalies = Number(counts?.['anomalies']);
  const flagged = Number(counts?.['flagged']);
  const hits = Number(counts?.['hits']);
  const at = fromCounts(hits, flagged - hits, anomalies - hits, rows - flagged - anomalies + hits);
  let rocAuc = Number.NaN;
  let prAuc = Number.NaN;
  if (anomalies > 0 && anomalies < rows) {
    const [curve] = await session.rows(
      `WITH g AS (SELECT score, sum(truth)::DOUBLE AS tp, (count(*) - sum(truth))::DOUBLE AS fp FROM ${t} GROUP BY score),
       c AS (SELECT tp, fp,
               coalesce(sum(tp) OVER (ORDER BY score DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS tp_above,
               sum(tp) OVER (ORDER BY score DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS tp_cum,
               sum(tp + fp) OVER (ORDER BY score DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS all_cum
             FROM g)
       SELECT sum(fp * (2 * tp_above + tp)) AS twice_u, sum(tp * tp_cum / all_cum) AS ap_sum FROM c`,
      what,
    );
    rocAuc = Number(curve?.['twice_u']) / (2 * anomalies * (rows - anomalies));
    prAuc = Number(curve?.['ap_sum']) / anomalies;
  }
  return { rows, anomalies, flagged, rocAuc, prAuc, precision: at.precision, recall: at.recall, f1: at.f1 };
}
