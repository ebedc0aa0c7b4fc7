/**
 * Checkpoints: the superblock that names the newest catalog record, written every
 * CHECKPOINT_BYTES or CHECKPOINT_COMMITS, and the `relaxed` mark a non-durable writer needs
 * on disk before its first commit (FORMAT.md §3, §10.2).
 */
import { encodeSuperblock, SUPERBLOCK_OFFSETS } from '../format/header';
import type { StoreCore } from './store-core';

/** Bytes appended since the last checkpoint after which the next commit writes one. */
export const CHECKPOINT_BYTES = 1024 * 1024;
/** Commits since the last checkpoint after which the next commit writes one. */
export const CHECKPOINT_COMMITS = 256;

/**
 * Writes a superblock naming the current record. The data it names is flushed first when a
 * commit without `durable` left it unflushed: a superblock that reached the disk before its
 * data would name bytes that are not there (FORMAT.md §10.2).
 */
export function writeCheckpoint(core: StoreCore): void {
  if (core.syncedEnd < core.end) {
    core.file.sync();
    core.syncedEnd = core.end;
  }
  core.superSeq++;
  const sb = encodeSuperblock({ sequence: core.superSeq, catalog: core.latest, committedLength: core.end, relaxed: !core.durable });
  // Not flushed here: it names flushed data only, and rides along with the next flush (the
  // next durable commit's, the next checkpoint's, or close's). A torn superblock fails its
  // checksum and the other one is used.
  core.file.write(SUPERBLOCK_OFFSETS[core.superSeq % 2], sb);
  core.unsynced = true;
  core.lastCheckpointEnd = core.end;
  core.commitsSinceCheckpoint = 0;
}

/**
 * Before the first commit that is not flushed, a flushed checkpoint must say so: recovery then
 * knows that several commits after it may be partly missing after a power loss (FORMAT.md §3).
 * Done on the first write, not at open, so a writer that writes nothing changes nothing. O(1).
 */
export function markRelaxed(core: StoreCore): void {
  if (core.durable || core.relaxedOnDisk) return;
  writeCheckpoint(core);
  core.file.sync();
  core.unsynced = false;
  core.relaxedOnDisk = true;
}

