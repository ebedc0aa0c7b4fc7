/** Workload 7: random deletes, a tenth of the records in one commit. */
import type { BenchContext } from '../context';
import { pickKeys } from '../data';
import type { Sample } from '../harness';
import type { PeerFactory } from '../peers/types';
import { checkKeys, count, oneAnswer, spotCheck, withPeer } from './common';
import type { CaseSpec, PeerOutcome, Workload } from './types';

/** Random deletes. */
export const randomDeletes: Workload = {
  name: 'random-deletes',
  cases: (ctx: BenchContext): CaseSpec[] => [
    {
      id: 'random-deletes',
      title: `${count(Math.floor(ctx.data.size / 10))} random deletes from ${count(ctx.data.size)} records, one commit`,
      data: ctx.data,
      method: 'copy of the loaded store; a tenth of the keys, in random order, deleted in one durable transaction',
    },
  ],
  run: async (ctx: BenchContext, factory: PeerFactory, spec: CaseSpec): Promise<PeerOutcome> => {
    const victims = pickKeys(spec.data, Math.floor(spec.data.size / 10), 0xde1e7e);
    const gone = new Set(victims);
    const kept = checkKeys(spec.data).present.filter((k) => !gone.has(k));
    const samples: Sample[] = [];
    const answers: string[] = [];
    for (let run = 0; run < ctx.config.runs; run++) {
      await withPeer(ctx, factory, 'copy', spec.data, async (peer) => {
        samples.push(await ctx.meter.measure({ ops: victims.length, fileSize: () => peer.fileSize() }, () => peer.deleteMany(victims)));
        answers.push(await spotCheck(ctx, peer, kept, victims));
      });
    }
    return { status: 'ok', samples, answer: oneAnswer(factory, spec.id, answers) };
  },
};
