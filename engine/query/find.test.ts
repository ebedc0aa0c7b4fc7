/**
 * findRecords and filterDiff on real stores against a Map model per version: paging with a
 * cursor (random page sizes and scan budgets) returns exactly one full filtered scan, forward and
 * reverse, in key ranges, at every version; a filtered diff returns exactly the model's changes
 * whose before or after matches.
 */
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../index';
import { encodeKey, encodeTuple } from '../records/tuple';
import { decodeValue, encodeValue, type Value } from '../records/value';
import type { RangeOptions } from '../index';
import type { Query } from './ast';
import { filterDiff } from './diff-filter';
import { findRecords } from './find';
import { MISSING, oracle, oracleChange } from './brute-force';
import { parseQuery } from './parse';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-query-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const STATUSES = ['pending', 'paid', 'shipped', 'returned'];
const BLOB_THRESHOLD = 64;

type Model = Map<string, Buffer>; // hex key -> value bytes

const keyOf = (kind: number, id: number): Buffer => encodeKey([['orders', 'users', 'raw'][kind], id]);

function valueOf(kind: number, v: number, big: boolean): Buffer {
  if (kind === 2) return Buffer.from([0xc1, v & 0xff]); // 0xc1 is never MessagePack: a raw value
  const doc: Value = { status: STATUSES[v % 4], n: v % 7, ...(v % 3 === 0 ? { address: { city: v % 2 ? 'Oslo' : 'Lima' } } : {}), ...(big ? { note: 'x'.repeat(BLOB_THRESHOLD * 2) } : {}) };
  return encodeValue(kind === 1 && v % 5 === 0 ? [doc] : doc);
}

type Step = { t: 'put'; kind: number; id: number; v: number; big: boolean } | { t: 'del'; kind: number; id: number } | { t: 'rdel'; a: number; b: number } | { t: 'commit' };
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ t: fc.constant('put' as const), kind: fc.constantFrom(0, 0, 1, 2), id: fc.nat(120), v: fc.nat(50), big: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('del' as const), kind: fc.constantFrom(0, 1, 2), id: fc.nat(120) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('rdel' as const), a: fc.nat(120), b: fc.nat(120) }) },
  { weight: 2, arbitrary: fc.constant({ t: 'commit' as const }) },
);

const QUERIES = [
  'status = "pending"',
  'status in ["paid", "shipped"] and n >= 3',
  'not exists(status)',
  'address.city = "Oslo" or n = 0',
  'startsWith(status, "p") and not contains(note, "x")',
];

const RANGES: RangeOptions[] = [
  {},
  { reverse: true },
  { prefix: encodeTuple(['orders']) },
  { from: keyOf(0, 30), to: keyOf(1, 60), reverse: true },
  { prefix: encodeTuple(['users']), from: keyOf(1, 10) },
];

function inRange(k: Buffer, r: RangeOptions): boolean {
  if (r.from && Buffer.compare(k, r.from) < 0) return false;
  if (r.to && Buffer.compare(k, r.to) >= 0) return false;
  if (r.prefix && !k.subarray(0, r.prefix.length).equals(r.prefix)) return false;
  return true;
}

function decoded(v: Buffer): unknown {
  try {
    return decodeValue(v);
  } catch {
    return undefined;
  }
}

function modelScan(m: Model, q: Query, r: RangeOptions): string[] {
  const keys = [...m.keys()].map((h) => Buffer.from(h, 'hex')).filter((k) => inRange(k, r)).sort(Buffer.compare);
  if (r.reverse) keys.reverse();
  return keys.filter((k) => oracle(q, decoded(m.get(k.toString('hex')) as Buffer))).map((k) => k.toString('hex'));
}

/** Builds a store from steps; returns it and the model of every version. */
function build(steps: Step[], file: string): { store: Store; models: Map<number, Model> } {
  const store = Store.create(file, { nodeSize: 512, fanout: 4, bufferSize: 600, blobThreshold: BLOB_THRESHOLD, durable: false });
  const models = new Map<number, Model>();
  const cur: Model = new Map();
  let tx = store.begin();
  const commit = (): void => {
    const info = tx.commit();
    models.set(info.version, new Map(cur));
    tx = store.begin();
  };
  for (const st of steps) {
    if (st.t === 'put') {
      const k = keyOf(st.kind, st.id);
      const v = valueOf(st.kind, st.v, st.big);
      tx.put(k, v);
      cur.set(k.toString('hex'), v);
    } else if (st.t === 'del') {
      tx.delete(keyOf(st.kind, st.id));
      cur.delete(keyOf(st.kind, st.id).toString('hex'));
    } else if (st.t === 'rdel') {
      const [a, b] = st.a <= st.b ? [st.a, st.b] : [st.b, st.a];
      tx.deleteRange(keyOf(0, a), keyOf(0, b));
      for (const h of [...cur.keys()]) if (inRange(Buffer.from(h, 'hex'), { from: keyOf(0, a), to: keyOf(0, b) })) cur.delete(h);
    } else commit();
  }
  commit();
  tx.abort();
  return { store, models };
}

describe('findRecords', () => {
  it('pages with a cursor (random limits and scan budgets) to exactly one full filtered scan, at every version and in every range', () => {
    let matched = 0;
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 30, maxLength: 250 }), fc.array(fc.tuple(fc.integer({ min: 1, max: 9 }), fc.option(fc.integer({ min: 1, max: 40 }))), { minLength: 1, maxLength: 5 }), (steps, pages) => {
        const file = path.join(dir, `f${Math.random().toString(36).slice(2)}.th`);
        const { store, models } = build(steps, file);
        try {
          for (const [version, model] of models) {
            const view = store.at(version);
            for (const text of QUERIES) {
              const q = parseQuery(text);
              for (const range of RANGES) {
                const want = modelScan(model, q, range);
                matched += want.length;
                const got: string[] = [];
                let after: Buffer | undefined;
                let scannedTotal = 0;
                for (let i = 0; ; i++) {
                  const [limit, budget] = pages[i % pages.length];
                  const page = findRecords(view, q, { range, limit, ...(budget !== null ? { maxScanned: budget } : {}), ...(after ? { after } : {}) });
                  expect(page.entries.length).toBeLessThanOrEqual(limit);
                  if (budget !== null) expect(page.scanned).toBeLessThanOrEqual(budget);
                  got.push(...page.entries.map((e) => e.key.toString('hex')));
                  scannedTotal += page.scanned;
                  if (page.cursor === null) break;
                  after = page.cursor;
                }
                expect(got).toEqual(want);
                // Each record of the range is looked at once over all pages.
                expect(scannedTotal).toBe([...model.keys()].filter((h) => inRange(Buffer.from(h, 'hex'), range)).length);
              }
            }
          }
        } finally {
          store.close();
          fs.rmSync(file, { force: true });
        }
      }),
      { numRuns: 12, seed: 1818 },
    );
    expect(matched).toBeGreaterThan(1000);
  });

  it('refuses changed() on records and a bad limit, with one-line errors', () => {
    const file = path.join(dir, 'refuse.th');
    const store = Store.create(file, { durable: false });
    try {
      expect(() => findRecords(store, parseQuery('changed(a)'))).toThrow(/changed\(\) applies to a diff only/);
      expect(() => findRecords(store, parseQuery('a = 1'), { limit: -1 })).toThrow(/limit must be a non-negative integer/);
    } finally {
      store.close();
      fs.rmSync(file, { force: true });
    }
  });
});

describe('filterDiff', () => {
  it('keeps exactly the model changes whose before or after matches, changed() included', () => {
    const texts = ['changed(status)', 'changed(status) and status = "shipped"', 'changed(address.city) or not exists(status)', 'n = 3 and not changed(n)', 'status = "paid"'];
    let kept = 0;
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 30, maxLength: 250 }), (steps) => {
        const file = path.join(dir, `d${Math.random().toString(36).slice(2)}.th`);
        const { store, models } = build(steps, file);
        try {
          const ids = [...models.keys()];
          for (const [a, b] of [[ids[0], ids[ids.length - 1]], [ids[Math.floor(ids.length / 2)], ids[ids.length - 1]]]) {
            const ma = models.get(a) as Model;
            const mb = models.get(b) as Model;
            for (const text of texts) {
              const q = parseQuery(text);
              const want = [...new Set([...ma.keys(), ...mb.keys()])].sort()
                .filter((h) => !(ma.get(h) && mb.get(h) && (ma.get(h) as Buffer).equals(mb.get(h) as Buffer)))
                .filter((h) => oracleChange(q, ma.has(h) ? decoded(ma.get(h) as Buffer) : MISSING, mb.has(h) ? decoded(mb.get(h) as Buffer) : MISSING));
              const got = [...filterDiff(store.diff(a, b), q)].map((c) => c.key.toString('hex'));
              expect(got).toEqual(want);
              kept += got.length;
            }
          }
        } finally {
          store.close();
          fs.rmSync(file, { force: true });
        }
      }),
      { numRuns: 20, seed: 1819 },
    );
    expect(kept).toBeGreaterThan(200);
  });
});
