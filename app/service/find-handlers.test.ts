import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../engine/index';
import { encodeKey, encodeValue } from '../../engine/records/index';
import { QUERY_TEXT_MAX, type RangeInput } from '../contract';
import { serviceInTempDir, SMALL_NODES } from './testing';

const { ok, fails, dir, service } = serviceInTempDir('th-find-');

/** Small nodes: several levels, and buffered messages the positions must apply. */
const SMALL = SMALL_NODES;
const STATUSES = ['pending', 'paid', 'shipped'] as const;

/** Orders `(orders, i)` with a status, plus users; the second commit changes some statuses. */
function ordersStore(path: string, n: number): void {
  const store = Store.create(path, SMALL);
  store.write((tx) => {
    for (let i = 0; i < n; i++) tx.put(encodeKey(['orders', i]), encodeValue({ status: STATUSES[i % 3], total: i }));
    for (let i = 0; i < 40; i++) tx.put(encodeKey(['users', i]), encodeValue({ name: `u${i}`, bio: 'x'.repeat(i * 20) }));
  });
  store.snapshot('imported');
  store.write((tx) => {
    // Every 5th order changes status; every 7th changes only its total.
    for (let i = 0; i < n; i += 5) tx.put(encodeKey(['orders', i]), encodeValue({ status: 'cancelled', total: i }));
    for (let i = 1; i < n; i += 7) if (i % 5 !== 0) tx.put(encodeKey(['orders', i]), encodeValue({ status: STATUSES[i % 3], total: i + 1 }));
  });
  store.snapshot('v2');
  store.close();
}

describe('records by position', () => {
  it('pageAt and indexOf agree with a scan at every position, forward and reversed, within a prefix and from a key', async () => {
    const path = join(dir(), 'pos.th');
    const store = Store.create(path, SMALL);
    const keys: string[] = [];
    store.write((tx) => {
      for (let i = 0; i < 900; i += 1) tx.put(encodeKey(['k', i * 2]), encodeValue({ i }));
      tx.put(encodeKey(['z', 1]), encodeValue({ i: -1 }));
    });
    // Deletes wait in buffers: the positions must apply them.
    store.write((tx) => {
      for (let i = 0; i < 900; i += 9) tx.delete(encodeKey(['k', i * 2]));
    });
    for (const e of store.scan({ prefix: encodeKey(['k']) })) keys.push(e.key.toString('hex'));
    store.close();
    const { storeId } = await ok('store.open', { path });
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.option(fc.integer({ min: 0, max: 1800 }), { nil: undefined }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1801 }), async (reverse, from, index, probe) => {
        const range: RangeInput = { prefix: { json: ['k'] }, ...(from !== undefined ? { from: { json: ['k', from] } } : {}), reverse };
        const fromHex = from === undefined ? null : encodeKey(['k', from]).toString('hex');
        const inRange = keys.filter((k) => fromHex === null || k >= fromHex);
        if (reverse) inRange.reverse();
        const page = await ok('records.pageAt', { storeId, range, index, limit: 7 });
        expect(page.total).toBe(inRange.length);
        expect(page.index).toBe(index);
        expect(page.rows.map((r) => r.key.hex)).toEqual(inRange.slice(index, index + 7));
        expect(page.nextAfter).toBe(index + 7 < inRange.length ? inRange[index + 6] : null);
        const key = encodeKey(['k', probe]).toString('hex');
        const at = await ok('records.indexOf', { storeId, key: { hex: key }, range });
        const found = inRange.includes(key);
        expect(at.found).toBe(found);
        // The key's position, or where it would go, in scan order.
        expect(at.index).toBe(found ? inRange.indexOf(key) : inRange.filter((k) => (reverse ? k > key : k < key)).length);
      }),
      { seed: 1818, numRuns: 120 },
    );
  });

  it('the middle of 100,000 records in one request, and the count of a version back in time', async () => {
    const path = join(dir(), 'big.th');
    const store = Store.create(path);
    store.write((tx) => {
      for (let i = 0; i < 100_000; i++) tx.put(encodeKey(['item', i]), encodeValue({ i }));
    });
    store.snapshot('full');
    store.write((tx) => tx.deleteRange(encodeKey(['item', 50_000]), encodeKey(['item', 100_000])));
    store.close();
    const { storeId } = await ok('store.open', { path });
    const middle = await ok('records.pageAt', { storeId, index: 50_000, limit: 3, at: 'full' });
    expect(middle.rows.map((r) => r.key.json)).toEqual([['item', 50_000], ['item', 50_001], ['item', 50_002]]);
    expect(middle.total).toBe(100_000);
    expect((await ok('records.count', { storeId })).count).toBe(50_000);
    expect((await ok('records.count', { storeId, at: 'full' })).count).toBe(100_000);
    // Past the end: no rows, the total still said.
    const past = await ok('records.pageAt', { storeId, index: 50_000 });
    expect(past).toMatchObject({ rows: [], nextAfter: null, total: 50_000 });
  });

  it('refuses bad positions and keys with one line', async () => {
    const path = join(dir(), 'bad.th');
    ordersStore(path, 10);
    const { storeId } = await ok('store.open', { path });
    expect((await fails('records.pageAt', { storeId, index: -1 })).message).toMatch(/index must be a non-negative integer/);
    expect((await fails('records.pageAt', { storeId, index: 1.5 })).code).toBe('BAD_REQUEST');
    expect((await fails('records.pageAt', { storeId, index: 2 ** 60 })).message).toMatch(/index must be at most/);
    expect((await fails('records.pageAt', { storeId, index: 0, limit: 5000 })).message).toMatch(/limit must be at most 1000/);
    expect((await fails('records.indexOf', { storeId, key: { hex: 'zz' } })).message).toMatch(/key/);
    expect((await fails('records.indexOf', { storeId })).message).toMatch(/^bad request to records.indexOf: key /);
    expect((await fails('records.pageAt', { storeId: 'nope', index: 0 })).code).toBe('UNKNOWN_STORE');
  });
});

describe('queries in Records', () => {
  it('a filtered page equals a brute-force filter, page by page through the cursor, and the count agrees', async () => {
    const path = join(dir(), 'q.th');
    ordersStore(path, 600);
    const { storeId } = await ok('store.open', { path });
    const total = (i: number) => (i % 7 === 1 && i % 5 !== 0 ? i + 1 : i);
    const expected = Array.from({ length: 600 }, (_, i) => i).filter((i) => i % 5 !== 0 && STATUSES[i % 3] === 'pending' && total(i) >= 100);
    const where = 'status = "pending" and total >= 100';
    const seen: unknown[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await ok('records.page', { storeId, where, limit: 37, range: { prefix: { json: ['orders'] } }, ...(after ? { after } : {}) });
      seen.push(...page.rows.map((r) => (r.key.json as [string, number])[1]));
      if (page.nextAfter === null) break;
      after = page.nextAfter;
    }
    expect(seen).toEqual(expected);
    expect((await ok('records.count', { storeId, where })).count).toBe(expected.length);
    // At a version back in time: nothing was cancelled yet.
    expect((await ok('records.count', { storeId, where: 'status = "cancelled"', at: 'imported' })).count).toBe(0);
    expect((await ok('records.count', { storeId, where: 'status = "cancelled"' })).count).toBe(120);
  });

  it('query.check: ok, or the message and the column of the mistake', async () => {
    expect(await ok('query.check', { text: 'status = "pending"' })).toEqual({ ok: true });
    const bad = await ok('query.check', { text: 'status = ' });
    expect(bad).toMatchObject({ ok: false, column: 10 });
    const twice = await ok('query.check', { text: 'total >> 3' });
    expect(twice).toMatchObject({ ok: false, column: 8 });
    // changed() compares two versions: a mistake in Records, fine in Diff.
    expect(await ok('query.check', { text: 'total > 1 and changed(status)' })).toMatchObject({ ok: false, column: 15, message: expect.stringMatching(/Diff/) as unknown });
    expect(await ok('query.check', { text: 'total > 1 and changed(status)', scope: 'diff' })).toEqual({ ok: true });
    expect(await ok('query.check', { text: '   ' })).toMatchObject({ ok: false, column: 1 });
  });

  it('bad queries in requests: one line naming the column, bounded length, no NUL, never a stack', async () => {
    const path = join(dir(), 'bq.th');
    ordersStore(path, 10);
    const { storeId } = await ok('store.open', { path });
    const syntax = await fails('records.page', { storeId, where: 'status = "pending" and' });
    expect(syntax.code).toBe('BAD_REQUEST');
    expect(syntax.message).toMatch(/^where: query error at column 23: /);
    expect((await fails('records.count', { storeId, where: 'changed(status)' })).message).toMatch(/column 1: changed\(\) compares two versions/);
    expect((await fails('records.page', { storeId, where: 'a'.repeat(QUERY_TEXT_MAX + 1) })).message).toMatch(/where must be at most 2000 characters/);
    expect((await fails('records.page', { storeId, where: 'a = "\0"' })).message).toMatch(/where must not contain NUL/);
    expect((await fails('records.page', { storeId, where: '' })).message).toMatch(/where must not be empty/);
    expect((await fails('records.page', { storeId, where: 42 })).message).toMatch(/where must be a string/);
    expect((await fails('query.check', { text: 'x'.repeat(QUERY_TEXT_MAX + 1) })).code).toBe('BAD_REQUEST');
    expect((await fails('query.check', { text: 'a = 1', scope: 'tree' })).message).toMatch(/scope must be 'records' or 'diff'/);
    expect((await fails('diff.page', { storeId, a: 'imported', b: 'v2', where: 'status = ' })).message).toMatch(/column 10/);
  });
});

describe('queries over a diff', () => {
  it('"orders whose status changed between imported and v2" is one query', async () => {
    const path = join(dir(), 'd.th');
    ordersStore(path, 300);
    const { storeId } = await ok('store.open', { path });
    const rows: number[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await ok('diff.page', { storeId, a: 'imported', b: 'v2', prefix: { json: ['orders'] }, where: 'changed(status)', limit: 13, ...(after ? { after } : {}) });
      for (const r of page.rows) {
        expect(r.type).toBe('changed');
        rows.push((r.key.json as [string, number])[1]);
      }
      if (page.nextAfter === null) break;
      after = page.nextAfter;
    }
    // Every 5th order changed status; the total-only changes (every 7th) are left out.
    expect(rows).toEqual(Array.from({ length: 60 }, (_, k) => k * 5));
    const all = await ok('diff.page', { storeId, a: 'imported', b: 'v2', prefix: { json: ['orders'] }, limit: 1000 });
    expect(all.rows.length).toBeGreaterThan(rows.length);
    // A value condition matches a change whose value before or after matches.
    const shipped = await ok('diff.page', { storeId, a: 'imported', b: 'v2', where: 'changed(status) and status = "shipped"', limit: 1000 });
    expect(shipped.rows.map((r) => (r.key.json as [string, number])[1])).toEqual(Array.from({ length: 60 }, (_, k) => k * 5).filter((i) => STATUSES[i % 3] === 'shipped'));
  });
});

describe('the key-space breakdown', () => {
  it('totals, prefixes (two levels) and the largest records agree with a brute-force tally, at any version', async () => {
    const path = join(dir(), 'ks.th');
    ordersStore(path, 200);
    const store = Store.open(path, { readOnly: true });
    const tally = new Map<string, { records: number; bytes: number }>();
    let records = 0;
    let largest = { key: '', bytes: 0 };
    for (const e of store.scan()) {
      records += 1;
      const first = e.key.toString('hex').startsWith(encodeKey(['orders']).toString('hex').slice(0, -2)) ? 'orders' : 'users';
      const t = tally.get(first) ?? { records: 0, bytes: 0 };
      t.records += 1;
      t.bytes += e.key.length + e.valueLength;
      tally.set(first, t);
      if (e.key.length + e.valueLength > largest.bytes) largest = { key: e.key.toString('hex'), bytes: e.key.length + e.valueLength };
    }
    store.close();
    const { storeId } = await ok('store.open', { path });
    const report = await ok('keyspace.analyze', { storeId, depth: 2, top: 5 });
    expect(report.totals.records).toBe(records);
    expect(report.prefixes.map((p) => [p.label, p.records, p.keyBytes + p.valueBytes])).toEqual(
      [...tally.entries()].sort((a, b) => b[1].bytes - a[1].bytes).map(([label, t]) => [label, t.records, t.bytes]),
    );
    const users = report.prefixes.find((p) => p.label === 'users')!;
    expect(users.prefix.json).toBe('users');
    // Level 2: the five largest users, labelled by their id, the rest counted as omitted.
    expect(users.children?.map((c) => c.label)).toEqual(['39', '38', '37', '36', '35']);
    expect(users.omitted).toBe(35);
    expect(users.children?.[0]?.prefix.json).toEqual(['users', 39]);
    expect(report.largest[0]).toEqual({ key: expect.objectContaining({ hex: largest.key }) as unknown, bytes: largest.bytes });
    expect(report.largest.length).toBe(5);
    expect(report.other.records).toBe(0);
  });

  it('runs as a job with progress, and cancels', async () => {
    const path = join(dir(), 'ksbig.th');
    const store = Store.create(path);
    store.write((tx) => {
      for (let i = 0; i < 60_000; i++) tx.put(encodeKey(['item', i % 7, i]), encodeValue({ i }));
    });
    store.close();
    const { storeId } = await ok('store.open', { path });
    const events: unknown[] = [];
    const off = service().events.on((e) => {
      if (e.type === 'job.progress' && e.jobId === 'k1') events.push(e);
    });
    const report = await ok('keyspace.analyze', { storeId, jobId: 'k1', depth: 1 });
    expect(report.totals.records).toBe(60_000);
    expect(report.prefixes[0]?.children).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ done: 60_000, total: 60_000, method: 'keyspace.analyze' });
    const running = service().call('keyspace.analyze', { storeId, jobId: 'k2' });
    await ok('job.cancel', { jobId: 'k2' });
    const outcome = await running;
    expect('error' in outcome && outcome.error).toMatchObject({ code: 'CANCELLED' });
    off();
    expect((await fails('keyspace.analyze', { storeId, depth: 3 })).message).toMatch(/depth must be 1 or 2/);
    expect((await fails('keyspace.analyze', { storeId, top: 0 })).message).toMatch(/top must be a positive integer/);
  });
});
