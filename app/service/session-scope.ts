/**
 * A session is one client of the service: an Electron window, one WebSocket of the serve host.
 * Everything a session acquires (its opens of a store, the writer lock of edit mode, jobs,
 * lock-monitor attachments, the contention demo's workload) is registered on its scope and
 * released when the session ends, so closing a tab never leaves a file locked or a workload
 * running until the server exits.
 *
 * Handlers find their session through AsyncLocalStorage (`currentScope`): the service enters
 * the caller's scope around each call, and work started inside it (jobs, child processes) is
 * tied to it without every handler passing it along.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** What a session holds, released in reverse order when it closes. */
export class SessionScope {
  readonly #releases = new Map<number, { key: string | undefined; release: () => void }>();
  #next = 0;
  #closed = false;

  /** `readOnly`: the session may not write anything (see `WRITE_METHODS`). */
  constructor(readonly id: string, readonly readOnly: boolean) {}

  /** True once {@link close} ran. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Registers `release` to run when the session closes (at once if it already has). `key`
   * groups releases so {@link drop} can run one early. Returns a function that unregisters it
   * without running it (the resource ended on its own). O(1).
   */
  hold(release: () => void, key?: string): () => void {
    if (this.#closed) {
      safely(release);
      return () => undefined;
    }
    const id = this.#next++;
    this.#releases.set(id, { key, release });
    return () => {
      this.#releases.delete(id);
    };
  }

  /** How many releases are held under `key`. O(held). */
  count(key: string): number {
    let n = 0;
    for (const r of this.#releases.values()) if (r.key === key) n++;
    return n;
  }

  /** Runs and forgets the newest release held under `key`; false when there is none. O(held). */
  drop(key: string): boolean {
    const ids = [...this.#releases.entries()].filter(([, r]) => r.key === key).map(([id]) => id);
    const id = ids[ids.length - 1];
    if (id === undefined) return false;
    const { release } = this.#releases.get(id)!;
    this.#releases.delete(id);
    safely(release);
    return true;
  }

  /** Ends the session: runs every release, newest first; one failing does not stop the rest. O(held). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const all = [...this.#releases.values()].reverse();
    this.#releases.clear();
    for (const { release } of all) safely(release);
  }
}

function safely(release: () => void): void {
  try {
    release();
  } catch {
    // A resource that is already gone (closed file, exited child) has nothing left to release.
  }
}

const current = new AsyncLocalStorage<SessionScope>();

/** Runs `work` as `scope`'s (what it starts belongs to the session). */
export function runInScope<T>(scope: SessionScope, work: () => T): T {
  return current.run(scope, work);
}

/** The session of the call being handled, if any. O(1). */
export function currentScope(): SessionScope | undefined {
  return current.getStore();
}
