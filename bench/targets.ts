/**
 * The targets of issue 4, as data: each compares a Thunderhead median with a peer's median in the
 * same run, with Thunderhead at another size, or with an absolute bound.
 */
import type { PeerName } from './peers/types';
import type { MetricKey } from './workloads/types';

/** The issue that set a target (4: the first performance issue; 19: honest reads, bulk load, cold reads, memory). */
export type TargetIssue = 4 | 19;

/** One target row of the summary table. */
export type Target =
  | { readonly kind: 'vs'; readonly issue: TargetIssue; readonly label: string; readonly caseId: string; readonly metric: MetricKey; readonly peer: PeerName; readonly max: number }
  | { readonly kind: 'scale'; readonly issue: TargetIssue; readonly label: string; readonly caseId: string; readonly baseCaseId: string; readonly metric: MetricKey; readonly max: number }
  | { readonly kind: 'absolute'; readonly issue: TargetIssue; readonly label: string; readonly caseId: string; readonly metric: MetricKey; readonly max: number; readonly unit: 'ms' };

/** Issue 4's table, in its order, then issue 19's (whose read targets apply to the per-key and batched rows, not the sorted batch). "Ratio" is Thunderhead / other; below 1 means Thunderhead is faster or smaller. */
export const TARGETS: readonly Target[] = [
  { kind: 'vs', issue: 4, label: 'bulk random insert vs lmdb', caseId: 'bulk-insert', metric: 'ms', peer: 'lmdb', max: 1.0 },
  { kind: 'vs', issue: 4, label: 'bulk random insert vs classic-level', caseId: 'bulk-insert', metric: 'ms', peer: 'classic-level', max: 0.25 },
  { kind: 'vs', issue: 4, label: 'durable single-put commit latency vs lmdb', caseId: 'durable-commits', metric: 'ms', peer: 'lmdb', max: 0.7 },
  { kind: 'vs', issue: 4, label: 'device bytes per single-put commit vs lmdb', caseId: 'durable-commits', metric: 'deviceBytes', peer: 'lmdb', max: 0.35 },
  { kind: 'vs', issue: 4, label: 'warm random reads, per key, vs lmdb getBinaryFast', caseId: 'warm-reads-per-key', metric: 'ms', peer: 'lmdb', max: 1.5 },
  { kind: 'vs', issue: 4, label: 'warm random reads, batches of 1,000, vs classic-level getMany', caseId: 'warm-reads-batch', metric: 'ms', peer: 'classic-level', max: 0.3 },
  { kind: 'vs', issue: 4, label: 'full scan vs lmdb getRange', caseId: 'full-scan', metric: 'ms', peer: 'lmdb', max: 1.0 },
  { kind: 'vs', issue: 4, label: 'file size after the load vs lmdb', caseId: 'file-size', metric: 'metric:afterLoad', peer: 'lmdb', max: 0.7 },
  { kind: 'scale', issue: 4, label: 'snapshot: large store vs small store (ours)', caseId: 'snapshot-large', baseCaseId: 'snapshot-small', metric: 'ms', max: 2 },
  { kind: 'absolute', issue: 4, label: 'snapshot of the large store', caseId: 'snapshot-large', metric: 'ms', max: 1, unit: 'ms' },
  { kind: 'vs', issue: 4, label: 'snapshot vs lmdb backup', caseId: 'snapshot-large', metric: 'ms', peer: 'lmdb', max: 0.02 },
  { kind: 'scale', issue: 4, label: 'diff of 100 changes: large vs small store (ours)', caseId: 'diff-large', baseCaseId: 'diff-small', metric: 'ms', max: 3 },
  { kind: 'vs', issue: 4, label: 'diff of 100 changes vs sorted-btree diffAgainst', caseId: 'diff-large', metric: 'ms', peer: 'sorted-btree', max: 0.5 },
  { kind: 'vs', issue: 19, label: 'warm random reads, per key, vs lmdb getBinaryFast', caseId: 'warm-reads-per-key', metric: 'ms', peer: 'lmdb', max: 1.2 },
  { kind: 'vs', issue: 19, label: 'warm random reads, batches of 1,000, vs classic-level getMany', caseId: 'warm-reads-batch', metric: 'ms', peer: 'classic-level', max: 0.5 },
  { kind: 'vs', issue: 19, label: 'bulk random insert vs lmdb', caseId: 'bulk-insert', metric: 'ms', peer: 'lmdb', max: 1.0 },
  { kind: 'vs', issue: 19, label: 'bulk random insert vs classic-level', caseId: 'bulk-insert', metric: 'ms', peer: 'classic-level', max: 0.5 },
  { kind: 'vs', issue: 19, label: 'cold random reads vs lmdb', caseId: 'cold-reads', metric: 'ms', peer: 'lmdb', max: 1.0 },
  { kind: 'vs', issue: 19, label: 'peak RSS during the bulk load vs lmdb', caseId: 'bulk-insert', metric: 'peakRss', peer: 'lmdb', max: 1.0 },
  { kind: 'vs', issue: 19, label: 'durable single-put commit latency vs lmdb', caseId: 'durable-commits', metric: 'ms', peer: 'lmdb', max: 0.55 },
];
