/**
 * Files a person points the service at to read from (`edit.import`, `edit.stageValueFromFile`).
 * Only regular files: a directory is not data, and a device (`/dev/zero`) or a FIFO never ends
 * or blocks the service's one thread, so they are refused before anything is opened. Reads stop
 * at the size the check saw, so a file that grows meanwhile cannot exceed the limit.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { ServiceError } from './errors';

/**
 * The size of the regular file at `path`, checked against `maxBytes` (`limitNote` ends the
 * too-large message). Throws one-line errors: INVALID_ARGUMENT for a non-regular file, an
 * overlong name or a file above the limit; stat errors (ENOENT, EACCES) pass through for
 * `toErrorData` to phrase. O(1).
 */
export function regularFileSize(path: string, maxBytes: number, limitNote: string): number {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENAMETOOLONG') throw new ServiceError('INVALID_ARGUMENT', `${path.slice(0, 80)}…: the name is too long`);
    throw error;
  }
  if (!stat.isFile()) throw new ServiceError('INVALID_ARGUMENT', `${path} is not a regular file`);
  if (stat.size > maxBytes) throw new ServiceError('INVALID_ARGUMENT', `${path} is ${stat.size} bytes; ${limitNote}`);
  return stat.size;
}

/**
 * Reads at most `size` bytes from the start of `path` (fewer if it shrank meanwhile).
 * O(size).
 */
export function readPrefix(path: string, size: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const out = Buffer.alloc(size);
    let done = 0;
    while (done < size) {
      const n = readSync(fd, out, done, size - done, done);
      if (n === 0) break;
      done += n;
    }
    return out.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}
