import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../engine/index';
import { encodeKey, encodeValue } from '../../engine/records/index';
import type { ServiceEvent } from '../contract';
import { runProcess } from '../cli/testing';
import { createService } from './index';
import type { Service } from './index';
import { callers } from './testing';

/**
 * The inspector service follows a read-only store by polling refresh(). When another process
 * (`thunderhead compact`, a real child) compacts the file, the service must switch to the new
 * file and keep answering: reads of kept versions work, dropped versions and stale node
 * addresses are one-line errors, and edit mode works on the compacted file.
 */

let dir: string;
let service: Service;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'th-svc-compact-'));
  service = createService({ host: 'test', allowedPlaces: { files: [], dirs: [tmpdir()] }, pollIntervalMs: 25, settingsPath: join(dir, 'settings.json') });
});
afterEach(() => {
  service.close();
  rmSync(dir, { recursive: true, force: true });
});
const { ok, fails } = callers(() => service);

/** 30 commits of 50 new users each (versions 2..31). */
function history(path: string): void {
  const store = Store.create(path, { nodeSize: 1024, fanout: 8, bufferSize: 2048, blobThreshold: 256, durable: false });
  for (let v = 0; v < 30; v++) {
    const tx = store.begin();
    for (let i = 0; i < 50; i++) tx.put(encodeKey(['users', v * 50 + i]), encodeValue({ name: `user ${v * 50 + i}`, v }));
    tx.commit({ message: `batch ${v}` });
  }
  store.close();
}

describe('a compaction by another process while the service reads the store', () => {
  it('switches to the compacted file and keeps browsing, diffing and editing', async () => {
    const path = join(dir, 'a.th');
    history(path);
    const { storeId, info } = await ok('store.open', { path, readOnly: true });
    expect(info.versions).toBe(31);
    const before = await ok('records.page', { storeId, limit: 1000 });
    const oldRoot = await ok('tree.root', { storeId });

    const changed = new Promise<ServiceEvent>((resolve) => {
      const off = service.events.on((e) => {
        if (e.type === 'store.changed' || e.type === 'store.closed') {
          off();
          resolve(e);
        }
      });
    });
    const compact = runProcess(['compact', path, '--keep', '2']);
    expect(compact.code, compact.stderr).toBe(0);
    const event = await changed;
    // Not closed: the service adopted the new file, whose catalog holds the 2 kept versions.
    expect(event).toMatchObject({ type: 'store.changed', storeId, version: 31, info: { versions: 2 } });

    // Browsing the head: the same records, from the new file.
    expect(await ok('records.page', { storeId, limit: 1000 })).toEqual(before);
    expect((await ok('records.value', { storeId, key: { json: ['users', 7] } })).value?.json).toEqual({ name: 'user 7', v: 0 });
    expect((await ok('tree.findKey', { storeId, key: { json: ['users', 1499] } })).path.length).toBeGreaterThan(0);
    expect((await ok('versions.list', { storeId, limit: 100 })).versions.map((v) => v.id)).toEqual([31, 30]);
    // Kept versions still diff; dropped ones are a clear error, not a crash or a wrong answer.
    const diff = await ok('diff.summary', { storeId, a: 30, b: 31 });
    expect(diff).toEqual({ added: 50, removed: 0, changed: 0, a: 30, b: 31 });
    expect(await fails('diff.page', { storeId, a: 3, b: 31 })).toMatchObject({ code: 'VERSION_NOT_FOUND' });
    expect(await fails('records.page', { storeId, at: 5 })).toMatchObject({ code: 'VERSION_NOT_FOUND' });
    // An address from before the compaction names no node in the new file.
    const stale = await service.call('tree.node', { storeId, address: oldRoot.address });
    if ('error' in stale) expect(stale.error.message).not.toContain('\n');
    else expect(stale.result.address).toEqual(oldRoot.address);

    // Edit mode on the compacted file: commit, then undo back to the kept head.
    await ok('edit.begin', { storeId });
    await ok('edit.stage', { storeId, change: { op: 'put', key: { json: ['users', 7] }, value: { json: { name: 'renamed' } } } });
    const commit = await ok('edit.commit', { storeId, message: 'after compaction' });
    expect(commit.version).toBe(32);
    expect((await ok('versions.undo', { storeId })).version).toBe(31);
    expect((await ok('records.value', { storeId, key: { json: ['users', 7] } })).value?.json).toEqual({ name: 'user 7', v: 0 });
    // #30 lost its parent to the compaction: it did not create the store, and the error says so.
    expect(await fails('versions.revert', { storeId, version: 30 })).toEqual({
      code: 'INVALID_ARGUMENT', message: '#30 has no parent: compaction dropped the versions before it; there is nothing before it to go back to',
    });
    expect((await fails('versions.revert', { storeId, version: 99 })).code).toBe('VERSION_NOT_FOUND');
  }, 60_000);
});
