/**
 * The child process that runs benchmark tasks: one detector, fitted through the pipeline (min-max fitted on the train
 * part) and scored on the test part. A separate process so that a task over its time limit can be killed, and so
 * that one detector's memory does not distort the next one's.
 */
import type { Matrix } from '../../src/core/matrix.ts';
import '../../src/detectors/index.ts';
import { Pipeline } from '../../src/pipeline/pipeline.ts';
import { loadPlugins } from '../../src/cli/plugins.ts';

export interface Task {
  detector: string;
  seed: number;
  train: Matrix;
  test: Matrix;
  plugins: string[];
  /** labels for detectors that learn from them (the --labelled protocol); absent: unsupervised */
  trainLabels?: Uint8Array;
}

export type TaskResult =
  | { ok: true; scores: Float64Array; fitSeconds: number; scoreSeconds: number }
  | { ok: false; error: string };

export function runTask(task: Task): TaskResult {
  try {
    const pipeline = new Pipeline({ detector: task.detector, options: { seed: task.seed }, scale: 'minmax' });
    const started = performance.now();
    pipeline.fit(task.trainLabels === undefined ? task.train : { X: task.train, y: task.trainLabels, features: Array.from({ length: task.train.cols }, (_, j) => `f${j}`) });
    const fitted = performance.now();
    const scores = pipeline.score(task.test);
    const done = performance.now();
    return { ok: true, scores, fitSeconds: (fitted - started) / 1000, scoreSeconds: (done - fitted) / 1000 };
  } catch (error) {
    return { ok: false, error: (error as Error)?.message ?? String(error) };
  }
}

if (process.send !== undefined) {
  let pluginsLoaded = false;
  process.on('message', async (task: Task) => {
    if (!pluginsLoaded) {
      await loadPlugins(task.plugins);
      pluginsLoaded = true;
    }
    process.send!(runTask(task));
  });
}
