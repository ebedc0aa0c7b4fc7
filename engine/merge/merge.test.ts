import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeValue, encodeValue, InvalidArgumentError, Store, VersionNotFoundError, type CommitInfo, type MergeChoice } from '../index';
import { thrown } from '../testing/test-support';

/** Merge, merge base and cherry-pick by example: the cases a user meets, one per test. */

let dir: string;
let file: string;
let store: Store;
const k = (s: string): Buffer => Buffer.from(s);
const put = (key: string, v: unknown, branch = 'main'): number => {
  const tx = store.begin({ branch });
  tx.put(k(key), encodeValue(v));
  return tx.commit().version;
};
const get = (key: string, ref: string | number = 'main'): unknown => {
  const b = store.at(ref).get(k(key));
  return b === undefined ? undefined : decodeValue(b);
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-merge-'));
  file = path.join(dir, 's.th');
  store = Store.create(file);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('mergeBase', () => {
  it('is the fork point of two branches, the older one when one descends from the other, and null for unrelated lineages', () => {
    const fork = put('a', 1);
    store.branch('topic');
    put('b', 1);
    const t = put('c', 1, 'topic');
    expect(store.mergeBase('main', 'topic')?.id).toBe(fork);
    expect(store.mergeBase('topic', 'main')?.id).toBe(fork);
    expect(store.mergeBase(fork, t)?.id).toBe(fork);
    expect(store.mergeBase(t, t)?.id).toBe(t);
    expect(thrown(() => store.mergeBase('main', 'nope'))).toBeInstanceOf(VersionNotFoundError);
  });

  it('after a merge, the merged branch head is the base of the next merge; criss-cross picks the newest best common ancestor', () => {
    put('a', 1);
    store.branch('topic');
    put('m', 1);
    const t1 = put('t', 1, 'topic');
    store.merge('topic');
    expect(store.mergeBase('main', 'topic')?.id).toBe(t1);
    // Criss-cross: each branch merges the other's head at the same moment.
    const m2 = put('m', 2);
    const t2 = put('t', 2, 'topic');
    store.merge(t2, { into: 'main' });
    store.merge(m2, { into: 'topic' });
    // Both m2 and t2 are best common ancestors now; the newest wins.
    expect(store.mergeBase('main', 'topic')?.id).toBe(Math.max(m2, t2));
  });

  it('is null once compaction dropped the common history, and merge says so in one line', () => {
    put('a', 1);
    store.branch('topic');
    put('b', 1);
    put('b', 2);
    put('c', 1, 'topic');
    put('c', 2, 'topic');
    store.compact({ keep: 1 });
    expect(store.mergeBase('main', 'topic')).toBeNull();
    const e = thrown(() => store.merge('topic'));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toMatch(/no common ancestor .*compacted away/);
    expect((e as Error).message).not.toContain('\n');
  });
});

describe('merge', () => {
  it('merges different fields of the same document changed on both sides, and keys changed on one side only', () => {
    put('user/1', { name: 'Ada', address: { city: 'London', zip: 'N1' }, tags: ['a'] });
    put('user/2', { name: 'Bob' });
    store.branch('topic');
    put('user/1', { name: 'Ada L.', address: { city: 'London', zip: 'N1' }, tags: ['a'] });
    put('user/3', { name: 'Cy' });
    put('user/1', { name: 'Ada', address: { city: 'London', zip: 'N7' }, tags: ['a'], age: 36 }, 'topic');
    put('user/2', { name: 'Bobby' }, 'topic');
    const ours = store.head().id;
    const theirs = store.head('topic').id;
    const r = store.merge('topic', { message: 'bring topic in' });
    expect(r.status).toBe('merged');
    expect(r.conflicts).toEqual([]);
    expect(get('user/1')).toEqual({ name: 'Ada L.', address: { city: 'London', zip: 'N7' }, tags: ['a'], age: 36 });
    expect(get('user/2')).toEqual({ name: 'Bobby' });
    expect(get('user/3')).toEqual({ name: 'Cy' });
    const byKey = new Map(r.changes.map((c) => [c.key.toString(), c]));
    expect(byKey.get('user/1')?.from).toBe('fields');
    expect(byKey.get('user/1')?.fields).toEqual([['address'], ['age']]);
    expect(byKey.get('user/2')?.from).toBe('theirs');
    expect(byKey.has('user/3')).toBe(false);
    const head = store.head();
    expect(head.parents).toEqual([ours, theirs]);
    expect(head.message).toBe('bring topic in');
    expect(r.version?.id).toBe(head.id);
  });

  it('reports a field changed differently on both sides as one conflict naming key, path and kind, and commits nothing', () => {
    put('doc', { a: { b: 1, c: 1 }, d: 1 });
    store.branch('topic');
    put('doc', { a: { b: 2, c: 1 }, d: 2 });
    put('doc', { a: { b: 3, c: 2 }, d: 1 }, 'topic');
    put('list', [1], 'topic');
    put('list', [2]);
    const head = store.head().id;
    const size = fs.statSync(file).size;
    const r = store.merge('topic');
    expect(r.status).toBe('conflicts');
    expect(r.conflicts.map((c) => [c.key.toString(), c.path, c.kind])).toEqual([
      ['doc', ['a', 'b'], 'both-modified'],
      ['list', [], 'both-added'],
    ]);
    const c = r.conflicts[0];
    expect([c.base, c.ours, c.theirs].map((b) => decodeValue(b as Buffer))).toEqual([1, 2, 3]);
    expect(store.head().id).toBe(head);
    expect(fs.statSync(file).size).toBe(size);
  });

  it('settles conflicts with resolve: a field at a time, with ours, theirs, a given value or a delete', () => {
    put('doc', { x: 1, y: 1, z: 1 });
    put('gone', { v: 1 });
    store.branch('topic');
    put('doc', { x: 2, y: 2, z: 2 });
    store.delete(k('gone'));
    put('doc', { x: 3, y: 3, z: 3 }, 'topic');
    put('gone', { v: 2 }, 'topic');
    const seen: string[] = [];
    const r = store.merge('topic', {
      resolve: (c) => {
        seen.push(`${c.key.toString()}:${c.path.join('.')}:${c.kind}`);
        if (c.path[0] === 'x') return { take: 'ours' };
        if (c.path[0] === 'y') return { take: 'theirs' };
        if (c.path[0] === 'z') return { value: encodeValue('edited') };
        return { take: 'theirs' };
      },
    });
    expect(seen).toEqual(['doc:x:both-modified', 'doc:y:both-modified', 'doc:z:both-modified', 'gone::delete-modify']);
    expect(r.status).toBe('merged');
    expect(get('doc')).toEqual({ x: 2, y: 3, z: 'edited' });
    expect(get('gone')).toEqual({ v: 2 });
    expect(r.changes.find((c) => c.key.toString() === 'gone')?.from).toBe('resolved');
  });

  it('refuses a resolver answer that is not a choice, with one line, and writes nothing', () => {
    put('doc', { x: 1 });
    store.branch('topic');
    put('doc', { x: 2 });
    put('doc', { x: 3 }, 'topic');
    const head = store.head().id;
    const e = thrown(() => store.merge('topic', { resolve: () => ({ take: 'mine' }) as unknown as MergeChoice }));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toMatch(/^resolve returned \{"take":"mine"\} for the conflict at \["x"\] of key 646f63: give/);
    expect(thrown(() => store.merge('topic', { resolve: () => ({ value: encodeValue(1).subarray(0, 0) }) }))).toBeInstanceOf(InvalidArgumentError);
    expect(store.head().id).toBe(head);
  });

  it('merges large values (stored off-tree) field by field like small ones', () => {
    const big = 'x'.repeat(5000);
    put('big', { text: big, a: 1, b: 1 });
    store.branch('topic');
    put('big', { text: big, a: 2, b: 1 });
    put('big', { text: `${big}!`, a: 1, b: 2 }, 'topic');
    const r = store.merge('topic');
    expect(r.status).toBe('merged');
    expect(r.changes[0].fields).toEqual([['text'], ['b']]);
    expect(get('big')).toEqual({ text: `${big}!`, a: 2, b: 2 });
  });

  it('leaves the merge uncommitted when resolve settles only some conflicts', () => {
    put('doc', { x: 1, y: 1 });
    store.branch('topic');
    put('doc', { x: 2, y: 2 });
    put('doc', { x: 3, y: 3 }, 'topic');
    const head = store.head().id;
    const r = store.merge('topic', { resolve: (c) => (c.path[0] === 'x' ? { take: 'theirs' } : undefined) });
    expect(r.status).toBe('conflicts');
    expect(r.conflicts.map((c) => c.path)).toEqual([['y']]);
    expect(store.head().id).toBe(head);
  });

  it('takes identical changes once and treats opaque (non-MessagePack) values as whole values', () => {
    store.put(k('raw'), k('\xc1 not msgpack'));
    put('same', 1);
    store.branch('topic');
    store.put(k('raw'), k('\xc1 ours'));
    put('same', 2);
    put('same', 2, 'topic');
    const tx = store.begin({ branch: 'topic' });
    tx.put(k('raw'), k('\xc1 theirs'));
    tx.commit();
    const r = store.merge('topic', { dryRun: true });
    expect(r.changes.map((c) => [c.key.toString(), c.from])).toEqual([['same', 'both']]);
    expect(r.conflicts.map((c) => [c.key.toString(), c.path, c.kind])).toEqual([['raw', [], 'both-modified']]);
    expect(store.merge('topic', { resolve: 'theirs' }).status).toBe('merged');
    expect(store.get(k('raw'))?.toString()).toBe('\xc1 theirs');
  });

  it('fast-forwards when the branch head is an ancestor of theirs, and is up to date when theirs is already in it', () => {
    put('a', 1);
    store.branch('topic');
    const t = put('b', 1, 'topic');
    const versions = store.versions().length;
    expect(store.merge('main', { into: 'topic' }).status).toBe('up-to-date');
    const r = store.merge('topic');
    expect(r.status).toBe('fast-forward');
    expect(r.version?.id).toBe(t);
    expect(r.changes.map((c) => [c.key.toString(), c.from])).toEqual([['b', 'theirs']]);
    expect(store.head().id).toBe(t);
    expect(store.versions().length).toBe(versions);
    expect(store.merge('topic').status).toBe('up-to-date');
  });

  it('dry run returns the changes and conflicts and leaves the file byte for byte as it was', () => {
    put('a', { f: 1, g: 1 });
    store.branch('topic');
    put('a', { f: 2, g: 1 });
    put('a', { f: 1, g: 2 }, 'topic');
    put('b', 1, 'topic');
    store.close();
    const before = fs.readFileSync(file);
    store = Store.open(file);
    const r = store.merge('topic', { dryRun: true });
    expect(r.status).toBe('dry-run');
    expect(r.changes.map((c) => c.key.toString())).toEqual(['a', 'b']);
    expect(decodeValue(r.changes[0].after as Buffer)).toEqual({ f: 2, g: 2 });
    store.close();
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    store = Store.open(file);
  });

  it('honours range deletes: keys the other side deleted by range are deleted; a key it changed there conflicts as range-delete-write', () => {
    for (let i = 0; i < 10; i++) put(`r/${i}`, { n: i });
    store.branch('topic');
    store.deleteRange(k('r/2'), k('r/6'));
    put('r/3', { n: 30 }, 'topic');
    put('r/8', { n: 80 }, 'topic');
    const r = store.merge('topic');
    expect(r.conflicts.map((c) => [c.key.toString(), c.kind])).toEqual([['r/3', 'range-delete-write']]);
    expect(r.rangesKnown).toBe(true);
    const r2 = store.merge('topic', { resolve: 'ours' });
    expect(r2.status).toBe('merged');
    expect([...store.scan()].map((e) => e.key.toString())).toEqual(['r/0', 'r/1', 'r/6', 'r/7', 'r/8', 'r/9']);
    expect(get('r/8')).toEqual({ n: 80 });
  });

  it('is one catalog record and one flush, like any commit, and survives reopening', () => {
    put('a', { x: 1 });
    store.branch('topic');
    put('a', { x: 1, y: 1 });
    put('a', { x: 1, z: 1 }, 'topic');
    const fsyncs = store.io.fsyncs;
    const events: CommitInfo[] = [];
    const off = store.on('commit', (e) => events.push(e));
    const r = store.merge('topic');
    off();
    expect(store.io.fsyncs - fsyncs).toBe(1);
    // An ordinary commit event, naming both parents.
    expect(events).toEqual([expect.objectContaining({ version: r.version?.id, branch: 'main', parents: r.version?.parents })]);
    expect(r.version?.parents).toHaveLength(2);
    store.close();
    store = Store.open(file, { readOnly: true });
    expect(store.head().parents).toEqual(r.version?.parents);
    expect(get('a')).toEqual({ x: 1, y: 1, z: 1 });
    expect(store.verify().ok).toBe(true);
    expect(thrown(() => store.merge('topic'))).toHaveProperty('name', 'ReadOnlyError');
    expect(store.merge('topic', { dryRun: true }).status).toBe('up-to-date');
  });

  it('refuses unknown versions and branches with one-line errors and writes nothing', () => {
    put('a', 1);
    const size = fs.statSync(file).size;
    expect(thrown(() => store.merge('nope'))).toBeInstanceOf(VersionNotFoundError);
    expect(thrown(() => store.merge('main', { into: 'nope' }))).toBeInstanceOf(VersionNotFoundError);
    expect(thrown(() => store.merge('main', { message: 3 as unknown as string }))).toBeInstanceOf(InvalidArgumentError);
    expect(fs.statSync(file).size).toBe(size);
  });
});

describe('cherryPick', () => {
  it("applies one version's changes onto another branch as an ordinary one-parent commit", () => {
    put('a', { v: 1, w: 1 });
    store.branch('topic');
    put('x', 1, 'topic');
    const picked = (() => {
      const tx = store.begin({ branch: 'topic' });
      tx.put(k('a'), encodeValue({ v: 2, w: 1 }));
      tx.put(k('y'), encodeValue(1));
      return tx.commit({ message: 'fix v' }).version;
    })();
    put('a', { v: 1, w: 5 });
    const ours = store.head().id;
    const r = store.cherryPick(picked);
    expect(r.status).toBe('merged');
    expect(r.base?.id).toBe(picked - 1);
    expect(get('a')).toEqual({ v: 2, w: 5 });
    expect(get('y')).toBe(1);
    expect(get('x')).toBeUndefined();
    expect(store.head().parents).toEqual([ours]);
    expect(store.head().message).toBe(`cherry-pick #${picked}: fix v`);
    expect(store.cherryPick(picked).status).toBe('up-to-date');
    expect(thrown(() => store.cherryPick(1))).toBeInstanceOf(InvalidArgumentError);
  });

  it('reports conflicts with the same rules, onto a named branch', () => {
    put('a', { v: 1 });
    store.branch('topic');
    const picked = put('a', { v: 2 });
    put('a', { v: 3 }, 'topic');
    const r = store.cherryPick(picked, { onto: 'topic' });
    expect(r.status).toBe('conflicts');
    expect(r.conflicts.map((c) => [c.key.toString(), c.path, c.kind])).toEqual([['a', ['v'], 'both-modified']]);
    expect(store.cherryPick(picked, { onto: 'topic', resolve: 'theirs' }).status).toBe('merged');
    expect(get('a', 'topic')).toEqual({ v: 2 });
  });
});
