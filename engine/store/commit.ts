/**
 * The commit protocol: a transaction's write set merged into its branch head, written as new
 * nodes plus one catalog record and one flush (appendRecord, which every catalog change goes
 * through), after the optimistic conflict check.
 */
import { BlockKind, type Address } from '../format/address';
import { encodeCatalogRecord, RecordType, type CatalogRecord, type SnapshotEntry, type VersionEntry } from '../format/catalog-codec';
import { boundedRangeLog, RANGE_LOG_FORMAT_VERSION } from '../format/range-log';
import { ConflictError, InvalidArgumentError } from '../errors';
import { BlobRef, Op, type Child, type Msg } from '../tree/node';
import { getValue } from '../tree/read';
import { diffTrees } from '../diff/diff';
import { baseRecord, checkSnapshotName, resolveVersion, snapshotInfo, withSnapshots } from './catalog';
import { CHECKPOINT_BYTES, CHECKPOINT_COMMITS, markRelaxed, writeCheckpoint } from './checkpoint';
import { emitEvent } from './events';
import { buildTree } from './bulk-build';
import { Appender } from './file';
import { automaticSnapshotDue, automaticSnapshotName, expiredAutomaticSnapshots } from './snapshot-policy';
import { branchEntry, checkWritable, type StoreCore } from './store-core';
import type { CommitInfo, CommitOptions, MergeCommitOptions, Transaction } from './transaction';

/**
 * Appends a catalog record (and whatever blocks `out` holds), flushes once, and makes it
 * current; writes a checkpoint when one is due. O(bytes appended).
 */
export function appendRecord(core: StoreCore, out: Appender, rec: CatalogRecord): Address {
  markRelaxed(core);
  const address = out.append(BlockKind.Catalog, 0, 0, encodeCatalogRecord(rec));
  try {
    out.flush();
    if (core.durable) core.file.sync();
  } catch (e) {
    // Not committed: zero what it wrote, so no later commit is followed by its leftovers.
    out.discard();
    throw e;
  }
  if (!core.durable) core.unsynced = true;
  core.latest = address;
  core.record = rec;
  core.end = out.end;
  if (core.durable) {
    core.syncedEnd = core.end;
    core.unsynced = false;
  }
  if (rec.version && core.versionIndex) core.versionIndex.set(rec.version.id, rec.version);
  core.commitsSinceCheckpoint++;
  if (core.end - core.lastCheckpointEnd >= CHECKPOINT_BYTES || core.commitsSinceCheckpoint >= CHECKPOINT_COMMITS) writeCheckpoint(core);
  return address;
}

/**
 * Commits a transaction (called by Transaction.commit through the store): range deletes, then
 * point writes, merged into the branch head; new nodes, large values and one catalog record
 * (with any snapshot it names) in one flush; then the events. O(messages + nodes rewritten).
 */
export function commitTransaction(core: StoreCore, tx: Transaction, opts: CommitOptions): CommitInfo {
  checkWritable(core);
  const message = opts.message ?? '';
  if (typeof message !== 'string') throw new InvalidArgumentError('commit message must be a string');
  const snapshotName = opts.snapshot === undefined ? null : checkSnapshotName(core, opts.snapshot);
  const branch = branchEntry(core, tx.branch);
  // A merge commit's second parent (engine/merge/merge.ts): an existing version, older than this commit.
  const mergedParent = (opts as MergeCommitOptions).mergedParent;
  if (mergedParent !== undefined) resolveVersion(core, mergedParent);
  if (tx.options.optimistic && branch.head !== tx.baseVersion) checkConflicts(core, tx, branch.root);
  const start = core.end;
  const out = new Appender(core.file, core.end);
  const blocksBefore = out.blocks;
  const written = (bulkLoadable(core, branch.root) && bulkWrite(core, tx, out)) || mergeWrites(core, tx, branch.root, out);
  const { root, puts, deletes, rdels } = written;
  const seq = written.nextSeq;
  const nodesWritten = out.blocks - blocksBefore;
  const id = core.record.nextVersionId;
  const bytesWritten = out.end - core.end;
  const version: VersionEntry = {
    id, parents: mergedParent === undefined ? [branch.head] : [branch.head, mergedParent], root, branch: branch.name, message, time: Date.now(),
    stats: { puts, deletes, rangeDeletes: rdels.length, bytesWritten },
    // Format 3 records the ranges themselves, so a merge can tell a key added on the other side
    // inside one of them from a key nobody touched (a state diff cannot: both are absent here).
    ...(rdels.length > 0 && core.formatVersion >= RANGE_LOG_FORMAT_VERSION && { rangeLog: boundedRangeLog(rdels.map((m) => ({ from: m.key, to: m.end }))) }),
  };
  // Snapshots named by this commit (the caller's, and the policy's automatic one) ride in its
  // own record and its one flush; so do the automatic ones the policy's retention drops.
  const added: SnapshotEntry[] = [];
  if (snapshotName !== null) added.push({ name: snapshotName, version: id, root, time: version.time, message });
  const policy = core.snapState.policy;
  const autoName = automaticSnapshotName(id);
  if (policy && automaticSnapshotDue(policy, core.snapshotList, id, version.time) && !core.snapshotList.some((s) => s.name === autoName) && autoName !== snapshotName) {
    added.push({ name: autoName, version: id, root, time: version.time, message: '', automatic: true });
  }
  const grown = added.length > 0 ? [...core.snapshotList, ...added] : core.snapshotList;
  const expired = new Set(expiredAutomaticSnapshots(policy, grown));
  const next = expired.size > 0 ? grown.filter((s) => !expired.has(s.name)) : grown;
  const planned = withSnapshots(core, out, {
    ...baseRecord(core, RecordType.Commit, ''),
    nextVersionId: id + 1, nextSeq: seq, version,
    branches: core.record.branches.map((b) => (b.name === branch.name ? { name: b.name, head: id, root } : b)),
  }, next);
  planned.commit(appendRecord(core, out, planned.rec));
  const info: CommitInfo = { version: id, parents: [...version.parents], branch: branch.name, bytesWritten: core.end - start, nodesWritten };
  for (const s of added) if (!expired.has(s.name)) emitEvent(core.listeners, 'snapshot', snapshotInfo(s));
  for (const name of expired) if (!added.some((s) => s.name === name)) emitEvent(core.listeners, 'snapshotDeleted', { name, version: (grown.find((s) => s.name === name) as SnapshotEntry).version });
  emitEvent(core.listeners, 'commit', info);
  return info;
}

/** What writing a transaction's messages produced: the new root, the stats, and the next free seq. */
interface Written {
  readonly root: Address;
  readonly puts: number;
  readonly deletes: number;
  readonly rdels: readonly Msg[];
  readonly nextSeq: number;
}

/**
 * @internal Tests set `bulk` false to send every commit through the general path (to compare
 * the two on the same writes), and read `bulkBuilds` (commits the bulk build wrote) to know
 * which path a commit took.
 */
export const commitPaths = { bulk: true, bulkBuilds: 0 };

/**
 * True when the branch head the commit writes into is an empty tree (its root a leaf without
 * keys), so the bulk build may write it; whether the transaction's writes allow it is
 * {@link bulkWrite}'s question. O(1) (the root is one node).
 */
function bulkLoadable(core: StoreCore, root: Address): boolean {
  if (!commitPaths.bulk) return false;
  const node = core.nodes.load(root);
  return node.kind === 'leaf' && node.keys.length === 0;
}

/**
 * Writes a transaction into an empty tree by building the tree bottom-up from its sorted put log
 * (store/bulk-build.ts). The seqs, stats and blocks match what the general path reports for
 * the same writes: one seq per key written, puts and deletes counted by each key's last write.
 * Null (nothing written) when the writes are not all in the log, or hold no put (the general
 * path then does what it always did, an empty write set included). O(n log n + bytes).
 */
function bulkWrite(core: StoreCore, tx: Transaction, out: Appender): Written | null {
  const logged = tx.loggedWrites();
  if (logged === null) return null;
  const { log, rows } = logged;
  let anyPut = false;
  for (let i = 0; i < rows.length && !anyPut; i++) anyPut = log.opOf(rows[i]) === Op.Put;
  if (!anyPut) return null;
  const built = buildTree(log, rows, core.params, core.nodes, out);
  commitPaths.bulkBuilds++;
  return { root: built.root, puts: built.puts, deletes: built.deletes, rdels: [], nextSeq: core.record.nextSeq + rows.length };
}

/**
 * The general path: range deletes, then point writes, merged into the branch head through the
 * tree writer, then persisted. O(messages + nodes rewritten).
 */
function mergeWrites(core: StoreCore, tx: Transaction, head: Address, out: Appender): Written {
  const ws = tx.writeSet();
  let seq = core.record.nextSeq;
  let puts = 0;
  let deletes = 0;
  const rdels: Msg[] = ws.rdels.map((r) => ({ ...r, seq: seq++ }));
  // Range deletes first, then point writes: an in-memory write set in batches of up to 2M
  // messages (every leaf a batch touches is rewritten once; the cap bounds the copies alive at
  // once for write sets of tiny records), a spilled one in chunks as it streams back from its runs.
  const chunkLimit = Array.isArray(ws.points) ? 2_097_152 : 262_144;
  let newRoot: Child = core.writer.apply(head, { rdels, points: [] });
  let chunk: Msg[] = [];
  const applyChunk = (): void => {
    newRoot = core.writer.apply(newRoot, { rdels: [], points: chunk });
    chunk = [];
  };
  for (const msg of ws.points) {
    // The transaction made these messages for this commit and never uses them again: give
    // each its seq (and a large value its blob pointer) in place instead of copying it.
    const m = msg as { -readonly [K in keyof Msg]: Msg[K] };
    if (m.op === Op.Put) {
      puts++;
      const value = m.value;
      if (value && !(value instanceof BlobRef) && value.length > core.params.blobThreshold) m.value = core.nodes.writeBlob(value, out);
    } else deletes++;
    m.seq = seq++;
    chunk.push(m);
    if (chunk.length >= chunkLimit) applyChunk();
  }
  if (chunk.length > 0) applyChunk();
  return { root: core.nodes.persist(newRoot, out), puts, deletes, rdels, nextSeq: seq };
}

/**
 * Optimistic check: what the transaction read or wrote must be unchanged between the version
 * it began on and the head it merges into (point keys compared directly; read ranges and
 * range deletes through the diff, which skips what the two versions share).
 * O(keys · height + changes in the ranges · height).
 */
export function checkConflicts(core: StoreCore, tx: Transaction, head: Address): void {
  const conflicts: Buffer[] = [];
  const ws = tx.writeSet();
  const keys = [...tx.readKeys];
  for (const m of ws.points) keys.push(m.key);
  const same = (a: unknown, b: unknown): boolean => {
    if (a === undefined || b === undefined) return a === b;
    if (a instanceof BlobRef || b instanceof BlobRef) return a instanceof BlobRef && b instanceof BlobRef && a.index.offset === b.index.offset;
    return (a as Buffer).equals(b as Buffer);
  };
  for (const k of keys) if (!same(getValue(core.nodes, tx.baseRoot, k), getValue(core.nodes, head, k))) conflicts.push(k);
  const ranges = [...tx.readRanges, ...ws.rdels.map((r) => ({ lo: r.key, hi: r.end }))];
  for (const r of ranges) {
    for (const c of diffTrees(core.nodes, tx.baseRoot, head, r.lo, r.hi)) {
      conflicts.push(c.key);
      if (conflicts.length > 1000) break;
    }
  }
  if (conflicts.length > 0) throw new ConflictError(conflicts);
}

