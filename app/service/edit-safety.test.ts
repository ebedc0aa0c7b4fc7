/**
 * Editing never distorts or loses data (issue 14): an insert never replaces a record unasked,
 * a revert is previewed before it is written, numbers stay exact from the editor's text to the
 * store, and a string prefix filters as a text prefix.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeValue, encodeKey, encodeValue, Store } from '../../engine/index';
import type { KeyInput } from '../contract';
import { parseJsonText } from '../contract/json-text';
import { createService } from './index';
import type { Service } from './index';
import { callers } from './testing';

let dir: string;
let service: Service;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'th-edit-safety-'));
  service = createService({ host: 'test', allowedPlaces: { files: [], dirs: [tmpdir()] }, pollIntervalMs: 20 });
});

afterEach(() => {
  service.close();
  rmSync(dir, { recursive: true, force: true });
});

const { ok, fails } = callers(() => service);
const key = (n: number): KeyInput => ({ json: ['users', n] });

function makeStore(users: number): string {
  const path = join(dir, 's.th');
  const store = Store.create(path, { nodeSize: 512, fanout: 4, bufferSize: 512, blobThreshold: 128, durable: false });
  store.write((tx) => {
    for (let i = 0; i < users; i++) tx.put(encodeKey(['users', i]), encodeValue({ name: `u${i}` }));
  }, { message: 'fill' });
  store.close();
  return path;
}

async function openForEdit(path: string): Promise<string> {
  const { storeId } = await ok('store.open', { path });
  await ok('edit.begin', { storeId });
  return storeId;
}

function storedValue(path: string, k: unknown[]): unknown {
  const store = Store.open(path, { readOnly: true });
  try {
    const bytes = store.get(encodeKey(k as never));
    return bytes === undefined ? undefined : decodeValue(bytes);
  } finally {
    store.close();
  }
}

describe('insert never overwrites unasked (14.4)', () => {
  it('a put on an existing key fails EXISTS naming it; with overwrite it replaces', async () => {
    const path = makeStore(3);
    const storeId = await openForEdit(path);
    const refused = await fails('edit.stage', { storeId, change: { op: 'put', key: key(1), value: { json: { name: 'new' } } } });
    expect(refused.code).toBe('EXISTS');
    expect(refused.message).toMatch(/^\["users",1\] already exists/);
    expect((await ok('edit.state', { storeId })).changes).toEqual([]);
    // A new key needs no confirmation; staging it twice does (the second would replace the first).
    await ok('edit.stage', { storeId, change: { op: 'put', key: key(9), value: { json: 1 } } });
    expect((await fails('edit.stage', { storeId, change: { op: 'put', key: key(9), value: { json: 2 } } })).message).toMatch(/already exists \(1 bytes, staged\)/);
    await ok('edit.stage', { storeId, change: { op: 'put', key: key(1), value: { json: { name: 'new' } }, overwrite: true } });
    await ok('edit.commit', { storeId, message: 'replace' });
    expect(storedValue(path, ['users', 1])).toEqual({ name: 'new' });
  });

  it('a value staged from a file asks the same way', async () => {
    const path = makeStore(2);
    const storeId = await openForEdit(path);
    const file = join(dir, 'v.json');
    writeFileSync(file, '{"big": 12345678901234567890, "z": -0}');
    expect((await fails('edit.stageValueFromFile', { storeId, key: key(0), path: file, encoding: 'json' })).code).toBe('EXISTS');
    await ok('edit.stageValueFromFile', { storeId, key: key(0), path: file, encoding: 'json', overwrite: true });
    await ok('edit.commit', { storeId, message: 'from file' });
    const value = storedValue(path, ['users', 0]) as { big: unknown; z: number };
    expect(value.big).toBe(12345678901234567890n);
    expect(Object.is(value.z, -0)).toBe(true);
  });
});

describe('numbers stay exact from the editor to the store (14.1)', () => {
  it('the editor text {"int": 12345678901234567890, "z": -0} is committed exactly and shown exactly', async () => {
    const path = makeStore(0);
    const storeId = await openForEdit(path);
    // What the renderer sends: the parsed text, through JSON over the wire (as the serve host does).
    const json = JSON.parse(JSON.stringify(parseJsonText('{"int": 12345678901234567890, "z": -0}'))) as never;
    await ok('edit.stage', { storeId, change: { op: 'put', key: key(1), value: { json } } });
    await ok('edit.commit', { storeId, message: 'numbers' });
    const value = storedValue(path, ['users', 1]) as { int: unknown; z: number };
    expect(value.int).toBe(12345678901234567890n);
    expect(Object.is(value.z, -0)).toBe(true);
    const shown = await ok('records.value', { storeId, key: key(1) });
    expect(shown.value?.json).toEqual({ int: { $bigint: '12345678901234567890' }, z: { $number: '-0' } });
  });
});

describe('a string prefix is a text prefix (14.14)', () => {
  it('records.page with prefix {json: "text"} matches keys starting with the text; an array stays a tuple prefix', async () => {
    const path = join(dir, 'p.th');
    const store = Store.create(path, { durable: false });
    store.write((tx) => {
      for (const k of ['user:0123', 'user:0199', 'user:02']) tx.put(encodeKey(k), encodeValue(1));
      tx.put(encodeKey(['user:01x', 5]), encodeValue(1));
      tx.put(encodeKey(['user:01', 1]), encodeValue(1));
    });
    store.close();
    const { storeId } = await ok('store.open', { path });
    const keys = async (prefix: KeyInput) => (await ok('records.page', { storeId, range: { prefix } })).rows.map((r) => r.key.json);
    expect(await keys({ json: 'user:01' })).toEqual([['user:01', 1], 'user:0123', 'user:0199', ['user:01x', 5]]);
    expect(await keys({ json: ['user:01'] })).toEqual([['user:01', 1]]);
  });
});

describe('revert is previewed before it is written (14.6)', () => {
  it('versions.revertPreview counts and lists what versions.revert then writes, writing nothing itself', async () => {
    const path = makeStore(0);
    const store = Store.open(path);
    let tx = store.begin();
    for (let i = 0; i < 120; i++) tx.put(encodeKey(['users', i]), encodeValue({ name: `u${i}` }));
    const added = tx.commit({ message: 'add users' }).version;
    tx = store.begin();
    for (let i = 0; i < 10; i++) tx.put(encodeKey(['users', i]), encodeValue({ name: `renamed ${i}` }));
    tx.delete(encodeKey(['users', 50]));
    const edited = tx.commit({ message: 'edit users' }).version;
    store.close();
    const storeId = await openForEdit(path);
    const headBefore = (await ok('store.info', { storeId })).head.id;

    const preview = await ok('versions.revertPreview', { storeId, version: edited });
    expect(preview).toMatchObject({ version: edited, branch: 'main', head: headBefore, keys: 11, counts: { added: 1, changed: 10, removed: 0 }, conflicts: 0, message: 'Revert #' + edited + ': edit users' });
    expect(preview.rows[0]).toMatchObject({ key: { json: ['users', 0] }, type: 'changed', before: { json: { name: 'renamed 0' } }, after: { json: { name: 'u0' } } });
    expect(preview.rows.find((r) => r.type === 'added')).toMatchObject({ key: { json: ['users', 50] }, before: null, after: { json: { name: 'u50' } } });
    expect((await ok('store.info', { storeId })).head.id).toBe(headBefore);

    // Reverting the insert of 120 users would delete them all: the preview says so, in rows of 50.
    const big = await ok('versions.revertPreview', { storeId, version: added });
    expect(big.conflicts).toBe(11); // the ten renamed and the one deleted since
    expect(big.conflictKeys).toHaveLength(5);

    // The revert writes what was previewed, and refuses once the head moved since the preview.
    const done = await ok('versions.revert', { storeId, version: edited, head: preview.head });
    expect(done.keys).toBe(preview.keys);
    expect(storedValue(path, ['users', 3])).toEqual({ name: 'u3' });
    const stale = await fails('versions.revert', { storeId, version: added, head: preview.head });
    expect(stale.code).toBe('CONFLICT');
    expect(stale.message).toMatch(/as previewed; nothing was written/);
  });

  it('previews a large delete with exact counts and the first rows only', async () => {
    const path = makeStore(0);
    const store = Store.open(path);
    const tx = store.begin();
    for (let i = 0; i < 2000; i++) tx.put(encodeKey(['users', i]), encodeValue(i));
    const added = tx.commit({ message: 'import users' }).version;
    store.close();
    const { storeId } = await ok('store.open', { path });
    const preview = await ok('versions.revertPreview', { storeId, version: added });
    expect(preview.counts).toEqual({ added: 0, changed: 0, removed: 2000 });
    expect(preview.rows).toHaveLength(50);
    expect(preview.rows.every((r) => r.type === 'removed' && r.after === null)).toBe(true);
  });
});
