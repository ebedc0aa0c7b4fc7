import * as fs from 'node:fs';
import * as os from 'node:os';
import { StoreLockedError } from '../errors';

/** What the lock file next to a store says about its writer. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly started: number;
}

/**
 * Path of the writer lock file for a store: beside the file itself, with symlinks resolved, so a
 * store opened through a link and through its target has one lock. (A path that does not exist
 * yet — a store being created — is taken as given.)
 */
export function lockPathOf(storePath: string): string {
  let real = storePath;
  try {
    real = fs.realpathSync(storePath);
  } catch {
    /* not created yet */
  }
  return `${real}.lock`;
}

/** True when a process with this pid exists on this host. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads the lock file, or null when there is none (or it is unreadable). */
export function readLockOwner(storePath: string): LockOwner | null {
  try {
    const o = JSON.parse(fs.readFileSync(lockPathOf(storePath), 'utf8')) as LockOwner;
    return typeof o.pid === 'number' ? o : null;
  } catch {
    return null;
  }
}

const held = new Set<string>();
let exitHookInstalled = false;

/**
 * Takes the single-writer lock: a file created exclusively that names this process. A lock
 * left by a dead process on this host is stale and recovered; a live holder gets
 * StoreLockedError naming its pid. Released by `release()` or at process exit.
 */
export function acquireWriterLock(storePath: string): { release(): void } {
  const path = lockPathOf(storePath);
  const me: LockOwner = { pid: process.pid, host: os.hostname(), started: Date.now() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // Write the content first, then link it into place: link() creates the lock file
      // atomically and complete, so no opener ever sees a half-written lock and calls it stale.
      const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(me));
      try {
        fs.linkSync(tmp, path);
      } finally {
        fs.rmSync(tmp, { force: true });
      }
      held.add(path);
      if (!exitHookInstalled) {
        exitHookInstalled = true;
        process.on('exit', () => {
          for (const p of held) {
            try {
              fs.unlinkSync(p);
            } catch {
              /* already gone */
            }
          }
        });
      }
      return {
        release(): void {
          if (!held.delete(path)) return;
          try {
            fs.unlinkSync(path);
          } catch {
            /* already gone */
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = readLockOwner(storePath);
      if (owner && (owner.host !== me.host || processAlive(owner.pid))) {
        throw new StoreLockedError(storePath, owner.pid, owner.host === me.host ? '' : owner.host);
      }
      // Stale (dead holder): remove it — but only if it still names the same dead process, so
      // two openers recovering at once do not remove each other's fresh lock.
      const again = readLockOwner(storePath);
      if (again && owner && (again.pid !== owner.pid || again.started !== owner.started)) continue;
      try {
        fs.unlinkSync(path);
      } catch {
        /* raced with another opener */
      }
    }
  }
  const owner = readLockOwner(storePath);
  throw new StoreLockedError(storePath, owner?.pid ?? 0, owner?.host ?? '');
}
