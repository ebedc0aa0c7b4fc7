/**
 * The references a value holds, for resolving them in one batch (`refs.resolve`) and looking
 * the answers up again as the JSON tree renders. Pure functions.
 */
import type { Json } from '../../../app/contract';
import { kindOf } from './jsonTree';

/** A reference's identity in a batch: its JSON, stably stringified (same ref, same id). */
export function refId(ref: Json): string {
  return JSON.stringify(ref);
}

/**
 * Distinct references in `value`, in document order, at most `limit` (a value with thousands
 * of references resolves its first ones; the rest render as plain links). O(size of value).
 */
export function collectRefs(value: Json, limit: number): Json[] {
  const seen = new Set<string>();
  const out: Json[] = [];
  const walk = (v: Json, depth: number): void => {
    if (out.length >= limit || depth > 256 || v === null || typeof v !== 'object') return;
    const kind = kindOf(v);
    if (kind === 'ref') {
      const id = refId(v);
      if (!seen.has(id)) {
        seen.add(id);
        out.push(v);
      }
      return;
    }
    if (kind !== 'object' && kind !== 'array') return;
    for (const child of Array.isArray(v) ? (v as readonly Json[]) : Object.values(v as { readonly [k: string]: Json })) walk(child, depth + 1);
  };
  walk(value, 0);
  return out;
}
