import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors';
import { canon, valueArb } from './arbitraries';
import { keyFromJson, keyToJson, parseCliArgument, valueFromJson, valueToJson } from './json';
import { Ref } from './ref';
import { decodeKey, encodeKey, encodeTuple, type TupleElement } from './tuple';
import { decodeValue, encodeValue } from './value';

const elementArb: fc.Arbitrary<TupleElement> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.bigInt({ min: -(2n ** 100n), max: 2n ** 100n }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.uint8Array({ maxLength: 8 }),
);
const { element: nestedArb } = fc.letrec<{ element: TupleElement }>((tie) => ({
  element: fc.oneof({ depthSize: 'small' }, elementArb, fc.array(tie('element'), { maxLength: 3 })),
}));
const tupleArb = fc.array(nestedArb, { maxLength: 4 });

/** What the CLI does with a JSON form: print it as text and parse it back. */
const throughText = (j: unknown): unknown => JSON.parse(JSON.stringify(j));

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

describe('keys', () => {
  it('keyFromJson(keyToJson(b)) equals b for tuple keys, through JSON text', () => {
    fc.assert(
      fc.property(tupleArb, (t) => {
        const b = encodeTuple(t);
        expect(keyFromJson(throughText(keyToJson(b)))).toEqual(b);
      }),
      { numRuns: 1500 },
    );
  });

  it('keyFromJson(keyToJson(b)) equals b for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20 }), (raw) => {
        const b = Buffer.from(raw);
        expect(keyFromJson(throughText(keyToJson(b)))).toEqual(b);
      }),
      { numRuns: 1500 },
    );
  });

  it('maps arrays to tuples and scalars to 1-tuples', () => {
    expect(keyFromJson(['users', 7])).toEqual(encodeKey(['users', 7]));
    expect(keyFromJson('users')).toEqual(encodeKey(['users']));
    expect(keyFromJson([['a']])).toEqual(encodeKey([['a']]));
    expect(keyToJson(encodeKey(['users', 7]))).toEqual(['users', 7]);
    expect(keyToJson(encodeKey('users'))).toBe('users');
    expect(keyToJson(encodeKey([['a']]))).toEqual([['a']]);
  });

  it('tags bytes, bigints and raw keys', () => {
    expect(keyToJson(encodeKey(['f', new Uint8Array([0, 255])]))).toEqual(['f', { $bytes: '00ff' }]);
    expect(keyFromJson(['f', { $bytes: '00FF' }])).toEqual(encodeKey(['f', new Uint8Array([0, 255])]));
    expect(keyToJson(encodeKey(2n ** 64n))).toEqual({ $bigint: '18446744073709551616' });
    expect(keyFromJson({ $bigint: '-123' })).toEqual(encodeKey(-123));
    expect(keyToJson(Buffer.from('hello'))).toEqual({ $raw: '68656c6c6f' });
    expect(keyFromJson({ $raw: '68656c6c6f' })).toEqual(Buffer.from('hello'));
    expect(decodeKey(keyFromJson({ $bigint: '9007199254740993' }))).toBe(9007199254740993n);
  });

  it('rejects malformed key JSON with InvalidArgumentError', () => {
    expectInvalid(() => keyFromJson({ name: 'x' }), /is not a key element/);
    expectInvalid(() => keyFromJson({ $bytes: 'abc' }), /hex digit pairs/);
    expectInvalid(() => keyFromJson({ $bytes: 'zz' }), /hex digit pairs/);
    expectInvalid(() => keyFromJson({ $bigint: '1.5' }), /decimal integer string/);
    expectInvalid(() => keyFromJson({ $bigint: 12 }), /decimal integer string/);
    expectInvalid(() => keyFromJson({ $bytes: '00', extra: 1 }), /no other keys \(found extra\)/);
    expectInvalid(() => keyFromJson(['a', { $raw: '00' }]), /whole key/);
    expectInvalid(() => keyFromJson(undefined), /not a key element/);
  });
});

describe('values', () => {
  it('valueFromJson(valueToJson(b)) equals b for encoded values, through JSON text', () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        const b = encodeValue(v);
        const j = valueToJson(b);
        expect(valueFromJson(throughText(j))).toEqual(b);
        // Only values that JSON text cannot hold exactly fall back to $raw: none of ours.
        expect(JSON.stringify(j).startsWith('{"$raw"')).toBe(false);
      }),
      { numRuns: 1500 },
    );
  });

  it('decodes its JSON form to the original value', () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        expect(canon(decodeValue(valueFromJson(throughText(valueToJson(encodeValue(v))))))).toEqual(canon(v));
      }),
      { numRuns: 500 },
    );
  });

  it('valueFromJson(valueToJson(b)) equals b for any bytes', () => {
    const foreign = fc.oneof(
      fc.uint8Array({ maxLength: 24 }),
      // msgpack that our encoder would write differently: float32, map16 for a small map, uint64 for 1.
      fc.constantFrom('ca3fc00000', 'de0001a16101', 'cf0000000000000001', 'd70000000000000001', '81a55f5f70726f746f5f01'),
    );
    fc.assert(
      fc.property(foreign, (x) => {
        const b = typeof x === 'string' ? Buffer.from(x, 'hex') : Buffer.from(x);
        expect(valueFromJson(throughText(valueToJson(b)))).toEqual(b);
      }),
      { numRuns: 1500 },
    );
  });

  it('tags what JSON cannot say', () => {
    const b = encodeValue({
      bytes: new Uint8Array([1, 2]),
      big: 2n ** 70n,
      when: new Date('2024-05-01T12:00:00.000Z'),
      nan: NaN,
      inf: -Infinity,
      ref: new Ref(['users', 7], { view: ['app'], version: 'nightly' }),
      plain: new Ref('x'),
    });
    expect(valueToJson(b)).toEqual({
      bytes: { $bytes: '0102' },
      big: { $bigint: '1180591620717411303424' },
      when: { $date: '2024-05-01T12:00:00.000Z' },
      nan: { $number: 'NaN' },
      inf: { $number: '-Infinity' },
      ref: { $ref: ['users', 7], view: ['app'], version: 'nightly' },
      plain: { $ref: 'x' },
    });
  });

  it('tags -0 so it survives JSON text, and reads the tag back as -0 (0 in a key)', () => {
    const b = encodeValue({ z: -0 });
    expect(valueToJson(b)).toEqual({ z: { $number: '-0' } });
    expect(valueFromJson(JSON.parse(JSON.stringify(valueToJson(b)))).equals(b)).toBe(true);
    expect(keyFromJson({ $number: '-0' }).equals(encodeKey(0))).toBe(true);
  });

  it('escapes $-keys of user objects, and takes unknown single-$ keys literally', () => {
    const b = encodeValue({ $bytes: 'not a tag', $$x: 1, $raw: 2, a$: 3 });
    const j = valueToJson(b);
    expect(j).toEqual({ $$bytes: 'not a tag', $$$x: 1, $$raw: 2, a$: 3 });
    expect(valueFromJson(j)).toEqual(b);
    expect(decodeValue(valueFromJson({ $price: 5 }))).toEqual({ $price: 5 });
    expectInvalid(() => valueFromJson({ $x: 1, $$x: 2 }), /both mean "\$x"/);
  });

  it('gives $raw for bytes that are not a value, and back', () => {
    expect(valueToJson(Buffer.from('c3c3', 'hex'))).toEqual({ $raw: 'c3c3' });
    expect(valueFromJson({ $raw: 'c3c3' })).toEqual(Buffer.from('c3c3', 'hex'));
    // A readable form on request, even when it would not re-encode to the same bytes.
    expect(valueToJson(Buffer.from('ca3fc00000', 'hex'))).toEqual({ $raw: 'ca3fc00000' });
    expect(valueToJson(Buffer.from('ca3fc00000', 'hex'), { exact: false })).toBe(1.5);
  });

  it('rejects malformed value JSON with InvalidArgumentError', () => {
    expectInvalid(() => valueFromJson({ $date: 'yesterday' }), /ISO 8601/);
    expectInvalid(() => valueFromJson({ $number: 'nan' }), /"NaN", "Infinity", "-Infinity" or "-0"/);
    expectInvalid(() => valueFromJson({ $ref: ['a'], name: 'x' }), /only "view" and "version"/);
    expectInvalid(() => valueFromJson({ $ref: ['a'], view: 'v' }), /must be an array/);
    expectInvalid(() => valueFromJson({ $ref: ['a'], version: true }), /version id or a snapshot name/);
    expectInvalid(() => valueFromJson({ $ref: { a: 1 } }), /not a key element/);
    expectInvalid(() => valueFromJson([{ $raw: '00' }]), /whole value/);
    expectInvalid(() => valueFromJson(JSON.parse('{"__proto__": 1}')), /__proto__/);
    expectInvalid(() => valueFromJson(undefined), /value JSON holds undefined/);
  });
});

describe('parseCliArgument', () => {
  it('parses JSON, else keeps the text', () => {
    expect(parseCliArgument('42')).toBe(42);
    expect(parseCliArgument('"42"')).toBe('42');
    expect(parseCliArgument('["users", 7]')).toEqual(['users', 7]);
    expect(parseCliArgument('{"$bytes":"00"}')).toEqual({ $bytes: '00' });
    expect(parseCliArgument('alice')).toBe('alice');
    expect(parseCliArgument('')).toBe('');
    expect(parseCliArgument('[1,')).toBe('[1,');
    expect(keyFromJson(parseCliArgument('alice'))).toEqual(encodeKey('alice'));
  });
});
