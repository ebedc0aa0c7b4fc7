import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeValue, Store } from '../index';
import { prng } from '../testing/test-support';
import { DOCS, docKey } from '../testing/merge-crash-writer';

/**
 * Crash trials for merge commits: a child (engine/testing/merge-crash-writer.ts) changes one field of every
 * document on main and another on topic, then merges topic into main (a field-level merge of
 * every document), round after round, and reports each merge once it has returned. We SIGKILL
 * it a few milliseconds after its nth acknowledged merge (so inside the next round's commits or
 * merge), reopen, and check: verify() passes; every acknowledged merge is there with parents
 * [main's round commit, topic's round commit]; every merge commit on disk — acknowledged or
 * not — holds the complete merge of its round (a = b = round in every document), never half of
 * it; main's head is such a merge or a commit after it. Nothing is timed: the kill follows a line
 * the child printed.
 */

const TRIALS = 4;
const SEED = 1717;
const WRITER = fileURLToPath(new URL('../testing/merge-crash-writer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the writer, SIGKILLs it `delayMs` after its `nth` acknowledged merge; returns round → version acknowledged. */
function runUntilKilled(file: string, nth: number, delayMs: number): Promise<Map<number, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const acks = new Map<number, number>();
    let partial = '';
    let stderr = '';
    // Not an assertion: a guard so that a wedged child cannot hang the suite.
    const guard = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        if (!line.startsWith('M ')) continue;
        const [, round, version] = line.split(' ').map(Number);
        acks.set(round, version);
        if (acks.size === nth) setTimeout(() => child.kill('SIGKILL'), delayMs);
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
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-mergecrash-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('merge commits under SIGKILL', () => {
  it(`keeps every acknowledged merge and never half of one (${TRIALS} trials)`, async () => {
    const r = prng(SEED);
    for (let t = 0; t < TRIALS; t++) {
      const file = path.join(dir, `t${t}.th`);
      const nth = 1 + Math.floor(r() * 3);
      const delay = Math.floor(r() * 30);
      const acks = await runUntilKilled(file, nth, delay);
      expect(acks.size).toBeGreaterThanOrEqual(nth);
      const store = Store.open(file);
      try {
        expect(store.verify().problems).toEqual([]);
        const versions = store.versions();
        const byId = new Map(versions.map((v) => [v.id, v]));
        const merges = versions.filter((v) => v.parents.length === 2);
        for (const [round, id] of acks) expect(byId.get(id)?.message).toBe(`merge round ${round}`);
        for (const m of merges) {
          const round = Number(/^merge round (\d+)$/.exec(m.message)?.[1]);
          expect(m.parents.map((p) => byId.get(p)?.message)).toEqual([`round ${round} on main`, `round ${round} on topic`]);
          const view = store.at(m.id);
          for (let j = 0; j < DOCS; j++) expect(decodeValue(view.get(docKey(j)) as Buffer)).toEqual({ j, a: round, b: round });
        }
        const head = store.head();
        const lastMerge = Math.max(...merges.map((m) => m.id));
        expect(head.id === lastMerge || head.message.endsWith('on main')).toBe(true);
      } finally {
        store.close();
        fs.rmSync(file, { force: true });
      }
    }
  });
});
