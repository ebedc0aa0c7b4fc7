/**
 * Handlers of the edit methods (issue 8): edit mode, the stage, commit, revert and undo.
 *
 * Safety comes from three rules. Nothing is written until `edit.commit`, and then everything is
 * written as one transaction (one version) or nothing is. A commit first checks every staged key
 * against the version it was staged on, and refuses (CONFLICT, naming the keys) when another
 * commit changed one since. Reverts and undos add catalog records and never remove any, so
 * every earlier version stays readable until compaction.
 */
import { basename } from 'node:path';
import { STAGE_CHANGE_MAX_KEYS, STAGE_FILE_MAX_BYTES, STAGE_MAX_KEYS, VALUE_PREVIEW_BYTES } from '../contract';
import type { EditRow, EditStateData, KeyInput, StageChangeInput, StoreInfoData, ValueInput, editMethods } from '../contract';
import { StoreLockedError, openStore } from './engine';
import type { Store } from './engine';
import { ServiceError } from './errors';
import type { HandlersOf, OpenStore, ServiceContext } from './context';
import { keyBytes, rangeOptions } from './keys';
import { Stage, firstAfter } from './stage';
import type { PointWrite, StagedChange } from './stage';
import { importFormat, keyOfJson, parseImport, readImportFile } from './stage-import';
import { readPrefix, regularFileSize } from './input-file';
import { revertMessage, revertWrites, rootReason } from './stage-revert';
import { PREVIEW_LIMITS, fromHex, infoData, keyView, valueView } from './contract-data';
import { valueFromJson } from '../../engine/index';
import { formatJsonText, JsonTextError, parseJsonText } from '../contract/json-text';

/** A key as people read it in messages: its tuple JSON, else `0x…`. */
export function describeKey(key: Uint8Array): string {
  const view = keyView(key);
  // The exact text form: a 64-bit integer element reads 12345678901234567890, not a tag.
  const text = view.decoded ? formatJsonText(view.json) : `0x${view.hex}`;
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function sameBytes(a: Buffer | null | undefined, b: Buffer | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.equals(b);
}

/** Key bytes of a request, with the engine's key size limit checked up front. */
function keyOf(input: KeyInput): Buffer {
  return 'json' in input ? keyOfJson(input.json) : checkKey(keyBytes(input));
}

function checkKey(key: Buffer): Buffer {
  return keyOfJson({ $raw: key.toString('hex') });
}

function valueOf(input: ValueInput): Buffer {
  if ('hex' in input) return fromHex(input.hex);
  try {
    return valueFromJson(input.json);
  } catch (error) {
    throw new ServiceError('INVALID_ARGUMENT', `value: ${(error as Error).message.split('\n', 1)[0]}`);
  }
}

/** The handlers, given the service's context. */
export function editHandlers(context: ServiceContext): HandlersOf<keyof typeof editMethods> {
  const stages = new Map<string, Stage>();
  const counted = new WeakMap<Stage, { generation: number; base: number | null; counts: EditStateData['counts'] }>();

  const stageOf = (open: OpenStore): Stage => {
    let stage = stages.get(open.id);
    if (!stage) {
      // Forget the stages of stores that were closed since.
      for (const id of stages.keys()) if (!context.stores.has(id)) stages.delete(id);
      stage = new Stage();
      stages.set(open.id, stage);
    }
    return stage;
  };

  /** What a key held at the stage's base version (its "before"). */
  const beforeOf = (store: Store, stage: Stage, key: Buffer): Buffer | null => {
    const at = stage.base === null ? null : store.at(stage.base);
    return (at ? at.get(key) : store.get(key)) ?? null;
  };

  const countsOf = (open: OpenStore, stage: Stage): EditStateData['counts'] => {
    const cached = counted.get(stage);
    if (cached && cached.generation === stage.generation && cached.base === stage.base) return cached.counts;
    const counts = { added: 0, changed: 0, removed: 0 };
    const at = stage.base === null ? null : open.store.at(stage.base);
    for (const w of stage.net()) {
      const before = at ? (at.get(w.key) ?? null) : null;
      if (before === null && w.value !== null) counts.added++;
      else if (before !== null && w.value === null) counts.removed++;
      else if (before !== null && w.value !== null && !before.equals(w.value)) counts.changed++;
    }
    counted.set(stage, { generation: stage.generation, base: stage.base, counts });
    return counts;
  };

  const state = (open: OpenStore): EditStateData => {
    const stage = stageOf(open);
    // The writer that blocked edit mode may have gone since: then editing is possible again.
    if (open.readOnly && open.reason === 'locked' && open.store.info().writerPid === null) {
      open.reason = 'requested';
      delete open.writer;
    }
    return {
      storeId: open.id,
      readOnly: open.readOnly,
      ...(open.readOnly && open.reason ? { readOnlyReason: open.reason } : {}),
      ...(open.writer ? { writer: open.writer } : {}),
      baseVersion: stage.base,
      changes: stage.changes.map(Stage.data),
      counts: countsOf(open, stage),
      keys: stage.size,
    };
  };

  const announce = (open: OpenStore): EditStateData => {
    const s = state(open);
    context.emit({ type: 'edit.state', storeId: open.id, state: s });
    return s;
  };
  context.onEditEnded((open) => void announce(open));

  /** Tells every view the head moved (our own commit): they refetch what they show. */
  const headMoved = (open: OpenStore): StoreInfoData => {
    const info = infoData(open.store.info());
    const previousVersion = open.version;
    open.version = info.head.id;
    context.emit({ type: 'store.changed', storeId: open.id, version: info.head.id, previousVersion, info });
    return info;
  };

  const writable = (open: OpenStore, what: string): Store => {
    if (open.readOnly) throw new ServiceError('READ_ONLY', `${what} needs edit mode; switch the store to Edit first`);
    return open.store;
  };

  const add = (open: OpenStore, kind: StagedChange['kind'], summary: string, writes: readonly PointWrite[]) => {
    const stage = stageOf(open);
    if (writes.length === 0) throw new ServiceError('INVALID_ARGUMENT', `${summary}: no records to change`);
    if (stage.size + writes.length > STAGE_MAX_KEYS) {
      throw new ServiceError('INVALID_ARGUMENT', `the stage would hold more than ${STAGE_MAX_KEYS} keys; commit what is staged first`);
    }
    const change = stage.add(kind, summary, writes, open.store.info().head.id);
    return { change: Stage.data(change), state: announce(open) };
  };

  /** The value a key has now, as the stage sees it: staged, else the store's. */
  const currentValue = (open: OpenStore, key: Buffer): Buffer | null => {
    const staged = stageOf(open).get(key);
    return staged !== undefined ? staged : (open.store.get(key) ?? null);
  };

  /** Refuses to replace an existing record unless the caller said so (the UI asks first). */
  const refuseOverwrite = (open: OpenStore, key: Buffer, overwrite: boolean | undefined): void => {
    if (overwrite === true) return;
    const existing = currentValue(open, key);
    if (existing !== null) {
      throw new ServiceError('EXISTS', `${describeKey(key)} already exists (${existing.length} bytes${stageOf(open).get(key) !== undefined ? ', staged' : ''}); replace it only if you mean to`);
    }
  };

  const writesOf = (open: OpenStore, change: StageChangeInput): { kind: StagedChange['kind']; summary: string; writes: PointWrite[] } => {
    switch (change.op) {
      case 'put': {
        const key = keyOf(change.key);
        const value = valueOf(change.value);
        refuseOverwrite(open, key, change.overwrite);
        return { kind: 'put', summary: `put ${describeKey(key)}`, writes: [{ key, value }] };
      }
      case 'delete': {
        const key = keyOf(change.key);
        if (currentValue(open, key) === null) throw new ServiceError('NOT_FOUND', `${describeKey(key)} is not in the store; nothing to delete`);
        return { kind: 'delete', summary: `delete ${describeKey(key)}`, writes: [{ key, value: null }] };
      }
      case 'deleteKeys': {
        const seen = new Set<string>();
        const writes: PointWrite[] = [];
        for (const input of change.keys) {
          const key = keyOf(input);
          const hex = key.toString('hex');
          if (seen.has(hex)) continue;
          seen.add(hex);
          writes.push({ key, value: null });
        }
        return { kind: 'deleteKeys', summary: writes.length === 1 ? `delete ${describeKey(writes[0]!.key)}` : `delete ${writes.length} selected records`, writes };
      }
      case 'deleteRange': {
        const range = rangeOptions({ ...change.range, reverse: false });
        const keys = new Map<string, Buffer>();
        for (const entry of open.store.scan({ ...range, limit: STAGE_CHANGE_MAX_KEYS + 1 })) keys.set(entry.key.toString('hex'), entry.key);
        // Staged puts in the range go too; staged deletes already went.
        for (const w of stageOf(open).net()) {
          const hex = w.key.toString('hex');
          if (w.value === null) keys.delete(hex);
          else if (inRange(w.key, range)) keys.set(hex, w.key);
        }
        if (keys.size > STAGE_CHANGE_MAX_KEYS) throw new ServiceError('INVALID_ARGUMENT', `the range holds more than ${STAGE_CHANGE_MAX_KEYS} records; delete a smaller range`);
        const writes = [...keys.values()].sort(Buffer.compare).map((key) => ({ key, value: null }));
        return { kind: 'deleteRange', summary: `delete ${writes.length} record${writes.length === 1 ? '' : 's'} in a range`, writes };
      }
      case 'rename': {
        const from = keyOf(change.from);
        const to = keyOf(change.to);
        if (from.equals(to)) throw new ServiceError('INVALID_ARGUMENT', 'the new key is the same as the old one');
        const value = currentValue(open, from);
        if (value === null) throw new ServiceError('NOT_FOUND', `${describeKey(from)} is not in the store; nothing to rename`);
        if (currentValue(open, to) !== null) throw new ServiceError('INVALID_ARGUMENT', `${describeKey(to)} already exists; delete it first or choose another key`);
        return { kind: 'rename', summary: `rename ${describeKey(from)} → ${describeKey(to)}`, writes: [{ key: from, value: null }, { key: to, value }] };
      }
    }
  };

  const commitResult = (open: OpenStore, version: number, branch: string, keys: number, previous?: number) => ({
    version,
    branch,
    keys,
    ...(previous !== undefined ? { previous } : {}),
    info: headMoved(open),
    state: announce(open),
  });

  return {
    'edit.state': ({ storeId }) => state(context.get(storeId)),

    'edit.begin': ({ storeId }) => {
      const open = context.get(storeId);
      if (!open.readOnly) return { ...state(open), info: infoData(open.store.info()) };
      let store: Store;
      try {
        store = openStore(open.path, false);
      } catch (error) {
        if (error instanceof StoreLockedError) {
          // Someone else writes it: stay read-only (and keep following their commits).
          open.reason = 'locked';
          open.writer = { pid: error.pid, host: error.host };
          announce(open);
          throw new ServiceError('LOCKED', `cannot edit: process ${error.pid}${error.host ? ` on ${error.host}` : ''} is writing ${basename(open.path)}; it stays read-only and keeps refreshing`);
        }
        const errno = (error as { code?: unknown }).code;
        if (errno === 'EACCES' || errno === 'EPERM' || errno === 'EROFS' || /EACCES|EPERM|EROFS/.test(String((error as Error).message))) {
          open.reason = 'file-permissions';
          announce(open);
          throw new ServiceError('PERMISSION', `cannot edit: ${open.path} is not writable`);
        }
        throw error;
      }
      if (open.poller) clearInterval(open.poller);
      delete open.poller;
      const old = open.store;
      open.store = store;
      open.readOnly = false;
      // The writer lock is this session's: it ends with it (a closed tab never keeps the file locked).
      open.editor = context.scope().id;
      delete open.reason;
      delete open.writer;
      try {
        old.close();
      } catch {
        // A read-only handle has nothing to flush.
      }
      const info = infoData(store.info());
      open.version = info.head.id;
      return { ...announce(open), info };
    },

    'edit.end': ({ storeId }) => {
      const open = context.get(storeId);
      if (open.readOnly) return { ...state(open), info: infoData(open.store.info()) };
      context.toReadOnly(open);
      return { ...announce(open), info: infoData(open.store.info()) };
    },

    'edit.stage': ({ storeId, change }) => {
      const open = context.get(storeId);
      const { kind, summary, writes } = writesOf(open, change);
      return add(open, kind, summary, writes);
    },

    'edit.unstage': ({ storeId, id }) => {
      const open = context.get(storeId);
      const dropped = stageOf(open).remove(id);
      return { ...announce(open), dropped };
    },

    'edit.list': ({ storeId, after, limit }) => {
      const open = context.get(storeId);
      const stage = stageOf(open);
      const net = stage.net();
      const rows: EditRow[] = [];
      let i = after === undefined ? 0 : firstAfter(net, fromHex(after));
      const blob = open.store.params.blobThreshold;
      const view = (v: Buffer) => valueView(v, v.length, v.length > blob, VALUE_PREVIEW_BYTES, PREVIEW_LIMITS);
      for (; i < net.length && rows.length < limit; i++) {
        const w = net[i]!;
        const before = beforeOf(open.store, stage, w.key);
        if (sameBytes(before, w.value)) continue;
        const type = before === null ? 'added' : w.value === null ? 'removed' : 'changed';
        rows.push({ key: keyView(w.key), type, before: before && view(before), after: w.value && view(w.value), changeId: w.changeId });
      }
      return { rows, nextAfter: i < net.length ? rows[rows.length - 1]?.key.hex ?? net[i - 1]!.key.toString('hex') : null, state: state(open) };
    },

    'edit.import': ({ storeId, path, file, format, jobId }) => {
      // The file's grant (or the host's allowed places) is checked before a byte is read.
      context.get(storeId);
      const full = context.files.resolve({ path, file }, 'read');
      return context.jobs.run('edit.import', jobId, async (job) => {
        const open = context.get(storeId);
        const text = await readImportFile(full, job);
        const writes = await parseImport(text, importFormat(full, format), job);
        if (writes.length === 0) throw new ServiceError('INVALID_ARGUMENT', `${basename(full)} holds no records`);
        return add(open, 'import', `import ${basename(full)} (${writes.length} record${writes.length === 1 ? '' : 's'})`, writes);
      });
    },

    'edit.stageValueFromFile': ({ storeId, key, path, file, encoding, overwrite }) => {
      const open = context.get(storeId);
      const full = context.files.resolve({ path, file }, 'read');
      const size = regularFileSize(full, STAGE_FILE_MAX_BYTES, `values are limited to ${STAGE_FILE_MAX_BYTES} bytes`);
      const bytes = readPrefix(full, size);
      let value: Buffer;
      if (encoding === 'raw') value = bytes;
      else {
        let json: unknown;
        try {
          // Exact numbers (integers beyond 2^53, -0); a number a float cannot keep is refused.
          json = parseJsonText(bytes.toString('utf8'));
        } catch (error) {
          if (error instanceof JsonTextError && error.kind === 'number') throw new ServiceError('INVALID_ARGUMENT', `${basename(full)}: ${error.message}`);
          throw new ServiceError('INVALID_ARGUMENT', `${basename(full)} is not JSON; stage it as raw bytes instead`);
        }
        value = valueOf({ json: json as never });
      }
      const k = keyOf(key);
      refuseOverwrite(open, k, overwrite);
      return add(open, 'putFile', `put ${describeKey(k)} from ${basename(full)} (${value.length} bytes)`, [{ key: k, value }]);
    },

    'edit.commit': ({ storeId, message, branch, newBranch, snapshot }) => {
      const open = context.get(storeId);
      const store = writable(open, 'Committing');
      const stage = stageOf(open);
      if (stage.empty || stage.base === null) throw new ServiceError('INVALID_ARGUMENT', 'nothing is staged; stage a change first');
      const base = stage.base;
      const net = stage.net();
      let target = branch ?? store.defaultBranch;
      if (newBranch !== undefined) {
        if (store.branches().some((b) => b.name === newBranch)) throw new ServiceError('INVALID_ARGUMENT', `branch ${JSON.stringify(newBranch)} already exists; pick it as the branch or choose a new name`);
        target = newBranch;
      } else {
        if (!store.branches().some((b) => b.name === target)) throw new ServiceError('VERSION_NOT_FOUND', `no branch named ${JSON.stringify(target)}`);
        // Every staged key must still hold what it held when it was staged: else someone else's
        // commit would be overwritten unseen. Point reads only: O(staged keys · height).
        const head = store.head(target).id;
        if (head !== base) {
          const then = store.at(base);
          const now = store.at(head);
          const conflicts = net.filter((w) => !sameBytes(then.get(w.key) ?? null, now.get(w.key) ?? null)).map((w) => w.key);
          if (conflicts.length > 0) {
            const named = conflicts.slice(0, 5).map(describeKey).join(', ');
            throw new ServiceError('CONFLICT', `${conflicts.length} staged key(s) changed since you staged them (${named}${conflicts.length > 5 ? ', …' : ''}); nothing was written. Drop and restage them, or commit to a new branch`);
          }
        }
      }
      // Checked before anything is written (a new branch included): the name rides in the commit.
      if (snapshot !== undefined && (store.snapshots().some((s) => s.name === snapshot) || store.branches().some((b) => b.name === snapshot) || snapshot === newBranch)) {
        throw new ServiceError('INVALID_ARGUMENT', `${JSON.stringify(snapshot)} is already a snapshot or branch name; pick another name to save the commit as`);
      }
      if (newBranch !== undefined) store.branch(newBranch, { from: base });
      const info = applyWrites(store, target, net, message, snapshot);
      const keys = net.length;
      stage.clear();
      return commitResult(open, info.version, info.branch, keys);
    },

    'edit.discard': ({ storeId }) => {
      const open = context.get(storeId);
      stageOf(open).clear();
      return announce(open);
    },

    'versions.revert': ({ storeId, version, branch, message, head }) => {
      const open = context.get(storeId);
      const store = writable(open, 'Reverting');
      const onto = branch ?? store.defaultBranch;
      if (!store.branches().some((b) => b.name === onto)) throw new ServiceError('VERSION_NOT_FOUND', `no branch named ${JSON.stringify(onto)}`);
      // The preview was computed on `head`: a commit since could change what the revert writes.
      if (head !== undefined && store.head(onto).id !== head) {
        throw new ServiceError('CONFLICT', `${onto}'s head is now #${store.head(onto).id}, not #${head} as previewed; nothing was written. Preview the revert again`);
      }
      const { writes, conflicts, of } = revertWrites(store, version, onto);
      if (conflicts.length > 0) {
        const named = conflicts.slice(0, 5).map(describeKey).join(', ');
        throw new ServiceError('CONFLICT', `cannot revert #${version} on ${onto}: ${conflicts.length} key(s) it changed hold other values there now (${named}${conflicts.length > 5 ? ', …' : ''}); nothing was written`);
      }
      if (writes.length === 0) throw new ServiceError('INVALID_ARGUMENT', `version #${version} changed no records; there is nothing to revert`);
      const info = applyWrites(store, onto, writes, message ?? revertMessage(version, of));
      return commitResult(open, info.version, info.branch, writes.length);
    },

    'versions.undo': ({ storeId, branch, head: expected }) => {
      const open = context.get(storeId);
      const store = writable(open, 'Undo');
      const name = branch ?? store.defaultBranch;
      if (!store.branches().some((b) => b.name === name)) throw new ServiceError('VERSION_NOT_FOUND', `no branch named ${JSON.stringify(name)}`);
      const head = store.head(name);
      if (expected !== undefined && head.id !== expected) {
        throw new ServiceError('CONFLICT', `${name}'s head is now #${head.id}, not #${expected}: a commit landed since; nothing was moved`);
      }
      const parent = head.parents[0];
      if (parent === undefined) throw new ServiceError('INVALID_ARGUMENT', `#${head.id} has no parent: ${rootReason(head.id)}; there is no earlier version to go back to`);
      store.resetBranch(name, parent);
      return commitResult(open, parent, name, 0, head.id);
    },
  };
}

/** Writes point writes as one transaction (one version) on a branch, optionally named as a snapshot; all or nothing. */
function applyWrites(store: Store, branch: string, writes: readonly PointWrite[], message: string, snapshot?: string) {
  const tx = store.begin({ branch });
  try {
    for (const w of writes) {
      if (w.value === null) tx.delete(w.key);
      else tx.put(w.key, w.value);
    }
    return tx.commit({ message, ...(snapshot !== undefined ? { snapshot } : {}) });
  } catch (error) {
    tx.abort();
    throw error;
  }
}

/** True when `key` lies in the bounds of engine range options (forward). */
function inRange(key: Buffer, range: { from?: Uint8Array; to?: Uint8Array; prefix?: Uint8Array }): boolean {
  if (range.from && Buffer.compare(key, range.from) < 0) return false;
  if (range.to && Buffer.compare(key, range.to) >= 0) return false;
  if (range.prefix && !key.subarray(0, range.prefix.length).equals(range.prefix)) return false;
  return true;
}
