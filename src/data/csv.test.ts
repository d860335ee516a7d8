import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, OptionError } from '../core/errors.ts';
import { toRows } from '../core/matrix.ts';
import { parseCsvText, readTable, sniffDelimiter } from './index.ts';
import { writeFixture } from './test-helpers.ts';

describe('CSV files', () => {
  it('reads a numeric CSV with a header, a label and an id column', async () => {
    const path = writeFixture('basic.csv', 'id,a,b,label\nr1,1,2.5,0\nr2,3,-4e1,1\nr3,5,6,0\n');
    const t = await readTable(path, { label: 'label', id: 'id' });
    assert.deepEqual(toRows(t.X), [[1, 2.5], [3, -40], [5, 6]]);
    assert.deepEqual([...t.y!], [0, 1, 0]);
    assert.deepEqual(t.ids, ['r1', 'r2', 'r3']);
    assert.deepEqual(t.features, ['a', 'b']);
    assert.equal(t.source, path);
    assert.equal(t.schema.header, true);
  });

  it('reads gzip transparently, by content', async () => {
    const text = 'a,b\n1,2\n3,4\n';
    const gz = await readTable(writeFixture('plain.csv.gz', text, { gzip: true }));
    assert.deepEqual(toRows(gz.X), [[1, 2], [3, 4]]);
    // a gzip file without .gz in its name is still gunzipped
    const hidden = await readTable(writeFixture('hidden-gzip.csv', text, { gzip: true }));
    assert.deepEqual(toRows(hidden.X), [[1, 2], [3, 4]]);
  });

  it('accepts CRLF line ends, a byte-order mark, blank lines and quoted values over several lines', async () => {
    const path = writeFixture('crlf.csv', '\ufeffa,"b"\r\n1,2\r\n\r\n3,"4"\r\n');
    const t = await readTable(path);
    assert.deepEqual(t.features, ['a', 'b']);
    assert.deepEqual(toRows(t.X), [[1, 2], [3, 4]]);
    const q = parseCsvText('note,x\n"two\nlines, with comma",1\n"say ""hi""",2\n', { categorical: 'frequency' });
    assert.equal(q.X.rows, 2);
    assert.deepEqual(q.schema.columns[0], {
      name: 'note', role: 'feature', kind: 'categorical', encoding: 'frequency',
      categories: ['say "hi"', 'two\nlines, with comma'], frequencies: [0.5, 0.5],
    });
  });

  it('reads a file of many short lines (more lines in one read chunk than a call takes arguments)', async () => {
    const t = await readTable(writeFixture('short-lines.csv', `x\n${'1\n'.repeat(300_000)}`));
    assert.equal(t.X.rows, 300_000);
  });

  it('stops after maxRows data rows', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${i},${i * 2}`).join('\n');
    const t = await readTable(writeFixture('many.csv', `a,b\n${rows}\n`), { maxRows: 1500 });
    assert.equal(t.X.rows, 1500);
    assert.deepEqual(toRows(t.X)[1499], [1499, 2998]);
    assert.equal(parseCsvText(`a,b\n${rows}\n`, { maxRows: 7 }).X.rows, 7);
  });

  it('reads a file longer than the held-back sample the same way as a short one', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => `${i % 7},${i % 3 === 0 ? 'x' : 'y'},${i % 2}`).join('\n');
    const t = await readTable(writeFixture('long.csv', `n,c,label\n${rows}\n`), { label: 'label' });
    assert.equal(t.X.rows, 2500);
    assert.deepEqual(t.features, ['n', 'c=x', 'c=y']);
    assert.deepEqual(toRows(t.X)[2499], [2499 % 7, 1, 0]); // 2499 % 3 === 0: 'x'
    assert.equal(t.y![2499], 2499 % 2);
  });
});

describe('header detection', () => {
  it('sees a header when text stands over numbers', () => {
    assert.equal(parseCsvText('x,y\n1,2\n').schema.header, true);
    assert.deepEqual(parseCsvText('x,y\n1,2\n').features, ['x', 'y']);
  });

  it('sees no header in an all-numeric file, and names the columns col0, col1, …', () => {
    const t = parseCsvText('1,2\n3,4\n');
    assert.equal(t.schema.header, false);
    assert.deepEqual(t.features, ['col0', 'col1']);
    assert.deepEqual(toRows(t.X), [[1, 2], [3, 4]]);
  });

  it('tells a header from data in an all-text file by whether its values recur below', () => {
    assert.equal(parseCsvText('color,size\nred,S\nblue,M\nred,S\n').schema.header, true);
    assert.equal(parseCsvText('red,S\nblue,M\nred,S\n').schema.header, false);
  });

  it('obeys header: true / false', () => {
    // without the header, its names are values: text in numeric columns
    assert.throws(() => parseCsvText('x,y\n1,2\n', { header: false }), /text line 1, column 'col0' \(index 0\): expected a number, got 'x'/);
    const forced = parseCsvText('1,2\n3,4\n', { header: true });
    assert.deepEqual(forced.features, ['1', '2']);
    assert.deepEqual(toRows(forced.X), [[3, 4]]);
  });

  it('lets a label or an id be named by 0-based index, also as a digit string', () => {
    const t = parseCsvText('1,2,0\n3,4,1\n', { label: 2, id: '0' });
    assert.deepEqual(t.features, ['col1']);
    assert.deepEqual([...t.y!], [0, 1]);
    assert.deepEqual(t.ids, ['1', '3']);
  });
});

describe('delimiter sniffing', () => {
  it('finds comma, semicolon, tab and pipe', () => {
    assert.equal(sniffDelimiter(['a,b,c', '1,2,3']), ',');
    assert.equal(sniffDelimiter(['a;b;c', '1;2;3']), ';');
    assert.equal(sniffDelimiter(['a\tb', '1\t2']), '\t');
    assert.equal(sniffDelimiter(['a|b', '1|2']), '|');
  });

  it('ignores delimiters inside quoted values and prefers the consistent candidate', () => {
    assert.equal(sniffDelimiter(['name;value', '"Smith, J";1', '"Doe, A";2']), ';');
    assert.equal(sniffDelimiter(['a,b;c', '1,2;3,4']), ';');
  });

  it('reads .tsv as tab-separated and obeys an explicit delimiter', async () => {
    const t = await readTable(writeFixture('tabs.tsv', 'a\tb\n1\t2\n'));
    assert.deepEqual(toRows(t.X), [[1, 2]]);
    const s = parseCsvText('a;b\n1;2\n', { delimiter: ';' });
    assert.deepEqual(toRows(s.X), [[1, 2]]);
  });
});

describe('categorical columns', () => {
  const text = 'color,x\nred,1\nblue,2\nred,3\ngreen,4\n';

  it('one-hot encodes by default, categories sorted', () => {
    const t = parseCsvText(text);
    assert.deepEqual(t.features, ['color=blue', 'color=green', 'color=red', 'x']);
    assert.deepEqual(toRows(t.X), [[0, 0, 1, 1], [1, 0, 0, 2], [0, 0, 1, 3], [0, 1, 0, 4]]);
  });

  it('frequency-encodes as the share of training rows', () => {
    const t = parseCsvText(text, { categorical: 'frequency' });
    assert.deepEqual(t.features, ['color', 'x']);
    assert.deepEqual(toRows(t.X).map((r) => r[0]), [0.5, 0.25, 0.5, 0.25]);
  });

  it("refuses them with categorical: 'error', naming line, column and value", () => {
    assert.throws(() => parseCsvText(text, { categorical: 'error' }, 'colors.csv'),
      (e: unknown) => e instanceof InputError && /colors\.csv line 2, column 'color' \(index 0\): expected a number, got 'red'/.test(e.message));
  });

  it('reads number-like codes as categories when named in categoricalColumns', () => {
    const t = parseCsvText('zip,x\n02134,1\n10001,2\n02134,3\n', { categoricalColumns: ['zip'] });
    assert.deepEqual(t.features, ['zip=02134', 'zip=10001', 'x']);
  });

  it('refuses one-hot encoding of a column with more distinct values than MAX_ONEHOT_CATEGORIES', () => {
    const rows = Array.from({ length: 1001 }, (_, i) => `name${i},${i}`).join('\n');
    assert.throws(() => parseCsvText(`name,x\n${rows}\n`, {}, 'names.csv'),
      (e: unknown) => e instanceof InputError && /names\.csv line 1002, column 'name'.*more than 1000 distinct values.*id column/.test(e.message));
  });
});

describe('missing values and imputation', () => {
  const text = 'a,c\n1,red\nNA,blue\n3,\n5,red\n?,red\n';

  it('are an error by default, naming file, line and column', () => {
    assert.throws(() => parseCsvText(text, {}, 'gaps.csv'),
      (e: unknown) => e instanceof InputError && /gaps\.csv line 3, column 'a' \(index 0\): the value is missing \('NA'\).*--impute/.test(e.message));
  });

  it("'nan', '', 'null' and '?' are missing too", () => {
    for (const token of ['nan', 'NaN', '', 'null', '?', 'None']) {
      assert.throws(() => parseCsvText(`a,b\n1,2\n${token},4\n`), /line 3, column 'a' \(index 0\): the value is missing/);
    }
  });

  it('median: numeric columns get the training median, categorical ones the most frequent category', () => {
    const t = parseCsvText(text, { impute: 'median' });
    assert.deepEqual(t.features, ['a', 'c=blue', 'c=red']);
    assert.deepEqual(toRows(t.X), [[1, 0, 1], [3, 1, 0], [3, 0, 1], [5, 0, 1], [3, 0, 1]]);
    assert.deepEqual(t.schema.columns[0], { name: 'a', role: 'feature', kind: 'numeric', impute: 3 });
    assert.equal(t.schema.impute, 'median');
  });

  it('most-frequent: numeric columns get their most frequent value (the smallest among ties)', () => {
    const t = parseCsvText('a\n1\n2\n2\nNA\n1\n', { impute: 'most-frequent' });
    assert.deepEqual(toRows(t.X).map((r) => r[0]), [1, 2, 2, 1, 1]);
  });

  it('a column with no value at all cannot be imputed', () => {
    assert.throws(() => parseCsvText('a,b\n1,NA\n2,NA\n', { impute: 'median' }), /column 'b' \(index 1\): every value is missing/);
  });
});

describe('bad input is refused with a clear message', () => {
  const throwsInput = async (content: string, pattern: RegExp, options = {}): Promise<void> => {
    const path = writeFixture(`bad-${Math.abs(hash(content + JSON.stringify(options)))}.csv`, content);
    await assert.rejects(readTable(path, options), (e: unknown) => {
      assert.ok(e instanceof InputError || e instanceof OptionError, `expected a DadError, got ${String(e)}`);
      assert.match((e as Error).message, pattern);
      assert.ok((e as Error).message.includes(path), `the message names the file: ${(e as Error).message}`);
      return true;
    });
  };

  it('an empty file', async () => {
    await throwsInput('', /is empty/);
    await throwsInput('\n\n', /is empty/);
  });

  it('a header and no data rows', async () => {
    await throwsInput('a,b,label\n', /has a header \(line 1\) but no data rows/);
  });

  it('a ragged row, naming the line and both field counts', async () => {
    await throwsInput('a,b,c\n1,2,3\n4,5\n', /line 3 has 2 fields, but the header \(line 1\) has 3/);
    // past the held-back sample too
    const rows = Array.from({ length: 1500 }, () => '1,2,3').join('\n');
    await throwsInput(`a,b,c\n${rows}\n1,2,3,4\n`, /line 1502 has 4 fields, but the header \(line 1\) has 3/);
  });

  it('text in a numeric column, naming line, column name and index, and the text', async () => {
    await throwsInput('a,b\n1,2\n3,abc\n5,6\n', /line 3, column 'b' \(index 1\): expected a number, got 'abc'/);
    const rows = Array.from({ length: 1200 }, (_, i) => `${i},1`).join('\n');
    await throwsInput(`a,b\n${rows}\n12a,1\n`, /line 1202, column 'a' \(index 0\): expected a number, got '12a'/);
  });

  it('infinity, naming where, as not finite', async () => {
    for (const token of ['inf', 'Infinity', '-inf', '-Infinity']) {
      await throwsInput(`a,b\n1,2\n3,${token}\n`, new RegExp(`line 3, column 'b' \\(index 1\\): '${token}' is not finite`));
    }
  });

  it('an unknown label, id or ignored column, listing the columns', async () => {
    await throwsInput('a,b,y\n1,2,0\n', /Unknown label column 'target'.*Its columns are: a, b, y/, { label: 'target' });
    await throwsInput('a,b,y\n1,2,0\n', /Unknown id column 'key'.*Its columns are: a, b, y/, { id: 'key' });
    await throwsInput('a,b,y\n1,2,0\n', /Unknown ignored column 'zz'.*Its columns are: a, b, y/, { ignore: ['zz'] });
    await throwsInput('a,b,y\n1,2,0\n', /label column index 7 is out of range.*3 columns \(indices 0 to 2\)/, { label: 7 });
  });

  it('a label that is not 0/1, saying what is accepted', async () => {
    await throwsInput('a,y\n1,0\n2,2\n', /line 3, label column 'y' \(index 1\) is '2', not a label\. Accepted labels: 1 \/ 0, true \/ false/, { label: 'y' });
    await throwsInput('a,y\n1,0\n2,\n', /line 3, label column 'y' \(index 1\) is missing/, { label: 'y' });
  });

  it('an unclosed quote, naming the line it opened on', async () => {
    await throwsInput('a,b\n1,"2\n3,4\n', /line 2: a quoted value opened on this line is never closed/);
  });

  it('a column named twice in the header', async () => {
    await throwsInput('a,b,a\n1,2,3\n', /names column 'a' twice, at indices 0 and 2/);
  });

  it('no feature column left', async () => {
    await throwsInput('id,y\nr1,0\n', /no feature columns left/, { id: 'id', label: 'y' });
  });

  it('a binary file read as text', async () => {
    const path = writeFixture('binary.csv', new Uint8Array([0x93, 0x4e, 0x55, 0xff, 0xfe, 0x00, 0xc3]));
    await assert.rejects(readTable(path), /is not UTF-8 text/);
  });

  it('a missing file', async () => {
    await assert.rejects(readTable('/nonexistent/folder/x.csv'), (e: unknown) => e instanceof InputError && /File not found: \/nonexistent\/folder\/x\.csv/.test(e.message));
  });

  it('an unknown extension, naming the known formats', async () => {
    await assert.rejects(readTable('data.xlsx'), (e: unknown) => e instanceof OptionError && /Cannot tell the format of data\.xlsx.*\.csv/.test(e.message));
  });

  it('an invalid reader option, naming it', () => {
    assert.throws(() => parseCsvText('a\n1\n', { impute: 'mean' as 'median' }), (e: unknown) => e instanceof OptionError && /'impute'/.test(e.message));
  });
});

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}
