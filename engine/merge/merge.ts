import type { CommitInfo, Transaction } from '../store/transaction';
import type { DiffChange, VersionInfo } from '../store/store';
import type { MergeOptions, MergeResult } from './merge-types';

/** What a merge needs from the store (Store builds it over its catalog, diff and commit path). */
export interface MergeHost {
  readonly defaultBranch: string;
  /** A version by id, snapshot, branch name or "#id" (VersionNotFoundError otherwise). */
  version(ref: number | string): VersionInfo;
  /** Parents of a version id, or undefined when the catalog has no such version. */
  parentsOf(id: number): readonly number[] | undefined;
  /** Head version id of a branch (VersionNotFoundError for an unknown branch). */
  branchHead(branch: string): number;
  /** The streaming key-level diff from version a to version b, in key order. */
  diff(a: number, b: number): Iterable<DiffChange>;
  /** A write transaction on a branch. */
  begin(branch: string): Transaction;
  /** Commits `tx` with `extraParent` as its second parent when given. */
  commit(tx: Transaction, message: string, extraParent?: number): CommitInfo;
  /** Moves a branch head to a version (a fast-forward). */
  moveBranch(branch: string, id: number): void;
}

/** Three-way merge of `theirs` into a branch (see Store.merge). */
export function mergeVersions(host: MergeHost, theirs: number | string, opts: MergeOptions = {}): MergeResult {
  void host;
  void theirs;
  void opts;
  throw new Error('not implemented yet');
}
