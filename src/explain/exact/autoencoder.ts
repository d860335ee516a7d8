/**
 * Autoencoders explained exactly: the score is ‖e‖ with e = x − decoder(encoder(x)) on the standardised row, so the
 * contribution of feature j is e_j² / ‖e‖ — its share of the squared reconstruction error, scaled so that a row's
 * contributions sum to its score. The network is rebuilt from the detector's saved weights (its snapshot).
 */
import type { Matrix } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';
import type { Detector } from '../../detectors/detector.ts';
import { AutoencoderNetwork } from '../../detectors/tabular/autoencoder.ts';
import { noGrad, tensor, type StateDict } from '../../engine/index.ts';

interface AutoencoderOptions {
  hiddenSizes: number[];
  activation: ConstructorParameters<typeof AutoencoderNetwork>[2]['activation'];
  dropout: number;
  batchNorm: boolean;
}

const BATCH = 2048;

export function autoencoderContributions(detector: Detector, X: Matrix): Matrix {
  const snap = detector.snapshot();
  const o = detector.options as unknown as AutoencoderOptions;
  const d = X.cols;
  const shift = snap.arrays['standardize.shift'] as Float64Array;
  const scale = snap.arrays['standardize.scale'] as Float64Array;
  const network = new AutoencoderNetwork(d, o.hiddenSizes, { rng: new Rng(0), activation: o.activation, dropout: o.dropout, batchNorm: o.batchNorm });
  const fresh = network.stateDict();
  const saved: StateDict = { tensors: {}, shapes: fresh.shapes, metadata: {} };
  for (const name of Object.keys(fresh.tensors)) saved.tensors[name] = snap.arrays[`network.${name}`] as Float32Array;
  network.loadStateDict(saved);
  network.eval();

  const out = new Float64Array(X.rows * d);
  for (let start = 0; start < X.rows; start += BATCH) {
    const end = Math.min(start + BATCH, X.rows);
    const input = new Float32Array((end - start) * d);
    for (let i = start; i < end; i++) {
      for (let j = 0; j < d; j++) input[(i - start) * d + j] = (X.data[i * d + j]! - shift[j]!) / scale[j]!;
    }
    const reconstruction = noGrad(() => network.forward(tensor(input, [end - start, d])).data.slice());
    for (let i = start; i < end; i++) {
      let total = 0;
      for (let j = 0; j < d; j++) {
        const e = input[(i - start) * d + j]! - reconstruction[(i - start) * d + j]!;
        out[i * d + j] = e * e;
        total += e * e;
      }
      const norm = Math.sqrt(total);
      for (let j = 0; j < d; j++) out[i * d + j] = norm > 0 ? out[i * d + j]! / norm : 0;
    }
  }
  return { rows: X.rows, cols: d, data: out };
}
