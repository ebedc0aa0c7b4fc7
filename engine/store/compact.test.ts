import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidArgumentError, Store, VersionNotFoundError, type CompactionProgress } from '../index';
import { buildStore, digestOf, digestOfModel, modelCompact, modelRetained, SMALL_TREE, type VersionModel } from '../testing/compact-child';
import { thrown } from '../testing/test-support';

/**
 * Compaction against a model of versioned Maps: random writes on branches interleaved with
 * snapshots, branch creation and deletion, snapshot deletion, reopening and compactions with a
 * random `keep`. After each compaction every retained version scans exactly as the model says,
 * the dropped ones are gone (VersionNotFoundError), verify() passes and the file holds no
 * unreachable block. Plus the API's edges: bad keep, open transactions, progress events, old
 * views, readers in this process, and leftover temp files.
 */

let dir: string;
let n = 0;
const fresh = (): string => path.join(dir, `c${n++}.th`);
const b = (s: string): Buffer => Buffer.from(s);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-compact-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every version in the model scans as the model says; the store has exactly the model's versions. */
function checkAgainstModel(store: Store, m: VersionModel): void {
  expect(store.versions().map((v) => v.id).sort((x, y) => x - y)).toEqual([...m.records.keys()].sort((x, y) => x - y));
  for (const [id, map] of m.records) expect(digestOf(store.at(id).scan()), `version ${id}`).toBe(digestOfModel(map));
  for (const [name, id] of m.branches) expect(store.head(name).id).toBe(id);
  expect(store.snapshots().map((s) => [s.name, s.version]).sort()).toEqual([...m.snapshots.entries()].sort());
  for (const v of store.versions()) expect(v.parents, `parents of ${v.id}`).toEqual(m.parent.get(v.id) === undefined ? [] : [m.parent.get(v.id)]);
}

function checkCompacted(store: Store, m: VersionModel, dropped: readonly number[]): void {
  checkAgainstModel(store, m);
  for (const id of dropped) expect(thrown(() => store.at(id)), `dropped version ${id}`).toBeInstanceOf(VersionNotFoundError);
  const report = store.verify();
  expect(report.problems).toEqual([]);
  const space = store.spaceUsage();
  expect(space.unreachableBytes, 'bytes no retained version reaches').toBe(0);
  expect(space.reachableBytes).toBe(space.dataBytes);
}

type Op =
  | { t: 'commit'; branch: number; writes: { k: number; v: number | null; big: boolean }[]; range: [number, number] | null }
  | { t: 'snapshot'; at: number }
  | { t: 'deleteSnapshot'; which: number }
  | { t: 'branch'; at: number }
  | { t: 'deleteBranch'; which: number }
  | { t: 'compact'; keep: number }
  | { t: 'reopen' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      t: fc.constant('commit' as const),
      branch: fc.nat(3),
      writes: fc.array(fc.record({ k: fc.nat(60), v: fc.option(fc.nat(1000), { freq: 5 }), big: fc.boolean() }), { minLength: 1, maxLength: 25 }),
      range: fc.option(fc.tuple(fc.nat(60), fc.nat(15)).map(([a, w]) => [a, a + w + 1] as [number, number]), { freq: 6 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('snapshot' as const), at: fc.nat(1000) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('deleteSnapshot' as const), which: fc.nat(10) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('branch' as const), at: fc.nat(1000) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('deleteBranch' as const), which: fc.nat(10) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('compact' as const), keep: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('reopen' as const) }) },
);

const keyOf = (k: number): string => `k/${String(k).padStart(3, '0')}`;

function run(ops: Op[]): void {
  const file = fresh();
  let store = Store.create(file, { ...SMALL_TREE, durable: false });
  const m: VersionModel = { records: new Map([[1, new Map()]]), parent: new Map([[1, undefined]]), branches: new Map([['main', 1]]), snapshots: new Map() };
  let names = 0;
  let compactions = 0;
  try {
    for (const op of ops) {
      const ids = [...m.records.keys()].sort((x, y) => x - y);
      if (op.t === 'commit') {
        const branchNames = [...m.branches.keys()];
        const branch = branchNames[op.branch % branchNames.length];
        const base = m.branches.get(branch) as number;
        const map = new Map(m.records.get(base));
        const tx = store.begin({ branch });
        if (op.range) {
          tx.deleteRange(b(keyOf(op.range[0])), b(keyOf(op.range[1])));
          for (const k of [...map.keys()]) if (k >= keyOf(op.range[0]) && k < keyOf(op.range[1])) map.delete(k);
        }
        for (const w of op.writes) {
          const k = keyOf(w.k);
          if (w.v === null) {
            tx.delete(b(k));
            map.delete(k);
          } else {
            const v = w.big ? `${w.v}-`.repeat(30) : String(w.v);
            tx.put(b(k), b(v));
            map.set(k, v);
          }
        }
        const { version } = tx.commit();
        m.records.set(version, map);
        m.parent.set(version, base);
        m.branches.set(branch, version);
      } else if (op.t === 'snapshot') {
        const name = `s${names++}`;
        const at = ids[op.at % ids.length];
        store.snapshot(name, { version: at });
        m.snapshots.set(name, at);
      } else if (op.t === 'deleteSnapshot') {
        const list = [...m.snapshots.keys()];
        if (list.length === 0) continue;
        const name = list[op.which % list.length];
        store.deleteSnapshot(name);
        m.snapshots.delete(name);
      } else if (op.t === 'branch') {
        const name = `b${names++}`;
        const at = ids[op.at % ids.length];
        store.branch(name, { from: at });
        m.branches.set(name, at);
      } else if (op.t === 'deleteBranch') {
        const list = [...m.branches.keys()].filter((x) => x !== 'main');
        if (list.length === 0) continue;
        const name = list[op.which % list.length];
        store.deleteBranch(name);
        m.branches.delete(name);
      } else if (op.t === 'reopen') {
        store.close();
        store = Store.open(file, { durable: false });
        checkAgainstModel(store, m);
      } else {
        const before = new Set(m.records.keys());
        const kept = modelCompact(m, op.keep);
        const result = store.compact({ keep: op.keep });
        compactions++;
        const dropped = [...before].filter((id) => !kept.has(id));
        expect(result.versionsKept).toBe(kept.size);
        expect(result.versionsDropped).toBe(dropped.length);
        expect(result.bytesAfter).toBe(fs.statSync(file).size);
        checkCompacted(store, m, dropped);
        // The compacted file reopens to the same state.
        store.close();
        store = Store.open(file, { durable: false });
        checkCompacted(store, m, dropped);
      }
    }
    checkAgainstModel(store, m);
    expect(store.verify().ok).toBe(true);
  } finally {
    store.close();
    fs.rmSync(file, { force: true });
  }
  void compactions;
}

describe('compaction vs a model of versioned Maps', () => {
  it('keeps exactly snapshots, branch heads and the last N of each lineage, with identical contents', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 5, maxLength: 45 }).map((ops) => [...ops, { t: 'compact', keep: 2 } as Op]), (ops) => run(ops)),
      { numRuns: 40 },
    );
  }, 300_000);
});

describe('compact', () => {
  it('shares nodes: the copy of many versions is no bigger than the live data, and far smaller than the history', () => {
    const file = fresh();
    const m = buildStore(file);
    const store = Store.open(file);
    try {
      const space = store.spaceUsage();
      const kept = modelCompact(m, 3);
      const events: CompactionProgress[] = [];
      const off = store.on('compaction', (e) => events.push(e));
      const calls: [number, number, string][] = [];
      const result = store.compact({ keep: 3, onProgress: (done, total, phase) => calls.push([done, total, phase]) });
      off();
      expect(result.versionsKept).toBe(kept.size);
      expect(result.bytesAfter).toBeLessThan(space.dataBytes / 2);
      checkCompacted(store, m, []);
      // Progress: phases in order, copy counts up to the planned total, which is what was copied.
      const phases = events.map((e) => e.phase).filter((p, i, a) => a.indexOf(p) === i);
      expect(phases).toEqual(['plan', 'copy', 'catalog', 'sync', 'replace', 'done']);
      const copy = events.filter((e) => e.phase === 'copy');
      expect(copy[copy.length - 1]).toEqual({ phase: 'copy', done: result.nodesCopied, total: result.nodesCopied });
      for (let i = 1; i < copy.length; i++) expect(copy[i].done).toBeGreaterThanOrEqual(copy[i - 1].done);
      expect(calls.map(([d, t, p]) => ({ phase: p, done: d, total: t }))).toEqual(events);
      // A second compaction with the same policy copies the same nodes: nothing was left to drop.
      const again = store.compact({ keep: 3 });
      expect(again.versionsDropped).toBe(0);
      expect(again.nodesCopied).toBe(result.nodesCopied);
      expect(again.bytesAfter).toBe(result.bytesAfter);
    } finally {
      store.close();
    }
  });

  it('refuses a bad keep, a read-only store and open transactions, leaving the file as it was', () => {
    const file = fresh();
    buildStore(file);
    const size = fs.statSync(file).size;
    const store = Store.open(file);
    try {
      for (const keep of [-1, 1.5, Number.NaN, '3' as unknown as number]) {
        const e = thrown(() => store.compact({ keep }));
        expect(e).toBeInstanceOf(InvalidArgumentError);
        expect((e as Error).message).toContain('keep must be a non-negative integer');
      }
      const tx = store.begin();
      tx.put(b('x'), b('y'));
      expect((thrown(() => store.compact()) as Error).message).toContain('transaction');
      tx.abort();
      const reader = Store.open(file, { readOnly: true });
      expect((thrown(() => reader.compact()) as Error).name).toBe('ReadOnlyError');
      reader.close();
    } finally {
      store.close();
    }
    expect(fs.statSync(file).size).toBe(size);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.compact-'))).toEqual([]);
  });

  it('reads each block of the retained versions once: block reads grow with what is copied, not with the history', () => {
    const file = fresh();
    buildStore(file);
    const store = Store.open(file, { cacheBytes: 1 });
    try {
      store.versions(); // the catalog walk of the first versions() call is not compaction's work
      const reads = store.io.blockReads;
      const result = store.compact({ keep: 1 });
      const spent = store.io.blockReads - reads;
      // One read per node copied, two per large value (index and chunk: the values are < 1 MiB),
      // and a handful to open the new file (header, record, snapshot table, roll-forward probe).
      expect(spent).toBeGreaterThanOrEqual(result.nodesCopied + 2 * result.blobsCopied);
      expect(spent).toBeLessThanOrEqual(result.nodesCopied + 2 * result.blobsCopied + 6);
    } finally {
      store.close();
    }
  });

  it('replaces the file a symlink names (the link stays a link) and keeps the permission bits', () => {
    const file = fresh();
    const m = buildStore(file);
    fs.chmodSync(file, 0o640);
    const link = path.join(dir, `link-${n++}.th`);
    fs.symlinkSync(file, link);
    const store = Store.open(link);
    store.compact({ keep: 1 });
    store.close();
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    const again = Store.open(link, { readOnly: true });
    try {
      checkAgainstModel(again, (modelCompact(m, 1), m));
    } finally {
      again.close();
    }
  });

  it('leaves a hard link on the old inode with the old content (FORMAT.md §17.5)', () => {
    const file = fresh();
    const m = buildStore(file);
    const before = fs.statSync(file);
    const other = path.join(dir, `hard-${n++}.th`);
    fs.linkSync(file, other);
    const store = Store.open(file);
    const versionsBefore = store.versions().length;
    store.compact({ keep: 1 });
    store.close();
    expect(fs.statSync(file).ino).not.toBe(before.ino);
    expect(fs.statSync(other).ino).toBe(before.ino);
    const old = Store.open(other, { readOnly: true });
    try {
      expect(old.versions().length).toBe(versionsBefore);
      checkAgainstModel(old, m);
    } finally {
      old.close();
    }
  });

  it('removes a temp file a crashed compaction left behind', () => {
    const file = fresh();
    buildStore(file);
    const stale = `${file}.compact-999999.tmp`;
    fs.writeFileSync(stale, 'half a store');
    const store = Store.open(file);
    store.compact({ keep: 1 });
    store.close();
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith(path.basename(file)) && f.endsWith('.tmp'))).toEqual([]);
  });

  it('views opened before a compaction keep reading the old file, even versions it dropped', () => {
    const file = fresh();
    const m = buildStore(file);
    const store = Store.open(file);
    const oldVersion = 3;
    const oldView = store.at(oldVersion);
    const cursor = store.at(m.branches.get('main') as number).scan();
    const first = cursor.next();
    store.compact({ keep: 1 });
    expect(thrown(() => store.at(oldVersion))).toBeInstanceOf(VersionNotFoundError);
    expect(digestOf(oldView.scan())).toBe(digestOfModel(m.records.get(oldVersion) as Map<string, string>));
    // A cursor started before the compaction finishes on the old file.
    const rest = [first.value as { key: Buffer; value: Buffer }, ...cursor];
    expect(digestOf(rest)).toBe(digestOfModel(m.records.get(m.branches.get('main') as number) as Map<string, string>));
    // New commits land in the new file and are seen by new views.
    store.put(b('after'), b('compaction'));
    expect(store.get(b('after'))?.toString()).toBe('compaction');
    expect(store.verify().ok).toBe(true);
    store.close();
  });

  it('a read-only store keeps reading during the compaction, and switches to the new file on refresh', () => {
    const file = fresh();
    const m = buildStore(file);
    const writer = Store.open(file);
    const reader = Store.open(file, { readOnly: true });
    try {
      const head = m.branches.get('main') as number;
      const headDigest = digestOfModel(m.records.get(head) as Map<string, string>);
      const before = new Set(m.records.keys());
      const readerOld = reader.at(2);
      const v2 = digestOfModel(m.records.get(2) as Map<string, string>);
      let readsDuring = 0;
      const refreshes: number[] = [];
      reader.on('refresh', (e) => refreshes.push(e.version));
      const kept = modelRetained(m, 2);
      writer.compact({
        keep: 2,
        onProgress: (_done, _total, phase) => {
          // Mid-compaction, and just after the rename: the reader still sees every version of the old file.
          if (phase === 'copy' || phase === 'done') {
            expect(digestOf(reader.scan())).toBe(headDigest);
            expect(reader.versions().length).toBe(before.size);
            readsDuring++;
          }
        },
      });
      modelCompact(m, 2);
      expect(readsDuring).toBeGreaterThan(1);
      // Not yet refreshed: still the old file, dropped versions included.
      expect(digestOf(reader.at(2).scan())).toBe(v2);
      expect(reader.refresh()).toBe(true);
      expect(refreshes).toEqual([Math.max(...before)]);
      expect(new Set(reader.versions().map((v) => v.id))).toEqual(kept);
      checkCompacted(reader, m, [...before].filter((id) => !kept.has(id)));
      // A view taken before the refresh still reads the old file.
      expect(kept.has(2)).toBe(false);
      expect(digestOf(readerOld.scan())).toBe(v2);
      // Commits after the compaction reach the reader by the usual roll-forward.
      writer.put(b('zz'), b('new'));
      expect(reader.refresh()).toBe(true);
      expect(reader.get(b('zz'))?.toString()).toBe('new');
      expect(reader.refresh()).toBe(false);
    } finally {
      reader.close();
      writer.close();
    }
  });
});
