/**
 * The hook through which a store gets its range lock table. The lock manager is a layer above
 * the core (engine/locks/): it provides its constructor here when it is loaded (engine/index.ts
 * loads it), so the core names it by type only and never loads it.
 */
import type { LockManager } from '../locks/lock-manager';

let makeLockTable: (() => LockManager) | null = null;

/** Installs the constructor of a store's lock table (engine/locks/ does, once, when loaded). O(1). */
export function provideLockTable(make: () => LockManager): void {
  makeLockTable = make;
}

/** A new, empty lock table for one store. Throws when engine/locks/ was never loaded. O(1). */
export function newLockTable(): LockManager {
  if (!makeLockTable) throw new Error('range locks are not loaded: import the engine through engine/index.ts');
  return makeLockTable();
}
