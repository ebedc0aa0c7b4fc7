/**
 * What a lock covers. Every {@link LockTarget} (a key, a key range, a prefix) becomes one
 * half-open interval of byte strings `[from, to)` in unsigned byte order, so the lock
 * manager compares only intervals and never has to special-case the three shapes.
 */
import { InvalidArgumentError } from '../errors';

import type { LockTarget } from '../store/lock-table';

/** What a transaction asks to lock: one key, a range `[from, to)` (no `to` = to the end), or every key with a prefix (declared by the core). */
export type { LockTarget } from '../store/lock-table';

/** A half-open byte interval `[from, to)`; `to === undefined` means +infinity. Never empty. */
export interface ByteRange {
  readonly from: Uint8Array;
  readonly to: Uint8Array | undefined;
}

/** Which of the three {@link LockTarget} shapes an interval came from, so it can be shown as written. */
export type TargetShape = 'key' | 'prefix' | 'range';

/** An interval with the shape of the target it came from. */
export interface NormalizedTarget extends ByteRange {
  readonly shape: TargetShape;
}

/**
 * Unsigned lexicographic byte order, as `Buffer.compare`: negative, zero or positive.
 * O(min(|a|, |b|)).
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  // Buffer.compare crosses into C++ (~200 ns a call on Node 20), which dominated lock
  // requests on short keys; a plain loop is ~5x faster there. Long keys still go to memcmp.
  if (n > 64) return Buffer.compare(a, b);
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * The smallest byte string greater than every string starting with `prefix`: increment the
 * last byte that is not 0xFF and drop what follows it. `undefined` (+infinity) when there is
 * none, i.e. for the empty prefix or one made only of 0xFF bytes. O(|prefix|).
 */
export function prefixSuccessor(prefix: Uint8Array): Uint8Array | undefined {
  let i = prefix.length - 1;
  while (i >= 0 && prefix[i] === 0xff) i--;
  if (i < 0) return undefined;
  const out = new Uint8Array(i + 1);
  out.set(prefix.subarray(0, i));
  out[i] = prefix[i] + 1;
  return out;
}

function bytesField(value: unknown, name: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new InvalidArgumentError(`lock target ${name} must be a Uint8Array`);
  // A copy, so a caller reusing its buffer cannot move a lock that is already held.
  return new Uint8Array(value);
}

/**
 * Normalizes a target to its interval: a key k is `[k, k+0x00)` (exactly k, since k+0x00 is
 * k's immediate successor), a prefix p is `[p, successor(p))`. The bytes are copied.
 * Throws {@link InvalidArgumentError} for a malformed target or an empty range. O(key length).
 */
export function normalizeTarget(target: LockTarget): NormalizedTarget {
  if (typeof target !== 'object' || target === null) throw new InvalidArgumentError('lock target must be { key }, { from, to? } or { prefix }');
  const t = target as { key?: unknown; from?: unknown; to?: unknown; prefix?: unknown };
  const shapes = (t.key !== undefined ? 1 : 0) + (t.from !== undefined ? 1 : 0) + (t.prefix !== undefined ? 1 : 0);
  if (shapes !== 1) throw new InvalidArgumentError('lock target must have exactly one of key, from or prefix');
  if (t.key !== undefined) {
    const key = bytesField(t.key, 'key');
    const to = new Uint8Array(key.length + 1);
    to.set(key);
    return { shape: 'key', from: key, to };
  }
  if (t.prefix !== undefined) {
    const prefix = bytesField(t.prefix, 'prefix');
    return { shape: 'prefix', from: prefix, to: prefixSuccessor(prefix) };
  }
  const from = bytesField(t.from, 'from');
  if (t.to === undefined) return { shape: 'range', from, to: undefined };
  const to = bytesField(t.to, 'to');
  if (compareBytes(from, to) >= 0) throw new InvalidArgumentError(`lock range [${hexLabel(from)}, ${hexLabel(to)}) is empty: from must sort before to`);
  return { shape: 'range', from, to };
}

/** The target a normalized interval came from, rebuilt from its bytes (the inverse of {@link normalizeTarget}). O(1). */
export function targetOf(t: NormalizedTarget): LockTarget {
  if (t.shape === 'key') return { key: t.from };
  if (t.shape === 'prefix') return { prefix: t.from };
  return t.to === undefined ? { from: t.from } : { from: t.from, to: t.to };
}

/** True when the two intervals share at least one byte string. O(key length). */
export function overlaps(a: ByteRange, b: ByteRange): boolean {
  return (b.to === undefined || compareBytes(a.from, b.to) < 0) && (a.to === undefined || compareBytes(b.from, a.to) < 0);
}

/** True when every byte string in `inner` is also in `outer`. O(key length). */
export function covers(outer: ByteRange, inner: ByteRange): boolean {
  if (compareBytes(outer.from, inner.from) > 0) return false;
  if (outer.to === undefined) return true;
  return inner.to !== undefined && compareBytes(inner.to, outer.to) <= 0;
}

/** Lower-case hex of some bytes, the form locks take in snapshots and events. O(n). */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function hexLabel(bytes: Uint8Array): string {
  return bytes.length === 0 ? '(empty)' : `0x${toHex(bytes)}`;
}

/** A short label for messages: `key 0x6162`, `prefix 0x61`, `range [0x61, 0x62)`. O(key length). */
export function describeTarget(target: LockTarget): string {
  const t = target as { key?: Uint8Array; from?: Uint8Array; to?: Uint8Array; prefix?: Uint8Array };
  if (t.key instanceof Uint8Array) return `key ${hexLabel(t.key)}`;
  if (t.prefix instanceof Uint8Array) return t.prefix.length === 0 ? 'every key' : `prefix ${hexLabel(t.prefix)}`;
  if (t.from instanceof Uint8Array) return `range [${hexLabel(t.from)}, ${t.to instanceof Uint8Array ? hexLabel(t.to) : 'end'})`;
  return 'an invalid target';
}
