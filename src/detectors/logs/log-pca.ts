/**
 * PCA over event-count vectors — Xu, Huang, Fox, Patterson & Jordan, "Detecting Large-Scale System Problems by Mining
 * Console Logs", SOSP 2009 (the HDFS dataset's paper; loglizer's PCA baseline).
 * Idea: count vectors of normal sessions lie near a low-dimensional subspace; a session far from it is anomalous.
 * The scorer is the project's tabular PCA (src/detectors/tabular/pca.ts) over TF-IDF weighted counts.
 */
import { z } from 'zod';
import { baseOptionsSchema, type DetectorInfo } from '../detector.ts';
import { TabularOnCounts } from './tabular-on-counts.ts';

const schema = baseOptionsSchema.extend({
  weighting: z.enum(['none', 'tfidf']).default('tfidf').describe("Weigh counts by the keys' inverse document frequency (loglizer: tfidf)."),
  components: z.number().int().min(1).optional().describe('Principal components kept; default all.'),
}).strict();

export class LogPCA extends TabularOnCounts<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'log-pca',
    title: 'PCA on log event counts',
    modality: 'logs',
    family: 'linear',
    supervision: ['unsupervised'],
    paper: 'Xu et al., SOSP 2009',
    summary: 'Distance of a session\'s event-count vector from the principal subspace of the training sessions.',
  };

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected innerDetector(): { name: string; options: Record<string, unknown> } {
    return { name: 'pca', options: this.options.components === undefined ? {} : { components: this.options.components } };
  }
}
