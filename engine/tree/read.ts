import type { Address } from '../format/address';
import { findMsg, msgSliceBounds, rdelCovers } from './buffer';
import { buildKeyIndex, compareKeys, indexedFind, indexedSearch, lowerBound, maxLower, minUpper, upperBound, type KeyIndex } from './keys';
import { BlobRef, isNode, Op, type Child, type InternalNode, type LeafNode, type TreeNode, type Value } from './node';
import { PackedLeaf } from './packed-leaf';
import type { NodeLoader } from './write';
import { overlayMessages } from './overlay';

/** Resolves a child pointer to a node (transient nodes are returned as they are). */
export function resolveChild(loader: NodeLoader, c: Child): TreeNode {
  return isNode(c) ? c : loader.load(c);
}

/** Search index of a persisted node's keys or pivots, built on first use (transient nodes change, so they have none). */
function indexOf(node: LeafNode | InternalNode): KeyIndex | null {
  if (node.addr === null) return null;
  return node.kind === 'leaf' ? leafIndexOf(node) : internalIndexOf(node);
}

function leafIndexOf(node: LeafNode): KeyIndex {
  let idx = node.search;
  if (!idx) {
    idx = buildKeyIndex(node.keys);
    node.search = idx;
  }
  return idx;
}

/** The index of a persisted internal node's pivots, with its children's offsets. */
function internalIndexOf(node: InternalNode): KeyIndex & { readonly childOffsets: Float64Array } {
  let idx = node.search as (KeyIndex & { readonly childOffsets?: Float64Array }) | null | undefined;
  if (!idx || !idx.childOffsets) {
    const children = node.children as Address[];
    const childOffsets = new Float64Array(children.length);
    for (let i = 0; i < children.length; i++) childOffsets[i] = children[i].offset;
    idx = { ...buildKeyIndex(node.pivots), childOffsets };
    node.search = idx;
  }
  return idx as KeyIndex & { readonly childOffsets: Float64Array };
}

/**
 * A copy of stored bytes for a caller (never a view of a node, which stays shared and cached).
 * `allocUnsafe` takes small sizes from Node's pool and `set` is a typed-array copy: the work of
 * `Buffer.from(buffer)` without its argument-type dispatch. O(length).
 */
export function copyOf(v: Buffer): Buffer {
  const out = Buffer.allocUnsafe(v.length);
  out.set(v);
  return out;
}

/** `v`, or a copy of it the caller owns when `copy` (blob pointers are immutable and never copied). */
function handOut(v: Value, copy: boolean): Value {
  return copy && !(v instanceof BlobRef) ? copyOf(v) : v;
}

/**
 * Point lookup. Walks root to leaf; at each internal node a point message for the key (or a
 * range delete covering it) is the newest word on it and ends the walk — messages higher up
 * are always newer than anything below. With `copy`, an inline value comes back as a copy the
 * caller owns (made straight from the leaf's block, with no view in between), else as the
 * stored view. O(height · log node) and at most `height` nodes read.
 */
export function getValue(loader: NodeLoader, root: Child, key: Uint8Array, copy = false): Value | undefined {
  let node = resolveChild(loader, root);
  for (;;) {
    if (node.kind === 'leaf') {
      if (node instanceof PackedLeaf) {
        const i = node.find(key);
        return i < 0 ? undefined : copy ? node.copyValueAt(i) : node.valueAt(i);
      }
      const idx = indexOf(node);
      let i: number;
      if (idx) i = indexedFind(node.keys, idx, key);
      else {
        i = lowerBound(node.keys, key);
        if (i < node.keys.length && compareKeys(node.keys[i], key) !== 0) i = -1;
      }
      return i >= 0 && i < node.keys.length ? handOut(node.vals[i], copy) : undefined;
    }
    if (node.msgs.length > 0) {
      const m = findMsg(node.msgs, key);
      if (m >= 0) {
        const msg = node.msgs[m];
        return msg.op === Op.Put ? handOut(msg.value as Value, copy) : undefined;
      }
    }
    if (node.rdels.length > 0 && rdelCovers(node.rdels, key)) return undefined;
    if (node.addr === null) {
      node = resolveChild(loader, node.children[upperBound(node.pivots, key)]);
      continue;
    }
    // A persisted node: its children are addresses, and its index lists their offsets, so a
    // cached child is found without touching its address object.
    const idx = internalIndexOf(node);
    const c = indexedSearch(node.pivots, idx, key, true);
    node = (loader.peek !== undefined ? loader.peek(idx.childOffsets[c]) : undefined) ?? loader.load(node.children[c] as Address);
  }
}

/**
 * Batched point lookup: `out[i]` becomes the value of `keys[i]` (undefined when absent). The
 * keys are visited in key order (`order` sorts them), so the walk goes down the tree once:
 * each node on the way is read at most once per call, however many keys fall under it, and a
 * leaf's keys are matched by one forward merge. Messages and range deletes in internal nodes
 * answer the keys they name, as in getValue; with `copy`, inline values come back as copies the
 * caller owns. With `order` given: O(k · height + the sizes of the nodes touched).
 */
export function getValues(loader: NodeLoader, root: Child, keys: readonly Uint8Array[], order: Uint32Array, out: (Value | undefined)[], copy = false): void {
  if (order.length > 0) lookupSorted(loader, resolveChild(loader, root), keys, order, out, copy);
}

/**
 * True when `asked` sorted keys are few enough beside a sorted list of `entries` that a binary
 * search per key (O(asked · log entries)) beats one forward merge over both (O(asked + entries)):
 * a batch of 1,000 random keys over 1M records brings 1–3 keys to each node below the top two
 * levels, where a merge walked every pivot, buffered message and leaf key for them.
 */
function sparse(asked: number, entries: number): boolean {
  return asked * 8 < entries;
}

function lookupSorted(loader: NodeLoader, node: TreeNode, keys: readonly Uint8Array[], order: Uint32Array, out: (Value | undefined)[], copy: boolean): void {
  if (node.kind === 'leaf') {
    if (node instanceof PackedLeaf && sparse(order.length, node.n)) {
      for (let i = 0; i < order.length; i++) {
        const at = order[i];
        const j = node.find(keys[at]);
        out[at] = j < 0 ? undefined : copy ? node.copyValueAt(j) : node.valueAt(j);
      }
      return;
    }
    const lk = node.keys;
    if (sparse(order.length, lk.length)) {
      // Few asked keys for the leaf's size (random batches): a search each, not a walk of every key.
      const idx = indexOf(node);
      for (let i = 0; i < order.length; i++) {
        const at = order[i];
        const key = keys[at];
        let j: number;
        if (idx) j = indexedFind(lk, idx, key);
        else {
          j = lowerBound(lk, key);
          if (j < lk.length && compareKeys(lk[j], key) !== 0) j = -1;
        }
        out[at] = j >= 0 && j < lk.length ? handOut(node.vals[j], copy) : undefined;
      }
      return;
    }
    // Both sides sorted and dense: one forward merge, O(leaf keys + asked keys).
    let j = 0;
    for (let i = 0; i < order.length; i++) {
      const idx = order[i];
      const key = keys[idx];
      let c = 1;
      while (j < lk.length && (c = compareKeys(lk[j], key)) < 0) j++;
      out[idx] = j < lk.length && c === 0 ? handOut(node.vals[j], copy) : undefined;
    }
    return;
  }
  // Keys a buffered message or range delete answers stop here; the rest go down. The buffer,
  // the range deletes and the keys are all sorted, so each is walked forward once.
  let rest = order;
  const msgs = node.msgs;
  const rdels = node.rdels;
  if (sparse(order.length, msgs.length + rdels.length)) {
    // Few keys for a long buffer: a binary search each (as getValue) instead of walking it all.
    const down = new Uint32Array(order.length);
    let n = 0;
    for (let i = 0; i < order.length; i++) {
      const idx = order[i];
      const key = keys[idx];
      const m = msgs.length > 0 ? findMsg(msgs, key) : -1;
      if (m >= 0) {
        const msg = msgs[m];
        out[idx] = msg.op === Op.Put ? handOut(msg.value as Value, copy) : undefined;
      } else if (rdels.length > 0 && rdelCovers(rdels, key)) {
        out[idx] = undefined;
      } else {
        down[n++] = idx;
      }
    }
    rest = down.subarray(0, n);
  } else if (msgs.length > 0 || rdels.length > 0) {
    const down = new Uint32Array(order.length);
    let n = 0;
    let m = 0;
    let r = 0;
    for (let i = 0; i < order.length; i++) {
      const idx = order[i];
      const key = keys[idx];
      let c = 1;
      while (m < msgs.length && (c = compareKeys(msgs[m].key, key)) < 0) m++;
      if (m < msgs.length && c === 0) {
        const msg = msgs[m];
        out[idx] = msg.op === Op.Put ? handOut(msg.value as Value, copy) : undefined;
        continue;
      }
      // The last range delete starting at or before the key is the only one that can cover it.
      while (r + 1 < rdels.length && compareKeys(rdels[r + 1].key, key) <= 0) r++;
      if (r < rdels.length && compareKeys(rdels[r].key, key) <= 0 && (rdels[r].end === null || compareKeys(key, rdels[r].end as Buffer) < 0)) {
        out[idx] = undefined;
        continue;
      }
      down[n++] = idx;
    }
    rest = down.subarray(0, n);
  }
  // Sorted keys split into consecutive runs, one per child.
  const pivots = node.pivots;
  // Few keys for many children: each run's child found by a search, not by walking every pivot.
  const idx = sparse(rest.length, pivots.length) ? indexOf(node) : null;
  let start = 0;
  let c = 0;
  while (start < rest.length) {
    if (idx) c = indexedSearch(pivots, idx, keys[rest[start]], true);
    else while (c < pivots.length && compareKeys(pivots[c], keys[rest[start]]) <= 0) c++;
    let end = start + 1;
    if (c < pivots.length) {
      const limit = pivots[c];
      while (end < rest.length && compareKeys(keys[rest[end]], limit) < 0) end++;
    } else {
      end = rest.length;
    }
    lookupSorted(loader, resolveChild(loader, node.children[c]), keys, rest.subarray(start, end), out, copy);
    start = end;
  }
}

/** One record from a cursor: the key and its stored value. */
export type RawEntry = [key: Buffer, value: Value];

/**
 * Streams the live records of [lo, hi) in key order (or reverse), merging each internal
 * node's buffered messages over what its children yield. Memory is O(height) frames;
 * a scan of k records reads O(k / fanout + height) leaves.
 */
export function* scanTree(loader: NodeLoader, root: Child, lo: Buffer | null, hi: Buffer | null, reverse: boolean): Generator<RawEntry> {
  yield* scanNode(loader, resolveChild(loader, root), lo, hi, reverse);
}

function* scanNode(loader: NodeLoader, node: TreeNode, lo: Buffer | null, hi: Buffer | null, reverse: boolean): Generator<RawEntry> {
  if (node.kind === 'leaf') {
    const keys = node.keys;
    if (!reverse) {
      let i = lo === null ? 0 : lowerBound(keys, lo);
      for (; i < keys.length; i++) {
        if (hi !== null && compareKeys(keys[i], hi) >= 0) return;
        yield [keys[i], node.vals[i]];
      }
    } else {
      let i = (hi === null ? keys.length : lowerBound(keys, hi)) - 1;
      for (; i >= 0; i--) {
        if (lo !== null && compareKeys(keys[i], lo) < 0) return;
        yield [keys[i], node.vals[i]];
      }
    }
    return;
  }
  const n = node.children.length;
  const first = lo === null ? 0 : upperBound(node.pivots, lo);
  const last = hi === null ? n - 1 : Math.min(n - 1, lowerBound(node.pivots, hi));
  for (let s = 0; s <= last - first; s++) {
    const c = reverse ? last - s : first + s;
    const subLo = maxLower(lo, c > 0 ? node.pivots[c - 1] : null);
    const subHi = minUpper(hi, c < n - 1 ? node.pivots[c] : null);
    if (subLo !== null && subHi !== null && compareKeys(subLo, subHi) >= 0) continue;
    const [a, b] = msgSliceBounds(node.msgs, subLo, subHi);
    yield* overlayMessages(scanNode(loader, resolveChild(loader, node.children[c]), subLo, subHi, reverse), node.msgs, a, b, node.rdels, reverse);
  }
}
