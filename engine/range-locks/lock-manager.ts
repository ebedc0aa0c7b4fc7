/**
 * Shared/exclusive locks on byte ranges, held by transactions until they end (strict 2PL).
 *
 * Held locks and waiting requests live in two interval indexes, so a request looks only at the
 * locks that overlap it. A request is granted when no other transaction holds a conflicting
 * overlapping lock and no earlier *waiting* conflicting request overlaps it; the second rule is
 * the FIFO queue that keeps a stream of readers from starving a writer. A request skips an
 * earlier waiter that is itself waiting for the requester — otherwise an S→X upgrade would
 * queue behind the very writer that waits for its S lock, a deadlock of our own making.
 *
 * Every time a request waits (or what it waits for grows) the waits-for graph is searched from
 * its transaction; the graph was acyclic before, so any new cycle runs through it. The youngest
 * transaction in the cycle (largest id) loses its request on that cycle with a DeadlockError.
 */
import { InvalidArgumentError } from '../errors';
import { provideLockTable, type AcquireOptions } from '../store/lock-table';
import { DeadlockError, LockCancelledError, LockTimeoutError } from './errors';
import type { DeadlockRecord, LockEvent, LockSnapshotEntry, LockStats, LockTableSnapshot, WaitsForEdge } from './events';
import { IntervalIndex } from './interval-index';
import { type LockMode, compatible, implies, isLockMode } from './mode';
import { type ByteRange, type LockTarget, type NormalizedTarget, type TargetShape, compareBytes, covers, normalizeTarget, targetOf, toHex } from './range';

/** Options of a {@link LockManager}. */
export interface LockManagerOptions {
  /** How long a request waits before {@link LockTimeoutError}, unless it says otherwise. Default 5000 ms. */
  readonly defaultTimeoutMs?: number;
  /** Clock for timestamps and waited times (ms). Default `Date.now`. Timeouts still run on real timers. */
  readonly now?: () => number;
  /** How many broken deadlocks {@link LockManager.snapshot} remembers. Default 64. */
  readonly deadlockHistory?: number;
}

/** Options of one {@link LockManager.acquire} (declared by the core, which transactions lock through). */
export type { AcquireOptions } from '../store/lock-table';

const NO_BLOCKERS: Map<number, boolean> = new Map();

/**
 * A request: waiting, then held, then done. It is its own entry in the interval indexes.
 *
 * A class, not an object literal, on purpose: V8 pretenures an object literal's allocation site
 * once most of its objects survive (as they do while 50k locks are held), and every later lock
 * from that site is then born in old space, dragging its young keys through every scavenge
 * until a full GC. Measured beside 50k held locks: 2-3x slower acquire/release and 15x the
 * scavenge time. For the same reason a lock keeps its own copied bytes and shape, not the
 * caller's target object.
 */
class Lock implements NormalizedTarget {
  state: 'waiting' | 'held' | 'done' = 'waiting';
  since: number;
  /** While waiting: tx → true if it holds a conflicting lock, false if only queued ahead. */
  blockers: Map<number, boolean> = NO_BLOCKERS;
  resolve: (() => void) | null = null;
  reject: ((e: Error) => void) | null = null;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  hexFrom: string | undefined = undefined;
  hexTo: string | null | undefined = undefined;
  /** The next lock its transaction holds (an intrusive list: no per-transaction array to allocate). */
  nextHeld: Lock | null = null;

  constructor(
    readonly id: number,
    readonly tx: number,
    readonly mode: LockMode,
    readonly shape: TargetShape,
    readonly from: Uint8Array,
    readonly to: Uint8Array | undefined,
    readonly requestedAt: number,
  ) {
    this.since = requestedAt;
  }

  /** The target as the caller wrote it, for error messages. */
  target(): LockTarget {
    return targetOf(this);
  }
}

/**
 * A transaction's locks. A class, and held locks chained through {@link Lock.nextHeld} rather
 * than kept in an array literal, for the same pretenuring reason as {@link Lock}.
 */
class TxLocks {
  firstHeld: Lock | null = null;
  heldCount = 0;
  readonly pending = new Set<Lock>();
}

// setTimeout fires at once for delays above 2^31-1 ms; treat those as "forever" instead.
const MAX_TIMER_MS = 2 ** 31 - 1;

function checkTimeout(ms: unknown, what: string): number {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) throw new InvalidArgumentError(`${what} must be a number of milliseconds >= 0, got ${String(ms)}`);
  return ms;
}

/**
 * The lock table of one process. All methods are synchronous except that {@link acquire}'s
 * promise settles later when the request has to wait. n = locks in the table (held + waiting),
 * k = locks overlapping the range in question.
 */
export class LockManager {
  private readonly held = new IntervalIndex<Lock>();
  private readonly waiting = new IntervalIndex<Lock>();
  private readonly txs = new Map<number, TxLocks>();
  private readonly listeners = new Set<(e: LockEvent) => void>();
  private readonly deadlocks: DeadlockRecord[] = [];
  private readonly defaultTimeoutMs: number;
  private readonly now: () => number;
  private readonly deadlockHistory: number;
  private nextId = 1;
  private readonly outbox: LockEvent[] = [];
  private delivering = false;
  private readonly counts = { requests: 0, grants: 0, waits: 0, timeouts: 0, deadlocks: 0, cancels: 0 };

  /** Makes an empty lock table. O(1). */
  constructor(options: LockManagerOptions = {}) {
    this.defaultTimeoutMs = checkTimeout(options.defaultTimeoutMs ?? 5000, 'defaultTimeoutMs');
    this.now = options.now ?? Date.now;
    this.deadlockHistory = Math.max(0, options.deadlockHistory ?? 64);
  }

  /**
   * Asks for `target` in `mode` on behalf of `tx`; resolves when granted. Rejects with
   * {@link LockTimeoutError} after the timeout, {@link DeadlockError} if `tx` is chosen as a
   * deadlock victim, {@link LockCancelledError} if `tx` is released meanwhile, and
   * InvalidArgumentError for a malformed call. A transaction never conflicts with itself, and a
   * target already covered by one of its locks of the same or a stronger mode is granted at once.
   * O(log n + k) when granted at once; waiting adds a deadlock search, O(waiting txs + edges).
   */
  acquire(tx: number, target: LockTarget, mode: LockMode, opts?: AcquireOptions): Promise<void> {
    const result = this.request(tx, target, mode, opts);
    if (this.outbox.length > 0) this.deliver();
    return result;
  }

  private request(tx: number, target: LockTarget, mode: LockMode, opts: AcquireOptions | undefined): Promise<void> {
    let range: NormalizedTarget;
    let timeoutMs: number;
    try {
      if (!Number.isSafeInteger(tx)) throw new InvalidArgumentError(`transaction id must be an integer, got ${String(tx)}`);
      if (!isLockMode(mode)) throw new InvalidArgumentError(`lock mode must be 'shared' or 'exclusive', got ${String(mode)}`);
      range = normalizeTarget(target);
      timeoutMs = opts?.timeoutMs === undefined ? this.defaultTimeoutMs : checkTimeout(opts.timeoutMs, 'timeoutMs');
    } catch (e) {
      return Promise.reject(e);
    }
    const at = this.now();
    const lock = new Lock(this.nextId++, tx, mode, range.shape, range.from, range.to, at);
    this.counts.requests++;
    if (this.listeners.size > 0) this.emit({ type: 'request', ...this.base(lock, at) });

    const blockers = this.blockersOf(lock, true);
    if (blockers === null) {
      // Already covered by a lock of this transaction: nothing new to hold.
      lock.state = 'done';
      this.counts.grants++;
      if (this.listeners.size > 0) this.emit({ type: 'grant', waitedMs: 0, ...this.base(lock, at) });
      return Promise.resolve();
    }
    if (blockers.size === 0) {
      this.grant(lock, at);
      return Promise.resolve();
    }
    if (timeoutMs <= 0) {
      this.counts.timeouts++;
      const holders = heldBy(blockers);
      if (this.listeners.size > 0) this.emit({ type: 'timeout', waitedMs: 0, holders, ...this.base(lock, at) });
      return Promise.reject(new LockTimeoutError(tx, lock.target(), mode, 0, holders, queuedBehind(blockers)));
    }

    const promise = new Promise<void>((resolve, reject) => {
      lock.resolve = resolve;
      lock.reject = reject;
    });
    lock.blockers = blockers;
    this.waiting.insert(lock);
    this.txLocks(tx).pending.add(lock);
    this.counts.waits++;
    if (timeoutMs < MAX_TIMER_MS) lock.timer = setTimeout(() => this.expire(lock), timeoutMs);
    if (this.listeners.size > 0) this.emit({ type: 'wait', waitingFor: [...blockers.keys()], ...this.base(lock, at) });
    this.breakDeadlocks(tx);
    return promise;
  }

  /**
   * Releases every lock `tx` holds and rejects its waiting requests with
   * {@link LockCancelledError}, then grants whatever became grantable, oldest request first.
   * Call it when the transaction commits or aborts. O(m log n + w (log n + k)) for m locks of
   * `tx` and w waiters overlapping them.
   */
  releaseAll(tx: number): void {
    const mine = this.txs.get(tx);
    if (!mine) return;
    this.txs.delete(tx);
    const freed: ByteRange[] = [];
    const at = this.now();
    for (const lock of mine.pending) {
      this.withdraw(lock);
      this.counts.cancels++;
      if (this.listeners.size > 0) this.emit({ type: 'cancel', ...this.base(lock, at) });
      (lock.reject as (e: Error) => void)(new LockCancelledError(tx, lock.target(), lock.mode));
      freed.push(lock);
    }
    for (let lock = mine.firstHeld; lock; lock = lock.nextHeld) {
      this.held.delete(lock);
      lock.state = 'done';
      if (this.listeners.size > 0) this.emit({ type: 'release', ...this.base(lock, at) });
      freed.push(lock);
    }
    this.wake(freed);
    if (this.outbox.length > 0) this.deliver();
  }

  /**
   * The whole table as plain data: every lock sorted by `(from, id)`, the waits-for edges and
   * the recent deadlocks. O(n + edges).
   */
  snapshot(): LockTableSnapshot {
    const held: Lock[] = [];
    const waiting: Lock[] = [];
    this.held.forEach((l) => held.push(l));
    this.waiting.forEach((l) => waiting.push(l));
    const locks: LockSnapshotEntry[] = [];
    let i = 0;
    let j = 0;
    // Both lists are already in (from, id) order; merge them so holders and waiters of the same
    // range sit together, which is how the inspector groups them.
    while (i < held.length || j < waiting.length) {
      const takeHeld = j >= waiting.length || (i < held.length && byFromThenId(held[i], waiting[j]) < 0);
      const l = takeHeld ? held[i++] : waiting[j++];
      const { from, to } = this.hex(l);
      locks.push(l.state === 'held'
        ? { id: l.id, tx: l.tx, from, to, mode: l.mode, state: 'held', since: l.since }
        : { id: l.id, tx: l.tx, from, to, mode: l.mode, state: 'waiting', since: l.since, waitingFor: [...l.blockers.keys()] });
    }
    const edges: WaitsForEdge[] = [];
    const seen = new Map<string, number>();
    for (const w of waiting) {
      for (const [holder, holds] of w.blockers) {
        const key = `${w.tx}>${holder}`;
        const at = seen.get(key);
        if (at === undefined) {
          seen.set(key, edges.length);
          edges.push({ waiter: w.tx, holder, kind: holds ? 'held' : 'queued' });
        } else if (holds && edges[at].kind === 'queued') {
          edges[at] = { waiter: w.tx, holder, kind: 'held' };
        }
      }
    }
    return { at: this.now(), locks, edges, cycles: this.deadlocks.slice() };
  }

  /** Subscribes to every lock event; returns the unsubscribe function. O(1); emitting costs nothing while nobody listens. */
  on(listener: (e: LockEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Counters since construction and the current table size. O(1). */
  stats(): LockStats {
    return { ...this.counts, held: this.held.size, waiting: this.waiting.size };
  }

  /**
   * Checks the table's invariants and throws an Error naming the first one broken:
   * INDEX (both interval indexes are well formed), TX (the per-transaction lists hold exactly
   * the indexed locks), SAFETY (no two transactions hold conflicting overlapping locks),
   * WAITING (every waiting request waits for someone other than itself), ACYCLIC (the
   * waits-for graph has no cycle once a request has returned). For tests and `thunderhead check`.
   * O(n log n + overlapping pairs + txs × waits-for edges).
   */
  verify(): void {
    this.held.verify();
    this.waiting.verify();
    let held = 0;
    let waiting = 0;
    for (const [tx, t] of this.txs) {
      if (t.heldCount === 0 && t.pending.size === 0) throw new Error(`lock table TX violated: tx ${tx} has an empty entry`);
      let n = 0;
      for (let l = t.firstHeld; l; l = l.nextHeld, n++) if (l.tx !== tx || l.state !== 'held' || !this.held.has(l)) throw new Error(`lock table TX violated: held lock ${l.id} of tx ${tx}`);
      if (n !== t.heldCount) throw new Error(`lock table TX violated: tx ${tx} lists ${n} held locks, counts ${t.heldCount}`);
      for (const l of t.pending) if (l.tx !== tx || l.state !== 'waiting' || !this.waiting.has(l)) throw new Error(`lock table TX violated: waiting lock ${l.id} of tx ${tx}`);
      held += t.heldCount;
      waiting += t.pending.size;
    }
    if (held !== this.held.size || waiting !== this.waiting.size) throw new Error('lock table TX violated: counts differ from the indexes');
    this.held.forEach((a) => {
      this.held.forEachOverlap(a.from, a.to, (b) => {
        if (a.tx !== b.tx && !compatible(a.mode, b.mode)) throw new Error(`lock table SAFETY violated: tx ${a.tx} and tx ${b.tx} hold conflicting locks ${a.id} and ${b.id}`);
      });
    });
    this.waiting.forEach((w) => {
      if (w.blockers.size === 0 || w.blockers.has(w.tx)) throw new Error(`lock table WAITING violated: request ${w.id} of tx ${w.tx}`);
    });
    for (const tx of this.txs.keys()) {
      if (this.findCycle(tx)) throw new Error(`lock table ACYCLIC violated: a cycle runs through tx ${tx}`);
    }
  }

  // ---- internals ----

  private txLocks(tx: number): TxLocks {
    let t = this.txs.get(tx);
    if (!t) {
      t = new TxLocks();
      this.txs.set(tx, t);
    }
    return t;
  }

  /**
   * What `lock` must wait for: null if its own transaction already covers it (new requests
   * only), else the blocking transactions (empty = grantable). Earlier waiters count only if
   * their id is lower, which for a new request is all of them.
   */
  private blockersOf(lock: Lock, isNew: boolean): Map<number, boolean> | null {
    const { tx, mode } = lock;
    let covered = false;
    let blockers: Map<number, boolean> | undefined;
    this.held.forEachOverlap(lock.from, lock.to, (h) => {
      if (h.tx === tx) {
        if (isNew && !covered && implies(h.mode, mode) && covers(h, lock)) covered = true;
      } else if (!compatible(h.mode, mode)) {
        (blockers ??= new Map()).set(h.tx, true);
      }
    });
    // Covered implies no other transaction holds a conflicting lock (it would conflict with ours).
    if (covered) return null;
    if (this.waiting.size > 0) {
      this.waiting.forEachOverlap(lock.from, lock.to, (w) => {
        if (w.tx === tx || w.id >= lock.id || compatible(w.mode, mode)) return;
        // w already waits for us: queueing behind it could never end (see the module comment).
        if (w.blockers.has(tx)) return;
        if (!blockers) blockers = new Map();
        if (!blockers.has(w.tx)) blockers.set(w.tx, false);
      });
    }
    return blockers ?? NO_BLOCKERS;
  }

  private grant(lock: Lock, at: number): void {
    lock.state = 'held';
    lock.since = at;
    lock.blockers = NO_BLOCKERS;
    this.held.insert(lock);
    const mine = this.txLocks(lock.tx);
    lock.nextHeld = mine.firstHeld;
    mine.firstHeld = lock;
    mine.heldCount++;
    this.counts.grants++;
    if (this.listeners.size > 0) this.emit({ type: 'grant', waitedMs: at - lock.requestedAt, ...this.base(lock, at) });
  }

  /** Takes a waiting request out of the table (the caller settles its promise). */
  private withdraw(lock: Lock): void {
    this.waiting.delete(lock);
    if (lock.timer !== undefined) clearTimeout(lock.timer);
    lock.timer = undefined;
    lock.state = 'done';
    const mine = this.txs.get(lock.tx);
    if (mine) {
      mine.pending.delete(lock);
      if (mine.pending.size === 0 && mine.heldCount === 0) this.txs.delete(lock.tx);
    }
  }

  private expire(lock: Lock): void {
    if (lock.state !== 'waiting') return;
    const at = this.now();
    const waitedMs = at - lock.requestedAt;
    const holders = heldBy(lock.blockers);
    const behind = queuedBehind(lock.blockers);
    this.withdraw(lock);
    this.counts.timeouts++;
    if (this.listeners.size > 0) this.emit({ type: 'timeout', waitedMs, holders, ...this.base(lock, at) });
    (lock.reject as (e: Error) => void)(new LockTimeoutError(lock.tx, lock.target(), lock.mode, waitedMs, holders, behind));
    this.wake([lock]);
    if (this.outbox.length > 0) this.deliver();
  }

  /**
   * Re-examines the waiters overlapping `freed` (released locks and withdrawn requests), oldest
   * first, granting those that no longer conflict. Only overlapping waiters can have been
   * waiting for what was freed; when there are fewer waiters than freed ranges it is cheaper to
   * look at them all, which is equally correct.
   */
  private wake(freed: readonly ByteRange[]): void {
    if (this.waiting.size === 0 || freed.length === 0) return;
    let candidates: Lock[];
    if (this.waiting.size <= freed.length) {
      candidates = [];
      this.waiting.forEach((w) => candidates.push(w));
    } else {
      const set = new Set<Lock>();
      for (const r of freed) this.waiting.forEachOverlap(r.from, r.to, (w) => set.add(w));
      candidates = [...set];
    }
    candidates.sort((a, b) => a.id - b.id);
    const at = this.now();
    for (const w of candidates) {
      // A grant or deadlock resolution earlier in this loop may have settled it already.
      if (w.state !== 'waiting') continue;
      const blockers = this.blockersOf(w, false) as Map<number, boolean>;
      if (blockers.size === 0) {
        this.withdraw(w);
        this.grant(w, at);
        (w.resolve as () => void)();
        continue;
      }
      let grew = false;
      for (const t of blockers.keys()) {
        if (!w.blockers.has(t)) {
          grew = true;
          break;
        }
      }
      const changed = grew || blockers.size !== w.blockers.size;
      w.blockers = blockers;
      // Re-announce the wait so a live waits-for graph built from events drops stale edges.
      if (changed && this.listeners.size > 0) this.emit({ type: 'wait', waitingFor: [...blockers.keys()], ...this.base(w, at) });
      if (grew) this.breakDeadlocks(w.tx);
    }
  }

  /** Finds and breaks every cycle through `tx`, one victim per cycle. */
  private breakDeadlocks(tx: number): void {
    for (;;) {
      const cycle = this.findCycle(tx);
      if (!cycle) return;
      this.breakCycle(cycle);
    }
  }

  /**
   * A cycle through `start` in the waits-for graph (`start` first, each waiting for the next),
   * or null. Iterative DFS, each transaction visited once: O(waiting txs + edges).
   */
  private findCycle(start: number): number[] | null {
    const first = this.txs.get(start);
    if (!first || first.pending.size === 0) return null;
    const visited = new Set<number>([start]);
    const path: number[] = [start];
    const stack: Iterator<number>[] = [this.waitsFor(first)];
    while (stack.length > 0) {
      const next = stack[stack.length - 1].next();
      if (next.done) {
        stack.pop();
        path.pop();
        continue;
      }
      const v = next.value;
      if (v === start) return path.slice();
      if (visited.has(v)) continue;
      visited.add(v);
      const t = this.txs.get(v);
      if (!t || t.pending.size === 0) continue;
      path.push(v);
      stack.push(this.waitsFor(t));
    }
    return null;
  }

  private *waitsFor(t: TxLocks): Iterator<number> {
    for (const lock of t.pending) yield* lock.blockers.keys();
  }

  private breakCycle(cycle: number[]): void {
    let vi = 0;
    for (let i = 1; i < cycle.length; i++) if (cycle[i] > cycle[vi]) vi = i;
    const victim = cycle[vi];
    const next = cycle[(vi + 1) % cycle.length];
    const rotated = [...cycle.slice(vi), ...cycle.slice(0, vi)];
    let lock: Lock | undefined;
    for (const p of (this.txs.get(victim) as TxLocks).pending) {
      if (p.blockers.has(next)) {
        lock = p;
        break;
      }
    }
    if (!lock) throw new Error(`lock manager invariant broken: tx ${victim} has no request waiting for tx ${next}`);
    const at = this.now();
    this.withdraw(lock);
    this.counts.deadlocks++;
    this.deadlocks.push({ cycle: rotated, victim, at });
    if (this.deadlocks.length > this.deadlockHistory) this.deadlocks.shift();
    if (this.listeners.size > 0) this.emit({ type: 'deadlock', cycle: rotated, victim, ...this.base(lock, at) });
    (lock.reject as (e: Error) => void)(new DeadlockError(victim, rotated, lock.target(), lock.mode));
    this.wake([lock]);
  }

  private hex(l: Lock): { from: string; to: string | null } {
    if (l.hexFrom === undefined) {
      l.hexFrom = toHex(l.from);
      l.hexTo = l.to === undefined ? null : toHex(l.to);
    }
    return { from: l.hexFrom, to: l.hexTo as string | null };
  }

  private base(l: Lock, at: number): { id: number; tx: number; from: string; to: string | null; mode: LockMode; at: number } {
    const { from, to } = this.hex(l);
    return { id: l.id, tx: l.tx, from, to, mode: l.mode, at };
  }

  /** Queues an event; {@link deliver} hands it out once the operation has finished. */
  private emit(e: LockEvent): void {
    this.outbox.push(e);
  }

  /**
   * Hands queued events to the listeners. Events are queued during an operation and delivered
   * at its end so that a listener always sees a consistent table (it may call snapshot(), or
   * even releaseAll(), without cutting into a half-done grant loop). Re-entrant calls only
   * queue more; the outermost delivery drains them in order.
   */
  private deliver(): void {
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let i = 0; i < this.outbox.length; i++) {
        const e = this.outbox[i];
        for (const listener of this.listeners) {
          try {
            listener(e);
          } catch (err) {
            // One failing listener must not starve the others or the lock manager: report it out of band.
            queueMicrotask(() => {
              throw err;
            });
          }
        }
      }
    } finally {
      this.outbox.length = 0;
      this.delivering = false;
    }
  }
}

function byFromThenId(a: Lock, b: Lock): number {
  return compareBytes(a.from, b.from) || a.id - b.id;
}

function heldBy(blockers: Map<number, boolean>): number[] {
  const out: number[] = [];
  for (const [tx, holds] of blockers) if (holds) out.push(tx);
  return out.sort((a, b) => a - b);
}

function queuedBehind(blockers: Map<number, boolean>): number[] {
  const out: number[] = [];
  for (const [tx, holds] of blockers) if (!holds) out.push(tx);
  return out.sort((a, b) => a - b);
}

// Every store's `locks` is a LockManager: the core only knows this hook (store/lock-table.ts).
provideLockTable(() => new LockManager());

declare module '../store/lock-table' {
  /** A store's lock table is a {@link LockManager}: `store.locks` has its whole API. */
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging widens the core's interface
  interface StoreLockTable extends LockManager {}
}
