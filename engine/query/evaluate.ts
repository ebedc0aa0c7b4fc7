/**
 * Evaluating a {@link Query} on a decoded value (docs/QUERIES.md states the rules):
 * - a path walks maps by key and arrays by index; anything else (a missing key, an index past
 *   the end, a path into a string, bytes, a date, a reference, or a value that is not a map at
 *   all) makes the path *absent*;
 * - every comparison on an absent path is false, `!=` included (`not a = 1` is true there);
 * - `=` and `!=` compare numbers and bigints by value, strings, booleans and null by equality;
 *   `<`, `<=`, `>`, `>=` compare numbers with bigints, and strings with strings (UTF-16 code
 *   unit order, as JavaScript does); other pairs (a string with a number, a map with anything)
 *   are not comparable and give false;
 * - `startsWith` and `contains` apply to strings; `exists` is true for a present null.
 */
import { Ref } from '../records/ref';
import type { Literal, Path, Query } from './ast';
import { usesChanged } from './ast';
import { QuerySyntaxError } from './errors';

/** A decoded record value (as `decodeValue` returns it), or ABSENT for "no such field". */
const ABSENT: unique symbol = Symbol('absent');
function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date) && !(v instanceof Ref);
}

/** The value at `path` in `value`, or ABSENT. O(length of path). */
function resolve(value: unknown, path: Path): unknown {
  let cur: unknown = value;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur) || seg >= cur.length) return ABSENT;
      cur = cur[seg];
    } else {
      if (!isMap(cur) || !Object.prototype.hasOwnProperty.call(cur, seg)) return ABSENT;
      cur = cur[seg];
    }
  }
  return cur;
}

/**
 * Orders a number and a bigint exactly (no rounding through a double): -1, 0, 1, or NaN when
 * `a` is NaN.
 */
function compareNumberBigint(a: number, b: bigint): number {
  if (Number.isNaN(a)) return NaN;
  if (a === Infinity) return 1;
  if (a === -Infinity) return -1;
  const fa = Math.floor(a);
  const ia = BigInt(fa);
  if (ia < b) return -1;
  if (ia > b) return 1;
  // floor(a) equals b: a equals b when it is an integer, else it is a little above.
  return fa === a ? 0 : 1;
}

/** -1, 0, 1 when comparable; NaN when not (different kinds, or NaN involved). */
function order(x: unknown, y: Literal): number {
  if (typeof x === 'number' || typeof x === 'bigint') {
    if (typeof y === 'number') {
      if (typeof x === 'number') return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
      return -compareNumberBigint(y, x) || 0;
    }
    if (typeof y === 'bigint') {
      if (typeof x === 'bigint') return x < y ? -1 : x > y ? 1 : 0;
      return compareNumberBigint(x, y);
    }
    return NaN;
  }
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === 'boolean' && typeof y === 'boolean') return x === y ? 0 : x ? 1 : -1;
  if (x === null && y === null) return 0;
  return NaN;
}

function equal(x: unknown, y: Literal): boolean {
  return order(x, y) === 0;
}

/** Deep sameness for `changed()`: same type and content (numbers by Object.is, bytes by bytes). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return typeof a !== 'number' || Object.is(a, b);
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
  }
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && Object.is(a.getTime(), b.getTime());
  if (a instanceof Ref || b instanceof Ref) return a instanceof Ref && b instanceof Ref && same(refParts(a), refParts(b));
  const ka = Object.keys(a);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

function refParts(r: Ref): unknown[] {
  return [r.keyBytes, r.viewBytes ?? null, r.options?.version ?? null];
}

/** Both sides of a change, for `changed()`; absent for a plain record. */
interface ChangeSides {
  readonly before: unknown;
  readonly after: unknown;
  readonly hasBefore: boolean;
  readonly hasAfter: boolean;
}

function evaluate(q: Query, value: unknown, sides: ChangeSides | null): boolean {
  switch (q.kind) {
    case 'compare': {
      const v = resolve(value, q.path);
      if (v === ABSENT) return false;
      const o = order(v, q.value);
      switch (q.op) {
        case '=':
          return o === 0;
        case '!=':
          return o !== 0;
        case '<':
          return o < 0;
        case '<=':
          return o <= 0;
        case '>':
          return o > 0;
        case '>=':
          return o >= 0;
      }
      return false;
    }
    case 'in': {
      const v = resolve(value, q.path);
      return v !== ABSENT && q.values.some((x) => equal(v, x));
    }
    case 'exists':
      return resolve(value, q.path) !== ABSENT;
    case 'startsWith': {
      const v = resolve(value, q.path);
      return typeof v === 'string' && v.startsWith(q.text);
    }
    case 'contains': {
      const v = resolve(value, q.path);
      return typeof v === 'string' && v.includes(q.text);
    }
    case 'changed': {
      if (sides === null) throw new QuerySyntaxError('changed() applies to a diff only', 1);
      const a = sides.hasBefore ? resolve(sides.before, q.path) : ABSENT;
      const b = sides.hasAfter ? resolve(sides.after, q.path) : ABSENT;
      if (a === ABSENT || b === ABSENT) return a !== b;
      return !same(a, b);
    }
    case 'and':
      return q.terms.every((t) => evaluate(t, value, sides));
    case 'or':
      return q.terms.some((t) => evaluate(t, value, sides));
    case 'not':
      return !evaluate(q.term, value, sides);
  }
}

/**
 * True when the decoded `value` satisfies `q`. O(size of q × path lengths). Throws
 * {@link QuerySyntaxError} for a query that uses `changed()` (use {@link matchesChange}).
 */
export function matches(q: Query, value: unknown): boolean {
  return evaluate(q, value, null);
}

/**
 * True when a change between two versions satisfies `q`: `q` holds on the value before or on the
 * value after. A side that does not exist (before an add, after a remove) is not asked.
 * `changed(path)` is true when that field's presence or value differs between the two sides
 * (so on an add it is true for every field the new value has). O(size of q × value sizes).
 */
export function matchesChange(q: Query, before: { value: unknown } | null, after: { value: unknown } | null): boolean {
  const sides: ChangeSides = { before: before?.value, after: after?.value, hasBefore: before !== null, hasAfter: after !== null };
  return (before !== null && evaluate(q, before.value, sides)) || (after !== null && evaluate(q, after.value, sides));
}

/** Throws when `q` cannot run on plain records (it uses `changed()`). O(size of q). */
export function assertRecordQuery(q: Query): void {
  if (usesChanged(q)) throw new QuerySyntaxError('changed() applies to a diff only (use it with diff --where)', 1);
}
