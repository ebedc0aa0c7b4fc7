/**
 * Contract methods for merging branches and cherry-picking versions (issue 17). Spread into
 * `contract` in `app/contract/index.ts`; shapes here are plain readonly data.
 *
 * The model, as git's: `merge.preview` computes a three-way merge without writing (the merge
 * base, what would change on the target branch, field by field, and the conflicts) and holds it
 * as the store's *pending merge* in the service; `merge.commit` writes that merge as one version
 * with two parents, with a resolution (ours, theirs, an edited value, or delete) for every
 * conflict, and only while both heads are still the ones previewed; `merge.abort` forgets the
 * pending merge (nothing was written, so nothing is left behind). Cherry-picks work the same way
 * (`merge.cherryPickPreview`, `merge.cherryPick`; abort with `merge.abort`). Previews work
 * read-only; commits need edit mode.
 *
 * Values (whole records or one field of a document) cross as ValueViews: hex beside the decoded
 * JSON, whose tags keep every number exact (app/contract/json-text.ts).
 */
import { z } from 'zod';
import type { KeyView, ValueView, VersionData } from './index';
import type { VersionWriteResult } from './edits';
import { valueInput } from './edits';
import { versionRef } from './diff';
import { hex, returns, storeId } from './schemas';

/** Most auto-merged changes one preview lists (the counts cover every key). */
export const MERGE_CHANGES_MAX = 500;
/** Most conflicts one preview lists; the rest can be settled with `others` on commit. */
export const MERGE_CONFLICTS_MAX = 1000;
/** Most resolutions one commit carries. */
export const MERGE_RESOLUTIONS_MAX = 10_000;
/** Bytes of a conflicting value sent with its full JSON (bigger ones come as previews and cannot be edited inline). */
export const MERGE_VALUE_FULL_BYTES = 64 * 1024;
/** Deepest field path a resolution may name. */
export const MERGE_PATH_MAX_DEPTH = 64;

/** A field path inside a document (msgpack map keys and array indexes); [] is the whole value. */
export type FieldPath = readonly (string | number)[];

/** Why a key (or one field of it) conflicts. */
export type MergeConflictKind = 'both-modified' | 'modify-delete' | 'delete-modify' | 'both-added' | 'range-delete-write' | 'write-range-delete';

/** One conflict: a key, and a field of it (or the whole value), with its three versions. */
export interface MergeConflictData {
  /** Stable within a preview: the key's hex and the path, for resolutions and navigation. */
  readonly id: string;
  readonly key: KeyView;
  readonly path: FieldPath;
  readonly kind: MergeConflictKind;
  /** The field (or value) at the merge base, on the target branch (ours) and on the merged side (theirs); null when absent or deleted there. */
  readonly base: ValueView | null;
  readonly ours: ValueView | null;
  readonly theirs: ValueView | null;
}

/**
 * One key the merge changes on the target branch, as a diff row (`before`: the target's value
 * now, `after`: the merged value), with where it came from: `theirs` (only the other side
 * changed it), `both` (the same change on both sides), `fields` (both sides changed different
 * fields, merged field by field; `fields` names them) or `resolved` (a whole-value conflict
 * settled by a resolution).
 */
export interface MergeChangeData {
  readonly key: KeyView;
  readonly type: 'added' | 'removed' | 'changed';
  readonly before: ValueView | null;
  readonly after: ValueView | null;
  readonly from: 'theirs' | 'both' | 'fields' | 'resolved';
  readonly fields?: readonly FieldPath[];
}

/** What a preview found. */
export type MergeStatus = 'up-to-date' | 'fast-forward' | 'clean' | 'conflicts';

/** Result of `merge.preview` and `merge.cherryPickPreview` (the store's pending merge). */
export interface MergePreviewResult {
  readonly kind: 'merge' | 'cherry-pick';
  /** up-to-date: nothing to do; fast-forward: the target's head just moves to theirs; clean: no conflicts. */
  readonly status: MergeStatus;
  /** The branch written to. */
  readonly into: string;
  /** The target branch's head the preview was computed on. */
  readonly ours: number;
  /** The version merged (a branch resolves to its head) or cherry-picked. */
  readonly theirs: number;
  /** The merge base (for a cherry-pick: the picked version's first parent); null when none. */
  readonly base: VersionData | null;
  /** The first {@link MERGE_CHANGES_MAX} changes in key order. */
  readonly changes: readonly MergeChangeData[];
  readonly changeCount: number;
  /** The first {@link MERGE_CONFLICTS_MAX} conflicts in key order. */
  readonly conflicts: readonly MergeConflictData[];
  readonly conflictCount: number;
  /** The message the commit gets by default. */
  readonly message: string;
  /**
   * False when some range a side deleted since the base is not recorded (older writers, or more
   * ranges than a catalog record keeps; FORMAT.md §7.6.1): a key added on one side inside a range
   * the other deleted may then merge as an add instead of conflicting.
   */
  readonly rangesKnown: boolean;
}

/** How one conflict is settled. */
export const mergeResolution = z.union(
  [
    z.strictObject({ key: hex, path: z.array(z.union([z.string().max(1000), z.int()])).max(MERGE_PATH_MAX_DEPTH), take: z.enum(['ours', 'theirs'], { error: "must be 'ours' or 'theirs'" }) }),
    z.strictObject({ key: hex, path: z.array(z.union([z.string().max(1000), z.int()])).max(MERGE_PATH_MAX_DEPTH), value: valueInput }),
    z.strictObject({ key: hex, path: z.array(z.union([z.string().max(1000), z.int()])).max(MERGE_PATH_MAX_DEPTH), delete: z.literal(true) }),
  ],
  { error: 'must be {key, path, take: "ours"|"theirs"}, {key, path, value: {json}|{hex}} or {key, path, delete: true}' },
);
/** See {@link mergeResolution}. */
export type MergeResolutionInput = z.infer<typeof mergeResolution>;

/** Result of `merge.commit` and `merge.cherryPick`: where the branch head is now. */
export interface MergeCommitResult extends Pick<VersionWriteResult, 'version' | 'branch' | 'keys' | 'info'> {
  /** merged: a new version with two parents; picked: a new version (one parent); fast-forward: the head moved to theirs. */
  readonly status: 'merged' | 'fast-forward' | 'picked';
}

const branchName = z.string().regex(/^[\w.\-/]{1,100}$/, { error: 'must be 1 to 100 characters of letters, digits, _ . - /' });
const message = z.string().max(10_000, { error: 'must be at most 10000 characters' });
const versionId = z.int({ error: 'must be a version id (an integer)' }).nonnegative({ error: 'must be a version id (a non-negative integer)' });
const resolutions = z.array(mergeResolution, { error: 'must be an array of resolutions' }).max(MERGE_RESOLUTIONS_MAX, { error: `must hold at most ${MERGE_RESOLUTIONS_MAX} resolutions` }).default([]);
/** How conflicts without a resolution of their own are settled; absent: they must all be listed. */
const others = z.enum(['ours', 'theirs'], { error: "must be 'ours' or 'theirs'" }).optional();

/** The feature's methods: name → request schema → response type. */
export const mergeMethods = {
  /** The best common ancestor of two versions (ids, snapshot or branch names); null when they share none. O(lineage). */
  'merge.base': {
    request: z.strictObject({ storeId, a: versionRef, b: versionRef }),
    response: returns<{ readonly base: VersionData | null; readonly a: number; readonly b: number }>(),
  },
  /**
   * Merges `theirs` into `into` (default: the store's branch) as a dry run: writes nothing and
   * holds the result as the store's pending merge. O(changes · height) node reads.
   */
  'merge.preview': {
    request: z.strictObject({ storeId, theirs: versionRef, into: branchName.optional() }),
    response: returns<MergePreviewResult>(),
  },
  /**
   * Writes the pending merge of `theirs` into `into`: one version with parents [ours, theirs]
   * (or a fast-forward). Every conflict needs a resolution (or `others`); a resolution naming no
   * conflict is INVALID_ARGUMENT. Refuses (CONFLICT, nothing written) when either head moved
   * since the preview; needs edit mode (READ_ONLY otherwise). Ends the pending merge.
   */
  'merge.commit': {
    request: z.strictObject({ storeId, theirs: versionRef, into: branchName.optional(), message: message.optional(), resolutions, others }),
    response: returns<MergeCommitResult>(),
  },
  /** Forgets the store's pending merge or cherry-pick; nothing was written, so nothing is left. `aborted` is false when none was pending. */
  'merge.abort': {
    request: z.strictObject({ storeId }),
    response: returns<{ readonly aborted: boolean }>(),
  },
  /**
   * Applies what `version` changed (its diff from its first parent) onto `onto` (default: the
   * store's branch) as a dry run, held as the pending cherry-pick. O(changes · height).
   */
  'merge.cherryPickPreview': {
    request: z.strictObject({ storeId, version: versionId, onto: branchName.optional() }),
    response: returns<MergePreviewResult>(),
  },
  /** Writes the pending cherry-pick as one version on `onto`, with the same rules as `merge.commit`. */
  'merge.cherryPick': {
    request: z.strictObject({ storeId, version: versionId, onto: branchName.optional(), message: message.optional(), resolutions, others }),
    response: returns<MergeCommitResult>(),
  },
} as const;

/** The id of a conflict: its key's hex and its path (JSON), as {@link MergeConflictData.id}. O(path). */
export function conflictId(keyHex: string, path: FieldPath): string {
  return `${keyHex}:${JSON.stringify(path)}`;
}
