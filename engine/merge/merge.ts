import { InvalidArgumentError } from '../errors';
import { compareKeys } from '../tree/keys';
import { encodeValue } from '../records/value';
import type { DiffChange } from '../store/store';
import { mergeBase } from './merge-base';
import { inRanges, rangesSince } from './side-ranges';
import { conflictKind, decodeOrNull, mergeValues, sameValue, type FieldConflict } from './value-merge';
import type { CommitInfo } from '../store/transaction';
import type { MergeChoice, MergeConflict, MergedChange, MergeHost, MergeOptions, MergeResolver, MergeResult } from '../store/merge-types';

export type { MergeHost } from '../store/merge-types';

/** The changes and conflicts of a three-way merge, before anything is written. */
export interface ThreeWay {
  readonly changes: MergedChange[];
  readonly conflicts: MergeConflict[];
  /** Whether both sides' range deletes since the base were all recorded (see {@link MergeResult.rangesKnown}). */
  readonly rangesKnown: boolean;
}

/**
 * Three-way merge of `theirs` into branch `into` (default: the default branch).
 *
 * - Their version already in ours (the base is theirs): `up-to-date`, nothing written.
 * - Our head is an ancestor of theirs: `fast-forward`, the branch head moves to theirs (one
 *   catalog record, no new version); `changes` is the diff from our head to theirs.
 * - No common ancestor left: InvalidArgumentError (a merge without a base would compare whole
 *   stores, which is a scan, not a merge).
 * - Otherwise {@link threeWay}; then, unless `dryRun` or conflicts remain, one commit on the
 *   branch with parents [ours, theirs] — even when it changes no key, so that the next merge
 *   of the same branch starts from theirs.
 *
 * O(changes · height) node reads for the two diffs and the commit, plus O(v log v) in memory
 * to find the base and each side's range deletes since it (v: versions newer than the base).
 */
export function mergeVersions(host: MergeHost, theirsRef: number | string, opts: MergeOptions = {}): MergeResult {
  const into = opts.into ?? host.defaultBranch;
  const message = checkMessage(opts.message);
  const oursId = host.branchHead(into);
  const theirs = host.version(theirsRef);
  const baseId = mergeBase((id) => host.parentsOf(id), oursId, theirs.id);
  if (baseId === null) {
    throw new InvalidArgumentError(`branch ${into} (#${oursId}) and #${theirs.id} have no common ancestor (never related, or their common history was compacted away): nothing to merge against`);
  }
  const base = host.version(baseId);
  // Up-to-date and fast-forward take no decision about a key: nothing a range could change.
  if (baseId === theirs.id) return { status: 'up-to-date', base, changes: [], conflicts: [], rangesKnown: true };
  if (baseId === oursId) {
    const changes = fastForwardChanges(host, oursId, theirs.id);
    if (opts.dryRun) return { status: 'dry-run', base, changes, conflicts: [], rangesKnown: true };
    host.moveBranch(into, theirs.id);
    return { status: 'fast-forward', base, changes, conflicts: [], rangesKnown: true, version: theirs };
  }
  const { changes, conflicts, rangesKnown } = threeWay(host, baseId, oursId, theirs.id, opts.resolve);
  if (opts.dryRun) return { status: 'dry-run', base, changes, conflicts, rangesKnown };
  if (conflicts.length > 0) return { status: 'conflicts', base, changes, conflicts, rangesKnown };
  const info = writeChanges(host, into, changes, message ?? `merge ${typeof theirsRef === 'string' ? theirsRef : `#${theirs.id}`} into ${into}`, theirs.id);
  return { status: 'merged', base, changes, conflicts, rangesKnown, version: host.version(info.version) };
}

/** The commit message option, checked (InvalidArgumentError unless a string or absent). O(1). */
export function checkMessage(message: unknown): string | undefined {
  if (message !== undefined && typeof message !== 'string') throw new InvalidArgumentError('merge message must be a string');
  return message;
}

/** Stages `changes` on `branch` in one transaction and commits it. O(changes · height). */
export function writeChanges(host: MergeHost, branch: string, changes: readonly MergedChange[], message: string, mergedParent?: number): CommitInfo {
  const tx = host.begin(branch);
  try {
    for (const c of changes) {
      if (c.from === 'both') continue;
      if (c.after === undefined) tx.delete(c.key);
      else tx.put(c.key, c.after);
    }
  } catch (e) {
    tx.abort();
    throw e;
  }
  return host.commit(tx, message, mergedParent);
}

function fastForwardChanges(host: MergeHost, from: number, to: number): MergedChange[] {
  const out: MergedChange[] = [];
  for (const c of host.diff(from, to)) out.push(withValues(c.key, c.before ?? undefined, c.after ?? undefined, 'theirs'));
  return out;
}

/** A change with only the values that are present (exactOptionalPropertyTypes-friendly plain data). */
function withValues(key: Buffer, before: Buffer | undefined, after: Buffer | undefined, from: MergedChange['from'], fields?: readonly (readonly (string | number)[])[]): MergedChange {
  return { key, ...(before !== undefined && { before }), ...(after !== undefined && { after }), from, ...(fields !== undefined && { fields }) };
}

/** The resolver as a function (undefined: none). */
function resolverOf(resolve: MergeResolver | undefined): (c: MergeConflict) => MergeChoice | undefined {
  if (resolve === undefined) return () => undefined;
  if (resolve === 'ours' || resolve === 'theirs') {
    const take = resolve;
    return () => ({ take });
  }
  if (typeof resolve !== 'function') throw new InvalidArgumentError(`resolve must be 'ours', 'theirs' or a function`);
  return (c) => checkChoice(resolve(c), c);
}

/** A resolver's answer, checked: one of the four choices, or undefined. O(1). */
function checkChoice(choice: unknown, c: MergeConflict): MergeChoice | undefined {
  if (choice === undefined) return undefined;
  const x = choice as Record<string, unknown>;
  const ok = typeof choice === 'object' && choice !== null
    && ((x.take === 'ours' || x.take === 'theirs') || x.value instanceof Uint8Array || x.delete === true);
  if (!ok) {
    throw new InvalidArgumentError(`resolve returned ${JSON.stringify(choice) ?? String(choice)} for the conflict at ${JSON.stringify(c.path)} of key ${c.key.toString('hex')}: give { take: 'ours' | 'theirs' }, { value: <MessagePack bytes> }, { delete: true } or undefined`);
  }
  return choice as MergeChoice;
}

/**
 * The merge itself: the diffs base→ours and base→theirs, streamed and walked together in key
 * order (each O(changes · height) node reads; keys neither side changed are never visited).
 * A key only we changed is left alone; a key only they changed takes their value; a key both
 * changed the same way is taken once (`from: 'both'`); a key both changed differently merges
 * field by field when its values are MessagePack maps ({@link mergeValues}), and otherwise is
 * one conflict on the whole value. Conflicts go to `resolve` in key order.
 *
 * Range deletes: the ranges each side deleted since the base come from the catalog
 * ({@link rangesSince}, O(versions since the fork), no node read). A key one side writes (adds
 * or modifies) that is absent at the other side's head and lies in a range the other side
 * deleted is a whole-value conflict, `range-delete-write` when we deleted the range and
 * `write-range-delete` when they did: the deleting side meant "nothing here", which a state
 * diff cannot tell apart from a key that was never there, for a key added on the other side. `ours` keeps our
 * side (the key stays deleted, or our write stays), `theirs` takes theirs.
 * O(changes · (height + log ranges)) in all.
 */
export function threeWay(host: MergeHost, baseId: number, oursId: number, theirsId: number, resolve: MergeResolver | undefined): ThreeWay {
  const settle = resolverOf(resolve);
  const changes: MergedChange[] = [];
  const conflicts: MergeConflict[] = [];
  const ourRanges = rangesSince(host.parentsOf.bind(host), host.rangesOf.bind(host), oursId, baseId);
  const theirRanges = rangesSince(host.parentsOf.bind(host), host.rangesOf.bind(host), theirsId, baseId);
  const ours = host.diff(baseId, oursId)[Symbol.iterator]();
  const theirs = host.diff(baseId, theirsId)[Symbol.iterator]();
  let o = ours.next();
  let t = theirs.next();
  // Our changes matter past their last change only when they deleted a range ours may write in.
  while (!t.done || (!o.done && theirRanges.ranges.length > 0)) {
    const c = o.done ? 1 : t.done ? -1 : compareKeys(o.value.key, t.value.key);
    if (c < 0) {
      // Only we changed it: our head already has it, unless we added it in a range they deleted.
      const oc = o.value as DiffChange;
      if (oc.after !== null && oc.before === null && inRanges(theirRanges.ranges, oc.key)) {
        settleWhole({ key: oc.key, path: [], kind: 'write-range-delete', ours: oc.after }, oc.after, undefined, settle, changes, conflicts);
      }
      o = ours.next();
      continue;
    }
    const tc = t.value as DiffChange;
    if (c > 0) {
      // Only they changed it; a write absent from our head (so absent at the base) inside a range we deleted conflicts.
      if (tc.after !== null && tc.before === null && inRanges(ourRanges.ranges, tc.key)) {
        settleWhole({ key: tc.key, path: [], kind: 'range-delete-write', theirs: tc.after }, undefined, tc.after, settle, changes, conflicts);
      } else changes.push(withValues(tc.key, tc.before ?? undefined, tc.after ?? undefined, 'theirs'));
    } else {
      const oc = o.value as DiffChange;
      const kind = oc.after === null && tc.after !== null && inRanges(ourRanges.ranges, tc.key) ? 'range-delete-write'
        : oc.after !== null && tc.after === null && inRanges(theirRanges.ranges, tc.key) ? 'write-range-delete' : null;
      if (kind !== null) {
        settleWhole({ key: tc.key, path: [], kind, ...present({ base: tc.before ?? undefined, ours: oc.after ?? undefined, theirs: tc.after ?? undefined }) }, oc.after ?? undefined, tc.after ?? undefined, settle, changes, conflicts);
      } else bothChanged(tc.key, tc.before ?? undefined, oc.after ?? undefined, tc.after ?? undefined, settle, changes, conflicts);
      o = ours.next();
    }
    t = theirs.next();
  }
  return { changes, conflicts, rangesKnown: ourRanges.known && theirRanges.known };
}

/** A conflict on a whole value: settled by `resolve` into a change (when it differs from ours), or left. */
function settleWhole(
  conflict: MergeConflict, ours: Buffer | undefined, theirs: Buffer | undefined,
  settle: (c: MergeConflict) => MergeChoice | undefined, changes: MergedChange[], conflicts: MergeConflict[],
): void {
  const choice = settle(conflict);
  if (choice === undefined) {
    conflicts.push(conflict);
    return;
  }
  const after = 'value' in choice ? Buffer.from(choice.value) : 'delete' in choice ? undefined : choice.take === 'ours' ? ours : theirs;
  if (!sameBytes(after, ours)) changes.push(withValues(conflict.key, ours, after, 'resolved'));
}

/** A key both sides changed: same change, field-level merge, or conflict. */
function bothChanged(
  key: Buffer, base: Buffer | undefined, ours: Buffer | undefined, theirs: Buffer | undefined,
  settle: (c: MergeConflict) => MergeChoice | undefined, changes: MergedChange[], conflicts: MergeConflict[],
): void {
  if (ours === undefined ? theirs === undefined : theirs !== undefined && ours.equals(theirs)) {
    changes.push(withValues(key, ours, ours, 'both'));
    return;
  }
  const db = decodeOrNull(base);
  const dO = decodeOrNull(ours);
  const dt = decodeOrNull(theirs);
  if (!db || !dO || !dt) {
    // Not Thunderhead values: the bytes conflict as a whole.
    settleWhole({ key, path: [], kind: conflictKind(base, ours, theirs), ...present({ base, ours, theirs }) }, ours, theirs, settle, changes, conflicts);
    return;
  }
  const tie = (c: FieldConflict): MergeConflict => ({ key, path: c.path, kind: c.kind, ...present({ base: c.base, ours: c.ours, theirs: c.theirs }) });
  const tied = new Map<FieldConflict, MergeConflict>();
  const outcome = mergeValues(db.v, dO.v, dt.v, (c) => {
    const mc = tie(c);
    tied.set(c, mc);
    return settle(mc);
  });
  if (outcome.conflicts.length > 0) {
    for (const c of outcome.conflicts) conflicts.push(tied.get(c) as MergeConflict);
    return;
  }
  // Merged back to what we have (every conflict settled with ours, say): nothing to write.
  if (sameValue(outcome.value, dO.v)) return;
  const after = outcome.value === undefined ? undefined : encodeValue(outcome.value);
  if ([...tied.values()].some((c) => c.path.length === 0)) changes.push(withValues(key, ours, after, 'resolved'));
  else if (outcome.fields.some((f) => f.length === 0)) changes.push(withValues(key, ours, after, 'theirs'));
  else changes.push(withValues(key, ours, after, 'fields', outcome.fields));
}

function sameBytes(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === undefined ? b === undefined : b !== undefined && a.equals(b);
}

function present(x: { base?: Buffer; ours?: Buffer; theirs?: Buffer }): { base?: Buffer; ours?: Buffer; theirs?: Buffer } {
  return { ...(x.base !== undefined && { base: x.base }), ...(x.ours !== undefined && { ours: x.ours }), ...(x.theirs !== undefined && { theirs: x.theirs }) };
}

