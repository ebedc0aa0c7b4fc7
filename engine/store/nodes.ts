import { BlockKind, type Address } from '../format/address';
import { BLOCK_HEADER_BYTES, checkBlockAgainst, parseBlockHeader } from '../format/block';
import { decodeBlobIndex, decodeDelta, decodeInternal, decodeLeaf, encodeBlobIndex, encodeDelta, encodeInternal, encodeLeaf } from '../format/node-codec';
import type { TreeParams } from '../format/header';
import { StoreCorruptError } from '../errors';
import { replayMessages } from '../tree/buffer';
import { BlobRef, isNode, msgBytes, Op, type Child, type InternalNode, type Msg, type TreeNode } from '../tree/node';
import type { NodeLoader } from '../tree/write';
import { NodeCache } from './cache';
import type { Appender, StoreFile } from './file';

/** Longest journal chain before an internal node is rewritten whole (as sled/Bw-tree bound their delta chains). */
export const MAX_CHAIN = 32;
/** Size of one blob chunk. */
export const BLOB_CHUNK_BYTES = 1024 * 1024;

/**
 * Persisted nodes: reads (verified against the parent's address, decoded, journal replayed,
 * cached) and writes (a transient tree persisted bottom-up, internal nodes as journal segments
 * when only their buffer grew).
 */
export class NodeStore implements NodeLoader {
  readonly cache: NodeCache<TreeNode>;

  constructor(
    private readonly file: StoreFile,
    private readonly params: TreeParams,
    cacheBytes: number,
  ) {
    this.cache = new NodeCache<TreeNode>(cacheBytes);
  }

  /** Reads a block and checks it is exactly what `address` promises. O(length). */
  readBlock(address: Address): Buffer {
    const block = this.file.read(address.offset, address.length);
    const problem = checkBlockAgainst(block, address);
    if (problem) throw new StoreCorruptError(this.file.path, address.offset, problem);
    return block;
  }

  /** The persisted node at `address`. O(1) when cached, else one read per journal segment not cached. */
  load(address: Address): TreeNode {
    this.file.io.nodeVisits++;
    const hit = this.cache.get(address.offset);
    if (hit) return hit;
    const block = this.readBlock(address);
    const payload = block.subarray(BLOCK_HEADER_BYTES);
    let node: TreeNode;
    try {
      node = this.decode(address, payload, parseBlockHeader(block)?.aux ?? 0);
    } catch (e) {
      if (e instanceof StoreCorruptError) throw e;
      throw new StoreCorruptError(this.file.path, address.offset, `undecodable ${kindName(address.kind)} block (${(e as Error).message})`);
    }
    this.cache.set(address.offset, node, address.length * 2 + 256);
    return node;
  }

  private decode(address: Address, payload: Buffer, aux: number): TreeNode {
    switch (address.kind) {
      case BlockKind.Leaf: {
        if (address.level !== 0) throw new Error('leaf above level 0');
        const { node } = decodeLeaf(payload);
        node.addr = address;
        return node;
      }
      case BlockKind.Internal: {
        const d = decodeInternal(payload);
        const node: InternalNode = {
          kind: 'internal', level: address.level, pivots: d.pivots, children: d.children, msgs: [], rdels: [], bufBytes: 0,
          addr: address, chainLength: 0, chainBytes: 0, journal: null, pending: [], search: null,
        };
        let bytes = 0;
        for (const m of d.messages) {
          if (m.op === Op.DeleteRange) node.rdels.push(m);
          else node.msgs.push(m);
          bytes += msgBytes(m);
        }
        node.bufBytes = bytes;
        return node;
      }
      case BlockKind.Delta: {
        const d = decodeDelta(payload);
        if (d.prev.level !== address.level || (d.prev.kind !== BlockKind.Internal && d.prev.kind !== BlockKind.Delta)) {
          throw new Error('journal segment points at a block of another level or kind');
        }
        if (d.prev.offset >= address.offset) throw new Error('journal segment points forward');
        const base = this.load(d.prev) as InternalNode;
        this.file.io.nodeVisits--; // one logical node, however many segments
        const node: InternalNode = {
          ...base, pivots: base.pivots, children: base.children, msgs: base.msgs.slice(), rdels: base.rdels.slice(),
          addr: address, chainLength: aux, chainBytes: d.chainBytes, journal: null, pending: [],
        };
        replayMessages(node, d.messages);
        return node;
      }
      default:
        throw new Error(`a ${kindName(address.kind)} block where a node was expected`);
    }
  }

  /** The journal chain of an internal node: its address, then each previous segment's, ending at the base. */
  chainOf(address: Address): Address[] {
    const out: Address[] = [address];
    let a = address;
    while (a.kind === BlockKind.Delta && out.length <= MAX_CHAIN + 1) {
      a = decodeDelta(this.readBlock(a).subarray(BLOCK_HEADER_BYTES)).prev;
      out.push(a);
    }
    return out;
  }

  /**
   * Persists a transient tree bottom-up and returns the root's address. Unchanged subtrees
   * keep their addresses (structural sharing); an internal node whose children did not change
   * is written as a journal segment holding only its new messages. O(changed nodes).
   */
  persist(child: Child, out: Appender): Address {
    if (!isNode(child)) return child;
    if (child.addr) return child.addr;
    let address: Address;
    if (child.kind === 'leaf') {
      address = out.append(BlockKind.Leaf, 0, 0, encodeLeaf(child));
    } else {
      const children: Address[] = child.children.map((c) => this.persist(c, out));
      child.children = children;
      const j = child.journal;
      if (j && child.pending.length === 0) {
        address = j.prev;
        child.chainLength = j.chainLength;
        child.chainBytes = j.chainBytes;
      } else {
        let pendingBytes = 0;
        for (const m of child.pending) pendingBytes += msgBytes(m);
        if (j && j.chainLength < MAX_CHAIN && j.chainBytes + pendingBytes <= this.params.bufferSize) {
          child.chainLength = j.chainLength + 1;
          child.chainBytes = j.chainBytes + pendingBytes;
          address = out.append(BlockKind.Delta, child.level, child.chainLength, encodeDelta(j.prev, child.chainBytes, child.pending));
        } else {
          child.chainLength = 0;
          child.chainBytes = 0;
          address = out.append(BlockKind.Internal, child.level, 0, encodeInternal(child, children));
        }
      }
      child.journal = null;
      child.pending = [];
    }
    child.addr = address;
    this.cache.set(address.offset, child, address.length * 2 + 256);
    return address;
  }

  /** Writes a large value as chunks plus an index block; returns the pointer the leaf keeps. O(length). */
  writeBlob(value: Buffer, out: Appender): BlobRef {
    const chunks: Address[] = [];
    for (let at = 0; at < value.length; at += BLOB_CHUNK_BYTES) {
      chunks.push(out.append(BlockKind.BlobChunk, 0, 0, value.subarray(at, at + BLOB_CHUNK_BYTES)));
    }
    const index = out.append(BlockKind.BlobIndex, 0, 0, encodeBlobIndex(value.length, chunks));
    return new BlobRef(index, value.length);
  }

  /** Reads a large value back, verifying every chunk. O(length). */
  readBlob(ref: BlobRef): Buffer {
    const idx = decodeBlobIndex(this.readBlock(ref.index).subarray(BLOCK_HEADER_BYTES));
    if (idx.length !== ref.length) throw new StoreCorruptError(this.file.path, ref.index.offset, `blob index says ${idx.length} bytes, the leaf says ${ref.length}`);
    const parts = idx.chunks.map((c) => {
      if (c.kind !== BlockKind.BlobChunk) throw new StoreCorruptError(this.file.path, ref.index.offset, 'blob index lists a block that is not a chunk');
      return this.readBlock(c).subarray(BLOCK_HEADER_BYTES);
    });
    const value = Buffer.concat(parts);
    if (value.length !== ref.length) throw new StoreCorruptError(this.file.path, ref.index.offset, 'blob chunks do not add up to its length');
    return value;
  }
}

function kindName(kind: number): string {
  return ['?', 'leaf', 'internal', 'delta', 'blob-chunk', 'blob-index', 'catalog', 'snapshots'][kind] ?? `kind-${kind}`;
}

/** Messages a put of `value` should carry: large values become blob pointers first. */
export type { Msg };
