import { describe, expect, it } from 'vitest';
import type { KeyView } from '../../../../app/contract';
import { summarize } from '../../lib/jsonTree';
import { buildHexKey, buildKey, bytesToHex, elementJson, elementsOf, parseValueHex, parseValueText, valueEditorText } from './keyBuilder';

describe('key builder', () => {
  it('builds tuples from typed elements, with tags for bytes and big integers', () => {
    expect(buildKey([{ type: 'string', text: 'users' }, { type: 'int', text: '42' }])).toEqual({ ok: true, value: { json: ['users', 42] } });
    expect(buildKey([{ type: 'string', text: 'a' }])).toEqual({ ok: true, value: { json: 'a' } });
    expect(buildKey([{ type: 'int', text: '123456789012345678901' }, { type: 'bytes', text: '0x0A ff' }, { type: 'bool', text: 'true' }, { type: 'float', text: '1.5' }, { type: 'null', text: '' }])).toEqual({
      ok: true,
      value: { json: [{ $bigint: '123456789012345678901' }, { $bytes: '0aff' }, true, 1.5, null] },
    });
  });

  it('names the element that is wrong', () => {
    expect(buildKey([])).toEqual({ ok: false, error: 'add at least one element' });
    expect(buildKey([{ type: 'string', text: 'x' }, { type: 'int', text: '4.2' }])).toEqual({ ok: false, error: 'element 2: "4.2" is not an integer' });
    expect(buildKey([{ type: 'bytes', text: 'abc' }])).toMatchObject({ ok: false, error: /element 1: bytes need an even number/ });
    expect(buildKey([{ type: 'float', text: 'NaN' }])).toMatchObject({ ok: false });
    expect(buildHexKey('zz')).toMatchObject({ ok: false });
    expect(buildHexKey('0x00 ff')).toEqual({ ok: true, value: { hex: '00ff' } });
  });

  it('reads an existing key back into elements', () => {
    const key = (json: KeyView['json'], decoded = true): KeyView => ({ hex: '00', json, decoded, length: 1 });
    expect(elementsOf(key(['users', 7, { $bytes: '0a' }, false, 2.5]))).toEqual([
      { type: 'string', text: 'users' },
      { type: 'int', text: '7' },
      { type: 'bytes', text: '0a' },
      { type: 'bool', text: 'false' },
      { type: 'float', text: '2.5' },
    ]);
    expect(elementsOf(key('solo'))).toEqual([{ type: 'string', text: 'solo' }]);
    expect(elementsOf(key(null, false))).toBeNull();
  });

  it('validates values typed as JSON or hex', () => {
    expect(parseValueText('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseValueText('{"a": }')).toMatchObject({ ok: false, error: /^not JSON: / });
    expect(parseValueText('  ')).toMatchObject({ ok: false });
    expect(parseValueHex('0xC0')).toEqual({ ok: true, value: 'c0' });
    expect(parseValueHex('c')).toMatchObject({ ok: false });
    expect(bytesToHex(new Uint8Array([0, 15, 255]))).toBe('000fff');
  });
});

describe('value editor numbers (issue 14.1)', () => {
  it('parses big integers and -0 exactly and refuses 1e400 before staging', () => {
    expect(parseValueText('{"big": 1e400, "int": 12345678901234567890}')).toEqual({ ok: false, error: expect.stringMatching(/^1e400 is too large for a 64-bit float/) as unknown as string });
    expect(parseValueText('{"int": 12345678901234567890, "z": -0}')).toEqual({ ok: true, value: { int: { $bigint: '12345678901234567890' }, z: { $number: '-0' } } });
  });
  it('refuses a float key element with more digits than a double keeps', () => {
    expect(elementJson({ type: 'float', text: '3.14159265358979323846' })).toMatchObject({ ok: false, error: expect.stringMatching(/more digits than a 64-bit float keeps/) as unknown as string });
    expect(elementJson({ type: 'float', text: '.5' })).toEqual({ ok: true, value: 0.5 });
    expect(elementJson({ type: 'int', text: '12345678901234567890' })).toEqual({ ok: true, value: { $bigint: '12345678901234567890' } });
  });
  it('prefills and shows stored numbers exactly', () => {
    const stored = { int: { $bigint: '12345678901234567890' }, small: { $bigint: '5' }, z: { $number: '-0' }, f: 2 ** 60 };
    expect(valueEditorText(stored)).toBe('{\n  "int": 12345678901234567890,\n  "small": {\n    "$bigint": "5"\n  },\n  "z": -0,\n  "f": 1152921504606846976.0\n}');
    expect(summarize(stored.int)).toBe('12345678901234567890');
    expect(summarize(stored.small)).toBe('5n');
    expect(summarize(stored.z)).toBe('-0');
    expect(summarize(stored.f)).toBe('1152921504606846976.0');
  });
});
