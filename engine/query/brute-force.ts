/**
 * A brute-force evaluator of queries, written from the rules in docs/QUERIES.md and not from
 * evaluate.ts: the tests' oracle. Test support only (imported by *.test.ts files, never by the
 * layer itself), like records/arbitraries.ts.
 */
import type { Literal, Path, Query } from './ast';

/** What a missing field (or a side of a change that does not exist) is. */
export const MISSING = { missing: true };

function lookup(v: unknown, path: Path): unknown {
  let cur = v;
  for (const seg of path) {
    if (typeof seg === 'number') {
      cur = Array.isArray(cur) && seg < cur.length ? cur[seg] : MISSING;
    } else {
      const isMap = cur !== null && typeof cur === 'object' && Object.getPrototypeOf(cur) === Object.prototype;
      cur = isMap && Object.keys(cur as object).includes(seg) ? (cur as Record<string, unknown>)[seg] : MISSING;
    }
    if (cur === MISSING) return MISSING;
  }
  return cur;
}

/** Exact order of two numeric values, via decimal strings of bigints where both are integral. */
function numOrder(x: number | bigint, y: number | bigint): number | undefined {
  if ((typeof x === 'number' && Number.isNaN(x)) || (typeof y === 'number' && Number.isNaN(y))) return undefined;
  const big = (n: number | bigint): bigint | null => (typeof n === 'bigint' ? n : Number.isInteger(n) ? BigInt(n) : null);
  const bx = big(x);
  const by = big(y);
  if (bx !== null && by !== null) return bx < by ? -1 : bx > by ? 1 : 0;
  // One side is fractional or infinite: the values here are small enough for doubles to order exactly.
  const nx = Number(x);
  const ny = Number(y);
  return nx < ny ? -1 : nx > ny ? 1 : 0;
}

function cmp(x: unknown, y: Literal): number | undefined {
  const numeric = (v: unknown): v is number | bigint => typeof v === 'number' || typeof v === 'bigint';
  if (numeric(x) && numeric(y)) return numOrder(x, y);
  if (typeof x === 'string' && typeof y === 'string') return x === y ? 0 : x < y ? -1 : 1;
  if (typeof x === 'boolean' && typeof y === 'boolean') return Number(x) - Number(y);
  if (x === null && y === null) return 0;
  return undefined;
}

/** The two sides of a change, for changed(); null on a plain record. */
export interface OracleSides {
  readonly before: unknown;
  readonly after: unknown;
}

/** Deep sameness, case by case: same type and content; numbers by Object.is. */
function sameDeep(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return typeof a === typeof b && Object.is(a, b);
  if (typeof a !== typeof b) return false;
  if (a === null || b === null || typeof a !== 'object') return a === b;
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b) || a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
  }
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && Object.is(a.getTime(), b.getTime());
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object).sort();
  const kb = Object.keys(b as object).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameDeep((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The query on one document; `sides` (both values, MISSING for a side that does not exist) for changed(). */
export function oracle(q: Query, doc: unknown, sides: OracleSides | null = null): boolean {
  switch (q.kind) {
    case 'compare': {
      const v = lookup(doc, q.path);
      if (v === MISSING) return false;
      const c = cmp(v, q.value);
      if (q.op === '!=') return c !== 0;
      if (c === undefined) return false;
      return { '=': c === 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0 }[q.op];
    }
    case 'in': {
      const v = lookup(doc, q.path);
      return v !== MISSING && q.values.some((x) => cmp(v, x) === 0);
    }
    case 'exists':
      return lookup(doc, q.path) !== MISSING;
    case 'startsWith': {
      const v = lookup(doc, q.path);
      return typeof v === 'string' && v.slice(0, q.text.length) === q.text;
    }
    case 'contains': {
      const v = lookup(doc, q.path);
      return typeof v === 'string' && v.indexOf(q.text) >= 0;
    }
    case 'changed': {
      if (sides === null) throw new Error('not on a record');
      const a = sides.before === MISSING ? MISSING : lookup(sides.before, q.path);
      const b = sides.after === MISSING ? MISSING : lookup(sides.after, q.path);
      if (a === MISSING && b === MISSING) return false;
      if (a === MISSING || b === MISSING) return true;
      return !sameDeep(a, b);
    }
    case 'and':
      return q.terms.every((t) => oracle(t, doc, sides));
    case 'or':
      return q.terms.some((t) => oracle(t, doc, sides));
    case 'not':
      return !oracle(q.term, doc, sides);
  }
}

/** A change matches when the query holds on a side that exists, before or after. */
export function oracleChange(q: Query, before: unknown, after: unknown): boolean {
  const sides = { before, after };
  return (before !== MISSING && oracle(q, before, sides)) || (after !== MISSING && oracle(q, after, sides));
}
