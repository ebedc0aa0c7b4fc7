/**
 * The one place app/service touches the engine: opening stores and the records layer's JSON
 * mapping. Everything else in the service works on the types re-exported here, so an engine
 * API change shows up (and is fixed) in this file only.
 */
import { InvalidArgumentError, Store, StoreError, StoreLockedError } from '../../engine/index';
import type { AddressView, DiffChange, Entry, MergeChoice, MergeConflict, MergeResult, NodeView, RangeOptions, Ref, RefLookup, StoreInfo, VersionInfo } from '../../engine/index';
import { decodeValue, isRef, keyFromJson, keyToJson, lookupRef, valueFromJson, valueToJson } from '../../engine/records/index';
import type { Json } from '../../engine/records/index';
import { QuerySyntaxError, analyzeKeySpaceAsync, decodedValue, filterDiff, findRecords, matches, parseQuery, usesChanged } from '../../engine/query/index';
import type { KeySpaceReport, PrefixUsage, Query } from '../../engine/query/index';

export { Store, StoreError, StoreLockedError };
export type { AddressView, DiffChange, Entry, MergeChoice, MergeConflict, MergeResult, NodeView, RangeOptions, Ref, RefLookup, StoreInfo, VersionInfo };
export { QuerySyntaxError, analyzeKeySpaceAsync, decodedValue, filterDiff, findRecords, matches, parseQuery, usesChanged };
export type { KeySpaceReport, PrefixUsage, Query };

/** Opens a store file (never creates one: the inspector only opens existing files). */
export function openStore(path: string, readOnly: boolean): Store {
  return Store.open(path, { readOnly, create: false });
}

/** Bytes the records layer could not decode come back as `{"$raw": hex}`. */
function isRaw(json: Json): boolean {
  return json !== null && typeof json === 'object' && !Array.isArray(json) && Object.keys(json).length === 1 && '$raw' in json;
}

/** A key's JSON form (records layer tags) and whether it decoded as a tuple. */
export function decodeKeyJson(key: Uint8Array): { json: Json; decoded: boolean } {
  const json = keyToJson(key);
  return isRaw(json) ? { json: null, decoded: false } : { json, decoded: true };
}

/**
 * A value's JSON form for display and whether it decoded. `exact` also demands that the JSON
 * re-encodes to the same bytes (exports, which `thunderhead load` must read back); displays
 * skip that extra encode.
 */
export function decodeValueJson(value: Uint8Array, exact = false): { json: Json; decoded: boolean } {
  const json = valueToJson(value, { exact });
  return isRaw(json) ? { json: null, decoded: false } : { json, decoded: true };
}

/** The exact JSON forms `thunderhead dump`/`load` use (raw bytes as `{"$raw": hex}`). */
export function exactJson(key: Uint8Array, value: Uint8Array): { key: Json; value: Json } {
  return { key: keyToJson(key), value: valueToJson(value) };
}

/** Encodes a key given in its JSON form (the inverse of {@link decodeKeyJson}). */
export function encodeKeyJson(json: unknown): Buffer {
  return keyFromJson(json);
}

/** A reference's JSON form (`{"$ref": key, "view"?, "version"?}`) → the engine's Ref. Throws InvalidArgumentError. */
export function refFromJson(json: unknown): Ref {
  const decoded = decodeValue(valueFromJson(json));
  if (!isRef(decoded)) throw new InvalidArgumentError('not a reference: expected {"$ref": key, "view"?: [...], "version"?: …}');
  return decoded;
}

/**
 * Looks a reference up with the engine's `lookupRef`: in its pinned version when it pins one,
 * else in the version `at` (the default branch head when absent). O(height).
 */
export function lookupRefAt(store: Store, ref: Ref, at: number | string | undefined): RefLookup {
  const reader = at === undefined ? store : store.at(at);
  return lookupRef({ get: (key) => reader.get(key), at: (version) => store.at(version) }, ref);
}

/** Encodes a value given in its JSON form (records-layer tags; numbers exact). Throws InvalidArgumentError. */
export function encodeValueJson(json: unknown): Buffer {
  return valueFromJson(json);
}

/** Decodes value bytes with the records layer (throws when they are not a Thunderhead value). */
export function decodeValueBytes(bytes: Uint8Array): unknown {
  return decodeValue(bytes);
}
