/**
 * `compact FILE [--keep N] [--json]`: copies the live data of the retained versions (snapshots,
 * branch heads, the newest N of each branch's lineage) into a fresh file and replaces FILE with
 * it. Progress goes to stderr; the result (sizes before and after, versions kept and dropped)
 * to stdout.
 */
import { Command, Option } from 'commander';
import { DEFAULT_KEEP, type CompactionPhase, type CompactResult } from '../../../engine/index';
import type { CommandContext } from '../context';
import { parseNonNegativeInt } from '../options';
import { progressBar } from '../progress';
import { formatBytes, jsonLine } from '../render';
import { withStore } from '../store-access';

/** What each phase is called on the progress line. */
const PHASE_LABELS: Record<CompactionPhase, string> = {
  plan: 'counting nodes',
  copy: 'copying nodes',
  catalog: 'writing the catalog',
  sync: 'syncing',
  replace: 'replacing the file',
  done: 'done',
};

/** The one-paragraph summary `compact` prints. */
export function describeCompaction(file: string, r: CompactResult): string[] {
  // Rounded down: 8 MiB → 40 KiB is 99.5% smaller, and "100% smaller" would say nothing is left.
  const saved = r.bytesBefore > 0 ? ` (${Math.max(0, Math.floor((1 - r.bytesAfter / r.bytesBefore) * 100))}% smaller)` : '';
  return [
    `compacted ${file}: ${formatBytes(r.bytesBefore)} → ${formatBytes(r.bytesAfter)}${saved}`,
    `kept ${r.versionsKept.toLocaleString('en-US')} version${r.versionsKept === 1 ? '' : 's'}, dropped ${r.versionsDropped.toLocaleString('en-US')}; ` +
      `copied ${r.nodesCopied.toLocaleString('en-US')} nodes and ${r.blobsCopied.toLocaleString('en-US')} large values in ${(r.ms / 1000).toFixed(2)} s`,
  ];
}

/** Adds `compact` to `program`. */
export function registerCompactCommand(program: Command, ctx: CommandContext): void {
  program
    .command('compact')
    .description('copy the live data of retained versions into a fresh file and replace FILE with it')
    .argument('<file>', 'store file')
    .addOption(
      new Option('--keep <n>', `keep the newest N versions of each branch besides snapshots and branch heads (default ${DEFAULT_KEEP})`)
        .argParser(parseNonNegativeInt),
    )
    .option('--json', 'print the result as one JSON object')
    .addHelpText(
      'after',
      `
Versions that are not kept leave the catalog: \`log\` no longer lists them and --at cannot open
them. Readers that have FILE open keep working and switch to the new file when they refresh.
Needs the writer lock: it fails while another process writes FILE.`,
    )
    .action(async (file: string, opts: { keep?: number; json?: boolean }) => {
      await withStore(file, { readOnly: false }, async (store) => {
        const progress = progressBar(ctx.io.stderr, 'compacting');
        let result: CompactResult;
        try {
          result = store.compact({
            ...(opts.keep !== undefined ? { keep: opts.keep } : {}),
            onProgress: (done, total, phase) => progress.update(done, total || undefined, PHASE_LABELS[phase]),
          });
        } finally {
          progress.done();
        }
        if (opts.json) await ctx.out.line(jsonLine({ file, ...result }));
        else for (const line of describeCompaction(file, result)) await ctx.out.line(line);
      });
    });
}
