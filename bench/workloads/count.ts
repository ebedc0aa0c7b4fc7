/**
 * Workload 11: counts and positions on a loaded store (the inspector's total and its scrollbar).
 * `count` of random key ranges, and "jump to row i" (the i-th record in key order) for rows
 * around the middle. Thunderhead stores per-child counts (O(height) warm); SQLite counts by
 * walking its index (`count(*)` over a range, `LIMIT 1 OFFSET i`), lmdb by iterating
 * (`getCount`, `getKeys({ offset })`); the others have neither.
 */
import type { BenchContext } from '../context';
import { pickKeys } from '../data';
import type { Sample } from '../harness';
import type { PeerFactory } from '../peers/types';
import { count, fixedCount, oneAnswer, unsupported, withPeer } from './common';
import type { CaseSpec, PeerOutcome, Workload } from './types';

/** Counts and row jumps. */
export const counts: Workload = {
  name: 'count',
  cases: (ctx: BenchContext): CaseSpec[] => [
    {
      id: 'count-range',
      title: `${fixedCount(ctx, 100)} counts of random key ranges on ${count(ctx.data.size)} records`,
      data: ctx.data,
      method: 'loaded store opened once, warmed by one untimed pass; each count is of [a, b) between two random existing keys; ops = counts',
    },
    {
      id: 'jump-to-row',
      title: `${fixedCount(ctx, 100)} jumps to a row near the middle of ${count(ctx.data.size)} records`,
      data: ctx.data,
      method: 'loaded store opened once, warmed by one untimed pass; each op reads the key of row size/2 + i (0-based, key order); ops = jumps',
    },
  ],
  run: async (ctx: BenchContext, factory: PeerFactory, spec: CaseSpec): Promise<PeerOutcome> => {
    const na = unsupported(factory, 'positional');
    if (na) return na;
    const n = fixedCount(ctx, 100);
    const ends = pickKeys(spec.data, 2 * n, 0xc0de);
    const ranges = Array.from({ length: n }, (_, i) => {
      const [a, b] = [ends[2 * i]!, ends[2 * i + 1]!];
      return Buffer.compare(a, b) <= 0 ? [a, b] : [b, a];
    });
    const rows = Array.from({ length: n }, (_, i) => Math.floor(spec.data.size / 2) + i);
    return withPeer(ctx, factory, 'fixture', spec.data, async (peer) => {
      const once = async (): Promise<string> => {
        let sum = 0;
        if (spec.id === 'count-range') {
          for (const [a, b] of ranges) sum += await peer.countRange(a!, b!);
          return `records=${sum}`;
        }
        let bytes = 0;
        for (const i of rows) {
          const k = await peer.entryAt(i);
          if (k === undefined) throw new Error(`${factory.name} has no row ${i}`);
          bytes += k[0]! + k.length;
        }
        return `rows=${rows.length} keysum=${bytes}`;
      };
      await once(); // warm
      const samples: Sample[] = [];
      const answers: string[] = [];
      for (let run = 0; run < ctx.config.runs; run++) {
        let answer = '';
        samples.push(
          await ctx.meter.measure({ ops: n }, async () => {
            answer = await once();
          }),
        );
        answers.push(answer);
      }
      return { status: 'ok' as const, samples, answer: oneAnswer(factory, spec.id, answers) };
    });
  },
};
