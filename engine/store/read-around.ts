/**
 * When to read more than the block asked for. A cold point read costs one device round trip per
 * tree level below what is cached (~0.15 ms here for 8 KiB), and a whole 256 KiB window costs
 * little more (~0.6 ms) while it brings ~30 neighbouring blocks into the page cache. LMDB gets
 * this for free: the kernel reads 128 KiB around every page fault of its map. A pread gets no
 * such read-around for random offsets, so the store does it itself — but only while reads come
 * from the device: from the page cache a window costs a 256 KiB copy where the block needed 8 KiB.
 *
 * The policy tells the two apart by how long each read took (a page-cache hit of a block is a few
 * microseconds, a device read a hundred or more) and reads around while the recent reads were slow.
 * It remembers which windows it has read: a block inside one is in the page cache already, so it is
 * read exactly, and its (fast) read says nothing about the rest of the file.
 */

/** Default window read around a block while reads come from the device (`OpenOptions.readAroundBytes`). */
export const DEFAULT_READ_AROUND_BYTES = 256 * 1024;
/** Largest window accepted. */
export const MAX_READ_AROUND_BYTES = 64 * 1024 * 1024;

/** Reads slower than this fixed part (plus the per-KiB part below) came from the device. */
const DEVICE_FIXED_US = 40;
/** Copying from the page cache costs well under 0.5 µs per KiB even on a busy machine. */
const DEVICE_PER_KIB_US = 0.5;
/** How many slow reads in a row, net of fast ones, switch read-around on. */
const SLOW_TO_START = 2;
/** The score saturates here, so that as many fast reads switch it off again. */
const SCORE_MAX = 8;
/** Windows remembered at most (16 GiB of file at the default window); then the memory starts over. */
const MAX_REMEMBERED = 65536;

/**
 * Decides, from the timings of past reads, whether the next block read should read a whole
 * aligned window around it. O(1) per read; no allocation.
 */
export class ReadAroundPolicy {
  private score = 0;
  private readonly read = new Set<number>();

  /** @param windowBytes the window (0 turns read-around off). */
  constructor(readonly windowBytes: number = DEFAULT_READ_AROUND_BYTES) {}

  /** True when a read of `bytes` taking `micros` went to the device rather than the page cache. O(1). */
  static wasDeviceRead(bytes: number, micros: number): boolean {
    return micros > DEVICE_FIXED_US + (bytes / 1024) * DEVICE_PER_KIB_US;
  }

  /**
   * Records one read of a block that was not inside a window already read (timings of those say
   * nothing about the rest of the file). O(1).
   */
  record(bytes: number, micros: number): void {
    if (ReadAroundPolicy.wasDeviceRead(bytes, micros)) {
      if (this.score < SCORE_MAX) this.score++;
    } else if (this.score > 0) {
      this.score--;
    }
  }

  /**
   * The byte range to read for a block at [offset, offset + length) in a file of `fileSize`
   * bytes: the block itself, or the aligned window holding its start, stretched to hold its end
   * and clipped to the file (remembered as read). `known`: the block lies in a window read
   * before, so its timing should not be recorded. O(1).
   */
  span(offset: number, length: number, fileSize: number): { start: number; end: number; known: boolean } {
    const w = this.windowBytes;
    if (w <= length) return { start: offset, end: offset + length, known: false };
    const window = Math.floor(offset / w);
    if (this.read.has(window)) return { start: offset, end: offset + length, known: true };
    if (this.score < SLOW_TO_START) return { start: offset, end: offset + length, known: false };
    if (this.read.size >= MAX_REMEMBERED) this.read.clear();
    this.read.add(window);
    const start = window * w;
    const end = Math.max(offset + length, Math.min(start + w, fileSize));
    return { start, end, known: false };
  }

  /** True while reads are being read around. O(1). */
  get active(): boolean {
    return this.windowBytes > 0 && this.score >= SLOW_TO_START;
  }
}
