/**
 * Keys that start like a tuple but stop mid-element: the pivots of internal nodes. Pivots are
 * made by suffix truncation (FORMAT.md §7.2: the shortest prefix of the right neighbour's first
 * key that sorts after the left neighbour's last key), so `("orders", 1951, 113)` is often
 * stored as the bytes of `("orders", 19` — not a tuple, and shown as raw hex before. This
 * decodes the whole elements at the start with the records layer (so they read exactly as keys
 * do) and describes the cut element that follows.
 *
 * Element boundaries are found by the tuple format's framing alone (engine/records/tuple.ts):
 * type byte, then a self-delimiting body; the whole elements are then decoded strictly.
 */
import type { Hex, Json, PartialKeyView } from '../contract';
import { TUPLE_TYPE } from '../../engine/records/index';
import { decodeKeyJson } from './engine';

const { end: T_END, null: T_NULL, false: T_FALSE, true: T_TRUE, negative: T_NEG, zero: T_ZERO, positive: T_POS, string: T_STRING, bytes: T_BYTES, nested: T_NESTED } = TUPLE_TYPE;

/**
 * Where the element starting at `at` ends (exclusive), or -1 when the bytes stop inside it or
 * it is not an element. O(element length).
 */
export function elementEnd(bytes: Uint8Array, at: number): number {
  if (at >= bytes.length) return -1;
  const type = bytes[at]!;
  switch (type) {
    case T_NULL:
    case T_FALSE:
    case T_TRUE:
    case T_ZERO:
      return at + 1;
    case T_POS:
    case T_NEG: {
      // Negative bodies are the positive body with every byte inverted.
      const flip = type === T_NEG ? 0xff : 0;
      let i = at + 1;
      if (i >= bytes.length) return -1;
      const e = bytes[i]! ^ flip;
      const n = e >= 0x80 ? e - 0x80 : 0x80 - e;
      i += 1 + n;
      // Fraction groups: `group << 1 | more`, the last one with `more` clear.
      while (i < bytes.length) {
        const more = (bytes[i]! ^ flip) & 1;
        i += 1;
        if (!more) return i;
      }
      return -1;
    }
    case T_STRING:
    case T_BYTES: {
      for (let i = at + 1; i < bytes.length; i++) {
        if (bytes[i] !== 0) continue;
        // 0x00 0xFF is an escaped zero byte; a lone 0x00 ends the element.
        if (bytes[i + 1] === 0xff) i += 1;
        else return i + 1;
      }
      return -1;
    }
    case T_NESTED: {
      let i = at + 1;
      while (i < bytes.length) {
        if (bytes[i] === T_END) return i + 1;
        const end = elementEnd(bytes, i);
        if (end < 0) return -1;
        i = end;
      }
      return -1;
    }
    default:
      return -1;
  }
}

/** Unescapes a string/bytes body cut short (0x00 0xFF → 0x00; a trailing lone 0x00 dropped). */
function unescapeBody(body: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    if (b === 0 && body[i + 1] === 0xff) i += 1;
    else if (b === 0) break;
    out.push(b);
  }
  return Uint8Array.from(out);
}

/**
 * The text of a string element cut inside its UTF-8: the complete characters, without the
 * incomplete sequence a byte cut may leave at the end. Null when the bytes are not UTF-8.
 */
function cutText(utf8: Uint8Array): string | null {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // A byte cut leaves at most 3 bytes of an unfinished character.
  for (let drop = 0; drop <= Math.min(3, utf8.length); drop++) {
    try {
      return decoder.decode(utf8.subarray(0, utf8.length - drop));
    } catch {
      // Try again without one more trailing byte.
    }
  }
  return null;
}

/**
 * What a number cut inside its fraction still says: every number that starts with these bytes
 * is at least (positive) or at most (negative) `±(1.f × 2^E)`, from the exponent and the
 * fraction groups before the cut. Null when the cut falls inside the exponent or the bound is
 * too big to print. O(bytes).
 */
function numberBound(rest: Uint8Array): string | null {
  const flip = rest[0] === T_NEG ? 0xff : 0;
  if (rest.length < 2) return null;
  const e = rest[1]! ^ flip;
  const n = e >= 0x80 ? e - 0x80 : 0x80 - e;
  if (rest.length < 2 + n || n > 2) return null;
  let exponent = 0;
  for (let i = 0; i < n; i++) exponent = exponent * 256 + ((rest[2 + i]! ^ flip) ^ (e >= 0x80 ? 0 : 0xff));
  if (e < 0x80) exponent = -exponent;
  if (Math.abs(exponent) > 1000) return null;
  let fraction = 0;
  let scale = 1;
  for (let i = 2 + n; i < rest.length; i++) {
    scale /= 128;
    fraction += (((rest[i]! ^ flip) >>> 1) & 0x7f) * scale;
  }
  const magnitude = (1 + fraction) * 2 ** exponent;
  const shown = Number.isInteger(magnitude) ? String(magnitude) : String(Number(magnitude.toPrecision(6)));
  return flip ? `≤ -${shown}` : `≥ ${shown}`;
}

function toHex(bytes: Uint8Array): Hex {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Decodes what can be decoded of a key that is not a whole tuple: the whole elements at its
 * start and the element cut after them. Null when nothing decodes (the key is raw bytes, not a
 * cut tuple) or when the key is a whole tuple after all. O(key length).
 */
export function partialKey(bytes: Uint8Array): PartialKeyView | null {
  let at = 0;
  let count = 0;
  for (;;) {
    const end = elementEnd(bytes, at);
    if (end < 0) break;
    at = end;
    count += 1;
  }
  if (at === bytes.length) return null;
  let elements: readonly Json[] = [];
  if (count > 0) {
    const { json, decoded } = decodeKeyJson(bytes.subarray(0, at));
    if (!decoded) return null;
    // A one-element tuple decodes to the element itself unless that element is a nested tuple.
    elements = count === 1 && bytes[0] !== T_NESTED ? [json] : (json as readonly Json[]);
  }
  const rest = bytes.subarray(at);
  const type = rest[0]!;
  if (type === T_STRING) {
    const text = cutText(unescapeBody(rest.subarray(1)));
    if (text !== null) return { elements, rest: { kind: 'string', hex: toHex(rest), text } };
  } else if (type === T_BYTES) {
    return { elements, rest: { kind: 'bytes', hex: toHex(rest), text: toHex(unescapeBody(rest.subarray(1))) } };
  } else if (type === T_POS || type === T_NEG) {
    const bound = numberBound(rest);
    return { elements, rest: bound === null ? { kind: 'number', hex: toHex(rest) } : { kind: 'number', hex: toHex(rest), text: bound } };
  } else if (type === T_NESTED) {
    return { elements, rest: { kind: 'tuple', hex: toHex(rest) } };
  }
  // Bytes that start no element: raw bytes after whole elements, or no tuple at all.
  return count === 0 ? null : { elements, rest: { kind: 'unknown', hex: toHex(rest) } };
}
