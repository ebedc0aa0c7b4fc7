/** Diffs between two versions as the store hands them out: key-level changes with lazy values, counts, node sharing. */
import { diffTrees, structuralDiff, type RawChange } from '../diff/diff';
import { emptyRange } from '../tree/keys';
import { BlobRef } from '../tree/node';
import { addressView } from './address-view';
import { resolveVersion } from './catalog';
import type { NodeStore } from './nodes';
import type { StoreCore } from './store-core';
import type { AddressView, DiffChange, DiffOptions, DiffSummary } from './store-types';
import { rangeBounds } from './view';

/** A raw change as plain data; the values of large records are read when asked for. O(1). */
export function changeView(c: RawChange, nodes: NodeStore): DiffChange {
  const read = (v: BlobRef | Buffer | null): Buffer | null => (v === null ? null : v instanceof BlobRef ? nodes.readBlob(v) : Buffer.from(v));
  return {
    key: Buffer.from(c.key),
    type: c.type,
    get before() {
      return read(c.before);
    },
    get after() {
      return read(c.after);
    },
    beforeLength: c.before ? c.before.length : null,
    afterLength: c.after ? c.after.length : null,
  };
}

/** Yields the items of `it`, giving the event loop a turn every 512. O(1) per item. */
export async function* asyncIterate<T>(it: Iterable<T>): AsyncGenerator<T> {
  let n = 0;
  for (const x of it) {
    yield x;
    if (++n % 512 === 0) await new Promise<void>((r) => setImmediate(r));
  }
}

/**
 * Key-level changes from version `a` to version `b` (ids, snapshot or branch names), in key
 * order. Walks both trees together and skips every subtree that is shared with the same
 * buffered messages above it, so the cost grows with the changes, not the store:
 * O(changes · height) node reads when changes are sparse.
 */
export function diffVersions(core: StoreCore, a: number | string, b: number | string, opts: DiffOptions = {}): IterableIterator<DiffChange> {
  const va = resolveVersion(core, a);
  const vb = resolveVersion(core, b);
  const { lo, hi } = rangeBounds(opts);
  if (emptyRange(lo, hi)) return [][Symbol.iterator]();
  core.lastDiff = { subtreesSkipped: 0, regionsScanned: 0 };
  const nodes = core.nodes;
  const raw = diffTrees(nodes, va.root, vb.root, lo, hi, core.lastDiff);
  return (function* (): Generator<DiffChange> {
    for (const c of raw) yield changeView(c, nodes);
  })();
}

/** Counts added / removed / changed keys without keeping values. Same cost as {@link diffVersions}. */
export function diffSummary(core: StoreCore, a: number | string, b: number | string, opts: DiffOptions = {}): DiffSummary {
  const s = { added: 0, removed: 0, changed: 0 };
  for (const c of diffVersions(core, a, b, opts)) s[c.type]++;
  return s;
}

/**
 * Node-level sharing between two versions, for drawing: each node reachable from either root
 * marked shared / only-left / only-right (a shared node's subtree is not listed). O(changed nodes · fanout).
 */
export function structuralDiffOf(core: StoreCore, a: number | string, b: number | string): { address: AddressView; side: 'shared' | 'left' | 'right' }[] {
  const va = resolveVersion(core, a);
  const vb = resolveVersion(core, b);
  return structuralDiff(core.nodes, va.root, vb.root).map((n) => ({ address: addressView(n.address), side: n.side }));
}

