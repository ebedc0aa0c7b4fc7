import * as fs from 'node:fs';
import * as path from 'node:path';
import { BlockKind, type Address } from '../format/address';
import { frameBlock } from '../format/block';
import { ClosedError, DiskFullError, FileStateError, NotAStoreError, StoreError } from '../errors';
import { ReadAroundPolicy } from './read-around';

/** Counters of file work, for complexity tests, `info` and benchmarks. */
export interface IoCounters {
  /** Node loads (cache hits included): what "a read touches ≤ height nodes" counts. */
  nodeVisits: number;
  /** Blocks read from the file (cache misses). */
  blockReads: number;
  bytesRead: number;
  blocksWritten: number;
  bytesWritten: number;
  fsyncs: number;
}

/** How far ahead of the committed end the writer keeps the file allocated with real zeros. */
const PREALLOCATE_STEP = 4 * 1024 * 1024;

/**
 * The system calls the store makes on its files, in one place: every read, write, flush,
 * truncate, rename and link of a store goes through this object. Tests replace entries to
 * count flushes and to inject failures (a full disk), as SQLite's VFS lets its tests do.
 */
export const fileCalls = {
  openSync: fs.openSync,
  readSync: fs.readSync,
  writeSync: fs.writeSync,
  fdatasyncSync: fs.fdatasyncSync,
  fsyncSync: fs.fsyncSync,
  ftruncateSync: fs.ftruncateSync,
  fstatSync: fs.fstatSync,
  closeSync: fs.closeSync,
  renameSync: fs.renameSync,
  linkSync: fs.linkSync,
  unlinkSync: fs.unlinkSync,
};

/** Errors a full device or quota raises. */
function isDiskFull(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * Turns a failed system call on `path` into the typed, one-line error a user can act on: a full
 * disk, a path that is too long or loops, a missing or forbidden file. Other errors (EIO…) are
 * returned unchanged: they are not the user's to fix and must not be disguised. O(1).
 */
export function fileError(path: string, what: string, e: unknown): unknown {
  if (e instanceof StoreError) return e;
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (isDiskFull(e)) return new DiskFullError(path, what);
  switch (code) {
    case 'ENOENT': return new FileStateError(`${path} does not exist`);
    case 'ENAMETOOLONG': return new FileStateError(`${path}: the path is too long for the file system`);
    case 'ELOOP': return new FileStateError(`${path}: too many levels of symbolic links (a link loop)`);
    case 'ENOTDIR': return new FileStateError(`${path}: a part of the path is not a directory`);
    case 'EACCES': case 'EPERM': return new FileStateError(`${path}: permission denied (${what})`);
    case 'EROFS': return new FileStateError(`${path} is on a read-only file system; open it read-only`);
    case 'EISDIR': return new NotAStoreError(path, 'it is a directory');
    case 'ENXIO': case 'ENODEV': return new NotAStoreError(path, 'it is a socket or a device, not a regular file');
    default: return e;
  }
}

/** What a non-regular file is, for the refusal message. */
function describeNonFile(st: fs.Stats): string {
  if (st.isDirectory()) return 'it is a directory';
  if (st.isFIFO()) return 'it is a named pipe (FIFO), not a regular file';
  if (st.isSocket()) return 'it is a socket, not a regular file';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'it is a device, not a regular file';
  return 'it is not a regular file';
}

/**
 * Opens `path` without ever blocking (O_NONBLOCK: a FIFO at the path would otherwise wait for
 * a writer and freeze the event loop) and refuses anything but a regular file. Symlinks are
 * followed: a link to a store is a store. Returns the descriptor. O(1).
 */
function openRegular(path: string, flags: number, what: string): number {
  let fd: number;
  try {
    fd = fileCalls.openSync(path, flags | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const typed = fileError(path, what, e);
    if (typed !== e && typed instanceof Error) typed.cause = e;
    throw typed;
  }
  const st = fileCalls.fstatSync(fd);
  if (!st.isFile()) {
    fileCalls.closeSync(fd);
    throw new NotAStoreError(path, describeNonFile(st));
  }
  return fd;
}

/**
 * The one module that touches the store file. Positioned reads and writes on one descriptor;
 * the writer keeps zero-filled space allocated ahead of the end so that a small commit's
 * fdatasync flushes only its data pages and no file-size metadata.
 */
export class StoreFile {
  readonly io: IoCounters = { nodeVisits: 0, blockReads: 0, bytesRead: 0, blocksWritten: 0, bytesWritten: 0, fsyncs: 0 };
  /** Whether block reads read a window around the block (read-around.ts). */
  readAround = new ReadAroundPolicy();
  /** Scratch space for windows read around a block; blocks are copied out of it. */
  private window: Buffer | null = null;
  private allocated: number;

  private constructor(
    readonly path: string,
    private fd: number,
    readonly readOnly: boolean,
    /** The name errors give: the store's path, also while it is built under a temp name. */
    private readonly label: string = path,
  ) {
    this.allocated = fileCalls.fstatSync(fd).size;
  }

  /**
   * Opens an existing regular file (typed errors: missing, not a regular file, path too long or
   * looping, permission). Never blocks, whatever the path names. O(1).
   */
  static open(path: string, readOnly: boolean): StoreFile {
    const { O_RDONLY, O_RDWR } = fs.constants;
    return new StoreFile(path, openRegular(path, readOnly ? O_RDONLY : O_RDWR, readOnly ? 'open for reading' : 'open for writing'), readOnly);
  }

  /** Creates a new file; fails if it exists. Errors name `label` (the store a temp file will become). */
  static create(path: string, label: string = path): StoreFile {
    const { O_RDWR, O_CREAT, O_EXCL } = fs.constants;
    let fd: number;
    try {
      fd = openRegular(path, O_RDWR | O_CREAT | O_EXCL, 'create');
    } catch (e) {
      throw fileError(label, 'create', (e as { cause?: unknown }).cause ?? e);
    }
    return new StoreFile(path, fd, false, label);
  }

  /** Device and inode of the open descriptor (the writer lock must be on the same file). O(1). */
  identity(): { dev: number; ino: number } {
    const st = fs.fstatSync(this.fd);
    return { dev: st.dev, ino: st.ino };
  }

  /** Current size of the file on disk (including preallocated zeros). */
  size(): number {
    return fileCalls.fstatSync(this.fd).size;
  }

  /** Reads exactly `length` bytes at `offset` (fewer at end of file). O(length). */
  read(offset: number, length: number): Buffer {
    if (this.fd < 0) throw new ClosedError(`store ${this.path}`);
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = fileCalls.readSync(this.fd, buf, done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    this.io.blockReads++;
    this.io.bytesRead += done;
    return done === length ? buf : buf.subarray(0, done);
  }

  /**
   * Reads a node block: exactly `length` bytes at `offset` (fewer at end of file), like
   * {@link read}, but while recent reads came from the device it reads the aligned window around
   * the block in the same call, so that the blocks beside it are in the page cache when asked
   * for (read-around.ts). The block is copied out of the window: nothing keeps the window alive.
   * `transient`: the caller only looks at the bytes before its next read of this file (it copies
   * what it keeps), so they are returned as a view of the reused read buffer, not copied.
   * O(length), or O(window) while reading around.
   */
  readNear(offset: number, length: number, transient = false): Buffer {
    const { start, end, known } = this.readAround.span(offset, length, this.allocated);
    if (start === offset && end === offset + length && !transient) {
      if (known) return this.read(offset, length);
      const t0 = performance.now();
      const block = this.read(offset, length);
      this.readAround.record(length, (performance.now() - t0) * 1000);
      return block;
    }
    if (this.fd < 0) throw new ClosedError(`store ${this.path}`);
    const size = end - start;
    if (this.window === null || this.window.length < size) this.window = Buffer.allocUnsafe(Math.max(size, this.readAround.windowBytes, 65536));
    const window = this.window;
    const t0 = performance.now();
    let done = 0;
    while (done < size) {
      const n = fileCalls.readSync(this.fd, window, done, size - done, start + done);
      if (n === 0) break;
      done += n;
    }
    if (!known) this.readAround.record(done, (performance.now() - t0) * 1000);
    this.io.blockReads++;
    this.io.bytesRead += done;
    const from = offset - start;
    const have = Math.max(0, Math.min(length, done - from));
    if (transient) return window.subarray(from, from + have);
    const block = Buffer.allocUnsafe(have);
    window.copy(block, 0, from, from + have);
    return block;
  }

  /** Writes all of `data` at `offset`. DiskFullError when the device is full. */
  write(offset: number, data: Uint8Array): void {
    if (this.fd < 0) throw new ClosedError(`store ${this.path}`);
    let done = 0;
    try {
      while (done < data.length) done += fileCalls.writeSync(this.fd, data, done, data.length - done, offset + done);
    } catch (e) {
      throw fileError(this.label, `writing ${data.length} bytes at byte ${offset}`, e);
    }
    this.io.bytesWritten += data.length;
  }

  /** Makes everything written so far durable (fdatasync). */
  sync(): void {
    if (this.fd < 0) throw new ClosedError(`store ${this.path}`);
    try {
      fileCalls.fdatasyncSync(this.fd);
    } catch (e) {
      // ENOSPC can surface only here (delayed allocation); EIO stays an EIO: never retried.
      throw fileError(this.label, 'flushing to disk', e);
    }
    this.io.fsyncs++;
  }

  /**
   * Keeps zero-filled, allocated space beyond `end` so appends overwrite instead of growing the
   * file: 4 MiB steps, at least 1 MiB and at most 8 MiB ahead. Only what fits is preallocated:
   * on a nearly full device it stops quietly where the space ends (the data itself was already
   * written, and the next append grows the file as an ordinary write).
   */
  preallocate(end: number): void {
    if (end > this.allocated) this.allocated = end;
    if (end + PREALLOCATE_STEP / 4 <= this.allocated) return;
    const target = Math.ceil((end + PREALLOCATE_STEP) / PREALLOCATE_STEP) * PREALLOCATE_STEP;
    const zeros = Buffer.alloc(Math.min(PREALLOCATE_STEP, target - this.allocated));
    let at = this.allocated;
    try {
      while (at < target) at += fileCalls.writeSync(this.fd, zeros, 0, Math.min(zeros.length, target - at), at);
    } catch (e) {
      if (!isDiskFull(e)) throw fileError(this.label, 'preallocating space', e);
    }
    this.allocated = Math.max(this.allocated, at);
  }

  /** Cuts the file at `length` (drops a torn tail or preallocated zeros). */
  truncate(length: number): void {
    fileCalls.ftruncateSync(this.fd, length);
    this.allocated = length;
  }

  close(): void {
    if (this.fd >= 0) fileCalls.closeSync(this.fd);
    this.fd = -1;
  }

  /**
   * True when `path` no longer names the file this descriptor has open (another process renamed
   * a compacted file over it): compares device and inode. False when the path is gone. O(1).
   */
  replacedOnDisk(): boolean {
    if (this.fd < 0) return false;
    const mine = fileCalls.fstatSync(this.fd);
    const now = fs.statSync(this.path, { throwIfNoEntry: false });
    return now !== undefined && (now.ino !== mine.ino || now.dev !== mine.dev);
  }

  /**
   * Renames this file to `target` (atomic within one filesystem), then fsyncs the directory so
   * the rename itself is durable. The descriptor stays open on the same inode and moves to the
   * returned object; this one is left closed. The caller must have synced the data first.
   */
  moveTo(target: string): StoreFile {
    fileCalls.renameSync(this.path, target);
    const moved = new StoreFile(target, this.fd, this.readOnly);
    this.fd = -1;
    syncDirectory(path.dirname(target));
    return moved;
  }
}

/**
 * True when `path` names something (following symlinks); false only when nothing is there.
 * A path that is too long, loops or cannot be searched is a typed error, not "no such store". O(1).
 */
export function pathExists(path: string): boolean {
  try {
    return fs.statSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch (e) {
    throw fileError(path, 'stat', e);
  }
}

/** The temp name a store is built under by `Store.create` in this process. */
export function createTempPath(target: string): string {
  return `${target}.create-${process.pid}.tmp`;
}

/**
 * Removes `<target>.create-<pid>.tmp` files left by a create that was killed (their process is
 * gone). A live process's temp file is its create in progress and is left alone. O(directory).
 */
export function removeStaleCreateFiles(target: string): void {
  const stem = `${path.basename(target)}.create-`;
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(target));
  } catch {
    return;
  }
  for (const name of names) {
    const m = name.startsWith(stem) ? /^(\d+)\.tmp$/.exec(name.slice(stem.length)) : null;
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (!alive || pid === process.pid) fs.rmSync(path.join(path.dirname(target), name), { force: true });
  }
}

/**
 * Puts the complete, flushed file `tmp` at `target` atomically and durably: a hard link (which,
 * unlike rename, fails when `target` exists, so a store created meanwhile is never replaced),
 * then the temp name is removed and the directory flushed. On a file system without hard links,
 * a rename after checking that `target` is still free. O(1).
 */
export function publishFile(tmp: string, target: string): void {
  try {
    fileCalls.linkSync(tmp, target);
    fileCalls.unlinkSync(tmp);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new FileStateError(`${target} already exists`);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EMLINK') throw fileError(target, 'create', e);
    if (pathExists(target)) throw new FileStateError(`${target} already exists`);
    try {
      fileCalls.renameSync(tmp, target);
    } catch (e2) {
      throw fileError(target, 'create', e2);
    }
  }
  syncDirectory(path.dirname(target));
}

/** fsyncs a directory, making a rename or create inside it durable. Some platforms refuse; that is not an error there. */
export function syncDirectory(dir: string): void {
  let fd = -1;
  try {
    fd = fileCalls.openSync(dir, 'r');
    fileCalls.fsyncSync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') throw e;
  } finally {
    if (fd >= 0) fileCalls.closeSync(fd);
  }
}

/**
 * Collects the blocks of one commit in memory and writes them with few large writes, so a
 * commit is one write and one flush. Addresses are known as soon as a block is appended.
 */
export class Appender {
  private chunks: Buffer[] = [];
  private pendingBytes = 0;
  private flushedTo: number;
  private readonly start: number;
  blocks = 0;

  /** `preallocate` false: write only the blocks (a file that is complete as written, like a new store). */
  constructor(
    private readonly file: StoreFile,
    private pos: number,
    private readonly preallocate = true,
  ) {
    this.flushedTo = pos;
    this.start = pos;
  }

  /** File offset where the next block will go. */
  get end(): number {
    return this.pos;
  }

  /** Frames and queues a block; returns its address. O(payload). */
  append(kind: BlockKind, level: number, aux: number, payload: Uint8Array): Address {
    const { bytes, checksum } = frameBlock(kind, level, aux, payload);
    const address: Address = { offset: this.pos, length: bytes.length, kind, level, checksum };
    this.chunks.push(bytes);
    this.pos += bytes.length;
    this.pendingBytes += bytes.length;
    this.blocks++;
    this.file.io.blocksWritten++;
    if (this.pendingBytes >= 8 * 1024 * 1024) this.flush();
    return address;
  }

  /**
   * Queues a block already framed in place (format/block.ts `frameInPlace`): `block` is the
   * whole block, `checksum` the one framing returned. The block is kept as given, not copied:
   * it must stay unchanged until the next {@link flush}. Consecutive blocks that are adjacent
   * views of one buffer are queued as one view, so a writer that frames many blocks into one
   * large buffer flushes them with one write and no copy. Returns the block's address. O(1).
   */
  appendFramed(block: Buffer, kind: BlockKind, level: number, checksum: number): Address {
    const address: Address = { offset: this.pos, length: block.length, kind, level, checksum };
    const last = this.chunks.length > 0 ? this.chunks[this.chunks.length - 1] : null;
    if (last !== null && last.buffer === block.buffer && last.byteOffset + last.length === block.byteOffset) {
      this.chunks[this.chunks.length - 1] = Buffer.from(last.buffer, last.byteOffset, last.length + block.length);
    } else {
      this.chunks.push(block);
    }
    this.pos += block.length;
    this.pendingBytes += block.length;
    this.blocks++;
    this.file.io.blocksWritten++;
    if (this.pendingBytes >= 8 * 1024 * 1024) this.flush();
    return address;
  }

  /**
   * Zeroes what this appender wrote, after the write it belonged to failed (a full disk, a failed
   * flush): the next commit starts at the same offset, and whatever of this one it does not
   * overwrite would otherwise sit after it as blocks that look damaged to recovery. Best effort:
   * overwriting bytes already allocated needs no new space. O(bytes written).
   */
  discard(): void {
    const zeros = Buffer.alloc(Math.min(1024 * 1024, Math.max(0, this.flushedTo - this.start)));
    for (let at = this.start; at < this.flushedTo; at += zeros.length) {
      try {
        this.file.write(at, zeros.subarray(0, Math.min(zeros.length, this.flushedTo - at)));
      } catch {
        break;
      }
    }
    this.chunks = [];
    this.pendingBytes = 0;
  }

  /** Writes queued blocks to the file (not yet durable). A failed write is discarded (see {@link discard}). */
  flush(): void {
    if (this.chunks.length === 0) return;
    const data = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.pendingBytes);
    try {
      this.file.write(this.flushedTo, data);
    } catch (e) {
      this.flushedTo += data.length;
      this.discard();
      throw e;
    }
    this.flushedTo += data.length;
    if (this.preallocate) this.file.preallocate(this.flushedTo);
    this.chunks = [];
    this.pendingBytes = 0;
  }
}

export { BlockKind };
