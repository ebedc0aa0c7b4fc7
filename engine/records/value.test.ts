import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors';
import { canon, refArb, valueArb } from './arbitraries';
import { isRef, Ref } from './ref';
import { encodeKey, encodeTuple, type TupleElement } from './tuple';
import { decodeValue, encodeValue, MAX_VALUE_DEPTH, REF_EXTENSION_TYPE, tryDecodeValue, type Value } from './value';

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

// ---------------------------------------------------------------------------------------------

describe('round trip', () => {
  it('decodeValue(encodeValue(v)) equals v', () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        expect(canon(decodeValue(encodeValue(v)))).toEqual(canon(v));
      }),
      { numRuns: 1500 },
    );
  });

  it('keeps number and bigint apart', () => {
    expect(decodeValue(encodeValue(5))).toBe(5);
    expect(decodeValue(encodeValue(5n))).toBe(5n);
    expect(decodeValue(encodeValue(2 ** 60))).toBe(2 ** 60);
    expect(decodeValue(encodeValue(2n ** 100n))).toBe(2n ** 100n);
    expect(decodeValue(encodeValue(-(2n ** 100n)))).toBe(-(2n ** 100n));
    expect(decodeValue(encodeValue(NaN))).toBeNaN();
  });

  it('keeps -0 as a float64 -0 (msgpackr alone writes it as the int 0)', () => {
    expect(encodeValue(-0).toString('hex')).toBe('cb8000000000000000');
    expect(encodeValue(0).toString('hex')).toBe('00');
    const back = decodeValue(encodeValue({ a: [1, -0], b: -0, c: 0 })) as { a: number[]; b: number; c: number };
    expect(Object.is(back.a[1], -0)).toBe(true);
    expect(Object.is(back.b, -0)).toBe(true);
    expect(Object.is(back.c, 0)).toBe(true);
    expect(() => decodeValue(Buffer.from('d44e00', 'hex'))).toThrow(/not a Thunderhead value/);
  });

  it('is plain msgpack', () => {
    expect(encodeValue({ a: [1, 'x', null, true] }).toString('hex')).toBe('81a1619401a178c0c3');
    expect(encodeValue(new Uint8Array([1, 2])).toString('hex')).toBe('c4020102');
    expect(encodeValue(7n).toString('hex')).toBe('d30000000000000007');
  });

  it('leaves out undefined properties, as JSON does', () => {
    expect(decodeValue(encodeValue({ a: 1, b: undefined }))).toEqual({ a: 1 });
  });

  it('returns bytes as fresh Buffers', () => {
    const bytes = encodeValue({ b: new Uint8Array([1, 2, 3]) });
    const out = decodeValue(bytes) as { b: Buffer };
    expect(Buffer.isBuffer(out.b)).toBe(true);
    out.b[0] = 9;
    expect((decodeValue(bytes) as { b: Buffer }).b[0]).toBe(1);
  });

  it('round-trips objects with a null prototype as plain objects', () => {
    const o = Object.create(null) as Record<string, Value>;
    o.x = 1;
    expect(decodeValue(encodeValue(o))).toEqual({ x: 1 });
  });
});

describe('Ref', () => {
  it('round-trips, with and without view and version', () => {
    fc.assert(
      fc.property(refArb, (r) => {
        const back = decodeValue(encodeValue(r));
        expect(isRef(back)).toBe(true);
        expect((back as Ref).equals(r)).toBe(true);
        expect(encodeValue(back)).toEqual(encodeValue(r));
      }),
      { numRuns: 1000 },
    );
  });

  it(`is msgpack extension ${REF_EXTENSION_TYPE} holding [key bin, view bin|nil, version]`, () => {
    const r = new Ref(['users', 7], { version: 'nightly' });
    const key = encodeKey(['users', 7]);
    const payload = Buffer.concat([Buffer.from([0x93, 0xc4, key.length]), key, Buffer.from([0xc0, 0xa7]), Buffer.from('nightly')]);
    expect(encodeValue(r)).toEqual(Buffer.concat([Buffer.from([0xc7, payload.length, 0x54]), payload]));
    const plain = encodeValue(new Ref('a'));
    expect(plain.toString('hex')).toBe('c7065491c403206100');
    expect(decodeValue(plain)).toEqual(new Ref('a'));
  });

  it('exposes key bytes, view and absolute key', () => {
    const r = new Ref(7, { view: ['users'] });
    expect(r.keyBytes).toEqual(encodeKey(7));
    expect(r.viewBytes).toEqual(encodeTuple(['users']));
    expect(r.absoluteKey()).toEqual(encodeKey(['users', 7]));
    expect(r.view).toEqual(['users']);
    expect(r.version).toBeUndefined();
    expect(new Ref('x').absoluteKey()).toEqual(encodeKey('x'));
  });

  it('validates at construction', () => {
    expectInvalid(() => new Ref(undefined as unknown as TupleElement), /^ref key: key is undefined/);
    expectInvalid(() => new Ref('a', { view: 'users' as unknown as [] }), /ref view must be a tuple/);
    expectInvalid(() => new Ref('a', { version: -1 }), /non-negative integer/);
    expectInvalid(() => new Ref('a', { version: 1.5 }), /non-negative integer/);
    expectInvalid(() => new Ref('a', { version: '' }), /non-empty snapshot name/);
  });

  it('rejects damaged Ref payloads with InvalidArgumentError', () => {
    const bad = (payload: number[]): Buffer => Buffer.from([0xc7, payload.length, 0x54, ...payload]);
    expectInvalid(() => decodeValue(bad([0x90])), /Ref extension is not an array/);
    expectInvalid(() => decodeValue(bad([0x91, 0xa1, 0x61])), /key and view must be bin/);
    expectInvalid(() => decodeValue(bad([0x91, 0xc4, 0x01, 0x07])), /Ref extension key bytes are not a tuple/);
    expectInvalid(() => decodeValue(bad([0x91, 0xc4, 0x01, 0x02, 0x00])), /trailing bytes/);
    expectInvalid(() => decodeValue(bad([0x93, 0xc4, 0x01, 0x02, 0xc0, 0xc2])), /version must be a uint or a str/);
    expectInvalid(() => decodeValue(bad([0x93, 0xc4, 0x01, 0x02, 0xc0, 0xa0])), /snapshot name/);
  });
});

describe('rejection', () => {
  it('rejects what is not a Value, naming the path', () => {
    expectInvalid(() => encodeValue(undefined), /^value is undefined/);
    expectInvalid(() => encodeValue({ a: [1, new Map()] }), /^value\.a\[1\] is a Map; .*array of pairs/);
    expectInvalid(() => encodeValue({ 'odd key': new Set() }), /^value\["odd key"\] is a Set/);
    expectInvalid(() => encodeValue([undefined]), /^value\[0\] is undefined; use null/);
    expectInvalid(() => encodeValue({ f: () => 1 }), /value\.f is a function/);
    expectInvalid(() => encodeValue(Symbol('s')), /value is a symbol/);
    expectInvalid(() => encodeValue(new (class Point {})()), /value is a Point/);
    expectInvalid(() => encodeValue(new Float64Array(1)), /value is a Float64Array/);
    expectInvalid(() => encodeValue(new Date(NaN)), /invalid Date/);
    expectInvalid(() => encodeValue('\ud800'), /lone surrogate/);
    expectInvalid(() => encodeValue(JSON.parse('{"__proto__": 1}')), /__proto__/);
  });

  it('rejects deep nesting and cycles', () => {
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expectInvalid(() => encodeValue(cycle), new RegExp(`more than ${MAX_VALUE_DEPTH} deep \\(or is a cycle\\)`));
  });
});

describe('malformed bytes', () => {
  it.each([
    ['empty', ''],
    ['truncated', '92c3'],
    ['trailing bytes', 'c3c3'],
    ['reserved byte', 'c1'],
    ['undefined extension', 'd40000'],
    ['unknown extension', 'd40500'],
    ['invalid timestamp', 'd4ffff'],
    ['msgpackr Set extension', 'd4730091c3'],
    ['huge array length', 'ddffffffff'],
    ['deep arrays', '91'.repeat(50_000)],
  ])('rejects %s with InvalidArgumentError', (_name, hex) => {
    expectInvalid(() => decodeValue(Buffer.from(hex, 'hex')), /^value bytes are not a Thunderhead value: /);
    expect(tryDecodeValue(Buffer.from(hex, 'hex')).ok).toBe(false);
  });

  it('damaged or random bytes decode or throw InvalidArgumentError', () => {
    const damaged = fc
      .tuple(valueArb, fc.nat(), fc.nat(255), fc.constantFrom('truncate', 'flip', 'insert'))
      .map(([v, at, byte, how]) => {
        const b = encodeValue(v);
        const i = at % b.length;
        if (how === 'truncate') return b.subarray(0, i);
        if (how === 'flip') return Buffer.concat([b.subarray(0, i), Buffer.from([b[i] ^ (byte || 1)]), b.subarray(i + 1)]);
        return Buffer.concat([b.subarray(0, i), Buffer.from([byte]), b.subarray(i)]);
      });
    const anyBytes = fc.oneof(damaged, fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)));
    fc.assert(
      fc.property(anyBytes, (b) => {
        try {
          decodeValue(b);
        } catch (e) {
          expect(e).toBeInstanceOf(InvalidArgumentError);
        }
      }),
      { numRuns: 3000 },
    );
    // msgpackr keeps decoder state in module variables; a failure must not poison the next call.
    expect(decodeValue(encodeValue({ ok: [1, 2] }))).toEqual({ ok: [1, 2] });
  });
});
