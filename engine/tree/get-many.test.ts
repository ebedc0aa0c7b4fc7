import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store } from '../index';

/**
 * getMany against get and a Map model on a multi-level tree whose internal nodes hold buffered
 * puts, deletes and range deletes: batches from one key to several times the tree's size, so
 * both ways a batch meets a node are taken — a search per key where the batch is sparse beside
 * the node's keys, pivots or buffer (random batches of 1,000 over a large store), and one forward
 * merge where it is dense (a batch of every key). Fixed seed; verify() on the tree after setup.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-getmany-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const KEYSPACE = 6000;
const key = (k: number): Buffer => Buffer.from(`key-${String(k).padStart(6, '0')}`);

/** Random and dense batches against the model and against get; values are copies the caller owns. */
function checkBatches(store: Store, model: Map<number, string>): void {
  fc.assert(
    fc.property(fc.array(fc.nat(KEYSPACE + 99), { minLength: 1, maxLength: 1500 }), (ks) => {
      const asked = ks.map(key);
      const many = store.getMany(asked).map((v) => v?.toString());
      expect(many).toEqual(ks.map((k) => model.get(k)));
      expect(many).toEqual(asked.map((k) => store.get(k)?.toString()));
    }),
    { seed: 0x1000, numRuns: 60 },
  );
  // Dense: every key once, in a scrambled order, and some twice.
  const all = Array.from({ length: KEYSPACE }, (_, i) => (i * 7919) % KEYSPACE).concat([5, 5, 17]);
  expect(store.getMany(all.map(key)).map((v) => v?.toString())).toEqual(all.map((k) => model.get(k)));
  // A key asked twice gets two copies: writing into one changes neither the other nor the store.
  const present = [...model.keys()][0];
  const [a, b] = store.getMany([key(present), key(present)]) as Buffer[];
  const single = store.get(key(present)) as Buffer;
  expect(a).not.toBe(b);
  a[0] ^= 0xff;
  single[1] ^= 0xff;
  expect(b.toString()).toBe(model.get(present));
  expect(store.get(key(present))?.toString()).toBe(model.get(present));
}

describe('getMany', () => {
  it('returns what get and the model return, for sparse and dense random batches over buffered messages and range deletes', () => {
    const file = path.join(dir, 'g.th');
    // Small nodes and a roomy buffer: several levels, and messages that stay buffered in internal nodes.
    const store = Store.create(file, { nodeSize: 512, fanout: 16, bufferSize: 8192, durable: false });
    const model = new Map<number, string>();
    try {
      store.write((tx) => {
        for (let k = 0; k < KEYSPACE; k += 2) {
          tx.put(key(k), Buffer.from(`v${k}`));
          model.set(k, `v${k}`);
        }
      });
      // Later small commits stay in internal buffers: puts, point deletes, range deletes.
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat(KEYSPACE - 1), fc.nat(3)), { minLength: 1, maxLength: 40 }), (edits) => {
          store.write((tx) => {
            for (const [k, what] of edits) {
              if (what === 0) {
                tx.delete(key(k));
                model.delete(k);
              } else if (what === 1) {
                const end = Math.min(KEYSPACE, k + 7);
                tx.deleteRange(key(k), key(end));
                for (let j = k; j < end; j++) model.delete(j);
              } else {
                tx.put(key(k), Buffer.from(`w${k}`));
                model.set(k, `w${k}`);
              }
            }
          });
        }),
        { seed: 0x6e7, numRuns: 40 },
      );
      const report = store.verify({ allVersions: false });
      expect(report.ok, JSON.stringify(report.problems.slice(0, 3))).toBe(true);
      const stats = store.analyze();
      expect(stats.height).toBeGreaterThanOrEqual(3);
      expect(stats.bufferOccupancy.some((o) => o.messages > 0)).toBe(true);

      checkBatches(store, model);
    } finally {
      store.close();
    }
    // Reopened, every leaf is read back from its block (tree/packed-leaf.ts), not the writer's arrays.
    const reopened = Store.open(file, { readOnly: true });
    try {
      checkBatches(reopened, model);
    } finally {
      reopened.close();
    }
  });
});
