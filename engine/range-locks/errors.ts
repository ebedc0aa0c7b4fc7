/**
 * Errors a lock request can settle with. Each message is one line saying what happened and what
 * to do; the fields carry the same facts for programs.
 */
import { StoreError } from '../errors';
import type { LockMode } from './mode';
import { type LockTarget, describeTarget } from './range';

function aLock(mode: LockMode): string {
  return mode === 'exclusive' ? 'an exclusive lock' : 'a shared lock';
}

function txList(txs: readonly number[]): string {
  return txs.map((t) => `tx ${t}`).join(', ');
}

/** A lock request waited longer than its timeout and was withdrawn; nothing was granted. */
export class LockTimeoutError extends StoreError {
  constructor(
    readonly tx: number,
    readonly target: LockTarget,
    readonly mode: LockMode,
    readonly waitedMs: number,
    /** Transactions holding a conflicting lock when the wait ended. */
    readonly holders: readonly number[],
    /** Transactions whose earlier waiting requests this one was queued behind (FIFO). */
    readonly queuedBehind: readonly number[] = [],
  ) {
    const who = holders.length > 0 ? `held by ${txList(holders)}` : `queued behind ${txList(queuedBehind)}`;
    super('LOCK_TIMEOUT', `tx ${tx} gave up after ${waitedMs} ms waiting for ${aLock(mode)} on ${describeTarget(target)} ${who}; retry, or raise timeoutMs`);
  }
}

/**
 * The request closed a cycle in the waits-for graph and its transaction was the youngest in it,
 * so it was chosen as the victim. Its held locks are kept until the caller aborts it.
 */
export class DeadlockError extends StoreError {
  constructor(
    readonly tx: number,
    /** The cycle starting at the victim: each transaction waits for the next, the last for the first. */
    readonly cycle: readonly number[],
    readonly target: LockTarget,
    readonly mode: LockMode,
  ) {
    super('DEADLOCK', `deadlock: tx ${tx} waiting for ${aLock(mode)} on ${describeTarget(target)} closes the cycle ${[...cycle, cycle[0]].join(' → ')}; it is the youngest, so abort tx ${tx} and retry it`);
  }
}

/** The request was still waiting when its transaction released its locks (commit or abort). */
export class LockCancelledError extends StoreError {
  constructor(
    readonly tx: number,
    readonly target: LockTarget,
    readonly mode: LockMode,
  ) {
    super('LOCK_CANCELLED', `tx ${tx}'s request for ${aLock(mode)} on ${describeTarget(target)} was cancelled because the transaction ended`);
  }
}
