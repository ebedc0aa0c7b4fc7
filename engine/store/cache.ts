/**
 * A byte-bounded LRU cache of decoded persisted nodes, keyed by block offset (blocks are
 * never rewritten in place, so an offset names one immutable node for the file's life).
 */
export class NodeCache<T> {
  private readonly map = new Map<number, { value: T; bytes: number }>();
  private used = 0;

  constructor(private readonly budget: number) {}

  /** The cached value, refreshed as most recently used. O(1). */
  get(offset: number): T | undefined {
    const e = this.map.get(offset);
    if (!e) return undefined;
    this.map.delete(offset);
    this.map.set(offset, e);
    return e.value;
  }

  /** Caches a value charged `bytes`; evicts least recently used entries over budget. O(1) amortised. */
  set(offset: number, value: T, bytes: number): void {
    const old = this.map.get(offset);
    if (old) {
      this.used -= old.bytes;
      this.map.delete(offset);
    }
    this.map.set(offset, { value, bytes });
    this.used += bytes;
    if (this.used > this.budget) {
      for (const [k, e] of this.map) {
        if (this.used <= this.budget * 0.9) break;
        this.map.delete(k);
        this.used -= e.bytes;
      }
    }
  }

  /** Drops everything. */
  clear(): void {
    this.map.clear();
    this.used = 0;
  }

  /** Bytes currently charged. */
  get bytes(): number {
    return this.used;
  }
}
