/**
 * Detector options from the command line: `--options '<json>'`, then each `--option key=value` (values parsed as JSON
 * when they parse, so `nEstimators=200` is a number and `kernel=rbf` a string; dotted keys nest), then the named flags
 * `--contamination` and `--threshold-method/--threshold-value`. The detector's zod schema validates the result, so
 * this file only turns text into values and never second-guesses ranges.
 */
import { Option, type Command } from 'commander';
import { OptionError } from '../core/errors.ts';
import { Pipeline, SCALE_METHODS, type PipelineConfig, type ScaleMethod } from '../pipeline/pipeline.ts';
import { THRESHOLD_METHODS, type ThresholdMethod } from '../thresholds/strategies.ts';
import { collect } from './table-options.ts';

export interface DetectorFlags {
  options?: string;
  option?: string[];
  contamination?: string;
  thresholdMethod?: string;
  thresholdValue?: string;
}

export function addThresholdOptions(command: Command): Command {
  return command
    .addOption(new Option('--threshold-method <method>', 'how the score threshold is set from the training scores').choices(THRESHOLD_METHODS))
    .option('--threshold-value <number>', 'the method\'s parameter: contamination share, fixed score, mad k, gaussian-tail p, pot risk q');
}

export function addDetectorOptions(command: Command): Command {
  command
    .option('-d, --detector <name>', 'detector to use (see `dad list`); default: the recommended default')
    .option('-c, --contamination <share>', 'expected share of anomalies, in (0, 0.5]; sets the threshold (default 0.1)')
    .option('--option <key=value>', 'a detector option; the value is read as JSON when it parses (repeatable)', collect)
    .option('--options <json>', 'detector options as one JSON object')
    .addOption(new Option('--scale <method>', 'scaling fitted on the training rows').choices(SCALE_METHODS).default('minmax'));
  return addThresholdOptions(command);
}

/** The parameter `--threshold-value` sets, per method. */
const THRESHOLD_PARAMETER: Record<ThresholdMethod, string> = {
  contamination: 'contamination',
  fixed: 'value',
  mad: 'k',
  'gaussian-tail': 'p',
  pot: 'q',
};

export function detectorOptionsFromFlags(flags: DetectorFlags): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (flags.options !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(flags.options);
    } catch (error) {
      throw new OptionError(`--options must be a JSON object, e.g. '{"nEstimators":200}'. ${(error as Error).message}.`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new OptionError(`--options must be a JSON object, e.g. '{"nEstimators":200}'. Got ${flags.options} instead.`);
    }
    Object.assign(options, parsed);
  }
  for (const pair of flags.option ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new OptionError(`--option takes key=value, e.g. --option nEstimators=200. Got '${pair}' instead.`);
    setPath(options, pair.slice(0, eq).trim(), parseValue(pair.slice(eq + 1)));
  }
  if (flags.contamination !== undefined) options['contamination'] = parseNumber(flags.contamination, '--contamination');
  const threshold = thresholdFromFlags(flags);
  if (threshold !== undefined) options['threshold'] = threshold;
  return options;
}

/** The threshold strategy the flags ask for, or undefined when they leave the detector's default (contamination). */
export function thresholdFromFlags(flags: Pick<DetectorFlags, 'thresholdMethod' | 'thresholdValue' | 'contamination'>): Record<string, unknown> | undefined {
  const method = flags.thresholdMethod;
  if (method === undefined) {
    if (flags.thresholdValue !== undefined) throw new OptionError('--threshold-value needs --threshold-method (contamination, fixed, mad, gaussian-tail or pot).');
    return undefined;
  }
  if (!(THRESHOLD_METHODS as readonly string[]).includes(method)) {
    throw new OptionError(`--threshold-method must be one of ${THRESHOLD_METHODS.join(', ')}. Got '${method}' instead.`);
  }
  const m = method as ThresholdMethod;
  if (flags.thresholdValue === undefined) {
    if (m === 'fixed') throw new OptionError('--threshold-method fixed needs --threshold-value <score>.');
    // contamination without a value: the detector's own contamination option decides.
    return m === 'contamination' ? undefined : { method: m };
  }
  return { method: m, [THRESHOLD_PARAMETER[m]]: parseNumber(flags.thresholdValue, '--threshold-value') };
}

/** A number from a flag, or an error naming the flag. */
export function parseNumber(text: string, flag: string): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) throw new OptionError(`${flag} must be a number. Got '${text}' instead.`);
  return value;
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  if (parts.some((p) => p === '' || p === '__proto__' || p === 'constructor' || p === 'prototype')) {
    throw new OptionError(`--option key '${key}' is not a valid option name.`);
  }
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

export interface PipelineFlags extends DetectorFlags {
  detector?: string;
  scale?: ScaleMethod;
}

/** The unfitted pipeline the flags describe; the detector's schema validates its options here, before any data is read. */
export function pipelineFromFlags(flags: PipelineFlags): Pipeline {
  const config: PipelineConfig = { options: detectorOptionsFromFlags(flags) };
  if (flags.detector !== undefined) config.detector = flags.detector;
  if (flags.scale !== undefined) config.scale = flags.scale;
  return new Pipeline(config);
}
