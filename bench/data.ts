/**
 * Deterministic benchmark data: 24-byte random keys and 150-byte random values (the shape of
 * redb's published table), generated from a fixed seed so every peer, every run and every machine
 * sees the same records in the same order.
 */

/** Key length in bytes. */
export const KEY_BYTES = 24;
/** Value length in bytes. */
export const VALUE_BYTES = 150;
/** The seed every dataset derives from unless a caller passes another. */
export const SEED = 0x7d2b_3c11;

/**
 * sfc32 ("small fast counting"), seeded through splitmix32. Chosen because it passes PractRand,
 * needs only 32-bit integer math (no BigInt), and is the same on every JS engine.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Next unsigned 32-bit integer. */
  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform integer in [0, n). Bias is below 2^-20 for the sizes used here. */
  below(n: number): number {
    return Math.floor((this.u32() / 0x1_0000_0000) * n);
  }

  /** Fills `out` with random bytes. */
  fill(out: Uint8Array): void {
    const words = Math.floor(out.length / 4);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    for (let i = 0; i < words; i++) view.setUint32(i * 4, this.u32(), true);
    for (let i = words * 4; i < out.length; i++) out[i] = this.u32() & 0xff;
  }
}

/** A column-wise set of records: `keys[i]` goes with `values[i]`. Keys are unique. */
export interface Dataset {
  readonly size: number;
  readonly keys: readonly Buffer[];
  readonly values: readonly Buffer[];
}

/**
 * Makes `size` records from `seed`. Keys and values are views into two large buffers, so a 1M
 * dataset costs about 175 MB of bytes plus the Buffer objects. Deterministic: the first n records
 * of a larger dataset are the dataset of size n.
 */
export function makeDataset(size: number, seed: number = SEED): Dataset {
  const prng = new Prng(seed);
  const keyBytes = Buffer.allocUnsafe(size * KEY_BYTES);
  const valueBytes = Buffer.allocUnsafe(size * VALUE_BYTES);
  const keys: Buffer[] = new Array<Buffer>(size);
  const values: Buffer[] = new Array<Buffer>(size);
  for (let i = 0; i < size; i++) {
    const key = keyBytes.subarray(i * KEY_BYTES, (i + 1) * KEY_BYTES);
    const value = valueBytes.subarray(i * VALUE_BYTES, (i + 1) * VALUE_BYTES);
    prng.fill(key);
    prng.fill(value);
    keys[i] = key;
    values[i] = value;
  }
  return { size, keys, values };
}

/** The first `n` records of `data` (views, no copy). */
export function prefix(data: Dataset, n: number): Dataset {
  if (n > data.size) throw new RangeError(`prefix ${n} of a ${data.size}-record dataset`);
  return { size: n, keys: data.keys.slice(0, n), values: data.values.slice(0, n) };
}

/** A permutation of 0..n-1 (Fisher–Yates), deterministic in `seed`. */
export function permutation(n: number, seed: number): Uint32Array {
  const prng = new Prng(seed);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = prng.below(i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

/** `count` keys of `data` picked by the first `count` entries of a seeded permutation. */
export function pickKeys(data: Dataset, count: number, seed: number): Buffer[] {
  const order = permutation(data.size, seed);
  const out: Buffer[] = new Array<Buffer>(Math.min(count, data.size));
  for (let i = 0; i < out.length; i++) out[i] = data.keys[order[i]!]!;
  return out;
}

/**
 * Records whose keys are not in the main dataset (a different seed; with 192 random bits per
 * key a collision is not a practical concern). Used for durable commits and diff inserts.
 */
export function freshRecords(count: number, seed: number): Dataset {
  return makeDataset(count, (seed ^ 0x5bd1_e995) >>> 0);
}

/** The 100-ish changes between the two versions of the diff workload. */
export interface ChangeSet {
  /** Keys that get a new value (updates of existing keys, then inserts of new keys). */
  readonly putKeys: readonly Buffer[];
  readonly putValues: readonly Buffer[];
  /** Existing keys that are deleted. */
  readonly deleteKeys: readonly Buffer[];
  /** Total number of changed keys (what a diff must report). */
  readonly count: number;
}

/**
 * `count` changes against `data`: 40 % updates of existing keys, 30 % deletes, 30 % inserts of
 * new keys. Deterministic in `seed`.
 */
export function makeChanges(data: Dataset, count: number, seed: number): ChangeSet {
  const updates = Math.round(count * 0.4);
  const deletes = Math.round(count * 0.3);
  const inserts = count - updates - deletes;
  if (updates + deletes > data.size) throw new RangeError(`${count} changes need more than ${data.size} records`);
  const order = permutation(data.size, seed);
  const fresh = freshRecords(updates + inserts, seed + 1);
  const putKeys: Buffer[] = [];
  const putValues: Buffer[] = [];
  for (let i = 0; i < updates; i++) {
    putKeys.push(data.keys[order[i]!]!);
    putValues.push(fresh.values[i]!);
  }
  for (let i = 0; i < inserts; i++) {
    putKeys.push(fresh.keys[updates + i]!);
    putValues.push(fresh.values[updates + i]!);
  }
  const deleteKeys: Buffer[] = [];
  for (let i = 0; i < deletes; i++) deleteKeys.push(data.keys[order[updates + i]!]!);
  return { putKeys, putValues, deleteKeys, count };
}
