import { describe, expect, it } from 'vitest';
import type { KeyView } from '../../../../app/contract';
import { cycleText, formatAgo, formatDuration, rangeLabel } from './labels';

const k = (json: string | number | (string | number)[], hex = 'ab'): KeyView => ({ hex, json, decoded: true, length: hex.length / 2 });

describe('labels', () => {
  it('formats durations at each scale', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(849.6)).toBe('850 ms');
    expect(formatDuration(2400)).toBe('2.4 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(65_000)).toBe('1 m 05 s');
    expect(formatDuration(7_380_000)).toBe('2 h 03 m');
    expect(formatDuration(-1)).toBe('—');
    expect(formatAgo(1000, 1500)).toBe('just now');
    expect(formatAgo(0, 12_000)).toBe('12 s ago');
  });
  it('reads ranges by their shape', () => {
    expect(rangeLabel(k(['users', 42]), null, 'key')).toBe('("users", 42)');
    expect(rangeLabel(k(['users']), k(['usert']), 'prefix')).toBe('("users") …');
    expect(rangeLabel({ hex: '', json: null, decoded: false, length: 0 }, null, 'prefix')).toBe('everything');
    expect(rangeLabel(k(['a']), k(['b']), 'range')).toBe('[("a"), ("b"))');
    expect(rangeLabel(k(['a']), null, 'range')).toBe('[("a"), +∞)');
  });
  it('writes a cycle back to its start', () => {
    expect(cycleText([9, 4])).toBe('tx\u00a09 → tx\u00a04 → tx\u00a09');
    // Breaks only between transactions: no plain space inside "tx 9".
    expect(cycleText([9, 4]).split(' ').every((part) => part === '→' || /^tx\u00a0\d+$/.test(part))).toBe(true);
    expect(cycleText([])).toBe('');
  });
});
