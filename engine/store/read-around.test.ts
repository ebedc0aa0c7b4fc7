import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Store } from '../index';
import { fileCalls, StoreFile } from './file';
import { DEFAULT_READ_AROUND_BYTES, ReadAroundPolicy } from './read-around';
import { prng } from '../testing/test-support';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-read-around-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Two reads that took as long as a device read: the policy reads around from then on. */
function makeCold(policy: ReadAroundPolicy): void {
  policy.record(8192, 500);
  policy.record(8192, 500);
}

describe('ReadAroundPolicy', () => {
  it('reads exactly while reads are fast, around once two are slow, and exactly again after fast ones', () => {
    const p = new ReadAroundPolicy(65536);
    const size = 10 * 65536;
    expect(p.span(70_000, 8192, size)).toEqual({ start: 70_000, end: 78_192, known: false });
    p.record(8192, 3);
    p.record(8192, 500);
    expect(p.active).toBe(false);
    p.record(8192, 500);
    expect(p.active).toBe(true);
    // The aligned window holding the block, and remembered: a block inside it is read exactly.
    expect(p.span(70_000, 8192, size)).toEqual({ start: 65536, end: 131072, known: false });
    expect(p.span(100_000, 8192, size)).toEqual({ start: 100_000, end: 108_192, known: true });
    // A block straddling the window's end stretches it; the last window stops at the file's end.
    expect(p.span(3 * 65536 - 100, 8192, size)).toEqual({ start: 2 * 65536, end: 3 * 65536 - 100 + 8192, known: false });
    expect(p.span(9 * 65536 + 10, 100, 9 * 65536 + 500)).toEqual({ start: 9 * 65536, end: 9 * 65536 + 500, known: false });
    for (let i = 0; i < 8; i++) p.record(8192, 3);
    expect(p.active).toBe(false);
    expect(p.span(5 * 65536, 8192, size)).toEqual({ start: 5 * 65536, end: 5 * 65536 + 8192, known: false });
  });

  it('tells device reads from page-cache copies by time per byte, and never reads around blocks as large as the window', () => {
    expect(ReadAroundPolicy.wasDeviceRead(8192, 10)).toBe(false);
    expect(ReadAroundPolicy.wasDeviceRead(8192, 150)).toBe(true);
    // A whole window copied from the page cache is slower than a block, and still not the device.
    expect(ReadAroundPolicy.wasDeviceRead(DEFAULT_READ_AROUND_BYTES, 100)).toBe(false);
    expect(ReadAroundPolicy.wasDeviceRead(DEFAULT_READ_AROUND_BYTES, 600)).toBe(true);
    const p = new ReadAroundPolicy(65536);
    makeCold(p);
    expect(p.span(0, 65536, 1 << 20)).toEqual({ start: 0, end: 65536, known: false });
    const off = new ReadAroundPolicy(0);
    makeCold(off);
    expect(off.active).toBe(false);
    expect(off.span(4096, 100, 1 << 20)).toEqual({ start: 4096, end: 4196, known: false });
  });
});

describe('StoreFile.readNear', () => {
  it('returns exactly the bytes read() returns, reading around or not, up to the end of the file', () => {
    const file = path.join(dir, 'bytes.bin');
    const bytes = Buffer.alloc(300_000);
    const rand = prng(1907);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
    fs.writeFileSync(file, bytes);
    const f = StoreFile.open(file, true);
    try {
      f.readAround = new ReadAroundPolicy(65536);
      fc.assert(
        fc.property(fc.nat(bytes.length + 100), fc.integer({ min: 1, max: 20_000 }), fc.boolean(), (offset, length, cold) => {
          if (cold) makeCold(f.readAround);
          const got = f.readNear(offset, length);
          expect(got.equals(bytes.subarray(offset, offset + length))).toBe(true);
          // A transient read gives the same bytes (a view of the reused buffer, valid until the next read).
          expect(f.readNear(offset, length, true).equals(bytes.subarray(offset, offset + length))).toBe(true);
          // A copy: the window is reused by the next read.
          const before = Buffer.from(got);
          f.readNear((offset + 70_000) % bytes.length, 100);
          expect(got.equals(before)).toBe(true);
        }),
        { seed: 1907, numRuns: 300 },
      );
    } finally {
      f.close();
    }
  });

  it('reads a whole window in one call while cold, then the blocks inside it without a second device read of the window', () => {
    const file = path.join(dir, 'calls.bin');
    fs.writeFileSync(file, Buffer.alloc(1 << 20, 7));
    const f = StoreFile.open(file, true);
    const sizes: number[] = [];
    const readSync = fileCalls.readSync;
    fileCalls.readSync = ((fd: number, buf: NodeJS.ArrayBufferView, off: number, len: number, pos: number) => {
      sizes.push(len);
      return (readSync as (...a: unknown[]) => number)(fd, buf, off, len, pos);
    }) as typeof fileCalls.readSync;
    try {
      f.readAround = new ReadAroundPolicy(65536);
      makeCold(f.readAround);
      // Cold for the whole test: these reads come from the page cache and would switch it off.
      f.readAround.record = (): void => {};
      f.readNear(70_000, 8192);
      f.readNear(80_000, 8192);
      f.readNear(200_000, 8192);
      expect(sizes).toEqual([65536, 8192, 65536]);
      expect(f.io.blockReads).toBe(3);
      expect(f.io.bytesRead).toBe(65536 + 8192 + 65536);
    } finally {
      fileCalls.readSync = readSync;
      f.close();
    }
  });
});

describe('a store whose reads are read around', () => {
  it('answers every key as a Map model does, and verifies', () => {
    const file = path.join(dir, 'store.th');
    const model = new Map<string, Buffer>();
    const rand = prng(2031);
    const store = Store.create(file, { nodeSize: 512, fanout: 4, bufferSize: 1024 });
    store.write((tx) => {
      for (let i = 0; i < 3000; i++) {
        const key = Buffer.from(`k${Math.floor(rand() * 1e6).toString().padStart(7, '0')}`);
        const value = Buffer.alloc(10 + Math.floor(rand() * 90), i & 0xff);
        tx.put(key, value);
        model.set(key.toString('hex'), value);
      }
    });
    store.close();
    const reopened = Store.open(file, { readOnly: true });
    try {
      const f = (reopened as unknown as { core: { file: StoreFile } }).core.file;
      // Cold for the whole test: the page cache here answers fast, which would switch it off.
      f.readAround = new ReadAroundPolicy(4096);
      makeCold(f.readAround);
      f.readAround.record = (): void => {};
      for (const [hex, value] of model) expect(reopened.get(Buffer.from(hex, 'hex'))?.equals(value)).toBe(true);
      expect(reopened.get(Buffer.from('absent'))).toBeUndefined();
      expect(f.io.bytesRead).toBeGreaterThan(f.io.blockReads * 512);
      expect(reopened.verify().problems).toEqual([]);
    } finally {
      reopened.close();
    }
  });
});

describe('OpenOptions.readAroundBytes', () => {
  it('sets the window, 0 turns it off, and a bad value is one clear error', () => {
    const file = path.join(dir, 'opt.th');
    Store.create(file).close();
    const windowOf = (s: Store): number => (s as unknown as { core: { file: StoreFile } }).core.file.readAround.windowBytes;
    const byDefault = Store.open(file, { readOnly: true });
    expect(windowOf(byDefault)).toBe(DEFAULT_READ_AROUND_BYTES);
    byDefault.close();
    const off = Store.open(file, { readOnly: true, readAroundBytes: 0 });
    expect(windowOf(off)).toBe(0);
    off.close();
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 40]) {
      expect(() => Store.open(file, { readOnly: true, readAroundBytes: bad })).toThrow(/^readAroundBytes must be an integer from 0 to \d+ \(got .+\)$/);
    }
  });
});
