import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BlockKind } from '../format/address';
import { FormatError } from '../format/bytes';
import { decodeLeaf, decodeLeafColumns, encodeLeaf } from '../format/node-codec';
import { compareKeys } from './keys';
import { BlobRef, entryBytes, type Value } from './node';
import { PackedLeaf } from './packed-leaf';

/** Keys drawn from a small alphabet, so that leaves get long shared prefixes, keys that are prefixes of others, and equal heads. */
const keyArb = fc.uint8Array({ minLength: 0, maxLength: 12 }).map((a) => Buffer.from(a.map((b) => b % 4)));
const valueArb: fc.Arbitrary<Value> = fc.oneof(
  { weight: 5, arbitrary: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)) },
  { weight: 1, arbitrary: fc.nat(1 << 20).map((n) => new BlobRef({ offset: 4096 + n * 16, length: 40, kind: BlockKind.BlobIndex, level: 0, checksum: n }, 3000 + n)) },
);
const leafArb = fc.uniqueArray(fc.tuple(keyArb, valueArb), { selector: ([k]) => k.toString('hex'), maxLength: 60 }).map((entries) => {
  entries.sort((a, b) => compareKeys(a[0], b[0]));
  const keys = entries.map(([k]) => k);
  const vals = entries.map(([, v]) => v);
  return { keys, vals, bytes: keys.reduce((n, k, i) => n + entryBytes(k, vals[i]), 0) };
});

function packed(payload: Buffer): PackedLeaf {
  return new PackedLeaf(decodeLeafColumns(payload, PackedLeaf.reserveHeads), null);
}

function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a instanceof BlobRef || b instanceof BlobRef) return a instanceof BlobRef && b instanceof BlobRef && a.length === b.length && a.index.offset === b.index.offset;
  return a.equals(b);
}

describe('PackedLeaf', () => {
  it('finds every key and no other, with the values, keys and size decodeLeaf gives (a brute-force model)', () => {
    fc.assert(
      fc.property(leafArb, fc.array(keyArb, { maxLength: 30 }), (leaf, probes) => {
        const payload = encodeLeaf(leaf);
        const p = packed(payload);
        const plain = decodeLeaf(payload).node;
        expect(p.n).toBe(leaf.keys.length);
        expect(p.bytes).toBe(plain.bytes);
        expect(p.keys.map((k) => k.toString('hex'))).toEqual(plain.keys.map((k) => k.toString('hex')));
        for (let i = 0; i < leaf.keys.length; i++) {
          expect(p.find(leaf.keys[i])).toBe(i);
          expect(sameValue(p.valueAt(i), plain.vals[i])).toBe(true);
          expect(sameValue(p.vals[i], plain.vals[i])).toBe(true);
          const copy = p.copyValueAt(i);
          expect(sameValue(copy, plain.vals[i])).toBe(true);
          // A copy the caller owns: writing into it changes nothing stored.
          if (Buffer.isBuffer(copy) && copy.length > 0) {
            copy[0] ^= 0xff;
            expect(sameValue(p.valueAt(i), plain.vals[i])).toBe(true);
          }
        }
        for (const probe of probes) {
          const at = leaf.keys.findIndex((k) => k.equals(probe));
          expect(p.find(probe)).toBe(at);
        }
      }),
      { seed: 2207, numRuns: 400 },
    );
  });

  it('accepts and refuses exactly the payloads decodeLeaf does (mutated bytes)', () => {
    fc.assert(
      fc.property(leafArb, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }), fc.nat(), (leaf, flips, cut) => {
        const payload = Buffer.from(encodeLeaf(leaf));
        for (const [at, byte] of flips) if (payload.length > 0) payload[at % payload.length] = byte;
        const damaged = cut % 3 === 0 ? payload.subarray(0, cut % (payload.length + 1)) : payload;
        let plainError: unknown = null;
        let plain: ReturnType<typeof decodeLeaf>['node'] | null = null;
        try {
          plain = decodeLeaf(damaged).node;
        } catch (e) {
          plainError = e;
        }
        let packedError: unknown = null;
        let p: PackedLeaf | null = null;
        try {
          p = packed(damaged);
        } catch (e) {
          packedError = e;
        }
        if (plainError !== null) {
          expect(plainError).toBeInstanceOf(FormatError);
          expect(packedError).toBeInstanceOf(FormatError);
          return;
        }
        expect(packedError).toBeNull();
        const q = p as PackedLeaf;
        const d = plain as NonNullable<typeof plain>;
        expect(q.n).toBe(d.keys.length);
        for (let i = 0; i < d.keys.length; i++) {
          expect(q.keys[i].equals(d.keys[i])).toBe(true);
          expect(sameValue(q.vals[i], d.vals[i])).toBe(true);
        }
      }),
      { seed: 2208, numRuns: 600 },
    );
  });
});

describe('PackedLeaf.unpack', () => {
  it('gives new arrays each time, equal to keys and vals, before and after they are cached', () => {
    fc.assert(
      fc.property(leafArb, (leaf) => {
        const p = packed(encodeLeaf(leaf));
        const a = p.unpack();
        const b = p.unpack();
        expect(a.keys).not.toBe(b.keys);
        expect(a.vals).not.toBe(b.vals);
        const cachedKeys = p.keys;
        const c = p.unpack();
        expect(c.keys).not.toBe(cachedKeys);
        a.keys.push(Buffer.from('extra'));
        expect(p.keys.length).toBe(leaf.keys.length);
        for (let i = 0; i < leaf.keys.length; i++) {
          expect(c.keys[i].equals(leaf.keys[i])).toBe(true);
          expect(sameValue(b.vals[i], leaf.vals[i])).toBe(true);
        }
      }),
      { seed: 2209, numRuns: 100 },
    );
  });
});
