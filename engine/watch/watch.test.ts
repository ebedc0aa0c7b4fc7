import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store, watch, type WatchEvent } from '../index';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-watch-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): Store => Store.create(path.join(dir, `w${n++}.th`), { durable: false, nodeSize: 512, fanout: 4, bufferSize: 512 });
const b = (s: string): Buffer => Buffer.from(s);
const summary = (e: WatchEvent): string[] => e.changes.map((c) => `${c.type} ${c.key.toString()} ${c.before?.toString() ?? '-'}>${c.after?.toString() ?? '-'}`);

describe('watch(store, …)', () => {
  it('delivers each commit’s changes inside the range, skips commits outside it, and stops after unsubscribe', () => {
    const s = fresh();
    s.write((tx) => {
      for (let i = 0; i < 200; i++) tx.put(b(`a/${String(i).padStart(3, '0')}`), b(`v${i}`));
    });
    const got: WatchEvent[] = [];
    const stop = watch(s, { prefix: b('a/'), from: b('a/010'), to: b('a/100') }, (e) => got.push(e));
    s.write((tx) => {
      tx.put(b('a/050'), b('new'));
      tx.put(b('a/150'), b('outside'));
      tx.put(b('a/009'), b('outside'));
      tx.delete(b('a/011'));
      tx.put(b('b/050'), b('other prefix'));
    });
    s.put(b('b/1'), b('outside'));
    s.deleteRange(b('a/090'), b('a/093'));
    expect(got.map((e) => [e.version, e.parent, e.branch])).toEqual([
      [3, 2, 'main'],
      [5, 4, 'main'],
    ]);
    expect(summary(got[0])).toEqual(['removed a/011 v11>-', 'changed a/050 v50>new']);
    expect(summary(got[1])).toEqual(['removed a/090 v90>-', 'removed a/091 v91>-', 'removed a/092 v92>-']);
    stop();
    s.put(b('a/050'), b('again'));
    expect(got.length).toBe(2);
    s.close();
  });

  it('filters by branch, and a throwing watcher neither fails the commit nor stops the others', () => {
    const s = fresh();
    const errors: unknown[] = [];
    s.on('listenerError', (e) => errors.push(e.error));
    const seen: string[] = [];
    watch(s, {}, () => {
      throw new Error('watcher bug');
    });
    watch(s, { branch: 'dev' }, (e) => seen.push(`dev ${e.version}`));
    watch(s, {}, (e) => seen.push(`all ${e.version} ${e.branch}`));
    s.on('commit', () => {
      throw new Error('commit listener bug');
    });
    s.branch('dev');
    const info = s.begin({ branch: 'dev' });
    info.put(b('x'), b('1'));
    expect(info.commit().version).toBe(2);
    expect(s.put(b('y'), b('2')).version).toBe(3);
    expect(seen).toEqual(['dev 2', 'all 2 dev', 'all 3 main']);
    expect(errors.map((e) => (e as Error).message).sort()).toEqual(['commit listener bug', 'commit listener bug', 'watcher bug', 'watcher bug']);
    expect(s.get(b('y'))?.toString()).toBe('2');
    s.close();
  });

  it('on a reader, delivers every commit another writer made, one event per commit, when refresh() finds them', () => {
    const w = fresh();
    w.put(b('k1'), b('a'));
    const r = Store.open(w.path, { readOnly: true });
    const got: WatchEvent[] = [];
    watch(r, { prefix: b('k') }, (e) => got.push(e));
    w.put(b('k1'), b('b'));
    w.put(b('z'), b('outside'));
    w.put(b('k2'), b('c'));
    w.branch('side');
    const tx = w.begin({ branch: 'side' });
    tx.delete(b('k1'));
    tx.commit();
    expect(got).toEqual([]);
    expect(r.refresh()).toBe(true);
    expect(got.map((e) => [e.version, e.parent, e.branch, summary(e)])).toEqual([
      [3, 2, 'main', ['changed k1 a>b']],
      [5, 4, 'main', ['added k2 ->c']],
      [6, 5, 'side', ['removed k1 b>-']],
    ]);
    // Nothing new: nothing delivered again.
    r.refresh();
    expect(got.length).toBe(3);
    r.close();
    w.close();
  });

  it('rejects a bad range or listener with a one-line error', () => {
    const s = fresh();
    expect(() => watch(s, { prefix: 'a' as unknown as Uint8Array }, () => {})).toThrow(/watch prefix must be a Uint8Array/);
    expect(() => watch(s, {}, null as unknown as () => void)).toThrow(/listener must be a function/);
    s.close();
  });
});

describe('catalog events', () => {
  it('emits snapshot, snapshotDeleted, branch and branchDeleted', () => {
    const s = fresh();
    const events: string[] = [];
    s.on('snapshot', (e) => events.push(`snapshot ${e.name}@${e.version}`));
    s.on('snapshotDeleted', (e) => events.push(`snapshotDeleted ${e.name}@${e.version}`));
    s.on('branch', (e) => events.push(`branch ${e.name}@${e.head}`));
    s.on('branchDeleted', (e) => events.push(`branchDeleted ${e.name}@${e.head}`));
    s.put(b('a'), b('1'));
    s.snapshot('s1');
    s.branch('dev', { from: 1 });
    s.deleteSnapshot('s1');
    s.deleteBranch('dev');
    expect(events).toEqual(['snapshot s1@2', 'branch dev@1', 'snapshotDeleted s1@2', 'branchDeleted dev@1']);
    s.close();
  });
});
