/**
 * Workload 3: warm random point reads, in three shapes that every peer runs alike: one call per
 * key, batches of 1,000 random keys (one batch call or read transaction each), and the whole key
 * set in one call (for Thunderhead a single `getMany` that sorts the keys and walks the tree once,
 * a merge walk close to a scan; labelled "sorted batch" so it is not read as random point reads).
 * Every key is read once per run in the same seeded random order, after one untimed pass of the
 * same shape so caches (the store's and the OS's) are warm.
 */
import type { BenchContext } from '../context';
import { pickKeys } from '../data';
import type { Sample } from '../harness';
import { PEER_NAMES, PEERS, type ReadCalls } from '../peers';
import type { Peer, PeerFactory } from '../peers/types';
import type { Tally } from '../tally';
import { count, oneAnswer, tally, withPeer } from './common';
import type { CaseSpec, PeerOutcome, Workload } from './types';

/** Keys per batch in the batched row (classic-level's workload used 1,000 before this row existed). */
export const READ_BATCH = 1000;

/** The three read shapes, by case id. */
const SHAPES = {
  'warm-reads-per-key': 'each',
  'warm-reads-batch': 'batch',
  'warm-reads-sorted-batch': 'whole',
} as const satisfies Record<string, keyof ReadCalls>;

type ShapeCaseId = keyof typeof SHAPES;

/** "lmdb `getBinaryFast(key)`; classic-level …": each peer's call for one shape. */
function callsLine(shape: keyof ReadCalls): string {
  return PEER_NAMES.map((name) => `${name} ${PEERS[name].readCalls[shape]}`).join('; ');
}

function readShape(peer: Peer, shape: keyof ReadCalls, keys: readonly Buffer[], t: Tally): Promise<void> {
  if (shape === 'each') return peer.getEach(keys, t);
  if (shape === 'batch') return peer.getBatches(keys, READ_BATCH, t);
  return peer.getMany(keys, t);
}

/** Warm random point reads, per key, in batches of 1,000, and as one sorted batch. */
export const warmReads: Workload = {
  name: 'warm-reads',
  cases: (ctx: BenchContext): CaseSpec[] => {
    const n = count(ctx.data.size);
    const before = 'loaded store opened once; one untimed pass, then each run reads every key once in a seeded random order';
    return [
      {
        id: 'warm-reads-per-key',
        title: `${n} warm random point reads, one call per key`,
        data: ctx.data,
        method: `${before}, one call per key. Calls: ${callsLine('each')}`,
      },
      {
        id: 'warm-reads-batch',
        title: `${n} warm random point reads, in batches of ${count(READ_BATCH)} random keys`,
        data: ctx.data,
        method: `${before}, in consecutive batches of ${READ_BATCH} keys of that order (the same batches for every peer). Calls: ${callsLine('batch')}`,
      },
      {
        id: 'warm-reads-sorted-batch',
        title: `${n} warm point reads as one batch of all keys (sorted batch)`,
        data: ctx.data,
        method: `${before}, all ${n} keys handed over at once; Thunderhead sorts them and walks the tree once (a merge walk, close to a full scan), so this row is not a random-read figure. Calls: ${callsLine('whole')}`,
      },
    ];
  },
  run: async (ctx: BenchContext, factory: PeerFactory, spec: CaseSpec): Promise<PeerOutcome> => {
    const shape = SHAPES[spec.id as ShapeCaseId];
    if (shape === undefined) throw new Error(`warm-reads: unknown case ${spec.id}`);
    const keys = pickKeys(spec.data, spec.data.size, 0x5eed);
    return withPeer(ctx, factory, 'fixture', spec.data, async (peer) => {
      await readShape(peer, shape, keys, tally(ctx));
      const samples: Sample[] = [];
      const answers: string[] = [];
      for (let run = 0; run < ctx.config.runs; run++) {
        const t = tally(ctx);
        samples.push(await ctx.meter.measure({ ops: keys.length }, () => readShape(peer, shape, keys, t)));
        answers.push(t.digest());
      }
      return { status: 'ok' as const, samples, answer: oneAnswer(factory, spec.id, answers) };
    });
  },
};
