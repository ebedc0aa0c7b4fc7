import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capGraph, fitGraph, stronglyConnected } from './graph';

/** Brute force: a and b share a component iff each reaches the other. */
function reaches(edges: readonly { waiter: number; holder: number }[], from: number, to: number): boolean {
  const seen = new Set<number>([from]);
  const todo = [from];
  while (todo.length) {
    const v = todo.pop() as number;
    for (const e of edges) {
      if (e.waiter !== v) continue;
      if (e.holder === to) return true;
      if (!seen.has(e.holder)) {
        seen.add(e.holder);
        todo.push(e.holder);
      }
    }
  }
  return false;
}

const edgeArb = fc.array(fc.record({ waiter: fc.integer({ min: 1, max: 12 }), holder: fc.integer({ min: 1, max: 12 }) }), { maxLength: 30 });

describe('stronglyConnected', () => {
  it('matches a brute-force mutual reachability check on random graphs', () => {
    fc.assert(
      fc.property(edgeArb, (raw) => {
        const edges = raw.filter((e) => e.waiter !== e.holder);
        const comp = stronglyConnected(edges);
        const nodes = [...new Set(edges.flatMap((e) => [e.waiter, e.holder]))];
        for (const a of nodes) {
          const onCycle = reaches(edges, a, a);
          expect(comp.has(a)).toBe(onCycle);
          for (const b of nodes) {
            if (a === b || !comp.has(a) || !comp.has(b)) continue;
            expect(comp.get(a) === comp.get(b)).toBe(reaches(edges, a, b) && reaches(edges, b, a));
          }
        }
      }),
    );
  });
  it('walks a long chain without overflowing the stack', () => {
    const edges = Array.from({ length: 50_000 }, (_, i) => ({ waiter: i, holder: i + 1 }));
    expect(stronglyConnected(edges).size).toBe(0);
    expect(stronglyConnected([...edges, { waiter: 50_000, holder: 0 }]).size).toBe(50_001);
  });
});

describe('capGraph', () => {
  it('marks a deadlock cycle and its victim, with broken edges in cycle order', () => {
    const g = capGraph([{ waiter: 4, holder: 9, kind: 'held' }], [{ cycle: [7, 3, 5], victim: 7 }], 50);
    expect(g.nodes.find((n) => n.tx === 7)?.role).toBe('victim');
    expect(g.nodes.find((n) => n.tx === 3)?.role).toBe('cycle');
    expect(g.nodes.find((n) => n.tx === 4)?.role).toBe('plain');
    const cyc = g.edges.filter((e) => e.cycle).map((e) => e.id).sort();
    expect(cyc).toEqual(['3>5', '5>7', '7>3']);
    expect(g.edges.find((e) => e.id === '7>3')?.kind).toBe('broken');
    expect(g.capped).toBe(false);
  });
  it('marks live cycles too, and keeps a held edge held when a cycle repeats it', () => {
    const g = capGraph(
      [
        { waiter: 1, holder: 2, kind: 'held' },
        { waiter: 2, holder: 1, kind: 'queued' },
        { waiter: 3, holder: 1, kind: 'held' },
      ],
      [{ cycle: [2, 1], victim: 2 }],
      10,
    );
    expect(g.edges.find((e) => e.id === '1>2')).toMatchObject({ kind: 'held', cycle: true });
    expect(g.edges.find((e) => e.id === '2>1')).toMatchObject({ kind: 'queued', cycle: true });
    expect(g.edges.find((e) => e.id === '3>1')?.cycle).toBe(false);
    expect(g.nodes.map((n) => [n.tx, n.role])).toEqual([
      [1, 'cycle'],
      [2, 'victim'],
      [3, 'plain'],
    ]);
  });
  it('caps to the limit, keeping every cycle member and then the most connected', () => {
    fc.assert(
      fc.property(edgeArb, fc.integer({ min: 0, max: 8 }), (raw, limit) => {
        const edges = raw.map((e) => ({ ...e, kind: 'held' as const }));
        const cycles = [{ cycle: [101, 102], victim: 102 }];
        const g = capGraph(edges, cycles, limit);
        const ids = new Set(g.nodes.map((n) => n.tx));
        expect(ids.has(101) && ids.has(102)).toBe(true);
        const live = stronglyConnected(edges.filter((e) => e.waiter !== e.holder));
        for (const tx of live.keys()) expect(ids.has(tx)).toBe(true);
        expect(g.nodes.length).toBeLessThanOrEqual(Math.max(limit, 2 + live.size));
        expect(g.capped).toBe(g.nodes.length < g.totalNodes);
        for (const e of g.edges) expect(ids.has(e.waiter) && ids.has(e.holder)).toBe(true);
        // Nothing left out is better connected than a plain node that was kept.
        const plainKept = g.nodes.filter((n) => n.role === 'plain').map((n) => n.waitsFor + n.blocking);
        if (g.capped && plainKept.length) {
          const minKept = Math.min(...plainKept);
          const full = capGraph(edges, cycles, 1e9);
          for (const n of full.nodes) if (!ids.has(n.tx)) expect(n.waitsFor + n.blocking).toBeLessThanOrEqual(minKept);
        }
      }),
    );
  });
});

describe('fitGraph', () => {
  it('cuts to the limit keeping victims, then cycles, then the most connected', () => {
    const edges = [
      { waiter: 1, holder: 2, kind: 'held' as const },
      { waiter: 2, holder: 1, kind: 'held' as const },
      ...Array.from({ length: 20 }, (_, i) => ({ waiter: 100 + i, holder: 50, kind: 'held' as const })),
      { waiter: 7, holder: 8, kind: 'held' as const },
    ];
    const g = capGraph(edges, [{ cycle: [3, 4], victim: 3 }], 100);
    expect(fitGraph(g, 100)).toBe(g);
    const fit = fitGraph(g, 5);
    const ids = fit.nodes.map((n) => n.tx);
    expect(ids.length).toBe(5);
    expect(ids).toContain(3); // the victim
    for (const tx of [1, 2, 4]) expect(ids).toContain(tx); // the cycles
    expect(ids).toContain(50); // blocks twenty
    expect(fit.capped).toBe(true);
    for (const e of fit.edges) expect(ids.includes(e.waiter) && ids.includes(e.holder)).toBe(true);
  });
});
