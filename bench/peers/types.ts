/**
 * The one interface every benchmarked store implements. Methods are async because some peers
 * (classic-level, lmdb's backup) only offer promises; the per-call overhead of awaiting is kept off
 * the hot paths by the batch methods (`getMany`, `scanAll`, `deleteMany`), which each adapter
 * implements with its store's fastest documented loop.
 */
import type { Tally } from '../tally';

/** Names of the stores the harness knows. */
export type PeerName = 'thunderhead' | 'lmdb' | 'classic-level' | 'better-sqlite3' | 'sorted-btree';

/** Every peer name, in table order (Thunderhead first). */
export const PEER_NAMES: readonly PeerName[] = ['thunderhead', 'lmdb', 'classic-level', 'better-sqlite3', 'sorted-btree'];

/** Options for {@link Peer.open}. */
export interface PeerOpenOptions {
  /** Create the store if it does not exist (otherwise it must exist). */
  readonly create: boolean;
  /** A directory the adapter may use for side files (snapshot copies); never measured as file size. */
  readonly workDir: string;
}

/** A saved version of a store, as the peer represents it (a name, a copy on disk, a clone). */
export interface SnapshotHandle {
  readonly name: string;
}

/** How a key differs between two versions. */
export type ChangeKind = 'added' | 'removed' | 'changed';

/** Receives one difference; called in any order. */
export type DiffSink = (key: Buffer, kind: ChangeKind) => void;

/**
 * What a peer can do. `true`, or the reason the workload is "n/a" for it (printed in the table).
 * Thunderhead's values are decided after its module loads (feature detection of `snapshot`/`diff`).
 */
export interface PeerSupport {
  /** fsync'd single-put commits. */
  readonly durable: true | string;
  /** Reopening from disk in a fresh process. */
  readonly coldOpen: true | string;
  /** Saving a named version. */
  readonly snapshot: true | string;
  /** Listing the differences between two saved versions. */
  readonly diff: true | string;
  /** A file whose size means something. */
  readonly fileSize: true | string;
  /** Counting a key range and reading the i-th record in key order (however it costs). */
  readonly positional: true | string;
}

/** An open (or openable) store. One instance serves one `open` … `close` cycle at a time. */
export interface Peer {
  readonly name: PeerName;
  readonly support: PeerSupport;
  /** Opens (or creates) the store in `dir`. */
  open(dir: string, options: PeerOpenOptions): Promise<void>;
  /** Inserts all records in one durable commit (one transaction / batch). */
  bulkInsert(keys: readonly Buffer[], values: readonly Buffer[]): Promise<void>;
  /**
   * One put in its own commit, durable (fsync) before it resolves. Returns the bytes the store says
   * it appended for the commit when it reports that, else undefined.
   */
  putDurable(key: Buffer, value: Buffer): Promise<number | undefined>;
  /** One point read. */
  get(key: Buffer): Promise<Buffer | undefined>;
  /**
   * Point reads of every key in order through the peer's whole-set call (Thunderhead: one
   * `getMany` of all keys, sorted inside, i.e. a merge walk; the others: their fastest documented
   * loop, see {@link ReadCalls.whole}); each found value goes to `tally.addValue`, each miss to `tally.miss`.
   */
  getMany(keys: readonly Buffer[], tally: Tally): Promise<void>;
  /** Point reads of every key in order, one single-key call per key ({@link ReadCalls.each}); results as in `getMany`. */
  getEach(keys: readonly Buffer[], tally: Tally): Promise<void>;
  /**
   * Point reads of every key in order, in consecutive batches of `size` keys, each batch one call
   * (or one read transaction) of the peer's batch API ({@link ReadCalls.batch}); results as in `getMany`.
   */
  getBatches(keys: readonly Buffer[], size: number, tally: Tally): Promise<void>;
  /** Every record in key order into `tally.add`. */
  scanAll(tally: Tally): Promise<void>;
  /** Up to `n` records in key order starting at the first key ≥ `from`, into `tally.add`. */
  scanRange(from: Buffer, n: number, tally: Tally): Promise<void>;
  /** One delete in its own commit. */
  delete(key: Buffer): Promise<void>;
  /** Deletes every key (all present) in one durable commit. */
  deleteMany(keys: readonly Buffer[]): Promise<void>;
  /** Puts and deletes in one durable commit (sets up the diff workload). */
  applyChanges(putKeys: readonly Buffer[], putValues: readonly Buffer[], deleteKeys: readonly Buffer[]): Promise<void>;
  /** Saves the current state as `name`. */
  snapshot(name: string): Promise<SnapshotHandle>;
  /** Number of records in a snapshot (verification, untimed). */
  snapshotCount(snapshot: SnapshotHandle): Promise<number>;
  /** Releases a snapshot (deletes a copy, drops a clone). */
  dropSnapshot(snapshot: SnapshotHandle): Promise<void>;
  /** Reports every key that differs between `from` and `to` into `sink`. */
  diff(from: SnapshotHandle, to: SnapshotHandle, sink: DiffSink): Promise<void>;
  /** Number of records with from ≤ key < to. */
  countRange(from: Buffer, to: Buffer): Promise<number>;
  /** The key of the `index`-th record (0-based) in key order, or undefined past the end. */
  entryAt(index: number): Promise<Buffer | undefined>;
  /** Bytes the store occupies now (apparent size of its files). */
  fileSize(): number;
  /** Closes the store; everything committed stays on disk. */
  close(): Promise<void>;
}

/** How a peer answers each read shape, in words, for the "how measured" line under a table. */
export interface ReadCalls {
  /** One key per call ({@link Peer.getEach}). */
  readonly each: string;
  /** A batch of keys per call ({@link Peer.getBatches}). */
  readonly batch: string;
  /** The whole key set at once ({@link Peer.getMany}). */
  readonly whole: string;
}

/** Makes peers and knows how a peer's stores are copied and removed. */
export interface PeerFactory {
  readonly name: PeerName;
  /** The calls behind each read shape. */
  readonly readCalls: ReadCalls;
  /** Loads the store's module; resolves to the reason when it cannot run here (e.g. not built yet). */
  load(): Promise<true | string>;
  /** A new adapter; only after `load()` resolved to true. */
  create(): Peer;
  /** Copies a closed store from `from` to `to` (a fixture for a mutating workload). */
  copyStore(from: string, to: string): void;
  /** Removes a closed store. */
  removeStore(dir: string): void;
}
