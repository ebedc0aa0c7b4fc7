import { ClosedError, InvalidArgumentError } from '../errors';
import { rdelCovers, RdelCursor, unionRdels } from '../tree/buffer';
import { compareKeys, emptyRange } from '../tree/keys';
import { Op, type Child, type Msg } from '../tree/node';
import { overlayMessages } from '../tree/overlay';
import { scanTree, type RawEntry } from '../tree/read';
import { asKey, asValue, rangeBounds, ReadView, toEntries, asyncEntries, type Entry, type RangeOptions } from './read-view';
import type { NodeStore } from './node-store';
import { PutLog } from './put-log';
import { SortedMap } from './sorted-map';
import { SpillFile, type SpilledRun } from './spill';
import type { AcquireOptions, LockMode, LockTarget, StoreLockTable } from './lock-table';

/** Options of a commit. */
export interface CommitOptions {
  /** A message recorded with the version (shown by `log` and the lineage view). */
  readonly message?: string;
  /**
   * Names the new version as a snapshot. The name travels in the commit's own catalog record
   * and flush, so it costs nothing beyond the commit (FORMAT.md §13).
   */
  readonly snapshot?: string;
}

/**
 * @internal The merge's commit options (engine/merge/merge.ts): `mergedParent` becomes the new
 * version's second parent. Not exported from the engine: a merge commit is made by Store.merge.
 */
export interface MergeCommitOptions extends CommitOptions {
  readonly mergedParent?: number;
}

/** What a commit produced. */
export interface CommitInfo {
  readonly version: number;
  /** The new version's parents: the branch head it was applied to, then for a merge commit the merged version. */
  readonly parents: readonly number[];
  readonly branch: string;
  readonly bytesWritten: number;
  readonly nodesWritten: number;
}

/** How a transaction treats concurrent transactions. */
export interface TransactionOptions {
  /** Commit fails with ConflictError when keys it read or wrote changed since it began. */
  readonly optimistic?: boolean;
  /** Take shared locks on what it reads and exclusive locks on what it writes (the async API). */
  readonly pessimistic?: boolean;
}

/** The store side a transaction commits through (implemented by Store). */
export interface TransactionHost {
  readonly locks: StoreLockTable;
  /** Releases every lock `tx` holds (a no-op when the host never made a lock table). */
  releaseLocks(tx: Transaction): void;
  commitTransaction(tx: Transaction, opts: CommitOptions): CommitInfo;
  transactionEnded(tx: Transaction): void;
}

/** The writes of a transaction, ready to merge: sorted disjoint range deletes, then sorted point messages newer than them. */
export interface WriteSet {
  readonly rdels: readonly Msg[];
  /** In key order; streamed from the spill file for a spilled transaction. */
  readonly points: Iterable<Msg>;
}

/** Default memory a transaction's writes may take before they spill to a temporary file. */
export const DEFAULT_SPILL_BYTES = 256 * 1024 * 1024;

/**
 * A write transaction. It reads the version it began on plus its own writes, which it keeps in
 * memory on a private sorted copy (never visible to others); commit merges them into the
 * branch head as one batch of messages; abort discards them. Writes follow the hitchhiker
 * buffer's rule: a range delete drops earlier writes it covers; later writes win.
 */
export class Transaction {
  private readonly points: SortedMap<Buffer, Msg> = new SortedMap<Buffer, Msg>(undefined, compareKeys);
  /**
   * Writes not yet sorted into `points`, in arrival order, as columns over byte slabs (no
   * object per write). A bulk load only appends here and is sorted once at commit (O(n log n)
   * with cheap compares) instead of n tree inserts; into an empty tree, the commit builds the
   * tree straight from it (store/bulk-build.ts).
   */
  private log = new PutLog();
  private rdels: Msg[] = [];
  /** Spilled runs, oldest first, and every range delete with the number of runs before it. */
  private runs: SpilledRun[] = [];
  private rdelLog: { lo: Buffer; hi: Buffer | null; gen: number }[] = [];
  private spillFile: SpillFile | null = null;
  private open = true;
  /** Keys and ranges read (optimistic mode), for the conflict check at commit. */
  readonly readKeys: Buffer[] = [];
  readonly readRanges: { lo: Buffer | null; hi: Buffer | null }[] = [];
  /** This transaction's id in the lock manager (ids grow with begin order: younger = larger). */
  readonly id: number;
  private static nextId = 1;
  /** Bytes of keys and values held (for spill decisions and stats). */
  bytes = 0;

  constructor(
    private readonly host: TransactionHost,
    private readonly nodes: NodeStore,
    /** The branch this transaction commits to. */
    readonly branch: string,
    /** The root of the version it began on. */
    readonly baseRoot: Child,
    /** The version it began on. */
    readonly baseVersion: number,
    /** Bytes of staged writes kept in memory before they spill to a temporary file. */
    private readonly spillBytes: number = DEFAULT_SPILL_BYTES,
    /** Optimistic / pessimistic behaviour. */
    readonly options: TransactionOptions = {},
  ) {
    this.id = Transaction.nextId++;
  }

  /**
   * Locks a key, range `[from, to)` or prefix in shared or exclusive mode; resolves when granted.
   * Rejects with LockTimeoutError or DeadlockError (this transaction being the youngest in a
   * cycle). Locks are released at commit or abort.
   */
  lock(target: LockTarget, mode: LockMode, opts?: AcquireOptions): Promise<void> {
    this.check();
    return this.host.locks.acquire(this.id, target, mode, opts);
  }

  /** Pessimistic read: a shared lock on the key, then the read. */
  async getLocked(key: Uint8Array, opts?: AcquireOptions): Promise<Buffer | undefined> {
    await this.lock({ key }, 'shared', opts);
    return this.get(key);
  }

  /** Pessimistic write: an exclusive lock on the key, then the staged put. */
  async putLocked(key: Uint8Array, value: Uint8Array, opts?: AcquireOptions): Promise<void> {
    await this.lock({ key }, 'exclusive', opts);
    this.put(key, value);
  }

  /** Number of runs spilled to the temporary file so far. */
  get spilledRuns(): number {
    return this.runs.length;
  }

  /** Past the memory limit: writes the staged point writes as a sorted run and forgets them. */
  private maybeSpill(): void {
    if (this.bytes <= this.spillBytes) return;
    this.settle();
    if (this.points.size === 0) return;
    this.spillFile ??= new SpillFile();
    this.runs.push(this.spillFile.writeRun(this.points.valuesArray()));
    this.points.clear();
    this.bytes = 0;
  }

  /** True when a range delete issued after run `r` was written covers `key`. */
  private maskedInRun(key: Uint8Array, r: number): boolean {
    for (const d of this.rdelLog) {
      if (d.gen > r && compareKeys(key, d.lo) >= 0 && (d.hi === null || compareKeys(key, d.hi) < 0)) return true;
    }
    return false;
  }

  /** The staged point writes in [lo, hi), newest source winning: memory, then runs newest first. */
  private *stagedPoints(lo: Buffer | null, hi: Buffer | null): Generator<Msg> {
    this.settle();
    const mem: Msg[] = [];
    if (this.points.size > 0) {
      for (const [k, m] of this.points.entries(lo ?? undefined)) {
        if (hi !== null && compareKeys(k, hi) >= 0) break;
        mem.push(m);
      }
    }
    if (this.runs.length === 0) {
      yield* mem;
      return;
    }
    // Sources newest first: memory (index 0), then runs from the newest.
    const sources: Iterator<Msg>[] = [mem[Symbol.iterator](), ...this.runs.map((_, i) => this.runs[this.runs.length - 1 - i].range(lo, hi))];
    const heads = sources.map((it) => it.next());
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (h.done) continue;
        if (best < 0 || compareKeys(h.value.key, (heads[best].value as Msg).key) < 0) best = i;
      }
      if (best < 0) return;
      const m = heads[best].value as Msg;
      const runIndex = best === 0 ? Infinity : this.runs.length - best;
      if (best === 0 || !this.maskedInRun(m.key, runIndex)) yield m;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (!h.done && compareKeys(h.value.key, m.key) === 0) heads[i] = sources[i].next();
      }
    }
  }

  private check(): void {
    if (!this.open) throw new ClosedError('transaction');
  }

  /**
   * Moves logged writes into the sorted map (before any read or range delete): the last write of
   * each key, sorted (PutLog.sortedUnique: a radix sort of 4-byte key heads, whole keys compared
   * only where those tie), as messages viewing the log's slabs. O(n log n).
   */
  private settle(): void {
    if (this.log.length === 0) return;
    const sorted = this.log.sortedMessages();
    this.log = new PutLog();
    for (const m of sorted) this.points.set(m.key, m);
  }

  /** True until commit or abort. */
  get active(): boolean {
    return this.open;
  }

  /** Number of pending point writes and range deletes. */
  get size(): number {
    this.settle();
    return this.points.size + this.rdels.length;
  }

  /** Own write first, then the base version. O(log writes + height). */
  get(key: Uint8Array): Buffer | undefined {
    this.check();
    const k = asKey(key);
    if (this.options.optimistic) this.readKeys.push(Buffer.from(k));
    this.settle();
    const m = this.points.get(k);
    if (m) return m.op === Op.Put ? Buffer.from(m.value as Buffer) : undefined;
    for (let r = this.runs.length - 1; r >= 0; r--) {
      if (this.maskedInRun(k, r)) return undefined;
      const s = this.runs[r].get(k);
      if (s) return s.op === Op.Put ? (s.value as Buffer) : undefined;
    }
    if (rdelCovers(this.rdels, k)) return undefined;
    return new ReadView(this.nodes, this.baseRoot, this.baseVersion).get(k);
  }

  /** The values of many keys in this transaction's view (own writes first), in the order asked. O(k · (log writes + height)). */
  getMany(keys: readonly Uint8Array[]): (Buffer | undefined)[] {
    if (!Array.isArray(keys)) throw new InvalidArgumentError('getMany: keys must be an array of Uint8Array');
    return keys.map((k) => this.get(k));
  }

  /** True when `key` has a value in this transaction's view. */
  has(key: Uint8Array): boolean {
    return this.get(key) !== undefined;
  }

  /** Stages a put. The key and value are copied (into the put log's slabs). Amortised O(|key| + |value|). */
  put(key: Uint8Array, value: Uint8Array): void {
    this.check();
    const k = asKey(key);
    const v = asValue(value);
    this.log.put(k, v);
    this.bytes += k.length + v.length + 64;
    this.maybeSpill();
  }

  /** Stages a delete. The key is copied. Amortised O(|key|). */
  delete(key: Uint8Array): void {
    this.check();
    const k = asKey(key);
    this.log.delete(k);
    this.bytes += k.length + 64;
    this.maybeSpill();
  }

  /** Stages a delete of every key in [from, to). O(log writes + writes dropped). */
  deleteRange(from: Uint8Array, to: Uint8Array | null): void {
    this.check();
    const lo = Buffer.from(asKey(from, 'from'));
    const hi = to === null ? null : Buffer.from(asKey(to, 'to'));
    if (hi !== null && compareKeys(lo, hi) > 0) throw new InvalidArgumentError('deleteRange: from must not be greater than to');
    if (emptyRange(lo, hi)) return;
    this.settle();
    const doomed: Buffer[] = [];
    if (this.points.size > 0) {
      this.points.forRange(lo, hi ?? (this.points.maxKey() as Buffer), hi === null, (k) => {
        doomed.push(k);
      });
    }
    for (const k of doomed) this.points.delete(k);
    this.rdels = unionRdels(this.rdels, [{ op: Op.DeleteRange, key: lo, end: hi, value: null, seq: 0 }]);
    if (this.runs.length > 0) this.rdelLog.push({ lo, hi, gen: this.runs.length });
  }

  /** Streams this transaction's view of a range: base records under its own writes. */
  scan(range: RangeOptions = {}): IterableIterator<Entry> {
    this.check();
    const { lo, hi } = rangeBounds(range);
    if (emptyRange(lo, hi)) return [][Symbol.iterator]();
    if (this.options.optimistic) this.readRanges.push({ lo, hi });
    return toEntries(this.nodes, this.merged(lo, hi, range.reverse === true), range.limit);
  }

  /** Async form of {@link scan}. */
  scanAsync(range: RangeOptions = {}): AsyncIterableIterator<Entry> {
    return asyncEntries(this.scan(range));
  }

  private *merged(lo: Buffer | null, hi: Buffer | null, reverse: boolean): Generator<RawEntry> {
    this.settle();
    const base = scanTree(this.nodes, this.baseRoot, lo, hi, reverse);
    const mine: Msg[] = [...this.stagedPoints(lo, hi)];
    yield* overlayMessages(base, mine, 0, mine.length, this.rdels, reverse);
  }

  /** The staged writes as a merge batch (range deletes, then the point writes they did not drop). */
  writeSet(): WriteSet {
    if (this.points.size === 0 && this.runs.length === 0) return { rdels: this.rdels, points: this.log.sortedMessages() };
    if (this.runs.length === 0) {
      this.settle();
      return { rdels: this.rdels, points: this.points.valuesArray() };
    }
    return { rdels: this.rdels, points: this.stagedPoints(null, null) };
  }

  /**
   * The staged writes when they are all still in the put log (none settled into the sorted
   * map, none spilled, no range delete): the log and its rows in key order, the last write of
   * each key. Null otherwise, and when there are none. What the commit's bulk build reads
   * (store/bulk-build.ts). O(n log n) for the sort.
   */
  loggedWrites(): { log: PutLog; rows: Uint32Array } | null {
    if (this.log.length === 0 || this.points.size > 0 || this.runs.length > 0 || this.rdels.length > 0) return null;
    return { log: this.log, rows: this.log.sortedUnique() };
  }

  private release(): void {
    this.spillFile?.close();
    this.spillFile = null;
    this.host.releaseLocks(this);
  }

  /** Commits: merges the writes into the branch head as one batch and records a new version. */
  commit(opts: CommitOptions = {}): CommitInfo {
    this.check();
    try {
      return this.host.commitTransaction(this, opts);
    } finally {
      this.open = false;
      this.release();
      this.host.transactionEnded(this);
    }
  }

  /** Discards the writes. */
  abort(): void {
    if (!this.open) return;
    this.open = false;
    this.release();
    this.host.transactionEnded(this);
  }
}

export { RdelCursor };
