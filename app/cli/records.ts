/**
 * The CLI's use of the records layer, in one place: KEY/VALUE arguments and JSONL lines in,
 * JSON forms and displayable values out, references found and checked.
 *
 * Arguments and JSONL use the records layer's JSON mapping (tags such as `{"$bytes": "hex"}` and
 * `{"$ref": ["users", 7]}`) in its exact text form (app/contracts/json-text.ts: integers beyond
 * 2^53 and -0 are written bare and read back exactly; a number a float cannot keep is refused),
 * so `dump | load` round-trips every key and value exactly.
 */
import {
  encodeKey, encodeStringPrefix, findDanglingRefs as scanDanglingRefs, encodeValue, keyFromJson, keyToJson, tryDecodeValue,
  valueFromJson, valueToJson, InvalidArgumentError, StoreError, type Json, type Store, type Tuple,
} from '../../engine/index';
import { formatJsonText, JsonTextError, parseJsonText, type JsonTree } from '../contracts/json-text';
import type { DemoValue } from './demo-data';
import { CliError } from './errors';
import { describeRef, keyForDisplay, RawBytes } from './show';

function argumentError(what: string, text: string, error: unknown): never {
  if (error instanceof InvalidArgumentError) {
    const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
    throw new CliError(`bad ${what} ${shown}: ${error.message}`);
  }
  throw error;
}

/**
 * A KEY or VALUE argument as JSON when it parses (`42`, `"42"`, `["user", 1]`), else the text
 * itself as a string (`alice`). JSON whose number cannot be kept exactly (`1e400`) is refused,
 * not taken as a string. O(length).
 */
export function parseArgument(what: string, text: string): JsonTree {
  try {
    return parseJsonText(text);
  } catch (error) {
    if (error instanceof JsonTextError && error.kind === 'number') throw new CliError(`bad ${what} ${shorten(text)}: ${error.message}`);
    return text;
  }
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A KEY argument: JSON when it parses (`'["users", 7]'`), else the text as a string key. */
export function keyArgument(text: string): Buffer {
  const json = parseArgument('key', text);
  try {
    return keyFromJson(json);
  } catch (error) {
    argumentError('key', text, error);
  }
}

/**
 * A `--prefix` argument: a string (plain text or JSON `"user:01"`) matches every key whose first
 * element is a string starting with that text, as a text prefix does in etcd or Redis; anything
 * else (`'["orders", 7]'`, `7`) is a tuple prefix matched element by element.
 */
export function prefixArgument(text: string): Buffer {
  const json = parseArgument('prefix', text);
  try {
    return typeof json === 'string' ? encodeStringPrefix(json) : keyFromJson(json);
  } catch (error) {
    argumentError('prefix', text, error);
  }
}

/** A VALUE argument: JSON when it parses, else the text as a string value. */
export function valueArgument(text: string): Buffer {
  const json = parseArgument('value', text);
  try {
    return valueFromJson(json);
  } catch (error) {
    argumentError('value', text, error);
  }
}

/** One parsed JSONL line, `{"key": …, "value": …}`, as encoded bytes. Throws CliError/StoreError. */
export function recordFromJson(json: unknown): { key: Buffer; value: Buffer } {
  if (json === null || typeof json !== 'object' || Array.isArray(json) || !('key' in json) || !('value' in json)) {
    throw new CliError('expected an object {"key": …, "value": …}');
  }
  const record = json as { key: unknown; value: unknown };
  let key: Buffer;
  try {
    key = keyFromJson(record.key);
  } catch (error) {
    if (error instanceof StoreError) throw new CliError(`bad key: ${error.message}`);
    throw error;
  }
  try {
    return { key, value: valueFromJson(record.value) };
  } catch (error) {
    if (error instanceof StoreError) throw new CliError(`bad value: ${error.message}`);
    throw error;
  }
}

/** A key's JSON form (exact: `keyFromJson` gives the same bytes back). */
export function keyToJsonValue(key: Uint8Array): Json {
  return keyToJson(key);
}

/** JSON text of a key's or value's JSON form, numbers exact (see app/contracts/json-text.ts). O(size). */
export function jsonText(json: Json): string {
  return formatJsonText(json);
}

/** A value's JSON form (exact: `valueFromJson` gives the same bytes back). */
export function valueToJsonValue(value: Uint8Array): Json {
  return valueToJson(value);
}

/** A key decoded for display: the tuple (or lone element), or {@link RawBytes} for raw keys. */
export function decodeKeyForDisplay(key: Uint8Array): unknown {
  return keyForDisplay(key);
}

/** A value decoded for display, or {@link RawBytes} when it is not a Thunderhead value. */
export function decodeValueForDisplay(value: Uint8Array): unknown {
  const decoded = tryDecodeValue(value);
  return decoded.ok ? decoded.value : new RawBytes(value, decoded.reason);
}

/** Encodes a demo key tuple. */
export function encodeDemoKey(key: readonly (string | number)[]): Buffer {
  return encodeKey(key as Tuple);
}

/** Encodes a demo value. */
export function encodeDemoValue(value: DemoValue): Buffer {
  return encodeValue(value);
}

/** A reference whose target key does not exist in the version it is read from. */
export interface DanglingRef {
  /** The record holding the reference. */
  readonly key: Buffer;
  readonly keyJson: Json;
  /** The reference in its JSON form, e.g. `{"$ref": ["users", 7]}`. */
  readonly targetJson: Json;
  readonly targetText: string;
  /** Branch (or pinned version) it was checked against. */
  readonly at: string;
}

/**
 * Every reference, in the head of every branch, whose target key (or pinned version) is
 * missing, in the CLI's JSON and text forms. The scan is the engine's `findDanglingRefs`.
 */
export function findDanglingRefs(store: Store, onProgress?: (records: number) => void): DanglingRef[] {
  const found = scanDanglingRefs(store, onProgress ? { onProgress: (p) => onProgress(p.records) } : {});
  return found.map((d) => ({
    key: d.key,
    keyJson: keyToJson(d.key),
    targetJson: valueToJson(encodeValue(d.ref)),
    targetText: describeRef(d.ref),
    at: d.at,
  }));
}
