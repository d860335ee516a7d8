/**
 * `npm run bench -- <suite> [options]`: runs one benchmark suite. A suite is a module whose `run(args)` prints a table,
 * writes bench/results/<suite>.{json,md} and resolves when done; adding one is one line in `suites`.
 */
import { isDadError } from '../src/core/errors.ts';

type Suite = () => Promise<{ run(args: string[]): Promise<void> }>;

const suites: Record<string, { describe: string; load: Suite }> = {
  tabular: { describe: 'ADBench protocol on ../shared/data/tabular: ROC-AUC / PR-AUC per dataset and detector', load: () => import('./tabular.ts') },
  nab: { describe: 'Numenta Anomaly Benchmark: a streaming detector over the 58 series, official scorer, standard / low-FP / low-FN', load: () => import('./nab.ts') },
  telemetry: { describe: 'NASA SMAP / MSL: per-channel train/test, event-wise P/R/F0.5 (telemanom threshold), point-wise F1, PA%K, VUS, random baseline', load: () => import('./telemetry.ts') },
  perf: { describe: 'engine workloads W1–W5 per backend, one child process each: s/epoch, CPU s, scoring rows/s, GFLOP/s, peak RSS; --torch pairs PyTorch', load: () => import('./perf-suite.ts') },
  mnist: { describe: 'MNIST one-class protocol (Deep SVDD / OC-NN): train on one digit, the other nine are anomalies; ROC-AUC per digit beside the published', load: () => import('./mnist.ts') },
  hdfs: { describe: 'HDFS log sessions: DeepLog protocol (hdfs_deeplog) and labelled LogRobust protocol (hdfs_logdeep); P / R / F1 beside published', load: () => import('./hdfs.ts') },
  fuzz: { describe: 'reader fuzzing (CSV, JSON lines, .npy, Parquet, logs, model files, IDX): --runs inputs per reader, each reader in a child process with a hang watchdog', load: () => import('./fuzz.ts') },
  load: { describe: 'HTTP service under load: autocannon, 64 clients for 30 s on POST /models/{name}/score against dad serve on loopback; zero failed requests, req/s, p50 / p99', load: () => import('./load.ts') },
  large: { describe: 'larger-than-memory: dad detect --engine duckdb on a generated 10M × 20 Parquet (and CSV): rows/s, peak RSS, ROC-AUC', load: () => import('./large.ts') },
  'ae-time': { describe: 'autoencoder with PyOD default settings fitted on the whole shuttle and campaign files: fit / score seconds; --torch pairs PyTorch', load: () => import('./autoencoder-time.ts') },
  stream: { describe: 'stream workers: events/s through `dad worker` with one and two workers on NATS JetStream and Redis Streams (loopback servers)', load: () => import('./stream.ts') },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const suite = name === undefined ? undefined : suites[name];
  if (!suite) {
    const list = Object.entries(suites).map(([n, s]) => `  ${n.padEnd(10)} ${s.describe}`).join('\n');
    process.stderr.write(`${name === undefined ? 'Name a suite' : `Unknown suite '${name}'`}. Usage: npm run bench -- <suite> [options]\n${list}\n`);
    return 2;
  }
  try {
    await (await suite.load()).run(args);
    return 0;
  } catch (error) {
    if (isDadError(error)) {
      process.stderr.write(`bench: error: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
