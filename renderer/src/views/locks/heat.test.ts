import { describe, expect, it } from 'vitest';
import { heatCells, hottest, type BucketInput } from './heat';

const b = (index: number, held: number, waiting: number, waitMs: number): BucketInput<string> => ({ index, first: held + waiting ? `k${index}` : null, last: null, held, waiting, waitMs });

describe('heat strip', () => {
  it('shades by waiting time on a square-root scale, load by held locks', () => {
    const cells = heatCells([b(0, 4, 0, 0), b(1, 1, 2, 100), b(2, 0, 0, 0), b(3, 2, 1, 25)]);
    expect(cells.map((c) => c.heat)).toEqual([0, 1, 0, 0.5]);
    expect(cells.map((c) => c.load)).toEqual([1, 0.25, 0, 0.5]);
  });
  it('falls back to waiting counts when no wait has accrued time, and is all cold when idle', () => {
    expect(heatCells([b(0, 0, 1, 0), b(1, 0, 4, 0)]).map((c) => c.heat)).toEqual([0.5, 1]);
    expect(heatCells([b(0, 0, 0, 0)]).map((c) => [c.heat, c.load])).toEqual([[0, 0]]);
    expect(heatCells([])).toEqual([]);
  });
  it('lists the hottest buckets first and skips empty ones', () => {
    const list = hottest([b(0, 9, 0, 0), b(1, 0, 0, 0), b(2, 1, 3, 40), b(3, 1, 5, 40), b(4, 0, 1, 500)], 3);
    expect(list.map((x) => x.index)).toEqual([4, 3, 2]);
    expect(hottest([b(0, 0, 0, 0)], 5)).toEqual([]);
  });
});
