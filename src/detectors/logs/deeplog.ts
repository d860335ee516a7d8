/**
 * DeepLog — Du, Li, Zheng & Srikumar, "DeepLog: Anomaly Detection and Diagnosis from System Logs through Deep
 * Learning", CCS 2017.
 * Idea: an LSTM learns which log key follows the last h keys in normal sessions; a key outside the g most likely
 * predictions is unexpected, and a session with an unexpected key is anomalous. Paper settings: 2 layers × 64 units,
 * h = 10, g = 9. See next-key-detector.ts for the session framing and the deduplicated training.
 */
import { z } from 'zod';
import type { DetectorInfo } from '../detector.ts';
import { NextKeyDetector, nextKeyOptionsSchema } from './next-key-detector.ts';

const schema = nextKeyOptionsSchema.strict();

export class DeepLog extends NextKeyDetector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'deeplog',
    title: 'DeepLog',
    modality: 'logs',
    family: 'sequence model',
    supervision: ['semi-supervised', 'unsupervised'],
    paper: 'Du et al., CCS 2017',
    summary: 'An LSTM predicts the next log key from the last h; a key outside its top g predictions is an anomaly.',
  };

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected countWidth(): number {
    return 0;
  }
}
