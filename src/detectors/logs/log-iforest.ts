/**
 * Isolation Forest over event-count vectors — Liu, Ting & Zhou, "Isolation Forest", ICDM 2008, as loglizer applies it
 * to logs. Idea: sessions with rare event counts are isolated by few random splits.
 * The scorer is the project's tabular IForest (src/detectors/tabular/iforest.ts) over raw counts.
 */
import { z } from 'zod';
import { baseOptionsSchema, type DetectorInfo } from '../detector.ts';
import { TabularOnCounts } from './tabular-on-counts.ts';

const schema = baseOptionsSchema.extend({
  weighting: z.enum(['none', 'tfidf']).default('none').describe('Weigh counts by the keys\' inverse document frequency.'),
  trees: z.number().int().min(1).default(100).describe('Number of isolation trees.'),
}).strict();

export class LogIForest extends TabularOnCounts<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'log-iforest',
    title: 'Isolation Forest on log event counts',
    modality: 'logs',
    family: 'ensemble',
    supervision: ['unsupervised'],
    paper: 'Liu et al., ICDM 2008',
    summary: 'Average path length isolating a session\'s event-count vector in random trees.',
  };

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected innerDetector(): { name: string; options: Record<string, unknown> } {
    return { name: 'iforest', options: { trees: this.options.trees } };
  }
}
