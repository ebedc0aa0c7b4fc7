/** Which page of lock groups to ask the monitor for, given the rows on screen. */

/** Rows asked for around the visible ones, so short scrolls find them loaded. */
export const MARGIN = 40;
/** Page boundaries snap to this, so small scrolls do not change the request. */
export const SNAP = 20;
/** The contract's most groups per snapshot. */
export const MAX_LIMIT = 1000;

/** The table window (offset, limit) covering rows `first..last` with a margin on both sides. */
export function windowFor(first: number, last: number): { readonly offset: number; readonly limit: number } {
  const offset = Math.max(0, Math.floor((first - MARGIN) / SNAP) * SNAP);
  const end = Math.ceil((last + 1 + MARGIN) / SNAP) * SNAP;
  return { offset, limit: Math.min(MAX_LIMIT, Math.max(SNAP, end - offset)) };
}
