/**
 * What ThunderheadLevel promises beyond the compliance suite: a write call is one commit, clear
 * is one range-delete message, a snapshot is a read view of a version, and the file is an
 * ordinary store (the CLI and the inspector read what Level wrote).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Store } from '../engine/index';
import { ThunderheadLevel } from './index';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'thunderhead-level-unit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const pad = (i: number): string => String(i).padStart(4, '0');

describe('ThunderheadLevel', () => {
  test('a batch is one commit, and clear of a range is one range-delete message', async () => {
    const db = new ThunderheadLevel(join(dir, 'a.th'));
    await db.batch(Array.from({ length: 300 }, (_, i) => ({ type: 'put' as const, key: `k${pad(i)}`, value: `v${i}` })));
    const store = db.store;
    expect(store.head().id).toBe(2);
    expect(store.head().stats.puts).toBe(300);

    await db.clear({ gte: 'k0100', lt: 'k0200' });
    expect(store.head().stats).toMatchObject({ puts: 0, deletes: 0, rangeDeletes: 1 });
    expect(await db.keys({ gte: 'k0098', lt: 'k0202' }).all()).toEqual(['k0098', 'k0099', 'k0200', 'k0201']);

    // gt / lte / limit / reverse: the limit-th key from the top closes the range below.
    await db.clear({ gt: 'k0200', lte: 'k0299', limit: 10, reverse: true });
    expect(store.head().stats).toMatchObject({ deletes: 0, rangeDeletes: 1 });
    expect(await db.keys({ gt: 'k0285', reverse: true }).all()).toEqual(['k0289', 'k0288', 'k0287', 'k0286']);
    expect(store.verify().ok).toBe(true);
    await db.close();
  });

  test('an explicit snapshot reads the version that was the head when it was taken', async () => {
    const db = new ThunderheadLevel<string, unknown>(join(dir, 'b.th'), { valueEncoding: 'json' });
    await db.put('user', { name: 'Ada' });
    const version = db.store.head().id;
    const snapshot = db.snapshot();
    await db.put('user', { name: 'Grace' });
    await db.put('other', 1);
    expect(await db.get('user', { snapshot })).toEqual({ name: 'Ada' });
    expect(await db.keys({ snapshot }).all()).toEqual(['user']);
    expect(await db.get('user')).toEqual({ name: 'Grace' });
    // The same bytes as a time-travel read of that version through the engine.
    expect(db.store.at(version).get(Buffer.from('user'))?.toString()).toBe('{"name":"Ada"}');
    await snapshot.close();
    await db.close();
  });

  test('sublevels and ranged iterators as level code uses them', async () => {
    const db = new ThunderheadLevel(join(dir, 'c.th'));
    const users = db.sublevel<string, unknown>('users', { valueEncoding: 'json' });
    const posts = db.sublevel<string, string>('posts', { valueEncoding: 'utf8' });
    await users.batch([{ type: 'put', key: 'ada', value: { n: 1 } }, { type: 'put', key: 'bob', value: { n: 2 } }, { type: 'put', key: 'cy', value: { n: 3 } }]);
    await posts.put('p1', 'hello');
    expect(await users.keys({ gt: 'ada', lte: 'cy', reverse: true, limit: 1 }).all()).toEqual(['cy']);
    expect(await users.values({ lt: 'bob' }).all()).toEqual([{ n: 1 }]);
    const iterator = users.iterator();
    iterator.seek('b');
    expect(await iterator.next()).toEqual(['bob', { n: 2 }]);
    await iterator.close();
    await users.clear();
    expect(await users.keys().all()).toEqual([]);
    expect(await posts.get('p1')).toBe('hello');
    await db.close();
  });

  test('the file is an ordinary store: reopened by the engine, and by Level again', async () => {
    const path = join(dir, 'd.th');
    const db = new ThunderheadLevel(path);
    await db.put('a', '1');
    await db.close();
    const store = Store.open(path, { readOnly: true });
    expect(store.get(Buffer.from('a'))?.toString()).toBe('1');
    store.close();
    const again = new ThunderheadLevel(path, { createIfMissing: false });
    expect(await again.get('a')).toBe('1');
    await again.close();
  });

  test('a second writer gets LEVEL_LOCKED; a read-only one reads and cannot write', async () => {
    const path = join(dir, 'e.th');
    const writer = new ThunderheadLevel(path);
    await writer.put('k', 'v');
    const second = new ThunderheadLevel(path);
    const error = await second.open().then(() => null, (e: { code?: string; cause?: { code?: string } }) => e);
    expect(error?.code).toBe('LEVEL_DATABASE_NOT_OPEN');
    expect(error?.cause?.code).toBe('LEVEL_LOCKED');
    const reader = new ThunderheadLevel(path, { readOnly: true });
    expect(await reader.get('k')).toBe('v');
    await expect(reader.put('k', 'w')).rejects.toMatchObject({ code: 'LEVEL_READONLY' });
    await reader.close();
    await writer.close();
  });
});
