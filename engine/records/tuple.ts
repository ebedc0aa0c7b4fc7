/**
 * Order-preserving tuple codec for keys, in the spirit of the FoundationDB tuple layer.
 *
 * `Buffer.compare(encodeTuple(a), encodeTuple(b))` has the sign of `compareTupleElements(a, b)`
 * for every pair of valid tuples, so the tree can order keys by plain byte comparison while
 * callers think in typed tuples. Every element is a type byte followed by a self-delimiting body,
 * and a tuple is the concatenation of its elements, so a tuple's encoding is a byte prefix of the
 * encoding of any longer tuple that starts with it: a prefix scan on `["user"]` finds every
 * `["user", …]`.
 *
 * Type bytes (order of kinds: null < false < true < numbers < strings < bytes < tuples):
 *
 * | byte | element                | body                                                         |
 * |------|------------------------|--------------------------------------------------------------|
 * | 0x00 | end of a nested tuple  | (none; never starts an element)                              |
 * | 0x02 | null                   | (none)                                                       |
 * | 0x04 | false                  | (none)                                                       |
 * | 0x05 | true                   | (none)                                                       |
 * | 0x13 | negative number        | the 0x15 body of its magnitude with every byte inverted      |
 * | 0x14 | zero (0, -0, 0n)       | (none)                                                       |
 * | 0x15 | positive number        | exponent, then fraction groups (see below)                   |
 * | 0x20 | string                 | UTF-8, 0x00 written as 0x00 0xFF, then a 0x00 terminator     |
 * | 0x21 | bytes (Uint8Array)     | raw bytes, 0x00 written as 0x00 0xFF, then a 0x00 terminator |
 * | 0x30 | nested tuple           | its elements, then 0x00                                      |
 *
 * Numbers and bigints share one encoding so that they interleave by value: `1 < 1.5 < 2n < 2.5`.
 * A non-zero magnitude is `1.f × 2^E` with `f` a finite bit string (every double and every
 * bigint is). The body is:
 * - `E` as an order-preserving signed integer: one byte `0x80 + n` followed by `n` big-endian
 *   bytes of `E` (E ≥ 0, minimal n, E = 0 is the single byte 0x80), or `0x80 - n` followed by
 *   the n bytes of `|E|` inverted (E < 0).
 * - `f` with trailing zero bits removed, cut into 7-bit groups (the last one zero-padded), each
 *   written as `group << 1 | more` where `more` is 1 on every group but the last. At least one
 *   group is written (an empty `f`, i.e. a power of two, is the single byte 0x00).
 * Bigger E means bigger magnitude; at equal E the groups compare as the fraction does, and a
 * fraction that stops (low bit 0) sorts before one that continues (low bit 1), which is right
 * because stripped fractions that agree so far differ only by the longer one's later 1 bits.
 * The body is prefix-free, so inverting it for negatives reverses the order exactly.
 *
 * Decisions:
 * - NaN and ±Infinity are rejected: NaN has no place in an order and JSON cannot carry
 *   either, which keeps keys printable. -0 encodes as 0.
 * - Integers decode to `number` when they are safe integers (|v| < 2^53) and to `bigint`
 *   otherwise, whichever type was written: `5n` comes back as `5` and `2 ** 60` as `2n ** 60n`.
 *   Equal values have one encoding, so a key never depends on which type built it.
 * - Bigints may have at most {@link MAX_BIGINT_BITS} bits; tuples nest at most
 *   {@link MAX_TUPLE_DEPTH} levels (this also turns a cyclic array into an error).
 * - Strings must be well-formed Unicode (no lone surrogates): UTF-8 cannot carry them, and
 *   silently replacing them would merge distinct keys.
 * - Decoding is strict: any byte string that is not exactly the canonical encoding of some tuple
 *   is rejected, so `encodeTuple(decodeTuple(b))` equals `b` whenever decoding succeeds.
 */

import { isUtf8 } from 'node:buffer';
import { InvalidArgumentError } from '../errors';
import { typeDescription } from './type-description';
import { ByteWriter } from '../format/bytes';

/** One element of a key tuple. Arrays are nested tuples. */
export type TupleElement = null | boolean | number | bigint | string | Uint8Array | TupleElement[];
/** A key as a sequence of elements. */
export type Tuple = readonly TupleElement[];

/** Largest bigint (in bits of its magnitude) a key may hold. */
export const MAX_BIGINT_BITS = 65536;
/** Deepest nesting of tuples inside a key. */
export const MAX_TUPLE_DEPTH = 64;

/**
 * The type byte that starts each encoded tuple element (FORMAT.md's key encoding), for readers
 * that frame elements without decoding them (the inspector's cut pivots).
 */
export const TUPLE_TYPE = {
  end: 0x00, null: 0x02, false: 0x04, true: 0x05, negative: 0x13, zero: 0x14, positive: 0x15, string: 0x20, bytes: 0x21, nested: 0x30,
} as const;

const T_END = TUPLE_TYPE.end;
const T_NULL = TUPLE_TYPE.null;
const T_FALSE = TUPLE_TYPE.false;
const T_TRUE = TUPLE_TYPE.true;
const T_NEG = TUPLE_TYPE.negative;
const T_ZERO = TUPLE_TYPE.zero;
const T_POS = TUPLE_TYPE.positive;
const T_STRING = TUPLE_TYPE.string;
const T_BYTES = TUPLE_TYPE.bytes;
const T_NESTED = TUPLE_TYPE.nested;

// Exact powers of two as doubles, 2^0 … 2^64, for the fraction arithmetic below.
const POW2: number[] = [];
for (let i = 0, p = 1; i <= 64; i++, p *= 2) POW2.push(p);
const TWO_32 = POW2[32];

const LONE_SURROGATE = /\p{Surrogate}/u;

// ---------------------------------------------------------------------------------------------
// Encoding

/** Inverts bytes [from, pos) of `w`: how a negative number's body is made from its magnitude's. */
function invertFrom(w: ByteWriter, from: number): void {
  const buf = w.buf;
  for (let i = from; i < w.pos; i++) buf[i] = ~buf[i] & 0xff;
}

// Keys are encoded one at a time and synchronously; reusing one scratch writer avoids an
// allocation per key. `busy` covers re-entry (e.g. a getter on an element encoding a key).
const shared = new ByteWriter();
let sharedBusy = false;

/** Element indexes from the root to the element being encoded, for error messages. */
const path: number[] = [];

function where(depth: number, scalar: boolean): string {
  if (scalar && depth === 0) return 'key';
  let s = 'key element ';
  for (let i = 0; i <= depth; i++) s += `[${path[i]}]`;
  return s;
}

function reject(depth: number, scalar: boolean, what: string): never {
  throw new InvalidArgumentError(`${where(depth, scalar)} ${what}`);
}

const KINDS = 'tuple elements are null, boolean, number, bigint, string, Uint8Array or arrays of these';

function writeTuple(w: ByteWriter, t: Tuple, depth: number, scalar: boolean): void {
  for (let i = 0; i < t.length; i++) {
    path[depth] = i;
    writeElement(w, t[i], depth, scalar);
  }
}

function writeElement(w: ByteWriter, v: unknown, depth: number, scalar: boolean): void {
  switch (typeof v) {
    case 'string':
      writeString(w, v, depth, scalar);
      return;
    case 'number':
      if (v === 0) w.u8(T_ZERO);
      else if (Number.isFinite(v)) writeNumber(w, v);
      else reject(depth, scalar, `is ${v}; tuple numbers must be finite`);
      return;
    case 'bigint':
      writeBigint(w, v, depth, scalar);
      return;
    case 'boolean':
      w.u8(v ? T_TRUE : T_FALSE);
      return;
    case 'object':
      if (v === null) {
        w.u8(T_NULL);
      } else if (v instanceof Uint8Array) {
        writeBytes(w, T_BYTES, v, 0, v.length);
      } else if (Array.isArray(v)) {
        if (depth + 1 >= MAX_TUPLE_DEPTH) {
          reject(depth, scalar, `nests tuples more than ${MAX_TUPLE_DEPTH} deep (or is a cycle)`);
        }
        w.u8(T_NESTED);
        writeTuple(w, v as Tuple, depth + 1, false);
        w.u8(T_END);
      } else {
        reject(depth, scalar, `is ${typeDescription(v)}; ${KINDS}`);
      }
      return;
    default:
      reject(depth, scalar, `is ${typeDescription(v)}; ${KINDS}`);
  }
}

/** Writes `buf[from, to)` escaped and terminated, after type byte `type`. */
function writeBytes(w: ByteWriter, type: number, src: Uint8Array, from: number, to: number): void {
  const n = to - from;
  // Worst case every byte is 0x00 and doubles; most keys have none, so grow lazily instead.
  w.ensure(n + 2);
  const buf = w.buf;
  let pos = w.pos;
  buf[pos++] = type;
  let zero = src.indexOf(0, from);
  if (zero < 0 || zero >= to) {
    buf.set(src.subarray(from, to), pos);
    pos += n;
  } else {
    let start = from;
    while (zero >= 0 && zero < to) {
      w.pos = pos;
      w.ensure(zero - start + 3 + (to - zero));
      w.buf.set(src.subarray(start, zero + 1), pos);
      pos += zero - start + 1;
      w.buf[pos++] = 0xff;
      start = zero + 1;
      zero = src.indexOf(0, start);
    }
    w.pos = pos;
    w.ensure(to - start + 1);
    w.buf.set(src.subarray(start, to), pos);
    pos += to - start;
  }
  w.buf[pos++] = T_END;
  w.pos = pos;
}

function writeString(w: ByteWriter, s: string, depth: number, scalar: boolean): void {
  const n = s.length;
  // Fast path: short ASCII without NUL is copied by a JS loop, cheaper than a native call.
  if (n < 64) {
    w.ensure(n + 2);
    const buf = w.buf;
    let pos = w.pos + 1;
    let ascii = true;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === 0 || c >= 0x80) {
        ascii = false;
        break;
      }
      buf[pos++] = c;
    }
    if (ascii) {
      buf[w.pos] = T_STRING;
      buf[pos++] = T_END;
      w.pos = pos;
      return;
    }
  }
  if (LONE_SURROGATE.test(s)) {
    reject(depth, scalar, 'is a string with a lone surrogate; key strings must be well-formed Unicode');
  }
  if (s.indexOf('\0') < 0) {
    w.ensure(n * 3 + 2);
    const buf = w.buf;
    buf[w.pos++] = T_STRING;
    w.pos += buf.write(s, w.pos, 'utf8');
    buf[w.pos++] = T_END;
    return;
  }
  const utf8 = Buffer.from(s, 'utf8');
  writeBytes(w, T_STRING, utf8, 0, utf8.length);
}

const f64 = new DataView(new ArrayBuffer(8));

/** Counts trailing zero bits of a non-zero uint32. */
function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * Writes a finite non-zero double. Magnitude = (2^k + F) × 2^(E-k): E is the exponent of the
 * leading 1 bit and F holds the k fraction bits below it.
 */
function writeNumber(w: ByteWriter, v: number): void {
  const negative = v < 0;
  const a = negative ? -v : v;
  w.u8(negative ? T_NEG : T_POS);
  const bodyStart = w.pos;
  let E: number;
  let F: number;
  let k: number;
  if (a < TWO_32 && a === Math.floor(a)) {
    // Integers below 2^32 (most numeric keys) need no float dissection.
    const u = a >>> 0;
    E = 31 - Math.clz32(u);
    F = (u - POW2[E]) >>> 0;
    k = E;
    if (F === 0) k = 0;
    else {
      const tz = ctz32(F);
      F = F >>> tz;
      k -= tz;
    }
  } else {
    f64.setFloat64(0, a);
    const hi = f64.getUint32(0);
    const lo = f64.getUint32(4);
    const biased = hi >>> 20;
    const mhi = hi & 0xfffff;
    if (biased === 0) {
      // Subnormal: no implicit 1; the leading 1 is somewhere in the 52 stored bits.
      const p = mhi !== 0 ? 63 - Math.clz32(mhi) : 31 - Math.clz32(lo);
      E = p - 1074;
      F = mhi * TWO_32 + lo - POW2[p];
      k = p;
    } else {
      E = biased - 1023;
      F = mhi * TWO_32 + lo;
      k = 52;
    }
    if (F === 0) k = 0;
    else {
      const flo = F % TWO_32;
      const tz = flo !== 0 ? ctz32(flo) : 32 + ctz32(Math.floor(F / TWO_32));
      F /= POW2[tz];
      k -= tz;
    }
  }
  writeExponent(w, E);
  writeFraction(w, F, k);
  if (negative) invertFrom(w, bodyStart);
}

function writeExponent(w: ByteWriter, E: number): void {
  w.ensure(5);
  const buf = w.buf;
  if (E === 0) {
    buf[w.pos++] = 0x80;
    return;
  }
  const m = E < 0 ? -E : E;
  const n = m < 0x100 ? 1 : m < 0x10000 ? 2 : 3;
  buf[w.pos++] = E > 0 ? 0x80 + n : 0x80 - n;
  for (let i = n - 1; i >= 0; i--) {
    const b = (m >>> (8 * i)) & 0xff;
    buf[w.pos++] = E > 0 ? b : ~b & 0xff;
  }
}

/** Writes k fraction bits held in F (F < 2^k ≤ 2^52) as 7-bit groups. */
function writeFraction(w: ByteWriter, F: number, k: number): void {
  const g = k === 0 ? 1 : Math.ceil(k / 7);
  const padded = F * POW2[7 * g - k];
  w.ensure(g);
  const buf = w.buf;
  if (g <= 4) {
    // Up to 28 bits: plain int32 shifts.
    for (let j = 0; j < g; j++) buf[w.pos++] = (((padded >>> (7 * (g - 1 - j))) & 127) << 1) | (j < g - 1 ? 1 : 0);
    return;
  }
  for (let j = 0; j < g; j++) {
    const group = Math.floor(padded / POW2[7 * (g - 1 - j)]) % 128;
    buf[w.pos++] = (group << 1) | (j < g - 1 ? 1 : 0);
  }
}

const SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

function writeBigint(w: ByteWriter, v: bigint, depth: number, scalar: boolean): void {
  if (v === 0n) {
    w.u8(T_ZERO);
    return;
  }
  // Safe-range bigints take the number path so that 5n and 5 encode identically.
  if (v <= SAFE_BIG && v >= -SAFE_BIG) {
    writeNumber(w, Number(v));
    return;
  }
  const negative = v < 0n;
  const bits = (negative ? -v : v).toString(2);
  if (bits.length > MAX_BIGINT_BITS) {
    reject(depth, scalar, `is a bigint of ${bits.length} bits; the maximum is ${MAX_BIGINT_BITS}`);
  }
  w.u8(negative ? T_NEG : T_POS);
  const bodyStart = w.pos;
  writeExponent(w, bits.length - 1);
  let end = bits.length;
  while (end > 1 && bits.charCodeAt(end - 1) === 0x30 /* '0' */) end--;
  const k = end - 1;
  const g = k === 0 ? 1 : Math.ceil(k / 7);
  w.ensure(g);
  for (let j = 0; j < g; j++) {
    const from = 1 + 7 * j;
    let chunk = bits.slice(from, Math.min(from + 7, end));
    chunk += '0000000'.slice(chunk.length);
    w.buf[w.pos++] = (parseInt(chunk, 2) << 1) | (j < g - 1 ? 1 : 0);
  }
  if (negative) invertFrom(w, bodyStart);
}

function encodeWith(t: Tuple, scalar: boolean): Buffer {
  const w = sharedBusy ? new ByteWriter() : shared;
  const owner = !sharedBusy;
  sharedBusy = true;
  w.reset();
  try {
    if (scalar) {
      path[0] = 0;
      writeElement(w, t[0], 0, true);
    } else {
      if (!Array.isArray(t)) throw new InvalidArgumentError(`key is ${typeDescription(t)}; a tuple is an array of elements`);
      writeTuple(w, t, 0, false);
    }
    return w.take();
  } finally {
    if (owner) {
      sharedBusy = false;
      // Don't let one huge key pin a huge scratch buffer forever.
      shared.reset(65536);
    }
  }
}

/**
 * Encodes a tuple. O(size of the tuple). Throws InvalidArgumentError naming the offending
 * element's path (e.g. `key element [1][0]`) for values that are not tuple elements.
 */
export function encodeTuple(t: Tuple): Buffer {
  return encodeWith(t, false);
}

/**
 * Encodes a key: an array is a tuple, anything else is a 1-tuple, so `encodeKey("a")` equals
 * `encodeKey(["a"])`. A Uint8Array is a bytes element too (raw byte keys need no encoding).
 * O(size of the key).
 */
export function encodeKey(k: TupleElement | Tuple): Buffer {
  return Array.isArray(k) ? encodeWith(k as Tuple, false) : encodeWith([k as TupleElement], true);
}

/**
 * The byte prefix shared by every key whose first element is a string starting with `text`:
 * the encoding of the 1-tuple `[text]` without its 0x00 terminator. A scan with this prefix
 * finds `"user:0123"`, `"user:01"` and `["user:01x", 5]` for `text = "user:01"`, as a text
 * prefix does in etcd or Redis; a tuple prefix (`["user:01"]`) matches the element exactly.
 * O(length of text). Throws InvalidArgumentError for a lone surrogate, as encodeKey does.
 */
export function encodeStringPrefix(text: string): Buffer {
  const whole = encodeWith([text], true);
  return whole.subarray(0, whole.length - 1);
}

// ---------------------------------------------------------------------------------------------
// Decoding

/**
 * Internal failure signal. Not an Error: decoding raw (non-tuple) keys is routine for
 * tryDecodeKey, and capturing a stack trace per raw key would dominate its cost.
 */
class Malformed {
  constructor(readonly reason: string, readonly offset: number) {}
}

function hex2(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  fail(reason: string, offset = this.pos): never {
    throw new Malformed(reason, offset);
  }

  tuple(depth: number, nested: boolean): TupleElement[] {
    const out: TupleElement[] = [];
    const buf = this.buf;
    for (;;) {
      if (this.pos >= buf.length) {
        if (nested) this.fail('nested tuple has no end marker');
        return out;
      }
      const type = buf[this.pos];
      if (type === T_END) {
        if (!nested) this.fail('end marker outside a nested tuple');
        this.pos++;
        return out;
      }
      out.push(this.element(type, depth));
    }
  }

  element(type: number, depth: number): TupleElement {
    const at = this.pos++;
    switch (type) {
      case T_NULL:
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_ZERO:
        return 0;
      case T_POS:
        return this.number(false);
      case T_NEG:
        return this.number(true);
      case T_STRING: {
        // Short ASCII strings (most key parts) are cheaper to build in a JS loop than through
        // the native validate-and-decode calls below.
        const buf = this.buf;
        const limit = Math.min(buf.length, this.pos + 64);
        let s = '';
        for (let i = this.pos; i < limit; i++) {
          const c = buf[i];
          if (c === 0) {
            if (buf[i + 1] === 0xff) break;
            this.pos = i + 1;
            return s;
          }
          if (c >= 0x80) break;
          s += String.fromCharCode(c);
        }
        const bytes = this.escaped();
        if (!isUtf8(bytes)) this.fail('string is not valid UTF-8', at);
        return bytes.toString('utf8');
      }
      case T_BYTES:
        return Buffer.from(this.escaped());
      case T_NESTED:
        if (depth + 1 >= MAX_TUPLE_DEPTH) this.fail(`tuples nest more than ${MAX_TUPLE_DEPTH} deep`, at);
        return this.tuple(depth + 1, true);
      default:
        return this.fail(`unknown type byte ${hex2(type)}`, at);
    }
  }

  /** Reads an escaped, terminated byte string. Returns a view when nothing was escaped. */
  escaped(): Buffer {
    const buf = this.buf;
    const start = this.pos;
    let zero = buf.indexOf(0, start);
    if (zero < 0) this.fail('string or bytes have no terminator', start - 1);
    if (buf[zero + 1] !== 0xff) {
      this.pos = zero + 1;
      return buf.subarray(start, zero);
    }
    const parts: Buffer[] = [];
    let from = start;
    while (buf[zero + 1] === 0xff) {
      parts.push(buf.subarray(from, zero + 1));
      from = zero + 2;
      zero = buf.indexOf(0, from);
      if (zero < 0) this.fail('string or bytes have no terminator', start - 1);
    }
    parts.push(buf.subarray(from, zero));
    this.pos = zero + 1;
    return Buffer.concat(parts);
  }

  /** Reads one body byte, inverted for negative numbers. */
  nbyte(invert: boolean): number {
    if (this.pos >= this.buf.length) this.fail('number is truncated');
    const b = this.buf[this.pos++];
    return invert ? ~b & 0xff : b;
  }

  number(negative: boolean): number | bigint {
    const start = this.pos - 1;
    // Exponent.
    const head = this.nbyte(negative);
    let E = 0;
    if (head !== 0x80) {
      const positiveE = head > 0x80;
      const n = positiveE ? head - 0x80 : 0x80 - head;
      if (n > 3) this.fail('number exponent is out of range', start);
      let m = 0;
      for (let i = 0; i < n; i++) {
        const b = this.nbyte(negative);
        const byte = positiveE ? b : ~b & 0xff;
        if (i === 0 && byte === 0) this.fail('number exponent is not minimal', start);
        m = m * 256 + byte;
      }
      E = positiveE ? m : -m;
      if (E < -1074 || E >= MAX_BIGINT_BITS) this.fail('number exponent is out of range', start);
    }
    // Fraction groups: find their extent first, then pick double or bigint arithmetic.
    const fracStart = this.pos;
    let last: number;
    do {
      last = this.nbyte(negative);
    } while (last & 1);
    const g = this.pos - fracStart;
    const lastGroup = last >>> 1;
    if (g > 1 && lastGroup === 0) this.fail('number fraction is not minimal', start);
    const k = lastGroup === 0 ? 0 : 7 * g - ctz32(lastGroup);
    if (k > E) {
      // Not an integer: must be exactly a double.
      if (k > 52 || E - k < -1074) this.fail('number is not a double', start);
    } else if (E > 52) {
      return this.bigint(negative, E, k, fracStart, g);
    }
    let padded = 0;
    for (let i = 0; i < g; i++) {
      const b = this.buf[fracStart + i];
      padded = padded * 128 + ((negative ? ~b & 0xff : b) >>> 1);
    }
    const F = padded / POW2[7 * g - k];
    // Both factors are exact and the product is representable, so this is exact; split the
    // power so that subnormals do not underflow on the way.
    const shift = E - k;
    let value = POW2[k] + F;
    if (shift >= -1022) value *= 2 ** shift;
    else value = value * 2 ** -1022 * 2 ** (shift + 1022);
    return negative ? -value : value;
  }

  bigint(negative: boolean, E: number, k: number, fracStart: number, g: number): bigint {
    let bits = '1';
    for (let i = 0; i < g; i++) {
      const b = this.buf[fracStart + i];
      bits += ((negative ? ~b & 0xff : b) >>> 1).toString(2).padStart(7, '0');
    }
    const magnitude = BigInt(`0b${bits.slice(0, k + 1)}`) << BigInt(E - k);
    return negative ? -magnitude : magnitude;
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  if (!(bytes instanceof Uint8Array)) {
    throw new InvalidArgumentError(`key bytes are not a tuple: expected a Uint8Array, got ${typeDescription(bytes)}`);
  }
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function decodeOrThrow(bytes: Uint8Array): TupleElement[] {
  try {
    return new Reader(asBuffer(bytes)).tuple(0, false);
  } catch (e) {
    if (e instanceof Malformed) {
      throw new InvalidArgumentError(`key bytes are not a tuple: ${e.reason} at byte ${e.offset}`);
    }
    throw e;
  }
}

/**
 * Decodes a tuple. O(length of bytes). Byte elements come back as fresh Buffers (never views
 * of `bytes`). Throws InvalidArgumentError "key bytes are not a tuple: …" unless `bytes` is
 * exactly the canonical encoding of a tuple.
 */
export function decodeTuple(bytes: Uint8Array): TupleElement[] {
  return decodeOrThrow(bytes);
}

function unwrap(t: TupleElement[]): TupleElement | TupleElement[] {
  // A lone nested tuple stays wrapped: unwrapping it would turn [[a]] into [a] on re-encoding.
  return t.length === 1 && !Array.isArray(t[0]) ? t[0] : t;
}

/**
 * Decodes a key: the element itself for a 1-tuple whose element is not an array, otherwise the
 * tuple. `encodeKey(decodeKey(b))` equals `b`. O(length of bytes). Throws like decodeTuple.
 */
export function decodeKey(bytes: Uint8Array): TupleElement | TupleElement[] {
  return unwrap(decodeOrThrow(bytes));
}

/** Result of {@link tryDecodeKey}. */
export type DecodedKey = { ok: true; value: TupleElement | TupleElement[] } | { ok: false };

/**
 * Like {@link decodeKey}, for keys that may be raw bytes rather than tuples (written by a
 * program that does not use the tuple layer). Never throws for a Uint8Array. O(length).
 */
export function tryDecodeKey(bytes: Uint8Array): DecodedKey {
  try {
    return { ok: true, value: unwrap(new Reader(asBuffer(bytes)).tuple(0, false)) };
  } catch (e) {
    if (e instanceof Malformed) return { ok: false };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Reference ordering

function rank(v: unknown): number {
  switch (typeof v) {
    case 'boolean':
      return v ? 2 : 1;
    case 'number':
    case 'bigint':
      return 3;
    case 'string':
      return 4;
    case 'object':
      if (v === null) return 0;
      if (v instanceof Uint8Array) return 5;
      if (Array.isArray(v)) return 6;
  }
  throw new InvalidArgumentError(`cannot compare ${typeDescription(v)}; ${KINDS}`);
}

/** Compares strings by code point, which is the order of their UTF-8 bytes. */
function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 order differs from code point order only between surrogates (astral characters)
    // and U+E000–U+FFFF; shifting both ranges puts surrogates on top.
    if (x >= 0xd800) x += x >= 0xe000 ? -0x800 : 0x2000;
    if (y >= 0xd800) y += y >= 0xe000 ? -0x800 : 0x2000;
    return x < y ? -1 : 1;
  }
  return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
}

/**
 * The order keys are stored in, on decoded values: null < false < true < numbers and bigints
 * (by value) < strings (by UTF-8 bytes) < bytes < tuples (element by element, shorter first).
 * Returns -1, 0 or 1. O(size of the smaller argument). Pass two arrays to compare two keys:
 * for tuples a and b, `Buffer.compare(encodeTuple(a), encodeTuple(b))` has the same sign.
 */
export function compareTupleElements(a: TupleElement | Tuple, b: TupleElement | Tuple): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 3: {
      // Relational operators compare number and bigint by exact mathematical value.
      const x = a as number | bigint;
      const y = b as number | bigint;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 4:
      return compareStrings(a as string, b as string);
    case 5: {
      const c = Buffer.compare(a as Uint8Array, b as Uint8Array);
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    case 6: {
      const x = a as Tuple;
      const y = b as Tuple;
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compareTupleElements(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
    }
    default:
      return 0;
  }
}
