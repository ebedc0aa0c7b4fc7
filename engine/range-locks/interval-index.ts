/**
 * An interval tree over byte ranges: a treap ordered by `(from, insertion order)` in which every
 * node also keeps the greatest `to` of its subtree (CLRS §14.3). A stabbing query skips any
 * subtree whose greatest `to` is at or before the query's `from`, and everything right of a node
 * that starts at or after the query's `to`, so it touches O(log n) nodes plus the ones it
 * reports, rather than every lock in the table — the point of the exercise at 50k locks.
 *
 * A treap rather than a red-black tree: the same expected depth, and insert/delete are a few
 * rotations with the augmentation recomputed on the way back up, which is easy to get right.
 */
import { type ByteRange, compareBytes } from './range';

/**
 * A treap node. A class rather than an object literal so V8 never pretenures it: the nodes of
 * long-held locks survive, and a pretenured literal site would then put the nodes of
 * short-lived locks in old space too (see the note on Lock in lock-manager.ts).
 */
class Node<T extends ByteRange> {
  readonly from: Uint8Array;
  readonly to: Uint8Array | undefined;
  left: Node<T> | null = null;
  right: Node<T> | null = null;
  /** Greatest `to` in this subtree; undefined = +infinity. */
  max: Uint8Array | undefined;

  constructor(
    readonly item: T,
    readonly seq: number,
    readonly prio: number,
  ) {
    this.from = item.from;
    this.to = item.to;
    this.max = item.to;
  }
}

/** The later of two interval ends, where undefined is +infinity. */
function laterEnd(a: Uint8Array | undefined, b: Uint8Array | undefined): Uint8Array | undefined {
  if (a === undefined || b === undefined) return undefined;
  return compareBytes(a, b) >= 0 ? a : b;
}

function update<T extends ByteRange>(n: Node<T>): void {
  let max = n.to;
  if (n.left) max = laterEnd(max, n.left.max);
  if (n.right) max = laterEnd(max, n.right.max);
  n.max = max;
}

function before<T extends ByteRange>(a: Node<T>, b: Node<T>): boolean {
  const c = compareBytes(a.from, b.from);
  return c < 0 || (c === 0 && a.seq < b.seq);
}

function rotateRight<T extends ByteRange>(n: Node<T>): Node<T> {
  const l = n.left as Node<T>;
  n.left = l.right;
  l.right = n;
  update(n);
  update(l);
  return l;
}

function rotateLeft<T extends ByteRange>(n: Node<T>): Node<T> {
  const r = n.right as Node<T>;
  n.right = r.left;
  r.left = n;
  update(n);
  update(r);
  return r;
}

function merge<T extends ByteRange>(a: Node<T> | null, b: Node<T> | null): Node<T> | null {
  if (!a) return b;
  if (!b) return a;
  if (a.prio > b.prio) {
    a.right = merge(a.right, b);
    update(a);
    return a;
  }
  b.left = merge(a, b.left);
  update(b);
  return b;
}

/**
 * A set of items, each with a byte interval, answering "which items overlap `[from, to)`".
 * Items are compared by identity; their `from`/`to` must not change while indexed.
 * Expected depth O(log n); memory O(n).
 */
export class IntervalIndex<T extends ByteRange> {
  private root: Node<T> | null = null;
  private readonly nodes = new Map<T, Node<T>>();
  private seq = 0;
  // xorshift32 with a fixed seed: priorities need only be independent of the keys, and a
  // deterministic shape makes a failing test replay identically.
  private rand = 0x9e3779b9;

  /** Number of items. O(1). */
  get size(): number {
    return this.nodes.size;
  }

  /** True when `item` is indexed. O(1). */
  has(item: T): boolean {
    return this.nodes.has(item);
  }

  /** Adds `item` (a no-op if it is already present). Expected O(log n). */
  insert(item: T): void {
    if (this.nodes.has(item)) return;
    let x = this.rand;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rand = x >>> 0;
    const node = new Node(item, this.seq++, this.rand);
    this.nodes.set(item, node);
    this.root = this.insertAt(this.root, node);
  }

  private insertAt(at: Node<T> | null, n: Node<T>): Node<T> {
    if (!at) return n;
    if (before(n, at)) {
      at.left = this.insertAt(at.left, n);
      if (at.left.prio > at.prio) return rotateRight(at);
    } else {
      at.right = this.insertAt(at.right, n);
      if (at.right.prio > at.prio) return rotateLeft(at);
    }
    update(at);
    return at;
  }

  /** Removes `item`; false if it was not present. Expected O(log n). */
  delete(item: T): boolean {
    const node = this.nodes.get(item);
    if (!node) return false;
    this.nodes.delete(item);
    this.root = this.deleteAt(this.root as Node<T>, node);
    return true;
  }

  private deleteAt(at: Node<T>, n: Node<T>): Node<T> | null {
    if (at === n) return merge(n.left, n.right);
    if (before(n, at)) at.left = this.deleteAt(at.left as Node<T>, n);
    else at.right = this.deleteAt(at.right as Node<T>, n);
    update(at);
    return at;
  }

  /**
   * Calls `visit` for every item overlapping `[from, to)` (to undefined = +infinity), in
   * `(from, insertion)` order. `visit` must not modify the index. O(log n + k) expected for k
   * reported items (O(k log n) in the worst case of the max-end pruning).
   */
  forEachOverlap(from: Uint8Array, to: Uint8Array | undefined, visit: (item: T) => void): void {
    if (this.root) this.visitOverlap(this.root, from, to, visit);
  }

  private visitOverlap(n: Node<T>, from: Uint8Array, to: Uint8Array | undefined, visit: (item: T) => void): void {
    // Nothing in this subtree ends after `from`: no overlap below.
    if (n.max !== undefined && compareBytes(n.max, from) <= 0) return;
    if (n.left) this.visitOverlap(n.left, from, to, visit);
    // This node and its right subtree all start at or after `to`.
    if (to !== undefined && compareBytes(n.from, to) >= 0) return;
    if (n.to === undefined || compareBytes(n.to, from) > 0) visit(n.item);
    if (n.right) this.visitOverlap(n.right, from, to, visit);
  }

  /** The items overlapping `[from, to)`, in `(from, insertion)` order. O(log n + k) expected. */
  overlapping(from: Uint8Array, to: Uint8Array | undefined): T[] {
    const out: T[] = [];
    this.forEachOverlap(from, to, (item) => out.push(item));
    return out;
  }

  /** Calls `visit` for every item in `(from, insertion)` order. O(n). */
  forEach(visit: (item: T) => void): void {
    const stack: Node<T>[] = [];
    let n = this.root;
    while (n || stack.length) {
      while (n) {
        stack.push(n);
        n = n.left;
      }
      const top = stack.pop() as Node<T>;
      visit(top.item);
      n = top.right;
    }
  }

  /**
   * Checks the invariants and throws an Error naming the first one broken: ORDER (in-order
   * keys ascend), HEAP (a parent's priority is at least its children's), MAX (each node's max is
   * the latest end in its subtree), COUNT (the tree holds exactly the mapped items). O(n).
   */
  verify(): void {
    let count = 0;
    let prev: Node<T> | null = null;
    const walk = (n: Node<T> | null): Uint8Array | undefined | null => {
      if (!n) return null;
      const lmax = walk(n.left);
      if (prev && !before(prev, n)) throw new Error('interval index ORDER violated');
      prev = n;
      count++;
      if (this.nodes.get(n.item) !== n) throw new Error('interval index COUNT violated: node not in map');
      const rmax = walk(n.right);
      if ((n.left && n.left.prio > n.prio) || (n.right && n.right.prio > n.prio)) throw new Error('interval index HEAP violated');
      let max = n.to;
      if (lmax !== null) max = laterEnd(max, lmax);
      if (rmax !== null) max = laterEnd(max, rmax);
      const same = max === undefined ? n.max === undefined : n.max !== undefined && compareBytes(max, n.max) === 0;
      if (!same) throw new Error('interval index MAX violated');
      return n.max;
    };
    walk(this.root);
    if (count !== this.nodes.size) throw new Error(`interval index COUNT violated: ${count} nodes, ${this.nodes.size} items`);
  }
}
