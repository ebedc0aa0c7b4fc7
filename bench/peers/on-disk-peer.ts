/**
 * What the on-disk peers (Thunderhead, lmdb, classic-level, better-sqlite3) share: an open handle
 * that every method reaches through `store` (a clear error when the peer is not open), the size
 * of the directory the store lives in, a close that drops the handle first, and a factory whose
 * stores are copied and removed as directories.
 */
import { copyPath, pathSize, removePath } from '../fsutil';
import type { Peer, PeerFactory, PeerName, ReadCalls } from './types';

/** An on-disk peer's open handle and directory; subclasses say how a handle closes. */
export abstract class OnDiskPeer<Db> {
  abstract readonly name: PeerName;
  /** The open handle, or undefined between `close` and `open`. */
  protected db: Db | undefined;
  /** The directory the store lives in (set by `open`). */
  protected dir = '';

  /** The open handle. O(1). Throws when the peer is not open. */
  protected get store(): Db {
    if (!this.db) throw new Error(`${this.name}: not open`);
    return this.db;
  }

  /** Closes one handle (the peer has already forgotten it). */
  protected abstract closeHandle(db: Db): void | Promise<void>;

  /** Apparent size of the store's directory. O(files). */
  fileSize(): number {
    return pathSize(this.dir);
  }

  /** Closes the store; a second close does nothing. */
  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    if (db) await this.closeHandle(db);
  }
}

/** The factory of an on-disk peer: nothing to load, stores copied and removed as directories. */
export function onDiskPeerFactory(name: PeerName, readCalls: ReadCalls, create: () => Peer): PeerFactory {
  return { name, readCalls, load: async () => true, create, copyStore: copyPath, removeStore: removePath };
}
