import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { valueArb } from '../../engine/records/arbitraries';
import { decodeValue, encodeKey, encodeValue, keyFromJson, keyToJson, valueFromJson, valueToJson, type TupleElement } from '../../engine/index';
import { formatJsonText, JsonTextError, parseJsonText, type JsonTree } from './json-text';

const keyElementArb: fc.Arbitrary<TupleElement> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.bigInt({ min: -(2n ** 100n), max: 2n ** 100n }),
  fc.constantFrom(2n ** 53n + 1n, 12345678901234567890n, -(2n ** 63n)),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.uint8Array({ maxLength: 8 }),
);

/** What the editor and the CLI do with a stored value: show it as text, then store the text. */
function throughText(bytes: Buffer, space?: number): Buffer {
  return valueFromJson(parseJsonText(formatJsonText(valueToJson(bytes) as JsonTree, space)));
}

function numberError(text: string): JsonTextError {
  try {
    parseJsonText(text);
  } catch (error) {
    expect(error).toBeInstanceOf(JsonTextError);
    expect((error as JsonTextError).kind).toBe('number');
    return error as JsonTextError;
  }
  throw new Error(`${text} parsed`);
}

describe('the JSON text form', () => {
  it('round-trips every storable value exactly through the editor text and the CLI line', () => {
    fc.assert(
      fc.property(valueArb, fc.constantFrom(undefined, 2), (value, space) => {
        const bytes = encodeValue(value);
        expect(throughText(bytes, space).equals(bytes)).toBe(true);
      }),
      { seed: 1414, numRuns: 600 },
    );
  });

  it('round-trips every tuple key exactly', () => {
    fc.assert(
      fc.property(fc.oneof(keyElementArb, fc.array(keyElementArb, { maxLength: 4 })), (key) => {
        const bytes = encodeKey(key);
        expect(keyFromJson(parseJsonText(formatJsonText(keyToJson(bytes) as JsonTree))).equals(bytes)).toBe(true);
      }),
      { seed: 1415, numRuns: 400 },
    );
  });

  it('keeps integers beyond 2^53 and -0 exactly (issue 14.1)', () => {
    const bytes = valueFromJson(parseJsonText('{"int": 12345678901234567890, "neg": -9223372036854775808, "huge": 123456789012345678901234567890, "z": -0}'));
    const value = decodeValue(bytes) as Record<string, unknown>;
    expect(value.int).toBe(12345678901234567890n);
    expect(value.neg).toBe(-9223372036854775808n);
    expect(value.huge).toBe(123456789012345678901234567890n);
    expect(Object.is(value.z, -0)).toBe(true);
    expect(formatJsonText(valueToJson(bytes) as JsonTree)).toBe('{"int":12345678901234567890,"neg":-9223372036854775808,"huge":123456789012345678901234567890,"z":-0}');
  });

  it('keeps a double beyond 2^53 a double, and a small bigint a bigint', () => {
    const double = encodeValue(2 ** 60);
    expect(formatJsonText(valueToJson(double) as JsonTree)).toBe('1152921504606846976.0');
    expect(throughText(double).equals(double)).toBe(true);
    const small = encodeValue(5n);
    expect(formatJsonText(valueToJson(small) as JsonTree)).toBe('{"$bigint":"5"}');
    expect(throughText(small).equals(small)).toBe(true);
  });

  it('refuses numbers a 64-bit float cannot keep, naming them', () => {
    expect(numberError('{"big": 1e400, "int": 1}').message).toMatch(/^1e400 is too large for a 64-bit float/);
    expect(numberError('[1e-400]').message).toMatch(/^1e-400 is too small/);
    expect(numberError('3.14159265358979323846').message).toMatch(/more digits than a 64-bit float keeps \(it would be stored as 3\.141592653589793\)/);
    expect(numberError('9007199254740993.0').message).toMatch(/stored as 9007199254740992/);
  });

  it('accepts a float written in full or in its shortest form', () => {
    expect(parseJsonText('[0.1, 1e20, 100000000000000000000.0, 1152921504606846976.0, 5e-324, 1.5e300]')).toEqual([0.1, 1e20, 1e20, 2 ** 60, 5e-324, 1.5e300]);
    expect(parseJsonText('[-0.0, -0, 0]')).toEqual([{ $number: '-0' }, { $number: '-0' }, 0]);
  });

  it('says where the syntax is wrong', () => {
    let error: unknown;
    try {
      parseJsonText('{"a": 1,');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JsonTextError);
    expect((error as JsonTextError).kind).toBe('syntax');
    expect((error as Error).message).toMatch(/position/);
  });
});
