/**
 * Record values as MessagePack, written by msgpackr.
 *
 * The output is plain MessagePack that any library reads, plus one extension of ours:
 *
 * | JS value                   | MessagePack                                                  |
 * |----------------------------|--------------------------------------------------------------|
 * | null, boolean, string      | nil, bool, str                                               |
 * | number                     | smallest int for 32-bit integers, else float64 (NaN, ±Infinity and -0 kept) |
 * | bigint                     | int64 / uint64 when it fits, else msgpackr's bigint extension 0x42 (big-endian two's complement) |
 * | Uint8Array (and Buffer)    | bin                                                          |
 * | Date                       | timestamp extension -1                                       |
 * | Ref                        | extension 0x54 ('T' for Thunderhead), see below              |
 * | array                      | array                                                        |
 * | plain object               | map with string keys; properties whose value is undefined are left out, as JSON.stringify does |
 *
 * Ref payload (extension 0x54) is itself MessagePack: an array `[key, view?, version?]` where
 * `key` is bin (the tuple encoding of the target key), `view` is bin (tuple encoding of the view
 * prefix) or nil, and `version` is a uint (version id) or str (snapshot name); trailing absent
 * fields are omitted.
 *
 * Decisions:
 * - Map and Set are rejected rather than flattened: msgpack maps come back as plain objects,
 *   so a Map would silently change type (and lose non-string keys) on the way back. Use a plain
 *   object or an array of pairs. Other class instances, functions, symbols and typed arrays other
 *   than Uint8Array are rejected too; nothing is silently dropped except undefined properties.
 * - Decoding: int64/uint64 come back as bigint and every other integer as number, so bigints and
 *   numbers keep their type across a round trip. bin comes back as a fresh Buffer (never a view
 *   of the input, so a decoded value never aliases cached node bytes).
 * - decodeValue returns only the types above: bytes that hold msgpackr's other extensions
 *   (undefined, Set, Error, RegExp, typed arrays, records…) are rejected like malformed ones.
 */

import { addExtension, Packr, type Options } from 'msgpackr';
import { isUtf8 } from 'node:buffer';
import { InvalidArgumentError } from '../errors';
import { typeDescription } from './type-description';
import { Ref } from './ref';
import { decodeKey, decodeTuple, type TupleElement } from './tuple';

/** What a value can hold. */
export type Value =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Date
  | Ref
  | Value[]
  | { [key: string]: Value };

/** MessagePack extension type of {@link Ref}. */
export const REF_EXTENSION_TYPE = 0x54;

/** Deepest nesting of arrays and objects in a value (a deeper one is almost surely a cycle). */
export const MAX_VALUE_DEPTH = 256;

const LONE_SURROGATE = /\p{Surrogate}/u;

// ---------------------------------------------------------------------------------------------
// The Ref extension payload, `[key, view?, version?]`, is packed by msgpackr: a Packr of its own
// (msgpackr saves and restores its output buffer around an extension's `pack`, so a second
// Packr may run inside one) writing into a reused scratch buffer rather than allocating a fresh
// 8 KiB one per Ref. Its options match `packr`'s where they shape the bytes: smallest ints
// (fixint below 0x80 needs useRecords: false), bin for bytes, smallest str header.

const refPackr = new Packr({ useRecords: false, moreTypes: false, variableMapSize: true });
const refScratch = Buffer.allocUnsafe(8192);

function packRef(ref: Ref): Uint8Array {
  const version = ref.version;
  const fields: unknown[] = [ref.keyBytes];
  if (version !== undefined || ref.viewBytes) fields.push(ref.viewBytes ?? null);
  // msgpackr writes integers of 2^32 and more as float64; the format has them as uint64.
  if (version !== undefined) fields.push(typeof version === 'number' && version > 0xffff_ffff ? uint64(version) : version);
  refPackr.useBuffer(refScratch);
  return refPackr.pack(fields);
}

function badRef(why: string): never {
  throw new InvalidArgumentError(`value bytes are not a Thunderhead value: Ref extension ${why}`);
}

function unpackRef(data: Uint8Array): Ref {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  const need = (n: number): void => {
    if (pos + n > buf.length) badRef('is truncated');
  };
  need(1);
  const head = buf[pos++];
  if (head < 0x91 || head > 0x93) badRef('is not an array of 1 to 3 fields');
  const fields = head & 0x0f;
  const readBin = (): Buffer => {
    need(1);
    const t = buf[pos++];
    let n: number;
    if (t === 0xc4) {
      need(1);
      n = buf[pos++];
    } else if (t === 0xc5) {
      need(2);
      n = buf.readUInt16BE(pos);
      pos += 2;
    } else if (t === 0xc6) {
      need(4);
      n = buf.readUInt32BE(pos);
      pos += 4;
    } else return badRef('key and view must be bin');
    need(n);
    const out = buf.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const keyBytes = readBin();
  let viewBytes: Buffer | undefined;
  if (fields >= 2) {
    need(1);
    if (buf[pos] === 0xc0) pos++;
    else viewBytes = readBin();
  }
  let version: number | string | undefined;
  if (fields === 3) {
    need(1);
    const t = buf[pos++];
    let strLength = -1;
    if (t < 0x80) version = t;
    else if (t === 0xcc) {
      need(1);
      version = buf[pos++];
    } else if (t === 0xcd) {
      need(2);
      version = buf.readUInt16BE(pos);
      pos += 2;
    } else if (t === 0xce) {
      need(4);
      version = buf.readUInt32BE(pos);
      pos += 4;
    } else if (t === 0xcf) {
      need(8);
      version = buf.readUInt32BE(pos) * 0x100000000 + buf.readUInt32BE(pos + 4);
      if (!Number.isSafeInteger(version)) badRef('version is too large');
      pos += 8;
    } else if (t >= 0xa0 && t < 0xc0) strLength = t & 0x1f;
    else if (t === 0xd9) {
      need(1);
      strLength = buf[pos++];
    } else if (t === 0xda) {
      need(2);
      strLength = buf.readUInt16BE(pos);
      pos += 2;
    } else if (t === 0xdb) {
      need(4);
      strLength = buf.readUInt32BE(pos);
      pos += 4;
    } else badRef('version must be a uint or a str');
    if (strLength >= 0) {
      need(strLength);
      const text = buf.subarray(pos, pos + strLength);
      if (!isUtf8(text)) badRef('version is not UTF-8');
      version = text.toString('utf8');
      pos += strLength;
    }
  }
  if (pos !== buf.length) badRef('has trailing bytes');
  try {
    const options: { view?: TupleElement[]; version?: number | string } = {};
    if (viewBytes) options.view = decodeTuple(viewBytes);
    if (version !== undefined) options.version = version;
    return new Ref(decodeKey(keyBytes), viewBytes || version !== undefined ? options : undefined);
  } catch (e) {
    if (e instanceof InvalidArgumentError) badRef(e.message);
    throw e;
  }
}

addExtension({ Class: Ref, type: REF_EXTENSION_TYPE, pack: packRef, unpack: unpackRef });

// Stand-ins for numbers msgpackr would write otherwise: each holds the exact MessagePack it
// stands for, and its `pack` copies those bytes into msgpackr's buffer and returns nothing (so no
// extension header is written at all).
// - -0: msgpackr writes every integral number as an int, so -0 would come back as 0. A value
//   holding -0 is packed with NEGATIVE_ZERO in its place: a plain float64 -0.
// - a Ref's version id of 2^32 or more: uint64, where msgpackr would write a float64.
class Verbatim {
  constructor(readonly bytes: Uint8Array) {}
}
const NEGATIVE_ZERO = new Verbatim(Uint8Array.of(0xcb, 0x80, 0, 0, 0, 0, 0, 0, 0));

function uint64(v: number): Verbatim {
  const bytes = Buffer.allocUnsafe(9);
  bytes[0] = 0xcf;
  bytes.writeUInt32BE(Math.floor(v / 0x1_0000_0000), 1);
  bytes.writeUInt32BE(v >>> 0, 5);
  return new Verbatim(bytes);
}

addExtension({
  Class: Verbatim,
  // Required by msgpackr for `pack`; never written, so bytes that hold it are rejected.
  type: 0x4e,
  pack(value: Verbatim, allocateForWrite: (size: number) => { target: Uint8Array; position: number }) {
    const { target, position } = allocateForWrite(value.bytes.length);
    target.set(value.bytes, position);
  },
  unpack: () => {
    throw new InvalidArgumentError('value bytes are not a Thunderhead value: unknown extension 0x4e');
  },
} as unknown as Parameters<typeof addExtension>[0]);

/** A copy of `v` with every -0 replaced by the stand-in above. O(size); only for values that hold -0. */
function withNegativeZeros(v: unknown): unknown {
  if (typeof v === 'number') return Object.is(v, -0) ? NEGATIVE_ZERO : v;
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array || v instanceof Date || v instanceof Ref) return v;
  if (Array.isArray(v)) return v.map(withNegativeZeros);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v)) out[key] = withNegativeZeros((v as Record<string, unknown>)[key]);
  return out;
}

// `skipValues` exists in msgpackr 1.10+ but is missing from its typings.
const packrOptions: Options & { skipValues: unknown[] } = {
  useRecords: false, // plain msgpack maps, not msgpackr's record extension
  mapsAsObjects: true,
  variableMapSize: true, // smallest map header (msgpackr otherwise always writes map16)
  useBigIntExtension: true, // bigints beyond 64 bits instead of a RangeError
  skipValues: [undefined], // undefined properties are left out, as in JSON
  structuredClone: false, // refuse msgpackr's cycle extensions when decoding
  copyBuffers: true, // decoded bins never alias the input
  moreTypes: false,
};
const packr = new Packr(packrOptions);

// ---------------------------------------------------------------------------------------------
// Validation: one walk that both encoder and decoder use, so their notions of a Value agree.

const HINT =
  'values hold null, boolean, number, bigint, string, Uint8Array, Date, Ref, arrays and plain objects (use an object or an array of pairs for a Map)';

const pathSegments: (string | number)[] = [];

function wherePath(depth: number): string {
  let s = 'value';
  for (let i = 0; i < depth; i++) {
    const seg = pathSegments[i];
    s += typeof seg === 'number' ? `[${seg}]` : /^[A-Za-z_$][\w$]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`;
  }
  return s;
}

/** Set by {@link check} when the value holds -0 (which needs {@link withNegativeZeros}). */
let sawNegativeZero = false;

/** Returns undefined when `v` is a Value, else the reason it is not. */
function check(v: unknown, depth: number, decoding: boolean): string | undefined {
  switch (typeof v) {
    case 'number':
      if (Object.is(v, -0)) sawNegativeZero = true;
      return undefined;
    case 'boolean':
    case 'bigint':
      return undefined;
    case 'string':
      // msgpack strings are UTF-8; a lone surrogate would be mangled on the way out.
      return !decoding && LONE_SURROGATE.test(v) ? `${wherePath(depth)} is a string with a lone surrogate; use well-formed Unicode` : undefined;
    case 'object': {
      if (v === null || v instanceof Uint8Array || v instanceof Ref) return undefined;
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? `${wherePath(depth)} is an invalid Date` : undefined;
      if (depth >= MAX_VALUE_DEPTH) return `${wherePath(depth)} nests more than ${MAX_VALUE_DEPTH} deep (or is a cycle)`;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          pathSegments[depth] = i;
          const item: unknown = v[i];
          if (item === undefined) return `${wherePath(depth + 1)} is undefined; use null in arrays`;
          const why = check(item, depth + 1, decoding);
          if (why) return why;
        }
        return undefined;
      }
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return `${wherePath(depth)} is ${typeDescription(v)}; ${HINT}`;
      for (const key of Object.keys(v)) {
        pathSegments[depth] = key;
        const item: unknown = (v as Record<string, unknown>)[key];
        if (item === undefined) {
          if (decoding) return `${wherePath(depth + 1)} is undefined`;
          continue;
        }
        if (key === '__proto__') return `${wherePath(depth + 1)}: a property named __proto__ cannot round-trip; rename it`;
        const why = check(item, depth + 1, decoding);
        if (why) return why;
      }
      return undefined;
    }
    default:
      return `${wherePath(depth)} is ${typeDescription(v)}; ${HINT}`;
  }
}

/**
 * Encodes a value as MessagePack. O(size of the value). Throws InvalidArgumentError naming the
 * path (e.g. `value.items[2]`) of anything that is not a {@link Value}.
 */
export function encodeValue(v: unknown): Buffer {
  if (v === undefined) throw new InvalidArgumentError(`value is undefined; ${HINT}`);
  sawNegativeZero = false;
  const why = check(v, 0, false);
  if (why) throw new InvalidArgumentError(why);
  return packr.pack(sawNegativeZero ? withNegativeZeros(v) : v);
}

function oneLine(message: string): string {
  const line = message.split('\n', 1)[0];
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

/**
 * Decodes bytes written by {@link encodeValue} (or any MessagePack of the same types).
 * O(length of bytes). Throws InvalidArgumentError "value bytes are not a Thunderhead value: …"
 * for malformed, truncated or trailing bytes and for unsupported extensions.
 */
export function decodeValue(bytes: Uint8Array): Value {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError(`value bytes must be a Uint8Array, got ${typeDescription(bytes)}`);
  if (bytes.length === 0) throw new InvalidArgumentError('value bytes are not a Thunderhead value: empty');
  // A fresh Buffer view: msgpackr caches a DataView on its source, and bins copied out of a
  // Buffer are Buffers.
  const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let v: unknown;
  try {
    v = packr.unpack(source);
  } catch (e) {
    if (e instanceof InvalidArgumentError) throw e;
    throw new InvalidArgumentError(`value bytes are not a Thunderhead value: ${oneLine(e instanceof Error ? e.message : String(e))}`);
  }
  if (v === undefined) throw new InvalidArgumentError('value bytes are not a Thunderhead value: holds undefined');
  const why = check(v, 0, true);
  if (why) throw new InvalidArgumentError(`value bytes are not a Thunderhead value: ${why}`);
  return v as Value;
}

/** Result of {@link tryDecodeValue}. */
export type DecodedValue = { ok: true; value: Value } | { ok: false; reason: string };

/** Like {@link decodeValue} but reports failure instead of throwing. O(length of bytes). */
export function tryDecodeValue(bytes: Uint8Array): DecodedValue {
  try {
    return { ok: true, value: decodeValue(bytes) };
  } catch (e) {
    if (e instanceof InvalidArgumentError) return { ok: false, reason: e.message };
    throw e;
  }
}
