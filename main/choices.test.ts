/**
 * Path capabilities as the desktop app runs them, without the Electron binary: the service main
 * creates (no typed paths) with fake dialogs. Every method that names a file takes only a handle
 * granted for that use: the open dialog's for reading, the save dialog's for writing, a drop's
 * or the command line's for opening as a store.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../engine/index';
import { encodeKey, encodeValue } from '../engine/records/index';
import type { Method, Outcome, ServiceEvent } from '../app/contract';
import type { Service } from '../app/service/index';
import { createElectronService, offerOpen } from './choices';

let dir: string;
let service: Service;
let nextOpen: string | null;
let nextSave: string | null;
const revealed: string[] = [];

function makeStore(name: string): string {
  const path = join(dir, name);
  const s = Store.create(path, { durable: false });
  s.put(encodeKey(['k', 1]), encodeValue({ v: 1 }), { message: 'one' });
  s.close();
  return path;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'th-choices-'));
  nextOpen = null;
  nextSave = null;
  revealed.length = 0;
  service = createElectronService(
    { version: '0.0.0-test', initialFiles: [], demoPath: null },
    {
      chooseOpen: async () => nextOpen,
      chooseSave: async () => nextSave,
      reveal: (path) => (revealed.push(path), true),
      applyTheme: () => undefined,
    },
  );
});

afterEach(() => {
  service.close();
  rmSync(dir, { recursive: true, force: true });
});

async function result<M extends Method>(outcome: Promise<Outcome<M>>): Promise<Exclude<Outcome<M>, { error: unknown }> extends { result: infer R } ? R : never> {
  const o = await outcome;
  if ('error' in o) throw new Error(`${o.error.code} ${o.error.message}`);
  return o.result as never;
}

async function code(outcome: Promise<Outcome<Method>>): Promise<string> {
  const o = await outcome;
  return 'error' in o ? o.error.code : 'ok';
}

describe('the desktop app (Electron main)', () => {
  it('refuses every typed path: files come only from the user\'s choices', async () => {
    const store = makeStore('a.th');
    const secret = join(dir, 'id_ed25519');
    writeFileSync(secret, 'PRIVATE KEY\n');
    const rc = join(dir, '.bashrc');
    writeFileSync(rc, 'alias ls=ls\n');
    const chosen = await result(service.call('host.chooseOpenPath', {}));
    expect(chosen).toEqual({ path: null });
    nextOpen = store;
    const opened = await result(service.call('store.open', { file: (await result(service.call('host.chooseOpenPath', {}))).file! }));
    const { storeId } = opened;
    const typed: [Method, unknown][] = [
      ['store.open', { path: store }],
      ['edit.import', { storeId, path: secret }],
      ['edit.stageValueFromFile', { storeId, key: { json: ['x'] }, path: secret }],
      ['records.export', { storeId, format: 'jsonl', path: rc, overwrite: true }],
      ['host.reveal', { path: secret }],
      ['locks.discover', { path: store }],
      ['locks.attach', { path: store }],
    ];
    for (const [method, params] of typed) expect(await code(service.call(method, params)), method).toBe('FORBIDDEN');
    expect(readFileSync(rc, 'utf8')).toBe('alias ls=ls\n');
    expect(revealed).toEqual([]);
    expect(await code(service.call('files.list', {}))).toBe('UNSUPPORTED');
    expect((await result(service.call('app.info', {})))).toMatchObject({ host: 'electron', typedPaths: false, dialogs: true });
  });

  it('grants the open dialog\'s file for opening, importing and staging, not for writing', async () => {
    const store = makeStore('b.th');
    nextOpen = store;
    const openRef = await result(service.call('host.chooseOpenPath', {}));
    const { storeId } = await result(service.call('store.open', { file: openRef.file!, readOnly: false }));
    const rows = join(dir, 'rows.jsonl');
    writeFileSync(rows, '{"key": ["r"], "value": 1}\n');
    nextOpen = rows;
    const rowsRef = (await result(service.call('host.chooseOpenPath', {}))).file!;
    expect((await result(service.call('edit.import', { storeId, file: rowsRef }))).change.keys).toBe(1);
    expect((await result(service.call('edit.stageValueFromFile', { storeId, key: { json: ['v'] }, file: rowsRef }))).change.keys).toBe(1);
    expect(await code(service.call('records.export', { storeId, format: 'jsonl', file: rowsRef, overwrite: true }))).toBe('FORBIDDEN');
    expect(readFileSync(rows, 'utf8')).toBe('{"key": ["r"], "value": 1}\n');
    expect(await result(service.call('host.reveal', { file: rowsRef }))).toEqual({ ok: true });
    expect(revealed).toEqual([rows]);
    expect(await result(service.call('locks.discover', { file: openRef.file! }))).toMatchObject({ status: 'absent', path: store });
  });

  it('grants the save dialog\'s file for that export only (0600), and nothing else', async () => {
    const { storeId } = await result(service.call('store.open', { file: service.files.grant(makeStore('c.th'), 'store').file }));
    const target = join(dir, 'export.jsonl');
    nextSave = target;
    const saveRef = (await result(service.call('host.chooseSavePath', { format: 'jsonl' }))).file!;
    const done = await result(service.call('records.export', { storeId, format: 'jsonl', file: saveRef }));
    expect(done.rows).toBe(1);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    for (const [method, params] of [
      ['store.open', { file: saveRef }],
      ['edit.import', { storeId, file: saveRef }],
      ['edit.stageValueFromFile', { storeId, key: { json: ['x'] }, file: saveRef }],
      ['locks.attach', { file: saveRef }],
    ] as [Method, unknown][]) {
      expect(await code(service.call(method, params)), method).toBe('FORBIDDEN');
    }
  });

  it('grants a drop, the command line and Open Recent for opening as a store only', async () => {
    const store = makeStore('d.th');
    const secret = join(dir, 'notes.txt');
    writeFileSync(secret, 'private\n');
    const dropped = await result(service.call('host.grantDropped', { path: secret }));
    const { storeId } = await result(service.call('store.open', { file: service.files.grant(store, 'store').file }));
    expect(await code(service.call('edit.import', { storeId, file: dropped.file }))).toBe('FORBIDDEN');
    expect(await code(service.call('edit.stageValueFromFile', { storeId, key: { json: ['x'] }, file: dropped.file }))).toBe('FORBIDDEN');
    expect(await code(service.call('records.export', { storeId, format: 'jsonl', file: dropped.file, overwrite: true }))).toBe('FORBIDDEN');
    expect(readFileSync(secret, 'utf8')).toBe('private\n');
    // Opening it as a store is what a drop allows (and the file says it is none).
    expect(await code(service.call('store.open', { file: dropped.file }))).toBe('NOT_A_STORE');

    // Menu Open Recent / argv / a second instance: main grants and asks the window to open it.
    const events: ServiceEvent[] = [];
    service.events.on((e) => events.push(e));
    const ref = offerOpen(service, store);
    expect(events).toEqual([{ type: 'host.open', path: store, file: ref.file }]);
    expect((await result(service.call('store.open', { file: ref.file }))).path).toBe(store);
    const recent = await result(service.call('store.recent', {}));
    expect(recent.files[0]).toMatchObject({ path: store, file: expect.stringMatching(/^fh_/) });
    expect(await code(service.call('edit.import', { storeId, file: recent.files[0]!.file! }))).toBe('FORBIDDEN');
  });

  it('refuses handles it never granted, and session ends do not leave files open', async () => {
    const forged = 'fh_BBBBBBBBBBBBBBBBBBBBBB';
    for (const method of ['store.open', 'host.reveal', 'locks.discover', 'locks.attach'] as Method[]) {
      expect(await service.call(method, { file: forged }), method).toEqual({ error: { code: 'FORBIDDEN', message: 'unknown file handle: choose the file again' } });
    }
    const windowSession = service.session();
    const store = makeStore('e.th');
    const opened = await windowSession.call('store.open', { file: service.files.grant(store, 'store').file, readOnly: false });
    expect(opened).toMatchObject({ result: { readOnly: false } });
    expect(() => Store.open(store)).toThrow(/open for writing by process/);
    windowSession.close();
    // The window is gone: the writer lock with it, so another writer can open the file.
    const writer = Store.open(store);
    writer.close();
  });
});
