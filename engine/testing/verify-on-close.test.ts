import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store } from '../index';
import { skipVerifyOnClose } from './test-support';
import { takeCloseFailures } from './verify-on-close';

/** The fixture itself: closing a store in an engine test verifies it, unless the test opted out. */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-verify-on-close-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A store whose head leaf is damaged on disk after it was read. */
function damaged(name: string): Store {
  const file = path.join(dir, name);
  const store = Store.create(file, { durable: false });
  store.put(Buffer.from('k'), Buffer.from('v'));
  const root = store.rootAddress();
  expect(root.kind).toBe('leaf');
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.from([0xee]), 0, 1, root.offset + root.length - 1);
  fs.closeSync(fd);
  return store;
}

describe('verify on close (test fixture)', () => {
  it('reports a store whose file is damaged when the test closes it', () => {
    const store = damaged('a.th');
    store.close();
    const found = takeCloseFailures();
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(path.join(dir, 'a.th'));
    expect(found[0]).toMatch(/checksum/);
  });

  it('skips a store the test marked, and a store already closed', () => {
    const store = damaged('b.th');
    skipVerifyOnClose(store);
    store.close();
    store.close();
    expect(takeCloseFailures()).toEqual([]);
  });
});
