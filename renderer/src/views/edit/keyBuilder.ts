/**
 * The key builder's model: a tuple key as a list of typed elements the user edits one by one,
 * and a JSON value typed as text. Pure functions, so the rules are tested without a browser.
 */
import type { Json, KeyInput, KeyView } from '../../../../app/contract';
import { formatJsonText, JsonTextError, parseJsonText } from '../../../../app/contract/json-text';

/** The element types the builder offers (the tuple codec's scalar types). */
export type ElementType = 'string' | 'int' | 'float' | 'bytes' | 'bool' | 'null';

/** One element as edited: its type and the text typed for it. */
export interface KeyElement {
  readonly type: ElementType;
  readonly text: string;
}

/** The JSON a key input carries (zod's JSON type). */
type KeyJson = Extract<KeyInput, { json: unknown }>['json'];

/** Either the built value or why it cannot be built (one line). */
export type Built<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const INT = /^-?(?:0|[1-9][0-9]*)$/;

/** One element's JSON (records-layer tags for bytes and big integers), or why it is invalid. */
export function elementJson(e: KeyElement): Built<Json> {
  const t = e.text.trim();
  switch (e.type) {
    case 'string':
      return { ok: true, value: e.text };
    case 'int': {
      if (!INT.test(t)) return { ok: false, error: `"${t}" is not an integer` };
      const n = Number(t);
      return { ok: true, value: Number.isSafeInteger(n) ? n : { $bigint: t } };
    }
    case 'float': {
      const n = Number(t);
      if (t === '' || !Number.isFinite(n)) return { ok: false, error: `"${t}" is not a finite number` };
      // Refuse digits a double cannot keep (3.14159265358979323846) rather than round them.
      try {
        const exact = parseJsonText(/^-?\d+$/.test(t) ? `${t}.0` : t);
        return { ok: true, value: typeof exact === 'number' ? exact : n };
      } catch (e) {
        // Not JSON number syntax (".5", "1."): Number() read it, and it is exact enough to say so.
        return e instanceof JsonTextError && e.kind === 'number' ? { ok: false, error: e.message } : { ok: true, value: n };
      }
    }
    case 'bytes': {
      const hex = t.replace(/^0x/i, '').replace(/\s+/g, '').toLowerCase();
      if (!/^(?:[0-9a-f]{2})*$/.test(hex)) return { ok: false, error: 'bytes need an even number of hex digits' };
      return { ok: true, value: { $bytes: hex } };
    }
    case 'bool':
      if (t !== 'true' && t !== 'false') return { ok: false, error: 'a bool is true or false' };
      return { ok: true, value: t === 'true' };
    case 'null':
      return { ok: true, value: null };
  }
}

/** The key input for a list of elements: a tuple (one element is a 1-tuple, written bare). */
export function buildKey(elements: readonly KeyElement[]): Built<KeyInput> {
  if (elements.length === 0) return { ok: false, error: 'add at least one element' };
  const items: Json[] = [];
  for (const [i, e] of elements.entries()) {
    const j = elementJson(e);
    if (!j.ok) return { ok: false, error: `element ${i + 1}: ${j.error}` };
    items.push(j.value);
  }
  const json = (items.length === 1 ? items[0] : items) as KeyJson;
  return { ok: true, value: { json } };
}

/** Raw key bytes typed as hex. */
export function buildHexKey(text: string): Built<KeyInput> {
  const hex = text.trim().replace(/^0x/i, '').replace(/\s+/g, '').toLowerCase();
  if (hex === '') return { ok: false, error: 'type the key bytes as hex' };
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) return { ok: false, error: 'hex needs an even number of 0-9 a-f digits' };
  return { ok: true, value: { hex } };
}

function elementOf(j: Json): KeyElement {
  if (j === null) return { type: 'null', text: '' };
  if (typeof j === 'boolean') return { type: 'bool', text: String(j) };
  if (typeof j === 'number') return { type: Number.isInteger(j) ? 'int' : 'float', text: String(j) };
  if (typeof j === 'string') return { type: 'string', text: j };
  if (!Array.isArray(j) && typeof j === 'object') {
    const o = j as { readonly [k: string]: Json };
    if (typeof o.$bytes === 'string') return { type: 'bytes', text: o.$bytes };
    if (typeof o.$bigint === 'string') return { type: 'int', text: o.$bigint };
  }
  // Nested tuples have no editor of their own: keep them as their JSON text in a string element.
  return { type: 'string', text: JSON.stringify(j) };
}

/** The elements of an existing key (for rename and prefilled inserts); null for raw byte keys. */
export function elementsOf(key: KeyView): KeyElement[] | null {
  if (!key.decoded) return null;
  const items: readonly Json[] = Array.isArray(key.json) ? (key.json as readonly Json[]) : [key.json];
  return items.map(elementOf);
}

/**
 * A value typed as JSON text, or why it cannot be stored as typed (one line, with the position
 * when known). Numbers are exact (app/contract/json-text.ts): 12345678901234567890 becomes a
 * 64-bit integer, -0 stays -0, and 1e400 is refused here, before anything is staged.
 */
export function parseValueText(text: string): Built<Json> {
  if (text.trim() === '') return { ok: false, error: 'type a JSON value, e.g. {"name": "Ada"} or "text" or 42' };
  try {
    return { ok: true, value: parseJsonText(text) as Json };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof JsonTextError && e.kind === 'number') return { ok: false, error: message };
    return { ok: false, error: `not JSON: ${message.split('\n', 1)[0]}` };
  }
}

/** A stored value's JSON as editor text: indented, with big integers and -0 written exactly. */
export function valueEditorText(json: Json): string {
  return formatJsonText(json, 2);
}

/** Raw value bytes typed as hex. */
export function parseValueHex(text: string): Built<string> {
  const hex = text.trim().replace(/^0x/i, '').replace(/\s+/g, '').toLowerCase();
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) return { ok: false, error: 'hex needs an even number of 0-9 a-f digits' };
  return { ok: true, value: hex };
}

/** Lower-case hex of bytes (file uploads in the serve host). */
export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
