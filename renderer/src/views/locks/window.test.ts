import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MARGIN, MAX_LIMIT, SNAP, windowFor } from './window';

describe('windowFor', () => {
  it('covers the visible rows with a margin, on snapped boundaries, within the contract limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 0, max: 200 }), (first, rows) => {
        const last = first + rows;
        const w = windowFor(first, last);
        expect(w.offset % SNAP).toBe(0);
        expect(w.offset).toBeLessThanOrEqual(Math.max(0, first - MARGIN));
        expect(w.offset + w.limit).toBeGreaterThanOrEqual(last + 1 + MARGIN);
        expect(w.limit).toBeLessThanOrEqual(MAX_LIMIT);
        expect(w.limit).toBeLessThanOrEqual(rows + 2 * MARGIN + 2 * SNAP);
      }),
    );
  });
  it('asks for the same window after a small scroll', () => {
    expect(windowFor(100, 130)).toEqual(windowFor(103, 133));
  });
});
