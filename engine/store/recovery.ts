/**
 * What lies after the last commit roll-forward accepted: the clean end, a torn tail, or damage
 * (FORMAT.md §11.1).
 *
 * Roll-forward stops at the first block that is not a complete, valid, chained commit. A crash
 * can leave such a block — the last, partly written commit — and then nothing valid follows it:
 * that is a torn tail, and cutting it off loses only a commit that was never acknowledged. A
 * damaged block (a flipped bit, a bad sector) can leave the same stop with intact commits after
 * it: those were acknowledged, and cutting them off would lose them silently. This module tells
 * the two apart from the bytes alone:
 *
 * - A write that never reached the file leaves what was there before, which is zeros (the writer
 *   preallocates with zeros, and a file extended by a write reads as zeros where it was not
 *   written). A killed process's write stops at a page boundary; a power loss drops whole
 *   512-byte sectors. So an unwritten stretch shows as a 512-aligned sector (or the part of one
 *   inside the region) that is all zero.
 * - Damage is a block that is complete — its bytes reach its stated end — yet fails its CRC with
 *   no such zero sector, or any intact catalog record chained after the last accepted one.
 */
import { BlockKind, readAddress, type Address } from '../format/address';
import { BLOCK_HEADER_BYTES, blockChecksumOk, MAX_BLOCK_BYTES } from '../format/block';
import { ByteReader } from '../format/bytes';
import type { StoreFile } from './file';

/** The sector size unwritten data is assumed to come in (the smallest a disk writes atomically). */
export const SECTOR_BYTES = 512;
/** How much of the file past the stop point is read at a time while scanning for later commits. */
const SCAN_CHUNK = 8 * 1024 * 1024;
/** Read size while looking for the last written byte. */
const ZERO_CHUNK = 1024 * 1024;

/** What follows the last accepted commit. */
export type TailVerdict =
  /** Nothing: the stop point is the end of the file or of its written bytes. */
  | { readonly kind: 'end' }
  /** A partly written commit (or the leftovers of one), with nothing intact after it: safe to cut. */
  | { readonly kind: 'torn'; readonly dataEnd: number }
  /** Committed data is damaged at `offset`; `intactRecords` intact commit records follow it. */
  | { readonly kind: 'damaged'; readonly offset: number; readonly intactRecords: number; readonly lastIntactEnd: number; readonly detail: string };

/**
 * True when some 512-aligned sector, cut to [from, to), is all zero in `bytes` (which starts at
 * file offset `base`; offsets past its end read as zero, like a file shorter than a write meant).
 * That is the trace an unwritten sector leaves. O(to − from).
 */
export function hasUnwrittenSector(bytes: Buffer, base: number, from: number, to: number): boolean {
  for (let start = from; start < to;) {
    const end = Math.min(to, (Math.floor(start / SECTOR_BYTES) + 1) * SECTOR_BYTES);
    let zero = true;
    for (let at = start; at < end && zero; at++) {
      const i = at - base;
      if (i < bytes.length && bytes[i] !== 0) zero = false;
    }
    if (zero) return true;
    start = end;
  }
  return false;
}

/** The end of the written bytes from `from`: the offset after the last non-zero byte before `size`. O(size − from). */
function writtenEnd(file: StoreFile, from: number, size: number): number {
  const zeros = Buffer.alloc(ZERO_CHUNK);
  let end = size;
  while (end > from) {
    const start = Math.max(from, end - ZERO_CHUNK);
    const chunk = file.read(start, end - start);
    // memcmp against zeros first: the preallocated space after a clean close is all zero.
    if (chunk.equals(zeros.subarray(0, chunk.length))) {
      end = start;
      continue;
    }
    let i = chunk.length - 1;
    while (i >= 0 && chunk[i] === 0) i--;
    return start + i + 1;
  }
  return from;
}

/** A catalog record's `prev` (just after type u8 and time f64), or null when the payload is too short. */
function prevOf(payload: Buffer): Address | null {
  try {
    const r = new ByteReader(payload, 9);
    return readAddress(r);
  } catch {
    return null;
  }
}

/**
 * Intact catalog records in [from, to) chained after `latest` (their `prev` is a catalog record at
 * or after it), found by trying every offset: after a damaged block, block boundaries are unknown.
 * Returns them in file order. O(to − from) plus a CRC per plausible candidate.
 */
export function intactRecordsAfter(file: StoreFile, from: number, to: number, latest: Address): { offset: number; end: number; prev: Address }[] {
  const found: { offset: number; end: number; prev: Address }[] = [];
  for (let base = from; base < to; base += SCAN_CHUNK) {
    const chunk = file.read(base, Math.min(SCAN_CHUNK + BLOCK_HEADER_BYTES, to - base));
    const last = Math.min(SCAN_CHUNK, chunk.length - BLOCK_HEADER_BYTES + 1);
    for (let i = 0; i < last; i++) {
      // Cheap filters first: kind catalog, level 0, a length that fits before `to`.
      if (chunk[i + 4] !== BlockKind.Catalog || chunk[i + 5] !== 0) continue;
      const length = chunk.readUInt32LE(i);
      const at = base + i;
      if (length < BLOCK_HEADER_BYTES + 9 + 16 || length > MAX_BLOCK_BYTES || at + length > to) continue;
      const block = i + length <= chunk.length ? chunk.subarray(i, i + length) : file.read(at, length);
      if (!blockChecksumOk(block)) continue;
      const prev = prevOf(block.subarray(BLOCK_HEADER_BYTES));
      if (!prev || prev.kind !== BlockKind.Catalog || prev.offset < latest.offset || prev.offset >= at) continue;
      found.push({ offset: at, end: at + length, prev });
    }
  }
  return found;
}

/**
 * Classifies the bytes after the committed end. Roll-forward accepted every commit up to it
 * (`latest` is the last record it accepted) and broke at the block at `failAt` (at or after the
 * committed end: blocks between are intact pieces of the next commit). `size` is the file size.
 * `relaxed`: a checkpoint says commits were written without a flush each, so several of them
 * can be partly missing after a power loss, not only the last one. O(bytes after the committed end).
 */
export function classifyTail(file: StoreFile, failAt: number, latest: Address, size: number, relaxed: boolean): TailVerdict {
  if (failAt >= size) return { kind: 'end' };
  const dataEnd = writtenEnd(file, failAt, size);
  if (dataEnd <= failAt) return { kind: 'end' };
  const later = intactRecordsAfter(file, failAt, dataEnd, latest);
  if (later.length > 0) {
    const first = later[0];
    // The commit the bad block belongs to ends with `first`. If part of it was never written (a
    // crash during its flush wrote its record's sector before an earlier one), it was never
    // acknowledged: a torn tail — when it is the one commit after `latest`, since each durable
    // commit is flushed before the next begins; any number of them without durable commits.
    const span = file.read(failAt, first.offset - failAt);
    const unwritten = hasUnwrittenSector(span, failAt, failAt, first.offset);
    if (unwritten && (relaxed || (later.length === 1 && first.prev.offset === latest.offset))) return { kind: 'torn', dataEnd };
    const last = later[later.length - 1];
    return {
      kind: 'damaged', offset: failAt, intactRecords: later.length, lastIntactEnd: last.end,
      detail: `the block at byte ${failAt} is damaged and ${later.length} intact commit record(s) follow it (up to byte ${last.end})`,
    };
  }
  // Nothing intact follows. The block at `failAt` is torn if its bytes stop short (an unwritten
  // sector, or its stated end past the written bytes); complete but failing its CRC is damage.
  const head = file.read(failAt, Math.min(BLOCK_HEADER_BYTES, dataEnd - failAt));
  if (head.length < BLOCK_HEADER_BYTES) return { kind: 'torn', dataEnd };
  const length = head.readUInt32LE(0);
  // Zeroing bytes of a valid length (what a torn write does) can only make it smaller: a
  // length above the maximum was damaged.
  if (length > MAX_BLOCK_BYTES) {
    return { kind: 'damaged', offset: failAt, intactRecords: 0, lastIntactEnd: failAt, detail: `the block at byte ${failAt} has an impossible length (${length})` };
  }
  if (length < BLOCK_HEADER_BYTES || failAt + length > dataEnd) return { kind: 'torn', dataEnd };
  const block = file.read(failAt, length);
  if (hasUnwrittenSector(block, failAt, failAt, failAt + length)) return { kind: 'torn', dataEnd };
  // A whole block that passes its CRC yet stopped roll-forward is a record left over from a
  // failed write (it names an older predecessor): not committed data.
  if (blockChecksumOk(block)) return { kind: 'torn', dataEnd };
  return {
    kind: 'damaged', offset: failAt, intactRecords: 0, lastIntactEnd: failAt + length,
    detail: `the block at byte ${failAt}, the last one written, is complete but fails its checksum`,
  };
}
