import { describe, expect, it } from 'vitest';
import { knownTotal, listLength, rowNumber, slotAt, totalText, type ListShape } from './window';

const shape = (s: Partial<ListShape>): ListShape => ({ head: 0, headDone: false, counted: null, tail: 0, every: 200, ...s });

describe('the records list shape', () => {
  it('while the total is unknown: head, one gap row, then the tail, numbered from the end', () => {
    const s = shape({ head: 1400, tail: 200 });
    expect(knownTotal(s)).toBeNull();
    expect(listLength(s)).toBe(1601);
    expect(slotAt(s, 0)).toEqual({ kind: 'head', index: 0 });
    expect(slotAt(s, 1399)).toEqual({ kind: 'head', index: 1399 });
    expect(slotAt(s, 1400)).toEqual({ kind: 'gap' });
    expect(slotAt(s, 1401)).toEqual({ kind: 'tail', index: 0, fromEnd: 200 });
    expect(slotAt(s, 1600)).toEqual({ kind: 'tail', index: 199, fromEnd: 1 });
    expect(rowNumber(s, 1600)).toMatchObject({ text: '−1', title: expect.stringMatching(/^The last record from the end/) as unknown });
    expect(rowNumber(s, 1599).title).toMatch(/^The 2nd record/);
    expect(rowNumber(s, 5)).toEqual({ text: '6' });
  });

  it('once counted: every position, beyond the head in blocks of `every`', () => {
    const s = shape({ head: 400, counted: 1_000_000, tail: 200 });
    expect(listLength(s)).toBe(1_000_000);
    expect(slotAt(s, 399)).toEqual({ kind: 'head', index: 399 });
    expect(slotAt(s, 500_123)).toEqual({ kind: 'block', block: 2500, offset: 123 });
    expect(slotAt(s, 999_999)).toEqual({ kind: 'block', block: 4999, offset: 199 });
    expect(rowNumber(s, 999_999)).toEqual({ text: '1,000,000' });
  });

  it('a range read to its end forward is counted by that', () => {
    const s = shape({ head: 37, headDone: true });
    expect(knownTotal(s)).toBe(37);
    expect(listLength(s)).toBe(37);
  });

  it('says what it knows about the total', () => {
    expect(totalText(shape({ head: 20, headDone: true }), null)).toBe('20 records');
    expect(totalText(shape({ head: 1, headDone: true }), null)).toBe('1 record');
    expect(totalText(shape({ head: 400, counted: 20_000 }), null)).toBe('20,000 records');
    expect(totalText(shape({ head: 1400 }), null)).toBe('1,400 records loaded · total unknown');
    expect(totalText(shape({ head: 1400, tail: 200 }), { done: 340_000 })).toBe('1,600 records loaded · total unknown (counting… 340,000)');
  });

  it('after a jump to a key, rows are numbered by their real position in the range', () => {
    const s = shape({ head: 200, counted: 234_568 });
    // The key is the 765,433rd record of the range: 765,432 come before it.
    expect(rowNumber(s, 0, 765_432)).toEqual({ text: '765,433' });
    expect(rowNumber(s, 234_567, 765_432)).toEqual({ text: '1,000,000' });
  });

  it('under a query, a running count is a lower bound: "≥ N so far"', () => {
    expect(totalText(shape({ head: 200 }), { done: 1_234 }, true)).toBe('≥ 1,234 matching records so far (counting…)');
    // The rows already read are matches too, when the count has not passed them yet.
    expect(totalText(shape({ head: 200 }), { done: 10 }, true)).toBe('≥ 200 matching records so far (counting…)');
    expect(totalText(shape({ head: 200, counted: 325 }), null, true)).toBe('325 matching records');
    expect(totalText(shape({ head: 1, headDone: true }), null, true)).toBe('1 matching record');
  });
});
