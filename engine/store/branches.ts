/** Branches as catalog changes: create, delete, move a head. Each is one catalog record and one flush. */
import { RecordType } from '../format/catalog-codec';
import { InvalidArgumentError } from '../errors';
import { baseRecord, resolveVersion } from './catalog';
import { appendRecord } from './commit';
import { emitEvent } from './events';
import { Appender } from './file';
import { branchEntry, checkWritable, type StoreCore } from './store-core';
import type { BranchInfo } from './store-types';

/** Creates a branch at a version (default: the default branch head). O(branches). */
export function createBranch(core: StoreCore, name: string, opts: { from?: number | string } = {}): BranchInfo {
  checkWritable(core);
  if (typeof name !== 'string' || !/^[\w.\-/]{1,100}$/.test(name)) throw new InvalidArgumentError('branch name must be 1 to 100 characters of letters, digits, _ . - /');
  if (core.record.branches.some((b) => b.name === name)) throw new InvalidArgumentError(`branch ${JSON.stringify(name)} already exists`);
  const v = resolveVersion(core, opts.from ?? branchEntry(core, core.defaultBranch).head);
  const out = new Appender(core.file, core.end);
  appendRecord(core, out, { ...baseRecord(core, RecordType.Branch, name), branches: [...core.record.branches, { name, head: v.id, root: v.root }], version: null });
  const info = { name, head: v.id };
  emitEvent(core.listeners, 'branch', info);
  return info;
}

/** Deletes a branch name (not the default branch). O(branches). */
export function deleteBranch(core: StoreCore, name: string): void {
  checkWritable(core);
  const gone = branchEntry(core, name);
  if (name === core.defaultBranch) throw new InvalidArgumentError(`cannot delete the default branch ${JSON.stringify(name)}`);
  const out = new Appender(core.file, core.end);
  appendRecord(core, out, { ...baseRecord(core, RecordType.BranchDelete, name), branches: core.record.branches.filter((b) => b.name !== name), version: null });
  emitEvent(core.listeners, 'branchDeleted', { name, head: gone.head });
}

/**
 * Moves a branch head to an existing version, e.g. back to its parent to undo the last commit.
 * Nothing is deleted: the versions the head leaves stay in the catalog (and the lineage) until
 * compaction drops them, so a reset can itself be reset forward again. O(1): one catalog record.
 */
export function resetBranch(core: StoreCore, name: string, version: number | string): BranchInfo {
  checkWritable(core);
  branchEntry(core, name);
  const v = resolveVersion(core, version);
  const out = new Appender(core.file, core.end);
  const branches = core.record.branches.map((b) => (b.name === name ? { name, head: v.id, root: v.root } : b));
  appendRecord(core, out, { ...baseRecord(core, RecordType.BranchMove, name), branches, version: null });
  const info = { name, head: v.id };
  emitEvent(core.listeners, 'branch', info);
  return info;
}

