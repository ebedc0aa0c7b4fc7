import { isNoAddress, NO_ADDRESS, type Address } from '../format/address';
import type { CatalogRecord, SnapshotDelta, SnapshotEntry, SnapshotPolicy } from '../format/catalog-codec';

/**
 * The current set of snapshots, as the catalog holds it (FORMAT.md §7.6, §13): a full table
 * (kind 7) plus a short chain of records that carry their changes inline. Naming a version then
 * costs no block of its own: the change rides in the record the commit (or the snapshot call)
 * writes anyway, in the same flush. Every {@link MAX_SNAPSHOT_CHAIN} changes the whole table is
 * written again, so opening reads at most that many records — the same bound as roll-forward
 * after a checkpoint (§10.2) — and a change costs on average 1/256 of the table in bytes.
 */

/** Most records carrying snapshot changes after the last full table. */
export const MAX_SNAPSHOT_CHAIN = 256;

/**
 * @internal The bound in force: tests lower it to reach a full-table rewrite in a few changes
 * (the corruption fixture). Always {@link MAX_SNAPSHOT_CHAIN} otherwise.
 */
export const snapshotChainBound = { max: MAX_SNAPSHOT_CHAIN };

/** The snapshot set and where the catalog keeps it. */
export interface SnapshotState {
  /** Oldest first. */
  readonly list: readonly SnapshotEntry[];
  readonly policy: SnapshotPolicy | null;
  /** The last full table, or NO_ADDRESS. */
  readonly table: Address;
  /** The newest record whose inline changes apply after the table, or NO_ADDRESS. */
  readonly chain: Address;
  readonly chainLength: number;
}

function hasChanges(d: SnapshotDelta | null | undefined): boolean {
  return !!d && (d.added.length > 0 || d.removed.length > 0);
}

function applyDelta(list: SnapshotEntry[], d: SnapshotDelta): SnapshotEntry[] {
  const removed = new Set(d.removed);
  const out = removed.size > 0 ? list.filter((s) => !removed.has(s.name)) : list;
  return d.added.length > 0 ? [...out, ...d.added] : out;
}

/**
 * The snapshot state a record (at `address`) describes: its table, then the inline changes of
 * the chain, oldest first. O(table + chain length) block reads. The walk follows the record's own
 * `chainLength`, whatever bound wrote it.
 */
export function loadSnapshotState(
  record: CatalogRecord, address: Address, readRecord: (a: Address) => CatalogRecord, readTable: (a: Address) => SnapshotEntry[],
): SnapshotState {
  const d = record.delta;
  const chain = d && hasChanges(d) ? address : (d?.chain ?? NO_ADDRESS);
  const chainLength = (d?.chainLength ?? 0) + (hasChanges(d) ? 1 : 0);
  const deltas: SnapshotDelta[] = [];
  let at = chain;
  let rec: CatalogRecord | null = hasChanges(d) ? record : null;
  for (let i = 0; i < chainLength && !isNoAddress(at); i++) {
    const r: CatalogRecord = rec ?? readRecord(at);
    rec = null;
    if (!r.delta) break;
    deltas.push(r.delta);
    at = r.delta.chain;
  }
  let list = isNoAddress(record.snapshots) ? [] : readTable(record.snapshots);
  for (let i = deltas.length - 1; i >= 0; i--) list = applyDelta(list, deltas[i]);
  return { list, policy: d?.policy ?? null, table: record.snapshots, chain, chainLength };
}

/** The snapshot part of the next record: the table address and the inline extension. */
export interface SnapshotPlan {
  readonly snapshots: Address;
  readonly delta: SnapshotDelta | null;
}

/**
 * Plans how the next record stores `next` (the whole new list) and `policy`. `inline` is false
 * for format-1 files, which keep a full table per change so that older builds read them right.
 * `writeTable` appends a full table (in the same flush) and returns its address. O(changes),
 * or O(list) when a full table is due.
 */
export function planSnapshotChange(
  state: SnapshotState, next: readonly SnapshotEntry[], policy: SnapshotPolicy | null, inline: boolean,
  writeTable: (list: readonly SnapshotEntry[]) => Address,
): SnapshotPlan {
  const before = new Map(state.list.map((s) => [s.name, s]));
  const after = new Map(next.map((s) => [s.name, s]));
  const removed = state.list.filter((s) => after.get(s.name) !== s).map((s) => s.name);
  const added = next.filter((s) => before.get(s.name) !== s);
  const changed = removed.length > 0 || added.length > 0;
  if (!inline) return { snapshots: changed ? (next.length > 0 ? writeTable(next) : NO_ADDRESS) : state.table, delta: null };
  if (!changed) return { snapshots: state.table, delta: { added: [], removed: [], chain: state.chain, chainLength: state.chainLength, policy } };
  if (state.chainLength + 1 > snapshotChainBound.max) {
    return { snapshots: next.length > 0 ? writeTable(next) : NO_ADDRESS, delta: { added: [], removed: [], chain: NO_ADDRESS, chainLength: 0, policy } };
  }
  return { snapshots: state.table, delta: { added, removed, chain: state.chain, chainLength: state.chainLength, policy } };
}

/** The state once a record planned by {@link planSnapshotChange} is written at `address`. O(1). */
export function stateAfter(plan: SnapshotPlan, next: readonly SnapshotEntry[], policy: SnapshotPolicy | null, address: Address): SnapshotState {
  const d = plan.delta;
  return {
    list: next, policy, table: plan.snapshots,
    chain: hasChanges(d) ? address : (d?.chain ?? NO_ADDRESS),
    chainLength: (d?.chainLength ?? 0) + (hasChanges(d) ? 1 : 0),
  };
}
