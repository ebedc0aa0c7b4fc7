import { ByteReader, ByteWriter, FormatError } from './bytes';
import { BlockKind, readAddress, writeAddress, type Address } from './address';
import { BlobRef, Op, type DecodedLeafNode, type InternalPayload, type LeafPayload, type Msg, type Value } from './node-shapes';

/**
 * Node payload codecs (the bytes after the 12-byte block header). Layouts are documented in
 * FORMAT.md §Nodes. Keys are stored relative to the prefix every key of the node shares, and
 * each key only stores the bytes it does not share with the previous key (LevelDB-style), so
 * a node is decoded in one pass into an arena of full keys.
 *
 * The decoders are strict: every field the format fixes (a first key sharing nothing with a
 * previous one, tags and flags in their range, counts that fit in the payload, no trailing
 * bytes) is checked, and a payload that breaks one raises {@link FormatError}, never another
 * error and never a value made of bytes the payload did not hold.
 */

/**
 * Throws unless `count` items of at least `minBytes` each fit in what is left of `r`: a
 * garbled count fails here, before anything is allocated for it. O(1).
 */
function checkCount(r: ByteReader, count: number, minBytes: number, what: string): void {
  if (count * minBytes > r.end - r.pos) throw new FormatError(`${what} count ${count} overruns the payload`);
}

/** Length of the longest common prefix of a and b. O(min(|a|,|b|)). */
export function commonPrefixLength(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

function writeKeys(w: ByteWriter, keys: readonly Buffer[]): void {
  let prefixLen = 0;
  if (keys.length > 0) {
    // Sorted keys: the common prefix of all is the common prefix of the first and last.
    prefixLen = commonPrefixLength(keys[0], keys[keys.length - 1]);
    w.lenBytes(keys[0].subarray(0, prefixLen));
  } else {
    w.varint(0);
  }
  let prev: Buffer | null = null;
  for (const k of keys) {
    const shared = prev ? commonPrefixLength(prev, k) - prefixLen : 0;
    const s = Math.max(0, shared);
    w.varint(s);
    w.lenBytes(k.subarray(prefixLen + s));
    prev = k;
  }
}

/** How one key of a key list is stored: bytes shared with the previous key (prefix included), then the rest. */
export interface StoredKey {
  readonly shared: number;
  readonly suffix: Buffer;
}

/** Keys decoded into one arena: key i is `arena[base + (i === 0 ? 0 : ends[i - 1]), base + ends[i])`. */
interface KeyArena {
  readonly arena: Buffer;
  readonly base: number;
  readonly ends: Uint32Array;
  readonly prefix: Buffer;
  readonly stored: StoredKey[] | null;
}

/** Where a key arena goes: a buffer and the offset of its first byte, given the keys' total size and the payload bytes after them. */
type ArenaPlacement = (keyBytes: number, bytesAfterKeys: number) => { readonly buf: Buffer; readonly at: number };

const ownArena: ArenaPlacement = (keyBytes) => ({ buf: Buffer.allocUnsafe(keyBytes), at: 0 });

/**
 * Copies `src[from, to)` to `dst` at `at`. Keys are short: a loop beats Buffer.copy and
 * TypedArray.set, which cost a view object and a native call each, below a few dozen bytes.
 */
function copyBytes(src: Uint8Array, from: number, to: number, dst: Uint8Array, at: number): void {
  if (to - from <= 48) {
    for (let i = from; i < to; i++) dst[at++] = src[i];
  } else {
    dst.set(src.subarray(from, to), at);
  }
}

/**
 * Decodes `count` keys written by writeKeys into one arena of full keys (placed by `place`),
 * with the prefix and (when asked) how each key was stored. Every arena byte is written from
 * the payload: the first key must share nothing with a previous key (there is none), and a
 * later key at most the previous key's length. O(bytes).
 */
function readKeyArena(r: ByteReader, count: number, wantStored: boolean, place: ArenaPlacement = ownArena): KeyArena {
  const prefix = r.lenBytes();
  const p = prefix.length;
  // Each key stores at least two varints.
  checkCount(r, count, 2, 'key');
  const start = r.pos;
  // Pass 1: total size, so all keys live in one allocation.
  let total = 0;
  let prevLen = p;
  for (let i = 0; i < count; i++) {
    const shared = r.varint();
    const restLen = r.varint();
    r.skip(restLen);
    if (i === 0 && shared !== 0) throw new FormatError(`first key shares ${shared} byte(s) with a previous key that does not exist`);
    if (p + shared > prevLen) throw new FormatError(`key ${i} shares more bytes than key ${i - 1} has`);
    const len = p + shared + restLen;
    total += len;
    prevLen = len;
  }
  const { buf: arena, at: base } = place(total, r.end - r.pos);
  const ends = new Uint32Array(count);
  // Only the inspector asks how keys were stored: a plain decode allocates nothing per key for it.
  const stored: StoredKey[] | null = wantStored ? new Array(count) : null;
  r.pos = start;
  let at = base;
  let prevStart = base;
  const buf = r.buf;
  for (let i = 0; i < count; i++) {
    const shared = r.varint();
    const restLen = r.varint();
    const from = r.skip(restLen);
    if (shared === 0) copyBytes(prefix, 0, p, arena, at);
    else copyBytes(arena, prevStart, prevStart + p + shared, arena, at);
    copyBytes(buf, from, from + restLen, arena, at + p + shared);
    if (stored) stored[i] = { shared: p + shared, suffix: buf.subarray(from, from + restLen) };
    prevStart = at;
    at += p + shared + restLen;
    ends[i] = at - base;
  }
  return { arena, base, ends, prefix, stored };
}

/** The keys of an arena as views, one Buffer each. O(count). */
function keyViews(k: KeyArena): Buffer[] {
  const keys: Buffer[] = new Array(k.ends.length);
  let from = 0;
  for (let i = 0; i < keys.length; i++) {
    keys[i] = k.arena.subarray(k.base + from, k.base + k.ends[i]);
    from = k.ends[i];
  }
  return keys;
}

/** Decodes `count` keys written by writeKeys as full keys (views into one arena), the prefix and how each was stored. O(bytes). */
function readKeys(r: ByteReader, count: number, wantStored: boolean): { keys: Buffer[]; prefix: Buffer; stored: StoredKey[] | null } {
  const k = readKeyArena(r, count, wantStored);
  return { keys: keyViews(k), prefix: k.prefix, stored: k.stored };
}

function writeValue(w: ByteWriter, v: Value): void {
  if (v instanceof BlobRef) {
    w.u8(1);
    writeAddress(w, v.index);
    w.u64(v.length);
  } else {
    w.u8(0);
    w.lenBytes(v);
  }
}

function readValue(r: ByteReader): Value {
  const tag = r.u8();
  return tag === 0 ? r.lenBytes() : readBlobValue(r, tag);
}

/** The rest of a value whose tag is not 0 (inline): a blob pointer, or damage. */
function readBlobValue(r: ByteReader, tag: number): BlobRef {
  if (tag === 1) {
    const index = readAddress(r);
    if (index.kind !== BlockKind.BlobIndex || index.level !== 0) throw new FormatError(`large value points at a block of kind ${index.kind} level ${index.level}, not a blob index`);
    return new BlobRef(index, r.u64());
  }
  throw new FormatError(`unknown value tag ${tag}`);
}

/** Leaf payload: varint count, keys, then values. O(bytes). */
export function encodeLeaf(node: LeafPayload): Buffer {
  const w = new ByteWriter(Math.max(64, node.bytes + 64));
  w.varint(node.keys.length);
  writeKeys(w, node.keys);
  for (const v of node.vals) writeValue(w, v);
  return w.finish();
}

/**
 * A leaf payload decoded into one buffer, without an object per record: an index region of
 * Uint32 slots, then every full key, then every inline value. What the tree keeps of a persisted
 * leaf (tree/packed-leaf.ts): a point read touches this one buffer, and the block it came from
 * is not kept.
 */
export interface LeafColumns {
  readonly count: number;
  /** The whole decoded leaf: index slots, keys, values. Its byte offset is a multiple of 4. */
  readonly data: Buffer;
  /**
   * The index slots, a view of the start of `data`. For entry i at `reserved + 3 * i`: the end of
   * key i relative to `keyBase` (it starts where key i − 1 ends), the start of its value in
   * `data` ({@link BLOB_VALUE} for a value stored off-tree), and the value's length. The first
   * `reserved` slots are the caller's (a search index, in the same allocation).
   */
  readonly entries: Uint32Array;
  readonly reserved: number;
  /** Where the keys start in `data`. */
  readonly keyBase: number;
  /** Length of the stored prefix every key starts with (the first bytes of the keys when there is one). */
  readonly prefixLength: number;
  /** Off-tree values by entry (null when the leaf has none). */
  readonly blobs: (BlobRef | undefined)[] | null;
  /** Estimated encoded size of the entries (as the tree counts it). */
  readonly bytes: number;
}

/** The value-start mark of an entry whose value is a {@link BlobRef}. */
export const BLOB_VALUE = 0xffff_ffff;

/**
 * Decodes a leaf payload into columns, with the same checks as {@link decodeLeaf}; `reserve`
 * (a function of the entry count) leading index slots are left for the caller. O(bytes).
 * Throws FormatError on damage.
 */
export function decodeLeafColumns(payload: Buffer, reserve: (count: number) => number = () => 0): LeafColumns {
  const r = new ByteReader(payload);
  const count = r.varint();
  // A key takes at least 2 bytes and a value at least 2.
  checkCount(r, count, 4, 'leaf entry');
  const reserved = reserve(count);
  const slotBytes = (reserved + count * 3) * 4;
  let data: Buffer | null = null;
  // The values take at most what follows the keys: one allocation holds slots, keys and values.
  const k = readKeyArena(r, count, false, (keyBytes, after) => {
    data = Buffer.allocUnsafeSlow(slotBytes + keyBytes + after);
    return { buf: data, at: slotBytes };
  });
  const out = data as unknown as Buffer;
  const entries = new Uint32Array(out.buffer, out.byteOffset, reserved + count * 3);
  // A plain Uint8Array view: its subarray (for values longer than a loop copies) is native, Buffer's is not.
  const src = new Uint8Array(payload.buffer, payload.byteOffset, payload.length);
  let blobs: (BlobRef | undefined)[] | null = null;
  let bytes = 0;
  let keyStart = 0;
  let v = k.base + (count > 0 ? k.ends[count - 1] : 0);
  for (let i = 0; i < count; i++) {
    const keyLen = k.ends[i] - keyStart;
    keyStart = k.ends[i];
    const e = reserved + 3 * i;
    entries[e] = keyStart;
    const tag = r.u8();
    if (tag === 0) {
      const len = r.varint();
      const from = r.skip(len);
      copyBytes(src, from, from + len, out, v);
      entries[e + 1] = v;
      entries[e + 2] = len;
      v += len;
      bytes += keyLen + len + 4;
    } else {
      blobs ??= new Array(count);
      blobs[i] = readBlobValue(r, tag);
      entries[e + 1] = BLOB_VALUE;
      entries[e + 2] = 0;
      bytes += keyLen + 24 + 4;
    }
  }
  if (!r.done) throw new FormatError('trailing bytes after leaf');
  return { count, data: out, entries, reserved, keyBase: k.base, prefixLength: k.prefix.length, blobs, bytes };
}

/**
 * Writes leaf payloads straight from key and value byte ranges into a caller's buffer, byte for
 * byte what {@link encodeLeaf} writes for the same entries (the same prefix and shared-prefix
 * compression), without a node, a key Buffer or a value Buffer per entry: the bulk loader's
 * encoder. Use: {@link begin} with the entry count and the first and last keys, then
 * {@link key} for every key in order, then {@link value} or {@link blob} for every value in
 * the same order. The buffer must hold {@link LeafEncoder.bound} bytes from where the leaf
 * starts. O(bytes) per leaf.
 */
export class LeafEncoder {
  /** The buffer written into, and where the next byte goes. */
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  private prefixLen = 0;
  private prev: Uint8Array | null = null;
  private prevOff = 0;
  private prevLen = 0;

  /**
   * Most payload bytes a leaf of `count` entries can take whose estimated sizes (entryBytes:
   * key + value or 24 for a blob + 4) add up to `entryBytes`: each entry adds at most three
   * varints, a tag and a 26-byte blob pointer over its estimate, and the prefix is at most
   * one key. O(1).
   */
  static bound(count: number, entryBytes: number): number {
    return 32 + 2 * entryBytes + 16 * count;
  }

  /** Starts a leaf at `buf[at]`: the count and the prefix shared by the first and last key. O(|prefix|). */
  begin(buf: Buffer, at: number, count: number, first: Uint8Array, firstOff: number, firstLen: number, last: Uint8Array, lastOff: number, lastLen: number): void {
    this.buf = buf;
    this.pos = at;
    this.prev = null;
    this.varint(count);
    if (count === 0) {
      this.prefixLen = 0;
      this.varint(0);
      return;
    }
    const p = commonRangePrefix(first, firstOff, firstLen, last, lastOff, lastLen);
    this.prefixLen = p;
    this.varint(p);
    this.copy(first, firstOff, p);
  }

  /** The next key (keys in ascending order): bytes shared with the previous key, then the rest. O(|key|). */
  key(k: Uint8Array, off: number, len: number): void {
    const p = this.prefixLen;
    let shared = 0;
    if (this.prev !== null) shared = Math.max(0, commonRangePrefix(this.prev, this.prevOff, this.prevLen, k, off, len) - p);
    this.varint(shared);
    const skip = p + shared;
    this.varint(len - skip);
    this.copy(k, off + skip, len - skip);
    this.prev = k;
    this.prevOff = off;
    this.prevLen = len;
  }

  /** The next value, stored inline. O(|value|). */
  value(v: Uint8Array, off: number, len: number): void {
    this.buf[this.pos++] = 0;
    this.varint(len);
    this.copy(v, off, len);
  }

  /** The next value, stored off-tree: its pointer (the address laid out as address.ts `writeAddress` writes it, then the u64 length). O(1). */
  blob(ref: BlobRef): void {
    const b = this.buf;
    b[this.pos++] = 1;
    const a = ref.index;
    let at = this.pos;
    b.writeUInt32LE(a.offset % 0x1_0000_0000, at);
    b.writeUInt16LE(Math.floor(a.offset / 0x1_0000_0000), at + 4);
    b.writeUInt32LE(a.length, at + 6);
    b[at + 10] = a.kind;
    b[at + 11] = a.level;
    b.writeUInt32LE(a.checksum, at + 12);
    at += 16;
    b.writeUInt32LE(ref.length % 0x1_0000_0000, at);
    b.writeUInt32LE(Math.floor(ref.length / 0x1_0000_0000), at + 4);
    this.pos = at + 8;
  }

  private varint(v: number): void {
    const b = this.buf;
    while (v >= 0x80) {
      b[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 0x80);
    }
    b[this.pos++] = v;
  }

  private copy(src: Uint8Array, off: number, n: number): void {
    const b = this.buf;
    const at = this.pos;
    // Short runs (key suffixes) by hand: a native copy's fixed cost dominates there.
    if (n <= 32) for (let i = 0; i < n; i++) b[at + i] = src[off + i];
    else b.set(src.subarray(off, off + n), at);
    this.pos = at + n;
  }
}

/** Length of the longest common prefix of two byte ranges. O(min length). */
function commonRangePrefix(a: Uint8Array, ao: number, al: number, b: Uint8Array, bo: number, bl: number): number {
  const n = al < bl ? al : bl;
  let i = 0;
  while (i < n && a[ao + i] === b[bo + i]) i++;
  return i;
}

/** Decodes a leaf payload; `stored` only when `wantStored`. O(bytes). Throws FormatError on damage. */
export function decodeLeaf(payload: Buffer, wantStored = false): { node: DecodedLeafNode; prefix: Buffer; stored: StoredKey[] | null } {
  const r = new ByteReader(payload);
  const count = r.varint();
  // A key takes at least 2 bytes and a value at least 2.
  checkCount(r, count, 4, 'leaf entry');
  const { keys, prefix, stored } = readKeys(r, count, wantStored);
  const vals: Value[] = new Array(count);
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const v = readValue(r);
    vals[i] = v;
    bytes += keys[i].length + (v instanceof BlobRef ? 24 : v.length) + 4;
  }
  if (!r.done) throw new FormatError('trailing bytes after leaf');
  return { node: { kind: 'leaf', keys, vals, bytes, addr: null, search: null }, prefix, stored };
}

/**
 * How each key of a leaf or internal base payload is stored (for the inspector's node panel):
 * decodes the whole payload with the same checks as the decoders.
 * O(bytes).
 */
export function storedKeysOf(payload: Buffer, kind: 'leaf' | 'internal', withCounts: boolean): { prefix: Buffer; stored: StoredKey[] } {
  if (kind === 'leaf') {
    const { prefix, stored } = decodeLeaf(payload, true);
    return { prefix, stored: stored ?? [] };
  }
  const { prefix, stored } = decodeInternal(payload, withCounts, true);
  return { prefix, stored: stored ?? [] };
}

function writeMsg(w: ByteWriter, m: Msg): void {
  w.u8(m.op);
  w.varint(m.seq);
  w.lenBytes(m.key);
  if (m.op === Op.DeleteRange) {
    if (m.end) {
      w.u8(1);
      w.lenBytes(m.end);
    } else {
      w.u8(0);
    }
  } else if (m.op === Op.Put) {
    writeValue(w, m.value as Value);
  }
}

function readMsg(r: ByteReader): Msg {
  const op = r.u8() as Op;
  if (op !== Op.Put && op !== Op.Delete && op !== Op.DeleteRange) throw new FormatError(`unknown message op ${op}`);
  const seq = r.varint();
  const key = r.lenBytes();
  if (op === Op.DeleteRange) {
    const hasEnd = r.u8();
    if (hasEnd > 1) throw new FormatError(`range delete end flag ${hasEnd} (0 or 1)`);
    return { op, key, end: hasEnd === 1 ? r.lenBytes() : null, value: null, seq };
  }
  if (op === Op.Put) return { op, key, end: null, value: readValue(r), seq };
  return { op, key, end: null, value: null, seq };
}

/** Reads `n` messages (each at least 3 bytes: op, seq, key length). O(bytes). */
function readMsgs(r: ByteReader, n: number): Msg[] {
  checkCount(r, n, 3, 'message');
  const messages: Msg[] = new Array(n);
  for (let i = 0; i < n; i++) messages[i] = readMsg(r);
  return messages;
}

/**
 * Internal base payload: varint childCount, pivots, child addresses, then (format 3, `counts`
 * given) one varint per child — the live records in that child's subtree — then the buffered
 * messages. O(bytes).
 */
export function encodeInternal(node: InternalPayload, childAddresses: readonly Address[], counts: readonly number[] | null): Buffer {
  const w = new ByteWriter(256 + node.bufBytes + node.pivots.length * 24 + childAddresses.length * 24);
  w.varint(childAddresses.length);
  writeKeys(w, node.pivots);
  for (const a of childAddresses) writeAddress(w, a);
  if (counts) {
    if (counts.length !== childAddresses.length) throw new Error(`${counts.length} counts for ${childAddresses.length} children`);
    for (const c of counts) w.varint(c);
  }
  w.varint(node.msgs.length + node.rdels.length);
  // Range deletes first: on replay they must not remove the point messages that follow them.
  for (const m of node.rdels) writeMsg(w, m);
  for (const m of node.msgs) writeMsg(w, m);
  return w.finish();
}

/** Decoded internal base: the node minus its buffer application (done by the tree). */
export interface DecodedInternal {
  readonly pivots: Buffer[];
  readonly children: Address[];
  readonly messages: Msg[];
  /** Live records in each child's subtree (format 3); null in a format-1/2 payload. */
  readonly counts: number[] | null;
  /** The stored prefix of the pivots, and how each pivot was stored (when asked for). */
  readonly prefix: Buffer;
  readonly stored: StoredKey[] | null;
}

/**
 * Decodes an internal base payload; `withCounts` for format 3, whose payload holds per-child
 * counts (`stored` only when `wantStored`). Children must be node addresses (kind 1, 2 or 3; the
 * caller, which knows the node's level, checks theirs) and the buffer must list every range
 * delete before every point message (§7.2). O(bytes).
 */
export function decodeInternal(payload: Buffer, withCounts: boolean, wantStored = false): DecodedInternal {
  const r = new ByteReader(payload);
  const childCount = r.varint();
  if (childCount < 1) throw new FormatError('internal node without children');
  // A pivot takes at least 2 bytes and a child address 16.
  checkCount(r, childCount, 16, 'child');
  const { keys: pivots, prefix, stored } = readKeys(r, childCount - 1, wantStored);
  const children: Address[] = new Array(childCount);
  for (let i = 0; i < childCount; i++) {
    const a = readAddress(r);
    if (a.kind !== BlockKind.Leaf && a.kind !== BlockKind.Internal && a.kind !== BlockKind.Delta) throw new FormatError(`child ${i} is a block of kind ${a.kind}, not a node`);
    children[i] = a;
  }
  let counts: number[] | null = null;
  if (withCounts) {
    counts = new Array(childCount);
    for (let i = 0; i < childCount; i++) counts[i] = r.varint();
  }
  const messages = readMsgs(r, r.varint());
  let points = false;
  for (const m of messages) {
    if (m.op !== Op.DeleteRange) points = true;
    else if (points) throw new FormatError('a range delete after a point message in a base buffer');
  }
  if (!r.done) throw new FormatError('trailing bytes after internal node');
  return { pivots, children, messages, counts, prefix, stored };
}

/** Delta payload: address prev, varint chainBytes, varint count, messages in arrival order. */
export function encodeDelta(prev: Address, chainBytes: number, msgs: readonly Msg[]): Buffer {
  const w = new ByteWriter(64 + msgs.length * 64);
  writeAddress(w, prev);
  w.varint(chainBytes);
  w.varint(msgs.length);
  for (const m of msgs) writeMsg(w, m);
  return w.finish();
}

/** Decoded journal segment. */
export interface DecodedDelta {
  readonly prev: Address;
  readonly chainBytes: number;
  readonly messages: Msg[];
}

/** Decodes a delta payload. O(bytes). */
export function decodeDelta(payload: Buffer): DecodedDelta {
  const r = new ByteReader(payload);
  const prev = readAddress(r);
  const chainBytes = r.varint();
  const messages = readMsgs(r, r.varint());
  if (!r.done) throw new FormatError('trailing bytes after delta');
  return { prev, chainBytes, messages };
}

/** Blob index payload: u64 total length, varint chunk count, chunk addresses. */
export function encodeBlobIndex(length: number, chunks: readonly Address[]): Buffer {
  const w = new ByteWriter(16 + chunks.length * 16);
  w.u64(length);
  w.varint(chunks.length);
  for (const c of chunks) writeAddress(w, c);
  return w.finish();
}

/** Decodes a blob index payload. Throws FormatError on damage (counts that overrun, trailing bytes). O(bytes). */
export function decodeBlobIndex(payload: Buffer): { length: number; chunks: Address[] } {
  const r = new ByteReader(payload);
  const length = r.u64();
  const n = r.varint();
  checkCount(r, n, 16, 'chunk');
  const chunks: Address[] = [];
  for (let i = 0; i < n; i++) chunks.push(readAddress(r));
  if (!r.done) throw new FormatError('trailing bytes after blob index');
  return { length, chunks };
}

