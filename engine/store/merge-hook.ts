/**
 * The hook through which a store merges. Merging is a layer above the core (engine/merge/): it
 * provides its functions here when it is loaded (engine/index.ts loads it), so the core names
 * merge by type only (store/merge-types.ts) and never loads it — as with the range locks
 * (lock-table.ts).
 */
import type { CherryPickOptions, MergeHost, MergeOptions, MergeResult } from './merge-types';

/** What engine/merge/ provides. */
export interface MergeFunctions {
  /** The best common ancestor of versions a and b, or null. O(v log v) for the versions newer than it. */
  mergeBase(parentsOf: (id: number) => readonly number[] | undefined, a: number, b: number): number | null;
  /** A three-way merge of `theirs` into a branch. O(changes · height). */
  merge(host: MergeHost, theirs: number | string, opts: MergeOptions): MergeResult;
  /** One version's changes applied to a branch. O(changes · height). */
  cherryPick(host: MergeHost, version: number | string, opts: CherryPickOptions): MergeResult;
}

let provided: MergeFunctions | null = null;

/** Installs the merge functions (engine/merge/ does, once, when loaded). O(1). */
export function provideMerge(functions: MergeFunctions): void {
  provided = functions;
}

/** The merge functions. Throws when engine/merge/ was never loaded. O(1). */
export function mergeFunctions(): MergeFunctions {
  if (!provided) throw new Error('merge is not loaded: import the engine through engine/index.ts');
  return provided;
}
