/**
 * Prometheus metrics in the text exposition format (version 0.0.4): counters, gauges and histograms with labels,
 * enough for a scoring service and small enough to keep here rather than add a client library.
 */

type Labels = Record<string, string>;

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
}

export class Counter {
  readonly values = new Map<string, number>();
  constructor(readonly family: Family) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  lines(): string[] {
    return [...this.values].map(([key, v]) => `${this.family.name}${key} ${v}`);
  }
}

export class Gauge {
  constructor(readonly family: Family, private readonly read: () => [Labels, number][]) {}
  lines(): string[] {
    return this.read().map(([labels, v]) => `${this.family.name}${labelText(labels)} ${v}`);
  }
}

export class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(readonly family: Family, readonly buckets: readonly number[]) {}
  observe(labels: Labels, value: number): void {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (s === undefined) {
      s = { labels, counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let b = 0; b < this.buckets.length; b++) if (value <= this.buckets[b]!) s.counts[b]!++;
    s.sum += value;
    s.count++;
  }
  lines(): string[] {
    const out: string[] = [];
    for (const s of this.series.values()) {
      this.buckets.forEach((le, b) => out.push(`${this.family.name}_bucket${labelText({ ...s.labels, le: String(le) })} ${s.counts[b]}`));
      out.push(`${this.family.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`);
      out.push(`${this.family.name}_sum${labelText(s.labels)} ${s.sum}`);
      out.push(`${this.family.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return out;
  }
}

type Metric = Counter | Gauge | Histogram;

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];

  counter(name: string, help: string): Counter {
    return this.add(new Counter({ name, help, type: 'counter' }));
  }

  gauge(name: string, help: string, read: () => [Labels, number][]): Gauge {
    return this.add(new Gauge({ name, help, type: 'gauge' }, read));
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.add(new Histogram({ name, help, type: 'histogram' }, buckets));
  }

  /** The exposition text: HELP and TYPE lines, then the samples, per family. */
  text(): string {
    const out: string[] = [];
    for (const m of this.metrics) {
      out.push(`# HELP ${m.family.name} ${m.family.help.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')}`, `# TYPE ${m.family.name} ${m.family.type}`, ...m.lines());
    }
    return `${out.join('\n')}\n`;
  }

  private add<M extends Metric>(m: M): M {
    this.metrics.push(m);
    return m;
  }
}

function labelText(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${labels[k]!.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`).join(',')}}`;
}
