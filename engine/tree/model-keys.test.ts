import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store, type StoreOptions } from '../index';

/**
 * Model-based test with the keys the other model tests never use: from 0 bytes to the 2048-byte
 * limit, most of them sharing long prefixes (so pivots are long, prefixes are stored, and a
 * single key can outweigh a whole node or buffer), bytes 0x00 and 0xff next to each other (so
 * range ends and prefix ends meet). Tree parameters are the smallest allowed and odd ones, so
 * splits, flushes, merges, range-delete clipping and journal segments happen on nearly every
 * commit. The store's own verify() runs after every step that writes the file; reads are
 * compared with a Map after every step. Seeds are fixed; the arbitraries draw only from
 * fast-check, so a failure replays.
 */

/** Stems the keys grow from: empty, short, ~200 B (the size that broke a split), ~1 KB, and up to the limit. */
const STEMS = [Buffer.alloc(0), Buffer.from('a'), Buffer.from('user/'), Buffer.alloc(190, 'p'), Buffer.alloc(1000, 'q'), Buffer.alloc(2046, 'z'), Buffer.alloc(3, 0xff)];
const MAX_KEY = 2048;

const keyArb: fc.Arbitrary<Buffer> = fc
  .tuple(fc.nat(STEMS.length - 1), fc.array(fc.constantFrom(0x00, 0x61, 0x62, 0x63, 0xff), { maxLength: 4 }))
  .map(([stem, tail]) => Buffer.concat([STEMS[stem], Buffer.from(tail)]).subarray(0, MAX_KEY));

/** Values of 0 to 300 bytes: inline, and off-tree above the blob threshold. */
const valueArb: fc.Arbitrary<Buffer> = fc.tuple(fc.nat(300), fc.nat(255)).map(([n, b]) => Buffer.alloc(n, b));

type Op =
  | { t: 'put'; k: Buffer; v: Buffer }
  | { t: 'del'; k: Buffer }
  | { t: 'rdel'; a: Buffer; b: Buffer | null }
  | { t: 'scan'; a: Buffer; b: Buffer; reverse: boolean; limit: number }
  | { t: 'prefix'; p: Buffer }
  | { t: 'getMany'; ks: Buffer[] }
  | { t: 'commit' }
  | { t: 'putCommit'; k: Buffer; v: Buffer }
  | { t: 'abort' }
  | { t: 'reopen' };

/** Operations over the given keys and values; `rdels` weighs range deletes against 12 puts. */
function opsOf(key: fc.Arbitrary<Buffer>, value: fc.Arbitrary<Buffer>, rdels = 2): fc.Arbitrary<Op> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.record({ t: fc.constant('put' as const), k: key, v: value }) },
    { weight: 4, arbitrary: fc.record({ t: fc.constant('del' as const), k: key }) },
    { weight: rdels, arbitrary: fc.record({ t: fc.constant('rdel' as const), a: key, b: fc.option(key, { freq: 4 }) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('scan' as const), a: key, b: key, reverse: fc.boolean(), limit: fc.nat(20) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('prefix' as const), p: key.map((k) => k.subarray(0, Math.min(k.length, 6))) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('getMany' as const), ks: fc.array(key, { maxLength: 20 }) }) },
    { weight: 4, arbitrary: fc.constant({ t: 'commit' as const }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('putCommit' as const), k: key, v: value }) },
    { weight: 1, arbitrary: fc.constant({ t: 'abort' as const }) },
    { weight: 1, arbitrary: fc.constant({ t: 'reopen' as const }) },
  );
}

const opArb = opsOf(keyArb, valueArb);

/** ~200-byte keys sharing a 190-byte prefix (about a thousand of them) and small values: buffers hold a few long messages. */
const longKeyArb: fc.Arbitrary<Buffer> = fc.array(fc.integer({ min: 0x30, max: 0x39 }), { minLength: 1, maxLength: 3 }).map((tail) => Buffer.concat([STEMS[3], Buffer.from(tail)]));
const smallValueArb: fc.Arbitrary<Buffer> = fc.tuple(fc.nat(16), fc.nat(255)).map(([n, b]) => Buffer.alloc(n, b));

type Model = Map<string, Buffer>;
const id = (k: Buffer): string => k.toString('latin1');
const ordered = (a: Buffer, b: Buffer): [Buffer, Buffer] => (Buffer.compare(a, b) <= 0 ? [a, b] : [b, a]);

/** The model's records in [lo, hi) (hi null: unbounded) in key order. Latin-1 strings compare like the bytes. */
function range(m: Model, lo: Buffer, hi: Buffer | null): [string, Buffer][] {
  const l = id(lo);
  const h = hi === null ? null : id(hi);
  return [...m.entries()].filter(([k]) => k >= l && (h === null || k < h)).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-model-keys-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let runs = 0;

function runModel(ops: Op[], params: StoreOptions, spillBytes?: number): void {
  const file = path.join(dir, `m${runs++}.th`);
  let store = Store.create(file, { ...params, durable: false });
  let committed: Model = new Map();
  let pending: Model = new Map();
  let tx = store.begin({ spillBytes });
  const verify = (): void => {
    const report = store.verify({ allVersions: false });
    if (!report.ok) throw new Error(`verify failed: ${report.problems.slice(0, 3).map((p) => `${p.invariant} ${p.where}: ${p.message}`).join('; ')}`);
  };
  const sameEntries = (got: Iterable<{ key: Buffer; value: Buffer }>, want: [string, Buffer][]): void => {
    const g = [...got].map((e) => [id(e.key), e.value.toString('hex')]);
    expect(g).toEqual(want.map(([k, v]) => [k, v.toString('hex')]));
  };
  try {
    for (const op of ops) {
      switch (op.t) {
        case 'put':
          tx.put(op.k, op.v);
          pending.set(id(op.k), op.v);
          break;
        case 'del':
          tx.delete(op.k);
          pending.delete(id(op.k));
          break;
        case 'rdel': {
          const [a, b] = op.b === null ? [op.a, null] : ordered(op.a, op.b);
          tx.deleteRange(a, b);
          for (const [k] of range(pending, a, b)) pending.delete(k);
          break;
        }
        case 'scan': {
          const [a, b] = ordered(op.a, op.b);
          const limit = op.limit > 0 ? op.limit : undefined;
          const cut = (e: [string, Buffer][]): [string, Buffer][] => (op.reverse ? e.reverse() : e).slice(0, limit);
          sameEntries(tx.scan({ from: a, to: b, reverse: op.reverse, limit }), cut(range(pending, a, b)));
          sameEntries(store.scan({ from: a, to: b, reverse: op.reverse, limit }), cut(range(committed, a, b)));
          break;
        }
        case 'prefix': {
          const want = [...committed.entries()].filter(([k]) => k.startsWith(id(op.p))).sort((x, y) => (x[0] < y[0] ? -1 : 1));
          sameEntries(store.scan({ prefix: op.p }), want);
          expect(store.count({ prefix: op.p })).toBe(want.length);
          break;
        }
        case 'getMany': {
          const hex = (v: Buffer | undefined): string | undefined => v?.toString('hex');
          expect(tx.getMany(op.ks).map(hex)).toEqual(op.ks.map((k) => hex(pending.get(id(k)))));
          expect(store.getMany(op.ks).map(hex)).toEqual(op.ks.map((k) => hex(committed.get(id(k)))));
          break;
        }
        case 'commit':
          tx.commit();
          committed = new Map(pending);
          tx = store.begin({ spillBytes });
          verify();
          break;
        case 'putCommit':
          tx.commit();
          store.put(op.k, op.v);
          pending.set(id(op.k), op.v);
          committed = new Map(pending);
          tx = store.begin({ spillBytes });
          verify();
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
          verify();
          break;
      }
    }
    tx.commit();
    committed = new Map(pending);
    verify();
    // Every version, not only the head, and every record by point read, batched read and scan.
    const all = store.verify();
    expect(all.problems).toEqual([]);
    const want = range(committed, Buffer.alloc(0), null);
    sameEntries(store.scan(), want);
    for (const [k, v] of want) expect(store.get(Buffer.from(k, 'latin1'))?.toString('hex')).toBe(v.toString('hex'));
    expect(store.getMany(want.map(([k]) => Buffer.from(k, 'latin1'))).map((v) => v?.toString('hex'))).toEqual(want.map(([, v]) => v.toString('hex')));
  } finally {
    if (tx.active) tx.abort();
    store.close();
    fs.rmSync(file, { force: true });
  }
}

describe('hitchhiker tree vs a Map model, keys from 0 B to 2048 B', () => {
  it('smallest parameters (nodeSize 256, fanout 3, bufferSize 256): a key can outweigh a node and a buffer', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 40, maxLength: 160 }), (ops) => runModel(ops, { nodeSize: 256, fanout: 3, bufferSize: 256, blobThreshold: 64 })),
      { numRuns: 12, seed: 20261206, endOnFailure: true },
    );
  });

  it('nodeSize 256, fanout 5, bufferSize 512: long shared prefixes, where a split once widened range deletes past the buffer bound', () => {
    fc.assert(
      fc.property(fc.array(opsOf(longKeyArb, smallValueArb, 4), { minLength: 300, maxLength: 600 }), (ops) => runModel(ops, { nodeSize: 256, fanout: 5, bufferSize: 512, blobThreshold: 64 })),
      { numRuns: 8, seed: 12, endOnFailure: true },
    );
  });

  it('odd parameters (nodeSize 300, fanout 7, bufferSize 700, blobThreshold 16): most values off-tree', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 40, maxLength: 160 }), (ops) => runModel(ops, { nodeSize: 300, fanout: 7, bufferSize: 700, blobThreshold: 16 })),
      { numRuns: 10, seed: 300, endOnFailure: true },
    );
  });

  it('transactions that spill long keys to a temporary file (nodeSize 512, fanout 4, bufferSize 1024)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 40, maxLength: 160 }), (ops) => runModel(ops, { nodeSize: 512, fanout: 4, bufferSize: 1024, blobThreshold: 64 }, 3000)),
      { numRuns: 8, seed: 4, endOnFailure: true },
    );
  });
});
