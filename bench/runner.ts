/**
 * Runs the benchmark programmatically: sizes, data, peers, workloads, one peer at a time, then
 * the agreement check and the targets. The CLI (run.ts) and the smoke test (bench.test.ts) both
 * call {@link runBench}.
 */
import { mkdtempSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { BenchContext, type BenchConfig } from './context';
import { makeDataset, prefix } from './data';
import { removePath } from './fsutil';
import { DeviceProbe, Meter, mountOf } from './harness';
import { PEER_NAMES, PEERS, type PeerName } from './peers';
import { evaluateTargets, summarize, type BenchReport, type CaseResult, type MachineInfo, type PeerResult } from './results';
import { WORKLOAD_NAMES, WORKLOADS, type WorkloadName } from './workloads';

/** Records in a full run. */
export const FULL_RECORDS = 1_000_000;

/** Options of {@link runBench}; every field optional. */
export interface BenchOptions {
  /** 1/10 of the full size. */
  readonly quick?: boolean;
  /** Overrides the main size (the small size is a hundredth of it, at least 100). */
  readonly records?: number;
  /** Measured runs per peer and case (default 3). */
  readonly runs?: number;
  /** Workloads to run (default all). */
  readonly only?: readonly WorkloadName[];
  /** Peers to run (default all; Thunderhead is skipped with a reason while the engine is missing). */
  readonly peers?: readonly PeerName[];
  /** Parent of the temporary directory that holds the stores (default os.tmpdir()). */
  readonly dir?: string;
  /** Hash every byte of returned records instead of a few (slower; tests). */
  readonly strict?: boolean;
  /** Progress lines. */
  readonly log?: (line: string) => void;
  /** Called with each finished table, before the next one starts. */
  readonly onCase?: (result: CaseResult) => void;
}

/** Peers returned different records for the same workload: a bug in a peer adapter or in a store. */
export class PeerDisagreementError extends Error {
  constructor(
    readonly caseId: string,
    readonly answers: Readonly<Record<string, string>>,
  ) {
    super(
      `peers disagree on ${caseId}: ${Object.entries(answers)
        .map(([p, a]) => `${p}=${a}`)
        .join(', ')}`,
    );
    this.name = 'PeerDisagreementError';
  }
}

function describeMachine(root: string, device: DeviceProbe | string): MachineInfo {
  const mount = mountOf(root);
  const disk = `${typeof device === 'string' ? 'unknown device' : device.name}${mount ? ` (${mount.fsType})` : ''}`;
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    kernel: release(),
    disk,
    date: new Date().toISOString(),
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs the selected workloads for the selected peers and returns every number. */
export async function runBench(options: BenchOptions = {}): Promise<BenchReport> {
  const started = Date.now();
  const log = options.log ?? ((): void => {});
  const records = options.records ?? (options.quick ? FULL_RECORDS / 10 : FULL_RECORDS);
  const small = Math.max(100, Math.round(records / 100));
  const runs = options.runs ?? 3;
  if (!Number.isInteger(records) || records < 200) throw new RangeError(`records must be an integer ≥ 200, got ${records}`);
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`runs must be a positive integer, got ${runs}`);
  const workloads = options.only?.length ? WORKLOAD_NAMES.filter((w) => options.only!.includes(w)) : [...WORKLOAD_NAMES];
  const peers = options.peers?.length ? PEER_NAMES.filter((p) => options.peers!.includes(p)) : [...PEER_NAMES];

  const root = mkdtempSync(join(resolve(options.dir ?? tmpdir()), 'thunderhead-bench-'));
  const device = DeviceProbe.forPath(root);
  const meter = new Meter(typeof device === 'string' ? null : device);
  if (typeof device === 'string') log(`device counters unavailable: ${device}`);
  const config: BenchConfig = { records, small, runs, scale: records / FULL_RECORDS, strict: options.strict ?? false, root };
  const cases: CaseResult[] = [];
  let ctx: BenchContext | undefined;
  try {
    const skipped = new Map<PeerName, string>();
    for (const name of peers) {
      const loaded = await PEERS[name].load().catch((e: unknown) => `failed to load: ${errorMessage(e)}`);
      if (loaded !== true) {
        skipped.set(name, loaded);
        log(`${name} skipped: ${loaded}`);
      }
    }
    log(`generating ${records} records (${small} for the small size) in ${root}`);
    const data = makeDataset(records);
    ctx = new BenchContext(config, data, prefix(data, small), meter, log);

    for (const name of workloads) {
      const workload = WORKLOADS[name];
      for (const spec of workload.cases(ctx)) {
        log(`${spec.id}: ${spec.title}`);
        const results: PeerResult[] = [];
        for (const peer of peers) {
          const reason = skipped.get(peer);
          if (reason) {
            results.push({ peer, status: 'skipped', reason, samples: [] });
            continue;
          }
          try {
            const outcome = await workload.run(ctx, PEERS[peer], spec);
            if (outcome.status === 'ok') {
              results.push({
                peer,
                status: 'ok',
                answer: outcome.answer,
                samples: outcome.samples,
                summary: summarize(outcome.samples, spec.perOp ?? false),
                ...(outcome.note ? { note: outcome.note } : {}),
              });
              const ms = outcome.samples.map((s) => s.ms).sort((a, b) => a - b);
              log(`  ${peer}: ${ms.map((x) => x.toFixed(x < 10 ? 3 : 0)).join(' / ')} ms`);
            } else {
              results.push({ peer, status: 'n/a', reason: outcome.reason, samples: [] });
            }
          } catch (error) {
            if (error instanceof PeerDisagreementError) throw error;
            results.push({ peer, status: 'error', reason: errorMessage(error), samples: [] });
            log(`  ${peer}: ERROR ${errorMessage(error)}`);
          }
        }
        const result: CaseResult = {
          workload: name,
          id: spec.id,
          title: spec.title,
          method: spec.method,
          records: spec.data.size,
          perOp: spec.perOp ?? false,
          ratios: spec.ratios ?? ['ms'],
          columns: spec.columns ?? [],
          peers: results,
        };
        cases.push(result);
        options.onCase?.(result);
        const answers = Object.fromEntries(results.filter((r) => r.status === 'ok').map((r) => [r.peer, r.answer ?? '']));
        if (new Set(Object.values(answers)).size > 1) throw new PeerDisagreementError(spec.id, answers);
      }
    }
  } finally {
    ctx?.dispose();
    removePath(root);
  }

  return {
    format: 'thunderhead-bench/1',
    machine: describeMachine(options.dir ?? tmpdir(), device),
    config: { records, small, runs, quick: options.quick ?? false, strict: config.strict, peers, workloads, peakRssPerRun: meter.rss.perSection },
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    cases,
    targets: evaluateTargets(cases),
  };
}
