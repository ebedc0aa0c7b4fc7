import { ByteReader, ByteWriter, FormatError } from './bytes';
import { NO_ADDRESS, readAddress, writeAddress, type Address } from './address';

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
}

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
  if (!r.done) throw new FormatError('trailing bytes after catalog record');
  return { type, time, prev, nextVersionId, nextSeq, snapshots, branches, version, subject };
}

/** A named snapshot of a version. */
export interface SnapshotEntry {
  readonly name: string;
  readonly version: number;
  readonly root: Address;
  readonly time: number;
  readonly message: string;
}

/** Snapshot table payload: varint n, then (name, version, root, time, message). O(n). */
export function encodeSnapshots(list: readonly SnapshotEntry[]): Buffer {
  const w = new ByteWriter(64 + list.length * 64);
  w.varint(list.length);
  for (const s of list) {
    w.string(s.name);
    w.varint(s.version);
    writeAddress(w, s.root);
    w.f64(s.time);
    w.string(s.message);
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
  for (let i = 0; i < n; i++) out.push({ name: r.string(), version: r.varint(), root: readAddress(r), time: r.f64(), message: r.string() });
  if (!r.done) throw new FormatError('trailing bytes after snapshot table');
  return out;
}

export { NO_ADDRESS };
