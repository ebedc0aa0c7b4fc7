/**
 * Keys as people type and read them. Keys are tuples (decoded by the service) or raw bytes; the
 * UI shows tuples as `("users", 42)` and takes input in the same notation. Pure functions.
 */
import type { Json, KeyInput, KeyView, PartialKeyView } from '../../../app/contract';
import { formatNumber, parseJsonText } from '../../../app/contract/json-text';

export type KeyMode = 'tuple' | 'text' | 'hex';

/** The JSON a tuple key input carries (zod's JSON type). */
type KeyJson = Extract<KeyInput, { json: unknown }>['json'];
const asKeyJson = (items: readonly Json[]): KeyJson => items as unknown as KeyJson;

export type ParsedKey = { readonly ok: true; readonly key: KeyInput } | { readonly ok: false; readonly error: string };

/**
 * Parses what a user typed for a key or prefix.
 *  - tuple: `users, 42` or `("users", 42)` or `["users", 42]`; bare words are strings,
 *    numbers are numbers, `true`/`false`/`null` are themselves; `0x…` as a whole is hex.
 *  - text: the UTF-8 bytes of the text.
 *  - hex: bytes as hex (spaces and a 0x prefix allowed).
 */
export function parseKeyText(text: string, mode: KeyMode): ParsedKey {
  const t = text.trim();
  if (mode === 'text') return { ok: true, key: { text } };
  if (mode === 'hex' || /^0x[0-9a-f\s]*$/i.test(t)) {
    const hex = t.replace(/^0x/i, '').replace(/\s+/g, '').toLowerCase();
    if (!/^(?:[0-9a-f]{2})*$/.test(hex)) return { ok: false, error: 'hex needs an even number of 0-9 a-f digits' };
    return { ok: true, key: { hex } };
  }
  if (t === '') return { ok: true, key: { json: [] } };
  let body = t;
  if ((body.startsWith('(') && body.endsWith(')')) || (body.startsWith('[') && body.endsWith(']'))) body = body.slice(1, -1);
  try {
    // Exact numbers: 12345678901234567890 is that integer, not the nearest double.
    const parsed = parseJsonText(`[${body}]`) as unknown;
    if (Array.isArray(parsed)) return { ok: true, key: { json: asKeyJson(parsed as Json[]) } };
  } catch {
    // Not JSON: fall back to the relaxed notation below.
  }
  const items: Json[] = [];
  for (const raw of splitTopLevel(body)) {
    const part = raw.trim();
    if (part === '') return { ok: false, error: 'empty tuple element (two commas in a row?)' };
    items.push(relaxedAtom(part));
  }
  return { ok: true, key: { json: asKeyJson(items) } };
}

/** Splits on commas outside quotes and brackets. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let cur = '';
  for (let i = 0; i < s.length; i += 1) {
    const c = s[i] as string;
    if (quote) {
      cur += c;
      if (c === '\\' && i + 1 < s.length) {
        cur += s[i + 1];
        i += 1;
      } else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{' || c === '(') depth += 1;
    else if (c === ']' || c === '}' || c === ')') depth -= 1;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function relaxedAtom(part: string): Json {
  if (/^-?\d+$/.test(part) && !Number.isSafeInteger(Number(part))) return { $bigint: BigInt(part).toString() };
  if (/^-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(part)) return Number(part);
  if (part === 'true') return true;
  if (part === 'false') return false;
  if (part === 'null') return null;
  if (part.startsWith("'") && part.endsWith("'") && part.length >= 2) return part.slice(1, -1).replace(/\\'/g, "'");
  try {
    return JSON.parse(part) as Json;
  } catch {
    return part;
  }
}

/** A token of a formatted tuple or JSON scalar, for colouring. */
export interface Token {
  readonly kind: 'string' | 'number' | 'bool' | 'null' | 'bytes' | 'punct' | 'ref' | 'other' | 'cut';
  readonly text: string;
}

/**
 * Bytes inside JSON, as the records layer writes them: `{"$bytes": "a1b2"}` for a byte string
 * element, `{"$raw": "a1b2"}` for a whole key or value that is not a tuple / MessagePack.
 */
export function asBytes(json: Json): string | null {
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    const o = json as { readonly [k: string]: Json };
    const keys = Object.keys(o);
    if (keys.length !== 1) return null;
    const v = o[keys[0] as string];
    if ((keys[0] === '$bytes' || keys[0] === '$raw') && typeof v === 'string') return v;
  }
  return null;
}

/** A within-tree reference as the records layer writes it: `{"$ref": key, "view"?: [...], "version"?: n | name}`. */
export interface RefTarget {
  readonly key: KeyInput;
  readonly label: string;
  /** The version or snapshot the reference is pinned to, when it names one. */
  readonly at?: string;
}

export function asRef(json: Json): RefTarget | null {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return null;
  const o = json as { readonly [k: string]: Json };
  if (!('$ref' in o) || Object.keys(o).some((k) => k !== '$ref' && k !== 'view' && k !== 'version')) return null;
  const target = o.$ref as Json;
  const view = o.view;
  const at = o.version === undefined || o.version === null ? undefined : String(o.version);
  const raw = asBytes(target);
  if (raw !== null && (view === undefined || view === null)) return withAt({ key: { hex: raw }, label: `0x${raw}` }, at);
  // A ref inside a view names view + key: the tuple encoding concatenates, so the tuples do too.
  const tuple: Json[] = [...(Array.isArray(view) ? (view as readonly Json[]) : []), ...(Array.isArray(target) ? (target as readonly Json[]) : [target])];
  return withAt({ key: { json: asKeyJson(tuple) }, label: formatTuple(tuple) }, at);
}

function withAt(r: { key: KeyInput; label: string }, at: string | undefined): RefTarget {
  return at === undefined ? r : { ...r, at };
}

/** Typed scalars the service writes as single-key objects: `{ $date: "…" }`, `{ $bigint: "…" }`. */
export function asTagged(json: Json): { tag: string; text: string } | null {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return null;
  const keys = Object.keys(json);
  if (keys.length !== 1) return null;
  const k = keys[0] as string;
  if (!k.startsWith('$') || k.startsWith('$$') || k === '$ref' || k === '$bytes' || k === '$raw') return null;
  const v = (json as { readonly [k: string]: Json })[k];
  if (v !== null && typeof v === 'object') return null;
  return { tag: k.slice(1), text: String(v) };
}

const SAFE_DIGITS = String(Number.MAX_SAFE_INTEGER).length;

/**
 * A tagged number as the value editor writes it, or null for other tags: an integer beyond
 * 2^53 in full (`12345678901234567890`), a small bigint as `5n` (its type shows), `-0`.
 */
export function taggedNumberText(tag: { tag: string; text: string }): string | null {
  if (tag.tag === 'bigint') {
    const digits = tag.text.replace(/^-/, '');
    const big = digits.length > SAFE_DIGITS || (digits.length === SAFE_DIGITS && digits > String(Number.MAX_SAFE_INTEGER));
    return big ? tag.text : `${tag.text}n`;
  }
  if (tag.tag === 'number' && tag.text === '-0') return '-0';
  return null;
}

/** Tokens of one tuple element or JSON scalar. */
export function atomTokens(v: Json): Token[] {
  if (v === null) return [{ kind: 'null', text: 'null' }];
  if (typeof v === 'string') return [{ kind: 'string', text: JSON.stringify(v) }];
  if (typeof v === 'number') return [{ kind: 'number', text: formatNumber(v) }];
  if (typeof v === 'boolean') return [{ kind: 'bool', text: String(v) }];
  const bytes = asBytes(v);
  if (bytes !== null) return [{ kind: 'bytes', text: `0x${bytes}` }];
  if (Array.isArray(v)) return tupleTokens(v);
  const ref = asRef(v);
  if (ref) return [{ kind: 'ref', text: `→${ref.label}` }];
  const tagged = asTagged(v);
  if (tagged) return [{ kind: tagged.tag === 'bigint' || tagged.tag === 'number' ? 'number' : 'other', text: taggedNumberText(tagged) ?? tagged.text }];
  return [{ kind: 'other', text: JSON.stringify(v) }];
}

/** Tokens of a decoded tuple: `(`, elements separated by `, `, `)`. */
export function tupleTokens(json: Json): Token[] {
  const raw = asBytes(json);
  if (raw !== null) return [{ kind: 'bytes', text: `0x${raw}` }];
  const items: readonly Json[] = Array.isArray(json) ? json : [json];
  const out: Token[] = [{ kind: 'punct', text: '(' }];
  items.forEach((item, i) => {
    if (i > 0) out.push({ kind: 'punct', text: ', ' });
    out.push(...atomTokens(item));
  });
  out.push({ kind: 'punct', text: ')' });
  return out;
}

/**
 * Tokens of a key cut inside an element (a pivot): the whole elements as in a tuple, then the
 * cut element as far as it reads — a string's characters, a byte string's bytes, else its raw
 * hex — and a `…` cut mark; no closing parenthesis, since the tuple goes on past the cut.
 * O(key length).
 */
export function partialTokens(p: PartialKeyView): Token[] {
  const out: Token[] = [{ kind: 'punct', text: '(' }];
  p.elements.forEach((item, i) => {
    if (i > 0) out.push({ kind: 'punct', text: ', ' });
    out.push(...atomTokens(item));
  });
  if (p.elements.length > 0) out.push({ kind: 'punct', text: ', ' });
  const { kind, text, hex } = p.rest;
  if (kind === 'string' && text !== undefined) out.push({ kind: 'string', text: JSON.stringify(text).slice(0, -1) });
  else if (kind === 'bytes' && text !== undefined) out.push({ kind: 'bytes', text: `0x${text}` });
  else if (kind === 'number' && text !== undefined) out.push({ kind: 'number', text });
  else out.push({ kind: 'cut', text: `‹${kind === 'unknown' ? '' : `${kind} `}0x${hex}›` });
  out.push({ kind: 'cut', text: '…' });
  return out;
}

/** A key as one line: the tuple, the decoded part of a cut key (a pivot), or `0x…`. */
export function keyLine(key: KeyView): string {
  if (key.decoded) return formatTuple(key.json);
  if (key.partial) return partialTokens(key.partial).map((t) => t.text).join('');
  return `0x${key.hex}`;
}

/** A decoded tuple as text: `("users", 42)`. */
export function formatTuple(json: Json): string {
  return tupleTokens(json).map((t) => t.text).join('');
}

/** A key as one line of text: the tuple when decoded, else `0x…`. */
export function keyText(key: KeyView): string {
  return key.decoded ? formatTuple(key.json) : `0x${key.hex}`;
}

/** The input that names exactly this key. */
export function keyInputOf(key: KeyView): KeyInput {
  return { hex: key.hex };
}

/** Text a user would type to name this key in tuple mode (for prefilling fields). */
export function keyToInputText(key: KeyView): string {
  if (!key.decoded) return `0x${key.hex}`;
  const items: readonly Json[] = Array.isArray(key.json) ? key.json : [key.json];
  return items.map((v) => JSON.stringify(v)).join(', ');
}

/** Prints any UTF-8 in a hex string that is printable ASCII, for a raw-key preview. */
export function hexToPrintable(hex: string): string {
  let s = '';
  for (let i = 0; i < hex.length; i += 2) {
    const c = parseInt(hex.slice(i, i + 2), 16);
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '·';
  }
  return s;
}
