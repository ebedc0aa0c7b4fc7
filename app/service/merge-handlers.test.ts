import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../engine/index';
import { decodeValue, encodeKey, encodeValue } from '../../engine/records/index';
import { conflictId } from '../contract';
import { serviceInTempDir, SMALL_NODES } from './testing';

const { ok, fails, dir, service } = serviceInTempDir('th-merge-');
const SMALL = SMALL_NODES;
const user = (i: number) => encodeKey(['users', i]);
const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');

/**
 * The fork: users 1..40 as documents. Then on main: user 1's name, user 2's email. On exp:
 * user 1's name differently (a conflict), user 2's plan (a different field: merged field by
 * field), user 3's email (one-sided), user 50 added (one-sided).
 */
function makeStore(name: string): { path: string; fork: number; ours: number; theirs: number; pick: number } {
  const path = join(dir(), name);
  const store = Store.create(path, SMALL);
  const fill = store.begin();
  for (let i = 1; i <= 40; i++) fill.put(user(i), encodeValue({ name: `user ${i}`, email: `u${i}@example.com`, plan: 'free' }));
  const fork = fill.commit({ message: 'fill' }).version;
  store.branch('exp');
  const exp = store.begin({ branch: 'exp' });
  exp.put(user(1), encodeValue({ name: 'Ada L', email: 'u1@example.com', plan: 'free' }));
  exp.put(user(2), encodeValue({ name: 'user 2', email: 'u2@example.com', plan: 'pro' }));
  const pick = exp.commit({ message: 'exp: names and plans' }).version;
  const exp2 = store.begin({ branch: 'exp' });
  exp2.put(user(3), encodeValue({ name: 'user 3', email: 'three@example.org', plan: 'free' }));
  exp2.put(user(50), encodeValue({ name: 'user 50', email: 'u50@example.com', plan: 'team' }));
  const theirs = exp2.commit({ message: 'exp: more' }).version;
  const main = store.begin();
  main.put(user(1), encodeValue({ name: 'Ada M', email: 'u1@example.com', plan: 'free' }));
  main.put(user(2), encodeValue({ name: 'user 2', email: 'two@example.net', plan: 'free' }));
  const ours = main.commit({ message: 'main: names and emails' }).version;
  store.close();
  return { path, fork, ours, theirs, pick };
}

/** What a file's versions and branches are, to show a call wrote nothing. */
function lineageOf(path: string): string {
  const store = Store.open(path, { readOnly: true });
  try {
    return JSON.stringify({ versions: store.versions().map((v) => [v.id, v.parents]), branches: store.branches() });
  } finally {
    store.close();
  }
}

async function editable(path: string): Promise<string> {
  const { storeId } = await ok('store.open', { path });
  await ok('edit.begin', { storeId });
  return storeId;
}

describe('merge.base', () => {
  it('names the fork of two branches, and refuses an unknown version in one line', async () => {
    const { path, fork, ours, theirs } = makeStore('base.th');
    const { storeId } = await ok('store.open', { path });
    const r = await ok('merge.base', { storeId, a: 'main', b: 'exp' });
    expect(r).toMatchObject({ a: ours, b: theirs, base: { id: fork, message: 'fill' } });
    expect((await ok('merge.base', { storeId, a: `#${fork}`, b: theirs })).base?.id).toBe(fork);
    const bad = await fails('merge.base', { storeId, a: 'main', b: 'nope' });
    expect(bad.code).toBe('VERSION_NOT_FOUND');
    expect(bad.message).toContain('nope');
  });
});

describe('merge.preview', () => {
  it('lists the base, the auto-merged changes field by field and the conflicts, writing nothing (read-only too)', async () => {
    const { path, fork, ours, theirs } = makeStore('preview.th');
    const before = lineageOf(path);
    const bytes = readFileSync(path);
    const { storeId } = await ok('store.open', { path });
    const p = await ok('merge.preview', { storeId, theirs: 'exp' });
    expect(p).toMatchObject({ kind: 'merge', status: 'conflicts', into: 'main', ours, theirs, base: { id: fork }, conflictCount: 1, message: 'Merge exp into main', rangesKnown: true });
    expect(p.conflicts).toHaveLength(1);
    const c = p.conflicts[0]!;
    expect(c).toMatchObject({ key: { json: ['users', 1] }, path: ['name'], kind: 'both-modified', id: conflictId(hexOf(user(1)), ['name']) });
    expect([c.base?.json, c.ours?.json, c.theirs?.json]).toEqual(['user 1', 'Ada M', 'Ada L']);
    const byKey = new Map(p.changes.map((ch) => [JSON.stringify(ch.key.json), ch]));
    expect(byKey.get('["users",2]')).toMatchObject({ type: 'changed', from: 'fields', fields: [['plan']], before: { json: { plan: 'free', email: 'two@example.net' } }, after: { json: { plan: 'pro', email: 'two@example.net' } } });
    expect(byKey.get('["users",3]')).toMatchObject({ type: 'changed', from: 'theirs', after: { json: { email: 'three@example.org' } } });
    expect(byKey.get('["users",50]')).toMatchObject({ type: 'added', from: 'theirs', before: null });
    expect(p.changeCount).toBe(p.changes.length);
    await ok('store.close', { storeId });
    expect(lineageOf(path)).toBe(before);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('refuses an unknown branch or version', async () => {
    const { path } = makeStore('unknown.th');
    const { storeId } = await ok('store.open', { path });
    expect((await fails('merge.preview', { storeId, theirs: 'nope' })).code).toBe('VERSION_NOT_FOUND');
    const into = await fails('merge.preview', { storeId, theirs: 'exp', into: 'nowhere' });
    expect(into).toEqual({ code: 'VERSION_NOT_FOUND', message: 'no branch named "nowhere"' });
    expect((await fails('merge.preview', { storeId, theirs: 999 })).code).toBe('VERSION_NOT_FOUND');
  });
});

describe('merge.commit', () => {
  it('writes one version with both parents: ours for one field, an edited exact value for another', async () => {
    const { path, ours, theirs } = makeStore('commit.th');
    const storeId = await editable(path);
    const p = await ok('merge.preview', { storeId, theirs: 'exp' });
    const c = p.conflicts[0]!;
    // The edited value is a 64-bit integer: it must reach the store exactly (not as a double).
    const r = await ok('merge.commit', { storeId, theirs: 'exp', message: 'merge exp', resolutions: [{ key: c.key.hex, path: [...c.path], value: { json: { $bigint: '12345678901234567890' } } }] });
    expect(r).toMatchObject({ status: 'merged', branch: 'main' });
    expect(r.info.head.id).toBe(r.version);
    expect(r.info.head.parents).toEqual([ours, theirs]);
    const v1 = await ok('records.value', { storeId, key: { json: ['users', 1] } });
    expect(v1.value?.json).toMatchObject({ name: { $bigint: '12345678901234567890' }, email: 'u1@example.com' });
    expect((decodeValue(Buffer.from(v1.value!.hex, 'hex')) as { name: unknown }).name).toBe(12345678901234567890n);
    const v2 = await ok('records.value', { storeId, key: { json: ['users', 2] } });
    expect(v2.value?.json).toEqual({ name: 'user 2', email: 'two@example.net', plan: 'pro' });
    expect((await ok('records.value', { storeId, key: { json: ['users', 50] } })).value?.json).toMatchObject({ plan: 'team' });
    // The pending merge ended with the commit.
    expect(await ok('merge.abort', { storeId })).toEqual({ aborted: false });
    await ok('store.close', { storeId });
  });

  it('takes ours or theirs, and a whole-store `others` choice', async () => {
    const { path } = makeStore('sides.th');
    const storeId = await editable(path);
    const p = await ok('merge.preview', { storeId, theirs: 'exp' });
    await ok('merge.commit', { storeId, theirs: 'exp', resolutions: [{ key: p.conflicts[0]!.key.hex, path: ['name'], take: 'ours' }] });
    expect((await ok('records.value', { storeId, key: { json: ['users', 1] } })).value?.json).toMatchObject({ name: 'Ada M' });
    await ok('store.close', { storeId });

    const second = makeStore('others.th');
    const id2 = await editable(second.path);
    await ok('merge.preview', { storeId: id2, theirs: 'exp' });
    await ok('merge.commit', { storeId: id2, theirs: 'exp', others: 'theirs' });
    expect((await ok('records.value', { storeId: id2, key: { json: ['users', 1] } })).value?.json).toMatchObject({ name: 'Ada L' });
    await ok('store.close', { storeId: id2 });
  });

  it('refuses bad resolutions in one line and writes nothing', async () => {
    const { path } = makeStore('bad.th');
    const before = lineageOf(path);
    const storeId = await editable(path);
    const p = await ok('merge.preview', { storeId, theirs: 'exp' });
    const key = p.conflicts[0]!.key.hex;
    // Missing: the conflict has no resolution.
    const missing = await fails('merge.commit', { storeId, theirs: 'exp' });
    expect(missing.code).toBe('CONFLICT');
    expect(missing.message).toContain('1 conflict(s) have no resolution; nothing was written');
    // A resolution naming no conflict (another field, another key).
    const field = await fails('merge.commit', { storeId, theirs: 'exp', resolutions: [{ key, path: ['email'], take: 'ours' }] });
    expect(field).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(field.message).toContain('names no conflict');
    const other = await fails('merge.commit', { storeId, theirs: 'exp', resolutions: [{ key: hexOf(user(7)), path: ['name'], take: 'ours' }] });
    expect(other.code).toBe('INVALID_ARGUMENT');
    // Twice.
    const twice = await fails('merge.commit', { storeId, theirs: 'exp', resolutions: [{ key, path: ['name'], take: 'ours' }, { key, path: ['name'], take: 'theirs' }] });
    expect(twice.message).toContain('resolved twice');
    // Malformed: the schema says what is wrong.
    const shape = await fails('merge.commit', { storeId, theirs: 'exp', resolutions: [{ key, path: ['name'], take: 'mine' }] });
    expect(shape.code).toBe('BAD_REQUEST');
    expect((await fails('merge.commit', { storeId, theirs: 'exp', resolutions: [{ key: 'zz', path: [], take: 'ours' }] })).code).toBe('BAD_REQUEST');
    // A field value that is not a Thunderhead value.
    const raw = await fails('merge.commit', { storeId, theirs: 'exp', resolutions: [{ key, path: ['name'], value: { hex: 'c1' } }] });
    expect(raw).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(raw.message).toContain('not a Thunderhead (msgpack) value');
    await ok('store.close', { storeId });
    expect(lineageOf(path)).toBe(before);
  });

  it('needs edit mode: a read-only store answers READ_ONLY and nothing is written', async () => {
    const { path } = makeStore('ro.th');
    const before = lineageOf(path);
    const { storeId } = await ok('store.open', { path });
    await ok('merge.preview', { storeId, theirs: 'exp' });
    const e = await fails('merge.commit', { storeId, theirs: 'exp', others: 'ours' });
    expect(e).toEqual({ code: 'READ_ONLY', message: 'Merging needs edit mode; switch the store to Edit first' });
    expect((await fails('merge.cherryPick', { storeId, version: 2, others: 'ours' })).code).toBe('READ_ONLY');
    await ok('store.close', { storeId });
    expect(lineageOf(path)).toBe(before);
  });

  it('is refused to a read-only session with the session error', async () => {
    const { path } = makeStore('session.th');
    const tab = service().session({ readOnly: true });
    const opened = await tab.call('store.open', { path });
    if (!('result' in opened)) throw new Error(opened.error.message);
    const outcome = await tab.call('merge.commit', { storeId: opened.result.storeId, theirs: 'exp', others: 'ours' });
    expect(outcome).toEqual({ error: { code: 'READ_ONLY', message: 'merge.commit is not allowed: this session is read-only (the server was started with --read-only)' } });
    tab.close();
  });

  it('commits only what was previewed: not without a preview, not after abort, not after a head moved', async () => {
    const { path } = makeStore('moved.th');
    const storeId = await editable(path);
    expect(await fails('merge.commit', { storeId, theirs: 'exp', others: 'ours' })).toEqual({ code: 'INVALID_ARGUMENT', message: 'no preview of a merge of exp into main is pending; preview it first' });
    await ok('merge.preview', { storeId, theirs: 'exp' });
    // Abort: nothing left behind, and nothing to commit any more.
    expect(await ok('merge.abort', { storeId })).toEqual({ aborted: true });
    expect(await ok('merge.abort', { storeId })).toEqual({ aborted: false });
    expect((await fails('merge.abort', { storeId: 'nope' })).code).toBe('UNKNOWN_STORE');
    expect((await fails('merge.abort', {})).code).toBe('BAD_REQUEST');
    expect((await fails('merge.commit', { storeId, theirs: 'exp', others: 'ours' })).code).toBe('INVALID_ARGUMENT');
    // A commit lands on main after the preview: the merge must be previewed again.
    await ok('merge.preview', { storeId, theirs: 'exp' });
    await ok('edit.stage', { storeId, change: { op: 'put', key: { json: ['users', 39] }, value: { json: { name: 'late' } }, overwrite: true } });
    const landed = await ok('edit.commit', { storeId, message: 'late' });
    const moved = await fails('merge.commit', { storeId, theirs: 'exp', others: 'ours' });
    expect(moved.code).toBe('CONFLICT');
    expect(moved.message).toContain(`main's head is now #${landed.version}`);
    expect(moved.message).toContain('nothing was written');
    const p = await ok('merge.preview', { storeId, theirs: 'exp' });
    expect(p.ours).toBe(landed.version);
    await ok('merge.commit', { storeId, theirs: 'exp', others: 'ours' });
    await ok('store.close', { storeId });
  });
});

describe('fast-forward and up to date', () => {
  it('moves the head when the target has nothing of its own, and refuses a merge with nothing to bring', async () => {
    const { path, ours } = makeStore('ff.th');
    const storeId = await editable(path);
    await ok('branches.create', { storeId, name: 'ff', from: ours });
    await ok('edit.stage', { storeId, change: { op: 'put', key: { json: ['users', 60] }, value: { json: { name: 'ff' } } } });
    const ff = await ok('edit.commit', { storeId, message: 'on ff', branch: 'ff' });
    const p = await ok('merge.preview', { storeId, theirs: 'ff' });
    expect(p).toMatchObject({ status: 'fast-forward', ours, theirs: ff.version, conflictCount: 0 });
    const r = await ok('merge.commit', { storeId, theirs: 'ff' });
    expect(r).toMatchObject({ status: 'fast-forward', version: ff.version, branch: 'main' });
    expect(r.info.head.id).toBe(ff.version);
    // Now main holds all of ff: nothing to merge.
    expect((await ok('merge.preview', { storeId, theirs: 'ff' })).status).toBe('up-to-date');
    const again = await fails('merge.commit', { storeId, theirs: 'ff' });
    expect(again).toEqual({ code: 'INVALID_ARGUMENT', message: 'main already holds everything of ff: there is nothing to merge' });
    await ok('store.close', { storeId });
  });
});

describe('cherryPick', () => {
  it('previews and commits one version onto a branch as an ordinary commit', async () => {
    const { path, pick, ours } = makeStore('pick.th');
    const storeId = await editable(path);
    const p = await ok('merge.cherryPickPreview', { storeId, version: pick });
    expect(p).toMatchObject({ kind: 'cherry-pick', into: 'main', ours, theirs: pick, conflictCount: 1, message: `Cherry-pick #${pick}: exp: names and plans` });
    expect(p.conflicts[0]).toMatchObject({ path: ['name'], ours: { json: 'Ada M' }, theirs: { json: 'Ada L' } });
    // A merge commit cannot take the cherry-pick's preview.
    expect((await fails('merge.commit', { storeId, theirs: 'exp', others: 'ours' })).code).toBe('INVALID_ARGUMENT');
    const r = await ok('merge.cherryPick', { storeId, version: pick, resolutions: [{ key: p.conflicts[0]!.key.hex, path: ['name'], take: 'theirs' }] });
    expect(r).toMatchObject({ status: 'picked', branch: 'main' });
    expect(r.info.head.parents).toEqual([ours]);
    expect((await ok('records.value', { storeId, key: { json: ['users', 1] } })).value?.json).toMatchObject({ name: 'Ada L' });
    // user 2: main's email and the picked plan, merged field by field; user 3 was not in the pick.
    expect((await ok('records.value', { storeId, key: { json: ['users', 2] } })).value?.json).toEqual({ name: 'user 2', email: 'two@example.net', plan: 'pro' });
    expect((await ok('records.value', { storeId, key: { json: ['users', 3] } })).value?.json).toMatchObject({ email: 'u3@example.com' });
    expect((await fails('merge.cherryPickPreview', { storeId, version: 999 })).code).toBe('VERSION_NOT_FOUND');
    expect((await fails('merge.cherryPickPreview', { storeId, version: -1 })).code).toBe('BAD_REQUEST');
    expect((await fails('merge.cherryPickPreview', { storeId, version: pick, onto: 'no such branch' })).code).toBe('BAD_REQUEST');
    await ok('store.close', { storeId });
  });
});

