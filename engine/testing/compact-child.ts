/**
 * Child process of compact-crash.test.ts and compact-reader.test.ts, plus the deterministic
 * store and retention model they share. Run as `node --import tsx engine/testing/compact-child.ts MODE …`:
 * - `compact FILE KEEP KILL_AT`: opens FILE for writing, prints `ready`, compacts it keeping
 *   KEEP, and SIGKILLs itself at the KILL_AT-th progress callback (-1: never); prints
 *   `done <steps>` after a complete compaction and close.
 * - `read FILE`: opens FILE read-only, prints `ready`, then reads the head (and refreshes) in a
 *   loop that yields to the event loop; stdin `report` prints one JSON line of what it saw
 *   (reads, errors, refreshes that switched files, the head's digest and the version ids);
 *   `exit` closes the store and ends.
 */
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { Store } from '../index';
import { say } from './test-support';

/** Versions as the model knows them: the records of each, its first parent, and the names. */
export interface VersionModel {
  readonly records: Map<number, Map<string, string>>;
  readonly parent: Map<number, number | undefined>;
  readonly branches: Map<string, number>;
  readonly snapshots: Map<string, number>;
}

/**
 * Which versions a compaction with `keep` must retain, computed from the model alone: each
 * snapshot's version, each branch head, and the newest `keep` of each head's first-parent chain.
 */
export function modelRetained(m: VersionModel, keep: number): Set<number> {
  const out = new Set<number>(m.snapshots.values());
  for (const head of m.branches.values()) {
    let id: number | undefined = head;
    for (let n = 0; id !== undefined && (n === 0 || n < keep); n++) {
      out.add(id);
      id = m.parent.get(id);
    }
  }
  return out;
}

/** Applies a compaction to the model: drops the other versions, relinks parents to the nearest kept ancestor. */
export function modelCompact(m: VersionModel, keep: number): Set<number> {
  const kept = modelRetained(m, keep);
  const relinked = new Map<number, number | undefined>();
  for (const id of kept) {
    let p = m.parent.get(id);
    while (p !== undefined && !kept.has(p)) p = m.parent.get(p);
    relinked.set(id, p);
  }
  for (const id of [...m.records.keys()]) {
    if (!kept.has(id)) {
      m.records.delete(id);
      m.parent.delete(id);
    }
  }
  for (const [id, p] of relinked) m.parent.set(id, p);
  return kept;
}

/** Digest of a scan: order-sensitive CRC-32 of keys and values. */
export function digestOf(entries: Iterable<{ key: Buffer; value: Buffer }>): string {
  let crc = 0;
  let n = 0;
  for (const e of entries) {
    crc = crc32(e.key, crc);
    crc = crc32(e.value, crc);
    n++;
  }
  return `${n}:${crc}`;
}

/** Digest of a model map, in the store's key order (keys are ASCII here). */
export function digestOfModel(map: Map<string, string>): string {
  const keys = [...map.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return digestOf(keys.map((k) => ({ key: Buffer.from(k), value: Buffer.from(map.get(k) as string) })));
}

/** Tree parameters that make many small nodes, so a compaction has many steps. */
export const SMALL_TREE = { nodeSize: 512, fanout: 4, bufferSize: 512, blobThreshold: 64 } as const;

/**
 * Builds the same store every time: 40 commits on main (puts, some large, deletes, a range
 * delete), a branch with its own commits, two snapshots (one deleted again), and returns the model.
 */
export function buildStore(file: string): VersionModel {
  const m: VersionModel = { records: new Map(), parent: new Map(), branches: new Map(), snapshots: new Map() };
  const store = Store.create(file, { ...SMALL_TREE, durable: false });
  try {
    m.records.set(1, new Map());
    m.parent.set(1, undefined);
    m.branches.set('main', 1);
    const commit = (branch: string, c: number): void => {
      const base = m.branches.get(branch) as number;
      const map = new Map(m.records.get(base));
      const tx = store.begin({ branch });
      for (let i = 0; i < 60; i++) {
        const k = `key/${String((c * 131 + i * 17) % 900).padStart(4, '0')}`;
        if (i % 13 === 5) {
          tx.delete(Buffer.from(k));
          map.delete(k);
        } else {
          const v = i % 9 === 0 ? `${c}:${i}:`.repeat(20) : `${c}:${i}`;
          tx.put(Buffer.from(k), Buffer.from(v));
          map.set(k, v);
        }
      }
      if (c % 10 === 7) {
        const lo = `key/${String((c * 7) % 800).padStart(4, '0')}`;
        const hi = `key/${String(((c * 7) % 800) + 40).padStart(4, '0')}`;
        tx.deleteRange(Buffer.from(lo), Buffer.from(hi));
        for (const k of [...map.keys()]) if (k >= lo && k < hi) map.delete(k);
      }
      const { version } = tx.commit({ message: `commit ${c}` });
      m.records.set(version, map);
      m.parent.set(version, base);
      m.branches.set(branch, version);
    };
    for (let c = 0; c < 25; c++) commit('main', c);
    store.branch('dev', { from: 12 });
    m.branches.set('dev', 12);
    for (let c = 100; c < 108; c++) commit('dev', c);
    store.snapshot('early', { version: 6 });
    store.snapshot('gone', { version: 9 });
    store.deleteSnapshot('gone');
    m.snapshots.set('early', 6);
    for (let c = 25; c < 40; c++) commit('main', c);
  } finally {
    store.close();
  }
  return m;
}

function compact(file: string, keep: number, killAt: number): void {
  const store = Store.open(file);
  say('ready');
  let steps = 0;
  store.compact({
    keep,
    onProgress: () => {
      if (steps++ === killAt) process.kill(process.pid, 'SIGKILL');
    },
  });
  store.close();
  say(`done ${steps}`);
}

function read(file: string): void {
  const store = Store.open(file, { readOnly: true });
  const seen = { reads: 0, errors: [] as string[], switches: 0, digest: '', versions: [] as number[] };
  let inode = fs.statSync(file).ino;
  let running = true;
  const loop = (): void => {
    if (!running) return;
    try {
      store.refresh();
      const now = fs.statSync(file).ino;
      if (now !== inode) {
        inode = now;
        seen.switches++;
      }
      seen.digest = digestOf(store.scan());
      seen.versions = store.versions().map((v) => v.id);
      seen.reads++;
    } catch (e) {
      if (seen.errors.length < 5) seen.errors.push((e as Error).message);
    }
    setImmediate(loop);
  };
  say('ready');
  loop();
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    if (line === 'report') say(JSON.stringify(seen));
    else if (line === 'exit') {
      running = false;
      store.close();
      rl.close();
      say('closed');
      process.stdin.destroy();
    }
  });
}

const entry = process.argv[1] && fs.existsSync(process.argv[1]) ? fs.realpathSync(process.argv[1]) : '';
if (entry === fileURLToPath(import.meta.url)) {
  const [mode, file, keep, killAt] = process.argv.slice(2);
  if (mode === 'compact') compact(file, Number(keep), Number(killAt));
  else if (mode === 'read') read(file);
  else {
    process.stderr.write(`unknown mode ${mode}\n`);
    process.exitCode = 2;
  }
}
