import cliProgress from 'cli-progress';

/**
 * The progress bar of a command: stages (read, fit, score, write) on stderr, so stdout carries results only.
 * Drawn only when stderr is a terminal (cli-progress prints nothing to a pipe or file), and never with --quiet.
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
  return {
    stage(name) {
      if (!started) {
        bar.start(stages, 0, { stage: name });
        started = true;
      } else {
        value += 1;
        bar.update(value, { stage: name });
      }
    },
    done() {
      if (!started) return;
      bar.update(stages, { stage: 'done' });
      bar.stop();
    },
  };
}
