import { describe, expect, it } from 'vitest';
import type { DiffRow, Json, ValueView } from '../../../../app/contract';
import { layoutRow } from './rowLayout';
import { isPartial, mergeLoaded, withValues } from './useLoadedValues';

const unread = (length: number): ValueView => ({ length, large: true, loaded: false, hex: '', hexTruncated: true, json: null, decoded: false, jsonTruncated: false });
const full = (json: Json, length: number): ValueView => ({ length, large: true, loaded: true, hex: '00', hexTruncated: true, json, decoded: true, jsonTruncated: false });
const row = (hex: string, before: ValueView | null, after: ValueView | null): DiffRow => ({
  key: { hex, json: ['settings', hex], decoded: true, length: 2 },
  type: before === null ? 'added' : after === null ? 'removed' : 'changed',
  before,
  after,
});

describe('large values in a diff', () => {
  it('a row with unread sides is a note until both are loaded, then a field-by-field comparison', () => {
    const r = row('01', unread(6000), unread(6001));
    expect(layoutRow(r, 'split', false).lines).toEqual([{ kind: 'note', path: '', note: 'large value, not loaded here: 6,000 B → 6,001 B' }]);
    const loaded = withValues(r, full({ theme: 'dark', notes: 'x' }, 6000), full({ theme: 'light', notes: 'x' }, 6001));
    expect(loaded.key).toBe(r.key);
    expect(loaded.type).toBe('changed');
    const lines = layoutRow(loaded, 'split', false);
    expect(lines.lines).toEqual([{ kind: 'changed', path: 'theme', before: '"dark"', after: '"light"' }]);
    expect(lines.hidden).toBe(1);
  });

  it('swaps loaded copies in by key, keeping order and every other row as it was', () => {
    const a = row('01', unread(5000), unread(5000));
    const b = row('02', null, full({ n: 1 }, 3000));
    const c = row('03', unread(7000), null);
    const rows = [a, b, c];
    expect(mergeLoaded(rows, new Map())).toBe(rows);
    const c2 = withValues(c, full({ gone: true }, 7000), null);
    const merged = mergeLoaded(rows, new Map([['03', c2]]));
    expect(merged).toEqual([a, b, c2]);
    expect(merged[0]).toBe(a);
    expect(merged[1]).toBe(b);
  });

  it('reads a side again when it is unread or a cut preview, so both sides compare in full', () => {
    expect(isPartial(unread(6000))).toBe(true);
    expect(isPartial(full({ a: 1 }, 3000))).toBe(false);
    expect(isPartial({ ...full({ a: 'x' }, 3000), jsonTruncated: true })).toBe(true);
    // Raw bytes compare by their hex: a cut hex is partial, a cut hex of a decoded value is not.
    expect(isPartial({ ...full(null, 3000), decoded: false, hexTruncated: true })).toBe(true);
    expect(isPartial({ ...full({ a: 'x' }, 3000), hexTruncated: true })).toBe(false);
  });
});
