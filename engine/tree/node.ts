import type { Address } from '../format/address';
import type { KeyIndex } from './keys';

// The shapes that are also bytes (values, blob pointers, buffered messages) are declared by
// the format, which encodes them; the tree uses them as they are.
import { BlobRef, type Msg, type Value } from '../format/node-shapes';
export { BlobRef, Op, type Msg, type Value } from '../format/node-shapes';

/** A leaf: sorted unique keys and their values. */
export interface LeafNode {
  readonly kind: 'leaf';
  keys: Buffer[];
  vals: Value[];
  /** Estimated encoded size of the entries (drives splits). */
  bytes: number;
  /** Set once persisted; a node with an address is immutable and may be shared. */
  addr: Address | null;
  /**
   * Search index of `keys`, built on the first point read of a persisted node (read.ts). Kept
   * on the node rather than in a side table: a WeakMap lookup per level was a measurable share
   * of a warm read. Nodes created with the field (null) keep one hidden class when it is set.
   */
  search?: KeyIndex | null;
}

/** What a transient internal node remembers of the persisted node it was copied from. */
export interface Journal {
  /** Address of the persisted node (base or newest delta) this copy extends. */
  readonly prev: Address;
  readonly chainLength: number;
  readonly chainBytes: number;
}

/**
 * An internal node: pivots, children and its hitchhiker buffer.
 * Child i covers [pivots[i-1], pivots[i]). The buffer holds at most one point message per
 * key (`msgs`, sorted) and disjoint sorted range deletes (`rdels`); a point message present
 * here is always newer than any range delete here that covers it.
 */
export interface InternalNode {
  readonly kind: 'internal';
  level: number;
  pivots: Buffer[];
  children: Child[];
  msgs: Msg[];
  rdels: Msg[];
  bufBytes: number;
  addr: Address | null;
  /** Persisted nodes: length of the journal chain ending at `addr` (0 for a base block). */
  chainLength: number;
  chainBytes: number;
  /** Transient copies of persisted nodes: the node they extend (null once children changed). */
  journal: Journal | null;
  /** Messages added since `journal.prev`, in arrival order: the next delta segment. */
  pending: Msg[];
  /** Search index of `pivots` of a persisted node, built on first use (see LeafNode.search). */
  search?: KeyIndex | null;
}

/** Any tree node. */
export type TreeNode = LeafNode | InternalNode;

/** A child pointer: the address of a persisted node, or a transient node owned by the writer. */
export type Child = Address | TreeNode;

/** True when `c` is an in-memory transient node rather than an address. */
export function isNode(c: Child): c is TreeNode {
  return (c as TreeNode).kind === 'leaf' || (c as TreeNode).kind === 'internal';
}

/** Estimated encoded bytes of a leaf entry. */
export function entryBytes(key: Buffer, value: Value): number {
  return key.length + (value instanceof BlobRef ? 24 : value.length) + 4;
}

/** Estimated encoded bytes of a buffered message. */
export function msgBytes(m: Msg): number {
  let n = m.key.length + 6;
  if (m.end) n += m.end.length;
  if (m.value) n += m.value instanceof BlobRef ? 24 : m.value.length;
  return n;
}

/** Size in bytes of a node's value (its length for blobs). */
export function valueLength(v: Value): number {
  return v instanceof BlobRef ? v.length : v.length;
}
