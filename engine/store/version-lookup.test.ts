import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClosedError, Store, VersionNotFoundError } from '../index';
import { thrown } from '../testing/test-support';

/**
 * The store's public version lookups that layers above the core (watch/) are built on:
 * `version(ref)`, `lastVersionId()`, and `reportListenerError`.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-version-lookup-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const b = (s: string): Buffer => Buffer.from(s);

describe('version lookups', () => {
  it('version(ref) gives one version by id, #id, snapshot or branch name; lastVersionId() counts deleted branches', () => {
    const s = Store.create(path.join(dir, 'v.th'), { durable: false });
    try {
      expect(s.lastVersionId()).toBe(1);
      s.put(b('a'), b('1'), { message: 'first', snapshot: 'one' });
      s.branch('dev');
      const tx = s.begin({ branch: 'dev' });
      tx.put(b('d'), b('x'));
      expect(tx.commit().version).toBe(3);
      s.deleteBranch('dev');
      // Version 3 stays in the catalog after its branch is gone; the newest id is still 3.
      expect(s.lastVersionId()).toBe(3);
      expect(s.head().id).toBe(2);
      const v2 = s.version(2);
      expect([v2.id, v2.parents, v2.branch, v2.message, v2.stats.puts]).toEqual([2, [1], 'main', 'first', 1]);
      expect(s.version('#2')).toEqual(v2);
      expect(s.version('one')).toEqual(v2);
      expect(s.version('main')).toEqual(v2);
      expect(s.version(3)).toMatchObject({ id: 3, parents: [2], branch: 'dev' });
      // A copy: changing it does not change the catalog.
      (v2.parents as number[]).push(99);
      expect(s.version(2).parents).toEqual([1]);
      expect(thrown(() => s.version(4))).toBeInstanceOf(VersionNotFoundError);
      expect(thrown(() => s.version('nope'))).toBeInstanceOf(VersionNotFoundError);
    } finally {
      s.close();
    }
    expect(thrown(() => s.lastVersionId())).toBeInstanceOf(ClosedError);
    expect(thrown(() => s.version(1))).toBeInstanceOf(ClosedError);
  });

  it('reportListenerError goes to listenerError subscribers, naming its source', () => {
    const s = Store.create(path.join(dir, 'e.th'), { durable: false });
    try {
      const got: { event: string; error: unknown }[] = [];
      s.on('listenerError', (e) => got.push(e));
      const error = new Error('outside callback');
      s.reportListenerError('watch', error);
      expect(got).toEqual([{ event: 'watch', error }]);
    } finally {
      s.close();
    }
  });
});
