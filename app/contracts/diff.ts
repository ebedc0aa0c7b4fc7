/**
 * Contract methods for diffs between versions: record diffs (paged, never materialised whole),
 * counts and a change-density map computed as jobs, and the structural diff the tree view
 * overlays (issue 6). Spread into `contract` in `app/contract.ts`.
 *
 * Versions are named as the engine names them: a version id, or a snapshot or branch name
 * (`"#12"` also means id 12). `a` is the "before" side, `b` the "after" side.
 */
import { z } from 'zod';
import type { AddressData, Hex, KeyView, ValueView } from '../contract';
import { hex, jobId, keyInput, returns, storeId } from './schemas';
import { queryText } from './find';

/** Most rows one `diff.page` call returns. */
export const DIFF_PAGE_LIMIT_MAX = 1000;
/** Rows per `diff.page` when the request does not say. */
export const DIFF_PAGE_LIMIT_DEFAULT = 200;
/** Most buckets of a `diff.density` map. */
export const DIFF_DENSITY_BUCKETS_MAX = 512;
/** Buckets of a `diff.density` map when the request does not say. */
export const DIFF_DENSITY_BUCKETS_DEFAULT = 64;
/** Most nodes one `diff.structure` call returns (the rest: `nextOffset`). */
export const DIFF_STRUCTURE_LIMIT_MAX = 20_000;
/** Nodes per `diff.structure` call when the request does not say. */
export const DIFF_STRUCTURE_LIMIT_DEFAULT = 5_000;

const VERSION_REF = 'must be a version id or a snapshot or branch name';
/** A version: its id, or a snapshot or branch name. */
export const versionRef = z.union(
  [z.int({ error: VERSION_REF }).nonnegative({ error: VERSION_REF }), z.string({ error: VERSION_REF }).min(1, { error: VERSION_REF }).max(200, { error: 'must be at most 200 characters' })],
  { error: (issue) => (issue.input === undefined ? 'is required' : VERSION_REF) },
);
/** See {@link versionRef}. */
export type VersionRef = z.infer<typeof versionRef>;

/** The fields every diff request shares: which store, which two versions, which keys. */
const diffScope = {
  storeId,
  a: versionRef,
  b: versionRef,
  /** Only keys with this prefix. */
  prefix: keyInput.optional(),
  /** Only keys ≥ from. */
  from: keyInput.optional(),
  /** Only keys < to. */
  to: keyInput.optional(),
};

/** What changed about one key. */
export type DiffChangeType = 'added' | 'removed' | 'changed';

/**
 * One changed key: its value in `a` (`before`, null when added) and in `b` (`after`, null when
 * removed). Values are previews as in `records.page`; large values are not loaded.
 */
export interface DiffRow {
  readonly key: KeyView;
  readonly type: DiffChangeType;
  readonly before: ValueView | null;
  readonly after: ValueView | null;
}

/** Counts of changed keys by kind. */
export interface DiffCounts {
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
}

/** Result of `diff.page`. */
export interface DiffPageResult {
  readonly rows: readonly DiffRow[];
  /** Pass as `after` for the next page; null when the diff is exhausted. */
  readonly nextAfter: Hex | null;
  /** The version ids `a` and `b` resolved to. */
  readonly a: number;
  readonly b: number;
}

/** Result of `diff.summary`. */
export interface DiffSummaryResult extends DiffCounts {
  readonly a: number;
  readonly b: number;
}

/** One slice of the key space in a change-density map. */
export interface DiffDensityBucket {
  /** Where the slice starts (inclusive); null for the start of the requested range. */
  readonly from: KeyView | null;
  /** The first changed key in the slice (a click jumps there); null when nothing changed. */
  readonly firstKey: KeyView | null;
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
}

/** Result of `diff.density`. */
export interface DiffDensityResult {
  /** Consecutive slices in key order, covering the requested range. */
  readonly buckets: readonly DiffDensityBucket[];
  /** Totals over every bucket (the same as `diff.summary`). */
  readonly counts: DiffCounts;
  readonly a: number;
  readonly b: number;
}

/** Which version a node belongs to: both (`shared`), only `a` (`left`) or only `b` (`right`). */
export type StructureSide = 'shared' | 'left' | 'right';

/** One node of the structural diff. A shared node's subtree is shared too and is not listed. */
export interface StructureNode {
  readonly address: AddressData;
  readonly side: StructureSide;
}

/** Result of `diff.structure`. */
export interface DiffStructureResult {
  /** Roots first, then level by level down (so a capped list keeps the upper levels). */
  readonly nodes: readonly StructureNode[];
  /** Counts over the whole structural diff, not only this slice. */
  readonly counts: { readonly shared: number; readonly left: number; readonly right: number };
  /** Pass as `offset` for the next slice; null when this slice reaches the end. */
  readonly nextOffset: number | null;
  readonly a: number;
  readonly b: number;
}

/** The feature's methods: name → request schema → response type. */
export const diffMethods = {
  /**
   * One page of the key-level diff from `a` to `b`, in key order. Walks both trees together and
   * skips shared subtrees, so a page costs O(rows · height) node reads when changes are sparse.
   * Continue with `after: nextAfter`. With `where` (a query) only the changes whose value before
   * or after matches are listed, and `changed(path)` is true where that field differs:
   * `changed(status)` over `imported..v2` with a prefix lists the orders whose status changed.
   */
  'diff.page': {
    request: z.strictObject({
      ...diffScope,
      where: queryText.optional(),
      after: hex.optional(),
      limit: z.int({ error: 'must be a positive integer' })
        .positive({ error: 'must be a positive integer' })
        .max(DIFF_PAGE_LIMIT_MAX, { error: `must be at most ${DIFF_PAGE_LIMIT_MAX}` })
        .default(DIFF_PAGE_LIMIT_DEFAULT),
    }),
    response: returns<DiffPageResult>(),
  },
  /**
   * Counts added, removed and changed keys without sending values. A job: progress counts
   * slices of the key space passed (`total` slices), so wide diffs show a real bar and cancel.
   */
  'diff.summary': {
    request: z.strictObject({ ...diffScope, jobId: jobId.optional() }),
    response: returns<DiffSummaryResult>(),
  },
  /**
   * Change counts in `buckets` consecutive slices of the key space (cut at a version's tree
   * pivots, so slices hold similar amounts of data), each with its first changed key. A job,
   * with progress as for `diff.summary`.
   */
  'diff.density': {
    request: z.strictObject({
      ...diffScope,
      buckets: z.int({ error: 'must be a positive integer' })
        .positive({ error: 'must be a positive integer' })
        .max(DIFF_DENSITY_BUCKETS_MAX, { error: `must be at most ${DIFF_DENSITY_BUCKETS_MAX}` })
        .default(DIFF_DENSITY_BUCKETS_DEFAULT),
      jobId: jobId.optional(),
    }),
    response: returns<DiffDensityResult>(),
  },
  /**
   * Node-level sharing between `a` and `b` for the tree overlay: every node reachable from
   * either root that is not under a shared node, marked shared / left / right. Reads only the
   * internal nodes that differ: O(changed nodes · fanout). Sliced with `offset`/`limit`.
   */
  'diff.structure': {
    request: z.strictObject({
      storeId,
      a: versionRef,
      b: versionRef,
      offset: z.int({ error: 'must be an integer' }).nonnegative({ error: 'must not be negative' }).default(0),
      limit: z.int({ error: 'must be a positive integer' })
        .positive({ error: 'must be a positive integer' })
        .max(DIFF_STRUCTURE_LIMIT_MAX, { error: `must be at most ${DIFF_STRUCTURE_LIMIT_MAX}` })
        .default(DIFF_STRUCTURE_LIMIT_DEFAULT),
    }),
    response: returns<DiffStructureResult>(),
  },
} as const;
