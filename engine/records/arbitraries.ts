/**
 * fast-check arbitraries shared by the records tests. Test-only: imported by *.test.ts files,
 * never by the layer itself.
 */

import fc from 'fast-check';
import { isRef, Ref } from './ref';
import type { TupleElement } from './tuple';
import type { Value } from './value';

const keyElementArb: fc.Arbitrary<TupleElement> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
  fc.string({ maxLength: 10 }),
  fc.uint8Array({ maxLength: 6 }),
);
const keyArb: fc.Arbitrary<TupleElement | TupleElement[]> = fc.oneof(keyElementArb, fc.array(keyElementArb, { maxLength: 3 }));
/** Random references, with and without view and version. */
export const refArb: fc.Arbitrary<Ref> = fc
  .record(
    {
      key: keyArb,
      view: fc.array(keyElementArb, { maxLength: 3 }),
      version: fc.oneof(fc.nat(), fc.constant(2 ** 40), fc.constant(Number.MAX_SAFE_INTEGER), fc.string({ minLength: 1, maxLength: 40 })),
    },
    { requiredKeys: ['key'] },
  )
  .map(({ key, view, version }) => new Ref(key, view === undefined && version === undefined ? undefined : { view, version }));

const scalarValueArb: fc.Arbitrary<Value> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(), // includes NaN, ±Infinity and -0
  fc.constantFrom(2 ** 32, -(2 ** 31) - 1, 2 ** 53, 0.1),
  fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }),
  fc.constantFrom(0n, -1n, 2n ** 63n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 2n ** 64n, -(2n ** 63n) - 1n),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }),
  fc.date({ noInvalidDate: true }),
  refArb,
);
const objectKeyArb = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('$bytes', '$raw', '$$x', '$ref', 'view', 'constructor', 'toString')).filter((k) => k !== '__proto__');
/** Random values of every supported kind, nested. */
export const { value: valueArb } = fc.letrec<{ value: Value }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarValueArb,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(objectKeyArb, tie('value'), { maxKeys: 5 }),
  ),
}));

/** A structure that toEqual can compare: what a round trip must preserve. */
export function canon(v: unknown): unknown {
  if (typeof v === 'number') return Object.is(v, -0) ? 0 : v;
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('hex') };
  if (v instanceof Date) return { date: v.getTime() };
  if (isRef(v)) return { ref: v.keyBytes.toString('hex'), view: v.viewBytes?.toString('hex'), version: v.version };
  if (Array.isArray(v)) return v.map(canon);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = canon(x);
    return out;
  }
  return v;
}
