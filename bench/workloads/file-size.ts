/**
 * Workload 10: file size after the load, and after deleting half of the records (one commit,
 * then close; no explicit compaction or VACUUM, so this is what a user sees). One run: the sizes
 * are deterministic, the delete time is reported for information.
 */
import type { BenchContext } from '../context';
import { pickKeys } from '../data';
import { pathSize } from '../fsutil';
import type { PeerFactory } from '../peers/types';
import { checkKeys, count, spotCheck, unsupported, withPeer } from './common';
import type { CaseSpec, PeerOutcome, Workload } from './types';

/** File size after load and after deleting half. */
export const fileSize: Workload = {
  name: 'file-size',
  cases: (ctx: BenchContext): CaseSpec[] => [
    {
      id: 'file-size',
      title: `file size of ${count(ctx.data.size)} records, and after deleting half`,
      data: ctx.data,
      ratios: ['metric:afterLoad', 'metric:afterDeleteHalf'],
      columns: [
        { key: 'metric:afterLoad', label: 'after load', unit: 'bytes' },
        { key: 'metric:afterDeleteHalf', label: 'after deleting half', unit: 'bytes' },
      ],
      method: 'apparent size of the store files after the bulk load (closed), then after deleting a random half in one commit and closing; time = the delete',
    },
  ],
  run: async (ctx: BenchContext, factory: PeerFactory, spec: CaseSpec): Promise<PeerOutcome> => {
    const na = unsupported(factory, 'fileSize');
    if (na) return na;
    const half = pickKeys(spec.data, Math.floor(spec.data.size / 2), 0x4a1f);
    const gone = new Set(half);
    const kept = checkKeys(spec.data).present.filter((k) => !gone.has(k));
    const afterLoad = pathSize(await ctx.fixture(factory, spec.data));
    let answer = '';
    let dir = '';
    const sample = await withPeer(ctx, factory, 'copy', spec.data, async (peer, slot) => {
      dir = slot.dir;
      const s = await ctx.meter.measure({ ops: half.length, fileSize: () => peer.fileSize() }, () => peer.deleteMany(half));
      answer = await spotCheck(ctx, peer, kept, half);
      await peer.close();
      return { ...s, metrics: { ...s.metrics, afterLoad, afterDeleteHalf: pathSize(dir) } };
    });
    return { status: 'ok', samples: [sample], answer };
  },
};
