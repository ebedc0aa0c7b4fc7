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
const EMPTY = Buffer.alloc(0);
// Ops read once: an enum imported across modules is a property load (a getter, as compiled) on every use.
const PUT = Op.Put;
const DELETE = Op.Delete;

/** Words of row metadata per row (see {@link PutLog}). */
const STRIDE = 4;
/**
 * Rows per chunk of metadata (a power of two). Past the first chunk, which doubles up to this
 * size, chunks are added rather than the whole array copied into one twice its size: a large
 * load allocates its metadata once, and V8 counts every byte of such allocations towards its
 * next full collection.
 */
const CHUNK_SHIFT = 16;
const CHUNK_ROWS = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK_ROWS - 1;
/** Key lengths are kept below this (the op sits above them in one word); MAX_KEY_BYTES is far smaller. */
const KEY_LEN_LIMIT = 2 ** 24;

/**
 * Point writes (puts and deletes) in arrival order, their bytes copied into slabs. Rows are
 * numbered from 0 in arrival order. A row's value follows its key in the same slab, unless key
 * and value together are larger than a slab: then the value has a Buffer of its own.
 *
 * Each row's metadata is four adjacent 32-bit words (slab, key offset, key length and op, value
 * length) rather than a column per field: the bulk build reads rows in key order, which is
 * random order here, and one cache line then holds all of a row.
 */
export class PutLog {
  /** Every slab; rows name them by index. */
  private readonly slabs: Buffer[] = [];
  private slab: Buffer = EMPTY;
  private slabPos = 0;
  private nextSlabBytes = FIRST_SLAB_BYTES;
  /** Values larger than a slab, by row. */
  private readonly own = new Map<number, Buffer>();
  private rows = 0;
  private readonly chunks: Uint32Array[] = [new Uint32Array(FIRST_ROWS * STRIDE)];

  /** Number of writes logged. O(1). */
  get length(): number {
    return this.rows;
  }

  /** Logs a put; copies both (the caller may reuse its buffers). Amortised O(|key| + |value|). */
  put(key: Uint8Array, value: Uint8Array): void {
    this.add(PUT, key, value);
  }

  /** Logs a delete; copies the key. Amortised O(|key|). */
  delete(key: Uint8Array): void {
    this.add(DELETE, key, EMPTY);
  }

  private add(op: Op, key: Uint8Array, value: Uint8Array): void {
    const row = this.rows;
    const kn = key.length;
    const vn = value.length;
    if (kn >= KEY_LEN_LIMIT) throw new RangeError(`a key of ${kn} bytes is too long for the put log`);
    const c = row >>> CHUNK_SHIFT;
    let m = this.chunks[c];
    const w = (row & CHUNK_MASK) * STRIDE;
    if (m === undefined) {
      m = new Uint32Array(CHUNK_ROWS * STRIDE);
      this.chunks.push(m);
    } else if (w + STRIDE > m.length) {
      const grown = new Uint32Array(m.length * 2);
      grown.set(m);
      this.chunks[c] = m = grown;
    }
    const big = kn + vn > SLAB_BYTES;
    // Key and value side by side in one slab; a value larger than a slab in a Buffer of its own.
    const at = this.room(big ? kn : kn + vn);
    const s = this.slab;
    m[w] = this.slabs.length - 1;
    m[w + 1] = at;
    m[w + 2] = kn | (op << 24);
    m[w + 3] = vn;
    copyInto(s, at, key);
    if (big) {
      const own = Buffer.allocUnsafe(vn);
      own.set(value);
      this.own.set(row, own);
    } else if (vn > 0) copyInto(s, at + kn, value);
    this.rows = row + 1;
  }

  /** Offset in the current slab where `n` bytes fit (starting a new slab when they do not). O(1). */
  private room(n: number): number {
    // (The first write starts the first slab even when it is empty: every row names a slab.)
    if (this.slabPos + n > this.slab.length || this.slabs.length === 0) {
      const size = Math.max(this.nextSlabBytes, n);
      this.nextSlabBytes = Math.min(SLAB_BYTES, this.nextSlabBytes * 2);
      this.slab = Buffer.allocUnsafe(size);
      this.slabPos = 0;
      this.slabs.push(this.slab);
    }
    const at = this.slabPos;
    this.slabPos += n;
    return at;
  }

  /** Row `i`'s op (Op.Put or Op.Delete). O(1). */
  opOf(i: number): Op {
    return (this.chunks[i >>> CHUNK_SHIFT][(i & CHUNK_MASK) * STRIDE + 2] >>> 24) as Op;
  }

  /** The Buffer holding row `i`'s key (see {@link keyOffsetOf}). O(1). */
  keyBufferOf(i: number): Buffer {
    return this.slabs[this.keySlabOf(i)];
  }

  /** Index in {@link slabList} of the slab holding row `i`'s key (and its value, unless that is larger than a slab). O(1). */
  keySlabOf(i: number): number {
    return this.chunks[i >>> CHUNK_SHIFT][(i & CHUNK_MASK) * STRIDE];
  }

  /** The slabs, by index (see {@link keySlabOf}); only ever appended to. O(1). */
  slabList(): readonly Buffer[] {
    return this.slabs;
  }

  /** Where row `i`'s key starts in {@link keyBufferOf}. O(1). */
  keyOffsetOf(i: number): number {
    return this.chunks[i >>> CHUNK_SHIFT][(i & CHUNK_MASK) * STRIDE + 1];
  }

  /** Row `i`'s key length. O(1). */
  keyLengthOf(i: number): number {
    return this.chunks[i >>> CHUNK_SHIFT][(i & CHUNK_MASK) * STRIDE + 2] & (KEY_LEN_LIMIT - 1);
  }

  /** Row `i`'s value length (0 for a delete). O(1). */
  valueLengthOf(i: number): number {
    return this.chunks[i >>> CHUNK_SHIFT][(i & CHUNK_MASK) * STRIDE + 3];
  }

  /** The Buffer holding row `i`'s value (see {@link valueOffsetOf}). O(1). */
  valueBufferOf(i: number): Buffer {
    return this.own.size > 0 ? (this.own.get(i) ?? this.keyBufferOf(i)) : this.keyBufferOf(i);
  }

  /** Where row `i`'s value starts in {@link valueBufferOf}. O(1). */
  valueOffsetOf(i: number): number {
    const m = this.chunks[i >>> CHUNK_SHIFT];
    const w = (i & CHUNK_MASK) * STRIDE;
    const kn = m[w + 2] & (KEY_LEN_LIMIT - 1);
    return kn + m[w + 3] > SLAB_BYTES ? 0 : m[w + 1] + kn;
  }

  /** Row `i`'s key: a view of its slab (no copy). O(1). */
  key(i: number): Buffer {
    const at = this.keyOffsetOf(i);
    return this.keyBufferOf(i).subarray(at, at + this.keyLengthOf(i));
  }

  /** Row `i`'s value: a view of its slab, or null for a delete. O(1). */
  value(i: number): Buffer | null {
    if (this.opOf(i) !== PUT) return null;
    const at = this.valueOffsetOf(i);
    return this.valueBufferOf(i).subarray(at, at + this.valueLengthOf(i));
  }

  /** Row `i` as a message (seq 0), key and value views of the slabs. O(1). */
  message(i: number): Msg {
    return { op: this.opOf(i), key: this.key(i), end: null, value: this.value(i), seq: 0 };
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
    const sa = this.keyBufferOf(a);
    const sb = this.keyBufferOf(b);
    const oa = this.keyOffsetOf(a);
    const ob = this.keyOffsetOf(b);
    const la = this.keyLengthOf(a);
    const lb = this.keyLengthOf(b);
    const n = la < lb ? la : lb;
    for (let i = 0; i < n; i++) {
      const d = sa[oa + i] - sb[ob + i];
      if (d !== 0) return d;
    }
    return la - lb;
  }

  /** Bytes [at, at + 4) of row i's key as an unsigned big-endian integer (missing bytes as 0). O(1). */
  private head(i: number, at: number): number {
    const s = this.keyBufferOf(i);
    const from = this.keyOffsetOf(i) + at;
    const n = this.keyLengthOf(i) - at;
    if (n >= 4) return ((s[from] << 24) | (s[from + 1] << 16) | (s[from + 2] << 8) | s[from + 3]) >>> 0;
    let h = 0;
    for (let j = 0; j < 4; j++) h = h * 256 + (j < n ? s[from + j] : 0);
    return h;
  }

  /**
   * Rows in ascending key order, keeping only the last write of each key (the one that wins).
   * Keys are sorted four bytes at a time (see {@link sortRange}): random keys in one stable
   * radix sort of their first four bytes, keys sharing a long prefix (tuple keys of one table)
   * by the bytes after it, whole keys compared only where runs are small or keys run out.
   * O(n · (1 + shared prefix / 4)) plus small comparison sorts.
   */
  sortedUnique(): Uint32Array {
    const n = this.rows;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const scratch: Scratch = { heads: new Uint32Array(n), heads2: new Uint32Array(n), order2: new Uint32Array(n) };
    this.sortRange(order, 0, n, 0, scratch);
    // Keep the last of each run of equal keys: rows of one key are in arrival order. Adjacent
    // positions whose heads (at whatever depth they were last sorted) differ hold different
    // keys; only equal heads need the keys compared. The row kept last came from position i − 1.
    const heads = scratch.heads;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const r = order[i];
      if (m > 0 && heads[i - 1] === heads[i] && this.compareRows(order[m - 1], r) === 0) {
        order[m - 1] = r;
        continue;
      }
      order[m++] = r;
    }
    return order.subarray(0, m);
  }

  /**
   * Sorts `order[lo, hi)` (rows whose keys agree on bytes before `at`) stably by key, leaving in
   * `heads[lo, hi)` each position's bytes [at, at + 4) (or, inside a run sorted deeper, the bytes
   * of that depth). A large range is radix sorted by those four bytes (three counting passes of
   * 11 bits, least significant first, which carry the rows along), then each run of equal
   * heads is sorted the same way four bytes further on, unless its keys all end within these
   * four bytes; a small range or such a run is comparison sorted (whole keys, then arrival).
   */
  private sortRange(order: Uint32Array, lo: number, hi: number, at: number, s: Scratch): void {
    const heads = s.heads;
    for (let i = lo; i < hi; i++) heads[i] = this.head(order[i], at);
    if (hi - lo <= SMALL_RUN) {
      this.compareSort(order, lo, hi);
      // The heads follow their rows: equal keys must sit on equal heads for the dedup.
      for (let i = lo; i < hi; i++) heads[i] = this.head(order[i], at);
      return;
    }
    let h = heads;
    let o = order;
    let h2 = s.heads2;
    let o2 = s.order2;
    for (const [shift, bits] of RADIX_PASSES) {
      const mask = (1 << bits) - 1;
      const counts = new Uint32Array(1 << bits);
      for (let i = lo; i < hi; i++) counts[(h[i] >>> shift) & mask]++;
      // A digit every head shares orders nothing: skip its pass.
      if (counts[(h[lo] >>> shift) & mask] === hi - lo) continue;
      let sum = lo;
      for (let d = 0; d <= mask; d++) {
        const c = counts[d];
        counts[d] = sum;
        sum += c;
      }
      for (let i = lo; i < hi; i++) {
        const v = h[i];
        const to = counts[(v >>> shift) & mask]++;
        h2[to] = v;
        o2[to] = o[i];
      }
      [h, h2] = [h2, h];
      [o, o2] = [o2, o];
    }
    if (o !== order) {
      order.set(o.subarray(lo, hi), lo);
      heads.set(h.subarray(lo, hi), lo);
    }
    for (let i = lo; i < hi; ) {
      const v = heads[i];
      let j = i + 1;
      while (j < hi && heads[j] === v) j++;
      if (j - i > 1) {
        let longer = false;
        for (let k = i; k < j && !longer; k++) longer = this.keyLengthOf(order[k]) > at + 4;
        if (longer) this.sortRange(order, i, j, at + 4, s);
        else this.compareSort(order, i, j); // heads all equal: they stay right
      }
      i = j;
    }
  }

  /** Comparison sort of `order[lo, hi)`: by key, then by arrival. O(r log r) key compares. */
  private compareSort(order: Uint32Array, lo: number, hi: number): void {
    if (hi - lo < 2) return;
    const run = Array.from(order.subarray(lo, hi));
    run.sort((a, b) => this.compareRows(a, b) || a - b);
    order.set(run, lo);
  }
}

/** Scratch arrays of the radix sort, one slot per row. */
interface Scratch {
  heads: Uint32Array;
  heads2: Uint32Array;
  order2: Uint32Array;
}

/** Ranges up to this many rows are comparison sorted: a radix pass costs its 2048 counters whatever the range. */
const SMALL_RUN = 64;

/** The radix sort's passes over a 32-bit head, least significant digit first: [shift, bits]. */
const RADIX_PASSES: readonly (readonly [number, number])[] = [
  [0, 11],
  [11, 11],
  [22, 10],
];

/** Copies `src` into `dst` at `at`: a plain loop for short keys, where a native call's fixed cost dominates. */
function copyInto(dst: Buffer, at: number, src: Uint8Array): void {
  const n = src.length;
  if (n <= 32) for (let i = 0; i < n; i++) dst[at + i] = src[i];
  else dst.set(src, at);
}
