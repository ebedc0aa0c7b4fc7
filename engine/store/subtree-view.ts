import { prefixEnd } from '../tree/keys';
import type { CommitInfo, CommitOptions } from './transaction';
import { asKey, type Entry, type RangeOptions } from './view';
import type { DiffChange, DiffOptions, Store } from './store';

function relative(prefix: Buffer, e: Entry): Entry {
  return {
    key: e.key.subarray(prefix.length),
    get value() {
      return e.value;
    },
    valueLength: e.valueLength,
    large: e.large,
  };
}

/**
 * A store-like window onto the keys under a prefix, with keys relative to it. Every operation
 * is the store's own operation on the prefixed range, so reads, writes, cursors and diffs cost
 * in proportion to the view, not the store. A snapshot of a view is a snapshot of the store
 * (O(1)) read back through the view.
 */
export class SubtreeView {
  /** The view's own copy of its prefix (handed out only as copies, see `prefix`). */
  private readonly base: Buffer;

  constructor(
    private readonly store: Store,
    prefix: Uint8Array,
    /** Version this view reads (a snapshot, branch or id); the branch head when omitted. */
    readonly at?: number | string,
  ) {
    this.base = Buffer.from(asKey(prefix, 'view prefix'));
  }

  /** The absolute key prefix of this view: a copy, so writing into it cannot move the view. O(|prefix|). */
  get prefix(): Buffer {
    return Buffer.from(this.base);
  }

  private abs(key: Uint8Array): Buffer {
    return Buffer.concat([this.base, asKey(key)]);
  }

  private range(r: RangeOptions): RangeOptions {
    const out: { from?: Uint8Array; to?: Uint8Array; prefix: Uint8Array; reverse?: boolean; limit?: number } = { prefix: this.base, reverse: r.reverse, limit: r.limit };
    if (r.prefix !== undefined) out.prefix = this.abs(r.prefix);
    if (r.from !== undefined) out.from = this.abs(r.from);
    if (r.to !== undefined) out.to = this.abs(r.to);
    return out;
  }

  private reader(): { get(k: Uint8Array): Buffer | undefined; getMany(k: readonly Uint8Array[]): (Buffer | undefined)[]; scan(r: RangeOptions): IterableIterator<Entry> } {
    return this.at === undefined ? this.store : this.store.at(this.at);
  }

  /** The value under the relative key. O(height). */
  get(key: Uint8Array): Buffer | undefined {
    return this.reader().get(this.abs(key));
  }

  /** The values of many relative keys, in the order asked (see `Store.getMany`). O(k log k + nodes touched). */
  getMany(keys: readonly Uint8Array[]): (Buffer | undefined)[] {
    return this.reader().getMany(keys.map((k) => this.abs(k)));
  }

  /** True when the relative key has a value. */
  has(key: Uint8Array): boolean {
    return this.get(key) !== undefined;
  }

  /** Records of the view (relative keys), in order. O(height + k/fanout). */
  *scan(range: RangeOptions = {}): IterableIterator<Entry> {
    for (const e of this.reader().scan(this.range(range))) yield relative(this.base, e);
  }

  private positional(): { count(r: RangeOptions): number; entryAt(i: number, r: RangeOptions): Entry | undefined; indexOf(k: Uint8Array, r: RangeOptions): number } {
    return this.at === undefined ? this.store : this.store.at(this.at);
  }

  /** Number of records in the view (or a range of it). O(height · log) (see `ReadView.count`). */
  count(range: RangeOptions = {}): number {
    return this.positional().count(this.range(range));
  }

  /** The `index`-th record of the view (or a range of it), with its relative key. O(height · log). */
  entryAt(index: number, range: RangeOptions = {}): Entry | undefined {
    const e = this.positional().entryAt(index, this.range(range));
    return e === undefined ? undefined : relative(this.base, e);
  }

  /** How many records of the view (or a range of it) have a relative key below `key`. O(height · log). */
  indexOf(key: Uint8Array, range: RangeOptions = {}): number {
    return this.positional().indexOf(this.abs(key), this.range(range));
  }

  private writable(): void {
    if (this.at !== undefined) throw new TypeError('a view of a past version is read-only');
  }

  /** Puts one record in its own commit. */
  put(key: Uint8Array, value: Uint8Array, opts?: CommitOptions): CommitInfo {
    this.writable();
    return this.store.put(this.abs(key), value, opts);
  }

  /** Deletes one record in its own commit. */
  delete(key: Uint8Array, opts?: CommitOptions): CommitInfo {
    this.writable();
    return this.store.delete(this.abs(key), opts);
  }

  /** Deletes everything in the view: one range-delete message. O(1) to stage. */
  clear(opts?: CommitOptions): CommitInfo {
    this.writable();
    return this.store.deleteRange(this.base, prefixEnd(this.base), opts);
  }

  /** Several writes with relative keys in one commit. */
  write(fn: (w: { put(k: Uint8Array, v: Uint8Array): void; delete(k: Uint8Array): void }) => void, opts?: CommitOptions): void {
    this.writable();
    this.store.write((tx) => fn({ put: (k, v) => tx.put(this.abs(k), v), delete: (k) => tx.delete(this.abs(k)) }), opts);
  }

  /** Snapshot of the store, named; read it back with `store.view(prefix, name)`. O(1). */
  snapshot(name: string, opts: { message?: string } = {}): void {
    this.writable();
    this.store.snapshot(name, opts);
  }

  /** Changes inside the view between two versions, relative keys. Costs the changes in the view. */
  *diff(a: number | string, b: number | string, opts: DiffOptions = {}): IterableIterator<DiffChange> {
    const r = this.range(opts);
    for (const c of this.store.diff(a, b, { prefix: r.prefix, from: r.from, to: r.to })) {
      yield {
        key: c.key.subarray(this.base.length),
        type: c.type,
        get before() {
          return c.before;
        },
        get after() {
          return c.after;
        },
        beforeLength: c.beforeLength,
        afterLength: c.afterLength,
      };
    }
  }
}
