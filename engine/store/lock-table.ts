/**
 * The hook through which a store gets its range lock table, and the few types the core's
 * transactions name when they lock. The lock manager is a layer above the core
 * (engine/range-locks/): it provides its constructor here when it is loaded (engine/index.ts
 * loads it) and widens {@link StoreLockTable} to its whole API, so the core imports nothing from
 * it — not even types — and never loads it.
 */

/** What a transaction locks: one key, the range [from, to) (no `to`: to the end), or every key with a prefix. */
export type LockTarget =
  | { readonly key: Uint8Array }
  | { readonly from: Uint8Array; readonly to?: Uint8Array }
  | { readonly prefix: Uint8Array };

/** Shared locks overlap each other; an exclusive lock overlaps nothing held by another transaction. */
export type LockMode = 'shared' | 'exclusive';

/** Options of taking a lock. */
export interface AcquireOptions {
  /** Give up after this many ms; 0 = fail at once instead of waiting; Infinity = wait forever. */
  readonly timeoutMs?: number;
}

/**
 * A store's range lock table, as the core uses it: take a lock for a transaction, release all of
 * a transaction's locks. engine/range-locks/lock-manager.ts merges its `LockManager` into this
 * interface (declaration merging), so `store.locks` has the lock manager's whole API wherever
 * the engine's public API is imported.
 */
export interface StoreLockTable {
  /** Waits until `tx` holds `target` in `mode` (FIFO, timeouts, deadlock detection). */
  acquire(tx: number, target: LockTarget, mode: LockMode, opts?: AcquireOptions): Promise<void>;
  /** Releases every lock `tx` holds or waits for. */
  releaseAll(tx: number): void;
}

let makeLockTable: (() => StoreLockTable) | null = null;

/** Installs the constructor of a store's lock table (engine/range-locks/ does, once, when loaded). O(1). */
export function provideLockTable(make: () => StoreLockTable): void {
  makeLockTable = make;
}

/** A new, empty lock table for one store. Throws when engine/range-locks/ was never loaded. O(1). */
export function newLockTable(): StoreLockTable {
  if (!makeLockTable) throw new Error('range locks are not loaded: import the engine through engine/index.ts');
  return makeLockTable();
}
