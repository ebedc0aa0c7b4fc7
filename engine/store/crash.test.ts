import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../index';
import { modelAt, type CrashConfig } from '../testing/crash-writer';
import { prng } from '../testing/test-support';

/**
 * Crash safety: a child process loads deterministic operations with a durable commit every N
 * of them and reports each commit once it has returned; we SIGKILL it at a random moment,
 * reopen the store for writing (which recovers the stale lock and cuts the torn tail) and check:
 * - verify() passes;
 * - the store holds exactly the records of one commit boundary, at or after the last commit the
 *   child reported (a reported commit is never lost, a partial batch is never visible), and at
 *   most one past it (only one commit can be in flight);
 * - older versions still read as their boundaries, and the recovered store takes new commits.
 *
 * CRASH_TRIALS (default 30; `npm run test:crash` runs 1000) and CRASH_SEED pick the trials;
 * CRASH_TRIAL=k reruns only trial k. The kill moments are random, the assertions never time anything.
 */

const TRIALS = Number(process.env.CRASH_TRIALS ?? 30);
const SEED = Number(process.env.CRASH_SEED ?? 20261125);
const BULK_TRIALS = Math.max(3, Math.ceil(TRIALS / 6));
/** Trials of a session without a flush per commit: a killed process loses nothing the kernel has. */
const RELAXED_TRIALS = Math.max(4, Math.ceil(TRIALS / 5));
const ONLY = process.env.CRASH_TRIAL === undefined ? null : Number(process.env.CRASH_TRIAL);
const CONCURRENCY = Math.max(2, Math.min(4, os.cpus().length + 1));
/** Per-test time limit: a guard for `npm run test:crash` (1000 trials), not an assertion about speed. */
const LIMIT_MS = (trials: number): number => Math.max(120_000, trials * 6_000);
const WRITER = fileURLToPath(new URL('../testing/crash-writer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

interface ChildRun {
  readonly lines: string[];
  readonly killed: boolean;
  readonly stderr: string;
}

/** Runs the writer; SIGKILLs it `delayMs` after it prints a line matching `trigger` (unless it ends first). */
function runWriter(cfg: CrashConfig, trigger: (line: string) => boolean, delayMs: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, JSON.stringify(cfg)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let partial = '';
    let stderr = '';
    let killed = false;
    let timer: NodeJS.Timeout | null = null;
    // Not an assertion: only a guard so that a wedged child cannot hang the suite.
    const guard = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, 90_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (timer === null && trigger(line)) {
          timer = setTimeout(() => {
            killed = child.kill('SIGKILL');
          }, delayMs);
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      resolve({ lines, killed, stderr });
    });
  });
}

function lastReported(lines: readonly string[]): number {
  let n = 0;
  for (const l of lines) {
    const m = /^C (\d+) (\d+)$/.exec(l);
    if (m) n = Number(m[1]);
  }
  return n;
}

function describeDiff(got: [string, Buffer][], want: Map<string, Buffer>): string | null {
  const exp = [...want.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (got.length !== exp.length) {
    const gotKeys = new Set(got.map((g) => g[0]));
    const missing = exp.filter(([k]) => !gotKeys.has(k)).slice(0, 3).map(([k]) => k);
    const extra = got.filter(([k]) => !want.has(k)).slice(0, 3).map(([k]) => k);
    return `${got.length} records, expected ${exp.length} (missing ${JSON.stringify(missing)}, extra ${JSON.stringify(extra)})`;
  }
  for (let i = 0; i < exp.length; i++) {
    if (got[i][0] !== exp[i][0]) return `record ${i} is ${JSON.stringify(got[i][0])}, expected ${JSON.stringify(exp[i][0])}`;
    if (!got[i][1].equals(exp[i][1])) return `value of ${JSON.stringify(exp[i][0])} differs`;
  }
  return null;
}

function records(view: { scan(): IterableIterator<{ key: Buffer; value: Buffer }> }): [string, Buffer][] {
  return [...view.scan()].map((e) => [e.key.toString('latin1'), e.value]);
}

/**
 * Reopens a killed writer's store and checks it against the commit boundaries.
 * `opsAfter(c)` is how many ops the first c commits cover.
 */
function checkRecovered(cfg: CrashConfig, run: ChildRun, opsAfter: (commits: number) => number, maxCommits: number, r: () => number): { commits: number } {
  const reported = lastReported(run.lines);
  const store = Store.open(cfg.file);
  try {
    const report = store.verify();
    expect(report.problems, 'verify() after recovery').toEqual([]);
    expect(report.ok).toBe(true);
    const commits = store.head().id - 1; // version 1 is the empty store made by create
    expect(commits, 'a reported commit was lost').toBeGreaterThanOrEqual(reported);
    expect(commits, 'more commits than the child can have made').toBeLessThanOrEqual(Math.min(maxCommits, reported + 1));
    const diff = describeDiff(records(store), modelAt(cfg, opsAfter(commits)));
    expect(diff, `head (after ${commits} commits) is not that commit boundary`).toBeNull();
    // An older version reads as its own boundary.
    if (commits > 0) {
      const c = Math.floor(r() * commits);
      const old = describeDiff(records(store.at(c + 1)), modelAt(cfg, opsAfter(c)));
      expect(old, `version ${c + 1} is not the boundary after ${c} commits`).toBeNull();
    }
    // The recovered store takes new commits and stays valid.
    store.put(Buffer.from('zz/after-crash'), Buffer.from('ok'));
  } finally {
    store.close();
  }
  const again = Store.open(cfg.file, { readOnly: true });
  try {
    expect(again.verify().ok).toBe(true);
    expect(again.get(Buffer.from('zz/after-crash'))?.toString()).toBe('ok');
    return { commits: again.head().id - 2 };
  } finally {
    again.close();
  }
}

async function pool<T>(n: number, jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, worker));
  return out;
}

interface TrialResult {
  readonly trial: number;
  readonly error: string | null;
  readonly killed: boolean;
  readonly reported: number;
  readonly commits: number;
}

async function trial(dir: string, mode: 'load' | 'bulk', t: number, durable = true): Promise<TrialResult> {
  const r = prng(SEED * 31 + t * 7919 + (mode === 'bulk' ? 1 : 0) + (durable ? 0 : 2));
  const file = path.join(dir, `${mode}-${durable ? '' : 'relaxed-'}${t}.th`);
  const nodeSize = pick(r, [256, 512, 1024]);
  const base = {
    file, seed: Math.floor(r() * 1e9), nodeSize, fanout: pick(r, [4, 6, 16]), bufferSize: pick(r, [256, 512, 2048]), blobThreshold: pick(r, [48, 200]),
    // Many large values make the writer cross the 1 MiB checkpoint interval within a trial.
    largeRate: pick(r, [0.05, 0.05, 0.4]),
    durable,
  };
  let cfg: CrashConfig;
  let opsAfter: (c: number) => number;
  let trigger: (line: string) => boolean;
  let when: string;
  let delay: number;
  let maxCommits: number;
  if (mode === 'load') {
    // 30% of trials: kill just after a given commit (some around the 256-commit checkpoint);
    // the rest: a random delay after the writer is ready.
    const afterCommit = r() < 0.3;
    const commitEvery = afterCommit ? pick(r, [1, 2, 5]) : pick(r, [1, 2, 5, 17, 60]);
    cfg = { ...base, mode, commitEvery, ops: 1_000_000 };
    opsAfter = (c) => c * commitEvery;
    maxCommits = Math.floor(cfg.ops / commitEvery);
    if (afterCommit) {
      const k = r() < 0.5 ? 1 + Math.floor(r() * 300) : 250 + Math.floor(r() * 12);
      trigger = (l) => l.startsWith(`C ${k} `);
      when = `commit ${k}`;
      delay = Math.floor(r() * 20);
    } else {
      trigger = (l) => l === 'ready';
      when = 'ready';
      delay = Math.floor(r() * 700);
    }
  } else {
    const commitEvery = 10;
    const baseCommits = 5;
    cfg = { ...base, mode, commitEvery, ops: baseCommits * commitEvery, bulkOps: 30_000 };
    opsAfter = (c) => (c <= baseCommits ? c * commitEvery : cfg.ops + (cfg.bulkOps ?? 0));
    maxCommits = baseCommits + 1;
    trigger = (l) => l === 'S';
    when = 'staged';
    delay = Math.floor(r() * 300);
  }
  let run: ChildRun | null = null;
  try {
    run = await runWriter(cfg, trigger, delay);
    if (!run.lines.includes('ready')) throw new Error(`writer did not start: ${run.stderr.slice(0, 500)}`);
    if (!run.killed && !run.lines.includes('done')) throw new Error(`writer failed: ${run.stderr.slice(0, 500)}`);
    const { commits } = checkRecovered(cfg, run, opsAfter, maxCommits, r);
    if (mode === 'bulk') expect([5, 6]).toContain(commits);
    return { trial: t, error: null, killed: run.killed, reported: lastReported(run.lines), commits };
  } catch (e) {
    const msg = `${mode} trial ${t} (CRASH_SEED=${SEED} CRASH_TRIAL=${t}; ${JSON.stringify({ ...cfg, file: undefined })}, kill ${delay} ms after ${when}): ${(e as Error).message}`;
    return { trial: t, error: msg, killed: run?.killed ?? false, reported: run ? lastReported(run.lines) : -1, commits: -1 };
  } finally {
    fs.rmSync(file, { force: true });
    fs.rmSync(`${file}.lock`, { force: true });
  }
}

function trialsOf(n: number): number[] {
  return ONLY !== null ? (ONLY < n ? [ONLY] : []) : Array.from({ length: n }, (_, i) => i);
}

describe('crash safety (SIGKILL at random moments)', () => {
  it(`recovers to a commit boundary at or after the last reported commit (${TRIALS} trials)`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-crash-'));
    try {
      const results = await pool(CONCURRENCY, trialsOf(TRIALS).map((t) => () => trial(dir, 'load', t)));
      expect(results.filter((x) => x.error).map((x) => x.error)).toEqual([]);
      if (results.length >= 10) {
        // The kills land while the writer works (not after a clean end) in most trials.
        expect(results.filter((x) => x.killed).length).toBeGreaterThan(results.length / 2);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, LIMIT_MS(TRIALS));

  it(`a kill during a durable: false session also keeps every reported commit (${RELAXED_TRIALS} trials)`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-crash-relaxed-'));
    try {
      const results = await pool(CONCURRENCY, trialsOf(RELAXED_TRIALS).map((t) => () => trial(dir, 'load', t, false)));
      expect(results.filter((x) => x.error).map((x) => x.error)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, LIMIT_MS(RELAXED_TRIALS * 2));

  it('a kill during one large commit leaves exactly the previous commit (or the whole new one)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-crash-bulk-'));
    try {
      const n = BULK_TRIALS;
      const results = await pool(CONCURRENCY, trialsOf(n).map((t) => () => trial(dir, 'bulk', t)));
      expect(results.filter((x) => x.error).map((x) => x.error)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, LIMIT_MS(BULK_TRIALS * 2));
});
