import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store, encodeKey } from '../index';

describe('subtree views', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-view-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads, writes, scans, snapshots and diffs with keys relative to the prefix', () => {
    const s = Store.create(path.join(dir, 'v.th'), { durable: false });
    s.write((tx) => {
      for (let i = 0; i < 500; i++) tx.put(encodeKey(['users', i]), Buffer.from(`u${i}`));
      for (let i = 0; i < 500; i++) tx.put(encodeKey(['orders', i]), Buffer.from(`o${i}`));
    });
    const users = s.view(encodeKey(['users']));
    const rel = (i: number): Buffer => encodeKey([i]);
    expect(users.get(rel(7))?.toString()).toBe('u7');
    expect(users.get(encodeKey(['orders', 7]))).toBeUndefined();
    expect(users.count()).toBe(500);
    expect([...users.scan({ limit: 2 })].map((e) => e.key)).toEqual([rel(0), rel(1)]);
    expect([...users.scan({ from: rel(10), to: rel(13) })].map((e) => e.value.toString())).toEqual(['u10', 'u11', 'u12']);
    users.snapshot('before');
    users.put(rel(7), Buffer.from('changed'));
    users.delete(rel(8));
    expect(s.get(encodeKey(['users', 7]))?.toString()).toBe('changed');
    expect(s.view(encodeKey(['users']), 'before').get(rel(7))?.toString()).toBe('u7');
    const changes = [...users.diff('before', 'main')];
    expect(changes.map((c) => [c.type, c.key])).toEqual([['changed', rel(7)], ['removed', rel(8)]]);
    users.clear();
    expect(users.count()).toBe(0);
    expect(s.count()).toBe(500);
    expect(s.verify().ok).toBe(true);
    expect(() => s.view(encodeKey(['users']), 'before').put(rel(1), Buffer.from('x'))).toThrow(/read-only/);
    s.close();
  });
});
