import type { DetectorState } from '../detector.ts';
import type { BaseOptions } from '../detector.ts';
import { type ChannelModel, ChannelwiseDetector, pointValues, type StreamingDetector } from './series-detector.ts';

/**
 * Streaming per-channel models over shingles: a point is the last `shingleSize` values of its channel (Guha et al.'s
 * shingling), so that a streaming detector sees shape, not just level. A model scores a point before learning it;
 * until `shingleSize` values have been seen it scores 0.
 */
export abstract class ShingleModel implements ChannelModel {
  protected recent: number[] = [];
  constructor(readonly shingleSize: number) {}

  protected abstract scorePoint(point: Float64Array): number;
  protected abstract learnPoint(point: Float64Array): void;
  protected abstract resetModel(): void;
  protected abstract saveModel(): DetectorState;
  protected abstract loadModel(state: DetectorState): void;

  private point(value: number): Float64Array | undefined {
    if (this.recent.length < this.shingleSize - 1) return undefined;
    const p = new Float64Array(this.shingleSize);
    for (let k = 0; k < this.shingleSize - 1; k++) p[k] = this.recent[k]!;
    p[this.shingleSize - 1] = value;
    return p;
  }

  scoreOne(value: number): number {
    const p = this.point(value);
    return p === undefined ? 0 : this.scorePoint(p);
  }

  learnOne(value: number): void {
    const p = this.point(value);
    if (p !== undefined) this.learnPoint(p);
    this.observe(value);
  }

  /** moves the shingle on without learning */
  observe(value: number): void {
    if (this.shingleSize === 1) return;
    this.recent.push(value);
    if (this.recent.length > this.shingleSize - 1) this.recent.shift();
  }

  reset(): void {
    this.recent = [];
    this.resetModel();
  }

  fit(values: Float64Array): Float64Array {
    this.reset();
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      out[i] = this.scoreOne(values[i]!);
      this.learnOne(values[i]!);
    }
    return out;
  }

  /** Scores a series after the training one, moving the shingle along it but learning nothing. */
  score(values: Float64Array): Float64Array {
    const saved = [...this.recent];
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      out[i] = this.scoreOne(values[i]!);
      this.observe(values[i]!);
    }
    this.recent = saved;
    return out;
  }

  save(): DetectorState {
    const s = this.saveModel();
    return { params: s.params, arrays: { ...s.arrays, recent: Float64Array.from(this.recent) } };
  }

  load(state: DetectorState): void {
    const recent = state.arrays['recent'];
    this.recent = recent === undefined ? [] : Array.from(recent);
    this.loadModel(state);
  }
}

/** A channelwise detector whose channel models stream: `scoreOne` / `learnOne` take one timestamp's values. */
export abstract class StreamingChannelwiseDetector<O extends BaseOptions = BaseOptions> extends ChannelwiseDetector<O> implements StreamingDetector {
  protected abstract override createChannelModel(): ShingleModel;

  private streamModels(count: number, where: string): ShingleModel[] {
    if (this.models.length === 0) for (let c = 0; c < count; c++) this.models.push(this.createChannelModel());
    if (this.models.length !== count) pointValues(new Float64Array(count), this.models.length, where);
    return this.models as ShingleModel[];
  }

  scoreOne(value: number | ArrayLike<number>): number {
    const v = pointValues(value, this.models.length || undefined, `${this.name}.scoreOne`);
    const models = this.streamModels(v.length, `${this.name}.scoreOne`);
    return this.combineRow(Float64Array.from(models, (m, c) => m.scoreOne(v[c]!)));
  }

  learnOne(value: number | ArrayLike<number>): void {
    const v = pointValues(value, this.models.length || undefined, `${this.name}.learnOne`);
    const models = this.streamModels(v.length, `${this.name}.learnOne`);
    models.forEach((m, c) => m.learnOne(v[c]!));
  }

  reset(): void {
    this.models = [];
    this.center = new Float64Array(0);
    this.scale = new Float64Array(0);
    this.fitted = false;
  }
}
