import type { VersionEntry } from '../format/catalog-codec';
import { boundedRangeLog, type DeletedRange, type RangeDeleteLog } from '../format/range-log';
import { joinRanges } from '../tree/key-ranges';

/**
 * The range log a kept version carries into a compacted file. When compaction drops the
 * versions between it and its nearest kept ancestor (first parents), the kept version's edge
 * now stands for their changes too, so their range deletes are folded into its log: a merge
 * that walks the compacted lineage still sees every range deleted since a kept base. A dropped
 * version whose ranges are unknown (format 1/2), or that was itself a merge (its other side's
 * ranges are not walked), makes the log incomplete instead. Unchanged when no version between
 * was dropped. O(dropped versions between it and its kept ancestor + their ranges).
 */
export function compactedRangeLog(versions: ReadonlyMap<number, VersionEntry>, kept: ReadonlySet<number>, v: VersionEntry): RangeDeleteLog | undefined {
  const first = v.parents[0];
  if (first === undefined || kept.has(first) || !versions.has(first)) return v.rangeLog;
  let ranges: DeletedRange[] = [...(v.rangeLog?.ranges ?? [])];
  let complete = v.rangeLog?.complete ?? v.stats.rangeDeletes === 0;
  for (let id: number | undefined = first, d = versions.get(first); id !== undefined && d && !kept.has(id); id = d.parents[0], d = id === undefined ? undefined : versions.get(id)) {
    if (d.parents.length > 1) complete = false;
    if (d.stats.rangeDeletes === 0) continue;
    if (!d.rangeLog || !d.rangeLog.complete) complete = false;
    ranges = joinRanges([...ranges, ...(d.rangeLog?.ranges ?? [])]);
  }
  if (ranges.length === 0 && complete) return undefined;
  return boundedRangeLog(ranges, complete);
}
