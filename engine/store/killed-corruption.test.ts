import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store, StoreError } from '../index';
import { decodeSuperblock, SUPERBLOCK_BYTES, SUPERBLOCK_OFFSETS } from '../format/header';
import { modelAt, type CrashConfig } from '../testing/crash-writer';
import { prng, skipVerifyOnCloseInThisFile } from '../testing/test-support';

// Every store here is damaged on purpose: closing it must not fail on what it was made to show.
skipVerifyOnCloseInThisFile();

/**
 * Single-bit flips in the written part of two real stores made by a child writer: one it closed
 * cleanly, and one it was SIGKILLed on with commits past its last checkpoint (which a reader
 * recovers by roll-forward). Every flip must be detected or harmless:
 * - the open refuses with a StoreError, or
 * - it opens up to the damage and says so (`store.damage`, a verify() problem), or
 * - verify() reports a problem, or
 * - it opens with every commit and the exact content: the flip hit nothing that matters.
 * Never fewer commits or wrong records without an error, never another error type. A writable
 * open must never cut committed data off: after it, a read-only open still has every commit.
 *
 * KILLED_FLIPS (default 120 per store) and KILLED_FLIP_SEED pick the flips; a larger soak is
 * `KILLED_FLIPS=2000 npx vitest run engine/store/killed-corruption.test.ts`.
 */

const FLIPS = Number(process.env.KILLED_FLIPS ?? 120);
const SEED = Number(process.env.KILLED_FLIP_SEED ?? 7070);
const WRITER = fileURLToPath(new URL('../testing/crash-writer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const COMMITS = 300;

interface Fixture {
  readonly bytes: Buffer;
  /** End of the written bytes. */
  readonly dataEnd: number;
  /** Committed length of the newest checkpoint: roll-forward starts here. */
  readonly checkpointEnd: number;
  readonly model: Map<string, Buffer>;
}

/** Runs the crash writer to its end; with `park`, kills it once it has committed everything. */
function makeStore(cfg: CrashConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, JSON.stringify(cfg)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c: string) => {
      out += c;
      if (cfg.park && /(^|\n)P\n/.test(out)) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => {
      err += c;
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      const finished = cfg.park ? signal === 'SIGKILL' && /(^|\n)P\n/.test(out) : /(^|\n)done\n/.test(out);
      if (finished) resolve();
      else reject(new Error(`writer failed: ${err.slice(0, 500)}`));
    });
  });
}

function fixtureOf(file: string, cfg: CrashConfig): Fixture {
  const bytes = fs.readFileSync(file);
  let dataEnd = bytes.length;
  while (dataEnd > 4096 && bytes[dataEnd - 1] === 0) dataEnd--;
  const sbs = SUPERBLOCK_OFFSETS.map((o) => decodeSuperblock(bytes.subarray(o, o + SUPERBLOCK_BYTES))).filter((s) => s !== null);
  const newest = sbs.sort((a, b) => b.sequence - a.sequence)[0];
  return { bytes, dataEnd, checkpointEnd: newest.committedLength, model: modelAt(cfg, COMMITS) };
}

let dir: string;
const fixtures = new Map<'closed' | 'killed', Fixture>();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-killed-flips-'));
  for (const kind of ['closed', 'killed'] as const) {
    const file = path.join(dir, `${kind}.th`);
    const cfg: CrashConfig = {
      mode: 'load', file, seed: 99, ops: COMMITS, commitEvery: 1, nodeSize: 512, fanout: 4, bufferSize: 512, blobThreshold: 64,
      largeRate: 0.05, park: kind === 'killed',
    };
    await makeStore(cfg);
    fs.rmSync(`${file}.lock`, { force: true });
    fixtures.set(kind, fixtureOf(file, cfg));
    fs.rmSync(file);
  }
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function sameContent(store: Store, model: Map<string, Buffer>): boolean {
  let n = 0;
  for (const e of store.scan()) {
    const want = model.get(e.key.toString('latin1'));
    if (!want || !want.equals(e.value)) return false;
    n++;
  }
  return n === model.size;
}

type Outcome = 'refused' | 'damage-reported' | 'verify-found' | 'harmless';

/** Opens a damaged copy read-only and classifies what happened; throws on a silent or untyped outcome. */
function examine(file: string, fx: Fixture): Outcome {
  let store: Store;
  try {
    store = Store.open(file, { readOnly: true });
  } catch (e) {
    if (e instanceof StoreError) return 'refused';
    throw new Error(`open threw ${(e as Error).constructor.name}: ${(e as Error).message}`);
  }
  try {
    const report = store.verify();
    if (store.damage) {
      if (!report.problems.some((p) => p.invariant === 'committed-data')) throw new Error('damage found at open but not reported by verify()');
      return 'damage-reported';
    }
    if (!report.ok) return 'verify-found';
    const head = store.head().id - 1;
    if (head !== COMMITS) throw new Error(`silently opened at commit ${head} of ${COMMITS}`);
    let same: boolean;
    try {
      same = sameContent(store, fx.model);
    } catch (e) {
      if (e instanceof StoreError) return 'verify-found';
      throw e;
    }
    if (!same) throw new Error('opened with every commit, verify() passed, and the records are wrong');
    return 'harmless';
  } finally {
    store.close();
  }
}

/** A writable open refuses or opens; either way no committed byte is cut off. */
function writableOpenKeepsCommits(file: string, fx: Fixture): void {
  let store: Store | null = null;
  try {
    store = Store.open(file);
  } catch (e) {
    if (!(e instanceof StoreError)) throw new Error(`writable open threw ${(e as Error).constructor.name}: ${(e as Error).message}`);
  }
  store?.close();
  fs.rmSync(`${file}.lock`, { force: true });
  const bytes = fs.readFileSync(file);
  if (bytes.length < fx.dataEnd) {
    // Cut: allowed only if the file had no intact commit there, which the read-only check would have said.
    throw new Error(`a writable open truncated the file to ${bytes.length} bytes (written data ended at ${fx.dataEnd})`);
  }
}

describe('single-bit flips in the written part of a store: detected or harmless, never silent', () => {
  for (const kind of ['closed', 'killed'] as const) {
    it(`${kind === 'killed' ? 'a writer SIGKILLed with commits past its last checkpoint' : 'a cleanly closed store'} (${FLIPS} seeded flips)`, () => {
      const fx = fixtures.get(kind) as Fixture;
      if (kind === 'killed') expect(fx.checkpointEnd, 'commits after the last checkpoint').toBeLessThan(fx.dataEnd);
      // The undamaged file opens with every commit.
      const pristine = path.join(dir, `${kind}-pristine.th`);
      fs.writeFileSync(pristine, fx.bytes);
      expect(examine(pristine, fx)).toBe('harmless');
      fs.rmSync(pristine);

      const r = prng(SEED + (kind === 'killed' ? 1 : 0));
      const failures: string[] = [];
      const outcomes = new Map<Outcome, number>();
      for (let t = 0; t < FLIPS; t++) {
        // Half the flips land after the last checkpoint (what roll-forward reads), half anywhere written.
        const from = t % 2 === 0 && fx.checkpointEnd < fx.dataEnd ? fx.checkpointEnd : 4096;
        const at = from + Math.floor(r() * (fx.dataEnd - from));
        const bit = 1 << Math.floor(r() * 8);
        const bytes = Buffer.from(fx.bytes);
        bytes[at] ^= bit;
        const file = path.join(dir, `${kind}-${t}.th`);
        fs.writeFileSync(file, bytes);
        try {
          const o = examine(file, fx);
          outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
          writableOpenKeepsCommits(file, fx);
          // Whatever the writable open did, the commits are all still readable or still reported.
          const again = examine(file, fx);
          if (o === 'harmless' && again !== 'harmless') failures.push(`flip ${t} (byte ${at} ^ ${bit}): harmless, then ${again} after a writable open`);
        } catch (e) {
          failures.push(`flip ${t} (byte ${at} ^ ${bit}${at >= fx.checkpointEnd ? ', after the checkpoint' : ''}): ${(e as Error).message}`);
        } finally {
          fs.rmSync(file, { force: true });
          fs.rmSync(`${file}.lock`, { force: true });
        }
      }
      expect(failures).toEqual([]);
      // Most flips hit data that matters: detection, not luck, is what passes.
      expect((outcomes.get('harmless') ?? 0)).toBeLessThan(FLIPS / 2);
      if (process.env.KILLED_FLIPS) console.log(kind, Object.fromEntries(outcomes));
    }, Math.max(120_000, FLIPS * 1_000));
  }
});

describe('no false alarms beside a live writer', () => {
  it('read-only opens while a child commits never report damage, and always see a commit boundary', async () => {
    const file = path.join(dir, 'live.th');
    const cfg: CrashConfig = {
      mode: 'load', file, seed: 5, ops: 1_000_000, commitEvery: 1, nodeSize: 512, fanout: 4, bufferSize: 512, blobThreshold: 64, largeRate: 0.2,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, JSON.stringify(cfg)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    try {
      // Wait for a few commits, then open and close readers while it keeps committing.
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c: string) => {
          out += c;
          if (/\nC 20 /.test(out)) resolve();
        });
        child.on('close', () => reject(new Error('writer ended early')));
      });
      const alarms: string[] = [];
      for (let i = 0; i < 40; i++) {
        const store = Store.open(file, { readOnly: true });
        try {
          if (store.damage) alarms.push(`open ${i}: ${store.damage.message}`);
          const commits = store.head().id - 1;
          const model = modelAt(cfg, commits);
          if (!sameContent(store, model)) alarms.push(`open ${i}: head (commit ${commits}) is not that commit's content`);
        } finally {
          store.close();
        }
        await new Promise((r) => setImmediate(r));
      }
      expect(alarms).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      await exited;
      fs.rmSync(file, { force: true });
      fs.rmSync(`${file}.lock`, { force: true });
    }
  });
});
