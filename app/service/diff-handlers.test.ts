import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../engine/index';
import { encodeKey, encodeValue, keyToJson, valueToJson } from '../../engine/records/index';
import type { DiffRow, RequestOf, ResponseOf, ServiceEvent } from '../contract';
import { cutPoints, keyBounds, prefixUpperBound } from './diff-slices';
import { createService } from './index';
import type { Service } from './index';
import { callers } from './testing';

let dir: string;
let service: Service;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'th-diff-'));
  service = createService({ host: 'test', allowedPlaces: { files: [], dirs: [tmpdir()] }, pollIntervalMs: 60_000 });
});

afterEach(() => {
  service.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Small nodes so a few thousand records make a tree several levels high. */
const SMALL = { nodeSize: 1024, fanout: 8, bufferSize: 2048, blobThreshold: 256 } as const;

/**
 * Two snapshots with every kind of change: `before` holds users 0..count-1, orders and a large
 * value; `after` edits some users field by field, deletes others, range-deletes the orders,
 * adds new users and grows the large value. A branch `same` points at `before`.
 */
function twoSnapshots(count: number): string {
  const path = join(dir, 'two.th');
  const store = Store.create(path, SMALL);
  store.write((tx) => {
    for (let i = 0; i < count; i++) tx.put(encodeKey(['users', i]), encodeValue({ name: `user ${i}`, n: i, tags: ['a'] }));
    for (let i = 0; i < 50; i++) tx.put(encodeKey(['orders', i]), encodeValue({ total: i }));
    tx.put(encodeKey(['blob']), encodeValue('x'.repeat(1000)));
  }, { message: 'fill' });
  store.snapshot('before');
  store.branch('same');
  store.write((tx) => {
    for (let i = 0; i < count; i += 97) tx.put(encodeKey(['users', i]), encodeValue({ name: `user ${i}`, n: -i, tags: ['a', 'b'] }));
    for (let i = 5; i < count; i += 211) tx.delete(encodeKey(['users', i]));
    for (let i = count; i < count + 30; i++) tx.put(encodeKey(['users', i]), encodeValue({ name: `new ${i}` }));
    tx.put(encodeKey(['blob']), encodeValue('y'.repeat(2000)));
  }, { message: 'edit users' });
  store.deleteRange(encodeKey(['orders', 10]), encodeKey(['orders', 40]), { message: 'drop orders' });
  store.snapshot('after');
  store.close();
  return path;
}

const { ok, fails } = callers(() => service);

/** The engine's own diff as plain data, for comparison. */
function engineDiff(path: string, a: string, b: string, opts: { prefix?: Buffer } = {}) {
  const store = Store.open(path, { readOnly: true });
  try {
    return [...store.diff(a, b, opts)].map((c) => ({
      hex: c.key.toString('hex'),
      key: keyToJson(c.key),
      type: c.type,
      beforeLength: c.beforeLength,
      afterLength: c.afterLength,
      before: c.before && c.before.length <= SMALL.blobThreshold ? valueToJson(c.before) : null,
      after: c.after && c.after.length <= SMALL.blobThreshold ? valueToJson(c.after) : null,
    }));
  } finally {
    store.close();
  }
}

async function allPages(params: RequestOf<'diff.page'>): Promise<DiffRow[]> {
  const rows: DiffRow[] = [];
  let after: string | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = await ok('diff.page', { ...params, ...(after !== undefined ? { after } : {}) });
    expect(page.rows.length).toBeLessThanOrEqual(params.limit ?? 200);
    rows.push(...page.rows);
    if (page.nextAfter === null) return rows;
    after = page.nextAfter;
  }
  throw new Error('paging did not end');
}

describe('diff.page', () => {
  it('pages through the same changes as the engine diff, in key order, without gaps or repeats', async () => {
    const path = twoSnapshots(3000);
    const { storeId } = await ok('store.open', { path });
    const expected = engineDiff(path, 'before', 'after');
    expect(expected.length).toBeGreaterThan(100);
    const rows = await allPages({ storeId, a: 'before', b: 'after', limit: 37 });
    expect(rows.map((r) => r.key.hex)).toEqual(expected.map((e) => e.hex));
    expect(rows.map((r) => r.type)).toEqual(expected.map((e) => e.type));
    for (const [i, r] of rows.entries()) {
      const e = expected[i]!;
      expect(r.key.json).toEqual(e.key);
      expect(r.before?.length ?? null).toBe(e.beforeLength);
      expect(r.after?.length ?? null).toBe(e.afterLength);
      if (e.before !== null) expect(r.before?.json).toEqual(e.before);
      if (e.after !== null) expect(r.after?.json).toEqual(e.after);
    }
    expect(JSON.parse(JSON.stringify(rows))).toEqual(rows); // plain data only
  });

  it('resolves names to ids, leaves large values unloaded, and filters by prefix and range', async () => {
    const path = twoSnapshots(1000);
    const { storeId } = await ok('store.open', { path });
    const first = await ok('diff.page', { storeId, a: 'before', b: 'after', limit: 1000 });
    const engine = Store.open(path, { readOnly: true });
    expect(first.a).toBe(engine.at('before').version);
    expect(first.b).toBe(engine.at('after').version);
    engine.close();
    expect(first.nextAfter).toBeNull();
    const blob = first.rows.find((r) => JSON.stringify(r.key.json) === JSON.stringify('blob') || JSON.stringify(r.key.json) === '["blob"]');
    expect(blob).toMatchObject({ type: 'changed', after: { large: true, loaded: false, length: expect.any(Number) } });
    expect(blob?.before).toMatchObject({ large: true, loaded: false });

    const orders = await ok('diff.page', { storeId, a: 'before', b: 'after', prefix: { json: ['orders'] } });
    expect(orders.rows.length).toBe(30);
    expect(orders.rows.every((r) => r.type === 'removed' && r.after === null && r.before?.decoded)).toBe(true);
    const prefixed = engineDiff(path, 'before', 'after', { prefix: encodeKey(['orders']) });
    expect(orders.rows.map((r) => r.key.hex)).toEqual(prefixed.map((e) => e.hex));

    const ranged = await ok('diff.page', { storeId, a: 'before', b: 'after', from: { json: ['users', 100] }, to: { json: ['users', 300] } });
    expect(ranged.rows.length).toBeGreaterThan(0);
    for (const r of ranged.rows) {
      const [, id] = r.key.json as [string, number];
      expect(id).toBeGreaterThanOrEqual(100);
      expect(id).toBeLessThan(300);
    }
  });

  it('says so for identical versions, unknown versions and bad requests', async () => {
    const path = twoSnapshots(200);
    const { storeId } = await ok('store.open', { path });
    const same = await ok('diff.page', { storeId, a: 'before', b: 'same' });
    expect(same).toMatchObject({ rows: [], nextAfter: null });
    expect(same.a).toBe(same.b);
    const unknown = await fails('diff.page', { storeId, a: 'before', b: 'nope' });
    expect(unknown.code).toBe('VERSION_NOT_FOUND');
    expect(unknown.message).toContain('"nope"');
    expect(await fails('diff.page', { storeId, a: 999_999, b: 'after' })).toMatchObject({ code: 'VERSION_NOT_FOUND' });
    expect(await fails('diff.page', { storeId, a: 'before', b: 'after', limit: 5000 })).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('limit must be at most 1000') });
    expect(await fails('diff.page', { storeId, a: 'before' })).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('b is required') });
    expect(await fails('diff.page', { storeId, a: true, b: 'after' })).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('a must be a version id or a snapshot or branch name') });
    expect(await fails('diff.page', { storeId: 'zz', a: 'before', b: 'after' })).toMatchObject({ code: 'UNKNOWN_STORE' });
  });
});

describe('diff.summary and diff.density', () => {
  it('count what the engine counts, with progress events that end at the total', async () => {
    const path = twoSnapshots(3000);
    const { storeId } = await ok('store.open', { path });
    const engine = Store.open(path, { readOnly: true });
    const expected = engine.diffSummary('before', 'after');
    const expectedUsers = engine.diffSummary('before', 'after', { prefix: encodeKey(['users']) });
    engine.close();
    const events: ServiceEvent[] = [];
    const off = service.events.on((e) => events.push(e));
    const summary = await ok('diff.summary', { storeId, a: 'before', b: 'after', jobId: 's1' });
    off();
    expect(summary).toMatchObject(expected);
    expect(expected.added).toBe(30);
    const progress = events.filter((e) => e.type === 'job.progress' && e.jobId === 's1');
    expect(progress.at(-1)).toMatchObject({ method: 'diff.summary', phase: 'done' });
    const last = progress.at(-1) as { done: number; total: number };
    expect(last.done).toBe(last.total);
    expect(last.total).toBeGreaterThan(1);
    expect(await ok('diff.summary', { storeId, a: 'before', b: 'after', prefix: { json: ['users'] } })).toMatchObject(expectedUsers);
    expect(await ok('diff.summary', { storeId, a: 'same', b: 'before' })).toMatchObject({ added: 0, removed: 0, changed: 0 });
  });

  it('slices the key space into ordered buckets whose counts add up and whose first keys are the first changes', async () => {
    const path = twoSnapshots(3000);
    const { storeId } = await ok('store.open', { path });
    const changes = engineDiff(path, 'before', 'after');
    const density = await ok('diff.density', { storeId, a: 'before', b: 'after', buckets: 16 });
    expect(density.buckets.length).toBeGreaterThan(4);
    expect(density.buckets.length).toBeLessThanOrEqual(16);
    expect(density.buckets[0]!.from).toBeNull();
    const starts = density.buckets.map((b) => b.from?.hex ?? '');
    expect([...starts].sort()).toEqual(starts);
    expect(new Set(starts).size).toBe(starts.length);
    const sum = (k: 'added' | 'removed' | 'changed') => density.buckets.reduce((n, b) => n + b[k], 0);
    expect({ added: sum('added'), removed: sum('removed'), changed: sum('changed') }).toEqual(density.counts);
    expect(density.counts.added + density.counts.removed + density.counts.changed).toBe(changes.length);
    density.buckets.forEach((bucket, i) => {
      const lo = starts[i]!;
      const hi = starts[i + 1];
      const inside = changes.filter((c) => c.hex >= lo && (hi === undefined || c.hex < hi));
      expect(bucket.added + bucket.removed + bucket.changed).toBe(inside.length);
      expect(bucket.firstKey?.hex ?? null).toBe(inside[0]?.hex ?? null);
    });
  });

  it('cuts the strip at the bigger version, so a small version does not crowd one corner', async () => {
    const path = join(dir, 'grow.th');
    const store = Store.create(path, SMALL);
    store.write((tx) => {
      for (let i = 0; i < 40; i++) tx.put(encodeKey(['a', i]), encodeValue(i));
    }, { message: 'small' });
    store.snapshot('small');
    store.write((tx) => {
      for (let i = 0; i < 4000; i++) tx.put(encodeKey(['users', i]), encodeValue({ n: i }));
    }, { message: 'big' });
    store.snapshot('big');
    store.close();
    const { storeId } = await ok('store.open', { path });
    const density = await ok('diff.density', { storeId, a: 'small', b: 'big', buckets: 32 });
    // Every change is under "users": nearly every slice should hold some of them.
    const busy = density.buckets.filter((b) => b.added > 0).length;
    expect(density.counts.added).toBe(4000);
    expect(busy).toBeGreaterThanOrEqual(density.buckets.length - 2);
    expect(density.buckets.length).toBeGreaterThan(16);
  });

  it('can be cancelled', async () => {
    const path = twoSnapshots(3000);
    const { storeId } = await ok('store.open', { path });
    const running = service.call('diff.density', { storeId, a: 'before', b: 'after', jobId: 'd1' });
    expect((await ok('job.cancel', { jobId: 'd1' })).cancelled).toBe(true);
    const outcome = await running;
    expect('error' in outcome && outcome.error.code).toBe('CANCELLED');
  });
});

describe('diff.structure', () => {
  it('matches the engine structural diff and pages through it with offset', async () => {
    const path = twoSnapshots(3000);
    const { storeId } = await ok('store.open', { path });
    const engine = Store.open(path, { readOnly: true });
    const expected = engine.structuralDiff('before', 'after').map((n) => ({ offset: n.address.offset, side: n.side }));
    engine.close();
    const whole = await ok('diff.structure', { storeId, a: 'before', b: 'after' });
    expect(whole.nodes.map((n) => ({ offset: n.address.offset, side: n.side }))).toEqual(expected);
    expect(whole.nextOffset).toBeNull();
    expect(whole.counts.shared).toBeGreaterThan(0);
    expect(whole.counts.left + whole.counts.right).toBeGreaterThan(0);
    expect(whole.counts.shared + whole.counts.left + whole.counts.right).toBe(expected.length);
    const sliced: typeof whole.nodes[number][] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const page: ResponseOf<'diff.structure'> = await ok('diff.structure', { storeId, a: 'before', b: 'after', offset, limit: 7 });
      expect(page.counts).toEqual(whole.counts);
      sliced.push(...page.nodes);
      offset = page.nextOffset;
    }
    expect(sliced).toEqual(whole.nodes);
    const same = await ok('diff.structure', { storeId, a: 'before', b: 'same' });
    expect(same.nodes).toEqual([expect.objectContaining({ side: 'shared' })]);
  });
});

describe('slices', () => {
  it('bounds a prefix and a range', () => {
    expect(prefixUpperBound(Buffer.from([1, 2]))).toEqual(Buffer.from([1, 3]));
    expect(prefixUpperBound(Buffer.from([1, 0xff]))).toEqual(Buffer.from([2]));
    expect(prefixUpperBound(Buffer.from([0xff]))).toBeNull();
    expect(keyBounds({ prefix: Buffer.from([5]), from: Buffer.from([5, 9]), to: Buffer.from([7]) })).toEqual({ lo: Buffer.from([5, 9]), hi: Buffer.from([6]) });
  });

  it('finds cut points by reading the upper levels only', () => {
    const path = twoSnapshots(5000);
    const store = Store.open(path, { readOnly: true });
    try {
      const height = store.info().height;
      expect(height).toBeGreaterThanOrEqual(3);
      const before = store.io.nodeVisits;
      const cuts = cutPoints(store, 'after', keyBounds({}), 16);
      const visits = store.io.nodeVisits - before;
      expect(cuts.length).toBeGreaterThanOrEqual(16);
      expect([...cuts].sort(Buffer.compare)).toEqual(cuts);
      // A level with ≥16 pivots has at most ~16 + fanout nodes above it; never the leaves.
      expect(visits).toBeLessThan(16 + SMALL.fanout * 2 + height);
      const leaves = store.analyze().nodesPerLevel.at(-1)!;
      expect(visits).toBeLessThan(leaves);
    } finally {
      store.close();
    }
  });
});
