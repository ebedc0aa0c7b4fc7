import * as fs from 'node:fs';
import * as path from 'node:path';
import { BlockKind, type Address } from '../format/address';
import { frameBlock } from '../format/block';
import { ClosedError } from '../errors';

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
 * The one module that touches the store file. Positioned reads and writes on one descriptor;
 * the writer keeps zero-filled space allocated ahead of the end so that a small commit's
 * fdatasync flushes only its data pages and no file-size metadata.
 */
export class StoreFile {
  readonly io: IoCounters = { nodeVisits: 0, blockReads: 0, bytesRead: 0, blocksWritten: 0, bytesWritten: 0, fsyncs: 0 };
  private allocated: number;

  private constructor(
    readonly path: string,
    private fd: number,
    readonly readOnly: boolean,
  ) {
    this.allocated = fs.fstatSync(fd).size;
  }

  /** Opens an existing file. */
  static open(path: string, readOnly: boolean): StoreFile {
    return new StoreFile(path, fs.openSync(path, readOnly ? 'r' : 'r+'), readOnly);
  }

  /** Creates a new file; fails if it exists. */
  static create(path: string): StoreFile {
    return new StoreFile(path, fs.openSync(path, 'wx+'), false);
  }

  /** Device and inode of the open descriptor (the writer lock must be on the same file). O(1). */
  identity(): { dev: number; ino: number } {
    const st = fs.fstatSync(this.fd);
    return { dev: st.dev, ino: st.ino };
  }

  /** Current size of the file on disk (including preallocated zeros). */
  size(): number {
    return fs.fstatSync(this.fd).size;
  }

  /** Reads exactly `length` bytes at `offset` (fewer at end of file). O(length). */
  read(offset: number, length: number): Buffer {
    if (this.fd < 0) throw new ClosedError(`store ${this.path}`);
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, buf, done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    this.io.blockReads++;
    this.io.bytesRead += done;
    return done === length ? buf : buf.subarray(0, done);
  }

  /** Writes all of `data` at `offset`. */
  write(offset: number, data: Uint8Array): void {
    if (this.fd < 0) throw new ClosedError(`store ${this.path}`);
    let done = 0;
    while (done < data.length) done += fs.writeSync(this.fd, data, done, data.length - done, offset + done);
    this.io.bytesWritten += data.length;
  }

  /** Makes everything written so far durable (fdatasync). */
  sync(): void {
    fs.fdatasyncSync(this.fd);
    this.io.fsyncs++;
  }

  /** Keeps zero-filled, allocated space beyond `end` so appends overwrite instead of growing the file. */
  preallocate(end: number): void {
    if (end > this.allocated) this.allocated = end;
    if (end + PREALLOCATE_STEP / 4 <= this.allocated) return;
    const target = Math.ceil((end + PREALLOCATE_STEP) / PREALLOCATE_STEP) * PREALLOCATE_STEP;
    const zeros = Buffer.alloc(Math.min(PREALLOCATE_STEP, target - this.allocated));
    for (let at = this.allocated; at < target; at += zeros.length) {
      fs.writeSync(this.fd, zeros, 0, Math.min(zeros.length, target - at), at);
    }
    this.allocated = target;
  }

  /** Cuts the file at `length` (drops a torn tail or preallocated zeros). */
  truncate(length: number): void {
    fs.ftruncateSync(this.fd, length);
    this.allocated = length;
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }

  /**
   * True when `path` no longer names the file this descriptor has open (another process renamed
   * a compacted file over it): compares device and inode. False when the path is gone. O(1).
   */
  replacedOnDisk(): boolean {
    if (this.fd < 0) return false;
    const mine = fs.fstatSync(this.fd);
    const now = fs.statSync(this.path, { throwIfNoEntry: false });
    return now !== undefined && (now.ino !== mine.ino || now.dev !== mine.dev);
  }

  /**
   * Renames this file to `target` (atomic within one filesystem), then fsyncs the directory so
   * the rename itself is durable. The descriptor stays open on the same inode and moves to the
   * returned object; this one is left closed. The caller must have synced the data first.
   */
  moveTo(target: string): StoreFile {
    fs.renameSync(this.path, target);
    const moved = new StoreFile(target, this.fd, this.readOnly);
    this.fd = -1;
    syncDirectory(path.dirname(target));
    return moved;
  }
}

/** fsyncs a directory, making a rename or create inside it durable. Some platforms refuse; that is not an error there. */
export function syncDirectory(dir: string): void {
  let fd = -1;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') throw e;
  } finally {
    if (fd >= 0) fs.closeSync(fd);
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
  blocks = 0;

  constructor(
    private readonly file: StoreFile,
    private pos: number,
  ) {
    this.flushedTo = pos;
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

  /** Writes queued blocks to the file (not yet durable). */
  flush(): void {
    if (this.chunks.length === 0) return;
    const data = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.pendingBytes);
    this.file.write(this.flushedTo, data);
    this.flushedTo += data.length;
    this.file.preallocate(this.flushedTo);
    this.chunks = [];
    this.pendingBytes = 0;
  }
}

export { BlockKind };
