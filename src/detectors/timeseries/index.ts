// Every built-in time-series detector, one line each (kept sorted). Importing this file registers them.
import { registerDetector } from '../registry.ts';
import { WindowedGaussian } from './windowed-gaussian.ts';

registerDetector(WindowedGaussian);

export { WindowedGaussian };
