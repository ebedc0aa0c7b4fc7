import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store } from '../index';
import { decodeSuperblock, encodeSuperblock, SUPERBLOCK_BYTES, SUPERBLOCK_OFFSETS } from '../format/header';
import { fileCalls, StoreFile } from './file';
import { prng, skipVerifyOnClose } from '../testing/test-support';

/**
 * The durability audit: every system call the store makes on its file is recorded at the file
 * layer (`fileCalls`), per operation — create, commit, snapshot, compact, close — with and
 * without `durable`, and the ordering rules of FORMAT.md §10 are checked on the real sequence:
 * - a superblock is written only when every byte of data it names has been flushed;
 * - after close() nothing written is left unflushed, in either mode;
 * - a durable commit is flushed before it returns; create and compaction flush the file and
 *   then the directory.
 * Then the same recorded writes are cut at every point and replayed with a random subset of the
 * unflushed 512-byte sectors, as a power loss would leave them: every such image opens, at a
 * commit boundary no older than what was known durable, never as a mixture.
 */

type Event =
  | { readonly op: 'write'; readonly fd: number; readonly path: string; readonly offset: number; readonly data: Buffer }
  | { readonly op: 'sync'; readonly fd: number }
  | { readonly op: 'truncate'; readonly fd: number; readonly length: number }
  | { readonly op: 'dirsync' }
  | { readonly op: 'link' | 'rename'; readonly from: string; readonly to: string }
  | { readonly op: 'mark'; readonly label: string };

const original = { ...fileCalls };
let trace: Event[] = [];
const fdPaths = new Map<number, string>();

/** Records every call the store makes on files, then performs it. */
function startTracing(): void {
  trace = [];
  fileCalls.openSync = ((p: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode) => {
    const fd = original.openSync(p, flags as fs.OpenMode, mode);
    fdPaths.set(fd, String(p));
    return fd;
  }) as typeof fs.openSync;
  fileCalls.writeSync = ((fd: number, buf: NodeJS.ArrayBufferView, off?: number, len?: number, pos?: number) => {
    const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).subarray(off ?? 0, (off ?? 0) + (len ?? buf.byteLength));
    trace.push({ op: 'write', fd, path: fdPaths.get(fd) ?? '?', offset: pos as number, data: Buffer.from(b) });
    return original.writeSync(fd, buf, off, len, pos);
  }) as typeof fs.writeSync;
  fileCalls.fdatasyncSync = (fd: number) => {
    trace.push({ op: 'sync', fd });
    original.fdatasyncSync(fd);
  };
  fileCalls.fsyncSync = (fd: number) => {
    const p = fdPaths.get(fd);
    trace.push(p !== undefined && fs.statSync(p).isDirectory() ? { op: 'dirsync' } : { op: 'sync', fd });
    original.fsyncSync(fd);
  };
  fileCalls.ftruncateSync = (fd: number, length?: number) => {
    trace.push({ op: 'truncate', fd, length: length ?? 0 });
    original.ftruncateSync(fd, length);
  };
  fileCalls.linkSync = (a: fs.PathLike, b: fs.PathLike) => {
    trace.push({ op: 'link', from: String(a), to: String(b) });
    original.linkSync(a, b);
  };
  fileCalls.renameSync = (a: fs.PathLike, b: fs.PathLike) => {
    trace.push({ op: 'rename', from: String(a), to: String(b) });
    original.renameSync(a, b);
  };
}

/**
 * Records the store's writes, flushes and truncations one level up, at `StoreFile` (whose
 * methods every version of the engine has), with each file object as the descriptor; returns
 * the function that stops it. Preallocation zeros are not recorded here, and need not be: an
 * unwritten preallocation reads as zeros too.
 */
const storeFileIds = new Map<StoreFile, number>();
function traceStoreFiles(): () => void {
  trace = [];
  storeFileIds.clear();
  const proto = StoreFile.prototype;
  const saved = { write: proto.write, sync: proto.sync, truncate: proto.truncate };
  const id = (f: StoreFile): number => {
    if (!storeFileIds.has(f)) storeFileIds.set(f, storeFileIds.size + 1);
    return storeFileIds.get(f) as number;
  };
  proto.write = function write(this: StoreFile, offset: number, data: Uint8Array): void {
    trace.push({ op: 'write', fd: id(this), path: this.path, offset, data: Buffer.from(data) });
    saved.write.call(this, offset, data);
  };
  proto.sync = function sync(this: StoreFile): void {
    trace.push({ op: 'sync', fd: id(this) });
    saved.sync.call(this);
  };
  proto.truncate = function truncate(this: StoreFile, length: number): void {
    trace.push({ op: 'truncate', fd: id(this), length });
    saved.truncate.call(this, length);
  };
  return () => Object.assign(proto, saved);
}

function mark(label: string): void {
  trace.push({ op: 'mark', label });
}

afterEach(() => {
  Object.assign(fileCalls, original);
});

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-durability-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const isSuperblockWrite = (e: Event): e is Extract<Event, { op: 'write' }> =>
  e.op === 'write' && SUPERBLOCK_OFFSETS.includes(e.offset as 512 | 1024) && e.data.length === SUPERBLOCK_BYTES;

/**
 * Checks the ordering rules on `events`: at every superblock write into a live store file, no
 * data byte below the committed length it names was written since the last flush. (A file being
 * built under a temp name by create or compaction has no reader until it is flushed and named;
 * `flushedBeforeNamed` checks those.) Returns the violations, one line each.
 */
function orderingViolations(events: readonly Event[]): string[] {
  const problems: string[] = [];
  const dirty = new Map<number, { from: number; to: number }[]>();
  for (const e of events) {
    if (e.op === 'sync') dirty.set(e.fd, []);
    else if (isSuperblockWrite(e) && !/\.(create|compact)-\d+\.tmp$/.test(e.path)) {
      const sb = decodeSuperblock(e.data);
      if (!sb) continue;
      const unflushed = (dirty.get(e.fd) ?? []).filter((r) => r.from < sb.committedLength && r.from >= 4096);
      if (unflushed.length > 0) problems.push(`superblock ${sb.sequence} (committed length ${sb.committedLength}) written while bytes ${unflushed[0].from}..${unflushed[0].to} were not flushed`);
      const list = dirty.get(e.fd) ?? [];
      list.push({ from: e.offset, to: e.offset + e.data.length });
      dirty.set(e.fd, list);
    } else if (e.op === 'write') {
      const list = dirty.get(e.fd) ?? [];
      list.push({ from: e.offset, to: e.offset + e.data.length });
      dirty.set(e.fd, list);
    }
  }
  return problems;
}

/** Every temp file create or compaction names (link/rename) was flushed after its last write. */
function flushedBeforeNamed(events: readonly Event[]): string[] {
  const problems: string[] = [];
  const pending = new Map<string, number>();
  const fdOf = new Map<string, number>();
  for (const e of events) {
    if (e.op === 'write') {
      pending.set(e.path, (pending.get(e.path) ?? 0) + 1);
      fdOf.set(e.path, e.fd);
    } else if (e.op === 'sync') {
      for (const [p, fd] of fdOf) if (fd === e.fd) pending.set(p, 0);
    } else if ((e.op === 'link' || e.op === 'rename') && (pending.get(e.from) ?? 0) > 0) {
      problems.push(`${path.basename(e.from)} named ${path.basename(e.to)} with ${pending.get(e.from)} unflushed writes`);
    }
  }
  return problems;
}

/** Flushes per marked operation: `mark` events split the trace. */
function syncsPerOperation(events: readonly Event[]): Map<string, { fdatasync: number; dirFsync: number; superblocks: number }> {
  const out = new Map<string, { fdatasync: number; dirFsync: number; superblocks: number }>();
  let current = 'setup';
  for (const e of events) {
    if (e.op === 'mark') {
      current = e.label;
      continue;
    }
    const c = out.get(current) ?? { fdatasync: 0, dirFsync: 0, superblocks: 0 };
    if (e.op === 'sync') c.fdatasync++;
    if (e.op === 'dirsync') c.dirFsync++;
    if (isSuperblockWrite(e)) c.superblocks++;
    out.set(current, c);
  }
  return out;
}

/** Nothing left unflushed on `fd` after the last event. */
function unflushedAtEnd(events: readonly Event[], fd: number): number {
  let n = 0;
  for (const e of events) {
    if (e.op === 'sync' && e.fd === fd) n = 0;
    else if (e.op === 'write' && e.fd === fd) n++;
  }
  return n;
}

const SMALL = { nodeSize: 512, fanout: 4, bufferSize: 512, blobThreshold: 64 } as const;
const key = (i: number): Buffer => Buffer.from(`k/${String(i).padStart(5, '0')}`);
const value = (i: number, gen: number): Buffer => Buffer.alloc(20 + (i % 50), `${gen}:${i};`);

/** One audited session: create, commits (crossing the 256-commit checkpoint), snapshot, compact, close. */
function auditedSession(durable: boolean): { events: Event[]; storeFd: () => number } {
  const file = path.join(dir, `audit-${durable ? 'durable' : 'relaxed'}.th`);
  startTracing();
  mark('create');
  const store = Store.create(file, { ...SMALL, durable });
  mark('commit');
  for (let i = 0; i < 300; i++) store.put(key(i), value(i, 1));
  mark('snapshot');
  store.snapshot('s1');
  mark('commit-after-snapshot');
  store.put(key(1), value(1, 2));
  mark('compact');
  store.compact({ keep: 2 });
  mark('commit-after-compact');
  for (let i = 0; i < 5; i++) store.put(key(i), value(i, 3));
  mark('close');
  store.close();
  mark('end');
  const events = trace;
  Object.assign(fileCalls, original);
  fs.rmSync(file, { force: true });
  fs.rmSync(`${file}.lock`, { force: true });
  return { events, storeFd: () => 0 };
}

describe('the durability audit (every file call recorded)', () => {
  for (const durable of [true, false]) {
    it(`durable: ${durable} — superblocks only name flushed data, close leaves nothing unflushed, create and compact flush file and directory`, () => {
      const { events } = auditedSession(durable);
      expect(orderingViolations(events)).toEqual([]);
      expect(flushedBeforeNamed(events)).toEqual([]);
      const per = syncsPerOperation(events);
      const count = (op: string): { fdatasync: number; dirFsync: number; superblocks: number } => per.get(op) ?? { fdatasync: 0, dirFsync: 0, superblocks: 0 };
      // Counts, for the report (`DURABILITY_AUDIT=1` prints them).
      if (process.env.DURABILITY_AUDIT) console.log(`durable ${durable}`, Object.fromEntries(per));
      // create: the new file once, then its directory, before the name exists.
      expect(count('create').fdatasync).toBeGreaterThanOrEqual(1);
      expect(count('create').dirFsync).toBe(1);
      const link = events.findIndex((e) => e.op === 'link' || e.op === 'rename');
      const createSync = events.findIndex((e) => e.op === 'sync');
      expect(createSync, 'create flushes the file before it gets its name').toBeLessThan(link);
      // commits: one flush each when durable; without it, one per checkpoint (data before superblock).
      if (durable) expect(count('commit').fdatasync).toBe(300);
      else {
        expect(count('commit').fdatasync).toBe(count('commit').superblocks);
        expect(count('commit').fdatasync).toBeGreaterThanOrEqual(1);
      }
      expect(count('snapshot').fdatasync).toBe(durable ? 1 : 0);
      // compaction: the new file flushed before the rename, the directory after it.
      expect(count('compact').fdatasync).toBeGreaterThanOrEqual(1);
      expect(count('compact').dirFsync).toBe(1);
      // close: every mode ends with nothing unflushed on any descriptor it wrote.
      expect(count('close').fdatasync).toBeGreaterThanOrEqual(1);
      const closeAt = events.findIndex((e) => e.op === 'mark' && e.label === 'close');
      const fds = new Set(events.slice(closeAt).filter((e): e is Extract<Event, { op: 'write' }> => e.op === 'write').map((e) => e.fd));
      for (const fd of fds) expect(unflushedAtEnd(events, fd), `fd ${fd} has writes after its last flush`).toBe(0);
    });
  }

  it('an idle writer session costs no flush at close; a read-only one none at all', () => {
    const file = path.join(dir, 'idle.th');
    Store.create(file, SMALL).close();
    startTracing();
    Store.open(file).close();
    Store.open(file, { durable: false }).close();
    Store.open(file, { readOnly: true }).close();
    expect(trace.filter((e) => e.op === 'sync' || e.op === 'write')).toEqual([]);
    Object.assign(fileCalls, original);
    fs.rmSync(file);
  });
});

/** The file image a power loss could leave: flushed writes whole, later ones as a random subset of their sectors. */
function crashImage(initial: Buffer, events: readonly Event[], fd: number, cut: number, r: () => number): Buffer {
  let lastSync = -1;
  for (let i = 0; i < cut; i++) if (events[i].op === 'sync' && (events[i] as { fd: number }).fd === fd) lastSync = i;
  let image = Buffer.from(initial);
  const apply = (offset: number, data: Buffer): void => {
    // Zero writes past the end are the preallocation: a hole reads the same.
    if (offset >= image.length && data.every((b) => b === 0)) return;
    if (offset + data.length > image.length) {
      const grown = Buffer.alloc(offset + data.length);
      image.copy(grown);
      image = grown;
    }
    data.copy(image, offset);
  };
  for (let i = 0; i < cut; i++) {
    const e = events[i];
    if (e.op === 'truncate' && e.fd === fd) image = image.subarray(0, Math.min(image.length, e.length));
    if (e.op !== 'write' || e.fd !== fd) continue;
    if (i < lastSync) {
      apply(e.offset, e.data);
      continue;
    }
    // Not yet flushed: each 512-byte sector of the write reached the disk or not.
    for (let s = Math.floor(e.offset / 512) * 512; s < e.offset + e.data.length; s += 512) {
      if (r() < 0.5) continue;
      const from = Math.max(s, e.offset);
      const to = Math.min(s + 512, e.offset + e.data.length);
      apply(from, e.data.subarray(from - e.offset, to - e.offset));
    }
  }
  return image;
}

describe('power loss at every point of a session (recorded writes, random unflushed sectors)', () => {
  for (const durable of [true, false]) {
    it(`durable: ${durable} — every image opens at a commit boundary no older than what was flushed`, () => {
      const file = path.join(dir, `power-${durable}.th`);
      Store.create(file, SMALL).close();
      const initial = fs.readFileSync(file);
      const models: Map<string, string>[] = [new Map()];
      const untrace = traceStoreFiles();
      const store = Store.open(file, { durable });
      // Commit k (version k + 1) is acknowledged at the event index recorded here.
      const acked: number[] = [];
      const model = new Map<string, string>();
      // Enough bytes to cross a checkpoint (1 MiB) in both modes: large values, some small ones.
      const big = (i: number, c: number): Buffer => Buffer.alloc(9000 + ((i * 131) % 5000), `${c}/${i};`);
      for (let c = 0; c < 60; c++) {
        store.write((tx) => {
          for (let j = 0; j < 4; j++) {
            const i = (c * 7 + j * 13) % 100;
            const v = j < 2 ? big(i, c) : value(i + c, c);
            tx.put(key(i), v);
            model.set(key(i).toString(), v.toString());
          }
        });
        models.push(new Map(model));
        acked.push(trace.length);
      }
      store.close();
      const events = trace;
      untrace();
      const fd = [...storeFileIds].find(([f]) => f.path === file)?.[1] as number;
      const r = prng(durable ? 1101 : 2202);
      const image = path.join(dir, `power-${durable}-image.th`);
      const failures: string[] = [];
      const cuts = new Set<number>();
      for (let i = 0; i < events.length; i += Math.max(1, Math.floor(events.length / 60))) cuts.add(i);
      // Just before and after every flush and superblock write: where ordering mistakes show.
      let flushes = 0;
      for (const [i, e] of events.entries()) {
        if (isSuperblockWrite(e) || (e.op === 'sync' && flushes++ % 4 === 0)) for (const c of [i, i + 1]) cuts.add(Math.min(c, events.length));
      }
      cuts.add(events.length);
      for (const cut of [...cuts].sort((a, b) => a - b)) {
        // What was durable at the cut: the commits acknowledged before the last flush.
        let lastSync = -1;
        for (let i = 0; i < cut; i++) if (events[i].op === 'sync' && (events[i] as { fd: number }).fd === fd) lastSync = i;
        const durableCommits = acked.filter((at) => at <= lastSync + 1).length;
        fs.writeFileSync(image, crashImage(initial, events, fd, cut, r));
        try {
          for (const readOnly of [true, false]) {
            const s = Store.open(image, { readOnly });
            try {
              const head = s.head().id - 1;
              const got = new Map([...s.scan()].map((e) => [e.key.toString(), e.value.toString()]));
              const want = models[head];
              if (head < durableCommits) failures.push(`cut ${cut}: head is commit ${head}, but ${durableCommits} were flushed`);
              else if (!want || got.size !== want.size || [...want].some(([k, v]) => got.get(k) !== v)) failures.push(`cut ${cut}: head (commit ${head}) is not that commit's content`);
              const report = s.verify();
              if (!report.ok) failures.push(`cut ${cut}: verify: ${report.problems[0].message}`);
            } finally {
              s.close();
            }
          }
        } catch (e) {
          failures.push(`cut ${cut}: ${(e as Error).message}`);
        }
        fs.rmSync(`${image}.lock`, { force: true });
      }
      fs.rmSync(image, { force: true });
      fs.rmSync(file, { force: true });
      expect(failures.slice(0, 5)).toEqual([]);
      expect(events.filter((e) => e.op === 'sync' && e.fd === fd).length, 'flushes in the session').toBeGreaterThan(0);
      // The session crossed a checkpoint, so images from both sides of one were tried.
      expect(events.filter(isSuperblockWrite).length).toBeGreaterThanOrEqual(2);
    });
  }
});

describe('a checkpoint that reached the disk before its data (files from older builds with durable: false)', () => {
  it('open falls back to the older checkpoint, check names the bad one, and the next writer replaces it', () => {
    const file = path.join(dir, 'early-checkpoint.th');
    const s = Store.create(file, SMALL);
    for (let i = 0; i < 3; i++) s.put(key(i), value(i, 1));
    s.close();
    const bytes = fs.readFileSync(file);
    const sbs = SUPERBLOCK_OFFSETS.map((o) => decodeSuperblock(bytes.subarray(o, o + SUPERBLOCK_BYTES))).filter((x) => x !== null);
    const newest = sbs.sort((a, b) => b.sequence - a.sequence)[0];
    // A newer checkpoint naming a record in space that was never written (zeros past the data).
    let dataEnd = bytes.length;
    while (bytes[dataEnd - 1] === 0) dataEnd--;
    const catalog = { ...newest.catalog, offset: dataEnd + 4096, length: 300 };
    const early = encodeSuperblock({ sequence: newest.sequence + 1, catalog, committedLength: catalog.offset + catalog.length });
    early.copy(bytes, SUPERBLOCK_OFFSETS[(newest.sequence + 1) % 2]);
    fs.writeFileSync(file, bytes);
    const reader = Store.open(file, { readOnly: true });
    // Damaged on purpose (the bad superblock is what this reader must name, not fail on).
    skipVerifyOnClose(reader);
    try {
      expect(reader.damage).toBeNull();
      expect(reader.head().id).toBe(4);
      expect(reader.get(key(2))?.equals(value(2, 1))).toBe(true);
      expect(reader.verify().problems.map((p) => p.invariant)).toEqual(['superblock']);
    } finally {
      reader.close();
    }
    const writer = Store.open(file);
    // The bad slot is replaced by this writer's closing checkpoint, after the fixture's verify would run.
    skipVerifyOnClose(writer);
    writer.put(key(9), value(9, 2));
    writer.close();
    const after = Store.open(file, { readOnly: true });
    try {
      expect(after.head().id).toBe(5);
      expect(after.verify().problems).toEqual([]);
    } finally {
      after.close();
    }
    fs.rmSync(file);
  });
});
