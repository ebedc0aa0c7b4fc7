/** The results of a run (what --json writes), and the arithmetic on them: stats, ratios, targets. */
import { spread, type Sample, type Spread } from './harness';
import type { PeerName } from './peers/types';
import { TARGETS, type Target } from './targets';
import type { MetricColumn, MetricKey, WorkloadName } from './workloads/types';

/** One peer's outcome in one case. */
export interface PeerResult {
  readonly peer: PeerName;
  /** ok: measured; n/a: the peer cannot do it; skipped: the peer did not load; error: it threw. */
  readonly status: 'ok' | 'n/a' | 'skipped' | 'error';
  readonly reason?: string;
  readonly note?: string;
  /** Fingerprint of what the peer returned (equal across peers, or the run fails). */
  readonly answer?: string;
  readonly samples: readonly Sample[];
  /** Medians over the runs (per operation in per-op cases), for readers of the JSON. */
  readonly summary?: PeerSummary;
}

/** The medians of a peer's runs; NaN (null in JSON) where a counter is unavailable. */
export interface PeerSummary {
  readonly ms: Spread;
  readonly opsPerSecond: number;
  readonly writeBytes: number;
  readonly dirtiedBytes: number;
  readonly deviceBytes: number;
  readonly deviceFlushes: number;
  readonly fileGrowth: number;
  readonly peakRss: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/** One table. */
export interface CaseResult {
  readonly workload: WorkloadName;
  readonly id: string;
  readonly title: string;
  readonly method: string;
  readonly records: number;
  readonly perOp: boolean;
  readonly ratios: readonly MetricKey[];
  readonly columns: readonly MetricColumn[];
  readonly peers: readonly PeerResult[];
}

/** Where the run happened. */
export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryBytes: number;
  readonly node: string;
  readonly platform: string;
  readonly kernel: string;
  /** Block device and filesystem of the bench directory, e.g. "vda (ext4)". */
  readonly disk: string;
  readonly date: string;
}

/** One row of the summary. */
export interface TargetResult {
  /** The issue that set the target. */
  readonly issue: number;
  readonly label: string;
  /** e.g. "≤ 0.25" or "< 1 ms". */
  readonly goal: string;
  readonly value: number | null;
  readonly unit: 'ratio' | 'ms';
  readonly status: 'met' | 'missed' | 'n/a';
  readonly detail?: string;
}

/** Everything --json writes. */
export interface BenchReport {
  readonly format: 'thunderhead-bench/1';
  readonly machine: MachineInfo;
  readonly config: {
    readonly records: number;
    readonly small: number;
    readonly runs: number;
    readonly quick: boolean;
    readonly strict: boolean;
    readonly peers: readonly PeerName[];
    readonly workloads: readonly WorkloadName[];
    /** Peak RSS is per run (clear_refs) rather than the process's lifetime peak. */
    readonly peakRssPerRun: boolean;
  };
  readonly startedAt: string;
  readonly durationMs: number;
  readonly cases: readonly CaseResult[];
  readonly targets: readonly TargetResult[];
}

const PER_OP: ReadonlySet<MetricKey> = new Set<MetricKey>(['ms', 'writeBytes', 'dirtiedBytes', 'deviceBytes', 'deviceFlushes', 'fileGrowth', 'metric:appended']);

/** A metric of one sample; divided by the sample's ops when the case is per-op and the metric is a total. */
export function metricOf(sample: Sample, key: MetricKey, perOp: boolean): number | null {
  let v: number | null | undefined;
  if (key.startsWith('metric:')) v = sample.metrics[key.slice('metric:'.length)];
  else v = sample[key as Exclude<MetricKey, `metric:${string}`>];
  if (v === undefined || v === null || !Number.isFinite(v)) return null;
  return perOp && PER_OP.has(key) ? v / sample.ops : v;
}

/** Median/min/max of a metric over a peer's runs. */
export function statOf(result: PeerResult, key: MetricKey, perOp: boolean): Spread {
  return spread(result.samples.map((s) => metricOf(s, key, perOp)));
}

/** Medians of one peer's samples (per operation when `perOp`). */
export function summarize(samples: readonly Sample[], perOp: boolean): PeerSummary {
  const med = (key: MetricKey): number => spread(samples.map((s) => metricOf(s, key, perOp))).median;
  const ms = spread(samples.map((s) => metricOf(s, 'ms', perOp)));
  const names = [...new Set(samples.flatMap((s) => Object.keys(s.metrics)))];
  return {
    ms,
    opsPerSecond: perOp ? 1000 / ms.median : ((samples[0]?.ops ?? 0) * 1000) / ms.median,
    writeBytes: med('writeBytes'),
    dirtiedBytes: med('dirtiedBytes'),
    deviceBytes: med('deviceBytes'),
    deviceFlushes: med('deviceFlushes'),
    fileGrowth: med('fileGrowth'),
    peakRss: spread(samples.map((s) => s.peakRss)).median,
    metrics: Object.fromEntries(names.map((n) => [n, med(`metric:${n}`)])),
  };
}

/** Median Thunderhead / median peer of a metric in one case, or null when either is missing. */
export function ratioOf(c: CaseResult, key: MetricKey, peer: PeerName): number | null {
  const th = c.peers.find((p) => p.peer === 'thunderhead');
  const other = c.peers.find((p) => p.peer === peer);
  if (th?.status !== 'ok' || other?.status !== 'ok') return null;
  const a = statOf(th, key, c.perOp).median;
  const b = statOf(other, key, c.perOp).median;
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return a / b;
}

function thMedian(c: CaseResult | undefined, key: MetricKey): number | null {
  const th = c?.peers.find((p) => p.peer === 'thunderhead');
  if (!c || th?.status !== 'ok') return null;
  const m = statOf(th, key, c.perOp).median;
  return Number.isFinite(m) ? m : null;
}

/** Evaluates one target against the cases of a run. */
export function evaluateTarget(target: Target, cases: readonly CaseResult[]): TargetResult {
  const c = cases.find((x) => x.id === target.caseId);
  const finish = (value: number | null, unit: 'ratio' | 'ms', goal: string, detail?: string): TargetResult => ({
    issue: target.issue,
    label: target.label,
    goal,
    value,
    unit,
    status: value === null ? 'n/a' : (target.kind === 'absolute' ? value < target.max : value <= target.max) ? 'met' : 'missed',
    ...(detail ? { detail } : {}),
  });
  if (target.kind === 'vs') {
    return finish(c ? ratioOf(c, target.metric, target.peer) : null, 'ratio', `≤ ${target.max}`);
  }
  if (target.kind === 'scale') {
    const large = thMedian(c, target.metric);
    const base = cases.find((x) => x.id === target.baseCaseId);
    const small = thMedian(base, target.metric);
    const value = large !== null && small !== null && small > 0 ? large / small : null;
    return finish(value, 'ratio', `≤ ${target.max}`, c && base ? `${c.records} vs ${base.records} records` : undefined);
  }
  return finish(thMedian(c, target.metric), 'ms', `< ${target.max} ms`);
}

/** Every target of issues 4 and 19 against a run. */
export function evaluateTargets(cases: readonly CaseResult[]): TargetResult[] {
  return TARGETS.map((t) => evaluateTarget(t, cases));
}
