import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { BLOCK_HEADER_BYTES } from '../format/block';
import { decodeCatalogRecord, type CatalogRecord } from '../format/catalog-codec';
import { verifyCatalog } from './verify-catalog';
import { DATA_START } from '../format/header';
import { InvalidArgumentError, Store } from '../index';
import { MAX_SNAPSHOT_CHAIN, snapshotChainBound } from './snapshot-set';
import { thrown } from '../testing/test-support';

/**
 * Snapshots carried inline in catalog records: a model test (random named commits, bursts,
 * deletes and reopenings against a Map of name → version and version → content, crossing the
 * chain bound many times), the cost of each kind of change, and format-1 files, which keep a
 * whole table per change so that older builds still read them.
 */

const SMALL = { nodeSize: 512, fanout: 4, bufferSize: 512, blobThreshold: 64 };
let dir: string;
let n = 0;

function fresh(): string {
  return path.join(dir, `s${n++}.th`);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-snapset-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

type Op =
  | { t: 'put'; k: number; named: boolean }
  | { t: 'burst'; count: number; past: number }
  | { t: 'delete'; pick: number }
  | { t: 'reopen'; readOnly: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant('put' as const), k: fc.nat(30), named: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('burst' as const), count: fc.integer({ min: 1, max: 3 }), past: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('reopen' as const), readOnly: fc.boolean() }) },
);

describe('the snapshot set (model)', () => {
  it('always equals the model, in the writer and after reopening, across many full-table rewrites', () => {
    fc.assert(fc.property(fc.array(opArb, { minLength: 40, maxLength: 120 }), fc.integer({ min: 2, max: 9 }), (ops, bound) => {
      // A low chain bound (the real one is 256) so that runs cross many full-table rewrites.
      snapshotChainBound.max = bound;
      const file = fresh();
      let store = Store.create(file, SMALL);
      const snapshots = new Map<string, number>();
      const contents = new Map<number, Map<string, string>>([[1, new Map()]]);
      let head = new Map<string, string>();
      let seq = 0;
      const check = (s: Store): void => {
        expect(s.snapshots().map((x) => [x.name, x.version])).toEqual([...snapshots]);
        for (const [name, version] of snapshots) {
          const want = contents.get(version) as Map<string, string>;
          expect(s.at(name).count()).toBe(want.size);
        }
      };
      try {
        for (const op of ops) {
          if (op.t === 'reopen') {
            store.close();
            const view = Store.open(file, { readOnly: true });
            check(view);
            view.close();
            store = Store.open(file);
          } else if (op.t === 'put') {
            const name = op.named ? `c${seq++}` : undefined;
            const info = store.put(Buffer.from(`k${op.k}`), Buffer.from(`v${seq}`), name ? { snapshot: name } : {});
            head = new Map(head).set(`k${op.k}`, `v${seq}`);
            contents.set(info.version, head);
            if (name) snapshots.set(name, info.version);
          } else if (op.t === 'burst') {
            const versions = [...contents.keys()];
            const version = versions[op.past % versions.length];
            const names = Array.from({ length: op.count }, () => `b${seq++}`);
            const before = store.io.fsyncs;
            store.snapshot(names, { version });
            expect(store.io.fsyncs - before).toBe(1);
            for (const name of names) snapshots.set(name, version);
          } else if (snapshots.size > 0) {
            const name = [...snapshots.keys()][op.pick % snapshots.size];
            store.deleteSnapshot(name);
            snapshots.delete(name);
          }
          check(store);
        }
        expect(store.verify().ok).toBe(true);
      } finally {
        snapshotChainBound.max = MAX_SNAPSHOT_CHAIN;
        store.close();
        fs.rmSync(file, { force: true });
      }
    }), { seed: 61206, numRuns: 12 });
  });
});

describe('what a snapshot costs', () => {
  it('a standalone snapshot, or a burst of them, is one block and one flush; every (bound+1)th change also rewrites the table', () => {
    const file = fresh();
    const store = Store.create(file, SMALL);
    // The real bound is 256 (MAX_SNAPSHOT_CHAIN); 8 here to see several rewrites in a few changes.
    expect(MAX_SNAPSHOT_CHAIN).toBe(256);
    const bound = 8;
    snapshotChainBound.max = bound;
    try {
      store.put(Buffer.from('k'), Buffer.from('v'));
      const costs: number[] = [];
      for (let i = 0; i < 2 * (bound + 1); i++) {
        const before = { ...store.io };
        if (i % 2 === 0) store.snapshot([`x${i}`, `y${i}`, `z${i}`]);
        else store.snapshot(`w${i}`);
        expect(store.io.fsyncs - before.fsyncs).toBe(1);
        expect(store.io.nodeVisits - before.nodeVisits).toBe(0);
        costs.push(store.io.blocksWritten - before.blocksWritten);
      }
      // Change 9 (index 8) and 18 (index 17) write the whole table, then the record.
      expect(costs.map((c, i) => (c === 2 ? i : -1)).filter((i) => i >= 0)).toEqual([bound, 2 * bound + 1]);
      expect(costs.filter((c) => c !== 1 && c !== 2)).toEqual([]);
      expect(store.snapshots()).toHaveLength((bound + 1) * 3 + (bound + 1));
      // A store written under one bound reads the same under another (each record says its chain's length).
      snapshotChainBound.max = MAX_SNAPSHOT_CHAIN;
      const reader = Store.open(file, { readOnly: true });
      expect(reader.snapshots()).toEqual(store.snapshots());
      reader.close();
      expect(() => store.snapshot(['dup', 'dup'])).toThrow(InvalidArgumentError);
      expect(() => store.snapshot([])).toThrow(InvalidArgumentError);
      expect(store.snapshots().some((s) => s.name === 'dup')).toBe(false);
    } finally {
      snapshotChainBound.max = MAX_SNAPSHOT_CHAIN;
      store.close();
    }
  });

  it('a commit naming a snapshot that exists writes nothing and says so', () => {
    const file = fresh();
    const store = Store.create(file, SMALL);
    try {
      store.put(Buffer.from('a'), Buffer.from('1'), { snapshot: 'one' });
      const end = store.info().fileSize;
      const e = thrown(() => store.put(Buffer.from('b'), Buffer.from('2'), { snapshot: 'one' }));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as Error).message).toContain('"one" already exists');
      expect(store.info().fileSize).toBe(end);
      expect(store.get(Buffer.from('b'))).toBeUndefined();
      expect(() => store.write((tx) => tx.put(Buffer.from('c'), Buffer.from('3')), { snapshot: 'main' })).toThrow(/branch name/);
      store.deleteRange(Buffer.from('a'), null, { snapshot: 'emptied', message: 'all gone' });
      store.delete(Buffer.from('zz'), { snapshot: 'still-empty' });
      expect(store.snapshots().map((s) => [s.name, s.message])).toEqual([['one', ''], ['emptied', 'all gone'], ['still-empty', '']]);
      expect(store.at('one').get(Buffer.from('a'))?.toString()).toBe('1');
      expect(store.at('emptied').count()).toBe(0);
    } finally {
      store.close();
    }
  });
});

/** Rewrites a file's header as format version 1 (a file an older build made). */
function makeFormatOne(file: string): void {
  const fd = fs.openSync(file, 'r+');
  const head = Buffer.alloc(32);
  fs.readSync(fd, head, 0, 32, 0);
  head.writeUInt32LE(1, 8);
  head.writeUInt32LE(crc32(head.subarray(0, 28)) >>> 0, 28);
  fs.writeSync(fd, head, 0, 32, 0);
  fs.closeSync(fd);
}

/** Every catalog record in the file, decoded, oldest first, with its offset. */
function recordsAt(file: string): { offset: number; record: CatalogRecord }[] {
  const bytes = fs.readFileSync(file);
  const out: { offset: number; record: CatalogRecord }[] = [];
  for (let at = DATA_START; at + 12 <= bytes.length;) {
    const length = bytes.readUInt32LE(at);
    if (length === 0) break;
    if (bytes[at + 4] === 6) out.push({ offset: at, record: decodeCatalogRecord(bytes.subarray(at + BLOCK_HEADER_BYTES, at + length)) });
    at += length;
  }
  return out;
}

function records(file: string): CatalogRecord[] {
  return recordsAt(file).map((r) => r.record);
}

describe('verify() and the snapshot chain', () => {
  it('a sound chain passes; a record that misstates its chain, or a link to a non-record, is reported', () => {
    const file = fresh();
    const store = Store.create(file, SMALL);
    try {
      store.put(Buffer.from('a'), Buffer.from('1'), { snapshot: 'one' });
      store.put(Buffer.from('b'), Buffer.from('2'));
      store.snapshot(['two', 'three']);
      store.deleteSnapshot('one');
      store.put(Buffer.from('c'), Buffer.from('3'));
      expect(store.verify().ok).toBe(true);
    } finally {
      store.close();
    }
    const chain = recordsAt(file).reverse(); // newest first, as the store walks it
    const facts = (recs: typeof chain) => ({ records: recs, snapshots: [], committedEnd: fs.statSync(file).size });
    expect(verifyCatalog(facts(chain)).problems).toEqual([]);
    const newest = chain[0].record;
    const delta = newest.delta as NonNullable<CatalogRecord['delta']>;
    expect(delta.chainLength).toBe(3);
    const misstated = [{ ...chain[0], record: { ...newest, delta: { ...delta, chainLength: 2 } } }, ...chain.slice(1)];
    expect(verifyCatalog(facts(misstated)).problems.map((p) => p.message)).toEqual([expect.stringMatching(/goes on past its stated length|says its chain holds/)]);
    const elsewhere = [{ ...chain[0], record: { ...newest, delta: { ...delta, chain: { ...delta.chain, offset: delta.chain.offset + 1 } } } }, ...chain.slice(1)];
    expect(verifyCatalog(facts(elsewhere)).problems.map((p) => p.message)).toEqual([expect.stringMatching(/is not a catalog record of the chain/)]);
  });
});

describe('format-1 files', () => {
  it('open, take snapshots the version-1 way (a whole table per change, no record extension), refuse a policy, and upgrade by compaction', () => {
    const file = fresh();
    Store.create(file, SMALL).close();
    makeFormatOne(file);
    const store = Store.open(file);
    try {
      expect(store.info().formatVersion).toBe(1);
      store.put(Buffer.from('a'), Buffer.from('1'), { snapshot: 'named' });
      const before = store.io.blocksWritten;
      store.snapshot(['p', 'q']);
      expect(store.io.blocksWritten - before).toBe(2);
      expect(records(file).every((r) => !r.delta)).toBe(true);
      const e = thrown(() => store.setSnapshotPolicy({ everyCommits: 1 }));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as Error).message).toContain('compact it');
      store.compact();
      expect(store.info().formatVersion).toBe(3);
      store.setSnapshotPolicy({ everyCommits: 1, keepLast: 1 });
      store.put(Buffer.from('b'), Buffer.from('2'));
      expect(store.snapshots().map((s) => s.name)).toEqual(['named', 'p', 'q', 'auto-3']);
    } finally {
      store.close();
    }
    const again = Store.open(file, { readOnly: true });
    expect(again.snapshots().map((s) => s.name)).toEqual(['named', 'p', 'q', 'auto-3']);
    expect(again.at('named').get(Buffer.from('a'))?.toString()).toBe('1');
    again.close();
  });
});
