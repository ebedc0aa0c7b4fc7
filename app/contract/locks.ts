/**
 * Contract methods for the lock monitor (issue 7): discover a live process's monitor beside a
 * store file, attach to it, page through its lock table, stream its lock events, and start the
 * contention demo. Spread into `contract` in `app/contract/index.ts`; shapes here are plain readonly data.
 *
 * The monitored process aggregates before anything crosses a socket: lock tables arrive grouped
 * and paged (50k locks never travel at once), events arrive as batches every ~100 ms with counts
 * and a capped sample (10k events/s do not flood the renderer).
 *
 * Shapes that carry keys are generic over the key form `K`: the monitor's own socket protocol
 * (`app/monitor/`) sends them with lower-case hex strings, the service turns each into a
 * {@link KeyView} (hex + tuple decoding), which is the default every UI type uses.
 */
import { z } from 'zod';
import { fileHandle, filePath, returns, storeId } from './schemas';
import type { KeyView } from './index';

// ---------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------

/** Most lock groups (rows of the grouped table) one `locks.snapshot` returns. */
export const LOCK_GROUPS_LIMIT_MAX = 1000;
/** Groups per page when the request does not say. */
export const LOCK_GROUPS_LIMIT_DEFAULT = 200;
/** Holders and waiters listed per group (the counts are always exact). */
export const LOCK_GROUP_MEMBERS_MAX = 32;
/** Most contended-range buckets a snapshot may ask for. */
export const LOCK_BUCKETS_MAX = 512;
/** Buckets when the request does not say. */
export const LOCK_BUCKETS_DEFAULT = 64;
/** Most waits-for edges a snapshot carries (`graph.truncated` says when more exist). */
export const LOCK_GRAPH_EDGES_MAX = 2000;
/** Most wait intervals in a snapshot's timeline (the most recent ones). */
export const LOCK_TIMELINE_MAX = 2000;
/** Most events sampled into one `lock.events` batch (the counts are always exact). */
export const LOCK_BATCH_SAMPLE_MAX = 200;
/** How often the monitor sends a batch while events happen (ms). */
export const LOCK_BATCH_INTERVAL_MS = 100;

// ---------------------------------------------------------------------------------------------
// Plain data shapes
// ---------------------------------------------------------------------------------------------

/** A lock mode. */
export type LockModeName = 'shared' | 'exclusive';

/** What happens to locks, as the lock manager reports it. */
export type LockEventKind = 'request' | 'grant' | 'wait' | 'release' | 'timeout' | 'deadlock' | 'cancel';

/** Counters of the monitored lock manager since its process started, plus the current table size. */
export interface LockStatsData {
  readonly requests: number;
  readonly grants: number;
  readonly waits: number;
  readonly timeouts: number;
  readonly deadlocks: number;
  readonly cancels: number;
  /** Locks held now. */
  readonly held: number;
  /** Requests waiting now. */
  readonly waiting: number;
}

/**
 * What is beside a store file: a live monitor (`'live'`), an advert left by a process that died
 * without cleaning up (`'stale'`: its pid is gone or its socket refuses), or nothing (`'absent'`).
 */
export interface MonitorDiscovery {
  /** The store file (absolute). */
  readonly path: string;
  /** The advert file that was looked at (`<file>.monitor.json`). */
  readonly advertPath: string;
  readonly status: 'live' | 'stale' | 'absent';
  /** From the advert (live and stale). */
  readonly pid?: number;
  readonly hostname?: string;
  /** When the monitored process started its monitor, ms since the epoch. */
  readonly startedAt?: number;
  /** `'unix'` (a socket beside the file) or `'tcp'` (127.0.0.1 with a token). */
  readonly transport?: 'unix' | 'tcp';
  /** Stale only: one line saying why (process not running, socket refused, unreadable advert). */
  readonly staleReason?: string;
}

/** Result of `locks.attach`. */
export interface LockAttachResult {
  /** Handle for `locks.snapshot`, `locks.detach` and the `lock.events` / `lock.detached` events. */
  readonly attachmentId: string;
  readonly path: string;
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: number;
  /** The counters at attach time. */
  readonly stats: LockStatsData;
}

/** A lock held in a group. `heldMs` counts from the grant to the snapshot. */
export interface LockHolderData {
  readonly lockId: number;
  readonly tx: number;
  readonly mode: LockModeName;
  readonly heldMs: number;
}

/** A request waiting in a group. */
export interface LockWaiterData {
  readonly lockId: number;
  readonly tx: number;
  readonly mode: LockModeName;
  /** How long it has waited so far (ms, the monitored process's clock). */
  readonly waitedMs: number;
  /** The transactions it waits for (holders, or earlier waiters it queues behind). */
  readonly waitingFor: readonly number[];
}

/**
 * One row of the grouped lock table: every lock on exactly the same interval `[from, to)`.
 * `shape` is how the interval reads: one key, every key with a prefix, or a plain range.
 */
export interface LockGroupData<K = KeyView> {
  readonly from: K;
  /** Exclusive end; null means to the end of the key space. */
  readonly to: K | null;
  readonly shape: 'key' | 'prefix' | 'range';
  readonly heldCount: number;
  readonly waitingCount: number;
  /** Modes among the holders: `exclusive` when any holder is exclusive. Null with no holder. */
  readonly heldMode: LockModeName | null;
  /** At most {@link LOCK_GROUP_MEMBERS_MAX}, in lock id order. */
  readonly holders: readonly LockHolderData[];
  /** At most {@link LOCK_GROUP_MEMBERS_MAX}, in queue (lock id) order. */
  readonly waiters: readonly LockWaiterData[];
  /** The longest current wait in this group (0 with no waiter). */
  readonly maxWaitedMs: number;
}

/** A transaction in the waits-for graph. */
export interface WaitsForNode {
  readonly tx: number;
  readonly held: number;
  readonly waiting: number;
  /** True when the transaction was the victim of a deadlock in `deadlocks`. */
  readonly victim: boolean;
}

/** `waiter` waits for `holder`; `'held'`: a conflicting lock, `'queued'`: an earlier request (FIFO). */
export interface WaitsForEdgeData {
  readonly waiter: number;
  readonly holder: number;
  readonly kind: 'held' | 'queued';
}

/** A deadlock found and broken. `cycle` starts at the victim, who got a DeadlockError. */
export interface DeadlockData {
  readonly cycle: readonly number[];
  readonly victim: number;
  /** When, in the monitored process's clock (ms since the epoch). */
  readonly at: number;
}

/**
 * One wait of one transaction, for the timeline: from the wait to its outcome. `end` is null and
 * `outcome` is `'waiting'` while it still waits. Only waits seen since the first client attached; `'ended'`: it ended while no client listened (outcome unknown).
 */
export interface WaitIntervalData<K = KeyView> {
  readonly tx: number;
  readonly lockId: number;
  readonly from: K;
  readonly to: K | null;
  readonly mode: LockModeName;
  readonly start: number;
  readonly end: number | null;
  readonly outcome: 'waiting' | 'granted' | 'timeout' | 'deadlock' | 'cancelled' | 'ended';
}

/**
 * Contention over the key space: the span from the lowest to the highest locked key is cut into
 * equal-width buckets by key value (after the bytes all locked keys share), and each bucket
 * counts the locks starting in it. Empty buckets are included, so the strip is to scale.
 */
export interface ContentionBucketData<K = KeyView> {
  readonly index: number;
  /** Lowest and highest lock start key in the bucket; null for an empty bucket. */
  readonly first: K | null;
  readonly last: K | null;
  readonly held: number;
  readonly waiting: number;
  /** Sum of the current waits of its waiting requests (ms). */
  readonly waitMs: number;
}

/** Result of `locks.snapshot`: the lock table at one instant, aggregated for display. */
export interface LockSnapshotData<K = KeyView> {
  /** The monitored process's clock when the table was read (ms since the epoch). */
  readonly at: number;
  readonly stats: LockStatsData;
  readonly totals: {
    readonly locks: number;
    readonly held: number;
    readonly waiting: number;
    /** Distinct intervals (groups) in the whole table. */
    readonly groups: number;
    /** Transactions holding or waiting for a lock. */
    readonly transactions: number;
    readonly waitingTransactions: number;
  };
  /** One page of the grouped table, in key order. */
  readonly groups: { readonly offset: number; readonly limit: number; readonly total: number; readonly rows: readonly LockGroupData<K>[] };
  /** Nodes are the transactions on some edge or in a recent cycle. */
  readonly graph: { readonly nodes: readonly WaitsForNode[]; readonly edges: readonly WaitsForEdgeData[]; readonly truncated: boolean };
  /** The most recent deadlocks, oldest first. */
  readonly deadlocks: readonly DeadlockData[];
  /** The most recent wait intervals (current ones included), oldest start first. */
  readonly timeline: readonly WaitIntervalData<K>[];
  /** Exactly `buckets` entries (none when the table is empty). */
  readonly contention: readonly ContentionBucketData<K>[];
}

/** One sampled event of a batch. Fields beyond the base appear for the kinds that have them. */
export interface LockEventData<K = KeyView> {
  readonly kind: LockEventKind;
  readonly lockId: number;
  readonly tx: number;
  readonly from: K;
  readonly to: K | null;
  readonly mode: LockModeName;
  readonly at: number;
  /** grant, timeout. */
  readonly waitedMs?: number;
  /** wait. */
  readonly waitingFor?: readonly number[];
  /** timeout: the holders when it gave up. */
  readonly holders?: readonly number[];
  /** deadlock. */
  readonly cycle?: readonly number[];
  readonly victim?: number;
}

/** What happened in the monitored process during one batch interval. */
export interface LockEventBatch<K = KeyView> {
  /** Increases by one per batch of an attachment (a gap means batches were dropped). */
  readonly seq: number;
  /** The interval covered, the monitored process's clock (ms since the epoch). */
  readonly start: number;
  readonly end: number;
  /** Exact counts per kind in the interval. */
  readonly counts: { readonly [kind in LockEventKind]: number };
  readonly total: number;
  /** At most {@link LOCK_BATCH_SAMPLE_MAX} events spread evenly over the interval; every deadlock and timeout is kept first. */
  readonly sample: readonly LockEventData<K>[];
  /** Every deadlock of the interval (at most {@link LOCK_BATCH_SAMPLE_MAX}; `counts.deadlock` is exact). */
  readonly deadlocks: readonly DeadlockData[];
  /** Counters at the end of the interval. */
  readonly stats: LockStatsData;
}

/** Result of `locks.startDemo`. */
export interface LockDemoResult {
  /** The temporary copy the workload runs on (removed when the demo ends). */
  readonly path: string;
  /** Its handle: attach with `locks.attach({ file })`, open with `store.open({ file })`. */
  readonly file: string;
  readonly pid: number;
  readonly discovery: MonitorDiscovery;
}

/** Events this feature pushes to the UI (joined into `ServiceEvent`). */
export type LockEvent =
  /** A batch of lock activity of an attachment, about every {@link LOCK_BATCH_INTERVAL_MS} while there is any. */
  | { readonly type: 'lock.events'; readonly attachmentId: string; readonly batch: LockEventBatch }
  /** The attachment ended: the monitored process exited, its socket dropped, or the service closed. */
  | { readonly type: 'lock.detached'; readonly attachmentId: string; readonly reason: string }
  /** A contention demo ended (stopped, its time was up, its session ended); its copy at `path` is gone. */
  | { readonly type: 'lock.demoEnded'; readonly path: string; readonly reason: string };

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

const path = filePath;
/** A store named by an id from `store.open`, a file handle, or a typed path the host allows. */
const storeRef = z.union([z.strictObject({ path }), z.strictObject({ file: fileHandle }), z.strictObject({ storeId })], { error: 'must be {storeId}, {file} or {path}' });
const attachmentId = z.string().min(1, { error: 'must be an attachment id from locks.attach' });
const count = (max: number, fallback: number) =>
  z.int({ error: 'must be a positive integer' }).positive({ error: 'must be a positive integer' }).max(max, { error: `must be at most ${max}` }).default(fallback);

/** The feature's methods: name → request schema → response type. */
export const lockMethods = {
  /**
   * Looks for a monitor advert beside a store file (`<file>.monitor.json`) and checks it: live
   * when its process runs and its endpoint answers; stale when the process died without
   * removing it (SIGKILL, power loss); absent otherwise. Never changes anything.
   */
  'locks.discover': { request: storeRef, response: returns<MonitorDiscovery>() },
  /**
   * Connects to the live monitor of a store and starts streaming: `lock.events` batches follow
   * until `locks.detach`, or `lock.detached` when the process exits. Fails with NOT_FOUND when
   * no live monitor is advertised (the message says whether the advert is stale).
   */
  'locks.attach': { request: storeRef, response: returns<LockAttachResult>() },
  /** Stops streaming and closes the connection; `detached` is false for an unknown or ended attachment. */
  'locks.detach': { request: z.strictObject({ attachmentId }), response: returns<{ readonly detached: boolean }>() },
  /**
   * The lock table now, aggregated: totals, one page of groups in key order (`offset`/`limit`),
   * the waits-for graph, recent deadlocks, the wait timeline and `buckets` contention buckets.
   */
  'locks.snapshot': {
    request: z.strictObject({
      attachmentId,
      offset: z.int({ error: 'must be a non-negative integer' }).nonnegative({ error: 'must be a non-negative integer' }).default(0),
      limit: count(LOCK_GROUPS_LIMIT_MAX, LOCK_GROUPS_LIMIT_DEFAULT),
      buckets: count(LOCK_BUCKETS_MAX, LOCK_BUCKETS_DEFAULT),
    }),
    response: returns<LockSnapshotData>(),
  },
  /**
   * Starts `thunderhead workload` with deadlocks on a temporary copy of the demo store (never on
   * the demo itself, nor on any file a request names) as a child of the host, and resolves once
   * its monitor advert is live; attach with `locks.attach({ file })`. One demo per session: a
   * second call stops the first. It stops after `seconds` (default 300), on `locks.stopDemo`, or
   * when its session ends (tab closed, socket gone, window closed); the copy is removed then.
   */
  'locks.startDemo': {
    request: z.strictObject({
      clients: z.int({ error: 'must be an integer from 2 to 64' })
        .min(2, { error: 'must be at least 2 (a deadlock takes two clients)' })
        .max(64, { error: 'must be at most 64' })
        .default(8),
      seconds: count(3600, 300),
    }),
    response: returns<LockDemoResult>(),
  },
  /** Stops this session's contention demo and removes its copy; `stopped` is false when none runs. */
  'locks.stopDemo': { request: z.strictObject({}), response: returns<{ readonly stopped: boolean }>() },
} as const;
