/** `dad logs templates` and `dad logs detect` end to end on a small generated log, through the real binary. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { Rng } from '../core/rng.ts';

const bin = fileURLToPath(new URL('../../bin/dad.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dadkit-logs-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function dad(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, DAD_DEBUG: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** 120 block sessions of open / writes / close, interleaved; block 7777 writes after it closed, block 8888 never closes. */
function writeLog(): string {
  const rng = new Rng(4);
  const lines: string[] = [];
  for (let b = 1; b <= 120; b++) {
    const id = `blk_${b === 60 ? 7777 : b === 61 ? 8888 : b}`;
    lines.push(`INFO Opening block ${id} for client 10.0.0.${b % 200}`);
    const writes = 1 + rng.int(3);
    for (let w = 0; w < writes; w++) lines.push(`INFO Wrote ${rng.int(9000) + 100} bytes to ${id}`);
    if (b !== 61) lines.push(`INFO Closed block ${id}`);
    if (b === 60) lines.push(`INFO Wrote 512 bytes to ${id}`);
  }
  const path = join(dir, 'blocks.log');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('dad logs', () => {
  const log = writeLog();

  it('templates: prints the mined templates with counts', () => {
    const r = dad(['logs', 'templates', log, '--mask', 'blockId', '--mask', 'ip', '--mask', 'number']);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split('\n');
    assert.equal(rows.length, 3, r.stdout);
    assert.match(rows[0]!, /^\s*\d+ {2}E2 {2}INFO Wrote <\*> bytes to <\*>$/);
    assert.match(r.stdout, /120 {2}E1 {2}INFO Opening block <\*> for client <\*>/);
  });

  it('detect: trains, prints the anomalous sessions with their lines, and a saved model gives the same answer', () => {
    const model = join(dir, 'blocks.dad');
    const args = ['--session', 'blk_\\d+', '--mask', 'blockId', '--mask', 'ip', '--mask', 'number', '-o', 'json'];
    const r = dad(['logs', 'detect', log, ...args, '--options', '{"epochs":120,"hiddenSize":16,"embeddingDim":8,"topG":2}', '--save', model]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { sessions: number; shown: { session: string; unexpected: { line: number; reason: string }[] }[] };
    assert.equal(out.sessions, 120);
    assert.deepEqual(out.shown.map((s) => s.session).sort(), ['blk_7777', 'blk_8888']);
    const late = out.shown.find((s) => s.session === 'blk_7777')!;
    assert.ok(late.unexpected.some((u) => /not among/.test(u.reason)), JSON.stringify(late));
    const again = dad(['logs', 'detect', log, '--model', model, '-o', 'json']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout).shown, out.shown);
  });

  it('detect: usage errors exit 2 with a message', () => {
    const r = dad(['logs', 'detect', log]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--session/);
    assert.equal(dad(['logs', 'detect', log, '--window', '5 minutes']).code, 2);
    assert.equal(dad(['logs', 'detect', log, '--session', 'x', '-d', 'iforest']).code, 2);
  });
});
