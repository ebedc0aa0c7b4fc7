/**
 * Opening stores for commands: existence is checked first so a typo in FILE says "no such
 * store" instead of an engine error about a path, read commands open read-only (they never take
 * the writer lock, so they work beside a running writer), and every store is closed on the way
 * out, whatever happens.
 */
import { statSync } from 'node:fs';
import { Store } from '../../engine/index';
import { CliError } from './errors';
import { cliCommand } from './invocation';

/** How a command opens its store. */
export interface OpenMode {
  /** Read commands open read-only; write commands take the writer lock. */
  readonly readOnly: boolean;
}

/** Throws a one-line user error unless `path` names an existing regular file. */
export function requireStoreFile(path: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Only a missing file is "no such store": a path too long, looping or forbidden says so.
    if (code === 'ENAMETOOLONG') throw new CliError(`${path}: the path is too long for the file system`);
    if (code === 'ELOOP') throw new CliError(`${path}: too many levels of symbolic links (a link loop)`);
    if (code === 'EACCES') throw new CliError(`${path}: permission denied`);
    if (code === 'ENOTDIR') throw new CliError(`${path}: a part of the path is not a directory`);
    throw new CliError(`${path}: no such store (create one with \`${cliCommand()} create ${path}\`)`);
  }
  if (!isFile) throw new CliError(`${path} is not a file, so not a Thunderhead store`);
}

/** Opens an existing store, runs `fn`, and closes the store even when `fn` throws. */
export async function withStore<T>(path: string, mode: OpenMode, fn: (store: Store) => T | Promise<T>): Promise<T> {
  requireStoreFile(path);
  const store = Store.open(path, { readOnly: mode.readOnly });
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}
