/**
 * The locks.* contract on the service: bad requests answered with one line, and discover /
 * attach / snapshot / stream / detach against a real `thunderhead workload` child process,
 * including the process exiting under an attachment, service close, and the contention demo.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../engine/index';
import type { EventOf, ServiceEvent } from '../contract';
import { advertPath } from '../monitor/advert';
import { startWorkload, waitFor, type WorkloadChild } from '../monitor/testing';
import { createService, type Service } from './index';
import { callers } from './testing';

let dir: string;
let service: Service;
let events: ServiceEvent[];
const children: WorkloadChild[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'th-locks-'));
  service = createService({ host: 'test', allowedPlaces: { files: [], dirs: [tmpdir()] }, pollIntervalMs: 50, demoPath: join(dir, 'demo.th') });
  events = [];
  service.events.on((e) => events.push(e));
});

afterEach(() => {
  service.close();
  for (const w of children.splice(0)) w.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const { ok, fails } = callers(() => service);

function store(name: string): string {
  const path = join(dir, name);
  Store.create(path).close();
  return path;
}

async function workload(path: string, args: string[] = ['--clients', '4', '--seconds', '0', '--deadlocks', '--hot-keys', '16']): Promise<WorkloadChild> {
  const w = await startWorkload(path, args);
  children.push(w);
  return w;
}

/** Demo copies left in the temp folder by this test's demos (none once each has ended). */
const demoCopies = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('thunderhead-demo-') && existsSync(join(tmpdir(), n, 'contention-demo.th')) && !baseline.has(n));
let baseline = new Set<string>();
beforeEach(() => {
  baseline = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('thunderhead-demo-')));
});

const of = <T extends ServiceEvent['type']>(type: T): EventOf<T>[] => events.filter((e): e is EventOf<T> => e.type === type);

describe('locks.* bad requests', () => {
  it('answers BAD_REQUEST with one line naming the field', async () => {
    expect(await fails('locks.discover', {})).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/locks\.discover/) });
    expect((await fails('locks.discover', { path: '' })).code).toBe('BAD_REQUEST');
    expect((await fails('locks.discover', { path: 7 })).code).toBe('BAD_REQUEST');
    // A NUL byte cannot be in a file name: refused up front, not reported as a 'stale' advert.
    expect(await fails('locks.discover', { path: 'a\0b' })).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/NUL/) });
    // The demo runs on its own copy: a request cannot point it at a file.
    expect(await fails('locks.startDemo', { path: join(dir, 'x.th') })).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/unknown field\(s\) path/) });
    expect((await fails('locks.discover', { path: 'a', storeId: 's1' })).code).toBe('BAD_REQUEST');
    expect((await fails('locks.attach', { path: 'x', extra: 1 })).code).toBe('BAD_REQUEST');
    expect((await fails('locks.detach', {})).message).toMatch(/attachmentId is required/);
    expect((await fails('locks.snapshot', { attachmentId: 'a1', limit: 0 })).message).toMatch(/limit must be a positive integer/);
    expect((await fails('locks.snapshot', { attachmentId: 'a1', limit: 5000 })).message).toMatch(/limit must be at most 1000/);
    expect((await fails('locks.snapshot', { attachmentId: 'a1', offset: -1 })).message).toMatch(/offset must be a non-negative integer/);
    expect((await fails('locks.snapshot', { attachmentId: 'a1', buckets: 10_000 })).message).toMatch(/buckets must be at most 512/);
    expect((await fails('locks.startDemo', { clients: 0 })).code).toBe('BAD_REQUEST');
    // One client cannot deadlock: refused by the schema, not an INTERNAL failure of the workload.
    expect(await fails('locks.startDemo', { clients: 1 })).toEqual({ code: 'BAD_REQUEST', message: 'bad request to locks.startDemo: clients must be at least 2 (a deadlock takes two clients)' });
    expect((await fails('locks.startDemo', { seconds: 1.5 })).code).toBe('BAD_REQUEST');
  });

  it('answers NOT_FOUND for unknown attachments and absent monitors, UNKNOWN_STORE for unknown stores', async () => {
    expect((await fails('locks.snapshot', { attachmentId: 'a99' })).code).toBe('NOT_FOUND');
    expect(await ok('locks.detach', { attachmentId: 'a99' })).toEqual({ detached: false });
    const path = store('quiet.th');
    expect(await ok('locks.discover', { path })).toEqual({ path, advertPath: advertPath(path), status: 'absent' });
    const absent = await fails('locks.attach', { path });
    expect(absent.code).toBe('NOT_FOUND');
    expect(absent.message).toMatch(/thunderhead(\.mjs)? workload/);
    expect((await fails('locks.discover', { storeId: 's404' })).code).toBe('UNKNOWN_STORE');
    expect((await fails('locks.startDemo', {})).message).toMatch(/does not exist: create it with `(npx thunderhead|thunderhead|node \S+thunderhead\.mjs) demo/);
    expect(await ok('locks.stopDemo', {})).toEqual({ stopped: false });
  });

  it('refuses a demo whose demo store is a directory or not a store, in one line, and leaves no copy', async () => {
    const demo = join(dir, 'demo.th');
    mkdirSync(demo);
    expect(await fails('locks.startDemo', { seconds: 1 })).toEqual({ code: 'INVALID_ARGUMENT', message: `${demo} is not a file, so not a Thunderhead store` });
    rmSync(demo, { recursive: true });
    writeFileSync(demo, 'not a store\n');
    const error = await fails('locks.startDemo', { seconds: 1 });
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/contention-demo\.th is not a Thunderhead store/);
    expect(demoCopies()).toEqual([]);
  }, 30_000);
});

describe('attached to a workload process', () => {
  it('discovers by store id, attaches, streams decoded batches, snapshots pages, detaches', async () => {
    const path = store('live.th');
    const w = await workload(path);
    const opened = await ok('store.open', { path });
    expect(await ok('locks.discover', { storeId: opened.storeId })).toMatchObject({ status: 'live', pid: w.child.pid, path });

    const attached = await ok('locks.attach', { storeId: opened.storeId });
    expect(attached).toMatchObject({ attachmentId: expect.any(String), pid: w.child.pid, path });
    await waitFor(() => of('lock.events').some((e) => e.batch.deadlocks.length > 0 && e.batch.sample.length > 0), 30_000, 'a batch with a deadlock');
    const batch = of('lock.events').find((e) => e.batch.sample.length > 0)!;
    expect(batch.attachmentId).toBe(attached.attachmentId);
    const sampled = batch.batch.sample[0];
    // Keys arrive as hex plus their tuple decoding.
    expect(sampled.from).toMatchObject({ decoded: true, json: ['workload', expect.any(Number)] });
    expect(JSON.parse(JSON.stringify(batch))).toEqual(batch);

    const snap = await ok('locks.snapshot', { attachmentId: attached.attachmentId, limit: 3, buckets: 8 });
    expect(snap.groups.limit).toBe(3);
    expect(snap.groups.rows.length).toBeLessThanOrEqual(3);
    expect(snap.stats.deadlocks).toBeGreaterThan(0);
    for (const row of snap.groups.rows) expect(row.from.decoded).toBe(true);
    for (const w2 of snap.timeline) expect(w2.from.json).toEqual(['workload', expect.any(Number)]);
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);

    expect(await ok('locks.detach', { attachmentId: attached.attachmentId })).toEqual({ detached: true });
    expect(of('lock.detached')).toEqual([{ type: 'lock.detached', attachmentId: attached.attachmentId, reason: 'detached' }]);
    expect((await fails('locks.snapshot', { attachmentId: attached.attachmentId })).code).toBe('NOT_FOUND');
    const quiet = of('lock.events').length;
    await new Promise((r) => setTimeout(r, 300));
    expect(of('lock.events').length).toBe(quiet);
  }, 90_000);

  it('emits lock.detached when the process exits, and on service close', async () => {
    const path = store('exit.th');
    const w = await workload(path, ['--clients', '2', '--seconds', '0']);
    const first = await ok('locks.attach', { path });
    w.child.kill('SIGTERM');
    await waitFor(() => of('lock.detached').length > 0, 20_000, 'lock.detached');
    expect(of('lock.detached')[0]).toMatchObject({ attachmentId: first.attachmentId, reason: expect.stringMatching(/closed|refuses|gone/) });
    expect(await w.exited).toBe(0);
    expect((await ok('locks.discover', { path })).status).toBe('absent');

    const again = await workload(path, ['--clients', '2', '--seconds', '0']);
    const second = await ok('locks.attach', { path });
    service.close();
    expect(of('lock.detached').at(-1)).toEqual({ type: 'lock.detached', attachmentId: second.attachmentId, reason: 'the inspector service closed' });
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  }, 90_000);

  it('names a stale advert when attaching', async () => {
    const path = store('stale.th');
    const w = await workload(path, ['--clients', '1', '--seconds', '0']);
    w.child.kill('SIGKILL');
    await w.exited;
    expect(await ok('locks.discover', { path })).toMatchObject({ status: 'stale', staleReason: expect.stringMatching(/not running/) });
    expect((await fails('locks.attach', { path })).message).toMatch(/stale: process \d+ is not running/);
  }, 60_000);
});

describe('locks.startDemo', () => {
  it('runs on a temporary copy, never the demo itself; Stop ends it and removes the copy', async () => {
    const demo = store('demo.th');
    const versionsBefore = Store.open(demo, { readOnly: true });
    const before = { versions: versionsBefore.versions().length, size: statSync(demo).size, bytes: readFileSync(demo) };
    versionsBefore.close();
    const started = await ok('locks.startDemo', { clients: 3, seconds: 60 });
    expect(started.path).not.toBe(demo);
    expect(started.path.startsWith(tmpdir())).toBe(true);
    expect(started).toMatchObject({ discovery: { status: 'live', pid: started.pid } });
    const attached = await ok('locks.attach', { file: started.file });
    await waitFor(() => of('lock.events').some((e) => e.attachmentId === attached.attachmentId && e.batch.counts.deadlock > 0), 30_000, 'a demo deadlock');
    // The copy took the commits; the demo everyone browses took none.
    const copy = Store.open(started.path, { readOnly: true });
    await waitFor(() => (copy.refresh(), copy.versions().length > before.versions), 30_000, 'commits on the copy');
    copy.close();
    const after = Store.open(demo, { readOnly: true });
    expect(after.versions().length).toBe(before.versions);
    after.close();
    expect(readFileSync(demo).equals(before.bytes)).toBe(true);
    expect(statSync(demo).size).toBe(before.size);
    expect(existsSync(advertPath(demo))).toBe(false);

    expect(await ok('locks.stopDemo', {})).toEqual({ stopped: true });
    expect(existsSync(started.path)).toBe(false);
    expect(demoCopies()).toEqual([]);
    expect(of('lock.demoEnded')).toEqual([{ type: 'lock.demoEnded', path: started.path, reason: 'stopped' }]);
    expect(await ok('locks.stopDemo', {})).toEqual({ stopped: false });
  }, 90_000);

  it('stops when its session ends (a closed tab), and only that session\'s demo', async () => {
    store('demo.th');
    const tabA = service.session();
    const tabB = service.session();
    const a = await tabA.call('locks.startDemo', { clients: 2, seconds: 120 });
    const b = await tabB.call('locks.startDemo', { clients: 2, seconds: 120 });
    if (!('result' in a) || !('result' in b)) throw new Error('demo did not start');
    expect(a.result.path).not.toBe(b.result.path);
    tabA.close();
    await waitFor(() => !existsSync(a.result.path) && of('lock.demoEnded').length === 1, 20_000, 'tab A\'s demo to stop');
    expect(of('lock.demoEnded')[0]).toMatchObject({ path: a.result.path, reason: 'its session ended' });
    // Tab B's demo runs on; stopping from tab A's (ended) session cannot reach it.
    expect(existsSync(b.result.path)).toBe(true);
    expect((await tabA.call('locks.stopDemo', {}))).toMatchObject({ error: { code: 'CLOSED' } });
    service.close();
    await waitFor(() => !existsSync(b.result.path), 20_000, 'tab B\'s demo to stop with the service');
    expect(demoCopies()).toEqual([]);
  }, 90_000);
});
