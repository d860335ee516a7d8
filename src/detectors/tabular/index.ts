// Every built-in tabular detector, one line each (kept sorted). Importing this file registers them.
import { registerDetector } from '../registry.ts';
import { HBOS } from './hbos.ts';

registerDetector(HBOS);

export { HBOS };
