/**
 * Contract methods for finding and counting (issue 18): rows by position and the position of a
 * key (the records list's scrollbar spans the exact total), checking a query's text before it
 * runs (errors point at a column), and the key-space breakdown the Overview draws. Spread into
 * `contract` in `app/contract.ts`; `where` (a query) also filters `records.page`,
 * `records.count` and `diff.page`.
 */
import { z } from 'zod';
import type { KeyView, PageResult } from '../contract';
import { jobId, keyInput, rangeInput, returns, storeId } from './schemas';
import { atVersion } from './versions';

/** Longest query text a request may carry (characters): a query is a line, not a document. */
export const QUERY_TEXT_MAX = 2000;
/** Most rows one `records.pageAt` call returns. */
export const PAGE_AT_LIMIT_MAX = 1000;
/** Largest position `records.pageAt` accepts (beyond any store's record count, below 2^53). */
export const POSITION_MAX = 2 ** 48;
/** Most of the largest records `keyspace.analyze` lists. */
export const KEYSPACE_TOP_MAX = 100;

/**
 * A query in the filter language (engine/query, docs/QUERIES.md): `status = "pending" and
 * total > 100`, `changed(status)` over a diff. Not empty, at most {@link QUERY_TEXT_MAX}
 * characters, no NUL byte.
 */
export const queryText = z.string({ error: 'must be a string (a query)' })
  .min(1, { error: 'must not be empty (leave it out to match every record)' })
  .max(QUERY_TEXT_MAX, { error: `must be at most ${QUERY_TEXT_MAX} characters` })
  .refine((q) => !q.includes('\0'), { error: 'must not contain NUL bytes' });

/** Result of `records.pageAt`: a page that starts at a position of the range. */
export interface PositionPageResult extends PageResult {
  /** Position (0-based, in scan order) of the first row. */
  readonly index: number;
  /** Records in the range at the version read (the position's denominator). */
  readonly total: number;
}

/** Result of `records.indexOf`. */
export interface IndexOfResult {
  /** Records of the range in scan order before `key` (its position when it is present). */
  readonly index: number;
  /** Whether `key` itself is in the range. */
  readonly found: boolean;
  readonly version: number;
}

/** Result of `query.check`: the query parses, or where it does not. */
export type QueryCheckResult =
  | { readonly ok: true }
  /** `column` is 1-based, in characters of the text sent; `message` is one line. */
  | { readonly ok: false; readonly message: string; readonly column: number };

/** Record and byte totals of one part of the key space. */
export interface KeySpaceTotals {
  readonly records: number;
  readonly keyBytes: number;
  readonly valueBytes: number;
  /** Bytes of the values stored off-tree (included in `valueBytes`). */
  readonly largeValueBytes: number;
}

/** One prefix of the key space, with its next level when asked for. */
export interface KeySpacePrefix extends KeySpaceTotals {
  /** How people read it: `orders`, `("orders", 7)`. */
  readonly label: string;
  /** The prefix as a key (its tuple elements): Records filters by it. */
  readonly prefix: KeyView;
  /** The prefixes one element longer (level 2), largest first; absent at the last level. */
  readonly children?: readonly KeySpacePrefix[];
  /** Children left out (beyond the largest `top`). */
  readonly omitted: number;
}

/** Result of `keyspace.analyze`. */
export interface KeySpaceResult {
  /** The version analysed. */
  readonly version: number;
  readonly totals: KeySpaceTotals;
  /** Level-1 prefixes, largest (by bytes) first. */
  readonly prefixes: readonly KeySpacePrefix[];
  /** Level-1 prefixes left out of `prefixes` (beyond the largest `top`); counted in `totals`. */
  readonly omitted: number;
  /** Keys that are not tuples (raw bytes): no prefix to group them by. */
  readonly other: KeySpaceTotals;
  /** The largest records (key + value bytes), largest first. */
  readonly largest: readonly { readonly key: KeyView; readonly bytes: number }[];
}

/** The feature's methods: name → request schema → response type. */
export const findMethods = {
  /**
   * One page starting at the `index`-th record of the range (0-based, in scan order): the
   * records list jumps to any position of a range in one request. O(log n) node reads to the
   * position (the engine's `entryAt`), then a scan of `limit` rows.
   */
  'records.pageAt': {
    request: z.strictObject({
      storeId,
      range: rangeInput.optional(),
      index: z.int({ error: 'must be a non-negative integer' })
        .nonnegative({ error: 'must be a non-negative integer' })
        .max(POSITION_MAX, { error: `must be at most ${POSITION_MAX}` }),
      limit: z.int({ error: 'must be a positive integer' })
        .positive({ error: 'must be a positive integer' })
        .max(PAGE_AT_LIMIT_MAX, { error: `must be at most ${PAGE_AT_LIMIT_MAX}` })
        .default(200),
      at: atVersion.optional(),
    }),
    response: returns<PositionPageResult>(),
  },
  /** The position of `key` in the range (records before it, in scan order). O(log n) node reads. */
  'records.indexOf': {
    request: z.strictObject({ storeId, key: keyInput, range: rangeInput.optional(), at: atVersion.optional() }),
    response: returns<IndexOfResult>(),
  },
  /**
   * Parses a query without running it: the query bar checks as the user types. `scope` says
   * where it will run: `changed(path)` only means something over a diff. O(query length).
   */
  'query.check': {
    request: z.strictObject({
      text: z.string({ error: 'must be a string' }).max(QUERY_TEXT_MAX, { error: `must be at most ${QUERY_TEXT_MAX} characters` }),
      scope: z.enum(['records', 'diff'], { error: "must be 'records' or 'diff'" }).default('records'),
    }),
    response: returns<QueryCheckResult>(),
  },
  /**
   * The key space by prefix at the head (or `at`): records, key bytes and value bytes per
   * tuple prefix (level 1, and level 2 inside it when `depth` is 2), and the `top` largest
   * records. A job: one pass over the records with progress and cancel.
   */
  'keyspace.analyze': {
    request: z.strictObject({
      storeId,
      depth: z.union([z.literal(1), z.literal(2)], { error: 'must be 1 or 2' }).default(2),
      top: z.int({ error: 'must be a positive integer' })
        .positive({ error: 'must be a positive integer' })
        .max(KEYSPACE_TOP_MAX, { error: `must be at most ${KEYSPACE_TOP_MAX}` })
        .default(20),
      at: atVersion.optional(),
      jobId: jobId.optional(),
    }),
    response: returns<KeySpaceResult>(),
  },
} as const;
