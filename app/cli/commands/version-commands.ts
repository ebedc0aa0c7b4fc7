/**
 * Version commands: `snapshot`, `snapshots`, `branch`, `log`, `diff` (`compact` is in compact.ts).
 */
import { Command, Option } from 'commander';
import { changeMatches, type DiffChange, type SnapshotInfo, type SnapshotPolicy, type SnapshotPolicyInput, type Store, type VersionInfo } from '../../../engine/index';
import type { CommandContext } from '../context';
import { UsageError } from '../errors';
import { cliCommand } from '../invocation';
import { layoutGraph } from '../graph';
import { parseNonNegativeInt, parsePositiveInt } from '../options';
import { jsonText, keyToJsonValue, prefixArgument, valueToJsonValue } from '../records';
import { describeKey, formatBytes, formatTime, jsonLine, renderChange, renderValue, truncate } from '../render';
import { withStore } from '../store-access';
import { QUERY_SYNTAX, whereArgument, whereOption } from '../where';

type ChangeKind = DiffChange['type'];

/** Names attached to each version: branch heads and snapshots, as `log` prints them. */
function labelsByVersion(store: Store): Map<number, string[]> {
  const labels = new Map<number, string[]>();
  const add = (id: number, label: string): void => {
    const list = labels.get(id);
    if (list) list.push(label);
    else labels.set(id, [label]);
  };
  for (const b of store.branches()) add(b.head, b.name);
  for (const s of store.snapshots()) add(s.version, `${s.automatic ? 'auto-snapshot' : 'snapshot'} ${s.name}`);
  return labels;
}

/** The policy in one line, as `snapshots` and `snapshot-policy` print it. */
export function describePolicy(p: SnapshotPolicy | null): string {
  if (!p) return 'no automatic snapshots (set a policy with `thunderhead snapshot-policy FILE --every N --keep K`)';
  const when = [p.everyCommits ? `every ${p.everyCommits} commit${p.everyCommits === 1 ? '' : 's'}` : '', p.everySeconds ? `every ${p.everySeconds} s` : '']
    .filter(Boolean).join(' or ');
  const keep = [p.keepLast ? `the last ${p.keepLast}` : '', p.hourly ? `the first of each of the last ${p.hourly} hours` : '', p.daily ? `the first of each of the last ${p.daily} days` : '']
    .filter(Boolean).join(', ');
  return `automatic snapshots ${when}; keeps ${keep}`;
}

interface PolicyOptions { every?: number; everySeconds?: number; keep?: number; hourly?: number; daily?: number; off?: boolean; json?: boolean }

function describeStats(v: VersionInfo): string {
  const parts: string[] = [];
  if (v.stats.puts) parts.push(`${v.stats.puts} put${v.stats.puts === 1 ? '' : 's'}`);
  if (v.stats.deletes) parts.push(`${v.stats.deletes} delete${v.stats.deletes === 1 ? '' : 's'}`);
  if (v.stats.rangeDeletes) parts.push(`${v.stats.rangeDeletes} range delete${v.stats.rangeDeletes === 1 ? '' : 's'}`);
  parts.push(formatBytes(v.stats.bytesWritten));
  return parts.join(', ');
}

interface LogOptions { graph?: boolean; json?: boolean; limit?: number }
interface DiffOptions { prefix?: string; json?: boolean; stat?: boolean; where?: string }

async function printDiffCounts(ctx: CommandContext, counts: Record<ChangeKind, number>, json: boolean): Promise<void> {
  if (json) {
    await ctx.out.line(jsonLine(counts));
    return;
  }
  const total = counts.added + counts.removed + counts.changed;
  await ctx.out.line(`${total} change${total === 1 ? '' : 's'}: ${counts.added} added, ${counts.removed} removed, ${counts.changed} changed`);
}

/** Adds the version commands to `program`. */
export function registerVersionCommands(program: Command, ctx: CommandContext): void {
  program
    .command('snapshot')
    .description('name a version (the head by default); several names go in one record and one flush; O(1) whatever the store\'s size')
    .argument('<file>', 'store file')
    .argument('<names...>', 'snapshot name(s)')
    .option('-m, --message <message>', 'what the snapshot is for')
    .option('--at <version>', 'snapshot this version (id, snapshot or branch) instead of the head')
    .option('--delete', 'remove the snapshot name(s) instead (their versions stay until compaction)')
    .action(async (file: string, names: string[], opts: { message?: string; at?: string; delete?: boolean }) => {
      await withStore(file, { readOnly: false }, async (store) => {
        if (opts.delete) {
          for (const name of names) {
            store.deleteSnapshot(name);
            await ctx.out.line(`deleted snapshot ${name}`);
          }
          return;
        }
        const snaps = store.snapshot(names, {
          ...(opts.message !== undefined ? { message: opts.message } : {}),
          ...(opts.at !== undefined ? { version: opts.at } : {}),
        });
        for (const snap of snaps) await ctx.out.line(`snapshot ${snap.name} → version ${snap.version}`);
      });
    });

  program
    .command('snapshot-policy')
    .description('show or set the automatic-snapshot policy stored in the store (commits take them; retention drops old ones; compaction follows it)')
    .argument('<file>', 'store file')
    .addOption(new Option('--every <n>', 'take one every N commits').argParser(parsePositiveInt))
    .addOption(new Option('--every-seconds <t>', 'take one when the newest is T seconds old').argParser(parsePositiveInt))
    .addOption(new Option('--keep <k>', 'keep the newest K automatic snapshots (default 10)').argParser(parseNonNegativeInt))
    .addOption(new Option('--hourly <h>', 'also keep the first of each of the last H hours').argParser(parseNonNegativeInt))
    .addOption(new Option('--daily <d>', 'also keep the first of each of the last D days').argParser(parseNonNegativeInt))
    .option('--off', 'remove the policy (the automatic snapshots taken so far stay)')
    .option('--json', 'print the policy as one JSON object (null when there is none)')
    .action(async (file: string, opts: PolicyOptions) => {
      const setting = opts.every !== undefined || opts.everySeconds !== undefined || opts.keep !== undefined || opts.hourly !== undefined || opts.daily !== undefined;
      if (setting && opts.off) throw new UsageError('--off cannot be combined with policy options');
      await withStore(file, { readOnly: !(setting || opts.off) }, async (store) => {
        let policy = store.snapshotPolicy();
        if (opts.off) policy = store.setSnapshotPolicy(null);
        else if (setting) {
          const input: SnapshotPolicyInput = {
            ...(opts.every !== undefined ? { everyCommits: opts.every } : {}), ...(opts.everySeconds !== undefined ? { everySeconds: opts.everySeconds } : {}),
            ...(opts.keep !== undefined ? { keepLast: opts.keep } : {}), ...(opts.hourly !== undefined ? { hourly: opts.hourly } : {}),
            ...(opts.daily !== undefined ? { daily: opts.daily } : {}),
          };
          policy = store.setSnapshotPolicy(input);
        }
        await ctx.out.line(opts.json ? jsonLine(policy) : describePolicy(policy));
      });
    });

  program
    .command('snapshots')
    .description('list snapshots, oldest first')
    .argument('<file>', 'store file')
    .option('--json', 'one JSON object per snapshot')
    .action(async (file: string, opts: { json?: boolean }) => {
      await withStore(file, { readOnly: true }, async (store) => {
        const snaps: SnapshotInfo[] = store.snapshots();
        if (opts.json) {
          for (const s of snaps) await ctx.out.line(jsonLine(s));
          return;
        }
        const policy = store.snapshotPolicy();
        if (snaps.length === 0) {
          await ctx.out.line(`no snapshots (create one with \`${cliCommand()} snapshot FILE NAME\`)`);
          if (policy) await ctx.out.line(describePolicy(policy));
          return;
        }
        const width = Math.max(...snaps.map((s) => s.name.length));
        for (const s of snaps) {
          // Automatic (policy) snapshots are marked: retention may remove them, never a user's.
          const kind = s.automatic ? '  (automatic)' : '';
          await ctx.out.line(truncate(`${s.name.padEnd(width)}  version ${String(s.version).padEnd(6)} ${formatTime(s.time)}${kind}${s.message ? `  ${s.message}` : ''}`, ctx.out.width));
        }
        if (policy || snaps.some((s) => s.automatic)) await ctx.out.line(describePolicy(policy));
      });
    });

  program
    .command('branch')
    .description('create branch NAME (from the head or --from VERSION); without NAME, list branches')
    .argument('<file>', 'store file')
    .argument('[name]', 'branch to create')
    .option('--from <version>', 'start the branch at this version id, snapshot or branch')
    .option('--delete', 'delete branch NAME instead')
    .option('--json', 'list as one JSON object per branch')
    .action(async (file: string, name: string | undefined, opts: { from?: string; delete?: boolean; json?: boolean }) => {
      if (name === undefined && (opts.from !== undefined || opts.delete)) {
        throw new UsageError(`${opts.delete ? '--delete' : '--from'} needs a branch NAME`);
      }
      await withStore(file, { readOnly: name === undefined }, async (store) => {
        if (name !== undefined) {
          if (opts.delete) {
            store.deleteBranch(name);
            await ctx.out.line(`deleted branch ${name}`);
            return;
          }
          const b = store.branch(name, opts.from !== undefined ? { from: opts.from } : {});
          await ctx.out.line(`branch ${b.name} → version ${b.head}`);
          return;
        }
        const current = store.info().branch;
        const branches = store.branches();
        if (opts.json) {
          for (const b of branches) await ctx.out.line(jsonLine({ ...b, default: b.name === current }));
          return;
        }
        const width = Math.max(...branches.map((b) => b.name.length));
        for (const b of branches) {
          const head = store.head(b.name);
          const line = `${b.name === current ? '*' : ' '} ${b.name.padEnd(width)}  version ${String(b.head).padEnd(6)} ${head.message}`;
          await ctx.out.line(truncate(line.trimEnd(), ctx.out.width));
        }
      });
    });

  program
    .command('log')
    .description('list versions newest first, with branch heads and snapshots')
    .argument('<file>', 'store file')
    .option('--graph', 'draw the lineage as a graph')
    .option('--json', 'one JSON object per version (with its labels)')
    .addOption(new Option('-n, --limit <n>', 'show only the newest N versions').argParser(parsePositiveInt))
    .action(async (file: string, opts: LogOptions) => {
      await withStore(file, { readOnly: true }, async (store) => {
        let versions = store.versions();
        if (opts.limit !== undefined) versions = versions.slice(0, opts.limit);
        const labels = labelsByVersion(store);
        if (opts.json) {
          for (const v of versions) {
            const names = labels.get(v.id) ?? [];
            await ctx.out.line(jsonLine({
              ...v,
              branches: names.filter((n) => !n.startsWith('snapshot ') && !n.startsWith('auto-snapshot ')),
              snapshots: names.filter((n) => n.startsWith('snapshot ')).map((n) => n.slice('snapshot '.length)),
              automaticSnapshots: names.filter((n) => n.startsWith('auto-snapshot ')).map((n) => n.slice('auto-snapshot '.length)),
            }));
          }
          return;
        }
        const describe = (v: VersionInfo): string => {
          const names = labels.get(v.id);
          const tag = names ? ` (${names.join(', ')})` : '';
          // A merge commit names both parents: the branch it was made on, then the one merged in.
          const merge = v.parents.length > 1 ? `  merge of ${v.parents.map((p) => `#${p}`).join(' + ')}` : '';
          return `${v.id}${tag}  ${formatTime(v.time)}  ${v.message || '(no message)'}${merge}  [${describeStats(v)}]`;
        };
        const policy = store.snapshotPolicy();
        if (policy) await ctx.out.line(describePolicy(policy));
        if (!opts.graph) {
          for (const v of versions) await ctx.out.line(truncate(describe(v), ctx.out.width));
          return;
        }
        for (const row of layoutGraph(versions)) {
          const text = row.kind === 'version' ? `${row.lanes} ${describe(versions[row.index])}` : row.lanes;
          await ctx.out.line(truncate(text, ctx.out.width));
        }
      });
    });

  program
    .command('diff')
    .description('key-level changes from version A to version B (ids, snapshots or branches)')
    .argument('<file>', 'store file')
    .argument('<a>', 'the older version')
    .argument('<b>', 'the newer version')
    .option('--prefix <prefix>', 'only keys starting with PREFIX: a string (user:01) is a text prefix of the first element, an array (["orders", 7]) a tuple prefix')
    .option('--json', 'one {"key", "change", "before", "after"} JSON line per change')
    .option('--stat', 'only count added, removed and changed records')
    .addOption(whereOption('changes whose value before or after (or, with changed(field), whose field)'))
    .addHelpText('after', QUERY_SYNTAX)
    .action(async (file: string, a: string, b: string, opts: DiffOptions) => {
      const prefix = opts.prefix !== undefined ? prefixArgument(opts.prefix) : undefined;
      const where = opts.where !== undefined ? whereArgument(opts.where) : undefined;
      await withStore(file, { readOnly: true }, async (store) => {
        const range = prefix !== undefined ? { prefix } : {};
        if (opts.stat && where) {
          // A filter needs the values, so the counts come from the filtered changes.
          const counts = { added: 0, removed: 0, changed: 0 };
          for await (const change of store.diffAsync(a, b, range)) if (changeMatches(where, change)) counts[change.type]++;
          await printDiffCounts(ctx, counts, opts.json === true);
          return;
        }
        if (opts.stat) {
          // Counts only: values (large ones live off-tree) are never read.
          await printDiffCounts(ctx, store.diffSummary(a, b, range), opts.json === true);
          return;
        }
        const marks: Record<ChangeKind, string> = { added: '+', removed: '-', changed: '~' };
        // The async form yields to the event loop between batches, so a wide diff streams.
        for await (const change of store.diffAsync(a, b, range)) {
          if (where && !changeMatches(where, change)) continue;
          const before = change.before ?? undefined;
          const after = change.after ?? undefined;
          if (opts.json) {
            // Keys and values in the exact text form, like dump's (big integers and -0 bare).
            await ctx.out.line(`{"key":${jsonText(keyToJsonValue(change.key))},"change":${JSON.stringify(change.type)}`
              + `${before !== undefined ? `,"before":${jsonText(valueToJsonValue(before))}` : ''}`
              + `${after !== undefined ? `,"after":${jsonText(valueToJsonValue(after))}` : ''}}`);
            continue;
          }
          const key = describeKey(change.key);
          const text = before !== undefined && after !== undefined
            ? renderChange(before, after)
            : renderValue((after ?? before) as Uint8Array);
          await ctx.out.line(truncate(`${marks[change.type]} ${key}  ${text}`, ctx.out.width));
        }
      });
    });
}
