/**
 * Child process of snapshot-crash.test.ts (run as `node --import tsx engine/testing/snapshot-crash-writer.ts FILE SEED`).
 * Creates FILE with an automatic-snapshot policy (every 3 commits, keep the last 4), then runs a
 * deterministic stream of durable operations until it is killed: commit `i` puts `k<i>` (half of
 * them naming their version `c<i>`), some steps take a standalone burst `snapshot(['s<i>a',
 * 's<i>b'])` of the head, and some delete an earlier user snapshot. After each operation has
 * returned (so is durable) it prints `A <i> <op> <version> [names…]`.
 */
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Store } from '../index';
import { prng, say } from './test-support';

/** The operation of step `i` for a seed: what the parent's model replays. */
export type SnapshotCrashOp = 'commit' | 'commit+snapshot' | 'snapshots' | 'delete';

/** Step `i` of the stream: mostly commits, a quarter of them bursts or deletes. O(1). */
export function snapshotCrashOp(seed: number, i: number): SnapshotCrashOp {
  const r = prng(seed * 7919 + i)();
  if (i === 0) return 'commit';
  if (r < 0.4) return 'commit';
  if (r < 0.75) return 'commit+snapshot';
  if (r < 0.92) return 'snapshots';
  return 'delete';
}

function main(file: string, seed: number): void {
  const store = Store.create(file, { nodeSize: 1024, fanout: 8, bufferSize: 1024, blobThreshold: 256 });
  store.setSnapshotPolicy({ everyCommits: 3, keepLast: 4 });
  say('ready');
  const userSnapshots: string[] = [];
  for (let i = 0; ; i++) {
    const op = snapshotCrashOp(seed, i);
    if (op === 'commit' || op === 'commit+snapshot') {
      const name = op === 'commit+snapshot' ? `c${i}` : undefined;
      const info = store.put(Buffer.from(`k${String(i).padStart(6, '0')}`), Buffer.from(`v${i}`), name ? { snapshot: name } : {});
      if (name) userSnapshots.push(name);
      say(`A ${i} ${op} ${info.version}${name ? ` ${name}` : ''}`);
    } else if (op === 'snapshots') {
      const names = [`s${i}a`, `s${i}b`];
      const infos = store.snapshot(names);
      userSnapshots.push(...names);
      say(`A ${i} ${op} ${infos[0].version} ${names.join(' ')}`);
    } else {
      const victim = userSnapshots.length > 0 ? userSnapshots.splice(Math.floor(prng(seed + i)() * userSnapshots.length), 1)[0] : null;
      if (victim) store.deleteSnapshot(victim);
      say(`A ${i} ${op} 0${victim ? ` ${victim}` : ''}`);
    }
  }
}

const entry = process.argv[1] && fs.existsSync(process.argv[1]) ? fs.realpathSync(process.argv[1]) : '';
if (entry === fileURLToPath(import.meta.url)) main(process.argv[2], Number(process.argv[3]));
