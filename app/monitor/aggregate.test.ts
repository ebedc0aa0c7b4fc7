import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockManager, type LockEvent, type LockSnapshotEntry } from '../../engine/index';
import { LOCK_GROUP_MEMBERS_MAX } from '../contract/locks';
import { aggregateSnapshot, contentionBuckets, EventBatcher, groupLocks, keyPosition, shapeOf, WaitHistory } from './aggregate';

const hex = (n: number, width = 2): string => n.toString(16).padStart(width, '0');

/** A random lock table as the engine sorts it: by (from, id). */
const tableArb = fc.array(
  fc.record({
    from: fc.constantFrom('', '00', '0a', '0a01', '0aff', '10', '1000', 'ff', 'ffff', '7f0102030405'),
    to: fc.constantFrom<string | null>(null, '0b', '10', '20', 'ff00', 'ff01'),
    tx: fc.integer({ min: 1, max: 12 }),
    mode: fc.constantFrom('shared' as const, 'exclusive' as const),
    waiting: fc.boolean(),
    since: fc.integer({ min: 0, max: 1000 }),
  }),
  { maxLength: 120 },
).map((rows) => rows
  .map((r, i): LockSnapshotEntry => (r.waiting
    ? { id: i + 1, tx: r.tx, from: r.from, to: r.to, mode: r.mode, state: 'waiting', since: r.since, waitingFor: [((r.tx % 12) + 1)] }
    : { id: i + 1, tx: r.tx, from: r.from, to: r.to, mode: r.mode, state: 'held', since: r.since }))
  .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.id - b.id)));

/** The brute-force order of intervals: from, then to with +infinity last. */
const cmpInterval = (a: { from: string; to: string | null }, b: { from: string; to: string | null }): number =>
  a.from !== b.from ? (a.from < b.from ? -1 : 1) : a.to === b.to ? 0 : a.to === null ? 1 : b.to === null ? -1 : a.to < b.to ? -1 : 1;

describe('groupLocks', () => {
  it('groups exactly the locks with the same interval, in interval order, members in id order (vs brute force)', () => {
    fc.assert(fc.property(tableArb, (locks) => {
      const groups = groupLocks(locks);
      const expected = new Map<string, LockSnapshotEntry[]>();
      for (const l of locks) {
        const key = JSON.stringify([l.from, l.to]);
        expected.set(key, [...(expected.get(key) ?? []), l]);
      }
      const keys = [...expected.keys()].map((k) => JSON.parse(k) as [string, string | null])
        .sort((a, b) => cmpInterval({ from: a[0], to: a[1] }, { from: b[0], to: b[1] }));
      expect(groups.map((g) => [g.from, g.to])).toEqual(keys);
      for (const g of groups) {
        expect(g.locks.map((l) => l.id)).toEqual(expected.get(JSON.stringify([g.from, g.to]))!.map((l) => l.id).sort((a, b) => a - b));
      }
    }), { numRuns: 300, seed: 7 });
  });
});

describe('aggregateSnapshot', () => {
  it('pages groups with offset/limit, counts exactly, and caps members per group', () => {
    fc.assert(fc.property(tableArb, fc.nat(30), fc.integer({ min: 1, max: 10 }), (locks, offset, limit) => {
      const at = 2000;
      const view = aggregateSnapshot({ at, locks, edges: [], cycles: [] }, { requests: 0, grants: 0, waits: 0, timeouts: 0, deadlocks: 0, cancels: 0, held: 0, waiting: 0 }, [], { offset, limit, buckets: 8 });
      const all = groupLocks(locks);
      expect(view.groups.total).toBe(all.length);
      expect(view.groups.rows.map((r) => [r.from, r.to])).toEqual(all.slice(offset, offset + limit).map((g) => [g.from, g.to]));
      expect(view.totals.locks).toBe(locks.length);
      expect(view.totals.held).toBe(locks.filter((l) => l.state === 'held').length);
      expect(view.totals.transactions).toBe(new Set(locks.map((l) => l.tx)).size);
      expect(view.totals.waitingTransactions).toBe(new Set(locks.filter((l) => l.state === 'waiting').map((l) => l.tx)).size);
      for (const row of view.groups.rows) {
        const members = locks.filter((l) => l.from === row.from && l.to === row.to);
        const waiters = members.filter((l) => l.state === 'waiting');
        expect(row.heldCount + row.waitingCount).toBe(members.length);
        expect(row.waiters.map((w) => w.lockId)).toEqual(waiters.map((w) => w.id).sort((a, b) => a - b).slice(0, LOCK_GROUP_MEMBERS_MAX));
        expect(row.maxWaitedMs).toBe(Math.max(0, ...waiters.map((w) => at - w.since)));
        const heldModes = members.filter((l) => l.state === 'held').map((l) => l.mode);
        expect(row.heldMode).toBe(heldModes.length === 0 ? null : heldModes.includes('exclusive') ? 'exclusive' : 'shared');
      }
    }), { numRuns: 300, seed: 11 });
  });

  it('never returns more than LOCK_GROUP_MEMBERS_MAX holders, while the count stays exact', () => {
    const locks: LockSnapshotEntry[] = Array.from({ length: 100 }, (_, i) => ({ id: i + 1, tx: i + 1, from: '61', to: '6100', mode: 'shared', state: 'held', since: 0 }));
    const view = aggregateSnapshot({ at: 5, locks, edges: [], cycles: [] }, { requests: 0, grants: 0, waits: 0, timeouts: 0, deadlocks: 0, cancels: 0, held: 100, waiting: 0 }, [], { offset: 0, limit: 10, buckets: 4 });
    expect(view.groups.rows).toHaveLength(1);
    expect(view.groups.rows[0].holders).toHaveLength(LOCK_GROUP_MEMBERS_MAX);
    expect(view.groups.rows[0].heldCount).toBe(100);
    expect(view.groups.rows[0].shape).toBe('key');
  });

  it('builds the waits-for graph and marks deadlock victims from a real lock manager', async () => {
    const m = new LockManager({ defaultTimeoutMs: 10_000 });
    const k = (s: string): Uint8Array => Buffer.from(s);
    await m.acquire(1, { key: k('a') }, 'exclusive');
    await m.acquire(2, { key: k('b') }, 'exclusive');
    const w1 = m.acquire(1, { key: k('b') }, 'exclusive');
    const w2 = m.acquire(2, { key: k('a') }, 'exclusive').catch((e: unknown) => e);
    expect(((await w2) as Error).name).toBe('DeadlockError');
    m.releaseAll(2);
    await w1;
    const p3 = m.acquire(3, { key: k('b') }, 'shared');
    const view = aggregateSnapshot(m.snapshot(), m.stats(), [], { offset: 0, limit: 50, buckets: 4 });
    expect(view.deadlocks).toHaveLength(1);
    expect(view.deadlocks[0].victim).toBe(2);
    expect(view.graph.edges).toEqual([{ waiter: 3, holder: 1, kind: 'held' }]);
    expect(view.graph.nodes.find((n) => n.tx === 2)?.victim).toBe(true);
    expect(view.graph.nodes.find((n) => n.tx === 1)).toMatchObject({ held: 2, waiting: 0, victim: false });
    m.releaseAll(1);
    await p3;
    m.releaseAll(3);
  });
});

describe('contentionBuckets', () => {
  /** Independent computation with BigInt positions and a filter per bucket. */
  function bruteForce(locks: readonly LockSnapshotEntry[], buckets: number, at: number) {
    const low = locks[0].from;
    const high = locks[locks.length - 1].from;
    let skip = 0;
    while (skip + 2 <= Math.min(low.length, high.length) && low.slice(skip, skip + 2) === high.slice(skip, skip + 2)) skip += 2;
    const pos = (h: string): bigint => BigInt(`0x${(h.slice(skip, skip + 10) + '0'.repeat(10)).slice(0, 10)}`);
    const pLow = pos(low);
    const width = pos(high) - pLow + 1n;
    return Array.from({ length: buckets }, (_, index) => {
      const inside = locks.filter((l) => {
        const b = Number(((pos(l.from) - pLow) * BigInt(buckets)) / width);
        return Math.min(buckets - 1, b) === index;
      });
      const waiting = inside.filter((l) => l.state === 'waiting');
      return {
        index,
        first: inside.length ? inside.map((l) => l.from).sort()[0] : null,
        last: inside.length ? inside.map((l) => l.from).sort().at(-1)! : null,
        held: inside.length - waiting.length,
        waiting: waiting.length,
        waitMs: waiting.reduce((s, l) => s + Math.max(0, at - l.since), 0),
      };
    });
  }

  it('matches a brute-force bucket computation over random key spaces', () => {
    const keyArb = fc.oneof(
      fc.uint8Array({ maxLength: 9 }).map((b) => Buffer.from(b).toString('hex')),
      fc.integer({ min: 0, max: 5000 }).map((n) => `0a0b${hex(n, 8)}`),
    );
    fc.assert(fc.property(
      fc.array(fc.record({ from: keyArb, waiting: fc.boolean(), since: fc.nat(100) }), { minLength: 1, maxLength: 80 }),
      fc.integer({ min: 1, max: 512 }),
      (rows, buckets) => {
        const locks = rows
          .map((r, i): LockSnapshotEntry => ({ id: i + 1, tx: 1, from: r.from, to: null, mode: 'shared', state: r.waiting ? 'waiting' : 'held', since: r.since }))
          .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.id - b.id));
        expect(contentionBuckets(locks, buckets, 200)).toEqual(bruteForce(locks, buckets, 200));
      },
    ), { numRuns: 400, seed: 3 });
  });

  it('places keys by value: a hot key at one end lights its own bucket', () => {
    const locks: LockSnapshotEntry[] = [
      { id: 1, tx: 1, from: '0000', to: null, mode: 'shared', state: 'held', since: 0 },
      ...Array.from({ length: 5 }, (_, i): LockSnapshotEntry => ({ id: i + 2, tx: i + 2, from: 'ff00', to: null, mode: 'exclusive', state: 'waiting', since: 0 })),
    ];
    const b = contentionBuckets(locks, 4, 10);
    expect(b.map((x) => x.held + x.waiting)).toEqual([1, 0, 0, 5]);
    expect(b[3].waitMs).toBe(50);
    expect(keyPosition('ff', 0)).toBe(0xff * 256 ** 4);
    expect(contentionBuckets([], 4, 0)).toEqual([]);
  });
});

describe('shapeOf', () => {
  it('tells keys, prefixes and ranges apart', () => {
    expect(shapeOf('61', '6100')).toBe('key');
    expect(shapeOf('61', '62')).toBe('prefix');
    expect(shapeOf('61ff', '62')).toBe('prefix');
    expect(shapeOf('', null)).toBe('prefix');
    expect(shapeOf('61', '63')).toBe('range');
    expect(shapeOf('61', null)).toBe('range');
  });
});

function ev(partial: Partial<LockEvent> & { type: LockEvent['type']; id: number; at: number }): LockEvent {
  return { tx: 1, from: '61', to: '6100', mode: 'exclusive', waitedMs: 0, waitingFor: [], holders: [], cycle: [1, 2], victim: 1, ...partial } as unknown as LockEvent;
}

describe('EventBatcher', () => {
  it('counts every event exactly, keeps every deadlock, and samples at most the cap, spread over the interval', () => {
    const batcher = new EventBatcher(50);
    for (let i = 0; i < 10_000; i++) batcher.add(ev({ type: i % 2 ? 'grant' : 'request', id: i, at: i }));
    for (let i = 0; i < 7; i++) batcher.add(ev({ type: 'deadlock', id: 20_000 + i, at: 10_000 + i, victim: i }));
    const batch = batcher.flush({ requests: 0, grants: 0, waits: 0, timeouts: 0, deadlocks: 0, cancels: 0, held: 0, waiting: 0 }, 99_999);
    expect(batch.counts.request).toBe(5000);
    expect(batch.counts.grant).toBe(5000);
    expect(batch.counts.deadlock).toBe(7);
    expect(batch.total).toBe(10_007);
    expect(batch.deadlocks.map((d) => d.victim)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(batch.sample.length).toBeLessThanOrEqual(50);
    expect(batch.sample.filter((e) => e.kind === 'deadlock')).toHaveLength(7);
    const ats = batch.sample.filter((e) => e.kind !== 'deadlock').map((e) => e.at);
    // Evenly spread: the sample reaches into the last quarter of the interval.
    expect(Math.max(...ats)).toBeGreaterThan(7500);
    expect(batch.start).toBe(0);
    expect(batch.seq).toBe(1);
    const empty = batcher.flush({ requests: 0, grants: 0, waits: 0, timeouts: 0, deadlocks: 0, cancels: 0, held: 0, waiting: 0 }, 5);
    expect(empty).toMatchObject({ seq: 2, total: 0, sample: [], deadlocks: [] });
  });
});

describe('WaitHistory', () => {
  it('turns wait … outcome pairs into intervals, one per request, and keeps open ones as waiting', () => {
    const h = new WaitHistory(3);
    h.add(ev({ type: 'wait', id: 1, tx: 5, at: 10 }));
    h.add(ev({ type: 'wait', id: 1, tx: 5, at: 12 })); // blockers changed: same interval
    h.add(ev({ type: 'grant', id: 1, tx: 5, at: 20 }));
    h.add(ev({ type: 'wait', id: 2, tx: 6, at: 21 }));
    h.add(ev({ type: 'deadlock', id: 2, tx: 6, at: 22 }));
    h.add(ev({ type: 'wait', id: 3, tx: 7, at: 23 }));
    h.add(ev({ type: 'grant', id: 9, tx: 8, at: 24 })); // granted without waiting: no interval
    expect(h.intervals().map((w) => [w.lockId, w.start, w.end, w.outcome])).toEqual([
      [1, 10, 20, 'granted'], [2, 21, 22, 'deadlock'], [3, 23, null, 'waiting'],
    ]);
    for (let i = 10; i < 20; i++) {
      h.add(ev({ type: 'wait', id: i, at: 100 + i }));
      h.add(ev({ type: 'timeout', id: i, at: 101 + i }));
    }
    // The open wait stays; the most recent ended ones fill the rest.
    expect(h.intervals().map((w) => w.lockId)).toEqual([3, 18, 19]);
  });

  it('closes waits the lock table no longer shows waiting (ends heard by nobody), keeps real ones', () => {
    const h = new WaitHistory(10);
    h.add(ev({ type: 'wait', id: 1, tx: 5, at: 10 }));
    h.add(ev({ type: 'wait', id: 2, tx: 6, at: 11 }));
    // Request 1 was granted while no client listened; request 2 still waits.
    const row = (id: number, tx: number, state: 'held' | 'waiting') => ({ id, tx, from: '61', to: null, mode: 'exclusive' as const, state, since: 0 });
    h.reconcile({ at: 50, locks: [row(1, 5, 'held'), row(2, 6, 'waiting')], edges: [], cycles: [] });
    expect(h.intervals().map((w) => [w.lockId, w.end, w.outcome])).toEqual([[1, 50, 'ended'], [2, null, 'waiting']]);
    // An end heard later for a closed wait changes nothing.
    h.add(ev({ type: 'grant', id: 1, tx: 5, at: 60 }));
    expect(h.intervals().filter((w) => w.lockId === 1)).toHaveLength(1);
  });
});
