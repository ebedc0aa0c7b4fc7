import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileStateError, Store } from '../index';
import { thrown } from '../testing/test-support';

/**
 * Crash safety of `Store.create`: a child creates a store and SIGKILLs itself just before its
 * k-th system call on files, for every k. Afterwards the path holds either nothing — and
 * `create` then succeeds, removing the dead child's temp file — or a complete store that opens,
 * passes verify() and holds version 1 — and `create` then says it exists. Never a partial file
 * that `create` refuses and `open` rejects.
 */

const CHILD = fileURLToPath(new URL('../testing/create-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function runChild(file: string, killAt: number, level = 'syscall'): Promise<{ out: string; err: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, String(killAt), level], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c: string) => {
      out += c;
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => {
      err += c;
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => resolve({ out, err, signal }));
  });
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-create-crash-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** After a killed create of `file`: nothing there (then create works) or a complete store (then create refuses). */
function checkAfterKill(file: string, outcomes: { absent: number; complete: number }): void {
  if (!fs.existsSync(file)) {
    outcomes.absent++;
    // The name is free: create works, and clears the dead child's temp file.
    Store.create(file).close();
  } else {
    outcomes.complete++;
    const store = Store.open(file, { readOnly: true });
    try {
      expect(store.verify().ok).toBe(true);
      expect(store.head().id).toBe(1);
    } finally {
      store.close();
    }
    expect(thrown(() => Store.create(file))).toBeInstanceOf(FileStateError);
  }
  const left = fs.readdirSync(path.dirname(file)).filter((n) => n.startsWith(`${path.basename(file)}.create-`));
  expect(left, 'temp files after the next create').toEqual([]);
}

describe('a create killed at every step', () => {
  it('leaves no store or a complete one, never a partial file', async () => {
    const probe = await runChild(path.join(dir, 'probe.th'), -1);
    const total = Number(/calls (\d+)/.exec(probe.out)?.[1]);
    const linked = Number(/linked (\d+)/.exec(probe.out)?.[1]);
    expect(total, probe.err).toBeGreaterThan(5);
    expect(linked).toBeGreaterThan(0);
    const outcomes = { absent: 0, complete: 0 };
    const failures: string[] = [];
    // Every call up to the one that names the store and a few after (the directory flush, the first open).
    const steps = Array.from({ length: Math.min(total, linked + 6) }, (_, k) => k);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < steps.length) {
        const k = steps[next++];
        const file = path.join(dir, `c${k}.th`);
        try {
          const run = await runChild(file, k);
          if (run.signal !== 'SIGKILL') throw new Error(`child was not killed at call ${k}: ${run.err.slice(0, 300)}`);
          checkAfterKill(file, outcomes);
        } catch (e) {
          failures.push(`kill before call ${k}: ${(e as Error).message}`);
        } finally {
          fs.rmSync(file, { force: true });
          fs.rmSync(`${file}.lock`, { force: true });
          for (const n of fs.readdirSync(dir)) if (n.startsWith(`c${k}.th.`)) fs.rmSync(path.join(dir, n), { force: true });
        }
      }
    };
    await Promise.all([worker(), worker()]);
    expect(failures).toEqual([]);
    // Kills landed both before the store got its name and after.
    expect(outcomes.absent).toBeGreaterThan(0);
    expect(outcomes.complete).toBeGreaterThan(0);
  });
});

describe('a create killed between the writes of the new file', () => {
  it('at every write and flush of the file itself: no partial store at the path', async () => {
    const probe = await runChild(path.join(dir, 'probe2.th'), -1, 'storefile');
    const total = Number(/calls (\d+)/.exec(probe.out)?.[1]);
    expect(total, probe.err).toBeGreaterThan(2);
    const outcomes = { absent: 0, complete: 0 };
    const failures: string[] = [];
    // The new file's own writes and flush come first; the store's first open after them.
    for (let k = 0; k < Math.min(total, 6); k++) {
      const file = path.join(dir, `w${k}.th`);
      try {
        const run = await runChild(file, k, 'storefile');
        if (run.signal !== 'SIGKILL') throw new Error(`child was not killed at call ${k}: ${run.err.slice(0, 300)}`);
        checkAfterKill(file, outcomes);
      } catch (e) {
        failures.push(`kill before StoreFile call ${k}: ${(e as Error).message}`);
      } finally {
        for (const n of fs.readdirSync(dir)) if (n === `w${k}.th` || n.startsWith(`w${k}.th.`)) fs.rmSync(path.join(dir, n), { force: true });
      }
    }
    expect(failures).toEqual([]);
  });
});
