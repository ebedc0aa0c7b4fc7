/**
 * Queries from requests (`where`, `query.check`) → the engine's parsed queries. A query that
 * does not parse is a BAD_REQUEST whose one line names the column, as the CLI prints it;
 * `changed(path)` is refused outside a diff, where it has no "before" to compare with.
 */
import type { QueryCheckResult } from '../contract';
import { QuerySyntaxError, decodedValue, findRecords, matches, parseQuery, usesChanged } from './engine';
import type { Entry, Query, RangeOptions } from './engine';
import { ServiceError } from './errors';
import type { VersionReader } from './time-travel';

/** Where a query runs: over records (one value each) or over a diff (before and after). */
export type QueryScope = 'records' | 'diff';

/** Parses `text` for `scope`; a syntax error's column, or null. O(text length). */
function parse(text: string, scope: QueryScope): { query: Query } | { message: string; column: number } {
  try {
    const query = parseQuery(text);
    if (scope === 'records' && usesChanged(query)) {
      const at = text.search(/\bchanged\s*\(/);
      return { message: 'changed() compares two versions: use it in Diff, not in Records', column: at < 0 ? 1 : at + 1 };
    }
    return { query };
  } catch (error) {
    if (error instanceof QuerySyntaxError) return { message: error.reason, column: error.column };
    throw error;
  }
}

/** `query.check`: whether `text` parses for `scope`, or its error and 1-based column. O(text length). */
export function checkQuery(text: string, scope: QueryScope): QueryCheckResult {
  if (text.trim() === '') return { ok: false, message: 'the query is empty', column: 1 };
  const parsed = parse(text, scope);
  return 'query' in parsed ? { ok: true } : { ok: false, message: parsed.message, column: parsed.column };
}

/** The query of a request's `where`, or a BAD_REQUEST naming its column. O(text length). */
export function compileWhere(text: string, scope: QueryScope): Query {
  const parsed = parse(text, scope);
  if ('query' in parsed) return parsed.query;
  throw new ServiceError('BAD_REQUEST', `where: query error at column ${parsed.column}: ${parsed.message}`);
}

/** Records a filtered page reads at most before it answers (then its cursor says where to go on). */
export const FILTER_SCAN_BUDGET = 20_000;

/**
 * Whether a record's value matches, as the engine's `findRecords` decides it (a value that is
 * not MessagePack has no fields). O(value size).
 */
export function entryMatches(query: Query, entry: Entry): boolean {
  return matches(query, decodedValue(entry));
}

/**
 * Up to `limit` matching records of `range` after `after` (in scan order), reading at most
 * `budget` records: a page of a query that matches little answers in bounded time, and says
 * where it stopped (`stoppedAt`, null at the end of the range) so the next page goes on from
 * there. O(budget) value decodes.
 */
export function filteredScan(reader: VersionReader, query: Query, range: RangeOptions, after: Uint8Array | undefined, limit: number, budget = FILTER_SCAN_BUDGET): { entries: Entry[]; stoppedAt: Buffer | null } {
  const page = findRecords(reader, query, { range, limit, maxScanned: budget, ...(after !== undefined ? { after } : {}) });
  return { entries: page.entries, stoppedAt: page.cursor };
}
