/**
 * The client side of the monitor protocol, used by the service's `locks.*` handlers: connects
 * to the endpoint an advert names, says hello with its token, asks for snapshots and receives
 * batches. Every wait has a timeout, so a hung or vanished process never hangs the inspector.
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { LockSnapshotData } from '../contracts/locks';
import { discover } from './advert';
import type { MonitorDiscovery } from '../contracts/locks';
import { MONITOR_FORMAT, type MonitorAdvert, type MonitorCommand, type MonitorHello, type MonitorSnapshotParams, type WireBatch } from './protocol';

/** How long a connect or a request may take before it fails. */
const DEFAULT_TIMEOUT_MS = 3000;
/** Longest line accepted from a monitor (a snapshot page is far smaller). */
const MAX_REPLY_LINE = 64 << 20;

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
  onBatch?(batch: WireBatch): void;
  /** The connection ended without {@link MonitorClient.close}: the process exited or the socket dropped. */
  onClose?(reason: string): void;
}

function describeSocketError(error: NodeJS.ErrnoException, advert: MonitorAdvert): string {
  const where = advert.transport === 'unix' ? advert.socket : `${advert.host}:${advert.port}`;
  if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') return `the monitor socket ${where} refuses connections (its process is gone)`;
  return `cannot reach the monitor at ${where}: ${error.code ?? error.message}`;
}

/** Connects and says hello. Rejects with {@link MonitorError} (refused, timed out, wrong token, wrong format). */
export function connectMonitor(advert: MonitorAdvert, options: ConnectOptions = {}): Promise<MonitorClient> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
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

  const finish = (reason: string): void => {
    if (ended) return;
    ended = true;
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
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim()) onLine(line);
    }
    if (buffered.length > MAX_REPLY_LINE) {
      endReason = 'the monitor sent an overlong line';
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
