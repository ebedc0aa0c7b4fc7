/**
 * Queries over record values and key-space analysis: a layer above the core that reads through
 * the public view API (`scan`, `diff`) and the records layer (tuple keys, MessagePack values).
 * docs/QUERIES.md is the language reference.
 */
export type { CompareOp, Literal, Path, PathSegment, Query } from './ast';
export { usesChanged } from './ast';
export { QuerySyntaxError } from './errors';
export { parseQuery, MAX_QUERY_LENGTH } from './parse';
export { formatQuery, formatPath, formatLiteral } from './format';
export { matches, matchesChange } from './evaluate';
export { findRecords, filterEntries, decodedValue, type FindOptions, type FindResult, type ScanSource } from './find';
export { filterDiff, changeMatches } from './diff-filter';
export {
  analyzeKeySpace, analyzeKeySpaceAsync,
  type KeySpaceOptions, type KeySpaceReport, type LargeRecord, type PrefixGrouping, type PrefixUsage, type SpaceTotals,
} from './key-space';
