import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeValue, encodeValue, Store, type MergeChoice, type MergeConflict } from '../index';

/**
 * Model test of merge: random histories with a fork — a common stem, then commits on `main`
 * (ours) and on `topic` (theirs): puts of whole documents, field patches, deletes, range
 * deletes, nested maps, arrays and scalars — merged by the engine (from two streaming diffs)
 * and by a brute-force three-way merge over the full key → decoded-value maps of base, ours
 * and theirs written here. Same status, same conflict set (key, field path, kind, the three
 * sides' values), and once merged the same records on `main`; verify() after each merge.
 * The model knows the ranges each side deleted since the fork, so it applies the range rule
 * itself: a key one side wrote that the other side's head lacks, inside a range that side
 * deleted, is a `range-delete-write` / `write-range-delete` conflict. Half the cases compact
 * the store (keeping only the heads) between our commits and theirs, so our side's ranges reach
 * the merge through the compacted (folded) catalog.
 * Tiny nodes and buffers make splits, flushes and journal chains constant.
 */

const KEYS = Array.from({ length: 24 }, (_, i) => `k/${String(i).padStart(2, '0')}`);
type Doc = unknown;
type Write =
  | { t: 'put'; k: number; doc: Doc }
  | { t: 'patch'; k: number; field: string; v: Doc }
  | { t: 'del'; k: number }
  | { t: 'rdel'; a: number; b: number | null };

const small = fc.constantFrom<Doc>(1, 2, 'x', 'y', true, null);
const nested = fc.record({ n: small, m: small }, { requiredKeys: [] });
const fieldValue: fc.Arbitrary<Doc> = fc.oneof(small, nested, fc.constantFrom<Doc>([1, 2], [2]));
const docArb: fc.Arbitrary<Doc> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ a: small, b: small, c: nested }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: small },
  { weight: 1, arbitrary: fc.constantFrom<Doc>([1], ['x', 2]) },
);
const writeArb: fc.Arbitrary<Write> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('put' as const), k: fc.nat(KEYS.length - 1), doc: docArb }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('patch' as const), k: fc.nat(KEYS.length - 1), field: fc.constantFrom('a', 'b', 'c', 'd'), v: fc.option(fieldValue, { nil: undefined }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('del' as const), k: fc.nat(KEYS.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('rdel' as const), a: fc.nat(KEYS.length - 1), b: fc.option(fc.nat(KEYS.length - 1), { nil: null }) }) },
);
const commitsArb = (max: number): fc.Arbitrary<Write[][]> => fc.array(fc.array(writeArb, { minLength: 1, maxLength: 6 }), { maxLength: max });
const resolveArb = fc.constantFrom('none', 'ours', 'theirs', 'each' as const);
const caseArb = fc.record({ stem: commitsArb(3), ours: commitsArb(3), theirs: commitsArb(3), resolve: resolveArb, salt: fc.nat(1000), compact: fc.boolean() });

type Model = Map<string, Doc>;
/** Key ranges [lo, hi) a side deleted (hi null: to the end). */
type Ranges = [string, string | null][];

/** Applies one commit's writes to a model map and to a transaction alike; range deletes are also noted in `ranges`. */
function apply(m: Model, writes: Write[], tx: { put(k: Uint8Array, v: Uint8Array): void; delete(k: Uint8Array): void; deleteRange(a: Uint8Array, b: Uint8Array | null): void }, ranges: Ranges = []): void {
  for (const w of writes) {
    if (w.t === 'put') {
      m.set(KEYS[w.k], w.doc);
      tx.put(Buffer.from(KEYS[w.k]), encodeValue(w.doc));
    } else if (w.t === 'patch') {
      const cur = m.get(KEYS[w.k]);
      const doc: Record<string, unknown> = isObj(cur) ? { ...cur } : {};
      if (w.v === undefined) delete doc[w.field];
      else doc[w.field] = w.v;
      m.set(KEYS[w.k], doc);
      tx.put(Buffer.from(KEYS[w.k]), encodeValue(doc));
    } else if (w.t === 'del') {
      m.delete(KEYS[w.k]);
      tx.delete(Buffer.from(KEYS[w.k]));
    } else {
      const lo = KEYS[Math.min(w.a, w.b ?? w.a)];
      const hi = w.b === null ? null : KEYS[Math.max(w.a, w.b)];
      for (const k of [...m.keys()]) if (k >= lo && (hi === null || k < hi)) m.delete(k);
      ranges.push([lo, hi]);
      tx.deleteRange(Buffer.from(lo), hi === null ? null : Buffer.from(hi));
    }
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Canonical text of a value: maps with sorted fields (field order is not part of a value's meaning here). */
function canon(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (isObj(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** The resolution the test asks for at a conflict, the same for engine and model. */
function choiceFor(mode: string, salt: number, key: string, p: readonly (string | number)[]): 'ours' | 'theirs' | 'delete' | { v: Doc } | undefined {
  if (mode === 'none') return undefined;
  if (mode === 'ours' || mode === 'theirs') return mode;
  let h = salt;
  for (const ch of `${key}/${p.join('/')}`) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return (['ours', 'theirs', 'delete', { v: { resolved: h % 7 } }, undefined] as const)[h % 5];
}

type Conflict = { key: string; path: string; kind: string; base: string; ours: string; theirs: string };

/** Brute-force three-way merge over whole maps: every key of base, ours and theirs visited, and the ranges each side deleted. */
function modelMerge(B: Model, O: Model, T: Model, mode: string, salt: number, oursDeleted: Ranges = [], theirsDeleted: Ranges = []): { merged: Model; conflicts: Conflict[] } {
  const merged: Model = new Map();
  const conflicts: Conflict[] = [];
  const same = (a: unknown, b: unknown): boolean => canon(a) === canon(b);
  // A side wrote a key when its stored bytes differ from the base's (what a diff reports).
  const wrote = (b: unknown, x: unknown): boolean => x !== undefined && (b === undefined || !encodeValue(b).equals(encodeValue(x)));
  const inside = (rs: Ranges, k: string): boolean => rs.some(([lo, hi]) => k >= lo && (hi === null || k < hi));
  /** A write against the other side's range delete: a whole-value conflict, or its resolution. */
  const rangeConflict = (key: string, kind: string, b: unknown, o: unknown, t: unknown): unknown => {
    const c = choiceFor(mode, salt, key, []);
    if (c === undefined) {
      conflicts.push({ key, path: '[]', kind, base: canon(b), ours: canon(o), theirs: canon(t) });
      return o;
    }
    return c === 'ours' ? o : c === 'theirs' ? t : c === 'delete' ? undefined : c.v;
  };
  const merge3 = (key: string, b: unknown, o: unknown, t: unknown, p: string[]): unknown => {
    if (same(o, t)) return o;
    if (same(b, o)) return t;
    if (same(b, t)) return o;
    if (isObj(o) && isObj(t) && (b === undefined || isObj(b))) {
      const bb = (b ?? {}) as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of new Set([...Object.keys(bb), ...Object.keys(o), ...Object.keys(t)])) {
        const v = merge3(key, bb[f], o[f], t[f], [...p, f]);
        if (v !== undefined) out[f] = v;
      }
      return out;
    }
    const kind = b === undefined ? 'both-added' : o === undefined ? 'delete-modify' : t === undefined ? 'modify-delete' : 'both-modified';
    const c = choiceFor(mode, salt, key, p);
    if (c === undefined) {
      conflicts.push({ key, path: JSON.stringify(p), kind, base: canon(b), ours: canon(o), theirs: canon(t) });
      return o;
    }
    return c === 'ours' ? o : c === 'theirs' ? t : c === 'delete' ? undefined : c.v;
  };
  for (const k of new Set([...B.keys(), ...O.keys(), ...T.keys()])) {
    const [b, o, t] = [B.get(k), O.get(k), T.get(k)];
    const v = o === undefined && wrote(b, t) && inside(oursDeleted, k) ? rangeConflict(k, 'range-delete-write', b, o, t)
      : t === undefined && wrote(b, o) && inside(theirsDeleted, k) ? rangeConflict(k, 'write-range-delete', b, o, t)
        : merge3(k, b, o, t, []);
    if (v !== undefined) merged.set(k, v);
  }
  return { merged, conflicts };
}

function engineResolver(mode: string, salt: number): ((c: MergeConflict) => MergeChoice | undefined) | undefined {
  if (mode === 'none') return undefined;
  return (c) => {
    const x = choiceFor(mode, salt, c.key.toString(), c.path);
    if (x === undefined) return undefined;
    if (x === 'ours' || x === 'theirs') return { take: x };
    if (x === 'delete') return { delete: true };
    return { value: encodeValue(x.v) };
  };
}

const decodedOrUndefined = (b: Buffer | undefined): string => canon(b === undefined ? undefined : decodeValue(b));

function contents(store: Store, ref: string): Model {
  const m: Model = new Map();
  for (const e of store.at(ref).scan()) m.set(e.key.toString(), decodeValue(e.value));
  return m;
}

function sorted(cs: Conflict[]): Conflict[] {
  return [...cs].sort((x, y) => (x.key + x.path < y.key + y.path ? -1 : x.key + x.path > y.key + y.path ? 1 : 0));
}

describe('merge model', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-merge-model-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('merges random forked histories like a brute-force three-way merge of whole maps: same records, same conflicts; verify() after each', () => {
    let n = 0;
    const statuses = new Map<string, number>();
    const kinds = new Set<string>();
    fc.assert(
      fc.property(caseArb, (c) => {
        const file = path.join(dir, `m${n++}.th`);
        const store = Store.create(file, { nodeSize: 256, fanout: 4, bufferSize: 256, blobThreshold: 64, durable: false });
        try {
          const model: Model = new Map();
          for (const w of c.stem) store.write((tx) => apply(model, w, tx));
          store.branch('topic');
          const base = new Map(model);
          const ours = new Map(model);
          const theirs = new Map(model);
          const oursDeleted: Ranges = [];
          const theirsDeleted: Ranges = [];
          for (const w of c.ours) store.write((tx) => apply(ours, w, tx, oursDeleted));
          // Compaction keeping only the heads: our head is relinked to the fork (topic's head),
          // and the ranges of the versions dropped between must be folded into it.
          if (c.compact) store.compact({ keep: 1 });
          for (const w of c.theirs) {
            const tx = store.begin({ branch: 'topic' });
            apply(theirs, w, tx, theirsDeleted);
            tx.commit();
          }
          const oursHead = store.head().id;
          const theirsHead = store.head('topic').id;
          const expected = modelMerge(base, ours, theirs, c.resolve, c.salt, oursDeleted, theirsDeleted);
          const settle = engineResolver(c.resolve, c.salt);
          const resolve = settle && ((x: MergeConflict): MergeChoice | undefined => {
            kinds.add(x.kind);
            return settle(x);
          });
          const dry = store.merge('topic', { dryRun: true, ...(resolve && { resolve }) });
          const result = store.merge('topic', resolve ? { resolve } : {});
          statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
          const got = sorted(result.conflicts.map((x) => ({
            key: x.key.toString(), path: JSON.stringify(x.path), kind: x.kind,
            base: decodedOrUndefined(x.base), ours: decodedOrUndefined(x.ours), theirs: decodedOrUndefined(x.theirs),
          })));
          for (const x of got) kinds.add(x.kind);
          expect(got).toEqual(sorted(expected.conflicts));
          expect(result.rangesKnown).toBe(true);
          expect(dry.conflicts.length).toBe(result.conflicts.length);
          if (c.theirs.length === 0) expect(result.status).toBe('up-to-date');
          else if (c.ours.length === 0) expect(result.status).toBe('fast-forward');
          else expect(result.status).toBe(expected.conflicts.length > 0 ? 'conflicts' : 'merged');
          const head = store.head();
          if (result.status === 'merged') {
            expect(head.parents).toEqual([oursHead, theirsHead]);
            expect(result.version?.id).toBe(head.id);
          } else if (result.status === 'fast-forward') expect(head.id).toBe(theirsHead);
          else expect(head.id).toBe(oursHead);
          const want = result.status === 'conflicts' || result.status === 'up-to-date' ? ours : expected.merged;
          const have = contents(store, 'main');
          expect([...have].map(([k, v]) => [k, canon(v)])).toEqual([...want].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, canon(v)]));
          // The changes listed are what the merge did to our head.
          if (result.status === 'merged' || result.status === 'fast-forward') {
            const viaChanges = new Map(contents(store, String(oursHead)));
            for (const ch of result.changes) {
              if (ch.after === undefined) viaChanges.delete(ch.key.toString());
              else viaChanges.set(ch.key.toString(), decodeValue(ch.after));
            }
            expect(canon(Object.fromEntries(viaChanges))).toBe(canon(Object.fromEntries(have)));
          }
          const report = store.verify();
          expect(report.problems).toEqual([]);
        } finally {
          store.close();
          fs.rmSync(file, { force: true });
        }
      }),
      { seed: 1717, numRuns: 150 },
    );
    // The seed reaches every outcome.
    expect([...statuses.keys()].sort()).toEqual(['conflicts', 'fast-forward', 'merged', 'up-to-date']);
    // … and both range kinds (found unresolved or handed to the resolver).
    expect(kinds).toContain('range-delete-write');
    expect(kinds).toContain('write-range-delete');
  });
});
