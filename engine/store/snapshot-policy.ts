import { InvalidArgumentError } from '../errors';
import type { SnapshotEntry, SnapshotPolicy } from '../format/catalog-codec';

/**
 * Automatic snapshots and their retention (FORMAT.md §13.1), as pure functions of the snapshot
 * list: when the next one is due, and which automatic ones a policy keeps. Retention follows
 * snapper's timeline cleanup: the newest `keepLast`, plus the first snapshot of each of the
 * `hourly` most recent hours and of the `daily` most recent days that have one. User-named
 * snapshots are never touched.
 */

export type { SnapshotPolicy };

/** What a caller may pass to set a policy; omitted fields take these defaults. */
export interface SnapshotPolicyInput {
  readonly everyCommits?: number;
  readonly everySeconds?: number;
  readonly keepLast?: number;
  readonly hourly?: number;
  readonly daily?: number;
}

const LIMIT = 1_000_000_000;

/**
 * Checks and completes a policy: every field a whole number ≥ 0, at least one trigger, and
 * something to keep. InvalidArgumentError names the field. O(1).
 */
export function checkSnapshotPolicy(p: SnapshotPolicyInput): SnapshotPolicy {
  const field = (name: keyof SnapshotPolicyInput, fallback: number): number => {
    const v = p[name] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > LIMIT) {
      throw new InvalidArgumentError(`snapshot policy ${name} must be a whole number from 0 to ${LIMIT}`);
    }
    return v;
  };
  const policy: SnapshotPolicy = {
    everyCommits: field('everyCommits', 0), everySeconds: field('everySeconds', 0),
    keepLast: field('keepLast', 10), hourly: field('hourly', 0), daily: field('daily', 0),
  };
  if (policy.everyCommits === 0 && policy.everySeconds === 0) throw new InvalidArgumentError('snapshot policy needs everyCommits or everySeconds (or both)');
  if (policy.keepLast === 0 && policy.hourly === 0 && policy.daily === 0) throw new InvalidArgumentError('snapshot policy keeps nothing: set keepLast, hourly or daily');
  return policy;
}

/** The name an automatic snapshot of version `id` takes. */
export function automaticSnapshotName(id: number): string {
  return `auto-${id}`;
}

/**
 * Whether a commit that creates version `id` at `now` (ms) takes an automatic snapshot:
 * `everyCommits` versions after the newest automatic one (by id), or `everySeconds` after it
 * (by time); the first commit under a policy with no automatic snapshot yet takes one. O(snapshots).
 */
export function automaticSnapshotDue(policy: SnapshotPolicy, list: readonly SnapshotEntry[], id: number, now: number): boolean {
  let newest: SnapshotEntry | null = null;
  for (const s of list) if (s.automatic && (!newest || s.version > newest.version)) newest = s;
  if (!newest) return true;
  if (policy.everyCommits > 0 && id - newest.version >= policy.everyCommits) return true;
  if (policy.everySeconds > 0 && now - newest.time >= policy.everySeconds * 1000) return true;
  return false;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The names of the automatic snapshots `policy` keeps among `list` (user-named ones are not
 * considered and always stay). Deterministic: it depends only on the snapshots' versions and
 * times, never on the clock. O(n log n).
 */
export function retainedAutomaticSnapshots(policy: SnapshotPolicy, list: readonly SnapshotEntry[]): Set<string> {
  const autos = list.filter((s) => s.automatic).sort((a, b) => b.version - a.version);
  const keep = new Set<string>();
  for (const s of autos.slice(0, policy.keepLast)) keep.add(s.name);
  const firstPer = (bucketMs: number, buckets: number): void => {
    if (buckets === 0) return;
    // Oldest first, so the first snapshot seen in a bucket is that bucket's first.
    const first = new Map<number, SnapshotEntry>();
    for (let i = autos.length - 1; i >= 0; i--) {
      const b = Math.floor(autos[i].time / bucketMs);
      if (!first.has(b)) first.set(b, autos[i]);
    }
    const newestBuckets = [...first.keys()].sort((a, b) => b - a).slice(0, buckets);
    for (const b of newestBuckets) keep.add((first.get(b) as SnapshotEntry).name);
  };
  firstPer(HOUR, policy.hourly);
  firstPer(DAY, policy.daily);
  return keep;
}

/** The automatic snapshots in `list` that `policy` (or no policy: none are dropped) removes. O(n log n). */
export function expiredAutomaticSnapshots(policy: SnapshotPolicy | null, list: readonly SnapshotEntry[]): string[] {
  if (!policy) return [];
  const keep = retainedAutomaticSnapshots(policy, list);
  return list.filter((s) => s.automatic && !keep.has(s.name)).map((s) => s.name);
}
