import type { DeletedRange } from '../format/range-log';
import { compareKeys } from './keys';

/** Sorted disjoint union of ranges: overlapping or touching ones joined. Sorts its argument. O(n log n). */
export function joinRanges(ranges: DeletedRange[]): DeletedRange[] {
  ranges.sort((x, y) => compareKeys(x.from, y.from));
  const out: DeletedRange[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && (last.to === null || compareKeys(r.from, last.to) <= 0)) {
      const to = last.to === null || r.to === null ? null : compareKeys(last.to, r.to) >= 0 ? last.to : r.to;
      out[out.length - 1] = { from: last.from, to };
    } else out.push(r);
  }
  return out;
}
