import { describe, expect, it } from 'vitest';
import type { KeySpacePrefix, KeySpaceResult, KeyView } from '../../../../app/contract';
import { keySpaceCells, levelOf, measureOf } from './keyspaceLayout';

const key = (json: KeyView['json'], hex: string): KeyView => ({ hex, json, decoded: true, length: hex.length / 2 });
const prefix = (label: string, hex: string, records: number, bytes: number, children?: KeySpacePrefix[], omitted = 0): KeySpacePrefix => ({
  label,
  prefix: key(label, hex),
  records,
  keyBytes: records * 10,
  valueBytes: bytes - records * 10,
  largeValueBytes: 0,
  omitted,
  ...(children ? { children } : {}),
});

const result: KeySpaceResult = {
  version: 3,
  totals: { records: 1100, keyBytes: 11_000, valueBytes: 189_000, largeValueBytes: 0 },
  prefixes: [
    prefix('orders', '01', 600, 150_000, [prefix('7', '0107', 400, 100_000), prefix('8', '0108', 100, 30_000)], 5),
    prefix('users', '02', 400, 40_000),
  ],
  omitted: 1,
  other: { records: 0, keyBytes: 0, valueBytes: 0, largeValueBytes: 0 },
  largest: [],
};

const area = (c: { width: number; height: number }) => c.width * c.height;

describe('the key-space treemap data', () => {
  it('sizes the level-1 prefixes by bytes, with the left-out rest as one grey cell, areas in proportion', () => {
    const cells = keySpaceCells(result, null, 'bytes', 600, 400);
    expect(cells.map((c) => [c.label, c.value, c.tone])).toEqual([
      ['orders', 150_000, 0],
      ['users', 40_000, 1],
      ['1 more prefix', 10_000, -1],
    ]);
    expect(cells.map((c) => c.share)).toEqual([0.75, 0.2, 0.05]);
    // Areas follow the values (padding and rounding aside) and stay inside the chart.
    expect(area(cells[0]!) / area(cells[1]!)).toBeGreaterThan(3);
    expect(area(cells[0]!) / area(cells[1]!)).toBeLessThan(4.6);
    for (const c of cells) {
      expect(c.x).toBeGreaterThanOrEqual(0);
      expect(c.y).toBeGreaterThanOrEqual(0);
      expect(c.x + c.width).toBeLessThanOrEqual(600);
      expect(c.y + c.height).toBeLessThanOrEqual(400);
    }
    // Only a prefix with a second level drills down; the rest opens nothing.
    expect(cells.map((c) => c.drillable)).toEqual([true, false, false]);
    expect(cells[2]!.prefix).toBeNull();
    expect(cells[0]!.title).toBe('orders\n600 records\n5.86 KiB of keys\n141 KiB of values\n75.0% of the bytes here');
  });

  it('by records, the same prefixes weigh differently', () => {
    const cells = keySpaceCells(result, null, 'records', 600, 400);
    expect(cells.map((c) => [c.label, c.value])).toEqual([
      ['orders', 600],
      ['users', 400],
      ['1 more prefix', 100],
    ]);
  });

  it('drilled into a prefix: its level-2 prefixes, the omitted ones as the rest; they open Records, not another level', () => {
    const level = levelOf(result, 'orders');
    expect(level.parent?.label).toBe('orders');
    expect(measureOf(level.total, 'bytes')).toBe(150_000);
    const cells = keySpaceCells(result, 'orders', 'bytes', 300, 200);
    expect(cells.map((c) => [c.label, c.value, c.drillable])).toEqual([
      ['7', 100_000, false],
      ['8', 30_000, false],
      ['5 more prefixes', 20_000, false],
    ]);
    expect(cells[0]!.prefix?.hex).toBe('0107');
    expect(cells[0]!.title.split('\n')[0]).toBe('orders › 7');
  });

  it('keeps labels only where they fit', () => {
    const tiny = keySpaceCells(result, null, 'bytes', 120, 40);
    const users = tiny.find((c) => c.label === 'users')!;
    expect(users.showValue).toBe(false);
    const roomy = keySpaceCells(result, null, 'bytes', 1200, 600);
    expect(roomy.every((c) => c.showLabel)).toBe(true);
    expect(roomy[0]!.showValue).toBe(true);
  });

  it('draws nothing for an empty store or no room', () => {
    const empty: KeySpaceResult = { ...result, totals: { records: 0, keyBytes: 0, valueBytes: 0, largeValueBytes: 0 }, prefixes: [], omitted: 0 };
    expect(keySpaceCells(empty, null, 'bytes', 600, 400)).toEqual([]);
    expect(keySpaceCells(result, null, 'bytes', 0, 400)).toEqual([]);
  });
});
