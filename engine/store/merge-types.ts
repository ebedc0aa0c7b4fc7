/**
 * The types of the Store's merge methods (issue 17), and of the hook through which engine/merge/
 * (a layer above the core) implements them: the core names merge by these types only.
 */
import type { RangeDeleteLog } from '../format/range-log';
import type { DiffChange, VersionInfo } from './store-types';
import type { CommitInfo, Transaction } from './transaction';

/**
 * How one conflict is settled: take our side or theirs, give the value (MessagePack of the
 * field's value, or of the whole value when the conflict's path is empty), or delete it (the
 * field, or the whole key for an empty path).
 */
export type MergeChoice = { readonly take: 'ours' } | { readonly take: 'theirs' } | { readonly value: Uint8Array } | { readonly delete: true };

/**
 * What kind of disagreement a conflict is, always said as ours-then-theirs:
 * - `both-modified`: both sides changed it, differently;
 * - `modify-delete`: we changed it, they deleted it; `delete-modify`: the other way round;
 * - `both-added`: absent at the base, both sides added it, differently;
 * - `range-delete-write`: we deleted a range (deleteRange, since the base) and they wrote (added
 *   or modified) a key inside it that our head does not have; `write-range-delete`: the other
 *   way round. `ours` keeps our side, `theirs` takes theirs. Needs the range deletes recorded in
 *   the catalog (format 3); where a side's ranges are unknown see {@link MergeResult.rangesKnown}.
 */
export type MergeConflictKind = 'both-modified' | 'modify-delete' | 'delete-modify' | 'both-added' | 'range-delete-write' | 'write-range-delete';

/** One conflict: a key, and the field inside its MessagePack map value (or the whole value). */
export interface MergeConflict {
  readonly key: Buffer;
  /** Field path inside the value's map; [] means the whole value. Numbers never occur today (arrays conflict whole). */
  readonly path: readonly (string | number)[];
  readonly kind: MergeConflictKind;
  /** MessagePack of that field (or value) at the merge base; absent when absent or deleted there. */
  readonly base?: Buffer;
  readonly ours?: Buffer;
  readonly theirs?: Buffer;
}

/** How a merge settles conflicts: one side for all, or a function per conflict (undefined leaves it unresolved). */
export type MergeResolver = 'ours' | 'theirs' | ((c: MergeConflict) => MergeChoice | undefined);

/** One key the merge writes (or, for `from: 'both'`, one both sides already changed the same way). */
export interface MergedChange {
  readonly key: Buffer;
  /** The value at our head (absent when the key is absent there). */
  readonly before?: Buffer;
  /** The merged value (absent when the merge deletes the key). */
  readonly after?: Buffer;
  /**
   * Where the result comes from: `theirs` (only they changed the key), `both` (both sides made the
   * same change: nothing to write, `before` equals `after`), `fields` (merged field by field),
   * `resolved` (a whole-value conflict settled by `resolve`).
   */
  readonly from: 'theirs' | 'both' | 'fields' | 'resolved';
  /** For `fields`: the field paths whose value came from their side or from a resolution. */
  readonly fields?: readonly (readonly (string | number)[])[];
}

/** The outcome of {@link Store.merge} or {@link Store.cherryPick}. */
export interface MergeResult {
  /**
   * `up-to-date`: nothing to do (their version is already in ours); `fast-forward`: the branch
   * head moved to theirs, no new commit; `merged`: one new commit; `conflicts`: conflicts left
   * unresolved, nothing written; `dry-run`: what a merge would do, nothing written.
   */
  readonly status: 'up-to-date' | 'fast-forward' | 'merged' | 'conflicts' | 'dry-run';
  /** The merge base (for a cherry-pick: the picked version's first parent); null when there is none. */
  readonly base: VersionInfo | null;
  /** What the merge does to the target branch's head, in key order. */
  readonly changes: readonly MergedChange[];
  /** Conflicts `resolve` did not settle (empty when merged). */
  readonly conflicts: readonly MergeConflict[];
  /**
   * Whether every range either side deleted since the base is known. False when a version on
   * either side was written by a format-1/2 writer with range deletes, or deleted more ranges
   * than a catalog record keeps (FORMAT.md §7.6.1): then a key added on one side inside a range
   * the other deleted may merge cleanly as an add (the behaviour before range deletes were
   * recorded); the ranges that are recorded still conflict. Always true for `up-to-date` and
   * `fast-forward`, which decide nothing per key.
   */
  readonly rangesKnown: boolean;
  /** The new commit (merge: parents [ours, theirs]; cherry-pick: [ours]), or theirs for a fast-forward. */
  readonly version?: VersionInfo;
}

/** Options of {@link Store.merge}. */
export interface MergeOptions {
  /** The branch merged into; default the store's default branch. */
  readonly into?: string;
  /** Message of the merge commit; default `merge <theirs> into <branch>`. */
  readonly message?: string;
  /** Compute and return the result without writing anything. */
  readonly dryRun?: boolean;
  /** How conflicts are settled; without it any conflict leaves the merge uncommitted. */
  readonly resolve?: MergeResolver;
}

/** Options of {@link Store.cherryPick}. */
export interface CherryPickOptions {
  /** The branch the change is applied to; default the store's default branch. */
  readonly onto?: string;
  /** Message of the new commit; default `cherry-pick #<id>: <its message>`. */
  readonly message?: string;
  readonly dryRun?: boolean;
  readonly resolve?: MergeResolver;
}

/** What a merge needs from the store (Store builds it over its catalog, diff and commit path). */
export interface MergeHost {
  readonly defaultBranch: string;
  /** A version by id, snapshot, branch name or "#id" (VersionNotFoundError otherwise). */
  version(ref: number | string): VersionInfo;
  /** Parents of a version id, or undefined when the catalog has no such version. */
  parentsOf(id: number): readonly number[] | undefined;
  /** The range deletes a version id recorded (complete and empty when it made none); undefined when the catalog has no such version. */
  rangesOf(id: number): RangeDeleteLog | undefined;
  /** Head version id of a branch (VersionNotFoundError for an unknown branch). */
  branchHead(branch: string): number;
  /** The streaming key-level diff from version a to version b, in key order. */
  diff(a: number, b: number): Iterable<DiffChange>;
  /** A write transaction on a branch. */
  begin(branch: string): Transaction;
  /** Commits `tx` with `mergedParent` as its second parent when given. */
  commit(tx: Transaction, message: string, mergedParent?: number): CommitInfo;
  /** Moves a branch head to a version (a fast-forward). */
  moveBranch(branch: string, id: number): void;
}
