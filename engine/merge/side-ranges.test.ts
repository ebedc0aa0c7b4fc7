import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { RangeDeleteLog } from '../format/range-log';
import { inRanges, rangesSince } from './side-ranges';

/**
 * `rangesSince` against brute force on random lineages (merges included): the ranges it returns
 * are exactly those of the versions reachable from the head and not from the base, and it says
 * "unknown" exactly when one of those versions' logs is incomplete or missing.
 */

/** A range that names its version: [2·id, 2·id + 1) as two big-endian bytes, never touching another. */
const rangeOf = (id: number): { from: Buffer; to: Buffer } => ({ from: Buffer.from([id >> 7, (id * 2) & 0xff]), to: Buffer.from([id >> 7, (id * 2 + 1) & 0xff]) });
const idOf = (from: Buffer): number => (from[0] << 7) | (from[1] >> 1);

const lineageArb = fc.integer({ min: 2, max: 60 }).chain((n) => fc.record({
  // Version i + 2's parents: one or two older versions (version 1 is the root).
  parents: fc.tuple(...Array.from({ length: n - 1 }, (_, i) => fc.uniqueArray(fc.nat(i), { minLength: 1, maxLength: 2 }))),
  logs: fc.array(fc.constantFrom('none', 'some', 'incomplete', 'unknown'), { minLength: n, maxLength: n }),
  head: fc.nat(n - 1),
  base: fc.nat(n - 1),
}));

describe('rangesSince', () => {
  it('collects exactly the ranges of base..head (reachable from head, not from base) on random lineages', () => {
    fc.assert(
      fc.property(lineageArb, ({ parents, logs, head, base }) => {
        const parentsOf = (id: number): number[] | undefined => (id === 1 ? [] : id - 2 < parents.length ? parents[id - 2].map((p) => p + 1) : undefined);
        const logOf = (id: number): RangeDeleteLog | undefined => {
          const kind = logs[id - 1];
          if (kind === 'unknown') return undefined;
          return { ranges: kind === 'none' ? [] : [rangeOf(id)], complete: kind !== 'incomplete' };
        };
        const reach = (from: number): Set<number> => {
          const seen = new Set<number>();
          const stack = [from];
          while (stack.length > 0) {
            const v = stack.pop() as number;
            if (seen.has(v)) continue;
            seen.add(v);
            stack.push(...(parentsOf(v) ?? []));
          }
          return seen;
        };
        const fromBase = reach(base + 1);
        const since = [...reach(head + 1)].filter((v) => !fromBase.has(v)).sort((a, b) => a - b);
        const got = rangesSince(parentsOf, logOf, head + 1, base + 1);
        expect(got.ranges.map((r) => idOf(r.from))).toEqual(since.filter((v) => logs[v - 1] === 'some' || logs[v - 1] === 'incomplete'));
        expect(got.known).toBe(since.every((v) => logs[v - 1] === 'none' || logs[v - 1] === 'some'));
      }),
      { seed: 4242, numRuns: 400 },
    );
  });

  it('inRanges: half-open bounds, open ends, joined lists', () => {
    const rs = [{ from: Buffer.from('b'), to: Buffer.from('d') }, { from: Buffer.from('f'), to: null }];
    const hit = (s: string): boolean => inRanges(rs, Buffer.from(s));
    expect(['a', 'b', 'c', 'cz', 'd', 'e', 'f', 'zzz'].map(hit)).toEqual([false, true, true, true, false, false, true, true]);
    expect(inRanges([], Buffer.from('a'))).toBe(false);
  });
});
