/**
 * An order-sensitive fingerprint of what a peer returned, so the harness can check that every
 * peer read the same records. The fast mode mixes a few bytes of each key and value (a handful of
 * nanoseconds, so it barely touches the timings); the strict mode hashes every byte (tests).
 */
import { createHash, type Hash } from 'node:crypto';

/** Fingerprint of a sequence of records. */
export class Tally {
  /** Records (or found values) added. */
  count = 0;
  /** Point reads that found nothing. */
  missing = 0;
  private h = 0x811c9dc5;
  private readonly hash: Hash | undefined;

  /** @param strict hash every byte of every key and value (slow; for tests). */
  constructor(strict = false) {
    this.hash = strict ? createHash('sha256') : undefined;
  }

  /** Adds one record. */
  add(key: Uint8Array, value: Uint8Array): void {
    this.count++;
    let h = Math.imul(this.h ^ ((key[0]! << 24) | (key[1]! << 16) | (key[2]! << 8) | key[3]!), 0x01000193);
    h = Math.imul(h ^ key[key.length - 1]! ^ (key.length << 8), 0x01000193);
    h = Math.imul(h ^ value[0]! ^ (value[value.length - 1]! << 8) ^ (value.length << 16), 0x01000193);
    this.h = h;
    // subarray: lmdb's getBinaryFast buffers report a shorter length than their view's byteLength.
    if (this.hash) this.hash.update(key.subarray(0, key.length)).update(value.subarray(0, value.length));
  }

  /** Adds one found value of a point read. */
  addValue(value: Uint8Array): void {
    this.count++;
    const n = value.length;
    this.h = Math.imul(this.h ^ value[0]! ^ (value[n >>> 1]! << 8) ^ (value[n - 1]! << 16) ^ (n << 24), 0x01000193);
    if (this.hash) this.hash.update(value.subarray(0, n));
  }

  /** Counts one point read that found nothing. */
  miss(): void {
    this.missing++;
    this.h = Math.imul(this.h ^ 0x9e37, 0x01000193);
    if (this.hash) this.hash.update('\u0000miss');
  }

  /** `count/missing/fingerprint`: equal strings mean the same records in the same order. */
  digest(): string {
    const fp = this.hash ? this.hash.digest('hex').slice(0, 16) : (this.h >>> 0).toString(16).padStart(8, '0');
    return `${this.count}/${this.missing}/${fp}`;
  }
}
