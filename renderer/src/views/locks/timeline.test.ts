import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { waitLanes, type WaitInput } from './timeline';

describe('waitLanes', () => {
  it('clips waits to the window and runs open waits to now', () => {
    const waits: WaitInput[] = [
      { tx: 1, start: 0, end: 50, outcome: 'granted' },
      { tx: 1, start: 80, end: 120, outcome: 'timeout' },
      { tx: 2, start: 150, end: null, outcome: 'waiting' },
      { tx: 3, start: 10, end: 20, outcome: 'granted' },
    ];
    const r = waitLanes(waits, 200, 150, 10, 0);
    expect(r.windowStart).toBe(50);
    // tx 3's wait ended before the window: not shown. Longest wait first: tx 2 (50 ms), tx 1 (40 ms).
    expect(r.lanes.map((l) => l.tx)).toEqual([2, 1]);
    const one = r.lanes[1];
    expect(one?.totalMs).toBe(40);
    expect(one?.bars).toEqual([{ x0: (80 - 50) / 150, x1: (120 - 50) / 150, outcome: 'timeout', ms: 40 }]);
    expect(r.lanes[0]?.bars[0]).toMatchObject({ x1: 1, outcome: 'waiting', ms: 50 });
  });
  it('keeps the lanes that waited longest, and sums exactly what falls in the window', () => {
    const wait = fc.record({
      tx: fc.integer({ min: 1, max: 15 }),
      start: fc.integer({ min: 0, max: 1000 }),
      len: fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(wait, { maxLength: 60 }), fc.integer({ min: 1, max: 6 }), (raw, maxLanes) => {
        const now = 1000;
        const span = 500;
        const waits: WaitInput[] = raw.map((w) => ({ tx: w.tx, start: w.start, end: w.len === null ? null : Math.min(now, w.start + w.len), outcome: w.len === null ? 'waiting' : 'granted' }));
        const r = waitLanes(waits, now, span, maxLanes);
        const totals = new Map<number, number>();
        for (const w of waits) {
          const a = Math.max(now - span, w.start);
          const b = Math.min(now, w.end ?? now);
          if (b >= a && (w.end ?? now) > now - span) totals.set(w.tx, (totals.get(w.tx) ?? 0) + (b - a));
        }
        expect(r.transactions).toBe(totals.size);
        expect(r.lanes.length).toBe(Math.min(maxLanes, totals.size));
        for (const l of r.lanes) {
          expect(l.totalMs).toBe(totals.get(l.tx));
          for (const b of l.bars) {
            expect(b.x0).toBeGreaterThanOrEqual(0);
            expect(b.x1).toBeLessThanOrEqual(1);
            expect(b.x1).toBeGreaterThanOrEqual(b.x0);
          }
        }
        // The longest waits, longest first (ties by tx), not by transaction id.
        for (let i = 1; i < r.lanes.length; i++) {
          const a = r.lanes[i - 1]!;
          const b = r.lanes[i]!;
          expect(a.totalMs > b.totalMs || (a.totalMs === b.totalMs && a.tx < b.tx)).toBe(true);
        }
        const shown = new Set(r.lanes.map((l) => l.tx));
        const minShown = Math.min(...r.lanes.map((l) => l.totalMs));
        for (const [tx, t] of totals) if (!shown.has(tx)) expect(t).toBeLessThanOrEqual(minShown);
      }),
      { seed: 11 },
    );
  });
});
