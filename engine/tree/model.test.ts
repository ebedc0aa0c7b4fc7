import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store } from '../index';

/**
 * Model-based test: random sequences of puts, deletes, range deletes, scans, commits, aborts
 * and reopens against a Map, with tiny nodes and buffers so that splits, flushes, merges and
 * journal consolidation happen constantly; the tree's own verify() runs after every step.
 */

type Op =
  | { t: 'put'; k: number; v: number; big: boolean }
  | { t: 'del'; k: number }
  | { t: 'rdel'; a: number; b: number }
  | { t: 'scan'; a: number; b: number; reverse: boolean; limit: number }
  | { t: 'getMany'; ks: number[] }
  | { t: 'commit' }
  | { t: 'putCommit'; k: number; v: number }
  | { t: 'abort' }
  | { t: 'reopen' };

const KEYSPACE = 400;
const key = (k: number): Buffer => Buffer.from(`k${String(k).padStart(4, '0')}`);
const val = (v: number, big: boolean): Buffer => Buffer.from(big ? `big${v}-`.repeat(30) : `v${v}`);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ t: fc.constant('put' as const), k: fc.nat(KEYSPACE - 1), v: fc.nat(1_000_000), big: fc.nat(9).map((n) => n === 0) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('del' as const), k: fc.nat(KEYSPACE - 1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('rdel' as const), a: fc.nat(KEYSPACE), b: fc.nat(KEYSPACE) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('scan' as const), a: fc.nat(KEYSPACE), b: fc.nat(KEYSPACE), reverse: fc.boolean(), limit: fc.nat(50) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('getMany' as const), ks: fc.array(fc.nat(KEYSPACE - 1), { maxLength: 60 }) }) },
  { weight: 3, arbitrary: fc.constant({ t: 'commit' as const }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('putCommit' as const), k: fc.nat(KEYSPACE - 1), v: fc.nat(1_000_000) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'abort' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'reopen' as const }) },
);

function sortedEntries(m: Map<string, Buffer>, lo: string, hi: string): [string, Buffer][] {
  return [...m.entries()].filter(([k]) => k >= lo && k < hi).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function runModel(ops: Op[], dir: string, params: { nodeSize: number; fanout: number; bufferSize: number }, spillBytes?: number): void {
  const file = path.join(dir, `m${Math.random().toString(36).slice(2)}.th`);
  let store = Store.create(file, { ...params, blobThreshold: 64, durable: false });
  let committed = new Map<string, Buffer>();
  let pending = new Map<string, Buffer>(committed);
  let tx = store.begin({ spillBytes });
  const check = (): void => {
    const report = store.verify({ allVersions: false });
    if (!report.ok) throw new Error(`verify failed: ${JSON.stringify(report.problems.slice(0, 3))}`);
  };
  try {
    for (const op of ops) {
      switch (op.t) {
        case 'put':
          tx.put(key(op.k), val(op.v, op.big));
          pending.set(key(op.k).toString('latin1'), val(op.v, op.big));
          break;
        case 'del':
          tx.delete(key(op.k));
          pending.delete(key(op.k).toString('latin1'));
          break;
        case 'rdel': {
          const [a, b] = op.a <= op.b ? [op.a, op.b] : [op.b, op.a];
          tx.deleteRange(key(a), key(b));
          for (const k of [...pending.keys()]) if (k >= key(a).toString('latin1') && k < key(b).toString('latin1')) pending.delete(k);
          break;
        }
        case 'scan': {
          const [a, b] = op.a <= op.b ? [op.a, op.b] : [op.b, op.a];
          const lo = key(a).toString('latin1');
          const hi = key(b).toString('latin1');
          let expected = sortedEntries(pending, lo, hi);
          if (op.reverse) expected = expected.reverse();
          if (op.limit > 0) expected = expected.slice(0, op.limit);
          const got = [...tx.scan({ from: key(a), to: key(b), reverse: op.reverse, limit: op.limit > 0 ? op.limit : undefined })].map((e) => [e.key.toString('latin1'), e.value] as const);
          expect(got.map((g) => g[0])).toEqual(expected.map((e) => e[0]));
          for (let i = 0; i < got.length; i++) expect(got[i][1].equals(expected[i][1])).toBe(true);
          // Committed state through the store itself.
          let exp2 = sortedEntries(committed, lo, hi);
          if (op.reverse) exp2 = exp2.reverse();
          const got2 = [...store.scan({ from: key(a), to: key(b), reverse: op.reverse })].map((e) => e.key.toString('latin1'));
          expect(got2).toEqual(exp2.map((e) => e[0]));
          break;
        }
        case 'getMany': {
          // Batched reads (duplicates and absent keys included) answer like the model, in order.
          const asked = op.ks.map(key);
          const text = (v: Buffer | undefined): string | undefined => (v === undefined ? undefined : v.toString('latin1'));
          expect(tx.getMany(asked).map(text)).toEqual(asked.map((k) => text(pending.get(k.toString('latin1')))));
          expect(store.getMany(asked).map(text)).toEqual(asked.map((k) => text(committed.get(k.toString('latin1')))));
          break;
        }
        case 'putCommit':
          // A one-message commit: the root absorbs it as a journal segment.
          tx.commit();
          committed = new Map(pending);
          store.put(key(op.k), val(op.v, false));
          committed.set(key(op.k).toString('latin1'), val(op.v, false));
          pending = new Map(committed);
          tx = store.begin({ spillBytes });
          break;
        case 'commit':
          tx.commit();
          committed = new Map(pending);
          tx = store.begin({ spillBytes });
          check();
          break;
        case 'abort':
          tx.abort();
          pending = new Map(committed);
          tx = store.begin({ spillBytes });
          break;
        case 'reopen':
          tx.abort();
          store.close();
          store = Store.open(file, { durable: false });
          pending = new Map(committed);
          tx = store.begin({ spillBytes });
          check();
          break;
      }
    }
    tx.commit();
    committed = new Map(pending);
    check();
    // Every key, point reads, against the model.
    for (let k = 0; k < KEYSPACE; k++) {
      const want = committed.get(key(k).toString('latin1'));
      const got = store.get(key(k));
      expect(got === undefined ? undefined : got.toString('latin1')).toEqual(want === undefined ? undefined : want.toString('latin1'));
    }
    // Every key at once, in a scrambled order, through the batched lookup.
    const scrambled = Array.from({ length: KEYSPACE }, (_, k) => key((k * 7919) % KEYSPACE));
    const many = store.getMany(scrambled);
    for (let i = 0; i < KEYSPACE; i++) {
      const want = committed.get(scrambled[i].toString('latin1'));
      expect(many[i] === undefined ? undefined : many[i]!.toString('latin1')).toEqual(want === undefined ? undefined : want.toString('latin1'));
    }
    const all = [...store.scan()].map((e) => e.key.toString('latin1'));
    expect(all).toEqual(sortedEntries(committed, '', '\xff').map((e) => e[0]));
  } finally {
    store.close();
    fs.rmSync(file, { force: true });
  }
}

describe('hitchhiker tree vs a Map model', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-model-'));
  const runs = Number(process.env.MODEL_RUNS ?? 25);

  it('agrees with the model under tiny nodes and buffers (splits and flushes on nearly every commit)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 50, maxLength: 600 }), (ops) => runModel(ops, dir, { nodeSize: 256, fanout: 4, bufferSize: 256 })),
      { numRuns: runs, seed: Number(process.env.MODEL_SEED ?? 20261125) },
    );
  });

  it('agrees with the model when transactions spill their writes to a temporary file', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 100, maxLength: 800 }), (ops) => runModel(ops, dir, { nodeSize: 512, fanout: 6, bufferSize: 512 }, 600)),
      { numRuns: Math.max(5, Math.floor(runs / 2)), seed: 99 },
    );
  });

  // Long sequences are split into several single-run tests of a fixed length rather than one
  // multi-run test: each stays far from the timeout on a busy 2-core machine (verify() after
  // every commit makes a run's cost grow faster than its length), and a failure names its seed.
  for (const seed of [7, 8, 9, 10]) {
    it(`agrees with the model with medium parameters and a long sequence (5k ops, seed ${seed})`, () => {
      fc.assert(
        fc.property(fc.array(opArb, { minLength: 5_000, maxLength: 5_000 }), (ops) => runModel(ops, dir, { nodeSize: 1024, fanout: 8, bufferSize: 2048 })),
        { numRuns: 1, seed },
      );
    });
  }

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
});
