/**
 * `npm run bench [-- flags]`: runs the peer benchmarks and prints a table per workload and a
 * summary of the issue's targets. See `--help`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { renderText, caseTable, summaryText, toMarkdown } from './report';
import type { BenchReport, CaseResult } from './results';
import { PEER_NAMES, type PeerName } from './peers';
import { runBench, type BenchOptions } from './runner';
import { WORKLOAD_NAMES, type WorkloadName } from './workloads';

const HELP = `usage: npm run bench -- [flags]

  --quick            1/10 size (100k records instead of 1M)
  --records N        main size N (overrides --quick); the small size is N/100
  --runs N           measured runs per peer and workload (default 3; median, min, max)
  --only NAME        workloads to run; repeat or comma-separate
                     (${WORKLOAD_NAMES.join(', ')}, locks, snapshot-commits, merge, filtered-scan)
  --peers NAME       peers to run; repeat or comma-separate (${PEER_NAMES.join(', ')})
  --dir DIR          where the stores go (a temporary directory inside DIR, removed afterwards;
                     default: the OS temp directory)
  --json FILE        write every number to FILE
  --markdown FILE    write the tables and machine info as Markdown (docs/BENCHMARKS.md)
  --from-json FILE   do not run; render FILE (a previous --json) to --markdown and the terminal
  --strict           hash every byte returned (slower; what the tests do)
  --help             this text`;

/** A mistake in the command line; printed as one line, exit code 2. */
class UsageError extends Error {}

interface Cli {
  readonly bench: BenchOptions;
  readonly json?: string;
  readonly markdown?: string;
  readonly fromJson?: string;
  readonly help: boolean;
  /** Run the lock workloads (bench/locks.ts): in a full run, or when --only names \`locks\`. */
  readonly locks: boolean;
  /** --only named nothing but \`locks\`/\`snapshot-commits\`: skip the peer harness. */
  readonly locksOnly: boolean;
  /** Run the snapshot-commit workloads (bench/snapshot-commits.ts): in a full run, or when --only names them. */
  readonly snapshotCommits: boolean;
  /** Run the merge workload (bench/merge.ts): in a full run, or when --only names \`merge\`. */
  readonly merge: boolean;
  /** Run the filtered-scan workload (bench/filtered-scan.ts): in a full run, or when --only names it. */
  readonly filteredScan: boolean;
}

function positiveInt(flag: string, raw: string | undefined): number {
  if (raw === undefined || !/^\d+$/.test(raw) || Number(raw) < 1) throw new UsageError(`${flag} needs a positive integer, got ${raw === undefined ? 'nothing' : `"${raw}"`}`);
  return Number(raw);
}

function names<T extends string>(flag: string, raw: string | undefined, allowed: readonly T[]): T[] {
  if (raw === undefined || raw === '') throw new UsageError(`${flag} needs a name (one of ${allowed.join(', ')})`);
  return raw.split(',').map((n) => {
    const name = n.trim();
    if (!(allowed as readonly string[]).includes(name)) throw new UsageError(`unknown ${flag === '--only' ? 'workload' : 'peer'} "${name}"; choose from ${allowed.join(', ')}`);
    return name as T;
  });
}

/** Parses argv (without node and script). */
function parse(argv: readonly string[]): Cli {
  let quick = false;
  let strict = false;
  let help = false;
  let records: number | undefined;
  let runs: number | undefined;
  let dir: string | undefined;
  let json: string | undefined;
  let markdown: string | undefined;
  let fromJson: string | undefined;
  const only: WorkloadName[] = [];
  let onlyLocks = false;
  let onlySnapshotCommits = false;
  let onlyMerge = false;
  let onlyFilteredScan = false;
  const peers: PeerName[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    const text = (): string => {
      const v = value();
      if (v === undefined || v === '' || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--quick':
        quick = true;
        break;
      case '--strict':
        strict = true;
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      case '--records':
        records = positiveInt(flag, value());
        if (records < 200) throw new UsageError(`--records must be at least 200, got ${records}`);
        break;
      case '--runs':
        runs = positiveInt(flag, value());
        break;
      case '--only': {
        // `locks` is not a peer workload (no peer has a lock manager); it runs beside the harness.
        // So is `snapshot-commits` (no peer names a version inside a commit).
        const parts = (value() ?? '').split(',').map((n) => n.trim());
        if (parts.includes('locks')) onlyLocks = true;
        if (parts.includes('snapshot-commits')) onlySnapshotCommits = true;
        // And `merge` (no peer merges branches).
        if (parts.includes('merge')) onlyMerge = true;
        if (parts.includes('filtered-scan')) onlyFilteredScan = true;
        const rest = parts.filter((n) => n !== 'locks' && n !== 'snapshot-commits' && n !== 'merge' && n !== 'filtered-scan');
        if (rest.length > 0 || !(onlyLocks || onlySnapshotCommits || onlyMerge || onlyFilteredScan)) only.push(...names(flag, rest.join(','), WORKLOAD_NAMES));
        break;
      }
      case '--peers':
        peers.push(...names(flag, value(), PEER_NAMES));
        break;
      case '--dir':
        dir = text();
        break;
      case '--json':
        json = text();
        break;
      case '--markdown':
        markdown = text();
        break;
      case '--from-json':
        fromJson = text();
        break;
      default:
        throw new UsageError(`unknown ${arg.startsWith('-') ? 'flag' : 'argument'} "${arg}" (try --help)`);
    }
  }
  return {
    bench: { quick, strict, ...(records ? { records } : {}), ...(runs ? { runs } : {}), ...(dir ? { dir } : {}), only, peers },
    ...(json ? { json } : {}),
    ...(markdown ? { markdown } : {}),
    ...(fromJson ? { fromJson } : {}),
    help,
    locks: onlyLocks || (only.length === 0 && !onlySnapshotCommits && !onlyMerge && !onlyFilteredScan),
    locksOnly: (onlyLocks || onlySnapshotCommits || onlyMerge || onlyFilteredScan) && only.length === 0,
    snapshotCommits: onlySnapshotCommits || (only.length === 0 && !onlyLocks && !onlyMerge && !onlyFilteredScan),
    merge: onlyMerge || (only.length === 0 && !onlyLocks && !onlySnapshotCommits && !onlyFilteredScan),
    filteredScan: onlyFilteredScan || (only.length === 0 && !onlyLocks && !onlySnapshotCommits && !onlyMerge),
  };
}

function printCase(c: CaseResult): void {
  process.stdout.write(`\n== ${c.id}: ${c.title}\n${renderText(caseTable(c))}\n   (${c.method})\n`);
  for (const p of c.peers) if (p.note) process.stdout.write(`   note (${p.peer}): ${p.note}\n`);
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/**
 * The inspector workload (issue 5): a store of `records` opened in the inspector (serve host +
 * Debian's Chromium) until its first rows are on screen. Part of a full `npm run bench`.
 */
async function inspectorFirstRows(records: number): Promise<void> {
  process.stdout.write(`\n== inspector-first-rows: open a ${records.toLocaleString('en')}-record store in the inspector to its first rows\n`);
  try {
    const { firstRows } = await import('./inspector-first-rows');
    const r = await firstRows({ records, runs: 3 });
    process.stdout.write(`thunderhead inspector  median ${r.median.toFixed(0)} ms  (runs: ${r.samples.map((x) => x.toFixed(0)).join(', ')} ms)\n`);
  } catch (e) {
    process.stdout.write(`n/a: ${(e as Error).message.split('\n')[0]}\n`);
  }
}

/** The lock workloads (issue 7): lock requests per second, uncontended and at 8 clients. */
async function lockWorkloads(quick: boolean): Promise<void> {
  process.stdout.write('\n== locks: lock manager requests per second (bench/locks.ts)\n');
  const { lockBench, lockReport } = await import('./locks');
  process.stdout.write(`${lockReport(await lockBench({ quick }))}\n`);
}

/** The snapshot-commit workloads (issue 16): naming a version in its commit, and alone, vs a plain commit. */
async function snapshotCommitWorkloads(quick: boolean, records: number | undefined): Promise<void> {
  process.stdout.write('\n== snapshot-commits: what naming a version costs (bench/snapshot-commits.ts)\n');
  const { snapshotCommitBench, snapshotCommitReport } = await import('./snapshot-commits');
  process.stdout.write(`${snapshotCommitReport(await snapshotCommitBench({ records: records ?? (quick ? 100_000 : 1_000_000) }))}\n`);
}

/** The merge workload (issue 17): a merge of 1,000 + 1,000 changes at the small and the main size. */
async function mergeWorkloads(quick: boolean, records: number | undefined): Promise<void> {
  process.stdout.write('\n== merge: three-way merge of two branches with 1,000 changes each (bench/merge.ts)\n');
  const { mergeBench, mergeReport } = await import('./merge');
  const large = records ?? (quick ? 100_000 : 1_000_000);
  process.stdout.write(`${mergeReport([mergeBench({ records: Math.max(10_000, Math.floor(large / 100)) }), mergeBench({ records: large })])}\n`);
}

/** The filtered-scan workload (issue 18): a value query over every record vs a full scan with decoding, and vs SQLite json_extract. */
async function filteredScanWorkload(quick: boolean, records: number | undefined): Promise<void> {
  process.stdout.write('\n== filtered-scan: status = "pending" over every record (bench/filtered-scan.ts)\n');
  const { filteredScanBench, filteredScanReport } = await import('./filtered-scan');
  process.stdout.write(`${filteredScanReport(await filteredScanBench({ records: records ?? (quick ? 100_000 : 1_000_000) }))}\n`);
}

/**
 * The Locks view workload (issue 7): 50k held locks and ~10k lock events/s streamed into the
 * inspector's Locks view while its table scrolls; frame-time percentiles. Part of a full run.
 */
async function inspectorLockFrames(seconds: number): Promise<void> {
  process.stdout.write('\n== inspector-lock-frames: the Locks view at 50,000 locks and 10,000 lock events/s\n');
  try {
    const { describeLockFrames, lockFrames } = await import('./inspector-lock-frames');
    process.stdout.write(`${describeLockFrames(await lockFrames({ locks: 50_000, eventsPerSecond: 10_000, seconds }))}\n`);
  } catch (e) {
    process.stdout.write(`n/a: ${(e as Error).message.split('\n')[0]}\n`);
  }
}

async function main(): Promise<number> {
  const cli = parse(process.argv.slice(2));
  if (cli.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (cli.locksOnly && !cli.fromJson) {
    if (cli.locks) await lockWorkloads(cli.bench.quick === true);
    if (cli.snapshotCommits) await snapshotCommitWorkloads(cli.bench.quick === true, cli.bench.records);
    if (cli.merge) await mergeWorkloads(cli.bench.quick === true, cli.bench.records);
    if (cli.filteredScan) await filteredScanWorkload(cli.bench.quick === true, cli.bench.records);
    return 0;
  }
  let report: BenchReport;
  if (cli.fromJson) {
    report = JSON.parse(readFileSync(cli.fromJson, 'utf8')) as BenchReport;
    if (report.format !== 'thunderhead-bench/1') throw new UsageError(`${cli.fromJson} is not a bench --json file`);
    for (const c of report.cases) printCase(c);
  } else {
    if (!(globalThis as { gc?: unknown }).gc) process.stderr.write('bench: note: run through `npm run bench` (node --expose-gc) for steadier numbers\n');
    report = await runBench({ ...cli.bench, log: (line) => process.stderr.write(`[bench] ${line}\n`), onCase: printCase });
    if (!cli.bench.only?.length) await inspectorFirstRows(cli.bench.quick ? 100_000 : 1_000_000);
    if (!cli.bench.only?.length) await inspectorLockFrames(cli.bench.quick ? 5 : 15);
    if (cli.locks) await lockWorkloads(cli.bench.quick === true);
    if (cli.snapshotCommits) await snapshotCommitWorkloads(cli.bench.quick === true, cli.bench.records);
    if (cli.merge) await mergeWorkloads(cli.bench.quick === true, cli.bench.records);
    if (cli.filteredScan) await filteredScanWorkload(cli.bench.quick === true, cli.bench.records);
  }
  process.stdout.write(`\n${summaryText(report)}\n`);
  if (cli.json) write(cli.json, `${JSON.stringify(report, null, 1)}\n`);
  if (cli.markdown) write(cli.markdown, toMarkdown(report));
  const errors = report.cases.flatMap((c) => c.peers.filter((p) => p.status === 'error').map((p) => `${c.id}/${p.peer}: ${p.reason}`));
  for (const e of errors) process.stderr.write(`bench: error in ${e}\n`);
  return errors.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const usage = error instanceof UsageError;
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    if (!usage && error instanceof Error && process.env.BENCH_STACK) process.stderr.write(`${error.stack}\n`);
    process.exit(usage ? 2 : 1);
  },
);
