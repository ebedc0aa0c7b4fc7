/**
 * The serve host: the inspector's renderer bundle and its API over HTTP + WebSocket, for boxes
 * without an Electron binary, remote inspection through an SSH tunnel, and the e2e tests.
 *
 * It serves the user's files to whoever can reach it, so it listens on loopback only and
 * requires a per-run random token on every request and socket. The token arrives in the URL
 * once and is then kept in an HttpOnly, SameSite=Strict cookie, so the bundle's own asset and
 * WebSocket requests carry it without the page handling it. The Host header is checked too,
 * which stops DNS-rebinding pages from reaching the port under another name.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { SERVE_TOKEN_PARAM, SERVE_WS_PATH } from '../contract';
import type { WireMessage } from '../contract';
import { createService } from '../service/index';
import type { Service, ServiceSession } from '../service/index';

/** The repository root (app/serve/ is two levels down). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Where `electron-vite build` puts the renderer bundle. */
export const DEFAULT_RENDERER_DIR = join(REPO_ROOT, 'out', 'renderer');
/** The demo store `npm start` creates. */
export const DEFAULT_DEMO_PATH = join(REPO_ROOT, 'resources', 'demo.th');

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
  /** Open the URL in the default browser. */
  readonly open?: boolean;
  readonly rendererDir?: string;
  readonly demoPath?: string | null;
  /** Persist recent files and theme here (in memory when absent). */
  readonly settingsPath?: string;
  /** Fixed token (tests); random per run otherwise. */
  readonly token?: string;
  /** A service to host instead of a new one (tests). */
  readonly service?: Service;
  readonly pollIntervalMs?: number;
}

/** A running serve host. */
export interface ServeHandle {
  /** The URL to open, token included. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly service: Service;
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

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const COOKIE = 'thunderhead_token';
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** Refuses any bind address that is not loopback, with a message that says why. */
export function checkLoopback(host: string): void {
  if (!LOOPBACK.has(host)) {
    throw new ServeError(`refusing to listen on ${host}: the inspector serves local files and binds to 127.0.0.1 only; reach it from elsewhere through an SSH tunnel (ssh -L)`);
  }
}

/** The Content-Security-Policy of served pages: same origin only, no inline code, no remote content. */
export function serveCsp(origin: string): string {
  const ws = origin.replace(/^http/, 'ws');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${ws}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(request: IncomingMessage): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
}

function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/** Starts the serve host. Resolves once it listens. */
export async function startServe(options: ServeOptions): Promise<ServeHandle> {
  const host = options.host ?? '127.0.0.1';
  checkLoopback(host);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ServeError(`--port must be an integer from 0 to 65535, not ${port}`);
  const token = options.token ?? randomBytes(24).toString('base64url');
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
  let allowedHosts = new Set<string>();

  const authorized = (request: IncomingMessage, url: URL): boolean => {
    // A request under another Host name is a DNS-rebinding attempt or a proxy we did not set up.
    if (!allowedHosts.has(request.headers.host ?? '')) return false;
    return sameToken(url.searchParams.get(SERVE_TOKEN_PARAM) ?? undefined, token)
      || sameToken(bearerToken(request), token)
      || sameToken(cookieToken(request), token);
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    if (!authorized(request, url)) {
      response.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      response.end('401 Unauthorized: open the URL printed by `thunderhead serve` (it carries the access token)\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' });
      response.end();
      return;
    }
    serveStatic(rendererDir, url, response, origin, token, request.method === 'HEAD');
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  const sockets = new Set<WebSocket>();
  const tracked = new Set<Socket>();
  server.on('connection', (socket) => {
    tracked.add(socket);
    socket.once('close', () => tracked.delete(socket));
  });

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', origin);
    const originHeader = request.headers.origin;
    const okOrigin = originHeader === undefined || allowedHosts.has(originHeader.replace(/^https?:\/\//, ''));
    if (url.pathname !== SERVE_WS_PATH || !authorized(request, url) || !okOrigin) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      // One socket, one session: what the tab opened, its writer lock, jobs and demo end with it.
      const session = service.session({ readOnly: options.readOnly ?? false });
      ws.on('close', () => {
        sockets.delete(ws);
        session.close();
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return reply(ws, { id: null, error: { code: 'BAD_REQUEST', message: 'messages must be JSON text' } });
        void handleMessage(session, ws, data.toString());
      });
    });
  });

  const unsubscribe = service.events.on((event) => {
    const text = JSON.stringify({ event } satisfies WireMessage);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE'
        ? new ServeError(`port ${port} on ${host} is already in use; choose another with --port or omit it for a free one`)
        : error);
    });
    server.listen(port, host, () => resolveListen());
  });
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host === '::1' ? '[::1]' : host;
  origin = `http://${urlHost}:${bound}`;
  allowedHosts = new Set([`${urlHost}:${bound}`, `127.0.0.1:${bound}`, `localhost:${bound}`, `[::1]:${bound}`]);
  const url = `${origin}/?${SERVE_TOKEN_PARAM}=${token}`;
  if (options.open) openBrowser(url);

  return {
    url,
    origin,
    port: bound,
    token,
    service,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((done) => {
        server.close(() => done());
        for (const socket of tracked) socket.destroy();
      });
      if (!options.service) service.close();
    },
  };
}

async function handleMessage(service: ServiceSession, ws: WebSocket, text: string): Promise<void> {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return reply(ws, { id: null, error: { code: 'BAD_REQUEST', message: 'message is not valid JSON' } });
  }
  const { id, method, params } = (message ?? {}) as { id?: unknown; method?: unknown; params?: unknown };
  if ((typeof id !== 'number' && typeof id !== 'string') || typeof method !== 'string') {
    return reply(ws, { id: typeof id === 'number' || typeof id === 'string' ? id : null, error: { code: 'BAD_REQUEST', message: 'a message needs {id: number|string, method: string, params}' } });
  }
  const outcome = await service.call(method, params ?? {});
  reply(ws, 'error' in outcome ? { id, error: outcome.error } : { id, result: outcome.result });
}

function reply(ws: WebSocket, message: WireMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}

function serveStatic(root: string, url: URL, response: ServerResponse, origin: string, token: string, head: boolean): void {
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    response.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(`The inspector bundle is not built (${index} is missing): run \`npm run build\`.\n`);
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    response.writeHead(400);
    response.end();
    return;
  }
  let file = normalize(join(root, pathname));
  // Never step outside the bundle directory, whatever the path says.
  if (file !== root && !file.startsWith(root + sep)) {
    response.writeHead(404);
    response.end();
    return;
  }
  const isFile = existsSync(file) && statSync(file).isFile();
  if (!isFile) {
    // Client-side routes fall back to the app; a missing asset is a real 404.
    if (extname(pathname) !== '') {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('404 Not Found\n');
      return;
    }
    file = index;
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  const headers: Record<string, string> = {
    'Content-Type': type,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  if (file === index) {
    headers['Content-Security-Policy'] = serveCsp(origin);
    headers['Cache-Control'] = 'no-store';
    headers['Set-Cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
  } else {
    headers['Cache-Control'] = 'no-cache';
  }
  const body = readFileSync(file);
  headers['Content-Length'] = String(body.length);
  response.writeHead(200, headers);
  response.end(head ? undefined : body);
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

async function openBrowser(url: string): Promise<void> {
  const { spawn } = await import('node:child_process');
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '""', url] : [url];
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser to open (headless box): the printed URL is enough.
  }
}
