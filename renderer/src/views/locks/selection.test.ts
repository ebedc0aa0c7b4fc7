import { describe, expect, it } from 'vitest';
import { covers, pickPage, pickShown, pickView, type GroupPage } from './selection';
import { RingBuffer } from './ring';

const page = (offset: number, rows: number, total: number): GroupPage => ({ offset, limit: rows, total, rows: new Array(rows).fill(null) as never[] });

describe('covers', () => {
  it('needs every existing row of the window', () => {
    expect(covers(page(0, 100, 1000), { offset: 20, limit: 80 })).toBe(true);
    expect(covers(page(0, 100, 1000), { offset: 20, limit: 81 })).toBe(false);
    expect(covers(page(20, 100, 1000), { offset: 0, limit: 50 })).toBe(false);
    // Past the end of the table there is nothing to cover.
    expect(covers(page(0, 30, 30), { offset: 0, limit: 100 })).toBe(true);
    expect(covers(null, { offset: 0, limit: 1 })).toBe(false);
  });
});

describe('pickShown', () => {
  it('follows the newest when live and holds the cursor when paused, clamped as frames are evicted', () => {
    const ring = new RingBuffer<{ n: number }>(3);
    expect(pickShown(ring, false, null)).toBeNull();
    for (let n = 1; n <= 3; n++) ring.push({ n });
    expect(pickShown(ring, false, 1)?.n).toBe(3);
    expect(pickShown(ring, true, 2)?.n).toBe(2);
    ring.push({ n: 4 });
    ring.push({ n: 5 });
    // Frame 2 is gone: the oldest kept stands in.
    expect(pickShown(ring, true, 2)?.n).toBe(3);
    expect(pickShown(ring, true, 99)?.n).toBe(5);
    expect(pickShown(ring, true, null)?.n).toBe(5);
  });
});

describe('pickPage', () => {
  const frozen = page(0, 100, 5000);
  const latest = page(400, 100, 5200);
  it('shows the newest page when live', () => {
    expect(pickPage(false, frozen, latest, { offset: 0, limit: 50 })).toEqual({ page: latest, live: false });
  });
  it('keeps the page read at the pause while it covers the rows on screen, else says it is live', () => {
    expect(pickPage(true, frozen, latest, { offset: 0, limit: 50 })).toEqual({ page: frozen, live: false });
    expect(pickPage(true, frozen, latest, { offset: 400, limit: 50 })).toEqual({ page: latest, live: true });
    expect(pickPage(true, null, latest, { offset: 0, limit: 50 })).toEqual({ page: latest, live: true });
  });
});

describe('pickView', () => {
  it('rewinds the table with the frame: a scrubbed-to frame shows the page recorded with it', () => {
    const ring = new RingBuffer<{ n: number; page: GroupPage }>(10);
    const pages = [page(0, 100, 1000), page(0, 100, 1100), page(0, 100, 1200)];
    pages.forEach((p, i) => ring.push({ n: i + 1, page: p }));
    const latest = page(0, 100, 1300);
    const w = { offset: 0, limit: 50 };
    expect(pickView(ring, false, null, latest, w)).toMatchObject({ shown: { n: 3 }, page: latest, live: false });
    // Paused on the newest, then scrubbed back to the first: the table goes back with it.
    expect(pickView(ring, true, 3, latest, w)).toMatchObject({ shown: { n: 3 }, page: pages[2], live: false });
    expect(pickView(ring, true, 1, latest, w)).toMatchObject({ shown: { n: 1 }, page: pages[0], live: false });
    // Rows the frame did not record are read live, and said to be.
    expect(pickView(ring, true, 1, latest, { offset: 500, limit: 50 })).toMatchObject({ shown: { n: 1 }, page: latest, live: true });
  });
});
