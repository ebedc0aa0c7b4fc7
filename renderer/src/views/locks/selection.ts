/**
 * What the Locks view shows from what the stream holds: the frame (newest, or the one the
 * scrubber picked while paused) and the table page (the one read at the pause, while it covers
 * the rows on screen; else the newest). Pure, so pause and scrub are tested without a browser.
 */
import type { LockSnapshotData } from '../../../../app/contract';
import type { RingBuffer } from './ring';

/** One page of the grouped table. */
export type GroupPage = LockSnapshotData['groups'];

/** The table window the view needs (group indices). */
export interface TableWindow {
  readonly offset: number;
  readonly limit: number;
}

/** True when `page` holds every row of `w` that exists. */
export function covers(page: GroupPage | null, w: TableWindow): boolean {
  if (!page) return false;
  const end = Math.min(w.offset + w.limit, page.total);
  return page.offset <= w.offset && page.offset + page.rows.length >= end;
}

/**
 * The frame to show: the newest when live; when paused, frame number `cursor`, clamped to what
 * the ring still holds (the oldest frames are overwritten while paused). O(1).
 */
export function pickShown<T extends { readonly n: number }>(ring: RingBuffer<T>, paused: boolean, cursor: number | null): T | null {
  if (ring.size === 0) return null;
  if (!paused || cursor === null) return ring.last() ?? null;
  const first = (ring.at(0) as T).n;
  return ring.at(Math.max(0, Math.min(ring.size - 1, cursor - first))) ?? null;
}

/**
 * Frame and table together, so scrubbing rewinds both: when paused, the table is the page
 * recorded with the frame shown (each frame keeps the page read with its snapshot) while it
 * covers the rows on screen; else the newest page, flagged live. O(1).
 */
export function pickView<T extends { readonly n: number; readonly page: GroupPage | null }>(ring: RingBuffer<T>, paused: boolean, cursor: number | null, latest: GroupPage | null, w: TableWindow): { readonly shown: T | null; readonly page: GroupPage | null; readonly live: boolean } {
  const shown = pickShown(ring, paused, cursor);
  return { shown, ...pickPage(paused, shown?.page ?? null, latest, w) };
}

/** The page to show and whether it was read after the frame shown. */
export function pickPage(paused: boolean, frozen: GroupPage | null, latest: GroupPage | null, w: TableWindow): { readonly page: GroupPage | null; readonly live: boolean } {
  if (!paused) return { page: latest, live: false };
  if (frozen !== null && covers(frozen, w)) return { page: frozen, live: false };
  return { page: latest, live: true };
}
