import { z } from 'zod';
import { ModelFileError } from '../core/errors.ts';

/**
 * The schema of a table: what the reader learned from the training file, saved inside model files and applied to
 * score files so that they are read exactly as the training file was — same feature columns in the same order, same
 * categorical encodings, same values for missing cells. Learned on training data only: at score time nothing is
 * re-estimated (an unseen category gets an all-zero one-hot / frequency 0; a missing cell gets the training value).
 */

const numericFeature = z.object({
  name: z.string(),
  role: z.literal('feature'),
  kind: z.literal('numeric'),
  /** the training median (or most frequent value) used for missing cells; absent when imputation was off */
  impute: z.number().refine(Number.isFinite, 'must be finite').optional(),
}).strict();

const categoricalFeature = z.object({
  name: z.string(),
  role: z.literal('feature'),
  kind: z.literal('categorical'),
  encoding: z.enum(['onehot', 'frequency']),
  /** the training categories, sorted: the one-hot columns in this order */
  categories: z.array(z.string()),
  /** frequency encoding: share of training rows in each category, parallel to `categories` */
  frequencies: z.array(z.number().min(0).max(1)).optional(),
  /** the most frequent training category, used for missing cells; absent when imputation was off */
  impute: z.string().optional(),
}).strict();

const otherColumn = z.object({
  name: z.string(),
  role: z.enum(['label', 'id', 'ignored']),
}).strict();

export const schemaColumnSchema = z.union([numericFeature, categoricalFeature, otherColumn]);

export const tableSchemaSchema = z.object({
  version: z.literal(1),
  /** whether the training file had a header row; without one, score files are matched by column position */
  header: z.boolean(),
  /** the imputation asked for at training: 'none' means missing cells are an error at score time too */
  impute: z.enum(['none', 'median', 'most-frequent']),
  /** every column of the training file, in file order */
  columns: z.array(schemaColumnSchema),
  /** names of the output feature columns, in matrix order (after one-hot: 'color=red') */
  features: z.array(z.string()),
}).strict();

export type SchemaColumn = z.infer<typeof schemaColumnSchema>;
export type NumericFeatureColumn = z.infer<typeof numericFeature>;
export type CategoricalFeatureColumn = z.infer<typeof categoricalFeature>;
export type TableSchema = z.infer<typeof tableSchemaSchema>;

/** The feature names a schema's columns produce, in order. */
export function featureNames(columns: readonly SchemaColumn[]): string[] {
  const out: string[] = [];
  for (const c of columns) {
    if (c.role !== 'feature') continue;
    if (c.kind === 'categorical' && c.encoding === 'onehot') for (const v of c.categories) out.push(`${c.name}=${v}`);
    else out.push(c.name);
  }
  return out;
}

/**
 * Validates a schema read from a model file. Throws ModelFileError naming the first problem: a damaged schema must
 * never be half-applied, which would feed the model columns in the wrong order.
 */
export function parseTableSchema(json: unknown): TableSchema {
  const result = tableSchemaSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const at = issue.path.length > 0 ? ` at '${issue.path.map(String).join('.')}'` : '';
    throw new ModelFileError(`The table schema in the model file is damaged${at}: ${issue.message}.`, { cause: result.error });
  }
  const schema = result.data;
  const names = new Set<string>();
  for (const c of schema.columns) {
    if (names.has(c.name)) throw new ModelFileError(`The table schema in the model file is damaged: column '${c.name}' appears twice.`);
    names.add(c.name);
    if (c.role === 'feature' && c.kind === 'categorical') {
      if (c.encoding === 'frequency' && c.frequencies?.length !== c.categories.length) {
        throw new ModelFileError(`The table schema in the model file is damaged: column '${c.name}' has ${c.categories.length} categories but ${c.frequencies?.length ?? 0} frequencies.`);
      }
      if (new Set(c.categories).size !== c.categories.length) {
        throw new ModelFileError(`The table schema in the model file is damaged: column '${c.name}' lists a category twice.`);
      }
    }
  }
  const expected = featureNames(schema.columns);
  if (expected.length !== schema.features.length || expected.some((f, i) => f !== schema.features[i])) {
    throw new ModelFileError(`The table schema in the model file is damaged: its feature list does not match its columns (expected ${expected.length} features, it lists ${schema.features.length}).`);
  }
  return schema;
}
