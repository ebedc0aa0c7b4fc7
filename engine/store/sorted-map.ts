import BTreeModule from 'sorted-btree';
import type BTree from 'sorted-btree';

/**
 * The in-memory sorted map a transaction keeps its settled point writes in (sorted-btree's
 * B+tree). Construct with `compareKeys` for byte-string keys. get/set/delete O(log n).
 *
 * sorted-btree is CommonJS: depending on the loader its class is the module itself or its
 * `default` property, so the class is picked here once.
 */
export const SortedMap = (BTreeModule as unknown as { default?: typeof BTreeModule }).default ?? BTreeModule;

/** The sorted map's type (sorted-btree's `BTree`). */
export type SortedMap<K, V> = BTree<K, V>;
