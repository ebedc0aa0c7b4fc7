import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeKey, keyToJson, type TupleElement } from '../../engine/records/index';
import { elementEnd, partialKey } from './partial-key';
import { keyView } from './contract-data';

const element: fc.Arbitrary<TupleElement> = fc.letrec<{ el: TupleElement }>((tie) => ({
  el: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
    fc.string({ maxLength: 8, unit: 'grapheme' }),
    fc.uint8Array({ maxLength: 6 }),
    fc.array(tie('el'), { maxLength: 2 }),
  ),
})).el;
const tuple = fc.array(element, { minLength: 1, maxLength: 4 });

/** The JSON of each element alone, as the records layer writes a key's elements. */
function elementsJson(t: readonly TupleElement[]): unknown[] {
  return t.map((e) => {
    const json = keyToJson(encodeKey([e]));
    return Array.isArray(e) ? (json as unknown[])[0] : json;
  });
}

describe('partialKey', () => {
  it('finds element boundaries exactly where the encoder put them', () => {
    fc.assert(
      fc.property(tuple, (t) => {
        const bytes = encodeKey(t);
        let at = 0;
        for (const e of t) {
          const end = elementEnd(bytes, at);
          expect(end).toBe(at + encodeKey([e]).length);
          at = end;
        }
        expect(at).toBe(bytes.length);
      }),
      { seed: 14, numRuns: 300 },
    );
  });

  it('decodes the whole elements of every cut of a tuple and names the cut element', () => {
    fc.assert(
      fc.property(tuple, (t) => {
        const bytes = encodeKey(t);
        const starts: number[] = [];
        let at = 0;
        for (const e of t) {
          starts.push(at);
          at += encodeKey([e]).length;
        }
        for (let cut = 1; cut < bytes.length; cut++) {
          const view = keyView(bytes.subarray(0, cut));
          if (view.decoded) continue; // a cut at an element boundary is a whole (shorter) tuple
          const whole = starts.filter((s, i) => s + encodeKey([t[i]!]).length <= cut).length;
          expect(view.partial, `cut at ${cut} of ${bytes.toString('hex')}`).toBeDefined();
          expect(view.partial!.elements).toEqual(elementsJson(t.slice(0, whole)));
          const cutElement = t[whole]!;
          const kind = typeof cutElement === 'string' ? 'string' : cutElement instanceof Uint8Array ? 'bytes' : Array.isArray(cutElement) ? 'tuple' : 'number';
          expect(view.partial!.rest.kind).toBe(kind);
          expect(view.partial!.rest.hex).toBe(bytes.subarray(starts[whole]!, cut).toString('hex'));
          // A cut string shows the characters before the cut, which start the real string.
          if (kind === 'string') expect((cutElement as string).startsWith(view.partial!.rest.text ?? '\u0000')).toBe(true);
          if (kind === 'bytes') expect(Buffer.from(cutElement as Uint8Array).toString('hex').startsWith(view.partial!.rest.text ?? 'x')).toBe(true);
        }
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('reads a real pivot: ("orders", 19 cut inside the number', () => {
    const full = encodeKey(['orders', 1951, 113]);
    const view = keyView(full.subarray(0, 10));
    expect(view.decoded).toBe(false);
    // Cut inside the exponent: only the kind is known.
    expect(view.partial).toEqual({ elements: ['orders'], rest: { kind: 'number', hex: '1581' } });
    // Cut after one fraction group of 1951 (0x15 0x81 0x0a 0xe7 0xe0): at least 1024 × (1 + 115/128).
    expect(keyView(full.subarray(0, 12)).partial).toEqual({ elements: ['orders'], rest: { kind: 'number', hex: '15810ae7', text: '≥ 1944' } });
    const text = keyView(encodeKey(['events', 1]).subarray(0, 4));
    expect(text.partial).toEqual({ elements: [], rest: { kind: 'string', hex: '20657665', text: 'eve' } });
  });

  it('a cut number states a bound that the number meets', () => {
    const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }).filter((x) => x !== 0), fc.integer().filter((x) => x !== 0));
    fc.assert(
      fc.property(number, (x) => {
        const bytes = encodeKey([x]);
        for (let cut = 3; cut < bytes.length; cut++) {
          const text = keyView(bytes.subarray(0, cut)).partial?.rest.text;
          if (text === undefined) continue; // cut inside a multi-byte exponent
          const bound = Number(text.replace(/^[≥≤] /, ''));
          if (text.startsWith('≥')) expect(x).toBeGreaterThanOrEqual(bound * (1 - 1e-5));
          else expect(x).toBeLessThanOrEqual(bound * (1 - 1e-5));
        }
      }),
      { seed: 21, numRuns: 300 },
    );
  });

  it('leaves whole tuples and raw byte keys alone', () => {
    expect(partialKey(encodeKey(['users', 7]))).toBeNull();
    expect(keyView(encodeKey(['users', 7])).partial).toBeUndefined();
    expect(keyView(Buffer.from('user:0001', 'utf8')).partial).toBeUndefined();
    expect(keyView(Buffer.from([0xff, 0x01])).partial).toBeUndefined();
  });

  it('a cut string never shows half a character', () => {
    const full = encodeKey(['naïve ☂']);
    for (let cut = 2; cut < full.length - 1; cut++) {
      const text = keyView(full.subarray(0, cut)).partial?.rest.text;
      expect(text).toBeDefined();
      expect('naïve ☂'.startsWith(text!)).toBe(true);
    }
  });
});
