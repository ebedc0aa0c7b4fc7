/** The lock manager: range locks held by transactions, with FIFO waits, timeouts and deadlock detection. */
export { LockManager } from './lock-manager';
export type { AcquireOptions, LockManagerOptions } from './lock-manager';
export { DeadlockError, LockCancelledError, LockTimeoutError } from './errors';
export type {
  DeadlockRecord,
  LockCancelEvent,
  LockDeadlockEvent,
  LockEvent,
  LockEventBase,
  LockGrantEvent,
  LockReleaseEvent,
  LockRequestEvent,
  LockSnapshotEntry,
  LockStats,
  LockTableSnapshot,
  LockTimeoutEvent,
  LockWaitEvent,
  WaitsForEdge,
} from './events';
export { IntervalIndex } from './interval-index';
export { type LockMode, compatible, implies, isLockMode } from './mode';
export { type ByteRange, type LockTarget, type NormalizedTarget, type TargetShape, compareBytes, covers, describeTarget, normalizeTarget, overlaps, prefixSuccessor, targetOf, toHex } from './range';
