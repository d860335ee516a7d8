/**
 * The readers fuzzed, each with its inputs (see harness.ts): CSV / TSV (plain and gzip), JSON lines, NumPy .npy,
 * Parquet (hyparquet), log files (line reader, log format, Drain, sessions, and a saved Drain state), model files and
 * training checkpoints (safetensors header, manifest, checksums), and IDX when src/images has a reader.
 * File readers are fed through a real file in a temporary folder, as users feed them.
 */
import fc from 'fast-check';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createMatrix, type Matrix } from '../../src/core/matrix.ts';
import { Rng } from '../../src/core/rng.ts';
import { parseNpy, readTable, type Table } from '../../src/data/index.ts';
import { npyBytes } from '../../src/data/test-helpers.ts';
import '../../src/detectors/builtins.ts';
import { getDetectorClass } from '../../src/detectors/registry.ts';
import { mlp } from '../../src/engine/index.ts';
import { DrainParser } from '../../src/logs/drain.ts';
import { LOGHUB_FORMATS } from '../../src/logs/log-format.ts';
import { logPreprocessing, parseLogFile, readLogPreprocessing, sessionsOf } from '../../src/logs/log-file.ts';
import { decodeCheckpoint, decodeModel, encodeCheckpoint, encodeModel } from '../../src/model-io/index.ts';
import { MANIFEST_KEY, MANIFEST_SHA256_KEY } from '../../src/model-io/manifest.ts';
import { sha256Hex } from '../../src/model-io/safetensors.ts';
import { generatedBytes, generatedText, inputMix, malformed, mutatedFrom, randomBytes, type FuzzInput, type FuzzTarget } from './harness.ts';

const encoder = new TextEncoder();
const text = (s: string): Uint8Array => encoder.encode(s);

let folder: string | undefined;
/** A path in this process's temporary folder, removed at exit. */
function scratch(name: string): string {
  if (folder === undefined) {
    folder = mkdtempSync(join(tmpdir(), 'dadkit-fuzz-'));
    const made = folder;
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  }
  return join(folder, name);
}

function checkTable(t: Table): void {
  const { X } = t;
  malformed(Number.isInteger(X.rows) && Number.isInteger(X.cols) && X.rows >= 0 && X.cols >= 0, `table shape ${X.rows}×${X.cols}`);
  malformed(X.data.length === X.rows * X.cols, `table data holds ${X.data.length} values for ${X.rows}×${X.cols}`);
  malformed(t.features.length === X.cols, `${t.features.length} feature names for ${X.cols} columns`);
  malformed(t.y === undefined || t.y.length === X.rows, 'labels and rows differ in number');
  malformed(t.ids === undefined || t.ids.length === X.rows, 'ids and rows differ in number');
  malformed(X.data.every((v) => Number.isFinite(v)), 'a table value is not a finite number (a missing value that went through silently)');
}

// ---------------------------------------------------------------------------------------------------------------
// CSV / TSV

const cell = fc.oneof(
  fc.double({ noNaN: false }).map(String),
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.constantFrom('', 'NaN', 'NA', 'null', '?', '1e999', '-1e999', '-0', 'inf', '0x10', '1,5', '"', '""', '"a,b"', '"x\ny"', '"open', 'a"b',
    'a\rb', 'é', '\u2028', 'true', '0', '1', ' 3 ', '١٢', '\u0000'),
  fc.string({ maxLength: 8 }),
);

const csvText = fc.record({
  delimiter: fc.constantFrom(',', ';', '\t', '|'),
  header: fc.boolean(),
  rows: fc.array(fc.array(cell, { maxLength: 6 }), { maxLength: 30 }),
  eol: fc.constantFrom('\n', '\r\n', '\r'),
}).map(({ delimiter, header, rows, eol }) => {
  const width = Math.max(1, ...rows.map((r) => r.length));
  const lines = header ? [Array.from({ length: width }, (_, j) => `c${j}`).join(delimiter)] : [];
  for (const r of rows) lines.push(r.join(delimiter));
  return lines.join(eol);
});

function csvSeeds(): Uint8Array[] {
  const rng = new Rng(1);
  const numeric = ['a,b,c,label', ...Array.from({ length: 40 }, (_, i) => `${rng.normal().toFixed(3)},${rng.normal().toFixed(3)},${i % 7},${i % 13 === 0 ? 1 : 0}`)].join('\n');
  const mixed = ['id;amount;channel;when', ...Array.from({ length: 30 }, (_, i) => `r${i};${(50 + 10 * rng.normal()).toFixed(2)};${i % 3 ? 'web' : '"shop; main"'};${i}`)].join('\n');
  const tsv = ['x\ty', ...Array.from({ length: 20 }, (_, i) => `${i}\t${(i * 0.5).toFixed(1)}`)].join('\r\n');
  return [numeric, mixed, tsv].map(text);
}

/** Read options a user may give; some refer to columns a file lacks. */
const readOptions = fc.record({
  impute: fc.constantFrom('none', 'median', 'most-frequent'),
  header: fc.constantFrom('auto', true, false),
  label: fc.constantFrom(undefined, undefined, undefined, undefined, 'label', 'a', 3, 'missing'),
}).map(({ label, ...rest }) => (label === undefined ? rest : { ...rest, label }));

/** The input, and options drawn beside it (kept with the input so that a failure can be replayed). */
interface WithOptions extends FuzzInput {
  options?: Record<string, unknown>;
  gzip?: boolean;
}

function withOptions(inputs: fc.Arbitrary<FuzzInput>): fc.Arbitrary<WithOptions> {
  return fc.tuple(inputs, readOptions, fc.boolean()).map(([input, options, gzip]) => ({ ...input, options, gzip: gzip && input.kind !== 'random' }));
}

export const csvTarget: FuzzTarget = {
  name: 'csv',
  reads: 'CSV / TSV files, plain or gzip (src/data readTable: line reader, delimiter sniffing, record splitter, table builder)',
  async inputs() {
    const gz = new Uint8Array([0x1f, 0x8b]);
    return withOptions(inputMix(randomBytes([new Uint8Array(0), gz, text('a,b\n')]), generatedText(csvText), mutatedFrom(csvSeeds())));
  },
  async read(input: WithOptions) {
    const path = scratch(input.gzip ? 'input.csv.gz' : 'input.csv');
    writeFileSync(path, input.gzip ? gzipSync(input.bytes) : input.bytes);
    checkTable(await readTable(path, input.options ?? {}));
  },
};

// ---------------------------------------------------------------------------------------------------------------
// JSON lines

const jsonValue = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(null, true, 'x', '', 'NaN', '1e999'), fc.jsonValue({ maxDepth: 2 }));
const objectLine = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'label', '__proto__', 'constructor', ''), jsonValue, { maxKeys: 5 }).map((o) => JSON.stringify(o));
const arrayLine = fc.array(fc.oneof(fc.double(), fc.constantFrom(null, 'a', true)), { maxLength: 5 }).map((a) => JSON.stringify(a));
const oddLine = fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.constantFrom('', '{', '[1, 2', '{"a": 1e999}', '{"a": NaN}', 'null', '"text"', '{"a": {"b": 1}}', '\u2028'));

/** Files of object lines or of array lines (the two shapes the reader takes), now and then with an odd line in. */
const jsonlText = fc.constantFrom(objectLine, arrayLine).chain((line) => fc.array(fc.oneof({ arbitrary: line, weight: 12 }, { arbitrary: oddLine, weight: 1 }), { maxLength: 30 }))
  .map((lines) => lines.join('\n'));

function jsonlSeeds(): Uint8Array[] {
  const rng = new Rng(2);
  const objects = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `r${i}`, x: rng.normal(), y: i, color: i % 3 ? 'red' : 'blue', label: i % 11 === 0 ? 1 : 0 })).join('\n');
  const arrays = Array.from({ length: 30 }, (_, i) => JSON.stringify([rng.normal(), i, i % 2 === 0])).join('\n');
  return [objects, arrays].map(text);
}

export const jsonlTarget: FuzzTarget = {
  name: 'jsonl',
  reads: 'JSON lines files, plain or gzip (src/data readTable: objects or arrays per line)',
  async inputs() {
    return withOptions(inputMix(randomBytes([new Uint8Array(0), text('{"a":')]), generatedText(jsonlText), mutatedFrom(jsonlSeeds())));
  },
  async read(input: WithOptions) {
    const path = scratch(input.gzip ? 'input.jsonl.gz' : 'input.jsonl');
    writeFileSync(path, input.gzip ? gzipSync(input.bytes) : input.bytes);
    checkTable(await readTable(path, input.options ?? {}));
  },
};

// ---------------------------------------------------------------------------------------------------------------
// NumPy .npy

const NPY_MAGIC = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

const dimension = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 6 }).map(String), weight: 4 },
  { arbitrary: fc.constantFrom('1000000', '1000000000000', '9007199254740993', '18446744073709551616', '-1', '1e3', '2.5', 'L', '', ' 3 ', '0x10'), weight: 1 },
);

const npyHeader = fc.record({
  version: fc.constantFrom(1, 1, 2, 3, 4, 0),
  descr: fc.constantFrom('<f8', '<f4', '<f2', '>f8', '<i8', '<i4', '>i2', '|i1', '|u1', '<u8', '|b1', '=f8', '<c16', '<U3', '|O', '|S5', '<M8[s]', 'f8', '<f16', '<f0', "[('a', '<f8')]"),
  fortran: fc.constantFrom('True', 'False', 'true', 'None'),
  shape: fc.array(dimension, { maxLength: 4 }),
  data: fc.uint8Array({ maxLength: 256 }),
  declaredLength: fc.option(fc.constantFrom(0, 1, 0xffff, 0xffffffff), { nil: undefined }),
}).map(({ version, descr, fortran, shape, data, declaredLength }) => {
  const quoted = descr.startsWith('[') ? descr : `'${descr}'`;
  const header = text(`{'descr': ${quoted}, 'fortran_order': ${fortran}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }\n`);
  const prefix = version === 1 ? 10 : 12;
  const out = new Uint8Array(prefix + header.length + data.length);
  out.set(NPY_MAGIC);
  out[6] = version;
  const view = new DataView(out.buffer);
  const length = declaredLength ?? header.length;
  if (version === 1) view.setUint16(8, length & 0xffff, true);
  else view.setUint32(8, length >>> 0, true);
  out.set(header, prefix);
  out.set(data, prefix + header.length);
  return out;
});

function npySeeds(): Uint8Array[] {
  return [
    npyBytes('<f8', [4, 3], Array.from({ length: 12 }, (_, i) => i / 3)),
    npyBytes('<f4', [6], [1, 2, 3, 4, 5, 6], { version: 2 }),
    npyBytes('<i4', [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8], { version: 3, fortran: true }),
    npyBytes('|u1', [3, 2], new Uint8Array([1, 2, 3, 4, 5, 6])),
    gzipSync(npyBytes('<f8', [5, 2], Array.from({ length: 10 }, (_, i) => i))),
  ];
}

export const npyTarget: FuzzTarget = {
  name: 'npy',
  reads: 'NumPy .npy files, plain or gzip (src/data parseNpy with and without flatten, and readTable on a .npy file)',
  async inputs() {
    return inputMix(randomBytes([new Uint8Array(0), NPY_MAGIC, new Uint8Array([...NPY_MAGIC, 1, 0]), new Uint8Array([0x1f, 0x8b])]), generatedBytes(npyHeader), mutatedFrom(npySeeds()));
  },
  async read(input) {
    for (const flatten of [false, true]) {
      try {
        const a = parseNpy(input.bytes, 'input.npy', { flatten });
        const [rows, cols] = a.shape;
        malformed(a.data.length === rows * cols, `npy data holds ${a.data.length} values for shape ${rows}×${cols}`);
      } catch (error) {
        if (flatten) throw error; // both calls must hold to the property; the first failure is enough
      }
    }
    const path = scratch('input.npy');
    writeFileSync(path, input.bytes);
    checkTable(await readTable(path, { impute: 'median' }));
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Parquet (hyparquet)

/** The 4-row fixture of src/data/parquet.test.ts (hyparquet-writer, snappy, dictionary pages). */
const PARQUET_FIXTURE = 'UEFSMRUGFTQVNlwVCBUAFQgVABUEFQAAAAMPGBgCAAAAcjECAQYwMgIAAAByMwIAAAByNBUGFTQVMFwVCBUCFQgVABUEFQAAAAMLGAAABQEE+D8FBygABEAAAAAAAAASQBUGFUQVNFwVCBUAFQgVABUEFQAAAAMPIAQKAAkBABQJBwQAHg0IHCgAAAAAAAAAFQYVQhVAXBUIFQAVCBUAFQQVAAAAAw8fPAMAAAByZWQEAAAAYmx1ZQMJDyAFAAAAZ3JlZW4VBhUGFQpcFQgVABUIFQAVBBUAAAADDwEABRUGFSQVIFwVCBUAFQgVABUEFQAAAAMPEAAADQEcAQAAAAAAAAAVBBl8SARyb290FQwAFQwlAhgCaWQlAAAVCiUCGAF4ABUEJQIYAW4AFQwlAhgFY29sb3IlAAAVACUCGARmbGFnABUCJQIYBWxhYmVsABYIGRwZbCYIHBUMGRUAGRgCaWQVAhYIFl4WYCYIPDYAKAJyNBgCcjEAGRwVBhUAFQIAAAAmaBwVChkVABkYAXgVAhYIFl4WWiZoPDYCKAgAAAAAAAASQBgIAAAAAAAA+D82AAAZHBUGFQAVAgAAACbCARwVBBkVABkYAW4VAhYIFm4WXibCATw2ACgIKAAAAAAAAAAYCAoAAAAAAAAAABkcFQYVABUCAAAAJqACHBUMGRUAGRgFY29sb3IVAhYIFmwWaiagAjw2ACgDcmVkGARibHVlABkcFQYVABUCAAAAJooDHBUAGRUAGRgEZmxhZxUCFggWMBY0JooDPDYAKAEBGAEAABkcFQYVABUCAAAAJr4DHBUCGRUAGRgFbGFiZWwVAhYIFk4WSia+Azw2ACgEAQAAABgEAAAAAAAZHBUGFQAVAgAAABaUBBYINoAEACgJaHlwYXJxdWV0GWwcAAAcAAAcAAAcAAAcAAAcAAAAvQEAAFBBUjE=';

const PAR1 = text('PAR1');

/** PAR1 … footer … footer length … PAR1 with a random footer and a declared footer length, often far too large. */
const parquetShell = fc.tuple(fc.uint8Array({ maxLength: 256 }), fc.oneof(fc.nat(300), fc.constantFrom(0x7fffffff, 0xffffffff))).map(([middle, length]) => {
  const out = new Uint8Array(4 + middle.length + 8);
  out.set(PAR1);
  out.set(middle, 4);
  new DataView(out.buffer).setUint32(4 + middle.length, length >>> 0, true);
  out.set(PAR1, 8 + middle.length);
  return out;
});

export const parquetTarget: FuzzTarget = {
  name: 'parquet',
  reads: 'Parquet files (hyparquet through src/data readTable: footer, Thrift metadata, pages, snappy)',
  async inputs() {
    return inputMix(randomBytes([PAR1]), generatedBytes(parquetShell), mutatedFrom([Buffer.from(PARQUET_FIXTURE, 'base64')]));
  },
  async read(input) {
    const path = scratch('input.parquet');
    writeFileSync(path, input.bytes);
    checkTable(await readTable(path, { impute: 'median', id: 'id' }).catch((error: unknown) => {
      // the fixture's id column may be gone after a mutation: read again without it, so mutations reach the data
      if (error instanceof Error && /'id'/.test(error.message)) return readTable(path, { impute: 'median' });
      throw error;
    }));
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Log files

const logToken = fc.oneof(
  fc.constantFrom('INFO', 'WARN', 'ERROR', 'dfs.DataNode$PacketResponder:', 'Receiving', 'block', 'blk_-1608999687919862906', 'blk_38865049064139660',
    '10.251.43.191:50010', 'src:', '/10.250.19.102:54106', '081109', '203615', '148', 'size', '67108864', 'from', 'terminating', '<*>', ':', '::', '"', '\t', '   ', 'é', '\u2028'),
  fc.string({ maxLength: 10 }),
);

// mostly short lines; now and then a long one, where a super-linear line parser shows
const logLine = fc.oneof({ arbitrary: fc.array(logToken, { maxLength: 40 }), weight: 9 }, { arbitrary: fc.array(logToken, { minLength: 100, maxLength: 600 }), weight: 1 })
  .map((t) => t.join(' '));

const logText = fc.array(logLine, { maxLength: 30 }).map((lines) => lines.join('\n'));

function logSeeds(): Uint8Array[] {
  const lines = [
    '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating',
    '081109 203807 222 INFO dfs.DataNode$PacketResponder: Received block blk_-6952295868487656571 of size 67108864 from /10.251.39.64',
    '081109 204005 35 INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: 10.251.73.220:50010 is added to blk_7128370237687728475 size 67108864',
    '081109 204015 308 INFO dfs.DataNode$PacketResponder: PacketResponder 2 for block blk_8229193803249955061 terminating',
    '081109 204106 329 INFO dfs.DataNode$PacketResponder: PacketResponder 2 for block blk_-6670958622368987959 terminating',
  ];
  const plain = Array.from({ length: 6 }, (_, i) => `2026-01-0${1 + (i % 9)} 10:00:0${i} worker ${i} finished job ${i * 7} in ${i + 3} ms`);
  return [lines.join('\n'), plain.join('\n')].map(text);
}

function drainStateSeed(): string {
  const parser = new DrainParser();
  for (const l of ['open file a.txt', 'open file b.txt', 'close file a.txt', 'user 12 logged in', 'user 7 logged in']) parser.add(l);
  return JSON.stringify(logPreprocessing(parser, { by: 'count', size: 3 }, LOGHUB_FORMATS.HDFS));
}

interface LogInput extends FuzzInput {
  format: string | undefined;
  /** a saved Drain state (JSON text, mutated) to continue from, instead of a new parser */
  state?: string;
}

export const logsTarget: FuzzTarget = {
  name: 'logs',
  reads: 'log files (src/logs parseLogFile: line reader, log format, Drain, sessions by identifier / time / count) and saved Drain states',
  async inputs() {
    const files = inputMix(randomBytes([new Uint8Array(0), text('081109 203615 148 INFO ')]), generatedText(logText), mutatedFrom(logSeeds()));
    const state = drainStateSeed();
    const states = mutatedFrom([text(state)]).map((m) => new TextDecoder().decode(m.bytes));
    return fc.tuple(files, fc.constantFrom(undefined, LOGHUB_FORMATS.HDFS, '<Date> <Time> <Content>'), fc.option(states, { freq: 4, nil: undefined }))
      .map(([file, format, s]): LogInput => ({ ...file, format, ...(s !== undefined ? { state: s } : {}) }));
  },
  async read(input: LogInput) {
    let parser: DrainParser | undefined;
    if (input.state !== undefined) {
      let value: unknown;
      try {
        value = JSON.parse(input.state);
      } catch {
        value = undefined; // not JSON: a model file's checksum and JSON parse come first (fuzzed in the model target)
      }
      if (value !== undefined) parser = readLogPreprocessing(value, 'fuzz.dad').parser;
    }
    const path = scratch('input.log');
    writeFileSync(path, input.bytes);
    const file = await parseLogFile(path, { format: input.format, ...(parser !== undefined ? { parser } : {}) });
    for (const spec of [{ by: 'count', size: 5 }, { by: 'time', windowMs: 60_000 }, { by: 'identifier', pattern: 'blk_-?\\d+' }] as const) {
      const sessions = sessionsOf(file, spec);
      malformed(sessions.every((s) => s.keys.length === s.lines.length && s.keys.every((k) => Number.isInteger(k) && k >= 1)), 'a session with keys and lines out of step');
    }
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Model files and checkpoints

function gaussian(rows: number, cols: number, seed: number): Matrix {
  const rng = new Rng(seed);
  return createMatrix(rows, cols, Float64Array.from({ length: rows * cols }, () => rng.normal()));
}

function modelSeeds(): Uint8Array[] {
  const X = gaussian(120, 4, 5);
  const fit = (name: string, options: Record<string, unknown>): Uint8Array => {
    const Cls = getDetectorClass(name);
    return encodeModel(new Cls(options).fit(X), { preprocessing: { scale: 'standard', columns: ['a', 'b', 'c', 'd'] } });
  };
  const net = mlp([4, 3, 4], { rng: new Rng(1) });
  return [
    fit('hbos', {}),
    fit('iforest', { trees: 5 }),
    fit('knn', {}),
    fit('autoencoder', { epochs: 1, hiddenSizes: [3], batchSize: 64 }),
    encodeCheckpoint({ network: net.stateDict() }),
  ];
}

/** The header JSON of a safetensors file, and its data section. */
function split(bytes: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), data: bytes.subarray(8 + n) };
}

function join8(header: unknown, data: Uint8Array, declared?: bigint): Uint8Array {
  const json = text(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declared ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** Every path to a value inside a JSON value. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function setAt(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy: any = structuredClone(root);
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]!] = value;
  return copy;
}

const hostileJson = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(1e12, -1, 2 ** 53, 1e308, 0, 0.5, '', 'F64', 'I64', [1e12, 1e12], [0, 2 ** 53], [2 ** 31, 2 ** 31], { dtype: 'F32', shape: [1e6, 1e6], data_offsets: [0, 8] }, null),
);

/**
 * Well-formed files wrong in one chosen place, past the checks a random change trips first: a value anywhere in the
 * tensor index (shapes, offsets, dtypes, huge declared sizes); a value anywhere in the manifest with the manifest's
 * checksum recomputed (so the schema and the detector's restore see it); weights changed with both checksums
 * recomputed; a declared header length beyond the file.
 */
function resigned(seeds: readonly Uint8Array[]): fc.Arbitrary<FuzzInput> {
  return fc.tuple(fc.constantFrom(...seeds), fc.constantFrom('index', 'manifest', 'weights', 'length'), fc.nat(), hostileJson, fc.nat(), fc.nat(7))
    .map(([seed, where, pick, value, at, bit]) => {
      const { header, data } = split(seed);
      const meta = header['__metadata__'] as Record<string, string>;
      const bytes = ((): Uint8Array => {
        if (where === 'length') return join8(header, data, [2n ** 63n, 2n ** 32n, BigInt(seed.length)][pick % 3]);
        if (where === 'index') {
          const all = paths(header).filter((p) => p[0] !== '__metadata__');
          return join8(setAt(header, all[pick % all.length]!, value), data);
        }
        const manifestText = meta[MANIFEST_KEY];
        if (manifestText === undefined) return join8(setAt(header, ['__metadata__', 'checkpoint'], JSON.stringify(value)), data); // a checkpoint
        let manifest = JSON.parse(manifestText) as Record<string, unknown>;
        let changed = data;
        if (where === 'manifest') {
          const all = paths(manifest);
          manifest = setAt(manifest, all[pick % all.length]!, value) as Record<string, unknown>;
        } else if (data.length > 0) {
          changed = data.slice();
          changed[at % data.length]! ^= 1 << bit;
          manifest = { ...manifest, weightsSha256: sha256Hex(changed) };
        }
        const json = JSON.stringify(manifest);
        return join8({ ...header, __metadata__: { ...meta, [MANIFEST_KEY]: json, [MANIFEST_SHA256_KEY]: sha256Hex(json) } }, changed);
      })();
      return { kind: 'generated' as const, bytes };
    });
}

export const modelTarget: FuzzTarget = {
  name: 'model',
  reads: 'model files and training checkpoints (src/model-io decodeModel / decodeCheckpoint: safetensors header, tensor index, manifest, checksums, restore)',
  async inputs() {
    const seeds = modelSeeds();
    const headerOnly = fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.uint8Array({ maxLength: 64 })).map(([h, d]): FuzzInput => ({ kind: 'generated', bytes: join8(h, d) }));
    return inputMix(randomBytes([new Uint8Array(0), new Uint8Array([16, 0, 0, 0, 0, 0, 0, 0, 0x7b])]), fc.oneof(resigned(seeds), headerOnly), mutatedFrom(seeds));
  },
  async read(input) {
    let error: unknown;
    try {
      const model = decodeModel(input.bytes, 'fuzz.dad');
      malformed(typeof model.detector.name === 'string' && Number.isInteger(model.manifest.nFeatures), 'a model without a detector name or feature count');
    } catch (e) {
      error = e;
    }
    try {
      const parts = decodeCheckpoint(input.bytes, 'fuzz.ckpt');
      for (const state of Object.values(parts)) {
        for (const [name, values] of Object.entries(state.tensors)) {
          const shape = state.shapes[name];
          malformed(shape !== undefined && shape.reduce((a, b) => a * b, 1) === values.length, `checkpoint tensor '${name}' does not fit its shape`);
        }
      }
      return; // a checkpoint read whole is a good result even where the model reader refused it
    } catch (e) {
      if (!(e instanceof Error && e.name === 'ModelFileError')) throw e;
    }
    if (error !== undefined) throw error;
  },
};

// ---------------------------------------------------------------------------------------------------------------

/** Every target, IDX included when the images reader exists (it is loaded by path, so this file never needs it). */
export async function allTargets(): Promise<FuzzTarget[]> {
  const targets = [csvTarget, jsonlTarget, npyTarget, parquetTarget, logsTarget, modelTarget];
  const idx = await idxTarget();
  if (idx !== undefined) targets.push(idx);
  return targets;
}

async function idxTarget(): Promise<FuzzTarget | undefined> {
  if (!existsSync(new URL('../../src/images/idx.ts', import.meta.url))) return undefined;
  const module = './idx-target.ts'; // a variable: this file typechecks before the images reader exists
  return ((await import(module)) as { idxTarget: FuzzTarget }).idxTarget;
}
