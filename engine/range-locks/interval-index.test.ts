import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntervalIndex } from './interval-index';
import { type ByteRange, compareBytes, overlaps } from './range';

interface Item extends ByteRange {
  readonly name: number;
}

const bytes = fc.array(fc.constantFrom(0x00, 0x01, 0x02, 0xff), { maxLength: 3 }).map((a) => Uint8Array.from(a));
// A non-empty interval: `to` above `from`, or unbounded.
const interval = fc.tuple(bytes, fc.option(bytes, { nil: undefined })).map(([a, b]): ByteRange => {
  if (b === undefined) return { from: a, to: undefined };
  const c = compareBytes(a, b);
  if (c === 0) return { from: a, to: Uint8Array.of(...a, 0) };
  return c < 0 ? { from: a, to: b } : { from: b, to: a };
});

type Op = { kind: 'insert'; range: ByteRange } | { kind: 'delete'; pick: number } | { kind: 'query'; range: ByteRange };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: interval.map((range): Op => ({ kind: 'insert', range })) },
  { weight: 2, arbitrary: fc.nat().map((pick): Op => ({ kind: 'delete', pick })) },
  { weight: 3, arbitrary: interval.map((range): Op => ({ kind: 'query', range })) },
);

describe('IntervalIndex', () => {
  it('answers overlap queries like a scan, under random inserts and deletes', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
      const index = new IntervalIndex<Item>();
      const model: Item[] = [];
      let name = 0;
      for (const o of ops) {
        if (o.kind === 'insert') {
          const item = { ...o.range, name: name++ };
          index.insert(item);
          model.push(item);
        } else if (o.kind === 'delete') {
          if (model.length === 0) continue;
          const [item] = model.splice(o.pick % model.length, 1);
          expect(index.delete(item)).toBe(true);
          expect(index.delete(item)).toBe(false);
        } else {
          const got = index.overlapping(o.range.from, o.range.to).map((i) => i.name);
          const want = model.filter((i) => overlaps(i, o.range))
            .sort((a, b) => compareBytes(a.from, b.from) || a.name - b.name).map((i) => i.name);
          expect(got).toEqual(want);
        }
        index.verify();
        expect(index.size).toBe(model.length);
      }
      const all: number[] = [];
      index.forEach((i) => all.push(i.name));
      expect(all.sort((a, b) => a - b)).toEqual(model.map((i) => i.name).sort((a, b) => a - b));
    }), { numRuns: 300 });
  });

  it('stays exact at 100k intervals', () => {
    const index = new IntervalIndex<Item>();
    const items: Item[] = [];
    const key = (n: number) => Uint8Array.of(n >>> 16, (n >>> 8) & 0xff, n & 0xff);
    for (let n = 0; n < 100_000; n++) {
      const item = { from: key(n * 2), to: key(n * 2 + 1), name: n };
      items.push(item);
      index.insert(item);
    }
    index.verify();
    expect(index.overlapping(key(2001), key(2010)).map((i) => i.name)).toEqual([1001, 1002, 1003, 1004]);
    expect(index.overlapping(key(1), key(2))).toEqual([]);
    for (let n = 0; n < 100_000; n += 2) index.delete(items[n]);
    index.verify();
    expect(index.size).toBe(50_000);
    expect(index.overlapping(key(2000), key(2004)).map((i) => i.name)).toEqual([1001]);
  });
});
