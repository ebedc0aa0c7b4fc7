/** Every workload, in the order. */
import { bulkInsert } from './bulk-insert';
import { coldReads } from './cold-reads';
import { counts } from './count';
import { diff } from './diff';
import { durableCommits } from './durable-commits';
import { fileSize } from './file-size';
import { fullScan } from './full-scan';
import { randomDeletes } from './random-deletes';
import { rangeScans } from './range-scans';
import { snapshot } from './snapshot';
import type { Workload, WorkloadName } from './types';
import { warmReads } from './warm-reads';

export type { CaseSpec, MetricColumn, MetricKey, PeerOutcome, Workload, WorkloadName } from './types';
export { WORKLOAD_NAMES } from './types';

/** The workloads by name. */
export const WORKLOADS: Readonly<Record<WorkloadName, Workload>> = {
  'bulk-insert': bulkInsert,
  'durable-commits': durableCommits,
  'warm-reads': warmReads,
  'cold-reads': coldReads,
  'full-scan': fullScan,
  'range-scans': rangeScans,
  'random-deletes': randomDeletes,
  snapshot,
  diff,
  'file-size': fileSize,
  count: counts,
};
