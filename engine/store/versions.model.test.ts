import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store, VersionNotFoundError, watch, type DiffChange, type WatchEvent } from '../index';

/**
 * Model test of versions: random commits (puts, deletes, range deletes) on several branches,
 * snapshots and branches created and deleted, time-travel reads, subtree views, diffs with and
 * without prefix/from/to, and range watches on the writer and on a reader that refreshes —
 * against a model of versioned Maps (version id → Map; branch → head id; snapshot → id).
 * Diffs and watch deliveries must equal the model's exactly (keys, types, before and after
 * values); verify() — every version's tree and the catalog — runs after every step. Tiny nodes
 * and buffers make splits, flushes and journal chains constant.
 */

const GROUPS = ['a', 'b', 'c'] as const;
const PER_GROUP = 30;
const KEYS = GROUPS.flatMap((g) => Array.from({ length: PER_GROUP }, (_, i) => `${g}/${String(i).padStart(2, '0')}`));
const BRANCHES = ['main', 'x', 'y'] as const;
const SNAPSHOTS = ['s0', 's1', 's2', 's3'] as const;

type Model = Map<string, string>;
type Range = { prefix?: string; from?: string; to?: string };
type Write = { t: 'put'; k: number; v: number; big: boolean } | { t: 'del'; k: number } | { t: 'rdel'; a: number; b: number | null };
type Op =
  | { t: 'commit'; branch: number; writes: Write[] }
  | { t: 'snapshot'; name: number; from: number }
  | { t: 'deleteSnapshot'; name: number }
  | { t: 'branch'; name: number; from: number }
  | { t: 'deleteBranch'; name: number }
  | { t: 'at'; version: number; byName: boolean; range: Range }
  | { t: 'view'; group: number; version: number; past: boolean; range: Range }
  | { t: 'diff'; a: number; b: number; range: Range; inView: number | null }
  | { t: 'refresh' };

const keyIndex = fc.nat(KEYS.length - 1);
const boundArb = fc.option(keyIndex.map((i) => KEYS[i]), { nil: undefined });
const rangeArb: fc.Arbitrary<Range> = fc.record(
  { prefix: fc.option(fc.constantFrom('a', 'b/', 'c/1', 'b/2', ''), { nil: undefined }), from: boundArb, to: boundArb },
  { requiredKeys: [] },
);
const writeArb: fc.Arbitrary<Write> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ t: fc.constant('put' as const), k: keyIndex, v: fc.nat(20), big: fc.boolean().map((b) => b && Math.random() < 0.15) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('del' as const), k: keyIndex }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('rdel' as const), a: keyIndex, b: fc.option(keyIndex, { nil: null }) }) },
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ t: fc.constant('commit' as const), branch: fc.nat(BRANCHES.length - 1), writes: fc.array(writeArb, { minLength: 1, maxLength: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('snapshot' as const), name: fc.nat(SNAPSHOTS.length - 1), from: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('deleteSnapshot' as const), name: fc.nat(SNAPSHOTS.length - 1) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('branch' as const), name: fc.integer({ min: 1, max: BRANCHES.length - 1 }), from: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('deleteBranch' as const), name: fc.integer({ min: 1, max: BRANCHES.length - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('at' as const), version: fc.nat(), byName: fc.boolean(), range: rangeArb }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('view' as const), group: fc.nat(GROUPS.length - 1), version: fc.nat(), past: fc.boolean(), range: rangeArb }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('diff' as const), a: fc.nat(), b: fc.nat(), range: rangeArb, inView: fc.option(fc.nat(GROUPS.length - 1), { nil: null }) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'refresh' as const }) },
);
const watchArb = fc.record({ range: rangeArb, branch: fc.option(fc.constantFrom(...BRANCHES), { nil: undefined }) });

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const value = (v: number, big: boolean): string => (big ? `big-${v}-`.repeat(12) : `v${v}`);
const inRange = (k: string, r: Range): boolean =>
  (r.prefix === undefined || k.startsWith(r.prefix)) && (r.from === undefined || k >= r.from) && (r.to === undefined || k < r.to);
const toOpts = (r: Range): { prefix?: Buffer; from?: Buffer; to?: Buffer } => ({
  ...(r.prefix !== undefined ? { prefix: b(r.prefix) } : {}),
  ...(r.from !== undefined ? { from: b(r.from) } : {}),
  ...(r.to !== undefined ? { to: b(r.to) } : {}),
});
const show = (x: string | null | undefined): string => (x === null || x === undefined ? '∅' : x);

function sorted(m: Model, r: Range): [string, string][] {
  return [...m.entries()].filter(([k]) => inRange(k, r)).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}

/** The model's diff from `a` to `b` inside `r`, as comparable lines. */
function modelDiff(a: Model, bm: Model, r: Range, strip = 0): string[] {
  const keys = [...new Set([...a.keys(), ...bm.keys()])].filter((k) => inRange(k, r)).sort();
  const out: string[] = [];
  for (const k of keys) {
    const x = a.get(k);
    const y = bm.get(k);
    if (x === y) continue;
    const type = x === undefined ? 'added' : y === undefined ? 'removed' : 'changed';
    out.push(`${type} ${k.slice(strip)} ${show(x)} → ${show(y)}`);
  }
  return out;
}

function diffLines(changes: Iterable<DiffChange>): string[] {
  const out: string[] = [];
  for (const c of changes) {
    const before = c.before?.toString('latin1') ?? null;
    const after = c.after?.toString('latin1') ?? null;
    // The lengths are reported without reading the values: they must agree with them.
    expect(c.beforeLength).toBe(before === null ? null : before.length);
    expect(c.afterLength).toBe(after === null ? null : after.length);
    out.push(`${c.type} ${c.key.toString('latin1')} ${show(before)} → ${show(after)}`);
  }
  return out;
}

function eventLines(events: WatchEvent[]): string[] {
  return events.map((e) => `#${e.version}<${e.parent} ${e.branch}: ${diffLines(e.changes).join('; ')}`);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-versions-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let runs = 0;

function runModel(ops: Op[], watches: { range: Range; branch?: string }[], readerWatch: Range): { commits: number; diffs: number; changes: number; deliveries: number } {
  const file = path.join(dir, `v${runs++}.th`);
  const s = Store.create(file, { durable: false, nodeSize: 512, fanout: 4, bufferSize: 512, blobThreshold: 64 });
  const reader = Store.open(file, { readOnly: true });
  const versions = new Map<number, Model>([[1, new Map()]]);
  const parents = new Map<number, { parent: number; branch: string }>();
  const heads = new Map<string, number>([['main', 1]]);
  const snaps = new Map<string, number>();
  let nextId = 2;
  const stats = { commits: 0, diffs: 0, changes: 0, deliveries: 0 };

  const got = watches.map(() => [] as WatchEvent[]);
  const want = watches.map(() => [] as string[]);
  watches.forEach((w, i) => watch(s, { ...toOpts(w.range), branch: w.branch }, (e) => got[i].push(e)));
  const readerGot: WatchEvent[] = [];
  const readerWant: string[] = [];
  let readerSeen = 1;
  watch(reader, toOpts(readerWatch), (e) => readerGot.push(e));

  const ids = (): number[] => [...versions.keys()];
  const pick = (n: number): number => ids()[n % versions.size];
  const expectedEvent = (id: number, r: Range): string | null => {
    const p = parents.get(id);
    if (!p) return null;
    const lines = modelDiff(versions.get(p.parent) as Model, versions.get(id) as Model, r);
    return lines.length ? `#${id}<${p.parent} ${p.branch}: ${lines.join('; ')}` : null;
  };
  const modelOf = (v: number): Model => versions.get(v) as Model;

  try {
    for (const op of ops) {
      switch (op.t) {
        case 'commit': {
          const branch = heads.has(BRANCHES[op.branch]) ? BRANCHES[op.branch] : 'main';
          const parent = heads.get(branch) as number;
          const m = new Map(modelOf(parent));
          const tx = s.begin({ branch });
          for (const w of op.writes) {
            if (w.t === 'put') {
              tx.put(b(KEYS[w.k]), b(value(w.v, w.big)));
              m.set(KEYS[w.k], value(w.v, w.big));
            } else if (w.t === 'del') {
              tx.delete(b(KEYS[w.k]));
              m.delete(KEYS[w.k]);
            } else {
              const from = KEYS[w.a];
              const to = w.b === null ? null : KEYS[w.b];
              if (to !== null && to <= from) continue;
              tx.deleteRange(b(from), to === null ? null : b(to));
              for (const k of [...m.keys()]) if (k >= from && (to === null || k < to)) m.delete(k);
            }
          }
          const info = tx.commit();
          expect(info.version).toBe(nextId);
          versions.set(nextId, m);
          parents.set(nextId, { parent, branch });
          heads.set(branch, nextId);
          stats.commits++;
          watches.forEach((w, i) => {
            const e = w.branch === undefined || w.branch === branch ? expectedEvent(nextId, w.range) : null;
            if (e) want[i].push(e);
          });
          nextId++;
          watches.forEach((_, i) => expect(eventLines(got[i]), `watch ${i} (${JSON.stringify(watches[i])})`).toEqual(want[i]));
          break;
        }
        case 'snapshot': {
          const name = SNAPSHOTS[op.name];
          const v = pick(op.from);
          if (snaps.has(name)) {
            expect(() => s.snapshot(name, { version: v })).toThrow(/already exists/);
          } else {
            expect(s.snapshot(name, { version: v }).version).toBe(v);
            snaps.set(name, v);
          }
          break;
        }
        case 'deleteSnapshot': {
          const name = SNAPSHOTS[op.name];
          if (snaps.has(name)) {
            s.deleteSnapshot(name);
            snaps.delete(name);
          } else expect(() => s.deleteSnapshot(name)).toThrow(VersionNotFoundError);
          break;
        }
        case 'branch': {
          const name = BRANCHES[op.name];
          const v = pick(op.from);
          if (heads.has(name)) {
            expect(() => s.branch(name, { from: v })).toThrow(/already exists/);
          } else {
            expect(s.branch(name, { from: v }).head).toBe(v);
            heads.set(name, v);
          }
          break;
        }
        case 'deleteBranch': {
          const name = BRANCHES[op.name];
          if (heads.has(name)) {
            s.deleteBranch(name);
            heads.delete(name);
          } else expect(() => s.deleteBranch(name)).toThrow(VersionNotFoundError);
          break;
        }
        case 'at': {
          // By id, or by a snapshot or branch name that names it.
          let ref: number | string = pick(op.version);
          let v = ref;
          if (op.byName) {
            const names = [...snaps.entries(), ...heads.entries()];
            const [name, id] = names[op.version % names.length];
            ref = name;
            v = id;
          }
          const view = s.at(ref);
          expect(view.version).toBe(v);
          const rows = [...view.scan(toOpts(op.range))].map((e) => [e.key.toString('latin1'), e.value.toString('latin1')]);
          expect(rows).toEqual(sorted(modelOf(v), op.range));
          const probe = KEYS[op.version % KEYS.length];
          expect(view.get(b(probe))?.toString('latin1')).toBe(modelOf(v).get(probe));
          break;
        }
        case 'view': {
          const prefix = `${GROUPS[op.group]}/`;
          const v = op.past ? pick(op.version) : (heads.get('main') as number);
          const view = op.past ? s.view(b(prefix), v) : s.view(b(prefix));
          // The range applies to keys relative to the view.
          const rel: Range = {
            prefix: op.range.prefix?.replace(/^[abc]\/?/, ''),
            from: op.range.from?.slice(2),
            to: op.range.to?.slice(2),
          };
          const rows = [...view.scan(toOpts(rel))].map((e) => [e.key.toString('latin1'), e.value.toString('latin1')]);
          const expected = sorted(modelOf(v), { prefix }).map(([k, x]) => [k.slice(prefix.length), x] as [string, string]).filter(([k]) => inRange(k, rel));
          expect(rows).toEqual(expected);
          expect(view.count()).toBe(sorted(modelOf(v), { prefix }).length);
          break;
        }
        case 'diff': {
          const a = pick(op.a);
          const bv = pick(op.b);
          stats.diffs++;
          if (op.inView === null) {
            const lines = modelDiff(modelOf(a), modelOf(bv), op.range);
            expect(diffLines(s.diff(a, bv, toOpts(op.range)))).toEqual(lines);
            stats.changes += lines.length;
            const all = modelDiff(modelOf(a), modelOf(bv), {});
            expect(diffLines(s.diff(a, bv))).toEqual(all);
            stats.changes += all.length;
            const sum = s.diffSummary(a, bv, toOpts(op.range));
            expect(sum).toEqual({
              added: lines.filter((l) => l.startsWith('added')).length,
              removed: lines.filter((l) => l.startsWith('removed')).length,
              changed: lines.filter((l) => l.startsWith('changed')).length,
            });
          } else {
            const prefix = `${GROUPS[op.inView]}/`;
            const view = s.view(b(prefix));
            expect(diffLines(view.diff(a, bv))).toEqual(modelDiff(modelOf(a), modelOf(bv), { prefix }, prefix.length));
          }
          break;
        }
        case 'refresh': {
          reader.refresh();
          for (let id = readerSeen + 1; id < nextId; id++) {
            const e = expectedEvent(id, readerWatch);
            if (e) readerWant.push(e);
          }
          readerSeen = nextId - 1;
          expect(eventLines(readerGot)).toEqual(readerWant);
          // The reader sees what the writer committed.
          expect(reader.branches()).toEqual(s.branches());
          break;
        }
      }
      const report = s.verify();
      if (!report.ok) throw new Error(`after ${JSON.stringify(op)}: ${report.problems.slice(0, 3).map((p) => `${p.where}: [${p.invariant}] ${p.message}`).join(' | ')}`);
      expect(report.versionsChecked).toBe(versions.size);
      expect(Object.fromEntries(s.branches().map((x) => [x.name, x.head]))).toEqual(Object.fromEntries(heads));
      expect(Object.fromEntries(s.snapshots().map((x) => [x.name, x.version]))).toEqual(Object.fromEntries(snaps));
    }
    stats.deliveries = got.reduce((n, g) => n + g.length, 0) + readerGot.length;
    return stats;
  } finally {
    reader.close();
    s.close();
    fs.rmSync(file, { force: true });
  }
}

describe('versions against a model of versioned Maps', () => {
  it('commits on branches, snapshots, time travel, views, diffs and watches equal the model; verify() after every step', () => {
    const totals = { commits: 0, diffs: 0, changes: 0, deliveries: 0 };
    const numRuns = Number(process.env.VERSIONS_RUNS ?? 12);
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 200, maxLength: 260 }), fc.array(watchArb, { minLength: 1, maxLength: 3 }), rangeArb, (ops, watches, readerWatch) => {
        const r = runModel(ops, watches, readerWatch);
        totals.commits += r.commits;
        totals.diffs += r.diffs;
        totals.changes += r.changes;
        totals.deliveries += r.deliveries;
      }),
      { numRuns, seed: Number(process.env.VERSIONS_SEED ?? 20261125) },
    );
    // The runs did what they are for.
    console.log(`versions model: ${numRuns} runs, ${JSON.stringify(totals)}`);
    expect(totals.commits).toBeGreaterThan(numRuns * 80);
    expect(totals.diffs).toBeGreaterThan(numRuns * 20);
    expect(totals.changes).toBeGreaterThan(numRuns * 200);
    expect(totals.deliveries).toBeGreaterThan(numRuns * 10);
  });
});
