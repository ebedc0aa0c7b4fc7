/**
 * `records.count`: the exact number of records in a range, and a mark every `every` positions
 * so the records list can reach any position of the range (a scrollbar that covers the whole
 * range, End that goes to the real end). The engine's `count(range)` is the same O(n) cursor
 * pass but synchronous; this one runs as a job, a slice at a time, with progress and cancel,
 * and decodes no value (keys are turned into hex only at the marks).
 */
import type { AtVersion, CountResult, RangeInput } from '../contract';
import type { Store } from './engine';
import type { JobContext } from './jobs';
import { rangeOptions } from './keys';
import { readerAt } from './time-travel';
import { toHex } from './contract-data';

/** Records between two checkpoints: the cost of a checkpoint call is amortised over these. */
const STEP = 1024;

/**
 * Counts `range` in the head version (or `at`), in scan order, marking the key that ends each
 * block of `every`. O(records in range) cursor steps; memory O(records / every) for the marks.
 */
export async function countRange(store: Store, range: RangeInput | undefined, every: number, job: JobContext, at?: AtVersion): Promise<CountResult> {
  const reader = readerAt(store, at);
  const marks: string[] = [];
  let count = 0;
  for (const entry of reader.scan(rangeOptions(range))) {
    count += 1;
    if (count % every === 0) marks.push(toHex(entry.key));
    if (count % STEP === 0) {
      job.progress(count, -1, 'records');
      await job.checkpoint();
    }
  }
  job.progress(count, count, 'done');
  return { count, version: reader.version, every, marks };
}
