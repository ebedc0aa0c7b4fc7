/**
 * `findRecords`: a filtered scan of a key range, page by page. Each value is decoded once
 * (msgpackr, through `decodeValue`) and the query evaluated on the decoded form; a value that is
 * not MessagePack (raw bytes) has no fields, so only a query like `not exists(x)` matches it.
 */
import { InvalidArgumentError } from '../errors';
import { tryDecodeValue } from '../records/value';
import type { Entry, RangeOptions } from '../index';
import type { Query } from './ast';
import { assertRecordQuery, matches } from './evaluate';

/** What findRecords reads: a store's head or any version (`store.at(v)`). */
export interface ScanSource {
  scan(range?: RangeOptions): IterableIterator<Entry>;
}

/** Options of {@link findRecords}. */
export interface FindOptions {
  /** Keys to look at (`limit` in it is ignored: use `limit` below). */
  readonly range?: RangeOptions;
  /** At most this many matching records (all of them when absent). */
  readonly limit?: number;
  /** Continue after this key: the `cursor` of the previous page. */
  readonly after?: Uint8Array;
  /**
   * At most this many records looked at. A page that stops for this returns the last key looked
   * at as its cursor, so an interactive caller can show progress on a rare match and continue.
   */
  readonly maxScanned?: number;
}

/** One page of matches. */
export interface FindResult {
  readonly entries: Entry[];
  /** Pass as `after` to continue; null when the range is exhausted. */
  readonly cursor: Buffer | null;
  /** Records looked at for this page. */
  readonly scanned: number;
}

/** The decoded value of an entry, or undefined for bytes that are not a Thunderhead value. */
export function decodedValue(entry: Entry): unknown {
  const d = tryDecodeValue(entry.value);
  return d.ok ? d.value : undefined;
}

function checkCount(name: string, n: number | undefined): void {
  if (n !== undefined && (!Number.isInteger(n) || n < 0)) throw new InvalidArgumentError(`${name} must be a non-negative integer (got ${n})`);
}

/** The range of a page: the caller's range narrowed to after the cursor (before it, in reverse). */
function pageRange(range: RangeOptions, after: Uint8Array | undefined): RangeOptions {
  const { limit: _ignored, ...rest } = range;
  if (after === undefined) return rest;
  if (range.reverse) {
    const to = rest.to !== undefined && Buffer.compare(rest.to, after) < 0 ? rest.to : after;
    return { ...rest, to };
  }
  // `from` is inclusive: start at the cursor and skip it (its successor may exceed the key size).
  const from = rest.from !== undefined && Buffer.compare(rest.from, after) > 0 ? rest.from : after;
  return { ...rest, from };
}

/** Matching entries of a scan, lazily (for streaming callers such as the CLI). O(1) memory. */
export function* filterEntries(entries: Iterable<Entry>, q: Query): Generator<Entry> {
  assertRecordQuery(q);
  for (const e of entries) if (matches(q, decodedValue(e))) yield e;
}

/**
 * The records of `range` in `view` whose values match `q`, at most `limit` of them, from after
 * `after`. O(height + records looked at × (value size + query size)): every record of the range
 * up to the last match is read and decoded once. Calling again with `after: cursor` until the
 * cursor is null returns exactly the records of one full filtered scan.
 */
export function findRecords(view: ScanSource, q: Query, opts: FindOptions = {}): FindResult {
  assertRecordQuery(q);
  checkCount('limit', opts.limit);
  checkCount('maxScanned', opts.maxScanned);
  const range = pageRange(opts.range ?? {}, opts.after);
  const afterKey = opts.after !== undefined ? Buffer.from(opts.after.buffer, opts.after.byteOffset, opts.after.byteLength) : null;
  const entries: Entry[] = [];
  let scanned = 0;
  if (opts.limit === 0) return { entries, cursor: afterKey ? Buffer.from(afterKey) : null, scanned };
  for (const e of view.scan(range)) {
    if (afterKey !== null && e.key.equals(afterKey)) continue;
    scanned++;
    if (matches(q, decodedValue(e))) {
      entries.push(e);
      if (opts.limit !== undefined && entries.length >= opts.limit) return { entries, cursor: Buffer.from(e.key), scanned };
    }
    if (opts.maxScanned !== undefined && scanned >= opts.maxScanned) return { entries, cursor: Buffer.from(e.key), scanned };
  }
  return { entries, cursor: null, scanned };
}
