/**
 * `ThunderheadLevel`: an abstract-level database on a Thunderhead store file, so code written
 * for `level` / `classic-level` (sublevels, ranged iterators, batches, clear, snapshots,
 * encodings) runs on one. The mapping:
 *
 * - every write call (`put`, `del`, `batch`, chained batch) is one engine transaction, so one
 *   durable commit and one version in the store's lineage, which the inspector shows;
 * - reads, iterators and snapshots are read views of the head version at the moment of the
 *   call (free under copy-on-write: a view is a root address), which gives Level's implicit
 *   and explicit snapshot semantics exactly;
 * - `clear` without a snapshot is one range-delete message, whatever the number of keys it
 *   removes; with a limit the range ends at the last key the limit reaches.
 */
import { existsSync } from 'node:fs';
import { AbstractLevel } from 'abstract-level';
import type { AbstractDatabaseOptions } from 'abstract-level';
import { ReadOnlyError, Store, StoreCorruptError, StoreError, StoreLockedError, KeyTooLargeError, ClosedError } from '../engine/index';
import type { OpenOptions, ReadView, StoreOptions } from '../engine/index';
import { ThunderheadIterator, type PrivateIteratorOptions } from './iterator';
import { halfOpenRange, keyAfter, scanOptions, type LevelRangeOptions } from './range';
import { snapshotView, ThunderheadSnapshot } from './snapshot';

/** How to open a {@link ThunderheadLevel}: Level's options plus the store's. */
export interface ThunderheadLevelOptions<K = string, V = string> extends AbstractDatabaseOptions<K, V> {
  /** The store's tree parameters when the file is created, and how it is opened. */
  readonly store?: StoreOptions & Pick<OpenOptions, 'cacheBytes' | 'durable' | 'branch'>;
  /** Open without the writer lock: any number of processes may read; writes fail with LEVEL_READONLY. */
  readonly readOnly?: boolean;
}

/** One operation of a private batch, as abstract-level normalizes it. */
interface PrivateBatchOperation {
  readonly type: 'put' | 'del';
  readonly key: Uint8Array;
  readonly value?: Uint8Array;
}

/** Options every private read gets; `snapshot` is set when the caller passed one. */
interface PrivateReadOptions {
  readonly snapshot?: unknown;
}

/** The private options of `_clear`: the encoded range, direction and limit (-1: none). */
interface PrivateClearOptions extends LevelRangeOptions, PrivateReadOptions {
  readonly reverse: boolean;
  readonly limit: number;
}

/** Engine errors as Level's error codes, keeping the engine's one-line message and its cause. */
function levelError(error: unknown): unknown {
  if (!(error instanceof StoreError)) return error;
  const code = error instanceof StoreLockedError ? 'LEVEL_LOCKED'
    : error instanceof ReadOnlyError ? 'LEVEL_READONLY'
      : error instanceof StoreCorruptError ? 'LEVEL_CORRUPTION'
        : error instanceof KeyTooLargeError ? 'LEVEL_INVALID_KEY'
          : error instanceof ClosedError ? 'LEVEL_DATABASE_NOT_OPEN'
            : null;
  if (code === null) return error;
  return Object.assign(new Error(error.message, { cause: error }), { code });
}

/** Runs an engine call, translating its errors to Level's codes. */
function engine<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw levelError(error);
  }
}

/**
 * What the private API supports (abstract-level transcodes every other encoding to bytes, and
 * enables the compliance suite's tests by these flags). has and getSync are newer than the
 * manifest's typings, hence a plain object rather than a literal checked against them.
 */
const MANIFEST = {
  encodings: { buffer: true, view: true },
  implicitSnapshots: true,
  explicitSnapshots: true,
  permanence: true,
  seek: true,
  createIfMissing: true,
  errorIfExists: true,
  has: true,
  getSync: true,
  additionalMethods: {},
};

/**
 * A Level database in one Thunderhead store file (`location` is the file, not a directory).
 * Keys and values are bytes inside; every Level encoding works on top.
 */
export class ThunderheadLevel<K = string, V = string> extends AbstractLevel<Buffer | Uint8Array, K, V> {
  readonly #location: string;
  readonly #options: Pick<ThunderheadLevelOptions, 'store' | 'readOnly'>;
  #store: Store | null = null;

  constructor(location: string, options: ThunderheadLevelOptions<K, V> = {}) {
    if (typeof location !== 'string' || location === '') throw new TypeError("The first argument 'location' must be a non-empty string");
    // Our own options stay out of what abstract-level forwards to open() and its hooks.
    const { store, readOnly, ...levelOptions } = options;
    super(MANIFEST, levelOptions);
    this.#location = location;
    this.#options = { ...(store ? { store } : {}), ...(readOnly !== undefined ? { readOnly } : {}) };
  }

  /** The store file's path. */
  get location(): string {
    return this.#location;
  }

  /** The open store (for what Level has no word for: versions, diffs, the inspector's view). Throws when closed. */
  get store(): Store {
    if (this.#store === null) throw Object.assign(new Error('Database is not open'), { code: 'LEVEL_DATABASE_NOT_OPEN' });
    return this.#store;
  }

  #view(options: PrivateReadOptions): ReadView {
    return snapshotView(options.snapshot) ?? engine(() => this.store.at(this.store.head().id));
  }

  /** Opens (or creates) the store file and takes the writer lock unless read-only. */
  async _open(options: { createIfMissing: boolean; errorIfExists: boolean }): Promise<void> {
    const exists = existsSync(this.#location);
    if (exists && options.errorIfExists) throw Object.assign(new Error(`${this.#location} already exists`), { code: 'LEVEL_DATABASE_NOT_OPEN' });
    if (!exists && !options.createIfMissing) throw Object.assign(new Error(`${this.#location} does not exist`), { code: 'LEVEL_DATABASE_NOT_OPEN' });
    const readOnly = this.#options.readOnly === true;
    this.#store = engine(() => Store.open(this.#location, { ...this.#options.store, readOnly, create: !readOnly && options.createIfMissing }));
  }

  /** Closes the store and releases the writer lock. */
  async _close(): Promise<void> {
    const store = this.#store;
    this.#store = null;
    store?.close();
  }

  /** The value of `key` (undefined when absent). O(height). */
  async _get(key: Uint8Array, options: PrivateReadOptions): Promise<Buffer | undefined> {
    return this._getSync(key, options);
  }

  /** The value of `key`, synchronously (the engine's reads are). O(height). */
  _getSync(key: Uint8Array, options: PrivateReadOptions): Buffer | undefined {
    const view = snapshotView(options.snapshot);
    return engine(() => (view ?? this.store).get(key));
  }

  /** Values of many keys in one walk down the tree. O(k log k + nodes touched). */
  async _getMany(keys: Uint8Array[], options: PrivateReadOptions): Promise<(Buffer | undefined)[]> {
    const view = snapshotView(options.snapshot);
    return engine(() => (view ?? this.store).getMany(keys));
  }

  /** Whether `key` has a value. O(height). */
  async _has(key: Uint8Array, options: PrivateReadOptions): Promise<boolean> {
    const view = snapshotView(options.snapshot);
    return engine(() => (view ?? this.store).has(key));
  }

  /** Whether each key has a value, in one walk. O(k log k + nodes touched). */
  async _hasMany(keys: Uint8Array[], options: PrivateReadOptions): Promise<boolean[]> {
    const view = snapshotView(options.snapshot);
    return engine(() => (view ?? this.store).getMany(keys)).map((value) => value !== undefined);
  }

  /** One put, one commit. */
  async _put(key: Uint8Array, value: Uint8Array): Promise<void> {
    engine(() => this.store.put(key, value));
  }

  /** One delete, one commit. */
  async _del(key: Uint8Array): Promise<void> {
    engine(() => this.store.delete(key));
  }

  /** The whole batch as one transaction: one commit, all or nothing. O(operations) to stage. */
  async _batch(operations: PrivateBatchOperation[]): Promise<void> {
    engine(() => this.store.write((tx) => {
      for (const op of operations) {
        if (op.type === 'put') tx.put(op.key, op.value ?? new Uint8Array(0));
        else tx.delete(op.key);
      }
    }));
  }

  /**
   * Deletes a range. Without a snapshot: one range-delete message, O(1) to stage whatever it
   * covers (with a limit, O(limit) to find where the range ends). With a snapshot only the keys
   * the snapshot holds go, each a point delete: keys written since must survive.
   */
  async _clear(options: PrivateClearOptions): Promise<void> {
    const range = halfOpenRange(options);
    if (range === null || options.limit === 0) return;
    const snapshot = snapshotView(options.snapshot);
    engine(() => {
      const store = this.store;
      if (snapshot !== null) {
        const keys: Buffer[] = [];
        for (const entry of snapshot.scan({ ...scanOptions(range, options.reverse), ...(options.limit >= 0 ? { limit: options.limit } : {}) })) keys.push(entry.key);
        if (keys.length > 0) store.write((tx) => keys.forEach((key) => tx.delete(key)));
        return;
      }
      let { from, to } = range;
      if (options.limit >= 0) {
        // The limit-th key in the direction of travel closes the range on that side.
        let last: Buffer | null = null;
        for (const entry of store.scan({ ...scanOptions(range, options.reverse), limit: options.limit })) last = entry.key;
        if (last === null) return;
        if (options.reverse) from = last;
        else to = keyAfter(last);
      }
      store.deleteRange(from ?? Buffer.alloc(0), to);
    });
  }

  /** An iterator over a read view of the head (or of the given snapshot). O(1) to create. */
  _iterator(options: PrivateIteratorOptions): ThunderheadIterator<this> {
    return new ThunderheadIterator(this, options, this.#view(options));
  }

  /** A snapshot: a read view of the current head. O(1). */
  _snapshot(options: { readonly owner: unknown }): ThunderheadSnapshot {
    return new ThunderheadSnapshot(options, this.#view({}));
  }
}
