/** The shape of a workload: one or more cases, each run for every peer. */
import type { BenchContext } from '../context';
import type { Dataset } from '../data';
import type { Sample } from '../harness';
import type { PeerFactory } from '../peers/types';

/** Workload names, in the order the issue lists them (and the CLI accepts for --only). */
export const WORKLOAD_NAMES = [
  'bulk-insert',
  'durable-commits',
  'warm-reads',
  'cold-reads',
  'full-scan',
  'range-scans',
  'random-deletes',
  'snapshot',
  'diff',
  'file-size',
  'count',
] as const;

/** One workload name. */
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

/** A numeric field of a {@link Sample} or a key of its `metrics`. */
export type MetricKey = 'ms' | 'writeBytes' | 'dirtiedBytes' | 'deviceBytes' | 'deviceFlushes' | 'fileGrowth' | 'peakRss' | `metric:${string}`;

/** An extra column of a case's table. */
export interface MetricColumn {
  readonly key: MetricKey;
  readonly label: string;
  readonly unit: 'ms' | 'bytes' | 'count';
}

/** One table: a workload at one size. */
export interface CaseSpec {
  /** Stable id used by targets and JSON (e.g. "snapshot-large"). */
  readonly id: string;
  /** Human title, e.g. "snapshot of a 1M-record store". */
  readonly title: string;
  readonly data: Dataset;
  /** Show time and bytes per operation (durable commits) instead of per run. */
  readonly perOp?: boolean;
  /** The metric the "Thunderhead / peer" ratio is taken on first (default `ms`). */
  readonly ratios?: readonly MetricKey[];
  /** Extra columns shown after the standard ones. */
  readonly columns?: readonly MetricColumn[];
  /** How the numbers were obtained (printed under the table). */
  readonly method: string;
}

/** What one peer produced for one case. */
export type PeerOutcome =
  | { readonly status: 'ok'; readonly samples: readonly Sample[]; readonly answer: string; readonly note?: string }
  | { readonly status: 'n/a'; readonly reason: string };

/** A benchmark workload (one file each in bench/workloads/). */
export interface Workload {
  readonly name: WorkloadName;
  cases(ctx: BenchContext): CaseSpec[];
  run(ctx: BenchContext, factory: PeerFactory, spec: CaseSpec): Promise<PeerOutcome>;
}
