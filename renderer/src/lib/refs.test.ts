import { describe, expect, it } from 'vitest';
import { collectRefs, refId } from './refs';

describe('collectRefs', () => {
  it('finds distinct references anywhere in a value, in document order', () => {
    const a = { $ref: ['users', 1] };
    const b = { $ref: 'handbook', view: ['docs'] };
    const value = { author: a, list: [1, { deep: [b, a] }], bytes: { $bytes: 'aa' }, $$ref: 'not a ref', when: { $date: '2024-01-01T00:00:00.000Z' } };
    expect(collectRefs(value, 100)).toEqual([a, b]);
  });

  it('stops at the limit and ignores scalars', () => {
    const refs = Array.from({ length: 10 }, (_, i) => ({ $ref: ['users', i] }));
    expect(collectRefs(refs, 3)).toEqual(refs.slice(0, 3));
    expect(collectRefs('x', 3)).toEqual([]);
    expect(collectRefs(null, 3)).toEqual([]);
  });

  it('gives the same id to equal references', () => {
    expect(refId({ $ref: ['users', 1] })).toBe(refId({ $ref: ['users', 1] }));
    expect(refId({ $ref: ['users', 1] })).not.toBe(refId({ $ref: ['users', 2] }));
  });
});
