/**
 * A store file's life: creating one atomically, opening one (header checks, the writer lock,
 * the newest readable checkpoint, roll-forward, classifying what follows), and closing it.
 */
import * as fs from 'node:fs';
import { BlockKind, NO_ADDRESS } from '../format/address';
import { encodeCatalogRecord, RecordType, type CatalogRecord, type VersionEntry } from '../format/catalog-codec';
import {
  DATA_START, decodeHeader, decodeSuperblock, encodeHeader, encodeSuperblock, FORMAT_VERSION,
  SUPERBLOCK_BYTES, SUPERBLOCK_OFFSETS, type FileHeader, type Superblock,
} from '../format/header';
import { FileStateError, FormatVersionError, InvalidArgumentError, NotAStoreError, StoreCorruptError, StoreError } from '../errors';
import { loadSnapshots, readRecord, rollForward } from './catalog';
import { writeCheckpoint } from './checkpoint';
import type { StoreListeners } from './events';
import { Appender, createTempPath, pathExists, publishFile, removeStaleCreateFiles, StoreFile } from './file';
import { NodeStore } from './node-store';
import { checkParams } from './params';
import { DEFAULT_READ_AROUND_BYTES, MAX_READ_AROUND_BYTES, ReadAroundPolicy } from './read-around';
import { classifyTail, hasUnwrittenSector } from './recovery';
import { makeWriter, type StoreCore } from './store-core';
import type { OpenOptions, StoreDamage, StoreOptions } from './store-types';
import { acquireWriterLock, type WriterLock } from './writer-lock';

/**
 * Writes a new store file at `path` (FileStateError if it exists) with the given tree
 * parameters, an empty tree and version 1; durable when this returns. Built under a temp name
 * and linked into place, so a crash leaves no store or a complete one. Two flushes.
 */
export function createStoreFile(path: string, options: StoreOptions & OpenOptions): void {
  const params = checkParams(options);
  // A create killed after naming its store leaves its temp name beside it (a second link to the store).
  removeStaleCreateFiles(path);
  if (pathExists(path)) throw new FileStateError(`${path} already exists`);
  // Built under a temp name, flushed, then linked into place and the directory flushed: a crash
  // at any moment leaves either no store at `path` or a complete one, never a partial file.
  const tmp = createTempPath(path);
  const file = StoreFile.create(tmp, path);
  try {
    const header = encodeHeader({ formatVersion: FORMAT_VERSION, ...params });
    const start = Buffer.alloc(DATA_START);
    header.copy(start, 0);
    file.write(0, start);
    const out = new Appender(file, DATA_START, false);
    const nodes = new NodeStore(file, params, 1 << 20, FORMAT_VERSION);
    const root = nodes.persist({ kind: 'leaf', keys: [], vals: [], bytes: 0, addr: null }, out);
    const now = Date.now();
    const version: VersionEntry = { id: 1, parents: [], root, branch: 'main', message: 'create', time: now, stats: { puts: 0, deletes: 0, rangeDeletes: 0, bytesWritten: 0 } };
    const rec: CatalogRecord = {
      type: RecordType.Create, time: now, prev: NO_ADDRESS, nextVersionId: 2, nextSeq: 1, snapshots: NO_ADDRESS,
      branches: [{ name: 'main', head: 1, root }], version, subject: '',
    };
    const catalog = out.append(BlockKind.Catalog, 0, 0, encodeCatalogRecord(rec));
    out.flush();
    const sb = encodeSuperblock({ sequence: 1, catalog, committedLength: out.end });
    file.write(SUPERBLOCK_OFFSETS[1], sb);
    file.sync();
    file.close();
    publishFile(tmp, path);
  } catch (e) {
    file.close();
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * The state of a store opened from superblock `sb`: header parameters, the checkpoint's
 * record, then roll-forward through the complete commits after it and the snapshot set.
 * O(bytes after the checkpoint).
 */
function loadCore(path: string, file: StoreFile, header: FileHeader, sb: Superblock, opts: OpenOptions, readOnly: boolean): StoreCore {
  // Frozen: it is handed out (store.params, info().params) and the tree writer reads it.
  const params = Object.freeze({ nodeSize: header.nodeSize, fanout: header.fanout, bufferSize: header.bufferSize, blobThreshold: header.blobThreshold });
  const cacheBytes = opts.cacheBytes ?? 1024 * 1024 * 1024;
  const nodes = new NodeStore(file, params, cacheBytes, header.formatVersion);
  const listeners: StoreListeners = new Map();
  const core: StoreCore = {
    path, params, readOnly, durable: opts.durable ?? true, defaultBranch: opts.branch ?? 'main', cacheBytes,
    file, nodes, writer: makeWriter(nodes, params, listeners), lock: null, closed: false,
    end: sb.committedLength, latest: sb.catalog, record: readRecord({ path, nodes }, sb.catalog), snapshotList: [],
    snapState: { list: [], policy: null, table: NO_ADDRESS, chain: NO_ADDRESS, chainLength: 0 },
    formatVersion: header.formatVersion, versionIndex: null, superSeq: sb.sequence,
    lastCheckpointEnd: sb.committedLength, commitsSinceCheckpoint: 0, syncedEnd: sb.committedLength, unsynced: false,
    failAt: 0, damageFound: null, relaxedOnDisk: false, listeners, active: new Set(), retired: [], decodedRecords: null,
    lastDiff: { subtreesSkipped: 0, regionsScanned: 0 },
  };
  rollForward(core);
  loadSnapshots(core);
  return core;
}

/**
 * Opens the store file at `path` (which exists). Checks the header (NotAStoreError for a
 * foreign file, FormatVersionError for a newer format), takes the writer lock unless
 * read-only (StoreLockedError when a live process holds it), picks the newest valid
 * superblock and rolls forward through the complete commits after it; a torn tail is ignored
 * (and cut off by a writer), damage refuses a writer and is reported to a reader.
 * O(bytes after the checkpoint).
 */
export function openCore(path: string, options: OpenOptions & StoreOptions): StoreCore {
  const readOnly = options.readOnly === true;
  const readAround = options.readAroundBytes ?? DEFAULT_READ_AROUND_BYTES;
  if (!Number.isInteger(readAround) || readAround < 0 || readAround > MAX_READ_AROUND_BYTES) {
    throw new InvalidArgumentError(`readAroundBytes must be an integer from 0 to ${MAX_READ_AROUND_BYTES} (got ${String(readAround)})`);
  }
  const file = StoreFile.open(path, readOnly);
  file.readAround = new ReadAroundPolicy(readAround);
  let lock: WriterLock | null = null;
  try {
    const head = file.read(0, DATA_START);
    const h = decodeHeader(head);
    if (!h.ok) {
      if (h.reason === 'checksum') throw new StoreCorruptError(path, 0, 'file header checksum mismatch');
      if (h.reason === 'damaged-magic') throw new StoreCorruptError(path, 0, 'file header magic is damaged (the rest of the header is a Thunderhead header)');
      throw new NotAStoreError(path, h.reason === 'short' ? `only ${head.length} bytes long` : 'no Thunderhead header');
    }
    if (h.header.formatVersion > FORMAT_VERSION) throw new FormatVersionError(path, h.header.formatVersion, FORMAT_VERSION);
    if (head.length < DATA_START) throw new StoreCorruptError(path, head.length, 'file truncated inside its header');
    const sbs = SUPERBLOCK_OFFSETS.map((o) => decodeSuperblock(head.subarray(o, o + SUPERBLOCK_BYTES))).filter((s): s is Superblock => s !== null);
    if (sbs.length === 0) throw new StoreCorruptError(path, SUPERBLOCK_OFFSETS[0], 'both superblocks are damaged');
    sbs.sort((a, b) => b.sequence - a.sequence);
    if (!readOnly) lock = acquireWriterLock(path, { file: file.identity() });
    let store: StoreCore | null = null;
    let lastError: unknown = null;
    // The newest checkpoint first; when its record or snapshot table cannot be read, the older
    // one, whose roll-forward then passes the same bytes and classifies them below.
    for (const sb of sbs) {
      try {
        store = loadCore(path, file, h.header, sb, options, readOnly);
        break;
      } catch (e) {
        lastError = e;
      }
    }
    if (!store) throw lastError;
    const relaxed = sbs.some((sb) => sb.relaxed === true);
    let verdict = classifyTail(file, store.failAt, store.latest, file.size(), relaxed);
    // A live writer may have appended (or finished a block) between roll-forward and the scan:
    // damage is only what a fresh roll-forward still cannot pass.
    while (verdict.kind === 'damaged' && rollForward(store)) {
      loadSnapshots(store);
      verdict = classifyTail(file, store.failAt, store.latest, file.size(), relaxed);
    }
    let damage: StoreDamage | null = verdict.kind === 'damaged' ? { offset: verdict.offset, message: verdict.detail } : null;
    // A fallback to the older checkpoint is harmless only when the newer one named data that
    // never reached the disk (a checkpoint written before its data, by an older build without
    // `durable`): its record then reads as zeros. Anything else is damage.
    const newest = sbs[0];
    if (!damage && store.end < newest.committedLength) {
      const named = file.read(newest.catalog.offset, newest.catalog.length);
      if (!hasUnwrittenSector(named, newest.catalog.offset, newest.catalog.offset, newest.catalog.offset + newest.catalog.length)) {
        const reason = lastError instanceof StoreError ? lastError.message : 'it could not be read';
        damage = { offset: newest.catalog.offset, message: `the newest checkpoint's commit record at byte ${newest.catalog.offset} is damaged (${reason.replace(/; run `thunderhead check [^`]*`$/, '')})` };
      }
    }
    if (damage && !readOnly) {
      store.file.close();
      throw new StoreCorruptError(path, damage.offset, `${damage.message}; opening for writing would cut off committed data, so the file was left as it is (open it read-only to read the commits before the damage)`);
    }
    store.damageFound = damage;
    store.lock = lock;
    if (!readOnly) trimTail(store, verdict.kind === 'end' && store.failAt === store.end);
    store.relaxedOnDisk = sbs[0].relaxed === true;
    return store;
  } catch (e) {
    lock?.release();
    file.close();
    throw e;
  }
}

/**
 * After recovery, a writer cuts off what follows the last complete commit (a torn tail, or the
 * intact first blocks of a commit whose record never landed) — unless it is only the zero-filled
 * space a previous writer preallocated, which is kept so the first commit of this session need
 * not write it again. Only called when {@link classifyTail} found no damage. O(1).
 */
function trimTail(core: StoreCore, zeroTail: boolean): void {
  if (zeroTail || core.file.size() <= core.end) return;
  core.file.truncate(core.end);
}

/**
 * Writes a final checkpoint when anything was committed since the last one, flushes whatever
 * is not on disk yet, and releases the writer lock; aborts open transactions first. At most
 * two flushes.
 */
export function closeStore(core: StoreCore): void {
  if (core.closed) return;
  core.closed = true;
  for (const tx of [...core.active]) tx.abort();
  try {
    // Nothing written since the last checkpoint (edit mode entered and left, say): the file
    // stays byte for byte as it was, so opening for writing is not itself a change.
    if (!core.readOnly) {
      if (core.end !== core.lastCheckpointEnd) writeCheckpoint(core);
      if (core.unsynced) core.file.sync();
    }
  } finally {
    core.file.close();
    for (const f of core.retired) f.close();
    core.lock?.release();
    core.lock = null;
  }
}
