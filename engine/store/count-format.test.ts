import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeInternal } from '../format/node-codec';
import { Store } from '../index';
import { prng } from '../testing/test-support';
import { BlockKind } from '../format/address';
import { blockPayloads, setFormatVersion } from '../testing/file-surgery';

/**
 * Per-child counts came with format 3. A format-2 (or 1) file written by this build stays in
 * its format — its internal nodes carry no counts, so an older build still reads it — and
 * counting falls back to descending every child; `compact` rewrites it as format 3 with counts.
 * The format-2 file here is written by the current code path: a new, empty store (one leaf,
 * whose layout no version changed) whose header says 2, then filled through the normal API.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-count-format-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const PARAMS = { durable: false, nodeSize: 512, fanout: 4, bufferSize: 512, blobThreshold: 64 };
const key = (i: number): Buffer => Buffer.from(`k/${String(i).padStart(5, '0')}`);

/** Fills a store with puts, deletes and range deletes; returns the model's sorted keys. */
function fill(store: Store): string[] {
  const model = new Set<string>();
  const r = prng(3);
  for (let c = 0; c < 60; c++) {
    store.write((tx) => {
      for (let j = 0; j < 80; j++) {
        const i = Math.floor(r() * 6000);
        if (r() < 0.2) {
          tx.delete(key(i));
          model.delete(key(i).toString());
        } else {
          tx.put(key(i), Buffer.from(`v${c}`));
          model.add(key(i).toString());
        }
      }
      if (c % 7 === 3) {
        const a = Math.floor(r() * 6000);
        tx.deleteRange(key(a), key(a + 30));
        for (const k of [...model]) if (k >= key(a).toString() && k < key(a + 30).toString()) model.delete(k);
      }
    });
  }
  return [...model].sort();
}

function expectPositions(store: Store, keys: string[]): void {
  expect(store.count()).toBe(keys.length);
  expect(store.count({ from: key(500), to: key(1500) })).toBe(keys.filter((k) => k >= key(500).toString() && k < key(1500).toString()).length);
  for (const i of [0, 1, Math.floor(keys.length / 2), keys.length - 1]) expect(store.entryAt(i)?.key.toString()).toBe(keys[i]);
  expect(store.indexOf(key(1000))).toBe(keys.filter((k) => k < key(1000).toString()).length);
}

describe('format 2 files and counts', () => {
  it('a format-2 file stays format 2 (no counts, readable by an older build), counts exactly by descending, and compaction makes it format 3', () => {
    const file = path.join(dir, 'v2.th');
    Store.create(file, PARAMS).close();
    setFormatVersion(file, 2);
    const store = Store.open(file, { durable: false });
    try {
      expect(store.info().formatVersion).toBe(2);
      const keys = fill(store);
      expect(store.info().height).toBeGreaterThan(2);
      // Every internal base decodes as format 2: no counts between the children and the buffer.
      const before = blockPayloads(file, BlockKind.Internal);
      expect(before.length).toBeGreaterThan(5);
      for (const p of before) expect(decodeInternal(p, false).counts).toBeNull();
      expectPositions(store, keys);
      // Without stored counts, a cold count descends every node (a fresh reader; the counts it
      // finds are then remembered for the cached nodes' addresses).
      const coldCount = (): number => {
        const reader = Store.open(file, { readOnly: true });
        try {
          const v = reader.io.nodeVisits;
          expect(reader.count({ from: key(0) })).toBe(keys.length);
          return reader.io.nodeVisits - v;
        } finally {
          reader.close();
        }
      };
      const descending = coldCount();
      expect(store.verify().problems).toEqual([]);

      store.compact();
      expect(store.info().formatVersion).toBe(3);
      const after = blockPayloads(file, BlockKind.Internal);
      for (const p of after) expect(decodeInternal(p, true).counts).not.toBeNull();
      expectPositions(store, keys);
      const stored = coldCount();
      // Cold, with counts: the left edge's path, plus each buffer on it looked up once.
      expect(descending, `${descending} cold visits before compaction, ${stored} after`).toBeGreaterThan(4 * stored);
      expect(store.verify().problems).toEqual([]);
      // Writes after the migration keep the counts exact.
      store.deleteRange(key(0), key(100));
      const left = keys.filter((k) => k >= key(100).toString());
      expectPositions(store, left);
      expect(store.verify().problems).toEqual([]);
    } finally {
      store.close();
    }
  });
});
