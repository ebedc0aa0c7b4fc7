import { ByteReader, ByteWriter, FormatError } from './bytes';
import { checksum } from './checksum';
import { ADDRESS_BYTES, readAddress, writeAddress, type Address } from './address';

/** File magic: the first 8 bytes of every store. */
export const MAGIC = Buffer.from('THUNDERH', 'latin1');
/**
 * The format version this build writes and the newest it reads. Version 2 adds the catalog
 * record extension (inline snapshot changes and the snapshot policy, FORMAT.md §7.6); this build
 * still reads and writes version-1 files the version-1 way.
 */
export const FORMAT_VERSION = 3;
/** The first format version whose internal nodes store per-child record counts (FORMAT.md §7.2). */
export const COUNTS_FORMAT_VERSION = 3;
/** Bytes reserved at the start of the file for the header and the two superblocks. */
export const DATA_START = 4096;
/** Offsets of the two alternating superblocks. */
export const SUPERBLOCK_OFFSETS = [512, 1024] as const;
/** Bytes of the header proper (magic … CRC); the rest of the first 512 bytes is reserved, zero. */
export const HEADER_BYTES = 32;
/** Encoded size of a superblock. */
export const SUPERBLOCK_BYTES = 4 + 4 + 8 + ADDRESS_BYTES + 8 + 4;
const SUPER_MAGIC = 0x42535854; // "TXSB"

/** Tree parameters fixed at creation and recorded in the header. */
export interface TreeParams {
  readonly nodeSize: number;
  readonly fanout: number;
  readonly bufferSize: number;
  readonly blobThreshold: number;
}

/** The file header (offset 0). */
export interface FileHeader extends TreeParams {
  readonly formatVersion: number;
}

/** Encodes the header: magic, u32 version, u32 nodeSize, u32 fanout, u32 bufferSize, u32 blobThreshold, u32 crc. */
export function encodeHeader(h: FileHeader): Buffer {
  const w = new ByteWriter(64);
  w.bytes(MAGIC);
  w.u32(h.formatVersion);
  w.u32(h.nodeSize);
  w.u32(h.fanout);
  w.u32(h.bufferSize);
  w.u32(h.blobThreshold);
  w.u32(checksum(w.finish()));
  return Buffer.from(w.finish());
}

/** Result of reading the header: the header, or why it is not one. */
export type HeaderRead =
  | { readonly ok: true; readonly header: FileHeader }
  | { readonly ok: false; readonly reason: 'magic' | 'damaged-magic' | 'checksum' | 'short' };

/** Differing bits between two equal-length byte strings. O(n). */
function bitDistance(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    let x = a[i] ^ b[i];
    while (x) {
      n += x & 1;
      x >>>= 1;
    }
  }
  return n;
}

/** Most flipped bits in the magic still read as a damaged store rather than a foreign file. */
const MAGIC_DAMAGE_BITS = 3;

/**
 * Decodes the header. Distinguishes a foreign file (`magic`) from a damaged store: a magic a few
 * bits away from `THUNDERH`, or one whose header CRC matches once the true magic is put back,
 * is `damaged-magic`; a CRC mismatch with the right magic is `checksum`. O(1).
 */
export function decodeHeader(bytes: Buffer): HeaderRead {
  if (bytes.length < 32) return { ok: false, reason: "short" };
  const magic = bytes.subarray(0, 8);
  if (!magic.equals(MAGIC)) {
    // The CRC covers the magic: if it matches with the real magic in place, only the magic is hurt.
    const repaired = Buffer.concat([MAGIC, bytes.subarray(8, 28)]);
    const crcFits = checksum(repaired) === bytes.readUInt32LE(28);
    return { ok: false, reason: crcFits || bitDistance(magic, MAGIC) <= MAGIC_DAMAGE_BITS ? 'damaged-magic' : 'magic' };
  }
  const r = new ByteReader(bytes, 8);
  const formatVersion = r.u32();
  const nodeSize = r.u32();
  const fanout = r.u32();
  const bufferSize = r.u32();
  const blobThreshold = r.u32();
  const crc = r.u32();
  if (crc !== checksum(bytes.subarray(0, 28))) return { ok: false, reason: 'checksum' };
  return { ok: true, header: { formatVersion, nodeSize, fanout, bufferSize, blobThreshold } };
}

/** A superblock: a checkpoint of the newest durable catalog record and the file length it covers. */
export interface Superblock {
  readonly sequence: number;
  readonly catalog: Address;
  readonly committedLength: number;
  /**
   * Flag bit 0: commits after this checkpoint may have been written without a flush each
   * (`durable: false`), so after a power loss any of them may be partly missing (FORMAT.md §3, §11.1).
   */
  readonly relaxed?: boolean;
}

/** Flags word bit: see {@link Superblock.relaxed}. */
const RELAXED_FLAG = 1;

/** Encodes: u32 magic, u32 flags, u64 sequence, address catalog, u64 committedLength, u32 crc. */
export function encodeSuperblock(s: Superblock): Buffer {
  const w = new ByteWriter(SUPERBLOCK_BYTES);
  w.u32(SUPER_MAGIC);
  w.u32(s.relaxed ? RELAXED_FLAG : 0);
  w.u64(s.sequence);
  writeAddress(w, s.catalog);
  w.u64(s.committedLength);
  w.u32(checksum(w.finish()));
  return Buffer.from(w.finish());
}

/** Decodes a superblock; null when torn, blank or damaged (the other one is then used). */
export function decodeSuperblock(bytes: Buffer): Superblock | null {
  if (bytes.length < SUPERBLOCK_BYTES) return null;
  try {
    const r = new ByteReader(bytes);
    if (r.u32() !== SUPER_MAGIC) return null;
    const flags = r.u32();
    const sequence = r.u64();
    const catalog = readAddress(r);
    const committedLength = r.u64();
    const crc = r.u32();
    if (crc !== checksum(bytes.subarray(0, SUPERBLOCK_BYTES - 4))) return null;
    return { sequence, catalog, committedLength, relaxed: (flags & RELAXED_FLAG) !== 0 };
  } catch (e) {
    if (e instanceof FormatError) return null;
    throw e;
  }
}
