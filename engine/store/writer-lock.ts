import * as fs from 'node:fs';
import * as os from 'node:os';
import { createRequire } from 'node:module';
import { FileStateError, StoreLockedError } from '../errors';

/**
 * The single-writer lock (FORMAT.md §14).
 *
 * The lock is an OS advisory lock held on an open descriptor of the store file itself, so the
 * kernel drops it the moment the holding process dies (SIGKILL included), it is keyed by the
 * inode (two hard-link names of one store exclude each other), and nobody ever has to guess
 * from a pid whether a holder is still alive. Node has no flock/fcntl API, so the lock comes
 * from `fs-native-extensions`: an N-API addon whose prebuilt binaries ship inside the npm
 * package (nothing is compiled at `npm install`, and N-API binaries load unchanged in Electron).
 * On Linux it takes an open-file-description (OFD) `fcntl` lock, on macOS `flock`, on Windows
 * `LockFileEx`. It is loaded only when a writer opens a store; readers never load it.
 *
 * `<store>.lock` beside the file names the holder (pid, host, start time). With the OS lock it
 * is information only (for error messages and `info().writerPid`). Where the addon cannot load
 * or the file system refuses OS locks, the pid file alone is the lock, as before — with its
 * known limits (a reused pid blocks until it exits, another host's lock never expires, a
 * recovery race); FORMAT.md §14 lists them.
 */

/** How a writer lock is held. */
export type LockMechanism = 'os' | 'pid-file';

/** What the lock file next to a store says about its writer. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly started: number;
  /** 'os' when the pid file only describes an OS lock; absent or 'pid-file' when it is the lock. */
  readonly lock?: LockMechanism;
}

/** A held writer lock. */
export interface WriterLock {
  readonly mechanism: LockMechanism;
  /**
   * Also locks `path`, a file this writer made that is about to replace the store by rename
   * (compaction's copy), so that the name never names an unlocked inode. O(1).
   */
  cover(path: string): void;
  /** Drops the locks on inodes the store's path no longer names (after a replacement). O(locks held). */
  prune(): void;
  /** Removes the pid file and drops the lock. Idempotent. O(1). */
  release(): void;
}

/** The identity of an open file, to check that a lock and a descriptor name one inode. */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
}

/**
 * The byte the OS lock covers: far past any real store's end. On Windows, `LockFileEx` locks
 * are mandatory for the bytes they cover, so locking data bytes would stop readers; this byte
 * is never read or written. (On Linux and macOS the lock is advisory and the range is moot.)
 */
const LOCK_BYTE = 2 ** 62;

/** The part of `fs-native-extensions` used here. */
interface NativeLocks {
  tryLock(fd: number, offset: number, length: number, opts?: { shared?: boolean }): boolean;
}

let native: NativeLocks | null | undefined;

/** The OS-lock addon, or null where it cannot load. Loaded once, on the first writer open. */
function nativeLocks(): NativeLocks | null {
  if (native === undefined) {
    try {
      native = createRequire(import.meta.url)('fs-native-extensions') as NativeLocks;
    } catch {
      native = null;
    }
  }
  return native;
}

/** Which mechanism a writer opening a store now would use ('os' unless the addon cannot load). O(1). */
export function availableLockMechanism(): LockMechanism {
  return nativeLocks() ? 'os' : 'pid-file';
}

/** The path with symlinks resolved, or as given when it does not exist yet. */
function realPathOf(storePath: string): string {
  try {
    return fs.realpathSync(storePath);
  } catch {
    return storePath;
  }
}

/**
 * Path of the writer's pid file for a store: beside the file itself, with symlinks resolved, so
 * a store opened through a link and through its target names one file. O(path length).
 */
export function lockPathOf(storePath: string): string {
  return `${realPathOf(storePath)}.lock`;
}

/** True when a process with this pid exists on this host. O(1). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads the pid file, or null when there is none (or it is unreadable). O(1). */
export function readLockOwner(storePath: string): LockOwner | null {
  try {
    const o = JSON.parse(fs.readFileSync(lockPathOf(storePath), 'utf8')) as LockOwner;
    return typeof o.pid === 'number' ? o : null;
  } catch {
    return null;
  }
}

function codeOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/** The pid files this process must remove if it exits without closing its stores. */
const heldPidFiles = new Set<string>();
let exitHookInstalled = false;

function rememberPidFile(path: string): void {
  heldPidFiles.add(path);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of heldPidFiles) removeIfMine(p);
  });
}

/** Removes a pid file only while it names this process (another writer may own it by now). */
function removeIfMine(path: string): void {
  try {
    const o = JSON.parse(fs.readFileSync(path, 'utf8')) as LockOwner;
    if (o.pid === process.pid) fs.unlinkSync(path);
  } catch {
    /* gone or unreadable: not ours to remove */
  }
}

/**
 * Writes `content` to a temp file beside `path` and publishes it with `publish` (link or
 * rename). The temp file never outlives the call, whatever fails (a full disk fails the write
 * after the temp file was created), and a failure names the path. O(content).
 */
function writeBeside(path: string, content: string, publish: (tmp: string) => void): void {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.writeFileSync(tmp, content);
    publish(tmp);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw e;
    throw new FileStateError(`cannot write the writer lock file ${path}: ${codeOf(e)}`);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function lockedBy(storePath: string, owner: LockOwner | null, me: LockOwner): StoreLockedError {
  return new StoreLockedError(storePath, owner?.pid ?? 0, owner && owner.host !== me.host ? owner.host : '');
}

/** A lock descriptor on one inode. */
interface HeldFd {
  readonly fd: number;
  readonly id: FileIdentity;
}

function identityOf(st: fs.Stats): FileIdentity {
  return { dev: st.dev, ino: st.ino };
}

function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** Errors that mean "this file system does not do OS locks", not "someone holds it". */
const UNSUPPORTED = new Set(['ENOLCK', 'EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Opens `path` and takes the OS lock on its inode. Returns the descriptor, 'held' when another
 * descriptor (any process) holds it, or 'unsupported'. The descriptor is opened read-write
 * because an fcntl write lock needs one.
 */
function lockInode(locks: NativeLocks, path: string): HeldFd | 'held' | 'unsupported' {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r+');
  } catch (e) {
    throw new FileStateError(`cannot open ${path} to take its writer lock: ${codeOf(e)}`);
  }
  try {
    if (!locks.tryLock(fd, LOCK_BYTE, 1)) {
      fs.closeSync(fd);
      return 'held';
    }
  } catch (e) {
    fs.closeSync(fd);
    if (UNSUPPORTED.has((e as NodeJS.ErrnoException).code ?? '')) return 'unsupported';
    throw new FileStateError(`cannot take the writer lock on ${path}: ${codeOf(e)}`);
  }
  return { fd, id: identityOf(fs.fstatSync(fd)) };
}

function acquireOsLock(locks: NativeLocks, storePath: string, expected: FileIdentity | undefined, me: LockOwner): WriterLock | null {
  const target = realPathOf(storePath);
  const pidFile = `${target}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    const got = lockInode(locks, target);
    if (got === 'unsupported') return null;
    if (got === 'held') throw lockedBy(storePath, readLockOwner(storePath), me);
    // The path may have been replaced (the previous writer compacted) between our open and our
    // lock: then we hold a lock on a file that is no longer the store. Try again on the new one.
    let now: FileIdentity | null = null;
    try {
      now = identityOf(fs.statSync(target));
    } catch {
      /* renamed away */
    }
    if (!now || !sameFile(now, got.id)) {
      fs.closeSync(got.fd);
      continue;
    }
    if (expected && !sameFile(expected, got.id)) {
      fs.closeSync(got.fd);
      throw new FileStateError(`${storePath} was replaced while it was being opened; open it again`);
    }
    // A writer that had no OS locks (the pid-file fallback) cannot see ours, so it is honoured
    // here by its own rules: a live pid on this host holds the store.
    const owner = readLockOwner(storePath);
    if (owner && owner.lock !== 'os' && owner.host === me.host && owner.pid !== me.pid && processAlive(owner.pid)) {
      fs.closeSync(got.fd);
      throw lockedBy(storePath, owner, me);
    }
    // We hold the lock, so whatever pid file is there is stale (or absent): replace it whole.
    try {
      writeBeside(pidFile, JSON.stringify(me), (tmp) => fs.renameSync(tmp, pidFile));
    } catch (e) {
      fs.closeSync(got.fd);
      throw e;
    }
    rememberPidFile(pidFile);
    return osLock(locks, target, pidFile, got);
  }
  throw new FileStateError(`${storePath} kept being replaced while its writer lock was taken; open it again`);
}

function osLock(locks: NativeLocks, target: string, pidFile: string, first: HeldFd): WriterLock {
  let held: HeldFd[] = [first];
  return {
    mechanism: 'os',
    cover(path: string): void {
      const got = lockInode(locks, path);
      if (got === 'held' || got === 'unsupported') throw new FileStateError(`cannot take the writer lock on ${path} (${got})`);
      held.push(got);
    },
    prune(): void {
      let now: FileIdentity | null = null;
      try {
        now = identityOf(fs.statSync(target));
      } catch {
        return;
      }
      const cur = now;
      const [keep, drop] = [held.filter((h) => sameFile(h.id, cur)), held.filter((h) => !sameFile(h.id, cur))];
      if (keep.length === 0) return;
      for (const h of drop) fs.closeSync(h.fd);
      held = keep;
    },
    release(): void {
      if (held.length === 0) return;
      // The pid file goes first: once the lock is dropped, the next writer may write its own.
      removeIfMine(pidFile);
      heldPidFiles.delete(pidFile);
      for (const h of held) fs.closeSync(h.fd);
      held = [];
    },
  };
}

/**
 * The fallback where OS locks are unavailable: the pid file is the lock, created atomically
 * (written to a temp file, then `link`ed into place). A dead pid on this host is stale and
 * recovered; a live one, or one on another host, holds the store.
 */
function acquirePidFileLock(storePath: string, me: LockOwner): WriterLock {
  const path = lockPathOf(storePath);
  const mine = JSON.stringify({ ...me, lock: 'pid-file' });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeBeside(path, mine, (tmp) => fs.linkSync(tmp, path));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = readLockOwner(storePath);
      if (owner && (owner.host !== me.host || processAlive(owner.pid))) throw lockedBy(storePath, owner, me);
      // Stale (dead holder): remove it, but only if it still names the same dead process. (A
      // fresh lock taken between this read and the unlink can still be removed: the race that
      // the OS lock does not have.)
      const again = readLockOwner(storePath);
      if (again && owner && (again.pid !== owner.pid || again.started !== owner.started)) continue;
      try {
        fs.unlinkSync(path);
      } catch {
        /* raced with another opener */
      }
      continue;
    }
    rememberPidFile(path);
    let released = false;
    return {
      mechanism: 'pid-file',
      cover(): void {
        /* the pid file sits beside the path, not on the inode: nothing to add */
      },
      prune(): void {
        /* as above */
      },
      release(): void {
        if (released) return;
        released = true;
        heldPidFiles.delete(path);
        removeIfMine(path);
      },
    };
  }
  throw lockedBy(storePath, readLockOwner(storePath), me);
}

/** Options of {@link acquireWriterLock}. */
export interface AcquireOptions {
  /** The descriptor the store will write through: the lock must be on the same inode. */
  readonly file?: FileIdentity;
  /** Forces a mechanism (tests of the fallback). Default: 'os' where available. */
  readonly mechanism?: LockMechanism;
}

/**
 * Takes the single-writer lock of a store, or throws StoreLockedError naming the holder (pid 0
 * when the holder's pid file is elsewhere: another hard-link name). With OS locks the kernel
 * releases the lock when the process dies, so no stale state can block a later writer; the pid
 * file is rewritten by each new holder. O(1) system calls.
 */
export function acquireWriterLock(storePath: string, options: AcquireOptions = {}): WriterLock {
  const me: LockOwner = { pid: process.pid, host: os.hostname(), started: Date.now(), lock: 'os' };
  if (options.mechanism !== 'pid-file') {
    const locks = nativeLocks();
    const got = locks ? acquireOsLock(locks, storePath, options.file, me) : null;
    if (got) return got;
  }
  return acquirePidFileLock(storePath, me);
}
