/**
 * Lock workloads (issue 7): lock requests per second through the engine's LockManager.
 *
 * - uncontended: one exclusive key lock acquired and released per transaction, on an empty
 *   table and beside 50k locks other transactions hold on other keys (the interval index's
 *   O(log n) shows as the difference);
 * - 8 clients on 256 hot keys: eight concurrent async clients, each transaction locking two
 *   random hot keys exclusively in ascending order and holding them across an event-loop turn
 *   before releasing, so requests really queue and wake each other.
 *
 * No storage peer has a lock manager, so these run outside the peer harness (like the inspector
 * workload): `npm run bench -- --only locks`, or on their own with
 * `node --import tsx bench/locks.ts [--quick]`.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { LockManager } from '../engine/index';
import { median } from './harness';

/** One measured case. */
export interface LockCaseResult {
  readonly id: string;
  readonly title: string;
  /** acquire+release pairs (uncontended) or lock requests (clients) per run. */
  readonly ops: number;
  readonly runsMs: readonly number[];
  readonly medianMs: number;
  /** Lock requests per second at the median wall-clock time. */
  readonly perSecond: number;
  /** The same per CPU second of this process (steadier than wall time on a loaded machine). */
  readonly perCpuSecond: number;
  /** Requests that had to wait, in the median run. */
  readonly waits: number;
  readonly deadlocks: number;
}

/** Options of {@link lockBench}. */
export interface LockBenchOptions {
  readonly quick?: boolean;
  readonly runs?: number;
  /** Requests per run, overriding --quick's 100k and the full run's 1M (tests use a few). */
  readonly ops?: number;
}

interface RunResult {
  readonly ms: number;
  readonly cpuMs: number;
  readonly waits: number;
  readonly deadlocks: number;
}

const cpuNow = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

const key = (i: number): Buffer => {
  const k = Buffer.alloc(8);
  k.writeUInt32BE(0x6b657900, 0); // "key\0": realistic short keys sharing a prefix
  k.writeUInt32BE(i, 4);
  return k;
};

async function uncontended(ops: number, background: number): Promise<RunResult> {
  const m = new LockManager();
  // Other transactions' locks on keys the measured ones never touch (odd vs even numbers).
  // Their transaction ids (1…background) never meet the measured ones (after them), whatever ops is.
  for (let i = 0; i < background; i++) await m.acquire(i + 1, { key: key(2 * i + 1) }, 'exclusive');
  const keys = Array.from({ length: 4096 }, (_, i) => key(2 * ((i * 2654435761) % (background + 4096))));
  const start = performance.now();
  const cpu = cpuNow();
  for (let i = 0; i < ops; i++) {
    const tx = background + 1 + i;
    await m.acquire(tx, { key: keys[i & 4095]! }, 'exclusive');
    m.releaseAll(tx);
  }
  const ms = performance.now() - start;
  const cpuMs = cpuNow() - cpu;
  const s = m.stats();
  if (s.held !== background) throw new Error(`lock table holds ${s.held} locks, expected ${background}`);
  return { ms, cpuMs, waits: s.waits, deadlocks: s.deadlocks };
}

async function clients(requests: number, clientCount: number, hotKeys: number): Promise<RunResult> {
  const m = new LockManager({ defaultTimeoutMs: 60_000 });
  const keys = Array.from({ length: hotKeys }, (_, i) => key(i));
  let nextTx = 1;
  let issued = 0;
  let seed = 12345;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % hotKeys;
  };
  const client = async (): Promise<void> => {
    while (issued < requests) {
      const tx = nextTx++;
      const a = rnd();
      const b = rnd();
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      issued += lo === hi ? 1 : 2;
      await m.acquire(tx, { key: keys[lo]! }, 'exclusive');
      if (hi !== lo) await m.acquire(tx, { key: keys[hi]! }, 'exclusive');
      // Hold across a turn of the event loop, as a transaction doing work would.
      await new Promise<void>((r) => setImmediate(r));
      m.releaseAll(tx);
    }
  };
  const start = performance.now();
  const cpu = cpuNow();
  await Promise.all(Array.from({ length: clientCount }, () => client()));
  const ms = performance.now() - start;
  const cpuMs = cpuNow() - cpu;
  const s = m.stats();
  if (s.held !== 0 || s.waiting !== 0) throw new Error('locks left behind');
  return { ms, cpuMs, waits: s.waits, deadlocks: s.deadlocks };
}

async function measure(id: string, title: string, ops: number, runs: number, once: () => Promise<RunResult>): Promise<LockCaseResult> {
  await once(); // warm-up: JIT and allocation, not measured
  const results = [];
  for (let r = 0; r < runs; r++) {
    (globalThis as { gc?: () => void }).gc?.();
    results.push(await once());
  }
  const runsMs = results.map((x) => x.ms);
  const medianMs = median(runsMs);
  const mid = results.find((x) => x.ms === medianMs) ?? results[0]!;
  const cpuMs = median(results.map((x) => x.cpuMs));
  return { id, title, ops, runsMs, medianMs, perSecond: Math.round((ops * 1000) / medianMs), perCpuSecond: Math.round((ops * 1000) / cpuMs), waits: mid.waits, deadlocks: mid.deadlocks };
}

/** Runs the lock cases. */
export async function lockBench(options: LockBenchOptions = {}): Promise<LockCaseResult[]> {
  const runs = options.runs ?? 3;
  const ops = options.ops ?? (options.quick ? 100_000 : 1_000_000);
  const background = options.ops === undefined ? 50_000 : Math.min(50_000, options.ops);
  return [
    await measure('locks-uncontended', 'acquire + release, uncontended, empty table', ops, runs, () => uncontended(ops, 0)),
    await measure('locks-uncontended-held', `acquire + release, uncontended, beside ${background.toLocaleString('en')} held locks`, ops, runs, () => uncontended(ops, background)),
    await measure('locks-8-clients', 'lock requests, 8 clients on 256 hot keys (2 keys per transaction, held across a turn)', ops / 2, runs, () => clients(ops / 2, 8, 256)),
  ];
}

/** The results as text lines. */
export function lockReport(results: readonly LockCaseResult[]): string {
  return results.map((r) =>
    `${r.title}\n  ${r.ops.toLocaleString('en')} ops  median ${r.medianMs.toFixed(0)} ms  ${r.perSecond.toLocaleString('en')} /s (${r.perCpuSecond.toLocaleString('en')} per CPU second)  waits ${r.waits.toLocaleString('en')}  deadlocks ${r.deadlocks}  (runs: ${r.runsMs.map((x) => x.toFixed(0)).join(', ')} ms)`).join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await lockBench({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${lockReport(results)}\n`);
}
