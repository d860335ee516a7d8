import { readFile } from 'node:fs/promises';
import { ModelFileError } from '../core/errors.ts';

/** The bytes of a model or checkpoint file; a missing file, a folder or an unreadable file is a ModelFileError saying which. */
export async function readFileBytes(path: string, kind: 'Model' | 'Checkpoint'): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const noun = kind.toLowerCase();
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? `is a folder, not a ${noun} file` : `cannot be read (${(error as Error).message})`;
    throw new ModelFileError(`${kind} file '${path}' ${why}.`, { cause: error });
  }
}
