/**
 * The records list's scrollbar over any number of rows. A browser caps an element's height
 * (Chrome near 33.5 million pixels, Firefox near 17.9 million), so a list 26 px × rows tall
 * stops working past about a million rows. Instead the scrolled content is at most
 * {@link MAX_SCROLL_PX} tall and a scroll position maps linearly onto a row: the top of the
 * scrollbar is the first row, its bottom shows the last rows, and dragging the thumb to the
 * middle lands in the middle of the range in one hop. Below the cap the mapping is exactly
 * 1 px = 1 px (plain scrolling). Pure functions, O(1) each.
 */

/** Tallest scrolled content (px): below every browser's element-height cap, with margin. */
export const MAX_SCROLL_PX = 15_000_000;

/** What the mapping needs to know. */
export interface ScrollGeometry {
  /** Rows in the list. */
  readonly total: number;
  /** Height of one row (px). */
  readonly rowHeight: number;
  /** Height of the visible part of the list (px). */
  readonly viewport: number;
}

/** Height of the scrolled content (px): the rows' own height, or the cap. */
export function contentHeight(g: ScrollGeometry): number {
  return Math.min(g.total * g.rowHeight, MAX_SCROLL_PX);
}

/** How far the content can scroll (px). */
function maxScrollTop(g: ScrollGeometry): number {
  return Math.max(0, contentHeight(g) - g.viewport);
}

/** How far the first visible row can go (rows, fractional): the last rows then fill the viewport. */
function maxFirstRow(g: ScrollGeometry): number {
  return Math.max(0, g.total - g.viewport / g.rowHeight);
}

/** True when the content is shorter than the rows (the scrollbar is scaled). */
export function isScaled(g: ScrollGeometry): boolean {
  return g.total * g.rowHeight > MAX_SCROLL_PX;
}

/** The first visible row (fractional) at a scroll position. */
export function firstRowAt(scrollTop: number, g: ScrollGeometry): number {
  const max = maxScrollTop(g);
  if (max <= 0) return 0;
  const top = Math.min(Math.max(0, scrollTop), max);
  if (!isScaled(g)) return top / g.rowHeight;
  return (top / max) * maxFirstRow(g);
}

/** The scroll position that shows `firstRow` (fractional) at the top: the inverse of {@link firstRowAt}. */
export function scrollTopFor(firstRow: number, g: ScrollGeometry): number {
  const rows = maxFirstRow(g);
  const row = Math.min(Math.max(0, firstRow), rows);
  if (!isScaled(g)) return row * g.rowHeight;
  return rows <= 0 ? 0 : (row / rows) * maxScrollTop(g);
}

/** The rows to draw (first..last inclusive) and where the first one sits in the viewport (px, ≤ 0). */
export function visibleRows(firstRow: number, g: ScrollGeometry, overscan = 0): { readonly first: number; readonly last: number; readonly offset: number } {
  if (g.total === 0) return { first: 0, last: -1, offset: 0 };
  const top = Math.min(Math.max(0, firstRow), maxFirstRow(g));
  const first = Math.floor(top);
  const offset = -(top - first) * g.rowHeight;
  const last = Math.min(g.total - 1, first + Math.ceil(g.viewport / g.rowHeight) + overscan);
  return { first, last, offset };
}

/**
 * The first row after scrolling so that `index` is in view: unchanged when it already is,
 * else the least movement that brings it in (`align: 'auto'`), or centred.
 */
export function firstRowToShow(index: number, firstRow: number, g: ScrollGeometry, align: 'auto' | 'center' = 'auto'): number {
  const rowsInView = g.viewport / g.rowHeight;
  const clamp = (r: number) => Math.min(Math.max(0, r), maxFirstRow(g));
  if (align === 'center') return clamp(index - rowsInView / 2 + 0.5);
  if (index < firstRow) return clamp(index);
  if (index + 1 > firstRow + rowsInView) return clamp(index + 1 - rowsInView);
  return clamp(firstRow);
}
