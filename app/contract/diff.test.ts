import { describe, expect, it } from 'vitest';
import { DIFF_PAGE_LIMIT_DEFAULT, DIFF_STRUCTURE_LIMIT_DEFAULT, contract, parseRequest } from './index';

function rejects(method: 'diff.page' | 'diff.summary' | 'diff.density' | 'diff.structure', raw: unknown): string {
  const parsed = parseRequest(method, raw);
  if (parsed.ok) throw new Error(`expected ${method} to reject ${JSON.stringify(raw)}`);
  return parsed.message;
}

describe('diff contract', () => {
  it('joins the contract', () => {
    for (const m of ['diff.page', 'diff.summary', 'diff.density', 'diff.structure'] as const) expect(contract[m]).toBeDefined();
  });

  it('accepts ids and names for versions and fills defaults', () => {
    expect(parseRequest('diff.page', { storeId: 's1', a: 3, b: 'v2' })).toEqual({ ok: true, value: { storeId: 's1', a: 3, b: 'v2', limit: DIFF_PAGE_LIMIT_DEFAULT } });
    expect(parseRequest('diff.page', { storeId: 's1', a: '#3', b: 'main', prefix: { json: ['users'] }, from: { hex: '00' }, to: { text: 'z' }, after: 'ab', limit: 1000 }).ok).toBe(true);
    expect(parseRequest('diff.density', { storeId: 's1', a: 1, b: 2 })).toMatchObject({ ok: true, value: { buckets: 64 } });
    expect(parseRequest('diff.structure', { storeId: 's1', a: 1, b: 2 })).toMatchObject({ ok: true, value: { offset: 0, limit: DIFF_STRUCTURE_LIMIT_DEFAULT } });
    expect(parseRequest('diff.summary', { storeId: 's1', a: 1, b: 2, jobId: 'j' }).ok).toBe(true);
  });

  it('rejects bad requests with one line naming the field', () => {
    expect(rejects('diff.page', { storeId: 's1', a: 1 })).toBe('bad request to diff.page: b is required');
    expect(rejects('diff.page', { storeId: 's1', a: -1, b: 2 })).toContain('a must be a version id or a snapshot or branch name');
    expect(rejects('diff.page', { storeId: 's1', a: '', b: 2 })).toContain('a must be a version id or a snapshot or branch name');
    expect(rejects('diff.page', { storeId: 's1', a: 1, b: 2, limit: 0 })).toContain('limit must be a positive integer');
    expect(rejects('diff.page', { storeId: 's1', a: 1, b: 2, limit: 1001 })).toContain('limit must be at most 1000');
    expect(rejects('diff.page', { storeId: 's1', a: 1, b: 2, after: 'xyz' })).toContain('after must be hex');
    expect(rejects('diff.page', { storeId: 's1', a: 1, b: 2, prefix: 'users' })).toContain('prefix');
    expect(rejects('diff.density', { storeId: 's1', a: 1, b: 2, buckets: 513 })).toContain('buckets must be at most 512');
    expect(rejects('diff.structure', { storeId: 's1', a: 1, b: 2, offset: -1 })).toContain('offset must not be negative');
    expect(rejects('diff.summary', { storeId: 's1', a: 1, b: 2, extra: 1 })).toContain('unknown field(s) extra');
  });
});
