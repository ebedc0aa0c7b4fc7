import { describe, expect, it } from 'vitest';
import { encodeKey } from './tuple';
import { typeDescription } from './type-description';
import { encodeValue } from './value';

class Point {
  constructor(readonly x: number) {}
}

const CASES: readonly [unknown, string][] = [
  [undefined, 'undefined'],
  [() => 1, 'a function'],
  [Symbol('s'), 'a symbol'],
  [new Map(), 'a Map'],
  [new Point(1), 'a Point'],
  [Object.create(null) as object, 'an object'],
];

describe('typeDescription (one wording for the key and the value codec)', () => {
  it('says what a value is', () => {
    for (const [v, words] of CASES) expect(typeDescription(v)).toBe(words);
    expect(typeDescription({})).toBe('an object');
    expect(typeDescription(5)).toBe('number');
  });

  it('is what both codecs say of a thing they cannot hold', () => {
    for (const [v, words] of CASES.filter(([v]) => typeof v !== 'object')) {
      expect(() => encodeKey([v as never])).toThrow(`is ${words};`);
      expect(() => encodeValue([v as never])).toThrow(`is ${words};`);
    }
    expect(() => encodeKey([new Point(1) as never])).toThrow('is a Point;');
    expect(() => encodeValue(new Point(1) as never)).toThrow('is a Point;');
  });
});
