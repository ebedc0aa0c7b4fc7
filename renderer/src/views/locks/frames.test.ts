import { describe, expect, it } from 'vitest';
import type { KeyView, LockEventBatch, LockEventData, LockSnapshotData, LockStatsData } from '../../../../app/contract';
import { BatchAccumulator, buildFrame, currentWaits, timelineSpan, TIMELINE_MIN_SPAN_MS, TIMELINE_SPAN_MS, CYCLE_RECENT_MS, CYCLES_DRAWN, FRAME_EVENTS, graphWith, trimEvents, ZERO_COUNTS } from './frames';

const key = (s: string): KeyView => ({ hex: Buffer.from(s).toString('hex'), json: s, decoded: true, length: s.length });
const stats: LockStatsData = { requests: 0, grants: 0, waits: 0, timeouts: 0, deadlocks: 0, cancels: 0, held: 0, waiting: 0 };
const ev = (kind: LockEventData['kind'], at: number): LockEventData => ({ kind, lockId: at, tx: 1, from: key('a'), to: null, mode: 'shared', at });
const batch = (seq: number, start: number, counts: Partial<Record<LockEventData['kind'], number>>, sample: LockEventData[] = []): LockEventBatch => {
  const c = { ...ZERO_COUNTS, ...counts };
  return { seq, start, end: start + 100, counts: c, total: Object.values(c).reduce((a, b) => a + b, 0), sample, deadlocks: [], stats };
};

describe('BatchAccumulator', () => {
  it('sums exact counts, measures the rate and notices dropped batches', () => {
    const acc = new BatchAccumulator();
    acc.add(batch(1, 0, { grant: 300, release: 100 }));
    acc.add(batch(2, 100, { wait: 50, deadlock: 2 }));
    acc.add(batch(5, 400, { grant: 48 }));
    const t = acc.take();
    expect(t.counts).toMatchObject({ grant: 348, release: 100, wait: 50, deadlock: 2, timeout: 0 });
    expect(t.rate).toBeCloseTo(500 / 0.5);
    expect(t.dropped).toBe(2);
    const again = acc.take();
    expect(again.counts).toEqual(ZERO_COUNTS);
    expect(again.rate).toBe(0);
  });
  it('keeps deadlocks and timeouts in the sample over routine events', () => {
    const acc = new BatchAccumulator();
    for (let i = 0; i < 20; i++) {
      const sample = Array.from({ length: 200 }, (_, j) => ev('grant', i * 1000 + j));
      if (i === 3) sample.push(ev('deadlock', 3500));
      if (i === 7) sample.push(ev('timeout', 7500));
      acc.add(batch(i + 1, i * 100, { grant: 200 }, sample));
    }
    const t = acc.take();
    expect(t.events.length).toBe(FRAME_EVENTS);
    expect(t.events.filter((e) => e.kind === 'deadlock').length).toBe(1);
    expect(t.events.filter((e) => e.kind === 'timeout').length).toBe(1);
    // Newest first.
    expect(t.events[0]?.at).toBe(19_000 + 199);
  });
  it('trims to n keeping time order', () => {
    const list = [ev('grant', 1), ev('deadlock', 2), ev('grant', 3), ev('grant', 4)];
    expect(trimEvents(list, 2).map((e) => e.at)).toEqual([2, 4]);
    expect(trimEvents(list, 10)).toEqual(list);
  });
});

describe('buildFrame', () => {
  const snap = (at: number): LockSnapshotData => ({
    at,
    stats,
    totals: { locks: 3, held: 2, waiting: 1, groups: 2, transactions: 3, waitingTransactions: 1 },
    groups: { offset: 0, limit: 10, total: 0, rows: [] },
    graph: { nodes: [], edges: [{ waiter: 3, holder: 1, kind: 'held' }], truncated: false },
    deadlocks: [
      { cycle: [9, 8], victim: 9, at: at - CYCLE_RECENT_MS - 1 },
      { cycle: [7, 6], victim: 7, at: at - 10 },
    ],
    timeline: [{ tx: 3, lockId: 5, from: key('a'), to: null, mode: 'exclusive', start: at - 500, end: null, outcome: 'waiting' }],
    contention: [{ index: 0, first: key('a'), last: key('a'), held: 2, waiting: 1, waitMs: 500 }],
  });
  it('marks only recent deadlocks on the graph, lists deadlocks newest first', () => {
    const f = buildFrame(snap(100_000), new BatchAccumulator().take());
    expect(f.marked.map((d) => d.victim)).toEqual([7]);
    expect(f.graph.nodes.map((n) => [n.tx, n.role])).toEqual([
      [1, 'plain'],
      [3, 'plain'],
      [6, 'cycle'],
      [7, 'victim'],
    ]);
    expect(f.deadlocks.map((d) => d.victim)).toEqual([7, 9]);
    expect(f.lanes.lanes.map((l) => l.tx)).toEqual([3]);
    expect(f.heat[0]?.heat).toBe(1);
    expect(f.hottest.length).toBe(1);
  });
  it('draws at most the newest few recent deadlocks', () => {
    const s = snap(100_000);
    const many = Array.from({ length: 50 }, (_, i) => ({ cycle: [1000 + 2 * i, 1001 + 2 * i], victim: 1001 + 2 * i, at: 99_000 + i }));
    const f = buildFrame({ ...s, deadlocks: many }, new BatchAccumulator().take());
    expect(f.marked.map((d) => d.victim)).toEqual(many.slice(-CYCLES_DRAWN).map((d) => d.victim));
    expect(f.graph.nodes.filter((n) => n.role === 'victim').length).toBe(CYCLES_DRAWN);
  });
  it('draws an older deadlock picked from the list', () => {
    const f = buildFrame(snap(100_000), new BatchAccumulator().take());
    const older = f.deadlocks[1] ?? null;
    expect(graphWith(f, null)).toBe(f.graph);
    const g = graphWith(f, older);
    expect(g.nodes.find((n) => n.tx === 9)?.role).toBe('victim');
    expect(g.nodes.find((n) => n.tx === 7)?.role).toBe('victim');
    expect(g.edges.filter((e) => e.cycle).length).toBe(4);
  });
  it('drops open waits that the graph of the same snapshot contradicts, unless the graph was cut', () => {
    const s = snap(100_000);
    const phantom = { tx: 42, lockId: 9, from: key('b'), to: null, mode: 'shared' as const, start: 1000, end: null, outcome: 'waiting' as const };
    const ended = { ...phantom, tx: 43, end: 2000, outcome: 'granted' as const };
    const withPhantom = { ...s, timeline: [...s.timeline, phantom, ended] };
    expect(currentWaits(withPhantom).map((w) => w.tx)).toEqual([3, 43]);
    expect(buildFrame(withPhantom, new BatchAccumulator().take()).lanes.lanes.map((l) => l.tx).sort()).toEqual([3, 43]);
    const cut = { ...withPhantom, graph: { ...withPhantom.graph, truncated: true } };
    expect(currentWaits(cut).map((w) => w.tx)).toEqual([3, 42, 43]);
  });
  it('widens the timeline in steps as far back as waits were recorded, up to the widest', () => {
    expect(timelineSpan([], 50_000)).toBe(TIMELINE_MIN_SPAN_MS);
    expect(timelineSpan([{ start: 49_000 }], 50_000)).toBe(TIMELINE_MIN_SPAN_MS);
    expect(timelineSpan([{ start: 35_000 }, { start: 45_000 }], 50_000)).toBe(2 * TIMELINE_MIN_SPAN_MS);
    expect(timelineSpan([{ start: 0 }], 1_000_000)).toBe(TIMELINE_SPAN_MS);
  });
});
