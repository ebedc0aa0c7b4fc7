/**
 * The merge view's conflict state, pure: how each conflict is resolved, n/p navigation between
 * conflicts, whether the merge may be committed, and the resolutions as `merge.commit` takes
 * them. Edited values go through the lossless JSON text path (app/contract/json-text.ts), so a
 * 64-bit integer or a -0 typed by a person reaches the store exactly.
 */
import type { FieldPath, Json, MergeConflictData, MergeResolutionInput } from '../../../../app/contract';
import { formatJsonText, parseJsonText } from '../../../../app/contract/json-text';

/** How the person settled one conflict. */
export type Resolution =
  | { readonly take: 'ours' }
  | { readonly take: 'theirs' }
  /** An edited value: the text as typed and its parsed tree (valid: the editor only stores parsed text). */
  | { readonly edited: Json; readonly text: string }
  | { readonly delete: true };

/** Resolutions by conflict id. */
export type Resolutions = ReadonlyMap<string, Resolution>;

/**
 * The conflict n (`dir` 1) or p (`dir` -1) moves to from `current`: the next one in that
 * direction that is still unresolved, wrapping around the list, so n walks through what is
 * left to do; when every conflict is resolved, the neighbour in that direction (clamped), so
 * the keys still move through the list to review it. Null when there are no conflicts.
 * O(conflicts).
 */
export function stepConflict(ids: readonly string[], current: string | null, dir: 1 | -1, resolutions: Resolutions): string | null {
  const n = ids.length;
  if (n === 0) return null;
  const at = current === null ? -1 : ids.indexOf(current);
  // From nowhere, n starts at the first and p at the last.
  const start = at < 0 ? (dir === 1 ? -1 : n) : at;
  for (let step = 1; step <= n; step++) {
    const i = (((start + dir * step) % n) + n) % n;
    if (!resolutions.has(ids[i]!)) return ids[i]!;
  }
  if (at < 0) return ids[dir === 1 ? 0 : n - 1]!;
  return ids[Math.max(0, Math.min(n - 1, at + dir))]!;
}

/** How many of `conflicts` have a resolution. O(conflicts). */
export function resolvedCount(conflicts: readonly MergeConflictData[], resolutions: Resolutions): number {
  let n = 0;
  for (const c of conflicts) if (resolutions.has(c.id)) n++;
  return n;
}

/**
 * Whether the merge may be committed: every conflict the preview counted is listed and
 * resolved (conflicts beyond the listed ones would need the CLI's --ours/--theirs). O(conflicts).
 */
export function canCommit(conflicts: readonly MergeConflictData[], conflictCount: number, resolutions: Resolutions): boolean {
  return conflicts.length === conflictCount && resolvedCount(conflicts, resolutions) === conflictCount;
}

/** The resolutions of `conflicts` as `merge.commit` takes them, in list order. O(conflicts). */
export function resolutionInputs(conflicts: readonly MergeConflictData[], resolutions: Resolutions): MergeResolutionInput[] {
  const out: MergeResolutionInput[] = [];
  for (const c of conflicts) {
    const r = resolutions.get(c.id);
    if (!r) continue;
    const at = { key: c.key.hex, path: [...c.path] };
    if ('take' in r) out.push({ ...at, take: r.take });
    else if ('delete' in r) out.push({ ...at, delete: true });
    // The contract's JSON input type is zod's mutable one; the tree is the same data.
    else out.push({ ...at, value: { json: r.edited as never } });
  }
  return out;
}

/** The text an edit starts from: the resolution's own text, else theirs, else ours, else base, exactly. O(size). */
export function editStart(c: MergeConflictData, r: Resolution | undefined): string {
  if (r && 'edited' in r) return r.text;
  const side = c.theirs ?? c.ours ?? c.base;
  return side?.decoded ? formatJsonText(side.json, 2) : '';
}

/** Parses an edited value: the tree, or one line saying why the text is not a value (numbers are never rounded). O(length). */
export function parseEdited(text: string): { readonly ok: true; readonly value: Resolution } | { readonly ok: false; readonly error: string } {
  if (text.trim() === '') return { ok: false, error: 'type a JSON value' };
  try {
    return { ok: true, value: { edited: parseJsonText(text), text } };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** A field path as people read it: `address.city`, `tags[1]`; '' for the whole value. */
export function pathText(path: FieldPath): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? p : `.${p}`;
  }
  return out;
}
