import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ref, Store } from '../../engine/index';
import { encodeKey, encodeValue, valueToJson } from '../../engine/records/index';
import type { Json, ServiceEvent } from '../contract';
import { buildDemo } from '../cli/commands/demo';
import { createService } from './index';
import type { Service } from './index';
import { callers } from './testing';

let dir: string;
let service: Service;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'th-versions-'));
  service = createService({ host: 'test', allowedPlaces: { files: [], dirs: [tmpdir()] }, pollIntervalMs: 25, settingsPath: join(dir, 'settings.json') });
});

afterEach(() => {
  service.close();
  rmSync(dir, { recursive: true, force: true });
});

const SMALL = { nodeSize: 1024, fanout: 8, bufferSize: 2048, blobThreshold: 256 } as const;

/**
 * v1: users 0..199 (snapshot "v1"); v2: user 5 renamed, user 9 deleted (snapshot "v2");
 * a branch "exp" from v2 with user 5 renamed again; main gets a doc with refs.
 */
function makeStore(name: string): { path: string; ids: { v1: number; v2: number; exp: number; head: number } } {
  const path = join(dir, name);
  const store = Store.create(path, SMALL);
  const fill = store.begin();
  for (let i = 0; i < 200; i++) fill.put(encodeKey(['users', i]), encodeValue({ name: `user ${i}` }));
  const v1 = fill.commit({ message: 'fill' });
  store.snapshot('v1', { message: 'first' });
  store.put(encodeKey(['users', 5]), encodeValue({ name: 'renamed' }), { message: 'rename 5' });
  const v2 = store.delete(encodeKey(['users', 9]), { message: 'drop 9' });
  store.snapshot('v2');
  store.branch('exp');
  const exp = store.begin({ branch: 'exp' });
  exp.put(encodeKey(['users', 5]), encodeValue({ name: 'experimental' }));
  const expInfo = exp.commit({ message: 'on exp' });
  const head = store.put(encodeKey(['doc', 1]), encodeValue({
    author: new Ref(['users', 1]),
    gone: new Ref(['users', 9]),
    old: new Ref(['users', 9], { version: 'v1' }),
    lost: new Ref(['users', 1], { version: 'nope' }),
  }), { message: 'doc' });
  store.close();
  return { path, ids: { v1: v1.version, v2: v2.version, exp: expInfo.version, head: head.version } };
}

const { ok, fails } = callers(() => service);

describe('versions.list', () => {
  it('lists the lineage newest first with heads, snapshots and stats', async () => {
    const { path, ids } = makeStore('a.th');
    const { storeId } = await ok('store.open', { path });
    const lineage = await ok('versions.list', { storeId });
    expect(lineage.defaultBranch).toBe('main');
    expect(lineage.head).toBe(ids.head);
    expect(lineage.total).toBe(lineage.versions.length);
    expect(lineage.nextBefore).toBeNull();
    const got = lineage.versions.map((v) => v.id);
    expect(got).toEqual([...got].sort((a, b) => b - a));
    const byId = new Map(lineage.versions.map((v) => [v.id, v]));
    expect(byId.get(ids.v1)?.snapshots).toEqual(['v1']);
    expect(byId.get(ids.v1)?.stats.puts).toBe(200);
    expect(byId.get(ids.v2)?.snapshots).toEqual(['v2']);
    expect(byId.get(ids.v2)?.stats.deletes).toBe(1);
    expect(byId.get(ids.exp)?.heads).toEqual(['exp']);
    expect(byId.get(ids.exp)?.branch).toBe('exp');
    expect(byId.get(ids.exp)?.parents).toEqual([ids.v2]);
    expect(byId.get(ids.head)?.heads).toEqual(['main']);
    expect(byId.get(ids.head)?.message).toBe('doc');
    expect(lineage.branches.map((b) => b.name).sort()).toEqual(['exp', 'main']);
    expect(lineage.snapshots.map((s) => s.name)).toEqual(['v1', 'v2']);
    expect(JSON.parse(JSON.stringify(lineage))).toEqual(lineage);
  });

  it('pages with before/nextBefore and covers every version exactly once', async () => {
    const { path } = makeStore('p.th');
    const { storeId } = await ok('store.open', { path });
    const whole = await ok('versions.list', { storeId });
    const seen: number[] = [];
    let before: number | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await ok('versions.list', { storeId, limit: 2, ...(before !== undefined ? { before } : {}) });
      expect(page.versions.length).toBeLessThanOrEqual(2);
      expect(page.total).toBe(whole.total);
      seen.push(...page.versions.map((v) => v.id));
      if (page.nextBefore === null) break;
      before = page.nextBefore;
    }
    expect(seen).toEqual(whole.versions.map((v) => v.id));
    // Below the oldest version: an empty page.
    expect((await ok('versions.list', { storeId, before: 0 })).versions).toEqual([]);
  });

  it('rejects malformed requests and unknown stores with one line', async () => {
    expect((await fails('versions.list', { storeId: 's1', limit: 0 })).code).toBe('BAD_REQUEST');
    expect((await fails('versions.list', { storeId: 'nope' })).code).toBe('UNKNOWN_STORE');
  });
});

describe('time travel (at)', () => {
  it('reads records, values, the tree and statistics as of an older version', async () => {
    const { path, ids } = makeStore('t.th');
    const { storeId } = await ok('store.open', { path });
    const key = { json: ['users', 5] };
    const now = await ok('records.value', { storeId, key });
    const then = await ok('records.value', { storeId, key, at: 'v1' });
    const onExp = await ok('records.value', { storeId, key, at: 'exp' });
    expect(now.value?.json).toEqual({ name: 'renamed' });
    expect(then.value?.json).toEqual({ name: 'user 5' });
    expect(onExp.value?.json).toEqual({ name: 'experimental' });
    expect((await ok('records.value', { storeId, key: { json: ['users', 9] }, at: ids.v1 })).found).toBe(true);
    expect((await ok('records.value', { storeId, key: { json: ['users', 9] } })).found).toBe(false);

    const pageThen = await ok('records.page', { storeId, at: ids.v1, range: { prefix: { json: ['users'] } }, limit: 1000 });
    const pageNow = await ok('records.page', { storeId, range: { prefix: { json: ['users'] } }, limit: 1000 });
    expect(pageThen.version).toBe(ids.v1);
    expect(pageNow.version).toBe(ids.head);
    expect(pageThen.rows.length).toBe(200);
    expect(pageNow.rows.length).toBe(199);

    const rootThen = await ok('tree.root', { storeId, at: 'v1' });
    const rootNow = await ok('tree.root', { storeId });
    expect(rootThen.version).toBe(ids.v1);
    expect(rootNow.version).toBe(ids.head);
    expect(rootThen.address).not.toEqual(rootNow.address);

    const pathThen = await ok('tree.findKey', { storeId, key: { json: ['users', 9] }, at: 'v1' });
    const pathNow = await ok('tree.findKey', { storeId, key: { json: ['users', 9] } });
    expect(pathThen.found).toBe(true);
    expect(pathNow.found).toBe(false);
    expect(pathThen.path[0]?.address).toEqual(rootThen.address);

    const statsThen = await ok('store.analyze', { storeId, at: 'v1' });
    const statsNow = await ok('store.analyze', { storeId });
    expect(statsThen.records).toBe(200);
    expect(statsNow.records).toBe(200); // 199 users + the doc
  });

  it('says which version is unknown', async () => {
    const { path } = makeStore('u.th');
    const { storeId } = await ok('store.open', { path });
    const error = await fails('records.page', { storeId, at: 'no-such-snapshot' });
    expect(error.code).toBe('VERSION_NOT_FOUND');
    expect(error.message).toContain('no-such-snapshot');
    expect((await fails('tree.root', { storeId, at: 99999 })).code).toBe('VERSION_NOT_FOUND');
    expect((await fails('records.value', { storeId, key: { text: 'x' }, at: -1 })).code).toBe('BAD_REQUEST');
  });
});

describe('snapshots.create and branches.list', () => {
  it('creates snapshots on writable stores and emits versions.changed', async () => {
    const { path, ids } = makeStore('s.th');
    const events: ServiceEvent[] = [];
    service.events.on((e) => events.push(e));
    const { storeId, readOnly } = await ok('store.open', { path, readOnly: false });
    expect(readOnly).toBe(false);
    const snap = await ok('snapshots.create', { storeId, name: 'release', message: 'ship it' });
    expect(snap).toMatchObject({ name: 'release', version: ids.head, message: 'ship it' });
    const older = await ok('snapshots.create', { storeId, name: 'older', version: ids.v1 });
    expect(older.version).toBe(ids.v1);
    expect(events.filter((e) => e.type === 'versions.changed')).toHaveLength(2);
    const lineage = await ok('versions.list', { storeId });
    expect(lineage.versions.find((v) => v.id === ids.head)?.snapshots).toEqual(['release']);
    expect(lineage.versions.find((v) => v.id === ids.v1)?.snapshots).toEqual(['v1', 'older']);
    // The engine's own checks come through as one line.
    const dup = await fails('snapshots.create', { storeId, name: 'release' });
    expect(dup.code).toBe('INVALID_ARGUMENT');
    expect(dup.message).toContain('already exists');
    expect((await fails('snapshots.create', { storeId, name: 'x', version: 'nope' })).code).toBe('VERSION_NOT_FOUND');
  });

  it('refuses snapshots on read-only stores', async () => {
    const { path } = makeStore('r.th');
    const { storeId } = await ok('store.open', { path });
    const error = await fails('snapshots.create', { storeId, name: 'nope' });
    expect(error.code).toBe('READ_ONLY');
    expect(error.message).not.toContain('\n');
    expect((await fails('snapshots.create', { storeId, name: '' })).code).toBe('BAD_REQUEST');
  });

  it('lists branches with their heads', async () => {
    const { path, ids } = makeStore('b.th');
    const { storeId } = await ok('store.open', { path });
    const { branches, defaultBranch } = await ok('branches.list', { storeId });
    expect(defaultBranch).toBe('main');
    expect(Object.fromEntries(branches.map((b) => [b.name, b.head]))).toEqual({ main: ids.head, exp: ids.exp });
  });
});

describe('branches.create', () => {
  it('creates a branch at a version, lists it, emits versions.changed, and commits land on it', async () => {
    const { path, ids } = makeStore('bc.th');
    const events: ServiceEvent[] = [];
    service.events.on((e) => events.push(e));
    const { storeId } = await ok('store.open', { path, readOnly: false });
    const fix = await ok('branches.create', { storeId, name: 'fix/old', from: ids.v1 });
    expect(fix).toEqual({ name: 'fix/old', head: ids.v1 });
    // A name (snapshot or branch) works as `from`; no `from` is the default branch head.
    expect(await ok('branches.create', { storeId, name: 'from-snap', from: 'v2' })).toEqual({ name: 'from-snap', head: ids.v2 });
    expect(await ok('branches.create', { storeId, name: 'here' })).toEqual({ name: 'here', head: ids.head });
    expect(events.filter((e) => e.type === 'versions.changed' && e.reason === 'branch')).toHaveLength(3);
    const lineage = await ok('versions.list', { storeId });
    expect(lineage.branches.map((b) => b.name).sort()).toEqual(['exp', 'fix/old', 'from-snap', 'here', 'main']);
    expect(lineage.versions.find((v) => v.id === ids.v1)?.heads).toEqual(['fix/old']);
    // The default branch did not move; the new branch takes commits of its own.
    expect(lineage.head).toBe(ids.head);
    await ok('edit.stage', { storeId, change: { op: 'put', key: { json: ['users', 500] }, value: { json: { name: 'on fix' } } } });
    const commit = await ok('edit.commit', { storeId, message: 'on fix', branch: 'fix/old' });
    expect(commit.branch).toBe('fix/old');
    const after = await ok('versions.list', { storeId });
    expect(after.versions.find((v) => v.id === commit.version)?.parents).toEqual([ids.v1]);
    expect(after.head).toBe(ids.head);
  });

  it('refuses duplicates, unknown versions, bad names and read-only stores with one line', async () => {
    const { path } = makeStore('bx.th');
    const ro = await ok('store.open', { path });
    const readOnly = await fails('branches.create', { storeId: ro.storeId, name: 'nope' });
    expect(readOnly.code).toBe('READ_ONLY');
    expect(readOnly.message).toContain('Edit');
    await ok('edit.begin', { storeId: ro.storeId });
    const { storeId } = ro;
    const dup = await fails('branches.create', { storeId, name: 'exp' });
    expect(dup.code).toBe('INVALID_ARGUMENT');
    expect(dup.message).toContain('already exists');
    expect((await fails('branches.create', { storeId, name: 'x', from: 'nope' })).code).toBe('VERSION_NOT_FOUND');
    expect((await fails('branches.create', { storeId, name: 'x', from: 9999 })).code).toBe('VERSION_NOT_FOUND');
    const bad = await fails('branches.create', { storeId, name: 'has space' });
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toBe('bad request to branches.create: name must be 1 to 100 characters of letters, digits, _ . - /');
    for (const e of [dup, bad]) expect(e.message).not.toContain('\n');
    // Nothing was created by the failures.
    expect((await ok('branches.list', { storeId })).branches.map((b) => b.name).sort()).toEqual(['exp', 'main']);
  });
});

describe('refs.resolve', () => {
  it('resolves refs as values carry them, marking dangling ones', async () => {
    const { path, ids } = makeStore('refs.th');
    const { storeId } = await ok('store.open', { path });
    const doc = await ok('records.value', { storeId, key: { json: ['doc', 1] } });
    const refs = doc.value?.json as { [k: string]: Json };
    const { results } = await ok('refs.resolve', { storeId, refs: [refs.author, refs.gone, refs.old, refs.lost] as never });
    const [author, gone, old, lost] = results;
    expect(author).toMatchObject({ found: true, dangling: false, storeVersion: ids.head, key: { json: ['users', 1] } });
    expect(gone).toMatchObject({ found: false, dangling: true, storeVersion: ids.head, key: { json: ['users', 9] } });
    expect(old).toMatchObject({ found: true, dangling: false, storeVersion: ids.v1, pinned: 'v1' });
    expect(lost).toMatchObject({ found: false, dangling: true, storeVersion: null, pinned: 'nope' });
    expect(lost?.error).toContain('nope');
    // Read as of v1, the deleted user is there again.
    const asOfV1 = await ok('refs.resolve', { storeId, refs: [refs.gone] as never, at: 'v1' });
    expect(asOfV1.results[0]).toMatchObject({ found: true, storeVersion: ids.v1 });
  });

  it('resolves refs inside a view to the full key', async () => {
    const { path } = makeStore('view.th');
    const { storeId } = await ok('store.open', { path });
    const json = valueToJson(encodeValue(new Ref(1, { view: ['users'] }))) as never;
    const { results } = await ok('refs.resolve', { storeId, refs: [json] });
    expect(results[0]).toMatchObject({ found: true, key: { json: ['users', 1] } });
  });

  it('answers a malformed ref in the batch without failing the others', async () => {
    const { path } = makeStore('bad.th');
    const { storeId } = await ok('store.open', { path });
    const { results } = await ok('refs.resolve', { storeId, refs: [{ $ref: { $bytes: 'zz' } }, { $ref: ['users', 2] }] as never });
    expect(results[0]).toMatchObject({ found: false, dangling: true, key: null });
    expect(results[0]?.error).toBeTruthy();
    expect(results[1]).toMatchObject({ found: true });
    expect((await fails('refs.resolve', { storeId, refs: [] })).code).toBe('BAD_REQUEST');
    expect((await fails('refs.resolve', { storeId, refs: [{ $ref: 1 }], at: 'nope' })).code).toBe('VERSION_NOT_FOUND');
  });
});

describe('the demo store', () => {
  it('has a reference that dangles before v2 and resolves at the head', async () => {
    const path = join(dir, 'demo.th');
    const store = Store.create(path, { durable: false });
    buildDemo(store, 300, 1, { update() {}, done() {} });
    store.close();
    const { storeId } = await ok('store.open', { path });
    const homepage = await ok('records.value', { storeId, key: { json: ['config', 'homepage'] }, at: 'imported' });
    const spotlight = (homepage.value?.json as { [k: string]: Json }).spotlight as Json;
    const [then] = (await ok('refs.resolve', { storeId, refs: [spotlight] as never, at: 'imported' })).results;
    const [now] = (await ok('refs.resolve', { storeId, refs: [spotlight] as never })).results;
    expect(then).toMatchObject({ dangling: true, found: false });
    expect(now).toMatchObject({ dangling: false, found: true });
    // Every branch head is clean: at the heads the spotlight names user 1.
    const head = await ok('records.value', { storeId, key: { json: ['config', 'homepage'] } });
    expect((head.value?.json as { [k: string]: Json }).spotlight).toEqual({ $ref: ['users', 1] });
  });
});
