import { IdHeap } from './id-heap';

/** The parents of a version, or undefined when the catalog has no such version. */
export type ParentsOf = (id: number) => readonly number[] | undefined;

/**
 * The best common ancestor of versions `a` and `b` in the lineage (the parents DAG), or null
 * when they share none (their common history was compacted away, or they were never related).
 *
 * Walks back from both at once, newest version first (a max-heap on the id), marking each
 * version with the sides it is reachable from; the first version reached from both is the
 * answer. Parents are always older than their children, so that version is the common ancestor
 * with the highest id, which is never an ancestor of another common ancestor: a *best* common
 * ancestor. When there are several best ones (criss-cross merges), the newest one wins: that is
 * the deterministic tie-break. If `a` is an ancestor of `b` the answer is `a`.
 *
 * Compaction relinks a kept version whose parent it dropped to its nearest kept ancestor, so a
 * base that was compacted away is replaced by the nearest kept version both sides descend from.
 *
 * O(v log v) for the v versions newer than the base that the walk passes, all in memory.
 */
export function mergeBase(parentsOf: ParentsOf, a: number, b: number): number | null {
  if (a === b) return a;
  const A = 1;
  const B = 2;
  const marks = new Map<number, number>([[a, A], [b, B]]);
  const heap = new IdHeap();
  heap.push(a);
  heap.push(b);
  // Newest first: when a version is popped every younger one was, so its marks are final.
  while (heap.size > 0) {
    const id = heap.pop();
    const m = marks.get(id) as number;
    if (m === (A | B)) return id;
    for (const p of parentsOf(id) ?? []) {
      const before = marks.get(p);
      if (before === undefined) {
        marks.set(p, m);
        heap.push(p);
      } else marks.set(p, before | m);
    }
  }
  return null;
}
