import type { Address } from '../format/address';
import { msgSliceBounds, RdelCursor } from './buffer';
import { compareKeys, emptyRange, lowerBound, maxLower, minUpper, upperBound } from './keys';
import { isNode, Op, type Child, type InternalNode, type Msg, type TreeNode, type Value } from './node';
import { PackedLeaf } from './packed-leaf';
import { getValues, resolveChild, type RawEntry } from './read';
import type { NodeLoader } from './write';

/**
 * Exact record counts and positions (FORMAT.md §7.2 counts, READING.md "Counting").
 *
 * Every internal node of a format-3 file stores, per child, the number of live records in that
 * child's subtree — the child's own buffer and everything below it applied. A count therefore
 * descends like a range scan's two edges, adding whole children's stored counts, and corrects
 * each node on the way for its own buffer: a buffered put may be new or may overwrite, a delete
 * may hit or miss, a range delete hides an unknown number. That correction (the node's
 * "buffer effects") needs a lookup of each buffered key in the node's children; it is computed
 * once per persisted node (which never changes) and memoised, so a warm count costs
 * O(height · log) and a cold one O(height · buffered messages on the path) point lookups.
 *
 * The writer keeps no counts while it works: when a changed node is persisted, the counts of
 * its changed children are computed from their own stored counts plus their buffer effects
 * (store/node-store.ts). Unchanged children keep theirs. A file of format 1 or 2 stores no counts, and
 * counting falls back to descending every child (O(records in range)).
 */

/**
 * The stored count of each child address, attached when its parent is decoded or when the
 * child is persisted. A count belongs to the block at that address, so it travels with the
 * address object through the writer's copies, splits and merges without the tree code keeping
 * a parallel array in step with every splice of `children`.
 */
const storedCounts = new WeakMap<Address, number>();

/** Records that the subtree at `address` holds `count` live records. O(1). */
export function setStoredCount(address: Address, count: number): void {
  storedCounts.set(address, count);
}

/** The stored count of a child pointer, or undefined (a transient node, or a format-1/2 parent). O(1). */
export function storedCount(child: Child): number | undefined {
  return isNode(child) ? undefined : storedCounts.get(child);
}

/** What a node's own buffer does to the count of its children's records. */
interface BufferEffects {
  /** `prefix[i]` = Σ over messages before i of (put ? 1 : 0) − (key live below and not under a range delete here ? 1 : 0). */
  readonly prefix: Int32Array;
  /** Live records in the children under each range delete of the buffer. */
  readonly rdelBelow: readonly number[];
}

/** Memo of persisted nodes' buffer effects (a persisted node never changes). */
const effectsMemo = new WeakMap<InternalNode, BufferEffects>();

/** True when bound `outer` (a lower bound, null = -inf) is at or below `inner`. */
function lowerCovers(outer: Buffer | null, inner: Buffer | null): boolean {
  return outer === null || (inner !== null && compareKeys(outer, inner) <= 0);
}

/** True when upper bound `outer` (null = +inf) is at or above `inner`. */
function upperCovers(outer: Buffer | null, inner: Buffer | null): boolean {
  return outer === null || (inner !== null && compareKeys(inner, outer) <= 0);
}

/**
 * Live records in the subtree at `child`: its stored count when it has one, else counted.
 * O(1) with a stored count; otherwise one {@link countRange} of the whole node.
 */
export function subtreeCount(loader: NodeLoader, child: Child): number {
  const stored = storedCount(child);
  if (stored !== undefined) return stored;
  const node = resolveChild(loader, child);
  const n = countRange(loader, node, null, null, null, null);
  if (!isNode(child)) storedCounts.set(child, n);
  return n;
}

/**
 * Live records of `node`'s subtree in [lo, hi), where [nlo, nhi) are the node's own bounds.
 * O(height · (log fanout + log buffer)) with stored counts and memoised buffer effects.
 */
export function countRange(loader: NodeLoader, node: TreeNode, lo: Buffer | null, hi: Buffer | null, nlo: Buffer | null, nhi: Buffer | null): number {
  lo = maxLower(lo, nlo);
  hi = minUpper(hi, nhi);
  if (emptyRange(lo, hi)) return 0;
  if (node.kind === 'leaf') {
    const a = lo === null ? 0 : lowerBound(node.keys, lo);
    const b = hi === null ? node.keys.length : lowerBound(node.keys, hi);
    return Math.max(0, b - a);
  }
  return countChildren(loader, node, lo, hi, nlo, nhi) + bufferEffect(loader, node, lo, hi, nlo, nhi);
}

/** Live records of the children of `node` in [lo, hi) (inside the node's bounds), ignoring the node's own buffer. */
function countChildren(loader: NodeLoader, node: InternalNode, lo: Buffer | null, hi: Buffer | null, nlo: Buffer | null, nhi: Buffer | null): number {
  const n = node.children.length;
  const first = lo === null ? 0 : upperBound(node.pivots, lo);
  const last = hi === null ? n - 1 : Math.min(n - 1, lowerBound(node.pivots, hi));
  let total = 0;
  for (let c = first; c <= last; c++) {
    const cl = c > 0 ? node.pivots[c - 1] : nlo;
    const ch = c < n - 1 ? node.pivots[c] : nhi;
    if (lowerCovers(lo, cl) && upperCovers(hi, ch)) total += subtreeCount(loader, node.children[c]);
    else total += countRange(loader, resolveChild(loader, node.children[c]), lo, hi, cl, ch);
  }
  return total;
}

/** What the node's own buffer adds to (or takes from) its children's count in [lo, hi). */
function bufferEffect(loader: NodeLoader, node: InternalNode, lo: Buffer | null, hi: Buffer | null, nlo: Buffer | null, nhi: Buffer | null): number {
  if (node.msgs.length === 0 && node.rdels.length === 0) return 0;
  const eff = effectsOf(loader, node, nlo, nhi);
  const [a, b] = msgSliceBounds(node.msgs, lo, hi);
  let sum = eff.prefix[b] - eff.prefix[a];
  const rdels = node.rdels;
  for (let i = 0; i < rdels.length; i++) {
    const r = rdels[i];
    if (hi !== null && compareKeys(r.key, hi) >= 0) break;
    if (lo !== null && r.end !== null && compareKeys(r.end, lo) <= 0) continue;
    if (lowerCovers(lo, r.key) && upperCovers(hi, r.end)) sum -= eff.rdelBelow[i];
    else sum -= countChildren(loader, node, maxLower(lo, r.key), minUpper(hi, r.end), nlo, nhi);
  }
  return sum;
}

/**
 * The buffer effects of an internal node: one batched lookup of its buffered keys in its
 * children, and a count under each range delete. Memoised for persisted nodes.
 * O(buffered messages · height) node visits (each node at most once per child batch).
 */
function effectsOf(loader: NodeLoader, node: InternalNode, nlo: Buffer | null, nhi: Buffer | null): BufferEffects {
  const known = node.addr !== null ? effectsMemo.get(node) : undefined;
  if (known) return known;
  const msgs = node.msgs;
  const live = liveBelow(loader, node);
  const prefix = new Int32Array(msgs.length + 1);
  const cover = new RdelCursor(node.rdels);
  for (let i = 0; i < msgs.length; i++) {
    const covered = cover.covers(msgs[i].key);
    prefix[i + 1] = prefix[i] + (msgs[i].op === Op.Put ? 1 : 0) - (!covered && live[i] ? 1 : 0);
  }
  const rdelBelow = node.rdels.map((r) => countChildren(loader, node, r.key, r.end, nlo, nhi));
  const eff = { prefix, rdelBelow };
  if (node.addr !== null) effectsMemo.set(node, eff);
  return eff;
}

/**
 * Whether a buffered message's key is live in the persisted child subtree below it, by message
 * object, with the child's address object it was found in: a pure function of the two (a
 * persisted subtree never changes). A node copied, split or extended by a journal segment keeps
 * its unchanged children's address objects, so it looks up only the messages that arrived
 * since; a message flushed a level down is looked up again there.
 */
const liveMemo = new WeakMap<Msg, { child: Child; live: boolean }>();

/** For each buffered point message: is its key live in the child below? New ones looked up, batched per child. */
/** Marks a key found in a leaf where its value is not needed. */
const PRESENT: Value = Buffer.alloc(0);

function liveBelow(loader: NodeLoader, node: InternalNode): Uint8Array {
  const msgs = node.msgs;
  const out = new Uint8Array(msgs.length);
  const n = node.children.length;
  const keys = msgs.map((m) => m.key);
  const found: (Value | undefined)[] = new Array(msgs.length);
  const ask = new Uint32Array(msgs.length);
  for (let c = 0; c < n; c++) {
    const [a, b] = msgSliceBounds(msgs, c > 0 ? node.pivots[c - 1] : null, c < n - 1 ? node.pivots[c] : null);
    const child = node.children[c];
    let k = 0;
    for (let i = a; i < b; i++) {
      const known = liveMemo.get(msgs[i]);
      if (known !== undefined && known.child === child) out[i] = known.live ? 1 : 0;
      else ask[k++] = i;
    }
    if (k === 0) continue;
    const order = ask.subarray(0, k);
    const below = resolveChild(loader, child);
    if (below instanceof PackedLeaf) {
      // Only whether the key is there matters: searched in place, no key or value arrays built.
      for (const i of order) found[i] = below.find(keys[i]) >= 0 ? PRESENT : undefined;
    } else if (below.kind === 'leaf') {
      // A few keys into a leaf: binary searches beat getValues' merge over the whole leaf.
      for (const i of order) {
        const at = lowerBound(below.keys, keys[i]);
        found[i] = at < below.keys.length && compareKeys(below.keys[at], keys[i]) === 0 ? below.vals[at] : undefined;
      }
    } else getValues(loader, below, keys, order, found);
    const persisted = !isNode(child);
    for (const i of order) {
      const live = found[i] !== undefined;
      out[i] = live ? 1 : 0;
      if (persisted) liveMemo.set(msgs[i], { child, live });
    }
  }
  return out;
}

/** The smallest key greater than `key` (key ‖ 0x00). */
function keyAfter(key: Buffer): Buffer {
  const out = Buffer.alloc(key.length + 1);
  key.copy(out);
  return out;
}

/**
 * The `index`-th (0-based) live record of `node`'s subtree in [lo, hi), or undefined past the
 * end. Picks the child by counts, then inside that child's range walks the node's buffered
 * messages for it, counting the gaps between them in the child. O(height · (log n + buffered
 * messages of the chosen child's range)) counts.
 */
export function entryAt(loader: NodeLoader, node: TreeNode, index: number, lo: Buffer | null, hi: Buffer | null, nlo: Buffer | null, nhi: Buffer | null): RawEntry | undefined {
  lo = maxLower(lo, nlo);
  hi = minUpper(hi, nhi);
  if (index < 0 || emptyRange(lo, hi)) return undefined;
  if (node.kind === 'leaf') {
    const i = (lo === null ? 0 : lowerBound(node.keys, lo)) + index;
    if (i >= node.keys.length || (hi !== null && compareKeys(node.keys[i], hi) >= 0)) return undefined;
    return [node.keys[i], node.vals[i]];
  }
  const n = node.children.length;
  const first = lo === null ? 0 : upperBound(node.pivots, lo);
  const last = hi === null ? n - 1 : Math.min(n - 1, lowerBound(node.pivots, hi));
  for (let c = first; c <= last; c++) {
    const cl = c > 0 ? node.pivots[c - 1] : nlo;
    const ch = c < n - 1 ? node.pivots[c] : nhi;
    const sl = maxLower(lo, cl);
    const sh = minUpper(hi, ch);
    if (emptyRange(sl, sh)) continue;
    const whole = lowerCovers(lo, cl) && upperCovers(hi, ch);
    const below = whole ? subtreeCount(loader, node.children[c]) : countRange(loader, resolveChild(loader, node.children[c]), sl, sh, cl, ch);
    const here = below + bufferEffect(loader, node, sl, sh, nlo, nhi);
    if (index >= here) {
      index -= here;
      continue;
    }
    const child = resolveChild(loader, node.children[c]);
    if (node.msgs.length === 0 && node.rdels.length === 0) return entryAt(loader, child, index, sl, sh, cl, ch);
    return entryAmongMessages(loader, node, child, index, sl, sh, cl, ch);
  }
  return undefined;
}

/**
 * The index-th live record of [sl, sh) inside one child's range, merging the node's buffered
 * messages over what the child holds: the gaps between message keys (minus range deletes)
 * come from the child, each message key from the message.
 */
function entryAmongMessages(loader: NodeLoader, node: InternalNode, child: TreeNode, index: number, sl: Buffer | null, sh: Buffer | null, cl: Buffer | null, ch: Buffer | null): RawEntry | undefined {
  const msgs = node.msgs;
  const [a, b] = msgSliceBounds(msgs, sl, sh);
  let pos = sl;
  for (let j = a; j <= b; j++) {
    const gapEnd = j < b ? msgs[j].key : sh;
    for (const [gl, gh] of uncovered(node.rdels, pos, gapEnd)) {
      const k = countRange(loader, child, gl, gh, cl, ch);
      if (index < k) return entryAt(loader, child, index, gl, gh, cl, ch);
      index -= k;
    }
    if (j === b) break;
    const m: Msg = msgs[j];
    if (m.op === Op.Put) {
      if (index === 0) return [m.key, m.value as Value];
      index--;
    }
    pos = keyAfter(m.key);
  }
  return undefined;
}

/** The parts of [lo, hi) no range delete of the sorted, disjoint `rdels` covers. O(rdels). */
function uncovered(rdels: readonly Msg[], lo: Buffer | null, hi: Buffer | null): [Buffer | null, Buffer | null][] {
  const out: [Buffer | null, Buffer | null][] = [];
  let pos = lo;
  for (const r of rdels) {
    if (hi !== null && compareKeys(r.key, hi) >= 0) break;
    if (pos !== null && r.end !== null && compareKeys(r.end, pos) <= 0) continue;
    if (pos === null || compareKeys(r.key, pos) > 0) out.push([pos, r.key]);
    pos = r.end;
    if (pos === null) return out;
  }
  if (!emptyRange(pos, hi)) out.push([pos, hi]);
  return out;
}
