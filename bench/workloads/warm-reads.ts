/**
 * Workload 3: warm random point reads. Every key once, in a random order, after one untimed pass
 * over the same keys so caches (the store's and the OS's) are warm.
 */
import type { BenchContext } from '../context';
import { pickKeys } from '../data';
import type { Sample } from '../harness';
import type { PeerFactory } from '../peers/types';
import { count, oneAnswer, tally, withPeer } from './common';
import type { CaseSpec, PeerOutcome, Workload } from './types';

/** Warm random point reads. */
export const warmReads: Workload = {
  name: 'warm-reads',
  cases: (ctx: BenchContext): CaseSpec[] => [
    {
      id: 'warm-reads',
      title: `${count(ctx.data.size)} warm random point reads`,
      data: ctx.data,
      method: 'loaded store opened once; one untimed pass, then each run reads every key once in a seeded random order',
    },
  ],
  run: async (ctx: BenchContext, factory: PeerFactory, spec: CaseSpec): Promise<PeerOutcome> => {
    const keys = pickKeys(spec.data, spec.data.size, 0x5eed);
    return withPeer(ctx, factory, 'fixture', spec.data, async (peer) => {
      await peer.getMany(keys, tally(ctx));
      const samples: Sample[] = [];
      const answers: string[] = [];
      for (let run = 0; run < ctx.config.runs; run++) {
        const t = tally(ctx);
        samples.push(await ctx.meter.measure({ ops: keys.length }, () => peer.getMany(keys, t)));
        answers.push(t.digest());
      }
      return { status: 'ok' as const, samples, answer: oneAnswer(factory, spec.id, answers) };
    });
  },
};
