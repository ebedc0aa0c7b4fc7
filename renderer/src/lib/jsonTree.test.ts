import { describe, expect, it } from 'vitest';
import { containerPaths, flattenJson, kindOf, previewLine, summarize } from './jsonTree';

const value = { name: 'Ada', tags: ['a', 'b'], address: { city: 'Paris', geo: { lat: 1 } }, user: { $ref: ['users', 7] }, $$dollar: 1 };

describe('flattenJson', () => {
  it('opens containers down to the default depth', () => {
    const lines = flattenJson(value, new Set(), new Set(), 1);
    expect(lines.map((l) => [l.depth, l.label, l.kind, l.expanded])).toEqual([
      [0, null, 'object', true],
      [1, 'name', 'string', false],
      [1, 'tags', 'array', false],
      [1, 'address', 'object', false],
      [1, 'user', 'ref', false],
      [1, '$dollar', 'number', false],
      [0, null, 'object', false],
    ]);
    expect(lines[lines.length - 1]?.closing).toBe(true);
  });
  it('honours expanded and collapsed paths', () => {
    const open = flattenJson(value, new Set(['address', 'address/geo']), new Set(), 1);
    expect(open.find((l) => l.path === 'address/geo/lat')?.value).toBe(1);
    const shut = flattenJson(value, new Set(), new Set(['']), 1);
    expect(shut).toHaveLength(1);
    expect(shut[0]?.expanded).toBe(false);
  });
  it('lists container paths for expand-all', () => {
    expect(containerPaths(value)).toEqual(['', 'tags', 'address', 'address/geo']);
  });
});

describe('summaries', () => {
  it('summarizes containers and scalars', () => {
    expect(kindOf({ $bytes: 'ff' })).toBe('bytes');
    expect(kindOf({ $date: '2024-01-01' })).toBe('tagged');
    expect(summarize([1, 2, 3])).toBe('[3 items]');
    expect(summarize({ a: 1 })).toBe('{1 keys}');
    expect(summarize({ $ref: ['users', 7] })).toBe('→ ("users", 7)');
    expect(summarize('x'.repeat(200), 10)).toHaveLength(10);
  });
  it('previews a record on one line', () => {
    expect(previewLine(value)).toBe('{name: "Ada", tags: [2 items], address: {2 keys}, user: → ("users", 7), $dollar: 1}');
    expect(previewLine('x'.repeat(500), 20)).toHaveLength(20);
  });
});
