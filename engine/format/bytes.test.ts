import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from './bytes';

/** One call on a writer, with what it appends in a plain-array model. */
type Step =
  | { readonly op: 'u8'; readonly v: number }
  | { readonly op: 'u32'; readonly v: number }
  | { readonly op: 'varint'; readonly v: number }
  | { readonly op: 'bytes'; readonly v: Uint8Array }
  | { readonly op: 'inPlace'; readonly v: Uint8Array }
  | { readonly op: 'take' }
  | { readonly op: 'reset'; readonly keep: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('u8' as const), v: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('u32' as const), v: fc.integer({ min: 0, max: 0xffff_ffff }) }),
  fc.record({ op: fc.constant('varint' as const), v: fc.maxSafeNat() }),
  fc.record({ op: fc.constant('bytes' as const), v: fc.uint8Array({ maxLength: 700 }) }),
  fc.record({ op: fc.constant('inPlace' as const), v: fc.uint8Array({ maxLength: 300 }) }),
  fc.constant({ op: 'take' as const }),
  fc.record({ op: fc.constant('reset' as const), keep: fc.constantFrom(0, 256, 1024, Infinity) }),
);

/** LEB128 of `v` as the model writes it. */
function leb128(v: number): number[] {
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

describe('ByteWriter (the one growable byte writer: block codecs and the key tuple codec)', () => {
  it('holds exactly what a plain array model holds, across growth, in-place runs, take and reset', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.integer({ min: 1, max: 64 }), (steps, initial) => {
        const w = new ByteWriter(initial);
        let model: number[] = [];
        const taken: { copy: Buffer; expected: number[] }[] = [];
        for (const s of steps) {
          switch (s.op) {
            case 'u8': w.u8(s.v); model.push(s.v); break;
            case 'u32': w.u32(s.v); model.push(s.v & 0xff, (s.v >>> 8) & 0xff, (s.v >>> 16) & 0xff, s.v >>> 24); break;
            case 'varint': w.varint(s.v); model.push(...leb128(s.v)); break;
            case 'bytes': w.bytes(s.v); model.push(...s.v); break;
            case 'inPlace':
              // What the tuple codec does: make room once, then write in place.
              w.ensure(s.v.length);
              for (const b of s.v) w.buf[w.pos++] = b;
              model.push(...s.v);
              break;
            case 'take': taken.push({ copy: w.take(), expected: [...model] }); break;
            case 'reset':
              w.reset(s.keep);
              expect(w.buf.length <= Math.max(s.keep, 256)).toBe(true);
              model = [];
              break;
          }
          expect(w.length).toBe(model.length);
        }
        expect([...w.finish()]).toEqual(model);
        // A taken copy is exact-size and its own: later writes and resets do not reach it.
        for (const t of taken) expect([...t.copy]).toEqual(t.expected);
      }),
      { seed: 0x5eed_b17e, numRuns: 300 },
    );
  });

  it('reads back what it wrote', () => {
    const w = new ByteWriter(1);
    w.u8(7);
    w.u16(0xbeef);
    w.u32(0xdead_beef);
    w.u64(2 ** 53 - 1);
    w.f64(-0.5);
    w.varint(300);
    w.string('thunder ☁');
    const r = new ByteReader(w.take());
    expect([r.u8(), r.u16(), r.u32(), r.u64(), r.f64(), r.varint(), r.string()]).toEqual([7, 0xbeef, 0xdead_beef, 2 ** 53 - 1, -0.5, 300, 'thunder ☁']);
    expect(r.done).toBe(true);
  });
});
