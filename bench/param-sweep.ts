/**
 * Sweeps the tree parameters (node size, buffer size) on one workload mix and prints a table:
 * bulk load, 5000 single-put commits (not durable, to isolate the tree's cost), 100k warm
 * random reads, full scan and file size. How the defaults in engine/store/params.ts were chosen.
 * Usage: node --import tsx bench/param-sweep.ts [records]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Store } from '../engine/index';

const n = Number(process.argv[2] ?? 200_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-sweep-'));
const keys = Array.from({ length: n }, () => randomBytes(24));
const value = randomBytes(150);
const rows: string[] = ['| nodeSize | bufferSize | bulk ms | put-commit µs | bytes/commit | read µs | scan ms | file MB |', '|---|---|---|---|---|---|---|---|'];
for (const nodeSize of [4096, 8192, 16384]) {
  for (const bufferSize of [16384, 32768, 65536]) {
    const file = path.join(dir, `s-${nodeSize}-${bufferSize}.th`);
    const s = Store.create(file, { nodeSize, bufferSize, durable: false });
    let t = performance.now();
    s.write((tx) => {
      for (const k of keys) tx.put(k, value);
    });
    const bulk = performance.now() - t;
    const w0 = s.io.bytesWritten;
    t = performance.now();
    for (let i = 0; i < 5000; i++) s.put(randomBytes(24), value);
    const commit = ((performance.now() - t) / 5000) * 1000;
    const perCommit = (s.io.bytesWritten - w0) / 5000;
    t = performance.now();
    for (let i = 0; i < 100_000; i++) s.get(keys[(i * 7919) % n]);
    const read = ((performance.now() - t) / 100_000) * 1000;
    t = performance.now();
    let c = 0;
    for (const _ of s.scan()) c++;
    const scan = performance.now() - t;
    const size = s.info().fileSize / 1e6;
    s.close();
    fs.rmSync(file, { force: true });
    rows.push(`| ${nodeSize} | ${bufferSize} | ${bulk.toFixed(0)} | ${commit.toFixed(1)} | ${perCommit.toFixed(0)} | ${read.toFixed(2)} | ${scan.toFixed(0)} | ${size.toFixed(1)} |`);
    console.log(rows[rows.length - 1], c);
  }
}
console.log(rows.join('\n'));
fs.rmSync(dir, { recursive: true, force: true });
