import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeValue, encodeValue, Store } from '../index';
import { setFormatVersion } from '../testing/file-surgery';

/**
 * Range deletes in merges, by example (issue 17: "a key written on the other side inside a
 * range the first side deleted is a conflict"). The catalog records each commit's deleted
 * ranges (format 3), so a key ADDED on one side inside a range the other side deleted — which a
 * state diff cannot see — conflicts as `range-delete-write` (we deleted) or `write-range-delete`
 * (they deleted), for merges and cherry-picks; old files say `rangesKnown: false`.
 */

let dir: string;
let file: string;
let store: Store;
const k = (s: string): Buffer => Buffer.from(s);
const put = (key: string, v: unknown, branch = 'main'): number => {
  const tx = store.begin({ branch });
  tx.put(k(key), encodeValue(v));
  return tx.commit().version;
};
const delRange = (from: string, to: string | null, branch = 'main'): number => {
  const tx = store.begin({ branch });
  tx.deleteRange(k(from), to === null ? null : k(to));
  return tx.commit().version;
};
const get = (key: string, ref: string | number = 'main'): unknown => {
  const b = store.at(ref).get(k(key));
  return b === undefined ? undefined : decodeValue(b);
};
const keys = (ref = 'main'): string[] => [...store.at(ref).scan()].map((e) => e.key.toString());
const kinds = (r: { conflicts: readonly { key: Buffer; kind: string; path: readonly unknown[] }[] }): [string, string][] =>
  r.conflicts.map((c) => [c.key.toString(), c.kind]);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-merge-ranges-'));
  file = path.join(dir, 's.th');
  store = Store.create(file);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('merge with range deletes', () => {
  it('a key they ADDED inside a range we deleted is a range-delete-write conflict; ours keeps it deleted, theirs keeps the write', () => {
    for (let i = 0; i < 8; i++) put(`u/${i}`, { n: i });
    store.branch('topic');
    delRange('u/2', 'u/6');
    put('u/3x', { n: 33 }, 'topic');
    put('v/1', { n: 1 }, 'topic');
    const r = store.merge('topic');
    expect(r.status).toBe('conflicts');
    expect(r.rangesKnown).toBe(true);
    expect(r.conflicts).toEqual([{ key: k('u/3x'), path: [], kind: 'range-delete-write', theirs: Buffer.from(encodeValue({ n: 33 })) }]);
    expect(store.merge('topic', { resolve: 'ours', dryRun: true }).changes.map((c) => c.key.toString())).toEqual(['v/1']);
    expect(store.merge('topic', { resolve: 'theirs', dryRun: true }).changes.map((c) => [c.key.toString(), c.from])).toEqual([['u/3x', 'resolved'], ['v/1', 'theirs']]);
    expect(store.merge('topic', { resolve: 'ours' }).status).toBe('merged');
    expect(keys()).toEqual(['u/0', 'u/1', 'u/6', 'u/7', 'v/1']);
    expect(store.verify().ok).toBe(true);
  });

  it('a key we added inside a range they deleted is write-range-delete; theirs deletes it, a given value replaces it', () => {
    for (let i = 0; i < 8; i++) put(`u/${i}`, { n: i });
    store.branch('topic');
    put('u/4x', { n: 44 });
    delRange('u/4', null, 'topic');
    const r = store.merge('topic', { dryRun: true });
    expect(kinds(r)).toEqual([['u/4x', 'write-range-delete']]);
    expect(r.conflicts[0].ours).toEqual(Buffer.from(encodeValue({ n: 44 })));
    expect(r.conflicts[0].theirs).toBeUndefined();
    // Their range delete of the keys we left alone merges cleanly.
    expect(r.changes.map((c) => [c.key.toString(), c.after === undefined])).toEqual([['u/4', true], ['u/5', true], ['u/6', true], ['u/7', true]]);
    expect(store.merge('topic', { resolve: () => ({ value: encodeValue({ n: 'kept' }) }) }).status).toBe('merged');
    expect(keys()).toEqual(['u/0', 'u/1', 'u/2', 'u/3', 'u/4x']);
    expect(get('u/4x')).toEqual({ n: 'kept' });
  });

  it('a key both sides had, modified by them and deleted by our range, is range-delete-write (delete-modify when deleted one by one)', () => {
    for (let i = 0; i < 4; i++) put(`u/${i}`, { n: i });
    store.branch('topic');
    delRange('u/1', 'u/2');
    store.delete(k('u/3'));
    put('u/1', { n: 10 }, 'topic');
    put('u/3', { n: 30 }, 'topic');
    expect(kinds(store.merge('topic'))).toEqual([['u/1', 'range-delete-write'], ['u/3', 'delete-modify']]);
  });

  it('counts every range deleted since the fork on either side, not the ones before it, and not a key re-added on the deleting side', () => {
    for (let i = 0; i < 6; i++) put(`u/${i}`, i);
    delRange('a/', 'b/'); // before the fork: history both sides share
    store.branch('topic');
    delRange('u/0', 'u/2');
    put('x', 1);
    put('y', 1); // the range delete is not in our head commit
    put('a/new', 1, 'topic');
    put('u/1x', 1, 'topic');
    // Our re-put of a key in our own range: our head has it, so it is an ordinary both-added.
    delRange('w/0', 'w/9');
    put('w/5', 'ours');
    put('w/5', 'theirs', 'topic');
    const r = store.merge('topic');
    expect(kinds(r)).toEqual([['u/1x', 'range-delete-write'], ['w/5', 'both-added']]);
  });

  it('a range stays "since the base" until the other side has merged it; after that the next merge does not see it', () => {
    put('u/0', 0);
    store.branch('topic');
    delRange('u/', 'v/');
    const m = put('m', 1, 'topic');
    expect(store.merge('topic').status).toBe('merged');
    // topic has not seen our range delete: the base is topic's own head, and our delete is news to it.
    put('u/5', 5, 'topic');
    expect(kinds(store.merge('topic', { dryRun: true }))).toEqual([['u/5', 'range-delete-write']]);
    // Once topic has taken main (it fast-forwards), a key it adds there later is just an add.
    store.resetBranch('topic', m);
    expect(store.merge('main', { into: 'topic' }).status).toBe('fast-forward');
    put('u/6', 6, 'topic');
    put('n', 1);
    const r = store.merge('topic');
    expect(r.status).toBe('merged');
    expect(get('u/6')).toBe(6);
  });

  it('a range deleted on a third branch that theirs merged counts as theirs (the walk follows both parents)', () => {
    for (let i = 0; i < 4; i++) put(`u/${i}`, i);
    store.branch('topic');
    store.branch('side');
    delRange('u/1', 'u/3', 'side');
    put('t', 1, 'topic');
    expect(store.merge('side', { into: 'topic' }).status).toBe('merged');
    put('u/2x', 1);
    expect(kinds(store.merge('topic', { dryRun: true }))).toEqual([['u/2x', 'write-range-delete']]);
  });

  it('a commit deleting more ranges than a record keeps: the recorded ones still conflict, and the result says rangesKnown: false', () => {
    put('seed', 1);
    store.branch('topic');
    store.write((tx) => {
      for (let i = 0; i < 40; i++) tx.deleteRange(k(`p/${String(i).padStart(2, '0')}/`), k(`p/${String(i).padStart(2, '0')}0`));
    });
    put('p/00/a', 1, 'topic');
    put('p/39/a', 1, 'topic');
    const r = store.merge('topic');
    expect(r.rangesKnown).toBe(false);
    expect(kinds(r)).toEqual([['p/00/a', 'range-delete-write']]);
  });

  it('compaction folds the ranges of the versions it drops into the kept version that is relinked past them', () => {
    for (let i = 0; i < 6; i++) put(`u/${i}`, i);
    store.branch('topic');
    delRange('u/1', 'u/3');
    put('x', 1);
    put('y', 1);
    store.compact({ keep: 1 });
    // Only the heads are left: our head's parent is now the fork (topic's head).
    expect(store.head().parents).toEqual([store.head('topic').id]);
    put('u/2x', 1, 'topic');
    const r = store.merge('topic');
    expect(kinds(r)).toEqual([['u/2x', 'range-delete-write']]);
    expect(r.rangesKnown).toBe(true);
  });
});

describe('cherry-pick with range deletes', () => {
  it("a key written on the target inside the picked version's deleted range conflicts as write-range-delete", () => {
    for (let i = 0; i < 4; i++) put(`u/${i}`, i);
    store.branch('topic');
    const picked = delRange('u/1', 'u/3', 'topic');
    put('u/1x', 'new');
    const r = store.cherryPick(picked);
    expect(kinds(r)).toEqual([['u/1x', 'write-range-delete']]);
    expect(store.cherryPick(picked, { resolve: 'theirs' }).status).toBe('merged');
    expect(keys()).toEqual(['u/0', 'u/3']);
  });

  it('a key the picked version adds inside a range the target deleted since the fork conflicts as range-delete-write', () => {
    put('u/0', 0);
    store.branch('topic');
    delRange('u/', 'v/');
    const picked = put('u/7', 7, 'topic');
    expect(kinds(store.cherryPick(picked))).toEqual([['u/7', 'range-delete-write']]);
  });
});

describe('files whose range deletes were not recorded (format 2)', () => {
  it('merge behaves as before (an add in their deleted range merges cleanly) and says rangesKnown: false; compaction keeps them unknown, new ones are recorded', () => {
    store.close();
    setFormatVersion(file, 2);
    store = Store.open(file);
    expect(store.info().formatVersion).toBe(2);
    for (let i = 0; i < 4; i++) put(`u/${i}`, i);
    store.branch('topic');
    delRange('u/1', 'u/3');
    put('u/1x', 1, 'topic');
    const r = store.merge('topic', { dryRun: true });
    expect(r.rangesKnown).toBe(false);
    expect(r.conflicts).toEqual([]);
    expect(r.changes.map((c) => c.key.toString())).toEqual(['u/1x']);
    // Merges without any range delete on either side since their base know that.
    store.branch('a', { from: 'topic' });
    store.branch('b', { from: 'topic' });
    put('a', 1, 'a');
    put('b', 1, 'b');
    expect(store.merge('b', { into: 'a', dryRun: true }).rangesKnown).toBe(true);
    store.compact({ keep: 100 });
    expect(store.info().formatVersion).toBe(3);
    expect(store.merge('topic', { dryRun: true }).rangesKnown).toBe(false);
    store.branch('topic2', { from: 'topic' });
    delRange('u/0', 'u/1', 'topic2');
    put('u/0x', 1, 'topic');
    const r2 = store.merge('topic2', { into: 'topic', dryRun: true });
    expect(kinds(r2)).toEqual([['u/0x', 'write-range-delete']]);
    expect(r2.rangesKnown).toBe(true);
  });
});
