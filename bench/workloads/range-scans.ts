/** Workload 6: 1000 range scans of 100 keys each, from random existing keys. */
import type { BenchContext } from '../context';
import { pickKeys } from '../data';
import type { Sample } from '../harness';
import type { PeerFactory } from '../peers/types';
import { count, fixedCount, oneAnswer, tally, withPeer } from './common';
import type { CaseSpec, PeerOutcome, Workload } from './types';

const LENGTH = 100;

/** Short range scans. */
export const rangeScans: Workload = {
  name: 'range-scans',
  cases: (ctx: BenchContext): CaseSpec[] => [
    {
      id: 'range-scans',
      title: `${fixedCount(ctx, 1000)} range scans of ${LENGTH} keys on ${count(ctx.data.size)} records`,
      data: ctx.data,
      method: `loaded store opened once; each scan starts at a random existing key and reads ${LENGTH} records; ops = scans`,
    },
  ],
  run: async (ctx: BenchContext, factory: PeerFactory, spec: CaseSpec): Promise<PeerOutcome> => {
    const starts = pickKeys(spec.data, fixedCount(ctx, 1000), 0x7a9e);
    return withPeer(ctx, factory, 'fixture', spec.data, async (peer) => {
      const samples: Sample[] = [];
      const answers: string[] = [];
      for (let run = 0; run < ctx.config.runs; run++) {
        const t = tally(ctx);
        samples.push(
          await ctx.meter.measure({ ops: starts.length }, async () => {
            for (const from of starts) await peer.scanRange(from, LENGTH, t);
          }),
        );
        answers.push(t.digest());
      }
      return { status: 'ok' as const, samples, answer: oneAnswer(factory, spec.id, answers) };
    });
  },
};
