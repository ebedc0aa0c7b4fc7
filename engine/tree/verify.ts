import type { Address } from '../format/address';
import type { TreeParams } from '../format/header';
import { StoreError } from '../errors';
import { countRange, storedCount } from './count';
import { compareKeys } from './keys';
import { BlobRef, isNode, type Child, type TreeNode } from './node';
import type { NodeLoader } from './write';

/** One broken invariant, with where it was found. Invariant names match FORMAT.md §Invariants. */
export interface Problem {
  readonly invariant: string;
  readonly where: string;
  readonly offset?: number;
  readonly message: string;
}

/** Extra checks the store layer supplies (raw-bytes checks that need the file). */
export interface VerifyHooks {
  /** Called right after each distinct persisted node is loaded; returns problems with its encoding (e.g. prefix) and its chain's. */
  checkEncoding?(address: Address, node: TreeNode): Problem[];
  /** Called for every large-value pointer. */
  checkBlob?(ref: BlobRef, where: string): Problem[];
  /** Longest journal chain allowed. */
  maxChain: number;
}

/**
 * Checks every invariant of the tree under `root`: checksums and address metadata (by loading
 * each node), key order, pivot bounds, fill and buffer bounds, child levels, buffer shape,
 * journal chain length, and every stored per-child record count. Shared subtrees already in `seen` are skipped, so verifying many
 * versions costs their distinct nodes. O(nodes).
 */
export function verifyTree(loader: NodeLoader, params: TreeParams, root: Child, hooks: VerifyHooks, seen: Set<number>, label: string): Problem[] {
  const problems: Problem[] = [];
  // Live records of each node checked against a stored count, by offset: a node shared by
  // several parents is walked once but checked against each parent's count.
  const actualCounts = new Map<number, number>();
  const countMismatch = (expectCount: number, actual: number): string => `the parent stores ${expectCount} records for this subtree, which holds ${actual}`;
  const walk = (c: Child, lo: Buffer | null, hi: Buffer | null, expectLevel: number | null, path: string, soleChild: boolean, expectCount: number | undefined): void => {
    let node: TreeNode;
    const addr = isNode(c) ? c.addr : c;
    if (addr) {
      if (seen.has(addr.offset)) {
        const actual = actualCounts.get(addr.offset);
        if (expectCount !== undefined && actual !== undefined && actual !== expectCount) {
          problems.push({ invariant: 'count', where: `${label} ${path} @${addr.offset}`, offset: addr.offset, message: countMismatch(expectCount, actual) });
        }
        return;
      }
      seen.add(addr.offset);
    }
    try {
      node = isNode(c) ? c : loader.load(c);
    } catch (e) {
      const message = e instanceof StoreError ? e.message : String(e);
      problems.push({ invariant: 'checksum', where: path, offset: addr?.offset, message });
      return;
    }
    const where = `${label} ${path}${addr ? ` @${addr.offset}` : ''}`;
    const say = (invariant: string, message: string): void => {
      problems.push({ invariant, where, offset: addr?.offset, message });
    };
    const level = node.kind === 'leaf' ? 0 : node.level;
    if (expectLevel !== null && level !== expectLevel) say('child-level', `node at level ${level} under a parent expecting level ${expectLevel}`);
    if (addr && addr.level !== level) say('address-metadata', `address says level ${addr.level}, node is level ${level}`);
    if (addr && hooks.checkEncoding) problems.push(...hooks.checkEncoding(addr, node));
    if (expectCount !== undefined) {
      // The node's own records: its children's stored counts (each checked when its child is
      // walked) and its buffer's effect, looked up in its children. By induction from the
      // leaves, every stored count is then the exact count of its subtree.
      let actual: number | undefined;
      try {
        actual = countRange(loader, node, null, null, null, null);
      } catch {
        actual = undefined; // a damaged block below: reported under checksum where it is walked
      }
      if (actual !== undefined) {
        if (addr) actualCounts.set(addr.offset, actual);
        if (actual !== expectCount) say('count', countMismatch(expectCount, actual));
      }
    }
    const inBounds = (k: Buffer): boolean => (lo === null || compareKeys(k, lo) >= 0) && (hi === null || compareKeys(k, hi) < 0);
    if (node.kind === 'leaf') {
      if (node.keys.length !== node.vals.length) say('leaf-shape', 'keys and values differ in number');
      if (node.keys.length === 0 && !soleChild) say('nonempty', 'empty leaf beside other leaves');
      if (node.keys.length > 1 && node.bytes > params.nodeSize) say('leaf-size', `leaf holds ${node.bytes} bytes > nodeSize ${params.nodeSize}`);
      for (let i = 0; i < node.keys.length; i++) {
        if (i > 0 && compareKeys(node.keys[i - 1], node.keys[i]) >= 0) say('key-order', `key ${i} is not greater than key ${i - 1}`);
        if (!inBounds(node.keys[i])) say('bounds', `key ${node.keys[i].toString('hex')} outside the node's pivot bounds`);
        const v = node.vals[i];
        if (v instanceof BlobRef) {
          if (v.length <= params.blobThreshold) say('blob-threshold', `value of ${v.length} bytes stored off-tree below the threshold`);
          if (hooks.checkBlob) problems.push(...hooks.checkBlob(v, where));
        } else if (v.length > params.blobThreshold) say('blob-threshold', `inline value of ${v.length} bytes above the threshold ${params.blobThreshold}`);
      }
      return;
    }
    const n = node.children.length;
    if (n < 1 || n > params.fanout) say('fanout', `${n} children (allowed 1..${params.fanout})`);
    if (node.pivots.length !== n - 1) say('fanout', `${node.pivots.length} pivots for ${n} children`);
    for (let i = 0; i < node.pivots.length; i++) {
      if (i > 0 && compareKeys(node.pivots[i - 1], node.pivots[i]) >= 0) say('key-order', `pivot ${i} is not greater than pivot ${i - 1}`);
      if (!inBounds(node.pivots[i]) || (lo !== null && compareKeys(node.pivots[i], lo) === 0)) say('bounds', `pivot ${i} outside the node's bounds`);
    }
    if (node.bufBytes > params.bufferSize) say('buffer-bound', `buffer holds ${node.bufBytes} bytes > bufferSize ${params.bufferSize}`);
    if (node.chainLength > hooks.maxChain) say('chain-length', `journal chain of ${node.chainLength} segments > ${hooks.maxChain}`);
    for (let i = 0; i < node.msgs.length; i++) {
      if (i > 0 && compareKeys(node.msgs[i - 1].key, node.msgs[i].key) >= 0) say('buffer-order', `buffered message ${i} out of order or duplicated`);
      if (!inBounds(node.msgs[i].key)) say('bounds', `buffered message for ${node.msgs[i].key.toString('hex')} outside the node's bounds`);
      if (node.msgs[i].value instanceof BlobRef && hooks.checkBlob) problems.push(...hooks.checkBlob(node.msgs[i].value as BlobRef, where));
    }
    for (let i = 0; i < node.rdels.length; i++) {
      const r = node.rdels[i];
      if (r.end !== null && compareKeys(r.key, r.end) >= 0) say('buffer-order', `empty range delete ${i}`);
      if (i > 0) {
        const p = node.rdels[i - 1];
        if (p.end === null || compareKeys(p.end, r.key) > 0) say('buffer-order', `range deletes ${i - 1} and ${i} overlap`);
      }
      if (!inBounds(r.key) || (hi !== null && (r.end === null || compareKeys(r.end, hi) > 0))) say('bounds', `range delete ${i} reaches outside the node's bounds`);
    }
    for (let i = 0; i < n; i++) {
      const clo = i > 0 ? node.pivots[i - 1] : lo;
      const chi = i < n - 1 ? node.pivots[i] : hi;
      walk(node.children[i], clo, chi, level - 1, `${path}/${i}`, n === 1, storedCount(node.children[i]));
    }
  };
  walk(root, null, null, null, 'root', true, undefined);
  return problems;
}
