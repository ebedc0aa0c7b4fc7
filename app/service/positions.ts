/**
 * Positions in a range: how many records it holds, the record at a position, the position of a
 * key. The records list's scrollbar spans the exact total and maps any point of it to a
 * position, so these three are what a drag to the middle of a million records costs.
 *
 * The engine answers them from the per-child record counts its internal nodes keep (issue 18,
 * `count` / `entryAt` / `indexOf`, O(height · log) node visits on a format-3 file). Positions
 * here are in the range's scan order (from the end when `reverse`); the engine's are in key
 * order, so a reverse position is turned into one from the other end.
 */
import type { Entry, RangeOptions } from './engine';
import type { VersionReader } from './time-travel';

/** Records in `range` (its `limit` and direction ignored). O(height · log). */
export function countIn(reader: VersionReader, range: RangeOptions): number {
  return reader.count(forwardOf(range));
}

/** The `index`-th record of `range` in its scan order (0-based), or undefined past the end. O(height · log). */
export function entryAt(reader: VersionReader, index: number, range: RangeOptions): Entry | undefined {
  const forward = forwardOf(range);
  const at = range.reverse ? reader.count(forward) - 1 - index : index;
  return at < 0 ? undefined : reader.entryAt(at, forward);
}

/**
 * Records of `range` before `key` in its scan order (its position when present), and whether
 * `key` is in the range. O(height · log) plus one point read.
 */
export function indexOf(reader: VersionReader, key: Uint8Array, range: RangeOptions): { readonly index: number; readonly found: boolean } {
  const forward = forwardOf(range);
  const from = forward.from !== undefined && Buffer.compare(forward.from, key) > 0 ? forward.from : key;
  const [hit] = reader.scan({ ...forward, from, limit: 1 });
  const found = hit !== undefined && Buffer.compare(hit.key, key) === 0;
  const below = reader.indexOf(key, forward);
  // Reverse order: the records after the key come first.
  return { index: range.reverse ? reader.count(forward) - below - (found ? 1 : 0) : below, found };
}

/** The same keys in key order, all of them. */
function forwardOf(range: RangeOptions): RangeOptions {
  const { limit: _limit, reverse: _reverse, ...rest } = range;
  return rest;
}
