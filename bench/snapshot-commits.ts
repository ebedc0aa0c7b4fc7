/**
 * Snapshot-commit workloads (issue 16): what naming a version costs.
 *
 * - snapshot per commit: durable single-put commits on one store, alternating a plain `put` and
 *   a `put(…, { snapshot })` in ABBA order (so drift in the machine's speed hits both the same), and the ratio
 *   of the two totals. The goal is ≤ 1.05: the name rides in the commit's own record and flush.
 * - standalone snapshot vs one-put commit: alternating `snapshot(name)` of the head and a durable
 *   one-put commit, and the ratio; beside them, lmdb `backup` (mdb_env_copy) and SQLite
 *   `VACUUM INTO` of the same records, which is what "saving a version" costs there.
 *
 * No peer names a version inside a commit, so this runs outside the peer harness:
 * `npm run bench -- --only snapshot-commits`, or `node --import tsx bench/snapshot-commits.ts [--quick]`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Store } from '../engine/index';
import { freshRecords, makeDataset } from './data';
import { median } from './harness';
import { PEERS } from './peers';

/** Options of {@link snapshotCommitBench}. */
export interface SnapshotCommitOptions {
  /** Records loaded before the measured commits. Default 10,000 (--quick) or 100,000. */
  readonly records?: number;
  /** Durable commits in the alternating run (half of them name a snapshot). Default 500. */
  readonly commits?: number;
  /** Standalone snapshots (and as many one-put commits) in the second run. Default 200. */
  readonly snapshots?: number;
  /** Also time lmdb backup and SQLite VACUUM INTO (default true). */
  readonly peers?: boolean;
  /** Where stores go (a temporary directory inside it, removed afterwards). */
  readonly dir?: string;
}

/** One kind of operation's timings. */
export interface OpTimes {
  readonly count: number;
  readonly totalMs: number;
  readonly medianMs: number;
}

/** What the workload measured. */
export interface SnapshotCommitResult {
  readonly records: number;
  readonly plain: OpTimes;
  readonly named: OpTimes;
  /** named.totalMs / plain.totalMs. */
  readonly namedRatio: number;
  /** fdatasyncs per commit in each kind (both should be 1). */
  readonly fsyncsPerPlain: number;
  readonly fsyncsPerNamed: number;
  /** Median bytes written per commit in each kind (a named commit's record is longer by the name; every 257th snapshot change also rewrites the table). */
  readonly bytesPerPlain: number;
  readonly bytesPerNamed: number;
  readonly standalone: OpTimes;
  readonly onePut: OpTimes;
  /** standalone.totalMs / onePut.totalMs. */
  readonly standaloneRatio: number;
  /** Blocks a standalone snapshot writes (median). */
  readonly standaloneBlocks: number;
  /** Peers' "save a version" on the same records: name → median ms, or the reason it did not run. */
  readonly peers: Readonly<Record<string, number | string>>;
}

function times(samples: readonly number[]): OpTimes {
  return { count: samples.length, totalMs: samples.reduce((a, b) => a + b, 0), medianMs: median([...samples]) };
}

/** Runs the workload. O(records + commits). */
export async function snapshotCommitBench(opts: SnapshotCommitOptions = {}): Promise<SnapshotCommitResult> {
  const records = opts.records ?? 10_000;
  const commits = opts.commits ?? 500;
  const snapshots = opts.snapshots ?? 200;
  const root = mkdtempSync(join(opts.dir ?? tmpdir(), 'th-bench-snapcommit-'));
  try {
    const data = makeDataset(records);
    const fresh = freshRecords(commits + snapshots, 0x5a5a);
    const store = Store.create(join(root, 'store.th'));
    const plain: number[] = [];
    const named: number[] = [];
    const standalone: number[] = [];
    const onePut: number[] = [];
    const blocks: number[] = [];
    let plainSyncs = 0;
    let namedSyncs = 0;
    const plainBytes: number[] = [];
    const namedBytes: number[] = [];
    try {
      store.write((tx) => {
        for (let i = 0; i < records; i++) tx.put(data.keys[i]!, data.values[i]!);
      });
      for (let i = 0; i < commits; i++) {
        // ABBA order (plain, named, named, plain, …): neither kind always follows the other.
        const withName = i % 4 === 1 || i % 4 === 2;
        const syncs = store.io.fsyncs;
        const bytes = store.io.bytesWritten;
        const t0 = performance.now();
        store.put(fresh.keys[i]!, fresh.values[i]!, withName ? { snapshot: `s${i}` } : {});
        const ms = performance.now() - t0;
        if (withName) {
          named.push(ms);
          namedSyncs += store.io.fsyncs - syncs;
          namedBytes.push(store.io.bytesWritten - bytes);
        } else {
          plain.push(ms);
          plainSyncs += store.io.fsyncs - syncs;
          plainBytes.push(store.io.bytesWritten - bytes);
        }
      }
      for (let i = 0; i < snapshots; i++) {
        const b0 = store.io.blocksWritten;
        let t0 = performance.now();
        store.snapshot(`alone-${i}`);
        standalone.push(performance.now() - t0);
        blocks.push(store.io.blocksWritten - b0);
        t0 = performance.now();
        store.put(fresh.keys[commits + i]!, fresh.values[commits + i]!);
        onePut.push(performance.now() - t0);
      }
    } finally {
      store.close();
    }
    const peers: Record<string, number | string> = {};
    if (opts.peers !== false) {
      for (const name of ['lmdb', 'better-sqlite3'] as const) {
        const factory = PEERS[name];
        const loaded = await factory.load();
        if (loaded !== true) {
          peers[name] = loaded;
          continue;
        }
        const peer = factory.create();
        const dir = join(root, name);
        const work = join(root, `${name}-work`);
        mkdirSync(work, { recursive: true });
        await peer.open(dir, { create: true, workDir: work });
        try {
          await peer.bulkInsert(data.keys, data.values);
          const runs: number[] = [];
          for (let r = 0; r < 3; r++) {
            const t0 = performance.now();
            const handle = await peer.snapshot(`bench-${r}`);
            runs.push(performance.now() - t0);
            await peer.dropSnapshot(handle);
          }
          peers[name] = median(runs);
        } finally {
          await peer.close();
        }
      }
    }
    const p = times(plain);
    const n = times(named);
    const s = times(standalone);
    const o = times(onePut);
    return {
      records, plain: p, named: n, namedRatio: n.totalMs / p.totalMs,
      fsyncsPerPlain: plainSyncs / plain.length, fsyncsPerNamed: namedSyncs / named.length,
      bytesPerPlain: median(plainBytes), bytesPerNamed: median(namedBytes),
      standalone: s, onePut: o, standaloneRatio: s.totalMs / o.totalMs, standaloneBlocks: median(blocks), peers,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The result as text for the terminal. */
export function snapshotCommitReport(r: SnapshotCommitResult): string {
  const ms = (x: number): string => `${x.toFixed(3)} ms`;
  const lines = [
    `store of ${r.records.toLocaleString('en')} records; ${r.plain.count + r.named.count} durable single-put commits, alternating:`,
    `  plain put                ${r.plain.count} commits  total ${r.plain.totalMs.toFixed(1)} ms  median ${ms(r.plain.medianMs)}  fdatasync/commit ${r.fsyncsPerPlain}`,
    `  put with { snapshot }    ${r.named.count} commits  total ${r.named.totalMs.toFixed(1)} ms  median ${ms(r.named.medianMs)}  fdatasync/commit ${r.fsyncsPerNamed}`,
    `  median bytes written per commit: plain ${r.bytesPerPlain.toFixed(0)}, with { snapshot } ${r.bytesPerNamed.toFixed(0)}`,
    `  snapshot-per-commit / plain-commit ratio: ${r.namedRatio.toFixed(3)} by total time, ${(r.named.medianMs / r.plain.medianMs).toFixed(3)} by median (goal ≤ 1.05)`,
    `standalone snapshot vs one-put durable commit, alternating:`,
    `  snapshot(name)           ${r.standalone.count}  median ${ms(r.standalone.medianMs)}  blocks written ${r.standaloneBlocks}`,
    `  one-put commit           ${r.onePut.count}  median ${ms(r.onePut.medianMs)}`,
    `  snapshot / one-put ratio: ${r.standaloneRatio.toFixed(3)}`,
  ];
  for (const [name, v] of Object.entries(r.peers)) {
    lines.push(`  ${name === 'lmdb' ? 'lmdb backup' : 'SQLite VACUUM INTO'} of the same records: ${typeof v === 'number' ? `median ${ms(v)}` : `n/a (${v})`}`);
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  snapshotCommitBench({ records: quick ? 10_000 : 100_000 }).then(
    (r) => process.stdout.write(`${snapshotCommitReport(r)}\n`),
    (e: unknown) => {
      process.stderr.write(`bench: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
