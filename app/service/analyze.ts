/**
 * Overview statistics by walking the tree node by node through `readNode`.
 *
 * Why not the engine's `analyze()`: it is synchronous and walks everything in one go, which
 * would freeze the host for seconds on a big store and could not be cancelled. Walking here,
 * one node per step with a checkpoint between slices, keeps the host responsive, streams
 * progress and stops on `job.cancel`. The walk is breadth-first so the total is exact once the
 * level above the leaves has been read (after the first ~1/fanout of the work); the record
 * count is then a cursor pass (buffered messages applied), also sliced. The file's sizes
 * (app/service/sizes.ts) come last, from the engine's walk of every retained version.
 */
import type { TreeStatsData, AtVersion } from '../contract';
import type { AddressView, Store } from './engine';
import type { JobContext } from './jobs';
import { storeSizes } from './sizes';
import { readerAt } from './time-travel';

/**
 * Walks the tree of the head version of `store` (or of `at`) and summarises it. Reads each
 * node once. For an older version, "live" bytes are that version's and "dead" the rest.
 */
export async function analyzeTree(store: Store, job: JobContext, at?: AtVersion): Promise<TreeStatsData> {
  const info = store.info();
  const reader = readerAt(store, at);
  const rootAddress = store.rootAddress(reader.version);
  const height = rootAddress.level + 1;
  const nodesPerLevel = new Array<number>(height).fill(0);
  const leafFill = new Array<number>(10).fill(0);
  const buffers = new Map<number, { nodes: number; messages: number; bytes: number }>();
  let leafKeys = 0;
  let nodeBytes = 0;
  let largeCount = 0;
  let largeBytes = 0;
  let done = 0;
  let total = 1;
  let frontier: AddressView[] = [rootAddress];
  while (frontier.length > 0) {
    const next: AddressView[] = [];
    for (const address of frontier) {
      await job.checkpoint();
      const node = store.readNode(address);
      const depth = Math.max(0, height - 1 - node.level);
      nodesPerLevel[depth] = (nodesPerLevel[depth] ?? 0) + 1;
      // encodedBytes covers an internal node's whole journal chain, not just its newest segment.
      nodeBytes += node.encodedBytes;
      if (node.kind === 'leaf') {
        leafKeys += node.keys.length;
        leafFill[Math.min(9, Math.max(0, Math.floor(node.fill * 10)))]! += 1;
        for (const v of node.values) {
          if (v.large) {
            largeCount += 1;
            largeBytes += v.length;
          }
        }
      } else {
        const b = buffers.get(node.level) ?? { nodes: 0, messages: 0, bytes: 0 };
        b.nodes += 1;
        b.messages += node.buffer.length;
        b.bytes += node.bufferBytes;
        buffers.set(node.level, b);
        next.push(...node.children);
      }
      done += 1;
      job.progress(done, total, 'nodes');
    }
    total += next.length;
    frontier = next;
  }
  // Leaves alone miss what still waits in buffers; the cursor merges both, as reads do.
  let records = 0;
  for (const _ of reader.scan()) {
    records += 1;
    if ((records & 1023) === 0) {
      job.progress(records, Math.max(records, leafKeys), 'records');
      await job.checkpoint();
    }
  }
  // Sizes need every retained version's blocks, not just this tree's (one more sync walk).
  const sizes = storeSizes(store);
  job.progress(done, done, 'done');
  const liveBytes = nodeBytes + largeBytes;
  const bufferSize = info.params.bufferSize;
  return {
    height,
    nodesPerLevel,
    leafFill,
    bufferOccupancy: [...buffers.entries()]
      .sort((a, b) => b[0] - a[0])
      .map(([level, b]) => ({ level, depth: height - 1 - level, nodes: b.nodes, messages: b.messages, bytes: b.bytes, fill: b.bytes / (b.nodes * bufferSize) })),
    records,
    liveBytes,
    deadBytes: sizes.deadBytes,
    sizes,
    largeValues: { count: largeCount, bytes: largeBytes },
  };
}
