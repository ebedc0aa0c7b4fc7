import * as fs from 'node:fs';
import { crc32 } from 'node:zlib';
import { BlockKind } from '../format/address';
import { BLOCK_HEADER_BYTES } from '../format/block';
import { DATA_START } from '../format/header';

/** Rewrites a closed store's header format version (and its checksum), as an older build would have written it. O(1). */
export function setFormatVersion(file: string, version: number): void {
  const fd = fs.openSync(file, 'r+');
  try {
    const head = Buffer.alloc(32);
    fs.readSync(fd, head, 0, 32, 0);
    head.writeUInt32LE(version, 8);
    head.writeUInt32LE(crc32(head.subarray(0, 28)) >>> 0, 28);
    fs.writeSync(fd, head, 0, 32, 0);
  } finally {
    fs.closeSync(fd);
  }
}

/** The payload of every block of `kind` in a closed store file, in file order (up to the zeros after the last block). O(file). */
export function blockPayloads(file: string, kind: BlockKind): Buffer[] {
  const bytes = fs.readFileSync(file);
  const out: Buffer[] = [];
  for (let at = DATA_START; at + BLOCK_HEADER_BYTES <= bytes.length;) {
    const length = bytes.readUInt32LE(at);
    if (length === 0) break;
    if (bytes[at + 4] === kind) out.push(bytes.subarray(at + BLOCK_HEADER_BYTES, at + length));
    at += length;
  }
  return out;
}
