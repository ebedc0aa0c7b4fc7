/**
 * `thunderhead workload` (and the inspector's contention demo, which runs it) commits without a
 * flush per commit, for speed, and must leave the user's file durable when it stops: close()
 * flushes in every mode. Counted at the engine's file layer in-process, and — where strace is
 * installed — as real fdatasync/fsync system calls of the command run as a process.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fileCalls } from '../../engine/store/file';
import { REPO_ROOT, run, runProcess, tempDir } from './testing';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => {
  tmp.remove();
});
const original = { ...fileCalls };
afterEach(() => {
  Object.assign(fileCalls, original);
});

const hasStrace = spawnSync('strace', ['-V'], { encoding: 'utf8' }).status === 0;

describe('workload durability', () => {
  it('flushes the store when it stops: nothing written is left unflushed', async () => {
    const file = tmp.path('flush.th');
    expect((await run(['create', file])).code).toBe(0);
    const calls: { op: 'write' | 'sync'; fd: number }[] = [];
    fileCalls.writeSync = ((fd: number, ...rest: unknown[]) => {
      calls.push({ op: 'write', fd });
      return (original.writeSync as (...a: unknown[]) => number)(fd, ...rest);
    }) as typeof fileCalls.writeSync;
    fileCalls.fdatasyncSync = (fd: number) => {
      calls.push({ op: 'sync', fd });
      original.fdatasyncSync(fd);
    };
    const result = await run(['workload', file, '--clients', '2', '--seconds', '1', '--hot-keys', '8', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) as string) as { committed: number };
    expect(summary.committed).toBeGreaterThan(0);
    const fds = new Set(calls.filter((c) => c.op === 'write').map((c) => c.fd));
    expect(fds.size).toBeGreaterThan(0);
    for (const fd of fds) {
      const last = calls.map((c) => c.fd === fd).lastIndexOf(true);
      expect(calls[last], `the last call on fd ${fd} is a flush`).toEqual({ op: 'sync', fd });
    }
  }, 60_000);

  it.skipIf(!hasStrace)('as a process: the kernel sees fdatasync calls (strace)', () => {
    const file = tmp.path('strace.th');
    expect(runProcess(['create', file]).code).toBe(0);
    const log = tmp.path('strace.log');
    const traced = spawnSync('strace', ['-f', '-qq', '-e', 'trace=fsync,fdatasync', '-o', log, process.execPath, join(REPO_ROOT, 'bin', 'thunderhead.mjs'),
      'workload', file, '--clients', '2', '--seconds', '1', '--hot-keys', '8', '--json'], { encoding: 'utf8', timeout: 60_000 });
    expect(traced.status, traced.stderr).toBe(0);
    const syncs = readFileSync(log, 'utf8').split('\n').filter((l) => /\b(fdatasync|fsync)\(/.test(l));
    expect(syncs.length).toBeGreaterThan(0);
  }, 60_000);
});
