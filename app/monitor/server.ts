/**
 * The monitor endpoint of a process that has a store open for writing: its lock table and event
 * stream, read-only, on a Unix domain socket beside the file (127.0.0.1 TCP with the same token
 * where Unix sockets are unavailable), advertised by `<file>.monitor.json`.
 *
 * Aggregation happens here, in the monitored process, so a 50k-lock table or 10k events/s cost
 * the socket only a page and a batch every 100 ms. Nothing a client sends can reach a method
 * that changes state: the server holds only `snapshot`, `stats` and `on` of the lock manager.
 *
 * A client must present the token within `authTimeoutMs` of connecting or it is dropped, and
 * events are recorded only while an authenticated client is connected (an unauthenticated one
 * costs the monitored process nothing). An authenticated client that neither subscribes nor
 * asks anything for `idleTimeoutMs` is dropped too; a subscriber that stops reading is dropped
 * once its unsent backlog passes {@link MAX_SUBSCRIBER_BACKLOG_BYTES}.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { LockEvent, LockStats, LockTableSnapshot } from '../../engine/index';
import { LOCK_BATCH_INTERVAL_MS, LOCK_BUCKETS_MAX, LOCK_GROUPS_LIMIT_MAX } from '../contract/locks';
import { aggregateSnapshot, EventBatcher, WaitHistory } from './aggregate';
import { removeAdvert, socketPath, writeAdvert } from './advert';
import { MAX_REQUEST_LINE, MONITOR_FORMAT, type MonitorAdvert, type MonitorHello, type MonitorMessage, type MonitorSnapshotParams } from './protocol';

/** What the monitor reads from a lock manager: nothing here can change it. */
export interface MonitoredLocks {
  snapshot(): LockTableSnapshot;
  stats(): LockStats;
  on(listener: (e: LockEvent) => void): () => void;
}

/** Options of {@link startMonitor}. */
export interface MonitorOptions {
  /** The store file (the advert and the socket go beside it). */
  readonly path: string;
  readonly locks: MonitoredLocks;
  /** `'auto'` (default): a Unix socket when possible, else TCP. `'tcp'` forces loopback TCP. */
  readonly transport?: 'auto' | 'tcp';
  /** Batch interval, ms (default {@link LOCK_BATCH_INTERVAL_MS}). */
  readonly batchIntervalMs?: number;
  /** A client must send a request with the token within this (default 5 s). */
  readonly authTimeoutMs?: number;
  /** An authenticated, unsubscribed client silent this long is dropped (default 60 s). */
  readonly idleTimeoutMs?: number;
}

/** A running monitor. */
export interface MonitorServer {
  readonly advert: MonitorAdvert;
  readonly advertPath: string;
  /** Connected clients now. */
  readonly clients: number;
  /** Stops listening, drops clients, removes the advert and the socket file. Idempotent. */
  close(): Promise<void>;
}

/** Longest Unix socket path Linux and macOS accept (sun_path is 108 / 104 bytes with the NUL). */
const MAX_SOCKET_PATH = 103;
/** A client whose socket has this much unsent data gets no more batches until it drains. */
const MAX_BACKLOG_BYTES = 4 << 20;
/** A subscriber this far behind has stopped reading: it is dropped. */
export const MAX_SUBSCRIBER_BACKLOG_BYTES = 16 << 20;
const DEFAULT_AUTH_TIMEOUT_MS = 5000;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
/** Even without events, a subscriber hears from the monitor this often (counters, liveness). */
const HEARTBEAT_MS = 1000;

interface Client {
  readonly socket: Socket;
  subscribed: boolean;
  /** Sent a request with the right token. */
  authenticated: boolean;
  /** Drops the client when it stays unauthenticated, or idle and unsubscribed, too long. */
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * Starts the monitor for the lock manager of a store open for writing in this process. The
 * advert is removed by {@link MonitorServer.close} and, as a last resort, on process exit.
 */
export async function startMonitor(options: MonitorOptions): Promise<MonitorServer> {
  const store = resolve(options.path);
  const token = randomBytes(24).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const locks = options.locks;
  const startedAt = Date.now();
  const clients = new Set<Client>();
  const history = new WaitHistory();
  const batcher = new EventBatcher();
  let unlisten: (() => void) | null = null;
  let lastSent = 0;

  const send = (client: Client, message: MonitorMessage): void => {
    if (!client.socket.writable) return;
    client.socket.write(`${JSON.stringify(message)}\n`);
  };

  const onEvent = (e: LockEvent): void => {
    history.add(e);
    batcher.add(e);
  };

  const snapshotNow = (params: ReturnType<typeof snapshotParams>) => {
    const table = locks.snapshot();
    history.reconcile(table);
    return aggregateSnapshot(table, locks.stats(), history.intervals(), params);
  };
  const hello = (): MonitorHello => ({ format: MONITOR_FORMAT, pid: process.pid, hostname: hostname(), store, startedAt, stats: locks.stats() });

  const handle = (client: Client, line: string): void => {
    let request: { id?: unknown; token?: unknown; cmd?: unknown; params?: unknown };
    try {
      request = JSON.parse(line) as typeof request;
    } catch {
      send(client, { id: null, error: 'request is not JSON' });
      return;
    }
    if (request === null || typeof request !== 'object') {
      send(client, { id: null, error: 'request must be an object' });
      return;
    }
    const id = Number.isSafeInteger(request.id) ? (request.id as number) : null;
    if (id === null) {
      send(client, { id: null, error: 'request needs an integer id' });
      return;
    }
    const given = typeof request.token === 'string' ? Buffer.from(request.token) : Buffer.alloc(0);
    if (given.length !== tokenBytes.length || !timingSafeEqual(given, tokenBytes)) {
      send(client, { id, error: 'wrong token: read it from the advert file beside the store' });
      client.socket.end();
      return;
    }
    if (!client.authenticated) {
      client.authenticated = true;
      // Events are only produced while an authenticated client watches: an unwatched (or merely
      // probed by a stranger) lock manager pays nothing.
      if (!unlisten) unlisten = locks.on(onEvent);
    }
    armIdle(client);
    try {
      switch (request.cmd) {
        case 'hello':
          send(client, { id, result: hello() });
          return;
        case 'snapshot':
          send(client, { id, result: snapshotNow(snapshotParams(request.params)) });
          return;
        case 'subscribe':
          client.subscribed = true;
          if (client.timer) clearTimeout(client.timer);
          client.timer = null;
          send(client, { id, result: { subscribed: true, intervalMs: options.batchIntervalMs ?? LOCK_BATCH_INTERVAL_MS } });
          return;
        case 'unsubscribe':
          client.subscribed = false;
          send(client, { id, result: { subscribed: false } });
          return;
        default:
          send(client, { id, error: `unknown command ${JSON.stringify(String(request.cmd)).slice(0, 60)}; the monitor knows hello, snapshot, subscribe, unsubscribe` });
      }
    } catch (error) {
      send(client, { id, error: error instanceof Error ? error.message.split('\n', 1)[0] : String(error) });
    }
  };

  const authTimeoutMs = options.authTimeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;

  /** (Re)starts the idle timer of an authenticated client that is not subscribed. */
  function armIdle(client: Client): void {
    if (client.timer) clearTimeout(client.timer);
    client.timer = null;
    if (client.subscribed) return;
    client.timer = setTimeout(() => client.socket.destroy(), idleTimeoutMs);
    client.timer.unref();
  }

  const connect = (socket: Socket): void => {
    const client: Client = { socket, subscribed: false, authenticated: false, timer: null };
    clients.add(client);
    // Until it presents the token, a client gets authTimeoutMs and nothing else.
    client.timer = setTimeout(() => socket.destroy(), authTimeoutMs);
    client.timer.unref();
    socket.setEncoding('utf8');
    let buffered = '';
    socket.on('data', (chunk: string) => {
      // Newlines are searched in the new chunk only: a long line costs O(its length).
      let start = 0;
      let newline: number;
      while ((newline = chunk.indexOf('\n', start)) >= 0) {
        const line = (buffered + chunk.slice(start, newline)).trim();
        buffered = '';
        start = newline + 1;
        if (line) handle(client, line);
        if (socket.destroyed) return;
      }
      buffered += chunk.slice(start);
      if (buffered.length > MAX_REQUEST_LINE) {
        send(client, { id: null, error: `request line longer than ${MAX_REQUEST_LINE} bytes` });
        buffered = '';
        socket.destroy();
      }
    });
    const drop = (): void => {
      if (client.timer) clearTimeout(client.timer);
      client.timer = null;
      clients.delete(client);
      if (unlisten && ![...clients].some((c) => c.authenticated)) {
        unlisten();
        unlisten = null;
      }
    };
    socket.on('close', drop);
    socket.on('error', drop);
  };

  const timer = setInterval(() => {
    const now = Date.now();
    const subscribers = [...clients].filter((c) => c.subscribed);
    if (batcher.pending === 0 && (subscribers.length === 0 || now - lastSent < HEARTBEAT_MS)) return;
    const batch = batcher.flush(locks.stats(), now);
    if (subscribers.length === 0) return;
    lastSent = now;
    for (const client of subscribers) {
      // A client that cannot keep up misses batches (it sees a gap in seq) rather than growing
      // our memory; one that stopped reading altogether is dropped.
      if (client.socket.writableLength > MAX_SUBSCRIBER_BACKLOG_BYTES) client.socket.destroy();
      else if (client.socket.writableLength < MAX_BACKLOG_BYTES) send(client, { batch });
    }
  }, options.batchIntervalMs ?? LOCK_BATCH_INTERVAL_MS);
  timer.unref();

  const server = createServer(connect);
  server.on('error', () => {
    // After listening, errors belong to single connections, which handle their own.
  });
  const sock = socketPath(store);
  let listening: { transport: 'unix'; socket: string } | { transport: 'tcp'; host: string; port: number };
  const wantUnix = options.transport !== 'tcp' && process.platform !== 'win32' && Buffer.byteLength(sock) <= MAX_SOCKET_PATH;
  if (wantUnix && (await listenUnix(server, sock))) {
    listening = { transport: 'unix', socket: sock };
  } else {
    const port = await listenTcp(server);
    listening = { transport: 'tcp', host: '127.0.0.1', port };
  }
  const unref = server as Server & { unref(): Server };
  unref.unref();

  const advert: MonitorAdvert = { format: MONITOR_FORMAT, pid: process.pid, hostname: hostname(), store, startedAt, ...listening, token };
  const cleanupFiles = (): void => {
    removeAdvert(store);
    if (listening.transport === 'unix') rmSync(listening.socket, { force: true });
  };
  // The last resort for a process that exits without closing the monitor (process.exit, an
  // uncaught error). SIGKILL skips it: readers recognise that advert as stale.
  process.on('exit', cleanupFiles);
  let advertFile: string;
  try {
    advertFile = writeAdvert(advert);
  } catch (error) {
    process.off('exit', cleanupFiles);
    clearInterval(timer);
    server.close();
    throw error;
  }

  let closed: Promise<void> | null = null;
  return {
    advert,
    advertPath: advertFile,
    get clients() {
      return clients.size;
    },
    close() {
      if (closed) return closed;
      clearInterval(timer);
      // Advert first: from here on nobody should try to attach.
      cleanupFiles();
      process.off('exit', cleanupFiles);
      if (unlisten) unlisten();
      unlisten = null;
      closed = new Promise<void>((done) => {
        server.close(() => done());
        for (const client of clients) client.socket.destroy();
        clients.clear();
      });
      return closed;
    },
  };
}

/** Validates `snapshot` params (the service checked them already; other clients may not have). */
function snapshotParams(raw: unknown): MonitorSnapshotParams {
  const p = (raw ?? {}) as { offset?: unknown; limit?: unknown; buckets?: unknown };
  const int = (value: unknown, name: string, min: number, max: number, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) throw new Error(`${name} must be an integer from ${min} to ${max}`);
    return value as number;
  };
  return {
    offset: int(p.offset, 'offset', 0, Number.MAX_SAFE_INTEGER, 0),
    limit: int(p.limit, 'limit', 1, LOCK_GROUPS_LIMIT_MAX, 200),
    buckets: int(p.buckets, 'buckets', 1, LOCK_BUCKETS_MAX, 64),
  };
}

/** Listens on a Unix socket path, replacing a stale socket file; false when that fails (then use TCP). */
async function listenUnix(server: Server, path: string): Promise<boolean> {
  // Only the writer of the store starts a monitor, and it holds the writer lock, so a socket
  // file already here was left by a process that died: reuse the name.
  rmSync(path, { force: true });
  const ok = await new Promise<boolean>((done) => {
    const onError = (): void => done(false);
    server.once('error', onError);
    server.listen(path, () => {
      server.off('error', onError);
      done(true);
    });
  });
  if (ok) {
    try {
      chmodSync(path, 0o600);
    } catch {
      // Some file systems ignore modes; the token still guards every request.
    }
  }
  return ok;
}

async function listenTcp(server: Server): Promise<number> {
  return new Promise<number>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', fail);
      const address = server.address();
      done(typeof address === 'object' && address ? address.port : 0);
    });
  });
}
