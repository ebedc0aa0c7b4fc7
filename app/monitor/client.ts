/**
 * The client side of the monitor protocol, used by the service's `locks.*` handlers: connects
 * to the endpoint an advert names, says hello with its token, asks for snapshots and receives
 * batches. Every wait has a timeout, so a hung or vanished process never hangs the inspector.
 */
import { lstatSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { MAX_KEY_BYTES } from '../../engine/index';
import { LOCK_BATCH_SAMPLE_MAX, LOCK_BUCKETS_MAX, LOCK_GROUPS_LIMIT_MAX, LOCK_TIMELINE_MAX } from '../contract/locks';
import type { LockSnapshotData } from '../contract/locks';
import { discover, isLoopbackAddress } from './advert';
import type { MonitorDiscovery } from '../contract/locks';
import { MONITOR_FORMAT, type MonitorAdvert, type MonitorCommand, type MonitorHello, type MonitorSnapshotParams, type WireBatch } from './protocol';

/** How long a connect or a request may take before it fails. */
const DEFAULT_TIMEOUT_MS = 3000;
/**
 * Longest line accepted from a monitor: the largest reply the protocol can produce, and no
 * more. A snapshot page carries at most LOCK_GROUPS_LIMIT_MAX groups, LOCK_TIMELINE_MAX waits and
 * LOCK_BUCKETS_MAX buckets (a batch, LOCK_BATCH_SAMPLE_MAX events), each with two keys of at
 * most MAX_KEY_BYTES as hex; 4 MiB covers everything else (ids, counters, member lists). With
 * 2 KiB keys that is about 33 MiB; typical pages are a few KB.
 */
export const MAX_REPLY_LINE = (LOCK_GROUPS_LIMIT_MAX + LOCK_TIMELINE_MAX + LOCK_BUCKETS_MAX + LOCK_BATCH_SAMPLE_MAX) * 2 * (2 * MAX_KEY_BYTES + 16) + (4 << 20);
/**
 * A subscribed monitor sends at least one batch a second (its heartbeat); this long without a
 * line means the process hangs or the connection is half-open, and the attachment ends.
 */
const DEFAULT_HEARTBEAT_TIMEOUT_MS = 15_000;

/** A failure talking to a monitor, with one line a person can act on. */
export class MonitorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MonitorError';
  }
}

/** A connection to one monitor. */
export interface MonitorClient {
  readonly hello: MonitorHello;
  /** The aggregated lock table (keys as hex). */
  snapshot(params: MonitorSnapshotParams): Promise<LockSnapshotData<string>>;
  /** Starts the batch stream; batches go to `onBatch` given to {@link connectMonitor}. */
  subscribe(): Promise<void>;
  /** Closes the connection (`onClose` is not called for a close asked for here). */
  close(): void;
  readonly closed: boolean;
}

/** Options of {@link connectMonitor}. */
export interface ConnectOptions {
  readonly timeoutMs?: number;
  /** While subscribed, silence longer than this ends the connection (default 15 s). */
  readonly heartbeatTimeoutMs?: number;
  onBatch?(batch: WireBatch): void;
  /** The connection ended without {@link MonitorClient.close}: the process exited or the socket dropped. */
  onClose?(reason: string): void;
}

function describeSocketError(error: NodeJS.ErrnoException, advert: MonitorAdvert): string {
  const where = advert.transport === 'unix' ? advert.socket : `${advert.host}:${advert.port}`;
  if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') return `the monitor socket ${where} refuses connections (its process is gone)`;
  return `cannot reach the monitor at ${where}: ${error.code ?? error.message}`;
}

/**
 * Why the endpoint an advert names must not be contacted, or null. A TCP endpoint must be a
 * loopback address; a Unix socket that exists must be a socket owned by this user (one that
 * does not exist is left to connect, which says the process is gone). O(1): one lstat.
 */
export function endpointProblem(advert: MonitorAdvert): string | null {
  if (advert.transport === 'tcp') {
    return isLoopbackAddress(advert.host ?? '') ? null : `the monitor address ${String(advert.host)} is not a loopback address; it is not contacted`;
  }
  let stat;
  try {
    stat = lstatSync(advert.socket as string);
  } catch {
    return null;
  }
  if (!stat.isSocket()) return `${String(advert.socket)} is not a socket; it is not contacted`;
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) return `the monitor socket ${String(advert.socket)} belongs to user ${stat.uid}, not to you (${uid}); it is not contacted`;
  return null;
}

/** Connects and says hello. Rejects with {@link MonitorError} (refused, timed out, wrong token, wrong format). */
export function connectMonitor(advert: MonitorAdvert, options: ConnectOptions = {}): Promise<MonitorClient> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS;
  const refused = endpointProblem(advert);
  if (refused !== null) return Promise.reject(new MonitorError(refused));
  const socket: Socket = advert.transport === 'unix'
    ? netConnect({ path: advert.socket as string })
    : netConnect({ host: advert.host ?? '127.0.0.1', port: advert.port as number });
  socket.setEncoding('utf8');
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void; timer: ReturnType<typeof setTimeout> }>();
  let nextId = 0;
  let closedByUs = false;
  let ended = false;
  let endReason = 'the monitor closed the connection';
  let buffered = '';
  let helloDone = false;
  let subscribed = false;
  let silence: ReturnType<typeof setTimeout> | null = null;
  // While subscribed, every line re-arms this; silence past the limit ends the connection.
  const armHeartbeat = (): void => {
    if (!subscribed || ended) return;
    if (silence) clearTimeout(silence);
    silence = setTimeout(() => {
      endReason = `the monitor sent nothing for ${heartbeatTimeoutMs} ms (its heartbeat stopped): the process hangs or the connection dropped`;
      socket.destroy();
    }, heartbeatTimeoutMs);
    silence.unref();
  };

  const finish = (reason: string): void => {
    if (ended) return;
    ended = true;
    if (silence) clearTimeout(silence);
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(new MonitorError(reason));
    }
    pending.clear();
    if (!closedByUs && helloDone) options.onClose?.(reason);
  };

  const request = <T>(cmd: MonitorCommand, params?: Record<string, unknown>): Promise<T> => {
    if (ended) return Promise.reject(new MonitorError(endReason));
    const id = ++nextId;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new MonitorError(`the monitor did not answer ${cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      socket.write(`${JSON.stringify({ id, token: advert.token, cmd, ...(params ? { params } : {}) })}\n`);
    });
  };

  const onLine = (line: string): void => {
    let message: { id?: unknown; result?: unknown; error?: unknown; batch?: unknown };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      endReason = 'the monitor sent something that is not JSON';
      socket.destroy();
      return;
    }
    if (message.batch !== undefined) {
      options.onBatch?.(message.batch as WireBatch);
      return;
    }
    const p = typeof message.id === 'number' ? pending.get(message.id) : undefined;
    if (!p) return;
    pending.delete(message.id as number);
    clearTimeout(p.timer);
    if (message.error !== undefined) p.reject(new MonitorError(`the monitor refused: ${String(message.error)}`));
    else p.resolve(message.result);
  };

  socket.on('data', (chunk: string) => {
    armHeartbeat();
    // Newlines are searched in the new chunk only: a long line costs O(its length), not O(n²).
    let start = 0;
    let newline: number;
    while ((newline = chunk.indexOf('\n', start)) >= 0) {
      const line = buffered + chunk.slice(start, newline);
      buffered = '';
      start = newline + 1;
      if (line.trim()) onLine(line);
      if (socket.destroyed) return;
    }
    buffered += chunk.slice(start);
    if (buffered.length > MAX_REPLY_LINE) {
      endReason = `the monitor sent a line longer than ${MAX_REPLY_LINE} bytes, more than any reply can be`;
      buffered = '';
      socket.destroy();
    }
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    endReason = describeSocketError(error, advert);
  });
  socket.on('close', () => finish(closedByUs ? 'detached' : endReason));

  return new Promise<MonitorClient>((resolve, reject) => {
    const connectTimer = setTimeout(() => {
      closedByUs = true;
      socket.destroy();
      reject(new MonitorError(`the monitor did not accept a connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(connectTimer);
      request<MonitorHello>('hello').then((hello) => {
        if (hello.format !== MONITOR_FORMAT) throw new MonitorError(`the monitor speaks ${String(hello.format)}, this inspector ${MONITOR_FORMAT}`);
        helloDone = true;
        resolve({
          hello,
          snapshot: (params) => request<LockSnapshotData<string>>('snapshot', { ...params }),
          subscribe: async () => {
            await request('subscribe');
            subscribed = true;
            armHeartbeat();
          },
          close() {
            closedByUs = true;
            finish('detached');
            socket.destroy();
          },
          get closed() {
            return ended;
          },
        });
      }).catch((error: unknown) => {
        closedByUs = true;
        socket.destroy();
        reject(error instanceof MonitorError ? error : new MonitorError(String(error)));
      });
    });
    socket.once('close', () => {
      clearTimeout(connectTimer);
      if (!helloDone) reject(new MonitorError(endReason));
    });
  });
}

/** Checks that an advert's endpoint answers hello: null when it does, else why not. */
export async function probeMonitor(advert: MonitorAdvert, timeoutMs = 1000): Promise<string | null> {
  try {
    const client = await connectMonitor(advert, { timeoutMs });
    client.close();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Live, stale or absent: the advert beside `storePath`, its pid and its endpoint checked. */
export function discoverMonitor(storePath: string): Promise<MonitorDiscovery> {
  return discover(storePath, (advert) => probeMonitor(advert));
}
