/**
 * `verify()`: every invariant of every retained version's tree, the catalog, and the file
 * around them (superblocks, reserved header bytes, damage found at open), all read from disk.
 */
import { BlockKind, isNoAddress, type Address } from '../format/address';
import { checkBlockAgainst } from '../format/block';
import type { CatalogRecord } from '../format/catalog-codec';
import { decodeSuperblock, DATA_START, HEADER_BYTES, SUPERBLOCK_BYTES, SUPERBLOCK_OFFSETS } from '../format/header';
import { StoreError } from '../errors';
import type { BlobRef } from '../tree/node';
import { verifyTree, type Problem } from '../tree/verify';
import { readRecord } from './catalog';
import { DiskNodeReader, MAX_CHAIN } from './nodes';
import { checkOpen, type StoreCore } from './store-core';
import type { VerifyReport } from './store-types';
import { verifyCatalog, type CatalogFacts } from './verify-catalog';

/**
 * Checks every invariant of every retained version (branch heads, snapshots, and — unless
 * `allVersions: false` — every version in the catalog), visiting shared nodes once, plus the
 * catalog itself, read afresh from the file (`verifyCatalog`): the chain reaches the create
 * record, no id is claimed twice, parents exist and are older, roots are node addresses within
 * the file, branch heads and snapshots name existing versions with their roots. Reports each
 * problem with where it is, one line each. Everything is read from the file, never from the
 * node cache or an earlier call: a warm store reports damage on disk as a cold one does.
 * O(distinct nodes + catalog records) block reads.
 */
export function verify(core: StoreCore, opts: { allVersions?: boolean } = {}): VerifyReport {
  checkOpen(core);
  const seen = new Set<number>();
  const catalog = verifyCatalog(catalogFacts(core));
  const problems: Problem[] = catalog.problems;
  problems.push(...fileProblems(core));
  // Only node addresses within the file are walked: a bad root is already a catalog problem.
  const walkable = (a: Address): boolean => (a.kind === BlockKind.Leaf || a.kind === BlockKind.Internal || a.kind === BlockKind.Delta) && a.offset + a.length <= core.end;
  const versions = [...catalog.versions.values()].filter((v) => walkable(v.root));
  const roots: { label: string; root: Address }[] = [
    ...core.record.branches.map((b) => ({ label: `branch ${b.name}`, root: b.root })),
    ...core.snapshotList.map((s) => ({ label: `snapshot ${s.name}`, root: s.root })),
  ];
  if (opts.allVersions !== false) for (const v of versions.sort((a, b) => b.id - a.id)) roots.push({ label: `version ${v.id}`, root: v.root });
  // Nodes come from the file, never from the cache: verify() reports what is on disk.
  const disk = new DiskNodeReader(core.nodes);
  const hooks = {
    maxChain: MAX_CHAIN,
    checkEncoding: (): Problem[] =>
      disk.takePrefixMismatches().map((m) => ({ invariant: 'prefix', where: `node @${m.offset}`, offset: m.offset, message: `stored prefix is ${m.stored} bytes; the keys share ${m.expected}` })),
    checkBlob: (ref: BlobRef, where: string): Problem[] => {
      try {
        core.nodes.readBlob(ref);
        return [];
      } catch (e) {
        return [{ invariant: 'checksum', where: `${where} large value`, offset: ref.index.offset, message: (e as Error).message }];
      }
    },
  };
  for (const r of roots) {
    if (!walkable(r.root)) continue;
    // Name the version in every problem (verifyTree leaves it out when a node cannot be loaded).
    for (const p of verifyTree(disk, core.params, r.root, hooks, seen, r.label)) problems.push(p.where.startsWith(`${r.label} `) ? p : { ...p, where: `${r.label} ${p.where}` });
  }
  return { ok: problems.length === 0, problems, nodesChecked: seen.size, versionsChecked: catalog.versions.size };
}

/**
 * What is wrong outside the tree, read from the file: damage found at open (committed data
 * after it unreachable), a damaged superblock slot (the store opens from the other one, but
 * the redundant checkpoint is gone), non-zero bytes where the header area is reserved. O(4 KiB).
 */
export function fileProblems(core: StoreCore): Problem[] {
  const problems: Problem[] = [];
  if (core.damageFound) problems.push({ invariant: 'committed-data', where: 'file', offset: core.damageFound.offset, message: core.damageFound.message });
  const head = core.file.read(0, DATA_START);
  const size = core.file.size();
  for (const o of SUPERBLOCK_OFFSETS) {
    const slot = head.subarray(o, o + SUPERBLOCK_BYTES);
    // A slot never written yet (a new or compacted file) is all zero, and fine.
    if (slot.every((b) => b === 0)) continue;
    const sb = decodeSuperblock(slot);
    const where = `superblock @${o}`;
    if (!sb) problems.push({ invariant: 'superblock', where, offset: o, message: 'fails its checksum: only the other checkpoint is left' });
    else if (sb.committedLength > size || sb.catalog.offset + sb.catalog.length !== sb.committedLength || sb.catalog.kind !== BlockKind.Catalog) {
      problems.push({ invariant: 'superblock', where, offset: o, message: `names a record (@${sb.catalog.offset}, ${sb.catalog.length} bytes) that does not end at its committed length ${sb.committedLength} within the file` });
    } else {
      const why = checkBlockAgainst(core.file.read(sb.catalog.offset, sb.catalog.length), sb.catalog);
      if (why) problems.push({ invariant: 'superblock', where, offset: o, message: `names a record at byte ${sb.catalog.offset} that cannot be read (${why})` });
    }
  }
  const reserved: [number, number][] = [[HEADER_BYTES, SUPERBLOCK_OFFSETS[0]], [SUPERBLOCK_OFFSETS[0] + SUPERBLOCK_BYTES, SUPERBLOCK_OFFSETS[1]], [SUPERBLOCK_OFFSETS[1] + SUPERBLOCK_BYTES, DATA_START]];
  for (const [from, to] of reserved) {
    const bad = head.subarray(from, to).findIndex((b) => b !== 0);
    if (bad >= 0) problems.push({ invariant: 'reserved', where: 'file header area', offset: from + bad, message: `byte ${from + bad} is not zero: bytes ${from}..${to} are reserved and must be zero` });
  }
  return problems;
}

/**
 * The record at `address`, read from the file and checked against its address like any block.
 * Bytes that pass the same checksum as when an earlier verify() decoded them are those bytes,
 * so only their decoding is skipped: verifying after every commit stays cheap per record
 * (one read and a CRC), and damage on disk is still found. O(record bytes).
 */
export function recordOnDisk(core: StoreCore, address: Address): CatalogRecord {
  if (core.decodedRecords?.file !== core.file) core.decodedRecords = { file: core.file, byOffset: new Map() };
  const memo = core.decodedRecords.byOffset;
  const known = memo.get(address.offset);
  if (known && known.checksum === address.checksum && address.kind === BlockKind.Catalog) {
    core.nodes.readBlock(address);
    return known.record;
  }
  const record = readRecord(core, address);
  memo.set(address.offset, { checksum: address.checksum, record });
  return record;
}

/**
 * The catalog chain read from the file, newest first, not from the cached index: every record
 * is read and checked again on each call (`recordOnDisk`). O(records).
 */
export function catalogFacts(core: StoreCore): CatalogFacts {
  const records: { offset: number; record: CatalogRecord }[] = [];
  let chainError: string | undefined;
  let a = core.latest;
  for (;;) {
    let rec: CatalogRecord;
    try {
      rec = recordOnDisk(core, a);
    } catch (e) {
      chainError = e instanceof StoreError ? e.message : String(e);
      break;
    }
    records.push({ offset: a.offset, record: rec });
    if (isNoAddress(rec.prev)) break;
    // Records are appended: a predecessor at a later offset would make the chain a loop.
    if (rec.prev.offset >= a.offset) {
      chainError = `record @${a.offset} names record @${rec.prev.offset}, not an earlier one, as its predecessor`;
      break;
    }
    a = rec.prev;
  }
  return { records, chainError, snapshots: core.snapshotList, committedEnd: core.end };
}

