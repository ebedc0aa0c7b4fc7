import { describe, expect, it } from 'vitest';
import { StoreCorruptError } from '../errors';
import type { NodeStore } from '../store/node-store';
import { memoryNodes } from '../testing/memory-nodes';
import { prng } from '../testing/test-support';
import { BlobRef, Op, type InternalNode, type LeafNode, type Msg, type TreeNode } from '../tree/node';
import { BlockKind, type Address } from './address';
import { ByteWriter, FormatError } from './bytes';
import { decodeCatalogRecord, decodeSnapshots, encodeCatalogRecord, encodeSnapshots, RecordType } from './catalog-codec';
import { frameBlock } from './block';
import { FORMAT_VERSION } from './header';
import { decodeBlobIndex, decodeDelta, decodeInternal, decodeLeaf, encodeBlobIndex, encodeDelta, encodeInternal, encodeLeaf, LeafEncoder } from './node-codec';

/**
 * The decoders are strict and deterministic: a payload either decodes to a value made only of
 * its own bytes, the same every time, or is rejected — as FormatError by the codec and as
 * StoreCorruptError by the node store — never another error, never uninitialised memory.
 */

const TEST_PARAMS = { nodeSize: 512, fanout: 8, bufferSize: 1024, blobThreshold: 64 };
const BASE_AT = 4096;

function memoryNodesOf(blocks: Map<number, Buffer>): NodeStore {
  return memoryNodes(blocks, TEST_PARAMS, FORMAT_VERSION);
}

/** Frames `payload` at `offset`; returns its address (so the checksum always matches: the decoder is what is tested). */
function place(blocks: Map<number, Buffer>, offset: number, kind: BlockKind, level: number, aux: number, payload: Buffer): Address {
  const { bytes, checksum } = frameBlock(kind, level, aux, payload);
  blocks.set(offset, bytes);
  return { offset, length: bytes.length, kind, level, checksum };
}

/** Loads a node from a payload through a fresh node store; the error it throws, or the node. */
function loadPayload(kind: BlockKind, level: number, aux: number, payload: Buffer, extra?: (blocks: Map<number, Buffer>) => void): TreeNode | unknown {
  const blocks = new Map<number, Buffer>();
  extra?.(blocks);
  const a = place(blocks, 1 << 20, kind, level, aux, payload);
  try {
    return memoryNodesOf(blocks).load(a);
  } catch (e) {
    return e;
  }
}

/** A leaf payload written by hand: prefix, then (shared, suffix) per key, then inline values. */
function handLeaf(prefix: string, keys: [number, string][], trailing = Buffer.alloc(0)): Buffer {
  const w = new ByteWriter();
  w.varint(keys.length);
  w.lenBytes(Buffer.from(prefix));
  for (const [shared, suffix] of keys) {
    w.varint(shared);
    w.lenBytes(Buffer.from(suffix));
  }
  for (let i = 0; i < keys.length; i++) {
    w.u8(0);
    w.lenBytes(Buffer.from(`v${i}`));
  }
  w.bytes(trailing);
  return Buffer.from(w.finish());
}

const addr = (kind: BlockKind, level: number, offset = BASE_AT): Address => ({ offset, length: 40, kind, level, checksum: 7 });
const leafNode = (keys: string[]): LeafNode => ({ kind: 'leaf', keys: keys.map((k) => Buffer.from(k)), vals: keys.map((k) => Buffer.from(`v-${k}`)), bytes: 0, addr: null, search: null });
const msg = (op: Op, key: string, extra: Partial<Msg> = {}): Msg => ({ op, key: Buffer.from(key), end: null, value: op === Op.Put ? Buffer.from('x') : null, seq: 1, ...extra });
function internalNode(pivots: string[], msgs: Msg[], rdels: Msg[]): InternalNode {
  return {
    kind: 'internal', level: 1, pivots: pivots.map((p) => Buffer.from(p)), children: [], msgs, rdels, bufBytes: 0,
    addr: null, chainLength: 0, chainBytes: 0, journal: null, pending: [], search: null,
  };
}

describe('node decoding rejects what the format forbids', () => {
  it('a first key that claims bytes shared with a previous key (there is none)', () => {
    const bad = handLeaf('', [[3, 'abc'], [0, 'x']]);
    expect(() => decodeLeaf(bad)).toThrow(FormatError);
    expect(() => decodeLeaf(bad)).toThrow(/first key/);
    expect(loadPayload(BlockKind.Leaf, 0, 0, bad)).toBeInstanceOf(StoreCorruptError);
    // The same shape with shared = 0 is fine.
    expect(decodeLeaf(handLeaf('', [[0, 'abc'], [2, 'x']])).node.keys.map(String)).toEqual(['abc', 'abx']);
  });

  it('a later key that shares more than the previous key has', () => {
    expect(() => decodeLeaf(handLeaf('p', [[0, 'a'], [2, 'b']]))).toThrow(FormatError);
  });

  it('flags and tags outside their range, ops that do not exist', () => {
    const value = Buffer.from(handLeaf('', [[0, 'a']]));
    value[value.length - 4] = 2; // value tag 2 (then length 2, "v0")
    expect(() => decodeLeaf(value)).toThrow(/value tag/);
    const rdel = encodeDelta(addr(BlockKind.Internal, 1), 9, [msg(Op.DeleteRange, 'a', { end: Buffer.from('b') })]);
    const flag = Buffer.from(rdel);
    flag[16 + 1 + 1 + 1 + 1 + 1 + 1] = 2; // after prev(16), chainBytes, count, op, seq, keylen, key: the end flag
    expect(() => decodeDelta(flag)).toThrow(/end flag/);
    const op = Buffer.from(rdel);
    op[16 + 2] = 9;
    expect(() => decodeDelta(op)).toThrow(/op 9/);
    const w = new ByteWriter();
    w.varint(1);
    w.varint(0);
    w.varint(0);
    w.lenBytes(Buffer.from('k'));
    w.u8(1); // a large value whose index is a leaf
    w.bytes(Buffer.from(encodeBlobIndex(0, [addr(BlockKind.Leaf, 0)]).subarray(9, 25)));
    w.u64(100);
    expect(() => decodeLeaf(Buffer.from(w.finish()))).toThrow(/not a blob index/);
  });

  it('trailing bytes after every kind of payload', () => {
    const junk = Buffer.from([0]);
    const with0 = (b: Buffer): Buffer => Buffer.concat([b, junk]);
    expect(() => decodeLeaf(with0(encodeLeaf(leafNode(['a', 'b']))))).toThrow(/trailing/);
    expect(() => decodeInternal(with0(encodeInternal(internalNode(['m'], [], []), [addr(BlockKind.Leaf, 0), addr(BlockKind.Leaf, 0, 5000)], null)), false)).toThrow(/trailing/);
    expect(() => decodeInternal(with0(encodeInternal(internalNode(['m'], [], []), [addr(BlockKind.Leaf, 0), addr(BlockKind.Leaf, 0, 5000)], [3, 4])), true)).toThrow(/trailing/);
    expect(() => decodeDelta(with0(encodeDelta(addr(BlockKind.Internal, 1), 0, [])))).toThrow(/trailing/);
    expect(() => decodeBlobIndex(with0(encodeBlobIndex(5, [addr(BlockKind.BlobChunk, 0)])))).toThrow(/trailing/);
    expect(() => decodeSnapshots(with0(encodeSnapshots([{ name: 's', version: 2, root: addr(BlockKind.Leaf, 0), time: 1, message: '' }])))).toThrow(/trailing/);
    const record = encodeCatalogRecord({
      type: RecordType.Snapshot, time: 1, prev: addr(BlockKind.Catalog, 0), nextVersionId: 3, nextSeq: 4, snapshots: addr(BlockKind.Snapshots, 0),
      branches: [{ name: 'main', head: 2, root: addr(BlockKind.Leaf, 0) }], version: null, subject: 's',
    });
    expect(decodeCatalogRecord(Buffer.from(record)).subject).toBe('s');
    // After a record's v1 fields, a byte starts the version-2 extension: 0 names no known one.
    expect(() => decodeCatalogRecord(with0(record))).toThrow(/trailing|unknown catalog record extension/);
    const flag = Buffer.from(record);
    flag[flag.length - 1] = 2; // hasVersion
    expect(() => decodeCatalogRecord(flag)).toThrow(/version flag/);
  });

  it('counts that overrun the payload fail before anything is allocated for them', () => {
    const count = (n: number, rest: Buffer): Buffer => {
      const w = new ByteWriter();
      w.varint(n);
      w.bytes(rest);
      return Buffer.from(w.finish());
    };
    expect(() => decodeLeaf(count(2 ** 40, Buffer.from([0])))).toThrow(/overruns/);
    expect(() => decodeInternal(count(2 ** 40, Buffer.from([0])), true)).toThrow(/overruns/);
    expect(() => decodeBlobIndex(Buffer.concat([Buffer.alloc(8), count(2 ** 40, Buffer.alloc(0))]))).toThrow(/overruns/);
    expect(() => decodeSnapshots(count(2 ** 40, Buffer.alloc(0)))).toThrow(/overruns/);
    const delta = Buffer.from(encodeDelta(addr(BlockKind.Internal, 1), 0, []));
    expect(() => decodeDelta(Buffer.concat([delta.subarray(0, 17), count(2 ** 40, Buffer.alloc(0))]))).toThrow(/overruns/);
  });

  it('internal bases carry per-child record counts in format 3, and none in format 2', () => {
    const node = internalNode(['m'], [msg(Op.Put, 'p')], []);
    const children = [addr(BlockKind.Leaf, 0), addr(BlockKind.Leaf, 0, 5000)];
    const v3 = encodeInternal(node, children, [300, 2 ** 40]);
    const v2 = encodeInternal(node, children, null);
    expect(decodeInternal(v3, true).counts).toEqual([300, 2 ** 40]);
    expect(decodeInternal(v2, false).counts).toBeNull();
    expect(decodeInternal(v3, true).messages.map((m) => m.key.toString())).toEqual(['p']);
    // Each count is a varint after the child addresses: 2 + 6 bytes here.
    expect(v3.length - v2.length).toBe(2 + 6);
    expect(() => encodeInternal(node, children, [1])).toThrow(/1 counts for 2 children/);
  });

  it('internal bases: children that are not nodes, and a range delete after a point message', () => {
    expect(() => decodeInternal(encodeInternal(internalNode([], [], []), [addr(BlockKind.Catalog, 0)], [0]), true)).toThrow(/not a node/);
    const mixed = internalNode([], [], []);
    const w = encodeInternal(mixed, [addr(BlockKind.Leaf, 0)], [0]);
    // Rebuild the buffer by hand: one put, then one range delete.
    const head = w.subarray(0, w.length - 1);
    const tail = new ByteWriter();
    tail.varint(2);
    for (const m of [msg(Op.Put, 'a'), msg(Op.DeleteRange, 'b', { end: Buffer.from('c') })]) {
      tail.u8(m.op);
      tail.varint(1);
      tail.lenBytes(m.key);
      if (m.op === Op.Put) {
        tail.u8(0);
        tail.lenBytes(m.value as Buffer);
      } else {
        tail.u8(1);
        tail.lenBytes(m.end as Buffer);
      }
    }
    expect(() => decodeInternal(Buffer.concat([head, tail.finish()]), true)).toThrow(/range delete after a point/);
    // Children one level down only: the node store knows the level.
    const base = encodeInternal(internalNode([], [], []), [addr(BlockKind.Internal, 1)], [0]);
    expect(loadPayload(BlockKind.Internal, 1, 0, Buffer.from(base))).toBeInstanceOf(StoreCorruptError);
    expect(loadPayload(BlockKind.Internal, 2, 0, Buffer.from(base))).toMatchObject({ kind: 'internal', level: 2 });
  });

  it('journal segments whose chain length or chain bytes do not add up', () => {
    const blocks = (b: Map<number, Buffer>): Address => place(b, BASE_AT, BlockKind.Internal, 1, 0, Buffer.from(encodeInternal(internalNode([], [], []), [addr(BlockKind.Leaf, 0)], [0])));
    const probe = new Map<number, Buffer>();
    const base = blocks(probe);
    const m = msg(Op.Put, 'k');
    const bytes = 1 + 6 + 1; // msgBytes: key, 6, value
    const seg = (chainBytes: number): Buffer => Buffer.from(encodeDelta(base, chainBytes, [m]));
    expect(loadPayload(BlockKind.Delta, 1, 1, seg(bytes), (b) => blocks(b))).toMatchObject({ kind: 'internal', chainLength: 1, chainBytes: bytes });
    expect(loadPayload(BlockKind.Delta, 1, 2, seg(bytes), (b) => blocks(b))).toBeInstanceOf(StoreCorruptError);
    expect(loadPayload(BlockKind.Delta, 1, 1, seg(bytes + 1), (b) => blocks(b))).toBeInstanceOf(StoreCorruptError);
    // aux 0 on a segment, or aux on a leaf: the header itself is wrong.
    expect(loadPayload(BlockKind.Delta, 1, 0, seg(bytes), (b) => blocks(b))).toBeInstanceOf(StoreCorruptError);
    expect(loadPayload(BlockKind.Leaf, 0, 3, Buffer.from(encodeLeaf(leafNode(['a']))))).toBeInstanceOf(StoreCorruptError);
  });
});

/** A canonical text of a decoded node, to compare two decodes of one payload. */
function canonical(n: TreeNode): string {
  const hex = (b: Buffer | null): string => (b === null ? '-' : b.toString('hex'));
  const val = (v: Buffer | BlobRef | null): string => (v === null ? '-' : v instanceof BlobRef ? `blob${v.index.offset}:${v.length}` : hex(v));
  if (n.kind === 'leaf') return `L ${n.keys.map(hex).join(',')} | ${n.vals.map(val).join(',')}`;
  const m = (x: Msg): string => `${x.op}:${x.seq}:${hex(x.key)}:${hex(x.end)}:${val(x.value)}`;
  return `I${n.level} ${n.pivots.map(hex).join(',')} | ${n.children.map((c) => JSON.stringify(c)).join(',')} | ${n.msgs.map(m).join(',')} | ${n.rdels.map(m).join(',')} | ${n.chainLength}:${n.chainBytes}`;
}

describe('decoder fuzz: mutated payloads', () => {
  it('decode the same way every time or fail with StoreCorruptError, for leaves, internal bases and journal segments', () => {
    const rnd = prng(20261206);
    const int = (n: number): number => Math.floor(rnd() * n);
    // Keys with shared prefixes and lengths from 0 to a few hundred bytes.
    const keys = (count: number): Buffer[] => {
      const set = new Map<string, Buffer>();
      const stem = Buffer.alloc(int(40), 'k');
      while (set.size < count) {
        const k = Buffer.concat([stem.subarray(0, int(stem.length + 1)), Buffer.from(Array.from({ length: int(rnd() < 0.1 ? 300 : 6) }, () => 97 + int(4)))]);
        set.set(k.toString('hex'), k);
      }
      return [...set.values()].sort(Buffer.compare);
    };
    const messages = (count: number): Msg[] =>
      keys(count).map((k, i) => {
        const op = [Op.Put, Op.Delete, Op.DeleteRange][int(3)];
        const value = op !== Op.Put ? null : rnd() < 0.2 ? new BlobRef(addr(BlockKind.BlobIndex, 0, 9000), 500) : Buffer.alloc(int(20), 'v');
        return { op, key: k, end: op === Op.DeleteRange && rnd() < 0.7 ? Buffer.concat([k, Buffer.from([0])]) : null, value, seq: i + 1 };
      });
    const cases: { kind: BlockKind; level: number; aux: number; payload: Buffer; extra?: (b: Map<number, Buffer>) => void }[] = [];
    for (let i = 0; i < 40; i++) {
      const lk = keys(int(12));
      cases.push({ kind: BlockKind.Leaf, level: 0, aux: 0, payload: Buffer.from(encodeLeaf({ ...leafNode([]), keys: lk, vals: lk.map(() => Buffer.alloc(int(10), 'x')) })) });
      const pv = keys(1 + int(6));
      const ms = messages(int(6));
      const node = internalNode([], ms.filter((m) => m.op !== Op.DeleteRange), ms.filter((m) => m.op === Op.DeleteRange));
      node.pivots = pv;
      const children = [...pv, pv[0]].map((_, j) => addr(BlockKind.Leaf, 0, 20_000 + j * 100));
      cases.push({ kind: BlockKind.Internal, level: 1, aux: 0, payload: Buffer.from(encodeInternal(node, children, children.map((_, j) => j * 300))) });
      const basePayload = Buffer.from(encodeInternal(internalNode([], [], []), [addr(BlockKind.Leaf, 0)], [5]));
      const extra = (b: Map<number, Buffer>): void => {
        place(b, BASE_AT, BlockKind.Internal, 1, 0, basePayload);
      };
      const probe = new Map<number, Buffer>();
      extra(probe);
      const baseAddr = place(probe, BASE_AT, BlockKind.Internal, 1, 0, basePayload);
      const dm = messages(int(5));
      const chainBytes = dm.reduce((s, m) => s + m.key.length + 6 + (m.end?.length ?? 0) + (m.value ? (m.value instanceof BlobRef ? 24 : m.value.length) : 0), 0);
      cases.push({ kind: BlockKind.Delta, level: 1, aux: 1, payload: Buffer.from(encodeDelta(baseAddr, chainBytes, dm)), extra });
    }
    let rejected = 0;
    let decoded = 0;
    for (const c of cases) {
      // The unmutated payload decodes.
      expect(loadPayload(c.kind, c.level, c.aux, c.payload, c.extra)).toHaveProperty('kind');
      for (let t = 0; t < 60; t++) {
        let p = Buffer.from(c.payload);
        const how = int(4);
        if (how === 0) for (let f = 1 + int(3); f > 0; f--) p[int(p.length)] ^= 1 << int(8);
        else if (how === 1) p[int(p.length)] = int(256);
        else if (how === 2) p = p.subarray(0, int(p.length));
        else p = Buffer.concat([p, Buffer.from([int(256)])]);
        const first = loadPayload(c.kind, c.level, c.aux, p, c.extra);
        // Dirty the allocation pool, so that a decode reading memory it did not write shows.
        for (let d = 0; d < 8; d++) Buffer.allocUnsafe(512).fill(int(256));
        const second = loadPayload(c.kind, c.level, c.aux, p, c.extra);
        if (first instanceof Error || second instanceof Error) {
          expect(first).toBeInstanceOf(StoreCorruptError);
          expect(second).toBeInstanceOf(StoreCorruptError);
          expect((second as Error).message).toBe((first as Error).message);
          rejected++;
        } else {
          expect(canonical(second as TreeNode)).toBe(canonical(first as TreeNode));
          decoded++;
        }
        // The codec itself only ever throws FormatError.
        const codec = c.kind === BlockKind.Leaf ? decodeLeaf : c.kind === BlockKind.Internal ? (q: Buffer) => decodeInternal(q, true) : decodeDelta;
        try {
          codec(p);
        } catch (e) {
          expect(e).toBeInstanceOf(FormatError);
        }
      }
    }
    // Both outcomes happen: the fuzz reaches past the first field.
    expect(rejected).toBeGreaterThan(1000);
    expect(decoded).toBeGreaterThan(100);
  });
});

describe('LeafEncoder', () => {
  it('writes byte for byte what encodeLeaf writes: prefixes, shared bytes, inline and off-tree values', () => {
    const rnd = prng(41);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    for (let trial = 0; trial < 400; trial++) {
      // Sorted unique keys over a tiny alphabet under a shared stem: long common prefixes, keys that are prefixes of others.
      const stem = pick(['', 'k', 'stem/'.repeat(10)]);
      const set = new Set<string>();
      const n = Math.floor(rnd() * 40);
      for (let i = 0; i < n; i++) set.add(stem + Array.from({ length: Math.floor(rnd() * 5) }, () => pick(['\x00', 'a', 'b', '\xff'])).join(''));
      const keys = [...set].map((k) => Buffer.from(k, 'latin1')).sort(Buffer.compare);
      const vals = keys.map((_, i) =>
        rnd() < 0.2
          ? new BlobRef({ offset: Math.floor(rnd() * 2 ** 40), length: 100 + i, kind: BlockKind.BlobIndex, level: 0, checksum: Math.floor(rnd() * 2 ** 32) }, 2 ** 33 + i)
          : Buffer.alloc(Math.floor(rnd() * 200), i),
      );
      const bytes = keys.reduce((s, k, i) => s + k.length + (vals[i] instanceof BlobRef ? 24 : (vals[i] as Buffer).length) + 4, 0);
      const want = encodeLeaf({ keys, vals, bytes });
      // Keys and values handed over as ranges inside larger buffers, written at an offset.
      const pad = (b: Buffer): { buf: Buffer; off: number } => ({ buf: Buffer.concat([Buffer.alloc(3, 9), b, Buffer.alloc(2, 9)]), off: 3 });
      const pk = keys.map(pad);
      const out = Buffer.alloc(7 + LeafEncoder.bound(keys.length, bytes), 0xee);
      const enc = new LeafEncoder();
      const last = keys.length - 1;
      enc.begin(out, 7, keys.length, pk[0]?.buf ?? Buffer.alloc(0), 3, keys[0]?.length ?? 0, pk[last]?.buf ?? Buffer.alloc(0), 3, keys[last]?.length ?? 0);
      keys.forEach((k, i) => enc.key(pk[i].buf, pk[i].off, k.length));
      vals.forEach((v) => {
        if (v instanceof BlobRef) enc.blob(v);
        else {
          const p = pad(v);
          enc.value(p.buf, p.off, v.length);
        }
      });
      expect(out.subarray(7, enc.pos).equals(want)).toBe(true);
      expect(enc.pos - 7).toBeLessThanOrEqual(LeafEncoder.bound(keys.length, bytes));
    }
  });
});
