import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store, VersionNotFoundError } from '../index';
import { buildStore, digestOf, digestOfModel, modelRetained, type VersionModel } from '../testing/compact-child';
import { prng } from '../testing/test-support';

/**
 * Crash safety of compaction: a child process compacts a copy of one deterministic store and is
 * SIGKILLed at a random moment — either at a random progress step (it kills itself, which lands
 * in every phase: plan, copy, catalog, sync, just before and just after the rename) or after a
 * random delay. Afterwards the file at the path must open, pass verify(), and hold either the
 * old content (every version) or the compacted content (exactly the retained versions, no
 * unreachable byte) — never a mixture, never neither. Every version present reads as the model
 * says. The next compaction removes the temp file a killed one left behind.
 *
 * CRASH_TRIALS (default 20 here) and CRASH_SEED pick the trials, as in crash.test.ts; the
 * kill moments are random, nothing is timed.
 */

const TRIALS = Number(process.env.CRASH_TRIALS ?? 20);
const SEED = Number(process.env.CRASH_SEED ?? 20261125);
const CONCURRENCY = Math.max(2, Math.min(4, os.cpus().length + 1));
const CHILD = fileURLToPath(new URL('../testing/compact-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let dir: string;
let base: string;
let model: VersionModel;
/** Progress callbacks of a full compaction per keep (the kill step is drawn below it, plus a few past the end). */
const stepsFor = new Map<number, number>();

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-compact-crash-'));
  base = path.join(dir, 'base.th');
  model = buildStore(base);
  for (const keep of [0, 2, 5]) {
    const copy = path.join(dir, `steps-${keep}.th`);
    fs.copyFileSync(base, copy);
    const s = Store.open(copy);
    let steps = 0;
    s.compact({ keep, onProgress: () => void steps++ });
    s.close();
    stepsFor.set(keep, steps);
    fs.rmSync(copy);
  }
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Run {
  readonly lines: string[];
  readonly killed: boolean;
  readonly stderr: string;
}

/** Runs the compacting child; kills it `delayMs` after `ready` when given (it may also kill itself). */
function runChild(file: string, keep: number, killAt: number, delayMs: number | null): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'compact', file, String(keep), String(killAt)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let stderr = '';
    let partial = '';
    let timer: NodeJS.Timeout | null = null;
    // Not an assertion: only a guard so a wedged child cannot hang the suite.
    const guard = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (line === 'ready' && delayMs !== null) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      resolve({ lines, killed: signal === 'SIGKILL', stderr });
    });
  });
}

type Outcome = 'old' | 'compacted';

function checkAfterCrash(file: string, keep: number): Outcome {
  const all = [...model.records.keys()].sort((a, b) => a - b);
  const kept = [...modelRetained(model, keep)].sort((a, b) => a - b);
  const store = Store.open(file);
  try {
    expect(store.verify().problems, 'verify() after the kill').toEqual([]);
    const ids = store.versions().map((v) => v.id).sort((a, b) => a - b);
    const outcome: Outcome = ids.length === all.length ? 'old' : 'compacted';
    expect(ids, 'the versions are the old set or the compacted set').toEqual(outcome === 'old' ? all : kept);
    for (const id of ids) expect(digestOf(store.at(id).scan()), `version ${id}`).toBe(digestOfModel(model.records.get(id) as Map<string, string>));
    for (const [name, id] of model.branches) expect(store.head(name).id).toBe(id);
    expect(store.snapshots().map((s) => [s.name, s.version])).toEqual([...model.snapshots.entries()]);
    if (outcome === 'compacted') {
      expect(store.spaceUsage().unreachableBytes).toBe(0);
      for (const id of all.filter((x) => !kept.includes(x))) expect(() => store.at(id)).toThrow(VersionNotFoundError);
    }
    // The next compaction succeeds, removes any temp file left behind, and gives the compacted set.
    store.compact({ keep });
    expect(store.versions().map((v) => v.id).sort((a, b) => a - b)).toEqual(kept);
    expect(store.verify().ok).toBe(true);
    return outcome;
  } finally {
    store.close();
  }
}

describe('compaction crash safety (SIGKILL at random moments)', () => {
  it(`the file is the old store or the compacted one, never neither (${TRIALS} trials)`, async () => {
    const jobs = Array.from({ length: TRIALS }, (_, t) => async (): Promise<{ error: string | null; outcome: Outcome | null; killed: boolean }> => {
      const r = prng(SEED * 17 + t * 7919);
      const keep = [0, 2, 5][Math.floor(r() * 3)];
      const steps = stepsFor.get(keep) as number;
      // Two thirds: the child kills itself at a random progress step (a few past the end: it completes);
      // one third: a random delay after it is ready.
      const byStep = r() < 2 / 3;
      const killAt = byStep ? Math.floor(r() * (steps + 3)) : -1;
      const delay = byStep ? null : Math.floor(r() * 400);
      const file = path.join(dir, `trial-${t}.th`);
      fs.copyFileSync(base, file);
      try {
        const run = await runChild(file, keep, killAt, delay);
        if (!run.lines.includes('ready')) throw new Error(`child did not start: ${run.stderr.slice(0, 400)}`);
        if (!run.killed && !run.lines.some((l) => l.startsWith('done'))) throw new Error(`child failed: ${run.stderr.slice(0, 400)}`);
        const outcome = checkAfterCrash(file, keep);
        if (!run.killed) expect(outcome).toBe('compacted');
        expect(fs.readdirSync(dir).filter((f) => f.startsWith(`trial-${t}.th.compact-`)), 'temp files after the next compaction').toEqual([]);
        return { error: null, outcome, killed: run.killed };
      } catch (e) {
        const how = byStep ? `kill at step ${killAt} of ${steps}` : `kill ${delay} ms after ready`;
        return { error: `trial ${t} (CRASH_SEED=${SEED}, keep ${keep}, ${how}): ${(e as Error).message}`, outcome: null, killed: false };
      } finally {
        fs.rmSync(file, { force: true });
        fs.rmSync(`${file}.lock`, { force: true });
      }
    });
    const results: { error: string | null; outcome: Outcome | null; killed: boolean }[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, jobs.length) }, async () => {
      while (next < jobs.length) results.push(await jobs[next++]());
    }));
    expect(results.filter((x) => x.error).map((x) => x.error)).toEqual([]);
    if (results.length >= 10) {
      // Both outcomes occur: kills land before and after the rename.
      expect(results.filter((x) => x.killed && x.outcome === 'old').length).toBeGreaterThan(0);
      expect(results.filter((x) => x.outcome === 'compacted').length).toBeGreaterThan(0);
    }
  }, Math.max(180_000, TRIALS * 8_000));
});
