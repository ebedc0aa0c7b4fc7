/**
 * Contract methods for snapshots, branches, lineage and references (issue 6).
 * Spread into `contract` in `app/contract/index.ts`; shapes here are plain readonly data.
 *
 * Time travel: `atVersion` is the optional `at` that `records.page`, `records.value`,
 * `tree.root`, `tree.findKey`, `store.analyze` and `refs.resolve` take — a version id, or a
 * snapshot or branch name (the engine's `store.at(ref)` resolves it). Absent: the head of the
 * store's default branch.
 */
import { z } from 'zod';
import type { KeyView, ValueView, VersionData } from './index';
import { returns, storeId } from './schemas';

/** A version id, or a snapshot or branch name ("#12" also names version 12). */
export const atVersion = z.union(
  [
    z.int({ error: 'must be a version id' }).nonnegative({ error: 'must not be negative' }),
    z.string().min(1, { error: 'must not be empty' }).max(200, { error: 'must be at most 200 characters' }),
  ],
  { error: 'must be a version id (a non-negative integer) or a snapshot or branch name' },
);
/** See {@link atVersion}. */
export type AtVersion = z.infer<typeof atVersion>;

/** Most versions one `versions.list` call returns (a lineage is paged beyond that). */
export const LINEAGE_LIMIT_MAX = 2000;
/** Versions per `versions.list` page when the request does not say. */
export const LINEAGE_LIMIT_DEFAULT = 500;
/** Most rows of a revert preview (the counts cover every key). */
export const REVERT_PREVIEW_ROWS = 50;

/** One key a revert would write: its value on the branch now (`before`) and after the revert. */
export interface RevertPreviewRow {
  readonly key: KeyView;
  /** added: the revert recreates a key the version deleted; removed: deletes a key it added. */
  readonly type: 'added' | 'removed' | 'changed';
  readonly before: ValueView | null;
  readonly after: ValueView | null;
}

/** What `versions.revert` would write, computed without writing anything. */
export interface RevertPreview {
  readonly version: number;
  readonly branch: string;
  /** The branch head the preview was computed on: pass it to `versions.revert` as `head`. */
  readonly head: number;
  /** The message the revert would be committed with by default. */
  readonly message: string;
  readonly counts: { readonly added: number; readonly changed: number; readonly removed: number };
  /** Keys written in all. */
  readonly keys: number;
  /** The first {@link REVERT_PREVIEW_ROWS} keys in key order. */
  readonly rows: readonly RevertPreviewRow[];
  /** Keys the version changed that hold other values on the branch now (the revert would refuse). */
  readonly conflicts: number;
  /** The first few of them. */
  readonly conflictKeys: readonly KeyView[];
}

/** Most references one `refs.resolve` call resolves (the UI batches per visible value). */
export const REFS_PER_CALL_MAX = 256;

/** A named snapshot. */
export interface SnapshotData {
  readonly name: string;
  readonly version: number;
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly message: string;
  /** Taken by the store's automatic-snapshot policy (its retention may remove it), not named by a person. */
  readonly automatic: boolean;
}

/** The automatic-snapshot policy stored in the store (FORMAT.md §13.1). */
export interface SnapshotPolicyData {
  /** One every N commits (0: not by count). */
  readonly everyCommits: number;
  /** One when the newest is T seconds old (0: not by time). */
  readonly everySeconds: number;
  readonly keepLast: number;
  readonly hourly: number;
  readonly daily: number;
}

/** A branch and its head version. */
export interface BranchData {
  readonly name: string;
  readonly head: number;
}

/** A version of the lineage: the catalog's facts plus the names that point at it. */
export interface LineageVersion extends VersionData {
  /** Branches whose head this version is. */
  readonly heads: readonly string[];
  /** Snapshots naming this version. */
  readonly snapshots: readonly string[];
}

/** Result of `versions.list`: one page of the lineage, newest first. */
export interface LineageResult {
  /** Newest first (descending id). Parents may lie on a later page. */
  readonly versions: readonly LineageVersion[];
  /** Versions in the catalog in all. */
  readonly total: number;
  /** Pass as `before` to get the next (older) page; null when this page reaches the oldest. */
  readonly nextBefore: number | null;
  /** The branch the store reads and writes by default (its head is "head"). */
  readonly defaultBranch: string;
  /** The default branch's head version id. */
  readonly head: number;
  /** Every branch, whatever the page. */
  readonly branches: readonly BranchData[];
  /** Every snapshot, oldest first, whatever the page. */
  readonly snapshots: readonly SnapshotData[];
  /** The automatic-snapshot policy, or null when the store has none. */
  readonly snapshotPolicy: SnapshotPolicyData | null;
}

/** What one reference resolves to (`refs.resolve`). */
export interface RefResolution {
  /** True when the target key exists in the version the reference is read at. */
  readonly found: boolean;
  /**
   * True when the reference points nowhere: its key is absent, or its pinned version (or the
   * request's `at`) does not exist. `found === !dangling` whenever `error` is absent.
   */
  readonly dangling: boolean;
  /** The target's full key (a view's prefix then the key); null when the JSON is not a reference. */
  readonly key: KeyView | null;
  /** Version the target was looked up in: the pin, else the request's `at`, else the head. Null when that version does not exist. */
  readonly storeVersion: number | null;
  /** The version the reference pins, as written in it (absent when it follows the reader). */
  readonly pinned?: number | string;
  /** Why it could not be resolved (one line), when the JSON is not a valid reference or its version is unknown. */
  readonly error?: string;
}

/** Events this feature pushes to the UI (joined into `ServiceEvent`). */
export type VersionEvent =
  /** Snapshots or branches of an open store changed through this service (commits use `store.changed`). */
  { readonly type: 'versions.changed'; readonly storeId: string; readonly reason: 'snapshot' | 'branch' };

const name = z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(200, { error: 'must be at most 200 characters' });

/** A reference in its JSON form as `ValueView.json` carries it: `{"$ref": key, "view"?: [...], "version"?: id | name}`. */
const refJson = z.strictObject(
  {
    $ref: z.json(),
    view: z.array(z.json(), { error: 'must be an array (a key prefix tuple)' }).optional(),
    version: atVersion.optional(),
  },
  { error: 'must be a reference {"$ref": key, "view"?: [...], "version"?: …}' },
);

/** The feature's methods: name → request schema → response type. */
export const versionMethods = {
  /**
   * The lineage, newest first, `limit` versions at a time (continue with `before: nextBefore`):
   * each version's parents, time, message and stats, with the branches whose head it is and the
   * snapshots naming it. Branches, snapshots and the default branch come whole with every page.
   */
  'versions.list': {
    request: z.strictObject({
      storeId,
      before: z.int({ error: 'must be a version id' }).nonnegative({ error: 'must not be negative' }).optional(),
      limit: z.int({ error: 'must be a positive integer' })
        .positive({ error: 'must be a positive integer' })
        .max(LINEAGE_LIMIT_MAX, { error: `must be at most ${LINEAGE_LIMIT_MAX}` })
        .default(LINEAGE_LIMIT_DEFAULT),
    }),
    response: returns<LineageResult>(),
  },
  /**
   * Names a version (the default branch head unless `version` says). Writable stores only: a
   * read-only store answers READ_ONLY. Emits `versions.changed`.
   */
  'snapshots.create': {
    request: z.strictObject({
      storeId,
      name,
      message: z.string({ error: 'must be a string' }).max(10_000, { error: 'must be at most 10000 characters' }).optional(),
      version: atVersion.optional(),
    }),
    response: returns<SnapshotData>(),
  },
  /**
   * Creates a branch whose head is `from` (a version id, snapshot or branch name; default: the
   * default branch head). O(1): one catalog record. Writable stores only: a read-only store
   * answers READ_ONLY. An existing name or a bad one answers INVALID_ARGUMENT. Emits
   * `versions.changed`.
   */
  'branches.create': {
    request: z.strictObject({
      storeId,
      name: z.string({ error: 'must be a string' })
        .regex(/^[\w.\-/]{1,100}$/, { error: 'must be 1 to 100 characters of letters, digits, _ . - /' }),
      from: atVersion.optional(),
    }),
    response: returns<BranchData>(),
  },
  /**
   * What reverting `version` on `branch` (default: the store's branch) would write: counts of
   * keys added, changed and removed, the first rows with their values now and after, and the
   * conflicts that would make the revert refuse. Writes nothing; works read-only too.
   * O(changes · height) node reads.
   */
  'versions.revertPreview': {
    request: z.strictObject({
      storeId,
      version: z.int({ error: 'must be a version id (an integer)' }).positive({ error: 'must be a version id (a positive integer)' }),
      branch: z.string().regex(/^[\w.\-/]{1,100}$/, { error: 'must be 1 to 100 characters of letters, digits, _ . - /' }).optional(),
    }),
    response: returns<RevertPreview>(),
  },
  /** Every branch with its head, and the default branch. */
  'branches.list': {
    request: z.strictObject({ storeId }),
    response: returns<{ readonly branches: readonly BranchData[]; readonly defaultBranch: string }>(),
  },
  /**
   * Resolves references (their JSON form, as values carry them) to their target keys: whether
   * each target exists, in the version it pins, else at `at`, else at the head. One answer per
   * reference, in order; a malformed reference gets an `error` without failing the others.
   */
  'refs.resolve': {
    request: z.strictObject({
      storeId,
      refs: z.array(refJson, { error: 'must be an array of references' })
        .min(1, { error: 'must hold at least one reference' })
        .max(REFS_PER_CALL_MAX, { error: `must hold at most ${REFS_PER_CALL_MAX} references` }),
      at: atVersion.optional(),
    }),
    response: returns<{ readonly results: readonly RefResolution[] }>(),
  },
} as const;
