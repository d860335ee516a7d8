// Every built-in tabular detector, one line each (kept sorted). Importing this file registers them.
import { registerDetector } from '../registry.ts';
import { HBOS } from './hbos.ts';
import { IForest } from './iforest.ts';

registerDetector(HBOS);
registerDetector(IForest);

export { HBOS };
export { IForest };
