/**
 * The service's request and response shapes: one zod definition each, used both to validate requests and to generate
 * `/openapi.json` (through @hono/zod-openapi's registry), so the description cannot drift from what is enforced.
 */
import { z } from '@hono/zod-openapi';
import { EXPLAIN_METHODS } from '../explain/index.ts';

export const MAX_EXPLAIN_TOP = 100;

const cell = z.union([z.number(), z.string(), z.boolean(), z.null()]);
export const rowSchema = z.union([
  z.record(z.string(), cell).openapi({ description: 'A row keyed by column name, read through the model\'s table schema.' }),
  z.array(z.number()).openapi({ description: 'The model\'s feature columns in order (see GET /models/{name}).' }),
]).openapi('Row');

export const explainRequestSchema = z.union([
  z.boolean(),
  z.number().int().min(1).max(MAX_EXPLAIN_TOP),
  z.object({
    top: z.number().int().min(1).max(MAX_EXPLAIN_TOP).default(3).openapi({ description: 'Features per explained row.' }),
    rows: z.enum(['anomalies', 'all']).default('anomalies').openapi({ description: 'Which rows to explain.' }),
    method: z.enum(EXPLAIN_METHODS).default('auto')
      .openapi({ description: "'exact' where the detector allows; 'shapley': sampled Shapley values against the reference rows." }),
  }).strict(),
]).openapi('ExplainRequest', {
  description: 'true, a number k (top k features of each anomaly), or the full form. Shapley sampling uses `reference` rows, or the request\'s own rows.',
});

export const scoreRequestSchema = z.object({
  rows: z.array(rowSchema).min(1).openapi({ description: 'Rows to score: all objects or all arrays.' }),
  explain: explainRequestSchema.optional(),
  reference: z.array(rowSchema).min(1).optional()
    .openapi({ description: 'Reference rows (typical training rows) for Shapley explanations; default: the rows being scored.' }),
}).strict().openapi('ScoreRequest');

export const scoreQuerySchema = z.object({
  explain: z.string().regex(/^(true|[1-9][0-9]?|100)$/, 'must be true or a number of features from 1 to 100').optional()
    .openapi({ description: 'CSV bodies: top features of each anomaly (true = 3).' }),
  explainRows: z.enum(['anomalies', 'all']).optional().openapi({ description: 'CSV bodies: which rows to explain.' }),
}).strict();

export const featureContributionSchema = z.object({
  feature: z.string(),
  contribution: z.number().openapi({ description: 'Higher = pushes the row towards anomalous.' }),
}).openapi('FeatureContribution');

export const scoreResponseSchema = z.object({
  model: z.string(),
  version: z.string().openapi({ description: 'sha256 prefix of the model file that scored the rows.' }),
  detector: z.string(),
  threshold: z.number(),
  scores: z.array(z.number()).openapi({ description: 'Anomaly scores, higher = more anomalous.' }),
  labels: z.array(z.union([z.literal(0), z.literal(1)])).openapi({ description: '1 where the score is above the threshold.' }),
  explanations: z.array(z.array(featureContributionSchema).nullable()).optional()
    .openapi({ description: 'Top features per row; null for rows not explained.' }),
  explanationMethod: z.enum(['exact', 'shapley']).optional(),
}).openapi('ScoreResponse');

export const streamQuerySchema = z.object({
  explain: z.string().regex(/^(true|[1-9][0-9]?|100)$/, 'must be true or a number of features from 1 to 100').optional()
    .openapi({ description: 'Top features of each anomaly; only for models with an exact explanation.' }),
}).strict();

export const streamLineSchema = z.object({
  line: z.number().int(),
  score: z.number().optional(),
  label: z.union([z.literal(0), z.literal(1)]).optional(),
  top_features: z.array(featureContributionSchema).optional(),
  error: z.string().optional().openapi({ description: 'Why this line was not scored; the stream goes on.' }),
}).openapi('StreamResult', { description: 'One NDJSON line per input line, in order.' });

export const modelSummarySchema = z.object({
  name: z.string(),
  version: z.string(),
  detector: z.string(),
  features: z.number().int(),
  threshold: z.number(),
  loadedAt: z.string(),
  error: z.string().optional().openapi({ description: 'The newest file version failed to load; the previous one is served.' }),
}).openapi('ModelSummary');

export const modelListSchema = z.object({
  models: z.array(modelSummarySchema),
  failed: z.array(z.object({ name: z.string(), file: z.string(), error: z.string(), at: z.string() })),
}).openapi('ModelList');

export const modelDetailSchema = modelSummarySchema.extend({
  file: z.string(),
  bytes: z.number().int(),
  title: z.string(),
  featureNames: z.array(z.string()),
  columns: z.array(z.object({ name: z.string(), role: z.string(), kind: z.string().optional() }))
    .openapi({ description: 'Columns of the training file (object rows use these keys); absent when fitted on a matrix.' }).optional(),
  scale: z.string(),
  options: z.record(z.string(), z.unknown()),
  summary: z.record(z.string(), z.number()),
  createdBy: z.string(),
  meta: z.record(z.string(), z.unknown()).optional(),
  explanation: z.enum(['exact', 'shapley']).openapi({ description: 'How this model\'s explanations are computed.' }),
}).openapi('ModelDetail');

export const errorSchema = z.object({ error: z.string() }).openapi('Error');

export const healthSchema = z.object({
  status: z.literal('ok'),
  models: z.number().int(),
  failed: z.number().int(),
  uptimeSeconds: z.number(),
}).openapi('Health');

export const modelParamsSchema = z.object({
  name: z.string().openapi({ param: { name: 'name', in: 'path' }, description: 'Model name: its file name in the models folder, without .dad.' }),
});
