/**
 * Cuts the key space of a diff into slices of similar size, and counts a diff's changes per
 * slice in one pass. The slices serve twice: the change-density strip draws them, and the
 * summary's progress counts them (a diff streams in key order, so "slices passed" is a true
 * fraction of the work's key range, where a change count alone has no total).
 *
 * Why the trees' pivots: they split the key space into runs holding roughly equal amounts of
 * data (a leaf splits at nodeSize bytes, and every node stays between half and all of its
 * capacity), so a slice is "as much data as its neighbours", and the upper levels hold few of
 * them, so finding N cut points reads about N / fanout + height nodes per version instead of
 * sampling keys through a scan.
 */
import type { DiffCounts } from '../contract';
import type { AddressView, Store } from './engine';
import type { JobContext } from './jobs';

/** The key range of a diff: `lo` inclusive, `hi` exclusive (null: to the end). */
export interface KeyBounds {
  readonly lo: Buffer;
  readonly hi: Buffer | null;
}

/** The smallest key after every key with `prefix`, or null when there is none (all 0xff). */
export function prefixUpperBound(prefix: Uint8Array): Buffer | null {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return null;
  const out = Buffer.from(prefix.subarray(0, end));
  out[end - 1] = out[end - 1]! + 1;
  return out;
}

/** The intersection of a prefix and [from, to) as one range. */
export function keyBounds(opts: { readonly prefix?: Uint8Array; readonly from?: Uint8Array; readonly to?: Uint8Array }): KeyBounds {
  let lo = Buffer.alloc(0);
  let hi: Buffer | null = null;
  const raise = (x: Uint8Array) => {
    if (Buffer.compare(x, lo) > 0) lo = Buffer.from(x);
  };
  const lower = (x: Uint8Array | null) => {
    if (x !== null && (hi === null || Buffer.compare(x, hi) < 0)) hi = Buffer.from(x);
  };
  if (opts.prefix) {
    raise(opts.prefix);
    lower(prefixUpperBound(opts.prefix));
  }
  if (opts.from) raise(opts.from);
  if (opts.to) lower(Buffer.from(opts.to));
  return { lo, hi };
}

function inside(key: Uint8Array, b: KeyBounds): boolean {
  return Buffer.compare(key, b.lo) > 0 && (b.hi === null || Buffer.compare(key, b.hi) < 0);
}

/**
 * Keys strictly inside `bounds` that cut version `ref`'s tree into at least `want` runs when
 * the tree is big enough: the pivots of the first level (from the root down) that has that
 * many inside the range, or the leaf keys when no internal level does. Reads only nodes that
 * overlap the range: O(want + height) node reads.
 */
export function cutPoints(store: Store, ref: number | string, bounds: KeyBounds, want: number): Buffer[] {
  let frontier: AddressView[] = [store.rootAddress(ref)];
  let cuts: Buffer[] = [];
  while (frontier.length > 0) {
    const next: AddressView[] = [];
    cuts = [];
    for (const address of frontier) {
      const node = store.readNode(address);
      for (const k of node.keys) if (inside(k, bounds)) cuts.push(k);
      if (node.kind !== 'internal') continue;
      // Child i covers [keys[i-1], keys[i]): descend only into children that meet the range.
      node.children.forEach((child, i) => {
        const start = i > 0 ? node.keys[i - 1]! : null;
        const end = i < node.keys.length ? node.keys[i]! : null;
        const startsBeforeHi = start === null || bounds.hi === null || Buffer.compare(start, bounds.hi) < 0;
        const endsAfterLo = end === null || Buffer.compare(end, bounds.lo) > 0;
        if (startsBeforeHi && endsAfterLo) next.push(child);
      });
    }
    if (cuts.length >= want) break;
    frontier = next;
  }
  return cuts;
}

/**
 * Starts of `buckets` slices of `bounds` (the first is `bounds.lo`), cut at the pivots of the
 * version that can cut more finely (usually the bigger one). Mixing both versions' cuts would
 * let a small version's leaf keys crowd a corner of the strip (an import diffed against the
 * empty-ish version before it); both are used only when neither alone has enough. Fewer slices
 * when the trees are too small to cut that finely.
 */
export function sliceStarts(store: Store, a: number | string, b: number | string, bounds: KeyBounds, buckets: number): Buffer[] {
  const want = Math.max(0, buckets - 1);
  if (want === 0) return [bounds.lo];
  const ca = cutPoints(store, a, bounds, want);
  const cb = cutPoints(store, b, bounds, want);
  const enough = ca.length >= want || cb.length >= want;
  const all = (enough ? (ca.length >= cb.length ? ca : cb) : [...ca, ...cb]).sort(Buffer.compare);
  const unique: Buffer[] = [];
  for (const k of all) if (unique.length === 0 || !unique[unique.length - 1]!.equals(k)) unique.push(k);
  const picked: Buffer[] = [];
  if (unique.length <= want) picked.push(...unique);
  else for (let i = 1; i <= want; i++) picked.push(unique[Math.floor((i * unique.length) / (want + 1))]!);
  const starts = [bounds.lo];
  for (const k of picked) if (!starts[starts.length - 1]!.equals(k)) starts.push(k);
  return starts;
}

/** Changes counted in one slice. */
export interface SliceCount extends DiffCounts {
  readonly start: Buffer;
  readonly firstKey: Buffer | null;
}

/**
 * Runs the diff from `a` to `b` over `bounds` once and counts its changes per slice. Checks
 * for cancel between changes and reports progress as slices passed out of `starts.length`.
 * O(diff cost): values are never read.
 */
export async function countSlices(
  store: Store,
  a: number | string,
  b: number | string,
  opts: { readonly prefix?: Uint8Array; readonly from?: Uint8Array; readonly to?: Uint8Array },
  starts: readonly Buffer[],
  job: JobContext,
): Promise<SliceCount[]> {
  const counts = starts.map((start) => ({ start, firstKey: null as Buffer | null, added: 0, removed: 0, changed: 0 }));
  let j = 0;
  let n = 0;
  job.progress(0, starts.length, 'diffing');
  for (const change of store.diff(a, b, opts)) {
    while (j + 1 < starts.length && Buffer.compare(change.key, starts[j + 1]!) >= 0) j++;
    const slice = counts[j]!;
    if (slice.firstKey === null) slice.firstKey = change.key;
    slice[change.type] += 1;
    if ((++n & 15) === 0) {
      job.progress(j, starts.length, 'diffing');
      await job.checkpoint();
    }
  }
  await job.checkpoint();
  job.progress(starts.length, starts.length, 'done');
  return counts;
}
