import type { DeletedRange, RangeDeleteLog } from '../format/range-log';
import { joinRanges } from '../tree/key-ranges';
import { IdHeap } from './id-heap';
import { compareKeys } from '../tree/keys';

/** The range log of a version (a complete empty one when it deleted none), or undefined when the catalog has no such version. */
export type RangesOf = (id: number) => RangeDeleteLog | undefined;

/** The parents of a version, or undefined when the catalog has no such version. */
type ParentsOf = (id: number) => readonly number[] | undefined;

/** Every range one side of a merge deleted since the base, and whether that list is complete. */
export interface SideRanges {
  /** Sorted, disjoint (overlapping and touching ranges joined). */
  readonly ranges: readonly DeletedRange[];
  /** False when a version on that side has unrecorded range deletes (format 1/2, or over the record's bound). */
  readonly known: boolean;
}

/**
 * The ranges deleted by the versions reachable from `head` but not from `base` (git's
 * `base..head`): the commits one side made since the fork. Walks newest first (a max-heap on
 * the id, parents being older than their children), painting versions reachable from `base`
 * as it goes, and stops once every version still queued is reachable from `base`. So it visits
 * the versions since the fork and, at most, the base's own ancestors as old as the oldest of
 * them: O(v log v + r log r) for v versions visited and r ranges, all in memory (the catalog's
 * version index), no node read.
 */
export function rangesSince(parentsOf: ParentsOf, rangesOf: RangesOf, head: number, base: number): SideRanges {
  const HEAD = 1;
  const BASE = 2;
  const marks = new Map<number, number>([[head, HEAD], [base, BASE]]);
  const queue = new IdHeap();
  queue.push(head);
  if (base !== head) queue.push(base);
  let headOnly = base === head ? 0 : 1;
  const all: DeletedRange[] = [];
  let known = true;
  while (headOnly > 0 && queue.size > 0) {
    const id = queue.pop();
    const m = marks.get(id) as number;
    if (m === HEAD) {
      headOnly--;
      const log = rangesOf(id);
      if (!log || !log.complete) known = false;
      if (log) all.push(...log.ranges);
    }
    for (const p of parentsOf(id) ?? []) {
      const before = marks.get(p);
      const after = (before ?? 0) | m;
      if (before === undefined) queue.push(p);
      if (before === HEAD && after !== HEAD) headOnly--;
      if (before !== HEAD && after === HEAD) headOnly++;
      marks.set(p, after);
    }
  }
  return { ranges: joinRanges(all), known };
}

/** Whether `key` lies in one of `ranges` (sorted, disjoint). O(log ranges). */
export function inRanges(ranges: readonly DeletedRange[], key: Uint8Array): boolean {
  let lo = 0;
  let hi = ranges.length;
  // The last range starting at or before the key is the only one that can hold it.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareKeys(ranges[mid].from, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return false;
  const r = ranges[lo - 1];
  return r.to === null || compareKeys(key, r.to) < 0;
}
