/**
 * Turning a lock manager's raw output into what a person can look at, without I/O: the lock
 * table grouped by interval and paged, the waits-for graph, contention buckets over the key
 * space, per-transaction wait intervals, and batches of events (exact counts, a capped sample).
 * The monitor server runs these in the monitored process, so only aggregates cross the socket.
 */
import type {
  ContentionBucketData,
  DeadlockData,
  LockEventBatch,
  LockEventData,
  LockEventKind,
  LockGroupData,
  LockSnapshotData,
  LockStatsData,
  WaitIntervalData,
  WaitsForNode,
} from '../contract/locks';
import { LOCK_BATCH_SAMPLE_MAX, LOCK_GRAPH_EDGES_MAX, LOCK_GROUP_MEMBERS_MAX, LOCK_TIMELINE_MAX } from '../contract/locks';
import type { LockEvent, LockSnapshotEntry, LockTableSnapshot } from '../../engine/index';

/** Bytes after the shared prefix that place a key in the key space: 5, so position × 512 buckets stays an exact integer. */
const POSITION_BYTES = 5;

/** Compares lower-case hex byte strings in unsigned byte order (equal-length digits compare like bytes). */
export function compareHex(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders interval ends: null (+infinity) sorts last. */
function compareTo(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return compareHex(a, b);
}

/** The smallest byte string above every string starting with `prefix` (hex), or null for none. */
function prefixSuccessorHex(prefix: string): string | null {
  let i = prefix.length - 2;
  while (i >= 0 && prefix.slice(i, i + 2) === 'ff') i -= 2;
  if (i < 0) return null;
  const next = (parseInt(prefix.slice(i, i + 2), 16) + 1).toString(16).padStart(2, '0');
  return prefix.slice(0, i) + next;
}

/** How an interval reads: exactly one key, every key with a prefix, or a plain range. */
export function shapeOf(from: string, to: string | null): 'key' | 'prefix' | 'range' {
  if (to === `${from}00`) return 'key';
  // A null successor (empty or all-0xff prefix) matches an open end, which is that prefix too.
  if (to === prefixSuccessorHex(from)) return 'prefix';
  return 'range';
}

/** One group before paging: every lock on the same `[from, to)`, in lock id order. */
interface Group {
  readonly from: string;
  readonly to: string | null;
  readonly locks: LockSnapshotEntry[];
}

/**
 * Groups the table's rows by identical interval, ordered by `(from, to)` with open ends last.
 * The snapshot's rows come sorted by `(from, id)`, so only a run of equal `from` needs sorting
 * by `to`. O(n log r) for runs of length r.
 */
export function groupLocks(locks: readonly LockSnapshotEntry[]): Group[] {
  const groups: Group[] = [];
  let i = 0;
  while (i < locks.length) {
    let j = i;
    const from = locks[i].from;
    const byTo = new Map<string, Group>();
    while (j < locks.length && locks[j].from === from) {
      const lock = locks[j];
      const key = lock.to ?? '';
      let group = byTo.get(key);
      if (!group) {
        group = { from, to: lock.to, locks: [] };
        byTo.set(key, group);
      }
      group.locks.push(lock);
      j++;
    }
    const run = [...byTo.values()].sort((a, b) => compareTo(a.to, b.to));
    for (const group of run) {
      group.locks.sort((a, b) => a.id - b.id);
      groups.push(group);
    }
    i = j;
  }
  return groups;
}

function groupData(group: Group, at: number): LockGroupData<string> {
  const holders = [];
  const waiters = [];
  let heldCount = 0;
  let waitingCount = 0;
  let heldMode: 'shared' | 'exclusive' | null = null;
  let maxWaitedMs = 0;
  for (const lock of group.locks) {
    if (lock.state === 'held') {
      heldCount++;
      if (heldMode !== 'exclusive') heldMode = lock.mode;
      if (holders.length < LOCK_GROUP_MEMBERS_MAX) holders.push({ lockId: lock.id, tx: lock.tx, mode: lock.mode, heldMs: Math.max(0, at - lock.since) });
    } else {
      waitingCount++;
      const waitedMs = Math.max(0, at - lock.since);
      if (waitedMs > maxWaitedMs) maxWaitedMs = waitedMs;
      if (waiters.length < LOCK_GROUP_MEMBERS_MAX) waiters.push({ lockId: lock.id, tx: lock.tx, mode: lock.mode, waitedMs, waitingFor: lock.waitingFor ?? [] });
    }
  }
  return { from: group.from, to: group.to, shape: shapeOf(group.from, group.to), heldCount, waitingCount, heldMode, holders, waiters, maxWaitedMs };
}

/** Bytes `hex` and `other` share at the start, in hex digits (always even). */
function sharedPrefixDigits(a: string, b: string): number {
  let i = 0;
  while (i + 1 < a.length && i + 1 < b.length && a[i] === b[i] && a[i + 1] === b[i + 1]) i += 2;
  return i;
}

/** A key's position: the {@link POSITION_BYTES} bytes after `skip` hex digits, as an integer (missing bytes are 0). */
export function keyPosition(hex: string, skip: number): number {
  let pos = 0;
  for (let b = 0; b < POSITION_BYTES; b++) {
    const at = skip + 2 * b;
    pos = pos * 256 + (at + 1 < hex.length ? parseInt(hex.slice(at, at + 2), 16) : 0);
  }
  return pos;
}

/**
 * Cuts the span from the lowest to the highest lock start key into `buckets` equal-width
 * buckets by {@link keyPosition} after the bytes both ends share, and counts the locks starting
 * in each. `locks` must be sorted by `from` (as snapshots are). O(n + buckets).
 */
export function contentionBuckets(locks: readonly LockSnapshotEntry[], buckets: number, at: number): ContentionBucketData<string>[] {
  if (locks.length === 0 || buckets < 1) return [];
  const low = locks[0].from;
  const high = locks[locks.length - 1].from;
  const skip = sharedPrefixDigits(low, high);
  const pLow = keyPosition(low, skip);
  const width = keyPosition(high, skip) - pLow + 1;
  const out = Array.from({ length: buckets }, (_, index): { index: number; first: string | null; last: string | null; held: number; waiting: number; waitMs: number } => (
    { index, first: null, last: null, held: 0, waiting: 0, waitMs: 0 }));
  for (const lock of locks) {
    // (pos - pLow) < 2^40 and buckets ≤ 512, so the product is an exact integer.
    const b = out[Math.min(buckets - 1, Math.floor(((keyPosition(lock.from, skip) - pLow) * buckets) / width))];
    if (b.first === null) b.first = lock.from;
    b.last = lock.from;
    if (lock.state === 'held') b.held++;
    else {
      b.waiting++;
      b.waitMs += Math.max(0, at - lock.since);
    }
  }
  return out;
}

/**
 * Remembers each wait of each transaction from the event stream, from `wait` to its outcome
 * (grant, timeout, deadlock, cancel), keeping the most recent {@link LOCK_TIMELINE_MAX} that
 * ended plus those still waiting. O(1) per event.
 */
export class WaitHistory {
  private readonly open = new Map<number, { tx: number; lockId: number; from: string; to: string | null; mode: 'shared' | 'exclusive'; start: number }>();
  private ended: WaitIntervalData<string>[] = [];

  constructor(private readonly capacity: number = LOCK_TIMELINE_MAX) {}

  /** Feeds one event. */
  add(e: LockEvent): void {
    if (e.type === 'wait') {
      // The engine repeats `wait` for the same request when its blockers change: one interval.
      if (!this.open.has(e.id)) this.open.set(e.id, { tx: e.tx, lockId: e.id, from: e.from, to: e.to, mode: e.mode, start: e.at });
      return;
    }
    const outcome = e.type === 'grant' ? 'granted' : e.type === 'timeout' ? 'timeout' : e.type === 'deadlock' ? 'deadlock' : e.type === 'cancel' ? 'cancelled' : null;
    if (outcome === null) return;
    const w = this.open.get(e.id);
    if (!w) return;
    this.open.delete(e.id);
    this.ended.push({ ...w, end: e.at, outcome });
    // Trim in chunks so the array is not shifted on every event.
    if (this.ended.length >= this.capacity * 2) this.ended = this.ended.slice(-this.capacity);
  }

  /**
   * Closes open waits the lock table no longer shows waiting. Events are only heard while a
   * client is connected, so a wait that began during one connection (a `discover` hello) may end
   * unheard; without this it would read "still waiting" forever. Its end is the snapshot time,
   * its outcome unknown (`'ended'`). O(locks + open).
   */
  reconcile(snapshot: LockTableSnapshot): void {
    if (this.open.size === 0) return;
    const waiting = new Set<number>();
    for (const row of snapshot.locks) if (row.state === 'waiting') waiting.add(row.id);
    for (const [id, w] of this.open) {
      if (waiting.has(id)) continue;
      this.open.delete(id);
      this.ended.push({ ...w, end: snapshot.at, outcome: 'ended' });
    }
    if (this.ended.length >= this.capacity * 2) this.ended = this.ended.slice(-this.capacity);
  }

  /**
   * Every wait still open (up to the capacity) and the most recent ended ones in the room left,
   * ordered by start: a long wait stays visible however much traffic ends around it.
   * O(open + capacity log capacity).
   */
  intervals(): WaitIntervalData<string>[] {
    const current: WaitIntervalData<string>[] = [...this.open.values()].slice(0, this.capacity).map((w) => ({ ...w, end: null, outcome: 'waiting' as const }));
    const room = this.capacity - current.length;
    const all = [...(room > 0 ? this.ended.slice(-room) : []), ...current];
    return all.sort((a, b) => a.start - b.start || a.lockId - b.lockId);
  }
}

/** Options of {@link aggregateSnapshot}. */
export interface AggregateOptions {
  readonly offset: number;
  readonly limit: number;
  readonly buckets: number;
}

/** The whole aggregated view of one snapshot. O(n log r + edges + buckets + timeline). */
export function aggregateSnapshot(
  snapshot: LockTableSnapshot,
  stats: LockStatsData,
  timeline: readonly WaitIntervalData<string>[],
  options: AggregateOptions,
): LockSnapshotData<string> {
  const { at, locks } = snapshot;
  const groups = groupLocks(locks);
  const perTx = new Map<number, { held: number; waiting: number }>();
  let held = 0;
  for (const lock of locks) {
    let t = perTx.get(lock.tx);
    if (!t) perTx.set(lock.tx, (t = { held: 0, waiting: 0 }));
    if (lock.state === 'held') {
      held++;
      t.held++;
    } else t.waiting++;
  }
  let waitingTransactions = 0;
  for (const t of perTx.values()) if (t.waiting > 0) waitingTransactions++;

  const edges = snapshot.edges.slice(0, LOCK_GRAPH_EDGES_MAX);
  const deadlocks: DeadlockData[] = snapshot.cycles.map((c) => ({ cycle: c.cycle, victim: c.victim, at: c.at }));
  const victims = new Set(deadlocks.map((d) => d.victim));
  const nodeIds = new Set<number>();
  for (const e of edges) {
    nodeIds.add(e.waiter);
    nodeIds.add(e.holder);
  }
  for (const d of deadlocks) for (const tx of d.cycle) nodeIds.add(tx);
  const nodes: WaitsForNode[] = [...nodeIds].sort((a, b) => a - b).map((tx) => ({
    tx,
    held: perTx.get(tx)?.held ?? 0,
    waiting: perTx.get(tx)?.waiting ?? 0,
    victim: victims.has(tx),
  }));

  const page = groups.slice(options.offset, options.offset + options.limit).map((g) => groupData(g, at));
  return {
    at,
    stats,
    totals: { locks: locks.length, held, waiting: locks.length - held, groups: groups.length, transactions: perTx.size, waitingTransactions },
    groups: { offset: options.offset, limit: options.limit, total: groups.length, rows: page },
    graph: { nodes, edges: edges.map((e) => ({ waiter: e.waiter, holder: e.holder, kind: e.kind })), truncated: snapshot.edges.length > edges.length },
    deadlocks,
    timeline,
    contention: contentionBuckets(locks, options.buckets, at),
  };
}

const KINDS: readonly LockEventKind[] = ['request', 'grant', 'wait', 'release', 'timeout', 'deadlock', 'cancel'];

function zeroCounts(): Record<LockEventKind, number> {
  return { request: 0, grant: 0, wait: 0, release: 0, timeout: 0, deadlock: 0, cancel: 0 };
}

/** A lock manager event in the contract's shape (hex keys). */
export function eventData(e: LockEvent): LockEventData<string> {
  const base = { kind: e.type, lockId: e.id, tx: e.tx, from: e.from, to: e.to, mode: e.mode, at: e.at };
  switch (e.type) {
    case 'grant':
      return { ...base, waitedMs: e.waitedMs };
    case 'wait':
      return { ...base, waitingFor: e.waitingFor };
    case 'timeout':
      return { ...base, waitedMs: e.waitedMs, holders: e.holders };
    case 'deadlock':
      return { ...base, cycle: e.cycle, victim: e.victim };
    default:
      return base;
  }
}

/**
 * Collects events between flushes: exact counts per kind, every deadlock, and a sample of at
 * most `cap` events. Deadlocks and timeouts are kept first (they are what people look for);
 * the rest is thinned by keeping every `stride`-th event, doubling the stride and dropping
 * every other kept event whenever the sample fills, so it stays evenly spread over the interval
 * whatever the rate. O(1) amortised per event.
 */
export class EventBatcher {
  private counts = zeroCounts();
  private total = 0;
  private notable: LockEventData<string>[] = [];
  private sample: LockEventData<string>[] = [];
  private stride = 1;
  private seen = 0;
  private deadlocks: DeadlockData[] = [];
  private start: number | null = null;
  private seq = 0;

  constructor(private readonly cap: number = LOCK_BATCH_SAMPLE_MAX) {}

  /** Feeds one event. */
  add(e: LockEvent): void {
    if (this.start === null) this.start = e.at;
    this.counts[e.type]++;
    this.total++;
    if (e.type === 'deadlock' && this.deadlocks.length < this.cap) this.deadlocks.push({ cycle: e.cycle, victim: e.victim, at: e.at });
    if (e.type === 'deadlock' || e.type === 'timeout') {
      if (this.notable.length < this.cap) this.notable.push(eventData(e));
      return;
    }
    if (this.seen++ % this.stride !== 0) return;
    this.sample.push(eventData(e));
    if (this.sample.length >= this.cap) {
      this.sample = this.sample.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
  }

  /** Events since the last flush. */
  get pending(): number {
    return this.total;
  }

  /** The batch of everything since the last flush (then starts a new one). */
  flush(stats: LockStatsData, now: number): LockEventBatch<string> {
    const room = Math.max(0, this.cap - this.notable.length);
    const sample = [...this.notable, ...this.sample.slice(0, room)].sort((a, b) => a.at - b.at || a.lockId - b.lockId);
    const batch: LockEventBatch<string> = {
      seq: ++this.seq,
      start: this.start ?? now,
      end: now,
      counts: this.counts,
      total: this.total,
      sample,
      deadlocks: this.deadlocks,
      stats,
    };
    this.counts = zeroCounts();
    this.total = 0;
    this.notable = [];
    this.sample = [];
    this.stride = 1;
    this.seen = 0;
    this.deadlocks = [];
    this.start = null;
    return batch;
  }
}

/** The kinds in display order. */
export const LOCK_EVENT_KINDS = KINDS;
