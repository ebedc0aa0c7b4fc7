/**
 * Child process of crash.test.ts (run as `node --import tsx engine/testing/crash-writer.ts CONFIG_JSON`).
 * Loads a deterministic stream of operations into a store with durable commits and prints, on
 * stdout, one line per commit that has returned (so is durable): `C <commits> <version>`. The
 * parent SIGKILLs it at a random moment and checks the reopened store against {@link modelAt}.
 *
 * Modes:
 * - `load`: ops 0.. in commits of `commitEvery` ops, until `ops` are done or the process is killed.
 * - `bulk`: `ops` ops in commits of `commitEvery`, then `bulkOps` more ops staged in one
 *   transaction; prints `S` when staged (just before the big commit) and `C …` after it.
 * Prints `ready` once the store is open and `done` at a clean end. With `park`, it prints `P`
 * instead of closing and waits to be killed (a writer killed with commits past its last checkpoint).
 * `durable: false` runs the session without a flush per commit.
 */
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Store } from '../index';
import { say } from './test-support';

/** What the parent asks the child to do. */
export interface CrashConfig {
  readonly mode: 'load' | 'bulk';
  readonly file: string;
  readonly seed: number;
  readonly ops: number;
  readonly commitEvery: number;
  readonly bulkOps?: number;
  readonly nodeSize: number;
  readonly fanout: number;
  readonly bufferSize: number;
  readonly blobThreshold: number;
  /** Share of puts whose value goes off-tree (default 0.05). */
  readonly largeRate?: number;
  /** Flush every commit (default true). */
  readonly durable?: boolean;
  /** After the ops, print `P` and wait to be killed instead of closing. */
  readonly park?: boolean;
}

/** One deterministic operation. */
export type CrashOp =
  | { readonly t: 'put'; readonly key: Buffer; readonly value: Buffer }
  | { readonly t: 'del'; readonly key: Buffer }
  | { readonly t: 'rdel'; readonly from: Buffer; readonly to: Buffer };

const KEYSPACE = 4000;

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A deterministic stream of numbers for op `i` of a given seed. */
function rng(seed: number, i: number): () => number {
  let s = mix(mix(seed + 0x9e3779b9) ^ mix(i * 2654435761));
  return () => {
    s = mix(s + 0x6d2b79f5);
    return s / 0x1_0000_0000;
  };
}

function keyOf(n: number): Buffer {
  return Buffer.from(`rec/${String(n).padStart(5, '0')}`);
}

/** Operation `i` of the stream for `seed`: mostly puts (some large), some deletes, rare range deletes. */
export function opAt(seed: number, i: number, blobThreshold: number, largeRate = 0.05): CrashOp {
  const r = rng(seed, i);
  const pick = r();
  const k = Math.floor(r() * KEYSPACE);
  if (pick < 0.1) return { t: 'del', key: keyOf(k) };
  if (pick < 0.11) return { t: 'rdel', from: keyOf(k), to: keyOf(k + 1 + Math.floor(r() * 40)) };
  const large = r() < largeRate;
  const len = large ? blobThreshold + 1 + Math.floor(r() * (3 * blobThreshold + 4000)) : 1 + Math.floor(r() * 40);
  const value = Buffer.alloc(len, `${i}:${k};`);
  return { t: 'put', key: keyOf(k), value };
}

/** The records after ops [0, n): the model the reopened store must equal. Keys as latin1 strings. */
export function modelAt(cfg: Pick<CrashConfig, 'seed' | 'blobThreshold' | 'largeRate'>, n: number, from?: { map: Map<string, Buffer>; n: number }): Map<string, Buffer> {
  const map = from ? new Map(from.map) : new Map<string, Buffer>();
  for (let i = from ? from.n : 0; i < n; i++) {
    const op = opAt(cfg.seed, i, cfg.blobThreshold, cfg.largeRate);
    if (op.t === 'put') map.set(op.key.toString('latin1'), op.value);
    else if (op.t === 'del') map.delete(op.key.toString('latin1'));
    else {
      const lo = op.from.toString('latin1');
      const hi = op.to.toString('latin1');
      for (const k of [...map.keys()]) if (k >= lo && k < hi) map.delete(k);
    }
  }
  return map;
}

function main(cfg: CrashConfig): void {
  const store = Store.open(cfg.file, {
    create: true, durable: cfg.durable ?? true,
    nodeSize: cfg.nodeSize, fanout: cfg.fanout, bufferSize: cfg.bufferSize, blobThreshold: cfg.blobThreshold,
  });
  say('ready');
  let commits = 0;
  let tx = store.begin();
  let staged = 0;
  const stage = (i: number): void => {
    const op = opAt(cfg.seed, i, cfg.blobThreshold, cfg.largeRate);
    if (op.t === 'put') tx.put(op.key, op.value);
    else if (op.t === 'del') tx.delete(op.key);
    else tx.deleteRange(op.from, op.to);
    staged++;
  };
  const commit = (): void => {
    const info = tx.commit({ message: `ops ${staged}` });
    commits++;
    say(`C ${commits} ${info.version}`);
    tx = store.begin();
  };
  for (let i = 0; i < cfg.ops; i++) {
    stage(i);
    if ((i + 1) % cfg.commitEvery === 0) commit();
  }
  if (cfg.mode === 'bulk') {
    for (let i = cfg.ops; i < cfg.ops + (cfg.bulkOps ?? 0); i++) stage(i);
    say('S');
    commit();
  }
  tx.abort();
  if (cfg.park) {
    say('P');
    // Blocks without spinning until the parent's SIGKILL: the store is never closed.
    for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  }
  store.close();
  say('done');
}

const entry = process.argv[1] && fs.existsSync(process.argv[1]) ? fs.realpathSync(process.argv[1]) : '';
if (entry === fileURLToPath(import.meta.url)) {
  main(JSON.parse(process.argv[2]) as CrashConfig);
}
