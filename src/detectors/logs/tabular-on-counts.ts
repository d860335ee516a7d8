/**
 * A tabular detector of the registry (PCA, Isolation Forest, …) run over event-count vectors: how loglizer applies
 * its classic baselines to logs. The inner detector is saved inside this one's state (its arrays prefixed `inner.`).
 */
import type { Matrix } from '../../core/matrix.ts';
import type { Detector, DetectorSnapshot, DetectorState } from '../detector.ts';
import { createDetector } from '../registry.ts';
import { CountVectorDetector, type CountOptions } from './count-vector-detector.ts';

export abstract class TabularOnCounts<O extends CountOptions = CountOptions> extends CountVectorDetector<O> {
  protected inner: Detector | undefined;

  /** registry name of the tabular detector, and its options */
  protected abstract innerDetector(): { name: string; options: Record<string, unknown> };

  protected fitCounts(X: Matrix): Float64Array {
    const { name, options } = this.innerDetector();
    this.inner = createDetector(name, { seed: this.options.seed, ...options }).fit(X);
    return this.inner.trainingScores.slice();
  }

  protected scoreCounts(X: Matrix): Float64Array {
    return this.inner!.score(X);
  }

  protected saveCounts(): DetectorState {
    const { arrays, ...rest } = this.inner!.snapshot();
    return {
      params: { inner: rest },
      arrays: Object.fromEntries(Object.entries(arrays).map(([k, v]) => [`inner.${k}`, v])),
    };
  }

  protected loadCounts(state: DetectorState): void {
    const rest = state.params.inner as Omit<DetectorSnapshot, 'arrays'> | undefined;
    if (rest === undefined || typeof rest !== 'object') throw new Error("the state lacks the inner detector ('inner').");
    const arrays = Object.fromEntries(Object.entries(state.arrays).filter(([k]) => k.startsWith('inner.')).map(([k, v]) => [k.slice(6), v]));
    this.inner = createDetector(rest.detector, rest.options).restore({ ...rest, arrays });
  }
}
