/**
 * What reverting a version writes: the inverse of its diff from its parent, applied to the
 * current head. A key the version changed that has changed again since is a conflict — the
 * revert would silently overwrite that later change — so it is reported, not written.
 */
import type { Store } from './engine';
import { ServiceError } from './errors';
import type { PointWrite } from './stage';

/** Most keys one revert may touch (they are held in memory to check them all before writing). */
export const REVERT_MAX_KEYS = 1_000_000;

/** A revert's write, with the value the key holds on the branch now (null: absent). */
export interface RevertWrite extends PointWrite {
  readonly now: Buffer | null;
}

/** The message a revert is committed with unless the person gives one. */
export function revertMessage(version: number, of: { message: string }): string {
  return `Revert #${version}${of.message ? `: ${of.message}` : ''}`;
}

/**
 * The writes that undo `version` on the head of `branch`, and the keys that conflict there.
 * O(changes · height) node reads: the diff skips what the version shares with its parent.
 */
export function revertWrites(store: Store, version: number, branch: string): { writes: RevertWrite[]; conflicts: Buffer[]; of: { message: string }; head: number } {
  const v = store.versions().find((x) => x.id === version);
  if (!v) throw new ServiceError('VERSION_NOT_FOUND', `no version #${version} in this store`);
  const parent = v.parents[0];
  if (parent === undefined) throw new ServiceError('INVALID_ARGUMENT', `#${version} has no parent: ${rootReason(version)}; there is nothing before it to go back to`);
  const headId = store.head(branch).id;
  const head = store.at(headId);
  const writes: RevertWrite[] = [];
  const conflicts: Buffer[] = [];
  for (const change of store.diff(parent, version)) {
    if (writes.length + conflicts.length >= REVERT_MAX_KEYS) throw new ServiceError('INVALID_ARGUMENT', `#${version} changed more than ${REVERT_MAX_KEYS} keys; too many to revert here`);
    const now = head.get(change.key) ?? null;
    const after = change.after;
    const unchanged = now === null || after === null ? now === after : now.equals(after);
    if (unchanged) writes.push({ key: change.key, value: change.before, now });
    else conflicts.push(change.key);
  }
  return { writes, conflicts, of: { message: v.message }, head: headId };
}

/**
 * Why a version has no parent: #1 created the store; any later root is what a compaction left
 * when it dropped every version before it (FORMAT.md §17.1). O(1).
 */
export function rootReason(version: number): string {
  return version <= 1 ? 'it created the store' : 'compaction dropped the versions before it';
}
