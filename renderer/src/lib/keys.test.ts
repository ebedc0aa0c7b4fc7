import { describe, expect, it } from 'vitest';
import type { KeyView } from '../../../app/contract';
import { asBytes, asRef, asTagged, formatTuple, hexToPrintable, keyLine, keyText, keyToInputText, parseKeyText, partialTokens, tupleTokens } from './keys';

describe('parseKeyText', () => {
  it('reads tuples in relaxed and JSON notation', () => {
    expect(parseKeyText('users, 42', 'tuple')).toEqual({ ok: true, key: { json: ['users', 42] } });
    expect(parseKeyText('"users", 42', 'tuple')).toEqual({ ok: true, key: { json: ['users', 42] } });
    expect(parseKeyText('("orders", 7)', 'tuple')).toEqual({ ok: true, key: { json: ['orders', 7] } });
    expect(parseKeyText('["a", [1, 2], null, true]', 'tuple')).toEqual({ ok: true, key: { json: ['a', [1, 2], null, true] } });
    expect(parseKeyText("'it''s', x", 'tuple').ok).toBe(true);
    expect(parseKeyText('a, "b, c"', 'tuple')).toEqual({ ok: true, key: { json: ['a', 'b, c'] } });
  });
  it('takes 0x… as hex in tuple mode, and hex and text modes literally', () => {
    expect(parseKeyText('0x0a1B', 'tuple')).toEqual({ ok: true, key: { hex: '0a1b' } });
    expect(parseKeyText('0a 1b', 'hex')).toEqual({ ok: true, key: { hex: '0a1b' } });
    expect(parseKeyText('abc', 'hex').ok).toBe(false);
    expect(parseKeyText('user:', 'text')).toEqual({ ok: true, key: { text: 'user:' } });
  });
  it('rejects empty tuple elements', () => {
    expect(parseKeyText('a,,b', 'tuple').ok).toBe(false);
  });
});

describe('tuples for display', () => {
  it('formats tuples with typed tokens', () => {
    expect(formatTuple(['users', 7])).toBe('("users", 7)');
    expect(formatTuple([{ $bytes: 'ff00' }, { $bigint: '12345678901234567890' }])).toBe('(0xff00, 12345678901234567890n)');
    expect(tupleTokens(['a', true, null]).map((t) => t.kind)).toEqual(['punct', 'string', 'punct', 'bool', 'punct', 'null', 'punct']);
    expect(formatTuple({ $raw: 'a1b2' })).toBe('0xa1b2');
  });
  it('gives a key as text and as input', () => {
    const k: KeyView = { hex: '20', json: ['users', 7], decoded: true, length: 1 };
    expect(keyText(k)).toBe('("users", 7)');
    expect(keyToInputText(k)).toBe('"users", 7');
    expect(keyText({ hex: 'ff', json: null, decoded: false, length: 1 })).toBe('0xff');
    expect(hexToPrintable('4142ff')).toBe('AB·');
  });
});

describe('tags', () => {
  it('recognises bytes, raw, references and other tags', () => {
    expect(asBytes({ $bytes: 'ab' })).toBe('ab');
    expect(asBytes({ $raw: 'cd' })).toBe('cd');
    expect(asBytes({ $bytes: 'ab', x: 1 })).toBeNull();
    expect(asTagged({ $date: '2024-01-01T00:00:00.000Z' })).toEqual({ tag: 'date', text: '2024-01-01T00:00:00.000Z' });
    expect(asTagged({ $$x: 1 })).toBeNull();
  });
  it('turns references into key inputs, including views and pinned versions', () => {
    expect(asRef({ $ref: ['users', 7] })).toEqual({ key: { json: ['users', 7] }, label: '("users", 7)' });
    expect(asRef({ $ref: ['handbook'], view: ['docs'] })).toEqual({ key: { json: ['docs', 'handbook'] }, label: '("docs", "handbook")' });
    expect(asRef({ $ref: ['a'], version: 'v2' })).toMatchObject({ at: 'v2' });
    expect(asRef({ $ref: { $raw: 'ff' } })).toEqual({ key: { hex: 'ff' }, label: '0xff' });
    expect(asRef({ $ref: ['a'], other: 1 })).toBeNull();
    expect(asRef(['a'])).toBeNull();
  });
});

describe('cut keys (pivots)', () => {
  const text = (tokens: readonly { text: string }[]) => tokens.map((t) => t.text).join('');

  it('shows the whole elements, then the cut string with a cut mark and no closing parenthesis', () => {
    const tokens = partialTokens({ elements: ['orders', 19], rest: { kind: 'string', hex: '2061', text: 'a"b' } });
    expect(text(tokens)).toBe('("orders", 19, "a\\"b…');
    expect(tokens[tokens.length - 1]).toEqual({ kind: 'cut', text: '…' });
  });

  it('shows a cut number or nested tuple as its raw hex, marked', () => {
    expect(text(partialTokens({ elements: ['orders'], rest: { kind: 'number', hex: '1581' } }))).toBe('("orders", ‹number 0x1581›…');
    expect(text(partialTokens({ elements: ['orders'], rest: { kind: 'number', hex: '15810a', text: '≥ 1920' } }))).toBe('("orders", ≥ 1920…');
    expect(partialTokens({ elements: [], rest: { kind: 'unknown', hex: 'ff' } }).filter((t) => t.kind === 'cut').length).toBe(2);
  });

  it('a cut byte string shows its bytes', () => {
    expect(text(partialTokens({ elements: [], rest: { kind: 'bytes', hex: '210a0b', text: '0a0b' } }))).toBe('(0x0a0b…');
  });

  it('keyLine: tuple, cut key, raw hex', () => {
    const base = { hex: '2065', length: 2 };
    expect(keyLine({ ...base, json: ['users', 7], decoded: true })).toBe('("users", 7)');
    expect(keyLine({ ...base, json: null, decoded: false, partial: { elements: [], rest: { kind: 'string', hex: '2065', text: 'e' } } })).toBe('("e…');
    expect(keyLine({ ...base, json: null, decoded: false })).toBe('0x2065');
  });
});
