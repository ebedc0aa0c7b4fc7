/**
 * The targets of issue 4, as data: each compares a Thunderhead median with a peer's median in the
 * same run, with Thunderhead at another size, or with an absolute bound.
 */
import type { PeerName } from './peers/types';
import type { MetricKey } from './workloads/types';

/** One target row of the summary table. */
export type Target =
  | { readonly kind: 'vs'; readonly label: string; readonly caseId: string; readonly metric: MetricKey; readonly peer: PeerName; readonly max: number }
  | { readonly kind: 'scale'; readonly label: string; readonly caseId: string; readonly baseCaseId: string; readonly metric: MetricKey; readonly max: number }
  | { readonly kind: 'absolute'; readonly label: string; readonly caseId: string; readonly metric: MetricKey; readonly max: number; readonly unit: 'ms' };

/** Issue 4's table, in its order. "Ratio" is Thunderhead / other; below 1 means Thunderhead is faster or smaller. */
export const TARGETS: readonly Target[] = [
  { kind: 'vs', label: 'bulk random insert vs lmdb', caseId: 'bulk-insert', metric: 'ms', peer: 'lmdb', max: 1.0 },
  { kind: 'vs', label: 'bulk random insert vs classic-level', caseId: 'bulk-insert', metric: 'ms', peer: 'classic-level', max: 0.25 },
  { kind: 'vs', label: 'durable single-put commit latency vs lmdb', caseId: 'durable-commits', metric: 'ms', peer: 'lmdb', max: 0.7 },
  { kind: 'vs', label: 'device bytes per single-put commit vs lmdb', caseId: 'durable-commits', metric: 'deviceBytes', peer: 'lmdb', max: 0.35 },
  { kind: 'vs', label: 'warm random reads vs lmdb getBinaryFast', caseId: 'warm-reads', metric: 'ms', peer: 'lmdb', max: 1.5 },
  { kind: 'vs', label: 'warm random reads vs classic-level getMany', caseId: 'warm-reads', metric: 'ms', peer: 'classic-level', max: 0.3 },
  { kind: 'vs', label: 'full scan vs lmdb getRange', caseId: 'full-scan', metric: 'ms', peer: 'lmdb', max: 1.0 },
  { kind: 'vs', label: 'file size after the load vs lmdb', caseId: 'file-size', metric: 'metric:afterLoad', peer: 'lmdb', max: 0.7 },
  { kind: 'scale', label: 'snapshot: large store vs small store (ours)', caseId: 'snapshot-large', baseCaseId: 'snapshot-small', metric: 'ms', max: 2 },
  { kind: 'absolute', label: 'snapshot of the large store', caseId: 'snapshot-large', metric: 'ms', max: 1, unit: 'ms' },
  { kind: 'vs', label: 'snapshot vs lmdb backup', caseId: 'snapshot-large', metric: 'ms', peer: 'lmdb', max: 0.02 },
  { kind: 'scale', label: 'diff of 100 changes: large vs small store (ours)', caseId: 'diff-large', baseCaseId: 'diff-small', metric: 'ms', max: 3 },
  { kind: 'vs', label: 'diff of 100 changes vs sorted-btree diffAgainst', caseId: 'diff-large', metric: 'ms', peer: 'sorted-btree', max: 0.5 },
];
