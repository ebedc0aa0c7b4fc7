import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store } from '../index';

/**
 * Model test of exact counts and positions: random commits (puts that insert or overwrite,
 * deletes that hit or miss, range deletes), single-put commits (which stay in the root's
 * buffer), snapshots and compaction, against a Map per version. After every step, at the head
 * and at a random earlier version: `count` of random ranges, `entryAt` of random indexes
 * (forward and reverse) and `indexOf` of random keys equal the model's, and verify() — which
 * checks every stored count — is clean. Tiny nodes and buffers keep every buffer level busy.
 */

const KEYS = Array.from({ length: 120 }, (_, i) => `${'abc'[i % 3]}/${String(i).padStart(3, '0')}`).sort();
type Model = Map<string, string>;
type Range = { prefix?: string; from?: string; to?: string };
type Write = { t: 'put'; k: number; v: number } | { t: 'del'; k: number } | { t: 'rdel'; a: number; b: number | null };
type Op =
  | { t: 'commit'; writes: Write[]; side: boolean }
  | { t: 'put'; k: number; v: number }
  | { t: 'snapshot' }
  | { t: 'compact' }
  | { t: 'query'; ranges: Range[]; indexes: number[]; keys: number[]; past: number };

const keyIndex = fc.nat(KEYS.length - 1);
const boundArb = fc.option(keyIndex.map((i) => KEYS[i]), { nil: undefined });
const rangeArb: fc.Arbitrary<Range> = fc.record(
  { prefix: fc.option(fc.constantFrom('a', 'b/', 'c/1', 'b/0', '', 'z'), { nil: undefined }), from: boundArb, to: boundArb },
  { requiredKeys: [] },
);
const writeArb: fc.Arbitrary<Write> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ t: fc.constant('put' as const), k: keyIndex, v: fc.nat(20) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('del' as const), k: keyIndex }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('rdel' as const), a: keyIndex, b: fc.option(keyIndex, { nil: null }) }) },
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ t: fc.constant('commit' as const), writes: fc.array(writeArb, { minLength: 1, maxLength: 30 }), side: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('put' as const), k: keyIndex, v: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'snapshot' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'compact' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('query' as const), ranges: fc.array(rangeArb, { maxLength: 4 }), indexes: fc.array(fc.nat(130), { maxLength: 4 }), keys: fc.array(keyIndex, { maxLength: 4 }), past: fc.nat() }),
  },
);

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const inRange = (k: string, r: Range): boolean =>
  (r.prefix === undefined || k.startsWith(r.prefix)) && (r.from === undefined || k >= r.from) && (r.to === undefined || k < r.to);
const toOpts = (r: Range): { prefix?: Buffer; from?: Buffer; to?: Buffer } => ({
  ...(r.prefix !== undefined ? { prefix: b(r.prefix) } : {}),
  ...(r.from !== undefined ? { from: b(r.from) } : {}),
  ...(r.to !== undefined ? { to: b(r.to) } : {}),
});
const sortedKeys = (m: Model, r: Range): string[] => [...m.keys()].filter((k) => inRange(k, r)).sort();

interface Positional {
  count(r?: { prefix?: Uint8Array; from?: Uint8Array; to?: Uint8Array; reverse?: boolean }): number;
  entryAt(i: number, r?: { prefix?: Uint8Array; from?: Uint8Array; to?: Uint8Array; reverse?: boolean }): { key: Buffer; value: Buffer } | undefined;
  indexOf(k: Uint8Array, r?: { prefix?: Uint8Array; from?: Uint8Array; to?: Uint8Array }): number;
}

/** Checks count/entryAt/indexOf of `view` against `m` for the whole key space and the given ranges, indexes and keys. */
function check(view: Positional, m: Model, ranges: Range[], indexes: number[], keys: number[], what: string): void {
  for (const r of [{}, ...ranges]) {
    const want = sortedKeys(m, r);
    expect(view.count(toOpts(r)), `${what} count ${JSON.stringify(r)}`).toBe(want.length);
    for (const i of [0, want.length - 1, want.length, ...indexes].filter((x) => x >= 0)) {
      const e = view.entryAt(i, toOpts(r));
      const wantKey = want[i] as string | undefined;
      expect(e ? e.key.toString('latin1') : undefined, `${what} entryAt ${i} ${JSON.stringify(r)}`).toBe(wantKey);
      if (e && wantKey !== undefined) expect(e.value.toString('latin1')).toBe(m.get(wantKey));
      const rev = view.entryAt(i, { ...toOpts(r), reverse: true });
      expect(rev ? rev.key.toString('latin1') : undefined, `${what} entryAt reverse ${i} ${JSON.stringify(r)}`).toBe(want[want.length - 1 - i]);
    }
    for (const k of keys) {
      expect(view.indexOf(b(KEYS[k]), toOpts(r)), `${what} indexOf ${KEYS[k]} ${JSON.stringify(r)}`).toBe(want.filter((x) => x < KEYS[k]).length);
    }
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-count-model-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let runs = 0;

function runModel(ops: Op[]): void {
  const file = path.join(dir, `c${runs++}.th`);
  const s = Store.create(file, { durable: false, nodeSize: 256, fanout: 4, bufferSize: 256, blobThreshold: 64 });
  const versions: Model[] = [new Map()];
  const ids: number[] = [s.head().id];
  let m: Model = new Map();
  let side: Model | null = null;
  try {
    for (const op of ops) {
      switch (op.t) {
        case 'commit': {
          // A commit on the side branch (forked from main's head when first used) shares
          // main's nodes and buffered messages until it changes them.
          if (op.side && side === null) {
            s.branch('side');
            side = m;
          }
          const base: Model = op.side ? (side as Model) : m;
          const next: Model = new Map(base);
          const tx = s.begin(op.side ? { branch: 'side' } : {});
          for (const w of op.writes) {
            if (w.t === 'put') {
              tx.put(b(KEYS[w.k]), b(`v${w.v}`));
              next.set(KEYS[w.k], `v${w.v}`);
            } else if (w.t === 'del') {
              tx.delete(b(KEYS[w.k]));
              next.delete(KEYS[w.k]);
            } else {
              const from = KEYS[w.a];
              const to = w.b === null ? null : KEYS[w.b];
              if (to !== null && to <= from) continue;
              tx.deleteRange(b(from), to === null ? null : b(to));
              for (const k of [...next.keys()]) if (k >= from && (to === null || k < to)) next.delete(k);
            }
          }
          ids.push(tx.commit().version);
          if (op.side) side = next;
          else m = next;
          versions.push(next);
          if (side !== null) check(s.at('side'), side, [], [Math.floor(side.size / 3)], [], 'side');
          break;
        }
        case 'put': {
          m = new Map(m).set(KEYS[op.k], `v${op.v}`);
          ids.push(s.put(b(KEYS[op.k]), b(`v${op.v}`)).version);
          versions.push(m);
          break;
        }
        case 'snapshot':
          if (!s.snapshots().some((x) => x.name === `s${ids.length}`)) s.snapshot(`s${ids.length}`);
          break;
        case 'compact':
          // keep: all, so every past version stays readable.
          s.compact({ keep: 1_000_000 });
          break;
        case 'query': {
          const i = op.past % versions.length;
          check(s.at(ids[i]), versions[i], op.ranges, op.indexes, op.keys, `version ${ids[i]}`);
          break;
        }
      }
      check(s, m, [], [Math.floor(m.size / 2)], [], 'head');
      // A subtree view: the same positions, with keys relative to its prefix.
      const sub = new Map([...m].filter(([k]) => k.startsWith('b/')).map(([k, v]) => [k.slice(2), v]));
      check(s.view(b('b/')), sub, [{ from: '05' }], [1], [KEYS.indexOf('b/001')], 'view b/');
      const v = s.verify();
      expect(v.problems).toEqual([]);
    }
  } finally {
    s.close();
  }
}

describe('exact counts and positions (model)', () => {
  it('count, entryAt and indexOf equal a Map model after every commit, put, snapshot and compaction', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => runModel(ops)),
      { seed: 1812, numRuns: 60 },
    );
  });
});
