/**
 * Helpers shared by the engine's tests and their child processes (crash writers, compaction
 * children). Test support only: nothing in the engine's runtime imports this file.
 */
import fs from 'node:fs';

/** A seeded PRNG (mulberry32) in [0, 1): the same seed replays the same trial. O(1) per draw. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/** The error `fn` throws; throws itself when `fn` returns normally. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

/**
 * Writes one line to stdout synchronously, whole. A child's fd 1 is a non-blocking pipe: when
 * the parent is slow to read, writeSync fails with EAGAIN (or writes part of the line), so keep
 * going until it is all out — the parent reads these lines as progress before it kills us.
 */
export function say(line: string): void {
  const data = Buffer.from(`${line}\n`);
  let done = 0;
  while (done < data.length) {
    try {
      done += fs.writeSync(1, data, done, data.length - done);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

/**
 * Stores whose close() must not run verify(): a test that damages a file on purpose marks the
 * store it opened on it. Everything else an engine test closes is verified (engine/store/
 * verify-on-close.ts, bbolt's check after every test).
 */
const unverified = new WeakSet<object>();

/** Marks `store` so that closing it in a test skips the verify() the test fixture runs. O(1). */
export function skipVerifyOnClose(store: object): void {
  unverified.add(store);
}

let wholeFileUnverified = false;

/**
 * Skips the verify() on close for every store of the calling test file: for files whose every
 * test damages stores on purpose (corruption, catalog defects). Call it at the top level. O(1).
 */
export function skipVerifyOnCloseInThisFile(): void {
  wholeFileUnverified = true;
}

/** True when a test marked `store` (or its whole file) to skip the verify() on close. O(1). */
export function verifyOnCloseSkipped(store: object): boolean {
  return wholeFileUnverified || unverified.has(store);
}
