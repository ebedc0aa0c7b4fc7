/**
 * The catalog's invariants (FORMAT.md §15, `catalog`): what must hold between the records of the
 * catalog chain, the versions they carry, the branch table and the snapshot table. Pure: the
 * store walks the chain and hands the records here; the trees are verified separately.
 */
import { BlockKind, isNoAddress, sameAddress, type Address } from '../format/address';
import { RecordType, type CatalogRecord, type SnapshotEntry, type VersionEntry } from '../format/catalog-codec';
import type { Problem } from '../tree/verify';
import type { RangeDeleteLog } from '../format/range-log';
import { compareKeys } from '../tree/keys';

/** The catalog as the store found it. */
export interface CatalogFacts {
  /** The records of the chain, newest first, each with the offset it was read from. */
  readonly records: readonly { readonly offset: number; readonly record: CatalogRecord }[];
  /** Why the walk stopped before the create record, when it did. */
  readonly chainError?: string;
  /** The current snapshot table (named by the newest record). */
  readonly snapshots: readonly SnapshotEntry[];
  /** The committed end: every address must end within it. */
  readonly committedEnd: number;
}

const NODE_KINDS = new Set<number>([BlockKind.Leaf, BlockKind.Internal, BlockKind.Delta]);

function problem(where: string, message: string, offset?: number): Problem {
  return offset === undefined ? { invariant: 'catalog', where, message } : { invariant: 'catalog', where, offset, message };
}

function checkRoot(where: string, root: Address, end: number): Problem[] {
  if (!NODE_KINDS.has(root.kind)) return [problem(where, `root (kind ${root.kind}) is not a leaf, internal or delta address`, root.offset)];
  if (root.offset + root.length > end) return [problem(where, `root at byte ${root.offset} lies beyond the committed end ${end}`, root.offset)];
  return [];
}

/**
 * Checks the catalog: the chain ends at a create record; no two records carry the same version
 * id; every id is below the newest record's `nextVersionId`; every parent exists and has a
 * smaller id (a version without parents is a root of the lineage: version 1, or after compaction
 * a kept version none of whose ancestors was kept); every root is a node address within the
 * committed end; every branch head and every snapshot names an existing version, with that
 * version's root; branch and snapshot names are unique; the snapshot chain links exactly its
 * stated number of older records that carry changes. O(records + branches + snapshots).
 * Returns the versions it found (one per id) for the tree checks.
 */
export function verifyCatalog(facts: CatalogFacts): { problems: Problem[]; versions: Map<number, VersionEntry> } {
  const problems: Problem[] = [];
  const versions = new Map<number, VersionEntry>();
  const claimedAt = new Map<number, number>();
  const { records, committedEnd: end } = facts;
  if (facts.chainError !== undefined) problems.push(problem('catalog', `the chain of records breaks: ${facts.chainError}`));
  else if (records.length > 0) {
    const oldest = records[records.length - 1];
    if (oldest.record.type !== RecordType.Create) problems.push(problem(`catalog record @${oldest.offset}`, 'the oldest record of the chain is not a create record', oldest.offset));
  }
  // Walk oldest first so that a duplicate is reported at the newer record.
  for (let i = records.length - 1; i >= 0; i--) {
    const { offset, record } = records[i];
    const v = record.version;
    if (!v) continue;
    const first = claimedAt.get(v.id);
    if (first !== undefined) {
      problems.push(problem(`version ${v.id}`, `claimed by two catalog records (@${first} and @${offset})`, offset));
      continue;
    }
    claimedAt.set(v.id, offset);
    versions.set(v.id, v);
  }
  const newest = records[0]?.record;
  for (const v of versions.values()) {
    const where = `version ${v.id}`;
    if (newest && v.id >= newest.nextVersionId) problems.push(problem(where, `id is not below the catalog's nextVersionId ${newest.nextVersionId}`));
    for (const p of v.parents) {
      if (!versions.has(p)) {
        // A broken chain hides older versions: their absence is that problem, already reported.
        if (facts.chainError === undefined) problems.push(problem(where, `parent ${p} does not exist`));
      } else if (p >= v.id) problems.push(problem(where, `parent ${p} is not older (ids must increase along parents)`));
    }
    problems.push(...checkRoot(where, v.root, end));
    if (v.rangeLog) problems.push(...checkRangeLog(where, v.rangeLog));
  }
  const complete = facts.chainError === undefined;
  const named = (where: string, id: number, root: Address): void => {
    const v = versions.get(id);
    if (!v) {
      if (complete) problems.push(problem(where, `names version ${id}, which does not exist`));
      problems.push(...checkRoot(where, root, end));
    } else if (!sameAddress(v.root, root)) {
      problems.push(problem(where, `root at byte ${root.offset} is not the root of version ${id} (byte ${v.root.offset})`, root.offset));
    }
  };
  const branchNames = new Set<string>();
  for (const b of newest?.branches ?? []) {
    if (branchNames.has(b.name)) problems.push(problem(`branch ${b.name}`, 'the branch table lists this name twice'));
    branchNames.add(b.name);
    named(`branch ${b.name}`, b.head, b.root);
  }
  const snapshotNames = new Set<string>();
  for (const s of facts.snapshots) {
    if (snapshotNames.has(s.name)) problems.push(problem(`snapshot ${s.name}`, 'the snapshot table lists this name twice'));
    snapshotNames.add(s.name);
    named(`snapshot ${s.name}`, s.version, s.root);
  }
  if (newest && !isNoAddress(newest.snapshots) && newest.snapshots.kind !== BlockKind.Snapshots) {
    problems.push(problem('catalog', `the snapshot table address (kind ${newest.snapshots.kind}) is not a snapshot table`, newest.snapshots.offset));
  }
  if (complete && records.length > 0) problems.push(...checkSnapshotChain(records));
  return { problems, versions };
}

/**
 * The snapshot chain (FORMAT.md §7.6): from the newest record, `chain` links lead through exactly
 * `chainLength` older records of the catalog, each carrying snapshot changes, and end at
 * NO_ADDRESS. O(chain length).
 */
function checkSnapshotChain(records: CatalogFacts['records']): Problem[] {
  const newest = records[0];
  const d = newest.record.delta;
  if (!d) return [];
  const byOffset = new Map(records.map((r) => [r.offset, r.record]));
  const changes = (r: CatalogRecord): boolean => !!r.delta && (r.delta.added.length > 0 || r.delta.removed.length > 0);
  // The walk starts at the newest record itself when it carries changes.
  let at: Address = d.chain;
  let remaining = d.chainLength;
  let below = newest.offset;
  for (let step = 0; remaining > 0; step++) {
    if (isNoAddress(at)) return [problem('snapshot chain', `ends ${remaining} record(s) early`, newest.offset)];
    const r = byOffset.get(at.offset);
    if (at.kind !== BlockKind.Catalog || !r) return [problem('snapshot chain', `link ${step + 1} (byte ${at.offset}) is not a catalog record of the chain`, at.offset)];
    if (at.offset >= below) return [problem('snapshot chain', `link ${step + 1} (byte ${at.offset}) does not point backwards`, at.offset)];
    if (!changes(r)) return [problem('snapshot chain', `link ${step + 1} (byte ${at.offset}) carries no snapshot change`, at.offset)];
    if (r.delta && r.delta.chainLength !== remaining - 1) return [problem('snapshot chain', `record @${at.offset} says its chain holds ${r.delta.chainLength} record(s), ${remaining - 1} expected`, at.offset)];
    below = at.offset;
    at = r.delta ? r.delta.chain : at;
    remaining--;
  }
  if (!isNoAddress(at)) return [problem('snapshot chain', `goes on past its stated length (byte ${at.offset})`, at.offset)];
  return [];
}

/** A version's recorded range deletes (§7.6.1): each range non-empty, the list sorted and disjoint (touching ones joined). O(ranges). */
function checkRangeLog(where: string, log: RangeDeleteLog): Problem[] {
  for (let i = 0; i < log.ranges.length; i++) {
    const r = log.ranges[i];
    if (r.to !== null && compareKeys(r.from, r.to) >= 0) return [problem(where, `recorded range delete ${i + 1} is empty (from ${r.from.toString('hex')} is not below to ${r.to.toString('hex')})`)];
    const prev = i > 0 ? log.ranges[i - 1] : null;
    if (prev && (prev.to === null || compareKeys(r.from, prev.to) <= 0)) return [problem(where, `recorded range deletes ${i} and ${i + 1} are out of order, overlap or touch`)];
  }
  return [];
}
