import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeValue, Store } from '../index';

/**
 * Merge cost by counting node loads (`io.nodeVisits`, cache hits included), never by timing:
 * two branches each change 1,000 records (500 of them on both sides, different fields, so
 * they merge field by field) in one region of the key space; the same merge on a 10k-record
 * store and on a store BIG times as large reads within 3× as many nodes — it follows the two
 * diffs (O(changes · height)), and a scan of the big store would read ~BIG/10k times more.
 */

const SMALL = 10_000;
const BIG = 300_000;
const CHANGES = 1000;
const SHARED = 500;
const key = (i: number): Buffer => Buffer.from(`item/${String(i).padStart(7, '0')}`);
const doc = (i: number, a: number, b: number): Buffer => encodeValue({ n: i, a, b });

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-merge-cost-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Loads `records` in one bulk commit, forks, changes both sides around the middle, and counts the merge's node loads. */
function mergeCost(records: number): { visits: number; height: number; leaves: number; written: number } {
  const file = path.join(dir, `s${records}.th`);
  const store = Store.create(file, { durable: false });
  try {
    store.write((tx) => {
      for (let i = 0; i < records; i++) tx.put(key(i), doc(i, 0, 0));
    });
    store.branch('topic');
    const start = Math.floor(records / 2) - CHANGES;
    store.write((tx) => {
      for (let i = start; i < start + CHANGES; i++) tx.put(key(i), doc(i, 1, 0));
    });
    const tx = store.begin({ branch: 'topic' });
    for (let i = start + CHANGES - SHARED; i < start + 2 * CHANGES - SHARED; i++) tx.put(key(i), doc(i, 0, 1));
    tx.commit();
    const before = store.io.nodeVisits;
    const r = store.merge('topic');
    const visits = store.io.nodeVisits - before;
    expect(r.status).toBe('merged');
    expect(r.changes.filter((c) => c.from === 'fields')).toHaveLength(SHARED);
    expect(store.get(key(start + CHANGES - 1))).toEqual(doc(start + CHANGES - 1, 1, 1));
    const stats = store.analyze();
    return { visits, height: store.info().height, leaves: stats.nodesPerLevel[stats.nodesPerLevel.length - 1], written: r.changes.length };
  } finally {
    store.close();
    fs.rmSync(file, { force: true });
  }
}

describe('merge cost by counting', () => {
  it(`merging 1,000 + 1,000 changes reads within 3× as many nodes in a ${BIG.toLocaleString('en')}-record store as in a ${SMALL.toLocaleString('en')}-record one`, () => {
    const small = mergeCost(SMALL);
    const big = mergeCost(BIG);
    process.stdout.write(`merge node visits: ${small.visits} at ${SMALL} records (height ${small.height}, ${small.leaves} leaves), ${big.visits} at ${BIG} (height ${big.height}, ${big.leaves} leaves)\n`);
    // The big tree is taller and has far more leaves: a scan would show.
    expect(big.height).toBeGreaterThan(small.height);
    expect(big.leaves).toBeGreaterThan(20 * small.leaves);
    expect(big.visits).toBeLessThanOrEqual(3 * small.visits);
    // O(changes · height): at most about one node load per changed key per level on each diff
    // (a key named by a buffered message is looked up through the shared subtree below it).
    expect(big.visits).toBeLessThan(2 * CHANGES * big.height);
  });
});
