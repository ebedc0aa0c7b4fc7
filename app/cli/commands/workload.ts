/**
 * `workload FILE --clients N --seconds S [--hot-keys K] [--range-locks] [--deadlocks] [--json]`:
 * the lock demo and load test. Opens the store for writing, starts the lock monitor beside it
 * (so `thunderhead serve FILE` / the inspector can attach), and runs N clients concurrently in
 * this process: each loops over pessimistic transactions that lock keys (or ranges) among K hot
 * keys, read, write and commit. With --deadlocks some transactions take two locks in the
 * opposite order with a pause between them, so real deadlocks form and the lock manager breaks
 * them (the victim aborts and retries). Prints a line per second and a summary; Ctrl-C stops.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DeadlockError, LockCancelledError, LockTimeoutError, Store, type LockStats, type Transaction } from '../../../engine/index';
import { encodeKey, encodeValue } from '../../../engine/records/index';
import { startMonitor, type MonitorServer } from '../../monitor/server';
import type { CommandContext } from '../context';
import { UsageError } from '../errors';
import { cliCommand } from '../invocation';
import { parsePositiveInt } from '../options';
import { requireStoreFile } from '../store-access';

interface WorkloadOptions {
  clients: number;
  seconds: number;
  hotKeys: number;
  rangeLocks?: boolean;
  deadlocks?: boolean;
  json?: boolean;
}

/** Most clients: each is a coroutine in this process, so more only measures the event loop. */
export const WORKLOAD_MAX_CLIENTS = 1024;
/** Lock wait limit of workload transactions: long enough for real queues, short enough to show timeouts. */
const LOCK_TIMEOUT_MS = 2000;
/** Keys of the deadlock zone: the opposite-order pairs are drawn from these so they collide often. */
const DEADLOCK_ZONE = 4;

/** Counters of one run. */
export interface WorkloadTotals {
  /** Transactions that committed writes. */
  committed: number;
  /** Readers: finished without anything to commit. */
  readOnly: number;
  aborted: number;
  deadlockVictims: number;
  timeouts: number;
}

function parseSeconds(text: string): number {
  const value = Number(text.trim());
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !Number.isFinite(value)) throw new InvalidArgumentError('must be a number of seconds ≥ 0 (0 runs until interrupted)');
  return value;
}

/** The key of hot key `i`: a tuple, so the inspector shows `["workload", i]`. */
function hotKey(i: number): Buffer {
  return encodeKey(['workload', i]);
}

/** A small deterministic generator per client: runs differ only by timing, not by choices. */
function random(seed: number): () => number {
  let s = (seed * 2654435761) >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const yieldTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * One transaction of a client; resolves `true` when it committed writes, `false` for a reader
 * (ended without a commit), and rejects with the lock error that aborted it.
 */
async function runTransaction(store: Store, opts: WorkloadOptions, rnd: () => number, client: number, seq: number, track: Set<Transaction>): Promise<boolean> {
  const tx = store.begin();
  track.add(tx);
  const lockOpts = { timeoutMs: LOCK_TIMEOUT_MS };
  try {
    const k = opts.hotKeys;
    const roll = rnd();
    if (opts.deadlocks && roll < 0.3 && k >= 2) {
      // Two keys of the small zone in a random order, with a pause between the locks: two such
      // transactions holding each other's first key is a real deadlock.
      const zone = Math.min(k, DEADLOCK_ZONE);
      const a = Math.floor(rnd() * zone);
      const b = (a + 1 + Math.floor(rnd() * (zone - 1))) % zone;
      await tx.lock({ key: hotKey(a) }, 'exclusive', lockOpts);
      await pause(1 + Math.floor(rnd() * 3));
      await tx.lock({ key: hotKey(b) }, 'exclusive', lockOpts);
      tx.put(hotKey(a), encodeValue({ client, seq, swapWith: b }));
      tx.put(hotKey(b), encodeValue({ client, seq, swapWith: a }));
    } else if (opts.rangeLocks && roll < 0.6) {
      // One range lock per transaction. It holds nothing while it waits, yet it can still close
      // a cycle: FIFO queueing makes a later key request wait behind it (no overtaking), so range
      // traffic mixed with two-key transactions does produce the occasional real deadlock.
      const start = Math.floor(rnd() * k);
      const end = Math.min(k, start + 1 + Math.floor(rnd() * 8));
      const range = { from: hotKey(start), to: hotKey(end) };
      if (rnd() < 0.5) {
        await tx.lock(range, 'shared', lockOpts);
        let n = 0;
        for (const entry of tx.scan({ from: range.from, to: range.to })) n += entry.valueLength;
        void n;
      } else {
        await tx.lock(range, 'exclusive', lockOpts);
        tx.put(hotKey(start), encodeValue({ client, seq, range: [start, end] }));
      }
    } else if (roll > 0.8) {
      // A reader: one shared lock, one read.
      await tx.getLocked(hotKey(Math.floor(rnd() * k)), lockOpts);
    } else {
      // Two keys locked exclusive in ascending order, then read and written. Ordered locking and
      // no shared-to-exclusive upgrades are the discipline under which no cycle can form.
      const a = Math.floor(rnd() * k);
      const b = Math.floor(rnd() * k);
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      await tx.lock({ key: hotKey(lo) }, 'exclusive', lockOpts);
      if (hi !== lo) await tx.lock({ key: hotKey(hi) }, 'exclusive', lockOpts);
      const before = tx.get(hotKey(lo));
      tx.put(hotKey(lo), encodeValue({ client, seq, previousBytes: before?.length ?? 0 }));
      if (hi !== lo) tx.put(hotKey(hi), encodeValue({ client, seq }));
    }
    // A reader has nothing to commit, and an empty commit would still add a version: end it.
    if (tx.size === 0) {
      tx.abort();
      return false;
    }
    tx.commit({ message: `workload client ${client}` });
    return true;
  } catch (error) {
    tx.abort();
    throw error;
  } finally {
    track.delete(tx);
  }
}

function rate(n: number, ms: number): number {
  return ms > 0 ? Math.round((n * 1000) / ms) : 0;
}

/** Adds `workload` to `program`. */
export function registerWorkloadCommand(program: Command, ctx: CommandContext): void {
  program
    .command('workload')
    .description('run concurrent transactions with locks and the lock monitor on: the contention demo and load test')
    .argument('<file>', 'store file (opened for writing; the monitor advert goes beside it)')
    .addOption(new Option('--clients <n>', 'concurrent clients').argParser(parsePositiveInt).default(8))
    .addOption(new Option('--seconds <s>', 'how long to run; 0 runs until Ctrl-C').argParser(parseSeconds).default(10))
    .addOption(new Option('--hot-keys <k>', 'size of the key space the clients fight over').argParser(parsePositiveInt).default(64))
    .option('--range-locks', 'some transactions lock key ranges (shared scans, exclusive updates); FIFO queues behind them can deadlock too')
    .option('--deadlocks', 'some transactions lock two keys in opposite orders, so deadlocks occur and are broken')
    .option('--json', 'print one JSON object per second and a JSON summary')
    .action(async (file: string, opts: WorkloadOptions) => {
      if (opts.clients > WORKLOAD_MAX_CLIENTS) throw new UsageError(`--clients must be at most ${WORKLOAD_MAX_CLIENTS}`);
      if (opts.hotKeys > 1_000_000) throw new UsageError('--hot-keys must be at most 1000000');
      if (opts.deadlocks && opts.clients < 2) throw new UsageError('--deadlocks needs at least 2 clients (a deadlock takes two)');
      if (opts.deadlocks && opts.hotKeys < 2) throw new UsageError('--deadlocks needs at least 2 hot keys');
      requireStoreFile(file);
      // A flush per commit would measure the disk, not the locks. Without it the engine still
      // flushes at every checkpoint (data before the superblock naming it) and close() flushes
      // everything, so the user's file is durable when the workload ends (even on Ctrl-C).
      // SIGKILL loses nothing either: the kernel holds the writes.
      const store = Store.open(file, { durable: false });
      let monitor: MonitorServer | null = null;
      let stopping = false;
      let interrupted = false;
      const active = new Set<Transaction>();
      let wake: (() => void) | null = null;
      const stop = (): void => {
        if (stopping) return;
        stopping = true;
        // Waiting requests are cancelled with the transactions, so no client waits out a timeout.
        for (const tx of [...active]) tx.abort();
        wake?.();
      };
      const onSignal = (): void => {
        interrupted = true;
        stop();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const totals: WorkloadTotals = { committed: 0, readOnly: 0, aborted: 0, deadlockVictims: 0, timeouts: 0 };
      let failure: unknown = null;
      const started = Date.now();
      const initial = store.locks.stats();
      try {
        monitor = await startMonitor({ path: file, locks: store.locks });
        const where = monitor.advert.transport === 'unix' ? `unix socket ${monitor.advert.socket}` : `127.0.0.1:${monitor.advert.port}`;
        if (opts.json) {
          await ctx.out.line(JSON.stringify({ type: 'start', pid: process.pid, advert: monitor.advertPath, transport: monitor.advert.transport, clients: opts.clients, seconds: opts.seconds }));
        } else {
          await ctx.out.line(`workload on ${file}: ${opts.clients} clients, ${opts.hotKeys} hot keys${opts.rangeLocks ? ', range locks' : ''}${opts.deadlocks ? ', deadlocks' : ''}; ${opts.seconds > 0 ? `${opts.seconds} s` : 'until Ctrl-C'}`);
          await ctx.out.line(`monitor: ${where} (advert ${monitor.advertPath}); attach with the inspector: ${cliCommand()} serve ${file}`);
        }
        await ctx.out.flush();

        const client = async (c: number): Promise<void> => {
          const rnd = random(c + 1);
          let seq = 0;
          while (!stopping) {
            try {
              if (await runTransaction(store, opts, rnd, c, seq++, active)) totals.committed++;
              else totals.readOnly++;
            } catch (error) {
              totals.aborted++;
              if (error instanceof DeadlockError) totals.deadlockVictims++;
              else if (error instanceof LockTimeoutError) totals.timeouts++;
              else if (!stopping && !(error instanceof LockCancelledError)) {
                // Anything but a lock outcome is a real failure (disk full, a bug): stop and report it.
                failure ??= error;
                stop();
              }
            }
            // Granted locks resolve as microtasks; without a macrotask turn the ticker would starve.
            await yieldTurn();
          }
        };

        const finished = (): number => totals.committed + totals.readOnly;
        let last = { at: started, stats: initial, finished: 0 };
        const tick = async (): Promise<void> => {
          const now = Date.now();
          const stats: LockStats = store.locks.stats();
          const ms = now - last.at;
          const line = {
            type: 'tick',
            elapsedS: Math.round((now - started) / 100) / 10,
            txPerS: rate(finished() - last.finished, ms),
            locksPerS: rate(stats.requests - last.stats.requests, ms),
            waits: stats.waits - last.stats.waits,
            timeouts: stats.timeouts - last.stats.timeouts,
            deadlocks: stats.deadlocks - last.stats.deadlocks,
            held: stats.held,
            waiting: stats.waiting,
          };
          last = { at: now, stats, finished: finished() };
          await ctx.out.line(opts.json ? JSON.stringify(line)
            : `${line.elapsedS.toFixed(1).padStart(6)}s  ${String(line.txPerS).padStart(6)} tx/s  ${String(line.locksPerS).padStart(7)} locks/s  waits ${line.waits}  timeouts ${line.timeouts}  deadlocks ${line.deadlocks}  held ${line.held}  waiting ${line.waiting}`);
          await ctx.out.flush();
        };

        const ticker = (async () => {
          const end = opts.seconds > 0 ? started + opts.seconds * 1000 : Infinity;
          while (!stopping) {
            const next = Math.min(end, last.at + 1000);
            await new Promise<void>((r) => {
              wake = r;
              setTimeout(r, Math.max(0, next - Date.now()));
            });
            wake = null;
            if (stopping) break;
            await tick();
            if (Date.now() >= end) stop();
          }
        })();
        await Promise.all([ticker, ...Array.from({ length: opts.clients }, (_, c) => client(c))]);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        for (const tx of [...active]) tx.abort();
        await monitor?.close();
        store.close();
      }
      if (failure !== null) throw failure;

      const elapsed = Date.now() - started;
      const stats = store.locks.stats();
      const summary = {
        type: 'summary',
        seconds: Math.round(elapsed / 100) / 10,
        clients: opts.clients,
        transactions: totals.committed + totals.readOnly,
        committed: totals.committed,
        readOnly: totals.readOnly,
        txPerS: rate(totals.committed + totals.readOnly, elapsed),
        aborted: totals.aborted,
        lockRequests: stats.requests - initial.requests,
        locksPerS: rate(stats.requests - initial.requests, elapsed),
        waits: stats.waits - initial.waits,
        timeouts: stats.timeouts - initial.timeouts,
        deadlocks: stats.deadlocks - initial.deadlocks,
        interrupted,
      };
      await ctx.out.line(opts.json ? JSON.stringify(summary)
        : `${interrupted ? 'interrupted' : 'done'}: ${summary.transactions} transactions in ${summary.seconds} s (${summary.txPerS}/s; ${summary.committed} committed writes, ${summary.readOnly} read-only), ` +
          `${summary.lockRequests} lock requests (${summary.locksPerS}/s), ${summary.waits} waits, ${summary.timeouts} timeouts, ` +
          `${summary.deadlocks} deadlocks (victims aborted and retried), ${summary.aborted} aborted`);
    });
}
