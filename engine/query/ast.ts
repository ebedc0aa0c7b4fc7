/**
 * The parsed form of a query: plain readonly data (no classes), so it can be printed, compared
 * in tests and kept in a history. `parseQuery` (parse.ts) builds it; `matches` (evaluate.ts)
 * runs it.
 */

/** One step of a field path: a map key (string) or an array index (number). */
export type PathSegment = string | number;

/** A field path, e.g. `items[0].sku` is `['items', 0, 'sku']`. */
export type Path = readonly PathSegment[];

/** A literal on the right of a comparison. Integers beyond 2^53 are bigints (exact). */
export type Literal = null | boolean | number | bigint | string;

/** The comparison operators. `!=` is true only when the field is present (see docs/QUERIES.md). */
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** A filter over decoded values. */
export type Query =
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly path: Path; readonly value: Literal }
  | { readonly kind: 'in'; readonly path: Path; readonly values: readonly Literal[] }
  | { readonly kind: 'exists'; readonly path: Path }
  | { readonly kind: 'startsWith'; readonly path: Path; readonly text: string }
  | { readonly kind: 'contains'; readonly path: Path; readonly text: string }
  /** Only over a diff: the field's value (or presence) differs between before and after. */
  | { readonly kind: 'changed'; readonly path: Path }
  | { readonly kind: 'and'; readonly terms: readonly Query[] }
  | { readonly kind: 'or'; readonly terms: readonly Query[] }
  | { readonly kind: 'not'; readonly term: Query };

/** True when `q` uses `changed(path)` anywhere (such a query applies to a diff only). O(size of q). */
export function usesChanged(q: Query): boolean {
  switch (q.kind) {
    case 'changed':
      return true;
    case 'and':
    case 'or':
      return q.terms.some(usesChanged);
    case 'not':
      return usesChanged(q.term);
    default:
      return false;
  }
}
