import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store } from '../index';
import { skipVerifyOnClose } from '../testing/test-support';

/**
 * verify() reports what is on disk, however warm the store is: every node (every journal
 * segment included) and every catalog record is read from the file for each call, never taken
 * from the node cache or from an earlier verify(). Each test damages a block under a store that
 * has just read (and cached) it, through another descriptor, and asks that same store.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-verify-disk-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** Flips one bit in the middle of the block at `offset` (length `length`), on disk. */
function flip(file: string, offset: number, length: number): void {
  const fd = fs.openSync(file, 'r+');
  try {
    const at = offset + 12 + Math.floor((length - 12) / 2);
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, at);
    b[0] ^= 0x10;
    fs.writeSync(fd, b, 0, 1, at);
  } finally {
    fs.closeSync(fd);
  }
}

/** A store whose head root is a journal chain of several segments over an internal base. */
function journaledStore(): { store: Store; file: string } {
  const file = path.join(dir, `s${n++}.th`);
  const store = Store.create(file, { nodeSize: 512, fanout: 4, bufferSize: 4096, durable: false });
  store.write((tx) => {
    for (let i = 0; i < 200; i++) tx.put(Buffer.from(`k${String(i).padStart(4, '0')}`), Buffer.from(`v${i}`));
  });
  // Single puts into a root with room: each commit appends one journal segment to the root.
  for (let i = 0; i < 5; i++) store.put(Buffer.from(`j${i}`), Buffer.from(`w${i}`));
  return { store, file };
}

describe('verify() reads the disk, not the cache', () => {
  it('finds damage to an older journal segment of a cached node', () => {
    const { store, file } = journaledStore();
    try {
      const root = store.rootAddress();
      expect(root.kind).toBe('delta');
      const chain = store.readNode(root).chain;
      expect(chain.length).toBeGreaterThan(2);
      // Warm: every segment decoded and cached, verify passes.
      expect(store.get(Buffer.from('j0'))?.toString()).toBe('w0');
      expect(store.verify().ok).toBe(true);
      const segment = chain[2];
      expect(segment.kind).toBe('delta');
      flip(file, segment.offset, segment.length);
      const report = store.verify();
      expect(report.ok).toBe(false);
      expect(report.problems.some((p) => p.offset === segment.offset && p.invariant === 'checksum')).toBe(true);
    } finally {
      skipVerifyOnClose(store);
      store.close();
    }
  });

  it('finds damage to the base of a journal chain that only the chain reaches', () => {
    const { store, file } = journaledStore();
    try {
      const node = store.readNode(store.rootAddress());
      const base = node.chain[node.chain.length - 1];
      expect(base.kind).toBe('internal');
      // Heads only: the base is no version's root, so only reading the chain from disk finds it.
      expect(store.verify({ allVersions: false }).ok).toBe(true);
      flip(file, base.offset, base.length);
      const report = store.verify({ allVersions: false });
      expect(report.ok).toBe(false);
      expect(report.problems.some((p) => p.invariant === 'checksum' && p.message.includes(`at byte ${base.offset}`))).toBe(true);
    } finally {
      skipVerifyOnClose(store);
      store.close();
    }
  });

  it('finds damage to a cached leaf', () => {
    const { store, file } = journaledStore();
    try {
      const { path: walked } = store.pathOf(Buffer.from('k0100'));
      const leaf = walked[walked.length - 1];
      expect(leaf.kind).toBe('leaf');
      expect(store.get(Buffer.from('k0100'))?.toString()).toBe('v100');
      expect(store.verify().ok).toBe(true);
      flip(file, leaf.offset, leaf.length);
      const report = store.verify();
      expect(report.problems.some((p) => p.invariant === 'checksum' && p.offset === leaf.offset)).toBe(true);
    } finally {
      skipVerifyOnClose(store);
      store.close();
    }
  });

  it('finds damage to a catalog record that an earlier verify() already read', () => {
    const { store, file } = journaledStore();
    try {
      expect(store.verify().ok).toBe(true);
      // The record of the first commit (version 2): found by its root's neighbourhood is fragile, so walk the blocks.
      const bytes = fs.readFileSync(file);
      const records: number[] = [];
      for (let at = 4096; at + 12 <= bytes.length; ) {
        const length = bytes.readUInt32LE(at);
        if (length === 0) break;
        if (bytes[at + 4] === 6) records.push(at);
        at += length;
      }
      expect(records.length).toBeGreaterThan(3);
      const old = records[1];
      flip(file, old, bytes.readUInt32LE(old));
      const report = store.verify();
      expect(report.ok).toBe(false);
      expect(report.problems.some((p) => p.invariant === 'catalog')).toBe(true);
    } finally {
      skipVerifyOnClose(store);
      store.close();
    }
  });
});
