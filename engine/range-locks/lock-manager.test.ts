import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors';
import { DeadlockError, LockCancelledError, LockTimeoutError } from './errors';
import type { LockEvent } from './events';
import { LockManager } from './lock-manager';
import type { LockMode } from './mode';
import type { LockTarget } from './range';

const enc = new TextEncoder();
const key = (s: string): LockTarget => ({ key: enc.encode(s) });
const prefix = (s: string): LockTarget => ({ prefix: enc.encode(s) });
const range = (from: string, to?: string): LockTarget => (to === undefined ? { from: enc.encode(from) } : { from: enc.encode(from), to: enc.encode(to) });

/** Lets settled promises run their handlers (and nothing that waits on a timer). */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Tracked {
  state: 'pending' | 'granted' | 'rejected';
  error?: unknown;
}
function track(p: Promise<void>, order?: string[], label?: string): Tracked {
  const t: Tracked = { state: 'pending' };
  p.then(
    () => {
      t.state = 'granted';
      if (order && label) order.push(label);
    },
    (e: unknown) => {
      t.state = 'rejected';
      t.error = e;
    },
  );
  return t;
}

let managers: LockManager[] = [];
function manager(opts?: ConstructorParameters<typeof LockManager>[0]): LockManager {
  const m = new LockManager(opts);
  managers.push(m);
  return m;
}
afterEach(() => {
  // Every test must leave a consistent table, and no timers behind.
  for (const m of managers) {
    m.verify();
    for (const l of m.snapshot().locks) m.releaseAll(l.tx);
  }
  managers = [];
});

function locksOf(m: LockManager, tx: number): { mode: LockMode; state: string; from: string; to: string | null }[] {
  return m.snapshot().locks.filter((l) => l.tx === tx).map(({ mode, state, from, to }) => ({ mode, state, from, to }));
}

describe('LockManager compatibility', () => {
  it('shares S with S, and nothing else, on overlapping ranges', async () => {
    const m = manager();
    const a = track(m.acquire(1, range('a', 'm'), 'shared'));
    const b = track(m.acquire(2, prefix('c'), 'shared'));
    const c = track(m.acquire(3, key('cat'), 'exclusive'));
    const d = track(m.acquire(4, range('m'), 'exclusive')); // [m, +inf) does not touch [a, m)
    await flush();
    expect([a.state, b.state, c.state, d.state]).toEqual(['granted', 'granted', 'pending', 'granted']);
    expect(m.snapshot().edges).toEqual([{ waiter: 3, holder: 1, kind: 'held' }, { waiter: 3, holder: 2, kind: 'held' }]);
  });

  it('never makes a transaction conflict with itself', async () => {
    const m = manager();
    await m.acquire(1, key('k'), 'exclusive');
    await m.acquire(1, range('a', 'z'), 'shared');
    await m.acquire(1, prefix(''), 'exclusive');
    expect(m.stats()).toMatchObject({ requests: 3, grants: 3, waits: 0, held: 3 });
  });

  it('grants a target already covered by an equal or stronger lock without a new entry', async () => {
    const m = manager();
    await m.acquire(1, prefix('ab'), 'exclusive');
    await m.acquire(1, key('abc'), 'shared');
    await m.acquire(1, range('ab', 'ac'), 'exclusive');
    expect(locksOf(m, 1)).toEqual([{ mode: 'exclusive', state: 'held', from: '6162', to: '6163' }]);
    await m.acquire(2, key('q'), 'shared');
    await m.acquire(2, key('q'), 'exclusive'); // S does not cover X: a second entry
    expect(locksOf(m, 2).map((l) => l.mode)).toEqual(['shared', 'exclusive']);
  });

  it('rejects malformed requests with InvalidArgumentError', async () => {
    const m = manager();
    await expect(m.acquire(1, range('b', 'a'), 'shared')).rejects.toThrow(InvalidArgumentError);
    await expect(m.acquire(1, key('a'), 'read' as LockMode)).rejects.toThrow(InvalidArgumentError);
    await expect(m.acquire(1.5, key('a'), 'shared')).rejects.toThrow(InvalidArgumentError);
    await expect(m.acquire(1, key('a'), 'shared', { timeoutMs: -1 })).rejects.toThrow(InvalidArgumentError);
    expect(m.stats().requests).toBe(0);
  });
});

describe('LockManager FIFO', () => {
  it('queues readers that arrive after a waiting writer behind it', async () => {
    const m = manager();
    const order: string[] = [];
    await m.acquire(1, key('k'), 'shared');
    const w = track(m.acquire(2, key('k'), 'exclusive'), order, 'w2');
    const r3 = track(m.acquire(3, key('k'), 'shared'), order, 'r3');
    const r4 = track(m.acquire(4, prefix('k'), 'shared'), order, 'r4');
    const other = track(m.acquire(5, key('j'), 'shared'), order, 'r5');
    await flush();
    expect([w.state, r3.state, r4.state, other.state]).toEqual(['pending', 'pending', 'pending', 'granted']);
    expect(m.snapshot().edges).toContainEqual({ waiter: 3, holder: 2, kind: 'queued' });
    m.releaseAll(1);
    await flush();
    expect([w.state, r3.state, r4.state]).toEqual(['granted', 'pending', 'pending']);
    m.releaseAll(2);
    await flush();
    expect([r3.state, r4.state]).toEqual(['granted', 'granted']);
    expect(order).toEqual(['r5', 'w2', 'r3', 'r4']);
  });

  it('releaseAll wakes waiters in arrival order, readers together', async () => {
    const m = manager();
    const order: string[] = [];
    await m.acquire(1, key('k'), 'exclusive');
    const t = [
      track(m.acquire(2, key('k'), 'shared'), order, 's2'),
      track(m.acquire(3, key('k'), 'shared'), order, 's3'),
      track(m.acquire(4, key('k'), 'exclusive'), order, 'x4'),
      track(m.acquire(5, key('k'), 'shared'), order, 's5'),
      track(m.acquire(6, key('k'), 'exclusive'), order, 'x6'),
    ];
    await flush();
    expect(t.map((x) => x.state)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending']);
    m.releaseAll(1);
    await flush();
    expect(order).toEqual(['s2', 's3']);
    m.releaseAll(2);
    await flush();
    expect(order).toEqual(['s2', 's3']);
    m.releaseAll(3);
    await flush();
    expect(order).toEqual(['s2', 's3', 'x4']);
    m.releaseAll(4);
    await flush();
    expect(order).toEqual(['s2', 's3', 'x4', 's5']);
    m.releaseAll(5);
    await flush();
    expect(order).toEqual(['s2', 's3', 'x4', 's5', 'x6']);
  });

  it('cancels the pending requests of a released transaction', async () => {
    const m = manager();
    await m.acquire(1, key('k'), 'exclusive');
    const p = m.acquire(2, key('k'), 'shared');
    m.releaseAll(2);
    await expect(p).rejects.toBeInstanceOf(LockCancelledError);
    expect(m.stats()).toMatchObject({ cancels: 1, waiting: 0 });
  });
});

describe('LockManager timeouts', () => {
  it('rejects with LockTimeoutError and grants nothing', async () => {
    const m = manager();
    await m.acquire(1, range('a', 'c'), 'exclusive');
    const err = await m.acquire(2, key('b'), 'exclusive', { timeoutMs: 30 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockTimeoutError);
    const t = err as LockTimeoutError;
    expect(t).toMatchObject({ tx: 2, mode: 'exclusive', holders: [1], code: 'LOCK_TIMEOUT' });
    expect(typeof t.waitedMs).toBe('number');
    expect(t.message).toMatch(/^tx 2 gave up after \d+ ms waiting for an exclusive lock on key 0x62 held by tx 1;/);
    expect(locksOf(m, 2)).toEqual([]);
    m.releaseAll(1);
    await flush();
    expect(locksOf(m, 2)).toEqual([]);
    expect(m.stats()).toMatchObject({ timeouts: 1, grants: 1 });
  });

  it('uses the default timeout, and timeoutMs 0 fails at once', async () => {
    const m = manager({ defaultTimeoutMs: 20 });
    await m.acquire(1, key('k'), 'shared');
    await expect(m.acquire(2, key('k'), 'exclusive')).rejects.toBeInstanceOf(LockTimeoutError);
    await expect(m.acquire(3, key('k'), 'exclusive', { timeoutMs: 0 })).rejects.toBeInstanceOf(LockTimeoutError);
    expect(m.stats()).toMatchObject({ timeouts: 2, waits: 1, waiting: 0 });
  });

  it('lets the requests queued behind a timed-out one through', async () => {
    const m = manager();
    await m.acquire(1, key('k'), 'shared');
    const w = m.acquire(2, key('k'), 'exclusive', { timeoutMs: 25 });
    const r = track(m.acquire(3, key('k'), 'shared'));
    await flush();
    expect(r.state).toBe('pending');
    await expect(w).rejects.toBeInstanceOf(LockTimeoutError);
    await flush();
    expect(r.state).toBe('granted');
  });
});

describe('LockManager upgrades and deadlocks', () => {
  it('upgrades S to X, waiting only for the other holders', async () => {
    const m = manager();
    await m.acquire(1, key('k'), 'shared');
    await m.acquire(2, key('k'), 'shared');
    const up = track(m.acquire(1, key('k'), 'exclusive'));
    await flush();
    expect(up.state).toBe('pending');
    expect(m.snapshot().edges).toEqual([{ waiter: 1, holder: 2, kind: 'held' }]);
    m.releaseAll(2);
    await flush();
    expect(up.state).toBe('granted');
  });

  it('upgrades ahead of a writer that waits for the upgrader', async () => {
    const m = manager();
    await m.acquire(1, key('k'), 'shared');
    const w = track(m.acquire(2, key('k'), 'exclusive'));
    await m.acquire(1, key('k'), 'exclusive');
    expect(w.state).toBe('pending');
    m.releaseAll(1);
    await flush();
    expect(w.state).toBe('granted');
  });

  it('detects two upgraders and picks the younger as victim, which keeps its locks', async () => {
    const m = manager();
    await m.acquire(1, key('k'), 'shared');
    await m.acquire(2, key('k'), 'shared');
    const up1 = track(m.acquire(1, key('k'), 'exclusive'));
    const err = await m.acquire(2, key('k'), 'exclusive').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlockError);
    expect(err).toMatchObject({ tx: 2, cycle: [2, 1], code: 'DEADLOCK' });
    expect((err as Error).message).toBe('deadlock: tx 2 waiting for an exclusive lock on key 0x6b closes the cycle 2 → 1 → 2; it is the youngest, so abort tx 2 and retry it');
    expect(locksOf(m, 2)).toEqual([{ mode: 'shared', state: 'held', from: '6b', to: '6b00' }]);
    expect(up1.state).toBe('pending');
    expect(m.snapshot().cycles).toMatchObject([{ cycle: [2, 1], victim: 2 }]);
    m.releaseAll(2);
    await flush();
    expect(up1.state).toBe('granted');
  });

  it('rejects the youngest in the cycle even when an older transaction closes it', async () => {
    const m = manager();
    await m.acquire(1, key('a'), 'exclusive');
    await m.acquire(2, key('b'), 'exclusive');
    await m.acquire(3, key('c'), 'exclusive');
    const r1 = track(m.acquire(1, key('b'), 'exclusive'));
    const r3 = track(m.acquire(3, key('a'), 'shared'));
    const r2 = track(m.acquire(2, prefix('c'), 'shared'));
    await flush();
    expect([r1.state, r2.state, r3.state]).toEqual(['pending', 'pending', 'rejected']);
    expect(r3.error).toBeInstanceOf(DeadlockError);
    expect((r3.error as DeadlockError).cycle).toEqual([3, 1, 2]);
    expect(m.stats().deadlocks).toBe(1);
    m.releaseAll(3);
    await flush();
    expect(r2.state).toBe('granted');
  });
});

describe('LockManager observability', () => {
  it('emits every step with hex ranges and the clock it was given', async () => {
    let clock = 1000;
    const m = manager({ now: () => clock });
    const events: LockEvent[] = [];
    const off = m.on((e) => events.push(e));
    await m.acquire(1, key('a'), 'exclusive');
    clock = 1005;
    const p = m.acquire(2, range('a', 'b'), 'shared');
    clock = 1012;
    m.releaseAll(1);
    await p;
    await m.acquire(2, key('a'), 'exclusive', { timeoutMs: 0 }).catch(() => undefined); // granted: no other holder
    off();
    m.releaseAll(2);
    expect(events.map((e) => `${e.type}:${e.tx}`)).toEqual([
      'request:1', 'grant:1', 'request:2', 'wait:2', 'release:1', 'grant:2', 'request:2', 'grant:2',
    ]);
    expect(events[3]).toEqual({ type: 'wait', id: 2, tx: 2, from: '61', to: '62', mode: 'shared', at: 1005, waitingFor: [1] });
    expect(events[5]).toMatchObject({ type: 'grant', waitedMs: 7, at: 1012 });
  });

  it('re-announces a wait when the set of transactions it waits for changes', async () => {
    const m = manager();
    const waits: (readonly number[])[] = [];
    m.on((e) => {
      if (e.type === 'wait') waits.push(e.waitingFor);
    });
    await m.acquire(1, key('k'), 'shared');
    await m.acquire(2, key('k'), 'shared');
    const w = m.acquire(3, key('k'), 'exclusive');
    m.releaseAll(1);
    m.releaseAll(2);
    await w;
    expect(waits).toEqual([[1, 2], [2]]);
  });

  it('reports deadlocks and timeouts as events', async () => {
    const m = manager();
    const events: LockEvent[] = [];
    m.on((e) => events.push(e));
    await m.acquire(1, key('a'), 'shared');
    await m.acquire(2, key('a'), 'shared');
    // The timed-out request's own rejection is the condition to wait for (not a sleep that races
    // its timer): the event is delivered before the promise rejects.
    const timedOut = m.acquire(1, key('a'), 'exclusive', { timeoutMs: 20 }).then(() => null, (e: unknown) => e);
    await m.acquire(2, key('a'), 'exclusive').catch(() => undefined);
    expect(events.find((e) => e.type === 'deadlock')).toMatchObject({ tx: 2, victim: 2, cycle: [2, 1] });
    expect(await timedOut).toBeInstanceOf(LockTimeoutError);
    expect(events.find((e) => e.type === 'timeout')).toMatchObject({ tx: 1, holders: [2] });
  });

  it('delivers events after the operation, so a listener may snapshot or abort the victim', async () => {
    const m = manager();
    const seen: string[] = [];
    m.on((e) => {
      // Each event arrives with the table already consistent.
      m.verify();
      seen.push(`${e.type}:${e.tx}:${m.snapshot().locks.length}`);
      if (e.type === 'deadlock') m.releaseAll(e.victim);
    });
    await m.acquire(1, key('a'), 'exclusive');
    await m.acquire(2, key('b'), 'exclusive');
    const p1 = m.acquire(1, key('b'), 'exclusive');
    await expect(m.acquire(2, key('a'), 'exclusive')).rejects.toBeInstanceOf(DeadlockError);
    await p1;
    expect(seen).toEqual([
      'request:1:1', 'grant:1:1', 'request:2:2', 'grant:2:2', 'request:1:3', 'wait:1:3',
      'request:2:3', 'wait:2:3', 'deadlock:2:3', 'release:2:2', 'grant:1:2',
    ]);
  });

  it('snapshots held and waiting rows in key order with the waits-for graph', async () => {
    const m = manager({ now: () => 42 });
    await m.acquire(7, range('b'), 'shared');
    await m.acquire(3, key('a'), 'exclusive');
    void m.acquire(9, prefix(''), 'exclusive').catch(() => undefined);
    const s = m.snapshot();
    expect(s.locks).toEqual([
      { id: 3, tx: 9, from: '', to: null, mode: 'exclusive', state: 'waiting', since: 42, waitingFor: [3, 7] },
      { id: 2, tx: 3, from: '61', to: '6100', mode: 'exclusive', state: 'held', since: 42 },
      { id: 1, tx: 7, from: '62', to: null, mode: 'shared', state: 'held', since: 42 },
    ]);
    expect(s.edges).toEqual([{ waiter: 9, holder: 3, kind: 'held' }, { waiter: 9, holder: 7, kind: 'held' }]);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});

describe('LockManager at scale', () => {
  it('answers a conflicting request among 50k granted locks', async () => {
    const m = manager();
    const k = (n: number) => ({ key: Uint8Array.of(n >>> 16, (n >>> 8) & 0xff, n & 0xff) });
    const N = 50_000;
    for (let n = 0; n < N; n++) await m.acquire(n + 1, k(n * 2), n % 2 ? 'shared' : 'exclusive');
    expect(m.stats().held).toBe(N);
    // [key 2000, key 2010) covers the locks of n = 1000..1004; only the exclusive ones block a reader.
    const err = await m.acquire(N + 1, { from: k(2000).key, to: k(2010).key }, 'shared', { timeoutMs: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect((err as LockTimeoutError).holders).toEqual([1001, 1003, 1005]);
    await m.acquire(N + 1, k(2001), 'exclusive', { timeoutMs: 0 }); // between two locks
    const w = track(m.acquire(N + 2, k(50_000), 'exclusive'));
    await flush();
    expect(w.state).toBe('pending');
    expect(m.snapshot().edges).toEqual([{ waiter: N + 2, holder: 25_001, kind: 'held' }]);
    m.releaseAll(25_001);
    await flush();
    expect(w.state).toBe('granted');
    expect(m.snapshot().locks).toHaveLength(N + 1);
  });
});
