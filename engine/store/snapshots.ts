/**
 * Snapshot names as catalog changes: naming versions, removing a name, and the
 * automatic-snapshot policy. Each is one catalog record and one flush; no node is read.
 */
import { RecordType, type SnapshotEntry } from '../format/catalog-codec';
import { FORMAT_VERSION } from '../format/header';
import { InvalidArgumentError, VersionNotFoundError } from '../errors';
import { baseRecord, checkSnapshotName, resolveVersion, snapshotInfo, withSnapshots } from './catalog';
import { appendRecord } from './commit';
import { emitEvent } from './events';
import { Appender } from './file';
import { checkSnapshotPolicy, expiredAutomaticSnapshots, type SnapshotPolicy, type SnapshotPolicyInput } from './snapshot-policy';
import { branchEntry, checkWritable, type StoreCore } from './store-core';
import type { SnapshotInfo } from './store-types';

/**
 * Names a version (the default branch head unless `version` is given), once per name, in one
 * catalog record and one flush. O(names + snapshots); reads no node.
 */
export function takeSnapshots(core: StoreCore, names: string | readonly string[], opts: { message?: string; version?: number | string } = {}): SnapshotInfo | SnapshotInfo[] {
  checkWritable(core);
  const list = typeof names === 'string' ? [names] : names;
  if (!Array.isArray(list) || list.length === 0) throw new InvalidArgumentError('snapshot needs at least one name');
  const checked: string[] = [];
  for (const n of list) checked.push(checkSnapshotName(core, n, checked));
  const message = opts.message ?? '';
  if (typeof message !== 'string') throw new InvalidArgumentError('snapshot message must be a string');
  const v = resolveVersion(core, opts.version ?? branchEntry(core, core.defaultBranch).head);
  const time = Date.now();
  const added: SnapshotEntry[] = checked.map((name) => ({ name, version: v.id, root: v.root, time, message }));
  const out = new Appender(core.file, core.end);
  const planned = withSnapshots(core, out, { ...baseRecord(core, RecordType.Snapshot, checked[0]), version: null }, [...core.snapshotList, ...added]);
  planned.commit(appendRecord(core, out, planned.rec));
  const infos = added.map(snapshotInfo);
  for (const info of infos) emitEvent(core.listeners, 'snapshot', info);
  return typeof names === 'string' ? infos[0] : infos;
}

/** Removes a snapshot name (its version stays in the lineage until compaction drops it). One record, one flush. */
export function deleteSnapshot(core: StoreCore, name: string): void {
  checkWritable(core);
  const gone = core.snapshotList.find((s) => s.name === name);
  if (!gone) throw new VersionNotFoundError(name);
  const out = new Appender(core.file, core.end);
  const planned = withSnapshots(core, out, { ...baseRecord(core, RecordType.SnapshotDelete, name), version: null }, core.snapshotList.filter((s) => s !== gone));
  planned.commit(appendRecord(core, out, planned.rec));
  emitEvent(core.listeners, 'snapshotDeleted', { name, version: gone.version });
}

/**
 * Sets (or, with null, removes) the automatic-snapshot policy: commits then name their own
 * version `auto-<id>` every `everyCommits` commits and/or `everySeconds` seconds, in their own
 * record and flush, and drop the automatic snapshots the retention (`keepLast`, `hourly`,
 * `daily`) no longer keeps. The policy is stored in the store, so every writer and
 * `compact` follow it. Applies the retention at once. One record, one flush. Needs a format-2
 * file (compact a format-1 file to upgrade it).
 */
export function setSnapshotPolicy(core: StoreCore, input: SnapshotPolicyInput | null): SnapshotPolicy | null {
  checkWritable(core);
  const policy = input === null ? null : checkSnapshotPolicy(input);
  if (core.formatVersion < 2) throw new InvalidArgumentError(`${core.path} is format version ${core.formatVersion}, which cannot store a snapshot policy: compact it to upgrade it to version ${FORMAT_VERSION}`);
  const expired = new Set(expiredAutomaticSnapshots(policy, core.snapshotList));
  const gone = core.snapshotList.filter((s) => expired.has(s.name));
  const out = new Appender(core.file, core.end);
  const planned = withSnapshots(core, out, { ...baseRecord(core, RecordType.SnapshotPolicy, ''), version: null }, core.snapshotList.filter((s) => !expired.has(s.name)), policy);
  planned.commit(appendRecord(core, out, planned.rec));
  for (const s of gone) emitEvent(core.listeners, 'snapshotDeleted', { name: s.name, version: s.version });
  return policy;
}

