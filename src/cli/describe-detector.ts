/**
 * A detector's card for `dad list --detector x` and `dad help detect --detector x`: its registry metadata and every
 * option with type, default, range and the `.describe()` text of its zod schema (through zod's JSON Schema, the same
 * description the HTTP service publishes).
 */
import { z } from 'zod';
import type { DetectorClass } from '../detectors/detector.ts';

export interface OptionDoc {
  name: string;
  type: string;
  default?: unknown;
  range?: string;
  description: string;
}

interface JsonSchemaNode {
  type?: string | string[];
  default?: unknown;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  oneOf?: JsonSchemaNode[];
  anyOf?: JsonSchemaNode[];
  items?: JsonSchemaNode;
  properties?: Record<string, JsonSchemaNode>;
}

export function optionDocs(cls: DetectorClass): OptionDoc[] {
  const json = z.toJSONSchema(cls.schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
  return Object.entries(json.properties ?? {}).map(([name, node]) => {
    const doc: OptionDoc = { name, type: typeOf(node), description: node.description ?? '' };
    if (node.default !== undefined) doc.default = node.default;
    const range = rangeOf(node);
    if (range !== undefined) doc.range = range;
    return doc;
  });
}

export function describeDetector(cls: DetectorClass): string {
  const info = cls.info;
  const lines = [
    `${info.name}: ${info.title}`,
    `  ${info.summary}`,
    `  modality: ${info.modality}   family: ${info.family}   supervision: ${info.supervision.join(', ')}`,
    `  paper: ${info.paper}`,
    '',
    '  options (pass with --option key=value, or --options \'<json>\'):',
  ];
  const docs = optionDocs(cls);
  const width = Math.max(...docs.map((d) => d.name.length));
  for (const d of docs) {
    const facts = [d.type, d.range, d.default === undefined ? undefined : `default ${JSON.stringify(d.default)}`].filter(Boolean).join(', ');
    lines.push(`    ${d.name.padEnd(width)}  ${facts}`);
    if (d.description) lines.push(`    ${' '.repeat(width)}  ${d.description}`);
  }
  return lines.join('\n');
}

function typeOf(node: JsonSchemaNode): string {
  if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (node.const !== undefined) return JSON.stringify(node.const);
  const union = node.oneOf ?? node.anyOf;
  if (union) {
    // A discriminated union (the threshold strategy): name its variants by their constant tag.
    const tags = union.map((v) => Object.values(v.properties ?? {}).find((p) => p.const !== undefined)?.const).filter((t) => t !== undefined);
    return tags.length === union.length ? `object (${tags.join(' | ')})` : union.map(typeOf).join(' | ');
  }
  if (node.type === 'array') return `array of ${node.items ? typeOf(node.items) : 'values'}`;
  if (Array.isArray(node.type)) return node.type.join(' | ');
  return node.type ?? 'any';
}

function rangeOf(node: JsonSchemaNode): string | undefined {
  const low = node.exclusiveMinimum !== undefined ? `(${node.exclusiveMinimum}` : node.minimum !== undefined && node.minimum > -Number.MAX_SAFE_INTEGER ? `[${node.minimum}` : undefined;
  const high = node.exclusiveMaximum !== undefined ? `${node.exclusiveMaximum})` : node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER ? `${node.maximum}]` : undefined;
  if (low === undefined && high === undefined) return undefined;
  return `in ${low ?? '(-inf'}, ${high ?? 'inf)'}`;
}
