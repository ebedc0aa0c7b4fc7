/**
 * Whole-store commands: `create`, `info`, `check`.
 */
import { Command, Option } from 'commander';
import { DEFAULT_PARAMS, Store, StoreCorruptError, StoreError, type StoreInfo, type TreeStats, type VerifyReport } from '../../../engine/index';
import type { CommandContext } from '../context';
import { parsePositiveInt } from '../options';
import { progressBar } from '../progress';
import { findDanglingRefs, type DanglingRef } from '../records';
import { describeKey, formatBytes, formatPercent, formatTime, jsonLine } from '../render';
import { withStore } from '../store-access';
import type { StoreSizesData } from '../../contract';
import { storeSizes } from '../../service/sizes';

interface CreateOptions { nodeSize?: number; fanout?: number; bufferSize?: number; blobThreshold?: number }

/** Adds `create`, `info` and `check` to `program`. */
export function registerStoreCommands(program: Command, ctx: CommandContext): void {
  program
    .command('create')
    .description('create an empty store (fails if FILE exists)')
    .argument('<file>', 'store file to create')
    .addOption(new Option('--node-size <bytes>', 'leaf split threshold in encoded bytes').argParser(parsePositiveInt))
    .addOption(new Option('--fanout <n>', 'most children per internal node').argParser(parsePositiveInt))
    .addOption(new Option('--buffer-size <bytes>', 'most buffered message bytes per internal node').argParser(parsePositiveInt))
    .addOption(new Option('--blob-threshold <bytes>', 'values larger than this are stored off-tree').argParser(parsePositiveInt))
    .action(async (file: string, opts: CreateOptions) => {
      // The default blob threshold must stay below a small node size: a value that does not fit
      // in a leaf has to go off-tree. A quarter of the node keeps several values per leaf.
      const blobThreshold = opts.blobThreshold ??
        (opts.nodeSize !== undefined && opts.nodeSize < DEFAULT_PARAMS.blobThreshold * 4 ? Math.max(16, Math.floor(opts.nodeSize / 4)) : undefined);
      const store = Store.create(file, {
        ...(opts.nodeSize !== undefined ? { nodeSize: opts.nodeSize } : {}),
        ...(opts.fanout !== undefined ? { fanout: opts.fanout } : {}),
        ...(opts.bufferSize !== undefined ? { bufferSize: opts.bufferSize } : {}),
        ...(blobThreshold !== undefined ? { blobThreshold } : {}),
      });
      try {
        const { params } = store.info();
        await ctx.out.line(
          `created ${file} (node size ${params.nodeSize} B, fanout ${params.fanout}, buffer ${params.bufferSize} B, ` +
            `blob threshold ${params.blobThreshold} B)`,
        );
      } finally {
        store.close();
      }
    });

  program
    .command('info')
    .description('size, height, nodes per level, fill, buffer occupancy, live vs dead bytes, versions')
    .argument('<file>', 'store file')
    .option('--json', 'print one JSON object {info, stats, sizes, snapshots, branches}; sizes: fileBytes (on disk) = usedBytes + preallocatedBytes, usedBytes = reachableBytes + deadBytes')
    .action(async (file: string, opts: { json?: boolean }) => {
      await withStore(file, { readOnly: true }, async (store) => {
        const info = store.info();
        const progress = progressBar(ctx.io.stderr, 'analyzing');
        let stats: TreeStats;
        try {
          stats = store.analyze((done, total) => progress.update(done, total || undefined, 'nodes'));
        } finally {
          progress.done();
        }
        const snapshots = store.snapshots();
        const branches = store.branches();
        // The inspector's Overview shows the same sizes, under the same names (app/service/sizes.ts).
        const sizes = storeSizes(store);
        if (opts.json) {
          await ctx.out.line(jsonLine({ info, stats, sizes, snapshots, branches }));
          return;
        }
        for (const line of describeInfo(info, stats, sizes, snapshots.length, branches.length)) await ctx.out.line(line);
      });
    });

  program
    .command('check')
    .description('verify every invariant, the catalog and references; exit 1 listing problems if damaged')
    .argument('<file>', 'store file')
    .option('--json', 'print the report as one JSON object')
    .option('--no-refs', 'skip the scan for references whose target key is missing')
    .action(async (file: string, opts: { json?: boolean; refs: boolean }) => {
      const print = async (report: VerifyReport, dangling: DanglingRef[], refsChecked: boolean): Promise<void> => {
        const ok = report.ok && dangling.length === 0;
        if (!ok) ctx.exitCode = 1;
        if (opts.json) {
          await ctx.out.line(jsonLine({ ...report, ok, refsChecked, danglingRefs: dangling.map(danglingJson) }));
          return;
        }
        for (const line of describeReport(file, report, dangling, refsChecked)) await ctx.out.line(line);
      };
      let outcome: { report: VerifyReport; dangling: DanglingRef[]; refsChecked: boolean };
      try {
        outcome = await withStore(file, { readOnly: true }, (store) => {
          const report = verifyOrReport(store);
          // References are only worth checking in a sound tree; a damaged one would just fail again.
          const refsChecked = opts.refs && report.ok;
          if (!refsChecked) return { report, dangling: [], refsChecked };
          const progress = progressBar(ctx.io.stderr, 'checking references');
          try {
            return { report, dangling: findDanglingRefs(store, (records) => progress.update(records, undefined, 'records')), refsChecked };
          } finally {
            progress.done();
          }
        });
      } catch (error) {
        // Damage that stops the store from opening is still a finding of `check`, not a crash.
        if (!(error instanceof StoreCorruptError)) throw error;
        outcome = { report: failedReport(error), dangling: [], refsChecked: false };
      }
      await print(outcome.report, outcome.dangling, outcome.refsChecked);
    });
}

/** A report holding one problem: the error that stopped verification. */
function failedReport(error: StoreError): VerifyReport {
  const offset = error instanceof StoreCorruptError ? error.offset : undefined;
  return {
    ok: false,
    problems: [{ invariant: 'readable', where: 'store', message: error.message, ...(offset !== undefined ? { offset } : {}) }],
    nodesChecked: 0,
    versionsChecked: 0,
  };
}

/** `store.verify()`, with an error thrown half-way turned into a reported problem. */
function verifyOrReport(store: Store): VerifyReport {
  try {
    return store.verify();
  } catch (error) {
    if (error instanceof StoreError) return failedReport(error);
    throw error;
  }
}

function danglingJson(d: DanglingRef): { key: unknown; target: unknown; at: string } {
  return { key: d.keyJson, target: d.targetJson, at: d.at };
}

/** The human form of `check`: "ok" and what was covered, or one line per problem. */
function describeReport(file: string, report: VerifyReport, dangling: DanglingRef[], refsChecked: boolean): string[] {
  const covered = `${report.nodesChecked} nodes, ${report.versionsChecked} versions${refsChecked ? ', references' : ''}`;
  if (report.ok && dangling.length === 0) return [`ok: ${file} passes every check (${covered})`];
  const lines = [`${file} has ${report.problems.length + dangling.length} problem(s) (checked ${covered}):`];
  for (const p of report.problems) {
    // Engine messages advise running check, which is what is running: drop that advice here.
    const message = p.message.replace(/; run `thunderhead check [^`]*`$/, '');
    const at = p.offset !== undefined && !message.includes(`byte ${p.offset}`) ? ` (byte ${p.offset})` : '';
    lines.push(`  ${p.where}: [${p.invariant}] ${message}${at}`);
  }
  for (const d of dangling) {
    lines.push(`  record ${describeKey(d.key)} (${d.at}): [reference] points to ${d.targetText}, which does not exist`);
  }
  return lines;
}

/** The human form of `info`, one fact per line with aligned labels. */
function describeInfo(info: StoreInfo, stats: TreeStats, sizes: StoreSizesData, snapshots: number, branches: number): string[] {
  const { params, head } = info;
  const rows: [string, string][] = [
    ['file', `${info.path} (${formatBytes(sizes.fileBytes)} on disk, format v${info.formatVersion}${info.writerPid ? `, open for writing by pid ${info.writerPid}` : ''})`],
    ['size', `${formatBytes(sizes.fileBytes)} on disk = ${formatBytes(sizes.usedBytes)} used + ${formatBytes(sizes.preallocatedBytes)} preallocated tail`],
    ['params', `node size ${params.nodeSize} B, fanout ${params.fanout}, buffer ${formatBytes(params.bufferSize)}, blob threshold ${params.blobThreshold} B`],
    ['head', `version ${head.id} on ${info.branch}, ${formatTime(head.time)}${head.message ? `: ${head.message}` : ''}`],
    ['versions', `${info.versions} (${snapshots} snapshot${snapshots === 1 ? '' : 's'}, ${branches} branch${branches === 1 ? '' : 'es'})`],
    ['records', `${stats.records.toLocaleString('en-US')} (${stats.largeValues.count} large value${stats.largeValues.count === 1 ? '' : 's'}, ${formatBytes(stats.largeValues.bytes)} off-tree)`],
    ['height', String(stats.height)],
    ['nodes', stats.nodesPerLevel.map((n, i) => `${levelName(i, stats.height)} ${n}`).join(', ')],
    ['leaf fill', describeHistogram(stats.leafFill)],
    [
      'buffers',
      stats.bufferOccupancy.length === 0
        ? 'none (a single leaf)'
        : stats.bufferOccupancy
            .map((o) => `${levelName(o.level, stats.height)}: ${o.messages} messages, ${formatBytes(o.bytes)} (${formatPercent(o.fill)} full)`)
            .join('; '),
    ],
    ['used', `${formatBytes(sizes.reachableBytes)} reachable from retained versions, ${formatBytes(sizes.deadBytes)} dead (${formatPercent(sizes.usedBytes > 0 ? sizes.deadBytes / sizes.usedBytes : 0)} of used; compact drops it)`],
  ];
  // Opened read-only up to damaged committed data: say so first, the rest describes what is before it.
  if (info.damage) rows.unshift(['DAMAGED', `${info.damage.message}; showing the commits before byte ${info.damage.offset} (run \`thunderhead check\`)`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, text]) => `${label.padEnd(width)}  ${text}`);
}

/** nodesPerLevel is root first; name the ends so "root 1, leaves 2400" reads at a glance. */
function levelName(index: number, height: number): string {
  if (index === 0) return height === 1 ? 'root (leaf)' : 'root';
  if (index === height - 1) return 'leaves';
  return `level ${height - 1 - index}`;
}

/** Ten fill buckets as a compact bar plus the mean, e.g. `▁▁▂▅█▃▁▁▁▁ mean 52%`. */
function describeHistogram(buckets: number[]): string {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return 'no leaves';
  const max = Math.max(...buckets);
  const bars = '▁▂▃▄▅▆▇█';
  const drawn = buckets.map((n) => (n === 0 ? ' ' : bars[Math.min(bars.length - 1, Math.floor((n / max) * (bars.length - 1)))])).join('');
  const mean = buckets.reduce((sum, n, i) => sum + n * (i + 0.5) / 10, 0) / total;
  return `[${drawn}] 0–100%, mean ≈ ${formatPercent(mean)} over ${total} leaves`;
}
