/**
 * Errors a user can act on. Each has a stable `name` and an exit code for the CLI: 2 for bad usage or bad input
 * (the user can fix it), 1 for anything else (our bug). Messages name the file, line, column, option, or shapes involved.
 */
export class DadError extends Error {
  /** exit code the CLI uses for this error */
  readonly exitCode: number = 2;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DadError';
  }
}

/** Input data is unusable: empty, ragged, non-numeric, NaN, wrong number of features. */
export class InputError extends DadError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InputError';
  }
}

/** An option (of a detector, a reader, a command) is missing, of the wrong type or out of range. */
export class OptionError extends DadError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OptionError';
  }
}

/** Shapes of arrays do not fit together; the message names both. */
export class ShapeError extends DadError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ShapeError';
  }
}

/** A model file is missing, damaged, tampered with, truncated or of a newer format. */
export class ModelFileError extends DadError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelFileError';
  }
}

/** A detector was asked to score before it was fitted. */
export class NotFittedError extends DadError {
  constructor(detector: string) {
    super(`Detector '${detector}' is not fitted yet: call fit(X) before score / predict.`);
    this.name = 'NotFittedError';
  }
}

/** An unknown name (detector, threshold method, backend); the message lists the known ones. */
export class UnknownNameError extends DadError {
  constructor(kind: string, received: string, known: readonly string[]) {
    super(`Unknown ${kind} '${received}'. Known ${kind}s: ${known.join(', ')}.`);
    this.name = 'UnknownNameError';
  }
}

export function isDadError(error: unknown): error is DadError {
  return error instanceof DadError;
}
