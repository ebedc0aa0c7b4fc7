/**
 * The sizes of a store file, defined once so the CLI's `info` and the inspector's Overview
 * print the same numbers under the same names:
 *
 * - **file size on disk**: the file's length (`ls -l`), preallocated tail included;
 * - **bytes used**: the header and every committed block, up to the committed end;
 * - **preallocated tail**: on disk − used, zero-filled space a writer reserved ahead of its next
 *   commits (kept across sessions, written over by later commits);
 * - **dead bytes**: used bytes no version in the catalog reaches any more (superseded nodes,
 *   journal segments, old catalog records); `compact` drops them;
 * - **reachable bytes**: used − dead: the header, the catalog and every retained version's
 *   blocks (nodes, journal chains, large values).
 */
import { statSync } from 'node:fs';
import type { StoreSizesData } from '../contract';
import type { Store } from './engine';

/**
 * The sizes of `store`'s file now. O(blocks reachable from the catalog): walks every retained
 * version's blocks once (the engine's `spaceUsage`), so callers run it with the tree walk.
 */
export function storeSizes(store: Store): StoreSizesData {
  const info = store.info();
  const space = store.spaceUsage();
  const usedBytes = info.fileSize;
  const fileBytes = Math.max(usedBytes, diskBytes(info.path, usedBytes));
  return {
    fileBytes,
    usedBytes,
    preallocatedBytes: fileBytes - usedBytes,
    reachableBytes: usedBytes - space.unreachableBytes,
    deadBytes: space.unreachableBytes,
  };
}

/** The file's length on disk; `fallback` when it cannot be read (gone, or replaced). O(1). */
export function diskBytes(path: string, fallback: number): number {
  try {
    return statSync(path).size;
  } catch {
    return fallback;
  }
}
