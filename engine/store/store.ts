import * as os from 'node:os';
import type { DiffCounters } from '../diff/diff';
import { FileStateError } from '../errors';
import type { Child, InternalNode } from '../tree/node';
import { createBranch, deleteBranch, resetBranch } from './branches';
import { resolveVersion, snapshotInfo, versionIndexOf, versionInfo } from './catalog';
import { commitTransaction } from './commit';
import { newLockTable, type StoreLockTable } from './lock-table';
import { compact, spaceUsage } from './compaction-switch';
import type { CompactOptions, CompactResult, SpaceUsage } from './compact';
import { markRelaxed } from './checkpoint';
import { asyncIterate, diffSummary, diffVersions, structuralDiffOf } from './diffs';
import { listenerFailed, onEvent } from './events';
import type { IoCounters } from './file';
import { analyze, pathOf, readNode, rootAddress, storeInfo } from './introspection';
import { closeStore, createStoreFile, openCore } from './lifecycle';
import { pathExists } from './file';
import { refresh } from './refresh';
import { deleteSnapshot, setSnapshotPolicy, takeSnapshots } from './snapshots';
import type { SnapshotPolicy, SnapshotPolicyInput } from './snapshot-policy';
import { branchEntry, checkOpen, checkWritable, headView, type StoreCore } from './store-core';
import type {
  AddressView, BranchInfo, DiffChange, DiffOptions, DiffSummary, MessageView, NodeView, OpenOptions, SnapshotInfo, StoreDamage,
  StoreEvents, StoreInfo, StoreOptions, TreeStats, VerifyReport, VersionInfo,
} from './store-types';
import { SubtreeView } from './subtree-view';
import { Transaction, type CommitInfo, type CommitOptions, type MergeCommitOptions, type TransactionHost, type TransactionOptions } from './transaction';
import { mergeFunctions } from './merge-hook';
import type { CherryPickOptions, MergeHost, MergeOptions, MergeResult } from './merge-types';
import { verify } from './verification';
import { asKey, asValue, ReadView, type Entry, type RangeOptions } from './read-view';

export type {
  AddressView, BranchInfo, DiffChange, DiffOptions, DiffSummary, MessageView, NodeView, OpenOptions, SnapshotInfo, StoreDamage,
  StoreEvents, StoreInfo, StoreOptions, TreeStats, VerifyReport, VersionInfo,
} from './store-types';
export { DEFAULT_PARAMS } from './params';

/**
 * An open store: one file holding a copy-on-write hitchhiker B+tree and its catalog of
 * versions. One process writes (a lock file names it); any number read, and see new commits
 * after {@link Store.refresh}. All methods are synchronous; cursors stream.
 *
 * A façade: its state is one {@link StoreCore}, and each method delegates to the file that
 * holds its concept (lifecycle, catalog, commit, snapshots, branches, diffs, compaction-switch,
 * refresh, introspection, verification, events).
 */
export class Store implements TransactionHost {
  /** Path of the store file. */
  readonly path: string;
  readonly params: Required<StoreOptions>;
  /** True when opened without the writer lock. */
  readonly readOnly: boolean;
  /** Branch used when none is named. */
  readonly defaultBranch: string;
  private readonly core: StoreCore;
  /** Made on first use (engine/range-locks/ provides it: see lock-table.ts). */
  private lockTable: StoreLockTable | null = null;

  private constructor(core: StoreCore) {
    this.core = core;
    this.path = core.path;
    this.params = core.params;
    this.readOnly = core.readOnly;
    this.defaultBranch = core.defaultBranch;
  }

  /**
   * Damage found at open: committed data after `offset` is unreadable while intact commits
   * follow it. Only a read-only store opens like this (showing the commits before the damage);
   * opening for writing refuses. Null for a sound file. `info()` and `verify()` report it too.
   */
  get damage(): StoreDamage | null {
    return this.core.damageFound;
  }

  /**
   * Creates a new store file (FileStateError if it exists) with the given tree parameters,
   * an empty tree and version 1. The file is durable when this returns.
   */
  static create(path: string, options: StoreOptions & OpenOptions = {}): Store {
    createStoreFile(path, options);
    return Store.open(path, { ...options, create: false });
  }

  /**
   * Opens a store. Checks the header (NotAStoreError for a foreign file, FormatVersionError
   * for a newer format), takes the writer lock unless read-only (StoreLockedError when a live
   * process holds it), picks the newest valid superblock and rolls forward through the
   * complete commits after it; a torn tail is ignored (and cut off by a writer).
   */
  static open(path: string, options: OpenOptions & StoreOptions = {}): Store {
    if (!pathExists(path)) {
      if (options.create) return Store.create(path, options);
      throw new FileStateError(`${path} does not exist`);
    }
    return new Store(openCore(path, options));
  }

  // ---------------------------------------------------------------- reads

  /** The value under `key` at the default branch head, or undefined. O(height); reads ≤ height nodes. */
  get(key: Uint8Array): Buffer | undefined {
    checkOpen(this.core);
    return headView(this.core).get(key);
  }

  /** True when `key` has a value. O(height). */
  has(key: Uint8Array): boolean {
    checkOpen(this.core);
    return headView(this.core).has(key);
  }

  /**
   * The values of many keys at the default branch head, in the order asked (undefined where
   * absent). One walk down the tree for the sorted batch: O(k log k + nodes touched).
   */
  getMany(keys: readonly Uint8Array[]): (Buffer | undefined)[] {
    checkOpen(this.core);
    return headView(this.core).getMany(keys);
  }

  /** Streams records of a range at the default branch head. Constant memory; O(height + k/fanout) nodes for k records. */
  scan(range: RangeOptions = {}): IterableIterator<Entry> {
    checkOpen(this.core);
    return headView(this.core).scan(range);
  }

  /** Async form of {@link scan}: yields to the event loop between batches. */
  scanAsync(range: RangeOptions = {}): AsyncIterableIterator<Entry> {
    checkOpen(this.core);
    return headView(this.core).scanAsync(range);
  }

  /** Counts records in a range at the default branch head, exactly. O(height · log) (see {@link ReadView.count}). */
  count(range: RangeOptions = {}): number {
    checkOpen(this.core);
    return headView(this.core).count(range);
  }

  /** The `index`-th record (0-based) of a range at the default branch head. O(height · log) (see {@link ReadView.entryAt}). */
  entryAt(index: number, range: RangeOptions = {}): Entry | undefined {
    checkOpen(this.core);
    return headView(this.core).entryAt(index, range);
  }

  /** How many records of a range at the default branch head have a key below `key`. O(height · log) (see {@link ReadView.indexOf}). */
  indexOf(key: Uint8Array, range: RangeOptions = {}): number {
    checkOpen(this.core);
    return headView(this.core).indexOf(key, range);
  }

  // ---------------------------------------------------------------- writes

  /** Starts a write transaction on a branch (default branch when omitted). O(1). */
  begin(opts: { branch?: string; spillBytes?: number } & TransactionOptions = {}): Transaction {
    checkWritable(this.core);
    markRelaxed(this.core);
    const b = branchEntry(this.core, opts.branch ?? this.defaultBranch);
    const tx = new Transaction(this, this.core.nodes, b.name, b.root, b.head, opts.spillBytes, { optimistic: opts.optimistic, pessimistic: opts.pessimistic });
    this.core.active.add(tx);
    return tx;
  }

  /** Runs `fn` in a transaction and commits it (aborts if `fn` throws). */
  write<T>(fn: (tx: Transaction) => T, opts: CommitOptions = {}): T {
    const tx = this.begin();
    try {
      const result = fn(tx);
      tx.commit(opts);
      return result;
    } catch (e) {
      tx.abort();
      throw e;
    }
  }

  /** Puts one record in its own commit. One flush; O(1) nodes written while the root buffer has room. */
  put(key: Uint8Array, value: Uint8Array, opts: CommitOptions = {}): CommitInfo {
    const tx = this.begin();
    tx.put(asKey(key), asValue(value));
    return tx.commit(opts);
  }

  /** Deletes one key in its own commit. */
  delete(key: Uint8Array, opts: CommitOptions = {}): CommitInfo {
    const tx = this.begin();
    tx.delete(asKey(key));
    return tx.commit(opts);
  }

  /** Deletes every key in [from, to) in its own commit: one range-delete message, O(1) to stage. */
  deleteRange(from: Uint8Array, to: Uint8Array | null, opts: CommitOptions = {}): CommitInfo {
    const tx = this.begin();
    tx.deleteRange(from, to);
    return tx.commit(opts);
  }

  /** @internal Called by Transaction.commit. */
  commitTransaction(tx: Transaction, opts: CommitOptions): CommitInfo {
    return commitTransaction(this.core, tx, opts);
  }

  /** Range locks of this process's transactions (shared/exclusive, FIFO, timeouts, deadlock detection). Made on first use. O(1). */
  get locks(): StoreLockTable {
    return (this.lockTable ??= newLockTable());
  }

  /** @internal Called by Transaction at commit and abort: releases its locks, if a lock table was ever made. */
  releaseLocks(tx: Transaction): void {
    this.lockTable?.releaseAll(tx.id);
  }

  /** @internal */
  transactionEnded(tx: Transaction): void {
    this.core.active.delete(tx);
  }

  // ---------------------------------------------------------------- versions

  /** The head version of a branch (default branch when omitted). O(1) after the first catalog walk. */
  head(branch = this.defaultBranch): VersionInfo {
    return versionInfo(resolveVersion(this.core, branchEntry(this.core, branch).head));
  }

  /** A version's facts: id, parents, branch, time, message, root, stats (VersionNotFoundError when the catalog does not hold it). O(1) after the first catalog walk. */
  version(ref: number | string): VersionInfo {
    return versionInfo(resolveVersion(this.core, ref));
  }

  /** The highest version id the catalog has assigned (on any branch, deleted ones included). O(1). */
  lastVersionId(): number {
    checkOpen(this.core);
    return this.core.record.nextVersionId - 1;
  }

  /** Every version, newest first. O(versions). */
  versions(): VersionInfo[] {
    checkOpen(this.core);
    return [...versionIndexOf(this.core).values()].sort((a, b) => b.id - a.id).map(versionInfo);
  }

  /** A read-only view of a version (time travel): id, snapshot or branch name. O(1). */
  at(ref: number | string): ReadView {
    const v = resolveVersion(this.core, ref);
    // A copy of the root: the view exposes it, and the catalog's entry must not change through it.
    return new ReadView(this.core.nodes, { ...v.root }, v.id);
  }

  /**
   * Names a version (the default branch head unless `version` is given); with an array, names it
   * several times in one go. O(1) in the size of the tree and reads no node: the names ride
   * inline in one catalog record, one block and one flush, cheaper than the cheapest commit
   * (which also writes a node). (A format-1 file, or every 32nd change, also rewrites the
   * snapshot table, in the same flush.) To name a version as it is committed, pass
   * `{ snapshot }` to the commit instead: then it costs nothing extra.
   */
  snapshot(name: string, opts?: { message?: string; version?: number | string }): SnapshotInfo;
  snapshot(names: readonly string[], opts?: { message?: string; version?: number | string }): SnapshotInfo[];
  snapshot(names: string | readonly string[], opts: { message?: string; version?: number | string } = {}): SnapshotInfo | SnapshotInfo[] {
    return takeSnapshots(this.core, names, opts);
  }

  /** Named snapshots, oldest first; `automatic` marks the ones the snapshot policy took. O(snapshots). */
  snapshots(): SnapshotInfo[] {
    checkOpen(this.core);
    return this.core.snapshotList.map(snapshotInfo);
  }

  /** Removes a snapshot name (its version stays in the lineage until compaction drops it). One record, one flush. */
  deleteSnapshot(name: string): void {
    deleteSnapshot(this.core, name);
  }

  /** The automatic-snapshot policy, or null when there is none. O(1). */
  snapshotPolicy(): SnapshotPolicy | null {
    checkOpen(this.core);
    return this.core.snapState.policy;
  }

  /**
   * Sets (or, with null, removes) the automatic-snapshot policy: commits then name their own
   * version `auto-<id>` every `everyCommits` commits and/or `everySeconds` seconds, in their own
   * record and flush, and drop the automatic snapshots the retention (`keepLast`, `hourly`,
   * `daily`) no longer keeps. The policy is stored in the store, so every writer and
   * `compact` follow it. Applies the retention at once. One record, one flush. Needs a format-2
   * file (compact a format-1 file to upgrade it).
   */
  setSnapshotPolicy(input: SnapshotPolicyInput | null): SnapshotPolicy | null {
    return setSnapshotPolicy(this.core, input);
  }

  /** Creates a branch at a version (default: the default branch head). O(1). */
  branch(name: string, opts: { from?: number | string } = {}): BranchInfo {
    return createBranch(this.core, name, opts);
  }

  /** Branches and their heads. O(branches). */
  branches(): BranchInfo[] {
    checkOpen(this.core);
    return this.core.record.branches.map((b) => ({ name: b.name, head: b.head }));
  }

  /** Deletes a branch name (not the default branch). */
  deleteBranch(name: string): void {
    deleteBranch(this.core, name);
  }

  /**
   * Moves a branch head to an existing version, e.g. back to its parent to undo the last commit.
   * Nothing is deleted: the versions the head leaves stay in the catalog (and the lineage) until
   * compaction drops them, so a reset can itself be reset forward again. O(1): one catalog record.
   */
  resetBranch(name: string, version: number | string): BranchInfo {
    return resetBranch(this.core, name, version);
  }

  // ---------------------------------------------------------------- views

  /**
   * A store-like view of the keys under `prefix`, with keys relative to it; pass a version to
   * read a snapshot of the view. O(1) to create; its operations cost in proportion to the view.
   */
  view(prefix: Uint8Array, at?: number | string): SubtreeView {
    checkOpen(this.core);
    if (at !== undefined) resolveVersion(this.core, at);
    return new SubtreeView(this, prefix, at);
  }

  // ---------------------------------------------------------------- diffs

  /** Work done by the last diff: subtrees skipped as shared, regions compared record by record. */
  get lastDiff(): DiffCounters {
    return this.core.lastDiff;
  }

  set lastDiff(counters: DiffCounters) {
    this.core.lastDiff = counters;
  }

  /**
   * Key-level changes from version `a` to version `b` (ids, snapshot or branch names), in key
   * order. Walks both trees together and skips every subtree that is shared with the same
   * buffered messages above it, so the cost grows with the changes, not the store:
   * O(changes · height) node reads when changes are sparse.
   */
  diff(a: number | string, b: number | string, opts: DiffOptions = {}): IterableIterator<DiffChange> {
    return diffVersions(this.core, a, b, opts);
  }

  /** Async form of {@link diff}: yields to the event loop between batches (for wide diffs). */
  diffAsync(a: number | string, b: number | string, opts: DiffOptions = {}): AsyncIterableIterator<DiffChange> {
    return asyncIterate(this.diff(a, b, opts));
  }

  /** Counts added / removed / changed keys without keeping values. Same cost as {@link diff}. */
  diffSummary(a: number | string, b: number | string, opts: DiffOptions = {}): DiffSummary {
    return diffSummary(this.core, a, b, opts);
  }

  /**
   * Node-level sharing between two versions, for drawing: each node reachable from either root
   * marked shared / only-left / only-right (a shared node's subtree is not listed). O(changed nodes · fanout).
   */
  structuralDiff(a: number | string, b: number | string): { address: AddressView; side: 'shared' | 'left' | 'right' }[] {
    return structuralDiffOf(this.core, a, b);
  }

  // ---------------------------------------------------------------- merges

  /**
   * The best common ancestor of two versions (ids, snapshot or branch names) in the lineage, or
   * null when they share none (see engine/merge/merge-base.ts for the tie-break). In memory:
   * O(v log v) for the v versions newer than the base.
   */
  mergeBase(a: number | string, b: number | string): VersionInfo | null {
    const va = resolveVersion(this.core, a);
    const vb = resolveVersion(this.core, b);
    const id = mergeFunctions().mergeBase((x) => versionIndexOf(this.core).get(x)?.parents, va.id, vb.id);
    return id === null ? null : versionInfo(resolveVersion(this.core, id));
  }

  /**
   * Three-way merge of version `theirs` into a branch (`into`, default the default branch):
   * from the two streaming diffs base→ours and base→theirs walked together in key order, so
   * O(changes · height) node reads, never a scan. MessagePack maps changed on both sides merge
   * field by field (recursively); anything else changed differently on both sides is a
   * conflict. Fast-forwards when the branch head is an ancestor of theirs; otherwise writes one
   * commit with parents [ours, theirs] — unless conflicts are left that `resolve` does not
   * settle, or `dryRun`: then nothing is written. See engine/merge/merge.ts.
   */
  merge(theirs: number | string, opts: MergeOptions = {}): MergeResult {
    if (opts.dryRun) checkOpen(this.core);
    else checkWritable(this.core);
    return mergeFunctions().merge(this.mergeHost(), theirs, opts);
  }

  /**
   * Applies one version's changes (its diff against its first parent) to a branch (`onto`,
   * default the default branch) as a new ordinary commit, with the merge's conflict rules and
   * the picked version's parent as the base. O(changes · height) node reads.
   */
  cherryPick(version: number | string, opts: CherryPickOptions = {}): MergeResult {
    if (opts.dryRun) checkOpen(this.core);
    else checkWritable(this.core);
    return mergeFunctions().cherryPick(this.mergeHost(), version, opts);
  }

  /** What engine/merge/ needs from the store: its catalog, diffs and commit path. O(1). */
  private mergeHost(): MergeHost {
    return {
      defaultBranch: this.defaultBranch,
      version: (ref) => versionInfo(resolveVersion(this.core, ref)),
      parentsOf: (id) => versionIndexOf(this.core).get(id)?.parents,
      rangesOf: (id) => {
        const v = versionIndexOf(this.core).get(id);
        // No log: none deleted when the stats say so, else a format-1/2 commit whose ranges are unknown.
        return v && (v.rangeLog ?? { ranges: [], complete: v.stats.rangeDeletes === 0 });
      },
      branchHead: (name) => branchEntry(this.core, name).head,
      diff: (a, b) => this.diff(a, b),
      begin: (branch) => this.begin({ branch }),
      commit: (tx, message, mergedParent) => tx.commit({ message, mergedParent } as MergeCommitOptions),
      moveBranch: (name, id) => {
        this.resetBranch(name, id);
      },
    };
  }

  // ---------------------------------------------------------------- compaction

  /**
   * Copies the blocks of the retained versions — every snapshot's version, every branch head,
   * and the newest `keep` (default 10) versions of each branch's lineage — into a temp file
   * beside the store, fsyncs it, renames it over the store and fsyncs the directory, then
   * continues on the new file. Shared nodes are copied once; other versions leave the catalog
   * (opening them is VersionNotFoundError) and a kept version whose parent was dropped is
   * relinked to its nearest kept ancestor. Emits `compaction` events. Needs the writer (holds
   * the lock throughout) and no open transactions. Views opened before keep reading the old
   * file until they are garbage or the store is closed; read-only stores in other processes
   * switch to the new file at their next {@link refresh}. O(blocks of the retained versions).
   */
  compact(opts: CompactOptions = {}): CompactResult {
    return compact(this.core, opts, () => this.close());
  }

  /**
   * Where the file's bytes go: the distinct blocks the catalog reaches (records, snapshot
   * tables, every version's nodes and journal chains, large values) against the data area.
   * After {@link compact}, `unreachableBytes` is 0. O(reachable blocks): reads every leaf.
   */
  spaceUsage(): SpaceUsage {
    return spaceUsage(this.core);
  }

  // ---------------------------------------------------------------- readers

  /**
   * Picks up commits that landed since open or the last refresh (read-only openers).
   * Uses a newer checkpoint when there is one, then rolls forward. When a compaction in another
   * process has renamed a new file over the path (another inode), switches to that file first;
   * views opened before keep reading the old one. Returns true when the catalog changed.
   * O(bytes since the last checkpoint).
   */
  refresh(): boolean {
    return refresh(this.core);
  }

  // ---------------------------------------------------------------- introspection

  /** I/O counters (node visits, block reads and writes, flushes). */
  get io(): Readonly<IoCounters> {
    return this.core.file.io;
  }

  /** Cheap facts: sizes, height, versions, head. O(1) (after the first catalog walk). */
  info(): StoreInfo {
    return storeInfo(this.core);
  }

  /** The root address of a version (default branch head). */
  rootAddress(ref?: number | string): AddressView {
    return rootAddress(this.core, ref);
  }

  /** Everything about one node, as plain data (for the inspector's node panel). O(node size). */
  readNode(address: AddressView): NodeView {
    return readNode(this.core, address);
  }

  /**
   * The root-to-leaf path a key takes, with the buffered messages on the path that touch it
   * (point messages for the key, range deletes covering it). O(height).
   */
  pathOf(key: Uint8Array, ref?: number | string): { path: AddressView[]; messages: (MessageView & { at: AddressView })[] } {
    return pathOf(this.core, key, ref);
  }

  /**
   * Walks every node of a version (default branch head): nodes per level, leaf fill, buffer
   * occupancy per level, records, large values, live vs dead bytes. O(nodes + records).
   */
  analyze(onProgress?: (done: number, total: number) => void, ref?: number | string): TreeStats {
    return analyze(this.core, onProgress, ref);
  }

  /**
   * Checks every invariant of every retained version (branch heads, snapshots, and — unless
   * `allVersions: false` — every version in the catalog), visiting shared nodes once, plus the
   * catalog itself, read afresh from the file (`verifyCatalog`): the chain reaches the create
   * record, no id is claimed twice, parents exist and are older, roots are node addresses within
   * the file, branch heads and snapshots name existing versions with their roots. Reports each
   * problem with where it is, one line each. Everything is read from the file, never from the
   * node cache or an earlier call: a warm store reports damage on disk as a cold one does.
   * O(distinct nodes + catalog records) block reads.
   */
  verify(opts: { allVersions?: boolean } = {}): VerifyReport {
    return verify(this.core, opts);
  }

  // ---------------------------------------------------------------- events and lifecycle

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof StoreEvents>(event: K, fn: (e: StoreEvents[K]) => void): () => void {
    return onEvent(this.core.listeners, event, fn);
  }

  /**
   * Reports an exception that a callback run for this store's events threw (a watcher's, say:
   * see `watch`) the way the store reports its own listeners': as a `listenerError` event
   * naming `source`, or a process warning when nobody listens for those. O(listeners).
   */
  reportListenerError(source: string, error: unknown): void {
    listenerFailed(this.core.listeners, source, error);
  }

  /**
   * Writes a final checkpoint when anything was committed since the last one, flushes whatever
   * is not on disk yet — in every mode: after close() returns every commit is durable — and
   * releases the writer lock. A writer that wrote nothing leaves the file byte for byte as it
   * was. The zero-filled space past the end is kept for the next writer (the file is not
   * trimmed). At most two flushes (data, then the superblock naming it).
   */
  close(): void {
    closeStore(this.core);
  }
}

/** @internal for tests: host name recorded in lock files. */
export const HOST = os.hostname();
export type { InternalNode, Child };
