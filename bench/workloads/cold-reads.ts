/**
 * Workload 4: cold random point reads. The closed store's files are dropped from the page cache
 * (posix_fadvise DONTNEED through `dd iflag=nocache`), then a new process opens it and reads
 * records/100 random keys. Time = open + reads, measured inside the child.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ColdRequest, ColdResult } from '../cold-child';
import type { BenchContext } from '../context';
import { pickKeys } from '../data';
import { evictPageCache } from '../fsutil';
import type { Sample } from '../harness';
import { PEER_NAMES, PEERS } from '../peers';
import type { PeerFactory } from '../peers/types';
import { count, oneAnswer, unsupported } from './common';
import type { CaseSpec, PeerOutcome, Workload } from './types';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('../cold-child.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));

function reads(ctx: BenchContext): number {
  return Math.max(10, Math.round(ctx.data.size / 100));
}

/** Cold random point reads in a fresh process. */
export const coldReads: Workload = {
  name: 'cold-reads',
  cases: (ctx: BenchContext): CaseSpec[] => [
    {
      id: 'cold-reads',
      title: `${count(reads(ctx))} cold random point reads (fresh process, page cache dropped) on ${count(ctx.data.size)} records`,
      data: ctx.data,
      columns: [
        { key: 'metric:openMs', label: 'open', unit: 'ms' },
        { key: 'metric:readBytes', label: 'read from disk', unit: 'bytes' },
      ],
      method: `closed loaded store, its files evicted from the page cache; a new node process opens it and reads the keys in a seeded random order, one call per key; time = open + reads. Calls: ${PEER_NAMES.map((name) => `${name} ${PEERS[name].readCalls.each}`).join('; ')}`,
    },
  ],
  run: async (ctx: BenchContext, factory: PeerFactory, spec: CaseSpec): Promise<PeerOutcome> => {
    const na = unsupported(factory, 'coldOpen');
    if (na) return na;
    const dir = await ctx.fixture(factory, spec.data);
    const side = ctx.scratch(`cold-${factory.name}`);
    try {
      const keysFile = join(side.workDir, 'keys.bin');
      writeFileSync(keysFile, Buffer.concat(pickKeys(spec.data, reads(ctx), 0xc01d)));
      const request: ColdRequest = { peer: factory.name, dir, workDir: side.workDir, keysFile, strict: ctx.config.strict };
      const samples: Sample[] = [];
      const answers: string[] = [];
      let evicted = true;
      for (let i = 0; i < ctx.config.runs; i++) {
        evicted = evictPageCache(dir) && evicted;
        const dev0 = ctx.meter.device?.read();
        const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(request)], { cwd: REPO, maxBuffer: 1 << 24 });
        const dev1 = ctx.meter.device?.read();
        const line = stdout.split('\n').find((l) => l.startsWith('@@cold '));
        if (!line) throw new Error(`${factory.name}: cold-read child printed no result: ${stdout.slice(0, 200)}`);
        const r = JSON.parse(line.slice('@@cold '.length)) as ColdResult;
        samples.push({
          ms: r.openMs + r.readMs,
          ops: reads(ctx),
          writeBytes: r.writeBytes,
          dirtiedBytes: r.dirtiedBytes,
          deviceBytes: dev0 && dev1 ? (dev1.sectorsWritten - dev0.sectorsWritten) * 512 : null,
          deviceFlushes: dev0 && dev1 ? dev1.flushes - dev0.flushes : null,
          fileGrowth: null,
          peakRss: r.peakRss,
          metrics: { openMs: r.openMs, readMs: r.readMs, ...(r.readBytes === null ? {} : { readBytes: r.readBytes }) },
        });
        answers.push(r.answer);
      }
      const note = evicted ? undefined : 'page cache could not be dropped (dd iflag=nocache failed): reads may be warm';
      return { status: 'ok', samples, answer: oneAnswer(factory, spec.id, answers), ...(note ? { note } : {}) };
    } finally {
      ctx.release(factory, side);
    }
  },
};
