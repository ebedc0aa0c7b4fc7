/**
 * The readable form of decoded keys and values: JSON-like, with references as
 * `→ ["users", 7]`, bytes as `<bytes 0a0b…>`, dates as ISO strings. Numbers read as the exact
 * text form writes them: integers beyond 2^53 in full (`12345678901234567890`), `-0`, and small
 * bigints (int64 that fit a number) as `12n` so their type shows.
 */
import { isRef, tryDecodeKey, type Ref } from '../../engine/index';
import { formatNumber } from '../contract/json-text';

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Options of {@link showValue}. */
export interface ShowOptions {
  /** Indent nested objects and arrays over several lines (for `get`). */
  readonly pretty?: boolean;
}

/** Marks bytes that did not decode, so they print as `<hex …>` rather than as a string. */
export class RawBytes {
  constructor(readonly bytes: Uint8Array, readonly reason: string) {}
}

const HEX_PREVIEW_BYTES = 64;
/** In pretty output, containers whose compact form fits this width stay on one line. */
const PRETTY_INLINE_WIDTH = 72;

function hexOf(bytes: Uint8Array, max = HEX_PREVIEW_BYTES): string {
  const shown = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, max)).toString('hex');
  return bytes.length > max ? `${shown}… (${bytes.length} bytes)` : shown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Renders a decoded JS value readably: JSON for JSON-like data, `→ target` for references,
 * `12n` for bigints, `<hex …>` for bytes, ISO strings for dates. Compact (`{"a": 1, "b": [2, 3]}`)
 * unless `pretty` asks for an indented, multi-line layout.
 */
export function showValue(value: unknown, options: ShowOptions = {}): string {
  const pretty = options.pretty === true;
  const seen = new Set<object>();
  const show = (v: unknown, indent: string): string => {
    if (isRef(v)) return `→ ${describeRef(v)}`;
    if (v === null) return 'null';
    if (v === undefined) return 'undefined';
    switch (typeof v) {
      case 'string':
        return JSON.stringify(v);
      case 'number':
        return formatNumber(v);
      case 'bigint':
        return v > SAFE || v < -SAFE ? v.toString() : `${v}n`;
      case 'boolean':
        return String(v);
      case 'object':
        break;
      default:
        return String(v);
    }
    if (v instanceof RawBytes) return `<hex ${hexOf(v.bytes)}>`;
    if (v instanceof Uint8Array) return `<bytes ${hexOf(v)}>`;
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
    const obj = v as object;
    if (seen.has(obj)) return '[circular]';
    seen.add(obj);
    try {
      const inner = `${indent}  `;
      let items: string[];
      let open: string;
      let close: string;
      if (Array.isArray(obj)) {
        items = obj.map((item) => show(item, inner));
        [open, close] = ['[', ']'];
      } else if (obj instanceof Map) {
        items = [...obj.entries()].map(([k, item]) => `${typeof k === 'string' ? JSON.stringify(k) : show(k, inner)}: ${show(item, inner)}`);
        [open, close] = ['{', '}'];
      } else if (obj instanceof Set) {
        items = [...obj].map((item) => show(item, inner));
        [open, close] = ['[', ']'];
      } else {
        const entries = isPlainObject(obj) ? Object.entries(obj) : Object.entries(obj as Record<string, unknown>);
        items = entries.map(([k, item]) => `${JSON.stringify(k)}: ${show(item, inner)}`);
        [open, close] = ['{', '}'];
      }
      if (items.length === 0) return `${open}${close}`;
      const compact = `${open}${items.join(', ')}${close}`;
      // Short containers stay on one line even when pretty: `"tags": ["a", "b"]` reads better
      // than four lines.
      if (!pretty || (!compact.includes('\n') && indent.length + compact.length <= PRETTY_INLINE_WIDTH)) return compact;
      return `${open}\n${items.map((item) => `${inner}${item}`).join(',\n')}\n${indent}${close}`;
    } finally {
      seen.delete(obj);
    }
  };
  return show(value, '');
}

/** A key's bytes for display: the decoded tuple, or {@link RawBytes} for raw keys. */
export function keyForDisplay(key: Uint8Array): unknown {
  const decoded = tryDecodeKey(key);
  return decoded.ok ? decoded.value : new RawBytes(key, 'not a tuple');
}

/** How a reference reads: `["users", 7]`, plus its view and pinned version when it has them. */
export function describeRef(ref: Ref): string {
  let text = showValue(keyForDisplay(ref.keyBytes));
  if (ref.viewBytes !== undefined) text += ` in view ${showValue(keyForDisplay(ref.viewBytes))}`;
  if (ref.version !== undefined) text += ` @ ${ref.version}`;
  return text;
}
