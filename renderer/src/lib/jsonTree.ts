/**
 * A JSON value flattened into visible lines for a collapsible tree view. Flattening (instead of
 * recursive components) keeps big values cheap to render and makes keyboard navigation a
 * matter of moving an index. Pure functions.
 */
import type { Json } from '../../../app/contract';
import { formatNumber } from '../../../app/contract/json-text';
import { asBytes, asRef, asTagged, taggedNumberText } from './keys';

export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'bool' | 'null' | 'bytes' | 'ref' | 'tagged';

export interface JsonLine {
  /** Path from the root, as used for the expanded set: "" for the root, "a/0/b" below. */
  readonly path: string;
  readonly depth: number;
  /** Property name or array index; null for the root. */
  readonly label: string | number | null;
  readonly kind: JsonKind;
  readonly value: Json;
  /** Containers: number of children. */
  readonly size: number;
  readonly expandable: boolean;
  readonly expanded: boolean;
  /** The closing bracket line of an expanded container. */
  readonly closing: boolean;
}

export function kindOf(v: Json): JsonKind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      if (asBytes(v) !== null) return 'bytes';
      if (asRef(v) !== null) return 'ref';
      if (asTagged(v) !== null) return 'tagged';
      return 'object';
  }
}

function children(v: Json): [string | number, Json][] {
  if (Array.isArray(v)) return (v as readonly Json[]).map((x, i) => [i, x]);
  // User properties starting with `$` arrive with one more `$` (so they never look like tags).
  if (v && typeof v === 'object') return Object.entries(v as { readonly [k: string]: Json }).map(([k, x]) => [k.startsWith('$$') ? k.slice(1) : k, x]);
  return [];
}

const childPath = (parent: string, label: string | number) => (parent === '' ? String(label).replace(/\//g, '\\/') : `${parent}/${String(label).replace(/\//g, '\\/')}`);

/**
 * Visible lines of `value` given the set of expanded paths. `expanded` holds paths that are
 * open; `defaultDepth` opens everything shallower unless its path is in `collapsed`.
 */
export function flattenJson(value: Json, expanded: ReadonlySet<string>, collapsed: ReadonlySet<string>, defaultDepth = 1): JsonLine[] {
  const out: JsonLine[] = [];
  const walk = (v: Json, path: string, depth: number, label: string | number | null) => {
    const kind = kindOf(v);
    const container = kind === 'object' || kind === 'array';
    const kids = container ? children(v) : [];
    const expandable = container && kids.length > 0;
    const open = expandable && (expanded.has(path) || (depth < defaultDepth && !collapsed.has(path)));
    out.push({ path, depth, label, kind, value: v, size: kids.length, expandable, expanded: open, closing: false });
    if (open) {
      for (const [k, child] of kids) walk(child, childPath(path, k), depth + 1, k);
      out.push({ path: `${path}#end`, depth, label: null, kind, value: v, size: kids.length, expandable: false, expanded: false, closing: true });
    }
  };
  walk(value, '', 0, null);
  return out;
}

/** Every container path down to `depth` (for "expand all"). Bounded by `limit` paths. */
export function containerPaths(value: Json, depth = Infinity, limit = 5000): string[] {
  const out: string[] = [];
  const walk = (v: Json, path: string, d: number) => {
    if (out.length >= limit || d > depth) return;
    const kind = kindOf(v);
    if (kind !== 'object' && kind !== 'array') return;
    out.push(path);
    for (const [k, child] of children(v)) walk(child, childPath(path, k), d + 1);
  };
  walk(value, '', 0);
  return out;
}

/** One-line summary of a value for rows and collapsed containers: `{3 keys}`, `[12 items]`, the scalar. */
export function summarize(v: Json, maxChars = 120): string {
  const kind = kindOf(v);
  if (kind === 'array') return `[${(v as readonly Json[]).length} items]`;
  if (kind === 'object') return `{${Object.keys(v as object).length} keys}`;
  if (kind === 'bytes') return `0x${asBytes(v)}`;
  if (kind === 'ref') return `→ ${asRef(v)?.label ?? ''}`;
  if (kind === 'tagged') {
    const t = asTagged(v);
    return t ? (taggedNumberText(t) ?? t.text) : '';
  }
  const s = typeof v === 'number' ? formatNumber(v) : JSON.stringify(v);
  return s.length > maxChars ? `${s.slice(0, maxChars - 1)}…` : s;
}

/**
 * A compact one-line preview of a whole value for a table cell, like a console:
 * `{name: "Ada", age: 36, tags: [2 items]}`. Nested containers are summarized.
 */
export function previewLine(v: Json, maxChars = 160): string {
  const kind = kindOf(v);
  let s: string;
  if (kind === 'object') {
    const parts = children(v).map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(String(k)) ? String(k) : JSON.stringify(k)}: ${inline(x)}`);
    s = `{${parts.join(', ')}}`;
  } else if (kind === 'array') {
    s = `[${(v as readonly Json[]).map(inline).join(', ')}]`;
  } else s = summarize(v, maxChars);
  return s.length > maxChars ? `${s.slice(0, maxChars - 1)}…` : s;
}

function inline(x: Json): string {
  const k = kindOf(x);
  if (k === 'object' || k === 'array') return summarize(x);
  return summarize(x, 40);
}
