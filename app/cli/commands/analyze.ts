/**
 * `analyze FILE [--by-prefix N] [--separator S] [--at V] [--top N] [--json]`: where the records
 * and bytes are, by key prefix (tuple levels, or text up to a separator), and the largest
 * records. Reads keys and value lengths only. Progress on stderr; Ctrl-C stops it.
 */
import { Command, Option } from 'commander';
import { analyzeKeySpaceAsync, type KeySpaceReport, type PrefixGrouping, type PrefixUsage, type SpaceTotals } from '../../../engine/index';
import type { CommandContext } from '../context';
import { UsageError } from '../errors';
import { parseNonNegativeInt, parsePositiveInt } from '../options';
import { progressBar } from '../progress';
import { jsonText, keyToJsonValue, prefixArgument } from '../records';
import { describeKey, formatBytes, formatPercent, jsonLine, truncate } from '../render';
import { showValue } from '../show';
import { withStore } from '../store-access';
import { atOption, sourceAt } from './record-commands';

interface AnalyzeOptions { byPrefix?: number; separator?: string; at?: string; top?: number; json?: boolean; prefix?: string }

const count = (n: number): string => n.toLocaleString('en-US');

function prefixText(p: PrefixUsage): string {
  return typeof p.prefix === 'string' ? JSON.stringify(p.prefix) : showValue(p.prefix);
}

/** The `--json` form: plain JSON, key prefixes in the records layer's exact JSON form. */
function jsonReport(r: KeySpaceReport): string {
  const prefix = (p: PrefixUsage): string => `{"prefix":${typeof p.prefix === 'string' ? JSON.stringify(p.prefix) : jsonText(keyToJsonValue(p.keyPrefix))}`
    + `,"keyPrefixHex":"${p.keyPrefix.toString('hex')}","records":${p.records},"keyBytes":${p.keyBytes},"valueBytes":${p.valueBytes},"largeValueBytes":${p.largeValueBytes}`
    + `,"children":[${p.children.map(prefix).join(',')}],"omitted":${p.omitted}}`;
  const largest = r.largest.map((l) => `{"key":${jsonText(keyToJsonValue(l.key))},"keyBytes":${l.keyBytes},"valueBytes":${l.valueBytes},"bytes":${l.bytes},"large":${l.large}}`);
  return `{"totals":${jsonLine(r.totals)},"prefixes":[${r.prefixes.map(prefix).join(',')}],"omitted":${r.omitted},"other":${jsonLine(r.other)},"largest":[${largest.join(',')}]}`;
}

function row(label: string, t: SpaceTotals, all: SpaceTotals): string {
  const bytes = t.keyBytes + t.valueBytes;
  const share = all.keyBytes + all.valueBytes > 0 ? formatPercent(bytes / (all.keyBytes + all.valueBytes)) : '0%';
  return `${label.padEnd(32)} ${count(t.records).padStart(11)} ${formatBytes(t.keyBytes).padStart(10)} ${formatBytes(t.valueBytes).padStart(10)} ${formatBytes(t.largeValueBytes).padStart(10)} ${share.padStart(6)}`;
}

function textReport(r: KeySpaceReport, width: number | undefined): string[] {
  const out = [
    `${count(r.totals.records)} records: ${formatBytes(r.totals.keyBytes)} of keys, ${formatBytes(r.totals.valueBytes)} of values (${formatBytes(r.totals.largeValueBytes)} stored off-tree)`,
    `${'prefix'.padEnd(32)} ${'records'.padStart(11)} ${'keys'.padStart(10)} ${'values'.padStart(10)} ${'large'.padStart(10)} ${'share'.padStart(6)}`,
  ];
  const walk = (ps: PrefixUsage[], omitted: number, indent: string): void => {
    for (const p of ps) {
      out.push(truncate(row(`${indent}${prefixText(p)}`, p, r.totals), width));
      walk(p.children, p.omitted, `${indent}  `);
    }
    if (omitted > 0) out.push(`${indent}… ${count(omitted)} more prefix${omitted === 1 ? '' : 'es'} (raise --top)`);
  };
  walk(r.prefixes, r.omitted, '');
  if (r.other.records > 0) out.push(row('(no such prefix)', r.other, r.totals));
  if (r.largest.length > 0) {
    out.push('largest records:');
    for (const l of r.largest) out.push(truncate(`  ${formatBytes(l.bytes).padStart(10)}  ${describeKey(l.key)}${l.large ? '  (off-tree value)' : ''}`, width));
  }
  return out;
}

/** Adds `analyze` to `program`. */
export function registerAnalyzeCommand(program: Command, ctx: CommandContext): void {
  program
    .command('analyze')
    .description('records and bytes per key prefix, and the largest records (reads keys and value sizes only)')
    .argument('<file>', 'store file')
    .addOption(new Option('--by-prefix <n>', 'group by the first N tuple elements (1 or 2), or with --separator by N separated parts').argParser(parsePositiveInt))
    .option('--separator <text>', 'group text keys by their parts up to SEPARATOR (e.g. ":" for user:17:profile)')
    .addOption(new Option('--top <n>', 'prefixes per level and largest records shown (default 20)').argParser(parseNonNegativeInt))
    .option('--prefix <prefix>', 'only keys starting with PREFIX (as in scan)')
    .option('--json', 'print the report as one JSON object')
    .addOption(atOption())
    .addHelpText('after', `
Sizes: keys are the encoded key bytes; values the stored value bytes; "large" the part of them
stored off-tree (values above the store's blob threshold). Prefixes are ordered by key + value
bytes. Keys that are not tuples (or, with --separator, not text with a separator) are counted
under "(no such prefix)".`)
    .action(async (file: string, opts: AnalyzeOptions) => {
      const depth = opts.byPrefix ?? 1;
      let byPrefix: PrefixGrouping;
      if (opts.separator !== undefined) {
        if (opts.separator === '') throw new UsageError('--separator must not be empty');
        byPrefix = { separator: opts.separator, depth };
      } else {
        if (depth !== 1 && depth !== 2) throw new UsageError(`--by-prefix must be 1 or 2 for tuple keys (got ${depth}); with --separator any depth works`);
        byPrefix = depth;
      }
      const prefix = opts.prefix !== undefined ? prefixArgument(opts.prefix) : undefined;
      await withStore(file, { readOnly: true }, async (store) => {
        const progress = progressBar(ctx.io.stderr, 'analyzing');
        let report: KeySpaceReport;
        try {
          report = await analyzeKeySpaceAsync(sourceAt(store, opts.at), {
            byPrefix,
            ...(opts.top !== undefined ? { top: opts.top } : {}),
            ...(prefix !== undefined ? { range: { prefix } } : {}),
            onProgress: (done) => progress.update(done, undefined, 'records'),
          });
        } finally {
          progress.done();
        }
        if (opts.json) await ctx.out.line(jsonReport(report));
        else for (const line of textReport(report, ctx.out.width)) await ctx.out.line(line);
      });
    });
}
