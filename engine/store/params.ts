/** Tree parameters: the defaults and the check of the ones a caller asks for at create. */
import { InvalidArgumentError } from '../errors';
import type { StoreOptions } from './store-types';

/** Defaults measured with `npm run bench` on a 2-core machine (docs/BENCHMARKS.md). */
export const DEFAULT_PARAMS: Required<StoreOptions> = { nodeSize: 8192, fanout: 64, bufferSize: 32768, blobThreshold: 2048 };

/**
 * The parameters a new store gets: the given ones over the defaults, each checked against its
 * bounds (InvalidArgumentError naming the first one out of range). O(1).
 */
export function checkParams(o: StoreOptions): Required<StoreOptions> {
  const given = Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k in DEFAULT_PARAMS)) as StoreOptions;
  const p: { -readonly [K in keyof StoreOptions]-?: number } = { ...DEFAULT_PARAMS, ...given } as Required<StoreOptions>;
  // A value must fit in a leaf with room to spare: default the threshold to a quarter node.
  if (given.blobThreshold === undefined) p.blobThreshold = Math.min(DEFAULT_PARAMS.blobThreshold, Math.floor(p.nodeSize / 4));
  const int = (name: keyof StoreOptions, min: number, max: number): void => {
    const v = p[name];
    if (!Number.isInteger(v) || v < min || v > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max} (got ${v})`);
  };
  int('nodeSize', 256, 16 * 1024 * 1024);
  int('fanout', 3, 4096);
  int('bufferSize', 256, 64 * 1024 * 1024);
  int('blobThreshold', 16, p.nodeSize);
  return p;
}

