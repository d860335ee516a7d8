import { InputError, OptionError } from '../core/errors.ts';
import { createMatrix } from '../core/matrix.ts';
import {
  ACCEPTED_LABELS_TEXT, isInfinityText, isMissingText, MISSING_TOKENS, parseDecimal, parseLabel, showCell, type Cell,
} from './cells.ts';
import type { ResolvedReadOptions } from './read-options.ts';
import { featureNames, parseTableSchema, type SchemaColumn, type TableSchema } from './schema.ts';
import type { Table } from './table.ts';

/**
 * Turns rows of cells, pushed one at a time by any reader (CSV, JSON lines, Parquet, records), into a Table.
 *
 * The first rows are held back (SAMPLE_ROWS) to decide what the table is before storing anything: whether the
 * first row is a header, and which feature columns are numeric and which categorical. After that, rows are stored
 * column by column in compact arrays (numbers as float64, categories as int32 codes), never as text, so that a file of
 * millions of cells reads in modest memory.
 *
 * A column is numeric when, among its non-missing cells in the held-back rows, numbers are at least as many as texts;
 * a text in a numeric column is then an error (a typo such as '12a' must not turn a numeric column into categories).
 * Otherwise it is categorical; `categoricalColumns` forces that for codes that look like numbers.
 */

/** rows held back to detect the header and the column kinds */
export const SAMPLE_ROWS = 1000;
/** more categories than this in one column is almost always an identifier or free text, not a category */
export const MAX_ONEHOT_CATEGORIES = 1000;

type Role = 'feature' | 'label' | 'id' | 'ignored';

interface PendingRow {
  cells: Cell[];
  at: number;
}

export interface BuilderSource {
  /** the path or description used in messages */
  source: string;
  /** what a position is called in messages: 'line' for text files, 'row' for Parquet / .npy / records */
  unit: 'line' | 'row';
  /** column names known from the format (JSON keys, Parquet schema); when absent, the first row may be a header */
  names?: string[];
}

class NumberColumn {
  data: Float64Array = new Float64Array(1024);
  length = 0;
  missing = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** codes: index into `categories` (first-seen order at training, schema order at score time); -1 missing; -2 unseen */
class CategoryColumn {
  codes: Int32Array = new Int32Array(1024);
  length = 0;
  missing = 0;
  categories: string[] = [];
  index = new Map<string, number>();
  push(code: number): void {
    if (this.length === this.codes.length) {
      const next = new Int32Array(this.codes.length * 2);
      next.set(this.codes);
      this.codes = next;
    }
    this.codes[this.length++] = code;
  }
}

export class TableBuilder {
  private readonly options: ResolvedReadOptions;
  private readonly source: string;
  private readonly unit: 'line' | 'row';
  private readonly knownNames: string[] | undefined;
  private readonly schema: TableSchema | undefined;
  private pending: PendingRow[] = [];
  private resolved = false;

  private hasHeader = false;
  private headerAt = 0;
  private firstAt = 0;
  private names: string[] = [];
  private width = 0;
  private roles: Role[] = [];
  private numeric: (NumberColumn | undefined)[] = [];
  private categorical: (CategoryColumn | undefined)[] = [];
  private labels: Uint8Array = new Uint8Array(1024);
  private labelColumn = -1;
  private idColumn = -1;
  private ids: string[] = [];
  private rows = 0;
  private readonly imputing: boolean;
  private readonly maxRows: number;

  constructor(options: ResolvedReadOptions, from: BuilderSource) {
    this.options = options;
    this.source = from.source;
    this.unit = from.unit;
    this.knownNames = from.names;
    this.schema = options.schema === undefined ? undefined : parseTableSchema(options.schema);
    this.imputing = this.schema ? this.schema.impute !== 'none' : options.impute !== 'none';
    this.maxRows = options.maxRows ?? Number.POSITIVE_INFINITY;
  }

  /** True once `maxRows` data rows are stored: the reader can stop. */
  get full(): boolean {
    return this.resolved && this.rows >= this.maxRows;
  }

  /** Adds one row. `at` is its position for messages (a line number, or a 1-based row number). */
  push(cells: Cell[], at: number): void {
    if (!this.resolved) {
      this.pending.push({ cells, at });
      if (this.pending.length > SAMPLE_ROWS) this.resolve();
      return;
    }
    if (this.rows < this.maxRows) this.ingest(cells, at);
  }

  finish(): Table {
    if (!this.resolved) this.resolve();
    if (this.rows === 0) {
      if (this.hasHeader) throw new InputError(`${this.source} has a header (${this.unit} ${this.headerAt}) but no data rows.`);
      throw new InputError(`${this.source} has no data rows.`);
    }
    return this.assemble();
  }

  // ---------------------------------------------------------------- deciding what the table is

  private resolve(): void {
    this.resolved = true;
    const pending = this.pending;
    this.pending = [];
    if (pending.length === 0 && this.knownNames === undefined) throw new InputError(`${this.source} is empty: it has no rows at all.`);

    let data = pending;
    if (this.knownNames !== undefined) {
      this.names = this.knownNames.slice();
    } else {
      this.hasHeader = this.decideHeader(pending);
      const first = pending[0]!;
      this.firstAt = first.at;
      if (this.hasHeader) {
        this.headerAt = first.at;
        this.names = headerNames(first.cells, this.source, this.unit, first.at);
        data = pending.slice(1);
      } else {
        this.names = first.cells.map((_, j) => `col${j}`);
      }
    }
    this.width = this.names.length;
    if (this.knownNames === undefined) for (const r of data) this.checkWidth(r.cells, r.at);

    if (this.schema) this.rolesFromSchema(this.schema);
    else this.rolesFromOptions();

    const kinds = this.schema ? undefined : this.inferKinds(data);
    for (let j = 0; j < this.width; j++) {
      if (this.roles[j] !== 'feature') continue;
      const schemaColumn = this.schemaColumnFor(j);
      if (schemaColumn?.role === 'feature' && schemaColumn.kind === 'categorical') {
        const store = new CategoryColumn();
        schemaColumn.categories.forEach((c, k) => store.index.set(c, k));
        store.categories = schemaColumn.categories.slice();
        this.categorical[j] = store;
      } else if (schemaColumn === undefined && kinds?.[j] === 'categorical') {
        this.categorical[j] = new CategoryColumn();
      } else {
        this.numeric[j] = new NumberColumn();
      }
    }
    for (const r of data) {
      if (this.rows >= this.maxRows) break;
      this.ingest(r.cells, r.at);
    }
  }

  private decideHeader(pending: PendingRow[]): boolean {
    const option = this.options.header;
    if (option !== 'auto') return option;
    const first = pending[0]!.cells;
    // A score file is read with the training file's header when its first row holds the training feature names.
    if (this.schema?.header) {
      const firstTexts = new Set(first.map((c) => (typeof c === 'string' ? c.trim() : '')));
      const featureColumns = this.schema.columns.filter((c) => c.role === 'feature');
      if (featureColumns.every((c) => firstTexts.has(c.name))) return true;
    }
    return looksLikeHeader(first, pending.slice(1, 101).map((r) => r.cells));
  }

  private checkWidth(cells: Cell[], at: number): void {
    if (cells.length === this.width) return;
    const reference = this.hasHeader ? `the header (${this.unit} ${this.headerAt})` : `the first row (${this.unit} ${this.firstAt})`;
    throw new InputError(
      `${this.source} ${this.unit} ${at} has ${cells.length} field${cells.length === 1 ? '' : 's'}, but ${reference} has ${this.width}. ` +
        'Every row needs the same number of fields (is a delimiter inside an unquoted value, or the delimiter wrong?).',
    );
  }

  private rolesFromOptions(): void {
    const o = this.options;
    this.roles = new Array<Role>(this.width).fill('feature');
    const claimed = new Map<number, string>();
    const claim = (ref: string | number, role: Role, what: string): number => {
      const j = this.columnIndex(ref, what);
      const earlier = claimed.get(j);
      if (earlier !== undefined) throw new OptionError(`Column ${this.describeColumn(j)} is named as both the ${earlier} and the ${what}.`);
      claimed.set(j, what);
      this.roles[j] = role;
      return j;
    };
    if (o.label !== undefined) this.labelColumn = claim(o.label, 'label', 'label column');
    if (o.id !== undefined) this.idColumn = claim(o.id, 'id', 'id column');
    for (const ref of o.ignore) claim(ref, 'ignored', 'ignored column');
    for (const ref of o.categoricalColumns) {
      const j = this.columnIndex(ref, 'categorical column');
      if (this.roles[j] !== 'feature') throw new OptionError(`Column ${this.describeColumn(j)} is named categorical but is the ${claimed.get(j)}.`);
    }
    if (!this.roles.includes('feature')) {
      throw new InputError(`${this.source} has no feature columns left once the label, id and ignored columns are set aside. Its columns are: ${this.listColumns()}.`);
    }
  }

  private rolesFromSchema(schema: TableSchema): void {
    this.roles = new Array<Role>(this.width).fill('ignored');
    const byName = new Map(this.names.map((n, j) => [n, j]));
    for (const c of schema.columns) {
      if (c.role !== 'feature') continue;
      const j = byName.get(c.name);
      if (j === undefined) {
        throw new InputError(`${this.source} has no column '${c.name}', which the model uses as a feature. Its columns are: ${this.listColumns()}.`);
      }
      this.roles[j] = 'feature';
    }
    const pick = (ref: string | number | undefined, role: 'label' | 'id', what: string): number => {
      if (ref !== undefined) return this.columnIndex(ref, what);
      const trained = schema.columns.find((c) => c.role === role);
      return trained === undefined ? -1 : (byName.get(trained.name) ?? -1);
    };
    this.labelColumn = pick(this.options.label, 'label', 'label column');
    this.idColumn = pick(this.options.id, 'id', 'id column');
    for (const [j, what] of [[this.labelColumn, 'label'], [this.idColumn, 'id']] as const) {
      if (j < 0) continue;
      if (this.roles[j] === 'feature') throw new OptionError(`Column ${this.describeColumn(j)} is a feature of the model; it cannot also be the ${what} column.`);
      this.roles[j] = what;
    }
  }

  private schemaColumnFor(j: number): SchemaColumn | undefined {
    if (!this.schema) return undefined;
    const name = this.names[j];
    return this.schema.columns.find((c) => c.name === name);
  }

  /** A column named by the user: a name, a 0-based index, or a digit string that is no column name. */
  private columnIndex(ref: string | number, what: string): number {
    if (typeof ref === 'string') {
      const j = this.names.indexOf(ref);
      if (j >= 0) return j;
      if (!/^\d+$/.test(ref)) {
        throw new OptionError(`Unknown ${what} '${ref}': ${this.source} has no such column. Its columns are: ${this.listColumns()}.`);
      }
      ref = Number(ref);
    }
    if (ref < this.width) return ref;
    throw new OptionError(
      `The ${what} index ${ref} is out of range: ${this.source} has ${this.width} column${this.width === 1 ? '' : 's'} (indices 0 to ${this.width - 1}). Its columns are: ${this.listColumns()}.`,
    );
  }

  private listColumns(): string {
    const shown = this.names.slice(0, 50).join(', ');
    return this.names.length > 50 ? `${shown}, … (${this.names.length} in all)` : shown;
  }

  private describeColumn(j: number): string {
    return `'${this.names[j]}' (index ${j})`;
  }

  private where(at: number, j: number): string {
    return `${this.source} ${this.unit} ${at}, column ${this.describeColumn(j)}`;
  }

  private inferKinds(data: PendingRow[]): ('numeric' | 'categorical')[] {
    const forced = new Set(this.options.categoricalColumns.map((ref) => this.columnIndex(ref, 'categorical column')));
    const kinds: ('numeric' | 'categorical')[] = [];
    for (let j = 0; j < this.width; j++) {
      if (this.roles[j] !== 'feature') {
        kinds.push('numeric');
        continue;
      }
      let numbers = 0;
      let texts = 0;
      let firstText: PendingRow | undefined;
      for (const r of data) {
        const c = r.cells[j];
        if (typeof c === 'number') numbers++;
        else if (typeof c === 'string') {
          const v = parseDecimal(c);
          if (v === v || isInfinityText(c)) numbers++;
          else if (!isMissingText(c)) {
            texts++;
            firstText ??= r;
          }
        }
      }
      const categorical = forced.has(j) || (texts > numbers);
      if (categorical && this.options.categorical === 'error') {
        const at = firstText?.at ?? data[0]?.at ?? this.firstAt;
        const cell = firstText?.cells[j];
        throw new InputError(
          `${this.where(at, j)}: expected a number, got ${showCell(cell)}. Categorical columns are refused (categorical: 'error'); ` +
            "encode them with categorical 'onehot' or 'frequency', or leave the column out with ignore.",
        );
      }
      kinds.push(categorical ? 'categorical' : 'numeric');
    }
    return kinds;
  }

  // ---------------------------------------------------------------- storing rows

  private ingest(cells: Cell[], at: number): void {
    if (this.knownNames === undefined && cells.length !== this.width) this.checkWidth(cells, at);
    const r = this.rows;
    for (let j = 0; j < this.width; j++) {
      const role = this.roles[j];
      if (role === 'feature') {
        const num = this.numeric[j];
        if (num !== undefined) num.push(this.numberCell(cells[j], at, j, num));
        else this.pushCategory(this.categorical[j]!, cells[j], at, j);
      } else if (role === 'label') {
        const v = parseLabel(cells[j]);
        if (v < 0) {
          const cell = cells[j];
          const what = cell === null || cell === undefined || (typeof cell === 'string' && isMissingText(cell)) ? `is missing (${showCell(cell)})` : `is ${showCell(cell)}, not a label`;
          throw new InputError(`${this.source} ${this.unit} ${at}, label column ${this.describeColumn(j)} ${what}. Accepted labels: ${ACCEPTED_LABELS_TEXT}.`);
        }
        if (r === this.labels.length) {
          const next = new Uint8Array(this.labels.length * 2);
          next.set(this.labels);
          this.labels = next;
        }
        this.labels[r] = v;
      } else if (role === 'id') {
        const c = cells[j];
        this.ids.push(c === null || c === undefined ? '' : String(c));
      }
    }
    this.rows++;
  }

  private numberCell(cell: Cell, at: number, j: number, store: NumberColumn): number {
    if (typeof cell === 'number') {
      if (Number.isFinite(cell)) return cell;
      if (cell !== cell) return this.missing(cell, at, j, store);
      throw this.notFinite(cell, at, j);
    }
    if (cell === null || cell === undefined) return this.missing(cell, at, j, store);
    const v = parseDecimal(cell);
    if (v === v) {
      if (Number.isFinite(v)) return v;
      throw this.notFinite(cell, at, j);
    }
    if (isMissingText(cell)) return this.missing(cell, at, j, store);
    if (isInfinityText(cell)) throw this.notFinite(cell, at, j);
    const hint = this.schema
      ? 'The model was trained with this column numeric.'
      : 'If the column holds categories, name it in categoricalColumns (CLI: --categorical-columns); otherwise fix the value.';
    throw new InputError(`${this.where(at, j)}: expected a number, got ${showCell(cell)}. ${hint}`);
  }

  private notFinite(cell: Cell, at: number, j: number): InputError {
    return new InputError(`${this.where(at, j)}: ${showCell(cell)} is not finite. Only finite numbers are accepted.`);
  }

  private missing(cell: Cell, at: number, j: number, store: { missing: number }): number {
    if (!this.imputing) {
      const hint = this.schema
        ? 'The model was trained without imputation, so missing values cannot be filled at score time.'
        : "Missing values are an error unless imputation is asked for (impute: 'median' or 'most-frequent'; CLI: --impute).";
      throw new InputError(`${this.where(at, j)}: the value is missing (${showCell(cell)}). ${hint} Read as missing: ${MISSING_TOKENS.map((t) => `'${t}'`).join(', ')}.`);
    }
    store.missing++;
    return Number.NaN;
  }

  private pushCategory(store: CategoryColumn, cell: Cell, at: number, j: number): void {
    let text: string;
    if (typeof cell === 'number') {
      if (cell !== cell) {
        this.missing(cell, at, j, store);
        store.push(-1);
        return;
      }
      text = String(cell);
    } else if (cell === null || cell === undefined || isMissingText(cell)) {
      this.missing(cell, at, j, store);
      store.push(-1);
      return;
    } else {
      text = cell.trim();
    }
    let code = store.index.get(text);
    if (code === undefined) {
      if (this.schema) code = -2; // a category the model never saw
      else {
        code = store.categories.length;
        if (code >= MAX_ONEHOT_CATEGORIES && this.options.categorical === 'onehot') {
          throw new InputError(
            `${this.where(at, j)}: more than ${MAX_ONEHOT_CATEGORIES} distinct values; one-hot encoding would make that many features. ` +
              "If it is an identifier, name it as the id column (CLI: --id) or ignore it; if it is a category, use categorical 'frequency'.",
          );
        }
        store.index.set(text, code);
        store.categories.push(text);
      }
    }
    store.push(code);
  }

  // ---------------------------------------------------------------- the table

  private assemble(): Table {
    const n = this.rows;
    const columns: SchemaColumn[] = [];
    type Filler = { offset: number; fill: (out: Float64Array, cols: number, offset: number) => void };
    const fillers: Filler[] = [];
    let cols = 0;
    // With a schema, features come in the schema's order, whatever the order of the score file's columns.
    const order = this.schema
      ? this.schema.columns.filter((c) => c.role === 'feature').map((c) => this.names.indexOf(c.name))
      : this.names.map((_, j) => j);
    for (const j of order) {
      const name = this.names[j]!;
      const role = this.roles[j]!;
      if (role !== 'feature') {
        if (!this.schema) columns.push({ name, role });
        continue;
      }
      const num = this.numeric[j];
      if (num !== undefined) {
        const impute = this.numericImputeValue(j, num);
        columns.push(impute === undefined ? { name, role, kind: 'numeric' } : { name, role, kind: 'numeric', impute });
        const values = num.values();
        const offset = cols;
        fillers.push({ offset, fill: (out, d, o) => { for (let i = 0, p = o; i < n; i++, p += d) { const v = values[i]!; out[p] = v === v ? v : impute!; } } });
        cols += 1;
        continue;
      }
      const cat = this.categorical[j]!;
      const column = this.categoricalSchema(j, cat);
      columns.push(column);
      const imputeCode = column.impute === undefined ? -1 : column.categories.indexOf(column.impute);
      // codes at training are in first-seen order; the schema lists categories sorted: map one to the other
      const toSchema = new Int32Array(cat.categories.length);
      cat.categories.forEach((c, k) => { toSchema[k] = column.categories.indexOf(c); });
      const codeAt = (i: number): number => {
        const c = cat.codes[i]!;
        if (c === -1) return imputeCode;
        return c < 0 ? -1 : toSchema[c]!;
      };
      const offset = cols;
      if (column.encoding === 'onehot') {
        fillers.push({ offset, fill: (out, d, o) => { for (let i = 0; i < n; i++) { const k = codeAt(i); if (k >= 0) out[i * d + o + k] = 1; } } });
        cols += column.categories.length;
      } else {
        const freq = column.frequencies!;
        fillers.push({ offset, fill: (out, d, o) => { for (let i = 0; i < n; i++) { const k = codeAt(i); out[i * d + o] = k >= 0 ? freq[k]! : 0; } } });
        cols += 1;
      }
    }
    const schema: TableSchema = this.schema ?? {
      version: 1,
      header: this.hasHeader || this.knownNames !== undefined,
      impute: this.options.impute,
      columns,
      features: featureNames(columns),
    };
    const features = this.schema ? this.schema.features.slice() : schema.features;
    if (cols !== features.length) throw new Error(`TableBuilder: ${cols} feature columns assembled for ${features.length} names.`);
    const data = new Float64Array(n * cols);
    for (const f of fillers) f.fill(data, cols, f.offset);
    const table: Table = { X: createMatrix(n, cols, data), features, schema, source: this.source };
    if (this.labelColumn >= 0) table.y = this.labels.slice(0, n);
    if (this.idColumn >= 0) table.ids = this.ids;
    return table;
  }

  private numericImputeValue(j: number, store: NumberColumn): number | undefined {
    const trained = this.schemaColumnFor(j);
    if (trained) return trained.role === 'feature' && trained.kind === 'numeric' ? trained.impute : undefined;
    if (!this.imputing) return undefined;
    const values = store.values();
    const present = new Float64Array(values.length - store.missing);
    let k = 0;
    for (const v of values) if (v === v) present[k++] = v;
    if (present.length === 0) throw this.nothingToImpute(j);
    present.sort();
    return this.options.impute === 'median' ? median(present) : mode(present);
  }

  private categoricalSchema(j: number, store: CategoryColumn): Extract<SchemaColumn, { kind: 'categorical' }> {
    const trained = this.schemaColumnFor(j);
    if (trained) {
      if (trained.role !== 'feature' || trained.kind !== 'categorical') throw new Error(`TableBuilder: column ${j} is not categorical in the schema.`);
      return trained;
    }
    const counts = new Float64Array(store.categories.length);
    let present = 0;
    for (let i = 0; i < store.length; i++) {
      const c = store.codes[i]!;
      if (c >= 0) {
        counts[c]! += 1;
        present++;
      }
    }
    if (present === 0) throw this.nothingToImpute(j);
    // Sorted categories make the one-hot columns independent of row order.
    const order = store.categories.map((_, k) => k).sort((a, b) => compareText(store.categories[a]!, store.categories[b]!));
    const categories = order.map((k) => store.categories[k]!);
    const encoding = this.options.categorical === 'frequency' ? 'frequency' : 'onehot';
    const column: Extract<SchemaColumn, { kind: 'categorical' }> = { name: this.names[j]!, role: 'feature', kind: 'categorical', encoding, categories };
    if (encoding === 'frequency') column.frequencies = order.map((k) => counts[k]! / present);
    if (this.imputing) {
      let best = order[0]!;
      for (const k of order) if (counts[k]! > counts[best]!) best = k;
      column.impute = store.categories[best]!;
    }
    return column;
  }

  private nothingToImpute(j: number): InputError {
    return new InputError(`${this.source}, column ${this.describeColumn(j)}: every value is missing, so there is nothing to impute from. Leave the column out with ignore (CLI: --ignore).`);
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function median(sorted: Float64Array): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}

/** The most frequent value of a sorted array; the smallest among ties. */
function mode(sorted: Float64Array): number {
  let best = sorted[0]!;
  let bestCount = 0;
  for (let i = 0; i < sorted.length;) {
    let k = i;
    while (k < sorted.length && sorted[k] === sorted[i]) k++;
    if (k - i > bestCount) {
      bestCount = k - i;
      best = sorted[i]!;
    }
    i = k;
  }
  return best;
}

type CellKind = 'number' | 'missing' | 'text';

function cellKind(c: Cell): CellKind {
  if (typeof c === 'number') return c === c ? 'number' : 'missing';
  if (c === null || c === undefined) return 'missing';
  const v = parseDecimal(c);
  if (v === v || isInfinityText(c)) return 'number';
  return isMissingText(c) ? 'missing' : 'text';
}

/**
 * The first row is a header when it has text in a column whose other cells are all numbers. In a file with no numeric
 * column, it is a header when its cells are distinct texts none of which recurs below it (data values recur; names don't).
 */
export function looksLikeHeader(first: Cell[], rest: Cell[][]): boolean {
  const firstKinds = first.map(cellKind);
  if (rest.length === 0) return firstKinds.every((k) => k === 'text');
  let numericColumns = 0;
  for (let j = 0; j < first.length; j++) {
    let numbers = 0;
    let others = 0;
    for (const r of rest) {
      const k = cellKind(r[j]);
      if (k === 'number') numbers++;
      else if (k === 'text') others++;
    }
    if (numbers > 0 && others === 0) {
      numericColumns++;
      if (firstKinds[j] === 'text') return true;
    }
  }
  if (numericColumns > 0) return false;
  if (!firstKinds.every((k) => k === 'text')) return false;
  const texts = first.map((c) => String(c).trim());
  if (new Set(texts).size !== texts.length) return false;
  return texts.every((t, j) => !rest.some((r) => typeof r[j] === 'string' && (r[j] as string).trim() === t));
}

function headerNames(cells: Cell[], source: string, unit: string, at: number): string[] {
  const names = cells.map((c, j) => {
    const t = c === null || c === undefined ? '' : String(c).trim();
    return t === '' ? `col${j}` : t;
  });
  const seen = new Map<string, number>();
  names.forEach((name, j) => {
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw new InputError(`${source} ${unit} ${at} (the header) names column '${name}' twice, at indices ${earlier} and ${j}. Column names must be unique.`);
    }
    seen.set(name, j);
  });
  return names;
}
