/**
 * Sessions: a read-only session is refused every write-capable method; what a session holds
 * (its opens, the writer lock of edit mode) ends with it, so after a tab closes the CLI can
 * write the file; and entering and leaving edit mode without a change writes nothing.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Store } from '../../engine/index';
import { encodeKey, encodeValue } from '../../engine/records/index';
import { contract } from '../contract';
import type { Method, WireMessage } from '../contract';
import { runProcess } from '../cli/testing';
import { waitFor } from '../monitor/testing';
import { startServe } from '../serve/serve';
import { WRITE_METHODS, createService } from './index';
import type { Service } from './index';

let dir: string;
let service: Service;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'th-sessions-'));
  service = createService({ host: 'serve', pollIntervalMs: 25, allowedPlaces: { files: [], dirs: [dir] }, demoPath: join(dir, 'demo.th') });
});

afterEach(() => {
  service.close();
  rmSync(dir, { recursive: true, force: true });
});

function makeStore(name: string): string {
  const path = join(dir, name);
  const s = Store.create(path, { durable: false });
  s.put(encodeKey(['k', 1]), encodeValue({ v: 1 }), { message: 'one' });
  s.put(encodeKey(['k', 2]), encodeValue({ v: 2 }), { message: 'two' });
  s.close();
  return path;
}

const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** `thunderhead put` from another process: whether it could take the writer lock. */
function cliPut(path: string): { code: number; stderr: string } {
  return runProcess(['put', path, '["cli", 1]', '{"from": "cli"}', '-m', 'from the CLI']);
}

/** Methods that only read (or change nothing but this session's view); every other one writes. */
const READ_METHODS: readonly Method[] = [
  'app.info', 'theme.get', 'theme.set', 'host.chooseOpenPath', 'host.chooseSavePath', 'host.grantDropped', 'host.reveal', 'files.list', 'job.cancel',
  'store.open', 'store.close', 'store.recent', 'store.forgetRecent', 'store.demoPath', 'store.info', 'store.analyze',
  'records.page', 'records.value', 'records.count', 'tree.root', 'tree.node', 'tree.findKey',
  'versions.list', 'versions.revertPreview', 'branches.list', 'refs.resolve', 'diff.page', 'diff.summary', 'diff.density', 'diff.structure',
  'edit.state', 'edit.end', 'edit.list', 'locks.discover', 'locks.attach', 'locks.detach', 'locks.snapshot', 'locks.stopDemo',
  'merge.base', 'merge.preview', 'merge.abort', 'merge.cherryPickPreview',
  'records.pageAt', 'records.indexOf', 'query.check', 'keyspace.analyze',
];

describe('a read-only session', () => {
  it('classifies every contract method as reading or writing', () => {
    const all = Object.keys(contract).sort();
    expect([...READ_METHODS, ...WRITE_METHODS].sort()).toEqual(all);
    expect(READ_METHODS.filter((m) => WRITE_METHODS.has(m))).toEqual([]);
  });

  it('is refused every write-capable method, and the file and the disk stay as they were', async () => {
    const path = makeStore('ro.th');
    makeStore('demo.th');
    const before = digest(path);
    const tab = service.session({ readOnly: true });
    const opened = await tab.call('store.open', { path });
    if (!('result' in opened)) throw new Error(opened.error.message);
    const { storeId } = opened.result;
    expect(await tab.call('store.open', { path, readOnly: false })).toMatchObject({ error: { code: 'READ_ONLY' } });
    const params: Record<string, unknown> = {
      'edit.begin': { storeId },
      'edit.stage': { storeId, change: { op: 'put', key: { json: ['x'] }, value: { json: 1 } } },
      'edit.unstage': { storeId, id: 0 },
      'edit.import': { storeId, path: join(dir, 'in.jsonl') },
      'edit.stageValueFromFile': { storeId, key: { json: ['x'] }, path: path },
      'edit.commit': { storeId, message: 'm' },
      'edit.discard': { storeId },
      'versions.revert': { storeId, version: 2 },
      'versions.undo': { storeId },
      'snapshots.create': { storeId, name: 'snap', version: 2 },
      'branches.create': { storeId, name: 'b', from: 2 },
      'records.export': { storeId, format: 'jsonl', path: join(dir, 'out.jsonl'), overwrite: true },
      'locks.startDemo': { clients: 2, seconds: 5 },
      'merge.commit': { storeId, theirs: 'main', resolutions: [], others: 'ours' },
      'merge.cherryPick': { storeId, version: 2 },
    };
    for (const method of WRITE_METHODS) {
      expect(method in params, `${method} has test params`).toBe(true);
      const outcome = await tab.call(method, params[method]);
      expect(outcome, method).toEqual({ error: { code: 'READ_ONLY', message: `${method} is not allowed: this session is read-only (the server was started with --read-only)` } });
    }
    expect(digest(path)).toBe(before);
    expect(() => statSync(join(dir, 'out.jsonl'))).toThrow();
    // Reading still works.
    expect(await tab.call('records.page', { storeId })).toMatchObject({ result: { rows: [{}, {}] } });
    // The same calls from a writable session go through (the refusal is the session's mode).
    const rw = service.session();
    const o = await rw.call('store.open', { path, readOnly: false });
    expect(o).toMatchObject({ result: { readOnly: false } });
    tab.close();
    rw.close();
  });
});

describe('a session ending', () => {
  it('releases the writer lock of a store it opened for writing: the CLI can write afterwards', async () => {
    const path = makeStore('tab.th');
    const tab = service.session();
    const opened = await tab.call('store.open', { path });
    if (!('result' in opened)) throw new Error(opened.error.message);
    expect(await tab.call('edit.begin', { storeId: opened.result.storeId })).toMatchObject({ result: { readOnly: false } });
    const locked = cliPut(path);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/open for writing by process/);
    tab.close();
    expect(cliPut(path)).toMatchObject({ code: 0 });
    await expect(service.call('store.info', { storeId: opened.result.storeId })).resolves.toMatchObject({ error: { code: 'UNKNOWN_STORE' } });
  });

  it('ends only its own edit mode: another tab keeps the file open, read-only, and hears it', async () => {
    const path = makeStore('shared.th');
    const a = service.session();
    const b = service.session();
    const inA = await a.call('store.open', { path });
    const inB = await b.call('store.open', { path });
    if (!('result' in inA) || !('result' in inB)) throw new Error('open failed');
    expect(inB.result.storeId).toBe(inA.result.storeId);
    await a.call('edit.begin', { storeId: inA.result.storeId });
    const heard: boolean[] = [];
    service.events.on((e) => {
      if (e.type === 'edit.state') heard.push(e.state.readOnly);
    });
    a.close();
    expect(heard).toEqual([true]);
    expect(await b.call('edit.state', { storeId: inB.result.storeId })).toMatchObject({ result: { readOnly: true } });
    expect(cliPut(path)).toMatchObject({ code: 0 });
    // Tab B follows the CLI's commit.
    await waitFor(async () => {
      const info = await b.call('store.info', { storeId: inB.result.storeId });
      return 'result' in info && info.result.versions === 4;
    }, 20_000, 'tab B to see the CLI commit');
    // B closing a store only A had opened does nothing; its own close does.
    b.close();
    expect(await service.call('store.info', { storeId: inB.result.storeId })).toMatchObject({ error: { code: 'UNKNOWN_STORE' } });
  });

  it('over the serve host: closing the WebSocket releases the lock of the tab\'s edit mode', async () => {
    const path = makeStore('socket.th');
    const handle = await startServe({ files: [], allowDirs: [dir], rendererDir: join(dir, 'bundle'), demoPath: null });
    try {
      const url = `${handle.origin.replace(/^http/, 'ws')}/api`;
      const ws = await new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${handle.token}` } });
        socket.once('open', () => resolve(socket));
        socket.once('error', reject);
      });
      let next = 0;
      const rpc = (method: string, params: unknown): Promise<WireMessage> => new Promise((resolve) => {
        const id = ++next;
        const onMessage = (data: Buffer): void => {
          const reply = JSON.parse(data.toString()) as WireMessage;
          if ('id' in reply && reply.id === id) {
            ws.off('message', onMessage);
            resolve(reply);
          }
        };
        ws.on('message', onMessage);
        ws.send(JSON.stringify({ id, method, params }));
      });
      const opened = await rpc('store.open', { path });
      if (!('result' in opened)) throw new Error(JSON.stringify(opened));
      const { storeId } = opened.result as { storeId: string };
      expect(await rpc('edit.begin', { storeId })).toMatchObject({ result: { readOnly: false } });
      expect(cliPut(path).code).toBe(1);
      ws.close();
      // The server sees the close a moment later; then the lock is gone.
      await waitFor(() => cliPut(path).code === 0, 20_000, 'the writer lock to be released');
      const s = Store.open(path, { readOnly: true });
      expect(s.versions().length).toBe(4);
      s.close();
    } finally {
      await handle.close();
    }
  });
});

describe('edit mode entered and left without a change', () => {
  it('writes nothing: the file keeps its bytes and its modification time', async () => {
    const path = makeStore('toggle.th');
    const before = { digest: digest(path), mtime: statSync(path).mtimeMs, size: statSync(path).size };
    const opened = await service.call('store.open', { path });
    if (!('result' in opened)) throw new Error(opened.error.message);
    const { storeId } = opened.result;
    for (let i = 0; i < 3; i++) {
      expect(await service.call('edit.begin', { storeId })).toMatchObject({ result: { readOnly: false } });
      expect(await service.call('edit.end', { storeId })).toMatchObject({ result: { readOnly: true } });
    }
    await service.call('store.close', { storeId });
    expect({ digest: digest(path), mtime: statSync(path).mtimeMs, size: statSync(path).size }).toEqual(before);
  });
});
