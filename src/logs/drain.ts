/**
 * Drain — He, Zhu, Zheng & Lyu, "Drain: An Online Log Parsing Approach with Fixed Depth Tree", ICWS 2017.
 * Idea: a message goes down a tree of fixed depth — first by its number of tokens, then by its first tokens — to a
 * small list of clusters; it joins the most similar cluster when the share of equal tokens reaches the similarity
 * threshold (the template's differing positions become `<*>`), or starts a new one.
 *
 * This follows the reference implementation of the loghub benchmark (logpai/logparser `Drain/Drain.py`) step by
 * step — tree placement, tokens with digits routed to `<*>`, `maxChildren`, ties broken by the number of wildcards —
 * so that grouping accuracy is comparable with the published one. Streaming: `add` parses one message at a time, and
 * `toState` / `DrainParser.fromState` save and continue a parser (the tree included, since where a cluster sits
 * depends on the message that created it, not on its current template).
 */
import { z } from 'zod';
import { ModelFileError } from '../core/errors.ts';
import { parseOptions } from '../core/options.ts';
import { compileMasks, DEFAULT_MASKS, tokenize, WILDCARD } from './masks.ts';

export const drainOptionsSchema = z.object({
  similarity: z.number().gt(0).lte(1).default(0.5)
    .describe('Similarity threshold: least share of a template\'s literal tokens a message must repeat to join it (Drain: 0.5 on HDFS).'),
  depth: z.number().int().min(3).default(4)
    .describe('Depth of the parse tree: root, token count, depth − 3 layers of leading tokens, leaves (Drain: 4).'),
  maxChildren: z.number().int().min(2).default(100)
    .describe('Most children of an inner node; further tokens share the `<*>` child (Drain: 100).'),
  masks: z.array(z.string()).default([...DEFAULT_MASKS])
    .describe('Variables masked before mining: names (blockId, ip, hex, path, number, core) or regular expressions.'),
}).strict();

export type DrainOptions = z.input<typeof drainOptionsSchema>;

export interface LogCluster {
  /** 1-based, in order of creation: stable across saves, so detectors can use it as the log key */
  id: number;
  template: string[];
  count: number;
}

export interface ParsedLine {
  clusterId: number;
  /** the template as it stands after this line */
  template: string;
  /** the raw tokens at the template's wildcard positions */
  parameters: string[];
}

interface TreeNode {
  children: Map<string, TreeNode>;
  /** ids of the clusters in a leaf */
  clusters: number[];
}

const newNode = (): TreeNode => ({ children: new Map(), clusters: [] });
const hasDigit = (token: string): boolean => /\d/.test(token);

export class DrainParser {
  readonly options: z.output<typeof drainOptionsSchema>;
  private readonly masks: RegExp[];
  private readonly root = newNode();
  private readonly clusterList: LogCluster[] = [];

  constructor(options: DrainOptions = {}) {
    this.options = parseOptions(drainOptionsSchema, options, 'Drain parser') as z.output<typeof drainOptionsSchema>;
    this.masks = compileMasks(this.options.masks);
  }

  /** Clusters in order of creation (id − 1 is the index). */
  get clusters(): readonly LogCluster[] {
    return this.clusterList;
  }

  cluster(id: number): LogCluster | undefined {
    return this.clusterList[id - 1];
  }

  /** Parses one message (the content part of a log line) and learns from it. */
  add(content: string): ParsedLine {
    const { raw, masked } = tokenize(content, this.masks);
    let cluster = this.search(masked);
    if (cluster === undefined) {
      cluster = { id: this.clusterList.length + 1, template: [...masked], count: 0 };
      this.clusterList.push(cluster);
      this.insert(cluster);
    } else {
      const t = cluster.template;
      for (let i = 0; i < t.length; i++) if (t[i] !== masked[i]) t[i] = WILDCARD;
    }
    cluster.count++;
    return { clusterId: cluster.id, template: cluster.template.join(' '), parameters: parametersOf(cluster.template, raw, masked) };
  }

  /** The cluster a message would join, without learning from it (undefined: it would start a new template). */
  match(content: string): { cluster: LogCluster; parameters: string[] } | undefined {
    const { raw, masked } = tokenize(content, this.masks);
    const cluster = this.search(masked);
    return cluster === undefined ? undefined : { cluster, parameters: parametersOf(cluster.template, raw, masked) };
  }

  private search(tokens: readonly string[]): LogCluster | undefined {
    const top = this.root.children.get(String(tokens.length));
    if (top === undefined) return undefined;
    let node: TreeNode = top;
    // logparser walks tokens at depths 1 … depth − 3: depth counts the root, the length layer and the leaf
    for (let d = 1; d < this.options.depth - 2 && d <= tokens.length; d++) {
      const token = tokens[d - 1]!;
      const next: TreeNode | undefined = node.children.get(token) ?? node.children.get(WILDCARD);
      if (next === undefined) return undefined;
      node = next;
    }
    return this.closest(node.clusters, tokens);
  }

  /** logparser's fastMatch: most equal literal tokens; ties go to the template with more wildcards. */
  private closest(ids: readonly number[], tokens: readonly string[]): LogCluster | undefined {
    let best: LogCluster | undefined;
    let bestSimilarity = -1;
    let bestWildcards = -1;
    for (const id of ids) {
      const cluster = this.clusterList[id - 1]!;
      let same = 0;
      let wildcards = 0;
      const t = cluster.template;
      for (let i = 0; i < t.length; i++) {
        if (t[i] === WILDCARD) wildcards++;
        else if (t[i] === tokens[i]) same++;
      }
      const similarity = t.length === 0 ? 1 : same / t.length;
      if (similarity > bestSimilarity || (similarity === bestSimilarity && wildcards > bestWildcards)) {
        best = cluster;
        bestSimilarity = similarity;
        bestWildcards = wildcards;
      }
    }
    return best !== undefined && bestSimilarity >= this.options.similarity ? best : undefined;
  }

  /** logparser's addSeqToPrefixTree, with its rules for tokens with digits and full nodes. */
  private insert(cluster: LogCluster): void {
    const tokens = cluster.template;
    const lengthKey = String(tokens.length);
    let node: TreeNode = this.root.children.get(lengthKey) ?? addChild(this.root, lengthKey);
    const max = this.options.maxChildren;
    let d = 1;
    for (const token of tokens) {
      if (d >= this.options.depth - 2 || d > tokens.length) break;
      let next: TreeNode | undefined = node.children.get(token);
      if (next === undefined) {
        const wildcard = node.children.get(WILDCARD);
        if (hasDigit(token)) {
          next = wildcard ?? addChild(node, WILDCARD);
        } else if (wildcard !== undefined) {
          next = node.children.size < max ? addChild(node, token) : wildcard;
        } else if (node.children.size + 1 < max) {
          next = addChild(node, token);
        } else {
          next = addChild(node, WILDCARD);
        }
      }
      node = next;
      d++;
    }
    node.clusters.push(cluster.id);
  }

  /** The parser as JSON-able data: options, clusters and tree. */
  toState(): DrainState {
    return {
      kind: 'drain',
      version: 1,
      options: { ...this.options, masks: [...this.options.masks] },
      clusters: this.clusterList.map((c) => ({ id: c.id, template: [...c.template], count: c.count })),
      tree: nodeToJson(this.root),
    };
  }

  /** A parser that continues from a saved state; a damaged state is a ModelFileError. */
  static fromState(state: unknown): DrainParser {
    const parsed = drainStateSchema.safeParse(state);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ModelFileError(`The saved Drain parser state is invalid at '${issue?.path.join('.') ?? ''}': ${issue?.message ?? 'invalid'}.`);
    }
    const parser = new DrainParser(parsed.data.options);
    parsed.data.clusters.forEach((c, i) => {
      if (c.id !== i + 1) throw new ModelFileError(`The saved Drain parser state lists cluster ${c.id} at position ${i + 1}; ids must be 1, 2, 3, … in order.`);
      parser.clusterList.push({ id: c.id, template: [...c.template], count: c.count });
    });
    const rebuilt = nodeFromJson(parsed.data.tree, parser.clusterList.length);
    for (const [k, v] of rebuilt.children) parser.root.children.set(k, v);
    return parser;
  }
}

function addChild(node: TreeNode, token: string): TreeNode {
  const child = newNode();
  node.children.set(token, child);
  return child;
}

function parametersOf(template: readonly string[], raw: readonly string[], masked: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < template.length; i++) {
    if (template[i] === WILDCARD || (masked[i] !== undefined && masked[i]!.includes(WILDCARD))) out.push(raw[i] ?? '');
  }
  return out;
}

interface NodeJson {
  children?: Record<string, NodeJson> | undefined;
  clusters?: number[] | undefined;
}

const nodeSchema: z.ZodType<NodeJson> = z.lazy(() => z.object({
  children: z.record(z.string(), nodeSchema).optional(),
  clusters: z.array(z.number().int().min(1)).optional(),
}).strict());

const drainStateSchema = z.object({
  kind: z.literal('drain'),
  version: z.literal(1),
  options: drainOptionsSchema,
  clusters: z.array(z.object({ id: z.number().int().min(1), template: z.array(z.string()), count: z.number().int().min(0) }).strict()),
  tree: nodeSchema,
}).strict();

export type DrainState = z.output<typeof drainStateSchema>;

function nodeToJson(node: TreeNode): NodeJson {
  const out: NodeJson = {};
  if (node.children.size > 0) out.children = Object.fromEntries([...node.children].map(([k, v]) => [k, nodeToJson(v)]));
  if (node.clusters.length > 0) out.clusters = [...node.clusters];
  return out;
}

function nodeFromJson(json: NodeJson, clusterCount: number): TreeNode {
  const node = newNode();
  for (const [k, v] of Object.entries(json.children ?? {})) node.children.set(k, nodeFromJson(v, clusterCount));
  for (const id of json.clusters ?? []) {
    if (id > clusterCount) throw new ModelFileError(`The saved Drain parser tree names cluster ${id}; the state has ${clusterCount}.`);
    node.clusters.push(id);
  }
  return node;
}
