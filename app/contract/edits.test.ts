import { describe, expect, it } from 'vitest';
import { parseRequest } from './index';

function message(method: Parameters<typeof parseRequest>[0], raw: unknown): string {
  const parsed = parseRequest(method, raw);
  if (parsed.ok) throw new Error(`expected ${method} to reject ${JSON.stringify(raw)}`);
  return parsed.message;
}

describe('edit contract', () => {
  it('accepts each kind of staged change', () => {
    for (const change of [
      { op: 'put', key: { json: ['users', 1] }, value: { json: { name: 'x' } } },
      { op: 'put', key: { hex: '00ff' }, value: { hex: 'c0' } },
      { op: 'delete', key: { text: 'a' } },
      { op: 'deleteKeys', keys: [{ json: 1 }, { json: 2 }] },
      { op: 'deleteRange', range: { prefix: { json: ['users'] } } },
      { op: 'rename', from: { json: 1 }, to: { json: 2 } },
    ]) {
      expect(parseRequest('edit.stage', { storeId: 's1', change }).ok).toBe(true);
    }
  });

  it('says in one line what is wrong', () => {
    expect(message('edit.stage', { storeId: 's1', change: { op: 'drop' } })).toMatch(/^bad request to edit\.stage: /);
    expect(message('edit.stage', { storeId: 's1', change: { op: 'put', key: { json: 1 }, value: { hex: 'abc' } } })).toMatch(/value/);
    expect(message('edit.stage', { storeId: 's1', change: { op: 'deleteKeys', keys: [] } })).toMatch(/at least one key/);
    expect(message('edit.commit', { storeId: 's1', message: 'm', branch: 'a', newBranch: 'b' })).toMatch(/not both/);
    expect(message('edit.commit', { storeId: 's1', message: 'm', newBranch: 'has space' })).toMatch(/newBranch must be 1 to 100 characters/);
    expect(message('versions.revert', { storeId: 's1', version: 0 })).toMatch(/version must be a version id/);
    expect(message('edit.list', { storeId: 's1', limit: 5000 })).toMatch(/limit must be at most 1000/);
    expect(message('edit.import', { storeId: 's1', path: 'x', format: 'xml' })).toMatch(/format must be 'jsonl' or 'csv'/);
    for (const line of [message('edit.unstage', { storeId: 's1', id: -1 }), message('edit.stageValueFromFile', { storeId: 's1' })]) expect(line).not.toContain('\n');
  });
});
