/**
 * The records layer: typed keys (order-preserving tuples), typed values (MessagePack), references
 * between records, and the JSON form of both used by the CLI and the inspector.
 */

export {
  compareTupleElements,
  decodeKey,
  decodeTuple,
  encodeKey,
  encodeStringPrefix,
  encodeTuple,
  MAX_BIGINT_BITS,
  MAX_TUPLE_DEPTH,
  tryDecodeKey,
  TUPLE_TYPE,
  type DecodedKey,
  type Tuple,
  type TupleElement,
} from './tuple';
export { isRef, Ref, type RefOptions } from './ref';
export { lookupRef, refReaderAt, resolveRef, type RefLookup, type RefReader, type RefTarget } from './resolve';
export { findDanglingRefs, refsIn, type DanglingRef, type DanglingRefHost, type DanglingRefOptions, type VersionReader } from './dangling';
export {
  decodeValue,
  encodeValue,
  MAX_VALUE_DEPTH,
  REF_EXTENSION_TYPE,
  tryDecodeValue,
  type DecodedValue,
  type Value,
} from './value';
export {
  keyFromJson,
  keyToJson,
  parseCliArgument,
  valueFromJson,
  valueToJson,
  type Json,
  type ValueToJsonOptions,
} from './json';
