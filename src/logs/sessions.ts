import { OptionError } from '../core/errors.ts';

/**
 * Sessions: the units a log detector scores. A session is a sequence of log keys (template ids) with the line
 * numbers they came from, so that a detector's unexpected positions map back to lines. Lines are grouped by an
 * identifier found in them (the HDFS block id: a line naming two blocks belongs to both, as in loghub's HDFS
 * preprocessing), by fixed time windows, or by fixed counts of lines.
 */

export interface LogEvent {
  /** the log key: the template (cluster) id */
  key: number;
  /** 1-based line number in the file */
  line: number;
  /** the raw line, for identifier grouping */
  text: string;
  /** milliseconds since the epoch (or any monotone clock), for time windows; NaN when the line has none */
  time: number;
}

export interface Session {
  /** the identifier, or the window as "start…end" (ISO times) / "lines a–b" */
  id: string;
  keys: number[];
  lines: number[];
}

export type SessionSpec =
  | { by: 'identifier'; pattern: string }
  | { by: 'time'; windowMs: number; stepMs?: number }
  | { by: 'count'; size: number; step?: number };

/** Groups events into sessions, in order of each session's first line. */
export function groupSessions(events: readonly LogEvent[], spec: SessionSpec): Session[] {
  switch (spec.by) {
    case 'identifier': return byIdentifier(events, spec.pattern);
    case 'time': return byTime(events, spec.windowMs, spec.stepMs ?? spec.windowMs);
    case 'count': return byCount(events, spec.size, spec.step ?? spec.size);
  }
}

function byIdentifier(events: readonly LogEvent[], pattern: string): Session[] {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'g');
  } catch (error) {
    throw new OptionError(`The session pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${(error as Error).message}`, { cause: error });
  }
  const sessions = new Map<string, Session>();
  for (const e of events) {
    const ids = new Set<string>();
    for (const m of e.text.matchAll(re)) ids.add(m[1] ?? m[0]);
    for (const id of ids) {
      let s = sessions.get(id);
      if (s === undefined) {
        s = { id, keys: [], lines: [] };
        sessions.set(id, s);
      }
      s.keys.push(e.key);
      s.lines.push(e.line);
    }
  }
  return [...sessions.values()];
}

function byTime(events: readonly LogEvent[], windowMs: number, stepMs: number): Session[] {
  if (!(windowMs > 0) || !(stepMs > 0)) throw new OptionError(`Time windows need a positive length and step. Got ${windowMs} ms and ${stepMs} ms instead.`);
  const timed = events.filter((e) => Number.isFinite(e.time));
  if (timed.length === 0) return [];
  // sorted first, so the ends need no Math.min(...times): spreading a long file's times overflows the call stack
  const sorted = [...timed].sort((a, b) => a.time - b.time || a.line - b.line);
  const start = Math.floor(sorted[0]!.time / stepMs) * stepMs; // floor, not time − time % step: that rounds up before 1970
  const end = sorted[sorted.length - 1]!.time;
  const sessions: Session[] = [];
  let first = 0;
  for (let t = start; t <= end;) {
    while (first < sorted.length && sorted[first]!.time < t) first++;
    if (first === sorted.length) break;
    const next = sorted[first]!.time;
    if (next >= t + windowMs) {
      // An empty window: jump to the first window that reaches the next line. Stepping through every empty one hangs
      // on a file whose times span years (one odd timestamp) with minute windows (found by fuzzing).
      t = Math.max(t + stepMs, start + (Math.floor((next - windowMs - start) / stepMs) + 1) * stepMs);
      continue;
    }
    const s: Session = { id: `${isoTime(t)}…${isoTime(t + windowMs)}`, keys: [], lines: [] };
    for (let i = first; i < sorted.length && sorted[i]!.time < t + windowMs; i++) {
      s.keys.push(sorted[i]!.key);
      s.lines.push(sorted[i]!.line);
    }
    sessions.push(s);
    t += stepMs;
  }
  return sessions;
}

/** A time as ISO 8601, or as milliseconds where it is beyond what a Date holds (±275,760 years). */
function isoTime(ms: number): string {
  return Number.isNaN(new Date(ms).getTime()) ? `${ms} ms` : new Date(ms).toISOString();
}

function byCount(events: readonly LogEvent[], size: number, step: number): Session[] {
  if (!Number.isInteger(size) || size < 1 || !Number.isInteger(step) || step < 1) {
    throw new OptionError(`Count windows need a whole positive size and step. Got ${size} and ${step} instead.`);
  }
  const sessions: Session[] = [];
  for (let i = 0; i < events.length; i += step) {
    const part = events.slice(i, i + size);
    sessions.push({ id: `lines ${part[0]!.line}–${part[part.length - 1]!.line}`, keys: part.map((e) => e.key), lines: part.map((e) => e.line) });
    if (i + size >= events.length) break;
  }
  return sessions;
}

/** "5m", "30s", "2h", "1d", "250ms" → milliseconds; an OptionError otherwise. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new OptionError(`The window ${JSON.stringify(text)} is not a duration: write a number and a unit, e.g. 30s, 5m, 1h, 1d.`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/**
 * The time of a log line, from the first timestamp of a known shape in it: ISO 8601 (`2005-06-03T15:42:50`, also
 * with a space), BGL (`2005-06-03-15.42.50.675872`), HDFS (`081109 203615` at the start), epoch seconds (10 digits
 * after the first field). Times without a zone are read as UTC. NaN when none is found.
 */
export function lineTime(line: string): number {
  let m = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?/.exec(line);
  if (m) return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) + Math.round(Number(m[7] ?? 0) * 1000);
  m = /(\d{4})-(\d{2})-(\d{2})-(\d{2})\.(\d{2})\.(\d{2})(\.\d+)?/.exec(line);
  if (m) return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) + Math.round(Number(m[7] ?? 0) * 1000);
  m = /^(\d{2})(\d{2})(\d{2}) (\d{2})(\d{2})(\d{2})\b/.exec(line);
  if (m) return Date.UTC(2000 + +m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  m = /^\S+\s+(\d{10})\b/.exec(line);
  if (m) return Number(m[1]) * 1000;
  return Number.NaN;
}
