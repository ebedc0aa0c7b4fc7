/**
 * Compaction: copies every block the retained versions reach into a fresh file beside the
 * store, then renames it over the original (FORMAT.md §17).
 *
 * The store file is append-only, so every superseded node, journal segment, blob and catalog
 * record stays on disk for as long as the file lives. Compaction keeps a chosen set of versions
 * (snapshots, branch heads and the newest N versions of each branch's lineage), writes their
 * trees again with sharing preserved — a node reached from many versions is copied once, by its
 * old offset — and drops every other version from the catalog. The copy is crash-safe because
 * nothing touches the original until the new file is complete and durable: rename(2) is the
 * single commit point, and a crash before it leaves the original plus a temp file that the next
 * compaction removes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BlockKind, NO_ADDRESS, blockKindName, isNoAddress, type Address } from '../format/address';
import { BLOCK_HEADER_BYTES, parseBlockHeader } from '../format/block';
import { encodeCatalogRecord, encodeSnapshots, RecordType, type CatalogRecord, type SnapshotEntry, type SnapshotPolicy, type VersionEntry } from '../format/catalog-codec';
import { expiredAutomaticSnapshots } from './snapshot-policy';
import type { RangeDeleteLog } from '../format/range-log';
import { compactedRangeLog } from './compact-ranges';
import { DATA_START, encodeHeader, encodeSuperblock, FORMAT_VERSION, SUPERBLOCK_OFFSETS, type TreeParams } from '../format/header';
import { decodeBlobIndex, decodeDelta, decodeInternal, decodeLeaf, encodeBlobIndex, encodeDelta, encodeInternal, encodeLeaf } from '../format/node-codec';
import { InvalidArgumentError, StoreCorruptError } from '../errors';
import { BlobRef, isNode, msgBytes, Op, type InternalNode, type Msg } from '../tree/node';
import { countRange, setStoredCount } from '../tree/count';
import type { NodeLoader } from '../tree/write';
import { Appender, StoreFile } from './file';

/** Versions of each branch's lineage kept by default, besides snapshots and branch heads. */
export const DEFAULT_KEEP = 10;

/** Steps of a compaction, in order. */
export type CompactionPhase = 'plan' | 'copy' | 'catalog' | 'sync' | 'replace' | 'done';

/**
 * Progress of a compaction (the store's `compaction` event). `plan` counts the distinct node
 * blocks to copy (`total` = 0 while unknown); `copy` counts them as they are written
 * (`done` of `total`); the later phases report 0/1 then 1/1.
 */
export interface CompactionProgress {
  readonly phase: CompactionPhase;
  readonly done: number;
  readonly total: number;
}

/** How to compact. */
export interface CompactOptions {
  /**
   * Keep the newest `keep` versions of each branch's lineage (head included, following first
   * parents), besides every snapshot's version and every branch head. A non-negative integer;
   * default {@link DEFAULT_KEEP}. 0 and 1 both keep only heads and snapshots.
   */
  readonly keep?: number;
  /** Called like the `compaction` event: blocks done, total, phase. */
  readonly onProgress?: (done: number, total: number, phase: CompactionPhase) => void;
}

/** What a compaction did. */
export interface CompactResult {
  /** Size of the file on disk before (including the zero-filled space a writer keeps ahead). */
  readonly bytesBefore: number;
  /** Size of the new file: header, the copied blocks and the new catalog, nothing else. */
  readonly bytesAfter: number;
  /** Node blocks written (leaves, internal bases, journal segments); each shared node once. */
  readonly nodesCopied: number;
  /** Large values copied (each blob once, with its chunks). */
  readonly blobsCopied: number;
  readonly versionsKept: number;
  readonly versionsDropped: number;
  readonly ms: number;
}

/** Where a store's bytes go: what the catalog reaches vs the whole data area. */
export interface SpaceUsage {
  /** Committed end − the 4096-byte header area: the bytes blocks occupy. */
  readonly dataBytes: number;
  /** Σ lengths of the distinct blocks reachable from the newest catalog record. */
  readonly reachableBytes: number;
  /** dataBytes − reachableBytes: superseded blocks compaction would drop. */
  readonly unreachableBytes: number;
  /** Distinct reachable blocks, by kind name. */
  readonly blocks: Readonly<Record<string, number>>;
}

/** What compaction reads from the open store (kept narrow so the store only lends its state). */
export interface CompactionSource {
  readonly path: string;
  readonly params: TreeParams;
  /** Reads one block, verified against its address (FORMAT.md §5). */
  readBlock(address: Address): Buffer;
  /**
   * The store's node reader, and whether its file stores per-child counts (format 3): the copy
   * is format 3, so it writes each child's record count, taken from the source or counted.
   */
  readonly nodes: NodeLoader & { readonly withCounts: boolean };
  /** Every version in the catalog, by id. */
  readonly versions: ReadonlyMap<number, VersionEntry>;
  /** The newest catalog record and its address. */
  readonly record: CatalogRecord;
  readonly latest: Address;
  readonly snapshots: readonly SnapshotEntry[];
  readonly superSequence: number;
  readonly committedEnd: number;
  /** Size of the file on disk now. */
  readonly fileBytes: number;
  /**
   * Called with the finished copy's path just before it is renamed over the store: the writer
   * locks the new inode too, so that the path never names a file without the writer lock (§14).
   */
  lockReplacement?(path: string): void;
  /** The automatic-snapshot policy: the copy keeps it, and keeps only the automatic snapshots it retains. */
  readonly snapshotPolicy?: SnapshotPolicy | null;
}

/**
 * The versions a compaction keeps: every snapshot's version, every branch head, and the newest
 * `keep` versions along each head's first-parent chain. O(branches · keep + snapshots).
 */
export function retainedVersions(
  versions: ReadonlyMap<number, VersionEntry>, heads: readonly number[], snapshots: readonly number[], keep: number,
): Set<number> {
  const kept = new Set<number>();
  for (const s of snapshots) if (versions.has(s)) kept.add(s);
  for (const h of heads) {
    let id: number | undefined = h;
    for (let n = 0; id !== undefined && (n < keep || n === 0); n++) {
      const v = versions.get(id);
      if (!v) break;
      kept.add(id);
      id = v.parents[0];
    }
  }
  return kept;
}

/**
 * Parents of a kept version after compaction: each parent, or when it is dropped, its nearest
 * kept ancestor along first parents (none when the whole chain is dropped). Memoised, so
 * relinking every kept version is O(versions) in all.
 */
function relinker(versions: ReadonlyMap<number, VersionEntry>, kept: ReadonlySet<number>): (v: VersionEntry) => number[] {
  const nearest = new Map<number, number | null>();
  const resolve = (start: number): number | null => {
    const path: number[] = [];
    let id: number | undefined = start;
    let found: number | null = null;
    while (id !== undefined) {
      if (kept.has(id)) {
        found = id;
        break;
      }
      const memo = nearest.get(id);
      if (memo !== undefined) {
        found = memo;
        break;
      }
      path.push(id);
      id = versions.get(id)?.parents[0];
    }
    for (const p of path) nearest.set(p, found);
    return found;
  };
  return (v) => {
    const out: number[] = [];
    for (const p of v.parents) {
      const q = resolve(p);
      if (q !== null && q < v.id && !out.includes(q)) out.push(q);
    }
    return out;
  };
}

/** `v` with `log` as its range log (none when undefined). O(1). */
function withRangeLog(v: VersionEntry, log: RangeDeleteLog | undefined): VersionEntry {
  const { rangeLog: _dropped, ...rest } = v;
  return log === undefined ? rest : { ...rest, rangeLog: log };
}

/** Temp files of compactions of `file` (ours, or left by a crashed one). */
function tempFilesOf(file: string): string[] {
  const dir = path.dirname(file);
  const stem = `${path.basename(file)}.compact-`;
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.startsWith(stem) && n.endsWith('.tmp')).map((n) => path.join(dir, n));
}

/** Name of the temp file a compaction of `file` writes: same directory, so rename is atomic. */
export function compactionTempPath(file: string): string {
  return `${file}.compact-${process.pid}.tmp`;
}

function checkKeep(keep: unknown): number {
  if (keep === undefined) return DEFAULT_KEEP;
  if (typeof keep !== 'number' || !Number.isSafeInteger(keep) || keep < 0) {
    throw new InvalidArgumentError(`keep must be a non-negative integer (got ${String(keep)})`);
  }
  return keep;
}

/**
 * Copies node blocks into the new file depth-first, children before parents (a parent holds
 * its children's new addresses), so one tree's leaves land in key order, each followed by its
 * parent once all of that parent's children are written; a leaf's large values are written just
 * before it. Old offset → new address maps keep every shared block to one copy.
 */
class Copier {
  private readonly nodes = new Map<number, Address>();
  private readonly blobs = new Map<number, Address>();
  /** Record counts of source subtrees already counted, by source offset. */
  private readonly counts = new Map<number, number>();
  nodesCopied = 0;
  blobsCopied = 0;

  constructor(
    private readonly src: CompactionSource,
    private readonly out: Appender,
    /** Internal and delta blocks already read by the plan, by offset. */
    private readonly seen: Map<number, Buffer>,
    private readonly tick: (nodesCopied: number) => void,
  ) {}

  private read(a: Address): Buffer {
    const b = this.seen.get(a.offset);
    if (b) {
      this.seen.delete(a.offset);
      return b;
    }
    return this.src.readBlock(a);
  }

  /** The new address of the node block at `a` (copying it and what it reaches first). */
  node(a: Address): Address {
    const done = this.nodes.get(a.offset);
    if (done) return done;
    const block = this.read(a);
    const payload = block.subarray(BLOCK_HEADER_BYTES);
    let copy: Address;
    try {
      copy = this.copyNode(a, block, payload);
    } catch (e) {
      if (e instanceof StoreCorruptError) throw e;
      throw new StoreCorruptError(this.src.path, a.offset, `undecodable block while compacting (${(e as Error).message})`);
    }
    this.nodes.set(a.offset, copy);
    this.tick(++this.nodesCopied);
    return copy;
  }

  private copyNode(a: Address, block: Buffer, payload: Buffer): Address {
    switch (a.kind) {
      case BlockKind.Leaf: {
        const { node } = decodeLeaf(payload);
        if (!node.vals.some((v) => v instanceof BlobRef)) return this.out.append(BlockKind.Leaf, 0, 0, payload);
        node.vals = node.vals.map((v) => (v instanceof BlobRef ? new BlobRef(this.blob(v.index), v.length) : v));
        return this.out.append(BlockKind.Leaf, 0, 0, encodeLeaf(node));
      }
      case BlockKind.Internal: {
        const d = decodeInternal(payload, this.src.nodes.withCounts);
        const children = d.children.map((c) => this.node(c));
        // A format-1/2 source stores no counts: each child's subtree is counted (its own
        // children's counts were remembered when they were copied, so this is O(buffer)).
        const counts = d.counts ?? d.children.map((c) => this.countOf(c));
        const msgs = d.messages.map((m) => this.message(m));
        const node: InternalNode = {
          kind: 'internal', level: a.level, pivots: d.pivots, children, msgs: msgs.filter((m) => m.op !== Op.DeleteRange),
          rdels: msgs.filter((m) => m.op === Op.DeleteRange), bufBytes: msgs.reduce((s, m) => s + msgBytes(m), 0),
          addr: null, chainLength: 0, chainBytes: 0, journal: null, pending: [],
        };
        return this.out.append(BlockKind.Internal, a.level, 0, encodeInternal(node, children, counts));
      }
      case BlockKind.Delta: {
        // Journal chains are kept as chains (not flattened): versions that share a prefix of a
        // chain keep sharing it, so the copy is no larger than the live data.
        const d = decodeDelta(payload);
        const prev = this.node(d.prev);
        const aux = parseBlockHeader(block)?.aux ?? 0;
        return this.out.append(BlockKind.Delta, a.level, aux, encodeDelta(prev, d.chainBytes, d.messages.map((m) => this.message(m))));
      }
      default:
        throw new StoreCorruptError(this.src.path, a.offset, `a ${a.kind} block where a node was expected`);
    }
  }

  /**
   * Live records in the source subtree at `a` (a format-1/2 source, which stores none). Called
   * bottom-up, after `a`'s children were counted, so only `a`'s own buffer is looked up. O(buffer · height).
   */
  private countOf(a: Address): number {
    const known = this.counts.get(a.offset);
    if (known !== undefined) return known;
    const node = this.src.nodes.load(a);
    if (node.kind === 'internal') {
      for (const c of node.children) {
        const k = isNode(c) ? undefined : this.counts.get(c.offset);
        if (k !== undefined && !isNode(c)) setStoredCount(c, k);
      }
    }
    const n = countRange(this.src.nodes, node, null, null, null, null);
    this.counts.set(a.offset, n);
    return n;
  }

  private message(m: Msg): Msg {
    return m.value instanceof BlobRef ? { ...m, value: new BlobRef(this.blob(m.value.index), m.value.length) } : m;
  }

  /** The new address of a blob index (its chunks copied just before it). */
  private blob(index: Address): Address {
    const done = this.blobs.get(index.offset);
    if (done) return done;
    if (index.kind !== BlockKind.BlobIndex) throw new StoreCorruptError(this.src.path, index.offset, 'a large value points at a block that is not a blob index');
    const idx = decodeBlobIndex(this.src.readBlock(index).subarray(BLOCK_HEADER_BYTES));
    const chunks = idx.chunks.map((c) => {
      if (c.kind !== BlockKind.BlobChunk) throw new StoreCorruptError(this.src.path, index.offset, 'blob index lists a block that is not a chunk');
      return this.out.append(BlockKind.BlobChunk, 0, 0, this.src.readBlock(c).subarray(BLOCK_HEADER_BYTES));
    });
    const copy = this.out.append(BlockKind.BlobIndex, 0, 0, encodeBlobIndex(idx.length, chunks));
    this.blobs.set(index.offset, copy);
    this.blobsCopied++;
    return copy;
  }
}

/**
 * Counts the distinct node blocks the roots reach (so `copy` can report a total), reading only
 * internal and delta blocks — leaves are counted from their parents' child lists. The blocks
 * read are handed to the copy so none is read twice. O(internal blocks).
 */
function plan(src: CompactionSource, roots: readonly Address[], report: (n: number) => void): { total: number; seen: Map<number, Buffer> } {
  const counted = new Set<number>();
  const seen = new Map<number, Buffer>();
  const stack = [...roots];
  while (stack.length > 0) {
    const a = stack.pop() as Address;
    if (counted.has(a.offset)) continue;
    counted.add(a.offset);
    if (counted.size % 1024 === 0) report(counted.size);
    if (a.kind === BlockKind.Leaf) continue;
    const block = src.readBlock(a);
    seen.set(a.offset, block);
    try {
      if (a.kind === BlockKind.Internal) stack.push(...decodeInternal(block.subarray(BLOCK_HEADER_BYTES), src.nodes.withCounts).children);
      else if (a.kind === BlockKind.Delta) stack.push(decodeDelta(block.subarray(BLOCK_HEADER_BYTES)).prev);
    } catch (e) {
      throw new StoreCorruptError(src.path, a.offset, `undecodable block while compacting (${(e as Error).message})`);
    }
  }
  return { total: counted.size, seen };
}

/**
 * Compacts the store described by `src` into a temp file beside it and renames that over the
 * original; `adopt` receives the new file (open read-write, already at the store's path) and
 * must make the store use it. The caller holds the writer lock throughout, so no commit can
 * land in the original while it is copied. O(reachable blocks of the retained versions).
 */
export function compactStore(
  src: CompactionSource, opts: CompactOptions, report: (p: CompactionProgress) => void, adopt: (file: StoreFile) => void,
): CompactResult {
  const started = Date.now();
  const keep = checkKeep(opts.keep);
  const say = (phase: CompactionPhase, done: number, total: number): void => report({ phase, done, total });
  // Replace the file itself, not a symlink that names it (renaming over the link would leave
  // the data where it was and turn the link into a copy).
  const target = fs.realpathSync(src.path);
  // We hold the writer lock, so no other compaction of this store is running: any temp file
  // is left over from a crash and is garbage.
  for (const stale of tempFilesOf(target)) fs.rmSync(stale, { force: true });

  // The policy's retention decides which automatic snapshots survive (the writer applies it at
  // every commit already; this makes the copy follow it even for a policy set by hand since).
  const policy = src.snapshotPolicy ?? null;
  const expired = new Set(expiredAutomaticSnapshots(policy, src.snapshots));
  const liveSnapshots = src.snapshots.filter((s) => !expired.has(s.name));
  const kept = retainedVersions(src.versions, src.record.branches.map((b) => b.head), liveSnapshots.map((s) => s.version), keep);
  const keptVersions = [...kept].sort((a, b) => a - b).map((id) => src.versions.get(id) as VersionEntry);
  // Branch heads first, then snapshots, then older versions newest first: the heads, which are
  // read most, are laid out as whole depth-first trees; older versions add only what they do
  // not share with them.
  const byAge = [...keptVersions].reverse();
  const roots: Address[] = [...src.record.branches.map((b) => b.root), ...liveSnapshots.map((s) => s.root), ...byAge.map((v) => v.root)];
  say('plan', 0, 0);
  const { total, seen } = plan(src, roots, (n) => say('plan', n, 0));
  say('plan', total, total);

  const tmp = compactionTempPath(target);
  let file: StoreFile | null = StoreFile.create(tmp);
  try {
    // The copy gets the original's permission bits (a private store stays private).
    fs.chmodSync(tmp, fs.statSync(target).mode & 0o7777);
    const start = Buffer.alloc(DATA_START);
    encodeHeader({ formatVersion: FORMAT_VERSION, ...src.params }).copy(start, 0);
    file.write(0, start);
    const out = new Appender(file, DATA_START);
    say('copy', 0, total);
    const copier = new Copier(src, out, seen, (n) => {
      if (n % 64 === 0) say('copy', n, total);
    });
    const branches = src.record.branches.map((b) => ({ name: b.name, head: b.head, root: copier.node(b.root) }));
    const snapshots: SnapshotEntry[] = liveSnapshots.map((s) => ({ ...s, root: copier.node(s.root) }));
    const rootOf = new Map<number, Address>();
    for (const v of byAge) rootOf.set(v.id, copier.node(v.root));
    say('copy', copier.nodesCopied, total);

    // The catalog: one record per kept version, oldest first, each carrying the final branch
    // table and snapshot table, so the newest record alone is the whole current state (§13).
    say('catalog', 0, 1);
    const table = snapshots.length > 0 ? out.append(BlockKind.Snapshots, 0, 0, encodeSnapshots(snapshots)) : NO_ADDRESS;
    const parentsOf = relinker(src.versions, kept);
    let prev = NO_ADDRESS;
    for (const v of keptVersions) {
      const rec: CatalogRecord = {
        type: isNoAddress(prev) ? RecordType.Create : RecordType.Commit, time: v.time, prev,
        nextVersionId: src.record.nextVersionId, nextSeq: src.record.nextSeq, snapshots: table, branches, subject: '',
        version: withRangeLog({ ...v, parents: parentsOf(v), root: rootOf.get(v.id) as Address }, compactedRangeLog(src.versions, kept, v)),
        // The whole snapshot set is in the table: no inline changes, an empty chain, the policy.
        delta: { added: [], removed: [], chain: NO_ADDRESS, chainLength: 0, policy },
      };
      prev = out.append(BlockKind.Catalog, 0, 0, encodeCatalogRecord(rec));
    }
    out.flush();
    const end = out.end;
    const sequence = src.superSequence + 1;
    file.write(SUPERBLOCK_OFFSETS[sequence % 2], encodeSuperblock({ sequence, catalog: prev, committedLength: end }));
    // Drop the zeros the appender preallocated: the new file is exactly its live data.
    file.truncate(end);
    say('catalog', 1, 1);

    say('sync', 0, 1);
    file.sync();
    say('sync', 1, 1);

    // The commit point. Before the rename the original is untouched; after it the path names
    // the complete, durable copy (moveTo also fsyncs the directory).
    say('replace', 0, 1);
    src.lockReplacement?.(tmp);
    const moved = file.moveTo(target);
    file = null;
    adopt(moved);
    say('replace', 1, 1);
    const result: CompactResult = {
      bytesBefore: src.fileBytes, bytesAfter: end, nodesCopied: copier.nodesCopied, blobsCopied: copier.blobsCopied,
      versionsKept: keptVersions.length, versionsDropped: src.versions.size - keptVersions.length, ms: Date.now() - started,
    };
    say('done', 1, 1);
    return result;
  } finally {
    if (file) {
      file.close();
      fs.rmSync(tmp, { force: true });
    }
  }
}

/**
 * Walks every block the newest catalog record reaches — the record chain, snapshot tables,
 * every version's nodes and journal chains, large values — and compares their total length with
 * the data area. After a compaction the two are equal. O(reachable blocks).
 */
export function measureSpace(src: Pick<CompactionSource, 'readBlock' | 'nodes' | 'versions' | 'record' | 'latest' | 'snapshots' | 'committedEnd' | 'path'>, readRecord: (a: Address) => CatalogRecord): SpaceUsage {
  const lengths = new Map<number, number>();
  const blocks: Record<string, number> = {};
  const add = (a: Address): boolean => {
    if (isNoAddress(a) || lengths.has(a.offset)) return false;
    lengths.set(a.offset, a.length);
    const name = blockKindName(a.kind);
    blocks[name] = (blocks[name] ?? 0) + 1;
    return true;
  };
  const blob = (index: Address): void => {
    if (!add(index)) return;
    for (const c of decodeBlobIndex(src.readBlock(index).subarray(BLOCK_HEADER_BYTES)).chunks) add(c);
  };
  const stack: Address[] = [];
  let a = src.latest;
  let rec = src.record;
  for (;;) {
    add(a);
    add(rec.snapshots);
    for (const b of rec.branches) stack.push(b.root);
    if (rec.version) stack.push(rec.version.root);
    if (isNoAddress(rec.prev)) break;
    a = rec.prev;
    rec = readRecord(a);
  }
  for (const s of src.snapshots) stack.push(s.root);
  while (stack.length > 0) {
    const n = stack.pop() as Address;
    if (!add(n)) continue;
    const payload = src.readBlock(n).subarray(BLOCK_HEADER_BYTES);
    const values: Msg[] = [];
    if (n.kind === BlockKind.Leaf) {
      for (const v of decodeLeaf(payload).node.vals) if (v instanceof BlobRef) blob(v.index);
    } else if (n.kind === BlockKind.Internal) {
      const d = decodeInternal(payload, src.nodes.withCounts);
      stack.push(...d.children);
      values.push(...d.messages);
    } else if (n.kind === BlockKind.Delta) {
      const d = decodeDelta(payload);
      stack.push(d.prev);
      values.push(...d.messages);
    }
    for (const m of values) if (m.value instanceof BlobRef) blob(m.value.index);
  }
  let reachable = 0;
  for (const len of lengths.values()) reachable += len;
  const dataBytes = src.committedEnd - DATA_START;
  return { dataBytes, reachableBytes: reachable, unreachableBytes: dataBytes - reachable, blocks };
}
