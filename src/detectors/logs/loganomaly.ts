/**
 * LogAnomaly-style — Meng, Liu, Zhu et al., "LogAnomaly: Unsupervised Detection of Sequential and Quantitative
 * Anomalies in Unstructured Logs", IJCAI 2019.
 * Idea: predict the next log key from two patterns together — the sequential one (the last h keys, through an LSTM)
 * and the quantitative one (how often each key has occurred in the session so far) — so that a key whose count breaks
 * a relation of normal sessions ("every block opened is closed") is unexpected even where the order looks normal.
 * Differences from the paper: keys are learned embeddings rather than template2vec vectors, and the count vector is
 * the whole session prefix read by a dense layer (logdeep's re-implementation feeds the window's counts to an LSTM).
 */
import { z } from 'zod';
import type { DetectorInfo } from '../detector.ts';
import { NextKeyDetector, nextKeyOptionsSchema } from './next-key-detector.ts';

const schema = nextKeyOptionsSchema.strict();

export class LogAnomaly extends NextKeyDetector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'loganomaly',
    title: 'LogAnomaly (sequential + quantitative)',
    modality: 'logs',
    family: 'sequence model',
    supervision: ['semi-supervised', 'unsupervised'],
    paper: 'Meng et al., IJCAI 2019',
    summary: 'An LSTM over the last h keys and a dense layer over the key counts so far predict the next key; a key outside the top g is an anomaly.',
  };

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected countWidth(): number {
    return this.keyCount;
  }
}
