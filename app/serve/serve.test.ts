import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Store } from '../../engine/index';
import { encodeKey, encodeValue } from '../../engine/records/index';
import { SERVE_CLOSE_UNAUTHORIZED, SERVE_TOKEN_PROTOCOL_PREFIX, SERVE_WS_PROTOCOL } from '../contract';
import type { WireMessage } from '../contract';
import { ServeError, checkLoopback, startServe } from './serve';
import type { ServeHandle } from './serve';
import { serveCommand, stopServeCommand } from './serve-command';

let dir: string;
let handle: ServeHandle | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'th-serve-'));
  mkdirSync(join(dir, 'bundle', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'bundle', 'index.html'), '<!doctype html><title>Thunderhead</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(join(dir, 'bundle', 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(dir, 'secret.txt'), 'outside the bundle');
});

afterEach(async () => {
  await handle?.close();
  handle = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function serve(files: string[] = []): Promise<ServeHandle> {
  return startServe({ files, rendererDir: join(dir, 'bundle'), demoPath: null }).then((h) => (handle = h));
}

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a socket; resolves with it once open, or with the HTTP status it was refused with. */
function connect(url: string, headers: Record<string, string> = {}, protocols: string[] = []): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(-1));
  });
}

/** The subprotocols the inspector page offers: the API's, then the token. */
function pageProtocols(token: string): string[] {
  return [SERVE_WS_PROTOCOL, `${SERVE_TOKEN_PROTOCOL_PREFIX}${token}`];
}

/** Resolves with the close code of a socket the host accepted and then closed. */
function closeCode(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

function rpc(ws: WebSocket, message: unknown): Promise<WireMessage> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer): void => {
      const reply = JSON.parse(data.toString()) as WireMessage;
      if ('id' in reply) {
        ws.off('message', onMessage);
        resolve(reply);
      }
    };
    ws.on('message', onMessage);
    ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  });
}

describe('serve', () => {
  it('refuses to bind anything but loopback', async () => {
    expect(() => checkLoopback('0.0.0.0')).toThrow(ServeError);
    await expect(startServe({ files: [], host: '0.0.0.0' })).rejects.toThrow(/refusing to listen on 0\.0\.0\.0.*127\.0\.0\.1 only/);
    await expect(startServe({ files: [], host: '192.168.1.10' })).rejects.toThrow(ServeError);
    expect(() => checkLoopback('127.0.0.1')).not.toThrow();
  });

  it('guards /api with the token and never sets a cookie; the URL carries the token in its fragment', async () => {
    const h = await serve();
    expect(h.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{20,}$/);
    const replies = [
      await get(`${h.origin}/api`),
      await get(`${h.origin}/api?token=${h.token}`),
      await get(`${h.origin}/api`, { Authorization: 'Bearer nope' }),
      await get(`${h.origin}/api`, { Cookie: `thunderhead_token=${h.token}` }),
    ];
    for (const reply of replies) expect(reply.status).toBe(401);
    const upgradeNeeded = await get(`${h.origin}/api`, { Authorization: `Bearer ${h.token}` });
    expect(upgradeNeeded.status).toBe(426);
    const page = await get(h.url);
    expect(page.status).toBe(200);
    for (const reply of [...replies, upgradeNeeded, page, await get(`${h.origin}/assets/app.js`)]) {
      expect(reply.headers['set-cookie']).toBeUndefined();
      expect(reply.body).not.toContain(h.token);
    }
  });

  it('serves the bundle (it holds no secret) with a strict CSP, and nothing outside it', async () => {
    const h = await serve();
    const page = await get(`${h.origin}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Thunderhead</title>');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    const asset = await get(`${h.origin}/assets/app.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect((await get(`${h.origin}/some/route`)).body).toContain('<title>Thunderhead</title>');
    expect((await get(`${h.origin}/missing.js`)).status).toBe(404);
    expect((await get(`${h.origin}/../secret.txt`)).body).not.toContain('outside the bundle');
    expect((await get(`${h.origin}/%2e%2e/secret.txt`)).body).not.toContain('outside the bundle');
  });

  it('refuses requests under a foreign Host name (DNS rebinding)', async () => {
    const h = await serve();
    expect((await get(`${h.origin}/`, { Host: `evil.example:${h.port}` })).status).toBe(403);
    expect((await get(`${h.origin}/api`, { Host: `evil.example:${h.port}`, Authorization: `Bearer ${h.token}` })).status).toBe(403);
    expect(await connect(`${h.origin.replace('http', 'ws')}/api`, { Host: `evil.example:${h.port}` }, pageProtocols(h.token))).toBe(403);
  });

  it('opens the API socket only with the token, offered as a subprotocol (never echoed) or a bearer header', async () => {
    const h = await serve();
    const ws = h.origin.replace('http', 'ws');
    expect(await connect(`${ws}/api`)).toBe(401);
    expect(await connect(`${ws}/api?token=${h.token}`)).toBe(401);
    expect(await connect(`${ws}/api`, {}, [`${SERVE_TOKEN_PROTOCOL_PREFIX}wrong`])).toBe(401);
    expect(await connect(`${ws}/elsewhere`, {}, pageProtocols(h.token))).toBe(404);
    expect(await connect(`${ws}/api`, { Origin: 'http://evil.example' }, pageProtocols(h.token))).toBe(403);
    // The page (it offers the API's subprotocol) is told of a wrong token with a close code it can read.
    const refused = await connect(`${ws}/api`, {}, pageProtocols('wrong'));
    if (typeof refused === 'number') throw new Error(`refused with ${refused}`);
    expect(await closeCode(refused)).toBe(SERVE_CLOSE_UNAUTHORIZED);
    const page = await connect(`${ws}/api`, { Origin: h.origin }, pageProtocols(h.token));
    if (typeof page === 'number') throw new Error(`refused with ${page}`);
    expect(page.protocol).toBe(SERVE_WS_PROTOCOL);
    expect(await rpc(page, { id: 1, method: 'app.info', params: {} })).toMatchObject({ id: 1, result: { host: 'serve' } });
    page.close();
    const tool = await connect(`${ws}/api`, { Authorization: `Bearer ${h.token}` });
    if (typeof tool === 'number') throw new Error(`refused with ${tool}`);
    expect(await rpc(tool, { id: 2, method: 'app.info', params: {} })).toMatchObject({ id: 2, result: { host: 'serve' } });
    tool.close();
  });

  it('--open gives the browser a 0600 launch file, never the token, and removes it on close', async () => {
    const launched: string[] = [];
    const h = await startServe({ files: [], rendererDir: join(dir, 'bundle'), demoPath: null, open: true, launch: (path) => launched.push(path) });
    handle = h;
    expect(launched).toEqual([h.launchFile]);
    const file = launched[0]!;
    expect(file).not.toContain(h.token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8')).toContain(`url=${h.url}`);
    await h.close();
    handle = undefined;
    expect(existsSync(file)).toBe(false);
    expect(existsSync(dirname(file))).toBe(false);
  });

  it('round-trips calls and errors over the WebSocket', async () => {
    const path = join(dir, 'small.th');
    const store = Store.create(path);
    store.put(encodeKey(['hello']), encodeValue({ world: true }));
    store.close();
    const h = await serve([path]);
    const ws = await connect(`${h.origin.replace('http', 'ws')}/api`, {}, pageProtocols(h.token));
    if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
    try {
      const info = await rpc(ws, { id: 1, method: 'app.info', params: {} });
      expect(info).toMatchObject({ id: 1, result: { host: 'serve', initialFiles: [{ path, name: 'small.th', file: expect.stringMatching(/^fh_/) }] } });
      const opened = await rpc(ws, { id: 'two', method: 'store.open', params: { path } });
      if (!('result' in opened)) throw new Error(JSON.stringify(opened));
      const storeId = (opened.result as { storeId: string }).storeId;
      const page = await rpc(ws, { id: 3, method: 'records.page', params: { storeId } });
      expect(page).toMatchObject({ id: 3, result: { rows: [{ key: { json: 'hello' }, value: { json: { world: true } } }], nextAfter: null } });
      expect(await rpc(ws, { id: 4, method: 'records.page', params: { storeId, limit: -1 } }))
        .toEqual({ id: 4, error: { code: 'BAD_REQUEST', message: 'bad request to records.page: limit must be a positive integer' } });
      expect(await rpc(ws, { id: 5, method: 'nope', params: {} })).toMatchObject({ id: 5, error: { code: 'UNKNOWN_METHOD' } });
      expect(await rpc(ws, 'not json')).toMatchObject({ id: null, error: { code: 'BAD_REQUEST' } });
      const event = new Promise<WireMessage>((resolve) => ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as WireMessage)));
      h.service.emit({ type: 'host.closeStore' });
      expect(await event).toEqual({ event: { type: 'host.closeStore' } });
    } finally {
      ws.close();
    }
  });

  it('runs as `thunderhead serve` and stops cleanly', async () => {
    const path = join(dir, 'cmd.th');
    Store.create(path).close();
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      const code = serveCommand([path, '--json'], (h) => {
        void get(h.url).then(() => stopServeCommand(h));
      });
      expect(await code).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const printed = JSON.parse(lines.join('').trim()) as { url: string; token: string };
    expect(printed.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/#token=${printed.token}$`));
    const errors: string[] = [];
    const writeErr = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (errors.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await serveCommand(['--port', 'abc'])).toBe(2);
      expect(await serveCommand([join(dir, 'missing.th')])).toBe(1);
      expect(await serveCommand(['--host', '0.0.0.0'])).toBe(1);
    } finally {
      process.stderr.write = writeErr;
    }
    expect(errors.join('')).toMatch(/refusing to listen on 0\.0\.0\.0/);
  });
});
