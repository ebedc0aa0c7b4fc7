/**
 * "Save as snapshot" in the inspector's commit (issue 16): `edit.commit` with `snapshot` names the
 * new version in the same commit; a taken name writes nothing; the lineage lists automatic
 * (policy) snapshots apart, with the policy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../engine/index';
import { encodeKey, encodeValue } from '../../engine/records/index';
import type { KeyInput, ValueInput } from '../contract';
import { createService, type Service } from './index';
import { callers } from './testing';

let dir: string;
let service: Service;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'th-commit-snap-'));
  service = createService({ host: 'test', allowedPlaces: { files: [], dirs: [tmpdir()] }, pollIntervalMs: 20 });
});

afterEach(() => {
  service.close();
  rmSync(dir, { recursive: true, force: true });
});

const { ok, fails } = callers(() => service);
const key = (n: number): KeyInput => ({ json: ['k', n] });
const val = (v: number): ValueInput => ({ json: { v } });

function makeStore(policy: boolean): string {
  const path = join(dir, 's.th');
  const store = Store.create(path, { nodeSize: 512, fanout: 4, bufferSize: 512, blobThreshold: 128 });
  if (policy) store.setSnapshotPolicy({ everyCommits: 1, keepLast: 2 });
  store.put(encodeKey(['k', 0]), encodeValue({ v: 0 }));
  store.close();
  return path;
}

describe('edit.commit with a snapshot name', () => {
  it('saves the committed version as a snapshot; a taken name is refused and nothing is written', async () => {
    const path = makeStore(false);
    const { storeId } = await ok('store.open', { path });
    await ok('edit.begin', { storeId });
    await ok('edit.stage', { storeId, change: { op: 'put', key: key(1), value: val(1) } });
    const done = await ok('edit.commit', { storeId, message: 'add 1', snapshot: 'release-1' });
    const lineage = await ok('versions.list', { storeId });
    expect(lineage.snapshots).toEqual([expect.objectContaining({ name: 'release-1', version: done.version, automatic: false, message: 'add 1' })]);
    expect(lineage.versions.find((v) => v.id === done.version)?.snapshots).toEqual(['release-1']);
    expect(lineage.snapshotPolicy).toBeNull();

    await ok('edit.stage', { storeId, change: { op: 'put', key: key(2), value: val(2) } });
    const taken = await fails('edit.commit', { storeId, message: 'add 2', snapshot: 'release-1' });
    expect(taken.code).toBe('INVALID_ARGUMENT');
    expect(taken.message).toContain('"release-1"');
    // Nor was a new branch made for it.
    const onBranch = await fails('edit.commit', { storeId, message: 'add 2', newBranch: 'side', snapshot: 'main' });
    expect(onBranch.code).toBe('INVALID_ARGUMENT');
    expect((await ok('branches.list', { storeId })).branches.map((b) => b.name)).toEqual(['main']);
    expect((await ok('versions.list', { storeId })).total).toBe(lineage.total);
    expect((await ok('edit.state', { storeId })).changes).toHaveLength(1);
    expect((await fails('edit.commit', { storeId, message: 'x', snapshot: '' })).message).toContain('snapshot must not be empty');
  });

  it('the lineage marks the policy\'s snapshots and carries the policy', async () => {
    const path = makeStore(true);
    const { storeId } = await ok('store.open', { path });
    await ok('edit.begin', { storeId });
    await ok('edit.stage', { storeId, change: { op: 'put', key: key(1), value: val(1) } });
    const done = await ok('edit.commit', { storeId, message: 'add 1', snapshot: 'mine' });
    const lineage = await ok('versions.list', { storeId });
    expect(lineage.snapshotPolicy).toMatchObject({ everyCommits: 1, keepLast: 2 });
    expect(lineage.snapshots.map((s) => [s.name, s.automatic])).toEqual([['auto-2', true], ['mine', false], [`auto-${done.version}`, true]]);
  });
});
