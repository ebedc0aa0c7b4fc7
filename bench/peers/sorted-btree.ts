/**
 * sorted-btree: an in-memory copy-on-write B+tree, the reference for in-memory operations,
 * `clone()` (O(1)) and `diffAgainst` (skips shared subtrees). Keys compare with `Buffer.compare`.
 * It has no disk, so "a store in dir" lives in a process-wide map keyed by dir; copying a store is
 * a clone. Durable commits, cold reads and file size are n/a.
 */
import BTreeModule from 'sorted-btree';
import type { Tally } from '../tally';
import type { DiffSink, Peer, PeerFactory, PeerOpenOptions, SnapshotHandle } from './types';

// sorted-btree is CommonJS with `exports.default = BTree`; under Node's ESM loader the default
// import is the exports object, under a bundler it is the class. Accept both.
type BTreeClass = typeof BTreeModule;
const BTree: BTreeClass = (BTreeModule as unknown as { default?: BTreeClass }).default ?? BTreeModule;
type Tree = BTreeModule<Buffer, Buffer>;

interface TreeSnapshot extends SnapshotHandle {
  readonly tree: Tree;
}

const IN_MEMORY = 'in-memory store';
const NO_POSITIONAL = 'no order statistics: counting is iterating the range';

/** Closed "stores", by dir: the only place a sorted-btree outlives its Peer. */
const closed = new Map<string, Tree>();

function newTree(): Tree {
  return new BTree<Buffer, Buffer>(undefined, Buffer.compare);
}

class SortedBtreePeer implements Peer {
  readonly name = 'sorted-btree' as const;
  readonly support = { durable: IN_MEMORY, coldOpen: IN_MEMORY, snapshot: true, diff: true, fileSize: IN_MEMORY, positional: NO_POSITIONAL } as const;
  private t: Tree | undefined;
  private dir = '';

  private get tree(): Tree {
    if (!this.t) throw new Error('sorted-btree: not open');
    return this.t;
  }

  async open(dir: string, options: PeerOpenOptions): Promise<void> {
    const existing = closed.get(dir);
    if (!existing && !options.create) throw new Error(`sorted-btree: no store at ${dir}`);
    this.dir = dir;
    closed.delete(dir);
    this.t = existing ?? newTree();
  }

  async bulkInsert(keys: readonly Buffer[], values: readonly Buffer[]): Promise<void> {
    const tree = this.tree;
    for (let i = 0; i < keys.length; i++) tree.set(keys[i]!, values[i]!);
  }

  async putDurable(key: Buffer, value: Buffer): Promise<number | undefined> {
    this.tree.set(key, value);
    return undefined;
  }

  async get(key: Buffer): Promise<Buffer | undefined> {
    return this.tree.get(key);
  }

  async getMany(keys: readonly Buffer[], tally: Tally): Promise<void> {
    const tree = this.tree;
    for (let i = 0; i < keys.length; i++) {
      const v = tree.get(keys[i]!);
      if (v === undefined) tally.miss();
      else tally.addValue(v);
    }
  }

  async getEach(keys: readonly Buffer[], tally: Tally): Promise<void> {
    await this.getMany(keys, tally);
  }

  async getBatches(keys: readonly Buffer[], _size: number, tally: Tally): Promise<void> {
    // No batch API: an in-memory tree has no per-call cost to amortise.
    await this.getMany(keys, tally);
  }

  async scanAll(tally: Tally): Promise<void> {
    this.tree.forEachPair((key: Buffer, value: Buffer) => {
      tally.add(key, value);
    });
  }

  async scanRange(from: Buffer, n: number, tally: Tally): Promise<void> {
    if (n <= 0) return;
    let left = n;
    for (const [key, value] of this.tree.entries(from, [])) {
      tally.add(key, value);
      if (--left === 0) break;
    }
  }

  async delete(key: Buffer): Promise<void> {
    this.tree.delete(key);
  }

  async deleteMany(keys: readonly Buffer[]): Promise<void> {
    const tree = this.tree;
    for (const key of keys) tree.delete(key);
  }

  async applyChanges(putKeys: readonly Buffer[], putValues: readonly Buffer[], deleteKeys: readonly Buffer[]): Promise<void> {
    const tree = this.tree;
    for (let i = 0; i < putKeys.length; i++) tree.set(putKeys[i]!, putValues[i]!);
    for (const key of deleteKeys) tree.delete(key);
  }

  async snapshot(name: string): Promise<TreeSnapshot> {
    return { name, tree: this.tree.clone() };
  }

  async snapshotCount(snapshot: SnapshotHandle): Promise<number> {
    return (snapshot as TreeSnapshot).tree.size;
  }

  async dropSnapshot(_snapshot: SnapshotHandle): Promise<void> {}

  /** `diffAgainst`: walks only the subtrees the two clones do not share. */
  async diff(from: SnapshotHandle, to: SnapshotHandle, sink: DiffSink): Promise<void> {
    const a = (from as TreeSnapshot).tree;
    const b = (to as TreeSnapshot).tree;
    b.diffAgainst(
      a,
      (key: Buffer) => {
        sink(key, 'added');
      },
      (key: Buffer) => {
        sink(key, 'removed');
      },
      (key: Buffer, vb: Buffer, va: Buffer) => {
        // Values are compared by identity by diffAgainst; equal bytes in distinct buffers are no change.
        if (!vb.equals(va)) sink(key, 'changed');
      },
    );
  }

  async countRange(): Promise<number> {
    throw new Error(`${this.name}: ${NO_POSITIONAL}`);
  }

  async entryAt(): Promise<Buffer | undefined> {
    throw new Error(`${this.name}: ${NO_POSITIONAL}`);
  }

  fileSize(): number {
    return Number.NaN;
  }

  async close(): Promise<void> {
    if (this.t) closed.set(this.dir, this.t);
    this.t = undefined;
  }
}

/** The sorted-btree (in-memory) peer. */
export const sortedBtreePeer: PeerFactory = {
  name: 'sorted-btree',
  readCalls: { each: '`tree.get(key)`', batch: 'a `tree.get` loop (no batch API)', whole: 'a `tree.get` loop' },
  load: async () => true,
  create: () => new SortedBtreePeer(),
  copyStore: (from, to) => {
    const tree = closed.get(from);
    if (!tree) throw new Error(`sorted-btree: no store at ${from}`);
    closed.set(to, tree.clone());
  },
  removeStore: (dir) => {
    closed.delete(dir);
  },
};
