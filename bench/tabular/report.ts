/**
 * The tabular suite's results as data (bench/results/tabular.json) and as a table (tabular.md): per dataset and detector
 * the mean over seeds of ROC-AUC and PR-AUC; per detector the mean, the mean rank, the seconds, and ADBench's published
 * mean for the same method over the same datasets.
 */
import { ADBENCH_DATASET, ADBENCH_METHOD, referenceMean, type ReferenceTable } from './adbench-reference.ts';
import type { FullScaleResult } from './full-scale-child.ts';

export interface RunRecord {
  dataset: string;
  detector: string;
  seed: number;
  rocAuc: number | null;
  prAuc: number | null;
  fitSeconds: number | null;
  scoreSeconds: number | null;
  error?: string;
}

export interface DatasetRecord {
  name: string;
  rows: number;
  features: number;
  anomalies: number;
  /** rows after the 10,000-row subsample */
  usedRows: number;
}

export type FullScaleRecord = { dataset: string; detector: string } & ({ ok: true; result: FullScaleResult } | { ok: false; error: string });

export interface TabularResults {
  suite: 'tabular';
  protocol: string;
  /** the commands that produced the rows, oldest first */
  commands: string[];
  createdAt: string;
  machine: string;
  seeds: number;
  datasets: DatasetRecord[];
  runs: RunRecord[];
  fullScale: FullScaleRecord[];
  summary: SummaryRow[];
}

export interface Cell {
  rocAuc: number;
  prAuc: number;
  fitSeconds: number;
  scoreSeconds: number;
}

export interface SummaryRow {
  detector: string;
  /** datasets with a result */
  datasets: number;
  meanRocAuc: number | null;
  meanPrAuc: number | null;
  /** over the datasets every listed detector has a result on; 1 = best */
  meanRank: number | null;
  /** our mean and ADBench's over the shared datasets we have results on */
  sharedDatasets: number;
  sharedMeanRocAuc: number | null;
  adbenchMeanRocAuc: number | null;
  sharedMeanPrAuc: number | null;
  adbenchMeanPrAuc: number | null;
  meanFitSeconds: number | null;
  meanScoreSeconds: number | null;
}

/** Mean over seeds per (dataset, detector); a pair with any failed seed has no cell (its error is listed instead). */
export function cells(runs: readonly RunRecord[]): Map<string, Map<string, Cell>> {
  const groups = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const key = `${r.dataset}\u0000${r.detector}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  const out = new Map<string, Map<string, Cell>>();
  for (const list of groups.values()) {
    if (list.some((r) => r.rocAuc === null || r.prAuc === null)) continue;
    const mean = (f: (r: RunRecord) => number): number => list.reduce((s, r) => s + f(r), 0) / list.length;
    const { dataset, detector } = list[0]!;
    const row = out.get(dataset) ?? new Map<string, Cell>();
    row.set(detector, { rocAuc: mean((r) => r.rocAuc!), prAuc: mean((r) => r.prAuc!), fitSeconds: mean((r) => r.fitSeconds!), scoreSeconds: mean((r) => r.scoreSeconds!) });
    out.set(dataset, row);
  }
  return out;
}

export function summarize(
  runs: readonly RunRecord[],
  detectors: readonly string[],
  datasets: readonly string[],
  rocReference: ReferenceTable | undefined,
  prReference: ReferenceTable | undefined,
): SummaryRow[] {
  const table = cells(runs);
  const ranks = meanRanks(table, detectors, datasets);
  return detectors.map((detector) => {
    const covered = datasets.filter((d) => table.get(d)?.has(detector));
    const get = (d: string): Cell => table.get(d)!.get(detector)!;
    const mean = (names: readonly string[], f: (c: Cell) => number): number | null =>
      names.length === 0 ? null : names.reduce((s, d) => s + f(get(d)), 0) / names.length;
    const shared = covered.filter((d) => ADBENCH_DATASET[d] !== undefined);
    const rocRef = referenceMean(rocReference, detector, shared);
    const prRef = referenceMean(prReference, detector, shared);
    return {
      detector,
      datasets: covered.length,
      meanRocAuc: mean(covered, (c) => c.rocAuc),
      meanPrAuc: mean(covered, (c) => c.prAuc),
      meanRank: ranks.get(detector) ?? null,
      sharedDatasets: shared.length,
      sharedMeanRocAuc: mean(shared, (c) => c.rocAuc),
      adbenchMeanRocAuc: rocRef?.mean ?? null,
      sharedMeanPrAuc: mean(shared, (c) => c.prAuc),
      adbenchMeanPrAuc: prRef?.mean ?? null,
      meanFitSeconds: mean(covered, (c) => c.fitSeconds),
      meanScoreSeconds: mean(covered, (c) => c.scoreSeconds),
    };
  });
}

/** Mean rank by ROC-AUC (1 = best, ties share the average rank) over the datasets every detector has a result on. */
function meanRanks(table: Map<string, Map<string, Cell>>, detectors: readonly string[], datasets: readonly string[]): Map<string, number> {
  const complete = datasets.filter((d) => detectors.every((m) => table.get(d)?.has(m)));
  const sums = new Map<string, number>();
  if (complete.length === 0 || detectors.length < 2) return sums;
  for (const d of complete) {
    const values = detectors.map((m) => table.get(d)!.get(m)!.rocAuc);
    detectors.forEach((m, k) => {
      const better = values.filter((v) => v > values[k]!).length;
      const tied = values.filter((v) => v === values[k]!).length;
      sums.set(m, (sums.get(m) ?? 0) + better + (tied + 1) / 2);
    });
  }
  for (const [m, s] of sums) sums.set(m, s / complete.length);
  return sums;
}

export function markdown(results: TabularResults, detectors: readonly string[]): string {
  const table = cells(results.runs);
  const datasets = results.datasets.map((d) => d.name);
  const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : (100 * x).toFixed(1));
  const secs = (x: number | null): string => (x === null ? '—' : x < 10 ? x.toFixed(2) : x.toFixed(0));
  const complete = datasets.filter((d) => detectors.every((m) => table.get(d)?.has(m)));
  const shared = datasets.filter((d) => ADBENCH_DATASET[d] !== undefined);
  const lines: string[] = [
    '# Tabular benchmark (ADBench protocol)',
    '',
    `Made by ${results.commands.map((c) => `\`${c}\``).join(', then ')} — last run ${results.createdAt}, ${results.machine}.`,
    '',
    results.protocol,
    '',
    '## Summary',
    '',
    `Means over seeds, then over datasets (ROC-AUC and PR-AUC in %). Mean rank by ROC-AUC over the ${complete.length} datasets every detector below has a result on (1 = best).`,
    '"ADBench" is the published mean (D4 / D5 tables) of the same method over the same shared datasets as the column beside it.',
    '',
    '| detector | datasets | mean ROC-AUC | mean PR-AUC | mean rank | shared datasets | ROC-AUC, shared | ADBench ROC-AUC | PR-AUC, shared | ADBench PR-AUC | fit s (mean) | score s (mean) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of results.summary) {
    lines.push(`| ${s.detector} | ${s.datasets} | ${pct(s.meanRocAuc)} | ${pct(s.meanPrAuc)} | ${s.meanRank === null ? '—' : s.meanRank.toFixed(2)} | ${s.sharedDatasets} | ` +
      `${pct(s.sharedMeanRocAuc)} | ${pct(s.adbenchMeanRocAuc)} | ${pct(s.sharedMeanPrAuc)} | ${pct(s.adbenchMeanPrAuc)} | ${secs(s.meanFitSeconds)} | ${secs(s.meanScoreSeconds)} |`);
  }
  for (const [title, pick] of [['ROC-AUC', (c: Cell) => c.rocAuc], ['PR-AUC', (c: Cell) => c.prAuc]] as const) {
    lines.push('', `## ${title} per dataset (%)`, '', `| dataset | n | d | anomalies % | ${detectors.join(' | ')} |`, `|---|---:|---:|---:|${detectors.map(() => '---:|').join('')}`);
    for (const d of results.datasets) {
      const row = table.get(d.name);
      lines.push(`| ${d.name} | ${d.rows} | ${d.features} | ${(100 * d.anomalies / d.rows).toFixed(2)} | ${detectors.map((m) => pct(row?.get(m) ? pick(row.get(m)!) : null)).join(' | ')} |`);
    }
  }
  lines.push('', '## Fit + score seconds per dataset (mean over seeds)', '', `| dataset | ${detectors.join(' | ')} |`, `|---|${detectors.map(() => '---:|').join('')}`);
  for (const d of datasets) {
    const row = table.get(d);
    lines.push(`| ${d} | ${detectors.map((m) => (row?.get(m) ? secs(row.get(m)!.fitSeconds + row.get(m)!.scoreSeconds) : '—')).join(' | ')} |`);
  }
  const all = Object.keys(ADBENCH_DATASET);
  lines.push('', `## The ${all.length} datasets ADBench also reports`, '',
    `${all.map((d) => (ADBENCH_DATASET[d] === d ? d : `${d} (ADBench: ${ADBENCH_DATASET[d]})`)).join(', ')}. ` +
    `Run here: ${shared.length} of them${shared.length < all.length ? ` (missing: ${all.filter((d) => !shared.includes(d)).join(', ')})` : ''}. ` +
    'Not in ADBench: arrhythmia; 20news_3_bert (ADBench\'s 20news row averages several classes).',
    '', `Methods compared with ADBench: ${detectors.filter((m) => ADBENCH_METHOD[m]).map((m) => `${m} = ${ADBENCH_METHOD[m]}`).join(', ') || 'none'}.`);
  if (results.fullScale.length > 0) {
    lines.push('', '## Full-size runs', '', 'The whole file: min-max and the detector fitted on every row, every row scored; each run in its own process (peak RSS is that process\'s).', '',
      '| dataset | detector | rows | read s | fit s | score s | peak RSS MiB | ROC-AUC of the training scores |', '|---|---|---:|---:|---:|---:|---:|---:|');
    for (const f of results.fullScale) {
      if (f.ok) {
        const r = f.result;
        lines.push(`| ${f.dataset} | ${f.detector} | ${r.rows} | ${secs(r.readSeconds)} | ${secs(r.fitSeconds)} | ${secs(r.scoreSeconds)} | ${r.peakRssMiB.toFixed(0)} | ${pct(r.rocAuc)} |`);
      } else lines.push(`| ${f.dataset} | ${f.detector} | — | — | — | — | — | ${f.error} |`);
    }
  }
  const failures = results.runs.filter((r) => r.error !== undefined);
  if (failures.length > 0) {
    lines.push('', '## Failures', '');
    const seen = new Set<string>();
    for (const f of failures) {
      const key = `${f.dataset} ${f.detector}`;
      if (seen.has(key)) continue;
      seen.add(key);
      lines.push(`- ${f.dataset} / ${f.detector} (seed ${f.seed}): ${f.error}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
