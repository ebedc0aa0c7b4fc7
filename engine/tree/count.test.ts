import { describe, expect, it } from 'vitest';
import { BlockKind, type Address } from '../format/address';
import { frameBlock } from '../format/block';
import { FORMAT_VERSION } from '../format/header';
import { encodeInternal, encodeLeaf } from '../format/node-codec';
import { memoryNodes } from '../testing/memory-nodes';
import type { NodeStore } from '../store/node-store';
import { countRange, entryAt } from './count';
import { Op, type InternalNode, type LeafNode, type Msg } from './node';
import { verifyTree } from './verify';

/**
 * Stored counts and buffer effects on a hand-built tree (blocks framed in memory through the
 * codec): a level-1 node whose buffer inserts, overwrites, deletes a present key, deletes an
 * absent one and range-deletes, under a root that stores that node's count. verify() accepts
 * the exact count and reports any other one under the `count` invariant.
 */

const PARAMS = { nodeSize: 512, fanout: 8, bufferSize: 1024, blobThreshold: 64 };

function memoryNodesOf(blocks: Map<number, Buffer>): NodeStore {
  return memoryNodes(blocks, PARAMS, FORMAT_VERSION);
}

function place(blocks: Map<number, Buffer>, offset: number, kind: BlockKind, level: number, payload: Buffer): Address {
  const { bytes, checksum } = frameBlock(kind, level, 0, payload);
  blocks.set(offset, bytes);
  return { offset, length: bytes.length, kind, level, checksum };
}

const leaf = (keys: string[]): LeafNode => ({ kind: 'leaf', keys: keys.map((k) => Buffer.from(k)), vals: keys.map((k) => Buffer.from(`v-${k}`)), bytes: 0, addr: null, search: null });
const msg = (op: Op, key: string, end?: string): Msg => ({ op, key: Buffer.from(key), end: end === undefined ? null : Buffer.from(end), value: op === Op.Put ? Buffer.from(`new-${key}`) : null, seq: 9 });
function internal(level: number, pivots: string[], msgs: Msg[], rdels: Msg[]): InternalNode {
  return { kind: 'internal', level, pivots: pivots.map((p) => Buffer.from(p)), children: [], msgs, rdels, bufBytes: 0, addr: null, chainLength: 0, chainBytes: 0, journal: null, pending: [], search: null };
}

/** Leaves [a b] [m n]; above them a buffer: put c (new), put a (overwrite), delete n (hit), delete o (miss), range delete [b, bb). Live: a c m = 3. */
function build(rootCount: number): { nodes: NodeStore; root: Address } {
  const blocks = new Map<number, Buffer>();
  const l1 = place(blocks, 4096, BlockKind.Leaf, 0, encodeLeaf(leaf(['a', 'b'])));
  const l2 = place(blocks, 8192, BlockKind.Leaf, 0, encodeLeaf(leaf(['m', 'n'])));
  const mid = internal(1, ['m'], [msg(Op.Put, 'a'), msg(Op.Put, 'c'), msg(Op.Delete, 'n'), msg(Op.Delete, 'o')], [msg(Op.DeleteRange, 'b', 'bb')]);
  const i1 = place(blocks, 12288, BlockKind.Internal, 1, encodeInternal(mid, [l1, l2], [2, 2]));
  const root = place(blocks, 16384, BlockKind.Internal, 2, encodeInternal(internal(2, [], [], []), [i1], [rootCount]));
  return { nodes: memoryNodesOf(blocks), root };
}

describe('stored counts', () => {
  it('count the buffer exactly: a put may insert or overwrite, a delete hit or miss, a range delete hide records', () => {
    const { nodes, root } = build(3);
    const top = nodes.load(root);
    expect(countRange(nodes, top, null, null, null, null)).toBe(3);
    expect(countRange(nodes, top, Buffer.from('b'), null, null, null)).toBe(2);
    expect(countRange(nodes, top, null, Buffer.from('m'), null, null)).toBe(2);
    const keys = [0, 1, 2, 3].map((i) => entryAt(nodes, top, i, null, null, null, null)?.[0].toString());
    expect(keys).toEqual(['a', 'c', 'm', undefined]);
    expect(entryAt(nodes, top, 0, null, null, null, null)?.[1]).toEqual(Buffer.from('new-a'));
  });

  it('verify() accepts the exact stored count and reports a wrong one under `count`', () => {
    const clean = build(3);
    expect(verifyTree(clean.nodes, PARAMS, clean.root, { maxChain: 32 }, new Set(), 'test')).toEqual([]);
    // 4 is what a count that took the put of `a` for an insert would say.
    const wrong = build(4);
    const problems = verifyTree(wrong.nodes, PARAMS, wrong.root, { maxChain: 32 }, new Set(), 'test');
    expect(problems).toEqual([expect.objectContaining({ invariant: 'count', offset: 12288, message: 'the parent stores 4 records for this subtree, which holds 3' })]);
  });
});
