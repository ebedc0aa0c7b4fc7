/**
 * The plain-data views of the lock manager: events, the table snapshot and counters. Bytes are
 * lower-case hex and `to: null` is +infinity, so all of it crosses a socket or IPC as JSON
 * unchanged (the monitor endpoint and the inspector's Locks view consume exactly these).
 */
import type { LockMode } from './mode';

/** Fields every lock event carries. `id` names the request (and the lock it becomes), unique per manager. */
export interface LockEventBase {
  readonly id: number;
  readonly tx: number;
  readonly from: string;
  readonly to: string | null;
  readonly mode: LockMode;
  /** When it happened, from the manager's `now()` (ms). */
  readonly at: number;
}

/** A request arrived (before it is granted or queued). */
export interface LockRequestEvent extends LockEventBase {
  readonly type: 'request';
}
/** A request was granted; `waitedMs` is 0 when it did not wait. */
export interface LockGrantEvent extends LockEventBase {
  readonly type: 'grant';
  readonly waitedMs: number;
}
/**
 * A request must wait for these transactions (holders, or earlier waiters it queues behind).
 * Sent again, for the same `id`, whenever that set changes while it waits.
 */
export interface LockWaitEvent extends LockEventBase {
  readonly type: 'wait';
  readonly waitingFor: readonly number[];
}
/** A held lock was released. */
export interface LockReleaseEvent extends LockEventBase {
  readonly type: 'release';
}
/** A waiting request ran out of time and was withdrawn. */
export interface LockTimeoutEvent extends LockEventBase {
  readonly type: 'timeout';
  readonly waitedMs: number;
  readonly holders: readonly number[];
}
/** A cycle was found; the victim's request (the fields of this event) was rejected. */
export interface LockDeadlockEvent extends LockEventBase {
  readonly type: 'deadlock';
  readonly cycle: readonly number[];
  readonly victim: number;
}
/** A waiting request was withdrawn because its transaction released everything. */
export interface LockCancelEvent extends LockEventBase {
  readonly type: 'cancel';
}

/** Everything {@link LockManager.on} reports, discriminated by `type`. */
export type LockEvent =
  | LockRequestEvent
  | LockGrantEvent
  | LockWaitEvent
  | LockReleaseEvent
  | LockTimeoutEvent
  | LockDeadlockEvent
  | LockCancelEvent;

/** One row of the lock table. */
export interface LockSnapshotEntry {
  readonly id: number;
  readonly tx: number;
  readonly from: string;
  readonly to: string | null;
  readonly mode: LockMode;
  readonly state: 'held' | 'waiting';
  /** When it was granted (held) or requested (waiting), from `now()` (ms). */
  readonly since: number;
  /** Waiting rows only: the transactions it waits for. */
  readonly waitingFor?: readonly number[];
}

/**
 * An edge of the waits-for graph. `kind: 'held'` — `holder` holds a conflicting lock;
 * `'queued'` — `holder` only has an earlier conflicting request that `waiter` queues behind (FIFO).
 */
export interface WaitsForEdge {
  readonly waiter: number;
  readonly holder: number;
  readonly kind: 'held' | 'queued';
}

/** A deadlock that was found and broken. `cycle` starts at the victim. */
export interface DeadlockRecord {
  readonly cycle: readonly number[];
  readonly victim: number;
  readonly at: number;
}

/** The whole lock table at one instant: rows sorted by `(from, id)`, the graph, recent deadlocks. */
export interface LockTableSnapshot {
  readonly at: number;
  readonly locks: readonly LockSnapshotEntry[];
  readonly edges: readonly WaitsForEdge[];
  /** The most recent deadlocks (oldest first), at most {@link LockManagerOptions.deadlockHistory}. */
  readonly cycles: readonly DeadlockRecord[];
}

/** Counters since the manager was made, and the current table size. */
export interface LockStats {
  readonly requests: number;
  readonly grants: number;
  readonly waits: number;
  readonly timeouts: number;
  readonly deadlocks: number;
  readonly cancels: number;
  readonly held: number;
  readonly waiting: number;
}
