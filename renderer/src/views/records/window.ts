/**
 * The shape of the records list: which list position shows which loaded row, and what the list
 * says about its total. Rows come from three places — pages read forward from the start (the
 * head), blocks reached through a count's marks (any position, once the range is counted), and
 * a page read backward from the end (the tail, so End works before the count is known). While
 * the total is unknown the list is the head, one gap row standing for everything not loaded,
 * then the tail: its scrollbar never pretends the loaded rows are all. Pure functions.
 */
import { formatCount } from '../../lib/format';

/** What is loaded and known about the range. */
export interface ListShape {
  /** Rows loaded from the start of the range. */
  readonly head: number;
  /** The forward scan reached the end of the range (the head is every row). */
  readonly headDone: boolean;
  /** The exact number of rows, when counted; null while unknown. */
  readonly counted: number | null;
  /** Rows loaded from the end of the range (used only while the total is unknown). */
  readonly tail: number;
  /** Rows per block (the page size, and the count's mark spacing). */
  readonly every: number;
}

/** What a list position shows. */
export type Slot =
  | { readonly kind: 'head'; readonly index: number }
  | { readonly kind: 'block'; readonly block: number; readonly offset: number }
  | { readonly kind: 'gap' }
  | { readonly kind: 'tail'; readonly index: number; readonly fromEnd: number };

/** The exact total when known: counted, or the whole range already read forward. O(1). */
export function knownTotal(s: ListShape): number | null {
  if (s.headDone) return s.head;
  return s.counted;
}

/** How many positions the list has: the total, or head + gap + tail while unknown. O(1). */
export function listLength(s: ListShape): number {
  const total = knownTotal(s);
  if (total !== null) return total;
  return s.head + 1 + s.tail;
}

/** What position `i` shows. O(1). */
export function slotAt(s: ListShape, i: number): Slot {
  const total = knownTotal(s);
  if (i < s.head) return { kind: 'head', index: i };
  if (total !== null) return { kind: 'block', block: Math.floor(i / s.every), offset: i % s.every };
  if (i === s.head) return { kind: 'gap' };
  const index = i - s.head - 1;
  return { kind: 'tail', index, fromEnd: s.tail - index };
}

/**
 * The row number shown at position `i`: its 1-based position in the range (`base` rows come
 * before the list's first row, after a jump to a key), or "−k" (k-th from the end) when the
 * total is unknown.
 */
export function rowNumber(s: ListShape, i: number, base = 0): { readonly text: string; readonly title?: string } {
  const slot = slotAt(s, i);
  if (slot.kind === 'tail') return { text: `−${formatCount(slot.fromEnd)}`, title: `${ordinal(slot.fromEnd)} record from the end (its position is unknown until the range is counted)` };
  return { text: formatCount(base + i + 1) };
}

function ordinal(n: number): string {
  if (n === 1) return 'The last';
  const suffix = n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th';
  return `The ${formatCount(n)}${suffix}`;
}

/**
 * What the list says about its size: the exact total when known; else how many are loaded,
 * that the total is unknown, and how far a running count has got (under a query, the matches
 * found so far: a lower bound, "≥ N so far").
 */
export function totalText(s: ListShape, counting: { readonly done: number } | null, filtered = false): string {
  const total = knownTotal(s);
  const noun = filtered ? 'matching record' : 'record';
  if (total !== null) return `${formatCount(total)} ${noun}${total === 1 ? '' : 's'}`;
  if (filtered && counting) return `≥ ${formatCount(Math.max(counting.done, s.head + s.tail))} matching records so far (counting…)`;
  const loaded = `${formatCount(s.head + s.tail)} record${s.head + s.tail === 1 ? '' : 's'} loaded`;
  return `${loaded} · total unknown${counting ? ` (counting… ${formatCount(counting.done)})` : ''}`;
}
