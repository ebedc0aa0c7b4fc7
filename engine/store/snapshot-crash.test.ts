import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../index';
import { snapshotCrashOp } from '../testing/snapshot-crash-writer';
import { prng } from '../testing/test-support';

/**
 * Crash trials for snapshots that ride in commit records: a child (snapshot-crash-writer.ts)
 * commits, names commits, takes bursts of standalone snapshots and deletes some, under an
 * automatic-snapshot policy, and reports each operation once it has returned. We SIGKILL it
 * right after a snapshot was acknowledged (while it works on the next commit), reopen, and check:
 * every acknowledged snapshot is there with its version's content; nothing half-exists (a burst
 * is all there or not at all, a commit's name exists exactly when the commit does); the policy's
 * snapshots are within its retention. Nothing is timed: the kill follows a line the child printed.
 */

const TRIALS = Number(process.env.SNAPSHOT_CRASH_TRIALS ?? 12);
const SEED = 20261206;
const WRITER = fileURLToPath(new URL('../testing/snapshot-crash-writer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Ack {
  readonly i: number;
  readonly op: string;
  readonly version: number;
  readonly names: readonly string[];
}

/** Runs the writer and SIGKILLs it `delayMs` after its `nth` acknowledged snapshot. Returns its acknowledgements. */
function runUntilKilled(file: string, seed: number, nth: number, delayMs: number): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, file, String(seed)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const acks: Ack[] = [];
    let partial = '';
    let stderr = '';
    let seen = 0;
    let armed = false;
    // Not an assertion: a guard so that a wedged child cannot hang the suite.
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        if (!line.startsWith('A ')) continue;
        const [, i, op, version, ...names] = line.split(' ');
        acks.push({ i: Number(i), op, version: Number(version), names });
        if ((op === 'snapshots' || op === 'commit+snapshot') && ++seen === nth && !armed) {
          armed = true;
          setTimeout(() => child.kill('SIGKILL'), delayMs);
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') reject(new Error(`writer ended on its own: ${stderr.slice(0, 500)}`));
      else resolve(acks);
    });
  });
}

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-snapcrash-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('snapshots survive a SIGKILL between a snapshot and the next commit', () => {
  it(`${TRIALS} trials: every acknowledged snapshot is there, none half-exists`, async () => {
    const r = prng(SEED);
    const trials = Array.from({ length: TRIALS }, (_, t) => ({ t, seed: SEED + t, nth: 1 + Math.floor(r() * 25), delay: Math.floor(r() * 3) }));
    for (const { t, seed, nth, delay } of trials) {
      const file = path.join(dir, `t${t}.th`);
      const acks = await runUntilKilled(file, seed, nth, delay);
      const why = `trial ${t} (seed ${seed}, kill after snapshot ${nth} + ${delay} ms)`;
      expect(acks.length, why).toBeGreaterThan(0);
      // The model: which commit created which version, which user snapshots are acknowledged.
      const versionOfCommit = new Map<number, number>();
      const expected = new Map<string, number>();
      for (const a of acks) {
        if (a.op === 'commit' || a.op === 'commit+snapshot') versionOfCommit.set(a.i, a.version);
        if (a.op === 'commit+snapshot' || a.op === 'snapshots') for (const n of a.names) expected.set(n, a.version);
        if (a.op === 'delete') for (const n of a.names) expected.delete(n);
      }
      const last = acks[acks.length - 1];
      const inFlight = { i: last.i + 1, op: snapshotCrashOp(seed, last.i + 1) };
      const lastVersion = Math.max(...versionOfCommit.values());

      const store = Store.open(file);
      try {
        expect(store.verify().ok, why).toBe(true);
        const head = store.head().id;
        expect(head === lastVersion || head === lastVersion + 1, why).toBe(true);
        const inFlightCommitLanded = head === lastVersion + 1;
        if (inFlightCommitLanded) versionOfCommit.set(inFlight.i, head);
        const keysUpTo = (v: number): number => [...versionOfCommit.values()].filter((x) => x <= v).length;
        const list = store.snapshots();
        const byName = new Map(list.map((s) => [s.name, s]));
        // Every acknowledged user snapshot survived (the in-flight op may be a delete of one of them).
        const missing = [...expected.keys()].filter((n) => !byName.has(n));
        expect(missing.length <= (inFlight.op === 'delete' ? 1 : 0), `${why}: missing ${missing.join(', ')}`).toBe(true);
        for (const [name, version] of expected) if (byName.has(name)) expect(byName.get(name)?.version, `${why}: ${name}`).toBe(version);
        // Nothing half-exists: the in-flight op's names are all there or none, and a commit's
        // own name exists exactly when the commit does.
        const unexpected = list.filter((s) => !s.automatic && !expected.has(s.name)).map((s) => s.name);
        if (inFlight.op === 'snapshots') {
          expect([[], [`s${inFlight.i}a`, `s${inFlight.i}b`]], `${why}: ${unexpected.join(', ')}`).toContainEqual(unexpected.sort());
        } else if (inFlight.op === 'commit+snapshot') {
          expect(unexpected, why).toEqual(inFlightCommitLanded ? [`c${inFlight.i}`] : []);
        } else {
          expect(unexpected, why).toEqual([]);
        }
        // Every snapshot listed reads as its version: exactly the keys committed up to it.
        for (const s of list) {
          const view = store.at(s.name);
          expect(view.count(), `${why}: ${s.name}`).toBe(keysUpTo(s.version));
        }
        // The policy's snapshots: within its retention (keep the last 4), each at a real version.
        const autos = list.filter((s) => s.automatic);
        expect(autos.length, why).toBeGreaterThan(0);
        expect(autos.length, why).toBeLessThanOrEqual(4);
        expect(store.snapshotPolicy(), why).toMatchObject({ everyCommits: 3, keepLast: 4 });
        // The recovered store goes on: a named commit after the crash.
        store.put(Buffer.from('after'), Buffer.from('crash'), { snapshot: 'after-crash' });
        expect(store.at('after-crash').get(Buffer.from('after'))?.toString()).toBe('crash');
      } finally {
        store.close();
      }
      fs.rmSync(file, { force: true });
      fs.rmSync(`${file}.lock`, { force: true });
    }
  });
});
