/**
 * `npm run bench -- tabular [--datasets a,b] [--detectors x,y] [--seeds 3] [--time-limit 600] [--full] [--fresh] [--labelled 0.01|0.1]`
 *
 * ADBench's protocol on ../shared/data/tabular (see tabular/protocol.ts): per dataset and seed, a 10,000-row subsample
 * and a stratified 70/30 split; every unsupervised tabular detector fitted (through the pipeline, min-max scaling
 * fitted on the train part) on the contaminated train part and scored on the test part; ROC-AUC and PR-AUC.
 * Results merge into bench/results/tabular.{json,md} (a run of some detectors replaces only their rows), so detectors
 * can be benchmarked as they land; --fresh starts the files over.
 * --full also times fit + score of iforest, ecod and knn on the whole donors and http files, one process per run
 * (`--full --datasets ''` runs only that part).
 * --merge a.json,b.json runs nothing: it merges the rows of runs made elsewhere (shards of the benchmark run with --fresh
 * on other machines or in parallel processes, each writing its own results file) into bench/results, as a run here would.
 * --labelled r runs ADBench's protocol for detectors that learn from labels instead (see keepLabelledShare in
 * tabular/protocol.ts): a share r of the training anomalies keep their label, every other training row is unlabelled (0);
 * results go to bench/results/tabular-labelled-<r>.{json,md}, beside ADBench's published means at that ratio (D6: 1 %, D10: 10 %).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchmarkDataDir } from '../src/cli/data-dir.ts';
import { InputError, OptionError } from '../src/core/errors.ts';
import { readTable } from '../src/data/index.ts';
import '../src/detectors/index.ts';
import { listDetectors } from '../src/detectors/registry.ts';
import { averagePrecision, rocAuc } from '../src/metrics/index.ts';
import { writeFileAtomic } from '../src/model-io/index.ts';
import { loadPlugins } from '../src/cli/plugins.ts';
import { loadReference } from './tabular/adbench-reference.ts';
import type { FullScaleResult } from './tabular/full-scale-child.ts';
import { adbenchSplit, keepLabelledShare, MAX_ROWS } from './tabular/protocol.ts';
import { markdown, summarize, type DatasetRecord, type FullScaleRecord, type RunRecord, type TabularResults } from './tabular/report.ts';
import type { TaskResult } from './tabular/task-child.ts';
import { TaskRunner } from './tabular/task-runner.ts';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const FULL_SCALE_DATASETS = ['donors', 'http'];
const FULL_SCALE_DETECTORS = ['iforest', 'ecod', 'knn'];

const protocol = (seeds: number): string => `Protocol (ADBench, Han et al. NeurIPS 2022): datasets above ${MAX_ROWS.toLocaleString('en')} rows subsampled to ${MAX_ROWS.toLocaleString('en')} (seeded; stratified, where ADBench draws uniformly: see bench/tabular/protocol.ts); ` +
  'stratified 70/30 train/test split; min-max scaling fitted on the train part; default options; unsupervised detectors fitted on the ' +
  `contaminated train part; ROC-AUC and PR-AUC (average precision) on the test part; mean over seeds 0…${seeds - 1} (our seeded ` +
  'generator: the same protocol as ADBench, not the same random draws). ADBench reference: /work/shared/reference/adbench D4 (ROC-AUC) and D5 (PR-AUC).';

interface Manifest {
  datasets: { name: string; file: string; n: number; d: number; n_outliers: number }[];
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      datasets: { type: 'string' },
      detectors: { type: 'string' },
      seeds: { type: 'string', default: '3' },
      'time-limit': { type: 'string', default: '600' },
      'full-time-limit': { type: 'string', default: '1800' },
      full: { type: 'boolean', default: false },
      fresh: { type: 'boolean', default: false },
      plugin: { type: 'string', multiple: true, default: [] },
      labelled: { type: 'string' },
      merge: { type: 'string' },
    },
    strict: true,
  });
  const plugins = values.plugin;
  await loadPlugins(plugins);
  const seeds = positiveInteger(values.seeds, '--seeds');
  const timeLimit = positiveInteger(values['time-limit'], '--time-limit');
  const dataDir = join(benchmarkDataDir(), 'tabular');
  const manifestPath = join(dataDir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new InputError(`No benchmark data at ${dataDir} (set DAD_DATA_DIR, or place the shared data beside the repository).`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const all = [...manifest.datasets].sort((a, b) => a.n * a.d - b.n * b.d);
  const datasets = pick(all.map((d) => d.name), values.datasets, 'dataset').map((name) => all.find((d) => d.name === name)!);
  const labelled = values.labelled === undefined ? undefined : labelledShare(values.labelled);
  const stem = labelled === undefined ? 'tabular' : `tabular-labelled-${labelled}`;
  if (!values.fresh) {
    // a run over another number of seeds would start the results file over (cells are not comparable): refuse
    // before running rather than drop every earlier detector's rows at the end
    const earlier = loadPrevious(undefined, stem);
    if (earlier !== undefined && earlier.seeds !== seeds) {
      throw new InputError(`bench/results/${stem}.json holds runs over ${earlier.seeds} seeds; a run over ${seeds} would start it over and drop them. Pass --seeds ${earlier.seeds} to add to it, or --fresh to start over.`);
    }
  }
  const available = listDetectors({ modality: 'tabular' }).filter((i) => (i.supervision[0] === 'unsupervised') === (labelled === undefined)).map((i) => i.name);
  const detectors = pick(available, values.detectors, 'detector');

  const runs: RunRecord[] = [];
  const datasetRecords: DatasetRecord[] = [];
  const commands: string[] = [];
  let machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.versions.node}`;
  if (values.merge !== undefined) {
    const shards = readShards(values.merge, seeds, stem);
    machine = [...new Set(shards.map((s) => s.machine))].join('; ');
    for (const shard of shards) {
      runs.push(...shard.runs);
      datasetRecords.push(...shard.datasets);
      commands.push(...shard.commands);
    }
    datasets.length = 0; // nothing to run here
  } else commands.push(`npm run bench -- ${process.argv.slice(2).map((a) => (a === '' ? "''" : a)).join(' ')}`);
  const runner = new TaskRunner(timeLimit);
  const total = datasets.length * seeds * detectors.length;
  let done = 0;
  try {
    for (const entry of datasets) {
      const table = await readTable(join(dataDir, entry.file), { label: 'label' });
      if (table.y === undefined) throw new InputError(`${entry.file} has no label column.`);
      datasetRecords.push({ name: entry.name, rows: table.X.rows, features: table.X.cols, anomalies: entry.n_outliers, usedRows: Math.min(table.X.rows, MAX_ROWS) });
      for (let seed = 0; seed < seeds; seed++) {
        const split = adbenchSplit(table.X, table.y, seed);
        for (const detector of detectors) {
          const trainLabels = labelled === undefined ? undefined : keepLabelledShare(split.trainLabels, labelled, seed);
          const result = await runner.run({ detector, seed, train: split.train, test: split.test, plugins, ...(trainLabels !== undefined ? { trainLabels } : {}) });
          done += 1;
          const record = runRecord(entry.name, detector, seed, split.testLabels, result);
          runs.push(record);
          progressLine(done, total, record);
        }
      }
    }
  } finally {
    runner.close();
  }
  const fullScale = values.full ? runFullScale(dataDir, all, positiveInteger(values['full-time-limit'], '--full-time-limit')) : [];
  // Read the earlier results only now, under a lock, so that two runs of different detectors at the same time both
  // keep their rows (each would otherwise overwrite the other's with what it read at its start).
  const md = await withLock(join(RESULTS_DIR, `.${stem}.lock`), async () => {
    const results = merge(values.fresh ? undefined : loadPrevious(seeds, stem), runs, datasetRecords, fullScale, seeds, commands, machine);
    if (labelled !== undefined) results.protocol += labelledProtocol(labelled);
    const order = [...new Set(results.runs.map((r) => r.detector))].sort();
    const referenceDir = join(benchmarkDataDir(), '..', 'reference', 'adbench');
    const [rocTable, prTable] = labelled === undefined ? ['D4_unsup_AUCROC.csv', 'D5_unsup_AUCPR.csv'] as const : [labelledReferenceTable(labelled), undefined];
    results.summary = summarize(results.runs, order, results.datasets.map((d) => d.name), rocTable && loadReference(referenceDir, rocTable), prTable && loadReference(referenceDir, prTable));
    await writeFileAtomic(join(RESULTS_DIR, `${stem}.json`), `${JSON.stringify(results, null, 1)}\n`);
    const text = markdown(results, order);
    await writeFileAtomic(join(RESULTS_DIR, `${stem}.md`), text);
    return text;
  });
  process.stdout.write(md);
}

function runRecord(dataset: string, detector: string, seed: number, labels: Uint8Array, result: TaskResult): RunRecord {
  const failed = (error: string): RunRecord => ({ dataset, detector, seed, rocAuc: null, prAuc: null, fitSeconds: null, scoreSeconds: null, error });
  if (!result.ok) return failed(result.error);
  try {
    return { dataset, detector, seed, rocAuc: rocAuc(labels, result.scores), prAuc: averagePrecision(labels, result.scores), fitSeconds: result.fitSeconds, scoreSeconds: result.scoreSeconds };
  } catch (error) {
    return failed((error as Error).message);
  }
}

function progressLine(done: number, total: number, r: RunRecord): void {
  const what = r.error !== undefined ? `failed: ${r.error}` : `ROC-AUC ${(100 * r.rocAuc!).toFixed(1)}  PR-AUC ${(100 * r.prAuc!).toFixed(1)}  fit ${r.fitSeconds!.toFixed(2)} s  score ${r.scoreSeconds!.toFixed(2)} s`;
  process.stderr.write(`[${done}/${total}] ${r.dataset} seed ${r.seed} ${r.detector}: ${what}\n`);
}

/** The whole donors and http files, iforest / ecod / knn, each in its own process (for its own peak RSS). */
function runFullScale(dataDir: string, manifest: Manifest['datasets'], timeLimit: number): FullScaleRecord[] {
  const child = fileURLToPath(new URL('./tabular/full-scale-child.ts', import.meta.url));
  const registered = new Set(listDetectors().map((d) => d.name));
  const out: FullScaleRecord[] = [];
  for (const dataset of FULL_SCALE_DATASETS) {
    const entry = manifest.find((d) => d.name === dataset);
    if (!entry) continue;
    for (const detector of FULL_SCALE_DETECTORS) {
      if (!registered.has(detector)) {
        out.push({ dataset, detector, ok: false, error: 'not registered in this version' });
        continue;
      }
      process.stderr.write(`[full] ${dataset} ${detector}: running (limit ${timeLimit} s)…\n`);
      const result = spawnSync(process.execPath, ['--import', 'tsx', child, join(dataDir, entry.file), detector], { encoding: 'utf8', timeout: timeLimit * 1000, maxBuffer: 1 << 20 });
      let record: FullScaleRecord;
      if (result.error !== undefined || result.status !== 0) {
        const why = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT' ? `did not finish within ${timeLimit} s` : `failed: ${(result.stderr || String(result.error)).trim().split('\n').slice(-1)[0]}`;
        record = { dataset, detector, ok: false, error: why };
      } else {
        record = { dataset, detector, ok: true, result: JSON.parse(result.stdout.trim().split('\n').pop()!) as FullScaleResult };
      }
      process.stderr.write(`[full] ${dataset} ${detector}: ${record.ok ? `fit ${record.result.fitSeconds.toFixed(1)} s, score ${record.result.scoreSeconds.toFixed(1)} s, peak RSS ${record.result.peakRssMiB.toFixed(0)} MiB` : record.error}\n`);
      out.push(record);
    }
  }
  return out;
}

/** Runs `work` holding an exclusive lock file; a lock older than a minute is a crashed run's and is taken over. */
async function withLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      closeSync(openSync(path, 'wx'));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const since = statSync(path, { throwIfNoEntry: false })?.mtimeMs;
      if (since === undefined) continue; // released meanwhile
      if (attempt >= 600 || Date.now() - since > 60_000) {
        rmSync(path, { force: true });
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(path, { force: true });
  }
}

/** The results file's runs (over `seeds` seeds, when given: results over another number are not comparable cell by cell). */
function loadPrevious(seeds: number | undefined, stem = 'tabular'): TabularResults | undefined {
  const path = join(RESULTS_DIR, `${stem}.json`);
  if (!existsSync(path)) return undefined;
  const previous = JSON.parse(readFileSync(path, 'utf8')) as TabularResults;
  return previous.suite === 'tabular' && (seeds === undefined || previous.seeds === seeds) ? previous : undefined;
}

/** The results files of shards to merge (--merge): same suite, same number of seeds, else a clear error. */
export function readShards(list: string, seeds: number, stem: string): TabularResults[] {
  const paths = list.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (paths.length === 0) throw new InputError('--merge needs a comma-separated list of results files (bench/results/tabular.json of each shard).');
  return paths.map((path) => {
    let shard: TabularResults;
    try {
      shard = JSON.parse(readFileSync(path, 'utf8')) as TabularResults;
    } catch (cause) {
      throw new InputError(`--merge: cannot read ${path} as a results file: ${(cause as Error).message}`, { cause });
    }
    if (shard.suite !== 'tabular' || !Array.isArray(shard.runs)) throw new InputError(`--merge: ${path} is not a tabular results file (expected suite 'tabular' with runs).`);
    if (shard.seeds !== seeds) throw new InputError(`--merge: ${path} holds runs over ${shard.seeds} seeds; expected ${seeds} (pass --seeds ${shard.seeds}).`);
    const labelledShard = shard.protocol.includes(' Labelled anomalies (');
    if (labelledShard !== (stem !== 'tabular')) throw new InputError(`--merge: ${path} is ${labelledShard ? 'a labelled' : 'an unsupervised'} run; this merge writes ${stem}.`);
    return shard;
  });
}

export function merge(previous: TabularResults | undefined, runs: RunRecord[], datasets: DatasetRecord[], fullScale: FullScaleRecord[], seeds: number, commands: string[], machine: string): TabularResults {
  const ran = new Set(runs.map((r) => `${r.dataset}\u0000${r.detector}`));
  const keptRuns = (previous?.runs ?? []).filter((r) => !ran.has(`${r.dataset}\u0000${r.detector}`));
  const byName = new Map((previous?.datasets ?? []).map((d) => [d.name, d]));
  for (const d of datasets) byName.set(d.name, d);
  const fullRan = new Set(fullScale.map((f) => `${f.dataset}\u0000${f.detector}`));
  return {
    suite: 'tabular',
    protocol: protocol(seeds),
    // Every command whose rows are still in the file, oldest first: the table is reproduced by running them in turn.
    commands: [...(previous?.commands ?? []), ...commands],
    createdAt: new Date().toISOString(),
    machine,
    seeds,
    datasets: [...byName.values()].sort((a, b) => a.rows * a.features - b.rows * b.features),
    runs: [...keptRuns, ...runs],
    fullScale: [...(previous?.fullScale ?? []).filter((f) => !fullRan.has(`${f.dataset}\u0000${f.detector}`)), ...fullScale],
    summary: [],
  };
}

function pick(available: readonly string[], requested: string | undefined, kind: string): string[] {
  if (requested === undefined) return [...available];
  const names = requested.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const n of names) {
    if (!available.includes(n)) throw new OptionError(`Unknown ${kind} '${n}'. Known ${kind}s: ${available.join(', ')}.`);
  }
  return names;
}

function positiveInteger(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new OptionError(`${flag} must be a positive integer. Got '${text}' instead.`);
  return n;
}

/** --labelled: the share of training anomalies that keep their label, in (0, 1]. */
function labelledShare(text: string): number {
  const r = Number(text);
  if (!(r > 0 && r <= 1)) throw new OptionError(`--labelled must be a share of the training anomalies in (0, 1], e.g. 0.01 or 0.1. Got '${text}' instead.`);
  return r;
}

/** ADBench's published ROC-AUC table at this labelled ratio (D6 = 1 %, D10 = 10 %; D8, D12… the others). */
function labelledReferenceTable(r: number): 'D6_g1.csv' | 'D8_g5.csv' | 'D10_g10.csv' | 'D12_g25.csv' | 'D14_g50.csv' | 'D16_g75.csv' | 'D18_g100.csv' | undefined {
  const tables = { 0.01: 'D6_g1.csv', 0.05: 'D8_g5.csv', 0.1: 'D10_g10.csv', 0.25: 'D12_g25.csv', 0.5: 'D14_g50.csv', 0.75: 'D16_g75.csv', 1: 'D18_g100.csv' } as const;
  return tables[r as keyof typeof tables];
}

function labelledProtocol(r: number): string {
  const table = labelledReferenceTable(r);
  return ` Labelled anomalies (ADBench's semi-supervised setting, at_least_one_labeled): ${+(100 * r).toFixed(2)} % of the training anomalies, rounded up, ` +
    'chosen at random per seed, keep label 1; every other training row, the other anomalies included, is unlabelled (0); ' +
    `detectors that learn from labels fitted on the train part with those labels. ADBench reference: ${table === undefined ? 'none at this ratio' : `${table} (ROC-AUC only)`}.`;
}
