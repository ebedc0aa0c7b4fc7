/** Fill and occupancy math for bars and histograms. Pure functions. */

/** Clamps a fraction to 0..1 (NaN → 0) for drawing; the label shows the true value. */
export function clampFraction(f: number): number {
  if (!Number.isFinite(f) || f <= 0) return 0;
  return f >= 1 ? 1 : f;
}

/** Severity of a fill level for colouring: a node over its bound is a problem, a near-full one a warning. */
export type FillLevel = 'low' | 'normal' | 'high' | 'over';

export function fillLevel(f: number): FillLevel {
  if (f > 1) return 'over';
  if (f >= 0.9) return 'high';
  if (f < 0.25) return 'low';
  return 'normal';
}

/** Labels of the leaf fill histogram's buckets: "0–10%", …, "90–100%" (the last bucket is closed). */
export function bucketLabels(buckets: number): string[] {
  const step = 100 / buckets;
  return Array.from({ length: buckets }, (_, i) => `${Math.round(i * step)}–${Math.round((i + 1) * step)}%`);
}

/** Mean fill estimated from a histogram (bucket midpoints weighted by counts); 0 for an empty one. */
export function histogramMean(counts: readonly number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0) return 0;
  const step = 1 / counts.length;
  return counts.reduce((acc, c, i) => acc + c * (i + 0.5) * step, 0) / n;
}

/** Share of live bytes among live + dead (1 when both are 0: nothing is wasted). */
export function liveShare(live: number, dead: number): number {
  const total = live + dead;
  return total <= 0 ? 1 : live / total;
}

/** Total nodes from per-level counts. */
export function totalNodes(perLevel: readonly number[]): number {
  return perLevel.reduce((a, b) => a + b, 0);
}

/** A "nice" upper bound for a bar chart's axis: 1, 2, 5 × 10^k at or above `max`. */
export function niceMax(max: number): number {
  if (!Number.isFinite(max) || max <= 0) return 1;
  const exp = Math.floor(Math.log10(max));
  const base = 10 ** exp;
  for (const m of [1, 2, 5, 10]) if (m * base >= max) return m * base;
  return 10 * base;
}

/**
 * Node counts per level, leaves first. The contract says index 0 is the leaf level; a walk
 * that counts by depth gives root first. The root level always holds exactly one node, so the
 * order shows itself: a 1 at the start and not at the end means root first.
 */
export function levelsLeafFirst(perLevel: readonly number[]): number[] {
  const n = perLevel.length;
  if (n > 1 && perLevel[0] === 1 && perLevel[n - 1] !== 1) return [...perLevel].reverse();
  return [...perLevel];
}
