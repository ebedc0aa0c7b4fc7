/**
 * Key comparison and search over sorted arrays of byte keys. Keys compare in unsigned byte
 * order (Buffer.compare, native). Bounds use null for "unbounded".
 */

/** Compares two keys in unsigned byte order. */
export const compareKeys: (a: Uint8Array, b: Uint8Array) => number = Buffer.compare;

/** Index of the first key >= `key` (keys.length when none). O(log n). */
export function lowerBound(keys: readonly Buffer[], key: Uint8Array): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Buffer.compare(keys[mid], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first key > `key`: for pivots, the child that covers `key`. O(log n). */
export function upperBound(keys: readonly Buffer[], key: Uint8Array): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Buffer.compare(keys[mid], key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The shortest key s with left < s <= right (suffix truncation of pivots): internal nodes
 * then hold short separators instead of whole keys. O(|right|).
 */
export function separator(left: Uint8Array, right: Uint8Array): Buffer {
  const n = Math.min(left.length, right.length);
  let i = 0;
  while (i < n && left[i] === right[i]) i++;
  return Buffer.from(right.subarray(0, Math.min(right.length, i + 1)));
}

/** The smallest key greater than every key starting with `prefix`, or null (+inf). O(|prefix|). */
export function prefixEnd(prefix: Uint8Array): Buffer | null {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return null;
  const out = Buffer.from(prefix.subarray(0, end));
  out[end - 1]++;
  return out;
}

/** max(a, b) of lower bounds (null = -inf). */
export function maxLower(a: Buffer | null, b: Buffer | null): Buffer | null {
  if (a === null) return b;
  if (b === null) return a;
  return Buffer.compare(a, b) >= 0 ? a : b;
}

/** min(a, b) of upper bounds (null = +inf). */
export function minUpper(a: Buffer | null, b: Buffer | null): Buffer | null {
  if (a === null) return b;
  if (b === null) return a;
  return Buffer.compare(a, b) <= 0 ? a : b;
}

/** True when [lo, hi) is empty. */
export function emptyRange(lo: Buffer | null, hi: Buffer | null): boolean {
  return lo !== null && hi !== null && Buffer.compare(lo, hi) >= 0;
}
