/**
 * analyzeKeySpace against a brute-force tally over a Map model: per-prefix records and bytes at
 * tuple levels 1 and 2 and by text separator, the largest records, totals; at an old version;
 * progress and cancel.
 */
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../index';
import { encodeKey, encodeTuple, type TupleElement } from '../records/tuple';
import { analyzeKeySpace, analyzeKeySpaceAsync, type PrefixUsage } from './key-space';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-keyspace-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const BLOB = 100;

/** Keys of several shapes: 1-, 2- and 3-tuples, text keys with separators, raw non-tuple bytes. */
const keyArb: fc.Arbitrary<Buffer> = fc.oneof(
  fc.tuple(fc.constantFrom('orders', 'users', 7, null), fc.option(fc.constantFrom('a', 'b', 1, 2n ** 70n)), fc.option(fc.nat(30))).map(([a, b, c]) => {
    const t: TupleElement[] = [a];
    if (b !== null) t.push(b);
    if (b !== null && c !== null) t.push(c);
    return encodeTuple(t);
  }),
  fc.tuple(fc.constantFrom('user', 'order', 'plain'), fc.nat(9), fc.constantFrom('', ':x', ':profile:y')).map(([a, n, s]) => encodeKey(a === 'plain' ? `plain${n}` : `${a}:${n}${s}`)),
  fc.uint8Array({ minLength: 1, maxLength: 4 }).map((b) => Buffer.from([0xff, ...b])),
);

interface Tally { records: number; keyBytes: number; valueBytes: number; largeValueBytes: number }
const zero = (): Tally => ({ records: 0, keyBytes: 0, valueBytes: 0, largeValueBytes: 0 });

/** Brute force: group keys by the prefix bytes of every candidate prefix the model's keys have. */
function bruteForce(model: Map<string, number>, labels: (key: Buffer) => string[]): Map<string, Tally> {
  const out = new Map<string, Tally>();
  for (const [hex, len] of model) {
    const k = Buffer.from(hex, 'hex');
    const ls = labels(k);
    const ids = ls.length === 0 ? ['(other)'] : ls.map((_, i) => ls.slice(0, i + 1).join(' / '));
    for (const id of ['(all)', ...ids]) {
      const t = out.get(id) ?? zero();
      t.records++;
      t.keyBytes += k.length;
      t.valueBytes += len;
      if (len > BLOB) t.largeValueBytes += len;
      out.set(id, t);
    }
  }
  return out;
}

/** The report flattened to the same ids as the brute force. */
function flatten(prefixes: PrefixUsage[], out: Map<string, Tally>, parent = ''): void {
  for (const p of prefixes) {
    const id = `${parent}${parent ? ' / ' : ''}${JSON.stringify(p.prefix, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`;
    out.set(id, { records: p.records, keyBytes: p.keyBytes, valueBytes: p.valueBytes, largeValueBytes: p.largeValueBytes });
    flatten(p.children, out, id);
  }
}

const show = (x: unknown): string => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));

/** Labels written independently of key-space.ts: tuple elements via try/decode of known shapes. */
function tupleLabels(depth: number, decode: (k: Buffer) => TupleElement[] | null): (k: Buffer) => string[] {
  return (k) => {
    const t = decode(k);
    if (t === null) return [];
    return t.slice(0, depth).map((_, i) => show(t.slice(0, i + 1)));
  };
}

describe('analyzeKeySpace', () => {
  it('equals a brute-force tally of the model (tuple levels 1 and 2, text separator; old versions too)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(keyArb, fc.nat(300)), { minLength: 1, maxLength: 300 }), fc.array(fc.tuple(keyArb, fc.nat(300)), { maxLength: 60 }), (first, second) => {
        const file = path.join(dir, `k${Math.random().toString(36).slice(2)}.th`);
        const store = Store.create(file, { nodeSize: 512, fanout: 4, bufferSize: 600, blobThreshold: BLOB, durable: false });
        try {
          // What every key decodes to, known from how the arbitrary built it.
          const tuples = new Map<string, TupleElement[] | null>();
          const texts = new Map<string, string | null>();
          const models: Map<string, number>[] = [];
          const model = new Map<string, number>();
          for (const batch of [first, second]) {
            store.write((tx) => {
              for (const [k, n] of batch) {
                tx.put(k, Buffer.alloc(n, 1));
                model.set(k.toString('hex'), n);
              }
            });
            models.push(new Map(model));
          }
          for (const hex of model.keys()) {
            const k = Buffer.from(hex, 'hex');
            let t: TupleElement[] | null = null;
            if (k[0] !== 0xff) {
              // Re-derive by trying the shapes the arbitrary makes: the encoding is canonical.
              t = findTuple(k);
            }
            tuples.set(hex, t);
            texts.set(hex, t !== null && typeof t[0] === 'string' ? t[0] : null);
          }
          const versions = [store.head().id - 1, store.head().id];
          versions.forEach((v, i) => {
            const m = models[i];
            const view = store.at(v);
            for (const depth of [1, 2] as const) {
              const report = analyzeKeySpace(view, { byPrefix: depth, top: 1000 });
              const want = bruteForce(m, tupleLabels(depth, (k) => tuples.get(k.toString('hex')) ?? null));
              const got = new Map<string, Tally>([['(all)', report.totals], ...(report.other.records ? [['(other)', report.other] as [string, Tally]] : [])]);
              flatten(report.prefixes, got);
              expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
            }
            const bySep = analyzeKeySpace(view, { byPrefix: { separator: ':', depth: 2 }, top: 1000 });
            const wantSep = bruteForce(m, (k) => {
              const text = texts.get(k.toString('hex'));
              if (text === null || text === undefined) return [];
              const parts = text.split(':');
              const out: string[] = [];
              for (let n = 1; n < parts.length && n <= 2; n++) out.push(JSON.stringify(`${parts.slice(0, n).join(':')}:`));
              return out;
            });
            const gotSep = new Map<string, Tally>([['(all)', bySep.totals], ...(bySep.other.records ? [['(other)', bySep.other] as [string, Tally]] : [])]);
            flatten(bySep.prefixes, gotSep);
            expect(Object.fromEntries(gotSep)).toEqual(Object.fromEntries(wantSep));
            // Every group's keyPrefix is what its keys start with (a scan's prefix option).
            for (const p of bySep.prefixes) expect(view.count({ prefix: p.keyPrefix })).toBe(p.records);
            const largest = analyzeKeySpace(view, { byPrefix: 1, top: 5 }).largest.map((r) => r.bytes);
            const sizes = [...m].map(([h, n]) => h.length / 2 + n).sort((a, b) => b - a).slice(0, 5);
            expect(largest).toEqual(sizes);
          });
        } finally {
          store.close();
          fs.rmSync(file, { force: true });
        }
      }),
      { numRuns: 25, seed: 1820 },
    );
  });

  it('reports progress, keeps `top` prefixes, and stops when cancelled (sync and async)', async () => {
    const file = path.join(dir, 'progress.th');
    const store = Store.create(file, { durable: false });
    try {
      store.write((tx) => {
        for (let i = 0; i < 20_000; i++) tx.put(encodeKey([`p${i % 30}`, i]), Buffer.alloc(10));
      });
      const seen: number[] = [];
      const report = analyzeKeySpace(store, { byPrefix: 1, top: 3, onProgress: (done) => seen.push(done) });
      expect(seen[seen.length - 1]).toBe(20_000);
      expect(seen.length).toBeGreaterThan(3);
      expect(report.prefixes).toHaveLength(3);
      expect(report.omitted).toBe(27);
      expect(report.totals.records).toBe(20_000);

      // Aborted from the progress callback: the next check throws the reason.
      const stop = new AbortController();
      let calls = 0;
      expect(() => analyzeKeySpace(store, { byPrefix: 2, signal: stop.signal, onProgress: () => (++calls === 1 ? stop.abort(new Error('stopped by the user')) : undefined) })).toThrow('stopped by the user');
      expect(calls).toBe(1);
      const later = new AbortController();
      const running = analyzeKeySpaceAsync(store, { byPrefix: 1, signal: later.signal });
      setImmediate(() => later.abort(new Error('cancelled')));
      await expect(running).rejects.toThrow('cancelled');
      expect(() => analyzeKeySpace(store, { byPrefix: 3 as 1 })).toThrow(/byPrefix must be 1 or 2/);
    } finally {
      store.close();
      fs.rmSync(file, { force: true });
    }
  });
});

const SHAPES: TupleElement[][] = [];
for (const a of ['orders', 'users', 7, null] as TupleElement[]) {
  SHAPES.push([a]);
  for (const b of ['a', 'b', 1, 2n ** 70n] as TupleElement[]) {
    SHAPES.push([a, b]);
    for (let c = 0; c <= 30; c++) SHAPES.push([a, b, c]);
  }
}
for (const a of ['user', 'order']) for (let n = 0; n <= 9; n++) for (const s of ['', ':x', ':profile:y']) SHAPES.push([`${a}:${n}${s}`]);
for (let n = 0; n <= 9; n++) SHAPES.push([`plain${n}`]);
const BY_BYTES = new Map(SHAPES.map((t) => [encodeTuple(t).toString('hex'), t]));

function findTuple(k: Buffer): TupleElement[] | null {
  return BY_BYTES.get(k.toString('hex')) ?? null;
}
