import { describe, expect, it } from 'vitest';
import { parseRequest } from './index';
import type { Method } from './index';
import { LINEAGE_LIMIT_DEFAULT, LINEAGE_LIMIT_MAX, REFS_PER_CALL_MAX } from './versions';

function message(method: Method, raw: unknown): string {
  const parsed = parseRequest(method, raw);
  if (parsed.ok) throw new Error(`expected ${method} to reject ${JSON.stringify(raw)}`);
  expect(parsed.message).not.toContain('\n');
  return parsed.message;
}

describe('versions contract', () => {
  it('accepts well-formed requests and fills defaults', () => {
    expect(parseRequest('versions.list', { storeId: 's1' })).toEqual({ ok: true, value: { storeId: 's1', limit: LINEAGE_LIMIT_DEFAULT } });
    expect(parseRequest('versions.list', { storeId: 's1', before: 10, limit: 5 })).toMatchObject({ ok: true });
    expect(parseRequest('snapshots.create', { storeId: 's1', name: 'v1', message: 'm', version: 'main' })).toMatchObject({ ok: true });
    expect(parseRequest('branches.list', { storeId: 's1' })).toMatchObject({ ok: true });
    expect(parseRequest('branches.create', { storeId: 's1', name: 'fix/1.x' })).toMatchObject({ ok: true });
    expect(parseRequest('branches.create', { storeId: 's1', name: 'b', from: 'v1' })).toMatchObject({ ok: true, value: { from: 'v1' } });
    expect(parseRequest('refs.resolve', { storeId: 's1', refs: [{ $ref: ['users', 1] }, { $ref: 3, view: ['a'], version: 'v1' }], at: 4 })).toMatchObject({ ok: true });
    for (const method of ['records.page', 'tree.root', 'store.analyze'] as const) {
      expect(parseRequest(method, { storeId: 's1', at: 3 }), method).toMatchObject({ ok: true, value: { at: 3 } });
      expect(parseRequest(method, { storeId: 's1', at: 'v1' }), method).toMatchObject({ ok: true, value: { at: 'v1' } });
    }
    expect(parseRequest('records.value', { storeId: 's1', key: { text: 'k' }, at: 'exp' })).toMatchObject({ ok: true });
    expect(parseRequest('tree.findKey', { storeId: 's1', key: { text: 'k' }, at: 0 })).toMatchObject({ ok: true });
  });

  it('rejects malformed requests with one clear line', () => {
    expect(message('versions.list', {})).toBe('bad request to versions.list: storeId is required');
    expect(message('versions.list', { storeId: 's1', limit: 0 })).toBe('bad request to versions.list: limit must be a positive integer');
    expect(message('versions.list', { storeId: 's1', limit: LINEAGE_LIMIT_MAX + 1 })).toBe(`bad request to versions.list: limit must be at most ${LINEAGE_LIMIT_MAX}`);
    expect(message('versions.list', { storeId: 's1', before: -1 })).toBe('bad request to versions.list: before must not be negative');
    expect(message('versions.list', { storeId: 's1', before: 'v1' })).toContain('before must be');
    expect(message('snapshots.create', { storeId: 's1' })).toBe('bad request to snapshots.create: name is required');
    expect(message('snapshots.create', { storeId: 's1', name: '' })).toBe('bad request to snapshots.create: name must not be empty');
    expect(message('snapshots.create', { storeId: 's1', name: 'x'.repeat(201) })).toBe('bad request to snapshots.create: name must be at most 200 characters');
    expect(message('snapshots.create', { storeId: 's1', name: 'a', message: 5 })).toContain('message must be a string');
    expect(message('snapshots.create', { storeId: 's1', name: 'a', version: 1.5 })).toContain('version must be a version id');
    expect(message('branches.list', { storeId: 's1', extra: 1 })).toBe('bad request to branches.list: request has unknown field(s) extra');
    expect(message('branches.create', { storeId: 's1' })).toBe('bad request to branches.create: name is required');
    expect(message('branches.create', { storeId: 's1', name: 'a b' })).toBe('bad request to branches.create: name must be 1 to 100 characters of letters, digits, _ . - /');
    expect(message('branches.create', { storeId: 's1', name: 'b', from: -1 })).toContain('from must');
    expect(message('refs.resolve', { storeId: 's1' })).toBe('bad request to refs.resolve: refs is required');
    expect(message('refs.resolve', { storeId: 's1', refs: [] })).toBe('bad request to refs.resolve: refs must hold at least one reference');
    expect(message('refs.resolve', { storeId: 's1', refs: new Array(REFS_PER_CALL_MAX + 1).fill({ $ref: 1 }) }))
      .toBe(`bad request to refs.resolve: refs must hold at most ${REFS_PER_CALL_MAX} references`);
    expect(message('refs.resolve', { storeId: 's1', refs: [{ key: 1 }] })).toContain('refs.0');
    expect(message('refs.resolve', { storeId: 's1', refs: [{ $ref: 1, view: 'users' }] })).toContain('refs.0.view must be an array');
    expect(message('records.page', { storeId: 's1', at: -2 })).toContain('at must');
    expect(message('records.page', { storeId: 's1', at: '' })).toContain('at must');
    expect(message('tree.root', { storeId: 's1', at: true })).toContain('at must be a version id');
    expect(message('store.analyze', { storeId: 's1', at: 1.5 })).toContain('at must');
  });
});
