import { crc32 } from 'node:zlib';

/**
 * CRC-32 of `data` (zlib's polynomial), continuing from `seed`. Native code in Node ≥ 20.15,
 * ~GB/s, so verifying every block on every cold read is cheap.
 */
export function checksum(data: Uint8Array, seed = 0): number {
  return crc32(data, seed) >>> 0;
}
