import { checksum } from './checksum';
import { BlockKind, type Address } from './address';

/**
 * Every block: a 12-byte header then the payload.
 *   u32 length (header + payload), u8 kind, u8 level, u16 aux, u32 crc32(header[0..8] ‖ payload)
 * `aux` is kind-specific (journal chain length for delta blocks).
 */
export const BLOCK_HEADER_BYTES = 12;

/** Largest block we will write or believe (guards against a garbage length field). */
export const MAX_BLOCK_BYTES = 256 * 1024 * 1024;

/** Frames a payload as a block; returns the bytes and the checksum that goes in its address. O(payload). */
export function frameBlock(kind: BlockKind, level: number, aux: number, payload: Uint8Array): { bytes: Buffer; checksum: number } {
  const bytes = Buffer.allocUnsafe(BLOCK_HEADER_BYTES + payload.length);
  bytes.set(payload, BLOCK_HEADER_BYTES);
  return { bytes, checksum: frameInPlace(bytes, kind, level, aux) };
}

/**
 * Frames a block whose payload was written in place after {@link BLOCK_HEADER_BYTES} reserved
 * bytes (`block` is exactly header + payload): fills the header and returns the checksum. A
 * writer that encodes straight into a large buffer saves the copy {@link frameBlock} makes.
 * O(payload).
 */
export function frameInPlace(block: Buffer, kind: BlockKind, level: number, aux: number): number {
  block.writeUInt32LE(block.length, 0);
  block[4] = kind;
  block[5] = level;
  block.writeUInt16LE(aux, 6);
  const crc = checksum(block.subarray(BLOCK_HEADER_BYTES), checksum(block.subarray(0, 8)));
  block.writeUInt32LE(crc, 8);
  return crc;
}

/** The parsed header of a block. */
export interface BlockHeader {
  readonly length: number;
  readonly kind: BlockKind;
  readonly level: number;
  readonly aux: number;
  readonly checksum: number;
}

/** Parses a block header; null when the length field is impossible. O(1). */
export function parseBlockHeader(bytes: Uint8Array, at = 0): BlockHeader | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset + at, BLOCK_HEADER_BYTES);
  const length = b.readUInt32LE(0);
  if (length < BLOCK_HEADER_BYTES || length > MAX_BLOCK_BYTES) return null;
  return { length, kind: b[4] as BlockKind, level: b[5], aux: b.readUInt16LE(6), checksum: b.readUInt32LE(8) };
}

/** Recomputes a whole block's checksum and compares it with its header. O(length). */
export function blockChecksumOk(block: Buffer): boolean {
  if (block.length < BLOCK_HEADER_BYTES) return false;
  const crc = checksum(block.subarray(BLOCK_HEADER_BYTES), checksum(block.subarray(0, 8)));
  return crc === block.readUInt32LE(8) && block.readUInt32LE(0) === block.length;
}

/**
 * Checks a block read at `address` against the address: length, kind, level, checksum; then
 * the header fields the format fixes per kind (§4): only node blocks above the leaves have a
 * level, and only journal segments an aux (their chain length, at least 1). Returns a
 * description of the first problem, or null when it is the block the parent meant. O(length).
 */
export function checkBlockAgainst(block: Buffer, address: Address): string | null {
  if (block.length !== address.length) return `short read (${block.length} of ${address.length} bytes)`;
  const h = parseBlockHeader(block);
  if (!h) return 'block header has an impossible length';
  if (h.length !== address.length) return `block length ${h.length} differs from its address (${address.length})`;
  if (h.kind !== address.kind) return `block kind ${h.kind} differs from its address (${address.kind})`;
  if (h.level !== address.level) return `block level ${h.level} differs from its address (${address.level})`;
  if (h.checksum !== address.checksum) return 'block checksum differs from the one its parent recorded';
  if (!blockChecksumOk(block)) return 'block checksum mismatch';
  const leveled = h.kind === BlockKind.Internal || h.kind === BlockKind.Delta;
  if (!leveled && h.level !== 0) return `a ${h.kind === BlockKind.Leaf ? 'leaf' : `kind ${h.kind}`} block at level ${h.level} (must be 0)`;
  if (h.kind === BlockKind.Delta ? h.aux === 0 : h.aux !== 0) return `block aux ${h.aux} (${h.kind === BlockKind.Delta ? 'a journal segment counts from 1' : 'must be 0 for this kind'})`;
  return null;
}
