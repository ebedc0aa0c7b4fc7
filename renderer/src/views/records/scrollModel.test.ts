import { describe, expect, it } from 'vitest';
import { MAX_SCROLL_PX, contentHeight, firstRowAt, firstRowToShow, isScaled, scrollTopFor, visibleRows, type ScrollGeometry } from './scrollModel';

const g = (total: number): ScrollGeometry => ({ total, rowHeight: 26, viewport: 520 });

describe('the records list scroll model', () => {
  it('below the cap, scrolling is plain: one pixel is one pixel', () => {
    const small = g(10_000);
    expect(isScaled(small)).toBe(false);
    expect(contentHeight(small)).toBe(260_000);
    expect(firstRowAt(2600, small)).toBe(100);
    expect(scrollTopFor(100, small)).toBe(2600);
  });

  it('1,000,000 rows (26 million px) fit the capped scrollbar: the middle of the thumb is the middle row', () => {
    const big = g(1_000_000);
    expect(isScaled(big)).toBe(true);
    expect(contentHeight(big)).toBe(MAX_SCROLL_PX);
    const middle = (MAX_SCROLL_PX - 520) / 2;
    expect(firstRowAt(middle, big)).toBeCloseTo((1_000_000 - 20) / 2, 3);
    // The ends: the top shows row 0, the bottom the last 20 rows (the viewport holds 20).
    expect(firstRowAt(0, big)).toBe(0);
    expect(firstRowAt(MAX_SCROLL_PX, big)).toBe(1_000_000 - 20);
    expect(visibleRows(firstRowAt(MAX_SCROLL_PX, big), big).last).toBe(999_999);
  });

  it('any total (a billion rows) still maps both ways, and the two mappings are inverses', () => {
    for (const total of [1, 19, 20, 21, 576_923, 576_924, 1_000_000, 1e9]) {
      const geo = g(total);
      for (const row of [0, 0.5, 1, total / 3, total / 2, total - 21, total - 20, total]) {
        const clamped = Math.min(Math.max(0, row), Math.max(0, total - 20));
        expect(firstRowAt(scrollTopFor(row, geo), geo)).toBeCloseTo(clamped, 6);
      }
    }
  });

  it('draws only the rows in view, the first one shifted up by its hidden part', () => {
    expect(visibleRows(100.5, g(1_000_000))).toEqual({ first: 100, last: 120, offset: -13 });
    expect(visibleRows(0, g(5))).toEqual({ first: 0, last: 4, offset: -0 });
    expect(visibleRows(0, g(0))).toEqual({ first: 0, last: -1, offset: 0 });
    expect(visibleRows(10, g(1000), 4).last).toBe(34);
  });

  it('keeps a selected row in view with the least movement, or centres it', () => {
    const geo = g(1_000_000);
    expect(firstRowToShow(105, 100, geo)).toBe(100);
    expect(firstRowToShow(130, 100, geo)).toBe(111);
    expect(firstRowToShow(50, 100, geo)).toBe(50);
    expect(firstRowToShow(500_000, 0, geo, 'center')).toBe(499_990.5);
    expect(firstRowToShow(999_999, 0, geo)).toBe(999_980);
    expect(firstRowToShow(0, 500, geo, 'center')).toBe(0);
  });
});
