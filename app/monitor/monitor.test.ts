/**
 * The monitor end to end: a real `thunderhead workload` child process, attached to over its
 * Unix socket; a SIGKILLed process's advert recognised as stale; the TCP fallback and the
 * protocol's refusals (wrong token, unknown or mutating commands, garbage) in-process.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockManager, Store } from '../../engine/index';
import { tempDir } from '../cli/testing';
import { advertPath, readAdvert, socketPath, writeAdvert } from './advert';
import { connectMonitor, discoverMonitor } from './client';
import { MONITOR_FORMAT, type MonitorAdvert, type WireBatch, type WireSnapshot } from './protocol';
import { startMonitor } from './server';
import { startWorkload, waitFor } from './testing';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => {
  tmp.remove();
});

function advertOf(file: string): MonitorAdvert {
  const read = readAdvert(file);
  if (read === null || 'problem' in read) throw new Error(`no usable advert beside ${file}`);
  return read.advert;
}

function freshStore(name: string): string {
  const file = tmp.path(name);
  Store.create(file).close();
  return file;
}

describe('monitor of a live workload process', () => {
  it('attaches, snapshots, streams batches with deadlocks, detaches; the advert goes when the process stops', async () => {
    const file = freshStore('live.th');
    const w = await startWorkload(file, ['--clients', '6', '--seconds', '0', '--deadlocks', '--range-locks', '--hot-keys', '16']);
    try {
      const found = await discoverMonitor(file);
      expect(found).toMatchObject({ status: 'live', pid: w.child.pid, transport: 'unix', hostname: hostname() });
      expect(statSync(advertPath(file)).mode & 0o077).toBe(0);

      const batches: WireBatch[] = [];
      let closedReason: string | null = null;
      const client = await connectMonitor(advertOf(file), {
        onBatch: (b) => batches.push(b),
        onClose: (reason) => (closedReason = reason),
      });
      expect(client.hello).toMatchObject({ format: MONITOR_FORMAT, pid: w.child.pid });
      await client.subscribe();
      // Wait (with a generous limit) until real deadlocks have been streamed.
      await waitFor(() => batches.some((b) => b.deadlocks.length > 0), 30_000, 'a batch with a deadlock');
      const withDeadlock = batches.find((b) => b.deadlocks.length > 0)!;
      expect(withDeadlock.counts.deadlock).toBe(withDeadlock.deadlocks.length);
      expect(withDeadlock.deadlocks[0].cycle).toContain(withDeadlock.deadlocks[0].victim);
      const total = batches.reduce((s, b) => s + b.total, 0);
      expect(total).toBeGreaterThan(0);
      for (const b of batches) {
        expect(b.total).toBe(Object.values(b.counts).reduce((s, n) => s + n, 0));
        expect(b.sample.length).toBeLessThanOrEqual(200);
      }
      expect(batches.map((b) => b.seq)).toEqual([...batches.map((b) => b.seq)].sort((a, b) => a - b));

      const snap = await client.snapshot({ offset: 0, limit: 5, buckets: 16 });
      expect(snap.stats.requests).toBeGreaterThan(0);
      expect(snap.stats.deadlocks).toBeGreaterThan(0);
      expect(snap.deadlocks.length).toBeGreaterThan(0);
      expect(snap.groups.rows.length).toBeLessThanOrEqual(5);
      expect(snap.totals.locks).toBe(snap.totals.held + snap.totals.waiting);
      if (snap.totals.locks > 0) expect(snap.contention).toHaveLength(16);
      // The keys are the workload's tuples ["workload", i]: hex of a tuple encoding.
      for (const row of snap.groups.rows) expect(row.from).toMatch(/^[0-9a-f]+$/);
      expect(snap.timeline.length).toBeGreaterThan(0);

      client.close();
      expect(client.closed).toBe(true);
      expect(closedReason).toBeNull();
      // Still running after a client detached.
      expect((await discoverMonitor(file)).status).toBe('live');

      w.child.kill('SIGINT');
      expect(await w.exited).toBe(0);
      expect(existsSync(advertPath(file))).toBe(false);
      expect(existsSync(socketPath(file))).toBe(false);
      expect(w.stdout()).toMatch(/^interrupted: \d+ transactions in .* committed writes/m);
      expect((await discoverMonitor(file)).status).toBe('absent');
    } finally {
      w.child.kill('SIGKILL');
    }
  }, 90_000);

  it('tells an attached client when the process goes away', async () => {
    const file = freshStore('drop.th');
    const w = await startWorkload(file, ['--clients', '2', '--seconds', '0']);
    let reason: string | null = null;
    const client = await connectMonitor(advertOf(file), { onClose: (r) => (reason = r) });
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    await waitFor(() => reason !== null, 10_000, 'onClose');
    expect(client.closed).toBe(true);
    await expect(client.snapshot({ offset: 0, limit: 1, buckets: 1 })).rejects.toThrow();
  }, 60_000);

  it('recognises the advert of a SIGKILLed process as stale', async () => {
    const file = freshStore('killed.th');
    const w = await startWorkload(file, ['--clients', '2', '--seconds', '0']);
    const pid = w.child.pid;
    w.child.kill('SIGKILL');
    await w.exited;
    // SIGKILL skips every cleanup: the advert stays behind…
    expect(existsSync(advertPath(file))).toBe(true);
    const found = await discoverMonitor(file);
    // …and is recognised as stale because its pid is gone.
    expect(found).toMatchObject({ status: 'stale', pid });
    expect(found.staleReason).toMatch(/not running/);
    // A new workload replaces the stale advert and socket.
    const again = await startWorkload(file, ['--clients', '1', '--seconds', '0']);
    expect(await discoverMonitor(file)).toMatchObject({ status: 'live', pid: again.child.pid });
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  }, 60_000);

  it('calls an advert stale when its pid lives but its socket refuses, and absent or unreadable ones what they are', async () => {
    const file = tmp.path('refused.th');
    expect((await discoverMonitor(file)).status).toBe('absent');
    // Our own pid is alive, but nothing listens on that socket.
    writeAdvert({ format: MONITOR_FORMAT, pid: process.pid, hostname: hostname(), store: file, startedAt: 1, transport: 'unix', socket: socketPath(file), token: 't' });
    const found = await discoverMonitor(file);
    expect(found.status).toBe('stale');
    expect(found.staleReason).toMatch(/refuses/);
    writeFileSync(advertPath(file), '{ not json');
    expect(await discoverMonitor(file)).toMatchObject({ status: 'stale', staleReason: expect.stringMatching(/not JSON/) });
    writeFileSync(advertPath(file), JSON.stringify({ format: 'other/9' }));
    expect((await discoverMonitor(file)).staleReason).toMatch(/format/);
  });
});

describe('monitor at 50k locks', () => {
  it('sends one page of groups, not the table, and the totals stay exact', async () => {
    const file = tmp.path('big.th');
    const locks = new LockManager();
    const key = (i: number): Buffer => Buffer.from(`k${String(i).padStart(6, '0')}`);
    for (let i = 0; i < 50_000; i++) await locks.acquire(i + 1, { key: key(i) }, i % 3 ? 'shared' : 'exclusive');
    const waiters = Array.from({ length: 10 }, (_, i) => locks.acquire(100_000 + i, { key: key(i * 3) }, 'shared', { timeoutMs: 60_000 }));
    const server = await startMonitor({ path: file, locks });
    let replyBytes = 0;
    const raw = connect(server.advert.socket as string);
    raw.setEncoding('utf8');
    let buffered = '';
    raw.on('data', (c: string) => (buffered += c));
    try {
      raw.write(`${JSON.stringify({ id: 1, token: server.advert.token, cmd: 'snapshot', params: { offset: 49_990, limit: 200, buckets: 64 } })}\n`);
      await waitFor(() => buffered.includes('\n'), 30_000, 'the snapshot reply');
      replyBytes = Buffer.byteLength(buffered);
      const snap = (JSON.parse(buffered) as { result: WireSnapshot }).result;
      expect(snap.totals).toMatchObject({ locks: 50_010, held: 50_000, waiting: 10, groups: 50_000, transactions: 50_010, waitingTransactions: 10 });
      expect(snap.groups).toMatchObject({ offset: 49_990, limit: 200, total: 50_000 });
      expect(snap.groups.rows).toHaveLength(10);
      expect(snap.contention).toHaveLength(64);
      expect(snap.contention.reduce((s, b) => s + b.held + b.waiting, 0)).toBe(50_010);
      expect(snap.graph.edges).toHaveLength(10);
      // A page, not the table: far below the ~5 MB the full table would take as JSON.
      expect(replyBytes).toBeLessThan(100_000);
    } finally {
      raw.destroy();
      await server.close();
      for (let i = 0; i < 50_000; i++) locks.releaseAll(i + 1);
      await Promise.all(waiters);
      for (let i = 0; i < 10; i++) locks.releaseAll(100_000 + i);
    }
  }, 60_000);
});

describe('monitor protocol (in-process, TCP fallback)', () => {
  it('serves snapshots over 127.0.0.1 with a token and refuses everything else', async () => {
    const file = tmp.path('tcp.th');
    const locks = new LockManager();
    await locks.acquire(1, { key: Buffer.from('a') }, 'exclusive');
    const waiting = locks.acquire(2, { key: Buffer.from('a') }, 'shared', { timeoutMs: 60_000 });
    const server = await startMonitor({ path: file, locks, transport: 'tcp', batchIntervalMs: 20 });
    try {
      const advert = JSON.parse(readFileSync(advertPath(file), 'utf8')) as { transport: string; host: string; port: number; token: string };
      expect(advert).toMatchObject({ transport: 'tcp', host: '127.0.0.1' });
      expect(advert.token.length).toBeGreaterThanOrEqual(32);

      const client = await connectMonitor(server.advert);
      const snap = await client.snapshot({ offset: 0, limit: 10, buckets: 4 });
      expect(snap.groups.rows).toEqual([expect.objectContaining({ from: '61', to: '6100', shape: 'key', heldCount: 1, waitingCount: 1, heldMode: 'exclusive' })]);
      expect(snap.graph.edges).toEqual([{ waiter: 2, holder: 1, kind: 'held' }]);
      await expect(client.snapshot({ offset: 0, limit: 100_000, buckets: 4 })).rejects.toThrow(/limit must be an integer/);

      // Raw lines: wrong token, mutating or unknown commands, garbage.
      const raw = connect({ host: '127.0.0.1', port: advert.port });
      raw.setEncoding('utf8');
      let replies = '';
      raw.on('data', (c: string) => (replies += c));
      await new Promise<void>((r) => raw.once('connect', () => r()));
      raw.write('this is not json\n');
      raw.write(`${JSON.stringify({ id: 1, token: advert.token, cmd: 'releaseAll', params: { tx: 1 } })}\n`);
      raw.write(`${JSON.stringify({ id: 2, token: advert.token, cmd: 'acquire' })}\n`);
      raw.write(`${JSON.stringify({ id: 3, token: 'wrong', cmd: 'snapshot' })}\n`);
      await waitFor(() => replies.split('\n').filter(Boolean).length >= 4, 10_000, 'four replies');
      const lines = replies.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: number | null; error?: string });
      expect(lines[0]).toEqual({ id: null, error: 'request is not JSON' });
      expect(lines[1].error).toMatch(/unknown command "releaseAll"/);
      expect(lines[2].error).toMatch(/unknown command "acquire"/);
      expect(lines[3].error).toMatch(/wrong token/);
      raw.destroy();
      // Nothing changed: tx 1 still holds, tx 2 still waits.
      expect(locks.stats()).toMatchObject({ held: 1, waiting: 1 });

      const bad = await connectMonitor({ ...server.advert, token: 'nope' }).catch((e: Error) => e);
      expect((bad as Error).message).toMatch(/wrong token/);
      client.close();
    } finally {
      await server.close();
      locks.releaseAll(1);
      await waiting;
      locks.releaseAll(2);
    }
    expect(existsSync(advertPath(file))).toBe(false);
  });
});
