import { describe, expect, it } from 'vitest';
import type { MergeConflictData, ValueView } from '../../../../app/contract';
import { canCommit, editStart, parseEdited, pathText, resolutionInputs, resolvedCount, stepConflict, type Resolution } from './conflicts';

function view(json: ValueView['json']): ValueView {
  return { length: 1, large: false, loaded: true, hex: '00', hexTruncated: false, json, decoded: true, jsonTruncated: false };
}

function conflict(id: string, path: (string | number)[] = ['name'], sides: { base?: ValueView['json']; ours?: ValueView['json']; theirs?: ValueView['json'] } = {}): MergeConflictData {
  return {
    id,
    key: { hex: id, json: id, decoded: true, length: 1 },
    path,
    kind: 'both-modified',
    base: 'base' in sides ? view(sides.base!) : null,
    ours: 'ours' in sides ? view(sides.ours!) : null,
    theirs: 'theirs' in sides ? view(sides.theirs!) : null,
  };
}

const ids = ['a', 'b', 'c', 'd'];
const resolved = (...done: string[]) => new Map<string, Resolution>(done.map((id) => [id, { take: 'ours' }]));

describe('stepConflict (n / p)', () => {
  it('starts at the first with n and at the last with p', () => {
    expect(stepConflict(ids, null, 1, resolved())).toBe('a');
    expect(stepConflict(ids, null, -1, resolved())).toBe('d');
  });

  it('moves to the next unresolved conflict, skipping resolved ones, and wraps around', () => {
    expect(stepConflict(ids, 'a', 1, resolved('b'))).toBe('c');
    expect(stepConflict(ids, 'd', 1, resolved('a'))).toBe('b');
    expect(stepConflict(ids, 'c', -1, resolved('b'))).toBe('a');
    expect(stepConflict(ids, 'a', -1, resolved())).toBe('d');
    // The only one left is the current one: stay on it.
    expect(stepConflict(ids, 'c', 1, resolved('a', 'b', 'd'))).toBe('c');
    expect(stepConflict(ids, null, 1, resolved('a', 'b'))).toBe('c');
  });

  it('walks the list, clamped, once everything is resolved (to review it)', () => {
    const all = resolved(...ids);
    expect(stepConflict(ids, 'b', 1, all)).toBe('c');
    expect(stepConflict(ids, 'd', 1, all)).toBe('d');
    expect(stepConflict(ids, 'a', -1, all)).toBe('a');
    expect(stepConflict(ids, null, -1, all)).toBe('d');
  });

  it('has nowhere to go without conflicts, and treats an unknown current as none', () => {
    expect(stepConflict([], null, 1, resolved())).toBeNull();
    expect(stepConflict(ids, 'gone', 1, resolved())).toBe('a');
  });
});

describe('committing', () => {
  const cs = [conflict('k1'), conflict('k2', ['address', 'city']), conflict('k3', [])];

  it('is allowed only when every conflict is listed and resolved', () => {
    const r = new Map<string, Resolution>([['k1', { take: 'ours' }], ['k2', { take: 'theirs' }]]);
    expect(resolvedCount(cs, r)).toBe(2);
    expect(canCommit(cs, 3, r)).toBe(false);
    r.set('k3', { delete: true });
    expect(canCommit(cs, 3, r)).toBe(true);
    // More conflicts than the preview listed: not from here.
    expect(canCommit(cs, 4, r)).toBe(false);
  });

  it('sends each resolution with its key and path; an edited value as its exact tree', () => {
    const edited = parseEdited('{"n": 12345678901234567890, "z": -0, "f": 1.5}');
    expect(edited.ok).toBe(true);
    const r = new Map<string, Resolution>([['k1', { take: 'ours' }], ['k2', edited.ok ? edited.value : { take: 'ours' }], ['k3', { delete: true }]]);
    expect(resolutionInputs(cs, r)).toEqual([
      { key: 'k1', path: ['name'], take: 'ours' },
      { key: 'k2', path: ['address', 'city'], value: { json: { n: { $bigint: '12345678901234567890' }, z: { $number: '-0' }, f: 1.5 } } },
      { key: 'k3', path: [], delete: true },
    ]);
  });
});

describe('editing a value', () => {
  it('starts from theirs (then ours, then base), written exactly', () => {
    expect(editStart(conflict('k', ['n'], { ours: 1, theirs: { $bigint: '9007199254740993' } }), undefined)).toBe('9007199254740993');
    expect(editStart(conflict('k', ['n'], { base: 'x', ours: 'y' }), undefined)).toBe('"y"');
    expect(editStart(conflict('k', ['n'], { ours: 1 }), { edited: 2, text: ' 2 ' })).toBe(' 2 ');
  });

  it('refuses text that is not a value, or a number a float cannot keep, in one line', () => {
    const bad = parseEdited('{"a": ');
    expect(bad.ok).toBe(false);
    const lossy = parseEdited('3.14159265358979323846');
    expect(lossy.ok).toBe(false);
    if (!lossy.ok) expect(lossy.error).toMatch(/more digits than a 64-bit float keeps/);
    expect(parseEdited('  ').ok).toBe(false);
  });

  it('names paths as people read them', () => {
    expect(pathText(['address', 'city'])).toBe('address.city');
    expect(pathText(['tags', 1, 'name'])).toBe('tags[1].name');
    expect(pathText([])).toBe('');
  });
});
