/**
 * The client side of the live stream: event batches (about every 100 ms) are folded into
 * counters, and each lock-table snapshot becomes a small, display-ready frame (capped graph,
 * timeline lanes, heat cells, counts). Frames go into a bounded ring buffer, which is what the
 * scrubber moves through; a frame holds no lock rows, so minutes of them stay a few MB.
 */
import type { DeadlockData, LockEventBatch, LockEventData, LockEventKind, LockSnapshotData, LockStatsData } from '../../../../app/contract';
import { capGraph, type CappedGraph } from './graph';
import { heatCells, hottest, type BucketInput, type HeatCell } from './heat';
import { waitLanes, type WaitLanes } from './timeline';
import type { KeyView } from '../../../../app/contract';

/** Most transactions drawn in the waits-for graph. */
export const GRAPH_LIMIT = 60;
/** Deadlocks this recent (ms, before the snapshot) are drawn on the graph… */
export const CYCLE_RECENT_MS = 15_000;
/** …but at most this many (the newest): a workload can break hundreds a second. */
export const CYCLES_DRAWN = 3;
/** The timeline's widest window (ms). */
export const TIMELINE_SPAN_MS = 120_000;
/** The timeline's narrowest window (ms); it grows in these steps to the widest. */
export const TIMELINE_MIN_SPAN_MS = 10_000;
/** Most transactions (lanes) on the timeline. */
export const TIMELINE_LANES = 24;
/** Sampled events a frame keeps for the event list. */
export const FRAME_EVENTS = 40;
/** Recent deadlocks a frame lists. */
export const FRAME_DEADLOCKS = 30;

/** Event counts per kind. */
export type KindCounts = { readonly [k in LockEventKind]: number };

/** No events. */
export const ZERO_COUNTS: KindCounts = { request: 0, grant: 0, wait: 0, release: 0, timeout: 0, deadlock: 0, cancel: 0 };

/** One moment of the stream, ready to draw. */
export interface LockFrame {
  /** Monitored process's clock when the snapshot was read. */
  readonly at: number;
  readonly totals: LockSnapshotData['totals'];
  readonly stats: LockStatsData;
  readonly graph: CappedGraph;
  /** Deadlocks drawn on `graph` (the recent ones). */
  readonly marked: readonly DeadlockData[];
  /** The snapshot's graph was cut by the monitor (more edges exist than it sent). */
  readonly graphTruncated: boolean;
  /** Most recent first. */
  readonly deadlocks: readonly DeadlockData[];
  readonly lanes: WaitLanes;
  readonly heat: readonly HeatCell<KeyView>[];
  readonly hottest: readonly BucketInput<KeyView>[];
  /** Events since the previous frame, by kind (exact, from batch counts). */
  readonly counts: KindCounts;
  /** Events per second over the batches since the previous frame (0 with none). */
  readonly rate: number;
  /** Sampled events since the previous frame, newest first (deadlocks and timeouts kept first). */
  readonly events: readonly LockEventData[];
  /** Batches lost between frames (gaps in `seq`). */
  readonly dropped: number;
}

/** Adds batch counts up between two snapshots. */
export class BatchAccumulator {
  private counts: Record<LockEventKind, number> = { ...ZERO_COUNTS };
  private events: LockEventData[] = [];
  private first = Infinity;
  private last = -Infinity;
  private lastSeq: number | null = null;
  private dropped = 0;
  /** The counters of the newest batch (fresher than the last snapshot's). */
  latestStats: LockStatsData | null = null;

  /** Folds one batch in. O(sample). */
  add(batch: LockEventBatch): void {
    for (const k of Object.keys(this.counts) as LockEventKind[]) this.counts[k] += batch.counts[k] ?? 0;
    if (this.lastSeq !== null && batch.seq > this.lastSeq + 1) this.dropped += batch.seq - this.lastSeq - 1;
    this.lastSeq = batch.seq;
    this.first = Math.min(this.first, batch.start);
    this.last = Math.max(this.last, batch.end);
    this.latestStats = batch.stats;
    // Keep the rare, important kinds over routine grants and releases.
    const important = batch.sample.filter((e) => e.kind === 'deadlock' || e.kind === 'timeout');
    const rest = batch.sample.filter((e) => e.kind !== 'deadlock' && e.kind !== 'timeout');
    this.events.push(...important, ...rest.slice(-Math.max(0, FRAME_EVENTS - important.length)));
    if (this.events.length > FRAME_EVENTS * 4) this.events = trimEvents(this.events, FRAME_EVENTS);
  }

  /** Takes the totals since the last take and starts over. */
  take(): { counts: KindCounts; rate: number; events: LockEventData[]; dropped: number } {
    const total = Object.values(this.counts).reduce((a, b) => a + b, 0);
    const seconds = (this.last - this.first) / 1000;
    const out = {
      counts: this.counts,
      rate: total > 0 && seconds > 0 ? total / seconds : 0,
      events: trimEvents(this.events, FRAME_EVENTS).reverse(),
      dropped: this.dropped,
    };
    this.counts = { ...ZERO_COUNTS };
    this.events = [];
    this.first = Infinity;
    this.last = -Infinity;
    this.dropped = 0;
    return out;
  }
}

/** Keeps every deadlock and timeout (up to `n`), then the newest others, in time order. */
export function trimEvents(events: readonly LockEventData[], n: number): LockEventData[] {
  const important = events.filter((e) => e.kind === 'deadlock' || e.kind === 'timeout').slice(-n);
  const room = n - important.length;
  const keep = new Set<LockEventData>(important);
  const rest = events.filter((e) => !keep.has(e));
  for (const e of room > 0 ? rest.slice(-room) : []) keep.add(e);
  return events.filter((e) => keep.has(e));
}

/** Turns a snapshot (and the batches since the last one) into a frame. O(E log E + T log T). */
export function buildFrame(snap: LockSnapshotData, since: ReturnType<BatchAccumulator['take']>): LockFrame {
  const waits = currentWaits(snap);
  const marked = snap.deadlocks.filter((d) => snap.at - d.at <= CYCLE_RECENT_MS).slice(-CYCLES_DRAWN);
  return {
    at: snap.at,
    totals: snap.totals,
    stats: snap.stats,
    graph: capGraph(snap.graph.edges, marked, GRAPH_LIMIT),
    marked,
    graphTruncated: snap.graph.truncated,
    deadlocks: snap.deadlocks.slice(-FRAME_DEADLOCKS).reverse(),
    lanes: waitLanes(waits, snap.at, timelineSpan(waits, snap.at), TIMELINE_LANES),
    heat: heatCells(snap.contention),
    hottest: hottest(snap.contention, 5),
    counts: since.counts,
    rate: since.rate,
    events: since.events,
    dropped: since.dropped,
  };
}

/**
 * The timeline's window: as far back as the recorded waits go, in whole steps of
 * {@link TIMELINE_MIN_SPAN_MS} (so it does not jitter), at most {@link TIMELINE_SPAN_MS}. Waits are
 * recorded from the first attach, so a fresh attachment gets a short window its bars fill.
 */
export function timelineSpan(waits: readonly { readonly start: number }[], now: number): number {
  let earliest = now;
  for (const w of waits) earliest = Math.min(earliest, w.start);
  const steps = Math.max(1, Math.ceil((now - earliest) / TIMELINE_MIN_SPAN_MS));
  return Math.min(TIMELINE_SPAN_MS, steps * TIMELINE_MIN_SPAN_MS);
}

/**
 * The snapshot's wait intervals without "still waiting" ones that the same snapshot's graph
 * contradicts: a waiting request always waits for someone, so its transaction is a waiter in
 * the (untruncated) graph. Guards the timeline against intervals whose end the monitor missed
 * (it stops listening when its last client leaves). O(E + T).
 */
export function currentWaits(snap: LockSnapshotData): LockSnapshotData['timeline'] {
  if (snap.graph.truncated) return snap.timeline;
  const waiting = new Set(snap.graph.edges.map((e) => e.waiter));
  return snap.timeline.filter((w) => w.end !== null || waiting.has(w.tx));
}

/**
 * The graph to draw for a frame with one deadlock picked from the list: the frame's graph when
 * it already shows that cycle, else the frame's graph capped again with the cycle added.
 */
export function graphWith(frame: LockFrame, picked: DeadlockData | null): CappedGraph {
  if (!picked || frame.marked.some((d) => d.at === picked.at && d.victim === picked.victim)) return frame.graph;
  return capGraph(frame.graph.edges, [...frame.marked, picked], GRAPH_LIMIT + picked.cycle.length);
}
