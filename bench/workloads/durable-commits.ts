/**
 * Workload 2: 1000 individual durable commits of one put each, on the loaded store, fsync on for
 * every peer. Reported per commit: latency, bytes the process wrote, bytes and flushes that reached
 * the device (/proc/diskstats; other processes writing to the same device add noise), and the
 * logical bytes appended (file growth, or what the store reports per commit).
 */
import type { BenchContext } from '../context';
import { freshRecords } from '../data';
import type { Sample } from '../harness';
import type { PeerFactory } from '../peers/types';
import { count, fixedCount, oneAnswer, spotCheck, unsupported, withPeer } from './common';
import type { CaseSpec, PeerOutcome, Workload } from './types';

/** Single-put durable commits. */
export const durableCommits: Workload = {
  name: 'durable-commits',
  cases: (ctx: BenchContext): CaseSpec[] => {
    const commits = fixedCount(ctx, 1000);
    return [
      {
        id: 'durable-commits',
        title: `${commits} durable single-put commits on a ${count(ctx.data.size)}-record store (per commit)`,
        data: ctx.data,
        perOp: true,
        ratios: ['ms', 'deviceBytes'],
        columns: [{ key: 'metric:appended', label: 'appended (store)', unit: 'bytes' }],
        method: `copy of the loaded store; ${commits} puts of new keys, each its own fsync'd commit; figures per commit`,
      },
    ];
  },
  run: async (ctx: BenchContext, factory: PeerFactory, spec: CaseSpec): Promise<PeerOutcome> => {
    const na = unsupported(factory, 'durable');
    if (na) return na;
    const commits = fixedCount(ctx, 1000);
    const fresh = freshRecords(commits, 0xd0d0);
    const samples: Sample[] = [];
    const answers: string[] = [];
    for (let run = 0; run < ctx.config.runs; run++) {
      await withPeer(ctx, factory, 'copy', spec.data, async (peer) => {
        samples.push(
          await ctx.meter.measure({ ops: commits, fileSize: () => peer.fileSize() }, async () => {
            let appended = 0;
            let reported = true;
            for (let i = 0; i < commits; i++) {
              const bytes = await peer.putDurable(fresh.keys[i]!, fresh.values[i]!);
              if (bytes === undefined) reported = false;
              else appended += bytes;
            }
            return reported ? { appended } : undefined;
          }),
        );
        answers.push(await spotCheck(ctx, peer, fresh.keys));
      });
    }
    return { status: 'ok', samples, answer: oneAnswer(factory, spec.id, answers) };
  },
};
