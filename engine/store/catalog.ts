/**
 * The catalog of versions as the store holds it: reading records, rolling forward through the
 * commits after a checkpoint, the snapshot set, the version index, and resolving a version
 * reference (id, "#id", snapshot or branch name) to its entry.
 */
import { BlockKind, isNoAddress, sameAddress, type Address } from '../format/address';
import { BLOCK_HEADER_BYTES, blockChecksumOk, parseBlockHeader } from '../format/block';
import {
  decodeCatalogRecord, decodeSnapshots, encodeSnapshots, type CatalogRecord, type RecordType, type SnapshotEntry, type VersionEntry,
} from '../format/catalog-codec';
import { InvalidArgumentError, StoreCorruptError, VersionNotFoundError } from '../errors';
import { addressView } from './address-view';
import type { Appender } from './file';
import { loadSnapshotState, planSnapshotChange, stateAfter } from './snapshot-set';
import { checkOpen, type StoreCore } from './store-core';
import type { SnapshotInfo, VersionInfo } from './store-types';

/** The catalog record at `address` (StoreCorruptError when it is not one or does not decode). O(record bytes). */
export function readRecord(core: Pick<StoreCore, 'path' | 'nodes'>, address: Address): CatalogRecord {
  if (address.kind !== BlockKind.Catalog) throw new StoreCorruptError(core.path, address.offset, 'superblock does not point at a catalog record');
  const block = core.nodes.readBlock(address);
  try {
    return decodeCatalogRecord(block.subarray(BLOCK_HEADER_BYTES));
  } catch (e) {
    throw new StoreCorruptError(core.path, address.offset, `undecodable catalog record (${(e as Error).message})`);
  }
}

/**
 * Advances through complete commits after the last known one: every block must pass its
 * checksum, and a catalog record counts only when it names the current record as its
 * predecessor. Stops at the first block that is none of these and records where (`failAt`):
 * whether that is a torn tail or damage is {@link classifyTail}'s question. O(bytes after the checkpoint).
 */
export function rollForward(core: StoreCore): boolean {
  let pos = core.end;
  let advanced = false;
  for (;;) {
    core.failAt = pos;
    const head = core.file.read(pos, BLOCK_HEADER_BYTES);
    if (head.length < BLOCK_HEADER_BYTES) break;
    const h = parseBlockHeader(head);
    if (!h) break;
    const block = core.file.read(pos, h.length);
    if (block.length < h.length || !blockChecksumOk(block)) break;
    pos += h.length;
    if (h.kind === BlockKind.Catalog) {
      let rec: CatalogRecord;
      try {
        rec = decodeCatalogRecord(block.subarray(BLOCK_HEADER_BYTES));
      } catch {
        break;
      }
      if (!sameAddress(rec.prev, core.latest)) break;
      core.latest = { offset: pos - h.length, length: h.length, kind: BlockKind.Catalog, level: 0, checksum: h.checksum };
      core.record = rec;
      core.end = pos;
      advanced = true;
      if (rec.version && core.versionIndex) core.versionIndex.set(rec.version.id, rec.version);
    }
  }
  return advanced;
}

/** Loads the snapshot set the current record leads to (its inline chain back to the last full table). O(chain length). */
export function loadSnapshots(core: StoreCore): void {
  core.snapState = loadSnapshotState(core.record, core.latest, (a) => readRecord(core, a), (a) => {
    const block = core.nodes.readBlock(a);
    try {
      return decodeSnapshots(block.subarray(BLOCK_HEADER_BYTES));
    } catch (e) {
      throw new StoreCorruptError(core.path, a.offset, `undecodable snapshot table (${(e as Error).message})`);
    }
  });
  core.snapshotList = core.snapState.list;
}

/**
 * Fills in the snapshot part of a record about to be appended to `out`: the new list `next`
 * and policy ride inline in the record (a full table first, in the same flush, once the chain
 * is at its bound, or on every change in a format-1 file). Returns the record and the state to
 * adopt once it is written. O(changes).
 */
export function withSnapshots(core: StoreCore, out: Appender, rec: CatalogRecord, next: readonly SnapshotEntry[], policy = core.snapState.policy): { rec: CatalogRecord; commit: (at: Address) => void } {
  const plan = planSnapshotChange(core.snapState, next, policy, core.formatVersion >= 2, (list) => out.append(BlockKind.Snapshots, 0, 0, encodeSnapshots(list)));
  return {
    rec: { ...rec, snapshots: plan.snapshots, delta: plan.delta },
    commit: (at) => {
      core.snapState = stateAfter(plan, next, policy, at);
      core.snapshotList = next;
    },
  };
}

/** Checks a new snapshot name: 1 to 200 characters, not a snapshot or branch already (nor twice in `also`). O(snapshots + branches). */
export function checkSnapshotName(core: StoreCore, name: unknown, also: readonly string[] = []): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) throw new InvalidArgumentError('snapshot name must be 1 to 200 characters');
  if (core.snapshotList.some((s) => s.name === name) || also.includes(name)) throw new InvalidArgumentError(`snapshot ${JSON.stringify(name)} already exists`);
  if (core.record.branches.some((b) => b.name === name)) throw new InvalidArgumentError(`${JSON.stringify(name)} is a branch name`);
  return name;
}

/** Every version, by walking the catalog chain once (then kept up to date). O(catalog records) the first time. */
export function versionIndexOf(core: StoreCore): Map<number, VersionEntry> {
  if (core.versionIndex) return core.versionIndex;
  const map = new Map<number, VersionEntry>();
  let a = core.latest;
  let rec = core.record;
  for (;;) {
    if (rec.version) map.set(rec.version.id, rec.version);
    if (isNoAddress(rec.prev)) break;
    a = rec.prev;
    rec = readRecord(core, a);
  }
  core.versionIndex = map;
  return map;
}

/** The fields of a new record that carry the current state forward (predecessor, counters, snapshots, branches). O(1). */
export function baseRecord(core: StoreCore, type: RecordType, subject: string): Omit<CatalogRecord, 'version'> {
  const s = core.snapState;
  return {
    type, time: Date.now(), prev: core.latest, nextVersionId: core.record.nextVersionId, nextSeq: core.record.nextSeq,
    snapshots: s.table, branches: core.record.branches, subject,
    // A record that changes no snapshot still points at the chain, so the newest record alone leads to the set.
    delta: core.formatVersion >= 2 ? { added: [], removed: [], chain: s.chain, chainLength: s.chainLength, policy: s.policy } : null,
  };
}

/** Resolves a version id, snapshot name, branch name or "#id" string to a version (VersionNotFoundError). O(1) after the first catalog walk. */
export function resolveVersion(core: StoreCore, ref: number | string): VersionEntry {
  checkOpen(core);
  let id: number | undefined;
  if (typeof ref === 'number') id = ref;
  else if (typeof ref === 'string') {
    const snap = core.snapshotList.find((s) => s.name === ref);
    const br = core.record.branches.find((b) => b.name === ref);
    if (snap) id = snap.version;
    else if (br) id = br.head;
    else if (/^#?\d+$/.test(ref)) id = Number(ref.replace('#', ''));
  }
  const v = id !== undefined ? versionIndexOf(core).get(id) : undefined;
  if (!v) throw new VersionNotFoundError(String(ref));
  return v;
}

/** A version as plain data. O(1). */
export function versionInfo(v: VersionEntry): VersionInfo {
  // Copies: the entry is the catalog's own.
  return { id: v.id, parents: [...v.parents], branch: v.branch, time: v.time, message: v.message, root: addressView(v.root), stats: { ...v.stats } };
}

/** A snapshot as plain data. O(1). */
export function snapshotInfo(s: SnapshotEntry): SnapshotInfo {
  return { name: s.name, version: s.version, time: s.time, message: s.message, automatic: s.automatic === true };
}
