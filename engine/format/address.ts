import type { ByteReader, ByteWriter } from './bytes';

/** Block kinds. The number is stored in each block header and in every address. */
export const enum BlockKind {
  Leaf = 1,
  Internal = 2,
  Delta = 3,
  BlobChunk = 4,
  BlobIndex = 5,
  Catalog = 6,
  Snapshots = 7,
}

/**
 * Names of block kinds for messages and views: the one table (every kind must have a name, so
 * adding a kind without one does not compile). Read it through {@link blockKindName}.
 */
export const BLOCK_KIND_NAMES: Readonly<Record<BlockKind, string>> = {
  [BlockKind.Leaf]: 'leaf',
  [BlockKind.Internal]: 'internal',
  [BlockKind.Delta]: 'delta',
  [BlockKind.BlobChunk]: 'blob-chunk',
  [BlockKind.BlobIndex]: 'blob-index',
  [BlockKind.Catalog]: 'catalog',
  [BlockKind.Snapshots]: 'snapshots',
};

/** The name of a block kind; `kind-N` for a number that is no kind (damage). O(1). */
export function blockKindName(kind: number): string {
  return (BLOCK_KIND_NAMES as Readonly<Record<number, string | undefined>>)[kind] ?? `kind-${kind}`;
}

/**
 * Where a block is and what it must be: enough to read it in one positioned read and to
 * verify it against what the referrer expects (offset, length, kind, level, checksum).
 */
export interface Address {
  readonly offset: number;
  readonly length: number;
  readonly kind: BlockKind;
  readonly level: number;
  readonly checksum: number;
}

/** Encoded size of an address in bytes. */
export const ADDRESS_BYTES = 16;

/** The all-zero address means "none" (offset 0 is the file header, never a block). */
export const NO_ADDRESS: Address = Object.freeze({ offset: 0, length: 0, kind: 0 as BlockKind, level: 0, checksum: 0 });

/** Writes an address: u48 offset, u32 length, u8 kind, u8 level, u32 checksum. O(1). */
export function writeAddress(w: ByteWriter, a: Address): void {
  w.u32(a.offset % 0x1_0000_0000);
  w.u16(Math.floor(a.offset / 0x1_0000_0000));
  w.u32(a.length);
  w.u8(a.kind);
  w.u8(a.level);
  w.u32(a.checksum);
}

/** Reads an address written by {@link writeAddress}. O(1). */
export function readAddress(r: ByteReader): Address {
  const lo = r.u32();
  const hi = r.u16();
  return { offset: hi * 0x1_0000_0000 + lo, length: r.u32(), kind: r.u8() as BlockKind, level: r.u8(), checksum: r.u32() };
}

/** True when two addresses name the same block (same place, same content checksum). */
export function sameAddress(a: Address, b: Address): boolean {
  return a.offset === b.offset && a.checksum === b.checksum && a.length === b.length;
}

/** True for {@link NO_ADDRESS}. */
export function isNoAddress(a: Address): boolean {
  return a.offset === 0;
}
