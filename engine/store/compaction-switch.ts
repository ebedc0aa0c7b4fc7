/**
 * Compaction as the store sees it: what it hands the copier (compactionSource), and the
 * switch-over to the file a compaction renamed over the path — this writer's own, or, for a
 * reader, another process's (adoptFile, reopenReplaced).
 */
import { decodeHeader, decodeSuperblock, DATA_START, SUPERBLOCK_BYTES, SUPERBLOCK_OFFSETS, type Superblock } from '../format/header';
import { FileStateError, InvalidArgumentError, StoreCorruptError } from '../errors';
import { loadSnapshots, readRecord, rollForward, versionIndexOf } from './catalog';
import { compactStore, measureSpace, type CompactionProgress, type CompactionSource, type CompactOptions, type CompactResult, type SpaceUsage } from './compact';
import { emitEvent } from './events';
import { StoreFile } from './file';
import { ReadAroundPolicy } from './read-around';
import { NodeStore } from './node-store';
import { checkOpen, checkWritable, makeWriter, type StoreCore } from './store-core';

/**
 * (`close` closes the store: called when the switch to the compacted file fails.)
 * Copies the blocks of the retained versions — every snapshot's version, every branch head,
 * and the newest `keep` (default 10) versions of each branch's lineage — into a temp file
 * beside the store, fsyncs it, renames it over the store and fsyncs the directory, then
 * continues on the new file. Shared nodes are copied once; other versions leave the catalog
 * (opening them is VersionNotFoundError) and a kept version whose parent was dropped is
 * relinked to its nearest kept ancestor. Emits `compaction` events. Needs the writer (holds
 * the lock throughout) and no open transactions. Views opened before keep reading the old
 * file until they are garbage or the store is closed; read-only stores in other processes
 * switch to the new file at their next `refresh`. O(blocks of the retained versions).
 */
export function compact(core: StoreCore, opts: CompactOptions, close: () => void): CompactResult {
  checkWritable(core);
  if (core.active.size > 0) throw new InvalidArgumentError(`cannot compact while ${core.active.size} transaction(s) are open: commit or abort them first`);
  const report = (p: CompactionProgress): void => {
    opts.onProgress?.(p.done, p.total, p.phase);
    emitEvent(core.listeners, 'compaction', p);
  };
  return compactStore(compactionSource(core), opts, report, (file) => {
    try {
      adoptFile(core, file);
      core.lock?.prune();
    } catch (e) {
      // The path already names the compacted file: commits through the old descriptor would be lost.
      close();
      throw new FileStateError(`${core.path} was compacted but could not be reopened (${(e as Error).message}); open it again`);
    }
  });
}

/**
 * Where the file's bytes go: the distinct blocks the catalog reaches (records, snapshot
 * tables, every version's nodes and journal chains, large values) against the data area.
 * After {@link compact}, `unreachableBytes` is 0. O(reachable blocks): reads every leaf.
 */
export function spaceUsage(core: StoreCore): SpaceUsage {
  checkOpen(core);
  return measureSpace(compactionSource(core), (a) => readRecord(core, a));
}

/** What the compaction copier reads: the catalog, snapshots, checkpoint and lock of this store. O(1) after the first catalog walk. */
export function compactionSource(core: StoreCore): CompactionSource {
  return {
    path: core.path, params: core.params, readBlock: (a) => core.nodes.readBlock(a), nodes: core.nodes, versions: versionIndexOf(core), record: core.record,
    latest: core.latest, snapshots: core.snapshotList, superSequence: core.superSeq, committedEnd: core.end, fileBytes: core.file.size(),
    lockReplacement: (p) => core.lock?.cover(p), snapshotPolicy: core.snapState.policy,
  };
}

/**
 * Switches to `file` (the store's path now names it): a fresh node cache (offsets mean other
 * blocks there), its newest checkpoint, roll-forward. On failure nothing changes and `file`
 * is closed. The old file stays open for views that still read it. O(bytes since the new file's checkpoint).
 */
export function adoptFile(core: StoreCore, file: StoreFile): void {
  const saved = {
    file: core.file, nodes: core.nodes, writer: core.writer, superSeq: core.superSeq, end: core.end, latest: core.latest,
    lastCheckpointEnd: core.lastCheckpointEnd, commitsSinceCheckpoint: core.commitsSinceCheckpoint, record: core.record,
    versionIndex: core.versionIndex, snapshotList: core.snapshotList, snapState: core.snapState, formatVersion: core.formatVersion,
    syncedEnd: core.syncedEnd, unsynced: core.unsynced,
  };
  try {
    const head = file.read(0, DATA_START);
    const h = decodeHeader(head);
    if (!h.ok) throw new StoreCorruptError(core.path, 0, 'the file now at this path has no valid store header');
    const p = core.params;
    if (h.header.nodeSize !== p.nodeSize || h.header.fanout !== p.fanout || h.header.bufferSize !== p.bufferSize || h.header.blobThreshold !== p.blobThreshold) {
      throw new FileStateError(`${core.path} was replaced by a store with other tree parameters; open it again`);
    }
    const sb = SUPERBLOCK_OFFSETS.map((o) => decodeSuperblock(head.subarray(o, o + SUPERBLOCK_BYTES)))
      .filter((x): x is Superblock => x !== null).sort((a, b) => b.sequence - a.sequence)[0];
    if (!sb) throw new StoreCorruptError(core.path, SUPERBLOCK_OFFSETS[0], 'both superblocks are damaged');
    Object.assign(file.io, core.file.io);
    file.readAround = new ReadAroundPolicy(core.file.readAround.windowBytes);
    core.file = file;
    core.formatVersion = h.header.formatVersion;
    core.nodes = new NodeStore(file, core.params, core.cacheBytes, h.header.formatVersion);
    core.writer = makeWriter(core.nodes, core.params, core.listeners);
    core.superSeq = sb.sequence;
    core.end = sb.committedLength;
    core.latest = sb.catalog;
    core.lastCheckpointEnd = sb.committedLength;
    core.commitsSinceCheckpoint = 0;
    // A compacted file is flushed before it is renamed into place; a replaced one a reader adopts is not ours to flush.
    core.syncedEnd = sb.committedLength;
    core.unsynced = false;
    core.versionIndex = null;
    core.record = readRecord(core, sb.catalog);
    rollForward(core);
    loadSnapshots(core);
  } catch (e) {
    Object.assign(core, saved);
    file.close();
    throw e;
  }
  core.retired.push(saved.file);
  retiredFiles.register(saved.nodes, saved.file);
}

/** A reader's switch to the file a compaction in another process renamed over the path; false when it could not open it. O(bytes since its checkpoint). */
export function reopenReplaced(core: StoreCore): boolean {
  let file: StoreFile;
  try {
    file = StoreFile.open(core.path, true);
  } catch {
    return false; // gone again between stat and open: keep reading the file we have
  }
  adoptFile(core, file);
  return true;
}


/**
 * Closes a file replaced by compaction once nothing can read it any more: the views opened
 * before the compaction hold its NodeStore, and the store drops its own reference at the switch.
 */
const retiredFiles = new FinalizationRegistry<StoreFile>((file) => file.close());
