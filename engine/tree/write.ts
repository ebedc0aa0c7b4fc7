import type { Address } from '../format/address';
import type { TreeParams } from '../format/header';
import { applyToBuffer, applyToLeaf, clipRdels, msgSliceBounds, subtractRange } from './buffer';
import { compareKeys, separator } from './keys';
import { isNode, msgBytes, type Child, type InternalNode, type LeafNode, type Msg, type TreeNode } from './node';
import { PackedLeaf } from './packed-leaf';

/** What the tree needs from storage: persisted nodes by address (immutable, maybe cached). */
export interface NodeLoader {
  load(address: Address): TreeNode;
  /**
   * The node at `offset` when it is decoded in memory already (counted as a visit, as load is),
   * else undefined. Lets a point read go from a parent's child offsets straight to the cached
   * child, without touching the child's address object. Optional: loaders without a cache omit it.
   */
  peek?(offset: number): TreeNode | undefined;
}

/** Events the writer reports (buffer flushes and splits), for the event model and tests. */
export interface TreeWriteObserver {
  flush?(level: number, messages: number): void;
  split?(level: number, pieces: number): void;
}

/** A sorted batch of messages: range deletes (sorted, disjoint) and point messages (sorted, unique keys). */
export interface Batch {
  readonly rdels: readonly Msg[];
  readonly points: readonly Msg[];
}

/**
 * Copy-on-write modification of a hitchhiker B+tree. Persisted nodes are never changed: a
 * node about to change is copied into a transient node owned by this writer (and an internal
 * copy remembers the persisted node it extends, so an unchanged-children copy can be written
 * as a small journal segment instead of a whole node).
 */
export class TreeWriter {
  constructor(
    private readonly loader: NodeLoader,
    private readonly params: TreeParams,
    private readonly observer: TreeWriteObserver = {},
  ) {}

  /** A transient copy of `child` (the node itself when already transient). O(node size). */
  private own(child: Child): TreeNode {
    if (isNode(child) && child.addr === null) return child;
    const node = isNode(child) ? child : this.loader.load(child);
    if (node.kind === 'leaf') {
      const { keys, vals } = node instanceof PackedLeaf ? node.unpack() : { keys: node.keys.slice(), vals: node.vals.slice() };
      return { kind: 'leaf', keys, vals, bytes: node.bytes, addr: null, search: null };
    }
    const addr = node.addr as Address;
    return {
      kind: 'internal',
      level: node.level,
      pivots: node.pivots.slice(),
      children: node.children.slice(),
      msgs: node.msgs.slice(),
      rdels: node.rdels.slice(),
      bufBytes: node.bufBytes,
      addr: null,
      chainLength: 0,
      chainBytes: 0,
      journal: { prev: addr, chainLength: node.chainLength, chainBytes: node.chainBytes },
      pending: [],
      search: null,
    };
  }

  /**
   * Applies a batch to the tree rooted at `root` and returns the new root. Messages land in the
   * root's buffer; a full buffer flushes its busiest child's batch one level down (recursively),
   * splitting nodes that grow too large; the root grows or collapses a level as needed.
   * Amortised O(log n) node copies per message; a small batch into a root with room touches
   * only the root.
   */
  apply(root: Child, batch: Batch): Child {
    if (batch.points.length === 0 && batch.rdels.length === 0) return root;
    let node = this.own(root);
    let pieces: TreeNode[];
    let seps: Buffer[];
    if (node.kind === 'leaf') {
      applyToLeaf(node, batch.rdels, batch.points);
      ({ pieces, seps } = this.splitLeaf(node));
      if (pieces.length === 0) pieces = [node];
    } else {
      applyToBuffer(node, batch.rdels, batch.points);
      if (node.bufBytes > this.params.bufferSize) this.flush(node);
      ({ pieces, seps } = this.splitInternal(node));
    }
    // Grow: pieces become the children of a new root, which may itself need splitting.
    while (pieces.length > 1) {
      const level = (pieces[0].kind === 'leaf' ? 0 : pieces[0].level) + 1;
      const parent: InternalNode = newInternal(level, pieces, seps);
      ({ pieces, seps } = this.splitInternal(parent));
    }
    node = pieces[0];
    // Collapse: a root with one child and an empty buffer is replaced by that child.
    while (node.kind === 'internal' && node.children.length === 1 && node.msgs.length === 0 && node.rdels.length === 0) {
      const only = node.children[0];
      node = isNode(only) ? only : this.loader.load(only);
      if (node.addr !== null) return node.addr;
    }
    return node;
  }

  /** Flushes batches from a node's buffer to its busiest children until the buffer fits. */
  private flush(node: InternalNode): void {
    const target = this.params.bufferSize;
    let guard = 0;
    while (node.bufBytes > target && guard++ < 4 * node.children.length + 8) {
      const i = this.busiestChild(node);
      if (i < 0) break;
      this.flushChild(node, i);
    }
  }

  /** The child whose key range holds the most buffered bytes. O(children · log buffer). */
  private busiestChild(node: InternalNode): number {
    let best = -1;
    let bestBytes = 0;
    const n = node.children.length;
    for (let i = 0; i < n; i++) {
      const lo = i > 0 ? node.pivots[i - 1] : null;
      const hi = i < n - 1 ? node.pivots[i] : null;
      const [a, b] = msgSliceBounds(node.msgs, lo, hi);
      let bytes = 0;
      // Estimating by count keeps this O(log n); sizes of same-workload messages are similar.
      if (b > a) bytes = ((b - a) * node.bufBytes) / Math.max(1, node.msgs.length + node.rdels.length);
      for (const r of node.rdels) {
        if ((hi === null || compareKeys(r.key, hi) < 0) && (lo === null || r.end === null || compareKeys(r.end, lo) > 0)) bytes += msgBytes(r);
      }
      if (bytes > bestBytes) {
        bestBytes = bytes;
        best = i;
      }
    }
    return best;
  }

  /** Moves the messages bound for child i down into it, and replaces it by what it became. */
  private flushChild(node: InternalNode, i: number): void {
    const n = node.children.length;
    const lo = i > 0 ? node.pivots[i - 1] : null;
    const hi = i < n - 1 ? node.pivots[i] : null;
    const [a, b] = msgSliceBounds(node.msgs, lo, hi);
    const points = node.msgs.slice(a, b);
    const rdels = clipRdels(node.rdels, lo, hi);
    let removed = 0;
    for (const m of points) removed += msgBytes(m);
    for (const r of node.rdels) removed += msgBytes(r);
    node.msgs.splice(a, b - a);
    node.rdels = subtractRange(node.rdels, lo, hi);
    let added = 0;
    for (const r of node.rdels) added += msgBytes(r);
    node.bufBytes = Math.max(0, node.bufBytes - removed + added);
    node.journal = null;
    node.pending = [];
    this.observer.flush?.(node.level, points.length + rdels.length);

    const child = this.own(node.children[i]);
    let result: { pieces: TreeNode[]; seps: Buffer[] };
    if (child.kind === 'leaf') {
      applyToLeaf(child, rdels, points);
      result = this.splitLeaf(child);
      if (result.pieces.length === 1 && child.bytes < this.params.nodeSize / 4 && n > 1) {
        this.mergeLeafWithSibling(node, i, child);
        return;
      }
    } else {
      applyToBuffer(child, rdels, points);
      if (child.bufBytes > this.params.bufferSize) this.flush(child);
      result = this.splitInternal(child);
    }
    this.replaceChild(node, i, result.pieces, result.seps);
  }

  /** Replaces child i with `pieces` separated by `seps`; an emptied leaf disappears (unless it is the only child). */
  private replaceChild(node: InternalNode, i: number, pieces: TreeNode[], seps: Buffer[]): void {
    if (pieces.length === 0) {
      if (node.children.length === 1) {
        node.children[0] = { kind: 'leaf', keys: [], vals: [], bytes: 0, addr: null, search: null };
        return;
      }
      node.children.splice(i, 1);
      // The neighbour on the left absorbs the range (its upper bound becomes ours).
      node.pivots.splice(i > 0 ? i - 1 : 0, 1);
      return;
    }
    node.children.splice(i, 1, ...pieces);
    node.pivots.splice(i, 0, ...seps);
  }

  /** An underfull leaf merges with a sibling leaf, and the pair is re-split evenly if too large. */
  private mergeLeafWithSibling(node: InternalNode, i: number, child: LeafNode): void {
    const j = i + 1 < node.children.length ? i + 1 : i - 1;
    const sib = this.own(node.children[j]) as LeafNode;
    const [left, right] = j > i ? [child, sib] : [sib, child];
    const merged: LeafNode = {
      kind: 'leaf',
      keys: left.keys.concat(right.keys),
      vals: left.vals.concat(right.vals),
      bytes: left.bytes + right.bytes,
      addr: null,
      search: null,
    };
    const first = Math.min(i, j);
    const { pieces, seps } = this.splitLeaf(merged);
    node.children.splice(first, 2, ...(pieces.length ? pieces : [merged]));
    node.pivots.splice(first, 1, ...seps);
  }

  /** Cuts a leaf into pieces of at most nodeSize bytes, evenly; [] when it is empty. O(n). */
  private splitLeaf(leaf: LeafNode): { pieces: TreeNode[]; seps: Buffer[] } {
    if (leaf.keys.length === 0) return { pieces: [], seps: [] };
    if (leaf.bytes <= this.params.nodeSize || leaf.keys.length < 2) return { pieces: [leaf], seps: [] };
    const sizeOf = (i: number): number => leaf.keys[i].length + (Buffer.isBuffer(leaf.vals[i]) ? (leaf.vals[i] as Buffer).length : 24) + 4;
    let largest = 0;
    for (let i = 0; i < leaf.keys.length; i++) largest = Math.max(largest, sizeOf(i));
    // Cut at cumulative targets (i+1)·bytes/k. With a share of at most nodeSize − largest entry,
    // no piece overflows and the last one is not a small remainder.
    const k = Math.ceil(leaf.bytes / Math.max(this.params.nodeSize / 2, this.params.nodeSize - largest));
    const share = leaf.bytes / k;
    const pieces: TreeNode[] = [];
    const seps: Buffer[] = [];
    let start = 0;
    let acc = 0;
    let total = 0;
    const flushPiece = (end: number): void => {
      const keys = leaf.keys.slice(start, end);
      const vals = leaf.vals.slice(start, end);
      if (pieces.length > 0) seps.push(separator(leaf.keys[start - 1], leaf.keys[start]));
      pieces.push({ kind: 'leaf', keys, vals, bytes: acc, addr: null, search: null });
      start = end;
      acc = 0;
    };
    for (let i = 0; i < leaf.keys.length; i++) {
      const b = sizeOf(i);
      const target = share * (pieces.length + 1);
      if (acc > 0 && (total + b / 2 > target || acc + b > this.params.nodeSize)) flushPiece(i);
      acc += b;
      total += b;
    }
    flushPiece(leaf.keys.length);
    this.observer.split?.(0, pieces.length);
    return { pieces, seps };
  }

  /** Cuts an internal node with too many children into even pieces, partitioning its buffer. O(n). */
  private splitInternal(node: InternalNode): { pieces: TreeNode[]; seps: Buffer[] } {
    const n = node.children.length;
    if (n <= this.params.fanout) return { pieces: [node], seps: [] };
    const k = Math.ceil(n / this.params.fanout);
    const pieces: TreeNode[] = [];
    const seps: Buffer[] = [];
    let start = 0;
    for (let p = 0; p < k; p++) {
      const end = Math.round(((p + 1) * n) / k);
      const lo = start > 0 ? node.pivots[start - 1] : null;
      const hi = end < n ? node.pivots[end - 1] : null;
      const [a, b] = msgSliceBounds(node.msgs, lo, hi);
      const piece = newInternal(node.level, node.children.slice(start, end), node.pivots.slice(start, end - 1));
      piece.msgs = node.msgs.slice(a, b);
      piece.rdels = clipRdels(node.rdels, lo, hi);
      let bytes = 0;
      for (const m of piece.msgs) bytes += msgBytes(m);
      for (const r of piece.rdels) bytes += msgBytes(r);
      piece.bufBytes = bytes;
      if (p > 0) seps.push(lo as Buffer);
      this.addPiece(piece, pieces, seps);
      start = end;
    }
    this.observer.split?.(node.level, pieces.length);
    return { pieces, seps };
  }

  /**
   * Appends one piece of a split (its separator already pushed). A range delete that spans
   * several pieces is clipped to each piece's bounds, and the clipped copies carry the pivots
   * as their new ends: the pieces' buffers together can hold more estimated bytes than the
   * node did, and one piece alone can exceed bufferSize (buffer-bound). Such a piece flushes
   * before it is kept; the flush may split its children so that it needs splitting again, and
   * the pieces of that split go through here too. Each round moves messages one level down,
   * so it ends.
   */
  private addPiece(piece: InternalNode, pieces: TreeNode[], seps: Buffer[]): void {
    if (piece.bufBytes > this.params.bufferSize) this.flush(piece);
    if (piece.children.length <= this.params.fanout) {
      pieces.push(piece);
      return;
    }
    const sub = this.splitInternal(piece);
    pieces.push(...sub.pieces);
    seps.push(...sub.seps);
  }
}

/** A fresh transient internal node with an empty buffer. */
export function newInternal(level: number, children: Child[], pivots: Buffer[]): InternalNode {
  return { kind: 'internal', level, pivots, children, msgs: [], rdels: [], bufBytes: 0, addr: null, chainLength: 0, chainBytes: 0, journal: null, pending: [], search: null };
}
