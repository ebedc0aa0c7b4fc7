/**
 * Key comparison and search over sorted arrays of byte keys. Keys compare in unsigned byte
 * order (Buffer.compare, native). Bounds use null for "unbounded".
 */

/**
 * Compares two keys in unsigned byte order. A plain loop: keys usually differ within their
 * first bytes, and a JS loop beats Buffer.compare's native-call overhead by ~10× there.
 */
export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Index of the first key >= `key` (keys.length when none). O(log n). */
export function lowerBound(keys: readonly Buffer[], key: Uint8Array): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(keys[mid], key) < 0) lo = mid + 1;
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
    if (compareKeys(keys[mid], key) <= 0) lo = mid + 1;
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
  return compareKeys(a, b) >= 0 ? a : b;
}

/** min(a, b) of upper bounds (null = +inf). */
export function minUpper(a: Buffer | null, b: Buffer | null): Buffer | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareKeys(a, b) <= 0 ? a : b;
}

/** True when [lo, hi) is empty. */
export function emptyRange(lo: Buffer | null, hi: Buffer | null): boolean {
  return lo !== null && hi !== null && compareKeys(lo, hi) >= 0;
}

/**
 * A search index over a persisted node's sorted keys (LeanStore's idea): after the prefix all
 * keys share, the next 4 bytes of each key as a big-endian integer in one Uint32Array. A
 * binary search then compares integers in one small contiguous array and touches full keys
 * only on ties — no pointer chasing through key objects, which dominated warm reads.
 */
export interface KeyIndex {
  readonly prefix: Buffer;
  readonly heads: Uint32Array;
}

function headAt(key: Uint8Array, at: number): number {
  return (((key[at] ?? 0) << 24) | ((key[at + 1] ?? 0) << 16) | ((key[at + 2] ?? 0) << 8) | (key[at + 3] ?? 0)) >>> 0;
}

/** The 4 bytes of `key` after its first `p` as a big-endian integer (missing bytes are zero): its head in a node whose keys share p bytes. O(1). */
export function keyHead(key: Uint8Array, p: number): number {
  return key.length >= p + 4 ? ((key[p] << 24) | (key[p + 1] << 16) | (key[p + 2] << 8) | key[p + 3]) >>> 0 : headAt(key, p);
}

/** The first index in heads[0, n) whose head is >= h (heads sorted). O(log n) integer compares. */
export function headLowerBound(heads: Uint32Array, n: number, h: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (heads[mid] < h) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Builds the index of sorted keys. O(n). */
export function buildKeyIndex(keys: readonly Buffer[]): KeyIndex {
  const n = keys.length;
  let p = 0;
  if (n > 0) {
    const a = keys[0];
    const b = keys[n - 1];
    const m = Math.min(a.length, b.length);
    while (p < m && a[p] === b[p]) p++;
  }
  const heads = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    heads[i] = k.length >= p + 4 ? ((k[p] << 24) | (k[p + 1] << 16) | (k[p + 2] << 8) | k[p + 3]) >>> 0 : headAt(k, p);
  }
  return { prefix: n > 0 ? keys[0].subarray(0, p) : Buffer.alloc(0), heads };
}

/**
 * First index whose key is >= key (strict=false) or > key (strict=true), using the index.
 * O(log n) integer compares plus O(ties) key compares.
 */
export function indexedSearch(keys: readonly Buffer[], idx: KeyIndex, key: Uint8Array, strict: boolean): number {
  const n = keys.length;
  if (n === 0) return 0;
  const prefix = idx.prefix;
  const p = prefix.length;
  // Where does the key stand relative to the shared prefix?
  const m = key.length < p ? key.length : p;
  for (let i = 0; i < m; i++) {
    const d = key[i] - prefix[i];
    if (d !== 0) return d < 0 ? 0 : n;
  }
  if (key.length < p) return 0; // a proper prefix of every key sorts first
  const h = keyHead(key, p);
  const heads = idx.heads;
  let lo = headLowerBound(heads, n, h);
  // Resolve ties (equal heads) with full comparisons.
  while (lo < n && heads[lo] === h) {
    const c = compareKeys(keys[lo], key);
    if (strict ? c > 0 : c >= 0) break;
    lo++;
  }
  return lo;
}

/**
 * Index of `key` in the indexed sorted keys, or -1 when absent: the point-read form of
 * {@link indexedSearch}, which decides equality in the same tie loop instead of comparing the
 * found key a second time. O(log n) integer compares plus O(ties) key compares.
 */
export function indexedFind(keys: readonly Buffer[], idx: KeyIndex, key: Uint8Array): number {
  const n = keys.length;
  const prefix = idx.prefix;
  const p = prefix.length;
  if (n === 0 || key.length < p) return -1;
  for (let i = 0; i < p; i++) if (key[i] !== prefix[i]) return -1;
  const h = keyHead(key, p);
  const heads = idx.heads;
  let lo = headLowerBound(heads, n, h);
  for (; lo < n && heads[lo] === h; lo++) {
    const c = compareKeys(keys[lo], key);
    if (c === 0) return lo;
    if (c > 0) return -1;
  }
  return -1;
}

/**
 * Indices of `keys` in ascending key order, ties in their original order (stable). Sorts packed
 * 4-byte prefixes as numbers (one native typed-array sort) and compares whole keys only within
 * runs of equal prefixes, so random keys cost about as much as sorting as many doubles.
 * O(n log n).
 */
export function sortedOrder(keys: readonly Uint8Array[]): Uint32Array {
  const n = keys.length;
  const idx = new Uint32Array(n);
  if (n >= 2 ** 21) {
    // Too many indices to pack beside a 32-bit prefix in a double: plain comparison sort.
    const all = Array.from({ length: n }, (_, i) => i);
    all.sort((a, b) => compareKeys(keys[a], keys[b]) || a - b);
    idx.set(all);
    return idx;
  }
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    const head = (((k[0] ?? 0) << 24) | ((k[1] ?? 0) << 16) | ((k[2] ?? 0) << 8) | (k[3] ?? 0)) >>> 0;
    packed[i] = head * 2 ** 21 + i;
  }
  packed.sort();
  for (let i = 0; i < n; i++) idx[i] = packed[i] % 2 ** 21;
  // Keys sharing their first four bytes (or shorter than four) are ordered by full comparison.
  for (let i = 0; i < n; ) {
    const h = Math.floor(packed[i] / 2 ** 21);
    let j = i + 1;
    while (j < n && Math.floor(packed[j] / 2 ** 21) === h) j++;
    if (j - i > 1) {
      const run = Array.from(idx.subarray(i, j));
      run.sort((a, b) => compareKeys(keys[a], keys[b]) || a - b);
      idx.set(run, i);
    }
    i = j;
  }
  return idx;
}
