import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import {
  ClosedError, FileStateError, FormatVersionError, InvalidArgumentError, KeyTooLargeError, MAX_KEY_BYTES,
  NotAStoreError, ReadOnlyError, Store, StoreError, StoreLockedError, VersionNotFoundError, prefixEnd, type CommitInfo,
} from '../index';
import { thrown } from '../testing/test-support';

/** API-level unit tests of Store, Transaction and ReadView: errors, large values, versions, transactions, scans. */

let dir: string;
let n = 0;
const b = (s: string): Buffer => Buffer.from(s);
const str = (v: Buffer | undefined): string | undefined => v?.toString();
const fresh = (): string => path.join(dir, `s${n++}.th`);
const SMALL = { nodeSize: 512, fanout: 4, bufferSize: 512, blobThreshold: 64, durable: false } as const;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-store-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function keys(it: Iterable<{ key: Buffer }>): string[] {
  return [...it].map((e) => e.key.toString());
}

describe('create and open', () => {
  it('creates a store, refuses to create over an existing file, and reopens it', () => {
    const file = fresh();
    const s = Store.create(file, SMALL);
    expect(s.head().id).toBe(1);
    expect(s.versions().map((v) => v.message)).toEqual(['create']);
    s.put(b('a'), b('1'));
    s.close();
    expect(thrown(() => Store.create(file))).toBeInstanceOf(FileStateError);
    const again = Store.open(file);
    expect(str(again.get(b('a')))).toBe('1');
    expect(again.params).toEqual({ nodeSize: 512, fanout: 4, bufferSize: 512, blobThreshold: 64 });
    again.close();
  });

  it('a missing file is a FileStateError unless create is asked for', () => {
    const file = fresh();
    const e = thrown(() => Store.open(file));
    expect(e).toBeInstanceOf(FileStateError);
    expect((e as Error).message).toContain('does not exist');
    const s = Store.open(file, { create: true, ...SMALL });
    expect(s.params.nodeSize).toBe(512);
    s.close();
    expect(thrown(() => Store.create(path.join(dir, 'no-such-dir', 'x.th')))).toBeInstanceOf(FileStateError);
  });

  it('a foreign file is NotAStoreError "not a Thunderhead store"; so are an empty file and a directory', () => {
    const foreign = fresh();
    fs.writeFileSync(foreign, 'hello, this is a text file that is long enough to hold a header'.repeat(100));
    for (const readOnly of [true, false]) {
      const e = thrown(() => Store.open(foreign, { readOnly }));
      expect(e).toBeInstanceOf(NotAStoreError);
      expect((e as Error).message).toContain('not a Thunderhead store');
      expect(fs.existsSync(`${foreign}.lock`)).toBe(false);
    }
    const empty = fresh();
    fs.writeFileSync(empty, '');
    const e2 = thrown(() => Store.open(empty));
    expect(e2).toBeInstanceOf(NotAStoreError);
    expect((e2 as Error).message).toContain('not a Thunderhead store');
    expect(thrown(() => Store.open(dir))).toBeInstanceOf(NotAStoreError);
  });

  it('a newer format version is FormatVersionError (header patched, checksum recomputed)', () => {
    const file = fresh();
    Store.create(file, SMALL).close();
    const bytes = fs.readFileSync(file);
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('THUNDERH');
    expect(bytes.readUInt32LE(8)).toBe(3);
    bytes.writeUInt32LE(4, 8);
    bytes.writeUInt32LE(crc32(bytes.subarray(0, 28)) >>> 0, 28);
    fs.writeFileSync(file, bytes);
    const e = thrown(() => Store.open(file, { readOnly: true }));
    expect(e).toBeInstanceOf(FormatVersionError);
    expect((e as FormatVersionError).found).toBe(4);
    expect((e as FormatVersionError).supported).toBe(3);
    expect((e as Error).message).toContain('version 4');
    expect(thrown(() => Store.open(file))).toBeInstanceOf(FormatVersionError);
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });

  it('bad tree parameters are InvalidArgumentError', () => {
    for (const bad of [{ nodeSize: 100 }, { fanout: 2 }, { bufferSize: 1.5 }, { nodeSize: 512, blobThreshold: 1024 }, { fanout: Number.NaN }]) {
      const file = fresh();
      expect(thrown(() => Store.create(file, bad)), JSON.stringify(bad)).toBeInstanceOf(InvalidArgumentError);
      expect(fs.existsSync(file)).toBe(false);
    }
  });

  it('a second writer in the same process is refused with StoreLockedError naming this pid; readers are not', () => {
    const file = fresh();
    const w = Store.create(file, SMALL);
    try {
      const e = thrown(() => Store.open(file));
      expect(e).toBeInstanceOf(StoreLockedError);
      expect((e as StoreLockedError).pid).toBe(process.pid);
      const r = Store.open(file, { readOnly: true });
      expect(r.readOnly).toBe(true);
      r.close();
    } finally {
      w.close();
    }
    Store.open(file).close();
  });
});

describe('argument errors', () => {
  let s: Store;
  beforeAll(() => {
    s = Store.create(fresh(), SMALL);
  });
  afterAll(() => s.close());

  it('a key longer than MAX_KEY_BYTES is KeyTooLargeError everywhere; MAX_KEY_BYTES itself is fine', () => {
    const long = Buffer.alloc(MAX_KEY_BYTES + 1, 0x61);
    const max = Buffer.alloc(MAX_KEY_BYTES, 0x62);
    for (const fn of [
      () => s.put(long, b('v')), () => s.get(long), () => s.has(long), () => s.delete(long),
      () => s.deleteRange(long, null), () => [...s.scan({ from: long })], () => [...s.scan({ prefix: long })],
    ]) {
      const e = thrown(fn);
      expect(e).toBeInstanceOf(KeyTooLargeError);
      expect((e as KeyTooLargeError).length).toBe(MAX_KEY_BYTES + 1);
    }
    s.put(max, b('ok'));
    expect(str(s.get(max))).toBe('ok');
  });

  it('arguments of the wrong type are InvalidArgumentError', () => {
    const notBytes = [null, undefined, 'a string', 42, { length: 1 }, [1, 2]] as unknown as Uint8Array[];
    for (const x of notBytes) {
      expect(thrown(() => s.put(x, b('v')))).toBeInstanceOf(InvalidArgumentError);
      expect(thrown(() => s.put(b('k'), x))).toBeInstanceOf(InvalidArgumentError);
      expect(thrown(() => s.get(x))).toBeInstanceOf(InvalidArgumentError);
    }
    for (const limit of [-1, 1.5, Number.NaN]) expect(thrown(() => [...s.scan({ limit })])).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => s.deleteRange(b('b'), b('a')))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => s.put(b('k'), b('v'), { message: 7 as unknown as string }))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => s.snapshot(''))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => s.branch('bad name!'))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => s.readNode({ offset: 4096, length: 10, kind: 'catalog', level: 0, checksum: 0 }))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => s.readNode({ offset: 1e12, length: 10, kind: 'leaf', level: 0, checksum: 0 }))).toBeInstanceOf(InvalidArgumentError);
    // Nothing above changed the store.
    expect(s.verify().ok).toBe(true);
  });

  it('plain Uint8Arrays are accepted, and the store keeps its own copy of what it is given', () => {
    const k = new Uint8Array([1, 2, 3]);
    const v = new Uint8Array([9, 9]);
    const tx = s.begin();
    tx.put(k, v);
    k[0] = 7;
    v[0] = 0;
    tx.commit();
    expect([...(s.get(new Uint8Array([1, 2, 3])) ?? [])]).toEqual([9, 9]);
    expect(s.get(k)).toBeUndefined();
  });

  it('keys and values returned by reads are the caller\'s: changing them changes nothing stored', () => {
    const file = fresh();
    const w = Store.create(file, SMALL);
    w.put(b('alias/k'), b('hello'));
    const v = w.get(b('alias/k')) as Buffer;
    v.fill(0x7a);
    const e = [...w.scan({ prefix: b('alias/') })][0];
    e.key.fill(0x41);
    // The next commit rewrites the leaf that held them.
    w.put(b('alias/l'), b('x'));
    w.close();
    const r = Store.open(file, { readOnly: true });
    try {
      expect(str(r.get(b('alias/k')))).toBe('hello');
      expect(keys(r.scan({ prefix: b('alias/') }))).toEqual(['alias/k', 'alias/l']);
    } finally {
      r.close();
    }
  });

  it('unknown refs are VersionNotFoundError', () => {
    for (const ref of [999, 'no-such-snapshot', '#12345']) expect(thrown(() => s.at(ref))).toBeInstanceOf(VersionNotFoundError);
    expect(thrown(() => s.begin({ branch: 'nope' }))).toBeInstanceOf(VersionNotFoundError);
    expect(thrown(() => s.deleteSnapshot('nope'))).toBeInstanceOf(VersionNotFoundError);
  });
});

describe('read-only and closed stores', () => {
  it('every write on a read-only store is ReadOnlyError', () => {
    const file = fresh();
    Store.create(file, SMALL).close();
    const r = Store.open(file, { readOnly: true });
    try {
      for (const fn of [
        () => r.put(b('k'), b('v')), () => r.delete(b('k')), () => r.deleteRange(b('a'), b('b')), () => r.begin(),
        () => r.write((tx) => tx.put(b('k'), b('v'))), () => r.snapshot('s'), () => r.branch('x'), () => r.deleteBranch('x'),
      ]) {
        const e = thrown(fn);
        expect(e).toBeInstanceOf(ReadOnlyError);
        expect((e as Error).message).toContain('read-only');
      }
      expect(r.get(b('k'))).toBeUndefined();
    } finally {
      r.close();
    }
  });

  it('a closed store is ClosedError; closing twice is fine; a committed or aborted transaction is closed', () => {
    const s = Store.create(fresh(), SMALL);
    const tx = s.begin();
    tx.put(b('a'), b('1'));
    tx.commit();
    expect(thrown(() => tx.put(b('b'), b('2')))).toBeInstanceOf(ClosedError);
    expect(thrown(() => tx.get(b('a')))).toBeInstanceOf(ClosedError);
    expect(thrown(() => tx.commit())).toBeInstanceOf(ClosedError);
    const tx2 = s.begin();
    tx2.abort();
    tx2.abort();
    expect(thrown(() => tx2.commit())).toBeInstanceOf(ClosedError);
    const open = s.begin();
    s.close();
    s.close();
    expect(open.active).toBe(false);
    expect(thrown(() => open.put(b('x'), b('y')))).toBeInstanceOf(ClosedError);
    for (const fn of [() => s.get(b('a')), () => s.put(b('a'), b('1')), () => s.scan(), () => s.info(), () => s.verify(), () => s.versions(), () => s.at(1), () => s.begin()]) {
      expect(thrown(fn)).toBeInstanceOf(ClosedError);
    }
  });

  it('a view or cursor kept past close fails with a StoreError, not a raw file error', () => {
    const file = fresh();
    const w = Store.create(file, SMALL);
    w.write((tx) => {
      for (let i = 0; i < 300; i++) tx.put(b(`k${String(i).padStart(4, '0')}`), b(`v${i}`));
    });
    w.close();
    const s = Store.open(file, { readOnly: true });
    const view = s.at(s.head().id);
    const cursor = s.scan();
    cursor.next();
    s.close();
    const e1 = thrown(() => view.get(b('k0250')));
    expect(e1).toBeInstanceOf(StoreError);
    const e2 = thrown(() => [...cursor]);
    expect(e2).toBeInstanceOf(StoreError);
  });
});

describe('large values (off-tree)', () => {
  it('round-trip, are read lazily, and report their length', () => {
    const file = fresh();
    const s = Store.create(file, SMALL);
    const big = Buffer.alloc(200_000, 'abcdefg');
    const huge = Buffer.alloc(2_500_000 + 17);
    for (let i = 0; i < huge.length; i++) huge[i] = (i * 31) & 0xff;
    s.write((tx) => {
      tx.put(b('at-threshold'), Buffer.alloc(64, 1));
      tx.put(b('over-threshold'), Buffer.alloc(65, 2));
      tx.put(b('big'), big);
      tx.put(b('huge'), huge);
      tx.put(b('empty'), Buffer.alloc(0));
      for (let i = 0; i < 100; i++) tx.put(b(`small/${i}`), b(`v${i}`));
    });
    expect(s.get(b('big'))?.equals(big)).toBe(true);
    expect(s.get(b('huge'))?.equals(huge)).toBe(true);
    expect(s.get(b('empty'))?.length).toBe(0);
    s.close();

    const r = Store.open(file, { readOnly: true });
    try {
      const before = r.io.bytesRead;
      const entries = new Map([...r.scan()].map((e) => [e.key.toString(), e]));
      // Scanning touched the nodes, not the 2.7 MB of large values.
      expect(r.io.bytesRead - before).toBeLessThan(100_000);
      expect(entries.get('at-threshold')?.large).toBe(false);
      expect(entries.get('over-threshold')?.large).toBe(true);
      expect(entries.get('big')?.large).toBe(true);
      expect(entries.get('big')?.valueLength).toBe(200_000);
      expect(entries.get('huge')?.valueLength).toBe(huge.length);
      expect(entries.get('small/5')?.large).toBe(false);
      expect(entries.get('small/5')?.valueLength).toBe(2);
      const mid = r.io.bytesRead;
      expect(entries.get('huge')?.value.equals(huge)).toBe(true);
      expect(r.io.bytesRead - mid).toBeGreaterThanOrEqual(huge.length);
      expect(entries.get('over-threshold')?.value.equals(Buffer.alloc(65, 2))).toBe(true);
      expect(r.info().params.blobThreshold).toBe(64);
      expect(r.analyze().largeValues.count).toBe(3);
      expect(r.verify().ok).toBe(true);
    } finally {
      r.close();
    }
  });

  it('a large value can be overwritten, deleted and still read in older versions', () => {
    const s = Store.create(fresh(), SMALL);
    const v1 = Buffer.alloc(5000, 'one');
    const v2 = Buffer.alloc(3000, 'two');
    const c1 = s.put(b('doc'), v1);
    const c2 = s.put(b('doc'), v2);
    const c3 = s.delete(b('doc'));
    expect(s.get(b('doc'))).toBeUndefined();
    expect(s.at(c1.version).get(b('doc'))?.equals(v1)).toBe(true);
    expect(s.at(c2.version).get(b('doc'))?.equals(v2)).toBe(true);
    expect(s.at(c3.version).has(b('doc'))).toBe(false);
    expect(s.verify().ok).toBe(true);
    s.close();
  });
});

describe('versions, snapshots and branches', () => {
  it('versions, at(), snapshots and branches, persisted across reopen', () => {
    const file = fresh();
    const s = Store.create(file, SMALL);
    const commits: CommitInfo[] = [];
    const seen: number[] = [];
    const off = s.on('commit', (c) => seen.push(c.version));
    commits.push(s.put(b('a'), b('1'), { message: 'first' }));
    commits.push(s.put(b('a'), b('2'), { message: 'second' }));
    off();
    commits.push(s.put(b('b'), b('3')));
    expect(seen).toEqual([2, 3]);
    expect(commits.map((c) => c.version)).toEqual([2, 3, 4]);
    const versions = s.versions();
    expect(versions.map((v) => v.id)).toEqual([4, 3, 2, 1]);
    expect(versions.find((v) => v.id === 2)?.message).toBe('first');
    expect(versions.find((v) => v.id === 3)?.parents).toEqual([2]);
    expect(versions.find((v) => v.id === 3)?.stats.puts).toBe(1);
    expect(s.head().id).toBe(4);
    expect(str(s.at(2).get(b('a')))).toBe('1');
    expect(str(s.at('#3').get(b('a')))).toBe('2');
    expect(s.at(3).get(b('b'))).toBeUndefined();
    expect(s.at(1).count()).toBe(0);

    const snap = s.snapshot('v-two', { version: 3, message: 'named' });
    expect(snap).toMatchObject({ name: 'v-two', version: 3, message: 'named' });
    s.snapshot('latest');
    expect(thrown(() => s.snapshot('latest'))).toBeInstanceOf(InvalidArgumentError);
    expect(s.snapshots().map((x) => [x.name, x.version])).toEqual([['v-two', 3], ['latest', 4]]);
    expect(str(s.at('v-two').get(b('a')))).toBe('2');

    s.branch('dev', { from: 'v-two' });
    expect(thrown(() => s.branch('dev'))).toBeInstanceOf(InvalidArgumentError);
    const tx = s.begin({ branch: 'dev' });
    tx.put(b('c'), b('dev-only'));
    const dc = tx.commit({ message: 'on dev' });
    expect(dc.branch).toBe('dev');
    expect(s.get(b('c'))).toBeUndefined();
    expect(str(s.at('dev').get(b('c')))).toBe('dev-only');
    expect(s.at('dev').get(b('b'))).toBeUndefined();
    expect(s.head('dev').parents).toEqual([3]);
    expect(s.branches().map((x) => x.name).sort()).toEqual(['dev', 'main']);
    expect(thrown(() => s.deleteBranch('main'))).toBeInstanceOf(InvalidArgumentError);
    s.deleteSnapshot('latest');
    expect(s.verify().ok).toBe(true);
    s.close();

    const r = Store.open(file, { readOnly: true, branch: 'dev' });
    try {
      expect(r.snapshots().map((x) => x.name)).toEqual(['v-two']);
      expect(r.branches().map((x) => x.name).sort()).toEqual(['dev', 'main']);
      expect(str(r.get(b('c')))).toBe('dev-only');
      expect(str(r.at('main').get(b('b')))).toBe('3');
      expect(r.versions().length).toBe(5);
      expect(r.info().versions).toBe(5);
    } finally {
      r.close();
    }
    const w = Store.open(file);
    w.deleteBranch('dev');
    expect(w.branches().map((x) => x.name)).toEqual(['main']);
    expect(str(w.at(dc.version).get(b('c')))).toBe('dev-only');
    w.close();
  });
});

describe('transactions', () => {
  let s: Store;
  beforeAll(() => {
    s = Store.create(fresh(), SMALL);
    s.write((tx) => {
      for (let i = 0; i < 200; i++) tx.put(b(`k${String(i).padStart(3, '0')}`), b(`base${i}`));
    });
  });
  afterAll(() => s.close());

  it('reads its own writes (get, has, scan) before commit; others see them only after', () => {
    const tx = s.begin();
    tx.put(b('k005'), b('mine'));
    tx.put(b('new'), b('n'));
    tx.delete(b('k006'));
    expect(str(tx.get(b('k005')))).toBe('mine');
    expect(tx.has(b('k006'))).toBe(false);
    expect(str(tx.get(b('k007')))).toBe('base7');
    expect(str(s.get(b('k005')))).toBe('base5');
    expect(s.has(b('new'))).toBe(false);
    const scanned = [...tx.scan({ from: b('k004'), to: b('k008') })].map((e) => `${e.key}=${e.value}`);
    expect(scanned).toEqual(['k004=base4', 'k005=mine', 'k007=base7']);
    expect(keys(tx.scan({ from: b('k198'), reverse: true }))).toEqual(['new', 'k199', 'k198']);
    expect(tx.size).toBe(3);
    const info = tx.commit({ message: 'mine' });
    expect(info.version).toBe(s.head().id);
    expect(str(s.get(b('k005')))).toBe('mine');
    expect(s.has(b('k006'))).toBe(false);
    expect(str(s.get(b('new')))).toBe('n');
  });

  it('abort discards; write() aborts when its function throws', () => {
    const head = s.head().id;
    const tx = s.begin();
    tx.put(b('k010'), b('gone'));
    tx.deleteRange(b('k100'), b('k150'));
    tx.abort();
    expect(str(s.get(b('k010')))).toBe('base10');
    expect(s.count({ from: b('k100'), to: b('k150') })).toBe(50);
    expect(() => s.write((t) => {
      t.put(b('k011'), b('gone'));
      throw new Error('boom');
    })).toThrow('boom');
    expect(str(s.get(b('k011')))).toBe('base11');
    expect(s.head().id).toBe(head);
  });

  it('deleteRange then put: the put survives; put then deleteRange: the put is gone', () => {
    const tx = s.begin();
    tx.put(b('k120'), b('before-range'));
    tx.deleteRange(b('k110'), b('k130'));
    tx.put(b('k125'), b('after-range'));
    expect(tx.get(b('k120'))).toBeUndefined();
    expect(str(tx.get(b('k125')))).toBe('after-range');
    expect(tx.get(b('k111'))).toBeUndefined();
    expect(keys(tx.scan({ from: b('k108'), to: b('k132') }))).toEqual(['k108', 'k109', 'k125', 'k130', 'k131']);
    tx.commit();
    expect(keys(s.scan({ from: b('k108'), to: b('k132') }))).toEqual(['k108', 'k109', 'k125', 'k130', 'k131']);
    expect(str(s.get(b('k125')))).toBe('after-range');
    expect(s.verify().ok).toBe(true);
  });

  it('a transaction reads the version it began on, even after another commit', () => {
    const tx = s.begin();
    s.put(b('k001'), b('committed-meanwhile'));
    expect(str(tx.get(b('k001')))).toBe('base1');
    tx.put(b('k002'), b('from-tx'));
    tx.commit();
    // Its writes merge into the head: both changes are there.
    expect(str(s.get(b('k001')))).toBe('committed-meanwhile');
    expect(str(s.get(b('k002')))).toBe('from-tx');
  });

  it('store-level delete and deleteRange (open-ended too)', () => {
    s.delete(b('k003'));
    s.delete(b('not-there'));
    expect(s.has(b('k003'))).toBe(false);
    s.deleteRange(b('k190'), null);
    expect(keys(s.scan({ from: b('k185') }))).toEqual(['k185', 'k186', 'k187', 'k188', 'k189']);
    expect(s.verify().ok).toBe(true);
  });
});

describe('scans', () => {
  let s: Store;
  const all: string[] = [];
  beforeAll(() => {
    s = Store.create(fresh(), SMALL);
    s.write((tx) => {
      for (const group of ['apple', 'apricot', 'banana', 'cherry']) {
        for (let i = 0; i < 40; i++) {
          const k = `${group}/${String(i).padStart(2, '0')}`;
          tx.put(b(k), b(`${k}!`));
          all.push(k);
        }
      }
      tx.put(Buffer.from([0xff, 0xff]), b('ff'));
      tx.put(Buffer.from([0xff, 0x00]), b('ff00'));
      tx.put(Buffer.alloc(0), b('empty key'));
    });
    all.sort();
  });
  afterAll(() => s.close());

  it('forward, reverse, from/to, limit', () => {
    const strs = all;
    expect(keys(s.scan({ to: b('apple/03') }))).toEqual(['', 'apple/00', 'apple/01', 'apple/02']);
    expect(keys(s.scan({ from: b('banana/38'), to: b('cherry/01') }))).toEqual(['banana/38', 'banana/39', 'cherry/00']);
    expect(keys(s.scan({ from: b('banana/38'), to: b('cherry/01'), reverse: true }))).toEqual(['cherry/00', 'banana/39', 'banana/38']);
    expect(keys(s.scan({ limit: 3 }))).toEqual(['', 'apple/00', 'apple/01']);
    expect([...s.scan({ reverse: true, limit: 2 })].map((e) => e.key.toString('hex'))).toEqual(['ffff', 'ff00']);
    expect(keys(s.scan({ from: b('b'), to: b('c'), reverse: true, limit: 2 }))).toEqual(['banana/39', 'banana/38']);
    expect(keys(s.scan({ limit: 0 }))).toEqual([]);
    expect(keys(s.scan({ from: b('c'), to: b('b') }))).toEqual([]);
    expect(keys(s.scan({ from: b('apple/'), to: b('cherry/') })).length).toBe(120);
    expect(strs.length).toBe(160);
    expect(s.count()).toBe(163);
  });

  it('prefix scans, alone and with from/to, forward and reverse', () => {
    const ap = all.filter((k) => k.startsWith('ap'));
    expect(keys(s.scan({ prefix: b('ap') }))).toEqual(ap);
    expect(keys(s.scan({ prefix: b('ap'), reverse: true }))).toEqual([...ap].reverse());
    expect(keys(s.scan({ prefix: b('apricot/'), limit: 2, reverse: true }))).toEqual(['apricot/39', 'apricot/38']);
    expect(keys(s.scan({ prefix: b('apple/'), from: b('apple/37') }))).toEqual(['apple/37', 'apple/38', 'apple/39']);
    expect(keys(s.scan({ prefix: b('apple/'), to: b('apple/02') }))).toEqual(['apple/00', 'apple/01']);
    expect(keys(s.scan({ prefix: b('zzz') }))).toEqual([]);
    expect(s.count({ prefix: b('cherry/') })).toBe(40);
    // A prefix of 0xff bytes has no upper bound.
    expect(prefixEnd(Buffer.from([0xff]))).toBeNull();
    expect([...s.scan({ prefix: Buffer.from([0xff]) })].map((e) => e.value.toString())).toEqual(['ff00', 'ff']);
    expect([...s.scan({ prefix: Buffer.alloc(0) })].length).toBe(163);
  });

  it('async scans stream the same records', async () => {
    const got: string[] = [];
    for await (const e of s.scanAsync({ prefix: b('banana/'), reverse: true })) got.push(e.key.toString());
    expect(got).toEqual(all.filter((k) => k.startsWith('banana/')).reverse());
  });

  it('the empty key and 0x00/0xff bytes are ordinary keys', () => {
    expect(str(s.get(Buffer.alloc(0)))).toBe('empty key');
    expect(str(s.get(Buffer.from([0xff, 0x00])))).toBe('ff00');
    expect(s.verify().ok).toBe(true);
  });
});
