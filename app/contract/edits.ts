/**
 * Contract methods for staged edits, review, commit, revert, undo (issue 8).
 * Spread into `contract` in `app/contract/index.ts`; shapes here are plain readonly data.
 *
 * The model: a store opens read-only; `edit.begin` reopens it writable (or fails `LOCKED`,
 * naming the process that writes it). Changes are *staged* in the service's memory, listed
 * with their before/after values, and only `edit.commit` writes them: all of them as one
 * transaction and one new version, or none when a staged key changed since it was staged
 * (`CONFLICT`). Reverts and undos are versions too, so nothing is lost until compaction.
 */
import { z } from 'zod';
import type { KeyView, StoreInfoData, ValueView } from './index';
import { fileFields, hex, jobId, keyInput, oneFile, rangeInput, returns, storeId } from './schemas';

/** Most bytes of a value sent inline (as hex or JSON) in one `edit.stage` call; bigger values go through `edit.stageValueFromFile`. */
export const STAGE_VALUE_MAX_BYTES = 400 * 1024;
/** Most bytes `edit.stageValueFromFile` reads into one value. */
export const STAGE_FILE_MAX_BYTES = 64 * 1024 * 1024;
/** Most keys one staged change may touch (a selection, a range, an import). */
export const STAGE_CHANGE_MAX_KEYS = 200_000;
/** Most keys in the whole stage (it lives in memory until committed). */
export const STAGE_MAX_KEYS = 1_000_000;
/** Most rows one `edit.list` call returns. */
export const EDIT_LIST_LIMIT_MAX = 1000;
/** Most bytes of an import file. */
export const IMPORT_FILE_MAX_BYTES = 512 * 1024 * 1024;

/** A value given by the UI: JSON in the records layer's encoding (tags such as `{"$bytes": hex}`), or raw bytes as hex. */
export const valueInput = z.union([
  z.strictObject({ json: z.json() }),
  z.strictObject({ hex: hex.max(STAGE_VALUE_MAX_BYTES * 2, { error: `must be at most ${STAGE_VALUE_MAX_BYTES} bytes; stage larger values from a file` }) }),
], { error: 'must be {json} or {hex}' });
/** See {@link valueInput}. */
export type ValueInput = z.infer<typeof valueInput>;

const keyList = z.array(keyInput).min(1, { error: 'must name at least one key' }).max(10_000, { error: 'must name at most 10000 keys; delete a range instead' });

/** One change to stage. */
export const stageChangeInput = z.discriminatedUnion('op', [
  /**
   * Insert a record, or replace one when `overwrite` is true. Without it, a key that exists
   * (in the store or the stage) fails `EXISTS` naming the key, so the UI can ask first.
   */
  z.strictObject({ op: z.literal('put'), key: keyInput, value: valueInput, overwrite: z.boolean({ error: 'must be true or false' }).optional() }),
  /** Delete one record. */
  z.strictObject({ op: z.literal('delete'), key: keyInput }),
  /** Delete a selection of records. */
  z.strictObject({ op: z.literal('deleteKeys'), keys: keyList }),
  /** Delete every record of a range (the keys it holds now; at most STAGE_CHANGE_MAX_KEYS). */
  z.strictObject({ op: z.literal('deleteRange'), range: rangeInput }),
  /** Move a record's value to another key (the old key is deleted). */
  z.strictObject({ op: z.literal('rename'), from: keyInput, to: keyInput }),
], { error: "op must be 'put', 'delete', 'deleteKeys', 'deleteRange' or 'rename'" });
/** See {@link stageChangeInput}. */
export type StageChangeInput = z.infer<typeof stageChangeInput>;

/** What kind of change a staged change is. */
export type StagedChangeKind = StageChangeInput['op'] | 'import' | 'putFile';

/** One staged change as listed in the stage panel (it may touch many keys). */
export interface StagedChangeData {
  readonly id: number;
  readonly kind: StagedChangeKind;
  /** One line for people: `put ("users", 7)`, `delete 12 records`, `import data.jsonl (300 records)`. */
  readonly summary: string;
  /** How many keys the change writes or deletes. */
  readonly keys: number;
  /** Milliseconds since the epoch. */
  readonly time: number;
}

/** Whether a store is in edit mode, and what is staged. */
export interface EditStateData {
  readonly storeId: string;
  /** False in edit mode (the service holds the writer lock). */
  readonly readOnly: boolean;
  /** Why it is read-only: 'locked' means another process writes it (`writer` names it). */
  readonly readOnlyReason?: 'requested' | 'locked' | 'file-permissions';
  readonly writer?: { readonly pid: number; readonly host: string };
  /** The version staged changes were made against (their "before"); null when nothing is staged. */
  readonly baseVersion: number | null;
  /** Staged changes, oldest first. */
  readonly changes: readonly StagedChangeData[];
  /** Net effect on keys (a key put then deleted counts once; no-ops not counted). */
  readonly counts: { readonly added: number; readonly changed: number; readonly removed: number };
  /** Distinct keys the stage touches, no-ops included. */
  readonly keys: number;
}

/** One key of the staged diff: its value before (at the base version) and after the stage. */
export interface EditRow {
  readonly key: KeyView;
  readonly type: 'added' | 'removed' | 'changed';
  readonly before: ValueView | null;
  readonly after: ValueView | null;
  /** The staged change that decides the key's final state (drop it to undo this row). */
  readonly changeId: number;
}

/** Result of `edit.stage`, `edit.import` and `edit.stageValueFromFile`. */
export interface StageResult {
  readonly change: StagedChangeData;
  readonly state: EditStateData;
}

/** Result of `edit.commit`, `versions.revert` and `versions.undo`: the new head. */
export interface VersionWriteResult {
  /** The version now at the branch head (new for commit and revert; an older one for undo). */
  readonly version: number;
  readonly branch: string;
  /** Keys written (commit, revert). */
  readonly keys: number;
  /** Undo: the head before the move (still in the lineage). */
  readonly previous?: number;
  readonly info: StoreInfoData;
  readonly state: EditStateData;
}

const versionId = z.int({ error: 'must be a version id (an integer)' }).positive({ error: 'must be a version id (a positive integer)' });
const branchName = z.string().regex(/^[\w.\-/]{1,100}$/, { error: 'must be 1 to 100 characters of letters, digits, _ . - /' });
const message = z.string().max(10_000, { error: 'must be at most 10000 characters' });
const snapshotName = z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(200, { error: 'must be at most 200 characters' });

/** Events this feature pushes to the UI (joined into `ServiceEvent`). */
export type EditEvent =
  /** Edit mode or the stage changed (from this window or another). */
  { readonly type: 'edit.state'; readonly storeId: string; readonly state: EditStateData };

/** The feature's methods: name → request schema → response type. */
export const editMethods = {
  /** Edit mode and the stage of an open store. */
  'edit.state': { request: z.strictObject({ storeId }), response: returns<EditStateData>() },
  /**
   * Switches to edit mode: reopens the file writable. If another process holds the writer lock
   * it fails `LOCKED` naming that process, and the store stays read-only and keeps refreshing.
   */
  'edit.begin': { request: z.strictObject({ storeId }), response: returns<EditStateData & { readonly info: StoreInfoData }>() },
  /** Back to read-only (releases the writer lock). The stage is kept; discard it first if you mean to. */
  'edit.end': { request: z.strictObject({ storeId }), response: returns<EditStateData & { readonly info: StoreInfoData }>() },
  /** Stages one change (nothing is written). */
  'edit.stage': { request: z.strictObject({ storeId, change: stageChangeInput }), response: returns<StageResult>() },
  /** Drops one staged change; `dropped` is false if no change has that id. */
  'edit.unstage': {
    request: z.strictObject({ storeId, id: z.int({ error: 'must be a staged change id' }).nonnegative({ error: 'must be a staged change id' }) }),
    response: returns<EditStateData & { readonly dropped: boolean }>(),
  },
  /** The staged diff, key by key in key order, paged (`after`: the last key's hex). No-ops are left out. */
  'edit.list': {
    request: z.strictObject({
      storeId,
      after: hex.optional(),
      limit: z.int({ error: 'must be a positive integer' }).positive({ error: 'must be a positive integer' })
        .max(EDIT_LIST_LIMIT_MAX, { error: `must be at most ${EDIT_LIST_LIMIT_MAX}` }).default(200),
    }),
    response: returns<{ readonly rows: readonly EditRow[]; readonly nextAfter: string | null; readonly state: EditStateData }>(),
  },
  /**
   * Stages every record of a JSONL (`{"key", "value"}` per line) or CSV (`key,value,…` with
   * a header) file as written by `records.export` / `thunderhead dump`. The file is a handle
   * from an open choice or a typed path inside the host's allowed places.
   * A job: progress counts bytes read; cancelling stages nothing.
   */
  'edit.import': {
    request: z.strictObject({
      storeId,
      ...fileFields,
      format: z.enum(['jsonl', 'csv'], { error: "must be 'jsonl' or 'csv'" }).optional(),
      jobId: jobId.optional(),
    }).refine(...oneFile),
    response: returns<StageResult>(),
  },
  /**
   * Stages a put whose value is a file's bytes (raw) or its JSON (encoded by the records layer,
   * numbers exact as in app/contract/json-text.ts). An existing key fails `EXISTS` unless `overwrite`.
   * The file is a handle from an open choice or a typed path inside the host's allowed places.
   */
  'edit.stageValueFromFile': {
    request: z.strictObject({
      storeId,
      key: keyInput,
      ...fileFields,
      encoding: z.enum(['raw', 'json'], { error: "must be 'raw' or 'json'" }).default('raw'),
      overwrite: z.boolean({ error: 'must be true or false' }).optional(),
    }).refine(...oneFile),
    response: returns<StageResult>(),
  },
  /**
   * Writes the whole stage as one transaction and one new version on `branch` (default: the
   * store's branch) or on a `newBranch` created at the stage's base version. Fails `CONFLICT`
   * naming the keys when commits landed on staged keys since they were staged; then nothing
   * is written and the stage is kept. With `snapshot`, the new version is also saved as a snapshot
   * of that name, in the same commit record and flush (issue 16); a name already taken is
   * `INVALID_ARGUMENT` and nothing is written.
   */
  'edit.commit': {
    request: z.strictObject({ storeId, message, branch: branchName.optional(), newBranch: branchName.optional(), snapshot: snapshotName.optional() })
      .refine((r) => !(r.branch && r.newBranch), { error: 'give branch or newBranch, not both' }),
    response: returns<VersionWriteResult>(),
  },
  /** Drops every staged change. */
  'edit.discard': { request: z.strictObject({ storeId }), response: returns<EditStateData>() },
  /**
   * A new version on `branch` (default: the store's branch) that undoes what `version` changed
   * (the inverse of its diff from its parent), applied to that branch's head. Keys changed again
   * there since are reported as `CONFLICT`, not overwritten; an unknown branch is
   * `VERSION_NOT_FOUND`. With `head` (from `versions.revertPreview`), it reverts only while the
   * branch head is still that version, else fails `CONFLICT`: what was previewed is what is written.
   */
  'versions.revert': { request: z.strictObject({ storeId, version: versionId, branch: branchName.optional(), message: message.optional(), head: versionId.optional() }), response: returns<VersionWriteResult>() },
  /**
   * Moves the branch head back to its parent (the undone version stays in the lineage). With
   * `head` (the version the person confirmed undoing), moves only while the branch head is still
   * that version, else fails `CONFLICT` and moves nothing: a commit that landed meanwhile (another
   * window, another tab of the serve host) is never undone unseen.
   */
  'versions.undo': { request: z.strictObject({ storeId, branch: branchName.optional(), head: versionId.optional() }), response: returns<VersionWriteResult>() },
} as const;
