/**
 * The JSON form of keys and values, shared by the CLI (JSONL lines `{"key": …, "value": …}`)
 * and the inspector. Everything JSON cannot say is written as a one-key tag object:
 *
 * | tag                                     | meaning                                          |
 * |-----------------------------------------|--------------------------------------------------|
 * | `{"$bytes": "<hex>"}`                   | a Uint8Array (key element or value)              |
 * | `{"$bigint": "<decimal>"}`              | a bigint (key element or value)                  |
 * | `{"$raw": "<hex>"}`                     | the whole key or value is these bytes verbatim   |
 * | `{"$date": "<ISO 8601>"}`               | a Date (values)                                  |
 * | `{"$number": "NaN" \| "Infinity" \| "-Infinity" \| "-0"}` | a number JSON cannot say (values; -0 in keys is 0) |
 * | `{"$ref": <key>, "view"?: [..], "version"?: n \| "name"}` | a {@link Ref} (values)  |
 *
 * Keys: an array is a tuple and anything else a 1-tuple, as in encodeKey; a key that is not a
 * tuple is `{"$raw": …}`. Values: a plain object whose own key starts with `$` is written with
 * one more `$` (`{"$x": 1}` ↔ `{"$$x": 1}`), so user data can never be mistaken for a tag; on
 * input a single-`$` key that is not a tag is taken literally, so hand-written JSON just works.
 *
 * Round trips are exact: `keyFromJson(keyToJson(b))` equals `b` for every key `b`, and
 * `valueFromJson(valueToJson(b))` equals `b` for every `b` (valueToJson falls back to `$raw`
 * when the decoded form would re-encode differently, e.g. msgpack from another writer).
 */

import { InvalidArgumentError } from '../errors';
import { Ref } from './ref';
import { encodeKey, tryDecodeKey, type Tuple, type TupleElement } from './tuple';
import { encodeValue, tryDecodeValue, type Value } from './value';

/** A JSON value as produced by the *ToJson functions. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const BIGINT = /^-?(?:0|[1-9][0-9]*)$/;

function isPlainObject(j: unknown): j is Record<string, unknown> {
  if (typeof j !== 'object' || j === null || Array.isArray(j)) return false;
  const proto: unknown = Object.getPrototypeOf(j);
  return proto === Object.prototype || proto === null;
}

function hexBytes(what: string, j: unknown): Buffer {
  if (typeof j !== 'string' || !HEX.test(j)) throw new InvalidArgumentError(`${what} must be a string of hex digit pairs`);
  return Buffer.from(j, 'hex');
}

function bigintOf(what: string, j: unknown): bigint {
  if (typeof j !== 'string' || !BIGINT.test(j)) throw new InvalidArgumentError(`${what} must be a decimal integer string, like "-123"`);
  return BigInt(j);
}

function onlyKey(o: Record<string, unknown>, tag: string): unknown {
  const keys = Object.keys(o);
  if (keys.length !== 1) {
    throw new InvalidArgumentError(`{"${tag}": …} must have no other keys (found ${keys.filter((k) => k !== tag).join(', ')})`);
  }
  return o[tag];
}

// ---------------------------------------------------------------------------------------------
// Keys

function elementFromJson(j: unknown, depth: number): TupleElement {
  if (j === null || typeof j === 'boolean' || typeof j === 'number' || typeof j === 'string') return j;
  if (Array.isArray(j)) {
    // The codec enforces the real limit; this only keeps a hostile document off the stack.
    if (depth > 1000) throw new InvalidArgumentError('key JSON nests too deep');
    return j.map((e: unknown) => elementFromJson(e, depth + 1));
  }
  if (isPlainObject(j)) {
    if ('$bytes' in j) return hexBytes('$bytes', onlyKey(j, '$bytes'));
    if ('$bigint' in j) return bigintOf('$bigint', onlyKey(j, '$bigint'));
    // The text form writes -0 bare and parses it to this tag; as a key it is 0 (one key per value).
    if ('$number' in j && onlyKey(j, '$number') === '-0') return 0;
    if ('$raw' in j) throw new InvalidArgumentError('{"$raw": …} stands for a whole key and cannot be inside a tuple');
  }
  throw new InvalidArgumentError(
    `key JSON ${JSON.stringify(j) ?? String(j)} is not a key element; use null, booleans, numbers, strings, arrays, {"$bytes": "hex"} or {"$bigint": "123"}`,
  );
}

/**
 * Parses a key's JSON form: an array is a tuple, a scalar a 1-tuple, `{"$raw": "hex"}` those
 * bytes verbatim. O(size). Throws InvalidArgumentError for anything else.
 */
export function keyFromJson(j: unknown): Buffer {
  if (isPlainObject(j) && '$raw' in j) return hexBytes('$raw', onlyKey(j, '$raw'));
  if (Array.isArray(j)) return encodeKey(j.map((e: unknown) => elementFromJson(e, 1)));
  return encodeKey(elementFromJson(j, 0));
}

function elementToJson(e: TupleElement): Json {
  if (typeof e === 'bigint') return { $bigint: e.toString() };
  if (e instanceof Uint8Array) return { $bytes: Buffer.from(e.buffer, e.byteOffset, e.byteLength).toString('hex') };
  if (Array.isArray(e)) return e.map(elementToJson);
  return e;
}

function rawJson(bytes: Uint8Array): Json {
  return { $raw: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex') };
}

/**
 * A key's JSON form: the decoded key (scalar for a 1-tuple, as decodeKey) with bytes and bigints
 * tagged, or `{"$raw": "hex"}` when the bytes are not a tuple. O(length).
 */
export function keyToJson(bytes: Uint8Array): Json {
  const d = tryDecodeKey(bytes);
  return d.ok ? elementToJson(d.value) : rawJson(bytes);
}

// ---------------------------------------------------------------------------------------------
// Values

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

function refFromJson(o: Record<string, unknown>): Ref {
  for (const k of Object.keys(o)) {
    if (k !== '$ref' && k !== 'view' && k !== 'version') {
      throw new InvalidArgumentError(`{"$ref": …} takes only "view" and "version" besides "$ref" (found "${k}")`);
    }
  }
  const target = o.$ref;
  const key: TupleElement | Tuple = Array.isArray(target) ? target.map((e: unknown) => elementFromJson(e, 1)) : elementFromJson(target, 0);
  const options: { view?: Tuple; version?: number | string } = {};
  if (o.view !== undefined) {
    if (!Array.isArray(o.view)) throw new InvalidArgumentError('"view" of a $ref must be an array (a key prefix tuple)');
    options.view = o.view.map((e: unknown) => elementFromJson(e, 1));
  }
  if (o.version !== undefined) {
    if (typeof o.version !== 'number' && typeof o.version !== 'string') {
      throw new InvalidArgumentError('"version" of a $ref must be a version id or a snapshot name');
    }
    options.version = o.version;
  }
  return new Ref(key, options.view !== undefined || options.version !== undefined ? options : undefined);
}

function valueFromJsonInner(j: unknown, depth: number): Value {
  if (j === null || typeof j === 'boolean' || typeof j === 'number' || typeof j === 'string') return j;
  // Depth is checked again, precisely, by encodeValue; this only keeps a hostile document off the stack.
  if (depth > 1000) throw new InvalidArgumentError('value JSON nests too deep');
  if (Array.isArray(j)) return j.map((e: unknown) => valueFromJsonInner(e, depth + 1));
  if (!isPlainObject(j)) throw new InvalidArgumentError(`value JSON holds ${typeof j}; expected JSON data`);
  if ('$bytes' in j) return hexBytes('$bytes', onlyKey(j, '$bytes'));
  if ('$bigint' in j) return bigintOf('$bigint', onlyKey(j, '$bigint'));
  if ('$date' in j) {
    const s = onlyKey(j, '$date');
    const d = typeof s === 'string' ? new Date(s) : undefined;
    if (!d || Number.isNaN(d.getTime())) throw new InvalidArgumentError('$date must be an ISO 8601 date string, like "2024-05-01T12:00:00.000Z"');
    return d;
  }
  if ('$number' in j) {
    const s = onlyKey(j, '$number');
    if (typeof s !== 'string' || !Object.prototype.hasOwnProperty.call(NON_FINITE, s)) throw new InvalidArgumentError('$number must be "NaN", "Infinity", "-Infinity" or "-0"');
    return NON_FINITE[s];
  }
  if ('$ref' in j) return refFromJson(j);
  if ('$raw' in j) throw new InvalidArgumentError('{"$raw": …} stands for a whole value and cannot be inside one');
  const out: { [key: string]: Value } = {};
  for (const key of Object.keys(j)) {
    if (key === '__proto__') throw new InvalidArgumentError('a property named __proto__ cannot round-trip; rename it');
    const name = key.startsWith('$$') ? key.slice(1) : key;
    if (Object.prototype.hasOwnProperty.call(out, name)) throw new InvalidArgumentError(`keys "${name}" and "$${name}" both mean "${name}"; keep one`);
    out[name] = valueFromJsonInner(j[key], depth + 1);
  }
  return out;
}

/**
 * Encodes a value from its JSON form (tags as in the module doc; `{"$raw": "hex"}` gives those
 * bytes verbatim). O(size). Throws InvalidArgumentError for malformed tags.
 */
export function valueFromJson(j: unknown): Buffer {
  if (isPlainObject(j) && '$raw' in j) return hexBytes('$raw', onlyKey(j, '$raw'));
  return encodeValue(valueFromJsonInner(j, 0));
}

function refToJson(r: Ref): Json {
  const out: { [key: string]: Json } = { $ref: keyToJson(r.keyBytes) };
  // Views are always arrays: decoding the view's bytes as a tuple keeps 1-tuples wrapped.
  if (r.view !== undefined) out.view = elementToJsonTuple(r.viewBytes as Buffer);
  if (r.version !== undefined) out.version = r.version;
  return out;
}

function elementToJsonTuple(bytes: Buffer): Json {
  const d = tryDecodeKey(bytes);
  if (!d.ok) return rawJson(bytes);
  const v = d.value;
  return Array.isArray(v) ? v.map(elementToJson) : [elementToJson(v)];
}

function valueToJsonInner(v: Value): Json {
  switch (typeof v) {
    case 'number':
      // JSON (and JSON over a WebSocket) turns -0 into 0, so it is tagged like the non-finite ones.
      return Number.isFinite(v) ? (Object.is(v, -0) ? { $number: '-0' } : v) : { $number: String(v) };
    case 'bigint':
      return { $bigint: v.toString() };
    case 'object':
      if (v === null) return null;
      if (v instanceof Uint8Array) return { $bytes: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex') };
      if (v instanceof Date) return { $date: v.toISOString() };
      if (v instanceof Ref) return refToJson(v);
      if (Array.isArray(v)) return v.map(valueToJsonInner);
      {
        const out: { [key: string]: Json } = {};
        for (const key of Object.keys(v)) out[key.startsWith('$') ? `$${key}` : key] = valueToJsonInner(v[key]);
        return out;
      }
    default:
      return v;
  }
}

/** Options of {@link valueToJson}. */
export interface ValueToJsonOptions {
  /**
   * When true (the default), fall back to `{"$raw": …}` unless the JSON form re-encodes to the
   * very same bytes; costs one extra encode. Displays that only need readable output pass false.
   */
  exact?: boolean;
}

/**
 * A value's JSON form: the decoded value with tags, or `{"$raw": "hex"}` for bytes that are not
 * a value (or, when exact, whose JSON form would not re-encode to the same bytes). O(length).
 */
export function valueToJson(bytes: Uint8Array, options?: ValueToJsonOptions): Json {
  const d = tryDecodeValue(bytes);
  if (!d.ok) return rawJson(bytes);
  const j = valueToJsonInner(d.value);
  if (options?.exact === false) return j;
  let again: Buffer;
  try {
    again = valueFromJson(j);
  } catch (e) {
    if (e instanceof InvalidArgumentError) return rawJson(bytes);
    throw e;
  }
  return Buffer.compare(again, bytes) === 0 ? j : rawJson(bytes);
}

/**
 * Reads a key or value given on the command line: its JSON when it parses (`42`, `"42"`,
 * `["user", 1]`), else the text itself as a string (`alice`). O(length).
 */
export function parseCliArgument(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
