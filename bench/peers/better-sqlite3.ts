/**
 * better-sqlite3, used as its docs recommend for speed: WAL journal, a `WITHOUT ROWID` table with a
 * BLOB primary key, prepared statements (`pluck`/`raw` to skip row objects), one transaction for
 * bulk work. `synchronous = FULL` everywhere, so every commit is fsync'd like the other peers'.
 * A snapshot is `VACUUM INTO` a new file; a diff is a FULL OUTER JOIN of two such copies.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { copyPath, pathSize, removePath } from '../fsutil';
import type { Tally } from '../tally';
import type { ChangeKind, DiffSink, Peer, PeerFactory, PeerOpenOptions, SnapshotHandle } from './types';

type Db = Database.Database;
type Statement = Database.Statement<unknown[], unknown>;

interface SqliteSnapshot extends SnapshotHandle {
  readonly file: string;
}

interface Statements {
  readonly insert: Statement;
  readonly select: Statement;
  readonly scanAll: Statement;
  readonly scanRange: Statement;
  readonly remove: Statement;
  readonly countRange: Statement;
  readonly keyAt: Statement;
}

const FILE = 'kv.sqlite';

function openDb(file: string, readOnly: boolean): Db {
  const db = new Database(file, { readonly: readOnly, fileMustExist: readOnly });
  if (!readOnly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  }
  return db;
}

class SqlitePeer implements Peer {
  readonly name = 'better-sqlite3' as const;
  readonly support = { durable: true, coldOpen: true, snapshot: true, diff: true, fileSize: true, positional: true } as const;
  private db: Db | undefined;
  private st: Statements | undefined;
  private dir = '';
  private workDir = '';

  private get store(): Db {
    if (!this.db) throw new Error('better-sqlite3: not open');
    return this.db;
  }

  private get stmts(): Statements {
    if (!this.st) throw new Error('better-sqlite3: not open');
    return this.st;
  }

  async open(dir: string, options: PeerOpenOptions): Promise<void> {
    this.dir = dir;
    this.workDir = options.workDir;
    if (options.create) mkdirSync(dir, { recursive: true });
    const db = openDb(join(dir, FILE), false);
    db.exec('CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID');
    this.db = db;
    this.st = {
      insert: db.prepare('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)'),
      select: db.prepare('SELECT v FROM kv WHERE k = ?').pluck(),
      scanAll: db.prepare('SELECT k, v FROM kv ORDER BY k').raw(),
      scanRange: db.prepare('SELECT k, v FROM kv WHERE k >= ? ORDER BY k LIMIT ?').raw(),
      remove: db.prepare('DELETE FROM kv WHERE k = ?'),
      countRange: db.prepare('SELECT count(*) FROM kv WHERE k >= ? AND k < ?').pluck(),
      keyAt: db.prepare('SELECT k FROM kv ORDER BY k LIMIT 1 OFFSET ?').pluck(),
    };
  }

  async bulkInsert(keys: readonly Buffer[], values: readonly Buffer[]): Promise<void> {
    const { insert } = this.stmts;
    this.store.transaction(() => {
      for (let i = 0; i < keys.length; i++) insert.run(keys[i], values[i]);
    })();
  }

  async putDurable(key: Buffer, value: Buffer): Promise<number | undefined> {
    this.stmts.insert.run(key, value);
    return undefined;
  }

  async get(key: Buffer): Promise<Buffer | undefined> {
    return this.stmts.select.get(key) as Buffer | undefined;
  }

  async getMany(keys: readonly Buffer[], tally: Tally): Promise<void> {
    const { select } = this.stmts;
    for (let i = 0; i < keys.length; i++) {
      const v = select.get(keys[i]) as Buffer | undefined;
      if (v === undefined) tally.miss();
      else tally.addValue(v);
    }
  }

  async getEach(keys: readonly Buffer[], tally: Tally): Promise<void> {
    await this.getMany(keys, tally);
  }

  async getBatches(keys: readonly Buffer[], size: number, tally: Tally): Promise<void> {
    const { select } = this.stmts;
    const batch = this.store.transaction((start: number, end: number) => {
      for (let i = start; i < end; i++) {
        const v = select.get(keys[i]) as Buffer | undefined;
        if (v === undefined) tally.miss();
        else tally.addValue(v);
      }
    });
    for (let start = 0; start < keys.length; start += size) batch(start, Math.min(keys.length, start + size));
  }

  async scanAll(tally: Tally): Promise<void> {
    for (const row of this.stmts.scanAll.iterate()) {
      const [key, value] = row as [Buffer, Buffer];
      tally.add(key, value);
    }
  }

  async scanRange(from: Buffer, n: number, tally: Tally): Promise<void> {
    for (const row of this.stmts.scanRange.all(from, n)) {
      const [key, value] = row as [Buffer, Buffer];
      tally.add(key, value);
    }
  }

  async delete(key: Buffer): Promise<void> {
    this.stmts.remove.run(key);
  }

  async deleteMany(keys: readonly Buffer[]): Promise<void> {
    const { remove } = this.stmts;
    this.store.transaction(() => {
      for (const key of keys) remove.run(key);
    })();
  }

  async applyChanges(putKeys: readonly Buffer[], putValues: readonly Buffer[], deleteKeys: readonly Buffer[]): Promise<void> {
    const { insert, remove } = this.stmts;
    this.store.transaction(() => {
      for (let i = 0; i < putKeys.length; i++) insert.run(putKeys[i], putValues[i]);
      for (const key of deleteKeys) remove.run(key);
    })();
  }

  async snapshot(name: string): Promise<SqliteSnapshot> {
    const file = join(this.workDir, `sqlite-snapshot-${name}.sqlite`);
    removePath(file);
    this.store.prepare('VACUUM INTO ?').run(file);
    return { name, file };
  }

  async snapshotCount(snapshot: SnapshotHandle): Promise<number> {
    const db = openDb((snapshot as SqliteSnapshot).file, true);
    try {
      return db.prepare('SELECT count(*) FROM kv').pluck().get() as number;
    } finally {
      db.close();
    }
  }

  async dropSnapshot(snapshot: SnapshotHandle): Promise<void> {
    removePath((snapshot as SqliteSnapshot).file);
  }

  /** FULL OUTER JOIN of the two copies on the primary key: O(n) index probes. */
  async diff(from: SnapshotHandle, to: SnapshotHandle, sink: DiffSink): Promise<void> {
    const db = new Database(':memory:');
    try {
      db.prepare('ATTACH DATABASE ? AS a').run((from as SqliteSnapshot).file);
      db.prepare('ATTACH DATABASE ? AS b').run((to as SqliteSnapshot).file);
      const rows = db
        .prepare(
          `SELECT coalesce(x.k, y.k), CASE WHEN x.k IS NULL THEN 'added' WHEN y.k IS NULL THEN 'removed' ELSE 'changed' END
           FROM a.kv AS x FULL OUTER JOIN b.kv AS y ON x.k = y.k
           WHERE x.k IS NULL OR y.k IS NULL OR x.v <> y.v`,
        )
        .raw();
      for (const row of rows.iterate()) {
        const [key, kind] = row as [Buffer, ChangeKind];
        sink(key, kind);
      }
    } finally {
      db.close();
    }
  }

  async countRange(from: Buffer, to: Buffer): Promise<number> {
    return this.stmts.countRange.get(from, to) as number;
  }

  async entryAt(index: number): Promise<Buffer | undefined> {
    return this.stmts.keyAt.get(index) as Buffer | undefined;
  }

  fileSize(): number {
    return pathSize(this.dir);
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    this.st = undefined;
    db?.close();
  }
}

/** The better-sqlite3 peer. */
export const betterSqlitePeer: PeerFactory = {
  name: 'better-sqlite3',
  readCalls: {
    each: 'prepared `SELECT v … WHERE k = ?` `.get(key)`',
    batch: 'the prepared `.get` over the batch inside one `transaction()`',
    whole: 'the prepared `.get` per key',
  },
  load: async () => true,
  create: () => new SqlitePeer(),
  copyStore: copyPath,
  removeStore: removePath,
};
