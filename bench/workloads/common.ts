/** Helpers shared by the workload files. */
import type { BenchContext, Slot } from '../context';
import { freshRecords, pickKeys, type Dataset } from '../data';
import type { Peer, PeerFactory, PeerSupport } from '../peers/types';
import { Tally } from '../tally';
import type { PeerOutcome } from './types';

/** How a workload wants its store: new and empty, the shared fixture as is, or a private copy of it. */
export type StoreMode = 'empty' | 'fixture' | 'copy';

/** Opens a store for `fn` and always closes (and, unless it is the shared fixture, removes) it. */
export async function withPeer<T>(
  ctx: BenchContext,
  factory: PeerFactory,
  mode: StoreMode,
  data: Dataset,
  fn: (peer: Peer, slot: Slot) => Promise<T>,
): Promise<T> {
  // In fixture mode the store is shared and stays; only the side directory is ours to remove.
  let owned: Slot;
  let slot: Slot;
  if (mode === 'fixture') {
    const dir = await ctx.fixture(factory, data);
    owned = ctx.scratch(`side-${factory.name}`);
    slot = { dir, workDir: owned.workDir };
  } else {
    owned = slot = mode === 'copy' ? await ctx.copyOf(factory, data) : ctx.scratch(`${factory.name}-${data.size}`);
  }
  const peer = factory.create();
  await peer.open(slot.dir, { create: mode === 'empty', workDir: slot.workDir });
  try {
    return await fn(peer, slot);
  } finally {
    await peer.close();
    ctx.release(factory, owned);
  }
}

/** "n/a" with the peer's reason when it lacks `feature`, else undefined. */
export function unsupported(factory: PeerFactory, feature: keyof PeerSupport): PeerOutcome | undefined {
  const value = factory.create().support[feature];
  return value === true ? undefined : { status: 'n/a', reason: value };
}

/** Throws unless every run of one peer gave the same answer; returns it. */
export function oneAnswer(factory: PeerFactory, what: string, answers: readonly string[]): string {
  const distinct = [...new Set(answers)];
  if (distinct.length !== 1) throw new Error(`${factory.name} gave different answers across runs of ${what}: ${distinct.join(' vs ')}`);
  return distinct[0]!;
}

/** A new tally honouring --strict. */
export function tally(ctx: BenchContext): Tally {
  return new Tally(ctx.config.strict);
}

/**
 * The verification read after a mutation: up to 1000 keys expected present and up to 1000 keys
 * never inserted (all must miss), so a peer that lost or invented records gives a different digest.
 */
export async function spotCheck(ctx: BenchContext, peer: Peer, present: readonly Buffer[], absent: readonly Buffer[] = []): Promise<string> {
  const t = tally(ctx);
  await peer.getMany(present.slice(0, 1000), t);
  await peer.getMany(absent.slice(0, 1000), t);
  return t.digest();
}

/** 1000 keys of `data` plus 100 keys that were never inserted, for spot checks. */
export function checkKeys(data: Dataset): { present: Buffer[]; absent: Buffer[] } {
  return { present: pickKeys(data, 1000, 0xc0ffee), absent: [...freshRecords(100, 0xbad).keys] };
}

/** "1M", "100k", "2000": record counts as the tables print them. */
export function count(n: number): string {
  if (n >= 1e6 && n % 1e5 === 0) return `${n / 1e6}M`;
  if (n >= 1e4 && n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}

/** Scales a full-size count by --quick / --records, at least `min`. */
export function scaled(ctx: BenchContext, full: number, min = 10): number {
  return Math.max(min, Math.round(full * ctx.config.scale));
}

/**
 * An operation count the issue fixes (1000 commits, 1000 range scans): kept at `full` down to
 * 100k records (so --quick measures the same thing), scaled below that (smoke tests).
 */
export function fixedCount(ctx: BenchContext, full: number): number {
  return Math.min(full, scaled(ctx, full * 10));
}
