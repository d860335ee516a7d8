/**
 * Detectors whose scores can be taken apart per feature exactly, by registry name. Each function recomputes the
 * per-feature terms from the detector's saved state (`snapshot()`), so the detectors' own files stay untouched.
 * A detector of any other kind (a plugin included) can offer its own `explain(X)` method instead.
 */
import type { Matrix } from '../../core/matrix.ts';
import type { Detector } from '../../detectors/detector.ts';
import { autoencoderContributions } from './autoencoder.ts';
import { hbosContributions } from './hbos.ts';
import { iforestContributions } from './iforest.ts';
import { copodContributions, ecodContributions } from './tails.ts';

export interface ExactExplainer {
  /** what the contributions are, in a few words (reported beside them) */
  description: string;
  /** whether a row's contributions sum to its score */
  additive: boolean;
  contributions(detector: Detector, X: Matrix): Matrix;
}

const EXACT: Record<string, ExactExplainer> = {
  ecod: { description: 'per-feature −log tail probability (ECOD terms)', additive: true, contributions: ecodContributions },
  copod: { description: 'per-feature −log copula tail probability (COPOD terms)', additive: true, contributions: copodContributions },
  hbos: { description: 'per-feature −log histogram density (HBOS terms)', additive: true, contributions: hbosContributions },
  iforest: { description: 'path-based isolation credit (local DIFFI without imbalance weights)', additive: false, contributions: iforestContributions },
  autoencoder: { description: 'share of the reconstruction error per feature', additive: true, contributions: autoencoderContributions },
  dae: { description: 'share of the reconstruction error per feature', additive: true, contributions: autoencoderContributions },
};

export function exactExplainer(detectorName: string): ExactExplainer | undefined {
  return Object.hasOwn(EXACT, detectorName) ? EXACT[detectorName] : undefined;
}
