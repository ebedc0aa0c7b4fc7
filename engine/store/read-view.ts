import { InvalidArgumentError, KeyTooLargeError } from '../errors';
import type { Address } from '../format/address';
import { countRange, entryAt, subtreeCount } from '../tree/count';
import { getValue, getValues, resolveChild, scanTree, type RawEntry } from '../tree/read';
import { emptyRange, maxLower, minUpper, prefixEnd, sortedOrder } from '../tree/keys';
import { BlobRef, type Child, type Value } from '../tree/node';
import type { NodeStore } from './node-store';

/** A range of keys to scan. `prefix` combines with `from`/`to` (intersection). */
export interface RangeOptions {
  /** Inclusive lower bound. */
  readonly from?: Uint8Array;
  /** Exclusive upper bound. */
  readonly to?: Uint8Array;
  /** Only keys starting with these bytes. */
  readonly prefix?: Uint8Array;
  /** Largest key first. */
  readonly reverse?: boolean;
  /** At most this many records. */
  readonly limit?: number;
}

/** One record from a scan. `value` is read lazily for large (off-tree) values. */
export interface Entry {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly valueLength: number;
  /** True when the value is stored off-tree (TOAST). */
  readonly large: boolean;
}

/** Largest key accepted. Keys are kept in nodes, so they must stay well below a node's size. */
export const MAX_KEY_BYTES = 2048;

/** Checks a key argument; returns it as a Buffer (a view, no copy). */
export function asKey(key: unknown, what = 'key'): Buffer {
  if (!(key instanceof Uint8Array)) throw new InvalidArgumentError(`${what} must be a Uint8Array (got ${key === null ? 'null' : typeof key})`);
  if (key.length > MAX_KEY_BYTES) throw new KeyTooLargeError(key.length, MAX_KEY_BYTES);
  return Buffer.isBuffer(key) ? key : Buffer.from(key.buffer, key.byteOffset, key.byteLength);
}


/** Checks a value argument; returns it as a Buffer view. */
export function asValue(value: unknown): Buffer {
  if (!(value instanceof Uint8Array)) throw new InvalidArgumentError(`value must be a Uint8Array (got ${value === null ? 'null' : typeof value})`);
  if (value.length > 0xffff_ffff) throw new InvalidArgumentError(`value is ${value.length} bytes; the maximum is 4 GiB`);
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** Normalises range options to [lo, hi) bounds (null = unbounded). */
export function rangeBounds(range: RangeOptions = {}): { lo: Buffer | null; hi: Buffer | null } {
  let lo: Buffer | null = range.from !== undefined ? asKey(range.from, 'from') : null;
  let hi: Buffer | null = range.to !== undefined ? asKey(range.to, 'to') : null;
  if (range.prefix !== undefined) {
    const p = asKey(range.prefix, 'prefix');
    lo = maxLower(lo, p);
    hi = minUpper(hi, prefixEnd(p));
  }
  if (range.limit !== undefined && (!Number.isInteger(range.limit) || range.limit < 0)) {
    throw new InvalidArgumentError(`limit must be a non-negative integer (got ${range.limit})`);
  }
  return { lo, hi };
}

/**
 * Keys and values handed out are copies: the stored bytes live in cached, shared nodes, and a
 * caller writing into them would change what later reads (and commits) see.
 */
class LazyEntry implements Entry {
  readonly key: Buffer;
  constructor(
    key: Buffer,
    private readonly raw: Value,
    private readonly nodes: NodeStore,
  ) {
    this.key = Buffer.from(key);
  }
  get value(): Buffer {
    return this.raw instanceof BlobRef ? this.nodes.readBlob(this.raw) : Buffer.from(this.raw);
  }
  get valueLength(): number {
    return this.raw.length;
  }
  get large(): boolean {
    return this.raw instanceof BlobRef;
  }
}

/** Turns raw tree entries into lazy entries, honouring `limit`. */
export function* toEntries(nodes: NodeStore, raw: Iterable<RawEntry>, limit: number | undefined): Generator<Entry> {
  if (limit === 0) return;
  let n = 0;
  for (const [k, v] of raw) {
    yield new LazyEntry(k, v, nodes);
    if (limit !== undefined && ++n >= limit) return;
  }
}

/** Wraps a sync iterator as an async one that yields to the event loop every `batch` items. */
export async function* asyncEntries(it: Iterable<Entry>, batch = 1024): AsyncGenerator<Entry> {
  let n = 0;
  for (const e of it) {
    yield e;
    if (++n % batch === 0) await new Promise<void>((r) => setImmediate(r));
  }
}

/**
 * A read-only view of one version of the tree (a root). Everything reads immutable persisted
 * nodes, so a view stays valid while the writer commits; a compaction renames a new file over the path, but a view keeps reading the old one through its open descriptor (closed when the view is collected or the store closes).
 */
export class ReadView {
  constructor(
    protected readonly nodes: NodeStore,
    /** The root this view reads. */
    readonly root: Child,
    /** The version id it shows (0 for a transaction's private view). */
    readonly version: number,
  ) {}

  /** The value stored under `key`, or undefined. O(height); reads at most `height` nodes. */
  get(key: Uint8Array): Buffer | undefined {
    // A copy the caller owns, made by the lookup straight from the leaf.
    const v = getValue(this.nodes, this.root, asKey(key), true);
    if (v === undefined) return undefined;
    return v instanceof BlobRef ? this.nodes.readBlob(v) : v;
  }

  /** True when `key` has a value. O(height). */
  has(key: Uint8Array): boolean {
    return getValue(this.nodes, this.root, asKey(key)) !== undefined;
  }

  /**
   * The values of many keys at once, in the order asked (undefined where absent; a key may be
   * asked more than once). The keys are sorted and the tree walked once, so each node is read
   * at most once per call: O(k log k + nodes touched). Faster than k calls of `get` for batches
   * of more than a few keys.
   */
  getMany(keys: readonly Uint8Array[]): (Buffer | undefined)[] {
    if (!Array.isArray(keys)) throw new InvalidArgumentError('getMany: keys must be an array of Uint8Array');
    const checked = keys.map((k) => asKey(k));
    const raw: (Value | undefined)[] = new Array(checked.length);
    // Copies the caller owns, one per asked position (a key asked twice gets two), made by the
    // walk straight from the leaves.
    getValues(this.nodes, this.root, checked, sortedOrder(checked), raw, true);
    const out: (Buffer | undefined)[] = new Array(checked.length);
    for (let i = 0; i < raw.length; i++) {
      const v = raw[i];
      out[i] = v === undefined ? undefined : v instanceof BlobRef ? this.nodes.readBlob(v) : v;
    }
    return out;
  }

  /** Streams records in [from, to) ∩ prefix, in key order (or reverse). O(height + k/fanout) nodes for k records. */
  scan(range: RangeOptions = {}): IterableIterator<Entry> {
    const { lo, hi } = rangeBounds(range);
    if (emptyRange(lo, hi)) return [][Symbol.iterator]();
    return toEntries(this.nodes, scanTree(this.nodes, this.root, lo, hi, range.reverse === true), range.limit);
  }

  /** The same as {@link scan}, as an async iterator that yields to the event loop between batches. */
  scanAsync(range: RangeOptions = {}): AsyncIterableIterator<Entry> {
    return asyncEntries(this.scan(range));
  }

  /**
   * Counts the records in a range, exactly. O(height · log) node visits on a format-3 file
   * (stored per-child counts plus a memoised correction for each buffer on the two edges of the
   * range; the first count after a node is loaded looks its buffered keys up once); O(records
   * in range) on format 1 or 2, which store no counts. `limit` caps the result; `reverse` is
   * ignored.
   */
  count(range: RangeOptions = {}): number {
    const { lo, hi } = rangeBounds(range);
    if (emptyRange(lo, hi)) return 0;
    const n = lo === null && hi === null ? subtreeCount(this.nodes, this.root) : countRange(this.nodes, resolveChild(this.nodes, this.root), lo, hi, null, null);
    return range.limit !== undefined ? Math.min(range.limit, n) : n;
  }

  /**
   * The `index`-th record (0-based) of a range in key order (from the end with `reverse`), or
   * undefined when the range holds fewer records (or `limit` stops before it). O(height · log)
   * counts on a format-3 file, plus the buffered messages of the child it descends into.
   */
  entryAt(index: number, range: RangeOptions = {}): Entry | undefined {
    if (!Number.isInteger(index) || index < 0) throw new InvalidArgumentError(`index must be a non-negative integer (got ${index})`);
    const { lo, hi } = rangeBounds(range);
    if (emptyRange(lo, hi) || (range.limit !== undefined && index >= range.limit)) return undefined;
    let i = index;
    if (range.reverse === true) {
      i = this.count({ ...range, reverse: false, limit: undefined }) - 1 - index;
      if (i < 0) return undefined;
    }
    const raw = entryAt(this.nodes, resolveChild(this.nodes, this.root), i, lo, hi, null, null);
    if (raw === undefined) return undefined;
    for (const e of toEntries(this.nodes, [raw], 1)) return e;
    return undefined;
  }

  /**
   * The number of records in the range whose key is below `key`: the index `key` has (or would
   * have) among them. Same cost as {@link count}. `limit` caps the result.
   */
  indexOf(key: Uint8Array, range: RangeOptions = {}): number {
    const k = asKey(key);
    const { lo, hi } = rangeBounds(range);
    return this.count({ ...(lo ? { from: lo } : {}), to: minUpper(hi, k) as Buffer, ...(range.limit !== undefined ? { limit: range.limit } : {}) });
  }

  /** The root's address (when persisted). */
  rootAddress(): Address | null {
    const r = this.root as { addr?: Address | null };
    return 'offset' in (this.root as object) ? (this.root as Address) : (r.addr ?? null);
  }
}
