/**
 * Workload 9: diff of two versions 100 keys apart (40 updates, 30 deletes, 30 inserts), on the main
 * and on the small store (the O(changes) claim). Peers: sorted-btree `diffAgainst` of two clones,
 * lmdb merge-scan of two `backup` copies, SQLite FULL OUTER JOIN of two `VACUUM INTO` copies,
 * Thunderhead `diff(a, b)` of two snapshots. The result is checked against the change set itself.
 */
import { createHash } from 'node:crypto';
import type { BenchContext } from '../context';
import { makeChanges, type ChangeSet, type Dataset } from '../data';
import type { Sample } from '../harness';
import type { ChangeKind, PeerFactory } from '../peers/types';
import { count, oneAnswer, unsupported, withPeer } from './common';
import type { CaseSpec, PeerOutcome, Workload } from './types';

const CHANGES = 100;

function diffCase(id: string, data: Dataset): CaseSpec {
  return {
    id,
    title: `diff of ${CHANGES} changes in a ${count(data.size)}-record store`,
    data,
    method: `copy of the loaded store; snapshot a, one commit of ${CHANGES} changes, snapshot b (untimed); each run lists the differences a→b`,
  };
}

/** Canonical text of a list of changes: sorted by key, one "kind key-hex" per change, hashed. */
function digestChanges(changes: readonly { key: Buffer; kind: ChangeKind }[]): string {
  const sorted = [...changes].sort((x, y) => Buffer.compare(x.key, y.key));
  const hash = createHash('sha256');
  for (const c of sorted) hash.update(`${c.kind} ${c.key.toString('hex')}\n`);
  return `${sorted.length}/${hash.digest('hex').slice(0, 16)}`;
}

function expected(changes: ChangeSet, data: Dataset): string {
  const existing = new Set(data.keys);
  return digestChanges([
    ...changes.putKeys.map((key) => ({ key, kind: (existing.has(key) ? 'changed' : 'added') as ChangeKind })),
    ...changes.deleteKeys.map((key) => ({ key, kind: 'removed' as ChangeKind })),
  ]);
}

/** Diff at two sizes. */
export const diff: Workload = {
  name: 'diff',
  cases: (ctx: BenchContext): CaseSpec[] => [diffCase('diff-large', ctx.data), diffCase('diff-small', ctx.small)],
  run: async (ctx: BenchContext, factory: PeerFactory, spec: CaseSpec): Promise<PeerOutcome> => {
    const na = unsupported(factory, 'diff');
    if (na) return na;
    const changes = makeChanges(spec.data, CHANGES, 0xd1ff);
    const want = expected(changes, spec.data);
    return withPeer(ctx, factory, 'copy', spec.data, async (peer) => {
      const a = await peer.snapshot('diff-a');
      await peer.applyChanges(changes.putKeys, changes.putValues, changes.deleteKeys);
      const b = await peer.snapshot('diff-b');
      const samples: Sample[] = [];
      const answers: string[] = [];
      for (let run = 0; run < ctx.config.runs; run++) {
        const found: { key: Buffer; kind: ChangeKind }[] = [];
        samples.push(
          await ctx.meter.measure({ ops: 1 }, () =>
            peer.diff(a, b, (key, kind) => {
              found.push({ key, kind });
            }),
          ),
        );
        const got = digestChanges(found);
        if (got !== want) throw new Error(`${factory.name} diff reported ${found.length} changes (${got}), expected ${CHANGES} (${want})`);
        answers.push(got);
      }
      await peer.dropSnapshot(a);
      await peer.dropSnapshot(b);
      return { status: 'ok' as const, samples, answer: oneAnswer(factory, spec.id, answers) };
    });
  },
};
