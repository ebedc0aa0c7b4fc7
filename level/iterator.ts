/**
 * The Level iterator over a Thunderhead read view: the view is fixed when the iterator is
 * created (an implicit snapshot, free under copy-on-write), so writes after that are never
 * seen. `seek` restarts the scan inside the same view and range.
 */
import { AbstractIterator } from 'abstract-level';
import type { AbstractIteratorOptions } from 'abstract-level';
import type { Entry, ReadView } from '../engine/index';
import { halfOpenRange, scanOptions, seekRange, type HalfOpenRange, type LevelRangeOptions } from './range';

/** The private options abstract-level hands `_iterator` (encoded range, normalized flags). */
export interface PrivateIteratorOptions extends LevelRangeOptions {
  readonly reverse: boolean;
  readonly keys: boolean;
  readonly values: boolean;
  readonly limit: number;
  readonly snapshot?: unknown;
}

/** One entry as abstract-level wants it: [key, value], either undefined when not asked for. */
type LevelEntry = [Buffer | undefined, Buffer | undefined];

/** An iterator of a {@link ThunderheadLevel}. Each step is O(1) amortized node reads. */
export class ThunderheadIterator<TDatabase> extends AbstractIterator<TDatabase, Buffer | undefined, Buffer | undefined> {
  readonly #view: ReadView;
  readonly #range: HalfOpenRange | null;
  readonly #reverse: boolean;
  readonly #keys: boolean;
  readonly #values: boolean;
  #source: Iterator<Entry>;

  constructor(db: TDatabase, options: PrivateIteratorOptions, view: ReadView) {
    super(db, options as unknown as AbstractIteratorOptions<Buffer | undefined, Buffer | undefined>);
    this.#view = view;
    this.#range = halfOpenRange(options);
    this.#reverse = options.reverse;
    this.#keys = options.keys;
    this.#values = options.values;
    this.#source = this.#scan(this.#range);
  }

  #scan(range: HalfOpenRange | null): Iterator<Entry> {
    return range === null ? [].values() : this.#view.scan(scanOptions(range, this.#reverse));
  }

  #step(): LevelEntry | undefined {
    const next = this.#source.next();
    if (next.done) return undefined;
    // A value not asked for is never read: a large (off-tree) one would cost its blob reads.
    return [this.#keys ? next.value.key : undefined, this.#values ? next.value.value : undefined];
  }

  /** The next entry, or undefined at the end. */
  async _next(): Promise<LevelEntry | undefined> {
    return this.#step();
  }

  /** Up to `size` entries; empty at the end. */
  async _nextv(size: number): Promise<LevelEntry[]> {
    const out: LevelEntry[] = [];
    while (out.length < size) {
      const entry = this.#step();
      if (entry === undefined) break;
      out.push(entry);
    }
    return out;
  }

  /** Every remaining entry (abstract-level stops at the limit). */
  async _all(): Promise<LevelEntry[]> {
    const out: LevelEntry[] = [];
    const limit = (this as unknown as { limit: number }).limit;
    const count = (this as unknown as { count: number }).count;
    const room = limit === Infinity || limit < 0 ? Infinity : limit - count;
    while (out.length < room) {
      const entry = this.#step();
      if (entry === undefined) break;
      out.push(entry);
    }
    return out;
  }

  /**
   * Moves to the first key at or after `target` (at or before it when reversed), within the
   * iterator's own range. O(height).
   */
  _seek(target: Uint8Array): void {
    this.#source.return?.();
    this.#source = this.#scan(this.#range === null ? null : seekRange(this.#range, target, this.#reverse));
  }

  /** Ends the scan. */
  async _close(): Promise<void> {
    this.#source.return?.();
  }
}
