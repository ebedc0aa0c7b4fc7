/**
 * The node shapes the codec reads and writes, as plain data: stored values (inline bytes or a
 * blob pointer), buffered messages, and the parts of a leaf or internal node that are encoded.
 * The tree's nodes (tree/node.ts) are these plus what only the tree keeps in memory; the format
 * knows nothing of the tree.
 */
import type { Address } from './address';

/**
 * A value stored off-tree (TOAST): the leaf keeps this pointer and the length; the bytes live
 * in blob chunks listed by the index block at `index`.
 */
export class BlobRef {
  constructor(
    readonly index: Address,
    readonly length: number,
  ) {}
}

/** A stored value: inline bytes, or a pointer to off-tree blob chunks. */
export type Value = Buffer | BlobRef;

/** Message operations of the hitchhiker buffer. */
export const enum Op {
  Put = 1,
  Delete = 2,
  DeleteRange = 3,
}

/**
 * A buffered message. Point messages (put/delete) use `key`; a range delete covers
 * `[key, end)` where a null `end` means "to the end of the key space".
 * `seq` is the store-wide sequence number: newest wins, and the journal replays by it.
 */
export interface Msg {
  readonly op: Op;
  readonly key: Buffer;
  readonly end: Buffer | null;
  readonly value: Value | null;
  readonly seq: number;
}

/** What a leaf payload holds: sorted unique keys, their values, and their estimated encoded size. */
export interface LeafPayload {
  readonly keys: Buffer[];
  readonly vals: Value[];
  /** Estimated encoded size of the entries (sizes the encoder's buffer). */
  readonly bytes: number;
}

/** What an internal base payload holds besides its child addresses: pivots and the buffer. */
export interface InternalPayload {
  readonly pivots: Buffer[];
  /** Point messages, sorted by key. */
  readonly msgs: readonly Msg[];
  /** Disjoint sorted range deletes. */
  readonly rdels: readonly Msg[];
  /** Estimated encoded size of the buffer (sizes the encoder's buffer). */
  readonly bufBytes: number;
}

/**
 * A decoded leaf, shaped as the tree's leaf node with its in-memory slots (`addr`, `search`)
 * unset (the reader sets `addr`), so every leaf object has one hidden class whichever module made it.
 */
export interface DecodedLeafNode extends LeafPayload {
  readonly kind: 'leaf';
  keys: Buffer[];
  vals: Value[];
  bytes: number;
  /** Null as decoded; the reader sets the address it read the leaf from. */
  addr: Address | null;
  search: null;
}
