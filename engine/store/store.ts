import * as fs from 'node:fs';
import * as os from 'node:os';
import { BLOCK_KIND_NAMES, BlockKind, isNoAddress, NO_ADDRESS, sameAddress, type Address } from '../format/address';
import { BLOCK_HEADER_BYTES, blockChecksumOk, checkBlockAgainst, parseBlockHeader } from '../format/block';
import {
  decodeCatalogRecord, decodeSnapshots, encodeCatalogRecord, encodeSnapshots, RecordType,
  type BranchEntry, type CatalogRecord, type CommitStats, type SnapshotEntry, type VersionEntry,
} from '../format/catalog-codec';
import {
  DATA_START, decodeHeader, decodeSuperblock, encodeHeader, encodeSuperblock, FORMAT_VERSION,
  HEADER_BYTES, SUPERBLOCK_BYTES, SUPERBLOCK_OFFSETS, type FileHeader, type Superblock,
} from '../format/header';
import { storedKeysOf } from '../format/node-codec';
import {
  ClosedError, ConflictError, FileStateError, FormatVersionError, InvalidArgumentError, NotAStoreError, ReadOnlyError,
  StoreCorruptError, StoreError, VersionNotFoundError,
} from '../errors';
import { BlobRef, Op, type Child, type InternalNode, type Msg } from '../tree/node';
import { TreeWriter } from '../tree/write';
import { verifyTree, type Problem } from '../tree/verify';
import { findMsg, rdelCovers } from '../tree/buffer';
import { upperBound } from '../tree/keys';
import { Appender, createTempPath, pathExists, publishFile, removeStaleCreateFiles, StoreFile, type IoCounters } from './file';
import { classifyTail, hasUnwrittenSector } from './recovery';
import { diffTrees, structuralDiff, type DiffCounters, type RawChange } from '../diff/diff';
import { emptyRange } from '../tree/keys';
import { SubtreeView } from './subtree-view';
import { DiskNodeReader, MAX_CHAIN, NodeStore } from './nodes';
import { acquireWriterLock, readLockOwner, processAlive, type WriterLock } from './writer-lock';
import { loadSnapshotState, planSnapshotChange, stateAfter, type SnapshotState } from './snapshot-set';
import {
  automaticSnapshotDue, automaticSnapshotName, checkSnapshotPolicy, expiredAutomaticSnapshots, type SnapshotPolicy, type SnapshotPolicyInput,
} from './snapshot-policy';
import { Transaction, type CommitInfo, type CommitOptions, type MergeCommitOptions, type TransactionHost, type TransactionOptions } from './transaction';
import { LockManager } from '../locks/lock-manager';
import { getValue } from '../tree/read';
import { asKey, asValue, rangeBounds, ReadView, type Entry, type RangeOptions } from './view';
import { compactStore, measureSpace, type CompactionProgress, type CompactionSource, type CompactOptions, type CompactResult, type SpaceUsage } from './compact';
import { WatchHub, type WatchListener, type WatchRange } from './watch';
import { verifyCatalog, type CatalogFacts } from './verify-catalog';
import { resolveRef, type RefTarget } from '../records/resolve';
import { findDanglingRefs, type DanglingRef, type DanglingRefOptions } from '../records/dangling';
import type { Ref } from '../records/ref';
import { mergeBase } from '../merge/merge-base';
import { mergeVersions, type MergeHost } from '../merge/merge';
import { cherryPick } from '../merge/cherry-pick';
import type { CherryPickOptions, MergeOptions, MergeResult } from '../merge/merge-types';

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

/** Defaults measured with `npm run bench` on a 2-core machine (docs/BENCHMARKS.md). */
export const DEFAULT_PARAMS: Required<StoreOptions> = { nodeSize: 8192, fanout: 64, bufferSize: 32768, blobThreshold: 2048 };

const CHECKPOINT_BYTES = 1024 * 1024;
const CHECKPOINT_COMMITS = 256;

function view(a: Address): AddressView {
  return { offset: a.offset, length: a.length, kind: BLOCK_KIND_NAMES[a.kind] ?? `kind-${a.kind}`, level: a.level, checksum: a.checksum };
}

function changeView(c: RawChange, nodes: NodeStore): DiffChange {
  const read = (v: BlobRef | Buffer | null): Buffer | null => (v === null ? null : v instanceof BlobRef ? nodes.readBlob(v) : Buffer.from(v));
  return {
    key: Buffer.from(c.key),
    type: c.type,
    get before() {
      return read(c.before);
    },
    get after() {
      return read(c.after);
    },
    beforeLength: c.before ? c.before.length : null,
    afterLength: c.after ? c.after.length : null,
  };
}

async function* asyncIterate<T>(it: Iterable<T>): AsyncGenerator<T> {
  let n = 0;
  for (const x of it) {
    yield x;
    if (++n % 512 === 0) await new Promise<void>((r) => setImmediate(r));
  }
}

/** A buffered message as plain data; its bytes are copies (the message lives in a cached node). */
function messageView(m: Msg): MessageView {
  const op = m.op === Op.Put ? 'put' : m.op === Op.Delete ? 'delete' : 'deleteRange';
  const end = m.op === Op.DeleteRange ? (m.end === null ? null : Buffer.from(m.end)) : undefined;
  return { op, key: Buffer.from(m.key), end, seq: m.seq, valueLength: m.value ? m.value.length : 0, large: m.value instanceof BlobRef };
}

const KIND_BY_NAME: Record<string, BlockKind> = { leaf: BlockKind.Leaf, internal: BlockKind.Internal, delta: BlockKind.Delta };

function fromView(a: AddressView): Address {
  const kind = KIND_BY_NAME[a.kind];
  if (kind === undefined) throw new InvalidArgumentError(`not a node address kind: ${a.kind}`);
  for (const f of ['offset', 'length', 'level', 'checksum'] as const) {
    if (!Number.isInteger(a[f]) || a[f] < 0) throw new InvalidArgumentError(`address ${f} must be a non-negative integer`);
  }
  return { offset: a.offset, length: a.length, kind, level: a.level, checksum: a.checksum };
}

function checkParams(o: StoreOptions): Required<StoreOptions> {
  const given = Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k in DEFAULT_PARAMS)) as StoreOptions;
  const p: { -readonly [K in keyof StoreOptions]-?: number } = { ...DEFAULT_PARAMS, ...given } as Required<StoreOptions>;
  // A value must fit in a leaf with room to spare: default the threshold to a quarter node.
  if (given.blobThreshold === undefined) p.blobThreshold = Math.min(DEFAULT_PARAMS.blobThreshold, Math.floor(p.nodeSize / 4));
  const int = (name: keyof StoreOptions, min: number, max: number): void => {
    const v = p[name];
    if (!Number.isInteger(v) || v < min || v > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max} (got ${v})`);
  };
  int('nodeSize', 256, 16 * 1024 * 1024);
  int('fanout', 3, 4096);
  int('bufferSize', 256, 64 * 1024 * 1024);
  int('blobThreshold', 16, p.nodeSize);
  return p;
}

/**
 * An open store: one file holding a copy-on-write hitchhiker B+tree and its catalog of
 * versions. One process writes (a lock file names it); any number read, and see new commits
 * after {@link Store.refresh}. All methods are synchronous; cursors stream.
 */
export class Store implements TransactionHost {
  readonly params: Required<StoreOptions>;
  private nodes: NodeStore;
  private writer: TreeWriter;
  private lock: WriterLock | null = null;
  private closed = false;
  private end: number;
  private latest: Address;
  private record: CatalogRecord;
  private snapshotList: readonly SnapshotEntry[] = [];
  /** Where the catalog keeps the snapshot set (table + inline chain) and the automatic-snapshot policy. */
  private snapState: SnapshotState = { list: [], policy: null, table: NO_ADDRESS, chain: NO_ADDRESS, chainLength: 0 };
  /** The file's format version: 1 keeps a full snapshot table per change (older builds read it). */
  private formatVersion: number;
  private versionIndex: Map<number, VersionEntry> | null = null;
  private superSeq: number;
  private lastCheckpointEnd: number;
  private commitsSinceCheckpoint = 0;
  private readonly listeners = new Map<keyof StoreEvents, Set<(e: never) => void>>();
  private readonly active = new Set<Transaction>();
  /** Range locks of this process's transactions (shared/exclusive, FIFO, timeouts, deadlock detection). */
  readonly locks = new LockManager();
  private readonly durable: boolean;
  /** Branch used when none is named. */
  readonly defaultBranch: string;
  /** End of the data known to be flushed: a superblock never names anything past it. */
  private syncedEnd: number;
  /** Something (a commit without `durable`, a superblock) was written and not flushed yet. */
  private unsynced = false;
  /** Where the last roll-forward broke: the first block that was not part of an accepted commit. */
  private failAt = 0;
  private damageFound: StoreDamage | null = null;
  /** The newest checkpoint on disk is `relaxed` (FORMAT.md §3). */
  private relaxedOnDisk = false;

  private constructor(
    /** Path of the store file. */
    readonly path: string,
    private file: StoreFile,
    header: FileHeader,
    sb: Superblock,
    opts: OpenOptions,
    /** True when opened without the writer lock. */
    readonly readOnly: boolean,
  ) {
    // Frozen: it is handed out (store.params, info().params) and the tree writer reads it.
    this.params = Object.freeze({ nodeSize: header.nodeSize, fanout: header.fanout, bufferSize: header.bufferSize, blobThreshold: header.blobThreshold });
    this.cacheBytes = opts.cacheBytes ?? 1024 * 1024 * 1024;
    this.nodes = new NodeStore(file, this.params, this.cacheBytes);
    this.writer = this.makeWriter();
    this.durable = opts.durable ?? true;
    this.defaultBranch = opts.branch ?? 'main';
    this.formatVersion = header.formatVersion;
    this.superSeq = sb.sequence;
    this.end = sb.committedLength;
    this.latest = sb.catalog;
    this.lastCheckpointEnd = sb.committedLength;
    this.syncedEnd = sb.committedLength;
    this.record = this.readRecord(sb.catalog);
    this.rollForward();
    this.loadSnapshots();
  }

  /**
   * Damage found at open: committed data after `offset` is unreadable while intact commits
   * follow it. Only a read-only store opens like this (showing the commits before the damage);
   * opening for writing refuses. Null for a sound file. `info()` and `verify()` report it too.
   */
  get damage(): StoreDamage | null {
    return this.damageFound;
  }

  /**
   * Creates a new store file (FileStateError if it exists) with the given tree parameters,
   * an empty tree and version 1. The file is durable when this returns.
   */
  static create(path: string, options: StoreOptions & OpenOptions = {}): Store {
    const params = checkParams(options);
    // A create killed after naming its store leaves its temp name beside it (a second link to the store).
    removeStaleCreateFiles(path);
    if (pathExists(path)) throw new FileStateError(`${path} already exists`);
    // Built under a temp name, flushed, then linked into place and the directory flushed: a crash
    // at any moment leaves either no store at `path` or a complete one, never a partial file.
    const tmp = createTempPath(path);
    const file = StoreFile.create(tmp, path);
    try {
      const header = encodeHeader({ formatVersion: FORMAT_VERSION, ...params });
      const start = Buffer.alloc(DATA_START);
      header.copy(start, 0);
      file.write(0, start);
      const out = new Appender(file, DATA_START, false);
      const nodes = new NodeStore(file, params, 1 << 20);
      const root = nodes.persist({ kind: 'leaf', keys: [], vals: [], bytes: 0, addr: null }, out);
      const now = Date.now();
      const version: VersionEntry = { id: 1, parents: [], root, branch: 'main', message: 'create', time: now, stats: { puts: 0, deletes: 0, rangeDeletes: 0, bytesWritten: 0 } };
      const rec: CatalogRecord = {
        type: RecordType.Create, time: now, prev: NO_ADDRESS, nextVersionId: 2, nextSeq: 1, snapshots: NO_ADDRESS,
        branches: [{ name: 'main', head: 1, root }], version, subject: '',
      };
      const catalog = out.append(BlockKind.Catalog, 0, 0, encodeCatalogRecord(rec));
      out.flush();
      const sb = encodeSuperblock({ sequence: 1, catalog, committedLength: out.end });
      file.write(SUPERBLOCK_OFFSETS[1], sb);
      file.sync();
      file.close();
      publishFile(tmp, path);
    } catch (e) {
      file.close();
      fs.rmSync(tmp, { force: true });
      throw e;
    }
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
    const readOnly = options.readOnly === true;
    const file = StoreFile.open(path, readOnly);
    let lock: WriterLock | null = null;
    try {
      const head = file.read(0, DATA_START);
      const h = decodeHeader(head);
      if (!h.ok) {
        if (h.reason === 'checksum') throw new StoreCorruptError(path, 0, 'file header checksum mismatch');
        if (h.reason === 'damaged-magic') throw new StoreCorruptError(path, 0, 'file header magic is damaged (the rest of the header is a Thunderhead header)');
        throw new NotAStoreError(path, h.reason === 'short' ? `only ${head.length} bytes long` : 'no Thunderhead header');
      }
      if (h.header.formatVersion > FORMAT_VERSION) throw new FormatVersionError(path, h.header.formatVersion, FORMAT_VERSION);
      if (head.length < DATA_START) throw new StoreCorruptError(path, head.length, 'file truncated inside its header');
      const sbs = SUPERBLOCK_OFFSETS.map((o) => decodeSuperblock(head.subarray(o, o + SUPERBLOCK_BYTES))).filter((s): s is Superblock => s !== null);
      if (sbs.length === 0) throw new StoreCorruptError(path, SUPERBLOCK_OFFSETS[0], 'both superblocks are damaged');
      sbs.sort((a, b) => b.sequence - a.sequence);
      if (!readOnly) lock = acquireWriterLock(path, { file: file.identity() });
      let store: Store | null = null;
      let lastError: unknown = null;
      // The newest checkpoint first; when its record or snapshot table cannot be read, the older
      // one, whose roll-forward then passes the same bytes and classifies them below.
      for (const sb of sbs) {
        try {
          store = new Store(path, file, h.header, sb, options, readOnly);
          break;
        } catch (e) {
          lastError = e;
        }
      }
      if (!store) throw lastError;
      const relaxed = sbs.some((sb) => sb.relaxed === true);
      let verdict = classifyTail(file, store.failAt, store.latest, file.size(), relaxed);
      // A live writer may have appended (or finished a block) between roll-forward and the scan:
      // damage is only what a fresh roll-forward still cannot pass.
      while (verdict.kind === 'damaged' && store.rollForward()) {
        store.loadSnapshots();
        verdict = classifyTail(file, store.failAt, store.latest, file.size(), relaxed);
      }
      let damage: StoreDamage | null = verdict.kind === 'damaged' ? { offset: verdict.offset, message: verdict.detail } : null;
      // A fallback to the older checkpoint is harmless only when the newer one named data that
      // never reached the disk (a checkpoint written before its data, by an older build without
      // `durable`): its record then reads as zeros. Anything else is damage.
      const newest = sbs[0];
      if (!damage && store.end < newest.committedLength) {
        const named = file.read(newest.catalog.offset, newest.catalog.length);
        if (!hasUnwrittenSector(named, newest.catalog.offset, newest.catalog.offset, newest.catalog.offset + newest.catalog.length)) {
          const reason = lastError instanceof StoreError ? lastError.message : 'it could not be read';
          damage = { offset: newest.catalog.offset, message: `the newest checkpoint's commit record at byte ${newest.catalog.offset} is damaged (${reason.replace(/; run `thunderhead check [^`]*`$/, '')})` };
        }
      }
      if (damage && !readOnly) {
        store.file.close();
        throw new StoreCorruptError(path, damage.offset, `${damage.message}; opening for writing would cut off committed data, so the file was left as it is (open it read-only to read the commits before the damage)`);
      }
      store.damageFound = damage;
      store.lock = lock;
      if (!readOnly) store.trimTail(verdict.kind === 'end' && store.failAt === store.end);
      store.relaxedOnDisk = sbs[0].relaxed === true;
      return store;
    } catch (e) {
      lock?.release();
      file.close();
      throw e;
    }
  }

  // ---------------------------------------------------------------- catalog and recovery

  /**
   * After recovery, a writer cuts off what follows the last complete commit (a torn tail, or the
   * intact first blocks of a commit whose record never landed) — unless it is only the zero-filled
   * space a previous writer preallocated, which is kept so the first commit of this session need
   * not write it again. Only called when {@link classifyTail} found no damage.
   */
  private trimTail(zeroTail: boolean): void {
    if (zeroTail || this.file.size() <= this.end) return;
    this.file.truncate(this.end);
  }

  private readRecord(address: Address): CatalogRecord {
    if (address.kind !== BlockKind.Catalog) throw new StoreCorruptError(this.path, address.offset, 'superblock does not point at a catalog record');
    const block = this.nodes.readBlock(address);
    try {
      return decodeCatalogRecord(block.subarray(BLOCK_HEADER_BYTES));
    } catch (e) {
      throw new StoreCorruptError(this.path, address.offset, `undecodable catalog record (${(e as Error).message})`);
    }
  }

  /**
   * Advances through complete commits after the last known one: every block must pass its
   * checksum, and a catalog record counts only when it names the current record as its
   * predecessor. Stops at the first block that is none of these and records where (`failAt`):
   * whether that is a torn tail or damage is {@link classifyTail}'s question. O(bytes after the checkpoint).
   */
  private rollForward(): boolean {
    let pos = this.end;
    let advanced = false;
    for (;;) {
      this.failAt = pos;
      const head = this.file.read(pos, BLOCK_HEADER_BYTES);
      if (head.length < BLOCK_HEADER_BYTES) break;
      const h = parseBlockHeader(head);
      if (!h) break;
      const block = this.file.read(pos, h.length);
      if (block.length < h.length || !blockChecksumOk(block)) break;
      pos += h.length;
      if (h.kind === BlockKind.Catalog) {
        let rec: CatalogRecord;
        try {
          rec = decodeCatalogRecord(block.subarray(BLOCK_HEADER_BYTES));
        } catch {
          break;
        }
        if (!sameAddress(rec.prev, this.latest)) break;
        this.latest = { offset: pos - h.length, length: h.length, kind: BlockKind.Catalog, level: 0, checksum: h.checksum };
        this.record = rec;
        this.end = pos;
        advanced = true;
        if (rec.version && this.versionIndex) this.versionIndex.set(rec.version.id, rec.version);
      }
    }
    return advanced;
  }

  private loadSnapshots(): void {
    this.snapState = loadSnapshotState(this.record, this.latest, (a) => this.readRecord(a), (a) => {
      const block = this.nodes.readBlock(a);
      try {
        return decodeSnapshots(block.subarray(BLOCK_HEADER_BYTES));
      } catch (e) {
        throw new StoreCorruptError(this.path, a.offset, `undecodable snapshot table (${(e as Error).message})`);
      }
    });
    this.snapshotList = this.snapState.list;
  }

  /**
   * Fills in the snapshot part of a record about to be appended to `out`: the new list `next`
   * and policy ride inline in the record (a full table first, in the same flush, once the chain
   * is at its bound, or on every change in a format-1 file). Returns the record and the state to
   * adopt once it is written. O(changes).
   */
  private withSnapshots(out: Appender, rec: CatalogRecord, next: readonly SnapshotEntry[], policy = this.snapState.policy): { rec: CatalogRecord; commit: (at: Address) => void } {
    const plan = planSnapshotChange(this.snapState, next, policy, this.formatVersion >= 2, (list) => out.append(BlockKind.Snapshots, 0, 0, encodeSnapshots(list)));
    return {
      rec: { ...rec, snapshots: plan.snapshots, delta: plan.delta },
      commit: (at) => {
        this.snapState = stateAfter(plan, next, policy, at);
        this.snapshotList = next;
      },
    };
  }

  /** Checks a new snapshot name: 1 to 200 characters, not a snapshot or branch already (nor twice in `also`). */
  private checkSnapshotName(name: unknown, also: readonly string[] = []): string {
    if (typeof name !== 'string' || name.length === 0 || name.length > 200) throw new InvalidArgumentError('snapshot name must be 1 to 200 characters');
    if (this.snapshotList.some((s) => s.name === name) || also.includes(name)) throw new InvalidArgumentError(`snapshot ${JSON.stringify(name)} already exists`);
    if (this.record.branches.some((b) => b.name === name)) throw new InvalidArgumentError(`${JSON.stringify(name)} is a branch name`);
    return name;
  }

  /** Every version, by walking the catalog chain once (then kept up to date). O(catalog records) the first time. */
  private index(): Map<number, VersionEntry> {
    if (this.versionIndex) return this.versionIndex;
    const map = new Map<number, VersionEntry>();
    let a = this.latest;
    let rec = this.record;
    for (;;) {
      if (rec.version) map.set(rec.version.id, rec.version);
      if (isNoAddress(rec.prev)) break;
      a = rec.prev;
      rec = this.readRecord(a);
    }
    this.versionIndex = map;
    return map;
  }

  /**
   * Writes a superblock naming the current record. The data it names is flushed first when a
   * commit without `durable` left it unflushed: a superblock that reached the disk before its
   * data would name bytes that are not there (FORMAT.md §10.2).
   */
  private writeCheckpoint(): void {
    if (this.syncedEnd < this.end) {
      this.file.sync();
      this.syncedEnd = this.end;
    }
    this.superSeq++;
    const sb = encodeSuperblock({ sequence: this.superSeq, catalog: this.latest, committedLength: this.end, relaxed: !this.durable });
    // Not flushed here: it names flushed data only, and rides along with the next flush (the
    // next durable commit's, the next checkpoint's, or close's). A torn superblock fails its
    // checksum and the other one is used.
    this.file.write(SUPERBLOCK_OFFSETS[this.superSeq % 2], sb);
    this.unsynced = true;
    this.lastCheckpointEnd = this.end;
    this.commitsSinceCheckpoint = 0;
  }

  /**
   * Before the first commit that is not flushed, a flushed checkpoint must say so: recovery then
   * knows that several commits after it may be partly missing after a power loss (FORMAT.md §3).
   * Done on the first write, not at open, so a writer that writes nothing changes nothing. O(1).
   */
  private markRelaxed(): void {
    if (this.durable || this.relaxedOnDisk) return;
    this.writeCheckpoint();
    this.file.sync();
    this.unsynced = false;
    this.relaxedOnDisk = true;
  }

  /** Appends a catalog record (and whatever blocks `out` holds), flushes once, and makes it current. */
  private appendRecord(out: Appender, rec: CatalogRecord): Address {
    this.markRelaxed();
    const address = out.append(BlockKind.Catalog, 0, 0, encodeCatalogRecord(rec));
    try {
      out.flush();
      if (this.durable) this.file.sync();
    } catch (e) {
      // Not committed: zero what it wrote, so no later commit is followed by its leftovers.
      out.discard();
      throw e;
    }
    if (!this.durable) this.unsynced = true;
    this.latest = address;
    this.record = rec;
    this.end = out.end;
    if (this.durable) {
      this.syncedEnd = this.end;
      this.unsynced = false;
    }
    if (rec.version && this.versionIndex) this.versionIndex.set(rec.version.id, rec.version);
    this.commitsSinceCheckpoint++;
    if (this.end - this.lastCheckpointEnd >= CHECKPOINT_BYTES || this.commitsSinceCheckpoint >= CHECKPOINT_COMMITS) this.writeCheckpoint();
    return address;
  }

  private baseRecord(type: RecordType, subject: string): Omit<CatalogRecord, 'version'> {
    const s = this.snapState;
    return {
      type, time: Date.now(), prev: this.latest, nextVersionId: this.record.nextVersionId, nextSeq: this.record.nextSeq,
      snapshots: s.table, branches: this.record.branches, subject,
      // A record that changes no snapshot still points at the chain, so the newest record alone leads to the set.
      delta: this.formatVersion >= 2 ? { added: [], removed: [], chain: s.chain, chainLength: s.chainLength, policy: s.policy } : null,
    };
  }

  private checkOpen(): void {
    if (this.closed) throw new ClosedError(`store ${this.path}`);
  }

  private checkWritable(): void {
    this.checkOpen();
    if (this.readOnly) throw new ReadOnlyError(this.path);
  }

  private branchEntry(name: string): BranchEntry {
    const b = this.record.branches.find((x) => x.name === name);
    if (!b) throw new VersionNotFoundError(name);
    return b;
  }

  // ---------------------------------------------------------------- reads

  /** A read view of a branch head (default branch when omitted). O(1). */
  private headView(branch = this.defaultBranch): ReadView {
    const b = this.branchEntry(branch);
    return new ReadView(this.nodes, b.root, b.head);
  }

  /** The value under `key` at the default branch head, or undefined. O(height); reads ≤ height nodes. */
  get(key: Uint8Array): Buffer | undefined {
    this.checkOpen();
    return this.headView().get(key);
  }

  /** True when `key` has a value. O(height). */
  has(key: Uint8Array): boolean {
    this.checkOpen();
    return this.headView().has(key);
  }

  /**
   * The values of many keys at the default branch head, in the order asked (undefined where
   * absent). One walk down the tree for the sorted batch: O(k log k + nodes touched).
   */
  getMany(keys: readonly Uint8Array[]): (Buffer | undefined)[] {
    this.checkOpen();
    return this.headView().getMany(keys);
  }

  /** Streams records of a range at the default branch head. Constant memory; O(height + k/fanout) nodes for k records. */
  scan(range: RangeOptions = {}): IterableIterator<Entry> {
    this.checkOpen();
    return this.headView().scan(range);
  }

  /** Async form of {@link scan}: yields to the event loop between batches. */
  scanAsync(range: RangeOptions = {}): AsyncIterableIterator<Entry> {
    this.checkOpen();
    return this.headView().scanAsync(range);
  }

  /** Counts records in a range. O(records). */
  count(range: RangeOptions = {}): number {
    this.checkOpen();
    return this.headView().count(range);
  }

  // ---------------------------------------------------------------- writes

  /** Starts a write transaction on a branch (default branch when omitted). O(1). */
  begin(opts: { branch?: string; spillBytes?: number } & TransactionOptions = {}): Transaction {
    this.checkWritable();
    this.markRelaxed();
    const b = this.branchEntry(opts.branch ?? this.defaultBranch);
    const tx = new Transaction(this, this.nodes, b.name, b.root, b.head, opts.spillBytes, { optimistic: opts.optimistic, pessimistic: opts.pessimistic });
    this.active.add(tx);
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
    this.checkWritable();
    const message = opts.message ?? '';
    if (typeof message !== 'string') throw new InvalidArgumentError('commit message must be a string');
    const snapshotName = opts.snapshot === undefined ? null : this.checkSnapshotName(opts.snapshot);
    const branch = this.branchEntry(tx.branch);
    // A merge commit's second parent (merge/merge.ts); an existing version older than this commit.
    const mergedParent = (opts as MergeCommitOptions).mergedParent;
    if (mergedParent !== undefined) this.resolve(mergedParent);
    if (tx.options.optimistic && branch.head !== tx.baseVersion) this.checkConflicts(tx, branch.root);
    const ws = tx.writeSet();
    const start = this.end;
    const out = new Appender(this.file, this.end);
    let seq = this.record.nextSeq;
    let puts = 0;
    let deletes = 0;
    const rdels: Msg[] = ws.rdels.map((r) => ({ ...r, seq: seq++ }));
    const blocksBefore = out.blocks;
    // Range deletes first, then point writes: an in-memory write set in batches of up to 2M
    // messages (every leaf a batch touches is rewritten once; the cap bounds the copies alive at
    // once for write sets of tiny records), a spilled one in chunks as it streams back from its runs.
    const chunkLimit = Array.isArray(ws.points) ? 2_097_152 : 262_144;
    let newRoot: Child = this.writer.apply(branch.root, { rdels, points: [] });
    let chunk: Msg[] = [];
    const applyChunk = (): void => {
      newRoot = this.writer.apply(newRoot, { rdels: [], points: chunk });
      chunk = [];
    };
    for (const m of ws.points) {
      let value = m.value;
      if (m.op === Op.Put) {
        puts++;
        if (value && !(value instanceof BlobRef) && value.length > this.params.blobThreshold) value = this.nodes.writeBlob(value, out);
      } else deletes++;
      chunk.push({ op: m.op, key: m.key, end: null, value, seq: seq++ });
      if (chunk.length >= chunkLimit) applyChunk();
    }
    if (chunk.length > 0) applyChunk();
    const root = this.nodes.persist(newRoot, out);
    const nodesWritten = out.blocks - blocksBefore;
    const id = this.record.nextVersionId;
    const bytesWritten = out.end - this.end;
    const version: VersionEntry = {
      id, parents: mergedParent === undefined ? [branch.head] : [branch.head, mergedParent], root, branch: branch.name, message, time: Date.now(),
      stats: { puts, deletes, rangeDeletes: rdels.length, bytesWritten },
    };
    // Snapshots named by this commit (the caller's, and the policy's automatic one) ride in its
    // own record and its one flush; so do the automatic ones the policy's retention drops.
    const added: SnapshotEntry[] = [];
    if (snapshotName !== null) added.push({ name: snapshotName, version: id, root, time: version.time, message });
    const policy = this.snapState.policy;
    const autoName = automaticSnapshotName(id);
    if (policy && automaticSnapshotDue(policy, this.snapshotList, id, version.time) && !this.snapshotList.some((s) => s.name === autoName) && autoName !== snapshotName) {
      added.push({ name: autoName, version: id, root, time: version.time, message: '', automatic: true });
    }
    const grown = added.length > 0 ? [...this.snapshotList, ...added] : this.snapshotList;
    const expired = new Set(expiredAutomaticSnapshots(policy, grown));
    const next = expired.size > 0 ? grown.filter((s) => !expired.has(s.name)) : grown;
    const planned = this.withSnapshots(out, {
      ...this.baseRecord(RecordType.Commit, ''),
      nextVersionId: id + 1, nextSeq: seq, version,
      branches: this.record.branches.map((b) => (b.name === branch.name ? { name: b.name, head: id, root } : b)),
    }, next);
    planned.commit(this.appendRecord(out, planned.rec));
    const info: CommitInfo = { version: id, branch: branch.name, bytesWritten: this.end - start, nodesWritten };
    for (const s of added) if (!expired.has(s.name)) this.emit('snapshot', snapshotInfo(s));
    for (const name of expired) if (!added.some((s) => s.name === name)) this.emit('snapshotDeleted', { name, version: (grown.find((s) => s.name === name) as SnapshotEntry).version });
    this.emit('commit', info);
    this.watchHub?.catchUp();
    return info;
  }

  /**
   * Optimistic check: what the transaction read or wrote must be unchanged between the version
   * it began on and the head it merges into (point keys compared directly; read ranges and
   * range deletes through the diff, which skips what the two versions share).
   */
  private checkConflicts(tx: Transaction, head: Address): void {
    const conflicts: Buffer[] = [];
    const ws = tx.writeSet();
    const keys = [...tx.readKeys];
    for (const m of ws.points) keys.push(m.key);
    const same = (a: unknown, b: unknown): boolean => {
      if (a === undefined || b === undefined) return a === b;
      if (a instanceof BlobRef || b instanceof BlobRef) return a instanceof BlobRef && b instanceof BlobRef && a.index.offset === b.index.offset;
      return (a as Buffer).equals(b as Buffer);
    };
    for (const k of keys) if (!same(getValue(this.nodes, tx.baseRoot, k), getValue(this.nodes, head, k))) conflicts.push(k);
    const ranges = [...tx.readRanges, ...ws.rdels.map((r) => ({ lo: r.key, hi: r.end }))];
    for (const r of ranges) {
      for (const c of diffTrees(this.nodes, tx.baseRoot, head, r.lo, r.hi)) {
        conflicts.push(c.key);
        if (conflicts.length > 1000) break;
      }
    }
    if (conflicts.length > 0) throw new ConflictError(conflicts);
  }

  /** @internal */
  transactionEnded(tx: Transaction): void {
    this.active.delete(tx);
  }

  // ---------------------------------------------------------------- versions

  /** Resolves a version id, snapshot name, branch name or "#id" string to a version. */
  private resolve(ref: number | string): VersionEntry {
    this.checkOpen();
    let id: number | undefined;
    if (typeof ref === 'number') id = ref;
    else if (typeof ref === 'string') {
      const snap = this.snapshotList.find((s) => s.name === ref);
      const br = this.record.branches.find((b) => b.name === ref);
      if (snap) id = snap.version;
      else if (br) id = br.head;
      else if (/^#?\d+$/.test(ref)) id = Number(ref.replace('#', ''));
    }
    const v = id !== undefined ? this.index().get(id) : undefined;
    if (!v) throw new VersionNotFoundError(String(ref));
    return v;
  }

  private versionInfo(v: VersionEntry): VersionInfo {
    // Copies: the entry is the catalog's own.
    return { id: v.id, parents: [...v.parents], branch: v.branch, time: v.time, message: v.message, root: view(v.root), stats: { ...v.stats } };
  }

  /** The head version of a branch (default branch when omitted). O(1) after the first catalog walk. */
  head(branch = this.defaultBranch): VersionInfo {
    return this.versionInfo(this.resolve(this.branchEntry(branch).head));
  }

  /** Every version, newest first. O(versions). */
  versions(): VersionInfo[] {
    this.checkOpen();
    return [...this.index().values()].sort((a, b) => b.id - a.id).map((v) => this.versionInfo(v));
  }

  /** A read-only view of a version (time travel): id, snapshot or branch name. O(1). */
  at(ref: number | string): ReadView {
    const v = this.resolve(ref);
    // A copy of the root: the view exposes it, and the catalog's entry must not change through it.
    return new ReadView(this.nodes, { ...v.root }, v.id);
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
    this.checkWritable();
    const list = typeof names === 'string' ? [names] : names;
    if (!Array.isArray(list) || list.length === 0) throw new InvalidArgumentError('snapshot needs at least one name');
    const checked: string[] = [];
    for (const n of list) checked.push(this.checkSnapshotName(n, checked));
    const message = opts.message ?? '';
    if (typeof message !== 'string') throw new InvalidArgumentError('snapshot message must be a string');
    const v = this.resolve(opts.version ?? this.branchEntry(this.defaultBranch).head);
    const time = Date.now();
    const added: SnapshotEntry[] = checked.map((name) => ({ name, version: v.id, root: v.root, time, message }));
    const out = new Appender(this.file, this.end);
    const planned = this.withSnapshots(out, { ...this.baseRecord(RecordType.Snapshot, checked[0]), version: null }, [...this.snapshotList, ...added]);
    planned.commit(this.appendRecord(out, planned.rec));
    const infos = added.map(snapshotInfo);
    for (const info of infos) this.emit('snapshot', info);
    return typeof names === 'string' ? infos[0] : infos;
  }

  /** Named snapshots, oldest first; `automatic` marks the ones the snapshot policy took. O(snapshots). */
  snapshots(): SnapshotInfo[] {
    this.checkOpen();
    return this.snapshotList.map(snapshotInfo);
  }

  /** Removes a snapshot name (its version stays in the lineage until compaction drops it). One record, one flush. */
  deleteSnapshot(name: string): void {
    this.checkWritable();
    const gone = this.snapshotList.find((s) => s.name === name);
    if (!gone) throw new VersionNotFoundError(name);
    const out = new Appender(this.file, this.end);
    const planned = this.withSnapshots(out, { ...this.baseRecord(RecordType.SnapshotDelete, name), version: null }, this.snapshotList.filter((s) => s !== gone));
    planned.commit(this.appendRecord(out, planned.rec));
    this.emit('snapshotDeleted', { name, version: gone.version });
  }

  /** The automatic-snapshot policy, or null when there is none. O(1). */
  snapshotPolicy(): SnapshotPolicy | null {
    this.checkOpen();
    return this.snapState.policy;
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
    this.checkWritable();
    const policy = input === null ? null : checkSnapshotPolicy(input);
    if (this.formatVersion < 2) throw new InvalidArgumentError(`${this.path} is format version ${this.formatVersion}, which cannot store a snapshot policy: compact it to upgrade it to version ${FORMAT_VERSION}`);
    const expired = new Set(expiredAutomaticSnapshots(policy, this.snapshotList));
    const gone = this.snapshotList.filter((s) => expired.has(s.name));
    const out = new Appender(this.file, this.end);
    const planned = this.withSnapshots(out, { ...this.baseRecord(RecordType.SnapshotPolicy, ''), version: null }, this.snapshotList.filter((s) => !expired.has(s.name)), policy);
    planned.commit(this.appendRecord(out, planned.rec));
    for (const s of gone) this.emit('snapshotDeleted', { name: s.name, version: s.version });
    return policy;
  }

  /** Creates a branch at a version (default: the default branch head). O(1). */
  branch(name: string, opts: { from?: number | string } = {}): BranchInfo {
    this.checkWritable();
    if (typeof name !== 'string' || !/^[\w.\-/]{1,100}$/.test(name)) throw new InvalidArgumentError('branch name must be 1 to 100 characters of letters, digits, _ . - /');
    if (this.record.branches.some((b) => b.name === name)) throw new InvalidArgumentError(`branch ${JSON.stringify(name)} already exists`);
    const v = this.resolve(opts.from ?? this.branchEntry(this.defaultBranch).head);
    const out = new Appender(this.file, this.end);
    this.appendRecord(out, { ...this.baseRecord(RecordType.Branch, name), branches: [...this.record.branches, { name, head: v.id, root: v.root }], version: null });
    const info = { name, head: v.id };
    this.emit('branch', info);
    return info;
  }

  /** Branches and their heads. O(branches). */
  branches(): BranchInfo[] {
    this.checkOpen();
    return this.record.branches.map((b) => ({ name: b.name, head: b.head }));
  }

  /** Deletes a branch name (not the default branch). */
  deleteBranch(name: string): void {
    this.checkWritable();
    const gone = this.branchEntry(name);
    if (name === this.defaultBranch) throw new InvalidArgumentError(`cannot delete the default branch ${JSON.stringify(name)}`);
    const out = new Appender(this.file, this.end);
    this.appendRecord(out, { ...this.baseRecord(RecordType.BranchDelete, name), branches: this.record.branches.filter((b) => b.name !== name), version: null });
    this.emit('branchDeleted', { name, head: gone.head });
  }

  /**
   * Moves a branch head to an existing version, e.g. back to its parent to undo the last commit.
   * Nothing is deleted: the versions the head leaves stay in the catalog (and the lineage) until
   * compaction drops them, so a reset can itself be reset forward again. O(1): one catalog record.
   */
  resetBranch(name: string, version: number | string): BranchInfo {
    this.checkWritable();
    this.branchEntry(name);
    const v = this.resolve(version);
    const out = new Appender(this.file, this.end);
    const branches = this.record.branches.map((b) => (b.name === name ? { name, head: v.id, root: v.root } : b));
    this.appendRecord(out, { ...this.baseRecord(RecordType.BranchMove, name), branches, version: null });
    const info = { name, head: v.id };
    this.emit('branch', info);
    return info;
  }

  // ---------------------------------------------------------------- views

  /**
   * A store-like view of the keys under `prefix`, with keys relative to it; pass a version to
   * read a snapshot of the view. O(1) to create; its operations cost in proportion to the view.
   */
  view(prefix: Uint8Array, at?: number | string): SubtreeView {
    this.checkOpen();
    if (at !== undefined) this.resolve(at);
    return new SubtreeView(this, prefix, at);
  }

  // ---------------------------------------------------------------- diffs

  /** Work done by the last diff: subtrees skipped as shared, regions compared record by record. */
  lastDiff: DiffCounters = { subtreesSkipped: 0, regionsScanned: 0 };

  /**
   * Key-level changes from version `a` to version `b` (ids, snapshot or branch names), in key
   * order. Walks both trees together and skips every subtree that is shared with the same
   * buffered messages above it, so the cost grows with the changes, not the store:
   * O(changes · height) node reads when changes are sparse.
   */
  diff(a: number | string, b: number | string, opts: DiffOptions = {}): IterableIterator<DiffChange> {
    const va = this.resolve(a);
    const vb = this.resolve(b);
    const { lo, hi } = rangeBounds(opts);
    if (emptyRange(lo, hi)) return [][Symbol.iterator]();
    this.lastDiff = { subtreesSkipped: 0, regionsScanned: 0 };
    const nodes = this.nodes;
    const raw = diffTrees(nodes, va.root, vb.root, lo, hi, this.lastDiff);
    return (function* (): Generator<DiffChange> {
      for (const c of raw) yield changeView(c, nodes);
    })();
  }

  /** Async form of {@link diff}: yields to the event loop between batches (for wide diffs). */
  diffAsync(a: number | string, b: number | string, opts: DiffOptions = {}): AsyncIterableIterator<DiffChange> {
    return asyncIterate(this.diff(a, b, opts));
  }

  /** Counts added / removed / changed keys without keeping values. Same cost as {@link diff}. */
  diffSummary(a: number | string, b: number | string, opts: DiffOptions = {}): DiffSummary {
    const s = { added: 0, removed: 0, changed: 0 };
    for (const c of this.diff(a, b, opts)) s[c.type]++;
    return s;
  }

  /**
   * Node-level sharing between two versions, for drawing: each node reachable from either root
   * marked shared / only-left / only-right (a shared node's subtree is not listed). O(changed nodes · fanout).
   */
  structuralDiff(a: number | string, b: number | string): { address: AddressView; side: 'shared' | 'left' | 'right' }[] {
    const va = this.resolve(a);
    const vb = this.resolve(b);
    return structuralDiff(this.nodes, va.root, vb.root).map((n) => ({ address: view(n.address), side: n.side }));
  }

  // ---------------------------------------------------------------- merges

  /**
   * The best common ancestor of two versions (ids, snapshot or branch names) in the lineage, or
   * null when they share none (see engine/merge/merge-base.ts for the tie-break). In memory:
   * O(v log v) for the v versions newer than the base.
   */
  mergeBase(a: number | string, b: number | string): VersionInfo | null {
    const va = this.resolve(a);
    const vb = this.resolve(b);
    const id = mergeBase((x) => this.index().get(x)?.parents, va.id, vb.id);
    return id === null ? null : this.versionInfo(this.resolve(id));
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
    this.checkOpen();
    if (!opts.dryRun) this.checkWritable();
    return mergeVersions(this.mergeHost(), theirs, opts);
  }

  /**
   * Applies one version's changes (its diff against its first parent) to a branch (`onto`,
   * default the default branch) as a new ordinary commit, with the merge's conflict rules and
   * the picked version's parent as the base. O(changes · height) node reads.
   */
  cherryPick(version: number | string, opts: CherryPickOptions = {}): MergeResult {
    this.checkOpen();
    if (!opts.dryRun) this.checkWritable();
    return cherryPick(this.mergeHost(), version, opts);
  }

  private mergeHost(): MergeHost {
    return {
      defaultBranch: this.defaultBranch,
      version: (ref) => this.versionInfo(this.resolve(ref)),
      parentsOf: (id) => this.index().get(id)?.parents,
      branchHead: (name) => this.branchEntry(name).head,
      diff: (a, b) => this.diff(a, b),
      begin: (branch) => this.begin({ branch }),
      commit: (tx, message, mergedParent) => tx.commit({ message, mergedParent } as MergeCommitOptions),
      moveBranch: (name, id) => {
        this.resetBranch(name, id);
      },
    };
  }

  // ---------------------------------------------------------------- compaction

  /** Node cache budget, kept to size the cache of a file adopted after compaction. */
  private readonly cacheBytes: number;
  /** Files replaced by compaction: views opened before it still read them; closed with the store. */
  private readonly retired: StoreFile[] = [];

  private makeWriter(): TreeWriter {
    return new TreeWriter(this.nodes, this.params, {
      flush: (level, messages) => this.emit('flush', { level, messages }),
      split: (level, pieces) => this.emit('split', { level, pieces }),
    });
  }

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
    this.checkWritable();
    if (this.active.size > 0) throw new InvalidArgumentError(`cannot compact while ${this.active.size} transaction(s) are open: commit or abort them first`);
    const report = (p: CompactionProgress): void => {
      opts.onProgress?.(p.done, p.total, p.phase);
      this.emit('compaction', p);
    };
    return compactStore(this.compactionSource(), opts, report, (file) => {
      try {
        this.adoptFile(file);
        this.lock?.prune();
      } catch (e) {
        // The path already names the compacted file: commits through the old descriptor would be lost.
        this.close();
        throw new FileStateError(`${this.path} was compacted but could not be reopened (${(e as Error).message}); open it again`);
      }
    });
  }

  /**
   * Where the file's bytes go: the distinct blocks the catalog reaches (records, snapshot
   * tables, every version's nodes and journal chains, large values) against the data area.
   * After {@link compact}, `unreachableBytes` is 0. O(reachable blocks): reads every leaf.
   */
  spaceUsage(): SpaceUsage {
    this.checkOpen();
    return measureSpace(this.compactionSource(), (a) => this.readRecord(a));
  }

  private compactionSource(): CompactionSource {
    return {
      path: this.path, params: this.params, readBlock: (a) => this.nodes.readBlock(a), versions: this.index(), record: this.record,
      latest: this.latest, snapshots: this.snapshotList, superSequence: this.superSeq, committedEnd: this.end, fileBytes: this.file.size(),
      lockReplacement: (p) => this.lock?.cover(p), snapshotPolicy: this.snapState.policy,
    };
  }

  /**
   * Switches to `file` (the store's path now names it): a fresh node cache (offsets mean other
   * blocks there), its newest checkpoint, roll-forward. On failure nothing changes and `file`
   * is closed. The old file stays open for views that still read it.
   */
  private adoptFile(file: StoreFile): void {
    const saved = {
      file: this.file, nodes: this.nodes, writer: this.writer, superSeq: this.superSeq, end: this.end, latest: this.latest,
      lastCheckpointEnd: this.lastCheckpointEnd, commitsSinceCheckpoint: this.commitsSinceCheckpoint, record: this.record,
      versionIndex: this.versionIndex, snapshotList: this.snapshotList, snapState: this.snapState, formatVersion: this.formatVersion,
      syncedEnd: this.syncedEnd, unsynced: this.unsynced,
    };
    try {
      const head = file.read(0, DATA_START);
      const h = decodeHeader(head);
      if (!h.ok) throw new StoreCorruptError(this.path, 0, 'the file now at this path has no valid store header');
      const p = this.params;
      if (h.header.nodeSize !== p.nodeSize || h.header.fanout !== p.fanout || h.header.bufferSize !== p.bufferSize || h.header.blobThreshold !== p.blobThreshold) {
        throw new FileStateError(`${this.path} was replaced by a store with other tree parameters; open it again`);
      }
      const sb = SUPERBLOCK_OFFSETS.map((o) => decodeSuperblock(head.subarray(o, o + SUPERBLOCK_BYTES)))
        .filter((x): x is Superblock => x !== null).sort((a, b) => b.sequence - a.sequence)[0];
      if (!sb) throw new StoreCorruptError(this.path, SUPERBLOCK_OFFSETS[0], 'both superblocks are damaged');
      Object.assign(file.io, this.file.io);
      this.file = file;
      this.formatVersion = h.header.formatVersion;
      this.nodes = new NodeStore(file, this.params, this.cacheBytes);
      this.writer = this.makeWriter();
      this.superSeq = sb.sequence;
      this.end = sb.committedLength;
      this.latest = sb.catalog;
      this.lastCheckpointEnd = sb.committedLength;
      this.commitsSinceCheckpoint = 0;
      // A compacted file is flushed before it is renamed into place; a replaced one a reader adopts is not ours to flush.
      this.syncedEnd = sb.committedLength;
      this.unsynced = false;
      this.versionIndex = null;
      this.record = this.readRecord(sb.catalog);
      this.rollForward();
      this.loadSnapshots();
    } catch (e) {
      Object.assign(this, saved);
      file.close();
      throw e;
    }
    this.retired.push(saved.file);
    retiredFiles.register(saved.nodes, saved.file);
  }

  /** A reader's switch to the file a compaction in another process renamed over the path; false when it could not open it. */
  private reopenReplaced(): boolean {
    let file: StoreFile;
    try {
      file = StoreFile.open(this.path, true);
    } catch {
      return false; // gone again between stat and open: keep reading the file we have
    }
    this.adoptFile(file);
    return true;
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
    this.checkOpen();
    if (!this.readOnly) return false;
    const before = this.latest;
    // A compaction in another process renamed a new file over the path: switch to it first.
    const replaced = this.file.replacedOnDisk() && this.reopenReplaced();
    const head = this.file.read(0, DATA_START);
    const sbs = SUPERBLOCK_OFFSETS.map((o) => decodeSuperblock(head.subarray(o, o + SUPERBLOCK_BYTES))).filter((s): s is Superblock => s !== null);
    const newest = sbs.sort((a, b) => b.sequence - a.sequence)[0];
    if (newest && newest.committedLength > this.end) {
      try {
        const rec = this.readRecord(newest.catalog);
        this.latest = newest.catalog;
        this.record = rec;
        this.end = newest.committedLength;
        this.versionIndex = null;
      } catch {
        /* a checkpoint we cannot read yet: roll forward instead */
      }
    }
    this.rollForward();
    if (!replaced && sameAddress(before, this.latest)) return false;
    this.loadSnapshots();
    this.emit('refresh', { version: this.record.nextVersionId - 1 });
    this.watchHub?.catchUp();
    return true;
  }

  // ---------------------------------------------------------------- introspection

  /** I/O counters (node visits, block reads and writes, flushes). */
  get io(): Readonly<IoCounters> {
    return this.file.io;
  }

  /** Cheap facts: sizes, height, versions, head. O(1) (after the first catalog walk). */
  info(): StoreInfo {
    this.checkOpen();
    const head = this.resolve(this.branchEntry(this.defaultBranch).head);
    const owner = readLockOwner(this.path);
    return {
      path: this.path, fileSize: this.end, formatVersion: this.formatVersion, height: head.root.level + 1,
      versions: this.index().size, head: this.versionInfo(head), branch: this.defaultBranch, params: this.params, readOnly: this.readOnly,
      writerPid: owner && processAlive(owner.pid) ? owner.pid : null, damage: this.damageFound,
    };
  }

  /** The root address of a version (default branch head). */
  rootAddress(ref?: number | string): AddressView {
    const v = ref === undefined ? this.resolve(this.branchEntry(this.defaultBranch).head) : this.resolve(ref);
    return view(v.root);
  }

  /** Everything about one node, as plain data (for the inspector's node panel). O(node size). */
  readNode(address: AddressView): NodeView {
    this.checkOpen();
    const a = fromView(address);
    if (a.offset < DATA_START || a.offset + a.length > this.end) throw new InvalidArgumentError(`no node at byte ${a.offset}`);
    const node = this.nodes.load(a);
    const base = node.kind === 'internal' ? this.nodes.chainOf(a) : [a];
    const baseAddr = base[base.length - 1];
    const payload = this.nodes.readBlock(baseAddr).subarray(BLOCK_HEADER_BYTES);
    const { prefix, stored } = storedKeysOf(payload, node.kind);
    if (node.kind === 'leaf') {
      return {
        address: view(a), kind: 'leaf', level: 0, prefix, keys: node.keys.map((k) => Buffer.from(k)), stored,
        values: node.vals.map((v) => ({ length: v.length, large: v instanceof BlobRef })), children: [], buffer: [], chain: [],
        encodedBytes: a.length, fill: node.bytes / this.params.nodeSize, bufferBytes: 0, bufferFill: 0,
      };
    }
    const messages = [...node.rdels, ...node.msgs];
    return {
      address: view(a), kind: 'internal', level: node.level, prefix, keys: node.pivots.map((k) => Buffer.from(k)),
      // Pivots are stored in the base block; the journal only adds messages.
      stored: stored.length === node.pivots.length ? stored : node.pivots.map((k) => ({ shared: 0, suffix: Buffer.from(k) })),
      values: [], children: (node.children as Address[]).map(view),
      buffer: messages.map(messageView), chain: base.map(view), encodedBytes: base.reduce((s, x) => s + x.length, 0),
      fill: node.children.length / this.params.fanout, bufferBytes: node.bufBytes, bufferFill: node.bufBytes / this.params.bufferSize,
    };
  }

  /**
   * The root-to-leaf path a key takes, with the buffered messages on the path that touch it
   * (point messages for the key, range deletes covering it). O(height).
   */
  pathOf(key: Uint8Array, ref?: number | string): { path: AddressView[]; messages: (MessageView & { at: AddressView })[] } {
    const k = asKey(key);
    const v = ref === undefined ? this.resolve(this.branchEntry(this.defaultBranch).head) : this.resolve(ref);
    const path: AddressView[] = [];
    const messages: (MessageView & { at: AddressView })[] = [];
    let a: Address = v.root;
    for (;;) {
      path.push(view(a));
      const node = this.nodes.load(a);
      if (node.kind === 'leaf') break;
      const i = findMsg(node.msgs, k);
      if (i >= 0) messages.push({ ...messageView(node.msgs[i]), at: view(a) });
      if (rdelCovers(node.rdels, k)) for (const r of node.rdels) if (rdelCovers([r], k)) messages.push({ ...messageView(r), at: view(a) });
      a = node.children[upperBound(node.pivots, k)] as Address;
    }
    return { path, messages };
  }

  /**
   * Walks every node of a version (default branch head): nodes per level, leaf fill, buffer
   * occupancy per level, records, large values, live vs dead bytes. O(nodes + records).
   */
  analyze(onProgress?: (done: number, total: number) => void, ref?: number | string): TreeStats {
    this.checkOpen();
    const v = ref === undefined ? this.resolve(this.branchEntry(this.defaultBranch).head) : this.resolve(ref);
    const height = v.root.level + 1;
    const nodesPerLevel = new Array<number>(height).fill(0);
    const leafFill = new Array<number>(10).fill(0);
    const occ = Array.from({ length: height }, (_, level) => ({ level, nodes: 0, messages: 0, bytes: 0, fill: 0 }));
    let liveBytes = DATA_START;
    const large = { count: 0, bytes: 0 };
    let done = 0;
    const walk = (a: Address): void => {
      const node = this.nodes.load(a);
      const level = node.kind === 'leaf' ? 0 : node.level;
      nodesPerLevel[height - 1 - level]++;
      if (node.kind === 'leaf') {
        liveBytes += a.length;
        leafFill[Math.min(9, Math.floor((node.bytes / this.params.nodeSize) * 10))]++;
        for (const val of node.vals) {
          if (val instanceof BlobRef) {
            large.count++;
            large.bytes += val.length;
            liveBytes += val.length + Math.ceil(val.length / (1024 * 1024)) * (BLOCK_HEADER_BYTES + 16) + 64;
          }
        }
      } else {
        liveBytes += this.chainBytesOf(a);
        const o = occ[height - 1 - level];
        o.nodes++;
        o.messages += node.msgs.length + node.rdels.length;
        o.bytes += node.bufBytes;
        for (const c of node.children) walk(c as Address);
      }
      done++;
      if (onProgress && done % 256 === 0) onProgress(done, 0);
    };
    walk(v.root);
    for (const o of occ) o.fill = o.nodes ? o.bytes / (o.nodes * this.params.bufferSize) : 0;
    const records = new ReadView(this.nodes, v.root, v.id).count();
    onProgress?.(done, done);
    return {
      height, nodesPerLevel, leafFill, bufferOccupancy: occ.filter((o) => o.nodes > 0), records,
      liveBytes, deadBytes: Math.max(0, this.end - liveBytes), largeValues: large,
    };
  }

  private chainBytesOf(a: Address): number {
    if (a.kind !== BlockKind.Delta) return a.length;
    return this.nodes.chainOf(a).reduce((s, x) => s + x.length, 0);
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
    this.checkOpen();
    const seen = new Set<number>();
    const catalog = verifyCatalog(this.catalogFacts());
    const problems: Problem[] = catalog.problems;
    problems.push(...this.fileProblems());
    // Only node addresses within the file are walked: a bad root is already a catalog problem.
    const walkable = (a: Address): boolean => (a.kind === BlockKind.Leaf || a.kind === BlockKind.Internal || a.kind === BlockKind.Delta) && a.offset + a.length <= this.end;
    const versions = [...catalog.versions.values()].filter((v) => walkable(v.root));
    const roots: { label: string; root: Address }[] = [
      ...this.record.branches.map((b) => ({ label: `branch ${b.name}`, root: b.root })),
      ...this.snapshotList.map((s) => ({ label: `snapshot ${s.name}`, root: s.root })),
    ];
    if (opts.allVersions !== false) for (const v of versions.sort((a, b) => b.id - a.id)) roots.push({ label: `version ${v.id}`, root: v.root });
    // Nodes come from the file, never from the cache: verify() reports what is on disk.
    const disk = new DiskNodeReader(this.nodes);
    const hooks = {
      maxChain: MAX_CHAIN,
      checkEncoding: (): Problem[] =>
        disk.takePrefixMismatches().map((m) => ({ invariant: 'prefix', where: `node @${m.offset}`, offset: m.offset, message: `stored prefix is ${m.stored} bytes; the keys share ${m.expected}` })),
      checkBlob: (ref: BlobRef, where: string): Problem[] => {
        try {
          this.nodes.readBlob(ref);
          return [];
        } catch (e) {
          return [{ invariant: 'checksum', where: `${where} large value`, offset: ref.index.offset, message: (e as Error).message }];
        }
      },
    };
    for (const r of roots) {
      if (!walkable(r.root)) continue;
      // Name the version in every problem (verifyTree leaves it out when a node cannot be loaded).
      for (const p of verifyTree(disk, this.params, r.root, hooks, seen, r.label)) problems.push(p.where.startsWith(`${r.label} `) ? p : { ...p, where: `${r.label} ${p.where}` });
    }
    return { ok: problems.length === 0, problems, nodesChecked: seen.size, versionsChecked: catalog.versions.size };
  }

  /**
   * What is wrong outside the tree, read from the file: damage found at open (committed data
   * after it unreachable), a damaged superblock slot (the store opens from the other one, but
   * the redundant checkpoint is gone), non-zero bytes where the header area is reserved. O(4 KiB).
   */
  private fileProblems(): Problem[] {
    const problems: Problem[] = [];
    if (this.damageFound) problems.push({ invariant: 'committed-data', where: 'file', offset: this.damageFound.offset, message: this.damageFound.message });
    const head = this.file.read(0, DATA_START);
    const size = this.file.size();
    for (const o of SUPERBLOCK_OFFSETS) {
      const slot = head.subarray(o, o + SUPERBLOCK_BYTES);
      // A slot never written yet (a new or compacted file) is all zero, and fine.
      if (slot.every((b) => b === 0)) continue;
      const sb = decodeSuperblock(slot);
      const where = `superblock @${o}`;
      if (!sb) problems.push({ invariant: 'superblock', where, offset: o, message: 'fails its checksum: only the other checkpoint is left' });
      else if (sb.committedLength > size || sb.catalog.offset + sb.catalog.length !== sb.committedLength || sb.catalog.kind !== BlockKind.Catalog) {
        problems.push({ invariant: 'superblock', where, offset: o, message: `names a record (@${sb.catalog.offset}, ${sb.catalog.length} bytes) that does not end at its committed length ${sb.committedLength} within the file` });
      } else {
        const why = checkBlockAgainst(this.file.read(sb.catalog.offset, sb.catalog.length), sb.catalog);
        if (why) problems.push({ invariant: 'superblock', where, offset: o, message: `names a record at byte ${sb.catalog.offset} that cannot be read (${why})` });
      }
    }
    const reserved: [number, number][] = [[HEADER_BYTES, SUPERBLOCK_OFFSETS[0]], [SUPERBLOCK_OFFSETS[0] + SUPERBLOCK_BYTES, SUPERBLOCK_OFFSETS[1]], [SUPERBLOCK_OFFSETS[1] + SUPERBLOCK_BYTES, DATA_START]];
    for (const [from, to] of reserved) {
      const bad = head.subarray(from, to).findIndex((b) => b !== 0);
      if (bad >= 0) problems.push({ invariant: 'reserved', where: 'file header area', offset: from + bad, message: `byte ${from + bad} is not zero: bytes ${from}..${to} are reserved and must be zero` });
    }
    return problems;
  }

  /** Catalog records verify() decoded, by offset, with the checksum their bytes had (for one file). */
  private decodedRecords: { file: StoreFile; byOffset: Map<number, { checksum: number; record: CatalogRecord }> } | null = null;

  /**
   * The record at `address`, read from the file and checked against its address like any block.
   * Bytes that pass the same checksum as when an earlier verify() decoded them are those bytes,
   * so only their decoding is skipped: verifying after every commit stays cheap per record
   * (one read and a CRC), and damage on disk is still found. O(record bytes).
   */
  private recordOnDisk(address: Address): CatalogRecord {
    if (this.decodedRecords?.file !== this.file) this.decodedRecords = { file: this.file, byOffset: new Map() };
    const memo = this.decodedRecords.byOffset;
    const known = memo.get(address.offset);
    if (known && known.checksum === address.checksum && address.kind === BlockKind.Catalog) {
      this.nodes.readBlock(address);
      return known.record;
    }
    const record = this.readRecord(address);
    memo.set(address.offset, { checksum: address.checksum, record });
    return record;
  }

  /**
   * The catalog chain read from the file, newest first, not from the cached index: every record
   * is read and checked again on each call (`recordOnDisk`). O(records).
   */
  private catalogFacts(): CatalogFacts {
    const records: { offset: number; record: CatalogRecord }[] = [];
    let chainError: string | undefined;
    let a = this.latest;
    for (;;) {
      let rec: CatalogRecord;
      try {
        rec = this.recordOnDisk(a);
      } catch (e) {
        chainError = e instanceof StoreError ? e.message : String(e);
        break;
      }
      records.push({ offset: a.offset, record: rec });
      if (isNoAddress(rec.prev)) break;
      // Records are appended: a predecessor at a later offset would make the chain a loop.
      if (rec.prev.offset >= a.offset) {
        chainError = `record @${a.offset} names record @${rec.prev.offset}, not an earlier one, as its predecessor`;
        break;
      }
      a = rec.prev;
    }
    return { records, chainError, snapshots: this.snapshotList, committedEnd: this.end };
  }

  // ---------------------------------------------------------------- events and lifecycle

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof StoreEvents>(event: K, fn: (e: StoreEvents[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn as (e: never) => void);
    return () => set?.delete(fn as (e: never) => void);
  }

  private emit<K extends keyof StoreEvents>(event: K, e: StoreEvents[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    // A listener runs after the work is durable: its exception must not look like a failed
    // commit to the caller, nor keep the other listeners from running.
    for (const fn of [...set]) {
      try {
        (fn as (x: StoreEvents[K]) => void)(e);
      } catch (error) {
        this.listenerFailed(event, error);
      }
    }
  }

  private listenerFailed(event: string, error: unknown): void {
    const set = this.listeners.get('listenerError');
    if (event !== 'listenerError' && set && set.size > 0) this.emit('listenerError', { event, error });
    else process.emitWarning(`a Thunderhead ${event} listener threw: ${error instanceof Error ? error.message : String(error)}`);
  }

  // ---------------------------------------------------------------- watches and references

  private watchHub: WatchHub | null = null;

  /**
   * Calls `listener` once per commit that changes keys inside `range` (prefix ∩ [from, to),
   * optionally one branch) with those changes — for commits through this store and, on a
   * read-only store, for each commit of another process that {@link refresh} finds. Each commit
   * costs its watchers one diff between the version's parent and the version:
   * O(changes · height) node reads, not O(store). A watcher that throws is reported as a
   * `listenerError` event and the others still run. Returns the unsubscribe function.
   */
  watch(range: WatchRange, listener: WatchListener): () => void {
    this.checkOpen();
    this.watchHub ??= new WatchHub({
      latestVersion: () => this.record.nextVersionId - 1,
      versionOf: (id) => {
        const v = this.index().get(id);
        return v && { parent: v.parents[0] ?? 0, branch: v.branch };
      },
      diff: (a, b, opts) => this.diff(a, b, opts),
      reportListenerError: (error) => this.listenerFailed('watch', error),
    });
    return this.watchHub.add(range, listener);
  }

  /**
   * The record a reference points at, read as of version `at` (default branch head) — or at
   * the version the reference pins — or undefined when the key (or the pinned version) is
   * missing. A view prefix is part of the target's key. O(height).
   */
  resolveRef(ref: Ref, opts: { at?: number | string } = {}): RefTarget | undefined {
    this.checkOpen();
    const here = opts.at === undefined ? this.headView() : this.at(opts.at);
    return resolveRef({ get: (k) => here.get(k), at: (v) => this.at(v) }, ref);
  }

  /**
   * Every reference, in the head of every branch (each distinct head once), whose target is
   * missing: no record at its key, or no such pinned version. O(records) reads plus one
   * O(height) point read per reference; `onProgress` is called every 4096 records.
   */
  findDanglingRefs(opts: DanglingRefOptions = {}): DanglingRef[] {
    this.checkOpen();
    return findDanglingRefs({ branches: () => this.branches(), at: (v) => this.at(v) }, opts);
  }

  /**
   * Writes a final checkpoint when anything was committed since the last one, flushes whatever
   * is not on disk yet — in every mode: after close() returns every commit is durable — and
   * releases the writer lock. A writer that wrote nothing leaves the file byte for byte as it
   * was. The zero-filled space past the end is kept for the next writer (the file is not
   * trimmed). At most two flushes (data, then the superblock naming it).
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const tx of [...this.active]) tx.abort();
    try {
      // Nothing written since the last checkpoint (edit mode entered and left, say): the file
      // stays byte for byte as it was, so opening for writing is not itself a change.
      if (!this.readOnly) {
        if (this.end !== this.lastCheckpointEnd) this.writeCheckpoint();
        if (this.unsynced) this.file.sync();
      }
    } finally {
      this.file.close();
      for (const f of this.retired) f.close();
      this.lock?.release();
      this.lock = null;
    }
  }
}

/**
 * Closes a file replaced by compaction once nothing can read it any more: the views opened
 * before the compaction hold its NodeStore, and the store drops its own reference at the switch.
 */
const retiredFiles = new FinalizationRegistry<StoreFile>((file) => file.close());

/** A snapshot as plain data. */
function snapshotInfo(s: SnapshotEntry): SnapshotInfo {
  return { name: s.name, version: s.version, time: s.time, message: s.message, automatic: s.automatic === true };
}

/** @internal for tests: host name recorded in lock files. */
export const HOST = os.hostname();
export type { InternalNode, Child };
