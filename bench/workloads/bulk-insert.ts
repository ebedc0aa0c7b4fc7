/**
 * Workload 1: bulk random insert in one commit. Every record of the dataset, in its (random) key
 * order, in one transaction / batch, made durable, then the store is closed: the time covers any
 * work a store defers to close (SQLite's WAL checkpoint, LevelDB's memtable).
 */
import type { BenchContext } from '../context';
import type { Sample } from '../harness';
import type { PeerFactory } from '../peers/types';
import { checkKeys, count, oneAnswer, spotCheck } from './common';
import type { CaseSpec, PeerOutcome, Workload } from './types';

/** Bulk random insert, one commit. */
export const bulkInsert: Workload = {
  name: 'bulk-insert',
  cases: (ctx: BenchContext): CaseSpec[] => [
    {
      id: 'bulk-insert',
      title: `bulk random insert of ${count(ctx.data.size)} records, one commit`,
      data: ctx.data,
      columns: [{ key: 'metric:fileSize', label: 'file size', unit: 'bytes' }],
      method: 'open an empty store, insert every record in one durable transaction, close; ops = records',
    },
  ],
  run: async (ctx: BenchContext, factory: PeerFactory, spec: CaseSpec): Promise<PeerOutcome> => {
    const { data } = spec;
    const check = checkKeys(data);
    const samples: Sample[] = [];
    const answers: string[] = [];
    for (let run = 0; run < ctx.config.runs; run++) {
      const slot = ctx.scratch(`bulk-${factory.name}`);
      const peer = factory.create();
      await peer.open(slot.dir, { create: true, workDir: slot.workDir });
      const sample = await ctx.meter.measure({ ops: data.size, fileSize: () => peer.fileSize() }, async () => {
        await peer.bulkInsert(data.keys, data.values);
        await peer.close();
        return { fileSize: peer.fileSize() };
      });
      samples.push(sample);
      const reopened = factory.create();
      await reopened.open(slot.dir, { create: false, workDir: slot.workDir });
      try {
        answers.push(await spotCheck(ctx, reopened, check.present, check.absent));
      } finally {
        await reopened.close();
      }
      // The last run's store becomes the fixture the other workloads open or copy.
      if (run === ctx.config.runs - 1 && !ctx.hasFixture(factory, data)) ctx.adopt(factory, data, slot.dir);
      else ctx.release(factory, slot);
    }
    return { status: 'ok', samples, answer: oneAnswer(factory, spec.id, answers) };
  },
};
