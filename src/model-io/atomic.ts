import { open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DadError } from '../core/errors.ts';

let counter = 0;

/**
 * Writes `data` to `path` so that, whatever moment the process dies at, `path` holds either its previous content or
 * the complete new one — never a prefix. Every file the toolkit writes (models, results, reports) goes through here.
 *
 * How: write a temporary file in the same folder (a rename is atomic only within one file system), fsync it so its
 * bytes are on disk before the name points at them (otherwise a power cut after the rename can leave an empty file
 * on ext4 / XFS), rename it over `path`, then fsync the folder so the rename itself survives a power cut.
 * A killed process can leave a `.name.<pid>.<n>.tmp` file behind, never a damaged `path`.
 *
 * The temporary name uses the process id and a counter rather than random bytes: unique among live processes, and
 * the exclusive-create flag turns a leftover from a dead process with the same id into a retry, not an overwrite.
 * An existing file's permission bits are kept.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const target = resolve(path);
  const folder = dirname(target);
  const mode = await existingMode(target);
  let temp = '';
  let handle: FileHandle | undefined;
  try {
    for (let attempt = 0; handle === undefined; attempt++) {
      temp = join(folder, `.${basename(target)}.${process.pid}.${counter++}.tmp`);
      try {
        handle = await open(temp, 'wx', mode ?? 0o666);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 100) throw error;
      }
    }
    if (mode !== undefined) await handle.chmod(mode); // the umask applies at create; keep the old file's bits exactly
    await writeAll(handle, data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, target);
  } catch (error) {
    if (handle !== undefined) await handle.close().catch(() => undefined);
    if (temp !== '') await unlink(temp).catch(() => undefined);
    const reason = error instanceof Error ? error.message.replaceAll(temp, path) : String(error);
    throw new DadError(`Cannot write '${path}': ${reason}`, { cause: error });
  }
  await syncFolder(folder);
}

async function writeAll(handle: FileHandle, data: Uint8Array | string): Promise<void> {
  if (typeof data === 'string') {
    await handle.writeFile(data, 'utf8');
    return;
  }
  // write() may write less than asked (large buffers, some file systems); loop until every byte is out.
  let offset = 0;
  while (offset < data.byteLength) {
    const { bytesWritten } = await handle.write(data, offset, data.byteLength - offset);
    offset += bytesWritten;
  }
}

async function existingMode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o7777;
  } catch {
    return undefined;
  }
}

async function syncFolder(folder: string): Promise<void> {
  // Folders cannot be opened for fsync on Windows (EISDIR / EPERM); there the rename is as durable as it gets.
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // best effort: the file itself is complete either way
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
