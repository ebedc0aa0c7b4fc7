import type { TreeParams } from '../format/header';
import { NodeStore } from '../store/node-store';
import type { StoreFile } from '../store/file';

/**
 * A node store over blocks held in memory at their offsets: reads return a copy of the block
 * stored there, or zeros where none is (so a test can point an address anywhere). For decoder
 * and count tests that build blocks by hand. O(1) per read plus the copy.
 */
export function memoryNodes(blocks: Map<number, Buffer>, params: TreeParams, formatVersion: number): NodeStore {
  const read = (offset: number, length: number): Buffer => Buffer.from((blocks.get(offset) ?? Buffer.alloc(length)).subarray(0, length));
  const file = {
    path: '/memory.th',
    io: { nodeVisits: 0, blockReads: 0, bytesRead: 0, blocksWritten: 0, bytesWritten: 0, fsyncs: 0 },
    read,
    readNear: read,
  };
  return new NodeStore(file as unknown as StoreFile, params, 1 << 20, formatVersion);
}
