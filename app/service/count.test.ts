import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../engine/index';
import { encodeKey, encodeValue } from '../../engine/records/index';
import type { RangeInput, ServiceEvent } from '../contract';
import { serviceInTempDir, SMALL_NODES } from './testing';

const { ok, fails, dir, service } = serviceInTempDir('th-count-');

/** Small nodes so the tree has several levels and buffered messages (which the count applies). */
const SMALL = SMALL_NODES;

describe('records.count', () => {
  it('counts what a scan shows; pageAt reaches any position; under a query it marks every block, so a page after mark j−1 starts at match j·every', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: 3000 }), { minLength: 0, maxLength: 700 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 3000 }), { maxLength: 80 }),
        fc.integer({ min: 1, max: 60 }),
        fc.record({ from: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }), reverse: fc.boolean(), prefix: fc.boolean() }),
        async (ids, deleted, every, r) => {
          const path = join(dir(), `s${Math.random().toString(36).slice(2)}.th`);
          const store = Store.create(path, SMALL);
          const model = new Map<string, number>();
          store.write((tx) => {
            for (const i of ids) {
              const k = encodeKey(['k', i]);
              tx.put(k, encodeValue({ i, even: i % 2 === 0 }));
              model.set(k.toString('hex'), i);
            }
            tx.put(encodeKey(['other', 1]), encodeValue({ i: -1, even: false }));
          });
          // Deletes in a later commit wait in buffers: the count must apply them.
          store.write((tx) => {
            for (const i of deleted) {
              tx.delete(encodeKey(['k', i]));
              model.delete(encodeKey(['k', i]).toString('hex'));
            }
          });
          store.close();
          const { storeId } = await ok('store.open', { path });
          const range: RangeInput = { ...(r.prefix ? { prefix: { json: ['k'] } } : {}), ...(r.from !== undefined ? { from: { json: ['k', r.from] } } : {}), reverse: r.reverse };
          // The model: keys in range, in scan order.
          const from = r.from === undefined ? null : encodeKey(['k', r.from]).toString('hex');
          const keys = [...model.keys(), ...(r.prefix ? [] : [encodeKey(['other', 1]).toString('hex')])]
            .filter((k) => from === null || k >= from)
            .sort();
          if (r.reverse) keys.reverse();
          const counted = await ok('records.count', { storeId, range, every });
          expect(counted.count).toBe(keys.length);
          expect(counted.every).toBe(every);
          // Without a query no marks are needed: pageAt starts at any position directly.
          expect(counted.marks).toEqual([]);
          const blocks = Math.ceil(keys.length / every);
          for (const j of [0, 1, Math.floor(blocks / 2), blocks - 1]) {
            if (j < 0 || j * every >= keys.length) continue;
            const page = await ok('records.pageAt', { storeId, range, index: j * every, limit: every });
            expect(page.total).toBe(keys.length);
            expect(page.rows.map((row) => row.key.hex)).toEqual(keys.slice(j * every, (j + 1) * every));
          }
          // Under a query (even numbers only), the count streams and marks every block of matches.
          const matching = keys.filter((k) => model.has(k) && model.get(k)! % 2 === 0);
          const filtered = await ok('records.count', { storeId, range, every, where: 'even = true' });
          expect(filtered.count).toBe(matching.length);
          expect(filtered.where).toBe('even = true');
          expect(filtered.marks).toEqual(matching.filter((_, i) => (i + 1) % every === 0));
          for (const j of [0, 1, Math.floor(filtered.marks.length / 2), filtered.marks.length]) {
            if (j * every >= matching.length) continue;
            const page = await ok('records.page', { storeId, range, where: 'even = true', limit: every, ...(j > 0 ? { after: filtered.marks[j - 1] } : {}) });
            expect(page.rows.map((row) => row.key.hex)).toEqual(matching.slice(j * every, (j + 1) * every));
          }
          await ok('store.close', { storeId });
        },
      ),
      { seed: 1414, numRuns: 25 },
    );
  });

  it('reports progress and stops on cancel', async () => {
    const path = join(dir(), 'big.th');
    const store = Store.create(path, SMALL);
    store.write((tx) => {
      for (let i = 0; i < 20_000; i++) tx.put(encodeKey(['k', i]), encodeValue({ i }));
    });
    store.close();
    const { storeId } = await ok('store.open', { path });
    const events: ServiceEvent[] = [];
    const off = service().events.on((e) => events.push(e));
    const counted = await ok('records.count', { storeId, jobId: 'c1', where: 'i >= 0' });
    expect(counted.count).toBe(20_000);
    expect(counted.marks.length).toBe(100); // every 200 by default
    const progress = events.filter((e) => e.type === 'job.progress' && e.jobId === 'c1');
    expect(progress.at(-1)).toMatchObject({ done: 20_000, total: 20_000 });
    // While it runs, `done` is the matches so far and the total is unknown (a lower bound).
    if (progress.length > 1) expect(progress[0]).toMatchObject({ total: -1, phase: 'matching' });
    // Cancel as soon as the job reports progress: the call fails CANCELLED, one line.
    const cancelled = service().call('records.count', { storeId, jobId: 'c2', every: 1, where: 'i >= 0' });
    await ok('job.cancel', { jobId: 'c2' });
    const outcome = await cancelled;
    expect('error' in outcome && outcome.error.code).toBe('CANCELLED');
    off();
    expect((await fails('records.count', { storeId, every: 0 })).code).toBe('BAD_REQUEST');
  });
});
