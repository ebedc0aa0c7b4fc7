import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store, type AddressView, type StoreOptions } from '../index';
import { prng } from '../testing/test-support';

/**
 * Complexity by counting, never by timing, with the store's I/O counters:
 * - `nodesWritten` of a commit and `blocksWritten` (every block appended);
 * - `nodeVisits` (node loads, cache hits included: one per logical node, however long its journal chain);
 * - `blockReads` (positioned reads from the file).
 * Stores of 10k records, insert-only (so every stored record is live), with small and default parameters.
 */

const RECORDS = 10_000;
const key = (i: number): Buffer => Buffer.from(`item/${String(i).padStart(6, '0')}`);
const value = (i: number): Buffer => Buffer.from(`value-${i % 10_000}`);
/** Largest leaf entry here: key 11 + value ≤ 10 + 4 bytes of overhead (the tree's entryBytes estimate). */
const MAX_ENTRY_BYTES = 11 + 10 + 4;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-complexity-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const CONFIGS: { name: string; params: Required<StoreOptions> }[] = [
  { name: 'small nodes', params: { nodeSize: 1024, fanout: 8, bufferSize: 2048, blobThreshold: 256 } },
  { name: 'default parameters', params: { nodeSize: 8192, fanout: 64, bufferSize: 32768, blobThreshold: 2048 } },
];

/**
 * Builds a 10k-record store in shuffled order, 100 records per commit. (One 2500-record commit
 * into the empty root leaf would leave an underfull leaf: see the splitLeaf test below.)
 */
function build(name: string, params: Required<StoreOptions>): Store {
  const file = path.join(dir, `${name.replace(/\W/g, '-')}.th`);
  const store = Store.create(file, { ...params, durable: false });
  const order = Array.from({ length: RECORDS }, (_, i) => i);
  const r = prng(17);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (let start = 0; start < RECORDS; start += 100) {
    store.write((tx) => {
      for (const i of order.slice(start, start + 100)) tx.put(key(i), value(i));
    });
  }
  return store;
}

/** Shape of the head, by walking readNode from the root: records per leaf, children per non-root internal node. */
function shape(store: Store): { leafRecords: number[]; innerFanouts: number[] } {
  const leafRecords: number[] = [];
  const innerFanouts: number[] = [];
  const walk = (a: AddressView, isRoot: boolean): void => {
    const n = store.readNode(a);
    if (n.kind === 'leaf') {
      leafRecords.push(n.keys.length);
      return;
    }
    if (!isRoot) innerFanouts.push(n.children.length);
    for (const c of n.children) walk(c, false);
  };
  walk(store.rootAddress(), true);
  return { leafRecords, innerFanouts };
}

for (const { name, params } of CONFIGS) {
  describe(`complexity by counting (${name}: nodeSize ${params.nodeSize}, fanout ${params.fanout}, bufferSize ${params.bufferSize})`, () => {
    let store: Store;
    beforeAll(() => {
      store = build(name, params);
    });
    afterAll(() => {
      store.close();
    });

    it('a single-put commit writes O(1) nodes: 1 while the root buffer has room, small on average over 1000 commits', () => {
      const r = prng(99);
      const written: number[] = [];
      let withRoom = 0;
      const height = store.info().height;
      expect(height).toBeGreaterThanOrEqual(2);
      for (let c = 0; c < 1000; c++) {
        const k = key(Math.floor(r() * RECORDS * 1.2));
        const v = Buffer.from(`u${c}`);
        const root = store.readNode(store.rootAddress());
        // A put message costs key + value + 6 bytes in the buffer (msgBytes); an existing one for the key is replaced.
        const room = root.kind === 'internal' && root.bufferBytes + k.length + v.length + 6 <= params.bufferSize;
        const blocksBefore = store.io.blocksWritten;
        const info = store.put(k, v);
        // Every appended block is a node of the new version, plus one catalog record.
        expect(store.io.blocksWritten - blocksBefore).toBe(info.nodesWritten + 1);
        if (room) {
          withRoom++;
          expect(info.nodesWritten, `commit ${c}: the root had room`).toBeLessThanOrEqual(2);
        }
        written.push(info.nodesWritten);
      }
      const mean = written.reduce((a, b) => a + b, 0) / written.length;
      // Most commits find room in the root's buffer (a flush empties it by a whole batch).
      expect(withRoom).toBeGreaterThan(900);
      expect(written.filter((n) => n <= 2).length).toBeGreaterThan(900);
      expect(mean).toBeLessThan(3);
      // A flush cascades at most one node per level, plus the pieces of splits and merges.
      expect(Math.max(...written)).toBeLessThanOrEqual(3 * store.info().height + 2);
      expect(store.verify({ allVersions: false }).ok).toBe(true);
    });

    it('a point read visits at most height nodes (present, absent, and buffered keys; warm and cold)', () => {
      const height = store.info().height;
      let max = 0;
      for (let i = 0; i < RECORDS * 1.3; i += 3) {
        const before = store.io.nodeVisits;
        store.get(key(i));
        const visits = store.io.nodeVisits - before;
        max = Math.max(max, visits);
        expect(visits, `get(${key(i).toString()})`).toBeLessThanOrEqual(height);
      }
      expect(max).toBeGreaterThan(0);
      // A key whose newest value sits in the root's buffer is answered there.
      store.put(key(123), Buffer.from('fresh'));
      const before = store.io.nodeVisits;
      expect(store.get(key(123))?.toString()).toBe('fresh');
      expect(store.io.nodeVisits - before).toBe(1);
      // Cold: a fresh open reads each node on the path once per journal segment, and nothing more.
      const cold = Store.open(store.path, { readOnly: true });
      try {
        for (const i of [0, 4321, 9999, 11_000]) {
          const path0 = cold.pathOf(key(i)).path;
          expect(path0.length).toBeLessThanOrEqual(height);
          const segments = path0.reduce((s, a) => s + Math.max(1, cold.readNode(a).chain.length), 0);
          const fresh = Store.open(store.path, { readOnly: true });
          try {
            const v0 = fresh.io.nodeVisits;
            const b0 = fresh.io.blockReads;
            fresh.get(key(i));
            expect(fresh.io.nodeVisits - v0).toBeLessThanOrEqual(height);
            expect(fresh.io.blockReads - b0).toBeLessThanOrEqual(segments);
            // Warm: no reads at all.
            const b1 = fresh.io.blockReads;
            fresh.get(key(i));
            expect(fresh.io.blockReads - b1).toBe(0);
          } finally {
            fresh.close();
          }
        }
      } finally {
        cold.close();
      }
    });

    it('a batched lookup reads each node at most once: getMany of every key visits the tree once', () => {
      const { leafRecords, innerFanouts } = shape(store);
      const nodes = leafRecords.length + innerFanouts.length + 1;
      // Every key (and as many absent ones), scrambled: k·height visits one by one, ≤ nodes batched.
      const asked = Array.from({ length: RECORDS * 2 }, (_, i) => key((i * 7919) % (RECORDS * 2)));
      const before = store.io.nodeVisits;
      const values = store.getMany(asked);
      const visits = store.io.nodeVisits - before;
      expect(visits).toBeLessThanOrEqual(nodes);
      expect(visits).toBeGreaterThan(leafRecords.length / 2);
      for (let i = 0; i < asked.length; i += 97) expect(values[i]?.toString()).toBe(store.get(asked[i])?.toString());
      // A small batch reads only the paths it needs.
      const b2 = store.io.nodeVisits;
      store.getMany([key(5), key(6), key(9_000)]);
      expect(store.io.nodeVisits - b2).toBeLessThanOrEqual(2 * store.info().height);
    });

    it('a scan of k records visits O(k/fanout + height) nodes', () => {
      const height = store.info().height;
      // Premises, checked on this tree: the writer merges a leaf that falls under nodeSize/4 bytes,
      // so a leaf beside others should hold ≥ minLeafRecords = floor(nodeSize/4 / MAX_ENTRY_BYTES)
      // records; an internal node split evenly keeps ≥ minFanout = floor(fanout/2) children.
      // `underfull` counts the leaves that break the first premise (splitLeaf can leave a tiny last
      // piece: see 'leaf fill after a split' below); each can add one visit to any scan.
      const minLeafRecords = Math.floor(params.nodeSize / 4 / MAX_ENTRY_BYTES);
      const minFanout = Math.floor(params.fanout / 2);
      const { leafRecords, innerFanouts } = shape(store);
      expect(leafRecords.length).toBeGreaterThan(1);
      const underfull = leafRecords.filter((n) => n < minLeafRecords).length;
      expect(underfull).toBeLessThanOrEqual(leafRecords.length / 20);
      if (innerFanouts.length) expect(Math.min(...innerFanouts)).toBeGreaterThanOrEqual(minFanout);
      // Bound: k records lie in L ≤ ceil(k/minLeafRecords) + 2 + underfull leaves (a partial leaf at
      // each end); each level above touches at most 1/minFanout as many nodes as the level below,
      // plus one at each end: visits ≤ L·(1 + 1/(minFanout−1)) + 2·height = O(k/fanout + height).
      const bound = (k: number): number => Math.floor((Math.ceil(k / minLeafRecords) + 2 + underfull) * (1 + 1 / (minFanout - 1))) + 2 * height;
      const r = prng(5);
      for (const k of [1, 10, 100, 1000, 5000]) {
        for (const reverse of [false, true]) {
          const start = Math.floor(r() * (RECORDS - k));
          const before = store.io.nodeVisits;
          let n = 0;
          const range = reverse ? { to: key(start + k), reverse, limit: k } : { from: key(start), limit: k };
          for (const _ of store.scan(range)) n++;
          const visits = store.io.nodeVisits - before;
          expect(n).toBe(k);
          expect(visits, `scan of ${k} (${reverse ? 'reverse' : 'forward'}): ${visits} visits, bound ${bound(k)}`).toBeLessThanOrEqual(bound(k));
        }
      }
      // A limit stops the cursor: 5 records out of all of them touch one path and a leaf or two.
      const before = store.io.nodeVisits;
      let n = 0;
      for (const _ of store.scan({ limit: 5 })) n++;
      expect(n).toBe(5);
      expect(store.io.nodeVisits - before).toBeLessThanOrEqual(height + 1);
      // A full scan visits every node exactly once.
      const stats = store.analyze();
      const all = stats.nodesPerLevel.reduce((a, b) => a + b, 0);
      const b2 = store.io.nodeVisits;
      let total = 0;
      for (const _ of store.scan()) total++;
      expect(total).toBe(stats.records);
      expect(store.io.nodeVisits - b2).toBe(all);
    });
  });
}

describe('leaf fill after a split', () => {
  it('a large batch into one leaf is cut into pieces none of which is under nodeSize/4 (the merge threshold)', () => {
    // splitLeaf (tree/write.ts) caps the piece target at nodeSize: when the average piece is
    // within 2% of nodeSize, pieces are filled to nodeSize and the last one gets a small remainder.
    const store = Store.create(path.join(dir, 'split.th'), { nodeSize: 1024, fanout: 8, bufferSize: 2048, blobThreshold: 256, durable: false });
    try {
      store.write((tx) => {
        for (let i = 0; i < 2500; i++) tx.put(key(i), value(i));
      });
      const root = store.readNode(store.rootAddress());
      const fills: number[] = [];
      const walk = (a: AddressView): void => {
        const n = store.readNode(a);
        if (n.kind === 'leaf') fills.push(n.fill);
        else for (const c of n.children) walk(c);
      };
      walk(store.rootAddress());
      expect(root.kind).toBe('internal');
      expect(Math.min(...fills), `leaf fills ${fills.map((f) => f.toFixed(2)).join(' ')}`).toBeGreaterThanOrEqual(0.25);
    } finally {
      store.close();
    }
  });
});

/**
 * Versions by counting: a snapshot's reads and writes do not depend on the store's size, and a
 * diff of k changes reads O(k · height) nodes whether the store holds 10k or 1M records.
 */
describe('versions by counting (10k vs 1M records, default parameters)', () => {
  const SIZES = [10_000, 1_000_000];
  const vkey = (i: number): Buffer => Buffer.from(`rec/${String(i).padStart(7, '0')}`);
  const stores = new Map<number, Store>();

  beforeAll(() => {
    for (const n of SIZES) {
      const store = Store.create(path.join(dir, `versions-${n}.th`), { durable: false });
      for (let start = 0; start < n; start += 50_000) {
        store.write((tx) => {
          for (let i = start; i < Math.min(n, start + 50_000); i++) tx.put(vkey(i), Buffer.from(`value-${i}`));
        });
      }
      stores.set(n, store);
    }
  }, 240_000);
  afterAll(() => {
    for (const s of stores.values()) s.close();
  });

  it('a snapshot reads no nodes and writes one block (its catalog record) at 10k and at 1M records', () => {
    const cost = (store: Store, name: string): { visits: number; reads: number; blocks: number; bytes: number } => {
      const io = { ...store.io };
      store.snapshot(name);
      return { visits: store.io.nodeVisits - io.nodeVisits, reads: store.io.blockReads - io.blockReads, blocks: store.io.blocksWritten - io.blocksWritten, bytes: store.io.bytesWritten - io.bytesWritten };
    };
    const small = stores.get(SIZES[0]) as Store;
    const large = stores.get(SIZES[1]) as Store;
    expect(large.count({ limit: 2_000_000 })).toBe(SIZES[1]);
    expect(large.info().height).toBeGreaterThan(small.info().height);
    for (const name of ['first', 'second', 'third']) {
      const a = cost(small, name);
      const b = cost(large, name);
      expect(a.visits).toBe(0);
      expect(b.visits).toBe(0);
      expect(a.reads).toBe(0);
      expect(b.reads).toBe(0);
      expect(a.blocks).toBe(1);
      expect(b.blocks).toBe(1);
      // Only varints in the record differ (the next message sequence number grows with the store).
      expect(Math.abs(a.bytes - b.bytes)).toBeLessThanOrEqual(8);
      expect(b.bytes).toBeLessThan(512);
    }
    // Cheaper than a plain commit of one record (a node and a record), in blocks written.
    const before = large.io.blocksWritten;
    large.put(vkey(5), Buffer.from('one put'));
    const plain = large.io.blocksWritten - before;
    expect(plain).toBeGreaterThanOrEqual(2);
    // A commit that names its version costs exactly what the same commit costs without: the
    // same blocks, one flush; only the record is longer by the name.
    for (const store of [small, large]) {
      const io0 = { ...store.io };
      store.put(vkey(6), Buffer.from('plain'));
      const io1 = { ...store.io };
      store.put(vkey(6), Buffer.from('named'), { snapshot: `named-${store === small ? 's' : 'l'}` });
      const io2 = { ...store.io };
      expect(io2.blocksWritten - io1.blocksWritten).toBe(io1.blocksWritten - io0.blocksWritten);
      expect(io2.fsyncs - io1.fsyncs).toBe(io1.fsyncs - io0.fsyncs);
      expect(io2.nodeVisits - io1.nodeVisits).toBe(io1.nodeVisits - io0.nodeVisits);
    }
    expect(large.verify({ allVersions: false }).ok).toBe(true);
  });

  for (const { k, valueBytes, what, shift } of [
    { k: 20, valueBytes: 8, what: 'buffered in the root', shift: 1 },
    { k: 200, valueBytes: 8, what: 'buffered in the root', shift: 2 },
    { k: 200, valueBytes: 400, what: 'flushed down to the leaves', shift: 3 },
  ]) {
    it(`a diff of ${k} changes (${what}) reads O(k · height) nodes, within a small factor at 10k and at 1M records`, () => {
      const counts = SIZES.map((n) => {
        const store = stores.get(n) as Store;
        const a = store.head().id;
        const changed = new Set<number>();
        store.write((tx) => {
          for (let c = 0; c < k; c++) {
            const i = Math.floor((c * n) / k) + shift;
            changed.add(i);
            if (c % 10 === 9) tx.delete(vkey(i));
            else tx.put(vkey(i), Buffer.alloc(valueBytes, 65 + (c % 26)));
          }
        });
        const b = store.head().id;
        const height = store.info().height;
        // Cold, on a fresh reader: the counts include every block the diff needs.
        const reader = Store.open(store.path, { readOnly: true });
        try {
          const v0 = reader.io.nodeVisits;
          const r0 = reader.io.blockReads;
          const changes = [...reader.diff(a, b)];
          expect(changes.length).toBe(k);
          expect(changes.filter((c) => c.type === 'removed').length).toBe(k / 10);
          return { n, height, visits: reader.io.nodeVisits - v0, reads: reader.io.blockReads - r0 };
        } finally {
          reader.close();
        }
      });
      const [small, large] = counts;
      for (const c of counts) {
        // Every change costs at most a root-to-leaf path on each side (plus the two roots).
        expect(c.visits, `${c.n} records: ${c.visits} node visits for ${k} changes, height ${c.height}`).toBeLessThanOrEqual(2 * k * c.height + 2);
        expect(c.reads, `${c.n} records: ${c.reads} block reads`).toBeLessThanOrEqual(2 * k * c.height * 4 + 8);
      }
      // 100× the records; the same changes visit about as many nodes (the height grows by one).
      // (Block reads are not compared: the 10k tree has fewer nodes than 200 changes touch.)
      expect(large.visits, JSON.stringify(counts)).toBeLessThanOrEqual(3 * small.visits);
      console.log(`diff of ${k} changes (${what}): ${counts.map((c) => `${c.n} records h${c.height}: ${c.visits} visits, ${c.reads} block reads`).join('; ')}`);
    });
  }
});
