import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareKeys } from './keys';
import { Op, type Msg } from './node';
import { overlayMessages } from './overlay';
import type { RawEntry } from './read';

/**
 * The one merge of a sorted record stream with newer buffered messages (tree/read.ts's scan,
 * diff/diff.ts's layers, a transaction's scan over its base), against a Map model: records
 * minus those inside a range delete, then the messages in [from, to) applied, in key order or
 * reversed.
 */

const keyArb = fc.uint8Array({ minLength: 0, maxLength: 3, max: 4 }).map((b) => Buffer.from(b));
const key = (k: Buffer): string => k.toString('hex');

function sortedUnique(keys: Buffer[]): Buffer[] {
  const sorted = [...keys].sort(compareKeys);
  return sorted.filter((k, i) => i === 0 || compareKeys(sorted[i - 1], k) !== 0);
}

const caseArb = fc
  .record({
    recordKeys: fc.array(keyArb, { maxLength: 40 }),
    msgs: fc.array(fc.tuple(keyArb, fc.boolean(), fc.nat(255)), { maxLength: 30 }),
    cuts: fc.array(keyArb, { maxLength: 6 }),
    cutMask: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    openEnd: fc.boolean(),
    bounds: fc.tuple(fc.nat(40), fc.nat(40)),
    reverse: fc.boolean(),
  })
  .map(({ recordKeys, msgs, cuts, cutMask, openEnd, bounds, reverse }) => {
    const records: RawEntry[] = sortedUnique(recordKeys).map((k, i) => [k, Buffer.from([i])]);
    const byKey = new Map(msgs.map(([k, put, v]) => [key(k), { k, put, v }]));
    const messages: Msg[] = sortedUnique(msgs.map(([k]) => k)).map((k) => {
      const m = byKey.get(key(k))!;
      return { op: m.put ? Op.Put : Op.Delete, key: k, end: null, value: m.put ? Buffer.from([0xaa, m.v]) : null, seq: 1 };
    });
    // Disjoint sorted range deletes: consecutive cut points paired up, the last maybe open-ended.
    const points = sortedUnique(cuts);
    const rdels: Msg[] = [];
    for (let i = 0; i + 1 < points.length; i += 2) {
      if (cutMask[i]) rdels.push({ op: Op.DeleteRange, key: points[i], end: points[i + 1], value: null, seq: 0 });
    }
    if (openEnd && points.length % 2 === 1) rdels.push({ op: Op.DeleteRange, key: points[points.length - 1], end: null, value: null, seq: 0 });
    const from = Math.min(bounds[0], bounds[1], messages.length);
    const to = Math.min(Math.max(bounds[0], bounds[1]), messages.length);
    return { records, messages, rdels, from, to, reverse };
  });

function expected(c: { records: RawEntry[]; messages: Msg[]; rdels: Msg[]; from: number; to: number; reverse: boolean }): RawEntry[] {
  const covered = (k: Buffer): boolean => c.rdels.some((r) => compareKeys(k, r.key) >= 0 && (r.end === null || compareKeys(k, r.end) < 0));
  const model = new Map<string, RawEntry>();
  for (const [k, v] of c.records) if (!covered(k)) model.set(key(k), [k, v]);
  for (const m of c.messages.slice(c.from, c.to)) {
    if (m.op === Op.Put) model.set(key(m.key), [m.key, m.value as Buffer]);
    else model.delete(key(m.key));
  }
  const out = [...model.values()].sort((a, b) => compareKeys(a[0], b[0]));
  return c.reverse ? out.reverse() : out;
}

describe('overlayMessages', () => {
  it('yields the records under the messages, as a Map model does, in either direction', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const stream = (c.reverse ? [...c.records].reverse() : c.records)[Symbol.iterator]();
        const got = [...overlayMessages(stream, c.messages, c.from, c.to, c.rdels, c.reverse)];
        expect(got.map(([k, v]) => [key(k), key(v as Buffer)])).toEqual(expected(c).map(([k, v]) => [key(k), key(v as Buffer)]));
      }),
      { seed: 0x0e71a, numRuns: 2000 },
    );
  });

  it('pulls the record stream lazily: one record ahead at most', () => {
    let pulled = 0;
    function* records(): Generator<RawEntry> {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield [Buffer.from([i >> 8, i & 0xff]), Buffer.from([1])];
      }
    }
    const it = overlayMessages(records(), [], 0, 0, [], false);
    for (let i = 0; i < 10; i++) it.next();
    expect(pulled).toBe(10);
  });
});
