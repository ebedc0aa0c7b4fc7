/**
 * A byte-bounded cache of decoded persisted nodes, keyed by block offset (blocks are never
 * rewritten in place, so an offset names one immutable node for the file's life).
 *
 * Two generations instead of a strict LRU list: hits in the young map cost one lookup and no
 * reordering; hits in the old map promote; when the young map fills half the budget, the old
 * one is dropped whole. Approximates LRU at O(1) with no per-hit allocation (a Map-reordering
 * LRU measured 5× slower on warm point reads).
 *
 * The maps hold the values themselves, with each entry's charge in a side map: a hit (one per
 * tree level on every point read) then dereferences no wrapper object, and the charges are read
 * only when an entry moves between generations.
 */
export class NodeCache<T> {
  private young = new Map<number, T>();
  private old = new Map<number, T>();
  private youngCharges = new Map<number, number>();
  private oldCharges = new Map<number, number>();
  private youngBytes = 0;
  private oldBytes = 0;

  constructor(private readonly budget: number) {}

  /** The cached value. O(1). */
  get(offset: number): T | undefined {
    const y = this.young.get(offset);
    if (y !== undefined) return y;
    return this.old.size === 0 ? undefined : this.promote(offset);
  }

  /** Moves an old entry to the young generation and returns it (undefined when absent). O(1) amortised. */
  private promote(offset: number): T | undefined {
    const o = this.old.get(offset);
    if (o === undefined) return undefined;
    const bytes = this.oldCharges.get(offset) ?? 0;
    this.old.delete(offset);
    this.oldCharges.delete(offset);
    this.oldBytes -= bytes;
    this.insert(offset, o, bytes);
    return o;
  }

  /** Caches a value charged `bytes`. O(1) amortised. */
  set(offset: number, value: T, bytes: number): void {
    const o = this.oldCharges.get(offset);
    if (o !== undefined) {
      this.old.delete(offset);
      this.oldCharges.delete(offset);
      this.oldBytes -= o;
    }
    const y = this.youngCharges.get(offset);
    if (y !== undefined) this.youngBytes -= y;
    this.insert(offset, value, bytes);
  }

  private insert(offset: number, value: T, bytes: number): void {
    this.young.set(offset, value);
    this.youngCharges.set(offset, bytes);
    this.youngBytes += bytes;
    if (this.youngBytes > this.budget / 2) {
      this.old = this.young;
      this.oldCharges = this.youngCharges;
      this.oldBytes = this.youngBytes;
      this.young = new Map();
      this.youngCharges = new Map();
      this.youngBytes = 0;
    }
  }

  /** Drops everything. */
  clear(): void {
    this.young.clear();
    this.old.clear();
    this.youngCharges.clear();
    this.oldCharges.clear();
    this.youngBytes = this.oldBytes = 0;
  }

  /** Bytes currently charged. */
  get bytes(): number {
    return this.youngBytes + this.oldBytes;
  }
}
