/**
 * `dad logs`: log anomaly detection from raw lines.
 * - `dad logs templates <file.log>`: the templates Drain mines, with their counts.
 * - `dad logs detect <file.log> --session '<regex>' | --window 5m | --lines 100`: parses, groups lines into sessions,
 *   trains a detector on them (or loads one with --model), and prints the anomalous sessions with the lines that
 *   made them anomalous; `--report <file.html>` writes the HTML report of the sessions' scores.
 */
import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { InputError, OptionError } from '../core/errors.ts';
import type { SequenceDetector } from '../detectors/logs/sequence-detector.ts';
import { createDetector, getDetectorClass } from '../detectors/registry.ts';
import { DrainParser } from '../logs/drain.ts';
import { logPreprocessing, parseLogFile, readLogPreprocessing, sessionsOf } from '../logs/log-file.ts';
import { DEFAULT_MASKS } from '../logs/masks.ts';
import { parseDuration, type SessionSpec } from '../logs/sessions.ts';
import { loadModel, saveModel } from '../model-io/model-file.ts';
import { addReportOptions, checkReportFlags, commandLine, wantsReport, writeRunReport, type ReportFlags } from './report-option.ts';
import { collect } from './table-options.ts';

interface ParseFlags {
  logFormat?: string;
  mask?: string[];
  similarity?: string;
  depth?: string;
  output?: 'text' | 'json';
}

interface DetectFlags extends ParseFlags, ReportFlags {
  session?: string;
  window?: string;
  lines?: string;
  detector: string;
  options?: string;
  model?: string;
  save?: string;
  top: string;
}

export function registerLogs(program: Command): Command {
  const logs = program.command('logs').description('log anomaly detection: mine templates (Drain), group sessions, detect anomalous sessions');
  addParseOptions(logs.command('templates')
    .description('print the templates mined from a log file, most frequent first, with their counts')
    .argument('<file>', 'log file, plain or gzip'))
    .action(async (file: string, flags: ParseFlags) => templates(file, flags));

  addReportOptions(addParseOptions(logs.command('detect')
    .description('find anomalous sessions in a log file and the lines that made them anomalous')
    .argument('<file>', 'log file, plain or gzip')
    .option('--session <regex>', "group lines by the identifier this matches (its first group if any), e.g. 'blk_-?\\d+'")
    .option('--window <duration>', 'group lines into time windows, e.g. 30s, 5m, 1h (times read from the lines)')
    .option('--lines <n>', 'group every n lines into a session')
    .option('-d, --detector <name>', 'log detector: deeplog, loganomaly, log-pca, log-iforest, log-clustering', 'deeplog')
    .option('--options <json>', 'detector options as JSON, e.g. \'{"topG":5,"epochs":20}\'')
    .option('--model <file>', 'use this saved model (parser, sessions and detector) instead of training')
    .option('--save <file>', 'save the trained model (parser, session setting and detector) to this file')
    .option('--top <n>', 'show at most this many anomalous sessions', '20')))
    .action(async (file: string, flags: DetectFlags) => detect(file, flags));
  return logs;
}

function addParseOptions(command: Command): Command {
  return command
    .option('--log-format <format>', "line format in loghub's notation, e.g. '<Date> <Time> <Level> <Component>: <Content>'; default: the whole line is the message")
    .option('--mask <name|regex>', `variables masked before mining (repeatable): blockId, ip, hex, path, number, core or a regex; default ${DEFAULT_MASKS.join(', ')}`, collect)
    .option('--similarity <s>', 'Drain similarity threshold in (0, 1]', '0.5')
    .option('--depth <d>', 'Drain tree depth (≥ 3)', '4')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'));
}

function parserFromFlags(flags: ParseFlags): DrainParser {
  return new DrainParser({
    similarity: Number(flags.similarity ?? 0.5),
    depth: Number(flags.depth ?? 4),
    ...(flags.mask === undefined ? {} : { masks: flags.mask }),
  });
}

async function templates(file: string, flags: ParseFlags): Promise<void> {
  const { parser, events } = await parseLogFile(file, { format: flags.logFormat, parser: parserFromFlags(flags) });
  const rows = [...parser.clusters].sort((a, b) => b.count - a.count || a.id - b.id);
  if (flags.output === 'json') {
    process.stdout.write(`${JSON.stringify(rows.map((c) => ({ id: c.id, count: c.count, template: c.template.join(' ') })), null, 2)}\n`);
    return;
  }
  const width = String(rows[0]?.count ?? 0).length;
  process.stdout.write(rows.map((c) => `${String(c.count).padStart(width)}  E${c.id}  ${c.template.join(' ')}`).join('\n') + '\n');
  process.stderr.write(`${rows.length} templates from ${events.length} lines\n`);
}

function sessionSpecFromFlags(flags: DetectFlags): SessionSpec | undefined {
  const given = [flags.session, flags.window, flags.lines].filter((v) => v !== undefined).length;
  if (given > 1) throw new OptionError('Give one of --session, --window and --lines, not several.');
  if (flags.session !== undefined) return { by: 'identifier', pattern: flags.session };
  if (flags.window !== undefined) return { by: 'time', windowMs: parseDuration(flags.window) };
  if (flags.lines !== undefined) {
    const size = Number(flags.lines);
    if (!Number.isInteger(size) || size < 1) throw new OptionError(`--lines must be a whole number ≥ 1. Got ${JSON.stringify(flags.lines)} instead.`);
    return { by: 'count', size };
  }
  return undefined;
}

async function detect(file: string, flags: DetectFlags): Promise<void> {
  checkReportFlags(flags);
  let spec = sessionSpecFromFlags(flags);
  let detector: SequenceDetector;
  let parser: DrainParser;
  let format = flags.logFormat;
  const loading = flags.model !== undefined;
  if (loading) {
    const saved = await loadModel(flags.model!);
    const pre = readLogPreprocessing(saved.preprocessing, flags.model!);
    parser = pre.parser;
    spec ??= pre.sessions;
    format ??= pre.format;
    detector = saved.detector as SequenceDetector;
  } else {
    if (spec === undefined) throw new OptionError("Say how to group lines into sessions: --session '<regex>', --window <duration> or --lines <n>.");
    const cls = getDetectorClass(flags.detector);
    if (cls.info.modality !== 'logs') throw new OptionError(`Detector '${flags.detector}' is for ${cls.info.modality} data; \`dad list --modality logs\` shows the log detectors.`);
    if (cls.info.supervision[0] === 'supervised') throw new OptionError(`Detector '${flags.detector}' is supervised and needs labelled sessions; use it from the library (fitSessions(sessions, labels)).`);
    let options: Record<string, unknown> = {};
    if (flags.options !== undefined) {
      try {
        options = JSON.parse(flags.options) as Record<string, unknown>;
      } catch (cause) {
        throw new OptionError(`--options must be a JSON object. Got ${JSON.stringify(flags.options)} instead.`, { cause });
      }
    }
    detector = createDetector(flags.detector, options) as SequenceDetector;
    parser = parserFromFlags(flags);
  }
  const parsed = await parseLogFile(file, { format, parser });
  const sessions = sessionsOf(parsed, spec);
  if (sessions.length === 0) throw new InputError(`${file}: no sessions: no line matched the session setting ${JSON.stringify(spec)}.`);
  if (!loading) {
    if (sessions.length < 2) throw new InputError(`${file}: only ${sessions.length} session; a detector needs at least 2 to learn from.`);
    process.stderr.write(`training ${detector.name} on ${sessions.length} sessions, ${parser.clusters.length} templates\n`);
    detector.fitSessions(sessions.map((s) => s.keys));
  }
  const scores = detector.scoreSessions(sessions.map((s) => s.keys));
  const labels = detector.labelsFor(scores);
  if (flags.save !== undefined) await saveModel(flags.save, detector, { preprocessing: logPreprocessing(parser, spec, format), meta: { source: file } });
  const anomalous = sessions.map((s, i) => ({ s, score: scores[i]! })).filter((_, i) => labels[i] === 1).sort((a, b) => b.score - a.score);
  const top = Math.max(0, Number(flags.top) || 0);
  const shown = anomalous.slice(0, top).map(({ s, score }) => ({
    session: s.id,
    score,
    lines: s.lines.length,
    unexpected: detector.explainSession(s.keys).map((u) => ({
      line: s.lines[u.position]!,
      template: parser.cluster(u.key)?.template.join(' ') ?? `E${u.key}`,
      reason: u.reason,
      text: parsed.text.get(s.lines[u.position]!) ?? '',
    })),
  }));
  if (flags.output === 'json') {
    process.stdout.write(`${JSON.stringify({ detector: detector.name, threshold: detector.threshold, sessions: sessions.length, anomalous: anomalous.length, shown }, null, 2)}\n`);
  } else {
    const out: string[] = [];
    for (const a of shown) {
      out.push(`session ${a.session}  score ${round(a.score)}  (${a.lines} lines)`);
      for (const u of a.unexpected) out.push(`  line ${u.line}: ${u.text}\n      ↳ ${u.reason}`);
    }
    out.push(`${anomalous.length} of ${sessions.length} sessions anomalous (detector ${detector.name}, threshold ${round(detector.threshold)})${anomalous.length > shown.length ? `; ${shown.length} shown (--top)` : ''}`);
    process.stdout.write(`${out.join('\n')}\n`);
  }
  if (existsSync(file) && flags.save !== undefined) process.stderr.write(`saved ${flags.save}\n`);
  if (wantsReport(flags)) {
    await writeRunReport({
      source: file,
      command: commandLine(),
      unit: 'session',
      detector: { name: detector.name, title: detector.info.title, paper: detector.info.paper, options: { ...detector.options } },
      preprocessing: `Drain templates (${parser.clusters.length}), sessions by ${describeSessions(spec)}`,
      threshold: detector.threshold,
      thresholdSpec: detector.thresholdSpec,
      scores,
      flagged: labels,
      ids: sessions.map((s) => s.id),
      details: {
        heading: 'unexpected lines',
        of: (i) => {
          const s = sessions[i]!;
          return detector.explainSession(s.keys).slice(0, 5).map((u) => `line ${s.lines[u.position]!}: ${parsed.text.get(s.lines[u.position]!) ?? ''} — ${u.reason}`);
        },
      },
      ...(loading ? { notes: [`Scored with the saved model ${flags.model!}.`] } : {}),
    }, flags, (line) => process.stderr.write(`${line}\n`));
  }
}

function describeSessions(spec: SessionSpec): string {
  if (spec.by === 'identifier') return `identifier /${spec.pattern}/`;
  if (spec.by === 'time') return `time windows of ${spec.windowMs} ms`;
  return `every ${spec.size} lines`;
}

function round(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}
