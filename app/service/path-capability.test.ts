/**
 * Path capabilities on the service with the serve host's policy: every method that names a file
 * reaches only the files named on the command line and the `--allow-dir` folders (by where a
 * path really leads), or a handle granted for that use. Refusals read the same whether or not
 * the file exists. The list of path-taking methods is read from the contract, so a new one
 * fails here until it is covered.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { Store } from '../../engine/index';
import { encodeKey, encodeValue } from '../../engine/records/index';
import { contract } from '../contract';
import type { Method, ServiceErrorData } from '../contract';
import { createService } from './index';
import type { Service } from './index';
import { callers } from './testing';

let root: string;
let allowed: string;
let outside: string;
let service: Service;

/** The fields of a request schema (objects, refined objects, unions of objects). */
function fieldsOf(schema: z.ZodType): Set<string> {
  const out = new Set<string>();
  const walk = (s: unknown): void => {
    const def = (s as { _zod?: { def?: { type?: string; shape?: Record<string, unknown>; options?: unknown[]; in?: unknown; innerType?: unknown } } })._zod?.def;
    if (!def) return;
    if (def.type === 'object' && def.shape) for (const k of Object.keys(def.shape)) out.add(k);
    if (def.type === 'union' && def.options) for (const o of def.options) walk(o);
    if (def.type === 'pipe') walk(def.in);
    if (def.innerType) walk(def.innerType);
  };
  walk(schema);
  return out;
}

/** Methods whose requests name a file (`path`, `file` or `dir`). */
const PATH_METHODS = (Object.keys(contract) as Method[]).filter((m) => {
  const f = fieldsOf(contract[m].request as unknown as z.ZodType);
  return f.has('path') || f.has('file') || f.has('dir');
}).sort();

function makeStore(path: string): string {
  const s = Store.create(path, { durable: false });
  s.put(encodeKey(['k', 1]), encodeValue({ v: 1 }), { message: 'one' });
  s.close();
  return path;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'th-cap-'));
  allowed = join(root, 'allowed');
  outside = join(root, 'outside');
  mkdirSync(allowed);
  mkdirSync(outside);
  service = createService({ host: 'serve', pollIntervalMs: 60_000, allowedPlaces: { files: [join(root, 'named.th')], dirs: [allowed] } });
});

afterEach(() => {
  service.close();
  rmSync(root, { recursive: true, force: true });
});

const { ok, fails } = callers(() => service);

/** A request to `method` naming `target` (a typed path), with whatever else it needs. */
async function request(method: Method, target: { path: string } | { file: string }, storeId: string): Promise<ServiceErrorData | 'ok'> {
  const params: Record<Method, unknown> = {} as Record<Method, unknown>;
  params['store.open'] = { ...target };
  params['records.export'] = { storeId, format: 'jsonl', ...target, overwrite: true };
  params['edit.import'] = { storeId, ...target };
  params['edit.stageValueFromFile'] = { storeId, key: { json: ['x'] }, ...target };
  params['host.reveal'] = { ...target };
  params['locks.discover'] = { ...target };
  params['locks.attach'] = { ...target };
  params['host.grantDropped'] = 'path' in target ? { path: target.path } : { path: '/' };
  params['files.list'] = 'file' in target ? { dir: target.file } : {};
  const outcome = await service.call(method, params[method]);
  return 'error' in outcome ? outcome.error : 'ok';
}

describe('path-taking methods (serve policy)', () => {
  it('are exactly the ones this test covers', () => {
    expect(PATH_METHODS).toEqual([
      'edit.import', 'edit.stageValueFromFile', 'files.list', 'host.grantDropped', 'host.reveal',
      'locks.attach', 'locks.discover', 'records.export', 'store.forgetRecent', 'store.open',
    ]);
  });

  it('refuse every typed path outside the allowed places, the same whether the file exists or not', async () => {
    const { storeId } = await ok('store.open', { path: makeStore(join(allowed, 'a.th')) });
    const secret = join(outside, 'id_ed25519');
    writeFileSync(secret, 'PRIVATE KEY\n');
    const rc = join(outside, '.bashrc');
    writeFileSync(rc, 'export PATH=/usr/bin\n');
    const store = makeStore(join(outside, 'other.th'));
    for (const method of ['store.open', 'records.export', 'edit.import', 'edit.stageValueFromFile', 'host.reveal', 'locks.discover', 'locks.attach'] as const) {
      for (const path of [secret, rc, store, join(outside, 'missing.th'), '/etc/passwd', join(allowed, '..', 'outside', 'other.th')]) {
        const error = await request(method, { path }, storeId);
        expect(error, `${method} ${path}`).not.toBe('ok');
        const e = error as ServiceErrorData;
        expect(e.code, `${method} ${path}`).toBe('FORBIDDEN');
        // One message for existing and missing files: the refusal cannot probe the disk.
        expect(e.message, `${method} ${path}`).toBe(`${path} is outside the places this server may reach (the files named on its command line and folders given with --allow-dir)`);
      }
    }
    // Nothing was read or replaced.
    expect(readFileSync(rc, 'utf8')).toBe('export PATH=/usr/bin\n');
    expect((await ok('edit.state', { storeId })).changes).toEqual([]);
    // store.forgetRecent's path only names an entry of the recent list: nothing on disk is touched.
    expect(await ok('store.forgetRecent', { path: secret })).toMatchObject({ files: expect.any(Array) });
    expect(readFileSync(secret, 'utf8')).toBe('PRIVATE KEY\n');
    // Drops are Electron's; serve has no paths to grant from them.
    expect(await request('host.grantDropped', { path: secret }, storeId)).toMatchObject({ code: 'UNSUPPORTED' });
  });

  it('follow symlinks to where they lead: a link inside an allowed folder to a file outside is refused', async () => {
    const { storeId } = await ok('store.open', { path: makeStore(join(allowed, 'a.th')) });
    const secret = join(outside, 'secret.jsonl');
    writeFileSync(secret, '{"key": ["s"], "value": "secret"}\n');
    symlinkSync(secret, join(allowed, 'link.jsonl'));
    symlinkSync(outside, join(allowed, 'dirlink'));
    for (const path of [join(allowed, 'link.jsonl'), join(allowed, 'dirlink', 'secret.jsonl'), join(allowed, 'dirlink', 'new.jsonl')]) {
      expect((await request('edit.import', { path }, storeId) as ServiceErrorData).code, path).toBe('FORBIDDEN');
      expect((await request('records.export', { path }, storeId) as ServiceErrorData).code, path).toBe('FORBIDDEN');
    }
    expect(existsSync(join(outside, 'new.jsonl'))).toBe(false);
  });

  it('reach the named files and what is inside the allowed folders', async () => {
    const named = makeStore(join(root, 'named.th'));
    expect((await ok('store.open', { path: named })).path).toBe(named);
    const { storeId } = await ok('store.open', { path: makeStore(join(allowed, 'a.th')), readOnly: false });
    await ok('edit.begin', { storeId });
    writeFileSync(join(allowed, 'in.jsonl'), '{"key": ["i"], "value": 1}\n');
    writeFileSync(join(allowed, 'value.json'), '{"big": true}');
    expect((await ok('edit.import', { storeId, path: join(allowed, 'in.jsonl') })).change.keys).toBe(1);
    expect((await ok('edit.stageValueFromFile', { storeId, key: { json: ['v'] }, path: join(allowed, 'value.json'), encoding: 'json' })).change.keys).toBe(1);
    expect(await ok('locks.discover', { path: join(allowed, 'a.th') })).toMatchObject({ status: 'absent' });
    // A named file is readable, but not a place to write next to.
    expect((await request('records.export', { path: join(root, 'named.jsonl') }, storeId) as ServiceErrorData).code).toBe('FORBIDDEN');
    // No file manager in serve: reveal is refused after the path check, as unsupported.
    expect(await request('host.reveal', { path: join(allowed, 'a.th') }, storeId)).toMatchObject({ code: 'UNSUPPORTED' });
  });

  it('export creates 0600 files and replaces only the chosen file, only with overwrite', async () => {
    const { storeId } = await ok('store.open', { path: makeStore(join(allowed, 'a.th')) });
    const oldMask = process.umask(0o022);
    try {
      const target = join(allowed, 'out.jsonl');
      await ok('records.export', { storeId, format: 'jsonl', path: target });
      expect(statSync(target).mode & 0o777).toBe(0o600);
      writeFileSync(join(allowed, 'keep.jsonl'), 'mine\n');
      const refused = await fails('records.export', { storeId, format: 'jsonl', path: join(allowed, 'keep.jsonl') });
      expect(refused.code).toBe('FILE_STATE');
      expect(readFileSync(join(allowed, 'keep.jsonl'), 'utf8')).toBe('mine\n');
      chmodSync(join(allowed, 'keep.jsonl'), 0o644);
      await ok('records.export', { storeId, format: 'jsonl', path: join(allowed, 'keep.jsonl'), overwrite: true });
      expect(statSync(join(allowed, 'keep.jsonl')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(allowed, 'keep.jsonl'), 'utf8')).toContain('"key"');
    } finally {
      process.umask(oldMask);
    }
  });

  it('take handles only for the use they were granted for; unknown handles are refused', async () => {
    const { storeId } = await ok('store.open', { path: makeStore(join(allowed, 'a.th')) });
    const forged = 'fh_AAAAAAAAAAAAAAAAAAAAAA';
    for (const method of ['store.open', 'records.export', 'edit.import', 'edit.stageValueFromFile', 'host.reveal', 'locks.discover', 'locks.attach', 'files.list'] as const) {
      expect(await request(method, { file: forged }, storeId), method).toEqual({ code: 'FORBIDDEN', message: 'unknown file handle: choose the file again' });
    }
    // The picker: the allowed places, then a folder's entries, each a handle for its use.
    const places = await ok('files.list', {});
    expect(places.entries.map((e) => [e.kind, e.ref.path])).toEqual([['dir', allowed], ['file', join(root, 'named.th')]]);
    writeFileSync(join(allowed, 'rows.jsonl'), '{"key": ["r"], "value": 2}\n');
    symlinkSync(join(outside), join(allowed, 'escape'));
    const listing = await ok('files.list', { dir: places.entries[0]!.ref.file });
    expect(listing.entries.map((e) => e.ref.name)).toEqual(['a.th', 'rows.jsonl']);
    const rows = listing.entries.find((e) => e.ref.name === 'rows.jsonl')!.ref.file;
    expect((await ok('edit.import', { storeId, file: rows })).change.keys).toBe(1);
    // A file's handle is not a folder's, nor a save target.
    expect((await request('files.list', { file: rows }, storeId) as ServiceErrorData).code).toBe('FORBIDDEN');
    expect((await request('records.export', { file: rows }, storeId) as ServiceErrorData).code).toBe('FORBIDDEN');
    // Recent files come back with a handle where the policy allows them.
    const named = makeStore(join(root, 'named.th'));
    await ok('store.open', { path: named });
    expect((await ok('store.recent', {})).files.every((f) => typeof f.file === 'string')).toBe(true);
  });

  it('refuse a typed path, and name the way to choose, when the host takes handles only', async () => {
    const electronLike = createService({ host: 'electron', pollIntervalMs: 60_000 });
    try {
      const path = makeStore(join(allowed, 'a.th'));
      const outcome = await electronLike.call('store.open', { path });
      expect(outcome).toEqual({ error: { code: 'FORBIDDEN', message: 'this host opens only files you choose (Open…, drag and drop, recent files); typed paths are not accepted' } });
      expect(await electronLike.call('files.list', {})).toMatchObject({ error: { code: 'UNSUPPORTED' } });
    } finally {
      electronLike.close();
    }
  });
});
