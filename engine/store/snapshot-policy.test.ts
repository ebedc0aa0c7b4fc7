import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NO_ADDRESS } from '../format/address';
import type { SnapshotEntry, SnapshotPolicy } from '../format/catalog-codec';
import { automaticSnapshotDue, checkSnapshotPolicy, expiredAutomaticSnapshots, retainedAutomaticSnapshots } from './snapshot-policy';
import { InvalidArgumentError } from '../errors';
import { Store } from '../index';
import { thrown } from '../testing/test-support';

/**
 * The automatic-snapshot policy as pure functions (retention against a second, differently
 * written model; when one is due), then end to end in a store: commits take them in their own
 * record, retention drops them, the policy is stored (reopen, compaction) and compaction keeps
 * exactly what it retains.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The retention, written the long way: for each snapshot, is it among what some rule keeps? */
function modelRetained(p: SnapshotPolicy, list: readonly SnapshotEntry[]): Set<string> {
  const autos = list.filter((s) => s.automatic);
  const keep = new Set<string>();
  const byVersionDesc = [...autos].sort((a, b) => b.version - a.version);
  byVersionDesc.forEach((s, rank) => {
    if (rank < p.keepLast) keep.add(s.name);
  });
  for (const [size, count] of [[HOUR, p.hourly], [DAY, p.daily]] as const) {
    const buckets = [...new Set(autos.map((s) => Math.floor(s.time / size)))].sort((a, b) => b - a).slice(0, count);
    for (const b of buckets) {
      const inBucket = autos.filter((s) => Math.floor(s.time / size) === b);
      const first = inBucket.reduce((x, y) => (y.version < x.version ? y : x));
      keep.add(first.name);
    }
  }
  return keep;
}

const policyArb: fc.Arbitrary<SnapshotPolicy> = fc.record({
  everyCommits: fc.integer({ min: 1, max: 5 }), everySeconds: fc.constant(0),
  keepLast: fc.integer({ min: 0, max: 6 }), hourly: fc.integer({ min: 0, max: 4 }), daily: fc.integer({ min: 0, max: 3 }),
}).filter((p) => p.keepLast + p.hourly + p.daily > 0);

/** Snapshots in version order with non-decreasing times (minutes to days apart), some user-named. */
const listArb: fc.Arbitrary<SnapshotEntry[]> = fc.array(fc.record({ gap: fc.integer({ min: 0, max: 30 * HOUR }), user: fc.boolean() }), { maxLength: 40 })
  .map((steps) => {
    let t = Date.UTC(2026, 0, 1);
    return steps.map((s, i) => {
      t += s.gap;
      const e: SnapshotEntry = { name: s.user ? `u${i}` : `auto-${i + 2}`, version: i + 2, root: NO_ADDRESS, time: t, message: '' };
      return s.user ? e : { ...e, automatic: true };
    });
  });

describe('retention (pure)', () => {
  it('keeps what the model keeps, never a user-named snapshot, and is stable when applied again', () => {
    fc.assert(fc.property(policyArb, listArb, (p, list) => {
      const kept = retainedAutomaticSnapshots(p, list);
      expect([...kept].sort()).toEqual([...modelRetained(p, list)].sort());
      const expired = expiredAutomaticSnapshots(p, list);
      for (const name of expired) expect(list.find((s) => s.name === name)?.automatic).toBe(true);
      expect(kept.size).toBeLessThanOrEqual(p.keepLast + p.hourly + p.daily);
      const after = list.filter((s) => !expired.includes(s.name));
      expect(expiredAutomaticSnapshots(p, after)).toEqual([]);
    }), { seed: 1206, numRuns: 300 });
  });

  it('keeps the first snapshot of each of the last N hours and days (snapper\'s timeline)', () => {
    const t0 = Date.UTC(2026, 0, 1, 10);
    const at = (v: number, ms: number): SnapshotEntry => ({ name: `auto-${v}`, version: v, root: NO_ADDRESS, time: ms, message: '', automatic: true });
    const list = [at(2, t0), at(3, t0 + 10 * 60_000), at(4, t0 + HOUR), at(5, t0 + HOUR + 5), at(6, t0 + DAY), at(7, t0 + DAY + 1)];
    const p = checkSnapshotPolicy({ everyCommits: 1, keepLast: 1, hourly: 2, daily: 2 });
    // keepLast 1: auto-7; hourly 2: the two newest hours are day 2's (auto-6) and 11:00 (auto-4);
    // daily 2: day 2 (auto-6), day 1 (auto-2).
    expect([...retainedAutomaticSnapshots(p, list)].sort()).toEqual(['auto-2', 'auto-4', 'auto-6', 'auto-7']);
  });

  it('is due every N commits or T seconds after the newest automatic snapshot, and at once when there is none', () => {
    const p = checkSnapshotPolicy({ everyCommits: 3, everySeconds: 60 });
    const s: SnapshotEntry = { name: 'auto-10', version: 10, root: NO_ADDRESS, time: 1_000_000, message: '', automatic: true };
    const user: SnapshotEntry = { name: 'mine', version: 12, root: NO_ADDRESS, time: 1_000_000, message: '' };
    expect(automaticSnapshotDue(p, [], 2, 0)).toBe(true);
    expect(automaticSnapshotDue(p, [user], 13, 1_000_001)).toBe(true);
    expect(automaticSnapshotDue(p, [s, user], 12, 1_000_001)).toBe(false);
    expect(automaticSnapshotDue(p, [s, user], 13, 1_000_001)).toBe(true);
    expect(automaticSnapshotDue(p, [s], 11, 1_060_000)).toBe(true);
  });

  it('refuses a policy with no trigger, nothing to keep, or a malformed number, naming the field', () => {
    expect((thrown(() => checkSnapshotPolicy({ keepLast: 3 })) as Error).message).toContain('everyCommits or everySeconds');
    expect((thrown(() => checkSnapshotPolicy({ everyCommits: 1, keepLast: 0 })) as Error).message).toContain('keeps nothing');
    const e = thrown(() => checkSnapshotPolicy({ everyCommits: 1.5 }));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toContain('everyCommits');
    expect(checkSnapshotPolicy({ everySeconds: 5 })).toEqual({ everyCommits: 0, everySeconds: 5, keepLast: 10, hourly: 0, daily: 0 });
  });
});

let dir: string;
let n = 0;
const SMALL = { nodeSize: 512, fanout: 4, bufferSize: 512, blobThreshold: 64 };

function fresh(): string {
  return path.join(dir, `p${n++}.th`);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-snappolicy-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the policy in a store', () => {
  it('commits take automatic snapshots in their own record and flush, and retention drops the oldest', () => {
    const file = fresh();
    const store = Store.create(file, SMALL);
    try {
      store.setSnapshotPolicy({ everyCommits: 2, keepLast: 3 });
      const fsyncs: number[] = [];
      const deleted: string[] = [];
      store.on('snapshotDeleted', (e) => deleted.push(e.name));
      for (let i = 0; i < 12; i++) {
        const before = store.io.fsyncs;
        store.put(Buffer.from(`k${i}`), Buffer.from(`v${i}`));
        fsyncs.push(store.io.fsyncs - before);
      }
      expect(fsyncs.every((f) => f === 1)).toBe(true);
      const autos = store.snapshots().filter((s) => s.automatic);
      // Versions 2..13; taken at 2, 4, 6, …, 12; the newest three are kept.
      expect(autos.map((s) => s.name)).toEqual(['auto-8', 'auto-10', 'auto-12']);
      expect(deleted).toEqual(['auto-2', 'auto-4', 'auto-6']);
      expect(store.at('auto-10').get(Buffer.from('k8'))?.toString()).toBe('v8');
      expect(store.at('auto-10').get(Buffer.from('k9'))).toBeUndefined();
      // A user-named snapshot is never dropped by the policy.
      store.put(Buffer.from('mine'), Buffer.from('1'), { snapshot: 'mine' });
      for (let i = 0; i < 10; i++) store.put(Buffer.from(`m${i}`), Buffer.from('x'));
      expect(store.snapshots().find((s) => s.name === 'mine')).toMatchObject({ automatic: false, version: 14 });
      expect(store.snapshots().filter((s) => s.automatic)).toHaveLength(3);
      // A tighter policy applies its retention at once, in one record.
      const before = store.io.blocksWritten;
      store.setSnapshotPolicy({ everyCommits: 2, keepLast: 1 });
      expect(store.io.blocksWritten - before).toBe(1);
      expect(store.snapshots().filter((s) => s.automatic)).toHaveLength(1);
      expect(store.verify().ok).toBe(true);
    } finally {
      store.close();
    }
    const again = Store.open(file, { readOnly: true });
    expect(again.snapshotPolicy()).toEqual({ everyCommits: 2, everySeconds: 0, keepLast: 1, hourly: 0, daily: 0 });
    expect(again.snapshots().map((s) => [s.name, s.automatic])).toEqual([['mine', false], ['auto-24', true]]);
    again.close();
  });

  it('compaction keeps the policy and exactly the versions it retains', () => {
    const file = fresh();
    const store = Store.create(file, SMALL);
    try {
      store.setSnapshotPolicy({ everyCommits: 5, keepLast: 2 });
      for (let i = 0; i < 30; i++) store.put(Buffer.from(`k${String(i).padStart(2, '0')}`), Buffer.from(`v${i}`), i === 3 ? { snapshot: 'early' } : {});
      const autos = store.snapshots().filter((s) => s.automatic).map((s) => s.version);
      // Versions 2..31; taken at 2, 7, 12, 17, 22, 27; the newest two kept.
      expect(autos).toEqual([22, 27]);
      const result = store.compact({ keep: 1 });
      // The head, the user's snapshot (version 5) and the two automatic ones; nothing else.
      expect(store.versions().map((v) => v.id).sort((a, b) => a - b)).toEqual([5, 22, 27, 31]);
      expect(result.versionsKept).toBe(store.versions().length);
      expect(store.snapshotPolicy()).toMatchObject({ everyCommits: 5, keepLast: 2 });
      expect(store.at('early').count()).toBe(4);
      // The policy goes on after the compaction.
      for (let i = 0; i < 5; i++) store.put(Buffer.from(`after${i}`), Buffer.from('x'));
      expect(store.snapshots().filter((s) => s.automatic).map((s) => s.version)).toEqual([27, 32]);
      expect(store.verify().ok).toBe(true);
    } finally {
      store.close();
    }
  });

  it('removing the policy keeps the automatic snapshots it took, and takes no more', () => {
    const file = fresh();
    const store = Store.create(file, SMALL);
    try {
      store.setSnapshotPolicy({ everyCommits: 1, keepLast: 2 });
      for (let i = 0; i < 4; i++) store.put(Buffer.from(`k${i}`), Buffer.from('v'));
      expect(store.setSnapshotPolicy(null)).toBeNull();
      for (let i = 0; i < 4; i++) store.put(Buffer.from(`j${i}`), Buffer.from('v'));
      expect(store.snapshots().map((s) => s.name)).toEqual(['auto-4', 'auto-5']);
      expect(store.snapshotPolicy()).toBeNull();
    } finally {
      store.close();
    }
  });
});
