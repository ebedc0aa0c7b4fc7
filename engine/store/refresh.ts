/** A reader picking up what writers did since open: new checkpoints, commits, a compacted file. */
import { sameAddress } from '../format/address';
import { decodeSuperblock, DATA_START, SUPERBLOCK_BYTES, SUPERBLOCK_OFFSETS, type Superblock } from '../format/header';
import { loadSnapshots, readRecord, rollForward } from './catalog';
import { reopenReplaced } from './compaction-switch';
import { emitEvent } from './events';
import { checkOpen, type StoreCore } from './store-core';

/**
 * Picks up commits that landed since open or the last refresh (read-only openers).
 * Uses a newer checkpoint when there is one, then rolls forward. When a compaction in another
 * process has renamed a new file over the path (another inode), switches to that file first;
 * views opened before keep reading the old one. Returns true when the catalog changed.
 * O(bytes since the last checkpoint).
 */
export function refresh(core: StoreCore): boolean {
  checkOpen(core);
  if (!core.readOnly) return false;
  const before = core.latest;
  // A compaction in another process renamed a new file over the path: switch to it first.
  const replaced = core.file.replacedOnDisk() && reopenReplaced(core);
  const head = core.file.read(0, DATA_START);
  const sbs = SUPERBLOCK_OFFSETS.map((o) => decodeSuperblock(head.subarray(o, o + SUPERBLOCK_BYTES))).filter((s): s is Superblock => s !== null);
  const newest = sbs.sort((a, b) => b.sequence - a.sequence)[0];
  if (newest && newest.committedLength > core.end) {
    try {
      const rec = readRecord(core, newest.catalog);
      core.latest = newest.catalog;
      core.record = rec;
      core.end = newest.committedLength;
      core.versionIndex = null;
    } catch {
      /* a checkpoint we cannot read yet: roll forward instead */
    }
  }
  rollForward(core);
  if (!replaced && sameAddress(before, core.latest)) return false;
  loadSnapshots(core);
  emitEvent(core.listeners, 'refresh', { version: core.record.nextVersionId - 1 });
  return true;
}

