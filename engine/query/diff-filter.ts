/**
 * `filterDiff`: the changes between two versions whose before or after value matches a query,
 * or whose named field changed (`changed(path)`).
 */
import type { DiffChange } from '../index';
import type { Query } from './ast';
import { matchesChange } from './evaluate';
import { tryDecodeValue } from '../records/value';

function side(bytes: Buffer | null): { value: unknown } | null {
  if (bytes === null) return null;
  const d = tryDecodeValue(bytes);
  return { value: d.ok ? d.value : undefined };
}

/** True when one change matches (see `matchesChange`). Decodes each side once. O(value sizes × query size). */
export function changeMatches(q: Query, change: Pick<DiffChange, 'before' | 'after'>): boolean {
  return matchesChange(q, side(change.before), side(change.after));
}

/**
 * The changes that match `q`, lazily, in the diff's order: a change matches when `q` holds on
 * its value before or after (a missing side is not asked), with `changed(path)` true when the
 * field's presence or value differs between the two. O(changes × (value sizes + query size)).
 */
export function* filterDiff(changes: Iterable<DiffChange>, q: Query): IterableIterator<DiffChange> {
  for (const c of changes) if (changeMatches(q, c)) yield c;
}
