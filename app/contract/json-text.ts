/**
 * The text form of the records layer's JSON: what people type in the value editor and on the
 * command line, and what `get`/`scan`/`dump --json` print. Exact for every number a value can hold.
 *
 * The JSON *tree* (`Json`, what crosses IPC) carries what plain JSON numbers cannot say as tags:
 * `{"$bigint": "…"}` for 64-bit and larger integers, `{"$number": "-0"}` for negative zero (JSON
 * text and JSON over a WebSocket turn -0 into 0). The *text* writes the common cases bare:
 *
 * | text                          | tree                                   | stored as (MessagePack)       |
 * |-------------------------------|----------------------------------------|-------------------------------|
 * | `42`, `-7` (safe integer)     | `42`                                   | int                           |
 * | `12345678901234567890`        | `{"$bigint": "12345678901234567890"}`  | uint64 / int64 (bigger: msgpackr's bigint extension) |
 * | `-0`, `-0.0`                  | `{"$number": "-0"}`                    | float64 -0                    |
 * | `1.5`, `1e20`, `2.0`          | `1.5`, `1e20`, `2`                     | float64 (or int when integral and 32-bit) |
 * | `1152921504606846976.0`       | `1152921504606846976` (a double ≥ 2^53)| float64                       |
 * | `{"$bigint": "5"}`            | `{"$bigint": "5"}` (a small bigint)    | int64                         |
 *
 * Rules: an integer literal (no `.` or exponent) within ±(2^53 − 1) is a number, beyond it a
 * bigint, so integers are never rounded; a literal with `.` or an exponent is a 64-bit float and
 * is refused (never rounded silently) when it overflows (`1e400`), underflows (`1e-400`) or has
 * more digits than a float keeps (`3.14159265358979323846`). Formatting is the inverse: doubles
 * beyond 2^53 that print as plain digits get `.0` so they read back as floats, and small bigints
 * keep their tag so they read back as bigints. `parseJsonText(formatJsonText(j))` deep-equals `j`
 * for every tree the records layer writes.
 *
 * Pure (lossless-json and nothing from Node), so the renderer, the service and the CLI share it.
 */
import { LosslessNumber, parse, stringify } from 'lossless-json';

/** JSON as the records layer writes it (the contract's `Json`, mutable for building). */
export type JsonTree = null | boolean | number | string | readonly JsonTree[] | { readonly [key: string]: JsonTree };

/** Why text is not a value: `syntax` (not JSON at all) or `number` (JSON, but a number cannot be kept exactly). */
export class JsonTextError extends Error {
  constructor(readonly kind: 'syntax' | 'number', message: string) {
    super(message);
    this.name = 'JsonTextError';
  }
}

const INTEGER = /^-?\d+$/;
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** A finite decimal literal as (digits without leading/trailing zeros, exponent); zero is ('', 0). O(length). */
function normalized(text: string): { digits: string; exponent: number } {
  const m = DECIMAL.exec(text);
  if (!m) return { digits: text, exponent: 0 };
  const fraction = m[3] ?? '';
  let digits = (m[2]! + fraction).replace(/^0+/, '');
  let exponent = Number(m[4] ?? '0') - fraction.length;
  const trimmed = digits.replace(/0+$/, '');
  exponent += digits.length - trimmed.length;
  digits = trimmed;
  return digits === '' ? { digits: '', exponent: 0 } : { digits: `${m[1] ?? ''}${digits}`, exponent };
}

const f64 = new DataView(new ArrayBuffer(8));

/** The exact decimal value of a finite double, as `digits` or `digitsE-exponent`. O(digits). */
function exactDecimal(n: number): string {
  if (Number.isInteger(n)) return BigInt(n).toString();
  // n = ±mantissa × 2^exponent with exponent < 0, i.e. ±mantissa × 5^-exponent × 10^exponent.
  f64.setFloat64(0, n);
  const hi = f64.getUint32(0);
  const lo = f64.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent = biased - 1075;
  if (biased === 0) exponent = -1074;
  else mantissa |= 1n << 52n;
  return `${n < 0 ? '-' : ''}${(mantissa * 5n ** BigInt(-exponent)).toString()}e${exponent}`;
}

function shown(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** The tree form of one number literal, exactly, or a JsonTextError(number). O(length). */
function numberOf(text: string): JsonTree {
  if (INTEGER.test(text)) {
    const n = Number(text);
    if (Object.is(n, -0)) return { $number: '-0' };
    if (Number.isSafeInteger(n)) return n;
    return { $bigint: BigInt(text).toString() };
  }
  const n = Number(text);
  if (!Number.isFinite(n)) {
    throw new JsonTextError('number', `${shown(text)} is too large for a 64-bit float (the largest is about 1.8e308); write it as a string, or {"$number": "Infinity"}`);
  }
  if (Object.is(n, -0) || n === 0) {
    if (normalized(text).digits !== '') throw new JsonTextError('number', `${shown(text)} is too small for a 64-bit float (it would be stored as 0); write it as a string`);
    return Object.is(n, -0) ? { $number: '-0' } : 0;
  }
  // Kept when the literal is the float's shortest form (0.1) or its exact value (2^60 in full).
  const want = normalized(text);
  const same = (other: string): boolean => {
    const o = normalized(other);
    return o.digits === want.digits && o.exponent === want.exponent;
  };
  if (!same(String(n).replace('e+', 'e')) && !same(exactDecimal(n))) {
    throw new JsonTextError('number', `${shown(text)} has more digits than a 64-bit float keeps (it would be stored as ${String(n)}); write ${String(n)}, or a string`);
  }
  return n;
}

/**
 * Parses JSON text into the records layer's tree, keeping every number exact (see the module
 * doc). O(length of text). Throws {@link JsonTextError}: `syntax` with the parser's position, or
 * `number` naming the literal that cannot be stored faithfully. Duplicate object keys are refused.
 */
export function parseJsonText(text: string): JsonTree {
  // lossless-json rejects the number first, so a bad number is reported as such.
  try {
    return parse(text, null, numberOf) as JsonTree;
  } catch (error) {
    if (error instanceof JsonTextError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new JsonTextError('syntax', message.split('\n', 1)[0]!);
  }
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function isTag(v: object, tag: string): v is { readonly [key: string]: string } {
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0] === tag && typeof (v as Record<string, unknown>)[tag] === 'string';
}

/**
 * A double as the text form writes it: `-0`, `1152921504606846976.0` for an integral double
 * beyond 2^53 (plain digits would read back as a bigint), else its shortest form. O(1).
 */
export function formatNumber(n: number): string {
  if (Object.is(n, -0)) return '-0';
  // 2^60 as a double prints as plain digits, which would read back as a bigint: mark it a float.
  if (Number.isInteger(n) && !Number.isSafeInteger(n) && !/e/i.test(String(n))) return `${BigInt(n).toString()}.0`;
  return String(n);
}

/** The tree with bare-number stand-ins where the text writes a number the tree tags. O(size). */
function forText(v: JsonTree): unknown {
  if (typeof v === 'number') {
    const text = formatNumber(v);
    return text === String(v) || !Number.isFinite(v) ? v : new LosslessNumber(text);
  }
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return (v as readonly JsonTree[]).map(forText);
  const o = v as { readonly [key: string]: JsonTree };
  if (isTag(o, '$bigint') && /^-?\d+$/.test(o.$bigint!)) {
    const b = BigInt(o.$bigint!);
    if (b > SAFE || b < -SAFE) return new LosslessNumber(b.toString());
  }
  if (isTag(o, '$number') && o.$number === '-0') return new LosslessNumber('-0');
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(o)) {
    // Defined as an own property: `out[key] = …` with key "__proto__" would set the prototype.
    Object.defineProperty(out, key, { value: forText(o[key]!), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * JSON text of a tree, with big integers and -0 written as bare numbers (see the module doc).
 * `space` indents like JSON.stringify's. O(size).
 */
export function formatJsonText(json: JsonTree, space?: number): string {
  return stringify(forText(json), undefined, space) ?? 'null';
}
