/**
 * The heat strip over the key space: one cell per contention bucket, shaded by how much waiting
 * happens there, and the hottest buckets named for the "most contended ranges" list.
 */

/** A bucket as the strip needs it (the contract's ContentionBucketData fits). */
export interface BucketInput<K> {
  readonly index: number;
  readonly first: K | null;
  readonly last: K | null;
  readonly held: number;
  readonly waiting: number;
  readonly waitMs: number;
}

/** A shaded cell. `heat` is 0..1 (waiting pressure), `load` 0..1 (locks held). */
export interface HeatCell<K> {
  readonly index: number;
  readonly heat: number;
  readonly load: number;
  readonly bucket: BucketInput<K>;
}

/**
 * Heat is the bucket's current waiting time relative to the hottest bucket, on a square-root
 * scale so one extreme hot spot does not wash the rest of the strip out; where nothing waits,
 * waiting counts stand in. Load is held locks relative to the most loaded bucket. O(n).
 */
export function heatCells<K>(buckets: readonly BucketInput<K>[]): HeatCell<K>[] {
  const maxMs = Math.max(0, ...buckets.map((b) => b.waitMs));
  const maxWaiting = Math.max(0, ...buckets.map((b) => b.waiting));
  const maxHeld = Math.max(0, ...buckets.map((b) => b.held));
  return buckets.map((b) => {
    const raw = maxMs > 0 ? b.waitMs / maxMs : maxWaiting > 0 ? b.waiting / maxWaiting : 0;
    return { index: b.index, heat: Math.sqrt(Math.max(0, raw)), load: maxHeld > 0 ? b.held / maxHeld : 0, bucket: b };
  });
}

/** The `n` buckets with the most waiting (time, then count, then held), hottest first; only buckets with any lock. */
export function hottest<K>(buckets: readonly BucketInput<K>[], n: number): BucketInput<K>[] {
  return buckets
    .filter((b) => b.held + b.waiting > 0)
    .sort((a, b) => b.waitMs - a.waitMs || b.waiting - a.waiting || b.held - a.held || a.index - b.index)
    .slice(0, Math.max(0, n));
}
