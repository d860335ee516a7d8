/**
 * The flags that say how a table file is read, shared by `detect`, `fit` and `score`, and their translation into
 * `readTable` options (the data layer validates them and names the bad one).
 */
import { Option, type Command } from 'commander';
import type { TableReadOptions } from '../data/index.ts';

export interface TableFlags {
  label?: string;
  id?: string;
  ignore?: string[];
  categorical?: 'onehot' | 'frequency' | 'error';
  categoricalColumns?: string[];
  impute?: 'none' | 'median' | 'most-frequent';
  delimiter?: string;
  header?: boolean;
}

export function addTableOptions(command: Command): Command {
  return command
    .option('--label <column>', 'column of 0/1 labels (1 = anomaly): kept out of the features; prints ROC-AUC and PR-AUC on stderr')
    .option('--id <column>', 'identifier column: kept out of the features, written beside each score')
    .option('--ignore <columns>', 'columns to drop, comma-separated (repeatable)', collectList)
    .addOption(new Option('--categorical <encoding>', 'encoding of text columns').choices(['onehot', 'frequency', 'error']))
    .option('--categorical-columns <columns>', 'columns read as categories even when they look numeric, comma-separated (repeatable)', collectList)
    .addOption(new Option('--impute <method>', 'fill missing cells (default: a missing cell is an error)').choices(['none', 'median', 'most-frequent']))
    .option('--delimiter <char>', 'field separator (default: sniffed among , ; tab |)')
    .option('--no-header', 'the file has no header row (default: detected)');
}

export function readOptionsFromFlags(flags: TableFlags): TableReadOptions {
  const options: TableReadOptions = {};
  if (flags.label !== undefined) options.label = flags.label;
  if (flags.id !== undefined) options.id = flags.id;
  if (flags.ignore && flags.ignore.length > 0) options.ignore = flags.ignore;
  if (flags.categorical !== undefined) options.categorical = flags.categorical;
  if (flags.categoricalColumns && flags.categoricalColumns.length > 0) options.categoricalColumns = flags.categoricalColumns;
  if (flags.impute !== undefined) options.impute = flags.impute;
  if (flags.delimiter !== undefined) options.delimiter = flags.delimiter === '\\t' ? '\t' : flags.delimiter;
  if (flags.header === false) options.header = false;
  return options;
}

/** Commander collector: repeatable and comma-separated. */
export function collectList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter((s) => s !== '')];
}

/** Commander collector: repeatable, taken whole (values may contain commas). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
