/**
 * From a log file to sessions: lines are read (gzip or not), split by the log format (the whole line is the message
 * when none is given), mined into templates by Drain, and grouped into sessions. The parser can be one that earlier
 * runs learned (it goes on learning), and the whole setting is saved beside a detector in its model file, so that a
 * later run parses and groups exactly as the one that trained.
 */
import { z } from 'zod';
import { ModelFileError } from '../core/errors.ts';
import { readLines } from '../data/lines.ts';
import { DrainParser, type DrainOptions, type DrainState } from './drain.ts';
import { compileLogFormat, formatMismatch } from './log-format.ts';
import { groupSessions, lineTime, type LogEvent, type Session, type SessionSpec } from './sessions.ts';

export interface ParsedLogFile {
  events: LogEvent[];
  parser: DrainParser;
  /** line number → raw text, for showing the lines of a session */
  text: Map<number, string>;
}

export async function parseLogFile(path: string, options: { format?: string | undefined; parser?: DrainParser; drain?: DrainOptions } = {}): Promise<ParsedLogFile> {
  const parser = options.parser ?? new DrainParser(options.drain ?? {});
  const format = options.format === undefined ? undefined : compileLogFormat(options.format);
  const events: LogEvent[] = [];
  const text = new Map<number, string>();
  for await (const line of readLines(path)) {
    if (line.text.trim() === '') continue;
    let content = line.text;
    if (format !== undefined) {
      const fields = format.parse(line.text);
      if (fields === undefined) throw formatMismatch(path, line.number, line.text, format.format);
      content = fields['Content']!;
    }
    const parsed = parser.add(content);
    events.push({ key: parsed.clusterId, line: line.number, text: line.text, time: lineTime(line.text) });
    text.set(line.number, line.text);
  }
  return { events, parser, text };
}

const sessionSpecSchema = z.discriminatedUnion('by', [
  z.object({ by: z.literal('identifier'), pattern: z.string() }).strict(),
  z.object({ by: z.literal('time'), windowMs: z.number().gt(0), stepMs: z.number().gt(0).optional() }).strict(),
  z.object({ by: z.literal('count'), size: z.number().int().min(1), step: z.number().int().min(1).optional() }).strict(),
]);

/** What a log model file stores besides the detector (the `preprocessing` of src/model-io). */
export interface LogPreprocessing {
  kind: 'logs';
  version: 1;
  format?: string;
  sessions: SessionSpec;
  parser: DrainState;
}

const preprocessingSchema = z.object({
  kind: z.literal('logs'),
  version: z.literal(1),
  format: z.string().optional(),
  sessions: sessionSpecSchema,
  parser: z.unknown(),
}).strict();

export function logPreprocessing(parser: DrainParser, sessions: SessionSpec, format: string | undefined): LogPreprocessing {
  return { kind: 'logs', version: 1, ...(format === undefined ? {} : { format }), sessions, parser: parser.toState() };
}

/** The parser and settings of a log model file; a file of another kind is a ModelFileError naming it. */
export function readLogPreprocessing(value: unknown, source: string): { parser: DrainParser; sessions: SessionSpec; format: string | undefined } {
  const parsed = preprocessingSchema.safeParse(value);
  if (!parsed.success) throw new ModelFileError(`'${source}' is not a log model (its preprocessing is not a saved log parser and session setting); train one with \`dad logs detect --save\`.`);
  const sessions = parsed.data.sessions as SessionSpec;
  return { parser: DrainParser.fromState(parsed.data.parser), sessions, format: parsed.data.format };
}

export function sessionsOf(file: ParsedLogFile, spec: SessionSpec): Session[] {
  return groupSessions(file.events, spec);
}
