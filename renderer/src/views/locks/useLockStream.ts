/**
 * The live stream of one attachment: polls `locks.snapshot` for the table page on screen (and
 * the graph, timeline, buckets that come with it), folds `lock.events` batches in, keeps frames
 * in a ring buffer for the scrubber, and re-renders at most ~10 times a second whatever the
 * event rate. Pausing freezes what is shown; the stream keeps filling the ring behind it.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { LockGroupData, LockStatsData } from '../../../../app/contract';
import { useServiceEvent, useTransport } from '../../api/hooks';
import { ApiError } from '../../api/transport';
import { BatchAccumulator, buildFrame, type LockFrame } from './frames';
import { RingBuffer } from './ring';
import { covers, pickView, type GroupPage, type TableWindow } from './selection';

export type { GroupPage, TableWindow } from './selection';

/** Frames kept for the scrubber: four minutes at the fastest poll (2.5 snapshots a second), more when slower. */
export const FRAME_CAPACITY = 600;
/** Least time between two snapshot requests (ms); slower when the round trip is slower. */
export const MIN_POLL_MS = 400;
/** Least time between two renders (ms): ≤ 10 Hz however fast batches arrive. */
export const RENDER_MS = 100;
/** Contention buckets asked for. */
export const BUCKETS = 64;

/** A frame with its position in the stream, and the table page read with it. */
export interface NumberedFrame {
  readonly n: number;
  readonly frame: LockFrame;
  /** The lock table rows of the snapshot (the window on screen then: ≤ a few hundred groups). */
  readonly page: GroupPage;
}

/** What {@link useLockStream} gives the view. */
export interface LockStream {
  /** The frame shown (the newest when live, the picked one when paused). */
  readonly shown: NumberedFrame | null;
  /** Oldest and newest frame numbers in the ring, and how many. */
  readonly range: { readonly first: number; readonly last: number; readonly size: number; readonly firstAt: number; readonly lastAt: number };
  /** Table rows: the page recorded with the frame shown (paused), or the newest. */
  readonly page: GroupPage | null;
  /** True when `page` was read after the shown frame (paused, scrolled past the frozen page). */
  readonly pageIsLive: boolean;
  readonly stats: LockStatsData | null;
  readonly paused: boolean;
  readonly error: ApiError | null;
  pause(): void;
  resume(): void;
  /** Shows frame `n` (pauses). */
  seek(n: number): void;
  /** The view scrolled the table. */
  setWindow(w: TableWindow): void;
}

/**
 * Streams one attachment while `attachmentId` is set and `live` is true. While not `visible`
 * (another view shows) it keeps recording frames but renders nothing.
 */
export function useLockStream(attachmentId: string | null, live: boolean, visible = true): LockStream {
  const transport = useTransport();
  const ring = useRef(new RingBuffer<NumberedFrame>(FRAME_CAPACITY));
  const acc = useRef(new BatchAccumulator());
  const counter = useRef(0);
  const latestPage = useRef<GroupPage | null>(null);
  const windowRef = useRef<TableWindow>({ offset: 0, limit: 100 });
  const wake = useRef<() => void>(() => undefined);
  const [, setTick] = useState(0);
  const [paused, setPaused] = useState(false);
  const [cursor, setCursor] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const visibleRef = useRef(visible);
  visibleRef.current = visible;

  // ≤ 10 Hz renders, on an animation frame so they land with the browser's paint.
  const pending = useRef(false);
  const lastRender = useRef(0);
  const request = useCallback(() => {
    if (pending.current || !visibleRef.current) return;
    pending.current = true;
    const wait = Math.max(0, RENDER_MS - (performance.now() - lastRender.current));
    setTimeout(() => {
      requestAnimationFrame(() => {
        pending.current = false;
        lastRender.current = performance.now();
        setTick((t) => t + 1);
      });
    }, wait);
  }, []);

  // Back on screen: catch up with what was recorded meanwhile.
  useEffect(() => {
    if (visible) request();
  }, [visible, request]);

  // A new attachment starts a new history.
  useEffect(() => {
    ring.current.clear();
    acc.current = new BatchAccumulator();
    latestPage.current = null;
    setPaused(false);
    setCursor(null);
    setError(null);
  }, [attachmentId]);

  useServiceEvent('lock.events', (e) => {
    if (e.attachmentId !== attachmentId) return;
    acc.current.add(e.batch);
    if (!pausedRef.current) request();
  });

  useEffect(() => {
    if (!attachmentId || !live) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const loop = async () => {
      const started = performance.now();
      const w = windowRef.current;
      try {
        const snap = await transport.call('locks.snapshot', { attachmentId, offset: w.offset, limit: w.limit, buckets: BUCKETS });
        if (stopped) return;
        counter.current += 1;
        ring.current.push({ n: counter.current, frame: buildFrame(snap, acc.current.take()), page: snap.groups });
        latestPage.current = snap.groups;
        setError(null);
        request();
      } catch (e) {
        if (stopped) return;
        setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), 'locks.snapshot'));
      }
      const took = performance.now() - started;
      const delay = Math.max(MIN_POLL_MS, 2 * took) - took;
      await new Promise<void>((resolve) => {
        wake.current = resolve;
        timer = setTimeout(resolve, Math.max(0, delay));
      });
      wake.current = () => undefined;
      if (!stopped) void loop();
    };
    void loop();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake.current();
    };
  }, [attachmentId, live, transport, request]);

  const setWindow = useCallback((w: TableWindow) => {
    const old = windowRef.current;
    if (old.offset === w.offset && old.limit === w.limit) return;
    windowRef.current = w;
    // Rows the user scrolled to should not wait for the next poll.
    if (!covers(latestPage.current, w)) wake.current();
  }, []);

  const pause = useCallback(() => {
    setCursor(ring.current.last()?.n ?? null);
    setPaused(true);
  }, []);
  const resume = useCallback(() => {
    setCursor(null);
    setPaused(false);
  }, []);
  const seek = useCallback((n: number) => {
    setPaused(true);
    setCursor(n);
  }, []);

  const r = ring.current;
  const first = r.at(0)?.n ?? 0;
  const last = r.last()?.n ?? 0;
  // Scrubbing rewinds the frame and the table together (the page recorded with that frame).
  const { shown, ...table } = pickView(r, paused, cursor, latestPage.current, windowRef.current);
  return {
    shown,
    range: { first, last, size: r.size, firstAt: r.at(0)?.frame.at ?? 0, lastAt: r.last()?.frame.at ?? 0 },
    page: table.page,
    pageIsLive: table.live,
    stats: paused ? (shown?.frame.stats ?? null) : (acc.current.latestStats ?? shown?.frame.stats ?? null),
    paused,
    error,
    pause,
    resume,
    seek,
    setWindow,
  };
}

/** The group at table index `i` of a page, if the page holds it. */
export function groupAt(page: GroupPage | null, i: number): LockGroupData | undefined {
  if (!page || i < page.offset) return undefined;
  return page.rows[i - page.offset];
}
