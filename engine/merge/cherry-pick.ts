import { InvalidArgumentError } from '../errors';
import { checkMessage, threeWay, writeChanges, type MergeHost } from './merge';
import type { CherryPickOptions, MergeResult } from '../store/merge-types';

/**
 * Applies one version's changes — its diff against its first parent — to branch `onto`
 * (default: the default branch) as a new ordinary commit (one parent, the branch head): a
 * three-way merge with the picked version's parent as the base, so the same conflict rules
 * and `resolve` apply. When nothing is left to change (the change is already there) the
 * status is `up-to-date` and nothing is written; with conflicts left, or `dryRun`, nothing is
 * written either. A version without a parent (the store's first) cannot be picked. Range
 * deletes: the picked side's are those of the picked version (and, for a merge commit, of the
 * side it merged); ours are those of the versions reachable from the branch head and not from
 * the picked version's parent — so a key the pick adds inside a range the branch deleted, or
 * a key the branch added inside a range the pick deletes, conflicts as in a merge.
 * O(changes · height) node reads, where the changes are those of both diffs (parent→picked,
 * parent→branch head).
 */
export function cherryPick(host: MergeHost, versionRef: number | string, opts: CherryPickOptions = {}): MergeResult {
  const onto = opts.onto ?? host.defaultBranch;
  const message = checkMessage(opts.message);
  const oursId = host.branchHead(onto);
  const picked = host.version(versionRef);
  const parent = picked.parents[0];
  if (parent === undefined) throw new InvalidArgumentError(`version #${picked.id} has no parent to take its changes against: it cannot be cherry-picked`);
  const base = host.version(parent);
  const { changes, conflicts, rangesKnown } = threeWay(host, parent, oursId, picked.id, opts.resolve);
  if (opts.dryRun) return { status: 'dry-run', base, changes, conflicts, rangesKnown };
  if (conflicts.length > 0) return { status: 'conflicts', base, changes, conflicts, rangesKnown };
  if (!changes.some((c) => c.from !== 'both')) return { status: 'up-to-date', base, changes, conflicts, rangesKnown };
  const info = writeChanges(host, onto, changes, message ?? `cherry-pick #${picked.id}${picked.message ? `: ${picked.message}` : ''}`);
  return { status: 'merged', base, changes, conflicts, rangesKnown, version: host.version(info.version) };
}
