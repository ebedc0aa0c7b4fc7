import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NodeCache } from './cache';

/**
 * The node cache against a Map model: a hit is always the value last set for that offset, the
 * entry set last is always a hit, and the charged bytes stay within the budget plus one entry.
 * Fixed seed.
 */
describe('NodeCache', () => {
  it('returns the latest value or nothing, keeps the newest entry and stays within its budget', () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant('set' as const), at: fc.nat(40), bytes: fc.integer({ min: 1, max: 30 }) }),
      fc.record({ t: fc.constant('get' as const), at: fc.nat(40) }),
      fc.constant({ t: 'clear' as const }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const budget = 100;
        const cache = new NodeCache<string>(budget);
        const model = new Map<number, { value: string; bytes: number }>();
        let serial = 0;
        for (const o of ops) {
          if (o.t === 'set') {
            const value = `v${serial++}`;
            cache.set(o.at, value, o.bytes);
            model.set(o.at, { value, bytes: o.bytes });
            expect(cache.get(o.at)).toBe(value);
          } else if (o.t === 'get') {
            const got = cache.get(o.at);
            if (got !== undefined) expect(got).toBe(model.get(o.at)?.value);
          } else {
            cache.clear();
            model.clear();
            expect(cache.bytes).toBe(0);
          }
          expect(cache.bytes).toBeLessThanOrEqual(budget + 30);
          expect(cache.bytes).toBeGreaterThanOrEqual(0);
        }
      }),
      { seed: 0xcac4e, numRuns: 200 },
    );
  });
});
