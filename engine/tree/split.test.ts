import { describe, expect, it } from 'vitest';
import type { TreeParams } from '../format/header';
import { msgBytes, Op, type InternalNode, type LeafNode, type Msg, type TreeNode } from './node';
import { scanTree } from './read';
import { verifyTree } from './verify';
import { newInternal, TreeWriter, type NodeLoader } from './write';

/**
 * Splitting an internal node partitions its buffer, and a range delete spanning several pieces
 * is clipped to each piece's bounds: the clipped copies carry pivots as their new ends, so a
 * piece can hold more estimated bytes than the whole node did. The writer must flush such a
 * piece before keeping it (buffer-bound), whatever the key lengths.
 */

const params: TreeParams = { nodeSize: 256, fanout: 5, bufferSize: 512, blobThreshold: 64 };
const noDisk: NodeLoader = {
  load() {
    throw new Error('every node of this test is in memory');
  },
};
const long = (last: string): Buffer => Buffer.from(`${'a'.repeat(199)}${last}`);
const leaf = (key: Buffer): LeafNode => ({ kind: 'leaf', keys: [key], vals: [Buffer.from('v')], bytes: key.length + 5, addr: null, search: null });
const put = (key: Buffer, value: Buffer, seq: number): Msg => ({ op: Op.Put, key, end: null, value, seq });

/** A root at level 1 with one child more than the fanout, 200-byte pivots, and a buffer just under its bound. */
function overfullRoot(): InternalNode {
  const pivots = ['1', '2', '3', '4', '5'].map(long);
  const children: TreeNode[] = [leaf(long('0')), ...pivots.map(leaf)];
  const root = newInternal(1, children, pivots);
  // A range delete over everything (7 estimated bytes), then two newer 246-byte puts under child 0.
  root.rdels = [{ op: Op.DeleteRange, key: Buffer.from('a'), end: null, value: null, seq: 1 }];
  root.msgs = [put(long('0'), Buffer.alloc(40, 1), 2), put(Buffer.concat([long('0'), Buffer.from('x')]), Buffer.alloc(39, 2), 3)];
  root.bufBytes = [...root.rdels, ...root.msgs].reduce((s, m) => s + msgBytes(m), 0);
  return root;
}

describe('splitting an internal node', () => {
  it('keeps every piece within bufferSize when clipped range deletes widen the buffer', () => {
    const root = overfullRoot();
    expect(root.bufBytes).toBeLessThanOrEqual(params.bufferSize);
    // One small put under the last child: still no flush at the root, but 6 > 5 children split it.
    const splits: number[] = [];
    const writer = new TreeWriter(noDisk, params, { split: (level) => splits.push(level) });
    const after = writer.apply(root, { rdels: [], points: [put(Buffer.from('b'), Buffer.alloc(0), 4)] });
    expect(splits).toContain(1);
    const problems = verifyTree(noDisk, params, after, { maxChain: 32 }, new Set(), 'test');
    expect(problems).toEqual([]);
  });

  it('keeps the records the buffer held', () => {
    const writer = new TreeWriter(noDisk, params);
    const after = writer.apply(overfullRoot(), { rdels: [], points: [put(Buffer.from('b'), Buffer.alloc(0), 4)] });
    const keys = [...scanTree(noDisk, after, null, null, false)].map(([k]) => k.toString('latin1'));
    expect(keys).toEqual([long('0'), Buffer.concat([long('0'), Buffer.from('x')]), Buffer.from('b')].map((k) => k.toString('latin1')));
  });
});
