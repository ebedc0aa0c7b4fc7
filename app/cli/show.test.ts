import { describe, expect, it } from 'vitest';
import { Ref } from '../../engine/index';
import { RawBytes, showValue } from './show';

describe('showValue', () => {
  it('writes JSON-like data compactly, with spaces after separators', () => {
    expect(showValue({ a: 1, b: ['x', null, true], c: {} })).toBe('{"a": 1, "b": ["x", null, true], "c": {}}');
  });

  it('shows what JSON cannot say readably', () => {
    expect(showValue(12n)).toBe('12n');
    expect(showValue(new Uint8Array([0, 255]))).toBe('<bytes 00ff>');
    expect(showValue(new RawBytes(new Uint8Array([0xc1]), 'bad'))).toBe('<hex c1>');
    expect(showValue(new Date(Date.UTC(2024, 0, 2)))).toBe('2024-01-02T00:00:00.000Z');
    expect(showValue(Number.NaN)).toBe('NaN');
    expect(showValue(new Uint8Array(100))).toMatch(/^<bytes 0{128}… \(100 bytes\)>$/);
  });

  it('shows references as arrows to their target', () => {
    expect(showValue({ user: new Ref(['users', 7]) })).toBe('{"user": → ["users", 7]}');
    expect(showValue(new Ref('config'))).toBe('→ "config"');
    expect(showValue(new Ref(['users', 7], { view: ['tenants', 3], version: 'v2' }))).toBe('→ ["users", 7] in view ["tenants", 3] @ v2');
  });

  it('indents when pretty, keeping short containers on one line', () => {
    const long = 'y'.repeat(80);
    expect(showValue({ a: [1, 2], b: { c: long } }, { pretty: true })).toBe(`{\n  "a": [1, 2],\n  "b": {\n    "c": "${long}"\n  }\n}`);
    expect(showValue({ a: 1 }, { pretty: true })).toBe('{"a": 1}');
  });
});
