/**
 * Handlers of the version methods (`app/contract/versions.ts`, issue 6) on the engine: the
 * lineage, snapshots, branches and references.
 */
import { REVERT_PREVIEW_ROWS, VALUE_PREVIEW_BYTES } from '../contract';
import type { LineageVersion, RefResolution, AtVersion, RevertPreview, RevertPreviewRow, versionMethods } from '../contract';
import type { HandlersOf, ServiceContext } from './context';
import { lookupRefAt, refFromJson } from './engine';
import type { Ref } from './engine';
import type { Store } from './engine';
import { ServiceError, toErrorData } from './errors';
import { readerAt } from './time-travel';
import { revertMessage, revertWrites } from './stage-revert';
import { PREVIEW_LIMITS, keyView, valueView, versionData } from './contract-data';

/** Names pointing at each version id: branch heads and snapshots. */
function namesByVersion(pairs: readonly { readonly name: string; readonly version: number }[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const { name, version } of pairs) {
    const list = out.get(version);
    if (list) list.push(name);
    else out.set(version, [name]);
  }
  return out;
}

/**
 * Resolves one reference JSON with the engine's `lookupRef`: its target key and whether that
 * key exists where the reference points (its pinned version, else `at`, else the head). Never
 * throws: a malformed reference or a missing pinned version comes back as a dangling answer
 * with `error`. O(height) node reads.
 */
function resolveRef(store: Store, json: unknown, at: AtVersion | undefined): RefResolution {
  let ref: Ref;
  try {
    ref = refFromJson(json);
  } catch (error) {
    return { found: false, dangling: true, key: null, storeVersion: null, error: toErrorData(error).message };
  }
  const key = keyView(ref.absoluteKey());
  const pinned = ref.version !== undefined ? { pinned: ref.version } : {};
  const lookup = lookupRefAt(store, ref, at);
  if (!lookup.found && lookup.reason === 'missing-version') {
    return { found: false, dangling: true, key, storeVersion: null, ...pinned, error: `no version, snapshot or branch named ${JSON.stringify(String(ref.version))}` };
  }
  // A pin names its own version; otherwise the reference follows whoever reads it.
  const storeVersion = readerAt(store, ref.version ?? at).version;
  return { found: lookup.found, dangling: !lookup.found, key, storeVersion, ...pinned };
}

/**
 * What reverting `version` on `branch` would write (see `versions.revertPreview`). Writes
 * nothing. O(changes · height) node reads, plus the first rows' values.
 */
function revertPreview(store: Store, version: number, branch: string | undefined): RevertPreview {
  const onto = branch ?? store.defaultBranch;
  if (!store.branches().some((b) => b.name === onto)) throw new ServiceError('VERSION_NOT_FOUND', `no branch named ${JSON.stringify(onto)}`);
  const { writes, conflicts, of, head } = revertWrites(store, version, onto);
  const counts = { added: 0, changed: 0, removed: 0 };
  const rows: RevertPreviewRow[] = [];
  const blob = store.params.blobThreshold;
  const view = (v: Buffer) => valueView(v, v.length, v.length > blob, VALUE_PREVIEW_BYTES, PREVIEW_LIMITS);
  for (const w of writes) {
    const type = w.now === null ? 'added' : w.value === null ? 'removed' : 'changed';
    counts[type]++;
    if (rows.length < REVERT_PREVIEW_ROWS) rows.push({ key: keyView(w.key), type, before: w.now && view(w.now), after: w.value && view(w.value) });
  }
  return {
    version,
    branch: onto,
    head,
    message: revertMessage(version, of),
    counts,
    keys: writes.length,
    rows,
    conflicts: conflicts.length,
    conflictKeys: conflicts.slice(0, 5).map((k) => keyView(k)),
  };
}

/** The handlers, given the service's context. */
export function versionHandlers(context: ServiceContext): HandlersOf<keyof typeof versionMethods> {
  return {
    'versions.list': ({ storeId, before, limit }) => {
      const { store } = context.get(storeId);
      const info = store.info();
      const branches = store.branches();
      const snapshots = store.snapshots();
      const heads = namesByVersion(branches.map((b) => ({ name: b.name, version: b.head })));
      const named = namesByVersion(snapshots.map((s) => ({ name: s.name, version: s.version })));
      // versions() is newest first; a page is the `limit` newest below `before`.
      const all = store.versions();
      const start = before === undefined ? 0 : all.findIndex((v) => v.id < before);
      const slice = start < 0 ? [] : all.slice(start, start + limit);
      const versions: LineageVersion[] = slice.map((v) => ({ ...versionData(v), heads: heads.get(v.id) ?? [], snapshots: named.get(v.id) ?? [] }));
      const last = slice[slice.length - 1];
      const more = start >= 0 && start + limit < all.length;
      return {
        versions,
        total: all.length,
        nextBefore: more && last ? last.id : null,
        defaultBranch: info.branch,
        head: info.head.id,
        branches,
        snapshots,
        snapshotPolicy: store.snapshotPolicy(),
      };
    },
    'snapshots.create': ({ storeId, name, message, version }) => {
      const open = context.get(storeId);
      if (open.readOnly) {
        throw new ServiceError('READ_ONLY', `${open.path} is open read-only; open it for writing to create snapshots`);
      }
      const info = open.store.snapshot(name, { ...(message !== undefined ? { message } : {}), ...(version !== undefined ? { version } : {}) });
      context.emit({ type: 'versions.changed', storeId, reason: 'snapshot' });
      return info;
    },
    'branches.create': ({ storeId, name, from }) => {
      const open = context.get(storeId);
      if (open.readOnly) {
        throw new ServiceError('READ_ONLY', `${open.path} is open read-only; switch to Edit to create branches`);
      }
      const info = open.store.branch(name, from !== undefined ? { from } : {});
      context.emit({ type: 'versions.changed', storeId, reason: 'branch' });
      return info;
    },
    'versions.revertPreview': ({ storeId, version, branch }) => revertPreview(context.get(storeId).store, version, branch),
    'branches.list': ({ storeId }) => {
      const { store } = context.get(storeId);
      return { branches: store.branches(), defaultBranch: store.info().branch };
    },
    'refs.resolve': ({ storeId, refs, at }) => {
      const { store } = context.get(storeId);
      // An unknown `at` is the caller's mistake, not the references': say so once.
      if (at !== undefined) readerAt(store, at);
      return { results: refs.map((json) => resolveRef(store, json, at)) };
    },
  };
}
