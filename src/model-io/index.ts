// Model files (one safetensors file with a checksummed manifest) and the atomic writer every file goes through.
export { writeFileAtomic } from './atomic.ts';
export { FORMAT, FORMAT_VERSION, manifestSchema } from './manifest.ts';
export type { Manifest } from './manifest.ts';
export { decodeModel, encodeModel, encodeModelFile, loadModel, saveModel } from './model-file.ts';
export { decodeCheckpoint, encodeCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
export type { ManifestFields, ModelExtras, SavedModel } from './model-file.ts';
export type { DType, TensorArray } from './safetensors.ts';
