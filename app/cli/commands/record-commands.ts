/**
 * Record commands: `get`, `put`, `del`, `scan`, `count`, `dump`. Reads open the store read-only and may
 * read an older version with `--at`; writes are one commit each.
 */
import { Command, Option } from 'commander';
import { filterEntries, usesChanged, type Entry, type RangeOptions, type Store } from '../../../engine/index';
import type { CommandContext } from '../context';
import { CliError, UsageError } from '../errors';
import { parsePositiveInt } from '../options';
import { keyArgument, prefixArgument, valueArgument } from '../records';
import { describeKey, RecordTable, recordJsonLine, renderValue } from '../render';
import { withStore } from '../store-access';
import { QUERY_SYNTAX, whereArgument, whereOption } from '../where';

/** The read surface shared by a store's head and a version opened with `at()`. */
export type RecordSource = Pick<Store, 'get' | 'scan'>;

/** The head of the default branch, or the version `at` names (id, snapshot or branch). */
export function sourceAt(store: Store, at: string | undefined): RecordSource {
  return at === undefined ? store : store.at(at);
}

/** The `--at VERSION` option shared by read commands. */
export function atOption(): Option {
  return new Option('--at <version>', 'read the store as of a version id, snapshot or branch');
}

/** Streams entries as JSONL or as the aligned table. O(1) memory in the number of records. */
export async function printEntries(ctx: CommandContext, entries: Iterable<Entry>, json: boolean): Promise<number> {
  let count = 0;
  if (json) {
    for (const entry of entries) {
      await ctx.out.line(recordJsonLine(entry.key, entry.value));
      count++;
    }
    return count;
  }
  const table = new RecordTable(ctx.out);
  for (const entry of entries) {
    await table.add(entry.key, entry.value);
    count++;
  }
  await table.finish();
  return count;
}

interface GetOptions { json?: boolean; at?: string }
interface PutOptions { message?: string; branch?: string; snapshot?: string }
interface DelOptions { message?: string; branch?: string; snapshot?: string }

const SNAPSHOT_OPTION = ['--snapshot <name>', 'name the new version as a snapshot, in the same commit (no extra flush)'] as const;

function snapshotNote(opts: { snapshot?: string }): string {
  return opts.snapshot !== undefined ? `, snapshot ${opts.snapshot}` : '';
}
interface ScanOptions {
  prefix?: string; from?: string; to?: string; reverse?: boolean; limit?: number; json?: boolean; at?: string; where?: string;
}

/** The first `limit` items of `items` (all without a limit), lazily. */
function* take<T>(items: Iterable<T>, limit: number | undefined): Generator<T> {
  if (limit === 0) return;
  let n = 0;
  for (const item of items) {
    yield item;
    if (limit !== undefined && ++n >= limit) return;
  }
}

/** The key range of `--prefix`, `--from` and `--to` (shared by scan and count). */
function rangeOptions(opts: { prefix?: string; from?: string; to?: string }): RangeOptions {
  return {
    ...(opts.prefix !== undefined ? { prefix: prefixArgument(opts.prefix) } : {}),
    ...(opts.from !== undefined ? { from: keyArgument(opts.from) } : {}),
    ...(opts.to !== undefined ? { to: keyArgument(opts.to) } : {}),
  };
}

const PREFIX_OPTION = ['--prefix <prefix>', 'only keys starting with PREFIX: a string (user:01) is a text prefix of the first element, an array (["orders", 7]) a tuple prefix'] as const;

/** Adds the record commands to `program`. */
export function registerRecordCommands(program: Command, ctx: CommandContext): void {
  program
    .command('get')
    .description('print the value stored under KEY')
    .argument('<file>', 'store file')
    .argument('<key>', 'key (JSON, or a plain string)')
    .option('--json', 'print {"key", "value"} as one JSON line')
    .addOption(atOption())
    .action(async (file: string, keyText: string, opts: GetOptions) => {
      const key = keyArgument(keyText);
      await withStore(file, { readOnly: true }, async (store) => {
        const value = sourceAt(store, opts.at).get(key);
        if (value === undefined) throw new CliError(`key ${describeKey(key)} not found${opts.at ? ` at ${opts.at}` : ''}`);
        await ctx.out.line(opts.json ? recordJsonLine(key, value) : renderValue(value, { pretty: true }));
      });
    });

  program
    .command('put')
    .description('store VALUE under KEY (one commit)')
    .argument('<file>', 'store file')
    .argument('<key>', 'key (JSON, or a plain string)')
    .argument('<value>', 'value (JSON, or a plain string)')
    .option('-m, --message <message>', 'commit message')
    .option('--branch <name>', 'commit to this branch instead of the default one')
    .option(...SNAPSHOT_OPTION)
    .action(async (file: string, keyText: string, valueText: string, opts: PutOptions) => {
      const key = keyArgument(keyText);
      const value = valueArgument(valueText);
      await withStore(file, { readOnly: false }, async (store) => {
        const tx = store.begin(opts.branch ? { branch: opts.branch } : {});
        let info;
        try {
          tx.put(key, value);
          info = tx.commit({ message: opts.message ?? `put ${describeKey(key)}`, ...(opts.snapshot !== undefined ? { snapshot: opts.snapshot } : {}) });
        } catch (error) {
          abortQuietly(tx);
          throw error;
        }
        await ctx.out.line(`put ${describeKey(key)}: version ${info.version} on ${info.branch} (${info.bytesWritten} bytes written)${snapshotNote(opts)}`);
      });
    });

  program
    .command('del')
    .alias('delete')
    .description('delete KEY (one commit); exit 1 if it is not there')
    .argument('<file>', 'store file')
    .argument('<key>', 'key (JSON, or a plain string)')
    .option('-m, --message <message>', 'commit message')
    .option('--branch <name>', 'commit to this branch instead of the default one')
    .option(...SNAPSHOT_OPTION)
    .action(async (file: string, keyText: string, opts: DelOptions) => {
      const key = keyArgument(keyText);
      await withStore(file, { readOnly: false }, async (store) => {
        const tx = store.begin(opts.branch ? { branch: opts.branch } : {});
        let info;
        try {
          // Deleting what is not there would record an empty version: say so instead.
          if (!tx.has(key)) throw new CliError(`key ${describeKey(key)} not found; nothing deleted`);
          tx.delete(key);
          info = tx.commit({ message: opts.message ?? `delete ${describeKey(key)}`, ...(opts.snapshot !== undefined ? { snapshot: opts.snapshot } : {}) });
        } catch (error) {
          abortQuietly(tx);
          throw error;
        }
        await ctx.out.line(`deleted ${describeKey(key)}: version ${info.version} on ${info.branch}${snapshotNote(opts)}`);
      });
    });

  program
    .command('scan')
    .description('print the records in a key range, in key order')
    .argument('<file>', 'store file')
    .option(...PREFIX_OPTION)
    .option('--from <key>', 'first key (inclusive)')
    .option('--to <key>', 'last key (exclusive)')
    .option('-r, --reverse', 'largest key first')
    .addOption(new Option('-n, --limit <n>', 'at most N records').argParser(parsePositiveInt))
    .option('--json', 'one {"key", "value"} JSON line per record')
    .addOption(atOption())
    .addOption(whereOption('records'))
    .addHelpText('after', QUERY_SYNTAX)
    .action(async (file: string, opts: ScanOptions) => {
      const where = opts.where !== undefined ? whereArgument(opts.where) : undefined;
      if (where && usesChanged(where)) throw new UsageError('--where: changed() compares two versions; use it with `thunderhead diff FILE A B --where ...`');
      const range: RangeOptions = {
        ...rangeOptions(opts),
        ...(opts.reverse ? { reverse: true } : {}),
        // With --where the limit counts matches, so it applies after the filter.
        ...(opts.limit !== undefined && where === undefined ? { limit: opts.limit } : {}),
      };
      await withStore(file, { readOnly: true }, async (store) => {
        const entries = sourceAt(store, opts.at).scan(range);
        await printEntries(ctx, where ? take(filterEntries(entries, where), opts.limit) : entries, opts.json === true);
      });
    });

  program
    .command('count')
    .description('print how many records a key range holds (exact; O(log n) on a format-3 store)')
    .argument('<file>', 'store file')
    .option(...PREFIX_OPTION)
    .option('--from <key>', 'first key (inclusive)')
    .option('--to <key>', 'last key (exclusive)')
    .option('--json', 'one {"count", "version"} JSON object')
    .addOption(atOption())
    .action(async (file: string, opts: { prefix?: string; from?: string; to?: string; json?: boolean; at?: string }) => {
      const range = rangeOptions(opts);
      await withStore(file, { readOnly: true }, async (store) => {
        const view = opts.at === undefined ? store.at(store.head().id) : store.at(opts.at);
        const count = view.count(range);
        await ctx.out.line(opts.json === true ? JSON.stringify({ count, version: view.version }) : String(count));
      });
    });

  program
    .command('dump')
    .description('print every record as JSONL ({"key", "value"} per line), the input format of load')
    .argument('<file>', 'store file')
    // Every read command takes --json; dump's output is JSON lines already, so it changes nothing.
    .option('--json', 'JSON lines (the default and only form of dump)')
    .addOption(atOption())
    .action(async (file: string, opts: { at?: string; json?: boolean }) => {
      await withStore(file, { readOnly: true }, async (store) => {
        await printEntries(ctx, sourceAt(store, opts.at).scan(), true);
      });
    });
}

/** Aborting after a failure must not hide the failure itself. */
function abortQuietly(tx: { abort(): void }): void {
  try {
    tx.abort();
  } catch {
    // The transaction may already be closed by a failed commit.
  }
}
