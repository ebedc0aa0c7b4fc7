import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring';

describe('RingBuffer', () => {
  it('keeps the newest `capacity` items in order, as a plain array would', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.array(fc.integer(), { maxLength: 60 }), (capacity, pushes) => {
        const ring = new RingBuffer<number>(capacity);
        const model: number[] = [];
        for (const p of pushes) {
          const evicted = ring.push(p);
          model.push(p);
          const expectedEvicted = model.length > capacity ? model.shift() : undefined;
          expect(evicted).toBe(expectedEvicted);
          expect(ring.size).toBe(model.length);
          expect(ring.last()).toBe(model[model.length - 1]);
        }
        expect(ring.toArray()).toEqual(model);
        model.forEach((v, i) => expect(ring.at(i)).toBe(v));
        expect(ring.at(model.length)).toBeUndefined();
        expect(ring.at(-1)).toBeUndefined();
      }),
    );
  });
  it('clears and refuses a nonsensical capacity', () => {
    const ring = new RingBuffer<string>(2);
    ring.push('a');
    ring.push('b');
    ring.push('c');
    ring.clear();
    expect(ring.size).toBe(0);
    expect(ring.toArray()).toEqual([]);
    ring.push('d');
    expect(ring.toArray()).toEqual(['d']);
    expect(() => new RingBuffer(0)).toThrow(/positive integer/);
  });
});
