import { describe, expect, it } from 'vitest';
import type { DiffRow, Json, ValueView } from '../../../../app/contract';
import { fieldDiff, jsonEqual } from './fieldDiff';
import { layoutRow, ROW_SIZES } from './rowLayout';

const view = (json: Json, extra: Partial<ValueView> = {}): ValueView => ({ length: 10, large: false, loaded: true, hex: '00', hexTruncated: false, json, decoded: true, jsonTruncated: false, ...extra });
const key = { hex: '01', json: ['users', 1], decoded: true, length: 1 };

describe('fieldDiff', () => {
  it('compares objects field by field, collapsing equal subtrees to one line', () => {
    const before = { name: 'Ada', address: { city: 'Oslo', country: 'NO' }, tags: ['a'], settings: { theme: 'dark', n: 1 } };
    const after = { name: 'Ada', address: { city: 'Lyon', country: 'NO' }, tags: ['a', 'b'], settings: { theme: 'dark', n: 1 }, plan: 'pro' };
    const d = fieldDiff(before, after);
    expect(d.lines).toEqual([
      { path: 'name', status: 'same', before: 'Ada', after: 'Ada' },
      { path: 'address.city', status: 'changed', before: 'Oslo', after: 'Lyon' },
      { path: 'address.country', status: 'same', before: 'NO', after: 'NO' },
      { path: 'tags[0]', status: 'same', before: 'a', after: 'a' },
      { path: 'tags[1]', status: 'added', after: 'b' },
      { path: 'settings', status: 'same', before: { theme: 'dark', n: 1 }, after: { theme: 'dark', n: 1 } },
      { path: 'plan', status: 'added', after: 'pro' },
    ]);
    expect(d.same).toBe(4);
    expect(d.differing).toBe(3);
  });

  it('lists top-level fields of added and removed records, and treats scalars and type changes whole', () => {
    expect(fieldDiff(undefined, { a: 1, b: { c: 2 } }).lines).toEqual([
      { path: 'a', status: 'added', after: 1 },
      { path: 'b', status: 'added', after: { c: 2 } },
    ]);
    expect(fieldDiff({ a: 1 }, undefined).lines).toEqual([{ path: 'a', status: 'removed', before: 1 }]);
    expect(fieldDiff('x', 'y').lines).toEqual([{ path: '', status: 'changed', before: 'x', after: 'y' }]);
    expect(fieldDiff({ a: 1 }, [1]).lines).toEqual([{ path: '', status: 'changed', before: { a: 1 }, after: [1] }]);
    // Tagged values (references, bytes) compare as one value, not as objects.
    expect(fieldDiff({ r: { $ref: ['users', 1] } }, { r: { $ref: ['users', 2] } }).lines).toEqual([{ path: 'r', status: 'changed', before: { $ref: ['users', 1] }, after: { $ref: ['users', 2] } }]);
    expect(fieldDiff({ 'odd key': 1, $$x: 2 }, { 'odd key': 2, $$x: 2 }).lines.map((l) => l.path)).toEqual(['"odd key"', '$x']);
  });

  it('caps the number of lines', () => {
    const big = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, i]));
    const d = fieldDiff(big, { ...big, f0: -1 }, 10);
    expect(d.lines).toHaveLength(10);
    expect(d.truncated).toBe(true);
  });

  it('jsonEqual ignores key order only', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined as unknown as Json })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
  });
});

describe('layoutRow', () => {
  const row: DiffRow = { key, type: 'changed', before: view({ a: 1, b: 2, c: 3 }), after: view({ a: 1, b: 5, c: 3 }) };

  it('hides unchanged fields and counts them; unified splits a change into - and + lines', () => {
    const split = layoutRow(row, 'split', false);
    expect(split.lines).toEqual([{ kind: 'changed', path: 'b', before: '2', after: '5' }]);
    expect(split.hidden).toBe(2);
    expect(split.height).toBe(ROW_SIZES.header + ROW_SIZES.line + ROW_SIZES.pad);
    const unified = layoutRow(row, 'unified', true);
    expect(unified.lines.map((l) => `${l.kind} ${l.path}`)).toEqual(['same a', 'removed b', 'added b', 'same c']);
    expect(unified.hidden).toBe(0);
    expect(unified.height).toBe(ROW_SIZES.header + 4 * ROW_SIZES.line + ROW_SIZES.pad);
  });

  it('says when a large value was not loaded, and compares undecoded bytes as bytes', () => {
    const large: DiffRow = { key, type: 'changed', before: view(null, { loaded: false, large: true, decoded: false, length: 5000 }), after: view(null, { loaded: false, large: true, decoded: false, length: 6000 }) };
    expect(layoutRow(large, 'split', false).lines).toEqual([{ kind: 'note', path: '', note: 'large value, not loaded here: 5,000 B → 6,000 B' }]);
    const raw: DiffRow = { key, type: 'changed', before: view(null, { decoded: false, hex: 'aa' }), after: view(null, { decoded: false, hex: 'bb' }) };
    expect(layoutRow(raw, 'split', false).lines).toEqual([{ kind: 'changed', path: '', before: '0xaa', after: '0xbb' }]);
  });
});
