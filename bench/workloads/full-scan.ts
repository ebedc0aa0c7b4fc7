/** Workload 5: full range scan, every record in key order. */
import type { BenchContext } from '../context';
import type { Sample } from '../harness';
import type { PeerFactory } from '../peers/types';
import { count, oneAnswer, tally, withPeer } from './common';
import type { CaseSpec, PeerOutcome, Workload } from './types';

/** Full scan. */
export const fullScan: Workload = {
  name: 'full-scan',
  cases: (ctx: BenchContext): CaseSpec[] => [
    {
      id: 'full-scan',
      title: `full scan of ${count(ctx.data.size)} records`,
      data: ctx.data,
      method: "loaded store opened once; each run iterates every record in key order with the store's cursor",
    },
  ],
  run: async (ctx: BenchContext, factory: PeerFactory, spec: CaseSpec): Promise<PeerOutcome> =>
    withPeer(ctx, factory, 'fixture', spec.data, async (peer) => {
      const samples: Sample[] = [];
      const answers: string[] = [];
      for (let run = 0; run < ctx.config.runs; run++) {
        const t = tally(ctx);
        samples.push(await ctx.meter.measure({ ops: spec.data.size }, () => peer.scanAll(t)));
        if (t.count !== spec.data.size) throw new Error(`${factory.name} scanned ${t.count} records, expected ${spec.data.size}`);
        answers.push(t.digest());
      }
      return { status: 'ok' as const, samples, answer: oneAnswer(factory, spec.id, answers) };
    }),
};
