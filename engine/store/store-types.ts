/**
 * The public shapes of the store API: options, plain-data views (versions, snapshots,
 * branches, addresses, nodes), reports and events. Types only; `store.ts` re-exports them.
 */
import type { CommitStats } from '../format/catalog-codec';
import type { Problem } from '../tree/verify';
import type { CompactionProgress } from './compact';
import type { CommitInfo } from './transaction';

/** Tree parameters chosen when a store is created (recorded in its header). */
export interface StoreOptions {
  /** Leaf split threshold in encoded bytes. Default 8192 (measured: see docs/BENCHMARKS.md). */
  readonly nodeSize?: number;
  /** Most children per internal node. Default 64. */
  readonly fanout?: number;
  /** Most buffered message bytes per internal node before it flushes. Default 32768. */
  readonly bufferSize?: number;
  /** Values longer than this are stored off-tree. Default 2048. */
  readonly blobThreshold?: number;
}

/** How to open a store. */
export interface OpenOptions {
  /** Never take the writer lock; writes throw ReadOnlyError. Default false. */
  readonly readOnly?: boolean;
  /** Create the file when it does not exist. Default false. */
  readonly create?: boolean;
  /** Node cache budget in bytes (decoded nodes, charged ~2× their encoded size). Default 1 GiB. */
  readonly cacheBytes?: number;
  /** fdatasync every commit. Default true. Off only for bulk loads you can redo. */
  readonly durable?: boolean;
  /** Branch the store reads and writes by default. Default "main". */
  readonly branch?: string;
  /**
   * While node reads come from the device rather than the page cache, each reads the aligned
   * window of this many bytes around its block, so the blocks beside it are cached when asked
   * for (as the kernel reads around a page fault of an mmap'd file). 0 turns it off: for files
   * far larger than memory read at random. Default 262144 (256 KiB).
   */
  readonly readAroundBytes?: number;
}

/** A version in the catalog. */
export interface VersionInfo {
  readonly id: number;
  readonly parents: readonly number[];
  readonly branch: string;
  readonly time: number;
  readonly message: string;
  readonly root: AddressView;
  readonly stats: CommitStats;
}

/** A named snapshot. */
export interface SnapshotInfo {
  readonly name: string;
  readonly version: number;
  readonly time: number;
  readonly message: string;
  /** Taken by the automatic-snapshot policy (its retention may remove it), not named by a user. */
  readonly automatic: boolean;
}

/** A branch and its head version. */
export interface BranchInfo {
  readonly name: string;
  readonly head: number;
}

/** An address as plain data. */
export interface AddressView {
  readonly offset: number;
  readonly length: number;
  readonly kind: 'leaf' | 'internal' | 'delta' | string;
  readonly level: number;
  readonly checksum: number;
}

/** A buffered message as plain data. */
export interface MessageView {
  readonly op: 'put' | 'delete' | 'deleteRange';
  readonly key: Buffer;
  readonly end?: Buffer | null;
  readonly seq: number;
  readonly valueLength: number;
  readonly large: boolean;
}

/** Everything the inspector shows about one node. */
export interface NodeView {
  readonly address: AddressView;
  readonly kind: 'leaf' | 'internal';
  readonly level: number;
  /** Bytes every key of the node shares, stored once. */
  readonly prefix: Buffer;
  /** Leaf keys, or internal pivots, in full. */
  readonly keys: Buffer[];
  /** How each key is stored: bytes shared with the node prefix and previous key, then the suffix. */
  readonly stored: { shared: number; suffix: Buffer }[];
  readonly values: { length: number; large: boolean }[];
  readonly children: AddressView[];
  readonly buffer: MessageView[];
  /** Internal nodes: the journal chain, newest segment first, ending at the base block. */
  readonly chain: AddressView[];
  readonly encodedBytes: number;
  readonly fill: number;
  readonly bufferBytes: number;
  readonly bufferFill: number;
}

/** Cheap facts about a store. */
export interface StoreInfo {
  readonly path: string;
  readonly fileSize: number;
  readonly formatVersion: number;
  readonly height: number;
  readonly versions: number;
  readonly head: VersionInfo;
  readonly branch: string;
  readonly params: Required<StoreOptions>;
  readonly readOnly: boolean;
  readonly writerPid: number | null;
  /** Damage found at open (read-only stores only; see {@link Store.damage}), or null. */
  readonly damage: StoreDamage | null;
}

/** Committed data a read-only open could not reach: where, and what was found. */
export interface StoreDamage {
  /** File offset of the first damaged block. */
  readonly offset: number;
  /** One line: what is damaged and what follows it. */
  readonly message: string;
}

/** Statistics from walking every node of a version. */
export interface TreeStats {
  readonly height: number;
  readonly nodesPerLevel: number[];
  /** Leaf fill histogram: 10 buckets of 10%. */
  readonly leafFill: number[];
  readonly bufferOccupancy: { level: number; nodes: number; messages: number; bytes: number; fill: number }[];
  readonly records: number;
  readonly liveBytes: number;
  readonly deadBytes: number;
  readonly largeValues: { count: number; bytes: number };
}

/** Result of {@link Store.verify}. */
export interface VerifyReport {
  readonly ok: boolean;
  readonly problems: Problem[];
  readonly nodesChecked: number;
  readonly versionsChecked: number;
}

/** One key-level change between two versions. Values of large records are read on access. */
export interface DiffChange {
  readonly key: Buffer;
  readonly type: 'added' | 'removed' | 'changed';
  readonly before: Buffer | null;
  readonly after: Buffer | null;
  readonly beforeLength: number | null;
  readonly afterLength: number | null;
}

/** Which keys a diff covers (intersection of a prefix and [from, to)). */
export interface DiffOptions {
  readonly prefix?: Uint8Array;
  readonly from?: Uint8Array;
  readonly to?: Uint8Array;
}

/** Counts of a diff without its values. */
export interface DiffSummary {
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
}

/** Events a store emits. */
export interface StoreEvents {
  commit: CommitInfo;
  snapshot: SnapshotInfo;
  branch: BranchInfo;
  /** A snapshot name was removed (its version stays until compaction drops it). */
  snapshotDeleted: { name: string; version: number };
  /** A branch name was removed. */
  branchDeleted: BranchInfo;
  /** A listener (or watcher) threw; the others still ran. Without a subscriber it becomes a process warning. */
  listenerError: { event: string; error: unknown };
  flush: { level: number; messages: number };
  split: { level: number; pieces: number };
  refresh: { version: number };
  /** Progress of {@link Store.compact}: phase, blocks done, total (see CompactionProgress). */
  compaction: CompactionProgress;
}
