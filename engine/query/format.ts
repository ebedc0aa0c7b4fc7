/**
 * `formatQuery`: a {@link Query} back to text that `parseQuery` reads as the same query (used for
 * a saved history, and by the tests that check the parser against random queries).
 */
import { InvalidArgumentError } from '../errors';
import type { Literal, Path, Query } from './ast';

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const KEYWORDS = new Set(['and', 'or', 'not', 'in']);
const WORDS = new Set(['true', 'false', 'null']);

function plainName(name: string): boolean {
  return IDENT.test(name) && !KEYWORDS.has(name.toLowerCase()) && !WORDS.has(name);
}

/** A path as text: `a.b[0]["odd key"]`, the first name in backticks when it is not plain. O(length). */
export function formatPath(path: Path): string {
  if (path.length === 0 || typeof path[0] !== 'string') throw new InvalidArgumentError('a query path starts with a field name');
  const first = path[0];
  let out: string;
  if (plainName(first)) out = first;
  else if (first.length > 0 && !first.includes('`')) out = `\`${first}\``;
  else throw new InvalidArgumentError(`field name ${JSON.stringify(first)} cannot start a query path (it is empty or holds a backtick); nest it as ["..."] under a parent`);
  for (const seg of path.slice(1)) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += plainName(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** A literal as text. O(length). */
export function formatLiteral(v: Literal): string {
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (!Number.isFinite(v)) throw new InvalidArgumentError(`${v} cannot be written in a query`);
  if (Object.is(v, -0)) return '-0';
  // A large integral double printed in full would read back as a bigint; the exponent form keeps it a number.
  if (Number.isInteger(v) && !Number.isSafeInteger(v)) return v.toExponential();
  return String(v);
}

function formatTerm(q: Query): string {
  return q.kind === 'and' || q.kind === 'or' ? `(${formatQuery(q)})` : formatQuery(q);
}

/** The text of a query; `parseQuery(formatQuery(q))` is `q`. O(size of q). */
export function formatQuery(q: Query): string {
  switch (q.kind) {
    case 'compare':
      return `${formatPath(q.path)} ${q.op} ${formatLiteral(q.value)}`;
    case 'in':
      return `${formatPath(q.path)} in [${q.values.map(formatLiteral).join(', ')}]`;
    case 'exists':
    case 'changed':
      return `${q.kind}(${formatPath(q.path)})`;
    case 'startsWith':
    case 'contains':
      return `${q.kind}(${formatPath(q.path)}, ${JSON.stringify(q.text)})`;
    case 'and':
    case 'or':
      if (q.terms.length === 0) throw new InvalidArgumentError(`an empty "${q.kind}" has no text`);
      return q.terms.map(formatTerm).join(` ${q.kind} `);
    case 'not':
      return `not ${formatTerm(q.term)}`;
  }
}
