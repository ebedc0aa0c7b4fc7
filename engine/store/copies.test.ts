import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store, watch, type Entry } from '../index';

/**
 * What the public API hands out is the caller's to keep: every Buffer (keys, values, pivots,
 * prefixes, buffered messages, diff sides) and every object it returns can be scribbled over
 * without changing what the store reads, writes or verifies. Each test scribbles over
 * everything a group of methods returned, commits, and then compares the store — the same
 * object and a fresh open of the file — with a model.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-copies-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;

const key = (i: number): Buffer => Buffer.from(`key/${String(i).padStart(4, '0')}`);
const value = (i: number): Buffer => Buffer.from(`value-${i}-${'v'.repeat(i % 13)}`);
const big = (i: number): Buffer => Buffer.alloc(300, `large-${i}`);

/** Overwrites every byte of b: a caller that reuses a buffer it was given. */
function scribble(b: Buffer | null | undefined): void {
  if (b) b.fill(0x5a);
}

/**
 * A store with internal nodes, buffered messages (puts, deletes, range deletes), journal
 * segments and large values, all warm in its cache; and the model of its head.
 */
function warmStore(): { store: Store; file: string; model: Map<string, Buffer> } {
  const file = path.join(dir, `c${n++}.th`);
  const store = Store.create(file, { nodeSize: 512, fanout: 4, bufferSize: 2048, blobThreshold: 128, durable: false });
  const model = new Map<string, Buffer>();
  store.write((tx) => {
    for (let i = 0; i < 300; i++) {
      const v = i % 50 === 0 ? big(i) : value(i);
      tx.put(key(i), v);
      model.set(key(i).toString('latin1'), v);
    }
  });
  store.snapshot('loaded');
  store.write((tx) => {
    tx.deleteRange(key(100), key(110));
    for (let i = 100; i < 110; i++) model.delete(key(i).toString('latin1'));
    tx.delete(key(7));
    model.delete(key(7).toString('latin1'));
  });
  for (let i = 0; i < 4; i++) {
    store.put(key(1000 + i), value(1000 + i));
    model.set(key(1000 + i).toString('latin1'), value(1000 + i));
  }
  // Warm: every node in the cache.
  expect([...store.scan()].length).toBe(model.size);
  return { store, file, model };
}

/** The store (and a fresh open of its file) holds exactly the model, after one more commit. */
function expectUnchanged(store: Store, file: string, model: Map<string, Buffer>): void {
  // A commit copies the cached nodes it changes: a scribbled cached key would be written to disk here.
  store.put(key(5000), value(5000));
  model.set(key(5000).toString('latin1'), value(5000));
  const want = [...model.entries()].sort((a, b) => Buffer.compare(Buffer.from(a[0], 'latin1'), Buffer.from(b[0], 'latin1')));
  const read = (s: Store): [string, string][] => [...s.scan()].map((e) => [e.key.toString('latin1'), e.value.toString('latin1')]);
  const expected = want.map(([k, v]) => [k, v.toString('latin1')]);
  expect(read(store)).toEqual(expected);
  for (const [k, v] of want) expect(store.get(Buffer.from(k, 'latin1'))?.equals(v)).toBe(true);
  expect(store.verify().problems).toEqual([]);
  const fresh = Store.open(file, { readOnly: true });
  try {
    expect(read(fresh)).toEqual(expected);
    expect(fresh.verify().problems).toEqual([]);
  } finally {
    fresh.close();
  }
}

function scribbleEntries(entries: Iterable<Entry>): void {
  for (const e of entries) {
    scribble(e.key);
    scribble(e.value);
  }
}

describe('returned Buffers and objects are copies', () => {
  it('readNode and pathOf: keys, pivots, prefixes, stored suffixes, buffered messages', () => {
    const { store, file, model } = warmStore();
    try {
      const seen: string[] = [];
      const walk = (a: ReturnType<Store['rootAddress']>): void => {
        const node = store.readNode(a);
        seen.push(node.kind);
        for (const k of node.keys) scribble(k);
        scribble(node.prefix);
        for (const s of node.stored) scribble(s.suffix);
        for (const m of node.buffer) {
          scribble(m.key);
          scribble(m.end ?? null);
        }
        for (const c of node.children) walk(c);
      };
      walk(store.rootAddress());
      expect(seen).toContain('internal');
      for (const k of [key(3), key(105), key(7), key(1001)]) {
        const { messages } = store.pathOf(k);
        for (const m of messages) {
          scribble(m.key);
          scribble(m.end ?? null);
        }
      }
      expectUnchanged(store, file, model);
    } finally {
      store.close();
    }
  });

  it('get, getMany, scan, scanAsync, at(), transactions and subtree views', async () => {
    const { store, file, model } = warmStore();
    try {
      const keys = Array.from({ length: 320 }, (_, i) => key(i));
      for (const k of keys) scribble(store.get(k));
      for (const v of store.getMany(keys)) scribble(v);
      scribbleEntries(store.scan());
      scribbleEntries(store.scan({ reverse: true }));
      for await (const e of store.scanAsync()) {
        scribble(e.key);
        scribble(e.value);
      }
      const old = store.at('loaded');
      for (const k of keys) scribble(old.get(k));
      for (const v of old.getMany(keys)) scribble(v);
      scribbleEntries(old.scan());
      const root = old.rootAddress();
      if (root) (root as { offset: number }).offset = 4096;
      const tx = store.begin();
      tx.put(key(2000), value(2000));
      for (const k of [...keys, key(2000)]) scribble(tx.get(k));
      for (const v of tx.getMany(keys)) scribble(v);
      scribbleEntries(tx.scan());
      tx.abort();
      const view = store.view(Buffer.from('key/00'));
      // Writing into the prefix a view hands out does not move the view.
      scribble(view.prefix);
      expect(view.get(key(42).subarray(6))?.equals(value(42))).toBe(true);
      for (const k of keys) scribble(view.get(k.subarray(6)));
      for (const v of view.getMany(keys.map((k) => k.subarray(6)))) scribble(v);
      scribbleEntries(view.scan());
      expect(store.at('loaded').get(key(105))?.equals(value(105))).toBe(true);
      expectUnchanged(store, file, model);
    } finally {
      store.close();
    }
  });

  it('diff, diffAsync, subtree-view diffs and watch events', async () => {
    const { store, file, model } = warmStore();
    try {
      const head = store.head().id;
      let changes = 0;
      for (const c of store.diff('loaded', head)) {
        changes++;
        scribble(c.key);
        scribble(c.before);
        scribble(c.after);
      }
      expect(changes).toBeGreaterThan(10);
      for await (const c of store.diffAsync('loaded', head)) {
        scribble(c.key);
        scribble(c.before);
        scribble(c.after);
      }
      for (const c of store.view(Buffer.from('key/01')).diff('loaded', head)) {
        scribble(c.key);
        scribble(c.before);
        scribble(c.after);
      }
      let events = 0;
      // The range given to watch is the caller's: reusing it afterwards must not move the watch.
      const watched = Buffer.from('key/0003');
      const stop = watch(store, { prefix: watched }, (e) => {
        for (const c of e.changes) {
          events++;
          scribble(c.key);
          scribble(c.before);
          scribble(c.after);
        }
      });
      watched.fill(0x5a);
      store.put(key(3), value(3333));
      model.set(key(3).toString('latin1'), value(3333));
      stop();
      expect(events).toBe(1);
      expect(store.diffSummary('loaded', head).removed).toBe(11);
      expectUnchanged(store, file, model);
    } finally {
      store.close();
    }
  });

  it('versions, head, info and params', () => {
    const { store, file, model } = warmStore();
    try {
      const before = store.versions().map((v) => ({ id: v.id, parents: [...v.parents], puts: v.stats.puts }));
      for (const v of store.versions()) {
        (v.parents as number[]).push(999);
        (v.stats as { puts: number }).puts = -1;
      }
      const h = store.head();
      (h.parents as number[]).length = 0;
      const params = store.info().params as { bufferSize: number };
      expect(() => {
        params.bufferSize = 1;
      }).toThrow(TypeError);
      expect(store.params.bufferSize).toBe(2048);
      expect(store.versions().map((v) => ({ id: v.id, parents: [...v.parents], puts: v.stats.puts }))).toEqual(before);
      expectUnchanged(store, file, model);
    } finally {
      store.close();
    }
  });
});
