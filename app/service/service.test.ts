import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../engine/index';
import { encodeKey, encodeValue, keyFromJson, valueFromJson } from '../../engine/records/index';
import type { PageResult, ServiceEvent } from '../contract';
import { createService } from './index';
import type { Service } from './index';
import { callers } from './testing';
import { writeDamagedStore } from '../../engine/testing/damaged-fixture';

let dir: string;
let service: Service;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'th-service-'));
  service = createService({ host: 'test', allowedPlaces: { files: [], dirs: [tmpdir()] }, pollIntervalMs: 25, settingsPath: join(dir, 'settings.json'), demoPath: join(dir, 'demo.th') });
});

afterEach(() => {
  service.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Small nodes so a few thousand records make a tree several levels high. */
const SMALL = { nodeSize: 1024, fanout: 8, bufferSize: 2048, blobThreshold: 256 } as const;

function makeStore(name: string, count: number): string {
  const path = join(dir, name);
  const store = Store.create(path, SMALL);
  store.write((tx) => {
    for (let i = 0; i < count; i++) tx.put(encodeKey(['users', i]), encodeValue({ name: `user ${i}`, n: i }));
    tx.put(encodeKey(['orders', 1]), encodeValue({ total: 10 }));
    tx.put(encodeKey(['blob']), encodeValue('x'.repeat(1000)));
  }, { message: 'fill' });
  // A recent small commit stays in the root's buffer: something for the key path to show.
  store.put(encodeKey(['users', 7]), encodeValue({ name: 'changed' }), { message: 'edit' });
  store.close();
  return path;
}

const { ok, fails } = callers(() => service);

describe('store.open on a damaged file', () => {
  it('opens read-only up to damage behind the last checkpoint and says so in info; edit mode refuses', async () => {
    const path = join(dir, 'damaged.th');
    const { offset, bytes } = writeDamagedStore(join(dir, 'live.th'), path);
    const opened = await ok('store.open', { path });
    expect(opened.info.damage?.offset).toBe(offset);
    expect(opened.info.damage?.message).toMatch(/showing the commits before byte \d+ \(run `.*thunderhead.* check /);
    expect(opened.info.damage?.message).not.toContain('\n');
    expect((await ok('store.info', { storeId: opened.storeId })).damage?.offset).toBe(offset);
    expect((await fails('edit.begin', { storeId: opened.storeId })).message).toMatch(/cut off committed data/);
    expect(readFileSync(path).equals(bytes)).toBe(true);

    const clean = await ok('store.open', { path: makeStore('clean.th', 10) });
    expect(clean.info.damage).toBeUndefined();
  });
});

describe('store.open', () => {
  it('opens read-only by default and reports cheap info', async () => {
    const path = makeStore('a.th', 100);
    const opened = await ok('store.open', { path });
    expect(opened).toMatchObject({ path, readOnly: true, readOnlyReason: 'requested' });
    expect(opened.info.versions).toBeGreaterThanOrEqual(2);
    expect(opened.info.head.message).toBe('edit');
    expect(JSON.parse(JSON.stringify(opened))).toEqual(opened); // plain data only
    const recent = await ok('store.recent', {});
    expect(recent.files.map((f) => f.path)).toEqual([path]);

    // A second opener (another tab) shares the handle; it stays usable until both closed it.
    const again = await ok('store.open', { path });
    expect(again.storeId).toBe(opened.storeId);
    await ok('store.close', { storeId: opened.storeId });
    expect((await ok('records.page', { storeId: opened.storeId, limit: 1 })).rows.length).toBe(1);
    await ok('store.close', { storeId: opened.storeId });
    expect((await fails('records.page', { storeId: opened.storeId })).code).toBe('UNKNOWN_STORE');
  });

  it('opens for writing when asked, and read-only with the reason when a writer holds it', async () => {
    const path = makeStore('w.th', 10);
    const writer = Store.open(path);
    try {
      const opened = await ok('store.open', { path, readOnly: false });
      expect(opened.readOnly).toBe(true);
      expect(opened.readOnlyReason).toBe('locked');
      expect(opened.writer?.pid).toBe(process.pid);
    } finally {
      writer.close();
    }
    const writable = await ok('store.open', { path: makeStore('w2.th', 10), readOnly: false });
    expect(writable.readOnly).toBe(false);
  });

  it('emits store.changed when another writer commits', async () => {
    const path = makeStore('live.th', 10);
    const { storeId, info } = await ok('store.open', { path });
    const changed = new Promise<ServiceEvent>((resolve) => {
      const off = service.events.on((event) => {
        if (event.type === 'store.changed') {
          off();
          resolve(event);
        }
      });
    });
    const writer = Store.open(path);
    writer.put(encodeKey(['users', 1000]), encodeValue('new'), { message: 'landed' });
    writer.close();
    const event = await changed;
    expect(event).toMatchObject({ type: 'store.changed', storeId, previousVersion: info.head.id });
    if (event.type === 'store.changed') expect(event.info.head.message).toBe('landed');
    const page = await ok('records.page', { storeId, range: { from: { json: ['users', 1000] } }, limit: 1 });
    expect(page.rows[0]?.value.json).toBe('new');
  });

  it('turns foreign, truncated and missing files into one-line structured errors', async () => {
    const foreign = join(dir, 'foreign.th');
    writeFileSync(foreign, 'hello, this is a text file and not a store at all\n'.repeat(100));
    const notStore = await fails('store.open', { path: foreign });
    expect(notStore.code).toBe('NOT_A_STORE');
    expect(notStore.message).toContain(foreign);
    expect(notStore.message).not.toContain('\n');

    const truncated = makeStore('trunc.th', 500);
    truncateSync(truncated, 100);
    const cut = await fails('store.open', { path: truncated });
    expect(['NOT_A_STORE', 'CORRUPT']).toContain(cut.code);
    expect(cut.message).not.toContain('\n');

    const missing = await fails('store.open', { path: join(dir, 'nope.th') });
    expect(missing.message).toContain('nope.th');
    expect(missing.message).toMatch(/does not exist/);
    expect(existsSync(join(dir, 'nope.th'))).toBe(false); // never created
  });

  it('reports corrupt nodes when they are read', async () => {
    const path = makeStore('corrupt.th', 3000);
    const { storeId } = await ok('store.open', { path });
    const root = await ok('tree.root', { storeId });
    const node = await ok('tree.node', { storeId, address: root.address });
    const child = node.children[0]!;
    await ok('store.close', { storeId });
    // Flip bytes in the middle of a child node: its checksum no longer matches its address.
    const bytes = readFileSync(path);
    bytes[child.offset + Math.floor(child.length / 2)] ^= 0xff;
    writeFileSync(path, bytes);
    const reopened = await ok('store.open', { path });
    const error = await fails('tree.node', { storeId: reopened.storeId, address: child });
    expect(error.code).toBe('CORRUPT');
    expect(error.message).not.toContain('\n');
  });
});

describe('records', () => {
  it('pages through the whole store without gaps or repeats, in both directions', async () => {
    const path = makeStore('page.th', 1234);
    const { storeId } = await ok('store.open', { path });
    const forward: string[] = [];
    let after: string | null | undefined;
    let pages = 0;
    do {
      const page: PageResult = await ok('records.page', { storeId, limit: 100, ...(after ? { after } : {}) });
      expect(page.rows.length).toBeLessThanOrEqual(100);
      forward.push(...page.rows.map((r) => r.key.hex));
      after = page.nextAfter;
      pages += 1;
    } while (after);
    expect(forward.length).toBe(1236);
    expect(new Set(forward).size).toBe(forward.length);
    expect([...forward].sort()).toEqual(forward);
    expect(pages).toBe(13);

    const backward: string[] = [];
    after = undefined;
    do {
      const page: PageResult = await ok('records.page', { storeId, limit: 333, range: { reverse: true }, ...(after ? { after } : {}) });
      backward.push(...page.rows.map((r) => r.key.hex));
      after = page.nextAfter;
    } while (after);
    expect(backward).toEqual([...forward].reverse());
  });

  it('filters by prefix and range, decodes keys and values, and leaves large values unloaded', async () => {
    const path = makeStore('filter.th', 50);
    const { storeId } = await ok('store.open', { path });
    const users = await ok('records.page', { storeId, range: { prefix: { json: ['users'] } }, limit: 1000 });
    expect(users.rows.length).toBe(50);
    expect(users.nextAfter).toBeNull();
    expect(users.rows[0]!.key).toMatchObject({ json: ['users', 0], decoded: true });
    expect(users.rows[7]!.value.json).toEqual({ name: 'changed' });
    expect(users.rows[8]!.value).toMatchObject({ json: { name: 'user 8', n: 8 }, decoded: true, loaded: true, large: false });

    const range = await ok('records.page', { storeId, range: { from: { json: ['users', 10] }, to: { json: ['users', 13] } } });
    expect(range.rows.map((r) => r.key.json)).toEqual([['users', 10], ['users', 11], ['users', 12]]);

    const blob = await ok('records.page', { storeId, range: { prefix: { json: ['blob'] } } });
    expect(blob.rows[0]!.value).toMatchObject({ large: true, loaded: false, length: 1003, hex: '' });
    const full = await ok('records.value', { storeId, key: { json: ['blob'] } });
    expect(full.found).toBe(true);
    expect(full.value).toMatchObject({ large: true, loaded: true, length: 1003, json: 'x'.repeat(1000), hexTruncated: false });

    const missing = await ok('records.value', { storeId, key: { json: ['nobody'] } });
    expect(missing).toMatchObject({ found: false, value: null });
  });

  it('truncates big previews and shows raw bytes as hex', async () => {
    const path = join(dir, 'raw.th');
    const store = Store.create(path, { ...SMALL, blobThreshold: 1024 });
    store.put(Buffer.from([0xff, 0x01]), Buffer.from([0xc1, 0xc1])); // neither a tuple nor msgpack
    store.put(encodeKey(['long']), encodeValue({ list: Array.from({ length: 100 }, (_, i) => i), text: 'y'.repeat(240) }));
    store.close();
    const { storeId } = await ok('store.open', { path });
    const page = await ok('records.page', { storeId });
    const raw = page.rows.find((r) => r.key.hex === 'ff01')!;
    expect(raw.key).toMatchObject({ decoded: false, json: null });
    expect(raw.value).toMatchObject({ decoded: false, hex: 'c1c1' });
    expect(raw.value.decodeError).toBeTruthy();
    const long = page.rows.find((r) => r.key.decoded)!;
    expect(long.value.jsonTruncated).toBe(true);
    expect(long.value.hexTruncated).toBe(false);
  });

  it('exports a range to JSONL that reads back exactly, and to CSV', async () => {
    const path = makeStore('export.th', 300);
    const { storeId } = await ok('store.open', { path });
    const out = join(dir, 'users.jsonl');
    const result = await ok('records.export', { storeId, format: 'jsonl', path: out, range: { prefix: { json: ['users'] } } });
    expect(result.rows).toBe(300);
    expect(result.bytes).toBe(statSync(out).size);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { key: unknown; value: unknown });
    expect(lines.length).toBe(300);
    const store = Store.open(path, { readOnly: true });
    for (const line of lines.slice(0, 20)) expect(store.get(keyFromJson(line.key))?.equals(valueFromJson(line.value))).toBe(true);
    store.close();

    const refused = await fails('records.export', { storeId, format: 'jsonl', path: out });
    expect(refused.code).toBe('FILE_STATE');

    const csv = join(dir, 'all.csv');
    await ok('records.export', { storeId, format: 'csv', path: csv });
    const rows = readFileSync(csv, 'utf8').trim().split('\r\n');
    expect(rows[0]).toBe('key,value,key_hex,value_length');
    expect(rows.length).toBe(1 + 302);
  });

  it('cancels an export and leaves no file behind', async () => {
    const path = makeStore('cancel.th', 20000);
    const { storeId } = await ok('store.open', { path });
    const out = join(dir, 'cancelled.jsonl');
    const progress: number[] = [];
    service.events.on((event) => {
      if (event.type === 'job.progress' && event.jobId === 'exp') {
        progress.push(event.done);
        void service.call('job.cancel', { jobId: 'exp' });
      }
    });
    const error = await fails('records.export', { storeId, format: 'jsonl', path: out, jobId: 'exp' });
    expect(error.code).toBe('CANCELLED');
    expect(progress.length).toBeGreaterThan(0);
    expect(existsSync(out)).toBe(false);
    expect((await ok('job.cancel', { jobId: 'exp' })).cancelled).toBe(false);
  });
});

describe('tree', () => {
  it('reads the root and its children as plain data', async () => {
    const path = makeStore('tree.th', 2000);
    const { storeId, info } = await ok('store.open', { path });
    const root = await ok('tree.root', { storeId });
    expect(root.height).toBe(info.height);
    expect(root.height).toBeGreaterThan(1);
    const node = await ok('tree.node', { storeId, address: root.address });
    expect(node.kind).toBe('internal');
    expect(node.children.length).toBe(node.keys.length + 1);
    expect(node.buffer.some((m) => m.op === 'put')).toBe(true);
    expect(JSON.parse(JSON.stringify(node))).toEqual(node);
    let address = node.children[0]!;
    for (;;) {
      const child = await ok('tree.node', { storeId, address });
      if (child.kind === 'leaf') {
        expect(child.values.length).toBe(child.keys.length);
        expect(child.stored.length).toBe(child.keys.length);
        expect(child.keys[0]!.decoded).toBe(true);
        break;
      }
      address = child.children[0]!;
    }
  });

  it('finds a key path with the buffered messages that touch it', async () => {
    const path = makeStore('path.th', 2000);
    const { storeId, info } = await ok('store.open', { path });
    const found = await ok('tree.findKey', { storeId, key: { json: ['users', 7] } });
    expect(found.found).toBe(true);
    expect(found.path.length).toBe(info.height);
    expect(found.path[0]!.address).toEqual((await ok('tree.root', { storeId })).address);
    expect(found.path.at(-1)!.level).toBe(0);
    const messages = found.path.flatMap((s) => s.messages);
    expect(messages.some((m) => m.op === 'put' && m.key.json !== null)).toBe(true);
    for (const step of found.path.slice(0, -1)) expect(step.index).toBeGreaterThanOrEqual(0);

    const absent = await ok('tree.findKey', { storeId, key: { json: ['zzz'] } });
    expect(absent.found).toBe(false);
    expect(absent.path.at(-1)!.index).toBe(-1);
  });

  it('analyzes with progress events, and can be cancelled', async () => {
    const path = makeStore('analyze.th', 3000);
    const { storeId } = await ok('store.open', { path });
    const events: ServiceEvent[] = [];
    const off = service.events.on((event) => events.push(event));
    const stats = await ok('store.analyze', { storeId, jobId: 'a1' });
    off();
    const engine = Store.open(path, { readOnly: true });
    const expected = engine.analyze();
    engine.close();
    expect(stats.records).toBe(expected.records);
    expect(stats.nodesPerLevel).toEqual(expected.nodesPerLevel);
    expect(stats.leafFill).toEqual(expected.leafFill);
    expect(stats.height).toBe(expected.height);
    expect(stats.bufferOccupancy.map((b) => [b.depth, b.messages])).toEqual(expected.bufferOccupancy.map((b) => [b.level, b.messages]));
    const last = events.filter((e) => e.type === 'job.progress').at(-1);
    expect(last).toMatchObject({ jobId: 'a1', method: 'store.analyze', phase: 'done' });

    const cancelled = service.call('store.analyze', { storeId, jobId: 'a2' });
    expect((await ok('job.cancel', { jobId: 'a2' })).cancelled).toBe(true);
    const outcome = await cancelled;
    expect('error' in outcome && outcome.error.code).toBe('CANCELLED');
  });
});

describe('requests and settings', () => {
  it('rejects bad requests, unknown methods and unknown stores with typed errors', async () => {
    expect(await fails('records.page', { storeId: 's1', limit: 0 })).toEqual({ code: 'BAD_REQUEST', message: 'bad request to records.page: limit must be a positive integer' });
    expect((await fails('records.drop', {})).code).toBe('UNKNOWN_METHOD');
    expect((await fails('records.page', { storeId: 'nope' })).code).toBe('UNKNOWN_STORE');
    const path = makeStore('bad.th', 5);
    const { storeId } = await ok('store.open', { path });
    const badKey = await fails('records.value', { storeId, key: { json: { $raw: 'zz' } } });
    expect(badKey.code).toBe('INVALID_ARGUMENT');
  });

  it('keeps the theme and recent files in the settings file', async () => {
    expect((await ok('theme.get', {})).theme).toBe('system');
    const themes: ServiceEvent[] = [];
    service.events.on((event) => themes.push(event));
    await ok('theme.set', { theme: 'dark' });
    expect(themes).toContainEqual({ type: 'theme.changed', theme: 'dark' });
    const path = makeStore('recent.th', 5);
    await ok('store.open', { path });
    const again = createService({ host: 'test', allowedPlaces: { files: [], dirs: [tmpdir()] }, settingsPath: join(dir, 'settings.json') });
    try {
      expect(await again.call('theme.get', {})).toEqual({ result: { theme: 'dark' } });
      const recent = await again.call('store.recent', {});
      expect('result' in recent && recent.result.files[0]).toMatchObject({ path, exists: true });
      const forgotten = await again.call('store.forgetRecent', {});
      expect('result' in forgotten && forgotten.result.files).toEqual([]);
    } finally {
      again.close();
    }
  });

  it('describes the host and its capabilities', async () => {
    const info = await ok('app.info', {});
    expect(info).toMatchObject({ host: 'test', dialogs: false, reveal: false, demoPath: join(dir, 'demo.th') });
    expect(await ok('store.demoPath', {})).toEqual({ path: join(dir, 'demo.th'), exists: false });
    expect(await ok('host.chooseOpenPath', {})).toEqual({ path: null });
    expect((await fails('host.reveal', { path: dir })).code).toBe('UNSUPPORTED');
  });
});
