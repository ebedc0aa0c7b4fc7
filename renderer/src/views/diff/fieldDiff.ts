/**
 * Field-by-field diff of two decoded JSON values: one line per leaf path that differs, and one
 * line per largest subtree that does not (so "hide unchanged" hides whole equal branches, and
 * showing them costs one line each, not one per leaf). Pure; O(size of the two values).
 */
import type { Json } from '../../../../app/contract';
import { kindOf } from '../../lib/jsonTree';

/** How a field compares between the two sides. */
export type FieldStatus = 'same' | 'changed' | 'added' | 'removed';

/** One line of a field diff. */
export interface FieldLine {
  /** Dotted path from the value's root (`address.city`, `tags[1]`); '' for the whole value. */
  readonly path: string;
  readonly status: FieldStatus;
  /** The value before (absent when added). */
  readonly before?: Json;
  /** The value after (absent when removed). */
  readonly after?: Json;
}

/** A field diff, capped at a number of lines. */
export interface FieldDiff {
  readonly lines: readonly FieldLine[];
  /** Lines with status 'same' (what "hide unchanged" hides). */
  readonly same: number;
  /** Lines that differ. */
  readonly differing: number;
  /** True when lines past the cap were dropped. */
  readonly truncated: boolean;
}

/** Deep equality of two JSON values (object key order ignored). */
export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as readonly Json[];
    return a.length === bb.length && a.every((x: Json, i: number) => jsonEqual(x, bb[i]!));
  }
  const ao = a as { readonly [k: string]: Json };
  const bo = b as { readonly [k: string]: Json };
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  return ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && jsonEqual(ao[k]!, bo[k]!));
}

/** A plain object or array whose fields are worth comparing one by one (not a tagged value). */
function container(v: Json | undefined): 'object' | 'array' | null {
  if (v === undefined) return null;
  const k = kindOf(v);
  return k === 'object' || k === 'array' ? k : null;
}

function entries(v: Json): [string | number, Json][] {
  if (Array.isArray(v)) return (v as readonly Json[]).map((x, i) => [i, x]);
  // User properties starting with `$` arrive with one more `$` (so they never look like tags).
  return Object.entries(v as { readonly [k: string]: Json }).map(([k, x]) => [k.startsWith('$$') ? k.slice(1) : k, x]);
}

function join(path: string, label: string | number): string {
  if (typeof label === 'number') return `${path}[${label}]`;
  const name = /^[A-Za-z_$][\w$-]*$/.test(label) ? label : JSON.stringify(label);
  return path === '' ? name : `${path}.${name}`;
}

/**
 * Compares `before` and `after` field by field. Either may be undefined (an added or removed
 * record): then each top-level field is one added or removed line.
 */
export function fieldDiff(before: Json | undefined, after: Json | undefined, maxLines = 300): FieldDiff {
  const lines: FieldLine[] = [];
  let truncated = false;
  const push = (line: FieldLine) => {
    if (lines.length >= maxLines) truncated = true;
    else lines.push(line);
  };
  const walk = (path: string, b: Json | undefined, a: Json | undefined): void => {
    if (truncated) return;
    if (b === undefined && a === undefined) return;
    if (b === undefined) return push({ path, status: 'added', after: a! });
    if (a === undefined) return push({ path, status: 'removed', before: b });
    if (jsonEqual(b, a)) return push({ path, status: 'same', before: b, after: a });
    const kb = container(b);
    if (kb === null || kb !== container(a)) return push({ path, status: 'changed', before: b, after: a });
    // Both objects or both arrays: before's fields in order, then fields only after has.
    const be = entries(b);
    const ae = new Map(entries(a));
    const seen = new Set<string | number>();
    for (const [k, x] of be) {
      seen.add(k);
      walk(join(path, k), x, ae.get(k));
    }
    for (const [k, x] of ae) if (!seen.has(k)) walk(join(path, k), undefined, x);
  };
  const one = before ?? after;
  if ((before === undefined || after === undefined) && one !== undefined && container(one) !== null) {
    // A whole record came or went: list its top-level fields (nested ones stay summarised).
    const status = before === undefined ? 'added' : 'removed';
    for (const [k, x] of entries(one)) push(status === 'added' ? { path: join('', k), status, after: x } : { path: join('', k), status, before: x });
    if (lines.length === 0) push(status === 'added' ? { path: '', status, after: one } : { path: '', status, before: one });
  } else walk('', before, after);
  const same = lines.filter((l) => l.status === 'same').length;
  return { lines, same, differing: lines.length - same, truncated };
}
