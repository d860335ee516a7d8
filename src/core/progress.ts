/**
 * Progress of long computations (the epochs of a deep detector's training), reported to whoever listens: the CLI's
 * bar, a notebook, a log. A listener is a function, so it is never part of a detector's options (which are data:
 * validated, saved in model files, shown as CLI flags). A detector reports to its own `onProgress` when one is set,
 * else to the process-wide listener that `setProgressListener` installs (what the CLI does around a fit).
 */

export interface TrainingProgress {
  /** registry name of the detector that is training */
  detector: string;
  /** what is being trained, when a detector has stages ('autoencoder pretraining', 'one-class head'); else absent */
  stage?: string;
  /** epochs done so far (1 after the first) */
  epoch: number;
  /** epochs planned (training may stop earlier on the validation split) */
  epochs: number;
  /** mean training loss of the epoch just finished */
  loss: number;
  /** loss on the validation split of the training rows, when one is held out */
  validationLoss?: number;
}

export type ProgressListener = (event: TrainingProgress) => void;

let listener: ProgressListener | undefined;

/** Installs the process-wide listener (undefined removes it); returns the one it replaces, to put back afterwards. */
export function setProgressListener(next: ProgressListener | undefined): ProgressListener | undefined {
  const previous = listener;
  listener = next;
  return previous;
}

/** Sends an event to `own` when given, else to the process-wide listener. A listener that throws stops the training. */
export function reportProgress(event: TrainingProgress, own?: ProgressListener): void {
  (own ?? listener)?.(event);
}
