import { BlockKind, type Address } from '../format/address';
import { msgSliceBounds, rdelCovers } from '../tree/buffer';
import { compareKeys, emptyRange, lowerBound, maxLower, minUpper, upperBound } from '../tree/keys';
import { BlobRef, isNode, Op, type Child, type InternalNode, type Msg, type TreeNode, type Value } from '../tree/node';
import { overlayMessages } from '../tree/overlay';
import { getValue, scanTree, type RawEntry } from '../tree/read';
import type { NodeLoader } from '../tree/write';

/** One key-level difference between two versions. */
export interface RawChange {
  readonly key: Buffer;
  readonly type: 'added' | 'removed' | 'changed';
  readonly before: Value | null;
  readonly after: Value | null;
}

/**
 * The buffered messages of the ancestors above a subtree, root first. Messages nearer the root
 * are newer. Two sides with the same subtree address and the same ancestor messages (by
 * sequence number: a message's seq is unique in a store) see the same records there.
 */
type Layers = readonly { readonly msgs: readonly Msg[]; readonly rdels: readonly Msg[] }[];

function layerSeqs(layers: Layers, lo: Buffer | null, hi: Buffer | null): number[] {
  const out: number[] = [];
  for (const l of layers) {
    const [x, y] = msgSliceBounds(l.msgs, lo, hi);
    for (let i = x; i < y; i++) out.push(l.msgs[i].seq);
    for (const r of l.rdels) {
      const overlaps = (hi === null || compareKeys(r.key, hi) < 0) && (lo === null || r.end === null || compareKeys(r.end, lo) > 0);
      if (overlaps) out.push(-r.seq - 1);
    }
  }
  return out.sort((a, b) => a - b);
}

function sameSeqs(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function layeredScan(loader: NodeLoader, child: Child, layers: Layers, lo: Buffer | null, hi: Buffer | null): Iterator<RawEntry> {
  let it: Iterator<RawEntry> = scanTree(loader, child, lo, hi, false);
  // Deepest layer first, the root's last: newer messages are applied over older ones.
  for (let i = layers.length - 1; i >= 0; i--) {
    const { msgs, rdels } = layers[i];
    const [from, to] = msgSliceBounds(msgs, lo, hi);
    it = overlayMessages(it, msgs, from, to, rdels, false);
  }
  return it;
}

/**
 * Keys named by point messages present on one side's layers and not the other's (by seq), in
 * order; null when a range delete differs (then the region is compared record by record).
 */
function differingPointKeys(la: Layers, lb: Layers, lo: Buffer | null, hi: Buffer | null): Buffer[] | null {
  const collect = (layers: Layers): Map<number, Msg> => {
    const m = new Map<number, Msg>();
    for (const l of layers) {
      const [x, y] = msgSliceBounds(l.msgs, lo, hi);
      for (let i = x; i < y; i++) m.set(l.msgs[i].seq, l.msgs[i]);
      for (const r of l.rdels) {
        const overlaps = (hi === null || compareKeys(r.key, hi) < 0) && (lo === null || r.end === null || compareKeys(r.end, lo) > 0);
        if (overlaps) m.set(r.seq, r);
      }
    }
    return m;
  };
  const ma = collect(la);
  const mb = collect(lb);
  const out: Buffer[] = [];
  for (const [from, other] of [[ma, mb], [mb, ma]] as const) {
    for (const [seq, m] of from) {
      if (other.has(seq)) continue;
      if (m.op === Op.DeleteRange) return null;
      out.push(m.key);
    }
  }
  out.sort(compareKeys);
  return out.filter((k, i) => i === 0 || compareKeys(out[i - 1], k) !== 0);
}

/** The value of `key` in a subtree seen through its ancestors' messages (root layer newest). */
function valueThrough(loader: NodeLoader, child: Child, layers: Layers, key: Buffer): Value | undefined {
  for (const l of layers) {
    const [x, y] = msgSliceBounds(l.msgs, key, null);
    if (x < y && x < l.msgs.length && compareKeys(l.msgs[x].key, key) === 0) {
      const m = l.msgs[x];
      return m.op === Op.Put ? (m.value as Value) : undefined;
    }
    if (l.rdels.length > 0 && rdelCovers(l.rdels, key)) return undefined;
  }
  return getValue(loader, child, key);
}

function addrOf(c: Child): Address | null {
  return isNode(c) ? c.addr : c;
}

function sameValue(a: Value, b: Value, loader: { readBlob(r: BlobRef): Buffer }): boolean {
  if (a instanceof BlobRef || b instanceof BlobRef) {
    if (a instanceof BlobRef && b instanceof BlobRef && a.index.offset === b.index.offset) return true;
    if (a.length !== b.length) return false;
    const x = a instanceof BlobRef ? loader.readBlob(a) : a;
    const y = b instanceof BlobRef ? loader.readBlob(b) : b;
    return x.equals(y);
  }
  return a.equals(b);
}

/** Counters of a diff's work (for the O(changes) claim, tested by counting). */
export interface DiffCounters {
  subtreesSkipped: number;
  regionsScanned: number;
}

/**
 * Key-level diff of two trees over [lo, hi), in key order. Walks both trees together and
 * skips every subtree whose address is the same on both sides *and* whose ancestors' buffered
 * messages for its range are the same (a shared child under differing buffers is not
 * unchanged). Where the two shapes differ it compares the smallest aligned region record by
 * record. Cost grows with the changes (and the nodes around them), not with the store.
 */
export function* diffTrees(
  loader: NodeLoader & { readBlob(r: BlobRef): Buffer },
  a: Child,
  b: Child,
  lo: Buffer | null,
  hi: Buffer | null,
  counters: DiffCounters = { subtreesSkipped: 0, regionsScanned: 0 },
): Generator<RawChange> {
  yield* diffNodes(loader, a, b, [], [], lo, hi, counters);
}

function* diffNodes(
  loader: NodeLoader & { readBlob(r: BlobRef): Buffer },
  a: Child,
  b: Child,
  la: Layers,
  lb: Layers,
  lo: Buffer | null,
  hi: Buffer | null,
  counters: DiffCounters,
): Generator<RawChange> {
  if (emptyRange(lo, hi)) return;
  const aa = addrOf(a);
  const ab = addrOf(b);
  if (aa && ab && aa.offset === ab.offset && sameSeqs(layerSeqs(la, lo, hi), layerSeqs(lb, lo, hi))) {
    counters.subtreesSkipped++;
    return;
  }
  if (aa && ab && aa.offset === ab.offset) {
    // Same subtree, different messages above it: only keys those messages name can differ.
    const keys = differingPointKeys(la, lb, lo, hi);
    if (keys) {
      counters.subtreesSkipped++;
      for (const k of keys) {
        const x = valueThrough(loader, a, la, k);
        const y = valueThrough(loader, b, lb, k);
        if (x === undefined && y === undefined) continue;
        if (x === undefined) yield { key: k, type: 'added', before: null, after: y as Value };
        else if (y === undefined) yield { key: k, type: 'removed', before: x, after: null };
        else if (!sameValue(x, y, loader)) yield { key: k, type: 'changed', before: x, after: y };
      }
      return;
    }
  }
  const na: TreeNode = isNode(a) ? a : loader.load(a);
  const nb: TreeNode = isNode(b) ? b : loader.load(b);
  if (na.kind === 'internal' && nb.kind === 'internal' && na.level === nb.level) {
    yield* diffInternal(loader, na, nb, la, lb, lo, hi, counters);
    return;
  }
  counters.regionsScanned++;
  yield* compareStreams(loader, layeredScan(loader, a, la, lo, hi), layeredScan(loader, b, lb, lo, hi));
}

function* diffInternal(
  loader: NodeLoader & { readBlob(r: BlobRef): Buffer },
  na: InternalNode,
  nb: InternalNode,
  la: Layers,
  lb: Layers,
  lo: Buffer | null,
  hi: Buffer | null,
  counters: DiffCounters,
): Generator<RawChange> {
  const la2 = [...la, { msgs: na.msgs, rdels: na.rdels }];
  const lb2 = [...lb, { msgs: nb.msgs, rdels: nb.rdels }];
  // Group children into aligned regions: a region ends at a pivot both nodes share.
  const inRange = (k: Buffer): boolean => (lo === null || compareKeys(k, lo) > 0) && (hi === null || compareKeys(k, hi) < 0);
  const pa = na.pivots.filter(inRange);
  const pb = nb.pivots.filter(inRange);
  const shared: Buffer[] = [];
  for (let i = 0, j = 0; i < pa.length && j < pb.length; ) {
    const c = compareKeys(pa[i], pb[j]);
    if (c === 0) {
      shared.push(pa[i]);
      i++;
      j++;
    } else if (c < 0) i++;
    else j++;
  }
  const bounds: (Buffer | null)[] = [lo, ...shared, hi];
  for (let r = 0; r + 1 < bounds.length; r++) {
    const rlo = bounds[r];
    const rhi = bounds[r + 1];
    const ca = childrenIn(na, rlo, rhi);
    const cb = childrenIn(nb, rlo, rhi);
    if (ca.length === 1 && cb.length === 1) {
      yield* diffNodes(loader, na.children[ca[0]], nb.children[cb[0]], la2, lb2, maxLower(rlo, lo), minUpper(rhi, hi), counters);
    } else {
      counters.regionsScanned++;
      yield* compareStreams(loader, regionScan(loader, na, ca, la2, rlo, rhi), regionScan(loader, nb, cb, lb2, rlo, rhi));
    }
  }
}

/** Children of `n` overlapping [lo, hi). O(log n + result). */
function childrenIn(n: InternalNode, lo: Buffer | null, hi: Buffer | null): number[] {
  const first = lo === null ? 0 : upperBound(n.pivots, lo);
  const last = hi === null ? n.children.length - 1 : Math.min(n.children.length - 1, lowerBound(n.pivots, hi));
  const out: number[] = [];
  for (let i = first; i <= last; i++) out.push(i);
  return out;
}

function* regionScan(loader: NodeLoader, n: InternalNode, idx: number[], layers: Layers, lo: Buffer | null, hi: Buffer | null): Generator<RawEntry> {
  const count = n.children.length;
  for (const i of idx) {
    const clo = maxLower(lo, i > 0 ? n.pivots[i - 1] : null);
    const chi = minUpper(hi, i < count - 1 ? n.pivots[i] : null);
    if (emptyRange(clo, chi)) continue;
    const it = layeredScan(loader, n.children[i], layers, clo, chi);
    for (let r = it.next(); !r.done; r = it.next()) yield r.value;
  }
}

function* compareStreams(loader: { readBlob(r: BlobRef): Buffer }, x: Iterator<RawEntry>, y: Iterator<RawEntry>): Generator<RawChange> {
  let a = x.next();
  let b = y.next();
  while (!a.done || !b.done) {
    const c = a.done ? 1 : b.done ? -1 : compareKeys(a.value[0], b.value[0]);
    if (c < 0) {
      yield { key: a.value[0], type: 'removed', before: a.value[1], after: null };
      a = x.next();
    } else if (c > 0) {
      const e = b.value as RawEntry;
      yield { key: e[0], type: 'added', before: null, after: e[1] };
      b = y.next();
    } else {
      const ea = a.value as RawEntry;
      const eb = b.value as RawEntry;
      if (!sameValue(ea[1], eb[1], loader)) yield { key: ea[0], type: 'changed', before: ea[1], after: eb[1] };
      a = x.next();
      b = y.next();
    }
  }
}

/** How a node relates to the two versions of a structural diff. */
export interface StructuralNode {
  readonly address: Address;
  readonly side: 'shared' | 'left' | 'right';
}

/**
 * Structural diff for drawing: nodes reachable from each root, classified shared / only-left /
 * only-right, descending only below nodes that are not shared (a shared node's whole subtree
 * is shared). Aligned by level, so trees of different heights compare correctly.
 * O(changed nodes × fanout).
 */
export function structuralDiff(loader: NodeLoader, a: Address, b: Address): StructuralNode[] {
  const out: StructuralNode[] = [];
  const mergeInto = (m: Map<number, Address[]>, xs: Address[]): void => {
    for (const x of xs) {
      const list = m.get(x.level);
      if (list) list.push(x);
      else m.set(x.level, [x]);
    }
  };
  const byLevel = (xs: Address[]): Map<number, Address[]> => {
    const m = new Map<number, Address[]>();
    mergeInto(m, xs);
    return m;
  };
  const left = byLevel([a]);
  const right = byLevel([b]);
  const top = Math.max(a.level, b.level);
  for (let level = top; level >= 0; level--) {
    const la = left.get(level) ?? [];
    const lb = right.get(level) ?? [];
    const ra = new Set(lb.map((x) => x.offset));
    const sa = new Set(la.map((x) => x.offset));
    const nextA: Address[] = [];
    const nextB: Address[] = [];
    for (const x of la) {
      if (ra.has(x.offset)) out.push({ address: x, side: 'shared' });
      else {
        out.push({ address: x, side: 'left' });
        if (x.kind !== BlockKind.Leaf) nextA.push(...((loader.load(x) as InternalNode).children as Address[]));
      }
    }
    for (const x of lb) {
      if (sa.has(x.offset)) continue;
      out.push({ address: x, side: 'right' });
      if (x.kind !== BlockKind.Leaf) nextB.push(...((loader.load(x) as InternalNode).children as Address[]));
    }
    left.delete(level);
    right.delete(level);
    mergeInto(left, nextA);
    mergeInto(right, nextB);
  }
  return out;
}
