/**
 * The bulk loader: a whole tree built bottom-up from sorted unique writes into an empty tree,
 * instead of n messages pushed through the root's buffer, flushed, split and persisted. The
 * leaves are encoded straight from the put log's slabs into one large buffer and framed there
 * (no node, key or value object per record), filled greedily to nodeSize; each level above
 * takes at most fanout children, spread evenly as splitInternal spreads them. The result is a
 * tree every reader, verify() and later commit treats like any other: the same block kinds,
 * the same payload bytes encodeLeaf and encodeInternal write, the same per-child counts.
 */
import { BlockKind, type Address } from '../format/address';
import { BLOCK_HEADER_BYTES, frameInPlace } from '../format/block';
import type { TreeParams } from '../format/header';
import { encodeInternal, LeafEncoder } from '../format/node-codec';
import { setStoredCount } from '../tree/count';
import { separator } from '../tree/keys';
import { Op, type BlobRef } from '../tree/node';
import type { Appender } from './file';
import type { NodeStore } from './node-store';
import { SLAB_BYTES, type PutLog } from './put-log';

/** Size of the buffer leaves are framed in; it is written out (flushed) and reused whenever it fills. */
const ARENA_BYTES = 8 * 1024 * 1024;
const PUT = Op.Put;

/** What a bulk build produced. */
export interface BulkBuildResult {
  /** The new tree's root. */
  readonly root: Address;
  /** Keys whose last write was a put (records in the tree), and a delete (dropped: the tree was empty). */
  readonly puts: number;
  readonly deletes: number;
}

/**
 * Builds a tree holding the puts among `rows` (rows of `log` in ascending key order, one per
 * key: `PutLog.sortedUnique`) and appends its blocks to `out`: first the large values (blob
 * chunks and index, in key order, as the commit path writes them), then the leaves, then
 * each internal level. The tree the writes go into must be empty: deletes are dropped. Returns
 * the root's address; there must be at least one put. O(bytes + records).
 */
export function buildTree(log: PutLog, rows: Uint32Array, params: TreeParams, nodes: NodeStore, out: Appender): BulkBuildResult {
  // Pass 1, in key order: the live rows gathered into sequential columns (the only pass that
  // reads the log's row metadata in its random order), each entry's estimated size, and the
  // large values written as blobs.
  const m = rows.length;
  const live: Entries = { rows: new Uint32Array(m), slab: new Uint32Array(m), keyOff: new Uint32Array(m), keyLen: new Uint32Array(m), valLen: new Uint32Array(m), sizes: new Uint32Array(m), blobs: new Map() };
  let n = 0;
  let deletes = 0;
  for (let i = 0; i < m; i++) {
    const r = rows[i];
    if (log.opOf(r) !== PUT) {
      deletes++;
      continue;
    }
    const kn = log.keyLengthOf(r);
    const vn = log.valueLengthOf(r);
    live.rows[n] = r;
    live.slab[n] = log.keySlabOf(r);
    live.keyOff[n] = log.keyOffsetOf(r);
    live.keyLen[n] = kn;
    live.valLen[n] = vn;
    if (vn > params.blobThreshold) {
      live.blobs.set(n, nodes.writeBlob(log.value(r) as Buffer, out));
      live.sizes[n] = kn + 24 + 4;
    } else live.sizes[n] = kn + vn + 4;
    n++;
  }
  if (n === 0) throw new Error('buildTree: no put to build a tree of');
  const ends = leafEnds(live.sizes, n, params.nodeSize);
  // Pass 2: the leaves.
  let level = writeLeaves(log, live, ends, out, nodes.withCounts);
  // Internal levels until one node is left.
  let height = 0;
  while (level.addresses.length > 1) {
    height++;
    level = writeInternalLevel(level, height, params.fanout, out, nodes.withCounts);
  }
  return { root: level.addresses[0], puts: n, deletes };
}

/** The puts to build from, in key order: their rows, where their bytes are, their sizes, the blob pointers of large values (by position). */
interface Entries {
  readonly rows: Uint32Array;
  /** Index of the slab (PutLog.slabList) holding each key, and its value unless that is larger than a slab. */
  readonly slab: Uint32Array;
  readonly keyOff: Uint32Array;
  readonly keyLen: Uint32Array;
  readonly valLen: Uint32Array;
  readonly sizes: Uint32Array;
  readonly blobs: Map<number, BlobRef>;
}

/** One level of the tree being built: its nodes, their record counts, and the pivot between each node and the next. */
interface Level {
  readonly addresses: Address[];
  readonly counts: number[];
  readonly seps: Buffer[];
}

/**
 * Where each leaf ends (exclusive entry indices): greedily as full as nodeSize allows (a single
 * entry larger than that has a leaf of its own), then the last two leaves evened out so the last
 * one is not a small remainder. O(n).
 */
export function leafEnds(sizes: Uint32Array, n: number, nodeSize: number): number[] {
  const ends: number[] = [];
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const b = sizes[i];
    if (acc > 0 && acc + b > nodeSize) {
      ends.push(i);
      acc = 0;
    }
    acc += b;
  }
  ends.push(n);
  if (ends.length >= 2) {
    // Move entries from the end of the second-to-last leaf into the last while that narrows
    // the gap between them (an entry of s bytes moved narrows it when s < A − B) and the last still fits.
    const k = ends.length;
    const startA = k >= 3 ? ends[k - 3] : 0;
    let cut = ends[k - 2];
    let a = 0;
    let b = 0;
    for (let i = startA; i < cut; i++) a += sizes[i];
    for (let i = cut; i < n; i++) b += sizes[i];
    while (cut - startA > 1) {
      const s = sizes[cut - 1];
      if (s >= a - b || b + s > nodeSize) break;
      a -= s;
      b += s;
      cut--;
    }
    ends[k - 2] = cut;
  }
  return ends;
}

/** Encodes, frames and appends the leaves; sets each leaf's stored count (format 3). O(bytes). */
function writeLeaves(log: PutLog, live: Entries, ends: number[], out: Appender, withCounts: boolean): Level {
  const { rows, slab, keyOff, keyLen, valLen, sizes, blobs } = live;
  const slabs = log.slabList();
  const enc = new LeafEncoder();
  let arena = Buffer.allocUnsafe(ARENA_BYTES);
  let pos = 0;
  const addresses: Address[] = new Array(ends.length);
  const counts: number[] = new Array(ends.length);
  const seps: Buffer[] = [];
  let start = 0;
  touch(slabs, live, 0, ends[0]);
  for (let l = 0; l < ends.length; l++) {
    const end = ends[l];
    // The next leaf's records are scattered over the slabs: load them now, with independent
    // reads the processor overlaps, rather than one cache miss at a time while encoding.
    if (l + 1 < ends.length) touch(slabs, live, end, ends[l + 1]);
    const count = end - start;
    let est = 0;
    for (let i = start; i < end; i++) est += sizes[i];
    const need = BLOCK_HEADER_BYTES + LeafEncoder.bound(count, est);
    if (pos + need > arena.length) {
      // Everything framed so far goes to the file; then the arena is free to be written over.
      out.flush();
      if (need > arena.length) arena = Buffer.allocUnsafe(Math.max(ARENA_BYTES, need));
      pos = 0;
    }
    const last = end - 1;
    enc.begin(arena, pos + BLOCK_HEADER_BYTES, count, slabs[slab[start]], keyOff[start], keyLen[start], slabs[slab[last]], keyOff[last], keyLen[last]);
    for (let i = start; i < end; i++) enc.key(slabs[slab[i]], keyOff[i], keyLen[i]);
    for (let i = start; i < end; i++) {
      const ref = blobs.size > 0 ? blobs.get(i) : undefined;
      if (ref !== undefined) enc.blob(ref);
      else if (keyLen[i] + valLen[i] > SLAB_BYTES) {
        // A value too large for a slab lives in a Buffer of its own.
        const r = rows[i];
        enc.value(log.valueBufferOf(r), log.valueOffsetOf(r), valLen[i]);
      } else enc.value(slabs[slab[i]], keyOff[i] + keyLen[i], valLen[i]);
    }
    const block = arena.subarray(pos, enc.pos);
    const address = out.appendFramed(block, BlockKind.Leaf, 0, frameInPlace(block, BlockKind.Leaf, 0, 0));
    pos = enc.pos;
    if (l > 0) seps.push(separator(slabs[slab[start - 1]].subarray(keyOff[start - 1], keyOff[start - 1] + keyLen[start - 1]), slabs[slab[start]].subarray(keyOff[start], keyOff[start] + keyLen[start])));
    addresses[l] = address;
    counts[l] = count;
    if (withCounts) setStoredCount(address, count);
    start = end;
  }
  return { addresses, counts, seps };
}

/** Sink for {@link touch}'s reads, so that the compiler cannot drop them. */
let _touched = 0;

/** Reads one byte of each cache line of entries [from, to)'s keys and values (a software prefetch). O(bytes / 64). */
function touch(slabs: readonly Buffer[], live: Entries, from: number, to: number): void {
  const { slab, keyOff, keyLen, valLen } = live;
  let sum = 0;
  for (let i = from; i < to; i++) {
    const s = slabs[slab[i]];
    const a = keyOff[i];
    const b = a + keyLen[i] + (keyLen[i] + valLen[i] > SLAB_BYTES ? 0 : valLen[i]);
    for (let j = a; j < b; j += 64) sum += s[j];
    sum += s[b - 1];
  }
  _touched = sum;
}

/**
 * The level above `below`: groups of at most `fanout` children, as even as splitInternal makes
 * them (group p ends at round((p+1)·n/k)), each written as an internal node with an empty
 * buffer. O(children).
 */
function writeInternalLevel(below: Level, height: number, fanout: number, out: Appender, withCounts: boolean): Level {
  const n = below.addresses.length;
  const k = Math.ceil(n / fanout);
  const addresses: Address[] = [];
  const counts: number[] = [];
  const seps: Buffer[] = [];
  let start = 0;
  for (let p = 0; p < k; p++) {
    const end = Math.round(((p + 1) * n) / k);
    const children = below.addresses.slice(start, end);
    const childCounts = below.counts.slice(start, end);
    const pivots = below.seps.slice(start, end - 1);
    const payload = encodeInternal({ pivots, msgs: [], rdels: [], bufBytes: 0 }, children, withCounts ? childCounts : null);
    const address = out.append(BlockKind.Internal, height, 0, payload);
    let total = 0;
    for (const c of childCounts) total += c;
    if (p > 0) seps.push(below.seps[start - 1]);
    addresses.push(address);
    counts.push(total);
    if (withCounts) setStoredCount(address, total);
    start = end;
  }
  return { addresses, counts, seps };
}
