/**
 * lmdb-js, used as its README recommends for speed: binary keys and values (no msgpack),
 * `transactionSync` for the bulk load, `putSync` for a single durable commit (LMDB's default sync:
 * two flushes per commit, measured), `getBinaryFast` for point reads, `getRange` for scans, and
 * `backup` (mdb_env_copy) as the snapshot. A diff is a merge-scan of two backups.
 */
import { open, type RootDatabase } from 'lmdb';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { copyPath, pathSize, removePath } from '../fsutil';
import type { Tally } from '../tally';
import type { DiffSink, Peer, PeerFactory, PeerOpenOptions, SnapshotHandle } from './types';

type Db = RootDatabase<Buffer, Buffer>;

interface LmdbSnapshot extends SnapshotHandle {
  readonly path: string;
}

function openDb(path: string, readOnly: boolean): Db {
  return open<Buffer, Buffer>({ path, keyEncoding: 'binary', encoding: 'binary', compression: false, readOnly });
}

class LmdbPeer implements Peer {
  readonly name = 'lmdb' as const;
  readonly support = { durable: true, coldOpen: true, snapshot: true, diff: true, fileSize: true, positional: true } as const;
  private db: Db | undefined;
  private dir = '';
  private workDir = '';

  private get store(): Db {
    if (!this.db) throw new Error('lmdb: not open');
    return this.db;
  }

  async open(dir: string, options: PeerOpenOptions): Promise<void> {
    this.dir = dir;
    this.workDir = options.workDir;
    this.db = openDb(dir, false);
  }

  async bulkInsert(keys: readonly Buffer[], values: readonly Buffer[]): Promise<void> {
    const db = this.store;
    db.transactionSync(() => {
      for (let i = 0; i < keys.length; i++) void db.put(keys[i]!, values[i]!);
    });
    await db.flushed;
  }

  async putDurable(key: Buffer, value: Buffer): Promise<number | undefined> {
    this.store.putSync(key, value);
    await this.store.flushed;
    return undefined;
  }

  async get(key: Buffer): Promise<Buffer | undefined> {
    return this.store.getBinary(key);
  }

  async getMany(keys: readonly Buffer[], tally: Tally): Promise<void> {
    const db = this.store;
    for (let i = 0; i < keys.length; i++) {
      // getBinaryFast returns a reused buffer, valid until the next read: tally it at once.
      const v = db.getBinaryFast(keys[i]!);
      if (v === undefined) tally.miss();
      else tally.addValue(v);
    }
  }

  async getEach(keys: readonly Buffer[], tally: Tally): Promise<void> {
    await this.getMany(keys, tally);
  }

  async getBatches(keys: readonly Buffer[], size: number, tally: Tally): Promise<void> {
    const db = this.store;
    // lmdb-js keeps one read transaction open across synchronous reads (renewed per event-loop
    // turn), so each batch is a getBinaryFast loop inside one read transaction; its async
    // getMany copies every value and measured slower.
    for (let start = 0; start < keys.length; start += size) {
      const end = Math.min(keys.length, start + size);
      for (let i = start; i < end; i++) {
        const v = db.getBinaryFast(keys[i]!);
        if (v === undefined) tally.miss();
        else tally.addValue(v);
      }
    }
  }

  async scanAll(tally: Tally): Promise<void> {
    for (const { key, value } of this.store.getRange()) tally.add(key, value);
  }

  async scanRange(from: Buffer, n: number, tally: Tally): Promise<void> {
    for (const { key, value } of this.store.getRange({ start: from, limit: n })) tally.add(key, value);
  }

  async delete(key: Buffer): Promise<void> {
    this.store.removeSync(key);
    await this.store.flushed;
  }

  async deleteMany(keys: readonly Buffer[]): Promise<void> {
    const db = this.store;
    db.transactionSync(() => {
      for (const key of keys) void db.remove(key);
    });
    await db.flushed;
  }

  async applyChanges(putKeys: readonly Buffer[], putValues: readonly Buffer[], deleteKeys: readonly Buffer[]): Promise<void> {
    const db = this.store;
    db.transactionSync(() => {
      for (let i = 0; i < putKeys.length; i++) void db.put(putKeys[i]!, putValues[i]!);
      for (const key of deleteKeys) void db.remove(key);
    });
    await db.flushed;
  }

  async snapshot(name: string): Promise<LmdbSnapshot> {
    const path = join(this.workDir, `lmdb-backup-${name}`);
    // The environment uses a directory, so mdb_env_copy wants an existing empty directory.
    mkdirSync(path, { recursive: true });
    await this.store.backup(path, false);
    return { name, path };
  }

  async snapshotCount(snapshot: SnapshotHandle): Promise<number> {
    const db = openDb((snapshot as LmdbSnapshot).path, true);
    try {
      return db.getCount();
    } finally {
      await db.close();
    }
  }

  async dropSnapshot(snapshot: SnapshotHandle): Promise<void> {
    removePath((snapshot as LmdbSnapshot).path);
  }

  /** Merge-scan of two read-only copies: O(n) in the store's size, whatever the number of changes. */
  async diff(from: SnapshotHandle, to: SnapshotHandle, sink: DiffSink): Promise<void> {
    const a = openDb((from as LmdbSnapshot).path, true);
    const b = openDb((to as LmdbSnapshot).path, true);
    try {
      const ia = a.getRange()[Symbol.iterator]();
      const ib = b.getRange()[Symbol.iterator]();
      let ea = ia.next();
      let eb = ib.next();
      while (!ea.done || !eb.done) {
        if (eb.done || (!ea.done && Buffer.compare(ea.value.key, eb.value.key) < 0)) {
          sink(Buffer.from(ea.value!.key), 'removed');
          ea = ia.next();
        } else if (ea.done || Buffer.compare(ea.value.key, eb.value.key) > 0) {
          sink(Buffer.from(eb.value.key), 'added');
          eb = ib.next();
        } else {
          if (!ea.value.value.equals(eb.value.value)) sink(Buffer.from(eb.value.key), 'changed');
          ea = ia.next();
          eb = ib.next();
        }
      }
    } finally {
      await a.close();
      await b.close();
    }
  }

  async countRange(from: Buffer, to: Buffer): Promise<number> {
    // lmdb-js counts by iterating the range in C (no per-page counts in LMDB).
    return this.store.getCount({ start: from, end: to });
  }

  async entryAt(index: number): Promise<Buffer | undefined> {
    for (const key of this.store.getKeys({ offset: index, limit: 1 })) return key;
    return undefined;
  }

  fileSize(): number {
    return pathSize(this.dir);
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    if (db) await db.close();
  }
}

/** The lmdb peer. */
export const lmdbPeer: PeerFactory = {
  name: 'lmdb',
  readCalls: { each: '`getBinaryFast(key)`', batch: 'a `getBinaryFast` loop over the batch in one read transaction', whole: 'a `getBinaryFast` loop over all keys' },
  load: async () => true,
  create: () => new LmdbPeer(),
  copyStore: copyPath,
  removeStore: removePath,
};
