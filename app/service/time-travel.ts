/**
 * Time travel: the reader behind a request's optional `at` (a version id, or a snapshot or
 * branch name). Without `at` it is the store itself, reading the default branch head, so
 * requests that do not travel behave exactly as before.
 */
import type { AtVersion } from '../contract';
import type { Entry, RangeOptions, Store } from './engine';

/** What reads need: a cursor and the version it shows. */
export interface VersionReader {
  scan(range?: RangeOptions): IterableIterator<Entry>;
  has(key: Uint8Array): boolean;
  /** Records in a range; the record at a position; the position of a key (app/service/positions.ts). */
  count(range?: RangeOptions): number;
  entryAt(index: number, range?: RangeOptions): Entry | undefined;
  indexOf(key: Uint8Array, range?: RangeOptions): number;
  /** The version id read. */
  readonly version: number;
}

/**
 * The reader for `at` (the head when absent). O(1) after the catalog's first walk; an unknown
 * version throws the engine's VersionNotFoundError (code VERSION_NOT_FOUND).
 */
export function readerAt(store: Store, at: AtVersion | undefined): VersionReader {
  if (at !== undefined) return store.at(at);
  const version = store.info().head.id;
  return {
    scan: (range) => store.scan(range),
    has: (key) => store.has(key),
    count: (range) => store.count(range),
    entryAt: (index, range) => store.entryAt(index, range),
    indexOf: (key, range) => store.indexOf(key, range),
    version,
  };
}
