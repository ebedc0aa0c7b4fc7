/**
 * Merge commands (issue 17): `merge`, `merge-base`, `cherry-pick`. Conflicts are listed one per
 * line (key, field path, kind — `range-delete-write` / `write-range-delete` for a write inside a
 * range the other side deleted); a merge that leaves any unresolved writes nothing and exits 1.
 */
import { Command } from 'commander';
import type { MergeConflict, MergedChange, MergeResolver, MergeResult, Store } from '../../../engine/index';
import type { CommandContext } from '../context';
import { CliError, UsageError } from '../errors';
import { cliCommand } from '../invocation';
import { jsonText, keyToJsonValue, valueToJsonValue } from '../records';
import { describeKey, formatTime, jsonLine, renderChange, renderValue, truncate } from '../render';
import { withStore } from '../store-access';

interface MergeCliOptions { into?: string; onto?: string; dryRun?: boolean; ours?: boolean; theirs?: boolean; json?: boolean; message?: string }

/** `--ours` / `--theirs` as a resolver (both at once is a usage error). */
function resolverOf(opts: MergeCliOptions): MergeResolver | undefined {
  if (opts.ours && opts.theirs) throw new UsageError('--ours and --theirs exclude each other');
  return opts.ours ? 'ours' : opts.theirs ? 'theirs' : undefined;
}

/** A field path as text: `address.zip`, or `(whole value)` for the empty path. */
export function describePath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(whole value)';
  return path.map((p) => (typeof p === 'string' && /^[\w-]+$/.test(p) ? p : JSON.stringify(p))).join('.');
}

/** A value's exact JSON text; values that are not Thunderhead values as {"hex": …}. */
function valueJson(v: Uint8Array | undefined): string | undefined {
  if (v === undefined) return undefined;
  try {
    return jsonText(valueToJsonValue(v));
  } catch {
    return JSON.stringify({ hex: Buffer.from(v).toString('hex') });
  }
}

function jsonFields(fields: Record<string, string | undefined>): string {
  return Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',');
}

function conflictLine(c: MergeConflict, json: boolean): string {
  if (json) {
    return `{${jsonFields({
      key: jsonText(keyToJsonValue(c.key)), conflict: JSON.stringify(c.kind), path: JSON.stringify(c.path),
      base: valueJson(c.base), ours: valueJson(c.ours), theirs: valueJson(c.theirs),
    })}}`;
  }
  return `conflict ${describeKey(c.key)}  ${describePath(c.path)}  ${c.kind}`;
}

function changeLine(c: MergedChange, json: boolean): string {
  if (json) {
    return `{${jsonFields({
      key: jsonText(keyToJsonValue(c.key)), from: JSON.stringify(c.from), fields: c.fields && JSON.stringify(c.fields),
      before: valueJson(c.before), after: valueJson(c.after),
    })}}`;
  }
  const mark = c.after === undefined ? '-' : c.before === undefined ? '+' : '~';
  const text = c.before !== undefined && c.after !== undefined ? renderChange(c.before, c.after) : renderValue((c.after ?? c.before) as Uint8Array);
  const how = c.from === 'fields' ? `fields ${(c.fields ?? []).map(describePath).join(', ')}` : c.from;
  return `${mark} ${describeKey(c.key)}  ${text}  (${how})`;
}

/** Counts of a result's changes by where they came from, as text. */
function describeChanges(changes: readonly MergedChange[]): string {
  const written = changes.filter((c) => c.from !== 'both');
  const by = (from: MergedChange['from']): number => changes.filter((c) => c.from === from).length;
  const parts = [`${by('theirs')} from theirs`, `${by('fields')} merged field by field`, `${by('resolved')} resolved`, `${by('both')} already the same on both sides`];
  return `${written.length} key${written.length === 1 ? '' : 's'} written (${parts.join(', ')})`;
}

/** Said when a side's range deletes were not all recorded (MergeResult.rangesKnown false). */
const UNKNOWN_RANGES_NOTE = 'note: some range deletes since the fork were not recorded (made before format 3, or too many in one commit): a key added inside one of them is taken without a conflict';

/**
 * Prints a merge or cherry-pick result: with --json one line per change and conflict and a
 * summary object; otherwise the changes (dry run only), the conflicts, and one summary line.
 * Unresolved conflicts end in a CliError (exit 1) after the list.
 */
async function printResult(ctx: CommandContext, store: Store, r: MergeResult, what: { verb: string; target: string; json: boolean; merge: boolean }): Promise<void> {
  const { json } = what;
  if (json || r.status === 'dry-run') for (const c of r.changes) await ctx.out.line(json ? changeLine(c, true) : truncate(changeLine(c, false), ctx.out.width));
  for (const c of r.conflicts) await ctx.out.line(json ? conflictLine(c, true) : truncate(conflictLine(c, false), ctx.out.width));
  if (json) {
    await ctx.out.line(jsonLine({
      status: r.status, base: r.base?.id ?? null, version: r.version?.id ?? null, parents: r.version?.parents ?? null,
      changes: r.changes.filter((c) => c.from !== 'both').length, conflicts: r.conflicts.length, rangesKnown: r.rangesKnown,
    }));
  } else if (!r.rangesKnown) await ctx.out.line(UNKNOWN_RANGES_NOTE);
  if (json) {
    // The summary object above is the last line.
  } else if (r.status === 'up-to-date') await ctx.out.line(`already up to date: ${what.target} has nothing to take`);
  else if (r.status === 'fast-forward') await ctx.out.line(`fast-forward ${what.target} to version ${r.version?.id}: ${describeChanges(r.changes)}`);
  else if (r.status === 'merged') {
    const v = r.version;
    await ctx.out.line(`${what.verb} into ${what.target}: version ${v?.id} (parent${(v?.parents.length ?? 0) > 1 ? 's' : ''} ${v?.parents.map((p) => `#${p}`).join(', ')}); ${describeChanges(r.changes)}`);
  } else if (r.status === 'dry-run' && r.conflicts.length === 0) {
    await ctx.out.line(`dry run: ${what.merge && r.base !== null && store.head(what.target).id === r.base.id ? 'would fast-forward' : 'would commit'}; ${describeChanges(r.changes)}; nothing written`);
  }
  if (r.conflicts.length > 0) {
    const n = r.conflicts.length;
    throw new CliError(`${n} conflict${n === 1 ? '' : 's'} left unresolved: nothing was written (settle them all with --ours or --theirs, or one by one in the inspector: \`${cliCommand()} open FILE\`)`);
  }
}

/** Adds the merge commands to `program`. */
export function registerMergeCommands(program: Command, ctx: CommandContext): void {
  program
    .command('merge')
    .description('three-way merge of version THEIRS (a branch, snapshot or id) into a branch, field by field for documents; conflicts are listed and nothing is written unless --ours/--theirs settles them (exit 1)')
    .argument('<file>', 'store file')
    .argument('<theirs>', 'the version to merge: a branch, snapshot or version id')
    .option('--into <branch>', 'the branch to merge into (default: the default branch)')
    .option('--dry-run', 'show the changes and conflicts without writing anything')
    .option('--ours', 'settle every conflict with our side')
    .option('--theirs', 'settle every conflict with their side')
    .option('-m, --message <message>', 'message of the merge commit')
    .option('--json', 'one JSON line per change and per conflict, then a summary object')
    .action(async (file: string, theirs: string, opts: MergeCliOptions) => {
      const resolve = resolverOf(opts);
      await withStore(file, { readOnly: opts.dryRun === true }, async (store) => {
        const into = opts.into ?? store.info().branch;
        const r = store.merge(theirs, {
          into, ...(opts.dryRun && { dryRun: true }), ...(resolve && { resolve }), ...(opts.message !== undefined && { message: opts.message }),
        });
        await printResult(ctx, store, r, { verb: `merged ${theirs}`, target: into, json: opts.json === true, merge: true });
      });
    });

  program
    .command('merge-base')
    .description('the best common ancestor of versions A and B (branches, snapshots or ids): what a merge compares both sides with')
    .argument('<file>', 'store file')
    .argument('<a>', 'a branch, snapshot or version id')
    .argument('<b>', 'a branch, snapshot or version id')
    .option('--json', 'the version as one JSON object')
    .action(async (file: string, a: string, b: string, opts: { json?: boolean }) => {
      await withStore(file, { readOnly: true }, async (store) => {
        const base = store.mergeBase(a, b);
        if (!base) throw new CliError(`${a} and ${b} have no common ancestor (never related, or their common history was compacted away)`);
        await ctx.out.line(opts.json ? jsonLine(base) : truncate(`${base.id}  ${formatTime(base.time)}  ${base.message || '(no message)'}`, ctx.out.width));
      });
    });

  program
    .command('cherry-pick')
    .description('apply the changes of one VERSION (its diff against its first parent) onto a branch as a new commit, with the merge\'s conflict rules')
    .argument('<file>', 'store file')
    .argument('<version>', 'the version whose changes to apply: an id, snapshot or branch')
    .option('--onto <branch>', 'the branch to apply them to (default: the default branch)')
    .option('--dry-run', 'show the changes and conflicts without writing anything')
    .option('--ours', 'settle every conflict with the branch\'s side')
    .option('--theirs', 'settle every conflict with the picked version\'s side')
    .option('-m, --message <message>', 'message of the new commit')
    .option('--json', 'one JSON line per change and per conflict, then a summary object')
    .action(async (file: string, version: string, opts: MergeCliOptions) => {
      const resolve = resolverOf(opts);
      await withStore(file, { readOnly: opts.dryRun === true }, async (store) => {
        const onto = opts.onto ?? store.info().branch;
        const r = store.cherryPick(version, {
          onto, ...(opts.dryRun && { dryRun: true }), ...(resolve && { resolve }), ...(opts.message !== undefined && { message: opts.message }),
        });
        await printResult(ctx, store, r, { verb: `picked ${version}`, target: onto, json: opts.json === true, merge: false });
      });
    });
}
