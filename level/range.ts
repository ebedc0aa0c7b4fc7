/**
 * Level's range options (gt / gte / lt / lte, each optional, inclusive or not) as the engine's
 * half-open range [from, to) over the keys a store can hold (at most MAX_KEY_BYTES long). The
 * engine's range is half-open because its range-delete message is; the conversion is exact, so
 * a scan needs no filtering and `clear` is one range delete.
 */
import { MAX_KEY_BYTES, prefixEnd } from '../engine/index';

/** The encoded range options abstract-level hands its private methods (absent = unbounded). */
export interface LevelRangeOptions {
  readonly gt?: Uint8Array;
  readonly gte?: Uint8Array;
  readonly lt?: Uint8Array;
  readonly lte?: Uint8Array;
}

/** A half-open key range [from, to); null ends are unbounded. */
export interface HalfOpenRange {
  readonly from: Buffer | null;
  readonly to: Buffer | null;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The smallest storable key strictly above `key`, or null when none is. Below the length limit
 * that is `key` and a zero byte; at or past it no longer key can be stored, so it is the
 * increment of the key's first MAX_KEY_BYTES bytes (prefixEnd). O(key length).
 */
export function keyAfter(key: Uint8Array): Buffer | null {
  return key.length < MAX_KEY_BYTES ? Buffer.concat([key, Buffer.alloc(1)]) : prefixEnd(key.subarray(0, MAX_KEY_BYTES));
}

/** The smallest storable key at or above `key`, or null when none is. O(key length). */
export function keyAtLeast(key: Uint8Array): Buffer | null {
  return key.length <= MAX_KEY_BYTES ? asBuffer(key) : keyAfter(key);
}

/**
 * The range of Level's options as [from, to), or null when it holds no storable key. gte wins
 * over gt and lte over lt when both are given, as in LevelDB's own iterator. O(key length).
 */
export function halfOpenRange(options: LevelRangeOptions): HalfOpenRange | null {
  let from: Buffer | null = null;
  if (options.gte !== undefined || options.gt !== undefined) {
    from = options.gte !== undefined ? keyAtLeast(options.gte) : keyAfter(options.gt as Uint8Array);
    if (from === null) return null;
  }
  let to: Buffer | null = null;
  if (options.lte !== undefined) to = keyAfter(options.lte);
  else if (options.lt !== undefined) to = keyAtLeast(options.lt);
  if (from !== null && to !== null && Buffer.compare(from, to) >= 0) return null;
  return { from, to };
}

/** The part of `range` at or after `key` (at or before it when `reverse`), or null when empty. O(key length). */
export function seekRange(range: HalfOpenRange, key: Uint8Array, reverse: boolean): HalfOpenRange | null {
  if (reverse) {
    const to = keyAfter(key);
    const tighter = to !== null && (range.to === null || Buffer.compare(to, range.to) < 0);
    const next = tighter ? { from: range.from, to } : range;
    return next.from !== null && next.to !== null && Buffer.compare(next.from, next.to) >= 0 ? null : next;
  }
  const from = keyAtLeast(key);
  if (from === null) return null;
  const next = range.from === null || Buffer.compare(from, range.from) > 0 ? { from, to: range.to } : range;
  return next.from !== null && next.to !== null && Buffer.compare(next.from, next.to) >= 0 ? null : next;
}

/** The engine's scan options of a range. O(1). */
export function scanOptions(range: HalfOpenRange, reverse: boolean): { from?: Buffer; to?: Buffer; reverse: boolean } {
  return { ...(range.from !== null ? { from: range.from } : {}), ...(range.to !== null ? { to: range.to } : {}), reverse };
}
