import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toRows } from '../core/matrix.ts';
import { readTable } from './index.ts';
import { writeFixture } from './test-helpers.ts';

/**
 * A 4-row Parquet file written by hyparquet-writer 0.17.0 (default settings: snappy, dictionary pages) from
 *   id: STRING [r1 r2 r3 r4], x: DOUBLE [1.5 2.5 null 4.5], n: INT64 [10 20 30 40],
 *   color: STRING [red blue red green], flag: BOOLEAN [true false true false], label: INT32 [0 0 1 0].
 * Kept as bytes so the tests need no Parquet writer among the project's dependencies.
 */
const FIXTURE = 'UEFSMRUGFTQVNlwVCBUAFQgVABUEFQAAAAMPGBgCAAAAcjECAQYwMgIAAAByMwIAAAByNBUGFTQVMFwVCBUCFQgVABUEFQAAAAMLGAAABQEE+D8FBygABEAAAAAAAAASQBUGFUQVNFwVCBUAFQgVABUEFQAAAAMPIAQKAAkBABQJBwQAHg0IHCgAAAAAAAAAFQYVQhVAXBUIFQAVCBUAFQQVAAAAAw8fPAMAAAByZWQEAAAAYmx1ZQMJDyAFAAAAZ3JlZW4VBhUGFQpcFQgVABUIFQAVBBUAAAADDwEABRUGFSQVIFwVCBUAFQgVABUEFQAAAAMPEAAADQEcAQAAAAAAAAAVBBl8SARyb290FQwAFQwlAhgCaWQlAAAVCiUCGAF4ABUEJQIYAW4AFQwlAhgFY29sb3IlAAAVACUCGARmbGFnABUCJQIYBWxhYmVsABYIGRwZbCYIHBUMGRUAGRgCaWQVAhYIFl4WYCYIPDYAKAJyNBgCcjEAGRwVBhUAFQIAAAAmaBwVChkVABkYAXgVAhYIFl4WWiZoPDYCKAgAAAAAAAASQBgIAAAAAAAA+D82AAAZHBUGFQAVAgAAACbCARwVBBkVABkYAW4VAhYIFm4WXibCATw2ACgIKAAAAAAAAAAYCAoAAAAAAAAAABkcFQYVABUCAAAAJqACHBUMGRUAGRgFY29sb3IVAhYIFmwWaiagAjw2ACgDcmVkGARibHVlABkcFQYVABUCAAAAJooDHBUAGRUAGRgEZmxhZxUCFggWMBY0JooDPDYAKAEBGAEAABkcFQYVABUCAAAAJr4DHBUCGRUAGRgFbGFiZWwVAhYIFk4WSia+Azw2ACgEAQAAABgEAAAAAAAZHBUGFQAVAgAAABaUBBYINoAEACgJaHlwYXJxdWV0GWwcAAAcAAAcAAAcAAAcAAAcAAAAvQEAAFBBUjE=';

describe('Parquet', () => {
  const path = writeFixture('small.parquet', Buffer.from(FIXTURE, 'base64'));

  it('reads columns by their Parquet names, with label, id, categories and imputation', async () => {
    const t = await readTable(path, { label: 'label', id: 'id', impute: 'median' });
    assert.deepEqual(t.features, ['x', 'n', 'color=blue', 'color=green', 'color=red', 'flag']);
    assert.deepEqual(toRows(t.X), [
      [1.5, 10, 0, 0, 1, 1],
      [2.5, 20, 1, 0, 0, 0],
      [2.5, 30, 0, 0, 1, 1],
      [4.5, 40, 0, 1, 0, 0],
    ]);
    assert.deepEqual([...t.y!], [0, 0, 1, 0]);
    assert.deepEqual(t.ids, ['r1', 'r2', 'r3', 'r4']);
  });

  it('names the row and column of a null when imputation is off, and obeys maxRows', async () => {
    await assert.rejects(readTable(path, { label: 'label', id: 'id' }), /small\.parquet row 3, column 'x' \(index 1\): the value is missing/);
    const two = await readTable(path, { id: 'id', ignore: ['color'], maxRows: 2 });
    assert.deepEqual(toRows(two.X), [[1.5, 10, 1, 0], [2.5, 20, 0, 0]]);
  });

  it('refuses a file that is not Parquet', async () => {
    await assert.rejects(readTable(writeFixture('fake.parquet', 'a,b\n1,2\n')), /fake\.parquet is not a readable Parquet file/);
  });
});
