/**
 * Writes examples/transactions.csv: 500 card transactions, 12 of them planted anomalies, with a `label` column
 * (1 = planted anomaly). Seeded, so the file is the same on every run: `npx tsx examples/make-transactions.ts`.
 *
 * Normal transactions are daytime purchases of a few items near home from accounts of some age. Each anomaly breaks
 * two or three of those habits at once (a large amount at night far from home, many items on a days-old account, …),
 * the kind of row a detector should rank first without being told which feature matters.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/rng.ts';

const ROWS = 500;
const ANOMALIES = 12;

interface Transaction {
  amount: number;
  hour: number;
  items: number;
  distanceKm: number;
  accountAgeDays: number;
  label: 0 | 1;
}

function normalTransaction(rng: Rng): Transaction {
  return {
    amount: Math.exp(rng.normal(3.4, 0.6)),
    hour: clamp(Math.round(rng.normal(14, 3)), 6, 23),
    items: 1 + Math.min(5, Math.floor(Math.abs(rng.normal(0, 1.5)))),
    distanceKm: Math.exp(rng.normal(1.5, 0.7)),
    accountAgeDays: Math.round(rng.uniform(60, 2500)),
    label: 0,
  };
}

/** Three kinds of anomaly, taken in turn. */
function anomalousTransaction(rng: Rng, kind: number): Transaction {
  const t = normalTransaction(rng);
  t.label = 1;
  if (kind === 0) {
    t.amount = rng.uniform(900, 2500);
    t.hour = rng.int(4) + 1;
    t.distanceKm = rng.uniform(300, 1200);
  } else if (kind === 1) {
    t.items = 15 + rng.int(20);
    t.accountAgeDays = rng.int(4) + 1;
    t.amount = rng.uniform(400, 900);
  } else {
    t.hour = rng.int(3) + 2;
    t.distanceKm = rng.uniform(2000, 6000);
    t.accountAgeDays = rng.int(10) + 1;
  }
  return t;
}

function clamp(x: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, x));
}

export function makeTransactions(seed = 2024): Transaction[] {
  const rng = new Rng(seed);
  const rows: Transaction[] = [];
  for (let i = 0; i < ROWS - ANOMALIES; i++) rows.push(normalTransaction(rng));
  for (let k = 0; k < ANOMALIES; k++) rows.push(anomalousTransaction(rng, k % 3));
  return rng.shuffle(rows);
}

export function toCsv(rows: readonly Transaction[]): string {
  const lines = ['amount,hour,items,distance_km,account_age_days,label'];
  for (const t of rows) lines.push(`${t.amount.toFixed(2)},${t.hour},${t.items},${t.distanceKm.toFixed(1)},${t.accountAgeDays},${t.label}`);
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = fileURLToPath(new URL('./transactions.csv', import.meta.url));
  writeFileSync(path, toCsv(makeTransactions()));
  process.stdout.write(`wrote ${path}\n`);
}
