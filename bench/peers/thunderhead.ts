/**
 * Thunderhead through its public API (`engine/index.ts`), as docs/ENGINE-API-PLAN.md describes it:
 * one `write(tx => …)` for the bulk load, `put` per durable commit (fsync on by default), `getMany`,
 * `scan`, `snapshot(name)` and `diff(a, b)` of two snapshots.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../../engine';
import { copyPath, pathSize, removePath } from '../fsutil';
import type { Tally } from '../tally';
import type { DiffSink, Peer, PeerFactory, PeerOpenOptions, SnapshotHandle } from './types';

const FILE = 'store.th';

class ThunderheadPeer implements Peer {
  readonly name = 'thunderhead' as const;
  readonly support = { durable: true, coldOpen: true, snapshot: true, diff: true, fileSize: true, positional: true } as const;
  private s: Store | undefined;
  private dir = '';

  private get store(): Store {
    if (!this.s) throw new Error('thunderhead: not open');
    return this.s;
  }

  async open(dir: string, options: PeerOpenOptions): Promise<void> {
    this.dir = dir;
    const path = join(dir, FILE);
    if (options.create && !existsSync(path)) {
      mkdirSync(dir, { recursive: true });
      this.s = Store.create(path);
    } else {
      this.s = Store.open(path);
    }
  }

  async bulkInsert(keys: readonly Buffer[], values: readonly Buffer[]): Promise<void> {
    this.store.write((tx) => {
      for (let i = 0; i < keys.length; i++) tx.put(keys[i]!, values[i]!);
    });
  }

  async putDurable(key: Buffer, value: Buffer): Promise<number | undefined> {
    return this.store.put(key, value).bytesWritten;
  }

  async get(key: Buffer): Promise<Buffer | undefined> {
    return this.store.get(key);
  }

  async getMany(keys: readonly Buffer[], tally: Tally): Promise<void> {
    // The whole set in one call: sorted once, the tree walked once (a merge walk, close to a scan).
    const values = this.store.getMany(keys);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === undefined) tally.miss();
      else tally.addValue(v);
    }
  }

  async getEach(keys: readonly Buffer[], tally: Tally): Promise<void> {
    const store = this.store;
    for (let i = 0; i < keys.length; i++) {
      const v = store.get(keys[i]!);
      if (v === undefined) tally.miss();
      else tally.addValue(v);
    }
  }

  async getBatches(keys: readonly Buffer[], size: number, tally: Tally): Promise<void> {
    const store = this.store;
    for (let start = 0; start < keys.length; start += size) {
      const values = store.getMany(keys.slice(start, start + size));
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v === undefined) tally.miss();
        else tally.addValue(v);
      }
    }
  }

  async scanAll(tally: Tally): Promise<void> {
    for (const e of this.store.scan()) tally.add(e.key, e.value);
  }

  async scanRange(from: Buffer, n: number, tally: Tally): Promise<void> {
    for (const e of this.store.scan({ from, limit: n })) tally.add(e.key, e.value);
  }

  async delete(key: Buffer): Promise<void> {
    this.store.delete(key);
  }

  async deleteMany(keys: readonly Buffer[]): Promise<void> {
    this.store.write((tx) => {
      for (const key of keys) tx.delete(key);
    });
  }

  async applyChanges(putKeys: readonly Buffer[], putValues: readonly Buffer[], deleteKeys: readonly Buffer[]): Promise<void> {
    this.store.write((tx) => {
      for (let i = 0; i < putKeys.length; i++) tx.put(putKeys[i]!, putValues[i]!);
      for (const key of deleteKeys) tx.delete(key);
    });
  }

  async snapshot(name: string): Promise<SnapshotHandle> {
    this.store.snapshot(name);
    return { name };
  }

  async snapshotCount(snapshot: SnapshotHandle): Promise<number> {
    return this.store.at(snapshot.name).count();
  }

  async dropSnapshot(snapshot: SnapshotHandle): Promise<void> {
    this.store.deleteSnapshot(snapshot.name);
  }

  async diff(from: SnapshotHandle, to: SnapshotHandle, sink: DiffSink): Promise<void> {
    for (const change of this.store.diff(from.name, to.name)) sink(change.key, change.type);
  }

  async countRange(from: Buffer, to: Buffer): Promise<number> {
    return this.store.count({ from, to });
  }

  async entryAt(index: number): Promise<Buffer | undefined> {
    return this.store.entryAt(index)?.key;
  }

  fileSize(): number {
    return pathSize(this.dir);
  }

  async close(): Promise<void> {
    const store = this.s;
    this.s = undefined;
    store?.close();
  }
}

/** The Thunderhead peer. */
export const thunderheadPeer: PeerFactory = {
  name: 'thunderhead',
  readCalls: { each: '`store.get(key)`', batch: '`store.getMany(batch)`', whole: 'one `store.getMany(all keys)` (sorted inside: a merge walk)' },
  load: async () => true,
  create: () => new ThunderheadPeer(),
  copyStore: copyPath,
  removeStore: removePath,
};
