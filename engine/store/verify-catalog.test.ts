import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BlockKind, type Address } from '../format/address';
import { BLOCK_HEADER_BYTES, frameBlock } from '../format/block';
import { decodeCatalogRecord, encodeCatalogRecord, encodeSnapshots, RecordType, type CatalogRecord, type SnapshotEntry, type VersionEntry } from '../format/catalog-codec';
import { decodeSuperblock, SUPERBLOCK_BYTES, SUPERBLOCK_OFFSETS } from '../format/header';
import { Store, type Problem } from '../index';
import { skipVerifyOnCloseInThisFile } from '../testing/test-support';

// Every test here damages stores on purpose: closing them must not fail on what they were made to show.
skipVerifyOnCloseInThisFile();

/**
 * Corruption-style tests of the catalog checks: each builds a store, then appends catalog
 * records (and snapshot tables) with one defect through the codec — valid blocks with valid
 * checksums, so the store opens and rolls forward onto them — or flips bytes, and expects
 * verify() to name the defect in one line.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-vcat-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;

const line = (p: Problem): string => `${p.where}: [${p.invariant}] ${p.message}`;

/** A closed store with versions 1 (create), 2 and 3 on main, a snapshot of 2 and a branch dev at 2. */
function base(): string {
  const file = path.join(dir, `c${n++}.th`);
  const s = Store.create(file, { durable: false, nodeSize: 512, fanout: 4, bufferSize: 512 });
  s.write((tx) => {
    for (let i = 0; i < 300; i++) tx.put(Buffer.from(`k${String(i).padStart(4, '0')}`), Buffer.alloc(20, i));
  });
  s.snapshot('s2');
  s.branch('dev');
  s.write((tx) => {
    for (let i = 0; i < 300; i += 2) tx.put(Buffer.from(`k${String(i).padStart(4, '0')}`), Buffer.from(`new ${i}`));
  });
  expect(s.verify().ok).toBe(true);
  s.close();
  return file;
}

/** Raw access to the catalog of a closed store: its newest record, and appending records after it. */
class RawCatalog {
  latest: Address;
  record: CatalogRecord;
  end: number;
  readonly versions = new Map<number, VersionEntry>();

  constructor(readonly file: string) {
    const fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(4096);
    fs.readSync(fd, head, 0, head.length, 0);
    const sb = SUPERBLOCK_OFFSETS.map((o) => decodeSuperblock(head.subarray(o, o + SUPERBLOCK_BYTES)))
      .filter((x) => x !== null)
      .sort((a, b) => b.sequence - a.sequence)[0];
    // close() checkpoints: the newest superblock names the newest record.
    this.latest = sb.catalog;
    this.end = sb.committedLength;
    const read = (a: Address): CatalogRecord => {
      const block = Buffer.alloc(a.length);
      fs.readSync(fd, block, 0, a.length, a.offset);
      return decodeCatalogRecord(block.subarray(BLOCK_HEADER_BYTES));
    };
    this.record = read(this.latest);
    for (let r = this.record; ; ) {
      if (r.version) this.versions.set(r.version.id, r.version);
      if (r.prev.length === 0) break;
      r = read(r.prev);
    }
    fs.closeSync(fd);
  }

  private appendBlock(kind: BlockKind, payload: Buffer): Address {
    const { bytes, checksum } = frameBlock(kind, 0, 0, payload);
    const fd = fs.openSync(this.file, 'r+');
    fs.writeSync(fd, bytes, 0, bytes.length, this.end);
    fs.closeSync(fd);
    const a = { offset: this.end, length: bytes.length, kind, level: 0, checksum };
    this.end += bytes.length;
    return a;
  }

  /** Appends a record whose `prev` is the newest one, so that opening rolls forward onto it. */
  append(change: Partial<CatalogRecord>): void {
    const rec: CatalogRecord = { ...this.record, type: RecordType.Commit, time: Date.now(), prev: this.latest, version: null, subject: '', ...change };
    this.latest = this.appendBlock(BlockKind.Catalog, encodeCatalogRecord(rec));
    this.record = rec;
  }

  snapshotTable(list: SnapshotEntry[]): Address {
    return this.appendBlock(BlockKind.Snapshots, encodeSnapshots(list));
  }

  version(id: number): VersionEntry {
    const v = this.versions.get(id);
    if (!v) throw new Error(`no version ${id}`);
    return v;
  }
}

function problemsOf(file: string, opts: { allVersions?: boolean } = {}): string[] {
  const s = Store.open(file, { readOnly: true });
  try {
    return s.verify(opts).problems.map(line);
  } finally {
    s.close();
  }
}

function expectOneLine(problems: string[], pattern: RegExp): void {
  const hits = problems.filter((p) => pattern.test(p));
  expect(hits, `problems: ${JSON.stringify(problems)}`).toHaveLength(1);
  expect(hits[0]).not.toMatch(/\n/);
}

describe('verify() covers the catalog', () => {
  it('passes on a sound catalog, and after raw records that are themselves sound', () => {
    const file = base();
    const cat = new RawCatalog(file);
    // A sound commit record written by hand: new id, parent the head, head moved.
    const v3 = cat.version(3);
    const v4: VersionEntry = { ...v3, id: 4, parents: [3] };
    cat.append({ version: v4, nextVersionId: 5, branches: cat.record.branches.map((b) => (b.name === 'main' ? { ...b, head: 4 } : b)) });
    expect(problemsOf(file)).toEqual([]);
  });

  it('names a version id claimed by two records', () => {
    const file = base();
    const cat = new RawCatalog(file);
    cat.append({ version: { ...cat.version(3), id: 2, parents: [1] } });
    expectOneLine(problemsOf(file), /^version 2: \[catalog\] claimed by two catalog records \(@\d+ and @\d+\)$/);
  });

  it('names a missing parent', () => {
    const file = base();
    const cat = new RawCatalog(file);
    cat.append({ version: { ...cat.version(3), id: 4, parents: [999] }, nextVersionId: 5 });
    expectOneLine(problemsOf(file), /^version 4: \[catalog\] parent 999 does not exist$/);
  });

  it('names a parent that is not older', () => {
    const file = base();
    const cat = new RawCatalog(file);
    cat.append({ version: { ...cat.version(3), id: 50, parents: [3] }, nextVersionId: 51 });
    cat.append({ version: { ...cat.version(3), id: 20, parents: [50] } });
    expectOneLine(problemsOf(file), /^version 20: \[catalog\] parent 50 is not older/);
  });

  it('names an id at or above nextVersionId', () => {
    const file = base();
    const cat = new RawCatalog(file);
    cat.append({ version: { ...cat.version(3), id: 9, parents: [3] }, nextVersionId: 5 });
    expectOneLine(problemsOf(file), /^version 9: \[catalog\] id is not below the catalog's nextVersionId 5$/);
  });

  it('names recorded range deletes that are empty, out of order or overlapping', () => {
    const file = base();
    const cat = new RawCatalog(file);
    const k = (x: string): Buffer => Buffer.from(x);
    const sound = { ranges: [{ from: k('a'), to: k('c') }, { from: k('d'), to: null }], complete: true };
    cat.append({ version: { ...cat.version(3), id: 4, parents: [3], rangeLog: sound }, nextVersionId: 5 });
    expect(problemsOf(file)).toEqual([]);
    cat.append({ version: { ...cat.version(3), id: 5, parents: [4], rangeLog: { ranges: [{ from: k('c'), to: k('c') }], complete: true } }, nextVersionId: 7 });
    cat.append({ version: { ...cat.version(3), id: 6, parents: [5], rangeLog: { ranges: [{ from: k('d'), to: k('f') }, { from: k('a'), to: k('b') }], complete: false } } });
    const problems = problemsOf(file);
    expectOneLine(problems, /^version 5: \[catalog\] recorded range delete 1 is empty \(from 63 is not below to 63\)$/);
    expectOneLine(problems, /^version 6: \[catalog\] recorded range deletes 1 and 2 are out of order, overlap or touch$/);
  });

  it('names a root that is not a node address, and one beyond the committed end', () => {
    const file = base();
    const cat = new RawCatalog(file);
    cat.append({ version: { ...cat.version(3), id: 4, parents: [3], root: cat.latest }, nextVersionId: 5 });
    const beyond = { ...cat.version(3).root, offset: cat.end + 100_000 };
    cat.append({ version: { ...cat.version(3), id: 5, parents: [4], root: beyond }, nextVersionId: 6 });
    const problems = problemsOf(file);
    expectOneLine(problems, /^version 4: \[catalog\] root \(kind 6\) is not a leaf, internal or delta address$/);
    expectOneLine(problems, /^version 5: \[catalog\] root at byte \d+ lies beyond the committed end \d+$/);
  });

  it('names a branch whose head does not exist, one whose root is not its head’s, and a duplicate name', () => {
    const file = base();
    const cat = new RawCatalog(file);
    const main = cat.record.branches.find((b) => b.name === 'main');
    if (!main) throw new Error('no main');
    cat.append({
      type: RecordType.Branch,
      branches: [
        { ...main, head: 1 }, // version 1's root is an empty leaf, not main's root
        { name: 'ghost', head: 77, root: main.root },
        { name: 'dev', head: 2, root: cat.version(2).root },
        { name: 'dev', head: 2, root: cat.version(2).root },
      ],
    });
    const problems = problemsOf(file);
    expectOneLine(problems, /^branch main: \[catalog\] root at byte \d+ is not the root of version 1 \(byte \d+\)$/);
    expectOneLine(problems, /^branch ghost: \[catalog\] names version 77, which does not exist$/);
    expectOneLine(problems, /^branch dev: \[catalog\] the branch table lists this name twice$/);
  });

  it('names a snapshot of a version that does not exist', () => {
    const file = base();
    const cat = new RawCatalog(file);
    const v2 = cat.version(2);
    const table = cat.snapshotTable([
      { name: 's2', version: 2, root: v2.root, time: 0, message: '' },
      { name: 'ghost', version: 88, root: v2.root, time: 0, message: '' },
    ]);
    cat.append({ type: RecordType.Snapshot, subject: 'ghost', snapshots: table });
    expectOneLine(problemsOf(file), /^snapshot ghost: \[catalog\] names version 88, which does not exist$/);
  });

  it('names a chain that breaks at a damaged record', () => {
    const file = base();
    const cat = new RawCatalog(file);
    // Damage the record before the newest (the newest is read at open and must stay readable).
    const prev = cat.record.prev;
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from([0xff ^ 0x5a]), 0, 1, prev.offset + BLOCK_HEADER_BYTES + 3);
    fs.closeSync(fd);
    expectOneLine(problemsOf(file), /^catalog: \[catalog\] the chain of records breaks: .*(checksum|damaged)/);
  });

  it('checks the tree of every version, not only the heads: damage in a node only an old version reaches', () => {
    const file = base();
    // Snapshot s2 and branch dev name version 2 and main names 3; commit 4 makes version 3 unnamed.
    // Damage a node that only version 3 reaches: new in 3 (not in 2), replaced in 4.
    const w = Store.open(file);
    w.write((tx) => {
      for (let i = 0; i < 300; i += 3) tx.put(Buffer.from(`k${String(i).padStart(4, '0')}`), Buffer.from(`v4 ${i}`));
    });
    const newIn3 = new Set(w.structuralDiff(2, 3).filter((x) => x.side === 'right').map((x) => x.address.offset));
    const gone = w.structuralDiff(3, 4).filter((x) => x.side === 'left' && newIn3.has(x.address.offset));
    w.close();
    expect(gone.length).toBeGreaterThan(0);
    const target = gone[0].address;
    const fd = fs.openSync(file, 'r+');
    const at = target.offset + Math.floor(target.length / 2);
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, at);
    b[0] ^= 0xff;
    fs.writeSync(fd, b, 0, 1, at);
    fs.closeSync(fd);
    expect(problemsOf(file, { allVersions: false })).toEqual([]);
    const problems = problemsOf(file);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => !p.includes('\n'))).toBe(true);
    expect(problems[0]).toMatch(new RegExp(`^version 3 .*\\[checksum\\].*byte ${target.offset}`));
  });
});
