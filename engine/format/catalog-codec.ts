import { ByteReader, ByteWriter, FormatError } from './bytes';
import { NO_ADDRESS, readAddress, writeAddress, type Address } from './address';
import { RANGES_EXTENSION, readRangeLog, writeRangeLog, type RangeDeleteLog } from './range-log';

/** What a catalog record records. */
export const enum RecordType {
  Create = 1,
  Commit = 2,
  Snapshot = 3,
  SnapshotDelete = 4,
  Branch = 5,
  BranchDelete = 6,
  /** A branch head moved to another existing version (undo); the versions it left stay in the catalog. */
  BranchMove = 7,
  /** The automatic-snapshot policy changed (and the snapshots it no longer keeps were removed). */
  SnapshotPolicy = 8,
}

/**
 * When and how many automatic snapshots a store keeps (FORMAT.md §13.1). Stored in every
 * catalog record that has the extension, like the branch table.
 */
export interface SnapshotPolicy {
  /** Take one every N commits (0: not by count). */
  readonly everyCommits: number;
  /** Take one when the newest automatic snapshot is at least T seconds old (0: not by time). */
  readonly everySeconds: number;
  /** Keep the newest K automatic snapshots. */
  readonly keepLast: number;
  /** Also keep the first automatic snapshot of each of the H most recent hours that have one. */
  readonly hourly: number;
  /** Also keep the first automatic snapshot of each of the D most recent days (UTC) that have one. */
  readonly daily: number;
}

/**
 * The snapshot changes a record carries inline (format version 2, §7.6): names added (a commit
 * record's own version, or any existing version), names removed, and where to find the changes
 * before it. The current snapshot set is the table `snapshots` plus the chain of changes.
 */
export interface SnapshotDelta {
  readonly added: readonly SnapshotEntry[];
  readonly removed: readonly string[];
  /** The newest earlier record whose changes apply after the table; NO_ADDRESS when none. */
  readonly chain: Address;
  /** Records in that chain (0 when `chain` is NO_ADDRESS). Bounds the walk at open. */
  readonly chainLength: number;
  /** The automatic-snapshot policy, or null for none. */
  readonly policy: SnapshotPolicy | null;
}

/** Counts of what a commit did. */
export interface CommitStats {
  readonly puts: number;
  readonly deletes: number;
  readonly rangeDeletes: number;
  readonly bytesWritten: number;
}

/** A branch: a named movable head. */
export interface BranchEntry {
  readonly name: string;
  readonly head: number;
  readonly root: Address;
}

/** A version created by a commit. */
export interface VersionEntry {
  readonly id: number;
  readonly parents: readonly number[];
  readonly root: Address;
  readonly branch: string;
  readonly message: string;
  readonly time: number;
  readonly stats: CommitStats;
  /**
   * The ranges the commit deleted (format 3 extension, §7.6.1). Absent when the record has no
   * such extension: then the version deleted no range when `stats.rangeDeletes` is 0, and its
   * ranges are unknown otherwise (a version written by a format-1/2 writer).
   */
  readonly rangeLog?: RangeDeleteLog;
}

/**
 * A catalog record: one per catalog change. Each carries the whole (small) branch table and
 * the address of the snapshot table, so opening needs only the newest record; versions are
 * found by walking `prev` back.
 */
export interface CatalogRecord {
  readonly type: RecordType;
  readonly time: number;
  readonly prev: Address;
  readonly nextVersionId: number;
  readonly nextSeq: number;
  readonly snapshots: Address;
  readonly branches: readonly BranchEntry[];
  /** Set on Create and Commit records. */
  readonly version: VersionEntry | null;
  /** Snapshot or branch name for the other record types. */
  readonly subject: string;
  /** The v2 extension: inline snapshot changes, the change chain and the policy; null in v1 records. */
  readonly delta?: SnapshotDelta | null;
}

function writeSnapshotEntry(w: ByteWriter, s: SnapshotEntry): void {
  w.string(s.name);
  w.varint(s.version);
  writeAddress(w, s.root);
  w.f64(s.time);
  w.string(s.message);
}

function readSnapshotEntry(r: ByteReader): SnapshotEntry {
  return { name: r.string(), version: r.varint(), root: readAddress(r), time: r.f64(), message: r.string() };
}

/** Encoded extension version: the first byte after a record's v1 fields. */
const DELTA_V1 = 1;

/** Encodes a catalog record payload. O(branches + message). */
export function encodeCatalogRecord(c: CatalogRecord): Buffer {
  const w = new ByteWriter(256);
  w.u8(c.type);
  w.f64(c.time);
  writeAddress(w, c.prev);
  w.varint(c.nextVersionId);
  w.varint(c.nextSeq);
  writeAddress(w, c.snapshots);
  w.varint(c.branches.length);
  for (const b of c.branches) {
    w.string(b.name);
    w.varint(b.head);
    writeAddress(w, b.root);
  }
  w.string(c.subject);
  const v = c.version;
  w.u8(v ? 1 : 0);
  if (v) {
    w.varint(v.id);
    w.varint(v.parents.length);
    for (const p of v.parents) w.varint(p);
    writeAddress(w, v.root);
    w.string(v.branch);
    w.string(v.message);
    w.f64(v.time);
    w.varint(v.stats.puts);
    w.varint(v.stats.deletes);
    w.varint(v.stats.rangeDeletes);
    w.varint(v.stats.bytesWritten);
  }
  const d = c.delta;
  if (d) {
    w.u8(DELTA_V1);
    w.varint(d.added.length);
    for (const s of d.added) {
      writeSnapshotEntry(w, s);
      w.u8(s.automatic ? 1 : 0);
    }
    w.varint(d.removed.length);
    for (const name of d.removed) w.string(name);
    writeAddress(w, d.chain);
    w.varint(d.chainLength);
    w.u8(d.policy ? 1 : 0);
    if (d.policy) {
      w.varint(d.policy.everyCommits);
      w.varint(d.policy.everySeconds);
      w.varint(d.policy.keepLast);
      w.varint(d.policy.hourly);
      w.varint(d.policy.daily);
    }
  }
  // Format 3: the commit's range deletes, only when it made any (absent + rangeDeletes 0 = none).
  if (v?.rangeLog) {
    w.u8(RANGES_EXTENSION);
    writeRangeLog(w, v.rangeLog);
  }
  return w.finish();
}

/** Throws unless `count` items of at least `minBytes` each fit in what is left of `r`. O(1). */
function checkCount(r: ByteReader, count: number, minBytes: number, what: string): void {
  if (count * minBytes > r.end - r.pos) throw new FormatError(`${what} count ${count} overruns the payload`);
}

/**
 * Decodes a catalog record payload. Throws FormatError on damage, including a flag outside its
 * range, a count that overruns the payload, and trailing bytes. The type is not checked on
 * purpose: readers take the branch table from any record, so a later type (as 7 once was) does
 * not make older readers refuse the file (FORMAT.md §13). O(bytes).
 */
export function decodeCatalogRecord(payload: Buffer): CatalogRecord {
  const r = new ByteReader(payload);
  const type = r.u8() as RecordType;
  const time = r.f64();
  const prev = readAddress(r);
  const nextVersionId = r.varint();
  const nextSeq = r.varint();
  const snapshots = readAddress(r);
  const nb = r.varint();
  // A branch: name length, head, 16-byte root.
  checkCount(r, nb, 18, 'branch');
  const branches: BranchEntry[] = [];
  for (let i = 0; i < nb; i++) branches.push({ name: r.string(), head: r.varint(), root: readAddress(r) });
  const subject = r.string();
  let version: VersionEntry | null = null;
  const hasVersion = r.u8();
  if (hasVersion > 1) throw new FormatError(`catalog record version flag ${hasVersion} (0 or 1)`);
  if (hasVersion === 1) {
    const id = r.varint();
    const np = r.varint();
    checkCount(r, np, 1, 'parent');
    const parents: number[] = [];
    for (let i = 0; i < np; i++) parents.push(r.varint());
    const root = readAddress(r);
    const branch = r.string();
    const message = r.string();
    const vtime = r.f64();
    const stats = { puts: r.varint(), deletes: r.varint(), rangeDeletes: r.varint(), bytesWritten: r.varint() };
    version = { id, parents, root, branch, message, time: vtime, stats };
  }
  let delta: SnapshotDelta | null = null;
  // v1 records end here; a v2 record goes on with its snapshot extension, a v3 commit record
  // may then carry its range deletes. Each extension at most once, in that order.
  let ext = r.done ? -1 : r.u8();
  if (ext === DELTA_V1) {
    const added: SnapshotEntry[] = [];
    for (let i = 0, n = r.varint(); i < n; i++) {
      const e = readSnapshotEntry(r);
      added.push(r.u8() === 1 ? { ...e, automatic: true } : e);
    }
    const removed: string[] = [];
    for (let i = 0, n = r.varint(); i < n; i++) removed.push(r.string());
    const chain = readAddress(r);
    const chainLength = r.varint();
    const policy = r.u8() === 1
      ? { everyCommits: r.varint(), everySeconds: r.varint(), keepLast: r.varint(), hourly: r.varint(), daily: r.varint() }
      : null;
    delta = { added, removed, chain, chainLength, policy };
    ext = r.done ? -1 : r.u8();
  }
  if (ext === RANGES_EXTENSION) {
    if (!version) throw new FormatError('range-delete extension in a catalog record without a version');
    version = { ...version, rangeLog: readRangeLog(r) };
    ext = r.done ? -1 : r.u8();
  }
  if (ext !== -1) throw new FormatError(`unknown catalog record extension ${ext}`);
  if (!r.done) throw new FormatError('trailing bytes after catalog record');
  return { type, time, prev, nextVersionId, nextSeq, snapshots, branches, version, subject, delta };
}

/** A named snapshot of a version. */
export interface SnapshotEntry {
  readonly name: string;
  readonly version: number;
  readonly root: Address;
  readonly time: number;
  readonly message: string;
  /** Taken by the automatic-snapshot policy (and removed by its retention); false or absent for user-named ones. */
  readonly automatic?: boolean;
}

/**
 * Snapshot table payload: varint n, then (name, version, root, time, message); then, when any
 * entry is automatic, u8 1 and n flag bytes (bit 0: automatic). v1 readers ignore the tail. O(n).
 */
export function encodeSnapshots(list: readonly SnapshotEntry[]): Buffer {
  const w = new ByteWriter(64 + list.length * 64);
  w.varint(list.length);
  for (const s of list) writeSnapshotEntry(w, s);
  if (list.some((s) => s.automatic)) {
    w.u8(1);
    for (const s of list) w.u8(s.automatic ? 1 : 0);
  }
  return w.finish();
}

/** Decodes a snapshot table payload. Throws FormatError on damage (counts that overrun, trailing bytes). O(bytes). */
export function decodeSnapshots(payload: Buffer): SnapshotEntry[] {
  const r = new ByteReader(payload);
  const n = r.varint();
  // A snapshot: name length, version, 16-byte root, 8-byte time, message length.
  checkCount(r, n, 27, 'snapshot');
  const out: SnapshotEntry[] = [];
  for (let i = 0; i < n; i++) out.push(readSnapshotEntry(r));
  // The optional flags section starts with the byte 1 (writers omit it when no flag is set).
  if (!r.done) {
    if (r.u8() !== 1) throw new FormatError('trailing bytes after snapshot table');
    for (let i = 0; i < n; i++) {
      const flags = r.u8();
      if (flags > 1) throw new FormatError(`snapshot flags ${flags} outside 0..1`);
      if (flags === 1) out[i] = { ...out[i], automatic: true };
    }
  }
  if (!r.done) throw new FormatError('trailing bytes after snapshot table');
  return out;
}

export { NO_ADDRESS };
