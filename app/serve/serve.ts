/**
 * The serve host: the inspector's renderer bundle and its API over HTTP + WebSocket, for boxes
 * without an Electron binary, remote inspection through an SSH tunnel, and the e2e tests.
 *
 * It serves the user's files to whoever can reach its API, so it listens on loopback only and
 * the API requires a per-run random token (see ./auth.ts: no cookie; the page gets the token in
 * the URL fragment and presents it as a WebSocket subprotocol). The Host header is checked on
 * every request, which stops DNS-rebinding pages from reaching the port under another name.
 *
 * Hostile input never ends the process: each HTTP request and each upgrade is handled inside a
 * try, a socket error closes that socket, and API frames pass the boundary in ./socket-api.ts.
 * Slow and dead clients are timed out: a request's headers must arrive within `headersMs`, and
 * a WebSocket must answer a ping every `heartbeatMs`.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { REQUEST_MAX_BYTES, SERVE_CLOSE_UNAUTHORIZED, SERVE_TOKEN_PARAM, SERVE_WS_PATH, SERVE_WS_PROTOCOL } from '../contract';
import type { WireMessage } from '../contract';
import { createService } from '../service/index';
import type { Service, ServiceSession } from '../service/index';
import { HostCheck, LOOPBACK, hasToken, offeredProtocols, requestUrl } from './auth';
import { openWithPlatform, writeLaunchFile } from './launch';
import type { LaunchFile } from './launch';
import { attachSocket } from './socket-api';
import type { ServedSocket } from './socket-api';
import { sendText, serveStatic } from './static';

export { serveCsp } from './static';

/** The repository root (app/serve/ is two levels down). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Where `electron-vite build` puts the renderer bundle. */
export const DEFAULT_RENDERER_DIR = join(REPO_ROOT, 'out', 'renderer');
/** The demo store `npm start` creates. */
export const DEFAULT_DEMO_PATH = join(REPO_ROOT, 'resources', 'demo.th');

/** How long clients may be slow or silent (ms). */
export interface ServeTimeouts {
  /** A request's headers must be complete within this (slowloris); idle keep-alive sockets close after it too. */
  readonly headersMs: number;
  /** Each WebSocket is pinged this often and closed when it missed the previous ping. */
  readonly heartbeatMs: number;
}

/** The timeouts of a host started without any. */
export const DEFAULT_SERVE_TIMEOUTS: ServeTimeouts = { headersMs: 10_000, heartbeatMs: 30_000 };

/** Options of {@link startServe}. */
export interface ServeOptions {
  /** Store files to offer first (the UI opens the first one); typed paths may name these. */
  readonly files: readonly string[];
  /** Folders whose files typed paths and the picker may reach (`--allow-dir`); none by default. */
  readonly allowDirs?: readonly string[];
  /** Every session read-only (`--read-only`): no edit mode, exports or workloads. */
  readonly readOnly?: boolean;
  /** 0 or absent: a random free port. */
  readonly port?: number;
  /** Loopback only: '127.0.0.1' (default), 'localhost' or '::1'. Anything else is refused. */
  readonly host?: string;
  /** Open the inspector in the default browser (through a launch file: see ./launch.ts). */
  readonly open?: boolean;
  /** How `open` opens the launch file (tests); the platform's opener by default. */
  readonly launch?: (path: string) => void;
  readonly rendererDir?: string;
  readonly demoPath?: string | null;
  /** Persist recent files and theme here (in memory when absent). */
  readonly settingsPath?: string;
  /** Fixed token (tests); random per run otherwise. */
  readonly token?: string;
  /** A service to host instead of a new one (tests). */
  readonly service?: Service;
  readonly pollIntervalMs?: number;
  /** Shorter timeouts (tests); {@link DEFAULT_SERVE_TIMEOUTS} otherwise. */
  readonly timeouts?: Partial<ServeTimeouts>;
}

/** A running serve host. */
export interface ServeHandle {
  /** The URL to open: the token travels in its fragment (`/#token=…`). */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly service: Service;
  /** The launch file `open` wrote (null without `open`); removed by {@link ServeHandle.close}. */
  readonly launchFile: string | null;
  /** Stops listening, closes sockets and the service. */
  close(): Promise<void>;
}

/** A serve setup problem a user can fix (bad host, port in use). */
export class ServeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServeError';
  }
}

/** Refuses any bind address that is not loopback, with a message that says why. */
export function checkLoopback(host: string): void {
  if (!LOOPBACK.has(host)) {
    throw new ServeError(`refusing to listen on ${host}: the inspector serves local files and binds to 127.0.0.1 only; reach it from elsewhere through an SSH tunnel (ssh -L)`);
  }
}

/** Answers on a raw socket (an upgrade refused before any WebSocket exists, malformed HTTP): one status line, then it closes. */
function refuseSocket(socket: Duplex, status: number, reason: string, text: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${text}\n`;
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`, () => socket.destroy());
}

const NOT_OURS = '403 Forbidden: this host name is not the inspector\u2019s (open the URL `thunderhead serve` printed)';
const NO_TOKEN = '401 Unauthorized: the API needs the token from the URL `thunderhead serve` printed';

/**
 * Starts the serve host. Resolves once it listens. Each request costs O(its size); nothing a
 * client sends can end the process or block the event loop.
 */
export async function startServe(options: ServeOptions): Promise<ServeHandle> {
  const host = options.host ?? '127.0.0.1';
  checkLoopback(host);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ServeError(`--port must be an integer from 0 to 65535, not ${port}`);
  const token = options.token ?? randomBytes(24).toString('base64url');
  const timeouts: ServeTimeouts = { ...DEFAULT_SERVE_TIMEOUTS, ...options.timeouts };
  const rendererDir = resolve(options.rendererDir ?? DEFAULT_RENDERER_DIR);
  const demoPath = options.demoPath === undefined ? DEFAULT_DEMO_PATH : options.demoPath;
  const service = options.service ?? createService({
    host: 'serve',
    version: packageVersion(),
    initialFiles: options.files,
    demoPath,
    // Typed paths reach only what the command line named: these files (and the demo) and
    // the --allow-dir folders; anything else is refused without saying whether it exists.
    allowedPlaces: { files: [...options.files, ...(demoPath ? [demoPath] : [])], dirs: options.allowDirs ?? [] },
    ...(options.settingsPath ? { settingsPath: options.settingsPath } : {}),
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
  });

  let origin = '';
  const hosts = new HostCheck();

  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    // A request under another Host name is a DNS-rebinding attempt or a proxy we did not set up.
    if (!hosts.hostAllowed(request)) return sendText(response, 403, NOT_OURS);
    const url = requestUrl(request);
    if (url === null) return sendText(response, 400, '400 Bad Request: the request target is not a URL path');
    if (url.pathname === SERVE_WS_PATH || url.pathname.startsWith(`${SERVE_WS_PATH}/`)) {
      if (!hasToken(request, token)) return sendText(response, 401, NO_TOKEN);
      return sendText(response, 426, '426 Upgrade Required: the API is a WebSocket', { Upgrade: 'websocket' });
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendText(response, 405, '405 Method Not Allowed', { Allow: 'GET, HEAD' });
    serveStatic(rendererDir, url.pathname, response, origin, request.method === 'HEAD');
  };

  // Sockets whose first request's headers arrived: the first-headers timer below spares them.
  const spoke = new WeakSet<object>();
  const server = createServer({
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.headersMs * 2,
    keepAliveTimeout: Math.min(5000, timeouts.headersMs),
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(timeouts.headersMs / 4))),
  }, (request, response) => {
    spoke.add(request.socket);
    try {
      onRequest(request, response);
    } catch {
      // One request failed (an unreadable bundle file, a bug): that request gets a 500, the host goes on.
      sendText(response, 500, '500 Internal Server Error');
    }
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // Malformed HTTP (a bad request line, oversized headers) or a client too slow to send its
    // headers: one status line and that socket closes.
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') refuseSocket(socket, 408, 'Request Timeout', '408 Request Timeout');
    else if (error.code === 'HPE_HEADER_OVERFLOW') refuseSocket(socket, 431, 'Request Header Fields Too Large', '431 Request Header Fields Too Large');
    else refuseSocket(socket, 400, 'Bad Request', '400 Bad Request');
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: REQUEST_MAX_BYTES,
    // No compression: a small compressed frame must not inflate into a large one (and loopback
    // gains nothing from it).
    perMessageDeflate: false,
    // The page offers [SERVE_WS_PROTOCOL, thunderhead.token.<token>]: answer with the first,
    // never echo the token.
    handleProtocols: (protocols) => (protocols.has(SERVE_WS_PROTOCOL) ? SERVE_WS_PROTOCOL : false),
  });
  wss.on('error', () => undefined);
  const served = new Map<WebSocket, ServedSocket>();
  const tracked = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    tracked.add(socket);
    // A socket whose first request's headers have not all arrived within headersMs is closed
    // here, by our own timer: a silent one (not even a request line) is dropped, a slow one gets
    // 408. Node's headersTimeout only acts when its periodic connection check happens to run
    // (and never on a socket that sent nothing), which left slow clients open for an interval
    // that depended on timing. bytesRead, not a 'data' listener: the HTTP parser reads the
    // socket's handle directly. Later requests on a kept-alive socket are Node's to time out.
    const silent = setTimeout(() => {
      if (spoke.has(socket)) return;
      if (socket.bytesRead === 0) socket.destroy();
      else refuseSocket(socket, 408, 'Request Timeout', '408 Request Timeout');
    }, timeouts.headersMs);
    silent.unref();
    socket.once('close', () => {
      clearTimeout(silent);
      tracked.delete(socket);
    });
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (!hosts.hostAllowed(request) || !hosts.originAllowed(request)) return refuseSocket(socket, 403, 'Forbidden', NOT_OURS);
    const url = requestUrl(request);
    if (url === null) return refuseSocket(socket, 400, 'Bad Request', '400 Bad Request: the request target is not a URL path');
    if (url.pathname !== SERVE_WS_PATH) return refuseSocket(socket, 404, 'Not Found', '404 Not Found');
    const authorized = hasToken(request, token);
    // The inspector page (it offers our subprotocol) learns of a refused token through a close
    // code it can read, and says so; it cannot read an HTTP status. It gets no API either way.
    if (!authorized && !offeredProtocols(request).includes(SERVE_WS_PROTOCOL)) return refuseSocket(socket, 401, 'Unauthorized', NO_TOKEN);
    wss.handleUpgrade(request, socket, head, (ws) => {
      if (!authorized) {
        ws.on('error', () => ws.terminate());
        ws.close(SERVE_CLOSE_UNAUTHORIZED, 'unauthorized');
        return;
      }
      // One socket, one session: what the tab opened, its writer lock, jobs and demo end with it.
      const session: ServiceSession = service.session({ readOnly: options.readOnly ?? false });
      served.set(ws, attachSocket(ws, {
        service: session,
        onGone: () => {
          served.delete(ws);
          session.close();
        },
      }));
    });
  };

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    spoke.add(socket);
    // Errors on the raw socket (a reset mid-handshake) close it; nothing else hears of them.
    socket.on('error', () => socket.destroy());
    try {
      onUpgrade(request, socket, head);
    } catch {
      refuseSocket(socket, 500, 'Internal Server Error', '500 Internal Server Error');
    }
  });

  const heartbeat = setInterval(() => {
    for (const socket of served.values()) socket.beat();
  }, timeouts.heartbeatMs);
  heartbeat.unref();

  const unsubscribe = service.events.on((event) => {
    let text: string;
    try {
      text = JSON.stringify({ event } satisfies WireMessage);
    } catch {
      // An event that cannot be encoded is dropped; it must not fail the service that emitted it.
      return;
    }
    for (const socket of served.values()) socket.push(text);
  });

  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        reject(error.code === 'EADDRINUSE'
          ? new ServeError(`port ${port} on ${host} is already in use; choose another with --port or omit it for a free one`)
          : error);
      });
      server.listen(port, host, () => resolveListen());
    });
  } catch (error) {
    clearInterval(heartbeat);
    unsubscribe();
    if (!options.service) service.close();
    throw error;
  }
  // After listening, errors belong to single connections, which handle their own.
  server.on('error', () => undefined);
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host === '::1' ? '[::1]' : host;
  origin = `http://${urlHost}:${bound}`;
  hosts.listen(urlHost, bound);
  const url = `${origin}/#${SERVE_TOKEN_PARAM}=${token}`;
  let launchFile: LaunchFile | null = null;
  if (options.open) {
    launchFile = writeLaunchFile(url);
    (options.launch ?? openWithPlatform)(launchFile.path);
  }

  return {
    url,
    origin,
    port: bound,
    token,
    service,
    launchFile: launchFile?.path ?? null,
    async close() {
      clearInterval(heartbeat);
      unsubscribe();
      launchFile?.remove();
      for (const ws of served.keys()) ws.terminate();
      wss.close();
      await new Promise<void>((done) => {
        server.close(() => done());
        for (const socket of tracked) socket.destroy();
      });
      if (!options.service) service.close();
    },
  };
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
