import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ModelFileError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { Adam, gather, mlp, mseLoss, tensor, trainStep } from '../engine/index.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';

function data(): Float32Array {
  const r = new Rng(3);
  return Float32Array.from({ length: 64 * 8 }, () => r.normal());
}

/** A small MLP autoencoder and its Adam optimiser; `steps` training steps on fixed batches. */
function setup() {
  const model = mlp([8, 6, 3, 6, 8], { rng: new Rng(11), activation: 'tanh' });
  const optimizer = new Adam(model.parameters(), { lr: 1e-2 });
  const X = tensor(data(), [64, 8]);
  const step = (i: number): number => {
    const rows = Int32Array.from({ length: 16 }, (_, k) => (i * 16 + k) % 64);
    return trainStep(optimizer, () => {
      const batch = gather(X, rows);
      return mseLoss(model.forward(batch), batch);
    });
  };
  return { model, optimizer, step };
}

test('a checkpoint of weights and Adam state resumes training exactly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dad-ckpt-'));
  const straight = setup();
  const lossesStraight: number[] = [];
  for (let i = 0; i < 10; i++) lossesStraight.push(straight.step(i));

  const first = setup();
  for (let i = 0; i < 5; i++) first.step(i);
  const path = join(dir, 'train.ckpt');
  await saveCheckpoint(path, { model: first.model.stateDict(), optimizer: first.optimizer.stateDict() });

  const resumed = setup();
  const parts = await loadCheckpoint(path);
  resumed.model.loadStateDict(parts.model!);
  resumed.optimizer.loadStateDict(parts.optimizer!);
  const lossesResumed: number[] = [];
  for (let i = 5; i < 10; i++) lossesResumed.push(resumed.step(i));
  assert.deepEqual(lossesResumed, lossesStraight.slice(5));
  assert.deepEqual(parts.model!.shapes['0.weight'], [8, 6]);
});

test('a damaged or foreign checkpoint is refused with a clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dad-ckpt-'));
  const { model, optimizer } = setup();
  const path = join(dir, 'c.ckpt');
  await saveCheckpoint(path, { model: model.stateDict(), optimizer: optimizer.stateDict() });
  const bytes = readFileSync(path);
  bytes[bytes.length - 3]! ^= 0x10;
  writeFileSync(path, bytes);
  await assert.rejects(loadCheckpoint(path), (e: unknown) => e instanceof ModelFileError && /checksum mismatch/.test(e.message));
  writeFileSync(path, 'a,b\n1,2\n');
  await assert.rejects(loadCheckpoint(path), ModelFileError);
  await assert.rejects(loadCheckpoint(join(dir, 'missing.ckpt')), /Checkpoint file '.*missing\.ckpt' does not exist/);
});
