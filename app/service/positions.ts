/**
 * Positions in a range: how many records it holds, the record at a position, the position of a
 * key. The records list's scrollbar spans the exact total and maps any point of it to a
 * position, so these three are what a drag to the middle of a million records costs.
 *
 * The engine answers them from the per-child record counts its internal nodes keep (issue 18,
 * `ReadView.count` / `entryAt` / `indexOf`, O(log n) node reads). A reader of an engine without
 * them (an older build of the library behind this service) falls back to counting with a
 * cursor, O(position): the same answers, more slowly.
 */
import type { Entry, RangeOptions } from './engine';
import type { VersionReader } from './time-travel';

/** The positional reads a reader may offer (the engine's ReadView and Store do). */
interface Positional {
  entryAt?(index: number, range?: RangeOptions): Entry | undefined;
  indexOf?(key: Uint8Array, range?: RangeOptions): number;
}

/** Records in `range` (its `limit` and direction ignored). O(log n) node reads with the engine's counts. */
export function countIn(reader: VersionReader, range: RangeOptions): number {
  const forward = forwardOf(range);
  return reader.count(forward);
}

/**
 * The `index`-th record of `range` in its scan order (0-based; from the end when `reverse`), or
 * undefined past the end. O(log n) node reads with the engine's counts.
 */
export function entryAt(reader: VersionReader, index: number, range: RangeOptions): Entry | undefined {
  const forward = forwardOf(range);
  // The engine counts positions in key order: a reverse position is one from the other end.
  const at = range.reverse ? countIn(reader, forward) - 1 - index : index;
  if (at < 0) return undefined;
  const own = (reader as Positional).entryAt;
  if (own) return own.call(reader, at, forward);
  let i = 0;
  for (const entry of reader.scan(forward)) {
    if (i === at) return entry;
    i += 1;
  }
  return undefined;
}

/**
 * Records of `range` before `key` in its scan order (its position when present; from the end
 * when `reverse`), and whether `key` is in the range. O(log n) node reads with the engine's counts.
 */
export function indexOf(reader: VersionReader, key: Uint8Array, range: RangeOptions): { readonly index: number; readonly found: boolean } {
  const forward = forwardOf(range);
  const [hit] = reader.scan({ ...forward, from: maxKey(forward.from, key), limit: 1 });
  const found = hit !== undefined && Buffer.compare(hit.key, key) === 0;
  const before = lessThan(reader, key, forward);
  // Reverse order: the records after the key come first.
  const index = range.reverse ? countIn(reader, forward) - before - (found ? 1 : 0) : before;
  return { index, found };
}

/** Records of a forward range whose key is below `key`. */
function lessThan(reader: VersionReader, key: Uint8Array, forward: RangeOptions): number {
  const own = (reader as Positional).indexOf;
  if (own) return own.call(reader, key, forward);
  let n = 0;
  for (const entry of reader.scan(forward)) {
    if (Buffer.compare(entry.key, key) >= 0) break;
    n += 1;
  }
  return n;
}

function maxKey(a: Uint8Array | undefined, b: Uint8Array): Uint8Array {
  return a !== undefined && Buffer.compare(a, b) > 0 ? a : b;
}

/** The same keys in key order, every one of them. */
function forwardOf(range: RangeOptions): RangeOptions {
  const { limit: _limit, reverse: _reverse, ...rest } = range;
  return rest;
}
