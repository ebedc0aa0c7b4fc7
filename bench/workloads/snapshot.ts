/**
 * Workload 8: save a snapshot of a loaded store, at the main size and at the small size (the O(1)
 * claim: the two should cost the same). Peers: lmdb `backup` (mdb_env_copy), SQLite `VACUUM INTO`,
 * sorted-btree `clone()`, Thunderhead `snapshot(name)`.
 */
import type { BenchContext } from '../context';
import type { Dataset } from '../data';
import type { Sample } from '../harness';
import type { PeerFactory } from '../peers/types';
import { count, oneAnswer, unsupported, withPeer } from './common';
import type { CaseSpec, PeerOutcome, Workload } from './types';

function snapshotCase(id: string, data: Dataset): CaseSpec {
  return {
    id,
    title: `snapshot of a ${count(data.size)}-record store`,
    data,
    method: 'copy of the loaded store; each run saves one new snapshot (then it is counted and dropped, untimed)',
  };
}

/** Snapshot at two sizes. */
export const snapshot: Workload = {
  name: 'snapshot',
  cases: (ctx: BenchContext): CaseSpec[] => [snapshotCase('snapshot-large', ctx.data), snapshotCase('snapshot-small', ctx.small)],
  run: async (ctx: BenchContext, factory: PeerFactory, spec: CaseSpec): Promise<PeerOutcome> => {
    const na = unsupported(factory, 'snapshot');
    if (na) return na;
    return withPeer(ctx, factory, 'copy', spec.data, async (peer) => {
      const samples: Sample[] = [];
      const answers: string[] = [];
      for (let run = 0; run < ctx.config.runs; run++) {
        let handle: Awaited<ReturnType<typeof peer.snapshot>> | undefined;
        samples.push(
          await ctx.meter.measure({ ops: 1, fileSize: () => peer.fileSize() }, async () => {
            handle = await peer.snapshot(`bench-${run}`);
          }),
        );
        const records = await peer.snapshotCount(handle!);
        if (records !== spec.data.size) throw new Error(`${factory.name} snapshot holds ${records} records, expected ${spec.data.size}`);
        answers.push(`records=${records}`);
        await peer.dropSnapshot(handle!);
      }
      return { status: 'ok' as const, samples, answer: oneAnswer(factory, spec.id, answers) };
    });
  },
};
