/**
 * `thunderhead workload` end to end as a real process: it commits, waits, breaks real deadlocks,
 * reports them, leaves a consistent store and no advert behind; bad arguments are one line.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../engine/index';
import { advertPath } from '../monitor/advert';
import { lines, run, runProcess, tempDir } from './testing';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => {
  tmp.remove();
});

function expectOneLineError(result: { stderr: string }, pattern: RegExp): void {
  expect(lines(result.stderr)).toHaveLength(1);
  expect(result.stderr).toMatch(/^thunderhead: /);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\bat .*\.(ts|js|mjs):\d+/);
}

describe('thunderhead workload', () => {
  it('runs clients with deadlocks: commits, counts real deadlocks, and leaves no advert and a sound store', () => {
    const file = tmp.path('w.th');
    expect(runProcess(['create', file]).code).toBe(0);
    const result = runProcess(['workload', file, '--clients', '6', '--seconds', '2', '--hot-keys', '32', '--deadlocks', '--range-locks', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const out = lines(result.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out[0]).toMatchObject({ type: 'start', advert: advertPath(file), clients: 6 });
    expect(out.filter((o) => o.type === 'tick').length).toBeGreaterThanOrEqual(1);
    const summary = out.at(-1) as Record<string, number | string | boolean>;
    expect(summary.type).toBe('summary');
    expect(summary.committed as number).toBeGreaterThan(0);
    expect(summary.transactions).toBe((summary.committed as number) + (summary.readOnly as number));
    expect(summary.txPerS as number).toBeGreaterThan(0);
    expect(summary.lockRequests as number).toBeGreaterThan(summary.committed as number);
    expect(summary.deadlocks as number).toBeGreaterThan(0);
    expect(summary.aborted as number).toBeGreaterThanOrEqual(summary.deadlocks as number);
    expect(summary.interrupted).toBe(false);
    expect(existsSync(advertPath(file))).toBe(false);

    // The commits landed: the hot keys exist, and the tree passes its checks.
    const store = Store.open(file, { readOnly: true });
    try {
      expect(store.info().versions).toBeGreaterThan(summary.committed as number);
      expect(store.count({})).toBeGreaterThan(0);
    } finally {
      store.close();
    }
    expect(runProcess(['check', file]).code).toBe(0);
  }, 60_000);

  it('prints a human summary and no deadlocks without --deadlocks (keys are locked in order)', () => {
    const file = tmp.path('calm.th');
    expect(runProcess(['create', file]).code).toBe(0);
    const result = runProcess(['workload', file, '--clients', '4', '--seconds', '1', '--hot-keys', '8']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^workload on .*: 4 clients, 8 hot keys; 1 s$/m);
    expect(result.stdout).toMatch(/^monitor: unix socket .*calm\.th\.monitor\.sock/m);
    expect(result.stdout).toMatch(/^done: [1-9]\d* transactions in .*; [1-9]\d* committed writes, \d+ read-only\), .* 0 deadlocks/m);
  }, 60_000);

  it('rejects bad arguments with one line', async () => {
    const file = tmp.path('args.th');
    Store.create(file).close();
    for (const [args, pattern] of [
      [['workload', file, '--clients', '0'], /--clients.*positive integer/],
      [['workload', file, '--seconds', 'soon'], /--seconds.*seconds/],
      [['workload', file, '--seconds', '-1'], /--seconds/],
      [['workload', file, '--hot-keys', 'x'], /--hot-keys/],
      [['workload', file, '--clients', '5000'], /at most 1024/],
      [['workload', file, '--deadlocks', '--clients', '1'], /at least 2 clients/],
      [['workload'], /missing required argument/],
    ] as const) {
      const result = await run([...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expectOneLineError(result, pattern);
    }
    const missing = await run(['workload', tmp.path('nope.th')]);
    expect(missing.code).toBe(1);
    expectOneLineError(missing, /no such store/);
    const foreign = tmp.path('foreign.bin');
    writeFileSync(foreign, Buffer.alloc(8192, 7));
    const notStore = await run(['workload', foreign, '--seconds', '1']);
    expect(notStore.code).toBe(1);
    expectOneLineError(notStore, /not a Thunderhead store/);
    expect(existsSync(advertPath(foreign))).toBe(false);
  });

  it('refuses a store another process writes, naming it', () => {
    const file = tmp.path('held.th');
    const store = Store.create(file);
    try {
      const result = runProcess(['workload', file, '--seconds', '1']);
      expect(result.code).toBe(1);
      expectOneLineError(result, new RegExp(`process ${process.pid}`));
      expect(existsSync(advertPath(file))).toBe(false);
    } finally {
      store.close();
    }
  }, 30_000);
});
