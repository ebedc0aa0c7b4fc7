import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors';
import { type LockTarget, covers, describeTarget, normalizeTarget, overlaps, prefixSuccessor, toHex } from './range';

// A tiny alphabet with both extremes, so successors carry over 0xFF and keys nest.
const ALPHABET = [0x00, 0x01, 0xfe, 0xff];
const MAX_LEN = 3;

// Every byte string over the alphabet up to MAX_LEN + 1 bytes. Two overlapping intervals share
// their larger `from`, and a failure of containment is witnessed by the inner `from` or the
// outer `to`; those ends can fall outside the alphabet (a prefix successor increments a byte),
// so each case adds its own ends as extra witnesses. Membership is always decided by the
// target's own definition, so a witness can only ever be a true one.
const ALPHABET_STRINGS: number[][] = [[]];
for (let i = 0; i < ALPHABET_STRINGS.length; i++) {
  if (ALPHABET_STRINGS[i].length <= MAX_LEN) for (const b of ALPHABET) ALPHABET_STRINGS.push([...ALPHABET_STRINGS[i], b]);
}
function universe(...targets: LockTarget[]): number[][] {
  const ends = targets.flatMap((t) => {
    const r = normalizeTarget(t);
    return r.to === undefined ? [[...r.from]] : [[...r.from], [...r.to]];
  });
  return [...ALPHABET_STRINGS, ...ends];
}

/** Naive lexicographic compare of number arrays: the reference the model trusts. */
function cmp(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Does byte string s belong to the target, by the target's own definition? */
function member(t: LockTarget, s: readonly number[]): boolean {
  if ('key' in t) return cmp([...t.key], s) === 0;
  if ('prefix' in t) return t.prefix.length <= s.length && t.prefix.every((b, i) => s[i] === b);
  return cmp([...t.from], s) <= 0 && (t.to === undefined || cmp(s, [...t.to]) < 0);
}

const bytes = fc.array(fc.constantFrom(...ALPHABET), { maxLength: MAX_LEN }).map((a) => Uint8Array.from(a));
const target: fc.Arbitrary<LockTarget> = fc.oneof(
  bytes.map((key) => ({ key })),
  bytes.map((prefix) => ({ prefix })),
  fc.tuple(bytes, fc.option(bytes, { nil: undefined })).map(([from, to]): LockTarget =>
    to === undefined || cmp([...from], [...to]) >= 0 ? { from } : { from, to }),
);

describe('range', () => {
  it('normalizes every target to exactly its members', () => {
    fc.assert(fc.property(target, (t) => {
      const r = normalizeTarget(t);
      const wrong = universe(t).filter((s) => (cmp([...r.from], s) <= 0 && (r.to === undefined || cmp(s, [...r.to]) < 0)) !== member(t, s));
      expect(wrong).toEqual([]);
    }), { numRuns: 500 });
  });

  it('overlaps and covers agree with brute force over the universe', () => {
    fc.assert(fc.property(target, target, (a, b) => {
      const ra = normalizeTarget(a);
      const rb = normalizeTarget(b);
      const u = universe(a, b);
      const both = u.some((s) => member(a, s) && member(b, s));
      const aHasB = u.every((s) => !member(b, s) || member(a, s));
      expect(overlaps(ra, rb)).toBe(both);
      expect(overlaps(rb, ra)).toBe(both);
      expect(covers(ra, rb)).toBe(aHasB);
    }), { numRuns: 3000 });
  });

  it('computes prefix successors', () => {
    expect(prefixSuccessor(Uint8Array.of(0x61, 0x62))).toEqual(Uint8Array.of(0x61, 0x63));
    expect(prefixSuccessor(Uint8Array.of(0x61, 0xff, 0xff))).toEqual(Uint8Array.of(0x62));
    expect(prefixSuccessor(Uint8Array.of(0xff, 0xff))).toBeUndefined();
    expect(prefixSuccessor(new Uint8Array(0))).toBeUndefined();
  });

  it('copies the caller bytes', () => {
    const key = Uint8Array.of(1, 2);
    const r = normalizeTarget({ key });
    key[0] = 9;
    expect(toHex(r.from)).toBe('0102');
    expect(toHex(r.to as Uint8Array)).toBe('010200');
  });

  it('rejects malformed targets and empty ranges', () => {
    expect(() => normalizeTarget({ from: Uint8Array.of(2), to: Uint8Array.of(1) })).toThrow(InvalidArgumentError);
    expect(() => normalizeTarget({ from: Uint8Array.of(2), to: Uint8Array.of(2) })).toThrow(/empty/);
    expect(() => normalizeTarget({ key: 'a' } as unknown as LockTarget)).toThrow(InvalidArgumentError);
    expect(() => normalizeTarget({ key: Uint8Array.of(1), prefix: Uint8Array.of(1) } as unknown as LockTarget)).toThrow(/exactly one/);
    expect(() => normalizeTarget({} as LockTarget)).toThrow(InvalidArgumentError);
  });

  it('describes targets for messages', () => {
    expect(describeTarget({ key: Uint8Array.of(0x61) })).toBe('key 0x61');
    expect(describeTarget({ prefix: new Uint8Array(0) })).toBe('every key');
    expect(describeTarget({ from: Uint8Array.of(1) })).toBe('range [0x01, end)');
  });
});
