import { ByteReader, ByteWriter } from './bytes';
import { readAddress, writeAddress, type Address } from './address';
import { BlobRef, Op, type Child, type InternalNode, type LeafNode, type Msg, type Value } from '../tree/node';

/**
 * Node payload codecs (the bytes after the 12-byte block header). Layouts are documented in
 * FORMAT.md §Nodes. Keys are stored relative to the prefix every key of the node shares, and
 * each key only stores the bytes it does not share with the previous key (LevelDB-style), so
 * a node is decoded in one pass into an arena of full keys.
 */

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

/** Decodes `count` keys written by writeKeys; returns full keys (views into one arena) and the prefix. */
function readKeys(r: ByteReader, count: number): { keys: Buffer[]; prefix: Buffer; stored: { shared: number; suffix: Buffer }[] | null } {
  const prefix = r.lenBytes();
  const start = r.pos;
  // Pass 1: total size, so all keys live in one allocation.
  let total = 0;
  let prevLen = prefix.length;
  for (let i = 0; i < count; i++) {
    const shared = r.varint();
    const restLen = r.varint();
    r.bytes(restLen);
    if (i > 0 && prefix.length + shared > prevLen) throw new RangeError('shared prefix longer than previous key');
    const len = prefix.length + shared + restLen;
    total += len;
    prevLen = len;
  }
  const arena = Buffer.allocUnsafe(total);
  const keys: Buffer[] = new Array(count);
  r.pos = start;
  let at = 0;
  let prevStart = 0;
  for (let i = 0; i < count; i++) {
    const shared = r.varint();
    const rest = r.lenBytes();
    const len = prefix.length + shared + rest.length;
    if (i === 0 || shared === 0) {
      prefix.copy(arena, at);
    } else {
      arena.copy(arena, at, prevStart, prevStart + prefix.length + shared);
    }
    rest.copy(arena, at + prefix.length + shared);
    keys[i] = arena.subarray(at, at + len);
    prevStart = at;
    at += len;
  }
  return { keys, prefix, stored: null };
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
  if (tag === 0) return r.lenBytes();
  if (tag === 1) {
    const index = readAddress(r);
    return new BlobRef(index, r.u64());
  }
  throw new RangeError(`unknown value tag ${tag}`);
}

/** Leaf payload: varint count, keys, then values. O(bytes). */
export function encodeLeaf(node: LeafNode): Buffer {
  const w = new ByteWriter(Math.max(64, node.bytes + 64));
  w.varint(node.keys.length);
  writeKeys(w, node.keys);
  for (const v of node.vals) writeValue(w, v);
  return w.finish();
}

/** Decodes a leaf payload. O(bytes). Throws FormatError/RangeError on damage. */
export function decodeLeaf(payload: Buffer): { node: LeafNode; prefix: Buffer } {
  const r = new ByteReader(payload);
  const count = r.varint();
  const { keys, prefix } = readKeys(r, count);
  const vals: Value[] = new Array(count);
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const v = readValue(r);
    vals[i] = v;
    bytes += keys[i].length + (v instanceof BlobRef ? 24 : v.length) + 4;
  }
  if (!r.done) throw new RangeError('trailing bytes after leaf');
  return { node: { kind: 'leaf', keys, vals, bytes, addr: null, search: null }, prefix };
}

/** How each key of a payload is stored (for the inspector's node panel). O(bytes). */
export function storedKeysOf(payload: Buffer, kind: 'leaf' | 'internal'): { prefix: Buffer; stored: { shared: number; suffix: Buffer }[] } {
  const r = new ByteReader(payload);
  const count = kind === 'leaf' ? r.varint() : Math.max(0, r.varint() - 1);
  const prefix = r.lenBytes();
  const stored: { shared: number; suffix: Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    const shared = r.varint();
    stored.push({ shared: prefix.length + shared, suffix: r.lenBytes() });
  }
  return { prefix, stored };
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
  const seq = r.varint();
  const key = r.lenBytes();
  if (op === Op.DeleteRange) {
    const end = r.u8() === 1 ? r.lenBytes() : null;
    return { op, key, end, value: null, seq };
  }
  if (op === Op.Put) return { op, key, end: null, value: readValue(r), seq };
  if (op === Op.Delete) return { op, key, end: null, value: null, seq };
  throw new RangeError(`unknown message op ${op}`);
}

/** Internal base payload: varint childCount, pivots, child addresses, buffered messages. O(bytes). */
export function encodeInternal(node: InternalNode, childAddresses: readonly Address[]): Buffer {
  const w = new ByteWriter(256 + node.bufBytes + node.pivots.length * 24 + childAddresses.length * 16);
  w.varint(childAddresses.length);
  writeKeys(w, node.pivots);
  for (const a of childAddresses) writeAddress(w, a);
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
}

/** Decodes an internal base payload. O(bytes). */
export function decodeInternal(payload: Buffer): DecodedInternal {
  const r = new ByteReader(payload);
  const childCount = r.varint();
  if (childCount < 1) throw new RangeError('internal node without children');
  const { keys: pivots } = readKeys(r, childCount - 1);
  const children: Address[] = new Array(childCount);
  for (let i = 0; i < childCount; i++) children[i] = readAddress(r);
  const n = r.varint();
  const messages: Msg[] = new Array(n);
  for (let i = 0; i < n; i++) messages[i] = readMsg(r);
  if (!r.done) throw new RangeError('trailing bytes after internal node');
  return { pivots, children, messages };
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
  const n = r.varint();
  const messages: Msg[] = new Array(n);
  for (let i = 0; i < n; i++) messages[i] = readMsg(r);
  if (!r.done) throw new RangeError('trailing bytes after delta');
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

/** Decodes a blob index payload. */
export function decodeBlobIndex(payload: Buffer): { length: number; chunks: Address[] } {
  const r = new ByteReader(payload);
  const length = r.u64();
  const n = r.varint();
  const chunks: Address[] = [];
  for (let i = 0; i < n; i++) chunks.push(readAddress(r));
  return { length, chunks };
}

/** Used by the codec's callers to know whether a child slot is already persisted. */
export type { Child };
