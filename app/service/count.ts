/**
 * `records.count`: the exact number of records in a range. Without a query it is one engine
 * count (O(log n) node reads with the per-child counts internal nodes keep): no job slices, no
 * marks, since `records.pageAt` reaches any position directly. With `where` the matches can
 * only be found by reading every record of the range, so it runs as a job, a slice at a time,
 * with progress (matches so far: a lower bound of the total) and cancel, marking every
 * `every`-th match so the list can still reach any position of the filtered rows.
 */
import type { AtVersion, CountResult, RangeInput } from '../contract';
import type { Store } from './engine';
import type { JobContext } from './jobs';
import { rangeOptions } from './keys';
import { countIn } from './positions';
import { compileWhere, entryMatches } from './query';
import { readerAt } from './time-travel';
import { toHex } from './views';

/** Records read between checkpoints: the checkpoint's cost is amortised over these. */
const STEP = 1024;

/**
 * Counts `range` in the head version (or `at`), only records matching `where` when given.
 * Unfiltered: O(log n). Filtered: O(records in range) value decodes; memory O(matches / every).
 */
export async function countRange(store: Store, range: RangeInput | undefined, every: number, job: JobContext, at?: AtVersion, where?: string): Promise<CountResult> {
  const reader = readerAt(store, at);
  if (where === undefined) {
    const count = countIn(reader, rangeOptions(range));
    job.progress(count, count, 'done');
    return { count, version: reader.version, every, marks: [] };
  }
  const query = compileWhere(where, 'records');
  const marks: string[] = [];
  let count = 0;
  let read = 0;
  for (const entry of reader.scan(rangeOptions(range))) {
    read += 1;
    if (entryMatches(query, entry)) {
      count += 1;
      if (count % every === 0) marks.push(toHex(entry.key));
    }
    if (read % STEP === 0) {
      job.progress(count, -1, 'matching');
      await job.checkpoint();
    }
  }
  job.progress(count, count, 'done');
  return { count, version: reader.version, every, where, marks };
}
