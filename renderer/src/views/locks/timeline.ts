/**
 * The wait timeline: per transaction, bars for each wait over a trailing window. Lanes are
 * capped to the transactions that waited longest in the window, so a storm of short waits never
 * turns into thousands of rows.
 */

/** A wait as the timeline needs it (the contract's WaitIntervalData fits). */
export interface WaitInput {
  readonly tx: number;
  readonly start: number;
  /** Null while still waiting. */
  readonly end: number | null;
  readonly outcome: 'waiting' | 'granted' | 'timeout' | 'deadlock' | 'cancelled' | 'ended';
}

/** A bar, as fractions of the window (0 = window start, 1 = now). */
export interface WaitBar {
  readonly x0: number;
  readonly x1: number;
  readonly outcome: WaitInput['outcome'];
  readonly ms: number;
}

/** One transaction's row. */
export interface WaitLane {
  readonly tx: number;
  /** Total time waited inside the window (ms). */
  readonly totalMs: number;
  readonly bars: readonly WaitBar[];
}

/** What {@link waitLanes} returns. */
export interface WaitLanes {
  readonly lanes: readonly WaitLane[];
  /** Transactions that waited in the window (lanes shown or not). */
  readonly transactions: number;
  readonly windowStart: number;
  readonly windowEnd: number;
}

/**
 * Clips each wait to `[now - spanMs, now]` (an open wait runs to `now`), sums per transaction,
 * and keeps the `maxLanes` transactions with the most waiting, longest first (the pane is
 * "the longest waits": ordered by tx id or first wait, a storm of short waits read as noise).
 * Bars narrower than `minFraction` are widened so a 1 ms wait stays visible. O(n log n).
 */
export function waitLanes(waits: readonly WaitInput[], now: number, spanMs: number, maxLanes: number, minFraction = 0.002): WaitLanes {
  const t0 = now - spanMs;
  const byTx = new Map<number, { total: number; first: number; bars: WaitBar[] }>();
  for (const w of waits) {
    const end = w.end ?? now;
    const a = Math.max(t0, w.start);
    const b = Math.min(now, end);
    // A wait that ended at or before the window start is not in it.
    if (b < a || end <= t0 || w.start > now) continue;
    let lane = byTx.get(w.tx);
    if (!lane) byTx.set(w.tx, (lane = { total: 0, first: a, bars: [] }));
    lane.total += b - a;
    lane.first = Math.min(lane.first, a);
    const x0 = (a - t0) / spanMs;
    const x1 = Math.max((b - t0) / spanMs, Math.min(1, x0 + minFraction));
    lane.bars.push({ x0, x1, outcome: w.end === null ? 'waiting' : w.outcome, ms: end - w.start });
  }
  const kept = [...byTx.entries()]
    .sort((a, b) => b[1].total - a[1].total || a[0] - b[0])
    .slice(0, Math.max(0, maxLanes));
  return {
    lanes: kept.map(([tx, l]) => ({ tx, totalMs: l.total, bars: l.bars })),
    transactions: byTx.size,
    windowStart: t0,
    windowEnd: now,
  };
}
