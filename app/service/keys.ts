/** Keys and ranges from requests → the engine's bytes and range options. */
import type { KeyInput, RangeInput } from '../contract';
import { encodeStringPrefix } from '../../engine/index';
import { encodeKeyJson } from './engine';
import type { RangeOptions } from './engine';
import { fromHex } from './contract-data';

/** Bytes of a key given as hex, tuple JSON or UTF-8 text. */
export function keyBytes(input: KeyInput): Buffer {
  if ('hex' in input) return fromHex(input.hex);
  if ('text' in input) return Buffer.from(input.text, 'utf8');
  return Buffer.from(encodeKeyJson(input.json));
}

/**
 * Bytes of a range's prefix: a JSON string (`{json: "user:01"}`) is a text prefix of the first
 * key element (matches `"user:0123"` and `["user:01x", 5]`); an array is a tuple prefix matched
 * element by element; hex and text are those bytes.
 */
export function prefixBytes(input: KeyInput): Buffer {
  if ('json' in input && typeof input.json === 'string') return encodeStringPrefix(input.json);
  return keyBytes(input);
}

/** The smallest key greater than `key` in unsigned byte order: `key` followed by 0x00. */
export function successor(key: Uint8Array): Buffer {
  return Buffer.concat([key, Buffer.of(0)]);
}

/**
 * Engine range options for a requested range, continuing after `after` (exclusive, in scan
 * direction): forward scans raise `from` past it, reverse scans lower `to` to it.
 */
export function rangeOptions(range: RangeInput | undefined, after?: Uint8Array, limit?: number): RangeOptions {
  let from = range?.from ? keyBytes(range.from) : undefined;
  let to = range?.to ? keyBytes(range.to) : undefined;
  const reverse = range?.reverse ?? false;
  if (after !== undefined) {
    if (reverse) {
      if (to === undefined || Buffer.compare(after, to) < 0) to = Buffer.from(after);
    } else {
      const next = successor(after);
      if (from === undefined || Buffer.compare(next, from) > 0) from = next;
    }
  }
  return {
    reverse,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(range?.prefix ? { prefix: prefixBytes(range.prefix) } : {}),
    ...(limit !== undefined ? { limit } : {}),
  };
}
