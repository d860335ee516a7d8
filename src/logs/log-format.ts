import { InputError, OptionError } from '../core/errors.ts';

/**
 * Log line formats in loghub's notation: header fields in angle brackets, the message in `<Content>`, e.g. HDFS
 * `<Date> <Time> <Pid> <Level> <Component>: <Content>`. As in logparser's `generate_logformat_regex`, each field
 * matches lazily and each run of spaces in the format matches one or more spaces.
 */
export interface LogFormat {
  readonly format: string;
  readonly fields: readonly string[];
  /** the fields of a line, or undefined when the line does not fit the format */
  parse(line: string): Record<string, string> | undefined;
}

/** Formats of the loghub benchmark (logpai/logparser `benchmark/*_benchmark.py`). */
export const LOGHUB_FORMATS = {
  HDFS: '<Date> <Time> <Pid> <Level> <Component>: <Content>',
  BGL: '<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>',
} as const;

export function compileLogFormat(format: string): LogFormat {
  const parts = format.split(/(<[^<>]+>)/);
  const fields: string[] = [];
  let source = '^';
  for (const part of parts) {
    const field = /^<([^<>]+)>$/.exec(part);
    if (field) {
      const name = field[1]!;
      if (!/^[A-Za-z_]\w*$/.test(name)) throw new OptionError(`Log format ${JSON.stringify(format)}: field <${name}> must be a name of letters, digits and '_'.`);
      if (fields.includes(name)) throw new OptionError(`Log format ${JSON.stringify(format)}: field <${name}> appears twice.`);
      fields.push(name);
      source += `(?<${name}>.*?)`;
    } else {
      source += part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ +/g, '\\s+');
    }
  }
  if (!fields.includes('Content')) throw new OptionError(`Log format ${JSON.stringify(format)} has no <Content> field: the message to parse.`);
  const re = new RegExp(`${source}$`);
  return {
    format,
    fields,
    parse(line: string) {
      const m = re.exec(line.trim());
      return m?.groups === undefined ? undefined : { ...m.groups };
    },
  };
}

/** The error for a line that does not fit: names the file, the line and the format. */
export function formatMismatch(file: string, lineNumber: number, line: string, format: string): InputError {
  const shown = line.length > 120 ? `${line.slice(0, 117)}...` : line;
  return new InputError(`${file}:${lineNumber}: the line does not fit the log format ${JSON.stringify(format)}: ${JSON.stringify(shown)}.`);
}
