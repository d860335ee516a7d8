import { InputError } from '../core/errors.ts';

/**
 * Timestamps as numbers. Text is read as ISO 8601 ('2014-04-01T00:00:00Z', '2014-04-01 00:00:00', a date alone);
 * without a zone it is taken as UTC, so that a file reads the same on every machine. A column of plain numbers
 * (epoch seconds, sample indices) is kept as numbers: only their differences matter for gaps and resampling.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** Milliseconds since the epoch for an ISO 8601 text, or the number itself for a numeric text. */
export function parseTimestamp(text: string, where: string): number {
  const t = text.trim();
  if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  const m = ISO.exec(t);
  if (m !== null) {
    const [, y, mo, d, h, mi, s, frac, zone] = m;
    let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), frac === undefined ? 0 : Math.round(Number(frac) * 1000));
    if (zone !== undefined && zone.toUpperCase() !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
    if (Number.isFinite(ms)) return ms;
  }
  throw new InputError(`${where}: cannot read ${JSON.stringify(text)} as a timestamp. Expected ISO 8601 ('2014-04-01 00:00:00', '2014-04-01T00:00:00Z') or a number.`);
}

/** ISO 8601 text for milliseconds since the epoch ('2014-04-01T00:00:00.000Z'), or the number itself when the time column was numeric. */
export function formatTimestamp(t: number, numeric: boolean): string {
  return numeric ? String(t) : new Date(t).toISOString();
}
