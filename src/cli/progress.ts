import cliProgress from 'cli-progress';
import { setProgressListener, type ProgressListener } from '../core/progress.ts';

/**
 * The progress bar of a command: stages (read, fit, score, write) on stderr, so stdout carries results only.
 * Drawn only when stderr is a terminal (cli-progress prints nothing to a pipe or file), and never with --quiet.
 * While the bar is up, a deep detector's training shows its epoch and loss beside the stage.
 */
export interface Progress {
  /** starts the named stage, finishing the one before */
  stage(name: string): void;
  /** finishes the last stage and clears the bar */
  done(): void;
}

export function createProgress(stages: number, enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return { stage() {}, done() {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'dad [{bar}] {value}/{total} {stage}', clearOnComplete: true, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let value = 0;
  let current = '';
  let previousListener: ProgressListener | undefined;
  const training: ProgressListener = (e) => {
    const loss = `loss ${e.loss.toPrecision(4)}${e.validationLoss !== undefined ? `, validation ${e.validationLoss.toPrecision(4)}` : ''}`;
    bar.update(value, { stage: `${current}: ${e.stage !== undefined ? `${e.stage}, ` : ''}epoch ${e.epoch}/${e.epochs}, ${loss}` });
  };
  return {
    stage(name) {
      current = name;
      if (!started) {
        bar.start(stages, 0, { stage: name });
        started = true;
        previousListener = setProgressListener(training);
      } else {
        value += 1;
        bar.update(value, { stage: name });
      }
    },
    done() {
      if (!started) return;
      setProgressListener(previousListener);
      bar.update(stages, { stage: 'done' });
      bar.stop();
    },
  };
}
