import { BlockKind, blockKindName, type Address } from '../format/address';
import { BLOCK_HEADER_BYTES, checkBlockAgainst, parseBlockHeader } from '../format/block';
import { commonPrefixLength, decodeBlobIndex, decodeDelta, decodeInternal, decodeLeafColumns, encodeBlobIndex, encodeDelta, encodeInternal, encodeLeaf } from '../format/node-codec';
import { COUNTS_FORMAT_VERSION, type TreeParams } from '../format/header';
import { StoreCorruptError } from '../errors';
import { replayMessages } from '../tree/buffer';
import { PackedLeaf } from '../tree/packed-leaf';
import { countRange, setStoredCount, storedCount } from '../tree/count';
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
  /** Format 3 and later: internal nodes store per-child record counts (tree/count.ts). */
  readonly withCounts: boolean;

  constructor(
    private readonly file: StoreFile,
    private readonly params: TreeParams,
    cacheBytes: number,
    formatVersion: number,
  ) {
    this.cache = new NodeCache<TreeNode>(cacheBytes);
    this.withCounts = formatVersion >= COUNTS_FORMAT_VERSION;
  }

  /**
   * Reads a block and checks it is exactly what `address` promises. `transient`: the bytes are
   * valid only until the next read (a leaf's decoder copies all it keeps), so no buffer is
   * allocated for them. O(length).
   */
  readBlock(address: Address, transient = false): Buffer {
    const block = this.file.readNear(address.offset, address.length, transient);
    const problem = checkBlockAgainst(block, address);
    if (problem) throw new StoreCorruptError(this.file.path, address.offset, problem);
    return block;
  }

  /** The cached node at `offset`, counted as a visit; undefined when it is not cached. O(1). */
  peek(offset: number): TreeNode | undefined {
    const hit = this.cache.get(offset);
    if (hit !== undefined) this.file.io.nodeVisits++;
    return hit;
  }

  /** The persisted node at `address`. O(1) when cached, else one read per journal segment not cached. */
  load(address: Address): TreeNode {
    this.file.io.nodeVisits++;
    const hit = this.cache.get(address.offset);
    if (hit) return hit;
    // A leaf's decoding copies everything it keeps (tree/packed-leaf.ts), and reads nothing else
    // meanwhile: its block can be read into the file's reused buffer.
    const node = this.decodeBlock(address, this.readBlock(address, address.kind === BlockKind.Leaf), (prev) => {
      const base = this.load(prev);
      this.file.io.nodeVisits--; // one logical node, however many segments
      return base;
    });
    this.cache.set(address.offset, node, address.length * 2 + 256);
    return node;
  }

  /**
   * Decodes a block already checked against `address` into a node; `loadPrev` supplies the
   * node a journal segment extends. Every damage (an undecodable payload, a field the format
   * fixes, a chain that does not add up) is a StoreCorruptError naming the block. `onPrefix` is
   * told the stored prefix of leaf and internal base blocks (for verify's prefix invariant).
   * O(block bytes) plus the replay of a segment's messages.
   */
  decodeBlock(address: Address, block: Buffer, loadPrev: (prev: Address) => TreeNode, onPrefix?: (at: Address, stored: number, keys: readonly Buffer[]) => void): TreeNode {
    try {
      const payload = block.subarray(BLOCK_HEADER_BYTES);
      return this.decode(address, payload, parseBlockHeader(block)?.aux ?? 0, loadPrev, onPrefix);
    } catch (e) {
      if (e instanceof StoreCorruptError) throw e;
      throw new StoreCorruptError(this.file.path, address.offset, `undecodable ${blockKindName(address.kind)} block (${(e as Error).message})`);
    }
  }

  private decode(address: Address, payload: Buffer, aux: number, loadPrev: (prev: Address) => TreeNode, onPrefix?: (at: Address, stored: number, keys: readonly Buffer[]) => void): TreeNode {
    switch (address.kind) {
      case BlockKind.Leaf: {
        if (address.level !== 0) throw new Error('leaf above level 0');
        const node = new PackedLeaf(decodeLeafColumns(payload, PackedLeaf.reserveHeads), address);
        onPrefix?.(address, node.prefixLength, node.keys);
        return node;
      }
      case BlockKind.Internal: {
        if (address.level < 1) throw new Error('internal node at level 0');
        const d = decodeInternal(payload, this.withCounts);
        onPrefix?.(address, d.prefix.length, d.pivots);
        if (d.counts) for (let i = 0; i < d.children.length; i++) setStoredCount(d.children[i], d.counts[i]);
        for (const c of d.children) {
          // Children are one level down, and a child is a leaf exactly at level 0 (§7.2).
          if (c.level !== address.level - 1 || (c.kind === BlockKind.Leaf) !== (c.level === 0)) {
            throw new Error(`a ${blockKindName(c.kind)} child at level ${c.level} under a node at level ${address.level}`);
          }
        }
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
        const base = loadPrev(d.prev) as InternalNode;
        // The chain adds up (§7.3): aux counts segments, chainBytes sums their messages' sizes.
        if (aux !== base.chainLength + 1) throw new Error(`journal segment says chain length ${aux}, its predecessor ${base.chainLength}`);
        let added = 0;
        for (const m of d.messages) added += msgBytes(m);
        if (d.chainBytes !== base.chainBytes + added) throw new Error(`journal segment says ${d.chainBytes} chain bytes, its chain holds ${base.chainBytes + added}`);
        const node: InternalNode = {
          ...base, pivots: base.pivots, children: base.children, msgs: base.msgs.slice(), rdels: base.rdels.slice(),
          addr: address, chainLength: aux, chainBytes: d.chainBytes, journal: null, pending: [], search: null,
        };
        replayMessages(node, d.messages);
        return node;
      }
      default:
        throw new Error(`a ${blockKindName(address.kind)} block where a node was expected`);
    }
  }

  /** The journal chain of an internal node: its address, then each previous segment's, ending at the base. */
  chainOf(address: Address): Address[] {
    const out: Address[] = [address];
    let a = address;
    while (a.kind === BlockKind.Delta && out.length <= MAX_CHAIN + 1) {
      const at = a;
      a = this.decoded(at, () => decodeDelta(this.readBlock(at).subarray(BLOCK_HEADER_BYTES)).prev);
      out.push(a);
    }
    return out;
  }

  /** Runs a decoder on a block's payload; anything it throws becomes a StoreCorruptError naming the block. */
  private decoded<T>(at: Address, decode: () => T): T {
    try {
      return decode();
    } catch (e) {
      if (e instanceof StoreCorruptError) throw e;
      throw new StoreCorruptError(this.file.path, at.offset, `undecodable ${blockKindName(at.kind)} block (${(e as Error).message})`);
    }
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
      const before = child.children;
      const children: Address[] = before.map((c) => this.persist(c, out));
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
          // A changed child's count: its own stored counts plus its buffer's effect (tree/count.ts).
          // A journal segment needs none: its children, and so their counts, are its base's.
          const counts = this.withCounts ? children.map((a, i) => storedCount(a) ?? countPersisted(this, a, before[i])) : null;
          address = out.append(BlockKind.Internal, child.level, 0, encodeInternal(child, children, counts));
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
    const idx = this.decoded(ref.index, () => decodeBlobIndex(this.readBlock(ref.index).subarray(BLOCK_HEADER_BYTES)));
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

/**
 * The count of a child just persisted at `address` from the transient `node` (now persisted and
 * cached), remembered for the address. O(1) for a leaf; an internal node's buffered keys are
 * looked up once in its children (tree/count.ts).
 */
function countPersisted(loader: NodeLoader, address: Address, node: Child): number {
  const n = isNode(node) ? countRange(loader, node, null, null, null, null) : countRange(loader, loader.load(address), null, null, null, null);
  setStoredCount(address, n);
  return n;
}

/** Messages a put of `value` should carry: large values become blob pointers first. */
export type { Msg };

/** A stored prefix that is not the longest common prefix of the node's first and last key (§15 prefix). */
export interface PrefixMismatch {
  readonly offset: number;
  readonly stored: number;
  readonly expected: number;
}

/**
 * Reads nodes straight from the file, bypassing the node cache (neither reading nor filling
 * it): what verify() walks, so that damage on disk is found however warm the cache is. Every
 * block of a journal chain is read, checked against its address and decoded; the chain's
 * bookkeeping must add up (§7.3). Internal nodes decoded during one walk are kept for that walk
 * only, so a chain shared by several versions is read once. Stored prefixes that are not what
 * the writer must store are collected per load, for verify's prefix invariant. O(block bytes)
 * per load.
 */
export class DiskNodeReader implements NodeLoader {
  private readonly internals = new Map<number, TreeNode>();
  private mismatches: PrefixMismatch[] = [];

  constructor(private readonly nodes: NodeStore) {}

  load(address: Address): TreeNode {
    const known = this.internals.get(address.offset);
    if (known) return known;
    const node = this.nodes.decodeBlock(address, this.nodes.readBlock(address, address.kind === BlockKind.Leaf), (prev) => this.load(prev), (at, stored, keys) => {
      const expected = keys.length > 0 ? commonPrefixLength(keys[0], keys[keys.length - 1]) : 0;
      if (stored !== expected) this.mismatches.push({ offset: at.offset, stored, expected });
    });
    if (node.kind === 'internal') this.internals.set(address.offset, node);
    return node;
  }

  /** Prefix mismatches found since the last call (in the node just loaded and its chain). O(1). */
  takePrefixMismatches(): PrefixMismatch[] {
    const out = this.mismatches;
    this.mismatches = [];
    return out;
  }
}
