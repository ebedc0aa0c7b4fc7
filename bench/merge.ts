/**
 * Merge workload (issue 17): a three-way merge of two branches that each changed 1,000 records
 * since the fork — `changes - shared` keys on one side only, `shared` keys on both (different
 * fields of the same document, so they merge field by field) — in a store of 10k and of 1M
 * records, beside the diff rows. Values are MessagePack maps of about 150 bytes.
 *
 * No peer merges branches, so this runs outside the peer harness:
 * `npm run bench -- --only merge`, or `node --import tsx bench/merge.ts [--quick]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { encodeValue, Store } from '../engine/index';
import { makeDataset } from './data';
import { median } from './harness';

/** Options of {@link mergeBench}. */
export interface MergeBenchOptions {
  /** Records loaded before the fork. */
  readonly records: number;
  /** Records each branch changes after the fork. Default 1,000. */
  readonly changes?: number;
  /** Of those, records both branches change (different fields). Default 100. */
  readonly shared?: number;
  /** Timed merges (the branch is reset to its head before each). Default 3. */
  readonly runs?: number;
  /** Where the store goes (a temporary directory inside it, removed afterwards). */
  readonly dir?: string;
}

/** What the workload measured. */
export interface MergeBenchResult {
  readonly records: number;
  readonly changes: number;
  readonly shared: number;
  /** Wall-clock of each durable `merge` call, ms, and their median. */
  readonly runsMs: readonly number[];
  readonly medianMs: number;
  /** CPU time (user + system) of each merge call, ms, and their median: on a shared machine the wall clock includes other processes' turns. */
  readonly cpuMs: readonly number[];
  readonly medianCpuMs: number;
  /** The same merge with `dryRun` (the two diffs and the value merges, no commit): median wall and CPU ms. */
  readonly dryRunMs: number;
  readonly dryRunCpuMs: number;
  /** Node loads (cache hits included) and block reads of one merge (the last run). */
  readonly nodeVisits: number;
  readonly blockReads: number;
  readonly fsyncs: number;
  /** Keys the merge wrote and the height of the tree. */
  readonly written: number;
  readonly height: number;
}

/** A document of the workload: `a` is what ours changes, `b` what theirs changes. */
function doc(i: number, a: number, b: number): Buffer {
  return encodeValue({ n: i, a, b, pad: 'x'.repeat(120) });
}

/** Loads, forks, changes both sides and times the merge. O(records) to build; the merge is what is timed. */
export function mergeBench(opts: MergeBenchOptions): MergeBenchResult {
  const records = opts.records;
  const changes = opts.changes ?? 1000;
  const shared = opts.shared ?? 100;
  const runs = opts.runs ?? 3;
  if (changes * 2 - shared > records) throw new Error(`merge bench: ${records} records cannot hold ${changes} + ${changes} changes`);
  const root = mkdtempSync(join(opts.dir ?? tmpdir(), 'th-bench-merge-'));
  try {
    const data = makeDataset(records);
    const store = Store.create(join(root, 'store.th'), { durable: false });
    try {
      store.write((tx) => {
        for (let i = 0; i < records; i++) tx.put(data.keys[i], doc(i, 0, 0));
      });
      store.branch('topic');
      // Spread over the whole key space: every `stride`-th record (keys are random, so their order is too).
      const stride = Math.floor(records / (changes * 2 - shared));
      const pick = (j: number): number => j * stride;
      store.write((tx) => {
        for (let j = 0; j < changes; j++) tx.put(data.keys[pick(j)], doc(pick(j), 1, 0));
      });
      const tx = store.begin({ branch: 'topic' });
      for (let j = changes - shared; j < 2 * changes - shared; j++) tx.put(data.keys[pick(j)], doc(pick(j), 0, 1));
      tx.commit();
      store.close();
      const durable = Store.open(join(root, 'store.th'));
      try {
        const ours = durable.head().id;
        const samples: number[] = [];
        const cpu: number[] = [];
        let io = { nodeVisits: 0, blockReads: 0, fsyncs: 0 };
        let written = 0;
        for (let r = 0; r < runs; r++) {
          if (r > 0) durable.resetBranch('main', ours);
          const before = { ...durable.io };
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          const result = durable.merge('topic');
          samples.push(performance.now() - t0);
          const c = process.cpuUsage(c0);
          cpu.push((c.user + c.system) / 1000);
          if (result.status !== 'merged') throw new Error(`merge bench: merge ended ${result.status}`);
          io = { nodeVisits: durable.io.nodeVisits - before.nodeVisits, blockReads: durable.io.blockReads - before.blockReads, fsyncs: durable.io.fsyncs - before.fsyncs };
          written = result.changes.filter((c) => c.from !== 'both').length;
        }
        durable.resetBranch('main', ours);
        const dryWall: number[] = [];
        const dryCpu: number[] = [];
        for (let r = 0; r < runs; r++) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          const dry = durable.merge('topic', { dryRun: true });
          dryWall.push(performance.now() - t0);
          const c = process.cpuUsage(c0);
          dryCpu.push((c.user + c.system) / 1000);
          if (dry.status !== 'dry-run') throw new Error(`merge bench: dry run ended ${dry.status}`);
        }
        return { records, dryRunMs: median(dryWall), dryRunCpuMs: median(dryCpu), changes, shared, runsMs: samples, medianMs: median([...samples]), cpuMs: cpu, medianCpuMs: median([...cpu]), ...io, written, height: durable.info().height };
      } finally {
        durable.close();
      }
    } finally {
      store.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The results as a table for the terminal and docs/BENCHMARKS.md. */
export function mergeReport(results: readonly MergeBenchResult[]): string {
  const lines = [
    '| case | records | height | merge median (wall) | median CPU | runs (wall) | dry run (wall / CPU) | node visits | block reads | fdatasync | keys written |',
    '|:---|---:|---:|---:|---:|:---|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    lines.push(
      `| merge ${r.changes.toLocaleString('en')} + ${r.changes.toLocaleString('en')} changes (${r.shared} on both sides) | ${r.records.toLocaleString('en')} | ${r.height} | ${r.medianMs.toFixed(1)} ms | ${r.medianCpuMs.toFixed(1)} ms | ${r.runsMs.map((x) => x.toFixed(1)).join(' / ')} | ${r.dryRunMs.toFixed(1)} / ${r.dryRunCpuMs.toFixed(1)} ms | ${r.nodeVisits} | ${r.blockReads} | ${r.fsyncs} | ${r.written} |`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  try {
    const sizes = quick ? [10_000] : [10_000, 1_000_000];
    process.stdout.write(`${mergeReport(sizes.map((records) => mergeBench({ records })))}\n`);
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
