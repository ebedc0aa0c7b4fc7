import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors';
import {
  compareTupleElements,
  decodeKey,
  decodeTuple,
  encodeKey,
  encodeStringPrefix,
  encodeTuple,
  MAX_BIGINT_BITS,
  MAX_TUPLE_DEPTH,
  tryDecodeKey,
  type Tuple,
  type TupleElement,
} from './tuple';

// ---------------------------------------------------------------------------------------------
// Arbitraries

const tricky = [
  0, 1, -1, 0.5, -0.5, 1.5, 2, 3, 127, 128, 255, 256, 1000, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 52, 2 ** 53 - 1, 2 ** 53,
  2 ** 53 + 2, 2 ** 60, 1e21, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE,
  -Number.MIN_VALUE, 2 ** -1022, 2 ** -1023, 2 ** -1074 * 3, 0.1, 0.2, 1 / 3, Math.PI, -Math.E,
];
const numberArb: fc.Arbitrary<number> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.integer({ min: -300, max: 300 }),
  fc.constantFrom(...tricky),
);
const bigintArb: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.constantFrom(0n, 1n, -1n, 2n ** 53n, 2n ** 53n - 1n, 2n ** 53n + 1n, -(2n ** 53n), 2n ** 64n, 2n ** 1023n, 2n ** 1024n, -(2n ** 1024n) - 1n),
);
const stringArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ maxLength: 80 }),
  fc.constantFrom('', '\0', '\0\0', 'a\0', 'a', 'ab', '\uffff', '\u{10000}', '\ue000', '\ud7ff', '\ufeffbom', 'é', '€', '\u{1F600}'),
);
const bytesArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 8 }),
  fc.array(fc.constantFrom(0, 1, 0xfe, 0xff), { maxLength: 6 }).map((a) => Uint8Array.from(a)),
  fc.uint8Array({ minLength: 60, maxLength: 100 }),
);
const scalarArb: fc.Arbitrary<TupleElement> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  numberArb,
  bigintArb,
  stringArb,
  bytesArb,
);
const { element: elementArb } = fc.letrec<{ element: TupleElement }>((tie) => ({
  element: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarArb, fc.array(tie('element'), { maxLength: 4 })),
}));
const tupleArb: fc.Arbitrary<TupleElement[]> = fc.array(elementArb, { maxLength: 5 });

// Small domain, so that random pairs often share prefixes and tie on types.
const smallScalar: fc.Arbitrary<TupleElement> = fc.constantFrom<TupleElement>(
  null, false, true, -2, -1.5, -1, -0, 0, 0.5, 1, 1n, 2n, 2 ** 53, 2n ** 53n + 1n, '', '\0', 'a', 'a\0', 'b', '\uffff', '\u{10000}',
  new Uint8Array([]), new Uint8Array([0]), new Uint8Array([0, 0xff]), new Uint8Array([1]), new Uint8Array([0xff]),
);
const { small: smallElement } = fc.letrec<{ small: TupleElement }>((tie) => ({
  small: fc.oneof({ depthSize: 'small' }, smallScalar, fc.array(tie('small'), { maxLength: 3 })),
}));
const smallTuple = fc.array(smallElement, { maxLength: 4 });

/** What decoding gives back for an element: integers by safe range, bytes as Buffer, -0 as 0. */
function normalize(e: TupleElement): TupleElement {
  if (typeof e === 'number') {
    if (Object.is(e, -0)) return 0;
    return Number.isInteger(e) && !Number.isSafeInteger(e) ? BigInt(e) : e;
  }
  if (typeof e === 'bigint') return e >= -BigInt(Number.MAX_SAFE_INTEGER) && e <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(e) : e;
  if (e instanceof Uint8Array) return Buffer.from(e);
  if (Array.isArray(e)) return e.map(normalize);
  return e;
}

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

function expectInvalid(fn: () => unknown, message?: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(InvalidArgumentError);
  if (message) expect((thrown as Error).message).toMatch(message);
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// ---------------------------------------------------------------------------------------------

describe('encoding table', () => {
  it.each<[TupleElement, string]>([
    [null, '02'],
    [false, '04'],
    [true, '05'],
    [0, '14'],
    [-0, '14'],
    [0n, '14'],
    [1, '158000'],
    [2, '15810100'],
    [3, '15810180'], // 1.1b × 2^1: fraction group 1000000b, written 0x40 << 1
    [0.5, '157ffe00'], // E = -1: 0x80 - 1, then |E| inverted
    [1000, '158109f4'],
    [-1, '137fff'],
    ['', '2000'],
    ['a', '206100'],
    ['a\0b', '206100ff6200'],
    [new Uint8Array([0, 1]), '2100ff0100'],
    [[], '3000'],
    [[null], '300200'],
  ])('%o encodes as %s', (element, expected) => {
    expect(hex(encodeTuple([element]))).toBe(expected);
  });

  it('encodes a scalar key as a 1-tuple and a tuple as its elements', () => {
    expect(encodeKey('user')).toEqual(encodeTuple(['user']));
    expect(encodeKey(['user', 1])).toEqual(encodeTuple(['user', 1]));
    expect(encodeTuple([])).toHaveLength(0);
  });

  it('gives 5 and 5n, and 2 ** 60 and 2n ** 60n, one encoding', () => {
    expect(encodeKey(5)).toEqual(encodeKey(5n));
    expect(encodeKey(2 ** 60)).toEqual(encodeKey(2n ** 60n));
    expect(encodeKey(-(2 ** 60))).toEqual(encodeKey(-(2n ** 60n)));
  });
});

describe('round trip', () => {
  it('decodeTuple(encodeTuple(t)) equals t up to integer type and -0', () => {
    fc.assert(
      fc.property(tupleArb, (t) => {
        expect(decodeTuple(encodeTuple(t))).toEqual(t.map(normalize));
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes integers to number when safe and to bigint otherwise', () => {
    expect(decodeKey(encodeKey(5n))).toBe(5);
    expect(decodeKey(encodeKey(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(decodeKey(encodeKey(2 ** 53))).toBe(2n ** 53n);
    expect(decodeKey(encodeKey(-(2 ** 53)))).toBe(-(2n ** 53n));
    expect(decodeKey(encodeKey(1e300))).toBe(BigInt(1e300));
    expect(decodeKey(encodeKey(Number.MIN_VALUE))).toBe(Number.MIN_VALUE);
    expect(decodeKey(encodeKey(-Number.MAX_VALUE))).toBe(-BigInt(Number.MAX_VALUE));
  });

  it('keeps a leading byte order mark and NULs in strings', () => {
    for (const s of ['\ufeff', '\ufeffx', '\0', 'a\0\0b\0', '\u{1F600}\0']) expect(decodeKey(encodeKey(s))).toBe(s);
  });

  it('returns byte elements as copies, not views of the input', () => {
    const bytes = encodeKey(new Uint8Array([1, 2, 3]));
    const out = decodeKey(bytes) as Buffer;
    out[0] = 9;
    expect(decodeKey(bytes)).toEqual(Buffer.from([1, 2, 3]));
  });

  it('decodeKey unwraps only a lone scalar, so encodeKey(decodeKey(b)) equals b', () => {
    expect(decodeKey(encodeKey('a'))).toBe('a');
    expect(decodeKey(encodeKey([['a']]))).toEqual([['a']]);
    expect(decodeKey(encodeKey([]))).toEqual([]);
    expect(decodeKey(encodeKey(['a', 1]))).toEqual(['a', 1]);
    fc.assert(
      fc.property(tupleArb, (t) => {
        const b = encodeTuple(t);
        expect(encodeKey(decodeKey(b))).toEqual(b);
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts any Uint8Array view as input', () => {
    const b = encodeTuple(['x', 7]);
    const padded = new Uint8Array(b.length + 4);
    padded.set(b, 2);
    expect(decodeTuple(padded.subarray(2, 2 + b.length))).toEqual(['x', 7]);
  });
});

describe('order', () => {
  function check(a: Tuple, b: Tuple): void {
    const bytes = sign(Buffer.compare(encodeTuple(a), encodeTuple(b)));
    expect(bytes, `${JSON.stringify(a, big)} vs ${JSON.stringify(b, big)}`).toBe(sign(compareTupleElements(a, b)));
  }
  const big = (_: string, v: unknown): unknown => (typeof v === 'bigint' ? `${v}n` : v);

  it('byte order equals compareTupleElements for random tuples', () => {
    fc.assert(fc.property(tupleArb, tupleArb, check), { numRuns: 3000 });
  });

  it('byte order equals compareTupleElements for tuples from a small domain', () => {
    fc.assert(fc.property(smallTuple, smallTuple, check), { numRuns: 3000 });
  });

  it('orders numbers and bigints together by value', () => {
    const numeric = fc.oneof(numberArb, bigintArb);
    fc.assert(fc.property(numeric, numeric, (a, b) => check([a], [b])), { numRuns: 3000 });
  });

  it('orders neighbouring doubles', () => {
    const f = new Float64Array(1);
    const u = new BigUint64Array(f.buffer);
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: 0 }), (x) => {
        f[0] = x;
        if (x === Number.MAX_VALUE) return;
        u[0] += 1n;
        const next = f[0];
        expect(Buffer.compare(encodeKey(x), encodeKey(next))).toBe(-1);
        expect(Buffer.compare(encodeKey(-next), encodeKey(-x))).toBe(-1);
      }),
      { numRuns: 2000 },
    );
  });

  it('puts kinds in the documented order', () => {
    const ladder: TupleElement[] = [null, false, true, -(2n ** 1100n), -1e308, -(2n ** 300n), -1, -Number.MIN_VALUE, 0, Number.MIN_VALUE, 0.5, 1, 1.5, 2n, 2 ** 53, 2n ** 53n + 1n, 1e308, 2n ** 1100n, '', '\0', 'a', 'b', '\uffff', '\u{10000}', new Uint8Array(), new Uint8Array([0]), new Uint8Array([0xff]), [], [null], [[]]];
    for (let i = 0; i + 1 < ladder.length; i++) {
      expect(compareTupleElements(ladder[i], ladder[i + 1])).toBe(-1);
      expect(Buffer.compare(encodeKey([ladder[i]]), encodeKey([ladder[i + 1]]))).toBe(-1);
    }
  });

  it('orders strings by UTF-8 bytes, not UTF-16 units', () => {
    expect(compareTupleElements('\uffff', '\u{10000}')).toBe(-1);
    expect('\uffff' < '\u{10000}').toBe(false); // the JS order differs; the key order must not
    expect(Buffer.compare(encodeKey('\uffff'), encodeKey('\u{10000}'))).toBe(-1);
  });
});

describe('prefix', () => {
  it('a tuple encoding is a byte prefix of any extension of it', () => {
    fc.assert(
      fc.property(tupleArb, tupleArb, (a, b) => {
        const short = encodeTuple(a);
        const long = encodeTuple([...a, ...b]);
        expect(long.subarray(0, short.length)).toEqual(short);
      }),
      { numRuns: 1000 },
    );
    expect(encodeTuple(['user', 1]).subarray(0, encodeTuple(['user']).length)).toEqual(encodeTuple(['user']));
  });
});

describe('rejection', () => {
  it('rejects values that are not tuple elements, naming the path', () => {
    expectInvalid(() => encodeKey(undefined as unknown as TupleElement), /^key is undefined/);
    expectInvalid(() => encodeKey(['a', [1, undefined as unknown as TupleElement]]), /^key element \[1\]\[1\] is undefined/);
    expectInvalid(() => encodeKey([{} as unknown as TupleElement]), /key element \[0\] is an object/);
    expectInvalid(() => encodeKey([new Map() as unknown as TupleElement]), /is a Map/);
    expectInvalid(() => encodeKey([(() => 1) as unknown as TupleElement]), /is a function/);
    expectInvalid(() => encodeKey([Symbol('s') as unknown as TupleElement]), /is a symbol/);
    expectInvalid(() => encodeKey([new Uint16Array(2) as unknown as TupleElement]), /is a Uint16Array/);
    expectInvalid(() => encodeTuple('a' as unknown as Tuple), /a tuple is an array/);
  });

  it('rejects NaN and infinities', () => {
    expectInvalid(() => encodeKey(NaN), /NaN; tuple numbers must be finite/);
    expectInvalid(() => encodeKey([1, Infinity]), /key element \[1\] is Infinity/);
    expectInvalid(() => encodeKey(-Infinity), /-Infinity/);
  });

  it('rejects lone surrogates', () => {
    expectInvalid(() => encodeKey('a\ud800'), /lone surrogate/);
    expectInvalid(() => encodeKey(['x', '\udc00b']), /key element \[1\].*lone surrogate/);
  });

  it('rejects bigints that are too large', () => {
    expect(decodeKey(encodeKey(2n ** BigInt(MAX_BIGINT_BITS - 1)))).toBe(2n ** BigInt(MAX_BIGINT_BITS - 1));
    expectInvalid(() => encodeKey(2n ** BigInt(MAX_BIGINT_BITS)), /bigint of 65537 bits/);
  });

  it('rejects deep nesting and cycles', () => {
    let deep: TupleElement[] = [];
    for (let i = 0; i < MAX_TUPLE_DEPTH - 1; i++) deep = [deep];
    const ok = encodeKey(deep);
    expect(encodeKey(decodeKey(ok))).toEqual(ok);
    expectInvalid(() => encodeKey([deep]), /more than 64 deep/);
    const cycle: TupleElement[] = [];
    cycle.push(cycle);
    expectInvalid(() => encodeKey(cycle), /or is a cycle/);
    expectInvalid(() => decodeTuple(Buffer.alloc(100_000, 0x30)), /nest more than 64 deep/);
  });

  it('is usable after an error (the scratch buffer is released)', () => {
    expectInvalid(() => encodeKey(['a'.repeat(100), undefined as unknown as TupleElement]));
    expect(decodeKey(encodeKey('b'))).toBe('b');
  });
});

describe('malformed bytes', () => {
  it.each([
    ['unknown type', '07', /unknown type byte 0x07 at byte 0/],
    ['unterminated string', '2061', /no terminator/],
    ['unterminated nested', '3002', /no end marker/],
    ['stray end marker', '0200', /end marker outside/],
    ['truncated number', '15', /truncated/],
    ['truncated fraction', '158001', /truncated/],
    ['non-minimal exponent', '15810000', /not minimal/],
    ['non-minimal fraction', '15800100', /not minimal/],
    ['fraction too long for a double', `157ffe${'ff'.repeat(8)}02`, /not a double/],
    ['invalid UTF-8', '20c0af00', /not valid UTF-8/],
    ['encoded surrogate', '20eda08000', /not valid UTF-8/],
    ['exponent out of range', '158400000000', /out of range/],
  ])('rejects %s', (_name, bytes, message) => {
    expectInvalid(() => decodeTuple(Buffer.from(bytes, 'hex')), new RegExp(`^key bytes are not a tuple: .*${message.source}`));
    expect(tryDecodeKey(Buffer.from(bytes, 'hex'))).toEqual({ ok: false });
  });

  const mutated = fc
    .tuple(tupleArb.filter((t) => t.length > 0), fc.nat(), fc.nat(255), fc.constantFrom('truncate', 'flip', 'insert', 'delete'))
    .map(([t, at, byte, how]) => {
      const b = encodeTuple(t);
      const i = at % Math.max(1, b.length);
      if (how === 'truncate') return b.subarray(0, i);
      if (how === 'flip') return Buffer.concat([b.subarray(0, i), Buffer.from([b[i] ^ (byte || 1)]), b.subarray(i + 1)]);
      if (how === 'insert') return Buffer.concat([b.subarray(0, i), Buffer.from([byte]), b.subarray(i)]);
      return Buffer.concat([b.subarray(0, i), b.subarray(i + 1)]);
    });

  function decodesCanonicallyOrRejects(b: Buffer): void {
    let decoded: TupleElement[];
    try {
      decoded = decodeTuple(b);
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as Error).message).toMatch(/^key bytes are not a tuple: /);
      expect(tryDecodeKey(b)).toEqual({ ok: false });
      return;
    }
    // Decoding is strict: whatever decodes is the canonical encoding of what it decodes to.
    expect(hex(encodeTuple(decoded))).toBe(hex(b));
    expect(tryDecodeKey(b).ok).toBe(true);
  }

  it('damaged encodings decode canonically or throw InvalidArgumentError', () => {
    fc.assert(fc.property(mutated, decodesCanonicallyOrRejects), { numRuns: 3000 });
  });

  it('random bytes decode canonically or throw InvalidArgumentError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (b) => decodesCanonicallyOrRejects(Buffer.from(b))),
      { numRuns: 3000 },
    );
    const typed = fc
      .tuple(fc.constantFrom(0x13, 0x15), fc.uint8Array({ maxLength: 12 }))
      .map(([t, rest]) => Buffer.concat([Buffer.from([t]), rest]));
    fc.assert(fc.property(typed, decodesCanonicallyOrRejects), { numRuns: 3000 });
  });

  it('rejects a non-Uint8Array input with InvalidArgumentError', () => {
    expectInvalid(() => decodeTuple('abc' as unknown as Uint8Array), /expected a Uint8Array/);
  });
});

describe('encodeStringPrefix', () => {
  const textArb = fc.string({ unit: fc.constantFrom('a', 'b', '\0', 'é', '😀', ':'), maxLength: 6 });
  it('is a byte prefix of exactly the keys whose first element is a string starting with the text', () => {
    fc.assert(
      fc.property(textArb, textArb, fc.oneof(fc.constant(undefined), fc.integer()), (prefix, text, second) => {
        const key = encodeKey(second === undefined ? text : [text, second]);
        const p = encodeStringPrefix(prefix);
        expect(key.subarray(0, p.length).equals(p)).toBe(text.startsWith(prefix));
      }),
      { seed: 1614, numRuns: 2000 },
    );
  });

  it('matches no number, bytes or nested-tuple key', () => {
    const p = encodeStringPrefix('');
    for (const k of [7, new Uint8Array([0x20]), [['x']], null]) expect(encodeKey(k as TupleElement).subarray(0, p.length).equals(p)).toBe(false);
  });
});
