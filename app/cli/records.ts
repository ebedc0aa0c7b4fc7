/**
 * The CLI's use of the records layer, in one place: KEY/VALUE arguments and JSONL lines in,
 * JSON forms and displayable values out, references found and checked.
 *
 * Arguments and JSONL use the records layer's JSON mapping (tags such as `{"$bytes": "hex"}` and
 * `{"$ref": ["users", 7]}`), so `dump | load` round-trips every key and value exactly.
 */
import {
  encodeKey, encodeValue, keyFromJson, keyToJson, parseCliArgument, tryDecodeValue,
  valueFromJson, valueToJson, InvalidArgumentError, StoreError, type Json, type Store, type Tuple,
} from '../../engine/index';
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

/** A KEY argument: JSON when it parses (`'["users", 7]'`), else the text as a string key. */
export function keyArgument(text: string): Buffer {
  try {
    return keyFromJson(parseCliArgument(text));
  } catch (error) {
    argumentError('key', text, error);
  }
}

/** A VALUE argument: JSON when it parses, else the text as a string value. */
export function valueArgument(text: string): Buffer {
  try {
    return valueFromJson(parseCliArgument(text));
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
 * missing, in the CLI's JSON and text forms. The scan is the engine's `store.findDanglingRefs`.
 */
export function findDanglingRefs(store: Store, onProgress?: (records: number) => void): DanglingRef[] {
  const found = store.findDanglingRefs(onProgress ? { onProgress: (p) => onProgress(p.records) } : {});
  return found.map((d) => ({
    key: d.key,
    keyJson: keyToJson(d.key),
    targetJson: valueToJson(encodeValue(d.ref)),
    targetText: describeRef(d.ref),
    at: d.at,
  }));
}
