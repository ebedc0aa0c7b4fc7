import { afterAll, afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeLeaf, encodeLeaf } from '../format/node-codec';
import { Store, type StoreOptions } from '../index';
import { leafEnds } from './bulk-build';
import { commitPaths } from './commit';
import type { StoreCore } from './store-core';
import { BlockKind } from '../format/address';
import { blockPayloads, setFormatVersion } from '../testing/file-surgery';

/**
 * The bulk build (a commit into an empty tree built bottom-up from the put log) against a Map
 * model: random write sets — small and off-tree values, deletes, keys written many times (the
 * last write wins), keys sharing long prefixes and keys that are prefixes of others, the empty
 * set — committed in one transaction into a new store, under tiny and default parameters and in
 * a format-2 file (no per-child counts). Then more random commits through the general path.
 * After each: get, getMany, scan, count and entryAt equal the model, and verify() is clean. The
 * same writes through the general path give the same scan; every leaf the build wrote decodes
 * and re-encodes to the same bytes (its encoder is encodeLeaf's twin).
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-bulk-build-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  commitPaths.bulk = true;
});
let files = 0;

type Write = { t: 'put'; k: Buffer; size: number; big: boolean } | { t: 'del'; k: Buffer } | { t: 'rdel'; a: Buffer; b: Buffer | null };
type Model = Map<string, Buffer>;

const LONG = 'p'.repeat(40);
const keyArb: fc.Arbitrary<Buffer> = fc
  .tuple(fc.constantFrom('', 'a', 'ab', LONG, `${LONG}q`, `${LONG}qq`, 'zz\xff'), fc.uint8Array({ minLength: 0, maxLength: 3 }).map((s) => s.map((x) => [0, 1, 0x61, 0xff][x & 3])))
  .map(([p, s]) => Buffer.concat([Buffer.from(p, 'latin1'), Buffer.from(s)]))
  .filter((k) => k.length > 0);
const pointArb: fc.Arbitrary<Write> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant('put' as const), k: keyArb, size: fc.nat(60), big: fc.nat(9).map((x) => x === 0) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('del' as const), k: keyArb }) },
);
const laterArb: fc.Arbitrary<Write> = fc.oneof(
  { weight: 8, arbitrary: pointArb },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('rdel' as const), a: keyArb, b: fc.option(keyArb, { nil: null }) }) },
);

/** The value a put writes: `size` bytes, or more than the store's blob threshold when `big`; its bytes name the write. */
function valueOf(w: { size: number; big: boolean }, n: number, blobThreshold: number): Buffer {
  const len = w.big ? blobThreshold + 1 + w.size * 7 : w.size;
  const v = Buffer.alloc(len, n & 0xff);
  if (len >= 4) v.writeUInt32BE(n);
  return v;
}

function applyWrites(s: Store, m: Model, writes: readonly Write[], blobThreshold: number, salt: number): void {
  s.write((tx) => {
    writes.forEach((w, i) => {
      if (w.t === 'put') {
        const v = valueOf(w, salt + i, blobThreshold);
        tx.put(w.k, v);
        m.set(w.k.toString('latin1'), v);
      } else if (w.t === 'del') {
        tx.delete(w.k);
        m.delete(w.k.toString('latin1'));
      } else if (w.b === null || Buffer.compare(w.a, w.b) < 0) {
        tx.deleteRange(w.a, w.b);
        for (const k of [...m.keys()]) {
          const kb = Buffer.from(k, 'latin1');
          if (Buffer.compare(kb, w.a) >= 0 && (w.b === null || Buffer.compare(kb, w.b) < 0)) m.delete(k);
        }
      }
    });
  });
}

const sorted = (m: Model): [Buffer, Buffer][] => [...m.entries()].map(([k, v]): [Buffer, Buffer] => [Buffer.from(k, 'latin1'), v]).sort((a, b) => Buffer.compare(a[0], b[0]));

function expectModel(s: Store, m: Model, probes: readonly Buffer[]): void {
  const want = sorted(m);
  const got = [...s.scan()].map((e): [Buffer, Buffer] => [e.key, e.value]);
  expect(got.map(([k]) => k.toString('hex'))).toEqual(want.map(([k]) => k.toString('hex')));
  got.forEach(([, v], i) => expect(v.equals(want[i][1])).toBe(true));
  expect(s.count()).toBe(want.length);
  for (const i of [0, 1, Math.floor(want.length / 2), want.length - 1, want.length].filter((x) => x >= 0)) {
    expect(s.entryAt(i)?.key.toString('hex')).toBe(want[i]?.[0].toString('hex'));
  }
  const keys = [...probes, ...want.map(([k]) => k)];
  const many = s.getMany(keys);
  keys.forEach((k, i) => {
    const v = m.get(k.toString('latin1'));
    expect(s.get(k)?.toString('hex')).toBe(v?.toString('hex'));
    expect(many[i]?.toString('hex')).toBe(v?.toString('hex'));
  });
  const report = s.verify();
  expect(report.problems).toEqual([]);
}

const SMALL: StoreOptions = { nodeSize: 256, fanout: 3, bufferSize: 512 };
const CONFIGS: { name: string; opts: StoreOptions; blobThreshold: number; format?: number }[] = [
  { name: 'tiny nodes', opts: SMALL, blobThreshold: 64 },
  { name: 'default parameters', opts: {}, blobThreshold: 2048 },
  { name: 'tiny nodes, format 2 (no counts)', opts: SMALL, blobThreshold: 64, format: 2 },
];

describe('bulk build of a commit into an empty tree', () => {
  for (const cfg of CONFIGS) {
    it(`agrees with the model, then with more commits on top (${cfg.name})`, () => {
      fc.assert(
        fc.property(fc.array(pointArb, { maxLength: 400 }), fc.array(fc.array(laterArb, { maxLength: 40 }), { maxLength: 3 }), (writes, later) => {
          const file = path.join(dir, `m${files++}.th`);
          Store.create(file, { durable: false, ...cfg.opts }).close();
          if (cfg.format !== undefined) setFormatVersion(file, cfg.format);
          const s = Store.open(file);
          try {
            const m: Model = new Map();
            const builds = commitPaths.bulkBuilds;
            applyWrites(s, m, writes, cfg.blobThreshold, 0);
            // The build runs when some key's last write is a put; otherwise the general path does nothing new.
            const anyPut = m.size > 0;
            expect(commitPaths.bulkBuilds - builds).toBe(anyPut ? 1 : 0);
            const probes = [Buffer.from('a'), Buffer.from(LONG, 'latin1'), Buffer.from('never')];
            expectModel(s, m, probes);
            // Every leaf the build wrote is what encodeLeaf writes for its entries.
            // (Before later commits, every leaf in the file is the build's, or the new store's empty one.)
            const leaves = blockPayloads(file, BlockKind.Leaf);
            expect(leaves.length).toBeGreaterThan(anyPut ? 1 : 0);
            for (const p of leaves) expect(encodeLeaf(decodeLeaf(p).node).equals(p)).toBe(true);
            later.forEach((ws, i) => {
              applyWrites(s, m, ws, cfg.blobThreshold, 100_000 * (i + 1));
              expectModel(s, m, probes);
            });
          } finally {
            s.close();
          }
        }),
        { seed: 19, numRuns: cfg.opts.nodeSize === undefined ? 25 : 60 },
      );
    });
  }

  it('gives the same records, stats and seqs as the general path for the same writes', () => {
    fc.assert(
      fc.property(fc.array(pointArb, { minLength: 1, maxLength: 500 }), (writes) => {
        const heads = [true, false].map((bulk) => {
          commitPaths.bulk = bulk;
          const file = path.join(dir, `p${files++}.th`);
          const s = Store.create(file, { durable: false, ...SMALL });
          try {
            applyWrites(s, new Map(), writes, 64, 0);
            // One more commit: its seqs start where the first commit's ended.
            s.write((tx) => tx.put(Buffer.from('after'), Buffer.from('x')));
            const scan = [...s.scan()].map((e) => `${e.key.toString('hex')}=${e.value.toString('hex')}`);
            const [first] = s.versions().slice(-2);
            const nextSeq = (s as unknown as { core: StoreCore }).core.record.nextSeq;
            return { scan, stats: { ...first.stats, bytesWritten: 0 }, nextSeq };
          } finally {
            s.close();
          }
        });
        expect(heads[0]).toEqual(heads[1]);
      }),
      { seed: 23, numRuns: 40 },
    );
  });

  it('takes the general path when the tree is not empty, writes were settled, or a range was deleted', () => {
    const s = Store.create(path.join(dir, `g${files++}.th`), { durable: false, ...SMALL });
    try {
      let builds = commitPaths.bulkBuilds;
      // A read settles the log into the sorted map: general path.
      s.write((tx) => {
        tx.put(Buffer.from('a'), Buffer.from('1'));
        tx.get(Buffer.from('a'));
      });
      expect(commitPaths.bulkBuilds).toBe(builds);
      s.write((tx) => tx.delete(Buffer.from('a')));
      // Empty again, but a range delete: general path.
      s.write((tx) => {
        tx.put(Buffer.from('b'), Buffer.from('2'));
        tx.deleteRange(Buffer.from('x'), null);
      });
      expect(commitPaths.bulkBuilds).toBe(builds);
      s.write((tx) => tx.delete(Buffer.from('b')));
      s.write((tx) => tx.put(Buffer.from('c'), Buffer.from('3')));
      expect(commitPaths.bulkBuilds).toBe(++builds);
      // Not empty any more: general path.
      s.write((tx) => tx.put(Buffer.from('d'), Buffer.from('4')));
      expect(commitPaths.bulkBuilds).toBe(builds);
      expect([...s.scan()].map((e) => e.key.toString())).toEqual(['c', 'd']);
    } finally {
      s.close();
    }
  });
});

describe('leafEnds', () => {
  it('fills greedily to nodeSize, never overflows, and evens out the last two leaves', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 5, max: 300 }), { minLength: 1, maxLength: 300 }), fc.constantFrom(256, 1000), (list, nodeSize) => {
        const sizes = Uint32Array.from(list);
        const ends = leafEnds(sizes, sizes.length, nodeSize);
        expect(ends[ends.length - 1]).toBe(sizes.length);
        const leaves: number[][] = [];
        let start = 0;
        for (const e of ends) {
          expect(e).toBeGreaterThan(start);
          leaves.push(list.slice(start, e));
          start = e;
        }
        const sum = (a: number[]): number => a.reduce((x, y) => x + y, 0);
        for (const leaf of leaves) if (leaf.length > 1) expect(sum(leaf)).toBeLessThanOrEqual(nodeSize);
        // Greedy: every leaf but the last two was closed only because the next entry did not fit.
        for (let i = 0; i + 2 < leaves.length; i++) expect(sum(leaves[i]) + leaves[i + 1][0]).toBeGreaterThan(nodeSize);
        if (leaves.length >= 2) {
          const a = leaves[leaves.length - 2];
          const b = leaves[leaves.length - 1];
          // Moving one more entry into the last leaf would not narrow the gap, or would overflow it.
          const s = a[a.length - 1];
          expect(a.length === 1 || s >= sum(a) - sum(b) || sum(b) + s > nodeSize).toBe(true);
        }
      }),
      { seed: 29, numRuns: 300 },
    );
  });
});
