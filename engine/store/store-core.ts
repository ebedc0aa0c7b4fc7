/**
 * The state of one open store, owned by the `Store` façade and passed to the functions that
 * implement it (catalog, commit, snapshots, branches, introspection, verification…), plus the
 * few checks every one of them starts with.
 */
import type { Address } from '../format/address';
import type { BranchEntry, CatalogRecord, SnapshotEntry, VersionEntry } from '../format/catalog-codec';
import { ClosedError, ReadOnlyError, VersionNotFoundError } from '../errors';
import { TreeWriter } from '../tree/write';
import { emitEvent, type StoreListeners } from './events';
import type { StoreFile } from './file';
import type { NodeStore } from './node-store';
import type { SnapshotState } from './snapshot-set';
import type { StoreDamage, StoreOptions } from './store-types';
import type { Transaction } from './transaction';
import { ReadView } from './read-view';
import type { WriterLock } from './writer-lock';
import type { DiffCounters } from '../diff/diff';

/** Everything an open store knows; mutated only by the store's own functions. */
export interface StoreCore {
  /** Path of the store file. */
  readonly path: string;
  /** Frozen: it is handed out (store.params, info().params) and the tree writer reads it. */
  readonly params: Required<StoreOptions>;
  /** True when opened without the writer lock. */
  readonly readOnly: boolean;
  readonly durable: boolean;
  /** Branch used when none is named. */
  readonly defaultBranch: string;
  /** Node cache budget, kept to size the cache of a file adopted after compaction. */
  readonly cacheBytes: number;
  file: StoreFile;
  nodes: NodeStore;
  writer: TreeWriter;
  lock: WriterLock | null;
  closed: boolean;
  end: number;
  latest: Address;
  record: CatalogRecord;
  snapshotList: readonly SnapshotEntry[];
  /** Where the catalog keeps the snapshot set (table + inline chain) and the automatic-snapshot policy. */
  snapState: SnapshotState;
  /** The file's format version: 1 keeps a full snapshot table per change (older builds read it). */
  formatVersion: number;
  versionIndex: Map<number, VersionEntry> | null;
  superSeq: number;
  lastCheckpointEnd: number;
  commitsSinceCheckpoint: number;
  /** End of the data known to be flushed: a superblock never names anything past it. */
  syncedEnd: number;
  /** Something (a commit without `durable`, a superblock) was written and not flushed yet. */
  unsynced: boolean;
  /** Where the last roll-forward broke: the first block that was not part of an accepted commit. */
  failAt: number;
  damageFound: StoreDamage | null;
  /** The newest checkpoint on disk is `relaxed` (FORMAT.md §3). */
  relaxedOnDisk: boolean;
  readonly listeners: StoreListeners;
  readonly active: Set<Transaction>;
  /** Files replaced by compaction: views opened before it still read them; closed with the store. */
  readonly retired: StoreFile[];
  /** Catalog records verify() decoded, by offset, with the checksum their bytes had (for one file). */
  decodedRecords: { file: StoreFile; byOffset: Map<number, { checksum: number; record: CatalogRecord }> } | null;
  /** Work done by the last diff: subtrees skipped as shared, regions compared record by record. */
  lastDiff: DiffCounters;
  /**
   * The last head view made, with what it was made from: a point read reuses it while the
   * catalog record, branch and node store are the same objects (every commit, refresh and
   * compaction replaces the record), instead of finding the branch and making a view per call.
   */
  headViewMemo?: { readonly record: CatalogRecord; readonly branch: string; readonly nodes: NodeStore; readonly view: ReadView };
}

/** Throws ClosedError after close(). O(1). */
export function checkOpen(core: StoreCore): void {
  if (core.closed) throw new ClosedError(`store ${core.path}`);
}

/** Throws ClosedError after close(), ReadOnlyError on a read-only store. O(1). */
export function checkWritable(core: StoreCore): void {
  checkOpen(core);
  if (core.readOnly) throw new ReadOnlyError(core.path);
}

/** The catalog entry of a branch (VersionNotFoundError when there is none). O(branches). */
export function branchEntry(core: StoreCore, name: string): BranchEntry {
  const b = core.record.branches.find((x) => x.name === name);
  if (!b) throw new VersionNotFoundError(name);
  return b;
}

/** A read view of a branch head (default branch when omitted); views are immutable, so one is shared until the head moves. O(1). */
export function headView(core: StoreCore, branch = core.defaultBranch): ReadView {
  const memo = core.headViewMemo;
  if (memo !== undefined && memo.record === core.record && memo.branch === branch && memo.nodes === core.nodes) return memo.view;
  const b = branchEntry(core, branch);
  const view = new ReadView(core.nodes, b.root, b.head);
  core.headViewMemo = { record: core.record, branch, nodes: core.nodes, view };
  return view;
}

/** The tree writer over `nodes`, reporting flushes and splits as store events. O(1). */
export function makeWriter(nodes: NodeStore, params: Required<StoreOptions>, listeners: StoreListeners): TreeWriter {
  return new TreeWriter(nodes, params, {
    flush: (level, messages) => emitEvent(listeners, 'flush', { level, messages }),
    split: (level, pieces) => emitEvent(listeners, 'split', { level, pieces }),
  });
}
