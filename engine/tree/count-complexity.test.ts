import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store } from '../index';
import { prng } from '../testing/test-support';

/**
 * Counts and positions by counting node visits, never by timing (store.io.nodeVisits): with
 * per-child counts stored in internal nodes, `count` of any range, `entryAt` and `indexOf`
 * visit O(height) nodes once the nodes on their path are warm, about as many at 1M records as
 * at 10k. Each store also holds buffered messages the counts must correct for: overwrites,
 * deletes that hit and miss, new keys, and a range delete.
 */

const SIZES = [10_000, 1_000_000];
const key = (i: number): Buffer => Buffer.from(`rec/${String(i).padStart(7, '0')}`);

let dir: string;
const stores = new Map<number, Store>();

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-count-complexity-'));
  for (const n of SIZES) {
    const store = Store.create(path.join(dir, `count-${n}.th`), { durable: false });
    for (let start = 0; start < n; start += 100_000) {
      store.write((tx) => {
        for (let i = start; i < Math.min(n, start + 100_000); i++) tx.put(key(i), Buffer.from(`value-${i}`));
      });
    }
    // Then small commits that stay in buffers: overwrites, deletes that hit and miss, new keys, a range delete.
    const r = prng(5);
    for (let c = 0; c < 40; c++) {
      store.write((tx) => {
        for (let j = 0; j < 5; j++) {
          const i = Math.floor(r() * n * 1.1);
          if (j % 3 === 0) tx.delete(key(i));
          else tx.put(key(i), Buffer.from('changed'));
        }
      });
    }
    store.deleteRange(key(Math.floor(n / 2) + 10), key(Math.floor(n / 2) + 20));
    stores.set(n, store);
  }
}, 240_000);

afterAll(() => {
  for (const store of stores.values()) store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('counts and positions by counting (10k vs 1M records, default parameters)', () => {
  it('count of any range, entryAt and indexOf visit O(height) warm nodes, within 2× at 1M of 10k', () => {
    const cost = (store: Store, fn: () => unknown): number => {
      fn(); // warm: the nodes on the path and their buffer effects
      const v0 = store.io.nodeVisits;
      fn();
      return store.io.nodeVisits - v0;
    };
    const results = SIZES.map((n) => {
      const store = stores.get(n) as Store;
      const mid = Math.floor(n / 2);
      const height = store.info().height;
      const visits = {
        all: cost(store, () => store.count()),
        range: cost(store, () => store.count({ from: key(Math.floor(n / 3) + 1), to: key(Math.floor((2 * n) / 3) + 7) })),
        prefix: cost(store, () => store.count({ prefix: Buffer.from(`rec/${String(mid).padStart(7, '0').slice(0, 4)}`) })),
        entryAt: cost(store, () => store.entryAt(mid)),
        indexOf: cost(store, () => store.indexOf(key(mid + 3))),
      };
      return { n, height, visits };
    });
    console.log(`count visits: ${JSON.stringify(results)}`);
    const [small, large] = results;
    for (const r of results) {
      for (const [what, v] of Object.entries(r.visits)) expect(v, `${r.n} records ${what}: ${v} visits, height ${r.height}`).toBeLessThanOrEqual(4 * r.height + 2);
    }
    // 100× the records: a count visits about as many nodes (the height grows by one).
    for (const what of ['all', 'range', 'prefix'] as const) {
      expect(large.visits[what], `${what}: ${JSON.stringify(results)}`).toBeLessThanOrEqual(2 * Math.max(small.visits[what], small.height + 1));
    }
  });

  it('the counts are exact at both sizes (against a scan), and a cold count looks each buffer on its path up once', () => {
    for (const n of SIZES) {
      const store = stores.get(n) as Store;
      let scanned = 0;
      for (const _ of store.scan()) scanned++;
      expect(store.count()).toBe(scanned);
      const from = key(Math.floor(n / 4));
      const to = key(Math.floor(n / 4) + 1234);
      let inRange = 0;
      for (const _ of store.scan({ from, to })) inRange++;
      const reader = Store.open(store.path, { readOnly: true });
      try {
        const v0 = reader.io.nodeVisits;
        expect(reader.count({ from, to })).toBe(inRange);
        const cold = reader.io.nodeVisits - v0;
        // Cold: the path's nodes plus one lookup per buffered message on it — far below a scan's leaves.
        expect(cold, `${n} records: ${cold} cold visits`).toBeLessThan(Math.max(200, scanned / 100));
        console.log(`${n} records: cold count of a range: ${cold} node visits (a scan of the range visits every leaf of it)`);
        expect(reader.entryAt(inRange - 1, { from, to })?.key).toEqual([...store.scan({ from, to, reverse: true, limit: 1 })][0].key);
      } finally {
        reader.close();
      }
    }
  });
});
