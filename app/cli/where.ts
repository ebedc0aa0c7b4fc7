/**
 * The `--where` option of `scan` and `diff`: the query text, parsed up front so a bad query is a
 * usage error (exit 2, one line with the column) before any store is opened.
 */
import { Option } from 'commander';
import { parseQuery, QuerySyntaxError, type Query } from '../../engine/index';
import { UsageError } from './errors';

/** The query language in brief, for `--help` (docs/QUERIES.md is the reference). */
export const QUERY_SYNTAX = `
Queries (--where), over MessagePack values; docs/QUERIES.md has the whole language:
  status = "pending"                       = != < <= > >= on strings, numbers, 12n (bigint), true, false, null
  address.city = "Oslo"   items[0].sku = "A-1"   \`odd name\` = 1   meta["a.b"] > 2
  status in ["paid", "shipped"]   status not in ["new"]
  exists(note)   startsWith(sku, "A-")   contains(note, "fragile")
  changed(status)                          diff only: the field differs between A and B
  not (a = 1 or b = 2) and c >= 3          not > and > or; parentheses group
A field that is missing makes every comparison on it false (!= too); \`not a = 1\` includes it.`;

/** `--where <query>`. */
export function whereOption(what: string): Option {
  return new Option('--where <query>', `only ${what} whose value matches QUERY (see below)`);
}

/** Parses `--where` text; a bad query is a UsageError naming the column. O(length of the text). */
export function whereArgument(text: string): Query {
  try {
    return parseQuery(text);
  } catch (e) {
    if (e instanceof QuerySyntaxError) throw new UsageError(`--where: ${e.message}`);
    throw e;
  }
}
