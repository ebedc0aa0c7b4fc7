/**
 * The columnar put log: a transaction's point writes in arrival order, before anything needs
 * them sorted. A bulk load of n records used to cost n key Buffers, n value Buffers and n
 * message objects, all alive until commit, and their allocation and collection were a large
 * share of the load's time; here the bytes of every key and value go into a few large slabs and
 * each write is one row of typed-array columns. Messages (views of the slabs) are made only
 * when the transaction needs them (a read, a range delete, a spill, the general commit path).
 */
import { Op, type Msg } from '../tree/node';

/** Largest slab: a write whose key and value together do not fit in one gets its value in its own Buffer. */
export const SLAB_BYTES = 4 * 1024 * 1024;
/** First slab: a small transaction must not pay for megabytes. Slabs double up to SLAB_BYTES. */
const FIRST_SLAB_BYTES = 8 * 1024;
/** Rows the columns start with; they double as needed. */
const FIRST_ROWS = 64;
/** Keys whose first four bytes tie are packed with their index into a double: indices must fit in 21 bits. */
const PACK_LIMIT = 2 ** 21;
const EMPTY = Buffer.alloc(0);

/**
 * Point writes (puts and deletes) in arrival order, their bytes copied into slabs. Rows are
 * numbered from 0 in arrival order.
 */
export class PutLog {
  /** Every slab (and every Buffer of an over-large value); rows name them by index. */
  readonly slabs: Buffer[] = [];
  private slab: Buffer = EMPTY;
  private slabPos = 0;
  /** Index of `slab` in `slabs` (own-value Buffers may follow it there). */
  private slabIndex = -1;
  private nextSlabBytes = FIRST_SLAB_BYTES;
  private rows = 0;
  /** Op of each row (Op.Put or Op.Delete). */
  ops = new Uint8Array(FIRST_ROWS);
  /** Slab of each row's key, its offset there and its length. */
  keySlab = new Uint32Array(FIRST_ROWS);
  keyOff = new Uint32Array(FIRST_ROWS);
  keyLen = new Uint32Array(FIRST_ROWS);
  /** Slab of each row's value, its offset and its length (0 for a delete). */
  valSlab = new Uint32Array(FIRST_ROWS);
  valOff = new Uint32Array(FIRST_ROWS);
  valLen = new Uint32Array(FIRST_ROWS);

  /** Number of writes logged. O(1). */
  get length(): number {
    return this.rows;
  }

  /** Logs a put; copies both (the caller may reuse its buffers). Amortised O(|key| + |value|). */
  put(key: Uint8Array, value: Uint8Array): void {
    this.add(Op.Put, key, value);
  }

  /** Logs a delete; copies the key. Amortised O(|key|). */
  delete(key: Uint8Array): void {
    this.add(Op.Delete, key, EMPTY);
  }

  private add(op: Op, key: Uint8Array, value: Uint8Array): void {
    const row = this.rows;
    if (row === this.ops.length) this.grow();
    const kn = key.length;
    const vn = value.length;
    this.ops[row] = op;
    this.keyLen[row] = kn;
    this.valLen[row] = vn;
    if (kn + vn <= SLAB_BYTES) {
      // Key and value side by side in one slab.
      const at = this.room(kn + vn);
      this.keySlab[row] = this.valSlab[row] = this.slabIndex;
      this.keyOff[row] = at;
      this.valOff[row] = at + kn;
      copyInto(this.slab, at, key);
      if (vn > 0) copyInto(this.slab, at + kn, value);
    } else {
      // A value larger than a slab gets a Buffer of its own; its key still goes in a slab.
      const at = this.room(kn);
      this.keySlab[row] = this.slabIndex;
      this.keyOff[row] = at;
      copyInto(this.slab, at, key);
      const own = Buffer.allocUnsafe(vn);
      own.set(value);
      this.valSlab[row] = this.slabs.length;
      this.valOff[row] = 0;
      this.slabs.push(own);
    }
    this.rows = row + 1;
  }

  /** Offset in the current slab where `n` bytes fit (starting a new slab when they do not). O(1). */
  private room(n: number): number {
    if (this.slabPos + n > this.slab.length) {
      const size = Math.max(this.nextSlabBytes, n);
      this.nextSlabBytes = Math.min(SLAB_BYTES, this.nextSlabBytes * 2);
      this.slab = Buffer.allocUnsafe(size);
      this.slabPos = 0;
      this.slabIndex = this.slabs.length;
      this.slabs.push(this.slab);
    }
    const at = this.slabPos;
    this.slabPos += n;
    return at;
  }

  private grow(): void {
    const n = this.ops.length * 2;
    const u32 = (a: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> => {
      const b = new Uint32Array(n);
      b.set(a);
      return b;
    };
    const ops = new Uint8Array(n);
    ops.set(this.ops);
    this.ops = ops;
    this.keySlab = u32(this.keySlab);
    this.keyOff = u32(this.keyOff);
    this.keyLen = u32(this.keyLen);
    this.valSlab = u32(this.valSlab);
    this.valOff = u32(this.valOff);
    this.valLen = u32(this.valLen);
  }

  /** Row `i`'s key: a view of its slab (no copy). O(1). */
  key(i: number): Buffer {
    const s = this.slabs[this.keySlab[i]];
    const at = this.keyOff[i];
    return s.subarray(at, at + this.keyLen[i]);
  }

  /** Row `i`'s value: a view of its slab, or null for a delete. O(1). */
  value(i: number): Buffer | null {
    if (this.ops[i] !== Op.Put) return null;
    const s = this.slabs[this.valSlab[i]];
    const at = this.valOff[i];
    return s.subarray(at, at + this.valLen[i]);
  }

  /** Row `i` as a message (seq 0), key and value views of the slabs. O(1). */
  message(i: number): Msg {
    return { op: this.ops[i] as Op, key: this.key(i), end: null, value: this.value(i), seq: 0 };
  }

  /** Every write as a message, in arrival order. O(n). */
  messages(): Msg[] {
    const out: Msg[] = new Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.message(i);
    return out;
  }

  /** The last write of each key as messages, in key order (see {@link sortedUnique}). O(n log n). */
  sortedMessages(): Msg[] {
    const order = this.sortedUnique();
    const out: Msg[] = new Array(order.length);
    for (let i = 0; i < order.length; i++) out[i] = this.message(order[i]);
    return out;
  }

  /** Compares the keys of rows a and b in unsigned byte order. O(common prefix). */
  compareRows(a: number, b: number): number {
    const sa = this.slabs[this.keySlab[a]];
    const sb = this.slabs[this.keySlab[b]];
    const oa = this.keyOff[a];
    const ob = this.keyOff[b];
    const la = this.keyLen[a];
    const lb = this.keyLen[b];
    const n = la < lb ? la : lb;
    for (let i = 0; i < n; i++) {
      const d = sa[oa + i] - sb[ob + i];
      if (d !== 0) return d;
    }
    return la - lb;
  }

  /** The first four bytes of row i's key as an unsigned big-endian integer (missing bytes as 0). */
  private head(i: number): number {
    const s = this.slabs[this.keySlab[i]];
    const at = this.keyOff[i];
    const n = this.keyLen[i];
    if (n >= 4) return ((s[at] << 24) | (s[at + 1] << 16) | (s[at + 2] << 8) | s[at + 3]) >>> 0;
    let h = 0;
    for (let j = 0; j < 4; j++) h = h * 256 + (j < n ? s[at + j] : 0);
    return h;
  }

  /**
   * Rows in ascending key order, keeping only the last write of each key (the one that wins).
   * As tree/keys.ts `sortedOrder`: the first four bytes of each key, packed with the row number
   * into a double, sorted as numbers (one native typed-array sort, stable because the row
   * breaks ties); whole keys are compared only within runs of equal heads, reading the slabs.
   * O(n log n).
   */
  sortedUnique(): Uint32Array {
    const n = this.rows;
    const heads = new Uint32Array(n);
    for (let i = 0; i < n; i++) heads[i] = this.head(i);
    let order: Uint32Array;
    if (n >= PACK_LIMIT) {
      const all = Array.from({ length: n }, (_, i) => i);
      all.sort((a, b) => heads[a] - heads[b] || this.compareRows(a, b) || a - b);
      order = Uint32Array.from(all);
    } else {
      const packed = new Float64Array(n);
      for (let i = 0; i < n; i++) packed[i] = heads[i] * PACK_LIMIT + i;
      packed.sort();
      order = new Uint32Array(n);
      for (let i = 0; i < n; i++) order[i] = packed[i] % PACK_LIMIT;
      for (let i = 0; i < n; ) {
        const h = heads[order[i]];
        let j = i + 1;
        while (j < n && heads[order[j]] === h) j++;
        if (j - i > 1) {
          const run = Array.from(order.subarray(i, j));
          run.sort((a, b) => this.compareRows(a, b) || a - b);
          order.set(run, i);
        }
        i = j;
      }
    }
    // Keep the last of each run of equal keys: rows of one key are in arrival order.
    let m = 0;
    for (let i = 0; i < n; i++) {
      const r = order[i];
      if (m > 0) {
        const p = order[m - 1];
        if (heads[p] === heads[r] && this.compareRows(p, r) === 0) {
          order[m - 1] = r;
          continue;
        }
      }
      order[m++] = r;
    }
    return order.subarray(0, m);
  }
}

/** Copies `src` into `dst` at `at`: a plain loop for short keys, where a native call's fixed cost dominates. */
function copyInto(dst: Buffer, at: number, src: Uint8Array): void {
  const n = src.length;
  if (n <= 32) for (let i = 0; i < n; i++) dst[at + i] = src[i];
  else dst.set(src, at);
}
