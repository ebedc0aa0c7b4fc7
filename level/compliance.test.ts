/**
 * The abstract-level compliance suite (shipped in abstract-level's test/ directory, run with
 * tape as its README prescribes) against ThunderheadLevel: every test, including the same
 * suite again on a sublevel, on real store files in a temp directory.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { ThunderheadLevel } from './index';

/** A tape output row (objectMode): a test starting, an assertion, or a test ending. */
interface TapeRow {
  readonly type: 'test' | 'assert' | 'end';
  readonly ok?: boolean;
  readonly name?: string;
  readonly id?: number;
  readonly test?: number;
  readonly skip?: boolean | string;
  readonly todo?: boolean | string;
  readonly actual?: unknown;
  readonly expected?: unknown;
}

interface TapeHarness {
  (name: string, fn: (t: unknown) => unknown): void;
  createStream(options: { objectMode: true }): NodeJS.ReadableStream;
}

const require = createRequire(import.meta.url);
const tape = require('tape') as { createHarness(): TapeHarness };
const suite = require('abstract-level/test') as (options: { test: TapeHarness; factory: (options?: object) => unknown }) => void;

// The suite creates ~1,500 stores and commits thousands of times, each creation and commit
// fsynced; on a disk that is most of two minutes, in memory (tmpfs) a few seconds. It checks
// Level semantics, not power loss (engine/store's crash tests do that), so memory is right.
const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const dir = mkdtempSync(join(base, 'thunderhead-level-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('abstract-level compliance suite passes on ThunderheadLevel', async () => {
  const harness = tape.createHarness();
  const names = new Map<number, string>();
  const failures: string[] = [];
  let passed = 0;
  let skipped = 0;
  let tests = 0;
  const made: string[] = [];
  let n = 0;
  const done = new Promise<void>((resolve, reject) => {
    const stream = harness.createStream({ objectMode: true });
    stream.on('data', (row: TapeRow) => {
      if (row.type === 'test' && row.id !== undefined) {
        names.set(row.id, row.name ?? '');
        tests++;
      } else if (row.type === 'end') {
        // Each store file is 8 MiB (the engine preallocates): remove a test's files when it ends.
        for (const path of made.splice(0)) for (const file of [path, `${path}.lock`]) rmSync(file, { force: true });
      } else if (row.type === 'assert') {
        if (row.skip || row.todo) skipped++;
        else if (row.ok) passed++;
        else failures.push(`${names.get(row.test ?? -1) ?? '?'}: ${row.name ?? ''} (expected ${JSON.stringify(row.expected)}, got ${JSON.stringify(row.actual)})`);
      }
    });
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  suite({
    test: harness,
    factory: (options) => {
      const path = join(dir, `db-${n++}.th`);
      made.push(path);
      return new ThunderheadLevel(path, options);
    },
  });
  await done;
  console.log(`abstract-level suite: ${tests} tests, ${passed} assertions passed, ${failures.length} failed, ${skipped} skipped`);
  expect(failures.slice(0, 20)).toEqual([]);
  // The suite really ran (thousands of assertions), not an empty harness.
  expect(passed).toBeGreaterThan(1000);
});
