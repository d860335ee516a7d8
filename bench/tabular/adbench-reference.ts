/**
 * ADBench's published unsupervised results (/work/shared/reference/adbench: D4 = ROC-AUC, D5 = PR-AUC, in %, mean of
 * 3 seeds, same protocol as ours), and the names that map its datasets and methods onto ours.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Our file name → ADBench's dataset name, for the 23 datasets both have. Not mapped: arrhythmia (not in ADBench) and
 * 20news_3_bert (ADBench's '20news' row averages several 20news classes, so it is not the same data).
 */
export const ADBENCH_DATASET: Readonly<Record<string, string>> = {
  annthyroid: 'annthyroid', breastw: 'breastw', campaign: 'campaign', cardio: 'cardio', cover: 'cover', donors: 'donors',
  glass: 'glass', http: 'http', internetads: 'InternetAds', ionosphere: 'Ionosphere', letter: 'letter',
  mammography: 'mammography', mnist: 'mnist', musk: 'musk', optdigits: 'optdigits', pendigits: 'pendigits',
  satellite: 'satellite', 'satimage-2': 'satimage-2', shuttle: 'shuttle', smtp: 'smtp', thyroid: 'thyroid',
  vowels: 'vowels', wbc: 'WBC',
};

/** Our detector name → ADBench's column. */
export const ADBENCH_METHOD: Readonly<Record<string, string>> = {
  pca: 'PCA', ocsvm: 'OCSVM', lof: 'LOF', cblof: 'CBLOF', cof: 'COF', hbos: 'HBOS', knn: 'KNN', sod: 'SOD',
  copod: 'COPOD', ecod: 'ECOD', deepsvdd: 'DeepSVDD', dagmm: 'DAGMM', loda: 'LODA', iforest: 'IForest',
};

/** Our label-informed detector → ADBench's column in the D6…D18 tables (labelled-anomaly ratios 1 %…100 %). */
export const ADBENCH_LABELLED_METHOD: Readonly<Record<string, string>> = { devnet: 'DevNet', deepsad: 'DeepSAD', mlp: 'MLP' };

/** dataset (ADBench name) → method (ADBench column) → value as a share in [0, 1]; empty cells are absent. */
export type ReferenceTable = Map<string, Map<string, number>>;

export function loadReference(dir: string, file: 'D4_unsup_AUCROC.csv' | 'D5_unsup_AUCPR.csv' | `D${number}_g${number}.csv`): ReferenceTable | undefined {
  const path = join(dir, file);
  if (!existsSync(path)) return undefined;
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const methods = header!.split(',').slice(1);
  const table: ReferenceTable = new Map();
  for (const line of lines) {
    const [dataset, ...cells] = line.split(',');
    const row = new Map<string, number>();
    cells.forEach((cell, k) => {
      if (cell.trim() !== '') row.set(methods[k]!.trim(), Number(cell) / 100);
    });
    table.set(dataset!.trim(), row);
  }
  return table;
}

/** The reference mean of our detector over our datasets that ADBench also reports, with how many cells it averages. */
export function referenceMean(table: ReferenceTable | undefined, detector: string, datasets: readonly string[]): { mean: number; count: number } | undefined {
  const method = ADBENCH_METHOD[detector] ?? ADBENCH_LABELLED_METHOD[detector];
  if (!table || !method) return undefined;
  let sum = 0;
  let count = 0;
  for (const d of datasets) {
    const name = ADBENCH_DATASET[d];
    const v = name === undefined ? undefined : table.get(name)?.get(method);
    if (v !== undefined) {
      sum += v;
      count += 1;
    }
  }
  return count === 0 ? undefined : { mean: sum / count, count };
}
