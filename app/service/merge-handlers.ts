/**
 * Handlers of the merge methods (`app/contract/merge.ts`, issue 17) on the engine's `merge`,
 * `cherryPick` and `mergeBase`.
 *
 * A preview is the engine's dry run, kept as the store's pending merge: the heads it was
 * computed on and the identity of every conflict. A commit runs the same merge for real with
 * the person's resolutions, and only while both heads are still the ones previewed, so what was
 * reviewed is what is written. Abort forgets the pending merge; nothing was written before the
 * commit, so nothing is left behind.
 */
import { MERGE_CHANGES_MAX, MERGE_CONFLICTS_MAX, MERGE_VALUE_FULL_BYTES, VALUE_PREVIEW_BYTES, conflictId } from '../contract';
import type { FieldPath, MergeChangeData, MergeCommitResult, MergeConflictData, MergePreviewResult, MergeResolutionInput, MergeStatus, ValueView, VersionRef, mergeMethods } from '../contract';
import type { HandlersOf, OpenStore, ServiceContext } from './context';
import { decodeValueBytes, encodeValueJson } from './engine';
import type { MergeChoice, MergeConflict, MergeResult, Store } from './engine';
import { describeKey } from './edit-handlers';
import { ServiceError } from './errors';
import { PREVIEW_LIMITS, fromHex, infoData, keyView, toHex, valueView, versionData } from './contract-data';

/** A preview the service holds until it is committed or aborted. */
interface PendingMerge {
  readonly kind: 'merge' | 'cherry-pick';
  /** The merged ref as the request named it (a branch name, or an id). */
  readonly theirsRef: VersionRef;
  readonly theirs: number;
  readonly into: string;
  readonly ours: number;
  /** Every conflict's id ({@link conflictId}), listed or not. */
  readonly conflicts: ReadonlySet<string>;
  readonly message: string;
}

/** A path as people read it: `address.city`, `tags[1]`; `(whole value)` for []. O(path). */
export function describePath(path: FieldPath): string {
  if (path.length === 0) return '(whole value)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** The branch a request names, or the store's default; VERSION_NOT_FOUND when there is no such branch. */
function branchOf(store: Store, name: string | undefined): string {
  const branch = name ?? store.defaultBranch;
  if (!store.branches().some((b) => b.name === branch)) throw new ServiceError('VERSION_NOT_FOUND', `no branch named ${JSON.stringify(branch)}`);
  return branch;
}

/**
 * What a preview's status says. The engine's dry run says 'dry-run' whatever the merge would do,
 * so a merge is told apart by its base: theirs itself (nothing to bring: up to date) or our head
 * (the target has nothing of its own: a fast-forward). O(1).
 */
function statusOf(kind: PendingMerge['kind'], result: MergeResult, ours: number, theirs: number): MergeStatus {
  if (result.status === 'up-to-date' || result.status === 'fast-forward') return result.status;
  if (kind === 'merge' && result.base !== null) {
    if (result.base.id === theirs) return 'up-to-date';
    if (result.base.id === ours) return 'fast-forward';
  }
  return result.conflicts.length > 0 ? 'conflicts' : 'clean';
}

/** A conflicting field's value: full JSON for the editor while small, a preview beyond. */
function fieldView(bytes: Buffer | undefined): ValueView | null {
  if (bytes === undefined) return null;
  return valueView(bytes, bytes.length, false, VALUE_PREVIEW_BYTES, bytes.length > MERGE_VALUE_FULL_BYTES ? PREVIEW_LIMITS : undefined);
}

function conflictData(c: MergeConflict): MergeConflictData {
  const key = keyView(c.key);
  return { id: conflictId(key.hex, c.path), key, path: [...c.path], kind: c.kind, base: fieldView(c.base), ours: fieldView(c.ours), theirs: fieldView(c.theirs) };
}

/**
 * The handlers, given the service's context. Previews and commits cost what the engine's merge
 * costs, O(changes · height) node reads, plus O(conflicts) to check resolutions.
 */
export function mergeHandlers(context: ServiceContext): HandlersOf<keyof typeof mergeMethods> {
  const pending = new Map<string, PendingMerge>();

  const pendingOf = (open: OpenStore): PendingMerge | undefined => {
    // Forget the pending merges of stores that were closed since.
    for (const id of pending.keys()) if (!context.stores.has(id)) pending.delete(id);
    return pending.get(open.id);
  };

  const preview = (open: OpenStore, kind: PendingMerge['kind'], theirsRef: VersionRef, into: string, result: MergeResult, theirs: number, message: string): MergePreviewResult => {
    const store = open.store;
    const blob = store.params.blobThreshold;
    const view = (v: Buffer | undefined) => (v === undefined ? null : valueView(v, v.length, v.length > blob, VALUE_PREVIEW_BYTES, PREVIEW_LIMITS));
    const changes: MergeChangeData[] = result.changes.slice(0, MERGE_CHANGES_MAX).map((c) => ({
      key: keyView(c.key),
      type: c.before === undefined ? 'added' : c.after === undefined ? 'removed' : 'changed',
      before: view(c.before),
      after: view(c.after),
      from: c.from,
      ...(c.fields ? { fields: c.fields.map((f) => [...f]) } : {}),
    }));
    const conflicts = result.conflicts.slice(0, MERGE_CONFLICTS_MAX).map(conflictData);
    const ours = store.head(into).id;
    pending.set(open.id, {
      kind,
      theirsRef,
      theirs,
      into,
      ours,
      conflicts: new Set(result.conflicts.map((c) => conflictId(toHex(c.key), c.path))),
      message,
    });
    return {
      kind,
      status: statusOf(kind, result, ours, theirs),
      into,
      ours,
      theirs,
      base: result.base ? versionData(result.base) : null,
      changes,
      changeCount: result.changes.length,
      conflicts,
      conflictCount: result.conflicts.length,
      message,
      rangesKnown: result.rangesKnown,
    };
  };

  /**
   * The engine's resolve callback for a commit, after checking every resolution names a
   * conflict of the pending merge and every conflict has one (or `others` covers it).
   */
  const resolver = (p: PendingMerge, resolutions: readonly MergeResolutionInput[], others: 'ours' | 'theirs' | undefined): ((c: MergeConflict) => MergeChoice | undefined) => {
    const choices = new Map<string, MergeChoice>();
    for (const r of resolutions) {
      const id = conflictId(r.key.toLowerCase(), r.path);
      const where = `${describeKey(fromHex(r.key))} ${describePath(r.path)}`;
      if (!p.conflicts.has(id)) throw new ServiceError('INVALID_ARGUMENT', `the resolution for ${where} names no conflict of this ${p.kind}; preview it again`);
      if (choices.has(id)) throw new ServiceError('INVALID_ARGUMENT', `${where} is resolved twice; give one resolution per conflict`);
      choices.set(id, choiceOf(r, where));
    }
    if (others === undefined && choices.size < p.conflicts.size) {
      const missing = [...p.conflicts].filter((id) => !choices.has(id));
      throw new ServiceError('CONFLICT', `${missing.length} conflict(s) have no resolution; nothing was written. Resolve each with ours, theirs or a value`);
    }
    return (c) => choices.get(conflictId(toHex(c.key), c.path)) ?? (others ? { take: others } : undefined);
  };

  /** Checks the pending merge is the one named and that neither head moved since it was previewed. */
  const checkPending = (open: OpenStore, kind: PendingMerge['kind'], theirsRef: VersionRef, into: string, theirs: number): PendingMerge => {
    const p = pendingOf(open);
    const what = kind === 'merge' ? `a merge of ${String(theirsRef)} into ${into}` : `a cherry-pick of #${String(theirsRef)} onto ${into}`;
    if (!p || p.kind !== kind || p.into !== into || String(p.theirsRef) !== String(theirsRef)) {
      throw new ServiceError('INVALID_ARGUMENT', `no preview of ${what} is pending; preview it first`);
    }
    const ours = open.store.head(into).id;
    if (ours !== p.ours || theirs !== p.theirs) {
      throw new ServiceError('CONFLICT', `${ours !== p.ours ? `${into}'s head is now #${ours}, not #${p.ours}` : `${String(theirsRef)} is now #${theirs}, not #${p.theirs}`} as previewed; nothing was written. Preview again`);
    }
    return p;
  };

  /** After a write: the service's views refetch, and the result says where the head is. */
  const written = (open: OpenStore, status: MergeCommitResult['status'], version: number, branch: string, keys: number): MergeCommitResult => {
    pending.delete(open.id);
    const info = infoData(open.store.info());
    const previousVersion = open.version;
    open.version = info.head.id;
    context.emit({ type: 'store.changed', storeId: open.id, version: info.head.id, previousVersion, info });
    context.emit({ type: 'versions.changed', storeId: open.id, reason: 'branch' });
    return { status, version, branch, keys, info };
  };

  const writable = (open: OpenStore, what: string): Store => {
    if (open.readOnly) throw new ServiceError('READ_ONLY', `${what} needs edit mode; switch the store to Edit first`);
    return open.store;
  };

  /**
   * A merge or cherry-pick that wrote nothing is refused in one line: nothing to apply (the
   * pending preview is dropped; `nothing` says why) or conflicts still unresolved. O(1).
   */
  const refuseUnwritten = (open: OpenStore, result: MergeResult, nothing: string): void => {
    if (result.status === 'up-to-date') {
      pending.delete(open.id);
      throw new ServiceError('INVALID_ARGUMENT', nothing);
    }
    if (result.status === 'conflicts' || result.status === 'dry-run') {
      throw new ServiceError('CONFLICT', `${result.conflicts.length} conflict(s) are still unresolved; nothing was written. Preview again`);
    }
  };

  return {
    'merge.base': ({ storeId, a, b }) => {
      const { store } = context.get(storeId);
      const ia = store.at(a).version;
      const ib = store.at(b).version;
      const base = store.mergeBase(ia, ib);
      return { base: base ? versionData(base) : null, a: ia, b: ib };
    },

    'merge.preview': ({ storeId, theirs, into }) => {
      const open = context.get(storeId);
      const store = open.store;
      const target = branchOf(store, into);
      const theirsId = store.at(theirs).version;
      const result = store.merge(theirsId, { into: target, dryRun: true });
      const name = typeof theirs === 'number' ? `#${theirs}` : theirs;
      return preview(open, 'merge', theirs, target, result, theirsId, `Merge ${name} into ${target}`);
    },

    'merge.commit': ({ storeId, theirs, into, message, resolutions, others }) => {
      const open = context.get(storeId);
      const store = writable(open, 'Merging');
      const target = branchOf(store, into);
      const p = checkPending(open, 'merge', theirs, target, store.at(theirs).version);
      const resolve = resolver(p, resolutions, others);
      const result = store.merge(p.theirs, { into: target, message: message ?? p.message, resolve });
      refuseUnwritten(open, result, `${target} already holds everything of ${String(theirs)}: there is nothing to merge`);
      const version = result.version?.id ?? store.head(target).id;
      return written(open, result.status === 'merged' ? 'merged' : 'fast-forward', version, target, result.changes.length);
    },

    'merge.abort': ({ storeId }) => {
      const open = context.get(storeId);
      const had = pendingOf(open) !== undefined;
      pending.delete(open.id);
      return { aborted: had };
    },

    'merge.cherryPickPreview': ({ storeId, version, onto }) => {
      const open = context.get(storeId);
      const store = open.store;
      const target = branchOf(store, onto);
      const picked = store.at(version).version;
      const result = store.cherryPick(picked, { onto: target, dryRun: true });
      const of = store.versions().find((v) => v.id === picked);
      return preview(open, 'cherry-pick', version, target, result, picked, `Cherry-pick #${picked}${of?.message ? `: ${of.message}` : ''}`);
    },

    'merge.cherryPick': ({ storeId, version, onto, message, resolutions, others }) => {
      const open = context.get(storeId);
      const store = writable(open, 'Cherry-picking');
      const target = branchOf(store, onto);
      const p = checkPending(open, 'cherry-pick', version, target, store.at(version).version);
      const resolve = resolver(p, resolutions, others);
      const result = store.cherryPick(p.theirs, { onto: target, message: message ?? p.message, resolve });
      refuseUnwritten(open, result, `${target} already holds what #${p.theirs} changed: there is nothing to apply`);
      const id = result.version?.id ?? store.head(target).id;
      return written(open, 'picked', id, target, result.changes.length);
    },
  };
}

/** A resolution as the engine takes it; an edited value is encoded by the records layer (numbers exact). */
function choiceOf(r: MergeResolutionInput, where: string): MergeChoice {
  if ('take' in r) return { take: r.take };
  if ('delete' in r) return { delete: true };
  if ('hex' in r.value) {
    const bytes = fromHex(r.value.hex);
    // A field of a document must itself be a value the records layer can read back.
    if (r.path.length > 0) {
      try {
        decodeValueBytes(bytes);
      } catch {
        throw new ServiceError('INVALID_ARGUMENT', `the value for ${where} is not a Thunderhead (msgpack) value`);
      }
    }
    return { value: bytes };
  }
  try {
    return { value: encodeValueJson(r.value.json) };
  } catch (error) {
    throw new ServiceError('INVALID_ARGUMENT', `the value for ${where}: ${(error as Error).message.split('\n', 1)[0]}`);
  }
}
